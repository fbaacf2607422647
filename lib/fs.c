// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rooted I/O: the one module that touches kernel-facing files. Every path is
 * written as on the target system and resolved below the context's root fd,
 * so a fixture tree (--root) and the real system run the same code.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

const char *epdma_fs_rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

char *epdma_fs_path(const struct epdma_ctx *ctx, const char *path)
{
	const char *rel = epdma_fs_rel(path);

	if (!epdma_ctx_is_rooted(ctx))
		return epdma_strdup_printf("/%s", strcmp(rel, ".") ? rel : "");
	if (!strcmp(rel, "."))
		return strdup(ctx->root);
	return epdma_strdup_printf("%s/%s", ctx->root, rel);
}

/*
 * Reads resolve symlinks inside the root (RESOLVE_IN_ROOT), so an absolute
 * link in a copied tree (/proc/device-tree) cannot lead out of it. Writes go
 * to kernel attributes whose paths hold no links; they use plain openat().
 * A lookup through ".." under RESOLVE_IN_ROOT fails with EAGAIN when any
 * rename or mount happens on the system meanwhile: the kernel asks for a retry.
 */
int epdma_fs_open(struct epdma_ctx *ctx, const char *path, int flags, mode_t mode)
{
	const char *rel = epdma_fs_rel(path);
	int fd = -1;

	flags |= O_CLOEXEC;
	if ((flags & O_ACCMODE) == O_RDONLY && !(flags & O_CREAT) && epdma_ctx_is_rooted(ctx)) {
		struct open_how how = {
			.flags = (uint64_t)flags,
			.resolve = RESOLVE_IN_ROOT,
		};
		for (int tries = 0; tries < 1000; tries++) {
			fd = (int)syscall(SYS_openat2, ctx->root_fd, rel, &how, sizeof(how));
			if (fd >= 0 || errno != EAGAIN)
				break;
		}
		if (fd >= 0 || errno != ENOSYS)
			return fd >= 0 ? fd : -errno;
	}
	fd = openat(ctx->root_fd, rel, flags, mode);
	return fd >= 0 ? fd : -errno;
}

bool epdma_fs_exists(struct epdma_ctx *ctx, const char *path)
{
	struct stat st;

	return fstatat(ctx->root_fd, epdma_fs_rel(path), &st, 0) == 0;
}

bool epdma_fs_is_dir(struct epdma_ctx *ctx, const char *path)
{
	struct stat st;

	return fstatat(ctx->root_fd, epdma_fs_rel(path), &st, 0) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Below one page, a read that returns less than it asked for has reached the
 * end, and no second read(2) is spent to see 0: a configfs attribute hands
 * over all of show()'s page at once (fs/configfs/file.c:96), a sysfs text
 * attribute its one seq_file record (fs/seq_file.c:255), a sysfs binary
 * attribute (a device-tree property) up to a page per call
 * (fs/kernfs/file.c:242), and a regular file (the fixture trees, /run) is
 * short only at its end.
 */
#define FS_SHORT_READ_IS_END 4096

static ssize_t read_fd(int fd, void *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		size_t asked = size - done;
		ssize_t n = read(fd, (char *)buf + done, asked);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += (size_t)n;
		if ((size_t)n < asked && n < FS_SHORT_READ_IS_END)
			break;
	}
	return (ssize_t)done;
}

ssize_t epdma_fs_read_raw(struct epdma_ctx *ctx, const char *path, void *buf, size_t size)
{
	_cleanup_close_ int fd = epdma_fs_open(ctx, path, O_RDONLY, 0);

	if (fd < 0)
		return fd;
	return read_fd(fd, buf, size);
}

