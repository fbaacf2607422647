// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * End-to-end: an endpoint and a host, each on its own fake kernel, cabled by
 * tests/sim-link.c. Each test builds its own pair, drives `epdmactl` on both
 * ends and asserts the final state of both roots.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "sim-link.h"

#define HELPER TESTS_BINDIR "/epdma-sim"
#define VNTB   "0000:08:00.0"
#define DMAF   "0000:08:00.1"
#define START  "sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/start"

static char *fmt(const char *f, ...) _printf_(1, 2);
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, f);
	ck_assert_int_ge(vasprintf(&s, f, ap), 0);
	va_end(ap);
	return s;
}

struct pair {
	char *dir;
	struct fx *ep, *host;
};

static struct pair *pair_new(void)
{
	struct pair *p = calloc(1, sizeof(*p));

	ck_assert_ptr_nonnull(p);
	p->dir = sim_pair_new(HELPER);
	p->ep = sim_side(p->dir, "endpoint");
	p->host = sim_side(p->dir, "host");
	return p;
}

static void pair_free(struct pair *p)
{
	char *cmd = fmt("rm -rf '%s'", p->dir);

	fx_detach(p->ep);
	fx_detach(p->host);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(p->dir);
	free(p);
}

/* epdmactl ARGS... on SIDE; the result in R (freed by the caller). */
static void ctl(struct fx *side, struct fx_result *r, ...)
{
	const char *argv[16] = { "epdmactl", "--root", side->root };
	size_t n = 3;
	va_list ap;

	va_start(ap, r);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	fx_run(side, r, argv);
}

