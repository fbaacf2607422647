// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoders for what the host reads through the endpoint's BARs (bar.h).
 * The buffer is a device's memory: every read is bounds-checked, every
 * length and count in it is a claim to be verified, never a size to use.
 */
#include <errno.h>

#include "bar.h"

static const char *const reason_names[] = {
	[EPDMA_BAR_WHY_NONE] = "none",
	[EPDMA_BAR_WHY_SHORT] = "short",
	[EPDMA_BAR_WHY_ALL_ONES] = "all-ones",
	[EPDMA_BAR_WHY_ALL_ZERO] = "all-zero",
	[EPDMA_BAR_WHY_NUM_MWS] = "num-mws",
	[EPDMA_BAR_WHY_DB_ENTRY_SIZE] = "db-entry-size",
	[EPDMA_BAR_WHY_SPAD_OFFSET] = "spad-offset",
	[EPDMA_BAR_WHY_SPAD_COUNT] = "spad-count",
	[EPDMA_BAR_WHY_SPAD_OUTSIDE] = "spad-outside",
	[EPDMA_BAR_WHY_SPAD_MWS] = "spad-num-mws",
	[EPDMA_BAR_WHY_SPAD_INDEX] = "spad-index",
	[EPDMA_BAR_WHY_MAGIC] = "magic",
	[EPDMA_BAR_WHY_REVISION] = "revision",
	[EPDMA_BAR_WHY_LENGTH] = "length",
	[EPDMA_BAR_WHY_REG_BAR] = "register-bar",
	[EPDMA_BAR_WHY_CHAN_COUNT] = "channel-count",
	[EPDMA_BAR_WHY_ENTRY_SIZE] = "entry-size",
	[EPDMA_BAR_WHY_TABLE_OUTSIDE] = "table-outside",
};

static const char *const status_names[] = {
	[EPDMA_BAR_OK] = "ok",	     [EPDMA_BAR_TRUNCATED] = "truncated", [EPDMA_BAR_GONE] = "gone",
	[EPDMA_BAR_BLANK] = "blank", [EPDMA_BAR_INSANE] = "insane",
};

const char *epdma_bar_reason_name(enum epdma_bar_reason why)
{
	if ((unsigned int)why >= sizeof(reason_names) / sizeof(reason_names[0]))
		return "?";
	return reason_names[why];
}

const char *epdma_bar_status_name(enum epdma_bar_status status)
{
	if ((unsigned int)status >= sizeof(status_names) / sizeof(status_names[0]))
		return "?";
	return status_names[status];
}

/* ---- little-endian reads; the caller has checked OFF + width <= LEN ---- */

static uint16_t le16(const uint8_t *b, size_t off)
{
	return (uint16_t)(b[off] | b[off + 1] << 8);
}

static uint32_t le32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	       (uint32_t)b[off + 3] << 24;
}

static uint64_t le64(const uint8_t *b, size_t off)
{
	return (uint64_t)le32(b, off) | (uint64_t)le32(b, off + 4) << 32;
}

/* All LEN bytes equal BYTE. */
static bool all_bytes(const uint8_t *b, size_t len, uint8_t byte)
{
	for (size_t i = 0; i < len; i++)
		if (b[i] != byte)
			return false;
	return true;
}

static enum epdma_bar_status verdict(enum epdma_bar_status status, enum epdma_bar_reason reason,
				     enum epdma_bar_reason *why)
{
	if (why)
		*why = reason;
	return status;
}

/* The checks every header shares: ones first (a dead device reads 0xff at
 * any length), then length, then zeros. */
static enum epdma_bar_status header_state(const uint8_t *b, size_t len, size_t header,
					  enum epdma_bar_reason *why)
{
	size_t n = len < header ? len : header;

	if (n && all_bytes(b, n, 0xff))
		return verdict(EPDMA_BAR_GONE, EPDMA_BAR_WHY_ALL_ONES, why);
	if (len < header)
		return verdict(EPDMA_BAR_TRUNCATED, EPDMA_BAR_WHY_SHORT, why);
	if (all_bytes(b, header, 0))
		return verdict(EPDMA_BAR_BLANK, EPDMA_BAR_WHY_ALL_ZERO, why);
	return verdict(EPDMA_BAR_OK, EPDMA_BAR_WHY_NONE, why);
}

/* ---- vNTB control region ---- */

