// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/bar.c: the decoders of what the host reads through the endpoint's BARs,
 * on good images (as the endpoint's drivers write them, tests/fixture-host.c)
 * and on hostile ones: every field wrong, every truncation, all ones, lying
 * length fields, tables past the BAR, absurd counts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bar.h"
#include "fixture.h"

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static const struct fx_vntb_bar good_vntb = {
	.num_mws = 1,
	.spad_count = 64,
	.db_count = 4,
	.transport = true,
	.version = 4,
	.num_qps = 1,
	.spad_num_mws = 1,
	.mw_size = { 0x100000 },
};

/* The R-Car S4 config's counts: wr 2 + rd 2 channels, window in BAR2. */
static const struct fx_pedm_bar good_pedm = {
	.reg_bar = 2,
	.wr_chans = 2,
	.rd_chans = 2,
	.entry_size = EPDMA_PEDM_MIN_ENTRY,
	.layout = EPDMA_PEDM_LAYOUT_DW_EDMA,
	.reg_size = 0x1000,
};

START_TEST(vntb_good)
{
	struct epdma_vntb_ctrl c;
	enum epdma_bar_reason why = EPDMA_BAR_WHY_MAGIC;
	size_t len;
	uint8_t *img = fx_vntb_bar_image(&good_vntb, &len);

	/* 0x134 -> 0x200 ctrl, 2 * 64 * 4 = 0x200 spads: a 0x400 BAR. */
	ck_assert_uint_eq(len, 0x400);
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &c, &why), EPDMA_BAR_OK);
	ck_assert_int_eq(why, EPDMA_BAR_WHY_NONE);
	ck_assert_uint_eq(c.num_mws, 1);
	ck_assert_uint_eq(c.spad_offset, 0x200);
	ck_assert_uint_eq(c.spad_count, 64);
	ck_assert_uint_eq(c.db_entry_size, 4);
	ck_assert_uint_eq(c.db_data[0], 1);
	ck_assert_uint_eq(c.db_data[3], 4);
	ck_assert_uint_eq(c.db_data[4], 0);
	ck_assert_uint_eq(c.link_status, 0);
	free(img);
}
END_TEST

/* Every field at its own offset: a pattern image decodes field by field. */
START_TEST(vntb_offsets)
{
	uint8_t img[0x400] = { 0 };
	struct epdma_vntb_ctrl c;

	put32(img, 0x00, 0x11111111);
	put32(img, 0x04, 0x22222222);
	put32(img, 0x08, 0x44443333);
	put32(img, 0x0c, 0x55555555);
	put32(img, 0x10, 0x66666666);
	put32(img, 0x14, 0x77777777);
	put32(img, 0x18, 0x88888888);
	put32(img, 0x1c, 0x99999999);
	put32(img, 0x20, 2);
	put32(img, 0x24, 0x1000);
	put32(img, 0x28, 0x134);
	put32(img, 0x2c, 8);
	put32(img, 0x30, 4);
	put32(img, 0x34 + 4 * 31, 0xdb);
	put32(img, 0xb4 + 4 * 31, 0xd0);
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, sizeof(img), &c, NULL), EPDMA_BAR_OK);
	ck_assert_uint_eq(c.command, 0x11111111);
	ck_assert_uint_eq(c.argument, 0x22222222);
	ck_assert_uint_eq(c.command_status, 0x3333);
	ck_assert_uint_eq(c.link_status, 0x4444);
	ck_assert_uint_eq(c.topology, 0x55555555);
	ck_assert_uint_eq(c.addr, 0x7777777766666666ull);
	ck_assert_uint_eq(c.size, 0x9999999988888888ull);
	ck_assert_uint_eq(c.num_mws, 2);
	ck_assert_uint_eq(c.mw1_offset, 0x1000);
	ck_assert_uint_eq(c.spad_offset, 0x134);
	ck_assert_uint_eq(c.spad_count, 8);
	ck_assert_uint_eq(c.db_data[31], 0xdb);
	ck_assert_uint_eq(c.db_offset[31], 0xd0);
	ck_assert_uint_eq(c.db_offset[30], 0);
}
END_TEST

