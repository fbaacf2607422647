/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the host reads through the endpoint's BARs, decoded from byte
 * buffers: the vNTB control region and its scratchpads (pci-epf-vntb,
 * ntb_hw_epf, ntb_transport), the PEDM metadata block of the PCI DMA
 * function, and ntb_hw_epf's BAR map per PCI ID.
 *
 * Pure functions: no I/O, no allocation. Every field is read byte by byte
 * as little-endian, every offset is checked against the buffer length (the
 * BAR's size), and no length or count from the device is trusted. A BAR
 * whose header reads all ones belongs to a device that is gone: that is
 * never data.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum epdma_bar_status {
	EPDMA_BAR_OK,
	EPDMA_BAR_TRUNCATED, /* the buffer ends before the structure does */
	EPDMA_BAR_GONE,	     /* all ones: surprise removal or a dead link */
	EPDMA_BAR_BLANK,     /* all zero: the endpoint has not written it (yet) */
	EPDMA_BAR_INSANE,    /* present but impossible; the reason names the field */
};

enum epdma_bar_reason {
	EPDMA_BAR_WHY_NONE,
	EPDMA_BAR_WHY_SHORT,	     /* buffer shorter than the header */
	EPDMA_BAR_WHY_ALL_ONES,	     /* header reads 0xff everywhere */
	EPDMA_BAR_WHY_ALL_ZERO,	     /* header reads 0 everywhere */
	EPDMA_BAR_WHY_NUM_MWS,	     /* vNTB num_mws > 4 */
	EPDMA_BAR_WHY_DB_ENTRY_SIZE, /* vNTB db_entry_size != 4 */
	EPDMA_BAR_WHY_SPAD_OFFSET,   /* scratchpads overlap the control header or are unaligned */
	EPDMA_BAR_WHY_SPAD_COUNT,    /* 2 * spad_count words cannot fit in the BAR at all */
	EPDMA_BAR_WHY_SPAD_OUTSIDE,  /* scratchpads end past the BAR */
	EPDMA_BAR_WHY_SPAD_MWS,	     /* transport NUM_MWS more than the scratchpads hold */
	EPDMA_BAR_WHY_SPAD_INDEX,    /* scratchpad index >= spad_count */
	EPDMA_BAR_WHY_MAGIC,	     /* PEDM magic missing */
	EPDMA_BAR_WHY_REVISION,	     /* PEDM revision other than 1 */
	EPDMA_BAR_WHY_LENGTH,	     /* PEDM length shorter than its own table, or past the BAR */
	EPDMA_BAR_WHY_REG_BAR,	     /* PEDM register BAR > 5 */
	EPDMA_BAR_WHY_CHAN_COUNT,    /* PEDM WR or RD count > 8, or no channel at all */
	EPDMA_BAR_WHY_ENTRY_SIZE,    /* PEDM channel entry smaller than 0x2c */
	EPDMA_BAR_WHY_TABLE_OUTSIDE, /* PEDM channel table past the declared length or the BAR */
};

/* Short stable name ("spad-outside") for logs and JSON; "?" when unknown. */
const char *epdma_bar_reason_name(enum epdma_bar_reason why);
/* "ok", "truncated", "gone", "blank", "insane". */
const char *epdma_bar_status_name(enum epdma_bar_status status);

/*
 * ---- vNTB control region: struct epf_ntb_ctrl (packed) at offset 0 of the
 * ctrl BAR, pci-epf-vntb.c:101 (v6.12); ntb_hw_epf.c:16-45 reads the same
 * offsets. sizeof = 0x34 + 2 * 32 * 4 = 0x134 on 6.12 as on 6.18.
 */
#define EPDMA_VNTB_CTRL_SIZE   0x134u
#define EPDMA_VNTB_MAX_DB      32u /* MAX_DB_COUNT, pci-epf-vntb.c:67 */
#define EPDMA_VNTB_MAX_MWS     4u  /* MAX_MW, pci-epf-vntb.c:68; NTB_EPF_MAX_MW_COUNT */
#define EPDMA_VNTB_DB_ENTRY    4u  /* sizeof(u32), pci-epf-vntb.c:464 */
#define EPDMA_VNTB_LINK_UP     0x1u
#define EPDMA_VNTB_OFF_COMMAND 0x00u
#define EPDMA_VNTB_OFF_ARG     0x04u
#define EPDMA_VNTB_OFF_STATUS  0x08u
#define EPDMA_VNTB_OFF_LINK    0x0au
#define EPDMA_VNTB_OFF_TOPO    0x0cu
#define EPDMA_VNTB_OFF_ADDR    0x10u
#define EPDMA_VNTB_OFF_SIZE    0x18u
#define EPDMA_VNTB_OFF_NUM_MWS 0x20u
#define EPDMA_VNTB_OFF_MW1_OFF 0x24u /* "reserved" in pci-epf-vntb.c, MW1 offset to ntb_hw_epf */
#define EPDMA_VNTB_OFF_SPAD    0x28u
#define EPDMA_VNTB_OFF_NSPAD   0x2cu
#define EPDMA_VNTB_OFF_DBSIZE  0x30u
#define EPDMA_VNTB_OFF_DB_DATA 0x34u
#define EPDMA_VNTB_OFF_DB_OFF  0xb4u

struct epdma_vntb_ctrl {
	uint32_t command, argument;
	uint16_t command_status, link_status;
	uint32_t topology;
	uint64_t addr, size;
	uint32_t num_mws, mw1_offset, spad_offset, spad_count, db_entry_size;
	uint32_t db_data[EPDMA_VNTB_MAX_DB], db_offset[EPDMA_VNTB_MAX_DB];
};

/* Decode BUF (the whole ctrl BAR, LEN its size) into OUT (filled whenever the
 * header is there, even when INSANE) and say whether it can be trusted; *WHY
 * (may be NULL) gets the reason. */
enum epdma_bar_status epdma_vntb_ctrl_parse(const void *buf, size_t len,
					    struct epdma_vntb_ctrl *out,
					    enum epdma_bar_reason *why);

/*
 * ---- scratchpads: 2 * spad_count u32 at spad_offset. The first half is what
 * the host's ntb_spad_read() reads (the endpoint's ntb_peer_spad_write() lands
 * there); the second half, + spad_count * 4, is the endpoint's own, which the
 * host writes (ntb_hw_epf.c ntb_epf_init_pci(): peer_spad_reg = ctrl + spad_off
 * + 4 * spad_count when the peer-spad BAR is the ctrl BAR).
 */
enum epdma_spad_half {
	EPDMA_SPAD_HOST,     /* host's own: written by the endpoint's transport */
	EPDMA_SPAD_ENDPOINT, /* endpoint's own: written by the host's transport */
};

/* Scratchpad IDX of HALF; CTRL must come from a parse of the same BUF that
 * returned EPDMA_BAR_OK. 0, -ERANGE (index >= spad_count) or -EINVAL (outside BUF). */
int epdma_vntb_spad(const void *buf, size_t len, const struct epdma_vntb_ctrl *ctrl,
		    enum epdma_spad_half half, uint32_t idx, uint32_t *val);

/* ntb_transport's scratchpad protocol, ntb_transport.c:258-265 (v6.12). */
#define EPDMA_TRANSPORT_VERSION	  4u /* NTB_TRANSPORT_VERSION, ntb_transport.c:65 */
#define EPDMA_TRANSPORT_SPAD_VER  0u
#define EPDMA_TRANSPORT_SPAD_QPL  1u /* QP_LINKS bitmap */
#define EPDMA_TRANSPORT_SPAD_NQPS 2u
#define EPDMA_TRANSPORT_SPAD_NMWS 3u
#define EPDMA_TRANSPORT_SPAD_MW0  4u /* MW i: 4 + 2i high word, 5 + 2i low word */
#define EPDMA_TRANSPORT_MIN_SPADS 6u /* NTB_TRANSPORT_MIN_SPADS, ntb_transport.c:69 */

enum epdma_transport_state {
	EPDMA_TRANSPORT_BLANK,	 /* every word of the protocol is 0: nobody wrote yet */
	EPDMA_TRANSPORT_PARTIAL, /* words written but VERSION still 0: mid-write */
	EPDMA_TRANSPORT_WRITTEN, /* VERSION written (ntb_transport writes it last) */
};

struct epdma_transport_spads {
	enum epdma_transport_state state;
	uint32_t version, qp_links, num_qps, num_mws;
	uint64_t mw_size[EPDMA_VNTB_MAX_MWS]; /* the first min(num_mws, 4) are decoded */
};

/* Decode the transport protocol from HALF. OK (state tells written or not),
 * GONE (the words read all ones), INSANE (SPAD_COUNT: fewer than 6 spads;
 * SPAD_MWS: NUM_MWS more than 4 or than the spads hold), TRUNCATED (outside BUF). */
enum epdma_bar_status epdma_transport_spads_decode(const void *buf, size_t len,
						   const struct epdma_vntb_ctrl *ctrl,
						   enum epdma_spad_half half,
						   struct epdma_transport_spads *out,
						   enum epdma_bar_reason *why);

/*
 * ---- PEDM metadata block of the PCI DMA function (kernel-abi.md §3; written
 * by tests/kernel/modules/pci-epf-dma.c's epf_dma_fill_metadata()).
 */
#define EPDMA_PEDM_MAGIC	  0x4d444550u /* "PEDM" */
#define EPDMA_PEDM_REVISION	  1u
#define EPDMA_PEDM_HEADER_SIZE	  0x1cu /* the channel table starts here */
#define EPDMA_PEDM_MIN_ENTRY	  0x2cu
#define EPDMA_PEDM_MAX_CHANS	  8u /* per direction */
#define EPDMA_PEDM_HOST_REQ	  (1u << 30)
#define EPDMA_PEDM_READY	  (1u << 31)
#define EPDMA_PEDM_LAYOUT_DW_EDMA 1u
#define EPDMA_PEDM_OFF_MAGIC	  0x00u
#define EPDMA_PEDM_OFF_REV	  0x04u /* revision[7:0], length[31:16] */
#define EPDMA_PEDM_OFF_CTRL	  0x08u
#define EPDMA_PEDM_OFF_REG_LO	  0x0cu
#define EPDMA_PEDM_OFF_REG_HI	  0x10u
#define EPDMA_PEDM_OFF_LAYOUT	  0x14u
#define EPDMA_PEDM_OFF_REG_SIZE	  0x18u

struct epdma_pedm {
	uint32_t magic;
	uint8_t revision;
	uint16_t length; /* bytes of the block, channel table included */
	uint32_t ctrl;	 /* raw word; decoded below */
	uint8_t reg_bar, wr_chans, rd_chans, entry_size;
	bool host_req, ready;
	uint64_t reg_offset; /* register window offset in reg_bar */
	uint32_t layout;     /* EPDMA_PEDM_LAYOUT_DW_EDMA in the low byte */
	uint32_t reg_size;
};

struct epdma_pedm_chan {
	bool write;	       /* WR (endpoint-to-host) entries come first, then RD */
	uint8_t index;	       /* within its direction */
	uint32_t offset, size; /* of the entry in the BAR, both checked to lie inside */
};

/* Decode the block at offset 0 of the metadata BAR (BUF/LEN). When OK, every
 * channel entry lies inside both the declared length and LEN. */
enum epdma_bar_status epdma_pedm_parse(const void *buf, size_t len, struct epdma_pedm *out,
				       enum epdma_bar_reason *why);
/* Entry I (0 .. wr+rd-1) of a block that parsed OK; -ERANGE past the table. */
int epdma_pedm_chan(const struct epdma_pedm *m, unsigned int i, struct epdma_pedm_chan *out);

/*
 * ---- ntb_hw_epf's BAR map per PCI ID (ntb_epf_pci_tbl). The driver matches
 * vendor:device AND class 0x0500xx (class_mask 0xffff00); new_id and
 * driver_override cannot add an ID with its map (driver_data).
 */
#define EPDMA_NTB_EPF_CLASS	 0x050000u
#define EPDMA_NTB_EPF_CLASS_MASK 0xffff00u
#define EPDMA_BAR_NONE		 (-1)

struct epdma_ntb_epf_map {
	uint16_t vendor, device;
	const char *name; /* "i.MX8", "J721E", "R-Car" */
	bool in_v6_12;	  /* in v6.12's table (ntb_hw_epf.c:782) */
	int8_t ctrl;	  /* BAR_CONFIG */
	int8_t peer_spad; /* BAR_PEER_SPAD: == ctrl means the second half of the spads */
	int8_t db;	  /* BAR_DB */
	int8_t mw[EPDMA_VNTB_MAX_MWS]; /* BAR_MW1..4, EPDMA_BAR_NONE when absent */
};

/* The map of VENDOR:DEVICE, or NULL when ntb_hw_epf does not know the ID. */
const struct epdma_ntb_epf_map *epdma_ntb_epf_map_lookup(uint16_t vendor, uint16_t device);
/* True when CLASS_CODE (0xBBSSPP) is one ntb_hw_epf's table accepts. */
bool epdma_ntb_epf_class_ok(uint32_t class_code);
