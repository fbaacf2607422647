// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel modules through libkmod, rooted: the module dir and the modprobe
 * config paths live below the root. Whether a module is loaded is read from
 * <root>/sys/module by us (libkmod would look at the real /sys).
 *
 * libkmod is loaded, and its index and modprobe.d opened, only when a question
 * needs them: on a board whose EPF drivers are registered, the endpoint
 * commands never map libkmod nor what it pulls in (libcrypto, libzstd, liblzma).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dl.h"

static EPDMA_DLSYM_PROTOTYPE(kmod_list_next);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_get_dependencies);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_get_info);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_info_free_list);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_info_get_key);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_info_get_value);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_get_module);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_get_name);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_get_path);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_insert_module);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_new_from_lookup);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_new_from_name);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_remove_module);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_unref);
static EPDMA_DLSYM_PROTOTYPE(kmod_module_unref_list);
static EPDMA_DLSYM_PROTOTYPE(kmod_new);
static EPDMA_DLSYM_PROTOTYPE(kmod_set_log_fn);
static EPDMA_DLSYM_PROTOTYPE(kmod_unref);

static const struct epdma_dlsym kmod_syms[] = {
	EPDMA_DLSYM(kmod_list_next),
	EPDMA_DLSYM(kmod_module_get_dependencies),
	EPDMA_DLSYM(kmod_module_get_info),
	EPDMA_DLSYM(kmod_module_info_free_list),
	EPDMA_DLSYM(kmod_module_info_get_key),
	EPDMA_DLSYM(kmod_module_info_get_value),
	EPDMA_DLSYM(kmod_module_get_module),
	EPDMA_DLSYM(kmod_module_get_name),
	EPDMA_DLSYM(kmod_module_get_path),
	EPDMA_DLSYM(kmod_module_insert_module),
	EPDMA_DLSYM(kmod_module_new_from_lookup),
	EPDMA_DLSYM(kmod_module_new_from_name),
	EPDMA_DLSYM(kmod_module_remove_module),
	EPDMA_DLSYM(kmod_module_unref),
	EPDMA_DLSYM(kmod_module_unref_list),
	EPDMA_DLSYM(kmod_new),
	EPDMA_DLSYM(kmod_set_log_fn),
	EPDMA_DLSYM(kmod_unref),
};
static struct epdma_dl kmod_dl = EPDMA_DL_INIT("libkmod.so.2", "kmod (libkmod2)", kmod_syms);

/* kmod_list_foreach() through the loaded symbol. */
#define each_kmod_list(l, list) for ((l) = (list); (l); (l) = sym_kmod_list_next((list), (l)))

struct epdma_modules {
	struct epdma_ctx *ctx;
	struct kmod_ctx *kmod; /* NULL until a question needs the index */
	char release[128];
};

static void kmod_log(void *data, int priority, const char *file, int line, const char *fn,
		     const char *format, va_list args)
{
	struct epdma_ctx *ctx = data;
	char msg[512];

	vsnprintf(msg, sizeof(msg), format, args);
	msg[strcspn(msg, "\n")] = '\0';
	epdma_log(ctx, priority < 7 ? 7 : priority, "libkmod: %s", msg);
}

int epdma_kernel_release(struct epdma_ctx *ctx, char *buf, size_t size)
{
	ssize_t n = epdma_fs_read(ctx, "/proc/sys/kernel/osrelease", buf, size);

	if (n < 0)
		return (int)n;
	return n == 0 ? -ENODATA : 0;
}

/* libkmod and its context for the rooted module dir and modprobe.d paths. */
static int modules_kmod(struct epdma_modules *m)
{
	static const char *const conf_dirs[] = { "/etc/modprobe.d", "/run/modprobe.d",
						 "/usr/local/lib/modprobe.d", "/lib/modprobe.d" };
	char *configs[ARRAY_SIZE(conf_dirs) + 1] = { 0 };
	_cleanup_free_ char *rel = NULL, *dir = NULL;
	int r;

	if (m->kmod)
		return 0;
	r = epdma_dl_open(m->ctx, &kmod_dl);
	if (r < 0)
		return r;
	rel = epdma_strdup_printf("/lib/modules/%s", m->release);
	dir = rel ? epdma_fs_path(m->ctx, rel) : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(conf_dirs); i++)
		configs[i] = epdma_fs_path(m->ctx, conf_dirs[i]);
	m->kmod = dir ? sym_kmod_new(dir, (const char *const *)configs) : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(conf_dirs); i++)
		free(configs[i]);
	if (!m->kmod)
		return -ENOMEM;
	sym_kmod_set_log_fn(m->kmod, kmod_log, m->ctx);
	return 0;
}

int epdma_modules_new(struct epdma_ctx *ctx, struct epdma_modules **out)
{
	return epdma_modules_new_from(ctx, NULL, out);
}

