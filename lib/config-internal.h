/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to lib/config*.c: the key table and the loader's state.
 * Calls go one way: config.c (loader) -> config-rules.c -> config-keys.c.
 */
#pragma once

#include "internal.h"

enum cfg_type {
	T_ENUM,	      /* one of .choices, stored as int (the index is the enum value) */
	T_PROFILE,    /* a profile name, stored as string ("none" -> "") */
	T_NAME,	      /* configfs function name */
	T_IDENT,      /* module, parameter or driver name: ends up in module options */
	T_IDENTS,     /* T_IDENTs separated by spaces or commas; "" = none */
	T_CONTROLLER, /* endpoint controller directory name; "" = the only one */
	T_PCI_SLOT,   /* "" or a PCI slot DDDD:BB:SS or function DDDD:BB:SS.F (hex) */
	T_UINT,	      /* decimal or 0x hex, min..max */
	T_SIZE,	      /* T_UINT with a K/M/G suffix; a power of two (or 0 when min is 0) */
	T_BAR,	      /* "auto" (EPDMA_BAR_AUTO) or 0..5, stored as int */
};

struct cfg_key {
	const char *section;
	const char *key;
	enum cfg_type type;
	uint64_t min, max;
	const char *def; /* as written in the file; NULL: computed from other keys */
	size_t offset, size;
	const char *const *choices;
	bool hex; /* shown as 0x%04x / 0x%06x in messages */
};

extern const struct cfg_key cfg_keys[];
extern const size_t cfg_nkeys;

/* Where one key's value came from. */
struct cfg_origin {
	enum epdma_config_source source;
	unsigned int line; /* EPDMA_CONFIG_FILE only */
	bool bad;	   /* the file's value was rejected: rules leave the key alone */
};

/* config->origin: per key, and per line of the file whether the loader used it. */
struct epdma_config_origin {
	unsigned int nlines;	 /* lines in the file */
	bool *line_used;	 /* [nlines + 1]: line N was a section header or a stored key */
	struct cfg_origin key[]; /* one per cfg_keys entry */
};

struct cfg_raw {
	char *value;
	unsigned int line;
	bool cut; /* an inline comment ended the value */
};

struct cfg_state {
	struct epdma_config *cfg;
	struct cfg_origin *origin; /* cfg->origin->key */
	struct cfg_raw *raw;	   /* per key, as the file wrote it */
	struct epdma_errors errs;
	/* the line reader */
	char *buf;
	const char *pos, *end;
	unsigned int lineno;
	bool prev_key;	/* inih's prev_name is set: an indented line would continue it */
	bool value_cut; /* the current line's value ends at an inline comment */
};

/* config-keys.c: the table and what the loader and the rules both need. */
int cfg_key_find(const char *section, const char *key);
bool cfg_section_known(const char *section);
const char *cfg_key_name(int idx, char *buf, size_t size);
/* An error about key IDX (-1: none) at LINE. */
void cfg_error(struct cfg_state *st, unsigned int line, int idx, const char *fmt, ...)
	_printf_(4, 5);
/* The key's line when the file set it, else 0. */
unsigned int cfg_line(const struct cfg_state *st, int idx);

/* config-rules.c: profiles (data) and the rules that span keys. */
struct cfg_setting {
	const char *section, *key, *value; /* value as written in a file */
};

#define CFG_PROFILE_MAX_SETTINGS 12

struct cfg_profile {
	const char *name;
	struct cfg_setting set[CFG_PROFILE_MAX_SETTINGS]; /* ends at .section == NULL */
};

const struct cfg_profile *cfg_profile_find(const char *name);
/* 0 when NAME is "none" or a profile; else -1 and MSG lists them. */
int cfg_profile_check(const char *name, char *msg, size_t size);
/* Rules across keys, on the merged configuration; each problem through cfg_error(). */
void cfg_validate(struct cfg_state *st);

/*
 * config.c, for tests and fuzzers: whether the loader consumed line LINE of
 * the file it accepted (a section header or a key it stored). A line that is
 * neither blank nor a comment and not used was ignored: always a bug.
 */
unsigned int cfg_line_count(const struct epdma_config *config);
bool cfg_line_used(const struct epdma_config *config, unsigned int line);
