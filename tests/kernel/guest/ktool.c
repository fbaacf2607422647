// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ktool: the one system-call helper of the guest test system (busybox has
 * no way to report an errno by name, to mmap a file, or to write an I/O port).
 * Statically linked into the initramfs.
 *
 *   ktool write PATH VALUE        one write(2) of "VALUE\n" (as echo does)
 *   ktool symlink TARGET LINK     symlink(2), paths used as given
 *   ktool mkdir PATH | rmdir PATH | unlink PATH
 *   ktool read PATH LEN [OFF]     pread(2); prints the bytes in hex
 *   ktool mmap PATH LEN [OFF]     mmap(2) shared, prints LEN bytes in hex
 *   ktool mmap-write PATH OFF HEX mmap(2) shared, stores the bytes
 *   ktool kmsg-seq                prints the sequence number of the next record
 *   ktool kmsg SEQ [LEVEL]        prints records from SEQ on (priority <= LEVEL,
 *                                 default 7) as "[    s.uuuuuu] text"
 *   ktool exit CODE               writes CODE to isa-debug-exit (port 0xf4)
 *   ktool packet-send IF HEX      one Ethernet frame (HEX: the whole frame,
 *                                 header included) sent on interface IF
 *                                 through an AF_PACKET raw socket
 *
 * Success: exit 0. A failed system call prints its errno name (EINVAL) on
 * stdout and exits 1; usage errors exit 2.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(void)
{
	const char *name = strerrorname_np(errno);

	if (name)
		printf("%s\n", name);
	else
		printf("E%d\n", errno);
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "ktool: bad usage (see the source)\n");
	return 2;
}

static unsigned long num(const char *s)
{
	return strtoul(s, NULL, 0);
}

static void print_hex(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static int cmd_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	char *buf = malloc(len + 2);
	int fd, ret = 0;

	if (!buf)
		return fail();
	memcpy(buf, value, len);
	buf[len++] = '\n';
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return fail();
	if (write(fd, buf, len) < 0)
		ret = fail();
	else if (close(fd) < 0)
		return fail();
	free(buf);
	return ret;
}

static int cmd_read(const char *path, size_t len, off_t off)
{
	unsigned char *buf = malloc(len);
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf)
		return fail();
	n = pread(fd, buf, len, off);
	if (n < 0)
		return fail();
	print_hex(buf, n);
	return 0;
}

static void *map(const char *path, size_t len, off_t off, int prot)
{
	long page = sysconf(_SC_PAGESIZE);
	off_t base = off & ~(off_t)(page - 1);
	unsigned char *p;
	int fd;

	fd = open(path, prot & PROT_WRITE ? O_RDWR : O_RDONLY);
	if (fd < 0)
		return NULL;
	p = mmap(NULL, len + (off - base), prot, MAP_SHARED, fd, base);
	if (p == MAP_FAILED)
		return NULL;
	return p + (off - base);
}

static int cmd_mmap(const char *path, size_t len, off_t off)
{
	unsigned char *p = map(path, len, off, PROT_READ);

	if (!p)
		return fail();
	print_hex(p, len);
	return 0;
}

/* The LEN bytes HEX spells into OUT, a byte at a time (OUT may be a mapped BAR);
 * false when HEX is not hex. */
static bool hex_decode(const char *hex, volatile unsigned char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned int byte;

		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return false;
		out[i] = byte;
	}
	return true;
}

static int cmd_mmap_write(const char *path, off_t off, const char *hex)
{
	size_t len = strlen(hex) / 2;
	volatile unsigned char *p = map(path, len, off, PROT_READ | PROT_WRITE);

	if (!p)
		return fail();
	return hex_decode(hex, p, len) ? 0 : usage();
}

/* /dev/kmsg: one record per read(2); EPIPE = records lost, go on. */
static int kmsg_open(void)
{
	return open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
}

static int cmd_kmsg(unsigned long long from, int level, int seq_only)
{
	char rec[8192];
	unsigned long long next = 0;
	int fd = kmsg_open();

	if (fd < 0)
		return fail();
	for (;;) {
		unsigned long long seq, usec;
		unsigned int prio;
		char *text, *nl;
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && errno == EPIPE)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			return fail();
		rec[n] = '\0';
		if (sscanf(rec, "%u,%llu,%llu,", &prio, &seq, &usec) != 3)
			continue;
		next = seq + 1;
		text = strchr(rec, ';');
		if (seq_only || seq < from || (int)(prio & 7) > level || !text)
			continue;
		nl = strchr(++text, '\n');
		if (nl)
			*nl = '\0';
		printf("[%5llu.%06llu] %s\n", usec / 1000000, usec % 1000000, text);
	}
	if (seq_only)
		printf("%llu\n", next);
	return 0;
}

/* The frame HEX on interface IFNAME (its index from sysfs: no name lookup
 * through an inet socket, the guest kernel has no INET). */
static int cmd_packet_send(const char *ifname, const char *hex)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET };
	size_t len = strlen(hex) / 2;
	unsigned char frame[2048];
	char path[128], idx[32];
	ssize_t n;
	int fd;

	if (len < 14 || len > sizeof(frame) || strlen(hex) % 2 || !hex_decode(hex, frame, len))
		return usage();
	snprintf(path, sizeof(path), "/sys/class/net/%s/ifindex", ifname);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail();
	n = read(fd, idx, sizeof(idx) - 1);
	if (n <= 0)
		return fail();
	idx[n] = '\0';
	close(fd);
	to.sll_ifindex = (int)num(idx);
	to.sll_halen = 6;
	memcpy(to.sll_addr, frame, 6);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return fail();
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return fail();
	close(fd);
	return 0;
}

/* QEMU exits with status (CODE << 1) | 1. */
static int cmd_exit(unsigned int code)
{
	if (ioperm(0xf4, 4, 1) < 0)
		return fail();
	outl(code, 0xf4);
	return 1;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "write") && argc == 4)
		return cmd_write(argv[2], argv[3]);
	if (!strcmp(cmd, "symlink") && argc == 4)
		return symlink(argv[2], argv[3]) ? fail() : 0;
	if (!strcmp(cmd, "mkdir") && argc == 3)
		return mkdir(argv[2], 0755) ? fail() : 0;
	if (!strcmp(cmd, "rmdir") && argc == 3)
		return rmdir(argv[2]) ? fail() : 0;
	if (!strcmp(cmd, "unlink") && argc == 3)
		return unlink(argv[2]) ? fail() : 0;
	if (!strcmp(cmd, "read") && (argc == 4 || argc == 5))
		return cmd_read(argv[2], num(argv[3]), argc == 5 ? num(argv[4]) : 0);
	if (!strcmp(cmd, "mmap") && (argc == 4 || argc == 5))
		return cmd_mmap(argv[2], num(argv[3]), argc == 5 ? num(argv[4]) : 0);
	if (!strcmp(cmd, "mmap-write") && argc == 5)
		return cmd_mmap_write(argv[2], num(argv[3]), argv[4]);
	if (!strcmp(cmd, "kmsg-seq") && argc == 2)
		return cmd_kmsg(0, 7, 1);
	if (!strcmp(cmd, "kmsg") && (argc == 3 || argc == 4))
		return cmd_kmsg(strtoull(argv[2], NULL, 0), argc == 4 ? (int)num(argv[3]) : 7, 0);
	if (!strcmp(cmd, "exit") && argc == 3)
		return cmd_exit(num(argv[2]));
	if (!strcmp(cmd, "packet-send") && argc == 4)
		return cmd_packet_send(argv[2], argv[3]);
	return usage();
}
