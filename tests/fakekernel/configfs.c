// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pci_ep configfs (drivers/pci/endpoint/pci-ep-cfs.c + fs/configfs) on the
 * fixture tree. The tree holds the attribute values (in the kernel's
 * read-back format); the state file holds what the tree cannot show: EPF
 * indexes, PF numbers, pending delayed work, WARN_ON_ONCE sites.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakekernel.h"

#define CFS_PREFIX FK_PCI_EP "/"

struct link {
	char epc[128];
	char drv[64];
	char fn[128];
	char path[PATH_MAX]; /* the symlink, relative to the root */
	bool secondary;	     /* in <fn>/secondary/ */
	bool in_ctrl;	     /* in controllers/<epc>/ (else in <fn>/primary|secondary/) */
	int pf;
};

struct links {
	struct link v[FK_MAX_LINKS];
	size_t n;
};

/* Split the part below pci_ep/ into components; returns their count. */
static int split(const char *rel, char comps[8][256])
{
	const char *s = rel + strlen(CFS_PREFIX);
	int n = 0;

	while (*s && n < 8) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len >= 256)
			len = 255;
		memcpy(comps[n], s, len);
		comps[n][len] = '\0';
		n++;
		if (!e)
			break;
		s = e + 1;
	}
	return n;
}

/* Lexical "dir/text" with "..", as the kernel resolves a configfs link body. */
static void norm_join(const char *dir, const char *text, char *out, size_t size)
{
	char tmp[PATH_MAX * 2], *save, *tok;
	size_t len = 0;

	snprintf(tmp, sizeof(tmp), "%s/%s", dir, text);
	out[0] = '\0';
	for (tok = strtok_r(tmp, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *slash = strrchr(out, '/');

			if (slash)
				*slash = '\0';
			else
				out[0] = '\0';
			len = strlen(out);
			continue;
		}
		len += (size_t)snprintf(out + len, size - len, "%s%s", len ? "/" : "", tok);
	}
}

/* Where the symlink REL points, relative to the root ("" when outside). */
static void link_target(const char *rel, char *out, size_t size)
{
	char text[PATH_MAX], dir[PATH_MAX], *slash;
	ssize_t n = readlink(fk_abs(rel), text, sizeof(text) - 1);

	out[0] = '\0';
	if (n < 0)
		return;
	text[n] = '\0';
	if (text[0] == '/') {
		const char *r = fk_rel(text);

		snprintf(out, size, "%s", r ? r : "");
		return;
	}
	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	norm_join(dir, text, out, size);
}

static int pf_lookup(struct fk_state *st, const struct link *l)
{
	char key[256];
	const char *v;

	snprintf(key, sizeof(key), "%s/%s:%c", l->drv, l->fn, l->secondary ? 's' : 'p');
	v = fk_state_get(st, "pf", key);
	if (!v)
		return -1;
	v += strlen(key) + 1;
	v = strchr(v, ' '); /* skip the controller */
	return v ? atoi(v + 1) : -1;
}

static void pf_store(struct fk_state *st, const struct link *l)
{
	char key[256];

	snprintf(key, sizeof(key), "%s/%s:%c", l->drv, l->fn, l->secondary ? 's' : 'p');
	fk_state_set(st, "pf", key, "%s %s %d", key, l->epc, l->pf);
}

static bool pf_used(const struct links *ls, const char *epc, int pf)
{
	for (size_t i = 0; i < ls->n; i++)
		if (ls->v[i].pf == pf && !strcmp(ls->v[i].epc, epc))
			return true;
	return false;
}

static int pf_free(const struct links *ls, const char *epc)
{
	int pf = 0;

	while (pf_used(ls, epc, pf))
		pf++;
	return pf;
}

static void add_link(struct links *ls, const struct link *l)
{
	if (ls->n < FK_MAX_LINKS)
		ls->v[ls->n++] = *l;
}

