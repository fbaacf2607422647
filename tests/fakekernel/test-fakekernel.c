// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fake kernel's features that the real-kernel transcript does not
 * cover: old-generation delayed work, failure injection, the oplog, module
 * insert/remove, mount, max-functions variants, start, WARN_ON_ONCE,
 * parsing corners. Commands run through epdma-replay -c (transcript syntax)
 * with the fake kernel preloaded; each output line is the command plus
 * " -> ERRNO" when it failed, "PATH = VALUE" for cat.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"

#define EPC  "e65d0000.pcie-ep"
#define CTRL "controllers/" EPC
#define DMA  "functions/pci_epf_dma"
#define VNTB "functions/pci_epf_vntb"

static char *replay_path(void)
{
	char exe[PATH_MAX], *slash, *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	*slash = '\0';
	ck_assert_int_gt(asprintf(&path, "%s/epdma-replay", exe), 0);
	return path;
}

/* Run CMDS in one preloaded process; returns its stdout (caller frees). */
static char *run(struct fx *fx, const char *const *cmds)
{
	const char *argv[64] = { NULL, "-c" };
	struct fx_result r;
	size_t n = 2;
	char *out;

	argv[0] = replay_path();
	for (size_t i = 0; cmds[i] && n < 63; i++)
		argv[n++] = cmds[i];
	argv[n] = NULL;
	fx_run(fx, &r, argv);
	ck_assert_msg(r.status == 0, "epdma-replay failed (%d): %s%s", r.status, r.out, r.err);
	out = r.out;
	r.out = NULL;
	fx_result_free(&r);
	free((char *)argv[0]);
	return out;
}

#define RUN(fx, ...) run(fx, (const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT(fx, expected, ...)                                                                  \
	do {                                                                                       \
		char *out_ = RUN(fx, __VA_ARGS__);                                                 \
		ck_assert_msg(!strcmp(out_, expected), "expected:\n%s\ngot:\n%s", expected, out_); \
		free(out_);                                                                        \
	} while (0)

static bool kmsg_has(struct fx *fx, const char *text)
{
	char *log = fx_read(fx, "dev/kmsg");
	bool found = log && strstr(log, text);

	free(log);
	return found;
}

static int kmsg_count(struct fx *fx, const char *text)
{
	char *log = fx_read(fx, "dev/kmsg");
	int n = 0;

	for (char *s = log; s && (s = strstr(s, text)); s++)
		n++;
	free(log);
	return n;
}

/* ---- mkdir: attributes, subgroups, the global EPF pool ---- */

START_TEST(test_mkdir_defaults_and_pool)
{
	struct fx *fx = fx_new();

	fx_conformance(fx);
	EXPECT(fx,
	       "mkdir " VNTB "/v0\n"
	       "mkdir " DMA "/d0\n"
	       "functions/pci_epf_dma/d0/pci_epf_dma.1/wr_chans = 0\n"
	       "functions/pci_epf_dma/d0/interrupt_pin = 0x0001\n"
	       "functions/pci_epf_dma/d0/msi_interrupts = 0\n"
	       "functions/pci_epf_vntb/v0/pci_epf_vntb.0/vbus_number = 255\n"
	       "functions/pci_epf_vntb/v0/subclass_code = 0x0000\n"
	       "rmdir " VNTB "/v0\n"
	       "mkdir " DMA "/d1\n"
	       "test -d " DMA "/d1/pci_epf_dma.0\n"
	       "test -e /sys/bus/pci-epf/devices/pci_epf_dma.0\n"
	       "test ! -e " DMA "/d1/pci_epf_dma.0/ctrl_bar\n",
	       "mkdir " VNTB "/v0", "mkdir " DMA "/d0", "cat " DMA "/d0/pci_epf_dma.1/wr_chans",
	       "cat " DMA "/d0/interrupt_pin", "cat " DMA "/d0/msi_interrupts",
	       "cat " VNTB "/v0/pci_epf_vntb.0/vbus_number", "cat " VNTB "/v0/subclass_code",
	       "rmdir " VNTB "/v0", "mkdir " DMA "/d1", "test -d " DMA "/d1/pci_epf_dma.0",
	       "test -e /sys/bus/pci-epf/devices/pci_epf_dma.0",
	       "test ! -e " DMA "/d1/pci_epf_dma.0/ctrl_bar");
	ck_assert(!fx_exists(fx, "sys/bus/pci-epf/devices/pci_epf_vntb.0"));
	ck_assert(kmsg_has(fx, "pci_epf_vntb pci_epf_vntb.0: pci-ep epf driver loaded"));
	fx_free(fx);
}
END_TEST

