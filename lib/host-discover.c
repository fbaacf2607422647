// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host discovery and pairing: find the endpoint's vNTB and DMA functions on
 * the PCI bus (libpci, sysfs method below the root), select the configured
 * card, and prove that the two functions belong together.
 *
 * No kernel mechanism ties the DMA function to its vNTB (kernel-abi.md §4):
 * the proof is the topology (same domain:bus:slot, another function), the
 * optional pairing tag (both carry it as subsystem device ID), and what the
 * BARs hold: the vNTB control region and scratchpads as pci-epf-vntb and the
 * endpoint's ntb_transport write them, the PEDM metadata block of the DMA
 * function, and a BAR layout that ntb_hw_epf's map for the ID agrees with.
 * A check that cannot read its evidence is SKIP ("not verified: why").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bar.h"
#include "internal.h"
#include "transport.h"

struct epdma_host *epdma_host_new(void)
{
	struct epdma_host *h = calloc(1, sizeof(*h));

	if (h)
		h->vntb = h->dma = -1;
	return h;
}

const char *epdma_host_kind_name(enum epdma_host_kind kind)
{
	return kind == EPDMA_HOST_VNTB ? "vntb" : "dma";
}

/* ---- candidates ---- */

struct scan {
	const struct epdma_config *cfg;
	struct epdma_host *h;
};

static void judge(const struct epdma_config *cfg, struct epdma_host_candidate *c)
{
	uint32_t want = c->kind == EPDMA_HOST_VNTB ? cfg->vntb.class_code : cfg->dma.class_code;

	c->matches = false;
	if (c->kind == EPDMA_HOST_VNTB && (c->class_code & 0xffff00) != 0x050000)
		snprintf(c->why, sizeof(c->why),
			 "class %06x: ntb_hw_epf binds only class 0500xx (memory controller, RAM)",
			 c->class_code);
	else if ((c->class_code & 0xffff00) != (want & 0xffff00))
		snprintf(c->why, sizeof(c->why), "class %06x, the config wants %06x", c->class_code,
			 want);
	else if (cfg->pairing_tag && c->subsys_id != cfg->pairing_tag)
		snprintf(c->why, sizeof(c->why), "subsystem ID %04x, pairing_tag is %04x",
			 c->subsys_id, cfg->pairing_tag);
	else {
		c->matches = true;
		snprintf(c->why, sizeof(c->why), "IDs and class as configured%s",
			 cfg->pairing_tag ? ", pairing tag present" : "");
	}
}

static int scan_one(const struct epdma_pci_function *f, void *data)
{
	struct scan *s = data;
	const struct epdma_config *cfg = s->cfg;
	struct epdma_host_candidate *c;
	bool vntb = f->vendor_id == cfg->vntb.vendor_id && f->device_id == cfg->vntb.device_id;
	bool dma = f->vendor_id == cfg->dma.vendor_id && f->device_id == cfg->dma.device_id;

	if (!vntb && !dma)
		return 0;
	if (s->h->ncandidates == EPDMA_HOST_MAX_CANDIDATES) {
		s->h->candidates_lost++;
		return 0;
	}
	c = &s->h->candidates[s->h->ncandidates++];
	/* Both functions may share one ID (a profile's choice): the class tells them apart. */
	c->kind = vntb && (!dma || (f->class_code & 0xffff00) == 0x050000) ? EPDMA_HOST_VNTB
									   : EPDMA_HOST_DMA;
	epdma_pci_bdf(f, c->bdf, sizeof(c->bdf));
	c->domain = f->domain;
	c->bus = f->bus;
	c->dev = f->dev;
	c->func = f->func;
	c->vendor_id = f->vendor_id;
	c->device_id = f->device_id;
	c->class_code = f->class_code;
	c->subsys_vendor_id = f->subsys_vendor_id;
	c->subsys_id = f->subsys_id;
	judge(cfg, c);
	return 0;
}

/* libpci lists in its own order: show them by domain, bus, slot, function. */
static int by_bdf(const void *a, const void *b)
{
	const struct epdma_host_candidate *x = a, *y = b;

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (int)x->func - (int)y->func;
}

static bool same_slot(const struct epdma_host_candidate *a, const struct epdma_host_candidate *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev;
}

