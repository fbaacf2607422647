// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sd_notify(3) in a few lines: one datagram to $NOTIFY_SOCKET, a path or an
 * abstract socket ("@name"). epdma does not link libsystemd for this.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "epdmad.h"

static int send_datagram(const char *path, const char *msg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	int fd, r = 0;

	if ((path[0] != '/' && path[0] != '@') || len < 2)
		return -EAFNOSUPPORT; /* systemd also allows vsock; epdma needs neither */
	if (len >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* An abstract address has no terminating NUL: its length is exact. */
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'))) <
	    0)
		r = -errno;
	close(fd);
	return r;
}

int notify(const char *fmt, ...)
{
	const char *path = getenv("NOTIFY_SOCKET");
	char msg[1024];
	va_list ap;

	if (!path || !*path)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return send_datagram(path, msg);
}
