// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rtnetlink link message parser (lib/link-event.c) on messages built the
 * way rtnl_fill_ifinfo() builds them, several in one datagram, and on what
 * the kernel never sends: truncated headers, attributes past their message,
 * unterminated or overlong names. Every datagram sits in a heap buffer of
 * exactly its length, so a read past it is an ASan report.
 */
#include <errno.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

struct msg {
	unsigned char buf[1024];
	size_t len;   /* of the datagram so far */
	size_t start; /* of the message being built */
};

static void msg_begin(struct msg *m, uint16_t type, int ifindex, unsigned int flags)
{
	struct nlmsghdr h = { .nlmsg_type = type };
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
				 .ifi_index = ifindex,
				 .ifi_flags = flags };

	m->start = m->len;
	memcpy(m->buf + m->len, &h, sizeof(h));
	memcpy(m->buf + m->len + NLMSG_HDRLEN, &ifi, sizeof(ifi));
	m->len += NLMSG_LENGTH(sizeof(ifi));
}

static void msg_attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr a = { .rta_len = (unsigned short)RTA_LENGTH(len), .rta_type = type };

	memset(m->buf + m->len, 0, RTA_SPACE(len));
	memcpy(m->buf + m->len, &a, sizeof(a));
	memcpy(m->buf + m->len + RTA_LENGTH(0), data, len);
	m->len += RTA_SPACE(len);
}

static void msg_u8(struct msg *m, uint16_t type, uint8_t v)
{
	msg_attr(m, type, &v, 1);
}

static void msg_end(struct msg *m)
{
	uint32_t len = (uint32_t)(m->len - m->start);

	memcpy(m->buf + m->start, &len, sizeof(len)); /* nlmsg_len comes first */
}

/* RTM_NEWLINK for NAME as the kernel fills it (the attributes epdma reads among others). */
static void newlink(struct msg *m, int ifindex, const char *name, uint8_t operstate,
		    uint8_t carrier)
{
	uint32_t mtu = 1500;

	msg_begin(m, RTM_NEWLINK, ifindex, IFF_UP | IFF_BROADCAST);
	msg_attr(m, IFLA_IFNAME, name, strlen(name) + 1);
	msg_attr(m, IFLA_MTU, &mtu, sizeof(mtu));
	msg_u8(m, IFLA_OPERSTATE, operstate);
	msg_u8(m, IFLA_LINKMODE, 0);
	msg_u8(m, IFLA_CARRIER, carrier);
	msg_end(m);
}

struct seen {
	struct epdma_link_event ev[4];
	size_t n;
};

static void collect(const struct epdma_link_event *ev, void *data)
{
	struct seen *s = data;

	ck_assert_uint_lt(s->n, ARRAY_SIZE(s->ev));
	s->ev[s->n++] = *ev;
}

/* Parse the first LEN bytes of M from a heap copy of exactly that size. */
static int parse(const struct msg *m, size_t len, struct seen *s)
{
	unsigned char *copy = malloc(len ? len : 1);
	int r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, m->buf, len);
	memset(s, 0, sizeof(*s));
	r = epdma_link_events_parse(copy, len, collect, s);
	free(copy);
	return r;
}

START_TEST(newlink_fields)
{
	struct msg m = { 0 };
	struct seen s;

	newlink(&m, 7, "eth1", IF_OPER_UP, 1);
	ck_assert_int_eq(parse(&m, m.len, &s), 1);
	ck_assert_uint_eq(s.n, 1);
	ck_assert(!s.ev[0].removed);
	ck_assert_int_eq(s.ev[0].ifindex, 7);
	ck_assert_str_eq(s.ev[0].ifname, "eth1");
	ck_assert_str_eq(s.ev[0].operstate, "up");
	ck_assert_int_eq(s.ev[0].carrier, 1);
	ck_assert_uint_eq(s.ev[0].flags, IFF_UP | IFF_BROADCAST);

	m.len = 0;
	newlink(&m, 7, "eth1", IF_OPER_LOWERLAYERDOWN, 0);
	ck_assert_int_eq(parse(&m, m.len, &s), 1);
	ck_assert_str_eq(s.ev[0].operstate, "lowerlayerdown");
	ck_assert_int_eq(s.ev[0].carrier, 0);

	/* A value newer than this code knows: its number. */
	m.len = 0;
	newlink(&m, 7, "eth1", 9, 0);
	ck_assert_int_eq(parse(&m, m.len, &s), 1);
	ck_assert_str_eq(s.ev[0].operstate, "9");
}
END_TEST

/* What is not in a message stays unknown: no name, no operstate, carrier -1. */
START_TEST(attributes_absent)
{
	struct msg m = { 0 };
	struct seen s;

	msg_begin(&m, RTM_NEWLINK, 3, 0);
	msg_end(&m);
	ck_assert_int_eq(parse(&m, m.len, &s), 1);
	ck_assert_int_eq(s.ev[0].ifindex, 3);
	ck_assert_str_eq(s.ev[0].ifname, "");
	ck_assert_str_eq(s.ev[0].operstate, "");
	ck_assert_int_eq(s.ev[0].carrier, -1);
}
END_TEST

