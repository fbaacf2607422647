/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "epdma.h"

/* What the global options and the command's own options said. */
struct cli {
	struct epdma_ctx *ctx;
	const char *root;
	const char *config_path; /* NULL: <root>/etc/epdma.conf */
	int verbose;
	bool json;
	bool force;
	bool adopt;
	const char *command;
};

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

/* Load the config; on failure print every error (text or JSON envelope) and return NULL. */
struct epdma_config *cli_load_config(struct cli *cli, struct epdma_errors *errs);
void cli_print_errors(const struct epdma_errors *errs);
void cli_json_begin(struct cli *cli, struct epdma_json *j, bool ok);
void cli_json_errors(struct epdma_json *j, const struct epdma_errors *errs);
void cli_json_checks(struct epdma_json *j, const struct epdma_checks *checks);
void cli_print_checks(const struct epdma_checks *checks);

int cmd_check(struct cli *cli);
int cmd_plan(struct cli *cli);
int cmd_setup(struct cli *cli);
int cmd_teardown(struct cli *cli);
int cmd_status(struct cli *cli);
