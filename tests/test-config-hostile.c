// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hostile and odd configuration files, one table row each: every file is
 * refused with file:line (and the key where there is one), or accepted where
 * epdma.conf(5) says so, with the parsed value checked and every line used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "fuzz/config-oracle.h"

#define CONF "/etc/epdma.conf"

enum place {
	AS_TEXT,   /* TEXT at the default path, mode 0644 */
	AS_MODE,   /* TEXT, mode 0666 */
	AS_DIR,	   /* a directory at the default path */
	AS_ZERO,   /* --config /dev/zero */
	AS_FIFO,   /* a FIFO at the default path */
	AS_SYMLINK /* a symlink at the default path to the machine's /etc/passwd */
};

struct hostile {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen(text) */
	enum place place;
	bool ok;
	/* refused: the error wanted (line, key or NULL, a part of the message) and the errno */
	unsigned int line;
	const char *key;
	const char *msg;
	int ret;
	/* accepted: KEY ("section.name") holds WANT, as decimal or as the string */
	const char *want;
};

#define NO(n, t, l, k, m)                                           \
	{                                                           \
		.name = n, .text = t, .line = l, .key = k, .msg = m \
	}
#define RAW(n, t, l, k, m)                                                                \
	{                                                                                 \
		.name = n, .text = t, .len = sizeof(t) - 1, .line = l, .key = k, .msg = m \
	}
#define YES(n, t, k, w)                                               \
	{                                                             \
		.name = n, .text = t, .ok = true, .key = k, .want = w \
	}
#define INJ(k, v, what) \
	NO(k " = " v, "[transport]\nmodule = x\n[host]\n" k " = " v "\n", 4, "host." k, what)
#define NUM(n, v, m) \
	NO("vbus_number = " n, "[vntb]\nvbus_number = " v "\n", 2, "vntb.vbus_number", m)
#define SIZE(n, v, m) \
	NO("max_mw_size = " n, "[transport]\nmax_mw_size = " v "\n", 2, "transport.max_mw_size", m)

#define NOTNUM	"is not a number (write decimal or 0x-prefixed hex)"
#define NOTSIZE "is not a size (a number with an optional K, M or G suffix)"
#define INJECT \
	"only A-Z a-z 0-9 _ - are allowed (whitespace, '=' or quotes would inject module options)"
#define BADNAME	 "is not a valid function name (1 to 32 of A-Z a-z 0-9 _ . -, not starting with '.')"
#define BADCTL	 "is not a controller name"
#define TAIL	 "text after the section header"
#define LONGLINE "line too long"
#define L40	 "0123456789012345678901234567890123456789"
#define L200	 L40 L40 L40 L40 L40
#define S40	 "                                        "

