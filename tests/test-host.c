// SPDX-License-Identifier: GPL-2.0-or-later
/* The host role: discovery, pairing and its proof through the BARs, on host card fixtures. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

static void write_config(struct fx *fx, const char *profile, const char *extra)
{
	fx_write(fx, "/etc/epdma.conf",
		 "[general]\nrole = host\nprofile = %s\n\n[dma]\nwr_chans = 2\nrd_chans = 2\n%s",
		 profile, extra ? extra : "");
}

/* The config as the library reads it, for the card builders. */
static struct epdma_config *load_config(struct fx *fx)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = NULL;
	struct epdma_ctx *ctx = NULL;

	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	ck_assert_msg(epdma_config_load(ctx, NULL, &cfg, &errs) == 0, "config: %s",
		      errs.count ? errs.items[0].message : "?");
	epdma_ctx_free(ctx);
	return cfg;
}

/* An x86 host with the host modules and one endpoint card at 0000:08:00. */
static struct fx *host_with_card(const char *profile, const char *extra)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;

	fx_x86_host(fx);
	fx_host_modules(fx, true);
	write_config(fx, profile, extra);
	cfg = load_config(fx);
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg });
	epdma_config_free(cfg);
	return fx;
}

static void discover(struct fx *fx, struct fx_result *r, bool json)
{
	const char *argv[] = { "epdmactl", "--root", fx->root, "discover", json ? "--json" : NULL,
			       NULL };

	fx_run(fx, r, argv);
}

START_TEST(discover_proves_the_pair)
{
	struct fx *fx = host_with_card("imx8", NULL);
	struct fx_result r;

	discover(fx, &r, false);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "● vntb 0000:08:00.0  1957:0809 class 050000"), "%s", r.out);
	ck_assert(has(r.out, "● dma  0000:08:00.1  1957:080b class 080100"));
	ck_assert(
		has(r.out, "ok    card                     vNTB 0000:08:00.0 + DMA 0000:08:00.1"));
	ck_assert(has(r.out,
		      "ok    pair topology            functions 0 (vNTB) and 1 (DMA) of slot "
		      "0000:08:00"));
	ck_assert(
		has(r.out, "skip  pair tag                 not verified: pairing_tag is not set"));
	ck_assert(has(r.out, "ok    pair bar map             ctrl BAR0, doorbell BAR2, MW1 BAR4 "
			     "present, as ntb_hw_epf's i.MX8 map"));
	ck_assert_msg(has(r.out, "ok    pair vntb control        num_mws 1, spad_count 64, "
				 "db_entry_size 4, scratchpads at 0x200"),
		      "%s", r.out);
	ck_assert(has(r.out, "link down"));
	ck_assert(has(r.out, "skip  pair transport           not verified: the endpoint's "
			     "transport has not written its scratchpads"));
	ck_assert(has(r.out, "ok    pair dma metadata        PEDM revision 1 in BAR0, 2 write + 2 "
			     "read channels"));
	ck_assert(has(r.out, "discover: the configured pair is found and proven"));
	ck_assert_str_eq(r.err, "");
	fx_result_free(&r);
	discover(fx, &r, true);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(fx_json_array_len(r.out, "candidates"), 2);
	ck_assert(has(r.out, "\"schema_version\": 1"));
	ck_assert_msg(has(r.out, "\"vntb\": \"0000:08:00.0\",\n    \"dma\": \"0000:08:00.1\",\n"
				 "    \"proven\": true"),
		      "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/*
 * Only functions with the configured IDs are read past vendor and device: a
 * function of another device whose class and subsystem files cannot be read
 * (libpci fails the whole scan on a missing class) stays out of the way.
 */
START_TEST(discover_reads_only_candidates)
{
	struct fx *fx = host_with_card("imx8", NULL);
	const char *gone[] = { "class", "subsystem_vendor", "subsystem_device", "revision" };
	struct fx_result r;

	fx_host_many(fx, 8);
	for (size_t i = 0; i < ARRAY_SIZE(gone); i++) {
		char rel[96], *path;

		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/0001:00:00.3/%s", gone[i]);
		path = fx_path(fx, rel);
		ck_assert_msg(unlink(path) == 0 || errno == ENOENT, "%s: %s", path,
			      strerror(errno));
		free(path);
	}
	discover(fx, &r, false);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "discover: the configured pair is found and proven"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(discover_touches_nothing)
{
	struct fx *fx = host_with_card("imx8", NULL);
	struct fx_result r;
	char *before = fx_snapshot(fx, NULL), *after, *log;

	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 0);
	after = fx_snapshot(fx, NULL);
	ck_assert_str_eq(before, after);
	log = fx_oplog(fx);
	ck_assert_msg(!*log, "discover performed kernel operations:\n%s", log);
	free(log);
	free(before);
	free(after);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(discover_without_card)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_x86_host(fx);
	write_config(fx, "imx8", NULL);
	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.out, "none: no PCI function has the configured vNTB or DMA IDs"));
	ck_assert_msg(has(r.out, "FAIL  card                     no vNTB 1957:0809 + DMA 1957:080b "
				 "pair on one slot"),
		      "%s", r.out);
	ck_assert(has(r.out, "hint: is the endpoint started?"));
	ck_assert(!has(r.out, "pair topology"));
	fx_result_free(&r);
	discover(fx, &r, true);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.out, "\"pair\": null"));
	ck_assert_int_eq(fx_json_array_len(r.out, "candidates"), 0);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* Two cards: the config must say which; [host] select picks by slot or BDF. */