static void scan_ctrl_links(struct links *ls)
{
	char **epcs, **ents, rel[PATH_MAX], tgt[PATH_MAX], c[8][256];

	fk_list(FK_PCI_EP "/controllers", &epcs);
	for (size_t i = 0; epcs[i]; i++) {
		snprintf(rel, sizeof(rel), FK_PCI_EP "/controllers/%s", epcs[i]);
		fk_list(rel, &ents);
		for (size_t j = 0; ents[j]; j++) {
			struct link l = { .pf = -1, .in_ctrl = true };

			snprintf(l.path, sizeof(l.path), "%s/%s", rel, ents[j]);
			if (!fk_is_link(l.path))
				continue;
			link_target(l.path, tgt, sizeof(tgt));
			if (strncmp(tgt, CFS_PREFIX, strlen(CFS_PREFIX)) != 0 ||
			    split(tgt, c) != 3 || strcmp(c[0], "functions"))
				continue;
			snprintf(l.epc, sizeof(l.epc), "%s", epcs[i]);
			snprintf(l.drv, sizeof(l.drv), "%s", c[1]);
			snprintf(l.fn, sizeof(l.fn), "%s", c[2]);
			add_link(ls, &l);
		}
		fk_strv_free(ents);
	}
	fk_strv_free(epcs);
}

static void scan_fn_links(struct links *ls)
{
	static const char *const ifaces[] = { "primary", "secondary" };
	char **drvs, **fns, **ents, rel[PATH_MAX], tgt[PATH_MAX], c[8][256];

	fk_list(FK_PCI_EP "/functions", &drvs);
	for (size_t i = 0; drvs[i]; i++) {
		snprintf(rel, sizeof(rel), FK_PCI_EP "/functions/%s", drvs[i]);
		fk_list(rel, &fns);
		for (size_t j = 0; fns[j]; j++) {
			for (int k = 0; k < 2; k++) {
				char dir[PATH_MAX];

				snprintf(dir, sizeof(dir), "%s/%s/%s", rel, fns[j], ifaces[k]);
				fk_list(dir, &ents);
				for (size_t e = 0; ents[e]; e++) {
					struct link l = { .pf = -1, .secondary = k == 1 };

					snprintf(l.path, sizeof(l.path), "%s/%s", dir, ents[e]);
					if (!fk_is_link(l.path))
						continue;
					link_target(l.path, tgt, sizeof(tgt));
					if (strncmp(tgt, CFS_PREFIX, strlen(CFS_PREFIX)) ||
					    split(tgt, c) != 2 || strcmp(c[0], "controllers"))
						continue;
					snprintf(l.epc, sizeof(l.epc), "%s", c[1]);
					snprintf(l.drv, sizeof(l.drv), "%s", drvs[i]);
					snprintf(l.fn, sizeof(l.fn), "%s", fns[j]);
					add_link(ls, &l);
				}
				fk_strv_free(ents);
			}
		}
		fk_strv_free(fns);
	}
	fk_strv_free(drvs);
}

/* Every link in the tree with its PF number; links the fake did not make
 * (fixtures) get the lowest free numbers, recorded from then on. */
static void links_load(struct links *ls, struct fk_state *st)
{
	ls->n = 0;
	scan_ctrl_links(ls);
	scan_fn_links(ls);
	for (size_t i = 0; i < ls->n; i++)
		ls->v[i].pf = pf_lookup(st, &ls->v[i]);
	for (size_t i = 0; i < ls->n; i++) {
		if (ls->v[i].pf >= 0)
			continue;
		ls->v[i].pf = pf_free(ls, ls->v[i].epc);
		pf_store(st, &ls->v[i]);
	}
}

static const struct link *link_of(const struct links *ls, const char *drv, const char *fn,
				  bool secondary)
{
	for (size_t i = 0; i < ls->n; i++)
		if (!strcmp(ls->v[i].drv, drv) && !strcmp(ls->v[i].fn, fn) &&
		    ls->v[i].secondary == secondary)
			return &ls->v[i];
	return NULL;
}

/* ---- functions ---- */

