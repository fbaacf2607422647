// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epdma doctor: every known cause found in a log fixture holding the
 * kernel's own text (tests/fixtures/kmsg/<cause>.kmsg), a clean boot that
 * finds nothing, the live-state causes, the CLI's text and JSON, and the
 * setup failure that names its cause.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fixture.h"

#define KMSG_DIR TESTS_SRCDIR "/fixtures/kmsg/"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	char buf[4096];
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(f);
	fclose(m);
	return text;
}

/* The records of a fixture file (lines that are no record, the SPDX line, are skipped). */
static struct epdma_kmsg_record *load_records(const char *name, size_t *n)
{
	char *path, *text, *line, *save = NULL;
	struct epdma_kmsg_record *recs = NULL;

	ck_assert_int_ge(asprintf(&path, KMSG_DIR "%s.kmsg", name), 0);
	text = slurp(path);
	*n = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct epdma_kmsg_record rec;

		if (epdma_kmsg_parse(line, strlen(line), &rec) < 0)
			continue;
		recs = realloc(recs, (*n + 1) * sizeof(*recs));
		ck_assert_ptr_nonnull(recs);
		recs[(*n)++] = rec;
	}
	free(text);
	free(path);
	return recs;
}

/* How many lines of each fixture prove its cause (the rest is unrelated context). */
static const struct {
	const char *id;
	size_t lines;
} expect[] = {
	{ "vntb-db-count", 3 },	       { "vntb-no-msi", 3 },	    { "epf-msi-config", 3 },
	{ "vntb-spad-bar", 3 },	       { "vntb-db-bar", 3 },	    { "vntb-mw-bar", 3 },
	{ "vntb-ob-window", 3 },       { "vntb-mw-map", 1 },	    { "vntb-bus-kept", 1 },
	{ "vntb-second", 2 },	       { "ntb-register", 1 },	    { "vntb-mw-attr", 1 },
	{ "epc-max-functions", 1 },    { "epc-start", 1 },	    { "epf-unbound", 1 },
	{ "epf-bar-fixed", 3 },	       { "epf-bar-alloc", 2 },	    { "epc-no-features", 1 },
	{ "dma-no-bar", 1 },	       { "dma-same-bar", 1 },	    { "dma-bar-reserved", 1 },
	{ "dma-no-chans", 1 },	       { "dma-no-msi", 1 },	    { "dma-setup", 1 },
	{ "ntb-epf-no-msi", 4 },       { "ntb-epf-mw-count", 3 },   { "ntb-epf-resources", 3 },
	{ "ntb-mw-size", 2 },	       { "transport-mw-alloc", 1 }, { "transport-mw-xlat", 1 },
	{ "transport-api", 1 },	       { "netdev-mtu", 1 },	    { "module-param-invalid", 1 },
	{ "module-param-unknown", 1 }, { "edma-irq", 2 },	    { "edma-bar", 2 },
	{ "edma-probe", 2 },	       { "pci-bar-space", 2 },	    { "pci-bar-unassigned", 1 },
	{ "probe-failed", 1 },
};

/* Every log cause of the table has a fixture, and the fixture finds it and nothing else. */
START_TEST(each_cause_found_in_its_fixture)
{
	size_t nlog_causes = 0;

	for (size_t i = 0; epdma_cause_get(i); i++)
		nlog_causes += !epdma_cause_get(i)->live;
	ck_assert_uint_eq(nlog_causes, ARRAY_SIZE(expect));
	ck_assert_uint_ge(nlog_causes, 20);
	for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
		struct epdma_doctor d;
		size_t n;
		struct epdma_kmsg_record *recs = load_records(expect[i].id, &n);

		ck_assert_msg(epdma_cause_find(expect[i].id), "%s not in the table", expect[i].id);
		epdma_doctor_init(&d);
		ck_assert_int_eq(epdma_doctor_match(recs, n, &d), 1);
		ck_assert_str_eq(d.findings[0].cause->id, expect[i].id);
		ck_assert_msg(d.findings[0].nlog == expect[i].lines, "%s: %zu lines, want %zu",
			      expect[i].id, d.findings[0].nlog, expect[i].lines);
		ck_assert_ptr_null(d.findings[0].fact);
		epdma_doctor_free(&d);
		epdma_kmsg_records_free(recs, n);
	}
}
END_TEST

