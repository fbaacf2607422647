// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The optional libraries (lib/dl.c): loaded only by the commands that use
 * them, a missing one named in the error, libpci's error path per scan.
 *
 * What a process maps is read from the dynamic loader's own trace
 * (LD_DEBUG=files, into a file so that stderr stays the program's): it names
 * every object loaded, at start or by dlopen(), whatever the build.
 */
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl.h"
#include "fixture.h"

/* Libraries an endpoint command must not map (libpci, libkmod and their deps). */
static const char *const host_only[] = { "libpci.so",	 "libkmod.so", "libudev.so",
					 "libcrypto.so", "libzstd.so", "liblzma.so" };

static char *strdupf(const char *fmt, ...) _printf_(1, 2);
static char *strdupf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	return s;
}

static char *read_file(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *in = fopen(path, "re"), *out = open_memstream(&text, &len);
	char buf[4096];
	size_t n;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	fclose(out);
	return text;
}

static void write_config(struct fx *fx, const char *profile)
{
	fx_write(fx, "/etc/epdma.conf",
		 "[general]\nprofile = %s\n\n[vntb]\nvbus_number = 0x10\n\n[dma]\nwr_chans = 2\n"
		 "rd_chans = 2\n",
		 profile);
}

/* The loader's trace of every process that ran with LD_DEBUG_OUTPUT=<dir>/ld. */
static char *loader_trace(struct fx *fx)
{
	char *all = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&all, &len);
	DIR *d = opendir(fx->dir);
	struct dirent *e;

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		char *path, *text;

		if (strncmp(e->d_name, "ld.", 3))
			continue;
		path = strdupf("%s/%s", fx->dir, e->d_name);
		text = read_file(path);
		fputs(text, out);
		free(text);
		unlink(path);
		free(path);
	}
	closedir(d);
	fclose(out);
	return all;
}

/* Run epdmactl COMMAND on the fixture with the loader tracing; returns the trace. */
static char *traced_run(struct fx *fx, const char *command)
{
	char *trace_out = strdupf("LD_DEBUG_OUTPUT=%s/ld", fx->dir);
	const char *argv[] = { "env",	 "LD_DEBUG=files", trace_out, EPDMACTL_PATH,
			       "--root", fx->root,	   command,   NULL };
	struct fx_result r;

	fx_run(fx, &r, argv);
	ck_assert_msg(r.status == 0 || !strcmp(command, "check"), "epdmactl %s: exit %d\n%s%s",
		      command, r.status, r.out, r.err);
	fx_result_free(&r);
	free(trace_out);
	return loader_trace(fx);
}

static bool loaded(const char *trace, const char *lib)
{
	char *needle = strdupf("file=%s", lib);
	bool found = has(trace, needle);

	free(needle);
	return found;
}

START_TEST(endpoint_commands_map_no_host_library)
{
	static const char *const commands[] = { "check", "plan", "setup", "setup", "status" };
	struct fx *fx = fx_new();

	fx_rcar_s4(fx);
	write_config(fx, "rcar-gen4");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char *trace = traced_run(fx, commands[i]);

		/* The trace works: it shows what epdmactl does map. */
		ck_assert_msg(loaded(trace, "libc.so.6"), "no loader trace for %s:\n%s",
			      commands[i], trace);
		for (size_t j = 0; j < ARRAY_SIZE(host_only); j++)
			ck_assert_msg(!loaded(trace, host_only[j]), "epdmactl %s mapped %s",
				      commands[i], host_only[j]);
		free(trace);
	}
	fx_free(fx);
}
END_TEST

#ifdef EPDMA_STATIC_DEPS
/* EPDMA_STATIC_DEPS: inih and json-c are in the program, so start-up maps libc alone. */
START_TEST(static_deps_are_not_mapped)
{
	static const char *const commands[] = { "check", "status" };
	struct fx *fx = fx_new();

	fx_rcar_s4(fx);
	write_config(fx, "rcar-gen4");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char *trace = traced_run(fx, commands[i]);

		ck_assert_msg(loaded(trace, "libc.so.6"), "no loader trace for %s:\n%s",
			      commands[i], trace);
		ck_assert_msg(!loaded(trace, "libinih.so"), "epdmactl %s mapped libinih",
			      commands[i]);
		ck_assert_msg(!loaded(trace, "libjson-c.so"), "epdmactl %s mapped libjson-c",
			      commands[i]);
		free(trace);
	}
	fx_free(fx);
}
END_TEST
#endif

/* The host check scans the bus and asks the module index: both are loaded. */
START_TEST(host_check_loads_libpci_and_libkmod)
{
	struct fx *fx = fx_new();
	char *trace;

	fx_x86_host(fx);
	write_config(fx, "imx8");
	trace = traced_run(fx, "check");
	ck_assert_msg(loaded(trace, "libpci.so.3"), "%s", trace);
	ck_assert_msg(loaded(trace, "libkmod.so.2"), "%s", trace);
	free(trace);
	fx_free(fx);
}
END_TEST

