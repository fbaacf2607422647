// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * benchtime CMD [ARG...]: run CMD once (stdin, stdout, stderr on /dev/null)
 * and print its wall time in nanoseconds on the monotonic clock, fork to
 * reap. Static, so the same helper runs on the host and in the QEMU guest.
 * Exit status: CMD's (128+signal when killed), 127 when it cannot be run.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long t0, t1;
	int status, null;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: benchtime CMD [ARG...]\n");
		return 2;
	}
	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		perror("benchtime");
		return 127;
	}
	t1 = now_ns();
	printf("%lld\n", t1 - t0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
