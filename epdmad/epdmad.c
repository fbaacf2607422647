// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epdmad: keep this side of the link as the config says. Reconciles at start,
 * on SIGHUP (after reloading the config) and on the kernel uevents that can
 * change the outcome; retries with a bounded back-off where waiting helps.
 * Event-driven: epoll over the uevent socket, an rtnetlink socket (the NTB
 * client's interface, epdmad/link.c), a signalfd, a timerfd (settle and
 * back-off) and /proc/self/mountinfo; converged and idle, it never wakes.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <syslog.h>
#include <unistd.h>

#include "epdmad.h"

/*
 * A trigger (uevent, mount change) reconciles once nothing more came for the
 * settle time, so a burst (a rescan adding a card's functions, a controller
 * and its functions probing) is one reconcile, and a lone uevent costs a few
 * ms of latency. A stream that never pauses still reconciles SETTLE_CAP times
 * the settle time after its first trigger.
 */
#define SETTLE_MS  5
#define SETTLE_CAP 20

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: epdmad [OPTIONS]\n"
		"\n"
		"Keep PCI endpoint DMA delegation set up as the config says: reconcile at\n"
		"start, on SIGHUP and on kernel uevents.\n"
		"\n"
		"Options:\n"
		"  --root DIR           resolve every system path below DIR (default /)\n"
		"  -c, --config FILE    configuration file (default <root>/etc/epdma.conf)\n"
		"  -f, --foreground     stay in the foreground, log to stderr\n"
		"  -v, --verbose        log more (repeat for debug)\n"
		"  --retry-delay MS     first back-off delay (default 1000, doubling to 60000)\n"
		"  --settle MS          quiet time after a uevent before reconciling (default 5)\n"
		"  --uevent-fd FD       tests only: read uevents from the socket FD\n"
		"  -h, --help           show this help\n"
		"  --version            show the version\n");
}

uint64_t now_us(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int log_level(const struct daemon *d)
{
	return d->verbose >= 2 ? LOG_DEBUG : d->verbose ? LOG_INFO : LOG_NOTICE;
}

static void vlog(struct daemon *d, int priority, const char *fmt, va_list ap)
{
	char msg[1024];

	if (priority > log_level(d))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!d->foreground) {
		syslog(priority, "%s", msg);
		return;
	}
	/* Under systemd stderr is the journal: "<N>" gives the line its priority. */
	if (getenv("JOURNAL_STREAM"))
		fprintf(stderr, "<%d>%s\n", priority, msg);
	else
		fprintf(stderr, "epdmad: %s\n", msg);
}

void daemon_log(struct daemon *d, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(d, priority, fmt, ap);
	va_end(ap);
}

static void lib_log(void *data, int priority, const char *msg)
{
	daemon_log(data, priority, "%s", msg);
}

/* The timer at DUE (ms on CLOCK_MONOTONIC, NOW at most): a reconcile then. */
static void arm(struct daemon *d, uint64_t now, uint64_t due, bool retry)
{
	/* A zero it_value disarms: a due time already reached is 1 ns away. */
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)((due - now) / 1000),
						.tv_nsec = (long)((due - now) % 1000) * 1000000 +
							   1 } };

	if (timerfd_settime(d->timerfd, 0, &its, NULL) < 0) {
		daemon_log(d, LOG_ERR, "timerfd: %m");
		return;
	}
	d->timer_armed = true;
	d->timer_is_retry = retry;
	d->timer_due_ms = due;
}

void daemon_schedule(struct daemon *d, unsigned int ms, bool retry)
{
	uint64_t now = now_us(CLOCK_MONOTONIC) / 1000;

	if (d->timer_armed && d->timer_due_ms <= now + ms)
		return; /* a reconcile comes sooner anyway */
	arm(d, now, now + ms, retry);
}

/* Something changed: reconcile once it settles (SETTLE_MS), however soon a retry was due. */
void daemon_trigger(struct daemon *d)
{
	uint64_t now = now_us(CLOCK_MONOTONIC) / 1000, cap;

	if (!d->timer_armed || d->timer_is_retry)
		d->burst_start_ms = now; /* the first trigger of a burst */
	cap = d->burst_start_ms + (uint64_t)d->settle_ms * SETTLE_CAP;
	arm(d, now, now + d->settle_ms < cap ? now + d->settle_ms : cap, false);
}