START_TEST(vntb_aligned_controller)
{
	struct fx_vntb_bar b = good_vntb;
	struct epdma_vntb_ctrl c;
	size_t len;
	uint8_t *img;

	b.align = 0x1000; /* a 4 KiB-aligned controller: spads at 0x1000 */
	img = fx_vntb_bar_image(&b, &len);
	ck_assert_uint_eq(len, 0x2000);
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &c, NULL), EPDMA_BAR_OK);
	ck_assert_uint_eq(c.spad_offset, 0x1000);
	free(img);
}
END_TEST

/* Truncated at every length below the header: never OK, never out of bounds
 * (the sanitizer watches: each buffer is exactly LEN bytes on the heap). */
START_TEST(vntb_truncated_everywhere)
{
	size_t len;
	uint8_t *img = fx_vntb_bar_image(&good_vntb, &len);

	for (size_t n = 0; n < len; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		struct epdma_vntb_ctrl c;
		enum epdma_bar_reason why;
		enum epdma_bar_status st;

		memcpy(cut, img, n);
		st = epdma_vntb_ctrl_parse(cut, n, &c, &why);
		if (n < EPDMA_VNTB_CTRL_SIZE) {
			ck_assert_msg(st == EPDMA_BAR_TRUNCATED, "len %zu: %s", n,
				      epdma_bar_status_name(st));
			ck_assert_int_eq(why, EPDMA_BAR_WHY_SHORT);
		} else {
			/* Header there, spads (0x200..0x400) cut off. */
			ck_assert_msg(st == EPDMA_BAR_INSANE, "len %zu", n);
			ck_assert_msg(why == EPDMA_BAR_WHY_SPAD_OUTSIDE ||
					      why == EPDMA_BAR_WHY_SPAD_COUNT,
				      "len %zu: %s", n, epdma_bar_reason_name(why));
		}
		free(cut);
	}
	free(img);
}
END_TEST

struct hostile {
	const char *name;
	uint32_t off, val; /* one u32 poked into the good image */
	size_t len;	   /* 0 = the image's own length */
	enum epdma_bar_status status;
	enum epdma_bar_reason why;
};

static const struct hostile vntb_hostile[] = {
	{ "num_mws 5", 0x20, 5, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_NUM_MWS },
	{ "num_mws ~0", 0x20, 0xffffffff, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_NUM_MWS },
	{ "db_entry_size 0", 0x30, 0, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_DB_ENTRY_SIZE },
	{ "db_entry_size 8", 0x30, 8, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_DB_ENTRY_SIZE },
	{ "spad_offset 0", 0x28, 0, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_OFFSET },
	{ "spad_offset in header", 0x28, 0x130, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_OFFSET },
	{ "spad_offset unaligned", 0x28, 0x201, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_OFFSET },
	{ "spad_offset past BAR", 0x28, 0x400, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_OUTSIDE },
	{ "spad_offset ~0 & 3", 0x28, 0xfffffffc, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_OUTSIDE },
	{ "spad_count one too many", 0x2c, 65, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_OUTSIDE },
	{ "spad_count absurd", 0x2c, 0x40000000, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_COUNT },
	{ "spad_count ~0", 0x2c, 0xffffffff, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_COUNT },
	{ "spad_count wraps u32 *8", 0x2c, 0x20000000, 0, EPDMA_BAR_INSANE,
	  EPDMA_BAR_WHY_SPAD_COUNT },
	{ "BAR smaller than spads", 0, 0, 0x3fc, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_SPAD_OUTSIDE },
	{ "header one byte short", 0, 0, 0x133, EPDMA_BAR_TRUNCATED, EPDMA_BAR_WHY_SHORT },
	{ "empty", 0, 0, 1, EPDMA_BAR_TRUNCATED, EPDMA_BAR_WHY_SHORT },
};

START_TEST(vntb_hostile_table)
{
	const struct hostile *h = &vntb_hostile[_i];
	size_t len;
	uint8_t *img = fx_vntb_bar_image(&good_vntb, &len);
	struct epdma_vntb_ctrl c;
	enum epdma_bar_reason why;
	enum epdma_bar_status st;

	if (h->off)
		put32(img, h->off, h->val);
	if (h->len)
		len = h->len;
	st = epdma_vntb_ctrl_parse(img, len, &c, &why);
	ck_assert_msg(st == h->status && why == h->why, "%s: %s/%s", h->name,
		      epdma_bar_status_name(st), epdma_bar_reason_name(why));
	free(img);
}
END_TEST

