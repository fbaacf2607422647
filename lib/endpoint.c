// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Endpoint role entry points shared by epdmactl and epdmad: preflight (and,
 * for setup, the system prerequisites), read, plan, apply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * Setup may mount configfs and load the EPF driver modules: system
 * prerequisites, not part of the graph, so never rolled back. Nothing is
 * written to the pci_ep graph here.
 */
static int prepare_system(struct epdma_ctx *ctx, struct epdma_errors *errs)
{
	static const char *const modules[][2] = {
		{ EPDMA_EPF_VNTB, EPDMA_MODULE_VNTB },
		{ EPDMA_EPF_DMA, EPDMA_MODULE_DMA },
	};
	struct epdma_modules *mods = NULL;
	int r;

	if (!epdma_configfs_mounted(ctx)) {
		r = epdma_fs_mount(ctx, "none", "/sys/kernel/config", "configfs", 0);
		if (r < 0 && r != -EBUSY) {
			epdma_errors_add(errs, NULL, 0, "configfs",
					 "mount on /sys/kernel/config failed: %s", strerror(-r));
			return r;
		}
		epdma_info(ctx, "mounted configfs on /sys/kernel/config");
	}
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++) {
		if (epdma_epf_driver_registered(ctx, modules[i][0]))
			continue;
		if (!mods && (r = epdma_modules_new(ctx, &mods)) < 0) {
			epdma_errors_add(errs, NULL, 0, "modules",
					 "cannot read the module index: %s", strerror(-r));
			return r;
		}
		r = epdma_module_load(mods, modules[i][1], NULL);
		if (r < 0) {
			epdma_errors_add(errs, NULL, 0, modules[i][1],
					 "loading the module failed: %s", strerror(-r));
			epdma_modules_free(mods);
			return r;
		}
		epdma_info(ctx, "loaded module %s", modules[i][1]);
	}
	epdma_modules_free(mods);
	return 0;
}

int epdma_endpoint_prepare(struct epdma_ctx *ctx, const struct epdma_config *cfg, bool fix,
			   unsigned int flags, struct epdma_checks *checks,
			   struct epdma_errors *errs, char *epc, size_t size)
{
	int r = epdma_check_endpoint(ctx, cfg, flags, checks, epc, size);

	if (r < 0 || !fix)
		return r;
	r = prepare_system(ctx, errs);
	if (r < 0)
		return r;
	/* Again, now that configfs and the drivers are there. */
	epdma_checks_clear(checks);
	return epdma_check_endpoint(ctx, cfg, flags, checks, epc, size);
}
