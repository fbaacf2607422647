// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The run layer's contracts (lib/README.md): kernel log records parsed as
 * structures, limits reported instead of dropped, read errors reported
 * instead of defaulted, a lock that can be tried without sleeping, runs
 * that hand over the same facts the CLI shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

static struct epdma_ctx *ctx_for(struct fx *fx)
{
	struct epdma_ctx *ctx = NULL;

	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	return ctx;
}

static const char conf[] = "[general]\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x10\n"
			   "[dma]\nwr_chans = 2\nrd_chans = 2\n";

START_TEST(kmsg_record_fields)
{
	static const char rec[] = "3,1234,5678901,-;pci_epf_vntb pci_epf_vntb.0: DB count 0 "
				  "out of range (1 - 32)\n SUBSYSTEM=pci-epf\n";
	struct epdma_kmsg_record r;

	ck_assert_int_eq(epdma_kmsg_parse(rec, strlen(rec), &r), 0);
	ck_assert_int_eq(r.priority, 3);
	ck_assert_uint_eq(r.usec, 5678901);
	ck_assert_str_eq(r.text, "pci_epf_vntb pci_epf_vntb.0: DB count 0 out of range (1 - 32)");
	free(r.text);
}
END_TEST

START_TEST(kmsg_facility_and_flags)
{
	/* Facility bits above the level (a user-space record) and a flags list. */
	static const char rec[] = "14,7,1,c,extra;text with; a semicolon";
	struct epdma_kmsg_record r;

	ck_assert_int_eq(epdma_kmsg_parse(rec, strlen(rec), &r), 0);
	ck_assert_int_eq(r.priority, 6);
	ck_assert_str_eq(r.text, "text with; a semicolon");
	free(r.text);
}
END_TEST

START_TEST(kmsg_malformed_records)
{
	static const char *const bad[] = {
		"",
		"3",
		"3,1",
		"3,1,2",
		"3,1,2,-",		       /* no ';' */
		"x,1,2,-;text",		       /* priority not a number */
		"3,,2,-;text",		       /* empty field */
		"3,1,-2,-;text",	       /* negative */
		"3,1,99999999999999999999,-;", /* usec past 64 bits */
		" SUBSYSTEM=pci",	       /* a continuation line */
	};
	struct epdma_kmsg_record r;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(epdma_kmsg_parse(bad[i], strlen(bad[i]), &r) == -EINVAL, "[%zu] %s",
			      i, bad[i]);
}
END_TEST

START_TEST(kmsg_parse_stops_at_len)
{
	/* The parser reads LEN bytes only: no NUL needed, nothing past it used. */
	static const char buf[] = "6,1,2,-;first\n6,2,3,-;second";
	struct epdma_kmsg_record r;

	ck_assert_int_eq(epdma_kmsg_parse(buf, 7, &r), -EINVAL); /* "6,1,2,-": no ';' yet */
	ck_assert_int_eq(epdma_kmsg_parse(buf, 13, &r), 0);
	ck_assert_str_eq(r.text, "first");
	free(r.text);
}
END_TEST

START_TEST(kmsg_read_from_fixture_file)
{
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct epdma_kmsg_record *recs = NULL;
	size_t n = 0;
	int fd;

	fx_write(fx, "/dev/kmsg", "6,1,10,-;before\n");
	ctx = ctx_for(fx);
	fd = epdma_kmsg_open(ctx);
	ck_assert_int_ge(fd, 0);
	fx_write(fx, "/dev/kmsg",
		 "6,1,10,-;before\n3,2,20,-;pci_epc e65d0000.pcie-ep: failed\n SUBSYSTEM=x\n"
		 "not a record\n4,3,30,-;partial");
	ck_assert_int_eq(epdma_kmsg_read(fd, &recs, &n), 1);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(recs[0].priority, 3);
	ck_assert_uint_eq(recs[0].usec, 20);
	ck_assert_str_eq(recs[0].text, "pci_epc e65d0000.pcie-ep: failed");
	epdma_kmsg_records_free(recs, n);
	close(fd);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/* A record naming more functions than epdma holds: never silently dropped. */
START_TEST(ownership_record_overflow_is_an_error)
{
	struct fx *fx = fx_new();
	const char *argv[] = { "epdmactl", "--root", fx->root, "status", NULL };
	struct fx_result r;
	char *text = strdup("controller e65d0000.pcie-ep\n");

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	for (int i = 0; i <= EPDMA_MAX_FUNCTIONS; i++) {
		char *t;

		ck_assert_int_ge(asprintf(&t, "%sfunction pci_epf_test t%d -\n", text, i), 0);
		free(text);
		text = t;
	}
	fx_write(fx, "/run/epdma/graph", "%s", text);
	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, strerror(EOVERFLOW)), "%s", r.err);
	fx_result_free(&r);
	free(text);
	fx_free(fx);
}
END_TEST

