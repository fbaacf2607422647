// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host side of the fake kernel: the PCI bus's sysfs (driver_override,
 * drivers_probe, bind/unbind, rescan, remove), the two host drivers epdma
 * deals with (ntb_hw_epf, dw-edma-pcie) and the resourceN rules (mmap only,
 * EINVAL once a driver has claimed the BARs).
 *
 * The tree is the truth: a device is bound when <dev>/driver exists, its
 * override is the content of <dev>/driver_override. Only devices the kernel
 * has not found yet (or that `remove` took away) live outside the tree, in
 * $EPDMA_FAKE_STATE/pci-hidden/<bdf> with a <bdf>.path naming their place.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bar.h"
#include "fakekernel.h"

#define PCI_BUS	 "sys/bus/pci"
#define PCI_DEVS PCI_BUS "/devices"
#define PCI_DRVS PCI_BUS "/drivers"
#define RES_MEM	 0x200 /* IORESOURCE_MEM in the `resource` flags column */

/* The host drivers the fake knows, by module (KBUILD_MODNAME differs). */
static const struct {
	const char *module, *driver;
} pci_drivers[] = {
	{ "ntb_hw_epf", "ntb_hw_epf" },
	{ "dw_edma_pcie", "dw-edma-pcie" },
};

/* ---- devices ---- */

/* DEV (relative to the root) of BDF through sys/bus/pci/devices; -ENODEV. */
static int dev_path(const char *bdf, char *out, size_t size)
{
	char link[PATH_MAX], real[PATH_MAX];
	const char *rel;

	snprintf(link, sizeof(link), "%s", fk_abs(PCI_DEVS));
	snprintf(link + strlen(link), sizeof(link) - strlen(link), "/%s", bdf);
	if (strchr(bdf, '/') || !*bdf || !fk_realpath(link, real))
		return -ENODEV;
	rel = fk_rel(real);
	if (!rel)
		return -ENODEV;
	snprintf(out, size, "%s", rel);
	return 0;
}

static const char *base_name(const char *rel)
{
	const char *s = strrchr(rel, '/');

	return s ? s + 1 : rel;
}

/* "sys/devices/.../<bdf>/ATTR" -> the device dir and BDF when it is a PCI device. */
static bool pci_attr(const char *rel, const char *attr, char *dev, size_t size)
{
	size_t n = strlen(rel), a = strlen(attr);
	char cfg[PATH_MAX];

	if (n <= a + 1 || strcmp(rel + n - a, attr) || rel[n - a - 1] != '/')
		return false;
	snprintf(dev, size, "%.*s", (int)(n - a - 1), rel);
	snprintf(cfg, sizeof(cfg), "%s/config", dev);
	return strncmp(rel, "sys/devices/", 12) == 0 && fk_exists(cfg);
}

static bool dev_driver(const char *dev, char *drv, size_t size)
{
	char p[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(p, sizeof(p), "%s/driver", dev);
	n = readlink(fk_abs(p), target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	snprintf(drv, size, "%s", base_name(target));
	return true;
}

static void dev_override(const char *dev, char *out, size_t size)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/driver_override", dev);
	if (fk_read(p, out, size) < 0)
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (!strcmp(out, "(null)"))
		out[0] = '\0';
}

static unsigned int dev_hex(const char *dev, const char *attr)
{
	char p[PATH_MAX], buf[64];

	snprintf(p, sizeof(p), "%s/%s", dev, attr);
	if (fk_read(p, buf, sizeof(buf)) < 0)
		return 0;
	return (unsigned int)strtoul(buf, NULL, 16);
}

/* Size and flags of BAR from the `resource` table; false for an empty slot. */
static bool dev_bar(const char *dev, int bar, uint64_t *size, unsigned long long *flags)
{
	char p[PATH_MAX], buf[2048];
	unsigned long long start, end;
	char *line = buf;

	snprintf(p, sizeof(p), "%s/resource", dev);
	if (fk_read(p, buf, sizeof(buf)) < 0)
		return false;
	for (int i = 0; i < bar && line; i++) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (!line || sscanf(line, "%llx %llx %llx", &start, &end, flags) != 3 || !end)
		return false;
	*size = end - start + 1;
	return true;
}

/* The whole resourceN file (the BAR's memory); caller frees. */
static uint8_t *bar_read(const char *dev, int bar, size_t *len)
{
	char p[PATH_MAX];
	struct stat st;
	uint8_t *buf;
	int fd;

	snprintf(p, sizeof(p), "%s/%s/resource%d", fk_root(), dev, bar);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > (16 << 20) ||
	    !(buf = malloc((size_t)st.st_size))) {
		close(fd);
		return NULL;
	}
	*len = (size_t)pread(fd, buf, (size_t)st.st_size, 0);
	close(fd);
	if (*len != (size_t)st.st_size) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- drivers ---- */

static const char *driver_module(const char *drv)
{
	for (size_t i = 0; i < sizeof(pci_drivers) / sizeof(pci_drivers[0]); i++)
		if (!strcmp(pci_drivers[i].driver, drv))
			return pci_drivers[i].module;
	return NULL;
}

static bool driver_registered(const char *drv)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), PCI_DRVS "/%s/bind", drv);
	return fk_exists(p);
}