START_TEST(test_mkdir_errors)
{
	struct fx *fx = fx_new();

	fx_conformance(fx);
	EXPECT(fx,
	       "mkdir functions/x -> EPERM\n"
	       "mkdir functions/pci_epf_ntb/f -> ENOENT\n"
	       "mkdir controllers/foo -> EPERM\n"
	       "mkdir " DMA "/d0\n"
	       "mkdir " DMA "/d0 -> EEXIST\n"
	       "mkdir " DMA "/d0/sub -> EPERM\n"
	       "mkdir " DMA "/d0/primary/x -> EPERM\n"
	       "rmdir " DMA "/d0/primary -> EPERM\n"
	       "rmdir " DMA "/d0/pci_epf_dma.0 -> EPERM\n"
	       "rm " DMA "/d0/vendorid -> EPERM\n"
	       "echo 1 > " DMA "/d0/nonexistent -> EACCES\n"
	       "mkdir /sys/bus/pci-epf/foo -> EPERM\n",
	       "mkdir functions/x", "mkdir functions/pci_epf_ntb/f", "mkdir controllers/foo",
	       "mkdir " DMA "/d0", "mkdir " DMA "/d0", "mkdir " DMA "/d0/sub",
	       "mkdir " DMA "/d0/primary/x", "rmdir " DMA "/d0/primary",
	       "rmdir " DMA "/d0/pci_epf_dma.0", "rm " DMA "/d0/vendorid",
	       "echo 1 > " DMA "/d0/nonexistent", "mkdir /sys/bus/pci-epf/foo");
	fx_free(fx);
}
END_TEST

/* ---- old generation: delayed primary/secondary, user-made subgroup ---- */

START_TEST(test_old_generation)
{
	struct fx *fx = fx_new();

	fx_conformance(fx);
	fx_kernel_config(fx, "generation=old");
	fx_kernel_config(fx, "old_delay_ms=300");
	EXPECT(fx,
	       "mkdir " VNTB "/v0\n"
	       "test -d " VNTB "/v0/primary -> false\n"
	       "test -d " VNTB "/v0/pci_epf_vntb.0 -> false\n",
	       "mkdir " VNTB "/v0", "test -d " VNTB "/v0/primary",
	       "test -d " VNTB "/v0/pci_epf_vntb.0");
	/* A later process sees the delayed work done (applied on its stat). */
	EXPECT(fx,
	       "sleep 400\n"
	       "test -d " VNTB "/v0/primary\n"
	       "test -d " VNTB "/v0/secondary\n"
	       "mkdir " VNTB "/v0/pci_epf_vntb.0\n"
	       "functions/pci_epf_vntb/v0/pci_epf_vntb.0/vbus_number = 255\n"
	       "mkdir " VNTB "/v0/again -> EINVAL\n"
	       "rmdir " VNTB "/v0 -> ENOTEMPTY\n"
	       "rmdir " VNTB "/v0/pci_epf_vntb.0\n"
	       "rmdir " VNTB "/v0\n"
	       "mkdir functions/pci_epf_test/t0\n"
	       "mkdir functions/pci_epf_test/t0/sub -> ENOMEM\n",
	       "sleep 400", "test -d " VNTB "/v0/primary", "test -d " VNTB "/v0/secondary",
	       "mkdir " VNTB "/v0/pci_epf_vntb.0", "cat " VNTB "/v0/pci_epf_vntb.0/vbus_number",
	       "mkdir " VNTB "/v0/again", "rmdir " VNTB "/v0", "rmdir " VNTB "/v0/pci_epf_vntb.0",
	       "rmdir " VNTB "/v0", "mkdir functions/pci_epf_test/t0",
	       "mkdir functions/pci_epf_test/t0/sub");
	fx_free(fx);
}
END_TEST

/* ---- failure injection and the oplog ---- */

START_TEST(test_fail_injection)
{
	struct fx *fx = fx_new();
	char *oplog;

	fx_conformance(fx);
	fx_kernel_config(fx, "fail=mkdir:2:EIO");
	fx_kernel_config(fx, "fail=write:1:ENOMEM");
	/* Counted across processes: the second mkdir is in another run. */
	EXPECT(fx, "mkdir " DMA "/a\n", "mkdir " DMA "/a");
	EXPECT(fx,
	       "mkdir " DMA "/b -> EIO\n"
	       "test ! -e " DMA "/b\n"
	       "mkdir " DMA "/c\n"
	       "echo 0x1234 > " DMA "/c/vendorid -> ENOMEM\n"
	       "functions/pci_epf_dma/c/vendorid = 0xffff\n"
	       "echo 0x1234 > " DMA "/c/vendorid\n",
	       "mkdir " DMA "/b", "test ! -e " DMA "/b", "mkdir " DMA "/c",
	       "echo 0x1234 > " DMA "/c/vendorid", "cat " DMA "/c/vendorid",
	       "echo 0x1234 > " DMA "/c/vendorid");
	oplog = fx_oplog(fx);
	ck_assert_ptr_nonnull(strstr(oplog, "mkdir sys/kernel/config/pci_ep/functions/pci_epf_dma/b"
					    " = -EIO\n"));
	free(oplog);
	fx_free(fx);
}
END_TEST

