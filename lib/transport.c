// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NTB transport on both ends: the same module with the same shared
 * parameters ([transport]), then its clients (ntb_netdev). ntb_transport
 * exchanges its version, queue count and memory-window sizes through the
 * scratchpads and retries silently every 10 ms while they disagree
 * (ntb_transport.c:1086-1113, v6.12): a mismatch is a link that never comes
 * up and never says why, so both ends get their values from one config and
 * the comparison names each difference.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transport.h"

/* One parameter the transport gets: name and value as module options write it. */
struct param {
	char name[64];
	char value[64];
	bool number;
};

static size_t transport_params(const struct epdma_config *cfg, enum epdma_role role,
			       const char *bdf, struct param *p)
{
	size_t n = 0;

	snprintf(p[n].name, sizeof(p[n].name), "max_num_clients");
	snprintf(p[n].value, sizeof(p[n].value), "%u", cfg->transport.max_num_clients);
	p[n++].number = true;
	snprintf(p[n].name, sizeof(p[n].name), "max_mw_size");
	snprintf(p[n].value, sizeof(p[n].value), "%llu",
		 (unsigned long long)cfg->transport.max_mw_size);
	p[n++].number = true;
	snprintf(p[n].name, sizeof(p[n].name), "transport_mtu");
	snprintf(p[n].value, sizeof(p[n].value), "%u", cfg->transport.transport_mtu);
	p[n++].number = true;
	/* The BDF is the host's business: the endpoint's transport has no DMA function to use. */
	if (role == EPDMA_ROLE_HOST && bdf && *bdf) {
		snprintf(p[n].name, sizeof(p[n].name), "%s", cfg->transport.bdf_param);
		snprintf(p[n].value, sizeof(p[n].value), "%s", bdf);
		p[n++].number = false;
	}
	return n;
}

static void options_text(const struct param *p, size_t n, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s=%s", i ? " " : "", p[i].name,
					p[i].value);
}

/* Later loads (a reboot of the transport, modprobe by hand) get the same options. */
static int write_modprobe_conf(struct epdma_ctx *ctx, const char *module, const char *options)
{
	_cleanup_free_ char *text = epdma_strdup_printf(
		"# Written by epdma: the shared NTB transport parameters of [transport].\n"
		"options %s %s\n",
		module, options);
	char old[512];
	ssize_t n;
	int fd, r = 0;

	if (!text)
		return -ENOMEM;
	/* Already so (a converged run): nothing written. */
	n = epdma_fs_read_raw(ctx, EPDMA_TRANSPORT_MODPROBE_CONF, old, sizeof(old));
	if (n == (ssize_t)strlen(text) && !memcmp(old, text, (size_t)n))
		return 0;
	r = epdma_fs_mkdir_p(ctx, "/run/modprobe.d", 0755);
	if (r < 0 && r != -EEXIST)
		return r;
	fd = epdma_fs_open(ctx, EPDMA_TRANSPORT_MODPROBE_CONF ".tmp",
			   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return fd;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		r = -EIO;
	close(fd);
	if (r == 0) {
		_cleanup_free_ char *from = epdma_fs_path(ctx,
							  EPDMA_TRANSPORT_MODPROBE_CONF ".tmp");
		_cleanup_free_ char *to = epdma_fs_path(ctx, EPDMA_TRANSPORT_MODPROBE_CONF);

		r = from && to ? (rename(from, to) < 0 ? -errno : 0) : -ENOMEM;
	}
	return r;
}

/* A line of the text index PATH names module WANT (modules.dep "path: deps", modules.builtin
 * "path"). */
static bool index_lists(const char *path, const char *want)
{
	char line[1024];
	bool found = false;
	FILE *f = path ? fopen(path, "re") : NULL;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *base, mod[128];

		line[strcspn(line, ":\n")] = '\0';
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		base[strcspn(base, ".")] = '\0';
		epdma_module_name(base, mod, sizeof(mod));
		found = !strcmp(mod, want);
	}
	fclose(f);
	return found;
}