/* More functions in configfs than a graph holds: the read fails, the plan never guesses. */
START_TEST(graph_overflow_is_an_error)
{
	struct fx *fx = fx_new();
	const char *argv[] = { "epdmactl", "--root", fx->root, "plan", NULL };
	struct fx_result r;
	char *log;

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	for (int i = 0; i <= EPDMA_MAX_FUNCTIONS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "t%d", i);
		fx_foreign_function(fx, "pci_epf_test", name, NULL);
	}
	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "configfs: cannot read the graph: ") &&
			      has(r.err, strerror(EOVERFLOW)),
		      "%s", r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	fx_free(fx);
}
END_TEST

/* role = auto that cannot read /sys/class/pci_epc says so; it does not guess "host". */
START_TEST(role_detection_error_is_reported)
{
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct epdma_config *cfg = NULL;
	struct epdma_errors errs = { 0 };
	enum epdma_role role = EPDMA_ROLE_HOST;

	fx_write(fx, "/etc/epdma.conf", "[general]\nrole = auto\n");
	fx_write(fx, "/sys/class/pci_epc", "not a directory\n");
	ctx = ctx_for(fx);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), 0);
	ck_assert_int_eq(epdma_role_resolve(ctx, cfg, &role, &errs), -ENOTDIR);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].key, "general.role");
	ck_assert_msg(has(errs.items[0].message, "cannot list /sys/class/pci_epc"), "%s",
		      errs.items[0].message);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/* A PCI device list that cannot be read is a failed check, not "no leftover device". */
START_TEST(stale_device_listing_error_fails_the_check)
{
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct epdma_config *cfg = NULL;
	struct epdma_errors errs = { 0 };
	struct epdma_run run;
	char *devs, *cmd;
	bool found = false;

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	devs = fx_path(fx, "/sys/bus/pci/devices");
	ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", devs), 0);
	ck_assert_int_eq(system(cmd), 0);
	fx_write(fx, "/sys/bus/pci/devices", "not a directory\n");
	ctx = ctx_for(fx);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), 0);
	epdma_run_init(&run);
	ck_assert_int_eq(epdma_endpoint_check(ctx, cfg, 0, &run), -EPERM);
	for (size_t i = 0; i < run.checks.count; i++) {
		const struct epdma_check *c = &run.checks.items[i];

		if (strcmp(c->name, "vntb device"))
			continue;
		found = true;
		ck_assert_int_eq(c->result, EPDMA_CHECK_FAIL);
		ck_assert_msg(has(c->message, strerror(ENOTDIR)), "%s", c->message);
	}
	ck_assert(found);
	epdma_run_free(&run);
	epdma_config_free(cfg);
	epdma_ctx_free(ctx);
	free(cmd);
	free(devs);
	fx_free(fx);
}
END_TEST