/* The driver's modalias patterns match the device's modalias. */
static bool driver_ids_match(const char *drv, const char *dev)
{
	struct fk_state *st = fk_state_load();
	const char *rec = fk_state_get(st, "pcidrv", drv);
	char p[PATH_MAX], alias[512], words[2048], *save, *tok;
	bool hit = false;

	snprintf(p, sizeof(p), "%s/modalias", dev);
	if (rec && fk_read(p, alias, sizeof(alias)) > 0) {
		alias[strcspn(alias, "\n")] = '\0';
		snprintf(words, sizeof(words), "%s", rec);
		strtok_r(words, " ", &save); /* the driver name */
		while (!hit && (tok = strtok_r(NULL, " ", &save)))
			hit = fnmatch(tok, alias, 0) == 0;
	}
	fk_state_free(st);
	return hit;
}

/* pci_match_device() (pci-driver.c:191): an override admits only that driver,
 * and that one even without an ID (a dummy id with no driver_data). */
static bool driver_matches(const char *drv, const char *dev, bool *by_override)
{
	char ov[256];

	dev_override(dev, ov, sizeof(ov));
	*by_override = false;
	if (*ov && strcmp(ov, drv))
		return false;
	if (driver_ids_match(drv, dev))
		return true;
	*by_override = *ov != '\0';
	return *by_override;
}

static void link_driver(const char *dev, const char *drv)
{
	char p[PATH_MAX], d[PATH_MAX];

	snprintf(d, sizeof(d), PCI_DRVS "/%s", drv);
	snprintf(p, sizeof(p), "%s/driver", dev);
	fk_symlink_rel(d, p);
	snprintf(p, sizeof(p), PCI_DRVS "/%s/%s", drv, base_name(dev));
	fk_symlink_rel(dev, p);
}

/* dd.c:655 prints this for any probe error but -ENODEV/-ENXIO. */
static int probe_failed(const char *dev, const char *drv, int err)
{
	if (err != -ENODEV && err != -ENXIO)
		fk_kmsg(3, "%s %s: probe with driver %s failed with error %d", drv, base_name(dev),
			drv, err);
	return err;
}

/* ---- ntb_hw_epf ---- */

static int ntb_epf_probe(const char *dev, bool by_override)
{
	const char *bdf = base_name(dev);
	const struct epdma_ntb_epf_map *map = epdma_ntb_epf_map_lookup(
		(uint16_t)dev_hex(dev, "vendor"), (uint16_t)dev_hex(dev, "device"));
	struct epdma_vntb_ctrl ctrl;
	char p[PATH_MAX], q[PATH_MAX];
	uint8_t *img;
	size_t len = 0;

	/* An override match carries no driver_data: "if (!ndev->barno_map) return -EINVAL"
	 * (ntb_hw_epf.c:703). */
	if (by_override || !map)
		return -EINVAL;
	img = bar_read(dev, map->ctrl, &len);
	if (!img)
		return -EIO; /* pci_iomap() of a missing BAR */
	epdma_vntb_ctrl_parse(img, len, &ctrl, NULL);
	free(img);
	if (ctrl.num_mws > EPDMA_VNTB_MAX_MWS) {
		fk_kmsg(3, "ntb_hw_epf %s: Unsupported MW count: %u", bdf, ctrl.num_mws);
		fk_kmsg(3, "ntb_hw_epf %s: Failed to init device", bdf);
		return -EINVAL;
	}
	/* ntb_epf_init_isr(): MSI-X, else MSI, else fail (ntb_hw_epf.c:370-377). */
	if (fk_config("ntb_epf_msi") && !fk_config_flag("ntb_epf_msi")) {
		fk_kmsg(3, "ntb_hw_epf %s: Failed to get MSI interrupts", bdf);
		fk_kmsg(3, "ntb_hw_epf %s: Failed to init ISR", bdf);
		fk_kmsg(3, "ntb_hw_epf %s: Failed to init device", bdf);
		return -EINVAL;
	}
	/* ntb_register_device() names the NTB device after the PCI device. */
	snprintf(p, sizeof(p), "%s/%s", dev, bdf);
	fk_mkdir_p(p);
	fk_mkdir_p("sys/bus/ntb/devices");
	snprintf(q, sizeof(q), "sys/bus/ntb/devices/%s", bdf);
	fk_symlink_rel(p, q);
	return 0;
}

