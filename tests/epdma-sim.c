// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epdma-sim: simulated machines for the demo and for trying epdmactl by hand.
 *
 *   epdma-sim new KIND          build a machine below $TMPDIR; prints its directory
 *   epdma-sim run DIR CMD...    run CMD with the fake kernel acting on DIR/root
 *   epdma-sim new pair          an endpoint and a host, cabled (sim-link.h):
 *                               DIR/endpoint and DIR/host are machines for `run`
 *   epdma-sim add-endpoint DIR SIDE SLOT
 *                               one more endpoint card DIR/SIDE at SLOT on the host
 *   epdma-sim reset DIR/SIDE    the endpoint reboots: link down, fresh tree, /etc kept
 *   epdma-sim daemon DIR/SIDE [ARG...]
 *                               epdmad on SIDE's fake kernel, in the foreground, its
 *                               --uevent-fd fed with the uevents of the cable
 *   epdma-sim link-event DIR SIDE EVENT...
 *                               (the fake kernels run this; not for users)
 *
 * KIND: rcar-s4, rk3588, rk3588-mf2, bad-max-functions, two-controllers,
 * foreign, x86-host, conformance, pair, host-card (x86-host with the host
 * modules, role = host and one endpoint card), host-card-N (the same plus N
 * functions on domain 0001: the discovery benchmark). The same builders the
 * test suites use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "sim-link.h"

static const struct {
	const char *name;
	void (*build)(struct fx *fx);
} kinds[] = {
	{ "rcar-s4", fx_rcar_s4 },
	{ "rk3588", fx_rk3588 },
	{ "rk3588-mf2", fx_rk3588_mf2 },
	{ "bad-max-functions", fx_bad_max_functions },
	{ "two-controllers", fx_two_controllers },
	{ "foreign", fx_foreign },
	{ "x86-host", fx_x86_host },
	{ "conformance", fx_conformance },
};

/* An x86 host with one i.MX8-profile card (and FUNCTIONS more functions on domain 0001). */
static void host_card(struct fx *fx, unsigned int functions)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = NULL;
	struct epdma_ctx *ctx = NULL;

	fx_x86_host(fx);
	fx_host_modules(fx, true);
	fx_write(fx, "/etc/epdma.conf",
		 "[general]\nrole = host\nprofile = imx8\n\n[dma]\nwr_chans = 2\nrd_chans = 2\n");
	if (epdma_ctx_new(&ctx, fx->root) < 0 || epdma_config_load(ctx, NULL, &cfg, &errs) < 0) {
		fprintf(stderr, "epdma-sim: host config: %s\n",
			errs.count ? errs.items[0].message : "?");
		exit(1);
	}
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg });
	if (functions)
		fx_host_many(fx, functions);
	epdma_config_free(cfg);
	epdma_ctx_free(ctx);
}

