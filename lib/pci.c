// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI discovery through libpci, pointed at <root>/sys/bus/pci with the sysfs
 * method (auto-detection would fall back to the real /proc/bus/pci). libpci's
 * error callback must not return: it jumps back here and becomes -EIO.
 */
#include <errno.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static sigjmp_buf pci_jmp;
static bool pci_jmp_armed;
static char pci_errmsg[256];

static _Noreturn void PCI_PRINTF(1, 2) pci_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_errmsg, sizeof(pci_errmsg), msg, ap);
	va_end(ap);
	if (pci_jmp_armed)
		siglongjmp(pci_jmp, 1);
	abort(); /* libpci called us outside a wrapper: a bug in epdma */
}

static void PCI_PRINTF(1, 2) pci_quiet(char *msg, ...)
{
}

static void pci_release(struct pci_access *pacc)
{
	if (pacc)
		pci_cleanup(pacc);
}

/*
 * Scan the bus and call FN for every function. The whole libpci session runs
 * inside one armed region so that its error callback has somewhere to land.
 */
int epdma_pci_foreach(struct epdma_ctx *ctx, epdma_pci_fn fn, void *data)
{
	struct pci_access *volatile pacc = NULL;
	char *volatile sysfs = NULL;
	volatile int r = 0;

	sysfs = epdma_fs_path(ctx, "/sys/bus/pci");
	if (!sysfs)
		return -ENOMEM;
	if (sigsetjmp(pci_jmp, 0)) {
		pci_jmp_armed = false;
		epdma_err(ctx, "libpci: %s", pci_errmsg);
		pci_release(pacc);
		free(sysfs);
		return -EIO;
	}
	pci_jmp_armed = true;
	pacc = pci_alloc();
	pacc->error = pci_error;
	pacc->warning = pci_quiet;
	pacc->debug = pci_quiet;
	pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_set_param(pacc, "sysfs.path", sysfs);
	pci_init(pacc);
	pci_scan_bus(pacc);
	for (struct pci_dev *d = pacc->devices; d && r == 0; d = d->next) {
		struct epdma_pci_function f = { 0 };

		pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS);
		f.domain = (unsigned int)d->domain;
		f.bus = d->bus;
		f.dev = d->dev;
		f.func = d->func;
		f.vendor_id = d->vendor_id;
		f.device_id = d->device_id;
		f.class_code = (uint32_t)d->device_class << 8 | d->prog_if;
		f.subsys_vendor_id = d->subsys_vendor_id;
		f.subsys_id = d->subsys_id;
		r = fn(&f, data);
	}
	pci_jmp_armed = false;
	pci_release(pacc);
	free(sysfs);
	return r;
}

static int count_one(const struct epdma_pci_function *f, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

int epdma_pci_count(struct epdma_ctx *ctx)
{
	unsigned int n = 0;
	int r = epdma_pci_foreach(ctx, count_one, &n);

	return r < 0 ? r : (int)n;
}

void epdma_pci_bdf(const struct epdma_pci_function *f, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%u", f->domain, f->bus, f->dev, f->func);
}
