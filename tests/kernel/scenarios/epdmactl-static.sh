# SPDX-License-Identifier: GPL-2.0-or-later
# The static epdmactl (epdmactl/static.c) and the system's libc.so.6: with the
# build it was linked with it runs itself and its dlopen() of libpci works;
# with a libc.so.6 of another build (here: the same library with one byte of
# its GNU build ID changed) it runs its dynamic twin from
# /usr/libexec/epdma, which works with that libc; without the twin it goes on
# but loads no library, and says why. The native side of this is
# tests/static-epdmactl.
. /usr/share/epdma-test/lib.sh
. /usr/share/epdma-test/scenarios/epdmactl-lib.inc

TWIN=/usr/libexec/epdma/epdmactl
link_of() { "$E" --version 2>&1 | sed 's/^epdmactl [^ ]* //'; }
if [ "$(link_of)" != "(static)" ]; then
	pass "skipped (a dynamic epdmactl: EPDMA_GUEST_STATIC_EPDMACTL=OFF)"
	finish
fi
LIBC=$(ls /lib/*/libc.so.6 /lib64/libc.so.6 2>/dev/null | head -n 1)
check "libc.so.6 in the guest" test -f "$LIBC"
check "the twin in the guest" test -x "$TWIN"

# A host config: discover scans the guest's PCI bus through libpci.
printf '[general]\nrole = host\n' >/tmp/host.conf
discover_ok() { # discover_ok NAME: libpci was loaded and the bus scanned
	ctl 1 "$1: discover ran" -c /tmp/host.conf discover
	out_has "$1: the bus scanned" "none: no PCI function has the configured vNTB or DMA IDs"
}
check_eq "the build it was linked with: static" "$(link_of)" "(static)"
discover_ok "static"

# The offset of the GNU build ID in FILE: after the note header
# (namesz 4, descsz 20, type NT_GNU_BUILD_ID, "GNU\0") in its first 4 KiB.
build_id_at() {
	od -A n -t x1 -v -N 4096 "$1" | tr -s ' \n' '\n\n' | grep . | awk '
	{ b[n++] = $1 }
	END {
		split("04 00 00 00 14 00 00 00 03 00 00 00 47 4e 55 00", h, " ")
		for (i = 0; i + 16 <= n; i++) {
			for (j = 1; j <= 16 && b[i + j - 1] == h[j]; j++) ;
			if (j > 16) { print i + 16; exit }
		}
	}'
}
at=$(build_id_at "$LIBC")
check "build ID found in $LIBC" test -n "$at"
cp "$LIBC" /tmp/libc.orig
cp "$LIBC" /tmp/libc.other
byte=$(od -A n -t x1 -j "$at" -N 1 "$LIBC" | tr -d ' ')
printf "\\$(printf '%03o' $(((0x$byte + 1) % 256)))" | dd of=/tmp/libc.other bs=1 seek="$at" conv=notrunc 2>/dev/null
check "the copy differs in its build ID only" sh -c "! cmp -s /tmp/libc.orig /tmp/libc.other"
# Replaced the way a package upgrade does it: a new file renamed over the old.
cp /tmp/libc.other "$LIBC.new" && mv "$LIBC.new" "$LIBC"

check_eq "another libc build: the twin runs" "$(link_of)" "(dynamic)"
discover_ok "twin"
ctl 0 "twin: endpoint status" status

mv "$TWIN" /tmp/twin
check_eq "no twin: still static" "$(link_of)" "(static)"
ctl 1 "no twin: discover" -c /tmp/host.conf discover
err_has "no twin: says why" "libpci.so.3 not loaded: $LIBC is another build than the one epdmactl was linked with, and the dynamic epdmactl /usr/bin/../libexec/epdma/epdmactl did not run: No such file or directory"
ctl 0 "no twin: endpoint status needs no library" status

mv /tmp/twin "$TWIN"
cp /tmp/libc.orig "$LIBC.new" && mv "$LIBC.new" "$LIBC"
check_eq "the original back: static again" "$(link_of)" "(static)"
finish
