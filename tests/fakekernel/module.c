// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount(2) of configfs and the module syscalls. A module's name comes from
 * its .modinfo "name=" (else .gnu.linkonce.this_module, else the file name);
 * "depends=" must already be loaded (else "Unknown symbol", ENOENT) and the
 * dependencies get a holders/ entry. Loading an EPF driver module registers
 * the driver: sys/bus/pci-epf/drivers/<drv> and configfs functions/<drv>.
 */
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakekernel.h"

#define CONFIG_DIR "sys/kernel/config"

static const char *const epf_modules[] = { "pci_epf_vntb", "pci_epf_dma", "pci_epf_test",
					   "pci_epf_ntb", NULL };

int fk_mount(const char *source, const char *target_abs, const char *fstype)
{
	const char *rel = fk_rel(target_abs);
	char **names, p[PATH_MAX];

	if (!fstype || strcmp(fstype, "configfs"))
		return -ENODEV; /* only configfs is emulated */
	if (!fk_is_dir(rel))
		return -ENOENT;
	if (strcmp(rel, CONFIG_DIR))
		return -EINVAL;
	if (fk_exists(FK_PCI_EP))
		return -EBUSY;
	fk_mkdir_p(FK_PCI_EP "/controllers");
	fk_mkdir_p(FK_PCI_EP "/functions");
	fk_list("sys/class/pci_epc", &names);
	for (size_t i = 0; names[i]; i++) {
		snprintf(p, sizeof(p), FK_PCI_EP "/controllers/%s", names[i]);
		fk_mkdir_p(p);
		snprintf(p, sizeof(p), FK_PCI_EP "/controllers/%s/start", names[i]);
		fk_write_file(p, "0\n");
	}
	fk_strv_free(names);
	fk_list(FK_EPF_BUS "/drivers", &names);
	for (size_t i = 0; names[i]; i++) {
		snprintf(p, sizeof(p), FK_PCI_EP "/functions/%s", names[i]);
		fk_mkdir_p(p);
	}
	fk_strv_free(names);
	return 0;
}

/* ---- module objects ---- */

struct modinfo {
	char name[64];
	char depends[512];
	char parms[1024];   /* "a,b,c" */
	char types[1024];   /* "a:bool,b:uint" (parmtype=) */
	char fxparms[1024]; /* "a:0644:N,b:0444:" (fixture-only: sysfs mode, default) */
	char aliases[2048]; /* "pci:v...* pci:v...*" */
};

/* The fixture modules are ELF64 objects (x86_64 or arm64, tests/fixture-module.c). */
static const unsigned char *section(const unsigned char *img, size_t len, const char *want,
				    size_t *size)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Shdr *sh, *str;

	if (len < sizeof(*eh) || memcmp(img, ELFMAG, SELFMAG) || img[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > len || eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	str = &sh[eh->e_shstrndx];
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		if (str->sh_offset + sh[i].sh_name >= len || sh[i].sh_offset + sh[i].sh_size > len)
			continue;
		if (!strcmp((const char *)img + str->sh_offset + sh[i].sh_name, want)) {
			*size = sh[i].sh_size;
			return img + sh[i].sh_offset;
		}
	}
	return NULL;
}

static void append(char *dst, size_t size, const char *s, size_t n)
{
	size_t len = strlen(dst);

	if (len && len + 1 < size)
		dst[len++] = ',';
	if (len + n >= size)
		n = size - len - 1;
	memcpy(dst + len, s, n);
	dst[len + n] = '\0';
}

static void append_word(char *dst, size_t size, const char *s, size_t n)
{
	size_t len = strlen(dst);

	if (len && len + 1 < size)
		dst[len++] = ' ';
	if (len + n >= size)
		n = size - len - 1;
	memcpy(dst + len, s, n);
	dst[len + n] = '\0';
}

