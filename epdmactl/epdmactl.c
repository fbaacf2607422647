// SPDX-License-Identifier: GPL-2.0-or-later
/* epdmactl: set up PCI endpoint DMA delegation, on either end of the link. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "epdmactl.h"

struct command {
	const char *name;
	int (*fn)(struct cli *cli);
	const char *options; /* which command options it takes: j(son) f(orce) a(dopt) w(ait) */
	const char *help;
};

static int cmd_version(struct cli *cli)
{
	printf("epdmactl %s\n", EPDMA_VERSION);
	return EXIT_OK;
}

static const struct command commands[] = {
	{ "check", cmd_check, "j", "validate the config and preflight this side (writes nothing)" },
	{ "discover", cmd_discover, "j",
	  "host: list the vNTB and DMA functions and prove the pair (writes nothing)" },
	{ "plan", cmd_plan, "jfa", "show the operations setup would run (writes nothing)" },
	{ "setup", cmd_setup, "jfaw",
	  "build the vNTB + DMA function graph and start the link; host: bind the card, hand "
	  "the DMA function to the transport" },
	{ "teardown", cmd_teardown, "jf",
	  "stop, unlink and remove what epdma created; host: undo what setup changed" },
	{ "status", cmd_status, "j",
	  "controller, functions, PF numbers, drift from the config; host: pair, drivers, DMA "
	  "channels, transport" },
	{ "version", cmd_version, "", "print the version" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: epdmactl [--root DIR] [-c|--config FILE] [-v] COMMAND [OPTIONS]\n"
		   "\n"
		   "Set up PCI endpoint DMA delegation (vNTB function + PCI DMA function).\n"
		   "\n"
		   "Global options:\n"
		   "  --root DIR         resolve every system path below DIR (default /)\n"
		   "  -c, --config FILE  configuration file (default <root>/etc/epdma.conf)\n"
		   "  -v, --verbose      more diagnostics on stderr (repeat for debug)\n"
		   "  -h, --help         show this help\n"
		   "  --version          show the version\n"
		   "\n"
		   "Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char opts[64] = "", more[64] = "";

		/* The table says which options each command takes; --wait goes on a line of its
		 * own. */
		for (const char *o = commands[i].options; *o; o++)
			strcat(*o == 'w' ? more : opts, *o == 'j'   ? "[--json] "
							: *o == 'f' ? "[--force] "
							: *o == 'a' ? "[--adopt] "
								    : "[--wait SECONDS] ");
		fprintf(f, "  %-9s %-30s%s\n", commands[i].name, opts, commands[i].help);
		if (more[0])
			fprintf(f, "  %-9s %-30s%s\n", "", more,
				"host: wait for the card to appear");
	}
	fprintf(f, "\n"
		   "Command options:\n"
		   "  --json             print one JSON object (schema_version 1)\n"
		   "  --force            allow changes that need unlinking or rebinding\n"
		   "  --adopt            take over existing functions that match the config\n"
		   "  --wait SECONDS     host setup: wait up to SECONDS for the card to appear,\n"
		   "                     rescanning per [host] rescan\n"
		   "\n"
		   "Exit status: 0 done, 1 failed or refused, 2 usage error.\n");
}

static void log_stderr(void *data, int priority, const char *msg)
{
	fprintf(stderr, "epdmactl: %s%s\n", priority <= LOG_ERR ? "" : "", msg);
}

static int parse_command_options(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },  { "force", no_argument, NULL, 'f' },
		{ "adopt", no_argument, NULL, 'a' }, { "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },  {},
	};
	int c;

	optind = 1;
	opterr = 0; /* getopt would name the command, not epdmactl */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(EXIT_OK);
		}
		if (c == '?' || !strchr(cmd->options, c)) {
			fprintf(stderr, "epdmactl: %s: unknown option '%s' (see --help)\n",
				cmd->name, argv[optind - 1]);
			return -EINVAL;
		}
		if (c == 'w') {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);

			if (!*optarg || *end || optarg[0] == '-' || v > 86400) {
				fprintf(stderr,
					"epdmactl: %s: --wait '%s': a number of seconds, 0 to "
					"86400\n",
					cmd->name, optarg);
				return -EINVAL;
			}
			cli->wait_set = true;
			cli->wait_s = (unsigned int)v;
		}
		cli->json |= c == 'j';
		cli->force |= c == 'f';
		cli->adopt |= c == 'a';
	}
	if (optind < argc) {
		fprintf(stderr, "epdmactl: %s: unexpected argument '%s'\n", cmd->name,
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Global options; an exit status when they end the run (--help, --version, usage), else -1. */
static int parse_global_options(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	int c;

	while ((c = getopt_long(argc, argv, "+c:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			cli->root = optarg;
			break;
		case 'c':
			cli->config_path = optarg;
			break;
		case 'v':
			cli->verbose++;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			return cmd_version(cli);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	fprintf(stderr, "epdmactl: unknown command '%s' (see --help)\n", name);
	return NULL;
}

int main(int argc, char **argv)
{
	struct cli cli = { .root = "/" };
	const struct command *cmd;
	int r = parse_global_options(&cli, argc, argv);

	if (r >= 0)
		return r;
	cmd = find_command(argv[optind]);
	if (!cmd)
		return EXIT_USAGE;
	cli.command = cmd->name;
	if (parse_command_options(&cli, cmd, argc - optind, argv + optind) < 0)
		return EXIT_USAGE;
	r = epdma_ctx_new(&cli.ctx, cli.root);
	if (r < 0) {
		fprintf(stderr, "epdmactl: --root %s: %s\n", cli.root, strerror(-r));
		return EXIT_FAIL;
	}
	epdma_ctx_set_log_fn(cli.ctx, log_stderr, NULL);
	epdma_ctx_set_log_priority(cli.ctx, cli.verbose >= 2   ? LOG_DEBUG
					    : cli.verbose == 1 ? LOG_INFO
							       : LOG_WARNING);
	r = cmd->fn(&cli);
	epdma_ctx_free(cli.ctx);
	return r;
}
