// SPDX-License-Identifier: GPL-2.0-or-later
/* Host role runs: what the PCI host needs before it can find and bind the endpoint's functions. */
#include <errno.h>

#include "internal.h"

int epdma_host_check(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		     struct epdma_run *run)
{
	int r;

	run->role = EPDMA_ROLE_HOST;
	r = epdma_check_host_prereqs(ctx, cfg, &run->checks);
	return epdma_run_finish(run, r < 0 ? -EPERM : 0);
}