/* [host] select: a slot DDDD:BB:SS or one of its functions DDDD:BB:SS.F. */
static bool selected_by(const char *select, const struct epdma_host_candidate *c)
{
	char slot[16];

	if (!select[0])
		return true;
	snprintf(slot, sizeof(slot), "%04x:%02x:%02x", c->domain, c->bus, c->dev);
	return !strcasecmp(select, slot) || !strcasecmp(select, c->bdf);
}

/* The DMA function pairing with vNTB V: a matching DMA function of its slot. */
static int partner(const struct epdma_host *h, size_t v)
{
	for (size_t d = 0; d < h->ncandidates; d++) {
		const struct epdma_host_candidate *c = &h->candidates[d];

		if (c->kind == EPDMA_HOST_DMA && c->matches && same_slot(c, &h->candidates[v]) &&
		    c->func != h->candidates[v].func)
			return (int)d;
	}
	return -1;
}

static void note(struct epdma_host_candidate *c, const char *text, const char *arg)
{
	size_t n = strlen(c->why);

	snprintf(c->why + n, sizeof(c->why) - n, "; %s%s", text, arg);
}

/* Pick the pair; -ENODEV none, -ENOTUNIQ several (LIST names their slots). */
static int select_pair(const struct epdma_config *cfg, struct epdma_host *h, char *list,
		       size_t size)
{
	size_t pairs = 0;

	list[0] = '\0';
	for (size_t v = 0; v < h->ncandidates; v++) {
		struct epdma_host_candidate *c = &h->candidates[v];
		int d;

		if (c->kind != EPDMA_HOST_VNTB || !c->matches)
			continue;
		d = partner(h, v);
		if (d < 0) {
			note(c, "no matching DMA function on its slot", "");
			continue;
		}
		if (!selected_by(cfg->host.select, c) &&
		    !selected_by(cfg->host.select, &h->candidates[d])) {
			note(c, "not the card named by [host] select = ", cfg->host.select);
			continue;
		}
		snprintf(list + strlen(list), size - strlen(list), "%s%04x:%02x:%02x",
			 pairs ? ", " : "", c->domain, c->bus, c->dev);
		if (pairs++ == 0) {
			h->vntb = (int)v;
			h->dma = d;
		}
	}
	if (pairs > 1) {
		h->vntb = h->dma = -1;
		return -ENOTUNIQ;
	}
	if (!pairs)
		return -ENODEV;
	h->candidates[h->vntb].selected = h->candidates[h->dma].selected = true;
	return 0;
}

static bool has_vntb(const struct epdma_host *h, const struct epdma_host_candidate *d)
{
	for (size_t i = 0; i < h->ncandidates; i++)
		if (h->candidates[i].kind == EPDMA_HOST_VNTB && h->candidates[i].matches &&
		    same_slot(&h->candidates[i], d) && h->candidates[i].func != d->func)
			return true;
	return false;
}

static void mark_unselected(struct epdma_host *h, int r)
{
	for (size_t i = 0; i < h->ncandidates; i++) {
		struct epdma_host_candidate *c = &h->candidates[i];

		if (c->selected)
			note(c, "selected", "");
		else if (r == -ENOTUNIQ && c->matches &&
			 (c->kind == EPDMA_HOST_VNTB ? partner(h, i) >= 0 : has_vntb(h, c)))
			note(c, "one of several cards", "");
		else if (c->kind == EPDMA_HOST_DMA && c->matches)
			note(c,
			     has_vntb(h, c) ? "not the selected card"
					    : "no matching vNTB function on its slot",
			     "");
	}
}

static void read_drivers(struct epdma_ctx *ctx, struct epdma_host *h)
{
	for (size_t i = 0; i < h->ncandidates; i++) {
		struct epdma_host_candidate *c = &h->candidates[i];

		if (epdma_pci_driver(ctx, c->bdf, c->driver, sizeof(c->driver)) < 0)
			snprintf(c->driver, sizeof(c->driver), "?");
	}
}

/* ---- pairing checks of the selected pair ---- */

static void check_topology(const struct epdma_host_candidate *v,
			   const struct epdma_host_candidate *d, struct epdma_checks *c)
{
	/* vNTB hard-codes function 0 for its inbound window (kernel-abi.md §2). */
	epdma_checks_add(c, "pair topology", v->func == 0 ? EPDMA_CHECK_PASS : EPDMA_CHECK_WARN,
			 v->func == 0 ? NULL : "link the vNTB function first on the endpoint",
			 "functions %u (vNTB) and %u (DMA) of slot %04x:%02x:%02x", v->func,
			 d->func, v->domain, v->bus, v->dev);
}

