// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The link, both ends: setup loads the NTB transport with the shared
 * [transport] values and its clients after start (fake kernel modules with
 * parameters), writes what it can, reloads only with --force and never a
 * module in use; both ends' scratchpads compared.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fixture.h"
#include "transport.h"

#define TRANSPORT_KO "lib/modules/6.18.3-rcar-s4/kernel/drivers/ntb/ntb_transport_ep_dma.ko"

static const char base_conf[] = "[general]\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x10\n"
				"[dma]\nwr_chans = 2\nrd_chans = 1\nmsi_interrupts = 4\n";

static void write_conf(struct fx *fx, const char *transport)
{
	fx_write(fx, "etc/epdma.conf", "%s[transport]\n%s", base_conf, transport ? transport : "");
}

static void ctl(struct fx *fx, struct fx_result *r, const char *a, const char *b)
{
	const char *argv[] = { "epdmactl", "--root", fx->root, a, b, NULL };

	fx_run(fx, r, argv);
}

static struct fx *endpoint(bool modules)
{
	struct fx *fx = fx_new();

	fx_rcar_s4(fx);
	if (modules)
		fx_host_modules(fx, true);
	return fx;
}

START_TEST(setup_loads_transport_and_clients)
{
	struct fx *fx = endpoint(true);
	struct fx_result r;
	char *log, *conf, *v;

	write_conf(fx, "max_mw_size = 1M\ntransport_mtu = 0x2000\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "  ok   ntb device: 0000:10:00.0\n"), "%s", r.out);
	ck_assert(has(r.out, "  ok   transport module: ntb_transport_ep_dma loaded with "
			     "max_num_clients=0 max_mw_size=1048576 transport_mtu=8192\n"));
	ck_assert(has(r.out, "  ok   transport client: ntb_netdev loaded\n"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	/* After start, with the shared values and never the host's BDF parameter. */
	ck_assert_msg(has(log, "finit_module " TRANSPORT_KO " max_num_clients=0 "
			       "max_mw_size=1048576 transport_mtu=8192 = 0\n"),
		      "%s", log);
	ck_assert(strstr(log, "controllers/e65d0000.pcie-ep/start") <
		  strstr(log, "finit_module " TRANSPORT_KO));
	ck_assert(!has(log, "dma_bdf"));
	ck_assert(has(log, "ntb_netdev.ko = 0\n"));
	free(log);
	v = fx_read(fx, "sys/module/ntb_transport_ep_dma/parameters/transport_mtu");
	ck_assert_str_eq(v, "8192\n");
	free(v);
	conf = fx_read(fx, "run/modprobe.d/epdma.conf");
	ck_assert_msg(has(conf, "\noptions ntb_transport_ep_dma max_num_clients=0 "
				"max_mw_size=1048576 transport_mtu=8192\n"),
		      "%s", conf);
	free(conf);
	fx_free(fx);
}
END_TEST

/* A converged run leaves the modprobe.d snippet alone: same file, no temporary. */
START_TEST(converged_run_keeps_the_modprobe_snippet)
{
	struct fx *fx = endpoint(true);
	struct fx_result r;
	char path[4096], tmp[4200], kmsg[4096];
	char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct stat before, after;
	int w;

	write_conf(fx, "transport_mtu = 0x2000\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	snprintf(path, sizeof(path), "%s/run/modprobe.d/epdma.conf", fx->root);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ck_assert_int_eq(stat(path, &before), 0);
	/* Nor is the kernel log opened: it is read only for the causes of a change. */
	snprintf(kmsg, sizeof(kmsg), "%s/dev/kmsg", fx->root);
	w = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ck_assert_int_ge(w, 0);
	ck_assert_int_ge(inotify_add_watch(w, kmsg, IN_OPEN), 0);
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_msg(after.st_ino == before.st_ino, "the snippet was replaced");
	ck_assert_int_eq(access(tmp, F_OK), -1);
	ck_assert_msg(read(w, ev, sizeof(ev)) < 0, "the converged run opened /dev/kmsg");
	/* Another value: written again, into the loaded transport too, the log opened first. */
	write_conf(fx, "transport_mtu = 0x4000\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	ck_assert_msg(read(w, ev, sizeof(ev)) > 0, "the transport changed without /dev/kmsg");
	close(w);
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_msg(after.st_ino != before.st_ino, "the snippet was not rewritten");
	ck_assert(fx_file_has(fx, "run/modprobe.d/epdma.conf", "transport_mtu=16384\n"));
	fx_free(fx);
}
END_TEST

START_TEST(loaded_with_other_values_writes_them)
{
	struct fx *fx = endpoint(true);
	struct fx_result r;
	char *v, *log;

	write_conf(fx, NULL);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	write_conf(fx, "transport_mtu = 0x2000\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "  ok   transport parameter: ntb_transport_ep_dma transport_mtu: "
				 "65536 -> 8192\n"),
		      "%s", r.out);
	fx_result_free(&r);
	v = fx_read(fx, "sys/module/ntb_transport_ep_dma/parameters/transport_mtu");
	ck_assert_str_eq(v, "8192\n");
	free(v);
	log = fx_oplog(fx);
	ck_assert_int_eq(has(log, "delete_module"), 0);
	free(log);
	fx_free(fx);
}
END_TEST

/* A transport whose parameter is read-only (0444). */
static struct fx *endpoint_ro(void)
{
	static const char *const parms[] = { "max_mw_size:ulong:0644:0",
					     "transport_mtu:uint:0444:65536",
					     "max_num_clients:byte:0644:0", NULL };
	struct fx *fx = endpoint(true);

	fx_module_parm(fx, "drivers/ntb", "ntb_transport_ro", NULL, "ntb", parms);
	fx_depmod(fx);
	return fx;
}

START_TEST(read_only_parameter_needs_force)
{
	struct fx *fx = endpoint_ro();
	struct fx_result r;
	char *log, *v;

	write_conf(fx, "module = ntb_transport_ro\nclients =\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(!has(r.out, "transport client"));
	fx_result_free(&r);
	write_conf(fx, "module = ntb_transport_ro\nclients =\ntransport_mtu = 0x2000\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: ntb_transport_ro: loaded with transport_mtu=65536 "
				 "(config 8192, Permission denied): read-only parameters, only a "
				 "reload changes them; --force reloads it when nothing uses it\n"),
		      "%s", r.err);
	ck_assert(has(r.err, "the graph is set up and started; the transport is not\n"));
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert(!has(log, "delete_module"));
	free(log);

	ctl(fx, &r, "setup", "--force");
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(has(log, "delete_module ntb_transport_ro = 0\n"), "%s", log);
	ck_assert(strstr(log, "delete_module ntb_transport_ro") <
		  strstr(log, "max_mw_size=0 transport_mtu=8192 = 0\n"));
	free(log);
	v = fx_read(fx, "sys/module/ntb_transport_ro/parameters/transport_mtu");
	ck_assert_str_eq(v, "8192\n");
	free(v);
	fx_free(fx);
}
END_TEST

START_TEST(force_never_reloads_a_module_in_use)
{
	struct fx *fx = endpoint_ro();
	struct fx_result r;
	char *log;

	fx_kernel_config(fx, "refcnt=ntb_transport_ro:1");
	write_conf(fx, "module = ntb_transport_ro\nclients =\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	write_conf(fx, "module = ntb_transport_ro\nclients =\ntransport_mtu = 0x2000\n");
	ctl(fx, &r, "setup", "--force");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, "epdmactl: ntb_transport_ro: is in use (refcnt 1, 0 holders): "
				 "not reloaded; stop what uses it first"),
		      "%s", r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert(!has(log, "delete_module"));
	free(log);
	fx_free(fx);
}
END_TEST

/*
 * Teardown takes the transport and its clients off the vNTB's NTB device
 * before it unlinks the function: on 6.12 the device outlives the unlink and
 * its memory is freed at rmdir (lib/transport.c), so a later removal would
 * detach through freed memory.
 */
START_TEST(teardown_removes_the_transport_first)
{
	struct fx *fx = endpoint(true);
	struct fx_result r;
	const char *netdev, *transport, *unlink;
	char *log;

	write_conf(fx, NULL);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	ctl(fx, &r, "teardown", "--force");
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "  ok   transport client: ntb_netdev removed\n"
				 "  ok   transport module: ntb_transport_ep_dma removed\n"),
		      "%s", r.out);
	fx_result_free(&r);
	ck_assert(!fx_exists(fx, "sys/module/ntb_netdev"));
	ck_assert(!fx_exists(fx, "sys/module/ntb_transport_ep_dma"));
	log = fx_oplog(fx);
	netdev = strstr(log, "delete_module ntb_netdev = 0\n");
	transport = strstr(log, "delete_module ntb_transport_ep_dma = 0\n");
	unlink = strstr(log, "unlink sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/vntb0");
	ck_assert_msg(netdev && transport && unlink && netdev < transport && transport < unlink,
		      "%s", log);
	free(log);
	fx_free(fx);
}
END_TEST

/* A client in use: the teardown is refused before it removes or unlinks anything. */
START_TEST(teardown_refuses_a_client_in_use)
{
	struct fx *fx = endpoint(true);
	struct fx_result r;
	size_t before;
	char *log;

	write_conf(fx, NULL);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	fx_write(fx, "sys/module/ntb_netdev/refcnt", "1\n");
	log = fx_oplog(fx);
	before = strlen(log);
	free(log);
	ctl(fx, &r, "teardown", "--force");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err,
			  "ntb_netdev: is in use (refcnt 1, 0 holders): teardown removes the "
			  "NTB transport and its clients before it unlinks the vNTB function"),
		      "%s", r.err);
	fx_result_free(&r);
	log = fx_oplog(fx);
	ck_assert_msg(!has(log + before, "delete_module") && !has(log + before, "unlink "), "%s",
		      log + before);
	free(log);
	ck_assert(fx_exists(fx, "sys/module/ntb_transport_ep_dma"));
	ck_assert(fx_exists(fx, "sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/vntb0"));
	fx_free(fx);
}
END_TEST

