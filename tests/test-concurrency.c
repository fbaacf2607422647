// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runs against runs: the run lock (lib/lock.c) serialises epdmactl against
 * the daemon and against itself. The daemon is held in its reconcile, the
 * lock taken, by the fake kernel's hold=<op>:<n>:<file> knob: nothing here
 * depends on a clock. The CLI waits (it has the lock file open and has not
 * finished) and, with a short EPDMA_LOCK_TIMEOUT_MS, gives up naming the
 * daemon's pid. Several epdmactl setups at once: one writes, the others find
 * nothing to do, the tree is the one a single setup makes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"
#include "fixture-internal.h"

static const char conf[] = "[general]\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x10\n"
			   "[dma]\nwr_chans = 2\nrd_chans = 2\n";

static struct fx *machine(void)
{
	struct fx *fx = fx_new();

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	return fx;
}

static char **env_for(struct fx *fx, const char *extra)
{
	char **env = calloc(16, sizeof(*env));
	size_t n = 0;

	ck_assert_ptr_nonnull(env);
	for (const char *const *k = (const char *const[]){ "PATH", "TMPDIR", "ASAN_OPTIONS",
							   "UBSAN_OPTIONS", "LSAN_OPTIONS", NULL };
	     *k; k++)
		if (getenv(*k))
			env[n++] = fx_strdupf("%s=%s", *k, getenv(*k));
	env[n++] = ASAN_RUNTIME[0] ? fx_strdupf("LD_PRELOAD=%s:%s", ASAN_RUNTIME, FAKEKERNEL_PATH)
				   : fx_strdupf("LD_PRELOAD=%s", FAKEKERNEL_PATH);
	env[n++] = fx_strdupf("EPDMA_FAKE_ROOT=%s", fx->root);
	env[n++] = fx_strdupf("EPDMA_FAKE_STATE=%s", fx->state);
	env[n++] = fx_strdupf("LC_ALL=C");
	if (extra)
		env[n++] = fx_strdupf("%s", extra);
	return env;
}

/* PROG ARGV... in the background, stdout and stderr to <dir>/<OUT>; its pid. */
static pid_t spawn(struct fx *fx, const char *const *argv, const char *extra_env, const char *out,
		   int keep_fd)
{
	char **env = env_for(fx, extra_env), *path = fx_strdupf("%s/%s", fx->dir, out);
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || chdir(fx->dir) < 0)
			_exit(126);
		if (keep_fd >= 0)
			fcntl(keep_fd, F_SETFD, 0);
		execve(argv[0], (char *const *)argv, env);
		_exit(127);
	}
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	free(env);
	free(path);
	return pid;
}

static pid_t spawn_setup(struct fx *fx, const char *extra_env, const char *out)
{
	return spawn(fx, (const char *const[]){ EPDMACTL_PATH, "--root", fx->root, "setup", NULL },
		     extra_env, out, -1);
}

static int reap(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static char *output(struct fx *fx, const char *out)
{
	char *path = fx_strdupf("%s/%s", fx->dir, out), *text;
	size_t len;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	text = calloc(1, 1 << 16);
	ck_assert_ptr_nonnull(text);
	len = fread(text, 1, (1 << 16) - 1, f);
	text[len] = '\0';
	fclose(f);
	free(path);
	return text;
}

static bool exists_abs(const char *dir, const char *name)
{
	char *p = fx_strdupf("%s/%s", dir, name);
	bool yes = access(p, F_OK) == 0;

	free(p);
	return yes;
}

/* Wait (no deadline: a hang is the Check timeout's) until <dir>/<name> exists. */
static void wait_file(struct fx *fx, const char *name)
{
	while (!exists_abs(fx->dir, name))
		usleep(10 * 1000);
}

/* PID has the run lock's file open: it is in epdma_lock(), or past it. */
static bool has_lock_open(struct fx *fx, pid_t pid)
{
	char *want = fx_strdupf("%s/run/epdma/lock", fx->root);
	bool yes = false;

	for (int fd = 0; fd < 64 && !yes; fd++) {
		char link[64], target[PATH_MAX];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		yes = !strcmp(target, want);
	}
	free(want);
	return yes;
}

static void wait_lock_open(struct fx *fx, pid_t pid)
{
	while (!has_lock_open(fx, pid)) {
		ck_assert_msg(waitpid(pid, NULL, WNOHANG) == 0, "pid %d ended before the lock",
			      (int)pid);
		usleep(10 * 1000);
	}
}

static void release(struct fx *fx)
{
	fx_write_raw(fx, "../go", "", 0);
}

static char *snapshot(struct fx *fx)
{
	return fx_snapshot(fx, "-path ./dev/kmsg -o -path ./run/epdma");
}

/* What one setup makes, and what a second one says. */
static char *reference(char **first, char **second)
{
	struct fx *fx = machine();
	struct fx_result r;
	const char *argv[] = { "epdmactl", "--root", fx->root, "setup", NULL };
	char *tree;

	fx_run(fx, &r, argv);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	*first = fx_strdupf("%s%s", r.out, r.err);
	fx_result_free(&r);
	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 0);
	*second = fx_strdupf("%s%s", r.out, r.err);
	fx_result_free(&r);
	tree = snapshot(fx);
	fx_free(fx);
	return tree;
}