static bool index_used(struct fk_state *st, int idx)
{
	char **devs;
	bool used = false;
	const char *v;

	fk_list(FK_EPF_BUS "/devices", &devs);
	for (size_t i = 0; devs[i] && !used; i++) {
		const char *dot = strrchr(devs[i], '.');

		used = dot && dot[1] >= '0' && dot[1] <= '9' && atoi(dot + 1) == idx;
	}
	fk_strv_free(devs);
	for (size_t i = 0; !used && (v = fk_state_nth(st, "fn", i)); i++) {
		const char *sp = strrchr(v, ' ');

		used = sp && atoi(sp + 1) == idx;
	}
	return used;
}

static int fn_load(struct fk_state *st, const char *drv, const char *name, struct fk_fn *fn)
{
	char key[256], **ents;
	const char *v;

	memset(fn, 0, sizeof(*fn));
	snprintf(fn->drv, sizeof(fn->drv), "%s", drv);
	snprintf(fn->name, sizeof(fn->name), "%s", name);
	snprintf(fn->dir, sizeof(fn->dir), FK_PCI_EP "/functions/%s/%s", drv, name);
	if (!fk_is_dir(fn->dir))
		return -ENOENT;
	fn->index = -1;
	snprintf(key, sizeof(key), "%s/%s", drv, name);
	v = fk_state_get(st, "fn", key);
	if (v) {
		fn->index = atoi(v + strlen(key) + 1);
	} else {
		/* Made by a fixture: the driver subgroup carries the index. */
		fk_list(fn->dir, &ents);
		for (size_t i = 0; ents[i]; i++)
			if (!strncmp(ents[i], drv, strlen(drv)) && ents[i][strlen(drv)] == '.')
				fn->index = atoi(ents[i] + strlen(drv) + 1);
		fk_strv_free(ents);
	}
	snprintf(fn->epf, sizeof(fn->epf), "%s.%d", drv, fn->index);
	return 0;
}

static void epf_device_add(const struct fk_fn *fn)
{
	char dev[256], p[PATH_MAX], q[PATH_MAX];

	snprintf(dev, sizeof(dev), "sys/devices/%s", fn->epf);
	fk_mkdir_p(dev);
	snprintf(p, sizeof(p), "%s/uevent", dev);
	fk_write_file(p, "DRIVER=%s\nMODALIAS=pci_epf:%s\n", fn->drv, fn->drv);
	snprintf(p, sizeof(p), "%s/modalias", dev);
	fk_write_file(p, "pci_epf:%s\n", fn->drv);
	snprintf(p, sizeof(p), "%s/subsystem", dev);
	fk_symlink_rel(FK_EPF_BUS, p);
	snprintf(p, sizeof(p), "%s/driver", dev);
	snprintf(q, sizeof(q), FK_EPF_BUS "/drivers/%s", fn->drv);
	fk_symlink_rel(q, p);
	snprintf(p, sizeof(p), FK_EPF_BUS "/drivers/%s/%s", fn->drv, fn->epf);
	fk_symlink_rel(dev, p);
	fk_mkdir_p(FK_EPF_BUS "/devices");
	snprintf(p, sizeof(p), FK_EPF_BUS "/devices/%s", fn->epf);
	fk_symlink_rel(dev, p);
}

static void epf_device_del(const struct fk_fn *fn)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), FK_EPF_BUS "/devices/%s", fn->epf);
	fk_rm_rf(p);
	snprintf(p, sizeof(p), FK_EPF_BUS "/drivers/%s/%s", fn->drv, fn->epf);
	fk_rm_rf(p);
	snprintf(p, sizeof(p), "sys/devices/%s", fn->epf);
	fk_rm_rf(p);
}

static void add_iface_groups(const char *dir)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/primary", dir);
	fk_mkdir_p(p);
	snprintf(p, sizeof(p), "%s/secondary", dir);
	fk_mkdir_p(p);
}

/* The EPF index of a function (the tree cannot show it before the subgroup exists). */
static void fn_record(struct fk_state *st, const struct fk_fn *fn)
{
	char key[256];

	if (fn->index < 0)
		return;
	snprintf(key, sizeof(key), "%s/%s", fn->drv, fn->name);
	fk_state_set(st, "fn", key, "%s %d", key, fn->index);
}

