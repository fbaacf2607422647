/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libepdma: the only part of epdma that knows kernel paths and attribute
 * names. Front ends (epdmactl, epdmad) parse arguments, call in here, print.
 *
 * Conventions: functions return 0 (or a positive count) on success and a
 * negative errno on failure. The library never prints and never exits; it
 * logs through the callback set on the context.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define _cleanup_(f)   __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))

void epdma_freep(void *p);
void epdma_closep(int *fd);
#define _cleanup_free_	_cleanup_(epdma_freep)
#define _cleanup_close_ _cleanup_(epdma_closep)

/* ---- context and logging (lib/ctx.c) ---- */

struct epdma_ctx;

typedef void (*epdma_log_fn)(void *data, int priority, const char *msg);

int epdma_ctx_new(struct epdma_ctx **ctx, const char *root);
void epdma_ctx_free(struct epdma_ctx *ctx);
void epdma_ctx_set_log_fn(struct epdma_ctx *ctx, epdma_log_fn fn, void *data);
void epdma_ctx_set_log_priority(struct epdma_ctx *ctx, int priority);
/* "/" for the real system, else the absolute fixture root without a trailing slash. */
const char *epdma_ctx_root(const struct epdma_ctx *ctx);
int epdma_ctx_root_fd(const struct epdma_ctx *ctx);

void epdma_log(struct epdma_ctx *ctx, int priority, const char *fmt, ...) _printf_(3, 4);
#define epdma_err(ctx, ...)  epdma_log(ctx, 3 /* LOG_ERR */, __VA_ARGS__)
#define epdma_warn(ctx, ...) epdma_log(ctx, 4 /* LOG_WARNING */, __VA_ARGS__)
#define epdma_info(ctx, ...) epdma_log(ctx, 6 /* LOG_INFO */, __VA_ARGS__)
#define epdma_dbg(ctx, ...)  epdma_log(ctx, 7 /* LOG_DEBUG */, __VA_ARGS__)

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
void epdma_strv_free(char **strv);
size_t epdma_strv_length(char *const *strv);

/* ---- errors and check results (lib/report.c) ---- */

/* One user-facing error: "file:line: key: message" (file/key may be NULL, line 0). */
struct epdma_error {
	char *file;
	unsigned int line;
	char *key;
	char *message;
};

struct epdma_errors {
	struct epdma_error *items;
	size_t count;
};

void epdma_errors_add(struct epdma_errors *errs, const char *file, unsigned int line,
		      const char *key, const char *fmt, ...) _printf_(5, 6);
void epdma_errors_clear(struct epdma_errors *errs);

enum epdma_check_result {
	EPDMA_CHECK_PASS,
	EPDMA_CHECK_WARN,
	EPDMA_CHECK_FAIL,
	EPDMA_CHECK_SKIP,
};

struct epdma_check {
	char *name;
	enum epdma_check_result result;
	char *message;
	char *hint; /* what to do, or NULL */
};

struct epdma_checks {
	struct epdma_check *items;
	size_t count;
};

void epdma_checks_add(struct epdma_checks *checks, const char *name, enum epdma_check_result result,
		      const char *hint, const char *fmt, ...) _printf_(5, 6);
void epdma_checks_clear(struct epdma_checks *checks);
bool epdma_checks_failed(const struct epdma_checks *checks);
const char *epdma_check_result_name(enum epdma_check_result result);

/* ---- configuration (lib/config.c) ---- */

#define EPDMA_CONFIG_PATH "/etc/epdma.conf"
#define EPDMA_NAME_MAX	  32
#define EPDMA_MAX_MWS	  4
#define EPDMA_BAR_AUTO	  (-1)

enum epdma_role {
	EPDMA_ROLE_AUTO,
	EPDMA_ROLE_ENDPOINT,
	EPDMA_ROLE_HOST,
};

enum epdma_rescan {
	EPDMA_RESCAN_NEVER,
	EPDMA_RESCAN_ONCE,
	EPDMA_RESCAN_BACKOFF,
};

struct epdma_config_vntb {
	char name[EPDMA_NAME_MAX + 1];
	uint16_t vendor_id, device_id;
	uint32_t class_code; /* 0xBBSSPP */
	uint32_t num_mws;
	uint64_t mw[EPDMA_MAX_MWS];
	uint32_t spad_count, db_count;
	uint32_t vbus_number;
	uint16_t vntb_vid, vntb_pid;
	int ctrl_bar, db_bar, mw_bar[EPDMA_MAX_MWS]; /* EPDMA_BAR_AUTO or 0..5 */
};

