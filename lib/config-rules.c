// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Configuration rules that span keys, the host driver's PCI ID table and the
 * profiles built on it. Everything here runs before anything touches the
 * system: a vNTB link the kernel refuses can oops unpatched kernels, and a
 * vNTB ID the host driver does not know binds nothing at all.
 *
 * The loader (config.c) calls in here, never the other way: the rules see the
 * merged configuration and the key table (config-keys.c) only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-internal.h"

#define NO_BAR (-1)

/*
 * ntb_hw_epf (drivers/ntb/hw/epf/ntb_hw_epf.c) binds by PCI ID only, with
 * class 0x0500xx (class_mask 0xffff00), and each ID carries a fixed BAR map:
 * the endpoint's ctrl_bar, db_bar and mwN_bar must produce exactly that map.
 * MW N lives in mw[N - 1]; NO_BAR ends the windows the host can use.
 */
struct ntb_epf_id {
	uint16_t vendor, device;
	const char *board;
	int ctrl, peer_spad, db, mw[EPDMA_MAX_MWS];
	const char *note;	  /* shown in the list of accepted IDs */
	const char *vntb_problem; /* why vNTB cannot serve this ID, or NULL */
};

static const struct ntb_epf_id ntb_epf_ids[] = {
	/* mx8_map: vNTB's own BAR order (ctrl, doorbell, MWs) with 64-bit BARs. */
	{ 0x1957, 0x0809, "i.MX8", 0, 0, 2, { 4, 5, NO_BAR, NO_BAR }, NULL, NULL },
	/* rcar_barno: R-Car Gen4 EPs have BAR0, BAR2 and a fixed 256-byte BAR4. Not in 6.12. */
	{ 0x1912,
	  0x0030,
	  "R-Car",
	  0,
	  0,
	  4,
	  { 2, NO_BAR, NO_BAR, NO_BAR },
	  "newer kernels only",
	  NULL },
	/* j721e_map: the layout of pci-epf-ntb (two-port NTB), not of vNTB. */
	{ 0x104c,
	  0xb00d,
	  "TI J721E",
	  0,
	  1,
	  2,
	  { 2, 3, 4, 5 },
	  "not usable with vNTB",
	  "its map puts the peer scratchpads in BAR1 and the doorbell in BAR2 together with MW1 "
	  "(the pci-epf-ntb layout); vNTB keeps scratchpads in the ctrl BAR and needs a BAR per "
	  "region" },
};

/*
 * A profile is data: the values it gives, merged by the loader between the
 * defaults and the file, as if written in the file. The vNTB ID must be one
 * of ntb_epf_ids and the BARs its map: cfg_validate() checks the merged result
 * like any file, so a wrong entry here fails the profile tests.
 */
static const struct cfg_profile cfg_profiles[] = {
	{ "rcar-gen4",
	  {
		  { "vntb", "vendor_id", "0x1912" },
		  { "vntb", "device_id", "0x0030" },
		  { "vntb", "ctrl_bar", "0" },
		  { "vntb", "db_bar", "4" },
		  { "vntb", "mw1_bar", "2" },
		  { "dma", "vendor_id", "0x1912" },
		  { "dma", "device_id", "0x0032" },
	  } },
	{ "imx8",
	  {
		  { "vntb", "vendor_id", "0x1957" },
		  { "vntb", "device_id", "0x0809" },
		  { "vntb", "ctrl_bar", "0" },
		  { "vntb", "db_bar", "2" },
		  { "vntb", "mw1_bar", "4" },
		  { "vntb", "mw2_bar", "5" },
		  { "dma", "vendor_id", "0x1957" },
		  { "dma", "device_id", "0x080b" },
	  } },
};

static const struct ntb_epf_id *ntb_epf_lookup(uint16_t vendor, uint16_t device)
{
	for (size_t i = 0; i < ARRAY_SIZE(ntb_epf_ids); i++)
		if (ntb_epf_ids[i].vendor == vendor && ntb_epf_ids[i].device == device)
			return &ntb_epf_ids[i];
	return NULL;
}

