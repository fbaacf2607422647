// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * End-to-end: an endpoint and a host, each on its own fake kernel, cabled by
 * tests/sim-link.c. Each test builds its own pair, drives `epdmactl` on both
 * ends and asserts the final state of both roots.
 *
 * The host daemon tests run epdmad on the host with --uevent-fd: the fake
 * kernel sends no uevents, so the test sends what the kernel sends when a
 * rescan (or pciehp) adds a function, or a surprise removal takes it: one
 * kernel-format "add"/"remove" message per PCI function, with the device's
 * real DEVPATH and IDs read from the host's tree. The daemon is followed
 * through its sd_notify datagrams; its back-off retry is set beyond the
 * test's life (--retry-delay 3600000), so only the uevents make it look again.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
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

/* ---- the host daemon ---- */

struct dmn {
	pid_t pid;
	int notify; /* our NOTIFY_SOCKET */
	int events; /* our end of --uevent-fd */
	int err;    /* the daemon's stderr */
};

struct epdmad_test_uevent {
	uint32_t portid;
	uint32_t uid;
};

/* epdmad --root <root> -f -v --uevent-fd N --retry-delay RETRY on SIDE's fake kernel. */
static void dmn_start_retry(struct fx *side, struct dmn *d, const char *retry)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 120 }; /* a hung daemon fails the test, not a slow one */
	int sp[2], err[2];
	char *env[16] = { NULL }, fdarg[16];
	size_t n = 0;

	memset(d, 0, sizeof(*d));
	d->notify = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(d->notify, 0);
	ck_assert_int_lt(snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", side->dir),
			 (int)sizeof(sa.sun_path));
	unlink(sa.sun_path);
	ck_assert_int_eq(bind(d->notify, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(setsockopt(d->notify, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	ck_assert_int_eq(pipe2(err, O_CLOEXEC), 0);
	for (const char *const *k = (const char *const[]){ "PATH", "TMPDIR", "ASAN_OPTIONS",
							   "UBSAN_OPTIONS", "LSAN_OPTIONS", NULL };
	     *k; k++)
		if (getenv(*k))
			env[n++] = fmt("%s=%s", *k, getenv(*k));
	env[n++] = ASAN_RUNTIME[0] ? fmt("LD_PRELOAD=%s:%s", ASAN_RUNTIME, FAKEKERNEL_PATH)
				   : fmt("LD_PRELOAD=%s", FAKEKERNEL_PATH);
	env[n++] = fmt("EPDMA_FAKE_ROOT=%s", side->root);
	env[n++] = fmt("EPDMA_FAKE_STATE=%s", side->state);
	env[n++] = fmt("NOTIFY_SOCKET=%s", sa.sun_path);
	env[n++] = fmt("LC_ALL=C");
	snprintf(fdarg, sizeof(fdarg), "%d", sp[1]);
	d->pid = fork();
	ck_assert_int_ge(d->pid, 0);
	if (d->pid == 0) {
		const char *argv[] = { EPDMAD_PATH,   "--root", side->root,	 "-f",	"-v",
				       "--uevent-fd", fdarg,	"--retry-delay", retry, NULL };

		fcntl(sp[1], F_SETFD, 0);
		if (dup2(err[1], 2) < 0 || chdir(side->dir) < 0)
			_exit(126);
		execve(EPDMAD_PATH, (char *const *)argv, env);
		_exit(127);
	}
	for (size_t i = 0; env[i]; i++)
		free(env[i]);
	close(err[1]);
	close(sp[1]);
	d->err = err[0];
	d->events = sp[0];
}

/* A retry delay of an hour: only the uevents the test sends make it look again. */
static void dmn_start(struct fx *side, struct dmn *d)
{
	dmn_start_retry(side, d, "3600000");
}

static char *dmn_log(struct dmn *d)
{
	char *text = NULL, buf[4096];
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	ssize_t n;

	while ((n = read(d->err, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, m);
	fclose(m);
	return text;
}

static void dmn_close(struct dmn *d)
{
	close(d->err);
	close(d->notify);
	close(d->events);
}

/* Datagrams up to one with a line "STATUS=<STATE>..." (that one returned); "failed" fails. */
static char *until_status(struct dmn *d, const char *state)
{
	char *want = fmt("STATUS=%s", state), *line = fmt("\n%s", want), buf[2048];

	for (;;) {
		ssize_t n = recv(d->notify, buf, sizeof(buf) - 1, 0);

		ck_assert_msg(n >= 0, "no sd_notify datagram from epdmad: %s", strerror(errno));
		buf[n] = '\0';
		if (!strncmp(buf, want, strlen(want)) || has(buf, line))
			break;
		ck_assert_msg(!has(buf, "STATUS=failed"), "epdmad: %s, want %s", buf, state);
	}
	free(want);
	free(line);
	return fmt("%s", buf);
}

#define UNTIL(d_, state_) free(until_status(d_, state_))

/* SIGTERM: STOPPING=1, exit 0; the daemon's log returned. */
static char *dmn_stop(struct dmn *d)
{
	char buf[256], *log;
	ssize_t n;
	int status;

	ck_assert_int_eq(kill(d->pid, SIGTERM), 0);
	n = recv(d->notify, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "STOPPING=1");
	ck_assert_int_eq(waitpid(d->pid, &status, 0), d->pid);
	log = dmn_log(d);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "epdmad: status %d\n%s",
		      status, log);
	dmn_close(d);
	return log;
}

/* A number below "counters" (or at the top) of SIDE's state file; a string as "s:<text>". */
static char *status_field(struct fx *side, const char *key)
{
	char *text = fx_read(side, "run/epdma/status.json"), *s;
	json_object *root, *c, *v = NULL;

	ck_assert_ptr_nonnull(text);
	root = json_tokener_parse(text);
	ck_assert_msg(root, "status.json does not parse:\n%s", text);
	if (!json_object_object_get_ex(root, key, &v) &&
	    json_object_object_get_ex(root, "counters", &c))
		json_object_object_get_ex(c, key, &v);
	s = fmt("%s", v ? json_object_get_string(v) : "(null)");
	json_object_put(root);
	free(text);
	return s;
}

static bool status_is(struct fx *side, const char *key, const char *want)
{
	char *v = status_field(side, key);
	bool r = !strcmp(v, want);

	ck_assert_msg(r, "status.json %s: %s, want %s", key, v, want);
	free(v);
	return r;
}

/* What the kernel sends for PCI function BDF (the device's DEVPATH and IDs from the tree). */
static void send_pci_uevent(struct dmn *d, const char *action, const char *bdf, const char *devpath)
{
	static unsigned int seqnum = 4000;
	char buf[4096], *msg;
	struct epdmad_test_uevent hdr = { .portid = 0, .uid = 0 };
	size_t len;

	msg = fmt("%s@%s|ACTION=%s|DEVPATH=%s|SUBSYSTEM=pci|PCI_SLOT_NAME=%s|SEQNUM=%u|", action,
		  devpath, action, devpath, bdf, ++seqnum);
	len = strlen(msg);
	for (char *c = msg; *c; c++)
		if (*c == '|')
			*c = '\0';
	ck_assert_uint_le(sizeof(hdr) + len, sizeof(buf));
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), msg, len);
	ck_assert_int_eq(send(d->events, buf, sizeof(hdr) + len, 0), (ssize_t)(sizeof(hdr) + len));
	free(msg);
}

/* The DEVPATH of host function BDF ("/devices/pci0000:00/..."), from its sys/bus link. */
static char *devpath_of(struct fx *host, const char *bdf)
{
	char *link = fmt("sys/bus/pci/devices/%s", bdf), *abs = fx_path(host, link), target[512];
	ssize_t n = readlink(abs, target, sizeof(target) - 1);
	const char *d;

	ck_assert_msg(n > 0, "%s: %s", link, strerror(errno));
	target[n] = '\0';
	d = strstr(target, "/devices/");
	ck_assert_ptr_nonnull(d);
	free(abs);
	free(link);
	return fmt("%s", d);
}

/* The card's two functions, as the kernel announces them. */
static void card_uevents(struct dmn *d, const char *action, char *const paths[2])
{
	send_pci_uevent(d, action, VNTB, paths[0]);
	send_pci_uevent(d, action, DMAF, paths[1]);
}

/* How many oplog lines start with PREFIX. */
static size_t oplog_count(struct fx *fx, const char *prefix)
{
	char *log = fx_oplog(fx);
	size_t n = 0;

	for (const char *l = log; l && *l;) {
		n += !strncmp(l, prefix, strlen(prefix));
		l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l);
	}
	free(log);
	return n;
}

/* Host epdmad started first: waiting, nothing found; then the endpoint comes up
 * and the kernel's "add" uevents for the card make the daemon bind it. */
START_TEST(host_daemon_waits_for_card)
{
	struct pair *p = pair_new();
	char *paths[2], *log;
	struct dmn d;

	dmn_start(p->host, &d);
	UNTIL(&d, "waiting");
	status_is(p->host, "state", "waiting");
	status_is(p->host, "role", "host");
	/* It rescanned (per [host] rescan) and found nothing: nothing bound or loaded. */
	ck_assert(log_has(p->host, "write sys/bus/pci/rescan 1 = 0"));
	ck_assert_uint_eq(oplog_count(p->host, "finit_module"), 0);
	assert_host_no_card(p->host);
	CTL(p->ep, 0, "setup");
	assert_endpoint_up(p);
	/* The link came up: a rescan (pciehp on a hotplug slot) adds the card's functions. */
	rescan(p->host);
	paths[0] = devpath_of(p->host, VNTB);
	paths[1] = devpath_of(p->host, DMAF);
	ck_assert_str_eq(paths[1], "/devices/pci0000:00/0000:00:1d.0/0000:06:00.0/0000:07:01.0/"
				   "0000:08:00.1");
	card_uevents(&d, "add", paths);
	UNTIL(&d, "converged");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	status_is(p->host, "uevents", "2");
	log = dmn_stop(&d);
	ck_assert_msg(has(log, "uevent add "
			       "/devices/pci0000:00/0000:00:1d.0/0000:06:00.0/"
			       "0000:07:01.0/0000:08:00.1 (pci): reconcile"),
		      "%s", log);
	free(log);
	/* Stopping leaves the link up. */
	assert_host_bound(p->host, VNTB, DMAF, 4);
	assert_endpoint_up(p);
	status_is(p->host, "state", "stopped");
	free(paths[0]);
	free(paths[1]);
	pair_free(p);
}
END_TEST

/* No uevent at all (no pciehp on the slot, or the message lost): while waiting,
 * [host] rescan = backoff (the pair's default) rescans on the back-off timer,
 * and the card the endpoint brings up is found and bound. */
START_TEST(host_daemon_rescans_while_waiting)
{
	struct pair *p = pair_new();
	char *log;
	struct dmn d;

	dmn_start_retry(p->host, &d, "100");
	UNTIL(&d, "waiting");
	assert_host_no_card(p->host);
	CTL(p->ep, 0, "setup");
	assert_endpoint_up(p);
	UNTIL(&d, "converged");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	status_is(p->host, "uevents", "0");
	log = dmn_stop(&d);
	ck_assert_msg(oplog_count(p->host, "write sys/bus/pci/rescan 1") >= 2, "%s", log);
	free(log);
	pair_free(p);
}
END_TEST

/*
 * The host daemon follows the client interface under the card's NTB device
 * (ntb_hw_epf's, on the vNTB function its run found), not under another NTB
 * device listed before it (the endpoint's own vNTB device in a kernel that
 * runs both ends), each with a client interface.
 */
START_TEST(host_daemon_follows_the_card_ntb_device)
{
	struct pair *p = pair_new();
	char *link, *log;
	struct dmn d;

	CTL(p->ep, 0, "setup");
	assert_endpoint_up(p);
	fx_mkdir(p->host, "sys/devices/pci0000:02/0000:02:00.0/0000:02:00.0/ntb_netdev2/net/"
			  "epdmaother0");
	fx_symlink_rel(p->host, "sys/devices/pci0000:02/0000:02:00.0/0000:02:00.0",
		       "sys/bus/ntb/devices/0000:02:00.0");
	dmn_start(p->host, &d);
	UNTIL(&d, "converged");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	/* The transport's client on the card's NTB device, seen at the next run. */
	fx_mkdir(p->host, "sys/bus/ntb/devices/" VNTB "/ntb_netdev3/net/epdmahost0");
	ck_assert_int_eq(kill(d.pid, SIGHUP), 0);
	UNTIL(&d, "converged");
	link = status_field(p->host, "link");
	ck_assert_msg(has(link, VNTB) && has(link, "epdmahost0") && !has(link, "epdmaother0"),
		      "status.json link: %s", link);
	free(link);
	log = dmn_stop(&d);
	free(log);
	pair_free(p);
}
END_TEST

/* The endpoint resets while the host daemon runs: the "remove" uevents send it
 * back to waiting; the endpoint set up again, the "add" uevents bring it back. */
START_TEST(host_daemon_follows_endpoint_reset)
{
	struct pair *p = pair_new();
	char *paths[2];
	struct dmn d;

	CTL(p->ep, 0, "setup");
	rescan(p->host);
	paths[0] = devpath_of(p->host, VNTB);
	paths[1] = devpath_of(p->host, DMAF);
	dmn_start(p->host, &d);
	UNTIL(&d, "converged");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	sim_endpoint_reset(p->dir, "endpoint");
	assert_host_no_card(p->host);
	card_uevents(&d, "remove", paths);
	UNTIL(&d, "waiting");
	status_is(p->host, "state", "waiting");
	assert_host_no_card(p->host);
	assert_endpoint_clean(p);
	CTL(p->ep, 0, "setup");
	rescan(p->host);
	card_uevents(&d, "add", paths);
	UNTIL(&d, "converged");
	free(dmn_stop(&d));
	assert_endpoint_up(p);
	assert_host_bound(p->host, VNTB, DMAF, 4);
	/* Each module was inserted once, before the reset: the card going took no module.
	 * Seven: ntb, ntb_hw_epf, dw_edma, dw_edma_pcie, the transport, and its client
	 * ntb_netdev with ntb_transport. */
	ck_assert_uint_eq(oplog_count(p->host, "finit_module "), 7);
	ck_assert(!log_has(p->host, "= -EEXIST"));
	free(paths[0]);
	free(paths[1]);
	pair_free(p);
}
END_TEST

/* The host daemon dies by SIGKILL mid-bind (before the drivers_probe write, before
 * the transport's insert); restarted, it converges with nothing half-done. */
static const char *const kills[] = {
	"kill=write:3", /* drivers_probe, after driver_override (the test's rescan is write 1) */
	"kill=finit_module:5", /* the transport, after dw-edma-pcie bound */
};

START_TEST(host_daemon_killed_mid_bind)
{
	struct pair *p = pair_new();
	struct dmn d;
	int status;
	char *log;

	CTL(p->ep, 0, "setup");
	rescan(p->host);
	fx_kernel_config(p->host, "%s", kills[_i]);
	dmn_start(p->host, &d);
	ck_assert_int_eq(waitpid(d.pid, &status, 0), d.pid);
	log = dmn_log(&d);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %d\n%s", status,
		      log);
	free(log);
	dmn_close(&d);
	ck_assert(!fx_exists(p->host, "sys/module/ntb_transport_ep_dma"));
	ck_assert(!fx_exists(p->host, "sys/bus/pci/devices/" DMAF "/driver") || _i == 1);
	dmn_start(p->host, &d);
	UNTIL(&d, "converged");
	free(dmn_stop(&d));
	assert_host_bound(p->host, VNTB, DMAF, 4);
	assert_endpoint_up(p);
	ck_assert(
		file_is(p->host, "sys/bus/pci/devices/" DMAF "/driver_override", "dw-edma-pcie\n"));
	/* Nothing twice, nothing refused: each of the seven modules inserted once, one
	 * override, one probe. */
	ck_assert_uint_eq(oplog_count(p->host, "finit_module "), 7);
	ck_assert_uint_eq(oplog_count(p->host, "finit_module lib/modules/6.12.57-amd64/kernel/"
					       "drivers/ntb/ntb_transport_ep_dma.ko"),
			  1);
	ck_assert_uint_eq(oplog_count(p->host, "probe " DMAF " dw-edma-pcie = 0"), 1);
	ck_assert(!log_has(p->host, "= -"));
	pair_free(p);
}
END_TEST

