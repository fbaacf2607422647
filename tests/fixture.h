/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixture trees for the test suites: a temp dir per test holding the fixture
 * root (what --root points at) and the fake kernel's state dir beside it.
 * Builders abort the test (ck_abort_msg) on any error, so a broken fixture can
 * never pass for a working one. Layout: tests/README.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>

#include <check.h>

#include "internal.h" /* the tests poke at the library's parts too */

struct fx {
	char *dir;     /* the test's temp dir */
	char *root;    /* <dir>/root: the fixture tree */
	char *state;   /* <dir>/kernel: EPDMA_FAKE_STATE, outside the compared tree */
	char *release; /* kernel release written by fx_kernel_release() */
};

struct fx *fx_new(void);
void fx_free(struct fx *fx);   /* removes the whole temp dir */
void fx_detach(struct fx *fx); /* frees FX but keeps the tree (epdma-sim) */

/* ---- primitives (paths relative to the root, leading slash optional) ---- */
char *fx_path(struct fx *fx, const char *path);
void fx_write(struct fx *fx, const char *path, const char *fmt, ...) _printf_(3, 4);
void fx_write_raw(struct fx *fx, const char *path, const void *data, size_t len);
void fx_mkdir(struct fx *fx, const char *path);
void fx_symlink(struct fx *fx, const char *target, const char *path);
char *fx_read(struct fx *fx, const char *path); /* NULL when missing; caller frees */
bool fx_exists(struct fx *fx, const char *path);
/* PATH (below the root) exists and contains TEXT. */
bool fx_file_has(struct fx *fx, const char *path, const char *text);
/* Module MODULE is loaded: its /sys/module/<name>/initstate exists. */
bool fx_module_is_loaded(struct fx *fx, const char *module);
/* Raw bytes (NUL-terminated too, LEN without it); NULL when missing; caller frees. */
char *fx_read_raw(struct fx *fx, const char *path, size_t *len);
/* Symlink at PATH to TARGET (both below the root), stored relative as sysfs does. */
void fx_symlink_rel(struct fx *fx, const char *target, const char *path);
/* Relative path from directory FROM_DIR to TO (both root-relative); caller frees. */
char *fx_relpath(const char *from_dir, const char *to);
/* Sorted entry names below the root, NULL-terminated (empty when missing). */
char **fx_list(struct fx *fx, const char *path);
void fx_list_free(char **names);
/* Append a record "<prio>,<seq>,<usec>,-;<text>" to dev/kmsg (seq/usec continue). */
void fx_kmsg(struct fx *fx, int prio, const char *fmt, ...) _printf_(3, 4);
/* Append one line to $EPDMA_FAKE_STATE/config. */
void fx_kernel_config(struct fx *fx, const char *fmt, ...) _printf_(2, 3);

/* ---- building blocks ---- */
void fx_kernel_release(struct fx *fx, const char *release);

struct fx_controller {
	const char *name;    /* e.g. "e65d0000.pcie-ep" */
	const char *parent;  /* platform path below sys/devices/platform, e.g. "soc" */
	const char *dt_node; /* path below sys/firmware/devicetree/base */
	const char *compatible;
	const void *max_functions; /* raw property bytes; NULL = property absent */
	size_t max_functions_len;
	const char *fallback_compatible; /* second `compatible` string, or NULL */
};
void fx_controller(struct fx *fx, const struct fx_controller *c);
/* configfs "mounted": pci_ep/controllers/<epc>/start (0) for every controller,
 * pci_ep/functions/<drv>/ for every registered EPF driver. */
void fx_configfs_mount(struct fx *fx);
/* EPF driver <drv> (e.g. "pci_epf_vntb"): module file <module>.ko under
 * lib/modules (always), and when LOADED: sys/module/<drv>, sys/bus/pci-epf/drivers/<drv>
 * and (if mounted) functions/<drv>. */
void fx_epf_driver(struct fx *fx, const char *drv, const char *module, bool loaded);
/* A built-in EPF driver: listed in modules.builtin(.modinfo), /sys/module/<name>
 * without initstate, registered on the pci-epf bus (and in configfs if mounted). */
void fx_epf_driver_builtin(struct fx *fx, const char *drv, const char *module);
/* /sys/module/<name> of a loaded module (initstate live, refcnt, ...). */
void fx_module_loaded(struct fx *fx, const char *module);
/* A device-tree node (and its parents), each with `name`; COMPATIBLE may be NULL. */
void fx_dt_node(struct fx *fx, const char *node, const char *compatible);

