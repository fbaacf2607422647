/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to lib/ (and the tests that poke at its parts): the context's
 * fields, cleanup helpers, and each area's internal interface, in layers:
 * rooted I/O and kernel facts -> graph, plan, apply -> runs (lib/README.md).
 */
#pragma once

#include <stdarg.h>
#include <stdio.h>

#include "epdma.h"

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))

void epdma_freep(void *p);
void epdma_closep(int *fd);
#define _cleanup_free_	_cleanup_(epdma_freep)
#define _cleanup_close_ _cleanup_(epdma_closep)

struct epdma_ctx {
	char *root; /* "/" or an absolute fixture root, no trailing slash */
	int root_fd;
	epdma_log_fn log_fn;
	void *log_data;
	int log_priority;
	unsigned int lock_timeout_ms; /* how long a mutating run waits for the lock */
};

void epdma_log(struct epdma_ctx *ctx, int priority, const char *fmt, ...) _printf_(3, 4);
#define epdma_err(ctx, ...)  epdma_log(ctx, 3 /* LOG_ERR */, __VA_ARGS__)
#define epdma_warn(ctx, ...) epdma_log(ctx, 4 /* LOG_WARNING */, __VA_ARGS__)
#define epdma_info(ctx, ...) epdma_log(ctx, 6 /* LOG_INFO */, __VA_ARGS__)
#define epdma_dbg(ctx, ...)  epdma_log(ctx, 7 /* LOG_DEBUG */, __VA_ARGS__)

int epdma_ctx_root_fd(const struct epdma_ctx *ctx);
bool epdma_ctx_is_rooted(const struct epdma_ctx *ctx);
/* "/sys/x" -> "sys/x" (relative to the root fd); "" and "/" -> "." */
const char *epdma_fs_rel(const char *path);
char *epdma_strdup_printf(const char *fmt, ...) _printf_(1, 2);
/* Parse an unsigned number the way the kernel's kstrtou64(..., 0) does (base auto-detect). */
int epdma_parse_u64(const char *s, uint64_t *value);
/* Copy SRC into DST of SIZE bytes; -E2BIG (DST untouched) when it does not fit. */
int epdma_strscpy(char *dst, const char *src, size_t size);

/* The reason code of the check added last (for the front end's advice). */
void epdma_checks_set_reason(struct epdma_checks *checks, enum epdma_reason reason);

/*
 * ---- rooted I/O (lib/fs.c) ----
 * Every kernel-facing path is written as on the real system ("/sys/...",
 * leading slash optional) and resolved below the context's root fd. This is
 * the one module that touches the kernel's files.
 */

/* Absolute path of PATH below the root (for symlink targets, libpci, libkmod); caller frees. */
char *epdma_fs_path(const struct epdma_ctx *ctx, const char *path);
int epdma_fs_open(struct epdma_ctx *ctx, const char *path, int flags, mode_t mode);
bool epdma_fs_exists(struct epdma_ctx *ctx, const char *path);
bool epdma_fs_is_dir(struct epdma_ctx *ctx, const char *path);
/* Whole file into BUF (NUL-terminated, one trailing newline removed); returns length. */
ssize_t epdma_fs_read(struct epdma_ctx *ctx, const char *path, char *buf, size_t size);
/* Raw bytes (no NUL handling); returns the number read. */
ssize_t epdma_fs_read_raw(struct epdma_ctx *ctx, const char *path, void *buf, size_t size);
int epdma_fs_read_u64(struct epdma_ctx *ctx, const char *path, uint64_t *value);
/* One write(2) of the whole value; a short write is -EIO. */
int epdma_fs_write(struct epdma_ctx *ctx, const char *path, const char *value);
int epdma_fs_mkdir(struct epdma_ctx *ctx, const char *path, mode_t mode);
int epdma_fs_mkdir_p(struct epdma_ctx *ctx, const char *path, mode_t mode);
int epdma_fs_rmdir(struct epdma_ctx *ctx, const char *path);
int epdma_fs_unlink(struct epdma_ctx *ctx, const char *path);
/* symlink(2) with TARGET taken below the root and made absolute, as configfs wants it. */
int epdma_fs_symlink(struct epdma_ctx *ctx, const char *target, const char *linkpath);
/* readlink(2) of PATH below the root; returns length. */
ssize_t epdma_fs_readlink(struct epdma_ctx *ctx, const char *path, char *buf, size_t size);
/* Last path component of the symlink's target (e.g. the function or controller name). */
int epdma_fs_link_basename(struct epdma_ctx *ctx, const char *path, char *buf, size_t size);
int epdma_fs_mount(struct epdma_ctx *ctx, const char *source, const char *target,
		   const char *fstype, unsigned long flags);