/* ---- both ends' transports with different values ---- */

#define EP_QP0	 "sys/kernel/debug/ntb_transport/0000:10:00.0/qp0/stats"
#define HOST_QP0 "sys/kernel/debug/ntb_transport/" VNTB "/qp0/stats"

/* SIDE's config: the pair's own plus a [transport] section. */
static void conf_transport(struct fx *side, bool host, const char *transport)
{
	fx_write(side, "etc/epdma.conf",
		 "[general]\nrole = %s\nprofile = rcar-gen4\n%s[dma]\nwr_chans = 2\nrd_chans = 2\n"
		 "%s[transport]\n%s",
		 host ? "host" : "endpoint", host ? "" : "[vntb]\nvbus_number = 0x10\n",
		 host ? "[host]\nrescan_interval_ms = 50\n" : "", transport);
}

/* epdmactl ARGS... on SIDE: its output (stdout then stderr) and exit status. */
static char *ctl_out(struct fx *side, int *status, ...)
{
	const char *argv[16] = { "epdmactl", "--root", side->root };
	struct fx_result r;
	size_t n = 3;
	va_list ap;
	char *out;

	va_start(ap, status);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	fx_run(side, &r, argv);
	*status = r.status;
	out = fmt("%s%s", r.out, r.err);
	fx_result_free(&r);
	return out;
}