/*
 * Whether depmod listed module NAME for this kernel (modules.dep and
 * modules.builtin, the text indexes): one that is not there is not
 * installed, and finding that out needs no libkmod (an endpoint setup whose
 * modules are all loaded or absent never maps it).
 */
static bool module_installed(struct epdma_ctx *ctx, const char *name)
{
	char release[128], want[128], rel[256];
	_cleanup_free_ char *dep = NULL, *builtin = NULL;

	if (epdma_kernel_release(ctx, release, sizeof(release)) < 0)
		return true; /* let libkmod answer */
	epdma_module_name(name, want, sizeof(want));
	snprintf(rel, sizeof(rel), "/lib/modules/%s/modules.dep", release);
	dep = epdma_fs_path(ctx, rel);
	if (dep && access(dep, R_OK) < 0)
		return true; /* no text index: let libkmod answer */
	snprintf(rel, sizeof(rel), "/lib/modules/%s/modules.builtin", release);
	builtin = epdma_fs_path(ctx, rel);
	return index_lists(dep, want) || index_lists(builtin, want);
}

static int param_read(struct epdma_ctx *ctx, const char *mod, const char *name, char *buf,
		      size_t size)
{
	char path[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, name);
	n = epdma_fs_read(ctx, path, buf, size);
	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\n")] = '\0'; /* a charp keeps the newline of its store */
	return 0;
}

static bool param_equal(const struct param *p, const char *live)
{
	uint64_t a, b;

	if (!p->number)
		return !strcmp(p->value, live);
	return epdma_parse_u64(p->value, &a) == 0 && epdma_parse_u64(live, &b) == 0 && a == b;
}

struct ensure {
	struct epdma_ctx *ctx;
	const struct epdma_config *cfg;
	struct epdma_run *run;
	struct epdma_modules *mods;
	char mod[128];
	struct param params[4];
	size_t nparams;
	char options[512];
	int kmsg; /* /dev/kmsg from just before the first change, -1 none yet */
};

/* What the kernel logs from here on is the step's (step_causes()): opened only
 * before a change, which a run that finds the transport as configured makes none of. */
static void kmsg_mark(struct ensure *e)
{
	if (e->kmsg < 0)
		e->kmsg = epdma_kmsg_open(e->ctx);
}

/* The module index, for a load or a removal (a change: kmsg_mark()). */
static int modules_open(struct ensure *e)
{
	int r;

	kmsg_mark(e);
	r = e->mods ? 0 : epdma_modules_new(e->ctx, &e->mods);

	if (r < 0)
		epdma_errors_add(&e->run->errors, NULL, 0, "modules",
				 "cannot read the module index: %s", strerror(-r));
	return r;
}

/* A loaded transport: write what differs; what cannot be written goes to STUCK. */
static int params_adjust(struct ensure *e, char *stuck, size_t size)
{
	size_t changed = 0, len = 0;

	stuck[0] = '\0';
	for (size_t i = 0; i < e->nparams; i++) {
		const struct param *p = &e->params[i];
		char live[128], path[256];
		int r = param_read(e->ctx, e->mod, p->name, live, sizeof(live));

		if (r < 0) {
			epdma_checks_add(
				&e->run->transport, "transport parameter", EPDMA_CHECK_WARN,
				"set [transport] module to the transport that has it",
				"%s has no parameter %s (%s)", e->mod, p->name, strerror(-r));
			continue;
		}
		if (param_equal(p, live))
			continue;
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", e->mod, p->name);
		kmsg_mark(e);
		r = epdma_fs_write(e->ctx, path, p->value);
		if (r == 0) {
			epdma_checks_add(&e->run->transport, "transport parameter",
					 EPDMA_CHECK_PASS, NULL, "%s %s: %s -> %s", e->mod, p->name,
					 live, p->value);
			e->run->transport_changes++;
			changed++;
			continue;
		}
		if (len < size)
			len += (size_t)snprintf(stuck + len, size - len, "%s%s=%s (config %s, %s)",
						len ? ", " : "", p->name, live, p->value,
						strerror(-r));
	}
	return (int)changed;
}