static void check_tag(const struct epdma_config *cfg, struct epdma_checks *c)
{
	if (!cfg->pairing_tag)
		epdma_checks_add(c, "pair tag", EPDMA_CHECK_SKIP,
				 "set [endpoint] pairing_tag on both ends",
				 "not verified: pairing_tag is not set");
	else
		epdma_checks_add(c, "pair tag", EPDMA_CHECK_PASS, NULL,
				 "both functions carry subsystem ID %04x", cfg->pairing_tag);
}

/* BAR selectors the config sets must be the ones ntb_hw_epf expects for the ID. */
static int check_map(const struct epdma_config *cfg, const struct epdma_host_candidate *v,
		     const uint64_t size[6], struct epdma_checks *c)
{
	const struct epdma_ntb_epf_map *m = epdma_ntb_epf_map_lookup(v->vendor_id, v->device_id);
	int need[2 + EPDMA_MAX_MWS], n = 0;

	if (!m) {
		epdma_checks_add(c, "pair bar map", EPDMA_CHECK_FAIL,
				 "use an ID ntb_hw_epf lists (modinfo ntb_hw_epf)",
				 "ntb_hw_epf has no BAR map for %04x:%04x", v->vendor_id,
				 v->device_id);
		return -1;
	}
	need[n++] = m->ctrl;
	need[n++] = m->db;
	for (uint32_t i = 0; i < cfg->vntb.num_mws && i < EPDMA_MAX_MWS; i++)
		need[n++] = m->mw[i];
	for (int i = 0; i < n; i++)
		if (need[i] < 0 || need[i] > 5 || !size[need[i]]) {
			epdma_checks_add(c, "pair bar map", EPDMA_CHECK_FAIL,
					 "set the endpoint's ctrl_bar, db_bar and mwN_bar to the "
					 "host driver's map",
					 "%s has no BAR%d, which ntb_hw_epf's %s map uses", v->bdf,
					 need[i], m->name);
			return m->ctrl;
		}
	epdma_checks_add(c, "pair bar map", EPDMA_CHECK_PASS, NULL,
			 "ctrl BAR%d, doorbell BAR%d, MW1 BAR%d present, as ntb_hw_epf's %s map",
			 m->ctrl, m->db, m->mw[0], m->name);
	return m->ctrl;
}

/* A BAR that could not be read: SKIP (claimed, not re-verified) or FAIL. */
static void bar_unreadable(const char *name, const struct epdma_host_candidate *f, int bar, int r,
			   struct epdma_checks *c)
{
	if (r == -EINVAL)
		epdma_checks_add(c, name, EPDMA_CHECK_SKIP, NULL,
				 "BAR%d of %s is claimed by %s: not re-verified (mmap refused)",
				 bar, f->bdf, f->driver[0] ? f->driver : "a driver");
	else if (r == -ENODEV)
		epdma_checks_add(c, name, EPDMA_CHECK_FAIL, NULL,
				 "%s is gone (bus error reading BAR%d)", f->bdf, bar);
	else
		epdma_checks_add(c, name, EPDMA_CHECK_FAIL, NULL, "cannot map BAR%d of %s: %s", bar,
				 f->bdf, strerror(-r));
}

static void bar_bad(const char *name, const struct epdma_host_candidate *f, int bar,
		    enum epdma_bar_status st, enum epdma_bar_reason why, struct epdma_checks *c)
{
	if (st == EPDMA_BAR_GONE)
		epdma_checks_add(c, name, EPDMA_CHECK_FAIL, NULL,
				 "BAR%d of %s reads all ones: the device is gone", bar, f->bdf);
	else if (st == EPDMA_BAR_BLANK)
		epdma_checks_add(c, name, EPDMA_CHECK_FAIL, "is the endpoint started?",
				 "BAR%d of %s is blank: the endpoint has not written it", bar,
				 f->bdf);
	else
		epdma_checks_add(c, name, EPDMA_CHECK_FAIL, NULL, "BAR%d of %s: %s (%s)", bar,
				 f->bdf, epdma_bar_status_name(st), epdma_bar_reason_name(why));
}

