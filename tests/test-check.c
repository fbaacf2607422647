// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl check: config validation + preflight, on every fixture machine. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const char *const check_text[] = { "epdmactl", "--root", NULL, "check", NULL };
static const char *const check_json[] = { "epdmactl", "--root", NULL, "check", "--json", NULL };

static void run_check(struct fx *fx, struct fx_result *r, bool json)
{
	const char *argv[6] = { 0 };

	if (json)
		memcpy(argv, check_json, sizeof(check_json));
	else
		memcpy(argv, check_text, sizeof(check_text));
	argv[2] = fx->root;
	fx_run(fx, r, argv);
}

static void write_config(struct fx *fx, const char *profile)
{
	fx_write(fx, "/etc/epdma.conf",
		 "[general]\nprofile = %s\n\n[vntb]\nvbus_number = 0x10\n\n[dma]\nwr_chans = 2\n"
		 "rd_chans = 2\n",
		 profile);
}

START_TEST(rcar_s4_passes)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rcar_s4(fx);
	write_config(fx, "rcar-gen4");
	run_check(fx, &r, false);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	fx_assert_golden(fx, "check-rcar-s4.txt", r.out);
	ck_assert_str_eq(r.err, "");
	fx_result_free(&r);
	run_check(fx, &r, true);
	ck_assert_int_eq(r.status, 0);
	fx_assert_golden(fx, "check-rcar-s4.json", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(check_touches_nothing)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *before, *after, *log;

	fx_rcar_s4(fx);
	write_config(fx, "rcar-gen4");
	before = fx_snapshot(fx, NULL);
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 0);
	after = fx_snapshot(fx, NULL);
	ck_assert_str_eq(before, after);
	log = fx_oplog(fx);
	ck_assert_msg(!*log, "check performed kernel operations:\n%s", log);
	free(log);
	free(before);
	free(after);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(rk3588_refused)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rk3588(fx);
	write_config(fx, "imx8");
	run_check(fx, &r, false);
	ck_assert_msg(r.status == 1, "exit %d\n%s", r.status, r.out);
	ck_assert_msg(has(r.out,
			  "FAIL  max-functions            a40000000.pcie-ep supports 1 function "
			  "(device-tree max-functions absent, read as 1)"),
		      "%s", r.out);
	ck_assert(has(r.out, "max-functions = /bits/ 8 <2>"));
	ck_assert(!has(r.out, "Would build"));
	fx_assert_golden(fx, "check-rk3588.txt", r.out);
	fx_result_free(&r);
	run_check(fx, &r, true);
	ck_assert_int_eq(r.status, 1);
	fx_assert_golden(fx, "check-rk3588.json", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(rk3588_with_max_functions_passes)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rk3588_mf2(fx);
	write_config(fx, "imx8");
	run_check(fx, &r, false);
	ck_assert_msg(r.status == 0, "exit %d\n%s", r.status, r.out);
	ck_assert_msg(has(r.out, "supports 2 functions"), "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(four_byte_max_functions_refused)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_bad_max_functions(fx);
	write_config(fx, "imx8");
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "max-functions is a 4-byte cell; the kernel reads only its "
				 "first byte (0): links pass the limit check but no function can "
				 "bind"),
		      "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(two_controllers_need_a_choice)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char **names = NULL;
	struct epdma_ctx *ctx;

	fx_two_controllers(fx);
	write_config(fx, "imx8");
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "several controllers: "), "%s", r.out);
	fx_result_free(&r);

	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	ck_assert_int_eq(epdma_controllers_list(ctx, &names), 2);
	fx_write(fx, "/etc/epdma.conf", "[general]\nprofile = imx8\n[endpoint]\ncontroller = %s\n",
		 names[1]);
	run_check(fx, &r, false);
	ck_assert_msg(r.status == 0, "%s", r.out);
	ck_assert(has(r.out, names[1]));
	epdma_strv_free(names);
	epdma_ctx_free(ctx);
	fx_result_free(&r);

	fx_write(fx, "/etc/epdma.conf",
		 "[general]\nprofile = imx8\n[endpoint]\ncontroller = nope.pcie-ep\n");
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "controller nope.pcie-ep not found (/etc/epdma.conf:4: "
				 "endpoint.controller)"),
		      "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(foreign_function_refused)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_foreign(fx);
	write_config(fx, "rcar-gen4");
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "pci_epf_test/t0 is linked to e65d0000.pcie-ep and was not "
				 "created by epdma"),
		      "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(unmounted_and_unloaded_are_warnings)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rcar_s4(fx);
	write_config(fx, "rcar-gen4");
	/* Back to boot state: configfs not mounted, EPF modules not loaded. */
	ck_assert_int_eq(system(NULL), 1);
	{
		char cmd[1024];

		snprintf(
			cmd, sizeof(cmd),
			"rm -rf '%1$s/sys/kernel/config/pci_ep' '%1$s/sys/module/pci_epf_vntb' "
			"'%1$s/sys/module/pci_epf_dma' '%1$s/sys/bus/pci-epf/drivers/pci_epf_vntb' "
			"'%1$s/sys/bus/pci-epf/drivers/pci_epf_dma'",
			fx->root);
		ck_assert_int_eq(system(cmd), 0);
	}
	run_check(fx, &r, false);
	ck_assert_msg(r.status == 0, "%s", r.out);
	ck_assert_msg(has(r.out, "WARN  configfs                 not mounted; setup will mount it"),
		      "%s", r.out);
	ck_assert(has(
		r.out,
		"WARN  driver pci_epf_vntb      not loaded; setup will load module pci-epf-vntb"));
	ck_assert(has(
		r.out,
		"WARN  driver pci_epf_dma       not loaded; setup will load module pci-epf-dma"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(missing_dma_module_fails)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char cmd[1024];

	fx_rcar_s4(fx);
	write_config(fx, "rcar-gen4");
	snprintf(cmd, sizeof(cmd),
		 "cd '%1$s' && rm -rf sys/kernel/config/pci_ep/functions/pci_epf_dma "
		 "sys/module/pci_epf_dma sys/bus/pci-epf/drivers/pci_epf_dma && "
		 "find lib/modules -name 'pci-epf-dma.ko*' -delete && depmod -b . %2$s",
		 fx->root, fx->release);
	ck_assert_int_eq(system(cmd), 0);
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out,
			  "FAIL  driver pci_epf_dma       module pci-epf-dma not found for kernel"),
		      "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(explicit_bars_need_6_18)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rcar_s4(fx);
	fx_kernel_release(fx, "6.12.57-rcar");
	fx_depmod(fx);
	write_config(fx, "rcar-gen4");
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out,
			  "FAIL  vntb bars                profile rcar-gen4 needs BAR selectors "
			  "(control BAR0, doorbell BAR4, MW1 BAR2) but this kernel has no "
			  "ctrl_bar/db_bar/mwN_bar attributes (judged from the kernel "
			  "release)"),
		      "%s", r.out);
	fx_result_free(&r);
	/* The imx8 map is the order the kernel allocates in anyway. */
	write_config(fx, "imx8");
	run_check(fx, &r, false);
	ck_assert_msg(r.status == 0, "%s", r.out);
	ck_assert(has(r.out, "ok    vntb bars                the profile's BAR map is the order"));
	fx_result_free(&r);
	/* An explicit BAR in the file is refused, naming the line. */
	fx_write(fx, "/etc/epdma.conf", "[general]\nprofile = imx8\n[vntb]\ndb_bar = 2\n");
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "/etc/epdma.conf:4: vntb.db_bar is set but this kernel has no "
				 "ctrl_bar/db_bar/mwN_bar attributes"),
		      "%s", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(leftover_vntb_bus_refused)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_rcar_s4(fx);
	write_config(fx, "rcar-gen4");
	fx_mkdir(fx, "/sys/class/pci_bus/0000:10");
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "virtual bus 10 is left from an earlier vNTB bind in this boot"),
		      "%s", r.out);
	ck_assert(has(r.out, "hint: reboot, or choose another vbus_number"));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* A device left by a vNTB bind is <bus>:00.0 (vNTB answers devfn 0 only): another
 * function with the same IDs is not one, the same device at 00.0 is. */