static int reload(struct ensure *e)
{
	char why[96];
	int r;

	if (epdma_module_busy(e->ctx, e->mod, why, sizeof(why))) {
		epdma_errors_addr(&e->run->errors, EPDMA_REASON_MODULE_IN_USE, e->mod,
				  "is in use (%s): not reloaded", why);
		return -EBUSY;
	}
	r = modules_open(e);
	if (r == 0)
		r = epdma_module_remove(e->mods, e->mod);
	if (r == -EWOULDBLOCK) {
		epdma_errors_add(&e->run->errors, NULL, 0, e->mod,
				 "the kernel refused to remove it: in use");
		return -EBUSY;
	}
	if (r < 0) {
		epdma_errors_add(&e->run->errors, NULL, 0, e->mod, "removing it failed: %s",
				 strerror(-r));
		return r;
	}
	e->run->transport_changes++;
	return 1;
}

static int insert(struct ensure *e)
{
	int r = modules_open(e);

	if (r == 0)
		r = epdma_module_load(e->mods, e->mod, e->options);
	if (r < 0) {
		epdma_errors_add(&e->run->errors, NULL, 0, e->mod, "loading it with %s failed: %s",
				 e->options, strerror(-r));
		return r;
	}
	epdma_checks_add(&e->run->transport, "transport module", EPDMA_CHECK_PASS, NULL,
			 "%s loaded with %s", e->mod, e->options);
	e->run->transport_changes++;
	return 0;
}

static int ensure_transport(struct ensure *e, unsigned int flags)
{
	char stuck[512];
	int r;

	if (!epdma_module_loaded(e->ctx, e->mod)) {
		if (!module_installed(e->ctx, e->mod)) {
			epdma_checks_add(
				&e->run->transport, "transport module", EPDMA_CHECK_WARN,
				"install it, or set [transport] module",
				"%s is not installed for this kernel: the NTB device has no "
				"transport",
				e->mod);
			return 1; /* nothing for the clients to sit on */
		}
		return insert(e);
	}
	r = params_adjust(e, stuck, sizeof(stuck));
	if (!stuck[0]) {
		if (r == 0)
			epdma_checks_add(&e->run->transport, "transport module", EPDMA_CHECK_PASS,
					 NULL, "%s loaded with the config's values", e->mod);
		return 0;
	}
	if (!(flags & EPDMA_F_FORCE)) {
		epdma_errors_addr(
			&e->run->errors, EPDMA_REASON_MODULE_RELOAD, e->mod,
			"loaded with %s: read-only parameters, only a reload changes them", stuck);
		return -EPERM;
	}
	r = reload(e);
	return r < 0 ? r : insert(e);
}

static void ensure_clients(struct ensure *e)
{
	char list[sizeof(e->cfg->transport.clients)], *save = NULL;

	snprintf(list, sizeof(list), "%s", e->cfg->transport.clients);
	for (char *c = strtok_r(list, " ,", &save); c; c = strtok_r(NULL, " ,", &save)) {
		int r;

		if (epdma_module_loaded(e->ctx, c)) {
			epdma_checks_add(&e->run->transport, "transport client", EPDMA_CHECK_PASS,
					 NULL, "%s already loaded", c);
			continue;
		}
		if (!module_installed(e->ctx, c)) {
			epdma_checks_add(&e->run->transport, "transport client", EPDMA_CHECK_WARN,
					 "install it, or change [transport] clients",
					 "%s is not installed for this kernel", c);
			continue;
		}
		r = modules_open(e);
		if (r == 0)
			r = epdma_module_load(e->mods, c, NULL);
		if (r < 0)
			epdma_checks_add(&e->run->transport, "transport client", EPDMA_CHECK_FAIL,
					 NULL, "loading %s failed: %s", c, strerror(-r));
		else
			epdma_checks_add(&e->run->transport, "transport client", EPDMA_CHECK_PASS,
					 NULL, "%s loaded", c);
		e->run->transport_changes += r == 0;
	}
}

