// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host-side PCI devices as sysfs shows them: the attributes libpci's sysfs
 * backend reads (vendor, device, class, config, resource, irq, ...), the
 * bus links, and driver/module links for bound devices.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture-internal.h"

#define PCI_BUS "sys/bus/pci"

/* Resource flags as sysfs `resource` prints them (IORESOURCE_*). */
#define RES_IO	      0x100
#define RES_MEM	      0x200
#define RES_PREFETCH  0x2000
#define RES_SIZEALIGN 0x40000
#define RES_MEM_64    0x100000

static void put16(uint8_t *c, size_t off, uint16_t v)
{
	c[off] = v & 0xff;
	c[off + 1] = v >> 8;
}

static void put32(uint8_t *c, size_t off, uint32_t v)
{
	put16(c, off, v & 0xffff);
	put16(c, off + 2, v >> 16);
}

static bool is_bridge(const struct fx_pci_device *d)
{
	return (d->class_code >> 8) == 0x0604;
}

/* First 256 bytes of config space, consistent with the text attributes. */
static void config_space(const struct fx_pci_device *d, uint8_t *c)
{
	uint16_t cmd = 0x0006; /* memory + bus master */

	memset(c, 0, 256);
	put16(c, 0x00, d->vendor);
	put16(c, 0x02, d->device);
	put32(c, 0x08, d->class_code << 8 | d->revision);
	c[0x0c] = 0x10;
	c[0x0e] = (is_bridge(d) ? 0x01 : 0x00) | (d->multifunction ? 0x80 : 0x00);
	if (is_bridge(d)) {
		const char *colon = strchr(d->bdf, ':');

		c[0x18] = (uint8_t)strtoul(colon + 1, NULL, 16);
		c[0x19] = d->secondary_bus;
		c[0x1a] = d->subordinate_bus;
	} else {
		for (int i = 0; i < 6; i++) {
			uint64_t bar = d->bar[i];

			if (!d->bar_size[i])
				continue;
			if (d->bar_flags[i] & FX_BAR_IO) {
				put32(c, 0x10 + 4 * (size_t)i, (uint32_t)bar | 1);
				cmd |= 1;
				continue;
			}
			put32(c, 0x10 + 4 * (size_t)i,
			      (uint32_t)bar | (d->bar_flags[i] & FX_BAR_64 ? 0x4 : 0) |
				      (d->bar_flags[i] & FX_BAR_PREFETCH ? 0x8 : 0));
			if ((d->bar_flags[i] & FX_BAR_64) && i < 5)
				put32(c, 0x10 + 4 * (size_t)(i + 1), (uint32_t)(bar >> 32));
		}
		put16(c, 0x2c, d->subsystem_vendor);
		put16(c, 0x2e, d->subsystem_device);
	}
	put16(c, 0x04, cmd);
	c[0x3c] = d->irq;
	c[0x3d] = d->irq ? 1 : 0;
}

static char *resource_text(const struct fx_pci_device *d)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		ck_abort_msg("fixture: out of memory");
	/* 6 BARs, the ROM and the 6 SR-IOV BARs: 13 lines as on x86_64. */
	for (int i = 0; i < 13; i++) {
		unsigned long long start = 0, end = 0, flags = 0;

		if (i < 6 && d->bar_size[i]) {
			start = d->bar[i];
			end = d->bar[i] + d->bar_size[i] - 1;
			if (d->bar_flags[i] & FX_BAR_IO) {
				flags = RES_IO | RES_SIZEALIGN | 0x1;
			} else {
				flags = RES_MEM | RES_SIZEALIGN;
				if (d->bar_flags[i] & FX_BAR_64)
					flags |= RES_MEM_64 | 0x4;
				if (d->bar_flags[i] & FX_BAR_PREFETCH)
					flags |= RES_PREFETCH | 0x8;
			}
		}
		fprintf(f, "0x%016llx 0x%016llx 0x%016llx\n", start, end, flags);
	}
	fclose(f);
	return text;
}

void fx_pci_bus(struct fx *fx)
{
	if (fx_exists(fx, PCI_BUS "/rescan"))
		return;
	fx_mkdir(fx, PCI_BUS "/devices");
	fx_mkdir(fx, PCI_BUS "/drivers");
	fx_mkdir(fx, PCI_BUS "/slots");
	fx_write(fx, PCI_BUS "/rescan", "%s", "");
	fx_write(fx, PCI_BUS "/drivers_probe", "%s", "");
	fx_write(fx, PCI_BUS "/drivers_autoprobe", "1\n");
	fx_write(fx, PCI_BUS "/resource_alignment", "\n");
	fx_write(fx, PCI_BUS "/uevent", "%s", "");
}

static void pci_driver(struct fx *fx, const char *drv, const char *module)
{
	char *d = fx_strdupf(PCI_BUS "/drivers/%s", drv);
	char *p;

	if (!fx_exists(fx, d)) {
		static const char *const attrs[] = { "bind",	  "unbind", "new_id",
						     "remove_id", "uevent", NULL };

		for (size_t i = 0; attrs[i]; i++) {
			p = fx_strdupf("%s/%s", d, attrs[i]);
			fx_write(fx, p, "%s", "");
			free(p);
		}
		if (module) {
			char *name = fx_module_name(module);
			char *m = fx_strdupf("sys/module/%s", name);

			if (!fx_exists(fx, m))
				fx_module_loaded(fx, module);
			p = fx_strdupf("%s/module", d);
			fx_symlink_rel(fx, m, p);
			free(p);
			p = fx_strdupf("%s/drivers/pci:%s", m, drv);
			fx_symlink_rel(fx, d, p);
			free(p);
			free(m);
			free(name);
		}
	}
	free(d);
}

