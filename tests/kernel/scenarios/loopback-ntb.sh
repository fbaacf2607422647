# SPDX-License-Identifier: GPL-2.0-or-later
# The loopback with the real host driver (after loopback-host, same boot): the
# device presented again with MSI-X, ntb_hw_epf binds the vNTB function by
# its i.MX8 ID (loaded by hand: 6.12's has no module alias), the host role's
# pairing checks take the claimed-BAR path, ntb_tool brings the NTB link up on
# both ends, scratchpads cross both ways, a doorbell the endpoint rings
# reaches the host as an MSI-X interrupt, and ntb_transport's scratchpad
# handshake completes on both ends.
. /usr/share/epdma-test/lib.sh
. /usr/share/epdma-test/scenarios/epdmactl-lib.inc
. /usr/share/epdma-test/scenarios/loopback-lib.inc

TOOL=/sys/kernel/debug/ntb_tool
EPNTB=0000:30:00.0 # the endpoint's NTB device: vNTB's virtual bus 0x30

check "remove the loopback" rmmod epdma_loopback
check "the device went with it" test ! -e $V
klog_mark
check "loopback with MSI-X" modprobe epdma_loopback msix=16
check_eq "MSI-X capability at 0x40" "$(ktool read $V/config 1 0x40)" 11
check_eq "16 vectors" "$(ktool read $V/config 2 0x42)" 0f00

# ---- ntb_hw_epf on the vNTB function ----
klog_mark
check "load ntb_hw_epf" modprobe ntb_hw_epf
check "ntb_hw_epf bound the vNTB function" wait_for 5 bound_to $V ntb_hw_epf
check "NTB device of the host" test -e /sys/bus/ntb/devices/0001:01:00.0
check "NTB device of the endpoint" test -e /sys/bus/ntb/devices/$EPNTB
check_eq "no kernel error binding ntb_hw_epf" "$(klog_since 3)" ""
check_eq "claimed BAR: resourceN mmap refused" "$(ktool mmap $V/resource0 4)" EINVAL

hconf
hctl 0 "discover with ntb_hw_epf bound" discover
out_has "claimed: vntb control not re-verified" "skip  pair vntb control        BAR0 of 0001:01:00.0 is claimed by ntb_hw_epf: not re-verified"
out_has "claimed: DMA metadata still read" "ok    pair dma metadata        PEDM revision 1 in BAR0"
out_has "claimed: still proven" "discover: the configured pair is found and proven"
hctl 0 "host status with ntb_hw_epf bound" status
out_has "host status: ntb_hw_epf" "ntb_hw_epf"

# ---- the NTB link, both ends in this guest ----
check "load ntb_tool" modprobe ntb_tool
check "ntb_tool on the host's device" test -d $TOOL/0001:01:00.0
check "ntb_tool on the endpoint's device" test -d $TOOL/$EPNTB
check_eq "link down before" "$(cat $TOOL/0001:01:00.0/peer0/link)" N
check_eq "endpoint: link down before" "$(cat $TOOL/$EPNTB/peer0/link)" N
check "host enables the link" sh -c "echo Y >$TOOL/0001:01:00.0/link"
check "host sees the link up" wait_for 5 grep -q Y $TOOL/0001:01:00.0/peer0/link
check "endpoint sees the link up" wait_for 5 grep -q Y $TOOL/$EPNTB/peer0/link
# Scratchpads both ways: a peer write on one end is the other's own spad.
check "host writes peer spad 5" sh -c "echo 0x12345678 >$TOOL/0001:01:00.0/peer0/spad5"
check_eq "endpoint reads it as its spad 5" "$(cat $TOOL/$EPNTB/spad5)" 0x12345678
check "endpoint writes peer spad 6" sh -c "echo 0x9abcdef0 >$TOOL/$EPNTB/peer0/spad6"
check_eq "host reads it as its spad 6" "$(cat $TOOL/0001:01:00.0/spad6)" 0x9abcdef0
# A doorbell the endpoint rings reaches the host through MSI-X.
check "endpoint rings peer doorbell 1" sh -c "echo 's 0x2' >$TOOL/$EPNTB/peer_db"
check "host doorbell register has it" wait_for 5 grep -q 0x2 $TOOL/0001:01:00.0/db
check_eq "no kernel error on the link" "$(klog_since 3)" ""

check "unload ntb_tool" rmmod ntb_tool
check "unload ntb_hw_epf" rmmod ntb_hw_epf
# Released, the control BAR reads again: the endpoint's peer write is in the
# host's half of the scratchpads, the host's in the endpoint's.
check_eq "endpoint's peer spad 6 in the host half" "$(printf '0x%x' $(bar_u32 $V/resource0 $((4096 + 6 * 4))))" 0x9abcdef0
check_eq "host's peer spad 5 in the endpoint half" "$(printf '0x%x' $(bar_u32 $V/resource0 $((4096 + (64 + 5) * 4))))" 0x12345678

# Bound again for the transport.
check "load ntb_hw_epf again" modprobe ntb_hw_epf
check "bound again" wait_for 5 bound_to $V ntb_hw_epf
# ntb_transport on both NTB devices of this guest: the scratchpad handshake
# completes (the host's transport configures its memory window only after
# reading the endpoint's version, window count and sizes), and the endpoint's
# transport points its window BAR at its buffer. Without a client (ntb_netdev)
# no queue pair comes up: ntb_transport starts a queue's link work only for a
# client (qp->client_ready, drivers/ntb/ntb_transport.c:1126, set by
# ntb_transport_link_up() at :2343); loopback-transport adds ntb_netdev.
calls=$(wc -l <"$CALLS")
klog_mark
check "load ntb_transport" modprobe ntb_transport
mw_mapped() { tail -n +$((calls + 1)) "$CALLS" | grep -q "map_addr fn0 .* size=0x100000"; }
check "host transport configured MW1 through vNTB" wait_for 10 mw_mapped
check "endpoint transport set MW1's BAR" sh -c "tail -n +$((calls + 1)) $CALLS | grep -q 'set_bar fn0 bar4 size=0x100000'"
check_eq "no kernel error from the transports" "$(klog_since 3)" ""
check "unload ntb_transport" rmmod ntb_transport
check "unload ntb_hw_epf again" rmmod ntb_hw_epf
finish
