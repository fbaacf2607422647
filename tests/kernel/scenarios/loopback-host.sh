# SPDX-License-Identifier: GPL-2.0-or-later
# The one-guest loopback (README: Loopback), in a boot of its own: epdmactl
# sets the endpoint up with the virtual controller's BAR memory in the ivshmem
# pool at 00:06.0, epdma_loopback presents the started functions as PCI device
# 0001:01:00 of the same kernel, and the host role of the same epdmactl
# (discover, check, status, plan, setup's pairing checks) runs on that
# device's real sysfs, libpci and resourceN mmap, against the bytes the real
# pci-epf-vntb and the DMA stand-in wrote. Each pairing check fails, named,
# with a host config that disagrees.
. /usr/share/epdma-test/lib.sh
. /usr/share/epdma-test/scenarios/epdmactl-lib.inc
. /usr/share/epdma-test/scenarios/loopback-lib.inc

POOL=0000:00:06.0
# res_size FILE N: size of BAR N from a device's resource file.
res_size() {
	sed -n "$(($2 + 1))p" "$1/resource" | { read -r s e _; [ $((s)) = 0 ] && echo 0 ||
		printf '0x%x\n' $((e - s + 1)); }
}

# ---- endpoint: real epdmactl, controller with its BAR memory in the pool ----
check "unload pci_epf_dma" rmmod pci_epf_dma
check "unload pci_epf_vntb" rmmod pci_epf_vntb
klog_mark
# BAR1/3/5 reserved, as i.MX8's controller: vNTB takes BAR0/2/4 (kernel-abi.md §5).
check "controller with a pool" reload pool=$POOL reserved_bars=0x2a
t_log "the pool is the ivshmem BAR" "function BARs from $POOL BAR2"
conf 0x30 "[endpoint]" "pairing_tag = 0x5a5a"
ctl 0 "endpoint setup" setup
check_eq "endpoint started" "$(cat "$C/start")" 1

# ---- the loopback device ----
check "no loopback before the host module" test ! -e $V
klog_mark
check "load epdma_loopback" modprobe epdma_loopback
t_log "loopback bus announced" "endpoint functions on bus 0001:01 inside"
check "vNTB function at 0001:01:00.0" test -d $V
check "DMA function at 0001:01:00.1" test -d $D
check "no third function" test ! -e /sys/bus/pci/devices/0001:01:00.2
check_eq "vNTB vendor:device" "$(cat $V/vendor):$(cat $V/device)" 0x1957:0x0809
check_eq "vNTB class" "$(cat $V/class)" 0x050000
check_eq "vNTB subsystem (pairing tag)" "$(cat $V/subsystem_device)" 0x5a5a
check_eq "DMA vendor:device" "$(cat $D/vendor):$(cat $D/device)" 0x1957:0x080b
check_eq "DMA class" "$(cat $D/class)" 0x080100
check_eq "DMA subsystem (pairing tag)" "$(cat $D/subsystem_device)" 0x5a5a
# Header type 0x80: function 0 says the device has more functions.
check_eq "multi-function header" "$(ktool read $V/config 1 14)" 80
check_eq "vNTB BAR1 (reserved) absent" "$(res_size $V 1)" 0
check_eq "vNTB BAR3 (reserved) absent" "$(res_size $V 3)" 0
check_eq "vNTB MW1 BAR4 is mw1" "$(res_size $V 4)" 0x100000
check_eq "DMA metadata BAR0 4 KiB" "$(res_size $D 0)" 0x1000
# The resource tree: ivshmem BAR > loopback window > the functions' BARs.
nested() {
	awk '{ match($0, /^ */); ind = RLENGTH; name = $0; sub(/^[^:]*: /, "", name) }
	name == "0000:00:06.0" { pool = ind; inpool = 1; win = -1; next }
	inpool && ind <= pool { inpool = 0 }
	inpool && name == "epdma-loopback" && ind == pool + 2 { win = ind; next }
	inpool && win >= 0 && ind == win + 2 && name == "0001:01:00.0" { found = 1 }
	END { exit !found }' /proc/iomem
}
check "BARs inside the window inside the pool BAR" nested
# What the real pci-epf-vntb wrote, read through the host's resourceN mmap:
# the control region (kernel-abi.md §2) and the DMA stand-in's PEDM block.
check_eq "ctrl num_mws" "$(bar_u32 $V/resource0 0x20)" 1
check_eq "ctrl spad_offset (0x134 rounded to the 4 KiB align)" "$(bar_u32 $V/resource0 0x28)" 4096
check_eq "ctrl spad_count" "$(bar_u32 $V/resource0 0x2c)" 64
check_eq "ctrl db_entry_size" "$(bar_u32 $V/resource0 0x30)" 4
check_eq "PEDM magic" "$(ktool mmap $D/resource0 4)" 5045444d
check_eq "PEDM register BAR 2, 2 WR, 2 RD" "$(printf '0x%x' $(($(bar_u32 $D/resource0 8) & 0x7ffff)))" 0x1012
# The images for tests/conformance/real-kernel-bars.txt, on the console.
dump() { # dump HEADER RESOURCE SIZE: non-zero 32-byte lines
	echo "$1 size=$3"
	ktool mmap "$2" "$3" | fold -w 64 |
		awk '!/^0+$/ { printf "%04x: %s\n", (NR - 1) * 32, $0 }'
}
{
	dump "vntb num_mws=1 spad_count=64 db_count=4 align=0x1000" $V/resource0 0x2000
	dump "pedm wr_chans=2 rd_chans=2 reg_bar=2" $D/resource0 0x1000
} | sed 's/^/BARS| /'
# The same bytes as the pool's: the BAR is the endpoint's memory, not a copy.
off=$(($(sed -n 1p $V/resource | cut -d' ' -f1) - $(sed -n 3p /sys/bus/pci/devices/$POOL/resource | cut -d' ' -f1)))
check_eq "ctrl region is pool memory" "$(ktool mmap /sys/bus/pci/devices/$POOL/resource2 52 $off)" \
	"$(ktool mmap $V/resource0 52)"
