// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl setup on the host role: one library run, rendered as text or JSON. */
#include <stdio.h>

#include "epdmactl.h"

bool cli_role_is_host(struct cli *cli)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = cli_load_config(cli, &errs);
	enum epdma_role role = EPDMA_ROLE_AUTO;
	bool host = cfg && epdma_role_resolve(cli->ctx, cfg, &role, &errs) == 0 &&
		    role == EPDMA_ROLE_HOST;

	/* Errors are the endpoint path's to report: it loads the config again. */
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	return host;
}

static void print_json(struct cli *cli, const struct epdma_run *run, bool ok)
{
	json_object *root = cli_json_new(cli, ok), *a;
	const struct epdma_host *h = run->host;

	cli_json_errors(root, &run->errors);
	cli_json_checks(root, &run->checks);
	cli_json_string(root, "role", "host");
	cli_json_int(root, "writes", h ? h->writes : 0);
	a = cli_json_array(root, "steps");
	for (size_t i = 0; h && i < h->nsteps; i++)
		json_object_array_add(a, json_object_new_string(h->steps[i]));
	cli_json_print(root);
}

int cmd_host_setup(struct cli *cli)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = cli_load_config(cli, &errs);
	struct epdma_run run;
	int lock = -1, r = -1;

	epdma_run_init(&run);
	if (cfg)
		lock = cli_lock(cli, &errs);
	if (cfg && lock >= 0)
		r = epdma_host_setup(cli->ctx, cfg, cli_run_flags(cli), cfg->host.settle_timeout_ms,
				     &run);
	if (cli->json) {
		print_json(cli, &run, r == 0);
	} else {
		cli_print_errors(&errs);
		cli_print_errors(&run.errors);
		if (r < 0)
			cli_print_checks(&run.checks);
		for (size_t i = 0; run.host && i < run.host->nsteps; i++)
			printf("%s\n", run.host->steps[i]);
		if (r == 0)
			printf("setup: %s\n", run.host->writes ? "done" : "nothing to do");
	}
	epdma_unlock(lock);
	epdma_run_free(&run);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	return r == 0 ? EXIT_OK : EXIT_FAIL;
}
