// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Apply a plan to configfs, transactionally: every write is one write(2),
 * checked and read back; every link is followed by a look at the kernel log
 * (a function's later setup can fail while ln succeeds); any failure undoes
 * what this run did, in reverse (start 0, unlink, rmdir).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct undo {
	enum epdma_op_type type; /* the operation that was done */
	size_t op;		 /* its index in the plan */
	bool irreversible;	 /* the kernel cannot take it back in this boot */
	bool kept;		 /* still in effect after the rollback */
	char driver[64], function[64];
	char attr[24];
	bool sub;
	char old[40]; /* WRITE on an existing function: the value to restore */
	bool restore;
	bool made_sub;	  /* MKDIR: epdma made the driver subgroup (older kernels) */
	bool via_primary; /* UNLINK: link form to restore */
};

struct applier {
	struct epdma_ctx *ctx;
	const struct epdma_plan *plan;
	struct epdma_run *res;
	int kmsg;
	struct undo undo[EPDMA_MAX_OPS];
	size_t nundo;
	/* driver + function name -> driver subgroup, for every function read or made */
	struct {
		char driver[64], function[64], sub[64];
	} subgroup[EPDMA_MAX_FUNCTIONS + 2];
	size_t nsub;
	struct epdma_op_outcome *cur; /* the current operation's outcome */
	bool recorded;		      /* the ownership record was rewritten during this run */
	struct epdma_graph_state state;
	char before[8192];  /* the record's text before the run (as read unless reconciled) */
	char written[8192]; /* the record's text as this run last wrote it */
};

static void fn_dir(const char *driver, const char *function, char *buf, size_t size)
{
	snprintf(buf, size, EPDMA_PCI_EP "/functions/%s/%s", driver, function);
}

static const char *subgroup_of(struct applier *a, const char *driver, const char *function)
{
	for (size_t i = 0; i < a->nsub; i++)
		if (!strcmp(a->subgroup[i].driver, driver) &&
		    !strcmp(a->subgroup[i].function, function))
			return a->subgroup[i].sub;
	return "";
}

static void set_subgroup(struct applier *a, const char *driver, const char *function,
			 const char *sub)
{
	size_t i;

	for (i = 0; i < a->nsub; i++)
		if (!strcmp(a->subgroup[i].driver, driver) &&
		    !strcmp(a->subgroup[i].function, function))
			break;
	if (i == ARRAY_SIZE(a->subgroup))
		return;
	if (i == a->nsub)
		a->nsub++;
	snprintf(a->subgroup[i].driver, sizeof(a->subgroup[i].driver), "%s", driver);
	snprintf(a->subgroup[i].function, sizeof(a->subgroup[i].function), "%s", function);
	snprintf(a->subgroup[i].sub, sizeof(a->subgroup[i].sub), "%s", sub);
}

static void attr_path(struct applier *a, const char *driver, const char *function, const char *attr,
		      bool sub, char *buf, size_t size)
{
	char dir[256];

	fn_dir(driver, function, dir, sizeof(dir));
	if (sub)
		snprintf(buf, size, "%s/%s/%s", dir, subgroup_of(a, driver, function), attr);
	else
		snprintf(buf, size, "%s/%s", dir, attr);
}

/*
 * An error line of the endpoint stack: the EPF core and drivers, the
 * controller, vNTB's virtual bus (its "create pci bus failed" names no
 * device), or a crash. Another driver's error that lands in the same moment
 * on a busy board is shown, but does not fail the operation.
 */
static bool endpoint_error(struct applier *a, const struct epdma_kmsg_record *rec)
{
	static const char *const marks[] = { "pci_epf", "pci_epc", "vntb", "ntb",
					     "pci bus", "BUG:",	   "Oops", "WARNING:" };

	if (rec->priority > 3 /* LOG_ERR */)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(marks); i++)
		if (strstr(rec->text, marks[i]))
			return true;
	return strstr(rec->text, a->plan->controller) != NULL;
}

/* Kernel log records since the last call, to the current operation's outcome
 * (or dropped, before the first); true when one is an endpoint error. */
