// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fixtures themselves: each scenario has the shape kernel-abi.md
 * describes, module objects are found by depmod/modinfo/libkmod, fx_run
 * captures what a program prints and how it ends, fx_free leaves nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <libkmod.h>

#include "fixture.h"

static struct fx *fx;

static void setup(void)
{
	fx = fx_new();
}

static void teardown(void)
{
	fx_free(fx);
	fx = NULL;
}

static char *readlink_fx(const char *path)
{
	static char buf[PATH_MAX];
	char *abs = fx_path(fx, path);
	ssize_t n = readlink(abs, buf, sizeof(buf) - 1);

	ck_assert_msg(n >= 0, "readlink %s: %s", abs, strerror(errno));
	buf[n] = '\0';
	free(abs);
	return buf;
}

/* Where PATH leads, relative to the root ("" = outside it). */
static char *resolve_fx(const char *path)
{
	static char out[PATH_MAX];
	char *abs = fx_path(fx, path);
	char *real = realpath(abs, NULL);
	char *root = realpath(fx->root, NULL);

	ck_assert_msg(real, "realpath %s: %s", abs, strerror(errno));
	if (strncmp(real, root, strlen(root)) == 0)
		snprintf(out, sizeof(out), "%s", real + strlen(root) + (real[strlen(root)] == '/'));
	else
		out[0] = '\0';
	free(real);
	free(root);
	free(abs);
	return out;
}

/* max-functions the way the library reads it: through the class device. */
static char *max_functions(const char *epc, size_t *len)
{
	char *path = NULL;
	char *data;

	ck_assert_int_ge(asprintf(&path, "sys/class/pci_epc/%s/device/of_node/max-functions", epc),
			 0);
	data = fx_read_raw(fx, path, len);
	free(path);
	return data;
}

static void assert_file(const char *path, const char *expected)
{
	char *text = fx_read(fx, path);

	ck_assert_msg(text, "%s missing", path);
	ck_assert_str_eq(text, expected);
	free(text);
}

/* ---- core ---- */

