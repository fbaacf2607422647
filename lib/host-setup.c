// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host setup and plan: bind the selected pair and hand the DMA function to
 * the transport (kernel-abi.md §4, design.md "Host role" 3-4).
 *
 * ntb_hw_epf binds the vNTB function by PCI ID only; dw-edma-pcie binds the
 * DMA function only through driver_override + drivers_probe, and its probe
 * is asynchronous (up to 2 s for the endpoint's READY): wait for the driver
 * link and the channels, never assume the write finished it. A host kernel
 * without part 1 of the DMA series accepts both writes and binds nothing.
 *
 * Setup is a plan (struct epdma_host_op, computed from what the kernel shows
 * now; refusals before any write) and its transactional apply: when a step
 * fails, every step this run made is undone in reverse (modules it inserted
 * removed, driver_override cleared, a parameter it wrote restored). What
 * epdma changed is recorded ahead in /run/epdma/host for teardown.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

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

const char *epdma_host_op_name(enum epdma_host_op_type type)
{
	static const char *const names[] = {
		[EPDMA_HOST_OP_RESCAN] = "rescan", [EPDMA_HOST_OP_LOAD] = "load",
		[EPDMA_HOST_OP_PROBE] = "probe",   [EPDMA_HOST_OP_OVERRIDE] = "override",
		[EPDMA_HOST_OP_REMOVE] = "remove", [EPDMA_HOST_OP_INSERT] = "insert",
		[EPDMA_HOST_OP_PARAM] = "param",   [EPDMA_HOST_OP_SNIPPET] = "snippet",
		[EPDMA_HOST_OP_UNBIND] = "unbind", [EPDMA_HOST_OP_CLEAR] = "clear",
	};

	return type < ARRAY_SIZE(names) && names[type] ? names[type] : "?";
}

void epdma_host_op_describe(const struct epdma_host_op *op, char *buf, size_t size)
{
	switch (op->type) {
	case EPDMA_HOST_OP_RESCAN:
		snprintf(buf, size, "write 1 to /sys/bus/pci/rescan");
		break;
	case EPDMA_HOST_OP_LOAD:
		snprintf(buf, size, "load module %s%s%s", op->target, op->value[0] ? " for " : "",
			 op->value);
		break;
	case EPDMA_HOST_OP_PROBE:
		snprintf(buf, size, "write %s to /sys/bus/pci/drivers_probe (for %s)", op->target,
			 op->value);
		break;
	case EPDMA_HOST_OP_OVERRIDE:
		snprintf(buf, size, "write %s to /sys/bus/pci/devices/%s/driver_override",
			 op->value, op->target);
		break;
	case EPDMA_HOST_OP_REMOVE:
		snprintf(buf, size, "remove module %s", op->target);
		break;
	case EPDMA_HOST_OP_INSERT:
		snprintf(buf, size, "insert module %s %s", op->target, op->value);
		break;
	case EPDMA_HOST_OP_PARAM:
		snprintf(buf, size, "write %s to %s (was %s)", op->value, op->target,
			 op->old[0] ? op->old : "empty");
		break;
	case EPDMA_HOST_OP_SNIPPET:
		snprintf(buf, size, "%s %s", op->value[0] ? "write" : "remove", op->target);
		break;
	case EPDMA_HOST_OP_UNBIND:
		snprintf(buf, size, "write %s to /sys/bus/pci/drivers/%s/unbind", op->target,
			 op->value);
		break;
	case EPDMA_HOST_OP_CLEAR:
		snprintf(buf, size, "clear /sys/bus/pci/devices/%s/driver_override", op->target);
		break;
	}
}

struct epdma_host_op *epdma_host_op_add(struct epdma_run *run, enum epdma_host_op_type type,
					const char *target, const char *value, const char *old)
{
	struct epdma_host *h = run->host;
	struct epdma_host_op *op;

	if (h->nops == ARRAY_SIZE(h->ops)) {
		epdma_errors_add(&run->errors, NULL, 0, NULL,
				 "more than %zu host operations: not planned", ARRAY_SIZE(h->ops));
		return NULL;
	}
	op = &h->ops[h->nops++];
	memset(op, 0, sizeof(*op));
	op->type = type;
	snprintf(op->target, sizeof(op->target), "%s", target);
	snprintf(op->value, sizeof(op->value), "%s", value ? value : "");
	snprintf(op->old, sizeof(op->old), "%s", old ? old : "");
	return op;
}

/* DDDD:BB:SS.F in lower-case hex: the only form epdma hands to a module or to sysfs. */
bool epdma_host_bdf_valid(const char *bdf)
{
	static const char form[] = "xxxx:xx:xx.x";

	if (strlen(bdf) != sizeof(form) - 1)
		return false;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'x' ? !strchr("0123456789abcdef", bdf[i]) : bdf[i] != form[i])
			return false;
	return bdf[10] <= '7' && bdf[8] <= '1';
}

int epdma_host_count_channels(struct epdma_ctx *ctx, const char *bdf, struct epdma_host *h)
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