/*
 * A second vNTB bind in the same boot (another vbus_number and vntb_pid): the
 * first one's NTB device is still on /sys/bus/ntb in freed memory, and a
 * transport loaded now would probe it too: not loaded, the warning says why.
 */
START_TEST(stale_ntb_device_keeps_the_transport_out)
{
	struct fx *fx = endpoint(true);
	struct fx_result r;

	write_conf(fx, NULL);
	ctl(fx, &r, "setup", NULL);
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	ctl(fx, &r, "teardown", "--force");
	ck_assert_int_eq(r.status, 0);
	fx_result_free(&r);
	ck_assert(fx_exists(fx, "sys/bus/ntb/devices/0000:10:00.0"));
	fx_write(fx, "etc/epdma.conf",
		 "[general]\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x11\nvntb_pid = 0x0b0b\n"
		 "[dma]\nwr_chans = 2\nrd_chans = 1\nmsi_interrupts = 4\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out,
			  "  WARN ntb device: 0000:11:00.0, and 0000:10:00.0 left from an "
			  "earlier vNTB bind of this boot (the kernel keeps it in freed "
			  "memory): epdma does not load or change the transport, which binds "
			  "every NTB device\n"
			  "       hint: reboot before the transport is loaded\n"),
		      "%s", r.out);
	fx_result_free(&r);
	ck_assert(!fx_exists(fx, "sys/module/ntb_transport_ep_dma"));
	ck_assert(!fx_exists(fx, "sys/module/ntb_netdev"));
	fx_free(fx);
}
END_TEST

