// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The endpoint role end to end: epdmactl setup / plan / status / teardown on
 * the fixture machines with the fake kernel. Every test asserts what the
 * kernel was asked to do (the fake kernel's oplog and state), what the tree
 * holds afterwards, and what the user was told.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "fixture.h"

#define EPC	 "e65d0000.pcie-ep"
#define PCI_EP	 "sys/kernel/config/pci_ep"
#define VNTB_DIR PCI_EP "/functions/pci_epf_vntb/vntb0"
#define DMA_DIR	 PCI_EP "/functions/pci_epf_dma/dma0"
#define START	 PCI_EP "/controllers/" EPC "/start"

/* Explicit values, so that every attribute read back is checked against the test. */
static const char *const base_conf[][3] = {
	{ "general", "profile", "rcar-gen4" },
	{ "vntb", "spad_count", "16" },
	{ "vntb", "db_count", "8" },
	{ "vntb", "vbus_number", "0x10" },
	{ "vntb", "vntb_vid", "0x1912" },
	{ "vntb", "vntb_pid", "0x0031" },
	{ "vntb", "mw1", "0x100000" },
	{ "dma", "wr_chans", "2" },
	{ "dma", "rd_chans", "1" },
	{ "dma", "msi_interrupts", "4" },
};

/* The base config with "section.key=value" overrides (NULL-terminated). */
static void write_conf_set(struct fx *fx, const char *const *set)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	const char *section = "";

	for (size_t i = 0; i < ARRAY_SIZE(base_conf); i++) {
		const char *value = base_conf[i][2];
		size_t slen = strlen(base_conf[i][0]), klen = strlen(base_conf[i][1]);

		for (const char *const *o = set; o && *o; o++)
			if (!strncmp(*o, base_conf[i][0], slen) && (*o)[slen] == '.' &&
			    !strncmp(*o + slen + 1, base_conf[i][1], klen) &&
			    (*o)[slen + 1 + klen] == '=')
				value = *o + slen + klen + 2;
		if (strcmp(section, base_conf[i][0]))
			fprintf(m, "[%s]\n", base_conf[i][0]);
		section = base_conf[i][0];
		fprintf(m, "%s = %s\n", base_conf[i][1], value);
	}
	fclose(m);
	fx_write(fx, "/etc/epdma.conf", "%s", text);
	free(text);
}

#define write_conf(fx, ...) write_conf_set(fx, (const char *const[]){ __VA_ARGS__, NULL })

/* epdmactl --root <root> ARGS... */
static void ctl(struct fx *fx, struct fx_result *r, ...)
{
	const char *argv[16] = { "epdmactl", "--root", fx->root };
	size_t n = 3;
	va_list ap;

	va_start(ap, r);
	for (const char *a; (a = va_arg(ap, const char *)) && n < ARRAY_SIZE(argv) - 1;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	fx_run(fx, r, argv);
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0;

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');

		n += strncmp(l, prefix, strlen(prefix)) == 0;
		l = nl ? nl + 1 : l + strlen(l);
	}
	return n;
}

static void oplog_reset(struct fx *fx)
{
	char *p = NULL;

	ck_assert_int_ge(asprintf(&p, "%s/oplog", fx->state), 0);
	ck_assert_int_eq(truncate(p, 0) == 0 || errno == ENOENT, 1);
	free(p);
}

/* The fake kernel's own records ("fn ...", "pf ...", "vntb_bound ..."). */
static char *kernel_state(struct fx *fx)
{
	char *p = NULL, *text = NULL;
	size_t len = 0;
	FILE *f, *m = open_memstream(&text, &len);

	ck_assert_int_ge(asprintf(&p, "%s/state", fx->state), 0);
	f = fopen(p, "re");
	for (int c; f && (c = fgetc(f)) != EOF;)
		fputc(c, m);
	if (f)
		fclose(f);
	fclose(m);
	free(p);
	return text;
}

/* The PF the fake kernel gave DRV/NAME's primary link, -1 when not linked. */
static int kernel_pf(struct fx *fx, const char *drv, const char *name)
{
	char *st = kernel_state(fx), *key = NULL;
	const char *hit;
	int pf = -1;

	ck_assert_int_ge(asprintf(&key, "pf %s/%s:p " EPC " ", drv, name), 0);
	hit = strstr(st, key);
	if (hit)
		pf = atoi(hit + strlen(key));
	free(key);
	free(st);
	return pf;
}

/* An attribute file as a number (base auto-detection, as it reads back). */
static long long attr_num(struct fx *fx, const char *path)
{
	char *text = fx_read(fx, path), *end;
	long long v;

	ck_assert_msg(text, "%s missing", path);
	v = strtoll(text, &end, 0);
	ck_assert_msg(end != text && (*end == '\n' || !*end), "%s reads \"%s\"", path, text);
	free(text);
	return v;
}

#define ASSERT_ATTR(fx, path, want)                                                \
	ck_assert_msg(attr_num(fx, path) == (want), "%s is %lld, want %lld", path, \
		      attr_num(fx, path), (long long)(want))

/*
 * Every entry below the root with type, mode, link target and contents,
 * except the paths in SKIP (the kernel log grows, the lock file holds a pid)
 * and, when SKIP_VBUS, the pieces of a vNTB virtual bus the kernel keeps.
 */
/* With SKIP_VBUS, also what the kernel keeps after a vNTB unlink. */
static char *snapshot(struct fx *fx, bool skip_vbus)
{
	return fx_snapshot(fx, skip_vbus ? "-path ./dev/kmsg -o -path ./run/epdma -o "
					   "-path ./sys/class/pci_bus -o -path ./sys/bus/ntb -o "
					   "-path './sys/devices/pci0000:*' -o -path ./sys/bus/pci"
					 : "-path ./dev/kmsg -o -path ./run/epdma");
}

/* First line that differs, for messages. */
static const char *first_diff(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return a;
}

static void assert_same_tree(const char *before, const char *after, const char *what)
{
	ck_assert_msg(!strcmp(before, after), "%s: tree changed near: %.200s", what,
		      first_diff(before, after));
}

static void cold_setup(struct fx *fx)
{
	struct fx_result r;

	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "setup exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
}

/* ---- 1. cold setup ---- */

