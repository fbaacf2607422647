// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The link, end to end, on the host: setup loads the transport's clients
 * after the hand-over (and teardown removes them), discover compares both
 * ends' transport scratchpads, status shows the link and --wait-link waits
 * for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/bar.h"
#include "fixture.h"

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

/* An x86 host with the host modules (dma_bdf writable) and one card; VB (may be NULL)
 * gets its vNTB BAR, with the endpoint's transport written into it when EP_TRANSPORT. */
static struct fx *host_with(const char *extra, bool ep_transport, struct fx_vntb_bar *vb)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;
	struct fx_host_card card = { 0 };
	struct fx_vntb_bar own;

	if (!vb)
		vb = &own;
	fx_x86_host(fx);
	fx_host_modules(fx, true);
	write_config(fx, extra);
	cfg = load_config(fx);
	fx_vntb_bar_from_config(cfg, vb);
	vb->transport = vb->transport || ep_transport;
	card.cfg = cfg;
	card.vntb = vb;
	fx_host_card(fx, &card);
	epdma_config_free(cfg);
	return fx;
}

static struct fx *host(const char *extra, const void *unused)
{
	(void)unused;
	return host_with(extra, false, NULL);
}

static void ctl(struct fx *fx, struct fx_result *r, const char *a1, const char *a2, const char *a3,
		const char *a4)
{
	const char *argv[] = { "epdmactl", "--root", fx->root, a1, a2, a3, a4, NULL };

	fx_run(fx, r, argv);
}

/* ---- 1: the transport's clients ---- */

