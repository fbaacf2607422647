// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The interposed libc entry points. Each one decides whether the call
 * concerns the fixture tree; if not (or while the fake itself is working,
 * fk_busy) it goes to the next definition (dlsym RTLD_NEXT: libc, or the
 * sanitizer runtime's interceptor chain when that is preloaded first).
 *
 * Module syscalls are always handled while the fake is active: a test must
 * never load or unload a module of the machine it runs on.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>
#include <dirent.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <linux/rtnetlink.h>

#include "fakekernel.h"

/* Not declared by glibc's headers (or only under _FORTIFY_SOURCE). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int init_module(void *image, unsigned long len, const char *params);
int finit_module(int fd, const char *params, int flags);
int delete_module(const char *name, unsigned int flags);
int open64(const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int stat64(const char *path, struct stat64 *buf);
int lstat64(const char *path, struct stat64 *buf);
int fstatat64(int dirfd, const char *path, struct stat64 *buf, int flags);

#define REAL(name)                            \
	static __typeof__(name) *real_##name; \
	if (!real_##name)                     \
	real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

static long real_syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	REAL(syscall);
	return real_syscall(n, a, b, c, d, e, f);
}

static bool active(void)
{
	return !fk_busy && fk_init();
}

static int fail(int r)
{
	errno = -r;
	return -1;
}

/* DIRFD/PATH resolved into BUF, relative to the root; NULL when not below it. */
static const char *root_rel(int dirfd, const char *path, char *buf, size_t size)
{
	if (!path)
		return NULL;
	if (path[0] == '/' && strncmp(path, fk_root(), strlen(fk_root())) != 0)
		return NULL;
	return fk_resolve(dirfd, path, buf, size) == 0 ? fk_rel(buf) : NULL;
}

/* REL (below the root) is a kernel path: sysfs or configfs. */
static const char *kernel_only(const char *rel)
{
	return rel && (strncmp(rel, "sys/", 4) == 0 || strcmp(rel, "sys") == 0) ? rel : NULL;
}

/* The path relative to the root when DIRFD/PATH is a kernel path below it. */
static const char *kernel_rel(int dirfd, const char *path, char *buf, size_t size)
{
	return kernel_only(root_rel(dirfd, path, buf, size));
}

static bool below_root(int dirfd, const char *path)
{
	char buf[PATH_MAX];

	return root_rel(dirfd, path, buf, sizeof(buf)) != NULL;
}

static void touch_pending(int dirfd, const char *path)
{
	if (!active() || !below_root(dirfd, path))
		return;
	fk_busy = 1;
	fk_pending_run();
	fk_busy = 0;
}

/* ---- open ---- */

/* sysfs and configfs have no create and ignore truncation: O_CREAT of a
 * missing file is EACCES, O_TRUNC must not wipe the attribute's value. */
static int open_flags(int dirfd, const char *path, int *flags)
{
	char buf[PATH_MAX];
	const char *rel;
	struct stat st;
	int r = 0;

	if (!active())
		return 0;
	fk_busy = 1;
	/* Resolved once, and again only when due delayed work changed the tree. */
	rel = root_rel(dirfd, path, buf, sizeof(buf));
	if (rel && fk_pending_run())
		rel = root_rel(dirfd, path, buf, sizeof(buf));
	rel = kernel_only(rel);
	if (rel && *flags & O_CREAT) {
		if (stat(buf, &st) < 0)
			r = -EACCES;
		else if (*flags & O_EXCL)
			r = -EEXIST;
	}
	/* kernfs_fop_open(): no write bit, no writing, whoever asks (root included). */
	if (rel && !r && (*flags & O_ACCMODE) != O_RDONLY && stat(buf, &st) == 0 &&
	    S_ISREG(st.st_mode) && !(st.st_mode & 0222))
		r = -EACCES;
	if (rel)
		*flags &= ~(O_TRUNC | O_CREAT | O_EXCL);
	fk_busy = 0;
	return r;
}

static int do_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	REAL(openat);
	int r = open_flags(dirfd, path, &flags);

	if (r < 0)
		return fail(r);
	return real_openat(dirfd, path, flags, mode);
}

static mode_t va_mode(int flags, va_list ap)
{
	if (flags & (O_CREAT | __O_TMPFILE))
		return (mode_t)va_arg(ap, int);
	return 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_mode(flags, ap);
	va_end(ap);
	return do_openat(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_mode(flags, ap);
	va_end(ap);
	return do_openat(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_mode(flags, ap);
	va_end(ap);
	return do_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = va_mode(flags, ap);
	va_end(ap);
	return do_openat(dirfd, path, flags | O_LARGEFILE, mode);
}

int __open_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0);
}

int __open64_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0);
}