START_TEST(clean_boot_finds_nothing)
{
	struct epdma_doctor d;
	size_t n;
	struct epdma_kmsg_record *recs = load_records("clean", &n);

	ck_assert_uint_gt(n, 10);
	epdma_doctor_init(&d);
	ck_assert_int_eq(epdma_doctor_match(recs, n, &d), 0);
	ck_assert_uint_eq(d.count, 0);
	epdma_doctor_free(&d);
	epdma_kmsg_records_free(recs, n);
}
END_TEST

/* All fixtures in one log: every cause once, each line claimed by one cause only. */
START_TEST(all_causes_in_one_log)
{
	struct epdma_kmsg_record *all = NULL;
	size_t nall = 0, lines = 0;
	struct epdma_doctor d;

	for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
		size_t n;
		struct epdma_kmsg_record *recs = load_records(expect[i].id, &n);

		all = realloc(all, (nall + n) * sizeof(*all));
		ck_assert_ptr_nonnull(all);
		memcpy(all + nall, recs, n * sizeof(*recs));
		nall += n;
		free(recs);
		lines += expect[i].lines;
	}
	epdma_doctor_init(&d);
	ck_assert_int_eq(epdma_doctor_match(all, nall, &d), (int)ARRAY_SIZE(expect));
	for (size_t i = 0; i < d.count; i++)
		lines -= d.findings[i].nlog;
	ck_assert_uint_eq(lines, 0);
	epdma_doctor_free(&d);
	epdma_kmsg_records_free(all, nall);
}
END_TEST

START_TEST(pattern_pieces_in_order)
{
	ck_assert(epdma_cause_pattern_match("DB count 0 out of range (1 - 32)",
					    "DB count * out of range (1 - "));
	ck_assert(!epdma_cause_pattern_match("out of range (1 - 32) DB count 0",
					     "DB count * out of range (1 - "));
	ck_assert(epdma_cause_pattern_match("x: unknown parameter 'a' ignored",
					    "unknown parameter '* ignored"));
	ck_assert(!epdma_cause_pattern_match("abc", "abcd"));
	ck_assert(epdma_cause_pattern_match("abc", ""));
}
END_TEST

/* A priority above the cause's (a debug line quoting the text) is not the cause. */
START_TEST(priority_is_part_of_the_match)
{
	struct epdma_kmsg_record rec = { .priority = 7,
					 .usec = 1,
					 .text = (char *)"x y: create pci bus failed" };
	struct epdma_doctor d;

	epdma_doctor_init(&d);
	ck_assert_int_eq(epdma_doctor_match(&rec, 1, &d), 0);
	rec.priority = 3;
	ck_assert_int_eq(epdma_doctor_match(&rec, 1, &d), 1);
	ck_assert_str_eq(d.findings[0].cause->id, "vntb-bus-kept");
	epdma_doctor_free(&d);
}
END_TEST

/* Every cause is listed in epdmactl(8). */
START_TEST(causes_documented)
{
	char *man = slurp(TESTS_SRCDIR "/../man/epdmactl.8");

	for (size_t i = 0; epdma_cause_get(i); i++) {
		char *needle;

		ck_assert_int_ge(asprintf(&needle, ".B %s\n", epdma_cause_get(i)->id), 0);
		ck_assert_msg(has(man, needle), "%s missing in epdmactl.8", epdma_cause_get(i)->id);
		free(needle);
	}
	free(man);
}
END_TEST

/* ---- the CLI ---- */

static void kmsg_fixture(struct fx *fx, const char *name)
{
	char *path, *text;

	ck_assert_int_ge(asprintf(&path, KMSG_DIR "%s.kmsg", name), 0);
	text = slurp(path);
	fx_write(fx, "dev/kmsg", "%s", text);
	free(text);
	free(path);
}

static struct fx *host_root(const char *kmsg)
{
	struct fx *fx = fx_new();

	fx_write(fx, "etc/epdma.conf", "[general]\nrole = host\n");
	if (kmsg)
		kmsg_fixture(fx, kmsg);
	return fx;
}

static void doctor(struct fx *fx, struct fx_result *r, bool json)
{
	const char *argv[] = { "epdmactl", "--root", fx->root, "doctor", json ? "--json" : NULL,
			       NULL };

	fx_run(fx, r, argv);
}

