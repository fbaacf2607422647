// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The static epdmactl (EPDMA_STATIC_EPDMACTL, the default without
 * sanitizers): no dynamic loader at start-up, which is most of what a short
 * command costs on a slow board or under emulation (BENCHMARKS.md).
 *
 * libpci, libkmod and libnl are still dlopen()ed on first use. From a static
 * program glibc loads them with a libc.so.6 of their own beside the static
 * libc, and that works only with the very build of glibc the program was
 * linked with (the two share the loader's private structures). So before
 * anything else main() compares the system's libc.so.6 with the one this
 * program was built against, by GNU build ID (CMake records path and ID):
 * any other build, or LD_LIBRARY_PATH (which the loader would follow to yet
 * another libc), and it execs its dynamic twin, the same program linked the
 * usual way (installed as EPDMA_TWIN_REL from this program's directory:
 * libexecdir/epdma/epdmactl). Nothing has been read or written by then, so
 * the twin starts the command from scratch. When the twin cannot run either,
 * this program goes on but loads no library: the endpoint commands work,
 * those that need libpci, libkmod or libnl fail naming why.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "epdmactl.h"

#ifdef EPDMA_STATIC_LIBC
#include "libc-build-id.h"

const char *const epdmactl_link = "static";

static char refused[PATH_MAX + 256];

void epdmactl_static_check(char **argv)
{
	char exe[PATH_MAX], twin[PATH_MAX];
	const char *why;
	ssize_t n;
	int r;

	if (getenv("LD_LIBRARY_PATH")) {
		why = "LD_LIBRARY_PATH is set";
	} else {
		r = epdma_elf_build_id_matches(EPDMA_STATIC_LIBC, EPDMA_STATIC_LIBC_BUILD_ID);
		if (r == 1)
			return;
		why = r == 0 ? EPDMA_STATIC_LIBC
			      " is another build than the one epdmactl was linked with"
			     : EPDMA_STATIC_LIBC " is unreadable";
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		if (snprintf(twin, sizeof(twin), "%s/%s", exe, EPDMA_TWIN_REL) <
		    (int)sizeof(twin)) {
			execv(twin, argv);
			snprintf(refused, sizeof(refused),
				 "%s, and the dynamic epdmactl %s did not run: %s", why, twin,
				 strerror(errno));
		}
	}
	if (!refused[0])
		snprintf(refused, sizeof(refused), "%s, and the dynamic epdmactl was not found",
			 why);
	epdma_dl_refuse(refused);
}

#else

const char *const epdmactl_link = "dynamic";

void epdmactl_static_check(char **argv)
{
	(void)argv;
}

#endif