START_TEST(discover_two_cards)
{
	struct fx *fx = host_with_card("imx8", NULL);
	struct epdma_config *cfg = load_config(fx);
	struct fx_result r;

	fx_host_card(fx, &(struct fx_host_card){
				 .cfg = cfg, .bdf = "0000:0a:00.0", .mmio = 0x90000000 });
	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "FAIL  card                     several cards with the configured "
				 "functions: 0000:08:00, 0000:0a:00"),
		      "%s", r.out);
	ck_assert(has(r.out, "hint: set [host] select to the slot of the card to use"));
	fx_result_free(&r);
	write_config(fx, "imx8", "[host]\nselect = 0000:0a:00\n");
	discover(fx, &r, false);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "● vntb 0000:0a:00.0"));
	ck_assert(has(r.out, "○ vntb 0000:08:00.0"));
	ck_assert(has(r.out, "not the card named by [host] select = 0000:0a:00"));
	ck_assert(has(r.out, "vNTB 0000:0a:00.0 + DMA 0000:0a:00.1"));
	fx_result_free(&r);
	/* A function's BDF selects its card too. */
	write_config(fx, "imx8", "[host]\nselect = 0000:08:00.1\n");
	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 0);
	ck_assert(has(r.out, "vNTB 0000:08:00.0 + DMA 0000:08:00.1"));
	fx_result_free(&r);
	write_config(fx, "imx8", "[host]\nselect = 08:00\n");
	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "select: '08:00' is not a PCI slot DDDD:BB:SS"), "%s", r.err);
	fx_result_free(&r);
	epdma_config_free(cfg);
	fx_free(fx);
}
END_TEST

/* Functions of different slots never pair, whatever their IDs. */
START_TEST(discover_split_slots_do_not_pair)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;
	struct fx_result r;

	fx_x86_host(fx);
	write_config(fx, "imx8", NULL);
	cfg = load_config(fx);
	fx_host_card(fx, &(struct fx_host_card){
				 .cfg = cfg, .bdf = "0000:0a:00.0", .dma_bdf = "0000:0b:00.0" });
	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "no matching DMA function on its slot"), "%s", r.out);
	ck_assert(has(r.out, "no matching vNTB function on its slot"));
	ck_assert(has(r.out, "FAIL  card"));
	fx_result_free(&r);
	epdma_config_free(cfg);
	fx_free(fx);
}
END_TEST

