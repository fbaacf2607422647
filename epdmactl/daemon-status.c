// SPDX-License-Identifier: GPL-2.0-or-later
/* The daemon's state file as epdmactl shows it: status's "daemon:" line and monitor's records. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epdmactl.h"

json_object *cli_daemon_state(struct cli *cli)
{
	char *text = NULL;
	json_object *o, *pid;

	if (epdma_daemon_status_read(cli->ctx, &text) < 0)
		return NULL;
	o = json_tokener_parse(text);
	free(text);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	/* A daemon that died without saying so (SIGKILL, a crash) is not running. */
	if (json_object_object_get_ex(o, "pid", &pid) && cli->root && !strcmp(cli->root, "/") &&
	    kill((pid_t)json_object_get_int(pid), 0) < 0 && errno == ESRCH) {
		json_object_object_add(o, "state", json_object_new_string("stopped"));
	}
	return o;
}

static const char *field(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

void cli_daemon_describe(json_object *o, char *buf, size_t size)
{
	const char *state = field(o, "state"), *error = field(o, "error"),
		   *step = field(o, "failed_step"), *ctrl = field(o, "controller"),
		   *retry = field(o, "retry_in_ms");

	snprintf(buf, size, "%s%s%s%s%s%s%s%s%s%s", state ? state : "unknown",
		 ctrl && state && !strcmp(state, "converged") ? " (" : "",
		 ctrl && state && !strcmp(state, "converged") ? ctrl : "",
		 ctrl && state && !strcmp(state, "converged") ? ")" : "", step ? ": " : "",
		 step ? step : "", error ? ": " : "", error ? error : "",
		 retry ? ", retrying in " : "", retry ? retry : "");
	if (retry && strlen(buf) + 4 < size)
		strcat(buf, " ms");
}

void cli_status_daemon(struct cli *cli, json_object *root)
{
	json_object *o = cli_daemon_state(cli);
	char text[1024];

	if (!o)
		return; /* no daemon ever ran: status is the live read alone */
	if (root) {
		json_object_object_add(root, "daemon", o);
		return;
	}
	cli_daemon_describe(o, text, sizeof(text));
	printf("daemon: %s\n", text);
	json_object_put(o);
}