int __openat64_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags | O_LARGEFILE, 0);
}

/* ---- write, close ---- */

/* A sysfs attribute holds what the last store wrote (the fixture's file is
 * replaced, not overwritten in place). */
static ssize_t sysfs_store(int fd, const void *buf, size_t count)
{
	REAL(write);
	struct stat st;
	ssize_t r;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd, 0) == 0)
		lseek(fd, 0, SEEK_SET);
	r = real_write(fd, buf, count);
	return r < 0 ? -errno : r;
}

ssize_t write(int fd, const void *buf, size_t count)
{
	REAL(write);
	char path[PATH_MAX], val[4096];
	const char *rel;
	ssize_t r;
	size_t n;

	if (!active() || fk_fd_path(fd, path, sizeof(path)) < 0)
		return real_write(fd, buf, count);
	rel = fk_rel(path);
	if (!rel || strncmp(rel, "sys/", 4) != 0)
		return real_write(fd, buf, count);
	fk_busy = 1;
	fk_lock();
	fk_pending_run();
	n = count < sizeof(val) - 1 ? count : sizeof(val) - 1;
	memcpy(val, buf, n);
	val[n] = '\0';
	if (n && val[n - 1] == '\n')
		val[n - 1] = '\0';
	r = fk_inject("write");
	if (!r) {
		if (strncmp(rel, FK_PCI_EP "/", strlen(FK_PCI_EP) + 1) == 0)
			r = fk_cfs_write(rel, buf, count);
		else if (fk_pci_handles(rel))
			r = fk_pci_write(rel, buf, count);
		else if (fk_param_handles(rel))
			r = fk_param_write(rel, buf, count);
		else
			r = sysfs_store(fd, buf, count);
	}
	fk_oplog("write", rel, val, r < 0 ? (int)r : 0);
	fk_unlock();
	fk_busy = 0;
	return r < 0 ? fail((int)r) : r;
}

/* 0 or the -errno a read of FD fails with: configfs attributes whose show()
 * fails, memory BARs' resourceN (mmap only). */
static int read_check(int fd)
{
	char path[PATH_MAX];
	const char *rel;
	int r = 0;

	if (!active() || fk_fd_path(fd, path, sizeof(path)) < 0)
		return 0;
	rel = fk_rel(path);
	if (!rel || strncmp(rel, "sys/", 4) != 0)
		return 0;
	fk_busy = 1;
	fk_lock();
	if (strncmp(rel, FK_PCI_EP "/", strlen(FK_PCI_EP) + 1) == 0)
		r = fk_epf_read_check(rel);
	else
		r = fk_pci_read_check(rel);
	fk_unlock();
	fk_busy = 0;
	return r;
}

/* Reads are plain file reads, but for the files whose read fails. */
ssize_t read(int fd, void *buf, size_t count)
{
	REAL(read);
	int r = read_check(fd);

	return r < 0 ? fail(r) : real_read(fd, buf, count);
}

ssize_t pread(int fd, void *buf, size_t count, off_t off)
{
	REAL(pread);
	int r = read_check(fd);

	return r < 0 ? fail(r) : real_pread(fd, buf, count, off);
}

ssize_t pread64(int fd, void *buf, size_t count, off64_t off)
{
	REAL(pread64);
	int r = read_check(fd);

	return r < 0 ? fail(r) : real_pread64(fd, buf, count, off);
}

