// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Configuration: one INI file serves both ends of the link. Parsed with inih
 * (Debian libinih 55) through our own line reader, because inih hides what
 * matters for a strict parser: it gives the handler no line numbers, cuts
 * lines at INI_MAX_LINE (200) and section names at 49 characters without a
 * word, and treats any indented line after a key as a continuation of that
 * key's value. The reader counts lines, classifies each one the way inih
 * will, reports what inih would misparse and hands inih a comment instead.
 *
 * Precedence: built-in defaults < profile < file, merged here; then the rules
 * (config-rules.c) check the merged result. Every problem is collected (never
 * just the first) as file:line: key: message; line 0 when the value came from a
 * default or a profile. The key table lives in config-keys.c.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config-internal.h"

#define CFG_FILE_MAX (1024 * 1024)
/* inih reads lines with fgets-like semantics into INI_MAX_LINE bytes: the text plus '\n' plus NUL. */
#define CFG_LINE_MAX (INI_MAX_LINE - 2)
/* inih keeps section names in char[50]. */
#define CFG_SECTION_MAX 49

/* ---- the line reader in front of inih ---- */

/* Where inih ends a name or a section name: at one of CHARS, or at ';' after whitespace. */
static const char *ini_stop(const char *s, const char *chars)
{
	bool was_space = false;

	for (; *s; s++) {
		if (chars && strchr(chars, *s))
			break;
		if (was_space && *s == ';')
			break;
		was_space = isspace((unsigned char)*s);
	}
	return s;
}

/* After ']' inih ignores everything: only whitespace and a ' ; comment' may follow. */
static bool cfg_read_section_tail(struct cfg_state *st, const char *tail)
{
	const char *s = tail;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s || (*s == ';' && s > tail))
		return true;
	cfg_error(st, st->lineno, -1,
		  "text after the section header: '%s' (a section line holds only [name] and "
		  "an optional ' ; comment'; put each key on its own line)",
		  s);
	return false;
}

static bool cfg_read_section(struct cfg_state *st, const char *start)
{
	const char *end = ini_stop(start + 1, "]");
	size_t len = (size_t)(end - start - 1);
	bool tail_ok;

	st->prev_key = false;
	if (*end != ']') {
		cfg_error(st, st->lineno, -1, "section header without ']'");
		return false;
	}
	tail_ok = cfg_read_section_tail(st, end + 1);
	if (len > CFG_SECTION_MAX) {
		/* inih would cut the name and go on: the truncated name matches no section. */
		cfg_error(st, st->lineno, -1, "section name too long (%zu characters, at most %d)",
			  len, CFG_SECTION_MAX);
		return true;
	}
	if (cfg_section_known(strndupa(start + 1, len)))
		st->cfg->origin->line_used[st->lineno] = tail_ok;
	else
		cfg_error(st, st->lineno, -1,
			  "unknown section [%.*s] (known: general, endpoint, vntb, dma, transport, "
			  "host)",
			  (int)len, start + 1);
	return true;
}

static bool cfg_read_pair(struct cfg_state *st, const char *start)
{
	const char *sep = ini_stop(start, "=:");
	const char *name_end = sep;

	if (*sep != '=' && *sep != ':') {
		cfg_error(st, st->lineno, -1, "expected 'key = value'");
		return false;
	}
	while (name_end > start && isspace((unsigned char)name_end[-1]))
		name_end--;
	/* A ';' after whitespace starts a comment: the value ends there. */
	st->value_cut = *ini_stop(sep + 1, NULL) == ';';
	st->prev_key = name_end > start;
	if (!st->prev_key) {
		cfg_error(st, st->lineno, -1, "key name missing before '%c'", *sep);
		return false;
	}
	return true;
}