START_TEST(cli_clean_exit_0)
{
	struct fx *fx = host_root("clean");
	struct fx_result r;

	doctor(fx, &r, false);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_str_eq(r.out, "No known problem in 15 kernel log records and the live state.\n");
	ck_assert_str_eq(r.err, "");
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(cli_text_names_lines_meaning_action)
{
	struct fx *fx = host_root("ntb-epf-no-msi");
	struct fx_result r;

	doctor(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "● ntb-epf-no-msi: host has no MSI vectors for ntb_hw_epf "
				 "(ntb_hw_epf, ntb_hw_epf 0000:08:00.0)\n"),
		      "%s", r.out);
	ck_assert(has(r.out, "    kernel: [    0.247914] <3> ntb_hw_epf 0000:08:00.0: Failed to "
			     "get MSI interrupts\n"));
	ck_assert(has(r.out, "    kernel: [    0.618285] <3> ntb_hw_epf 0000:08:00.0: probe "
			     "with driver ntb_hw_epf failed with error -22\n"));
	ck_assert(has(r.out, "    meaning: ntb_hw_epf needs MSI-X"));
	ck_assert(has(r.out, "    action: enable MSI-X"));
	ck_assert(has(r.out, "1 problem found in 7 kernel log records and the live state.\n"));
	/* The generic probe failure does not repeat what the specific cause claimed. */
	ck_assert(!has(r.out, "probe-failed"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(cli_json_schema)
{
	struct fx *fx = host_root("vntb-db-count");
	struct fx_result r;
	json_object *root, *causes, *c, *log, *rec, *v;

	doctor(fx, &r, true);
	ck_assert_int_eq(r.status, 1);
	root = json_tokener_parse(r.out);
	ck_assert_msg(root != NULL, "%s", r.out);
	ck_assert(json_object_object_get_ex(root, "schema_version", &v));
	ck_assert_int_eq(json_object_get_int(v), 1);
	ck_assert(json_object_object_get_ex(root, "ok", &v));
	ck_assert(!json_object_get_boolean(v));
	ck_assert(json_object_object_get_ex(root, "causes", &causes));
	ck_assert_uint_eq(json_object_array_length(causes), 1);
	c = json_object_array_get_idx(causes, 0);
	ck_assert(json_object_object_get_ex(c, "id", &v));
	ck_assert_str_eq(json_object_get_string(v), "vntb-db-count");
	ck_assert(json_object_object_get_ex(c, "title", &v));
	ck_assert(json_object_object_get_ex(c, "meaning", &v));
	ck_assert(has(json_object_get_string(v), "1..32"));
	ck_assert(json_object_object_get_ex(c, "action", &v));
	ck_assert(has(json_object_get_string(v), "[vntb] db_count"));
	ck_assert(json_object_object_get_ex(c, "log", &log));
	ck_assert_uint_eq(json_object_array_length(log), 3);
	rec = json_object_array_get_idx(log, 0);
	ck_assert(json_object_object_get_ex(rec, "priority", &v));
	ck_assert_int_eq(json_object_get_int(v), 3);
	ck_assert(json_object_object_get_ex(rec, "usec", &v));
	ck_assert_int_eq(json_object_get_int64(v), 247914);
	ck_assert(json_object_object_get_ex(rec, "text", &v));
	ck_assert_str_eq(json_object_get_string(v),
			 "pci_epf_vntb pci_epf_vntb.0: DB count 0 out of range (1 - 32)");
	json_object_put(root);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(cli_no_kmsg_fails)
{
	struct fx *fx = host_root(NULL);
	struct fx_result r;

	doctor(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: /dev/kmsg: cannot read the kernel log: No such file "
				 "or directory\n"),
		      "%s", r.err);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- live state ---- */

static const char host_conf[] = "[general]\nrole = host\n"
				"[vntb]\nnum_mws = 1\nmw1 = 1M\nspad_count = 64\ndb_count = 4\n"
				"[dma]\nwr_chans = 2\nrd_chans = 2\n"
				"[transport]\nmax_mw_size = 0x100000\n";

static struct epdma_config *load_config(struct fx *fx, struct epdma_ctx **ctx)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = NULL;
	char *p = fx_path(fx, "etc/epdma.conf");

	fx_write(fx, "etc/epdma.conf", "%s", host_conf);
	ck_assert_int_eq(chmod(p, 0644), 0);
	free(p);
	ck_assert_int_eq(epdma_ctx_new(ctx, fx->root), 0);
	ck_assert_int_eq(epdma_config_load(*ctx, NULL, &cfg, &errs), 0);
	epdma_errors_clear(&errs);
	return cfg;
}

static const struct epdma_finding *find(const struct epdma_doctor *d, const char *id)
{
	for (size_t i = 0; i < d->count; i++)
		if (!strcmp(d->findings[i].cause->id, id))
			return &d->findings[i];
	return NULL;
}

START_TEST(live_unbound_functions_and_transport_values)
{
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct epdma_config *cfg;
	struct epdma_doctor d;
	const struct epdma_finding *f;

	fx_x86_host(fx);
	kmsg_fixture(fx, "clean");
	cfg = load_config(fx, &ctx);
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg });
	fx_write(fx, "sys/module/ntb_transport_ep_dma/parameters/max_mw_size", "2097152\n");
	fx_write(fx, "sys/module/ntb_transport_ep_dma/parameters/transport_mtu", "65536\n");
	epdma_doctor_init(&d);
	ck_assert_int_eq(epdma_doctor(ctx, cfg, EPDMA_ROLE_AUTO, &d), 3);
	ck_assert(d.state_known);
	f = find(&d, "dma-unbound");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->fact, "0000:08:00.1 (1957:080b) has no driver; dw-edma-pcie wanted");
	ck_assert_uint_eq(f->nlog, 0);
	f = find(&d, "vntb-unbound");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->subject, "0000:08:00.0");
	f = find(&d, "transport-params");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->fact,
			 "ntb_transport_ep_dma max_mw_size is 2097152, [transport] max_mw_size "
			 "is 1048576");
	epdma_doctor_free(&d);

	/* Bound and equal: nothing. */
	fx_write(fx, "sys/module/ntb_transport_ep_dma/parameters/max_mw_size", "1048576\n");
	/* What doctor reads of a binding: that the driver link is there. */
	fx_mkdir(fx, "sys/bus/pci/devices/0000:08:00.0/driver");
	fx_mkdir(fx, "sys/bus/pci/devices/0000:08:00.1/driver");
	epdma_doctor_init(&d);
	ck_assert_int_eq(epdma_doctor(ctx, cfg, EPDMA_ROLE_AUTO, &d), 0);
	epdma_doctor_free(&d);
	epdma_config_free(cfg);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/* A transport's words in the card's control BAR: spad_count 64 at 0x200
 * (fixture-host.c), the endpoint's half first, the host's at 0x300. */