/* mmap of resourceN: refused once a driver claimed the BAR (pci.c). */
static int mmap_check(int fd, size_t len, off_t off)
{
	char path[PATH_MAX];
	const char *rel;
	int r;

	if (fd < 0 || !active() || fk_fd_path(fd, path, sizeof(path)) < 0)
		return 0;
	rel = fk_rel(path);
	if (!rel || strncmp(rel, "sys/", 4) != 0)
		return 0;
	fk_busy = 1;
	fk_lock();
	r = fk_pci_mmap_check(rel, len, off);
	fk_unlock();
	fk_busy = 0;
	return r;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	REAL(mmap);
	int r = mmap_check(fd, len, off);

	if (r < 0) {
		errno = -r;
		return MAP_FAILED;
	}
	return real_mmap(addr, len, prot, flags, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	REAL(mmap64);
	int r = mmap_check(fd, len, off);

	if (r < 0) {
		errno = -r;
		return MAP_FAILED;
	}
	return real_mmap64(addr, len, prot, flags, fd, off);
}

int close(int fd)
{
	REAL(close);
	return real_close(fd);
}

/* ---- directory and link operations ---- */

enum fk_op { OP_MKDIR, OP_RMDIR, OP_UNLINK, OP_SYMLINK };
static const char *const op_names[] = { "mkdir", "rmdir", "unlink", "symlink" };

/* 1 when handled (result in *ret), 0 to pass through. */
static int kernel_op(enum fk_op op, int dirfd, const char *path, const char *target, int *ret)
{
	char buf[PATH_MAX];
	const char *rel;
	int r;

	if (!active())
		return 0;
	fk_busy = 1;
	rel = kernel_rel(dirfd, path, buf, sizeof(buf));
	if (!rel) {
		if (below_root(dirfd, path))
			fk_pending_run();
		fk_busy = 0;
		return 0;
	}
	fk_lock();
	fk_pending_run();
	r = fk_inject(op_names[op]);
	if (!r) {
		bool cfs = strncmp(rel, FK_PCI_EP "/", strlen(FK_PCI_EP) + 1) == 0;

		/* sysfs has no mkdir, rmdir, unlink or symlink for users. */
		if (!cfs)
			r = fk_exists(rel) && op != OP_RMDIR && op != OP_UNLINK ? -EEXIST : -EPERM;
		else if (op == OP_MKDIR)
			r = fk_cfs_mkdir(rel);
		else if (op == OP_RMDIR)
			r = fk_cfs_rmdir(rel);
		else if (op == OP_UNLINK)
			r = fk_cfs_unlink(rel);
		else
			r = fk_cfs_symlink(target, rel);
	}
	fk_oplog(op_names[op], rel, target, r);
	fk_unlock();
	fk_busy = 0;
	*ret = r < 0 ? fail(r) : 0;
	return 1;
}

int mkdir(const char *path, mode_t mode)
{
	REAL(mkdir);
	int r;

	if (kernel_op(OP_MKDIR, AT_FDCWD, path, NULL, &r))
		return r;
	return real_mkdir(path, mode);
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	REAL(mkdirat);
	int r;

	if (kernel_op(OP_MKDIR, dirfd, path, NULL, &r))
		return r;
	return real_mkdirat(dirfd, path, mode);
}

int rmdir(const char *path)
{
	REAL(rmdir);
	int r;

	if (kernel_op(OP_RMDIR, AT_FDCWD, path, NULL, &r))
		return r;
	return real_rmdir(path);
}

int unlink(const char *path)
{
	REAL(unlink);
	int r;

	if (kernel_op(OP_UNLINK, AT_FDCWD, path, NULL, &r))
		return r;
	return real_unlink(path);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	REAL(unlinkat);
	int r;

	if (kernel_op(flags & AT_REMOVEDIR ? OP_RMDIR : OP_UNLINK, dirfd, path, NULL, &r))
		return r;
	return real_unlinkat(dirfd, path, flags);
}

int symlink(const char *target, const char *path)
{
	REAL(symlink);
	int r;

	if (kernel_op(OP_SYMLINK, AT_FDCWD, path, target, &r))
		return r;
	return real_symlink(target, path);
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	REAL(symlinkat);
	int r;

	if (kernel_op(OP_SYMLINK, dirfd, path, target, &r))
		return r;
	return real_symlinkat(target, dirfd, path);
}

/* ---- mount and modules ---- */

static int do_mount(const char *source, const char *target, const char *fstype, int *ret)
{
	char buf[PATH_MAX];
	const char *rel;
	int r;

	if (!active() || !target || fk_resolve(AT_FDCWD, target, buf, sizeof(buf)) < 0)
		return 0;
	rel = fk_rel(buf);
	if (!rel)
		return 0;
	fk_busy = 1;
	fk_lock();
	r = fk_inject("mount");
	if (!r)
		r = fk_mount(source, buf, fstype);
	fk_oplog("mount", rel, fstype ? fstype : "", r);
	fk_unlock();
	fk_busy = 0;
	*ret = r < 0 ? fail(r) : 0;
	return 1;
}

int mount(const char *source, const char *target, const char *fstype, unsigned long flags,
	  const void *data)
{
	REAL(mount);
	int r;

	if (do_mount(source, target, fstype, &r))
		return r;
	return real_mount(source, target, fstype, flags, data);
}

/* ---- rtnetlink: the real kernel's (the tests run in a private network namespace) ---- */

static bool is_rtnetlink(int fd)
{
	int domain = 0, proto = 0;
	socklen_t len = sizeof(int);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_NETLINK)
		return false;
	len = sizeof(int);
	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 && proto == NETLINK_ROUTE;
}

