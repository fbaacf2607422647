// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whole machines. Deliberately irregular so that nothing in the code under
 * test can be hard-coded: device-tree nodes named differently from their
 * platform devices, disabled look-alike nodes, other configfs subsystems,
 * EPF drivers that are built in / loaded / only on disk, release strings
 * with odd suffixes, PCI devices that share a vendor or class with the ones
 * epdma looks for.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "fixture-internal.h"

#define DT_BASE "sys/firmware/devicetree/base"

static const unsigned char mf_one_byte_2[] = { 0x02 };
static const unsigned char mf_cell_2[] = { 0x00, 0x00, 0x00, 0x02 };

static void dt_prop(struct fx *fx, const char *node, const char *prop, const void *data, size_t len)
{
	char *p = node && *node ? fx_strdupf(DT_BASE "/%s/%s", node, prop)
				: fx_strdupf(DT_BASE "/%s", prop);

	fx_write_raw(fx, p, data, len);
	free(p);
}

static void dt_str(struct fx *fx, const char *node, const char *prop, const char *value)
{
	dt_prop(fx, node, prop, value, strlen(value) + 1);
}

/* A platform device with no role in epdma (siblings of the controller). */
static void platform_device(struct fx *fx, const char *dir, const char *dt_node, const char *driver)
{
	char *p = fx_strdupf("sys/devices/platform/%s/of_node", dir);
	char *q = fx_strdupf(DT_BASE "/%s", dt_node);
	const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;

	fx_symlink_rel(fx, q, p);
	free(p);
	free(q);
	p = fx_strdupf("sys/devices/platform/%s/uevent", dir);
	fx_write(fx, p, "DRIVER=%s\nOF_NAME=%s\n", driver, name);
	free(p);
	p = fx_strdupf("sys/devices/platform/%s/driver", dir);
	q = fx_strdupf("sys/bus/platform/drivers/%s", driver);
	fx_symlink_rel(fx, q, p);
	free(p);
	free(q);
	p = fx_strdupf("sys/devices/platform/%s", dir);
	q = fx_strdupf("sys/bus/platform/devices/%s", name);
	fx_symlink_rel(fx, p, q);
	free(p);
	free(q);
}

/* Things every machine has: etc/, run/, dev/kmsg, other class dirs. */
static void common_machine(struct fx *fx, const char *hostname)
{
	fx_write(fx, "etc/hostname", "%s\n", hostname);
	fx_mkdir(fx, "etc/modprobe.d");
	fx_write(fx, "etc/modprobe.d/blacklist-local.conf",
		 "# local additions\nblacklist pcspkr\n");
	fx_mkdir(fx, "run/lock");
	fx_write(fx, "run/utmp", "%s", "");
	fx_mkdir(fx, "sys/kernel/config");
	fx_write(fx, "sys/kernel/uevent_seqnum", "4211\n");
	fx_mkdir(fx, "sys/class/net");
	fx_mkdir(fx, "sys/class/tty");
	fx_write(fx, "proc/cmdline", "console=ttySC0,1843200n8 root=/dev/nvme0n1p2 rw quiet\n");
	fx_kmsg(fx, 5,
		"Linux version %s (builder@buildhost) (gcc (Debian 14.2.0-19) 14.2.0) #1 SMP",
		fx->release);
	fx_kmsg(fx, 6, "Command line: console=ttySC0,1843200n8 root=/dev/nvme0n1p2 rw quiet");
}

/* ---- R-Car S4 family ---- */

struct rcar {
	const char *release;
	const void *max_functions;
	size_t max_functions_len;
	bool second_ep; /* e65d8000.pcie-ep enabled as well */
};