START_TEST(cold_setup_builds_the_graph)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *kmsg, *log, *graph;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_str_eq(r.err, "");
	ck_assert(has(r.out, "setup: done (28 operations)"));
	fx_result_free(&r);

	/* PF numbers as the kernel gave them: vNTB first (PF0), DMA second. */
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), 0);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);
	kmsg = fx_read(fx, "dev/kmsg");
	ck_assert_msg(has(kmsg, "pci_epf_dma pci_epf_dma.1: bound as fn1:"), "%s", kmsg);
	ck_assert(has(kmsg, "PCI host bridge to bus 0000:10"));
	free(kmsg);
	/* Links, in the controller, and start. */
	ck_assert(fx_exists(fx, PCI_EP "/controllers/" EPC "/vntb0"));
	ck_assert(fx_exists(fx, PCI_EP "/controllers/" EPC "/dma0"));
	ASSERT_ATTR(fx, START, 1);
	log = fx_oplog(fx);
	ck_assert_int_eq(count_lines(log, "symlink "), 2);
	ck_assert(strstr(log, "symlink " PCI_EP "/controllers/" EPC "/vntb0") <
		  strstr(log, "symlink " PCI_EP "/controllers/" EPC "/dma0"));
	ck_assert_msg(!has(log, "= -"), "a kernel operation failed:\n%s", log);
	free(log);

	/* Every attribute as configured, read back from the tree. */
	ASSERT_ATTR(fx, VNTB_DIR "/vendorid", 0x1912);
	ASSERT_ATTR(fx, VNTB_DIR "/deviceid", 0x0030);
	ASSERT_ATTR(fx, VNTB_DIR "/baseclass_code", 0x05);
	ASSERT_ATTR(fx, VNTB_DIR "/subclass_code", 0x00);
	ASSERT_ATTR(fx, VNTB_DIR "/progif_code", 0x00);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/num_mws", 1);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/mw1", 0x100000);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/spad_count", 16);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/db_count", 8);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/vbus_number", 0x10);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/vntb_vid", 0x1912);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/vntb_pid", 0x0031);
	/* The rcar-gen4 map: control BAR0, doorbell BAR4, MW1 BAR2. */
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/ctrl_bar", 0);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/db_bar", 4);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/mw1_bar", 2);
	ASSERT_ATTR(fx, DMA_DIR "/vendorid", 0x1912);
	ASSERT_ATTR(fx, DMA_DIR "/deviceid", 0x0032);
	ASSERT_ATTR(fx, DMA_DIR "/baseclass_code", 0x08);
	ASSERT_ATTR(fx, DMA_DIR "/subclass_code", 0x01);
	ASSERT_ATTR(fx, DMA_DIR "/progif_code", 0x00);
	ASSERT_ATTR(fx, DMA_DIR "/msi_interrupts", 4);
	ASSERT_ATTR(fx, DMA_DIR "/pci_epf_dma.1/wr_chans", 2);
	ASSERT_ATTR(fx, DMA_DIR "/pci_epf_dma.1/rd_chans", 1);
	/* Auto BARs: the kernel chose two different ones and wrote them back. */
	ck_assert_int_ge(attr_num(fx, DMA_DIR "/pci_epf_dma.1/metadata_bar"), 0);
	ck_assert_int_le(attr_num(fx, DMA_DIR "/pci_epf_dma.1/metadata_bar"), 5);
	ck_assert_int_ge(attr_num(fx, DMA_DIR "/pci_epf_dma.1/dma_window_bar"), 0);
	ck_assert_int_le(attr_num(fx, DMA_DIR "/pci_epf_dma.1/dma_window_bar"), 5);
	ck_assert_int_ne(attr_num(fx, DMA_DIR "/pci_epf_dma.1/metadata_bar"),
			 attr_num(fx, DMA_DIR "/pci_epf_dma.1/dma_window_bar"));

	/* epdma's record of what it made, with the PFs of its link order. */
	graph = fx_read(fx, "run/epdma/graph");
	ck_assert_str_eq(graph, "controller " EPC "\nfunction pci_epf_vntb vntb0 0\n"
				"function pci_epf_dma dma0 1\n");
	free(graph);

	ctl(fx, &r, "status", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(has(r.out, "In sync with the config."));
	ck_assert(has(r.out, "PF0  pci_epf_vntb/vntb0  owned by epdma, linked"));
	ck_assert(has(r.out, "PF1  pci_epf_dma/dma0  owned by epdma, linked"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- 2. single-function controller ---- */

START_TEST(rk3588_refused_before_any_write)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log;

	fx_rk3588(fx);
	fx_write(fx, "/etc/epdma.conf", "[general]\nprofile = imx8\n[vntb]\nvbus_number = 0x10\n");
	before = snapshot(fx, false);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(has(r.err, "epdmactl: max-functions: a40000000.pcie-ep supports 1 function"),
		      "%s", r.err);
	ck_assert(has(r.err, "max-functions = /bits/ 8 <2>"));
	ck_assert(has(r.err, "epdmactl: setup: refused; nothing was changed\n"));
	log = fx_oplog(fx);
	ck_assert_msg(!*log, "setup performed kernel operations:\n%s", log);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "rk3588 setup");
	free(log);
	free(before);
	free(after);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- 3. failure at every step of a cold setup ---- */

/* Description of the step an oplog line belongs to, as epdmactl names it. */
static char *step_of(const char *line)
{
	char path[512], value[64] = "", *desc = NULL;
	const char *fns = PCI_EP "/functions/";
	const char *p;

	ck_assert_int_ge(sscanf(line, "%*s %511s %63s", path, value), 1);
	if (!strncmp(line, "mkdir ", 6)) {
		ck_assert(!strncmp(path, fns, strlen(fns)));
		ck_assert_int_ge(asprintf(&desc, "create function %s", path + strlen(fns)), 0);
	} else if (!strncmp(line, "symlink ", 8)) {
		ck_assert_int_ge(asprintf(&desc, "link %s to " EPC " (PF%d)",
					  strrchr(path, '/') + 1, strstr(path, "/vntb0") ? 0 : 1),
				 0);
	} else if (!strcmp(path, START)) {
		desc = strdup("start " EPC);
	} else {
		/* functions/<drv>/<fn>/[<sub>/]<attr> */
		char drv[64], fn[64];

		p = path + strlen(fns);
		ck_assert_int_eq(sscanf(p, "%63[^/]/%63[^/]", drv, fn), 2);
		ck_assert_int_ge(asprintf(&desc, "%s: %s = %s", fn, strrchr(path, '/') + 1, value),
				 0);
	}
	return desc;
}

/* The N-th line of LOG starting with KIND. */
static char *nth_op(const char *log, const char *kind, unsigned int n)
{
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%s ", kind);
	for (const char *l = log; l && *l;) {
		const char *nl = strchr(l, '\n');

		if (!strncmp(l, prefix, strlen(prefix)) && --n == 0)
			return strndup(l, nl ? (size_t)(nl - l) : strlen(l));
		l = nl ? nl + 1 : l + strlen(l);
	}
	ck_abort_msg("no %s #%u in the oplog", kind, n);
	return NULL;
}

/* The oplog of a cold setup that works: what "every step" counts. */
static char *cold_oplog(void)
{
	struct fx *fx = fx_new();
	char *log;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	log = fx_oplog(fx);
	fx_free(fx);
	return log;
}

struct errno_case {
	int err;
	const char *name;
};

static void fail_one(const char *kind, unsigned int k, const struct errno_case *e,
		     const char *good_log)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *step, *line, *want, *log;
	bool bus_left;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_kernel_config(fx, "fail=%s:%u:%s", kind, k, e->name);
	before = snapshot(fx, true);
	ctl(fx, &r, "setup", NULL);
	line = nth_op(good_log, kind, k);
	step = step_of(line);
	ck_assert_msg(r.status == 1, "%s #%u (%s) %s: exit %d\n%s%s", kind, k, e->name, line,
		      r.status, r.out, r.err);
	ck_assert_int_ge(
		asprintf(&want, "epdmactl: setup: %s failed: %s\n", step, strerror(e->err)), 0);
	ck_assert_msg(has(r.err, want), "%s #%u (%s): want \"%s\" in stderr:\n%s", kind, k, e->name,
		      want, r.err);
	ck_assert_msg(has(r.err, "; the graph is as before\n") ||
			      (k == 1 && !strcmp(kind, "mkdir")),
		      "%s #%u: %s", kind, k, r.err);
	ck_assert_msg(has(r.out, "  FAIL "), "%s #%u: %s", kind, k, r.out);

	/* The graph and start as before; only the kernel's vNTB bus may stay. */
	after = snapshot(fx, true);
	assert_same_tree(before, after, line);
	ASSERT_ATTR(fx, START, 0);
	ck_assert_msg(!fx_exists(fx, "run/epdma/graph"), "%s #%u: ownership record written", kind,
		      k);
	bus_left = fx_exists(fx, "sys/class/pci_bus/0000:10");
	ck_assert_msg(bus_left == has(r.err, "the kernel keeps virtual bus 0000:10 of the vNTB "
					     "function and its device until reboot: neither "
					     "vbus_number 0x10 nor its vntb_vid/vntb_pid can be "
					     "used again in this boot"),
		      "%s #%u: bus left %d, stderr:\n%s", kind, k, bus_left, r.err);
	/* The vNTB link was made before anything failed exactly when the bus stays. */
	log = fx_oplog(fx);
	ck_assert_int_eq(bus_left, has(log, "symlink " PCI_EP "/controllers/" EPC "/vntb0 ") &&
					   !has(log, "/vntb0 = -"));
	/* Nothing is left linked or made: the fake kernel agrees. */
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), -1);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), -1);
	free(log);
	free(want);
	free(step);
	free(line);
	free(before);
	free(after);
	fx_result_free(&r);
	fx_free(fx);
}

static void fail_every(const char *kind, const struct errno_case *errs, size_t nerrs)
{
	char *good = cold_oplog();
	size_t n = count_lines(good, kind);

	ck_assert_uint_gt(n, 0);
	for (unsigned int k = 1; k <= n; k++)
		for (size_t i = 0; i < 2 && i < nerrs; i++)
			fail_one(kind, k, &errs[(k + i) % nerrs], good);
	free(good);
}

START_TEST(failed_mkdir_rolls_back)
{
	static const struct errno_case errs[] = {
		{ ENOMEM, "ENOMEM" },
		{ EEXIST, "EEXIST" },
		{ ENOSPC, "ENOSPC" },
	};

	fail_every("mkdir", errs, ARRAY_SIZE(errs));
}
END_TEST

START_TEST(failed_write_rolls_back)
{
	static const struct errno_case errs[] = {
		{ EINVAL, "EINVAL" },
		{ ERANGE, "ERANGE" },
		{ EIO, "EIO" },
		{ EOPNOTSUPP, "EOPNOTSUPP" },
	};

	fail_every("write", errs, ARRAY_SIZE(errs));
}
END_TEST

START_TEST(failed_link_rolls_back)
{
	static const struct errno_case errs[] = {
		{ EINVAL, "EINVAL" },
		{ EBUSY, "EBUSY" },
		{ EOPNOTSUPP, "EOPNOTSUPP" },
		/* ln's own EIO, not "the kernel logged an error" */
		{ EIO, "EIO" },
	};

	fail_every("symlink", errs, ARRAY_SIZE(errs));
}
END_TEST

START_TEST(failed_start_rolls_back)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_kernel_config(fx, "start_fail=1");
	before = snapshot(fx, true);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: setup: start " EPC " failed: Invalid argument\n"), "%s",
		      r.err);
	ck_assert(
		has(r.err, "epdmactl: setup: rolled back 27 operations; the graph is as before\n"));
	ck_assert(has(r.err, "neither vbus_number 0x10 nor its vntb_vid/vntb_pid can be used again "
			     "in this boot"));
	/* What the kernel logged for the failed step is shown with it. */
	ck_assert_msg(has(r.out, "  FAIL start " EPC "\n       kernel: pci_epc " EPC
				 ": failed to start endpoint controller\n"),
		      "%s", r.out);
	after = snapshot(fx, true);
	assert_same_tree(before, after, "start_fail");
	ck_assert(fx_exists(fx, "sys/class/pci_bus/0000:10"));
	/* Rollback in reverse: unlink DMA, unlink vNTB, rmdir DMA, rmdir vNTB. */
	log = fx_oplog(fx);
	ck_assert(strstr(log, "write " START " 1 = -EINVAL\nunlink " PCI_EP "/controllers/" EPC
			      "/dma0 = 0\nunlink " PCI_EP "/controllers/" EPC "/vntb0 = 0\n"));
	ck_assert(strstr(log, "rmdir " DMA_DIR " = 0\n") < strstr(log, "rmdir " VNTB_DIR " = 0\n"));
	free(log);
	free(before);
	free(after);
	fx_result_free(&r);

	/* The next attempt is refused until reboot or another vbus_number. */
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.err, "reboot, or choose another vbus_number"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A function's later setup fails after bind: ln succeeds, only the kernel log tells. */
START_TEST(logged_failure_after_link_rolls_back)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_kernel_config(fx, "late_fail=pci_epf_dma");
	before = snapshot(fx, true);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: setup: link dma0 to " EPC " (PF1) failed: the kernel "
				 "logged an error (the link itself succeeded)\n"),
		      "%s", r.err);
	ck_assert_msg(has(r.out, "  FAIL link dma0 to " EPC " (PF1)\n"), "%s", r.out);
	ck_assert(
		has(r.out, "       kernel: pci_epf_dma pci_epf_dma.1: MSI configuration failed\n"));
	ck_assert(has(r.err, "; the graph is as before\n"));
	after = snapshot(fx, true);
	assert_same_tree(before, after, "late_fail");
	/* The link that did succeed was removed by the rollback. */
	log = fx_oplog(fx);
	ck_assert_msg(has(log, "unlink " PCI_EP "/controllers/" EPC "/dma0 = 0\n"), "%s", log);
	ck_assert(!fx_exists(fx, PCI_EP "/controllers/" EPC "/dma0"));
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), -1);
	free(log);
	free(before);
	free(after);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A bind the kernel refuses: ln fails, and the kernel's lines for it are shown. */
