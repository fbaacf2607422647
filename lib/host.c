// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host role runs: find the endpoint's vNTB and DMA functions, prove they are
 * a pair, bind them and hand the DMA function to the transport.
 */
#include <errno.h>

#include "internal.h"

static int host_begin(struct epdma_run *run)
{
	run->role = EPDMA_ROLE_HOST;
	run->host = epdma_host_new();
	return run->host ? 0 : -ENOMEM;
}

int epdma_host_check(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		     struct epdma_run *run)
{
	int r = host_begin(run), d;

	if (r < 0)
		return epdma_run_finish(run, r);
	r = epdma_check_host_prereqs(ctx, cfg, &run->checks);
	/* The card may appear later (endpoint started after boot): absent is a warning here. */
	d = epdma_host_find(ctx, cfg, run->host, EPDMA_CHECK_WARN, &run->checks);
	if (d < 0 && d != -ENODEV)
		r = d;
	return epdma_run_finish(run, r < 0 ? -EPERM : 0);
}

int epdma_host_discover(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			struct epdma_run *run)
{
	int r = host_begin(run);

	if (r == 0)
		r = epdma_host_find(ctx, cfg, run->host, EPDMA_CHECK_FAIL, &run->checks);
	return epdma_run_finish(run, r);
}

/* The mutating host runs take the lock themselves, as the endpoint's do (lib/lock.c). */
int epdma_host_setup(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		     unsigned int wait_ms, struct epdma_run *run)
{
	unsigned int made;
	int lock = epdma_run_lock(ctx, run, &made), r;

	if (lock < 0) {
		run->role = EPDMA_ROLE_HOST;
		return epdma_run_finish(run, lock);
	}
	r = epdma_host_setup_locked(ctx, cfg, flags, wait_ms, run);
	epdma_run_unlock(ctx, lock, made, run->host && run->host->writes);
	return r;
}

int epdma_host_teardown(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			struct epdma_run *run)
{
	unsigned int made;
	int lock = epdma_run_lock(ctx, run, &made), r;

	if (lock < 0) {
		run->role = EPDMA_ROLE_HOST;
		return epdma_run_finish(run, lock);
	}
	r = epdma_host_teardown_locked(ctx, cfg, flags, run);
	epdma_run_unlock(ctx, lock, made, run->host && run->host->writes);
	return r;
}