START_TEST(vntb_gone_and_blank)
{
	uint8_t img[0x400];
	struct epdma_vntb_ctrl c;
	enum epdma_bar_reason why;

	memset(img, 0xff, sizeof(img));
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, sizeof(img), &c, &why), EPDMA_BAR_GONE);
	ck_assert_int_eq(why, EPDMA_BAR_WHY_ALL_ONES);
	ck_assert_uint_eq(c.num_mws, 0); /* never "data" */
	/* A short all-ones read is still a dead device, not a truncation. */
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, 8, &c, &why), EPDMA_BAR_GONE);
	/* One byte not 0xff: data (and then insane: num_mws ~0). */
	img[0x100] = 0;
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, sizeof(img), &c, &why), EPDMA_BAR_INSANE);
	memset(img, 0, sizeof(img));
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, sizeof(img), &c, &why), EPDMA_BAR_BLANK);
	ck_assert_int_eq(why, EPDMA_BAR_WHY_ALL_ZERO);
}
END_TEST

/* ---- scratchpads ---- */

START_TEST(spads_halves)
{
	size_t len;
	uint8_t *img = fx_vntb_bar_image(&good_vntb, &len);
	struct epdma_vntb_ctrl c;
	uint32_t v = 0;

	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &c, NULL), EPDMA_BAR_OK);
	put32(img, 0x200 + 64 * 4 + 4 * 3, 0xe0e0); /* endpoint's own spad 3 */
	ck_assert_int_eq(epdma_vntb_spad(img, len, &c, EPDMA_SPAD_HOST, 0, &v), 0);
	ck_assert_uint_eq(v, 4);
	ck_assert_int_eq(epdma_vntb_spad(img, len, &c, EPDMA_SPAD_ENDPOINT, 3, &v), 0);
	ck_assert_uint_eq(v, 0xe0e0);
	ck_assert_int_eq(epdma_vntb_spad(img, len, &c, EPDMA_SPAD_ENDPOINT, 0, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(epdma_vntb_spad(img, len, &c, EPDMA_SPAD_HOST, 64, &v), -ERANGE);
	ck_assert_int_eq(epdma_vntb_spad(img, len, &c, EPDMA_SPAD_ENDPOINT, 63, &v), 0);
	/* A caller's ctrl that lies about the buffer is still bounds-checked. */
	c.spad_offset = 0x3fc;
	ck_assert_int_eq(epdma_vntb_spad(img, len, &c, EPDMA_SPAD_ENDPOINT, 0, &v), -EINVAL);
	free(img);
}
END_TEST

START_TEST(transport_written)
{
	struct fx_vntb_bar b = good_vntb;
	struct epdma_transport_spads t;
	struct epdma_vntb_ctrl c;
	enum epdma_bar_reason why;
	size_t len;
	uint8_t *img;

	b.num_mws = b.spad_num_mws = 2;
	b.mw_size[1] = 0x123456789ull;
	b.num_qps = 3;
	b.qp_links = 0x5;
	img = fx_vntb_bar_image(&b, &len);
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &c, NULL), EPDMA_BAR_OK);
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_HOST, &t, &why),
			 EPDMA_BAR_OK);
	ck_assert_int_eq(t.state, EPDMA_TRANSPORT_WRITTEN);
	ck_assert_uint_eq(t.version, 4);
	ck_assert_uint_eq(t.num_qps, 3);
	ck_assert_uint_eq(t.qp_links, 5);
	ck_assert_uint_eq(t.num_mws, 2);
	ck_assert_uint_eq(t.mw_size[0], 0x100000);
	ck_assert_uint_eq(t.mw_size[1], 0x123456789ull);
	/* The endpoint's half: the host has not written it. */
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_ENDPOINT, &t, &why),
			 EPDMA_BAR_OK);
	ck_assert_int_eq(t.state, EPDMA_TRANSPORT_BLANK);
	free(img);
}
END_TEST

