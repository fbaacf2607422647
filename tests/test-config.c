// SPDX-License-Identifier: GPL-2.0-or-later
/* lib/config.c and lib/config-rules.c: parsing, precedence and every validation rule. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fixture.h"

#define CONF "/etc/epdma.conf"

static struct fx *fx;
static struct epdma_ctx *ctx;
static struct epdma_config *cfg;
static struct epdma_errors errs;

static void setup(void)
{
	fx = fx_new();
	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
}

static void teardown(void)
{
	epdma_config_free(cfg);
	cfg = NULL;
	epdma_errors_clear(&errs);
	epdma_ctx_free(ctx);
	fx_free(fx);
}

/* The source tree, from this file's own path (CMake compiles it by absolute path). */
static char *srcdir_file(const char *rel)
{
	const char *slash = strrchr(__FILE__, '/');
	char *p;

	ck_assert_msg(slash && __FILE__[0] == '/', "need an absolute __FILE__, got %s", __FILE__);
	ck_assert_int_ge(asprintf(&p, "%.*s/../%s", (int)(slash - __FILE__), __FILE__, rel), 0);
	return p;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	ck_assert_msg(f, "cannot open %s", path);
	ck_assert_int_eq(getdelim(&buf, &len, '\0', f) >= 0, 1);
	fclose(f);
	return buf;
}

static int load(const char *text)
{
	char *path = fx_path(fx, CONF);

	fx_write(fx, CONF, "%s", text);
	ck_assert_int_eq(chmod(path, 0644), 0);
	free(path);
	epdma_config_free(cfg);
	cfg = NULL;
	epdma_errors_clear(&errs);
	return epdma_config_load(ctx, NULL, &cfg, &errs);
}

static char *error_text(size_t i)
{
	const struct epdma_error *e = &errs.items[i];
	char *s;

	if (e->key)
		ck_assert_int_ge(
			asprintf(&s, "%s:%u: %s: %s", e->file, e->line, e->key, e->message), 0);
	else
		ck_assert_int_ge(asprintf(&s, "%s:%u: %s", e->file, e->line, e->message), 0);
	return s;
}

static void dump_errors(void)
{
	for (size_t i = 0; i < errs.count; i++) {
		char *s = error_text(i);
		fprintf(stderr, "  %s\n", s);
		free(s);
	}
}

static void assert_ok(const char *text)
{
	int r = load(text);

	if (r)
		dump_errors();
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(errs.count, 0);
	ck_assert_ptr_nonnull(cfg);
}

/* TEXT must fail with exactly the errors given (NULL-terminated), in this order. */
static void assert_errors_v(const char *text, const char *const *want)
{
	size_t n = 0;

	ck_assert_int_eq(load(text), -EINVAL);
	ck_assert_ptr_null(cfg);
	while (want[n])
		n++;
	if (errs.count != n)
		dump_errors();
	ck_assert_uint_eq(errs.count, n);
	for (size_t i = 0; i < n; i++) {
		char *got = error_text(i);
		ck_assert_str_eq(got, want[i]);
		free(got);
	}
}
#define assert_errors(text, ...) assert_errors_v(text, (const char *const[]){ __VA_ARGS__, NULL })

/* ---- defaults, shipped example, documentation ---- */

START_TEST(defaults_are_valid)
{
	unsigned int line = 99;

	assert_ok("");
	ck_assert_str_eq(cfg->file, CONF);
	ck_assert_int_eq(cfg->role, EPDMA_ROLE_AUTO);
	ck_assert_str_eq(cfg->profile, "");
	ck_assert_str_eq(cfg->controller, "");
	ck_assert_uint_eq(cfg->pairing_tag, 0);
	ck_assert_str_eq(cfg->vntb.name, "vntb0");
	ck_assert_uint_eq(cfg->vntb.vendor_id, 0x1957);
	ck_assert_uint_eq(cfg->vntb.device_id, 0x0809);
	ck_assert_uint_eq(cfg->vntb.class_code, 0x050000);
	ck_assert_uint_eq(cfg->vntb.num_mws, 1);
	ck_assert_uint_eq(cfg->vntb.mw[0], 1 << 20);
	ck_assert_uint_eq(cfg->vntb.spad_count, 64);
	ck_assert_uint_eq(cfg->vntb.db_count, 4);
	ck_assert_uint_eq(cfg->vntb.vbus_number, 0xff);
	ck_assert_uint_eq(cfg->vntb.vntb_vid, 0x1957);
	ck_assert_uint_eq(cfg->vntb.vntb_pid, 0x080a);
	ck_assert_int_eq(cfg->vntb.ctrl_bar, EPDMA_BAR_AUTO);
	ck_assert_int_eq(cfg->vntb.db_bar, EPDMA_BAR_AUTO);
	for (int i = 0; i < EPDMA_MAX_MWS; i++)
		ck_assert_int_eq(cfg->vntb.mw_bar[i], EPDMA_BAR_AUTO);
	ck_assert_str_eq(cfg->dma.name, "dma0");
	ck_assert_uint_eq(cfg->dma.class_code, 0x080100);
	ck_assert_uint_eq(cfg->dma.wr_chans, 2);
	ck_assert_uint_eq(cfg->dma.rd_chans, 2);
	ck_assert_int_eq(cfg->dma.metadata_bar, EPDMA_BAR_AUTO);
	ck_assert_int_eq(cfg->dma.dma_window_bar, EPDMA_BAR_AUTO);
	ck_assert_uint_eq(cfg->dma.msi_interrupts, 4);
	ck_assert_str_eq(cfg->transport.module, "ntb_transport_ep_dma");
	ck_assert_str_eq(cfg->transport.bdf_param, "dma_bdf");
	ck_assert_uint_eq(cfg->transport.max_num_clients, 0);
	ck_assert_uint_eq(cfg->transport.max_mw_size, 0);
	ck_assert_uint_eq(cfg->transport.transport_mtu, 0x10000);
	ck_assert_str_eq(cfg->host.dma_driver, "dw-edma-pcie");
	ck_assert_int_eq(cfg->host.rescan, EPDMA_RESCAN_BACKOFF);
	ck_assert_uint_eq(cfg->host.rescan_interval_ms, 1000);
	ck_assert_uint_eq(cfg->host.settle_timeout_ms, 5000);
	ck_assert_int_eq(epdma_config_source(cfg, "vntb", "mw1", &line), EPDMA_CONFIG_DEFAULT);
	ck_assert_uint_eq(line, 0);
	ck_assert_str_eq(epdma_role_name(cfg->role), "auto");
}
END_TEST

