// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host fault matrix: the host's mutating paths (setup: pair, bind and
 * hand-over on fx_x86_host + fx_host_modules + fx_host_card; teardown after
 * it) with operation k of each kind the path uses (write, probe,
 * finit_module, init_module, delete_module) failing, for every k and each of
 * EIO, EINVAL, EBUSY, ENOMEM, EAGAIN, ETIMEDOUT, ENOSPC. After a failed
 * setup no driver_override and no module of epdma's is left; after every
 * failure a plain re-run ends in the tree a run without the fault makes.
 * Then the same with SIGKILL before operation k (kill=<op>:<k>). The suite
 * prints its size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fixture-internal.h"

#define DMAF "sys/bus/pci/devices/0000:08:00.1"

static const struct {
	int err;
	const char *name;
} errnos[] = {
	{ EIO, "EIO" },	      { EINVAL, "EINVAL" }, { EBUSY, "EBUSY" },
	{ ENOMEM, "ENOMEM" }, { EAGAIN, "EAGAIN" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ ENOSPC, "ENOSPC" },
};

static const char *const kinds[] = { "write", "probe", "finit_module", "init_module",
				     "delete_module" };

/* The modules a host setup may insert: none may outlive a failed one. */
static const char *const mods[] = { "ntb", "ntb_hw_epf", "dw_edma", "dw_edma_pcie",
				    "ntb_transport_ep_dma" };

struct path {
	const char *name;
	bool built; /* start from a done setup */
	const char *const argv[3];
};

static const struct path paths[] = {
	{ "host setup", false, { "setup", NULL } },
	{ "host teardown", true, { "teardown", NULL } },
	{ "host forced teardown", true, { "teardown", "--force", NULL } },
};

static size_t runs;

static int ctl(struct fx *fx, const char *const *args, char **err)
{
	const char *argv[8] = { "epdmactl", "--root", fx->root };
	struct fx_result r;
	size_t n = 3;
	int status;

	for (; *args && n < 7; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	fx_run(fx, &r, argv);
	status = r.status;
	if (err)
		*err = fx_strdupf("%s%s", r.out ? r.out : "", r.err ? r.err : "");
	fx_result_free(&r);
	runs++;
	return status;
}

static struct epdma_config *load_config(struct fx *fx)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = NULL;
	struct epdma_ctx *ctx = NULL;

	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	ck_assert_msg(epdma_config_load(ctx, NULL, &cfg, &errs) == 0, "config: %s",
		      errs.count ? errs.items[0].message : "?");
	epdma_ctx_free(ctx);
	return cfg;
}

static void reset_counts(struct fx *fx)
{
	char *cmd = fx_strdupf("p='%s/state'; [ ! -e \"$p\" ] || sed -i '/^count /d' \"$p\"; "
			       "rm -f '%s/oplog'",
			       fx->state, fx->state);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

static struct fx *build(const struct path *p)
{
	struct fx *fx = fx_new();
	struct fx_host_card card = { 0 };
	struct epdma_config *cfg;

	fx_x86_host(fx);
	fx_host_modules(fx, true);
	fx_write(fx, "/etc/epdma.conf",
		 "[general]\nrole = host\nprofile = imx8\n\n[dma]\nwr_chans = 2\nrd_chans = 2\n"
		 "\n[host]\nsettle_timeout_ms = 2500\n");
	cfg = load_config(fx);
	card.cfg = cfg;
	fx_host_card(fx, &card);
	epdma_config_free(cfg);
	if (p->built) {
		char *err;

		ck_assert_msg(ctl(fx, (const char *const[]){ "setup", NULL }, &err) == 0, "%s",
			      err);
		free(err);
	}
	reset_counts(fx);
	return fx;
}

/* Building a host (depmod, the card's BARs) takes seconds: each case starts from a
 * copy of one built tree and fake-kernel state (sysfs links are relative). */
static struct fx *template;

static struct fx *host(const struct path *p)
{
	struct fx *fx = fx_new();
	char *cmd;

	(void)p;
	cmd = fx_strdupf("cp -a '%s/.' '%s/' && cp -a '%s/.' '%s/'", template->root, fx->root,
			 template->state, fx->state);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	return fx;
}

/* The fake kernel's count of KIND since reset_counts(): its "count <op> <n>" line. */
static size_t count_of(struct fx *fx, const char *kind)
{
	char *state = fx_strdupf("%s/state", fx->state);
	size_t n = 0, len = strlen(kind);
	FILE *f = fopen(state, "r");
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "count ", 6) && !strncmp(line + 6, kind, len) &&
		    line[6 + len] == ' ')
			n = strtoul(line + 7 + len, NULL, 10);
	if (f)
		fclose(f);
	free(state);
	return n;
}

