// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI discovery through libpci, pointed at <root>/sys/bus/pci with the sysfs
 * method (auto-detection would fall back to the real /proc/bus/pci). libpci
 * is loaded on first use: only the host role scans the bus.
 *
 * libpci's error callback must not return and gets no user data: it finds
 * the scan in progress through a thread-local pointer and jumps back into it,
 * where the error becomes -EIO. One scan per thread at a time, no globals.
 */
#include <errno.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl.h"

static EPDMA_DLSYM_PROTOTYPE(pci_alloc);
static EPDMA_DLSYM_PROTOTYPE(pci_cleanup);
static EPDMA_DLSYM_PROTOTYPE(pci_fill_info);
static EPDMA_DLSYM_PROTOTYPE(pci_init);
static EPDMA_DLSYM_PROTOTYPE(pci_scan_bus);
static EPDMA_DLSYM_PROTOTYPE(pci_set_param);

static const struct epdma_dlsym pci_syms[] = {
	EPDMA_DLSYM(pci_alloc), EPDMA_DLSYM(pci_cleanup),  EPDMA_DLSYM(pci_fill_info),
	EPDMA_DLSYM(pci_init),	EPDMA_DLSYM(pci_scan_bus), EPDMA_DLSYM(pci_set_param),
};
static struct epdma_dl pci_dl = EPDMA_DL_INIT("libpci.so.3", "pciutils (libpci3)", pci_syms);

/* One scan: where libpci's error callback lands, and what it said. */
struct pci_scan {
	sigjmp_buf jmp;
	char errmsg[256];
	struct pci_access *pacc;
};

static _Thread_local struct pci_scan *pci_current;

static _Noreturn void PCI_PRINTF(1, 2) pci_error(char *msg, ...)
{
	struct pci_scan *s = pci_current;
	va_list ap;

	if (!s)
		abort(); /* libpci called us outside a scan: a bug in epdma */
	va_start(ap, msg);
	vsnprintf(s->errmsg, sizeof(s->errmsg), msg, ap);
	va_end(ap);
	siglongjmp(s->jmp, 1);
}

static void PCI_PRINTF(1, 2) pci_quiet(char *msg, ...)
{
}

static void pci_fill(struct pci_dev *d, struct epdma_pci_function *f)
{
	/* The default pci_fill_info of the installed libpci (3.8+ knows CLASS_EXT). CLASS
	 * fills device_class, CLASS_EXT only prog_if and rev_id. */
	sym_pci_fill_info(d,
			  PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS);
	f->domain = (unsigned int)d->domain;
	f->bus = d->bus;
	f->dev = d->dev;
	f->func = d->func;
	f->vendor_id = d->vendor_id;
	f->device_id = d->device_id;
	f->class_code = (uint32_t)d->device_class << 8 | d->prog_if;
	f->subsys_vendor_id = d->subsys_vendor_id;
	f->subsys_id = d->subsys_id;
}

static bool pci_id_wanted(const struct pci_dev *d, const struct epdma_pci_id *ids, size_t nids)
{
	for (size_t i = 0; i < nids; i++)
		if (d->vendor_id == ids[i].vendor_id && d->device_id == ids[i].device_id)
			return true;
	return nids == 0;
}

/* Everything that may call pci_error(): runs with S armed as the current scan. */
static int pci_scan_run(struct pci_scan *s, char *sysfs, const struct epdma_pci_id *ids,
			size_t nids, epdma_pci_fn fn, void *data)
{
	int r = 0;

	s->pacc = sym_pci_alloc();
	s->pacc->error = pci_error;
	s->pacc->warning = pci_quiet;
	s->pacc->debug = pci_quiet;
	s->pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	sym_pci_set_param(s->pacc, "sysfs.path", sysfs);
	sym_pci_init(s->pacc);
	sym_pci_scan_bus(s->pacc);
	for (struct pci_dev *d = s->pacc->devices; d && r == 0; d = d->next) {
		struct epdma_pci_function f = { 0 };

		/* vendor and device first: the other fields are read (class,
		 * revision, both subsystem IDs, from sysfs) only for a wanted ID. */
		sym_pci_fill_info(d, PCI_FILL_IDENT);
		if (!pci_id_wanted(d, ids, nids))
			continue;
		pci_fill(d, &f);
		r = fn(&f, data);
	}
	return r;
}

/* Scan the bus and call FN for every function with one of IDS (every one with NIDS 0). */
int epdma_pci_foreach_id(struct epdma_ctx *ctx, const struct epdma_pci_id *ids, size_t nids,
			 epdma_pci_fn fn, void *data)
{
	_cleanup_free_ char *sysfs = NULL;
	/* In memory (its address is in pci_current), so it survives the longjmp. */
	struct pci_scan s = { .pacc = NULL };
	struct pci_scan *outer = pci_current;
	volatile int r;

	r = epdma_dl_open(ctx, &pci_dl);
	if (r < 0)
		return r;
	sysfs = epdma_fs_path(ctx, "/sys/bus/pci");
	if (!sysfs)
		return -ENOMEM;
	pci_current = &s;
	if (sigsetjmp(s.jmp, 0) == 0) {
		r = pci_scan_run(&s, sysfs, ids, nids, fn, data);
	} else {
		epdma_err(ctx, "libpci: %s", s.errmsg);
		r = -EIO;
	}
	pci_current = outer; /* FN may have scanned again from inside ours */
	if (s.pacc)
		sym_pci_cleanup(s.pacc);
	return r;
}

int epdma_pci_foreach(struct epdma_ctx *ctx, epdma_pci_fn fn, void *data)
{
	return epdma_pci_foreach_id(ctx, NULL, 0, fn, data);
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
