// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One reconcile: the config (loaded at start and on SIGHUP), the role, the
 * lock without waiting, the same run as `epdmactl setup`, then the state file
 * and the service manager told what came of it. Adding a role is one line in
 * role_runs[].
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "epdmad.h"

typedef int (*setup_fn)(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			struct epdma_run *run);

/* The host's setup, without waiting for the card: the daemon waits for its uevent. */
static int host_setup(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		      struct epdma_run *run)
{
	return epdma_host_setup(ctx, cfg, flags, 0, run);
}

/* The run that brings each role to its config. */
static const setup_fn role_runs[] = {
	[EPDMA_ROLE_ENDPOINT] = epdma_endpoint_setup,
	[EPDMA_ROLE_HOST] = host_setup,
};

static const char *const state_names[] = {
	[STATE_STARTING] = "starting",	 [STATE_RECONCILING] = "reconciling",
	[STATE_CONVERGED] = "converged", [STATE_WAITING] = "waiting",
	[STATE_FAILED] = "failed",	 [STATE_STOPPED] = "stopped",
};

const char *daemon_state_name(enum daemon_state s)
{
	return state_names[s];
}

int daemon_load_config(struct daemon *d)
{
	struct epdma_config *cfg = NULL;
	int r;

	epdma_errors_clear(&d->cfg_errs);
	r = epdma_config_load(d->ctx, d->config_path, &cfg, &d->cfg_errs);
	if (r < 0) {
		/* Keep running on the config we had: a typo must not take the link down. */
		epdma_config_free(cfg);
		for (size_t i = 0; i < d->cfg_errs.count; i++) {
			const struct epdma_error *e = &d->cfg_errs.items[i];

			daemon_log(d, LOG_ERR, "%s:%u: %s%s%s", e->file ? e->file : "config",
				   e->line, e->key ? e->key : "", e->key ? ": " : "", e->message);
		}
		if (!d->cfg_errs.count)
			daemon_log(d, LOG_ERR, "%s: cannot read: %s",
				   d->config_path ? d->config_path : EPDMA_CONFIG_PATH,
				   strerror(-r));
		d->cfg_error = true;
		return r;
	}
	epdma_config_free(d->cfg);
	d->cfg = cfg;
	d->cfg_error = false;
	return 0;
}

