// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libbenchcount.so: preloaded in front of the fake kernel, it logs every
 * file call the program itself makes (the fake kernel's own housekeeping
 * goes from the fake kernel straight to libc and is not seen), one line per
 * call into $EPDMA_COUNT_OUT:
 *
 *   <call> <path>          (the path below EPDMA_FAKE_ROOT, fds resolved)
 *
 * tests/bench/syscalls sums them by path class. Only the calls lib/ makes
 * are wrapped; fopen()/readdir() stay inside libc and are counted as the
 * open/fdopendir that start them.
 *
 * With $EPDMA_COUNT_TIME set, the time spent inside the outermost wrapped
 * calls (the fake kernel's work and the cable's processes happen inside
 * them) goes to that file at exit as "<ns> <calls>": tests/bench/daemon takes
 * it from a run's wall time to give what the program itself spent.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_FD 4096

static char *fd_path[MAX_FD];
/* Return address of the wrapper being run: who made the call. */
static _Thread_local void *caller;
static FILE *out;
static const char *root;
static size_t root_len;
/* EPDMA_COUNT_TIME: nanoseconds inside the outermost wrapped calls, and their number. */
static const char *time_path;
static _Thread_local int depth;
static unsigned long long inside_ns, inside_calls;

#define NEXT(name)                            \
	static __typeof__(name) *next;        \
	caller = __builtin_return_address(0); \
	if (!next)                            \
	next = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

