// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host status and teardown.
 *
 * Status reads, never writes: the selected pair and its drivers, the pairing
 * checks (a BAR its driver claimed cannot be mapped under IO_STRICT_DEVMEM,
 * so the check is "not re-verified" and the result the last setup verified
 * is shown beside it), the DMA channels, the transport and the BDF it holds,
 * the NTB device ntb_hw_epf registered, and what epdma's record names.
 *
 * Teardown undoes only what /run/epdma/host names: the transport epdma
 * inserted (refused while in use), a parameter epdma wrote (restored), the
 * DMA function's binding and driver_override; ntb_hw_epf stays unless forced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void read_transport(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			   struct epdma_host *h)
{
	char path[192];

	epdma_module_name(cfg->transport.module, h->transport_module, sizeof(h->transport_module));
	h->transport_loaded = epdma_module_loaded(ctx, h->transport_module);
	h->transport_bdf_known = false;
	if (!h->transport_loaded)
		return;
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", h->transport_module,
		 cfg->transport.bdf_param);
	if (epdma_fs_read(ctx, path, h->transport_bdf, sizeof(h->transport_bdf)) >= 0) {
		/* A charp stored with a newline shows it: not part of the BDF. */
		h->transport_bdf[strcspn(h->transport_bdf, "\n")] = '\0';
		h->transport_bdf_known = true;
	}
}

static void read_ntb(struct epdma_ctx *ctx, struct epdma_host *h)
{
	char path[128];

	h->ntb_device = false;
	h->ntb_link[0] = '\0';
	if (h->vntb < 0)
		return;
	snprintf(path, sizeof(path), "/sys/bus/ntb/devices/%s", h->candidates[h->vntb].bdf);
	h->ntb_device = epdma_fs_exists(ctx, path);
	/* The NTB core has no link attribute; a driver that adds one is shown. */
	snprintf(path, sizeof(path), "/sys/bus/ntb/devices/%s/link", h->candidates[h->vntb].bdf);
	if (h->ntb_device && epdma_fs_read(ctx, path, h->ntb_link, sizeof(h->ntb_link)) < 0)
		h->ntb_link[0] = '\0';
}

int epdma_host_status(struct epdma_ctx *ctx, const struct epdma_config *cfg, struct epdma_run *run)
{
	struct epdma_host_record rec;
	struct epdma_host *h;
	struct epdma_link_want want;
	unsigned int nchans = cfg->dma.wr_chans + cfg->dma.rd_chans;
	bool failed = false;
	int r, r2, up;

	run->role = EPDMA_ROLE_HOST;
	h = run->host = epdma_host_new();
	if (!h)
		return epdma_run_finish(run, -ENOMEM);
	r = epdma_host_find(ctx, cfg, h, EPDMA_CHECK_FAIL, &run->checks);
	if (r < 0 && r != -ENODEV && r != -EINVAL) {
		epdma_host_scan_error(ctx, cfg, r, &run->errors);
		return epdma_run_finish(run, r);
	}
	epdma_host_verified_read(ctx, h);
	epdma_host_record_read(ctx, &rec);
	snprintf(h->override_bdf, sizeof(h->override_bdf), "%s", rec.override_bdf);
	snprintf(h->inserted, sizeof(h->inserted), "%s", rec.inserted);
	if (h->dma >= 0)
		epdma_host_count_channels(ctx, h->candidates[h->dma].bdf, h);
	read_transport(ctx, cfg, h);
	read_ntb(ctx, h);
	/* The link as the endpoint shows it: NTB device, transport queues, the client's interface. */
	run->link = calloc(1, sizeof(*run->link));
	if (!run->link)
		return epdma_run_finish(run, -ENOMEM);
	want = epdma_host_link_want(h);
	up = epdma_link_wait(ctx, &want, run->wait_link_ms, run->link);
	if (up < 0)
		return epdma_run_finish(run, up);
	run->link_up = up == 1;
	r2 = epdma_link_causes(ctx, cfg, run);
	if (r2 < 0)
		return epdma_run_finish(run, r2);
	for (size_t i = 0; i < run->checks.count; i++)
		failed |= run->checks.items[i].result == EPDMA_CHECK_FAIL;
	h->in_sync = r == 0 && !failed && h->dma >= 0 &&
		     !strcmp(h->candidates[h->dma].driver, cfg->host.dma_driver) &&
		     h->nchannels >= nchans &&
		     !strcmp(h->candidates[h->vntb].driver, "ntb_hw_epf") &&
		     h->transport_bdf_known && !strcmp(h->transport_bdf, h->candidates[h->dma].bdf);
	return epdma_run_finish(run, 0);
}

/* ---- teardown ---- */

/* A module epdma must remove: refused (in RUN) while the kernel says it is in use. */
static int plan_remove(struct epdma_ctx *ctx, const char *module, struct epdma_run *run)
{
	char why[96];

	if (!epdma_module_loaded(ctx, module))
		return 0;
	if (epdma_module_busy(ctx, module, why, sizeof(why))) {
		epdma_errors_addr(&run->errors, EPDMA_REASON_MODULE_IN_USE, module,
				  "is in use (%s): the kernel refuses to remove it", why);
		return -EBUSY;
	}
	return epdma_host_op_add(run, EPDMA_HOST_OP_REMOVE, module, NULL, NULL) ? 0 : -E2BIG;
}

