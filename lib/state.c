// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What epdma created, recorded under /run/epdma/graph (tmp + fsync + rename),
 * so that objects someone else made are never touched
 * and PF numbers, which configfs does not expose, are known from the link
 * order epdma used.
 *
 *   controller <epc>
 *   function <driver> <name> <pf|-> [<intent>]
 *
 * The record is written ahead of the kernel: before a run's first mkdir, ln,
 * unlink or rmdir, every function it will change carries an intent
 * ("creating", "linking", "unlinking", "removing", "relinking") and the PF it
 * has or will get. A run killed half-way leaves intents behind, and the next
 * graph read settles them against what configfs shows (graph.c). Lines without
 * an intent are the format of earlier versions and mean a settled function.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define STATE_DIR   "/run/epdma"
#define STATE_GRAPH STATE_DIR "/graph"

void epdma_graph_state_clear(struct epdma_graph_state *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < ARRAY_SIZE(st->functions); i++)
		st->functions[i].pf = -1;
}

int epdma_graph_state_read(struct epdma_ctx *ctx, struct epdma_graph_state *st)
{
	char buf[4096], *line, *save = NULL;
	ssize_t n;

	epdma_graph_state_clear(st);
	n = epdma_fs_read(ctx, STATE_GRAPH, buf, sizeof(buf));
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return (int)n;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct epdma_owned_function *f;
		char drv[64], name[64], pf[8], intent[16] = "";

		if (sscanf(line, "controller %63s", st->controller) == 1)
			continue;
		if (sscanf(line, "function %63s %63s %7s %15s", drv, name, pf, intent) < 3) {
			epdma_warn(ctx, "%s: ignoring malformed line \"%s\"", STATE_GRAPH, line);
			continue;
		}
		/* Never drop a function epdma owns: the next run would call it foreign. */
		if (st->count >= ARRAY_SIZE(st->functions))
			return -EOVERFLOW;
		f = &st->functions[st->count++];
		snprintf(f->driver, sizeof(f->driver), "%s", drv);
		snprintf(f->name, sizeof(f->name), "%s", name);
		f->pf = strcmp(pf, "-") ? atoi(pf) : -1;
		snprintf(f->intent, sizeof(f->intent), "%s", intent);
	}
	return 0;
}

size_t epdma_graph_state_format(const struct epdma_graph_state *st, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (st->count == 0 && !st->controller[0])
		return 0;
	len += (size_t)snprintf(buf + len, size - len, "controller %s\n", st->controller);
	for (size_t i = 0; i < st->count && len < size; i++) {
		const struct epdma_owned_function *f = &st->functions[i];
		char pf[16] = "-";

		if (f->pf >= 0)
			snprintf(pf, sizeof(pf), "%d", f->pf);
		len += (size_t)snprintf(buf + len, size - len, "function %s %s %s%s%s\n", f->driver,
					f->name, pf, f->intent[0] ? " " : "", f->intent);
	}
	return len < size ? len : size - 1;
}

/*
 * What the record must survive is a run killed half-way: rename() replaces it
 * whole. The file's fsync() before the rename keeps a disk-backed /run from
 * showing an empty record after a crash. The directory is not synced: that
 * would only make the rename itself outlive a power loss, and the configfs
 * graph the record describes does not (nor does a tmpfs /run).
 */
static int open_tmp(struct epdma_ctx *ctx)
{
	int fd = epdma_fs_open(ctx, STATE_GRAPH ".tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd != -ENOENT)
		return fd;
	fd = epdma_fs_mkdir_p(ctx, STATE_DIR, 0755); /* the first record of this boot */
	if (fd < 0)
		return fd;
	return epdma_fs_open(ctx, STATE_GRAPH ".tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

int epdma_graph_state_write(struct epdma_ctx *ctx, const struct epdma_graph_state *st)
{
	char buf[8192];
	size_t len = epdma_graph_state_format(st, buf, sizeof(buf));
	int r, fd;

	if (len == 0) {
		r = epdma_fs_unlink(ctx, STATE_GRAPH);
		return r == -ENOENT ? 0 : r;
	}
	fd = open_tmp(ctx);
	if (fd < 0)
		return fd;
	r = write(fd, buf, len) == (ssize_t)len ? 0 : -EIO;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	close(fd);
	if (r == 0 && renameat(epdma_ctx_root_fd(ctx), epdma_fs_rel(STATE_GRAPH ".tmp"),
			       epdma_ctx_root_fd(ctx), epdma_fs_rel(STATE_GRAPH)) < 0)
		r = -errno;
	return r;
}

struct epdma_owned_function *epdma_graph_state_find(struct epdma_graph_state *st,
						    const char *driver, const char *name)
{
	for (size_t i = 0; i < st->count; i++)
		if (!strcmp(st->functions[i].driver, driver) &&
		    !strcmp(st->functions[i].name, name))
			return &st->functions[i];
	return NULL;
}