check "host writes reach the endpoint's memory" ktool mmap-write $V/resource0 4092 a5a5a5a5
check_eq "host write seen in the pool" "$(ktool mmap /sys/bus/pci/devices/$POOL/resource2 4 $((off + 4092)))" a5a5a5a5
check "restore" ktool mmap-write $V/resource0 4092 00000000

# ---- host role of epdmactl on the loopback device ----
hconf
hctl 0 "discover" discover
out_has "discover: vNTB candidate" "vntb 0001:01:00.0  1957:0809 class 050000"
out_has "discover: DMA candidate" "dma  0001:01:00.1  1957:080b class 080100"
out_has "discover: card" "ok    card                     vNTB 0001:01:00.0 + DMA 0001:01:00.1"
out_has "discover: topology" "ok    pair topology            functions 0 (vNTB) and 1 (DMA) of slot 0001:01:00"
out_has "discover: tag" "ok    pair tag                 both functions carry subsystem ID 5a5a"
out_has "discover: bar map" "ok    pair bar map             ctrl BAR0, doorbell BAR2, MW1 BAR4 present"
out_has "discover: vntb control" "ok    pair vntb control        num_mws 1, spad_count 64, db_entry_size 4, scratchpads at 0x1000 inside the 8192-byte BAR0, link down"
out_has "discover: transport not written" "skip  pair transport           not verified: the endpoint's transport has not written"
out_has "discover: dma metadata" "ok    pair dma metadata        PEDM revision 1 in BAR0, 2 write + 2 read channels"
out_has "discover: proven" "discover: the configured pair is found and proven"
hctl 0 "discover --json" discover --json
out_has "discover --json: proven" '"proven": true'
# check: every pairing check passes; "vntb binding" fails on this kernel:
# 6.12's ntb_hw_epf has an ID table but no MODULE_DEVICE_TABLE
# (drivers/ntb/hw/epf/ntb_hw_epf.c:782-794, no MODULE_DEVICE_TABLE in the file), so its module has no alias at all
# and nothing can tell from the module index that it binds 1957:0809.
hctl 1 "check" check
out_has "check: card" "ok    card                     vNTB 0001:01:00.0 + DMA 0001:01:00.1"
out_has "check: pairing proven" "ok    pair dma metadata        PEDM revision 1 in BAR0"
out_has "check: ntb_hw_epf has no alias here" "FAIL  vntb binding             ntb_hw_epf of kernel 6.12.117 does not bind 1957:0809"
hctl 0 "status" status
out_has "status: the card" "host: card 0001:01:00.0"
out_has "status: the vNTB function" "vntb 0001:01:00.0  1957:0809 class 050000 subsystem 0000:5a5a, no driver"
out_has "status: the DMA function" "dma  0001:01:00.1  1957:080b class 080100 subsystem 0000:5a5a, no driver"
out_has "status: pairing" "ok    pair vntb control"
# plan and setup refuse for the same reason, after the pairing checks passed.
hctl 1 "plan" plan
said "plan: no alias for the vNTB function" "no module of kernel 6.12.117 has an alias for pci:v00001957d00000809"
hctl 1 "setup with the good config" setup
said "setup: no alias for the vNTB function" "no module of kernel 6.12.117 has an alias for pci:v00001957d00000809"
said "setup: pairing checks passed first" "ok    pair vntb control"
check "discover, check, status, plan and setup loaded nothing" test ! -d /sys/module/ntb_hw_epf
check_eq "no driver_override written" "$(cat $D/driver_override)" "(null)"