START_TEST(test_oplog)
{
	struct fx *fx = fx_new();
	char *oplog;

	fx_conformance(fx);
	free(RUN(fx, "mkdir " DMA "/d0", "echo 4 > " DMA "/d0/msi_interrupts",
		 "echo 1 > " DMA "/d0/pci_epf_dma.0/wr_chans",
		 "echo 9 > " DMA "/d0/pci_epf_dma.0/rd_chans", "ln -s " DMA "/d0 " CTRL "/",
		 "echo 1 > " CTRL "/start", "echo 0 > " CTRL "/start", "rm " CTRL "/d0",
		 "rmdir " DMA "/d0"));
	oplog = fx_oplog(fx);
	ck_assert_str_eq(
		oplog,
		"mkdir sys/kernel/config/pci_ep/functions/pci_epf_dma/d0 = 0\n"
		"write sys/kernel/config/pci_ep/functions/pci_epf_dma/d0/msi_interrupts 4 = 0\n"
		"write sys/kernel/config/pci_ep/functions/pci_epf_dma/d0/pci_epf_dma.0/wr_chans 1 "
		"= 0\n"
		"write sys/kernel/config/pci_ep/functions/pci_epf_dma/d0/pci_epf_dma.0/rd_chans 9 "
		"= -EINVAL\n"
		"symlink sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/d0 "
		"functions/pci_epf_dma/d0 = 0\n"
		"write sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/start 1 = 0\n"
		"write sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/start 0 = 0\n"
		"unlink sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/d0 = 0\n"
		"rmdir sys/kernel/config/pci_ep/functions/pci_epf_dma/d0 = 0\n");
	free(oplog);
	fx_free(fx);
}
END_TEST

/* ---- modules and mount ---- */

START_TEST(test_modules)
{
	struct fx *fx = fx_new();
	char *oplog;

	fx_conformance(fx);
	EXPECT(fx,
	       "insmod /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko\n"
	       "/sys/module/ntb_hw_epf/initstate = live\n"
	       "insmod /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko -> EEXIST\n"
	       "rmmod ntb_hw_epf\n"
	       "test ! -e /sys/module/ntb_hw_epf\n"
	       "rmmod ntb_hw_epf -> ENOENT\n"
	       "insmod-mem /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko\n"
	       "mkdir " DMA "/d0\n"
	       "rmmod pci_epf_dma -> EBUSY\n"
	       "rmdir " DMA "/d0\n"
	       "rmmod pci_epf_dma\n"
	       "test ! -e " DMA "\n"
	       "test ! -e /sys/bus/pci-epf/drivers/pci_epf_dma\n"
	       "insmod /lib/modules/6.12.117/kernel/drivers/pci/endpoint/functions/pci-epf-dma.ko\n"
	       "test -d " DMA "\n"
	       "test -d /sys/bus/pci-epf/drivers/pci_epf_dma\n",
	       "insmod /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko",
	       "cat /sys/module/ntb_hw_epf/initstate",
	       "insmod /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko",
	       "rmmod ntb_hw_epf", "test ! -e /sys/module/ntb_hw_epf", "rmmod ntb_hw_epf",
	       "insmod-mem /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko",
	       "mkdir " DMA "/d0", "rmmod pci_epf_dma", "rmdir " DMA "/d0", "rmmod pci_epf_dma",
	       "test ! -e " DMA, "test ! -e /sys/bus/pci-epf/drivers/pci_epf_dma",
	       "insmod /lib/modules/6.12.117/kernel/drivers/pci/endpoint/functions/pci-epf-dma.ko",
	       "test -d " DMA, "test -d /sys/bus/pci-epf/drivers/pci_epf_dma");
	oplog = fx_oplog(fx);
	ck_assert_ptr_nonnull(strstr(oplog,
				     "finit_module lib/modules/6.12.117/kernel/drivers/ntb/hw/"
				     "epf/ntb_hw_epf.ko = 0\n"));
	ck_assert_ptr_nonnull(strstr(oplog, "delete_module pci_epf_dma = -EBUSY\n"));
	ck_assert_ptr_nonnull(strstr(oplog, "init_module ntb_hw_epf = 0\n"));
	free(oplog);
	fx_free(fx);
}
END_TEST

