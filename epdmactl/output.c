// SPDX-License-Identifier: GPL-2.0-or-later
/* What every command prints the same way: config errors, checks, advice, the JSON envelope. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epdmactl.h"

struct epdma_config *cli_load_config(struct cli *cli, struct epdma_errors *errs)
{
	struct epdma_config *cfg = NULL;
	int r;

	if (cli->cfg && errs->count == 0 && errs->lost == 0) {
		cfg = cli->cfg;
		*errs = cli->cfg_errs;
		cli->cfg = NULL;
		cli->cfg_errs = (struct epdma_errors){ 0 };
		return cfg;
	}
	r = epdma_config_load(cli->ctx, cli->config_path, &cfg, errs);
	if (r < 0 && errs->count == 0)
		epdma_errors_add(errs, cli->config_path ? cli->config_path : EPDMA_CONFIG_PATH, 0,
				 NULL, "cannot read: %s", strerror(-r));
	if (r < 0) {
		epdma_config_free(cfg);
		return NULL;
	}
	return cfg;
}

unsigned int cli_run_flags(const struct cli *cli)
{
	return (cli->force ? EPDMA_F_FORCE : 0) | (cli->adopt ? EPDMA_F_ADOPT : 0);
}

unsigned int cli_lock_timeout_ms(void)
{
	const char *s = getenv("EPDMA_LOCK_TIMEOUT_MS");

	return s && *s ? (unsigned int)strtoul(s, NULL, 10) : EPDMA_LOCK_TIMEOUT_MS;
}

/* The function name in an error key "driver/name". */
static const char *function_of(const char *key)
{
	const char *slash = key ? strrchr(key, '/') : NULL;

	return slash ? slash + 1 : key ? key : "";
}

const char *cli_advice(enum epdma_reason reason, const char *key, char *buf, size_t size)
{
	switch (reason) {
	case EPDMA_REASON_NOT_OURS:
		return "; --adopt takes it over if it matches the config, --force reconfigures it";
	case EPDMA_REASON_ADOPT_MISMATCH:
		return " (--force reconfigures it)";
	case EPDMA_REASON_DMA_FROZEN:
		snprintf(buf, size,
			 "; --force stops the link, unlinks %s, rewrites, relinks and "
			 "restarts",
			 function_of(key));
		return buf;
	case EPDMA_REASON_VNTB_REBIND:
		return "; --force does it";
	case EPDMA_REASON_VBUS_IN_USE:
		return " and use --force";
	case EPDMA_REASON_EARLIER_CONFIG:
		return "; run epdmactl teardown first";
	case EPDMA_REASON_LINKED_ELSEWHERE:
		return "; run epdmactl teardown first (with --force for a vNTB function)";
	case EPDMA_REASON_VNTB_UNLINK:
		return "; --force unlinks it anyway";
	case EPDMA_REASON_MODULE_RELOAD:
		return "; --force reloads it when nothing uses it";
	case EPDMA_REASON_TRANSPORT_RELOAD:
		return "; --force removes it and inserts it again";
	case EPDMA_REASON_MODULE_IN_USE:
		return "; stop what uses it first (ntb_netdev, a client driver), then run again";
	default:
		return "";
	}
}

const char *cli_check_hint(const struct epdma_check *c)
{
	if (c->reason == EPDMA_REASON_ADOPTABLE)
		return "setup --adopt takes it over if it matches the config";
	return c->hint;
}

void cli_print_errors(const struct epdma_errors *errs)
{
	char buf[256];

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
		fprintf(stderr, "%s%s\n", e->message,
			cli_advice(e->reason, e->key, buf, sizeof(buf)));
	}
	if (errs->lost)
		fprintf(stderr, "epdmactl: %zu more error%s lost: out of memory\n", errs->lost,
			errs->lost == 1 ? "" : "s");
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
		const char *hint = cli_check_hint(c);

		printf("  %s  %-24s %s\n", mark[c->result], c->name, c->message);
		if (hint && c->result != EPDMA_CHECK_PASS)
			printf("        %-24s hint: %s\n", "", hint);
	}
}

void cli_json_string(json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

void cli_json_int(json_object *o, const char *key, int64_t value)
{
	json_object_object_add(o, key, json_object_new_int64(value));
}

void cli_json_bool(json_object *o, const char *key, bool value)
{
	json_object_object_add(o, key, json_object_new_boolean(value));
}

json_object *cli_json_array(json_object *o, const char *key)
{
	json_object *a = json_object_new_array();

	json_object_object_add(o, key, a);
	return a;
}

json_object *cli_json_object(json_object *o, const char *key)
{
	json_object *n = json_object_new_object();

	if (key)
		json_object_object_add(o, key, n);
	else
		json_object_array_add(o, n);
	return n;
}

json_object *cli_json_new(struct cli *cli, bool ok)
{
	json_object *root = json_object_new_object();

	cli_json_int(root, "schema_version", 1);
	cli_json_string(root, "command", cli->command);
	cli_json_bool(root, "ok", ok);
	return root;
}

void cli_json_errors(json_object *root, const struct epdma_errors *errs)
{
	json_object *a = cli_json_array(root, "errors");
	char buf[256];

	for (size_t i = 0; i < errs->count; i++) {
		const struct epdma_error *e = &errs->items[i];
		json_object *o = cli_json_object(a, NULL);
		char *msg;

		cli_json_string(o, "file", e->file);
		if (e->line)
			cli_json_int(o, "line", e->line);
		else
			json_object_object_add(o, "line", NULL);
		cli_json_string(o, "key", e->key);
		if (asprintf(&msg, "%s%s", e->message,
			     cli_advice(e->reason, e->key, buf, sizeof(buf))) < 0)
			msg = NULL;
		cli_json_string(o, "message", msg ? msg : e->message);
		free(msg);
	}
}

void cli_json_checks(json_object *root, const struct epdma_checks *checks)
{
	json_object *a = cli_json_array(root, "checks");

	for (size_t i = 0; i < checks->count; i++) {
		const struct epdma_check *c = &checks->items[i];
		json_object *o = cli_json_object(a, NULL);

		cli_json_string(o, "name", c->name);
		cli_json_string(o, "result", epdma_check_result_name(c->result));
		cli_json_string(o, "message", c->message);
		cli_json_string(o, "hint", cli_check_hint(c));
	}
}

void cli_json_print(json_object *root)
{
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_SPACED |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
}
