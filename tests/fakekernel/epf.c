// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The EPF drivers the fake knows: pci_epf_vntb (6.12, and the v6.18 BAR
 * attributes with vntb_bar_attrs=1), pci_epf_dma (the stand-in of the
 * transcript, proposed series v4) and pci_epf_test. Attribute stores parse
 * like the kernel's (kstrto*() base 0) and return the kernel's errno; a
 * stored value is kept in the file in the kernel's read-back format.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekernel.h"

/* ---- lib/kstrtox.c ---- */

static unsigned int radix(const char **s)
{
	if ((*s)[0] == '0') {
		if (tolower((unsigned char)(*s)[1]) == 'x' && isxdigit((unsigned char)(*s)[2])) {
			*s += 2;
			return 16;
		}
		return 8;
	}
	return 10;
}

static int parse_ull(const char *s, unsigned long long *res)
{
	unsigned int base = radix(&s);
	unsigned long long v = 0;
	bool overflow = false;
	int digits = 0;

	for (;; s++, digits++) {
		unsigned int d;
		int c = tolower((unsigned char)*s);

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else
			break;
		if (d >= base)
			break;
		if (v > (ULLONG_MAX - d) / base)
			overflow = true;
		v = v * base + d;
	}
	if (overflow)
		return -ERANGE;
	if (!digits)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int fk_kstrtoull(const char *s, unsigned long long *res)
{
	if (s[0] == '+')
		s++;
	return parse_ull(s, res);
}

int fk_kstrtou(const char *s, unsigned int bits, unsigned long long *res)
{
	unsigned long long v;
	int r = fk_kstrtoull(s, &v);

	if (r < 0)
		return r;
	if (bits < 64 && v >> bits)
		return -ERANGE;
	*res = v;
	return 0;
}

int fk_kstrtoint(const char *s, int *res)
{
	unsigned long long v;
	long long sv;
	int r;

	if (s[0] == '-') {
		r = parse_ull(s + 1, &v);
		if (r < 0)
			return r;
		if (v > (unsigned long long)LLONG_MAX + 1)
			return -ERANGE;
		sv = (long long)(0 - v);
	} else {
		r = fk_kstrtoull(s, &v);
		if (r < 0)
			return r;
		if (v > LLONG_MAX)
			return -ERANGE;
		sv = (long long)v;
	}
	if (sv != (int)sv)
		return -ERANGE;
	*res = (int)sv;
	return 0;
}

int fk_kstrtobool(const char *s, bool *res)
{
	switch (s[0]) {
	case 'y':
	case 'Y':
	case '1':
		*res = true;
		return 0;
	case 'n':
	case 'N':
	case '0':
		*res = false;
		return 0;
	case 'o':
	case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*res = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*res = false;
			return 0;
		}
		break;
	default:
		break;
	}
	return -EINVAL;
}

/* ---- drivers ---- */

enum kind {
	HDR8,	   /* header u8: any parse error EINVAL, "0x%04x" */
	HDR16,	   /* header u16 */
	MSI,	   /* msi_interrupts: u8, "%d" */
	MSIX,	   /* msix_interrupts: u16, "%d" */
	NTB_U32,   /* EPF_NTB_W: kstrtou32 error returned as is, "%d" */
	NTB_NMWS,  /* num_mws: u32, > 4 EINVAL */
	NTB_MW,	   /* mwN: u64, N > num_mws EINVAL (6.12) / ERANGE (6.18) */
	NTB_BAR,   /* ctrl_bar...: kstrtoint, -1..5 */
	DMA_BAR,   /* metadata_bar, dma_window_bar: kstrtoint, -1..5, frozen while linked */
	DMA_CHANS, /* wr_chans, rd_chans: kstrtou8, 0..8, frozen while linked */
};

struct attr {
	const char *name;
	enum kind kind;
};

static const struct attr header_attrs[] = {
	{ "vendorid", HDR16 },
	{ "deviceid", HDR16 },
	{ "revid", HDR8 },
	{ "progif_code", HDR8 },
	{ "subclass_code", HDR8 },
	{ "baseclass_code", HDR8 },
	{ "cache_line_size", HDR8 },
	{ "subsys_vendor_id", HDR16 },
	{ "subsys_id", HDR16 },
	{ "interrupt_pin", HDR8 },
	{ "msi_interrupts", MSI },
	{ "msix_interrupts", MSIX },
	{ NULL, 0 },
};