START_TEST(test_module_fail)
{
	struct fx *fx = fx_new();

	fx_conformance(fx);
	fx_kernel_config(fx, "fail=finit_module:1:ENOMEM");
	EXPECT(fx,
	       "insmod /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko -> ENOMEM\n"
	       "test ! -e /sys/module/ntb_hw_epf\n"
	       "insmod /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko\n",
	       "insmod /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko",
	       "test ! -e /sys/module/ntb_hw_epf",
	       "insmod /lib/modules/6.12.117/kernel/drivers/ntb/hw/epf/ntb_hw_epf.ko");
	fx_free(fx);
}
END_TEST

START_TEST(test_mount)
{
	static const unsigned char two = 2;
	const struct fx_controller c = {
		.name = EPC,
		.parent = "soc",
		.dt_node = "soc/pcie-ep@e65d0000",
		.compatible = "renesas,r8a779f0-pcie-ep",
		.max_functions = &two,
		.max_functions_len = 1,
	};
	struct fx *fx = fx_new();

	fx_kernel_release(fx, "6.12.0");
	fx_mkdir(fx, "sys/kernel/config");
	fx_controller(fx, &c);
	fx_epf_driver(fx, "pci_epf_vntb", "pci-epf-vntb", true);
	EXPECT(fx,
	       "test ! -e /sys/kernel/config/pci_ep\n"
	       "mkdir /sys/kernel/config/pci_ep -> EPERM\n"
	       "mount -t configfs none /sys/kernel/config\n"
	       "/sys/kernel/config/pci_ep/controllers/" EPC "/start = 0\n"
	       "test -d /sys/kernel/config/pci_ep/functions/pci_epf_vntb\n"
	       "test ! -e /sys/kernel/config/pci_ep/functions/pci_epf_dma\n"
	       "mount -t configfs none /sys/kernel/config -> EBUSY\n",
	       "test ! -e /sys/kernel/config/pci_ep", "mkdir /sys/kernel/config/pci_ep",
	       "mount -t configfs none /sys/kernel/config",
	       "cat /sys/kernel/config/pci_ep/controllers/" EPC "/start",
	       "test -d /sys/kernel/config/pci_ep/functions/pci_epf_vntb",
	       "test ! -e /sys/kernel/config/pci_ep/functions/pci_epf_dma",
	       "mount -t configfs none /sys/kernel/config");
	fx_free(fx);
}
END_TEST

/* ---- links: max-functions, link forms, start ---- */

#define DMA_READY(f)                                                 \
	"mkdir " DMA "/" f, "echo 1 > " DMA "/" f "/msi_interrupts", \
		"echo 1 > $(ls -d " DMA "/" f "/pci_epf_dma.*)/wr_chans"
#define DMA_READY_OUT(f)                          \
	"mkdir " DMA "/" f "\n"                   \
	"echo 1 > " DMA "/" f "/msi_interrupts\n" \
	"echo 1 > $(ls -d " DMA "/" f "/pci_epf_dma.*)/wr_chans\n"

static void link_in(struct fx *fx, const char *target, const char *rel)
{
	char *p = fx_path(fx, rel);

	ck_assert_msg(symlink(target, p) == 0, "symlink %s: %s", p, strerror(errno));
	free(p);
}

/* The fake kernel resolves every path it is handed with its own realpath(3) (the kernel's
 * walk, named by /proc/self/fd): it must answer as realpath(3) does, result or errno, for
 * links relative and absolute, chains, "..", loops, escapes above the root and missing
 * parts. */
