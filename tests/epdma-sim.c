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
 *   epdma-sim link-event DIR SIDE EVENT...
 *                               (the fake kernels run this; not for users)
 *
 * KIND: rcar-s4, rk3588, rk3588-mf2, bad-max-functions, two-controllers,
 * foreign, x86-host, conformance, pair, host-card (x86-host with the host
 * modules, role = host and one endpoint card), host-card-N (the same plus N
 * functions on domain 0001: the discovery benchmark). The same builders the
 * test suites use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <limits.h>
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
	if (argc >= 4 && !strcmp(argv[1], "run"))
		return run(argv[2], argv + 3);
	return usage(stderr, 2);
}
