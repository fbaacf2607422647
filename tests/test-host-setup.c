// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host role's mutating runs and status on host card fixtures: setup
 * (plan, apply, undo of every step, rescans, the transport's parameter),
 * plan, status and teardown.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

#define MODS "/lib/modules/6.12.57-amd64/kernel/drivers/"
#define DMAF "sys/bus/pci/devices/0000:08:00.1"
#define PARM "sys/module/ntb_transport_ep_dma/parameters/dma_bdf"

static void write_config(struct fx *fx, const char *extra)
{
	fx_write(fx, "/etc/epdma.conf",
		 "[general]\nrole = host\nprofile = imx8\n\n[dma]\nwr_chans = 2\nrd_chans = 2\n"
		 "\n[host]\nsettle_timeout_ms = 2500\n%s",
		 extra ? extra : "");
}

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

/* An x86 host with the host modules (dma_bdf writable or not) and one card. */
static struct fx *host(bool writable, const char *extra, const struct fx_host_card *tmpl)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;
	struct fx_host_card card = { 0 };

	fx_x86_host(fx);
	fx_host_modules(fx, writable);
	write_config(fx, extra);
	cfg = load_config(fx);
	if (tmpl)
		card = *tmpl;
	card.cfg = cfg;
	fx_host_card(fx, &card);
	epdma_config_free(cfg);
	return fx;
}

/* epdmactl --root <root> ARGS... */
static void ctl(struct fx *fx, struct fx_result *r, const char *a1, const char *a2, const char *a3,
		const char *a4)
{
	const char *argv[] = { "epdmactl", "--root", fx->root, a1, a2, a3, a4, NULL };

	fx_run(fx, r, argv);
}

static char *tool_path(const char *name)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	*slash = '\0';
	ck_assert_int_gt(asprintf(&path, "%s/%s", exe, name), 0);
	return path;
}

/* Someone else loaded the transport with DMA_BDF (epdma-replay's insmod, as insmod does). */
static void load_transport(struct fx *fx, const char *bdf)
{
	char *tool = tool_path("epdma-replay"), *ins;
	struct fx_result r;

	ck_assert_int_gt(
		asprintf(&ins, "insmod " MODS "ntb/ntb_transport_ep_dma.ko dma_bdf=%s", bdf), 0);
	fx_run(fx, &r, (const char *const[]){ tool, "-c", "insmod " MODS "ntb/ntb.ko", ins, NULL });
	ck_assert_msg(r.status == 0, "insmod: %s%s", r.out, r.err);
	fx_result_free(&r);
	free(ins);
	free(tool);
}

static void clear_oplog(struct fx *fx)
{
	char *p;

	ck_assert_int_gt(asprintf(&p, "%s/oplog", fx->state), 0);
	unlink(p);
	free(p);
}

/* ---- setup ---- */

