// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the config loader (inih behind our line reader, the
 * value parsers, profiles and rules) on arbitrary bytes. Besides what ASan
 * and UBSan catch, the oracle: an accepted file has no errors and used every
 * line that is neither blank nor a comment; a refused one says why, naming
 * the file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The loader caps files at 1 MiB; larger inputs only slow the search down. */
#define FUZZ_MAX (64 * 1024)

static struct epdma_ctx *ctx;
static int fd = -1;
static char path[64];

/* A memfd is a regular file that never touches a disk; the loader opens it by path. */
static void fuzz_init(void)
{
	/* Rooted lookups never happen: the file is given by path. */
	if (epdma_ctx_new(&ctx, "/proc/self/fd") < 0)
		abort();
	fd = memfd_create("epdma.conf", MFD_CLOEXEC);
	/* memfds are created 0777: the loader refuses group- or world-writable files. */
	if (fd < 0 || fchmod(fd, 0600) < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
}

static void fuzz_fail(const char *what, unsigned int line, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz-config: %s (line %u) in %zu bytes:\n%.*s\n", what, line, size,
		(int)size, (const char *)data);
	abort();
}

static void fuzz_check(const struct epdma_config *cfg, const struct epdma_errors *errs, int r,
		       const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	unsigned int line;

	if (r < 0) {
		if (cfg || !errs->count)
			fuzz_fail("refused without an error", 0, data, size);
		for (size_t i = 0; i < errs->count; i++)
			if (strcmp(errs->items[i].file, path))
				fuzz_fail("an error that does not name the file",
					  errs->items[i].line, data, size);
		return;
	}
	if (!cfg || errs->count)
		fuzz_fail("accepted with errors", 0, data, size);
	if (cfg_line_count(cfg) != oracle_lines(text, size))
		fuzz_fail("line count differs", cfg_line_count(cfg), data, size);
	line = oracle_unused_line(cfg, text, size);
	if (line)
		fuzz_fail("accepted, but a line was ignored", line, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct epdma_config *cfg = NULL;
	struct epdma_errors errs = { 0 };
	int r;

	if (size > FUZZ_MAX)
		return -1; /* not added to the corpus */
	if (fd < 0)
		fuzz_init();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	r = epdma_config_load(ctx, path, &cfg, &errs);
	fuzz_check(cfg, &errs, r, data, size);
	epdma_config_free(cfg);
	epdma_errors_clear(&errs);
	return 0;
}
