// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One lock for every mutating run, CLI and daemon alike: flock on
 * /run/epdma/lock. Runs take it themselves, and only once they know they
 * will write: a run that is refused, or finds nothing to do, writes nothing,
 * not even the lock file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The lock file still names FD's inode: nobody replaced it while we waited. */
static bool still_linked(struct epdma_ctx *ctx, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 &&
	       fstatat(epdma_ctx_root_fd(ctx), epdma_fs_rel(EPDMA_LOCK_PATH), &b, 0) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* *MADE: this call created the file (and /run/epdma, when it did). */
static int open_lock(struct epdma_ctx *ctx, bool create, unsigned int *made)
{
	int fd, r;

	fd = epdma_fs_open(ctx, EPDMA_LOCK_PATH, O_RDWR | O_CLOEXEC, 0);
	if (fd != -ENOENT || !create)
		return fd;
	if (!epdma_fs_is_dir(ctx, "/run/epdma")) {
		r = epdma_fs_mkdir_p(ctx, "/run/epdma", 0755);
		if (r < 0)
			return r;
		*made |= EPDMA_LOCK_MADE_DIR;
	}
	fd = epdma_fs_open(ctx, EPDMA_LOCK_PATH, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -EEXIST) /* another run made it meanwhile */
		return epdma_fs_open(ctx, EPDMA_LOCK_PATH, O_RDWR | O_CLOEXEC, 0);
	if (fd >= 0)
		*made |= EPDMA_LOCK_MADE_FILE;
	return fd;
}

/* flock FD, waiting until DEADLINE; 0, 1 when the kernel has no file locking, or -errno. */
static int wait_lock(struct epdma_ctx *ctx, int fd, long deadline)
{
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == ENOSYS) {
			/* A kernel without CONFIG_FILE_LOCKING (tiny embedded configs). */
			epdma_warn(ctx,
				   "%s: this kernel has no file locking; concurrent epdma "
				   "runs are not serialised",
				   EPDMA_LOCK_PATH);
			return 1;
		}
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		usleep(50 * 1000);
	}
	return 0;
}

static pid_t read_holder(int fd)
{
	char pid[32];
	ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

	pid[n > 0 ? n : 0] = '\0';
	return (pid_t)atoi(pid);
}

int epdma_lock_open(struct epdma_ctx *ctx, bool create, unsigned int timeout_ms, pid_t *holder,
		    unsigned int *made)
{
	long deadline = now_ms() + (long)timeout_ms;
	char pid[32];
	int fd, r;

	*holder = 0;
	*made = 0;
	for (;;) {
		fd = open_lock(ctx, create, made);
		if (fd < 0)
			return fd;
		r = wait_lock(ctx, fd, deadline);
		if (r == -ETIMEDOUT)
			*holder = read_holder(fd);
		if (r < 0) {
			close(fd);
			return r;
		}
		if (r == 1 || still_linked(ctx, fd))
			break;
		close(fd); /* replaced while we waited: lock the file that is there now */
	}
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0)
		epdma_warn(ctx, "%s: cannot record our pid: %m", EPDMA_LOCK_PATH);
	return fd;
}

int epdma_lock(struct epdma_ctx *ctx, unsigned int timeout_ms, pid_t *holder)
{
	unsigned int made;

	return epdma_lock_open(ctx, true, timeout_ms, holder, &made);
}

int epdma_run_lock(struct epdma_ctx *ctx, struct epdma_run *run, unsigned int *made)
{
	unsigned int ms = ctx->lock_timeout_ms;
	pid_t holder;
	int fd = epdma_lock_open(ctx, true, ms, &holder, made);

	if (fd == -ETIMEDOUT) {
		/* Whole seconds when they are exact: "300 ms" must not read "0 s". */
		epdma_errors_add(&run->errors, EPDMA_LOCK_PATH, 0, NULL,
				 "another epdma run (pid %d) holds the lock; gave up after %u %s",
				 (int)holder, ms % 1000 ? ms : ms / 1000, ms % 1000 ? "ms" : "s");
		run->errors.items[run->errors.count - 1].reason = EPDMA_REASON_LOCKED;
	} else if (fd < 0) {
		epdma_errors_add(&run->errors, EPDMA_LOCK_PATH, 0, NULL, "cannot lock: %s",
				 strerror(-fd));
	}
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

/*
 * A run that wrote nothing leaves nothing, not even the lock file it made:
 * while still holding the lock, remove the file (and /run/epdma, when it made
 * it and it is empty). A run waiting on the removed file sees that it is no
 * longer linked and takes the lock on the new one (epdma_lock_open()).
 */
void epdma_run_unlock(struct epdma_ctx *ctx, int fd, unsigned int made, bool wrote)
{
	if (fd < 0)
		return;
	if ((made & EPDMA_LOCK_MADE_FILE) && !wrote) {
		epdma_fs_unlink(ctx, EPDMA_LOCK_PATH);
		if (made & EPDMA_LOCK_MADE_DIR)
			epdma_fs_rmdir(ctx, "/run/epdma");
	}
	close(fd);
}