START_TEST(setup_json_status_teardown)
{
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;

	ctl(fx, &r, "setup", "--json", NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_int_eq(fx_json_array_len(r.out, "operations"), 7) /* + load ntb_netdev */;
	ck_assert_msg(has(r.out, "\"op\": \"load\",\n      \"target\": \"ntb_hw_epf\""), "%s",
		      r.out);
	ck_assert(has(r.out, "\"op\": \"override\""));
	ck_assert(has(r.out, "\"op\": \"probe\""));
	ck_assert(has(r.out, "\"op\": \"insert\""));
	ck_assert(has(r.out, "\"op\": \"snippet\""));
	ck_assert(has(r.out, "\"result\": \"ok\""));
	ck_assert(!has(r.out, "\"result\": \"Input/output error\""));
	ck_assert(has(r.out, "\"inserted\": [\n        \"dw_edma\",\n        \"dw_edma_pcie\""));
	ck_assert(has(r.out, "\"card\": {\n    \"vntb\": \"0000:08:00.0\""));
	ck_assert(fx_file_has(fx, "run/epdma/host-verified", "pair dma metadata\tpass\tPEDM"));
	fx_result_free(&r);

	/* Status: the BARs are claimed now; the proof shown is the one setup made. */
	ctl(fx, &r, "status", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "● host: card 0000:08:00"), "%s", r.out);
	ck_assert(has(r.out, "vntb 0000:08:00.0  1957:0809 class 050000"));
	ck_assert(has(r.out, "driver ntb_hw_epf"));
	ck_assert(has(r.out, "dma  0000:08:00.1  1957:080b class 080100"));
	ck_assert(has(r.out, "driver dw-edma-pcie"));
	ck_assert(has(r.out, "skip  pair vntb control        BAR0 of 0000:08:00.0 is claimed by "
			     "ntb_hw_epf: not re-verified"));
	ck_assert(has(r.out, "skip  pair dma metadata        BAR0 of 0000:08:00.1 is claimed by "
			     "dw-edma-pcie: not re-verified"));
	ck_assert(has(r.out, "UTC: pass num_mws 1, spad_count 64"));
	ck_assert(has(r.out, "UTC: pass PEDM revision 1 in BAR0, 2 write + 2 read channels"));
	ck_assert(has(r.out, "DMA channels: 4\n  dma0chan0    free, 0 bytes, 0 memcpy"));
	ck_assert(has(r.out, "Transport: ntb_transport_ep_dma loaded, holds 0000:08:00.1 (the DMA "
			     "function)"));
	ck_assert(has(r.out, "NTB device: 0000:08:00.0, link not shown in sysfs"));
	ck_assert(has(r.out, "epdma changed: driver_override of 0000:08:00.1, inserted "
			     "ntb_transport_ep_dma"));
	ck_assert(has(r.out, "In sync with the config."));
	fx_result_free(&r);
	ctl(fx, &r, "status", "--json", NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(has(r.out, "\"schema_version\": 1"));
	ck_assert_int_eq(fx_json_array_len(r.out, "functions"), 2);
	ck_assert_int_eq(fx_json_array_len(r.out, "dma_channels"), 4);
	ck_assert(has(r.out, "\"name\": \"dma0chan0\",\n      \"in_use\": false,\n"
			     "      \"bytes_transferred\": 0,\n      \"memcpy_count\": 0"));
	ck_assert(has(r.out, "\"module\": \"ntb_transport_ep_dma\",\n    \"loaded\": true,\n"
			     "    \"bdf\": \"0000:08:00.1\""));
	ck_assert(has(r.out, "\"in_sync\": true"));
	fx_result_free(&r);

	/* Teardown: the transport epdma inserted, the binding, the override; ntb_hw_epf stays. */
	ctl(fx, &r, "teardown", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "remove module ntb_transport_ep_dma"));
	ck_assert(has(r.out, "write 0000:08:00.1 to /sys/bus/pci/drivers/dw-edma-pcie/unbind"));
	ck_assert(has(r.out, "clear /sys/bus/pci/devices/0000:08:00.1/driver_override"));
	ck_assert(has(r.out, "remove /run/modprobe.d/epdma.conf"));
	ck_assert(!fx_module_is_loaded(fx, "ntb_transport_ep_dma"));
	ck_assert(fx_module_is_loaded(fx, "ntb_hw_epf"));
	ck_assert(!fx_exists(fx, DMAF "/driver"));
	ck_assert(fx_file_has(fx, DMAF "/driver_override", "(null)"));
	ck_assert(!fx_exists(fx, "run/epdma/host"));
	ck_assert(!fx_exists(fx, "run/modprobe.d/epdma.conf"));
	fx_result_free(&r);
	ctl(fx, &r, "teardown", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "teardown: nothing to do: epdma changed nothing on this host\n");
	fx_result_free(&r);
	ctl(fx, &r, "status", NULL, NULL, NULL);
	ck_assert(has(r.out, "Not in sync with the config"));
	ck_assert(has(r.out, "Transport: ntb_transport_ep_dma not loaded"));
	fx_result_free(&r);
	/* --force takes ntb_hw_epf out too; setup binds everything again. */
	ctl(fx, &r, "teardown", "--force", NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "remove module ntb_hw_epf"));
	ck_assert(!fx_module_is_loaded(fx, "ntb_hw_epf"));
	fx_result_free(&r);
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(fx_file_has(fx, PARM, "0000:08:00.1"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* Converged: the second setup makes no kernel operation at all. */
START_TEST(setup_converged_oplog_empty)
{
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;
	char *log;

	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	clear_oplog(fx);
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "setup: nothing to do\n");
	log = fx_oplog(fx);
	ck_assert_msg(!*log, "a converged setup performed:\n%s", log);
	free(log);
	fx_result_free(&r);
	ctl(fx, &r, "plan", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "Nothing to do: the host matches the config.\n");
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/*
 * Debian's 6.12.117 ntb_hw_epf has its ID table but no MODULE_DEVICE_TABLE,
 * so no alias names it: check warns, plan and setup load it by name, and its
 * table decides the bind (found on the real kernel by the loopback suite).
 */
START_TEST(setup_ntb_hw_epf_without_alias)
{
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;

	fx_host_ntb_hw_epf_unaliased(fx);
	ctl(fx, &r, "check", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "WARN  vntb binding             ntb_hw_epf of kernel ") &&
			      has(r.out, " declares no PCI alias (no MODULE_DEVICE_TABLE): setup "
					 "loads it by name and binds 1957:0809 only if its ID "
					 "table lists it"),
		      "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "plan", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "  load module ntb_hw_epf for 0000:08:00.0\n"), "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	ck_assert(fx_module_is_loaded(fx, "ntb_hw_epf"));
	ck_assert(fx_exists(fx, "sys/bus/pci/drivers/ntb_hw_epf/0000:08:00.0"));
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "setup: nothing to do\n");
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* An ntb_hw_epf without aliases whose table lacks the card's ID (here only
 * TI's): loaded by name, it binds nothing; setup says so and removes it. */
START_TEST(setup_ntb_hw_epf_without_alias_other_id)
{
	static const char *const ti_only[] = { "!pci:v0000104Cd0000B00Dsv*sd*bc05sc00i*", NULL };
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;

	fx_module_parm(fx, "drivers/ntb/hw/epf", "ntb_hw_epf", ti_only, "ntb", NULL);
	fx_depmod(fx);
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 1, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.err, "ntb_hw_epf is loaded but did not bind it"), "%s", r.err);
	fx_result_free(&r);
	ck_assert(!fx_module_is_loaded(fx, "ntb_hw_epf"));
	ck_assert(!fx_exists(fx, "sys/bus/pci/drivers/ntb_hw_epf/0000:08:00.0"));
	fx_free(fx);
}
END_TEST

