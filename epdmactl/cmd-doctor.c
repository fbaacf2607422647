// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl doctor: known causes in the kernel log and the live state, with what to do. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "epdmactl.h"

/* This front end's way out, where the cause has one in its commands. */
static const char *doctor_advice(const struct epdma_cause *c)
{
	if (!strcmp(c->id, "transport-params"))
		return "epdmactl setup --force reloads the transport with the config's values";
	if (!strcmp(c->id, "vntb-bus-kept"))
		return "epdmactl plan shows whether setup can go on with the new vbus_number";
	return NULL;
}

void cli_print_finding(const struct epdma_finding *f, const char *lead, bool meaning)
{
	const struct epdma_cause *c = f->cause;
	const char *advice = doctor_advice(c);

	printf("%s%s: %s (%s%s%s)\n", lead, c->id, c->title, c->subsystem,
	       f->subject[0] ? ", " : "", f->subject);
	if (f->fact)
		printf("    seen: %s\n", f->fact);
	for (size_t i = 0; i < f->nlog; i++)
		printf("    kernel: [%5llu.%06llu] <%d> %s\n",
		       (unsigned long long)(f->log[i].usec / 1000000),
		       (unsigned long long)(f->log[i].usec % 1000000), f->log[i].priority,
		       f->log[i].text);
	if (meaning)
		printf("    meaning: %s\n", c->meaning);
	printf("    action: %s\n", c->action);
	if (advice)
		printf("    epdmactl: %s\n", advice);
}

static void print_text(const struct epdma_doctor *d)
{
	for (size_t i = 0; i < d->count; i++) {
		if (i)
			printf("\n");
		cli_print_finding(&d->findings[i], "● ", true);
	}
	if (d->count)
		printf("\n%zu problem%s found in %zu kernel log record%s%s.\n", d->count,
		       d->count == 1 ? "" : "s", d->nrecords, d->nrecords == 1 ? "" : "s",
		       d->state_known ? " and the live state" : "");
	else if (!d->kmsg_error)
		printf("No known problem in %zu kernel log record%s%s.\n", d->nrecords,
		       d->nrecords == 1 ? "" : "s", d->state_known ? " and the live state" : "");
}

void cli_json_finding(json_object *a, const struct epdma_finding *f)
{
	json_object *o = cli_json_object(a, NULL), *log;
	const char *advice = doctor_advice(f->cause);

	cli_json_string(o, "id", f->cause->id);
	cli_json_string(o, "subsystem", f->cause->subsystem);
	cli_json_string(o, "title", f->cause->title);
	cli_json_string(o, "subject", f->subject[0] ? f->subject : NULL);
	cli_json_string(o, "fact", f->fact);
	log = cli_json_array(o, "log");
	for (size_t i = 0; i < f->nlog; i++) {
		json_object *r = cli_json_object(log, NULL);

		cli_json_int(r, "priority", f->log[i].priority);
		cli_json_int(r, "usec", (int64_t)f->log[i].usec);
		cli_json_string(r, "text", f->log[i].text);
	}
	cli_json_string(o, "meaning", f->cause->meaning);
	cli_json_string(o, "action", f->cause->action);
	cli_json_string(o, "advice", advice);
}

static void print_json(struct cli *cli, const struct epdma_doctor *d, struct epdma_errors *errs,
		       bool ok)
{
	json_object *root = cli_json_new(cli, ok), *a;

	cli_json_errors(root, errs);
	cli_json_int(root, "records", (int64_t)d->nrecords);
	cli_json_bool(root, "state_examined", d->state_known);
	a = cli_json_array(root, "causes");
	for (size_t i = 0; i < d->count; i++)
		cli_json_finding(a, &d->findings[i]);
	cli_json_print(root);
}

int cmd_doctor(struct cli *cli)
{
	struct epdma_errors errs = { 0 };
	struct epdma_config *cfg = cli_load_config(cli, &errs);
	struct epdma_doctor d;
	int r;

	/* A broken config does not stop the log reading: it is often why doctor runs. */
	if (!cfg && !cli->json)
		cli_print_errors(&errs);
	epdma_doctor_init(&d);
	r = epdma_doctor(cli->ctx, cfg, EPDMA_ROLE_AUTO, &d);
	for (size_t i = 0; i < d.errors.count; i++)
		epdma_errors_add(&errs, d.errors.items[i].file, d.errors.items[i].line,
				 d.errors.items[i].key, "%s", d.errors.items[i].message);
	if (cli->json) {
		print_json(cli, &d, &errs, r == 0 && cfg);
	} else {
		cli_print_errors(cfg ? &errs : &d.errors);
		print_text(&d);
	}
	epdma_doctor_free(&d);
	epdma_errors_clear(&errs);
	epdma_config_free(cfg);
	return r == 0 && cfg ? EXIT_OK : EXIT_FAIL;
}

void cli_print_causes(const char *cmd, const struct epdma_doctor *causes)
{
	for (size_t i = 0; causes && i < causes->count; i++)
		fprintf(stderr, "epdmactl: %s: known cause %s: %s; %s\n", cmd,
			causes->findings[i].cause->id, causes->findings[i].cause->title,
			causes->findings[i].cause->action);
}

void cli_json_causes(json_object *o, const struct epdma_doctor *causes)
{
	json_object *a = cli_json_array(o, "causes");

	for (size_t i = 0; causes && i < causes->count; i++)
		cli_json_finding(a, &causes->findings[i]);
}