static void spad_half(struct fx *fx, long off, uint32_t nqps)
{
	char *path = fx_path(fx, "sys/bus/pci/devices/0000:08:00.0/resource0");
	uint32_t words[6] = { 4, 0, nqps, 1, 0, 0x100000 }; /* VERSION 4, QPs, 1 MW of 1 MiB */
	FILE *f = fopen(path, "r+b");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
	ck_assert_uint_eq(fwrite(words, sizeof(words), 1, f), 1);
	fclose(f);
	free(path);
}

/* Both transports' words in the control BAR: each difference with its key; a
 * down link with nothing to compare says what the scratchpads show. */
START_TEST(live_transport_mismatch_and_link_down)
{
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct epdma_config *cfg;
	struct epdma_doctor d;
	const struct epdma_finding *f;

	fx_x86_host(fx);
	kmsg_fixture(fx, "clean");
	cfg = load_config(fx, &ctx);
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg });
	/* The host's transport on ntb_hw_epf's NTB device, its queue down. */
	fx_host_ntb_device(fx, "0000:08:00.0");
	fx_write(fx, "sys/kernel/debug/ntb_transport/0000:08:00.0/qp0/stats",
		 "\nNTB QP stats:\n\nQP Link - \tDown\n");
	/* Nobody wrote: the down link, and why nothing was compared. */
	epdma_doctor_init(&d);
	epdma_doctor(ctx, cfg, EPDMA_ROLE_AUTO, &d);
	f = find(&d, "transport-link-down");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->fact, "0 of 1 transport queues up on 0000:08:00.0; not verified: the "
				  "endpoint's transport has not written its scratchpads");
	ck_assert_ptr_null(find(&d, "transport-mismatch"));
	epdma_doctor_free(&d);
	/* Both wrote, with other queue counts: the key and both values. */
	spad_half(fx, 0x200, 1);
	spad_half(fx, 0x300, 2);
	epdma_doctor_init(&d);
	epdma_doctor(ctx, cfg, EPDMA_ROLE_AUTO, &d);
	f = find(&d, "transport-mismatch");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->subject, "transport queues");
	ck_assert_msg(has(f->fact, "queue pairs: host 2, endpoint 1: the link never comes up; set "
				   "the same [transport] max_num_clients on both ends"),
		      "%s", f->fact);
	ck_assert_ptr_null(find(&d, "transport-link-down"));
	epdma_doctor_free(&d);
	/* Both agree: nothing (the queue waits for the clients, not a mismatch). */
	spad_half(fx, 0x300, 1);
	epdma_doctor_init(&d);
	epdma_doctor(ctx, cfg, EPDMA_ROLE_AUTO, &d);
	ck_assert_ptr_null(find(&d, "transport-mismatch"));
	ck_assert_ptr_null(find(&d, "transport-link-down"));
	epdma_doctor_free(&d);
	epdma_config_free(cfg);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/* ---- setup names the cause of its failed step ---- */

