/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to lib/: the context's fields and helpers shared between areas. */
#pragma once

#include "epdma.h"

struct epdma_ctx {
	char *root; /* "/" or an absolute fixture root, no trailing slash */
	int root_fd;
	epdma_log_fn log_fn;
	void *log_data;
	int log_priority;
};

bool epdma_ctx_is_rooted(const struct epdma_ctx *ctx);
/* "/sys/x" -> "sys/x" (relative to the root fd); "" and "/" -> "." */
const char *epdma_fs_rel(const char *path);
char *epdma_strdup_printf(const char *fmt, ...) _printf_(1, 2);
/* Parse an unsigned number the way the kernel's kstrtou64(..., 0) does (base auto-detect). */
int epdma_parse_u64(const char *s, uint64_t *value);
/* Copy SRC into DST of SIZE bytes; -E2BIG (DST untouched) when it does not fit. */
int epdma_strscpy(char *dst, const char *src, size_t size);
/* NAME is "<driver>.<N>": an EPF device, or its driver subgroup in a function dir. */
bool epdma_epf_name(const char *name, const char *driver);
/* The "<driver>.<N>" subgroup in function directory DIR; false while there is none. */
bool epdma_function_subgroup(struct epdma_ctx *ctx, const char *dir, const char *driver, char *out,
			     size_t size);
