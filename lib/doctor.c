// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epdma doctor: the kernel log of this boot matched against the table of
 * known causes (doctor-causes.c), plus what only the live state shows (a
 * function no driver took, a transport running with other values). Matching
 * is a pure function of the records, so setup, status and the daemon can
 * name the cause of the lines a failed step logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define FOLLOW_WINDOW	  8  /* records after a first failure that may belong to it */
#define FINDING_MAX_LINES 12 /* log lines kept per finding */

const struct epdma_cause *epdma_cause_get(size_t index)
{
	return index < epdma_ncause_rules ? &epdma_cause_rules[index].cause : NULL;
}

const struct epdma_cause *epdma_cause_find(const char *id)
{
	for (size_t i = 0; i < epdma_ncause_rules; i++)
		if (!strcmp(epdma_cause_rules[i].cause.id, id))
			return &epdma_cause_rules[i].cause;
	return NULL;
}

bool epdma_cause_pattern_match(const char *text, const char *pattern)
{
	const char *p = pattern;

	while (*p) {
		const char *star = strchr(p, '*');
		size_t len = star ? (size_t)(star - p) : strlen(p);
		char piece[128];
		const char *at;

		if (len >= sizeof(piece))
			return false;
		memcpy(piece, p, len);
		piece[len] = '\0';
		at = len ? strstr(text, piece) : text;
		if (!at)
			return false;
		text = at + len;
		p += len + (star ? 1 : 0);
	}
	return true;
}

static bool any_match(const char *text, const char *const *patterns, size_t n)
{
	for (size_t i = 0; i < n && patterns[i]; i++)
		if (epdma_cause_pattern_match(text, patterns[i]))
			return true;
	return false;
}

/* "ntb_hw_epf 0000:08:00.0: Failed ..." -> "ntb_hw_epf 0000:08:00.0": a driver and a device. */
static void device_of(const char *text, char *buf, size_t size)
{
	const char *colon = strstr(text, ": ");
	const char *space = strchr(text, ' ');
	size_t len;

	buf[0] = '\0';
	if (!colon || !space || space > colon)
		return;
	len = (size_t)(colon - text);
	if (len < size)
		snprintf(buf, size, "%.*s", (int)len, text);
}

void epdma_doctor_init(struct epdma_doctor *d)
{
	memset(d, 0, sizeof(*d));
}

void epdma_doctor_free(struct epdma_doctor *d)
{
	for (size_t i = 0; i < d->count; i++) {
		epdma_kmsg_records_free(d->findings[i].log, d->findings[i].nlog);
		free(d->findings[i].fact);
	}
	free(d->findings);
	epdma_errors_clear(&d->errors);
	epdma_doctor_init(d);
}

static struct epdma_finding *finding_new(struct epdma_doctor *d, const struct epdma_cause *c,
					 const char *subject)
{
	struct epdma_finding *v = realloc(d->findings, (d->count + 1) * sizeof(*v));

	if (!v) {
		d->lost++;
		return NULL;
	}
	d->findings = v;
	v = &d->findings[d->count++];
	memset(v, 0, sizeof(*v));
	v->cause = c;
	snprintf(v->subject, sizeof(v->subject), "%s", subject);
	return v;
}

/* The finding of cause C about SUBJECT, made on first use. */
static struct epdma_finding *finding_for(struct epdma_doctor *d, size_t first,
					 const struct epdma_cause *c, const char *subject)
{
	for (size_t i = first; i < d->count; i++)
		if (d->findings[i].cause == c && !strcmp(d->findings[i].subject, subject))
			return &d->findings[i];
	return finding_new(d, c, subject);
}

