// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl plan / setup / teardown: the endpoint graph, planned and applied. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epdmactl.h"

struct run {
	struct cli *cli;
	struct epdma_config *cfg;
	struct epdma_errors errs;
	struct epdma_checks checks;
	struct epdma_graph *graph;
	struct epdma_plan *plan;
	struct epdma_apply apply;
	bool applied;
	char epc[64];
	int lock;
};

static void run_free(struct run *r)
{
	if (r->applied)
		epdma_apply_free(&r->apply);
	epdma_unlock(r->lock);
	epdma_errors_clear(&r->errs);
	epdma_checks_clear(&r->checks);
	epdma_config_free(r->cfg);
	free(r->graph);
	free(r->plan);
}

static unsigned int lock_timeout_ms(void)
{
	const char *s = getenv("EPDMA_LOCK_TIMEOUT_MS");

	return s && *s ? (unsigned int)strtoul(s, NULL, 10) : EPDMA_LOCK_TIMEOUT_MS;
}

static int take_lock(struct run *r)
{
	unsigned int ms = lock_timeout_ms();
	pid_t holder;

	r->lock = epdma_lock(r->cli->ctx, ms, &holder);
	if (r->lock == -ETIMEDOUT) {
		/* Whole seconds when they are exact: "300 ms" must not read "0 s". */
		epdma_errors_add(&r->errs, "/run/epdma/lock", 0, NULL,
				 "another epdma run (pid %d) holds the lock; gave up after %u %s",
				 (int)holder, ms % 1000 ? ms : ms / 1000, ms % 1000 ? "ms" : "s");
		return -ETIMEDOUT;
	}
	if (r->lock < 0)
		epdma_errors_add(&r->errs, "/run/epdma/lock", 0, NULL, "cannot lock: %s",
				 strerror(-r->lock));
	return r->lock < 0 ? r->lock : 0;
}

static unsigned int run_flags(const struct cli *cli)
{
	return (cli->force ? EPDMA_F_FORCE : 0) | (cli->adopt ? EPDMA_F_ADOPT : 0);
}

/* Config, role, preflight (with FIX: mount + module load), live graph. */
static int prepare(struct run *r, bool fix, bool mutate)
{
	struct cli *cli = r->cli;
	int err;

	r->lock = -1;
	r->cfg = cli_load_config(cli, &r->errs);
	if (!r->cfg)
		return -EINVAL;
	if (epdma_role_resolve(cli->ctx, r->cfg) != EPDMA_ROLE_ENDPOINT) {
		epdma_errors_add(
			&r->errs, r->cfg->file, 0, "general.role",
			"%s works on the endpoint role; this system resolves to the host "
			"role (no /sys/class/pci_epc entry), whose commands are not in this "
			"version",
			cli->command);
		return -EINVAL;
	}
	if (mutate && take_lock(r) < 0)
		return -EBUSY;
	err = epdma_endpoint_prepare(cli->ctx, r->cfg, fix, run_flags(cli), &r->checks, &r->errs,
				     r->epc, sizeof(r->epc));
	if (err < 0)
		return err;
	r->graph = calloc(1, sizeof(*r->graph));
	r->plan = calloc(1, sizeof(*r->plan));
	if (!r->graph || !r->plan)
		return -ENOMEM;
	if (epdma_configfs_mounted(cli->ctx)) {
		err = epdma_graph_read(cli->ctx, r->epc, r->graph);
		if (err < 0) {
			epdma_errors_add(&r->errs, NULL, 0, "configfs", "cannot read the graph: %s",
					 strerror(-err));
			return err;
		}
	} else {
		/* plan before setup mounted configfs: the graph is empty, start unknown */
		memset(r->graph, 0, sizeof(*r->graph));
		r->graph->start = 0;
		snprintf(r->graph->controller, sizeof(r->graph->controller), "%s", r->epc);
		epdma_graph_state_read(cli->ctx, &r->graph->state);
	}
	return 0;
}

