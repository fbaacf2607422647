// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plan: the ordered operations that turn the live graph into the configured
 * one. Kernel order matters: attributes before links (header fields reach
 * the hardware at bind; DMA attributes are frozen once linked), vNTB linked
 * first (its inbound window is hard-wired to PF0), start last. A converged
 * system plans nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct planner {
	const struct epdma_config *cfg;
	const struct epdma_endpoint_facts *facts;
	const struct epdma_graph *g;
	unsigned int flags;
	struct epdma_plan *plan;
	struct epdma_errors *errs;
	bool pf_used[256];
	/* Functions staying linked whose PF epdma never knew (adopted): the
	 * kernel's next PF cannot be predicted while they are there. */
	unsigned int pf_unknown;
};

static struct epdma_op *add(struct planner *p, enum epdma_op_type type, enum epdma_op_tag tag,
			    const char *driver, const char *function)
{
	struct epdma_op *op;

	if (p->plan->count >= EPDMA_MAX_OPS)
		return NULL;
	op = &p->plan->ops[p->plan->count++];
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->tag = tag;
	op->pf = -1;
	snprintf(op->driver, sizeof(op->driver), "%s", driver);
	snprintf(op->function, sizeof(op->function), "%s", function);
	return op;
}

static void add_write(struct planner *p, enum epdma_op_tag tag, const struct epdma_spec *s,
		      const struct epdma_want *w, const char *value)
{
	struct epdma_op *op = add(p, EPDMA_OP_WRITE, tag, s->driver, s->name);

	if (!op)
		return;
	snprintf(op->attr, sizeof(op->attr), "%s", w->name);
	op->sub = w->sub;
	snprintf(op->value, sizeof(op->value), "%s", value);
}

static int lowest_free_pf(struct planner *p)
{
	for (int i = 0; i < (int)ARRAY_SIZE(p->pf_used); i++)
		if (!p->pf_used[i])
			return i;
	return -1;
}

static void add_link(struct planner *p, enum epdma_op_tag tag, const struct epdma_spec *s)
{
	struct epdma_op *op = add(p, EPDMA_OP_LINK, tag, s->driver, s->name);

	if (!op)
		return;
	op->pf = p->pf_unknown ? -1 : lowest_free_pf(p);
	if (op->pf >= 0)
		p->pf_used[op->pf] = true;
}

static void add_unlink(struct planner *p, enum epdma_op_tag tag, const struct epdma_function *f)
{
	struct epdma_op *op = add(p, EPDMA_OP_UNLINK, tag, f->driver, f->name);

	if (!op)
		return;
	op->via_primary = f->via_primary;
	if (f->pf >= 0 && f->pf < (int)ARRAY_SIZE(p->pf_used))
		p->pf_used[f->pf] = false;
	else if (f->pf < 0 && p->pf_unknown)
		p->pf_unknown--;
}

/* First attribute that differs from the config, or NULL. */
static const struct epdma_want *first_drift(const struct epdma_spec *s,
					    const struct epdma_function *f, const char **live)
{
	for (size_t i = 0; i < s->nwant; i++) {
		const struct epdma_attr_value *a = epdma_function_attr(f, s->want[i].name);

		if (!epdma_want_matches(&s->want[i], a ? a->text : NULL)) {
			*live = a ? a->text : "(missing)";
			return &s->want[i];
		}
	}
	return NULL;
}

/*
 * Functions epdma did not create are never touched unless --adopt (which
 * takes over one that already matches the config) or --force.
 */
static bool claim(struct planner *p, const struct epdma_spec *s, const struct epdma_function *f)
{
	const struct epdma_want *w;
	const char *live = NULL;
	char key[160];

	if (!f || f->owned || (p->flags & EPDMA_F_FORCE))
		return true;
	snprintf(key, sizeof(key), "%s/%s", s->driver, s->name);
	if (!(p->flags & EPDMA_F_ADOPT)) {
		epdma_errors_addr(p->errs, EPDMA_REASON_NOT_OURS, key,
				  "exists but was not created by epdma");
		return false;
	}
	w = first_drift(s, f, &live);
	if (w || (f->linked && strcmp(f->controller, p->g->controller))) {
		epdma_errors_addr(p->errs, EPDMA_REASON_ADOPT_MISMATCH, key,
				  "cannot adopt: %s is %s, the config wants %s",
				  w ? w->name : "link", w ? live : f->controller,
				  w ? w->value : p->g->controller);
		return false;
	}
	add(p, EPDMA_OP_ADOPT, EPDMA_TAG_HOT, s->driver, s->name);
	return true;
}

