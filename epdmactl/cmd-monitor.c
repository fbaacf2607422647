// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * epdmactl monitor: the kernel uevents that make epdmad reconcile, the
 * daemon's state changes and the NTB client's interface as the daemon follows
 * it, as they happen (--json: one object a line). The
 * uevent socket is a plain netlink socket (no libnl here: epdmactl's other
 * commands must not pay for it), checked and parsed like the daemon's; the
 * state file is watched with inotify. Runs until interrupted.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include "epdmactl.h"

static int uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 /* the kernel's */ };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT),
	    on = 1;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static void print_uevent(struct cli *cli, const struct epdma_uevent *ev)
{
	json_object *o;

	if (!cli->json) {
		printf("uevent: %s %s %s%s%s\n", ev->action, ev->subsystem, ev->devpath,
		       ev->driver[0] ? " driver=" : "", ev->driver);
		fflush(stdout);
		return;
	}
	o = json_object_new_object();
	cli_json_string(o, "type", "uevent");
	cli_json_string(o, "action", ev->action);
	cli_json_string(o, "subsystem", ev->subsystem);
	cli_json_string(o, "devpath", ev->devpath);
	cli_json_string(o, "driver", ev->driver[0] ? ev->driver : NULL);
	cli_json_string(o, "pci_slot_name", ev->pci_slot_name[0] ? ev->pci_slot_name : NULL);
	cli_json_int(o, "seqnum", (int64_t)ev->seqnum);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

static void read_uevents(struct cli *cli, int fd)
{
	static char buf[EPDMA_UEVENT_MAX + 1];

	for (;;) {
		char control[CMSG_SPACE(sizeof(struct ucred))];
		struct sockaddr_nl from = { 0 };
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = { .msg_name = &from,
				      .msg_namelen = sizeof(from),
				      .msg_iov = &iov,
				      .msg_iovlen = 1,
				      .msg_control = control,
				      .msg_controllen = sizeof(control) };
		struct cmsghdr *c;
		struct ucred *cred = NULL;
		struct epdma_uevent ev;
		ssize_t n = recvmsg(fd, &msg, 0);

		if (n < 0)
			return; /* EAGAIN: all read; ENOBUFS: some were lost, go on */
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
				cred = (struct ucred *)CMSG_DATA(c);
		if (!epdma_uevent_from_kernel(from.nl_pid, cred != NULL, cred ? cred->uid : 1) ||
		    epdma_uevent_parse(buf, (size_t)n, &ev) < 0 ||
		    !epdma_uevent_triggers(EPDMA_ROLE_AUTO, &ev))
			continue;
		print_uevent(cli, &ev);
	}
}

static const char *link_field(json_object *link, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(link, key, &v) && v ? json_object_get_string(v) : NULL;
}

/* The link part of the state file in words ("" when the daemon follows none). */
static void describe_link(json_object *st, char *buf, size_t size)
{
	json_object *link = NULL, *v;
	const char *netdev, *operstate;

	buf[0] = '\0';
	if (!st || !json_object_object_get_ex(st, "link", &link) || !link)
		return;
	netdev = link_field(link, "netdev");
	operstate = link_field(link, "operstate");
	if (!netdev)
		return;
	if (!json_object_object_get_ex(link, "present", &v) || !json_object_get_boolean(v)) {
		snprintf(buf, size, "%s: absent", netdev);
		return;
	}
	json_object_object_get_ex(link, "carrier", &v);
	snprintf(buf, size, "%s: %s, carrier %s", netdev, operstate ? operstate : "unknown",
		 !v			      ? "unknown"
		 : json_object_get_boolean(v) ? "on"
					      : "off");
}

/* Print the link when it differs from what was printed last (*LAST; NULL: nothing yet). */
static void show_link(struct cli *cli, json_object *st, char **last)
{
	json_object *link = NULL, *o;
	char text[256];

	describe_link(st, text, sizeof(text));
	if (!strcmp(*last ? *last : "", text))
		return;
	free(*last);
	*last = strdup(text);
	if (!cli->json) {
		printf("link: %s\n", text[0] ? text : "none followed");
	} else {
		o = json_object_new_object();
		cli_json_string(o, "type", "link");
		if (st && json_object_object_get_ex(st, "link", &link) && link) {
			json_object_object_foreach(link, key, value)
				json_object_object_add(o, key, json_object_get(value));
		} else {
			json_object_object_add(o, "netdev", NULL);
		}
		printf("%s\n", json_object_to_json_string_ext(
				       o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	fflush(stdout);
}

/*
 * Print the daemon's state when it differs from what was printed last
 * (*LAST), then its link the same way (*LAST_LINK). The state file holds the
 * latest of each: changes faster than this reads it come out as the last one.
 */
static void show_state(struct cli *cli, char **last, char **last_link)
{
	json_object *st = cli_daemon_state(cli), *o;
	char text[1024];

	if (st)
		cli_daemon_describe(st, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "not running");
	if (*last && !strcmp(*last, text)) {
		show_link(cli, st, last_link);
		json_object_put(st);
		return;
	}
	free(*last);
	*last = strdup(text);
	if (!cli->json) {
		printf("daemon: %s\n", text);
	} else {
		o = json_object_new_object();
		cli_json_string(o, "type", "daemon");
		json_object_object_add(o, "status", st ? json_object_get(st) : NULL);
		printf("%s\n", json_object_to_json_string_ext(
				       o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	fflush(stdout);
	show_link(cli, st, last_link);
	json_object_put(st);
}

static int watch_state(struct cli *cli)
{
	int dir = epdma_daemon_status_dir(cli->ctx), fd;
	char path[64];

	if (dir < 0)
		return dir;
	fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", dir);
	/* The daemon renames its file into place: IN_MOVED_TO; IN_CLOSE_WRITE for anyone else. */
	if (fd < 0 || inotify_add_watch(fd, path, IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE) < 0) {
		int r = -errno;

		if (fd >= 0)
			close(fd);
		close(dir);
		return r;
	}
	close(dir);
	return fd;
}

int cmd_monitor(struct cli *cli)
{
	struct pollfd p[2] = { { .fd = -1, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
	char *last = NULL, *last_link = NULL, buf[4096];

	p[0].fd = uevent_socket();
	if (p[0].fd < 0)
		fprintf(stderr,
			"epdmactl: monitor: no uevent socket (%s); showing the daemon only\n",
			strerror(-p[0].fd));
	p[1].fd = watch_state(cli);
	if (p[1].fd < 0)
		fprintf(stderr, "epdmactl: monitor: cannot watch %s: %s\n",
			EPDMA_DAEMON_STATUS_PATH, strerror(-p[1].fd));
	if (p[0].fd < 0 && p[1].fd < 0)
		return EXIT_FAIL;
	show_state(cli, &last, &last_link);
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			read_uevents(cli, p[0].fd);
		if (p[1].revents) {
			while (read(p[1].fd, buf, sizeof(buf)) > 0)
				;
			show_state(cli, &last, &last_link);
		}
	}
	free(last);
	free(last_link);
	return EXIT_FAIL;
}