static void check_spads(const struct epdma_config *cfg, const void *buf, size_t len,
			const struct epdma_vntb_ctrl *ctrl, struct epdma_checks *c)
{
	struct epdma_transport_spads t;
	enum epdma_bar_reason why = EPDMA_BAR_WHY_NONE;
	enum epdma_bar_status st = epdma_transport_spads_decode(buf, len, ctrl, EPDMA_SPAD_HOST, &t,
								&why);

	if (st != EPDMA_BAR_OK) {
		epdma_checks_add(c, "pair transport", EPDMA_CHECK_FAIL, NULL,
				 "scratchpads: %s (%s)", epdma_bar_status_name(st),
				 epdma_bar_reason_name(why));
		return;
	}
	if (t.state != EPDMA_TRANSPORT_WRITTEN) {
		epdma_checks_add(c, "pair transport", EPDMA_CHECK_SKIP, NULL,
				 "not verified: the endpoint's transport has %s its scratchpads",
				 t.state == EPDMA_TRANSPORT_BLANK ? "not written"
								  : "not finished writing");
		return;
	}
	if (t.version != EPDMA_TRANSPORT_VERSION || t.num_mws != cfg->vntb.num_mws) {
		epdma_checks_add(c, "pair transport", EPDMA_CHECK_FAIL,
				 "load the same transport with the same [transport] values on "
				 "both ends",
				 "endpoint transport version %u, %u MWs; the host's is version %u, "
				 "%u MWs",
				 t.version, t.num_mws, EPDMA_TRANSPORT_VERSION, cfg->vntb.num_mws);
		return;
	}
	for (uint32_t i = 0; i < t.num_mws && i < EPDMA_MAX_MWS; i++) {
		uint64_t want = cfg->vntb.mw[i];

		if (cfg->transport.max_mw_size && want > cfg->transport.max_mw_size)
			want = cfg->transport.max_mw_size;
		if (t.mw_size[i] != want) {
			epdma_checks_add(c, "pair transport", EPDMA_CHECK_FAIL,
					 "use the same max_mw_size on both ends",
					 "endpoint transport announces MW%u of %llu bytes, the "
					 "config %llu",
					 i + 1, (unsigned long long)t.mw_size[i],
					 (unsigned long long)want);
			return;
		}
	}
	epdma_checks_add(c, "pair transport", EPDMA_CHECK_PASS, NULL,
			 "version %u, %u queue pairs, %u MWs as configured", t.version, t.num_qps,
			 t.num_mws);
}

/*
 * Both ends' transports against each other: what the endpoint's wrote (the
 * host's half) and what the host's wrote (the endpoint's half). Only once the
 * endpoint's has written: before that the check above says so already.
 */
static void compare_ends(const struct epdma_config *cfg, const void *buf, size_t len,
			 const struct epdma_vntb_ctrl *ctrl, struct epdma_checks *c)
{
	struct epdma_transport_spads host, ep;
	enum epdma_bar_reason why = EPDMA_BAR_WHY_NONE;

	if (epdma_transport_spads_decode(buf, len, ctrl, EPDMA_SPAD_HOST, &ep, &why) !=
		    EPDMA_BAR_OK ||
	    ep.state != EPDMA_TRANSPORT_WRITTEN)
		return;
	if (epdma_transport_spads_decode(buf, len, ctrl, EPDMA_SPAD_ENDPOINT, &host, &why) !=
	    EPDMA_BAR_OK)
		return;
	epdma_transport_compare(&host, &ep, cfg, c);
}