static int ntb_epf_mw_count(const struct ntb_epf_id *id)
{
	int n = 0;

	while (n < EPDMA_MAX_MWS && id->mw[n] != NO_BAR)
		n++;
	return n;
}

/* "ctrl BAR0, doorbell BAR4, MW1 BAR2" */
static void ntb_epf_describe_map(const struct ntb_epf_id *id, char *buf, size_t size)
{
	int n = snprintf(buf, size, "ctrl BAR%d, doorbell BAR%d", id->ctrl, id->db);

	for (int i = 0; i < ntb_epf_mw_count(id) && n > 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - (size_t)n, ", MW%d BAR%d", i + 1, id->mw[i]);
}

static void ntb_epf_describe_ids(char *buf, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ntb_epf_ids) && n < size; i++) {
		const struct ntb_epf_id *id = &ntb_epf_ids[i];

		n += (size_t)snprintf(buf + n, size - n, "%s0x%04x:0x%04x (%s%s%s)", i ? ", " : "",
				      id->vendor, id->device, id->board, id->note ? ", " : "",
				      id->note ? id->note : "");
	}
}

/* ---- profiles ---- */

const struct cfg_profile *cfg_profile_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cfg_profiles); i++)
		if (!strcmp(cfg_profiles[i].name, name))
			return &cfg_profiles[i];
	return NULL;
}

int cfg_profile_check(const char *name, char *msg, size_t size)
{
	size_t n;

	if (!strcmp(name, "none") || cfg_profile_find(name))
		return 0;
	n = (size_t)snprintf(msg, size, "unknown profile '%s' (allowed: none", name);
	for (size_t i = 0; i < ARRAY_SIZE(cfg_profiles) && n < size; i++)
		n += (size_t)snprintf(msg + n, size - n, ", %s", cfg_profiles[i].name);
	if (n < size)
		snprintf(msg + n, size - n, ")");
	return -1;
}

static int key_index(const char *section, const char *key)
{
	int idx = cfg_key_find(section, key);

	if (idx < 0)
		abort(); /* a rule names a key the table lacks: a bug */
	return idx;
}

/* ---- helpers for the rules ---- */

static bool any_bad(const struct cfg_state *st, const int *idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (st->origin[idx[i]].bad)
			return true;
	return false;
}
#define BAD(st, ...) \
	any_bad(st, (const int[]){ __VA_ARGS__ }, ARRAY_SIZE(((const int[]){ __VA_ARGS__ })))

/* The key that best explains a cross-key error: the first one the file set, else the first. */
static int pick(const struct cfg_state *st, const int *idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (st->origin[idx[i]].source == EPDMA_CONFIG_FILE)
			return idx[i];
	return idx[0];
}
#define PICK(st, ...) \
	pick(st, (const int[]){ __VA_ARGS__ }, ARRAY_SIZE(((const int[]){ __VA_ARGS__ })))

#define REPORT(st, idx, ...) cfg_error(st, cfg_line(st, idx), idx, __VA_ARGS__)

static bool from_file(const struct cfg_state *st, int idx)
{
	return st->origin[idx].source == EPDMA_CONFIG_FILE;
}

/* ---- vNTB ---- */

static void rule_vntb_windows(struct cfg_state *st)
{
	const struct epdma_config_vntb *v = &st->cfg->vntb;
	int num = key_index("vntb", "num_mws");
	char key[32];

	if (BAD(st, num))
		return;
	for (unsigned int i = v->num_mws; i < EPDMA_MAX_MWS; i++) {
		int mw, bar;

		snprintf(key, sizeof(key), "mw%u", i + 1);
		mw = key_index("vntb", key);
		snprintf(key, sizeof(key), "mw%u_bar", i + 1);
		bar = key_index("vntb", key);
		/* The kernel refuses mwN above num_mws (EINVAL): say so before it does. */
		if (from_file(st, mw) && !BAD(st, mw))
			REPORT(st, mw, "set, but num_mws is %u (memory window %u does not exist)",
			       v->num_mws, i + 1);
		if (from_file(st, bar) && !BAD(st, bar))
			REPORT(st, bar, "set, but num_mws is %u (memory window %u does not exist)",
			       v->num_mws, i + 1);
	}
}

