// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A host's view of an endpoint function's BARs through sysfs `resourceN`.
 *
 * Memory BARs can only be mmap()ed: read() of resourceN fails with EIO. With
 * CONFIG_IO_STRICT_DEVMEM the mmap fails with EINVAL once a driver requested
 * the BAR's region (ntb_hw_epf, dw-edma-pcie): the caller says "claimed, not
 * re-verified". A device removed under us (endpoint reset, link loss) reads
 * all ones, or raises SIGBUS on a mapped page: the copy runs under a
 * temporary SIGBUS handler that jumps back here, and the caller's parsers
 * treat all ones as "gone", never as data.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* What the parsers need at most: a vNTB control BAR of R-Car Gen4 is 1 MiB + spads. */
#define BAR_COPY_MAX (4u << 20)

static _Thread_local sigjmp_buf *bar_jmp;

static void bar_sigbus(int sig)
{
	if (bar_jmp)
		siglongjmp(*bar_jmp, 1);
	/* Not ours: die of it as without the handler. */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* memcpy from a device mapping; -ENODEV when the device vanished under the copy. */
static int bar_copy(void *dst, const volatile void *src, size_t len)
{
	struct sigaction sa = { .sa_handler = bar_sigbus }, old;
	sigjmp_buf jmp;
	volatile int r = 0;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old) < 0)
		return -errno;
	if (sigsetjmp(jmp, 1) == 0) {
		bar_jmp = &jmp;
		/* Byte-wise would be slow; 4-byte reads are what the device serves best. */
		for (size_t i = 0; i + 4 <= len; i += 4)
			((uint32_t *)dst)[i / 4] = ((const volatile uint32_t *)src)[i / 4];
		for (size_t i = len & ~(size_t)3; i < len; i++)
			((uint8_t *)dst)[i] = ((const volatile uint8_t *)src)[i];
	} else {
		r = -ENODEV;
	}
	bar_jmp = NULL;
	sigaction(SIGBUS, &old, NULL);
	return r;
}

int epdma_pci_bar_read(struct epdma_ctx *ctx, const char *bdf, int bar, void **buf, size_t *len)
{
	char path[96];
	_cleanup_close_ int fd = -1;
	struct stat st;
	size_t size;
	void *map, *copy;
	int r;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource%d", bdf, bar);
	fd = epdma_fs_open(ctx, path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size <= 0)
		return -ENODATA;
	size = (size_t)st.st_size < BAR_COPY_MAX ? (size_t)st.st_size : BAR_COPY_MAX;
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -errno; /* EINVAL: claimed by a driver under IO_STRICT_DEVMEM */
	copy = malloc(size);
	if (!copy) {
		munmap(map, size);
		return -ENOMEM;
	}
	r = bar_copy(copy, map, size);
	munmap(map, size);
	if (r < 0) {
		free(copy);
		return r;
	}
	*buf = copy;
	*len = size;
	return 0;
}

int epdma_pci_bar_sizes(struct epdma_ctx *ctx, const char *bdf, uint64_t size[6])
{
	char path[96], text[1024];
	const char *p = text;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	n = epdma_fs_read(ctx, path, text, sizeof(text));
	if (n < 0)
		return (int)n;
	/* One line per resource: "0x<start> 0x<end> 0x<flags>"; 0 0 0 when unused. */
	for (int i = 0; i < 6; i++) {
		unsigned long long start, end, flags;
		int used;

		size[i] = 0;
		if (sscanf(p, "%llx %llx %llx%n", &start, &end, &flags, &used) != 3)
			return -EBADMSG;
		if (end > start)
			size[i] = end - start + 1;
		p += used;
	}
	return 0;
}

int epdma_pci_driver(struct epdma_ctx *ctx, const char *bdf, char *buf, size_t size)
{
	char path[96];
	int r;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	r = epdma_fs_link_basename(ctx, path, buf, size);
	if (r == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return r;
}
