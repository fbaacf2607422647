/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Optional libraries loaded on first use (lib/dl.c), as systemd does for
 * its: a command that never scans the PCI bus or loads a module never maps
 * libpci or libkmod (and what they pull in: libudev, libcrypto, ...).
 */
#pragma once

#include <pthread.h>

#include "internal.h"

/* The symbol NAME as a pointer of the type the library's header declares. */
#define EPDMA_DLSYM_PROTOTYPE(name) __typeof__(name) *sym_##name
/* One entry of a symbol table: { &sym_NAME, "NAME" }. */
#define EPDMA_DLSYM(name)                   \
	{                                   \
		(void **)&sym_##name, #name \
	}

struct epdma_dlsym {
	void **fn;
	const char *name;
};

struct epdma_dl {
	const char *soname;  /* "libkmod.so.2": the ABI the headers describe */
	const char *package; /* what to install when it is missing */
	const struct epdma_dlsym *syms;
	size_t n_syms;
	pthread_mutex_t lock;
	void *handle; /* set once every symbol is resolved */
};

#define EPDMA_DL_INIT(soname_, package_, table)                                 \
	{                                                                       \
		.soname = (soname_), .package = (package_), .syms = (table),    \
		.n_syms = ARRAY_SIZE(table), .lock = PTHREAD_MUTEX_INITIALIZER, \
	}

/*
 * Load DL and resolve its whole table, once per process; later calls return
 * at once. -ENOPKG when the library is missing, -ELIBBAD when a symbol is
 * (both logged with the library's name and what to install).
 */
int epdma_dl_open(struct epdma_ctx *ctx, struct epdma_dl *dl);
