// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl discover (host): the candidate functions, the selected pair and its proof. Writes
 * nothing. */
#include <stdio.h>
#include <string.h>

#include "epdmactl.h"

static void print_candidate(const struct epdma_host_candidate *c)
{
	printf("  %s %-4s %s  %04x:%04x class %06x subsystem %04x:%04x, %s%s\n",
	       c->selected  ? "●"
	       : c->matches ? "○"
			    : "✗",
	       epdma_host_kind_name(c->kind), c->bdf, c->vendor_id, c->device_id, c->class_code,
	       c->subsys_vendor_id, c->subsys_id, c->driver[0] ? "driver " : "no driver",
	       c->driver);
	printf("       %s: %s\n", c->matches ? "matches" : "does not match", c->why);
}

static void print_text(const struct epdma_run *run, bool ok)
{
	const struct epdma_host *h = run->host;

	printf("Candidates:\n");
	for (size_t i = 0; h && i < h->ncandidates; i++)
		print_candidate(&h->candidates[i]);
	if (!h || !h->ncandidates)
		printf("  none: no PCI function has the configured vNTB or DMA IDs\n");
	if (h && h->candidates_lost)
		printf("  ... and %zu more not shown\n", h->candidates_lost);
	printf("\nPairing:\n");
	cli_print_checks(&run->checks);
	printf("\ndiscover: %s\n", ok ? "the configured pair is found and proven"
				      : "the configured pair is NOT proven");
}

static void json_candidate(json_object *a, const struct epdma_host_candidate *c)
{
	json_object *o = cli_json_object(a, NULL);

	cli_json_string(o, "function", epdma_host_kind_name(c->kind));
	cli_json_string(o, "bdf", c->bdf);
	cli_json_int(o, "vendor_id", c->vendor_id);
	cli_json_int(o, "device_id", c->device_id);
	cli_json_int(o, "class", c->class_code);
	cli_json_int(o, "subsystem_vendor_id", c->subsys_vendor_id);
	cli_json_int(o, "subsystem_id", c->subsys_id);
	cli_json_string(o, "driver", c->driver[0] ? c->driver : NULL);
	cli_json_bool(o, "matches", c->matches);
	cli_json_string(o, "why", c->why);
	cli_json_bool(o, "selected", c->selected);
}

static void print_json(struct cli *cli, const struct epdma_run *run,
		       const struct epdma_errors *errs, bool ok)
{
	json_object *root = cli_json_new(cli, ok), *a, *pair;
	const struct epdma_host *h = run->host;

	cli_json_errors(root, errs->count ? errs : &run->errors);
	cli_json_checks(root, &run->checks);
	cli_json_string(root, "role", "host");
	a = cli_json_array(root, "candidates");
	for (size_t i = 0; h && i < h->ncandidates; i++)
		json_candidate(a, &h->candidates[i]);
	cli_json_int(root, "candidates_not_shown", h ? (int64_t)h->candidates_lost : 0);
	if (h && h->vntb >= 0) {
		pair = cli_json_object(root, "pair");
		cli_json_string(pair, "vntb", h->candidates[h->vntb].bdf);
		cli_json_string(pair, "dma", h->candidates[h->dma].bdf);
		cli_json_bool(pair, "proven", h->proven);
	} else {
		cli_json_string(root, "pair", NULL);
	}
	cli_json_print(root);
}

int cmd_discover(struct cli *cli)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = cli_load_config(cli, &errs);
	enum epdma_role role = EPDMA_ROLE_AUTO;
	struct epdma_run run;
	bool ok = false;

	epdma_run_init(&run);
	if (cfg && epdma_role_resolve(cli->ctx, cfg, &role, &errs) == 0) {
		if (role == EPDMA_ROLE_HOST)
			ok = epdma_host_discover(cli->ctx, cfg, &run) == 0;
		else
			epdma_errors_addr(&errs, EPDMA_REASON_WRONG_ROLE, "general.role",
					  "discover works on the host role; this system resolves "
					  "to the endpoint role");
	}
	if (cli->json) {
		print_json(cli, &run, &errs, ok);
	} else if (errs.count || !run.host) {
		cli_print_errors(&errs);
	} else {
		cli_print_errors(&run.errors);
		print_text(&run, ok);
	}
	epdma_run_free(&run);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	return ok ? EXIT_OK : EXIT_FAIL;
}