/* A setup that must load the EPF driver modules loads libkmod for them. */
START_TEST(module_load_loads_libkmod)
{
	struct fx *fx = fx_new();
	char *cmd, *trace;

	fx_rcar_s4(fx);
	write_config(fx, "rcar-gen4");
	/* Boot state: configfs not mounted, EPF modules not loaded. */
	cmd = strdupf("rm -rf '%1$s/sys/kernel/config/pci_ep' '%1$s/sys/module/pci_epf_vntb' "
		      "'%1$s/sys/module/pci_epf_dma' '%1$s/sys/bus/pci-epf/drivers/pci_epf_vntb' "
		      "'%1$s/sys/bus/pci-epf/drivers/pci_epf_dma'",
		      fx->root);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	trace = traced_run(fx, "setup");
	ck_assert_msg(loaded(trace, "libkmod.so.2"), "%s", trace);
	ck_assert(!loaded(trace, "libpci.so"));
	ck_assert(fx_exists(fx, "/sys/module/pci_epf_dma"));
	free(trace);
	fx_free(fx);
}
END_TEST

struct log {
	char text[2048];
};

static void log_append(void *data, int priority, const char *msg)
{
	struct log *l = data;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "<%d>%s\n", priority, msg);
}

static struct epdma_ctx *ctx_logging(struct fx *fx, struct log *l)
{
	struct epdma_ctx *ctx;

	ck_assert_int_eq(epdma_ctx_new(&ctx, fx->root), 0);
	l->text[0] = '\0';
	epdma_ctx_set_log_fn(ctx, log_append, l);
	epdma_ctx_set_log_priority(ctx, 7);
	return ctx;
}

static int (*sym_getpid)(void);
static int (*sym_epdma_no_such_symbol)(void);

