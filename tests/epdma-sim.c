// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epdma-sim: a simulated machine for the demo and for trying epdmactl by hand.
 *
 *   epdma-sim new KIND          build a machine below $TMPDIR; prints its directory
 *   epdma-sim run DIR CMD...    run CMD with the fake kernel acting on DIR/root
 *
 * KIND: rcar-s4, rk3588, rk3588-mf2, bad-max-functions, two-controllers,
 * foreign, x86-host, conformance, host-card (x86-host with the host modules,
 * role = host and one endpoint card), host-card-N (the same plus N functions
 * on domain 0001: the discovery benchmark). The same builders the test suites use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

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

static int usage(void)
{
	fprintf(stderr, "usage: epdma-sim new KIND | epdma-sim run DIR CMD [ARG...]\nkinds:");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fprintf(stderr, " %s", kinds[i].name);
	fprintf(stderr, " host-card host-card-N\n");
	return 2;
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
		return usage();
	}
	if (argc >= 4 && !strcmp(argv[1], "run"))
		return run(argv[2], argv + 3);
	return usage();
}
