# SPDX-License-Identifier: GPL-2.0-or-later
# The pci_epf_dma stand-in's bind rules (kernel-abi.md §3) and what reaches
# the controller: bind refuses zero channels, no MSI/MSI-X vector and
# colliding BARs; explicit BARs are used as given, auto BARs avoid explicit
# ones and are written back; the header is pushed at bind only.
. /usr/share/epdma-test/lib.sh

C=controllers/$EPC_NAME
D=functions/pci_epf_dma/dmab
CALLS=/sys/kernel/debug/epdma-vepc/calls
cd "$EPF_CFS" || { fail setup "no $EPF_CFS"; finish; }

t_mkdir "$D"
DS=$(driver_subgroup "$D" pci_epf_dma)

# refused binds: nothing stays linked
t_echo 1 "$D/msi_interrupts"
t_ln "$D" "$C/" EINVAL
t_log "refused: both channel counts 0" "wr_chans and rd_chans are both 0"
t_echo 1 "$DS/wr_chans"
t_echo 0 "$D/msi_interrupts"
t_ln "$D" "$C/" EINVAL
t_log "refused: no MSI vector" "needs at least one MSI or MSI-X vector"
t_echo 4 "$D/msi_interrupts"
t_echo 2 "$DS/metadata_bar"
t_echo 2 "$DS/dma_window_bar"
t_ln "$D" "$C/" EINVAL
t_log "refused: colliding BARs" "metadata_bar and dma_window_bar are both BAR2"
check_eq "nothing linked after refusals" "$(ls "$C" | tr '\n' ' ')" "start "

# explicit BARs, header pushed at bind
t_echo 3 "$DS/metadata_bar"
t_echo 4 "$DS/dma_window_bar"
t_echo 0x1912 "$D/vendorid"
t_echo 0x0032 "$D/deviceid"
klog_mark
calls_before=$(wc -l <"$CALLS")
t_ln "$D" "$C/"
t_log "explicit BARs used" "bound as fn0: metadata BAR3, DMA window BAR4, 1 WR \\+ 0 RD channels"
new_calls=$(tail -n +$((calls_before + 1)) "$CALLS")
check "header written at bind" sh -c "echo '$new_calls' | grep -q 'write_header fn0 vendor=0x1912 device=0x0032 rev=0x00 class=0x080100'"
check "metadata BAR set" sh -c "echo '$new_calls' | grep -q '^set_bar fn0 bar3 size=0x1000'"
check "DMA window BAR set" sh -c "echo '$new_calls' | grep -q '^set_bar fn0 bar4 size=0x1000'"
check "MSI vectors set" sh -c "echo '$new_calls' | grep -q '^set_msi fn0 vectors=4'"
calls_before=$(wc -l <"$CALLS")
# Header attributes are not frozen, but reach the controller only at bind.
t_echo 0x1234 "$D/deviceid"
check_eq "header write while linked not pushed" \
	"$(tail -n +$((calls_before + 1)) "$CALLS" | grep -c write_header)" 0
t_rm "$C/dmab"
check "BARs cleared at unbind" sh -c "tail -n 2 $CALLS | grep -q '^clear_bar fn0 bar[34]'"
check_eq "explicit metadata_bar kept" "$(cat "$DS/metadata_bar")" 3

# auto metadata BAR next to an explicit DMA window BAR
t_echo -1 "$DS/metadata_bar"
t_echo 0 "$DS/dma_window_bar"
t_ln "$D" "$C/"
check_eq "auto BAR avoids the explicit one" "$(cat "$DS/metadata_bar")" 1
t_rm "$C/dmab"
check_eq "auto BAR kept after unbind" "$(cat "$DS/metadata_bar")" 1
t_rmdir "$D"
finish
