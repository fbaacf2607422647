# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for guest scenarios (busybox sh). Sourced by every scenario:
#   . /usr/share/epdma-test/lib.sh
#
# Results: `pass NAME` / `fail NAME REASON` print the lines the host counts
# ("PASS <name>", "FAIL <name>: <reason>"); names are prefixed with the
# scenario's name. Transcript helpers (t_*) perform one operation, print it in
# the format of real-kernel-transcript.txt to $EPDMA_TRANSCRIPT and fail the
# check when the errno differs from the expected one.

SCENARIO=${SCENARIO:-$(basename "$0" .sh)}
EPDMA_TRANSCRIPT=${EPDMA_TRANSCRIPT:-/dev/null}
EPDMA_RESULTS=${EPDMA_RESULTS:-/dev/stdout}
EPF_CFS=/sys/kernel/config/pci_ep
EPC_NAME=${EPC_NAME:-e65d0000.pcie-ep}
nfail=0

pass() { echo "PASS $SCENARIO/$1" >>"$EPDMA_RESULTS"; }
fail() {
	nfail=$((nfail + 1))
	echo "FAIL $SCENARIO/$1: $2" >>"$EPDMA_RESULTS"
}
# check NAME CMD...: PASS when CMD succeeds.
check() {
	_n=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$_n"; else fail "$_n" "'$*' failed"; fi
}
# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
# Numbers read back from configfs (0x%04x, decimal, ...) compared as numbers.
check_num() {
	if [ "$(($2))" = "$(($3))" ] 2>/dev/null; then pass "$1"
	else fail "$1" "got '$2', want '$3'"; fi
}

t() { echo "$*" >>"$EPDMA_TRANSCRIPT"; }
t_section() { t "=== $*"; }
# t_value LABEL VALUE: a "label = value" transcript line.
t_value() { t "$1 = $2"; }

# Kernel log since a mark: klog_mark; ...; klog_since [LEVEL].
klog_mark() { KLOG_SEQ=$(ktool kmsg-seq); }
klog_since() { ktool kmsg "$KLOG_SEQ" "${1:-7}"; }

# _t_op NAME SHOWN WANT CMD...: run a ktool operation, print SHOWN (plus
# " -> ERRNO" when it failed) and check the errno ("" = success expected).
# The error-level kernel lines it caused are printed first, as the
# transcript shows them (T_LOG=0: not).
_t_op() {
	_name=$1 _shown=$2 _want=$3; shift 3
	klog_mark
	_err=$(ktool "$@") && _err=
	if [ "${T_LOG:-1}" = 1 ]; then
		klog_since 3 >>"$EPDMA_TRANSCRIPT"
	fi
	if [ -n "$_err" ]; then t "$_shown -> $_err"; else t "$_shown"; fi
	if [ "$_err" = "$_want" ]; then
		pass "$_name"
	else
		fail "$_name" "$_shown: got '${_err:-success}', want '${_want:-success}'"
	fi
	[ -z "$_err" ]
}

# t_echo VALUE PATH [ERRNO]
t_echo() { _t_op "echo $1 > $2" "echo $1 > $2" "${3:-}" write "$2" "$1"; }
# t_ln TARGET LINK [ERRNO]: like `ln -s`, LINK may be a directory (trailing /).
t_ln() {
	_lp=$2
	case $_lp in */) _lp=$_lp${1##*/} ;; esac
	_t_op "ln -s $1 $2" "ln -s $1 $2" "${3:-}" symlink "$1" "$_lp"
}
t_mkdir() { _t_op "mkdir $1" "mkdir $1" "${2:-}" mkdir "$1"; }
t_rmdir() { _t_op "rmdir $1" "rmdir $1" "${2:-}" rmdir "$1"; }
t_rm() { _t_op "rm $1" "rm $1" "${2:-}" unlink "$1"; }
# t_test EXPR...: a `test` line; the check is that it holds.
t_test() {
	t "test $*"
	if test "$@"; then pass "test $*"; else fail "test $*" "does not hold"; fi
}
# t_log LABEL REGEX: kernel lines since the last operation's mark match REGEX.
t_log() {
	if klog_since | grep -Eq "$2"; then
		t "$1 (kernel log /$2/)"
		pass "$1"
	else
		t "$1 (kernel log /$2/) MISSING"
		fail "$1" "no kernel log line matches /$2/"
	fi
}

# The EPF device (pci_epf_<drv>.<N>) behind a function directory.
driver_subgroup() {
	for _d in "$1"/*; do
		case ${_d##*/} in "$2".*) echo "$_d"; return 0 ;; esac
	done
	return 1
}

# Exit status of a scenario: 0 when every check passed.
finish() { [ "$nfail" -eq 0 ]; exit $?; }

# t_expect LABEL GOT WANT: a "label = got" line, checked against WANT.
t_expect() {
	t "$1 = $2"
	check_eq "$1" "$2" "$3"
}
# t_match LABEL STRING REGEX: a "label ~ /regex/" line, checked with grep -E.
t_match() {
	if printf '%s\n' "$2" | grep -Eq "$3"; then
		t "$1 ~ /$3/"
		pass "$1"
	else
		t "$1 ~ /$3/ NO MATCH: $2"
		fail "$1" "'$2' does not match /$3/"
	fi
}