/* plan lists the host's operations and writes nothing. */
START_TEST(plan_lists_host_operations)
{
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;
	char *before = fx_snapshot(fx, NULL), *after, *log;

	ctl(fx, &r, "plan", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "Plan for the host (7 operations):\n"
				 "  load module ntb_hw_epf for 0000:08:00.0\n"
				 "  load module dw-edma-pcie\n"
				 "  write dw-edma-pcie to /sys/bus/pci/devices/0000:08:00.1/"
				 "driver_override\n"
				 "  write 0000:08:00.1 to /sys/bus/pci/drivers_probe (for "
				 "dw-edma-pcie)\n"
				 "  insert module ntb_transport_ep_dma dma_bdf=0000:08:00.1 "),
		      "%s", r.out);
	ck_assert(has(r.out, "  write /run/modprobe.d/epdma.conf\n"));
	fx_result_free(&r);
	ctl(fx, &r, "plan", "--json", NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(fx_json_array_len(r.out, "operations"), 7) /* + load ntb_netdev */;
	ck_assert(!has(r.out, "\"result\": \"ok\""));
	ck_assert(!has(r.out, "\"kernel_log\""));
	fx_result_free(&r);
	after = fx_snapshot(fx, NULL);
	ck_assert_str_eq(before, after);
	log = fx_oplog(fx);
	ck_assert_msg(!*log, "plan performed:\n%s", log);
	free(log);
	free(before);
	free(after);
	fx_free(fx);
}
END_TEST

/* ---- refusals: nothing written ---- */

static void assert_refused_untouched(struct fx *fx, const char *why)
{
	struct fx_result r;
	char *log;

	clear_oplog(fx);
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, why) || has(r.err, why), "want '%s'\nout:\n%s\nerr:\n%s", why,
		      r.out, r.err);
	log = fx_oplog(fx);
	ck_assert_msg(!*log, "a refused setup performed:\n%s", log);
	free(log);
	ck_assert(!fx_exists(fx, "run/epdma/host"));
	ck_assert(!fx_exists(fx, DMAF) || fx_file_has(fx, DMAF "/driver_override", "(null)"));
	fx_result_free(&r);
}