static void json_op(struct epdma_json *j, const struct epdma_plan *plan, const struct epdma_op *op,
		    const struct epdma_op_result *res)
{
	char what[256];

	epdma_op_describe(plan, op, what, sizeof(what));
	epdma_json_object_begin(j, NULL);
	epdma_json_string(j, "op", epdma_op_type_name(op->type));
	epdma_json_string(j, "tag", epdma_op_tag_name(op->tag));
	epdma_json_string(j, "driver", op->driver[0] ? op->driver : NULL);
	epdma_json_string(j, "function", op->function[0] ? op->function : NULL);
	if (op->type == EPDMA_OP_WRITE) {
		epdma_json_string(j, "attribute", op->attr);
		epdma_json_string(j, "value", op->value);
	}
	if (op->type == EPDMA_OP_LINK && op->pf >= 0)
		epdma_json_int(j, "pf", op->pf);
	else if (op->type == EPDMA_OP_LINK)
		epdma_json_null(j, "pf"); /* beside a link whose PF epdma never knew */
	epdma_json_string(j, "description", what);
	if (res) {
		epdma_json_string(j, "result", res->result ? strerror(-res->result) : "ok");
		epdma_json_array_begin(j, "kernel_log");
		for (char **l = res->kernel_log; l && *l; l++)
			epdma_json_string(j, NULL, strchr(*l, ' ') + 1);
		epdma_json_array_end(j);
	}
	epdma_json_object_end(j);
}

static void print_json(struct run *r, bool ok, bool with_results)
{
	struct epdma_json j;
	size_t n = with_results ? r->apply.done : r->plan ? r->plan->count : 0;

	cli_json_begin(r->cli, &j, ok);
	cli_json_errors(&j, &r->errs);
	cli_json_checks(&j, &r->checks);
	epdma_json_string(&j, "controller", r->epc[0] ? r->epc : NULL);
	epdma_json_array_begin(&j, "operations");
	for (size_t i = 0; i < n; i++)
		json_op(&j, r->plan, &r->plan->ops[i], with_results ? &r->apply.results[i] : NULL);
	epdma_json_array_end(&j);
	if (with_results) {
		epdma_json_string(&j, "failure", r->apply.failed >= 0 ? r->apply.failure : NULL);
		epdma_json_int(&j, "rolled_back", (int64_t)r->apply.undone);
		epdma_json_bool(&j, "rollback_complete", !r->apply.rollback_incomplete);
		epdma_json_string(&j, "leftover", r->apply.leftover[0] ? r->apply.leftover : NULL);
	}
	epdma_json_object_end(&j);
}