static int finding_add_line(struct epdma_finding *f, const struct epdma_kmsg_record *rec)
{
	struct epdma_kmsg_record *v;
	char *text;

	if (f->nlog == FINDING_MAX_LINES)
		return 0;
	text = strdup(rec->text);
	v = text ? realloc(f->log, (f->nlog + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(text);
		return -ENOMEM;
	}
	f->log = v;
	v[f->nlog].priority = rec->priority;
	v[f->nlog].usec = rec->usec;
	v[f->nlog++].text = text;
	return 0;
}

/* The lines after record I from the same device that a first failure brings along. */
static int claim_followers(const struct epdma_cause_rule *rule,
			   const struct epdma_kmsg_record *recs, size_t n, size_t i, bool *claimed,
			   struct epdma_finding *f)
{
	char dev[96], other[96];
	int r = 0;

	device_of(recs[i].text, dev, sizeof(dev));
	for (size_t k = i + 1; k < n && k <= i + FOLLOW_WINDOW && r == 0; k++) {
		if (claimed[k] || !any_match(recs[k].text, rule->also, EPDMA_CAUSE_ALSO))
			continue;
		device_of(recs[k].text, other, sizeof(other));
		if (dev[0] && other[0] && strcmp(dev, other))
			continue;
		claimed[k] = true;
		r = finding_add_line(f, &recs[k]);
	}
	return r;
}

static int match_rule(const struct epdma_cause_rule *rule, const struct epdma_kmsg_record *recs,
		      size_t n, bool *claimed, struct epdma_doctor *out, size_t first)
{
	for (size_t i = 0; i < n; i++) {
		struct epdma_finding *f;
		char dev[96];
		int r;

		if (claimed[i] || recs[i].priority > rule->max_prio ||
		    !any_match(recs[i].text, rule->match, EPDMA_CAUSE_MATCHES))
			continue;
		device_of(recs[i].text, dev, sizeof(dev));
		f = finding_for(out, first, &rule->cause, dev);
		if (!f)
			return -ENOMEM;
		claimed[i] = true;
		r = finding_add_line(f, &recs[i]);
		if (r == 0)
			r = claim_followers(rule, recs, n, i, claimed, f);
		if (r < 0)
			return r;
	}
	return 0;
}

int epdma_doctor_match(const struct epdma_kmsg_record *recs, size_t n, struct epdma_doctor *out)
{
	size_t first = out->count;
	bool *claimed = calloc(n ? n : 1, sizeof(*claimed));
	int r = 0;

	if (!claimed)
		return -ENOMEM;
	for (size_t k = 0; k < epdma_ncause_rules && r == 0; k++)
		if (!epdma_cause_rules[k].cause.live)
			r = match_rule(&epdma_cause_rules[k], recs, n, claimed, out, first);
	free(claimed);
	if (r == 0 && out->lost)
		r = -ENOMEM;
	return r < 0 ? r : (int)(out->count - first);
}

/* ---- the live state ---- */

static void live_finding(struct epdma_doctor *d, const char *id, const char *subject,
			 const char *fmt, ...) _printf_(4, 5);
static void live_finding(struct epdma_doctor *d, const char *id, const char *subject,
			 const char *fmt, ...)
{
	struct epdma_finding *f = finding_new(d, epdma_cause_find(id), subject);
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	if (vasprintf(&f->fact, fmt, ap) < 0) {
		f->fact = NULL;
		d->lost++;
	}
	va_end(ap);
}

static bool pci_id_is(struct epdma_ctx *ctx, const char *bdf, uint16_t vendor, uint16_t device)
{
	char path[128];
	uint64_t v, dv;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", bdf);
	if (epdma_fs_read_u64(ctx, path, &v) < 0)
		return false;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", bdf);
	return epdma_fs_read_u64(ctx, path, &dv) == 0 && v == vendor && dv == device;
}

/* Host: the configured functions present without a driver. */
static void host_unbound(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			 struct epdma_doctor *d)
{
	char **names = NULL, path[128];

	if (epdma_fs_list(ctx, "/sys/bus/pci/devices", &names) < 0)
		return;
	for (size_t i = 0; names[i]; i++) {
		bool dma = pci_id_is(ctx, names[i], cfg->dma.vendor_id, cfg->dma.device_id);
		bool vntb = !dma &&
			    pci_id_is(ctx, names[i], cfg->vntb.vendor_id, cfg->vntb.device_id);

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", names[i]);
		if ((!dma && !vntb) || epdma_fs_exists(ctx, path))
			continue;
		if (dma)
			live_finding(d, "dma-unbound", names[i],
				     "%s (%04x:%04x) has no driver; %s wanted", names[i],
				     cfg->dma.vendor_id, cfg->dma.device_id, cfg->host.dma_driver);
		else
			live_finding(d, "vntb-unbound", names[i],
				     "%s (%04x:%04x) has no driver; ntb_hw_epf wanted", names[i],
				     cfg->vntb.vendor_id, cfg->vntb.device_id);
	}
	epdma_strv_free(names);
}

/* The shared transport parameters of a loaded transport module against the config. */
static void transport_params(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			     struct epdma_doctor *d)
{
	const struct {
		const char *name;
		uint64_t want;
	} params[] = {
		{ "max_num_clients", cfg->transport.max_num_clients },
		{ "max_mw_size", cfg->transport.max_mw_size },
		{ "transport_mtu", cfg->transport.transport_mtu },
	};
	char mod[128], path[256];

	epdma_module_name(cfg->transport.module, mod, sizeof(mod));
	for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
		uint64_t v;

		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mod, params[i].name);
		if (epdma_fs_read_u64(ctx, path, &v) < 0 || v == params[i].want)
			continue;
		live_finding(d, "transport-params", mod, "%s %s is %llu, [transport] %s is %llu",
			     mod, params[i].name, (unsigned long long)v, params[i].name,
			     (unsigned long long)params[i].want);
	}
}

