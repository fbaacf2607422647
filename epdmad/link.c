// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NTB client's network interface, followed as it changes: an rtnetlink
 * socket through libnl in the RTNLGRP_LINK group. The interface is the one
 * lib/link.c finds through sysfs from the NTB device; the daemon looks it up
 * after each reconcile and, while it has none, when an interface appears.
 * A change of its operstate or carrier rewrites the link part of the state
 * file (epdmactl monitor prints it); other interfaces' messages are read and
 * dropped, and without messages the socket never wakes the daemon.
 *
 * libnl delivers unsolicited messages only with its sequence check off (they
 * carry seq 0); nl_recv() reports the kernel's ENOBUFS (messages dropped, the
 * socket buffer was full) as -NLE_NOMEM with errno ENOBUFS, and nothing
 * queued as -NLE_AGAIN.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "epdmad.h"

struct link_source {
	struct nl_sock *sk;
	bool changed; /* the followed interface changed in this drain */
	struct daemon *d;
};

int link_source_open(struct link_source **out)
{
	struct link_source *src = calloc(1, sizeof(*src));
	int r;

	if (!src)
		return -ENOMEM;
	src->sk = nl_socket_alloc();
	if (!src->sk) {
		free(src);
		return -ENOMEM;
	}
	nl_socket_disable_seq_check(src->sk);
	r = nl_connect(src->sk, NETLINK_ROUTE);
	if (r == 0)
		r = nl_socket_add_memberships(src->sk, RTNLGRP_LINK, 0);
	if (r == 0)
		r = nl_socket_set_nonblocking(src->sk);
	if (r < 0) {
		link_source_free(src);
		return nl_to_errno(r);
	}
	*out = src;
	return 0;
}

int link_source_fd(const struct link_source *src)
{
	return nl_socket_get_fd(src->sk);
}

void link_source_free(struct link_source *src)
{
	if (!src)
		return;
	nl_socket_free(src->sk);
	free(src);
}

static const char *carrier_name(int carrier)
{
	return carrier < 0 ? "unknown" : carrier ? "on" : "off";
}

static void log_link(struct daemon *d)
{
	const struct daemon_link *l = &d->link;

	if (!l->netdev[0])
		daemon_log(d, LOG_NOTICE, "link: no NTB client interface");
	else if (!l->present)
		daemon_log(d, LOG_NOTICE, "link %s: absent", l->netdev);
	else
		daemon_log(d, LOG_NOTICE, "link %s: %s, carrier %s", l->netdev,
			   l->operstate[0] ? l->operstate : "unknown", carrier_name(l->carrier));
}

static bool link_equal(const struct daemon_link *a, const struct daemon_link *b)
{
	return !strcmp(a->netdev, b->netdev) && a->present == b->present &&
	       !strcmp(a->operstate, b->operstate) && a->carrier == b->carrier;
}

/* NEW replaces the followed state; true (and logged, counted) when it differs. */
static bool link_set(struct daemon *d, const struct daemon_link *new)
{
	bool changed = !link_equal(&d->link, new);
	uint64_t since = d->link.changed_us;

	d->link = *new;
	d->link.changed_us = since;
	if (!changed)
		return false;
	d->link.changed_us = now_us(CLOCK_REALTIME);
	d->count.link_changes++;
	log_link(d);
	return true;
}

/*
 * The role's NTB device (lib/link.c): the endpoint's on the vNTB's virtual
 * bus, the host's on the vNTB function its last run found (none before one
 * found it). Before the role is known, the first one.
 */
static const struct epdma_link_want *role_want(const struct daemon *d, struct epdma_link_want *w)
{
	if (!d->cfg || d->role == EPDMA_ROLE_AUTO)
		return NULL;
	if (d->role == EPDMA_ROLE_HOST)
		*w = EPDMA_LINK_WANT_DEVICE(d->vntb_bdf);
	else
		*w = EPDMA_LINK_WANT_BUS(d->cfg->vntb.vbus_number & 0xff);
	return w;
}

bool link_lookup(struct daemon *d)
{
	struct epdma_link_state st;
	struct epdma_link_want want;
	struct daemon_link l = { .carrier = -1 };

	if (epdma_link_read(d->ctx, role_want(d, &want), &st) == 0 && st.netdev[0]) {
		snprintf(l.netdev, sizeof(l.netdev), "%s", st.netdev);
		snprintf(l.ntb_device, sizeof(l.ntb_device), "%s", st.ntb_device);
		l.present = st.nl_known;
		if (st.nl_known) {
			/* By index from now on: a rename keeps it (udev names it after probe). */
			l.ifindex = (int)if_nametoindex(st.netdev);
			snprintf(l.operstate, sizeof(l.operstate), "%s", st.operstate);
			l.carrier = st.carrier;
		}
	}
	return link_set(d, &l);
}

static bool ours(const struct daemon_link *l, const struct epdma_link_event *ev)
{
	if (!l->netdev[0])
		return false;
	if (l->ifindex > 0)
		return ev->ifindex == l->ifindex;
	return !strcmp(ev->ifname, l->netdev);
}

static void on_event(const struct epdma_link_event *ev, void *data)
{
	struct link_source *src = data;
	struct daemon *d = src->d;
	struct daemon_link l = d->link;

	if (!ours(&d->link, ev)) {
		/* While there is none, a new interface may be the client's: look again. */
		if (!d->link.present && !ev->removed && link_lookup(d))
			src->changed = true;
		else
			d->count.link_ignored++;
		return;
	}
	if (ev->removed) {
		l.present = false;
		l.ifindex = 0;
		l.operstate[0] = '\0';
		l.carrier = -1;
	} else {
		l.present = true;
		l.ifindex = ev->ifindex;
		if (ev->ifname[0])
			snprintf(l.netdev, sizeof(l.netdev), "%s", ev->ifname);
		if (ev->operstate[0])
			snprintf(l.operstate, sizeof(l.operstate), "%s", ev->operstate);
		if (ev->carrier >= 0)
			l.carrier = ev->carrier;
	}
	if (link_set(d, &l))
		src->changed = true;
}

/* Read every queued message; 1 when the followed interface changed. */
int link_source_drain(struct link_source *src, struct daemon *d)
{
	src->d = d;
	src->changed = false;
	for (;;) {
		struct sockaddr_nl nla = { 0 };
		unsigned char *buf = NULL;
		int n = nl_recv(src->sk, &nla, &buf, NULL);

		if (n <= 0) {
			free(buf);
			if (n == 0 || n == -NLE_AGAIN)
				return src->changed;
			return nl_recv_errno(n);
		}
		d->count.link_messages++;
		/* Only the kernel's: a process with CAP_NET_ADMIN could send to the group. */
		if (nla.nl_pid != 0) {
			d->count.link_ignored++;
			daemon_log(d, LOG_INFO, "ignored a link message from netlink port %u",
				   nla.nl_pid);
		} else if (epdma_link_events_parse(buf, (size_t)n, on_event, src) < 0) {
			d->count.link_ignored++;
			daemon_log(d, LOG_INFO, "ignored a malformed link message (%d bytes)", n);
		}
		free(buf);
	}
}