/* ntb_transport: spads 0..3 are version, links, queues, MW count; then two per MW. */
static void rule_vntb_spads(struct cfg_state *st)
{
	const struct epdma_config_vntb *v = &st->cfg->vntb;
	int spad = key_index("vntb", "spad_count"), num = key_index("vntb", "num_mws");
	int db = key_index("vntb", "db_count");

	if (!BAD(st, spad) && v->spad_count < 6)
		REPORT(st, spad, "%u is too small: ntb_transport needs at least 6 scratchpads",
		       v->spad_count);
	else if (!BAD(st, spad, num) && (v->spad_count - 4) / 2 < v->num_mws)
		REPORT(st, PICK(st, spad, num),
		       "spad_count %u holds %u memory window(s) ((spad_count - 4) / 2); num_mws %u "
		       "needs spad_count >= %u",
		       v->spad_count, (v->spad_count - 4) / 2, v->num_mws, 4 + 2 * v->num_mws);
	if (!BAD(st, db, num) && v->db_count < v->num_mws + 1)
		REPORT(st, PICK(st, db, num),
		       "db_count %u is below num_mws + 1 = %u (one doorbell per memory window plus "
		       "one)",
		       v->db_count, v->num_mws + 1);
}

static void rule_vntb_class(struct cfg_state *st)
{
	int cls = key_index("vntb", "class");

	if (!BAD(st, cls) && st->cfg->vntb.class_code >> 8 != 0x0500)
		REPORT(st, cls,
		       "0x%06x: ntb_hw_epf binds only class 0x0500xx (memory controller, RAM)",
		       st->cfg->vntb.class_code);
}

/* The vNTB BAR keys in use: ctrl, doorbell, MW1..num_mws. */
static size_t vntb_bars(const struct cfg_state *st, int *idx, int *val)
{
	const struct epdma_config_vntb *v = &st->cfg->vntb;
	char key[32];
	size_t n = 0;

	idx[n] = key_index("vntb", "ctrl_bar");
	val[n++] = v->ctrl_bar;
	idx[n] = key_index("vntb", "db_bar");
	val[n++] = v->db_bar;
	for (unsigned int i = 0; i < v->num_mws && i < EPDMA_MAX_MWS; i++) {
		snprintf(key, sizeof(key), "mw%u_bar", i + 1);
		idx[n] = key_index("vntb", key);
		val[n++] = v->mw_bar[i];
	}
	return n;
}

static void rule_vntb_bars_distinct(struct cfg_state *st)
{
	int idx[2 + EPDMA_MAX_MWS], val[2 + EPDMA_MAX_MWS];
	size_t n = vntb_bars(st, idx, val);
	char name[64];

	for (size_t j = 1; j < n; j++) {
		for (size_t i = 0; i < j; i++) {
			int at;

			if (val[j] == EPDMA_BAR_AUTO || val[i] != val[j] || BAD(st, idx[i], idx[j]))
				continue;
			at = PICK(st, idx[j], idx[i]);
			REPORT(st, at, "BAR %d is also used by %s", val[j],
			       cfg_key_name(at == idx[j] ? idx[i] : idx[j], name, sizeof(name)));
			break;
		}
	}
}

/* Explicit BARs must be the host driver's map for the ID; auto is the kernel's choice. */
static void rule_vntb_bar_map(struct cfg_state *st, const struct ntb_epf_id *id, int why)
{
	int idx[2 + EPDMA_MAX_MWS], val[2 + EPDMA_MAX_MWS];
	size_t n = vntb_bars(st, idx, val);
	char map[128];

	ntb_epf_describe_map(id, map, sizeof(map));
	for (size_t i = 0; i < n; i++) {
		int want = i == 0 ? id->ctrl : i == 1 ? id->db : id->mw[i - 2];

		if (val[i] == EPDMA_BAR_AUTO || val[i] == want || BAD(st, idx[i]) || want == NO_BAR)
			continue;
		REPORT(st, PICK(st, idx[i], why),
		       "BAR %d disagrees with ntb_hw_epf's map for 0x%04x:0x%04x (%s: %s)", val[i],
		       id->vendor, id->device, id->board, map);
	}
}