/* A file of epdma's own (under /run), replaced whole; TEXT "" removes it. */
int epdma_host_write_file(struct epdma_ctx *ctx, const char *path, const char *text)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	int fd, r;

	if (!dir)
		return -ENOMEM;
	if (!text[0]) {
		r = epdma_fs_unlink(ctx, path);
		return r == -ENOENT || r == -ENOTDIR ? 0 : r; /* not there: nothing to remove */
	}
	if (slash) {
		*slash = '\0';
		r = epdma_fs_mkdir_p(ctx, dir, 0755);
		if (r < 0)
			return r;
	}
	fd = epdma_fs_open(ctx, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fd;
	r = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* ---- the ownership record: /run/epdma/host ---- */

/* A client module in REC once, in the order noted. */
static void record_client(struct epdma_host_record *rec, const char *module)
{
	for (size_t i = 0; i < rec->nclients; i++)
		if (!strcmp(rec->clients[i], module))
			return;
	if (rec->nclients < EPDMA_HOST_RECORD_CLIENTS)
		snprintf(rec->clients[rec->nclients++], sizeof(rec->clients[0]), "%s", module);
}

void epdma_host_record_read(struct epdma_ctx *ctx, struct epdma_host_record *rec)
{
	char text[1024];
	char *save = NULL;

	memset(rec, 0, sizeof(*rec));
	if (epdma_fs_read(ctx, EPDMA_HOST_RECORD, text, sizeof(text)) < 0)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "override ", 9))
			snprintf(rec->override_bdf, sizeof(rec->override_bdf), "%s", line + 9);
		else if (!strncmp(line, "inserted ", 9))
			snprintf(rec->inserted, sizeof(rec->inserted), "%s", line + 9);
		else if (!strncmp(line, "param ", 6)) {
			/* "param <path> <old value>" (the value may be empty) */
			char *sp = strchr(line + 6, ' ');

			if (sp)
				*sp = '\0';
			snprintf(rec->param_path, sizeof(rec->param_path), "%s", line + 6);
			snprintf(rec->param_old, sizeof(rec->param_old), "%s", sp ? sp + 1 : "");
		} else if (!strncmp(line, "client ", 7) &&
			   rec->nclients < EPDMA_HOST_RECORD_CLIENTS)
			record_client(rec, line + 7);
	}
}

int epdma_host_record_write(struct epdma_ctx *ctx, const struct epdma_host_record *rec)
{
	char text[1024 + EPDMA_HOST_RECORD_CLIENTS * 72];
	size_t n;

	n = (size_t)snprintf(text, sizeof(text), "%s%s%s%s%s%s%s%s%s%s%s",
			     rec->override_bdf[0] ? "override " : "", rec->override_bdf,
			     rec->override_bdf[0] ? "\n" : "", rec->inserted[0] ? "inserted " : "",
			     rec->inserted, rec->inserted[0] ? "\n" : "",
			     rec->param_path[0] ? "param " : "", rec->param_path,
			     rec->param_path[0] ? " " : "", rec->param_old,
			     rec->param_path[0] ? "\n" : "");
	for (size_t i = 0; i < rec->nclients && n < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "client %s\n", rec->clients[i]);
	return epdma_host_write_file(ctx, EPDMA_HOST_RECORD, text);
}

/* ---- the last verified pairing: /run/epdma/host-verified ---- */

/* "verified <seconds>" then "<name>\t<result>\t<message>" per check. */
static int write_verified(struct epdma_ctx *ctx, const struct epdma_checks *checks)
{
	size_t size = 64 + checks->count * 320, n;
	_cleanup_free_ char *text = malloc(size);
	bool read_bars = false;

	if (!text)
		return -ENOMEM;
	n = (size_t)snprintf(text, size, "verified %lld\n", (long long)time(NULL));
	for (size_t i = 0; i < checks->count && n < size; i++) {
		const struct epdma_check *c = &checks->items[i];

		if (strcmp(c->name, "card") && strncmp(c->name, "pair ", 5))
			continue;
		read_bars |= c->result == EPDMA_CHECK_PASS &&
			     (!strcmp(c->name, "pair vntb control") ||
			      !strcmp(c->name, "pair dma metadata"));
		n += (size_t)snprintf(text + n, size - n, "%s\t%s\t%s\n", c->name,
				      epdma_check_result_name(c->result), c->message);
	}
	/* Only a run that read the BARs verified anything: keep the earlier proof. */
	return read_bars ? epdma_host_write_file(ctx, EPDMA_HOST_VERIFIED, text) : 0;
}

void epdma_host_verified_read(struct epdma_ctx *ctx, struct epdma_host *h)
{
	char text[4096], *save = NULL;
	long long t = 0;

	h->nverified = 0;
	h->verified_time = 0;
	if (epdma_fs_read(ctx, EPDMA_HOST_VERIFIED, text, sizeof(text)) < 0)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
		struct epdma_host_verified *v;

		if (sscanf(line, "verified %lld", &t) == 1) {
			h->verified_time = t;
			continue;
		}
		if (!tab2 || h->nverified == ARRAY_SIZE(h->verified))
			continue;
		*tab1 = *tab2 = '\0';
		v = &h->verified[h->nverified++];
		snprintf(v->name, sizeof(v->name), "%s", line);
		v->result = !strcmp(tab1 + 1, "pass")	? EPDMA_CHECK_PASS
			    : !strcmp(tab1 + 1, "warn") ? EPDMA_CHECK_WARN
			    : !strcmp(tab1 + 1, "skip") ? EPDMA_CHECK_SKIP
							: EPDMA_CHECK_FAIL;
		snprintf(v->message, sizeof(v->message), "%s", tab2 + 1);
	}
}

/* ---- finding the card, with rescans ---- */

/*
 * Kernel log lines that say why a function did not appear: BAR space, link
 * training; and the known causes in this boot's log (a rescan's BAR
 * assignment failures, setup-res.c:356-361).
 */
static void kernel_hints(struct epdma_ctx *ctx, struct epdma_run *run)
{
	struct epdma_host *h = run->host;
	static const char *const why[] = {
		"no space for",	 "failed to assign",
		"can't assign",	 "no space",
		"link down",	 "link never came up",
		"link training", "Data Link Layer Link Active",
		"not trained",	 "failed to train",
	};
	_cleanup_close_ int fd = epdma_fs_open(ctx, "/dev/kmsg", O_RDONLY | O_NONBLOCK, 0);
	struct epdma_kmsg_record *recs = NULL;
	size_t n = 0;

	h->nkernel_hints = 0;
	if (fd < 0)
		return;
	epdma_kmsg_read(fd, &recs, &n);
	for (size_t i = 0; i < n && h->nkernel_hints < ARRAY_SIZE(h->kernel_hints); i++)
		for (size_t k = 0; k < ARRAY_SIZE(why); k++)
			if (strcasestr(recs[i].text, why[k])) {
				snprintf(h->kernel_hints[h->nkernel_hints++],
					 sizeof(h->kernel_hints[0]), "%s", recs[i].text);
				break;
			}
	/* Out of memory here loses only the explanation: the failure itself is reported. */
	epdma_run_add_causes(run, recs, n);
	epdma_kmsg_records_free(recs, n);
}