static const struct attr vntb_attrs[] = {
	{ "spad_count", NTB_U32 },
	{ "db_count", NTB_U32 },
	{ "num_mws", NTB_NMWS },
	{ "mw1", NTB_MW },
	{ "mw2", NTB_MW },
	{ "mw3", NTB_MW },
	{ "mw4", NTB_MW },
	{ "vbus_number", NTB_U32 },
	{ "vntb_pid", NTB_U32 },
	{ "vntb_vid", NTB_U32 },
	{ "ctrl_bar", NTB_BAR },
	{ "db_bar", NTB_BAR },
	{ "mw1_bar", NTB_BAR },
	{ "mw2_bar", NTB_BAR },
	{ "mw3_bar", NTB_BAR },
	{ "mw4_bar", NTB_BAR },
	{ NULL, 0 },
};

static const struct attr dma_attrs[] = {
	{ "metadata_bar", DMA_BAR },
	{ "dma_window_bar", DMA_BAR },
	{ "wr_chans", DMA_CHANS },
	{ "rd_chans", DMA_CHANS },
	{ NULL, 0 },
};

struct driver {
	const char *name;
	/* header defaults: vendorid deviceid baseclass subclass interrupt_pin */
	unsigned int vendor, device, base, sub, pin;
	bool shared_header; /* epf->header points at one static struct */
	const struct attr *sub_attrs;
};

static const struct driver drivers[] = {
	{ "pci_epf_vntb", 0xffff, 0xffff, 0x05, 0x00, 0x01, true, vntb_attrs },
	{ "pci_epf_dma", 0xffff, 0xffff, 0x08, 0x01, 0x01, false, dma_attrs },
	{ "pci_epf_test", 0xffff, 0xffff, 0xff, 0x00, 0x01, true, NULL },
};

static const struct driver unknown_driver = { "", 0xffff, 0xffff, 0, 0, 0, false, NULL };

static const struct driver *driver(const char *name)
{
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (!strcmp(drivers[i].name, name))
			return &drivers[i];
	return &unknown_driver;
}

bool fk_epf_known_driver(const char *drv)
{
	return driver(drv) != &unknown_driver;
}

bool fk_epf_has_subgroup(const char *drv)
{
	return driver(drv)->sub_attrs != NULL;
}

static bool vntb_v618(void)
{
	return fk_config_flag("vntb_bar_attrs");
}

static const char *sub_default(const char *attr)
{
	if (!strcmp(attr, "vbus_number"))
		return "255\n";
	if (strstr(attr, "_bar"))
		return "-1\n";
	return "0\n";
}

int fk_epf_create_subgroup(const struct fk_fn *fn, const char *subdir)
{
	const struct driver *d = driver(fn->drv);
	char dir[PATH_MAX], p[PATH_MAX];
	int r;

	if (!d->sub_attrs)
		return 0;
	snprintf(dir, sizeof(dir), "%s/%s", fn->dir, subdir);
	r = fk_mkdir_p(dir);
	for (const struct attr *a = d->sub_attrs; !r && a->name; a++) {
		if (a->kind == NTB_BAR && !vntb_v618())
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, a->name);
		r = fk_write_file(p, "%s", sub_default(a->name));
	}
	return r;
}

static unsigned int header_default(const struct driver *d, const char *attr)
{
	if (!strcmp(attr, "vendorid"))
		return d->vendor;
	if (!strcmp(attr, "deviceid"))
		return d->device;
	if (!strcmp(attr, "baseclass_code"))
		return d->base;
	if (!strcmp(attr, "subclass_code"))
		return d->sub;
	if (!strcmp(attr, "interrupt_pin"))
		return d->pin;
	return 0;
}

/* Header fields read back as "0x%04x" whatever their width; counts as "%d". */
static int write_header_value(const char *path, enum kind k, unsigned int v)
{
	if (k == HDR8 || k == HDR16)
		return fk_write_file(path, "0x%04x\n", v);
	return fk_write_file(path, "%d\n", (int)v);
}