/* Another driver's NTB device in the same kernel (a host side's ntb_hw_epf) is live. */
START_TEST(other_drivers_ntb_device_is_not_stale)
{
	for (int bound = 1; bound >= 0; bound--) {
		struct fx *fx = endpoint(true);
		struct fx_result r;

		fx_mkdir(fx, "sys/devices/pci0001:01/0001:01:00.0/0001:01:00.0");
		if (bound) {
			fx_mkdir(fx, "sys/bus/pci/drivers/ntb_hw_epf");
			fx_symlink_rel(fx, "sys/bus/pci/drivers/ntb_hw_epf",
				       "sys/devices/pci0001:01/0001:01:00.0/driver");
		}
		fx_mkdir(fx, "sys/bus/ntb/devices");
		fx_symlink_rel(fx, "sys/devices/pci0001:01/0001:01:00.0/0001:01:00.0",
			       "sys/bus/ntb/devices/0001:01:00.0");
		write_conf(fx, NULL);
		ctl(fx, &r, "setup", NULL);
		ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
		if (bound) {
			ck_assert_msg(has(r.out, "  ok   ntb device: 0000:10:00.0\n"), "%s", r.out);
			ck_assert(fx_exists(fx, "sys/module/ntb_transport_ep_dma"));
		} else {
			/* Unbound, the same device may be a vNTB's leftover. */
			ck_assert_msg(has(r.out,
					  "  WARN ntb device: 0000:10:00.0, and 0001:01:00.0 "
					  "left from an earlier vNTB bind"),
				      "%s", r.out);
			ck_assert(!fx_exists(fx, "sys/module/ntb_transport_ep_dma"));
		}
		fx_result_free(&r);
		fx_free(fx);
	}
}
END_TEST

