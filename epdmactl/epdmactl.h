/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "epdma.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What the global options and the command's own options said. */
struct cli {
	struct epdma_ctx *ctx;
	const char *root;
	const char *config_path; /* NULL: <root>/etc/epdma.conf */
	int verbose;
	bool json;
	bool force;
	bool adopt;
	unsigned int wait_link_ms; /* status --wait-link */
	bool wait_link;
	bool wait_set; /* setup --wait SECONDS (host) */
	unsigned int wait_s;
	const char *command;
	/* The config the role check loaded, handed to the command's own load. */
	struct epdma_config *cfg;
	struct epdma_errors cfg_errs;
};

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

/*
 * Load the config; on failure ERRS says why and NULL is returned. The first
 * load of a run is kept when the role check made it (cli_role_is_host()):
 * the command's own load then takes it, with what loading it said in ERRS.
 */
struct epdma_config *cli_load_config(struct cli *cli, struct epdma_errors *errs);
unsigned int cli_run_flags(const struct cli *cli);
/* EPDMA_LOCK_TIMEOUT_MS from the environment (the tests shorten it), else the default. */
unsigned int cli_lock_timeout_ms(void);

/* Text: "epdmactl: file:line: key: message[advice]" on stderr. */
void cli_print_errors(const struct epdma_errors *errs);
void cli_print_checks(const struct epdma_checks *checks);
/* What a user can do about REASON, in this front end's commands and flags ("" none). */
const char *cli_advice(enum epdma_reason reason, const char *key, char *buf, size_t size);
const char *cli_check_hint(const struct epdma_check *c);

/* JSON: the envelope every --json output shares, then the command's own keys. */
json_object *cli_json_new(struct cli *cli, bool ok);
void cli_json_errors(json_object *root, const struct epdma_errors *errs);
void cli_json_checks(json_object *root, const struct epdma_checks *checks);
void cli_json_string(json_object *o, const char *key, const char *value); /* NULL: null */
void cli_json_int(json_object *o, const char *key, int64_t value);
void cli_json_bool(json_object *o, const char *key, bool value);
json_object *cli_json_array(json_object *o, const char *key);
json_object *cli_json_object(json_object *o, const char *key); /* KEY NULL: into array O */
/* Print ROOT on stdout and free it. */
void cli_json_print(json_object *root);

/*
 * static.c: how this epdmactl is linked ("static" or "dynamic"), and the
 * static one's check of the system's libc.so.6 before anything else (it may
 * exec the dynamic twin with ARGV, or refuse the optional libraries).
 */
extern const char *const epdmactl_link;
void epdmactl_static_check(char **argv);

int cmd_check(struct cli *cli);
int cmd_discover(struct cli *cli);
/* Host role (cmd-host.c): the role switch of setup. */
bool cli_role_is_host(struct cli *cli);
int cmd_host_setup(struct cli *cli);
int cmd_host_plan(struct cli *cli);
int cmd_host_teardown(struct cli *cli);
/* Status on the host role, printed; false when it cannot be read (RUN's errors say why). */
bool cli_host_status(struct cli *cli, const struct epdma_config *cfg, struct epdma_run *run);
/* status, both roles (cmd-status.c): the link's lines, or its "link" object in ROOT, with
 * the causes of a link that is not up and the peer hint (cli_link_peer_hint). */
void cli_print_link(const struct epdma_run *run);
void cli_json_link(json_object *root, const struct epdma_run *run);
int cmd_plan(struct cli *cli);
int cmd_setup(struct cli *cli);
int cmd_teardown(struct cli *cli);
int cmd_status(struct cli *cli);
int cmd_monitor(struct cli *cli);

/* The daemon's state file (daemon-status.c): parsed, NULL when there is none. */
json_object *cli_daemon_state(struct cli *cli);
/* "converged (e65d0000.pcie-ep)", "waiting: controller: ...". */
void cli_daemon_describe(json_object *state, char *buf, size_t size);
/* status: a "daemon:" line, or (ROOT != NULL) a "daemon" object in the JSON; nothing
 * when no daemon wrote its state file. */
void cli_status_daemon(struct cli *cli, json_object *root);
int cmd_doctor(struct cli *cli);
/* Setup's transport step: what it did, warnings, and its errors (cmd-link.c). */
void cli_print_transport(const char *cmd, const struct epdma_run *run);
/* Known causes (cmd-doctor.c). One finding as text: LEAD, then "ID: title (subsystem,
 * subject)", what proves it, (MEANING,) the action and this front end's advice. */
void cli_print_finding(const struct epdma_finding *f, const char *lead, bool meaning);
void cli_json_finding(json_object *a, const struct epdma_finding *f);
/* setup, teardown: "epdmactl: CMD: known cause ID: title; action" on stderr for each. */
void cli_print_causes(const char *cmd, const struct epdma_doctor *causes);
/* A "causes" array of findings in O (empty when CAUSES is NULL). */
void cli_json_causes(json_object *o, const struct epdma_doctor *causes);
/* A down link whose cause this side cannot read: where to look (cmd-link.c; status prints
 * it under the link, after its causes, and as link.hint). */
const char *cli_link_peer_hint(const struct epdma_run *run);
void cli_print_link_peer_hint(const struct epdma_run *run);
void cli_json_link_peer_hint(json_object *root, const struct epdma_run *run);