/* fail=rtm_getaddr:<n>:<E>: the n-th address dump request is refused with E. */
static int rtnl_check(int fd, const struct msghdr *msg)
{
	const struct nlmsghdr *nh;
	int r;

	if (!active() || !msg || msg->msg_iovlen < 1 ||
	    msg->msg_iov[0].iov_len < sizeof(struct nlmsghdr) || !is_rtnetlink(fd))
		return 0;
	nh = msg->msg_iov[0].iov_base;
	if (nh->nlmsg_type != RTM_GETADDR)
		return 0;
	fk_busy = 1;
	fk_lock();
	r = fk_inject("rtm_getaddr");
	fk_oplog("rtm_getaddr", "dump", NULL, r);
	fk_unlock();
	fk_busy = 0;
	return r;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	REAL(sendmsg);
	int r = rtnl_check(fd, msg);

	return r < 0 ? fail(r) : real_sendmsg(fd, msg, flags);
}

static int module_call(int which, long a, long b, long c)
{
	static const char *const names[] = { "init_module", "finit_module", "delete_module" };
	int r;

	fk_busy = 1;
	fk_lock();
	r = fk_inject(names[which]);
	if (which == 0)
		r = fk_init_module((const void *)a, (unsigned long)b, (const char *)c, r);
	else if (which == 1)
		r = fk_finit_module((int)a, (const char *)b, (int)c, r);
	else
		r = fk_delete_module((const char *)a, (unsigned int)b, r);
	fk_unlock();
	fk_busy = 0;
	return r < 0 ? fail(r) : 0;
}

int init_module(void *image, unsigned long len, const char *params)
{
	if (!active())
		return (int)real_syscall6(SYS_init_module, (long)image, (long)len, (long)params, 0,
					  0, 0);
	return module_call(0, (long)image, (long)len, (long)params);
}

int finit_module(int fd, const char *params, int flags)
{
	if (!active())
		return (int)real_syscall6(SYS_finit_module, fd, (long)params, flags, 0, 0, 0);
	return module_call(1, fd, (long)params, flags);
}

int delete_module(const char *name, unsigned int flags)
{
	if (!active())
		return (int)real_syscall6(SYS_delete_module, (long)name, flags, 0, 0, 0, 0);
	return module_call(2, (long)name, flags, 0);
}

long syscall(long n, ...)
{
	long a[6];
	va_list ap;
	int r;

	va_start(ap, n);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (active()) {
		switch (n) {
		case SYS_init_module:
			return module_call(0, a[0], a[1], a[2]);
		case SYS_finit_module:
			return module_call(1, a[0], a[1], a[2]);
		case SYS_delete_module:
			return module_call(2, a[0], a[1], 0);
		case SYS_openat2: {
			/* libepdma reads through openat2(RESOLVE_IN_ROOT): "/x" is below dirfd. */
			const struct open_how *how = (const struct open_how *)a[2];
			const char *path = (const char *)a[1];

			if (path && how && (how->resolve & RESOLVE_IN_ROOT) && path[0] == '/')
				while (path[0] == '/')
					path++;
			touch_pending((int)a[0], path && *path ? path : ".");
			break;
		}
		case SYS_mount:
			if (do_mount((const char *)a[0], (const char *)a[1], (const char *)a[2],
				     &r))
				return r;
			break;
		default:
			break;
		}
	}
	return real_syscall6(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ---- lookups: they only let due delayed work happen (old generation) ---- */

int stat(const char *path, struct stat *buf)
{
	REAL(stat);
	touch_pending(AT_FDCWD, path);
	return real_stat(path, buf);
}

int lstat(const char *path, struct stat *buf)
{
	REAL(lstat);
	touch_pending(AT_FDCWD, path);
	return real_lstat(path, buf);
}

int fstatat(int dirfd, const char *path, struct stat *buf, int flags)
{
	REAL(fstatat);
	touch_pending(dirfd, path);
	return real_fstatat(dirfd, path, buf, flags);
}

int stat64(const char *path, struct stat64 *buf)
{
	REAL(stat64);
	touch_pending(AT_FDCWD, path);
	return real_stat64(path, buf);
}

int lstat64(const char *path, struct stat64 *buf)
{
	REAL(lstat64);
	touch_pending(AT_FDCWD, path);
	return real_lstat64(path, buf);
}

int fstatat64(int dirfd, const char *path, struct stat64 *buf, int flags)
{
	REAL(fstatat64);
	touch_pending(dirfd, path);
	return real_fstatat64(dirfd, path, buf, flags);
}

int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf)
{
	REAL(statx);
	touch_pending(dirfd, path);
	return real_statx(dirfd, path, flags, mask, buf);
}

int access(const char *path, int mode)
{
	REAL(access);
	touch_pending(AT_FDCWD, path);
	return real_access(path, mode);
}

int faccessat(int dirfd, const char *path, int mode, int flags)
{
	REAL(faccessat);
	touch_pending(dirfd, path);
	return real_faccessat(dirfd, path, mode, flags);
}

DIR *opendir(const char *path)
{
	REAL(opendir);
	touch_pending(AT_FDCWD, path);
	return real_opendir(path);
}