/* A host PCI device below sys/devices/<parent>/<bdf>, listed in sys/bus/pci. */
#define FX_BAR_IO	1u
#define FX_BAR_PREFETCH 2u
#define FX_BAR_64	4u /* takes the next BAR slot too */
struct fx_pci_device {
	const char *bdf;    /* "0000:03:00.0" */
	const char *parent; /* below sys/devices, e.g. "pci0000:00/0000:00:1c.0"; NULL = root bus */
	uint16_t vendor, device, subsystem_vendor, subsystem_device;
	uint32_t class_code; /* 0xBBSSPP */
	uint8_t revision, irq;
	bool multifunction;
	uint8_t secondary_bus, subordinate_bus; /* bridges (class 0x0604xx) */
	const char *driver;			/* bound driver, or NULL */
	const char *module;			/* the driver's module (loaded), NULL = built-in */
	uint64_t bar[6], bar_size[6];
	unsigned int bar_flags[6];
};
void fx_pci_device(struct fx *fx, const struct fx_pci_device *d);
/* sys/bus/pci with its bus attributes (rescan, drivers_probe, ...); idempotent. */
void fx_pci_bus(struct fx *fx);

/* A module object <name>.ko (ELF with .modinfo: name, license, the aliases, depends)
 * placed below lib/modules/<release>/kernel/<subdir>/. */
void fx_module(struct fx *fx, const char *subdir, const char *name, const char *const *aliases,
	       const char *depends);
/* A built-in module: a line in modules.builtin and records in modules.builtin.modinfo. */
void fx_module_builtin(struct fx *fx, const char *subdir, const char *name);
void fx_depmod(struct fx *fx); /* depmod -b <root> <release>; aborts on failure */
/* A function made by someone else (EPF index taken from the global pool); linked
 * to EPC when not NULL. */
void fx_foreign_function(struct fx *fx, const char *drv, const char *name, const char *epc);

/* ---- scenario fixtures (deliberately irregular: extra entries, odd names) ---- */
void fx_rcar_s4(struct fx *fx);		  /* max-functions = 1 byte 0x02 */
void fx_rk3588(struct fx *fx);		  /* no max-functions: 1 function */
void fx_rk3588_mf2(struct fx *fx);	  /* RK3588-compatible node WITH max-functions 2 */
void fx_bad_max_functions(struct fx *fx); /* 4-byte max-functions cell */
void fx_two_controllers(struct fx *fx);	  /* two controllers, both multi-function */
void fx_foreign(struct fx *fx);		  /* R-Car S4 + a pci_epf_test function linked */
void fx_x86_host(struct fx *fx);	  /* x86 host PCI tree, ntb_hw_epf/dw_edma_pcie modules */
void fx_conformance(struct fx *fx);	  /* the machine of real-kernel-transcript.txt */

/* Every path below the root with its type, mode, link target and (files) md5:
 * what "touched nothing" is compared on. PRUNE: find(1) expression of paths to
 * leave out ("-path ./dev/kmsg -o ..."), or NULL. */
char *fx_snapshot(struct fx *fx, const char *prune);

/* HAY (may be NULL) contains NEEDLE: the assertion helper of the CLI suites. */
static inline bool has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* Length of the array at top-level KEY of the JSON object TEXT; -1 when TEXT does
 * not parse, or KEY is missing or not an array. */
int fx_json_array_len(const char *text, const char *key);

/* Run every test of S, each forked; exit status for main(). */
int fx_run_suite(Suite *s);

/* ---- running front ends ---- */
struct fx_result {
	int status; /* exit status, or 128+signal */
	char *out;
	char *err;
};
/* Run ARGV (argv[0] "epdmactl" means the built one) with the fake kernel
 * preloaded, EPDMA_FAKE_ROOT/EPDMA_FAKE_STATE set and cwd = the temp dir. */
void fx_run(struct fx *fx, struct fx_result *r, const char *const *argv);
void fx_result_free(struct fx_result *r);
/* Contents of the fake kernel's operation log ("" when empty). */
char *fx_oplog(struct fx *fx);
/* Compare TEXT with the golden file tests/golden/NAME after replacing the temp
 * root with "@ROOT@"; with EPDMA_UPDATE_GOLDEN=1 rewrite the file instead. */
void fx_assert_golden(struct fx *fx, const char *name, const char *text);

/* ---- the host's view of an endpoint card (fixture-host.c) ---- */

/* vNTB control BAR as pci-epf-vntb writes it; the transport fields are what
 * the endpoint's ntb_transport writes into the host's half of the spads. */