START_TEST(kernel_log_of_failed_link_shown)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_two_controllers(fx);
	fx_write(fx, "/etc/epdma.conf",
		 "[general]\nprofile = rcar-gen4\n[endpoint]\ncontroller = e65d0000.pcie-ep\n");
	cold_setup(fx);
	/* Someone else's pair now (a lost /run): epdma's own would be refused while
	 * still linked to the other controller (controller_change_refused). */
	{
		char *p = fx_path(fx, "run/epdma/graph");

		ck_assert_int_eq(unlink(p), 0);
		free(p);
	}
	/* vNTB's PCI driver is one static driver: a second bound vNTB cannot have it. */
	fx_write(fx, "/etc/epdma.conf",
		 "[general]\nprofile = rcar-gen4\n[endpoint]\ncontroller = e65d8000.pcie-ep\n"
		 "[vntb]\nname = vntb1\nvbus_number = 0x21\nvntb_pid = 0x0b0b\n[dma]\nname = "
		 "dma1\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: setup: link vntb1 to e65d8000.pcie-ep (PF0) failed: "
				 "Device or resource busy\n"),
		      "%s", r.err);
	ck_assert_msg(has(r.out,
			  "  FAIL link vntb1 to e65d8000.pcie-ep (PF0)\n"
			  "       kernel: Error: Driver 'pci-vntb' is already registered, "
			  "aborting...\n"
			  "       kernel: pci_epf_vntb pci_epf_vntb.2: failure register vntb "
			  "pci driver\n"),
		      "%s", r.out);
	ck_assert(has(r.err, "; the graph is as before\n"));
	ck_assert(!fx_exists(fx, PCI_EP "/functions/pci_epf_vntb/vntb1"));
	ck_assert(fx_exists(fx, PCI_EP "/controllers/" EPC "/vntb0"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* The other link form (<fn>/primary/<epc>): read, shown and undone as such. */
START_TEST(primary_link_form)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *ctrl = fx_path(fx, PCI_EP "/controllers/" EPC);
	char *link = fx_path(fx, PCI_EP "/controllers/" EPC "/dma0");
	char *primary = fx_path(fx, DMA_DIR "/primary/");
	char *log;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	/* Someone relinks dma0 by hand through primary/ (stopping first). */
	ctl(fx, &r, "setup", NULL);
	fx_result_free(&r);
	fx_run(fx, &r,
	       (const char *const[]){ "/bin/sh", "-c", "echo 0 > \"$0\"/start", ctrl, NULL });
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	fx_run(fx, &r, (const char *const[]){ "/bin/rm", link, NULL });
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	fx_run(fx, &r, (const char *const[]){ "/bin/ln", "-s", ctrl, primary, NULL });
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	ctl(fx, &r, "status", NULL);
	ck_assert_msg(has(r.out, "dma0  owned by epdma, linked (through primary/)\n"), "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "status", "--json", NULL);
	ck_assert_msg(has(r.out, "\"link_form\": \"primary\""), "%s", r.out);
	ck_assert(has(r.out, "\"link_form\": \"controller\""));
	fx_result_free(&r);
	oplog_reset(fx);
	ctl(fx, &r, "teardown", "--force", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(has(log, "unlink " DMA_DIR "/primary/" EPC " = 0\n"), "%s", log);
	free(log);
	ck_assert(!fx_exists(fx, DMA_DIR));
	free(ctrl);
	free(link);
	free(primary);
	fx_free(fx);
}
END_TEST

/* Another driver's error during a link is shown but fails nothing. */
START_TEST(unrelated_kernel_error_ignored)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_kernel_config(fx, "noise=1");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_msg(has(r.out, "  ok   link vntb0 to " EPC " (PF0)\n"
				 "       kernel: usb 1-1: device descriptor read/64, error -71\n"),
		      "%s", r.out);
	fx_result_free(&r);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);
	fx_free(fx);
}
END_TEST

/* A run that dies half-way: the next one knows what it had made and carries on. */
START_TEST(crash_mid_setup_resumes)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *graph, *log;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_kernel_config(fx, "kill=symlink:1");
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 128 + 9);
	fx_result_free(&r);
	/* Written ahead of the kernel: both functions being created, with their PFs. */
	graph = fx_read(fx, "run/epdma/graph");
	ck_assert_ptr_nonnull(graph);
	ck_assert_str_eq(graph, "controller " EPC "\nfunction pci_epf_vntb vntb0 0 creating\n"
				"function pci_epf_dma dma0 1 creating\n");
	free(graph);
	oplog_reset(fx);
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(!has(log, "mkdir ") && count_lines(log, "symlink ") == 2 &&
			      has(log, "write " START " 1 = 0\n"),
		      "%s", log);
	free(log);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), 0);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);
	graph = fx_read(fx, "run/epdma/graph");
	ck_assert_str_eq(graph, "controller " EPC "\nfunction pci_epf_vntb vntb0 0\n"
				"function pci_epf_dma dma0 1\n");
	free(graph);
	fx_free(fx);
}
END_TEST

/*
 * A crash between any kernel call and the ownership record, at every call of
 * a run: tests/killer.c SIGKILLs epdmactl just before or just after the N-th
 * call that changes something below the root (mkdir, rmdir, unlink, symlink,
 * rename, write). The same command run again, with no --adopt and no more
 * --force than the first, must converge to the tree and the record a run
 * without the crash leaves.
 */
struct crash_case {
	const char *name;
	void (*prepare)(struct fx *fx);
	const char *cmd, *opt;
};

static void crash_prepare_cold(struct fx *fx)
{
	fx_rcar_s4(fx);
	write_conf(fx, NULL);
}

static void crash_prepare_rebind(struct fx *fx)
{
	crash_prepare_cold(fx);
	cold_setup(fx);
	write_conf(fx, "dma.wr_chans=1", "dma.msi_interrupts=2");
}

static void crash_prepare_teardown(struct fx *fx)
{
	crash_prepare_cold(fx);
	cold_setup(fx);
}

/* epdmactl CMD [OPT] with the killer preloaded; KILL "before:<n>"/"after:<n>" or NULL. */
static void ctl_killer(struct fx *fx, struct fx_result *r, const struct crash_case *c,
		       const char *kill, const char *log)
{
	char *preload = NULL, *killv = NULL, *logv = NULL;
	const char *argv[12] = { "env" };
	size_t n = 1;

	if (ASAN_RUNTIME[0])
		ck_assert_int_ge(asprintf(&preload, "LD_PRELOAD=%s:%s:%s", ASAN_RUNTIME,
					  KILLER_PATH, FAKEKERNEL_PATH),
				 0);
	else
		ck_assert_int_ge(
			asprintf(&preload, "LD_PRELOAD=%s:%s", KILLER_PATH, FAKEKERNEL_PATH), 0);
	ck_assert_int_ge(asprintf(&killv, "EPDMA_KILL=%s", kill ? kill : ""), 0);
	ck_assert_int_ge(asprintf(&logv, "EPDMA_KILL_LOG=%s", log ? log : "/dev/null"), 0);
	argv[n++] = preload;
	argv[n++] = killv;
	argv[n++] = logv;
	argv[n++] = EPDMACTL_PATH;
	argv[n++] = "--root";
	argv[n++] = fx->root;
	argv[n++] = c->cmd;
	if (c->opt)
		argv[n++] = c->opt;
	argv[n] = NULL;
	fx_run(fx, r, argv);
	free(preload);
	free(killv);
	free(logv);
}

static void crash_rerun(struct fx *fx, const struct crash_case *c, struct fx_result *r)
{
	if (c->opt)
		ctl(fx, r, c->cmd, c->opt, NULL);
	else
		ctl(fx, r, c->cmd, NULL);
}

/* Crash at every call of C's command; returns the number of crashed runs. */
static unsigned long crash_every_call(const struct crash_case *c)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *want_tree, *want_record, *log, *calls_log;
	unsigned long ncalls, runs = 0;

	c->prepare(fx);
	calls_log = fx_path(fx, "../killer.log");
	ctl_killer(fx, &r, c, NULL, calls_log);
	ck_assert_msg(r.status == 0, "%s: %s%s", c->name, r.out, r.err);
	fx_result_free(&r);
	want_tree = snapshot(fx, false);
	want_record = fx_read(fx, "run/epdma/graph");
	log = fx_read(fx, "../killer.log");
	ncalls = count_lines(log, "");
	ck_assert_uint_gt(ncalls, 3);
	if (getenv("EPDMA_CRASH_DEBUG"))
		printf("%s calls:\n%s", c->name, log);
	fx_free(fx);

	for (unsigned long n = 1; n <= ncalls; n++)
		for (int after = 0; after < 2; after++) {
			char kill[32], *tree, *record;

			snprintf(kill, sizeof(kill), "%s:%lu", after ? "after" : "before", n);
			fx = fx_new();
			c->prepare(fx);
			ctl_killer(fx, &r, c, kill, NULL);
			ck_assert_msg(r.status == 128 + 9, "%s, %s: exit %d\n%s%s", c->name, kill,
				      r.status, r.out, r.err);
			fx_result_free(&r);
			crash_rerun(fx, c, &r);
			ck_assert_msg(r.status == 0, "%s, killed %s (%s): re-run exit %d\n%s%s",
				      c->name, kill, log, r.status, r.out, r.err);
			fx_result_free(&r);
			tree = snapshot(fx, false);
			ck_assert_msg(!strcmp(tree, want_tree),
				      "%s, killed %s: tree differs near: %.300s\ncalls:\n%s",
				      c->name, kill, first_diff(tree, want_tree), log);
			record = fx_read(fx, "run/epdma/graph");
			ck_assert_msg((!record && !want_record) || (record && want_record &&
								    !strcmp(record, want_record)),
				      "%s, killed %s: record\n%s\nwant\n%s", c->name, kill,
				      record ? record : "(none)",
				      want_record ? want_record : "(none)");
			free(tree);
			free(record);
			fx_free(fx);
			runs++;
		}
	printf("crash matrix: %s: %lu calls x before/after = %lu crashed runs\n", c->name, ncalls,
	       runs);
	free(log);
	free(calls_log);
	free(want_tree);
	free(want_record);
	return runs;
}

