// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host's view of an endpoint card: the BAR images the endpoint's
 * functions expose (vNTB control region + scratchpads, PEDM metadata), the
 * two PCI functions carrying them, and the host-side modules that bind them.
 *
 * The images are written the way the endpoint's drivers write them:
 * pci-epf-vntb.c epf_ntb_config_spad_bar_alloc() (v6.12, line 409) for the
 * control BAR, ntb_transport.c ntb_transport_link_work() (line 1060) for the
 * scratchpads, tests/kernel/modules/pci-epf-dma.c epf_dma_fill_metadata()
 * for the PEDM block.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bar.h"
#include "fixture-internal.h"

static void put32(uint8_t *b, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

static uint32_t pow2_up(uint64_t v)
{
	uint32_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static uint32_t align_up(uint32_t v, uint32_t align)
{
	return (v + align - 1) / align * align;
}

/* ---- vNTB control BAR ---- */

void fx_vntb_bar_from_config(const struct epdma_config *cfg, struct fx_vntb_bar *b)
{
	*b = (struct fx_vntb_bar){
		.num_mws = cfg->vntb.num_mws,
		.spad_count = cfg->vntb.spad_count,
		.db_count = cfg->vntb.db_count,
		.version = EPDMA_TRANSPORT_VERSION,
		.num_qps = 1,
		.spad_num_mws = cfg->vntb.num_mws,
	};
	for (uint32_t i = 0; i < cfg->vntb.num_mws && i < EPDMA_MAX_MWS; i++) {
		b->mw_size[i] = cfg->vntb.mw[i];
		/* ntb_transport caps what it announces at max_mw_size (ntb_transport.c:1070). */
		if (cfg->transport.max_mw_size && b->mw_size[i] > cfg->transport.max_mw_size)
			b->mw_size[i] = cfg->transport.max_mw_size;
	}
}

/* ctrl and spad sizes as epf_ntb_config_spad_bar_alloc() rounds them
 * (pci-epf-vntb.c:433-445): to a power of two, or to the controller's align. */
static void vntb_layout(const struct fx_vntb_bar *b, uint32_t *spad_offset, uint32_t *size)
{
	uint32_t ctrl = EPDMA_VNTB_CTRL_SIZE, spad = 2 * b->spad_count * 4;

	if (!b->align) {
		ctrl = pow2_up(ctrl);
		spad = pow2_up(spad);
	} else {
		ctrl = align_up(ctrl, b->align);
		spad = align_up(spad, b->align);
	}
	*spad_offset = ctrl;
	/* pci_epf_alloc_space(): at least 128 bytes, a power of two (pci-epf-core.c:275-287). */
	*size = b->bar_size ? b->bar_size : pow2_up(ctrl + spad < 128 ? 128 : ctrl + spad);
}

static void vntb_transport(const struct fx_vntb_bar *b, uint8_t *img, uint32_t spad_offset)
{
	uint32_t base = spad_offset; /* the host's own half: the endpoint's peer writes */

	for (uint32_t i = 0; i < b->spad_num_mws && 5 + 2 * i < b->spad_count; i++) {
		put32(img, base + 4 * (4 + 2 * i), (uint32_t)(b->mw_size[i] >> 32));
		put32(img, base + 4 * (5 + 2 * i), (uint32_t)b->mw_size[i]);
	}
	put32(img, base + 4 * EPDMA_TRANSPORT_SPAD_NMWS, b->spad_num_mws);
	put32(img, base + 4 * EPDMA_TRANSPORT_SPAD_NQPS, b->num_qps);
	put32(img, base + 4 * EPDMA_TRANSPORT_SPAD_QPL, b->qp_links);
	if (!b->partial)
		put32(img, base + 4 * EPDMA_TRANSPORT_SPAD_VER, b->version);
}

uint8_t *fx_vntb_bar_image(const struct fx_vntb_bar *b, size_t *len)
{
	uint32_t spad_offset, size;
	uint8_t *img;

	vntb_layout(b, &spad_offset, &size);
	img = calloc(1, size);
	if (!img)
		ck_abort_msg("fixture: out of memory");
	put32(img, EPDMA_VNTB_OFF_NUM_MWS, b->num_mws);
	put32(img, EPDMA_VNTB_OFF_SPAD, spad_offset);
	put32(img, EPDMA_VNTB_OFF_NSPAD, b->spad_count);
	put32(img, EPDMA_VNTB_OFF_DBSIZE, EPDMA_VNTB_DB_ENTRY);
	img[EPDMA_VNTB_OFF_LINK] = (uint8_t)b->link_status;
	for (uint32_t i = 0; i < b->db_count && i < EPDMA_VNTB_MAX_DB; i++)
		put32(img, EPDMA_VNTB_OFF_DB_DATA + 4 * i, 1 + i); /* pci-epf-vntb.c:467 */
	if (b->transport && b->spad_count >= EPDMA_TRANSPORT_MIN_SPADS &&
	    spad_offset + 8 * (uint64_t)b->spad_count <= size)
		vntb_transport(b, img, spad_offset);
	*len = size;
	return img;
}

/* ---- PEDM metadata BAR ---- */

void fx_pedm_bar_from_config(const struct epdma_config *cfg, struct fx_pedm_bar *b)
{
	*b = (struct fx_pedm_bar){
		.reg_bar = 1,
		.wr_chans = (uint8_t)cfg->dma.wr_chans,
		.rd_chans = (uint8_t)cfg->dma.rd_chans,
		.entry_size = EPDMA_PEDM_MIN_ENTRY,
		.layout = EPDMA_PEDM_LAYOUT_DW_EDMA,
		.reg_size = 0x1000,
	};
	if (cfg->dma.dma_window_bar != EPDMA_BAR_AUTO)
		b->reg_bar = (uint8_t)cfg->dma.dma_window_bar;
}

uint8_t *fx_pedm_bar_image(const struct fx_pedm_bar *b, size_t *len)
{
	size_t size = b->bar_size ? b->bar_size : 0x1000; /* SZ_4K in the stand-in */
	uint32_t nchans = (uint32_t)b->wr_chans + b->rd_chans;
	uint32_t length = b->length ? b->length : EPDMA_PEDM_HEADER_SIZE + nchans * b->entry_size;
	uint32_t ctrl = (b->reg_bar & 7u) | (uint32_t)b->wr_chans << 3 |
			(uint32_t)b->rd_chans << 11 | (uint32_t)b->entry_size << 19;
	uint8_t *img = calloc(1, size);

	if (!img || size < EPDMA_PEDM_HEADER_SIZE)
		ck_abort_msg("fixture: PEDM image of %zu bytes", size);
	if (b->host_req)
		ctrl |= EPDMA_PEDM_HOST_REQ;
	if (b->ready)
		ctrl |= EPDMA_PEDM_READY;
	put32(img, EPDMA_PEDM_OFF_MAGIC, b->magic ? b->magic : EPDMA_PEDM_MAGIC);
	put32(img, EPDMA_PEDM_OFF_REV,
	      (b->revision ? b->revision : EPDMA_PEDM_REVISION) | length << 16);
	put32(img, EPDMA_PEDM_OFF_CTRL, ctrl);
	put32(img, EPDMA_PEDM_OFF_REG_LO, (uint32_t)b->reg_offset);
	put32(img, EPDMA_PEDM_OFF_REG_HI, (uint32_t)(b->reg_offset >> 32));
	put32(img, EPDMA_PEDM_OFF_LAYOUT, b->layout);
	put32(img, EPDMA_PEDM_OFF_REG_SIZE, b->reg_size);
	*len = size;
	return img;
}

/* ---- the card: two PCI functions with their BARs ---- */

#define CARD_PARENT "pci0000:00/0000:00:1d.0/0000:06:00.0/0000:07:01.0" /* the empty port */
#define CARD_MMIO   0x83000000ull

/* The BAR numbers vNTB uses: the configured selectors, else the map ntb_hw_epf
 * has for the ID, else vNTB's own order on a controller with every BAR free
 * (ctrl 0, doorbell 1, MWs after; kernel-abi.md "real-kernel loopback"). */
static void vntb_bars(const struct epdma_config *cfg, int *ctrl, int *db, int *mw)
{
	const struct epdma_ntb_epf_map *map = epdma_ntb_epf_map_lookup(cfg->vntb.vendor_id,
								       cfg->vntb.device_id);

	*ctrl = 0;
	*db = 1;
	for (int i = 0; i < EPDMA_MAX_MWS; i++)
		mw[i] = 2 + i;
	if (map) {
		*ctrl = map->ctrl;
		*db = map->db;
		for (int i = 0; i < EPDMA_MAX_MWS; i++)
			mw[i] = map->mw[i];
	}
	if (cfg->vntb.ctrl_bar != EPDMA_BAR_AUTO)
		*ctrl = cfg->vntb.ctrl_bar;
	if (cfg->vntb.db_bar != EPDMA_BAR_AUTO)
		*db = cfg->vntb.db_bar;
	for (int i = 0; i < EPDMA_MAX_MWS; i++)
		if (cfg->vntb.mw_bar[i] != EPDMA_BAR_AUTO)
			mw[i] = cfg->vntb.mw_bar[i];
}

/* Overwrite the start of resourceN (its size stays that of the BAR). */
static void bar_fill(struct fx *fx, const char *bdf, int bar, const void *data, size_t len)
{
	char *p = fx_strdupf("%s/sys/bus/pci/devices/%s/resource%d", fx->root, bdf, bar);
	int fd = open(p, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || pwrite(fd, data, len, 0) != (ssize_t)len)
		fx_fail_errno("fill BAR", p);
	close(fd);
	free(p);
}

static void add_bar(struct fx_pci_device *d, int bar, uint64_t size, uint64_t *mmio)
{
	if (bar < 0 || bar > 5 || !size)
		return;
	if (d->bar_size[bar])
		return; /* shared BAR (J721E doorbell + MW1): the first size wins */
	size = pow2_up(size < 0x1000 ? 0x1000 : size);
	*mmio = (*mmio + size - 1) / size * size;
	d->bar[bar] = *mmio;
	d->bar_size[bar] = size;
	*mmio += size;
}

static char *card_bdf(const char *bdf, unsigned int fn)
{
	char *s = fx_strdupf("%s", bdf);

	s[strlen(s) - 1] = (char)('0' + fn);
	return s;
}

static void card_vntb(struct fx *fx, const struct fx_host_card *c, const char *bdf,
		      const char *parent, uint64_t *mmio)
{
	const struct epdma_config *cfg = c->cfg;
	struct fx_pci_device d = {
		.bdf = bdf,
		.parent = parent,
		.vendor = cfg->vntb.vendor_id,
		.device = cfg->vntb.device_id,
		.subsystem_device = cfg->pairing_tag,
		.class_code = cfg->vntb.class_code,
		.irq = 16,
		.multifunction = !c->dma_bdf,
	};
	struct fx_vntb_bar vb;
	int ctrl, db, mw[EPDMA_MAX_MWS];
	uint8_t *img;
	size_t len;

	if (c->vntb)
		vb = *c->vntb;
	else
		fx_vntb_bar_from_config(cfg, &vb);
	img = fx_vntb_bar_image(&vb, &len);
	vntb_bars(cfg, &ctrl, &db, mw);
	add_bar(&d, ctrl, len, mmio);
	add_bar(&d, db, 0x1000, mmio);
	for (uint32_t i = 0; i < cfg->vntb.num_mws && i < EPDMA_MAX_MWS; i++)
		add_bar(&d, mw[i], cfg->vntb.mw[i], mmio);
	fx_pci_device(fx, &d);
	bar_fill(fx, bdf, ctrl, img, len);
	free(img);
}

static void card_dma(struct fx *fx, const struct fx_host_card *c, const char *bdf,
		     const char *parent, uint64_t *mmio)
{
	const struct epdma_config *cfg = c->cfg;
	struct fx_pci_device d = {
		.bdf = bdf,
		.parent = parent,
		.vendor = cfg->dma.vendor_id,
		.device = cfg->dma.device_id,
		.subsystem_device = cfg->pairing_tag,
		.class_code = cfg->dma.class_code,
		.irq = 17,
		.multifunction = !c->dma_bdf,
	};
	struct fx_pedm_bar pb;
	int meta = cfg->dma.metadata_bar == EPDMA_BAR_AUTO ? 0 : cfg->dma.metadata_bar;
	uint8_t *img;
	size_t len;

	if (c->pedm)
		pb = *c->pedm;
	else
		fx_pedm_bar_from_config(cfg, &pb);
	if (cfg->dma.dma_window_bar == EPDMA_BAR_AUTO && !c->pedm)
		pb.reg_bar = meta == 0 ? 1 : 0; /* the stand-in's first free BAR */
	img = fx_pedm_bar_image(&pb, &len);
	add_bar(&d, meta, len, mmio);
	add_bar(&d, pb.reg_bar, pb.reg_size ? pb.reg_size : 0x1000, mmio);
	fx_pci_device(fx, &d);
	bar_fill(fx, bdf, meta, img, len);
	free(img);
}

void fx_host_card(struct fx *fx, const struct fx_host_card *c)
{
	const char *bdf = c->bdf ? c->bdf : "0000:08:00.0";
	const char *parent = c->bdf ? c->parent : CARD_PARENT;
	char *dma = c->dma_bdf ? fx_strdupf("%s", c->dma_bdf) : card_bdf(bdf, 1);
	uint64_t mmio = c->mmio ? c->mmio : CARD_MMIO;

	card_vntb(fx, c, bdf, parent, &mmio);
	card_dma(fx, c, dma, c->dma_bdf ? c->dma_parent : parent, &mmio);
	if (c->prepared) {
		fx_pci_hide(fx, bdf);
		fx_pci_hide(fx, dma);
	}
	free(dma);
}

void fx_host_ntb_device(struct fx *fx, const char *bdf)
{
	char *link = fx_strdupf("%s/sys/bus/pci/devices/%s", fx->root, bdf);
	char *dev = realpath(link, NULL), *root = realpath(fx->root, NULL), *rel, *ntb;

	if (!dev || !root || strncmp(dev, root, strlen(root)))
		ck_abort_msg("fixture: no PCI device %s for an NTB device", bdf);
	/* ntb_register_device(): a child of the PCI device, named after it. */
	rel = fx_strdupf("%s/%s", dev + strlen(root) + 1, bdf);
	ntb = fx_strdupf("sys/bus/ntb/devices/%s", bdf);
	fx_mkdir(fx, rel);
	fx_mkdir(fx, "sys/bus/ntb/devices");
	fx_symlink_rel(fx, rel, ntb);
	free(ntb);
	free(rel);
	free(root);
	free(dev);
	free(link);
}

/* ---- devices the kernel has not found yet, and devices that vanish ---- */

/* Moves the device directory to $EPDMA_FAKE_STATE/pci-hidden/<bdf> with a
 * `.path` file naming where it lives; the fake kernel's rescan brings it back. */
void fx_pci_hide(struct fx *fx, const char *bdf)
{
	char *link = fx_strdupf("%s/sys/bus/pci/devices/%s", fx->root, bdf);
	char *dev = realpath(link, NULL);
	char *store = fx_strdupf("%s/pci-hidden", fx->state);
	char *to = fx_strdupf("%s/%s", store, bdf);
	char *pathfile = fx_strdupf("%s/%s.path", store, bdf);
	FILE *f;

	if (!dev)
		fx_fail_errno("resolve", link);
	mkdir(fx->state, 0755);
	if (mkdir(store, 0755) < 0 && errno != EEXIST)
		fx_fail_errno("mkdir", store);
	if (rename(dev, to) < 0)
		fx_fail_errno("rename", dev);
	f = fopen(pathfile, "we");
	if (!f)
		fx_fail_errno("create", pathfile);
	fprintf(f, "%s\n", dev + strlen(fx->root) + 1);
	fclose(f);
	if (unlink(link) < 0)
		fx_fail_errno("unlink", link);
	free(pathfile);
	free(to);
	free(store);
	free(dev);
	free(link);
}

/* Whatever the device's drivers made: driver links, DMA channels, NTB device. */
static void unplug_links(struct fx *fx, const char *bdf, const char *devrel)
{
	char **drivers = fx_list(fx, "sys/bus/pci/drivers");
	char **chans;
	char *p;

	for (size_t i = 0; drivers[i]; i++) {
		p = fx_strdupf("%s/sys/bus/pci/drivers/%s/%s", fx->root, drivers[i], bdf);
		unlink(p);
		free(p);
	}
	fx_list_free(drivers);
	p = fx_strdupf("%s/dma", devrel);
	chans = fx_list(fx, p);
	free(p);
	for (size_t i = 0; chans[i]; i++) {
		p = fx_strdupf("%s/sys/class/dma/%s", fx->root, chans[i]);
		unlink(p);
		free(p);
	}
	fx_list_free(chans);
	p = fx_strdupf("%s/sys/bus/ntb/devices/%s", fx->root, bdf);
	unlink(p);
	free(p);
}

static void unplug_bars(const char *devabs, enum fx_unplug how)
{
	for (int i = 0; i < 6; i++) {
		char *p = fx_strdupf("%s/resource%d", devabs, i);
		struct stat st;
		int fd = open(p, O_RDWR | O_CLOEXEC);

		free(p);
		if (fd < 0)
			continue;
		if (how == FX_UNPLUG_SIGBUS) {
			/* A mapping past EOF of a file faults with SIGBUS. */
			if (ftruncate(fd, 0) < 0)
				ck_abort_msg("fixture: truncate BAR: %s", strerror(errno));
		} else if (fstat(fd, &st) == 0) {
			uint8_t ones[4096];

			memset(ones, 0xff, sizeof(ones));
			for (off_t off = 0; off < st.st_size; off += (off_t)sizeof(ones))
				if (pwrite(fd, ones, sizeof(ones), off) < 0)
					ck_abort_msg("fixture: fill BAR: %s", strerror(errno));
		}
		close(fd);
	}
}

void fx_host_unplug(struct fx *fx, const char *bdf, enum fx_unplug how)
{
	char *link = fx_strdupf("%s/sys/bus/pci/devices/%s", fx->root, bdf);
	char *dev = realpath(link, NULL);
	char *devrel;

	if (!dev)
		fx_fail_errno("resolve", link);
	devrel = fx_strdupf("%s", dev + strlen(fx->root) + 1);
	unplug_bars(dev, how);
	unplug_links(fx, bdf, devrel);
	/* Mapped BARs keep their (now all-ones or truncated) inode: only names go. */
	{
		char *cmd = fx_strdupf("rm -rf '%s'", dev);

		if (system(cmd) != 0)
			ck_abort_msg("fixture: %s failed", cmd);
		free(cmd);
	}
	if (unlink(link) < 0)
		fx_fail_errno("unlink", link);
	free(devrel);
	free(dev);
	free(link);
}

/* ---- host modules with the parameters the host role drives ---- */

static const char *const ntb_transport_parms[] = {
	/* ntb_transport.c:77-99 (v6.12): all 0644. */
	"max_mw_size:ulong:0644:0",
	"transport_mtu:uint:0644:65536",
	"max_num_clients:byte:0644:0",
	"copy_bytes:uint:0644:1024",
	"use_dma:bool:0644:N",
	"use_msi:bool:0644:N",
	NULL,
};

void fx_host_modules(struct fx *fx, bool bdf_param_writable)
{
	static const char *const epf_aliases[] = { "pci:v00001957d00000809sv*sd*bc05sc00i*",
						   "pci:v0000104Cd0000B00Dsv*sd*bc05sc00i*", NULL };
	static const char *const edma_aliases[] = { "pci:v000016C3d0000EDDAsv*sd*bc*sc*i*",
						    "pci:v000010EEd0000B054sv*sd*bc*sc*i*", NULL };
	const char *ep_dma_parms[] = {
		bdf_param_writable ? "dma_bdf:charp:0644:" : "dma_bdf:charp:0444:",
		"max_mw_size:ulong:0644:0",
		"transport_mtu:uint:0644:65536",
		"max_num_clients:byte:0644:0",
		NULL,
	};

	fx_module_parm(fx, "drivers/ntb", "ntb", NULL, NULL, NULL);
	fx_module_parm(fx, "drivers/ntb/hw/epf", "ntb_hw_epf", epf_aliases, "ntb", NULL);
	fx_module_parm(fx, "drivers/ntb", "ntb_transport", NULL, "ntb", ntb_transport_parms);
	fx_module_parm(fx, "drivers/net", "ntb_netdev", NULL, "ntb_transport,ntb", NULL);
	fx_module_parm(fx, "drivers/ntb", "ntb_transport_ep_dma", NULL, "ntb", ep_dma_parms);
	fx_module_parm(fx, "drivers/dma/dw-edma", "dw-edma", NULL, NULL, NULL);
	fx_module_parm(fx, "drivers/dma/dw-edma", "dw-edma-pcie", edma_aliases, "dw-edma", NULL);
	fx_depmod(fx);
}

void fx_host_ntb_hw_epf_unaliased(struct fx *fx)
{
	/* ntb_hw_epf.c:782-794 (v6.12.117): the table, no MODULE_DEVICE_TABLE. */
	static const char *const ids[] = { "!pci:v00001957d00000809sv*sd*bc05sc00i*",
					   "!pci:v0000104Cd0000B00Dsv*sd*bc05sc00i*", NULL };

	fx_module_parm(fx, "drivers/ntb/hw/epf", "ntb_hw_epf", ids, "ntb", NULL);
	fx_depmod(fx);
}

/* ---- a big host ---- */

static void many_attr(int dirfd, const char *name, const void *data, size_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		ck_abort_msg("fixture: write %s: %s", name, strerror(errno));
	close(fd);
}

/* One function with what discovery reads (libpci's sysfs backend: config,
 * vendor, device, class, subsystem_*, resource, irq) and the bus links; leaner
 * than fx_pci_device() so that thousands build in seconds. */
static void many_one(struct fx *fx, const char *bdf, uint16_t vendor, uint16_t device,
		     uint32_t class_code, uint64_t bar)
{
	char *dev = fx_strdupf("sys/devices/pci0001:00/%s", bdf);
	char *abs = fx_path(fx, dev);
	char *link = fx_strdupf("sys/bus/pci/devices/%s", bdf);
	char *sub = fx_strdupf("%s/subsystem", dev);
	char text[512];
	uint8_t config[256] = { 0 };
	int dirfd;

	if (mkdir(abs, 0755) < 0)
		fx_fail_errno("mkdir", abs);
	dirfd = open(abs, O_DIRECTORY | O_CLOEXEC);
	config[0] = (uint8_t)vendor;
	config[1] = (uint8_t)(vendor >> 8);
	config[2] = (uint8_t)device;
	config[3] = (uint8_t)(device >> 8);
	put32(config, 0x08, class_code << 8);
	config[0x0e] = 0x80;
	put32(config, 0x10, (uint32_t)bar | 0x4);
	put32(config, 0x14, (uint32_t)(bar >> 32));
	many_attr(dirfd, "config", config, sizeof(config));
	snprintf(text, sizeof(text), "0x%04x\n", vendor);
	many_attr(dirfd, "vendor", text, strlen(text));
	snprintf(text, sizeof(text), "0x%04x\n", device);
	many_attr(dirfd, "device", text, strlen(text));
	snprintf(text, sizeof(text), "0x%06x\n", class_code);
	many_attr(dirfd, "class", text, strlen(text));
	many_attr(dirfd, "subsystem_vendor", "0x0000\n", 7);
	many_attr(dirfd, "subsystem_device", "0x0000\n", 7);
	many_attr(dirfd, "irq", "0\n", 2);
	many_attr(dirfd, "driver_override", "(null)\n", 7);
	snprintf(text, sizeof(text), "0x%016llx 0x%016llx 0x0000000000140204\n",
		 (unsigned long long)bar, (unsigned long long)bar + 0xfff);
	for (int i = 1; i < 13; i++)
		strcat(text,
		       i < 6 ? "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" : "");
	many_attr(dirfd, "resource", text, strlen(text));
	close(dirfd);
	fx_symlink_rel(fx, "sys/bus/pci", sub);
	fx_symlink_rel(fx, dev, link);
	free(sub);
	free(link);
	free(abs);
	free(dev);
}

void fx_host_many(struct fx *fx, unsigned int functions)
{
	static const uint32_t classes[] = { 0x020000, 0x010802, 0x050000, 0x088000,
					    0x0c0330, 0x080100, 0x058000, 0x030000 };

	fx_pci_bus(fx);
	fx_mkdir(fx, "sys/devices/pci0001:00");
	for (unsigned int i = 0; i < functions; i++) {
		char bdf[16];

		snprintf(bdf, sizeof(bdf), "0001:%02x:%02x.%u", (i / 256) & 0xff, (i / 8) % 32,
			 i % 8);
		many_one(fx, bdf, (uint16_t)(0x1000 + i % 7), (uint16_t)i, classes[i % 8],
			 0x4000000000ull + (uint64_t)i * 0x1000);
	}
}