/* Classify one physical line as inih will; false: feed inih a comment instead. */
static bool cfg_read_check(struct cfg_state *st, const char *raw, size_t len)
{
	char line[CFG_LINE_MAX + 1];
	const char *start = line;

	if (memchr(raw, '\0', len)) {
		cfg_error(st, st->lineno, -1, "line contains a NUL byte");
		return false;
	}
	/* CRLF is fine (inih strips the CR with the other trailing whitespace); a lone CR
	 * would hide the rest of the line inside a value or a section line's ignored tail. */
	if (len && memchr(raw, '\r', len - (raw[len - 1] == '\r'))) {
		cfg_error(st, st->lineno, -1,
			  "carriage return inside the line (lines end in LF or CR LF)");
		return false;
	}
	if (len > CFG_LINE_MAX) {
		cfg_error(st, st->lineno, -1, "line too long (%zu characters, at most %d)", len,
			  CFG_LINE_MAX);
		return false;
	}
	memcpy(line, raw, len);
	line[len] = '\0';
	if (st->lineno == 1 && len >= 3 && !memcmp(line, "\xef\xbb\xbf", 3))
		start += 3;
	while (*start && isspace((unsigned char)*start))
		start++;
	if (!*start || *start == ';' || *start == '#')
		return true;
	if (start > line && st->prev_key) {
		cfg_error(st, st->lineno, -1,
			  "indented line would continue the previous key's value; multi-line "
			  "values are not supported (remove the indentation)");
		return false;
	}
	if (*start == '[')
		return cfg_read_section(st, start);
	return cfg_read_pair(st, start);
}

static char *cfg_read_line(char *str, int num, void *stream)
{
	struct cfg_state *st = stream;
	const char *line = st->pos, *nl;
	size_t len;

	if (st->pos >= st->end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(st->end - line));
	len = nl ? (size_t)(nl - line) : (size_t)(st->end - line);
	st->pos = line + len + (nl ? 1 : 0);
	st->lineno++;
	st->value_cut = false;
	/* Every line we hand over ends in '\n' and fits, so inih never truncates one. */
	if (!cfg_read_check(st, line, len) || num < 3 || len > (size_t)num - 2) {
		strcpy(str, ";\n");
		return str;
	}
	memcpy(str, line, len);
	strcpy(str + len, "\n");
	return str;
}

static void cfg_list_keys(const char *section, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cfg_nkeys && n < size; i++)
		if (!strcmp(cfg_keys[i].section, section))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
					      cfg_keys[i].key);
}

static int cfg_handler(void *user, const char *section, const char *name, const char *value)
{
	struct cfg_state *st = user;
	char known[512], key[128];
	int idx;

	if (!*section) {
		cfg_error(st, st->lineno, -1, "'%s' outside any section (start with [general])",
			  name);
		return 1;
	}
	if (!cfg_section_known(section))
		return 1; /* the reader reported the section header */
	idx = cfg_key_find(section, name);
	if (idx < 0) {
		cfg_list_keys(section, known, sizeof(known));
		snprintf(key, sizeof(key), "%s.%s", section, name);
		epdma_errors_add(&st->errs, st->cfg->file, st->lineno, key,
				 "unknown key (keys in [%s]: %s)", section, known);
		return 1;
	}
	if (st->raw[idx].line) {
		cfg_error(st, st->lineno, idx, "duplicate key (first set on line %u)",
			  st->raw[idx].line);
		return 1;
	}
	st->raw[idx].value = strdup(value);
	if (!st->raw[idx].value)
		abort();
	st->raw[idx].line = st->lineno;
	st->raw[idx].cut = st->value_cut;
	return 1;
}

/* ---- values ---- */

static int cfg_parse_number(const char *s, uint64_t *v, char *msg, size_t size)
{
	const char *digits = s;
	unsigned long long n;
	char *end;

	if (!*s) {
		snprintf(msg, size, "empty value (expected a number)");
		return -EINVAL;
	}
	if (!isdigit((unsigned char)*s)) {
		snprintf(msg, size, "'%s' is not a number (write decimal or 0x-prefixed hex)", s);
		return -EINVAL;
	}
	if (s[0] == '0' && isdigit((unsigned char)s[1])) {
		const char *dec = s + strspn(s, "0");

		/* The kernel would read it as octal (or refuse it): never guess. */
		snprintf(msg, size,
			 "'%s' looks octal: write 0x%s for hex or %s for decimal (a leading 0 "
			 "means octal to the kernel)",
			 s, s, *dec ? dec : "0");
		return -EINVAL;
	}
	if (s[0] == '0' && s[1] == 'X') {
		/* The documented form, and what we write to the kernel's kstrtou*(s, 0). */
		snprintf(msg, size,
			 "'%s' is not a number: the hex prefix is a lowercase 0x (write 0x%s)", s,
			 s + 2);
		return -EINVAL;
	}
	if (s[0] == '0' && s[1] == 'x')
		digits = s + 2;
	if (!isxdigit((unsigned char)*digits)) {
		snprintf(msg, size, "'%s' is not a number (write decimal or 0x-prefixed hex)", s);
		return -EINVAL;
	}
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno == ERANGE) {
		snprintf(msg, size, "'%s' is too large", s);
		return -ERANGE;
	}
	*v = n;
	return (int)(end - s);
}

