// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epdma-hostop: the host-side file operations the fake kernel's tests need
 * and epdma-replay does not speak (mmap, read of a BAR, a write without a
 * newline), run with the fake kernel preloaded. Paths are below
 * $EPDMA_FAKE_ROOT. One output line per command:
 *   mmap PATH LEN    -> "mmap PATH = <first 8 bytes, hex>" or "mmap PATH -> ERRNO"
 *   read PATH        -> "read PATH = <n>" or "read PATH -> ERRNO"
 *   write PATH TEXT  -> "write PATH" or "write PATH -> ERRNO" (TEXT as is, \\n a newline)
 *   show PATH        -> "PATH = <content, newlines as \n>"
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *path_of(const char *p)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s%s", getenv("EPDMA_FAKE_ROOT"), p);
	return buf;
}

static void do_mmap(const char *p, size_t len)
{
	int fd = open(path_of(p), O_RDWR | O_CLOEXEC);
	unsigned char *m;

	if (fd < 0) {
		printf("mmap %s -> %s\n", p, strerrorname_np(errno));
		return;
	}
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		printf("mmap %s -> %s\n", p, strerrorname_np(errno));
	} else {
		printf("mmap %s =", p);
		for (int i = 0; i < 8 && (size_t)i < len; i++)
			printf(" %02x", m[i]);
		printf("\n");
		munmap(m, len);
	}
	close(fd);
}

static void do_read(const char *p)
{
	char buf[64];
	int fd = open(path_of(p), O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (n < 0)
		printf("read %s -> %s\n", p, strerrorname_np(errno));
	else
		printf("read %s = %zd\n", p, n);
	if (fd >= 0)
		close(fd);
}

/* TEXT with "\\n" turned into a newline. */
static void do_write(const char *p, const char *arg)
{
	char text[1024];
	size_t len = 0;
	ssize_t n;
	int fd;

	for (const char *s = arg; *s && len < sizeof(text) - 1; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			text[len++] = '\n';
			s++;
		} else {
			text[len++] = *s;
		}
	}
	text[len] = '\0';
	fd = open(path_of(p), O_WRONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : write(fd, text, len);

	if (n < 0)
		printf("write %s -> %s\n", p, strerrorname_np(errno));
	else
		printf("write %s\n", p);
	if (fd >= 0)
		close(fd);
}

static void do_show(const char *p)
{
	char buf[4096];
	int fd = open(path_of(p), O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (n < 0) {
		printf("%s -> %s\n", p, strerrorname_np(errno));
	} else {
		printf("%s = ", p);
		for (ssize_t i = 0; i < n; i++)
			printf(buf[i] == '\n' ? "\\n" : "%c", buf[i]);
		printf("\n");
	}
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	if (!getenv("EPDMA_FAKE_ROOT"))
		return 2;
	for (int i = 1; i < argc; i++) {
		char cmd[16], p[PATH_MAX], arg[1024] = "";

		if (sscanf(argv[i], "%15s %4095s %1023[^\n]", cmd, p, arg) < 2)
			return 2;
		if (!strcmp(cmd, "mmap"))
			do_mmap(p, strtoul(arg, NULL, 0));
		else if (!strcmp(cmd, "read"))
			do_read(p);
		else if (!strcmp(cmd, "write"))
			do_write(p, arg);
		else if (!strcmp(cmd, "show"))
			do_show(p);
		else
			return 2;
	}
	return 0;
}
