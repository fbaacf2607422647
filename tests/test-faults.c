// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fault matrix: every mutating path of the endpoint (cold setup, a forced
 * DMA rebind, a forced teardown) with operation k of each kind (mkdir, write,
 * symlink, unlink, rmdir) failing, for every k and each errno a kernel or a
 * tired machine plausibly gives (EIO, EINVAL, EBUSY, ENOMEM, EAGAIN,
 * ETIMEDOUT, ENOSPC). After the failure the tree is as before the run where
 * the kernel can take everything back (setup, rebind), and a plain re-run of
 * the same command ends in the tree a run without the fault makes. The crash
 * half of the matrix (SIGKILL between every kernel call and its record
 * update) is test-endpoint's crash tcase. The suite prints its size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define EPC "e65d0000.pcie-ep"

static const struct {
	int err;
	const char *name;
} errnos[] = {
	{ EIO, "EIO" },	      { EINVAL, "EINVAL" }, { EBUSY, "EBUSY" },
	{ ENOMEM, "ENOMEM" }, { EAGAIN, "EAGAIN" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ ENOSPC, "ENOSPC" },
};

static const char *const kinds[] = { "mkdir", "write", "symlink", "unlink", "rmdir" };

static const char conf[] = "[general]\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x10\n"
			   "[dma]\nwr_chans = 2\nrd_chans = 2\n";

/* A path of the matrix: how to get to its start, the command, whether the
 * kernel can take back everything it does (else only the re-run is judged). */
struct path {
	const char *name;
	void (*prepare)(struct fx *fx);
	const char *const argv[3];
	bool reversible;
};

static size_t cases, runs;

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
		*err = strdup(r.err ? r.err : "");
	fx_result_free(&r);
	runs++;
	return status;
}

static void ok(struct fx *fx, const char *const *args)
{
	char *err;
	int status = ctl(fx, args, &err);

	ck_assert_msg(status == 0, "%s: exit %d\n%s", args[0], status, err);
	free(err);
}

static void cold(struct fx *fx)
{
	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "%s", conf);
}

static void built(struct fx *fx)
{
	cold(fx);
	ok(fx, (const char *const[]){ "setup", NULL });
}

/* Built, then a DMA change that only a forced rebind applies. */
static void drifted(struct fx *fx)
{
	built(fx);
	fx_write(fx, "/etc/epdma.conf", "%s",
		 "[general]\nprofile = rcar-gen4\n[vntb]\n"
		 "vbus_number = 0x10\n[dma]\nwr_chans = 1\nrd_chans = 2\n");
}

static const struct path paths[] = {
	{ "cold setup", cold, { "setup", NULL }, true },
	{ "forced DMA rebind", drifted, { "setup", "--force", NULL }, true },
	{ "forced teardown", built, { "teardown", "--force", NULL }, false },
};