# Each pairing check, failing on a host config that disagrees.
mismatch() { # mismatch NAME WANT-LINE CONFIG-LINES...
	_mn=$1 _ml=$2; shift 2
	hconf "$@"
	hctl 1 "$_mn: discover fails" discover
	said "$_mn: named" "$_ml"
	hctl 1 "$_mn: setup refuses" setup
	said "$_mn: setup names it" "$_ml"
	check "$_mn: setup loaded nothing" test ! -d /sys/module/ntb_hw_epf
	check_eq "$_mn: no driver_override written" "$(cat $D/driver_override)" "(null)"
}
mismatch "num_mws" "FAIL  pair vntb control        num_mws 1, spad_count 64; the config has 2, 64" \
	"[vntb]" "num_mws = 2" "mw2 = 1M"
said "num_mws: the map wants MW2's BAR" "FAIL  pair bar map             0001:01:00.0 has no BAR5"
mismatch "spad_count" "FAIL  pair vntb control        num_mws 1, spad_count 64; the config has 1, 32" \
	"[vntb]" "spad_count = 32"
mismatch "wr_chans" "FAIL  pair dma metadata        2 write + 2 read channels; the config has 1 + 2" \
	"[dma]" "wr_chans = 1"
mismatch "rd_chans" "FAIL  pair dma metadata        2 write + 2 read channels; the config has 2 + 4" \
	"[dma]" "rd_chans = 4"
mismatch "metadata_bar" "FAIL  pair dma metadata        BAR2 of 0001:01:00.1 is blank" \
	"[dma]" "metadata_bar = 2" "dma_window_bar = 0"
# The tag: no pair matches, so the card itself is not found.
sed -i 's/^pairing_tag = 0x5a5a/pairing_tag = 0x1234/' $HC
hctl 1 "tag: discover fails" discover
said "tag: card not found" "FAIL  card                     no vNTB 1957:0809 + DMA 1957:080b pair on one slot"
said "tag: the candidate says why" "subsystem ID 5a5a, pairing_tag is 1234"
hctl 1 "tag: setup refuses" setup
check "tag: setup loaded nothing" test ! -d /sys/module/ntb_hw_epf
# A rescan (setup's, with [host] rescan = once) keeps the loopback device.
sed -i 's/^rescan = never/rescan = once/' $HC
hctl 1 "tag: setup after a rescan refuses" setup
check "rescan kept the vNTB function" test -d $V
check_eq "rescan kept the BAR" "$(bar_u32 $V/resource0 0x2c)" 64

finish
