// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The GNU build ID of an ELF file (the NT_GNU_BUILD_ID note the linker's
 * --build-id writes): what tells one build of libc.so.6 from another. Read
 * through the program headers' PT_NOTE segments, native byte order, both
 * classes; everything the file says is bounds-checked, nothing is mapped.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* A PT_NOTE segment bigger than this is not a shared library's. */
#define ELF_NOTES_MAX 65536
#define ELF_PHNUM_MAX 256

static int pread_all(int fd, void *buf, size_t size, uint64_t off)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = pread(fd, (char *)buf + done, size - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOEXEC; /* shorter than its headers say */
		done += (size_t)n;
	}
	return 0;
}

/* The build ID among the notes in BUF (SIZE bytes), or -ENODATA. */
static int notes_build_id(const unsigned char *buf, size_t size, unsigned char *id, size_t id_size)
{
	size_t off = 0;

	/* Elf32_Nhdr and Elf64_Nhdr are the same three 32-bit words. */
	while (size - off >= sizeof(Elf32_Nhdr)) {
		Elf32_Nhdr nh;
		size_t name_len, desc_len;

		memcpy(&nh, buf + off, sizeof(nh));
		off += sizeof(nh);
		name_len = ((size_t)nh.n_namesz + 3) & ~(size_t)3;
		desc_len = ((size_t)nh.n_descsz + 3) & ~(size_t)3;
		if (name_len > size - off || desc_len > size - off - name_len)
			return -ENOEXEC;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == sizeof(ELF_NOTE_GNU) &&
		    !memcmp(buf + off, ELF_NOTE_GNU, sizeof(ELF_NOTE_GNU))) {
			if (nh.n_descsz == 0 || nh.n_descsz > id_size)
				return -ENOEXEC;
			memcpy(id, buf + off + name_len, nh.n_descsz);
			return (int)nh.n_descsz;
		}
		off += name_len + desc_len;
	}
	return -ENODATA;
}

/* One PT_NOTE segment at OFF, SIZE bytes long. */
static int segment_build_id(int fd, uint64_t off, uint64_t size, unsigned char *id, size_t id_size)
{
	_cleanup_free_ unsigned char *buf = NULL;
	int r;

	if (size == 0 || size > ELF_NOTES_MAX)
		return -ENODATA;
	buf = malloc((size_t)size);
	if (!buf)
		return -ENOMEM;
	r = pread_all(fd, buf, (size_t)size, off);
	if (r < 0)
		return r;
	return notes_build_id(buf, (size_t)size, id, id_size);
}

int epdma_elf_build_id(int fd, unsigned char *id, size_t id_size)
{
	unsigned char ident[EI_NIDENT];
	uint64_t phoff;
	unsigned int phnum, phentsize;
	bool is64;
	int r;

	r = pread_all(fd, ident, sizeof(ident), 0);
	if (r < 0)
		return r;
	if (memcmp(ident, ELFMAG, SELFMAG) ||
	    (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64))
		return -ENOEXEC;
	/* Foreign byte order: not a library this process could load anyway. */
	if (ident[EI_DATA] !=
	    (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB))
		return -ENOEXEC;
	is64 = ident[EI_CLASS] == ELFCLASS64;
	if (is64) {
		Elf64_Ehdr eh;

		r = pread_all(fd, &eh, sizeof(eh), 0);
		if (r < 0)
			return r;
		phoff = eh.e_phoff;
		phnum = eh.e_phnum;
		phentsize = eh.e_phentsize;
		if (phentsize != sizeof(Elf64_Phdr))
			return -ENOEXEC;
	} else {
		Elf32_Ehdr eh;

		r = pread_all(fd, &eh, sizeof(eh), 0);
		if (r < 0)
			return r;
		phoff = eh.e_phoff;
		phnum = eh.e_phnum;
		phentsize = eh.e_phentsize;
		if (phentsize != sizeof(Elf32_Phdr))
			return -ENOEXEC;
	}
	if (phnum == 0 || phnum > ELF_PHNUM_MAX || phoff == 0)
		return -ENOEXEC;
	for (unsigned int i = 0; i < phnum; i++) {
		uint64_t off = phoff + (uint64_t)i * phentsize, seg_off, seg_size;
		uint32_t type;

		if (is64) {
			Elf64_Phdr ph;

			r = pread_all(fd, &ph, sizeof(ph), off);
			if (r < 0)
				return r;
			type = ph.p_type;
			seg_off = ph.p_offset;
			seg_size = ph.p_filesz;
		} else {
			Elf32_Phdr ph;

			r = pread_all(fd, &ph, sizeof(ph), off);
			if (r < 0)
				return r;
			type = ph.p_type;
			seg_off = ph.p_offset;
			seg_size = ph.p_filesz;
		}
		if (type != PT_NOTE)
			continue;
		r = segment_build_id(fd, seg_off, seg_size, id, id_size);
		if (r != -ENODATA)
			return r;
	}
	return -ENODATA;
}

int epdma_elf_build_id_matches(const char *path, const char *hex)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char id[64];
	char text[2 * sizeof(id) + 1];
	int n;

	if (fd < 0)
		return -errno;
	n = epdma_elf_build_id(fd, id, sizeof(id));
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		static const char digits[] = "0123456789abcdef";

		text[2 * i] = digits[id[i] >> 4];
		text[2 * i + 1] = digits[id[i] & 0xf];
	}
	text[2 * n] = '\0';
	return strcasecmp(text, hex) == 0;
}