/* The kernel refuses a value at insert (params.c:203 logs it): setup names the cause. */
START_TEST(transport_step_failure_names_the_cause)
{
	static const char *const parms[] = { "max_mw_size:ulong:0644:0",
					     "transport_mtu:byte:0644:0",
					     "max_num_clients:byte:0644:0", NULL };
	struct fx *fx = endpoint(true);
	struct fx_result r;

	fx_module_parm(fx, "drivers/ntb", "ntb_transport_narrow", NULL, "ntb", parms);
	fx_depmod(fx);
	write_conf(fx, "module = ntb_transport_narrow\nclients =\ntransport_mtu = 0x2000\n");
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 1, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.err, "epdmactl: setup: known cause module-param-invalid: "), "%s",
		      r.err);
	fx_result_free(&r);
	ctl(fx, &r, "setup", "--json");
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "\"id\": \"module-param-invalid\""), "%s", r.out);
	ck_assert(has(r.out, "ntb_transport_narrow: `8192' invalid for parameter `transport_mtu'"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(transport_not_installed_is_a_warning)
{
	struct fx *fx = endpoint(false);
	struct fx_result r;

	write_conf(fx, NULL);
	ctl(fx, &r, "setup", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "  WARN transport module: ntb_transport_ep_dma is not installed "
				 "for this kernel: the NTB device has no transport\n"),
		      "%s", r.out);
	ck_assert_str_eq(r.err, "");
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* ---- config: [transport] clients ---- */

static int load(struct fx *fx, const char *transport, struct epdma_config **cfg,
		struct epdma_errors *errs)
{
	struct epdma_ctx *ctx;
	char *p;
	int r;

	write_conf(fx, transport);
	p = fx_path(fx, "etc/epdma.conf");
	ck_assert_int_eq(chmod(p, 0644), 0);
	free(p);
	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	r = epdma_config_load(ctx, NULL, cfg, errs);
	epdma_ctx_free(ctx);
	return r;
}

START_TEST(clients_key)
{
	struct fx *fx = fx_new();
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = NULL;

	ck_assert_int_eq(load(fx, NULL, &cfg, &errs), 0);
	ck_assert_str_eq(cfg->transport.clients, "ntb_netdev");
	epdma_config_free(cfg);
	ck_assert_int_eq(load(fx, "clients =\n", &cfg, &errs), 0);
	ck_assert_str_eq(cfg->transport.clients, "");
	epdma_config_free(cfg);
	ck_assert_int_eq(load(fx, "clients = ntb_netdev, ntb_tool\n", &cfg, &errs), 0);
	ck_assert_str_eq(cfg->transport.clients, "ntb_netdev, ntb_tool");
	epdma_config_free(cfg);
	cfg = NULL;
	ck_assert_int_eq(load(fx, "clients = ntb_netdev foo=1\n", &cfg, &errs), -EINVAL);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_msg(has(errs.items[0].message, "is not a list of module names"), "%s",
		      errs.items[0].message);
	epdma_errors_clear(&errs);
	fx_free(fx);
}
END_TEST

/* ---- both ends' scratchpads ---- */

static struct epdma_transport_spads spads(uint32_t qps, uint32_t mws, uint64_t mw1)
{
	return (struct epdma_transport_spads){ .state = EPDMA_TRANSPORT_WRITTEN,
					       .version = 4,
					       .qp_links = 0,
					       .num_qps = qps,
					       .num_mws = mws,
					       .mw_size = { mw1, mw1 } };
}

START_TEST(compare_equal_passes)
{
	struct epdma_transport_spads h = spads(1, 1, 0x100000), e = h;
	struct epdma_config cfg = { 0 };
	struct epdma_checks c = { 0 };

	cfg.transport.max_mw_size = 0x100000;
	ck_assert_int_eq(epdma_transport_compare(&h, &e, &cfg, &c), 0);
	ck_assert_uint_eq(c.count, 1);
	ck_assert_int_eq(c.items[0].result, EPDMA_CHECK_PASS);
	ck_assert_str_eq(c.items[0].message,
			 "version 4, 1 queue, 1 MW on both ends (max_mw_size 1048576)");
	epdma_checks_clear(&c);
}
END_TEST

START_TEST(compare_names_each_mismatch)
{
	struct epdma_transport_spads h = spads(2, 2, 0x200000), e = spads(1, 1, 0x100000);
	struct epdma_config cfg = { 0 };
	struct epdma_checks c = { 0 };

	e.version = 3;
	ck_assert_int_eq(epdma_transport_compare(&h, &e, &cfg, &c), 4);
	ck_assert_str_eq(c.items[0].name, "transport version");
	ck_assert_str_eq(c.items[0].message, "ntb_transport protocol version: host 4, endpoint 3: "
					     "the link never comes up");
	ck_assert_str_eq(c.items[1].name, "transport queues");
	ck_assert_str_eq(c.items[1].message,
			 "queue pairs: host 2, endpoint 1: the link never comes up");
	ck_assert(has(c.items[1].hint, "[transport] max_num_clients"));
	ck_assert_str_eq(c.items[2].name, "transport MWs");
	ck_assert(has(c.items[2].hint, "[vntb] num_mws"));
	ck_assert_str_eq(c.items[3].name, "transport MW1 size");
	ck_assert_str_eq(c.items[3].message,
			 "MW1 size: host 0x200000, endpoint 0x100000: the link never comes up");
	ck_assert(has(c.items[3].hint, "[transport] max_mw_size"));
	for (size_t i = 0; i < c.count; i++)
		ck_assert_int_eq(c.items[i].result, EPDMA_CHECK_FAIL);
	epdma_checks_clear(&c);
}
END_TEST

START_TEST(compare_skips_an_end_not_written)
{
	struct epdma_transport_spads h = spads(1, 1, 0x100000), e = h;
	struct epdma_config cfg = { 0 };
	struct epdma_checks c = { 0 };

	e.state = EPDMA_TRANSPORT_PARTIAL;
	ck_assert_int_eq(epdma_transport_compare(&h, &e, &cfg, &c), 0);
	ck_assert_int_eq(c.items[0].result, EPDMA_CHECK_SKIP);
	ck_assert_str_eq(c.items[0].message,
			 "the endpoint's transport has not written its scratchpads (yet)");
	epdma_checks_clear(&c);
}
END_TEST

/* From BAR images: what the decoder reads from both halves feeds the comparison. */
START_TEST(compare_from_bar_halves)
{
	struct fx_vntb_bar b = { .num_mws = 1,
				 .spad_count = 64,
				 .db_count = 4,
				 .transport = true,
				 .version = 4,
				 .num_qps = 1,
				 .spad_num_mws = 1,
				 .mw_size = { 0x100000 } };
	struct epdma_transport_spads ep, host;
	struct epdma_vntb_ctrl ctrl;
	struct epdma_config cfg = { 0 };
	struct epdma_checks c = { 0 };
	size_t len;
	uint8_t *img = fx_vntb_bar_image(&b, &len);

	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &ctrl, NULL), EPDMA_BAR_OK);
	ck_assert_int_eq(epdma_transport_spads_decode(img, len, &ctrl, EPDMA_SPAD_HOST, &ep, NULL),
			 EPDMA_BAR_OK);
	ck_assert_int_eq(
		epdma_transport_spads_decode(img, len, &ctrl, EPDMA_SPAD_ENDPOINT, &host, NULL),
		EPDMA_BAR_OK);
	/* The host's transport has not written yet: the endpoint's half is blank. */
	ck_assert_int_eq(epdma_transport_compare(&host, &ep, &cfg, &c), 0);
	ck_assert_int_eq(c.items[0].result, EPDMA_CHECK_SKIP);
	ck_assert(has(c.items[0].message, "host's transport"));
	epdma_checks_clear(&c);
	host = ep;
	host.mw_size[0] = 0x200000;
	ck_assert_int_eq(epdma_transport_compare(&host, &ep, &cfg, &c), 1);
	ck_assert_str_eq(c.items[0].name, "transport MW1 size");
	epdma_checks_clear(&c);
	free(img);
}
END_TEST

/* ---- link state ---- */

/*
 * An NTB device as ntb_register_device() makes it: NAME, a child of the PCI
 * device directory PCIDEV (below the root), on /sys/bus/ntb; its client
 * interface IFNAME; with DEBUGFS the transport's two queues, qp1 up and qp0
 * up when UP.
 */
static void ntb_device_at(struct fx *fx, const char *pcidev, const char *name, const char *ifname,
			  bool debugfs, bool up)
{
	char dev[256], p[512];

	snprintf(dev, sizeof(dev), "%s/%s", pcidev, name);
	snprintf(p, sizeof(p), "%s/ntb_netdev0/net/%s", dev, ifname);
	fx_mkdir(fx, p);
	fx_mkdir(fx, "sys/bus/ntb/devices");
	snprintf(p, sizeof(p), "sys/bus/ntb/devices/%s", name);
	fx_symlink_rel(fx, dev, p);
	if (!debugfs)
		return;
	/* ntb_transport.c:546 (v6.12): "QP Link - \tUp"; a queue that is down has an
	 * empty file (:475 returns before printing), as the real-kernel tier saw. */
	snprintf(p, sizeof(p), "sys/kernel/debug/ntb_transport/%s/qp0/stats", name);
	fx_write(fx, p, "%s", up ? "\nNTB QP stats:\n\nrx_bytes - \t0\nQP Link - \tUp\n" : "");
	snprintf(p, sizeof(p), "sys/kernel/debug/ntb_transport/%s/qp1/stats", name);
	fx_write(fx, p, "\nNTB QP stats:\n\nQP Link - \tUp\n");
}

