// SPDX-License-Identifier: GPL-2.0-or-later
/* One lock for every mutating run, CLI and daemon alike: flock on /run/epdma/lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define LOCK_PATH "/run/epdma/lock"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Returns the locked fd; -ETIMEDOUT with *holder set to the holder's pid (0 unknown). */
int epdma_lock(struct epdma_ctx *ctx, unsigned int timeout_ms, pid_t *holder)
{
	long deadline = now_ms() + (long)timeout_ms;
	char pid[32];
	int fd, r;

	*holder = 0;
	r = epdma_fs_mkdir_p(ctx, "/run/epdma", 0755);
	if (r < 0)
		return r;
	fd = epdma_fs_open(ctx, LOCK_PATH, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		return fd;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == ENOSYS) {
			/* A kernel without CONFIG_FILE_LOCKING (tiny embedded configs). */
			epdma_warn(ctx,
				   "%s: this kernel has no file locking; concurrent epdma "
				   "runs are not serialised",
				   LOCK_PATH);
			break;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			r = -errno;
			close(fd);
			return r;
		}
		if (now_ms() >= deadline) {
			ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

			pid[n > 0 ? n : 0] = '\0';
			*holder = (pid_t)atoi(pid);
			close(fd);
			return -ETIMEDOUT;
		}
		usleep(50 * 1000);
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		epdma_warn(ctx, "%s: cannot record our pid: %m", LOCK_PATH);
	return fd;
}

void epdma_unlock(int fd)
{
	if (fd < 0)
		return;
	/* Clear the holder's pid; close() releases the lock even if that fails. */
	(void)!ftruncate(fd, 0);
	close(fd);
}