START_TEST(msi_default_follows_channels)
{
	assert_ok("[dma]\nwr_chans = 3\nrd_chans = 0\n");
	ck_assert_uint_eq(cfg->dma.msi_interrupts, 3);
	assert_ok("[dma]\nwr_chans = 3\nmsi_interrupts = 1\n");
	ck_assert_uint_eq(cfg->dma.msi_interrupts, 1);
}
END_TEST

static void install_example(const char *text)
{
	char *path = fx_path(fx, CONF);

	fx_write(fx, CONF, "%s", text);
	ck_assert_int_eq(chmod(path, 0644), 0);
	free(path);
}

START_TEST(shipped_example_is_valid)
{
	char *example = srcdir_file("conf/epdma.conf");
	char *text = slurp(example);

	install_example(text);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), 0);
	ck_assert_uint_eq(errs.count, 0);
	free(text);
	free(example);
}
END_TEST

/* "#key = value" lines of the example, uncommented, must load and equal the defaults. */
START_TEST(shipped_example_shows_the_defaults)
{
	char *example = srcdir_file("conf/epdma.conf");
	char *text = slurp(example), *out = calloc(1, strlen(text) + 1), *o = out;
	char *example_text = strdup(text);
	const char *section, *key, *def;
	struct epdma_config *defaults;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		/* mw2..mw4 and their BARs may only be set with num_mws >= N: they stay comments. */
		bool above = !strncmp(line, "#mw", 3) && line[3] > '1';

		if (line[0] == '#' && line[1] != ' ' && strchr(line, '=') && !above)
			line++;
		o += sprintf(o, "%s\n", line);
	}
	assert_ok("");
	defaults = cfg;
	cfg = NULL;
	assert_ok(out);
	for (size_t i = 0; epdma_config_key(i, &section, &key, &def); i++) {
		unsigned int line;
		char shown[128];

		snprintf(shown, sizeof(shown), "\n#%s = %s\n", key, def ? def : "");
		if (!strncmp(key, "mw", 2) && key[2] > '1') {
			ck_assert_msg(strstr(example_text, shown),
				      "'%s' missing from conf/epdma.conf", shown + 1);
			continue;
		}
		ck_assert_msg(epdma_config_source(cfg, section, key, &line) == EPDMA_CONFIG_FILE,
			      "%s.%s is not shown in conf/epdma.conf", section, key);
		ck_assert_uint_gt(line, 0);
	}
	/* Same values as the built-in defaults (origin and file name aside). */
	{
		struct epdma_config a = *defaults, b = *cfg;

		a.origin = b.origin = NULL;
		a.file = b.file = NULL;
		ck_assert_int_eq(memcmp(&a, &b, sizeof(a)), 0);
	}
	epdma_config_free(defaults);
	free(example_text);
	free(out);
	free(text);
	free(example);
}
END_TEST

START_TEST(man_page_documents_every_key)
{
	char *page = srcdir_file("man/epdma.conf.5");
	char *text = slurp(page), pattern[128];
	const char *section, *key, *def;

	for (size_t i = 0; epdma_config_key(i, &section, &key, &def); i++) {
		snprintf(pattern, sizeof(pattern), "\n.It Cm %s", key);
		if (!strstr(text, pattern)) {
			snprintf(pattern, sizeof(pattern), ".B %s\n", key);
			ck_assert_msg(strstr(text, pattern), "%s.%s missing from epdma.conf(5)",
				      section, key);
		}
		snprintf(pattern, sizeof(pattern), "\\fB[%s]\\fP", section);
		ck_assert_msg(strstr(text, pattern), "[%s] missing from epdma.conf(5)", section);
	}
	free(text);
	free(page);
}
END_TEST

/* ---- profiles and precedence ---- */

START_TEST(profile_rcar_gen4)
{
	unsigned int line = 99;

	assert_ok("[general]\nprofile = rcar-gen4\n");
	ck_assert_str_eq(cfg->profile, "rcar-gen4");
	ck_assert_uint_eq(cfg->vntb.vendor_id, 0x1912);
	ck_assert_uint_eq(cfg->vntb.device_id, 0x0030);
	ck_assert_int_eq(cfg->vntb.ctrl_bar, 0);
	ck_assert_int_eq(cfg->vntb.db_bar, 4);
	ck_assert_int_eq(cfg->vntb.mw_bar[0], 2);
	ck_assert_int_eq(cfg->vntb.mw_bar[1], EPDMA_BAR_AUTO);
	ck_assert_uint_eq(cfg->dma.vendor_id, 0x1912);
	ck_assert_uint_eq(cfg->dma.device_id, 0x0032);
	ck_assert_int_eq(epdma_config_source(cfg, "vntb", "db_bar", &line), EPDMA_CONFIG_PROFILE);
	ck_assert_uint_eq(line, 0);
	ck_assert_int_eq(epdma_config_source(cfg, "general", "profile", &line), EPDMA_CONFIG_FILE);
	ck_assert_uint_eq(line, 2);
}
END_TEST

