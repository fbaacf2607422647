// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The link's state: the NTB device on /sys/bus/ntb, the transport's queue
 * pairs from debugfs (ntb_transport.c:1236-1240, 1380-1383: <debugfs>/
 * ntb_transport/<pci name>/qp<N>/stats, "QP Link - \tUp" at :546; empty while
 * the queue is down, :475), and
 * the ntb_netdev client's interface, a child of the transport's client
 * device "ntb_netdev<N>" under the NTB device (ntb_transport.c:409-412,
 * ntb_netdev.c SET_NETDEV_DEV), read through rtnetlink. libnl-route is
 * loaded only here, so commands that never show the link never map it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dl.h"

static EPDMA_DLSYM_PROTOTYPE(nl_socket_alloc);
static EPDMA_DLSYM_PROTOTYPE(nl_socket_free);
static EPDMA_DLSYM_PROTOTYPE(nl_connect);
static EPDMA_DLSYM_PROTOTYPE(nl_syserr2nlerr);
static EPDMA_DLSYM_PROTOTYPE(nl_cache_free);
static EPDMA_DLSYM_PROTOTYPE(nl_cache_get_first);
static EPDMA_DLSYM_PROTOTYPE(nl_cache_get_next);
static EPDMA_DLSYM_PROTOTYPE(nl_addr_get_binary_addr);
static EPDMA_DLSYM_PROTOTYPE(nl_addr_get_len);
static const struct epdma_dlsym nl_syms[] = {
	EPDMA_DLSYM(nl_socket_alloc),	EPDMA_DLSYM(nl_socket_free),
	EPDMA_DLSYM(nl_connect),	EPDMA_DLSYM(nl_syserr2nlerr),
	EPDMA_DLSYM(nl_cache_free),	EPDMA_DLSYM(nl_cache_get_first),
	EPDMA_DLSYM(nl_cache_get_next), EPDMA_DLSYM(nl_addr_get_binary_addr),
	EPDMA_DLSYM(nl_addr_get_len),
};
static struct epdma_dl nl_dl = EPDMA_DL_INIT("libnl-3.so.200", "libnl-3-200", nl_syms);

static EPDMA_DLSYM_PROTOTYPE(rtnl_link_get_kernel);
static EPDMA_DLSYM_PROTOTYPE(rtnl_link_put);
static EPDMA_DLSYM_PROTOTYPE(rtnl_link_get_operstate);
static EPDMA_DLSYM_PROTOTYPE(rtnl_link_operstate2str);
static EPDMA_DLSYM_PROTOTYPE(rtnl_link_get_carrier);
static EPDMA_DLSYM_PROTOTYPE(rtnl_link_get_mtu);
static EPDMA_DLSYM_PROTOTYPE(rtnl_link_get_stat);
static EPDMA_DLSYM_PROTOTYPE(rtnl_link_get_ifindex);
static EPDMA_DLSYM_PROTOTYPE(rtnl_addr_alloc_cache);
static EPDMA_DLSYM_PROTOTYPE(rtnl_addr_get_ifindex);
static EPDMA_DLSYM_PROTOTYPE(rtnl_addr_get_family);
static EPDMA_DLSYM_PROTOTYPE(rtnl_addr_get_local);
static EPDMA_DLSYM_PROTOTYPE(rtnl_addr_get_prefixlen);
static EPDMA_DLSYM_PROTOTYPE(rtnl_link_get_flags);
static const struct epdma_dlsym route_syms[] = {
	EPDMA_DLSYM(rtnl_link_get_kernel),    EPDMA_DLSYM(rtnl_link_put),
	EPDMA_DLSYM(rtnl_link_get_operstate), EPDMA_DLSYM(rtnl_link_operstate2str),
	EPDMA_DLSYM(rtnl_link_get_carrier),   EPDMA_DLSYM(rtnl_link_get_mtu),
	EPDMA_DLSYM(rtnl_link_get_stat),      EPDMA_DLSYM(rtnl_link_get_flags),
	EPDMA_DLSYM(rtnl_link_get_ifindex),   EPDMA_DLSYM(rtnl_addr_alloc_cache),
	EPDMA_DLSYM(rtnl_addr_get_ifindex),   EPDMA_DLSYM(rtnl_addr_get_family),
	EPDMA_DLSYM(rtnl_addr_get_local),     EPDMA_DLSYM(rtnl_addr_get_prefixlen),
};
static struct epdma_dl route_dl = EPDMA_DL_INIT("libnl-route-3.so.200", "libnl-route-3-200",
						route_syms);