static int function_make(const char *drv, const char *name)
{
	struct fk_state *st = fk_state_load();
	bool old = fk_old_generation();
	struct fk_fn fn = { 0 };
	int idx = 0, r;

	while (index_used(st, idx))
		idx++;
	snprintf(fn.drv, sizeof(fn.drv), "%s", drv);
	snprintf(fn.name, sizeof(fn.name), "%s", name);
	snprintf(fn.dir, sizeof(fn.dir), FK_PCI_EP "/functions/%s/%s", drv, name);
	snprintf(fn.epf, sizeof(fn.epf), "%s.%d", drv, idx);
	fn.index = idx;
	r = fk_mkdir_p(fn.dir);
	if (r < 0)
		goto out;
	epf_device_add(&fn);
	r = fk_epf_create_attrs(&fn, !old, st);
	if (r < 0)
		goto out;
	if (old) {
		/* Old kernels: pci_epf_make() schedules the subgroups 1 ms later. */
		const char *ms = fk_config("old_delay_ms");
		unsigned long long delay = ms ? strtoull(ms, NULL, 10) * 1000 : 1000;

		fk_state_set(st, "pending", fn.dir + strlen(FK_PCI_EP "/functions/"), "%s/%s %llu",
			     drv, name, (unsigned long long)fk_now_usec() + delay);
	} else
		add_iface_groups(fn.dir);
	fn_record(st, &fn);
out:
	fk_state_save(st);
	fk_state_free(st);
	return r;
}

bool fk_pending_run(void)
{
	struct fk_state *st;
	const char *v;
	uint64_t now = fk_now_usec();
	bool changed = false;
	char marker[PATH_MAX];

	/* None waits (fk_state_save() keeps the marker): no lock, no state to load. */
	snprintf(marker, sizeof(marker), "%s/pending", fk_state_dir());
	if (access(marker, F_OK) != 0)
		return false;
	fk_lock();
	st = fk_state_load();
	for (size_t i = 0; (v = fk_state_nth(st, "pending", i));) {
		char key[256], dir[PATH_MAX];
		unsigned long long due;

		if (sscanf(v, "%255s %llu", key, &due) != 2 || due > now) {
			i++;
			continue;
		}
		snprintf(dir, sizeof(dir), FK_PCI_EP "/functions/%s", key);
		if (fk_is_dir(dir))
			add_iface_groups(dir);
		fk_state_del(st, "pending", key);
		changed = true;
	}
	if (changed)
		fk_state_save(st);
	fk_state_free(st);
	fk_unlock();
	return changed;
}

static int subgroup_count(const struct fk_fn *fn, char *name, size_t size)
{
	char **ents;
	int n = 0;

	fk_list(fn->dir, &ents);
	for (size_t i = 0; ents[i]; i++) {
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/%s", fn->dir, ents[i]);
		if (!strcmp(ents[i], "primary") || !strcmp(ents[i], "secondary") || !fk_is_dir(p) ||
		    fk_is_link(p))
			continue;
		if (name)
			snprintf(name, size, "%s", ents[i]);
		n++;
	}
	fk_strv_free(ents);
	return n;
}

/* Old kernels: mkdir <fn>/<anything> calls the driver's add_cfs(), which
 * names the group after the EPF device but configfs shows the user's name. */
static int subgroup_make(const char *drv, const char *name, const char *sub)
{
	struct fk_state *st = fk_state_load();
	struct fk_fn fn;
	int r = fn_load(st, drv, name, &fn);

	if (r < 0)
		goto out;
	if (!fk_old_generation()) {
		r = -EPERM; /* pci_epf_type has no make_group since 6.4 */
		goto out;
	}
	if (!fk_epf_has_subgroup(drv)) {
		r = -ENOMEM; /* add_cfs() missing: make_group returns NULL */
		goto out;
	}
	if (subgroup_count(&fn, NULL, 0)) {
		r = -EINVAL; /* the kernel would re-link the same group: refuse */
		goto out;
	}
	r = fk_epf_create_subgroup(&fn, sub);
out:
	fk_state_free(st);
	return r;
}

