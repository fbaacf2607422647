// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fake kernel core: environment, path resolution, the state directory
 * (config, state, oplog, lock), failure injection and the kernel log.
 * Nothing here is cached across calls except the root and state paths:
 * several processes (one test runs epdmactl many times) must see one kernel.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fakekernel.h"

int fk_busy;

static char root[PATH_MAX];
static size_t root_len;
static char statedir[PATH_MAX];
static int init_state; /* 0 unknown, 1 active, -1 inactive */
static int lock_fd = -1;
static int lock_depth;

bool fk_init(void)
{
	const char *r, *s;

	if (init_state)
		return init_state > 0;
	init_state = -1;
	r = getenv("EPDMA_FAKE_ROOT");
	s = getenv("EPDMA_FAKE_STATE");
	if (!r || !*r || !s || !*s)
		return false;
	if (!realpath(r, root))
		return false;
	root_len = strlen(root);
	if (root_len == 1) /* "/" as a fixture root would capture the machine */
		return false;
	snprintf(statedir, sizeof(statedir), "%s", s);
	init_state = 1;
	return true;
}

const char *fk_root(void)
{
	return root;
}

const char *fk_rel(const char *abs)
{
	if (strncmp(abs, root, root_len) != 0)
		return NULL;
	if (abs[root_len] == '\0')
		return abs + root_len;
	if (abs[root_len] != '/')
		return NULL;
	return abs + root_len + 1;
}

int fk_fd_path(int fd, char *out, size_t size)
{
	char proc[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, out, size - 1);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return 0;
}

/*
 * realpath(3) in three system calls: the kernel walks PATH once (open with
 * O_PATH) and /proc/self/fd names what it found, where realpath(3) takes a
 * readlink(2) for every component from "/" (the fake kernel resolves every
 * path it is handed, so that was most of its system calls). Its own calls go
 * straight to libc (fk_busy). Without /proc, realpath(3).
 */
char *fk_realpath(const char *path, char *out)
{
	int busy = fk_busy, fd, err;
	char proc[64];
	ssize_t n;

	fk_busy = 1;
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		fk_busy = busy;
		return NULL;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, out, PATH_MAX - 1);
	err = errno;
	close(fd);
	fk_busy = busy;
	if (n < 0 || out[0] != '/') {
		errno = err;
		return realpath(path, out);
	}
	out[n] = '\0';
	return out;
}

/* Lexically join BASE and PATH, dropping "." and empty components. */
static int join(const char *base, const char *path, char *out, size_t size)
{
	char tmp[PATH_MAX * 2];
	char *save, *tok;
	size_t len = 0;

	if (path[0] == '/')
		snprintf(tmp, sizeof(tmp), "%s", path);
	else
		snprintf(tmp, sizeof(tmp), "%s/%s", base, path);
	out[0] = '\0';
	for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (len + strlen(tok) + 2 > size)
			return -ENAMETOOLONG;
		out[len++] = '/';
		strcpy(out + len, tok);
		len += strlen(tok);
	}
	if (!len)
		snprintf(out, size, "/");
	return 0;
}

int fk_resolve(int dirfd, const char *path, char *out, size_t size)
{
	char base[PATH_MAX], joined[PATH_MAX], parent[PATH_MAX];
	char *slash;
	int r;

	if (!path || !*path)
		return -ENOENT;
	if (path[0] == '/') {
		base[0] = '\0';
	} else if (dirfd == AT_FDCWD) {
		if (!getcwd(base, sizeof(base)))
			return -errno;
	} else {
		r = fk_fd_path(dirfd, base, sizeof(base));
		if (r < 0)
			return r;
	}
	r = join(base, path, joined, sizeof(joined));
	if (r < 0)
		return r;
	slash = strrchr(joined, '/');
	if (slash == joined || strcmp(slash + 1, "..") == 0) {
		if (!fk_realpath(joined, out))
			snprintf(out, size, "%s", joined);
		return 0;
	}
	*slash = '\0';
	if (!fk_realpath(joined, parent))
		return -errno;
	if (strlen(parent) + strlen(slash + 1) + 2 > size)
		return -ENAMETOOLONG;
	snprintf(out, size, "%s/%s", strcmp(parent, "/") ? parent : "", slash + 1);
	return 0;
}

