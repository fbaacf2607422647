// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's benchmarks, one sample a run (tests/bench/daemon runs them N
 * times and prints the tables):
 *
 *   daemon idle SECONDS SIM EPDMAD DIR
 *	epdmad on the machine DIR (`epdma-sim new ...`), through `SIM run DIR`
 *	(the fake kernel; SIM "-": epdmad alone, for a tree already converged),
 *	its uevent and rtnetlink sockets real, in a network namespace of a user
 *	namespace of its own when one can be made (the machine's untagged
 *	uevents go only to the initial user namespace's). Once it says
 *	"converged", SECONDS of nothing; then SIGHUP for its counters. Prints
 *	"wakeups ctxsw cpu_us rss_kib hwm_kib": epoll returns in the period (its
 *	own count), voluntary + involuntary context switches and user + system
 *	CPU time in the period (/proc), VmRSS and VmHWM at its end.
 *
 *   daemon latency SIM EPDMAD EPDMACTL PAIR
 *	The host epdmad of PAIR (`epdma-sim new pair`) with --uevent-fd,
 *	started first (its rescan finds nothing: "waiting"); then the endpoint
 *	set up (epdmactl setup), the host's bus rescanned (the card's functions
 *	appear, as pciehp adds them on link up), and the kernel's "add" uevent
 *	of each new function sent at once. Prints "settle_ns reconcile_ns total_ns":
 *	from the first uevent to the daemon's STATUS=reconciling, from there to
 *	STATUS=converged (the transport loaded with the DMA function's BDF, the
 *	state file written), and both; the transport's dma_bdf is checked.
 */
#define _GNU_SOURCE /* unshare() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct dmn {
	pid_t pid;
	int notify; /* our NOTIFY_SOCKET */
	int events; /* our end of --uevent-fd, -1 none */
	char dir[4096];
};

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "daemon bench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The daemon's quiet network namespace; 0 when it could be made. */
static int quiet_netns(void)
{
	char map[32];
	int fd, r;

	snprintf(map, sizeof(map), "0 %d 1", (int)getuid());
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return -1;
	fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
	r = fd >= 0 && write(fd, map, strlen(map)) > 0 ? 0 : -1;
	if (fd >= 0)
		close(fd);
	return r;
}