struct epdma_config_dma {
	char name[EPDMA_NAME_MAX + 1];
	uint16_t vendor_id, device_id;
	uint32_t class_code;
	uint32_t wr_chans, rd_chans;
	int metadata_bar, dma_window_bar;
	uint32_t msi_interrupts;
};

struct epdma_config_transport {
	char module[64];
	char bdf_param[64];
	uint32_t max_num_clients;
	uint64_t max_mw_size;
	uint32_t transport_mtu;
};

struct epdma_config_host {
	char dma_driver[64];
	enum epdma_rescan rescan;
	uint32_t rescan_interval_ms;
	uint32_t settle_timeout_ms;
};

struct epdma_config {
	char *file; /* as shown to the user: "/etc/epdma.conf" below the root, or the --config path */
	enum epdma_role role;
	char profile[EPDMA_NAME_MAX + 1]; /* "" = none */
	char controller[64];		  /* "" = the only one */
	uint16_t pairing_tag;		  /* 0 = off */
	struct epdma_config_vntb vntb;
	struct epdma_config_dma dma;
	struct epdma_config_transport transport;
	struct epdma_config_host host;
	struct epdma_config_origin *origin; /* where each key came from (opaque) */
};

enum epdma_config_source {
	EPDMA_CONFIG_DEFAULT,
	EPDMA_CONFIG_PROFILE,
	EPDMA_CONFIG_FILE,
};

/*
 * Load and fully validate PATH (NULL: <root>/etc/epdma.conf). Every problem is
 * appended to ERRS as file:line: key: message; returns 0 when the config is
 * usable, -EINVAL when any error was found (ERRS says which), -errno when the
 * file cannot be read. Nothing outside the file is touched.
 */
int epdma_config_load(struct epdma_ctx *ctx, const char *path, struct epdma_config **config,
		      struct epdma_errors *errs);
void epdma_config_free(struct epdma_config *config);
/* Source of SECTION.KEY and, for EPDMA_CONFIG_FILE, its line (else 0). */
enum epdma_config_source epdma_config_source(const struct epdma_config *config, const char *section,
					     const char *key, unsigned int *line);
const char *epdma_role_name(enum epdma_role role);
/* Entry INDEX of the key table (for documentation checks and tools); false past the end.
 * DEF is the default as written in the file, NULL when computed from other keys. */
bool epdma_config_key(size_t index, const char **section, const char **key, const char **def);

/* ---- kernel modules (lib/module.c) ---- */

struct epdma_modules;

enum epdma_module_state {
	EPDMA_MODULE_MISSING,
	EPDMA_MODULE_AVAILABLE, /* a module file that can be loaded */
	EPDMA_MODULE_BUILTIN,
	EPDMA_MODULE_LOADED,
};

/* Kernel release of the (rooted) system, from /proc/sys/kernel/osrelease. */
int epdma_kernel_release(struct epdma_ctx *ctx, char *buf, size_t size);
int epdma_modules_new(struct epdma_ctx *ctx, struct epdma_modules **m);
void epdma_modules_free(struct epdma_modules *m);
const char *epdma_modules_release(const struct epdma_modules *m);
void epdma_module_name(const char *in, char *out, size_t size);
bool epdma_module_loaded(struct epdma_ctx *ctx, const char *module);
enum epdma_module_state epdma_module_state(struct epdma_modules *m, const char *module);
/* 1 when MODALIAS resolves to MODULE, 0 when not, -errno on failure. */
int epdma_module_alias_match(struct epdma_modules *m, const char *modalias, const char *module);
/* Load MODULE (and its dependencies) with OPTIONS; 0 when already loaded. */
int epdma_module_load(struct epdma_modules *m, const char *module, const char *options);

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
int epdma_pci_count(struct epdma_ctx *ctx);
void epdma_pci_bdf(const struct epdma_pci_function *f, char *buf, size_t size);

/* ---- ownership record under /run/epdma (lib/state.c) ---- */

struct epdma_owned_function {
	char driver[64];
	char name[64];
	int pf; /* -1 = not linked / unknown */
};

struct epdma_graph_state {
	char controller[64];
	struct epdma_owned_function functions[8];
	size_t count;
};

void epdma_graph_state_clear(struct epdma_graph_state *st);
int epdma_graph_state_read(struct epdma_ctx *ctx, struct epdma_graph_state *st);
int epdma_graph_state_write(struct epdma_ctx *ctx, const struct epdma_graph_state *st);
struct epdma_owned_function *epdma_graph_state_find(struct epdma_graph_state *st,
						    const char *driver, const char *name);