static bool read_kernel_log(struct applier *a)
{
	struct epdma_kmsg_record *recs = NULL;
	size_t n = 0;
	bool error = false;

	if (a->kmsg < 0)
		return false;
	epdma_kmsg_read(a->kmsg, &recs, &n);
	if (!a->cur) {
		epdma_kmsg_records_free(recs, n);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct epdma_kmsg_record *v = realloc(a->cur->log, (a->cur->nlog + 1) * sizeof(*v));

		if (!v) {
			epdma_kmsg_records_free(recs + i, n - i);
			recs = NULL;
			break;
		}
		a->cur->log = v;
		a->cur->log[a->cur->nlog++] = recs[i];
	}
	free(recs);
	for (size_t i = 0; i < a->cur->nlog; i++)
		error |= endpoint_error(a, &a->cur->log[i]);
	return error;
}

/* A kernel that clamps or rounds a value takes the write and keeps another. */
static int write_checked(struct applier *a, const char *path, const char *value)
{
	struct epdma_want w = { .match_any = false };
	char back[64];
	int r = epdma_fs_write(a->ctx, path, value);

	if (r < 0)
		return r;
	if (epdma_fs_read(a->ctx, path, back, sizeof(back)) < 0)
		return -EIO;
	snprintf(w.value, sizeof(w.value), "%s", value);
	if (epdma_want_matches(&w, back))
		return 0;
	a->cur->readback_err = -EIO;
	snprintf(a->cur->readback, sizeof(a->cur->readback), "%.39s", back);
	return -EIO;
}

static int write_start(struct applier *a, bool on)
{
	char path[256];
	int r;

	snprintf(path, sizeof(path), EPDMA_PCI_EP "/controllers/%s/start", a->plan->controller);
	/* kstrtobool looks at the first character only: write exactly 1 or 0. */
	r = epdma_fs_write(a->ctx, path, on ? "1" : "0");
	return r == -EALREADY ? 1 : r; /* already in that state: nothing changed */
}

static void link_paths(struct applier *a, const struct epdma_op *op, char *target, size_t tsize,
		       char *link, size_t lsize)
{
	fn_dir(op->driver, op->function, target, tsize);
	snprintf(link, lsize, EPDMA_PCI_EP "/controllers/%s/%s", a->plan->controller, op->function);
}

static int do_link(struct applier *a, const char *driver, const char *function)
{
	struct epdma_op op = { 0 };
	char target[256], link[256];

	snprintf(op.driver, sizeof(op.driver), "%s", driver);
	snprintf(op.function, sizeof(op.function), "%s", function);
	link_paths(a, &op, target, sizeof(target), link, sizeof(link));
	return epdma_fs_symlink(a->ctx, target, link);
}

static int do_unlink(struct applier *a, const char *driver, const char *function, bool primary)
{
	char path[320];

	if (primary)
		snprintf(path, sizeof(path), EPDMA_PCI_EP "/functions/%s/%s/primary/%s", driver,
			 function, a->plan->controller);
	else
		snprintf(path, sizeof(path), EPDMA_PCI_EP "/controllers/%s/%s", a->plan->controller,
			 function);
	return epdma_fs_unlink(a->ctx, path);
}

/* The EPF device that appeared: "<driver>.<N>" in /sys/bus/pci-epf/devices. */
static int new_epf_device(struct applier *a, const char *driver, char **before, char *out,
			  size_t size)
{
	char **after = NULL;
	int r = -ENOENT;

	if (epdma_fs_list(a->ctx, "/sys/bus/pci-epf/devices", &after) < 0)
		return -ENOENT;
	for (char **n = after; *n; n++) {
		bool old = false;

		if (!epdma_epf_name(*n, driver))
			continue;
		for (char **b = before; b && *b; b++)
			old |= !strcmp(*b, *n);
		if (!old)
			r = epdma_strscpy(out, *n, size) < 0 ? -ENAMETOOLONG : 0;
	}
	epdma_strv_free(after);
	return r;
}

/*
 * Recent kernels make primary/, secondary/ and <driver>.<N>/ inside mkdir.
 * Older ones add primary/ ~1 ms later and the driver subgroup only when the
 * user creates it once, with N from the EPF device the mkdir registered.
 */
