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
	char parms[1024]; /* "a,b,c" */
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
		else if (!strncmp(e, "parm=", 5)) {
			const char *colon = memchr(e + 5, ':', n - 5);

			if (colon)
				append(mi->parms, sizeof(mi->parms), e + 5,
				       (size_t)(colon - e - 5));
		}
		off += n + 1;
	}
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
		fk_write_file(p, "%s\n", val);
	}
}

static int load(const struct modinfo *mi, const char *params)
{
	char p[PATH_MAX], dep[64];

	snprintf(p, sizeof(p), "sys/module/%s/initstate", mi->name);
	if (fk_exists(p))
		return -EEXIST;
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
	fk_write_file(p, "0\n");
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
	set_params(mi, params);
	for (size_t i = 0; epf_modules[i]; i++)
		if (!strcmp(epf_modules[i], mi->name))
			fk_epf_driver_register(mi->name, mi->name);
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
	return r;
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
	return r;
}
