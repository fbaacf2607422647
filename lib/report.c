// SPDX-License-Identifier: GPL-2.0-or-later
/* Error and check-result lists shared by every command, plus small string helpers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

char *epdma_strdup_printf(const char *fmt, ...)
{
	char *s;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

int epdma_strscpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (len >= size)
		return -E2BIG;
	memcpy(dst, src, len + 1);
	return (int)len;
}

/* As kstrtou64(s, 0, ...): "0x" hex, leading "0" octal, else decimal; one trailing newline. */
int epdma_parse_u64(const char *s, uint64_t *value)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s || (*end && strcmp(end, "\n")))
		return -EINVAL;
	*value = v;
	return 0;
}

static void *grow(void *items, size_t count, size_t size)
{
	void *n = realloc(items, (count + 1) * size);

	if (!n)
		abort(); /* out of memory while reporting: nothing sensible is left to do */
	return n;
}

static char *xstrdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		abort();
	return d;
}

static char *xvprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	return s;
}

void epdma_errors_add(struct epdma_errors *errs, const char *file, unsigned int line,
		      const char *key, const char *fmt, ...)
{
	struct epdma_error *e;
	va_list ap;

	errs->items = grow(errs->items, errs->count, sizeof(*errs->items));
	e = &errs->items[errs->count++];
	e->file = xstrdup(file);
	e->line = line;
	e->key = xstrdup(key);
	va_start(ap, fmt);
	e->message = xvprintf(fmt, ap);
	va_end(ap);
}

void epdma_errors_clear(struct epdma_errors *errs)
{
	for (size_t i = 0; i < errs->count; i++) {
		free(errs->items[i].file);
		free(errs->items[i].key);
		free(errs->items[i].message);
	}
	free(errs->items);
	errs->items = NULL;
	errs->count = 0;
}

void epdma_checks_add(struct epdma_checks *checks, const char *name, enum epdma_check_result result,
		      const char *hint, const char *fmt, ...)
{
	struct epdma_check *c;
	va_list ap;

	checks->items = grow(checks->items, checks->count, sizeof(*checks->items));
	c = &checks->items[checks->count++];
	c->name = xstrdup(name);
	c->result = result;
	c->hint = xstrdup(hint);
	va_start(ap, fmt);
	c->message = xvprintf(fmt, ap);
	va_end(ap);
}

void epdma_checks_clear(struct epdma_checks *checks)
{
	for (size_t i = 0; i < checks->count; i++) {
		free(checks->items[i].name);
		free(checks->items[i].message);
		free(checks->items[i].hint);
	}
	free(checks->items);
	checks->items = NULL;
	checks->count = 0;
}

bool epdma_checks_failed(const struct epdma_checks *checks)
{
	for (size_t i = 0; i < checks->count; i++)
		if (checks->items[i].result == EPDMA_CHECK_FAIL)
			return true;
	return false;
}

const char *epdma_check_result_name(enum epdma_check_result result)
{
	static const char *const names[] = {
		[EPDMA_CHECK_PASS] = "pass",
		[EPDMA_CHECK_WARN] = "warn",
		[EPDMA_CHECK_FAIL] = "fail",
		[EPDMA_CHECK_SKIP] = "skip",
	};

	return names[result];
}