/*
 * The endpoint's NTB device (the vNTB bind registers it, named after the
 * virtual PCI device 0000:<vbus_number>:00.0): the transport attaches to it.
 * Any other NTB device on the bus is left from an earlier vNTB bind of this
 * boot: 6.12 keeps it registered after the unlink (vntb_pci_driver has no
 * .remove, pci-epf-vntb.c:1270-1274) in the epf_ntb that removing the
 * function freed, and a transport loaded now would probe it too (every NTB
 * client binds every NTB device): not loaded then, with why.
 */
static bool ntb_device_present(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			       struct epdma_run *run)
{
	/* The domain is the platform's (0000 on x86, a dynamic one on arm64): the bus
	 * decides, as for the link (lib/link.c). */
	struct epdma_link_want want = EPDMA_LINK_WANT_BUS(cfg->vntb.vbus_number & 0xff);
	char **names = NULL, ours[64] = "", stale[128] = "";
	bool found = false;

	if (epdma_fs_list(ctx, "/sys/bus/ntb/devices", &names) < 0)
		names = NULL;
	for (size_t i = 0; names && names[i]; i++) {
		size_t len = strlen(stale);
		char path[320], drv[64];

		if (!found && epdma_link_wants(&want, names[i])) {
			found = true;
			snprintf(ours, sizeof(ours), "%s", names[i]);
			continue;
		}
		/* An NTB device whose PCI device another driver holds (ntb_hw_epf of a
		 * host side in the same kernel, an NTB adapter) is live, not a vNTB's
		 * leftover: a leftover's virtual PCI device is unbound or pci-vntb's. */
		snprintf(path, sizeof(path), "/sys/bus/ntb/devices/%s/../driver", names[i]);
		if (epdma_fs_link_basename(ctx, path, drv, sizeof(drv)) >= 0 &&
		    strcmp(drv, "pci-vntb"))
			continue;
		if (len < sizeof(stale))
			snprintf(stale + len, sizeof(stale) - len, "%s%s", len ? ", " : "",
				 names[i]);
	}
	epdma_strv_free(names);
	if (found && stale[0]) {
		epdma_checks_add(&run->transport, "ntb device", EPDMA_CHECK_WARN,
				 "reboot before the transport is loaded",
				 "%s, and %s left from an earlier vNTB bind of this boot (the "
				 "kernel keeps it in freed memory): epdma does not load or change "
				 "the transport, which binds every NTB device",
				 ours, stale);
		return false;
	}
	if (found)
		epdma_checks_add(&run->transport, "ntb device", EPDMA_CHECK_PASS, NULL, "%s", ours);
	else
		epdma_checks_add(&run->transport, "ntb device", EPDMA_CHECK_WARN,
				 "epdmactl doctor reads the kernel log for why",
				 "no NTB device on virtual bus %02x (/sys/bus/ntb) after start: "
				 "the vNTB function did not register one; the transport was not "
				 "loaded",
				 cfg->vntb.vbus_number & 0xff);
	return found;
}

/* A failed transport step: the known causes of what the kernel logged meanwhile. */
static void step_causes(int kmsg, int r, struct epdma_run *run)
{
	struct epdma_kmsg_record *recs = NULL;
	size_t n = 0;

	if (r >= 0)
		return;
	if (epdma_kmsg_read(kmsg, &recs, &n) >= 0)
		epdma_run_add_causes(run, recs, n);
	epdma_kmsg_records_free(recs, n);
}

