# SPDX-License-Identifier: GPL-2.0-or-later
# Controller variants (reloading epdma_vepc): the multi-function limit comes
# from the device-tree max-functions property only (absent = 1), and a start
# failure is reported as EINVAL. Restores the default controller at the end.
#
# A 4-byte max-functions cell reads as its first byte, 0: 6.12 then lets
# every link past the limit check, but the core also rejects every
# controller operation for func_no >= max_functions (get_features returns
# NULL), so every function's bind fails: no function works at all.
. /usr/share/epdma-test/lib.sh

C=controllers/$EPC_NAME
OF=/sys/class/pci_epc/$EPC_NAME/device/of_node
cd "$EPF_CFS" || { fail setup "no $EPF_CFS"; finish; }

reload() { rmmod epdma_vepc && modprobe epdma_vepc "$@"; }
mkfn() { # mkfn NAME: a DMA function that binds
	t_mkdir "functions/pci_epf_dma/$1"
	t_echo 1 "functions/pci_epf_dma/$1/msi_interrupts"
	t_echo 1 "$(driver_subgroup "functions/pci_epf_dma/$1" pci_epf_dma)/wr_chans"
}
unlink_all() {
	for l in "$C"/*; do [ -L "$l" ] && ktool unlink "$l" >/dev/null; done
}

for f in fa fb fc; do mkfn $f; done

check "reload without max-functions" reload max_functions=0
check "no max-functions property" test ! -e "$OF/max-functions"
check "compatible still there" test -e "$OF/compatible"
t_ln functions/pci_epf_dma/fa "$C/"
t_ln functions/pci_epf_dma/fb "$C/" EINVAL
t_log "absent property means 1 function" "Exceeding max supported Function Number"
unlink_all

check "reload with a 4-byte max-functions cell" reload max_functions=2 max_functions_bytes=4
check_eq "4-byte cell size" "$(wc -c <"$OF/max-functions" | tr -d ' ')" 4
check_eq "4-byte cell first byte" "$(od -An -tx1 -N1 "$OF/max-functions" | tr -d ' \n')" 00
t_ln functions/pci_epf_dma/fa "$C/" EOPNOTSUPP
t_log "4-byte cell: stand-in bind gets no features" "controller reports no features"
check modprobe-pci-epf-test modprobe pci_epf_test
t_mkdir functions/pci_epf_test/ft
t_ln functions/pci_epf_test/ft "$C/" EOPNOTSUPP
t_log "4-byte cell: pci-epf-test bind gets no features" "epc_features not implemented"
check_eq "4-byte cell: nothing linked" "$(ls "$C" | tr '\n' ' ')" "start "
t_rmdir functions/pci_epf_test/ft
check rmmod-pci-epf-test rmmod pci_epf_test
unlink_all

check "reload default controller" reload
t_ln functions/pci_epf_dma/fa "$C/"
check "make start fail" sh -c "echo 1 >/sys/module/epdma_vepc/parameters/fail_start"
t_echo 1 "$C/start" EINVAL
t_log "start failure logged" "failed to start endpoint controller"
check_eq "start reads 0 after a failed start" "$(cat "$C/start")" 0
check "make start work" sh -c "echo 0 >/sys/module/epdma_vepc/parameters/fail_start"
t_echo 1 "$C/start"
t_echo 0 "$C/start"
t_echo 0 "$C/start" EALREADY
unlink_all
for f in fa fb fc; do t_rmdir "functions/pci_epf_dma/$f"; done
check "rmmod with no function linked" rmmod epdma_vepc
check "controller gone from configfs" test ! -e "$C"
check "device-tree node removed" test ! -e /sys/firmware/devicetree/base/pcie-ep@e65d0000
check "reload default controller" modprobe epdma_vepc
check_eq "node back, max-functions" "$(od -An -tx1 -N1 "$OF/max-functions" | tr -d ' \n')" 02
finish
