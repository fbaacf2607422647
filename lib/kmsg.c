// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel log, read from <root>/dev/kmsg. On the real device each read()
 * returns one record and needs a buffer at least that large (EINVAL
 * otherwise); EPIPE means records were overwritten (skip and go on). A fixture
 * tree holds a regular file of the same records, so reads are split on '\n'.
 * Record format: Documentation/ABI/testing/dev-kmsg.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define KMSG_RECORD_MAX 8192

int epdma_kmsg_open(struct epdma_ctx *ctx)
{
	int fd = epdma_fs_open(ctx, "/dev/kmsg", O_RDONLY | O_NONBLOCK, 0);

	if (fd < 0)
		return fd;
	/* Only what the kernel logs from now on. */
	if (lseek(fd, 0, SEEK_END) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* An unsigned decimal field of BUF[*pos..end) up to SEP; false when malformed. */
static bool field(const char *buf, size_t end, size_t *pos, char sep, uint64_t *value)
{
	uint64_t v = 0;
	size_t i = *pos;

	if (i >= end || buf[i] < '0' || buf[i] > '9')
		return false;
	for (; i < end && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(buf[i] - '0');
	}
	if (i >= end || buf[i] != sep)
		return false;
	*pos = i + 1;
	*value = v;
	return true;
}

/* "<prio>,<seq>,<usec>,<flags>[,...];<text>\n": prio carries the facility above bit 3. */
int epdma_kmsg_parse(const char *buf, size_t len, struct epdma_kmsg_record *rec)
{
	uint64_t prio, seq, usec;
	const char *semi, *text, *nl;
	size_t pos = 0;

	if (!field(buf, len, &pos, ',', &prio) || !field(buf, len, &pos, ',', &seq) ||
	    !field(buf, len, &pos, ',', &usec))
		return -EINVAL;
	semi = memchr(buf + pos, ';', len - pos);
	if (!semi)
		return -EINVAL;
	text = semi + 1;
	nl = memchr(text, '\n', len - (size_t)(text - buf));
	rec->text = strndup(text, nl ? (size_t)(nl - text) : len - (size_t)(text - buf));
	if (!rec->text)
		return -ENOMEM;
	/* A NUL inside the text ends it: the kernel escapes such bytes as \x00. */
	rec->priority = (int)(prio & 7);
	rec->usec = usec;
	return 0;
}

static int append(struct epdma_kmsg_record **recs, size_t *n, const char *buf, size_t len)
{
	struct epdma_kmsg_record rec, *v;
	int r = epdma_kmsg_parse(buf, len, &rec);

	if (r == -EINVAL)
		return 0; /* not a record: nothing to show */
	if (r < 0)
		return r;
	v = realloc(*recs, (*n + 1) * sizeof(*v));
	if (!v) {
		free(rec.text);
		return -ENOMEM;
	}
	v[(*n)++] = rec;
	*recs = v;
	return 1;
}

/* Records in BUF[0..len), one per line; the continuation lines (" KEY=v") are not records. */
static int split(char *buf, size_t len, struct epdma_kmsg_record **recs, size_t *n)
{
	int added = 0;

	for (size_t start = 0; start < len;) {
		char *nl = memchr(buf + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - buf) : len;
		int r = buf[start] == ' ' ? 0 : append(recs, n, buf + start, end - start);

		if (r < 0)
			return r;
		added += r;
		start = end + 1;
	}
	return added;
}

int epdma_kmsg_read(int fd, struct epdma_kmsg_record **recs, size_t *n)
{
	_cleanup_free_ char *buf = malloc(KMSG_RECORD_MAX + 1);
	int added = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t len = read(fd, buf, KMSG_RECORD_MAX);
		int r;

		if (len < 0 && (errno == EPIPE || errno == EINTR))
			continue;
		if (len < 0 && errno == EAGAIN)
			break;
		if (len < 0)
			return -errno;
		if (len == 0)
			break;
		/* A regular file may give a partial last line: keep it for the next read. */
		if (buf[len - 1] != '\n') {
			char *last = memrchr(buf, '\n', (size_t)len);

			if (!last) /* one record larger than the buffer: drop it */
				continue;
			lseek(fd, -(off_t)(buf + len - last - 1), SEEK_CUR);
			len = last + 1 - buf;
		}
		r = split(buf, (size_t)len, recs, n);
		if (r < 0)
			return r;
		added += r;
	}
	return added;
}

void epdma_kmsg_records_free(struct epdma_kmsg_record *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(recs[i].text);
	free(recs);
}
