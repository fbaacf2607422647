# SPDX-License-Identifier: GPL-2.0-or-later
# Replay of tests/conformance/real-kernel-transcript.txt on the real kernel:
# every command, errno and kernel log line the transcript records must still
# come out the same. The replay is written to $EPDMA_TRANSCRIPT in the same
# format, so the host can diff it against the checked-in transcript (the
# ground truth the fake kernel is compared with).
EPDMA_TRANSCRIPT=$EPDMA_TRANSCRIPT_PORT
. /usr/share/epdma-test/lib.sh

EPC=$EPC_NAME
C=controllers/$EPC
V=functions/pci_epf_vntb/vntb0
D=functions/pci_epf_dma/dma0
cd "$EPF_CFS" || { fail setup "no $EPF_CFS"; finish; }

words() { ls "$1" | tr '\n' ' '; }
# The first byte of a file as 0x%02x / %02x (device-tree cells are raw bytes).
byte_hex() { od -An -tx1 -N1 "$1" | tr -d ' \n'; }

t "# pci_ep configfs on Linux $(uname -r) (QEMU, virtual controller $EPC with device-tree"
t "# max-functions = 2, stand-in pci_epf_dma driver implementing the proposed v4 ABI)."
t "# '-> ERRNO' = the command failed with that errno; lines in [brackets] = kernel log."
t "# The pci_epf_dma driver here is a stand-in written from the series' documented ABI (the real one is unmerged);"
t "# everything else (configfs core, pci-epf-vntb, link/start semantics, errnos, log lines) is the real kernel."

t_section "controller and device tree"
t_test -d "$C"
t_expect "$C contents" "$(words "$C" | sed 's/ $//')" start
t_test -d "/sys/class/pci_epc/$EPC"
t_test -d /sys/firmware/devicetree/base
of=/sys/class/pci_epc/$EPC/device/of_node
t_expect "of_node target" "$(readlink -f "$of")" \
	/sys/firmware/devicetree/base/pcie-ep@e65d0000
t_expect "of_node/max-functions size" "$(wc -c <"$of/max-functions" | tr -d ' ')" 1
t_expect "of_node/max-functions" "0x$(byte_hex "$of/max-functions")" 0x02
t_expect "of_node/compatible" "$(tr -d '\0' <"$of/compatible")" renesas,r8a779f0-pcie-ep
n=0
for dev in /sys/bus/platform/devices/*; do
	[ "$(readlink -f "$dev/of_node" 2>/dev/null)" = "$(readlink -f "$of")" ] && n=$((n + 1))
done
t_expect "platform devices for the node" "$n" 1
t_expect "/proc/device-tree alias" \
	"$(byte_hex /proc/device-tree/pcie-ep@e65d0000/max-functions)" 02
t_match "platform uevent" "$(tr '\n' ' ' <"/sys/bus/platform/devices/$EPC/uevent")" \
	"OF_FULLNAME=/pcie-ep@e65d0000 OF_COMPATIBLE_0=renesas,r8a779f0-pcie-ep"
t_test -d functions/pci_epf_vntb
t_test -d functions/pci_epf_dma

t_section "create functions"
t_mkdir "$V"
t_mkdir "$D"
VS=$(driver_subgroup "$V" pci_epf_vntb)
DS=$(driver_subgroup "$D" pci_epf_dma)
t_match "vntb subgroup" "$VS" 'pci_epf_vntb\.[0-9]+$'
t_match "dma subgroup" "$DS" 'pci_epf_dma\.[0-9]+$'
t_expect "EPF device of dma0 exists" \
	"$(ls -d "/sys/bus/pci-epf/devices/${DS##*/}" 2>/dev/null | wc -l)" 1
t_expect "dma0 subgroup attributes" "$(words "$DS")" \
	"dma_window_bar metadata_bar rd_chans wr_chans "
t_expect "dma0 has primary/ and secondary/" \
	"$(ls -d "$D/primary" "$D/secondary" 2>/dev/null | wc -l)" 2

t_section "pci_epf_dma defaults"
for a in vendorid:0xffff deviceid:0xffff baseclass_code:0x0008 \
	subclass_code:0x0001 interrupt_pin:0x0001; do
	t_expect "dma ${a%%:*}" "$(cat "$D/${a%%:*}")" "${a#*:}"
done
for a in metadata_bar:-1 dma_window_bar:-1 wr_chans:0 rd_chans:0; do
	t_expect "dma ${a%%:*}" "$(cat "$DS/${a%%:*}")" "${a#*:}"
done

t_section "pci_epf_dma attribute validation (unlinked)"
t_echo 6 "$DS/metadata_bar" EINVAL
t_echo -2 "$DS/dma_window_bar" EINVAL
t_echo abc "$DS/metadata_bar" EINVAL
t_echo 9 "$DS/wr_chans" EINVAL
t_echo -1 "$DS/rd_chans" EINVAL
t_echo 0x10000 "$DS/wr_chans" ERANGE
t_echo 0x5 "$DS/metadata_bar"
t_expect "metadata_bar after 0x5" "$(cat "$DS/metadata_bar")" 5
t_echo -1 "$DS/metadata_bar"
t_echo 8 "$DS/rd_chans"
t_echo 0 "$DS/rd_chans"

t_section "vNTB defaults and header number parsing"
t_expect "vntb default vendorid" "$(cat "$V/vendorid")" 0xffff
t_expect "vntb default deviceid" "$(cat "$V/deviceid")" 0xffff
t_expect "vntb default baseclass_code" "$(cat "$V/baseclass_code")" 0x0005
t_echo 0809 "$V/deviceid" EINVAL
t_echo 0x12345 "$V/vendorid" EINVAL
t_echo notanumber "$V/vendorid" EINVAL
t_expect "vntb vendorid unchanged" "$(cat "$V/vendorid")" 0xffff

