// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read the live pci_ep configfs graph: every function of every EPF driver,
 * its header attributes and driver subgroup, what it is linked to (either
 * link form) and the controller's start. PF numbers are not in configfs: they
 * come from epdma's own record of the link order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int epdma_attr_parse(const char *text, int64_t *value)
{
	char *end;

	if (!text || !*text)
		return -EINVAL;
	errno = 0;
	if (text[0] == '-') {
		long long v = strtoll(text, &end, 10);
		*value = v;
	} else {
		unsigned long long v = strtoull(text, &end, 0);
		if (v > INT64_MAX)
			return -ERANGE;
		*value = (int64_t)v;
	}
	if (errno || end == text || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

const struct epdma_attr_value *epdma_function_attr(const struct epdma_function *f, const char *name)
{
	for (size_t i = 0; i < f->nattrs; i++)
		if (!strcmp(f->attrs[i].name, name))
			return &f->attrs[i];
	return NULL;
}

struct epdma_function *epdma_graph_find(struct epdma_graph *g, const char *driver, const char *name)
{
	for (size_t i = 0; i < g->count; i++)
		if (!strcmp(g->functions[i].driver, driver) && !strcmp(g->functions[i].name, name))
			return &g->functions[i];
	return NULL;
}

/*
 * Reading mwN above num_mws fails and logs an error on 6.12 ("Invalid num_nws")
 * and 6.18 (ERANGE): a reader must not make the kernel complain, so those
 * windows (and their BAR selectors) are left alone. NUM is num_mws as read.
 */
static bool beyond_num_mws(const char *name, uint64_t num)
{
	char tail[8] = "";
	unsigned int n;

	if (sscanf(name, "mw%u%7s", &n, tail) < 1 || (tail[0] && strcmp(tail, "_bar")))
		return false;
	return n > num;
}

/*
 * What the planner looks up in a configured function besides the spec's
 * wants: num_mws (read first in a vNTB subgroup anyway), the old vbus_number
 * and vntb_vid/vntb_pid of a vNTB rebind (lib/plan.c may_rebind(),
 * vntb_ids_change()) and of the unlinks a run reports (lib/endpoint.c).
 */
static const char *const plan_reads[] = { "num_mws", "vbus_number", "vntb_vid", "vntb_pid" };

/*
 * Whether the attribute NAME of a function configured by SPEC is read. NULL
 * SPEC: every attribute is (an unfiltered read). The planner looks attributes
 * up by name only (epdma_function_attr()), so a name it compares is never
 * left out.
 */
static bool attr_wanted(const struct epdma_spec *spec, const char *name)
{
	if (!spec)
		return true;
	for (size_t i = 0; i < spec->nwant; i++)
		if (!strcmp(spec->want[i].name, name))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(plan_reads); i++)
		if (!strcmp(plan_reads[i], name))
			return true;
	return false;
}

/* vbus_number of vNTB function F as the probe read it (FACTS), into TEXT; false when it did not. */
static bool probed_vbus(const struct epdma_endpoint_facts *facts, const struct epdma_function *f,
			const char *name, char *text, size_t size)
{
	if (!facts || strcmp(name, "vbus_number"))
		return false;
	for (int i = 0; i < facts->nvntb_buses; i++) {
		const struct epdma_vntb_bus *b = &facts->vntb_buses[i];

		if (b->read && !strcmp(b->function, f->name) && !strcmp(b->subgroup, f->subgroup))
			return epdma_strscpy(text, b->text, size) >= 0;
	}
	return false;
}

/* The attribute files NAMES of DIR (open at DFD, or -1), read once each (num_mws
 * first in a vNTB subgroup); with SPEC only those it wants; FACTS: what the probe
 * read already. */
static void read_attrs(struct epdma_ctx *ctx, struct epdma_function *f, const char *dir, int dfd,
		       char *const *names, bool sub, const struct epdma_spec *spec,
		       const struct epdma_endpoint_facts *facts)
{
	bool vntb = sub && !strcmp(f->driver, EPDMA_EPF_VNTB);
	uint64_t num_mws = EPDMA_MAX_MWS;
	char num_text[64] = "";

	if (vntb) {
		/* Unreadable: read no window at all rather than one too many. */
		if (epdma_fs_read_at(ctx, dfd, dir, "num_mws", num_text, sizeof(num_text)) < 0 ||
		    epdma_parse_u64(num_text, &num_mws) < 0) {
			num_mws = 0;
			num_text[0] = '\0';
		}
	}
	for (char *const *n = names; *n && f->nattrs < EPDMA_MAX_ATTRS; n++) {
		struct epdma_attr_value *a = &f->attrs[f->nattrs];
		char text[64];

		if ((vntb && beyond_num_mws(*n, num_mws)) || !attr_wanted(spec, *n))
			continue;
		if (vntb && num_text[0] && !strcmp(*n, "num_mws")) {
			snprintf(text, sizeof(text), "%s", num_text);
		} else if (vntb && probed_vbus(facts, f, *n, text, sizeof(text))) {
			/* read by the probe for check_vbus() */
		} else if (epdma_fs_read_at(ctx, dfd, dir, *n, text, sizeof(text)) < 0) {
			continue;
		}
		if (epdma_strscpy(a->name, *n, sizeof(a->name)) < 0 ||
		    epdma_strscpy(a->text, text, sizeof(a->text)) < 0)
			continue;
		a->sub = sub;
		f->nattrs++;
	}
}

static void read_attr_dir(struct epdma_ctx *ctx, struct epdma_function *f, const char *dir,
			  bool sub, const struct epdma_spec *spec,
			  const struct epdma_endpoint_facts *facts)
{
	char **names = NULL;
	int dfd;

	if (epdma_fs_list_files_dirs_at(ctx, dir, &names, NULL, &dfd) < 0)
		return;
	read_attrs(ctx, f, dir, dfd, names, sub, spec, facts);
	close(dfd);
	epdma_strv_free(names);
}

bool epdma_epf_name(const char *name, const char *driver)
{
	size_t plen = strlen(driver);

	return !strncmp(name, driver, plen) && name[plen] == '.';
}

bool epdma_function_subgroup(struct epdma_ctx *ctx, const char *dir, const char *driver, char *out,
			     size_t size)
{
	char **names = NULL;
	bool found = false;

	if (epdma_fs_list(ctx, dir, &names) < 0)
		return false;
	for (char **n = names; *n && !found; n++)
		found = epdma_epf_name(*n, driver) && epdma_strscpy(out, *n, size) >= 0;
	epdma_strv_free(names);
	return found;
}

/* A link in <fn>/primary/ names the controller (the other link form). */
static void read_primary(struct epdma_ctx *ctx, struct epdma_function *f, const char *dir)
{
	char path[512], **names = NULL;

	snprintf(path, sizeof(path), "%s/primary", dir);
	if (epdma_fs_list(ctx, path, &names) < 0)
		return;
	for (char **n = names; *n; n++) {
		char link[512], epc[64];

		snprintf(link, sizeof(link), "%s/primary/%s", dir, *n);
		if (epdma_fs_link_basename(ctx, link, epc, sizeof(epc)) < 0)
			continue;
		f->linked = true;
		f->via_primary = true;
		snprintf(f->controller, sizeof(f->controller), "%s", epc);
	}
	epdma_strv_free(names);
}

/*
 * The spec of a function, or NULL when every attribute is read; *SKIP when
 * none is: the planner compares no attribute of a function the config does
 * not name.
 */
static const struct epdma_spec *spec_for(const struct epdma_graph_opts *opts, const char *driver,
					 const char *name, bool *skip)
{
	*skip = false;
	if (!opts || !opts->specs)
		return NULL;
	for (int k = 0; k < 2; k++)
		if (!strcmp(opts->specs[k].driver, driver) && !strcmp(opts->specs[k].name, name))
			return &opts->specs[k];
	*skip = true;
	return NULL;
}

/*
 * Linked to the controller as the probe listed it: read_controller_links()
 * sets all that read_primary() would (linked, via_primary, controller) over
 * it, so its primary/ is not listed.
 */
static bool linked_in_facts(const struct epdma_graph_opts *opts, const char *driver,
			    const char *name)
{
	const struct epdma_endpoint_facts *facts = opts ? opts->facts : NULL;

	if (!facts || !facts->links_listed)
		return false;
	for (int i = 0; i < facts->nlinks; i++)
		if (!strcmp(facts->links[i].driver, driver) &&
		    !strcmp(facts->links[i].function, name))
			return true;
	return false;
}

static void read_function(struct epdma_ctx *ctx, struct epdma_graph *g, const char *driver,
			  const char *name, const struct epdma_graph_opts *opts)
{
	struct epdma_function *f = &g->functions[g->count++];
	struct epdma_owned_function *own;
	char dir[384], sub[512], **files = NULL, **dirs = NULL;
	int dfd;
	bool skip;
	const struct epdma_spec *spec = spec_for(opts, driver, name, &skip);

	memset(f, 0, sizeof(*f));
	f->pf = -1;
	snprintf(f->driver, sizeof(f->driver), "%s", driver);
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(dir, sizeof(dir), EPDMA_PCI_EP "/functions/%s/%s", driver, name);
	/* One listing for the header attributes and the driver's subgroup. */
	if (epdma_fs_list_files_dirs_at(ctx, dir, &files, &dirs, &dfd) >= 0) {
		if (!skip)
			read_attrs(ctx, f, dir, dfd, files, false, spec, NULL);
		close(dfd);
		for (char **d = dirs; *d && !f->subgroup[0]; d++)
			if (epdma_epf_name(*d, f->driver) &&
			    epdma_strscpy(f->subgroup, *d, sizeof(f->subgroup)) < 0)
				f->subgroup[0] = '\0'; /* longer than configfs makes it: not one */
		epdma_strv_free(files);
		epdma_strv_free(dirs);
	}
	if (f->subgroup[0] && !skip) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, f->subgroup);
		read_attr_dir(ctx, f, sub, true, spec, opts ? opts->facts : NULL);
	}
	if (!linked_in_facts(opts, driver, name))
		read_primary(ctx, f, dir);
	own = epdma_graph_state_find(&g->state, driver, name);
	if (own) {
		f->owned = true;
		f->pf = own->pf;
	}
}