static int do_mkdir(struct applier *a, const struct epdma_op *op, struct undo *u)
{
	char dir[256], path[384], sub[64], **before = NULL;
	struct timespec tick = { 0, 1000000 };
	int r;

	fn_dir(op->driver, op->function, dir, sizeof(dir));
	epdma_fs_list(a->ctx, "/sys/bus/pci-epf/devices", &before);
	r = epdma_fs_mkdir(a->ctx, dir, 0755);
	if (r < 0) {
		epdma_strv_free(before);
		return r;
	}
	snprintf(path, sizeof(path), "%s/primary", dir);
	for (int i = 0; i < 1000 && !epdma_fs_is_dir(a->ctx, path); i++)
		nanosleep(&tick, NULL);
	if (!epdma_function_subgroup(a->ctx, dir, op->driver, sub, sizeof(sub))) {
		r = new_epf_device(a, op->driver, before, sub, sizeof(sub));
		snprintf(path, sizeof(path), "%s/%s", dir, sub);
		if (r == 0)
			r = epdma_fs_mkdir(a->ctx, path, 0755);
		if (r < 0) {
			epdma_fs_rmdir(a->ctx, dir);
			epdma_strv_free(before);
			return r;
		}
		u->made_sub = true;
	}
	epdma_strv_free(before);
	set_subgroup(a, op->driver, op->function, sub);
	return 0;
}

/*
 * configfs refuses to remove a function whose driver subgroup the user made
 * (older kernels) with ENOTEMPTY: that subgroup goes first. The kernel's own
 * default groups go with the function.
 */
static int do_rmdir(struct applier *a, const char *driver, const char *function)
{
	char dir[256], sub[64], path[384];
	int r;

	fn_dir(driver, function, dir, sizeof(dir));
	r = epdma_fs_rmdir(a->ctx, dir);
	if (r != -ENOTEMPTY || !epdma_function_subgroup(a->ctx, dir, driver, sub, sizeof(sub)))
		return r;
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (epdma_fs_rmdir(a->ctx, path) < 0)
		return r;
	return epdma_fs_rmdir(a->ctx, dir);
}

static int run_op(struct applier *a, const struct epdma_op *op, struct undo *u)
{
	char path[384], old[40];
	int r;

	memset(u, 0, sizeof(*u));
	u->type = op->type;
	snprintf(u->driver, sizeof(u->driver), "%s", op->driver);
	snprintf(u->function, sizeof(u->function), "%s", op->function);
	switch (op->type) {
	case EPDMA_OP_MKDIR:
		return do_mkdir(a, op, u);
	case EPDMA_OP_WRITE:
		attr_path(a, op->driver, op->function, op->attr, op->sub, path, sizeof(path));
		snprintf(u->attr, sizeof(u->attr), "%s", op->attr);
		u->sub = op->sub;
		if (op->tag != EPDMA_TAG_CREATE &&
		    epdma_fs_read(a->ctx, path, old, sizeof(old)) >= 0) {
			snprintf(u->old, sizeof(u->old), "%s", old);
			u->restore = true;
		}
		return write_checked(a, path, op->value);
	case EPDMA_OP_LINK:
		r = do_link(a, op->driver, op->function);
		/* The bind's log, whether ln failed or not: a later setup error is only logged. */
		if (read_kernel_log(a) && r == 0) {
			a->nundo++; /* the link exists: the rollback must remove it */
			a->cur->logged_error = true;
			return -EIO;
		}
		return r;
	case EPDMA_OP_UNLINK:
		u->via_primary = op->via_primary;
		/* The kernel keeps an unlinked vNTB's virtual bus and device: a relink
		 * with the same vbus_number fails, with the same IDs 6.12 oopses. */
		u->irreversible = !strcmp(op->driver, EPDMA_EPF_VNTB);
		return do_unlink(a, op->driver, op->function, op->via_primary);
	case EPDMA_OP_RMDIR:
		u->irreversible = true;
		return do_rmdir(a, op->driver, op->function);
	case EPDMA_OP_START:
	case EPDMA_OP_STOP:
		r = write_start(a, op->type == EPDMA_OP_START);
		if (r == 1)
			u->type = EPDMA_OP_ADOPT; /* nothing changed: nothing to undo */
		return r < 0 ? r : 0;
	case EPDMA_OP_ADOPT:
		return 0;
	}
	return -EINVAL;
}