static const struct hostile cases[] = {
	/* traversal and odd names */
	NO("vntb.name ../x", "[vntb]\nname = ../x\n", 2, "vntb.name", BADNAME),
	NO("vntb.name a/b", "[vntb]\nname = a/b\n", 2, "vntb.name", BADNAME),
	NO("vntb.name ..", "[vntb]\nname = ..\n", 2, "vntb.name", BADNAME),
	NO("vntb.name .", "[vntb]\nname = .\n", 2, "vntb.name", BADNAME),
	NO("dma.name .hidden", "[dma]\nname = .hidden\n", 2, "dma.name", BADNAME),
	NO("dma.name /abs", "[dma]\nname = /etc\n", 2, "dma.name", BADNAME),
	NO("dma.name space", "[dma]\nname = a b\n", 2, "dma.name", BADNAME),
	NO("dma.name utf8", "[dma]\nname = d\xc3\xa9\n", 2, "dma.name", BADNAME),
	NO("dma.name 33 chars",
	   "[dma]\nname = "
	   "012345678901234567890123456789012"
	   "\n",
	   2, "dma.name", BADNAME),
	YES("dma.name 32 chars",
	    "[dma]\nname = "
	    "01234567890123456789012345678901"
	    "\n",
	    "dma.name", "01234567890123456789012345678901"),
	YES("dma.name dots inside", "[dma]\nname = a.b-c_d\n", "dma.name", "a.b-c_d"),
	NO("controller ../x", "[endpoint]\ncontroller = ../x\n", 2, "endpoint.controller", BADCTL),
	NO("controller a/b", "[endpoint]\ncontroller = a/b\n", 2, "endpoint.controller", BADCTL),
	NO("controller ..", "[endpoint]\ncontroller = ..\n", 2, "endpoint.controller", BADCTL),
	NO("controller .", "[endpoint]\ncontroller = .\n", 2, "endpoint.controller", BADCTL),
	NO("controller 64 chars",
	   "[endpoint]\ncontroller = " L40 "012345678901234567890123"
	   "\n",
	   2, "endpoint.controller", BADCTL),
	YES("controller empty = the only one", "[endpoint]\ncontroller =\n", "endpoint.controller",
	    ""),
	/* injection into module options and sysfs writes */
	INJ("dma_driver", "a b", "contains a space: " INJECT),
	INJ("dma_driver", "a=b", "contains '=': " INJECT),
	INJ("dma_driver", "\"a\"", "contains '\"': " INJECT),
	INJ("dma_driver", "'a'", "contains ''': " INJECT),
	INJ("dma_driver", "a\tb", "contains a tab: " INJECT),
	INJ("dma_driver", "a,b", "contains ',': " INJECT),
	INJ("dma_driver", "a;b", "contains ';': " INJECT),
	INJ("dma_driver", "../b", "contains '.': " INJECT),
	INJ("dma_driver", "a\\nb", "contains '\\': " INJECT),
	INJ("dma_driver", "$(id)", "contains '$': " INJECT),
	INJ("dma_driver", "\xc3\xa9", "contains byte 0xc3: " INJECT),
	NO("module a b", "[transport]\nmodule = ntb_transport use_dma=1\n", 2, "transport.module",
	   "contains a space: " INJECT),
	NO("module a=b", "[transport]\nmodule = a=b\n", 2, "transport.module",
	   "contains '=': " INJECT),
	NO("module quotes", "[transport]\nmodule = \"a b\"\n", 2, "transport.module",
	   "contains '\"': " INJECT),
	NO("module /path", "[transport]\nmodule = /lib/x\n", 2, "transport.module",
	   "contains '/': " INJECT),
	NO("module newline escaped", "[transport]\nmodule = a\\n\n", 2, "transport.module",
	   "contains '\\': " INJECT),
	NO("module newline", "[transport]\nmodule = a\nuse_dma=1\n", 3, "transport.use_dma",
	   "unknown key"),
	NO("module empty", "[transport]\nmodule =\n", 2, "transport.module", "must be 1 to"),
	NO("bdf_param a=b", "[transport]\nbdf_param = dma_bdf=0000:01:00.1\n", 2,
	   "transport.bdf_param", "contains '=': " INJECT),
	NO("bdf_param space", "[transport]\nbdf_param = x y\n", 2, "transport.bdf_param",
	   "contains a space: " INJECT),
	NO("bdf_param quote", "[transport]\nbdf_param = 'x'\n", 2, "transport.bdf_param",
	   "contains ''': " INJECT),
	NO("bdf_param colon", "[transport]\nbdf_param = a:b\n", 2, "transport.bdf_param",
	   "contains ':': " INJECT),
	YES("module dashes", "[transport]\nmodule = ntb-transport_2\n", "transport.module",
	    "ntb-transport_2"),
	/* numbers: octal traps, limits, signs, other notations */
	NUM("0809", "0809", "looks octal: write 0x0809 for hex or 809 for decimal"),
	NUM("00", "00", "looks octal: write 0x00 for hex or 0 for decimal"),
	NUM("010", "010", "looks octal"),
	NUM("-1", "-1", "'-1' " NOTNUM),
	NUM("+1", "+1", "'+1' " NOTNUM),
	NUM("2^64", "18446744073709551616", "'18446744073709551616' is too large"),
	NUM("2^64-1", "18446744073709551615", "is out of range (0x0000..0x00ff)"),
	NUM("0x2^64-1", "0xffffffffffffffff", "is out of range (0x0000..0x00ff)"),
	NUM("0x2^64", "0x10000000000000000", "is too large"),
	NUM("1e3", "1e3", "'1e3' " NOTNUM),
	NUM("1.5", "1.5", "'1.5' " NOTNUM),
	NUM("0b101", "0b101", "'0b101' " NOTNUM),
	NUM("1_000", "1_000", "'1_000' " NOTNUM),
	NUM("0x-1", "0x-1", "'0x-1' " NOTNUM),
	NUM("0x 1", "0x 1", "'0x 1' " NOTNUM),
	NUM("1 2", "1 2", "'1 2' " NOTNUM),
	NUM("12abc", "12abc", "'12abc' " NOTNUM),
	NUM("0X11", "0X11", "the hex prefix is a lowercase 0x (write 0x11)"),
	NUM("fullwidth 1", "\xef\xbc\x91", NOTNUM),
	NUM("hex without digits", "0x", "'0x' " NOTNUM),
	NUM("256", "256", "0x0100 is out of range (0x0000..0x00ff)"),
	NUM("empty", "", "empty value (expected a number)"),
	YES("vbus_number 0", "[vntb]\nvbus_number = 0\n", "vntb.vbus_number", "0"),
	YES("vbus_number 0x20", "[vntb]\nvbus_number = 0x20\n", "vntb.vbus_number", "32"),
	YES("vbus_number 255", "[vntb]\nvbus_number = 255\n", "vntb.vbus_number", "255"),
	YES("vbus_number 0x000ff", "[vntb]\nvbus_number = 0x000ff\n", "vntb.vbus_number", "255"),
	SIZE("64k", "64k", "'64k' is not a size: the suffixes are K, M and G (write 64K)"),
	SIZE("1T", "1T", "'1T' " NOTSIZE),
	SIZE("1KB", "1KB", "'1KB' " NOTSIZE),
	SIZE("1 K", "1 K", "'1 K' " NOTSIZE),
	SIZE("-1K", "-1K", "'-1K' " NOTNUM),
	SIZE("K", "K", "'K' " NOTNUM),
	SIZE("16777216G", "16777216G", "is out of range"),
	SIZE("2^64 as G", "17179869184G", "is too large"),
	SIZE("2^64-1", "18446744073709551615", "is not a power of two"),
	SIZE("3K", "3K", "3K is not a power of two"),
	YES("max_mw_size 1024G", "[transport]\nmax_mw_size = 1024G\n", "transport.max_mw_size",
	    "1099511627776"),
	YES("max_mw_size 0x100000", "[transport]\nmax_mw_size = 0x100000\n",
	    "transport.max_mw_size", "1048576"),
	NO("wr_chans 9", "[dma]\nwr_chans = 9\n", 2, "dma.wr_chans", "9 is out of range (0..8)"),
	NO("bar 6", "[dma]\nmetadata_bar = 6\n", 2, "dma.metadata_bar", "'6' is not a BAR"),
	NO("bar 01", "[dma]\nmetadata_bar = 01\n", 2, "dma.metadata_bar", "'01' is not a BAR"),
	NO("bar AUTO", "[dma]\nmetadata_bar = AUTO\n", 2, "dma.metadata_bar",
	   "'AUTO' is not a BAR"),
	NO("role Host", "[general]\nrole = Host\n", 2, "general.role", "unknown value 'Host'"),
	NO("role empty", "[general]\nrole =\n", 2, "general.role", "unknown value ''"),
	NO("profile ../imx8", "[general]\nprofile = ../imx8\n", 2, "general.profile",
	   "unknown profile '../imx8'"),
	/* encodings and bytes */
	RAW("UTF-16 BE", "\xfe\xff\0[\0g\0e\0n\0e\0r\0a\0l\0]\0\n", 1, NULL,
	    "the file is UTF-16 (byte order mark FE FF)"),
	RAW("UTF-16 LE", "\xff\xfe[\0g\0e\0n\0e\0r\0a\0l\0]\0\n\0", 1, NULL,
	    "the file is UTF-16 (byte order mark FF FE)"),
	YES("UTF-8 BOM", "\xef\xbb\xbf[general]\nrole = host\n", "general.role", "2"),
	NO("UTF-8 BOM twice", "\xef\xbb\xbf\xef\xbb\xbf[general]\n", 1, NULL,
	   "expected 'key = value'"),
	NO("UTF-8 BOM on line 2", "[general]\n\xef\xbb\xbfrole = host\n", 2,
	   "general.\xef\xbb\xbfrole", "unknown key"),
	RAW("NUL in a value", "[dma]\nname = a\0b\n", 2, NULL, "line contains a NUL byte"),
	RAW("NUL in a comment", "[dma]\n# a\0b\n", 2, NULL, "line contains a NUL byte"),
	RAW("NUL at the end", "[dma]\n\0", 2, NULL, "line contains a NUL byte"),
	NO("CR-only file", "[general]\rrole = host\r", 1, NULL, "CR-only line endings"),
	NO("stray CR", "[general]\nrole = host\rprofile = imx8\n", 2, NULL,
	   "carriage return inside the line"),
	YES("CRLF", "[general]\r\nrole = endpoint\r\n", "general.role", "1"),
	YES("no final newline", "[general]\nrole = host", "general.role", "2"),
	NO("binary garbage", "\x01\x02\x03\n", 1, NULL, "expected 'key = value'"),
	/* lines */
	NO("overlong value line", "[dma]\nname = " L200 "\n", 2, NULL,
	   LONGLINE " (207 characters, at most 198)"),
	NO("overlong comment line", "[dma]\n#" L200 "\n", 2, NULL,
	   LONGLINE " (201 characters, at most 198)"),
	NO("overlong section line", "[" L200 "]\n", 1, NULL, LONGLINE),
	NO("overlong line in CRLF file", "[dma]\r\n#" L200 "\r\n", 2, NULL,
	   LONGLINE " (202 characters, at most 198)"),
	NO("section name 50 characters", "[" L40 "0123456789]\n", 1, NULL,
	   "section name too long (50 characters, at most 49)"),
	NO("indented continuation", "[vntb]\nnum_mws = 1\n  2\n", 3, NULL,
	   "indented line would continue"),
	YES("198 characters fit",
	    "[host]\nrescan_interval_ms = " S40 S40 S40 S40 "             1000\n",
	    "host.rescan_interval_ms", "1000"),
	/* structure */
	NO("section never closed", "[vntb\nnum_mws = 2\n", 1, NULL, "section header without ']'"),
	NO("empty section name", "[]\n", 1, NULL, "unknown section []"),
	NO("section with spaces", "[ vntb ]\n", 1, NULL, "unknown section [ vntb ]"),
	NO("section upper case", "[VNTB]\n", 1, NULL, "unknown section [VNTB]"),
	NO("unknown section", "[vntb2]\nnum_mws = 2\n", 1, NULL, "unknown section [vntb2]"),
	NO("key in unknown section is not used", "[vntb2]\n", 1, NULL, "unknown section"),
	NO("text after ]", "[general] role = host\n", 1, NULL, TAIL ": 'role = host'"),
	NO("text after ] in vntb", "[vntb] vbus_number = 0x20\n", 1, NULL,
	   TAIL ": 'vbus_number = 0x20'"),
	NO("# after ]", "[vntb] # c\n", 1, NULL, TAIL ": '# c'"),
	NO("two sections on a line", "[vntb][dma]\n", 1, NULL, TAIL ": '[dma]'"),
	YES("comment after ]", "[general] ; the end\nrole = host\n", "general.role", "2"),
	YES("section twice", "[vntb]\nnum_mws = 2\n[dma]\n[vntb]\nmw2_bar = 5\n", "vntb.mw2_bar",
	    "5"),
	NO("key twice", "[vntb]\nnum_mws = 1\nnum_mws = 1\n", 3, "vntb.num_mws",
	   "duplicate key (first set on line 2)"),
	NO("key twice across sections", "[dma]\nwr_chans = 1\n[vntb]\n[dma]\nwr_chans = 1\n", 5,
	   "dma.wr_chans", "duplicate key"),
	NO("unknown key", "[vntb]\ncolour = blue\n", 2, "vntb.colour", "unknown key"),
	NO("key of another section", "[vntb]\nwr_chans = 1\n", 2, "vntb.wr_chans", "unknown key"),
	NO("key upper case", "[vntb]\nNUM_MWS = 1\n", 2, "vntb.NUM_MWS", "unknown key"),
	NO("key without =", "[general]\nrole\n", 2, NULL, "expected 'key = value'"),
	NO("= without key", "[general]\n= host\n", 2, NULL, "key name missing before '='"),
	NO(": without key", "[general]\n: host\n", 2, NULL, "key name missing before ':'"),
	NO("key before any section", "role = host\n", 1, NULL, "'role' outside any section"),
	NO("role == host", "[general]\nrole == host\n", 2, "general.role",
	   "unknown value '= host'"),
	NO("role = host = x", "[general]\nrole = host = x\n", 2, "general.role",
	   "unknown value 'host = x'"),
	NO("trailing garbage", "[vntb]\nnum_mws = 2 x\n", 2, "vntb.num_mws", "'2 x' " NOTNUM),
	NO("trailing # comment", "[vntb]\nnum_mws = 2 # two\n", 2, "vntb.num_mws",
	   "'2 # two' " NOTNUM),
	NO("; without space", "[vntb]\nnum_mws = 2;two\n", 2, "vntb.num_mws", "'2;two' " NOTNUM),
	NO("value all comment", "[dma]\nname = ; x\n", 2, "dma.name",
	   "empty value: a ';' after whitespace"),
	NO("empty name", "[dma]\nname =\n", 2, "dma.name", BADNAME),
	NO("space in key", "[vntb]\nnum mws = 2\n", 2, "vntb.num mws", "unknown key"),
	NO("; in key after space", "[vntb]\nnum ;x = 2\n", 2, NULL, "expected 'key = value'"),
	YES("colon separator", "[vntb]\nnum_mws: 2\nmw2_bar : 5\n", "vntb.num_mws", "2"),
	YES("tabs around =", "[vntb]\n\tnum_mws\t=\t2\t\nmw2_bar=5\n", "vntb.num_mws", "2"),
	YES("comment after value", "[vntb]\nnum_mws = 2 ; two windows\nmw2_bar = 5\n",
	    "vntb.num_mws", "2"),
	YES("only comments", "# a\n; b\n\n   \n\t# c\n", "vntb.num_mws", "1"),
	YES("empty file", "", "general.role", "0"),
	/* the file itself */
	{ .name = "mode 0666",
	  .text = "[general]\n",
	  .place = AS_MODE,
	  .line = 0,
	  .msg = "writable by group or others (mode 0666)" },
	{ .name = "a directory",
	  .place = AS_DIR,
	  .line = 0,
	  .msg = "not a regular file (a directory)" },
	{ .name = "/dev/zero",
	  .place = AS_ZERO,
	  .line = 0,
	  .msg = "not a regular file (a character device)" },
	{ .name = "a FIFO", .place = AS_FIFO, .line = 0, .msg = "not a regular file (a FIFO)" },
	{ .name = "symlink out of the root",
	  .place = AS_SYMLINK,
	  .line = 0,
	  .msg = "cannot open: No such file or directory",
	  .ret = -ENOENT },
};