/* Sorted entry names of a directory (no "." / ".."); NULL-terminated, free with epdma_strv_free. */
int epdma_fs_list(struct epdma_ctx *ctx, const char *path, char ***names);
/* The same, regular files only (attributes: no directories, no links). */
int epdma_fs_list_files(struct epdma_ctx *ctx, const char *path, char ***names);
/* The same, the entries that can be symlinks: links, and those whose type cannot be told. */
int epdma_fs_list_links(struct epdma_ctx *ctx, const char *path, char ***names);
/* Both in one listing: regular files into FILES (counted), directories into DIRS. */
int epdma_fs_list_files_dirs(struct epdma_ctx *ctx, const char *path, char ***files, char ***dirs);
/* The same, DIRS optional, and the directory left open at *DFD (closed by the caller;
 * -1 on failure) for epdma_fs_read_at(). */
int epdma_fs_list_files_dirs_at(struct epdma_ctx *ctx, const char *path, char ***files,
				char ***dirs, int *dfd);
/* epdma_fs_read() of NAME in the directory open at DFD (DIR/NAME when DFD is -1). */
ssize_t epdma_fs_read_at(struct epdma_ctx *ctx, int dfd, const char *dir, const char *name,
			 char *buf, size_t size);
void epdma_strv_free(char **strv);
size_t epdma_strv_length(char *const *strv);

/* ---- ELF (lib/elf.c) ---- */
/* The GNU build ID of the ELF file open at FD into ID; its length, -ENODATA when none. */
int epdma_elf_build_id(int fd, unsigned char *id, size_t id_size);

/* ---- kernel modules (lib/module.c) ---- */

struct epdma_modules;

enum epdma_module_state {
	EPDMA_MODULE_MISSING,
	EPDMA_MODULE_AVAILABLE, /* a module file that can be loaded */
	EPDMA_MODULE_BUILTIN,
	EPDMA_MODULE_LOADED,
};

#define EPDMA_MODULE_VNTB "pci-epf-vntb"
#define EPDMA_MODULE_DMA  "pci-epf-dma"

/* Kernel release of the (rooted) system, from /proc/sys/kernel/osrelease. */
int epdma_kernel_release(struct epdma_ctx *ctx, char *buf, size_t size);
int epdma_modules_new(struct epdma_ctx *ctx, struct epdma_modules **m);
/* The same for RELEASE as read already (NULL or "": read it). */
int epdma_modules_new_from(struct epdma_ctx *ctx, const char *release, struct epdma_modules **m);
void epdma_modules_free(struct epdma_modules *m);
const char *epdma_modules_release(const struct epdma_modules *m);
void epdma_module_name(const char *in, char *out, size_t size);
bool epdma_module_loaded(struct epdma_ctx *ctx, const char *module);
enum epdma_module_state epdma_module_state(struct epdma_modules *m, const char *module);
/* 1 when MODALIAS resolves to MODULE, 0 when not, -errno on failure. */
int epdma_module_alias_match(struct epdma_modules *m, const char *modalias, const char *module);
/*
 * How many PCI aliases MODULE's modinfo declares; -ENOENT when this kernel
 * has no such module. 0 is a driver with an ID table but no
 * MODULE_DEVICE_TABLE (6.12's ntb_hw_epf): it binds its IDs once loaded by
 * name, but no modalias lookup finds it.
 */
int epdma_module_pci_aliases(struct epdma_modules *m, const char *module);
/* Load MODULE (and its dependencies) with OPTIONS; 0 when already loaded. */
int epdma_module_load(struct epdma_modules *m, const char *module, const char *options);
/* Remove MODULE without waiting; -EWOULDBLOCK (= -EAGAIN) while it is in use. */
int epdma_module_remove(struct epdma_modules *m, const char *module);
/* Call FN for each dependency of MODULE that is not loaded, deepest first: what a
 * load of MODULE will insert besides it (recorded before the load, in case it dies). */
