// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A private network namespace for the tests that read interfaces through
 * rtnetlink: the test process (forked by Check) enters it, and the front
 * ends it starts inherit it. A veth end stands in for the NTB netdev (the
 * dummy driver is not on every machine; veth is what `ip` can always make).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

int fx_netns_enter(void)
{
	char map[64];
	int fd, n;

	if (unshare(CLONE_NEWNET) == 0)
		return 0;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return -errno;
	/* Root in the namespace, so that ip(8) keeps CAP_NET_ADMIN across exec. */
	n = snprintf(map, sizeof(map), "0 %d 1", (int)getuid());
	fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, map, (size_t)n) != n) {
		int e = errno;

		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

void fx_ip(const char *fmt, ...)
{
	char *args, *cmd;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&args, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	ck_assert_int_ge(asprintf(&cmd, "ip %s >/dev/null 2>&1", args), 0);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
	free(cmd);
	free(args);
}

void fx_netdev_add(const char *ifname)
{
	/* No link-local IPv6 address of its own: the tests list every address. */
	fx_ip("link add %s type veth peer name %sp", ifname, ifname);
	fx_ip("link set dev %s addrgenmode none", ifname);
}

bool fx_netns_available(const char **why)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (fx_netns_enter() < 0)
			_exit(1);
		_exit(system("ip link add fxprobe0 type veth peer name fxprobe1 >/dev/null 2>&1") ==
				      0
			      ? 0
			      : 2);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		*why = "cannot fork a probe";
		return false;
	}
	*why = WEXITSTATUS(status) == 1	  ? "no private network namespace here"
	       : WEXITSTATUS(status) == 2 ? "ip(8) cannot make a veth pair in one"
					  : NULL;
	return WEXITSTATUS(status) == 0;
}
