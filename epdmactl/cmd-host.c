// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl setup / plan / teardown / status on the host role: one library run each, rendered
 * as text or JSON. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "epdmactl.h"

bool cli_role_is_host(struct cli *cli)
{
	struct epdma_errors errs = { 0 }, role_errs = { 0 };
	struct epdma_config *cfg = cli_load_config(cli, &errs);
	enum epdma_role role = EPDMA_ROLE_AUTO;
	bool host = cfg && epdma_role_resolve(cli->ctx, cfg, &role, &role_errs) == 0 &&
		    role == EPDMA_ROLE_HOST;

	/* Errors are the command's to report: its own load gets this config and
	 * what loading it said, or (when it failed) loads again and says it. */
	epdma_errors_clear(&role_errs);
	if (cfg) {
		cli->cfg = cfg;
		cli->cfg_errs = errs;
	} else {
		epdma_errors_clear(&errs);
	}
	return host;
}

static void json_card(json_object *root, const struct epdma_host *h)
{
	json_object *card;

	if (!h || h->vntb < 0) {
		cli_json_string(root, "card", NULL);
		return;
	}
	card = cli_json_object(root, "card");
	cli_json_string(card, "vntb", h->candidates[h->vntb].bdf);
	cli_json_string(card, "dma", h->candidates[h->dma].bdf);
	cli_json_bool(card, "proven", h->proven);
}

static void json_ops(json_object *root, const struct epdma_host *h)
{
	json_object *a = cli_json_array(root, "operations");

	for (size_t i = 0; h && i < h->nops; i++) {
		const struct epdma_host_op *op = &h->ops[i];
		json_object *o = cli_json_object(a, NULL), *log, *ins;
		char what[320];

		epdma_host_op_describe(op, what, sizeof(what));
		cli_json_string(o, "op", epdma_host_op_name(op->type));
		cli_json_string(o, "target", op->target);
		cli_json_string(o, "value", op->value[0] ? op->value : NULL);
		cli_json_string(o, "description", what);
		if (!op->ran)
			continue;
		cli_json_string(o, "result", op->result ? strerror(-op->result) : "ok");
		log = cli_json_array(o, "kernel_log");
		for (size_t k = 0; k < op->nlog; k++)
			json_object_array_add(log, json_object_new_string(op->log[k]));
		ins = cli_json_array(o, "inserted");
		for (size_t k = 0; k < op->ninserted; k++)
			json_object_array_add(ins, json_object_new_string(op->inserted[k]));
	}
}

/* setup, plan, teardown: the operations and what became of them. */
static void print_json(struct cli *cli, const struct epdma_errors *errs,
		       const struct epdma_run *run, bool ok)
{
	json_object *root = cli_json_new(cli, ok), *a;
	const struct epdma_host *h = run->host;

	cli_json_errors(root, errs->count ? errs : &run->errors);
	cli_json_checks(root, &run->checks);
	cli_json_string(root, "role", "host");
	json_card(root, h);
	json_ops(root, h);
	cli_json_int(root, "writes", h ? h->writes : 0);
	cli_json_int(root, "rescans", h ? h->rescans : 0);
	a = cli_json_array(root, "kernel_log_hints");
	for (size_t i = 0; h && i < h->nkernel_hints; i++)
		json_object_array_add(a, json_object_new_string(h->kernel_hints[i]));
	if (strcmp(cli->command, "plan")) {
		cli_json_int(root, "rolled_back", (int64_t)run->undone);
		cli_json_bool(root, "rollback_complete", !run->rollback_incomplete);
		cli_json_causes(root, run->causes);
	}
	cli_json_print(root);
}

static void print_ops(const struct epdma_host *h, bool plan)
{
	char what[320];

	for (size_t i = 0; h && i < h->nops; i++) {
		const struct epdma_host_op *op = &h->ops[i];

		epdma_host_op_describe(op, what, sizeof(what));
		if (plan)
			printf("  %s\n", what);
		else
			printf("%s%s\n", op->ran && op->result ? "FAILED: " : "", what);
		for (size_t k = 0; k < op->nlog; k++)
			printf("       kernel: %s\n", op->log[k]);
	}
}

enum host_cmd { HOST_SETUP, HOST_PLAN, HOST_TEARDOWN };