int fk_epf_create_attrs(const struct fk_fn *fn, bool with_sub, struct fk_state *st)
{
	const struct driver *d = driver(fn->drv);
	char p[PATH_MAX], key[160];
	int r = 0;

	for (const struct attr *a = header_attrs; !r && a->name; a++) {
		unsigned int v = header_default(d, a->name);
		const char *shared;

		snprintf(key, sizeof(key), "%s/%s", fn->drv, a->name);
		shared = d->shared_header && a->kind <= HDR16 ? fk_state_get(st, "hdr", key) : NULL;
		if (shared)
			v = (unsigned int)strtoul(shared + strlen(key) + 1, NULL, 0);
		snprintf(p, sizeof(p), "%s/%s", fn->dir, a->name);
		r = write_header_value(p, a->kind, v);
	}
	if (!r && !strcmp(fn->drv, "pci_epf_vntb"))
		fk_kmsg(6, "pci_epf_vntb %s: pci-ep epf driver loaded", fn->epf);
	if (!r && with_sub)
		r = fk_epf_create_subgroup(fn, fn->epf);
	return r;
}

int fk_epf_subgroup(const struct fk_fn *fn, char *out, size_t size)
{
	char **ents;
	int r = -ENOENT;

	fk_list(fn->dir, &ents);
	for (size_t i = 0; ents[i]; i++) {
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/%s", fn->dir, ents[i]);
		if (!strcmp(ents[i], "primary") || !strcmp(ents[i], "secondary") || !fk_is_dir(p) ||
		    fk_is_link(p))
			continue;
		snprintf(out, size, "%s", p);
		r = 0;
		break;
	}
	fk_strv_free(ents);
	return r;
}

static long long read_num(const char *dir, const char *attr, long long dflt)
{
	char p[PATH_MAX], buf[64];

	snprintf(p, sizeof(p), "%s/%s", dir, attr);
	if (fk_read(p, buf, sizeof(buf)) <= 0)
		return dflt;
	return strtoll(buf, NULL, 0);
}

/*
 * Show of vNTB's mwN for a window above num_mws fails like the store does:
 * 6.12 logs "Invalid num_nws" and returns EINVAL (seen on the real kernel
 * when epdma read the whole subgroup), 6.18 ERANGE. REL is the attribute
 * below the root; 0 for every other file.
 */
int fk_epf_read_check(const char *rel)
{
	const char *base = strrchr(rel, '/'), *prefix = FK_PCI_EP "/functions/pci_epf_vntb/";
	char dir[PATH_MAX], epf[64];
	long long nmws;
	int win;

	if (strncmp(rel, prefix, strlen(prefix)) || !base || sscanf(base, "/mw%d", &win) != 1 ||
	    strlen(base) != 4)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - rel), rel);
	snprintf(epf, sizeof(epf), "%s", strrchr(dir, '/') + 1);
	if (strncmp(epf, "pci_epf_vntb.", 13))
		return 0;
	nmws = read_num(dir, "num_mws", 0);
	if (win <= nmws)
		return 0;
	if (vntb_v618()) {
		fk_kmsg(3, "pci_epf_vntb %s: MW%d out of range (num_mws=%lld)", epf, win, nmws);
		return -ERANGE;
	}
	fk_kmsg(3, "pci_epf_vntb %s: Invalid num_nws: %lld value", epf, nmws);
	return -EINVAL;
}

/* Header store: every parse failure is EINVAL (6.12). Shared headers
 * (vNTB, test) change in every function of the driver, as in the kernel. */
