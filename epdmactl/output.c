// SPDX-License-Identifier: GPL-2.0-or-later
/* What every command prints the same way: config errors, checks, the JSON envelope. */
#include <stdio.h>
#include <string.h>

#include "epdmactl.h"

struct epdma_config *cli_load_config(struct cli *cli, struct epdma_errors *errs)
{
	struct epdma_config *cfg = NULL;
	int r = epdma_config_load(cli->ctx, cli->config_path, &cfg, errs);

	if (r < 0 && errs->count == 0)
		epdma_errors_add(errs, cli->config_path ? cli->config_path : EPDMA_CONFIG_PATH, 0,
				 NULL, "cannot read: %s", strerror(-r));
	if (r < 0) {
		epdma_config_free(cfg);
		return NULL;
	}
	return cfg;
}

void cli_print_errors(const struct epdma_errors *errs)
{
	for (size_t i = 0; i < errs->count; i++) {
		const struct epdma_error *e = &errs->items[i];

		fputs("epdmactl: ", stderr);
		if (e->file)
			fprintf(stderr, "%s:", e->file);
		if (e->file && e->line)
			fprintf(stderr, "%u:", e->line);
		if (e->file)
			fputc(' ', stderr);
		if (e->key)
			fprintf(stderr, "%s: ", e->key);
		fprintf(stderr, "%s\n", e->message);
	}
}

void cli_json_begin(struct cli *cli, struct epdma_json *j, bool ok)
{
	epdma_json_init(j, stdout);
	epdma_json_object_begin(j, NULL);
	epdma_json_int(j, "schema_version", 1);
	epdma_json_string(j, "command", cli->command);
	epdma_json_bool(j, "ok", ok);
}

void cli_json_errors(struct epdma_json *j, const struct epdma_errors *errs)
{
	epdma_json_array_begin(j, "errors");
	for (size_t i = 0; i < errs->count; i++) {
		const struct epdma_error *e = &errs->items[i];

		epdma_json_object_begin(j, NULL);
		epdma_json_string(j, "file", e->file);
		if (e->line)
			epdma_json_int(j, "line", e->line);
		else
			epdma_json_null(j, "line");
		epdma_json_string(j, "key", e->key);
		epdma_json_string(j, "message", e->message);
		epdma_json_object_end(j);
	}
	epdma_json_array_end(j);
}

void cli_json_checks(struct epdma_json *j, const struct epdma_checks *checks)
{
	epdma_json_array_begin(j, "checks");
	for (size_t i = 0; i < checks->count; i++) {
		const struct epdma_check *c = &checks->items[i];

		epdma_json_object_begin(j, NULL);
		epdma_json_string(j, "name", c->name);
		epdma_json_string(j, "result", epdma_check_result_name(c->result));
		epdma_json_string(j, "message", c->message);
		epdma_json_string(j, "hint", c->hint);
		epdma_json_object_end(j);
	}
	epdma_json_array_end(j);
}

void cli_print_checks(const struct epdma_checks *checks)
{
	static const char *const mark[] = {
		[EPDMA_CHECK_PASS] = "ok  ",
		[EPDMA_CHECK_WARN] = "WARN",
		[EPDMA_CHECK_FAIL] = "FAIL",
		[EPDMA_CHECK_SKIP] = "skip",
	};

	for (size_t i = 0; i < checks->count; i++) {
		const struct epdma_check *c = &checks->items[i];

		printf("  %s  %-24s %s\n", mark[c->result], c->name, c->message);
		if (c->hint && c->result != EPDMA_CHECK_PASS)
			printf("        %-24s hint: %s\n", "", c->hint);
	}
}
