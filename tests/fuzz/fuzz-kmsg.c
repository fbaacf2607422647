// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: one /dev/kmsg record through epdma_kmsg_parse(). Oracle:
 * a parsed record has a syslog level, text that is a newline-free slice of
 * the input after the first ';', and nothing is read past SIZE (ASan sees the
 * input in a buffer of exactly that size).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "epdma.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct epdma_kmsg_record rec;
	const char *buf = (const char *)data, *semi;

	if (epdma_kmsg_parse(buf, size, &rec) < 0)
		return 0;
	semi = memchr(buf, ';', size);
	if (rec.priority < 0 || rec.priority > 7 || !semi || strchr(rec.text, '\n') ||
	    strlen(rec.text) > size - (size_t)(semi + 1 - buf) ||
	    strncmp(rec.text, semi + 1, strlen(rec.text)))
		abort();
	free(rec.text);
	return 0;
}