/* Writes for a function: all of them when new, the drifted ones otherwise. */
static void plan_writes(struct planner *p, const struct epdma_spec *s,
			const struct epdma_function *f, enum epdma_op_tag tag)
{
	for (size_t i = 0; i < s->nwant; i++) {
		const struct epdma_want *w = &s->want[i];
		const struct epdma_attr_value *a = f ? epdma_function_attr(f, w->name) : NULL;

		if (!f) {
			if (!w->match_any)
				add_write(p, tag, s, w, w->value);
		} else if (w->match_any && tag == EPDMA_TAG_REBIND) {
			/* An auto BAR the kernel chose stays written back: return it to auto. */
			if (a && strcmp(a->text, "-1"))
				add_write(p, tag, s, w, "-1");
		} else if (!epdma_want_matches(w, a ? a->text : NULL)) {
			add_write(p, tag, s, w, w->value);
		}
	}
}

/* Does the relinked vNTB get a virtual device ID other than the old one's? */
static bool vntb_ids_change(struct planner *p, const struct epdma_function *f)
{
	const struct epdma_attr_value *vid = epdma_function_attr(f, "vntb_vid");
	const struct epdma_attr_value *pid = epdma_function_attr(f, "vntb_pid");
	int64_t v = -1, d = -1;

	if (vid)
		epdma_attr_parse(vid->text, &v);
	if (pid)
		epdma_attr_parse(pid->text, &d);
	return v != p->cfg->vntb.vntb_vid || d != p->cfg->vntb.vntb_pid;
}

/*
 * A vNTB bind probes every unbound device with its vntb_vid:vntb_pid, one
 * left by an earlier bind in this boot too, through freed memory (real 6.12
 * oopsed): never link a vNTB function while such a device is there, --force
 * or not.
 */
static bool vntb_device_free(struct planner *p, const struct epdma_spec *s)
{
	const struct epdma_config_vntb *v = &p->cfg->vntb;
	char key[160];

	if (!p->facts->stale_vntb_device[0])
		return true;
	snprintf(key, sizeof(key), "%s/%s", s->driver, s->name);
	epdma_errors_addr(p->errs, EPDMA_REASON_NEEDS_REBOOT, key,
			  EPDMA_STALE_VNTB_FMT "; " EPDMA_STALE_VNTB_HINT,
			  p->facts->stale_vntb_device, v->vntb_vid, v->vntb_pid);
	return false;
}

/* Why a linked function cannot simply be rewritten; false = refused. */
static bool may_rebind(struct planner *p, const struct epdma_spec *s,
		       const struct epdma_function *f, const struct epdma_want *w, const char *live)
{
	const struct epdma_attr_value *vb = epdma_function_attr(f, "vbus_number");
	int64_t old_bus = -1;
	char key[160];

	snprintf(key, sizeof(key), "%s/%s", s->driver, s->name);
	if (!strcmp(s->driver, EPDMA_EPF_DMA)) {
		if (p->flags & EPDMA_F_FORCE)
			return true;
		epdma_errors_addr(p->errs, EPDMA_REASON_DMA_FROZEN, key,
				  "%s is %s, the config wants %s: the function is linked and its "
				  "attributes are frozen (EOPNOTSUPP) or reach the hardware only "
				  "at bind",
				  w->name, live, w->value);
		return false;
	}
	if (vb)
		epdma_attr_parse(vb->text, &old_bus);
	if (old_bus == (int64_t)p->cfg->vntb.vbus_number || p->facts->vbus_present) {
		epdma_errors_addr(
			p->errs, EPDMA_REASON_VBUS_IN_USE, key,
			"%s is %s, the config wants %s: a linked vNTB function cannot be "
			"changed in this boot with vbus_number 0x%02x (the kernel keeps its "
			"virtual bus until reboot); reboot, or set a new, unused vbus_number",
			w->name, live, w->value, p->cfg->vntb.vbus_number);
		return false;
	}
	if (!vntb_ids_change(p, f)) {
		epdma_errors_addr(
			p->errs, EPDMA_REASON_NEEDS_REBOOT, key,
			"%s is %s, the config wants %s: relinking a vNTB function with the "
			"same vntb_vid/vntb_pid in one boot probes its old virtual device "
			"through freed memory (a 6.12 kernel oopses); reboot, or also set "
			"new vntb_vid/vntb_pid",
			w->name, live, w->value);
		return false;
	}
	if (p->flags & EPDMA_F_FORCE)
		return true;
	epdma_errors_addr(p->errs, EPDMA_REASON_VNTB_REBIND, key,
			  "%s is %s, the config wants %s: applying it unlinks and relinks the "
			  "vNTB function (unsafe on kernels without the Dec-2025 fix)",
			  w->name, live, w->value);
	return false;
}