/* ---- both ends' transports (the link that never comes up) ---- */

/* The transport runs here and some of its queues are down (link.c's reading). */
static bool link_down(struct epdma_ctx *ctx, const struct epdma_link_want *want,
		      struct epdma_link_state *st)
{
	return epdma_link_read(ctx, want, st) == 0 && st->ntb_present && st->debugfs && st->nqps &&
	       st->qps_up < st->nqps;
}

/* What the host's transport comparisons among CHECKS showed. */
struct transport_seen {
	bool compared, named, unreadable;
	const char *why; /* a skipped comparison's reason */
};

/*
 * Each transport comparison that failed (both ends' scratchpads read through
 * the vNTB control BAR: epdma_transport_compare) is a finding naming the key
 * and both values.
 */
static void transport_mismatches(const struct epdma_checks *checks, struct epdma_doctor *d,
				 struct transport_seen *seen)
{
	for (size_t i = 0; checks && i < checks->count; i++) {
		const struct epdma_check *k = &checks->items[i];
		bool compare = !strncmp(k->name, "transport ", 10);

		if (!compare && strcmp(k->name, "pair transport"))
			continue;
		seen->compared |= compare && k->result != EPDMA_CHECK_SKIP;
		if (k->result == EPDMA_CHECK_SKIP) {
			seen->unreadable |= strstr(k->message, "cannot be read") != NULL;
			seen->why = seen->why ? seen->why : k->message;
		}
		if (k->result != EPDMA_CHECK_FAIL)
			continue;
		seen->named = true;
		live_finding(d, "transport-mismatch", k->name, "%s%s%s", k->message,
			     k->hint ? "; " : "", k->hint ? k->hint : "");
	}
}

/*
 * Host, doctor on its own: find the pair and compare both ends' transports,
 * as discover and status do. Where it cannot (the BAR held by ntb_hw_epf
 * under IO_STRICT_DEVMEM: pci-sysfs.c:1067, kernel/resource.c:1822) and the
 * link is down, a finding says so and how to see the values.
 */
static void host_transports(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			    struct epdma_doctor *d)
{
	struct epdma_host *h;
	struct epdma_checks c = { 0 };
	struct epdma_link_state st;
	struct transport_seen seen = { 0 };
	struct epdma_link_want want;

	/* No PCI bus to scan (host_unbound() says nothing either): nothing to compare. */
	if (!epdma_fs_exists(ctx, "/sys/bus/pci/devices"))
		return;
	h = epdma_host_new();
	if (!h) {
		d->lost++;
		return;
	}
	epdma_host_find(ctx, cfg, h, EPDMA_CHECK_WARN, &c);
	transport_mismatches(&c, d, &seen);
	want = epdma_host_link_want(h);
	if (seen.named || seen.compared || !link_down(ctx, &want, &st))
		;
	else if (seen.unreadable)
		live_finding(
			d, "transport-link-down", st.ntb_device,
			"%u of %u transport queues up on %s; the vNTB control BAR of %s cannot "
			"be read now (held by ntb_hw_epf: this kernel maps no claimed BAR "
			"unless booted with iomem=relaxed), so both ends' transport values "
			"cannot be compared",
			st.qps_up, st.nqps, st.ntb_device,
			h->vntb >= 0 ? h->candidates[h->vntb].bdf : "the card");
	else
		live_finding(d, "transport-link-down", st.ntb_device,
			     "%u of %u transport queues up on %s; %s", st.qps_up, st.nqps,
			     st.ntb_device,
			     seen.why ? seen.why : "no card to compare both ends' transports on");
	epdma_checks_clear(&c);
	free(h);
}

/*
 * The endpoint cannot see what the host's transport announced: it sits in the
 * vNTB function's own memory (pci_epf_alloc_space(), pci-epf-vntb.c:409-462),
 * which no file shows (the virtual PCI device has no BARs, :964-981);
 * ntb_transport's debugfs has only "QP Link" (ntb_transport.c:546) and it
 * logs the peer's values with dev_dbg only (:1087-1109). A down link points
 * to the host's doctor, which reads both halves through the control BAR.
 */
