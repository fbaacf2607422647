// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The graph the config asks for, as attribute writes in kernel order: header
 * first, then the driver subgroup, num_mws before mwN (the kernel refuses mwN
 * above num_mws). Numbers are written as the kernel parses them (base
 * auto-detection: hex needs 0x).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static void want(struct epdma_spec *s, const char *name, bool sub, const char *fmt, ...)
	_printf_(4, 5);

static void want(struct epdma_spec *s, const char *name, bool sub, const char *fmt, ...)
{
	struct epdma_want *w = &s->want[s->nwant++];
	va_list ap;

	if (epdma_strscpy(w->name, name, sizeof(w->name)) < 0) /* kernel names: all fit */
		snprintf(w->name, sizeof(w->name), "%s", name);
	w->sub = sub;
	va_start(ap, fmt);
	vsnprintf(w->value, sizeof(w->value), fmt, ap);
	va_end(ap);
}

static void want_bar(struct epdma_spec *s, const char *name, int bar)
{
	want(s, name, true, "%d", bar);
	s->want[s->nwant - 1].match_any = bar == EPDMA_BAR_AUTO;
}

static void want_header(struct epdma_spec *s, uint16_t vendor, uint16_t device, uint32_t cls,
			uint16_t tag)
{
	want(s, "vendorid", false, "0x%04x", vendor);
	want(s, "deviceid", false, "0x%04x", device);
	want(s, "baseclass_code", false, "0x%02x", cls >> 16);
	want(s, "subclass_code", false, "0x%02x", (cls >> 8) & 0xff);
	want(s, "progif_code", false, "0x%02x", cls & 0xff);
	if (tag) /* the pairing tag: the host finds both functions by it */
		want(s, "subsys_id", false, "0x%04x", tag);
}

static void vntb_spec(const struct epdma_config *cfg, bool bar_attrs, struct epdma_spec *s)
{
	const struct epdma_config_vntb *v = &cfg->vntb;
	char name[24];

	s->driver = EPDMA_EPF_VNTB;
	s->module = EPDMA_MODULE_VNTB;
	snprintf(s->name, sizeof(s->name), "%s", v->name);
	want_header(s, v->vendor_id, v->device_id, v->class_code, cfg->pairing_tag);
	want(s, "num_mws", true, "%u", v->num_mws);
	for (uint32_t i = 0; i < v->num_mws; i++) {
		snprintf(name, sizeof(name), "mw%u", i + 1);
		want(s, name, true, "0x%llx", (unsigned long long)v->mw[i]);
	}
	want(s, "spad_count", true, "%u", v->spad_count);
	want(s, "db_count", true, "%u", v->db_count);
	want(s, "vbus_number", true, "0x%02x", v->vbus_number);
	want(s, "vntb_vid", true, "0x%04x", v->vntb_vid);
	want(s, "vntb_pid", true, "0x%04x", v->vntb_pid);
	if (!bar_attrs)
		return; /* check refused explicit BARs on such a kernel */
	want_bar(s, "ctrl_bar", v->ctrl_bar);
	want_bar(s, "db_bar", v->db_bar);
	for (uint32_t i = 0; i < v->num_mws; i++) {
		snprintf(name, sizeof(name), "mw%u_bar", i + 1);
		want_bar(s, name, v->mw_bar[i]);
	}
}

static void dma_spec(const struct epdma_config *cfg, struct epdma_spec *s)
{
	const struct epdma_config_dma *d = &cfg->dma;

	s->driver = EPDMA_EPF_DMA;
	s->module = EPDMA_MODULE_DMA;
	snprintf(s->name, sizeof(s->name), "%s", d->name);
	want_header(s, d->vendor_id, d->device_id, d->class_code, cfg->pairing_tag);
	/* Header fields reach the hardware at bind: the MSI count too. */
	want(s, "msi_interrupts", false, "%u", d->msi_interrupts);
	want(s, "wr_chans", true, "%u", d->wr_chans);
	want(s, "rd_chans", true, "%u", d->rd_chans);
	want_bar(s, "metadata_bar", d->metadata_bar);
	want_bar(s, "dma_window_bar", d->dma_window_bar);
}

void epdma_specs_from_config(const struct epdma_config *cfg, bool bar_attrs,
			     struct epdma_spec specs[2])
{
	memset(specs, 0, 2 * sizeof(*specs));
	vntb_spec(cfg, bar_attrs, &specs[0]);
	dma_spec(cfg, &specs[1]);
}

bool epdma_want_matches(const struct epdma_want *w, const char *live)
{
	int64_t a, b;

	if (w->match_any)
		return true;
	if (!live)
		return false;
	if (epdma_attr_parse(w->value, &a) < 0 || epdma_attr_parse(live, &b) < 0)
		return !strcmp(w->value, live);
	return a == b;
}

const struct epdma_spec *epdma_spec_of(const struct epdma_spec specs[2],
				       const struct epdma_function *f)
{
	for (int k = 0; k < 2; k++)
		if (!strcmp(specs[k].driver, f->driver) && !strcmp(specs[k].name, f->name))
			return &specs[k];
	return NULL;
}