START_TEST(test_resolver_matches_realpath)
{
	static const char *const rels[] = {
		"",	      "a",
		"a/b",	      "a/b/c",
		"a/b/f",      "a/b/f/x",
		"l1",	      "l1/c",
		"l1/c/up",    "l1/c/up/l1/f",
		"a/l2",	      "a/l2/..",
		"a/l2/../f",  "chain",
		"chain/c",    "abs",
		"abs/c/up",   "loop1",
		"loop1/x",    "esc",
		"esc/root/a", "dangling",
		"a/missing",  "a/missing/x",
		"a/./b/../b", "a/b/c/up/../..",
		"..",	      "../root/a/b",
		"self",	      "self/a",
	};
	struct fx *fx = fx_new();
	char *(*fk_realpath)(const char *, char *);
	bool (*fk_init)(void);
	char *abs, base[PATH_MAX];
	void *lib;

	fx_mkdir(fx, "a/b/c");
	fx_write(fx, "a/b/f", "%s", "file\n");
	ck_assert(realpath(fx->root, base));
	link_in(fx, "a/b", "l1");
	link_in(fx, "../a/b/c", "a/l2");
	link_in(fx, "../..", "a/b/c/up");
	link_in(fx, "l1", "chain");
	ck_assert_int_gt(asprintf(&abs, "%s/a/b", base), 0);
	link_in(fx, abs, "abs");
	link_in(fx, "loop2", "loop1");
	link_in(fx, "loop1", "loop2");
	link_in(fx, "..", "esc");
	link_in(fx, "nowhere", "dangling");
	link_in(fx, ".", "self");
	setenv("EPDMA_FAKE_ROOT", fx->root, 1);
	setenv("EPDMA_FAKE_STATE", fx->state, 1);
	/* RTLD_LOCAL: its open() and friends stay out of this process's own calls. */
	lib = dlopen(FAKEKERNEL_PATH, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(lib, "%s", dlerror());
	fk_init = (bool (*)(void))dlsym(lib, "fk_init");
	fk_realpath = (char *(*)(const char *, char *))dlsym(lib, "fk_realpath");
	ck_assert(fk_init && fk_realpath && fk_init());
	for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
		char path[PATH_MAX + 64], want[PATH_MAX], got[PATH_MAX];
		char *w, *g;
		int werr, gerr;

		snprintf(path, sizeof(path), "%s%s%s", base, *rels[i] ? "/" : "", rels[i]);
		errno = 0;
		w = realpath(path, want);
		werr = errno;
		errno = 0;
		g = fk_realpath(path, got);
		gerr = errno;
		ck_assert_msg(!w == !g, "%s: realpath %s, fake %s", rels[i], w ? w : strerror(werr),
			      g ? g : strerror(gerr));
		if (w)
			ck_assert_msg(!strcmp(want, got), "%s: realpath %s, fake %s", rels[i], want,
				      got);
		else
			ck_assert_msg(werr == gerr, "%s: realpath %s, fake %s", rels[i],
				      strerror(werr), strerror(gerr));
	}
	dlclose(lib);
	free(abs);
	fx_free(fx);
}
END_TEST

START_TEST(test_max_functions_absent)
{
	struct fx *fx = fx_new();
	char *out;

	fx_rk3588(fx);
	out = RUN(fx, DMA_READY("d0"), DMA_READY("d1"),
		  "ln -s " DMA "/d0 controllers/a40000000.pcie-ep/",
		  "ln -s " DMA "/d1 controllers/a40000000.pcie-ep/");
	ck_assert_ptr_nonnull(strstr(out, "ln -s " DMA "/d0 controllers/a40000000.pcie-ep/\n"));
	ck_assert_ptr_nonnull(
		strstr(out, "ln -s " DMA "/d1 controllers/a40000000.pcie-ep/ -> EINVAL\n"));
	ck_assert(
		kmsg_has(fx, "pci_epc a40000000.pcie-ep: Exceeding max supported Function Number"));
	free(out);
	fx_free(fx);
}
END_TEST

START_TEST(test_max_functions_cell)
{
	struct fx *fx = fx_new();
	char *out;

	/* A 4-byte cell reads as its first byte, 0: the link passes the limit
	 * check, but no function can bind (real 6.12, tests/kernel). */
	fx_bad_max_functions(fx);
	out = RUN(fx, DMA_READY("d0"), "ln -s " DMA "/d0 " CTRL "/");
	ck_assert_msg(strstr(out, "ln -s " DMA "/d0 " CTRL "/ -> EOPNOTSUPP"), "%s", out);
	ck_assert(kmsg_has(fx, "controller reports no features"));
	ck_assert(!kmsg_has(fx, "Exceeding max supported Function Number"));
	ck_assert(!kmsg_has(fx, "bound as fn"));
	free(out);
	fx_free(fx);
}
END_TEST

START_TEST(test_link_forms)
{
	struct fx *fx = fx_new();
	char buf[PATH_MAX], *p;
	ssize_t n;

	fx_conformance(fx);
	EXPECT(fx,
	       DMA_READY_OUT("d0") "ln -s " CTRL " " DMA "/d0/primary/\n"
				   "ln -s " DMA "/d0 " CTRL "/ -> EBUSY\n"
				   "rmdir " DMA "/d0 -> ENOTEMPTY\n"
				   "ln -s /tmp " CTRL "/x -> EPERM\n"
				   "ln -s " DMA "/d1 " CTRL "/ -> ENOENT\n"
				   "ln -s " CTRL " functions/ -> EPERM\n",
	       DMA_READY("d0"), "ln -s " CTRL " " DMA "/d0/primary/", "ln -s " DMA "/d0 " CTRL "/",
	       "rmdir " DMA "/d0", "ln -s /tmp " CTRL "/x", "ln -s " DMA "/d1 " CTRL "/",
	       "ln -s " CTRL " functions/");
	p = fx_path(fx, "sys/kernel/config/pci_ep/" DMA "/d0/primary/" EPC);
	n = readlink(p, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "../../../../controllers/" EPC);
	free(p);
	ck_assert(kmsg_has(fx, "bound as fn0:"));
	EXPECT(fx,
	       "rm " DMA "/d0/primary/" EPC "\n"
	       "rmdir " DMA "/d0\n",
	       "rm " DMA "/d0/primary/" EPC, "rmdir " DMA "/d0");
	fx_free(fx);
}
END_TEST