static void copy_checks(struct epdma_checks *to, struct epdma_checks *from)
{
	for (size_t i = 0; i < from->count; i++) {
		epdma_checks_add(to, from->items[i].name, from->items[i].result,
				 from->items[i].hint, "%s", from->items[i].message);
		epdma_checks_set_reason(to, from->items[i].reason);
	}
	epdma_checks_clear(from);
}

static int rescan(struct epdma_ctx *ctx, struct epdma_run *run)
{
	struct epdma_host *h = run->host;
	struct epdma_host_op *op = NULL;
	int r;

	/* One operation in the list, however often the bus is rescanned. */
	for (size_t i = 0; i < h->nops; i++)
		if (h->ops[i].type == EPDMA_HOST_OP_RESCAN)
			op = &h->ops[i];
	if (!op)
		op = epdma_host_op_add(run, EPDMA_HOST_OP_RESCAN, "/sys/bus/pci/rescan", "1", NULL);
	if (!op)
		return -E2BIG;
	r = epdma_fs_write(ctx, "/sys/bus/pci/rescan", "1");
	op->ran = true;
	op->result = r;
	h->writes++;
	h->rescans++;
	if (r < 0)
		epdma_errors_add(&run->errors, NULL, 0, "/sys/bus/pci/rescan", "write failed: %s",
				 strerror(-r));
	return r;
}

/*
 * Find the pair. Not there: per [host] rescan, rescan the bus (never; once;
 * backoff: again after rescan_interval_ms, doubling up to 30 s) and look
 * again until WAIT_MS has passed (at least once after a rescan).
 */
static int find_with_rescan(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			    unsigned int wait_ms, struct epdma_run *run)
{
	enum epdma_rescan mode = cfg->host.rescan;
	uint64_t deadline = now_ms() + wait_ms;
	unsigned int interval = cfg->host.rescan_interval_ms;
	struct epdma_host *h = run->host;

	for (;;) {
		struct epdma_checks tmp = { 0 };
		int r = epdma_host_find(ctx, cfg, h, EPDMA_CHECK_FAIL, &tmp);
		uint64_t now = now_ms();
		bool may_rescan = mode == EPDMA_RESCAN_BACKOFF ||
				  (mode == EPDMA_RESCAN_ONCE && h->rescans == 0);
		bool first_rescan = may_rescan && h->rescans == 0;

		if (r != -ENODEV || (now >= deadline && !first_rescan)) {
			copy_checks(&run->checks, &tmp);
			if (r == -ENODEV && h->rescans) {
				h->rescanned_nothing = true;
				kernel_hints(ctx, run);
			}
			return r;
		}
		/* Not there yet: forget this attempt's checks, wait, rescan, look again. */
		epdma_checks_clear(&tmp);
		if (!first_rescan) {
			sleep_ms((unsigned int)(deadline - now < interval ? deadline - now
									  : interval));
			if (may_rescan)
				interval = interval < 15000 ? interval * 2 : 30000;
		}
		if (may_rescan) {
			r = rescan(ctx, run);
			if (r < 0)
				return r;
		}
	}
}

/* ---- the plan ---- */

static void transport_options(const struct epdma_config *cfg, const char *bdf, char *buf,
			      size_t size)
{
	snprintf(buf, size, "%s=%s max_mw_size=%llu transport_mtu=%u max_num_clients=%u",
		 cfg->transport.bdf_param, bdf, (unsigned long long)cfg->transport.max_mw_size,
		 cfg->transport.transport_mtu, cfg->transport.max_num_clients);
}

static void snippet_text(const struct epdma_config *cfg, const char *bdf, char *buf, size_t size)
{
	char name[64], opts[256];

	epdma_module_name(cfg->transport.module, name, sizeof(name));
	transport_options(cfg, bdf, opts, sizeof(opts));
	snprintf(buf, size, "# written by epdma setup\noptions %s %s\n", name, opts);
}