/* Someone's function linked where epdma's must go: a refusal, unless it is epdma's own. */
static void refuse_linked(struct planner *p, const struct epdma_function *f, const char *epc)
{
	char key[160];

	snprintf(key, sizeof(key), "%s/%s", f->driver, f->name);
	if (f->owned)
		epdma_errors_addr(p->errs, EPDMA_REASON_EARLIER_CONFIG, key,
				  "was created by epdma for an earlier config and is still "
				  "linked to %s",
				  epc);
	else
		epdma_errors_addr(p->errs, EPDMA_REASON_FOREIGN_LINKED, key,
				  "is linked to %s and was not created by epdma: it holds a "
				  "function number (the vNTB function must be PF0); unlink it "
				  "first",
				  epc);
}

static void plan_foreign_links(struct planner *p, const struct epdma_spec specs[2])
{
	for (size_t i = 0; i < p->g->count; i++) {
		const struct epdma_function *f = &p->g->functions[i];
		bool ours = epdma_spec_of(specs, f) != NULL;

		if (!f->linked)
			continue;
		if (strcmp(f->controller, p->g->controller)) {
			/* Left behind if setup went on: teardown reads the record's one
			 * controller. Someone else's function there is not ours to judge. */
			if (f->owned && !ours)
				refuse_linked(p, f, f->controller);
			continue;
		}
		if (f->pf >= 0 && f->pf < (int)ARRAY_SIZE(p->pf_used))
			p->pf_used[f->pf] = true;
		else
			p->pf_unknown++;
		if (!ours)
			refuse_linked(p, f, p->g->controller);
	}
}

int epdma_plan_setup(const struct epdma_config *cfg, const struct epdma_graph *g,
		     const struct epdma_endpoint_facts *facts, unsigned int flags,
		     struct epdma_plan *plan, struct epdma_errors *errs)
{
	struct planner p = { cfg, facts, g, flags, plan, errs, { 0 }, 0 };
	struct epdma_spec specs[2];
	const struct epdma_function *fn[2];
	bool rebind[2] = { false, false }, link[2], stop = false;
	size_t nerr = errs->count;

	memset(plan, 0, sizeof(*plan));
	snprintf(plan->controller, sizeof(plan->controller), "%s", g->controller);
	epdma_specs_from_config(cfg, facts->bar_attrs > 0, specs);
	plan_foreign_links(&p, specs);
	for (int k = 0; k < 2; k++) {
		struct epdma_function *f = epdma_graph_find((struct epdma_graph *)g,
							    specs[k].driver, specs[k].name);
		const struct epdma_want *w;
		const char *live = NULL;

		fn[k] = f;
		if (!claim(&p, &specs[k], f))
			continue;
		if (f && f->linked && strcmp(f->controller, g->controller)) {
			if (f->owned)
				epdma_errors_addr(errs, EPDMA_REASON_LINKED_ELSEWHERE,
						  specs[k].name, "is linked to %s, not %s",
						  f->controller, g->controller);
			else
				epdma_errors_addr(errs, EPDMA_REASON_FOREIGN_LINKED, specs[k].name,
						  "is linked to %s, not %s; unlink it from there "
						  "first",
						  f->controller, g->controller);
			continue;
		}
		if (f && f->linked && (w = first_drift(&specs[k], f, &live)))
			rebind[k] = may_rebind(&p, &specs[k], f, w, live);
	}
	if (errs->count > nerr)
		return -EPERM;

	/* vNTB must end up PF0: relinking it means relinking DMA after it. */
	link[0] = !fn[0] || !fn[0]->linked || rebind[0];
	if (link[0] && !vntb_device_free(&p, &specs[0]))
		return -EPERM;
	rebind[1] |= fn[1] && fn[1]->linked && link[0];
	link[1] = !fn[1] || !fn[1]->linked || rebind[1];
	/* Links made while started (a rebind, or start left at 1 by hand or by a
	 * crash) bind behind a link that is already up: stop first, start last. */
	if ((link[0] || link[1]) && g->start == 1) {
		add(&p, EPDMA_OP_STOP, EPDMA_TAG_RESTART, "", "");
		stop = true;
	}
	for (int k = 1; k >= 0; k--)
		if (rebind[k] && fn[k]->linked)
			add_unlink(&p, EPDMA_TAG_REBIND, fn[k]);
	for (int k = 0; k < 2; k++) {
		if (!fn[k])
			add(&p, EPDMA_OP_MKDIR, EPDMA_TAG_CREATE, specs[k].driver, specs[k].name);
		plan_writes(&p, &specs[k], fn[k],
			    !fn[k]	? EPDMA_TAG_CREATE
			    : rebind[k] ? EPDMA_TAG_REBIND
					: EPDMA_TAG_HOT);
	}
	for (int k = 0; k < 2; k++)
		if (link[k])
			add_link(&p, fn[k] ? EPDMA_TAG_REBIND : EPDMA_TAG_CREATE, &specs[k]);
	/* Stopped above for the links: start it again. */
	if (g->start != 1 || stop)
		add(&p, EPDMA_OP_START,
		    plan->count && !fn[0] && !fn[1] ? EPDMA_TAG_CREATE : EPDMA_TAG_RESTART, "", "");
	if (plan->count >= EPDMA_MAX_OPS)
		return -E2BIG;
	return 0;
}