/* A number with an optional binary suffix K, M or G. */
static int cfg_parse_size(const char *s, uint64_t *v, char *msg, size_t size)
{
	int n = cfg_parse_number(s, v, msg, size);
	unsigned int shift = 0;

	if (n < 0)
		return n;
	if (s[n] == 'k' || s[n] == 'm' || s[n] == 'g') {
		snprintf(msg, size,
			 "'%s' is not a size: the suffixes are K, M and G (write %.*s%c)", s, n, s,
			 toupper((unsigned char)s[n]));
		return -EINVAL;
	}
	switch (s[n]) {
	case '\0':
		break;
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	default:
		snprintf(msg, size,
			 "'%s' is not a size (a number with an optional K, M or G suffix)", s);
		return -EINVAL;
	}
	if (shift && s[n + 1]) {
		snprintf(msg, size,
			 "'%s' is not a size (a number with an optional K, M or G suffix)", s);
		return -EINVAL;
	}
	if (shift && *v > (UINT64_MAX >> shift)) {
		snprintf(msg, size, "'%s' is too large", s);
		return -ERANGE;
	}
	*v <<= shift;
	return 0;
}

static void cfg_format_size(uint64_t v, char *buf, size_t size)
{
	static const char suffix[] = "KMGT";
	int i = -1;

	while (v >= 1024 && !(v % 1024) && i < 3) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, size, "%llu", (unsigned long long)v);
	else
		snprintf(buf, size, "%llu%c", (unsigned long long)v, suffix[i]);
}

static void cfg_format(const struct cfg_key *k, uint64_t v, char *buf, size_t size)
{
	if (k->type == T_SIZE)
		cfg_format_size(v, buf, size);
	else if (k->hex)
		snprintf(buf, size, "0x%0*llx", k->max > 0xffff ? 6 : 4, (unsigned long long)v);
	else
		snprintf(buf, size, "%llu", (unsigned long long)v);
}

static int cfg_check_range(const struct cfg_key *k, uint64_t v, char *msg, size_t size)
{
	char val[32], lo[32], hi[32];
	bool pow2 = k->type != T_SIZE || !v || !(v & (v - 1));

	/* Formatted only for the message: every key's default passes through here. */
	if (pow2 && v >= k->min && v <= k->max)
		return 0;
	cfg_format(k, v, val, sizeof(val));
	cfg_format(k, k->min, lo, sizeof(lo));
	cfg_format(k, k->max, hi, sizeof(hi));
	if (!pow2) {
		snprintf(msg, size, "%s is not a power of two", val);
		return -EINVAL;
	}
	if (k->type == T_SIZE && !k->min)
		snprintf(msg, size, "%s is out of range (0 = no limit, or up to %s)", val, hi);
	else
		snprintf(msg, size, "%s is out of range (%s..%s)", val, lo, hi);
	return -ERANGE;
}

static int cfg_parse_uint(const struct cfg_key *k, const char *s, uint64_t *v, char *msg,
			  size_t size)
{
	int r;

	if (k->type == T_SIZE)
		r = cfg_parse_size(s, v, msg, size);
	else
		r = cfg_parse_number(s, v, msg, size);
	if (r >= 0 && k->type != T_SIZE && s[r]) {
		snprintf(msg, size, "'%s' is not a number (write decimal or 0x-prefixed hex)", s);
		return -EINVAL;
	}
	return r < 0 ? r : cfg_check_range(k, *v, msg, size);
}

