# SPDX-License-Identifier: GPL-2.0-or-later
# epdmactl on the real kernel: cold setup (vNTB = PF0, DMA = PF1, started,
# every attribute read back), a re-run that changes nothing, status --json
# against the live graph, teardown, the leftover vNTB bus, a single-function
# controller refused before any write, and failures the kernel itself
# produces (a start that fails, a memory window the driver cannot allocate at
# bind) rolled back. Uses vbus_number 0x30.. (the transcript replay needs
# 0xff, 0x10 and 0x20) and leaves the default controller with no function.
. /usr/share/epdma-test/lib.sh

E=/usr/bin/epdmactl
C=$EPF_CFS/controllers/$EPC_NAME
F=$EPF_CFS/functions
CALLS=/sys/kernel/debug/epdma-vepc/calls
[ -x "$E" ] || { fail epdmactl "no epdmactl in the initramfs (EPDMA_EPDMACTL unset)"; finish; }
mkdir -p /etc /run

conf() { # conf VBUS [EXTRA-VNTB-LINE]
	printf '[general]\nrole = endpoint\nprofile = imx8\n[vntb]\nvbus_number = %s\n%s\n' \
		"$1" "${2:-}" >/etc/epdma.conf
	chmod 0644 /etc/epdma.conf
}
# ctl WANT-EXIT NAME ARGS...: run epdmactl, check its exit status.
ctl() {
	_want=$1 _name=$2; shift 2
	"$E" "$@" >/tmp/ctl.out 2>/tmp/ctl.err
	_rc=$?
	if [ "$_rc" = "$_want" ]; then
		pass "$_name"
	else
		fail "$_name" "epdmactl $* exited $_rc, want $_want: $(head -c 300 /tmp/ctl.err)"
	fi
}
out_has() { if grep -q -- "$2" /tmp/ctl.out; then pass "$1"; else fail "$1" "stdout lacks '$2'"; fi; }
err_has() { if grep -q -- "$2" /tmp/ctl.err; then pass "$1"; else fail "$1" "stderr lacks '$2'"; fi; }
no_functions() {
	check_eq "$1: no vNTB function" "$(ls "$F/pci_epf_vntb" 2>/dev/null)" ""
	check_eq "$1: no DMA function" "$(ls "$F/pci_epf_dma" 2>/dev/null)" ""
	check_eq "$1: nothing linked" "$(ls "$C" | tr '\n' ' ')" "start "
}
reload() { rmmod epdma_vepc && modprobe epdma_vepc "$@"; }

# epdma loads the EPF drivers itself (libkmod), like on a freshly booted board.
check "unload pci_epf_dma" rmmod pci_epf_dma
check "unload pci_epf_vntb" rmmod pci_epf_vntb

conf 0x30
ctl 0 "check passes" check
ctl 0 "plan" plan
out_has "plan links vntb0 first" "link vntb0 to $EPC_NAME (PF0)"
calls=$(wc -l <"$CALLS")
klog_mark
ctl 0 "cold setup" setup
check "epdmactl loaded pci_epf_vntb" test -d /sys/module/pci_epf_vntb
check "epdmactl loaded pci_epf_dma" test -d /sys/module/pci_epf_dma
check "vntb0 linked" test -L "$C/vntb0"
check "dma0 linked" test -L "$C/dma0"
check_eq "started" "$(cat "$C/start")" 1
# What the controller was asked, per function number: the real PF assignment.
hdr=$(tail -n +$((calls + 1)) "$CALLS" | grep write_header)
check "vNTB header went to fn0" sh -c "echo '$hdr' | grep -q 'write_header fn0 vendor=0x1957 device=0x0809'"
check "DMA header went to fn1" sh -c "echo '$hdr' | grep -q 'write_header fn1 vendor=0x1957 device=0x080b'"
t_log "DMA bound as PF1" "pci_epf_dma\.[0-9]+: bound as fn1"
V=$(driver_subgroup "$F/pci_epf_vntb/vntb0" pci_epf_vntb)
D=$(driver_subgroup "$F/pci_epf_dma/dma0" pci_epf_dma)
check_num "vendorid" "$(cat "$F/pci_epf_vntb/vntb0/vendorid")" 0x1957
check_num "deviceid" "$(cat "$F/pci_epf_vntb/vntb0/deviceid")" 0x0809
check_num "vNTB baseclass" "$(cat "$F/pci_epf_vntb/vntb0/baseclass_code")" 0x05
check_num "num_mws" "$(cat "$V/num_mws")" 1
check_num "mw1" "$(cat "$V/mw1")" 0x100000
check_num "spad_count" "$(cat "$V/spad_count")" 64
check_num "db_count" "$(cat "$V/db_count")" 4
check_num "vbus_number" "$(cat "$V/vbus_number")" 0x30
check_num "DMA deviceid" "$(cat "$F/pci_epf_dma/dma0/deviceid")" 0x080b
check_num "DMA baseclass" "$(cat "$F/pci_epf_dma/dma0/baseclass_code")" 0x08
check_num "DMA msi_interrupts" "$(cat "$F/pci_epf_dma/dma0/msi_interrupts")" 4
check_num "wr_chans" "$(cat "$D/wr_chans")" 2
check_num "rd_chans" "$(cat "$D/rd_chans")" 2
check "vNTB virtual bus 30" test -e /sys/class/pci_bus/0000:30

ctl 0 "re-run" setup --json
out_has "re-run runs no operation" '"operations": \[\]'
ctl 0 "status --json" status --json
out_has "status: started" '"started": true'
out_has "status: in sync" '"in_sync": true'
out_has "status: vNTB subgroup" "\"subgroup\": \"${V##*/}\""
out_has "status: DMA subgroup" "\"subgroup\": \"${D##*/}\""
check "status: vntb0 is PF0" sh -c "grep -A8 '\"name\": \"vntb0\"' /tmp/ctl.out | grep -q '\"pf\": 0'"
check "status: dma0 is PF1" sh -c "grep -A8 '\"name\": \"dma0\"' /tmp/ctl.out | grep -q '\"pf\": 1'"

ctl 1 "teardown needs --force" teardown
check "teardown refused: vntb0 still linked" test -L "$C/vntb0"
ctl 0 "teardown --force" teardown --force
no_functions "after teardown"
check_eq "stopped" "$(cat "$C/start")" 0
check "the kernel keeps bus 30" test -e /sys/class/pci_bus/0000:30

ctl 1 "leftover bus refused" setup
err_has "leftover bus: what to do" "reboot, or choose another vbus_number"
no_functions "leftover bus"

check "reload as a single-function controller" reload max_functions=1
conf 0x31
ctl 1 "single-function controller refused" setup
err_has "single-function: why" "supports 1 function"
no_functions "single-function"

check "reload with a failing start" reload fail_start=1
ctl 1 "failing start rolled back" setup
err_has "failing start: the step" "start $EPC_NAME failed"
err_has "failing start: rolled back" "the graph is as before"
err_has "failing start: kept bus named" "vbus_number 0x31 cannot be used again"
no_functions "failing start"
check_eq "failing start: stopped" "$(cat "$C/start")" 0

check "reload default controller" reload
conf 0x32 "mw1 = 256M"
ctl 1 "window the driver cannot allocate rolled back" setup
err_has "unallocatable window: the step" "link vntb0 to $EPC_NAME (PF0) failed"
no_functions "unallocatable window"
finish
