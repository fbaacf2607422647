// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dlopen() of the optional libraries. The table is resolved completely before
 * the handle is published, so a caller that sees the handle sees every
 * symbol; a failed load is not cached (installing the package helps a
 * long-running daemon without a restart).
 */
#include <dlfcn.h>
#include <errno.h>

#include "dl.h"

static int dl_resolve(struct epdma_ctx *ctx, struct epdma_dl *dl, void *handle)
{
	for (size_t i = 0; i < dl->n_syms; i++) {
		void *p = dlsym(handle, dl->syms[i].name);

		if (!p) {
			epdma_err(ctx, "%s has no symbol %s: install a newer %s", dl->soname,
				  dl->syms[i].name, dl->package);
			return -ELIBBAD;
		}
		*dl->syms[i].fn = p;
	}
	return 0;
}

/* Set once, before any thread: the process must not dlopen() (epdma_dl_refuse()). */
static const char *dl_refused;

void epdma_dl_refuse(const char *why)
{
	__atomic_store_n(&dl_refused, why, __ATOMIC_RELEASE);
}

static int dl_load(struct epdma_ctx *ctx, struct epdma_dl *dl)
{
	const char *refused = __atomic_load_n(&dl_refused, __ATOMIC_ACQUIRE);
	void *handle;
	int r;

	if (refused) {
		epdma_err(ctx, "%s not loaded: %s", dl->soname, refused);
		return -ELIBACC;
	}

	/* NODELETE: pointers into it may outlive any reference we could count. */
	handle = dlopen(dl->soname, RTLD_NOW | RTLD_NODELETE);
	if (!handle) {
		epdma_err(ctx, "%s not found: install %s", dl->soname, dl->package);
		epdma_dbg(ctx, "dlopen: %s", dlerror());
		return -ENOPKG;
	}
	r = dl_resolve(ctx, dl, handle);
	if (r < 0) {
		dlclose(handle);
		return r;
	}
	__atomic_store_n(&dl->handle, handle, __ATOMIC_RELEASE);
	epdma_dbg(ctx, "loaded %s", dl->soname);
	return 0;
}

int epdma_dl_open(struct epdma_ctx *ctx, struct epdma_dl *dl)
{
	int r = 0;

	if (__atomic_load_n(&dl->handle, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&dl->lock);
	if (!dl->handle)
		r = dl_load(ctx, dl);
	pthread_mutex_unlock(&dl->lock);
	return r;
}
