# SPDX-License-Identifier: GPL-2.0-or-later
# epdmactl on the real kernel, in a boot of its own (a vNTB bound and unlinked
# leaves its virtual bus and device until reboot): cold setup (vNTB = PF0,
# DMA = PF1 as the controller was asked, started, every attribute read back),
# a re-run that changes nothing, status --json against the live graph,
# teardown, the leftover bus and device refused, other vntb IDs working, and a
# single-function controller refused before any write.
. /usr/share/epdma-test/lib.sh
. /usr/share/epdma-test/scenarios/epdmactl-lib.inc

# epdma loads the EPF drivers itself (libkmod), as on a freshly booted board.
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
tail -n +$((calls + 1)) "$CALLS" | grep write_header >/tmp/headers
check "vNTB header went to fn0" grep -q 'write_header fn0 vendor=0x1957 device=0x0809' /tmp/headers
check "DMA header went to fn1" grep -q 'write_header fn1 vendor=0x1957 device=0x080b' /tmp/headers
t_log "DMA bound as PF1" "pci_epf_dma\.[0-9]+: bound as fn1"
check_eq "no kernel error during setup" "$(klog_since 3)" ""
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
check_num "vntb_vid" "$(cat "$V/vntb_vid")" 0x1957
check_num "vntb_pid" "$(cat "$V/vntb_pid")" 0x080a
check_num "DMA vendorid" "$(cat "$F/pci_epf_dma/dma0/vendorid")" 0x1957
check_num "DMA deviceid" "$(cat "$F/pci_epf_dma/dma0/deviceid")" 0x080b
check_num "DMA baseclass" "$(cat "$F/pci_epf_dma/dma0/baseclass_code")" 0x08
check_num "DMA subclass" "$(cat "$F/pci_epf_dma/dma0/subclass_code")" 0x01
check_num "DMA msi_interrupts" "$(cat "$F/pci_epf_dma/dma0/msi_interrupts")" 4
check_num "wr_chans" "$(cat "$D/wr_chans")" 2
check_num "rd_chans" "$(cat "$D/rd_chans")" 2
check "vNTB virtual bus 30" test -e /sys/class/pci_bus/0000:30

klog_mark
ctl 0 "re-run" setup --json
# JSON whitespace is json-c's: compare with it squeezed out.
check "re-run runs no operation" sh -c "tr -d ' \\n' </tmp/ctl.out | grep -q '\"operations\":\[\]'"
ctl 0 "status --json" status --json
# Reading the graph must not make the kernel complain (mwN above num_mws).
check_eq "no kernel error from reading the graph" "$(klog_since 3)" ""
out_has "status: started" '"started": true'
out_has "status: in sync" '"in_sync": true'
out_has "status: vNTB subgroup" "\"subgroup\": \"${V##*/}\""
out_has "status: DMA subgroup" "\"subgroup\": \"${D##*/}\""
check "status: vntb0 is PF0" sh -c "grep -A8 '\"name\": \"vntb0\"' /tmp/ctl.out | grep -q '\"pf\": 0'"
check "status: dma0 is PF1" sh -c "grep -A8 '\"name\": \"dma0\"' /tmp/ctl.out | grep -q '\"pf\": 1'"

# A changed DMA attribute of a linked function: refused, then rebound with --force
# (stop, unlink DMA, rewrite, relink as PF1, start).
conf 0x30 "[dma]" "wr_chans = 1"
ctl 1 "DMA change refused without --force" setup
err_has "DMA change: why" "pci_epf_dma/dma0: msi_interrupts is 4, the config wants 3: the function is linked"
check_num "DMA change refused: wr_chans kept" "$(cat "$D/wr_chans")" 2
calls=$(wc -l <"$CALLS")
klog_mark
ctl 0 "DMA rebind with --force" setup --force
check_num "DMA rebind: wr_chans" "$(cat "$D/wr_chans")" 1
check "DMA rebind: dma0 linked" test -L "$C/dma0"
check_eq "DMA rebind: started" "$(cat "$C/start")" 1
tail -n +$((calls + 1)) "$CALLS" >/tmp/rebind
check "DMA rebind: stopped first" grep -q '^stop' /tmp/rebind
check "DMA rebind: header to fn1 again" grep -q 'write_header fn1 vendor=0x1957 device=0x080b' /tmp/rebind
check "DMA rebind: vNTB untouched" sh -c "! grep -q 'write_header fn0' /tmp/rebind"
t_log "DMA rebind: bound as PF1" "pci_epf_dma\.[0-9]+: bound as fn1: .* 1 WR \+ 2 RD"
ctl 0 "DMA rebind: status in sync" status --json
out_has "DMA rebind: in sync" '"in_sync": true'

ctl 1 "teardown needs --force" teardown
check "teardown refused: vntb0 still linked" test -L "$C/vntb0"
ctl 0 "teardown --force" teardown --force
out_has "teardown names the kept bus" "keeps virtual bus 30 of vntb0 and its device"
no_functions "after teardown"
check_eq "stopped" "$(cat "$C/start")" 0
check "the kernel keeps bus 30" test -e /sys/class/pci_bus/0000:30

ctl 1 "leftover bus refused" setup
err_has "leftover bus: what to do" "reboot, or choose another vbus_number"
no_functions "leftover bus"
conf 0x31
ctl 1 "leftover device refused" setup
err_has "leftover device: why" "0000:30:00.0 (1957:080a) is left from an earlier vNTB bind"
no_functions "leftover device"
# Other vntb IDs: the new driver table does not match the stale device.
conf 0x31 "vntb_pid = 0x0b0b"
klog_mark
ctl 0 "setup with other vntb IDs" setup
check_eq "no kernel error binding a second vNTB" "$(klog_since 3)" ""
check "vNTB virtual bus 31" test -e /sys/class/pci_bus/0000:31
ctl 0 "teardown --force again" teardown --force
no_functions "second teardown"

check "reload as a single-function controller" reload max_functions=1
conf 0x32 "vntb_pid = 0x0c0c"
ctl 1 "single-function controller refused" setup
err_has "single-function: why" "supports 1 function"
no_functions "single-function"
check "reload default controller" reload
finish
