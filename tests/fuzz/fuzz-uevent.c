// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: one netlink datagram through epdma_uevent_parse().
 * Oracle: a parsed event has an action, an absolute devpath and a subsystem
 * that all appear in the input as "KEY=value\0" records, no udevd header, and
 * nothing is read past SIZE (ASan sees the input in a buffer of exactly that
 * size).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epdma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "KEY=VALUE\0" occurs in DATA. */
static int has_record(const uint8_t *data, size_t size, const char *key, const char *value)
{
	char rec[1024];
	int n = snprintf(rec, sizeof(rec), "%s=%s", key, value);

	return n > 0 && (size_t)n < sizeof(rec) && memmem(data, size, rec, (size_t)n + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct epdma_uevent ev;

	if (epdma_uevent_parse(data, size, &ev) < 0)
		return 0;
	if (!ev.action[0] || ev.devpath[0] != '/' || !ev.subsystem[0] ||
	    epdma_uevent_is_libudev(data, size) || size > EPDMA_UEVENT_MAX || ev.nkeys < 4 ||
	    !has_record(data, size, "ACTION", ev.action) ||
	    !has_record(data, size, "DEVPATH", ev.devpath) ||
	    !has_record(data, size, "SUBSYSTEM", ev.subsystem))
		abort();
	(void)epdma_uevent_triggers(EPDMA_ROLE_AUTO, &ev);
	return 0;
}