int epdma_module_missing_deps(struct epdma_modules *m, const char *module,
			      void (*fn)(const char *name, void *data), void *data);
/* Unload MODULE (delete_module, O_NONBLOCK); 0 when not loaded, -EWOULDBLOCK when in use. */
int epdma_module_unload(struct epdma_ctx *ctx, const char *module);
/* MODULE's refcnt (-errno when unreadable); *HOLDERS = modules that depend on it. */
int epdma_module_refcnt(struct epdma_ctx *ctx, const char *module, unsigned int *holders);
/*
 * Whether removing MODULE must be refused: a refcnt or holders, or a refcnt
 * that cannot be read (nothing proves it unused). WHY says which, for the error.
 */
bool epdma_module_busy(struct epdma_ctx *ctx, const char *module, char *why, size_t size);

/* ---- PCI discovery (lib/pci.c) ---- */

struct epdma_pci_function {
	unsigned int domain, bus, dev, func;
	uint16_t vendor_id, device_id;
	uint32_t class_code; /* 0xBBSSPP */
	uint16_t subsys_vendor_id, subsys_id;
};

/* Return non-zero from the callback to stop; that value is returned. */
typedef int (*epdma_pci_fn)(const struct epdma_pci_function *f, void *data);
int epdma_pci_foreach(struct epdma_ctx *ctx, epdma_pci_fn fn, void *data);
/*
 * Only the functions with one of IDS: the others cost libpci two sysfs reads
 * (vendor, device) instead of six, what makes a large bus cheap to search.
 */
struct epdma_pci_id {
	uint16_t vendor_id, device_id;
};
int epdma_pci_foreach_id(struct epdma_ctx *ctx, const struct epdma_pci_id *ids, size_t nids,
			 epdma_pci_fn fn, void *data);
int epdma_pci_count(struct epdma_ctx *ctx);
void epdma_pci_bdf(const struct epdma_pci_function *f, char *buf, size_t size);

/* ---- a host's view of PCI functions (lib/host-bar.c) ---- */

/*
 * Copy BAR of BDF (mmap of resourceN, never read(): memory BARs give EIO) into
 * a new buffer of *LEN bytes (the BAR's size, capped at 4 MiB). -EINVAL: the
 * kernel refused the mapping (a driver claimed the BAR under
 * IO_STRICT_DEVMEM); -ENODEV: SIGBUS during the copy (the device is gone);
 * -ENOENT: no such BAR.
 */
int epdma_pci_bar_read(struct epdma_ctx *ctx, const char *bdf, int bar, void **buf, size_t *len);
/* Sizes of BAR0..5 from <BDF>/resource (0 unused). */
int epdma_pci_bar_sizes(struct epdma_ctx *ctx, const char *bdf, uint64_t size[6]);
/* The bound driver's name ("" none). */
int epdma_pci_driver(struct epdma_ctx *ctx, const char *bdf, char *buf, size_t size);

/* ---- host discovery and pairing (lib/host-discover.c) ---- */

/*
 * Find the candidates, select the configured pair and prove it; every check
 * goes to CHECKS. ABSENT: the result of the "card" check when the pair is
 * not on the bus (check: WARN, setup rescans; discover: FAIL). 0 proven,
 * -ENODEV not found, -EINVAL a check failed, other -errno when the bus
 * cannot be scanned.
 */
int epdma_host_find(struct epdma_ctx *ctx, const struct epdma_config *cfg, struct epdma_host *h,
		    enum epdma_check_result absent, struct epdma_checks *checks);
struct epdma_host *epdma_host_new(void);
/* The bus could not be scanned (ERR): an error naming the line of general.role. */
void epdma_host_scan_error(struct epdma_ctx *ctx, const struct epdma_config *cfg, int err,
			   struct epdma_errors *errs);
/* Whether NTB device NTB_DEVICE (a /sys/bus/ntb/devices name) is the one WANT names
 * (NULL: any); lib/link.c. */
