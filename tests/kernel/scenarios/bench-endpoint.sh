# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark samples for scripts/bench: the guest's monotonic clock through
# /usr/bin/benchtime, one "BENCH <variant> <name> <ns>" line per run. Runs
# only when scripts/bench put benchtime into the initramfs; never in CTest (no
# kernel-bench test), and it asserts nothing about time.
#
# Variants: /usr/bin/epdmactl ("default") and every /usr/bin/epdmactl-NAME
# the initramfs got from EPDMA_BENCH_VARIANTS ("NAME"); all are measured in
# the same boot, interleaved, so their ratios share the boot's conditions.
#
# $ROUNDS rounds (the kernel command line's epdma.rounds=, default 4), each:
# --help of every variant beside busybox `true` (5 runs each, interleaved);
# the raw shell sequence for the two-function graph and its teardown; then
# for every variant, in an order that rotates by round: cold setup, converged
# re-run, check, status, teardown. Every vNTB bind gets a virtual bus and a
# vntb_pid of its own: a vNTB bound and unlinked stays until reboot, and a
# bind with the same IDs probes that device through freed memory
# (tests/kernel/README.md).
. /usr/share/epdma-test/lib.sh
T=/usr/bin/benchtime
[ -x "$T" ] || { pass "skipped (no benchtime: run scripts/bench)"; finish; }
. /usr/share/epdma-test/scenarios/epdmactl-lib.inc

ROUNDS=$(sed -n 's/.*epdma\.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
ROUNDS=${ROUNDS:-4}
VARIANTS=default
for b in /usr/bin/epdmactl-*; do
	[ -x "$b" ] && VARIANTS="$VARIANTS ${b#/usr/bin/epdmactl-}"
done
bin_of() { if [ "$1" = default ]; then echo "$E"; else echo "$E-$1"; fi; }

sample() { # sample VARIANT NAME CMD...: one timed run
	_v=$1 _name=$2; shift 2
	_ns=$("$T" "$@") || fail "$_v-$_name" "'$*' failed"
	echo "BENCH $_v $_name $_ns" >>"$EPDMA_RESULTS"
}

# The graph as kernel-abi.md's howto writes it by hand: the same attributes
# and values epdmactl writes for profile imx8, with this sample's vbus and pid.
shell_seq() { # shell_seq VBUS PID
	cat <<SEQ
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
echo $1 >vbus_number
echo 0x1957 >vntb_vid
echo $2 >vntb_pid
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
}

bind=0 # vNTB binds so far: bus 0x30 + bind, pid 0x0a00 + bind
r=0
while [ $r -lt "$ROUNDS" ]; do
	i=0
	while [ $i -lt 5 ]; do
		sample true true /bin/true
		for v in $VARIANTS; do sample "$v" help "$(bin_of "$v")" --help; done
		i=$((i + 1))
	done

	shell_seq "$(printf '0x%02x' $((0x30 + bind)))" "$(printf '0x%04x' $((0x0a00 + bind)))" >/tmp/seq.sh
	bind=$((bind + 1))
	sample shell shell-setup sh /tmp/seq.sh
	check "round $r shell: started" test "$(cat "$C/start")" = 1
	echo 0 >"$C/start"
	rm "$C/vntb1" "$C/dma1"
	rmdir "$F/pci_epf_vntb/vntb1" "$F/pci_epf_dma/dma1"
	no_functions "round $r shell teardown"

	# Rotate the variants' order by round: the first after the shell pays
	# whatever the shell left cold.
	set -- $VARIANTS
	j=0
	while [ $j -lt $((r % $#)) ]; do _f=$1; shift; set -- "$@" "$_f"; j=$((j + 1)); done
	for v in "$@"; do
		b=$(bin_of "$v")
		conf "$(printf '0x%02x' $((0x30 + bind)))" "$(printf 'vntb_pid = 0x%04x' $((0x0a00 + bind)))"
		bind=$((bind + 1))
		sample "$v" cold-setup "$b" setup
		check "round $r $v: started" test "$(cat "$C/start")" = 1
		sample "$v" re-run "$b" setup
		sample "$v" check "$b" check
		sample "$v" status "$b" status
		check "round $r $v: teardown" "$b" teardown --force
		no_functions "round $r $v teardown"
	done
	r=$((r + 1))
done
finish