__attribute__((constructor)) static void count_init(void)
{
	const char *path = getenv("EPDMA_COUNT_OUT");

	root = getenv("EPDMA_FAKE_ROOT");
	root_len = root ? strlen(root) : 0;
	time_path = getenv("EPDMA_COUNT_TIME");
	if (path) {
		int fd = (int)syscall(SYS_openat, AT_FDCWD, path,
				      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

		out = fd >= 0 ? fdopen(fd, "a") : NULL;
	}
}

__attribute__((destructor)) static void count_fini(void)
{
	if (out)
		fflush(out);
	if (time_path) {
		char line[64];
		int fd = (int)syscall(SYS_openat, AT_FDCWD, time_path,
				      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int n = snprintf(line, sizeof(line), "%llu %llu\n", inside_ns, inside_calls);

		if (fd >= 0) {
			(void)!syscall(SYS_write, fd, line, (size_t)n);
			syscall(SYS_close, fd);
		}
	}
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* DIRFD/PATH as an absolute path (as far as this shim knows DIRFD). */
static void resolve(int dirfd, const char *path, char *buf, size_t size)
{
	const char *base = dirfd >= 0 && dirfd < MAX_FD ? fd_path[dirfd] : NULL;

	if (!path || path[0] == '/' || !base)
		snprintf(buf, size, "%s", path ? path : "?");
	else if (!path[0])
		snprintf(buf, size, "%s", base);
	else
		snprintf(buf, size, "%s/%s", base, path);
}

/* Call the next definition; keep who called us across the calls it makes, and
 * time it when it is the outermost (what a nested call costs is inside it). */
#define CALL(expr)                                                    \
	({                                                            \
		void *saved_ = caller;                                \
		unsigned long long t_ = depth++ == 0 ? mono_ns() : 0; \
		__typeof__(expr) r_ = (expr);                         \
		if (--depth == 0) {                                   \
			inside_ns += mono_ns() - t_;                  \
			inside_calls++;                               \
		}                                                     \
		caller = saved_;                                      \
		r_;                                                   \
	})

/* The fake kernel's own calls through the PLT: not the program's. */
static bool from_fake_kernel(void *who)
{
	Dl_info info;

	return dladdr(who, &info) && info.dli_fname && strstr(info.dli_fname, "libfakekernel");
}

static void record(const char *call, const char *abs)
{
	if (!out || from_fake_kernel(caller))
		return;
	if (root_len && !strncmp(abs, root, root_len) && (!abs[root_len] || abs[root_len] == '/'))
		abs += root_len;
	fprintf(out, "%s %s\n", call, abs[0] ? abs : "/");
}

static void record_at(const char *call, int dirfd, const char *path)
{
	char abs[4096];

	resolve(dirfd, path, abs, sizeof(abs));
	record(call, abs);
}

static void record_fd(const char *call, int fd)
{
	record(call, fd >= 0 && fd < MAX_FD && fd_path[fd] ? fd_path[fd] : "?fd");
}

static void remember(int fd, int dirfd, const char *path)
{
	char abs[4096];

	if (fd < 0 || fd >= MAX_FD)
		return;
	resolve(dirfd, path, abs, sizeof(abs));
	free(fd_path[fd]);
	fd_path[fd] = strdup(abs);
}

static int opened(const char *call, int fd, int dirfd, const char *path)
{
	record_at(call, dirfd, path);
	remember(fd, dirfd, path);
	return fd;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	NEXT(open);
	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	return opened("open", CALL(next(path, flags, mode)), AT_FDCWD, path);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	NEXT(openat);
	va_start(ap, flags);
	mode = va_arg(ap, mode_t);
	va_end(ap);
	return opened("open", CALL(next(dirfd, path, flags, mode)), dirfd, path);
}

FILE *fopen(const char *path, const char *mode)
{
	FILE *f;

	NEXT(fopen);
	f = CALL(next(path, mode));
	opened("open", f ? fileno(f) : -1, AT_FDCWD, path);
	return f;
}

ssize_t read(int fd, void *buf, size_t count)
{
	NEXT(read);
	record_fd("read", fd);
	return CALL(next(fd, buf, count));
}

ssize_t pread(int fd, void *buf, size_t count, off_t off)
{
	NEXT(pread);
	record_fd("read", fd);
	return CALL(next(fd, buf, count, off));
}

ssize_t write(int fd, const void *buf, size_t count)
{
	NEXT(write);
	record_fd("write", fd);
	return CALL(next(fd, buf, count));
}

int close(int fd)
{
	NEXT(close);
	record_fd("close", fd);
	if (fd >= 0 && fd < MAX_FD) {
		free(fd_path[fd]);
		fd_path[fd] = NULL;
	}
	return CALL(next(fd));
}

int fstat(int fd, struct stat *st)
{
	NEXT(fstat);
	record_fd("stat", fd);
	return CALL(next(fd, st));
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	NEXT(fstatat);
	record_at("stat", dirfd, path);
	return CALL(next(dirfd, path, st, flags));
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	NEXT(mkdirat);
	record_at("mkdir", dirfd, path);
	return CALL(next(dirfd, path, mode));
}

int unlinkat(int dirfd, const char *path, int flags)
{
	NEXT(unlinkat);
	record_at(flags & AT_REMOVEDIR ? "rmdir" : "unlink", dirfd, path);
	return CALL(next(dirfd, path, flags));
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	NEXT(symlinkat);
	record_at("symlink", dirfd, path);
	return CALL(next(target, dirfd, path));
}

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	NEXT(readlinkat);
	record_at("readlink", dirfd, path);
	return CALL(next(dirfd, path, buf, size));
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	NEXT(renameat);
	record_at("rename", newdirfd, newpath);
	return CALL(next(olddirfd, oldpath, newdirfd, newpath));
}

DIR *fdopendir(int fd)
{
	NEXT(fdopendir);
	record_fd("list", fd);
	return CALL(next(fd));
}

int fsync(int fd)
{
	NEXT(fsync);
	record_fd("fsync", fd);
	return CALL(next(fd));
}

int ftruncate(int fd, off_t len)
{
	NEXT(ftruncate);
	record_fd("truncate", fd);
	return CALL(next(fd, len));
}

int flock(int fd, int op)
{
	NEXT(flock);
	record_fd("flock", fd);
	return CALL(next(fd, op));
}

int mount(const char *source, const char *target, const char *fstype, unsigned long flags,
	  const void *data)
{
	NEXT(mount);
	record_at("mount", AT_FDCWD, target);
	return CALL(next(source, target, fstype, flags, data));
}

/* Timed, not logged: what the fake kernel also answers (the table stays as it was). */
int init_module(void *image, unsigned long len, const char *params);
int delete_module(const char *name, unsigned int flags);

int init_module(void *image, unsigned long len, const char *params)
{
	NEXT(init_module);
	return CALL(next(image, len, params));
}

int delete_module(const char *name, unsigned int flags)
{
	NEXT(delete_module);
	return CALL(next(name, flags));
}

int stat(const char *path, struct stat *st)
{
	NEXT(stat);
	return CALL(next(path, st));
}

int lstat(const char *path, struct stat *st)
{
	NEXT(lstat);
	return CALL(next(path, st));
}

int access(const char *path, int mode)
{
	NEXT(access);
	return CALL(next(path, mode));
}

/* lib/fs.c opens kernel paths with openat2(2) through syscall(). */
long syscall(long n, ...)
{
	long a[6];
	va_list ap;
	long r;

	NEXT(syscall);
	va_start(ap, n);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	r = CALL(next(n, a[0], a[1], a[2], a[3], a[4], a[5]));
	if (n == SYS_openat2)
		opened("open", (int)r, (int)a[0], (const char *)a[1]);
	return r;
}