int fk_cfs_mkdir(const char *rel)
{
	char c[8][256], parent[PATH_MAX];
	int n = split(rel, c);

	if (fk_exists(rel))
		return -EEXIST;
	snprintf(parent, sizeof(parent), "%s", rel);
	*strrchr(parent, '/') = '\0';
	if (!fk_is_dir(parent))
		return -ENOENT;
	if (n < 3 || strcmp(c[0], "functions"))
		return -EPERM; /* pci_ep/, controllers/ and functions/ have no make_group */
	if (n == 3)
		return function_make(c[1], c[2]);
	if (n == 4 && strcmp(c[3], "primary") && strcmp(c[3], "secondary"))
		return subgroup_make(c[1], c[2], c[3]);
	return -EPERM;
}

/* ---- rmdir ---- */

static int function_drop(const char *drv, const char *name)
{
	struct fk_state *st = fk_state_load();
	struct links ls;
	struct fk_fn fn;
	char key[256];
	int r = fn_load(st, drv, name, &fn);

	if (r < 0)
		goto out;
	links_load(&ls, st);
	/* configfs_detach_prep(): links to the item (s_links) -> EBUSY first,
	 * then a link inside one of its default groups -> ENOTEMPTY. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ls.n; i++) {
			if (strcmp(ls.v[i].drv, drv) || strcmp(ls.v[i].fn, name) ||
			    (pass == 0 && !ls.v[i].in_ctrl))
				continue;
			r = pass == 0 ? -EBUSY : -ENOTEMPTY;
			goto out;
		}
	}
	if (fk_old_generation() && subgroup_count(&fn, NULL, 0)) {
		r = -ENOTEMPTY; /* the user-made driver group must go first */
		goto out;
	}
	r = fk_rm_rf(fn.dir);
	if (r < 0)
		goto out;
	epf_device_del(&fn);
	snprintf(key, sizeof(key), "%s/%s", drv, name);
	fk_state_del(st, "fn", key);
	fk_state_del(st, "pending", key);
	fk_state_save(st);
out:
	fk_state_free(st);
	return r;
}

int fk_cfs_rmdir(const char *rel)
{
	char c[8][256];
	int n = split(rel, c);

	if (!fk_exists(rel))
		return -ENOENT;
	if (!fk_is_dir(rel) || fk_is_link(rel))
		return -ENOTDIR;
	if (n == 3 && !strcmp(c[0], "functions"))
		return function_drop(c[1], c[2]);
	if (n == 4 && !strcmp(c[0], "functions") && fk_old_generation() &&
	    strcmp(c[3], "primary") && strcmp(c[3], "secondary"))
		return fk_rm_rf(rel); /* the group the user made on an old kernel */
	return -EPERM;		      /* default groups */
}

/* ---- links ---- */

static int max_functions(const char *epc)
{
	char p[PATH_MAX], buf[16];
	int n;

	snprintf(p, sizeof(p), "sys/class/pci_epc/%s/device/of_node/max-functions", epc);
	n = fk_read(p, buf, sizeof(buf));
	if (n <= 0)
		return 1; /* of_property_read_u8() failed: the DWC driver uses 1 */
	return (unsigned char)buf[0];
}

static bool epc_started(const char *epc)
{
	char p[PATH_MAX], buf[8];

	snprintf(p, sizeof(p), FK_PCI_EP "/controllers/%s/start", epc);
	return fk_read(p, buf, sizeof(buf)) > 0 && buf[0] == '1';
}

static int link_make(struct link *l, const char *link_rel, const char *target_rel)
{
	struct fk_state *st = fk_state_load();
	struct links ls;
	struct fk_fn fn;
	int maxf, r;

	r = fn_load(st, l->drv, l->fn, &fn);
	if (r < 0)
		goto out;
	links_load(&ls, st);
	if (link_of(&ls, l->drv, l->fn, l->secondary)) {
		r = -EBUSY;
		goto out;
	}
	l->pf = pf_free(&ls, l->epc);
	maxf = max_functions(l->epc);
	/* func_no > max_functions - 1 with a u8 0: no limit at all (6.12). */
	if (maxf && l->pf > maxf - 1) {
		fk_kmsg(3, "pci_epc %s: Exceeding max supported Function Number", l->epc);
		r = -EINVAL;
		goto out;
	}
	if (!l->secondary && !maxf) {
		/* max_functions 0 (a 4-byte cell's first byte) passes the limit
		 * check, but the core then answers every operation for func_no >=
		 * max_functions with nothing: get_features() is NULL (real 6.12). */
		r = fk_epf_bind_no_features(&fn);
		if (r < 0)
			goto out;
	}
	if (!l->secondary) {
		r = fk_epf_bind(&fn, l->epc, l->pf, st);
		if (r < 0)
			goto out;
	}
	r = fk_symlink_rel(target_rel, link_rel);
	if (r < 0)
		goto out;
	pf_store(st, l);
out:
	fk_state_save(st);
	fk_state_free(st);
	return r;
}