/* The vNTB's NTB device on virtual bus 0x10 (base_conf's vbus_number). */
static struct fx *link_tree(bool debugfs, bool up)
{
	struct fx *fx = fx_new();

	ntb_device_at(fx, "sys/devices/pci0000:10/0000:10:00.0", "0000:10:00.0", "epdmatest0",
		      debugfs, up);
	return fx;
}

START_TEST(link_state_from_sysfs_and_debugfs)
{
	struct fx *fx = link_tree(true, true);
	struct epdma_link_want want = EPDMA_LINK_WANT_BUS(0x10);
	struct epdma_link_state st;
	struct epdma_ctx *ctx;
	char buf[64];

	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	ck_assert_int_eq(epdma_link_read(ctx, &want, &st), 0);
	ck_assert(st.ntb_present);
	ck_assert_str_eq(st.ntb_device, "0000:10:00.0");
	ck_assert_str_eq(st.pci_device, "0000:10:00.0");
	ck_assert(st.debugfs);
	ck_assert_uint_eq(st.nqps, 2);
	ck_assert_uint_eq(st.qps_up, 2);
	/* Found through sysfs; the machine has no such interface: rtnetlink says so. */
	ck_assert_str_eq(st.netdev, "epdmatest0");
	ck_assert(!st.nl_known);
	ck_assert_int_ne(st.nl_error, 0);
	ck_assert_str_eq(epdma_link_summary(&st, buf, sizeof(buf)), "up");
	epdma_ctx_free(ctx);
	fx_free(fx);

	fx = link_tree(true, false);
	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	ck_assert_int_eq(epdma_link_read(ctx, &want, &st), 0);
	ck_assert_str_eq(epdma_link_summary(&st, buf, sizeof(buf)), "down: 1 of 2 queues up");
	epdma_ctx_free(ctx);
	fx_free(fx);

	fx = link_tree(false, false);
	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	ck_assert_int_eq(epdma_link_read(ctx, &want, &st), 0);
	ck_assert_str_eq(epdma_link_summary(&st, buf, sizeof(buf)), "unknown: debugfs not mounted");
	epdma_ctx_free(ctx);
	fx_free(fx);

	fx = fx_new();
	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	ck_assert_int_eq(epdma_link_read(ctx, &want, &st), 0);
	ck_assert_str_eq(epdma_link_summary(&st, buf, sizeof(buf)), "down: no NTB device");
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/*
 * Three NTB devices, as a loopback kernel with a kept one has them: one left
 * on virtual bus 0x0f by an earlier vNTB bind, listed first; the vNTB's on
 * its bus 0x30; ntb_hw_epf's on the host's vNTB function 0001:01:00.0. Each
 * role's want finds its own, never the first listed.
 */
START_TEST(link_picks_the_wanted_ntb_device)
{
	struct fx *fx = fx_new();
	struct epdma_link_want ep = EPDMA_LINK_WANT_BUS(0x30);
	struct epdma_link_want host = EPDMA_LINK_WANT_DEVICE("0001:01:00.0");
	struct epdma_link_want none_bus = EPDMA_LINK_WANT_BUS(0x31);
	struct epdma_link_want none_dev = EPDMA_LINK_WANT_DEVICE("0000:30:00.1");
	struct epdma_link_want no_card = EPDMA_LINK_WANT_DEVICE("");
	struct epdma_link_state st;
	struct epdma_ctx *ctx;
	char buf[64];

	ntb_device_at(fx, "sys/devices/pci0000:0f/0000:0f:00.0", "0000:0f:00.0", "epdmastale0",
		      true, true);
	ntb_device_at(fx, "sys/devices/pci0000:30/0000:30:00.0", "0000:30:00.0", "epdmaep0", true,
		      false);
	ntb_device_at(fx, "sys/devices/pci0001:01/0001:01:00.0", "0001:01:00.0", "epdmahost0",
		      false, false);
	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);

	ck_assert_int_eq(epdma_link_read(ctx, &ep, &st), 0);
	ck_assert(st.ntb_present);
	ck_assert_str_eq(st.ntb_device, "0000:30:00.0");
	ck_assert_str_eq(st.pci_device, "0000:30:00.0");
	ck_assert_str_eq(st.netdev, "epdmaep0");
	ck_assert_str_eq(epdma_link_summary(&st, buf, sizeof(buf)), "down: 1 of 2 queues up");

	ck_assert_int_eq(epdma_link_read(ctx, &host, &st), 0);
	ck_assert(st.ntb_present);
	ck_assert_str_eq(st.ntb_device, "0001:01:00.0");
	ck_assert_str_eq(st.pci_device, "0001:01:00.0");
	ck_assert_str_eq(st.netdev, "epdmahost0");
	/* debugfs is there (the other devices' transports): no transport on this one. */
	ck_assert(st.debugfs);
	ck_assert_str_eq(epdma_link_summary(&st, buf, sizeof(buf)), "down: no transport queue");

	/* Nothing on the wanted bus or device: no NTB device, not another one. */
	ck_assert_int_eq(epdma_link_read(ctx, &none_bus, &st), 0);
	ck_assert(!st.ntb_present);
	ck_assert_str_eq(st.ntb_device, "");
	ck_assert_str_eq(epdma_link_summary(&st, buf, sizeof(buf)), "down: no NTB device");
	ck_assert_int_eq(epdma_link_read(ctx, &none_dev, &st), 0);
	ck_assert(!st.ntb_present);
	ck_assert_int_eq(epdma_link_read(ctx, &no_card, &st), 0);
	ck_assert(!st.ntb_present);

	/* No want: the first listed. */
	ck_assert_int_eq(epdma_link_read(ctx, NULL, &st), 0);
	ck_assert_str_eq(st.ntb_device, "0000:0f:00.0");
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/*
 * rtnetlink in a private network namespace (this forked test only): a dummy
 * interface stands in for the NTB netdev when the kernel can make one, else
 * the namespace's own loopback.
 */
START_TEST(netdev_state_through_rtnetlink)
{
	struct epdma_link_state st = { 0 };
	struct epdma_ctx *ctx;
	const char *ifname = "epdmatest0";

	ck_assert_msg(unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0,
		      "no private network namespace here: %s", strerror(errno));
	if (system("ip link add epdmatest0 mtu 9000 type dummy 2>/dev/null && "
		   "ip link set epdmatest0 up") != 0)
		ifname = "lo";
	ck_assert_int_eq(epdma_ctx_new(&ctx, "/"), 0);
	ck_assert_int_eq(epdma_link_netdev(ctx, ifname, &st), 0);
	ck_assert(st.nl_known);
	if (!strcmp(ifname, "lo")) {
		ck_assert_uint_eq(st.mtu, 65536);
		ck_assert_str_eq(st.operstate, "down");
	} else {
		ck_assert_uint_eq(st.mtu, 9000);
		ck_assert_str_eq(st.operstate, "unknown"); /* dummy has no operstate of its own */
		ck_assert(st.carrier);
	}
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(epdma_link_netdev(ctx, "nosuch0", &st), -ENODEV);
	ck_assert_int_eq(st.nl_error, -ENODEV);
	epdma_ctx_free(ctx);
}
END_TEST

/*
 * An interface that is down has no carrier, whatever IFLA_CARRIER says: the
 * kernel reports it on for a device never opened (ntb_netdev's interface
 * before `ip link set up`; lo in a new namespace), which status showed as a
 * carrier on a link without a peer.
 */
START_TEST(no_carrier_while_down)
{
	struct epdma_link_state st = { 0 };
	struct epdma_ctx *ctx;

	ck_assert_msg(unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0,
		      "no private network namespace here: %s", strerror(errno));
	ck_assert_int_eq(epdma_ctx_new(&ctx, "/"), 0);
	ck_assert_int_eq(epdma_link_netdev(ctx, "lo", &st), 0);
	ck_assert(st.nl_known);
	ck_assert_str_eq(st.operstate, "down");
	ck_assert_msg(!st.carrier, "a down interface reported with a carrier");
	epdma_ctx_free(ctx);
}
END_TEST

/* ---- the interface's addresses (a private network namespace, a veth end) ---- */

static bool addr_listed(const struct epdma_link_state *st, int family, const char *addr,
			unsigned int prefixlen)
{
	for (size_t i = 0; i < st->naddrs; i++)
		if (st->addrs[i].family == family && !strcmp(st->addrs[i].address, addr) &&
		    st->addrs[i].prefixlen == prefixlen)
			return true;
	return false;
}

START_TEST(netdev_addresses_through_rtnetlink)
{
	struct epdma_link_state st = { 0 };
	struct epdma_ctx *ctx;

	ck_assert_int_eq(fx_netns_enter(), 0);
	fx_netdev_add("epdmatest0");
	/* Another interface's address is not the client's. */
	fx_ip("addr add 198.51.100.1/24 dev epdmatest0p");
	ck_assert_int_eq(epdma_ctx_new(&ctx, "/"), 0);

	/* None: read, and empty. */
	ck_assert_int_eq(epdma_link_netdev(ctx, "epdmatest0", &st), 0);
	ck_assert(st.addrs_known);
	ck_assert_int_eq(st.addrs_error, 0);
	ck_assert_uint_eq(st.naddrs, 0);

	/* One IPv4 address, with its prefix length. */
	fx_ip("addr add 192.0.2.7/24 dev epdmatest0");
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(epdma_link_netdev(ctx, "epdmatest0", &st), 0);
	ck_assert(st.addrs_known);
	ck_assert_uint_eq(st.naddrs, 1);
	ck_assert_int_eq(st.addrs[0].family, AF_INET);
	ck_assert_str_eq(st.addrs[0].address, "192.0.2.7");
	ck_assert_uint_eq(st.addrs[0].prefixlen, 24);

	/* IPv4 and IPv6: an IPv6 address needs the interface up (nodad: usable at once). */
	fx_ip("link set epdmatest0 up");
	fx_ip("-6 addr add 2001:db8::7/64 dev epdmatest0 nodad");
	fx_ip("addr add 10.1.2.3/8 dev epdmatest0");
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(epdma_link_netdev(ctx, "epdmatest0", &st), 0);
	ck_assert_uint_eq(st.naddrs, 3);
	ck_assert(addr_listed(&st, AF_INET, "192.0.2.7", 24));
	ck_assert(addr_listed(&st, AF_INET, "10.1.2.3", 8));
	ck_assert(addr_listed(&st, AF_INET6, "2001:db8::7", 64));
	ck_assert(!addr_listed(&st, AF_INET, "198.51.100.1", 24));
	ck_assert_uint_eq(st.addrs_lost, 0);
	epdma_ctx_free(ctx);
}
END_TEST

/*
 * A fixture of ROLE whose NTB device carries the client interface epdmatest0,
 * a queue down: the endpoint's on its virtual bus, the host's (ntb_hw_epf's)
 * on the vNTB function of the card.
 */
static struct fx *netdev_status_tree(const char *role)
{
	struct fx *fx;

	if (!strcmp(role, "host")) {
		struct epdma_errors errs = { 0 };
		struct epdma_config *cfg = NULL;
		struct epdma_ctx *ctx = NULL;

		fx = fx_new();
		fx_x86_host(fx);
		fx_write(fx, "etc/epdma.conf", "[general]\nrole = host\n");
		ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
		ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), 0);
		fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg });
		epdma_config_free(cfg);
		epdma_ctx_free(ctx);
		fx_host_ntb_device(fx, "0000:08:00.0");
		fx_mkdir(fx, "sys/bus/ntb/devices/0000:08:00.0/ntb_netdev0/net/epdmatest0");
		fx_write(fx, "sys/kernel/debug/ntb_transport/0000:08:00.0/qp0/stats", "%s", "");
	} else {
		fx = link_tree(true, false);
		fx_rcar_s4(fx);
		write_conf(fx, NULL);
	}
	return fx;
}