static void parse_modinfo(const unsigned char *img, size_t len, struct modinfo *mi)
{
	size_t size = 0;
	const unsigned char *s = section(img, len, ".modinfo", &size);

	for (size_t off = 0; s && off < size;) {
		const char *e = (const char *)s + off;
		size_t n = strnlen(e, size - off);

		if (!strncmp(e, "name=", 5))
			snprintf(mi->name, sizeof(mi->name), "%.*s", (int)(n - 5), e + 5);
		else if (!strncmp(e, "depends=", 8))
			snprintf(mi->depends, sizeof(mi->depends), "%.*s", (int)(n - 8), e + 8);
		else if (!strncmp(e, "parmtype=", 9))
			append(mi->types, sizeof(mi->types), e + 9, n - 9);
		else if (!strncmp(e, "fxparm=", 7))
			append(mi->fxparms, sizeof(mi->fxparms), e + 7, n - 7);
		else if (!strncmp(e, "alias=pci:", 10))
			append_word(mi->aliases, sizeof(mi->aliases), e + 6, n - 6);
		else if (!strncmp(e, "fxids=pci:", 10)) /* an ID table without aliases */
			append_word(mi->aliases, sizeof(mi->aliases), e + 6, n - 6);
		else if (!strncmp(e, "parm=", 5)) {
			const char *colon = memchr(e + 5, ':', n - 5);

			if (colon)
				append(mi->parms, sizeof(mi->parms), e + 5,
				       (size_t)(colon - e - 5));
		}
		off += n + 1;
	}
	/* modpost may write "dw-edma"; the loaded module is dw_edma. */
	for (char *c = mi->depends; *c; c++)
		if (*c == '-')
			*c = '_';
	if (!mi->name[0]) {
		size_t tsize = 0;
		const unsigned char *t = section(img, len, ".gnu.linkonce.this_module", &tsize);
		size_t off = img[EI_CLASS] == ELFCLASS64 ? 24 : 12;

		if (t && tsize > off)
			snprintf(mi->name, sizeof(mi->name), "%.*s", (int)(tsize - off),
				 (const char *)t + off);
	}
}

static void name_from_file(const char *path, struct modinfo *mi)
{
	const char *base = strrchr(path, '/');
	char *dot;

	snprintf(mi->name, sizeof(mi->name), "%s", base ? base + 1 : path);
	dot = strstr(mi->name, ".ko");
	if (dot)
		*dot = '\0';
	for (char *s = mi->name; *s; s++)
		if (*s == '-')
			*s = '_';
}

static bool list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = list; s && *s;) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len == n && !strncmp(s, word, n))
			return true;
		s = e ? e + 1 : NULL;
	}
	return false;
}

void fk_epf_driver_register(const char *drv, const char *module)
{
	char d[PATH_MAX], p[PATH_MAX], m[PATH_MAX];

	snprintf(d, sizeof(d), FK_EPF_BUS "/drivers/%s", drv);
	fk_mkdir_p(FK_EPF_BUS "/devices");
	fk_mkdir_p(d);
	snprintf(p, sizeof(p), "%s/bind", d);
	fk_write_file(p, "%s", "");
	snprintf(p, sizeof(p), "%s/unbind", d);
	fk_write_file(p, "%s", "");
	snprintf(p, sizeof(p), "%s/uevent", d);
	fk_write_file(p, "%s", "");
	snprintf(m, sizeof(m), "sys/module/%s", module);
	snprintf(p, sizeof(p), "%s/module", d);
	fk_symlink_rel(m, p);
	snprintf(p, sizeof(p), "sys/module/%s/drivers", module);
	fk_mkdir_p(p);
	snprintf(p, sizeof(p), "sys/module/%s/drivers/pci-epf:%s", module, drv);
	fk_symlink_rel(d, p);
	if (fk_exists(FK_PCI_EP)) {
		snprintf(p, sizeof(p), FK_PCI_EP "/functions/%s", drv);
		fk_mkdir_p(p);
	}
}

/* The "name:..." entry of LIST ("a:x,b:y") for NAME, copied to OUT; false if none. */
static bool list_entry(const char *list, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);

	for (const char *s = list; s && *s;) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len > n && s[n] == ':' && !strncmp(s, name, n)) {
			snprintf(out, size, "%.*s", (int)(len - n - 1), s + n + 1);
			return true;
		}
		s = e ? e + 1 : NULL;
	}
	return false;
}