bool epdma_link_wants(const struct epdma_link_want *want, const char *ntb_device);
/* The card's NTB device: ntb_hw_epf's, on the vNTB function H found (no card: none). */
static inline struct epdma_link_want epdma_host_link_want(const struct epdma_host *h)
{
	return EPDMA_LINK_WANT_DEVICE(h->vntb >= 0 ? h->candidates[h->vntb].bdf : "");
}

/* ---- host setup, plan, teardown, status (lib/host-setup.c, lib/host-status.c) ---- */

#define EPDMA_HOST_RECORD      "/run/epdma/host"
#define EPDMA_HOST_VERIFIED    "/run/epdma/host-verified"
#define EPDMA_MODPROBE_SNIPPET "/run/modprobe.d/epdma.conf"

/* What /run/epdma/host says epdma changed: "override <bdf>", "inserted <module>",
 * "param <path> <value before>", "client <module>" per module loading the
 * transport's clients inserted (in the order inserted; dependencies too). */
#define EPDMA_HOST_RECORD_CLIENTS 8
struct epdma_host_record {
	char override_bdf[16];
	char inserted[64];
	char param_path[192];
	char param_old[192];
	char clients[EPDMA_HOST_RECORD_CLIENTS][64];
	size_t nclients;
};

void epdma_host_record_read(struct epdma_ctx *ctx, struct epdma_host_record *rec);
int epdma_host_record_write(struct epdma_ctx *ctx, const struct epdma_host_record *rec);
/* The last verified pairing checks into H (verified[], verified_time). */
void epdma_host_verified_read(struct epdma_ctx *ctx, struct epdma_host *h);
/* One of epdma's own files replaced whole (directories made); TEXT "" removes it. */
int epdma_host_write_file(struct epdma_ctx *ctx, const char *path, const char *text);
/* Channels under <BDF>/dma into H; returns how many. */
int epdma_host_count_channels(struct epdma_ctx *ctx, const char *bdf, struct epdma_host *h);
bool epdma_host_bdf_valid(const char *bdf);
/* Append an operation to run->host (NULL, with an error in RUN, when full). */
struct epdma_host_op *epdma_host_op_add(struct epdma_run *run, enum epdma_host_op_type type,
					const char *target, const char *value, const char *old);
/* Run run->host's ops from FIRST; on a failure with UNDO, take back this run's ops in reverse. */
int epdma_host_apply(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		     struct epdma_modules *mods, size_t first, bool undo, struct epdma_run *run);

/* ---- kernel log (lib/kmsg.c) ---- */

/* Open /dev/kmsg positioned at its end: later reads see only new records. */
int epdma_kmsg_open(struct epdma_ctx *ctx);
/* Append every record available now to *RECS (*N of them); returns how many were added. */
int epdma_kmsg_read(int fd, struct epdma_kmsg_record **recs, size_t *n);
void epdma_kmsg_records_free(struct epdma_kmsg_record *recs, size_t n);

/* ---- ownership record under /run/epdma (lib/state.c) ---- */

void epdma_graph_state_clear(struct epdma_graph_state *st);
/* -EOVERFLOW when the record names more functions than epdma can hold. */
int epdma_graph_state_read(struct epdma_ctx *ctx, struct epdma_graph_state *st);
int epdma_graph_state_write(struct epdma_ctx *ctx, const struct epdma_graph_state *st);
/* The record's text ("" when it names nothing); returns its length. */
size_t epdma_graph_state_format(const struct epdma_graph_state *st, char *buf, size_t size);
struct epdma_owned_function *epdma_graph_state_find(struct epdma_graph_state *st,
						    const char *driver, const char *name);

/* ---- endpoint controllers (lib/controller.c) ---- */

#define EPDMA_PCI_EP "/sys/kernel/config/pci_ep"

struct epdma_link {
	char link[64];	   /* entry name in controllers/<epc>/ */
	char driver[64];   /* functions/<driver>/ */
	char function[64]; /* functions/<driver>/<function> */
};

bool epdma_configfs_mounted(struct epdma_ctx *ctx);
bool epdma_epf_driver_registered(struct epdma_ctx *ctx, const char *driver);
int epdma_controllers_list(struct epdma_ctx *ctx, char ***names);
/* CONFIGURED, or the only controller; -ENOENT none/not found, -ENOTUNIQ several. */
int epdma_controller_pick(struct epdma_ctx *ctx, const char *configured, char *out, size_t size);
int epdma_controller_max_functions(struct epdma_ctx *ctx, const char *epc, unsigned int *max,
				   size_t *len);
