// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the daemon needs from the library beyond the runs: its state file
 * under /run/epdma (written atomically, read by epdmactl status and monitor),
 * the mount table it watches, and which failed runs a retry can help.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define STATUS_TMP EPDMA_DAEMON_STATUS_PATH ".tmp"

static int write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* tmp + rename: a reader sees the old file or the new one, never a part. */
int epdma_daemon_status_write(struct epdma_ctx *ctx, const char *text)
{
	int fd, r;

	r = epdma_fs_mkdir_p(ctx, "/run/epdma", 0755);
	if (r < 0)
		return r;
	fd = epdma_fs_open(ctx, STATUS_TMP, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	r = write_all(fd, text, strlen(text));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(epdma_ctx_root_fd(ctx), epdma_fs_rel(STATUS_TMP),
			       epdma_ctx_root_fd(ctx), epdma_fs_rel(EPDMA_DAEMON_STATUS_PATH)) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(epdma_ctx_root_fd(ctx), epdma_fs_rel(STATUS_TMP), 0);
	return r;
}

int epdma_daemon_status_read(struct epdma_ctx *ctx, char **text)
{
	size_t size = 64 * 1024;
	char *buf = malloc(size);
	ssize_t n;

	*text = NULL;
	if (!buf)
		return -ENOMEM;
	n = epdma_fs_read(ctx, EPDMA_DAEMON_STATUS_PATH, buf, size);
	if (n < 0) {
		free(buf);
		return (int)n;
	}
	if ((size_t)n >= size - 1) {
		free(buf);
		return -EFBIG;
	}
	*text = buf;
	return 0;
}

int epdma_daemon_status_dir(struct epdma_ctx *ctx)
{
	int r = epdma_fs_mkdir_p(ctx, "/run/epdma", 0755);

	return r < 0 ? r : epdma_fs_open(ctx, "/run/epdma", O_RDONLY | O_DIRECTORY, 0);
}

int epdma_mountinfo_open(struct epdma_ctx *ctx)
{
	return epdma_fs_open(ctx, "/proc/self/mountinfo", O_RDONLY, 0);
}

static bool transient(int err)
{
	return err == -EAGAIN || err == -EBUSY || err == -EINTR || err == -ETIMEDOUT;
}

bool epdma_run_retryable(const struct epdma_run *run)
{
	if (run->failed >= 0 && run->outcomes && transient(run->outcomes[run->failed].result))
		return true;
	if (transient(run->error))
		return true;
	/* A controller that is not there yet (late probe) or an EPF driver still registering. */
	for (size_t i = 0; i < run->checks.count; i++) {
		const struct epdma_check *c = &run->checks.items[i];

		if (c->result == EPDMA_CHECK_FAIL &&
		    (!strcmp(c->name, "controller") || !strcmp(c->name, "driver " EPDMA_EPF_VNTB) ||
		     !strcmp(c->name, "driver " EPDMA_EPF_DMA)))
			return true;
	}
	return false;
}