START_TEST(leftover_vntb_device_is_function_0)
{
	for (int fn = 1; fn >= 0; fn--) {
		struct fx *fx = fx_new();
		struct fx_result r;
		char dev[128], link[128], attr[160];

		fx_rcar_s4(fx);
		write_config(fx, "rcar-gen4");
		snprintf(dev, sizeof(dev), "/sys/devices/pci0000:20/0000:20:00.%d", fn);
		snprintf(link, sizeof(link), "/sys/bus/pci/devices/0000:20:00.%d", fn);
		snprintf(attr, sizeof(attr), "%s/vendor", dev);
		fx_write(fx, attr, "0x1957\n");
		snprintf(attr, sizeof(attr), "%s/device", dev);
		fx_write(fx, attr, "0x080a\n");
		fx_symlink_rel(fx, dev, link);
		run_check(fx, &r, false);
		if (fn) {
			ck_assert_msg(has(r.out, "ok    vntb device"), "%s", r.out);
		} else {
			ck_assert_msg(r.status == 1, "exit %d\n%s", r.status, r.out);
			ck_assert_msg(has(r.out,
					  "FAIL  vntb device              0000:20:00.0 (1957:080a) "
					  "is left"),
				      "%s", r.out);
		}
		fx_result_free(&r);
		fx_free(fx);
	}
}
END_TEST