static void vntb_ctrl_decode(const uint8_t *b, struct epdma_vntb_ctrl *c)
{
	c->command = le32(b, EPDMA_VNTB_OFF_COMMAND);
	c->argument = le32(b, EPDMA_VNTB_OFF_ARG);
	c->command_status = le16(b, EPDMA_VNTB_OFF_STATUS);
	c->link_status = le16(b, EPDMA_VNTB_OFF_LINK);
	c->topology = le32(b, EPDMA_VNTB_OFF_TOPO);
	c->addr = le64(b, EPDMA_VNTB_OFF_ADDR);
	c->size = le64(b, EPDMA_VNTB_OFF_SIZE);
	c->num_mws = le32(b, EPDMA_VNTB_OFF_NUM_MWS);
	c->mw1_offset = le32(b, EPDMA_VNTB_OFF_MW1_OFF);
	c->spad_offset = le32(b, EPDMA_VNTB_OFF_SPAD);
	c->spad_count = le32(b, EPDMA_VNTB_OFF_NSPAD);
	c->db_entry_size = le32(b, EPDMA_VNTB_OFF_DBSIZE);
	for (size_t i = 0; i < EPDMA_VNTB_MAX_DB; i++) {
		c->db_data[i] = le32(b, EPDMA_VNTB_OFF_DB_DATA + 4 * i);
		c->db_offset[i] = le32(b, EPDMA_VNTB_OFF_DB_OFF + 4 * i);
	}
}

/* The scratchpad region: 2 * spad_count words at spad_offset, after the
 * header (pci-epf-vntb.c:433-458 puts it at the rounded-up header size). */
static enum epdma_bar_reason vntb_spad_check(const struct epdma_vntb_ctrl *c, size_t len)
{
	uint64_t bytes = (uint64_t)c->spad_count * 8;

	if (c->spad_offset < EPDMA_VNTB_CTRL_SIZE || c->spad_offset % 4)
		return EPDMA_BAR_WHY_SPAD_OFFSET;
	if (bytes > len)
		return EPDMA_BAR_WHY_SPAD_COUNT;
	if ((uint64_t)c->spad_offset + bytes > len)
		return EPDMA_BAR_WHY_SPAD_OUTSIDE;
	return EPDMA_BAR_WHY_NONE;
}

enum epdma_bar_status epdma_vntb_ctrl_parse(const void *buf, size_t len,
					    struct epdma_vntb_ctrl *out, enum epdma_bar_reason *why)
{
	const uint8_t *b = buf;
	enum epdma_bar_status st;
	enum epdma_bar_reason r;

	*out = (struct epdma_vntb_ctrl){ 0 };
	st = header_state(b, len, EPDMA_VNTB_CTRL_SIZE, why);
	if (st != EPDMA_BAR_OK)
		return st;
	vntb_ctrl_decode(b, out);
	/* ntb_hw_epf refuses more: "Unsupported MW count" (ntb_hw_epf.c:583). */
	if (out->num_mws > EPDMA_VNTB_MAX_MWS)
		return verdict(EPDMA_BAR_INSANE, EPDMA_BAR_WHY_NUM_MWS, why);
	if (out->db_entry_size != EPDMA_VNTB_DB_ENTRY)
		return verdict(EPDMA_BAR_INSANE, EPDMA_BAR_WHY_DB_ENTRY_SIZE, why);
	r = vntb_spad_check(out, len);
	if (r != EPDMA_BAR_WHY_NONE)
		return verdict(EPDMA_BAR_INSANE, r, why);
	return verdict(EPDMA_BAR_OK, EPDMA_BAR_WHY_NONE, why);
}

int epdma_vntb_spad(const void *buf, size_t len, const struct epdma_vntb_ctrl *ctrl,
		    enum epdma_spad_half half, uint32_t idx, uint32_t *val)
{
	uint64_t off;

	if (idx >= ctrl->spad_count)
		return -ERANGE;
	off = (uint64_t)ctrl->spad_offset + 4 * (uint64_t)idx;
	if (half == EPDMA_SPAD_ENDPOINT)
		off += 4 * (uint64_t)ctrl->spad_count;
	if (off + 4 > len)
		return -EINVAL;
	*val = le32(buf, (size_t)off);
	return 0;
}

/* ---- ntb_transport's scratchpad protocol ---- */