static struct fx *fx;
static struct epdma_ctx *ctx;

static void setup(void)
{
	fx = fx_new();
	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	fx_mkdir(fx, "/etc");
}

static void teardown(void)
{
	epdma_ctx_free(ctx);
	fx_free(fx);
}

/* Put the case's file in place; the path to load (NULL: the default one). */
static const char *place(const struct hostile *h, size_t len)
{
	char *path = fx_path(fx, CONF);

	switch (h->place) {
	case AS_TEXT:
	case AS_MODE:
		fx_write_raw(fx, CONF, h->text, len);
		ck_assert_int_eq(chmod(path, h->place == AS_MODE ? 0666 : 0644), 0);
		break;
	case AS_DIR:
		fx_mkdir(fx, CONF);
		break;
	case AS_FIFO:
		ck_assert_int_eq(mkfifo(path, 0644), 0);
		break;
	case AS_SYMLINK:
		ck_assert_int_eq(symlink("/etc/passwd", path), 0);
		break;
	case AS_ZERO:
		free(path);
		return "/dev/zero";
	}
	free(path);
	return NULL;
}

/* KEY's value in CFG, as the table stores it: decimal, or the string. */
static char *value_of(const struct epdma_config *cfg, const char *key)
{
	const char *dot = strchr(key, '.');
	int idx = dot ? cfg_key_find(strndupa(key, (size_t)(dot - key)), dot + 1) : -1;
	const struct cfg_key *k;
	const char *p;
	uint64_t v = 0;
	char *s;

	ck_assert_msg(idx >= 0, "no key %s", key);
	k = &cfg_keys[idx];
	p = (const char *)cfg + k->offset;
	if (k->type == T_NAME || k->type == T_IDENT || k->type == T_CONTROLLER ||
	    k->type == T_PROFILE)
		return strdup(p);
	if (k->type == T_ENUM || k->type == T_BAR) {
		int i;

		memcpy(&i, p, sizeof(i));
		ck_assert_int_ge(asprintf(&s, "%d", i), 0);
		return s;
	}
	memcpy(&v, p, k->size); /* little endian: the low bytes */
	ck_assert_int_ge(asprintf(&s, "%llu", (unsigned long long)v), 0);
	return s;
}