static int host_run(struct cli *cli, enum host_cmd which)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = cli_load_config(cli, &errs);
	unsigned int flags = cli_run_flags(cli);
	struct epdma_run run;
	int r = -1;

	epdma_run_init(&run);
	if (cfg) { /* setup and teardown take the lock themselves */
		if (which == HOST_SETUP)
			r = epdma_host_setup(cli->ctx, cfg, flags,
					     cli->wait_set ? cli->wait_s * 1000u : 0, &run);
		else if (which == HOST_PLAN)
			r = epdma_host_plan(cli->ctx, cfg, flags, &run);
		else
			r = epdma_host_teardown(cli->ctx, cfg, flags, &run);
	}
	if (cli->json) {
		print_json(cli, &errs, &run, r == 0);
		goto out;
	}
	cli_print_errors(&errs);
	cli_print_errors(&run.errors);
	if (r < 0 && which != HOST_TEARDOWN)
		cli_print_checks(&run.checks);
	if (which == HOST_PLAN && r == 0) {
		if (!run.host->nops)
			printf("Nothing to do: the host matches the config.\n");
		else
			printf("Plan for the host (%zu operation%s):\n", run.host->nops,
			       run.host->nops == 1 ? "" : "s");
		print_ops(run.host, true);
		if (run.host->vntb < 0 && run.host->nops)
			printf("  (then bind and hand over what the rescan finds)\n");
	} else if (which == HOST_PLAN) {
		fprintf(stderr, "epdmactl: plan: setup would be refused\n");
	} else {
		print_ops(run.host, false);
		if (run.undone || run.rollback_incomplete)
			fprintf(stderr, "epdmactl: %s: rolled back %zu operation%s%s\n",
				cli->command, run.undone, run.undone == 1 ? "" : "s",
				run.rollback_incomplete ? ", NOT all of them: see the errors above"
							: "; the host is as before");
		if (run.record_error)
			fprintf(stderr,
				"epdmactl: recording what epdma changed in /run failed: %s\n",
				strerror(-run.record_error));
		cli_print_causes(cli->command, run.causes);
		if (r == 0)
			printf("%s: %s\n", cli->command,
			       run.host->writes ? "done"
			       : which == HOST_SETUP
				       ? "nothing to do"
				       : "nothing to do: epdma changed nothing on this host");
		else if (r == -EPERM && !run.host->writes)
			fprintf(stderr, "epdmactl: %s: refused; nothing was changed\n",
				cli->command);
	}
out:
	epdma_run_free(&run);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	return r == 0 ? EXIT_OK : EXIT_FAIL;
}

int cmd_host_setup(struct cli *cli)
{
	return host_run(cli, HOST_SETUP);
}

int cmd_host_plan(struct cli *cli)
{
	return host_run(cli, HOST_PLAN);
}

int cmd_host_teardown(struct cli *cli)
{
	return host_run(cli, HOST_TEARDOWN);
}

/* ---- status ---- */

static const struct epdma_host_verified *last_verified(const struct epdma_host *h,
						       const struct epdma_check *c)
{
	if (c->result != EPDMA_CHECK_SKIP)
		return NULL;
	for (size_t i = 0; i < h->nverified; i++)
		if (!strcmp(h->verified[i].name, c->name))
			return &h->verified[i];
	return NULL;
}

static void when(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "never");
}

static void print_function(const struct epdma_host_candidate *c)
{
	printf("  %-4s %s  %04x:%04x class %06x subsystem %04x:%04x, %s%s\n",
	       epdma_host_kind_name(c->kind), c->bdf, c->vendor_id, c->device_id, c->class_code,
	       c->subsys_vendor_id, c->subsys_id, c->driver[0] ? "driver " : "no driver",
	       c->driver);
}

static void print_status(const struct epdma_run *run)
{
	const struct epdma_host *h = run->host;
	char t[64];

	printf("%s host: ", h->in_sync ? "●" : "○");
	if (h->vntb >= 0)
		printf("card %.12s\n", h->candidates[h->vntb].bdf);
	else
		printf("no card\n");
	if (h->vntb >= 0) {
		print_function(&h->candidates[h->vntb]);
		print_function(&h->candidates[h->dma]);
	}
	printf("Pairing:\n");
	when(h->verified_time, t, sizeof(t));
	for (size_t i = 0; i < run->checks.count; i++) {
		const struct epdma_check *c = &run->checks.items[i];
		const struct epdma_host_verified *v = last_verified(h, c);
		struct epdma_checks one = { (struct epdma_check *)c, 1, 0 };

		cli_print_checks(&one);
		if (v)
			printf("        %-24s last verified %s: %s %s\n", "", t,
			       epdma_check_result_name(v->result), v->message);
	}
	printf("DMA channels: %zu\n", h->nchannels);
	for (size_t i = 0; i < h->nchannels; i++)
		printf("  %-12s %s, %llu bytes, %llu memcpy\n", h->channels[i].name,
		       h->channels[i].in_use ? "in use" : "free",
		       (unsigned long long)h->channels[i].bytes_transferred,
		       (unsigned long long)h->channels[i].memcpy_count);
	printf("Transport: %s ", h->transport_module);
	if (!h->transport_loaded)
		printf("not loaded\n");
	else if (!h->transport_bdf_known)
		printf("loaded, its BDF parameter cannot be read\n");
	else
		printf("loaded, holds %s%s\n", h->transport_bdf[0] ? h->transport_bdf : "no BDF",
		       h->dma >= 0 && !strcmp(h->transport_bdf, h->candidates[h->dma].bdf)
			       ? " (the DMA function)"
		       : h->transport_bdf[0] ? " (NOT the DMA function found)"
					     : "");
	if (h->vntb >= 0)
		printf("NTB device: %s%s%s\n",
		       h->ntb_device ? h->candidates[h->vntb].bdf : "none on /sys/bus/ntb",
		       h->ntb_device ? (h->ntb_link[0] ? ", link " : ", link not shown in sysfs")
				     : "",
		       h->ntb_device ? h->ntb_link : "");
	printf("epdma changed: ");
	if (!h->override_bdf[0] && !h->inserted[0])
		printf("nothing recorded\n");
	else
		printf("%s%s%s%s%s\n", h->override_bdf[0] ? "driver_override of " : "",
		       h->override_bdf, h->override_bdf[0] && h->inserted[0] ? ", " : "",
		       h->inserted[0] ? "inserted " : "", h->inserted);
	printf("%s\n", h->in_sync ? "In sync with the config."
				  : "Not in sync with the config: epdmactl plan shows what setup "
				    "would do.");
	if (run->link)
		cli_print_link(run);
}

