// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fake kernel against the real one: replays
 * tests/conformance/real-kernel-transcript.txt (a 6.12.117 kernel under QEMU)
 * on fx_conformance() with the fake kernel preloaded and requires every
 * command's errno, every kernel log line and every read-back value to come
 * out as the real kernel's did. epdma-replay prints the first difference.
 *
 * real-kernel-bars.txt holds BAR images the real pci-epf-vntb and the DMA
 * stand-in wrote, read by the host role through the tier's loopback; the
 * images the fixtures build for the same counts must equal them byte for byte.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bar.h"
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

/* ---- BAR images ---- */

struct image {
	char kind[16];
	uint32_t num_mws, spad_count, db_count, align, wr_chans, rd_chans, reg_bar, size;
	uint8_t *bytes; /* SIZE bytes; lines the file leaves out are zero */
};

static uint32_t param(const char *line, const char *name)
{
	const char *p = strstr(line, name);
	size_t n = strlen(name);

	ck_assert_msg(p && p[n] == '=', "real-kernel-bars.txt: no %s= in '%s'", name, line);
	return (uint32_t)strtoul(p + n + 1, NULL, 0);
}

/* "OFFSET: HEX" (32 bytes a line) into IMG. */
static void dump_line(struct image *img, const char *line)
{
	char *end;
	unsigned long off = strtoul(line, &end, 16);
	const char *hex = end + 2;
	size_t n = strcspn(hex, "\n") / 2;

	ck_assert_msg(*end == ':' && img->bytes && off + n <= img->size,
		      "real-kernel-bars.txt: bad line '%s'", line);
	for (size_t i = 0; i < n; i++) {
		unsigned int byte;

		ck_assert(sscanf(hex + 2 * i, "%2x", &byte) == 1);
		img->bytes[off + i] = (uint8_t)byte;
	}
}

/* The fixture's image for the counts IMG was made with. */
static uint8_t *fake_image(const struct image *img, size_t *len)
{
	if (!strcmp(img->kind, "vntb")) {
		struct fx_vntb_bar b = { .num_mws = img->num_mws,
					 .spad_count = img->spad_count,
					 .db_count = img->db_count,
					 .align = img->align };

		return fx_vntb_bar_image(&b, len);
	}
	struct fx_pedm_bar p = { .reg_bar = (uint8_t)img->reg_bar,
				 .wr_chans = (uint8_t)img->wr_chans,
				 .rd_chans = (uint8_t)img->rd_chans,
				 .entry_size = EPDMA_PEDM_MIN_ENTRY,
				 .layout = EPDMA_PEDM_LAYOUT_DW_EDMA,
				 .reg_size = 0x1000 };

	return fx_pedm_bar_image(&p, len);
}

static int compare(const struct image *img)
{
	size_t len = 0;
	uint8_t *fake = fake_image(img, &len);
	int diffs = 0;

	if (len != img->size) {
		fprintf(stderr, "%s: real BAR 0x%x bytes, fake 0x%zx\n", img->kind, img->size, len);
		diffs++;
	}
	for (size_t i = 0; i < img->size && i < len; i++)
		if (fake[i] != img->bytes[i] && diffs++ < 16)
			fprintf(stderr, "%s: byte 0x%zx real %02x fake %02x\n", img->kind, i,
				img->bytes[i], fake[i]);
	free(fake);
	return diffs;
}

START_TEST(test_bar_images)
{
	char *path = beside_me("real-kernel-bars.txt");
	FILE *f = fopen(path, "r");
	struct image img = { .bytes = NULL };
	char line[512];
	int diffs = 0, images = 0;

	ck_assert_msg(f, "%s missing", path);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!strncmp(line, "vntb ", 5) || !strncmp(line, "pedm ", 5)) {
			if (img.bytes)
				diffs += compare(&img);
			free(img.bytes);
			memset(&img, 0, sizeof(img));
			snprintf(img.kind, sizeof(img.kind), "%.4s", line);
			img.size = param(line, "size");
			if (!strcmp(img.kind, "vntb")) {
				img.num_mws = param(line, "num_mws");
				img.spad_count = param(line, "spad_count");
				img.db_count = param(line, "db_count");
				img.align = param(line, "align");
			} else {
				img.wr_chans = param(line, "wr_chans");
				img.rd_chans = param(line, "rd_chans");
				img.reg_bar = param(line, "reg_bar");
			}
			img.bytes = calloc(1, img.size);
			ck_assert_ptr_nonnull(img.bytes);
			images++;
			continue;
		}
		dump_line(&img, line);
	}
	if (img.bytes)
		diffs += compare(&img);
	free(img.bytes);
	fclose(f);
	free(path);
	ck_assert_int_eq(images, 2);
	ck_assert_msg(diffs == 0, "%d bytes differ (above)", diffs);
}
END_TEST

static Suite *conformance_suite(void)
{
	Suite *s = suite_create("conformance");
	TCase *tc = tcase_create("transcript");

	tcase_add_test(tc, test_transcript);
	tcase_add_test(tc, test_four_byte_cell);
	tcase_add_test(tc, test_bar_images);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(conformance_suite());
}