/* epdmad --root DIR/root -f [--uevent-fd N --retry-delay 3600000], through SIM run DIR. */
static void start(struct dmn *d, const char *sim, const char *epdmad, const char *dir, bool test_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 120 };
	char root[4200], fdarg[16], notify[4200];
	int sp[2] = { -1, -1 };

	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/bench-notify", dir);
	unlink(sa.sun_path);
	d->notify = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->notify < 0 || bind(d->notify, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(d->notify, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		die("notify socket %s: cannot bind", sa.sun_path);
	if (test_fd && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		die("%s", "socketpair");
	snprintf(notify, sizeof(notify), "NOTIFY_SOCKET=%s", sa.sun_path);
	d->pid = fork();
	if (d->pid < 0)
		die("%s", "fork");
	if (d->pid == 0) {
		const char *argv[16];
		size_t n = 0;
		int null = open("/dev/null", O_RDWR);

		if (strcmp(sim, "-")) {
			argv[n++] = sim;
			argv[n++] = "run";
			argv[n++] = dir;
		}
		argv[n++] = epdmad;
		argv[n++] = "--root";
		argv[n++] = root;
		argv[n++] = "-f";
		if (test_fd) {
			snprintf(fdarg, sizeof(fdarg), "%d", sp[1]);
			fcntl(sp[1], F_SETFD, 0);
			argv[n++] = "--uevent-fd";
			argv[n++] = fdarg;
			argv[n++] = "--retry-delay";
			argv[n++] = "3600000";
		}
		argv[n] = NULL;
		putenv(notify);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    (!getenv("BENCH_DEBUG") && dup2(null, 2) < 0))
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	d->events = sp[0];
	if (sp[1] >= 0)
		close(sp[1]);
}

/* Datagrams until one with the line STATUS=<STATE>; its arrival time. */
static long long until_status(struct dmn *d, const char *state)
{
	char want[64], buf[2048];

	snprintf(want, sizeof(want), "STATUS=%s", state);
	for (;;) {
		ssize_t n = recv(d->notify, buf, sizeof(buf) - 1, 0);
		long long t = now_ns();
		char *line;

		if (n < 0)
			die("no STATUS=%s from epdmad (120 s)", state);
		buf[n] = '\0';
		for (line = buf; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
			if (!strncmp(line, want, strlen(want)))
				return t;
		if (strstr(buf, "STATUS=failed"))
			die("epdmad: %s", buf);
	}
}

static void stop(struct dmn *d)
{
	int status;

	kill(d->pid, SIGTERM);
	waitpid(d->pid, &status, 0);
	close(d->notify);
	if (d->events >= 0)
		close(d->events);
}

/* A number after "KEY": in FILE (the first), -1 when there is none. */
static long long file_num(const char *file, const char *key)
{
	char line[512];
	long long v = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *at = strstr(line, key);

		if (at) {
			v = strtoll(at + strlen(key), NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

struct proc {
	long long ctxsw, cpu_us, rss, hwm;
};

static void proc_read(pid_t pid, struct proc *p)
{
	char path[64], stat[1024], *c;
	unsigned long long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	p->ctxsw = file_num(path, "voluntary_ctxt_switches:") +
		   file_num(path, "nonvoluntary_ctxt_switches:");
	p->rss = file_num(path, "VmRSS:");
	p->hwm = file_num(path, "VmHWM:");
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f || !fgets(stat, sizeof(stat), f))
		die("%s: cannot read", path);
	fclose(f);
	/* After "(comm)": state is field 3, utime 14, stime 15. */
	c = strrchr(stat, ')');
	if (!c ||
	    sscanf(c + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		die("%s: cannot parse", path);
	p->cpu_us = (long long)(ut + st) * 1000000 / sysconf(_SC_CLK_TCK);
}

/* The shared objects PID has mapped, on stderr ("mapped: libc.so.6 ..."). */
static void print_maps(pid_t pid)
{
	char path[64], line[1024], seen[4096] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, '/'), word[300];

		if (!name || !strstr(name, ".so"))
			continue;
		name[strcspn(name, "\n")] = '\0';
		snprintf(word, sizeof(word), " %s ", name + 1);
		if (!strstr(seen, word) && strlen(seen) + strlen(word) < sizeof(seen))
			strcat(seen, word + (seen[0] ? 1 : 0));
	}
	fclose(f);
	fprintf(stderr, "mapped:%s%s\n", seen[0] == ' ' ? "" : " ", seen);
}

static int idle(int argc, char **argv)
{
	char status[4200];
	struct proc a, b;
	struct dmn d;
	long long w0, w1;
	int seconds;

	if (argc != 6)
		die("%s", "usage: daemon idle SECONDS SIM EPDMAD DIR");
	seconds = atoi(argv[2]);
	if (quiet_netns() < 0)
		fprintf(stderr, "daemon bench: no user + network namespace: the machine's uevents "
				"count too\n");
	snprintf(status, sizeof(status), "%s/root/run/epdma/status.json", argv[5]);
	start(&d, argv[3], argv[4], argv[5], false);
	until_status(&d, "converged");
	/* It logs and returns to epoll_wait after its notify: let it get there. */
	usleep(200 * 1000);
	w0 = file_num(status, "\"wakeups\":");
	proc_read(d.pid, &a);
	sleep((unsigned int)seconds);
	proc_read(d.pid, &b);
	print_maps(d.pid);
	kill(d.pid, SIGHUP);
	until_status(&d, "converged");
	w1 = file_num(status, "\"wakeups\":");
	stop(&d);
	printf("%lld %lld %lld %lld %lld\n", w1 - w0 - 1, b.ctxsw - a.ctxsw, b.cpu_us - a.cpu_us,
	       b.rss, b.hwm);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries of DIR, sorted, NULL-terminated (at most 255). */
static char **list(const char *dir)
{
	char **v = calloc(256, sizeof(*v));
	DIR *dp = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!v || !dp)
		die("%s: cannot list", dir);
	while ((e = readdir(dp)) && n < 255)
		if (e->d_name[0] != '.')
			v[n++] = strdup(e->d_name);
	closedir(dp);
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

static bool in(char **v, const char *s)
{
	for (; *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

/* The kernel's "add" uevent for PCI function BDF of ROOT, as --uevent-fd takes it. */
static void send_add(struct dmn *d, const char *root, const char *bdf, unsigned int seqnum)
{
	char link[4400], target[1024], msg[4096];
	struct {
		uint32_t portid, uid;
	} hdr = { 0, 0 };
	const char *devpath;
	ssize_t n;
	int len;

	snprintf(link, sizeof(link), "%s/sys/bus/pci/devices/%s", root, bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		die("%s: not a link", link);
	target[n] = '\0';
	devpath = strstr(target, "/devices/");
	if (!devpath)
		die("%s: no /devices/ in its target", link);
	memcpy(msg, &hdr, sizeof(hdr));
	len = snprintf(msg + sizeof(hdr), sizeof(msg) - sizeof(hdr),
		       "add@%s|ACTION=add|DEVPATH=%s|SUBSYSTEM=pci|PCI_SLOT_NAME=%s|SEQNUM=%u|",
		       devpath, devpath, bdf, seqnum);
	for (char *c = msg + sizeof(hdr); *c; c++)
		if (*c == '|')
			*c = '\0';
	if (send(d->events, msg, sizeof(hdr) + (size_t)len, 0) < 0)
		die("%s", "send");
}

/* Some module's dma_bdf holds BDF. */
static bool transport_holds(const char *root, const char *bdf)
{
	char dir[4400], path[4600], want[64];
	char **mods;
	bool found = false;

	snprintf(dir, sizeof(dir), "%s/sys/module", root);
	snprintf(want, sizeof(want), "%s\n", bdf);
	mods = list(dir);
	for (char **m = mods; *m; m++) {
		char buf[64] = "";
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s/parameters/dma_bdf", dir, *m);
		f = fopen(path, "r");
		if (f) {
			found = found || (fgets(buf, sizeof(buf), f) && !strcmp(buf, want));
			fclose(f);
		}
		free(*m);
	}
	free(mods);
	return found;
}

static int latency(int argc, char **argv)
{
	char host[4200], root[4300], devs[4400], cmd[13000];
	char **before, **after, *added[8];
	long long t0, t1, t2;
	size_t nadded = 0;
	struct dmn d;

	if (argc != 6)
		die("%s", "usage: daemon latency SIM EPDMAD EPDMACTL PAIR");
	snprintf(host, sizeof(host), "%s/host", argv[5]);
	snprintf(root, sizeof(root), "%s/root", host);
	snprintf(devs, sizeof(devs), "%s/sys/bus/pci/devices", root);
	start(&d, argv[2], argv[3], host, true);
	until_status(&d, "waiting");
	before = list(devs);
	snprintf(cmd, sizeof(cmd),
		 "'%s' run '%s/endpoint' '%s' --root '%s/endpoint/root' setup "
		 ">/dev/null",
		 argv[2], argv[5], argv[4], argv[5]);
	if (system(cmd) != 0)
		die("%s: failed", cmd);
	/* The link came up: the host's rescan (pciehp on a hotplug slot) adds the card. */
	snprintf(cmd, sizeof(cmd), "'%s' run '%s' sh -c 'echo 1 > %s/sys/bus/pci/rescan'", argv[2],
		 host, root);
	if (system(cmd) != 0)
		die("%s: failed", cmd);
	after = list(devs);
	for (char **a = after; *a && nadded < 8; a++)
		if (!in(before, *a))
			added[nadded++] = *a;
	if (nadded < 2)
		die("%s: the rescan added fewer than two functions", devs);
	qsort(added, nadded, sizeof(*added), cmp_str);
	t0 = now_ns();
	for (size_t i = 0; i < nadded; i++)
		send_add(&d, root, added[i], 5000 + (unsigned int)i);
	t1 = until_status(&d, "reconciling");
	t2 = until_status(&d, "converged");
	if (!transport_holds(root, added[1]))
		die("no transport holds %s after the daemon converged", added[1]);
	stop(&d);
	printf("%lld %lld %lld\n", t1 - t0, t2 - t1, t2 - t0);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && !strcmp(argv[1], "idle"))
		return idle(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "latency"))
		return latency(argc, argv);
	fprintf(stderr, "usage: daemon idle SECONDS SIM EPDMAD DIR\n"
			"       daemon latency SIM EPDMAD EPDMACTL PAIR\n");
	return 2;
}