char *fk_abs(const char *rel)
{
	static char bufs[8][PATH_MAX];
	static unsigned int next;
	char *b = bufs[next++ % 8];

	if (!rel || !*rel)
		snprintf(b, PATH_MAX, "%s", root);
	else
		snprintf(b, PATH_MAX, "%s/%s", root, rel);
	return b;
}

bool fk_exists(const char *rel)
{
	struct stat st;

	return lstat(fk_abs(rel), &st) == 0;
}

bool fk_is_dir(const char *rel)
{
	struct stat st;

	return lstat(fk_abs(rel), &st) == 0 && S_ISDIR(st.st_mode);
}

bool fk_is_link(const char *rel)
{
	struct stat st;

	return lstat(fk_abs(rel), &st) == 0 && S_ISLNK(st.st_mode);
}

static int read_abs(const char *abs, char *buf, size_t size)
{
	int fd = open(abs, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return (int)len;
}

int fk_read(const char *rel, char *buf, size_t size)
{
	return read_abs(fk_abs(rel), buf, size);
}

static int write_abs(const char *abs, const char *data, size_t len, int flags)
{
	int fd = open(abs, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (len && write(fd, data, len) != (ssize_t)len)
		r = -EIO;
	close(fd);
	return r;
}

int fk_write_file(const char *rel, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	return write_abs(fk_abs(rel), buf, strlen(buf), O_TRUNC);
}

int fk_mkdir_p(const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s", fk_abs(rel));
	for (char *s = p + root_len + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Shortest relative path from directory FROM to TO (both relative to the root). */
static void relpath(const char *from, const char *to, char *out, size_t size)
{
	size_t common = 0, i = 0, len = 0;

	while (from[i] && to[i] && from[i] == to[i]) {
		if (from[i] == '/')
			common = i + 1;
		i++;
	}
	if (!from[i] && (to[i] == '/' || !to[i]))
		common = i + (to[i] == '/');
	else if (!to[i] && from[i] == '/')
		common = i + 1;
	out[0] = '\0';
	for (const char *s = from + common; *s;) {
		len += (size_t)snprintf(out + len, size - len, "../");
		s = strchr(s, '/');
		if (!s)
			break;
		s++;
	}
	snprintf(out + len, size - len, "%s", to + common);
	len = strlen(out);
	if (len && out[len - 1] == '/')
		out[len - 1] = '\0';
	if (!out[0])
		snprintf(out, size, ".");
}

int fk_symlink_rel(const char *target_rel, const char *link_rel)
{
	char dir[PATH_MAX], text[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", link_rel);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
	relpath(dir, target_rel, text, sizeof(text));
	if (symlink(text, fk_abs(link_rel)) < 0)
		return -errno;
	return 0;
}

static int rm_rf_abs(const char *abs)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[PATH_MAX];

	if (lstat(abs, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(abs) < 0 ? -errno : 0;
	d = opendir(abs);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", abs, e->d_name);
		rm_rf_abs(sub);
	}
	closedir(d);
	return rmdir(abs) < 0 ? -errno : 0;
}

int fk_rm_rf(const char *rel)
{
	if (!rel || !*rel)
		return -EINVAL;
	return rm_rf_abs(fk_abs(rel));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int fk_list(const char *rel, char ***names)
{
	return fk_list_abs(fk_abs(rel), names);
}

const char *fk_state_dir(void)
{
	return statedir;
}

int fk_list_abs(const char *abs, char ***names)
{
	DIR *d = opendir(abs);
	struct dirent *e;
	char **v = NULL;
	size_t n = 0;

	*names = calloc(1, sizeof(char *));
	if (!d || !*names) {
		if (d)
			closedir(d);
		return 0;
	}
	while ((e = readdir(d))) {
		char **nv;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		nv = realloc(v, (n + 2) * sizeof(char *));
		if (!nv)
			break;
		v = nv;
		v[n++] = strdup(e->d_name);
		v[n] = NULL;
	}
	closedir(d);
	if (v) {
		free(*names);
		qsort(v, n, sizeof(char *), cmp_str);
		*names = v;
	}
	return (int)n;
}

void fk_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

uint64_t fk_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", EPERM },	  { "ENOENT", ENOENT },	      { "EIO", EIO },
	{ "ENXIO", ENXIO },	  { "E2BIG", E2BIG },	      { "ENOEXEC", ENOEXEC },
	{ "EBADF", EBADF },	  { "EAGAIN", EAGAIN },	      { "ENOMEM", ENOMEM },
	{ "EACCES", EACCES },	  { "EFAULT", EFAULT },	      { "EBUSY", EBUSY },
	{ "EEXIST", EEXIST },	  { "ENODEV", ENODEV },	      { "ENOTDIR", ENOTDIR },
	{ "EISDIR", EISDIR },	  { "EINVAL", EINVAL },	      { "ENOSPC", ENOSPC },
	{ "EROFS", EROFS },	  { "ERANGE", ERANGE },	      { "ENAMETOOLONG", ENAMETOOLONG },
	{ "ENOSYS", ENOSYS },	  { "ENOTEMPTY", ENOTEMPTY }, { "ELOOP", ELOOP },
	{ "ENODATA", ENODATA },	  { "ETIMEDOUT", ETIMEDOUT }, { "EOPNOTSUPP", EOPNOTSUPP },
	{ "EALREADY", EALREADY }, { "EINTR", EINTR },	      { "EKEYREJECTED", EKEYREJECTED },
	{ "ENOTSUP", ENOTSUP },	  { "EOVERFLOW", EOVERFLOW }, { "EDEADLK", EDEADLK },
	{ "ENOTCONN", ENOTCONN }, { "ESRCH", ESRCH },
};

const char *fk_errno_name(int err)
{
	static char buf[32];

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].value == err)
			return errnos[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

int fk_errno_value(const char *name)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(errnos[i].name, name) == 0)
			return errnos[i].value;
	if (isdigit((unsigned char)name[0]))
		return atoi(name);
	return 0;
}

static char *state_path(const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned int next;
	char *b = bufs[next++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", statedir, name);
	return b;
}

/* ---- configuration ---- */

const char *fk_config(const char *key)
{
	static char buf[8192];
	static char val[256];
	size_t klen = strlen(key);
	const char *found = NULL;

	if (read_abs(state_path("config"), buf, sizeof(buf)) < 0)
		return NULL;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
			snprintf(val, sizeof(val), "%s", line + klen + 1);
			found = val;
		}
		line = nl ? nl + 1 : NULL;
	}
	return found;
}

bool fk_config_flag(const char *key)
{
	const char *v = fk_config(key);

	return v && (v[0] == '1' || v[0] == 'y' || v[0] == 'Y');
}

bool fk_old_generation(void)
{
	const char *v = fk_config("generation");

	return v && strcmp(v, "old") == 0;
}

/* ---- state ---- */

struct fk_state {
	char **lines;
	size_t n;
};

struct fk_state *fk_state_load(void)
{
	struct fk_state *st = calloc(1, sizeof(*st));
	static char buf[65536];

	if (!st)
		abort();
	if (read_abs(state_path("state"), buf, sizeof(buf)) < 0)
		return st;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		char **nv;

		if (nl)
			*nl = '\0';
		if (*line) {
			nv = realloc(st->lines, (st->n + 1) * sizeof(char *));
			if (!nv)
				abort();
			st->lines = nv;
			st->lines[st->n++] = strdup(line);
		}
		line = nl ? nl + 1 : NULL;
	}
	return st;
}

int fk_state_save(struct fk_state *st)
{
	char tmp[PATH_MAX];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.%d", state_path("state"), getpid());
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < st->n; i++)
		if (st->lines[i])
			fprintf(f, "%s\n", st->lines[i]);
	if (fclose(f) != 0)
		return -EIO;
	if (rename(tmp, state_path("state")) < 0)
		return -errno;
	/* Whether delayed work waits: fk_pending_run() looks for this file before it
	 * takes the lock and loads the state, on every call below the root. */
	if (fk_state_nth(st, "pending", 0)) {
		int fd = open(state_path("pending"), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd >= 0)
			close(fd);
	} else {
		unlink(state_path("pending"));
	}
	return 0;
}

