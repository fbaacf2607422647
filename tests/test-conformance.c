// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fake kernel against the real one: replays
 * tests/conformance/real-kernel-transcript.txt (a 6.12.117 kernel under QEMU)
 * on fx_conformance() with the fake kernel preloaded and requires every
 * command's errno, every kernel log line and every read-back value to come
 * out as the real kernel's did. epdma-replay prints the first difference.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

/* epdma-replay and the transcript copy live beside this program. */
static char *beside_me(const char *name)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	ck_assert_ptr_nonnull(slash);
	*slash = '\0';
	ck_assert_int_gt(asprintf(&path, "%s/%s", exe, name), 0);
	return path;
}

static void replay(void (*machine)(struct fx *fx), const char *name)
{
	struct fx *fx = fx_new();
	char *replay = beside_me("epdma-replay");
	char *transcript = beside_me(name);
	const char *argv[] = { replay, transcript, NULL };
	struct fx_result r;

	machine(fx);
	fx_run(fx, &r, argv);
	ck_assert_msg(r.status == 0, "transcript not reproduced (status %d):\n%s%s", r.status,
		      r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "lines reproduced"));
	fx_result_free(&r);
	free(replay);
	free(transcript);
	fx_free(fx);
}

START_TEST(test_transcript)
{
	replay(fx_conformance, "real-kernel-transcript.txt");
}
END_TEST

/* What the real-kernel tier showed beyond the transcript (tests/README.md). */
START_TEST(test_four_byte_cell)
{
	replay(fx_bad_max_functions, "real-kernel-4byte-cell.txt");
}
END_TEST

static Suite *conformance_suite(void)
{
	Suite *s = suite_create("conformance");
	TCase *tc = tcase_create("transcript");

	tcase_add_test(tc, test_transcript);
	tcase_add_test(tc, test_four_byte_cell);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(conformance_suite());
}