struct fx_vntb_bar {
	uint32_t num_mws, spad_count, db_count;
	uint32_t align;	   /* controller's align; 0 = power-of-two rounding */
	uint32_t bar_size; /* 0 = as pci_epf_alloc_space() sizes it */
	uint16_t link_status;
	bool transport; /* write the endpoint transport's scratchpads */
	bool partial;	/* ... all but VERSION (ntb_transport writes it last) */
	uint32_t version, qp_links, num_qps, spad_num_mws;
	uint64_t mw_size[4];
};
/* Counts from CFG; transport fields agreeing with it (version 4, 1 QP). */
void fx_vntb_bar_from_config(const struct epdma_config *cfg, struct fx_vntb_bar *b);
uint8_t *fx_vntb_bar_image(const struct fx_vntb_bar *b, size_t *len); /* caller frees */

/* PEDM metadata BAR; zero magic/revision/length mean the right ones. */
struct fx_pedm_bar {
	uint32_t magic;
	uint8_t revision;
	uint16_t length;
	uint8_t reg_bar, wr_chans, rd_chans, entry_size;
	bool host_req, ready;
	uint64_t reg_offset;
	uint32_t layout, reg_size;
	size_t bar_size; /* 0 = 4 KiB */
};
void fx_pedm_bar_from_config(const struct epdma_config *cfg, struct fx_pedm_bar *b);
uint8_t *fx_pedm_bar_image(const struct fx_pedm_bar *b, size_t *len); /* caller frees */

/* One endpoint card on the host: function 0 = vNTB, function 1 = DMA (or
 * DMA_BDF), IDs/classes/counts from CFG, subsystem ID = pairing tag, BAR
 * images in resourceN. Default place: 0000:08:00.x behind the switch's empty
 * port 07:01.0 of fx_x86_host(). PREPARED: hidden until /sys/bus/pci/rescan. */
struct fx_host_card {
	const struct epdma_config *cfg;
	const char *bdf;		/* function 0; NULL = "0000:08:00.0" */
	const char *parent;		/* below sys/devices when BDF is given; NULL = root bus */
	const char *dma_bdf;		/* NULL = same slot, function 1 */
	const char *dma_parent;		/* with DMA_BDF */
	const struct fx_vntb_bar *vntb; /* NULL = fx_vntb_bar_from_config() */
	const struct fx_pedm_bar *pedm; /* NULL = fx_pedm_bar_from_config() */
	uint64_t mmio;			/* first BAR address; 0 = 0x83000000 */
	bool prepared;
};
void fx_host_card(struct fx *fx, const struct fx_host_card *card);
/* The NTB device ntb_hw_epf registers on PCI device BDF (a child named after
 * it, on /sys/bus/ntb), without the driver bound. */
void fx_host_ntb_device(struct fx *fx, const char *bdf);
/* Take a device out of sysfs into $EPDMA_FAKE_STATE/pci-hidden (rescan restores it). */
void fx_pci_hide(struct fx *fx, const char *bdf);
/* Surprise removal: the device's files and links vanish. ONES: its BARs read
 * all ones through existing mappings; SIGBUS: touching a mapping faults. */
enum fx_unplug {
	FX_UNPLUG_ONES,
	FX_UNPLUG_SIGBUS,
};
void fx_host_unplug(struct fx *fx, const char *bdf, enum fx_unplug how);
/* ntb, ntb_hw_epf (6.12 aliases), ntb_transport, ntb_netdev, ntb_transport_ep_dma
 * (dma_bdf 0644, or 0444 unless BDF_PARAM_WRITABLE), dw_edma, dw_edma_pcie, with
 * their parameters; reruns depmod. */
void fx_host_modules(struct fx *fx, bool bdf_param_writable);
/* ntb_hw_epf as Debian's 6.12.117 builds it: its ID table without a
 * MODULE_DEVICE_TABLE, so modinfo has no alias (the fake kernel still probes
 * the IDs once it is loaded); reruns depmod. */
void fx_host_ntb_hw_epf_unaliased(struct fx *fx);
/* FUNCTIONS PCI functions on domain 0001 (8 per slot, 32 slots per bus). */
void fx_host_many(struct fx *fx, unsigned int functions);
/* fx_module() with parameters: each "name:type:perm:default" (perm 0644/0444). */
void fx_module_parm(struct fx *fx, const char *subdir, const char *name, const char *const *aliases,
		    const char *depends, const char *const *parms);

/* ---- a private network namespace (fixture-netns.c) ---- */
/* Enter one (with a user namespace where needed): 0 or -errno. */
int fx_netns_enter(void);
/* Whether a child can enter one and make a veth pair there; WHY says why not. */
bool fx_netns_available(const char **why);
/* Run `ip ARGS` in the current namespace; the test fails when it does. */
void fx_ip(const char *fmt, ...) _printf_(1, 2);
/* A veth end IFNAME (peer IFNAMEp), down, without an automatic IPv6 address. */
void fx_netdev_add(const char *ifname);