START_TEST(crash_at_every_call_converges)
{
	static const struct crash_case cases[] = {
		{ "cold setup", crash_prepare_cold, "setup", NULL },
		{ "forced DMA rebind", crash_prepare_rebind, "setup", "--force" },
		{ "teardown", crash_prepare_teardown, "teardown", "--force" },
	};
	unsigned long runs = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		runs += crash_every_call(&cases[i]);
	printf("crash matrix: %lu crashed runs in all\n", runs);
	fflush(stdout);
}
END_TEST

/* ---- 4. re-run ---- */

START_TEST(rerun_writes_nothing)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log, conf[4096];
	char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int watch;
	ssize_t n;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	oplog_reset(fx);
	before = snapshot(fx, false);
	snprintf(conf, sizeof(conf), "%s/etc/epdma.conf", fx->root);
	watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ck_assert_int_ge(watch, 0);
	ck_assert_int_ge(inotify_add_watch(watch, conf, IN_OPEN), 0);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Nothing to do: " EPC " matches the config.\n");
	ck_assert_str_eq(r.err, "");
	fx_result_free(&r);
	/* The config is read once (the role check's load is the run's). */
	n = read(watch, events, sizeof(events));
	ck_assert_int_eq(n, (ssize_t)sizeof(struct inotify_event));
	close(watch);
	ctl(fx, &r, "setup", "--json", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "\"ok\": true") && fx_json_array_len(r.out, "operations") == 0,
		      "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "plan", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Nothing to do: " EPC " matches the config.\n");
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(!*log, "a re-run performed kernel operations:\n%s", log);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "re-run");
	free(log);
	free(before);
	free(after);
	fx_free(fx);
}
END_TEST

/* The inotify watches of W that saw an event since the last call, as bits (1 << wd). */
static unsigned int opened_since(int w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	unsigned int seen = 0;
	ssize_t n;

	while ((n = read(w, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->wd > 0 && ev->wd < 32)
				seen |= 1u << ev->wd;
			p += sizeof(*ev) + ev->len;
		}
	return seen;
}

/* A converged re-run asks nothing only a change needs: not the PCI devices (a stale vNTB
 * device), not max-functions, not the kernel log. A setup with work to do and check do. */
START_TEST(rerun_skips_what_only_changes_need)
{
	static const char *const paths[] = {
		"sys/bus/pci/devices",
		"sys/class/pci_epc/" EPC "/device/of_node/max-functions",
		"dev/kmsg",
	};
	struct fx *fx = fx_new();
	struct fx_result r;
	unsigned int all = 0, seen;
	int w, wd;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_mkdir(fx, "sys/bus/pci/devices"); /* no device on the vNTB's bus yet */
	w = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ck_assert_int_ge(w, 0);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char *p = fx_path(fx, paths[i]);

		wd = inotify_add_watch(w, p, IN_OPEN);
		ck_assert_msg(wd > 0 && wd < 32, "watch %s: %s", p, strerror(errno));
		all |= 1u << wd;
		free(p);
	}
	cold_setup(fx);
	seen = opened_since(w);
	ck_assert_msg(seen == all, "the cold setup opened %#x of %#x", seen, all);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Nothing to do: " EPC " matches the config.\n");
	fx_result_free(&r);
	seen = opened_since(w);
	ck_assert_msg(seen == 0, "the converged re-run opened %#x", seen);
	ctl(fx, &r, "check", NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	seen = opened_since(w);
	ck_assert_msg((seen & 0x6) == 0x6, "check opened %#x", seen); /* watches 1 and 2 */
	close(w);
	fx_free(fx);
}
END_TEST

/* ---- 5. objects epdma did not create ---- */

START_TEST(foreign_function_untouched)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log;

	fx_foreign(fx);
	write_conf(fx, NULL);
	before = snapshot(fx, false);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "pci_epf_test/t0 is linked to " EPC " and was not created by "
				 "epdma"),
		      "%s", r.err);
	ck_assert(has(r.err, "setup: refused; nothing was changed"));
	fx_result_free(&r);
	ctl(fx, &r, "setup", "--force", "--adopt", NULL);
	ck_assert_int_eq(r.status, 1);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(!*log, "kernel operations:\n%s", log);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "foreign");
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_test", "t0"), 0);
	free(log);
	free(before);
	free(after);
	fx_free(fx);
}
END_TEST

/* Functions as the config names them, made and linked, but not recorded as epdma's. */
static void setup_then_forget(struct fx *fx)
{
	char *p = fx_path(fx, "run/epdma/graph");

	cold_setup(fx);
	ck_assert_int_eq(unlink(p), 0);
	free(p);
	oplog_reset(fx);
}

START_TEST(adopt_matching_function)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log, *graph;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	setup_then_forget(fx);
	before = snapshot(fx, false);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: pci_epf_vntb/vntb0: exists but was not created by "
				 "epdma; --adopt takes it over if it matches the config"),
		      "%s", r.err);
	ck_assert(has(r.err, "epdmactl: pci_epf_dma/dma0: exists but was not created by epdma"));
	fx_result_free(&r);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "refused adopt");
	free(after);

	ctl(fx, &r, "setup", "--adopt", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert(has(r.out, "  ok   adopt pci_epf_vntb/vntb0\n"));
	ck_assert(has(r.out, "  ok   adopt pci_epf_dma/dma0\n"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(!*log, "adopting performed kernel operations:\n%s", log);
	free(log);
	graph = fx_read(fx, "run/epdma/graph");
	ck_assert_msg(has(graph, "function pci_epf_vntb vntb0 ") &&
			      has(graph, "function pci_epf_dma dma0 "),
		      "%s", graph);
	free(graph);

	/* Now epdma's: a re-run is a no-op, teardown --force removes it. */
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Nothing to do: " EPC " matches the config.\n");
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	ctl(fx, &r, "teardown", "--force", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	ck_assert(!fx_exists(fx, VNTB_DIR));
	ck_assert(!fx_exists(fx, DMA_DIR));
	ck_assert(!fx_exists(fx, PCI_EP "/controllers/" EPC "/vntb0"));
	ck_assert(!fx_exists(fx, PCI_EP "/controllers/" EPC "/dma0"));
	ASSERT_ATTR(fx, START, 0);
	ck_assert(!fx_exists(fx, "run/epdma/graph"));
	free(before);
	fx_free(fx);
}
END_TEST

START_TEST(adopt_refuses_a_different_function)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log;
	const char *mk[] = { "mkdir", NULL, NULL };

	/* Linked and matching the old config, not the new one. */
	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	setup_then_forget(fx);
	write_conf(fx, "dma.wr_chans=1");
	before = snapshot(fx, false);
	ctl(fx, &r, "setup", "--adopt", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: pci_epf_dma/dma0: cannot adopt: wr_chans is 2, the "
				 "config wants 1 (--force reconfigures it)"),
		      "%s", r.err);
	ck_assert(has(r.err, "setup: refused; nothing was changed"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "adopt refused");
	free(before);
	free(after);
	fx_free(fx);

	/* Made by hand through the kernel, never configured: IDs differ. */
	fx = fx_new();
	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	mk[1] = fx_path(fx, VNTB_DIR);
	fx_run(fx, &r, mk);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	oplog_reset(fx);
	before = snapshot(fx, false);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.err, "pci_epf_vntb/vntb0: exists but was not created by epdma"));
	fx_result_free(&r);
	ctl(fx, &r, "setup", "--adopt", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "pci_epf_vntb/vntb0: cannot adopt: vendorid is 0xffff, the "
				 "config wants 0x1912"),
		      "%s", r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	after = snapshot(fx, false);
	assert_same_tree(before, after, "hand-made adopt refused");
	free((char *)mk[1]);
	free(log);
	free(before);
	free(after);
	fx_free(fx);
}
END_TEST

/* configfs does not show PF numbers: an adopted link's PF is unknown, and so is the PF
 * the kernel gives a function relinked beside it. epdma must not guess. */
START_TEST(adopted_link_pf_not_guessed)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *graph;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	setup_then_forget(fx);
	ctl(fx, &r, "setup", "--adopt", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	write_conf(fx, "dma.wr_chans=1");
	ctl(fx, &r, "plan", "--force", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "  rebind   link dma0 to " EPC " (PF?)\n"), "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "setup", "--force", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	/* The kernel put it beside the vNTB function, at PF1; the record must not say PF0. */
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);
	graph = fx_read(fx, "run/epdma/graph");
	ck_assert_msg(has(graph, "function pci_epf_dma dma0 -\n"), "%s", graph);
	free(graph);
	fx_free(fx);
}
END_TEST

/* ---- 6. DMA rebind ---- */

START_TEST(dma_rebind_needs_force)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log, *want, *kmsg;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	oplog_reset(fx);
	write_conf(fx, "dma.wr_chans=1");
	before = snapshot(fx, false);

	ctl(fx, &r, "plan", "--force", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "  restart  stop " EPC "\n  rebind   unlink dma0 from " EPC "\n"
				 "  rebind   dma0: wr_chans = 1\n"),
		      "%s", r.out);
	ck_assert(has(r.out, "  rebind   link dma0 to " EPC " (PF1)\n"));
	ck_assert_msg(has(r.out, "  restart  start " EPC "\n"), "%s", r.out);
	ck_assert(!has(r.out, "vntb0"));
	fx_result_free(&r);
	ctl(fx, &r, "plan", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.err, "pci_epf_dma/dma0: wr_chans is 2, the config wants 1"));
	ck_assert(
		has(r.err, "--force stops the link, unlinks dma0, rewrites, relinks and restarts"));
	fx_result_free(&r);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.err, "setup: refused; nothing was changed"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "rebind without --force");
	free(after);

	ctl(fx, &r, "setup", "--force", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_int_ge(asprintf(&want,
				  "write " START " 0 = 0\n"
				  "unlink " PCI_EP "/controllers/" EPC "/dma0 = 0\n"
				  "write " DMA_DIR "/pci_epf_dma.1/wr_chans 1 = 0\n"
				  "write " DMA_DIR "/pci_epf_dma.1/metadata_bar -1 = 0\n"
				  "write " DMA_DIR "/pci_epf_dma.1/dma_window_bar -1 = 0\n"
				  "symlink " PCI_EP "/controllers/" EPC "/dma0 %s/" DMA_DIR " = 0\n"
				  "write " START " 1 = 0\n",
				  fx->root),
			 0);
	ck_assert_str_eq(log, want);
	free(want);
	free(log);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), 0);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);
	kmsg = fx_read(fx, "dev/kmsg");
	ck_assert(has(strstr(kmsg, "bound as fn1:") + 1, "pci_epf_dma.1: bound as fn1:"));
	free(kmsg);
	ASSERT_ATTR(fx, DMA_DIR "/pci_epf_dma.1/wr_chans", 1);
	ASSERT_ATTR(fx, DMA_DIR "/pci_epf_dma.1/rd_chans", 1);
	ASSERT_ATTR(fx, START, 1);
	ctl(fx, &r, "status", NULL);
	ck_assert_msg(has(r.out, "In sync with the config."), "%s", r.out);
	fx_result_free(&r);
	oplog_reset(fx);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(has(r.out, "Nothing to do"));
	fx_result_free(&r);
	free(before);
	fx_free(fx);
}
END_TEST