static int run_undo(struct applier *a, const struct undo *u)
{
	char path[384];

	switch (u->type) {
	case EPDMA_OP_MKDIR:
		return do_rmdir(a, u->driver, u->function);
	case EPDMA_OP_WRITE:
		if (!u->restore)
			return 0;
		attr_path(a, u->driver, u->function, u->attr, u->sub, path, sizeof(path));
		return epdma_fs_write(a->ctx, path, u->old);
	case EPDMA_OP_LINK:
		return do_unlink(a, u->driver, u->function, false);
	case EPDMA_OP_UNLINK:
		return do_link(a, u->driver, u->function);
	case EPDMA_OP_START:
		return write_start(a, false) < 0 ? -EIO : 0;
	case EPDMA_OP_STOP:
		return write_start(a, true) < 0 ? -EIO : 0;
	case EPDMA_OP_RMDIR:
	case EPDMA_OP_ADOPT:
		return 0;
	}
	return 0;
}

/* Undo in reverse, up to the first step the kernel cannot take back. */
static void rollback(struct applier *a)
{
	while (a->nundo > 0) {
		struct undo *u = &a->undo[a->nundo - 1];
		int r;

		if (u->irreversible) {
			a->res->rollback_incomplete = true;
			a->res->stop = u->type == EPDMA_OP_RMDIR ? EPDMA_STOP_RMDIR
								 : EPDMA_STOP_VNTB_UNLINK;
			snprintf(a->res->stop_function, sizeof(a->res->stop_function), "%s",
				 u->function);
			break;
		}
		a->nundo--;
		r = run_undo(a, u);
		if (r < 0) {
			struct epdma_undo_failure *f =
				&a->res->undo_failures[a->res->nundo_failures++];

			a->res->rollback_incomplete = true;
			u->kept = true;
			f->type = u->type;
			f->error = r;
			snprintf(f->function, sizeof(f->function), "%s", u->function);
		}
		a->res->undone++;
	}
	for (size_t i = 0; i < a->nundo; i++)
		a->undo[i].kept = true;
}

static void record_state(struct applier *a, const struct epdma_op *op)
{
	struct epdma_graph_state *st = &a->state;
	struct epdma_owned_function *f = epdma_graph_state_find(st, op->driver, op->function);

	snprintf(st->controller, sizeof(st->controller), "%s", a->plan->controller);
	switch (op->type) {
	case EPDMA_OP_MKDIR:
	case EPDMA_OP_ADOPT:
		if (!f && op->driver[0] && st->count < ARRAY_SIZE(st->functions)) {
			f = &st->functions[st->count++];
			memset(f, 0, sizeof(*f));
			snprintf(f->driver, sizeof(f->driver), "%s", op->driver);
			snprintf(f->name, sizeof(f->name), "%s", op->function);
			f->pf = -1;
		}
		break;
	case EPDMA_OP_LINK:
		if (f)
			f->pf = op->pf;
		break;
	case EPDMA_OP_UNLINK:
		if (f)
			f->pf = -1;
		break;
	case EPDMA_OP_RMDIR:
		if (f) {
			*f = st->functions[--st->count];
			if (st->count == 0)
				st->controller[0] = '\0';
		}
		break;
	default:
		break;
	}
}

/* What an incomplete rollback left, on top of the record from before the run. */
static int record_kept(struct applier *a, const struct epdma_graph *g, size_t nundo)
{
	a->state = g->state;
	for (size_t i = 0; i < nundo; i++)
		if (a->undo[i].kept)
			record_state(a, &a->plan->ops[a->undo[i].op]);
	return epdma_graph_state_write(a->ctx, &a->state);
}

/* The function's intent in the record ahead of the run, creating it for a mkdir. */
static struct epdma_owned_function *intent_of(struct epdma_graph_state *st,
					      const struct epdma_op *op)
{
	struct epdma_owned_function *f = epdma_graph_state_find(st, op->driver, op->function);

	if (f || st->count >= ARRAY_SIZE(st->functions))
		return f;
	f = &st->functions[st->count++];
	memset(f, 0, sizeof(*f));
	snprintf(f->driver, sizeof(f->driver), "%s", op->driver);
	snprintf(f->name, sizeof(f->name), "%s", op->function);
	f->pf = -1;
	return f;
}