/* The kernel resolves the link body itself, against the caller's cwd. */
static int resolve_target(const char *target, char *rel_out, size_t size)
{
	char joined[PATH_MAX * 2], real[PATH_MAX], cwd[PATH_MAX];
	const char *rel;

	if (!target || !*target)
		return -ENOENT;
	if (target[0] == '/')
		snprintf(joined, sizeof(joined), "%s", target);
	else if (getcwd(cwd, sizeof(cwd)))
		snprintf(joined, sizeof(joined), "%s/%s", cwd, target);
	else
		return -errno;
	if (!fk_realpath(joined, real))
		return -errno;
	rel = fk_rel(real);
	if (!rel || strncmp(rel, CFS_PREFIX, strlen(CFS_PREFIX)))
		return -EPERM; /* not on the configfs superblock */
	if (!fk_is_dir(rel))
		return -ENOTDIR;
	snprintf(rel_out, size, "%s", rel);
	return 0;
}

int fk_cfs_symlink(const char *target, const char *rel)
{
	char c[8][256], t[8][256], trel[PATH_MAX], parent[PATH_MAX];
	int n = split(rel, c), tn, r;
	struct link l = { 0 };

	if (fk_exists(rel))
		return -EEXIST;
	snprintf(parent, sizeof(parent), "%s", rel);
	*strrchr(parent, '/') = '\0';
	if (!fk_is_dir(parent))
		return -ENOENT;
	bool ctrl = n == 3 && !strcmp(c[0], "controllers");
	bool iface = n == 5 && !strcmp(c[0], "functions") &&
		     (!strcmp(c[3], "primary") || !strcmp(c[3], "secondary"));
	bool vf = n == 4 && !strcmp(c[0], "functions");

	if (!ctrl && !iface && !vf)
		return -EPERM; /* no allow_link there */
	r = resolve_target(target, trel, sizeof(trel));
	if (r < 0)
		return r;
	tn = split(trel, t);
	if (vf)
		return -EINVAL; /* virtual functions: not emulated */
	if (ctrl) {
		if (tn != 3 || strcmp(t[0], "functions"))
			return -EINVAL;
		snprintf(l.epc, sizeof(l.epc), "%s", c[1]);
		snprintf(l.drv, sizeof(l.drv), "%s", t[1]);
		snprintf(l.fn, sizeof(l.fn), "%s", t[2]);
		l.in_ctrl = true;
	} else {
		if (tn != 2 || strcmp(t[0], "controllers"))
			return -EINVAL;
		snprintf(l.epc, sizeof(l.epc), "%s", t[1]);
		snprintf(l.drv, sizeof(l.drv), "%s", c[1]);
		snprintf(l.fn, sizeof(l.fn), "%s", c[2]);
		l.secondary = !strcmp(c[3], "secondary");
	}
	snprintf(l.path, sizeof(l.path), "%s", rel);
	return link_make(&l, rel, trel);
}

/* WARN_ON_ONCE(epc_group->start) in the three drop_link callbacks. */
static void warn_once(struct fk_state *st, const char *site, int line)
{
	if (fk_state_get(st, "warned", site))
		return;
	fk_state_set(st, "warned", site, "%s", site);
	fk_kmsg(4, "------------[ cut here ]------------");
	fk_kmsg(4, "WARNING: CPU: 0 PID: %d at drivers/pci/endpoint/pci-ep-cfs.c:%d %s+0x40/0x60",
		getpid(), line, site);
}

