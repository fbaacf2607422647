// SPDX-License-Identifier: GPL-2.0-or-later
/* The library context: the root every kernel path is resolved below, and the log sink. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "epdma.h"
#include "internal.h"

void epdma_freep(void *p)
{
	free(*(void **)p);
}

void epdma_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

int epdma_ctx_new(struct epdma_ctx **out, const char *root)
{
	struct epdma_ctx *ctx;
	char resolved[PATH_MAX];

	if (!root || !*root)
		root = "/";
	if (!realpath(root, resolved))
		return -errno;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->root_fd = open(resolved, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->root_fd < 0) {
		int r = -errno;
		free(ctx);
		return r;
	}
	ctx->root = strdup(resolved);
	if (!ctx->root) {
		epdma_ctx_free(ctx);
		return -ENOMEM;
	}
	ctx->log_priority = LOG_WARNING;
	ctx->lock_timeout_ms = EPDMA_LOCK_TIMEOUT_MS;
	*out = ctx;
	return 0;
}

void epdma_ctx_free(struct epdma_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	free(ctx->root);
	free(ctx);
}

void epdma_ctx_set_log_fn(struct epdma_ctx *ctx, epdma_log_fn fn, void *data)
{
	ctx->log_fn = fn;
	ctx->log_data = data;
}

void epdma_ctx_set_lock_timeout(struct epdma_ctx *ctx, unsigned int timeout_ms)
{
	ctx->lock_timeout_ms = timeout_ms;
}

void epdma_ctx_set_log_priority(struct epdma_ctx *ctx, int priority)
{
	ctx->log_priority = priority;
}

const char *epdma_ctx_root(const struct epdma_ctx *ctx)
{
	return ctx->root;
}

int epdma_ctx_root_fd(const struct epdma_ctx *ctx)
{
	return ctx->root_fd;
}

bool epdma_ctx_is_rooted(const struct epdma_ctx *ctx)
{
	return strcmp(ctx->root, "/") != 0;
}

void epdma_log(struct epdma_ctx *ctx, int priority, const char *fmt, ...)
{
	int saved = errno;
	char msg[1024];
	va_list ap;

	if (!ctx->log_fn || priority > ctx->log_priority)
		goto out;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_data, priority, msg);
out:
	errno = saved;
}