START_TEST(profile_imx8)
{
	assert_ok("[general]\nprofile = imx8\n[vntb]\nnum_mws = 2\n");
	ck_assert_uint_eq(cfg->vntb.vendor_id, 0x1957);
	ck_assert_uint_eq(cfg->vntb.device_id, 0x0809);
	ck_assert_int_eq(cfg->vntb.ctrl_bar, 0);
	ck_assert_int_eq(cfg->vntb.db_bar, 2);
	ck_assert_int_eq(cfg->vntb.mw_bar[0], 4);
	ck_assert_int_eq(cfg->vntb.mw_bar[1], 5);
}
END_TEST

/* defaults < profile < file, and the source of each key says which won. */
START_TEST(precedence_default_profile_file)
{
	unsigned int line = 99;

	assert_ok("[dma]\ndevice_id = 0x0040\n[general]\nprofile = rcar-gen4\n");
	ck_assert_uint_eq(cfg->dma.device_id, 0x0040);
	ck_assert_int_eq(epdma_config_source(cfg, "dma", "device_id", &line), EPDMA_CONFIG_FILE);
	ck_assert_uint_eq(line, 2);
	ck_assert_uint_eq(cfg->dma.vendor_id, 0x1912);
	ck_assert_int_eq(epdma_config_source(cfg, "dma", "vendor_id", &line), EPDMA_CONFIG_PROFILE);
	ck_assert_uint_eq(line, 0);
	ck_assert_uint_eq(cfg->vntb.spad_count, 64);
	ck_assert_int_eq(epdma_config_source(cfg, "vntb", "spad_count", &line),
			 EPDMA_CONFIG_DEFAULT);
	ck_assert_int_eq(epdma_config_source(cfg, "vntb", "nonsense", &line), EPDMA_CONFIG_DEFAULT);
}
END_TEST

START_TEST(file_overrides_profile_bar_and_is_checked)
{
	assert_errors("[general]\nprofile = rcar-gen4\n[vntb]\ndb_bar = 2\n", CONF
		      ":4: vntb.db_bar: BAR 2 disagrees with ntb_hw_epf's map for 0x1912:0x0030 "
		      "(R-Car: ctrl BAR0, doorbell BAR4, MW1 BAR2)");
}
END_TEST

START_TEST(file_ids_against_profile_bars)
{
	/* The profile's R-Car BARs no longer fit once the file picks the i.MX8 ID: blame the ID. */
	assert_errors(
		"[general]\nprofile = rcar-gen4\n[vntb]\ndevice_id = 0x0809\nvendor_id = 0x1957\n",
		CONF ":4: vntb.device_id: BAR 4 disagrees with ntb_hw_epf's map for 0x1957:0x0809 "
		     "(i.MX8: ctrl BAR0, doorbell BAR2, MW1 BAR4, MW2 BAR5)",
		CONF ":4: vntb.device_id: BAR 2 disagrees with ntb_hw_epf's map for 0x1957:0x0809 "
		     "(i.MX8: ctrl BAR0, doorbell BAR2, MW1 BAR4, MW2 BAR5)");
}
END_TEST

START_TEST(unknown_profile)
{
	assert_errors("[general]\nprofile = rcar-gen5\n",
		      CONF ":2: general.profile: unknown profile 'rcar-gen5' (allowed: none, "
			   "rcar-gen4, imx8)");
}
END_TEST

/* ---- syntax: what inih would misparse ---- */

START_TEST(unknown_section)
{
	assert_errors("[vntb]\nname = a\n[vntbb]\nname = b\n",
		      CONF ":3: unknown section [vntbb] (known: general, endpoint, vntb, dma, "
			   "transport, host)");
}
END_TEST

START_TEST(unknown_key)
{
	assert_errors("[transport]\nmtu = 9000\n", CONF
		      ":2: transport.mtu: unknown key (keys in [transport]: module, bdf_param, "
		      "max_num_clients, max_mw_size, transport_mtu, clients)");
}
END_TEST

START_TEST(duplicate_key)
{
	assert_errors("[vntb]\nnum_mws = 1\n\n[dma]\n[vntb]\nnum_mws = 2\n",
		      CONF ":6: vntb.num_mws: duplicate key (first set on line 2)");
}
END_TEST

START_TEST(key_outside_section)
{
	assert_errors("role = host\n[general]\n",
		      CONF ":1: 'role' outside any section (start with [general])");
}
END_TEST

START_TEST(not_a_pair)
{
	assert_errors("[general]\nrole host\n= x\n[dma\n", CONF ":2: expected 'key = value'",
		      CONF ":3: key name missing before '='",
		      CONF ":4: section header without ']'");
}
END_TEST

START_TEST(overlong_line)
{
	char text[1024];

	/* 198 characters fit inih's buffer; 199 would be cut and the rest read as a new line. */
	snprintf(text, sizeof(text),
		 "[host]\nrescan_interval_ms = %177d\n# %0196d\nsettle_timeout_ms = %182d\n", 1000,
		 0, 6000);
	ck_assert_uint_eq(strchr(text + 7, '\n') - (text + 7), 198);
	assert_errors(text, CONF ":4: line too long (202 characters, at most 198)");
}
END_TEST

START_TEST(overlong_section_name)
{
	char text[256], want[256];

	/* inih would cut the first to 49 characters and go on; the second fits. */
	snprintf(text, sizeof(text), "[general%043d]\nrole = host\n[%049d]\n", 0, 0);
	snprintf(want, sizeof(want),
		 CONF ":3: unknown section [%049d] "
		      "(known: general, endpoint, vntb, dma, transport, host)",
		 0);
	assert_errors(text, CONF ":1: section name too long (50 characters, at most 49)", want);
}
END_TEST

