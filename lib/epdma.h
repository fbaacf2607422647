/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libepdma: the only part of epdma that knows kernel paths and attribute
 * names. Front ends (epdmactl, epdmad) load the config, take the lock, call
 * one run per command and role (epdma_<role>_<command>()), and present the
 * result; they call nothing else in here. lib/README.md shows the layers.
 *
 * Error model: functions return 0 (or a positive count) on success and a
 * negative errno on failure. What a user must read goes into the result's
 * error and check lists, as facts in kernel words; advice that names a
 * front end's commands or flags is the front end's, keyed on the reason
 * code of an error or check. The library never prints and never exits; it
 * logs debug and info lines through the callback set on the context.
 * Out of memory: every allocation failure is returned as -ENOMEM; a list
 * that could not grow counts what it lost (epdma_errors.lost), and a run
 * whose lists lost anything returns -ENOMEM.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- context and logging (lib/ctx.c) ---- */

struct epdma_ctx;

typedef void (*epdma_log_fn)(void *data, int priority, const char *msg);

int epdma_ctx_new(struct epdma_ctx **ctx, const char *root);
void epdma_ctx_free(struct epdma_ctx *ctx);
void epdma_ctx_set_log_fn(struct epdma_ctx *ctx, epdma_log_fn fn, void *data);
void epdma_ctx_set_log_priority(struct epdma_ctx *ctx, int priority);
/* "/" for the real system, else the absolute fixture root without a trailing slash. */
const char *epdma_ctx_root(const struct epdma_ctx *ctx);

/* ---- optional libraries (lib/dl.c, lib/elf.c) ---- */

/*
 * libpci, libkmod and libnl are dlopen()ed on first use. A static program
 * may do that only with the libc.so.6 of the glibc it was linked with (glibc
 * loads that libc beside the static one). 1 when the ELF file at PATH has the
 * GNU build ID HEX (lower-case hex digits), 0 when it has another,
 * -ENOEXEC/-ENODATA when it is not ELF or has none, -errno when unreadable.
 */
int epdma_elf_build_id_matches(const char *path, const char *hex);
/*
 * From now on, refuse every optional library (-ELIBACC, logged with the
 * library's name and WHY, which must outlive the process's use of libepdma).
 */
void epdma_dl_refuse(const char *why);

/* ---- errors and check results (lib/report.c) ---- */

/*
 * Why something was refused, for the front end to add its own advice. The
 * library's message states the fact; the reason says which way out exists.
 */
enum epdma_reason {
	EPDMA_REASON_NONE,
	EPDMA_REASON_NOT_OURS,	       /* exists, not created by epdma: adopt or force */
	EPDMA_REASON_ADOPT_MISMATCH,   /* cannot adopt: differs from the config; force */
	EPDMA_REASON_DMA_FROZEN,       /* a linked DMA function's attributes: force rebinds */
	EPDMA_REASON_VNTB_REBIND,      /* a vNTB change needs an unlink + relink: force */
	EPDMA_REASON_VBUS_IN_USE,      /* ... with a new, unused vbus_number: then force */
	EPDMA_REASON_EARLIER_CONFIG,   /* epdma's function of an earlier config: teardown */
	EPDMA_REASON_LINKED_ELSEWHERE, /* linked to another controller: teardown (force) */
	EPDMA_REASON_FOREIGN_LINKED,   /* someone else's function holds a PF: unlink it */
	EPDMA_REASON_VNTB_UNLINK,      /* teardown of a vNTB an earlier run linked: force */
	EPDMA_REASON_ADOPTABLE,	       /* check: linked, matches maybe: setup can adopt */
	EPDMA_REASON_NEEDS_REBOOT,     /* the kernel keeps state until reboot */
	EPDMA_REASON_WRONG_ROLE,       /* the command is not for this system's role */
	EPDMA_REASON_LOCKED,	       /* another run holds the lock */
	EPDMA_REASON_MODULE_RELOAD,    /* loaded with other read-only parameters: force reloads */
	EPDMA_REASON_TRANSPORT_RELOAD, /* host: a read-only transport parameter: force reloads */
	EPDMA_REASON_MODULE_IN_USE,    /* a module epdma must remove is in use (refcnt) */
};