static void rcar_dt(struct fx *fx, const struct rcar *r)
{
	static const char compat[] =
		"renesas,spider-breakout\0renesas,spider-cpu\0renesas,r8a779f0";
	static const unsigned char cells2[] = { 0, 0, 0, 2 };

	dt_prop(fx, "", "compatible", compat, sizeof(compat));
	dt_str(fx, "", "model", "Renesas Spider CPU and Breakout boards based on r8a779f0");
	dt_str(fx, "", "name", "");
	dt_prop(fx, "", "#address-cells", cells2, sizeof(cells2));
	fx_dt_node(fx, "chosen", NULL);
	dt_str(fx, "chosen", "stdout-path", "serial0:1843200n8");
	fx_dt_node(fx, "aliases", NULL);
	dt_str(fx, "aliases", "serial0", "/soc/serial@e6540000");
	fx_dt_node(fx, "memory@48000000", NULL);
	dt_str(fx, "memory@48000000", "device_type", "memory");
	fx_dt_node(fx, "soc", "simple-bus");
	dt_prop(fx, "soc", "#size-cells", cells2, sizeof(cells2));
	fx_dt_node(fx, "soc/serial@e6540000", "renesas,hscif-r8a779f0");
	fx_dt_node(fx, "soc/ethernet@e6880000", "renesas,r8a779f0-ether-switch");
	/* The root-complex twin of the EP node, disabled in endpoint mode. */
	fx_dt_node(fx, "soc/pcie@e65d0000", "renesas,r8a779f0-pcie");
	dt_str(fx, "soc/pcie@e65d0000", "status", "disabled");
	if (!r->second_ep) {
		/* A second EP node, disabled: no platform device, no pci_epc. */
		fx_dt_node(fx, "soc/pcie-ep@e65d8000", "renesas,r8a779f0-pcie-ep");
		dt_str(fx, "soc/pcie-ep@e65d8000", "status", "disabled");
		dt_prop(fx, "soc/pcie-ep@e65d8000", "max-functions", mf_one_byte_2, 1);
	}
	fx_dt_node(fx, "__symbols__", NULL);
	dt_str(fx, "__symbols__", "pciec0_ep", "/soc/pcie-ep@e65d0000");
}

static void rcar_machine(struct fx *fx, const struct rcar *r)
{
	const struct fx_controller ep0 = {
		.name = "e65d0000.pcie-ep",
		.parent = "soc",
		.dt_node = "soc/pcie-ep@e65d0000",
		.compatible = "renesas,r8a779f0-pcie-ep",
		.fallback_compatible = "renesas,rcar-gen4-pcie-ep",
		.max_functions = r->max_functions,
		.max_functions_len = r->max_functions_len,
	};
	const struct fx_controller ep1 = {
		.name = "e65d8000.pcie-ep",
		.parent = "soc",
		.dt_node = "soc/pcie-ep@e65d8000",
		.compatible = "renesas,r8a779f0-pcie-ep",
		.fallback_compatible = "renesas,rcar-gen4-pcie-ep",
		.max_functions = mf_one_byte_2,
		.max_functions_len = sizeof(mf_one_byte_2),
	};

	fx_kernel_release(fx, r->release);
	common_machine(fx, "spider");
	rcar_dt(fx, r);
	fx_controller(fx, &ep0);
	if (r->second_ep)
		fx_controller(fx, &ep1);
	platform_device(fx, "soc/e6540000.serial", "soc/serial@e6540000", "sh-sci");
	platform_device(fx, "soc/e6880000.ethernet", "soc/ethernet@e6880000", "renesas_eth_sw");
	fx_symlink_rel(fx, "sys/devices/platform/soc/e6880000.ethernet/net/tsn0",
		       "sys/class/net/tsn0");
	fx_write(fx, "sys/devices/platform/soc/e6880000.ethernet/net/tsn0/address",
		 "2e:09:0a:00:a0:4c\n");
	fx_symlink_rel(fx, "sys/devices/platform/soc/e6540000.serial/tty/ttySC0",
		       "sys/class/tty/ttySC0");
	fx_write(fx, "sys/devices/platform/soc/e6540000.serial/tty/ttySC0/dev", "240:0\n");

	/* configfs first (mounted by systemd), then the EPF drivers register. */
	fx_configfs_mount(fx);
	fx_mkdir(fx, "sys/kernel/config/usb_gadget");
	fx_epf_driver_builtin(fx, "pci_epf_test", "pci-epf-test");
	fx_epf_driver(fx, "pci_epf_vntb", "pci-epf-vntb", true);
	fx_epf_driver(fx, "pci_epf_dma", "pci-epf-dma", true);
	/* On disk but not loaded: not registered, no functions/pci_epf_ntb. */
	fx_epf_driver(fx, "pci_epf_ntb", "pci-epf-ntb", false);
	fx_module(fx, "drivers/net/ethernet/renesas", "rswitch_drv",
		  (const char *const[]){ "of:N*T*Crenesas,r8a779f0-ether-switch",
					 "of:N*T*Crenesas,r8a779f0-ether-switchC*", NULL },
		  NULL);
	fx_module_loaded(fx, "rswitch_drv");
	fx_depmod(fx);

	fx_kmsg(fx, 6,
		"rcar-gen4-pcie-ep e65d0000.pcie-ep: host bridge /soc/pcie-ep@e65d0000 ranges:");
	fx_kmsg(fx, 6,
		"rcar-gen4-pcie-ep e65d0000.pcie-ep:      MEM 0x0010000000..0x0017ffffff -> "
		"0x0010000000");
	fx_kmsg(fx, 4, "rswitch_drv e6880000.ethernet: port 2 not connected");
}

