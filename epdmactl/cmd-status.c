// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl status (endpoint): the live graph, who owns what, and how it drifts from the config. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epdmactl.h"

struct status {
	struct epdma_config *cfg;
	struct epdma_graph *g;
	struct epdma_spec specs[2];
	char epc[64];
	unsigned int max_functions;
	bool max_known;
	size_t drift;
};

/* Linked functions by PF, then the rest by driver and name, as read. */
static int by_pf(const void *a, const void *b)
{
	const struct epdma_function *x = a, *y = b;
	int px = x->linked && x->pf >= 0 ? x->pf : 1000,
	    py = y->linked && y->pf >= 0 ? y->pf : 1000;

	if (px != py)
		return px - py;
	return strcmp(x->driver, y->driver) ?: strcmp(x->name, y->name);
}

static const struct epdma_spec *spec_of(const struct status *s, const struct epdma_function *f)
{
	for (int k = 0; k < 2; k++)
		if (!strcmp(s->specs[k].driver, f->driver) && !strcmp(s->specs[k].name, f->name))
			return &s->specs[k];
	return NULL;
}

static bool relevant(const struct status *s, const struct epdma_function *f)
{
	return f->owned || spec_of(s, f) || (f->linked && !strcmp(f->controller, s->epc));
}

static int64_t num(const struct epdma_function *f, const char *attr)
{
	const struct epdma_attr_value *a = epdma_function_attr(f, attr);
	int64_t v = -1;

	if (a)
		epdma_attr_parse(a->text, &v);
	return v;
}

static const char *text(const struct epdma_function *f, const char *attr)
{
	const struct epdma_attr_value *a = epdma_function_attr(f, attr);

	return a ? a->text : "?";
}

static void print_function(struct status *s, const struct epdma_function *f)
{
	const struct epdma_spec *spec = spec_of(s, f);
	char pf[16] = "PF?";

	if (f->linked && f->pf >= 0)
		snprintf(pf, sizeof(pf), "PF%d", f->pf);
	else if (!f->linked)
		snprintf(pf, sizeof(pf), "-");
	printf("  %-4s %s/%s  %s, %s%s\n", pf, f->driver, f->name,
	       f->owned ? "owned by epdma" : "not epdma's",
	       f->linked ? (strcmp(f->controller, s->epc) ? "linked elsewhere" : "linked")
			 : "not linked",
	       f->linked && f->via_primary ? " (through primary/)" : "");
	printf("       ids %04llx:%04llx class %02llx%02llx%02llx", (long long)num(f, "vendorid"),
	       (long long)num(f, "deviceid"), (long long)num(f, "baseclass_code"),
	       (long long)num(f, "subclass_code"), (long long)num(f, "progif_code"));
	if (!strcmp(f->driver, EPDMA_EPF_VNTB)) {
		printf(", %s MW, %s spads, %s doorbells, bus %02llx", text(f, "num_mws"),
		       text(f, "spad_count"), text(f, "db_count"),
		       (long long)num(f, "vbus_number"));
		/* BAR selectors exist from v6.18 only; -1 = the kernel chooses */
		if (epdma_function_attr(f, "ctrl_bar"))
			printf(", BARs ctrl %s db %s mw1 %s", text(f, "ctrl_bar"),
			       text(f, "db_bar"), text(f, "mw1_bar"));
		printf("\n");
	} else if (!strcmp(f->driver, EPDMA_EPF_DMA))
		printf(", %s write + %s read channels, %s MSI, BARs metadata %s window %s\n",
		       text(f, "wr_chans"), text(f, "rd_chans"), text(f, "msi_interrupts"),
		       text(f, "metadata_bar"), text(f, "dma_window_bar"));
	else
		printf("\n");
	for (size_t i = 0; spec && i < spec->nwant; i++) {
		const struct epdma_want *w = &spec->want[i];
		const struct epdma_attr_value *a = epdma_function_attr(f, w->name);

		if (epdma_want_matches(w, a ? a->text : NULL))
			continue;
		s->drift++;
		printf("       drift: %s is %s, the config wants %s\n", w->name,
		       a ? a->text : "(missing)", w->value);
	}
}

static void json_function(struct status *s, struct epdma_json *j, const struct epdma_function *f)
{
	const struct epdma_spec *spec = spec_of(s, f);

	epdma_json_object_begin(j, NULL);
	epdma_json_string(j, "driver", f->driver);
	epdma_json_string(j, "name", f->name);
	epdma_json_string(j, "subgroup", f->subgroup[0] ? f->subgroup : NULL);
	epdma_json_bool(j, "owned", f->owned);
	epdma_json_bool(j, "linked", f->linked);
	epdma_json_string(j, "controller", f->linked ? f->controller : NULL);
	/* Either form is the primary interface: controllers/<epc>/<fn> or <fn>/primary/<epc>. */
	epdma_json_string(j, "link_form",
			  !f->linked	   ? NULL
			  : f->via_primary ? "primary"
					   : "controller");
	if (f->linked && f->pf >= 0)
		epdma_json_int(j, "pf", f->pf);
	else
		epdma_json_null(j, "pf");
	epdma_json_object_begin(j, "attributes");
	for (size_t i = 0; i < f->nattrs; i++) {
		int64_t v;

		if (epdma_attr_parse(f->attrs[i].text, &v) == 0)
			epdma_json_int(j, f->attrs[i].name, v);
		else
			epdma_json_string(j, f->attrs[i].name, f->attrs[i].text);
	}
	epdma_json_object_end(j);
	epdma_json_array_begin(j, "drift");
	for (size_t i = 0; spec && i < spec->nwant; i++) {
		const struct epdma_want *w = &spec->want[i];
		const struct epdma_attr_value *a = epdma_function_attr(f, w->name);
		int64_t v;

		if (epdma_want_matches(w, a ? a->text : NULL))
			continue;
		s->drift++;
		epdma_json_object_begin(j, NULL);
		epdma_json_string(j, "attribute", w->name);
		if (a && epdma_attr_parse(a->text, &v) == 0)
			epdma_json_int(j, "live", v);
		else
			epdma_json_null(j, "live");
		epdma_json_int(j, "config", epdma_attr_parse(w->value, &v) == 0 ? v : 0);
		epdma_json_object_end(j);
	}
	epdma_json_array_end(j);
	epdma_json_object_end(j);
}

