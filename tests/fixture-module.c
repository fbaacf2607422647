// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module fixtures: tiny ELF64 relocatable objects that depmod, modinfo and
 * libkmod accept as kernel modules, and depmod run over them.
 *
 * What kmod reads from a .ko (kmod 30): the ELF header and section headers
 * (class, data encoding, e_shentsize, e_shstrndx must be sane), `.modinfo`
 * (NUL-separated key=value: aliases, depends, vermagic, ...), `.symtab` +
 * `.strtab` for the symbols a module needs (undefined entries) and
 * `__ksymtab_strings` for the ones it exports. depmod builds modules.dep
 * from those symbols, never from "depends=", so every module here exports
 * "<name>_fx_export" and imports the export of each module in DEPENDS.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture-internal.h"

struct blob {
	char *data;
	size_t len, cap;
};

static void blob_add(struct blob *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 64;
		b->data = realloc(b->data, b->cap);
		if (!b->data)
			ck_abort_msg("fixture: out of memory");
	}
	if (data)
		memcpy(b->data + b->len, data, len);
	else
		memset(b->data + b->len, 0, len);
	b->len += len;
}

/* Appends "S\0" and returns its offset. */
static size_t blob_str(struct blob *b, const char *s)
{
	size_t off = b->len;

	blob_add(b, s, strlen(s) + 1);
	return off;
}

static _printf_(2, 3) void blob_strf(struct blob *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ck_abort_msg("fixture: out of memory");
	va_end(ap);
	blob_str(b, s);
	free(s);
}

static void blob_align(struct blob *b, size_t align)
{
	while (b->len % align)
		blob_add(b, NULL, 1);
}

enum {
	SEC_NULL,
	SEC_MODINFO,
	SEC_THIS_MODULE,
	SEC_KSYMTAB_STRINGS,
	SEC_SYMTAB,
	SEC_STRTAB,
	SEC_SHSTRTAB,
	SEC_COUNT,
};

struct section {
	const char *name;
	Elf64_Word type;
	Elf64_Xword flags, align, entsize;
	struct blob body;
};

/* The parts of struct module the kernel would look at: only `name` (offset 24). */
#define THIS_MODULE_SIZE     0x380
#define THIS_MODULE_NAME_OFF 24

static void symbol(struct section *symtab, struct section *strtab, const char *name,
		   unsigned char info, Elf64_Section shndx)
{
	Elf64_Sym sym = {
		.st_name = name ? (Elf64_Word)blob_str(&strtab->body, name) : 0,
		.st_info = info,
		.st_shndx = shndx,
	};

	blob_add(&symtab->body, &sym, sizeof(sym));
}

/* PARMS: "name:type:perm:default". modinfo has parm= (description) and
 * parmtype=, as modpost writes them; the sysfs permission and the default
 * are not in a real .ko, so the fixture adds them as fxparm=name:perm:default
 * for the fake kernel (kmod ignores unknown keys). */
static void build_parms(struct blob *b, const char *const *parms)
{
	for (size_t i = 0; parms && parms[i]; i++) {
		char name[64], type[16], perm[8], def[64] = "";

		if (sscanf(parms[i], "%63[^:]:%15[^:]:%7[^:]:%63s", name, type, perm, def) < 3)
			ck_abort_msg("fixture: bad parameter spec %s", parms[i]);
		blob_strf(b, "parmtype=%s:%s", name, type);
		blob_strf(b, "parm=%s:fixture parameter %s", name, name);
		blob_strf(b, "fxparm=%s:%s:%s", name, perm, def);
	}
}

static void build_modinfo(struct blob *b, const char *name, const char *const *aliases,
			  const char *depends, const char *release, const char *const *parms)
{
	blob_str(b, "license=GPL");
	blob_strf(b, "description=epdma fixture module %s", name);
	build_parms(b, parms);
	/* "!pci:..." is an ID the driver's table lists without a MODULE_DEVICE_TABLE:
	 * no alias for depmod, only the fake kernel's fxids= (its probe by ID). */
	for (size_t i = 0; aliases && aliases[i]; i++)
		if (aliases[i][0] == '!')
			blob_strf(b, "fxids=%s", aliases[i] + 1);
		else
			blob_strf(b, "alias=%s", aliases[i]);
	blob_strf(b, "depends=%s", depends ? depends : "");
	blob_str(b, "intree=Y");
	blob_strf(b, "name=%s", name);
	blob_strf(b, "vermagic=%s SMP mod_unload ", release);
}

