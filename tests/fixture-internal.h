/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the fixture-*.c files only; tests include fixture.h.
 */
#pragma once

#include <stdint.h>

#include "fixture.h"

/* struct fx is the first member, so fx_priv() is a plain cast. */
struct fx_priv {
	struct fx pub;
	uint16_t elf_machine; /* e_machine of the module objects fx_module writes */
};

static inline struct fx_priv *fx_priv(struct fx *fx)
{
	return (struct fx_priv *)fx;
}

/* Abort the running Check test with "what: path: strerror(errno)". */
#define fx_fail_errno(what, path) \
	ck_abort_msg("fixture: %s %s: %s", (what), (path), strerror(errno))

char *fx_strdupf(const char *fmt, ...) _printf_(1, 2);
/* Module name as the kernel shows it: '-' becomes '_'. */
char *fx_module_name(const char *module);
