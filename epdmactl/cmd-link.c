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