/* One user-facing error: "file:line: key: message" (file/key may be NULL, line 0). */
struct epdma_error {
	char *file;
	unsigned int line;
	char *key;
	char *message;
	enum epdma_reason reason;
};

struct epdma_errors {
	struct epdma_error *items;
	size_t count;
	size_t lost; /* not recorded: out of memory */
};

void epdma_errors_add(struct epdma_errors *errs, const char *file, unsigned int line,
		      const char *key, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same, with a reason code for the front end's advice. */
void epdma_errors_addr(struct epdma_errors *errs, enum epdma_reason reason, const char *key,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
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
	char *hint; /* what to change, in kernel and config words, or NULL */
	enum epdma_reason reason;
};

struct epdma_checks {
	struct epdma_check *items;
	size_t count;
	size_t lost;
};

void epdma_checks_add(struct epdma_checks *checks, const char *name, enum epdma_check_result result,
		      const char *hint, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
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
	char clients[128]; /* client modules, separated by spaces or commas; "" = none */
};

struct epdma_config_host {
	char dma_driver[64];
	enum epdma_rescan rescan;
	uint32_t rescan_interval_ms;
	uint32_t settle_timeout_ms;
	char select[16]; /* "DDDD:BB:SS[.F]" picks one card of several; "" = the only one */
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
 * file cannot be read (ERRS says so too). Nothing outside the file is touched.
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

/*
 * The role this system plays: the configured one, or with role = auto the
 * endpoint when /sys/class/pci_epc has an entry, else the host. -errno when
 * that cannot be read (ERRS says why).
 */
int epdma_role_resolve(struct epdma_ctx *ctx, const struct epdma_config *cfg, enum epdma_role *role,
		       struct epdma_errors *errs);

/* ---- the run lock (lib/lock.c) ---- */

#define EPDMA_LOCK_PATH	      "/run/epdma/lock"
#define EPDMA_LOCK_TIMEOUT_MS 30000

/*
 * Take the lock every mutating run holds, waiting up to TIMEOUT_MS (0: try
 * once, never sleep). Returns the fd to pass to epdma_unlock(); -ETIMEDOUT
 * with *HOLDER set to the holder's pid (0 unknown) when it stayed taken.
 * The endpoint's setup and teardown runs take it themselves, only once they
 * are about to write, waiting as long as epdma_ctx_set_lock_timeout() says
 * (default EPDMA_LOCK_TIMEOUT_MS; the daemon sets 0).
 */
void epdma_ctx_set_lock_timeout(struct epdma_ctx *ctx, unsigned int timeout_ms);
int epdma_lock(struct epdma_ctx *ctx, unsigned int timeout_ms, pid_t *holder);
void epdma_unlock(int fd);

/* ---- kernel log records (lib/kmsg.c) ---- */

struct epdma_kmsg_record {
	int priority;  /* syslog level, 0 emerg .. 7 debug */
	uint64_t usec; /* since boot, as the kernel stamps it */
	char *text;    /* the message, without prefix or continuation lines */
};

/*
 * Parse one /dev/kmsg record "<prio>,<seq>,<usec>,<flags>;<text>\n[ KEY=v\n...]"
 * of LEN bytes (no NUL needed). REC's text points into a new string the
 * caller frees. 0, or -EINVAL for anything else.
 */
int epdma_kmsg_parse(const char *buf, size_t len, struct epdma_kmsg_record *rec);

/* ---- the live pci_ep graph ---- */

#define EPDMA_EPF_VNTB	    "pci_epf_vntb"
#define EPDMA_EPF_DMA	    "pci_epf_dma"
#define EPDMA_MAX_ATTRS	    40
#define EPDMA_MAX_FUNCTIONS 16 /* functions read, and functions epdma records as its own */

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

struct epdma_owned_function {
	char driver[64];
	char name[64];
	int pf; /* -1 = not linked / unknown; with an intent, the PF it has or gets */
	/* "" settled; else the change a run had begun ("creating", "linking",
	 * "unlinking", "removing", "relinking"): reconciled with the live graph */
	char intent[16];
};

/* What epdma created, as recorded under /run/epdma. */
struct epdma_graph_state {
	char controller[64];
	struct epdma_owned_function functions[EPDMA_MAX_FUNCTIONS];
	size_t count;
	bool reconciled; /* intents were resolved against the live graph: rewrite it */
};

struct epdma_graph {
	char controller[64];
	bool controller_present; /* controllers/<epc>/ exists in configfs */
	int start;		 /* 0/1 as read, -1 unknown */
	struct epdma_function functions[EPDMA_MAX_FUNCTIONS];
	size_t count;
	struct epdma_graph_state state;
};

const struct epdma_attr_value *epdma_function_attr(const struct epdma_function *f,
						   const char *name);
/* Parse an attribute as read back: "0x0008", "6418", "-1". */
int epdma_attr_parse(const char *text, int64_t *value);

/* ---- plans ---- */

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

const char *epdma_op_type_name(enum epdma_op_type type);
const char *epdma_op_tag_name(enum epdma_op_tag tag);
/* "vntb0: num_mws = 1", "link vntb0 to e65d0000.pcie-ep (PF0)", ... */
void epdma_op_describe(const struct epdma_plan *plan, const struct epdma_op *op, char *buf,
		       size_t size);

/* ---- runs: one per command and role (lib/endpoint.c) ---- */

#define EPDMA_F_FORCE 0x1 /* allow changes that need unlinking or rebinding */
#define EPDMA_F_ADOPT 0x2 /* take over existing functions that match the config */

/* What happened to one operation of a plan. */
struct epdma_op_outcome {
	int result;	   /* 0 or -errno */
	bool logged_error; /* LINK: ln succeeded but the endpoint stack logged an error */
	int readback_err;  /* WRITE: 0, or -EIO when the value read back differs */
	char readback[40]; /* WRITE: what it read back when it differed */
	struct epdma_kmsg_record *log; /* what the kernel logged meanwhile */
	size_t nlog;
};

/* Where a rollback stopped: a step the kernel cannot take back in this boot. */
enum epdma_rollback_stop {
	EPDMA_STOP_NONE,
	EPDMA_STOP_RMDIR,	/* a removed function cannot be brought back */
	EPDMA_STOP_VNTB_UNLINK, /* an unlinked vNTB keeps its bus and device until reboot */
};

struct epdma_undo_failure {
	enum epdma_op_type type; /* what was being undone */
	char function[64];	 /* "" for start/stop */
	int error;
};

/* An ownership record change: a function epdma now owns, links, unlinks or no longer owns. */
struct epdma_ownership_change {
	enum { EPDMA_OWN_ADD, EPDMA_OWN_LINK, EPDMA_OWN_UNLINK, EPDMA_OWN_DROP } what;
	char driver[64], name[64];
	int pf;
};

/* A vNTB virtual bus the kernel keeps until reboot after the function's unlink. */
struct epdma_kept_bus {
	char function[64];
	unsigned int bus;
};

struct epdma_drift {
	const struct epdma_function *function; /* in run->graph */
	char attr[24];
	bool live_known;
	char live[40]; /* as read */
	char want[40]; /* as the config writes it */
};

struct epdma_host;
struct epdma_doctor;

struct epdma_run {
	enum epdma_role role;
	char controller[64];
	struct epdma_errors errors;
	struct epdma_checks checks;

	/* plan, setup, teardown */
	struct epdma_plan *plan;	   /* NULL when refused before planning */
	struct epdma_op_outcome *outcomes; /* setup, teardown: one per operation that ran */
	size_t done;
	int failed; /* index of the failed operation, -1 none */
	int error;  /* the run's -errno, 0 ok */
	size_t undone;
	bool rollback_incomplete;
	enum epdma_rollback_stop stop;
	char stop_function[64];
	struct epdma_undo_failure undo_failures[EPDMA_MAX_OPS];
	size_t nundo_failures;
	char leftover_bus[32]; /* a vNTB bind's bus the rollback could not take back */
	struct epdma_kept_bus kept[2];
	size_t nkept;
	int record_error; /* recording ownership under /run/epdma failed: -errno */
	bool kmsg_unreadable;
	int kmsg_error;
	struct epdma_ownership_change changes[2 * EPDMA_MAX_FUNCTIONS];
	size_t nchanges;

	/* status */
	struct epdma_graph *graph;
	struct epdma_drift drift[2 * EPDMA_MAX_ATTRS];
	size_t ndrift;
	size_t missing_functions; /* configured functions that do not exist */
	unsigned int max_functions;
	bool max_functions_known;
	bool in_sync;
	/* in: status waits up to this long for the NTB link to come up (0: no wait) */
	unsigned int wait_link_ms;
	/* status: the NTB device, the transport's queues, the client's interface */
	struct epdma_link_state *link;
	bool link_up;
	/*
	 * The known causes (lib/doctor.c) the run found. setup, teardown: of
	 * what the kernel logged during the failed step (NULL when none
	 * failed or none is known). status: why the link is not up, from this
	 * boot's kernel log, the live state and the transport comparisons
	 * among the checks; NULL when the link is up (nothing looked at).
	 */
	struct epdma_doctor *causes;

	/* host runs: what discovery found, what was bound and handed over */
	struct epdma_host *host;
	/* setup's last step on either end: the NTB transport and its clients (lib/transport.c) */
	struct epdma_checks transport;
	size_t transport_changes; /* modules loaded or removed, parameters written */
};

void epdma_run_init(struct epdma_run *run);
void epdma_run_free(struct epdma_run *run);

/*
 * Endpoint runs. Each returns 0 when done (or nothing to do), -EPERM when
 * refused before anything was written (errors and checks say why), or the
 * -errno of a failure (setup, teardown: rolled back as far as the kernel
 * allows; RUN says what ran and what stayed). The caller holds the lock for
 * setup and teardown.
 */
int epdma_endpoint_check(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			 struct epdma_run *run);
int epdma_endpoint_plan(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			struct epdma_run *run);
int epdma_endpoint_setup(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			 struct epdma_run *run);
int epdma_endpoint_teardown(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			    unsigned int flags, struct epdma_run *run);
int epdma_endpoint_status(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			  struct epdma_run *run);

/* ---- host runs (lib/host.c, lib/host-*.c) ---- */

#define EPDMA_HOST_MAX_CANDIDATES 16
#define EPDMA_HOST_MAX_CHANNELS	  16

enum epdma_host_kind {
	EPDMA_HOST_VNTB, /* the vNTB function: [vntb] IDs, class 0x0500xx */
	EPDMA_HOST_DMA,	 /* the PCI DMA function: [dma] IDs and class */
};

/* A PCI function whose vendor:device is one of the configured pair's. */
struct epdma_host_candidate {
	enum epdma_host_kind kind;
	char bdf[16]; /* DDDD:BB:SS.F */
	unsigned int domain, bus, dev, func;
	uint16_t vendor_id, device_id, subsys_vendor_id, subsys_id;
	uint32_t class_code;
	char driver[64]; /* bound driver (the `driver` link), "" none */
	bool matches;	 /* IDs, class and pairing tag as configured */
	char why[192];	 /* why it matches or not, and whether it is the selected card */
	bool selected;
};

/* A channel dw-edma-pcie registered for the DMA function (<BDF>/dma/dma<X>chan<Y>). */
struct epdma_host_channel {
	char name[32];
	bool in_use;
	uint64_t memcpy_count, bytes_transferred;
};

/* One operation of a host run (setup, plan, teardown), in the order it runs. */
enum epdma_host_op_type {
	EPDMA_HOST_OP_RESCAN, /* write 1 to /sys/bus/pci/rescan */
	EPDMA_HOST_OP_LOAD,   /* load a driver module (ntb_hw_epf, [host] dma_driver) */
	EPDMA_HOST_OP_PROBE,  /* write a BDF to drivers_probe; wait for the driver (and channels) */
	EPDMA_HOST_OP_OVERRIDE, /* write driver_override of the DMA function */
	EPDMA_HOST_OP_REMOVE,	/* remove a module (the transport on --force; teardown) */
	EPDMA_HOST_OP_INSERT,	/* insert the transport with its options */
	EPDMA_HOST_OP_PARAM,	/* write the loaded transport's BDF parameter */
	EPDMA_HOST_OP_SNIPPET,	/* write (value "": remove) /run/modprobe.d/epdma.conf */
	EPDMA_HOST_OP_UNBIND,	/* write the BDF to drivers/<driver>/unbind */
	EPDMA_HOST_OP_CLEAR,	/* clear driver_override */
};

#define EPDMA_HOST_MAX_OPS     16
#define EPDMA_HOST_OP_LOG      4
#define EPDMA_HOST_OP_INSERTED 8

struct epdma_host_op {
	enum epdma_host_op_type type;
	char target[128]; /* module, BDF or path: see epdma_host_op_describe() */
	char value[192];  /* what is written, the options of an insert */
	char old[192];	  /* what was there before (the undo writes it back), "" none */
	int result;	  /* 0 or -errno once run */
	bool ran;	  /* false: planned only */
	char log[EPDMA_HOST_OP_LOG][160]; /* what the kernel logged meanwhile */
	size_t nlog;
	char inserted[EPDMA_HOST_OP_INSERTED][64]; /* LOAD, INSERT: modules this op inserted */
	size_t ninserted;
};

/* "load module ntb_hw_epf", "write dw-edma-pcie to /sys/bus/pci/devices/<bdf>/driver_override". */
void epdma_host_op_describe(const struct epdma_host_op *op, char *buf, size_t size);
const char *epdma_host_op_name(enum epdma_host_op_type type);

/* A pairing check's result as the last run that could read the BARs saw it. */
struct epdma_host_verified {
	char name[32];
	enum epdma_check_result result;
	char message[256];
};

/* What the host role found and did; run->host of every host run. */
struct epdma_host {
	struct epdma_host_candidate candidates[EPDMA_HOST_MAX_CANDIDATES];
	size_t ncandidates;
	size_t candidates_lost; /* more functions matched than fit: counted, not shown */
	int vntb, dma;		/* the selected pair's candidates; -1 none */
	bool proven;		/* found, and no pairing check failed */

	/* setup, status */
	struct epdma_host_channel channels[EPDMA_HOST_MAX_CHANNELS];
	size_t nchannels;
	char transport_module[64];
	bool transport_loaded;
	bool transport_bdf_known;
	char transport_bdf[64]; /* what its bdf_param holds */
	unsigned int writes;	/* setup, teardown: sysfs writes and module loads this run made */

	/* setup, plan, teardown: the operations, in order (rescans first) */
	struct epdma_host_op ops[EPDMA_HOST_MAX_OPS];
	size_t nops;
	/* setup: the card was not found after rescanning; kernel log lines that say why */
	bool rescanned_nothing;
	unsigned int rescans;
	char kernel_hints[8][200];
	size_t nkernel_hints;

	/* status */
	bool ntb_device;       /* /sys/bus/ntb/devices/<vNTB BDF> exists */
	char ntb_link[32];     /* its link as sysfs shows it, "" not shown */
	char override_bdf[16]; /* the ownership record: driver_override epdma wrote */
	char inserted[64];     /* ... the transport module epdma inserted */
	int64_t verified_time; /* the last verified pairing (seconds since the epoch), 0 none */
	struct epdma_host_verified verified[8];
	size_t nverified;
	bool in_sync; /* pair found and not failed, DMA bound with channels, BDF handed */
};

/*
 * Host runs. discover writes nothing: it lists every candidate function,
 * selects the configured pair and proves it (checks named "pair ...": pass,
 * fail, or skip = not verified, with the reason); 0 when the pair is found
 * and no check failed, -ENODEV when it is not there, -EINVAL when a check
 * failed. check adds the same to the host's prerequisites.
 */
int epdma_host_check(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		     struct epdma_run *run);
int epdma_host_discover(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			struct epdma_run *run);
const char *epdma_host_kind_name(enum epdma_host_kind kind);
/*
 * Find (rescanning per [host] rescan for up to WAIT_MS), prove, make sure
 * ntb_hw_epf is bound to the vNTB function, bind [host] dma_driver to the DMA
 * function (driver_override + drivers_probe, waiting settle_timeout_ms for
 * the driver and wr+rd channels), hand its BDF to the transport module and
 * write /run/modprobe.d/epdma.conf. Converged: no write (host->writes 0).
 * On failure the driver_override this run wrote is cleared. Caller holds the lock.
 */
int epdma_host_setup(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		     unsigned int wait_ms, struct epdma_run *run);

/* ---- kernel uevents (lib/uevent.c) ---- */

#define EPDMA_UEVENT_MAX 8192 /* bytes: the kernel sends at most 2048 of records */

/* One kernel uevent; the keys epdma reads, "" when absent. */
struct epdma_uevent {
	char action[16];    /* add, remove, change, move, online, offline, bind, unbind */
	char devpath[512];  /* below /sys, e.g. /devices/platform/soc/e65d0000.pcie-ep/... */
	char subsystem[64]; /* pci_epc, module, pci, ... */
	char devtype[64];
	char driver[64];
	char pci_id[16];	/* "1912:0031" */
	char pci_slot_name[32]; /* "0000:01:00.1" */
	char modalias[256];
	uint64_t seqnum;
	size_t nkeys; /* KEY=VALUE records, read or not */
};

/*
 * Parse one kernel uevent of LEN bytes: "ACTION@DEVPATH\0KEY=VALUE\0...".
 * 0; -EPROTONOSUPPORT for udevd's "libudev" format; -EMSGSIZE when the
 * message or a value epdma keeps is longer than it can be; -EINVAL for
 * anything else (unterminated, a record without a key, a repeated key,
 * ACTION/DEVPATH/SUBSYSTEM/SEQNUM missing or disagreeing with the header).
 */
int epdma_uevent_parse(const void *buf, size_t len, struct epdma_uevent *ev);
/* BUF starts with udevd's "libudev\0" header and its magic. */
bool epdma_uevent_is_libudev(const void *buf, size_t len);
/* A message from netlink port PORTID with credentials UID is the kernel's. */
bool epdma_uevent_from_kernel(uint32_t portid, bool have_creds, uid_t uid);
/* EV may change what a reconcile of ROLE finds (auto: either role). */
bool epdma_uevent_triggers(enum epdma_role role, const struct epdma_uevent *ev);

/* ---- the daemon's state file and what it watches (lib/daemon.c) ---- */

#define EPDMA_DAEMON_STATUS_PATH "/run/epdma/status.json"

/* Replace the state file with TEXT atomically (a temp file renamed over it). */
int epdma_daemon_status_write(struct epdma_ctx *ctx, const char *text);
/* The state file's text (caller frees); -ENOENT when no daemon wrote one. */
int epdma_daemon_status_read(struct epdma_ctx *ctx, char **text);
/* An O_RDONLY fd of the state file's directory (created if missing), to watch. */
int epdma_daemon_status_dir(struct epdma_ctx *ctx);
/* /proc/self/mountinfo: EPOLLPRI on it says the mount table changed. */
int epdma_mountinfo_open(struct epdma_ctx *ctx);
/* A failed run that trying again later can help: a busy or transient errno,
 * a controller or EPF driver that is not there yet. */
bool epdma_run_retryable(const struct epdma_run *run);

/* ---- doctor: known causes in the kernel log and the live state (lib/doctor.c) ---- */

/* One known problem (lib/doctor-causes.c): stated in kernel and config words. */
struct epdma_cause {
	const char *id;	       /* stable: "vntb-db-count" */
	const char *subsystem; /* "pci-epf-vntb", "ntb_hw_epf", "pci" ... */
	const char *title;
	const char *meaning;
	const char *action; /* in config keys and kernel terms; the front end may add advice */
	enum epdma_reason reason;
	bool live; /* found from the live state, not from a log line */
};

/* The table, for documentation and tests; NULL past the end. */
const struct epdma_cause *epdma_cause_get(size_t index);
const struct epdma_cause *epdma_cause_find(const char *id);

/* One cause found: the log records that prove it, or the live fact. */
struct epdma_finding {
	const struct epdma_cause *cause;
	char subject[96]; /* the device the log lines name ("ntb_hw_epf 0000:08:00.0"), or "" */
	struct epdma_kmsg_record *log; /* copies */
	size_t nlog;
	char *fact; /* live causes: what was seen; NULL for log causes */
};

struct epdma_doctor {
	struct epdma_finding *findings;
	size_t count;
	size_t lost;	  /* findings not recorded: out of memory */
	size_t nrecords;  /* kernel log records read */
	int kmsg_error;	  /* reading /dev/kmsg failed: -errno */
	bool state_known; /* the live state was examined (a config was given) */
	struct epdma_errors errors;
};

void epdma_doctor_init(struct epdma_doctor *d);
void epdma_doctor_free(struct epdma_doctor *d);
/*
 * Match N kernel log records against the table of known causes and append
 * what is found to OUT (in the order of the table). Pure: no I/O. Returns
 * the number of findings added, or -ENOMEM.
 */
int epdma_doctor_match(const struct epdma_kmsg_record *recs, size_t n, struct epdma_doctor *out);
/*
 * The whole kernel log of this boot (/dev/kmsg from its start) and, with CFG,
 * the live state of ROLE's side (EPDMA_ROLE_AUTO: resolved). Returns the
 * number of findings (0: nothing known is wrong), or -errno when the log
 * could not be read (OUT says why).
 */
int epdma_doctor(struct epdma_ctx *ctx, const struct epdma_config *cfg, enum epdma_role role,
		 struct epdma_doctor *out);

/* ---- the link's state (lib/link.c) ---- */

#define EPDMA_LINK_MAX_QPS   8
#define EPDMA_LINK_MAX_ADDRS 8

/* One address of the client's interface, as rtnetlink lists it (IFA_LOCAL). */
struct epdma_link_addr {
	int family;	  /* AF_INET, AF_INET6 */
	char address[48]; /* inet_ntop() text, without the prefix length */
	unsigned int prefixlen;
};

/* The NTB device, the transport's queues and the client's network interface. */
struct epdma_link_state {
	bool ntb_present;
	char ntb_device[64]; /* on /sys/bus/ntb/devices */
	char pci_device[64]; /* the PCI device it sits on ("" unknown) */
	bool debugfs;	     /* /sys/kernel/debug/ntb_transport/<dev> was readable */
	unsigned int nqps, qps_up;
	char netdev[32]; /* the client's interface ("" none) */
	bool nl_known;	 /* its state was read through rtnetlink */
	int nl_error;	 /* -errno when it could not be */
	char operstate[16];
	bool carrier;
	unsigned int mtu;
	uint64_t rx_bytes, tx_bytes;
	/* its addresses: read (even when there are none) or the -errno of the dump */
	bool addrs_known;
	int addrs_error;
	struct epdma_link_addr addrs[EPDMA_LINK_MAX_ADDRS];
	size_t naddrs;
	size_t addrs_lost; /* more than EPDMA_LINK_MAX_ADDRS: counted, not kept */
};

/*
 * Which NTB device is the link's, by the PCI device it sits on (its parent):
 * /sys/bus/ntb can hold more than one (a device an earlier vNTB bind of the
 * boot left, or both ends in one kernel). The first listed that matches.
 */
struct epdma_link_want {
	int pci_bus;		/* on this bus number, the domain not compared (-1: any) */
	const char *pci_device; /* exactly this PCI device, DDDD:BB:dd.f (NULL: any) */
};
/* Endpoint: the vNTB function's virtual bus, BUS (its vbus_number). */
#define EPDMA_LINK_WANT_BUS(bus) ((struct epdma_link_want){ .pci_bus = (int)(bus) })
/* Host: the vNTB PCI function BDF (discovery's), which ntb_hw_epf's NTB device sits on. */
#define EPDMA_LINK_WANT_DEVICE(bdf) ((struct epdma_link_want){ .pci_bus = -1, .pci_device = (bdf) })

/* Read what is there now (WANT NULL: the first NTB device); fields stay empty
 * where a piece is missing, ntb_present false when no NTB device matches. */
int epdma_link_read(struct epdma_ctx *ctx, const struct epdma_link_want *want,
		    struct epdma_link_state *st);
/*
 * The state of network interface IFNAME through rtnetlink (libnl-route,
 * loaded on first use), and its addresses: a failed address dump leaves
 * addrs_known false with addrs_error set, the link state still read.
 */
int epdma_link_netdev(struct epdma_ctx *ctx, const char *ifname, struct epdma_link_state *st);
/* Read the link until it is up or TIMEOUT_MS passed: 1 up, 0 not (ST as last read). */
int epdma_link_wait(struct epdma_ctx *ctx, const struct epdma_link_want *want,
		    unsigned int timeout_ms, struct epdma_link_state *st);
/*
 * "up" when every transport queue of the NTB device is up (the link between
 * the two ends; the client interface, which is this side's own, is shown
 * beside it), else the reason ("down: 0 of 2 queues up", "down: no
 * transport queue", "unknown: debugfs not mounted").
 */
const char *epdma_link_summary(const struct epdma_link_state *st, char *buf, size_t size);

/* ---- rtnetlink link messages (lib/link-event.c) ---- */

/* One RTM_NEWLINK or RTM_DELLINK, the fields epdma follows. */
struct epdma_link_event {
	bool removed; /* RTM_DELLINK: the interface is gone */
	int ifindex;
	unsigned int flags; /* IFF_* */
	char ifname[16];    /* IFNAMSIZ; "" when the message has none */
	char operstate[16]; /* "up", "down", "lowerlayerdown", ...; "" when absent */
	int carrier;	    /* 1, 0; -1 when absent */
};

/*
 * The link messages in one rtnetlink datagram of LEN bytes: FN for each
 * RTM_NEWLINK/RTM_DELLINK (other types skipped). The count, or -EBADMSG when
 * a header or an attribute runs past its end (FN has seen those before it).
 */
int epdma_link_events_parse(const void *buf, size_t len,
			    void (*fn)(const struct epdma_link_event *ev, void *data), void *data);
/* The operations setup would run on this host now (no rescan, nothing written). */
int epdma_host_plan(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
		    struct epdma_run *run);
/*
 * Undo what /run/epdma/host records: remove the transport epdma inserted
 * (refused while its refcnt says in use), restore a parameter epdma wrote,
 * unbind the DMA function and clear its driver_override, remove the
 * modprobe.d snippet; with EPDMA_F_FORCE also remove ntb_hw_epf. Caller
 * holds the lock.
 */
int epdma_host_teardown(struct epdma_ctx *ctx, const struct epdma_config *cfg, unsigned int flags,
			struct epdma_run *run);
/*
 * The selected pair's functions, pairing checks (a BAR its driver claimed:
 * SKIP, with the result the last setup verified), the DMA channels, the
 * transport and the BDF it holds, the NTB device, and what epdma changed.
 * 0 when reported (whatever the state), -errno when the bus cannot be read.
 */
int epdma_host_status(struct epdma_ctx *ctx, const struct epdma_config *cfg, struct epdma_run *run);