/* libnl's -NLE_* as an errno: the few it can give here. */
static int nl_errno(int nle)
{
	switch (-nle) {
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

/* One address of the dump into ST when it belongs to IFINDEX. */
static void keep_addr(struct rtnl_addr *a, int ifindex, struct epdma_link_state *st)
{
	struct nl_addr *local = sym_rtnl_addr_get_local(a);
	int family = sym_rtnl_addr_get_family(a);
	struct epdma_link_addr *out;

	if (sym_rtnl_addr_get_ifindex(a) != ifindex || !local ||
	    (family != AF_INET && family != AF_INET6) ||
	    sym_nl_addr_get_len(local) != (family == AF_INET ? 4u : 16u))
		return;
	if (st->naddrs == EPDMA_LINK_MAX_ADDRS) {
		st->addrs_lost++;
		return;
	}
	out = &st->addrs[st->naddrs];
	if (!inet_ntop(family, sym_nl_addr_get_binary_addr(local), out->address,
		       sizeof(out->address)))
		return;
	out->family = family;
	out->prefixlen = (unsigned int)sym_rtnl_addr_get_prefixlen(a);
	st->naddrs++;
}

/*
 * The interface's addresses: one RTM_GETADDR dump of every family (the
 * kernel filters a dump by ifindex only on strict-checking sockets), kept
 * where the ifindex is the interface's.
 */
static int read_addrs(struct nl_sock *sk, int ifindex, struct epdma_link_state *st)
{
	struct nl_cache *cache = NULL;
	int r = sym_rtnl_addr_alloc_cache(sk, &cache);

	if (r < 0)
		return st->addrs_error = nl_errno(r);
	for (struct nl_object *o = sym_nl_cache_get_first(cache); o; o = sym_nl_cache_get_next(o))
		keep_addr((struct rtnl_addr *)o, ifindex, st);
	sym_nl_cache_free(cache);
	st->addrs_known = true;
	return 0;
}

int epdma_link_netdev(struct epdma_ctx *ctx, const char *ifname, struct epdma_link_state *st)
{
	struct nl_sock *sk;
	struct rtnl_link *link = NULL;
	char buf[32];
	int r = epdma_dl_open(ctx, &nl_dl);

	if (r == 0)
		r = epdma_dl_open(ctx, &route_dl);
	if (r < 0)
		return st->nl_error = r;
	sk = sym_nl_socket_alloc();
	if (!sk)
		return st->nl_error = -ENOMEM;
	r = sym_nl_connect(sk, NETLINK_ROUTE);
	if (r == 0)
		r = sym_rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (r < 0) {
		sym_nl_socket_free(sk);
		return st->nl_error = nl_errno(r);
	}
	/* The link's state stands on its own: a failed address dump is only said. */
	read_addrs(sk, sym_rtnl_link_get_ifindex(link), st);
	sym_nl_socket_free(sk);
	snprintf(st->operstate, sizeof(st->operstate), "%s",
		 sym_rtnl_link_operstate2str(sym_rtnl_link_get_operstate(link), buf, sizeof(buf)));
	/* IFLA_CARRIER is on for an interface never opened (ntb_netdev turns it off only
	 * in ndo_open, ntb_netdev.c:280): a carrier counts only while the interface is
	 * up, as the kernel's own carrier attribute answers (net-sysfs.c:210, v6.12). */
	st->carrier = (sym_rtnl_link_get_flags(link) & IFF_UP) &&
		      sym_rtnl_link_get_carrier(link) == 1;
	st->mtu = sym_rtnl_link_get_mtu(link);
	st->rx_bytes = sym_rtnl_link_get_stat(link, RTNL_LINK_RX_BYTES);
	st->tx_bytes = sym_rtnl_link_get_stat(link, RTNL_LINK_TX_BYTES);
	sym_rtnl_link_put(link);
	st->nl_known = true;
	return 0;
}

/* qp<N>/stats of the transport on DEV: how many queues, how many "QP Link - \tUp". */
static void read_qps(struct epdma_ctx *ctx, struct epdma_link_state *st)
{
	char dir[160], **qps = NULL;

	snprintf(dir, sizeof(dir), "/sys/kernel/debug/ntb_transport/%s", st->ntb_device);
	if (epdma_fs_list(ctx, dir, &qps) < 0) {
		/* No transport on this device (none loaded, or bound elsewhere):
		 * debugfs itself is there when it has entries of its own. */
		st->debugfs = epdma_fs_list(ctx, "/sys/kernel/debug", &qps) >= 0 && qps[0];
		epdma_strv_free(qps);
		return;
	}
	st->debugfs = true;
	for (size_t i = 0; qps[i] && st->nqps < EPDMA_LINK_MAX_QPS; i++) {
		char path[256], text[2048];

		if (strncmp(qps[i], "qp", 2))
			continue;
		snprintf(path, sizeof(path), "%s/%s/stats", dir, qps[i]);
		if (epdma_fs_read(ctx, path, text, sizeof(text)) < 0)
			continue;
		st->nqps++;
		st->qps_up += strstr(text, "QP Link - \tUp") != NULL;
	}
	epdma_strv_free(qps);
}

/* <ntbdev>/ntb_netdev<N>/net/<ifname>: the client's interface. */
static void find_netdev(struct epdma_ctx *ctx, struct epdma_link_state *st)
{
	char dir[160], **clients = NULL;

	/* "/.": through the bus link to the device directory. */
	snprintf(dir, sizeof(dir), "/sys/bus/ntb/devices/%s/.", st->ntb_device);
	if (epdma_fs_list(ctx, dir, &clients) < 0)
		return;
	for (size_t i = 0; clients[i] && !st->netdev[0]; i++) {
		char path[256], **nets = NULL;

		if (strncmp(clients[i], "ntb_netdev", 10))
			continue;
		snprintf(path, sizeof(path), "%s/%s/net", dir, clients[i]);
		if (epdma_fs_list(ctx, path, &nets) >= 0 && nets[0])
			snprintf(st->netdev, sizeof(st->netdev), "%s", nets[0]);
		epdma_strv_free(nets);
	}
	epdma_strv_free(clients);
}

/* The PCI device NTB device NAME sits on (its parent: ntb_register_device()), into OUT. */
/* PCI device name DDDD:BB:dd.f on bus WANT_BUS (the domain is not compared). */
static bool on_bus(const char *pci, int want_bus)
{
	unsigned int domain, bus, dev, fn;
	char end;

	return sscanf(pci, "%x:%x:%x.%x%c", &domain, &bus, &dev, &fn, &end) == 4 &&
	       (int)bus == want_bus;
}

/*
 * An NTB device is named after its PCI device (ntb_register_device(),
 * drivers/ntb/core.c:119): the name says which PCI device it sits on, with
 * no lookup of its parent.
 */
bool epdma_link_wants(const struct epdma_link_want *want, const char *ntb_device)
{
	if (!want)
		return true;
	if (want->pci_device && strcmp(ntb_device, want->pci_device))
		return false;
	return want->pci_bus < 0 || on_bus(ntb_device, want->pci_bus);
}

int epdma_link_read(struct epdma_ctx *ctx, const struct epdma_link_want *want,
		    struct epdma_link_state *st)
{
	char **devs = NULL;

	memset(st, 0, sizeof(*st));
	if (epdma_fs_list(ctx, "/sys/bus/ntb/devices", &devs) < 0) {
		epdma_strv_free(devs);
		return 0;
	}
	/*
	 * Several NTB devices can be on the bus: one a vNTB bind of this boot left
	 * (the kernel keeps it after the unlink), or both ends in one kernel (the
	 * loopback tier). The link's is the one on the PCI device WANT names.
	 */
	for (size_t i = 0; devs[i] && !st->ntb_present; i++) {
		if (!epdma_link_wants(want, devs[i]))
			continue;
		st->ntb_present = true;
		snprintf(st->ntb_device, sizeof(st->ntb_device), "%s", devs[i]);
		snprintf(st->pci_device, sizeof(st->pci_device), "%s", devs[i]);
	}
	epdma_strv_free(devs);
	if (!st->ntb_present)
		return 0;
	read_qps(ctx, st);
	find_netdev(ctx, st);
	if (st->netdev[0])
		epdma_link_netdev(ctx, st->netdev, st);
	return 0;
}

const char *epdma_link_summary(const struct epdma_link_state *st, char *buf, size_t size)
{
	if (!st->ntb_present)
		snprintf(buf, size, "down: no NTB device");
	else if (!st->debugfs)
		snprintf(buf, size, "unknown: debugfs not mounted");
	else if (!st->nqps)
		snprintf(buf, size, "down: no transport queue");
	else if (st->qps_up < st->nqps)
		snprintf(buf, size, "down: %u of %u queues up", st->qps_up, st->nqps);
	else
		snprintf(buf, size, "up");
	return buf;
}

static bool link_up(const struct epdma_link_state *st)
{
	char buf[96];

	return !strcmp(epdma_link_summary(st, buf, sizeof(buf)), "up");
}

int epdma_link_wait(struct epdma_ctx *ctx, const struct epdma_link_want *want,
		    unsigned int timeout_ms, struct epdma_link_state *st)
{
	/* The transport retries its link every 10 ms (ntb_transport.c
	 * NTB_LINK_DOWN_TIMEOUT); reading every 100 ms misses nothing a user waits for. */
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	unsigned int waited = 0;

	for (;;) {
		int r = epdma_link_read(ctx, want, st);

		if (r < 0)
			return r;
		if (link_up(st))
			return 1;
		if (waited >= timeout_ms)
			return 0;
		nanosleep(&tick, NULL);
		waited += 100;
	}
}