START_TEST(setup_failure_names_the_cause)
{
	struct fx *fx = fx_new();
	const char *argv[] = { "epdmactl", "--root", fx->root, "setup", NULL };
	struct fx_result r;

	fx_rcar_s4(fx);
	fx_write(fx, "etc/epdma.conf",
		 "[general]\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x10\n"
		 "[dma]\nwr_chans = 2\nrd_chans = 1\nmsi_interrupts = 4\n");
	fx_kernel_config(fx, "late_fail=pci_epf_dma");
	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: setup: known cause epf-msi-config: function's MSI "
				 "setup failed; give the function fewer vectors"),
		      "%s", r.err);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(setup_json_names_the_cause)
{
	struct fx *fx = fx_new();
	const char *argv[] = { "epdmactl", "--root", fx->root, "setup", "--json", NULL };
	json_object *root, *causes, *c, *v, *log;
	struct fx_result r;

	fx_rcar_s4(fx);
	fx_write(fx, "etc/epdma.conf",
		 "[general]\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x10\n"
		 "[dma]\nwr_chans = 2\nrd_chans = 1\nmsi_interrupts = 4\n");
	fx_kernel_config(fx, "late_fail=pci_epf_dma");
	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 1);
	root = json_tokener_parse(r.out);
	ck_assert_msg(root != NULL, "%s", r.out);
	ck_assert(json_object_object_get_ex(root, "causes", &causes));
	ck_assert_uint_eq(json_object_array_length(causes), 1);
	c = json_object_array_get_idx(causes, 0);
	ck_assert(json_object_object_get_ex(c, "id", &v));
	ck_assert_str_eq(json_object_get_string(v), "epf-msi-config");
	ck_assert(json_object_object_get_ex(c, "log", &log));
	ck_assert_uint_ge(json_object_array_length(log), 1);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(log, 0), "text", &v));
	ck_assert_msg(has(json_object_get_string(v), "MSI configuration failed"), "%s",
		      json_object_get_string(v));
	ck_assert(json_object_object_get_ex(c, "action", &v));
	ck_assert(has(json_object_get_string(v), "msi_interrupts"));
	json_object_put(root);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* The host's setup: ntb_hw_epf's probe fails (no MSI), its cause named on the failed step. */
START_TEST(host_setup_failure_names_the_cause)
{
	struct fx *fx = fx_new();
	const char *argv[] = { "epdmactl", "--root", fx->root, "setup", NULL, NULL };
	struct epdma_ctx *ctx;
	struct epdma_config *cfg;
	json_object *root, *causes, *v;
	struct fx_result r;

	fx_x86_host(fx);
	fx_host_modules(fx, true);
	cfg = load_config(fx, &ctx);
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg });
	epdma_config_free(cfg);
	epdma_ctx_free(ctx);
	fx_kernel_config(fx, "ntb_epf_msi=0");
	fx_run(fx, &r, argv);
	ck_assert_msg(r.status == 1, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.err, "epdmactl: setup: known cause ntb-epf-no-msi: host has no MSI "
				 "vectors for ntb_hw_epf; "),
		      "%s", r.err);
	fx_result_free(&r);
	argv[4] = "--json";
	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 1);
	root = json_tokener_parse(r.out);
	ck_assert_msg(root != NULL, "%s", r.out);
	ck_assert(json_object_object_get_ex(root, "causes", &causes));
	ck_assert_uint_eq(json_object_array_length(causes), 1);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(causes, 0), "id", &v));
	ck_assert_str_eq(json_object_get_string(v), "ntb-epf-no-msi");
	json_object_put(root);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* The host's card never appeared after a rescan: the BAR assignment failure is named. */