/* Every pairing failure refuses before the first write. */
START_TEST(setup_refuses_unproven_pairs)
{
	static const struct {
		const char *name, *extra, *why;
		int kind; /* 0 config, 1 num_mws, 2 spads, 3 transport, 4 magic, 5 chans, 6 len */
	} cases[] = {
		{ "wrong tag", "rescan = never\n[endpoint]\npairing_tag = 0x1111\n",
		  "no vNTB 1957:0809 + DMA 1957:080b pair on one slot", 0 },
		{ "num_mws", NULL, "num_mws 2, spad_count 64; the config has 1, 64", 1 },
		{ "spad count", NULL, "num_mws 1, spad_count 32; the config has 1, 64", 2 },
		{ "transport spads", NULL, "endpoint transport version 4, 2 MWs", 3 },
		{ "magic", NULL, "no BAR of 0000:08:00.1 carries the PEDM metadata block", 4 },
		{ "channels", NULL, "2 write + 1 read channels; the config has 2 + 2", 5 },
		{ "length", NULL, "BAR0 of 0000:08:00.1: insane (length)", 6 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fx *fx = fx_new();
		struct epdma_config *cfg;
		struct fx_vntb_bar vb;
		struct fx_pedm_bar pb;

		fx_x86_host(fx);
		fx_host_modules(fx, true);
		write_config(fx, "rescan = never\n");
		cfg = load_config(fx);
		if (cases[i].kind == 0)
			cfg->pairing_tag = 0x5a5a;
		fx_vntb_bar_from_config(cfg, &vb);
		fx_pedm_bar_from_config(cfg, &pb);
		switch (cases[i].kind) {
		case 1:
			vb.num_mws = 2;
			break;
		case 2:
			vb.spad_count = 32;
			break;
		case 3:
			vb.transport = true;
			vb.spad_num_mws = 2;
			break;
		case 4:
			pb.magic = 0x12345678;
			break;
		case 5:
			pb.rd_chans = 1;
			break;
		case 6:
			pb.length = 0x2000;
			break;
		}
		fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg, .vntb = &vb, .pedm = &pb });
		epdma_config_free(cfg);
		write_config(fx, cases[i].extra ? cases[i].extra : "rescan = never\n");
		assert_refused_untouched(fx, cases[i].why);
		fx_free(fx);
	}
}
END_TEST