/* ---- dw-edma-pcie ---- */

/* The PEDM block: at offset 0 of the first BAR that carries the magic. */
static int pedm_find(const char *dev, struct epdma_pedm *m, int *bar)
{
	for (int i = 0; i < 6; i++) {
		size_t len = 0;
		uint8_t *img = bar_read(dev, i, &len);
		enum epdma_bar_status st;

		if (!img)
			continue;
		st = epdma_pedm_parse(img, len, m, NULL);
		free(img);
		if (m->magic == EPDMA_PEDM_MAGIC) {
			*bar = i;
			return st == EPDMA_BAR_OK ? 0 : -EINVAL;
		}
	}
	return -ENODEV;
}

/* The host sets HOST_REQ; the fake endpoint answers READY unless told not to. */
static int pedm_handshake(const char *dev, int bar, struct epdma_pedm *m)
{
	char p[PATH_MAX];
	uint32_t ctrl = m->ctrl | EPDMA_PEDM_HOST_REQ;
	uint8_t w[4];
	int fd, r = 0;

	if (!(fk_config("pedm_ready") && !fk_config_flag("pedm_ready")))
		ctrl |= EPDMA_PEDM_READY;
	for (int i = 0; i < 4; i++)
		w[i] = (uint8_t)(ctrl >> (8 * i));
	snprintf(p, sizeof(p), "%s/%s/resource%d", fk_root(), dev, bar);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, w, 4, EPDMA_PEDM_OFF_CTRL) != 4)
		r = -EIO;
	if (fd >= 0)
		close(fd);
	if (!r && !(ctrl & EPDMA_PEDM_READY))
		r = -ETIMEDOUT; /* no READY within 2 s */
	return r;
}

/* dma_device ids come from one IDA (dmaengine.c): the lowest unused. */
static int dma_next_id(void)
{
	char **names;
	int n = fk_list("sys/class/dma", &names), id = 0;
	bool used = true;

	while (used) {
		used = false;
		for (int i = 0; i < n && !used; i++) {
			int d, c;

			if (sscanf(names[i], "dma%dchan%d", &d, &c) == 2 && d == id)
				used = true;
		}
		if (used)
			id++;
	}
	fk_strv_free(names);
	return id;
}

static void dma_channels(const char *dev, unsigned int count)
{
	static const char *const attrs[] = { "in_use", "memcpy_count", "bytes_transferred" };
	int id = dma_next_id();
	char p[PATH_MAX], q[PATH_MAX];

	fk_mkdir_p("sys/class/dma");
	/* dw_edma_channel_setup(): WR channels first, then RD (dw-edma-core.c:825). */
	for (unsigned int c = 0; c < count; c++) {
		snprintf(p, sizeof(p), "%s/dma/dma%dchan%u", dev, id, c);
		fk_mkdir_p(p);
		for (size_t a = 0; a < 3; a++) {
			snprintf(q, sizeof(q), "%s/%s", p, attrs[a]);
			fk_write_file(q, "0\n");
		}
		snprintf(q, sizeof(q), "sys/class/dma/dma%dchan%u", id, c);
		fk_symlink_rel(p, q);
	}
}