/* epdmactl ARGS... on SIDE must exit with STATUS. */
#define CTL(side_, want_, ...)                                                             \
	do {                                                                               \
		struct fx_result r_;                                                       \
		ctl(side_, &r_, __VA_ARGS__, NULL);                                        \
		ck_assert_msg(r_.status == (want_), "epdmactl %s: exit %d, want %d\n%s%s", \
			      #__VA_ARGS__, r_.status, want_, r_.out, r_.err);             \
		fx_result_free(&r_);                                                       \
	} while (0)

static bool file_is(struct fx *fx, const char *path, const char *want)
{
	char *v = fx_read(fx, path);
	bool r = v && !strcmp(v, want);

	free(v);
	return r;
}

static size_t count(struct fx *fx, const char *dir)
{
	char **names = fx_list(fx, dir);
	size_t n = 0;

	while (names[n])
		n++;
	fx_list_free(names);
	return n;
}

static bool log_has(struct fx *fx, const char *needle)
{
	char *log = fx_oplog(fx);
	bool r = has(log, needle);

	free(log);
	return r;
}

static bool kmsg_has(struct fx *fx, const char *needle)
{
	char *log = fx_read(fx, "dev/kmsg");
	bool r = has(log, needle);

	free(log);
	return r;
}

/* The endpoint runs the configured graph, started. */
static void assert_endpoint_up(struct pair *p)
{
	ck_assert(file_is(p->ep, START, "1\n"));
	ck_assert(fx_exists(p->ep, "sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/vntb0"));
	ck_assert(fx_exists(p->ep, "sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/dma0"));
}

/* The endpoint has nothing of epdma's: no function, controller stopped. */
static void assert_endpoint_clean(struct pair *p)
{
	ck_assert(file_is(p->ep, START, "0\n"));
	ck_assert_uint_eq(count(p->ep, "sys/kernel/config/pci_ep/functions/pci_epf_vntb"), 0);
	ck_assert_uint_eq(count(p->ep, "sys/kernel/config/pci_ep/functions/pci_epf_dma"), 0);
}

/* The host has the card bound: vNTB to ntb_hw_epf, DMA to dw-edma-pcie with
 * CHANS channels, the transport holding the DMA function's BDF. */
static void assert_host_bound(struct fx *host, const char *vntb, const char *dma, size_t chans)
{
	char *p = fmt("sys/bus/pci/devices/%s/driver", vntb);
	char *q = fmt("sys/bus/pci/devices/%s/driver", dma);
	char *c = fmt("sys/bus/pci/devices/%s/dma", dma);
	char *bdf = fmt("%s\n", dma);
	char target[256];
	char *abs = fx_path(host, p);
	ssize_t n = readlink(abs, target, sizeof(target) - 1);

	ck_assert_msg(n > 0, "%s is not bound", vntb);
	target[n] = '\0';
	ck_assert_msg(has(target, "/ntb_hw_epf"), "%s -> %s", p, target);
	free(abs);
	abs = fx_path(host, q);
	n = readlink(abs, target, sizeof(target) - 1);
	ck_assert_msg(n > 0, "%s is not bound", dma);
	target[n] = '\0';
	ck_assert_msg(has(target, "/dw-edma-pcie"), "%s -> %s", q, target);
	ck_assert_uint_eq(count(host, c), chans);
	ck_assert(file_is(host, "sys/module/ntb_transport_ep_dma/parameters/dma_bdf", bdf));
	free(abs);
	free(bdf);
	free(c);
	free(q);
	free(p);
}

static void assert_host_no_card(struct fx *host)
{
	ck_assert(!fx_exists(host, "sys/bus/pci/devices/" VNTB));
	ck_assert(!fx_exists(host, "sys/bus/pci/devices/" DMAF));
	ck_assert_uint_eq(count(host, "sys/class/dma"), 0);
	ck_assert(!fx_exists(host, "sys/bus/ntb/devices/" VNTB));
}

static void rescan(struct fx *host)
{
	const char *argv[] = { "sh", "-c", "echo 1 > root/sys/bus/pci/rescan", NULL };
	struct fx_result r;

	fx_run(host, &r, argv);
	ck_assert_msg(r.status == 0, "rescan: %s", r.err);
	fx_result_free(&r);
}

START_TEST(endpoint_first_then_host)
{
	struct pair *p = pair_new();
	struct fx_result r;

	CTL(p->ep, 0, "check");
	CTL(p->ep, 0, "setup");
	assert_endpoint_up(p);
	/* Started, but the host has not looked yet: nothing on its bus. */
	assert_host_no_card(p->host);
	rescan(p->host);
	ck_assert(kmsg_has(p->host, "pci " VNTB ": [1912:0030] type 00 class 0x050000"));
	ck_assert(kmsg_has(p->host, "pci " DMAF ": [1912:0032] type 00 class 0x080100"));
	/* The BARs hold what the endpoint's graph says. */
	ctl(p->host, &r, "discover", NULL);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	ck_assert_msg(has(r.out, "ok    pair topology"), "%s", r.out);
	ck_assert_msg(has(r.out, "ok    pair bar map             ctrl BAR0, doorbell BAR4, MW1 "
				 "BAR2 present, as ntb_hw_epf's R-Car map"),
		      "%s", r.out);
	ck_assert_msg(has(r.out, "ok    pair vntb control        num_mws 1, spad_count 64"), "%s",
		      r.out);
	ck_assert_msg(has(r.out, "ok    pair dma metadata        PEDM revision 1 in BAR0, 2 write "
				 "+ 2 read channels"),
		      "%s", r.out);
	fx_result_free(&r);
	CTL(p->host, 0, "setup");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	ck_assert(log_has(p->host, "probe " DMAF " dw-edma-pcie = 0"));
	ck_assert(log_has(p->ep, "write " START " 1 = 0"));
	/* Both converged: setup again writes nothing on either end. */
	CTL(p->ep, 0, "setup");
	CTL(p->host, 0, "setup");
	assert_endpoint_up(p);
	assert_host_bound(p->host, VNTB, DMAF, 4);
	pair_free(p);
}
END_TEST

START_TEST(host_first_then_endpoint)
{
	struct pair *p = pair_new();
	char *log;

	CTL(p->host, 0, "check");
	/* Nothing to find: setup rescans (per [host] rescan) and gives up. */
	CTL(p->host, 1, "setup");
	log = fx_oplog(p->host);
	ck_assert_msg(has(log, "write sys/bus/pci/rescan 1 = 0"), "%s", log);
	ck_assert_msg(!has(log, "probe") && !has(log, "driver_override"), "%s", log);
	free(log);
	assert_host_no_card(p->host);
	ck_assert(!fx_exists(p->host, "sys/module/ntb_transport_ep_dma"));
	/* A rescan while the endpoint is still down finds nothing either. */
	rescan(p->host);
	assert_host_no_card(p->host);
	CTL(p->ep, 0, "setup");
	assert_endpoint_up(p);
	CTL(p->host, 0, "setup");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	pair_free(p);
}
END_TEST

START_TEST(endpoint_reset_while_bound)
{
	struct pair *p = pair_new();

	CTL(p->ep, 0, "setup");
	CTL(p->host, 0, "setup");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	sim_endpoint_reset(p->dir, "endpoint");
	/* The link went down: the card is gone from the host with all it had. */
	assert_host_no_card(p->host);
	ck_assert(
		kmsg_has(p->host, "pcieport 0000:07:01.0: pciehp: Slot(0000:08:00.0): Link Down"));
	ck_assert(!fx_exists(p->host, "sys/bus/pci/drivers/dw-edma-pcie/" DMAF));
	ck_assert(!fx_exists(p->host, "sys/bus/pci/drivers/ntb_hw_epf/" VNTB));
	/* The endpoint came back from its reboot with nothing configured. */
	assert_endpoint_clean(p);
	ck_assert(fx_exists(p->ep, "etc/epdma.conf"));
	/* The host cannot recover alone: the endpoint is not started. */
	CTL(p->host, 1, "setup");
	assert_host_no_card(p->host);
	CTL(p->ep, 0, "setup");
	CTL(p->host, 0, "setup");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	ck_assert(
		file_is(p->host, "sys/bus/pci/devices/" DMAF "/driver_override", "dw-edma-pcie\n"));
	pair_free(p);
}
END_TEST

/* The endpoint's setup fails at a step (each on its own pair): it rolls back,
 * the host finds nothing; the same setup again works and the host converges.
 * A failure after the vNTB bind leaves the kernel's virtual bus behind (as the
 * real kernel does): the second setup refuses, changing nothing, until the
 * endpoint reboots. */
static const struct {
	const char *fault;
	bool reboot;
} faults[] = {
	{ "fail=mkdir:2:ENOMEM", false }, /* the DMA function: before any link */
	{ "fail=symlink:2:EIO", true },	  /* the DMA function's link, after vNTB's */
	{ "start_fail=1", true },
};

START_TEST(endpoint_interrupted_then_converges)
{
	struct pair *p = pair_new();
	struct fx_result r;

	fx_kernel_config(p->ep, "%s", faults[_i].fault);
	CTL(p->ep, 1, "setup");
	assert_endpoint_clean(p);
	CTL(p->host, 1, "setup");
	assert_host_no_card(p->host);
	ck_assert(!fx_exists(p->host, "sys/module/ntb_transport_ep_dma"));
	fx_kernel_config(p->ep, "start_fail=0");
	ctl(p->ep, &r, "setup", NULL);
	if (faults[_i].reboot) {
		ck_assert_msg(r.status == 1 && has(r.err, "left from an earlier vNTB bind") &&
				      has(r.err, "nothing was changed"),
			      "%d %s", r.status, r.err);
		assert_endpoint_clean(p);
		fx_result_free(&r);
		sim_endpoint_reset(p->dir, "endpoint");
		ctl(p->ep, &r, "setup", NULL);
	}
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	fx_result_free(&r);
	assert_endpoint_up(p);
	CTL(p->host, 0, "setup");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	pair_free(p);
}
END_TEST

/* Two endpoint cards on one host, tags swapped against the slots: the host
 * takes only the card its config selects, and refuses a tag mismatch. */
START_TEST(two_cards_swapped_tags)
{
	struct pair *p = pair_new();
	struct fx *ep2;
	struct fx_result r;

	sim_pair_add_endpoint(p->dir, "endpoint2", "0000:00:1e.0", HELPER);
	ep2 = sim_side(p->dir, "endpoint2");
	fx_write(p->ep, "etc/epdma.conf",
		 "[general]\nrole = endpoint\nprofile = rcar-gen4\n[endpoint]\npairing_tag = "
		 "0x0002\n"
		 "[vntb]\nvbus_number = 0x10\n[dma]\nwr_chans = 2\nrd_chans = 2\n");
	fx_write(ep2, "etc/epdma.conf",
		 "[general]\nrole = endpoint\nprofile = rcar-gen4\n[endpoint]\npairing_tag = "
		 "0x0001\n"
		 "[vntb]\nvbus_number = 0x10\n[dma]\nwr_chans = 2\nrd_chans = 2\n");
	/* The host wants tag 1 on the card at 08:00, which carries tag 2. */
	fx_write(p->host, "etc/epdma.conf",
		 "[general]\nrole = host\nprofile = rcar-gen4\n[endpoint]\npairing_tag = 0x0001\n"
		 "[dma]\nwr_chans = 2\nrd_chans = 2\n[host]\nselect = 0000:08:00\n"
		 "rescan_interval_ms = 50\n");
	CTL(p->ep, 0, "setup");
	CTL(ep2, 0, "setup");
	rescan(p->host);
	ctl(p->host, &r, "discover", NULL);
	ck_assert_msg(r.status != 0, "%s", r.out);
	ck_assert_msg(has(r.out, "subsystem ID 0002, pairing_tag is 0001"), "%s", r.out);
	fx_result_free(&r);
	CTL(p->host, 1, "setup");
	ck_assert(!log_has(p->host, "probe " DMAF " dw-edma-pcie"));
	ck_assert(!log_has(p->host, "probe 0000:00:1e.1 dw-edma-pcie"));
	ck_assert(!fx_exists(p->host, "sys/module/ntb_transport_ep_dma"));
	/* Selecting the card that carries tag 1: that one is bound, the other untouched. */
	fx_write(p->host, "etc/epdma.conf",
		 "[general]\nrole = host\nprofile = rcar-gen4\n[endpoint]\npairing_tag = 0x0001\n"
		 "[dma]\nwr_chans = 2\nrd_chans = 2\n[host]\nselect = 0000:00:1e\n"
		 "rescan_interval_ms = 50\n");
	CTL(p->host, 0, "setup");
	assert_host_bound(p->host, "0000:00:1e.0", "0000:00:1e.1", 4);
	ck_assert(!fx_exists(p->host, "sys/bus/pci/devices/" DMAF "/driver"));
	ck_assert(file_is(p->host, "sys/bus/pci/devices/" DMAF "/driver_override", "(null)\n"));
	fx_detach(ep2);
	pair_free(p);
}
END_TEST

/* A changed value on both ends: the endpoint refuses to rebuild a running
 * graph unless forced; the host re-verifies against the new card. */
START_TEST(config_reload_both_ends)
{
	struct pair *p = pair_new();
	struct fx_result r;

	CTL(p->ep, 0, "setup");
	CTL(p->host, 0, "setup");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	fx_write(p->ep, "etc/epdma.conf",
		 "[general]\nrole = endpoint\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x10\n"
		 "[dma]\nwr_chans = 1\nrd_chans = 2\n");
	ctl(p->ep, &r, "setup", NULL);
	ck_assert_msg(r.status != 0, "%s", r.out);
	fx_result_free(&r);
	assert_endpoint_up(p);
	ck_assert(file_is(p->ep,
			  "sys/kernel/config/pci_ep/functions/pci_epf_dma/dma0/"
			  "pci_epf_dma.1/wr_chans",
			  "2\n"));
	/* Refused: the host kept its card. */
	assert_host_bound(p->host, VNTB, DMAF, 4);
	CTL(p->ep, 0, "setup", "--force");
	assert_endpoint_up(p);
	ck_assert(file_is(p->ep,
			  "sys/kernel/config/pci_ep/functions/pci_epf_dma/dma0/"
			  "pci_epf_dma.1/wr_chans",
			  "1\n"));
	/* The forced rebuild stopped the controller: the old card is gone. */
	assert_host_no_card(p->host);
	/* The host with its old config: the new card does not prove. */
	CTL(p->host, 1, "setup");
	ck_assert(!fx_exists(p->host, "sys/bus/pci/devices/" DMAF "/driver"));
	ck_assert(!file_is(p->host, "sys/bus/pci/devices/" DMAF "/driver_override",
			   "dw-edma-pcie\n"));
	fx_write(p->host, "etc/epdma.conf",
		 "[general]\nrole = host\nprofile = rcar-gen4\n[dma]\nwr_chans = 1\nrd_chans = 2\n"
		 "[host]\nrescan_interval_ms = 50\n");
	CTL(p->host, 0, "setup");
	assert_host_bound(p->host, VNTB, DMAF, 3);
	pair_free(p);
}
END_TEST

static Suite *pair_suite(void)
{
	Suite *s = suite_create("pair");
	TCase *tc = tcase_create("pair");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, endpoint_first_then_host);
	tcase_add_test(tc, host_first_then_endpoint);
	tcase_add_test(tc, endpoint_reset_while_bound);
	tcase_add_loop_test(tc, endpoint_interrupted_then_converges, 0, 3);
	tcase_add_test(tc, two_cards_swapped_tags);
	tcase_add_test(tc, config_reload_both_ends);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(pair_suite());
}
