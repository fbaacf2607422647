// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl status (endpoint; the host's is in cmd-host.c): the live graph, who owns what, and how
 * it drifts from the config. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epdmactl.h"

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

/* An attribute as WIDTH hex digits; "missing" when a half-made function lacks it. */
static const char *hex(const struct epdma_function *f, const char *attr, int width, char buf[24])
{
	int64_t v = num(f, attr);

	if (v < 0)
		return "missing";
	snprintf(buf, 24, "%0*llx", width, (long long)v);
	return buf;
}

static void print_function(const struct epdma_run *run, const struct epdma_function *f)
{
	char pf[16] = "PF?", ids[2][24];

	if (f->linked && f->pf >= 0)
		snprintf(pf, sizeof(pf), "PF%d", f->pf);
	else if (!f->linked)
		snprintf(pf, sizeof(pf), "-");
	printf("  %-4s %s/%s  %s, %s%s\n", pf, f->driver, f->name,
	       f->owned ? "owned by epdma" : "not epdma's",
	       f->linked ? (strcmp(f->controller, run->controller) ? "linked elsewhere" : "linked")
			 : "not linked",
	       f->linked && f->via_primary ? " (through primary/)" : "");
	printf("       ids %s:%s class ", hex(f, "vendorid", 4, ids[0]),
	       hex(f, "deviceid", 4, ids[1]));
	if (num(f, "baseclass_code") < 0 || num(f, "subclass_code") < 0 ||
	    num(f, "progif_code") < 0)
		printf("missing");
	else
		printf("%02llx%02llx%02llx", (long long)num(f, "baseclass_code"),
		       (long long)num(f, "subclass_code"), (long long)num(f, "progif_code"));
	if (!strcmp(f->driver, EPDMA_EPF_VNTB)) {
		printf(", %s MW, %s spads, %s doorbells, bus %s", text(f, "num_mws"),
		       text(f, "spad_count"), text(f, "db_count"),
		       hex(f, "vbus_number", 2, ids[0]));
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
	for (size_t i = 0; i < run->ndrift; i++)
		if (run->drift[i].function == f)
			printf("       drift: %s is %s, the config wants %s\n", run->drift[i].attr,
			       run->drift[i].live_known ? run->drift[i].live : "(missing)",
			       run->drift[i].want);
}

static void json_drift(json_object *a, const struct epdma_drift *d)
{
	json_object *o = cli_json_object(a, NULL);
	int64_t v;

	cli_json_string(o, "attribute", d->attr);
	if (d->live_known && epdma_attr_parse(d->live, &v) == 0)
		cli_json_int(o, "live", v);
	else
		cli_json_string(o, "live", NULL);
	cli_json_int(o, "config", epdma_attr_parse(d->want, &v) == 0 ? v : 0);
}

static void json_function(const struct epdma_run *run, json_object *a,
			  const struct epdma_function *f)
{
	json_object *o = cli_json_object(a, NULL), *attrs, *drift;

	cli_json_string(o, "driver", f->driver);
	cli_json_string(o, "name", f->name);
	cli_json_string(o, "subgroup", f->subgroup[0] ? f->subgroup : NULL);
	cli_json_bool(o, "owned", f->owned);
	cli_json_bool(o, "linked", f->linked);
	cli_json_string(o, "controller", f->linked ? f->controller : NULL);
	/* Either form is the primary interface: controllers/<epc>/<fn> or <fn>/primary/<epc>. */
	cli_json_string(o, "link_form",
			!f->linked	 ? NULL
			: f->via_primary ? "primary"
					 : "controller");
	if (f->linked && f->pf >= 0)
		cli_json_int(o, "pf", f->pf);
	else
		cli_json_string(o, "pf", NULL);
	attrs = cli_json_object(o, "attributes");
	for (size_t i = 0; i < f->nattrs; i++) {
		int64_t v;

		if (epdma_attr_parse(f->attrs[i].text, &v) == 0)
			cli_json_int(attrs, f->attrs[i].name, v);
		else
			cli_json_string(attrs, f->attrs[i].name, f->attrs[i].text);
	}
	drift = cli_json_array(o, "drift");
	for (size_t i = 0; i < run->ndrift; i++)
		if (run->drift[i].function == f)
			json_drift(drift, &run->drift[i]);
}

static const char *family_name(int family)
{
	return family == AF_INET6 ? "inet6" : "inet";
}

/* The interface's addresses, one a line as ip(8) names them; a failed dump is said. */
static void print_addrs(const struct epdma_link_state *l)
{
	if (!l->addrs_known) {
		printf("    addresses unknown: %s\n", strerror(-l->addrs_error));
		return;
	}
	if (!l->naddrs)
		printf("    no address\n");
	for (size_t i = 0; i < l->naddrs; i++)
		printf("    %s %s/%u\n", family_name(l->addrs[i].family), l->addrs[i].address,
		       l->addrs[i].prefixlen);
	if (l->addrs_lost)
		printf("    and %zu more\n", l->addrs_lost);
}

/* "addresses" (null when the dump failed: "addresses_error" says why), "addresses_lost". */
static void json_addrs(json_object *n, const struct epdma_link_state *l)
{
	json_object *a = NULL;

	if (l->addrs_known)
		a = cli_json_array(n, "addresses");
	else
		cli_json_string(n, "addresses", NULL);
	for (size_t i = 0; a && i < l->naddrs; i++) {
		json_object *o = cli_json_object(a, NULL);

		cli_json_string(o, "family", family_name(l->addrs[i].family));
		cli_json_string(o, "address", l->addrs[i].address);
		cli_json_int(o, "prefixlen", l->addrs[i].prefixlen);
	}
	cli_json_int(n, "addresses_lost", (int64_t)l->addrs_lost);
	cli_json_string(n, "addresses_error", l->addrs_known ? NULL : strerror(-l->addrs_error));
}

/* Why a link that is not up is down: each known cause, or why none could be looked for. */
static void print_causes(const struct epdma_doctor *d)
{
	if (!d)
		return;
	if (d->kmsg_error)
		printf("  causes in the kernel log unknown: cannot read /dev/kmsg: %s\n",
		       strerror(-d->kmsg_error));
	for (size_t i = 0; i < d->count; i++)
		cli_print_finding(&d->findings[i], "  cause ", false);
}

/*
 * The NTB device, the transport's queues and the client's interface (text;
 * both roles); under a link that is not up, its known causes, then where to
 * look when this side cannot see the cause.
 */
void cli_print_link(const struct epdma_run *run)
{
	const struct epdma_link_state *l = run->link;
	char why[96];

	printf("link: %s\n", epdma_link_summary(l, why, sizeof(why)));
	if (l->ntb_present) {
		printf("  NTB device %s%s%s", l->ntb_device, l->pci_device[0] ? " on " : "",
		       l->pci_device);
		if (l->debugfs)
			printf(", %u of %u transport queues up", l->qps_up, l->nqps);
		printf("\n");
		if (!l->netdev[0])
			printf("  no network interface on it (is the transport's client "
			       "loaded?)\n");
		else if (!l->nl_known)
			printf("  interface %s: state unknown (%s)\n", l->netdev,
			       strerror(-l->nl_error));
		else
			printf("  interface %s: %s, %s, mtu %u, rx %llu bytes, tx %llu bytes\n",
			       l->netdev, l->operstate, l->carrier ? "carrier" : "no carrier",
			       l->mtu, (unsigned long long)l->rx_bytes,
			       (unsigned long long)l->tx_bytes);
		if (l->netdev[0] && l->nl_known)
			print_addrs(l);
	}
	print_causes(run->causes);
	cli_print_link_peer_hint(run);
}

static void json_interface(json_object *o, const struct epdma_link_state *l)
{
	json_object *n;

	if (!l->netdev[0] || !l->nl_known) {
		cli_json_string(o, "interface", NULL);
		return;
	}
	n = cli_json_object(o, "interface");
	cli_json_string(n, "name", l->netdev);
	cli_json_string(n, "operstate", l->operstate);
	cli_json_bool(n, "carrier", l->carrier);
	cli_json_int(n, "mtu", l->mtu);
	cli_json_int(n, "rx_bytes", (int64_t)l->rx_bytes);
	cli_json_int(n, "tx_bytes", (int64_t)l->tx_bytes);
	json_addrs(n, l);
}

void cli_json_link(json_object *root, const struct epdma_run *run)
{
	const struct epdma_link_state *l = run->link;
	json_object *o = cli_json_object(root, "link");
	const struct epdma_doctor *d = run->causes;
	char why[96];

	cli_json_bool(o, "up", run->link_up);
	cli_json_string(o, "summary", epdma_link_summary(l, why, sizeof(why)));
	cli_json_string(o, "ntb_device", l->ntb_present ? l->ntb_device : NULL);
	cli_json_string(o, "pci_device", l->pci_device[0] ? l->pci_device : NULL);
	if (l->debugfs) {
		cli_json_int(o, "queues", l->nqps);
		cli_json_int(o, "queues_up", l->qps_up);
	} else {
		cli_json_string(o, "queues", NULL);
		cli_json_string(o, "queues_up", NULL);
	}
	json_interface(o, l);
	/* null: not looked for (the link is up); []: looked for, none known. */
	if (d)
		cli_json_causes(o, d);
	else
		cli_json_string(o, "causes", NULL);
	snprintf(why, sizeof(why), "cannot read /dev/kmsg: %s",
		 d && d->kmsg_error ? strerror(-d->kmsg_error) : "");
	cli_json_string(o, "causes_error", d && d->kmsg_error ? why : NULL);
	cli_json_link_peer_hint(root, run);
}

static void print_json(struct cli *cli, const struct epdma_run *run)
{
	json_object *root = cli_json_new(cli, true), *fns;
	const struct epdma_graph *g = run->graph;

	cli_json_errors(root, &run->errors);
	cli_json_checks(root, &run->checks);
	cli_json_string(root, "role", "endpoint");
	cli_json_string(root, "controller", run->controller);
	if (run->max_functions_known)
		cli_json_int(root, "max_functions", run->max_functions);
	else
		cli_json_string(root, "max_functions", NULL);
	if (g->start >= 0)
		cli_json_bool(root, "started", g->start == 1);
	else
		cli_json_string(root, "started", NULL);
	fns = cli_json_array(root, "functions");
	for (size_t i = 0; i < g->count; i++)
		json_function(run, fns, &g->functions[i]);
	cli_json_int(root, "missing_functions", (int64_t)run->missing_functions);
	cli_json_bool(root, "in_sync", run->in_sync);
	cli_json_link(root, run);
	cli_status_daemon(cli, root);
	cli_json_print(root);
}

static void print_text(const struct epdma_run *run)
{
	const struct epdma_graph *g = run->graph;

	/* The state dot, as networkctl has it: all is well only when nothing drifts. */
	printf("%s %s: %s", g->start == 1 ? "●" : "○", run->controller,
	       g->start == 1   ? "started"
	       : g->start == 0 ? "stopped"
			       : "not in configfs");
	if (run->max_functions_known)
		printf(", up to %u functions", run->max_functions);
	printf("\n");
	for (size_t i = 0; i < g->count; i++)
		print_function(run, &g->functions[i]);
	if (!g->count)
		printf("  no function\n");
	printf("%s\n", run->in_sync ? "In sync with the config."
				    : "Not in sync with the config: epdmactl plan shows what "
				      "setup would do.");
	cli_print_link(run);
}

/* Cannot report: the errors, as text or in the JSON envelope --json promises. */
static int status_fail(struct cli *cli, const struct epdma_errors *errs)
{
	struct epdma_checks nochecks = { 0 };
	json_object *root;

	if (!cli->json) {
		cli_print_errors(errs);
		return EXIT_FAIL;
	}
	root = cli_json_new(cli, false);
	cli_json_errors(root, errs);
	cli_json_checks(root, &nochecks);
	cli_json_print(root);
	return EXIT_FAIL;
}

int cmd_status(struct cli *cli)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = cli_load_config(cli, &errs);
	enum epdma_role role = EPDMA_ROLE_AUTO;
	struct epdma_run run;
	int ret = EXIT_OK;

	epdma_run_init(&run);
	run.wait_link_ms = cli->wait_link_ms;
	if (!cfg || epdma_role_resolve(cli->ctx, cfg, &role, &errs) < 0) {
		ret = status_fail(cli, &errs);
	} else if (role != EPDMA_ROLE_ENDPOINT) {
		if (!cli_host_status(cli, cfg, &run))
			ret = status_fail(cli, &run.errors);
	} else if (epdma_endpoint_status(cli->ctx, cfg, &run) < 0) {
		ret = status_fail(cli, &run.errors);
	} else if (cli->json) {
		print_json(cli, &run);
	} else {
		print_text(&run);
		cli_status_daemon(cli, NULL);
	}
	/* --wait-link: the exit status says whether the link came up in time. */
	if (ret == EXIT_OK && cli->wait_link && !run.link_up)
		ret = EXIT_FAIL;
	epdma_run_free(&run);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	return ret;
}
