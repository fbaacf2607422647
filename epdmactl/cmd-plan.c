// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl plan / setup / teardown: one library run each, shown as text or JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epdmactl.h"

struct cmd {
	struct cli *cli;
	struct epdma_config *cfg;
	struct epdma_errors errs; /* the front end's own: config, role, lock */
	struct epdma_run run;
};

typedef int (*run_fn)(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		      struct epdma_run *run);

/* "link dma0 to ... failed: Invalid argument", or what else stopped the run. */
static void describe_failure(const struct epdma_run *run, char *buf, size_t size)
{
	const struct epdma_op_outcome *o;
	char what[256];

	if (run->failed < 0) {
		if (run->record_error)
			snprintf(buf, size, "recording what epdma created in /run/epdma failed: %s",
				 strerror(-run->record_error));
		else
			snprintf(buf, size, "%s", strerror(-run->error));
		return;
	}
	o = &run->outcomes[run->failed];
	epdma_op_describe(run->plan, &run->plan->ops[run->failed], what, sizeof(what));
	snprintf(buf, size, "%s failed: %s", what,
		 o->logged_error ? "the kernel logged an error (the link itself succeeded)"
				 : strerror(-o->result));
}

static void leftover_text(const struct epdma_run *run, char *buf, size_t size)
{
	const char *bus = strchr(run->leftover_bus, ':');

	snprintf(buf, size,
		 "the kernel keeps virtual bus %s of the vNTB function and its device until "
		 "reboot: neither vbus_number 0x%s nor its vntb_vid/vntb_pid can be used again in "
		 "this boot",
		 run->leftover_bus, bus ? bus + 1 : run->leftover_bus);
}

static void json_op(json_object *a, const struct epdma_plan *plan, const struct epdma_op *op,
		    const struct epdma_op_outcome *res)
{
	json_object *o = cli_json_object(a, NULL), *log;
	char what[256];

	epdma_op_describe(plan, op, what, sizeof(what));
	cli_json_string(o, "op", epdma_op_type_name(op->type));
	cli_json_string(o, "tag", epdma_op_tag_name(op->tag));
	cli_json_string(o, "driver", op->driver[0] ? op->driver : NULL);
	cli_json_string(o, "function", op->function[0] ? op->function : NULL);
	if (op->type == EPDMA_OP_WRITE) {
		cli_json_string(o, "attribute", op->attr);
		cli_json_string(o, "value", op->value);
	}
	if (op->type == EPDMA_OP_LINK && op->pf >= 0)
		cli_json_int(o, "pf", op->pf);
	else if (op->type == EPDMA_OP_LINK)
		cli_json_string(o, "pf", NULL); /* beside a link whose PF epdma never knew */
	cli_json_string(o, "description", what);
	if (!res)
		return;
	cli_json_string(o, "result", res->result ? strerror(-res->result) : "ok");
	log = cli_json_array(o, "kernel_log");
	for (size_t i = 0; i < res->nlog; i++)
		json_object_array_add(log, json_object_new_string(res->log[i].text));
}

static void print_json(struct cmd *c, bool ok)
{
	const struct epdma_run *run = &c->run;
	bool applied = run->outcomes != NULL;
	size_t n = applied ? run->done : run->plan ? run->plan->count : 0;
	json_object *root = cli_json_new(c->cli, ok), *ops;
	struct epdma_errors *errs = c->errs.count ? &c->errs : &c->run.errors;
	char buf[512];

	cli_json_errors(root, errs);
	cli_json_checks(root, &run->checks);
	cli_json_string(root, "controller", run->controller[0] ? run->controller : NULL);
	ops = cli_json_array(root, "operations");
	for (size_t i = 0; i < n; i++)
		json_op(ops, run->plan, &run->plan->ops[i], applied ? &run->outcomes[i] : NULL);
	if (!applied) {
		cli_json_print(root);
		return;
	}
	describe_failure(run, buf, sizeof(buf));
	cli_json_string(root, "failure", run->error ? buf : NULL);
	cli_json_int(root, "rolled_back", (int64_t)run->undone);
	cli_json_bool(root, "rollback_complete", !run->rollback_incomplete);
	leftover_text(run, buf, sizeof(buf));
	cli_json_string(root, "leftover", run->leftover_bus[0] ? buf : NULL);
	cli_json_causes(root, run->causes);
	cli_json_print(root);
}

