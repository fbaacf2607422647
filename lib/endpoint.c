// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Endpoint role runs, one per command, shared by epdmactl and epdmad:
 * probe the kernel once, preflight, read the live graph, plan, apply. Each
 * fills a struct epdma_run with everything a front end shows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "transport.h"

/*
 * Setup may mount configfs and load the EPF driver modules: system
 * prerequisites, not part of the graph, so never rolled back. Nothing is
 * written to the pci_ep graph here. 1 when something was put in place.
 */
static int prepare_system(struct epdma_ctx *ctx, const struct epdma_endpoint_facts *facts,
			  struct epdma_errors *errs)
{
	static const char *const modules[][2] = {
		{ EPDMA_EPF_VNTB, EPDMA_MODULE_VNTB },
		{ EPDMA_EPF_DMA, EPDMA_MODULE_DMA },
	};
	const bool probed[] = { facts->vntb_registered, facts->dma_registered };
	struct epdma_modules *mods = NULL;
	int r;

	int changed = 0;

	if (!facts->configfs_mounted) {
		changed = 1;
		r = epdma_fs_mount(ctx, "none", "/sys/kernel/config", "configfs", 0);
		if (r < 0 && r != -EBUSY) {
			epdma_errors_add(errs, NULL, 0, "configfs",
					 "mount on /sys/kernel/config failed: %s", strerror(-r));
			return r;
		}
		epdma_info(ctx, "mounted configfs on /sys/kernel/config");
	}
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++) {
		/* As probed while nothing changed since; after the mount (drivers
		 * registered before show up only now) or a load, asked again. */
		if (changed ? epdma_epf_driver_registered(ctx, modules[i][0]) : probed[i])
			continue;
		if (!mods && (r = epdma_modules_new_from(ctx, facts->release, &mods)) < 0) {
			epdma_errors_add(errs, NULL, 0, "modules",
					 "cannot read the module index: %s", strerror(-r));
			return r;
		}
		r = epdma_module_load(mods, modules[i][1], NULL);
		if (r < 0) {
			epdma_errors_add(errs, NULL, 0, modules[i][1],
					 "loading the module failed: %s", strerror(-r));
			epdma_modules_free(mods);
			return r;
		}
		epdma_info(ctx, "loaded module %s", modules[i][1]);
		changed = 1;
	}
	epdma_modules_free(mods);
	return changed;
}

/*
 * Probe and preflight; with FIX (setup) put configfs and the drivers in place
 * first. WHAT: the probe's EPDMA_PROBE_* (setup leaves out the guards until
 * its plan has something to do).
 */
static int preflight(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		     bool fix, unsigned int what, struct epdma_endpoint_facts *facts,
		     struct epdma_run *run)
{
	int r;

	run->role = EPDMA_ROLE_ENDPOINT;
	epdma_endpoint_probe_for(ctx, cfg, what, facts);
	r = epdma_check_endpoint(ctx, cfg, facts, flags, &run->checks);
	if (r == 0 && fix) {
		r = prepare_system(ctx, facts, &run->errors);
		if (r < 0)
			return r;
		if (r == 0)
			goto out; /* all was in place: the facts stand */
		/* Again, now that configfs and the drivers are there. */
		epdma_checks_clear(&run->checks);
		epdma_endpoint_probe_for(ctx, cfg, what, facts);
		r = epdma_check_endpoint(ctx, cfg, facts, flags, &run->checks);
	}
out:
	snprintf(run->controller, sizeof(run->controller), "%s", facts->controller);
	return r < 0 ? -EPERM : 0;
}

/*
 * The live graph; before setup mounted configfs it is empty (and not
 * started). With CFG (plan, setup) only the attributes the planner compares
 * or looks up are read; without (status) all of them.
 */