START_TEST(setup_loads_clients_teardown_removes_them)
{
	struct fx *fx = host(NULL, NULL);
	struct fx_result r;

	ck_assert(!fx_module_is_loaded(fx, "ntb_netdev"));
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "load module ntb_netdev"), "%s", r.out);
	ck_assert(fx_module_is_loaded(fx, "ntb_netdev"));
	ck_assert(fx_file_has(fx, "run/epdma/host", "client ntb_netdev\n"));
	fx_result_free(&r);

	/* Converged: nothing planned, nothing written. */
	ctl(fx, &r, "setup", "--json", NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_int_eq(fx_json_array_len(r.out, "operations"), 0);
	fx_result_free(&r);

	/* Teardown: the client (and what loading it pulled in) before the transport. */
	ctl(fx, &r, "teardown", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "remove module ntb_netdev"), "%s", r.out);
	ck_assert(strstr(r.out, "remove module ntb_netdev") <
		  strstr(r.out, "remove module ntb_transport_ep_dma"));
	ck_assert(!fx_module_is_loaded(fx, "ntb_netdev"));
	ck_assert(!fx_module_is_loaded(fx, "ntb_transport_ep_dma"));
	ck_assert(!fx_exists(fx, "run/epdma/host"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(client_not_recorded_stays)
{
	struct fx *fx = host("\n[transport]\nclients = ntb_netdev\n", NULL);
	struct fx_result r;

	/* A client the record does not name is not epdma's: teardown leaves it. */
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	fx_write(fx, "/run/epdma/host", "%s", "");
	ctl(fx, &r, "teardown", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(!has(r.out, "remove module ntb_netdev"));
	ck_assert(fx_module_is_loaded(fx, "ntb_netdev"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(client_not_installed_is_a_warning)
{
	struct fx *fx = host("\n[transport]\nclients = ntb_perf_nowhere\n", NULL);
	struct fx_result r;

	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(!has(r.out, "load module ntb_perf_nowhere"));
	ck_assert(!fx_file_has(fx, "run/epdma/host", "client "));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- 2: both ends' transport parameters ---- */

/* The host's transport writes its half (the endpoint's spads): version, QPs, MWs, sizes. */
static void host_transport_writes(struct fx *fx, uint32_t num_qps, uint64_t mw0)
{
	size_t len = 0;
	uint8_t *img = (uint8_t *)fx_read_raw(fx, "sys/bus/pci/devices/0000:08:00.0/resource0",
					      &len);
	struct epdma_vntb_ctrl ctrl;
	uint32_t words[6];
	char *path;
	FILE *f;

	ck_assert_ptr_nonnull(img);
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &ctrl, NULL), EPDMA_BAR_OK);
	words[EPDMA_TRANSPORT_SPAD_VER] = EPDMA_TRANSPORT_VERSION;
	words[EPDMA_TRANSPORT_SPAD_QPL] = 0;
	words[EPDMA_TRANSPORT_SPAD_NQPS] = num_qps;
	words[EPDMA_TRANSPORT_SPAD_NMWS] = ctrl.num_mws;
	words[EPDMA_TRANSPORT_SPAD_MW0] = (uint32_t)(mw0 >> 32);
	words[EPDMA_TRANSPORT_SPAD_MW0 + 1] = (uint32_t)mw0;
	memcpy(img + ctrl.spad_offset + 4 * ctrl.spad_count, words, sizeof(words));
	ck_assert_int_gt(asprintf(&path, "%s/sys/bus/pci/devices/0000:08:00.0/resource0", fx->root),
			 0);
	f = fopen(path, "r+b");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fwrite(img, 1, len, f), len);
	fclose(f);
	free(path);
	free(img);
}

START_TEST(discover_compares_both_ends)
{
	struct fx_vntb_bar vb;
	struct fx *fx = host_with(NULL, true, &vb);
	struct fx_result r;

	/* The host's transport has not written yet: a skipped comparison. */
	ctl(fx, &r, "discover", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "the host's transport has not written its scratchpads"), "%s",
		      r.out);
	fx_result_free(&r);
	/* Agreeing. */
	host_transport_writes(fx, vb.num_qps, vb.mw_size[0]);
	ctl(fx, &r, "discover", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "on both ends"), "%s", r.out);
	fx_result_free(&r);
	/* Disagreeing: each difference named with both values and the key. */
	host_transport_writes(fx, vb.num_qps + 1, vb.mw_size[0] / 2);
	ctl(fx, &r, "discover", "--json", NULL, NULL);
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(has(r.out, "\"name\": \"transport queues\""), "%s", r.out);
	ck_assert(has(r.out, "the link never comes up"));
	ck_assert(has(r.out, "max_num_clients"));
	ck_assert(has(r.out, "\"name\": \"transport MW1 size\""));
	ck_assert(has(r.out, "max_mw_size"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- 3: the link in host status ---- */

START_TEST(status_shows_link_and_waits_for_it)
{
	struct fx *fx = host(NULL, NULL);
	struct fx_result r;

	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	ctl(fx, &r, "status", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "link: unknown: debugfs not mounted\n  NTB device 0000:08:00.0"),
		      "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "status", "--json", NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "\"link\": {\n    \"up\": false,\n    \"summary\": \"unknown: "
				 "debugfs not mounted\",\n    \"ntb_device\": \"0000:08:00.0\""),
		      "%s", r.out);
	fx_result_free(&r);
	/* Not up within the time: exit 1. */
	ctl(fx, &r, "status", "--wait-link", "1", NULL);
	ck_assert_int_eq(r.status, 1);
	fx_result_free(&r);

	fx_write(fx, "/sys/kernel/debug/ntb_transport/0000:08:00.0/qp0/stats",
		 "\nNTB QP stats:\n\nrx_bytes - \t0\nQP Link - \tUp\n");
	ctl(fx, &r, "status", "--wait-link", "1", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "link: up\n  NTB device 0000:08:00.0"), "%s", r.out);
	ck_assert(has(r.out, "1 of 1 transport queues up"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/*
 * Two NTB devices, the wrong one listed first, as the one-guest loopback of
 * the real-kernel tier has them: the endpoint's vNTB device on its virtual
 * bus 02 (its queue up) beside ntb_hw_epf's on the card's vNTB function
 * 0000:08:00.0 (its queue down). Host status, its JSON and --wait-link
 * follow the card's.
 */
START_TEST(status_follows_the_card_ntb_device)
{
	struct fx *fx = host(NULL, NULL);
	struct fx_result r;

	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	ck_assert(fx_exists(fx, "sys/bus/ntb/devices/0000:08:00.0"));
	fx_write(fx, "/sys/kernel/debug/ntb_transport/0000:08:00.0/qp0/stats", "%s", "");
	fx_mkdir(fx, "sys/devices/pci0000:02/0000:02:00.0/0000:02:00.0");
	fx_symlink_rel(fx, "sys/devices/pci0000:02/0000:02:00.0/0000:02:00.0",
		       "sys/bus/ntb/devices/0000:02:00.0");
	fx_write(fx, "/sys/kernel/debug/ntb_transport/0000:02:00.0/qp0/stats",
		 "\nNTB QP stats:\n\nQP Link - \tUp\n");

	ctl(fx, &r, "status", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "link: down: 0 of 1 queues up\n  NTB device 0000:08:00.0 on "
				 "0000:08:00.0, 0 of 1 transport queues up"),
		      "%s", r.out);
	ck_assert_msg(!has(r.out, "0000:02:00.0"), "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "status", "--json", NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(has(r.out, "\"link\": {\n    \"up\": false,\n    \"summary\": \"down: 0 of 1 "
				 "queues up\",\n    \"ntb_device\": \"0000:08:00.0\",\n    "
				 "\"pci_device\": \"0000:08:00.0\""),
		      "%s", r.out);
	fx_result_free(&r);
	ctl(fx, &r, "status", "--wait-link", "1", NULL);
	ck_assert_msg(r.status == 1, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);

	fx_write(fx, "/sys/kernel/debug/ntb_transport/0000:08:00.0/qp0/stats",
		 "\nNTB QP stats:\n\nQP Link - \tUp\n");
	ctl(fx, &r, "status", "--wait-link", "1", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "link: up\n  NTB device 0000:08:00.0"), "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* Both ends' scratchpads disagree: status names the cause beside the down link, doctor too. */
START_TEST(status_names_scratchpad_mismatch)
{
	struct fx_vntb_bar vb;
	struct fx *fx = host_with(NULL, true, &vb);
	struct fx_result r;
	char *want;

	fx_write(fx, "dev/kmsg", "6,0,1000,-;Linux version 6.12.57-amd64\n");
	host_transport_writes(fx, vb.num_qps + 1, vb.mw_size[0]);
	ctl(fx, &r, "status", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "\n  cause transport-mismatch: both ends' transports announce "
				 "different values (ntb_transport, transport queues)\n"),
		      "%s", r.out);
	ck_assert_int_ge(
		asprintf(&want,
			 "    seen: queue pairs: host %u, endpoint %u: the link never comes "
			 "up; set the same [transport] max_num_clients on both ends",
			 vb.num_qps + 1, vb.num_qps),
		0);
	ck_assert_msg(has(r.out, want), "%s", r.out);
	free(want);
	ck_assert(strstr(r.out, "\nlink: ") < strstr(r.out, "cause transport-mismatch"));
	fx_result_free(&r);
	ctl(fx, &r, "status", "--json", NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert(has(r.out, "\"id\": \"transport-mismatch\""));
	ck_assert(strstr(r.out, "\"link\": {") < strstr(r.out, "\"id\": \"transport-mismatch\""));
	fx_result_free(&r);

	/* doctor on its own reads them too. */
	ctl(fx, &r, "doctor", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "● transport-mismatch: both ends' transports announce "
				 "different values (ntb_transport, transport queues)\n"),
		      "%s", r.out);
	fx_result_free(&r);

	/* Agreeing again: that cause is gone (the unbound functions stay). */
	host_transport_writes(fx, vb.num_qps, vb.mw_size[0]);
	ctl(fx, &r, "status", NULL, NULL, NULL);
	ck_assert(has(r.out, "\n  cause dma-unbound: "));
	ck_assert(!has(r.out, "transport-mismatch"));
	fx_result_free(&r);
	ctl(fx, &r, "doctor", NULL, NULL, NULL);
	ck_assert(has(r.out, "● dma-unbound: "));
	ck_assert(!has(r.out, "transport-mismatch"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- 4: changed [transport] values on a loaded transport ---- */

#define EP_DMA_PARAMS "sys/module/ntb_transport_ep_dma/parameters/"

START_TEST(setup_writes_changed_transport_values)
{
	struct fx *fx = host(NULL, NULL);
	struct fx_result r;
	char *record;

	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	record = fx_read(fx, "run/epdma/host");
	write_config(fx, "\n[transport]\ntransport_mtu = 0x2000\nmax_num_clients = 1\n");
	ctl(fx, &r, "plan", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "  write 8192 to /sys/module/ntb_transport_ep_dma/parameters/"
				 "transport_mtu (was 65536)\n"
				 "  write 1 to /sys/module/ntb_transport_ep_dma/parameters/"
				 "max_num_clients (was 0)\n"),
		      "%s", r.out);
	ck_assert(!has(r.out, "remove module"));
	fx_result_free(&r);
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	ck_assert(fx_file_has(fx, EP_DMA_PARAMS "transport_mtu", "8192"));
	ck_assert(fx_file_has(fx, EP_DMA_PARAMS "max_num_clients", "1"));
	ck_assert(fx_file_has(fx, EP_DMA_PARAMS "dma_bdf", "0000:08:00.1"));
	/* The same module, the same record: only the BDF parameter is restored on teardown. */
	ck_assert(fx_file_has(fx, "run/epdma/host", record));
	free(record);
	ctl(fx, &r, "setup", "--json", NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_int_eq(fx_json_array_len(r.out, "operations"), 0);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A transport whose changed value is read-only: refused, then reloaded with --force. */
START_TEST(read_only_transport_value_needs_force)
{
	static const char *const parms[] = { "dma_bdf:charp:0644:", "max_mw_size:ulong:0644:0",
					     "transport_mtu:uint:0444:65536",
					     "max_num_clients:byte:0644:0", NULL };
	struct fx *fx = host("\n[transport]\nmodule = ntb_transport_ro\n", NULL);
	struct fx_result r;
	char *log;

	fx_module_parm(fx, "drivers/ntb", "ntb_transport_ro", NULL, "ntb", parms);
	fx_depmod(fx);
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	write_config(fx, "\n[transport]\nmodule = ntb_transport_ro\ntransport_mtu = 0x2000\n");
	ctl(fx, &r, "setup", NULL, NULL, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "ntb_transport_ro: is loaded with transport_mtu=65536 (config "
				 "8192), read-only: only removing and inserting it again gives it "
				 "the config's values"),
		      "%s", r.err);
	fx_result_free(&r);
	ck_assert(fx_file_has(fx, "sys/module/ntb_transport_ro/parameters/transport_mtu", "65536"));
	ctl(fx, &r, "setup", "--force", NULL, NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	ck_assert(fx_file_has(fx, "sys/module/ntb_transport_ro/parameters/transport_mtu", "8192"));
	log = fx_oplog(fx);
	ck_assert_msg(has(log, "delete_module ntb_transport_ro = 0\n"), "%s", log);
	free(log);
	fx_free(fx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host-link");
	TCase *tc = tcase_create("host-link");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, setup_loads_clients_teardown_removes_them);
	tcase_add_test(tc, client_not_recorded_stays);
	tcase_add_test(tc, client_not_installed_is_a_warning);
	tcase_add_test(tc, discover_compares_both_ends);
	tcase_add_test(tc, status_shows_link_and_waits_for_it);
	tcase_add_test(tc, status_follows_the_card_ntb_device);
	tcase_add_test(tc, status_names_scratchpad_mismatch);
	tcase_add_test(tc, setup_writes_changed_transport_values);
	tcase_add_test(tc, read_only_transport_value_needs_force);
	suite_add_tcase(s, tc);
	return fx_run_suite(s);
}