static void set_intent(struct epdma_owned_function *f, const char *intent)
{
	snprintf(f->intent, sizeof(f->intent), "%s", intent);
}

/*
 * The record as it must be before the first kernel operation: every function
 * the plan creates, links, unlinks or removes carries its intent and the PF it
 * has or gets; adoptions are settled at once (no kernel operation). Returns
 * false when the plan changes nothing the record names.
 */
static bool plan_intents(const struct epdma_plan *plan, const struct epdma_graph *g,
			 struct epdma_graph_state *st)
{
	bool any = false;

	*st = g->state;
	for (size_t i = 0; i < plan->count; i++) {
		const struct epdma_op *op = &plan->ops[i];
		struct epdma_owned_function *f;

		if (op->type == EPDMA_OP_WRITE || op->type == EPDMA_OP_START ||
		    op->type == EPDMA_OP_STOP)
			continue;
		f = intent_of(st, op);
		if (!f)
			continue;
		any = true;
		snprintf(st->controller, sizeof(st->controller), "%s", plan->controller);
		switch (op->type) {
		case EPDMA_OP_MKDIR:
			set_intent(f, "creating");
			break;
		case EPDMA_OP_LINK:
			/* Unlinked and relinked: the PF after a crash is the old one or
			 * the new one; when they differ it is not known. */
			if (!strcmp(f->intent, "unlinking") && f->pf != op->pf)
				f->pf = -1;
			else
				f->pf = op->pf;
			if (strcmp(f->intent, "creating"))
				set_intent(f, f->intent[0] ? "relinking" : "linking");
			break;
		case EPDMA_OP_UNLINK:
			set_intent(f, "unlinking");
			break;
		case EPDMA_OP_RMDIR:
			set_intent(f, "removing");
			break;
		default:
			break;
		}
	}
	return any;
}

/*
 * Write-ahead: the intents reach the disk before the kernel is asked, so that
 * a run killed between a kernel call and the record (SIGKILL, OOM, power
 * loss with a persistent /run) leaves nothing the next run calls foreign.
 * One record write before, one after: not one per operation.
 */
static int record_intents(struct applier *a, const struct epdma_graph *g)
{
	struct epdma_graph_state st;
	int r;

	if (!plan_intents(a->plan, g, &st))
		return 0;
	r = epdma_graph_state_write(a->ctx, &st);
	if (r < 0)
		return r;
	a->recorded = true;
	epdma_graph_state_format(&st, a->written, sizeof(a->written));
	return 0;
}

/* The settled record after the run, unless the disk holds it already. */
static int record_settled(struct applier *a, const struct epdma_graph *g)
{
	char now[sizeof(a->written)];

	epdma_graph_state_format(&a->state, now, sizeof(now));
	if (a->recorded ? !strcmp(now, a->written)
			: !g->state.reconciled && !strcmp(now, a->before))
		return 0;
	return epdma_graph_state_write(a->ctx, &a->state);
}

/* vNTB bind made a virtual bus the kernel keeps after unlink: say so. */
static void note_leftover_bus(struct applier *a, const struct epdma_graph *g, char **buses)
{
	char **now = NULL;

	if (epdma_fs_list(a->ctx, "/sys/class/pci_bus", &now) < 0)
		return;
	for (char **n = now; *n; n++) {
		bool old = false;

		for (char **b = buses; b && *b; b++)
			old |= !strcmp(*b, *n);
		if (!old)
			snprintf(a->res->leftover_bus, sizeof(a->res->leftover_bus), "%s", *n);
	}
	epdma_strv_free(now);
}

static int apply_ops(struct applier *a)
{
	int r = 0;

	for (size_t i = 0; i < a->plan->count; i++) {
		const struct epdma_op *op = &a->plan->ops[i];
		struct undo *u = &a->undo[a->nundo];

		a->cur = NULL;
		read_kernel_log(a); /* what came before this op is not its doing */
		a->cur = &a->res->outcomes[i];
		r = run_op(a, op, u);
		u->op = i;
		if (op->type != EPDMA_OP_LINK)
			read_kernel_log(a);
		a->cur->result = r;
		a->res->done = i + 1;
		if (r < 0) {
			a->res->failed = (int)i;
			return r;
		}
		a->nundo++;
		record_state(a, op);
	}
	return 0;
}

