/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The config loader's oracle, shared by the fuzzer and test-config-hostile:
 * an accepted file used every line that is neither blank nor a comment.
 * The classification here is written apart from the loader's on purpose.
 */
#pragma once

#include <ctype.h>
#include <string.h>

#include "config-internal.h"

/* Lines as the loader counts them: LF ends one; text after the last LF is one more. */
static inline unsigned int oracle_lines(const char *text, size_t len)
{
	unsigned int n = 0;

	for (const char *p = text, *end = text + len; p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		p = nl ? nl + 1 : end;
	}
	return n;
}

/* The first line that should have been used and was not; 0 when there is none. */
static inline unsigned int oracle_unused_line(const struct epdma_config *cfg, const char *text,
					      size_t len)
{
	unsigned int line = 0;

	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		line++;
		if (line == 1 && e - p >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
			p += 3;
		while (p < e && isspace((unsigned char)*p))
			p++;
		if (p < e && *p != ';' && *p != '#' && !cfg_line_used(cfg, line))
			return line;
		p = nl ? nl + 1 : end;
	}
	return 0;
}