static void dump(const struct epdma_errors *errs)
{
	for (size_t i = 0; i < errs->count; i++)
		fprintf(stderr, "  %s:%u: %s: %s\n", errs->items[i].file, errs->items[i].line,
			errs->items[i].key ? errs->items[i].key : "-", errs->items[i].message);
}

static void assert_accepted(const struct hostile *h, size_t len, const struct epdma_config *cfg,
			    const struct epdma_errors *errs)
{
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(errs->count, 0);
	ck_assert_uint_eq(cfg_line_count(cfg), oracle_lines(h->text, len));
	ck_assert_uint_eq(oracle_unused_line(cfg, h->text, len), 0);
	if (h->want) {
		char *got = value_of(cfg, h->key);

		ck_assert_str_eq(got, h->want);
		free(got);
	}
}

/* One of the errors is the one wanted; every error names the file. */
static void assert_refused(const struct hostile *h, const char *path,
			   const struct epdma_errors *errs)
{
	bool found = false;

	ck_assert_uint_ge(errs->count, 1);
	for (size_t i = 0; i < errs->count; i++) {
		const struct epdma_error *e = &errs->items[i];

		ck_assert_str_eq(e->file, path ? path : CONF);
		if (e->line == h->line && strstr(e->message, h->msg) &&
		    (h->key ? e->key && !strcmp(e->key, h->key) : !e->key))
			found = true;
	}
	if (!found)
		dump(errs);
	ck_assert_msg(found, "%s: no error at line %u, key %s, saying '%s'", h->name, h->line,
		      h->key ? h->key : "(none)", h->msg);
}