/* The endpoint's transport is loaded with max_num_clients 2, the host's with 1:
 * each announces its own queue count (2 and 1), ntb_transport retries
 * silently and the link never comes up. The host reads both halves of the
 * scratchpads (a host booted with iomem=relaxed maps the control BAR that
 * ntb_hw_epf holds): status and doctor name the key and both values. The
 * endpoint cannot read the host's half: it says the link is down and points
 * to the host's doctor. Nothing is half-built on either end. */
START_TEST(transport_values_differ)
{
	struct pair *p = pair_new();
	char *out, *log;
	size_t ops;
	int st;

	conf_transport(p->ep, false, "max_num_clients = 2\n");
	conf_transport(p->host, true, "max_num_clients = 1\n");
	fx_kernel_config(p->host, "iomem=relaxed");
	CTL(p->ep, 0, "setup");
	rescan(p->host);
	/* Nobody linked yet: nothing to compare, so setup goes through. */
	CTL(p->host, 0, "setup");
	assert_endpoint_up(p);
	assert_host_bound(p->host, VNTB, DMAF, 4);
	ck_assert(file_is(p->ep, "sys/module/ntb_transport_ep_dma/parameters/max_num_clients",
			  "2\n"));
	ck_assert(file_is(p->host, "sys/module/ntb_transport_ep_dma/parameters/max_num_clients",
			  "1\n"));
	/* The link never comes up: every queue of both transports is down. */
	ck_assert(file_is(p->ep, EP_QP0,
			  "\nNTB QP stats:\n\nrx_bytes - \t0\nrx_pkts - \t0\n\n"
			  "tx_bytes - \t0\ntx_pkts - \t0\n\nQP Link - \tDown\n"));
	ck_assert(fx_exists(p->ep, "sys/kernel/debug/ntb_transport/0000:10:00.0/qp1/stats"));
	out = fx_read(p->host, HOST_QP0);
	ck_assert_msg(has(out, "QP Link - \tDown\n"), "%s", out);
	free(out);
	CTL(p->host, 1, "status", "--wait-link", "1");
	CTL(p->ep, 1, "status", "--wait-link", "1");

	/* The host's status names the key and both values. */
	out = ctl_out(p->host, &st, "status", NULL);
	ck_assert_msg(st == 0, "%s", out);
	ck_assert_msg(has(out, "  FAIL  transport queues         queue pairs: host 1, endpoint "
			       "2: the link never comes up\n"),
		      "%s", out);
	ck_assert_msg(has(out, "hint: set the same [transport] max_num_clients on both ends"), "%s",
		      out);
	ck_assert(has(out, "link: down: 0 of 1 queues up\n"));
	ck_assert(has(out, "Not in sync with the config"));
	/* The down link's cause is the mismatch, listed once; nothing else says it again. */
	ck_assert_msg(has(out, "\n  cause transport-mismatch: both ends' transports announce "
			       "different values (ntb_transport, transport queues)\n"),
		      "%s", out);
	ck_assert(!strstr(strstr(out, "transport-mismatch") + 1, "transport-mismatch"));
	ck_assert(!has(out, "transport-link-down"));
	ck_assert(!has(out, "  hint: both ends'"));
	free(out);
	out = ctl_out(p->host, &st, "status", "--json", NULL);
	ck_assert_msg(has(out, "\"name\": \"transport queues\",\n      \"result\": \"fail\""), "%s",
		      out);
	ck_assert(has(out, "\"hint\": null"));
	free(out);
	/* ... and so does its doctor, from the live state. */
	out = ctl_out(p->host, &st, "doctor", NULL);
	ck_assert_int_eq(st, 1);
	ck_assert_msg(has(out,
			  "● transport-mismatch: both ends' transports announce different "
			  "values (ntb_transport, transport queues)\n"
			  "    seen: queue pairs: host 1, endpoint 2: the link never comes up; "
			  "set the same [transport] max_num_clients on both ends"),
		      "%s", out);
	ck_assert(!has(out, "transport-link-down"));
	free(out);
	out = ctl_out(p->host, &st, "doctor", "--json", NULL);
	ck_assert_msg(has(out, "\"id\": \"transport-mismatch\""), "%s", out);
	free(out);

	/* The endpoint sees its own queues down and nothing of the host's values. */
	out = ctl_out(p->ep, &st, "status", NULL);
	ck_assert_msg(st == 0, "%s", out);
	ck_assert_msg(has(out, "link: down: 0 of 2 queues up\n"), "%s", out);
	ck_assert_msg(has(out, "  hint: the endpoint cannot see why (the host's transport not "
			       "running, or announcing other values): epdmactl doctor on the host "
			       "compares both ends' transport values\n"),
		      "%s", out);
	ck_assert(!has(out, "max_num_clients"));
	/* Said once: by the hint, not again as doctor's transport-link-down. */
	ck_assert_msg(!has(out, "transport-link-down"), "%s", out);
	ck_assert(!strstr(strstr(out, "cannot see why") + 1, "cannot see why"));
	free(out);
	out = ctl_out(p->ep, &st, "status", "--json", NULL);
	ck_assert_msg(has(out, "\"hint\": \"the endpoint cannot see why"), "%s", out);
	ck_assert_msg(!has(out, "transport-link-down"), "%s", out);
	free(out);
	out = ctl_out(p->ep, &st, "doctor", NULL);
	ck_assert_int_eq(st, 1);
	ck_assert_msg(has(out, "● transport-link-down: transport link down, the peer's values not "
			       "visible here (ntb_transport, 0000:10:00.0)\n"
			       "    seen: 0 of 2 transport queues up on 0000:10:00.0; the endpoint "
			       "cannot see why (the host's transport not running, or announcing "
			       "other values): run epdmactl doctor on the host"),
		      "%s", out);
	ck_assert(!has(out, "transport-mismatch"));
	free(out);

	/* A host with IO_STRICT_DEVMEM (the default) cannot map the BAR ntb_hw_epf holds:
	 * its doctor and status say the link is down and why they cannot compare. */
	fx_kernel_config(p->host, "iomem=strict");
	out = ctl_out(p->host, &st, "doctor", NULL);
	ck_assert_int_eq(st, 1);
	ck_assert_msg(has(out, "● transport-link-down:") && has(out, "iomem=relaxed") &&
			      !has(out, "transport-mismatch"),
		      "%s", out);
	free(out);
	out = ctl_out(p->host, &st, "status", NULL);
	ck_assert_msg(has(out, "hint: both ends' transport values could not be compared now"), "%s",
		      out);
	ck_assert_msg(!has(out, "transport-link-down") && !has(out, "transport-mismatch"), "%s",
		      out);
	free(out);
	fx_kernel_config(p->host, "iomem=relaxed");

	/* Nothing half-built: the endpoint converged, the host's setup refuses
	 * (a pairing check fails) and changes nothing. */
	CTL(p->ep, 0, "setup");
	ops = oplog_count(p->host, "");
	out = ctl_out(p->host, &st, "setup", NULL);
	ck_assert_msg(st == 1 && has(out, "refused; nothing was changed"), "%s", out);
	free(out);
	ck_assert_uint_eq(oplog_count(p->host, ""), ops);
	assert_endpoint_up(p);
	assert_host_bound(p->host, VNTB, DMAF, 4);
	ck_assert(
		file_is(p->host, "sys/bus/pci/devices/" DMAF "/driver_override", "dw-edma-pcie\n"));
	ck_assert(file_is(p->host, "sys/bus/pci/devices/" VNTB "/driver_override", "(null)\n"));
	log = fx_oplog(p->host);
	ck_assert_msg(!has(log, "= -"), "%s", log);
	free(log);
	ck_assert_uint_eq(oplog_count(p->host, "finit_module "), 7);
	ck_assert(!log_has(p->ep, "= -"));
	pair_free(p);
}
END_TEST