START_TEST(host_role_checks)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_x86_host(fx);
	write_config(fx, "imx8");
	run_check(fx, &r, false);
	ck_assert_msg(r.status == 0, "exit %d\n%s%s", r.status, r.out, r.err);
	ck_assert(has(r.out, "Role:   host"));
	ck_assert(has(r.out, "ok    vntb binding             ntb_hw_epf binds 1957:0809"));
	fx_assert_golden(fx, "check-host.txt", r.out);
	fx_result_free(&r);
	/* 6.12's ntb_hw_epf has no R-Car entry. */
	write_config(fx, "rcar-gen4");
	run_check(fx, &r, true);
	ck_assert_int_eq(r.status, 1);
	fx_assert_golden(fx, "check-host-rcar.json", r.out);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

/* libpci's error callback must not exit: it comes back as a failed check. */
START_TEST(host_without_pci_tree)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char cmd[512];

	fx_x86_host(fx);
	write_config(fx, "imx8");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys/bus/pci'", fx->root);
	ck_assert_int_eq(system(cmd), 0);
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.out, "FAIL  pci access               cannot scan /sys/bus/pci: "
				 "Input/output error"),
		      "%s", r.out);
	/* The run went on after libpci's error: the other checks are there. */
	ck_assert(has(r.out, "vntb binding"));
	ck_assert_msg(has(r.err, "epdmactl: libpci: "), "%s", r.err);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(bad_config_checks_nothing)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *log;

	fx_rcar_s4(fx);
	fx_write(fx, "/etc/epdma.conf", "[vntb]\nnum_mws = 9\n[dma]\nwr_chans = 0\nrd_chans = 0\n");
	run_check(fx, &r, false);
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(has(r.err, "epdmactl: /etc/epdma.conf:2: "), "%s", r.err);
	ck_assert(has(r.err, "nothing was checked"));
	fx_result_free(&r);
	run_check(fx, &r, true);
	ck_assert_int_eq(r.status, 1);
	ck_assert(has(r.out, "\"schema_version\": 1"));
	ck_assert(has(r.out, "\"ok\": false"));
	ck_assert(has(r.out, "\"file\": \"/etc/epdma.conf\",\n      \"line\": 2,"));
	ck_assert_int_eq(fx_json_array_len(r.out, "checks"), 0);
	log = fx_oplog(fx);
	ck_assert_str_eq(log, "");
	free(log);
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
	static const char *const bad[][6] = {
		{ "epdmactl", "frobnicate", NULL },
		{ "epdmactl", "check", "--bogus", NULL },
		{ "epdmactl", "check", "--force", NULL },
		{ "epdmactl", "check", "extra", NULL },
		{ "epdmactl", NULL },
		{ "epdmactl", "--nope", "check", NULL },
	};
	struct fx *fx = fx_new();
	struct fx_result r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fx_run(fx, &r, bad[i]);
		ck_assert_msg(r.status == 2, "case %zu: exit %d", i, r.status);
		ck_assert_msg(*r.err, "case %zu: no diagnostic", i);
		fx_result_free(&r);
	}
	fx_free(fx);
}
END_TEST