static void clear_faults(struct fx *fx)
{
	char *cmd = fx_strdupf("sed -i '/^fail=/d; /^kill=/d' '%s/config'", fx->state);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* The tree without the kernel log, the lock and the proof's timestamps. */
static char *snapshot(struct fx *fx)
{
	return fx_snapshot(fx, "-path ./dev/kmsg -o -path ./run/epdma/lock -o "
			       "-path ./run/epdma/host-verified");
}

static void assert_nothing_left(struct fx *fx, const char *what, const char *err)
{
	char *ov = fx_read(fx, DMAF "/driver_override");

	ck_assert_msg(has(ov, "(null)"), "%s: override left: %s\n%s", what, ov, err);
	free(ov);
	for (size_t i = 0; i < ARRAY_SIZE(mods); i++)
		ck_assert_msg(!fx_module_is_loaded(fx, mods[i]), "%s: module %s left loaded\n%s",
			      what, mods[i], err);
}

static char *reference(const struct path *p, size_t counts[ARRAY_SIZE(kinds)])
{
	struct fx *fx;
	char *err, *tree;

	template = build(p);
	fx = host(p);
	ck_assert_msg(ctl(fx, p->argv, &err) == 0, "%s: %s", p->name, err);
	free(err);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		counts[i] = count_of(fx, kinds[i]);
	tree = snapshot(fx);
	fx_free(fx);
	return tree;
}

/* The fault passes (or the killed run is over): the same command converges. */
static void rerun_converges(struct fx *fx, const struct path *p, const char *what, const char *want)
{
	char *err, *tree;
	int status;

	clear_faults(fx);
	status = ctl(fx, p->argv, &err);
	ck_assert_msg(status == 0, "%s: re-run exit %d\n%s", what, status, err);
	tree = snapshot(fx);
	if (strcmp(tree, want)) {
		const char *a = want, *b = tree;

		while (*a && *a == *b)
			a++, b++;
		while (a > want && a[-1] != '\n')
			a--, b--;
		ck_abort_msg(
			"%s: re-run tree differs at\n---- want\n%.300s\n---- got\n%.300s\n%.500s",
			what, a, b, err);
	}
	free(tree);
	free(err);
}

static void one_fault(const struct path *p, const char *kind, size_t k, size_t e, const char *want)
{
	struct fx *fx = host(p);
	char *what = fx_strdupf("%s, %s #%zu %s", p->name, kind, k, errnos[e].name), *err;
	int status;

	fx_kernel_config(fx, "fail=%s:%zu:%s", kind, k, errnos[e].name);
	status = ctl(fx, p->argv, &err);
	ck_assert_msg(status == 1, "%s: exit %d\n%s", what, status, err);
	if (!p->built)
		assert_nothing_left(fx, what, err);
	free(err);
	rerun_converges(fx, p, what, want);
	free(what);
	fx_free(fx);
}

static void one_kill(const struct path *p, const char *kind, size_t k, const char *want)
{
	struct fx *fx = host(p);
	char *what = fx_strdupf("%s, SIGKILL before %s #%zu", p->name, kind, k), *err;
	int status;

	fx_kernel_config(fx, "kill=%s:%zu", kind, k);
	status = ctl(fx, p->argv, &err);
	ck_assert_msg(status == 128 + 9, "%s: exit %d\n%s", what, status, err);
	free(err);
	rerun_converges(fx, p, what, want);
	free(what);
	fx_free(fx);
}

static void matrix(const struct path *p)
{
	size_t counts[ARRAY_SIZE(kinds)], ops = 0, cases = 0;
	char *want = reference(p, counts);

	runs = 0;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		for (size_t k = 1; k <= counts[i]; k++, ops++) {
			for (size_t e = 0; e < ARRAY_SIZE(errnos); e++, cases++)
				one_fault(p, kinds[i], k, e, want);
			one_kill(p, kinds[i], k, want);
			cases++;
		}
	ck_assert_uint_gt(ops, 0);
	printf("host fault matrix: %s: %zu operations (", p->name, ops);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		printf("%s%s %zu", i ? ", " : "", kinds[i], counts[i]);
	printf(") x (%zu errnos + SIGKILL) = %zu cases, %zu runs, all converged on a re-run\n",
	       ARRAY_SIZE(errnos), cases, runs);
	fflush(stdout);
	free(want);
	fx_free(template);
}

START_TEST(host_setup_matrix)
{
	matrix(&paths[0]);
}
END_TEST

START_TEST(host_teardown_matrix)
{
	matrix(&paths[1]);
}
END_TEST

START_TEST(host_forced_teardown_matrix)
{
	matrix(&paths[2]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("faults-host");
	TCase *tc = tcase_create("matrix");

	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, host_setup_matrix);
	tcase_add_test(tc, host_teardown_matrix);
	tcase_add_test(tc, host_forced_teardown_matrix);
	suite_add_tcase(s, tc);
	return fx_run_suite(s);
}