static void json_status(struct cli *cli, const struct epdma_run *run)
{
	json_object *root = cli_json_new(cli, true), *a, *o, *t;
	const struct epdma_host *h = run->host;
	char buf[64];

	cli_json_errors(root, &run->errors);
	cli_json_checks(root, &run->checks);
	cli_json_string(root, "role", "host");
	a = cli_json_array(root, "functions");
	for (int k = 0; k < 2; k++) {
		int i = k == 0 ? h->vntb : h->dma;
		const struct epdma_host_candidate *c;

		if (i < 0)
			continue;
		c = &h->candidates[i];
		o = cli_json_object(a, NULL);
		cli_json_string(o, "function", epdma_host_kind_name(c->kind));
		cli_json_string(o, "bdf", c->bdf);
		cli_json_int(o, "vendor_id", c->vendor_id);
		cli_json_int(o, "device_id", c->device_id);
		cli_json_int(o, "class", c->class_code);
		cli_json_int(o, "subsystem_id", c->subsys_id);
		cli_json_string(o, "driver", c->driver[0] ? c->driver : NULL);
	}
	o = cli_json_object(root, "last_verified");
	when(h->verified_time, buf, sizeof(buf));
	if (h->verified_time)
		cli_json_int(o, "time", h->verified_time);
	else
		cli_json_string(o, "time", NULL);
	a = cli_json_array(o, "checks");
	for (size_t i = 0; i < h->nverified; i++) {
		t = cli_json_object(a, NULL);
		cli_json_string(t, "name", h->verified[i].name);
		cli_json_string(t, "result", epdma_check_result_name(h->verified[i].result));
		cli_json_string(t, "message", h->verified[i].message);
	}
	a = cli_json_array(root, "dma_channels");
	for (size_t i = 0; i < h->nchannels; i++) {
		o = cli_json_object(a, NULL);
		cli_json_string(o, "name", h->channels[i].name);
		cli_json_bool(o, "in_use", h->channels[i].in_use);
		cli_json_int(o, "bytes_transferred", (int64_t)h->channels[i].bytes_transferred);
		cli_json_int(o, "memcpy_count", (int64_t)h->channels[i].memcpy_count);
	}
	o = cli_json_object(root, "transport");
	cli_json_string(o, "module", h->transport_module);
	cli_json_bool(o, "loaded", h->transport_loaded);
	cli_json_string(o, "bdf", h->transport_bdf_known ? h->transport_bdf : NULL);
	o = cli_json_object(root, "ntb_device");
	cli_json_string(o, "name", h->ntb_device ? h->candidates[h->vntb].bdf : NULL);
	cli_json_string(o, "link", h->ntb_link[0] ? h->ntb_link : NULL);
	o = cli_json_object(root, "owned");
	cli_json_string(o, "driver_override", h->override_bdf[0] ? h->override_bdf : NULL);
	cli_json_string(o, "inserted", h->inserted[0] ? h->inserted : NULL);
	cli_json_bool(root, "in_sync", h->in_sync);
	if (run->link)
		cli_json_link(root, run);
	cli_json_print(root);
}

/* Status on the host; false when it could not be read (RUN's errors say why). */
bool cli_host_status(struct cli *cli, const struct epdma_config *cfg, struct epdma_run *run)
{
	if (epdma_host_status(cli->ctx, cfg, run) < 0)
		return false;
	if (cli->json)
		json_status(cli, run);
	else
		print_status(run);
	return true;
}