/* The "interface" object of status --json (ROOT keeps it; the caller puts it). */
static json_object *status_interface(struct fx *fx, json_object **root)
{
	struct fx_result r;
	json_object *link, *nif;

	ctl(fx, &r, "status", "--json");
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	*root = json_tokener_parse(r.out);
	ck_assert_msg(*root != NULL, "%s", r.out);
	ck_assert(json_object_object_get_ex(*root, "link", &link));
	ck_assert(json_object_object_get_ex(link, "interface", &nif));
	ck_assert_msg(json_object_is_type(nif, json_type_object), "%s", r.out);
	fx_result_free(&r);
	return nif;
}

static void assert_json_addr(json_object *addrs, size_t i, const char *family, const char *addr,
			     int prefixlen)
{
	json_object *a = json_object_array_get_idx(addrs, i), *v;

	ck_assert_ptr_nonnull(a);
	ck_assert(json_object_object_get_ex(a, "family", &v));
	ck_assert_str_eq(json_object_get_string(v), family);
	ck_assert(json_object_object_get_ex(a, "address", &v));
	ck_assert_str_eq(json_object_get_string(v), addr);
	ck_assert(json_object_object_get_ex(a, "prefixlen", &v));
	ck_assert_int_eq(json_object_get_int(v), prefixlen);
}