/* param_set_<type>() (kernel/params.c): the value as sysfs shows it after,
 * or -EINVAL; charp keeps what it got, newline included (params.c:262). */
static int param_value(const char *type, const char *val, char *out, size_t size)
{
	unsigned long long v;
	bool b;

	if (!strcmp(type, "bool") || !strcmp(type, "invbool")) {
		if (fk_kstrtobool(val, &b) < 0)
			return -EINVAL;
		snprintf(out, size, "%c\n", b != !strcmp(type, "invbool") ? 'Y' : 'N');
	} else if (!strcmp(type, "byte") || !strcmp(type, "ushort") || !strcmp(type, "uint") ||
		   !strcmp(type, "ulong")) {
		unsigned int bits = type[1] == 'y'   ? 8
				    : type[1] == 's' ? 16
				    : type[1] == 'i' ? 32
						     : 64;

		if (fk_kstrtou(val, bits, &v) < 0)
			return -EINVAL;
		snprintf(out, size, "%llu\n", v);
	} else {
		if (strlen(val) > 1024)
			return -ENOSPC;
		snprintf(out, size, "%s\n", val);
	}
	return 0;
}

/* Parameters given at insert, checked before the module exists (a bad value
 * fails the load: "`VAL' invalid for parameter `P'", params.c:203). */
static int check_params(const struct modinfo *mi, const char *params)
{
	char buf[1024], type[32], out[1100], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", params ? params : "");
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '=');
		const char *val = eq ? eq + 1 : "1";
		int r;

		if (eq)
			*eq = '\0';
		if (!list_entry(mi->types, tok, type, sizeof(type)))
			continue;
		r = param_value(type, val, out, sizeof(out));
		if (r < 0) {
			fk_kmsg(3, "%s: `%s' invalid for parameter `%s'", mi->name, val, tok);
			return r;
		}
	}
	return 0;
}

/* Every parameter with a sysfs mode appears at load, with its default. */
static void default_params(const struct modinfo *mi, struct fk_state *st)
{
	char buf[1024], p[PATH_MAX], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", mi->fxparms);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char name[64] = "", def[256] = "", type[32] = "charp", out[300];
		unsigned int mode = 0;

		if (sscanf(tok, "%63[^:]:%o:%255s", name, &mode, def) < 2 || !mode)
			continue;
		list_entry(mi->types, name, type, sizeof(type));
		if (param_value(type, def, out, sizeof(out)) < 0)
			snprintf(out, sizeof(out), "%s\n", def);
		snprintf(p, sizeof(p), "sys/module/%s/parameters", mi->name);
		fk_mkdir_p(p);
		snprintf(p, sizeof(p), "sys/module/%s/parameters/%s", mi->name, name);
		fk_write_file(p, "%s", out);
		chmod(fk_abs(p), mode);
		snprintf(p, sizeof(p), "%s/%s", mi->name, name);
		fk_state_set(st, "parm", p, "%s %s", p, type);
	}
}

static void set_params(const struct modinfo *mi, const char *params)
{
	char buf[1024], p[PATH_MAX], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", params ? params : "");
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '=');
		const char *val = eq ? eq + 1 : "Y";

		if (eq)
			*eq = '\0';
		if (!list_has(mi->parms, tok)) {
			fk_kmsg(4, "%s: unknown parameter '%s' ignored", mi->name, tok);
			continue;
		}
		snprintf(p, sizeof(p), "sys/module/%s/parameters", mi->name);
		fk_mkdir_p(p);
		snprintf(p, sizeof(p), "sys/module/%s/parameters/%s", mi->name, tok);
		{
			char type[32] = "charp", out[1100];

			list_entry(mi->types, tok, type, sizeof(type));
			if (param_value(type, val, out, sizeof(out)) < 0)
				snprintf(out, sizeof(out), "%s\n", val);
			fk_write_file(p, "%s", out);
		}
	}
}

/* A test's way to hold a module: config refcnt=<module>:<n>. */
static unsigned long config_refcnt(const char *module)
{
	const char *v = fk_config("refcnt");
	size_t n = strlen(module);

	if (!v || strncmp(v, module, n) || v[n] != ':')
		return 0;
	return strtoul(v + n + 1, NULL, 10);
}