static int cfg_parse_bar(const char *s, uint64_t *v, char *msg, size_t size)
{
	if (!strcmp(s, "auto")) {
		*v = (uint64_t)(int64_t)EPDMA_BAR_AUTO;
		return 0;
	}
	if (strlen(s) == 1 && s[0] >= '0' && s[0] <= '5') {
		*v = (uint64_t)(s[0] - '0');
		return 0;
	}
	snprintf(msg, size, "'%s' is not a BAR (allowed: auto, 0, 1, 2, 3, 4, 5)", s);
	return -EINVAL;
}

static int cfg_parse_enum(const struct cfg_key *k, const char *s, uint64_t *v, char *msg,
			  size_t size)
{
	size_t n = 0;

	for (size_t i = 0; k->choices[i]; i++) {
		if (!strcmp(k->choices[i], s)) {
			*v = i;
			return 0;
		}
	}
	n = (size_t)snprintf(msg, size, "unknown value '%s' (allowed:", s);
	for (size_t i = 0; k->choices[i] && n < size; i++)
		n += (size_t)snprintf(msg + n, size - n, "%s %s", i ? "," : "", k->choices[i]);
	if (n < size)
		snprintf(msg + n, size - n, ")");
	return -EINVAL;
}

/* Characters outside SET: the first one, described for the user. */
static const char *cfg_bad_char(const char *s, const char *set, char *buf, size_t size)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || strchr(set, c))
			continue;
		if (c == ' ')
			snprintf(buf, size, "a space");
		else if (c == '\t')
			snprintf(buf, size, "a tab");
		else if (isprint(c))
			snprintf(buf, size, "'%c'", c);
		else
			snprintf(buf, size, "byte 0x%02x", c);
		return buf;
	}
	return NULL;
}

static int cfg_parse_string(const struct cfg_key *k, const char *s, char *msg, size_t size)
{
	char what[16];
	size_t len = strlen(s);

	switch (k->type) {
	case T_NAME:
		/* configfs directory and link name: also a file name in controllers/<epc>/. */
		if (!len || len > EPDMA_NAME_MAX || s[0] == '.' ||
		    cfg_bad_char(s, "_.-", what, sizeof(what))) {
			snprintf(msg, size,
				 "'%s' is not a valid function name (1 to %d of A-Z a-z 0-9 _ . -, "
				 "not starting with '.')",
				 s, EPDMA_NAME_MAX);
			return -EINVAL;
		}
		return 0;
	case T_IDENT:
		/* Goes into module options and sysfs writes: nothing that could add another option.
		 */
		if (!len || len >= k->size) {
			snprintf(msg, size, "'%s' must be 1 to %zu characters", s, k->size - 1);
			return -EINVAL;
		}
		if (cfg_bad_char(s, "_-", what, sizeof(what))) {
			snprintf(msg, size,
				 "'%s' contains %s: only A-Z a-z 0-9 _ - are allowed (whitespace, "
				 "'=' or quotes would inject module options)",
				 s, what);
			return -EINVAL;
		}
		return 0;
	case T_IDENTS:
		if (len >= k->size || cfg_bad_char(s, "_-, ", what, sizeof(what))) {
			snprintf(msg, size,
				 "'%s' is not a list of module names (up to %zu characters of A-Z "
				 "a-z 0-9 _ -, separated by spaces or commas)",
				 s, k->size - 1);
			return -EINVAL;
		}
		return 0;
	case T_CONTROLLER:
		/* A directory name below controllers/: never a path. */
		if (len >= k->size || !strcmp(s, ".") || !strcmp(s, "..") ||
		    cfg_bad_char(s, "_.:-", what, sizeof(what))) {
			snprintf(msg, size,
				 "'%s' is not a controller name (up to %zu of A-Z a-z 0-9 _ . : -, "
				 "e.g. e65d0000.pcie-ep)",
				 s, k->size - 1);
			return -EINVAL;
		}
		return 0;
	case T_PCI_SLOT: {
		/* Matched against libpci's functions by lib/host-discover.c. */
		unsigned int dom, bus, slot, fn;
		char end;

		if (!len ||
		    (sscanf(s, "%4x:%2x:%2x%c", &dom, &bus, &slot, &end) == 3 && len == 10 &&
		     slot < 32) ||
		    (sscanf(s, "%4x:%2x:%2x.%1u%c", &dom, &bus, &slot, &fn, &end) == 4 &&
		     len == 12 && slot < 32 && fn < 8))
			return 0;
		snprintf(msg, size,
			 "'%s' is not a PCI slot DDDD:BB:SS or function DDDD:BB:SS.F "
			 "(e.g. 0000:08:00)",
			 s);
		return -EINVAL;
	}
	default:
		abort();
	}
}