/* The vNTB function's modalias must resolve to ntb_hw_epf in this kernel's modules. */
static int plan_vntb(struct epdma_ctx *ctx, struct epdma_modules *mods,
		     const struct epdma_host_candidate *v, struct epdma_run *run)
{
	char path[96], alias[160], drv[64];
	int r;

	if (epdma_pci_driver(ctx, v->bdf, drv, sizeof(drv)) == 0 && !strcmp(drv, "ntb_hw_epf"))
		return 0;
	if (drv[0]) {
		epdma_errors_add(&run->errors, NULL, 0, v->bdf,
				 "bound to %s, not ntb_hw_epf: unbind it first", drv);
		return -EBUSY;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/modalias", v->bdf);
	if (epdma_fs_read(ctx, path, alias, sizeof(alias)) <= 0)
		snprintf(alias, sizeof(alias), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
			 v->vendor_id, v->device_id, v->subsys_vendor_id, v->subsys_id,
			 v->class_code >> 16, (v->class_code >> 8) & 0xff, v->class_code & 0xff);
	r = epdma_module_alias_match(mods, alias, "ntb_hw_epf");
	/* No alias at all (6.12: no MODULE_DEVICE_TABLE, ntb_hw_epf.c:782-794):
	 * loaded by name, its ID table decides, and the bind wait tells. */
	if (r == 0 && epdma_module_pci_aliases(mods, "ntb_hw_epf") == 0)
		r = 1;
	if (r <= 0) {
		epdma_errors_add(&run->errors, NULL, 0, v->bdf,
				 "no module of kernel %s has an alias for %s: ntb_hw_epf binds by "
				 "PCI ID only (driver_override does not work for it)",
				 epdma_modules_release(mods), alias);
		return r < 0 ? r : -ENOENT;
	}
	/* Loaded but not bound (a rescan after it loaded): ask the bus to probe it. */
	if (epdma_module_loaded(ctx, "ntb_hw_epf"))
		return epdma_host_op_add(run, EPDMA_HOST_OP_PROBE, v->bdf, "ntb_hw_epf", NULL)
			       ? 0
			       : -E2BIG;
	return epdma_host_op_add(run, EPDMA_HOST_OP_LOAD, "ntb_hw_epf", v->bdf, NULL) ? 0 : -E2BIG;
}

static int plan_dma(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		    const struct epdma_host_candidate *d, struct epdma_run *run)
{
	const char *drvname = cfg->host.dma_driver;
	unsigned int want = cfg->dma.wr_chans + cfg->dma.rd_chans;
	char path[96], drv[64], cur[64] = "";
	int n;

	if (epdma_pci_driver(ctx, d->bdf, drv, sizeof(drv)) < 0)
		drv[0] = '\0';
	n = epdma_host_count_channels(ctx, d->bdf, run->host);
	if (!strcmp(drv, drvname) && n >= (int)want)
		return 0;
	if (drv[0]) {
		epdma_errors_add(&run->errors, NULL, 0, d->bdf,
				 !strcmp(drv, drvname)
					 ? "bound to %s with %d of the %u channels: unbind it and "
					   "run setup again"
					 : "bound to %s, not [host] dma_driver: unbind it first",
				 drv, n, want);
		return -EBUSY;
	}
	if (!epdma_module_loaded(ctx, drvname) &&
	    !epdma_host_op_add(run, EPDMA_HOST_OP_LOAD, drvname, NULL, NULL))
		return -E2BIG;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", d->bdf);
	if (epdma_fs_read(ctx, path, cur, sizeof(cur)) < 0 || strcmp(cur, drvname))
		if (!epdma_host_op_add(run, EPDMA_HOST_OP_OVERRIDE, d->bdf, drvname, cur))
			return -E2BIG;
	return epdma_host_op_add(run, EPDMA_HOST_OP_PROBE, d->bdf, drvname, NULL) ? 0 : -E2BIG;
}

/* A sysfs file nobody may write (kernfs refuses the open with EACCES, root included). */
static bool read_only(struct epdma_ctx *ctx, const char *path)
{
	_cleanup_free_ char *abs = epdma_fs_path(ctx, path);
	struct stat st;

	return abs && stat(abs, &st) == 0 && !(st.st_mode & 0222);
}

/* The shared [transport] values, as module options give them. */
struct shared_param {
	const char *name;
	unsigned long long want;
};

static void shared_params(const struct epdma_config *cfg, struct shared_param p[3])
{
	p[0] = (struct shared_param){ "max_mw_size",
				      (unsigned long long)cfg->transport.max_mw_size };
	p[1] = (struct shared_param){ "transport_mtu", cfg->transport.transport_mtu };
	p[2] = (struct shared_param){ "max_num_clients", cfg->transport.max_num_clients };
}

/* Loaded transport NAME runs P with another value (CUR): a transport without the
 * parameter is not judged here (doctor's transport-params says so). */
static bool shared_differs(struct epdma_ctx *ctx, const char *name, const struct shared_param *p,
			   char *path, size_t psize, char *cur, size_t size)
{
	uint64_t v;

	snprintf(path, psize, "/sys/module/%s/parameters/%s", name, p->name);
	if (epdma_fs_read(ctx, path, cur, size) < 0)
		return false;
	cur[strcspn(cur, "\n")] = '\0';
	return epdma_parse_u64(cur, &v) < 0 || v != p->want;
}

/*
 * The transport holds the DMA function's BDF and runs with the shared
 * [transport] values: insert it, write what differs (its parameters are 0644,
 * ntb_transport.c:77-99, as the endpoint's setup writes them: transport.c), or
 * reload it when a value that differs is read-only.
 */
static int plan_transport(struct epdma_ctx *ctx, const struct epdma_config *cfg, const char *bdf,
			  unsigned int flags, struct epdma_run *run)
{
	char name[64], path[192], cur[192] = "", opts[256], old_opts[256], ro[256] = "", why[96];
	struct shared_param sp[3];
	bool need_bdf, reload;
	size_t len = 0;

	epdma_module_name(cfg->transport.module, name, sizeof(name));
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", name,
		 cfg->transport.bdf_param);
	transport_options(cfg, bdf, opts, sizeof(opts));
	if (!epdma_module_loaded(ctx, name))
		return epdma_host_op_add(run, EPDMA_HOST_OP_INSERT, name, opts, NULL) ? 0 : -E2BIG;
	if (epdma_fs_read(ctx, path, cur, sizeof(cur)) < 0) {
		epdma_errors_add(&run->errors, NULL, 0, path,
				 "%s is loaded without a readable %s parameter: is [transport] "
				 "bdf_param right?",
				 name, cfg->transport.bdf_param);
		return -ENOENT;
	}
	/* A charp written with a newline keeps it ("...\n" reads back with two). */
	cur[strcspn(cur, "\n")] = '\0';
	need_bdf = strcmp(cur, bdf) != 0;
	reload = need_bdf && read_only(ctx, path);
	shared_params(cfg, sp);
	for (size_t i = 0; i < 3; i++) {
		char ppath[192], pcur[64];

		if (shared_differs(ctx, name, &sp[i], ppath, sizeof(ppath), pcur, sizeof(pcur)) &&
		    read_only(ctx, ppath)) {
			reload = true;
			if (len < sizeof(ro))
				len += (size_t)snprintf(ro + len, sizeof(ro) - len,
							"%s%s=%s (config %llu)", len ? ", " : "",
							sp[i].name, pcur, sp[i].want);
		}
	}
	if (!reload) {
		if (need_bdf && !epdma_host_op_add(run, EPDMA_HOST_OP_PARAM, path, bdf, cur))
			return -E2BIG;
		for (size_t i = 0; i < 3; i++) {
			char ppath[192], pcur[64], want[32];

			if (!shared_differs(ctx, name, &sp[i], ppath, sizeof(ppath), pcur,
					    sizeof(pcur)))
				continue;
			snprintf(want, sizeof(want), "%llu", sp[i].want);
			if (!epdma_host_op_add(run, EPDMA_HOST_OP_PARAM, ppath, want, pcur))
				return -E2BIG;
		}
		return 0;
	}
	if (!(flags & EPDMA_F_FORCE)) {
		if (ro[0])
			epdma_errors_addr(&run->errors, EPDMA_REASON_TRANSPORT_RELOAD, name,
					  "is loaded with %s, read-only: only removing and "
					  "inserting it again gives it the config's values",
					  ro);
		else
			epdma_errors_addr(
				&run->errors, EPDMA_REASON_TRANSPORT_RELOAD, name,
				"is loaded with %s=%s and its %s is read-only (mode 0444): only "
				"removing and inserting it again gives it %s",
				cfg->transport.bdf_param, cur[0] ? cur : "(empty)",
				cfg->transport.bdf_param, bdf);
		return -EPERM;
	}
	if (epdma_module_busy(ctx, name, why, sizeof(why))) {
		epdma_errors_addr(&run->errors, EPDMA_REASON_MODULE_IN_USE, name,
				  "is in use (%s): the kernel refuses to remove it", why);
		return -EBUSY;
	}
	snprintf(old_opts, sizeof(old_opts), "%s=%s", cfg->transport.bdf_param, cur);
	if (!epdma_host_op_add(run, EPDMA_HOST_OP_REMOVE, name, NULL, old_opts))
		return -E2BIG;
	return epdma_host_op_add(run, EPDMA_HOST_OP_INSERT, name, opts, NULL) ? 0 : -E2BIG;
}