/* Two cards: refused without [host] select; with it, the selected one is bound. */
START_TEST(setup_two_cards)
{
	struct fx *fx = host(true, NULL, NULL);
	struct epdma_config *cfg = load_config(fx);
	struct fx_result r;

	fx_host_card(fx, &(struct fx_host_card){
				 .cfg = cfg, .bdf = "0000:0a:00.0", .mmio = 0x90000000 });
	epdma_config_free(cfg);
	assert_refused_untouched(fx, "several cards with the configured functions: 0000:08:00, "
				     "0000:0a:00");
	write_config(fx, "select = 0000:0a:00\n");
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(fx_file_has(fx, PARM, "0000:0a:00.1"));
	ck_assert(fx_exists(fx, "sys/bus/pci/devices/0000:0a:00.1/dma"));
	ck_assert(!fx_exists(fx, DMAF "/dma"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* The DMA function on another slot is no pair: nothing is bound. */
START_TEST(setup_dma_on_another_slot)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;

	fx_x86_host(fx);
	fx_host_modules(fx, true);
	write_config(fx, "rescan = never\n");
	cfg = load_config(fx);
	fx_host_card(fx, &(struct fx_host_card){
				 .cfg = cfg, .bdf = "0000:0a:00.0", .dma_bdf = "0000:0b:00.0" });
	epdma_config_free(cfg);
	assert_refused_untouched(fx, "no vNTB 1957:0809 + DMA 1957:080b pair on one slot");
	ck_assert(!fx_module_is_loaded(fx, "ntb_hw_epf"));
	fx_free(fx);
}
END_TEST

/* ---- rescans ---- */

START_TEST(setup_finds_card_after_rescan)
{
	struct fx *fx = host(true, NULL, &(struct fx_host_card){ .prepared = true });
	struct fx_result r;

	ck_assert(!fx_exists(fx, DMAF));
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "write 1 to /sys/bus/pci/rescan\n"));
	ck_assert(fx_file_has(fx, PARM, "0000:08:00.1"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A rescan that finds nothing says so, what works, and what the kernel logged. */
START_TEST(setup_rescan_finds_nothing)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *log;

	fx_x86_host(fx);
	fx_host_modules(fx, true);
	write_config(fx, "rescan = once\n");
	fx_kmsg(fx, 3, "pci 0000:07:01.0: BAR 14: no space for [mem size 0x00300000]");
	fx_kmsg(fx, 6, "usb 1-1: new high-speed USB device number 2 using xhci_hcd");
	fx_kmsg(fx, 3, "pci 0000:08:00.0: BAR 0: failed to assign [mem size 0x00100000]");
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "rescanned the PCI bus 1 time: no vNTB 1957:0809 + DMA 1957:080b "
				 "pair appeared. What works: start the endpoint before the host "
				 "boots, or reboot the host"),
		      "%s", r.err);
	ck_assert(has(r.err, "pci=realloc"));
	ck_assert(has(r.err, "kernel log: pci 0000:07:01.0: BAR 14: no space for [mem size "
			     "0x00300000]"));
	ck_assert(has(r.err, "kernel log: pci 0000:08:00.0: BAR 0: failed to assign"));
	ck_assert(!has(r.err, "usb 1-1"));
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "write sys/bus/pci/rescan 1 = 0\n");
	free(log);
	fx_result_free(&r);
	/* never: no rescan at all. */
	clear_oplog(fx);
	write_config(fx, "rescan = never\n");
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(!has(r.err, "rescanned"));
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* --wait: back-off rescans until the time is up. */
START_TEST(setup_wait_rescans_with_backoff)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_x86_host(fx);
	fx_host_modules(fx, true);
	write_config(fx, "rescan = backoff\nrescan_interval_ms = 200\n");
	ctl(fx, &r, "setup", "--wait", "2", "--json");
	ck_assert_int_eq(r.status, 1);
	/* at 0, 0.2, 0.6 and 1.4 s, then once more at the deadline (3 s would be past it) */
	ck_assert_msg(has(r.out, "\"rescans\": 5"), "%s", r.out);
	ck_assert(has(r.out, "\"kernel_log_hints\": [\n  ]") ||
		  has(r.out, "\"kernel_log_hints\": [ ]"));
	fx_result_free(&r);
	ctl(fx, &r, "setup", "--wait", "soon", NULL);
	ck_assert_int_eq(r.status, 2);
	ck_assert(has(r.err, "--wait 'soon': a number of seconds"));
	fx_result_free(&r);
	fx_run(fx, &r, (const char *const[]){ "epdmactl", "--help", NULL });
	ck_assert_msg(has(r.out, "\n            [--wait SECONDS]                \n  teardown "),
		      "%s", r.out);
	ck_assert_msg(has(r.out, "\n  --wait SECONDS       host setup: wait up to SECONDS for the "
				 "card to appear\n"),
		      "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- the transport already loaded with another BDF ---- */

START_TEST(transport_writable_parameter_written)
{
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;

	load_transport(fx, "0000:09:00.1");
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "write 0000:08:00.1 to /sys/module/ntb_transport_ep_dma/"
				 "parameters/dma_bdf (was 0000:09:00.1)"),
		      "%s", r.out);
	ck_assert(fx_file_has(fx, PARM, "0000:08:00.1"));
	ck_assert(fx_file_has(fx, "run/epdma/host",
			      "param /sys/module/ntb_transport_ep_dma/parameters/dma_bdf "
			      "0000:09:00.1\n"));
	fx_result_free(&r);
	/* teardown gives it its value back and leaves the module it did not insert. */
	ctl(fx, &r, "teardown", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(fx_file_has(fx, PARM, "0000:09:00.1"));
	ck_assert(fx_module_is_loaded(fx, "ntb_transport_ep_dma"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(transport_read_only_refused_then_forced)
{
	struct fx *fx = host(false, NULL, NULL);
	struct fx_result r;
	char *v;

	load_transport(fx, "0000:09:00.1");
	assert_refused_untouched(fx, "ntb_transport_ep_dma: is loaded with dma_bdf=0000:09:00.1 "
				     "and its dma_bdf is read-only (mode 0444)");
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert(has(r.err, "--force removes it and inserts it again"));
	fx_result_free(&r);
	ck_assert(!fx_module_is_loaded(fx, "ntb_hw_epf"));
	ctl(fx, &r, "setup", "--force", NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "remove module ntb_transport_ep_dma\ninsert module "
			     "ntb_transport_ep_dma dma_bdf=0000:08:00.1"));
	v = fx_read(fx, PARM);
	ck_assert_msg(has(v, "0000:08:00.1"), "%s", v);
	free(v);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(transport_in_use_refused_even_forced)
{
	struct fx *fx = host(false, NULL, NULL);
	struct fx_result r;

	fx_kernel_config(fx, "refcnt=ntb_transport_ep_dma:1");
	load_transport(fx, "0000:09:00.1");
	clear_oplog(fx);
	ctl(fx, &r, "setup", "--force", NULL, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err,
			  "ntb_transport_ep_dma: is in use (refcnt 1, 0 holders): the kernel "
			  "refuses to remove it"),
		      "%s", r.err);
	ck_assert(fx_file_has(fx, PARM, "0000:09:00.1"));
	ck_assert(!fx_module_is_loaded(fx, "ntb_hw_epf"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* Teardown refuses to remove a transport that is in use, and changes nothing. */
START_TEST(teardown_refuses_transport_in_use)
{
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;

	fx_kernel_config(fx, "refcnt=ntb_transport_ep_dma:3");
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	clear_oplog(fx);
	ctl(fx, &r, "teardown", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "ntb_transport_ep_dma: is in use (refcnt 3"), "%s", r.err);
	ck_assert(has(r.err, "teardown: refused; nothing was changed"));
	ck_assert(fx_module_is_loaded(fx, "ntb_transport_ep_dma"));
	ck_assert(fx_exists(fx, DMAF "/driver"));
	ck_assert(fx_file_has(fx, "run/epdma/host", "inserted ntb_transport_ep_dma"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- a failure at every step leaves nothing of this run behind ---- */

static void assert_nothing_left(struct fx *fx, const char *what)
{
	static const char *const mods[] = { "ntb", "ntb_hw_epf", "dw_edma", "dw_edma_pcie",
					    "ntb_transport_ep_dma" };

	ck_assert_msg(fx_file_has(fx, DMAF "/driver_override", "(null)"), "%s: override left",
		      what);
	ck_assert_msg(!fx_exists(fx, DMAF "/driver"), "%s: DMA function left bound", what);
	for (size_t i = 0; i < ARRAY_SIZE(mods); i++)
		ck_assert_msg(!fx_module_is_loaded(fx, mods[i]), "%s: module %s left loaded", what,
			      mods[i]);
	ck_assert_msg(!fx_file_has(fx, "run/epdma/host", "override") &&
			      !fx_file_has(fx, "run/epdma/host", "inserted"),
		      "%s: record names what is gone", what);
	ck_assert_msg(!fx_exists(fx, "run/modprobe.d/epdma.conf"), "%s: snippet left", what);
}

START_TEST(failure_at_every_step_is_undone)
{
	static const char *const faults[] = {
		"fail=write:1:EIO",	   "fail=write:2:EIO",
		"fail=probe:1:EIO",	   "fail=probe:2:EIO",
		"fail=finit_module:1:EIO", "fail=finit_module:2:EIO",
		"fail=finit_module:3:EIO", "fail=finit_module:4:EIO",
		"fail=finit_module:5:EIO", "pedm_ready=0",
	};

	for (size_t i = 0; i < ARRAY_SIZE(faults); i++) {
		struct fx *fx = host(true, NULL, NULL);
		struct fx_result r;

		fx_kernel_config(fx, "%s", faults[i]);
		ctl(fx, &r, "setup", "--json", NULL, NULL);
		ck_assert_msg(r.status == 1, "%s: exit %d\n%s%s", faults[i], r.status, r.out,
			      r.err);
		ck_assert_msg(has(r.out, "\"rollback_complete\": true"), "%s: %s", faults[i],
			      r.out);
		assert_nothing_left(fx, faults[i]);
		fx_result_free(&r);
		fx_free(fx);
	}
}
END_TEST

/* The snippet cannot be written: the whole setup is taken back, transport included. */
START_TEST(failure_of_the_last_step_is_undone)
{
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;

	fx_write(fx, "run/modprobe.d", "a file where the directory should be\n");
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "write /run/modprobe.d/epdma.conf failed"), "%s", r.err);
	ck_assert_msg(has(r.err, "rolled back 6 operations; the host is as before"), "%s", r.err);
	fx_write(fx, "run/modprobe.d", "x\n"); /* still a file: the snapshot shows no snippet */
	ck_assert(fx_file_has(fx, DMAF "/driver_override", "(null)"));
	ck_assert(!fx_module_is_loaded(fx, "ntb_transport_ep_dma"));
	ck_assert(!fx_module_is_loaded(fx, "ntb_hw_epf"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- removal during verification, claimed BARs ---- */

/* A BAR that vanishes under the copy (SIGBUS) is "gone", never a crash: the copy of a
 * 4 MiB BAR races a child that keeps truncating the file. */
START_TEST(bar_read_survives_sigbus)
{
	struct fx *fx = host(true, NULL, NULL);
	struct epdma_ctx *ctx = NULL;
	char *p = fx_path(fx, DMAF "/resource1");
	int gone = 0, fd;
	pid_t child;

	fd = open(p, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 4 << 20), 0);
	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		for (;;) {
			if (ftruncate(fd, 0) < 0 || ftruncate(fd, 4 << 20) < 0)
				_exit(1);
		}
	}
	for (int i = 0; i < 3000 && gone < 3; i++) {
		void *buf = NULL;
		size_t len = 0;
		int r = epdma_pci_bar_read(ctx, "0000:08:00.1", 1, &buf, &len);

		ck_assert_msg(r == 0 || r == -ENODEV || r == -ENODATA, "bar read: %d", r);
		gone += r == -ENODEV;
		free(buf);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	ck_assert_msg(gone > 0, "no read ever met the truncated mapping");
	epdma_ctx_free(ctx);
	close(fd);
	free(p);
	fx_free(fx);
}
END_TEST

/* The device is pulled (all ones through the mapping, then its files go). */
START_TEST(setup_after_unplug)
{
	struct fx *fx = host(true, "rescan = never\n", NULL);
	struct fx_result r;
	uint8_t ones[4096];

	memset(ones, 0xff, sizeof(ones));
	fx_write_raw(fx, DMAF "/resource0", ones, sizeof(ones));
	assert_refused_untouched(fx, "BAR0 of 0000:08:00.1 reads all ones: the device is gone");
	fx_host_unplug(fx, "0000:08:00.1", FX_UNPLUG_SIGBUS);
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "no matching DMA function on its slot") ||
			      has(r.out, "FAIL  card"),
		      "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A BAR claimed by a driver: "claimed by <driver>: not re-verified". */
START_TEST(discover_claimed_bar)
{
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;

	fx_kernel_config(fx, "fail=mmap:2:EINVAL");
	ctl(fx, &r, "discover", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "skip  pair dma metadata        BAR0 of 0000:08:00.1 is claimed "
				 "by a driver: not re-verified (mmap refused)"),
		      "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- a large host ---- */

START_TEST(discover_among_4096_functions)
{
	struct fx *fx = host(true, NULL, NULL);
	struct fx_result r;

	fx_host_many(fx, 4096);
	ctl(fx, &r, "discover", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "vNTB 0000:08:00.0 + DMA 0000:08:00.1"));
	ck_assert(has(r.out, "discover: the configured pair is found and proven"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host-setup");
	TCase *tc = tcase_create("host-setup");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, setup_json_status_teardown);
	tcase_add_test(tc, setup_converged_oplog_empty);
	tcase_add_test(tc, setup_ntb_hw_epf_without_alias);
	tcase_add_test(tc, setup_ntb_hw_epf_without_alias_other_id);
	tcase_add_test(tc, plan_lists_host_operations);
	tcase_add_test(tc, setup_refuses_unproven_pairs);
	tcase_add_test(tc, setup_two_cards);
	tcase_add_test(tc, setup_dma_on_another_slot);
	tcase_add_test(tc, setup_finds_card_after_rescan);
	tcase_add_test(tc, setup_rescan_finds_nothing);
	tcase_add_test(tc, setup_wait_rescans_with_backoff);
	tcase_add_test(tc, transport_writable_parameter_written);
	tcase_add_test(tc, transport_read_only_refused_then_forced);
	tcase_add_test(tc, transport_in_use_refused_even_forced);
	tcase_add_test(tc, teardown_refuses_transport_in_use);
	tcase_add_test(tc, failure_at_every_step_is_undone);
	tcase_add_test(tc, failure_of_the_last_step_is_undone);
	tcase_add_test(tc, bar_read_survives_sigbus);
	tcase_add_test(tc, setup_after_unplug);
	tcase_add_test(tc, discover_claimed_bar);
	tcase_add_test(tc, discover_among_4096_functions);
	suite_add_tcase(s, tc);
	return fx_run_suite(s);
}