static int load(const struct modinfo *mi, const char *params)
{
	char p[PATH_MAX], dep[64];

	snprintf(p, sizeof(p), "sys/module/%s/initstate", mi->name);
	if (fk_exists(p))
		return -EEXIST;
	if (check_params(mi, params) < 0)
		return -EINVAL;
	for (const char *s = mi->depends; *s;) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		snprintf(dep, sizeof(dep), "%.*s", (int)len, s);
		snprintf(p, sizeof(p), "sys/module/%s", dep);
		if (len && !fk_exists(p)) {
			fk_kmsg(4, "%s: Unknown symbol %s_init (err -2)", mi->name, dep);
			return -ENOENT;
		}
		s = e ? e + 1 : s + len;
	}
	snprintf(p, sizeof(p), "sys/module/%s/holders", mi->name);
	fk_mkdir_p(p);
	snprintf(p, sizeof(p), "sys/module/%s/initstate", mi->name);
	fk_write_file(p, "live\n");
	snprintf(p, sizeof(p), "sys/module/%s/refcnt", mi->name);
	fk_write_file(p, "%lu\n", config_refcnt(mi->name));
	for (const char *s = mi->depends; *s;) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		char m[PATH_MAX];

		snprintf(p, sizeof(p), "sys/module/%.*s/holders/%s", (int)len, s, mi->name);
		snprintf(m, sizeof(m), "sys/module/%s", mi->name);
		if (len) {
			snprintf(dep, sizeof(dep), "sys/module/%.*s/holders", (int)len, s);
			fk_mkdir_p(dep);
			fk_symlink_rel(m, p);
		}
		s = e ? e + 1 : s + len;
	}
	{
		struct fk_state *st = fk_state_load();

		default_params(mi, st);
		fk_state_save(st);
		fk_state_free(st);
	}
	set_params(mi, params);
	for (size_t i = 0; epf_modules[i]; i++)
		if (!strcmp(epf_modules[i], mi->name))
			fk_epf_driver_register(mi->name, mi->name);
	fk_pci_module_loaded(mi->name, mi->aliases);
	return 0;
}

static unsigned char *read_fd_all(int fd, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	size_t got = 0;

	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size > (64 << 20))
		return NULL;
	buf = malloc((size_t)st.st_size);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	*len = got;
	return buf;
}

int fk_finit_module(int fd, const char *params, int flags, int injected)
{
	struct modinfo mi = { 0 };
	char path[PATH_MAX];
	const char *rel;
	unsigned char *img;
	size_t len = 0;
	int r = injected;

	if (fk_fd_path(fd, path, sizeof(path)) < 0) {
		r = r ? r : -EBADF;
		fk_oplog("finit_module", "-", params && *params ? params : NULL, r);
		return r;
	}
	rel = fk_rel(path);
	if (!r) {
		img = read_fd_all(fd, &len);
		if (img)
			parse_modinfo(img, len, &mi);
		free(img);
		if (!mi.name[0])
			name_from_file(path, &mi);
		r = load(&mi, params);
	}
	fk_oplog("finit_module", rel ? rel : path, params && *params ? params : NULL, r);
	if (!r)
		fk_link_event("module", mi.name, "1");
	return r;
}

int fk_init_module(const void *image, unsigned long len, const char *params, int injected)
{
	struct modinfo mi = { 0 };
	int r = injected;

	if (image && len)
		parse_modinfo(image, len, &mi);
	if (!r)
		r = mi.name[0] ? load(&mi, params) : -ENOEXEC;
	fk_oplog("init_module", mi.name[0] ? mi.name : "-", params && *params ? params : NULL, r);
	if (!r)
		fk_link_event("module", mi.name, "1");
	return r;
}

static void drop_params(const char *name)
{
	struct fk_state *st = fk_state_load();
	char prefix[128];
	const char *rec;

	snprintf(prefix, sizeof(prefix), "%s/", name);
	for (size_t i = 0; (rec = fk_state_nth(st, "parm", i));) {
		if (!strncmp(rec, prefix, strlen(prefix))) {
			char key[256];

			snprintf(key, sizeof(key), "%.*s", (int)strcspn(rec, " "), rec);
			fk_state_del(st, "parm", key);
		} else {
			i++;
		}
	}
	fk_state_save(st);
	fk_state_free(st);
}