/* Whether depmod knows MODULE for this kernel (a client that is not installed is a warning). */
static bool module_known(struct epdma_modules *mods, const char *module)
{
	return epdma_module_alias_match(mods, module, module) > 0;
}

/*
 * The transport's clients ([transport] clients, ntb_netdev by default) on top of
 * the transport, after the hand-over: one LOAD each that is not loaded (its
 * undo removes what it inserted; teardown removes what the record names).
 */
static int plan_clients(const struct epdma_config *cfg, struct epdma_modules *mods,
			struct epdma_ctx *ctx, struct epdma_run *run)
{
	char list[sizeof(cfg->transport.clients)], *save = NULL;

	snprintf(list, sizeof(list), "%s", cfg->transport.clients);
	for (char *c = strtok_r(list, " ,", &save); c; c = strtok_r(NULL, " ,", &save)) {
		char name[64];

		epdma_module_name(c, name, sizeof(name));
		if (epdma_module_loaded(ctx, name))
			continue;
		if (!module_known(mods, name)) {
			epdma_checks_add(&run->transport, "transport client", EPDMA_CHECK_WARN,
					 "install it, or change [transport] clients",
					 "%s is not installed for kernel %s", name,
					 epdma_modules_release(mods));
			continue;
		}
		if (!epdma_host_op_add(run, EPDMA_HOST_OP_LOAD, name, NULL, NULL))
			return -E2BIG;
	}
	return 0;
}

/* Every operation setup needs now, or refusals in run->errors (-EPERM and the like). */
static int plan_ops(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		    struct epdma_modules *mods, struct epdma_run *run)
{
	const struct epdma_host *h = run->host;
	const struct epdma_host_candidate *v = &h->candidates[h->vntb], *d = &h->candidates[h->dma];
	char want[512], cur[512] = "";
	int r;

	if (!epdma_host_bdf_valid(d->bdf) || !epdma_host_bdf_valid(v->bdf)) {
		epdma_errors_add(&run->errors, NULL, 0, d->bdf,
				 "not a PCI address epdma passes on");
		return -EINVAL;
	}
	r = plan_vntb(ctx, mods, v, run);
	if (r == 0)
		r = plan_dma(ctx, cfg, d, run);
	if (r == 0)
		r = plan_transport(ctx, cfg, d->bdf, flags, run);
	if (r == 0)
		r = plan_clients(cfg, mods, ctx, run);
	if (r < 0)
		return r;
	snippet_text(cfg, d->bdf, want, sizeof(want));
	if (epdma_fs_read(ctx, EPDMA_MODPROBE_SNIPPET, cur, sizeof(cur)) >= 0)
		strcat(cur, "\n");
	if (strcmp(cur, want) &&
	    !epdma_host_op_add(run, EPDMA_HOST_OP_SNIPPET, EPDMA_MODPROBE_SNIPPET, want, cur))
		return -E2BIG;
	return 0;
}

/* ---- the apply, with its undo ---- */

struct applier {
	struct epdma_ctx *ctx;
	const struct epdma_config *cfg;
	struct epdma_modules *mods;
	struct epdma_run *run;
	int kmsg;
};

static char **loaded_modules(struct epdma_ctx *ctx)
{
	char **names = NULL;

	return epdma_fs_list(ctx, "/sys/module", &names) < 0 ? NULL : names;
}

static bool in_list(char **list, const char *name)
{
	for (char **n = list; n && *n; n++)
		if (!strcmp(*n, name))
			return true;
	return false;
}

/* Load (or insert with options) and note which modules this op inserted. */
static int load_noting(struct applier *a, struct epdma_host_op *op, const char *options)
{
	char **before = loaded_modules(a->ctx), **after;
	int r = epdma_module_load(a->mods, op->target, options);

	after = loaded_modules(a->ctx);
	for (char **n = after; n && *n && op->ninserted < EPDMA_HOST_OP_INSERTED; n++)
		if (!in_list(before, *n))
			snprintf(op->inserted[op->ninserted++], sizeof(op->inserted[0]), "%s", *n);
	epdma_strv_free(before);
	epdma_strv_free(after);
	return r;
}

