// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration's keys: one table that the loader (config.c) parses into
 * and the rules (config-rules.c) read. This file calls neither of them; it is
 * the bottom of config.c -> config-rules.c -> config-keys.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-internal.h"

static const char *const role_names[] = { "auto", "endpoint", "host", NULL };
static const char *const rescan_names[] = { "never", "once", "backoff", NULL };

#define KEY(s, k, t, lo, hi, d, m, ...)                                            \
	{                                                                          \
		.section = s, .key = k, .type = t, .min = lo, .max = hi, .def = d, \
		.offset = offsetof(struct epdma_config, m),                        \
		.size = sizeof(((struct epdma_config *)0)->m), __VA_ARGS__         \
	}
#define ID(s, k, d, m) KEY(s, k, T_UINT, 0, 0xffff, d, m, .hex = true)
#define BAR(s, k, m)   KEY(s, k, T_BAR, 0, 5, "auto", m)
#define MW(n)	       KEY("vntb", "mw" #n, T_SIZE, 4096, 1ULL << 40, "1M", vntb.mw[n - 1])
#define MWBAR(n)       BAR("vntb", "mw" #n "_bar", vntb.mw_bar[n - 1])

/* The order here is the order of the documentation and of the example file. */
const struct cfg_key cfg_keys[] = {
	KEY("general", "role", T_ENUM, 0, 0, "auto", role, .choices = role_names),
	KEY("general", "profile", T_PROFILE, 0, 0, "none", profile),
	KEY("endpoint", "controller", T_CONTROLLER, 0, 0, "", controller),
	ID("endpoint", "pairing_tag", "0", pairing_tag),
	KEY("vntb", "name", T_NAME, 0, 0, "vntb0", vntb.name),
	/* 0xffff is what the kernel reads for "no device": never a valid vendor. */
	KEY("vntb", "vendor_id", T_UINT, 0, 0xfffe, "0x1957", vntb.vendor_id, .hex = true),
	ID("vntb", "device_id", "0x0809", vntb.device_id),
	KEY("vntb", "class", T_UINT, 0, 0xffffff, "0x050000", vntb.class_code, .hex = true),
	KEY("vntb", "num_mws", T_UINT, 1, EPDMA_MAX_MWS, "1", vntb.num_mws),
	MW(1),
	MW(2),
	MW(3),
	MW(4),
	KEY("vntb", "spad_count", T_UINT, 0, 1024, "64", vntb.spad_count),
	KEY("vntb", "db_count", T_UINT, 1, 32, "4", vntb.db_count),
	KEY("vntb", "vbus_number", T_UINT, 0, 255, "0xff", vntb.vbus_number, .hex = true),
	ID("vntb", "vntb_vid", "0x1957", vntb.vntb_vid),
	ID("vntb", "vntb_pid", "0x080a", vntb.vntb_pid),
	BAR("vntb", "ctrl_bar", vntb.ctrl_bar),
	BAR("vntb", "db_bar", vntb.db_bar),
	MWBAR(1),
	MWBAR(2),
	MWBAR(3),
	MWBAR(4),
	KEY("dma", "name", T_NAME, 0, 0, "dma0", dma.name),
	KEY("dma", "vendor_id", T_UINT, 0, 0xfffe, "0x1957", dma.vendor_id, .hex = true),
	ID("dma", "device_id", "0x080b", dma.device_id),
	KEY("dma", "class", T_UINT, 0, 0xffffff, "0x080100", dma.class_code, .hex = true),
	KEY("dma", "wr_chans", T_UINT, 0, 8, "2", dma.wr_chans),
	KEY("dma", "rd_chans", T_UINT, 0, 8, "2", dma.rd_chans),
	BAR("dma", "metadata_bar", dma.metadata_bar),
	BAR("dma", "dma_window_bar", dma.dma_window_bar),
	/* Default: one vector per channel (wr_chans + rd_chans), set in config-rules.c. */
	KEY("dma", "msi_interrupts", T_UINT, 1, 32, NULL, dma.msi_interrupts),
	KEY("transport", "module", T_IDENT, 0, 0, "ntb_transport_ep_dma", transport.module),
	KEY("transport", "bdf_param", T_IDENT, 0, 0, "dma_bdf", transport.bdf_param),
	/* ntb_transport's own limits and defaults: byte, ulong, uint. */
	KEY("transport", "max_num_clients", T_UINT, 0, 255, "0", transport.max_num_clients),
	KEY("transport", "max_mw_size", T_SIZE, 0, 1ULL << 40, "0", transport.max_mw_size),
	KEY("transport", "transport_mtu", T_UINT, 64, 0x1000000, "0x10000", transport.transport_mtu,
	    .hex = true),
	/* Modules loaded on top of the transport on both ends (ntb_transport's clients). */
	KEY("transport", "clients", T_IDENTS, 0, 0, "ntb_netdev", transport.clients),
	KEY("host", "dma_driver", T_IDENT, 0, 0, "dw-edma-pcie", host.dma_driver),
	KEY("host", "rescan", T_ENUM, 0, 0, "backoff", host.rescan, .choices = rescan_names),
	KEY("host", "rescan_interval_ms", T_UINT, 10, 3600000, "1000", host.rescan_interval_ms),
	/* dw-edma-pcie's probe alone may wait 2 s for the endpoint's READY bit. */
	KEY("host", "settle_timeout_ms", T_UINT, 2500, 600000, "5000", host.settle_timeout_ms),
	/* Which card when the bus has several vNTB + DMA pairs: "" = the only one. */
	KEY("host", "select", T_PCI_SLOT, 0, 0, "", host.select),
};
const size_t cfg_nkeys = ARRAY_SIZE(cfg_keys);

static const char *const cfg_sections[] = {
	"general", "endpoint", "vntb", "dma", "transport", "host",
};

int cfg_key_find(const char *section, const char *key)
{
	for (size_t i = 0; i < cfg_nkeys; i++)
		if (!strcmp(cfg_keys[i].section, section) && !strcmp(cfg_keys[i].key, key))
			return (int)i;
	return -1;
}

bool cfg_section_known(const char *section)
{
	for (size_t i = 0; i < ARRAY_SIZE(cfg_sections); i++)
		if (!strcmp(cfg_sections[i], section))
			return true;
	return false;
}

/* "vntb" + "name" -> "vntb.name", the key as every message names it. */
const char *cfg_key_name(int idx, char *buf, size_t size)
{
	snprintf(buf, size, "%s.%s", cfg_keys[idx].section, cfg_keys[idx].key);
	return buf;
}

void cfg_error(struct cfg_state *st, unsigned int line, int idx, const char *fmt, ...)
{
	char key[64], *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	epdma_errors_add(&st->errs, st->cfg->file, line,
			 idx >= 0 ? cfg_key_name(idx, key, sizeof(key)) : NULL, "%s", msg);
	free(msg);
}

unsigned int cfg_line(const struct cfg_state *st, int idx)
{
	return st->origin[idx].source == EPDMA_CONFIG_FILE ? st->origin[idx].line : 0;
}

const char *epdma_role_name(enum epdma_role role)
{
	return (unsigned int)role < ARRAY_SIZE(role_names) - 1 ? role_names[role] : "unknown";
}