bool epdma_controller_has_of_node(struct epdma_ctx *ctx, const char *epc);
int epdma_controller_compatible(struct epdma_ctx *ctx, const char *epc, char *buf, size_t size);
/* An unbound PCI device VID:PID (a vNTB function's virtual device left after
 * unbind): 1 with its BDF, 0 when none, -errno when the devices cannot be listed. */
int epdma_vntb_stale_device(struct epdma_ctx *ctx, uint16_t vid, uint16_t pid, char *bdf,
			    size_t size);
/* Functions linked to EPC; -E2BIG when more than MAX are. */
int epdma_controller_links(struct epdma_ctx *ctx, const char *epc, struct epdma_link *links,
			   size_t max);
/*
 * 1 when the vNTB subgroup has BAR selectors, 0 when not, -errno when unknown;
 * HOW says why. FUNCTION and SUBGROUP (SIZE bytes each): the vNTB function
 * judged from, "" when none; RELEASE: the kernel release when judged from
 * it, "" when not read.
 */
int epdma_vntb_bar_attrs(struct epdma_ctx *ctx, const char **how, char *function, char *subgroup,
			 size_t size, char *release, size_t release_size);

/* ---- the live graph (lib/graph.c) ---- */

/* Read every function of every EPF driver and what is linked to EPC. */
int epdma_graph_read(struct epdma_ctx *ctx, const char *epc, struct epdma_graph *g);

struct epdma_spec;
struct epdma_endpoint_facts;

/* What a graph read may leave out, or take from the preflight that came before it. */
struct epdma_graph_opts {
	/*
	 * specs[2] (epdma_specs_from_config() with the facts' bar_attrs): of the
	 * functions they configure only the attributes they want and those the
	 * planner looks up (num_mws, vbus_number, vntb_vid, vntb_pid); of every
	 * other function none (its subgroup and links are read). NULL: every
	 * attribute of every function (status shows them all).
	 */
	const struct epdma_spec *specs;
	/* The ownership record and the controller's links as the probe read them
	 * (each only when it did); NULL: read them. */
	const struct epdma_endpoint_facts *facts;
};

/* epdma_graph_read() with OPTS (NULL: the same). */
int epdma_graph_read_opts(struct epdma_ctx *ctx, const char *epc,
			  const struct epdma_graph_opts *opts, struct epdma_graph *g);
struct epdma_function *epdma_graph_find(struct epdma_graph *g, const char *driver,
					const char *name);
/* NAME is "<driver>.<N>": an EPF device, or its driver subgroup in a function dir. */
bool epdma_epf_name(const char *name, const char *driver);
/* The "<driver>.<N>" subgroup in function directory DIR; false while there is none. */
bool epdma_function_subgroup(struct epdma_ctx *ctx, const char *dir, const char *driver, char *out,
			     size_t size);

/* ---- desired graph (lib/spec.c) ---- */

/* One attribute as the config wants it, in the order it must be written. */
struct epdma_want {
	char name[24];
	bool sub;	/* in the driver subgroup */
	char value[40]; /* the text written: "0x1912", "4", "-1" */
	bool match_any; /* an auto BAR: whatever the kernel chose matches */
};

struct epdma_spec {
	const char *driver;
	const char *module;
	char name[EPDMA_NAME_MAX + 1];
	struct epdma_want want[EPDMA_MAX_ATTRS];
	size_t nwant;
};

/* specs[0] = vNTB (must be PF0), specs[1] = DMA. BAR_ATTRS: the vNTB subgroup has BAR selectors. */
void epdma_specs_from_config(const struct epdma_config *cfg, bool bar_attrs,
			     struct epdma_spec specs[2]);
/* 1 when the live text equals the wanted value numerically (or the want is auto). */
bool epdma_want_matches(const struct epdma_want *w, const char *live);
const struct epdma_spec *epdma_spec_of(const struct epdma_spec specs[2],
				       const struct epdma_function *f);

/* ---- preflight (lib/check.c) ---- */