int epdma_modules_new_from(struct epdma_ctx *ctx, const char *release, struct epdma_modules **out)
{
	struct epdma_modules *m;
	int r = 0;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->ctx = ctx;
	if (release && release[0])
		r = epdma_strscpy(m->release, release, sizeof(m->release));
	else
		r = epdma_kernel_release(ctx, m->release, sizeof(m->release));
	if (r < 0) {
		free(m);
		return r;
	}
	*out = m;
	return 0;
}

void epdma_modules_free(struct epdma_modules *m)
{
	if (!m)
		return;
	if (m->kmod)
		sym_kmod_unref(m->kmod);
	free(m);
}

const char *epdma_modules_release(const struct epdma_modules *m)
{
	return m->release;
}

/* "pci-epf-vntb" -> "pci_epf_vntb": the kernel's name for a module. */
void epdma_module_name(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < size; i++)
		out[i] = in[i] == '-' ? '_' : in[i];
	out[i] = '\0';
}

bool epdma_module_loaded(struct epdma_ctx *ctx, const char *module)
{
	char name[128], path[192];

	epdma_module_name(module, name, sizeof(name));
	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return epdma_fs_is_dir(ctx, path);
}

static bool module_builtin(struct epdma_modules *m, const char *name)
{
	char path[256], line[512];
	_cleanup_free_ char *abs = NULL;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", m->release);
	abs = epdma_fs_path(m->ctx, path);
	f = abs ? fopen(abs, "re") : NULL;
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *base = strrchr(line, '/');
		char mod[128];

		line[strcspn(line, "\n")] = '\0';
		base = base ? base + 1 : line;
		base[strcspn(base, ".")] = '\0';
		epdma_module_name(base, mod, sizeof(mod));
		found = !strcmp(mod, name);
	}
	fclose(f);
	return found;
}

enum epdma_module_state epdma_module_state(struct epdma_modules *m, const char *module)
{
	struct kmod_module *mod = NULL;
	char name[128];
	enum epdma_module_state st = EPDMA_MODULE_MISSING;

	epdma_module_name(module, name, sizeof(name));
	if (epdma_module_loaded(m->ctx, name))
		return EPDMA_MODULE_LOADED;
	if (module_builtin(m, name))
		return EPDMA_MODULE_BUILTIN;
	if (modules_kmod(m) < 0)
		return EPDMA_MODULE_MISSING; /* logged: libkmod is not installed */
	if (sym_kmod_module_new_from_name(m->kmod, name, &mod) == 0) {
		if (sym_kmod_module_get_path(mod))
			st = EPDMA_MODULE_AVAILABLE;
		sym_kmod_module_unref(mod);
	}
	return st;
}

int epdma_module_alias_match(struct epdma_modules *m, const char *modalias, const char *module)
{
	struct kmod_list *list = NULL, *l;
	char name[128];
	int r, found = 0;

	epdma_module_name(module, name, sizeof(name));
	r = modules_kmod(m);
	if (r < 0)
		return r;
	r = sym_kmod_module_new_from_lookup(m->kmod, modalias, &list);
	if (r < 0)
		return r;
	each_kmod_list(l, list)
	{
		struct kmod_module *mod = sym_kmod_module_get_module(l);

		if (!strcmp(sym_kmod_module_get_name(mod), name))
			found = 1;
		sym_kmod_module_unref(mod);
	}
	sym_kmod_module_unref_list(list);
	return found;
}

int epdma_module_pci_aliases(struct epdma_modules *m, const char *module)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *info = NULL, *l;
	char name[128];
	int r, n = 0;

	epdma_module_name(module, name, sizeof(name));
	r = modules_kmod(m);
	if (r < 0)
		return r;
	r = sym_kmod_module_new_from_name(m->kmod, name, &mod);
	if (r < 0)
		return r;
	if (!sym_kmod_module_get_path(mod)) {
		sym_kmod_module_unref(mod);
		return -ENOENT;
	}
	r = sym_kmod_module_get_info(mod, &info);
	sym_kmod_module_unref(mod);
	if (r < 0)
		return r;
	each_kmod_list(l, info)
	{
		n += !strcmp(sym_kmod_module_info_get_key(l), "alias") &&
		     !strncmp(sym_kmod_module_info_get_value(l), "pci:", 4);
	}
	sym_kmod_module_info_free_list(info);
	return n;
}

/* Append the not-yet-loaded dependencies of MOD (deepest first) to FN. */
static void each_missing_dep(struct epdma_modules *m, struct kmod_module *mod,
			     void (*fn)(const char *name, void *data), void *data)
{
	struct kmod_list *deps = sym_kmod_module_get_dependencies(mod), *l;

	each_kmod_list(l, deps)
	{
		struct kmod_module *dep = sym_kmod_module_get_module(l);

		if (!epdma_module_loaded(m->ctx, sym_kmod_module_get_name(dep))) {
			each_missing_dep(m, dep, fn, data);
			fn(sym_kmod_module_get_name(dep), data);
		}
		sym_kmod_module_unref(dep);
	}
	sym_kmod_module_unref_list(deps);
}

