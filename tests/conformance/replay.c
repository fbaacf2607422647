// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epdma-replay: runs the configfs/sysfs commands of a real-kernel transcript
 * (shared/docs/real-kernel-transcript.txt) against the fixture tree with the
 * fake kernel preloaded, and rebuilds the transcript from what happened:
 * each command with " -> ERRNO" when it failed, the kernel log lines seen
 * during the command that follows them, and read-back lines from a
 * label -> path table. The first line that differs is reported.
 *
 *   epdma-replay TRANSCRIPT      replay and compare (exit 0 = identical)
 *   epdma-replay -c CMD...       run commands, print the transcript lines
 *
 * Environment: EPDMA_FAKE_ROOT (the fixture root). The working directory is
 * <root>/sys/kernel/config/pci_ep, as in the transcript; "/sys/..." paths
 * are taken below the root. Besides the transcript's commands, -c knows
 * "mount -t configfs none /sys/kernel/config", "insmod FILE [PARAMS]"
 * (finit_module through syscall(), as libkmod does), "insmod-mem FILE",
 * "rmmod NAME", "cat PATH", "ls PATH" and "sleep MS".
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <spawn.h>
#include <sys/wait.h>
#include <limits.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define EPC	  "e65d0000.pcie-ep"
#define DMA0_SUB  "functions/pci_epf_dma/dma0/pci_epf_dma.*"
#define VNTB0_SUB "functions/pci_epf_vntb/vntb0/pci_epf_vntb.*"

static const char *root;
static size_t kmsg_mark;     /* offset in dev/kmsg before the last command */
static char last_log[16384]; /* kernel log texts of the last command, '\n'-separated */

static const char *errno_name(int e)
{
	static const struct {
		int e;
		const char *n;
	} t[] = {
		{ EPERM, "EPERM" },	      { ENOENT, "ENOENT" },	{ EIO, "EIO" },
		{ ENOMEM, "ENOMEM" },	      { EACCES, "EACCES" },	{ EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" },	      { ENOTDIR, "ENOTDIR" },	{ EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" },	      { ERANGE, "ERANGE" },	{ ENOTEMPTY, "ENOTEMPTY" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EALREADY, "EALREADY" }, { ENODEV, "ENODEV" },
		{ ENOEXEC, "ENOEXEC" },	      { EAGAIN, "EAGAIN" },	{ EFAULT, "EFAULT" },
		{ EBADF, "EBADF" },	      { ENOSPC, "ENOSPC" },	{ ETIMEDOUT, "ETIMEDOUT" },
	};
	static char buf[16];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].e == e)
			return t[i].n;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* A transcript path: "/sys/..." is below the root, others relative to cwd. */
static void path_of(const char *p, char *out, size_t size)
{
	if (p[0] == '/')
		snprintf(out, size, "%s%s", root, p);
	else
		snprintf(out, size, "%s", p);
}

static char *slurp(const char *path, size_t *len)
{
	static char buf[1 << 18];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	size_t got = 0;

	buf[0] = '\0';
	if (len)
		*len = 0;
	if (fd < 0)
		return NULL;
	while (got < sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	if (len)
		*len = got;
	return buf;
}

static void kmsg_begin(void)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/dev/kmsg", root);
	kmsg_mark = stat(p, &st) == 0 ? (size_t)st.st_size : 0;
}

/* Texts (after ';') of the records added since kmsg_begin(). */
static void kmsg_end(void)
{
	char p[PATH_MAX];
	size_t len, out = 0;
	char *buf;

	snprintf(p, sizeof(p), "%s/dev/kmsg", root);
	buf = slurp(p, &len);
	last_log[0] = '\0';
	if (!buf || len <= kmsg_mark)
		return;
	for (char *line = buf + kmsg_mark; line && *line;) {
		char *nl = strchr(line, '\n'), *semi;

		if (nl)
			*nl = '\0';
		semi = strchr(line, ';');
		if (semi && line[0] != ' ')
			out += (size_t)snprintf(last_log + out, sizeof(last_log) - out, "%s\n",
						semi + 1);
		line = nl ? nl + 1 : NULL;
	}
}