void fx_rcar_s4(struct fx *fx)
{
	const struct rcar r = { "6.18.3-rcar-s4", mf_one_byte_2, sizeof(mf_one_byte_2), false };

	fx_kernel_config(fx, "vntb_bar_attrs=1");
	rcar_machine(fx, &r);
}

void fx_bad_max_functions(struct fx *fx)
{
	const struct rcar r = { "6.18.3-rcar-s4", mf_cell_2, sizeof(mf_cell_2), false };

	fx_kernel_config(fx, "vntb_bar_attrs=1");
	rcar_machine(fx, &r);
}

void fx_two_controllers(struct fx *fx)
{
	const struct rcar r = { "6.18.0-rc2-next-20251024+", mf_one_byte_2, sizeof(mf_one_byte_2),
				true };

	fx_kernel_config(fx, "vntb_bar_attrs=1");
	rcar_machine(fx, &r);
}

void fx_foreign(struct fx *fx)
{
	fx_rcar_s4(fx);
	/* Linked first: holds PF0 and EPF index pci_epf_test.0. */
	fx_foreign_function(fx, "pci_epf_test", "t0", "e65d0000.pcie-ep");
	fx_foreign_function(fx, "pci_epf_test", "scratch", NULL);
}

/* ---- RK3588 ---- */

static void rk3588_machine(struct fx *fx, const void *max_functions, size_t len)
{
	/* The platform device is named after the first reg (the DBI space at
	 * 0xa40000000), the DT node after another one: the names differ. */
	const struct fx_controller c = {
		.name = "a40000000.pcie-ep",
		.parent = NULL,
		.dt_node = "pcie-ep@fe150000",
		.compatible = "rockchip,rk3588-pcie-ep",
		.max_functions = max_functions,
		.max_functions_len = len,
	};
	static const char compat[] = "radxa,rock-5b\0rockchip,rk3588";

	fx_kernel_release(fx, "6.12.0-rk");
	fx_kernel_config(fx, "vntb_bar_attrs=0");
	common_machine(fx, "rock-5b");
	dt_prop(fx, "", "compatible", compat, sizeof(compat));
	dt_str(fx, "", "model", "Radxa ROCK 5B");
	/* RK3588 keeps its nodes at the root: no soc/ bus. */
	fx_dt_node(fx, "pcie@fe150000", "rockchip,rk3588-pcie");
	dt_str(fx, "pcie@fe150000", "status", "disabled");
	fx_dt_node(fx, "pcie@fe180000", "rockchip,rk3588-pcie");
	dt_str(fx, "pcie@fe180000", "status", "okay");
	fx_dt_node(fx, "serial@feb50000", "rockchip,rk3588-uart\0snps,dw-apb-uart");
	fx_controller(fx, &c);
	platform_device(fx, "feb50000.serial", "serial@feb50000", "dw-apb-uart");
	platform_device(fx, "fe180000.pcie", "pcie@fe180000", "rockchip-dw-pcie");
	fx_configfs_mount(fx);
	fx_epf_driver(fx, "pci_epf_vntb", "pci-epf-vntb", true);
	fx_epf_driver(fx, "pci_epf_dma", "pci-epf-dma", true);
	fx_epf_driver(fx, "pci_epf_test", "pci-epf-test", true);
	fx_depmod(fx);
	fx_kmsg(fx, 6, "rockchip-dw-pcie-ep a40000000.pcie-ep: PCIe Gen.3 x4 link");
}