/* ---- endpoint controllers (lib/controller.c) ---- */

#define EPDMA_PCI_EP	  "/sys/kernel/config/pci_ep"
#define EPDMA_EPF_VNTB	  "pci_epf_vntb"
#define EPDMA_EPF_DMA	  "pci_epf_dma"
#define EPDMA_MODULE_VNTB "pci-epf-vntb"
#define EPDMA_MODULE_DMA  "pci-epf-dma"

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
 * unbind): 1 with its BDF, 0 when none. */
int epdma_vntb_stale_device(struct epdma_ctx *ctx, uint16_t vid, uint16_t pid, char *bdf,
			    size_t size);
int epdma_controller_links(struct epdma_ctx *ctx, const char *epc, struct epdma_link *links,
			   size_t max);

/* ---- preflight (lib/check.c) ---- */

/* auto -> endpoint when /sys/class/pci_epc has an entry, else host. */
enum epdma_role epdma_role_resolve(struct epdma_ctx *ctx, const struct epdma_config *cfg);
/* Endpoint preflight; the chosen controller goes to EPC ("" when none). -EINVAL when a check
 * failed. */
int epdma_check_endpoint(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			 struct epdma_checks *checks, char *epc, size_t size);
int epdma_check_host(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		     struct epdma_checks *checks);
/* 1 when the vNTB subgroup has BAR selectors, 0 when not, -errno when unknown; HOW says why. */
int epdma_vntb_bar_attrs(struct epdma_ctx *ctx, const char **how);

/* ---- JSON output (lib/json.c) ---- */

struct epdma_json {
	FILE *f;
	int depth;
	bool first[16];
};

void epdma_json_init(struct epdma_json *j, FILE *f);
/* KEY is NULL inside arrays and for the outermost value. */
void epdma_json_object_begin(struct epdma_json *j, const char *key);
void epdma_json_object_end(struct epdma_json *j);
void epdma_json_array_begin(struct epdma_json *j, const char *key);
void epdma_json_array_end(struct epdma_json *j);
void epdma_json_string(struct epdma_json *j, const char *key, const char *value);
void epdma_json_int(struct epdma_json *j, const char *key, int64_t value);
void epdma_json_bool(struct epdma_json *j, const char *key, bool value);
void epdma_json_null(struct epdma_json *j, const char *key);

/* ---- kernel log (lib/kmsg.c) ---- */

/* LEVEL is the syslog level (0 emerg .. 7 debug); TEXT has no timestamp. */
typedef void (*epdma_kmsg_fn)(int level, const char *text, void *data);
/* Open /dev/kmsg positioned at its end: later reads see only new records. */
int epdma_kmsg_open(struct epdma_ctx *ctx);
/* Deliver every record available now; returns how many. */
int epdma_kmsg_read(int fd, epdma_kmsg_fn fn, void *data);

/* ---- the run lock (lib/lock.c) ---- */

#define EPDMA_LOCK_TIMEOUT_MS 30000
int epdma_lock(struct epdma_ctx *ctx, unsigned int timeout_ms, pid_t *holder);
void epdma_unlock(int fd);

/* ---- the live pci_ep graph (lib/graph.c) ---- */

#define EPDMA_MAX_ATTRS	    40
#define EPDMA_MAX_FUNCTIONS 16

struct epdma_attr_value {
	char name[24];
	bool sub;      /* in the driver subgroup, else in the function dir */
	char text[40]; /* as read, newline removed */
};

struct epdma_function {
	char driver[64];
	char name[64];
	char subgroup[64]; /* "<driver>.<N>", "" while the kernel has not made it */
	bool linked;
	char controller[64]; /* what it is linked to */
	bool via_primary;    /* linked through primary/ rather than controllers/<epc>/ */
	int pf;		     /* from epdma's record, -1 unknown */
	bool owned;	     /* created (or adopted) by epdma */
	struct epdma_attr_value attrs[EPDMA_MAX_ATTRS];
	size_t nattrs;
};

struct epdma_graph {
	char controller[64];
	bool controller_present; /* controllers/<epc>/ exists in configfs */
	int start;		 /* 0/1 as read, -1 unknown */
	struct epdma_function functions[EPDMA_MAX_FUNCTIONS];
	size_t count;
	struct epdma_graph_state state;
};