/* status, both roles: none, one IPv4, IPv4 + IPv6, in text and JSON. */
START_TEST(status_lists_addresses)
{
	static const char *const roles[] = { "endpoint", "host" };

	ck_assert_int_eq(fx_netns_enter(), 0);
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
		struct fx *fx = netdev_status_tree(roles[i]);
		json_object *root, *nif, *addrs, *v;
		struct fx_result r;

		fx_netdev_add("epdmatest0");
		ctl(fx, &r, "status", NULL);
		ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
		ck_assert_msg(has(r.out, "  interface epdmatest0: down, no carrier, mtu 1500, rx 0 "
					 "bytes, tx 0 bytes\n    no address\n"),
			      "%s: %s", roles[i], r.out);
		fx_result_free(&r);
		nif = status_interface(fx, &root);
		ck_assert(json_object_object_get_ex(nif, "addresses", &addrs));
		ck_assert(json_object_is_type(addrs, json_type_array));
		ck_assert_uint_eq(json_object_array_length(addrs), 0);
		ck_assert(json_object_object_get_ex(nif, "addresses_error", &v));
		ck_assert(json_object_is_type(v, json_type_null));
		json_object_put(root);

		fx_ip("addr add 192.0.2.7/24 dev epdmatest0");
		ctl(fx, &r, "status", NULL);
		ck_assert_msg(has(r.out, "bytes\n    inet 192.0.2.7/24\n"), "%s: %s", roles[i],
			      r.out);
		ck_assert(!has(r.out, "no address"));
		fx_result_free(&r);

		fx_ip("link set epdmatest0 up");
		fx_ip("-6 addr add 2001:db8::7/64 dev epdmatest0 nodad");
		ctl(fx, &r, "status", NULL);
		ck_assert_msg(
			has(r.out, "bytes\n    inet 192.0.2.7/24\n    inet6 2001:db8::7/64\n"),
			"%s: %s", roles[i], r.out);
		fx_result_free(&r);
		nif = status_interface(fx, &root);
		ck_assert(json_object_object_get_ex(nif, "addresses", &addrs));
		ck_assert_uint_eq(json_object_array_length(addrs), 2);
		assert_json_addr(addrs, 0, "inet", "192.0.2.7", 24);
		assert_json_addr(addrs, 1, "inet6", "2001:db8::7", 64);
		ck_assert(json_object_object_get_ex(nif, "addresses_lost", &v));
		ck_assert_int_eq(json_object_get_int(v), 0);
		json_object_put(root);
		fx_ip("link del epdmatest0");
		fx_free(fx);
	}
}
END_TEST

/*
 * Endpoint status with two NTB devices, the wrong one listed first: one an
 * earlier vNTB bind on bus 0x0f left, its queues up. Status, its JSON and
 * --wait-link follow the vNTB's device on the configured bus 0x10 (down).
 */