/* The fake kernel counts operations per kind across runs: start a run at 0. */
static void reset_counts(struct fx *fx)
{
	char *path = NULL, *cmd = NULL;

	ck_assert_int_ge(asprintf(&path, "%s/state", fx->state), 0);
	ck_assert_int_ge(asprintf(&cmd, "[ ! -e '%s' ] || sed -i '/^count /d' '%s'", path, path),
			 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	ck_assert_int_ge(asprintf(&cmd, "truncate -s 0 '%s/oplog' 2>/dev/null; true", fx->state),
			 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(path);
}

static void clear_faults(struct fx *fx)
{
	char *cmd = NULL;

	ck_assert_int_ge(asprintf(&cmd, "sed -i '/^fail=/d' '%s/config'", fx->state), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

/* The kernel-side tree; the vNTB bus and device stay after an unlink, as in the kernel. */
static char *snapshot(struct fx *fx)
{
	return fx_snapshot(fx, "-path ./dev/kmsg -o -path ./run/epdma -o "
			       "-path ./sys/class/pci_bus -o -path ./sys/bus/ntb -o "
			       "-path './sys/devices/pci0000:*' -o -path ./sys/bus/pci");
}

static size_t count_kind(const char *log, const char *kind)
{
	size_t n = 0, len = strlen(kind);

	for (const char *l = log; l && *l;) {
		const char *nl = strchr(l, '\n');

		n += !strncmp(l, kind, len) && l[len] == ' ';
		l = nl ? nl + 1 : l + strlen(l);
	}
	return n;
}

/* What the path's command does without a fault: per-kind counts and the final tree. */
static char *reference(const struct path *p, size_t counts[ARRAY_SIZE(kinds)])
{
	struct fx *fx = fx_new();
	char *log, *tree;

	p->prepare(fx);
	reset_counts(fx);
	ok(fx, p->argv);
	log = fx_oplog(fx);
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		counts[i] = count_kind(log, kinds[i]);
	tree = snapshot(fx);
	free(log);
	fx_free(fx);
	return tree;
}

static void one(const struct path *p, const char *kind, size_t k, size_t e, const char *want)
{
	struct fx *fx = fx_new();
	char *before, *after, *err;
	int status;

	p->prepare(fx);
	reset_counts(fx);
	fx_kernel_config(fx, "fail=%s:%zu:%s", kind, k, errnos[e].name);
	before = snapshot(fx);
	status = ctl(fx, p->argv, &err);
	ck_assert_msg(status == 1, "%s, %s #%zu %s: exit %d\n%s", p->name, kind, k, errnos[e].name,
		      status, err);
	ck_assert_msg(has(err, strerror(errnos[e].err)), "%s, %s #%zu %s: errno not named:\n%s",
		      p->name, kind, k, errnos[e].name, err);
	after = snapshot(fx);
	if (p->reversible)
		ck_assert_msg(!strcmp(before, after), "%s, %s #%zu %s: not rolled back\n%s",
			      p->name, kind, k, errnos[e].name, err);
	free(after);
	free(err);
	/* The fault passes; the same command again converges. Setup after a vNTB
	 * link was taken back needs a new vbus_number: the kernel keeps the bus. */
	clear_faults(fx);
	if (!p->reversible || !fx_exists(fx, "sys/class/pci_bus/0000:10") ||
	    strcmp(p->argv[0], "setup") || p->prepare != cold) {
		status = ctl(fx, p->argv, &err);
		ck_assert_msg(status == 0, "%s, %s #%zu %s: re-run exit %d\n%s", p->name, kind, k,
			      errnos[e].name, status, err);
		free(err);
		after = snapshot(fx);
		ck_assert_msg(!strcmp(after, want), "%s, %s #%zu %s: re-run tree differs", p->name,
			      kind, k, errnos[e].name);
		free(after);
	}
	cases++;
	free(before);
	fx_free(fx);
}

static void matrix(const struct path *p)
{
	size_t counts[ARRAY_SIZE(kinds)], total = 0;
	char *want = reference(p, counts);

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		for (size_t k = 1; k <= counts[i]; k++, total++)
			for (size_t e = 0; e < ARRAY_SIZE(errnos); e++)
				one(p, kinds[i], k, e, want);
	ck_assert_uint_gt(total, 0);
	printf("fault matrix: %s: %zu operations x %zu errnos = %zu cases, %zu runs, all "
	       "rolled back%s and converged on a re-run\n",
	       p->name, total, ARRAY_SIZE(errnos), cases, runs,
	       p->reversible ? "" : " (as far as the kernel can)");
	fflush(stdout);
	free(want);
}

START_TEST(cold_setup_matrix)
{
	matrix(&paths[0]);
}
END_TEST

START_TEST(forced_rebind_matrix)
{
	matrix(&paths[1]);
}
END_TEST

START_TEST(forced_teardown_matrix)
{
	matrix(&paths[2]);
}
END_TEST

static Suite *faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("matrix");

	/* Hundreds of runs each: minutes on a loaded 2-core machine. */
	tcase_set_timeout(tc, 1500);
	tcase_add_test(tc, cold_setup_matrix);
	tcase_add_test(tc, forced_rebind_matrix);
	tcase_add_test(tc, forced_teardown_matrix);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(faults_suite());
}