/* A datagram of several: link messages in order, another type skipped, DELLINK removed. */
START_TEST(several_in_one_datagram)
{
	struct msg m = { 0 };
	struct nlmsghdr h = { .nlmsg_type = RTM_NEWADDR };
	struct seen s;

	newlink(&m, 2, "lo", IF_OPER_UNKNOWN, 1);
	m.start = m.len;
	memcpy(m.buf + m.len, &h, sizeof(h));
	m.len += NLMSG_LENGTH(8);
	memset(m.buf + m.start + NLMSG_HDRLEN, 0xff, 8);
	msg_end(&m);
	msg_begin(&m, RTM_DELLINK, 5, 0);
	msg_attr(&m, IFLA_IFNAME, "ntb0", 5);
	msg_end(&m);
	ck_assert_int_eq(parse(&m, m.len, &s), 2);
	ck_assert_str_eq(s.ev[0].ifname, "lo");
	ck_assert_str_eq(s.ev[0].operstate, "unknown");
	ck_assert(!s.ev[0].removed);
	ck_assert(s.ev[1].removed);
	ck_assert_int_eq(s.ev[1].ifindex, 5);
	ck_assert_str_eq(s.ev[1].ifname, "ntb0");
}
END_TEST

/* Cut anywhere inside its message, a datagram is refused and nothing is delivered. */
START_TEST(truncated_everywhere)
{
	struct msg m = { 0 };
	struct seen s;

	newlink(&m, 7, "eth1", IF_OPER_UP, 1);
	for (size_t len = 1; len < m.len; len++) {
		ck_assert_msg(parse(&m, len, &s) == -EBADMSG, "length %zu", len);
		ck_assert_uint_eq(s.n, 0);
	}
	ck_assert_int_eq(parse(&m, 0, &s), 0);
}
END_TEST

/* A second message cut short: the first is delivered, then the error. */
START_TEST(second_truncated)
{
	struct msg m = { 0 };
	struct seen s;

	newlink(&m, 7, "eth1", IF_OPER_UP, 1);
	newlink(&m, 8, "eth2", IF_OPER_DOWN, 0);
	ck_assert_int_eq(parse(&m, m.len - 1, &s), -EBADMSG);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.ev[0].ifname, "eth1");
}
END_TEST

START_TEST(attribute_past_its_message)
{
	struct msg m = { 0 };
	struct rtattr a;
	struct seen s;

	newlink(&m, 7, "eth1", IF_OPER_UP, 1);
	/* The name's rta_len claims more than the message holds. */
	memcpy(&a, m.buf + NLMSG_LENGTH(sizeof(struct ifinfomsg)), sizeof(a));
	a.rta_len = 0x400;
	memcpy(m.buf + NLMSG_LENGTH(sizeof(struct ifinfomsg)), &a, sizeof(a));
	ck_assert_int_eq(parse(&m, m.len, &s), -EBADMSG);
	/* ... or less than its own header. */
	a.rta_len = 2;
	memcpy(m.buf + NLMSG_LENGTH(sizeof(struct ifinfomsg)), &a, sizeof(a));
	ck_assert_int_eq(parse(&m, m.len, &s), -EBADMSG);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(names_the_kernel_never_sends)
{
	struct msg m = { 0 };
	struct seen s;

	/* Unterminated. */
	msg_begin(&m, RTM_NEWLINK, 1, 0);
	msg_attr(&m, IFLA_IFNAME, "eth0", 4);
	msg_end(&m);
	ck_assert_int_eq(parse(&m, m.len, &s), -EBADMSG);
	/* Longer than IFNAMSIZ - 1. */
	m.len = 0;
	msg_begin(&m, RTM_NEWLINK, 1, 0);
	msg_attr(&m, IFLA_IFNAME, "0123456789abcdef", 17);
	msg_end(&m);
	ck_assert_int_eq(parse(&m, m.len, &s), -EBADMSG);
	/* The longest there is. */
	m.len = 0;
	msg_begin(&m, RTM_NEWLINK, 1, 0);
	msg_attr(&m, IFLA_IFNAME, "0123456789abcde", 16);
	msg_end(&m);
	ck_assert_int_eq(parse(&m, m.len, &s), 1);
	ck_assert_str_eq(s.ev[0].ifname, "0123456789abcde");
	/* An empty operstate or carrier. */
	m.len = 0;
	msg_begin(&m, RTM_NEWLINK, 1, 0);
	msg_attr(&m, IFLA_CARRIER, "", 0);
	msg_end(&m);
	ck_assert_int_eq(parse(&m, m.len, &s), -EBADMSG);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

static Suite *link_event_suite(void)
{
	Suite *s = suite_create("link-event");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, newlink_fields);
	tcase_add_test(tc, attributes_absent);
	tcase_add_test(tc, several_in_one_datagram);
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, second_truncated);
	tcase_add_test(tc, attribute_past_its_message);
	tcase_add_test(tc, names_the_kernel_never_sends);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(link_event_suite());
}
