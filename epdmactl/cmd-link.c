// SPDX-License-Identifier: GPL-2.0-or-later
/* The link's part of setup and status: the NTB transport, its clients and the link state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epdmactl.h"

void cli_print_transport(const char *cmd, const struct epdma_run *run)
{
	const struct epdma_checks *t = &run->transport;

	/* A run that changed nothing says only that ("Nothing to do"): status shows the link. */
	if (!run->error && !run->transport_changes && run->plan && !run->plan->count)
		return;
	for (size_t i = 0; i < t->count; i++) {
		const struct epdma_check *c = &t->items[i];

		printf("  %-4s %s: %s\n",
		       c->result == EPDMA_CHECK_PASS   ? "ok"
		       : c->result == EPDMA_CHECK_WARN ? "WARN"
		       : c->result == EPDMA_CHECK_SKIP ? "skip"
						       : "FAIL",
		       c->name, c->message);
		if (c->hint && c->result != EPDMA_CHECK_PASS)
			printf("       hint: %s\n", c->hint);
	}
	/* The transport's refusals come after the graph was applied: the graph stays. */
	if (run->error && run->failed < 0 && run->errors.count) {
		cli_print_errors(&run->errors);
		fprintf(stderr,
			"epdmactl: %s: the graph is set up and started; the transport is "
			"not\n",
			cmd);
	}
}

/*
 * A down link whose cause this side cannot read: where to look. The endpoint
 * never sees what the host's transport announced (doctor.c,
 * endpoint_transports()); the host does through the vNTB control BAR, unless
 * it cannot map it (held by ntb_hw_epf under IO_STRICT_DEVMEM). NULL when the
 * link is up, or the checks say what they saw.
 */
const char *cli_link_peer_hint(const struct epdma_run *run)
{
	const struct epdma_link_state *l = run->link;

	if (!l || !l->ntb_present || !l->debugfs || !l->nqps || l->qps_up == l->nqps)
		return NULL;
	if (run->role != EPDMA_ROLE_HOST)
		return "the endpoint cannot see why (the host's transport not running, or "
		       "announcing other values): epdmactl doctor on the host compares both "
		       "ends' transport values";
	/* The checks above say what they compared, or that a transport has not written. */
	for (size_t i = 0; i < run->checks.count; i++)
		if (!strcmp(run->checks.items[i].name, "pair transport") &&
		    run->checks.items[i].result == EPDMA_CHECK_SKIP &&
		    strstr(run->checks.items[i].message, "cannot be read"))
			return "both ends' transport values could not be compared now (the vNTB "
			       "control BAR is held by ntb_hw_epf; a host booted with "
			       "iomem=relaxed can map it): compare [transport] and [vntb] of both "
			       "configs; epdmactl doctor";
	return NULL;
}

/* The hint under the link (text), or as link.hint (JSON, null when none). */
void cli_print_link_peer_hint(const struct epdma_run *run)
{
	const char *hint = cli_link_peer_hint(run);

	if (hint)
		printf("  hint: %s\n", hint);
}

void cli_json_link_peer_hint(json_object *root, const struct epdma_run *run)
{
	json_object *link;

	if (json_object_object_get_ex(root, "link", &link))
		cli_json_string(link, "hint", cli_link_peer_hint(run));
}
