// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rtnetlink link messages (RTNLGRP_LINK): a pure parser over the bytes of one
 * datagram, for the daemon that follows the NTB client's interface.
 *
 * The kernel fills every RTM_NEWLINK/RTM_DELLINK from rtnl_fill_ifinfo()
 * (net/core/rtnetlink.c:1938-1992, v6.12): struct ifinfomsg, then attributes,
 * IFLA_IFNAME always, IFLA_OPERSTATE as IF_OPER_DOWN while the interface is
 * not running (:1961-1963), IFLA_CARRIER as netif_carrier_ok() (:1992). For
 * ntb_netdev the carrier is the transport's queue link (ntb_netdev.c:91-95:
 * netif_carrier_on/off from the transport's link event).
 */
#include <errno.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* include/uapi/linux/if.h IF_OPER_*, in the words `ip link` and libnl use. */
static const char *const operstates[] = {
	"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up",
};

static void operstate_name(unsigned int v, char *buf, size_t size)
{
	if (v < ARRAY_SIZE(operstates))
		snprintf(buf, size, "%s", operstates[v]);
	else
		snprintf(buf, size, "%u", v);
}

#define IFI_LEN NLMSG_ALIGN(sizeof(struct ifinfomsg))

/* The attributes of one message: BODY, LEN bytes after the ifinfomsg (read bytewise). */
static int parse_attrs(const unsigned char *p, size_t left, struct epdma_link_event *ev)
{
	while (left >= sizeof(struct rtattr)) {
		const unsigned char *v = p + RTA_LENGTH(0);
		struct rtattr a;
		size_t vlen;

		memcpy(&a, p, sizeof(a));
		if (a.rta_len < sizeof(a) || a.rta_len > left)
			return -EBADMSG;
		vlen = a.rta_len - RTA_LENGTH(0);
		switch (a.rta_type) {
		case IFLA_IFNAME:
			/* NUL-terminated, at most IFNAMSIZ with the NUL */
			if (!vlen || !memchr(v, '\0', vlen) ||
			    strlen((const char *)v) >= sizeof(ev->ifname))
				return -EBADMSG;
			memcpy(ev->ifname, v, strlen((const char *)v) + 1);
			break;
		case IFLA_OPERSTATE:
			if (vlen < 1)
				return -EBADMSG;
			operstate_name(v[0], ev->operstate, sizeof(ev->operstate));
			break;
		case IFLA_CARRIER:
			if (vlen < 1)
				return -EBADMSG;
			ev->carrier = v[0] != 0;
			break;
		}
		if (RTA_ALIGN(a.rta_len) >= left)
			break;
		left -= RTA_ALIGN(a.rta_len);
		p += RTA_ALIGN(a.rta_len);
	}
	return 0;
}

/* The message H (its header copied out) at P: 1 a link message (EV filled), 0 another type. */
static int parse_one(const struct nlmsghdr *h, const unsigned char *p, struct epdma_link_event *ev)
{
	struct ifinfomsg ifi;

	if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK)
		return 0;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(ifi)))
		return -EBADMSG;
	memcpy(&ifi, p + NLMSG_HDRLEN, sizeof(ifi));
	memset(ev, 0, sizeof(*ev));
	ev->removed = h->nlmsg_type == RTM_DELLINK;
	ev->ifindex = ifi.ifi_index;
	ev->flags = ifi.ifi_flags;
	ev->carrier = -1;
	if (h->nlmsg_len <= NLMSG_HDRLEN + IFI_LEN)
		return 1;
	return parse_attrs(p + NLMSG_HDRLEN + IFI_LEN, h->nlmsg_len - NLMSG_HDRLEN - IFI_LEN, ev) <
			       0
		       ? -EBADMSG
		       : 1;
}

int epdma_link_events_parse(const void *buf, size_t len,
			    void (*fn)(const struct epdma_link_event *ev, void *data), void *data)
{
	const unsigned char *p = buf;
	int n = 0;

	while (len > 0) {
		struct epdma_link_event ev;
		struct nlmsghdr h;
		int r;

		if (len < sizeof(h))
			return -EBADMSG;
		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			return -EBADMSG;
		r = parse_one(&h, p, &ev);
		if (r < 0)
			return r;
		if (r > 0) {
			fn(&ev, data);
			n++;
		}
		if (NLMSG_ALIGN(h.nlmsg_len) >= len)
			break;
		p += NLMSG_ALIGN(h.nlmsg_len);
		len -= NLMSG_ALIGN(h.nlmsg_len);
	}
	return n;
}