static int read_graph(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		      const struct epdma_endpoint_facts *facts, struct epdma_run *run)
{
	struct epdma_graph *g = calloc(1, sizeof(*g));
	struct epdma_spec specs[2];
	struct epdma_graph_opts opts = { NULL, facts };
	int r;

	if (!g)
		return -ENOMEM;
	run->graph = g;
	if (cfg) {
		/* The specs epdma_plan_setup() builds from the same config and facts. */
		epdma_specs_from_config(cfg, facts->bar_attrs > 0, specs);
		opts.specs = specs;
	}
	if (facts->configfs_mounted) {
		r = epdma_graph_read_opts(ctx, facts->controller, &opts, g);
		if (r < 0)
			epdma_errors_add(&run->errors, NULL, 0, "configfs",
					 "cannot read the graph: %s", strerror(-r));
		return r;
	}
	g->start = 0;
	snprintf(g->controller, sizeof(g->controller), "%s", facts->controller);
	r = epdma_graph_state_read(ctx, &g->state);
	if (r < 0)
		epdma_errors_add(&run->errors, "/run/epdma/graph", 0, NULL, "cannot read: %s",
				 strerror(-r));
	return r;
}

static int plan_setup(const struct epdma_config *cfg, const struct epdma_endpoint_facts *facts,
		      unsigned int flags, struct epdma_run *run)
{
	run->plan = calloc(1, sizeof(*run->plan));
	if (!run->plan)
		return -ENOMEM;
	return epdma_plan_setup(cfg, run->graph, facts, flags, run->plan, &run->errors);
}

int epdma_endpoint_check(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			 struct epdma_run *run)
{
	struct epdma_endpoint_facts facts;

	return epdma_run_finish(run,
				preflight(ctx, cfg, flags, false,
					  EPDMA_PROBE_DRIVERS | EPDMA_PROBE_GUARDS, &facts, run));
}

int epdma_endpoint_plan(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			struct epdma_run *run)
{
	struct epdma_endpoint_facts facts;
	int r = preflight(ctx, cfg, flags, false, EPDMA_PROBE_DRIVERS | EPDMA_PROBE_GUARDS, &facts,
			  run);

	if (r == 0)
		r = read_graph(ctx, cfg, &facts, run);
	if (r == 0)
		r = plan_setup(cfg, &facts, flags, run);
	return epdma_run_finish(run, r);
}

/* vNTB functions this run unlinked: the kernel keeps their virtual bus until reboot. */
static void note_kept_buses(struct epdma_run *run)
{
	for (size_t i = 0; i < run->done; i++) {
		const struct epdma_op *op = &run->plan->ops[i];
		const struct epdma_function *f;
		const struct epdma_attr_value *vb;
		int64_t bus;

		if (op->type != EPDMA_OP_UNLINK || strcmp(op->driver, EPDMA_EPF_VNTB) ||
		    run->outcomes[i].result || run->nkept == ARRAY_SIZE(run->kept))
			continue;
		f = epdma_graph_find(run->graph, op->driver, op->function);
		vb = f ? epdma_function_attr(f, "vbus_number") : NULL;
		if (!vb || epdma_attr_parse(vb->text, &bus) < 0)
			continue;
		snprintf(run->kept[run->nkept].function, sizeof(run->kept[0].function), "%s",
			 op->function);
		run->kept[run->nkept++].bus = (unsigned int)bus;
	}
}

static int apply(struct epdma_ctx *ctx, struct epdma_run *run)
{
	int r = epdma_plan_apply(ctx, run->plan, run->graph, run);

	note_kept_buses(run);
	return r;
}

/*
 * Preflight, graph, plan. The guards (the stale vNTB device, the virtual bus,
 * max-functions) protect links and binds: a run whose plan is empty makes
 * none, so they are probed, checked and planned with only when the first plan
 * has an operation or a refusal (a converged re-run costs what it reads).
 */
static int setup_pass(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		      struct epdma_run *run)
{
	struct epdma_endpoint_facts facts;
	int r = preflight(ctx, cfg, flags, true, EPDMA_PROBE_DRIVERS, &facts, run);
	bool refused = r == -EPERM;

	if (r < 0 && !refused)
		return r;
	if (!refused) {
		r = read_graph(ctx, cfg, &facts, run);
		if (r < 0)
			return r;
		r = plan_setup(cfg, &facts, flags, run);
		if (r == 0 && run->plan->count == 0 && !run->errors.count)
			return 0;
		free(run->plan);
		run->plan = NULL;
		epdma_errors_clear(&run->errors);
	}
	/* With the guards: the checks as `check` has them, then the plan again. */
	epdma_endpoint_probe_guards(ctx, cfg, &facts);
	epdma_checks_clear(&run->checks);
	if (epdma_check_endpoint(ctx, cfg, &facts, flags, &run->checks) < 0 || refused)
		return -EPERM;
	return plan_setup(cfg, &facts, flags, run);
}