static void check_ctrl(const struct epdma_config *cfg, const struct epdma_host_candidate *v,
		       int bar, struct epdma_ctx *ctx, struct epdma_checks *c)
{
	struct epdma_vntb_ctrl ctrl;
	enum epdma_bar_reason why = EPDMA_BAR_WHY_NONE;
	enum epdma_bar_status st;
	_cleanup_free_ void *buf = NULL;
	size_t len = 0;
	int r = epdma_pci_bar_read(ctx, v->bdf, bar, &buf, &len);

	if (r < 0) {
		bar_unreadable("pair vntb control", v, bar, r, c);
		epdma_checks_add(c, "pair transport", EPDMA_CHECK_SKIP, NULL,
				 "not verified: the control BAR cannot be read");
		return;
	}
	st = epdma_vntb_ctrl_parse(buf, len, &ctrl, &why);
	if (st != EPDMA_BAR_OK) {
		bar_bad("pair vntb control", v, bar, st, why, c);
		return;
	}
	if (ctrl.num_mws != cfg->vntb.num_mws || ctrl.spad_count != cfg->vntb.spad_count)
		epdma_checks_add(c, "pair vntb control", EPDMA_CHECK_FAIL,
				 "another card, or the endpoint runs another config",
				 "num_mws %u, spad_count %u; the config has %u, %u", ctrl.num_mws,
				 ctrl.spad_count, cfg->vntb.num_mws, cfg->vntb.spad_count);
	else
		epdma_checks_add(c, "pair vntb control", EPDMA_CHECK_PASS, NULL,
				 "num_mws %u, spad_count %u, db_entry_size %u, scratchpads at "
				 "0x%x inside the %zu-byte BAR%d, link %s",
				 ctrl.num_mws, ctrl.spad_count, ctrl.db_entry_size,
				 ctrl.spad_offset, len, bar,
				 ctrl.link_status & EPDMA_VNTB_LINK_UP ? "up" : "down");
	check_spads(cfg, buf, len, &ctrl, c);
	compare_ends(cfg, buf, len, &ctrl, c);
}

/* The metadata BAR: configured, else the first BAR with the PEDM magic. */
static void check_pedm(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		       const struct epdma_host_candidate *d, const uint64_t size[6],
		       struct epdma_checks *c)
{
	int first = cfg->dma.metadata_bar == EPDMA_BAR_AUTO ? 0 : cfg->dma.metadata_bar;
	int last = cfg->dma.metadata_bar == EPDMA_BAR_AUTO ? 5 : cfg->dma.metadata_bar;

	for (int bar = first; bar <= last; bar++) {
		_cleanup_free_ void *buf = NULL;
		enum epdma_bar_reason why = EPDMA_BAR_WHY_NONE;
		enum epdma_bar_status st;
		struct epdma_pedm m;
		size_t len = 0;
		int r;

		if (!size[bar])
			continue;
		r = epdma_pci_bar_read(ctx, d->bdf, bar, &buf, &len);
		if (r < 0) {
			bar_unreadable("pair dma metadata", d, bar, r, c);
			return;
		}
		st = epdma_pedm_parse(buf, len, &m, &why);
		if (first != last && (st == EPDMA_BAR_BLANK ||
				      (st == EPDMA_BAR_INSANE && why == EPDMA_BAR_WHY_MAGIC)))
			continue;
		if (st != EPDMA_BAR_OK)
			bar_bad("pair dma metadata", d, bar, st, why, c);
		else if (m.wr_chans != cfg->dma.wr_chans || m.rd_chans != cfg->dma.rd_chans)
			epdma_checks_add(c, "pair dma metadata", EPDMA_CHECK_FAIL,
					 "another card, or the endpoint runs another config",
					 "%u write + %u read channels; the config has %u + %u",
					 m.wr_chans, m.rd_chans, cfg->dma.wr_chans,
					 cfg->dma.rd_chans);
		else
			epdma_checks_add(c, "pair dma metadata", EPDMA_CHECK_PASS, NULL,
					 "PEDM revision %u in BAR%d, %u write + %u read channels%s",
					 m.revision, bar, m.wr_chans, m.rd_chans,
					 m.ready ? ", ready" : "");
		return;
	}
	epdma_checks_add(c, "pair dma metadata", EPDMA_CHECK_FAIL, NULL,
			 "no BAR of %s carries the PEDM metadata block", d->bdf);
}

static void check_bars(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		       const struct epdma_host *h, struct epdma_checks *c)
{
	const struct epdma_host_candidate *v = &h->candidates[h->vntb], *d = &h->candidates[h->dma];
	uint64_t vsize[6], dsize[6];
	int r = epdma_pci_bar_sizes(ctx, v->bdf, vsize), ctrl;

	if (r < 0) {
		epdma_checks_add(c, "pair bar map", EPDMA_CHECK_FAIL, NULL,
				 "cannot read %s/resource: %s", v->bdf, strerror(-r));
	} else {
		ctrl = check_map(cfg, v, vsize, c);
		if (cfg->vntb.ctrl_bar != EPDMA_BAR_AUTO)
			ctrl = cfg->vntb.ctrl_bar;
		if (ctrl >= 0)
			check_ctrl(cfg, v, ctrl, ctx, c);
	}
	r = epdma_pci_bar_sizes(ctx, d->bdf, dsize);
	if (r < 0)
		epdma_checks_add(c, "pair dma metadata", EPDMA_CHECK_FAIL, NULL,
				 "cannot read %s/resource: %s", d->bdf, strerror(-r));
	else
		check_pedm(ctx, cfg, d, dsize, c);
}