static int usage(FILE *f, int status)
{
	fprintf(f, "usage: epdma-sim new KIND\n"
		   "       epdma-sim run DIR CMD [ARG...]\n"
		   "       epdma-sim add-endpoint PAIR SIDE SLOT\n"
		   "       epdma-sim reset PAIR/SIDE\n"
		   "       epdma-sim daemon PAIR/SIDE [EPDMAD-ARG...]\n"
		   "kinds: pair host-card host-card-N");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fprintf(f, " %s", kinds[i].name);
	fprintf(f, "\n\n"
		   "A pair is an R-Car S4 endpoint and an x86 host cabled together: once the\n"
		   "endpoint's controller is started, the host's next PCI rescan finds its two\n"
		   "functions, built from the endpoint's configfs graph; stopping or resetting\n"
		   "the endpoint takes them away. Each side is a machine for `run`:\n"
		   "\n"
		   "  pair=$(epdma-sim new pair)\n"
		   "  epdma-sim run $pair/endpoint epdmactl --root $pair/endpoint/root setup\n"
		   "  epdma-sim run $pair/host epdmactl --root $pair/host/root setup --wait 5\n"
		   "  epdma-sim reset $pair/endpoint\n"
		   "  epdma-sim daemon $pair/host -v &    # the host's epdmad, uevents and all\n"
		   "\n"
		   "`daemon` runs epdmad --root SIDE/root -f --uevent-fd N [EPDMAD-ARG...] with\n"
		   "SIDE's fake kernel and stays in the foreground until it exits (SIGTERM,\n"
		   "SIGINT and SIGHUP are passed on; its exit status is epdmad's). The fake\n"
		   "kernel sends no uevents: the cable sends the kernel's add/remove messages\n"
		   "for the card's functions (a rescan adds them; the endpoint's stop or reset\n"
		   "removes them) to SIDE/" SIM_UEVENT_RELAY ", which this command relays to\n"
		   "epdmad (only the host gets uevents). epdmad is $EPDMAD, else the one\n"
		   "of this build\n"
		   "(" EPDMAD_PATH ").\n"
		   "\n"
		   "Configs: $pair/endpoint/root/etc/epdma.conf, $pair/host/root/etc/epdma.conf.\n"
		   "Fake kernel logs: <side>/root/dev/kmsg, <side>/kernel/oplog.\n"
		   "Each end's NTB transport announces what its own [transport] values give;\n"
		   "the link is up when both agree (<side>/root/sys/kernel/debug/ntb_transport).\n"
		   "A host that maps the BARs its drivers hold, as one booted with iomem=relaxed\n"
		   "(then host status and doctor compare both ends' values):\n"
		   "  echo iomem=relaxed >> $pair/host/kernel/config\n");
	return status;
}

/* The program the fake kernels of a pair run on their events: this one. */
static char *self(void)
{
	char *p = realpath("/proc/self/exe", NULL);

	if (!p) {
		perror("/proc/self/exe");
		exit(1);
	}
	return p;
}

/* "PAIR/SIDE" -> PAIR and SIDE (trailing slashes dropped). */
static void split_side(const char *arg, char **pair, char **side)
{
	char *a = strdup(arg), *b = strdup(arg);
	size_t n;

	if (!a || !b)
		exit(1);
	for (n = strlen(a); n > 1 && a[n - 1] == '/'; n--)
		a[n - 1] = b[n - 1] = '\0';
	*pair = strdup(dirname(a));
	*side = strdup(basename(b));
	free(a);
	free(b);
}

static int run(const char *dir, char **argv)
{
	char root[4096], state[4096], preload[8192];
	const char *asan = ASAN_RUNTIME;

	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(state, sizeof(state), "%s/kernel", dir);
	snprintf(preload, sizeof(preload), "%s%s%s", asan, *asan ? ":" : "", FAKEKERNEL_PATH);
	setenv("EPDMA_FAKE_ROOT", root, 1);
	setenv("EPDMA_FAKE_STATE", state, 1);
	setenv("LD_PRELOAD", preload, 1);
	execvp(argv[0], argv);
	perror(argv[0]);
	return 127;
}

static volatile sig_atomic_t daemon_pid;

static void pass_signal(int sig)
{
	if (daemon_pid > 0)
		kill((pid_t)daemon_pid, sig);
}

struct epdmad_test_uevent {
	uint32_t portid;
	uint32_t uid;
};

/* An "add" goes out once its DEVPATH is in ROOT/sys (the rescan that sent it
 * is still placing the functions); at most 5 s. */