/* A refusal writes nothing at all: not even the lock file. */
START_TEST(refused_setup_creates_no_lock_file)
{
	struct fx *fx = fx_new();
	const char *setup[] = { "epdmactl", "--root", fx->root, "setup", NULL };
	struct fx_result r;

	fx_rk3588(fx); /* one function: the DMA function cannot be had */
	fx_write(fx, "/etc/epdma.conf", "[general]\nprofile = imx8\n[vntb]\nvbus_number = 0x10\n");
	fx_run(fx, &r, setup);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "setup: refused; nothing was changed"), "%s", r.err);
	ck_assert(!fx_exists(fx, "/run/epdma/lock"));
	ck_assert(!fx_exists(fx, "/run/epdma"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A converged system without a lock file (say /run was cleaned) stays untouched. */
START_TEST(converged_setup_creates_no_lock_file)
{
	struct fx *fx = fx_new();
	const char *setup[] = { "epdmactl", "--root", fx->root, "setup", NULL };
	const char *teardown[] = { "epdmactl", "--root", fx->root, "teardown", "--force", NULL };
	char *path, *log, *oplog = NULL;
	struct fx_result r;

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	fx_run(fx, &r, setup);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	ck_assert(fx_exists(fx, "/run/epdma/lock"));
	path = fx_path(fx, "/run/epdma/lock");
	ck_assert_int_eq(unlink(path), 0);
	free(oplog);
	ck_assert_int_ge(asprintf(&oplog, "%s/oplog", fx->state), 0);
	ck_assert_int_eq(truncate(oplog, 0), 0);
	fx_run(fx, &r, setup);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "Nothing to do"), "%s", r.out);
	ck_assert(!fx_exists(fx, "/run/epdma/lock"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	/* Work to do: the lock file is made, and the run holds it. */
	fx_run(fx, &r, teardown);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(fx_exists(fx, "/run/epdma/lock"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(has(log, "rmdir"), "%s", log);
	free(log);
	free(path);
	free(oplog);
	fx_free(fx);
}
END_TEST

#define QP0_STATS "/sys/kernel/debug/ntb_transport/0000:10:00.0/qp0/stats"

/* status --wait-link: exit 0 once the transport's queues are up, 1 when not in time. */
START_TEST(status_wait_link)
{
	struct fx *fx = fx_new();
	const char *setup[] = { "epdmactl", "--root", fx->root, "setup", NULL };
	const char *wait0[] = { "epdmactl", "--root", fx->root, "status", "--wait-link", "0", NULL };
	const char *wait5[] = { "epdmactl", "--root",	   fx->root, "status",
				"--json",   "--wait-link", "5",	     NULL };
	const char *bad[] = {
		"epdmactl", "--root", fx->root, "status", "--wait-link", "soon", NULL
	};
	struct fx_result r;
	pid_t child;
	int status;

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	fx_run(fx, &r, setup);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	/* No debugfs: the link's state is unknown, which is not "up". */
	fx_run(fx, &r, wait0);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "link: unknown: debugfs not mounted\n"), "%s", r.out);
	fx_result_free(&r);
	/* A queue that is down: an empty stats file (ntb_transport.c:475, v6.12). */
	fx_write(fx, QP0_STATS, "%s", "");
	fx_run(fx, &r, wait0);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "link: down: 0 of 1 queues up\n"), "%s", r.out);
	fx_result_free(&r);
	/* The queue comes up while status waits. */
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		usleep(300 * 1000);
		fx_write(fx, QP0_STATS, "\nNTB QP stats:\n\nrx_bytes - \t0\n\nQP Link - \tUp\n");
		_exit(0);
	}
	fx_run(fx, &r, wait5);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_int_eq(fx_json_array_len(r.out, "functions"), 2);
	ck_assert_msg(has(r.out, "\"up\": true") && has(r.out, "\"summary\": \"up\""), "%s", r.out);
	fx_result_free(&r);
	fx_run(fx, &r, bad);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(has(r.err, "--wait-link takes whole seconds, not 'soon'"), "%s", r.err);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A WARN() during a bind is logged at warning level: shown, not a failed link. */