START_TEST(continuation_line)
{
	/* inih would append "  2" to num_mws (blank and comment lines do not end a value). */
	assert_errors(
		"[vntb]\nnum_mws = 1\n\n# two\n  2\n[dma]\n  name = x\n",
		CONF ":5: indented line would continue the previous key's value; multi-line values "
		     "are not supported (remove the indentation)");
	ck_assert_uint_eq(errs.count, 1);
}
END_TEST

START_TEST(indented_after_section_is_fine)
{
	assert_ok("[dma]\n  name = x\n\t; comment\n");
	ck_assert_str_eq(cfg->dma.name, "x");
}
END_TEST

START_TEST(comment_cuts_value)
{
	assert_ok("[dma]\nname = dmaA ; the DMA function\n");
	ck_assert_str_eq(cfg->dma.name, "dmaA");
	assert_errors(
		"[dma]\nname = ;dma\n", CONF
		":2: dma.name: empty value: a ';' after whitespace starts a comment, so the rest "
		"of the line was dropped");
	assert_errors(
		"[dma]\nname = a;b\n", CONF
		":2: dma.name: 'a;b' is not a valid function name (1 to 32 of A-Z a-z 0-9 _ . -, "
		"not starting with '.')");
}
END_TEST

START_TEST(nul_byte)
{
	static const char text[] = "[dma]\nname = a\0b\n";
	char *path = fx_path(fx, CONF);

	fx_write_raw(fx, CONF, text, sizeof(text) - 1);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), -EINVAL);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].message, "line contains a NUL byte");
	ck_assert_uint_eq(errs.items[0].line, 2);
	free(path);
}
END_TEST

START_TEST(bom_and_crlf)
{
	assert_ok("\xef\xbb\xbf[general]\r\nrole = host\r\n");
	ck_assert_int_eq(cfg->role, EPDMA_ROLE_HOST);
}
END_TEST

/* inih ignores everything after ']': a key written there would be dropped silently. */
START_TEST(text_after_section)
{
	assert_errors(
		"[general] role = host\n[vntb] vbus_number = 0x20\n[dma]]\n[host];x\n",
		CONF ":1: text after the section header: 'role = host' (a section line holds "
		     "only [name] and an optional ' ; comment'; put each key on its own line)",
		CONF ":2: text after the section header: 'vbus_number = 0x20' (a section "
		     "line holds only [name] and an optional ' ; comment'; put each key on its "
		     "own line)",
		CONF ":3: text after the section header: ']' (a section line holds only "
		     "[name] and an optional ' ; comment'; put each key on its own line)",
		CONF ":4: text after the section header: ';x' (a section line holds only "
		     "[name] and an optional ' ; comment'; put each key on its own line)");
	assert_ok("[general] ; this end\t\nrole = host\n[vntb]\t;\n");
	ck_assert_int_eq(cfg->role, EPDMA_ROLE_HOST);
}
END_TEST

/* Classic Mac OS line endings: one line to inih, every key lost. */
START_TEST(cr_only_line_endings)
{
	assert_errors("[general]\rrole = host\r[vntb]\rnum_mws = 2\r", CONF
		      ":1: the file has CR-only line endings (classic Mac OS): lines end in LF "
		      "or CR LF (convert with: tr '\\r' '\\n')");
	assert_errors("[general]\nrole = host\rprofile = imx8\n[dma]\r\r\n",
		      CONF ":2: carriage return inside the line (lines end in LF or CR LF)",
		      CONF ":3: carriage return inside the line (lines end in LF or CR LF)");
	assert_ok("[general] ; c\r\nrole = host\r\n\r\n[vntb]\r\nnum_mws = 2\r\nmw2_bar = 5\r\n"
		  "mw1_bar = 4\r\n[dma]\r\nname = d\r\n");
	ck_assert_int_eq(cfg->role, EPDMA_ROLE_HOST);
	ck_assert_uint_eq(cfg->vntb.num_mws, 2);
	ck_assert_str_eq(cfg->dma.name, "d");
}
END_TEST

/* ---- values ---- */

START_TEST(bad_number)
{
	assert_errors(
		"[vntb]\nspad_count = 12abc\nvbus_number = x1\ndb_count =\nvntb_vid = 0x\n"
		"[transport]\nmax_mw_size = 0x1ffffffffffffffff\n",
		CONF
		":2: vntb.spad_count: '12abc' is not a number (write decimal or 0x-prefixed hex)",
		CONF
		":3: vntb.vbus_number: 'x1' is not a number (write decimal or 0x-prefixed hex)",
		CONF ":4: vntb.db_count: empty value (expected a number)",
		CONF ":5: vntb.vntb_vid: '0x' is not a number (write decimal or 0x-prefixed hex)",
		CONF ":7: transport.max_mw_size: '0x1ffffffffffffffff' is too large");
}
END_TEST

/* The documented prefix is 0x; hex digits may be either case. */
START_TEST(hex_prefix_lowercase)
{
	assert_errors("[vntb]\nvbus_number = 0X11\n[transport]\nmax_mw_size = 0X100000\n",
		      CONF ":2: vntb.vbus_number: '0X11' is not a number: the hex prefix is a "
			   "lowercase 0x (write 0x11)",
		      CONF ":4: transport.max_mw_size: '0X100000' is not a number: the hex prefix "
			   "is a lowercase 0x (write 0x100000)");
	assert_ok("[vntb]\nvbus_number = 0x1F\nvntb_pid = 0xaBcD\n");
	ck_assert_uint_eq(cfg->vntb.vbus_number, 0x1f);
	ck_assert_uint_eq(cfg->vntb.vntb_pid, 0xabcd);
}
END_TEST