int epdma_plan_teardown(const struct epdma_graph *g, unsigned int flags, struct epdma_plan *plan,
			struct epdma_errors *errs)
{
	struct planner p = { NULL, NULL, g, flags, plan, errs, { 0 }, 0 };
	bool any_linked = false;

	memset(plan, 0, sizeof(*plan));
	snprintf(plan->controller, sizeof(plan->controller), "%s", g->controller);
	for (size_t i = 0; i < g->count; i++) {
		const struct epdma_function *f = &g->functions[i];

		if (!f->owned || !f->linked || !strcmp(f->driver, EPDMA_EPF_DMA) ||
		    (flags & EPDMA_F_FORCE))
			continue;
		epdma_errors_addr(
			errs, EPDMA_REASON_VNTB_UNLINK, f->name,
			"was linked by an earlier run: unlinking a vNTB function can oops "
			"kernels without the Dec-2025 fix, and the kernel keeps its "
			"virtual bus until reboot");
		return -EPERM;
	}
	for (size_t i = 0; i < g->count; i++)
		any_linked |= g->functions[i].owned && g->functions[i].linked;
	if (any_linked && g->start == 1)
		add(&p, EPDMA_OP_STOP, EPDMA_TAG_RESTART, "", "");
	/* DMA first, then vNTB: the reverse of setup. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < g->count; i++) {
			const struct epdma_function *f = &g->functions[i];
			bool dma = !strcmp(f->driver, EPDMA_EPF_DMA);

			if (f->owned && f->linked && dma == (pass == 0))
				add_unlink(&p, EPDMA_TAG_REBIND, f);
		}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < g->count; i++) {
			const struct epdma_function *f = &g->functions[i];
			bool dma = !strcmp(f->driver, EPDMA_EPF_DMA);

			if (f->owned && dma == (pass == 0))
				add(&p, EPDMA_OP_RMDIR, EPDMA_TAG_CREATE, f->driver, f->name);
		}
	return 0;
}

const char *epdma_op_type_name(enum epdma_op_type type)
{
	static const char *const names[] = {
		[EPDMA_OP_MKDIR] = "mkdir", [EPDMA_OP_WRITE] = "write",
		[EPDMA_OP_LINK] = "link",   [EPDMA_OP_UNLINK] = "unlink",
		[EPDMA_OP_RMDIR] = "rmdir", [EPDMA_OP_START] = "start",
		[EPDMA_OP_STOP] = "stop",   [EPDMA_OP_ADOPT] = "adopt",
	};

	return names[type];
}

const char *epdma_op_tag_name(enum epdma_op_tag tag)
{
	static const char *const names[] = {
		[EPDMA_TAG_CREATE] = "create",
		[EPDMA_TAG_HOT] = "hot",
		[EPDMA_TAG_REBIND] = "rebind",
		[EPDMA_TAG_RESTART] = "restart",
	};

	return names[tag];
}

void epdma_op_describe(const struct epdma_plan *plan, const struct epdma_op *op, char *buf,
		       size_t size)
{
	switch (op->type) {
	case EPDMA_OP_MKDIR:
		snprintf(buf, size, "create function %s/%s", op->driver, op->function);
		break;
	case EPDMA_OP_WRITE:
		snprintf(buf, size, "%s: %s = %s", op->function, op->attr, op->value);
		break;
	case EPDMA_OP_LINK:
		if (op->pf >= 0)
			snprintf(buf, size, "link %s to %s (PF%d)", op->function, plan->controller,
				 op->pf);
		else
			snprintf(buf, size, "link %s to %s (PF?)", op->function, plan->controller);
		break;
	case EPDMA_OP_UNLINK:
		snprintf(buf, size, "unlink %s from %s", op->function, plan->controller);
		break;
	case EPDMA_OP_RMDIR:
		snprintf(buf, size, "remove function %s/%s", op->driver, op->function);
		break;
	case EPDMA_OP_START:
		snprintf(buf, size, "start %s", plan->controller);
		break;
	case EPDMA_OP_STOP:
		snprintf(buf, size, "stop %s", plan->controller);
		break;
	case EPDMA_OP_ADOPT:
		snprintf(buf, size, "adopt %s/%s", op->driver, op->function);
		break;
	}
}