START_TEST(kernel_warning_does_not_fail_a_link)
{
	struct fx *fx = fx_new();
	const char *setup[] = { "epdmactl", "--root", fx->root, "setup", NULL };
	struct fx_result r;

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	fx_kernel_config(fx, "bind_warning=1");
	fx_run(fx, &r, setup);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_msg(has(r.out, "kernel: WARNING: CPU: 0 PID: 1 at drivers/pci/endpoint/"), "%s",
		      r.out);
	ck_assert(has(r.out, "  ok   link vntb0 to e65d0000.pcie-ep (PF0)\n"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* Ownership is by driver AND name: a function of the same driver is not epdma's. */
START_TEST(teardown_leaves_a_same_driver_function_alone)
{
	struct fx *fx = fx_new();
	const char *setup[] = { "epdmactl", "--root", fx->root, "setup", NULL };
	const char *teardown[] = { "epdmactl", "--root", fx->root, "teardown", "--force", NULL };
	const char *status[] = { "epdmactl", "--root", fx->root, "status", NULL };
	struct fx_result r;

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	fx_run(fx, &r, setup);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	fx_foreign_function(fx, "pci_epf_dma", "theirs", NULL);
	fx_run(fx, &r, status);
	ck_assert_msg(!has(r.out, "pci_epf_dma/theirs  owned by epdma"), "%s", r.out);
	fx_result_free(&r);
	fx_run(fx, &r, teardown);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_msg(!has(r.out, "theirs"), "%s", r.out);
	fx_result_free(&r);
	ck_assert(fx_exists(fx, "/sys/kernel/config/pci_ep/functions/pci_epf_dma/theirs"));
	ck_assert(!fx_exists(fx, "/sys/kernel/config/pci_ep/functions/pci_epf_dma/dma0"));
	fx_free(fx);
}
END_TEST

/* Timeout 0 tries once: the daemon must never sleep in the lock. */
START_TEST(lock_try_once)
{
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx = ctx_for(fx);
	pid_t holder = 0;
	int first = epdma_lock(ctx, 0, &holder);

	ck_assert_int_ge(first, 0);
	/* A second open file description conflicts, in this process too. */
	ck_assert_int_eq(epdma_lock(ctx, 0, &holder), -ETIMEDOUT);
	ck_assert_int_eq(holder, getpid());
	epdma_unlock(first);
	first = epdma_lock(ctx, 0, &holder);
	ck_assert_int_ge(first, 0);
	epdma_unlock(first);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/* The planner is pure: the same config, graph and facts give the same plan, no ctx. */
START_TEST(plan_is_a_function_of_its_inputs)
{
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct epdma_config *cfg = NULL;
	struct epdma_errors errs = { 0 };
	struct epdma_endpoint_facts facts;
	struct epdma_graph *g = calloc(1, sizeof(*g));
	struct epdma_plan *p1 = calloc(1, sizeof(*p1)), *p2 = calloc(1, sizeof(*p2));

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	ctx = ctx_for(fx);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), 0);
	epdma_endpoint_probe(ctx, cfg, &facts);
	ck_assert_int_eq(epdma_graph_read(ctx, facts.controller, g), 0);
	ck_assert_int_eq(epdma_plan_setup(cfg, g, &facts, 0, p1, &errs), 0);
	/* A leftover device in the facts alone turns the same inputs into a refusal. */
	ck_assert_int_eq(epdma_plan_setup(cfg, g, &facts, 0, p2, &errs), 0);
	ck_assert_mem_eq(p1, p2, sizeof(*p1));
	snprintf(facts.stale_vntb_device, sizeof(facts.stale_vntb_device), "0000:10:00.0");
	ck_assert_int_eq(epdma_plan_setup(cfg, g, &facts, 0, p2, &errs), -EPERM);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_int_eq(errs.items[0].reason, EPDMA_REASON_NEEDS_REBOOT);
	ck_assert_msg(has(errs.items[0].message, "0000:10:00.0"), "%s", errs.items[0].message);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	free(g);
	free(p1);
	free(p2);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/* Attribute NAME of F1 (a full read) and of F2 (the setup path's read): the same, or both absent. */
static void assert_same_attr(const struct epdma_function *f1, const struct epdma_function *f2,
			     const char *name)
{
	const struct epdma_attr_value *a1 = epdma_function_attr(f1, name);
	const struct epdma_attr_value *a2 = epdma_function_attr(f2, name);

	ck_assert_msg(!a1 == !a2, "%s/%s: %s in the full read, %s in the filtered one", f1->name,
		      name, a1 ? "present" : "absent", a2 ? "present" : "absent");
	if (a1) {
		ck_assert_str_eq(a1->text, a2->text);
		ck_assert_int_eq(a1->sub, a2->sub);
	}
}

/* Full and filtered reads of FX's graph agree on all the planner uses, and plan alike. */
static void assert_filtered_read_plans_alike(struct fx *fx)
{
	static const char *const looked_up[] = { "num_mws", "vbus_number", "vntb_vid", "vntb_pid" };
	struct epdma_ctx *ctx = ctx_for(fx);
	struct epdma_config *cfg = NULL;
	struct epdma_errors e1 = { 0 }, e2 = { 0 };
	struct epdma_endpoint_facts facts;
	struct epdma_spec specs[2];
	struct epdma_graph *g1 = calloc(1, sizeof(*g1)), *g2 = calloc(1, sizeof(*g2));
	struct epdma_plan *p1 = calloc(1, sizeof(*p1)), *p2 = calloc(1, sizeof(*p2));
	struct epdma_graph_opts opts = { specs, &facts };
	size_t fewer = 0;

	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &e1), 0);
	epdma_endpoint_probe(ctx, cfg, &facts);
	ck_assert(facts.links_listed && facts.state_read);
	epdma_specs_from_config(cfg, facts.bar_attrs > 0, specs);
	ck_assert_int_eq(epdma_graph_read(ctx, facts.controller, g1), 0);
	ck_assert_int_eq(epdma_graph_read_opts(ctx, facts.controller, &opts, g2), 0);
	ck_assert_uint_eq(g1->count, g2->count);
	ck_assert_int_eq(g1->start, g2->start);
	ck_assert_int_eq(g1->controller_present, g2->controller_present);
	ck_assert_mem_eq(&g1->state, &g2->state, sizeof(g1->state));
	for (size_t i = 0; i < g1->count; i++) {
		const struct epdma_function *f1 = &g1->functions[i], *f2 = &g2->functions[i];
		const struct epdma_spec *spec = epdma_spec_of(specs, f1);

		ck_assert_str_eq(f1->name, f2->name);
		ck_assert_str_eq(f1->subgroup, f2->subgroup);
		ck_assert_str_eq(f1->controller, f2->controller);
		ck_assert_int_eq(f1->linked, f2->linked);
		ck_assert_int_eq(f1->via_primary, f2->via_primary);
		ck_assert_int_eq(f1->pf, f2->pf);
		ck_assert_int_eq(f1->owned, f2->owned);
		for (size_t k = 0; spec && k < spec->nwant; k++)
			assert_same_attr(f1, f2, spec->want[k].name);
		for (size_t k = 0; spec && k < ARRAY_SIZE(looked_up); k++)
			assert_same_attr(f1, f2, looked_up[k]);
		/* A function the config does not name: none of its attributes is read. */
		if (!spec)
			ck_assert_uint_eq(f2->nattrs, 0);
		fewer += f1->nattrs - f2->nattrs;
	}
	/* What a plan never compares (cache_line_size, interrupt_pin, ...) is left unread. */
	ck_assert_uint_gt(fewer, 0);
	ck_assert_int_eq(epdma_plan_setup(cfg, g1, &facts, 0, p1, &e1),
			 epdma_plan_setup(cfg, g2, &facts, 0, p2, &e2));
	ck_assert_mem_eq(p1, p2, sizeof(*p1));
	ck_assert_uint_eq(e1.count, e2.count);
	for (size_t i = 0; i < e1.count; i++)
		ck_assert_str_eq(e1.items[i].message, e2.items[i].message);
	epdma_errors_clear(&e1);
	epdma_errors_clear(&e2);
	epdma_config_free(cfg);
	free(g1);
	free(g2);
	free(p1);
	free(p2);
	epdma_ctx_free(ctx);
}

/*
 * Plan and setup read only the attributes the planner compares or looks up
 * (epdma_graph_opts.specs): beside a foreign function, converged and drifted
 * they plan what a read of every attribute plans.
 */
START_TEST(filtered_graph_read_plans_as_a_full_read)
{
	/* driver, function, in the subgroup, attribute, value */
	static const struct {
		const char *driver, *function;
		bool sub;
		const char *attr, *value;
	} drift[] = {
		{ "pci_epf_vntb", "vntb0", true, "spad_count", "8\n" },
		{ "pci_epf_vntb", "vntb0", false, "vendorid", "0x1234\n" },
		{ "pci_epf_dma", "dma0", false, "msi_interrupts", "2\n" },
		{ "pci_epf_dma", "dma0", true, "rd_chans", "1\n" },
	};
	struct fx *foreign = fx_new(), *fx = fx_new();
	const char *setup[] = { "epdmactl", "--root", fx->root, "setup", NULL };
	struct fx_result r;

	/* Someone's function linked where epdma's go: the same refusal. */
	fx_foreign(foreign);
	fx_write(foreign, "/etc/epdma.conf", "%s", conf);
	assert_filtered_read_plans_alike(foreign);
	fx_free(foreign);

	fx_rcar_s4(fx);
	fx_foreign_function(fx, "pci_epf_test", "unlinked", NULL);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
	fx_run(fx, &r, setup);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	assert_filtered_read_plans_alike(fx);
	for (size_t i = 0; i < ARRAY_SIZE(drift); i++) {
		struct epdma_ctx *ctx = ctx_for(fx);
		char dir[256], sub[64] = "", *path = NULL;

		snprintf(dir, sizeof(dir), "/sys/kernel/config/pci_ep/functions/%s/%s",
			 drift[i].driver, drift[i].function);
		ck_assert(!drift[i].sub ||
			  epdma_function_subgroup(ctx, dir, drift[i].driver, sub, sizeof(sub)));
		epdma_ctx_free(ctx);
		ck_assert_int_ge(asprintf(&path, "%s%s%s/%s", dir + 1, sub[0] ? "/" : "", sub,
					  drift[i].attr),
				 0);
		ck_assert_msg(fx_exists(fx, path), "%s", path);
		fx_write(fx, path, "%s", drift[i].value);
		assert_filtered_read_plans_alike(fx);
		free(path);
	}
	fx_free(fx);
}
END_TEST

/* A refusal carries a reason code and no advice in the library's words. */
START_TEST(refusal_reason_without_cli_words)
{
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct epdma_config *cfg = NULL;
	struct epdma_errors errs = { 0 };
	struct epdma_run run;

	fx_rcar_s4(fx);
	/* imx8: the fixture's vNTB function has no BAR selectors to judge from. */
	fx_write(fx, "/etc/epdma.conf", "[general]\nprofile = imx8\n[vntb]\nvbus_number = 0x10\n");
	fx_foreign_function(fx, "pci_epf_vntb", "vntb0", NULL);
	ctx = ctx_for(fx);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), 0);
	epdma_run_init(&run);
	ck_assert_int_eq(epdma_endpoint_plan(ctx, cfg, 0, &run), -EPERM);
	ck_assert_ptr_null(run.outcomes);
	for (size_t i = 0; i < run.checks.count; i++)
		ck_assert_msg(run.checks.items[i].result != EPDMA_CHECK_FAIL, "preflight: %s: %s",
			      run.checks.items[i].name, run.checks.items[i].message);
	ck_assert_uint_ge(run.errors.count, 1);
	for (size_t i = 0; i < run.errors.count; i++) {
		const char *m = run.errors.items[i].message;

		ck_assert_msg(!has(m, "--") && !has(m, "epdmactl"), "%s", m);
		if (has(m, "was not created by epdma"))
			ck_assert_int_eq(run.errors.items[i].reason, EPDMA_REASON_NOT_OURS);
	}
	ck_assert_str_eq(run.errors.items[0].key, "pci_epf_vntb/vntb0");
	ck_assert_str_eq(run.errors.items[0].message, "exists but was not created by epdma");
	epdma_run_free(&run);
	epdma_config_free(cfg);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

static Suite *run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("run");

	tcase_add_test(tc, kmsg_record_fields);
	tcase_add_test(tc, kmsg_facility_and_flags);
	tcase_add_test(tc, kmsg_malformed_records);
	tcase_add_test(tc, kmsg_parse_stops_at_len);
	tcase_add_test(tc, kmsg_read_from_fixture_file);
	tcase_add_test(tc, ownership_record_overflow_is_an_error);
	tcase_add_test(tc, graph_overflow_is_an_error);
	tcase_add_test(tc, role_detection_error_is_reported);
	tcase_add_test(tc, stale_device_listing_error_fails_the_check);
	tcase_add_test(tc, refused_setup_creates_no_lock_file);
	tcase_add_test(tc, converged_setup_creates_no_lock_file);
	tcase_add_test(tc, status_wait_link);
	tcase_add_test(tc, kernel_warning_does_not_fail_a_link);
	tcase_add_test(tc, teardown_leaves_a_same_driver_function_alone);
	tcase_add_test(tc, lock_try_once);
	tcase_add_test(tc, plan_is_a_function_of_its_inputs);
	tcase_add_test(tc, filtered_graph_read_plans_as_a_full_read);
	tcase_add_test(tc, refusal_reason_without_cli_words);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(run_suite());
}