/* vbus_number of a linked vNTB function, read once for check_vbus() and the graph read. */
struct epdma_vntb_bus {
	char function[64];
	char subgroup[64]; /* "" when it has none */
	bool read;	   /* TEXT is what the subgroup's vbus_number gave */
	char text[64];
	int64_t bus; /* -1 unknown */
};

/* What the endpoint preflight probed, once, for the planner and the checks. */
struct epdma_endpoint_facts {
	bool configfs_mounted;
	/* functions/pci_epf_vntb and functions/pci_epf_dma exist (the drivers are
	 * registered); probed for the checks only (false for status). */
	bool vntb_registered, dma_registered;
	char controller[64];	    /* "" when none could be picked */
	int controller_err;	    /* epdma_controller_pick()'s result */
	int bar_attrs;		    /* epdma_vntb_bar_attrs() */
	const char *bar_attrs_how;  /* what that was judged from */
	char bar_function[64];	    /* the vNTB function judged from, "" none */
	char bar_subgroup[64];	    /* and its subgroup */
	char release[128];	    /* osrelease when that judged from it, "" not read */
	char stale_vntb_device[32]; /* an unbound device with the configured vntb IDs, "" none */
	int stale_vntb_err;	    /* listing the PCI devices failed: -errno */
	bool vbus_present;	    /* /sys/class/pci_bus/0000:<vbus_number> exists */
	/* What is linked to the controller, listed once for every check that asks
	 * and for the graph read: epdma_controller_links()'s result (0 without
	 * configfs or a controller; then LINKS_LISTED is false). */
	bool links_listed;
	int nlinks;
	struct epdma_link links[EPDMA_MAX_FUNCTIONS];
	/* epdma's ownership record, read once for the checks and the graph read
	 * when the links were listed (STATE_READ): epdma_graph_state_read()'s result. */
	bool state_read;
	int state_err;
	struct epdma_graph_state state;
	/* The buses of the linked vNTB functions in link order, up to the first
	 * on the configured vbus_number (for the checks only; none for status). */
	int nvntb_buses;
	struct epdma_vntb_bus vntb_buses[EPDMA_MAX_FUNCTIONS];
	/* The facts above only linking a function needs (the stale vNTB device, the
	 * virtual bus, the linked vNTB buses) were probed, and the checks on them
	 * and on max-functions can run (epdma_endpoint_probe_guards()). */
	bool guards_probed;
};

/* An unbound device left by an earlier vNTB bind: BDF, vntb_vid, vntb_pid. */
#define EPDMA_STALE_VNTB_FMT                                                              \
	"%s (%04x:%04x) is left from an earlier vNTB bind in this boot: a new vNTB bind " \
	"with the same vntb_vid/vntb_pid probes it through freed memory (a 6.12 kernel "  \
	"oopses)"
#define EPDMA_STALE_VNTB_HINT "reboot, or set other vntb_vid/vntb_pid (and another vbus_number)"

void epdma_endpoint_probe(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			  struct epdma_endpoint_facts *facts);
/* What epdma_endpoint_probe_for() reads beyond what every run needs. */
#define EPDMA_PROBE_DRIVERS 0x1 /* the EPF drivers' registration (the checks) */
#define EPDMA_PROBE_GUARDS  0x2 /* what only a change needs: epdma_endpoint_probe_guards() */
/* The same, reading only WHAT of it (status: neither). */
void epdma_endpoint_probe_for(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			      unsigned int what, struct epdma_endpoint_facts *facts);
/* Into FACTS, what only linking a function needs: the stale vNTB device, whether
 * the configured virtual bus exists, the linked vNTB functions' buses. */
void epdma_endpoint_probe_guards(struct epdma_ctx *ctx, const struct epdma_config *cfg,
				 struct epdma_endpoint_facts *facts);
/* Endpoint preflight over FACTS; -EINVAL when a check failed. */
int epdma_check_endpoint(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			 const struct epdma_endpoint_facts *facts, unsigned int flags,
			 struct epdma_checks *checks);
int epdma_check_host_prereqs(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			     struct epdma_checks *checks);
/* The controller pick's error, as a user reads it. */
void epdma_controller_error(const struct epdma_config *cfg, int err, struct epdma_errors *errs);

/* ---- plan and apply (lib/plan.c, lib/apply.c) ---- */