START_TEST(test_new_free)
{
	struct fx *f = fx_new();
	char *dir = strdup(f->dir);
	char *outside, *keep, *link;
	struct stat st;
	char *text;

	ck_assert_int_eq(stat(f->root, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(stat(f->state, &st), 0);
	ck_assert_str_eq(f->root + strlen(f->dir), "/root");
	fx_write(f, "/a/b/c", "x=%d\n", 42);
	text = fx_read(f, "a/b/c");
	ck_assert_str_eq(text, "x=42\n");
	free(text);
	ck_assert_ptr_null(fx_read(f, "a/b/nope"));
	fx_symlink(f, "b", "a/link");
	ck_assert(fx_exists(f, "a/link"));
	/* A link out of the tree must never be followed by the removal. */
	ck_assert_int_ge(asprintf(&outside, "%s.outside", f->dir), 0);
	ck_assert_int_eq(mkdir(outside, 0700), 0);
	ck_assert_int_ge(asprintf(&keep, "%s/keep", outside), 0);
	ck_assert_int_eq(close(open(keep, O_WRONLY | O_CREAT, 0600)), 0);
	link = fx_path(f, "a/escape");
	ck_assert_int_eq(symlink(outside, link), 0);
	free(link);
	fx_mkdir(f, "ro/inner");
	fx_write(f, "ro/inner/f", "1");
	ck_assert_int_eq(chmod(f->root, 0755), 0);
	{
		char *ro = fx_path(f, "ro");

		ck_assert_int_eq(chmod(ro, 0500), 0);
		free(ro);
	}
	fx_free(f);
	ck_assert_int_eq(stat(dir, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(stat(keep, &st), 0);
	ck_assert_int_eq(unlink(keep), 0);
	ck_assert_int_eq(rmdir(outside), 0);
	free(keep);
	free(outside);
	free(dir);
}
END_TEST

START_TEST(test_relpath)
{
	static const char *const cases[][3] = {
		{ "sys/devices/platform/soc/x", "sys/firmware/devicetree/base/soc/n",
		  "../../../../firmware/devicetree/base/soc/n" },
		{ "sys/devices/platform/x/pci_epc/x", "sys/devices/platform/x", "../.." },
		{ "sys/class/pci_epc", "sys/devices/platform/x/pci_epc/x",
		  "../../devices/platform/x/pci_epc/x" },
		{ "a/b", "a/bc", "../bc" },
		{ "", "sys/x", "sys/x" },
		{ "proc", "sys/firmware/devicetree/base", "../sys/firmware/devicetree/base" },
		{ "a/b", "a/b", "." },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *rel = fx_relpath(cases[i][0], cases[i][1]);

		ck_assert_msg(strcmp(rel, cases[i][2]) == 0, "%s -> %s: %s, expected %s",
			      cases[i][0], cases[i][1], rel, cases[i][2]);
		free(rel);
	}
}
END_TEST

START_TEST(test_kernel_config_kmsg_oplog)
{
	char *text;

	fx_kernel_config(fx, "fail=mkdir:%d:%s", 2, "ENOSPC");
	fx_kernel_config(fx, "start_fail=1");
	text = fx_read_raw(fx, "../kernel/config", NULL);
	ck_assert_str_eq(text, "fail=mkdir:2:ENOSPC\nstart_fail=1\n");
	free(text);
	text = fx_oplog(fx);
	ck_assert_str_eq(text, "");
	free(text);
	fx_kmsg(fx, 6, "one");
	fx_kmsg(fx, 3, "two %d", 2);
	text = fx_read(fx, "dev/kmsg");
	ck_assert_str_eq(text, "6,0,312,-;one\n3,1,8244,-;two 2\n");
	free(text);
}
END_TEST

/* ---- scenarios ---- */

START_TEST(test_rcar_s4)
{
	size_t len;
	char *mf, *text;

	fx_rcar_s4(fx);
	mf = max_functions("e65d0000.pcie-ep", &len);
	ck_assert_ptr_nonnull(mf);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq((unsigned char)mf[0], 0x02);
	free(mf);
	ck_assert_str_eq(readlink_fx("sys/devices/platform/soc/e65d0000.pcie-ep/of_node"),
			 "../../../../firmware/devicetree/base/soc/pcie-ep@e65d0000");
	ck_assert_str_eq(resolve_fx("sys/class/pci_epc/e65d0000.pcie-ep/device"),
			 "sys/devices/platform/soc/e65d0000.pcie-ep");
	ck_assert_str_eq(resolve_fx("sys/class/pci_epc/e65d0000.pcie-ep/subsystem"),
			 "sys/class/pci_epc");
	ck_assert_str_eq(resolve_fx("proc/device-tree/soc/pcie-ep@e65d0000"),
			 "sys/firmware/devicetree/base/soc/pcie-ep@e65d0000");
	text = fx_read_raw(fx, "sys/firmware/devicetree/base/soc/pcie-ep@e65d0000/compatible",
			   &len);
	ck_assert_uint_eq(len, sizeof("renesas,r8a779f0-pcie-ep\0renesas,rcar-gen4-pcie-ep"));
	ck_assert_str_eq(text, "renesas,r8a779f0-pcie-ep");
	free(text);
	assert_file("sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/start", "0\n");
	ck_assert(fx_exists(fx, "sys/kernel/config/pci_ep/functions/pci_epf_vntb"));
	ck_assert(fx_exists(fx, "sys/kernel/config/pci_ep/functions/pci_epf_dma"));
	ck_assert(fx_exists(fx, "sys/kernel/config/pci_ep/functions/pci_epf_test"));
	ck_assert(!fx_exists(fx, "sys/kernel/config/pci_ep/functions/pci_epf_ntb"));
	ck_assert(fx_exists(fx, "sys/bus/pci-epf/drivers/pci_epf_vntb/bind"));
	assert_file("sys/module/pci_epf_vntb/initstate", "live\n");
	assert_file("sys/module/pci_epf_dma/initstate", "live\n");
	ck_assert(fx_exists(fx, "sys/module/pci_epf_test"));
	ck_assert(!fx_exists(fx, "sys/module/pci_epf_test/initstate"));
	ck_assert(!fx_exists(fx, "sys/module/pci_epf_ntb"));
	/* The disabled twin node has no device: only one controller. */
	ck_assert(fx_exists(fx, "sys/firmware/devicetree/base/soc/pcie-ep@e65d8000/max-functions"));
	{
		char **epcs = fx_list(fx, "sys/class/pci_epc");

		ck_assert_str_eq(epcs[0], "e65d0000.pcie-ep");
		ck_assert_ptr_null(epcs[1]);
		fx_list_free(epcs);
	}
	assert_file("proc/sys/kernel/osrelease", "6.18.3-rcar-s4\n");
	ck_assert_str_eq(fx->release, "6.18.3-rcar-s4");
	text = fx_read_raw(fx, "../kernel/config", NULL);
	ck_assert_ptr_nonnull(strstr(text, "vntb_bar_attrs=1\n"));
	free(text);
	ck_assert(fx_exists(fx, "dev/kmsg"));
	ck_assert(fx_exists(fx, "etc"));
	ck_assert(fx_exists(fx, "run"));
	ck_assert(fx_exists(fx, "lib/modules/6.18.3-rcar-s4/modules.dep.bin"));
	ck_assert(fx_exists(fx, "lib/modules/6.18.3-rcar-s4/kernel/drivers/pci/endpoint/functions/"
				"pci-epf-vntb.ko"));
	ck_assert(!fx_exists(fx, "sys/kernel/config/pci_ep/functions/pci_epf_vntb/vntb0"));
}
END_TEST

START_TEST(test_rk3588)
{
	char *path = fx_path(fx,
			     "sys/class/pci_epc/a40000000.pcie-ep/device/of_node/max-functions");
	int fd;

	fx_rk3588(fx);
	ck_assert_ptr_null(max_functions("a40000000.pcie-ep", NULL));
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, ENOENT);
	free(path);
	ck_assert_str_eq(readlink_fx("sys/devices/platform/a40000000.pcie-ep/of_node"),
			 "../../../firmware/devicetree/base/pcie-ep@fe150000");
	assert_file("sys/class/pci_epc/a40000000.pcie-ep/device/of_node/compatible",
		    "rockchip,rk3588-pcie-ep");
	assert_file("proc/sys/kernel/osrelease", "6.12.0-rk\n");
	assert_file("sys/kernel/config/pci_ep/controllers/a40000000.pcie-ep/start", "0\n");
}
END_TEST

START_TEST(test_rk3588_mf2)
{
	size_t len;
	char *mf;

	fx_rk3588_mf2(fx);
	mf = max_functions("a40000000.pcie-ep", &len);
	ck_assert_ptr_nonnull(mf);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq((unsigned char)mf[0], 2);
	free(mf);
	assert_file("sys/class/pci_epc/a40000000.pcie-ep/device/of_node/compatible",
		    "rockchip,rk3588-pcie-ep");
}
END_TEST

START_TEST(test_bad_max_functions)
{
	static const unsigned char cell[] = { 0, 0, 0, 2 };
	size_t len;
	char *mf;

	fx_bad_max_functions(fx);
	mf = max_functions("e65d0000.pcie-ep", &len);
	ck_assert_ptr_nonnull(mf);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(mf, cell, 4);
	free(mf);
}
END_TEST

START_TEST(test_two_controllers)
{
	char **epcs;
	size_t n = 0;

	fx_two_controllers(fx);
	epcs = fx_list(fx, "sys/class/pci_epc");
	for (; epcs[n]; n++) {
		char *start = NULL;
		size_t len;
		char *mf = max_functions(epcs[n], &len);

		ck_assert_msg(mf && len == 1 && mf[0] >= 2, "%s: not multi-function", epcs[n]);
		free(mf);
		ck_assert_int_ge(
			asprintf(&start, "sys/kernel/config/pci_ep/controllers/%s/start", epcs[n]),
			0);
		ck_assert(fx_exists(fx, start));
		free(start);
	}
	ck_assert_uint_eq(n, 2);
	fx_list_free(epcs);
}
END_TEST

START_TEST(test_foreign)
{
	char **devs;
	struct stat st;
	char *abs, *text;

	fx_foreign(fx);
	ck_assert_str_eq(readlink_fx("sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/t0"),
			 "../../functions/pci_epf_test/t0");
	abs = fx_path(fx, "sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/t0/vendorid");
	ck_assert_int_eq(stat(abs, &st), 0);
	free(abs);
	ck_assert(fx_exists(fx, "sys/kernel/config/pci_ep/functions/pci_epf_test/scratch/primary"));
	ck_assert(!fx_exists(fx, "sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep/scratch"));
	devs = fx_list(fx, "sys/bus/pci-epf/devices");
	ck_assert_str_eq(devs[0], "pci_epf_test.0");
	ck_assert_str_eq(devs[1], "pci_epf_test.1");
	ck_assert_ptr_null(devs[2]);
	fx_list_free(devs);
	ck_assert_str_eq(resolve_fx("sys/bus/pci-epf/devices/pci_epf_test.0/driver"),
			 "sys/bus/pci-epf/drivers/pci_epf_test");
	/* The fake kernel's own record of what the tree cannot show. */
	text = fx_read_raw(fx, "../kernel/state", NULL);
	ck_assert_str_eq(text, "fn pci_epf_test/t0 0\npf pci_epf_test/t0:p e65d0000.pcie-ep 0\n"
			       "fn pci_epf_test/scratch 1\n");
	free(text);
}
END_TEST

START_TEST(test_conformance)
{
	size_t len;
	char *text;

	fx_conformance(fx);
	ck_assert_str_eq(readlink_fx("sys/class/pci_epc/e65d0000.pcie-ep/device/of_node"),
			 "../../../firmware/devicetree/base/pcie-ep@e65d0000");
	text = fx_read_raw(fx, "sys/class/pci_epc/e65d0000.pcie-ep/device/of_node/compatible",
			   &len);
	ck_assert_uint_eq(len, strlen("renesas,r8a779f0-pcie-ep") + 1);
	free(text);
	text = max_functions("e65d0000.pcie-ep", &len);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq((unsigned char)text[0], 2);
	free(text);
	{
		char **names = fx_list(fx, "sys/kernel/config/pci_ep/controllers/e65d0000.pcie-ep");

		ck_assert_str_eq(names[0], "start");
		ck_assert_ptr_null(names[1]);
		fx_list_free(names);
	}
	ck_assert(fx_exists(fx, "sys/kernel/config/pci_ep/functions/pci_epf_vntb"));
	ck_assert(fx_exists(fx, "sys/kernel/config/pci_ep/functions/pci_epf_dma"));
	assert_file("proc/sys/kernel/osrelease", "6.12.117\n");
	text = fx_read_raw(fx, "../kernel/config", NULL);
	ck_assert_str_eq(text, "generation=new\nvntb_bar_attrs=0\n");
	free(text);
	ck_assert_str_eq(readlink_fx("proc/device-tree"), "../sys/firmware/devicetree/base");
}
END_TEST

/* ---- modules ---- */

static struct kmod_ctx *kmod_fixture(void)
{
	char *dir = NULL, *conf = NULL;
	const char *paths[2];
	struct kmod_ctx *ctx;

	ck_assert_int_ge(asprintf(&dir, "%s/lib/modules/%s", fx->root, fx->release), 0);
	ck_assert_int_ge(asprintf(&conf, "%s/etc/modprobe.d", fx->root), 0);
	paths[0] = conf;
	paths[1] = NULL;
	ctx = kmod_new(dir, paths);
	ck_assert_ptr_nonnull(ctx);
	free(dir);
	free(conf);
	return ctx;
}

/* The one module ALIAS resolves to, or NULL; caller frees. */
static char *lookup(struct kmod_ctx *ctx, const char *alias, char **path, char **deps)
{
	struct kmod_list *list = NULL, *dl;
	struct kmod_module *mod;
	char *name;

	ck_assert_int_ge(kmod_module_new_from_lookup(ctx, alias, &list), 0);
	if (!list)
		return NULL;
	ck_assert_ptr_null(kmod_list_next(list, list));
	mod = kmod_module_get_module(list);
	name = strdup(kmod_module_get_name(mod));
	if (path)
		*path = strdup(kmod_module_get_path(mod));
	if (deps) {
		struct kmod_list *l;

		*deps = strdup("");
		dl = kmod_module_get_dependencies(mod);
		kmod_list_foreach (l, dl) {
			struct kmod_module *d = kmod_module_get_module(l);
			char *joined = NULL;

			ck_assert_int_ge(asprintf(&joined, "%s%s ", *deps, kmod_module_get_name(d)),
					 0);
			free(*deps);
			*deps = joined;
			kmod_module_unref(d);
		}
		kmod_module_unref_list(dl);
	}
	kmod_module_unref(mod);
	kmod_module_unref_list(list);
	return name;
}

START_TEST(test_module_objects)
{
	static const char *const a_aliases[] = { "pci:v0000AAAAd0000BBBBsv*sd*bc*sc*i*", NULL };
	struct kmod_ctx *ctx;
	char *name, *path, *deps, *text;

	fx_kernel_release(fx, "5.10.0-odd~rc1+");
	fx_module(fx, "drivers/misc", "fx-base", NULL, NULL);
	fx_module(fx, "drivers/misc/sub", "fx_user", a_aliases, "fx_base");
	fx_depmod(fx);
	text = fx_read(fx, "lib/modules/5.10.0-odd~rc1+/modules.dep");
	ck_assert_str_eq(text,
			 "kernel/drivers/misc/fx-base.ko:\n"
			 "kernel/drivers/misc/sub/fx_user.ko: kernel/drivers/misc/fx-base.ko\n");
	free(text);
	ctx = kmod_fixture();
	name = lookup(ctx, "pci:v0000AAAAd0000BBBBsv00000001sd00000002bc05sc00i00", &path, &deps);
	ck_assert_str_eq(name, "fx_user");
	ck_assert_str_eq(path + strlen(fx->root),
			 "/lib/modules/5.10.0-odd~rc1+/kernel/drivers/misc/sub/fx_user.ko");
	ck_assert_str_eq(deps, "fx_base ");
	free(name);
	free(path);
	free(deps);
	kmod_unref(ctx);
}
END_TEST

/* modinfo run directly: a test-side tool, no fake kernel involved. */
static char *modinfo(const char *module)
{
	char *cmd = NULL, *out = NULL;
	size_t size = 0;
	FILE *p, *m;
	char buf[512];
	size_t n;

	ck_assert_int_ge(
		asprintf(&cmd, "modinfo -b '%s' -k '%s' %s 2>&1", fx->root, fx->release, module),
		0);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	m = open_memstream(&out, &size);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, m);
	fclose(m);
	ck_assert_msg(pclose(p) == 0, "%s failed: %s", cmd, out);
	free(cmd);
	return out;
}

START_TEST(test_x86_host)
{
	struct kmod_ctx *ctx;
	char **devs;
	size_t n = 0;
	char *name, *deps, *info;

	fx_x86_host(fx);
	devs = fx_list(fx, "sys/bus/pci/devices");
	for (; devs[n]; n++) {
		char *p = NULL, *vendor, *config;
		size_t len;

		ck_assert_int_ge(asprintf(&p, "sys/bus/pci/devices/%s/config", devs[n]), 0);
		config = fx_read_raw(fx, p, &len);
		ck_assert_msg(config && len == 256, "%s", p);
		p[strlen(p) - strlen("config")] = '\0';
		ck_assert_int_ge(asprintf(&vendor, "%svendor", p), 0);
		free(p);
		p = fx_read(fx, vendor);
		ck_assert_uint_eq(strtoul(p, NULL, 16),
				  (unsigned char)config[0] | (unsigned char)config[1] << 8);
		free(p);
		free(vendor);
		free(config);
	}
	ck_assert_uint_ge(n, 30);
	fx_list_free(devs);
	ck_assert_str_eq(resolve_fx("sys/bus/pci/devices/0000:02:00.0/driver"),
			 "sys/bus/pci/drivers/nvme");
	ck_assert_str_eq(resolve_fx("sys/bus/pci/drivers/nvme/module"), "sys/module/nvme");
	ck_assert_str_eq(
		resolve_fx("sys/bus/pci/devices/0000:09:00.0"),
		"sys/devices/pci0000:00/0000:00:1d.0/0000:06:00.0/0000:07:02.0/0000:09:00.0");
	assert_file("sys/bus/pci/devices/0000:04:00.0/driver_override", "(null)\n");
	ck_assert(fx_exists(fx, "sys/bus/pci/rescan"));
	ck_assert(fx_exists(fx, "sys/bus/pci/drivers_probe"));
	ck_assert(!fx_exists(fx, "sys/module/ntb_hw_epf"));

	ctx = kmod_fixture();
	name = lookup(ctx, "pci:v00001957d00000809sv00000000sd00000000bc05sc00i00", NULL, &deps);
	ck_assert_str_eq(name, "ntb_hw_epf");
	ck_assert_str_eq(deps, "ntb ");
	free(name);
	free(deps);
	name = lookup(ctx, "pci:v0000104Cd0000B00Dsv0000104Csd00000000bc05sc00i00", NULL, NULL);
	ck_assert_str_eq(name, "ntb_hw_epf");
	free(name);
	/* 6.12 has no R-Car entry. */
	ck_assert_ptr_null(
		lookup(ctx, "pci:v00001912d00000030sv00000000sd00000000bc05sc00i00", NULL, NULL));
	name = lookup(ctx, "dw-edma-pcie", NULL, &deps);
	ck_assert_str_eq(name, "dw_edma_pcie");
	ck_assert_str_eq(deps, "dw_edma ");
	free(name);
	free(deps);
	kmod_unref(ctx);

	info = modinfo("ntb_hw_epf");
	ck_assert_msg(strstr(info, "alias:          pci:v00001957d00000809sv*sd*bc*sc*i*\n"), "%s",
		      info);
	ck_assert_msg(strstr(info, "depends:        ntb\n"), "%s", info);
	ck_assert_msg(strstr(info, "vermagic:       6.12.57-amd64 SMP mod_unload \n"), "%s", info);
	ck_assert_msg(strstr(info, "name:           ntb_hw_epf\n"), "%s", info);
	free(info);
}
END_TEST

/* ---- running ---- */

START_TEST(test_run_capture)
{
	const char *const argv[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct fx_result r;

	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 3);
	ck_assert_str_eq(r.out, "out\n");
	ck_assert_str_eq(r.err, "err\n");
	fx_result_free(&r);
}
END_TEST

START_TEST(test_run_env_signal_bulk)
{
	const char *const env[] = { "sh", "-c",
				    "printf '%s|%s|%s|' \"$EPDMA_FAKE_ROOT\" \"$EPDMA_FAKE_STATE\" "
				    "\"$LC_ALL\"; pwd; read x || echo no-stdin",
				    NULL };
	const char *const sig[] = { "sh", "-c", "kill -9 $$", NULL };
	/* More than a pipe buffer on both streams at once. */
	const char *const bulk[] = {
		"sh", "-c",
		"i=0; while [ $i -lt 5000 ]; do echo "
		"oooooooooooooooooooooooooooooo; echo eeeeeeeeeeeeeeeeeeeeeeee >&2; "
		"i=$((i+1)); done",
		NULL
	};
	struct fx_result r;
	char *expected = NULL;

	fx_run(fx, &r, env);
	ck_assert_int_ge(
		asprintf(&expected, "%s|%s|C|%s\nno-stdin\n", fx->root, fx->state, fx->dir), 0);
	ck_assert_str_eq(r.out, expected);
	ck_assert_int_eq(r.status, 0);
	free(expected);
	fx_result_free(&r);
	fx_run(fx, &r, sig);
	ck_assert_int_eq(r.status, 128 + 9);
	fx_result_free(&r);
	fx_run(fx, &r, bulk);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(strlen(r.out), 5000 * 31);
	ck_assert_uint_eq(strlen(r.err), 5000 * 25);
	fx_result_free(&r);
}
END_TEST

START_TEST(test_golden)
{
	char *text = NULL;

	/* tests/golden/fixture/sample.txt holds "@ROOT@/sys/class/pci_epc\n" twice. */
	ck_assert_int_ge(
		asprintf(&text, "%s/sys/class/pci_epc\n%s/sys/class/pci_epc\n", fx->root, fx->root),
		0);
	fx_assert_golden(fx, "fixture/sample.txt", text);
	free(text);
}
END_TEST

static Suite *fixture_suite(void)
{
	Suite *s = suite_create("fixture");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_new_free);
	tcase_add_test(tc, test_relpath);
	tcase_add_test(tc, test_kernel_config_kmsg_oplog);
	tcase_add_test(tc, test_golden);
	suite_add_tcase(s, tc);

	tc = tcase_create("scenarios");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rcar_s4);
	tcase_add_test(tc, test_rk3588);
	tcase_add_test(tc, test_rk3588_mf2);
	tcase_add_test(tc, test_bad_max_functions);
	tcase_add_test(tc, test_two_controllers);
	tcase_add_test(tc, test_foreign);
	tcase_add_test(tc, test_conformance);
	suite_add_tcase(s, tc);

	tc = tcase_create("modules");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_module_objects);
	tcase_add_test(tc, test_x86_host);
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_run_capture);
	tcase_add_test(tc, test_run_env_signal_bulk);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(fixture_suite());
}
