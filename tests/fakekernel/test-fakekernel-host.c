// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fake kernel's host part (tests/fakekernel/pci.c, module parameters)
 * and the host fixtures (tests/fixture-host.c): an endpoint card on
 * fx_x86_host(), ntb_hw_epf binding it by ID, dw-edma-pcie by
 * driver_override + drivers_probe, resourceN rules, rescan/remove, surprise
 * removal, module parameters and refcnt. Commands run in preloaded
 * processes: epdma-replay -c (echo, cat, insmod, rmmod, test) and
 * epdma-hostop (mmap, read, raw write, show).
 */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bar.h"
#include "fixture.h"

#define REL  "6.12.57-amd64"
#define MODS "/lib/modules/" REL "/kernel/drivers/"
#define VNTB "/sys/bus/pci/devices/0000:08:00.0"
#define DMAF "/sys/bus/pci/devices/0000:08:00.1"

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

static char *run_tool(struct fx *fx, const char *tool, const char *const *cmds)
{
	const char *argv[64] = { NULL };
	struct fx_result r;
	size_t n = 1;
	char *out;

	argv[0] = tool_path(tool);
	if (!strcmp(tool, "epdma-replay"))
		argv[n++] = "-c";
	for (size_t i = 0; cmds[i] && n < 63; i++)
		argv[n++] = cmds[i];
	argv[n] = NULL;
	fx_run(fx, &r, argv);
	ck_assert_msg(r.status == 0, "%s failed (%d): %s%s", tool, r.status, r.out, r.err);
	out = r.out;
	r.out = NULL;
	fx_result_free(&r);
	free((char *)argv[0]);
	return out;
}

#define EXPECT_TOOL(fx, tool, expected, ...)                                                       \
	do {                                                                                       \
		char *out_ = run_tool(fx, tool, (const char *const[]){ __VA_ARGS__, NULL });       \
		ck_assert_msg(!strcmp(out_, expected), "expected:\n%s\ngot:\n%s", expected, out_); \
		free(out_);                                                                        \
	} while (0)
#define EXPECT(fx, expected, ...) EXPECT_TOOL(fx, "epdma-replay", expected, __VA_ARGS__)
#define HOSTOP(fx, expected, ...) EXPECT_TOOL(fx, "epdma-hostop", expected, __VA_ARGS__)

static bool kmsg_has(struct fx *fx, const char *text)
{
	char *log = fx_read(fx, "dev/kmsg");
	bool found = log && strstr(log, text);

	free(log);
	return found;
}

static struct epdma_config *load_config(struct fx *fx, const char *text)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = NULL;
	struct epdma_ctx *ctx = NULL;
	char *p = fx_path(fx, "etc/epdma.conf");

	fx_write(fx, "etc/epdma.conf", "%s", text);
	ck_assert_int_eq(chmod(p, 0644), 0);
	free(p);
	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	ck_assert_int_eq(epdma_config_load(ctx, NULL, &cfg, &errs), 0);
	epdma_errors_clear(&errs);
	epdma_ctx_free(ctx);
	return cfg;
}

static const char conf_text[] = "[endpoint]\npairing_tag = 0x5a5a\n"
				"[vntb]\nnum_mws = 1\nmw1 = 1M\nspad_count = 64\ndb_count = 4\n"
				"[dma]\nwr_chans = 2\nrd_chans = 2\n";

/* fx_x86_host + the host modules + one card at 08:00.{0,1}. */
static struct fx *host(bool prepared, bool bdf_writable)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;

	fx_x86_host(fx);
	fx_host_modules(fx, bdf_writable);
	cfg = load_config(fx, conf_text);
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg, .prepared = prepared });
	epdma_config_free(cfg);
	return fx;
}

