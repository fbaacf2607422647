// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The cable of a simulated endpoint+host pair (tests/sim-link.c): the one
 * place where a fake kernel lets something outside its own root know what
 * happened. Inactive unless $EPDMA_FAKE_STATE/link-hook exists; that file
 * holds a command, one argument a line (epdma-sim writes it when it builds a
 * pair). fk_link_event() runs the command with the event's words appended,
 * without the preload and without EPDMA_FAKE_*, and waits for it:
 *
 *   start <epc> 0|1    a store changed a controller's `start` (after it)
 *   module <name> 0|1  a module was inserted or deleted (after it)
 *   rescan             a /sys/bus/pci/rescan store is about to look for devices
 *   ntb <bdf> 0|1      ntb_hw_epf bound <bdf> (its NTB device registered) or
 *                      let it go (after either)
 *
 * The caller holds this fake kernel's lock; the command may take the OTHER
 * root's lock, never this one. Its exit status is ignored: a broken cable is
 * a machine whose peer shows nothing, not a failed store.
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fakekernel.h"

extern char **environ;

#define LINK_MAX_ARGS 16

void fk_link_event(const char *w1, const char *w2, const char *w3)
{
	char path[PATH_MAX], buf[4096], *argv[LINK_MAX_ARGS + 4], **envp;
	size_t argc = 0, nenv = 0, k = 0;
	pid_t pid;
	FILE *f;

	snprintf(path, sizeof(path), "%s/link-hook", fk_state_dir());
	f = fopen(path, "re");
	if (!f)
		return;
	while (argc < LINK_MAX_ARGS && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (*buf)
			argv[argc++] = strdup(buf);
	}
	fclose(f);
	if (!argc)
		return;
	argv[argc++] = (char *)w1;
	if (w2)
		argv[argc++] = (char *)w2;
	if (w3)
		argv[argc++] = (char *)w3;
	argv[argc] = NULL;
	while (environ[nenv])
		nenv++;
	envp = calloc(nenv + 1, sizeof(*envp));
	for (size_t i = 0; envp && i < nenv; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) &&
		    strncmp(environ[i], "EPDMA_FAKE_", 11))
			envp[k++] = environ[i];
	if (envp && posix_spawn(&pid, argv[0], NULL, NULL, argv, envp) == 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	free(envp);
	for (size_t i = 0; i < argc - 1 - (w2 != NULL) - (w3 != NULL); i++)
		free(argv[i]);
}