int epdma_module_missing_deps(struct epdma_modules *m, const char *module,
			      void (*fn)(const char *name, void *data), void *data)
{
	struct kmod_module *mod = NULL;
	char name[128];
	int r;

	epdma_module_name(module, name, sizeof(name));
	r = modules_kmod(m);
	if (r < 0)
		return r;
	r = sym_kmod_module_new_from_name(m->kmod, name, &mod);
	if (r < 0)
		return r;
	each_missing_dep(m, mod, fn, data);
	sym_kmod_module_unref(mod);
	return 0;
}

/* Insert MODULE and what it depends on, deepest first, skipping what is loaded. */
static int insert_one(struct epdma_modules *m, struct kmod_module *mod, const char *options)
{
	struct kmod_list *deps = sym_kmod_module_get_dependencies(mod), *l;
	int r = 0;

	each_kmod_list(l, deps)
	{
		struct kmod_module *dep = sym_kmod_module_get_module(l);

		if (!epdma_module_loaded(m->ctx, sym_kmod_module_get_name(dep)))
			r = insert_one(m, dep, NULL);
		sym_kmod_module_unref(dep);
		if (r < 0)
			break;
	}
	sym_kmod_module_unref_list(deps);
	if (r < 0 || epdma_module_loaded(m->ctx, sym_kmod_module_get_name(mod)))
		return r;
	r = sym_kmod_module_insert_module(mod, 0, options);
	if (r == -EEXIST)
		r = 0;
	if (r < 0)
		epdma_err(m->ctx, "module %s: insert failed: %s", sym_kmod_module_get_name(mod),
			  strerror(-r));
	return r;
}

int epdma_module_load(struct epdma_modules *m, const char *module, const char *options)
{
	struct kmod_module *mod = NULL;
	char name[128];
	int r;

	epdma_module_name(module, name, sizeof(name));
	if (epdma_module_loaded(m->ctx, name))
		return 0;
	r = modules_kmod(m);
	if (r < 0)
		return r;
	r = sym_kmod_module_new_from_name(m->kmod, name, &mod);
	if (r < 0)
		return r;
	if (!sym_kmod_module_get_path(mod)) {
		sym_kmod_module_unref(mod);
		return -ENOENT;
	}
	r = insert_one(m, mod, options);
	sym_kmod_module_unref(mod);
	return r;
}

int epdma_module_remove(struct epdma_modules *m, const char *module)
{
	struct kmod_module *mod = NULL;
	char name[128];
	int r;

	epdma_module_name(module, name, sizeof(name));
	r = modules_kmod(m);
	if (r < 0)
		return r;
	r = sym_kmod_module_new_from_name(m->kmod, name, &mod);
	if (r < 0)
		return r;
	/* O_NONBLOCK: the kernel answers EWOULDBLOCK for a module in use instead of waiting. */
	r = sym_kmod_module_remove_module(mod, O_NONBLOCK);
	sym_kmod_module_unref(mod);
	return r;
}

int epdma_module_unload(struct epdma_ctx *ctx, const char *module)
{
	char name[128];

	epdma_module_name(module, name, sizeof(name));
	if (!epdma_module_loaded(ctx, name))
		return 0;
	/* What rmmod does: O_NONBLOCK, so a module in use fails with EWOULDBLOCK at once. */
	if (syscall(SYS_delete_module, name, O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

int epdma_module_refcnt(struct epdma_ctx *ctx, const char *module, unsigned int *holders)
{
	char name[128], path[192], **names = NULL;
	uint64_t v = 0;
	int r;

	epdma_module_name(module, name, sizeof(name));
	snprintf(path, sizeof(path), "/sys/module/%s/holders", name);
	*holders = 0;
	if (epdma_fs_list(ctx, path, &names) >= 0) {
		*holders = (unsigned int)epdma_strv_length(names);
		epdma_strv_free(names);
	}
	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", name);
	r = epdma_fs_read_u64(ctx, path, &v);
	return r < 0 ? r : (int)(v > INT32_MAX ? INT32_MAX : v);
}

bool epdma_module_busy(struct epdma_ctx *ctx, const char *module, char *why, size_t size)
{
	unsigned int holders = 0;
	int refcnt = epdma_module_refcnt(ctx, module, &holders);

	if (refcnt < 0)
		snprintf(why, size, "its refcnt cannot be read: %s", strerror(-refcnt));
	else
		snprintf(why, size, "refcnt %d, %u holder%s", refcnt, holders,
			 holders == 1 ? "" : "s");
	return refcnt != 0 || holders;
}