static void set_error(struct daemon *d, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_error(struct daemon *d, const char *step, const char *fmt, ...)
{
	va_list ap;

	snprintf(d->failed_step, sizeof(d->failed_step), "%s", step ? step : "");
	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
}

/* Which step failed and why, from the run: an operation, a check, an error. */
static void describe_run(struct daemon *d, const struct epdma_run *run)
{
	char step[256];

	if (run->failed >= 0 && run->plan && run->outcomes) {
		const struct epdma_op_outcome *o = &run->outcomes[run->failed];

		epdma_op_describe(run->plan, &run->plan->ops[run->failed], step, sizeof(step));
		set_error(d, step, "%s%s",
			  o->logged_error ? "the kernel logged an error" : strerror(-o->result),
			  run->rollback_incomplete ? "; the rollback is incomplete" : "");
		return;
	}
	for (size_t i = 0; i < run->checks.count; i++) {
		const struct epdma_check *c = &run->checks.items[i];

		if (c->result == EPDMA_CHECK_FAIL) {
			set_error(d, c->name, "%s", c->message);
			return;
		}
	}
	if (run->errors.count) {
		const struct epdma_error *e = &run->errors.items[0];

		set_error(d, e->key, "%s", e->message);
		return;
	}
	set_error(d, NULL, "%s", strerror(-run->error));
}

/* What epdma owns now: the record the run read, with the run's changes applied. */
static void take_objects(struct daemon *d, const struct epdma_run *run)
{
	const struct epdma_graph_state *st = run->graph ? &run->graph->state : NULL;

	d->nobjects = 0;
	for (size_t i = 0; st && i < st->count && i < ARRAY_SIZE(d->objects); i++)
		d->objects[d->nobjects++] = st->functions[i];
	for (size_t i = 0; i < run->nchanges; i++) {
		const struct epdma_ownership_change *c = &run->changes[i];
		size_t k;

		for (k = 0; k < d->nobjects; k++)
			if (!strcmp(d->objects[k].driver, c->driver) &&
			    !strcmp(d->objects[k].name, c->name))
				break;
		if (c->what == EPDMA_OWN_ADD && k == d->nobjects &&
		    d->nobjects < ARRAY_SIZE(d->objects)) {
			snprintf(d->objects[k].driver, sizeof(d->objects[k].driver), "%s",
				 c->driver);
			snprintf(d->objects[k].name, sizeof(d->objects[k].name), "%s", c->name);
			d->objects[d->nobjects++].pf = c->pf; /* an ADD carries its PF */
		} else if (k < d->nobjects && c->what == EPDMA_OWN_LINK) {
			d->objects[k].pf = c->pf;
		} else if (k < d->nobjects && c->what == EPDMA_OWN_UNLINK) {
			d->objects[k].pf = -1;
		} else if (k < d->nobjects && c->what == EPDMA_OWN_DROP) {
			d->objects[k] = d->objects[--d->nobjects];
		}
	}
}

static void set_state(struct daemon *d, enum daemon_state s)
{
	if (s != d->state)
		d->since_us = now_us(CLOCK_REALTIME);
	d->state = s;
}

/*
 * The run takes the lock itself, and only when it is about to write; the
 * daemon's context tries it once (epdmad.c sets the timeout to 0): a held
 * lock comes back as an error with EPDMA_REASON_LOCKED, a retry from the timer.
 */
static int run_setup(struct daemon *d, setup_fn fn, struct epdma_run *run, bool *locked_out)
{
	int r = fn(d->ctx, d->cfg, 0, run);

	*locked_out = false;
	for (size_t i = 0; i < run->errors.count; i++)
		if (run->errors.items[i].reason == EPDMA_REASON_LOCKED) {
			*locked_out = true;
			set_error(d, "lock", "%s", run->errors.items[i].message);
		}
	return r;
}

/* Back-off: retry_ms doubling up to retry_max_ms, at most retry_attempts_max times. */
static void plan_retry(struct daemon *d, bool retryable)
{
	uint64_t delay;

	if (!retryable || d->attempt >= d->retry_attempts_max) {
		d->next_retry_ms = 0;
		if (retryable)
			daemon_log(d, LOG_NOTICE,
				   "gave up retrying after %u attempts; waiting for "
				   "a uevent or SIGHUP",
				   d->attempt);
		return;
	}
	delay = (uint64_t)d->retry_ms << (d->attempt < 20 ? d->attempt : 20);
	if (delay > d->retry_max_ms)
		delay = d->retry_max_ms;
	d->attempt++;
	d->next_retry_ms = delay;
	daemon_schedule(d, (unsigned int)delay, true);
}

static void finish(struct daemon *d)
{
	const char *st = daemon_state_name(d->state);

	d->updated_us = now_us(CLOCK_REALTIME);
	/* A run may have brought the transport's client (or taken it away). */
	link_lookup(d);
	daemon_write_status(d);
	if (d->state == STATE_CONVERGED)
		/* The host's runs name no controller: no dangling "converged: ". */
		daemon_log(d, LOG_INFO, "converged%s%s", d->controller[0] ? ": " : "",
			   d->controller);
	else
		daemon_log(d, d->state == STATE_FAILED ? LOG_ERR : LOG_WARNING, "%s: %s%s%s%s", st,
			   d->failed_step, d->failed_step[0] ? ": " : "", d->error,
			   d->next_retry_ms ? " (retrying)" : "");
	/* READY once the first reconcile is through, whatever came of it: the daemon is up. */
	notify("%sSTATUS=%s%s%s", d->ready_sent ? "" : "READY=1\n", st, d->error[0] ? ": " : "",
	       d->error);
	d->ready_sent = true;
}

void reconcile(struct daemon *d, bool after_event)
{
	struct epdma_errors errs = { 0 };
	struct epdma_run run;
	bool locked_out = false;
	setup_fn fn;
	int r;

	if (after_event)
		d->attempt = 0; /* something changed: the back-off starts over */
	d->count.reconciles++;
	set_state(d, STATE_RECONCILING);
	notify("STATUS=reconciling");
	d->error[0] = d->failed_step[0] = '\0';
	d->next_retry_ms = 0;
	if (!d->cfg) {
		set_error(d, "config", "%s",
			  d->cfg_errs.count ? d->cfg_errs.items[0].message : "no usable config");
		set_state(d, STATE_FAILED);
		finish(d);
		return;
	}
	r = epdma_role_resolve(d->ctx, d->cfg, &d->role, &errs);
	if (r < 0) {
		set_error(d, "role", "%s", errs.count ? errs.items[0].message : strerror(-r));
		epdma_errors_clear(&errs);
		set_state(d, STATE_FAILED);
		plan_retry(d, true);
		finish(d);
		return;
	}
	fn = d->role < ARRAY_SIZE(role_runs) ? role_runs[d->role] : NULL;
	if (!fn) {
		set_error(d, "role", "the %s role's runs are not in this version",
			  epdma_role_name(d->role));
		set_state(d, STATE_WAITING);
		finish(d);
		return;
	}
	epdma_run_init(&run);
	r = run_setup(d, fn, &run, &locked_out);
	snprintf(d->controller, sizeof(d->controller), "%s", run.controller);
	snprintf(d->vntb_bdf, sizeof(d->vntb_bdf), "%s",
		 run.host && run.host->vntb >= 0 ? run.host->candidates[run.host->vntb].bdf : "");
	if (r == 0) {
		set_state(d, STATE_CONVERGED);
		d->attempt = 0;
		take_objects(d, &run);
		d->count.writes += run.plan ? run.done : 0;
	} else {
		if (!locked_out && !d->error[0])
			describe_run(d, &run);
		/* Refused before writing (or never got the lock), or the host's rescan found
		 * no card (the endpoint is not up): the system is not ready. */
		bool absent = r == -ENODEV && run.host && run.host->rescanned_nothing;
		/* While waiting for the card, [host] rescan = backoff rescans on the
		 * back-off timer (each run rescans once): a hotplug uevent that never
		 * comes (no pciehp on the slot, a missed message) cannot wedge it. */
		bool rescan = absent && d->cfg && d->cfg->host.rescan == EPDMA_RESCAN_BACKOFF;

		set_state(d, locked_out || r == -EPERM || absent ? STATE_WAITING : STATE_FAILED);
		plan_retry(d, locked_out || rescan || epdma_run_retryable(&run));
	}
	epdma_run_free(&run);
	finish(d);
}

static void json_str(json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, value && *value ? json_object_new_string(value) : NULL);
}