START_TEST(transport_not_yet)
{
	struct fx_vntb_bar b = good_vntb;
	struct epdma_transport_spads t;
	struct epdma_vntb_ctrl c;
	size_t len;
	uint8_t *img;

	b.transport = false;
	img = fx_vntb_bar_image(&b, &len);
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &c, NULL), EPDMA_BAR_OK);
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_HOST, &t, NULL),
			 EPDMA_BAR_OK);
	ck_assert_int_eq(t.state, EPDMA_TRANSPORT_BLANK);
	ck_assert_uint_eq(t.version, 0);
	free(img);
	b.transport = b.partial = true; /* sizes, NUM_MWS, NUM_QPS, not VERSION yet */
	img = fx_vntb_bar_image(&b, &len);
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_HOST, &t, NULL),
			 EPDMA_BAR_OK);
	ck_assert_int_eq(t.state, EPDMA_TRANSPORT_PARTIAL);
	ck_assert_uint_eq(t.num_mws, 1);
	free(img);
}
END_TEST

/* Disagreeing values decode as what they are: agreement is the caller's check. */
START_TEST(transport_disagrees)
{
	struct fx_vntb_bar b = good_vntb;
	struct epdma_transport_spads t;
	struct epdma_vntb_ctrl c;
	size_t len;
	uint8_t *img;

	b.version = 3;
	b.num_qps = 7;
	b.mw_size[0] = 0x2000;
	img = fx_vntb_bar_image(&b, &len);
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &c, NULL), EPDMA_BAR_OK);
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_HOST, &t, NULL),
			 EPDMA_BAR_OK);
	ck_assert_int_eq(t.state, EPDMA_TRANSPORT_WRITTEN);
	ck_assert_uint_eq(t.version, 3);
	ck_assert_uint_eq(t.num_qps, 7);
	ck_assert_uint_eq(t.mw_size[0], 0x2000);
	free(img);
}
END_TEST

START_TEST(transport_hostile)
{
	size_t len;
	uint8_t *img = fx_vntb_bar_image(&good_vntb, &len);
	struct epdma_transport_spads t;
	struct epdma_vntb_ctrl c;
	enum epdma_bar_reason why;

	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &c, NULL), EPDMA_BAR_OK);
	/* NUM_MWS 31: more than 4, more than (64 - 4) / 2 would hold anyway. */
	put32(img, 0x200 + 4 * 3, 31);
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_HOST, &t, &why),
			 EPDMA_BAR_INSANE);
	ck_assert_int_eq(why, EPDMA_BAR_WHY_SPAD_MWS);
	/* 6 spads hold one MW size: NUM_MWS 2 is a lie. */
	put32(img, 0x200 + 4 * 3, 2);
	c.spad_count = 6;
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_HOST, &t, &why),
			 EPDMA_BAR_INSANE);
	ck_assert_int_eq(why, EPDMA_BAR_WHY_SPAD_MWS);
	/* Fewer than NTB_TRANSPORT_MIN_SPADS. */
	c.spad_count = 5;
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_HOST, &t, &why),
			 EPDMA_BAR_INSANE);
	ck_assert_int_eq(why, EPDMA_BAR_WHY_SPAD_COUNT);
	/* Spads of a caller's ctrl past the buffer. */
	c.spad_count = 64;
	c.spad_offset = 0x3f8;
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_HOST, &t, &why),
			 EPDMA_BAR_TRUNCATED);
	/* All ones in the protocol words: gone. */
	c.spad_offset = 0x200;
	memset(img + 0x200, 0xff, 16);
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &c, EPDMA_SPAD_HOST, &t, &why),
			 EPDMA_BAR_GONE);
	free(img);
}
END_TEST

/* ---- PEDM ---- */