START_TEST(discover_pairing_tag)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;
	struct fx_result r;

	fx_x86_host(fx);
	write_config(fx, "imx8", "[endpoint]\npairing_tag = 0x5a5a\n");
	cfg = load_config(fx);
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg });
	discover(fx, &r, false);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "ok    pair tag                 both functions carry subsystem ID "
			     "5a5a"));
	fx_result_free(&r);
	/* Another card's tag: its functions do not match. */
	write_config(fx, "imx8", "[endpoint]\npairing_tag = 0x1111\n");
	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "subsystem ID 5a5a, pairing_tag is 1111"), "%s", r.out);
	fx_result_free(&r);
	epdma_config_free(cfg);
	fx_free(fx);
}
END_TEST

/* What the BARs hold must agree with the config. */
START_TEST(discover_bar_mismatches)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;
	struct fx_vntb_bar vb;
	struct fx_pedm_bar pb;
	struct fx_result r;

	fx_x86_host(fx);
	write_config(fx, "imx8", NULL);
	cfg = load_config(fx);
	fx_vntb_bar_from_config(cfg, &vb);
	vb.spad_count = 32;
	fx_pedm_bar_from_config(cfg, &pb);
	pb.wr_chans = 1;
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg, .vntb = &vb, .pedm = &pb });
	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "FAIL  pair vntb control        num_mws 1, spad_count 32; the "
				 "config has 1, 64"),
		      "%s", r.out);
	ck_assert(has(r.out, "FAIL  pair dma metadata        1 write + 2 read channels; the "
			     "config has 2 + 2"));
	ck_assert(has(r.out, "discover: the configured pair is NOT proven"));
	fx_result_free(&r);
	epdma_config_free(cfg);
	fx_free(fx);
}
END_TEST

/* The endpoint's transport wrote its scratchpads: they must agree with [transport]. */
START_TEST(discover_transport_spads)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;
	struct fx_vntb_bar vb;
	struct fx_result r;

	fx_x86_host(fx);
	write_config(fx, "imx8", NULL);
	cfg = load_config(fx);
	fx_vntb_bar_from_config(cfg, &vb);
	vb.transport = true;
	vb.link_status = 1;
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg, .vntb = &vb });
	discover(fx, &r, false);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "link up"));
	ck_assert_msg(has(r.out, "ok    pair transport           version 4, 1 queue pairs, 1 MWs "
				 "as configured"),
		      "%s", r.out);
	fx_result_free(&r);
	/* The endpoint announces 1 MiB windows; a host capped at 64 KiB disagrees. */
	write_config(fx, "imx8", "[transport]\nmax_mw_size = 64K\n");
	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "FAIL  pair transport           endpoint transport announces MW1 "
				 "of 1048576 bytes, the config 65536"),
		      "%s", r.out);
	fx_result_free(&r);
	epdma_config_free(cfg);
	fx_free(fx);
}
END_TEST

/* A device whose BARs read all ones is gone: never data. */
START_TEST(discover_device_gone)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;
	struct fx_vntb_bar vb;
	struct fx_result r;
	uint8_t ones[4096];

	fx_x86_host(fx);
	write_config(fx, "imx8", NULL);
	cfg = load_config(fx);
	fx_vntb_bar_from_config(cfg, &vb);
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg, .vntb = &vb });
	memset(ones, 0xff, sizeof(ones));
	fx_write_raw(fx, "sys/bus/pci/devices/0000:08:00.0/resource0", ones, sizeof(ones));
	discover(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "FAIL  pair vntb control        BAR0 of 0000:08:00.0 reads all "
				 "ones: the device is gone"),
		      "%s", r.out);
	fx_result_free(&r);
	epdma_config_free(cfg);
	fx_free(fx);
}
END_TEST