static void cfg_store_uint(struct epdma_config *cfg, const struct cfg_key *k, uint64_t v)
{
	char *p = (char *)cfg + k->offset;

	if (k->type == T_BAR || k->type == T_ENUM) {
		int i = (int)(int64_t)v;
		memcpy(p, &i, sizeof(i));
	} else if (k->size == sizeof(uint16_t)) {
		uint16_t u = (uint16_t)v;
		memcpy(p, &u, sizeof(u));
	} else if (k->size == sizeof(uint32_t)) {
		uint32_t u = (uint32_t)v;
		memcpy(p, &u, sizeof(u));
	} else {
		memcpy(p, &v, sizeof(v));
	}
}

/* Parse S for key IDX and store it; on failure MSG says why and nothing is stored. */
static int cfg_set(struct cfg_state *st, int idx, const char *s, char *msg, size_t size)
{
	const struct cfg_key *k = &cfg_keys[idx];
	char *p = (char *)st->cfg + k->offset;
	uint64_t v = 0;
	int r;

	switch (k->type) {
	case T_ENUM:
		r = cfg_parse_enum(k, s, &v, msg, size);
		break;
	case T_PROFILE:
		r = cfg_profile_check(s, msg, size);
		if (!r)
			snprintf(p, k->size, "%s", strcmp(s, "none") ? s : "");
		return r;
	case T_BAR:
		r = cfg_parse_bar(s, &v, msg, size);
		break;
	case T_UINT:
	case T_SIZE:
		r = cfg_parse_uint(k, s, &v, msg, size);
		break;
	default:
		r = cfg_parse_string(k, s, msg, size);
		if (!r)
			snprintf(p, k->size, "%s", s);
		return r;
	}
	if (!r)
		cfg_store_uint(st->cfg, k, v);
	return r;
}

static void cfg_apply_defaults(struct cfg_state *st)
{
	char msg[256];

	for (size_t i = 0; i < cfg_nkeys; i++) {
		if (cfg_keys[i].def && cfg_set(st, (int)i, cfg_keys[i].def, msg, sizeof(msg)))
			abort(); /* a broken built-in default is a bug, caught by the tests */
		st->origin[i].source = EPDMA_CONFIG_DEFAULT;
	}
}

/* The profile named in the file (if any, and valid) fills IDs and the host driver's BAR map. */
static void cfg_apply_profile(struct cfg_state *st)
{
	const struct cfg_raw *raw = &st->raw[cfg_key_find("general", "profile")];
	const struct cfg_profile *p = raw->line ? cfg_profile_find(raw->value) : NULL;
	char msg[256];

	for (const struct cfg_setting *s = p ? p->set : NULL; s && s->section; s++) {
		int idx = cfg_key_find(s->section, s->key);

		/* A profile naming no key, or a value the parser refuses: a bug. */
		if (idx < 0 || cfg_set(st, idx, s->value, msg, sizeof(msg)))
			abort();
		st->origin[idx].source = EPDMA_CONFIG_PROFILE;
	}
}

static void cfg_apply_file(struct cfg_state *st)
{
	char msg[512];

	for (size_t i = 0; i < cfg_nkeys; i++) {
		const struct cfg_raw *raw = &st->raw[i];

		if (!raw->line)
			continue;
		st->origin[i].source = EPDMA_CONFIG_FILE;
		st->origin[i].line = raw->line;
		if (cfg_set(st, (int)i, raw->value, msg, sizeof(msg)) == 0) {
			st->cfg->origin->line_used[raw->line] = true;
			continue;
		}
		st->origin[i].bad = true;
		if (!*raw->value && raw->cut)
			cfg_error(st, raw->line, (int)i,
				  "empty value: a ';' after whitespace starts a comment, so the "
				  "rest of the line was dropped");
		else
			cfg_error(st, raw->line, (int)i, "%s", msg);
	}
}

/* ---- the file ---- */

/*
 * O_NONBLOCK: opening a FIFO for reading blocks until a writer comes, before
 * fstat() could refuse it. The flag changes nothing for the regular file we
 * accept. O_NOCTTY: a terminal given as the config must not become ours.
 */
