# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by scripts/check and scripts/demo: install the Debian packages epdma
# needs, only those missing, without asking anything.

# clang and libclang-rt-dev: the libFuzzer targets of tests/fuzz (scripts/fuzz).
EPDMA_BUILD_PACKAGES="build-essential cmake pkg-config libpci-dev libkmod-dev libnl-3-dev
	libnl-route-3-dev libjson-c-dev libinih-dev check kmod util-linux groff-base man-db
	clang-format git clang libclang-rt-dev valgrind"

# The real-kernel test tier (tests/kernel): kernel source and build tools, QEMU, busybox.
EPDMA_KERNEL_PACKAGES="linux-source-6.12 bc bison flex libelf-dev libssl-dev cpio xz-utils
	qemu-system-x86 busybox-static"

epdma_missing_packages() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			printf '%s\n' "$p"
	done
}

epdma_install() {
	missing=$(epdma_missing_packages "$@")
	[ -n "$missing" ] || return 0
	echo "Installing: $(echo $missing)"
	sudo=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || {
			echo "need root (or sudo) to install: $(echo $missing)" >&2
			return 1
		}
		sudo="sudo"
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q </dev/null || return 1
	# shellcheck disable=SC2086
	$sudo apt-get install -y -q --no-install-recommends $missing </dev/null
}