int epdma_transport_ensure(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			   enum epdma_role role, const char *bdf, unsigned int flags,
			   struct epdma_run *run)
{
	struct ensure e = { .ctx = ctx, .cfg = cfg, .run = run, .kmsg = -1 };
	int r;

	if (role == EPDMA_ROLE_ENDPOINT && !ntb_device_present(ctx, cfg, run))
		return 0;
	epdma_module_name(cfg->transport.module, e.mod, sizeof(e.mod));
	e.nparams = transport_params(cfg, role, bdf, e.params);
	options_text(e.params, e.nparams, e.options, sizeof(e.options));
	r = write_modprobe_conf(ctx, e.mod, e.options);
	if (r < 0)
		epdma_checks_add(&run->transport, "modprobe.d", EPDMA_CHECK_WARN, NULL,
				 "cannot write " EPDMA_TRANSPORT_MODPROBE_CONF ": %s",
				 strerror(-r));
	r = ensure_transport(&e, flags);
	if (r == 0)
		ensure_clients(&e);
	epdma_modules_free(e.mods);
	if (e.kmsg >= 0) {
		step_causes(e.kmsg, r, run);
		close(e.kmsg);
	}
	return r < 0 ? r : 0;
}

/* ---- before teardown ---- */

#define MAX_CLIENTS 16

/* Whether MOD's holders are all among NAMES[0..N). */
static bool held_only_by(struct epdma_ctx *ctx, const char *mod, char names[][128], size_t n)
{
	char path[192], **holders = NULL;
	bool only = true;

	snprintf(path, sizeof(path), "/sys/module/%s/holders", mod);
	if (epdma_fs_list(ctx, path, &holders) < 0)
		return true;
	for (char **h = holders; *h && only; h++) {
		size_t k = 0;

		while (k < n && strcmp(*h, names[k]))
			k++;
		only = k < n;
	}
	epdma_strv_free(holders);
	return only;
}

/*
 * 6.12's vNTB unbind leaves its NTB device registered: vntb_pci_driver has no
 * .remove (pci-epf-vntb.c:1270-1274) and epf_ntb_unbind() only unregisters the
 * driver (pci-epf-vntb.c:1352-1360); rmdir of the function then frees the
 * epf_ntb that embeds the ntb_dev (devm_kzalloc in epf_ntb_probe()). A
 * transport or client removed after that detaches through the vNTB's ops on
 * freed memory (ntb_transport_free(), ntb_netdev_remove()): they go first.
 */
int epdma_transport_remove(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			   struct epdma_run *run)
{
	char mod[128], clients[MAX_CLIENTS][128], list[sizeof(cfg->transport.clients)];
	char *save = NULL, **devs = NULL;
	size_t n = 0;
	bool ntb;

	epdma_module_name(cfg->transport.module, mod, sizeof(mod));
	if (!epdma_module_loaded(ctx, mod))
		return 0;
	ntb = epdma_fs_list(ctx, "/sys/bus/ntb/devices", &devs) >= 0 && devs[0];
	epdma_strv_free(devs);
	if (!ntb)
		return 0; /* bound to nothing: nothing to protect */
	snprintf(list, sizeof(list), "%s", cfg->transport.clients);
	for (char *c = strtok_r(list, " ,", &save); c && n < MAX_CLIENTS;
	     c = strtok_r(NULL, " ,", &save)) {
		epdma_module_name(c, clients[n], sizeof(clients[n]));
		n += epdma_module_loaded(ctx, clients[n]);
	}
	/* Refuse before removing anything: a client held by anything, the transport
	 * held by anything but these clients. */
	for (size_t i = 0; i <= n; i++) {
		const char *m = i < n ? clients[i] : mod;
		char why[96];

		if (i < n ? !epdma_module_busy(ctx, m, why, sizeof(why))
			  : held_only_by(ctx, m, clients, n))
			continue;
		if (i == n)
			snprintf(why, sizeof(why),
				 "held by a module that is not a [transport] client");
		epdma_errors_addr(&run->errors, EPDMA_REASON_MODULE_IN_USE, m,
				  "is in use (%s): teardown removes the NTB transport and its "
				  "clients before it unlinks the vNTB function",
				  why);
		return -EBUSY;
	}
	/* The clients, last named first, then the transport they hold. */
	for (size_t i = 0; i <= n; i++) {
		const char *m = i < n ? clients[n - 1 - i] : mod;
		int r = epdma_module_unload(ctx, m);

		if (r < 0) {
			epdma_errors_add(&run->errors, NULL, 0, m,
					 "removing it before the vNTB unlink failed: %s",
					 strerror(-r));
			return r;
		}
		epdma_checks_add(&run->transport, i < n ? "transport client" : "transport module",
				 EPDMA_CHECK_PASS, NULL, "%s removed", m);
		run->transport_changes++;
	}
	return 0;
}