void fx_rk3588(struct fx *fx)
{
	rk3588_machine(fx, NULL, 0);
}

void fx_rk3588_mf2(struct fx *fx)
{
	rk3588_machine(fx, mf_one_byte_2, sizeof(mf_one_byte_2));
}

/* ---- the machine of real-kernel-transcript.txt ---- */

void fx_conformance(struct fx *fx)
{
	/* A virtual controller module on x86 QEMU: node directly below the
	 * base (attached by the module), device directly below platform. */
	const struct fx_controller c = {
		.name = "e65d0000.pcie-ep",
		.parent = NULL,
		.dt_node = "pcie-ep@e65d0000",
		.compatible = "renesas,r8a779f0-pcie-ep",
		.max_functions = mf_one_byte_2,
		.max_functions_len = sizeof(mf_one_byte_2),
	};

	fx_priv(fx)->elf_machine = EM_X86_64;
	fx_kernel_release(fx, "6.12.117");
	fx_kernel_config(fx, "generation=new");
	fx_kernel_config(fx, "vntb_bar_attrs=0");
	common_machine(fx, "qemu");
	fx_controller(fx, &c);
	fx_configfs_mount(fx);
	fx_epf_driver_builtin(fx, "pci_epf_test", "pci-epf-test");
	fx_epf_driver_builtin(fx, "pci_epf_vntb", "pci-epf-vntb");
	fx_epf_driver(fx, "pci_epf_dma", "pci-epf-dma", true);
	fx_module(fx, "drivers/ntb/hw/epf", "ntb_hw_epf",
		  (const char *const[]){ "pci:v00001957d00000809sv*sd*bc*sc*i*",
					 "pci:v0000104Cd0000B00Dsv*sd*bc*sc*i*", NULL },
		  NULL);
	fx_depmod(fx);
	fx_kmsg(fx, 4, "------------[ cut here ]------------");
	fx_kmsg(fx, 4,
		"WARNING: CPU: 0 PID: 1 at drivers/pci/probe.c:3214 "
		"pci_create_root_bus+0x1d2/0x2f0");
	fx_kmsg(fx, 4, "---[ end trace 0000000000000000 ]---");
}

/* ---- x86 host ---- */

struct host_dev {
	const char *bdf, *parent;
	uint16_t vendor, device, sv, sd;
	uint32_t class_code;
	uint8_t rev, irq, sec, sub;
	bool mf;
	const char *driver, *module;
	uint64_t bar0, size0;
	unsigned int flags0;
};

#define RP0 "pci0000:00/0000:00:01.0"
#define RP6 "pci0000:00/0000:00:06.0"
#define SW  "pci0000:00/0000:00:1d.0/0000:06:00.0"