static int read_controller_links(struct epdma_ctx *ctx, struct epdma_graph *g, const char *epc,
				 const struct epdma_endpoint_facts *facts)
{
	struct epdma_link own[EPDMA_MAX_FUNCTIONS];
	const struct epdma_link *links = own;
	int n;

	/* The preflight listed the configured controller's links with the same limit. */
	if (facts && facts->links_listed && facts->nlinks >= 0 && !strcmp(facts->controller, epc)) {
		links = facts->links;
		n = facts->nlinks;
	} else {
		n = epdma_controller_links(ctx, epc, own, ARRAY_SIZE(own));
	}
	if (n < 0)
		return n;

	for (int i = 0; i < n; i++) {
		struct epdma_function *f = epdma_graph_find(g, links[i].driver, links[i].function);

		if (!f)
			continue;
		f->linked = true;
		f->via_primary = false;
		snprintf(f->controller, sizeof(f->controller), "%s", epc);
	}
	return 0;
}

/* Links into every controller, not only the configured one: a function linked
 * elsewhere (the config moved to another controller) is not free to link. */
static int read_all_links(struct epdma_ctx *ctx, struct epdma_graph *g,
			  const struct epdma_endpoint_facts *facts)
{
	char **epcs = NULL;
	int r = epdma_fs_list(ctx, EPDMA_PCI_EP "/controllers", &epcs);

	if (r < 0)
		return r == -ENOENT ? 0 : r;
	r = 0;
	for (char **e = epcs; *e && r == 0; e++)
		r = read_controller_links(ctx, g, *e, facts);
	epdma_strv_free(epcs);
	return r;
}