/*
 * Diff the config against the live graph: a pure function of its inputs.
 * Refusals (foreign objects, changes the kernel cannot take without force, a
 * reboot or a new vbus_number) go to ERRS with the object as key and a
 * reason; then the plan must not be applied (-EPERM).
 */
int epdma_plan_setup(const struct epdma_config *cfg, const struct epdma_graph *g,
		     const struct epdma_endpoint_facts *facts, unsigned int flags,
		     struct epdma_plan *plan, struct epdma_errors *errs);
int epdma_plan_teardown(const struct epdma_graph *g, unsigned int flags, struct epdma_plan *plan,
			struct epdma_errors *errs);

/*
 * Run PLAN in order; on any failure undo what this run did, in reverse, and
 * return the failure (RUN says which step and what the kernel logged).
 * Ownership is recorded as it changes.
 */
int epdma_plan_apply(struct epdma_ctx *ctx, const struct epdma_plan *plan,
		     const struct epdma_graph *g, struct epdma_run *run);

/* Ownership changes from BEFORE to AFTER, appended to RUN. */
void epdma_ownership_diff(const struct epdma_graph_state *before,
			  const struct epdma_graph_state *after, struct epdma_run *run);

/* ---- runs (lib/run.c) ---- */

/* A run's return value: R, or -ENOMEM when its lists lost what they had to report. */
int epdma_run_finish(struct epdma_run *run, int r);

/* ---- the run lock (lib/lock.c) ---- */

#define EPDMA_LOCK_MADE_FILE 0x1 /* the lock call created the lock file */
#define EPDMA_LOCK_MADE_DIR  0x2 /* ... and /run/epdma */

/* epdma_lock(); without CREATE -ENOENT when there is no lock file yet. */
int epdma_lock_open(struct epdma_ctx *ctx, bool create, unsigned int timeout_ms, pid_t *holder,
		    unsigned int *made);
/* The lock for RUN, waiting the context's lock timeout; a failure goes to RUN's errors. */
int epdma_run_lock(struct epdma_ctx *ctx, struct epdma_run *run, unsigned int *made);
/* Release it; a lock file (and /run/epdma) that a run which WROTE nothing made is removed. */
void epdma_run_unlock(struct epdma_ctx *ctx, int fd, unsigned int made, bool wrote);
/* ---- doctor's table (lib/doctor-causes.c, read by lib/doctor.c) ---- */

/*
 * A log cause matches a record whose priority is at most MAX_PRIO and whose
 * text holds one of MATCH: each pattern is pieces separated by '*' found in
 * that order (no regular expressions). ALSO: patterns of the lines that
 * follow it from the same device (the "Failed to init device" and the
 * probe's error after the first failure), shown with it.
 */
#define EPDMA_CAUSE_MATCHES 3
#define EPDMA_CAUSE_ALSO    5

struct epdma_cause_rule {
	struct epdma_cause cause;
	int max_prio;
	const char *match[EPDMA_CAUSE_MATCHES];
	const char *also[EPDMA_CAUSE_ALSO];
};

/*
 * Match N records against the known causes into RUN->causes (allocated on
 * first use): the cause of a failed step. The number found, or -ENOMEM.
 */
int epdma_run_add_causes(struct epdma_run *run, const struct epdma_kmsg_record *recs, size_t n);
/*
 * status: when RUN's link is not up, the doctor on this boot's log and the
 * live state of RUN->role, and the failed transport comparisons of
 * RUN->checks, into RUN->causes. A log that cannot be read is said there
 * (kmsg_error), not taken for a clean one. 0, or -ENOMEM.
 */
int epdma_link_causes(struct epdma_ctx *ctx, const struct epdma_config *cfg, struct epdma_run *run);

extern const struct epdma_cause_rule epdma_cause_rules[];
extern const size_t epdma_ncause_rules;
/* PATTERN ("a*b") found in TEXT: its pieces in order. */
bool epdma_cause_pattern_match(const char *text, const char *pattern);

/* ---- host runs under the lock (lib/host-setup.c, lib/host-status.c) ---- */

/* epdma_host_setup() and epdma_host_teardown() once the run lock is held. */
int epdma_host_setup_locked(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			    unsigned int flags, unsigned int wait_ms, struct epdma_run *run);
int epdma_host_teardown_locked(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			       unsigned int flags, struct epdma_run *run);