START_TEST(test_card_tree)
{
	struct fx *fx = host(false, true);
	struct epdma_vntb_ctrl c;
	struct epdma_pedm m;
	char *v, *img;
	size_t len;

	v = fx_read(fx, VNTB "/class");
	ck_assert_str_eq(v, "0x050000\n");
	free(v);
	v = fx_read(fx, DMAF "/class");
	ck_assert_str_eq(v, "0x080100\n");
	free(v);
	v = fx_read(fx, DMAF "/subsystem_device");
	ck_assert_str_eq(v, "0x5a5a\n");
	free(v);
	v = fx_read(fx, VNTB "/modalias");
	ck_assert_str_eq(v, "pci:v00001957d00000809sv00000000sd00005A5Abc05sc00i00\n");
	free(v);
	/* i.MX8 map: ctrl BAR0, doorbell BAR2, MW1 BAR4. */
	img = fx_read_raw(fx, VNTB "/resource0", &len);
	ck_assert_uint_eq(len, 0x1000);
	ck_assert_int_eq(epdma_vntb_ctrl_parse(img, len, &c, NULL), EPDMA_BAR_OK);
	ck_assert_uint_eq(c.spad_count, 64);
	free(img);
	ck_assert(fx_exists(fx, VNTB "/resource2"));
	ck_assert(fx_exists(fx, VNTB "/resource4"));
	ck_assert(!fx_exists(fx, VNTB "/resource1"));
	img = fx_read_raw(fx, DMAF "/resource0", &len);
	ck_assert_int_eq(epdma_pedm_parse(img, len, &m, NULL), EPDMA_BAR_OK);
	ck_assert_uint_eq(m.wr_chans, 2);
	ck_assert_uint_eq(m.reg_bar, 1);
	free(img);
	v = fx_read(fx, DMAF "/driver_override");
	ck_assert_str_eq(v, "(null)\n");
	free(v);
	fx_free(fx);
}
END_TEST

START_TEST(test_ntb_hw_epf_binds_by_id)
{
	struct fx *fx = host(false, true);

	EXPECT(fx,
	       "insmod " MODS "ntb/ntb.ko\n"
	       "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko\n"
	       "test -e " VNTB "/driver\n"
	       "test -e /sys/bus/ntb/devices/0000:08:00.0\n"
	       "test ! -e " DMAF "/driver\n"
	       "rmmod ntb_hw_epf\n"
	       "test ! -e " VNTB "/driver\n"
	       "test ! -e /sys/bus/ntb/devices/0000:08:00.0\n",
	       "insmod " MODS "ntb/ntb.ko", "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko",
	       "test -e " VNTB "/driver", "test -e /sys/bus/ntb/devices/0000:08:00.0",
	       "test ! -e " DMAF "/driver", "rmmod ntb_hw_epf", "test ! -e " VNTB "/driver",
	       "test ! -e /sys/bus/ntb/devices/0000:08:00.0");
	fx_free(fx);
}
END_TEST

START_TEST(test_ntb_hw_epf_msi_fails)
{
	struct fx *fx = host(false, true);

	fx_kernel_config(fx, "ntb_epf_msi=0");
	EXPECT(fx,
	       "insmod " MODS "ntb/ntb.ko\n"
	       "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko\n"
	       "test ! -e " VNTB "/driver\n",
	       "insmod " MODS "ntb/ntb.ko", "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko",
	       "test ! -e " VNTB "/driver");
	ck_assert(kmsg_has(fx, "ntb_hw_epf 0000:08:00.0: Failed to get MSI interrupts"));
	ck_assert(kmsg_has(fx, "ntb_hw_epf 0000:08:00.0: Failed to init ISR"));
	ck_assert(kmsg_has(fx, "ntb_hw_epf 0000:08:00.0: probe with driver ntb_hw_epf failed "
			       "with error -22"));
	fx_free(fx);
}
END_TEST