/* ---- 7. vNTB rebind ---- */

START_TEST(vntb_rebind_needs_new_vbus)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log, *want;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	oplog_reset(fx);
	write_conf(fx, "vntb.spad_count=32");
	before = snapshot(fx, false);
	for (int force = 0; force < 2; force++) {
		ctl(fx, &r, "setup", force ? "--force" : NULL, NULL);
		ck_assert_int_eq(r.status, 1);
		ck_assert_msg(has(r.err,
				  "pci_epf_vntb/vntb0: spad_count is 16, the config wants 32: a "
				  "linked vNTB function cannot be changed in this boot with "
				  "vbus_number 0x10"),
			      "%s", r.err);
		ck_assert(has(r.err, "reboot, or set a new, unused vbus_number and use --force"));
		fx_result_free(&r);
	}
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "vNTB rebind refused");
	free(after);

	/* A new vbus_number that the kernel still holds is no better. */
	write_conf(fx, "vntb.spad_count=32", "vntb.vbus_number=0x20");
	fx_mkdir(fx, "sys/class/pci_bus/0000:20");
	ctl(fx, &r, "setup", "--force", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.err, "vbus_number 0x20"));
	fx_result_free(&r);
	{
		char *p = fx_path(fx, "sys/class/pci_bus/0000:20");

		ck_assert_int_eq(rmdir(p), 0);
		free(p);
	}
	/* A new, free one with the same vntb_vid/vntb_pid: the relink would probe the
	 * old virtual device through freed memory (real 6.12 oopsed), so never. */
	for (int force = 0; force < 2; force++) {
		ctl(fx, &r, "setup", force ? "--force" : NULL, NULL);
		ck_assert_int_eq(r.status, 1);
		ck_assert_msg(has(r.err,
				  "relinking a vNTB function with the same vntb_vid/vntb_pid "
				  "in one boot probes its old virtual device"),
			      "%s", r.err);
		fx_result_free(&r);
	}
	/* New IDs too: without --force still refused (unsafe unlink). */
	write_conf(fx, "vntb.spad_count=32", "vntb.vbus_number=0x20", "vntb.vntb_pid=0x0032");
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.err, "unlinks and relinks the vNTB function"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);

	ctl(fx, &r, "setup", "--force", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_int_ge(asprintf(&want,
				  "write " START " 0 = 0\n"
				  "unlink " PCI_EP "/controllers/" EPC "/dma0 = 0\n"
				  "unlink " PCI_EP "/controllers/" EPC "/vntb0 = 0\n"
				  "write " VNTB_DIR "/pci_epf_vntb.0/spad_count 32 = 0\n"
				  "write " VNTB_DIR "/pci_epf_vntb.0/vbus_number 0x20 = 0\n"
				  "write " VNTB_DIR "/pci_epf_vntb.0/vntb_pid 0x0032 = 0\n"
				  "write " DMA_DIR "/pci_epf_dma.1/metadata_bar -1 = 0\n"
				  "write " DMA_DIR "/pci_epf_dma.1/dma_window_bar -1 = 0\n"
				  "symlink " PCI_EP "/controllers/" EPC "/vntb0 %s/" VNTB_DIR
				  " = 0\n"
				  "symlink " PCI_EP "/controllers/" EPC "/dma0 %s/" DMA_DIR " = 0\n"
				  "write " START " 1 = 0\n",
				  fx->root, fx->root),
			 0);
	ck_assert_str_eq(log, want);
	free(want);
	free(log);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), 0);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/spad_count", 32);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.0/vbus_number", 0x20);
	ASSERT_ATTR(fx, START, 1);
	ck_assert(fx_exists(fx, "sys/class/pci_bus/0000:20"));
	ck_assert(fx_exists(fx, "sys/bus/ntb/devices/0000:20:00.0"));
	ctl(fx, &r, "status", NULL);
	ck_assert_msg(has(r.out, "In sync with the config."), "%s", r.out);
	fx_result_free(&r);
	free(before);
	fx_free(fx);
}
END_TEST

/* ---- 8. older kernels: the driver subgroup is the user's mkdir ---- */

START_TEST(old_kernel_subgroup)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *log, *want, **devs, **fns;

	fx_rcar_s4(fx);
	fx_kernel_config(fx, "generation=old");
	/* Takes EPF index 0: the new functions get 1 and 2. */
	fx_foreign_function(fx, "pci_epf_test", "scratch", NULL);
	write_conf(fx, NULL);
	cold_setup(fx);
	devs = fx_list(fx, "sys/bus/pci-epf/devices");
	ck_assert_str_eq(devs[0], "pci_epf_dma.2");
	ck_assert_str_eq(devs[1], "pci_epf_test.0");
	ck_assert_str_eq(devs[2], "pci_epf_vntb.1");
	ck_assert_ptr_null(devs[3]);
	fx_list_free(devs);
	log = fx_oplog(fx);
	ck_assert_int_ge(asprintf(&want, "mkdir " VNTB_DIR " = 0\nmkdir " VNTB_DIR
					 "/pci_epf_vntb.1 = 0\nwrite " VNTB_DIR "/vendorid "),
			 0);
	ck_assert_msg(has(log, want), "%s", log);
	free(want);
	ck_assert(has(log, "mkdir " DMA_DIR " = 0\nmkdir " DMA_DIR "/pci_epf_dma.2 = 0\n"));
	ck_assert(has(log, "write " DMA_DIR "/pci_epf_dma.2/wr_chans 2 = 0\n"));
	ck_assert_msg(!has(log, "= -"), "%s", log);
	free(log);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.1/spad_count", 16);
	ASSERT_ATTR(fx, START, 1);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), 0);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);

	oplog_reset(fx);
	ctl(fx, &r, "teardown", "--force", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	/* configfs refuses the function while the user-made subgroup is there. */
	ck_assert_msg(has(log, "rmdir " DMA_DIR " = -ENOTEMPTY\nrmdir " DMA_DIR
			       "/pci_epf_dma.2 = 0\nrmdir " DMA_DIR " = 0\n"),
		      "%s", log);
	ck_assert(has(log, "rmdir " VNTB_DIR " = -ENOTEMPTY\nrmdir " VNTB_DIR
			   "/pci_epf_vntb.1 = 0\nrmdir " VNTB_DIR " = 0\n"));
	free(log);
	fns = fx_list(fx, PCI_EP "/functions/pci_epf_vntb");
	ck_assert_ptr_null(fns[0]);
	fx_list_free(fns);
	fns = fx_list(fx, PCI_EP "/functions/pci_epf_dma");
	ck_assert_ptr_null(fns[0]);
	fx_list_free(fns);
	devs = fx_list(fx, "sys/bus/pci-epf/devices");
	ck_assert_str_eq(devs[0], "pci_epf_test.0");
	ck_assert_ptr_null(devs[1]);
	fx_list_free(devs);
	ASSERT_ATTR(fx, START, 0);
	ck_assert(!fx_exists(fx, "run/epdma/graph"));
	fx_free(fx);
}
END_TEST

/* ---- 9. EPF indexes above 0 ---- */

START_TEST(epf_index_above_zero)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	const char *rm[] = { "rm", NULL, NULL };
	char *log, *kmsg;

	fx_foreign(fx);
	/* Unlink the foreign t0 through the kernel: PF0 is free, indexes 0 and 1 stay taken. */
	rm[1] = fx_path(fx, PCI_EP "/controllers/" EPC "/t0");
	fx_run(fx, &r, rm);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	oplog_reset(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	ck_assert(fx_exists(fx, "sys/bus/pci-epf/devices/pci_epf_vntb.2"));
	ck_assert(fx_exists(fx, "sys/bus/pci-epf/devices/pci_epf_dma.3"));
	ck_assert(fx_exists(fx, VNTB_DIR "/pci_epf_vntb.2"));
	ck_assert(fx_exists(fx, DMA_DIR "/pci_epf_dma.3"));
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.2/db_count", 8);
	ASSERT_ATTR(fx, DMA_DIR "/pci_epf_dma.3/rd_chans", 1);
	log = fx_oplog(fx);
	ck_assert_int_eq(count_lines(log, "write " VNTB_DIR "/pci_epf_vntb.2/"), 10);
	ck_assert_int_eq(count_lines(log, "write " DMA_DIR "/pci_epf_dma.3/"), 2);
	ck_assert_msg(!has(log, "= -"), "%s", log);
	free(log);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), 0);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);
	kmsg = fx_read(fx, "dev/kmsg");
	ck_assert(has(kmsg, "pci_epf_dma pci_epf_dma.3: bound as fn1:"));
	free(kmsg);
	/* The foreign functions are as they were. */
	ck_assert(fx_exists(fx, PCI_EP "/functions/pci_epf_test/t0"));
	ck_assert(fx_exists(fx, PCI_EP "/functions/pci_epf_test/scratch"));
	ctl(fx, &r, "status", NULL);
	ck_assert_msg(has(r.out, "In sync with the config."), "%s", r.out);
	fx_result_free(&r);
	free((char *)rm[1]);
	fx_free(fx);
}
END_TEST

/* ---- 10. teardown ---- */