START_TEST(host_rescan_nothing_names_the_cause)
{
	struct fx *fx = fx_new();
	const char *argv[] = { "epdmactl", "--root", fx->root, "setup", NULL };
	struct fx_result r;

	fx_x86_host(fx);
	fx_host_modules(fx, true);
	fx_write(fx, "etc/epdma.conf", "%s[host]\nrescan = once\n", host_conf);
	kmsg_fixture(fx, "pci-bar-space");
	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: setup: known cause pci-bar-space: no address space for "
				 "a BAR on rescan; lower the endpoint's BAR sizes"),
		      "%s", r.err);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- status attaches the causes to a link that is not up ---- */

static const char ep_conf[] = "[general]\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x10\n"
			      "[dma]\nwr_chans = 2\nrd_chans = 1\nmsi_interrupts = 4\n";

/* A fixture of ROLE ("endpoint": an R-Car S4 not set up; "host": an x86 host, no card)
 * with the log KMSG (NULL: no /dev/kmsg). */
static struct fx *status_root(const char *role, const char *kmsg)
{
	struct fx *fx = fx_new();

	if (!strcmp(role, "host")) {
		fx_x86_host(fx);
		fx_write(fx, "etc/epdma.conf", "[general]\nrole = host\n");
	} else {
		fx_rcar_s4(fx);
		fx_write(fx, "etc/epdma.conf", "%s", ep_conf);
	}
	if (kmsg)
		kmsg_fixture(fx, kmsg);
	else {
		char *p = fx_path(fx, "dev/kmsg");

		unlink(p);
		free(p);
	}
	return fx;
}

static void status(struct fx *fx, struct fx_result *r, bool json)
{
	const char *argv[] = { "epdmactl", "--root", fx->root, "status", json ? "--json" : NULL,
			       NULL };

	fx_run(fx, r, argv);
}

/* The "link" object of a status --json (ROOT keeps it; caller puts ROOT). */
static json_object *status_link(struct fx *fx, json_object **root)
{
	struct fx_result r;
	json_object *link;

	status(fx, &r, true);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	*root = json_tokener_parse(r.out);
	ck_assert_msg(*root != NULL, "%s", r.out);
	ck_assert(json_object_object_get_ex(*root, "link", &link));
	fx_result_free(&r);
	return link;
}

/* An NTB device NAME below PCI device directory PCIDEV, its one queue UP or down. */
static void ntb_device(struct fx *fx, const char *pcidev, const char *name, bool up)
{
	char dev[160], p[256];

	snprintf(dev, sizeof(dev), "%s/%s", pcidev, name);
	fx_mkdir(fx, dev);
	fx_mkdir(fx, "sys/bus/ntb/devices");
	snprintf(p, sizeof(p), "sys/bus/ntb/devices/%s", name);
	fx_symlink_rel(fx, dev, p);
	/* ntb_transport.c:546 (v6.12); a down queue's file is empty (:475). */
	snprintf(p, sizeof(p), "sys/kernel/debug/ntb_transport/%s/qp0/stats", name);
	fx_write(fx, p, "%s", up ? "\nNTB QP stats:\n\nQP Link - \tUp\n" : "");
}

/*
 * Endpoint doctor: the down link it names is the vNTB's NTB device on the
 * configured bus (0x10), never one listed before it (an earlier vNTB bind's
 * on bus 0x0f).
 */
START_TEST(endpoint_link_down_on_the_vntb_bus)
{
	struct fx *fx = status_root("endpoint", "clean");
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = NULL;
	struct epdma_ctx *ctx;
	struct epdma_doctor d;
	const struct epdma_finding *f;

	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), 0);
	/* The stale one down, the vNTB's up: nothing to say. */
	ntb_device(fx, "sys/devices/pci0000:0f/0000:0f:00.0", "0000:0f:00.0", false);
	ntb_device(fx, "sys/devices/pci0000:10/0000:10:00.0", "0000:10:00.0", true);
	epdma_doctor_init(&d);
	epdma_doctor(ctx, cfg, EPDMA_ROLE_ENDPOINT, &d);
	ck_assert_ptr_null(find(&d, "transport-link-down"));
	epdma_doctor_free(&d);
	/* The other way round: the vNTB's queue down, named. */
	fx_write(fx, "sys/kernel/debug/ntb_transport/0000:0f:00.0/qp0/stats",
		 "\nNTB QP stats:\n\nQP Link - \tUp\n");
	fx_write(fx, "sys/kernel/debug/ntb_transport/0000:10:00.0/qp0/stats", "%s", "");
	epdma_doctor_init(&d);
	epdma_doctor(ctx, cfg, EPDMA_ROLE_ENDPOINT, &d);
	f = find(&d, "transport-link-down");
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->subject, "0000:10:00.0");
	ck_assert(has(f->fact, "0 of 1 transport queues up on 0000:10:00.0"));
	epdma_doctor_free(&d);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