/* Words 0 .. n-1 of HALF into W; false when one lies outside BUF. */
static bool spad_words(const void *buf, size_t len, const struct epdma_vntb_ctrl *c,
		       enum epdma_spad_half half, uint32_t *w, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (epdma_vntb_spad(buf, len, c, half, i, &w[i]) < 0)
			return false;
	return true;
}

static enum epdma_transport_state transport_state(const uint32_t *w, uint32_t n)
{
	bool any = false;

	for (uint32_t i = 0; i < n; i++)
		any |= w[i] != 0;
	if (!any)
		return EPDMA_TRANSPORT_BLANK;
	/* VERSION is written last (ntb_transport.c:1084, after sizes, NUM_MWS, NUM_QPS). */
	return w[EPDMA_TRANSPORT_SPAD_VER] ? EPDMA_TRANSPORT_WRITTEN : EPDMA_TRANSPORT_PARTIAL;
}

enum epdma_bar_status epdma_transport_spads_decode(const void *buf, size_t len,
						   const struct epdma_vntb_ctrl *ctrl,
						   enum epdma_spad_half half,
						   struct epdma_transport_spads *out,
						   enum epdma_bar_reason *why)
{
	uint32_t w[EPDMA_TRANSPORT_SPAD_MW0 + 2 * EPDMA_VNTB_MAX_MWS];
	uint32_t n = EPDMA_TRANSPORT_SPAD_MW0, holds;

	*out = (struct epdma_transport_spads){ 0 };
	if (ctrl->spad_count < EPDMA_TRANSPORT_MIN_SPADS)
		return verdict(EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_COUNT, why);
	if (!spad_words(buf, len, ctrl, half, w, n))
		return verdict(EPDMA_BAR_TRUNCATED, EPDMA_BAR_WHY_SPAD_OUTSIDE, why);
	if (all_bytes((const uint8_t *)w, sizeof(w[0]) * n, 0xff))
		return verdict(EPDMA_BAR_GONE, EPDMA_BAR_WHY_ALL_ONES, why);
	out->version = w[EPDMA_TRANSPORT_SPAD_VER];
	out->qp_links = w[EPDMA_TRANSPORT_SPAD_QPL];
	out->num_qps = w[EPDMA_TRANSPORT_SPAD_NQPS];
	out->num_mws = w[EPDMA_TRANSPORT_SPAD_NMWS];
	/* ntb_transport.c:1321: the spads hold (spad_count - 4) / 2 MW sizes. */
	holds = (ctrl->spad_count - EPDMA_TRANSPORT_SPAD_MW0) / 2;
	if (out->num_mws > EPDMA_VNTB_MAX_MWS || out->num_mws > holds)
		return verdict(EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_MWS, why);
	n += 2 * out->num_mws;
	if (!spad_words(buf, len, ctrl, half, w, n))
		return verdict(EPDMA_BAR_TRUNCATED, EPDMA_BAR_WHY_SPAD_OUTSIDE, why);
	for (uint32_t i = 0; i < out->num_mws; i++)
		out->mw_size[i] = (uint64_t)w[EPDMA_TRANSPORT_SPAD_MW0 + 2 * i] << 32 |
				  w[EPDMA_TRANSPORT_SPAD_MW0 + 2 * i + 1];
	out->state = transport_state(w, n);
	return verdict(EPDMA_BAR_OK, EPDMA_BAR_WHY_NONE, why);
}

/* ---- PEDM metadata ---- */

static void pedm_decode(const uint8_t *b, struct epdma_pedm *m)
{
	uint32_t rev = le32(b, EPDMA_PEDM_OFF_REV);

	m->magic = le32(b, EPDMA_PEDM_OFF_MAGIC);
	m->revision = rev & 0xff;
	m->length = (uint16_t)(rev >> 16);
	m->ctrl = le32(b, EPDMA_PEDM_OFF_CTRL);
	m->reg_bar = m->ctrl & 0x7;
	m->wr_chans = (m->ctrl >> 3) & 0xff;
	m->rd_chans = (m->ctrl >> 11) & 0xff;
	m->entry_size = (m->ctrl >> 19) & 0xff;
	m->host_req = m->ctrl & EPDMA_PEDM_HOST_REQ;
	m->ready = m->ctrl & EPDMA_PEDM_READY;
	m->reg_offset = le64(b, EPDMA_PEDM_OFF_REG_LO);
	m->layout = le32(b, EPDMA_PEDM_OFF_LAYOUT);
	m->reg_size = le32(b, EPDMA_PEDM_OFF_REG_SIZE);
}

