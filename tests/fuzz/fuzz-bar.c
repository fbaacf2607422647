// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: bytes as a BAR, through every decoder of lib/bar.h (the
 * vNTB control region, both scratchpad halves and the transport protocol in
 * them, the PEDM metadata block and its channel table). The input sits in a
 * buffer of exactly its size, so any read past the BAR is an ASan report.
 * Oracle: what a decoder calls OK keeps its promises: scratchpads inside the
 * BAR, at most 4 memory windows, PEDM channel entries inside both the
 * declared length and the BAR, channel counts within 8.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "bar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_spads(const uint8_t *data, size_t size, const struct epdma_vntb_ctrl *c)
{
	for (int half = EPDMA_SPAD_HOST; half <= EPDMA_SPAD_ENDPOINT; half++) {
		struct epdma_transport_spads t;
		enum epdma_bar_reason why;
		uint32_t v;

		if ((uint64_t)c->spad_offset + 8ull * c->spad_count > size)
			abort(); /* OK promised the scratchpads lie inside */
		if (c->spad_count && epdma_vntb_spad(data, size, c, half, c->spad_count - 1, &v))
			abort();
		if (epdma_vntb_spad(data, size, c, half, c->spad_count, &v) != -ERANGE)
			abort();
		if (epdma_transport_spads_decode(data, size, c, half, &t, &why) == EPDMA_BAR_OK &&
		    t.state == EPDMA_TRANSPORT_WRITTEN && t.num_mws > EPDMA_VNTB_MAX_MWS)
			abort();
	}
}

static void check_pedm(const uint8_t *data, size_t size)
{
	struct epdma_pedm m;
	struct epdma_pedm_chan ch;
	enum epdma_bar_reason why;
	unsigned int n;

	if (epdma_pedm_parse(data, size, &m, &why) != EPDMA_BAR_OK)
		return;
	if (m.wr_chans > EPDMA_PEDM_MAX_CHANS || m.rd_chans > EPDMA_PEDM_MAX_CHANS ||
	    m.length > size || m.reg_bar > 5)
		abort();
	n = (unsigned int)m.wr_chans + m.rd_chans;
	for (unsigned int i = 0; i < n; i++)
		if (epdma_pedm_chan(&m, i, &ch) || (uint64_t)ch.offset + ch.size > m.length)
			abort();
	if (epdma_pedm_chan(&m, n, &ch) != -ERANGE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct epdma_vntb_ctrl c;
	enum epdma_bar_reason why;

	if (epdma_vntb_ctrl_parse(data, size, &c, &why) == EPDMA_BAR_OK) {
		if (c.num_mws > EPDMA_VNTB_MAX_MWS || c.db_entry_size != EPDMA_VNTB_DB_ENTRY)
			abort();
		check_spads(data, size, &c);
	}
	check_pedm(data, size);
	return 0;
}