static const struct host_dev host_devs[] = {
	{ "0000:00:00.0", NULL, 0x8086, 0xa700, 0x1043, 0x8882, 0x060000, 0x01, 0, 0, 0, false,
	  NULL, NULL, 0, 0, 0 },
	{ "0000:00:01.0", NULL, 0x8086, 0xa70d, 0x1043, 0x8882, 0x060400, 0x01, 120, 1, 1, false,
	  "pcieport", NULL, 0, 0, 0 },
	{ "0000:00:02.0", NULL, 0x8086, 0xa780, 0x1043, 0x8882, 0x030000, 0x04, 177, 0, 0, false,
	  "i915", "i915", 0x6000000000, 0x1000000, FX_BAR_64 },
	{ "0000:00:04.0", NULL, 0x8086, 0xa71d, 0x1043, 0x8882, 0x118000, 0x01, 16, 0, 0, false,
	  "proc_thermal_pci", "processor_thermal_device_pci", 0x6001100000, 0x20000, FX_BAR_64 },
	{ "0000:00:06.0", NULL, 0x8086, 0xa74d, 0x1043, 0x8882, 0x060400, 0x01, 121, 2, 2, false,
	  "pcieport", NULL, 0, 0, 0 },
	{ "0000:00:08.0", NULL, 0x8086, 0xa74f, 0x1043, 0x8882, 0x088000, 0x01, 255, 0, 0, false,
	  NULL, NULL, 0x600113c000, 0x1000, FX_BAR_64 },
	{ "0000:00:0a.0", NULL, 0x8086, 0xa77d, 0x0000, 0x0000, 0x118000, 0x01, 0, 0, 0, false,
	  "intel_vsec", "intel_vsec", 0x6001110000, 0x8000, FX_BAR_64 },
	{ "0000:00:0d.0", NULL, 0x8086, 0xa71e, 0x1043, 0x8882, 0x0c0330, 0x01, 122, 0, 0, false,
	  "xhci_hcd", "xhci-pci", 0x6001120000, 0x10000, FX_BAR_64 },
	{ "0000:00:14.0", NULL, 0x8086, 0x7a60, 0x1043, 0x8882, 0x0c0330, 0x11, 123, 0, 0, true,
	  "xhci_hcd", "xhci-pci", 0x80400000, 0x10000, FX_BAR_64 },
	/* Shared SRAM: class 0x0500 "memory RAM", as a vNTB function has. */
	{ "0000:00:14.2", NULL, 0x8086, 0x7a27, 0x1043, 0x8882, 0x050000, 0x11, 255, 0, 0, true,
	  NULL, NULL, 0x6001134000, 0x4000, FX_BAR_64 },
	{ "0000:00:14.3", NULL, 0x8086, 0x7a70, 0x8086, 0x0094, 0x028000, 0x11, 16, 0, 0, true,
	  "iwlwifi", "iwlwifi", 0x6001128000, 0x4000, FX_BAR_64 },
	{ "0000:00:15.0", NULL, 0x8086, 0x7a4c, 0x1043, 0x8882, 0x0c8000, 0x11, 27, 0, 0, true,
	  "intel-lpss", "intel-lpss-pci", 0x4017000000, 0x1000, FX_BAR_64 },
	{ "0000:00:16.0", NULL, 0x8086, 0x7a68, 0x1043, 0x8882, 0x078000, 0x11, 186, 0, 0, true,
	  "mei_me", "mei-me", 0x6001139000, 0x1000, FX_BAR_64 },
	{ "0000:00:17.0", NULL, 0x8086, 0x7a62, 0x1043, 0x8882, 0x010601, 0x11, 124, 0, 0, false,
	  "ahci", "ahci", 0x80420000, 0x2000, 0 },
	{ "0000:00:1a.0", NULL, 0x8086, 0x7a48, 0x1043, 0x8882, 0x060400, 0x11, 125, 3, 3, false,
	  "pcieport", NULL, 0, 0, 0 },
	{ "0000:00:1c.0", NULL, 0x8086, 0x7a38, 0x1043, 0x8882, 0x060400, 0x11, 126, 4, 4, true,
	  "pcieport", NULL, 0, 0, 0 },
	{ "0000:00:1c.2", NULL, 0x8086, 0x7a3a, 0x1043, 0x8882, 0x060400, 0x11, 127, 5, 5, true,
	  "pcieport", NULL, 0, 0, 0 },
	{ "0000:00:1d.0", NULL, 0x8086, 0x7a36, 0x1043, 0x8882, 0x060400, 0x11, 128, 6, 9, false,
	  "pcieport", NULL, 0, 0, 0 },
	{ "0000:00:1f.0", NULL, 0x8086, 0x7a06, 0x1043, 0x8882, 0x060100, 0x11, 0, 0, 0, true, NULL,
	  NULL, 0, 0, 0 },
	{ "0000:00:1f.3", NULL, 0x8086, 0x7a50, 0x1043, 0x8882, 0x040300, 0x11, 185, 0, 0, true,
	  "snd_hda_intel", "snd-hda-intel", 0x6001130000, 0x4000, FX_BAR_64 },
	{ "0000:00:1f.4", NULL, 0x8086, 0x7a23, 0x1043, 0x8882, 0x0c0500, 0x11, 16, 0, 0, true,
	  "i801_smbus", "i2c-i801", 0x600113e000, 0x100, FX_BAR_64 },
	{ "0000:00:1f.5", NULL, 0x8086, 0x7a24, 0x1043, 0x8882, 0x0c8000, 0x11, 0, 0, 0, true,
	  "intel-spi", "spi-intel-pci", 0x80434000, 0x1000, 0 },
	{ "0000:01:00.0", RP0, 0x10de, 0x2684, 0x1043, 0x889d, 0x030000, 0xa1, 16, 0, 0, true, NULL,
	  NULL, 0x81000000, 0x1000000, 0 },
	{ "0000:01:00.1", RP0, 0x10de, 0x22ba, 0x1043, 0x889d, 0x040300, 0xa1, 17, 0, 0, true,
	  "snd_hda_intel", "snd-hda-intel", 0x82080000, 0x4000, 0 },
	{ "0000:02:00.0", RP6, 0x144d, 0xa80a, 0x144d, 0xa801, 0x010802, 0x00, 16, 0, 0, false,
	  "nvme", "nvme", 0x82200000, 0x4000, FX_BAR_64 },
	{ "0000:03:00.0", "pci0000:00/0000:00:1a.0", 0x8086, 0x125c, 0x1043, 0x87d2, 0x020000, 0x04,
	  17, 0, 0, false, "igc", "igc", 0x82300000, 0x100000, 0 },
	/* Renesas uPD720202 USB 3.0: same vendor as the R-Car vNTB IDs. */
	{ "0000:04:00.0", "pci0000:00/0000:00:1c.0", 0x1912, 0x0015, 0x1912, 0x0015, 0x0c0330, 0x02,
	  16, 0, 0, false, "xhci_hcd", "xhci-pci", 0x82400000, 0x2000, FX_BAR_64 },
	{ "0000:05:00.0", "pci0000:00/0000:00:1c.2", 0x10ec, 0x8168, 0x1043, 0x208f, 0x020000, 0x15,
	  18, 0, 0, false, "r8169", "r8169", 0x82500000, 0x4000, FX_BAR_64 },
	{ "0000:06:00.0", "pci0000:00/0000:00:1d.0", 0x10b5, 0x8724, 0x10b5, 0x8724, 0x060400, 0xca,
	  129, 7, 9, false, "pcieport", NULL, 0, 0, 0 },
	/* Downstream port 07:01.0 has nothing behind it yet: bus 08 is where an endpoint appears. */
	{ "0000:07:01.0", SW, 0x10b5, 0x8724, 0x10b5, 0x8724, 0x060400, 0xca, 130, 8, 8, false,
	  "pcieport", NULL, 0, 0, 0 },
	{ "0000:07:02.0", SW, 0x10b5, 0x8724, 0x10b5, 0x8724, 0x060400, 0xca, 131, 9, 9, false,
	  "pcieport", NULL, 0, 0, 0 },
	/* Xilinx memory controller with no driver: class 0x05, vendor of a dw-edma ID. */
	{ "0000:09:00.0", SW "/0000:07:02.0", 0x10ee, 0x9038, 0x10ee, 0x0007, 0x058000, 0x00, 19, 0,
	  0, false, NULL, NULL, 0x82600000, 0x100000, 0 },
};