START_TEST(hostile)
{
	const struct hostile *h = &cases[_i];
	size_t len = h->text ? (h->len ? h->len : strlen(h->text)) : 0;
	struct epdma_config *cfg = NULL;
	struct epdma_errors errs = { 0 };
	const char *path = place(h, len);
	int r;

	alarm(10); /* a loader waiting on the file fails here, not at Check's timeout */
	r = epdma_config_load(ctx, path, &cfg, &errs);
	alarm(0);
	if (h->ok) {
		if (r)
			dump(&errs);
		ck_assert_int_eq(r, 0);
		assert_accepted(h, len, cfg, &errs);
	} else {
		ck_assert_int_eq(r, h->ret ? h->ret : -EINVAL);
		ck_assert_ptr_null(cfg);
		assert_refused(h, path, &errs);
	}
	epdma_config_free(cfg);
	epdma_errors_clear(&errs);
}
END_TEST

/* The oracle's ground: the loader marks section and key lines, never blanks or comments. */
START_TEST(lines_used)
{
	static const char text[] = "# c\n[vntb]\n\nnum_mws = 2 ; x\n  ; y\nmw2_bar = 5";
	static const bool want[] = { false, false, true, false, true, false, true };
	struct epdma_config *cfg = NULL;
	struct epdma_errors errs = { 0 };

	fx_write(fx, CONF, "%s", text);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), 0);
	ck_assert_uint_eq(cfg_line_count(cfg), 6);
	for (unsigned int line = 0; line <= 7; line++)
		ck_assert_int_eq(cfg_line_used(cfg, line), line < 7 && want[line]);
	epdma_config_free(cfg);
}
END_TEST

/* The table itself: enough rows, each named once. */
START_TEST(table_is_sane)
{
	ck_assert_uint_ge(ARRAY_SIZE(cases), 100);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(strcmp(cases[i].name, cases[j].name), "two rows named %s",
				      cases[i].name);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config-hostile");
	TCase *tc = tcase_create("hostile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, table_is_sane);
	tcase_add_test(tc, lines_used);
	tcase_add_loop_test(tc, hostile, 0, (int)ARRAY_SIZE(cases));
	suite_add_tcase(s, tc);
	return fx_run_suite(s);
}