/* Refused before anything was written: errors, failed checks, exit 1. */
static int refuse(struct cmd *c)
{
	if (c->cli->json) {
		print_json(c, false);
		return EXIT_FAIL;
	}
	cli_print_errors(&c->errs);
	cli_print_errors(&c->run.errors);
	for (size_t i = 0; i < c->run.checks.count; i++) {
		const struct epdma_check *k = &c->run.checks.items[i];
		const char *hint = cli_check_hint(k);

		if (k->result != EPDMA_CHECK_FAIL)
			continue;
		fprintf(stderr, "epdmactl: %s: %s\n", k->name, k->message);
		if (hint)
			fprintf(stderr, "epdmactl:   hint: %s\n", hint);
	}
	if (!strcmp(c->cli->command, "plan"))
		fprintf(stderr, "epdmactl: plan: setup would be refused\n");
	else
		fprintf(stderr, "epdmactl: %s: refused; nothing was changed\n", c->cli->command);
	return EXIT_FAIL;
}

static void print_plan(const struct epdma_plan *plan)
{
	char what[256];

	if (!plan->count) {
		printf("Nothing to do: %s matches the config.\n", plan->controller);
		return;
	}
	printf("Plan for %s (%zu operation%s):\n", plan->controller, plan->count,
	       plan->count == 1 ? "" : "s");
	for (size_t i = 0; i < plan->count; i++) {
		epdma_op_describe(plan, &plan->ops[i], what, sizeof(what));
		printf("  %-8s %s\n", epdma_op_tag_name(plan->ops[i].tag), what);
	}
}

static void print_results(const struct epdma_run *run)
{
	char what[256];

	for (size_t i = 0; i < run->done; i++) {
		const struct epdma_op_outcome *res = &run->outcomes[i];

		epdma_op_describe(run->plan, &run->plan->ops[i], what, sizeof(what));
		printf("  %-4s %s\n", res->result ? "FAIL" : "ok", what);
		if (res->readback_err)
			printf("       reads back %s\n", res->readback);
		for (size_t k = 0; k < res->nlog; k++)
			printf("       kernel: %s\n", res->log[k].text);
	}
}

/* What the rollback could not take back, and what brings the graph back. */
static void print_rollback(const struct epdma_run *run)
{
	static const char *const undo[] = {
		[EPDMA_OP_MKDIR] = "mkdir", [EPDMA_OP_WRITE] = "write",
		[EPDMA_OP_LINK] = "link",   [EPDMA_OP_UNLINK] = "unlink",
		[EPDMA_OP_RMDIR] = "rmdir", [EPDMA_OP_START] = "start",
		[EPDMA_OP_STOP] = "stop",   [EPDMA_OP_ADOPT] = "adopt",
	};

	for (size_t i = 0; i < run->nundo_failures; i++) {
		const struct epdma_undo_failure *f = &run->undo_failures[i];

		fprintf(stderr, "epdmactl: rollback: undoing %s of %s failed: %s\n", undo[f->type],
			f->function[0] ? f->function : run->controller, strerror(-f->error));
	}
	if (run->stop == EPDMA_STOP_RMDIR)
		fprintf(stderr,
			"epdmactl: rollback stops here: function %s is removed and cannot be "
			"brought back, so what came before stays done; epdmactl teardown finishes "
			"the removal, epdmactl setup builds the graph again\n",
			run->stop_function);
	else if (run->stop == EPDMA_STOP_VNTB_UNLINK)
		fprintf(stderr,
			"epdmactl: rollback stops here: %s stays unlinked (the kernel keeps its "
			"virtual bus and device until reboot: relinking it with the same "
			"vbus_number fails, with the same vntb_vid/vntb_pid a 6.12 kernel oopses), "
			"and what came before stays done (a function linked without it would take "
			"PF0); after a reboot, or with another vbus_number and vntb_vid/vntb_pid, "
			"epdmactl setup builds the graph again\n",
			run->stop_function);
}

static void print_rolled_back(const char *cmd, const struct epdma_run *run)
{
	if (run->undone || run->rollback_incomplete)
		fprintf(stderr, "epdmactl: %s: rolled back %zu operation%s%s\n", cmd, run->undone,
			run->undone == 1 ? "" : "s",
			run->rollback_incomplete ? ", NOT all of them: see the errors above"
						 : "; the graph is as before");
}