static void on_uevent(struct daemon *d, const struct epdma_uevent *ev)
{
	/* Before the first role resolution (or with role = auto) listen for either role. */
	enum epdma_role role = d->cfg && d->cfg->role != EPDMA_ROLE_AUTO ? d->role
									 : EPDMA_ROLE_AUTO;

	if (!epdma_uevent_triggers(role, ev)) {
		daemon_log(d, LOG_DEBUG, "uevent %s %s (%s): not for epdma", ev->action,
			   ev->devpath, ev->subsystem);
		return;
	}
	d->count.triggers++;
	daemon_log(d, LOG_INFO, "uevent %s %s (%s): reconcile", ev->action, ev->devpath,
		   ev->subsystem);
	daemon_trigger(d);
}

/* 1: keep going, 0: stop. */
static int on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGHUP) {
			daemon_log(d, LOG_INFO, "%s: stopping; the link stays up",
				   strsignal((int)si.ssi_signo));
			return 0;
		}
		notify("RELOADING=1\nMONOTONIC_USEC=%llu",
		       (unsigned long long)now_us(CLOCK_MONOTONIC));
		d->ready_sent = false; /* READY=1 again once reloaded */
		daemon_log(d, LOG_INFO, "SIGHUP: reloading the config");
		daemon_load_config(d);
		reconcile(d, true);
	}
	return 1;
}

static void on_timer(struct daemon *d)
{
	uint64_t expirations;
	bool retry = d->timer_is_retry;

	if (read(d->timerfd, &expirations, sizeof(expirations)) < 0)
		return;
	d->timer_armed = false;
	reconcile(d, !retry);
}

static int watch(struct daemon *d, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	return epoll_ctl(d->ep, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int setup_fds(struct daemon *d)
{
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	d->ep = epoll_create1(EPOLL_CLOEXEC);
	d->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->ep < 0 || d->sigfd < 0 || d->timerfd < 0)
		return -errno;
	r = uevent_source_open(d->uevent_fd_arg, &d->uevents);
	if (r < 0) {
		daemon_log(d, LOG_ERR, "uevent socket: %s", strerror(-r));
		return r;
	}
	if ((r = watch(d, d->sigfd, EPOLLIN)) < 0 || (r = watch(d, d->timerfd, EPOLLIN)) < 0 ||
	    (r = watch(d, uevent_source_fd(d->uevents), EPOLLIN)) < 0)
		return r;
	/* Without it the daemon still reconciles; only the link part of its state is not kept. */
	r = link_source_open(&d->links);
	if (r < 0)
		daemon_log(d, LOG_WARNING, "rtnetlink socket: %s; the link is not followed",
			   strerror(-r));
	else if ((r = watch(d, link_source_fd(d->links), EPOLLIN)) < 0)
		return r;
	/* The kernel flags a mount table change with EPOLLPRI (a fixture file cannot). */
	d->mountfd = epdma_mountinfo_open(d->ctx);
	if (d->mountfd >= 0 && watch(d, d->mountfd, EPOLLPRI) < 0) {
		daemon_log(d, LOG_DEBUG, "/proc/self/mountinfo cannot be watched: %m");
		close(d->mountfd);
		d->mountfd = -1;
	}
	return 0;
}

static void on_uevents(struct daemon *d)
{
	int r = uevent_source_drain(d->uevents, d, on_uevent);

	if (r == -EPIPE || r == -EBADF) {
		daemon_log(d, LOG_WARNING, "the uevent source closed; no more uevents");
		epoll_ctl(d->ep, EPOLL_CTL_DEL, uevent_source_fd(d->uevents), NULL);
	} else if (r == -ENOBUFS) {
		/* The kernel dropped some: whatever they said, look again. */
		daemon_log(d, LOG_WARNING, "uevents were lost (socket buffer full): reconcile");
		daemon_trigger(d);
	} else if (r < 0) {
		daemon_log(d, LOG_WARNING, "reading uevents: %s", strerror(-r));
	}
}

static void on_links(struct daemon *d)
{
	int r = link_source_drain(d->links, d);

	if (r == -ENOBUFS) {
		/* The kernel dropped some: read the interface's state again. */
		daemon_log(d, LOG_WARNING, "link messages were lost (socket buffer full)");
		r = link_lookup(d);
	} else if (r < 0) {
		daemon_log(d, LOG_WARNING, "reading link messages: %s", strerror(-r));
	}
	if (r > 0)
		daemon_write_status(d);
}

static int loop(struct daemon *d)
{
	for (;;) {
		struct epoll_event evs[8];
		int n = epoll_wait(d->ep, evs, ARRAY_SIZE(evs), -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		d->count.wakeups++;
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == d->sigfd && !on_signal(d))
				return 0;
			else if (fd == d->timerfd)
				on_timer(d);
			else if (fd == d->mountfd) {
				daemon_log(d, LOG_DEBUG, "the mount table changed: reconcile");
				d->count.triggers++;
				daemon_trigger(d);
			} else if (d->uevents && fd == uevent_source_fd(d->uevents))
				on_uevents(d);
			else if (d->links && fd == link_source_fd(d->links))
				on_links(d);
		}
	}
}