/* --help is made from the command table: every command with the options it takes. */
START_TEST(help_lists_commands_and_options)
{
	struct fx *fx = fx_new();
	struct fx_result r;

	fx_run(fx, &r, (const char *const[]){ "epdmactl", "--help", NULL });
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(
		has(r.out, "\n  check     [--json]                        validate the config"),
		"%s", r.out);
	ck_assert(has(r.out, "\n  plan      [--json] [--force] [--adopt]    show the operations"));
	ck_assert(has(r.out, "\n  setup     [--json] [--force] [--adopt]    build the vNTB"));
	ck_assert(has(r.out, "\n  teardown  [--json] [--force]              stop, unlink"));
	ck_assert(
		has(r.out, "\n  status    [--json] [--wait-link SECONDS]  controller, functions"));
	ck_assert(has(r.out, "\n  --wait-link SECONDS  status: wait for the NTB link"));
	ck_assert(has(r.out, "Exit status: 0 done, 1 failed or refused, 2 usage error."));
	fx_result_free(&r);
	fx_free(fx);
}
END_TEST

START_TEST(explicit_config_path_is_taken_as_given)
{
	struct fx *fx = fx_new();
	struct fx_result r;
	char *path = NULL;
	const char *argv[] = { "epdmactl", "--root", fx->root, "-c", NULL, "check", NULL };

	fx_rcar_s4(fx);
	ck_assert_int_ge(asprintf(&path, "%s/elsewhere.conf", fx->dir), 0);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[general]\nprofile = rcar-gen4\nrole = sideways\n", f);
	fclose(f);
	argv[4] = path;
	fx_run(fx, &r, argv);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(has(r.err, path) && has(r.err, ":3: "), "%s", r.err);
	fx_result_free(&r);
	free(path);
	fx_free(fx);
}
END_TEST

static Suite *check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("check");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rcar_s4_passes);
	tcase_add_test(tc, check_touches_nothing);
	tcase_add_test(tc, rk3588_refused);
	tcase_add_test(tc, rk3588_with_max_functions_passes);
	tcase_add_test(tc, four_byte_max_functions_refused);
	tcase_add_test(tc, two_controllers_need_a_choice);
	tcase_add_test(tc, foreign_function_refused);
	tcase_add_test(tc, unmounted_and_unloaded_are_warnings);
	tcase_add_test(tc, missing_dma_module_fails);
	tcase_add_test(tc, explicit_bars_need_6_18);
	tcase_add_test(tc, leftover_vntb_bus_refused);
	tcase_add_test(tc, leftover_vntb_device_is_function_0);
	tcase_add_test(tc, host_role_checks);
	tcase_add_test(tc, host_without_pci_tree);
	tcase_add_test(tc, bad_config_checks_nothing);
	tcase_add_test(tc, usage_errors_exit_2);
	tcase_add_test(tc, explicit_config_path_is_taken_as_given);
	tcase_add_test(tc, help_lists_commands_and_options);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(check_suite());
}