static void rule_vntb_id(struct cfg_state *st)
{
	const struct epdma_config_vntb *v = &st->cfg->vntb;
	int ven = key_index("vntb", "vendor_id"), dev = key_index("vntb", "device_id");
	int num = key_index("vntb", "num_mws"), why = PICK(st, dev, ven);
	const struct ntb_epf_id *id = ntb_epf_lookup(v->vendor_id, v->device_id);
	char ids[512];

	if (BAD(st, ven, dev)) {
		rule_vntb_bars_distinct(st);
		return;
	}
	if (!id || id->vntb_problem) {
		ntb_epf_describe_ids(ids, sizeof(ids));
		if (!id)
			REPORT(st, why,
			       "0x%04x:0x%04x is not bound by ntb_hw_epf on the host (it binds %s)",
			       v->vendor_id, v->device_id, ids);
		else
			REPORT(st, why, "0x%04x:0x%04x (%s) is bound by ntb_hw_epf, but %s",
			       v->vendor_id, v->device_id, id->board, id->vntb_problem);
		rule_vntb_bars_distinct(st);
		return;
	}
	if (!BAD(st, num) && v->num_mws > (unsigned int)ntb_epf_mw_count(id))
		REPORT(st, PICK(st, num, why),
		       "%u memory windows, but ntb_hw_epf maps only %d for 0x%04x:0x%04x (%s)",
		       v->num_mws, ntb_epf_mw_count(id), id->vendor, id->device, id->board);
	/* The map's BARs are distinct, so a clash always shows up as a disagreement here. */
	rule_vntb_bar_map(st, id, why);
}

/* ---- DMA function and both names ---- */

static void rule_dma(struct cfg_state *st)
{
	const struct epdma_config_dma *d = &st->cfg->dma;
	int meta = key_index("dma", "metadata_bar"), win = key_index("dma", "dma_window_bar");
	int wr = key_index("dma", "wr_chans"), rd = key_index("dma", "rd_chans");
	int msi = key_index("dma", "msi_interrupts");

	if (!BAD(st, meta, win) && d->metadata_bar != EPDMA_BAR_AUTO &&
	    d->metadata_bar == d->dma_window_bar)
		REPORT(st, PICK(st, win, meta),
		       "BAR %d is also dma.metadata_bar (they must differ)", d->dma_window_bar);
	if (!BAD(st, wr, rd) && d->wr_chans + d->rd_chans == 0)
		REPORT(st, PICK(st, rd, wr),
		       "wr_chans and rd_chans are both 0: the DMA function needs a channel");
	/* Default: one MSI vector per channel (at least one, which the function needs). */
	if (st->origin[msi].source == EPDMA_CONFIG_DEFAULT)
		st->cfg->dma.msi_interrupts = d->wr_chans + d->rd_chans ? d->wr_chans + d->rd_chans
									: 1;
}

static void rule_names(struct cfg_state *st)
{
	int vn = key_index("vntb", "name"), dn = key_index("dma", "name");

	/* Both functions are linked into controllers/<epc>/ under their names: EEXIST. */
	if (!BAD(st, vn, dn) && !strcmp(st->cfg->vntb.name, st->cfg->dma.name))
		REPORT(st, PICK(st, dn, vn),
		       "'%s' is also the vNTB function's name: both are linked into "
		       "controllers/<epc>/ by name, so the second link would fail (EEXIST)",
		       st->cfg->dma.name);
}

void cfg_validate(struct cfg_state *st)
{
	rule_names(st);
	rule_vntb_windows(st);
	rule_vntb_spads(st);
	rule_vntb_class(st);
	rule_vntb_id(st);
	rule_dma(st);
}
