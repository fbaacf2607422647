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
	const char *options; /* which command options it takes: letters of cmd_options[] */
	const char *help;
};

/* Command options: the letter a command's table entry names, its long form, its argument. */
static const struct cmd_option {
	char letter;
	const char *name;
	const char *arg; /* NULL: a flag */
	const char *help;
} cmd_options[] = {
	{ 'j', "json", NULL, "print one JSON object (schema_version 1)" },
	{ 'f', "force", NULL, "allow changes that need unlinking or rebinding" },
	{ 'a', "adopt", NULL, "take over existing functions that match the config" },
	{ 'w', "wait", "SECONDS", "host setup: wait up to SECONDS for the card to appear" },
	{ 'l', "wait-link", "SECONDS",
	  "status: wait for the NTB link to come up (exit 1 when not in time)" },
};

/*
 * The option of LETTER. A letter of the command table missing here is a
 * bug in the tables, not in the input: --help and --list-commands walk every
 * letter, so the tests that run them stop on it.
 */
static const struct cmd_option *cmd_option(char letter)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmd_options); i++)
		if (cmd_options[i].letter == letter)
			return &cmd_options[i];
	fprintf(stderr, "epdmactl: internal error: option letter '%c' is not in cmd_options[]\n",
		letter);
	abort();
}

static int cmd_version(struct cli *cli)
{
	printf("epdmactl %s (%s)\n", EPDMA_VERSION, epdmactl_link);
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
	{ "status", cmd_status, "jl",
	  "controller, functions, PF numbers, drift, link state; host: pair, drivers, DMA "
	  "channels, transport" },
	{ "monitor", cmd_monitor, "j",
	  "show uevents that matter and the daemon's state as they come" },
	{ "doctor", cmd_doctor, "j", "known causes in the kernel log and the live state" },
	{ "version", cmd_version, "", "print the version" },
};

/* "  name      [--a] [--b]   help", options past the column on lines of their own. */
static void usage_command(FILE *f, const struct command *cmd)
{
	enum { WIDTH = 32 };
	char line[WIDTH + 48] = "";
	const char *help = cmd->help;

	for (const char *o = cmd->options; *o; o++) {
		const struct cmd_option *c = cmd_option(*o);
		char opt[48];

		snprintf(opt, sizeof(opt), "[--%s%s%s] ", c->name, c->arg ? " " : "",
			 c->arg ? c->arg : "");
		if (line[0] && strlen(line) + strlen(opt) > WIDTH) {
			fprintf(f, "  %-9s %-*s%s\n", help == cmd->help ? cmd->name : "", WIDTH,
				line, help);
			help = "";
			line[0] = '\0';
		}
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", opt);
	}
	fprintf(f, "  %-9s %-*s%s\n", help == cmd->help ? cmd->name : "", WIDTH, line, help);
}

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
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		usage_command(f, &commands[i]);
	fprintf(f, "\nCommand options:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmd_options); i++) {
		char name[40];

		snprintf(name, sizeof(name), "--%s%s%s", cmd_options[i].name,
			 cmd_options[i].arg ? " " : "",
			 cmd_options[i].arg ? cmd_options[i].arg : "");
		fprintf(f, "  %-20s %s\n", name, cmd_options[i].help);
	}
	fprintf(f, "\nExit status: 0 done, 1 failed or refused, 2 usage error.\n");
}

/* For the shell completion: each command and its options, one line each. */
static int list_commands(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		printf("%s", commands[i].name);
		for (const char *o = commands[i].options; *o; o++)
			printf(" --%s", cmd_option(*o)->name);
		printf("\n");
	}
	return EXIT_OK;
}

static void log_stderr(void *data, int priority, const char *msg)
{
	fprintf(stderr, "epdmactl: %s%s\n", priority <= LOG_ERR ? "" : "", msg);
}

/* "30" -> 30000 ms; at most a day. */
static int parse_seconds(const char *s, unsigned int *ms)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v > 86400)
		return -EINVAL;
	*ms = (unsigned int)v * 1000;
	return 0;
}

static int parse_command_options(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	struct option opts[ARRAY_SIZE(cmd_options) + 2] = { { "help", no_argument, NULL, 'h' } };
	int c;

	for (size_t i = 0; i < ARRAY_SIZE(cmd_options); i++)
		opts[i + 1] = (struct option){ cmd_options[i].name,
					       cmd_options[i].arg ? required_argument : no_argument,
					       NULL, cmd_options[i].letter };

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
		cli->wait_link |= c == 'l';
		if (c == 'l' && parse_seconds(optarg, &cli->wait_link_ms) < 0) {
			fprintf(stderr, "epdmactl: %s: --%s takes whole seconds, not '%s'\n",
				cmd->name, cmd_option((char)c)->name, optarg);
			return -EINVAL;
		}
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
		{ "list-commands", no_argument, NULL, 'L' }, /* not in --help: for completion */
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
		case 'L':
			return list_commands();
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
	int r;

	epdmactl_static_check(argv);
	r = parse_global_options(&cli, argc, argv);
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
	epdma_ctx_set_lock_timeout(cli.ctx, cli_lock_timeout_ms());
	epdma_ctx_set_log_priority(cli.ctx, cli.verbose >= 2   ? LOG_DEBUG
					    : cli.verbose == 1 ? LOG_INFO
							       : LOG_WARNING);
	r = cmd->fn(&cli);
	epdma_config_free(cli.cfg);
	epdma_errors_clear(&cli.cfg_errs);
	epdma_ctx_free(cli.ctx);
	return r;
}
