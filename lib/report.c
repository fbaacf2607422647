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

/*
 * Out of memory while reporting: the item is dropped and counted (LOST), and
 * the run that owns the list returns -ENOMEM. Nothing here aborts.
 */
static void *grow(void *items, size_t count, size_t size)
{
	return realloc(items, (count + 1) * size);
}

static struct epdma_error *error_new(struct epdma_errors *errs, const char *file, unsigned int line,
				     const char *key, enum epdma_reason reason, const char *fmt,
				     va_list ap)
{
	struct epdma_error *items = grow(errs->items, errs->count, sizeof(*errs->items));
	struct epdma_error *e;

	if (!items) {
		errs->lost++;
		return NULL;
	}
	errs->items = items;
	e = &errs->items[errs->count];
	*e = (struct epdma_error){ .line = line, .reason = reason };
	e->file = file ? strdup(file) : NULL;
	e->key = key ? strdup(key) : NULL;
	if (vasprintf(&e->message, fmt, ap) < 0)
		e->message = NULL;
	if ((file && !e->file) || (key && !e->key) || !e->message) {
		free(e->file);
		free(e->key);
		free(e->message);
		errs->lost++;
		return NULL;
	}
	errs->count++;
	return e;
}

void epdma_errors_add(struct epdma_errors *errs, const char *file, unsigned int line,
		      const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_new(errs, file, line, key, EPDMA_REASON_NONE, fmt, ap);
	va_end(ap);
}

void epdma_errors_addr(struct epdma_errors *errs, enum epdma_reason reason, const char *key,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_new(errs, NULL, 0, key, reason, fmt, ap);
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
	*errs = (struct epdma_errors){ 0 };
}

void epdma_checks_add(struct epdma_checks *checks, const char *name, enum epdma_check_result result,
		      const char *hint, const char *fmt, ...)
{
	struct epdma_check *items = grow(checks->items, checks->count, sizeof(*checks->items));
	struct epdma_check *c;
	va_list ap;

	if (!items) {
		checks->lost++;
		return;
	}
	checks->items = items;
	c = &checks->items[checks->count];
	*c = (struct epdma_check){ .result = result };
	c->name = strdup(name);
	c->hint = hint ? strdup(hint) : NULL;
	va_start(ap, fmt);
	if (vasprintf(&c->message, fmt, ap) < 0)
		c->message = NULL;
	va_end(ap);
	if (!c->name || (hint && !c->hint) || !c->message) {
		free(c->name);
		free(c->hint);
		free(c->message);
		checks->lost++;
		return;
	}
	checks->count++;
}

void epdma_checks_clear(struct epdma_checks *checks)
{
	for (size_t i = 0; i < checks->count; i++) {
		free(checks->items[i].name);
		free(checks->items[i].message);
		free(checks->items[i].hint);
	}
	free(checks->items);
	*checks = (struct epdma_checks){ 0 };
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

void epdma_checks_set_reason(struct epdma_checks *checks, enum epdma_reason reason)
{
	if (checks->count)
		checks->items[checks->count - 1].reason = reason;
}
