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

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void epdma_freep(void *p);
void epdma_closep(int *fd);
#define _cleanup_free_ _cleanup_(epdma_freep)
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
#define epdma_err(ctx, ...) epdma_log(ctx, 3 /* LOG_ERR */, __VA_ARGS__)
#define epdma_warn(ctx, ...) epdma_log(ctx, 4 /* LOG_WARNING */, __VA_ARGS__)
#define epdma_info(ctx, ...) epdma_log(ctx, 6 /* LOG_INFO */, __VA_ARGS__)
#define epdma_dbg(ctx, ...) epdma_log(ctx, 7 /* LOG_DEBUG */, __VA_ARGS__)

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

void epdma_checks_add(struct epdma_checks *checks, const char *name,
		      enum epdma_check_result result, const char *hint, const char *fmt, ...)
	_printf_(5, 6);
void epdma_checks_clear(struct epdma_checks *checks);
bool epdma_checks_failed(const struct epdma_checks *checks);
const char *epdma_check_result_name(enum epdma_check_result result);

/* ---- configuration (lib/config.c) ---- */

#define EPDMA_CONFIG_PATH "/etc/epdma.conf"
#define EPDMA_NAME_MAX 32
#define EPDMA_MAX_MWS 4
#define EPDMA_BAR_AUTO (-1)

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
enum epdma_config_source epdma_config_source(const struct epdma_config *config,
					     const char *section, const char *key,
					     unsigned int *line);
const char *epdma_role_name(enum epdma_role role);

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

#define EPDMA_PCI_EP "/sys/kernel/config/pci_ep"
#define EPDMA_EPF_VNTB "pci_epf_vntb"
#define EPDMA_EPF_DMA "pci_epf_dma"
#define EPDMA_MODULE_VNTB "pci-epf-vntb"
#define EPDMA_MODULE_DMA "pci-epf-dma"

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
int epdma_controller_links(struct epdma_ctx *ctx, const char *epc,
			   struct epdma_link *links, size_t max);

/* ---- preflight (lib/check.c) ---- */

/* auto -> endpoint when /sys/class/pci_epc has an entry, else host. */
enum epdma_role epdma_role_resolve(struct epdma_ctx *ctx, const struct epdma_config *cfg);
/* Endpoint preflight; the chosen controller goes to EPC ("" when none). -EINVAL when a check failed. */
int epdma_check_endpoint(struct epdma_ctx *ctx, const struct epdma_config *cfg,
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