static void print_notes(const struct epdma_run *run)
{
	if (run->kmsg_error)
		fprintf(stderr,
			"epdmactl: cannot read the kernel log (/dev/kmsg): %s; link failures "
			"that the kernel only logs went unnoticed\n",
			strerror(-run->kmsg_error));
	if (run->record_error && run->failed >= 0)
		fprintf(stderr, "epdmactl: recording what epdma created in /run/epdma failed: %s\n",
			strerror(-run->record_error));
	/* A vNTB unlink leaves the function's virtual bus behind until reboot: say which. */
	for (size_t i = 0; i < run->nkept; i++)
		printf("note: the kernel keeps virtual bus %02x of %s and its device until reboot; "
		       "a vNTB function needs another vbus_number and other vntb_vid/vntb_pid "
		       "until "
		       "then\n",
		       run->kept[i].bus, run->kept[i].function);
}

static int report_apply(struct cmd *c)
{
	const struct epdma_run *run = &c->run;
	const char *cmd = c->cli->command;
	char buf[512];

	if (c->cli->json) {
		print_json(c, run->error == 0);
		return run->error ? EXIT_FAIL : EXIT_OK;
	}
	if (!run->outcomes) {
		printf("Nothing to do: epdma owns no function.\n");
		return EXIT_OK;
	}
	print_results(run);
	cli_print_transport(cmd, run);
	if (!run->error) {
		if (!run->plan->count)
			printf("Nothing to do: %s matches the config.\n", run->controller);
		else
			printf("%s: done (%zu operations)\n", cmd, run->plan->count);
		print_notes(run);
		return EXIT_OK;
	}
	print_notes(run);
	print_rollback(run);
	describe_failure(run, buf, sizeof(buf));
	fprintf(stderr, "epdmactl: %s: %s\n", cmd, buf);
	cli_print_causes(cmd, run->causes);
	print_rolled_back(cmd, run);
	if (run->leftover_bus[0]) {
		leftover_text(run, buf, sizeof(buf));
		fprintf(stderr, "epdmactl: %s: %s\n", cmd, buf);
	}
	return EXIT_FAIL;
}

/* Config and role: what the front end does itself (the runs take the lock). */
static int prepare(struct cmd *c, bool endpoint_only)
{
	enum epdma_role role = EPDMA_ROLE_ENDPOINT;

	c->cfg = cli_load_config(c->cli, &c->errs);
	if (!c->cfg)
		return -EINVAL;
	if (endpoint_only && epdma_role_resolve(c->cli->ctx, c->cfg, &role, &c->errs) < 0)
		return -EINVAL;
	if (endpoint_only && role != EPDMA_ROLE_ENDPOINT) {
		unsigned int line = 0;

		/* The line of role = host; 0 when role = auto decided it. */
		epdma_config_source(c->cfg, "general", "role", &line);
		epdma_errors_add(
			&c->errs, c->cfg->file, line, "general.role",
			"%s works on the endpoint role; this system resolves to the host "
			"role (no /sys/class/pci_epc entry), whose commands are not in this "
			"version",
			c->cli->command);
		return -EINVAL;
	}
	return 0;
}

static int run_command(struct cli *cli, run_fn fn, bool mutate, bool endpoint_only)
{
	struct cmd c = { .cli = cli };
	int ret;

	epdma_run_init(&c.run);
	if (prepare(&c, endpoint_only) < 0)
		ret = refuse(&c);
	else if (fn(cli->ctx, c.cfg, cli_run_flags(cli), &c.run) < 0 && !c.run.outcomes)
		ret = refuse(&c);
	else if (!mutate && cli->json)
		ret = (print_json(&c, true), EXIT_OK);
	else if (!mutate)
		ret = (print_plan(c.run.plan), EXIT_OK);
	else
		ret = report_apply(&c);
	epdma_run_free(&c.run);
	epdma_errors_clear(&c.errs);
	epdma_config_free(c.cfg);
	return ret;
}

int cmd_plan(struct cli *cli)
{
	if (cli_role_is_host(cli))
		return cmd_host_plan(cli);
	return run_command(cli, epdma_endpoint_plan, false, true);
}

int cmd_setup(struct cli *cli)
{
	if (cli_role_is_host(cli))
		return cmd_host_setup(cli);
	if (cli->wait_set) {
		fprintf(stderr, "epdmactl: setup: --wait is for the host role\n");
		return EXIT_USAGE;
	}
	return run_command(cli, epdma_endpoint_setup, true, true);
}

int cmd_teardown(struct cli *cli)
{
	/* Teardown undoes what epdma's record names, whatever the config says now. */
	if (cli_role_is_host(cli))
		return cmd_host_teardown(cli);
	return run_command(cli, epdma_endpoint_teardown, true, false);
}