/* After a failure: undo, then record what the rollback could not take back. */
static void roll_back(struct applier *a, const struct epdma_graph *g, char **buses)
{
	size_t nundo = a->nundo;
	int w;

	rollback(a);
	note_leftover_bus(a, g, buses);
	if (a->res->rollback_incomplete)
		w = record_kept(a, g, nundo);
	else /* everything undone: the record as it was before this run */
		w = a->recorded || g->state.reconciled ? epdma_graph_state_write(a->ctx, &g->state)
						       : 0;
	if (w < 0 && !a->res->record_error)
		a->res->record_error = w;
	if (a->res->rollback_incomplete)
		epdma_ownership_diff(&g->state, &a->state, a->res);
}

int epdma_plan_apply(struct epdma_ctx *ctx, const struct epdma_plan *plan,
		     const struct epdma_graph *g, struct epdma_run *res)
{
	struct applier *a = calloc(1, sizeof(*a));
	char **buses = NULL;
	int r;

	res->failed = -1;
	res->outcomes = calloc(plan->count + 1, sizeof(*res->outcomes));
	if (!a || !res->outcomes) {
		free(a);
		return -ENOMEM;
	}
	a->ctx = ctx;
	a->plan = plan;
	a->res = res;
	a->state = g->state;
	for (size_t i = 0; i < g->count; i++)
		set_subgroup(a, g->functions[i].driver, g->functions[i].name,
			     g->functions[i].subgroup);
	/* For a rollback's leftover bus: an empty plan has nothing to roll back. */
	if (plan->count)
		epdma_fs_list(ctx, "/sys/class/pci_bus", &buses);
	a->kmsg = plan->count ? epdma_kmsg_open(ctx) : -1;
	if (plan->count && a->kmsg < 0)
		res->kmsg_error = a->kmsg;
	epdma_graph_state_format(&g->state, a->before, sizeof(a->before));
	r = record_intents(a, g);
	if (r < 0) {
		/* Without its intents on disk the run must not touch the kernel. */
		res->record_error = r;
	} else if ((r = apply_ops(a)) < 0) {
		roll_back(a, g, buses);
	} else {
		r = record_settled(a, g);
		if (r < 0)
			res->record_error = r;
		epdma_ownership_diff(&g->state, &a->state, res);
	}
	if (a->kmsg >= 0)
		close(a->kmsg);
	epdma_strv_free(buses);
	free(a);
	return r;
}

/* The record's changes, function by function, as the front end reports them. */
void epdma_ownership_diff(const struct epdma_graph_state *before,
			  const struct epdma_graph_state *after, struct epdma_run *run)
{
	struct epdma_graph_state b = *before;

	for (size_t i = 0; i < after->count; i++) {
		const struct epdma_owned_function *f = &after->functions[i];
		const struct epdma_owned_function *o = epdma_graph_state_find(&b, f->driver,
									      f->name);
		struct epdma_ownership_change c = { .pf = f->pf };

		if (o && o->pf == f->pf)
			continue;
		c.what = !o ? EPDMA_OWN_ADD : f->pf >= 0 ? EPDMA_OWN_LINK : EPDMA_OWN_UNLINK;
		snprintf(c.driver, sizeof(c.driver), "%s", f->driver);
		snprintf(c.name, sizeof(c.name), "%s", f->name);
		if (run->nchanges < ARRAY_SIZE(run->changes))
			run->changes[run->nchanges++] = c;
	}
	for (size_t i = 0; i < b.count; i++) {
		const struct epdma_owned_function *o = &b.functions[i];
		struct epdma_ownership_change c = { .what = EPDMA_OWN_DROP, .pf = -1 };

		if (epdma_graph_state_find((struct epdma_graph_state *)after, o->driver, o->name))
			continue;
		snprintf(c.driver, sizeof(c.driver), "%s", o->driver);
		snprintf(c.name, sizeof(c.name), "%s", o->name);
		if (run->nchanges < ARRAY_SIZE(run->changes))
			run->changes[run->nchanges++] = c;
	}
}