/* Reading mwN above num_mws fails as it does on the real 6.12 (tests/kernel). */
START_TEST(test_read_mw_beyond_num_mws)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *mw1 = NULL, *mw2 = NULL, *out;

	fx_conformance(fx);
	out = RUN(fx, "mkdir " VNTB "/v0", "echo 1 > " VNTB "/v0/pci_epf_vntb.0/num_mws");
	ck_assert_msg(!strstr(out, " -> "), "%s", out);
	free(out);
	ck_assert_int_ge(asprintf(&mw1,
				  "%s/sys/kernel/config/pci_ep/" VNTB "/v0/pci_epf_vntb.0/mw1",
				  fx->root),
			 0);
	ck_assert_int_ge(asprintf(&mw2,
				  "%s/sys/kernel/config/pci_ep/" VNTB "/v0/pci_epf_vntb.0/mw2",
				  fx->root),
			 0);
	fx_run(fx, &r, (const char *const[]){ "/bin/cat", mw1, NULL });
	ck_assert_msg(r.status == 0, "%s", r.err);
	fx_result_free(&r);
	ck_assert(!kmsg_has(fx, "Invalid num_nws"));
	fx_run(fx, &r, (const char *const[]){ "/bin/cat", mw2, NULL });
	ck_assert_int_ne(r.status, 0);
	ck_assert_msg(strstr(r.err, "Invalid argument"), "%s", r.err);
	fx_result_free(&r);
	ck_assert(kmsg_has(fx, "pci_epf_vntb pci_epf_vntb.0: Invalid num_nws: 1 value"));
	free(mw1);
	free(mw2);
	fx_free(fx);
}
END_TEST

START_TEST(test_start_and_warn)
{
	struct fx *fx = fx_new();

	fx_conformance(fx);
	EXPECT(fx,
	       DMA_READY_OUT("d0") "ln -s " DMA "/d0 " CTRL "/\n"
				   "echo 0 > " CTRL "/start -> EALREADY\n"
				   "echo 1 > " CTRL "/start\n"
				   "echo 0x1 > " CTRL "/start\n"
				   "controllers/" EPC "/start = 0\n"
				   "echo on > " CTRL "/start\n"
				   "echo x > " CTRL "/start -> EINVAL\n"
				   "rm " CTRL "/d0\n"
				   "ln -s " DMA "/d0 " CTRL "/\n"
				   "rm " CTRL "/d0\n",
	       DMA_READY("d0"), "ln -s " DMA "/d0 " CTRL "/", "echo 0 > " CTRL "/start",
	       "echo 1 > " CTRL "/start", "echo 0x1 > " CTRL "/start", "cat " CTRL "/start",
	       "echo on > " CTRL "/start", "echo x > " CTRL "/start", "rm " CTRL "/d0",
	       "ln -s " DMA "/d0 " CTRL "/", "rm " CTRL "/d0");
	/* WARN_ON_ONCE: one report per boot. */
	ck_assert_int_eq(kmsg_count(fx, "at drivers/pci/endpoint/pci-ep-cfs.c"), 1);
	ck_assert(kmsg_has(fx, "pci_epc_epf_unlink"));
	fx_free(fx);
}
END_TEST

START_TEST(test_start_fail)
{
	struct fx *fx = fx_new();

	fx_conformance(fx);
	fx_kernel_config(fx, "start_fail=1");
	EXPECT(fx,
	       "echo 1 > " CTRL "/start -> EINVAL\n"
	       "controllers/" EPC "/start = 0\n",
	       "echo 1 > " CTRL "/start", "cat " CTRL "/start");
	ck_assert(kmsg_has(fx, "pci_epc " EPC ": failed to start endpoint controller"));
	fx_free(fx);
}
END_TEST

/* ---- attributes ---- */