START_TEST(pedm_good)
{
	size_t len;
	uint8_t *img = fx_pedm_bar_image(&good_pedm, &len);
	struct epdma_pedm_chan ch;
	struct epdma_pedm m;

	ck_assert_uint_eq(len, 0x1000);
	ck_assert_int_eq(epdma_pedm_parse(img, len, &m, NULL), EPDMA_BAR_OK);
	ck_assert_uint_eq(m.magic, EPDMA_PEDM_MAGIC);
	ck_assert_uint_eq(m.revision, 1);
	ck_assert_uint_eq(m.length, 0x1c + 4 * 0x2c);
	ck_assert_uint_eq(m.reg_bar, 2);
	ck_assert_uint_eq(m.wr_chans, 2);
	ck_assert_uint_eq(m.rd_chans, 2);
	ck_assert_uint_eq(m.entry_size, 0x2c);
	ck_assert(!m.ready && !m.host_req);
	ck_assert_uint_eq(m.layout, 1);
	ck_assert_uint_eq(m.reg_size, 0x1000);
	ck_assert_int_eq(epdma_pedm_chan(&m, 0, &ch), 0);
	ck_assert(ch.write);
	ck_assert_uint_eq(ch.offset, 0x1c);
	ck_assert_int_eq(epdma_pedm_chan(&m, 2, &ch), 0);
	ck_assert(!ch.write);
	ck_assert_uint_eq(ch.index, 0);
	ck_assert_uint_eq(ch.offset, 0x1c + 2 * 0x2c);
	ck_assert_int_eq(epdma_pedm_chan(&m, 4, &ch), -ERANGE);
	free(img);
}
END_TEST

/* The words as tests/kernel/modules/pci-epf-dma.c writes them, by hand. */
START_TEST(pedm_standin_words)
{
	uint8_t img[0x1000] = { 0 };
	struct epdma_pedm m;

	put32(img, 0x00, 0x4d444550);
	put32(img, 0x04, 1 | (0x1c + 3 * 0x2c) << 16);
	put32(img, 0x08, 1 | 1u << 3 | 2u << 11 | 0x2cu << 19 | 1u << 31);
	put32(img, 0x0c, 0x800);
	put32(img, 0x10, 0x1);
	put32(img, 0x14, 1);
	put32(img, 0x18, 0x1000);
	ck_assert_int_eq(epdma_pedm_parse(img, sizeof(img), &m, NULL), EPDMA_BAR_OK);
	ck_assert_uint_eq(m.reg_bar, 1);
	ck_assert_uint_eq(m.wr_chans, 1);
	ck_assert_uint_eq(m.rd_chans, 2);
	ck_assert(m.ready);
	ck_assert(!m.host_req);
	ck_assert_uint_eq(m.reg_offset, 0x100000800ull);
	ck_assert_uint_eq(memcmp(img, "PEDM", 4), 0);
}
END_TEST

START_TEST(pedm_truncated_everywhere)
{
	size_t len;
	uint8_t *img = fx_pedm_bar_image(&good_pedm, &len);

	/* Up to the end of the channel table: the header or the table is cut. */
	for (size_t n = 0; n < 0x1c + 4 * 0x2c; n++) {
		uint8_t *cut = malloc(n ? n : 1);
		struct epdma_pedm m;
		enum epdma_bar_reason why;
		enum epdma_bar_status st;

		memcpy(cut, img, n);
		st = epdma_pedm_parse(cut, n, &m, &why);
		if (n < EPDMA_PEDM_HEADER_SIZE)
			ck_assert_msg(st == EPDMA_BAR_TRUNCATED, "len %zu", n);
		else
			ck_assert_msg(st == EPDMA_BAR_INSANE && why == EPDMA_BAR_WHY_LENGTH,
				      "len %zu: %s", n, epdma_bar_reason_name(why));
		free(cut);
	}
	free(img);
}
END_TEST