/* The daemon's output is not ours to compare; only its pid and the tree. */
static pid_t start_daemon(struct fx *fx, int *events)
{
	int sp[2];
	char fdarg[16];
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	snprintf(fdarg, sizeof(fdarg), "%d", sp[1]);
	pid = spawn(fx,
		    (const char *const[]){ EPDMAD_PATH, "--root", fx->root, "-f", "-v",
					   "--uevent-fd", fdarg, NULL },
		    NULL, "epdmad.log", sp[1]);
	close(sp[1]);
	*events = sp[0];
	return pid;
}

START_TEST(cli_waits_for_the_daemon_then_gives_up)
{
	struct fx *fx = machine();
	char *first, *second, *want = reference(&first, &second), *out, *tree, *msg;
	int events, status;
	pid_t daemon, cli;

	/* The daemon stops before its first mkdir, inside its reconcile, the lock taken. */
	fx_kernel_config(fx, "hold=mkdir:1:%s/go", fx->dir);
	daemon = start_daemon(fx, &events);
	wait_file(fx, "go.held");

	/* A short timeout: the CLI gives up and names the daemon. */
	cli = spawn_setup(fx, "EPDMA_LOCK_TIMEOUT_MS=300", "short.out");
	status = reap(cli);
	out = output(fx, "short.out");
	msg = fx_strdupf("another epdma run (pid %d) holds the lock", (int)daemon);
	ck_assert_msg(status == 1, "exit %d\n%s", status, out);
	ck_assert_msg(has(out, msg), "%s", out);
	ck_assert_msg(
		!exists_abs(fx->root, "sys/kernel/config/pci_ep/functions/pci_epf_vntb/vntb0"),
		"the CLI wrote while the daemon held the lock");
	free(out);

	/* The default timeout: the CLI waits in the lock until the daemon is done. */
	cli = spawn_setup(fx, NULL, "wait.out");
	wait_lock_open(fx, cli);
	ck_assert_int_eq(waitpid(cli, NULL, WNOHANG), 0);
	release(fx);
	status = reap(cli);
	out = output(fx, "wait.out");
	ck_assert_msg(status == 0, "exit %d\n%s", status, out);
	/* The daemon did the work: the CLI says what a second setup says. */
	ck_assert_str_eq(out, second);
	tree = snapshot(fx);
	ck_assert_msg(!strcmp(tree, want), "tree differs\n---- want\n%s\n---- got\n%s", want, tree);
	printf("concurrency: epdmactl gave up on epdmad (pid %d) after 300 ms, waited for it with "
	       "the default timeout, found nothing to do\n",
	       (int)daemon);
	fflush(stdout);
	ck_assert_int_eq(kill(daemon, SIGTERM), 0);
	ck_assert_int_eq(reap(daemon), 0);
	close(events);
	free(msg);
	free(out);
	free(tree);
	free(want);
	free(first);
	free(second);
	fx_free(fx);
}
END_TEST

/* N setups at once; the first to lock stops before its first mkdir until all the others
 * wait in the lock: one writes, the rest find nothing to do. */
static void concurrent(size_t n, const char *want, const char *first, const char *second)
{
	struct fx *fx = machine();
	pid_t pids[5];
	size_t wrote = 0, idle = 0;
	char *tree;

	fx_kernel_config(fx, "hold=mkdir:1:%s/go", fx->dir);
	for (size_t i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "cli%zu.out", i);
		pids[i] = spawn_setup(fx, NULL, name);
	}
	wait_file(fx, "go.held");
	for (size_t i = 0; i < n; i++)
		wait_lock_open(fx, pids[i]);
	release(fx);
	for (size_t i = 0; i < n; i++) {
		char name[32], *out;
		int status = reap(pids[i]);

		snprintf(name, sizeof(name), "cli%zu.out", i);
		out = output(fx, name);
		ck_assert_msg(status == 0, "%zu of %zu: exit %d\n%s", i, n, status, out);
		wrote += !strcmp(out, first);
		idle += !strcmp(out, second);
		free(out);
	}
	ck_assert_msg(wrote == 1 && idle == n - 1, "%zu setups: %zu wrote, %zu found nothing", n,
		      wrote, idle);
	tree = snapshot(fx);
	ck_assert_msg(!strcmp(tree, want), "%zu setups: tree differs", n);
	free(tree);
	fx_free(fx);
}

START_TEST(concurrent_setups_serialise)
{
	char *first, *second, *want = reference(&first, &second);

	for (size_t n = 2; n <= 5; n++)
		concurrent(n, want, first, second);
	printf("concurrency: 2 to 5 concurrent setups (14 runs): one wrote each time\n");
	fflush(stdout);
	free(want);
	free(first);
	free(second);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("concurrency");
	TCase *tc = tcase_create("lock");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, cli_waits_for_the_daemon_then_gives_up);
	tcase_add_test(tc, concurrent_setups_serialise);
	suite_add_tcase(s, tc);
	return fx_run_suite(s);
}