START_TEST(status_down_link_names_the_cause)
{
	static const struct {
		const char *role, *kmsg, *line;
	} cases[] = {
		/* pci-epf-vntb.c:1009 (v6.12): the kept virtual bus */
		{ "endpoint", "vntb-bus-kept", "<3> create pci bus failed" },
		/* pci-epf-vntb.c:1255 */
		{ "endpoint", "ntb-register",
		  "<3> pci-vntb 0000:10:00.0: Failed to register NTB device" },
		/* ntb_hw_epf.c:375 and its probe failing, dd.c:655 */
		{ "host", "ntb-epf-no-msi",
		  "<3> ntb_hw_epf 0000:08:00.0: Failed to get MSI interrupts" },
		/* ntb_transport.c:835 */
		{ "host", "transport-mw-alloc",
		  "<3> ntb_hw_epf 0000:08:00.0: Unable to alloc MW buff of size 1073741824" },
		{ "host", "probe-failed",
		  "<3> dw-edma-pcie 0000:08:00.1: probe with driver dw-edma-pcie failed with error "
		  "-110" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fx *fx = status_root(cases[i].role, cases[i].kmsg);
		json_object *root, *link, *causes, *c, *v, *log;
		struct fx_result r;
		char *head;

		status(fx, &r, false);
		ck_assert_msg(r.status == 0, "%s: exit %d\n%s%s", cases[i].kmsg, r.status, r.out,
			      r.err);
		ck_assert_int_ge(asprintf(&head, "\n  cause %s: %s (", cases[i].kmsg,
					  epdma_cause_find(cases[i].kmsg)->title),
				 0);
		ck_assert_msg(has(r.out, head), "%s: %s", cases[i].kmsg, r.out);
		ck_assert_msg(has(strstr(r.out, "\nlink: "), head), "%s: not beside the link: %s",
			      cases[i].kmsg, r.out);
		ck_assert_msg(has(r.out, cases[i].line), "%s: %s", cases[i].kmsg, r.out);
		ck_assert(has(r.out, "    kernel: ["));
		ck_assert(has(r.out, "    action: "));
		free(head);
		fx_result_free(&r);

		link = status_link(fx, &root);
		ck_assert(json_object_object_get_ex(link, "up", &v));
		ck_assert(!json_object_get_boolean(v));
		ck_assert(json_object_object_get_ex(link, "causes", &causes));
		ck_assert_msg(json_object_array_length(causes) == 1, "%s: %s", cases[i].kmsg,
			      json_object_to_json_string(causes));
		c = json_object_array_get_idx(causes, 0);
		ck_assert(json_object_object_get_ex(c, "id", &v));
		ck_assert_str_eq(json_object_get_string(v), cases[i].kmsg);
		ck_assert(json_object_object_get_ex(c, "log", &log));
		ck_assert(json_object_object_get_ex(json_object_array_get_idx(log, 0), "text", &v));
		ck_assert(has(cases[i].line, json_object_get_string(v)));
		ck_assert(json_object_object_get_ex(c, "action", &v));
		ck_assert_str_eq(json_object_get_string(v),
				 epdma_cause_find(cases[i].kmsg)->action);
		ck_assert(json_object_object_get_ex(link, "causes_error", &v));
		ck_assert(json_object_is_type(v, json_type_null));
		json_object_put(root);
		fx_free(fx);
	}
}
END_TEST

START_TEST(status_down_link_clean_log_no_cause)
{
	static const char *const roles[] = { "endpoint", "host" };

	for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
		struct fx *fx = status_root(roles[i], "clean");
		json_object *root, *link, *v;
		struct fx_result r;

		status(fx, &r, false);
		ck_assert_int_eq(r.status, 0);
		ck_assert_msg(has(r.out, "\nlink: down: no NTB device\n"), "%s", r.out);
		ck_assert_msg(!has(r.out, "cause"), "%s: %s", roles[i], r.out);
		fx_result_free(&r);
		link = status_link(fx, &root);
		ck_assert(json_object_object_get_ex(link, "causes", &v));
		ck_assert(json_object_is_type(v, json_type_array));
		ck_assert_uint_eq(json_object_array_length(v), 0);
		ck_assert(json_object_object_get_ex(link, "causes_error", &v));
		ck_assert(json_object_is_type(v, json_type_null));
		json_object_put(root);
		fx_free(fx);
	}
}
END_TEST

