// SPDX-License-Identifier: GPL-2.0-or-later
/* A small streaming JSON writer: stable key order, two-space indent, numbers as numbers. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

void epdma_json_init(struct epdma_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->first[0] = true;
}

static void indent(struct epdma_json *j)
{
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Separator, newline and key before a value. */
static void member(struct epdma_json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		indent(j);
	}
	j->first[j->depth] = false;
	if (key) {
		put_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_scope(struct epdma_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < (int)ARRAY_SIZE(j->first))
		j->depth++;
	j->first[j->depth] = true;
}

static void close_scope(struct epdma_json *j, char c)
{
	bool empty = j->first[j->depth];

	j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void epdma_json_object_begin(struct epdma_json *j, const char *key)
{
	open_scope(j, key, '{');
}

void epdma_json_object_end(struct epdma_json *j)
{
	close_scope(j, '}');
}

void epdma_json_array_begin(struct epdma_json *j, const char *key)
{
	open_scope(j, key, '[');
}

void epdma_json_array_end(struct epdma_json *j)
{
	close_scope(j, ']');
}

void epdma_json_string(struct epdma_json *j, const char *key, const char *value)
{
	member(j, key);
	if (value)
		put_string(j->f, value);
	else
		fputs("null", j->f);
}

void epdma_json_int(struct epdma_json *j, const char *key, int64_t value)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, value);
}

void epdma_json_bool(struct epdma_json *j, const char *key, bool value)
{
	member(j, key);
	fputs(value ? "true" : "false", j->f);
}

void epdma_json_null(struct epdma_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}
