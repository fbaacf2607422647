# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark samples for scripts/bench (one boot = one sample): the guest's
# monotonic clock through /usr/bin/benchtime, one "BENCH <name> <ns>" line per
# run. Runs only when scripts/bench put benchtime into the initramfs; never in
# CTest (no kernel-bench test), and it asserts nothing about time.
#
# Order in the boot: --help vs true (interleaved), the raw shell sequence for
# the two-function graph (its own vbus and vNTB IDs: a vNTB bound and unlinked
# stays until reboot), its teardown, then epdmactl: cold setup, converged
# re-run, check, status, teardown.
. /usr/share/epdma-test/lib.sh
T=/usr/bin/benchtime
[ -x "$T" ] || { pass "skipped (no benchtime: run scripts/bench)"; finish; }
. /usr/share/epdma-test/scenarios/epdmactl-lib.inc

sample() { # sample NAME CMD...: one timed run
	_name=$1; shift
	_ns=$("$T" "$@") || fail "$_name" "'$*' failed"
	echo "BENCH $_name $_ns" >>"$EPDMA_RESULTS"
}

i=0
while [ $i -lt 10 ]; do
	sample true /bin/true
	sample help "$E" --help
	i=$((i + 1))
done

# The graph as kernel-abi.md's howto writes it by hand: the same attributes
# and values epdmactl writes for profile imx8, vbus 0x40, vntb_pid 0x0a0a.
cat >/tmp/seq.sh <<SEQ
set -e
cd $F
mkdir pci_epf_vntb/vntb1
cd pci_epf_vntb/vntb1
echo 0x1957 >vendorid
echo 0x0809 >deviceid
echo 0x05 >baseclass_code
echo 0x00 >subclass_code
echo 0x00 >progif_code
cd pci_epf_vntb.*
echo 1 >num_mws
echo 0x100000 >mw1
echo 64 >spad_count
echo 4 >db_count
echo 0x40 >vbus_number
echo 0x1957 >vntb_vid
echo 0x0a0a >vntb_pid
cd $F
mkdir pci_epf_dma/dma1
cd pci_epf_dma/dma1
echo 0x1957 >vendorid
echo 0x080b >deviceid
echo 0x08 >baseclass_code
echo 0x01 >subclass_code
echo 0x00 >progif_code
echo 4 >msi_interrupts
cd pci_epf_dma.*
echo 2 >wr_chans
echo 2 >rd_chans
ln -s $F/pci_epf_vntb/vntb1 $C/vntb1
ln -s $F/pci_epf_dma/dma1 $C/dma1
echo 1 >$C/start
SEQ
sample shell-setup sh /tmp/seq.sh
check "shell: started" test "$(cat "$C/start")" = 1
echo 0 >"$C/start"
rm "$C/vntb1" "$C/dma1"
rmdir "$F/pci_epf_vntb/vntb1" "$F/pci_epf_dma/dma1"
no_functions "shell teardown"

conf 0x30
sample cold-setup "$E" setup
check "epdmactl: started" test "$(cat "$C/start")" = 1
sample re-run "$E" setup
sample check "$E" check
sample status "$E" status
ctl 0 "teardown" teardown --force
no_functions "epdmactl teardown"
finish