static int parse_options(struct daemon *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "retry-delay", required_argument, NULL, 'R' },
		{ "settle", required_argument, NULL, 'S' },
		{ "uevent-fd", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	char *end;
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "c:fvh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			d->root = optarg;
			break;
		case 'c':
			d->config_path = optarg;
			break;
		case 'f':
			d->foreground = true;
			break;
		case 'v':
			d->verbose++;
			break;
		case 'R':
		case 'S':
		case 'U':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || v < (c == 'R' ? 1 : 0) ||
			    v > (c == 'S' ? 60000 : 3600000)) {
				fprintf(stderr, "epdmad: --%s: not a valid number: %s\n",
					c == 'R'   ? "retry-delay"
					: c == 'S' ? "settle"
						   : "uevent-fd",
					optarg);
				return 2;
			}
			if (c == 'R')
				d->retry_ms = (unsigned int)v;
			else if (c == 'S')
				d->settle_ms = (unsigned int)v;
			else
				d->uevent_fd_arg = (int)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("epdmad %s\n", EPDMA_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "epdmad: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return -1;
}

static void cleanup(struct daemon *d)
{
	uevent_source_free(d->uevents);
	link_source_free(d->links);
	for (int *fd = &d->ep; fd <= &d->mountfd; fd++)
		if (*fd >= 0)
			close(*fd);
	epdma_config_free(d->cfg);
	epdma_errors_clear(&d->cfg_errs);
	epdma_ctx_free(d->ctx);
}

int main(int argc, char **argv)
{
	struct daemon d = {
		.root = "/",
		.uevent_fd_arg = -1,
		.retry_ms = 1000,
		.settle_ms = SETTLE_MS,
		.retry_max_ms = 60000,
		.retry_attempts_max = 10,
		.ep = -1,
		.sigfd = -1,
		.timerfd = -1,
		.mountfd = -1,
		.link = { .carrier = -1 },
	};
	int r = parse_options(&d, argc, argv);

	if (r >= 0)
		return r;
	if (d.retry_max_ms < d.retry_ms)
		d.retry_max_ms = d.retry_ms;
	if (!d.foreground) {
		openlog("epdmad", LOG_PID, LOG_DAEMON);
		if (daemon(0, 0) < 0) {
			fprintf(stderr, "epdmad: cannot go to the background: %m\n");
			return 1;
		}
	}
	r = epdma_ctx_new(&d.ctx, d.root);
	if (r < 0) {
		daemon_log(&d, LOG_ERR, "--root %s: %s", d.root, strerror(-r));
		return 1;
	}
	epdma_ctx_set_log_fn(d.ctx, lib_log, &d);
	/* Never sleep in the lock: a held lock is a retry from the timer. */
	epdma_ctx_set_lock_timeout(d.ctx, 0);
	epdma_ctx_set_log_priority(d.ctx, log_level(&d));
	d.since_us = now_us(CLOCK_REALTIME);
	r = setup_fds(&d);
	if (r < 0) {
		daemon_log(&d, LOG_ERR, "cannot start: %s", strerror(-r));
		cleanup(&d);
		return 1;
	}
	daemon_load_config(&d); /* a bad config is reported as the state, and SIGHUP retries */
	reconcile(&d, true);
	r = loop(&d);
	notify("STOPPING=1");
	/* The last word in the state file: no daemon keeps this any more. */
	d.state = STATE_STOPPED;
	d.since_us = d.updated_us = now_us(CLOCK_REALTIME);
	d.next_retry_ms = 0;
	/* Nobody follows the link any more: no stale copy of it. */
	d.link = (struct daemon_link){ .carrier = -1 };
	daemon_write_status(&d);
	if (r < 0)
		daemon_log(&d, LOG_ERR, "epoll: %s", strerror(-r));
	cleanup(&d);
	return r < 0 ? 1 : 0;
}