/* driver_override cannot bind ntb_hw_epf: no driver_data, probe -EINVAL. */
START_TEST(test_ntb_hw_epf_override_fails)
{
	struct fx *fx = host(false, true);

	EXPECT(fx,
	       "insmod " MODS "ntb/ntb.ko\n"
	       "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko\n"
	       "echo ntb_hw_epf > " DMAF "/driver_override\n"
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers_probe\n"
	       "test ! -e " DMAF "/driver\n",
	       "insmod " MODS "ntb/ntb.ko", "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko",
	       "echo ntb_hw_epf > " DMAF "/driver_override",
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers_probe", "test ! -e " DMAF "/driver");
	ck_assert(kmsg_has(fx, "ntb_hw_epf 0000:08:00.1: probe with driver ntb_hw_epf failed "
			       "with error -22"));
	fx_free(fx);
}
END_TEST

START_TEST(test_dw_edma_override_probe)
{
	struct fx *fx = host(false, true);
	struct epdma_pedm m;
	size_t len;
	char *img;

	EXPECT(fx,
	       "insmod " MODS "dma/dw-edma/dw-edma.ko\n"
	       "insmod " MODS "dma/dw-edma/dw-edma-pcie.ko\n"
	       "test ! -e " DMAF "/driver\n"
	       "echo 0000:08:00.7 > /sys/bus/pci/drivers_probe -> ENODEV\n"
	       "echo dw-edma-pcie > " DMAF "/driver_override\n" DMAF
	       "/driver_override = dw-edma-pcie\n"
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers_probe\n"
	       "test -e " DMAF "/driver\n"
	       "test -e /sys/bus/pci/drivers/dw-edma-pcie/0000:08:00.1\n"
	       "test -d " DMAF "/dma/dma0chan3\n"
	       "test ! -e " DMAF "/dma/dma0chan4\n"
	       "test -e /sys/class/dma/dma0chan0\n"
	       "/sys/class/dma/dma0chan2/in_use = 0\n"
	       "/sys/class/dma/dma0chan2/bytes_transferred = 0\n"
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/bind -> EBUSY\n"
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/unbind\n"
	       "test ! -e /sys/class/dma/dma0chan0\n"
	       "test ! -e " DMAF "/driver\n"
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/unbind -> ENODEV\n"
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/bind\n"
	       "test -e " DMAF "/dma/dma0chan0\n",
	       "insmod " MODS "dma/dw-edma/dw-edma.ko",
	       "insmod " MODS "dma/dw-edma/dw-edma-pcie.ko", "test ! -e " DMAF "/driver",
	       "echo 0000:08:00.7 > /sys/bus/pci/drivers_probe",
	       "echo dw-edma-pcie > " DMAF "/driver_override", "cat " DMAF "/driver_override",
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers_probe", "test -e " DMAF "/driver",
	       "test -e /sys/bus/pci/drivers/dw-edma-pcie/0000:08:00.1",
	       "test -d " DMAF "/dma/dma0chan3", "test ! -e " DMAF "/dma/dma0chan4",
	       "test -e /sys/class/dma/dma0chan0", "cat /sys/class/dma/dma0chan2/in_use",
	       "cat /sys/class/dma/dma0chan2/bytes_transferred",
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/bind",
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/unbind",
	       "test ! -e /sys/class/dma/dma0chan0", "test ! -e " DMAF "/driver",
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/unbind",
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/bind",
	       "test -e " DMAF "/dma/dma0chan0");
	/* "\n" clears the override (drivers/base/driver.c:92). */
	HOSTOP(fx,
	       "write " DMAF "/driver_override\n" DMAF "/driver_override = (null)\\n\n"
	       "write " DMAF "/driver_override\n" DMAF "/driver_override = a\\n\n",
	       "write " DMAF "/driver_override \\n", "show " DMAF "/driver_override",
	       "write " DMAF "/driver_override a\\nb", "show " DMAF "/driver_override");
	/* The host asked (HOST_REQ) and the fake endpoint answered (READY). */
	img = fx_read_raw(fx, DMAF "/resource0", &len);
	ck_assert_int_eq(epdma_pedm_parse(img, len, &m, NULL), EPDMA_BAR_OK);
	ck_assert(m.host_req && m.ready);
	free(img);
	fx_free(fx);
}
END_TEST

/* kernel-abi.md §5: without part 1 the write succeeds and nothing happens. */
START_TEST(test_dw_edma_without_dma_support)
{
	struct fx *fx = host(false, true);
	char *before = fx_read(fx, "dev/kmsg"), *after;

	fx_kernel_config(fx, "host_dma_function=0");
	EXPECT(fx,
	       "insmod " MODS "dma/dw-edma/dw-edma.ko\n"
	       "insmod " MODS "dma/dw-edma/dw-edma-pcie.ko\n"
	       "echo dw-edma-pcie > " DMAF "/driver_override\n"
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers_probe\n"
	       "test ! -e " DMAF "/driver\n",
	       "insmod " MODS "dma/dw-edma/dw-edma.ko",
	       "insmod " MODS "dma/dw-edma/dw-edma-pcie.ko",
	       "echo dw-edma-pcie > " DMAF "/driver_override",
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers_probe", "test ! -e " DMAF "/driver");
	after = fx_read(fx, "dev/kmsg");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	fx_free(fx);
}
END_TEST

START_TEST(test_dw_edma_probe_failures)
{
	struct fx *fx = host(false, true);
	char *oplog;

	fx_kernel_config(fx, "fail=probe:1:EIO");
	fx_kernel_config(fx, "pedm_ready=0");
	EXPECT(fx,
	       "insmod " MODS "dma/dw-edma/dw-edma.ko\n"
	       "insmod " MODS "dma/dw-edma/dw-edma-pcie.ko\n"
	       "echo dw-edma-pcie > " DMAF "/driver_override\n"
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers_probe\n"
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/bind -> ETIMEDOUT\n"
	       "test ! -e " DMAF "/driver\n",
	       "insmod " MODS "dma/dw-edma/dw-edma.ko",
	       "insmod " MODS "dma/dw-edma/dw-edma-pcie.ko",
	       "echo dw-edma-pcie > " DMAF "/driver_override",
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers_probe",
	       "echo 0000:08:00.1 > /sys/bus/pci/drivers/dw-edma-pcie/bind",
	       "test ! -e " DMAF "/driver");
	ck_assert(kmsg_has(fx, "dw-edma-pcie 0000:08:00.1: probe with driver dw-edma-pcie failed "
			       "with error -5"));
	ck_assert(kmsg_has(fx, "dw-edma-pcie 0000:08:00.1: probe with driver dw-edma-pcie failed "
			       "with error -110"));
	oplog = fx_oplog(fx);
	ck_assert(has(oplog, "probe 0000:08:00.1 dw-edma-pcie = -EIO\n"));
	ck_assert(has(oplog, "probe 0000:08:00.1 dw-edma-pcie = -ETIMEDOUT\n"));
	free(oplog);
	fx_free(fx);
}
END_TEST

START_TEST(test_resource_mmap_and_read)
{
	struct fx *fx = host(false, true);

	HOSTOP(fx,
	       "mmap " VNTB "/resource0 = 00 00 00 00 00 00 00 00\n"
	       "read " VNTB "/resource0 -> EIO\n"
	       "mmap " DMAF "/resource0 = 50 45 44 4d 01 00 cc 00\n"
	       "mmap " DMAF "/resource0 -> EINVAL\n",
	       "mmap " VNTB "/resource0 4096", "read " VNTB "/resource0",
	       "mmap " DMAF "/resource0 4096", "mmap " DMAF "/resource0 8192");
	fx_kernel_config(fx, "fail=mmap:4:ENOMEM"); /* the three above counted */
	HOSTOP(fx, "mmap " DMAF "/resource0 -> ENOMEM\n", "mmap " DMAF "/resource0 4096");
	/* Claimed by a driver: EINVAL (IO_STRICT_DEVMEM). */
	EXPECT(fx,
	       "insmod " MODS "ntb/ntb.ko\n"
	       "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko\n",
	       "insmod " MODS "ntb/ntb.ko", "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko");
	HOSTOP(fx, "mmap " VNTB "/resource0 -> EINVAL\n", "mmap " VNTB "/resource0 4096");
	/* A kernel booted with iomem=relaxed maps it (kernel/resource.c:1822). */
	fx_kernel_config(fx, "iomem=relaxed");
	HOSTOP(fx, "mmap " VNTB "/resource0 = 00 00 00 00 00 00 00 00\n",
	       "mmap " VNTB "/resource0 4096");
	fx_kernel_config(fx, "iomem=strict");
	HOSTOP(fx, "mmap " VNTB "/resource0 -> EINVAL\n", "mmap " VNTB "/resource0 4096");
	fx_free(fx);
}
END_TEST

START_TEST(test_rescan_and_remove)
{
	struct fx *fx = host(true, true);

	EXPECT(fx,
	       "test ! -e " VNTB "\n"
	       "insmod " MODS "ntb/ntb.ko\n"
	       "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko\n"
	       "echo x > /sys/bus/pci/rescan -> EINVAL\n"
	       "echo 1 > /sys/bus/pci/rescan\n"
	       "test -e " VNTB "/config\n"
	       "test -e " VNTB "/driver\n"
	       "test -e " DMAF "/resource0\n"
	       "echo dw-edma-pcie > " DMAF "/driver_override\n"
	       "echo 1 > " DMAF "/remove\n"
	       "test ! -e " DMAF "\n"
	       "echo 1 > /sys/bus/pci/rescan\n" DMAF "/driver_override = (null)\n"
	       "echo 1 > " VNTB "/remove\n"
	       "test ! -e /sys/bus/ntb/devices/0000:08:00.0\n"
	       "test ! -e " VNTB "\n",
	       "test ! -e " VNTB, "insmod " MODS "ntb/ntb.ko",
	       "insmod " MODS "ntb/hw/epf/ntb_hw_epf.ko", "echo x > /sys/bus/pci/rescan",
	       "echo 1 > /sys/bus/pci/rescan", "test -e " VNTB "/config", "test -e " VNTB "/driver",
	       "test -e " DMAF "/resource0", "echo dw-edma-pcie > " DMAF "/driver_override",
	       "echo 1 > " DMAF "/remove", "test ! -e " DMAF, "echo 1 > /sys/bus/pci/rescan",
	       "cat " DMAF "/driver_override", "echo 1 > " VNTB "/remove",
	       "test ! -e /sys/bus/ntb/devices/0000:08:00.0", "test ! -e " VNTB);
	ck_assert(kmsg_has(fx, "pci 0000:08:00.1: [1957:080b] type 00 class 0x080100"));
	fx_free(fx);
}
END_TEST

/* Surprise removal with a BAR mapped: all ones through the mapping. */
START_TEST(test_unplug_all_ones)
{
	struct fx *fx = host(false, true);
	char *p = fx_path(fx, VNTB "/resource0");
	struct epdma_vntb_ctrl c;
	int fd = open(p, O_RDWR | O_CLOEXEC);
	uint8_t *m;

	ck_assert_int_ge(fd, 0);
	m = mmap(NULL, 0x1000, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert(m != MAP_FAILED);
	ck_assert_int_eq(epdma_vntb_ctrl_parse(m, 0x1000, &c, NULL), EPDMA_BAR_OK);
	fx_host_unplug(fx, "0000:08:00.0", FX_UNPLUG_ONES);
	ck_assert(!fx_exists(fx, VNTB));
	ck_assert_int_eq(epdma_vntb_ctrl_parse(m, 0x1000, &c, NULL), EPDMA_BAR_GONE);
	munmap(m, 0x1000);
	close(fd);
	free(p);
	fx_free(fx);
}
END_TEST

/* ... or SIGBUS on the next touch (caught here: the sanitizer would take it). */
static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

START_TEST(test_unplug_sigbus)
{
	struct fx *fx = host(false, true);
	char *p = fx_path(fx, DMAF "/resource0");
	int fd = open(p, O_RDWR | O_CLOEXEC);
	struct sigaction sa = { .sa_handler = on_sigbus };
	volatile uint8_t *m;

	ck_assert_int_ge(fd, 0);
	m = mmap(NULL, 0x1000, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert(m != MAP_FAILED);
	ck_assert_uint_eq(m[0], 0x50);
	fx_host_unplug(fx, "0000:08:00.1", FX_UNPLUG_SIGBUS);
	ck_assert_int_eq(sigaction(SIGBUS, &sa, NULL), 0);
	if (sigsetjmp(bus_jmp, 1) == 0) {
		(void)m[0];
		ck_abort_msg("no SIGBUS from a BAR mapped across surprise removal");
	}
	ck_assert(!fx_exists(fx, DMAF));
	munmap((void *)m, 0x1000);
	close(fd);
	free(p);
	fx_free(fx);
}
END_TEST

START_TEST(test_module_params)
{
	struct fx *fx = host(false, false);
	char *oplog;

	EXPECT(fx,
	       "insmod " MODS "ntb/ntb.ko\n"
	       "insmod " MODS "ntb/ntb_transport.ko use_dma=abc -> EINVAL\n"
	       "test ! -e /sys/module/ntb_transport\n"
	       "insmod " MODS "ntb/ntb_transport.ko use_dma=1 transport_mtu=0x1000\n"
	       "/sys/module/ntb_transport/parameters/use_dma = Y\n"
	       "/sys/module/ntb_transport/parameters/transport_mtu = 4096\n"
	       "/sys/module/ntb_transport/parameters/max_mw_size = 0\n"
	       "echo N > /sys/module/ntb_transport/parameters/use_dma\n"
	       "/sys/module/ntb_transport/parameters/use_dma = N\n"
	       "echo q > /sys/module/ntb_transport/parameters/use_msi -> EINVAL\n"
	       "insmod " MODS "ntb/ntb_transport_ep_dma.ko dma_bdf=0000:08:00.1\n"
	       "/sys/module/ntb_transport_ep_dma/parameters/dma_bdf = 0000:08:00.1\n"
	       "echo 0000:09:00.1 > /sys/module/ntb_transport_ep_dma/parameters/dma_bdf -> EACCES\n"
	       "rmmod ntb_transport_ep_dma\n",
	       "insmod " MODS "ntb/ntb.ko", "insmod " MODS "ntb/ntb_transport.ko use_dma=abc",
	       "test ! -e /sys/module/ntb_transport",
	       "insmod " MODS "ntb/ntb_transport.ko use_dma=1 transport_mtu=0x1000",
	       "cat /sys/module/ntb_transport/parameters/use_dma",
	       "cat /sys/module/ntb_transport/parameters/transport_mtu",
	       "cat /sys/module/ntb_transport/parameters/max_mw_size",
	       "echo N > /sys/module/ntb_transport/parameters/use_dma",
	       "cat /sys/module/ntb_transport/parameters/use_dma",
	       "echo q > /sys/module/ntb_transport/parameters/use_msi",
	       "insmod " MODS "ntb/ntb_transport_ep_dma.ko dma_bdf=0000:08:00.1",
	       "cat /sys/module/ntb_transport_ep_dma/parameters/dma_bdf",
	       "echo 0000:09:00.1 > /sys/module/ntb_transport_ep_dma/parameters/dma_bdf",
	       "rmmod ntb_transport_ep_dma");
	ck_assert(kmsg_has(fx, "ntb_transport: `abc' invalid for parameter `use_dma'"));
	oplog = fx_oplog(fx);
	ck_assert(has(oplog, "write sys/module/ntb_transport/parameters/use_msi q = -EINVAL\n"));
	free(oplog);
	fx_free(fx);
}
END_TEST

/* A writable charp keeps the newline a store brings (params.c:262). */
START_TEST(test_param_charp_newline)
{
	struct fx *fx = host(false, true);

	EXPECT(fx,
	       "insmod " MODS "ntb/ntb.ko\n"
	       "insmod " MODS "ntb/ntb_transport_ep_dma.ko\n",
	       "insmod " MODS "ntb/ntb.ko", "insmod " MODS "ntb/ntb_transport_ep_dma.ko");
	HOSTOP(fx,
	       "/sys/module/ntb_transport_ep_dma/parameters/dma_bdf = \\n\n"
	       "write /sys/module/ntb_transport_ep_dma/parameters/dma_bdf\n"
	       "/sys/module/ntb_transport_ep_dma/parameters/dma_bdf = 0000:08:00.1\\n\n",
	       "show /sys/module/ntb_transport_ep_dma/parameters/dma_bdf",
	       "write /sys/module/ntb_transport_ep_dma/parameters/dma_bdf 0000:08:00.1",
	       "show /sys/module/ntb_transport_ep_dma/parameters/dma_bdf");
	EXPECT(fx, "echo 0000:08:00.1 > /sys/module/ntb_transport_ep_dma/parameters/dma_bdf\n",
	       "echo 0000:08:00.1 > /sys/module/ntb_transport_ep_dma/parameters/dma_bdf");
	HOSTOP(fx, "/sys/module/ntb_transport_ep_dma/parameters/dma_bdf = 0000:08:00.1\\n\\n\n",
	       "show /sys/module/ntb_transport_ep_dma/parameters/dma_bdf");
	fx_free(fx);
}
END_TEST

START_TEST(test_module_refcnt)
{
	struct fx *fx = host(false, true);

	fx_kernel_config(fx, "refcnt=ntb_transport:2");
	EXPECT(fx,
	       "insmod " MODS "ntb/ntb.ko\n"
	       "insmod " MODS "ntb/ntb_transport.ko\n"
	       "/sys/module/ntb_transport/refcnt = 2\n"
	       "rmmod ntb_transport -> EAGAIN\n"
	       "rmmod ntb -> EAGAIN\n"
	       "test -d /sys/module/ntb/holders/ntb_transport\n",
	       "insmod " MODS "ntb/ntb.ko", "insmod " MODS "ntb/ntb_transport.ko",
	       "cat /sys/module/ntb_transport/refcnt", "rmmod ntb_transport", "rmmod ntb",
	       "test -d /sys/module/ntb/holders/ntb_transport");
	fx_free(fx);
}
END_TEST

START_TEST(test_two_cards_and_split_slot)
{
	struct fx *fx = fx_new();
	struct epdma_config *cfg;
	char **devs;
	size_t n = 0;

	fx_x86_host(fx);
	cfg = load_config(fx, conf_text);
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg });
	fx_host_card(fx, &(struct fx_host_card){ .cfg = cfg,
						 .bdf = "0000:0a:00.0",
						 .dma_bdf = "0000:0b:00.0",
						 .mmio = 0x90000000 });
	epdma_config_free(cfg);
	ck_assert(fx_exists(fx, "sys/bus/pci/devices/0000:0a:00.0/resource0"));
	ck_assert(fx_exists(fx, "sys/bus/pci/devices/0000:0b:00.0/resource0"));
	ck_assert(!fx_exists(fx, "sys/bus/pci/devices/0000:0a:00.1"));
	devs = fx_list(fx, "sys/bus/pci/devices");
	while (devs[n])
		n++;
	fx_list_free(devs);
	ck_assert_uint_eq(n, 32 + 4);
	fx_free(fx);
}
END_TEST

START_TEST(test_many_functions)
{
	struct fx *fx = fx_new();
	char **devs;
	size_t n = 0;

	fx_host_many(fx, 4096);
	devs = fx_list(fx, "sys/bus/pci/devices");
	while (devs[n])
		n++;
	ck_assert_uint_eq(n, 4096);
	ck_assert_str_eq(devs[4095], "0001:0f:1f.7");
	fx_list_free(devs);
	fx_free(fx);
}
END_TEST

static Suite *host_suite(void)
{
	Suite *s = suite_create("fakekernel-host");
	TCase *tc = tcase_create("pci");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_card_tree);
	tcase_add_test(tc, test_ntb_hw_epf_binds_by_id);
	tcase_add_test(tc, test_ntb_hw_epf_msi_fails);
	tcase_add_test(tc, test_ntb_hw_epf_override_fails);
	tcase_add_test(tc, test_dw_edma_override_probe);
	tcase_add_test(tc, test_dw_edma_without_dma_support);
	tcase_add_test(tc, test_dw_edma_probe_failures);
	tcase_add_test(tc, test_resource_mmap_and_read);
	tcase_add_test(tc, test_rescan_and_remove);
	tcase_add_test(tc, test_unplug_all_ones);
	tcase_add_test(tc, test_unplug_sigbus);
	tcase_add_test(tc, test_two_cards_and_split_slot);
	suite_add_tcase(s, tc);
	/* 4,096 functions are some 50,000 files: minutes on a loaded 2-core machine. */
	tc = tcase_create("many");
	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_many_functions);
	suite_add_tcase(s, tc);
	tc = tcase_create("modules");
	tcase_add_test(tc, test_module_params);
	tcase_add_test(tc, test_param_charp_newline);
	tcase_add_test(tc, test_module_refcnt);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(host_suite());
}