START_TEST(teardown_order)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	oplog_reset(fx);
	before = snapshot(fx, false);
	ctl(fx, &r, "teardown", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err,
			  "epdmactl: vntb0: was linked by an earlier run: unlinking a vNTB "
			  "function can oops kernels without the Dec-2025 fix, and the kernel "
			  "keeps its virtual bus until reboot; --force unlinks it anyway\n"),
		      "%s", r.err);
	ck_assert(has(r.err, "epdmactl: teardown: refused; nothing was changed\n"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "teardown refused");
	free(after);

	ctl(fx, &r, "teardown", "--force", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	/* The exact oplog: no rmdir of the kernel's own default groups. */
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "write " START " 0 = 0\n"
			      "unlink " PCI_EP "/controllers/" EPC "/dma0 = 0\n"
			      "unlink " PCI_EP "/controllers/" EPC "/vntb0 = 0\n"
			      "rmdir " DMA_DIR " = 0\n"
			      "rmdir " VNTB_DIR " = 0\n");
	free(log);
	ck_assert(!fx_exists(fx, VNTB_DIR));
	ck_assert(!fx_exists(fx, DMA_DIR));
	ck_assert(!fx_exists(fx, "sys/bus/pci-epf/devices/pci_epf_vntb.0"));
	ck_assert(!fx_exists(fx, "sys/bus/pci-epf/devices/pci_epf_dma.1"));
	ck_assert(!fx_exists(fx, "run/epdma/graph"));
	ASSERT_ATTR(fx, START, 0);
	/* The kernel keeps the virtual bus. */
	ck_assert(fx_exists(fx, "sys/class/pci_bus/0000:10"));
	oplog_reset(fx);
	ctl(fx, &r, "teardown", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Nothing to do: epdma owns no function.\n");
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	free(before);
	fx_free(fx);
}
END_TEST

/* After a vNTB bind and unlink the kernel keeps the virtual device: a new bind
 * with the same vntb IDs would probe it through freed memory (real 6.12 oopsed). */
START_TEST(stale_vntb_device_refused)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *log;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	ctl(fx, &r, "teardown", "--force", NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	oplog_reset(fx);
	write_conf(fx, "vntb.vbus_number=0x11");
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: vntb device: 0000:10:00.0 (1912:0031) is left from an "
				 "earlier vNTB bind in this boot: a new vNTB bind with the same "
				 "vntb_vid/vntb_pid probes it through freed memory"),
		      "%s", r.err);
	ck_assert(has(r.err, "hint: reboot, or set other vntb_vid/vntb_pid"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	/* Other IDs: the stale device does not match the new driver table. */
	write_conf(fx, "vntb.vbus_number=0x11", "vntb.vntb_pid=0x0033");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	ck_assert(fx_exists(fx, "sys/class/pci_bus/0000:11"));
	fx_free(fx);
}
END_TEST

/* A stale device from an earlier bind whose IDs the config goes back to,
 * while another vNTB function is linked: check must still see it, and the
 * forced rebind must not link a vNTB that would probe it. */
START_TEST(stale_vntb_device_refused_while_another_is_linked)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *log;

	fx_rcar_s4(fx);
	write_conf(fx, "vntb.vbus_number=0x11");
	cold_setup(fx);
	ctl(fx, &r, "teardown", "--force", NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	/* Other IDs and bus: allowed, and linked now. */
	write_conf(fx, "vntb.vbus_number=0x10", "vntb.vntb_pid=0x0032");
	cold_setup(fx);
	oplog_reset(fx);
	/* Back to the first IDs, on a fresh bus. */
	write_conf(fx, "vntb.vbus_number=0x20");
	ctl(fx, &r, "check", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "FAIL  vntb device              0000:11:00.0 (1912:0031) is left "
				 "from an earlier vNTB bind"),
		      "%s", r.out);
	ck_assert_msg(!has(r.out, "bus 20 belongs to"), "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "setup", "--force", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "0000:11:00.0 (1912:0031) is left from an earlier vNTB bind"),
		      "%s", r.err);
	ck_assert(has(r.err, "setup: refused; nothing was changed"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), 0);
	fx_free(fx);
}
END_TEST

/* ---- 10b. what mutation testing found untested ---- */

/* A kernel that keeps another value than the one written: the read-back names it, and
 * the run rolls back. */
START_TEST(readback_mismatch_rolls_back)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_kernel_config(fx, "clamp=wr_chans:1");
	before = snapshot(fx, true);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "  FAIL dma0: wr_chans = 2\n       reads back 1\n"), "%s", r.out);
	ck_assert_msg(has(r.err, "setup: dma0: wr_chans = 2 failed: Input/output error"), "%s",
		      r.err);
	ck_assert_msg(has(r.err, "; the graph is as before\n"), "%s", r.err);
	fx_result_free(&r);
	after = snapshot(fx, true);
	assert_same_tree(before, after, "read-back mismatch");
	ck_assert(!fx_exists(fx, "run/epdma/graph"));
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), -1);
	free(before);
	free(after);
	fx_free(fx);
}
END_TEST

/* Only the last attribute the config names drifts, on a linked DMA function: a hot
 * write there is refused (frozen), not skipped, not done. */
START_TEST(last_attribute_drift_refused)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log, *want, set[64];
	long long bar;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	oplog_reset(fx);
	bar = attr_num(fx, DMA_DIR "/pci_epf_dma.1/dma_window_bar");
	ck_assert_msg(bar >= 0 && bar <= 5, "dma_window_bar %lld", bar);
	/* Another BAR than the one the kernel chose (and than metadata's). */
	for (long long b = 0; b < 6; b++)
		if (b != bar && b != attr_num(fx, DMA_DIR "/pci_epf_dma.1/metadata_bar")) {
			snprintf(set, sizeof(set), "%lld", b);
			break;
		}
	{
		char *conf = fx_read(fx, "etc/epdma.conf");

		fx_write(fx, "/etc/epdma.conf", "%sdma_window_bar = %s\n", conf, set);
		free(conf);
	}
	before = snapshot(fx, false);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_int_ge(asprintf(&want,
				  "pci_epf_dma/dma0: dma_window_bar is %lld, the config wants %s: "
				  "the function is linked",
				  bar, set),
			 0);
	ck_assert_msg(has(r.err, want), "want \"%s\" in:\n%s", want, r.err);
	ck_assert(has(r.err, "setup: refused; nothing was changed"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	after = snapshot(fx, false);
	assert_same_tree(before, after, "last attribute drift");
	free(want);
	free(log);
	free(before);
	free(after);
	fx_free(fx);
}
END_TEST

/* The DMA function renamed in the config while epdma's old one is still linked: refused,
 * nothing written. */
START_TEST(renamed_function_refused_while_old_linked)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log, *conf;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	oplog_reset(fx);
	conf = fx_read(fx, "etc/epdma.conf");
	fx_write(fx, "/etc/epdma.conf", "%sname = dma1\n", conf);
	free(conf);
	before = snapshot(fx, false);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "pci_epf_dma/dma0: was created by epdma for an earlier config "
				 "and is still linked to " EPC "; run epdmactl teardown first"),
		      "%s", r.err);
	ck_assert(has(r.err, "setup: refused; nothing was changed"));
	fx_result_free(&r);
	ctl(fx, &r, "setup", "--force", NULL);
	ck_assert_int_eq(r.status, 1);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	after = snapshot(fx, false);
	assert_same_tree(before, after, "renamed function");
	ck_assert(!fx_exists(fx, PCI_EP "/functions/pci_epf_dma/dma1"));
	free(log);
	free(before);
	free(after);
	fx_free(fx);
}
END_TEST

/* A --force DMA rebind that fails at the relink: the rollback restores the attributes it
 * rewrote, relinks and restarts. */
START_TEST(failed_rebind_restores_attributes)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *log, *graph;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	oplog_reset(fx);
	write_conf(fx, "dma.wr_chans=1", "dma.msi_interrupts=2");
	/* Symlinks count across runs: the cold setup made two, the relink is #3. */
	fx_kernel_config(fx, "fail=symlink:3:EBUSY");
	ctl(fx, &r, "setup", "--force", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "setup: link dma0 to " EPC " (PF1) failed: Device or resource "
				 "busy\n"),
		      "%s", r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(has(log, "write " DMA_DIR "/pci_epf_dma.1/wr_chans 1 = 0\n") &&
			      has(log, "write " DMA_DIR "/msi_interrupts 2 = 0\n"),
		      "%s", log);
	free(log);
	ASSERT_ATTR(fx, DMA_DIR "/pci_epf_dma.1/wr_chans", 2);
	ASSERT_ATTR(fx, DMA_DIR "/msi_interrupts", 4);
	ASSERT_ATTR(fx, DMA_DIR "/pci_epf_dma.1/rd_chans", 1);
	ASSERT_ATTR(fx, START, 1);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), 0);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);
	graph = fx_read(fx, "run/epdma/graph");
	ck_assert_msg(graph && !strcmp(graph, "controller " EPC "\nfunction pci_epf_vntb vntb0 0\n"
					      "function pci_epf_dma dma0 1\n"),
		      "%s", graph);
	free(graph);
	fx_free(fx);
}
END_TEST

/* After a crash right after the mkdir: status shows the half-made function without
 * made-up numbers, and the resumed setup knows the PF of what it links. */
START_TEST(half_made_function_status_and_resume)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_kernel_config(fx, "kill=symlink:2");
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 128 + 9);
	fx_result_free(&r);
	ctl(fx, &r, "status", NULL);
	ck_assert_msg(!has(r.out, "ffffffff"), "%s", r.out);
	ck_assert_msg(has(r.out, "  PF0  pci_epf_vntb/vntb0  owned by epdma, linked\n"), "%s",
		      r.out);
	fx_result_free(&r);
	ctl(fx, &r, "plan", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "link dma0 to " EPC " (PF1)\n"), "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* role = host on an endpoint: the error names the line of the key. */