/*
 * A run that died between writing its intents and settling them: what
 * configfs shows decides. A function with an intent that does not exist is
 * gone (its mkdir never happened, or its rmdir did) and leaves the record; one
 * that exists is epdma's, and its PF is the recorded one exactly when it is
 * linked (the link the intent named happened, or the unlink did not).
 */
static void reconcile_intents(struct epdma_graph *g)
{
	struct epdma_graph_state *st = &g->state;
	size_t n = 0;

	for (size_t i = 0; i < st->count; i++) {
		struct epdma_owned_function own = st->functions[i];
		struct epdma_function *f = epdma_graph_find(g, own.driver, own.name);

		if (own.intent[0]) {
			st->reconciled = true;
			if (!f)
				continue;
			own.intent[0] = '\0';
			own.pf = f->linked ? own.pf : -1;
			f->pf = own.pf;
		}
		st->functions[n++] = own;
	}
	for (size_t i = n; i < st->count; i++)
		memset(&st->functions[i], 0, sizeof(st->functions[i]));
	st->count = n;
	if (st->reconciled && n == 0)
		st->controller[0] = '\0';
}

int epdma_graph_read(struct epdma_ctx *ctx, const char *epc, struct epdma_graph *g)
{
	return epdma_graph_read_opts(ctx, epc, NULL, g);
}