static bool log_has(const char *text)
{
	for (const char *s = last_log; *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		if (n == strlen(text) && !strncmp(s, text, n))
			return true;
		s = nl ? nl + 1 : s + n;
	}
	return false;
}

static bool matches(const char *re, const char *text)
{
	regex_t r;
	bool ok;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB | REG_NEWLINE))
		return false;
	ok = regexec(&r, text, 0, NULL, 0) == 0;
	regfree(&r);
	return ok;
}

/* "$(ls -d PATTERN)" expands to the match (the transcript's one use). */
static void expand(const char *in, char *out, size_t size)
{
	const char *s = strstr(in, "$(ls -d ");
	const char *e = s ? strchr(s, ')') : NULL;
	char pat[PATH_MAX];
	glob_t g;

	if (!s || !e) {
		snprintf(out, size, "%s", in);
		return;
	}
	snprintf(pat, sizeof(pat), "%.*s", (int)(e - s - 8), s + 8);
	if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc == 1)
		snprintf(out, size, "%.*s%s%s", (int)(s - in), in, g.gl_pathv[0], e + 1);
	else
		snprintf(out, size, "%.*s%s%s", (int)(s - in), in, pat, e + 1);
	globfree(&g);
}

static int do_echo(const char *args)
{
	const char *gt = strstr(args, " > ");
	char val[4096], path[PATH_MAX], buf[4200];
	ssize_t n;
	int fd, err;

	if (!gt)
		return EINVAL;
	snprintf(val, sizeof(val), "%.*s", (int)(gt - args), args);
	path_of(gt + 3, path, sizeof(path));
	/* The shell: open with O_TRUNC, then echo's single write(2). */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return errno;
	snprintf(buf, sizeof(buf), "%s\n", val);
	n = write(fd, buf, strlen(buf));
	err = n < 0 ? errno : 0;
	close(fd);
	return err;
}

static int do_ln(const char *args)
{
	char target[PATH_MAX], link[PATH_MAX], lp[PATH_MAX];
	const char *base;

	if (sscanf(args, "%4095s %4095s", target, link) != 2)
		return EINVAL;
	path_of(link, lp, sizeof(lp));
	if (lp[strlen(lp) - 1] == '/') {
		base = strrchr(target, '/');
		strncat(lp, base ? base + 1 : target, sizeof(lp) - strlen(lp) - 1);
	}
	return symlink(target, lp) < 0 ? errno : 0;
}

static int do_test(const char *args)
{
	bool neg = !strncmp(args, "! ", 2);
	char flag[8], p[PATH_MAX], path[PATH_MAX];
	struct stat st;
	bool ok;

	if (neg)
		args += 2;
	if (sscanf(args, "%7s %4095s", flag, p) != 2)
		return EINVAL;
	path_of(p, path, sizeof(path));
	ok = stat(path, &st) == 0 && (strcmp(flag, "-d") || S_ISDIR(st.st_mode));
	return ok != neg ? 0 : -1;
}

