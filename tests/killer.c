// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A crash at a chosen moment: preloaded before the fake kernel, this counts
 * the calls that change something below EPDMA_FAKE_ROOT (mkdir, rmdir,
 * unlink, symlink, rename, write: the kernel's objects and epdma's own
 * record) and SIGKILLs the process just before or just after the N-th one.
 *
 *   EPDMA_KILL=before:<n> | after:<n>   when to die (unset: never)
 *   EPDMA_KILL_LOG=<file>               append "<n> <call> <path>" per call
 *
 * Used by test-endpoint to crash a run between every kernel call and the
 * ownership record's update, and to check the next run converges.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long calls;
/* Inside an intercepted call: what the fake kernel does meanwhile is the
 * kernel's one operation, not a call of its own. */
static __thread int depth;

/* The absolute path of PATH relative to DIRFD (or the cwd); "" when unknown. */
static void resolve(int dirfd, const char *path, char *out, size_t size)
{
	char link[64], dir[PATH_MAX];
	ssize_t n;

	out[0] = '\0';
	if (!path)
		return;
	if (path[0] == '/') {
		snprintf(out, size, "%s", path);
		return;
	}
	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/self/cwd");
	else
		snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	n = readlink(link, dir, sizeof(dir) - 1);
	if (n < 0)
		return;
	dir[n] = '\0';
	snprintf(out, size, "%s/%s", dir, path);
}

static bool below_root(const char *abs)
{
	const char *root = getenv("EPDMA_FAKE_ROOT");
	size_t len = root ? strlen(root) : 0;

	return len && !strncmp(abs, root, len) && (abs[len] == '/' || !abs[len]);
}

static void die(void)
{
	kill(getpid(), SIGKILL);
	pause();
}

/* Counts the call; returns the kill point ('b' before, 'a' after) when it is this one. */
static int count(const char *call, int dirfd, const char *path)
{
	const char *spec = getenv("EPDMA_KILL"), *log = getenv("EPDMA_KILL_LOG");
	char abs[PATH_MAX + 64];
	unsigned long n;
	char when[8];

	if (depth)
		return 0;
	resolve(dirfd, path, abs, sizeof(abs));
	if (!below_root(abs))
		return 0;
	calls++;
	if (log) {
		FILE *f = fopen(log, "ae");

		if (f) {
			fprintf(f, "%lu %s %s\n", calls, call,
				abs + strlen(getenv("EPDMA_FAKE_ROOT")));
			fclose(f);
		}
	}
	if (!spec || sscanf(spec, "%7[^:]:%lu", when, &n) != 2 || n != calls)
		return 0;
	return when[0];
}

#define NEXT(name) ((__typeof__(name) *)dlsym(RTLD_NEXT, #name))

/* Run CALL between the kill points. */
#define AROUND(call, dirfd, path, expr)                       \
	do {                                                  \
		int when_ = count(call, dirfd, path), saved_; \
		__typeof__(expr) r_;                          \
		if (when_ == 'b')                             \
			die();                                \
		depth++;                                      \
		r_ = (expr);                                  \
		depth--;                                      \
		saved_ = errno;                               \
		if (when_ == 'a')                             \
			die();                                \
		errno = saved_;                               \
		return r_;                                    \
	} while (0)

int mkdir(const char *path, mode_t mode)
{
	AROUND("mkdir", AT_FDCWD, path, NEXT(mkdir)(path, mode));
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	AROUND("mkdir", dirfd, path, NEXT(mkdirat)(dirfd, path, mode));
}

int rmdir(const char *path)
{
	AROUND("rmdir", AT_FDCWD, path, NEXT(rmdir)(path));
}

int unlink(const char *path)
{
	AROUND("unlink", AT_FDCWD, path, NEXT(unlink)(path));
}

int unlinkat(int dirfd, const char *path, int flags)
{
	AROUND("unlink", dirfd, path, NEXT(unlinkat)(dirfd, path, flags));
}

int symlink(const char *target, const char *path)
{
	AROUND("symlink", AT_FDCWD, path, NEXT(symlink)(target, path));
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	AROUND("symlink", dirfd, path, NEXT(symlinkat)(target, dirfd, path));
}

int rename(const char *from, const char *to)
{
	AROUND("rename", AT_FDCWD, to, NEXT(rename)(from, to));
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
	AROUND("rename", tofd, to, NEXT(renameat)(fromfd, from, tofd, to));
}

ssize_t write(int fd, const void *buf, size_t len)
{
	char fdpath[32];

	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	{
		char abs[PATH_MAX];
		ssize_t n = readlink(fdpath, abs, sizeof(abs) - 1);

		if (n < 0)
			return NEXT(write)(fd, buf, len);
		abs[n] = '\0';
		AROUND("write", AT_FDCWD, abs, NEXT(write)(fd, buf, len));
	}
}