static void card_check(const struct epdma_config *cfg, const struct epdma_host *h, int r,
		       const char *list, enum epdma_check_result absent, struct epdma_checks *c)
{
	if (r == 0)
		epdma_checks_add(c, "card", EPDMA_CHECK_PASS, NULL, "vNTB %s + DMA %s",
				 h->candidates[h->vntb].bdf, h->candidates[h->dma].bdf);
	else if (r == -ENOTUNIQ)
		epdma_checks_add(c, "card", EPDMA_CHECK_FAIL,
				 "set [host] select to the slot of the card to use",
				 "several cards with the configured functions: %s", list);
	else
		epdma_checks_add(
			c, "card", absent,
			absent == EPDMA_CHECK_FAIL
				? "is the endpoint started? a rescan finds functions "
				  "that appeared after boot"
				: NULL,
			"no vNTB %04x:%04x + DMA %04x:%04x pair on one slot%s%s%s",
			cfg->vntb.vendor_id, cfg->vntb.device_id, cfg->dma.vendor_id,
			cfg->dma.device_id, cfg->host.select[0] ? " at " : "", cfg->host.select,
			absent == EPDMA_CHECK_FAIL		 ? ""
			: cfg->host.rescan == EPDMA_RESCAN_NEVER ? "; [host] rescan = never"
								 : "; setup rescans the bus");
}

void epdma_host_scan_error(struct epdma_ctx *ctx, const struct epdma_config *cfg, int err,
			   struct epdma_errors *errs)
{
	char **names = NULL;
	unsigned int line = 0;
	bool epc = epdma_controllers_list(ctx, &names) == 0 && names[0];

	epdma_strv_free(names);
	epdma_config_source(cfg, "general", "role", &line);
	epdma_errors_add(errs, cfg->file, line, "general.role",
			 "the host role cannot scan /sys/bus/pci: %s%s", strerror(-err),
			 epc ? "; this system has PCI endpoint controllers (/sys/class/pci_epc): "
			       "is it the endpoint?"
			     : "");
}

int epdma_host_find(struct epdma_ctx *ctx, const struct epdma_config *cfg, struct epdma_host *h,
		    enum epdma_check_result absent, struct epdma_checks *c)
{
	struct scan s = { cfg, h };
	const struct epdma_pci_id ids[] = {
		{ cfg->vntb.vendor_id, cfg->vntb.device_id },
		{ cfg->dma.vendor_id, cfg->dma.device_id },
	};
	size_t first = c->count;
	char list[128];
	int r;

	h->ncandidates = h->candidates_lost = 0;
	h->vntb = h->dma = -1;
	h->proven = false;
	r = epdma_pci_foreach_id(ctx, ids, ARRAY_SIZE(ids), scan_one, &s);
	if (r < 0) {
		epdma_checks_add(c, "card", EPDMA_CHECK_FAIL, "is sysfs mounted on /sys?",
				 "cannot scan /sys/bus/pci: %s", strerror(-r));
		return r;
	}
	qsort(h->candidates, h->ncandidates, sizeof(h->candidates[0]), by_bdf);
	read_drivers(ctx, h);
	r = select_pair(cfg, h, list, sizeof(list));
	mark_unselected(h, r);
	card_check(cfg, h, r, list, absent, c);
	if (r < 0)
		return r == -ENOTUNIQ ? -EINVAL : -ENODEV;
	check_topology(&h->candidates[h->vntb], &h->candidates[h->dma], c);
	check_tag(cfg, c);
	check_bars(ctx, cfg, h, c);
	h->proven = true;
	for (size_t i = first; i < c->count; i++)
		h->proven &= c->items[i].result != EPDMA_CHECK_FAIL;
	return h->proven ? 0 : -EINVAL;
}