START_TEST(role_error_has_line)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *conf, *rest;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	conf = fx_read(fx, "etc/epdma.conf");
	rest = strstr(conf, "[general]\n");
	ck_assert_ptr_nonnull(rest);
	fx_write(fx, "/etc/epdma.conf", "[general]\nrole = host\n%s", rest + strlen("[general]\n"));
	free(conf);
	/* plan: setup on the host role is the host's setup now; plan is endpoint-only. */
	ctl(fx, &r, "plan", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdma.conf:2: general.role: "), "%s", r.err);
	fx_result_free(&r);
	ctl(fx, &r, "status", NULL);
	ck_assert_msg(has(r.err, "epdma.conf:2: general.role: "), "%s", r.err);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- 11. one run at a time ---- */

START_TEST(lock_held_by_another_run)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	const char *argv[] = {
		"env", "EPDMA_LOCK_TIMEOUT_MS=300", EPDMACTL_PATH, "--root", fx->root, "setup", NULL
	};
	char *p, *log, pid[32];
	int fd;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_mkdir(fx, "run/epdma");
	p = fx_path(fx, "run/epdma/lock");
	fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	ck_assert_int_eq(write(fd, pid, strlen(pid)), (ssize_t)strlen(pid));
	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 1);
	pid[strlen(pid) - 1] = '\0';
	{
		char *want = NULL;

		ck_assert_int_ge(asprintf(&want, "another epdma run (pid %s) holds the lock", pid),
				 0);
		ck_assert_msg(has(r.err, want), "%s", r.err);
		free(want);
	}
	/* The wait as configured, not rounded down to "0 s". */
	ck_assert_msg(has(r.err, "gave up after 300 ms\n"), "%s", r.err);
	ck_assert(has(r.err, "setup: refused; nothing was changed"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	ck_assert(!fx_exists(fx, VNTB_DIR));
	close(fd);
	free(p);
	/* Released: the same run goes through. */
	fx_run(fx, &r, argv);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- 12. leftover vNTB bus ---- */

START_TEST(leftover_bus_refused)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_mkdir(fx, "sys/class/pci_bus/0000:10");
	before = snapshot(fx, false);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: vntb bus: virtual bus 10 is left from an earlier vNTB "
				 "bind in this boot"),
		      "%s", r.err);
	ck_assert(has(r.err, "epdmactl:   hint: reboot, or choose another vbus_number\n"));
	ck_assert(has(r.err, "setup: refused; nothing was changed"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "leftover bus");
	free(before);
	free(after);
	/* Another vbus_number works. */
	write_conf(fx, "vntb.vbus_number=0x11");
	cold_setup(fx);
	ck_assert(fx_exists(fx, "sys/class/pci_bus/0000:11"));
	fx_free(fx);
}
END_TEST

/* ---- 12b. a partial graph left behind ---- */

/* start already 1 (written by hand, or left by a crash) with nothing linked:
 * functions bound after start reach a link that is already up, so the planner
 * must stop the controller before linking and start it again afterwards. */
START_TEST(start_already_set_restarts_around_links)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	const char *sh[] = { "sh", "-c", NULL, NULL };
	char *cmd = NULL, *log, *first_link, *stop, *start;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	ck_assert_int_ge(asprintf(&cmd, "printf 1 > %s/" START, fx->root), 0);
	sh[2] = cmd;
	fx_run(fx, &r, sh);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	ASSERT_ATTR(fx, START, 1);
	oplog_reset(fx);

	ctl(fx, &r, "plan", NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "stop " EPC "\n"), "%s", r.out);
	ck_assert_msg(has(r.out, "start " EPC "\n"), "%s", r.out);
	fx_result_free(&r);

	cold_setup(fx);
	log = fx_oplog(fx);
	stop = strstr(log, "write " START " 0 = 0\n");
	first_link = strstr(log, "symlink ");
	start = strstr(log, "write " START " 1 = 0\n");
	ck_assert_msg(stop && first_link && start, "%s", log);
	ck_assert_msg(stop < first_link && first_link < start, "%s", log);
	ck_assert_msg(!has(log, "= -"), "%s", log);
	free(log);
	ASSERT_ATTR(fx, START, 1);
	free(cmd);
	fx_free(fx);
}
END_TEST

#define MOVED_CONF                                                                         \
	"[general]\nprofile = rcar-gen4\n[endpoint]\ncontroller = %s\n[vntb]\nname = %s\n" \
	"vbus_number = %s\nvntb_pid = %s\n[dma]\nname = %s\n"

/* The config moves to another controller while epdma's functions are still
 * linked to the first one: the graph must show those links (status "linked
 * elsewhere") and setup must refuse before writing anything. */
START_TEST(controller_change_refused)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log;

	fx_two_controllers(fx);
	fx_write(fx, "/etc/epdma.conf", MOVED_CONF, "e65d8000.pcie-ep", "vntb0", "0x10", "0x080a",
		 "dma0");
	cold_setup(fx);
	/* Another controller, a vNTB change it could take (new bus and IDs). */
	fx_write(fx, "/etc/epdma.conf", MOVED_CONF, EPC, "vntb0", "0x20", "0x0811", "dma0");
	oplog_reset(fx);
	before = snapshot(fx, false);

	ctl(fx, &r, "status", NULL);
	ck_assert_msg(has(r.out, "pci_epf_vntb/vntb0  owned by epdma, linked elsewhere"), "%s",
		      r.out);
	ck_assert_msg(has(r.out, "pci_epf_dma/dma0  owned by epdma, linked elsewhere"), "%s",
		      r.out);
	fx_result_free(&r);
	ctl(fx, &r, "plan", "--force", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "vntb0: is linked to e65d8000.pcie-ep, not " EPC), "%s", r.err);
	ck_assert_msg(has(r.err, "epdmactl teardown"), "%s", r.err);
	fx_result_free(&r);
	ctl(fx, &r, "setup", "--force", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.err, "setup: refused; nothing was changed"));
	fx_result_free(&r);
	after = snapshot(fx, false);
	assert_same_tree(before, after, "controller change refused");
	free(after);

	/* Renamed too: the old functions are epdma's and still linked elsewhere. */
	fx_write(fx, "/etc/epdma.conf", MOVED_CONF, EPC, "vntb1", "0x20", "0x0811", "dma1");
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "pci_epf_vntb/vntb0: was created by epdma for an earlier config "
				 "and is still linked to e65d8000.pcie-ep"),
		      "%s", r.err);
	ck_assert(has(r.err, "pci_epf_dma/dma0: was created by epdma"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	free(before);
	fx_free(fx);
}
END_TEST

/* ---- 12c. a rollback that cannot go all the way back ---- */

/* A forced vNTB rebind fails at the DMA link. Undoing the vNTB unlink would
 * relink it with the old vbus_number (the kernel still holds that bus: EINVAL)
 * and the old vntb IDs (the probe a 6.12 kernel oopsed on), and relinking the
 * DMA function alone would make it PF0: the rollback stops there, leaves the
 * controller stopped, says so, and records what is left. */
START_TEST(vntb_rebind_failure_never_relinks)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *log, *tail, *graph;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	oplog_reset(fx);
	write_conf(fx, "vntb.spad_count=32", "vntb.vbus_number=0x20", "vntb.vntb_pid=0x0032");
	/* Symlinks count across runs: the cold setup made two, the vNTB relink is #3. */
	fx_kernel_config(fx, "fail=symlink:4:EBUSY");
	ctl(fx, &r, "setup", "--force", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "setup: link dma0 to " EPC " (PF1) failed: Device or resource "
				 "busy\n"),
		      "%s", r.err);
	ck_assert_msg(has(r.err, "NOT all of them"), "%s", r.err);
	ck_assert_msg(has(r.err, "vntb0 stays unlinked"), "%s", r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	tail = strstr(log, "/dma0 = -EBUSY\n");
	ck_assert_msg(tail, "%s", log);
	/* After the failure: the new vNTB link is undone, nothing is linked again. */
	ck_assert_msg(has(tail, "unlink " PCI_EP "/controllers/" EPC "/vntb0 = 0\n"), "%s", log);
	ck_assert_msg(!has(tail, "symlink "), "relinked in the rollback:\n%s", log);
	ck_assert_msg(!has(tail, "write " START " 1"), "restarted a half graph:\n%s", log);
	free(log);
	ASSERT_ATTR(fx, START, 0);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), -1);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), -1);
	/* The record follows what is left: both functions epdma's, neither linked. */
	graph = fx_read(fx, "run/epdma/graph");
	ck_assert_msg(graph && !strcmp(graph, "controller " EPC "\nfunction pci_epf_vntb vntb0 -\n"
					      "function pci_epf_dma dma0 -\n"),
		      "%s", graph);
	free(graph);
	fx_free(fx);
}
END_TEST

/* Teardown fails at the last rmdir: the DMA function is gone and the vNTB
 * function unlinked, neither can come back (relinking the vNTB is what the
 * kernel refuses or oopses on): keep what is done, record it, and let the
 * next teardown finish. */
START_TEST(teardown_failure_keeps_what_is_done)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *log, *tail, *graph;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	oplog_reset(fx);
	fx_kernel_config(fx, "fail=rmdir:2:EIO");
	ctl(fx, &r, "teardown", "--force", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "teardown: remove function pci_epf_vntb/vntb0 failed: "
				 "Input/output error\n"),
		      "%s", r.err);
	ck_assert_msg(has(r.err, "NOT all of them"), "%s", r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	tail = strstr(log, "rmdir " VNTB_DIR " = -EIO\n");
	ck_assert_msg(tail, "%s", log);
	ck_assert_msg(!has(tail, "symlink ") && !has(tail, "write "), "rolled back:\n%s", log);
	free(log);
	ASSERT_ATTR(fx, START, 0);
	ck_assert(!fx_exists(fx, DMA_DIR));
	ck_assert(fx_exists(fx, VNTB_DIR));
	graph = fx_read(fx, "run/epdma/graph");
	ck_assert_msg(graph &&
			      !strcmp(graph, "controller " EPC "\nfunction pci_epf_vntb vntb0 -\n"),
		      "%s", graph);
	free(graph);
	/* The next teardown removes the rest, without --force (nothing linked). */
	oplog_reset(fx);
	ctl(fx, &r, "teardown", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "rmdir " VNTB_DIR " = 0\n");
	free(log);
	ck_assert(!fx_exists(fx, "run/epdma/graph"));
	fx_free(fx);
}
END_TEST

/* An unlinked vNTB function of epdma's on a machine with more functions
 * (someone's pci_epf_test ones, listed between DMA and vNTB): its driver
 * subgroup must still be found for the writes that go there. */