/* BUF of N bytes read: NUL-terminated, one trailing newline removed. */
static ssize_t text_of(char *buf, ssize_t n)
{
	if (n < 0)
		return n;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

/*
 * NAME in the directory open at DFD (from epdma_fs_list_files_dirs_at()):
 * one lookup instead of the whole path's, which is most of what opening a
 * configfs attribute costs. NAME is an entry the listing gave as a regular
 * file; O_NOFOLLOW keeps it one, below the root as its directory is.
 */
ssize_t epdma_fs_read_at(struct epdma_ctx *ctx, int dfd, const char *dir, const char *name,
			 char *buf, size_t size)
{
	_cleanup_close_ int fd = -1;

	if (size == 0)
		return -EINVAL;
	if (dfd < 0) {
		char path[768];

		if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		return epdma_fs_read(ctx, path, buf, size);
	}
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	return text_of(buf, read_fd(fd, buf, size - 1));
}

ssize_t epdma_fs_read(struct epdma_ctx *ctx, const char *path, char *buf, size_t size)
{
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	n = epdma_fs_read_raw(ctx, path, buf, size - 1);
	return text_of(buf, n);
}

int epdma_fs_read_u64(struct epdma_ctx *ctx, const char *path, uint64_t *value)
{
	char buf[64];
	ssize_t n = epdma_fs_read(ctx, path, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return epdma_parse_u64(buf, value);
}

int epdma_fs_write(struct epdma_ctx *ctx, const char *path, const char *value)
{
	_cleanup_close_ int fd = epdma_fs_open(ctx, path, O_WRONLY | O_TRUNC, 0);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return fd;
	/* One write(2) of the whole value: configfs and sysfs parse each write on its own. */
	n = write(fd, value, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int epdma_fs_mkdir(struct epdma_ctx *ctx, const char *path, mode_t mode)
{
	return mkdirat(ctx->root_fd, epdma_fs_rel(path), mode) < 0 ? -errno : 0;
}

int epdma_fs_mkdir_p(struct epdma_ctx *ctx, const char *path, mode_t mode)
{
	_cleanup_free_ char *p = strdup(epdma_fs_rel(path));
	char *s;

	if (!p)
		return -ENOMEM;
	for (s = strchr(p, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdirat(ctx->root_fd, p, mode) < 0 && errno != EEXIST)
			return -errno;
		if (!s)
			return 0;
		*s = '/';
	}
}

int epdma_fs_rmdir(struct epdma_ctx *ctx, const char *path)
{
	return unlinkat(ctx->root_fd, epdma_fs_rel(path), AT_REMOVEDIR) < 0 ? -errno : 0;
}

int epdma_fs_unlink(struct epdma_ctx *ctx, const char *path)
{
	return unlinkat(ctx->root_fd, epdma_fs_rel(path), 0) < 0 ? -errno : 0;
}

/*
 * configfs resolves the target itself (relative to the caller's cwd), so the
 * target is handed over as an absolute path below the root.
 */
int epdma_fs_symlink(struct epdma_ctx *ctx, const char *target, const char *linkpath)
{
	_cleanup_free_ char *abs = epdma_fs_path(ctx, target);

	if (!abs)
		return -ENOMEM;
	return symlinkat(abs, ctx->root_fd, epdma_fs_rel(linkpath)) < 0 ? -errno : 0;
}

ssize_t epdma_fs_readlink(struct epdma_ctx *ctx, const char *path, char *buf, size_t size)
{
	ssize_t n;

	if (size == 0)
		return -EINVAL;
	n = readlinkat(ctx->root_fd, epdma_fs_rel(path), buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

int epdma_fs_link_basename(struct epdma_ctx *ctx, const char *path, char *buf, size_t size)
{
	char target[PATH_MAX];
	ssize_t n = epdma_fs_readlink(ctx, path, target, sizeof(target));
	const char *base;

	if (n < 0)
		return (int)n;
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int epdma_fs_mount(struct epdma_ctx *ctx, const char *source, const char *target,
		   const char *fstype, unsigned long flags)
{
	_cleanup_free_ char *abs = epdma_fs_path(ctx, target);

	if (!abs)
		return -ENOMEM;
	return mount(source, abs, fstype, flags, NULL) < 0 ? -errno : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entry's type from readdir, or from fstatat() where the file system gives none. */
static unsigned char entry_type(DIR *d, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type;
	if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode)   ? DT_DIR
	       : S_ISLNK(st.st_mode) ? DT_LNK
	       : S_ISREG(st.st_mode) ? DT_REG
				     : DT_UNKNOWN;
}

/* Append a copy of NAME to the NULL-terminated *V of *N names. */
static int strv_push(char ***v, size_t *n, const char *name)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(name);
	if (!nv[*n])
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

/* Sorted and NULL-terminated, also when empty (then it can fail: -ENOMEM). */
static int strv_finish(char **v, size_t n, char ***names)
{
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	return 0;
}

/*
 * One pass over PATH: entries of TYPE into NAMES (DT_UNKNOWN: all of them;
 * DT_LNK: also those whose type cannot be told)
 * and, when DIRS is given, the directories into DIRS. The count in NAMES.
 */
static int list_entries(struct epdma_ctx *ctx, const char *path, unsigned char type, char ***names,
			char ***dirs, int *keep)
{
	int fd = epdma_fs_open(ctx, path, O_RDONLY | O_DIRECTORY, 0);
	char **v = NULL, **dv = NULL;
	size_t n = 0, dn = 0;
	struct dirent *de;
	int r = 0;
	DIR *d;

	if (fd < 0)
		return fd;
	if (keep) {
		/* The caller's own descriptor of the directory (closedir() takes FD). */
		*keep = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (*keep < 0) {
			r = -errno;
			close(fd);
			return r;
		}
	}
	d = fdopendir(fd);
	if (!d) {
		r = -errno;
		close(fd);
		if (keep) {
			close(*keep);
			*keep = -1;
		}
		return r;
	}
	while (r == 0 && (de = readdir(d))) {
		unsigned char t;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		t = type != DT_UNKNOWN || dirs ? entry_type(d, de) : DT_UNKNOWN;
		if (type == DT_UNKNOWN || t == type || (type == DT_LNK && t == DT_UNKNOWN))
			r = strv_push(&v, &n, de->d_name);
		if (r == 0 && dirs && t == DT_DIR)
			r = strv_push(&dv, &dn, de->d_name);
	}
	closedir(d);
	if (r == 0 && (r = strv_finish(v, n, names)) == 0)
		v = NULL;
	if (r == 0 && dirs) {
		r = strv_finish(dv, dn, dirs);
		if (r == 0)
			dv = NULL;
		else
			epdma_strv_free(*names);
	}
	epdma_strv_free(v);
	epdma_strv_free(dv);
	if (r < 0 && keep) {
		close(*keep);
		*keep = -1;
	}
	return r < 0 ? r : (int)n;
}

int epdma_fs_list(struct epdma_ctx *ctx, const char *path, char ***names)
{
	return list_entries(ctx, path, DT_UNKNOWN, names, NULL, NULL);
}

/* configfs and sysfs give every entry's type in readdir: no stat per entry. */
int epdma_fs_list_files(struct epdma_ctx *ctx, const char *path, char ***names)
{
	return list_entries(ctx, path, DT_REG, names, NULL, NULL);
}

int epdma_fs_list_links(struct epdma_ctx *ctx, const char *path, char ***names)
{
	return list_entries(ctx, path, DT_LNK, names, NULL, NULL);
}

int epdma_fs_list_files_dirs(struct epdma_ctx *ctx, const char *path, char ***files, char ***dirs)
{
	return list_entries(ctx, path, DT_REG, files, dirs, NULL);
}

int epdma_fs_list_files_dirs_at(struct epdma_ctx *ctx, const char *path, char ***files,
				char ***dirs, int *dfd)
{
	*dfd = -1;
	return list_entries(ctx, path, DT_REG, files, dirs, dfd);
}

void epdma_strv_free(char **strv)
{
	if (!strv)
		return;
	for (char **s = strv; *s; s++)
		free(*s);
	free(strv);
}

size_t epdma_strv_length(char *const *strv)
{
	size_t n = 0;

	while (strv && strv[n])
		n++;
	return n;
}
