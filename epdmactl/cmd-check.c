// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl check: validate the config and preflight the chosen role. Writes nothing. */
#include <stdio.h>
#include <string.h>

#include "epdmactl.h"

static void print_mws(const struct epdma_config_vntb *v)
{
	for (uint32_t i = 0; i < v->num_mws; i++) {
		uint64_t s = v->mw[i];
		const char *unit = "";

		if (s && !(s % (1ull << 30)))
			s >>= 30, unit = "G";
		else if (s && !(s % (1ull << 20)))
			s >>= 20, unit = "M";
		else if (s && !(s % (1ull << 10)))
			s >>= 10, unit = "K";
		printf("%s%llu%s", i ? "+" : "", (unsigned long long)s, unit);
	}
}

static void print_would_build(const struct epdma_config *cfg, const char *epc)
{
	const struct epdma_config_vntb *v = &cfg->vntb;
	const struct epdma_config_dma *d = &cfg->dma;

	printf("\nWould build on %s:\n", epc);
	printf("  PF0  %s/%-10s %04x:%04x class %06x, %u MW (", EPDMA_EPF_VNTB, v->name,
	       v->vendor_id, v->device_id, v->class_code, v->num_mws);
	print_mws(v);
	printf("), %u spads, %u doorbells, virtual bus %02x\n", v->spad_count, v->db_count,
	       v->vbus_number);
	printf("  PF1  %s/%-11s %04x:%04x class %06x, %u write + %u read channels, %u MSI\n",
	       EPDMA_EPF_DMA, d->name, d->vendor_id, d->device_id, d->class_code, d->wr_chans,
	       d->rd_chans, d->msi_interrupts);
	printf("  then start the link\n");
}

static void json_function(json_object *a, int pf, const char *driver, const char *name,
			  uint16_t vendor, uint16_t device, uint32_t class_code)
{
	json_object *o = cli_json_object(a, NULL);

	cli_json_int(o, "pf", pf);
	cli_json_string(o, "driver", driver);
	cli_json_string(o, "name", name);
	cli_json_int(o, "vendor_id", vendor);
	cli_json_int(o, "device_id", device);
	cli_json_int(o, "class", class_code);
}

static void json_would_build(json_object *root, const struct epdma_config *cfg, const char *epc)
{
	json_object *w = cli_json_object(root, "would_build");
	json_object *a;

	cli_json_string(w, "controller", epc);
	a = cli_json_array(w, "functions");
	json_function(a, 0, EPDMA_EPF_VNTB, cfg->vntb.name, cfg->vntb.vendor_id,
		      cfg->vntb.device_id, cfg->vntb.class_code);
	json_function(a, 1, EPDMA_EPF_DMA, cfg->dma.name, cfg->dma.vendor_id, cfg->dma.device_id,
		      cfg->dma.class_code);
}

static size_t count(const struct epdma_checks *checks, enum epdma_check_result r)
{
	size_t n = 0;

	for (size_t i = 0; i < checks->count; i++)
		n += checks->items[i].result == r;
	return n;
}

static void print_json(struct cli *cli, const struct epdma_config *cfg, const struct epdma_run *run,
		       const struct epdma_errors *errs, bool ok)
{
	json_object *root = cli_json_new(cli, ok);

	cli_json_string(root, "role", cfg && run->role ? epdma_role_name(run->role) : NULL);
	cli_json_errors(root, errs);
	cli_json_checks(root, &run->checks);
	if (ok && run->role == EPDMA_ROLE_ENDPOINT)
		json_would_build(root, cfg, run->controller);
	cli_json_print(root);
}

static void print_text(const struct epdma_config *cfg, const struct epdma_run *run, bool ok)
{
	size_t warn = count(&run->checks, EPDMA_CHECK_WARN);

	printf("Config: %s%s%s\nRole:   %s\n\n", cfg->file, cfg->profile[0] ? ", profile " : "",
	       cfg->profile, epdma_role_name(run->role));
	cli_print_checks(&run->checks);
	if (ok && run->role == EPDMA_ROLE_ENDPOINT)
		print_would_build(cfg, run->controller);
	printf("\ncheck: %s (%zu passed, %zu warning%s, %zu failed)\n", ok ? "ok" : "FAILED",
	       count(&run->checks, EPDMA_CHECK_PASS), warn, warn == 1 ? "" : "s",
	       count(&run->checks, EPDMA_CHECK_FAIL));
}

/* The checks of the role this system plays; -errno when even the role is unknown. */
static int run_check(struct cli *cli, const struct epdma_config *cfg, struct epdma_run *run,
		     struct epdma_errors *errs)
{
	enum epdma_role role;
	int r = epdma_role_resolve(cli->ctx, cfg, &role, errs);

	if (r < 0)
		return r;
	if (role == EPDMA_ROLE_ENDPOINT)
		return epdma_endpoint_check(cli->ctx, cfg, 0, run);
	return epdma_host_check(cli->ctx, cfg, 0, run);
}

int cmd_check(struct cli *cli)
{
	struct epdma_errors errs = { 0 };
	struct epdma_run run;
	struct epdma_config *cfg = cli_load_config(cli, &errs);
	bool ok = false;

	epdma_run_init(&run);
	if (cfg)
		ok = run_check(cli, cfg, &run, &errs) == 0;
	if (cli->json) {
		print_json(cli, cfg, &run, &errs, ok);
	} else if (!cfg || !run.role) {
		cli_print_errors(&errs);
		if (!cfg)
			fprintf(stderr,
				"epdmactl: check: %zu error%s in the configuration; nothing was "
				"checked\n",
				errs.count, errs.count == 1 ? "" : "s");
	} else {
		cli_print_errors(&run.errors);
		print_text(cfg, &run, ok);
	}
	epdma_run_free(&run);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	return ok ? EXIT_OK : EXIT_FAIL;
}