START_TEST(subgroup_found_among_many_functions)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	const char *sh[] = { "sh", "-c", NULL, NULL };
	char *cmd = NULL, *log;

	fx_rcar_s4(fx);
	fx_foreign_function(fx, "pci_epf_test", "t1", NULL);
	fx_foreign_function(fx, "pci_epf_test", "t2", NULL);
	fx_foreign_function(fx, "pci_epf_test", "t3", NULL);
	write_conf(fx, NULL);
	cold_setup(fx);
	/* Stopped and unlinked by hand. */
	ck_assert_int_ge(asprintf(&cmd,
				  "cd %s && printf 0 > " START " && rm " PCI_EP "/controllers/" EPC
				  "/dma0 " PCI_EP "/controllers/" EPC "/vntb0",
				  fx->root),
			 0);
	sh[2] = cmd;
	fx_run(fx, &r, sh);
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	oplog_reset(fx);
	write_conf(fx, "vntb.spad_count=32", "vntb.vbus_number=0x20", "vntb.vntb_pid=0x0032");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(has(log, "write " VNTB_DIR "/pci_epf_vntb.3/spad_count 32 = 0\n"), "%s", log);
	ck_assert_msg(!has(log, "= -"), "%s", log);
	free(log);
	ASSERT_ATTR(fx, VNTB_DIR "/pci_epf_vntb.3/spad_count", 32);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_vntb", "vntb0"), 0);
	ck_assert_int_eq(kernel_pf(fx, "pci_epf_dma", "dma0"), 1);
	free(cmd);
	fx_free(fx);
}
END_TEST

/* --json always prints the one object, also when status cannot report. */
START_TEST(status_json_on_error)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "[vntb]\nspad_count = many\n");
	ctl(fx, &r, "status", "--json", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "\"schema_version\": 1,\n  \"command\": \"status\",\n"
				 "  \"ok\": false,\n"),
		      "stdout:\n%s\nstderr:\n%s", r.out, r.err);
	ck_assert_msg(has(r.out, "\"key\": \"vntb.spad_count\""), "%s", r.out);
	fx_result_free(&r);

	/* A configured controller that is not there. */
	fx_write(fx, "/etc/epdma.conf", "[endpoint]\ncontroller = e65d8000.pcie-ep\n");
	ctl(fx, &r, "status", "--json", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "\"ok\": false,\n"), "stdout:\n%s\nstderr:\n%s", r.out, r.err);
	ck_assert_msg(has(r.out,
			  "\"line\": 2,\n      \"key\": \"endpoint.controller\",\n"
			  "      \"message\": \"e65d8000.pcie-ep is not in /sys/class/pci_epc\""),
		      "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "status", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(has(r.err,
			  "epdmactl: /etc/epdma.conf:2: endpoint.controller: e65d8000.pcie-ep "
			  "is not in /sys/class/pci_epc\n"),
		      "%s", r.err);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- 13, 14. golden output ---- */

static void golden(struct fx *fx, const char *name, const char *cmd, const char *opt, int status,
		   bool on_stderr)
{
	struct fx_result r;

	ctl(fx, &r, cmd, opt, NULL);
	ck_assert_msg(r.status == status, "%s %s: exit %d\n%s%s", cmd, opt ? opt : "", r.status,
		      r.out, r.err);
	fx_assert_golden(fx, name, on_stderr ? r.err : r.out);
	if (!on_stderr)
		ck_assert_msg(status != 0 || !*r.err, "%s: stderr: %s", name, r.err);
	fx_result_free(&r);
}

START_TEST(golden_cold)
{
	struct fx *fx = fx_new();

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	golden(fx, "endpoint-status-cold.txt", "status", NULL, 0, false);
	golden(fx, "endpoint-status-cold.json", "status", "--json", 0, false);
	golden(fx, "endpoint-plan-cold.txt", "plan", NULL, 0, false);
	golden(fx, "endpoint-plan-cold.json", "plan", "--json", 0, false);
	fx_free(fx);
}
END_TEST

START_TEST(golden_converged)
{
	struct fx *fx = fx_new();
	char *kmsg;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	fx_write(fx, "dev/kmsg", "%s", "");
	golden(fx, "endpoint-status-converged.txt", "status", NULL, 0, false);
	golden(fx, "endpoint-status-converged.json", "status", "--json", 0, false);
	golden(fx, "endpoint-plan-converged.txt", "plan", NULL, 0, false);
	golden(fx, "endpoint-plan-converged.json", "plan", "--json", 0, false);
	/* Reading the graph never makes the kernel complain (mwN above num_mws). */
	kmsg = fx_read(fx, "dev/kmsg");
	ck_assert_msg(!has(kmsg, "Invalid num_nws") && !has(kmsg, "out of range"), "%s", kmsg);
	free(kmsg);
	fx_free(fx);
}
END_TEST

START_TEST(golden_drifted)
{
	struct fx *fx = fx_new();

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	cold_setup(fx);
	write_conf(fx, "dma.wr_chans=1");
	golden(fx, "endpoint-status-drifted.txt", "status", NULL, 0, false);
	golden(fx, "endpoint-status-drifted.json", "status", "--json", 0, false);
	golden(fx, "endpoint-plan-drifted.err", "plan", NULL, 1, true);
	golden(fx, "endpoint-plan-drifted.json", "plan", "--json", 1, false);
	golden(fx, "endpoint-plan-drifted-force.txt", "plan", "--force", 0, false);
	fx_free(fx);
}
END_TEST

START_TEST(setup_json_lists_operations)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	ctl(fx, &r, "setup", "--json", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_str_eq(r.err, "");
	ck_assert_int_eq(count_lines(r.out, "      \"result\": \"ok\","), 28);
	ck_assert(has(r.out,
		      "\"description\": \"link dma0 to " EPC " (PF1)\",\n      \"result\": "
		      "\"ok\",\n      \"kernel_log\": [\n        \"pci_epf_dma pci_epf_dma.1: "
		      "bound as fn1:"));
	fx_assert_golden(fx, "endpoint-setup-cold.json", r.out);
	fx_result_free(&r);
	fx_free(fx);

	/* A failed run: the operations up to the failed one, the failure, the rollback. */
	fx = fx_new();
	fx_rcar_s4(fx);
	write_conf(fx, NULL);
	fx_kernel_config(fx, "fail=symlink:2:EINVAL");
	ctl(fx, &r, "setup", "--json", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_int_eq(count_lines(r.out, "      \"result\": \"ok\","), 26);
	ck_assert(has(r.out, "\"result\": \"Invalid argument\""));
	ck_assert(
		has(r.out, "\"failure\": \"link dma0 to " EPC " (PF1) failed: Invalid argument\""));
	ck_assert(has(r.out, "\"rolled_back\": 26,"));
	ck_assert(has(r.out, "\"rollback_complete\": true,"));
	ck_assert(
		has(r.out, "neither vbus_number 0x10 nor its vntb_vid/vntb_pid can be used again"));
	fx_assert_golden(fx, "endpoint-setup-failed.json", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

static Suite *endpoint_suite(void)
{
	Suite *s = suite_create("endpoint");
	TCase *tc = tcase_create("endpoint");
	TCase *slow = tcase_create("every-step");
	TCase *crash = tcase_create("crash");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cold_setup_builds_the_graph);
	tcase_add_test(tc, rk3588_refused_before_any_write);
	tcase_add_test(tc, failed_start_rolls_back);
	tcase_add_test(tc, logged_failure_after_link_rolls_back);
	tcase_add_test(tc, kernel_log_of_failed_link_shown);
	tcase_add_test(tc, crash_mid_setup_resumes);
	tcase_add_test(tc, unrelated_kernel_error_ignored);
	tcase_add_test(tc, primary_link_form);
	tcase_add_test(tc, rerun_writes_nothing);
	tcase_add_test(tc, rerun_skips_what_only_changes_need);
	tcase_add_test(tc, foreign_function_untouched);
	tcase_add_test(tc, adopt_matching_function);
	tcase_add_test(tc, adopt_refuses_a_different_function);
	tcase_add_test(tc, adopted_link_pf_not_guessed);
	tcase_add_test(tc, dma_rebind_needs_force);
	tcase_add_test(tc, vntb_rebind_needs_new_vbus);
	tcase_add_test(tc, old_kernel_subgroup);
	tcase_add_test(tc, epf_index_above_zero);
	tcase_add_test(tc, teardown_order);
	tcase_add_test(tc, stale_vntb_device_refused);
	tcase_add_test(tc, stale_vntb_device_refused_while_another_is_linked);
	tcase_add_test(tc, lock_held_by_another_run);
	tcase_add_test(tc, leftover_bus_refused);
	tcase_add_test(tc, start_already_set_restarts_around_links);
	tcase_add_test(tc, controller_change_refused);
	tcase_add_test(tc, vntb_rebind_failure_never_relinks);
	tcase_add_test(tc, teardown_failure_keeps_what_is_done);
	tcase_add_test(tc, status_json_on_error);
	tcase_add_test(tc, subgroup_found_among_many_functions);
	tcase_add_test(tc, golden_cold);
	tcase_add_test(tc, golden_converged);
	tcase_add_test(tc, golden_drifted);
	tcase_add_test(tc, setup_json_lists_operations);
	tcase_add_test(tc, readback_mismatch_rolls_back);
	tcase_add_test(tc, last_attribute_drift_refused);
	tcase_add_test(tc, renamed_function_refused_while_old_linked);
	tcase_add_test(tc, failed_rebind_restores_attributes);
	tcase_add_test(tc, half_made_function_status_and_resume);
	tcase_add_test(tc, role_error_has_line);
	suite_add_tcase(s, tc);
	/* One fresh machine per injected failure. */
	tcase_set_timeout(slow, 600);
	tcase_add_test(slow, failed_mkdir_rolls_back);
	tcase_add_test(slow, failed_write_rolls_back);
	tcase_add_test(slow, failed_link_rolls_back);
	suite_add_tcase(s, slow);
	/* One fresh machine per crash point. */
	tcase_set_timeout(crash, 900);
	tcase_add_test(crash, crash_at_every_call_converges);
	suite_add_tcase(s, crash);
	return s;
}

int main(void)
{
	return fx_run_suite(endpoint_suite());
}