/* Remove what an op inserted: dependents first, so passes until nothing more goes. */
static int remove_inserted(struct epdma_ctx *ctx, struct epdma_host_op *op)
{
	bool gone[EPDMA_HOST_OP_INSERTED] = { false };
	size_t left = op->ninserted;
	int err = 0;

	for (bool progress = true; left && progress;) {
		progress = false;
		for (size_t i = op->ninserted; i-- > 0;) {
			int r;

			if (gone[i])
				continue;
			r = epdma_module_unload(ctx, op->inserted[i]);
			if (r == 0) {
				gone[i] = progress = true;
				left--;
			} else {
				err = r;
			}
		}
	}
	return left ? err : 0;
}

/* Wait for DRIVER on BDF (and, for the DMA driver, its wr+rd channels). */
static int wait_bound(struct applier *a, const char *bdf, const char *driver)
{
	const struct epdma_config *cfg = a->cfg;
	bool dma = !strcmp(driver, cfg->host.dma_driver);
	unsigned int want = cfg->dma.wr_chans + cfg->dma.rd_chans;
	uint64_t deadline = now_ms() + cfg->host.settle_timeout_ms;
	char drv[64];

	for (;;) {
		if (epdma_pci_driver(a->ctx, bdf, drv, sizeof(drv)) == 0 && !strcmp(drv, driver) &&
		    (!dma || epdma_host_count_channels(a->ctx, bdf, a->run->host) >= (int)want))
			return 0;
		if (now_ms() >= deadline)
			break;
		sleep_ms(50);
	}
	if (dma)
		epdma_errors_add(&a->run->errors, NULL, 0, bdf,
				 "%s did not bind it with %u channels within %u ms: a host kernel "
				 "without part 1 of the PCI endpoint DMA series accepts "
				 "driver_override and drivers_probe and binds nothing "
				 "(kernel-abi.md §5); also check the kernel log for a probe error",
				 driver, want, cfg->host.settle_timeout_ms);
	else
		epdma_errors_add(&a->run->errors, NULL, 0, bdf,
				 "%s is loaded but did not bind it (see the kernel log)", driver);
	return -ETIMEDOUT;
}

static int run_op(struct applier *a, struct epdma_host_op *op)
{
	struct epdma_ctx *ctx = a->ctx;
	char path[320];
	int r;

	switch (op->type) {
	case EPDMA_HOST_OP_RESCAN:
		return epdma_fs_write(ctx, "/sys/bus/pci/rescan", "1");
	case EPDMA_HOST_OP_LOAD:
		r = load_noting(a, op, NULL);
		/* ntb_hw_epf probes the vNTB function as it loads: it must be bound now. */
		return r == 0 && op->value[0] ? wait_bound(a, op->value, op->target) : r;
	case EPDMA_HOST_OP_PROBE:
		r = epdma_fs_write(ctx, "/sys/bus/pci/drivers_probe", op->target);
		return r == 0 ? wait_bound(a, op->target, op->value) : r;
	case EPDMA_HOST_OP_OVERRIDE:
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", op->target);
		return epdma_fs_write(ctx, path, op->value);
	case EPDMA_HOST_OP_REMOVE:
		return epdma_module_unload(ctx, op->target);
	case EPDMA_HOST_OP_INSERT:
		return load_noting(a, op, op->value);
	case EPDMA_HOST_OP_PARAM:
		return epdma_fs_write(ctx, op->target, op->value);
	case EPDMA_HOST_OP_SNIPPET:
		return epdma_host_write_file(ctx, op->target, op->value);
	case EPDMA_HOST_OP_UNBIND:
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", op->value);
		return epdma_fs_write(ctx, path, op->target);
	case EPDMA_HOST_OP_CLEAR:
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", op->target);
		/* "\n" clears it (drivers/base/driver.c driver_set_override). */
		return epdma_fs_write(ctx, path, "\n");
	}
	return -EINVAL;
}

static int undo_op(struct applier *a, struct epdma_host_op *op)
{
	struct epdma_ctx *ctx = a->ctx;
	char path[320], drv[64];

	switch (op->type) {
	case EPDMA_HOST_OP_LOAD:
	case EPDMA_HOST_OP_INSERT:
		return remove_inserted(ctx, op);
	case EPDMA_HOST_OP_PROBE:
		/* Bound by this probe (it was planned because it was not): unbind it. */
		if (epdma_pci_driver(ctx, op->target, drv, sizeof(drv)) < 0 ||
		    strcmp(drv, op->value))
			return 0;
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", op->value);
		return epdma_fs_write(ctx, path, op->target);
	case EPDMA_HOST_OP_OVERRIDE:
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", op->target);
		return epdma_fs_write(ctx, path,
				      !op->old[0] || !strcmp(op->old, "(null)") ? "\n" : op->old);
	case EPDMA_HOST_OP_REMOVE:
		return epdma_module_load(a->mods, op->target, op->old);
	case EPDMA_HOST_OP_PARAM:
		return epdma_fs_write(ctx, op->target, strcmp(op->old, "(null)") ? op->old : "");
	case EPDMA_HOST_OP_SNIPPET:
		return epdma_host_write_file(ctx, op->target, op->old);
	default:
		return 0; /* rescans, teardown's steps: nothing to take back */
	}
}

/* What the kernel logged during OP; of a failed op, the known causes among it too. */
static void collect_log(struct applier *a, struct epdma_host_op *op)
{
	struct epdma_kmsg_record *recs = NULL;
	size_t n = 0;

	if (a->kmsg < 0)
		return;
	epdma_kmsg_read(a->kmsg, &recs, &n);
	for (size_t i = 0; i < n && op->nlog < EPDMA_HOST_OP_LOG; i++)
		snprintf(op->log[op->nlog++], sizeof(op->log[0]), "%s", recs[i].text);
	/* Out of memory here loses only the explanation: the failure itself is reported. */
	if (op->result < 0)
		epdma_run_add_causes(a->run, recs, n);
	epdma_kmsg_records_free(recs, n);
}

