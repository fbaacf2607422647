# SPDX-License-Identifier: GPL-2.0-or-later
# Host side, raw sysfs: two ivshmem-plain devices are functions 0 and 1 of
# slot 00:05 (stand-ins for the endpoint's vNTB and DMA functions). Their
# BAR2 is a file the host filled before boot ("EPDMA-IVSHMEM-FN<n>").
# Checks what kernel-abi.md §4/§5 say about rescan, remove, driver_override,
# drivers_probe and resourceN.
. /usr/share/epdma-test/lib.sh

P=/sys/bus/pci
F0=$P/devices/0000:00:05.0
F1=$P/devices/0000:00:05.1
# "EPDMA-IVSHMEM-FN" in hex, followed by the function number's digit.
MAGIC=4550444d412d495653484d454d2d464e

bar_is() { # bar_is NAME DEV WANTHEX
	got=$(ktool mmap "$2/resource2" 17)
	check_eq "$1" "$got" "$3"
}
driver_of() { basename "$(readlink "$1/driver" 2>/dev/null)"; }
# wait_driver DEV NAME: probing is asynchronous in general; give it 5 s.
wait_driver() {
	i=0
	while [ "$(driver_of "$1")" != "$2" ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ "$(driver_of "$1")" = "$2" ]
}
bind_override() { # bind_override DEV DRIVER
	echo "$2" >"$1/driver_override" && echo "${1##*/}" >$P/drivers_probe
}
unbind() { echo "${1##*/}" >"$1/driver/unbind"; }

modprobe epdma_claim || fail modprobe "epdma_claim"

# Discovery: one device, two functions, IDs and class as QEMU sets them.
check fn0-present test -d "$F0"
check fn1-present test -d "$F1"
check_eq fn1-ids "$(cat "$F1/vendor"):$(cat "$F1/device")" 0x1af4:0x1110
# ivshmem is class 0x0500 (memory RAM), the class vNTB functions use too.
check_eq fn1-class "$(cat "$F1/class")" 0x050000
check_eq fn1-config-space "$(ktool read "$F1/config" 4)" f41a1011
check_eq fn1-no-driver "$(driver_of "$F1")" ""

# resourceN: read() is for I/O BARs only, mmap for memory BARs.
check_eq read-memory-bar-eio "$(ktool read "$F1/resource2" 16)" EIO
check_eq read-register-bar-eio "$(ktool read "$F1/resource0" 16)" EIO
bar_is mmap-fn0-before-driver "$F0" "${MAGIC}30"
bar_is mmap-fn1-before-driver "$F1" "${MAGIC}31"
# The host checks after the run that this reached ivshmem-fn1.
check mmap-write-fn1 ktool mmap-write "$F1/resource2" 0 \
	47554553542d57524f54452d464e3121

# driver_override: "(null)" when unset, then pci-stub through drivers_probe.
check_eq override-unset-reads-null "$(cat "$F1/driver_override")" "(null)"
check override-pci-stub bind_override "$F1" pci-stub
check bound-to-pci-stub wait_driver "$F1" pci-stub
check_eq override-reads-back "$(cat "$F1/driver_override")" pci-stub
check_eq fn0-untouched "$(driver_of "$F0")" ""
# pci-stub binds without requesting the BARs: mmap keeps working.
check_eq mmap-under-pci-stub "$(ktool mmap "$F1/resource2" 4)" 47554553

# A driver that requests its BARs (as ntb_hw_epf and dw-edma-pcie do):
# IO_STRICT_DEVMEM makes mmap fail with EINVAL; read() still EIO.
check unbind-pci-stub unbind "$F1"
check override-claim bind_override "$F1" epdma-claim
check bound-to-claim wait_driver "$F1" epdma-claim
check_eq mmap-claimed-bar-einval "$(ktool mmap "$F1/resource2" 4)" EINVAL
check_eq mmap-other-function-still-works "$(ktool mmap "$F0/resource2" 4)" 4550444d
check unbind-claim unbind "$F1"
check_eq mmap-after-release "$(ktool mmap "$F1/resource2" 4)" 47554553

# remove + rescan: the function comes back without its driver_override.
check remove-fn1 sh -c "echo 1 >$F1/remove"
check fn1-gone test ! -e "$F1"
check fn0-stays test -d "$F0"
check rescan sh -c "echo 1 >$P/rescan"
check fn1-back test -d "$F1"
check_eq override-lost-after-rescan "$(cat "$F1/driver_override")" "(null)"
check_eq no-driver-after-rescan "$(driver_of "$F1")" ""
bar_is shared-memory-kept-across-rescan "$F0" "${MAGIC}30"

# drivers_autoprobe is global and reads 1 by default.
check_eq drivers-autoprobe-default "$(cat $P/drivers_autoprobe)" 1

# Removing function 0 of a multi-function device leaves function 1 alone.
check remove-fn0 sh -c "echo 1 >$F0/remove"
if [ -e "$F1" ]; then
	pass fn1-survives-fn0-removal
else
	fail fn1-survives-fn0-removal "removing 00:05.0 also removed 00:05.1"
fi
check rescan-again sh -c "echo 1 >$P/rescan"
check fn0-back test -d "$F0"
check fn1-present-after-rescan test -d "$F1"

finish