/* check on the host runs the same discovery; an absent card is a warning there. */
START_TEST(check_includes_discovery)
{
	struct fx *fx = host_with_card("imx8", NULL);
	struct fx_result r;

	fx_run(fx, &r, (const char *const[]){ "epdmactl", "--root", fx->root, "check", NULL });
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "ok    vntb binding"));
	ck_assert(
		has(r.out, "ok    card                     vNTB 0000:08:00.0 + DMA 0000:08:00.1"));
	ck_assert(has(r.out, "ok    pair dma metadata"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

static void setup(struct fx *fx, struct fx_result *r)
{
	fx_run(fx, r, (const char *const[]){ "epdmactl", "--root", fx->root, "setup", NULL });
}

START_TEST(setup_binds_and_hands_over)
{
	struct fx *fx = host_with_card("imx8", "[host]\nsettle_timeout_ms = 2500\n");
	struct fx_result r;
	char *v;

	setup(fx, &r);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "load module ntb_hw_epf"));
	ck_assert(has(r.out,
		      "write dw-edma-pcie to /sys/bus/pci/devices/0000:08:00.1/driver_override"));
	ck_assert(has(r.out, "write 0000:08:00.1 to /sys/bus/pci/drivers_probe"));
	ck_assert(has(r.out, "insert module ntb_transport_ep_dma dma_bdf=0000:08:00.1"));
	ck_assert(has(r.out, "setup: done"));
	v = fx_read(fx, "sys/module/ntb_transport_ep_dma/parameters/dma_bdf");
	ck_assert_msg(has(v, "0000:08:00.1"), "%s", v ? v : "(none)");
	free(v);
	v = fx_read(fx, "run/modprobe.d/epdma.conf");
	ck_assert(has(v, "options ntb_transport_ep_dma dma_bdf=0000:08:00.1"));
	free(v);
	v = fx_read(fx, "run/epdma/host");
	ck_assert(has(v, "override 0000:08:00.1\ninserted ntb_transport_ep_dma\n"));
	free(v);
	ck_assert(fx_exists(fx, "sys/bus/pci/devices/0000:08:00.1/dma"));
	fx_result_free(&r);
	/* Converged: nothing is written again. */
	setup(fx, &r);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_str_eq(r.out, "setup: nothing to do\n");
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A host kernel without the DMA function support binds nothing: time out, clear the override. */
START_TEST(setup_times_out_without_host_dma_support)
{
	struct fx *fx = host_with_card("imx8", "[host]\nsettle_timeout_ms = 2500\n");
	struct fx_result r;
	char *v;

	fx_kernel_config(fx, "host_dma_function=0");
	setup(fx, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "dw-edma-pcie did not bind it with 4 channels within 2500 ms: a "
				 "host kernel without part 1"),
		      "%s", r.err);
	v = fx_read(fx, "sys/bus/pci/devices/0000:08:00.1/driver_override");
	ck_assert_msg(has(v, "(null)"), "%s", v ? v : "(none)");
	free(v);
	ck_assert(!fx_exists(fx, "sys/module/ntb_transport_ep_dma"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("discover");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, discover_proves_the_pair);
	tcase_add_test(tc, discover_reads_only_candidates);
	tcase_add_test(tc, discover_touches_nothing);
	tcase_add_test(tc, discover_without_card);
	tcase_add_test(tc, discover_two_cards);
	tcase_add_test(tc, discover_split_slots_do_not_pair);
	tcase_add_test(tc, discover_pairing_tag);
	tcase_add_test(tc, discover_bar_mismatches);
	tcase_add_test(tc, discover_transport_spads);
	tcase_add_test(tc, discover_device_gone);
	tcase_add_test(tc, check_includes_discovery);
	tcase_add_test(tc, setup_binds_and_hands_over);
	tcase_add_test(tc, setup_times_out_without_host_dma_support);
	suite_add_tcase(s, tc);
	return fx_run_suite(s);
}