static void json_u64(json_object *o, const char *key, uint64_t value)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)value));
}

static json_object *link_json(const struct daemon_link *l)
{
	json_object *o;

	if (!l->netdev[0])
		return NULL;
	o = json_object_new_object();
	json_str(o, "ntb_device", l->ntb_device);
	json_str(o, "netdev", l->netdev);
	json_object_object_add(o, "ifindex",
			       l->ifindex > 0 ? json_object_new_int(l->ifindex) : NULL);
	json_object_object_add(o, "present", json_object_new_boolean(l->present));
	json_str(o, "operstate", l->operstate);
	json_object_object_add(o, "carrier",
			       l->carrier >= 0 ? json_object_new_boolean(l->carrier) : NULL);
	if (l->changed_us)
		json_u64(o, "changed_usec", l->changed_us);
	else
		json_object_object_add(o, "changed_usec", NULL);
	return o;
}

static json_object *status_json(struct daemon *d)
{
	json_object *root = json_object_new_object(), *objs = json_object_new_array(), *c;

	json_u64(root, "schema_version", 1);
	json_u64(root, "pid", (uint64_t)getpid());
	json_str(root, "role", d->cfg ? epdma_role_name(d->role) : NULL);
	json_str(root, "state", daemon_state_name(d->state));
	json_str(root, "controller", d->controller);
	json_str(root, "error", d->error);
	json_str(root, "failed_step", d->failed_step);
	json_u64(root, "since_usec", d->since_us);
	json_u64(root, "updated_usec", d->updated_us);
	if (d->next_retry_ms)
		json_u64(root, "retry_in_ms", d->next_retry_ms);
	else
		json_object_object_add(root, "retry_in_ms", NULL);
	json_u64(root, "retry_attempt", d->attempt);
	for (size_t i = 0; i < d->nobjects; i++) {
		json_object *o = json_object_new_object();

		json_str(o, "driver", d->objects[i].driver);
		json_str(o, "name", d->objects[i].name);
		if (d->objects[i].pf >= 0)
			json_u64(o, "pf", (uint64_t)d->objects[i].pf);
		else
			json_object_object_add(o, "pf", NULL);
		json_object_array_add(objs, o);
	}
	json_object_object_add(root, "objects", objs);
	json_object_object_add(root, "link", link_json(&d->link));
	c = json_object_new_object();
	json_u64(c, "wakeups", d->count.wakeups);
	json_u64(c, "uevents", d->count.uevents);
	json_u64(c, "uevents_ignored", d->count.ignored);
	json_u64(c, "triggers", d->count.triggers);
	json_u64(c, "reconciles", d->count.reconciles);
	json_u64(c, "operations", d->count.writes);
	json_u64(c, "link_messages", d->count.link_messages);
	json_u64(c, "link_messages_ignored", d->count.link_ignored);
	json_u64(c, "link_changes", d->count.link_changes);
	json_object_object_add(root, "counters", c);
	return root;
}

void daemon_write_status(struct daemon *d)
{
	json_object *root = status_json(d);
	int r = epdma_daemon_status_write(
		d->ctx, json_object_to_json_string_ext(
				root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE));

	if (r < 0)
		daemon_log(d, LOG_WARNING, EPDMA_DAEMON_STATUS_PATH ": cannot write: %s",
			   strerror(-r));
	json_object_put(root);
}
