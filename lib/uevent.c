// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel uevents (NETLINK_KOBJECT_UEVENT, group 1): the parser, the sender
 * check, and which events can change what a reconcile would find.
 *
 * The kernel's message is "ACTION@DEVPATH\0" followed by "KEY=VALUE\0"
 * records (lib/kobject_uevent.c: at most UEVENT_BUFFER_SIZE = 2048 bytes of
 * records, every one NUL-terminated, ACTION, DEVPATH, SUBSYSTEM and SEQNUM
 * always among them). udevd re-broadcasts on group 2 with a "libudev\0"
 * header and the magic 0xfeedcafe in network order: epdma listens to the
 * kernel only and refuses that format.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define LIBUDEV_MAGIC 0xfeedcafeU

struct key {
	const char *name;
	size_t offset, size;
};

#define KEY(n, field)                                                                              \
	{                                                                                          \
		n, offsetof(struct epdma_uevent, field), sizeof(((struct epdma_uevent *)0)->field) \
	}

static const struct key keys[] = {
	KEY("ACTION", action),
	KEY("DEVPATH", devpath),
	KEY("SUBSYSTEM", subsystem),
	KEY("DEVTYPE", devtype),
	KEY("DRIVER", driver),
	KEY("PCI_ID", pci_id),
	KEY("PCI_SLOT_NAME", pci_slot_name),
	KEY("MODALIAS", modalias),
};

bool epdma_uevent_is_libudev(const void *buf, size_t len)
{
	const unsigned char *b = buf;

	/* "libudev\0", then the magic as the first word of the header (big-endian). */
	if (len < 12 || memcmp(buf, "libudev", 8))
		return false;
	return ((uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11]) ==
	       LIBUDEV_MAGIC;
}

/* Copy one NUL-terminated value; -EMSGSIZE when it does not fit. */
static int store(char *dst, size_t size, const char *value, size_t len)
{
	if (len >= size)
		return -EMSGSIZE;
	memcpy(dst, value, len);
	dst[len] = '\0';
	return 0;
}

static int parse_seqnum(const char *value, uint64_t *seqnum)
{
	uint64_t v = 0;

	if (!*value)
		return -EINVAL;
	for (const char *p = value; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*seqnum = v;
	return 0;
}

/* One "KEY=VALUE" record of LEN bytes (without its NUL). */
static int parse_record(const char *rec, size_t len, struct epdma_uevent *ev, unsigned int *seen)
{
	const char *eq = memchr(rec, '=', len);
	size_t klen;

	if (!eq || eq == rec)
		return -EINVAL; /* no key */
	klen = (size_t)(eq - rec);
	ev->nkeys++;
	if (klen == 6 && !memcmp(rec, "SEQNUM", 6)) {
		if (*seen & (1U << ARRAY_SIZE(keys)))
			return -EINVAL;
		*seen |= 1U << ARRAY_SIZE(keys);
		return parse_seqnum(eq + 1, &ev->seqnum);
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strlen(keys[i].name) != klen || memcmp(rec, keys[i].name, klen))
			continue;
		if (*seen & (1U << i))
			return -EINVAL; /* the kernel never repeats a key */
		*seen |= 1U << i;
		return store((char *)ev + keys[i].offset, keys[i].size, eq + 1, len - klen - 1);
	}
	return 0; /* a key epdma does not read */
}

/* "ACTION@DEVPATH": both non-empty, the devpath absolute. */
static int parse_header(const char *hdr, size_t len, char *action, size_t asize, char *devpath,
			size_t dsize)
{
	const char *at = memchr(hdr, '@', len);

	if (!at || at == hdr || at[1] != '/')
		return -EINVAL;
	if (store(action, asize, hdr, (size_t)(at - hdr)) < 0 ||
	    store(devpath, dsize, at + 1, len - (size_t)(at - hdr) - 1) < 0)
		return -EMSGSIZE;
	return 0;
}

int epdma_uevent_parse(const void *data, size_t len, struct epdma_uevent *ev)
{
	const char *buf = data, *end = buf + len, *p, *nul;
	char action[sizeof(ev->action)], devpath[sizeof(ev->devpath)];
	unsigned int seen = 0;
	int r;

	memset(ev, 0, sizeof(*ev));
	if (epdma_uevent_is_libudev(buf, len))
		return -EPROTONOSUPPORT;
	if (len == 0)
		return -EINVAL;
	if (len > EPDMA_UEVENT_MAX)
		return -EMSGSIZE;
	nul = memchr(buf, '\0', len);
	if (!nul)
		return -EINVAL; /* unterminated header */
	r = parse_header(buf, (size_t)(nul - buf), action, sizeof(action), devpath,
			 sizeof(devpath));
	if (r < 0)
		return r;
	for (p = nul + 1; p < end; p = nul + 1) {
		nul = memchr(p, '\0', (size_t)(end - p));
		if (!nul)
			return -EINVAL; /* a truncated last record */
		r = parse_record(p, (size_t)(nul - p), ev, &seen);
		if (r < 0)
			return r;
	}
	/* ACTION, DEVPATH, SUBSYSTEM and SEQNUM are in every kernel uevent (bits 0-2, 8). */
	if ((seen & 0x7) != 0x7 || !(seen & (1U << ARRAY_SIZE(keys))))
		return -EINVAL;
	if (strcmp(action, ev->action) || strcmp(devpath, ev->devpath) || !ev->subsystem[0])
		return -EINVAL;
	return 0;
}

bool epdma_uevent_from_kernel(uint32_t portid, bool have_creds, uid_t uid)
{
	/* Only the kernel sends from port 0; a process cannot bind it. */
	return portid == 0 && have_creds && uid == 0;
}

static bool is(const char *a, const char *b)
{
	return !strcmp(a, b);
}

bool epdma_uevent_triggers(enum epdma_role role, const struct epdma_uevent *ev)
{
	const char *name = strrchr(ev->devpath, '/');

	name = name ? name + 1 : ev->devpath;
	/* With role = auto a controller appearing turns a host into an endpoint. */
	if (role == EPDMA_ROLE_AUTO)
		return epdma_uevent_triggers(EPDMA_ROLE_ENDPOINT, ev) ||
		       epdma_uevent_triggers(EPDMA_ROLE_HOST, ev);
	if (role == EPDMA_ROLE_HOST)
		/* A PCI function appearing or going, a driver binding to it. */
		return is(ev->subsystem, "pci") &&
		       (is(ev->action, "add") || is(ev->action, "remove") ||
			is(ev->action, "bind") || is(ev->action, "unbind"));
	/* Endpoint: a controller probed late or removed, an EPF driver's module loaded. */
	if (is(ev->subsystem, "pci_epc"))
		return is(ev->action, "add") || is(ev->action, "remove");
	if (is(ev->subsystem, "module"))
		return is(ev->action, "add") &&
		       (is(name, EPDMA_EPF_VNTB) || is(name, EPDMA_EPF_DMA));
	return false;
}