START_TEST(octal_rejected)
{
	assert_errors(
		"[vntb]\ndevice_id = 0809\n", CONF
		":2: vntb.device_id: '0809' looks octal: write 0x0809 for hex or 809 for decimal "
		"(a leading 0 means octal to the kernel)");
	assert_ok("[vntb]\ndevice_id = 0x0809\nvbus_number = 0\n");
	ck_assert_uint_eq(cfg->vntb.vbus_number, 0);
}
END_TEST

START_TEST(out_of_range)
{
	assert_errors(
		"[vntb]\nnum_mws = 5\nvbus_number = 256\nvntb_pid = 0x10000\n[dma]\nwr_chans = 9\n"
		"msi_interrupts = 0\nvendor_id = 0xffff\n[host]\nsettle_timeout_ms = 2000\n",
		CONF ":2: vntb.num_mws: 5 is out of range (1..4)",
		CONF ":3: vntb.vbus_number: 0x0100 is out of range (0x0000..0x00ff)",
		CONF ":4: vntb.vntb_pid: 0x10000 is out of range (0x0000..0xffff)",
		CONF ":6: dma.wr_chans: 9 is out of range (0..8)",
		CONF ":7: dma.msi_interrupts: 0 is out of range (1..32)",
		CONF ":8: dma.vendor_id: 0xffff is out of range (0x0000..0xfffe)",
		CONF ":10: host.settle_timeout_ms: 2000 is out of range (2500..600000)");
}
END_TEST

START_TEST(bad_enum)
{
	assert_errors(
		"[general]\nrole = master\n[host]\nrescan = always\n",
		CONF ":2: general.role: unknown value 'master' (allowed: auto, endpoint, host)",
		CONF ":4: host.rescan: unknown value 'always' (allowed: never, once, backoff)");
	assert_ok("[general]\nrole = endpoint\n[host]\nrescan = once\n");
	ck_assert_int_eq(cfg->role, EPDMA_ROLE_ENDPOINT);
	ck_assert_int_eq(cfg->host.rescan, EPDMA_RESCAN_ONCE);
}
END_TEST

START_TEST(bad_bar)
{
	assert_errors(
		"[dma]\nmetadata_bar = 6\ndma_window_bar = -1\n",
		CONF ":2: dma.metadata_bar: '6' is not a BAR (allowed: auto, 0, 1, 2, 3, 4, 5)",
		CONF ":3: dma.dma_window_bar: '-1' is not a BAR (allowed: auto, 0, 1, 2, 3, 4, 5)");
}
END_TEST

START_TEST(bad_names)
{
	assert_errors(
		"[vntb]\nname = .hidden\n[dma]\nname = 123456789012345678901234567890123\n",
		CONF ":2: vntb.name: '.hidden' is not a valid function name (1 to 32 of A-Z a-z "
		     "0-9 _ . -, "
		     "not starting with '.')",
		CONF
		":4: dma.name: '123456789012345678901234567890123' is not a valid function name "
		"(1 to 32 of A-Z a-z 0-9 _ . -, not starting with '.')");
	assert_ok("[vntb]\nname = -v.1_x\n[dma]\nname = 12345678901234567890123456789012\n");
}
END_TEST

START_TEST(same_names)
{
	assert_errors("[dma]\nname = fn\n[vntb]\nname = fn\n", CONF
		      ":2: dma.name: 'fn' is also the vNTB function's name: both are linked into "
		      "controllers/<epc>/ by name, so the second link would fail (EEXIST)");
}
END_TEST

START_TEST(module_option_injection)
{
	assert_errors(
		"[transport]\nmodule = ntb_transport use_dma=1\nbdf_param = bdf=0000:01:00.1\n"
		"[host]\ndma_driver = \"dw-edma-pcie\"\n",
		CONF ":2: transport.module: 'ntb_transport use_dma=1' contains a space: only A-Z "
		     "a-z 0-9 _ - "
		     "are allowed (whitespace, '=' or quotes would inject module options)",
		CONF
		":3: transport.bdf_param: 'bdf=0000:01:00.1' contains '=': only A-Z a-z 0-9 _ - "
		"are allowed (whitespace, '=' or quotes would inject module options)",
		CONF ":5: host.dma_driver: '\"dw-edma-pcie\"' contains '\"': only A-Z a-z 0-9 _ - "
		     "are allowed (whitespace, '=' or quotes would inject module options)");
}
END_TEST

START_TEST(bad_controller)
{
	assert_errors("[endpoint]\ncontroller = ../../x\n", CONF
		      ":2: endpoint.controller: '../../x' is not a controller name (up to 63 of "
		      "A-Z a-z 0-9 _ . : -, e.g. e65d0000.pcie-ep)");
	assert_ok("[endpoint]\ncontroller = e65d0000.pcie-ep\npairing_tag = 0xbeef\n");
	ck_assert_str_eq(cfg->controller, "e65d0000.pcie-ep");
	ck_assert_uint_eq(cfg->pairing_tag, 0xbeef);
}
END_TEST

START_TEST(sizes)
{
	assert_ok("[vntb]\nmw1 = 2M\n[transport]\nmax_mw_size = 0x100000\n");
	ck_assert_uint_eq(cfg->vntb.mw[0], 2 << 20);
	ck_assert_uint_eq(cfg->transport.max_mw_size, 1 << 20);
	assert_ok("[vntb]\nmw1 = 4K\n");
	ck_assert_uint_eq(cfg->vntb.mw[0], 4096);
	/* The documented suffixes are K, M and G: a lowercase one is refused, not guessed. */
	assert_errors("[vntb]\nmw1 = 4k\n[transport]\nmax_mw_size = 64m\n",
		      CONF
		      ":2: vntb.mw1: '4k' is not a size: the suffixes are K, M and G (write 4K)",
		      CONF ":4: transport.max_mw_size: '64m' is not a size: the suffixes are K, M "
			   "and G (write 64M)");
	assert_errors("[vntb]\nmw1 = 3M\n[transport]\nmax_mw_size = 12345\n",
		      CONF ":2: vntb.mw1: 3M is not a power of two",
		      CONF ":4: transport.max_mw_size: 12345 is not a power of two");
	assert_errors("[vntb]\nmw1 = 1K\n[transport]\nmax_mw_size = 2T\n",
		      CONF ":2: vntb.mw1: 1K is out of range (4K..1T)",
		      CONF ":4: transport.max_mw_size: '2T' is not a size (a number with an "
			   "optional K, M or G suffix)");
	assert_errors(
		"[vntb]\nmw1 = 1MB\n", CONF
		":2: vntb.mw1: '1MB' is not a size (a number with an optional K, M or G suffix)");
}
END_TEST

