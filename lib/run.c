// SPDX-License-Identifier: GPL-2.0-or-later
/* The result of a run: what every role's commands hand to the front ends. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void epdma_run_init(struct epdma_run *run)
{
	memset(run, 0, sizeof(*run));
	run->failed = -1;
}

void epdma_run_free(struct epdma_run *run)
{
	epdma_errors_clear(&run->errors);
	epdma_checks_clear(&run->checks);
	epdma_checks_clear(&run->transport);
	for (size_t i = 0; run->outcomes && i < run->done; i++)
		epdma_kmsg_records_free(run->outcomes[i].log, run->outcomes[i].nlog);
	free(run->outcomes);
	free(run->plan);
	free(run->graph);
	free(run->link);
	if (run->causes)
		epdma_doctor_free(run->causes);
	free(run->causes);
	free(run->host);
	epdma_run_init(run);
}

int epdma_run_finish(struct epdma_run *run, int r)
{
	if (run->errors.lost || run->checks.lost)
		r = -ENOMEM;
	run->error = r;
	return r;
}