static const struct hostile pedm_hostile[] = {
	{ "magic 0", 0x00, 0, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_MAGIC },
	{ "magic byte-swapped", 0x00, 0x5045444d, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_MAGIC },
	{ "revision 2", 0x04, 2 | 0xccu << 16, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_REVISION },
	{ "revision 0", 0x04, 0xccu << 16, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_REVISION },
	{ "length 0", 0x04, 1, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_LENGTH },
	{ "length under header", 0x04, 1 | 0x1bu << 16, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_LENGTH },
	{ "length past BAR", 0x04, 1 | 0x1001u << 16, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_LENGTH },
	{ "length ~0", 0x04, 0xffff0001, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_LENGTH },
	{ "length lies short of table", 0x04, 1 | (0x1cu + 3 * 0x2c) << 16, 0, EPDMA_BAR_INSANE,
	  EPDMA_BAR_WHY_TABLE_OUTSIDE },
	{ "register BAR 6", 0x08, 6 | 2u << 3 | 2u << 11 | 0x2cu << 19, 0, EPDMA_BAR_INSANE,
	  EPDMA_BAR_WHY_REG_BAR },
	{ "register BAR 7", 0x08, 7 | 2u << 3 | 2u << 11 | 0x2cu << 19, 0, EPDMA_BAR_INSANE,
	  EPDMA_BAR_WHY_REG_BAR },
	{ "WR 9", 0x08, 2 | 9u << 3 | 2u << 11 | 0x2cu << 19, 0, EPDMA_BAR_INSANE,
	  EPDMA_BAR_WHY_CHAN_COUNT },
	{ "RD 255", 0x08, 2 | 2u << 3 | 255u << 11 | 0x2cu << 19, 0, EPDMA_BAR_INSANE,
	  EPDMA_BAR_WHY_CHAN_COUNT },
	{ "no channel", 0x08, 2 | 0x2cu << 19, 0, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_CHAN_COUNT },
	{ "entry size 0", 0x08, 2 | 2u << 3 | 2u << 11, 0, EPDMA_BAR_INSANE,
	  EPDMA_BAR_WHY_ENTRY_SIZE },
	{ "entry size 0x2b", 0x08, 2 | 2u << 3 | 2u << 11 | 0x2bu << 19, 0, EPDMA_BAR_INSANE,
	  EPDMA_BAR_WHY_ENTRY_SIZE },
	{ "entries grow past length", 0x08, 2 | 2u << 3 | 2u << 11 | 0x30u << 19, 0,
	  EPDMA_BAR_INSANE, EPDMA_BAR_WHY_TABLE_OUTSIDE },
	{ "BAR smaller than table", 0, 0, 0x1c + 3 * 0x2c, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_LENGTH },
	{ "header only", 0, 0, 0x1c, EPDMA_BAR_INSANE, EPDMA_BAR_WHY_LENGTH },
	{ "header short", 0, 0, 0x1b, EPDMA_BAR_TRUNCATED, EPDMA_BAR_WHY_SHORT },
};

START_TEST(pedm_hostile_table)
{
	const struct hostile *h = &pedm_hostile[_i];
	size_t len;
	uint8_t *img = fx_pedm_bar_image(&good_pedm, &len);
	struct epdma_pedm m;
	enum epdma_bar_reason why;
	enum epdma_bar_status st;

	if (h->off || h->len == 0)
		put32(img, h->off, h->val);
	if (h->len)
		len = h->len;
	st = epdma_pedm_parse(img, len, &m, &why);
	ck_assert_msg(st == h->status && why == h->why, "%s: %s/%s", h->name,
		      epdma_bar_status_name(st), epdma_bar_reason_name(why));
	free(img);
}
END_TEST

/* A table that fits the declared length but not a BAR smaller than it. */
START_TEST(pedm_table_past_bar)
{
	struct fx_pedm_bar b = good_pedm;
	struct epdma_pedm m;
	enum epdma_bar_reason why;
	size_t len;
	uint8_t *img;

	b.wr_chans = b.rd_chans = 8;
	b.entry_size = 0xff;
	b.length = 0x1000; /* 0x1c + 16 * 0xff = 0x100c: one table past the 4 KiB BAR */
	img = fx_pedm_bar_image(&b, &len);
	ck_assert_int_eq(epdma_pedm_parse(img, len, &m, &why), EPDMA_BAR_INSANE);
	ck_assert_int_eq(why, EPDMA_BAR_WHY_TABLE_OUTSIDE);
	free(img);
}
END_TEST

START_TEST(pedm_gone_blank_ready)
{
	struct fx_pedm_bar b = good_pedm;
	uint8_t ones[0x40];
	struct epdma_pedm m;
	enum epdma_bar_reason why;
	size_t len;
	uint8_t *img;

	memset(ones, 0xff, sizeof(ones));
	ck_assert_int_eq(epdma_pedm_parse(ones, sizeof(ones), &m, &why), EPDMA_BAR_GONE);
	ck_assert_uint_eq(m.magic, 0);
	memset(ones, 0, sizeof(ones));
	ck_assert_int_eq(epdma_pedm_parse(ones, sizeof(ones), &m, &why), EPDMA_BAR_BLANK);
	b.ready = b.host_req = true;
	img = fx_pedm_bar_image(&b, &len);
	ck_assert_int_eq(epdma_pedm_parse(img, len, &m, NULL), EPDMA_BAR_OK);
	ck_assert(m.ready && m.host_req);
	free(img);
}
END_TEST