static int dw_edma_probe(const char *dev)
{
	struct epdma_pedm m;
	int bar, r;

	/* A host kernel without part 1 of the DMA series: dw-edma-pcie has nothing
	 * to offer the function; nothing binds and nothing is logged (kernel-abi §5). */
	if (fk_config("host_dma_function") && !fk_config_flag("host_dma_function"))
		return -ENODEV;
	r = pedm_find(dev, &m, &bar);
	if (r < 0)
		return r == -ENODEV ? -EINVAL : r;
	r = pedm_handshake(dev, bar, &m);
	if (r < 0)
		return r;
	dma_channels(dev, (unsigned int)m.wr_chans + m.rd_chans);
	return 0;
}

/* ---- bind / unbind ---- */

static int probe(const char *dev, const char *drv, bool by_override)
{
	int r = fk_inject("probe");

	if (!r && !strcmp(drv, "ntb_hw_epf"))
		r = ntb_epf_probe(dev, by_override);
	else if (!r && !strcmp(drv, "dw-edma-pcie"))
		r = dw_edma_probe(dev);
	fk_oplog("probe", base_name(dev), drv, r);
	if (r < 0)
		return probe_failed(dev, drv, r);
	link_driver(dev, drv);
	if (!strcmp(drv, "ntb_hw_epf")) /* a simulated pair's cable (link.c) */
		fk_link_event("ntb", base_name(dev), "1");
	return 0;
}

/* The driver's remove(): what probe made goes. */
static void release(const char *dev)
{
	const char *bdf = base_name(dev);
	char drv[256], p[PATH_MAX], **chans;

	if (!dev_driver(dev, drv, sizeof(drv)))
		return;
	snprintf(p, sizeof(p), "%s/dma", dev);
	fk_list(p, &chans);
	for (size_t i = 0; chans[i]; i++) {
		snprintf(p, sizeof(p), "sys/class/dma/%s", chans[i]);
		fk_rm_rf(p);
	}
	fk_strv_free(chans);
	snprintf(p, sizeof(p), "%s/dma", dev);
	fk_rm_rf(p);
	snprintf(p, sizeof(p), "sys/bus/ntb/devices/%s", bdf);
	if (fk_is_link(p))
		fk_rm_rf(p);
	snprintf(p, sizeof(p), "%s/%s", dev, bdf);
	fk_rm_rf(p);
	snprintf(p, sizeof(p), PCI_DRVS "/%s/%s", drv, bdf);
	fk_rm_rf(p);
	snprintf(p, sizeof(p), "%s/driver", dev);
	fk_rm_rf(p);
	if (!strcmp(drv, "ntb_hw_epf"))
		fk_link_event("ntb", bdf, "0");
}

/* device_attach(): the first registered driver that matches. */
static void attach(const char *dev)
{
	char drv[256];

	if (dev_driver(dev, drv, sizeof(drv)))
		return;
	for (size_t i = 0; i < sizeof(pci_drivers) / sizeof(pci_drivers[0]); i++) {
		bool by_override;

		if (!driver_registered(pci_drivers[i].driver) ||
		    !driver_matches(pci_drivers[i].driver, dev, &by_override))
			continue;
		if (probe(dev, pci_drivers[i].driver, by_override) == 0)
			return;
	}
}

/* ---- attribute stores ---- */

/* driver_set_override() (drivers/base/driver.c:48): up to the first newline;
 * "" or "\n" clears; >= PAGE_SIZE - 1 is EINVAL. Shown as "%s\n": "(null)". */
static ssize_t store_override(const char *dev, const char *buf, size_t len)
{
	char val[4096], p[PATH_MAX];
	size_t n;

	if (len >= 4096 - 1)
		return -EINVAL;
	memcpy(val, buf, len);
	val[len] = '\0';
	n = strcspn(val, "\n");
	val[n] = '\0';
	snprintf(p, sizeof(p), "%s/driver_override", dev);
	fk_write_file(p, "%s\n", n ? val : "(null)");
	return (ssize_t)len;
}

static int parse_ulong(const char *buf, size_t len, unsigned long long *v)
{
	char val[64];

	if (len >= sizeof(val))
		return -EINVAL;
	memcpy(val, buf, len);
	val[len] = '\0';
	return fk_kstrtoull(val, v);
}