#define CFG_OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY)

static int cfg_open(struct epdma_ctx *ctx, const char *path)
{
	int fd;

	if (!path)
		return epdma_fs_open(ctx, EPDMA_CONFIG_PATH, CFG_OPEN_FLAGS, 0);
	fd = open(path, CFG_OPEN_FLAGS | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static const char *cfg_file_type(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* Whoever can write the file decides what epdma writes into the kernel. */
static void cfg_check_owner(struct cfg_state *st, const struct stat *sb)
{
	if (sb->st_uid != 0 && sb->st_uid != geteuid())
		epdma_errors_add(
			&st->errs, st->cfg->file, 0, NULL,
			"owned by uid %u, not by root or the current user (uid %u): chown root %s",
			(unsigned int)sb->st_uid, (unsigned int)geteuid(), st->cfg->file);
	if (sb->st_mode & (S_IWGRP | S_IWOTH))
		epdma_errors_add(&st->errs, st->cfg->file, 0, NULL,
				 "writable by group or others (mode %04o): chmod go-w %s",
				 (unsigned int)(sb->st_mode & 07777), st->cfg->file);
}

/* The reader's lines: LF ends one; text after the last LF is one more. */
static int cfg_count_lines(struct cfg_state *st)
{
	struct epdma_config_origin *o = st->cfg->origin;
	unsigned int n = 0;

	for (const char *p = st->pos; p < st->end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(st->end - p));

		p = nl ? nl + 1 : st->end;
	}
	o->nlines = n;
	o->line_used = calloc(n + 1, sizeof(*o->line_used));
	return o->line_used ? 0 : -ENOMEM;
}

static int cfg_read_file(struct cfg_state *st, int fd)
{
	struct stat sb;
	ssize_t n;
	size_t len = 0;

	if (fstat(fd, &sb) < 0)
		return -errno;
	if (!S_ISREG(sb.st_mode)) {
		epdma_errors_add(&st->errs, st->cfg->file, 0, NULL, "not a regular file (%s)",
				 cfg_file_type(sb.st_mode));
		return -EINVAL;
	}
	cfg_check_owner(st, &sb);
	st->buf = malloc(CFG_FILE_MAX + 1);
	if (!st->buf)
		return -ENOMEM;
	while ((n = read(fd, st->buf + len, CFG_FILE_MAX + 1 - len)) > 0 &&
	       len + (size_t)n <= CFG_FILE_MAX)
		len += (size_t)n;
	if (n < 0)
		return -errno;
	if (n > 0) {
		epdma_errors_add(&st->errs, st->cfg->file, 0, NULL,
				 "file too large (more than %d bytes)", CFG_FILE_MAX);
		return -EINVAL;
	}
	st->pos = st->buf;
	st->end = st->buf + len;
	return cfg_count_lines(st);
}

/* Whole-file encodings that would otherwise show up as an error on every line, or none. */
static int cfg_check_encoding(struct cfg_state *st)
{
	size_t len = (size_t)(st->end - st->pos);
	const unsigned char *b = (const unsigned char *)st->pos;

	if (len >= 2 && ((b[0] == 0xfe && b[1] == 0xff) || (b[0] == 0xff && b[1] == 0xfe))) {
		epdma_errors_add(&st->errs, st->cfg->file, 1, NULL,
				 "the file is UTF-16 (byte order mark %02X %02X): save it as UTF-8 "
				 "or ASCII",
				 b[0], b[1]);
		return -EINVAL;
	}
	/* Classic Mac OS line endings: to inih the whole file is one line. */
	if (memchr(b, '\r', len) && !memchr(b, '\n', len)) {
		epdma_errors_add(&st->errs, st->cfg->file, 1, NULL,
				 "the file has CR-only line endings (classic Mac OS): lines end in "
				 "LF or CR LF (convert with: tr '\\r' '\\n')");
		return -EINVAL;
	}
	return 0;
}

static int cfg_parse(struct epdma_ctx *ctx, const char *path, struct cfg_state *st)
{
	_cleanup_close_ int fd = cfg_open(ctx, path);
	int r;

	if (fd < 0) {
		epdma_errors_add(&st->errs, st->cfg->file, 0, NULL, "cannot open: %s",
				 strerror(-fd));
		return fd;
	}
	r = cfg_read_file(st, fd);
	if (r < 0) {
		if (r != -EINVAL)
			epdma_errors_add(&st->errs, st->cfg->file, 0, NULL, "cannot read: %s",
					 strerror(-r));
		return r;
	}
	if (cfg_check_encoding(st) < 0)
		return -EINVAL;
	/* Every line reaches inih complete and our handler never fails: its result says nothing
	 * new. */
	if (ini_parse_stream(cfg_read_line, st, cfg_handler, st) == -2)
		return -ENOMEM;
	return 0;
}

/* Errors in file order; line 0 (defaults, profile, the file as a whole) first. */
static void cfg_move_errors(struct cfg_state *st, struct epdma_errors *errs)
{
	struct epdma_errors *e = &st->errs;

	for (size_t i = 1; i < e->count; i++) {
		struct epdma_error tmp = e->items[i];
		size_t j = i;

		for (; j > 0 && e->items[j - 1].line > tmp.line; j--)
			e->items[j] = e->items[j - 1];
		e->items[j] = tmp;
	}
	for (size_t i = 0; i < e->count; i++)
		epdma_errors_add(errs, e->items[i].file, e->items[i].line, e->items[i].key, "%s",
				 e->items[i].message);
	epdma_errors_clear(e);
}

static void cfg_state_free(struct cfg_state *st)
{
	if (st->raw)
		for (size_t i = 0; i < cfg_nkeys; i++)
			free(st->raw[i].value);
	free(st->raw);
	free(st->buf);
	epdma_errors_clear(&st->errs);
}

int epdma_config_load(struct epdma_ctx *ctx, const char *path, struct epdma_config **config,
		      struct epdma_errors *errs)
{
	struct cfg_state st = { 0 };
	int r;

	*config = NULL;
	st.cfg = calloc(1, sizeof(*st.cfg));
	st.raw = calloc(cfg_nkeys, sizeof(*st.raw));
	if (!st.cfg || !st.raw)
		abort(); /* as report.c: nothing sensible is left to do */
	st.cfg->origin = calloc(1, sizeof(*st.cfg->origin) + cfg_nkeys * sizeof(*st.origin));
	st.cfg->file = strdup(path ? path : EPDMA_CONFIG_PATH);
	if (!st.cfg->origin || !st.cfg->file)
		abort();
	st.origin = st.cfg->origin->key;
	cfg_apply_defaults(&st);
	r = cfg_parse(ctx, path, &st);
	if (r < 0)
		goto out;
	cfg_apply_profile(&st);
	cfg_apply_file(&st);
	cfg_validate(&st);
	r = st.errs.count ? -EINVAL : 0;
out:
	cfg_move_errors(&st, errs);
	if (r == 0)
		*config = st.cfg;
	else
		epdma_config_free(st.cfg);
	cfg_state_free(&st);
	return r;
}

void epdma_config_free(struct epdma_config *config)
{
	if (!config)
		return;
	free(config->file);
	if (config->origin)
		free(config->origin->line_used);
	free(config->origin);
	free(config);
}

enum epdma_config_source epdma_config_source(const struct epdma_config *config, const char *section,
					     const char *key, unsigned int *line)
{
	int idx = cfg_key_find(section, key);
	const struct cfg_origin *o;

	if (line)
		*line = 0;
	if (idx < 0 || !config->origin)
		return EPDMA_CONFIG_DEFAULT;
	o = &config->origin->key[idx];
	if (line && o->source == EPDMA_CONFIG_FILE)
		*line = o->line;
	return o->source;
}

bool epdma_config_key(size_t index, const char **section, const char **key, const char **def)
{
	if (index >= cfg_nkeys)
		return false;
	*section = cfg_keys[index].section;
	*key = cfg_keys[index].key;
	*def = cfg_keys[index].def;
	return true;
}

unsigned int cfg_line_count(const struct epdma_config *config)
{
	return config->origin ? config->origin->nlines : 0;
}

bool cfg_line_used(const struct epdma_config *config, unsigned int line)
{
	const struct epdma_config_origin *o = config->origin;

	return o && o->line_used && line >= 1 && line <= o->nlines && o->line_used[line];
}