static size_t missing_functions(const struct status *s)
{
	size_t n = 0;

	for (int k = 0; k < 2; k++)
		n += !epdma_graph_find(s->g, s->specs[k].driver, s->specs[k].name);
	return n;
}

static void print_json(struct cli *cli, struct status *s)
{
	struct epdma_json j;
	struct epdma_errors none = { 0 };
	struct epdma_checks nochecks = { 0 };

	cli_json_begin(cli, &j, true);
	cli_json_errors(&j, &none);
	cli_json_checks(&j, &nochecks);
	epdma_json_string(&j, "role", "endpoint");
	epdma_json_string(&j, "controller", s->epc);
	if (s->max_known)
		epdma_json_int(&j, "max_functions", s->max_functions);
	else
		epdma_json_null(&j, "max_functions");
	if (s->g->start >= 0)
		epdma_json_bool(&j, "started", s->g->start == 1);
	else
		epdma_json_null(&j, "started");
	epdma_json_array_begin(&j, "functions");
	for (size_t i = 0; i < s->g->count; i++)
		if (relevant(s, &s->g->functions[i]))
			json_function(s, &j, &s->g->functions[i]);
	epdma_json_array_end(&j);
	epdma_json_int(&j, "missing_functions", (int64_t)missing_functions(s));
	epdma_json_bool(&j, "in_sync", !s->drift && !missing_functions(s) && s->g->start == 1);
	epdma_json_object_end(&j);
}

static void print_text(struct status *s)
{
	bool any = false;
	size_t missing = missing_functions(s);

	/* The state dot, as networkctl has it: all is well only when nothing drifts. */
	printf("%s %s: %s", s->g->start == 1 ? "●" : "○", s->epc,
	       s->g->start == 1	  ? "started"
	       : s->g->start == 0 ? "stopped"
				  : "not in configfs");
	if (s->max_known)
		printf(", up to %u functions", s->max_functions);
	printf("\n");
	for (size_t i = 0; i < s->g->count; i++)
		if (relevant(s, &s->g->functions[i])) {
			print_function(s, &s->g->functions[i]);
			any = true;
		}
	if (!any)
		printf("  no function\n");
	printf("%s\n",
	       !s->drift && !missing && s->g->start == 1
		       ? "In sync with the config."
		       : "Not in sync with the config: epdmactl plan shows what setup would do.");
}

/* Cannot report: the errors, as text or in the JSON envelope --json promises. */
static int status_fail(struct cli *cli, const struct epdma_errors *errs)
{
	struct epdma_checks nochecks = { 0 };
	struct epdma_json j;

	if (!cli->json) {
		cli_print_errors(errs);
		return EXIT_FAIL;
	}
	cli_json_begin(cli, &j, false);
	cli_json_errors(&j, errs);
	cli_json_checks(&j, &nochecks);
	epdma_json_object_end(&j);
	return EXIT_FAIL;
}

int cmd_status(struct cli *cli)
{
	struct epdma_errors errs = { 0 };
	struct status s = { 0 };
	const char *how;
	size_t len;
	int r;
	int ret = EXIT_OK;

	s.cfg = cli_load_config(cli, &errs);
	s.g = calloc(1, sizeof(*s.g));
	if (!s.cfg || !s.g) {
		ret = status_fail(cli, &errs);
		goto out;
	}
	if (epdma_role_resolve(cli->ctx, s.cfg) != EPDMA_ROLE_ENDPOINT) {
		epdma_errors_add(&errs, s.cfg->file, 0, "general.role",
				 "status: this system resolves to the host role, whose status is "
				 "not in this version");
		ret = status_fail(cli, &errs);
		goto out;
	}
	r = epdma_controller_pick(cli->ctx, s.cfg->controller, s.epc, sizeof(s.epc));
	if (r < 0) {
		unsigned int line = 0;

		epdma_config_source(s.cfg, "endpoint", "controller", &line);
		if (s.cfg->controller[0])
			epdma_errors_add(&errs, s.cfg->file, line, "endpoint.controller",
					 "%s is not in /sys/class/pci_epc", s.cfg->controller);
		else
			epdma_errors_add(&errs, s.cfg->file, 0, "endpoint.controller",
					 r == -ENOTUNIQ
						 ? "several endpoint controllers: set it to "
						   "one of /sys/class/pci_epc"
						 : "no endpoint controller in /sys/class/pci_epc");
		ret = status_fail(cli, &errs);
		goto out;
	}
	s.max_known = epdma_controller_max_functions(cli->ctx, s.epc, &s.max_functions, &len) == 0;
	epdma_specs_from_config(s.cfg, epdma_vntb_bar_attrs(cli->ctx, &how) > 0, s.specs);
	if (epdma_configfs_mounted(cli->ctx)) {
		epdma_graph_read(cli->ctx, s.epc, s.g);
		qsort(s.g->functions, s.g->count, sizeof(s.g->functions[0]), by_pf);
	} else
		s.g->start = -1;
	if (cli->json)
		print_json(cli, &s);
	else
		print_text(&s);
out:
	epdma_errors_clear(&errs);
	epdma_config_free(s.cfg);
	free(s.g);
	return ret;
}