/* Back from the hidden store: what `rescan` finds. Returns how many came. */
static int unhide_all(char found[][PATH_MAX], int max)
{
	char **names, p[PATH_MAX], where[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
	int n = 0;

	snprintf(p, sizeof(p), "%s/pci-hidden", fk_state_dir());
	fk_list_abs(p, &names);
	for (size_t i = 0; names[i] && n < max; i++) {
		FILE *f;

		if (strstr(names[i], ".path"))
			continue;
		snprintf(p, sizeof(p), "%s/pci-hidden/%s.path", fk_state_dir(), names[i]);
		f = fopen(p, "re");
		if (!f || !fgets(where, sizeof(where), f)) {
			if (f)
				fclose(f);
			continue;
		}
		fclose(f);
		where[strcspn(where, "\n")] = '\0';
		snprintf(from, sizeof(from), "%s/pci-hidden/%s", fk_state_dir(), names[i]);
		snprintf(to, sizeof(to), "%s", fk_abs(where));
		if (rename(from, to) < 0)
			continue;
		unlink(p);
		snprintf(p, sizeof(p), PCI_DEVS "/%s", names[i]);
		fk_symlink_rel(where, p);
		snprintf(found[n++], PATH_MAX, "%s", where);
	}
	fk_strv_free(names);
	return n;
}

static ssize_t store_rescan(const char *buf, size_t len)
{
	static char found[32][PATH_MAX];
	char autoprobe[16] = "1";
	unsigned long long v;
	int n;

	if (parse_ulong(buf, len, &v) < 0)
		return -EINVAL;
	if (!v)
		return (ssize_t)len;
	fk_link_event("rescan", NULL, NULL); /* a simulated pair's cable (link.c) */
	n = unhide_all(found, 32);
	fk_read(PCI_BUS "/drivers_autoprobe", autoprobe, sizeof(autoprobe));
	for (int i = 0; i < n; i++) {
		fk_kmsg(6, "pci %s: [%04x:%04x] type 00 class 0x%06x PCIe Endpoint",
			base_name(found[i]), dev_hex(found[i], "vendor"),
			dev_hex(found[i], "device"), dev_hex(found[i], "class"));
		if (autoprobe[0] != '0')
			attach(found[i]);
	}
	return (ssize_t)len;
}

/* pci_stop_and_remove_bus_device(): driver removed, device gone from sysfs
 * (kept in the hidden store: the hardware is still there for a rescan),
 * driver_override lost with the struct pci_dev. */
static ssize_t store_remove(const char *dev, const char *buf, size_t len)
{
	char p[PATH_MAX], to[PATH_MAX];
	unsigned long long v;
	const char *bdf = base_name(dev);
	FILE *f;

	if (parse_ulong(buf, len, &v) < 0)
		return -EINVAL;
	if (!v)
		return (ssize_t)len;
	release(dev);
	snprintf(p, sizeof(p), "%s/driver_override", dev);
	fk_write_file(p, "(null)\n");
	snprintf(p, sizeof(p), "%s/pci-hidden", fk_state_dir());
	mkdir(p, 0755);
	snprintf(to, sizeof(to), "%s/pci-hidden/%s", fk_state_dir(), bdf);
	if (rename(fk_abs(dev), to) < 0)
		return -errno;
	snprintf(p, sizeof(p), "%s/pci-hidden/%s.path", fk_state_dir(), bdf);
	f = fopen(p, "we");
	if (f) {
		fprintf(f, "%s\n", dev);
		fclose(f);
	}
	snprintf(p, sizeof(p), PCI_DEVS "/%s", bdf);
	fk_rm_rf(p);
	return (ssize_t)len;
}

static void bdf_of(const char *buf, size_t len, char *out, size_t size)
{
	size_t n = len < size - 1 ? len : size - 1;

	memcpy(out, buf, n);
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* drivers_probe_store() (drivers/base/bus.c): ENODEV for an unknown name,
 * else the count, whatever the probe did. */
static ssize_t store_drivers_probe(const char *buf, size_t len)
{
	char bdf[128], dev[PATH_MAX];

	bdf_of(buf, len, bdf, sizeof(bdf));
	if (dev_path(bdf, dev, sizeof(dev)) < 0)
		return -ENODEV;
	attach(dev);
	return (ssize_t)len;
}

/* bind_store()/unbind_store() (drivers/base/bus.c). */
static ssize_t store_bind(const char *drv, bool bind, const char *buf, size_t len)
{
	char bdf[128], dev[PATH_MAX], cur[256];
	bool by_override;
	int r;

	bdf_of(buf, len, bdf, sizeof(bdf));
	if (dev_path(bdf, dev, sizeof(dev)) < 0)
		return -ENODEV;
	if (!bind) {
		if (!dev_driver(dev, cur, sizeof(cur)) || strcmp(cur, drv))
			return -ENODEV;
		release(dev);
		return (ssize_t)len;
	}
	if (!driver_module(drv) || !driver_matches(drv, dev, &by_override))
		return -ENODEV;
	if (dev_driver(dev, cur, sizeof(cur)))
		return -EBUSY;
	r = probe(dev, drv, by_override);
	return r < 0 ? r : (ssize_t)len;
}

/* "sys/bus/pci/drivers/<drv>/<attr>" -> DRV; false for other paths. */
static bool driver_attr(const char *rel, const char *attr, char *drv, size_t size)
{
	const char *name = rel + strlen(PCI_DRVS) + 1;
	const char *slash;

	if (strncmp(rel, PCI_DRVS "/", strlen(PCI_DRVS) + 1))
		return false;
	slash = strchr(name, '/');
	if (!slash || strcmp(slash + 1, attr))
		return false;
	snprintf(drv, size, "%.*s", (int)(slash - name), name);
	return true;
}

/* The stores handled here; bind/unbind of drivers the fake does not model
 * stay plain stores. */
bool fk_pci_handles(const char *rel)
{
	char dev[PATH_MAX], drv[256];

	if (!strcmp(rel, PCI_BUS "/rescan") || !strcmp(rel, PCI_BUS "/drivers_probe"))
		return true;
	if (driver_attr(rel, "bind", drv, sizeof(drv)) ||
	    driver_attr(rel, "unbind", drv, sizeof(drv)))
		return driver_module(drv) != NULL;
	return pci_attr(rel, "driver_override", dev, sizeof(dev)) ||
	       pci_attr(rel, "remove", dev, sizeof(dev));
}

ssize_t fk_pci_write(const char *rel, const char *buf, size_t len)
{
	char dev[PATH_MAX], drv[256];

	if (!strcmp(rel, PCI_BUS "/rescan"))
		return store_rescan(buf, len);
	if (!strcmp(rel, PCI_BUS "/drivers_probe"))
		return store_drivers_probe(buf, len);
	if (pci_attr(rel, "driver_override", dev, sizeof(dev)))
		return store_override(dev, buf, len);
	if (pci_attr(rel, "remove", dev, sizeof(dev)))
		return store_remove(dev, buf, len);
	if (driver_attr(rel, "bind", drv, sizeof(drv)))
		return store_bind(drv, true, buf, len);
	if (driver_attr(rel, "unbind", drv, sizeof(drv)))
		return store_bind(drv, false, buf, len);
	return -EINVAL;
}

/* ---- resourceN ---- */

/* BAR number of a resourceN path of a PCI device (-1 otherwise). */
static int resource_bar(const char *rel, char *dev, size_t size)
{
	const char *b = base_name(rel);
	char attr[16];

	if (strncmp(b, "resource", 8) || !isdigit((unsigned char)b[8]) || b[9])
		return -1;
	snprintf(attr, sizeof(attr), "%s", b);
	if (!pci_attr(rel, attr, dev, size))
		return -1;
	return b[8] - '0';
}

/* pci_read_resource_io(): only I/O BARs can be read; memory BARs mmap only. */
int fk_pci_read_check(const char *rel)
{
	char dev[PATH_MAX];
	unsigned long long flags;
	uint64_t size;
	int bar = resource_bar(rel, dev, sizeof(dev));

	if (bar < 0 || !dev_bar(dev, bar, &size, &flags))
		return 0;
	return flags & RES_MEM ? -EIO : 0;
}

/* pci_mmap_resource() (pci-sysfs.c:1067): with IO_STRICT_DEVMEM a BAR that a
 * driver requested is exclusive (EINVAL); the mapping must fit the BAR. pci-stub
 * requests no region. Config iomem=relaxed is the kernel booted with
 * `iomem=relaxed`: strict_iomem_checks off, a busy region maps unless the
 * driver asked for IORESOURCE_EXCLUSIVE (kernel/resource.c:1822, 2061-2066). */
int fk_pci_mmap_check(const char *rel, size_t len, off_t off)
{
	char dev[PATH_MAX], drv[256];
	unsigned long long flags;
	uint64_t size;
	long page = sysconf(_SC_PAGESIZE);
	int bar = resource_bar(rel, dev, sizeof(dev));
	int r;

	if (bar < 0)
		return 0;
	r = fk_inject("mmap");
	if (r < 0)
		return r;
	if (!dev_bar(dev, bar, &size, &flags) || !(flags & RES_MEM))
		return -EINVAL;
	if (dev_driver(dev, drv, sizeof(drv)) && strcmp(drv, "pci-stub") &&
	    !(fk_config("iomem") && !strcmp(fk_config("iomem"), "relaxed")))
		return -EINVAL;
	size = (size + (uint64_t)page - 1) / (uint64_t)page * (uint64_t)page;
	if (off < 0 || (uint64_t)off + len > size)
		return -EINVAL;
	return 0;
}

/* ---- module hooks ---- */

static void register_driver(const char *drv, const char *module)
{
	static const char *const attrs[] = { "bind", "unbind", "new_id", "remove_id", "uevent" };
	char d[PATH_MAX], p[PATH_MAX], m[PATH_MAX];

	snprintf(d, sizeof(d), PCI_DRVS "/%s", drv);
	fk_mkdir_p(d);
	for (size_t i = 0; i < 5; i++) {
		snprintf(p, sizeof(p), "%s/%s", d, attrs[i]);
		fk_write_file(p, "%s", "");
	}
	snprintf(m, sizeof(m), "sys/module/%s", module);
	snprintf(p, sizeof(p), "%s/module", d);
	fk_symlink_rel(m, p);
	snprintf(p, sizeof(p), "sys/module/%s/drivers", module);
	fk_mkdir_p(p);
	snprintf(p, sizeof(p), "sys/module/%s/drivers/pci:%s", module, drv);
	fk_symlink_rel(d, p);
}

/* pci_register_driver(): the new driver probes every unbound device it matches. */
void fk_pci_module_loaded(const char *module, const char *aliases)
{
	struct fk_state *st;
	char **names, dev[PATH_MAX];
	const char *drv = NULL;

	for (size_t i = 0; i < sizeof(pci_drivers) / sizeof(pci_drivers[0]); i++)
		if (!strcmp(pci_drivers[i].module, module))
			drv = pci_drivers[i].driver;
	if (!drv)
		return;
	st = fk_state_load();
	fk_state_set(st, "pcidrv", drv, "%s %s", drv, aliases);
	fk_state_save(st);
	fk_state_free(st);
	register_driver(drv, module);
	fk_list(PCI_DEVS, &names);
	for (size_t i = 0; names[i]; i++) {
		bool by_override;

		if (dev_path(names[i], dev, sizeof(dev)) == 0 && !dev_driver(dev, NULL, 0) &&
		    driver_matches(drv, dev, &by_override))
			probe(dev, drv, by_override);
	}
	fk_strv_free(names);
}

/* pci_unregister_driver(): every bound device is released. */
void fk_pci_module_unloading(const char *module)
{
	char **names, dev[PATH_MAX], cur[256], p[PATH_MAX];
	const char *drv = NULL;
	struct fk_state *st;

	for (size_t i = 0; i < sizeof(pci_drivers) / sizeof(pci_drivers[0]); i++)
		if (!strcmp(pci_drivers[i].module, module))
			drv = pci_drivers[i].driver;
	if (!drv)
		return;
	fk_list(PCI_DEVS, &names);
	for (size_t i = 0; names[i]; i++)
		if (dev_path(names[i], dev, sizeof(dev)) == 0 &&
		    dev_driver(dev, cur, sizeof(cur)) && !strcmp(cur, drv))
			release(dev);
	fk_strv_free(names);
	snprintf(p, sizeof(p), PCI_DRVS "/%s", drv);
	fk_rm_rf(p);
	st = fk_state_load();
	fk_state_del(st, "pcidrv", drv);
	fk_state_save(st);
	fk_state_free(st);
}