/* Returns the index of the first global symbol (sh_info of .symtab). */
static Elf64_Word build_symbols(struct section *s, const char *name, const char *depends)
{
	struct section *symtab = &s[SEC_SYMTAB], *strtab = &s[SEC_STRTAB];
	char *export = fx_strdupf("%s_fx_export", name);
	Elf64_Word nlocal;

	blob_str(&strtab->body, "");
	symbol(symtab, strtab, NULL, 0, SHN_UNDEF);
	symbol(symtab, strtab, NULL, ELF64_ST_INFO(STB_LOCAL, STT_SECTION), SEC_THIS_MODULE);
	nlocal = (Elf64_Word)(symtab->body.len / sizeof(Elf64_Sym));
	symbol(symtab, strtab, "__this_module", ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT),
	       SEC_THIS_MODULE);
	symbol(symtab, strtab, export, ELF64_ST_INFO(STB_GLOBAL, STT_FUNC), SEC_THIS_MODULE);
	blob_str(&s[SEC_KSYMTAB_STRINGS].body, export);
	if (depends && *depends) {
		char *list = fx_strdupf("%s", depends), *save = NULL;

		for (char *d = strtok_r(list, ",", &save); d; d = strtok_r(NULL, ",", &save)) {
			char *dep = fx_module_name(d);
			char *import = fx_strdupf("%s_fx_export", dep);

			symbol(symtab, strtab, import, ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE),
			       SHN_UNDEF);
			free(import);
			free(dep);
		}
		free(list);
	}
	free(export);
	return nlocal;
}

static void write_elf(const char *abs, struct section *s, Elf64_Word first_global, uint16_t machine)
{
	struct blob file = { 0 };
	Elf64_Shdr shdr[SEC_COUNT] = { 0 };
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
			     EV_CURRENT, ELFOSABI_NONE },
		.e_type = ET_REL,
		.e_machine = machine,
		.e_version = EV_CURRENT,
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_shentsize = sizeof(Elf64_Shdr),
		.e_shnum = SEC_COUNT,
		.e_shstrndx = SEC_SHSTRTAB,
	};
	struct blob *shstr = &s[SEC_SHSTRTAB].body;
	int fd;

	blob_str(shstr, "");
	for (int i = 1; i < SEC_COUNT; i++)
		shdr[i].sh_name = (Elf64_Word)blob_str(shstr, s[i].name);
	blob_add(&file, &eh, sizeof(eh));
	for (int i = 1; i < SEC_COUNT; i++) {
		blob_align(&file, s[i].align ? s[i].align : 1);
		shdr[i].sh_type = s[i].type;
		shdr[i].sh_flags = s[i].flags;
		shdr[i].sh_offset = file.len;
		shdr[i].sh_size = s[i].body.len;
		shdr[i].sh_addralign = s[i].align;
		shdr[i].sh_entsize = s[i].entsize;
		blob_add(&file, s[i].body.data, s[i].body.len);
	}
	shdr[SEC_SYMTAB].sh_link = SEC_STRTAB;
	shdr[SEC_SYMTAB].sh_info = first_global;
	blob_align(&file, 8);
	((Elf64_Ehdr *)file.data)->e_shoff = file.len;
	blob_add(&file, shdr, sizeof(shdr));

	fd = open(abs, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fx_fail_errno("open", abs);
	if (write(fd, file.data, file.len) != (ssize_t)file.len)
		fx_fail_errno("write", abs);
	if (close(fd) < 0)
		fx_fail_errno("close", abs);
	free(file.data);
}

void fx_module(struct fx *fx, const char *subdir, const char *name, const char *const *aliases,
	       const char *depends)
{
	fx_module_parm(fx, subdir, name, aliases, depends, NULL);
}