static void endpoint_transports(struct epdma_ctx *ctx, const struct epdma_config *cfg,
				struct epdma_doctor *d)
{
	/* The vNTB's NTB device, on its virtual bus. */
	struct epdma_link_want want = EPDMA_LINK_WANT_BUS(cfg->vntb.vbus_number & 0xff);
	struct epdma_link_state st;

	if (link_down(ctx, &want, &st))
		live_finding(d, "transport-link-down", st.ntb_device,
			     "%u of %u transport queues up on %s; the endpoint cannot see why (the "
			     "host's transport not running, or announcing other values): run "
			     "epdmactl doctor on the host, which compares both ends' values",
			     st.qps_up, st.nqps, st.ntb_device);
}

/*
 * Status (CHECKS: its own pairing checks, read already): the mismatches
 * only. transport-link-down would say again what status shows beside the
 * down link: its queue count, the skipped comparison among the checks, and
 * the hint where this side cannot see the cause (epdmactl's link.hint).
 */
static void status_transports(const struct epdma_checks *checks, struct epdma_doctor *d)
{
	struct transport_seen seen = { 0 };

	transport_mismatches(checks, d, &seen);
}

/* ---- the run ---- */

static int read_log(struct epdma_ctx *ctx, struct epdma_kmsg_record **recs, size_t *n)
{
	/* From the first record the kernel still holds: no seek to the end here. */
	int fd = epdma_fs_open(ctx, "/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
	int r;

	if (fd < 0)
		return fd;
	r = epdma_kmsg_read(fd, recs, n);
	close(fd);
	return r < 0 ? r : 0;
}

/* CHECKS: a run's own pairing checks (status); NULL: the host's are read here. */
static int doctor_run(struct epdma_ctx *ctx, const struct epdma_config *cfg, enum epdma_role role,
		      const struct epdma_checks *checks, struct epdma_doctor *out)
{
	struct epdma_kmsg_record *recs = NULL;
	size_t n = 0;
	int r = read_log(ctx, &recs, &n);

	if (r < 0) {
		out->kmsg_error = r;
		epdma_errors_add(&out->errors, "/dev/kmsg", 0, NULL,
				 "cannot read the kernel log: %s", strerror(-r));
	} else {
		out->nrecords = n;
		r = epdma_doctor_match(recs, n, out);
	}
	epdma_kmsg_records_free(recs, n);
	if (r < 0 && !out->kmsg_error)
		return r;
	if (cfg) {
		if (role == EPDMA_ROLE_AUTO &&
		    epdma_role_resolve(ctx, cfg, &role, &out->errors) < 0)
			return out->kmsg_error ? out->kmsg_error : -EINVAL;
		out->state_known = true;
		if (role == EPDMA_ROLE_HOST)
			host_unbound(ctx, cfg, out);
		transport_params(ctx, cfg, out);
		if (checks)
			status_transports(checks, out);
		else if (role == EPDMA_ROLE_HOST)
			host_transports(ctx, cfg, out);
		else
			endpoint_transports(ctx, cfg, out);
	}
	if (out->lost)
		return -ENOMEM;
	return out->kmsg_error ? out->kmsg_error : (int)out->count;
}

int epdma_doctor(struct epdma_ctx *ctx, const struct epdma_config *cfg, enum epdma_role role,
		 struct epdma_doctor *out)
{
	return doctor_run(ctx, cfg, role, NULL, out);
}

/* ---- what setup and status attach ---- */

static struct epdma_doctor *run_doctor(struct epdma_run *run)
{
	if (!run->causes) {
		run->causes = malloc(sizeof(*run->causes));
		if (run->causes)
			epdma_doctor_init(run->causes);
	}
	return run->causes;
}

int epdma_run_add_causes(struct epdma_run *run, const struct epdma_kmsg_record *recs, size_t n)
{
	struct epdma_doctor *d;
	int r;

	if (!n)
		return 0;
	d = run_doctor(run);
	if (!d)
		return -ENOMEM;
	r = epdma_doctor_match(recs, n, d);
	d->nrecords += n;
	return r;
}

int epdma_link_causes(struct epdma_ctx *ctx, const struct epdma_config *cfg, struct epdma_run *run)
{
	struct epdma_doctor *d;
	int r;

	/* An up link has nothing to explain: the log of an earlier failure is history. */
	if (run->link_up)
		return 0;
	d = run_doctor(run);
	if (!d)
		return -ENOMEM;
	/* The host's pairing checks were read by this status run already. */
	r = doctor_run(ctx, cfg, run->role, &run->checks, d);
	/* The log's error is in D (kmsg_error, errors): the live causes still count. */
	if (r < 0 && r != d->kmsg_error)
		return r;
	return d->lost ? -ENOMEM : 0;
}