/* ---- config reload on both ends, each under its daemon ---- */

#define VNTB_FN "sys/kernel/config/pci_ep/functions/pci_epf_vntb/vntb0/"

/* epdmad on both ends, converged; each end's config changed and SIGHUP sent.
 * The endpoint's new db_count is refused while the vNTB function is linked
 * (as its plan refuses it: the kernel keeps the virtual bus until reboot), so
 * its daemon waits naming it and changes nothing, not even the transport
 * value it could write; the host's new transport_mtu is written into its
 * loaded transport. With db_count back, a second SIGHUP converges the
 * endpoint: only the transport's parameter written, the graph untouched. */
START_TEST(daemons_reload_both_ends)
{
	struct pair *p = pair_new();
	struct dmn de, dh;
	size_t ep_ops;
	char *err, *out;
	int st;

	dmn_start(p->ep, &de);
	UNTIL(&de, "converged");
	status_is(p->ep, "role", "endpoint");
	assert_endpoint_up(p);
	rescan(p->host);
	dmn_start(p->host, &dh);
	UNTIL(&dh, "converged");
	assert_host_bound(p->host, VNTB, DMAF, 4);
	out = ctl_out(p->ep, &st, "status", NULL);
	ck_assert_msg(has(out, "link: up\n"), "%s", out);
	free(out);

	fx_write(p->ep, "etc/epdma.conf",
		 "[general]\nrole = endpoint\nprofile = rcar-gen4\n[vntb]\nvbus_number = 0x10\n"
		 "db_count = 8\n[dma]\nwr_chans = 2\nrd_chans = 2\n[transport]\n"
		 "transport_mtu = 0x2000\n");
	conf_transport(p->host, true, "transport_mtu = 0x2000\n");
	ep_ops = oplog_count(p->ep, "");
	ck_assert_int_eq(kill(de.pid, SIGHUP), 0);
	ck_assert_int_eq(kill(dh.pid, SIGHUP), 0);
	UNTIL(&de, "waiting");
	UNTIL(&dh, "converged");

	/* The endpoint: refused (the daemon waits for a reboot or another config),
	 * nothing written, the link kept. */
	status_is(p->ep, "state", "waiting");
	err = status_field(p->ep, "error");
	ck_assert_msg(has(err, "db_count is 4, the config wants 8"), "%s", err);
	free(err);
	ck_assert_uint_eq(oplog_count(p->ep, ""), ep_ops);
	ck_assert(file_is(p->ep, VNTB_FN "pci_epf_vntb.0/db_count", "4\n"));
	ck_assert(file_is(p->ep, "sys/module/ntb_transport_ep_dma/parameters/transport_mtu",
			  "65536\n"));
	assert_endpoint_up(p);
	/* The host: the new value in its loaded transport, the card kept. */
	status_is(p->host, "state", "converged");
	ck_assert(file_is(p->host, "sys/module/ntb_transport_ep_dma/parameters/transport_mtu",
			  "8192\n"));
	ck_assert_uint_eq(oplog_count(p->host, "write sys/module/ntb_transport_ep_dma/parameters/"
					       "transport_mtu 8192 = 0"),
			  1);
	assert_host_bound(p->host, VNTB, DMAF, 4);
	out = ctl_out(p->host, &st, "status", NULL);
	ck_assert_msg(has(out, "In sync with the config.\nlink: up\n"), "%s", out);
	free(out);

	/* The endpoint's db_count back: it converges, writing only the transport's value. */
	conf_transport(p->ep, false, "transport_mtu = 0x2000\n");
	ck_assert_int_eq(kill(de.pid, SIGHUP), 0);
	UNTIL(&de, "converged");
	status_is(p->ep, "state", "converged");
	ck_assert(file_is(p->ep, "sys/module/ntb_transport_ep_dma/parameters/transport_mtu",
			  "8192\n"));
	ck_assert_uint_eq(oplog_count(p->ep, ""), ep_ops + 1);
	ck_assert(file_is(p->ep, VNTB_FN "pci_epf_vntb.0/db_count", "4\n"));
	free(dmn_stop(&de));
	free(dmn_stop(&dh));

	/* Nothing half-built: one function of each kind, both linked, nothing refused. */
	assert_endpoint_up(p);
	ck_assert_uint_eq(count(p->ep, "sys/kernel/config/pci_ep/functions/pci_epf_vntb"), 1);
	ck_assert_uint_eq(count(p->ep, "sys/kernel/config/pci_ep/functions/pci_epf_dma"), 1);
	assert_host_bound(p->host, VNTB, DMAF, 4);
	ck_assert_uint_eq(oplog_count(p->host, "finit_module "), 7);
	ck_assert(!log_has(p->host, "= -"));
	ck_assert(!log_has(p->ep, "= -"));
	out = ctl_out(p->ep, &st, "status", NULL);
	ck_assert_msg(has(out, "In sync with the config.\nlink: up\n"), "%s", out);
	free(out);
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
	tc = tcase_create("daemon");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, host_daemon_waits_for_card);
	tcase_add_test(tc, host_daemon_rescans_while_waiting);
	tcase_add_test(tc, host_daemon_follows_endpoint_reset);
	tcase_add_test(tc, host_daemon_follows_the_card_ntb_device);
	tcase_add_loop_test(tc, host_daemon_killed_mid_bind, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("transport");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, transport_values_differ);
	tcase_add_test(tc, daemons_reload_both_ends);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(pair_suite());
}