/* ---- cross-key rules ---- */

START_TEST(mw_above_num_mws)
{
	assert_errors("[vntb]\nnum_mws = 1\nmw2 = 1M\nmw3_bar = 3\n",
		      CONF ":3: vntb.mw2: set, but num_mws is 1 (memory window 2 does not exist)",
		      CONF
		      ":4: vntb.mw3_bar: set, but num_mws is 1 (memory window 3 does not exist)");
}
END_TEST

START_TEST(spad_count_minimum)
{
	assert_errors(
		"[vntb]\nspad_count = 5\n", CONF
		":2: vntb.spad_count: 5 is too small: ntb_transport needs at least 6 scratchpads");
}
END_TEST

START_TEST(spad_count_for_num_mws)
{
	assert_errors("[vntb]\nnum_mws = 2\nspad_count = 7\n",
		      CONF ":3: vntb.spad_count: spad_count 7 holds 1 memory window(s) "
			   "((spad_count - 4) / 2); "
			   "num_mws 2 needs spad_count >= 8");
	assert_ok("[vntb]\nnum_mws = 2\nspad_count = 8\n");
}
END_TEST

START_TEST(db_count_range)
{
	assert_errors(
		"[vntb]\nnum_mws = 2\ndb_count = 2\n", CONF
		":3: vntb.db_count: db_count 2 is below num_mws + 1 = 3 (one doorbell per memory "
		"window plus one)");
	assert_errors("[vntb]\ndb_count = 33\n",
		      CONF ":2: vntb.db_count: 33 is out of range (1..32)");
	/* A section may come back; its keys are still checked for duplicates. */
	assert_ok("[general]\n[vntb]\nnum_mws = 2\n[dma]\n[vntb]\nmw2 = 1M\ndb_count = 3\n");
}
END_TEST

START_TEST(db_count_blames_num_mws)
{
	assert_errors(
		"[vntb]\nnum_mws = 4\nvendor_id = 0x1234\n",
		CONF
		":2: vntb.num_mws: db_count 4 is below num_mws + 1 = 5 (one doorbell per memory "
		"window plus one)",
		CONF
		":3: vntb.vendor_id: 0x1234:0x0809 is not bound by ntb_hw_epf on the host (it "
		"binds "
		"0x1957:0x0809 (i.MX8), 0x1912:0x0030 (R-Car, newer kernels only), 0x104c:0xb00d "
		"(TI J721E, not usable with vNTB))");
}
END_TEST

START_TEST(vntb_bars_distinct)
{
	assert_errors(
		"[vntb]\nvendor_id = 0x1234\nctrl_bar = 3\ndb_bar = 3\n",
		CONF
		":2: vntb.vendor_id: 0x1234:0x0809 is not bound by ntb_hw_epf on the host (it "
		"binds "
		"0x1957:0x0809 (i.MX8), 0x1912:0x0030 (R-Car, newer kernels only), 0x104c:0xb00d "
		"(TI J721E, not usable with vNTB))",
		CONF ":4: vntb.db_bar: BAR 3 is also used by vntb.ctrl_bar");
	/* With a known ID, a clash is a disagreement with the host driver's map. */
	assert_errors("[vntb]\nctrl_bar = 0\ndb_bar = 0\n", CONF
		      ":3: vntb.db_bar: BAR 0 disagrees with ntb_hw_epf's map for 0x1957:0x0809 "
		      "(i.MX8: ctrl BAR0, doorbell BAR2, MW1 BAR4, MW2 BAR5)");
}
END_TEST

START_TEST(dma_bars_distinct)
{
	assert_errors("[dma]\nmetadata_bar = 2\ndma_window_bar = 2\n", CONF
		      ":3: dma.dma_window_bar: BAR 2 is also dma.metadata_bar (they must differ)");
	assert_ok("[dma]\nmetadata_bar = auto\ndma_window_bar = 2\n");
}
END_TEST

START_TEST(no_channels)
{
	assert_errors("[dma]\nrd_chans = 0\nwr_chans = 0\n",
		      CONF ":2: dma.rd_chans: wr_chans and rd_chans are both 0: the DMA function "
			   "needs a channel");
}
END_TEST

START_TEST(vntb_class)
{
	assert_errors("[vntb]\nclass = 0x058000\n",
		      CONF ":2: vntb.class: 0x058000: ntb_hw_epf binds only class 0x0500xx (memory "
			   "controller, RAM)");
	assert_ok("[vntb]\nclass = 0x050001\n");
}
END_TEST

START_TEST(vntb_unknown_id)
{
	assert_errors(
		"[vntb]\nvendor_id = 0x1912\ndevice_id = 0x0031\n", CONF
		":3: vntb.device_id: 0x1912:0x0031 is not bound by ntb_hw_epf on the host (it "
		"binds "
		"0x1957:0x0809 (i.MX8), 0x1912:0x0030 (R-Car, newer kernels only), 0x104c:0xb00d "
		"(TI J721E, not usable with vNTB))");
}
END_TEST

