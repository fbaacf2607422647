# SPDX-License-Identifier: GPL-2.0-or-later
# Failures the kernel itself produces, rolled back by epdmactl, in a boot of
# their own: a memory window larger than the controller's outbound window (the
# virtual controller has 256 MiB), which vNTB fails to allocate at bind before
# it creates anything, then a controller whose start fails after both
# functions bound (the vNTB bus and device then stay until reboot, and the
# next attempt is refused).
. /usr/share/epdma-test/lib.sh
. /usr/share/epdma-test/scenarios/epdmactl-lib.inc

conf 0x40 "mw1 = 512M"
klog_mark
ctl 1 "window the driver cannot allocate" setup
err_has "unallocatable window: the failed step" "link vntb0 to $EPC_NAME (PF0) failed"
err_has "unallocatable window: rolled back" "the graph is as before"
t_log "unallocatable window: the kernel said why" "Failed to allocate source address"
out_has "unallocatable window: epdmactl shows the kernel's line" "kernel: .*Failed to allocate source address"
no_functions "unallocatable window"
check "unallocatable window: no bus made" test ! -e /sys/class/pci_bus/0000:40

check "reload with a failing start" reload fail_start=1
conf 0x41
ctl 1 "failing start" setup
err_has "failing start: the failed step" "start $EPC_NAME failed: Invalid argument"
err_has "failing start: rolled back" "the graph is as before"
err_has "failing start: kept bus named" "neither vbus_number 0x41 nor its vntb_vid/vntb_pid can be used again"
no_functions "failing start"
check_eq "failing start: stopped" "$(cat "$C/start")" 0
check "reload default controller" reload
ctl 1 "next attempt refused" setup
err_has "next attempt: what to do" "reboot, or choose another vbus_number"
no_functions "next attempt"
finish