static int link_drop(const char *rel)
{
	struct fk_state *st = fk_state_load();
	struct links ls;
	const struct link *l = NULL;
	struct fk_fn fn;
	char key[256];
	int r;

	links_load(&ls, st);
	for (size_t i = 0; i < ls.n; i++)
		if (!strcmp(ls.v[i].path, rel))
			l = &ls.v[i];
	if (!l) {
		r = unlink(fk_abs(rel)) < 0 ? -errno : 0; /* a link the fake does not model */
		goto out;
	}
	if (epc_started(l->epc))
		warn_once(st,
			  l->in_ctrl	 ? "pci_epc_epf_unlink"
			  : l->secondary ? "pci_secondary_epc_epf_unlink"
					 : "pci_primary_epc_epf_unlink",
			  l->in_ctrl	 ? 243
			  : l->secondary ? 77
					 : 133);
	if (!l->secondary && fn_load(st, l->drv, l->fn, &fn) == 0)
		fk_epf_unbind(&fn, l->epc, st);
	r = unlink(fk_abs(rel)) < 0 ? -errno : 0;
	snprintf(key, sizeof(key), "%s/%s:%c", l->drv, l->fn, l->secondary ? 's' : 'p');
	fk_state_del(st, "pf", key);
out:
	fk_state_save(st);
	fk_state_free(st);
	return r;
}

int fk_cfs_unlink(const char *rel)
{
	if (!fk_exists(rel))
		return -ENOENT;
	if (fk_is_dir(rel))
		return -EISDIR;
	if (!fk_is_link(rel))
		return -EPERM; /* attributes cannot be removed */
	return link_drop(rel);
}

/* ---- attribute writes ---- */

static ssize_t start_write(const char *epc, const char *val, size_t len)
{
	char p[PATH_MAX];
	bool on, cur = epc_started(epc);

	if (fk_kstrtobool(val, &on) < 0)
		return -EINVAL;
	if (on == cur)
		return -EALREADY;
	snprintf(p, sizeof(p), FK_PCI_EP "/controllers/%s/start", epc);
	if (on && fk_config_flag("start_fail")) {
		fk_kmsg(3, "pci_epc %s: failed to start endpoint controller", epc);
		return -EINVAL;
	}
	fk_write_file(p, "%d\n", on);
	fk_link_event("start", epc, on ? "1" : "0");
	return (ssize_t)len;
}

/*
 * clamp=<attr>:<value>: a store of <attr> succeeds but the kernel keeps
 * <value>, as a driver that clamps or rounds what it is given does.
 */
static void clamp_store(const char *rel, const char *attr)
{
	const char *spec = fk_config("clamp");
	const char *colon = spec ? strchr(spec, ':') : NULL;

	if (!colon || strncmp(spec, attr, (size_t)(colon - spec)) || attr[colon - spec] != '\0')
		return;
	fk_write_file(rel, "%s\n", colon + 1);
}

ssize_t fk_cfs_write(const char *rel, const char *buf, size_t len)
{
	char c[8][256], val[4096];
	int n = split(rel, c);
	struct fk_state *st;
	struct links ls;
	struct fk_fn fn;
	ssize_t r;

	/* configfs hands the store at most a page, NUL-terminated. */
	if (len > sizeof(val) - 1)
		len = sizeof(val) - 1;
	memcpy(val, buf, len);
	val[len] = '\0';
	if (n == 3 && !strcmp(c[0], "controllers") && !strcmp(c[2], "start"))
		return start_write(c[1], val, len);
	if (strcmp(c[0], "functions") || n < 4 || n > 5)
		return -EINVAL;
	st = fk_state_load();
	r = fn_load(st, c[1], c[2], &fn);
	if (r == 0) {
		links_load(&ls, st);
		r = fk_epf_write_attr(&fn, n == 5 ? c[3] : NULL, c[n - 1], val, len,
				      link_of(&ls, fn.drv, fn.name, false) != NULL, st);
		if (r >= 0)
			clamp_store(rel, c[n - 1]);
		fn_record(st, &fn);
		fk_state_save(st);
	}
	fk_state_free(st);
	return r;
}