START_TEST(vntb_j721e_id)
{
	assert_errors("[vntb]\nvendor_id = 0x104c\ndevice_id = 0xb00d\n", CONF
		      ":3: vntb.device_id: 0x104c:0xb00d (TI J721E) is bound by ntb_hw_epf, but "
		      "its map puts "
		      "the peer scratchpads in BAR1 and the doorbell in BAR2 together with MW1 "
		      "(the pci-epf-ntb "
		      "layout); vNTB keeps scratchpads in the ctrl BAR and needs a BAR per region");
}
END_TEST

START_TEST(vntb_map_windows)
{
	assert_errors("[general]\nprofile = rcar-gen4\n[vntb]\nnum_mws = 2\nmw2 = 1M\n",
		      CONF ":4: vntb.num_mws: 2 memory windows, but ntb_hw_epf maps only 1 for "
			   "0x1912:0x0030 (R-Car)");
}
END_TEST

START_TEST(vntb_map_bars)
{
	assert_errors(
		"[vntb]\nmw1_bar = 2\nctrl_bar = 1\n",
		CONF ":2: vntb.mw1_bar: BAR 2 disagrees with ntb_hw_epf's map for 0x1957:0x0809 "
		     "(i.MX8: ctrl BAR0, doorbell BAR2, MW1 BAR4, MW2 BAR5)",
		CONF ":3: vntb.ctrl_bar: BAR 1 disagrees with ntb_hw_epf's map for 0x1957:0x0809 "
		     "(i.MX8: ctrl BAR0, doorbell BAR2, MW1 BAR4, MW2 BAR5)");
	assert_ok("[vntb]\nctrl_bar = 0\ndb_bar = 2\nmw1_bar = 4\n");
}
END_TEST

/* ---- the file itself ---- */

START_TEST(permissions_mode)
{
	char *path = fx_path(fx, CONF);

	fx_write(fx, CONF, "[general]\n");
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), -EINVAL);
	ck_assert_uint_eq(errs.count, 1);
	{
		char *s = error_text(0);
		ck_assert_str_eq(s, CONF
				 ":0: writable by group or others (mode 0666): chmod go-w " CONF);
		free(s);
	}
	epdma_errors_clear(&errs);
	ck_assert_int_eq(chmod(path, 0620), 0);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), -EINVAL);
	ck_assert_str_eq(errs.items[0].message,
			 "writable by group or others (mode 0620): chmod go-w " CONF);
	free(path);
}
END_TEST

START_TEST(permissions_owner)
{
	char *path = fx_path(fx, CONF), *want;

	if (geteuid() != 0) {
		free(path);
		return; /* only root can give the file away */
	}
	fx_write(fx, CONF, "[general]\n");
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(chown(path, 12345, 0), 0);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), -EINVAL);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_int_ge(asprintf(&want,
				  "owned by uid 12345, not by root or the current user (uid 0): "
				  "chown root %s",
				  CONF),
			 0);
	ck_assert_str_eq(errs.items[0].message, want);
	free(want);
	free(path);
}
END_TEST

START_TEST(missing_file)
{
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), -ENOENT);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].message, "cannot open: No such file or directory");
}
END_TEST

START_TEST(explicit_path)
{
	char *path;

	ck_assert_int_ge(asprintf(&path, "%s/my.conf", fx->dir), 0);
	fx_write(fx, "/../my.conf", "[vntb]\nnum_mws = 9\n");
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_int_eq(epdma_config_load(ctx, path, &cfg, &errs), -EINVAL);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].file, path);
	ck_assert_uint_eq(errs.items[0].line, 2);
	ck_assert_str_eq(errs.items[0].key, "vntb.num_mws");
	free(path);
}
END_TEST

/* The rooted default path never escapes the root, even through an absolute symlink. */
START_TEST(default_path_is_rooted)
{
	char *path = fx_path(fx, CONF);

	fx_mkdir(fx, "/etc");
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	free(path);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), -ENOENT);
}
END_TEST

/* Load PATH (NULL: the default path) expecting one error at line 0 that starts with WANT. */
static void assert_refused(const char *path, int ret, const char *want)
{
	/* A loader that waits on the file would hang here: fail fast instead. */
	alarm(10);
	ck_assert_int_eq(epdma_config_load(ctx, path, &cfg, &errs), ret);
	alarm(0);
	ck_assert_ptr_null(cfg);
	if (errs.count != 1)
		dump_errors();
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.items[0].file, path ? path : CONF);
	ck_assert_uint_eq(errs.items[0].line, 0);
	ck_assert_msg(!strncmp(errs.items[0].message, want, strlen(want)), "got '%s', want '%s...'",
		      errs.items[0].message, want);
	epdma_errors_clear(&errs);
}

/* mkfifo -m 644 f.conf: opening it for reading would wait for a writer forever. */
START_TEST(fifo_refused)
{
	char *path;

	ck_assert_int_ge(asprintf(&path, "%s/f.conf", fx->dir), 0);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	assert_refused(path, -EINVAL, "not a regular file (a FIFO)");
	free(path);
	fx_mkdir(fx, "/etc");
	path = fx_path(fx, CONF);
	ck_assert_int_eq(mkfifo(path, 0644), 0);
	assert_refused(NULL, -EINVAL, "not a regular file (a FIFO)");
	free(path);
}
END_TEST

START_TEST(directory_refused)
{
	fx_mkdir(fx, CONF);
	assert_refused(NULL, -EINVAL, "not a regular file (a directory)");
	assert_refused(fx->dir, -EINVAL, "not a regular file (a directory)");
}
END_TEST

/* /dev/zero never ends; /dev/null is empty but still not a configuration. */
START_TEST(devices_refused)
{
	assert_refused("/dev/zero", -EINVAL, "not a regular file (a character device)");
	assert_refused("/dev/null", -EINVAL, "not a regular file (a character device)");
}
END_TEST