START_TEST(missing_library_is_named)
{
	static const struct epdma_dlsym syms[] = { EPDMA_DLSYM(getpid) };
	struct epdma_dl dl = EPDMA_DL_INIT("libepdma-missing.so.0", "epdma-missing-pkg", syms);
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct log l;

	ctx = ctx_logging(fx, &l);
	ck_assert_int_eq(epdma_dl_open(ctx, &dl), -ENOPKG);
	ck_assert_msg(
		has(l.text, "<3>libepdma-missing.so.0 not found: install epdma-missing-pkg\n"),
		"%s", l.text);
	ck_assert_ptr_null(sym_getpid);
	/* Not cached: the next call tries again (and fails again here). */
	ck_assert_int_eq(epdma_dl_open(ctx, &dl), -ENOPKG);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

START_TEST(missing_symbol_is_named)
{
	static const struct epdma_dlsym syms[] = { EPDMA_DLSYM(getpid),
						   EPDMA_DLSYM(epdma_no_such_symbol) };
	struct epdma_dl bad = EPDMA_DL_INIT("libc.so.6", "libc6", syms);
	struct epdma_dl good = EPDMA_DL_INIT("libc.so.6", "libc6", syms);
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct log l;

	ctx = ctx_logging(fx, &l);
	ck_assert_int_eq(epdma_dl_open(ctx, &bad), -ELIBBAD);
	ck_assert_msg(has(l.text,
			  "<3>libc.so.6 has no symbol epdma_no_such_symbol: install a newer "
			  "libc6\n"),
		      "%s", l.text);
	ck_assert_ptr_null(bad.handle);
	/* A table that resolves is loaded once; the second call is a no-op. */
	good.n_syms = 1;
	ck_assert_int_eq(epdma_dl_open(ctx, &good), 0);
	ck_assert_ptr_nonnull(good.handle);
	ck_assert_int_eq(sym_getpid(), getpid());
	ck_assert_int_eq(epdma_dl_open(ctx, &good), 0);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/*
 * libpci's error callback lands in the scan of its own thread: threads that
 * scan a tree without a bus (libpci errors) and a good tree at the same time
 * each get their own result, every time.
 */
struct scan_job {
	const char *root;
	int want; /* count, or -EIO */
	int bad;  /* scans that returned something else */
};

static void *scan_thread(void *data)
{
	struct scan_job *job = data;
	struct epdma_ctx *ctx;

	if (epdma_ctx_new(&ctx, job->root) < 0) {
		job->bad = -1;
		return NULL;
	}
	for (int i = 0; i < 50; i++)
		if (epdma_pci_count(ctx) != job->want)
			job->bad++;
	epdma_ctx_free(ctx);
	return NULL;
}

START_TEST(pci_errors_stay_in_their_thread)
{
	struct fx *good = fx_new(), *empty = fx_new();
	struct scan_job jobs[4];
	pthread_t t[4];
	struct epdma_ctx *ctx;
	int n;

	fx_x86_host(good);
	fx_mkdir(empty, "/sys");
	ck_assert_int_eq(epdma_ctx_new(&ctx, good->root), 0);
	n = epdma_pci_count(ctx);
	ck_assert_int_gt(n, 0);
	epdma_ctx_free(ctx);
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct scan_job){ .root = i % 2 ? empty->root : good->root,
					     .want = i % 2 ? -EIO : n };
		ck_assert_int_eq(pthread_create(&t[i], NULL, scan_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_msg(jobs[i].bad == 0, "thread %d: %d scans went wrong", i, jobs[i].bad);
	}
	fx_free(empty);
	fx_free(good);
}
END_TEST

START_TEST(refused_library_is_named)
{
	static const struct epdma_dlsym syms[] = { EPDMA_DLSYM(getpid) };
	struct epdma_dl dl = EPDMA_DL_INIT("libc.so.6", "libc6", syms);
	struct fx *fx = fx_new();
	struct epdma_ctx *ctx;
	struct log l;

	ctx = ctx_logging(fx, &l);
	/* Check forks each test: the refusal stays in this process. */
	epdma_dl_refuse("the reason given");
	ck_assert_int_eq(epdma_dl_open(ctx, &dl), -ELIBACC);
	ck_assert_msg(has(l.text, "<3>libc.so.6 not loaded: the reason given\n"), "%s", l.text);
	ck_assert_ptr_null(sym_getpid);
	epdma_ctx_free(ctx);
	fx_free(fx);
}
END_TEST

/*
 * A minimal ELF file of this machine's class and byte order: header, one
 * PT_LOAD, then a PT_NOTE with NOTES (NOTES_LEN bytes) when NOTES is given.
 */
static char *write_elf(struct fx *fx, const char *name, const void *notes, size_t notes_len)
{
	char *path = strdupf("%s/%s", fx->root, name);
	unsigned char buf[4096] = { 0 };
	size_t n = 0;
	FILE *f;

#if __SIZEOF_POINTER__ == 8
	Elf64_Ehdr eh = { .e_type = ET_DYN,
			  .e_version = EV_CURRENT,
			  .e_phoff = sizeof(Elf64_Ehdr),
			  .e_ehsize = sizeof(Elf64_Ehdr),
			  .e_phentsize = sizeof(Elf64_Phdr),
			  .e_phnum = notes ? 2 : 1 };
	Elf64_Phdr ph[2] = { { .p_type = PT_LOAD },
			     { .p_type = PT_NOTE,
			       .p_offset = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr),
			       .p_filesz = notes_len } };

	eh.e_ident[EI_CLASS] = ELFCLASS64;
#else
	Elf32_Ehdr eh = { .e_type = ET_DYN,
			  .e_version = EV_CURRENT,
			  .e_phoff = sizeof(Elf32_Ehdr),
			  .e_ehsize = sizeof(Elf32_Ehdr),
			  .e_phentsize = sizeof(Elf32_Phdr),
			  .e_phnum = notes ? 2 : 1 };
	Elf32_Phdr ph[2] = { { .p_type = PT_LOAD },
			     { .p_type = PT_NOTE,
			       .p_offset = sizeof(Elf32_Ehdr) + 2 * sizeof(Elf32_Phdr),
			       .p_filesz = notes_len } };

	eh.e_ident[EI_CLASS] = ELFCLASS32;
#endif
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_DATA] = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(buf, &eh, sizeof(eh));
	n = sizeof(eh);
	memcpy(buf + n, ph, 2 * sizeof(ph[0]));
	n += 2 * sizeof(ph[0]);
	ck_assert_uint_le(n + notes_len, sizeof(buf));
	if (notes)
		memcpy(buf + n, notes, notes_len);
	n += notes_len;
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* A note: header, NAME (padded to 4), DESC (padded to 4); returns its length. */
static size_t put_note(unsigned char *out, uint32_t type, const char *name, const void *desc,
		       uint32_t desc_len)
{
	Elf32_Nhdr nh = { .n_namesz = (uint32_t)strlen(name) + 1,
			  .n_descsz = desc_len,
			  .n_type = type };
	size_t n = sizeof(nh);

	memcpy(out, &nh, sizeof(nh));
	memcpy(out + n, name, nh.n_namesz);
	n += (nh.n_namesz + 3) & ~3u;
	memcpy(out + n, desc, desc_len);
	n += (desc_len + 3) & ~3u;
	return n;
}

START_TEST(elf_build_id)
{
	static const unsigned char id[20] = { 0x93, 0xac, 0x61, 0xec, 0x5a, 0x8e, 0xb1,
					      0x39, 0x6f, 0x9f, 0xbd, 0x35, 0x0e, 0x31,
					      0x69, 0xa5, 0x58, 0x52, 0x8a, 0x40 };
	static const char hex[] = "93ac61ec5a8eb1396f9fbd350e3169a558528a40";
	unsigned char notes[256];
	struct fx *fx = fx_new();
	char *path;
	size_t n;

	/* Another vendor's note first, then the build ID. */
	n = put_note(notes, NT_GNU_ABI_TAG, "GNU", "\0\0\0\0\3\0\0\0\2\0\0\0\0\0\0\0", 16);
	n += put_note(notes + n, 0x100, "Other", id, sizeof(id));
	n += put_note(notes + n, NT_GNU_BUILD_ID, "GNU", id, sizeof(id));
	path = write_elf(fx, "libc.so.6", notes, n);
	ck_assert_int_eq(epdma_elf_build_id_matches(path, hex), 1);
	ck_assert_int_eq(
		epdma_elf_build_id_matches(path, "93AC61EC5A8EB1396F9FBD350E3169A558528A40"), 1);
	ck_assert_int_eq(
		epdma_elf_build_id_matches(path, "93ac61ec5a8eb1396f9fbd350e3169a558528a41"), 0);
	ck_assert_int_eq(epdma_elf_build_id_matches(path, "93ac61ec"), 0);
	free(path);

	/* An ID under another owner's name is not the GNU build ID. */
	n = put_note(notes, NT_GNU_BUILD_ID, "GNV", id, sizeof(id));
	path = write_elf(fx, "other-owner", notes, n);
	ck_assert_int_eq(epdma_elf_build_id_matches(path, hex), -ENODATA);
	free(path);

	path = write_elf(fx, "no-notes", NULL, 0);
	ck_assert_int_eq(epdma_elf_build_id_matches(path, hex), -ENODATA);
	free(path);

	/* A note whose descriptor runs past its segment. */
	n = put_note(notes, NT_GNU_BUILD_ID, "GNU", id, sizeof(id));
	path = write_elf(fx, "truncated-note", notes, n - 8);
	ck_assert_int_eq(epdma_elf_build_id_matches(path, hex), -ENOEXEC);
	free(path);

	/* A segment that runs past the file. */
	path = write_elf(fx, "short-file", notes, n);
	ck_assert_int_eq(truncate(path, (off_t)(sizeof(notes) / 8)), 0);
	ck_assert_int_eq(epdma_elf_build_id_matches(path, hex), -ENOEXEC);
	free(path);

	fx_write(fx, "/not-elf", "#!/bin/sh\n");
	path = strdupf("%s/not-elf", fx->root);
	ck_assert_int_eq(epdma_elf_build_id_matches(path, hex), -ENOEXEC);
	free(path);

	path = strdupf("%s/missing", fx->root);
	ck_assert_int_eq(epdma_elf_build_id_matches(path, hex), -ENOENT);
	free(path);
	fx_free(fx);
}
END_TEST

/* Real files: the linker's ID of this very test program, read two ways. */
START_TEST(elf_build_id_of_this_program)
{
	unsigned char id[64];
	char hex[2 * sizeof(id) + 1] = "", cmd[128], line[256] = "";
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), n;
	FILE *p;

	ck_assert_int_ge(fd, 0);
	n = epdma_elf_build_id(fd, id, sizeof(id));
	close(fd);
	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	ck_assert_int_eq(epdma_elf_build_id_matches("/proc/self/exe", hex), 1);
	/* The same ID as binutils reads it. */
	snprintf(cmd, sizeof(cmd), "readelf -n /proc/%d/exe 2>/dev/null", (int)getpid());
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "Build ID: "))
			break;
	pclose(p);
	ck_assert_msg(strstr(line, hex), "readelf says '%s', we read %s", line, hex);
}
END_TEST

static Suite *dl_suite(void)
{
	Suite *s = suite_create("dl");
	TCase *tc = tcase_create("dl");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, endpoint_commands_map_no_host_library);
#ifdef EPDMA_STATIC_DEPS
	tcase_add_test(tc, static_deps_are_not_mapped);
#endif
	tcase_add_test(tc, host_check_loads_libpci_and_libkmod);
	tcase_add_test(tc, module_load_loads_libkmod);
	tcase_add_test(tc, missing_library_is_named);
	tcase_add_test(tc, missing_symbol_is_named);
	tcase_add_test(tc, pci_errors_stay_in_their_thread);
	tcase_add_test(tc, refused_library_is_named);
	tcase_add_test(tc, elf_build_id);
	tcase_add_test(tc, elf_build_id_of_this_program);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run_suite(dl_suite());
}
