/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "epdma.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum daemon_state {
	STATE_STARTING,
	STATE_RECONCILING,
	STATE_CONVERGED,
	STATE_WAITING, /* refused before writing: the system is not ready (no controller, lock held)
			*/
	STATE_FAILED,  /* the config is unusable, or a run failed and was rolled back */
	STATE_STOPPED, /* the daemon exited; what it set up stays */
};

/*
 * Test-only event source (--uevent-fd FD): datagrams of this header followed
 * by the message, so tests can say which netlink port and uid "sent" it. The
 * daemon checks and parses them exactly as it does netlink messages.
 */
struct epdmad_test_uevent {
	uint32_t portid;
	uint32_t uid;
};

/* The NTB client's network interface as the daemon follows it (epdmad/link.c). */
struct daemon_link {
	char ntb_device[64];
	char netdev[32]; /* "" none known */
	int ifindex;	 /* 0 not known (not in this network namespace) */
	bool present;	 /* rtnetlink knows it */
	char operstate[16];
	int carrier;	     /* 1, 0, -1 unknown */
	uint64_t changed_us; /* CLOCK_REALTIME of the last change */
};

struct daemon {
	struct epdma_ctx *ctx;
	const char *root;
	const char *config_path;
	int verbose;
	bool foreground;
	int uevent_fd_arg; /* --uevent-fd, -1 = netlink */
	unsigned int retry_ms, retry_max_ms, retry_attempts_max;
	unsigned int settle_ms; /* --settle: quiet time before a triggered reconcile */

	int ep, sigfd, timerfd, mountfd;
	struct uevent_source *uevents;
	struct link_source *links;
	struct epdma_config *cfg;
	bool cfg_error;
	struct epdma_errors cfg_errs;

	enum daemon_state state;
	enum epdma_role role;
	bool ready_sent;
	bool timer_armed;
	bool timer_is_retry;
	uint64_t timer_due_ms;
	uint64_t burst_start_ms; /* the first trigger the armed settle timer waits out */
	unsigned int attempt;	 /* retries so far since the last event */
	uint64_t next_retry_ms;
	char error[512];       /* the last reconcile's cause, "" none */
	char failed_step[256]; /* the operation or check that failed, "" none */
	char controller[64];
	char vntb_bdf[32];	       /* host: the vNTB function the last run found ("" none) */
	uint64_t since_us, updated_us; /* CLOCK_REALTIME */
	struct {
		uint64_t wakeups, uevents, ignored, triggers, reconciles, writes;
		uint64_t link_messages, link_ignored, link_changes;
	} count;
	struct daemon_link link;
	struct epdma_owned_function objects[EPDMA_MAX_FUNCTIONS];
	size_t nobjects;
};

/* reconcile.c */
void reconcile(struct daemon *d, bool after_event);
int daemon_load_config(struct daemon *d);
const char *daemon_state_name(enum daemon_state s);
void daemon_write_status(struct daemon *d);

/* notify.c: sd_notify(3) without libsystemd; 0 when NOTIFY_SOCKET is unset. */
int notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* uevents.c */
struct uevent_source;
/* The kernel's uevent group through libnl, or (tests) the datagrams on FD >= 0. */
int uevent_source_open(int fd, struct uevent_source **src);
int uevent_source_fd(const struct uevent_source *src);
/* Read every message queued now; calls FN for each kernel uevent that parsed. */
int uevent_source_drain(struct uevent_source *src, struct daemon *d,
			void (*fn)(struct daemon *d, const struct epdma_uevent *ev));
void uevent_source_free(struct uevent_source *src);
/* libnl's -NLE_* as -errno; nl_recv()'s, with the kernel's ENOBUFS told apart. */
int nl_to_errno(int nlerr);
int nl_recv_errno(int nlerr);

/* link.c */
struct link_source;
/* An rtnetlink socket in RTNLGRP_LINK (this network namespace's interfaces). */
int link_source_open(struct link_source **src);
int link_source_fd(const struct link_source *src);
/* Read every queued message: 1 when the followed interface changed, 0, or -errno
 * (-ENOBUFS: some were dropped). */
int link_source_drain(struct link_source *src, struct daemon *d);
void link_source_free(struct link_source *src);
/* Find the NTB client's interface (sysfs) and read its state: true when that changed. */
bool link_lookup(struct daemon *d);

/* epdmad.c */
void daemon_log(struct daemon *d, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
uint64_t now_us(clockid_t clock);
/* Reconcile after MS (unless one is due sooner); RETRY: a back-off retry. */
void daemon_schedule(struct daemon *d, unsigned int ms, bool retry);
void daemon_trigger(struct daemon *d);
