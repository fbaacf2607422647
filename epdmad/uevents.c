// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the daemon's uevents come from: the kernel's NETLINK_KOBJECT_UEVENT
 * group 1 through libnl, every message checked to come from the kernel (port
 * 0, uid 0 in SCM_CREDENTIALS) before it is parsed. For the tests only,
 * --uevent-fd FD gives datagrams that carry a made-up sender instead (struct
 * epdmad_test_uevent): the same check, the same parser.
 */
#include <errno.h>
#include <fcntl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "epdmad.h"

#define UEVENT_GROUP 1 /* the kernel's; udevd re-sends on 2 */

struct uevent_source {
	struct nl_sock *sk; /* NULL: the test fd */
	int fd;
};

/* libnl's -NLE_* as -errno: the one place epdmad translates them. */
int nl_to_errno(int nlerr)
{
	switch (abs(nlerr)) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_MSG_TRUNC:
		return -EMSGSIZE;
	case NLE_PROTO_MISMATCH:
	case NLE_AF_NOSUPPORT:
		return -EPROTONOSUPPORT;
	case NLE_INTR:
		return -EINTR;
	default:
		return -EIO;
	}
}

/*
 * What a failed nl_recv() meant: libnl reports the kernel's ENOBUFS (the
 * socket buffer overflowed, messages were dropped) as NLE_NOMEM and leaves
 * errno as recvmsg() set it.
 */
int nl_recv_errno(int nlerr)
{
	if (-nlerr == NLE_NOMEM && errno == ENOBUFS)
		return -ENOBUFS;
	return nl_to_errno(nlerr);
}

static int open_netlink(struct uevent_source *src)
{
	int r;

	src->sk = nl_socket_alloc();
	if (!src->sk)
		return -ENOMEM;
	nl_socket_disable_seq_check(src->sk);
	r = nl_connect(src->sk, NETLINK_KOBJECT_UEVENT);
	if (r == 0)
		r = nl_socket_add_memberships(src->sk, UEVENT_GROUP, 0);
	if (r == 0)
		r = nl_socket_set_passcred(src->sk, 1);
	if (r == 0)
		r = nl_socket_set_nonblocking(src->sk);
	/* A burst at boot (coldplug, a driver probing many devices) must not overflow it. */
	if (r == 0)
		r = nl_socket_set_buffer_size(src->sk, 1 << 20, 0);
	if (r < 0)
		return nl_to_errno(r);
	src->fd = nl_socket_get_fd(src->sk);
	return 0;
}

int uevent_source_open(int fd, struct uevent_source **out)
{
	struct uevent_source *src = calloc(1, sizeof(*src));
	int r = 0;

	if (!src)
		return -ENOMEM;
	src->fd = fd;
	if (fd < 0)
		r = open_netlink(src);
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
		 fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		r = -errno;
	if (r < 0) {
		uevent_source_free(src);
		return r;
	}
	*out = src;
	return 0;
}

int uevent_source_fd(const struct uevent_source *src)
{
	return src->fd;
}

void uevent_source_free(struct uevent_source *src)
{
	if (!src)
		return;
	if (src->sk)
		nl_socket_free(src->sk); /* closes the fd */
	else if (src->fd >= 0)
		close(src->fd);
	free(src);
}

static void deliver(struct daemon *d, uint32_t portid, bool have_creds, uid_t uid,
		    const unsigned char *buf, size_t len,
		    void (*fn)(struct daemon *d, const struct epdma_uevent *ev))
{
	struct epdma_uevent ev;
	int r;

	d->count.uevents++;
	if (!epdma_uevent_from_kernel(portid, have_creds, uid)) {
		d->count.ignored++;
		daemon_log(d, LOG_INFO,
			   "ignored a uevent from netlink port %u (uid %d): not the kernel", portid,
			   have_creds ? (int)uid : -1);
		return;
	}
	r = epdma_uevent_parse(buf, len, &ev);
	if (r < 0) {
		d->count.ignored++;
		daemon_log(d, LOG_INFO, "ignored a malformed uevent (%zu bytes): %s", len,
			   strerror(-r));
		return;
	}
	fn(d, &ev);
}

static int drain_netlink(struct uevent_source *src, struct daemon *d,
			 void (*fn)(struct daemon *d, const struct epdma_uevent *ev))
{
	for (;;) {
		struct sockaddr_nl nla = { 0 };
		struct ucred *creds = NULL;
		unsigned char *buf = NULL;
		int n = nl_recv(src->sk, &nla, &buf, &creds);

		if (n <= 0) {
			free(buf);
			free(creds);
			/* 0: nothing queued (nl_recv maps EAGAIN to 0) */
			return n == 0 || n == -NLE_AGAIN ? 0 : nl_recv_errno(n);
		}
		deliver(d, nla.nl_pid, creds != NULL, creds ? creds->uid : (uid_t)-1, buf,
			(size_t)n, fn);
		free(buf);
		free(creds);
	}
}

static int drain_test_fd(struct uevent_source *src, struct daemon *d,
			 void (*fn)(struct daemon *d, const struct epdma_uevent *ev))
{
	static unsigned char buf[sizeof(struct epdmad_test_uevent) + EPDMA_UEVENT_MAX + 1];

	for (;;) {
		struct epdmad_test_uevent hdr;
		ssize_t n = recv(src->fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return -EPIPE; /* the test closed its end */
		if ((size_t)n < sizeof(hdr))
			continue;
		memcpy(&hdr, buf, sizeof(hdr));
		deliver(d, hdr.portid, true, hdr.uid, buf + sizeof(hdr), (size_t)n - sizeof(hdr),
			fn);
	}
}

int uevent_source_drain(struct uevent_source *src, struct daemon *d,
			void (*fn)(struct daemon *d, const struct epdma_uevent *ev))
{
	return src->sk ? drain_netlink(src, d, fn) : drain_test_fd(src, d, fn);
}