/* Run the planned ops from FIRST; UNDO: on failure take this run's steps back in reverse. */
int epdma_host_apply(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		     struct epdma_modules *mods, size_t first, bool undo, struct epdma_run *run)
{
	struct epdma_host *h = run->host;
	struct applier a = { ctx, cfg, mods, run, first < h->nops ? epdma_kmsg_open(ctx) : -1 };
	size_t i;
	int r = 0;

	for (i = first; i < h->nops; i++) {
		struct epdma_host_op *op = &h->ops[i];
		char what[320];

		op->ran = true;
		h->writes++;
		r = op->result = run_op(&a, op);
		collect_log(&a, op);
		if (r < 0) {
			epdma_host_op_describe(op, what, sizeof(what));
			epdma_errors_add(&run->errors, NULL, 0, NULL, "%s failed: %s", what,
					 strerror(-r));
			run->failed = (int)i;
			break;
		}
	}
	if (r < 0 && undo) {
		/* The failed op may have done part of its work (a probe that bound late). */
		for (size_t k = i + 1; k-- > first;) {
			if (h->ops[k].type == EPDMA_HOST_OP_RESCAN)
				continue;
			int u = undo_op(&a, &h->ops[k]);
			char what[320];

			if (u < 0) {
				epdma_host_op_describe(&h->ops[k], what, sizeof(what));
				epdma_errors_add(&run->errors, NULL, 0, "rollback",
						 "undoing \"%s\" failed: %s", what, strerror(-u));
				run->rollback_incomplete = true;
			} else if (k != i)
				run->undone++;
		}
	}
	if (a.kmsg >= 0)
		close(a.kmsg);
	return r;
}

/* ---- runs ---- */

/* PATH is the transport's BDF parameter (/sys/module/<m>/parameters/<bdf_param>). */
static bool is_bdf_param(const struct epdma_config *cfg, const char *path)
{
	const char *base = strrchr(path, '/');

	return base && !strcmp(base + 1, cfg->transport.bdf_param);
}

/* The record after this run's plan: written ahead, so a crash leaves it naming them. */
static bool is_client(const struct epdma_config *cfg, const char *module)
{
	char list[sizeof(cfg->transport.clients)], *save = NULL, name[64];

	snprintf(list, sizeof(list), "%s", cfg->transport.clients);
	for (char *c = strtok_r(list, " ,", &save); c; c = strtok_r(NULL, " ,", &save)) {
		epdma_module_name(c, name, sizeof(name));
		if (!strcmp(name, module))
			return true;
	}
	return false;
}

/* After the apply: what the client loads inserted besides the clients (their dependencies). */
static void record_client_deps(const struct epdma_config *cfg, const struct epdma_host *h,
			       struct epdma_host_record *rec)
{
	for (size_t i = 0; i < h->nops; i++) {
		const struct epdma_host_op *op = &h->ops[i];

		if (op->type != EPDMA_HOST_OP_LOAD || op->value[0] || !is_client(cfg, op->target) ||
		    op->result < 0)
			continue;
		for (size_t k = 0; k < op->ninserted; k++)
			record_client(rec, op->inserted[k]);
	}
}

/* Module names a plan inserts, to tell a client's own dependencies from shared ones. */
struct modset {
	char names[16][64];
	size_t n;
};

static bool modset_has(const struct modset *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->names[i], name))
			return true;
	return false;
}

static void modset_add(const char *name, void *data)
{
	struct modset *set = data;

	if (!modset_has(set, name) && set->n < ARRAY_SIZE(set->names))
		epdma_strscpy(set->names[set->n++], name, sizeof(set->names[0]));
}

/* What the plan's other loads (ntb_hw_epf, the DMA driver, the transport) insert. */
static void others_inserted(const struct epdma_config *cfg, struct epdma_modules *mods,
			    const struct epdma_host *h, struct modset *set)
{
	for (size_t i = 0; i < h->nops; i++) {
		const struct epdma_host_op *op = &h->ops[i];
		char name[64];

		if (op->ran ||
		    (op->type != EPDMA_HOST_OP_LOAD && op->type != EPDMA_HOST_OP_INSERT) ||
		    (op->type == EPDMA_HOST_OP_LOAD && !op->value[0] && is_client(cfg, op->target)))
			continue;
		epdma_module_missing_deps(mods, op->target, modset_add, set);
		epdma_module_name(op->target, name, sizeof(name));
		modset_add(name, set);
	}
}

struct client_deps {
	const struct modset *others;
	struct epdma_host_record *rec;
};

static void record_dep(const char *name, void *data)
{
	struct client_deps *c = data;

	if (!modset_has(c->others, name))
		record_client(c->rec, name);
}

/*
 * Written before the apply: a run killed between a client's dependency and
 * the client itself must leave the dependency recorded as epdma's, or the
 * re-run would take it for someone else's and teardown would leave it loaded.
 */
static void record_plan(const struct epdma_config *cfg, struct epdma_modules *mods,
			const struct epdma_host *h, struct epdma_host_record *rec)
{
	struct modset others = { .n = 0 };
	struct client_deps deps = { &others, rec };

	others_inserted(cfg, mods, h, &others);
	for (size_t i = 0; i < h->nops; i++) {
		const struct epdma_host_op *op = &h->ops[i];

		if (op->ran)
			continue;
		if (op->type == EPDMA_HOST_OP_OVERRIDE || op->type == EPDMA_HOST_OP_PROBE)
			if (strcmp(op->value, "ntb_hw_epf"))
				epdma_strscpy(rec->override_bdf, op->target,
					      sizeof(rec->override_bdf));
		if (op->type == EPDMA_HOST_OP_INSERT) {
			epdma_strscpy(rec->inserted, op->target, sizeof(rec->inserted));
			rec->param_path[0] = rec->param_old[0] = '\0';
		}
		/* A LOAD without a BDF after the DMA function's: a client of the transport. */
		if (op->type == EPDMA_HOST_OP_LOAD && !op->value[0] && is_client(cfg, op->target)) {
			epdma_module_missing_deps(mods, op->target, record_dep, &deps);
			record_client(rec, op->target);
		}
		/* The BDF parameter of a transport epdma did not insert: teardown restores it. */
		if (op->type == EPDMA_HOST_OP_PARAM && !rec->param_path[0] &&
		    is_bdf_param(cfg, op->target)) {
			snprintf(rec->param_path, sizeof(rec->param_path), "%s", op->target);
			snprintf(rec->param_old, sizeof(rec->param_old), "%s", op->old);
		}
	}
}

