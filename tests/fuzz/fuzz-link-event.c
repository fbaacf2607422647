// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: one rtnetlink datagram through epdma_link_events_parse().
 * Oracle: every delivered event's name is a NUL-terminated string found in
 * the input, its carrier is -1, 0 or 1, the count returned is the number
 * delivered, and nothing is read past SIZE (ASan sees the input in a buffer
 * of exactly that size).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "epdma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct oracle {
	const uint8_t *data;
	size_t size;
	int n;
};

static void check(const struct epdma_link_event *ev, void *arg)
{
	struct oracle *o = arg;
	size_t len = strnlen(ev->ifname, sizeof(ev->ifname));

	if (len == sizeof(ev->ifname) || (len && !memmem(o->data, o->size, ev->ifname, len + 1)) ||
	    ev->carrier < -1 || ev->carrier > 1 ||
	    strnlen(ev->operstate, sizeof(ev->operstate)) == sizeof(ev->operstate))
		abort();
	o->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oracle o = { data, size, 0 };
	int r = epdma_link_events_parse(data, size, check, &o);

	if (r >= 0 && r != o.n)
		abort();
	return 0;
}