void fk_state_free(struct fk_state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		free(st->lines[i]);
	free(st->lines);
	free(st);
}

static const char *match(const char *line, const char *key, const char *prefix)
{
	size_t k = strlen(key), p = strlen(prefix);

	if (!line || strncmp(line, key, k) != 0 || line[k] != ' ')
		return NULL;
	if (strncmp(line + k + 1, prefix, p) != 0)
		return NULL;
	if (p && line[k + 1 + p] != ' ' && line[k + 1 + p] != '\0')
		return NULL;
	return line + k + 1;
}

const char *fk_state_get(struct fk_state *st, const char *key, const char *prefix)
{
	for (size_t i = 0; i < st->n; i++) {
		const char *r = match(st->lines[i], key, prefix);

		if (r)
			return r;
	}
	return NULL;
}

const char *fk_state_nth(struct fk_state *st, const char *key, size_t nth)
{
	for (size_t i = 0; i < st->n; i++) {
		const char *r = match(st->lines[i], key, "");

		if (r && nth-- == 0)
			return r;
	}
	return NULL;
}

void fk_state_del(struct fk_state *st, const char *key, const char *prefix)
{
	for (size_t i = 0; i < st->n; i++) {
		if (match(st->lines[i], key, prefix)) {
			free(st->lines[i]);
			st->lines[i] = NULL;
		}
	}
}