static void note_nothing_found(const struct epdma_config *cfg, struct epdma_run *run)
{
	const struct epdma_host *h = run->host;

	epdma_errors_add(&run->errors, NULL, 0, "/sys/bus/pci/rescan",
			 "rescanned the PCI bus %u time%s: no vNTB %04x:%04x + DMA %04x:%04x pair "
			 "appeared. What works: start the endpoint before the host boots, or "
			 "reboot the host once the endpoint runs; when the functions appear "
			 "without their BARs, boot the host with pci=realloc (a hotplug slot: "
			 "pci=hpmemsize=<size>, or a bridge window large enough for the BARs)",
			 h->rescans, h->rescans == 1 ? "" : "s", cfg->vntb.vendor_id,
			 cfg->vntb.device_id, cfg->dma.vendor_id, cfg->dma.device_id);
	for (size_t i = 0; i < h->nkernel_hints; i++)
		epdma_errors_add(&run->errors, NULL, 0, "kernel log", "%s", h->kernel_hints[i]);
	if (!h->nkernel_hints)
		epdma_errors_add(&run->errors, NULL, 0, "kernel log",
				 "no line about BAR space or link training");
}

static int modules_open(struct epdma_ctx *ctx, struct epdma_modules **mods, struct epdma_run *run)
{
	int r = epdma_modules_new(ctx, mods);

	if (r < 0)
		epdma_errors_add(&run->errors, NULL, 0, "modules",
				 "cannot read the module index: %s", strerror(-r));
	return r;
}

int epdma_host_setup_locked(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			    unsigned int flags, unsigned int wait_ms, struct epdma_run *run)
{
	struct epdma_host_record rec;
	struct epdma_modules *mods = NULL;
	size_t first;
	int r;

	run->role = EPDMA_ROLE_HOST;
	run->host = epdma_host_new();
	if (!run->host)
		return epdma_run_finish(run, -ENOMEM);
	r = find_with_rescan(ctx, cfg, wait_ms, run);
	if (r == -ENODEV && run->host->rescanned_nothing)
		note_nothing_found(cfg, run);
	else if (r < 0 && r != -ENODEV && r != -EINVAL && !run->errors.count)
		epdma_host_scan_error(ctx, cfg, r, &run->errors);
	if (r < 0)
		return epdma_run_finish(run, run->host->writes ? r : -EPERM);
	first = run->host->nops; /* the rescans ran already */
	r = modules_open(ctx, &mods, run);
	if (r == 0)
		r = plan_ops(ctx, cfg, flags, mods, run);
	if (r < 0) {
		epdma_modules_free(mods);
		return epdma_run_finish(run, run->host->writes ? r : -EPERM);
	}
	if (first < run->host->nops) {
		struct epdma_host_record before;

		epdma_host_record_read(ctx, &before);
		rec = before;
		record_plan(cfg, mods, run->host, &rec);
		if (memcmp(&rec, &before, sizeof(rec)))
			run->record_error = epdma_host_record_write(ctx, &rec);
		r = epdma_host_apply(ctx, cfg, mods, first, true, run);
		/* Rolled back completely: the record is as before. */
		if (r < 0 && !run->rollback_incomplete && memcmp(&rec, &before, sizeof(rec)))
			epdma_host_record_write(ctx, &before);
		if (r == 0) {
			struct epdma_host_record planned = rec;

			record_client_deps(cfg, run->host, &rec);
			if (memcmp(&rec, &planned, sizeof(rec)))
				run->record_error = epdma_host_record_write(ctx, &rec);
		}
	}
	if (r == 0) {
		int w = write_verified(ctx, &run->checks);

		if (w < 0 && !run->record_error)
			run->record_error = w;
	}
	epdma_modules_free(mods);
	return epdma_run_finish(run, r);
}

int epdma_host_plan(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		    struct epdma_run *run)
{
	struct epdma_modules *mods = NULL;
	bool can_rescan = cfg->host.rescan != EPDMA_RESCAN_NEVER;
	int r;

	run->role = EPDMA_ROLE_HOST;
	run->host = epdma_host_new();
	if (!run->host)
		return epdma_run_finish(run, -ENOMEM);
	r = epdma_host_find(ctx, cfg, run->host, can_rescan ? EPDMA_CHECK_WARN : EPDMA_CHECK_FAIL,
			    &run->checks);
	if (r == -ENODEV && can_rescan) {
		/* What setup would do first; the rest depends on what the rescan finds. */
		return epdma_run_finish(run, epdma_host_op_add(run, EPDMA_HOST_OP_RESCAN,
							       "/sys/bus/pci/rescan", "1", NULL)
						     ? 0
						     : -ENOMEM);
	}
	if (r < 0 && r != -ENODEV && r != -EINVAL)
		epdma_host_scan_error(ctx, cfg, r, &run->errors);
	if (r < 0)
		return epdma_run_finish(run, -EPERM);
	r = modules_open(ctx, &mods, run);
	if (r == 0)
		r = plan_ops(ctx, cfg, flags, mods, run);
	epdma_modules_free(mods);
	return epdma_run_finish(run, r < 0 ? -EPERM : 0);
}