t_section "configure vNTB (R-Car IDs) and DMA"
t_echo 0x1912 "$V/vendorid"
t_echo 0x0030 "$V/deviceid"
t_echo 0x05 "$V/baseclass_code"
t_echo 0x00 "$V/subclass_code"
t_echo 4 "$V/msi_interrupts"
t_echo 4 "$VS/db_count"
t_echo 8 "$VS/spad_count"
t_echo 1 "$VS/num_mws"
t_echo 0x100000 "$VS/mw1"
t_echo 0x1912 "$VS/vntb_vid"
t_echo 0x0031 "$VS/vntb_pid"
t_echo 0x10 "$VS/vbus_number"
t_expect "vntb_vid reads back in decimal" "$(cat "$VS/vntb_vid")" 6418
t_echo 0x1912 "$D/vendorid"
t_echo 0x0032 "$D/deviceid"
t_echo 4 "$D/msi_interrupts"
t_echo 2 "$DS/wr_chans"
t_echo 2 "$DS/rd_chans"

t_section "link vNTB first (PF0), then DMA (PF1)"
t_ln "$V" "$C/"
t_ln "$D" "$C/"
t_log "DMA bound as fn1" "bound as fn1:"

t_section "start"
t_echo 1 "$C/start"
t_expect "start reads" "$(cat "$C/start")" 1
t_echo 1 "$C/start" EALREADY
t_expect "auto metadata_bar written back" "$(cat "$DS/metadata_bar")" 0
t_expect "auto dma_window_bar written back" "$(cat "$DS/dma_window_bar")" 1
vdev=/sys/bus/pci/devices/0000:10:00.0
t_expect "EP-side vNTB PCI device" "$(cat "$vdev/vendor" 2>/dev/null):$(cat "$vdev/device" 2>/dev/null)" \
	0x1912:0x0031
t_expect "EP-side vNTB driver" "$(basename "$(readlink "$vdev/driver" 2>/dev/null)")" pci-vntb
t_test -e /sys/bus/ntb/devices/0000:10:00.0

t_section "DMA attributes are frozen while linked"
for a in metadata_bar dma_window_bar wr_chans rd_chans; do
	t_echo 1 "$DS/$a" EOPNOTSUPP
done
t_expect "wr_chans still readable" "$(cat "$DS/wr_chans")" 2

t_section "limits"
D1=functions/pci_epf_dma/dma1
t_mkdir "$D1"
t_echo 1 "$D1/msi_interrupts"
_t_op "dma1 wr_chans" "echo 1 > \$(ls -d $D1/pci_epf_dma.*)/wr_chans" "" \
	write "$(ls -d $D1/pci_epf_dma.*)/wr_chans" 1
t_ln "$D1" "$C/" EINVAL
t_log "third function refused" "Exceeding max supported Function Number"
t_ln "$C" "$D1/primary/" EINVAL
t_test ! -e "$C/dma1"
t_ln "$D" "$C/dma0again" EBUSY
t_rmdir "$D" EBUSY
t_mkdir functions/pci_epf_nope EPERM
t_echo 2 "$C/start" EINVAL

t_section "stop, unlink DMA, auto BARs kept"
t_echo 0 "$C/start"
t_expect "start reads 0" "$(cat "$C/start")" 0
t_rm "$C/dma0"
t_expect "metadata_bar kept after unbind" "$(cat "$DS/metadata_bar")" 0
t_expect "dma_window_bar kept after unbind" "$(cat "$DS/dma_window_bar")" 1
t_echo -1 "$DS/metadata_bar"
t_echo -1 "$DS/dma_window_bar"
t_rmdir "$D"
t_rmdir "$D1"

# Not in the transcript (recorded from a fresh boot): drop the first vNTB so
# that the next one gets index 0 again. Its virtual bus 0x10 stays.
ktool unlink "$C/vntb0" >/dev/null && ktool rmdir "$V" >/dev/null ||
	fail cleanup "could not remove the first vntb0"

vntb_basic() {
	t_mkdir "$V"
	VS=$(driver_subgroup "$V" pci_epf_vntb)
	t_echo 0x1957 "$V/vendorid"
	t_echo 0x0809 "$V/deviceid"
	t_echo 1 "$VS/num_mws"
	t_echo 0x100000 "$VS/mw1"
	t_echo 64 "$VS/spad_count"
}

t_section "link, start, stop, unlink, rmdir"
vntb_basic
t_echo 4 "$VS/db_count"
t_ln "$V" "$C/"
t_echo 1 "$C/start"
t_echo 0 "$C/start"
t_rm "$C/vntb0"
t_rmdir "$V"

t_section "refused link: db_count 0"
vntb_basic
t_ln "$V" "$C/" EINVAL
t_log "db_count refusal logged" "DB count 0 out of range"
t_expect "no link left" "$(words "$C" | sed 's/ $//')" start

t_section "relink after fixing db_count: same vbus_number is refused"
t_echo 4 "$VS/db_count"
t_ln "$V" "$C/" EINVAL
t_log "virtual bus left from the first bind" "create pci bus failed"
t_expect "virtual bus of the first bind still there" \
	"$(ls -d /sys/class/pci_bus/0000:ff 2>/dev/null | wc -l)" 1

t_section "relink with another vbus_number works"
t_echo 0x20 "$VS/vbus_number"
t_ln "$V" "$C/"
t_expect "second virtual bus" "$(ls -d /sys/class/pci_bus/0000:20 2>/dev/null | wc -l)" 1
t_rm "$C/vntb0"
t_rmdir "$V"

finish