static bool in_record(const struct epdma_host_record *rec, const char *module, const bool *planned)
{
	for (size_t i = 0; i < rec->nclients; i++)
		if (!strcmp(rec->clients[i], module))
			return !planned || !planned[i];
	return false;
}

/*
 * The transport's clients epdma loaded (and what loading them inserted),
 * dependents first: a module goes once every module holding it is one of
 * these and goes before it. One held by anything else is refused (-EBUSY).
 */
static int plan_remove_clients(struct epdma_ctx *ctx, const struct epdma_host_record *rec,
			       struct epdma_run *run)
{
	bool planned[EPDMA_HOST_RECORD_CLIENTS] = { false };
	size_t left = 0;

	for (size_t i = 0; i < rec->nclients; i++) {
		planned[i] = !epdma_module_loaded(ctx, rec->clients[i]);
		left += !planned[i];
	}
	for (bool progress = true; left && progress;) {
		progress = false;
		for (size_t i = 0; i < rec->nclients; i++) {
			char path[128], **holders = NULL;
			unsigned int ours = 0, nholders = 0;
			bool waits = false;
			int refcnt;

			if (planned[i])
				continue;
			snprintf(path, sizeof(path), "/sys/module/%s/holders", rec->clients[i]);
			if (epdma_fs_list(ctx, path, &holders) >= 0)
				for (char **h = holders; *h; h++) {
					waits |= in_record(rec, *h, planned);
					ours += in_record(rec, *h, NULL);
				}
			epdma_strv_free(holders);
			if (waits)
				continue;
			/* Held only by clients planned before it (each holds one reference):
			 * removed after them; anything else, the kernel's refcnt decides. */
			refcnt = epdma_module_refcnt(ctx, rec->clients[i], &nholders);
			if (ours && nholders == ours && refcnt >= 0 &&
			    (unsigned int)refcnt <= ours) {
				if (!epdma_host_op_add(run, EPDMA_HOST_OP_REMOVE, rec->clients[i],
						       NULL, NULL))
					return -E2BIG;
			} else if (plan_remove(ctx, rec->clients[i], run) < 0) {
				return -EBUSY;
			}
			planned[i] = progress = true;
			left--;
		}
	}
	return left ? -EBUSY : 0;
}

static int plan_teardown(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			 const struct epdma_host_record *rec, struct epdma_run *run)
{
	char path[128], cur[192], drv[64];
	int r = 0;

	if (rec->param_path[0] && epdma_fs_read(ctx, rec->param_path, cur, sizeof(cur)) >= 0 &&
	    strcmp(cur, rec->param_old) &&
	    !epdma_host_op_add(run, EPDMA_HOST_OP_PARAM, rec->param_path, rec->param_old, cur))
		return -E2BIG;
	/* The clients first: they sit on the transport. */
	r = plan_remove_clients(ctx, rec, run);
	/* The transport next: it uses the DMA channels. */
	if (r == 0 && rec->inserted[0])
		r = plan_remove(ctx, rec->inserted, run);
	if (r == 0 && rec->override_bdf[0] && epdma_host_bdf_valid(rec->override_bdf)) {
		if (epdma_pci_driver(ctx, rec->override_bdf, drv, sizeof(drv)) == 0 && drv[0] &&
		    !strcmp(drv, cfg->host.dma_driver) &&
		    !epdma_host_op_add(run, EPDMA_HOST_OP_UNBIND, rec->override_bdf, drv, NULL))
			return -E2BIG;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
			 rec->override_bdf);
		if (epdma_fs_read(ctx, path, cur, sizeof(cur)) >= 0 && cur[0] &&
		    strcmp(cur, "(null)") &&
		    !epdma_host_op_add(run, EPDMA_HOST_OP_CLEAR, rec->override_bdf, NULL, cur))
			return -E2BIG;
	}
	if (r == 0 && (flags & EPDMA_F_FORCE))
		r = plan_remove(ctx, "ntb_hw_epf", run);
	if (r == 0 && epdma_fs_exists(ctx, EPDMA_MODPROBE_SNIPPET) &&
	    !epdma_host_op_add(run, EPDMA_HOST_OP_SNIPPET, EPDMA_MODPROBE_SNIPPET, "", NULL))
		return -E2BIG;
	return r;
}

int epdma_host_teardown_locked(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			       unsigned int flags, struct epdma_run *run)
{
	struct epdma_host_record rec, none = { 0 };
	int r;

	run->role = EPDMA_ROLE_HOST;
	run->host = epdma_host_new();
	if (!run->host)
		return epdma_run_finish(run, -ENOMEM);
	epdma_host_record_read(ctx, &rec);
	r = plan_teardown(ctx, cfg, flags, &rec, run);
	if (r < 0)
		return epdma_run_finish(run, -EPERM);
	if (run->host->nops)
		r = epdma_host_apply(ctx, cfg, NULL, 0, false, run);
	/* Done: epdma owns nothing on this host any more. */
	if (r == 0 && memcmp(&rec, &none, sizeof(rec)))
		run->record_error = epdma_host_write_file(ctx, EPDMA_HOST_RECORD, "");
	return epdma_run_finish(run, r);
}
