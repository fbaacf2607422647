// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fixture core: the temp dir, rooted file primitives, running front ends and
 * golden-file comparison. Tree builders live in fixture-sysfs.c, module
 * objects in fixture-module.c, whole machines in fixture-scenario.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <elf.h>

#include <json-c/json.h>

#include "fixture-internal.h"

extern char **environ;

char *fx_strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ck_abort_msg("fixture: out of memory");
	va_end(ap);
	return s;
}

char *fx_module_name(const char *module)
{
	char *name = fx_strdupf("%s", module);

	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

static void mkdir_or_abort(const char *path)
{
	if (mkdir(path, 0755) < 0)
		fx_fail_errno("mkdir", path);
}

struct fx *fx_new(void)
{
	const char *tmp = getenv("TMPDIR");
	struct fx_priv *p = calloc(1, sizeof(*p));
	struct fx *fx = &p->pub;

	if (!p)
		ck_abort_msg("fixture: out of memory");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	fx->dir = fx_strdupf("%s/epdma-fx.XXXXXX", tmp);
	if (!mkdtemp(fx->dir))
		fx_fail_errno("mkdtemp", fx->dir);
	fx->root = fx_strdupf("%s/root", fx->dir);
	fx->state = fx_strdupf("%s/kernel", fx->dir);
	mkdir_or_abort(fx->root);
	mkdir_or_abort(fx->state);
	/* Endpoint SoCs are arm64; fx_x86_host switches this. */
	p->elf_machine = EM_AARCH64;
	return fx;
}

/* Directories made read-only by a test must not stop the removal. */
static int unlock_dir(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type == FTW_D)
		chmod(path, 0700);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	int r = type == FTW_DP ? rmdir(path) : unlink(path);

	if (r < 0 && errno != ENOENT) {
		fprintf(stderr, "fixture: remove %s: %m\n", path);
		return -1;
	}
	return 0;
}

void fx_detach(struct fx *fx)
{
	if (!fx)
		return;
	free(fx->dir);
	free(fx->root);
	free(fx->state);
	free(fx->release);
	free(fx_priv(fx));
}

void fx_free(struct fx *fx)
{
	int r;

	if (!fx)
		return;
	nftw(fx->dir, unlock_dir, 32, FTW_PHYS);
	r = nftw(fx->dir, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
	if (r != 0)
		ck_abort_msg("fixture: cannot remove %s", fx->dir);
	free(fx->dir);
	free(fx->root);
	free(fx->state);
	free(fx->release);
	free(fx_priv(fx));
}

/* ---- primitives ---- */

static const char *skip_slashes(const char *path)
{
	while (*path == '/')
		path++;
	return path;
}

char *fx_path(struct fx *fx, const char *path)
{
	path = skip_slashes(path);
	if (!*path)
		return fx_strdupf("%s", fx->root);
	return fx_strdupf("%s/%s", fx->root, path);
}

/* mkdir -p of an absolute path whose prefix fx->dir already exists. */
static void mkdir_p(const char *abs)
{
	char *p = fx_strdupf("%s", abs);

	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			fx_fail_errno("mkdir", p);
		if (!s)
			break;
		*s = '/';
	}
	free(p);
}

static void mkdir_parent(const char *abs)
{
	char *p = fx_strdupf("%s", abs);
	char *slash = strrchr(p, '/');

	if (slash && slash != p) {
		*slash = '\0';
		mkdir_p(p);
	}
	free(p);
}

void fx_mkdir(struct fx *fx, const char *path)
{
	char *abs = fx_path(fx, path);

	mkdir_p(abs);
	free(abs);
}

static void write_file(const char *abs, const void *data, size_t len, int flags)
{
	const char *p = data;
	int fd;

	mkdir_parent(abs);
	fd = open(abs, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
	if (fd < 0)
		fx_fail_errno("open", abs);
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fx_fail_errno("write", abs);
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0)
		fx_fail_errno("close", abs);
}