static void until_added(const char *root, const char *msg, size_t len)
{
	const char *at = memchr(msg, '@', len);
	char p[PATH_MAX];
	struct stat st;

	if (!at || strncmp(msg, "add@", 4) ||
	    snprintf(p, sizeof(p), "%s/sys%.*s", root, (int)strnlen(at + 1, len - 4), at + 1) >=
		    (int)sizeof(p))
		return;
	for (int i = 0; i < 500 && stat(p, &st) < 0; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
}

/* epdmad on DIR's fake kernel with --uevent-fd, and the relay from the cable to it. */
static int daemon_run(const char *dir, int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *epdmad = getenv("EPDMAD") && *getenv("EPDMAD") ? getenv("EPDMAD") : EPDMAD_PATH;
	char root[4096], fdarg[16], buf[sizeof(struct epdmad_test_uevent) + 8192];
	struct sigaction sa_pass = { .sa_handler = pass_signal };
	int sp[2], relay, status = 0;
	char **args;
	pid_t pid;

	snprintf(root, sizeof(root), "%s/root", dir);
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" SIM_UEVENT_RELAY, dir) >=
	    (int)sizeof(sa.sun_path)) {
		fprintf(stderr, "epdma-sim: %s/%s: path too long for a unix socket\n", dir,
			SIM_UEVENT_RELAY);
		return 1;
	}
	relay = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	unlink(sa.sun_path);
	if (relay < 0 || bind(relay, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		fprintf(stderr, "epdma-sim: %s: %s\n", sa.sun_path, strerror(errno));
		return 1;
	}
	args = calloc((size_t)argc + 8, sizeof(*args));
	if (!args)
		return 1;
	snprintf(fdarg, sizeof(fdarg), "%d", sp[1]);
	args[0] = (char *)epdmad;
	args[1] = "--root";
	args[2] = root;
	args[3] = "-f";
	args[4] = "--uevent-fd";
	args[5] = fdarg;
	for (int i = 0; i < argc; i++)
		args[6 + i] = argv[i];
	sigaction(SIGTERM, &sa_pass, NULL);
	sigaction(SIGINT, &sa_pass, NULL);
	sigaction(SIGHUP, &sa_pass, NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		fcntl(sp[1], F_SETFD, 0);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		return run(dir, args);
	}
	daemon_pid = pid;
	close(sp[1]);
	for (;;) {
		struct pollfd pfd = { .fd = relay, .events = POLLIN };
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (poll(&pfd, 1, 100) > 0) {
			struct epdmad_test_uevent hdr = { .portid = 0, .uid = 0 };
			ssize_t n = recv(relay, buf + sizeof(hdr), sizeof(buf) - sizeof(hdr), 0);

			if (n <= 0)
				continue;
			until_added(root, buf + sizeof(hdr), (size_t)n);
			memcpy(buf, &hdr, sizeof(hdr));
			send(sp[0], buf, sizeof(hdr) + (size_t)n, MSG_NOSIGNAL);
		}
	}
	unlink(sa.sun_path);
	close(relay);
	close(sp[0]);
	free(args);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(stdout, 0);
	if (argc == 3 && !strcmp(argv[1], "new") && !strcmp(argv[2], "pair")) {
		char *helper = self(), *dir = sim_pair_new(helper);

		printf("%s\n", dir);
		free(dir);
		free(helper);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "add-endpoint")) {
		char *helper = self();

		sim_pair_add_endpoint(argv[2], argv[3], argv[4], helper);
		free(helper);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "reset")) {
		char *pair, *side;

		split_side(argv[2], &pair, &side);
		sim_endpoint_reset(pair, side);
		free(pair);
		free(side);
		return 0;
	}
	if (argc >= 5 && !strcmp(argv[1], "link-event"))
		return sim_link_event(argv[2], argv[3], argc - 4, argv + 4);
	if (argc >= 3 && !strcmp(argv[1], "new") && !strncmp(argv[2], "host-card", 9)) {
		struct fx *fx = fx_new();

		host_card(fx,
			  argv[2][9] == '-' ? (unsigned int)strtoul(argv[2] + 10, NULL, 10) : 0);
		printf("%s\n", fx->dir);
		fx_detach(fx);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "new")) {
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			if (strcmp(argv[2], kinds[i].name))
				continue;
			struct fx *fx = fx_new();

			kinds[i].build(fx);
			printf("%s\n", fx->dir);
			fx_detach(fx);
			return 0;
		}
		return usage(stderr, 2);
	}
	if (argc >= 3 && !strcmp(argv[1], "daemon")) {
		char *d = strdup(argv[2]);
		size_t n = d ? strlen(d) : 0;

		int r;

		while (n > 1 && d[n - 1] == '/')
			d[--n] = '\0';
		r = d ? daemon_run(d, argc - 3, argv + 3) : 1;
		free(d);
		return r;
	}
	if (argc >= 4 && !strcmp(argv[1], "run"))
		return run(argv[2], argv + 3);
	return usage(stderr, 2);
}