/* ---- both ends' scratchpads ---- */

static void mismatch(struct epdma_checks *out, const char *name, const char *hint, const char *what,
		     unsigned long long host, unsigned long long ep, bool hex)
{
	epdma_checks_add(out, name, EPDMA_CHECK_FAIL, hint,
			 hex ? "%s: host 0x%llx, endpoint 0x%llx: the link never comes up"
			     : "%s: host %llu, endpoint %llu: the link never comes up",
			 what, host, ep);
}

int epdma_transport_compare(const struct epdma_transport_spads *host,
			    const struct epdma_transport_spads *ep, const struct epdma_config *cfg,
			    struct epdma_checks *out)
{
	size_t before = out->count;
	int n = 0;

	if (host->state != EPDMA_TRANSPORT_WRITTEN || ep->state != EPDMA_TRANSPORT_WRITTEN) {
		epdma_checks_add(out, "transport scratchpads", EPDMA_CHECK_SKIP, NULL,
				 "the %s transport has not written its scratchpads (yet)",
				 host->state != EPDMA_TRANSPORT_WRITTEN ? "host's" : "endpoint's");
		return 0;
	}
	if (host->version != ep->version)
		mismatch(out, "transport version", "load the same transport version on both ends",
			 "ntb_transport protocol version", host->version, ep->version, false);
	if (host->num_qps != ep->num_qps)
		mismatch(out, "transport queues",
			 "set the same [transport] max_num_clients on both ends (the queue count "
			 "is max_num_clients when below the doorbell count, else the MW count: "
			 "ntb_transport.c:1362-1365)",
			 "queue pairs", host->num_qps, ep->num_qps, false);
	if (host->num_mws != ep->num_mws)
		mismatch(out, "transport MWs", "[vntb] num_mws (and spad_count >= 4 + 2 * num_mws)",
			 "memory windows", host->num_mws, ep->num_mws, false);
	for (uint32_t i = 0; i < host->num_mws && i < ep->num_mws && i < EPDMA_VNTB_MAX_MWS; i++) {
		char name[32], what[32];

		if (host->mw_size[i] == ep->mw_size[i])
			continue;
		snprintf(name, sizeof(name), "transport MW%u size", i + 1);
		snprintf(what, sizeof(what), "MW%u size", i + 1);
		mismatch(out, name,
			 "set the same [transport] max_mw_size on both ends, and "
			 "[vntb] mwN to at least that",
			 what, (unsigned long long)host->mw_size[i],
			 (unsigned long long)ep->mw_size[i], true);
	}
	n = (int)(out->count - before);
	if (n == 0)
		epdma_checks_add(out, "transport scratchpads", EPDMA_CHECK_PASS, NULL,
				 "version %u, %u queue%s, %u MW%s on both ends (max_mw_size %llu)",
				 host->version, host->num_qps, host->num_qps == 1 ? "" : "s",
				 host->num_mws, host->num_mws == 1 ? "" : "s",
				 (unsigned long long)cfg->transport.max_mw_size);
	return n;
}