START_TEST(test_vntb_attrs_612)
{
	struct fx *fx = fx_new();

	fx_conformance(fx);
	EXPECT(fx,
	       "mkdir " VNTB "/v0\n"
	       "echo 5 > " VNTB "/v0/pci_epf_vntb.0/num_mws -> EINVAL\n"
	       "echo 0x100000 > " VNTB "/v0/pci_epf_vntb.0/mw1 -> EINVAL\n"
	       "echo 0x100000000 > " VNTB "/v0/pci_epf_vntb.0/spad_count -> ERANGE\n"
	       "echo +7 > " VNTB "/v0/pci_epf_vntb.0/spad_count\n"
	       "functions/pci_epf_vntb/v0/pci_epf_vntb.0/spad_count = 7\n"
	       "echo 4294967295 > " VNTB "/v0/pci_epf_vntb.0/vntb_vid\n"
	       "functions/pci_epf_vntb/v0/pci_epf_vntb.0/vntb_vid = -1\n"
	       "echo 0x > " VNTB "/v0/vendorid -> EINVAL\n"
	       "test ! -e " VNTB "/v0/pci_epf_vntb.0/ctrl_bar\n"
	       "echo 1 > " VNTB "/v0/pci_epf_vntb.0/db_count\n"
	       "ln -s " VNTB "/v0 " CTRL "/\n"
	       "/sys/bus/pci/devices/0000:ff:00.0/vendor = 0xffff\n"
	       "test -e /sys/bus/ntb/devices/0000:ff:00.0\n"
	       "rm " CTRL "/v0\n"
	       "test -e /sys/class/pci_bus/0000:ff\n"
	       "test ! -e /sys/bus/pci/devices/0000:ff:00.0/driver\n",
	       "mkdir " VNTB "/v0", "echo 5 > " VNTB "/v0/pci_epf_vntb.0/num_mws",
	       "echo 0x100000 > " VNTB "/v0/pci_epf_vntb.0/mw1",
	       "echo 0x100000000 > " VNTB "/v0/pci_epf_vntb.0/spad_count",
	       "echo +7 > " VNTB "/v0/pci_epf_vntb.0/spad_count",
	       "cat " VNTB "/v0/pci_epf_vntb.0/spad_count",
	       "echo 4294967295 > " VNTB "/v0/pci_epf_vntb.0/vntb_vid",
	       "cat " VNTB "/v0/pci_epf_vntb.0/vntb_vid", "echo 0x > " VNTB "/v0/vendorid",
	       "test ! -e " VNTB "/v0/pci_epf_vntb.0/ctrl_bar",
	       "echo 1 > " VNTB "/v0/pci_epf_vntb.0/db_count", "ln -s " VNTB "/v0 " CTRL "/",
	       "cat /sys/bus/pci/devices/0000:ff:00.0/vendor",
	       "test -e /sys/bus/ntb/devices/0000:ff:00.0", "rm " CTRL "/v0",
	       "test -e /sys/class/pci_bus/0000:ff",
	       "test ! -e /sys/bus/pci/devices/0000:ff:00.0/driver");
	ck_assert(kmsg_has(fx, "pci_epf_vntb pci_epf_vntb.0: Invalid num_nws: 0 value"));
	fx_free(fx);
}
END_TEST

START_TEST(test_vntb_attrs_618)
{
	struct fx *fx = fx_new();

	fx_rcar_s4(fx); /* vntb_bar_attrs=1; pci_epf_test.0 is not taken here */
	EXPECT(fx,
	       "mkdir " VNTB "/v0\n"
	       "echo 6 > " VNTB "/v0/pci_epf_vntb.0/ctrl_bar -> EINVAL\n"
	       "echo 2 > " VNTB "/v0/pci_epf_vntb.0/ctrl_bar\n"
	       "functions/pci_epf_vntb/v0/pci_epf_vntb.0/mw4_bar = -1\n"
	       "echo 0x100000 > " VNTB "/v0/pci_epf_vntb.0/mw1 -> ERANGE\n",
	       "mkdir " VNTB "/v0", "echo 6 > " VNTB "/v0/pci_epf_vntb.0/ctrl_bar",
	       "echo 2 > " VNTB "/v0/pci_epf_vntb.0/ctrl_bar",
	       "cat " VNTB "/v0/pci_epf_vntb.0/mw4_bar",
	       "echo 0x100000 > " VNTB "/v0/pci_epf_vntb.0/mw1");
	ck_assert(kmsg_has(fx, "MW1 out of range (num_mws=0)"));
	fx_free(fx);
}
END_TEST

START_TEST(test_shared_header)
{
	struct fx *fx = fx_new();

	/* pci_epf_vntb's header is one static struct: values outlive rmdir. */
	fx_conformance(fx);
	EXPECT(fx,
	       "mkdir " VNTB "/v0\n"
	       "echo 0x1957 > " VNTB "/v0/vendorid\n"
	       "rmdir " VNTB "/v0\n"
	       "mkdir " VNTB "/v1\n"
	       "functions/pci_epf_vntb/v1/vendorid = 0x1957\n"
	       "mkdir " DMA "/d0\n"
	       "echo 0x1234 > " DMA "/d0/vendorid\n"
	       "mkdir " DMA "/d1\n"
	       "functions/pci_epf_dma/d1/vendorid = 0xffff\n",
	       "mkdir " VNTB "/v0", "echo 0x1957 > " VNTB "/v0/vendorid", "rmdir " VNTB "/v0",
	       "mkdir " VNTB "/v1", "cat " VNTB "/v1/vendorid", "mkdir " DMA "/d0",
	       "echo 0x1234 > " DMA "/d0/vendorid", "mkdir " DMA "/d1", "cat " DMA "/d1/vendorid");
	fx_free(fx);
}
END_TEST