START_TEST(socket_refused)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char *path;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(asprintf(&path, "%s/s.conf", fx->dir), 0);
	ck_assert_uint_lt(strlen(path), sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	/* open(2) itself refuses a socket. */
	assert_refused(path, -ENXIO, "cannot open: No such device or address");
	close(fd);
	free(path);
}
END_TEST

START_TEST(ten_mistakes_ten_errors)
{
	static const char text[] = "[general]\n"	  /* 1 */
				   "role = both\n"	  /* 2: bad enum */
				   "[vntb]\n"		  /* 3 */
				   "name = vntb0\n"	  /* 4 */
				   "device_id = 0809\n"	  /* 5: octal */
				   "num_mws = 1\n"	  /* 6 */
				   "mw1 = 1000000\n"	  /* 7: not a power of two */
				   "mw2 = 1M\n"		  /* 8: above num_mws */
				   "spad_count = 4\n"	  /* 9: too few spads */
				   "colour = blue\n"	  /* 10: unknown key */
				   "[dma]\n"		  /* 11 */
				   "name = vntb0\n"	  /* 12: same name */
				   "wr_chans = 2\n"	  /* 13 */
				   "wr_chans = 3\n"	  /* 14: duplicate */
				   "metadata_bar = 1\n"	  /* 15 */
				   "dma_window_bar = 1\n" /* 16: same BAR */
				   "[transport]\n"	  /* 17 */
				   "module = a b\n";	  /* 18: option injection */

	assert_errors(
		text, CONF ":2: general.role: unknown value 'both' (allowed: auto, endpoint, host)",
		CONF
		":5: vntb.device_id: '0809' looks octal: write 0x0809 for hex or 809 for decimal "
		"(a leading 0 means octal to the kernel)",
		CONF ":7: vntb.mw1: 1000000 is not a power of two",
		CONF ":8: vntb.mw2: set, but num_mws is 1 (memory window 2 does not exist)",
		CONF
		":9: vntb.spad_count: 4 is too small: ntb_transport needs at least 6 scratchpads",
		CONF
		":10: vntb.colour: unknown key (keys in [vntb]: name, vendor_id, device_id, class, "
		"num_mws, mw1, mw2, mw3, mw4, spad_count, db_count, vbus_number, vntb_vid, "
		"vntb_pid, "
		"ctrl_bar, db_bar, mw1_bar, mw2_bar, mw3_bar, mw4_bar)",
		CONF
		":12: dma.name: 'vntb0' is also the vNTB function's name: both are linked into "
		"controllers/<epc>/ by name, so the second link would fail (EEXIST)",
		CONF ":14: dma.wr_chans: duplicate key (first set on line 13)",
		CONF ":16: dma.dma_window_bar: BAR 1 is also dma.metadata_bar (they must differ)",
		CONF
		":18: transport.module: 'a b' contains a space: only A-Z a-z 0-9 _ - are allowed "
		"(whitespace, '=' or quotes would inject module options)");
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults_are_valid);
	tcase_add_test(tc, msi_default_follows_channels);
	tcase_add_test(tc, shipped_example_is_valid);
	tcase_add_test(tc, shipped_example_shows_the_defaults);
	tcase_add_test(tc, man_page_documents_every_key);
	tcase_add_test(tc, profile_rcar_gen4);
	tcase_add_test(tc, profile_imx8);
	tcase_add_test(tc, precedence_default_profile_file);
	tcase_add_test(tc, file_overrides_profile_bar_and_is_checked);
	tcase_add_test(tc, file_ids_against_profile_bars);
	tcase_add_test(tc, unknown_profile);
	tcase_add_test(tc, unknown_section);
	tcase_add_test(tc, unknown_key);
	tcase_add_test(tc, duplicate_key);
	tcase_add_test(tc, key_outside_section);
	tcase_add_test(tc, not_a_pair);
	tcase_add_test(tc, overlong_line);
	tcase_add_test(tc, overlong_section_name);
	tcase_add_test(tc, continuation_line);
	tcase_add_test(tc, indented_after_section_is_fine);
	tcase_add_test(tc, comment_cuts_value);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, bom_and_crlf);
	tcase_add_test(tc, text_after_section);
	tcase_add_test(tc, cr_only_line_endings);
	tcase_add_test(tc, bad_number);
	tcase_add_test(tc, hex_prefix_lowercase);
	tcase_add_test(tc, octal_rejected);
	tcase_add_test(tc, out_of_range);
	tcase_add_test(tc, bad_enum);
	tcase_add_test(tc, bad_bar);
	tcase_add_test(tc, bad_names);
	tcase_add_test(tc, same_names);
	tcase_add_test(tc, module_option_injection);
	tcase_add_test(tc, bad_controller);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, mw_above_num_mws);
	tcase_add_test(tc, spad_count_minimum);
	tcase_add_test(tc, spad_count_for_num_mws);
	tcase_add_test(tc, db_count_range);
	tcase_add_test(tc, db_count_blames_num_mws);
	tcase_add_test(tc, vntb_bars_distinct);
	tcase_add_test(tc, dma_bars_distinct);
	tcase_add_test(tc, no_channels);
	tcase_add_test(tc, vntb_class);
	tcase_add_test(tc, vntb_unknown_id);
	tcase_add_test(tc, vntb_j721e_id);
	tcase_add_test(tc, vntb_map_windows);
	tcase_add_test(tc, vntb_map_bars);
	tcase_add_test(tc, permissions_mode);
	tcase_add_test(tc, permissions_owner);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, explicit_path);
	tcase_add_test(tc, default_path_is_rooted);
	tcase_add_test(tc, fifo_refused);
	tcase_add_test(tc, directory_refused);
	tcase_add_test(tc, devices_refused);
	tcase_add_test(tc, socket_refused);
	tcase_add_test(tc, ten_mistakes_ten_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(config_suite());
}
