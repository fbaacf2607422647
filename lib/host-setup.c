// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host setup and status: bind the selected pair and hand the DMA function
 * to the transport (kernel-abi.md §4, design.md "Host role" 3-4).
 *
 * ntb_hw_epf binds the vNTB function by PCI ID only; dw-edma-pcie binds the
 * DMA function only through driver_override + drivers_probe, and its probe
 * is asynchronous (up to 2 s for the endpoint's READY): wait for the driver
 * link and the channels, never assume the write finished it. A host kernel
 * without part 1 of the DMA series accepts both writes and binds nothing.
 * Every step this run made is undone when a later one fails; what epdma
 * changed is recorded in /run/epdma/host for teardown.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define HOST_RECORD	 "/run/epdma/host"
#define MODPROBE_SNIPPET "/run/modprobe.d/epdma.conf"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void _printf_(2, 3) step(struct epdma_host *h, const char *fmt, ...)
{
	va_list ap;

	if (h->nsteps == ARRAY_SIZE(h->steps))
		return;
	va_start(ap, fmt);
	vsnprintf(h->steps[h->nsteps++], sizeof(h->steps[0]), fmt, ap);
	va_end(ap);
}

/* A write this run makes: counted, shown as a step. */
static int host_write(struct epdma_ctx *ctx, struct epdma_host *h, const char *path,
		      const char *value)
{
	int r = epdma_fs_write(ctx, path, value);

	h->writes++;
	step(h, "write %s to %s", value[0] == '\n' ? "(clear)" : value, path);
	return r;
}

/* Find the pair; per [host] rescan, rescan the bus with back-off until WAIT_MS. */
static int find_with_rescan(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			    unsigned int wait_ms, struct epdma_run *run)
{
	uint64_t deadline = now_ms() + wait_ms;
	unsigned int interval = cfg->host.rescan_interval_ms;
	int rescans = 0;

	for (;;) {
		struct epdma_checks tmp = { 0 };
		int r = epdma_host_find(ctx, cfg, run->host, EPDMA_CHECK_FAIL, &tmp);

		if (r != -ENODEV || cfg->host.rescan == EPDMA_RESCAN_NEVER ||
		    (cfg->host.rescan == EPDMA_RESCAN_ONCE && rescans == 1) ||
		    (rescans > 0 && now_ms() >= deadline)) {
			for (size_t i = 0; i < tmp.count; i++)
				epdma_checks_add(&run->checks, tmp.items[i].name,
						 tmp.items[i].result, tmp.items[i].hint, "%s",
						 tmp.items[i].message);
			epdma_checks_clear(&tmp);
			return r;
		}
		/* Not there yet: forget this attempt's checks, rescan, look again. */
		epdma_checks_clear(&tmp);
		if (rescans++ > 0) {
			sleep_ms(interval);
			interval = interval < 60000 ? interval * 2 : interval;
		}
		r = host_write(ctx, run->host, "/sys/bus/pci/rescan", "1");
		if (r < 0) {
			epdma_errors_add(&run->errors, NULL, 0, "/sys/bus/pci/rescan",
					 "write failed: %s", strerror(-r));
			return r;
		}
	}
}

/* The vNTB function's modalias must resolve to ntb_hw_epf in this kernel's modules. */
static int vntb_driver(struct epdma_ctx *ctx, struct epdma_modules *mods,
		       const struct epdma_host_candidate *v, struct epdma_run *run)
{
	char path[96], alias[160], drv[64];
	int r;

	if (epdma_pci_driver(ctx, v->bdf, drv, sizeof(drv)) == 0 && !strcmp(drv, "ntb_hw_epf"))
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/modalias", v->bdf);
	if (epdma_fs_read(ctx, path, alias, sizeof(alias)) <= 0)
		snprintf(alias, sizeof(alias), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
			 v->vendor_id, v->device_id, v->subsys_vendor_id, v->subsys_id,
			 v->class_code >> 16, (v->class_code >> 8) & 0xff, v->class_code & 0xff);
	r = epdma_module_alias_match(mods, alias, "ntb_hw_epf");
	if (r <= 0) {
		epdma_errors_add(&run->errors, NULL, 0, v->bdf,
				 "no module of kernel %s has an alias for %s: ntb_hw_epf binds by "
				 "PCI ID only (driver_override does not work for it)",
				 epdma_modules_release(mods), alias);
		return r < 0 ? r : -ENOENT;
	}
	r = epdma_module_load(mods, "ntb_hw_epf", NULL);
	if (r < 0) {
		epdma_errors_add(&run->errors, NULL, 0, "ntb_hw_epf", "loading failed: %s",
				 strerror(-r));
		return r;
	}
	run->host->writes++;
	step(run->host, "load module %s", "ntb_hw_epf");
	if (epdma_pci_driver(ctx, v->bdf, drv, sizeof(drv)) < 0 || strcmp(drv, "ntb_hw_epf")) {
		epdma_errors_add(&run->errors, NULL, 0, v->bdf,
				 "ntb_hw_epf is loaded but did not bind it (see the kernel log)");
		return -ENODEV;
	}
	return 0;
}

static int count_channels(struct epdma_ctx *ctx, const char *bdf, struct epdma_host *h)
{
	char path[96], **names = NULL;
	int r;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/dma", bdf);
	h->nchannels = 0;
	r = epdma_fs_list(ctx, path, &names);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (char **n = names; *n && h->nchannels < EPDMA_HOST_MAX_CHANNELS; n++) {
		struct epdma_host_channel *c = &h->channels[h->nchannels++];
		char attr[192];
		uint64_t v = 0;

		snprintf(c->name, sizeof(c->name), "%s", *n);
		snprintf(attr, sizeof(attr), "%s/%s/in_use", path, *n);
		c->in_use = epdma_fs_read_u64(ctx, attr, &v) == 0 && v;
		snprintf(attr, sizeof(attr), "%s/%s/memcpy_count", path, *n);
		epdma_fs_read_u64(ctx, attr, &c->memcpy_count);
		snprintf(attr, sizeof(attr), "%s/%s/bytes_transferred", path, *n);
		epdma_fs_read_u64(ctx, attr, &c->bytes_transferred);
	}
	epdma_strv_free(names);
	return (int)h->nchannels;
}

/* driver_override + drivers_probe, then wait for the driver link and wr+rd channels. */
static int bind_dma(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		    struct epdma_modules *mods, const struct epdma_host_candidate *d,
		    bool *overridden, struct epdma_run *run)
{
	const char *drvname = cfg->host.dma_driver;
	unsigned int want = cfg->dma.wr_chans + cfg->dma.rd_chans;
	char path[96], drv[64];
	uint64_t deadline;
	int r;

	if (epdma_pci_driver(ctx, d->bdf, drv, sizeof(drv)) == 0 && !strcmp(drv, drvname) &&
	    count_channels(ctx, d->bdf, run->host) >= (int)want)
		return 0;
	r = epdma_module_load(mods, drvname, NULL);
	if (r < 0) {
		epdma_errors_add(&run->errors, NULL, 0, drvname, "loading failed: %s",
				 strerror(-r));
		return r;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", d->bdf);
	r = host_write(ctx, run->host, path, drvname);
	if (r < 0) {
		epdma_errors_add(&run->errors, NULL, 0, path, "write failed: %s", strerror(-r));
		return r;
	}
	*overridden = true;
	r = host_write(ctx, run->host, "/sys/bus/pci/drivers_probe", d->bdf);
	if (r < 0) {
		epdma_errors_add(&run->errors, NULL, 0, "/sys/bus/pci/drivers_probe",
				 "write of %s failed: %s", d->bdf, strerror(-r));
		return r;
	}
	/* The probe is asynchronous and may wait 2 s for the endpoint's READY bit. */
	deadline = now_ms() + cfg->host.settle_timeout_ms;
	for (;;) {
		if (epdma_pci_driver(ctx, d->bdf, drv, sizeof(drv)) == 0 && !strcmp(drv, drvname) &&
		    count_channels(ctx, d->bdf, run->host) >= (int)want)
			return 0;
		if (now_ms() >= deadline)
			break;
		sleep_ms(50);
	}
	epdma_errors_add(&run->errors, NULL, 0, d->bdf,
			 "%s did not bind it with %u channels within %u ms: a host kernel "
			 "without part 1 of the PCI endpoint DMA series accepts driver_override "
			 "and drivers_probe and binds nothing (kernel-abi.md §5); also check "
			 "the kernel log for a probe error",
			 drvname, want, cfg->host.settle_timeout_ms);
	return -ETIMEDOUT;
}

static void transport_options(const struct epdma_config *cfg, const char *bdf, char *buf,
			      size_t size)
{
	snprintf(buf, size, "%s=%s max_mw_size=%llu transport_mtu=%u max_num_clients=%u",
		 cfg->transport.bdf_param, bdf, (unsigned long long)cfg->transport.max_mw_size,
		 cfg->transport.transport_mtu, cfg->transport.max_num_clients);
}

/* Give the transport the DMA function's BDF: insert it, or write its parameter. */
static int hand_over(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		     struct epdma_modules *mods, const char *bdf, unsigned int flags,
		     bool *inserted, struct epdma_run *run)
{
	char name[64], path[192], cur[64], opts[256];
	int r;

	epdma_module_name(cfg->transport.module, name, sizeof(name));
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", name,
		 cfg->transport.bdf_param);
	if (epdma_module_loaded(ctx, name)) {
		if (epdma_fs_read(ctx, path, cur, sizeof(cur)) >= 0 && !strcmp(cur, bdf))
			return 0;
		r = host_write(ctx, run->host, path, bdf);
		if (r < 0)
			epdma_errors_add(&run->errors, NULL, 0, path,
					 "%s is loaded and its %s cannot be written (%s)%s", name,
					 cfg->transport.bdf_param, strerror(-r),
					 flags & EPDMA_F_FORCE ? "" : "; reload it with the BDF");
		return r;
	}
	transport_options(cfg, bdf, opts, sizeof(opts));
	r = epdma_module_load(mods, name, opts);
	if (r < 0) {
		epdma_errors_add(&run->errors, NULL, 0, name, "insert with \"%s\" failed: %s", opts,
				 strerror(-r));
		return r;
	}
	*inserted = true;
	run->host->writes++;
	step(run->host, "insert module %s %s", name, opts);
	return 0;
}

/* /run/modprobe.d/epdma.conf: later loads of the transport get the same options. */
static int write_snippet(struct epdma_ctx *ctx, const struct epdma_config *cfg, const char *bdf,
			 struct epdma_run *run)
{
	char name[64], opts[256], want[400], cur[400];
	int r;

	epdma_module_name(cfg->transport.module, name, sizeof(name));
	transport_options(cfg, bdf, opts, sizeof(opts));
	snprintf(want, sizeof(want), "# written by epdma setup\noptions %s %s", name, opts);
	if (epdma_fs_read(ctx, MODPROBE_SNIPPET, cur, sizeof(cur)) >= 0 && !strcmp(cur, want))
		return 0;
	r = epdma_fs_mkdir_p(ctx, "/run/modprobe.d", 0755);
	if (r == 0) {
		_cleanup_free_ char *text = epdma_strdup_printf("%s\n", want);
		int fd = text ? epdma_fs_open(ctx, MODPROBE_SNIPPET, O_WRONLY | O_CREAT | O_TRUNC,
					      0644)
			      : -ENOMEM;

		if (fd >= 0) {
			r = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -EIO;
			close(fd);
		} else {
			r = fd;
		}
	}
	run->host->writes++;
	step(run->host, "write %s", MODPROBE_SNIPPET);
	if (r < 0)
		epdma_errors_add(&run->errors, MODPROBE_SNIPPET, 0, NULL, "cannot write: %s",
				 strerror(-r));
	return r;
}

/* What epdma changed, for teardown: "override <bdf>", "inserted <module>". */
static int write_record(struct epdma_ctx *ctx, const char *override_bdf, const char *module)
{
	_cleanup_free_ char *text = epdma_strdup_printf(
		"%s%s%s%s%s%s", override_bdf ? "override " : "", override_bdf ? override_bdf : "",
		override_bdf ? "\n" : "", module ? "inserted " : "", module ? module : "",
		module ? "\n" : "");
	int fd, r;

	if (!text)
		return -ENOMEM;
	r = epdma_fs_mkdir_p(ctx, "/run/epdma", 0755);
	if (r < 0)
		return r;
	fd = epdma_fs_open(ctx, HOST_RECORD, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	r = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -EIO;
	close(fd);
	return r;
}

static void undo_override(struct epdma_ctx *ctx, const char *bdf, struct epdma_run *run)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	/* "\n" clears it (drivers/base/driver.c driver_set_override). */
	if (host_write(ctx, run->host, path, "\n") < 0)
		run->rollback_incomplete = true;
	else
		run->undone++;
}

static int host_bind(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		     struct epdma_run *run)
{
	const struct epdma_host *h = run->host;
	const char *dma = h->candidates[h->dma].bdf;
	struct epdma_modules *mods = NULL;
	bool overridden = false, inserted = false;
	char name[64];
	int r = epdma_modules_new(ctx, &mods);

	if (r < 0) {
		epdma_errors_add(&run->errors, NULL, 0, "modules",
				 "cannot read the module index: %s", strerror(-r));
		return r;
	}
	r = vntb_driver(ctx, mods, &h->candidates[h->vntb], run);
	if (r == 0)
		r = bind_dma(ctx, cfg, mods, &h->candidates[h->dma], &overridden, run);
	if (r == 0)
		r = hand_over(ctx, cfg, mods, dma, flags, &inserted, run);
	if (r == 0)
		r = write_snippet(ctx, cfg, dma, run);
	epdma_module_name(cfg->transport.module, name, sizeof(name));
	if (r == 0 && (overridden || inserted))
		run->record_error = write_record(ctx, overridden ? dma : NULL,
						 inserted ? name : NULL);
	else if (r < 0 && overridden)
		undo_override(ctx, dma, run); /* never leave a stale driver_override */
	epdma_modules_free(mods);
	return r;
}

int epdma_host_setup(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		     unsigned int wait_ms, struct epdma_run *run)
{
	int r;

	run->role = EPDMA_ROLE_HOST;
	run->host = epdma_host_new();
	if (!run->host)
		return epdma_run_finish(run, -ENOMEM);
	r = find_with_rescan(ctx, cfg, wait_ms, run);
	if (r < 0)
		return epdma_run_finish(run, run->host->writes ? r : -EPERM);
	return epdma_run_finish(run, host_bind(ctx, cfg, flags, run));
}