void fx_write_raw(struct fx *fx, const char *path, const void *data, size_t len)
{
	char *abs = fx_path(fx, path);

	write_file(abs, data, len, O_TRUNC);
	free(abs);
}

void fx_write(struct fx *fx, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		ck_abort_msg("fixture: out of memory");
	va_end(ap);
	fx_write_raw(fx, path, text, strlen(text));
	free(text);
}

void fx_symlink(struct fx *fx, const char *target, const char *path)
{
	char *abs = fx_path(fx, path);

	/* An absolute target outside the temp dir would lead into the real system. */
	size_t dlen = strlen(fx->dir);

	if (target[0] == '/' &&
	    (strncmp(target, fx->dir, dlen) != 0 || (target[dlen] != '/' && target[dlen] != '\0')))
		ck_abort_msg("fixture: symlink %s -> %s leaves the fixture root", abs, target);
	mkdir_parent(abs);
	if (symlink(target, abs) < 0)
		fx_fail_errno("symlink", abs);
	free(abs);
}

char *fx_relpath(const char *from_dir, const char *to)
{
	size_t common = 0, ups = 0;
	char *rel, *p;

	from_dir = skip_slashes(from_dir);
	to = skip_slashes(to);
	/* Longest common prefix ending at a component boundary. */
	for (size_t i = 0;; i++) {
		bool from_end = from_dir[i] == '\0' || from_dir[i] == '/';
		bool to_end = to[i] == '\0' || to[i] == '/';

		if (from_end && to_end)
			common = i;
		if (from_dir[i] == '\0' || to[i] == '\0' || from_dir[i] != to[i])
			break;
	}
	for (const char *s = from_dir + common; *s; s++)
		if (*s != '/' && (s == from_dir || s[-1] == '/'))
			ups++;
	to += common;
	to = skip_slashes(to);
	rel = malloc(ups * 3 + strlen(to) + 2);
	if (!rel)
		ck_abort_msg("fixture: out of memory");
	p = rel;
	for (size_t i = 0; i < ups; i++)
		p = stpcpy(p, "../");
	p = stpcpy(p, to);
	if (p == rel)
		strcpy(rel, ".");
	else if (p[-1] == '/')
		p[-1] = '\0';
	return rel;
}

void fx_symlink_rel(struct fx *fx, const char *target, const char *path)
{
	char *dir = fx_strdupf("%s", skip_slashes(path));
	char *slash = strrchr(dir, '/');
	char *rel;

	if (slash)
		*slash = '\0';
	else
		dir[0] = '\0';
	rel = fx_relpath(dir, target);
	fx_symlink(fx, rel, path);
	free(rel);
	free(dir);
}