void fk_state_set(struct fk_state *st, const char *key, const char *prefix, const char *fmt, ...)
{
	char rest[1024], line[1200];
	char **nv;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rest, sizeof(rest), fmt, ap);
	va_end(ap);
	fk_state_del(st, key, prefix);
	snprintf(line, sizeof(line), "%s %s", key, rest);
	nv = realloc(st->lines, (st->n + 1) * sizeof(char *));
	if (!nv)
		abort();
	st->lines = nv;
	st->lines[st->n++] = strdup(line);
}

/* ---- lock, failure injection, oplog, kmsg ---- */

void fk_lock(void)
{
	if (lock_depth++)
		return;
	lock_fd = open(state_path("lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock_fd >= 0)
		flock(lock_fd, LOCK_EX);
}

void fk_unlock(void)
{
	if (--lock_depth)
		return;
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}

/* hold=<op>:<n>:<file>: the caller waits before the operation, the fake kernel's own
 * lock released, until <file> exists; <file>.held tells the test it is waiting. */
static void hold_until(const char *file)
{
	char held[PATH_MAX];
	int depth = lock_depth, fd;

	snprintf(held, sizeof(held), "%s.held", file);
	fd = open(held, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
	lock_depth = 0;
	while (access(file, F_OK) != 0)
		usleep(10 * 1000);
	fk_lock();
	lock_depth = depth;
}

int fk_inject(const char *op)
{
	char buf[8192], key[64], hold[4096];
	struct fk_state *st = fk_state_load();
	const char *c;
	unsigned long n;
	int ret = 0;

	snprintf(key, sizeof(key), "%s", op);
	c = fk_state_get(st, "count", key);
	n = c ? strtoul(c + strlen(key), NULL, 10) + 1 : 1;
	fk_state_set(st, "count", key, "%s %lu", key, n);
	fk_state_save(st);
	fk_state_free(st);
	if (read_abs(state_path("config"), buf, sizeof(buf)) < 0)
		return 0;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		char rop[64], rerr[64];
		unsigned long rn;

		if (nl)
			*nl = '\0';
		if (sscanf(line, "fail=%63[^:]:%lu:%63s", rop, &rn, rerr) == 3 &&
		    strcmp(rop, op) == 0 && rn == n && fk_errno_value(rerr) > 0)
			ret = -fk_errno_value(rerr);
		/* The caller dies before the operation: a crash, an OOM kill, power loss. */
		if (sscanf(line, "kill=%63[^:]:%lu", rop, &rn) == 2 && strcmp(rop, op) == 0 &&
		    rn == n)
			kill(getpid(), SIGKILL); /* the kernel drops our flocks */
		if (sscanf(line, "hold=%63[^:]:%lu:%4000s", rop, &rn, hold) == 3 &&
		    strcmp(rop, op) == 0 && rn == n)
			hold_until(hold);
		line = nl ? nl + 1 : NULL;
	}
	return ret;
}

void fk_oplog(const char *op, const char *what, const char *value, int ret)
{
	char line[PATH_MAX + 1024];
	int len;

	len = snprintf(line, sizeof(line), "%s %s", op, what);
	if (value) {
		len += snprintf(line + len, sizeof(line) - (size_t)len, " ");
		for (const char *s = value; *s && len < (int)sizeof(line) - 8; s++) {
			if (isprint((unsigned char)*s))
				line[len++] = *s;
			else
				len += snprintf(line + len, sizeof(line) - (size_t)len, "\\x%02x",
						(unsigned char)*s);
		}
		line[len] = '\0';
	}
	if (ret < 0)
		snprintf(line + len, sizeof(line) - (size_t)len, " = -%s\n", fk_errno_name(ret));
	else
		snprintf(line + len, sizeof(line) - (size_t)len, " = 0\n");
	write_abs(state_path("oplog"), line, strlen(line), O_APPEND);
}

/* Next record number: one past the last record in the file (fixtures may
 * have put records there before the fake kernel ran). */
static unsigned long kmsg_next_seq(void)
{
	static char buf[1 << 18];
	unsigned long seq = 0;
	int n = fk_read("dev/kmsg", buf, sizeof(buf));

	if (n <= 0)
		return 0;
	for (char *line = buf; line && *line;) {
		unsigned int prio;
		unsigned long s;

		if (sscanf(line, "%u,%lu,", &prio, &s) == 2)
			seq = s + 1;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return seq;
}

/* Microseconds since the fake boot: the first kernel message of the tree
 * starts at 1 s, later ones follow the monotonic clock. */
static uint64_t kmsg_usec(void)
{
	char buf[64];
	uint64_t now = fk_now_usec(), boot;

	/* Its own file: handlers hold the state file while they log. */
	if (read_abs(state_path("boot"), buf, sizeof(buf)) > 0) {
		boot = strtoull(buf, NULL, 10);
	} else {
		boot = now - 1000000u;
		snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)boot);
		write_abs(state_path("boot"), buf, strlen(buf), O_TRUNC);
	}
	return now > boot ? now - boot : 0;
}

void fk_kmsg(int prio, const char *fmt, ...)
{
	char text[1024], rec[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!fk_is_dir("dev"))
		fk_mkdir_p("dev");
	snprintf(rec, sizeof(rec), "%d,%lu,%llu,-;%s\n", prio, kmsg_next_seq(),
		 (unsigned long long)kmsg_usec(), text);
	write_abs(fk_abs("dev/kmsg"), rec, strlen(rec), O_APPEND);
}
