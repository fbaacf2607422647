/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fake kernel: an LD_PRELOAD library that plays the Linux kernel's part
 * for operations on a fixture tree below $EPDMA_FAKE_ROOT (tests/README.md).
 * preload.c interposes the libc entry points and calls the handlers here
 * with absolute, resolved paths; a handler returns 0 (or a count) or a
 * negative errno, and the interposer turns that into -1/errno.
 *
 * Every handler runs with fk_busy set: libc calls made while handling go
 * straight to the real functions, so the fake's own file I/O never loops
 * back into it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define FK_PCI_EP    "sys/kernel/config/pci_ep"
#define FK_EPF_BUS   "sys/bus/pci-epf"
#define FK_MAX_LINKS 64
#define FK_MAX_FNS   128

extern int fk_busy;

/* ---- core.c: environment, paths, files ---- */
bool fk_init(void); /* false when the fake is inactive (no EPDMA_FAKE_ROOT) */
const char *fk_root(void);
/* ABS below the root: the path relative to it ("" for the root), else NULL. */
const char *fk_rel(const char *abs);
/* realpath(3), in three system calls whatever the depth. */
char *fk_realpath(const char *path, char *out);
/* Resolve DIRFD/PATH as the kernel would for a create/remove: parent
 * resolved through symlinks, last component kept. 0 or -errno. */