static _printf_(4, 5) void dev_attr(struct fx *fx, const char *dev, const char *attr,
				    const char *fmt, ...)
{
	char *p = fx_strdupf("%s/%s", dev, attr);
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		ck_abort_msg("fixture: out of memory");
	va_end(ap);
	fx_write(fx, p, "%s", text);
	free(text);
	free(p);
}

static void pci_bars(struct fx *fx, const struct fx_pci_device *d, const char *dev)
{
	for (int i = 0; i < 6; i++) {
		char *p;
		int fd;

		if (!d->bar_size[i])
			continue;
		/* Sparse file with the BAR's size (only mmap works on the real ones). */
		p = fx_strdupf("%s/%s/resource%d", fx->root, dev, i);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || ftruncate(fd, (off_t)d->bar_size[i]) < 0)
			fx_fail_errno("create", p);
		close(fd);
		free(p);
		if (d->bar_flags[i] & FX_BAR_PREFETCH) {
			p = fx_strdupf("%s/resource%d_wc", dev, i);
			fx_write(fx, p, "%s", "");
			free(p);
		}
	}
}

void fx_pci_device(struct fx *fx, const struct fx_pci_device *d)
{
	char *root_bus = fx_strdupf("pci%.7s", d->bdf); /* "pci0000:00" */
	char *dev = fx_strdupf("sys/devices/%s/%s", d->parent ? d->parent : root_bus, d->bdf);
	char *p, *res;
	uint8_t config[256];

	fx_pci_bus(fx);
	config_space(d, config);
	p = fx_strdupf("%s/config", dev);
	fx_write_raw(fx, p, config, sizeof(config));
	free(p);
	dev_attr(fx, dev, "vendor", "0x%04x\n", d->vendor);
	dev_attr(fx, dev, "device", "0x%04x\n", d->device);
	dev_attr(fx, dev, "subsystem_vendor", "0x%04x\n", d->subsystem_vendor);
	dev_attr(fx, dev, "subsystem_device", "0x%04x\n", d->subsystem_device);
	dev_attr(fx, dev, "class", "0x%06x\n", d->class_code);
	dev_attr(fx, dev, "revision", "0x%02x\n", d->revision);
	dev_attr(fx, dev, "irq", "%u\n", d->irq);
	dev_attr(fx, dev, "enable", "1\n");
	dev_attr(fx, dev, "numa_node", "-1\n");
	dev_attr(fx, dev, "local_cpulist", "0-7\n");
	dev_attr(fx, dev, "msi_bus", "1\n");
	dev_attr(fx, dev, "d3cold_allowed", "1\n");
	p = fx_strdupf("%s/remove", dev);
	fx_write(fx, p, "%s", "");
	free(p);
	p = fx_strdupf("%s/rescan", dev);
	fx_write(fx, p, "%s", "");
	free(p);
	p = fx_strdupf("%s/driver_override", dev);
	fx_write(fx, p, "(null)\n");
	free(p);
	p = fx_strdupf("%s/modalias", dev);
	fx_write(fx, p, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n", d->vendor, d->device,
		 d->subsystem_vendor, d->subsystem_device, d->class_code >> 16,
		 (d->class_code >> 8) & 0xff, d->class_code & 0xff);
	free(p);
	p = fx_strdupf("%s/uevent", dev);
	fx_write(fx, p,
		 "%s%s%sPCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
		 "PCI_SLOT_NAME=%s\nMODALIAS=pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n",
		 d->driver ? "DRIVER=" : "", d->driver ? d->driver : "", d->driver ? "\n" : "",
		 d->class_code, d->vendor, d->device, d->subsystem_vendor, d->subsystem_device,
		 d->bdf, d->vendor, d->device, d->subsystem_vendor, d->subsystem_device,
		 d->class_code >> 16, (d->class_code >> 8) & 0xff, d->class_code & 0xff);
	free(p);
	res = resource_text(d);
	p = fx_strdupf("%s/resource", dev);
	fx_write(fx, p, "%s", res);
	free(p);
	free(res);
	pci_bars(fx, d, dev);
	if (is_bridge(d)) {
		dev_attr(fx, dev, "secondary_bus_number", "%u\n", d->secondary_bus);
		dev_attr(fx, dev, "subordinate_bus_number", "%u\n", d->subordinate_bus);
	}
	p = fx_strdupf("%s/subsystem", dev);
	fx_symlink_rel(fx, PCI_BUS, p);
	free(p);
	p = fx_strdupf(PCI_BUS "/devices/%s", d->bdf);
	fx_symlink_rel(fx, dev, p);
	free(p);
	if (d->driver) {
		char *drvdir = fx_strdupf(PCI_BUS "/drivers/%s", d->driver);

		pci_driver(fx, d->driver, d->module);
		p = fx_strdupf("%s/driver", dev);
		fx_symlink_rel(fx, drvdir, p);
		free(p);
		p = fx_strdupf("%s/%s", drvdir, d->bdf);
		fx_symlink_rel(fx, dev, p);
		free(p);
		free(drvdir);
	}
	free(dev);
	free(root_bus);
}
