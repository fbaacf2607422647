// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel log, read from <root>/dev/kmsg. On the real device each read()
 * returns one record and needs a buffer at least that large (EINVAL
 * otherwise); EPIPE means records were overwritten (skip and go on). A fixture
 * tree holds a regular file of the same records, so reads are split on '\n'.
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

static void parse_record(char *rec, epdma_kmsg_fn fn, void *data)
{
	char *text = strchr(rec, ';');
	int prio;

	if (!text || sscanf(rec, "%d,", &prio) != 1)
		return;
	text++;
	text[strcspn(text, "\n")] = '\0';
	fn(prio & 7, text, data);
}

int epdma_kmsg_read(int fd, epdma_kmsg_fn fn, void *data)
{
	_cleanup_free_ char *buf = malloc(KMSG_RECORD_MAX + 1);
	int records = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, buf, KMSG_RECORD_MAX);
		char *line, *save = NULL;

		if (n < 0 && errno == EPIPE)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		buf[n] = '\0';
		/* A regular file may give a partial last line: keep it for the next read. */
		if (buf[n - 1] != '\n') {
			char *last = strrchr(buf, '\n');

			if (!last) /* one record larger than the buffer: drop it */
				continue;
			lseek(fd, -(off_t)(buf + n - last - 1), SEEK_CUR);
			last[1] = '\0';
		}
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			parse_record(line, fn, data);
			records++;
		}
	}
	return records;
}