static char *read_fd(int fd, const char *what, size_t *len)
{
	size_t size = 0, cap = 4096;
	char *buf = malloc(cap + 1);

	if (!buf)
		ck_abort_msg("fixture: out of memory");
	for (;;) {
		ssize_t n;

		if (size == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				ck_abort_msg("fixture: out of memory");
		}
		n = read(fd, buf + size, cap - size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fx_fail_errno("read", what);
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	buf[size] = '\0';
	if (len)
		*len = size;
	return buf;
}

static char *read_abs(const char *abs, size_t *len)
{
	int fd = open(abs, O_RDONLY | O_CLOEXEC);
	char *buf;

	if (fd < 0) {
		if (errno == ENOENT)
			return NULL;
		fx_fail_errno("open", abs);
	}
	buf = read_fd(fd, abs, len);
	close(fd);
	return buf;
}

char *fx_read_raw(struct fx *fx, const char *path, size_t *len)
{
	char *abs = fx_path(fx, path);
	char *buf = read_abs(abs, len);

	free(abs);
	return buf;
}

char *fx_read(struct fx *fx, const char *path)
{
	return fx_read_raw(fx, path, NULL);
}

bool fx_exists(struct fx *fx, const char *path)
{
	char *abs = fx_path(fx, path);
	struct stat st;
	bool r = lstat(abs, &st) == 0;

	free(abs);
	return r;
}

bool fx_file_has(struct fx *fx, const char *path, const char *text)
{
	char *v = fx_read(fx, path);
	bool yes = has(v, text);

	free(v);
	return yes;
}

bool fx_module_is_loaded(struct fx *fx, const char *module)
{
	char *path = fx_strdupf("sys/module/%s/initstate", module);
	bool yes = fx_exists(fx, path);

	free(path);
	return yes;
}

void fx_kernel_config(struct fx *fx, const char *fmt, ...)
{
	char *abs = fx_strdupf("%s/config", fx->state);
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		ck_abort_msg("fixture: out of memory");
	va_end(ap);
	write_file(abs, line, strlen(line), O_APPEND);
	write_file(abs, "\n", 1, O_APPEND);
	free(line);
	free(abs);
}

void fx_kmsg(struct fx *fx, int prio, const char *fmt, ...)
{
	char *old = fx_read(fx, "dev/kmsg");
	unsigned long seq = 0;
	va_list ap;
	char *text;

	for (const char *s = old; s && *s; s++)
		seq += *s == '\n';
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		ck_abort_msg("fixture: out of memory");
	va_end(ap);
	/* Irregular but monotonic timestamps. */
	fx_write(fx, "dev/kmsg", "%s%d,%lu,%lu,-;%s\n", old ? old : "", prio, seq,
		 seq * 7919 + seq * seq * 13 + 312, text);
	free(text);
	free(old);
}

void fx_kernel_release(struct fx *fx, const char *release)
{
	char *dir = fx_strdupf("lib/modules/%s", release);

	fx_write(fx, "proc/sys/kernel/osrelease", "%s\n", release);
	fx_mkdir(fx, dir);
	free(fx->release);
	fx->release = fx_strdupf("%s", release);
	free(dir);
}

/* ---- running front ends ---- */

static const char *const passed_env[] = {
	"PATH", "TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", NULL,
};

/* A small fixed environment so golden output never depends on the caller's. */
static char **child_env(struct fx *fx)
{
	char **env = calloc(16, sizeof(*env));
	size_t n = 0;

	if (!env)
		ck_abort_msg("fixture: out of memory");
	for (size_t i = 0; passed_env[i]; i++) {
		const char *v = getenv(passed_env[i]);

		if (v)
			env[n++] = fx_strdupf("%s=%s", passed_env[i], v);
	}
	if (!getenv("PATH"))
		env[n++] = fx_strdupf("PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
	/* The sanitizer runtime must come first when preloading into a sanitized program. */
	if (ASAN_RUNTIME[0])
		env[n++] = fx_strdupf("LD_PRELOAD=%s:%s", ASAN_RUNTIME, FAKEKERNEL_PATH);
	else
		env[n++] = fx_strdupf("LD_PRELOAD=%s", FAKEKERNEL_PATH);
	env[n++] = fx_strdupf("EPDMA_FAKE_ROOT=%s", fx->root);
	env[n++] = fx_strdupf("EPDMA_FAKE_STATE=%s", fx->state);
	env[n++] = fx_strdupf("LC_ALL=C");
	env[n] = NULL;
	return env;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static _Noreturn void run_child(struct fx *fx, const char *const *argv, char **env, int out,
				int err)
{
	const char *prog = strcmp(argv[0], "epdmactl") == 0 ? EPDMACTL_PATH : argv[0];
	int null = open("/dev/null", O_RDONLY);

	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	if (chdir(fx->dir) < 0)
		_exit(126);
	execve(prog, (char *const *)argv, env);
	/* execvpe only for bare names such as "sh". */
	if (!strchr(prog, '/')) {
		environ = env;
		execvp(prog, (char *const *)argv);
	}
	dprintf(2, "fixture: exec %s: %m\n", prog);
	_exit(127);
}

struct capture {
	int fd;
	char *buf;
	size_t len, cap;
};

static bool capture_read(struct capture *c)
{
	ssize_t n;

	if (c->cap - c->len < 4096) {
		c->cap = c->cap ? c->cap * 2 : 8192;
		c->buf = realloc(c->buf, c->cap + 1);
		if (!c->buf)
			ck_abort_msg("fixture: out of memory");
	}
	n = read(c->fd, c->buf + c->len, c->cap - c->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n < 0)
		fx_fail_errno("read", "child output");
	c->len += (size_t)n;
	return n > 0;
}

static void capture_both(struct capture *c)
{
	struct pollfd pfd[2] = { { .fd = c[0].fd, .events = POLLIN },
				 { .fd = c[1].fd, .events = POLLIN } };

	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fx_fail_errno("poll", "child output");
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (!capture_read(&c[i])) {
				close(c[i].fd);
				pfd[i].fd = -1;
			}
		}
	}
}

static char *capture_take(struct capture *c)
{
	if (!c->buf)
		return fx_strdupf("%s", "");
	c->buf[c->len] = '\0';
	return c->buf;
}

void fx_run(struct fx *fx, struct fx_result *r, const char *const *argv)
{
	struct capture c[2] = { { .fd = -1 }, { .fd = -1 } };
	int out[2], err[2], status;
	char **env = child_env(fx);
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		fx_fail_errno("pipe", argv[0]);
	pid = fork();
	if (pid < 0)
		fx_fail_errno("fork", argv[0]);
	if (pid == 0)
		run_child(fx, argv, env, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	c[0].fd = out[0];
	c[1].fd = err[0];
	capture_both(c);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fx_fail_errno("waitpid", argv[0]);
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r->out = capture_take(&c[0]);
	r->err = capture_take(&c[1]);
	strv_free(env);
}

void fx_result_free(struct fx_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *fx_oplog(struct fx *fx)
{
	char *abs = fx_strdupf("%s/oplog", fx->state);
	char *text = read_abs(abs, NULL);

	free(abs);
	return text ? text : fx_strdupf("%s", "");
}

int fx_json_array_len(const char *text, const char *key)
{
	json_object *root = text ? json_tokener_parse(text) : NULL, *a;
	int n = -1;

	if (root && json_object_object_get_ex(root, key, &a) &&
	    json_object_is_type(a, json_type_array))
		n = (int)json_object_array_length(a);
	json_object_put(root);
	return n;
}

/* ---- golden files ---- */

static char *replace_all(const char *text, const char *from, const char *to)
{
	size_t flen = strlen(from), n = 0;
	const char *s;
	char *out, *p;

	for (s = text; (s = strstr(s, from)); s += flen)
		n++;
	out = malloc(strlen(text) + n * strlen(to) + 1);
	if (!out)
		ck_abort_msg("fixture: out of memory");
	p = out;
	for (s = text;;) {
		const char *hit = strstr(s, from);

		if (!hit)
			break;
		p = mempcpy(p, s, (size_t)(hit - s));
		p = stpcpy(p, to);
		s = hit + flen;
	}
	strcpy(p, s);
	return out;
}

/* Write atomically, so a parallel run never sees half a golden file. */
static void write_atomic(const char *abs, const char *text)
{
	char *tmp = fx_strdupf("%s.tmp.%d", abs, (int)getpid());

	write_file(tmp, text, strlen(text), O_TRUNC);
	if (rename(tmp, abs) < 0)
		fx_fail_errno("rename", abs);
	free(tmp);
}

static const char *line_end(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl : s + strlen(s);
}

/* "-expected / +actual" around the first differing line, with two lines of context. */
static char *first_difference(const char *exp, const char *act)
{
	const char *ctx[2] = { NULL, NULL };
	unsigned int line = 1;
	char *msg = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&msg, &size);

	if (!f)
		ck_abort_msg("fixture: out of memory");
	for (;;) {
		const char *ee = line_end(exp), *ae = line_end(act);

		if (ee - exp != ae - act || memcmp(exp, act, (size_t)(ee - exp)) != 0 ||
		    !*ee != !*ae)
			break;
		if (!*ee)
			break;
		ctx[0] = ctx[1];
		ctx[1] = exp;
		exp = ee + 1;
		act = ae + 1;
		line++;
	}
	fprintf(f, "@@ line %u @@\n", line);
	for (int i = 0; i < 2; i++)
		if (ctx[i])
			fprintf(f, " %.*s\n", (int)(line_end(ctx[i]) - ctx[i]), ctx[i]);
	if (*exp && *act && line_end(exp) - exp == line_end(act) - act &&
	    memcmp(exp, act, (size_t)(line_end(exp) - exp)) == 0)
		fprintf(f, "(the line is the same; one side has no newline at the end)\n");
	if (*exp)
		fprintf(f, "-%.*s\n", (int)(line_end(exp) - exp), exp);
	else
		fprintf(f, "-<end of file>\n");
	if (*act)
		fprintf(f, "+%.*s", (int)(line_end(act) - act), act);
	else
		fprintf(f, "+<end of file>");
	fclose(f);
	return msg;
}

/* Golden files carry the licence line first; it is not part of the compared text. */
#define GOLDEN_HEADER "SPDX-License-Identifier: GPL-2.0-or-later\n"

void fx_assert_golden(struct fx *fx, const char *name, const char *text)
{
	char *actual = replace_all(text, fx->root, "@ROOT@");
	char *golden = fx_strdupf("%s/golden/%s", TESTS_SRCDIR, name);
	char *file = fx_strdupf("%s%s", GOLDEN_HEADER, actual);
	char *expected;

	if (getenv("EPDMA_UPDATE_GOLDEN") && strcmp(getenv("EPDMA_UPDATE_GOLDEN"), "1") == 0) {
		mkdir_parent(golden);
		write_atomic(golden, file);
	} else {
		char *raw = read_abs(golden, NULL);

		expected = raw;
		if (raw && strncmp(raw, GOLDEN_HEADER, strlen(GOLDEN_HEADER)) == 0)
			expected = raw + strlen(GOLDEN_HEADER);
		if (!expected || strcmp(expected, actual) != 0) {
			char *out = fx_strdupf("%s/golden/%s", TESTS_BINDIR, name);
			char *diff = expected ? first_difference(expected, actual) : NULL;

			mkdir_parent(out);
			write_atomic(out, file);
			if (!expected)
				ck_abort_msg("golden %s missing; actual output in %s "
					     "(EPDMA_UPDATE_GOLDEN=1 creates it)",
					     golden, out);
			ck_abort_msg("golden %s differs (actual in %s; diff -u them):\n--- %s\n+++ "
				     "%s\n%s",
				     name, out, golden, out, diff);
		}
		free(raw);
	}
	free(file);
	free(golden);
	free(actual);
}

int fx_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

char *fx_snapshot(struct fx *fx, const char *prune)
{
	char *cmd = NULL, *out = NULL;
	size_t len = 0;
	FILE *f, *m = open_memstream(&out, &len);

	if (!prune)
		prune = "-false";
	ck_assert_int_ge(
		asprintf(&cmd,
			 "cd '%s' && find . \\( %s \\) -prune -o -printf '%%p %%y %%m %%l\\n' "
			 "| sort && find . \\( %s \\) -prune -o -type f -print | sort | "
			 "xargs -r md5sum",
			 fx->root, prune, prune),
		0);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	for (int c; (c = fgetc(f)) != EOF;)
		fputc(c, m);
	ck_assert_int_eq(pclose(f), 0);
	fclose(m);
	free(cmd);
	return out;
}