int epdma_graph_read_opts(struct epdma_ctx *ctx, const char *epc,
			  const struct epdma_graph_opts *opts, struct epdma_graph *g)
{
	const struct epdma_endpoint_facts *facts = opts ? opts->facts : NULL;
	char **drivers = NULL, path[256], buf[16];
	int r;

	memset(g, 0, sizeof(*g));
	g->start = -1;
	snprintf(g->controller, sizeof(g->controller), "%s", epc ? epc : "");
	/* The record as the preflight read it (under the run's lock), else read it now. */
	if (facts && facts->state_read && facts->state_err == 0)
		g->state = facts->state;
	else if ((r = epdma_graph_state_read(ctx, &g->state)) < 0)
		return r;
	r = epdma_fs_list(ctx, EPDMA_PCI_EP "/functions", &drivers);
	if (r < 0)
		return r;
	r = 0;
	for (char **d = drivers; *d && r >= 0; d++) {
		char **fns = NULL;

		snprintf(path, sizeof(path), EPDMA_PCI_EP "/functions/%s", *d);
		if (epdma_fs_list(ctx, path, &fns) < 0)
			continue;
		for (char **f = fns; *f && r == 0; f++) {
			if (g->count == EPDMA_MAX_FUNCTIONS)
				r = -EOVERFLOW; /* never a partial graph: a plan would miss some */
			else
				read_function(ctx, g, *d, *f, opts);
		}
		epdma_strv_free(fns);
	}
	epdma_strv_free(drivers);
	if (r < 0)
		return r;
	r = read_all_links(ctx, g, facts);
	if (r < 0)
		return r;
	reconcile_intents(g);
	if (!g->controller[0])
		return 0;
	snprintf(path, sizeof(path), EPDMA_PCI_EP "/controllers/%s", g->controller);
	g->controller_present = epdma_fs_is_dir(ctx, path);
	if (!g->controller_present)
		return 0;
	snprintf(path, sizeof(path), EPDMA_PCI_EP "/controllers/%s/start", g->controller);
	if (epdma_fs_read(ctx, path, buf, sizeof(buf)) >= 0)
		g->start = buf[0] == '1' || buf[0] == 'y' || buf[0] == 'Y';
	return 0;
}

/*
 * vNTB BAR selectors exist from v6.18. Before any vNTB function exists the
 * only evidence is the release; an existing vNTB subgroup is better evidence.
 */
int epdma_vntb_bar_attrs(struct epdma_ctx *ctx, const char **how, char *function, char *subgroup,
			 size_t size, char *release, size_t release_size)
{
	char **fns = NULL;
	unsigned int major = 0, minor = 0;
	int found = -1;

	function[0] = subgroup[0] = release[0] = '\0';
	if (epdma_fs_list(ctx, EPDMA_PCI_EP "/functions/" EPDMA_EPF_VNTB, &fns) >= 0) {
		for (char **f = fns; *f && found < 0; f++) {
			char dir[256], sub[64], attr[384];

			snprintf(dir, sizeof(dir), EPDMA_PCI_EP "/functions/%s/%s", EPDMA_EPF_VNTB,
				 *f);
			if (!epdma_function_subgroup(ctx, dir, EPDMA_EPF_VNTB, sub, sizeof(sub)))
				continue;
			snprintf(attr, sizeof(attr), "%s/%s/ctrl_bar", dir, sub);
			found = epdma_fs_exists(ctx, attr);
			if (epdma_strscpy(function, *f, size) < 0 ||
			    epdma_strscpy(subgroup, sub, size) < 0)
				function[0] = subgroup[0] = '\0';
		}
		epdma_strv_free(fns);
	}
	if (found >= 0) {
		*how = "an existing vNTB function";
		return found;
	}
	*how = "the kernel release";
	if (epdma_kernel_release(ctx, release, release_size) < 0) {
		release[0] = '\0';
		return -ENODATA;
	}
	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return -ENODATA;
	return major > 6 || (major == 6 && minor >= 18);
}