/* The known cause of what the kernel logged while the failed operation ran. */
static void failed_step_causes(struct epdma_run *run)
{
	const struct epdma_op_outcome *o;

	if (run->failed < 0 || !run->outcomes)
		return;
	o = &run->outcomes[run->failed];
	/* Out of memory here loses only the explanation: the failure itself is reported. */
	epdma_run_add_causes(run, o->log, o->nlog);
}

int epdma_endpoint_setup(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			 struct epdma_run *run)
{
	unsigned int made;
	int lock = epdma_run_lock(ctx, run, &made), r = lock;

	if (lock >= 0)
		r = setup_pass(ctx, cfg, flags, run);
	if (r >= 0)
		r = apply(ctx, run); /* converged: an empty plan writes nothing */
	failed_step_causes(run);
	if (r == 0) /* the NTB transport on the started link (lib/transport.c) */
		r = epdma_transport_ensure(ctx, cfg, EPDMA_ROLE_ENDPOINT, NULL, flags, run);
	epdma_run_unlock(ctx, lock, made, run->done > 0 || run->transport_changes > 0);
	return epdma_run_finish(run, r);
}

/* What epdma's record names, read back from configfs, and the plan that removes it. */
static int teardown_pass(struct epdma_ctx *ctx, unsigned int flags, struct epdma_run *run)
{
	struct epdma_graph *g = calloc(1, sizeof(*g));
	int r;

	run->graph = g;
	run->plan = calloc(1, sizeof(*run->plan));
	if (!g || !run->plan)
		return -ENOMEM;
	/* Teardown undoes what the record names, wherever the config points now. */
	r = epdma_graph_state_read(ctx, &g->state);
	if (r < 0) {
		epdma_errors_add(&run->errors, "/run/epdma/graph", 0, NULL, "cannot read: %s",
				 strerror(-r));
		return r;
	}
	snprintf(run->controller, sizeof(run->controller), "%s", g->state.controller);
	if (!run->controller[0] || !epdma_configfs_mounted(ctx))
		return 1; /* epdma owns nothing: nothing to do */
	r = epdma_graph_read(ctx, run->controller, g);
	if (r < 0) {
		epdma_errors_add(&run->errors, NULL, 0, "configfs", "cannot read the graph: %s",
				 strerror(-r));
		return r;
	}
	return epdma_plan_teardown(g, flags & EPDMA_F_FORCE, run->plan, &run->errors);
}

static bool unlinks_vntb(const struct epdma_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		if (plan->ops[i].type == EPDMA_OP_UNLINK &&
		    !strcmp(plan->ops[i].driver, EPDMA_EPF_VNTB))
			return true;
	return false;
}

int epdma_endpoint_teardown(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			    unsigned int flags, struct epdma_run *run)
{
	unsigned int made;
	int lock, r;

	run->role = EPDMA_ROLE_ENDPOINT;
	lock = epdma_run_lock(ctx, run, &made);
	r = lock < 0 ? lock : teardown_pass(ctx, flags, run);
	/* The transport leaves the vNTB's NTB device while it is alive (lib/transport.c). */
	if (r == 0 && unlinks_vntb(run->plan))
		r = epdma_transport_remove(ctx, cfg, run);
	if (r == 0)
		r = apply(ctx, run);
	failed_step_causes(run);
	epdma_run_unlock(ctx, lock, made, run->done > 0 || run->transport_changes > 0);
	return epdma_run_finish(run, r == 1 ? 0 : r);
}

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