struct host_mod {
	const char *subdir, *name, *depends;
	const char *aliases[4];
};

static const struct host_mod host_mods[] = {
	{ "drivers/ntb", "ntb", NULL, { NULL } },
	/* As in 6.12: no 0x1912:0x0030 (R-Car) entry yet. */
	{ "drivers/ntb/hw/epf",
	  "ntb_hw_epf",
	  "ntb",
	  { "pci:v00001957d00000809sv*sd*bc*sc*i*", "pci:v0000104Cd0000B00Dsv*sd*bc*sc*i*" } },
	{ "drivers/ntb/hw/intel",
	  "ntb_hw_intel",
	  "ntb",
	  { "pci:v00008086d00000E0Dsv*sd*bc*sc*i*", "pci:v00008086d0000201Csv*sd*bc*sc*i*" } },
	{ "drivers/ntb", "ntb_transport", "ntb", { NULL } },
	{ "drivers/dma/dw-edma", "dw-edma", NULL, { NULL } },
	{ "drivers/dma/dw-edma",
	  "dw-edma-pcie",
	  "dw-edma",
	  { "pci:v000016C3d0000EDDAsv*sd*bc*sc*i*", "pci:v000010EEd0000B054sv*sd*bc*sc*i*" } },
	{ "drivers/net/ethernet/intel/igc",
	  "igc",
	  NULL,
	  { "pci:v00008086d0000125Csv*sd*bc*sc*i*" } },
	{ "drivers/nvme/host", "nvme-core", NULL, { NULL } },
	{ "drivers/nvme/host", "nvme", "nvme-core", { "pci:v*d*sv*sd*bc01sc08i02*" } },
	{ "drivers/usb/host", "xhci-hcd", NULL, { NULL } },
	{ "drivers/usb/host", "xhci-pci", "xhci-hcd", { "pci:v*d*sv*sd*bc0Csc03i30*" } },
	{ "drivers/net/ethernet/realtek",
	  "r8169",
	  NULL,
	  { "pci:v000010ECd00008168sv*sd*bc*sc*i*" } },
};