START_TEST(test_dma_bind_checks)
{
	struct fx *fx = fx_new();

	fx_conformance(fx);
	EXPECT(fx,
	       "mkdir " DMA "/d0\n"
	       "ln -s " DMA "/d0 " CTRL "/ -> EINVAL\n"
	       "echo 2 > " DMA "/d0/pci_epf_dma.0/rd_chans\n"
	       "ln -s " DMA "/d0 " CTRL "/ -> EINVAL\n"
	       "echo 1 > " DMA "/d0/msix_interrupts\n"
	       "echo 3 > " DMA "/d0/pci_epf_dma.0/dma_window_bar\n"
	       "echo 3 > " DMA "/d0/pci_epf_dma.0/metadata_bar\n"
	       "ln -s " DMA "/d0 " CTRL "/ -> EINVAL\n"
	       "echo -1 > " DMA "/d0/pci_epf_dma.0/metadata_bar\n"
	       "ln -s " DMA "/d0 " CTRL "/\n"
	       "functions/pci_epf_dma/d0/pci_epf_dma.0/metadata_bar = 0\n"
	       "functions/pci_epf_dma/d0/pci_epf_dma.0/dma_window_bar = 3\n",
	       "mkdir " DMA "/d0", "ln -s " DMA "/d0 " CTRL "/",
	       "echo 2 > " DMA "/d0/pci_epf_dma.0/rd_chans", "ln -s " DMA "/d0 " CTRL "/",
	       "echo 1 > " DMA "/d0/msix_interrupts",
	       "echo 3 > " DMA "/d0/pci_epf_dma.0/dma_window_bar",
	       "echo 3 > " DMA "/d0/pci_epf_dma.0/metadata_bar", "ln -s " DMA "/d0 " CTRL "/",
	       "echo -1 > " DMA "/d0/pci_epf_dma.0/metadata_bar", "ln -s " DMA "/d0 " CTRL "/",
	       "cat " DMA "/d0/pci_epf_dma.0/metadata_bar",
	       "cat " DMA "/d0/pci_epf_dma.0/dma_window_bar");
	ck_assert(
		kmsg_has(fx, "bound as fn0: metadata BAR0, DMA window BAR3, 0 WR + 2 RD channels"));
	fx_free(fx);
}
END_TEST

START_TEST(test_sysfs_write)
{
	struct fx *fx = fx_new();
	char *oplog;

	fx_conformance(fx);
	EXPECT(fx,
	       "echo 0 > /sys/bus/pci-epf/drivers_autoprobe\n"
	       "/sys/bus/pci-epf/drivers_autoprobe = 0\n"
	       "echo 1 > /sys/bus/pci-epf/newfile -> EACCES\n",
	       "echo 0 > /sys/bus/pci-epf/drivers_autoprobe",
	       "cat /sys/bus/pci-epf/drivers_autoprobe", "echo 1 > /sys/bus/pci-epf/newfile");
	oplog = fx_oplog(fx);
	ck_assert_str_eq(oplog, "write sys/bus/pci-epf/drivers_autoprobe 0 = 0\n");
	free(oplog);
	fx_free(fx);
}
END_TEST

static Suite *fakekernel_suite(void)
{
	Suite *s = suite_create("fakekernel");
	TCase *tc = tcase_create("configfs");

	tcase_add_test(tc, test_mkdir_defaults_and_pool);
	tcase_add_test(tc, test_mkdir_errors);
	tcase_add_test(tc, test_old_generation);
	tcase_add_test(tc, test_link_forms);
	tcase_add_test(tc, test_read_mw_beyond_num_mws);
	tcase_add_test(tc, test_max_functions_absent);
	tcase_add_test(tc, test_max_functions_cell);
	tcase_add_test(tc, test_start_and_warn);
	tcase_add_test(tc, test_start_fail);
	tcase_add_test(tc, test_vntb_attrs_612);
	tcase_add_test(tc, test_vntb_attrs_618);
	tcase_add_test(tc, test_shared_header);
	tcase_add_test(tc, test_dma_bind_checks);
	suite_add_tcase(s, tc);
	tc = tcase_create("state");
	tcase_add_test(tc, test_fail_injection);
	tcase_add_test(tc, test_oplog);
	tcase_add_test(tc, test_sysfs_write);
	tcase_add_test(tc, test_resolver_matches_realpath);
	suite_add_tcase(s, tc);
	tc = tcase_create("modules");
	tcase_add_test(tc, test_modules);
	tcase_add_test(tc, test_module_fail);
	tcase_add_test(tc, test_mount);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(fakekernel_suite());
}