static enum epdma_bar_reason pedm_check(const struct epdma_pedm *m, size_t len)
{
	uint64_t end = EPDMA_PEDM_HEADER_SIZE +
		       (uint64_t)(m->wr_chans + m->rd_chans) * (uint64_t)m->entry_size;

	if (m->magic != EPDMA_PEDM_MAGIC)
		return EPDMA_BAR_WHY_MAGIC;
	if (m->revision != EPDMA_PEDM_REVISION)
		return EPDMA_BAR_WHY_REVISION;
	if (m->length < EPDMA_PEDM_HEADER_SIZE || m->length > len)
		return EPDMA_BAR_WHY_LENGTH;
	if (m->reg_bar > 5)
		return EPDMA_BAR_WHY_REG_BAR;
	if (m->wr_chans > EPDMA_PEDM_MAX_CHANS || m->rd_chans > EPDMA_PEDM_MAX_CHANS ||
	    m->wr_chans + m->rd_chans == 0)
		return EPDMA_BAR_WHY_CHAN_COUNT;
	if (m->entry_size < EPDMA_PEDM_MIN_ENTRY)
		return EPDMA_BAR_WHY_ENTRY_SIZE;
	if (end > m->length || end > len)
		return EPDMA_BAR_WHY_TABLE_OUTSIDE;
	return EPDMA_BAR_WHY_NONE;
}

enum epdma_bar_status epdma_pedm_parse(const void *buf, size_t len, struct epdma_pedm *out,
				       enum epdma_bar_reason *why)
{
	enum epdma_bar_status st;
	enum epdma_bar_reason r;

	*out = (struct epdma_pedm){ 0 };
	st = header_state(buf, len, EPDMA_PEDM_HEADER_SIZE, why);
	if (st != EPDMA_BAR_OK)
		return st;
	pedm_decode(buf, out);
	r = pedm_check(out, len);
	if (r != EPDMA_BAR_WHY_NONE)
		return verdict(EPDMA_BAR_INSANE, r, why);
	return verdict(EPDMA_BAR_OK, EPDMA_BAR_WHY_NONE, why);
}

int epdma_pedm_chan(const struct epdma_pedm *m, unsigned int i, struct epdma_pedm_chan *out)
{
	if (i >= (unsigned int)m->wr_chans + m->rd_chans)
		return -ERANGE;
	out->write = i < m->wr_chans;
	out->index = (uint8_t)(out->write ? i : i - m->wr_chans);
	out->offset = EPDMA_PEDM_HEADER_SIZE + i * (uint32_t)m->entry_size;
	out->size = m->entry_size;
	return 0;
}

/* ---- ntb_hw_epf BAR maps ---- */

static const struct epdma_ntb_epf_map ntb_epf_maps[] = {
	/* j721e_map, ntb_hw_epf.c:762 (v6.12): peer spads in a BAR of their own,
	 * doorbell and MW1 share BAR2. */
	{ 0x104c, 0xb00d, "J721E", true, 0, 1, 2, { 2, 3, 4, 5 } },
	/* mx8_map, ntb_hw_epf.c:772 (v6.12). */
	{ 0x1957, 0x0809, "i.MX8", true, 0, 0, 2, { 4, 5, EPDMA_BAR_NONE, EPDMA_BAR_NONE } },
	/* rcar_barno: not in v6.12; added by the R-Car vNTB series (2025), whose
	 * follow-up sets MW2 to BAR2 as well (MW2 at an offset in MW1's BAR). */
	{ 0x1912, 0x0030, "R-Car", false, 0, 0, 4, { 2, 2, EPDMA_BAR_NONE, EPDMA_BAR_NONE } },
};

const struct epdma_ntb_epf_map *epdma_ntb_epf_map_lookup(uint16_t vendor, uint16_t device)
{
	for (size_t i = 0; i < sizeof(ntb_epf_maps) / sizeof(ntb_epf_maps[0]); i++)
		if (ntb_epf_maps[i].vendor == vendor && ntb_epf_maps[i].device == device)
			return &ntb_epf_maps[i];
	return NULL;
}

bool epdma_ntb_epf_class_ok(uint32_t class_code)
{
	return (class_code & EPDMA_NTB_EPF_CLASS_MASK) == EPDMA_NTB_EPF_CLASS;
}