/* Failed before anything was written: errors, failed checks, exit 1. */
static int refuse(struct run *r)
{
	if (r->cli->json) {
		print_json(r, false, false);
	} else {
		cli_print_errors(&r->errs);
		for (size_t i = 0; i < r->checks.count; i++) {
			const struct epdma_check *c = &r->checks.items[i];

			if (c->result != EPDMA_CHECK_FAIL)
				continue;
			fprintf(stderr, "epdmactl: %s: %s\n", c->name, c->message);
			if (c->hint)
				fprintf(stderr, "epdmactl:   hint: %s\n", c->hint);
		}
		if (!strcmp(r->cli->command, "plan"))
			fprintf(stderr, "epdmactl: plan: setup would be refused\n");
		else
			fprintf(stderr, "epdmactl: %s: refused; nothing was changed\n",
				r->cli->command);
	}
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

int cmd_plan(struct cli *cli)
{
	struct run r = { .cli = cli };
	unsigned int flags = run_flags(cli);
	int ret = EXIT_OK;

	if (prepare(&r, false, false) < 0 ||
	    epdma_plan_setup(cli->ctx, r.cfg, r.graph, flags, r.plan, &r.errs) < 0)
		ret = refuse(&r);
	else if (cli->json)
		print_json(&r, true, false);
	else
		print_plan(r.plan);
	run_free(&r);
	return ret;
}

static void print_results(struct run *r)
{
	char what[256];

	for (size_t i = 0; i < r->apply.done; i++) {
		const struct epdma_op_result *res = &r->apply.results[i];

		epdma_op_describe(r->plan, &r->plan->ops[i], what, sizeof(what));
		printf("  %-4s %s\n", res->result ? "FAIL" : "ok", what);
		for (char **l = res->kernel_log; l && *l; l++)
			printf("       kernel: %s\n", strchr(*l, ' ') + 1);
	}
}

/* A vNTB unlink leaves the function's virtual bus behind until reboot: say which. */
static void note_vntb_bus(struct run *r)
{
	for (size_t i = 0; i < r->apply.done; i++) {
		const struct epdma_op *op = &r->plan->ops[i];
		const struct epdma_function *f;
		const struct epdma_attr_value *vb;
		int64_t bus;

		if (op->type != EPDMA_OP_UNLINK || strcmp(op->driver, EPDMA_EPF_VNTB) ||
		    r->apply.results[i].result)
			continue;
		f = epdma_graph_find(r->graph, op->driver, op->function);
		vb = f ? epdma_function_attr(f, "vbus_number") : NULL;
		if (vb && epdma_attr_parse(vb->text, &bus) == 0)
			printf("note: the kernel keeps virtual bus %02llx of %s and its device "
			       "until reboot; a vNTB function needs another vbus_number and "
			       "other vntb_vid/vntb_pid until then\n",
			       (long long)bus, op->function);
	}
}

static int report_apply(struct run *r, int err)
{
	if (r->cli->json) {
		print_json(r, err == 0, true);
		return err ? EXIT_FAIL : EXIT_OK;
	}
	print_results(r);
	if (!err) {
		if (!r->plan->count)
			printf("Nothing to do: %s matches the config.\n", r->epc);
		else
			printf("%s: done (%zu operations)\n", r->cli->command, r->plan->count);
		note_vntb_bus(r);
		return EXIT_OK;
	}
	fprintf(stderr, "epdmactl: %s: %s\n", r->cli->command, r->apply.failure);
	if (r->apply.undone || r->apply.rollback_incomplete)
		fprintf(stderr, "epdmactl: %s: rolled back %zu operation%s%s\n", r->cli->command,
			r->apply.undone, r->apply.undone == 1 ? "" : "s",
			r->apply.rollback_incomplete ? ", NOT all of them: see the errors above"
						     : "; the graph is as before");
	if (r->apply.leftover[0])
		fprintf(stderr, "epdmactl: %s: %s\n", r->cli->command, r->apply.leftover);
	return EXIT_FAIL;
}

static int apply_plan(struct run *r)
{
	int err = epdma_plan_apply(r->cli->ctx, r->plan, r->graph, &r->apply);

	r->applied = true;
	if (err < 0 && r->apply.failed < 0 && !r->apply.failure[0])
		snprintf(r->apply.failure, sizeof(r->apply.failure), "%s", strerror(-err));
	return report_apply(r, err);
}

int cmd_setup(struct cli *cli)
{
	struct run r = { .cli = cli };
	unsigned int flags = run_flags(cli);
	int ret;

	if (prepare(&r, true, true) < 0 ||
	    epdma_plan_setup(cli->ctx, r.cfg, r.graph, flags, r.plan, &r.errs) < 0)
		ret = refuse(&r);
	else
		ret = apply_plan(&r);
	run_free(&r);
	return ret;
}

int cmd_teardown(struct cli *cli)
{
	struct run r = { .cli = cli };
	int ret;

	r.lock = -1;
	r.cfg = cli_load_config(cli, &r.errs);
	r.graph = calloc(1, sizeof(*r.graph));
	r.plan = calloc(1, sizeof(*r.plan));
	if (!r.cfg || !r.graph || !r.plan || take_lock(&r) < 0) {
		ret = refuse(&r);
		goto out;
	}
	epdma_graph_state_read(cli->ctx, &r.graph->state);
	snprintf(r.epc, sizeof(r.epc), "%s", r.graph->state.controller);
	if (!r.epc[0] || !epdma_configfs_mounted(cli->ctx)) {
		if (cli->json)
			print_json(&r, true, false);
		else
			printf("Nothing to do: epdma owns no function.\n");
		ret = EXIT_OK;
		goto out;
	}
	if (epdma_graph_read(cli->ctx, r.epc, r.graph) < 0 ||
	    epdma_plan_teardown(cli->ctx, r.graph, cli->force ? EPDMA_F_FORCE : 0, r.plan,
				&r.errs) < 0)
		ret = refuse(&r);
	else
		ret = apply_plan(&r);
out:
	run_free(&r);
	return ret;
}