/* /sys/module/<m>/parameters/<p> with a type the fake knows (from parmtype=). */
bool fk_param_handles(const char *rel)
{
	struct fk_state *st;
	char key[256];
	const char *m = rel + strlen("sys/module/"), *p;
	bool hit;

	if (strncmp(rel, "sys/module/", 11) || !(p = strstr(m, "/parameters/")))
		return false;
	snprintf(key, sizeof(key), "%.*s/%s", (int)(p - m), m, p + strlen("/parameters/"));
	st = fk_state_load();
	hit = fk_state_get(st, "parm", key) != NULL;
	fk_state_free(st);
	return hit;
}

/* param_attr_store(): the type's set() on the raw buffer, newline and all. */
ssize_t fk_param_write(const char *rel, const char *buf, size_t len)
{
	const char *m = rel + strlen("sys/module/"), *p = strstr(m, "/parameters/");
	char key[256], type[32] = "charp", val[1100], out[1200];
	struct fk_state *st = fk_state_load();
	const char *rec;
	int r;

	snprintf(key, sizeof(key), "%.*s/%s", (int)(p - m), m, p + strlen("/parameters/"));
	rec = fk_state_get(st, "parm", key);
	if (rec)
		sscanf(rec + strlen(key), " %31s", type);
	fk_state_free(st);
	snprintf(val, sizeof(val), "%.*s", (int)(len < 1099 ? len : 1099), buf);
	r = param_value(type, val, out, sizeof(out));
	if (r < 0)
		return r;
	/* show() of a number or bool prints it again; charp prints what it got + "\n". */
	if (strcmp(type, "charp"))
		fk_write_file(rel, "%s", out);
	else
		fk_write_file(rel, "%s\n", val);
	return (ssize_t)len;
}

static int unload(const char *name)
{
	char p[PATH_MAX], **ents;
	int n;

	snprintf(p, sizeof(p), "sys/module/%s/initstate", name);
	if (!fk_exists(p))
		return -ENOENT;
	snprintf(p, sizeof(p), "sys/module/%s/holders", name);
	n = fk_list(p, &ents);
	fk_strv_free(ents);
	if (n > 0)
		return -EWOULDBLOCK;
	/* try_stop_module(): a module in use is EWOULDBLOCK too (module/main.c:703). */
	snprintf(p, sizeof(p), "sys/module/%s/refcnt", name);
	{
		char buf[32];

		if (fk_read(p, buf, sizeof(buf)) > 0 && strtoul(buf, NULL, 10) > 0)
			return -EWOULDBLOCK;
	}
	for (size_t i = 0; epf_modules[i]; i++) {
		if (strcmp(epf_modules[i], name))
			continue;
		snprintf(p, sizeof(p), FK_PCI_EP "/functions/%s", name);
		n = fk_list(p, &ents);
		fk_strv_free(ents);
		if (n > 0)
			return -EBUSY; /* functions still made: the driver is in use */
		fk_rm_rf(p);
		snprintf(p, sizeof(p), FK_EPF_BUS "/drivers/%s", name);
		fk_rm_rf(p);
	}
	fk_pci_module_unloading(name);
	drop_params(name);
	/* Drop our holders/ entry in every module we depended on. */
	fk_list("sys/module", &ents);
	for (size_t i = 0; ents[i]; i++) {
		snprintf(p, sizeof(p), "sys/module/%s/holders/%s", ents[i], name);
		if (fk_is_link(p))
			fk_rm_rf(p);
	}
	fk_strv_free(ents);
	snprintf(p, sizeof(p), "sys/module/%s", name);
	return fk_rm_rf(p);
}

int fk_delete_module(const char *name, unsigned int flags, int injected)
{
	int r = injected;

	if (!name)
		r = r ? r : -EFAULT;
	else if (!r)
		r = unload(name);
	fk_oplog("delete_module", name ? name : "-", NULL, r);
	if (!r)
		fk_link_event("module", name, "0");
	return r;
}