void fx_x86_host(struct fx *fx)
{
	fx_priv(fx)->elf_machine = EM_X86_64;
	fx_kernel_release(fx, "6.12.57-amd64");
	common_machine(fx, "buildhost");
	fx_pci_bus(fx);
	for (size_t i = 0; i < sizeof(host_devs) / sizeof(host_devs[0]); i++) {
		const struct host_dev *h = &host_devs[i];
		struct fx_pci_device d = {
			.bdf = h->bdf,
			.parent = h->parent,
			.vendor = h->vendor,
			.device = h->device,
			.subsystem_vendor = h->sv,
			.subsystem_device = h->sd,
			.class_code = h->class_code,
			.revision = h->rev,
			.irq = h->irq,
			.multifunction = h->mf,
			.secondary_bus = h->sec,
			.subordinate_bus = h->sub,
			.driver = h->driver,
			.module = h->module,
		};

		d.bar[0] = h->bar0;
		d.bar_size[0] = h->size0;
		d.bar_flags[0] = h->flags0;
		fx_pci_device(fx, &d);
	}
	for (size_t i = 0; i < sizeof(host_mods) / sizeof(host_mods[0]); i++)
		fx_module(fx, host_mods[i].subdir, host_mods[i].name, host_mods[i].aliases,
			  host_mods[i].depends);
	fx_module_builtin(fx, "drivers/pci/pcie", "pcieportdrv");
	/* Loaded (and holding) as on a desktop; ntb_* and dw_edma* are not. */
	fx_write(fx, "sys/module/nvme_core/initstate", "live\n");
	fx_write(fx, "sys/module/nvme_core/parameters/multipath", "Y\n");
	fx_write(fx, "sys/module/xhci_hcd/initstate", "live\n");
	fx_depmod(fx);
	fx_kmsg(fx, 6, "pci 0000:00:1d.0: PCI bridge to [bus 06-09]");
	fx_kmsg(fx, 6, "pci 0000:07:01.0: PCI bridge to [bus 08]");
}