static ssize_t header_store(const struct fk_fn *fn, const struct attr *a, const char *val,
			    size_t len, struct fk_state *st)
{
	static const unsigned int bits[] = { [HDR8] = 8, [HDR16] = 16, [MSI] = 8, [MSIX] = 16 };
	const struct driver *d = driver(fn->drv);
	unsigned long long v;
	char p[PATH_MAX], key[160], **fns, dir[PATH_MAX];

	if (fk_kstrtou(val, bits[a->kind], &v) < 0)
		return -EINVAL;
	if (!d->shared_header || a->kind > HDR16) {
		snprintf(p, sizeof(p), "%s/%s", fn->dir, a->name);
		write_header_value(p, a->kind, (unsigned int)v);
		return (ssize_t)len;
	}
	snprintf(key, sizeof(key), "%s/%s", fn->drv, a->name);
	fk_state_set(st, "hdr", key, "%s 0x%llx", key, v);
	snprintf(dir, sizeof(dir), FK_PCI_EP "/functions/%s", fn->drv);
	fk_list(dir, &fns);
	for (size_t i = 0; fns[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s/%s", dir, fns[i], a->name);
		if (fk_exists(p))
			write_header_value(p, a->kind, (unsigned int)v);
	}
	fk_strv_free(fns);
	return (ssize_t)len;
}

static ssize_t vntb_store(const struct fk_fn *fn, const char *dir, const struct attr *a,
			  const char *val, size_t len)
{
	unsigned long long v;
	char p[PATH_MAX];
	int iv, r;

	snprintf(p, sizeof(p), "%s/%s", dir, a->name);
	switch (a->kind) {
	case NTB_U32:
	case NTB_NMWS:
		r = fk_kstrtou(val, 32, &v);
		if (r < 0)
			return r;
		if (a->kind == NTB_NMWS && v > 4)
			return -EINVAL;
		fk_write_file(p, "%d\n", (int)(unsigned int)v);
		return (ssize_t)len;
	case NTB_MW: {
		long long nmws = read_num(dir, "num_mws", 0);
		int win = a->name[2] - '0';

		r = fk_kstrtou(val, 64, &v);
		if (r < 0)
			return r;
		if (win > nmws) {
			if (vntb_v618()) {
				fk_kmsg(3, "pci_epf_vntb %s: MW%d out of range (num_mws=%lld)",
					fn->epf, win, nmws);
				return -ERANGE;
			}
			fk_kmsg(3, "pci_epf_vntb %s: Invalid num_nws: %lld value", fn->epf, nmws);
			return -EINVAL;
		}
		fk_write_file(p, "%lld\n", (long long)v);
		return (ssize_t)len;
	}
	case NTB_BAR:
		r = fk_kstrtoint(val, &iv);
		if (r < 0)
			return r;
		if (iv < -1 || iv > 5)
			return -EINVAL;
		fk_write_file(p, "%d\n", iv);
		return (ssize_t)len;
	default:
		return -EINVAL;
	}
}

static ssize_t dma_store(const char *dir, const struct attr *a, const char *val, size_t len,
			 bool linked)
{
	unsigned long long v;
	char p[PATH_MAX];
	int iv, r;

	if (linked)
		return -EOPNOTSUPP;
	snprintf(p, sizeof(p), "%s/%s", dir, a->name);
	if (a->kind == DMA_BAR) {
		r = fk_kstrtoint(val, &iv);
		if (r < 0)
			return r;
		if (iv < -1 || iv > 5)
			return -EINVAL;
		fk_write_file(p, "%d\n", iv);
		return (ssize_t)len;
	}
	r = fk_kstrtou(val, 8, &v);
	if (r < 0)
		return r;
	if (v > 8)
		return -EINVAL;
	fk_write_file(p, "%u\n", (unsigned int)v);
	return (ssize_t)len;
}

static const struct attr *find_attr(const struct attr *t, const char *name)
{
	for (; t && t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

ssize_t fk_epf_write_attr(const struct fk_fn *fn, const char *sub, const char *attr,
			  const char *val, size_t len, bool linked, struct fk_state *st)
{
	const struct driver *d = driver(fn->drv);
	const struct attr *a;
	char dir[PATH_MAX];

	if (!sub) {
		a = find_attr(header_attrs, attr);
		return a ? header_store(fn, a, val, len, st) : -EINVAL;
	}
	if (fk_epf_subgroup(fn, dir, sizeof(dir)) < 0 || strcmp(strrchr(dir, '/') + 1, sub) != 0)
		return -EINVAL;
	a = find_attr(d->sub_attrs, attr);
	if (!a || (a->kind == NTB_BAR && !vntb_v618()))
		return -EINVAL;
	if (d->sub_attrs == dma_attrs)
		return dma_store(dir, a, val, len, linked);
	return vntb_store(fn, dir, a, val, len);
}

/* ---- bind ---- */

static void vbus_create(unsigned int bus, unsigned int vid, unsigned int pid)
{
	char host[64], dev[128], p[PATH_MAX], q[PATH_MAX], name[32];

	snprintf(name, sizeof(name), "0000:%02x:00.0", bus);
	snprintf(host, sizeof(host), "sys/devices/pci0000:%02x", bus);
	snprintf(dev, sizeof(dev), "%s/%s", host, name);
	snprintf(p, sizeof(p), "%s/pci_bus/0000:%02x", host, bus);
	fk_mkdir_p(p);
	fk_mkdir_p("sys/class/pci_bus");
	snprintf(q, sizeof(q), "sys/class/pci_bus/0000:%02x", bus);
	fk_symlink_rel(p, q);
	fk_mkdir_p(dev);
	snprintf(p, sizeof(p), "%s/vendor", dev);
	fk_write_file(p, "0x%04x\n", vid & 0xffff);
	snprintf(p, sizeof(p), "%s/device", dev);
	fk_write_file(p, "0x%04x\n", pid & 0xffff);
	snprintf(p, sizeof(p), "%s/class", dev);
	fk_write_file(p, "0xffffff\n");
	fk_mkdir_p("sys/bus/pci/devices");
	snprintf(p, sizeof(p), "sys/bus/pci/devices/%s", name);
	fk_symlink_rel(dev, p);
	/* ntb_register_device() names the NTB device after the PCI device. */
	snprintf(p, sizeof(p), "%s/%s", dev, name);
	fk_mkdir_p(p);
	fk_mkdir_p("sys/bus/ntb/devices");
	snprintf(q, sizeof(q), "sys/bus/ntb/devices/%s", name);
	fk_symlink_rel(p, q);
	fk_kmsg(6, "PCI host bridge to bus 0000:%02x", bus);
}

static void vntb_driver_bind(unsigned int bus, bool on)
{
	char dev[128], p[PATH_MAX];

	snprintf(dev, sizeof(dev), "sys/devices/pci0000:%02x/0000:%02x:00.0", bus, bus);
	snprintf(p, sizeof(p), "sys/bus/pci/drivers/pci-vntb/0000:%02x:00.0", bus);
	if (on) {
		char drv[PATH_MAX];

		fk_mkdir_p("sys/bus/pci/drivers/pci-vntb");
		fk_symlink_rel(dev, p);
		snprintf(drv, sizeof(drv), "%s/driver", dev);
		fk_symlink_rel("sys/bus/pci/drivers/pci-vntb", drv);
		return;
	}
	fk_rm_rf(p);
	snprintf(p, sizeof(p), "%s/driver", dev);
	fk_rm_rf(p);
	fk_rm_rf("sys/bus/pci/drivers/pci-vntb");
}

static int vntb_bind(const struct fk_fn *fn, struct fk_state *st)
{
	char dir[PATH_MAX], p[64];
	long long db, vbus;
	unsigned int bus;

	if (fk_epf_subgroup(fn, dir, sizeof(dir)) < 0)
		return -EINVAL;
	db = read_num(dir, "db_count", 0);
	if (db < 1 || db > 32) {
		fk_kmsg(3, "pci_epf_vntb %s: DB count %lld out of range (1 - 32)", fn->epf, db);
		fk_kmsg(3, "pci_epf_vntb %s: Interrupt configuration failed", fn->epf);
		fk_kmsg(3, "pci_epf_vntb %s: Failed to initialize EPC", fn->epf);
		return -EINVAL;
	}
	/* vntb_pci_driver is one static pci_driver: a second bound vNTB cannot
	 * register it again. */
	if (fk_state_get(st, "vntb_bound", "")) {
		fk_kmsg(3, "Error: Driver 'pci-vntb' is already registered, aborting...");
		fk_kmsg(3, "pci_epf_vntb %s: failure register vntb pci driver", fn->epf);
		return -EBUSY;
	}
	vbus = read_num(dir, "vbus_number", 255);
	bus = (unsigned int)vbus;
	snprintf(p, sizeof(p), "sys/class/pci_bus/0000:%02x", bus & 0xff);
	if (vbus < 0 || vbus > 255 || fk_exists(p)) {
		fk_kmsg(3, "create pci bus failed");
		return -EINVAL;
	}
	vbus_create(bus, (unsigned int)read_num(dir, "vntb_vid", 0),
		    (unsigned int)read_num(dir, "vntb_pid", 0));
	vntb_driver_bind(bus, true);
	fk_state_set(st, "vntb_bound", "", "%s/%s %u", fn->drv, fn->name, bus);
	return 0;
}

static int lowest_free_bar(int a, int b)
{
	for (int bar = 0; bar < 6; bar++)
		if (bar != a && bar != b)
			return bar;
	return -1;
}

static int dma_bind(const struct fk_fn *fn, int pf)
{
	char dir[PATH_MAX], p[PATH_MAX];
	long long wr, rd, mb, wb, msi, msix;

	if (fk_epf_subgroup(fn, dir, sizeof(dir)) < 0)
		return -EINVAL;
	wr = read_num(dir, "wr_chans", 0);
	rd = read_num(dir, "rd_chans", 0);
	mb = read_num(dir, "metadata_bar", -1);
	wb = read_num(dir, "dma_window_bar", -1);
	msi = read_num(fn->dir, "msi_interrupts", 0);
	msix = read_num(fn->dir, "msix_interrupts", 0);
	if (!wr && !rd) {
		/* The stand-in driver's words (tests/kernel/modules/pci-epf-dma.c:238). */
		fk_kmsg(3, "pci_epf_dma %s: wr_chans and rd_chans are both 0", fn->epf);
		return -EINVAL;
	}
	if (mb >= 0 && mb == wb) {
		fk_kmsg(3, "pci_epf_dma %s: metadata_bar and dma_window_bar are both BAR%lld",
			fn->epf, mb);
		return -EINVAL;
	}
	if (!msi && !msix) {
		/* pci-epf-dma.c:243 */
		fk_kmsg(3, "pci_epf_dma %s: needs at least one MSI or MSI-X vector", fn->epf);
		return -EINVAL;
	}
	/* Auto BARs: lowest free ones; written back and kept after unbind. */
	if (mb < 0) {
		mb = lowest_free_bar((int)wb, -1);
		snprintf(p, sizeof(p), "%s/metadata_bar", dir);
		fk_write_file(p, "%lld\n", mb);
	}
	if (wb < 0) {
		wb = lowest_free_bar((int)mb, -1);
		snprintf(p, sizeof(p), "%s/dma_window_bar", dir);
		fk_write_file(p, "%lld\n", wb);
	}
	fk_kmsg(6,
		"pci_epf_dma %s: bound as fn%d: metadata BAR%lld, DMA window BAR%lld, "
		"%lld WR + %lld RD channels",
		fn->epf, pf, mb, wb, wr, rd);
	return 0;
}

/*
 * A function's setup after bind (its epc_init: BARs, MSI) can fail with the
 * link already made: the kernel only logs it (pci_epf_test with
 * msi_interrupts 0 is the classic case). late_fail=<driver> does that.
 */
static void late_setup(const struct fk_fn *fn)
{
	const char *drv = fk_config("late_fail");

	if (drv && !strcmp(drv, fn->drv))
		fk_kmsg(3, "%s %s: MSI configuration failed", fn->drv, fn->epf);
}

/*
 * Bind when the controller reports no features for the function number.
 * Seen on 6.12: the stand-in pci_epf_dma and pci_epf_test refuse with
 * EOPNOTSUPP. pci_epf_vntb dereferences the NULL features in
 * epf_ntb_config_spad_bar_alloc() (read from the source, not run): an oops,
 * which kills the linking process; modelled as EFAULT with the BUG line.
 */
int fk_epf_bind_no_features(const struct fk_fn *fn)
{
	if (!strcmp(fn->drv, "pci_epf_dma")) {
		fk_kmsg(3, "pci_epf_dma %s: controller reports no features", fn->epf);
		return -EOPNOTSUPP;
	}
	if (!strcmp(fn->drv, "pci_epf_vntb")) {
		fk_kmsg(1, "BUG: kernel NULL pointer dereference, address: 0000000000000010");
		return -EFAULT;
	}
	fk_kmsg(3, "%s %s: epc_features not implemented", fn->drv, fn->epf);
	return -EOPNOTSUPP;
}

int fk_epf_bind(const struct fk_fn *fn, const char *epc, int pf, struct fk_state *st)
{
	int r = 0;

	/* Another driver's error that happens to land during the bind. */
	if (fk_config_flag("noise"))
		fk_kmsg(3, "usb 1-1: device descriptor read/64, error -71");
	/* A WARN() in the endpoint stack: __warn() prints at KERN_WARNING (kernel/panic.c). */
	if (fk_config_flag("bind_warning"))
		fk_kmsg(4, "WARNING: CPU: 0 PID: 1 at drivers/pci/endpoint/pci-epc-core.c:870 "
			   "pci_epc_add_epf+0x1a/0x1c0");
	if (!strcmp(fn->drv, "pci_epf_vntb"))
		r = vntb_bind(fn, st);
	else if (!strcmp(fn->drv, "pci_epf_dma"))
		r = dma_bind(fn, pf);
	if (r == 0)
		late_setup(fn);
	return r;
}

void fk_epf_unbind(const struct fk_fn *fn, const char *epc, struct fk_state *st)
{
	char key[256];
	const char *b;

	if (strcmp(fn->drv, "pci_epf_vntb"))
		return;
	snprintf(key, sizeof(key), "%s/%s", fn->drv, fn->name);
	b = fk_state_get(st, "vntb_bound", key);
	if (!b)
		return;
	/* pci_unregister_driver(): the device and its bus stay (no remove). */
	vntb_driver_bind((unsigned int)atoi(b + strlen(key) + 1), false);
	fk_state_del(st, "vntb_bound", "");
}