/* ---- ntb_hw_epf maps ---- */

START_TEST(ntb_epf_maps)
{
	const struct epdma_ntb_epf_map *m = epdma_ntb_epf_map_lookup(0x1957, 0x0809);

	ck_assert_ptr_nonnull(m);
	ck_assert(m->in_v6_12);
	ck_assert_int_eq(m->ctrl, 0);
	ck_assert_int_eq(m->peer_spad, 0);
	ck_assert_int_eq(m->db, 2);
	ck_assert_int_eq(m->mw[0], 4);
	ck_assert_int_eq(m->mw[2], EPDMA_BAR_NONE);
	m = epdma_ntb_epf_map_lookup(0x104c, 0xb00d);
	ck_assert_ptr_nonnull(m);
	ck_assert(m->in_v6_12);
	ck_assert_int_eq(m->peer_spad, 1);
	ck_assert_int_eq(m->db, 2);
	ck_assert_int_eq(m->mw[0], 2);
	m = epdma_ntb_epf_map_lookup(0x1912, 0x0030);
	ck_assert_ptr_nonnull(m);
	ck_assert(!m->in_v6_12);
	ck_assert_int_eq(m->ctrl, 0);
	ck_assert_int_eq(m->db, 4);
	ck_assert_int_eq(m->mw[0], 2);
	ck_assert_ptr_null(epdma_ntb_epf_map_lookup(0x1912, 0x0015));
	ck_assert_ptr_null(epdma_ntb_epf_map_lookup(0x0809, 0x1957));
	ck_assert(epdma_ntb_epf_class_ok(0x050000));
	ck_assert(epdma_ntb_epf_class_ok(0x0500ff));
	ck_assert(!epdma_ntb_epf_class_ok(0x058000));
	ck_assert(!epdma_ntb_epf_class_ok(0x080100));
	ck_assert_str_eq(epdma_bar_reason_name(EPDMA_BAR_WHY_SPAD_OUTSIDE), "spad-outside");
	ck_assert_str_eq(epdma_bar_reason_name((enum epdma_bar_reason)999), "?");
	ck_assert_str_eq(epdma_bar_status_name(EPDMA_BAR_GONE), "gone");
}
END_TEST

static Suite *bar_suite(void)
{
	Suite *s = suite_create("bar");
	TCase *tc = tcase_create("vntb");

	tcase_add_test(tc, vntb_good);
	tcase_add_test(tc, vntb_offsets);
	tcase_add_test(tc, vntb_aligned_controller);
	tcase_add_test(tc, vntb_truncated_everywhere);
	tcase_add_loop_test(tc, vntb_hostile_table, 0,
			    (int)(sizeof(vntb_hostile) / sizeof(vntb_hostile[0])));
	tcase_add_test(tc, vntb_gone_and_blank);
	suite_add_tcase(s, tc);
	tc = tcase_create("spads");
	tcase_add_test(tc, spads_halves);
	tcase_add_test(tc, transport_written);
	tcase_add_test(tc, transport_not_yet);
	tcase_add_test(tc, transport_disagrees);
	tcase_add_test(tc, transport_hostile);
	suite_add_tcase(s, tc);
	tc = tcase_create("pedm");
	tcase_add_test(tc, pedm_good);
	tcase_add_test(tc, pedm_standin_words);
	tcase_add_test(tc, pedm_truncated_everywhere);
	tcase_add_loop_test(tc, pedm_hostile_table, 0,
			    (int)(sizeof(pedm_hostile) / sizeof(pedm_hostile[0])));
	tcase_add_test(tc, pedm_table_past_bar);
	tcase_add_test(tc, pedm_gone_blank_ready);
	suite_add_tcase(s, tc);
	tc = tcase_create("maps");
	tcase_add_test(tc, ntb_epf_maps);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(bar_suite());
}