/* Read every function of every EPF driver and what is linked to EPC. */
int epdma_graph_read(struct epdma_ctx *ctx, const char *epc, struct epdma_graph *g);
struct epdma_function *epdma_graph_find(struct epdma_graph *g, const char *driver,
					const char *name);
const struct epdma_attr_value *epdma_function_attr(const struct epdma_function *f,
						   const char *name);
/* Parse an attribute as read back: "0x0008", "6418", "-1". */
int epdma_attr_parse(const char *text, int64_t *value);

/* ---- desired graph, plan and apply (lib/spec.c, lib/plan.c, lib/apply.c) ---- */

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

enum epdma_op_type {
	EPDMA_OP_MKDIR, /* function dir (+ its driver subgroup on old kernels) */
	EPDMA_OP_WRITE, /* one attribute */
	EPDMA_OP_LINK,	/* function -> controller */
	EPDMA_OP_UNLINK,
	EPDMA_OP_RMDIR,
	EPDMA_OP_START, /* start = 1 */
	EPDMA_OP_STOP,	/* start = 0 */
	EPDMA_OP_ADOPT, /* record an existing function as epdma's: no kernel operation */
};

enum epdma_op_tag {
	EPDMA_TAG_CREATE,
	EPDMA_TAG_HOT,
	EPDMA_TAG_REBIND,
	EPDMA_TAG_RESTART,
};

struct epdma_op {
	enum epdma_op_type type;
	enum epdma_op_tag tag;
	char driver[64];
	char function[64];
	char attr[24];
	bool sub;
	char value[40];
	int pf;		  /* LINK: the function number the kernel will give */
	bool via_primary; /* UNLINK: the link lives in <fn>/primary/ */
};

#define EPDMA_MAX_OPS 96

struct epdma_plan {
	char controller[64];
	struct epdma_op ops[EPDMA_MAX_OPS];
	size_t count;
};

#define EPDMA_F_FORCE 0x1
#define EPDMA_F_ADOPT 0x2

/*
 * Diff the config against the live graph. Refusals (foreign objects, changes
 * the kernel cannot take without --force, a reboot or a new vbus_number) go
 * to ERRS with the object as key; then the plan must not be applied.
 */
int epdma_plan_setup(struct epdma_ctx *ctx, const struct epdma_config *cfg,
		     const struct epdma_graph *g, unsigned int flags, struct epdma_plan *plan,
		     struct epdma_errors *errs);
int epdma_plan_teardown(struct epdma_ctx *ctx, const struct epdma_graph *g, unsigned int flags,
			struct epdma_plan *plan, struct epdma_errors *errs);
const char *epdma_op_type_name(enum epdma_op_type type);
const char *epdma_op_tag_name(enum epdma_op_tag tag);
/* "vntb0: num_mws = 1", "link vntb0 -> e65d0000.pcie-ep (PF0)", ... */
void epdma_op_describe(const struct epdma_plan *plan, const struct epdma_op *op, char *buf,
		       size_t size);

struct epdma_op_result {
	int result;	   /* 0 or -errno */
	char **kernel_log; /* kernel log lines emitted during the operation (strv) */
};

struct epdma_apply {
	struct epdma_op_result results[EPDMA_MAX_OPS]; /* one per op run */
	size_t done;				       /* ops that ran (the failed one included) */
	int failed;				       /* index of the failed op, -1 when none */
	char failure[512];			       /* what failed, in words */
	size_t undone;				       /* operations rolled back */
	bool rollback_incomplete;
	char leftover[320]; /* a vNTB virtual bus the rollback could not take back */
};

/*
 * Run PLAN in order; on any failure undo what this run did, in reverse, and
 * return the failure (APPLY says which step and what the kernel logged).
 * Success updates epdma's ownership record.
 */
int epdma_plan_apply(struct epdma_ctx *ctx, const struct epdma_plan *plan,
		     const struct epdma_graph *g, struct epdma_apply *apply);
void epdma_apply_free(struct epdma_apply *apply);

/* ---- endpoint role (lib/endpoint.c) ---- */

/*
 * Preflight; with FIX also mount configfs and load the EPF driver modules
 * (setup), then preflight again. -EINVAL when a check failed (CHECKS says
 * which), -errno with ERRS when a prerequisite could not be put in place.
 */
int epdma_endpoint_prepare(struct epdma_ctx *ctx, const struct epdma_config *cfg, bool fix,
			   unsigned int flags, struct epdma_checks *checks,
			   struct epdma_errors *errs, char *epc, size_t size);