static int do_module(const char *verb, const char *args)
{
	char file[PATH_MAX], path[PATH_MAX];
	const char *params = "";
	int fd;
	long r;

	if (!strcmp(verb, "rmmod"))
		return syscall(SYS_delete_module, args, O_NONBLOCK) < 0 ? errno : 0;
	if (sscanf(args, "%4095s", file) != 1)
		return EINVAL;
	if (strchr(args, ' '))
		params = strchr(args, ' ') + 1;
	path_of(file, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (!strcmp(verb, "insmod")) {
		r = syscall(SYS_finit_module, fd, params, 0);
	} else {
		size_t len = 0;
		char *img = slurp(path, &len);

		r = syscall(SYS_init_module, img, len, params);
	}
	close(fd);
	return r < 0 ? errno : 0;
}

static void list_dir(const char *path, char *out, size_t size, bool trailing)
{
	char pat[PATH_MAX];
	glob_t g;
	size_t len = 0;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "%s/*", path);
	if (glob(pat, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					strrchr(g.gl_pathv[i], '/') + 1,
					trailing || i + 1 < g.gl_pathc ? " " : "");
	globfree(&g);
}

/* The contents of file PATH (already below the root), one newline removed. */
static void read_abs_value(const char *path, char *out, size_t size)
{
	char *v = slurp(path, NULL);

	snprintf(out, size, "%s", v ? v : "(missing)");
	if (*out && out[strlen(out) - 1] == '\n')
		out[strlen(out) - 1] = '\0';
}

/* A transcript path, glob patterns allowed (one match). */
static void read_value(const char *p, char *out, size_t size)
{
	char path[PATH_MAX];
	glob_t g;

	path_of(p, path, sizeof(path));
	if (glob(path, 0, NULL, &g) == 0 && g.gl_pathc == 1)
		snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
	globfree(&g);
	read_abs_value(path, out, size);
}

/* Run one command line; returns the transcript line for it. */
static void run_command(const char *line, char *out, size_t size)
{
	char cmd[PATH_MAX * 2], path[PATH_MAX];
	int err = 0;

	expand(line, cmd, sizeof(cmd));
	kmsg_begin();
	if (!strncmp(cmd, "mkdir ", 6)) {
		path_of(cmd + 6, path, sizeof(path));
		err = mkdir(path, 0755) < 0 ? errno : 0;
	} else if (!strncmp(cmd, "rmdir ", 6)) {
		path_of(cmd + 6, path, sizeof(path));
		err = rmdir(path) < 0 ? errno : 0;
	} else if (!strncmp(cmd, "rm ", 3)) {
		path_of(cmd + 3, path, sizeof(path));
		err = unlink(path) < 0 ? errno : 0;
	} else if (!strncmp(cmd, "echo ", 5)) {
		err = do_echo(cmd + 5);
	} else if (!strncmp(cmd, "ln -s ", 6)) {
		err = do_ln(cmd + 6);
	} else if (!strncmp(cmd, "test ", 5)) {
		err = do_test(cmd + 5);
	} else if (!strncmp(cmd, "mount ", 6)) {
		path_of("/sys/kernel/config", path, sizeof(path));
		err = mount("none", path, "configfs", 0, NULL) < 0 ? errno : 0;
	} else if (!strncmp(cmd, "insmod ", 7) || !strncmp(cmd, "insmod-mem ", 11)) {
		err = do_module(cmd[6] == ' ' ? "insmod" : "insmod-mem", strchr(cmd, ' ') + 1);
	} else if (!strncmp(cmd, "rmmod ", 6)) {
		err = do_module("rmmod", cmd + 6);
	} else if (!strncmp(cmd, "sleep ", 6)) {
		struct timespec ts = { 0, atol(cmd + 6) * 1000000L };

		nanosleep(&ts, NULL);
	}
	kmsg_end();
	if (err > 0)
		snprintf(out, size, "%s -> %s", line, errno_name(err));
	else if (err < 0)
		snprintf(out, size, "%s -> false", line);
	else
		snprintf(out, size, "%s", line);
}

static const char *const commands[] = { "mkdir ",      "rmdir ", "rm ",	   "echo ",
					"ln -s ",      "test ",	 "mount ", "insmod ",
					"insmod-mem ", "rmmod ", "sleep ", NULL };

static bool is_command(const char *line)
{
	for (size_t i = 0; commands[i]; i++)
		if (!strncmp(line, commands[i], strlen(commands[i])))
			return true;
	return false;
}

/* ---- read-back lines: label -> how to read it ---- */

enum how {
	FILE_VALUE,
	LIST,
	LIST_TRAILING,
	EXISTS,
	COUNT_IFACES,
	LINK_TARGET,
	SIZE,
	HEXBYTES,
	HEX_PLAIN,
	STRING,
	BASENAME,
	PCI_ID,
	PLATFORM_DEVS,
	UEVENT
};

static const struct readback {
	const char *label;
	enum how how;
	const char *path;
} table[] = {
	{ "controllers/" EPC " contents", LIST, "controllers/" EPC },
	{ "of_node target", LINK_TARGET, "/sys/class/pci_epc/" EPC "/device/of_node" },
	{ "of_node/max-functions size", SIZE,
	  "/sys/class/pci_epc/" EPC "/device/of_node/max-functions" },
	{ "of_node/max-functions", HEXBYTES,
	  "/sys/class/pci_epc/" EPC "/device/of_node/max-functions" },
	{ "of_node/compatible", STRING, "/sys/class/pci_epc/" EPC "/device/of_node/compatible" },
	{ "platform devices for the node", PLATFORM_DEVS,
	  "/sys/class/pci_epc/" EPC "/device/of_node" },
	{ "/proc/device-tree alias", HEX_PLAIN,
	  "/proc/device-tree/pcie-ep@e65d0000/max-functions" },
	{ "platform uevent", UEVENT, "/sys/class/pci_epc/" EPC "/device/uevent" },
	{ "vntb subgroup", BASENAME, VNTB0_SUB },
	{ "dma subgroup", BASENAME, DMA0_SUB },
	{ "EPF device of dma0 exists", EXISTS, "/sys/bus/pci-epf/devices/@DMA0@" },
	{ "dma0 subgroup attributes", LIST_TRAILING, DMA0_SUB },
	{ "dma0 has primary/ and secondary/", COUNT_IFACES, "functions/pci_epf_dma/dma0" },
	{ "dma vendorid", FILE_VALUE, "functions/pci_epf_dma/dma0/vendorid" },
	{ "dma deviceid", FILE_VALUE, "functions/pci_epf_dma/dma0/deviceid" },
	{ "dma baseclass_code", FILE_VALUE, "functions/pci_epf_dma/dma0/baseclass_code" },
	{ "dma subclass_code", FILE_VALUE, "functions/pci_epf_dma/dma0/subclass_code" },
	{ "dma interrupt_pin", FILE_VALUE, "functions/pci_epf_dma/dma0/interrupt_pin" },
	{ "dma metadata_bar", FILE_VALUE, DMA0_SUB "/metadata_bar" },
	{ "dma dma_window_bar", FILE_VALUE, DMA0_SUB "/dma_window_bar" },
	{ "dma wr_chans", FILE_VALUE, DMA0_SUB "/wr_chans" },
	{ "dma rd_chans", FILE_VALUE, DMA0_SUB "/rd_chans" },
	{ "metadata_bar after 0x5", FILE_VALUE, DMA0_SUB "/metadata_bar" },
	{ "vntb default vendorid", FILE_VALUE, "functions/pci_epf_vntb/vntb0/vendorid" },
	{ "vntb default deviceid", FILE_VALUE, "functions/pci_epf_vntb/vntb0/deviceid" },
	{ "vntb default baseclass_code", FILE_VALUE,
	  "functions/pci_epf_vntb/vntb0/baseclass_code" },
	{ "vntb vendorid unchanged", FILE_VALUE, "functions/pci_epf_vntb/vntb0/vendorid" },
	{ "vntb_vid reads back in decimal", FILE_VALUE, VNTB0_SUB "/vntb_vid" },
	{ "start reads", FILE_VALUE, "controllers/" EPC "/start" },
	{ "start reads 0", FILE_VALUE, "controllers/" EPC "/start" },
	{ "auto metadata_bar written back", FILE_VALUE, DMA0_SUB "/metadata_bar" },
	{ "auto dma_window_bar written back", FILE_VALUE, DMA0_SUB "/dma_window_bar" },
	{ "metadata_bar kept after unbind", FILE_VALUE, DMA0_SUB "/metadata_bar" },
	{ "dma_window_bar kept after unbind", FILE_VALUE, DMA0_SUB "/dma_window_bar" },
	{ "EP-side vNTB PCI device", PCI_ID, "/sys/bus/pci/devices/0000:10:00.0" },
	{ "EP-side vNTB driver", BASENAME, "/sys/bus/pci/devices/0000:10:00.0/driver" },
	{ "wr_chans still readable", FILE_VALUE, DMA0_SUB "/wr_chans" },
	{ "no link left", LIST, "controllers/" EPC },
	/* The first bind of the second boot used the default vbus_number 0xff. */
	{ "virtual bus of the first bind still there", EXISTS, "/sys/class/pci_bus/0000:ff" },
	{ "second virtual bus", EXISTS, "/sys/class/pci_bus/0000:20" },
};

static void glob1(const char *p, char *out, size_t size)
{
	char path[PATH_MAX];
	glob_t g;

	path_of(p, path, sizeof(path));
	snprintf(out, size, "%s", path);
	if (glob(path, 0, NULL, &g) == 0 && g.gl_pathc == 1)
		snprintf(out, size, "%s", g.gl_pathv[0]);
	globfree(&g);
}

static void readback(const struct readback *rb, char *out, size_t size)
{
	char path[PATH_MAX], real[PATH_MAX], tmp[PATH_MAX];
	struct stat st;
	size_t len = 0, n;
	char *data;

	glob1(rb->path, path, sizeof(path));
	out[0] = '\0';
	switch (rb->how) {
	case FILE_VALUE:
		read_abs_value(path, out, size);
		break;
	case LIST:
	case LIST_TRAILING:
		list_dir(path, out, size, rb->how == LIST_TRAILING);
		break;
	case EXISTS:
		if (strstr(rb->path, "@DMA0@")) {
			glob1(DMA0_SUB, tmp, sizeof(tmp));
			snprintf(path, sizeof(path), "%s/sys/bus/pci-epf/devices/%s", root,
				 strrchr(tmp, '/') + 1);
		}
		snprintf(out, size, "%d", lstat(path, &st) == 0);
		break;
	case COUNT_IFACES:
		snprintf(tmp, sizeof(tmp), "%s/primary", path);
		n = stat(tmp, &st) == 0 && S_ISDIR(st.st_mode);
		snprintf(tmp, sizeof(tmp), "%s/secondary", path);
		n += stat(tmp, &st) == 0 && S_ISDIR(st.st_mode);
		snprintf(out, size, "%zu", n);
		break;
	case LINK_TARGET:
		if (realpath(path, real))
			snprintf(out, size, "%s",
				 strncmp(real, root, strlen(root)) ? real : real + strlen(root));
		break;
	case SIZE:
		snprintf(out, size, "%lld", stat(path, &st) == 0 ? (long long)st.st_size : -1LL);
		break;
	case HEXBYTES:
	case HEX_PLAIN:
		data = slurp(path, &n);
		for (size_t i = 0; data && i < n; i++)
			len += (size_t)snprintf(out + len, size - len,
						rb->how == HEXBYTES ? "0x%02x" : "%02x",
						(unsigned char)data[i]);
		break;
	case STRING:
		data = slurp(path, NULL);
		snprintf(out, size, "%s", data ? data : "");
		break;
	case BASENAME: {
		char *slash;

		if (!realpath(path, real))
			snprintf(real, sizeof(real), "%s", path);
		slash = strrchr(real, '/');
		snprintf(out, size, "%s", slash ? slash + 1 : real);
		break;
	}
	case PCI_ID: {
		char v[32], d[32];

		snprintf(tmp, sizeof(tmp), "%s/vendor", path);
		read_abs_value(tmp, v, sizeof(v));
		snprintf(tmp, sizeof(tmp), "%s/device", path);
		read_abs_value(tmp, d, sizeof(d));
		snprintf(out, size, "%s:%s", v, d);
		break;
	}
	case PLATFORM_DEVS: {
		char node[PATH_MAX], pat[PATH_MAX];
		glob_t g;

		n = 0;
		if (realpath(path, node)) {
			snprintf(pat, sizeof(pat), "%s/sys/bus/platform/devices/*/of_node", root);
			if (glob(pat, 0, NULL, &g) == 0) {
				for (size_t i = 0; i < g.gl_pathc; i++)
					n += realpath(g.gl_pathv[i], real) && !strcmp(real, node);
				globfree(&g);
			}
		}
		snprintf(out, size, "%zu", n);
		break;
	}
	case UEVENT:
		data = slurp(path, NULL);
		snprintf(out, size, "%s", data ? data : "");
		for (char *s = out; *s; s++)
			if (*s == '\n')
				*s = ' ';
		break;
	}
}

/* "label = value", "label ~ /re/" or "text (kernel log /re/)"; false if unknown. */
static bool check_readback(const char *line, char *out, size_t size)
{
	const char *kl = strstr(line, " (kernel log /");
	char value[8192];

	if (kl) {
		char re[512];
		size_t n = strlen(kl + 14);

		snprintf(re, sizeof(re), "%.*s", (int)(n >= 2 ? n - 2 : 0), kl + 14);
		if (matches(re, last_log))
			snprintf(out, size, "%s", line);
		else
			snprintf(out, size, "%.*s (kernel log has no /%s/)", (int)(kl - line), line,
				 re);
		return true;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		size_t l = strlen(table[i].label);

		if (strncmp(line, table[i].label, l))
			continue;
		if (!strncmp(line + l, " = ", 3)) {
			readback(&table[i], value, sizeof(value));
			snprintf(out, size, "%s = %s", table[i].label, value);
			return true;
		}
		if (!strncmp(line + l, " ~ /", 4)) {
			char re[512];
			size_t n = strlen(line + l + 4);

			snprintf(re, sizeof(re), "%.*s", (int)(n ? n - 1 : 0), line + l + 4);
			readback(&table[i], value, sizeof(value));
			if (matches(re, value))
				snprintf(out, size, "%s", line);
			else
				snprintf(out, size, "%s ~ got \"%s\"", table[i].label, value);
			return true;
		}
	}
	return false;
}

/* ---- reboots ---- */

/*
 * Sections of the transcript that start on a freshly booted machine. The
 * evidence: "link, start, stop, unlink, rmdir" makes vntb0 again while the
 * first boot's vntb0 is still linked (nothing removed it), and the kernel
 * log timestamps restart (1.84 s in the first boot, 1.08 s after it).
 */
static const char *const reboot_sections[] = {
	"=== link, start, stop, unlink, rmdir",
	NULL,
};

extern char **environ;

/* Run ARGV without the fake kernel (plain cp/rm on the fixture tree). */
static int run_plain(char *const argv[])
{
	char *env[] = { "PATH=/usr/bin:/bin", NULL };
	pid_t pid;
	int st;

	if (posix_spawn(&pid, argv[0], NULL, NULL, argv, env))
		return -1;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static char snapshot[PATH_MAX];

/* The machine as it booted: copied once before the first command. */
static int boot_snapshot(void)
{
	const char *state = getenv("EPDMA_FAKE_STATE");
	char *rm[] = { "/bin/rm", "-rf", snapshot, NULL };
	char *cp[] = { "/bin/cp", "-a", (char *)root, snapshot, NULL };

	if (!state)
		return -1;
	snprintf(snapshot, sizeof(snapshot), "%s/replay-boot", state);
	run_plain(rm);
	return run_plain(cp);
}

/* A new boot: the tree as it booted, and a fake kernel with no state
 * (config and oplog stay: they belong to the test). */
static int reboot(void)
{
	const char *state = getenv("EPDMA_FAKE_STATE");
	char src[PATH_MAX + 4], st[PATH_MAX], cwd[PATH_MAX];
	char *rm[] = { "/bin/rm", "-rf", (char *)root, NULL };
	char *cp[] = { "/bin/cp", "-a", snapshot, (char *)root, NULL };
	char *rmst[] = { "/bin/rm", "-f", st, NULL };
	char boot[PATH_MAX];
	char *rmboot[] = { "/bin/rm", "-f", boot, NULL };

	snprintf(src, sizeof(src), "%s", snapshot);
	if (chdir("/") < 0 || run_plain(rm) || run_plain(cp))
		return -1;
	snprintf(st, sizeof(st), "%s/state", state);
	run_plain(rmst);
	snprintf(boot, sizeof(boot), "%s/boot", state);
	run_plain(rmboot);
	snprintf(cwd, sizeof(cwd), "%s/sys/kernel/config/pci_ep", root);
	return chdir(cwd) < 0 && chdir(root) < 0 ? -1 : 0;
}

/* ---- replay ---- */

struct pending_log {
	char lines[8][512];
	size_t n;
};

static int replay(const char *transcript)
{
	FILE *f = fopen(transcript, "re");
	char line[8192], got[16384];
	struct pending_log pl = { .n = 0 };
	unsigned int lineno = 0, checked = 0;

	if (!f) {
		fprintf(stderr, "epdma-replay: %s: %m\n", transcript);
		return 2;
	}
	if (boot_snapshot() < 0) {
		fprintf(stderr, "epdma-replay: cannot snapshot %s\n", root);
		fclose(f);
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		/* The transcript mixes CRLF and LF line ends. */
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (!strncmp(line, "=== ", 4)) {
			for (size_t i = 0; reboot_sections[i]; i++) {
				if (strcmp(line, reboot_sections[i]))
					continue;
				if (reboot() < 0) {
					printf("line %u: reboot failed\n", lineno);
					fclose(f);
					return 1;
				}
			}
			continue;
		}
		if (line[0] == '[') {
			const char *text = strstr(line, "] ");

			if (pl.n < 8)
				snprintf(pl.lines[pl.n++], sizeof(pl.lines[0]), "%s",
					 text ? text + 2 : line);
			continue;
		}
		if (is_command(line)) {
			char cmd[8192];
			char *arrow;

			snprintf(cmd, sizeof(cmd), "%s", line);
			arrow = strstr(cmd, " -> ");
			if (arrow)
				*arrow = '\0';
			run_command(cmd, got, sizeof(got));
			for (size_t i = 0; i < pl.n; i++) {
				if (log_has(pl.lines[i]))
					continue;
				printf("line %u: kernel log line missing during \"%s\":\n  "
				       "expected: %s\n"
				       "  logged:\n%s",
				       lineno, line, pl.lines[i], last_log);
				fclose(f);
				return 1;
			}
			pl.n = 0;
		} else if (!check_readback(line, got, sizeof(got))) {
			printf("line %u: no rule for this line: %s\n", lineno, line);
			fclose(f);
			return 1;
		}
		checked++;
		if (strcmp(got, line)) {
			printf("line %u differs:\n  expected: %s\n  got:      %s\n", lineno, line,
			       got);
			if (last_log[0])
				printf("  kernel log of the last command:\n%s", last_log);
			fclose(f);
			return 1;
		}
	}
	fclose(f);
	printf("%u lines reproduced\n", checked);
	return 0;
}

static int run_args(int argc, char **argv)
{
	char got[16384];

	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "cat ", 4)) {
			read_value(argv[i] + 4, got, sizeof(got));
			printf("%s = %s\n", argv[i] + 4, got);
		} else if (!strncmp(argv[i], "ls ", 3)) {
			char path[PATH_MAX];

			path_of(argv[i] + 3, path, sizeof(path));
			list_dir(path, got, sizeof(got), false);
			printf("%s = %s\n", argv[i] + 3, got);
		} else if (is_command(argv[i])) {
			run_command(argv[i], got, sizeof(got));
			printf("%s\n", got);
		} else if (check_readback(argv[i], got, sizeof(got))) {
			printf("%s\n", got);
		} else {
			fprintf(stderr, "epdma-replay: unknown command: %s\n", argv[i]);
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char cwd[PATH_MAX];

	root = getenv("EPDMA_FAKE_ROOT");
	if (!root || argc < 2) {
		fprintf(stderr, "usage: EPDMA_FAKE_ROOT=DIR epdma-replay TRANSCRIPT | -c CMD...\n");
		return 2;
	}
	snprintf(cwd, sizeof(cwd), "%s/sys/kernel/config/pci_ep", root);
	if (chdir(cwd) < 0 && chdir(root) < 0) {
		fprintf(stderr, "epdma-replay: %s: %m\n", root);
		return 2;
	}
	if (!strcmp(argv[1], "-c"))
		return run_args(argc - 2, argv + 2);
	return replay(argv[1]);
}