int fk_resolve(int dirfd, const char *path, char *out, size_t size);
/* Path of an open fd (readlink /proc/self/fd/N); 0 or -errno. */
int fk_fd_path(int fd, char *out, size_t size);
char *fk_abs(const char *rel); /* <root>/<rel>; static buffer rotated 8 ways */
bool fk_exists(const char *rel);
bool fk_is_dir(const char *rel);
bool fk_is_link(const char *rel);
int fk_read(const char *rel, char *buf, size_t size); /* length or -errno; NUL-terminated */
int fk_write_file(const char *rel, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fk_mkdir_p(const char *rel);
int fk_symlink_rel(const char *target_rel, const char *link_rel); /* relative link text */
int fk_rm_rf(const char *rel);
/* Sorted directory entries; returns count (names freed with fk_strv_free). */
int fk_list(const char *rel, char ***names);
void fk_strv_free(char **v);
uint64_t fk_now_usec(void);
const char *fk_errno_name(int err);
int fk_errno_value(const char *name);

/* ---- core.c: configuration and persistent state ---- */
/* A value from $EPDMA_FAKE_STATE/config (last one wins), or NULL. */
const char *fk_config(const char *key);
bool fk_config_flag(const char *key);
bool fk_old_generation(void);

/* The state file: "key rest-of-line" records, loaded and saved per operation. */
struct fk_state;
struct fk_state *fk_state_load(void);
int fk_state_save(struct fk_state *st);
void fk_state_free(struct fk_state *st);
/* First record "KEY WORD1 ..." whose rest starts with PREFIX (may be ""). */
const char *fk_state_get(struct fk_state *st, const char *key, const char *prefix);
/* Iterate records of KEY: returns the rest of the I-th one or NULL. */
const char *fk_state_nth(struct fk_state *st, const char *key, size_t i);
void fk_state_set(struct fk_state *st, const char *key, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void fk_state_del(struct fk_state *st, const char *key, const char *prefix);

/* Counts OP and returns the injected -errno when a fail=<op>:<n>:<E> rule hits. */
int fk_inject(const char *op);
/* One oplog line: "<op> <what>[ <value>] = 0|-ERRNO". */
void fk_oplog(const char *op, const char *what, const char *value, int ret);
/* Kernel log record in <root>/dev/kmsg (prio 3 err, 4 warning, 6 info). */
void fk_kmsg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Serialises whole operations across processes (flock on $STATE/lock). */
void fk_lock(void);
void fk_unlock(void);

/* ---- configfs.c: pci_ep configfs ---- */
bool fk_pending_run(void); /* old generation delayed work that is due; true: some ran */
int fk_cfs_mkdir(const char *rel);
int fk_cfs_rmdir(const char *rel);
int fk_cfs_unlink(const char *rel);
int fk_cfs_symlink(const char *target, const char *rel);
ssize_t fk_cfs_write(const char *rel, const char *buf, size_t len);

/* ---- epf.c: the function drivers ---- */
struct fk_fn {
	char drv[64];
	char name[128];
	char dir[512]; /* functions/<drv>/<name>, relative to the root */
	char epf[96];  /* EPF device name <drv>.<N> */
	int index;
};
bool fk_epf_known_driver(const char *drv);
/* Header + driver subgroup files of a new function; subgroup only when WITH_SUB. */
int fk_epf_create_attrs(const struct fk_fn *fn, bool with_sub, struct fk_state *st);
int fk_epf_create_subgroup(const struct fk_fn *fn, const char *subdir);
bool fk_epf_has_subgroup(const char *drv);
/* Attribute write below a function dir: SUB is NULL for header attributes. */
ssize_t fk_epf_write_attr(const struct fk_fn *fn, const char *sub, const char *attr,
			  const char *val, size_t len, bool linked, struct fk_state *st);
/* Driver bind/unbind for a primary link; PF is the function number. */
int fk_epf_bind(const struct fk_fn *fn, const char *epc, int pf, struct fk_state *st);
int fk_epf_bind_no_features(const struct fk_fn *fn);
int fk_epf_read_check(const char *rel);
void fk_epf_unbind(const struct fk_fn *fn, const char *epc, struct fk_state *st);
/* Path of the function's driver subgroup (relative to root) or -ENOENT. */
int fk_epf_subgroup(const struct fk_fn *fn, char *out, size_t size);

/* kstrto*() with base 0 as lib/kstrtox.c: 0 or -EINVAL/-ERANGE. */
int fk_kstrtoull(const char *s, unsigned long long *res);
int fk_kstrtou(const char *s, unsigned int bits, unsigned long long *res);
int fk_kstrtoint(const char *s, int *res);
int fk_kstrtobool(const char *s, bool *res);

/* ---- module.c: mount and module syscalls ---- */
int fk_mount(const char *source, const char *target_abs, const char *fstype);
/* INJECTED: the failure fk_inject() chose (0 for none); each logs its oplog line. */
int fk_finit_module(int fd, const char *params, int flags, int injected);
int fk_init_module(const void *image, unsigned long len, const char *params, int injected);
int fk_delete_module(const char *name, unsigned int flags, int injected);
/* Register the EPF driver DRV (sys/bus/pci-epf/drivers, configfs functions/). */
void fk_epf_driver_register(const char *drv, const char *module);

/* ---- pci.c: the host's PCI bus, ntb_hw_epf, dw-edma-pcie ---- */
const char *fk_state_dir(void);			 /* $EPDMA_FAKE_STATE */
int fk_list_abs(const char *abs, char ***names); /* fk_list() of an absolute path */
bool fk_pci_handles(const char *rel);		 /* a store pci.c implements */
ssize_t fk_pci_write(const char *rel, const char *buf, size_t len);
int fk_pci_read_check(const char *rel); /* -EIO for a memory BAR's resourceN */
int fk_pci_mmap_check(const char *rel, size_t len, off_t off);
/* Module hooks: ALIASES is the space-separated modalias patterns of MODULE. */
void fk_pci_module_loaded(const char *module, const char *aliases);
void fk_pci_module_unloading(const char *module);
/* A store to /sys/module/<m>/parameters/<p>: validated against the type. */
bool fk_param_handles(const char *rel);
ssize_t fk_param_write(const char *rel, const char *buf, size_t len);

/* ---- link.c: the cable of a simulated pair (tests/sim-link.c) ---- */
/* Run $EPDMA_FAKE_STATE/link-hook with the event's words (W2, W3 may be NULL). */
void fk_link_event(const char *w1, const char *w2, const char *w3);