/* Status shows epdma's functions, the configured ones and whatever holds a PF of ours. */
static void keep_relevant(struct epdma_graph *g, const struct epdma_spec specs[2])
{
	size_t n = 0;

	for (size_t i = 0; i < g->count; i++) {
		const struct epdma_function *f = &g->functions[i];

		if (f->owned || epdma_spec_of(specs, f) ||
		    (f->linked && !strcmp(f->controller, g->controller)))
			g->functions[n++] = *f;
	}
	g->count = n;
	qsort(g->functions, g->count, sizeof(g->functions[0]), by_pf);
}

static void add_drift(struct epdma_run *run, const struct epdma_function *f,
		      const struct epdma_want *w, const struct epdma_attr_value *a)
{
	struct epdma_drift *d;

	if (run->ndrift == ARRAY_SIZE(run->drift))
		return;
	d = &run->drift[run->ndrift++];
	d->function = f;
	snprintf(d->attr, sizeof(d->attr), "%s", w->name);
	d->live_known = a != NULL;
	snprintf(d->live, sizeof(d->live), "%s", a ? a->text : "");
	snprintf(d->want, sizeof(d->want), "%s", w->value);
}

static void compute_drift(struct epdma_run *run, const struct epdma_spec specs[2])
{
	const struct epdma_graph *g = run->graph;

	for (size_t i = 0; i < g->count; i++) {
		const struct epdma_function *f = &g->functions[i];
		const struct epdma_spec *spec = epdma_spec_of(specs, f);

		for (size_t k = 0; spec && k < spec->nwant; k++) {
			const struct epdma_attr_value *a = epdma_function_attr(f,
									       spec->want[k].name);

			if (!epdma_want_matches(&spec->want[k], a ? a->text : NULL))
				add_drift(run, f, &spec->want[k], a);
		}
	}
	for (int k = 0; k < 2; k++)
		run->missing_functions += !epdma_graph_find(run->graph, specs[k].driver,
							    specs[k].name);
	run->in_sync = !run->ndrift && !run->missing_functions && g->start == 1;
}

/*
 * The vNTB function's virtual bus, which its NTB device sits on: the live
 * function's vbus_number (what its bind made the bus with), else the config's.
 */
static unsigned int vntb_bus(struct epdma_graph *g, const struct epdma_spec *spec,
			     const struct epdma_config *cfg)
{
	const struct epdma_function *f = epdma_graph_find(g, spec->driver, spec->name);
	const struct epdma_attr_value *vb = f ? epdma_function_attr(f, "vbus_number") : NULL;
	int64_t bus;

	if (vb && epdma_attr_parse(vb->text, &bus) == 0 && bus >= 0 && bus <= 0xff)
		return (unsigned int)bus;
	return cfg->vntb.vbus_number & 0xff;
}

int epdma_endpoint_status(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			  struct epdma_run *run)
{
	struct epdma_endpoint_facts facts;
	struct epdma_spec specs[2];
	struct epdma_link_want want;
	size_t len;
	int r;

	run->role = EPDMA_ROLE_ENDPOINT;
	epdma_endpoint_probe_for(ctx, cfg, 0, &facts);
	if (!facts.controller[0]) {
		epdma_controller_error(cfg, facts.controller_err, &run->errors);
		return epdma_run_finish(run, facts.controller_err);
	}
	snprintf(run->controller, sizeof(run->controller), "%s", facts.controller);
	run->max_functions_known = epdma_controller_max_functions(ctx, facts.controller,
								  &run->max_functions, &len) == 0;
	r = read_graph(ctx, NULL, &facts, run);
	if (r < 0)
		return epdma_run_finish(run, r);
	if (!facts.configfs_mounted)
		run->graph->start = -1;
	epdma_specs_from_config(cfg, facts.bar_attrs > 0, specs);
	keep_relevant(run->graph, specs);
	compute_drift(run, specs);
	run->link = calloc(1, sizeof(*run->link));
	if (!run->link)
		return epdma_run_finish(run, -ENOMEM);
	want = EPDMA_LINK_WANT_BUS(vntb_bus(run->graph, &specs[0], cfg));
	r = epdma_link_wait(ctx, &want, run->wait_link_ms, run->link);
	if (r < 0)
		return epdma_run_finish(run, r);
	run->link_up = r == 1;
	return epdma_run_finish(run, epdma_link_causes(ctx, cfg, run));
}