/* A log that cannot be read is said, not taken for a clean one. */
START_TEST(status_unreadable_log_said)
{
	static const char *const roles[] = { "endpoint", "host" };

	for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
		struct fx *fx = status_root(roles[i], NULL);
		json_object *root, *link, *v;
		struct fx_result r;

		status(fx, &r, false);
		ck_assert_int_eq(r.status, 0);
		ck_assert_msg(has(r.out,
				  "  causes in the kernel log unknown: cannot read /dev/kmsg: "
				  "No such file or directory\n"),
			      "%s: %s", roles[i], r.out);
		fx_result_free(&r);
		link = status_link(fx, &root);
		ck_assert(json_object_object_get_ex(link, "causes_error", &v));
		ck_assert_str_eq(json_object_get_string(v),
				 "cannot read /dev/kmsg: No such file or directory");
		json_object_put(root);
		fx_free(fx);
	}
}
END_TEST

/* An up link: the log's old failure is not shown, and nothing was looked for (null). */
START_TEST(status_up_link_no_cause)
{
	struct fx *fx = status_root("host", "ntb-epf-no-msi");
	json_object *root, *link, *v;
	struct fx_result r;

	struct epdma_config *cfg;
	struct epdma_ctx *ctx;

	/* ntb_hw_epf's NTB device on the card's vNTB function. */
	cfg = load_config(fx, &ctx);
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg });
	epdma_config_free(cfg);
	epdma_ctx_free(ctx);
	fx_host_ntb_device(fx, "0000:08:00.0");
	/* ntb_transport.c:546 (v6.12) */
	fx_write(fx, "sys/kernel/debug/ntb_transport/0000:08:00.0/qp0/stats",
		 "\nNTB QP stats:\n\nrx_bytes - \t0\nQP Link - \tUp\n");
	status(fx, &r, false);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "\nlink: up\n"), "%s", r.out);
	ck_assert_msg(!has(r.out, "cause"), "%s", r.out);
	fx_result_free(&r);
	link = status_link(fx, &root);
	ck_assert(json_object_object_get_ex(link, "up", &v));
	ck_assert(json_object_get_boolean(v));
	ck_assert(json_object_object_get_ex(link, "causes", &v));
	ck_assert(json_object_is_type(v, json_type_null));
	json_object_put(root);

	/* The same tree with the queue down: the cause is back. */
	fx_write(fx, "sys/kernel/debug/ntb_transport/0000:08:00.0/qp0/stats",
		 "\nNTB QP stats:\n\nrx_bytes - \t0\nQP Link - \tDown\n");
	status(fx, &r, false);
	ck_assert_msg(has(r.out, "\n  cause ntb-epf-no-msi: "), "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

static Suite *doctor_suite(void)
{
	Suite *s = suite_create("doctor");
	TCase *tc = tcase_create("doctor");

	tcase_add_test(tc, each_cause_found_in_its_fixture);
	tcase_add_test(tc, clean_boot_finds_nothing);
	tcase_add_test(tc, all_causes_in_one_log);
	tcase_add_test(tc, pattern_pieces_in_order);
	tcase_add_test(tc, priority_is_part_of_the_match);
	tcase_add_test(tc, causes_documented);
	tcase_add_test(tc, cli_clean_exit_0);
	tcase_add_test(tc, cli_text_names_lines_meaning_action);
	tcase_add_test(tc, cli_json_schema);
	tcase_add_test(tc, cli_no_kmsg_fails);
	tcase_add_test(tc, live_unbound_functions_and_transport_values);
	tcase_add_test(tc, live_transport_mismatch_and_link_down);
	tcase_add_test(tc, endpoint_link_down_on_the_vntb_bus);
	tcase_add_test(tc, setup_failure_names_the_cause);
	tcase_add_test(tc, setup_json_names_the_cause);
	tcase_add_test(tc, host_setup_failure_names_the_cause);
	tcase_add_test(tc, host_rescan_nothing_names_the_cause);
	tcase_add_test(tc, status_down_link_names_the_cause);
	tcase_add_test(tc, status_down_link_clean_log_no_cause);
	tcase_add_test(tc, status_unreadable_log_said);
	tcase_add_test(tc, status_up_link_no_cause);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(doctor_suite());
}
