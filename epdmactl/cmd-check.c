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

static void json_function(struct epdma_json *j, int pf, const char *driver, const char *name,
			  uint16_t vendor, uint16_t device, uint32_t class_code)
{
	epdma_json_object_begin(j, NULL);
	epdma_json_int(j, "pf", pf);
	epdma_json_string(j, "driver", driver);
	epdma_json_string(j, "name", name);
	epdma_json_int(j, "vendor_id", vendor);
	epdma_json_int(j, "device_id", device);
	epdma_json_int(j, "class", class_code);
	epdma_json_object_end(j);
}

static void json_would_build(struct epdma_json *j, const struct epdma_config *cfg, const char *epc)
{
	epdma_json_object_begin(j, "would_build");
	epdma_json_string(j, "controller", epc);
	epdma_json_array_begin(j, "functions");
	json_function(j, 0, EPDMA_EPF_VNTB, cfg->vntb.name, cfg->vntb.vendor_id,
		      cfg->vntb.device_id, cfg->vntb.class_code);
	json_function(j, 1, EPDMA_EPF_DMA, cfg->dma.name, cfg->dma.vendor_id, cfg->dma.device_id,
		      cfg->dma.class_code);
	epdma_json_array_end(j);
	epdma_json_object_end(j);
}

static size_t count(const struct epdma_checks *checks, enum epdma_check_result r)
{
	size_t n = 0;

	for (size_t i = 0; i < checks->count; i++)
		n += checks->items[i].result == r;
	return n;
}

int cmd_check(struct cli *cli)
{
	struct epdma_errors errs = { 0 };
	struct epdma_checks checks = { 0 };
	struct epdma_config *cfg = cli_load_config(cli, &errs);
	enum epdma_role role = EPDMA_ROLE_AUTO;
	char epc[64] = "";
	bool ok;

	if (cfg) {
		role = epdma_role_resolve(cli->ctx, cfg);
		if (role == EPDMA_ROLE_ENDPOINT)
			epdma_check_endpoint(cli->ctx, cfg, 0, &checks, epc, sizeof(epc));
		else
			epdma_check_host(cli->ctx, cfg, &checks);
	}
	ok = cfg && !epdma_checks_failed(&checks);
	if (cli->json) {
		struct epdma_json j;

		cli_json_begin(cli, &j, ok);
		if (cfg)
			epdma_json_string(&j, "role", epdma_role_name(role));
		else
			epdma_json_null(&j, "role");
		cli_json_errors(&j, &errs);
		cli_json_checks(&j, &checks);
		if (ok && role == EPDMA_ROLE_ENDPOINT)
			json_would_build(&j, cfg, epc);
		epdma_json_object_end(&j);
	} else if (!cfg) {
		cli_print_errors(&errs);
		fprintf(stderr,
			"epdmactl: check: %zu error%s in the configuration; nothing was checked\n",
			errs.count, errs.count == 1 ? "" : "s");
	} else {
		printf("Config: %s%s%s\nRole:   %s\n\n", cfg->file,
		       cfg->profile[0] ? ", profile " : "", cfg->profile, epdma_role_name(role));
		cli_print_checks(&checks);
		if (ok && role == EPDMA_ROLE_ENDPOINT)
			print_would_build(cfg, epc);
		size_t warn = count(&checks, EPDMA_CHECK_WARN);

		printf("\ncheck: %s (%zu passed, %zu warning%s, %zu failed)\n",
		       ok ? "ok" : "FAILED", count(&checks, EPDMA_CHECK_PASS), warn,
		       warn == 1 ? "" : "s", count(&checks, EPDMA_CHECK_FAIL));
	}
	epdma_checks_clear(&checks);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	return ok ? EXIT_OK : EXIT_FAIL;
}