void fx_module_parm(struct fx *fx, const char *subdir, const char *name, const char *const *aliases,
		    const char *depends, const char *const *parms)
{
	struct section s[SEC_COUNT] = {
		[SEC_MODINFO] = { ".modinfo", SHT_PROGBITS, SHF_ALLOC, 8, 0, { 0 } },
		[SEC_THIS_MODULE] = { ".gnu.linkonce.this_module",
				      SHT_PROGBITS,
				      SHF_WRITE | SHF_ALLOC,
				      64,
				      0,
				      { 0 } },
		[SEC_KSYMTAB_STRINGS] = { "__ksymtab_strings", SHT_PROGBITS, SHF_ALLOC, 1, 0, { 0 } },
		[SEC_SYMTAB] = { ".symtab", SHT_SYMTAB, 0, 8, sizeof(Elf64_Sym), { 0 } },
		[SEC_STRTAB] = { ".strtab", SHT_STRTAB, 0, 1, 0, { 0 } },
		[SEC_SHSTRTAB] = { ".shstrtab", SHT_STRTAB, 0, 1, 0, { 0 } },
	};
	char *modname = fx_module_name(name);
	Elf64_Word first_global;
	char *rel, *abs;

	if (!fx->release)
		ck_abort_msg("fixture: fx_module(%s) before fx_kernel_release", name);
	build_modinfo(&s[SEC_MODINFO].body, modname, aliases, depends, fx->release, parms);
	blob_add(&s[SEC_THIS_MODULE].body, NULL, THIS_MODULE_SIZE);
	strncpy(s[SEC_THIS_MODULE].body.data + THIS_MODULE_NAME_OFF, modname, 55);
	first_global = build_symbols(s, modname, depends);

	rel = fx_strdupf("lib/modules/%s/kernel/%s/%s.ko", fx->release, subdir, name);
	abs = fx_path(fx, rel);
	fx_write(fx, rel, "%s", ""); /* creates the directories */
	write_elf(abs, s, first_global, fx_priv(fx)->elf_machine);
	free(rel);
	free(abs);
	rel = fx_strdupf("lib/modules/%s/modules.order", fx->release);
	{
		char *order = fx_read(fx, rel);
		char *line = fx_strdupf("kernel/%s/%s.ko\n", subdir, name);

		/* Rewriting a module (with parameters) must not list it twice. */
		if (!has(order, line))
			fx_write(fx, rel, "%s%s", order ? order : "", line);
		free(line);
		free(order);
	}
	free(rel);
	for (int i = 0; i < SEC_COUNT; i++)
		free(s[i].body.data);
	free(modname);
}

/* Appends LEN bytes to a file below the root (creating it). */
static void append_raw(struct fx *fx, const char *path, const void *data, size_t len)
{
	size_t old_len = 0;
	char *old = fx_read_raw(fx, path, &old_len);
	char *buf = malloc(old_len + len + 1);

	if (!buf)
		ck_abort_msg("fixture: out of memory");
	if (old)
		memcpy(buf, old, old_len);
	memcpy(buf + old_len, data, len);
	fx_write_raw(fx, path, buf, old_len + len);
	free(buf);
	free(old);
}

void fx_module_builtin(struct fx *fx, const char *subdir, const char *name)
{
	char *modname, *line, *path, *s;
	struct blob info = { 0 };

	if (!fx->release)
		ck_abort_msg("fixture: fx_module_builtin(%s) before fx_kernel_release", name);
	modname = fx_module_name(name);
	line = fx_strdupf("kernel/%s/%s.ko\n", subdir, name);
	path = fx_strdupf("lib/modules/%s/modules.builtin", fx->release);
	append_raw(fx, path, line, strlen(line));
	free(path);
	/* modules.builtin.modinfo: "<name>.<key>=<value>\0" records. */
	s = fx_strdupf("%s.file=%s/%s", modname, subdir, name);
	blob_str(&info, s);
	free(s);
	s = fx_strdupf("%s.license=GPL", modname);
	blob_str(&info, s);
	free(s);
	path = fx_strdupf("lib/modules/%s/modules.builtin.modinfo", fx->release);
	append_raw(fx, path, info.data, info.len);
	free(path);
	free(info.data);
	free(line);
	free(modname);
}

static const char *find_depmod(void)
{
	static const char *const paths[] = { "/sbin/depmod", "/usr/sbin/depmod", NULL };

	for (size_t i = 0; paths[i]; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return "depmod";
}

void fx_depmod(struct fx *fx)
{
	const char *depmod = find_depmod();
	char *log = fx_strdupf("%s/depmod.log", fx->dir);
	char *conf = fx_path(fx, "etc/depmod.d");
	int status;
	pid_t pid;

	if (!fx->release)
		ck_abort_msg("fixture: fx_depmod before fx_kernel_release");
	/* Only the fixture's own (empty) depmod.d, never the machine's. */
	fx_mkdir(fx, "etc/depmod.d");
	pid = fork();
	if (pid < 0)
		fx_fail_errno("fork", depmod);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		const char *argv[] = { depmod, "-b", fx->root, "-C", conf, fx->release, NULL };

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		setenv("LC_ALL", "C", 1);
		execvp(depmod, (char *const *)argv);
		dprintf(2, "exec %s: %m\n", depmod);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fx_fail_errno("waitpid", depmod);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		int fd = open(log, O_RDONLY);
		char out[2048] = "";

		if (fd >= 0) {
			ssize_t n = read(fd, out, sizeof(out) - 1);

			out[n > 0 ? n : 0] = '\0';
			close(fd);
		}
		ck_abort_msg("fixture: %s -b %s %s failed (status 0x%x): %s", depmod, fx->root,
			     fx->release, status, out);
	}
	unlink(log);
	free(conf);
	free(log);
}