START_TEST(endpoint_status_follows_the_vntb_bus)
{
	struct fx *fx = netdev_status_tree("endpoint");
	json_object *root, *link, *v;
	struct fx_result r;

	ntb_device_at(fx, "sys/devices/pci0000:0f/0000:0f:00.0", "0000:0f:00.0", "epdmastale0",
		      true, true);
	ctl(fx, &r, "status", NULL);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "link: down: 1 of 2 queues up\n"), "%s", r.out);
	ck_assert_msg(has(r.out, "NTB device 0000:10:00.0 on 0000:10:00.0, 1 of 2 transport "
				 "queues up"),
		      "%s", r.out);
	ck_assert_msg(has(r.out, "interface epdmatest0"), "%s", r.out);
	ck_assert_msg(!has(r.out, "0000:0f:00.0") && !has(r.out, "epdmastale0"), "%s", r.out);
	fx_result_free(&r);

	ctl(fx, &r, "status", "--json");
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	root = json_tokener_parse(r.out);
	ck_assert_msg(root != NULL, "%s", r.out);
	ck_assert(json_object_object_get_ex(root, "link", &link));
	ck_assert(json_object_object_get_ex(link, "ntb_device", &v));
	ck_assert_str_eq(json_object_get_string(v), "0000:10:00.0");
	ck_assert(json_object_object_get_ex(link, "pci_device", &v));
	ck_assert_str_eq(json_object_get_string(v), "0000:10:00.0");
	ck_assert(json_object_object_get_ex(link, "queues_up", &v));
	ck_assert_int_eq(json_object_get_int(v), 1);
	ck_assert(json_object_object_get_ex(link, "up", &v));
	ck_assert(!json_object_get_boolean(v));
	json_object_put(root);
	fx_result_free(&r);

	/* The stale device's queues are up, the vNTB's are not: no link. */
	ctl(fx, &r, "status", "--wait-link=1");
	ck_assert_msg(r.status == 1, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_result_free(&r);

	/* Its queue comes up: now the link is. */
	fx_write(fx, "sys/kernel/debug/ntb_transport/0000:10:00.0/qp0/stats",
		 "\nNTB QP stats:\n\nQP Link - \tUp\n");
	ctl(fx, &r, "status", "--wait-link=1");
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert_msg(has(r.out, "link: up\n"), "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A failed address dump is said, never shown as "no address"; the link's state stays. */
START_TEST(status_address_failure_said)
{
	static const char *const roles[] = { "endpoint", "host" };

	ck_assert_int_eq(fx_netns_enter(), 0);
	fx_netdev_add("epdmatest0");
	fx_ip("addr add 192.0.2.7/24 dev epdmatest0");
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++) {
		struct fx *fx = netdev_status_tree(roles[i]);
		json_object *root, *nif, *v;
		struct fx_result r;
		char *log;

		fx_kernel_config(fx, "fail=rtm_getaddr:1:EACCES");
		fx_kernel_config(fx, "fail=rtm_getaddr:2:EACCES");
		ctl(fx, &r, "status", NULL);
		ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
		ck_assert_msg(has(r.out, "  interface epdmatest0: down, no carrier, mtu 1500, rx 0 "
					 "bytes, tx 0 bytes\n    addresses unknown: Permission "
					 "denied\n"),
			      "%s: %s", roles[i], r.out);
		ck_assert(!has(r.out, "no address"));
		ck_assert(!has(r.out, "192.0.2.7"));
		fx_result_free(&r);
		nif = status_interface(fx, &root);
		ck_assert(json_object_object_get_ex(nif, "addresses", &v));
		ck_assert(json_object_is_type(v, json_type_null));
		ck_assert(json_object_object_get_ex(nif, "addresses_error", &v));
		ck_assert_str_eq(json_object_get_string(v), "Permission denied");
		ck_assert(json_object_object_get_ex(nif, "operstate", &v));
		ck_assert_str_eq(json_object_get_string(v), "down");
		json_object_put(root);
		log = fx_oplog(fx);
		ck_assert_msg(has(log, "rtm_getaddr dump = -EACCES\n"), "%s", log);
		free(log);
		/* The third dump is not refused: the address is back. */
		ctl(fx, &r, "status", NULL);
		ck_assert_msg(has(r.out, "    inet 192.0.2.7/24\n"), "%s", r.out);
		fx_result_free(&r);
		fx_free(fx);
	}
}
END_TEST

static Suite *link_suite(void)
{
	Suite *s = suite_create("link");
	TCase *tc = tcase_create("transport");

	tcase_add_test(tc, setup_loads_transport_and_clients);
	tcase_add_test(tc, loaded_with_other_values_writes_them);
	tcase_add_test(tc, converged_run_keeps_the_modprobe_snippet);
	tcase_add_test(tc, other_drivers_ntb_device_is_not_stale);
	tcase_add_test(tc, read_only_parameter_needs_force);
	tcase_add_test(tc, force_never_reloads_a_module_in_use);
	tcase_add_test(tc, transport_not_installed_is_a_warning);
	tcase_add_test(tc, transport_step_failure_names_the_cause);
	tcase_add_test(tc, teardown_removes_the_transport_first);
	tcase_add_test(tc, teardown_refuses_a_client_in_use);
	tcase_add_test(tc, stale_ntb_device_keeps_the_transport_out);
	tcase_add_test(tc, clients_key);
	tcase_add_test(tc, compare_equal_passes);
	tcase_add_test(tc, compare_names_each_mismatch);
	tcase_add_test(tc, compare_skips_an_end_not_written);
	tcase_add_test(tc, compare_from_bar_halves);
	tcase_add_test(tc, link_state_from_sysfs_and_debugfs);
	tcase_add_test(tc, link_picks_the_wanted_ntb_device);
	tcase_add_test(tc, endpoint_status_follows_the_vntb_bus);
	suite_add_tcase(s, tc);
	return s;
}

/* Whether this machine lets a process make a user + network namespace (a child tries). */
static bool netns_available(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

int main(void)
{
	Suite *s = link_suite();
	const char *why;

	if (netns_available()) {
		TCase *tc = tcase_create("rtnetlink");

		tcase_add_test(tc, netdev_state_through_rtnetlink);
		tcase_add_test(tc, no_carrier_while_down);
		suite_add_tcase(s, tc);
	} else {
		/* Check cannot mark one test skipped: say so, run the rest. */
		printf("SKIP rtnetlink:netdev_state_through_rtnetlink: no network namespace "
		       "here\n");
	}
	if (fx_netns_available(&why)) {
		TCase *tc = tcase_create("addresses");

		tcase_add_test(tc, netdev_addresses_through_rtnetlink);
		tcase_add_test(tc, status_lists_addresses);
		tcase_add_test(tc, status_address_failure_said);
		tcase_set_timeout(tc, 60);
		suite_add_tcase(s, tc);
	} else {
		printf("SKIP addresses: %s\n", why);
	}
	return fx_run_suite(s);
}
