// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The simulated endpoint+host pair and its link model (sim-link.h). The host
 * sees exactly what the endpoint's configfs graph says at the moment the host
 * rescans, through the fixture's own card builders (fixture-host.c).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bar.h"
#include "fixture-internal.h"
#include "sim-link.h"

#define EP_CONTROLLERS "sys/kernel/config/pci_ep/controllers"
#define EP_FUNCTIONS   "sys/kernel/config/pci_ep/functions"
#define CARD_PORT      "pci0000:00/0000:00:1d.0/0000:06:00.0/0000:07:01.0"

struct cable {
	char side[64], epc[64], slot[32], parent[256], dma[32];
	unsigned long long mmio;
};

static const char endpoint_conf[] = "# The simulated R-Car S4 endpoint (epdma-sim pair).\n"
				    "[general]\nrole = endpoint\nprofile = rcar-gen4\n\n"
				    "[vntb]\nvbus_number = 0x10\n\n"
				    "[dma]\nwr_chans = 2\nrd_chans = 2\n";
static const char host_conf[] = "# The simulated x86 host (epdma-sim pair).\n"
				"[general]\nrole = host\nprofile = rcar-gen4\n\n"
				"[dma]\nwr_chans = 2\nrd_chans = 2\n\n"
				"[host]\nrescan_interval_ms = 50\n";

/* ---- sides ---- */

struct fx *sim_side(const char *dir, const char *side)
{
	struct fx_priv *p = calloc(1, sizeof(*p));
	char *rel;

	if (!p)
		ck_abort_msg("sim: out of memory");
	p->pub.dir = fx_strdupf("%s/%s", dir, side);
	p->pub.root = fx_strdupf("%s/root", p->pub.dir);
	p->pub.state = fx_strdupf("%s/kernel", p->pub.dir);
	rel = fx_read(&p->pub, "proc/sys/kernel/osrelease");
	if (rel)
		rel[strcspn(rel, "\n")] = '\0';
	p->pub.release = rel;
	return &p->pub;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		ck_abort_msg("sim: write %s: %s", path, strerror(errno));
}

static void rm_rf(const char *path)
{
	char *cmd = fx_strdupf("rm -rf '%s'", path);

	if (system(cmd) != 0)
		ck_abort_msg("sim: %s failed", cmd);
	free(cmd);
}

/* The fake kernel of DIR/SIDE runs the cable on its events (fakekernel/link.c). */
static void hook(const char *dir, const char *side, const char *helper)
{
	char *p = fx_strdupf("%s/%s/kernel/link-hook", dir, side);
	char *text = fx_strdupf("%s\nlink-event\n%s\n%s\n", helper, dir, side);

	write_file(p, text);
	free(text);
	free(p);
}

/* A machine built by BUILD at DIR/SIDE (built in a temp dir inside DIR, then
 * renamed: a rename on one file system, and no path of the build is kept). */
static void build_side(const char *dir, const char *side, void (*build)(struct fx *fx),
		       const char *conf, const char *helper)
{
	char *saved = getenv("TMPDIR") ? fx_strdupf("%s", getenv("TMPDIR")) : NULL;
	char *to = fx_strdupf("%s/%s", dir, side);
	struct fx *fx;

	setenv("TMPDIR", dir, 1);
	fx = fx_new();
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	build(fx);
	if (conf) {
		char *p = fx_path(fx, "etc/epdma.conf");

		fx_write(fx, "etc/epdma.conf", "%s", conf);
		chmod(p, 0644);
		free(p);
	}
	if (rename(fx->dir, to) < 0)
		ck_abort_msg("sim: rename %s to %s: %s", fx->dir, to, strerror(errno));
	fx_detach(fx);
	hook(dir, side, helper);
	free(to);
}

/* The endpoint of the pair: an R-Car S4 with the NTB transport and its client
 * on disk (the same module objects as the host's), so that setup loads them. */
static void build_endpoint(struct fx *fx)
{
	fx_rcar_s4(fx);
	fx_host_modules(fx, true);
}

/* The host of the pair: the x86 tree, the host modules, and an ntb_hw_epf
 * that knows the R-Car vNTB ID (the R-Car vNTB series, backported: 6.12's
 * has no 0x1912:0x0030 entry, and the endpoint is an R-Car). */
static void build_host(struct fx *fx)
{
	static const char *const epf_aliases[] = { "pci:v00001957d00000809sv*sd*bc05sc00i*",
						   "pci:v0000104Cd0000B00Dsv*sd*bc05sc00i*",
						   "pci:v00001912d00000030sv*sd*bc05sc00i*", NULL };

	fx_x86_host(fx);
	fx_host_modules(fx, true);
	fx_module_parm(fx, "drivers/ntb/hw/epf", "ntb_hw_epf", epf_aliases, "ntb", NULL);
	fx_depmod(fx);
}

static void cable_add(const char *dir, const char *side, const char *epc, const char *slot,
		      const char *parent, unsigned long long mmio)
{
	char *p = fx_strdupf("%s/cable", dir);
	FILE *f = fopen(p, "ae");

	if (!f || fprintf(f, "%s %s %s %s 0x%llx\n", side, epc, slot, parent, mmio) < 0 ||
	    fclose(f) != 0)
		ck_abort_msg("sim: write %s: %s", p, strerror(errno));
	free(p);
}

char *sim_pair_new(const char *helper)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = fx_strdupf("%s/epdma-pair.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (!mkdtemp(dir))
		ck_abort_msg("sim: mkdtemp %s: %s", dir, strerror(errno));
	build_side(dir, "endpoint", build_endpoint, endpoint_conf, helper);
	build_side(dir, "host", build_host, host_conf, helper);
	cable_add(dir, "endpoint", "e65d0000.pcie-ep", "0000:08:00.0", CARD_PORT, 0x83000000ull);
	return dir;
}

void sim_pair_add_endpoint(const char *dir, const char *side, const char *slot, const char *helper)
{
	char *p = fx_strdupf("%s/cable", dir);
	char line[512];
	unsigned long long mmio = 0x83000000ull;
	FILE *f = fopen(p, "re");

	/* Each card gets its own 16 MiB of MMIO after the last one. */
	while (f && fgets(line, sizeof(line), f))
		mmio += 0x1000000ull;
	if (f)
		fclose(f);
	free(p);
	build_side(dir, side, build_endpoint, endpoint_conf, helper);
	cable_add(dir, side, "e65d0000.pcie-ep", slot, "-", mmio);
}

static size_t cables_load(const char *dir, struct cable *out, size_t max)
{
	char *p = fx_strdupf("%s/cable", dir);
	char line[1024];
	size_t n = 0;
	FILE *f = fopen(p, "re");

	free(p);
	while (f && n < max && fgets(line, sizeof(line), f)) {
		struct cable *c = &out[n];

		if (sscanf(line, "%63s %63s %31s %255s %llx", c->side, c->epc, c->slot, c->parent,
			   &c->mmio) != 5 ||
		    strlen(c->slot) < 3)
			continue;
		snprintf(c->dma, sizeof(c->dma), "%.*s1", (int)strlen(c->slot) - 1, c->slot);
		n++;
	}
	if (f)
		fclose(f);
	return n;
}

/* ---- the endpoint's live graph ---- */

static long attr(struct fx *ep, const char *dir, const char *name, long dflt)
{
	char *p = fx_strdupf("%s/%s", dir, name);
	char *v = fx_read(ep, p);
	long r = dflt;

	if (v && *v)
		r = strtol(v, NULL, 0);
	free(v);
	free(p);
	return r;
}

/* functions/<drv>/<name> of the function of driver DRV linked to EPC; NULL if none. */
static char *linked_function(struct fx *ep, const char *epc, const char *drv)
{
	char *cdir = fx_strdupf(EP_CONTROLLERS "/%s", epc);
	char **names = fx_list(ep, cdir);
	char *found = NULL;

	for (size_t i = 0; names[i] && !found; i++) {
		char *link = fx_strdupf("%s/%s/%s", ep->root, cdir, names[i]);
		char target[1024], *fn;
		ssize_t n = readlink(link, target, sizeof(target) - 1);

		free(link);
		if (n <= 0)
			continue;
		target[n] = '\0';
		fn = strstr(target, "functions/");
		if (fn && !strncmp(fn + 10, drv, strlen(drv)) && fn[10 + strlen(drv)] == '/')
			found = fx_strdupf("sys/kernel/config/pci_ep/%s", fn);
	}
	fx_list_free(names);
	free(cdir);
	return found;
}

/* The driver subgroup <fn>/<drv>.<N>; NULL if none. */
static char *subgroup(struct fx *ep, const char *fn, const char *drv)
{
	char **names = fx_list(ep, fn);
	char *found = NULL;

	for (size_t i = 0; names[i] && !found; i++)
		if (!strncmp(names[i], drv, strlen(drv)) && names[i][strlen(drv)] == '.')
			found = fx_strdupf("%s/%s", fn, names[i]);
	fx_list_free(names);
	return found;
}

static uint32_t class_of(struct fx *ep, const char *fn)
{
	return (uint32_t)(attr(ep, fn, "baseclass_code", 0) & 0xff) << 16 |
	       (uint32_t)(attr(ep, fn, "subclass_code", 0) & 0xff) << 8 |
	       (uint32_t)(attr(ep, fn, "progif_code", 0) & 0xff);
}

static int bar_attr(struct fx *ep, const char *sub, const char *name)
{
	long v = attr(ep, sub, name, -1);

	return v >= 0 && v <= 5 ? (int)v : EPDMA_BAR_AUTO;
}

/* What the host would see of EPC now: true when the controller is started
 * with a vNTB and a DMA function linked; CFG filled from their attributes
 * whenever both are linked (*LINKED, when not NULL, says so). */
static bool endpoint_graph(struct fx *ep, const char *epc, struct epdma_config *cfg, bool *linked)
{
	char *start = fx_strdupf(EP_CONTROLLERS "/%s/start", epc);
	long started = attr(ep, "", start, 0);
	char *vfn = linked_function(ep, epc, "pci_epf_vntb");
	char *dfn = linked_function(ep, epc, "pci_epf_dma");
	char *vsub = vfn ? subgroup(ep, vfn, "pci_epf_vntb") : NULL;
	char *dsub = dfn ? subgroup(ep, dfn, "pci_epf_dma") : NULL;
	bool both = vsub && dsub, up = both && started == 1;

	free(start);
	memset(cfg, 0, sizeof(*cfg));
	if (linked)
		*linked = both;
	if (both) {
		cfg->pairing_tag = (uint16_t)attr(ep, vfn, "subsys_id", 0);
		cfg->vntb.vendor_id = (uint16_t)attr(ep, vfn, "vendorid", 0xffff);
		cfg->vntb.device_id = (uint16_t)attr(ep, vfn, "deviceid", 0xffff);
		cfg->vntb.class_code = class_of(ep, vfn);
		cfg->vntb.num_mws = (uint32_t)attr(ep, vsub, "num_mws", 1);
		cfg->vntb.spad_count = (uint32_t)attr(ep, vsub, "spad_count", 0);
		cfg->vntb.db_count = (uint32_t)attr(ep, vsub, "db_count", 0);
		cfg->vntb.ctrl_bar = bar_attr(ep, vsub, "ctrl_bar");
		cfg->vntb.db_bar = bar_attr(ep, vsub, "db_bar");
		for (int i = 0; i < EPDMA_MAX_MWS; i++) {
			char mw[16], mwbar[16];

			snprintf(mw, sizeof(mw), "mw%d", i + 1);
			snprintf(mwbar, sizeof(mwbar), "mw%d_bar", i + 1);
			cfg->vntb.mw[i] = (uint64_t)attr(ep, vsub, mw, 0);
			cfg->vntb.mw_bar[i] = bar_attr(ep, vsub, mwbar);
		}
		cfg->dma.vendor_id = (uint16_t)attr(ep, dfn, "vendorid", 0xffff);
		cfg->dma.device_id = (uint16_t)attr(ep, dfn, "deviceid", 0xffff);
		cfg->dma.class_code = class_of(ep, dfn);
		cfg->dma.wr_chans = (uint32_t)attr(ep, dsub, "wr_chans", 0);
		cfg->dma.rd_chans = (uint32_t)attr(ep, dsub, "rd_chans", 0);
		/* pci-epf-dma writes the BARs it chose back at bind. */
		cfg->dma.metadata_bar = bar_attr(ep, dsub, "metadata_bar");
		cfg->dma.dma_window_bar = bar_attr(ep, dsub, "dma_window_bar");
	}
	free(vfn);
	free(dfn);
	free(vsub);
	free(dsub);
	return up;
}

static bool endpoint_view(struct fx *ep, const char *epc, struct epdma_config *cfg)
{
	return endpoint_graph(ep, epc, cfg, NULL);
}

/* ---- the host's side of the cable ---- */

static int host_lock(struct fx *host)
{
	char *p = fx_strdupf("%s/lock", host->state);
	int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	free(p);
	if (fd >= 0)
		flock(fd, LOCK_EX);
	return fd;
}

static void host_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

static bool on_bus(struct fx *host, const char *bdf)
{
	char *p = fx_strdupf("%s/sys/bus/pci/devices/%s", host->root, bdf);
	struct stat st;
	bool r = lstat(p, &st) == 0;

	free(p);
	return r;
}

static void drop_hidden(struct fx *host, const char *bdf)
{
	char *p = fx_strdupf("%s/pci-hidden/%s", host->state, bdf);
	char *q = fx_strdupf("%s.path", p);

	rm_rf(p);
	unlink(q);
	free(q);
	free(p);
}

/* ---- the host's uevents (to `epdma-sim daemon`'s relay, sim-link.h) ---- */

/* The kernel's "ACTION@DEVPATH" message for PCI function BDF, sent to the relay
 * of HOST's daemon if one listens (nothing listens: nothing happens, as with
 * no one on the netlink group). Never blocks: a full queue drops it (ENOBUFS). */
static void host_uevent(struct fx *host, const char *action, const char *bdf, const char *devpath)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *seqf = fx_strdupf("%s/uevent-seqnum", host->state), *msg;
	unsigned long seqnum = 0;
	FILE *f = fopen(seqf, "re");
	size_t len;
	int fd;

	if (f) {
		if (fscanf(f, "%lu", &seqnum) != 1)
			seqnum = 0;
		fclose(f);
	}
	f = fopen(seqf, "we");
	if (f) {
		fprintf(f, "%lu\n", ++seqnum);
		fclose(f);
	}
	free(seqf);
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" SIM_UEVENT_RELAY, host->dir) >=
	    (int)sizeof(sa.sun_path))
		return;
	msg = fx_strdupf("%s@%s|ACTION=%s|DEVPATH=%s|SUBSYSTEM=pci|PCI_SLOT_NAME=%s|SEQNUM=%lu|",
			 action, devpath, action, devpath, bdf, seqnum);
	len = strlen(msg);
	for (char *c = msg; *c; c++)
		if (*c == '|')
			*c = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		sendto(fd, msg, len, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
	}
	free(msg);
}

/* The DEVPATH function BDF of C has (or gets) on the host. */
static char *card_devpath(const struct cable *c, const char *bdf)
{
	if (!strcmp(c->parent, "-"))
		return fx_strdupf("/devices/pci%.7s/%s", bdf, bdf);
	return fx_strdupf("/devices/%s/%s", c->parent, bdf);
}

static void card_uevent(struct fx *host, const struct cable *c, const char *action, const char *bdf)
{
	char *devpath = card_devpath(c, bdf);

	host_uevent(host, action, bdf, devpath);
	free(devpath);
}

static void card_images(const struct epdma_config *cfg, struct fx_vntb_bar *vb,
			struct fx_pedm_bar *pb)
{
	fx_vntb_bar_from_config(cfg, vb);
	/* No transport has written yet: the endpoint's writes once the host's sends
	 * LINK_UP (cable_link()). */
	vb->transport = false;
	fx_pedm_bar_from_config(cfg, pb);
	pb->ready = true; /* the endpoint's function is bound and serving */
}

/* Rescan: the card of C in the hidden store when its endpoint is up, else not at all. */
static void cable_sync(const char *dir, struct fx *host, const struct cable *c)
{
	struct fx *ep = sim_side(dir, c->side);
	struct epdma_config cfg;
	bool up = endpoint_view(ep, c->epc, &cfg);

	if (!on_bus(host, c->slot) && !on_bus(host, c->dma)) {
		drop_hidden(host, c->slot);
		drop_hidden(host, c->dma);
		if (up) {
			struct fx_vntb_bar vb;
			struct fx_pedm_bar pb;
			bool root_bus = !strcmp(c->parent, "-");

			card_images(&cfg, &vb, &pb);
			fx_host_card(host, &(struct fx_host_card){
						   .cfg = &cfg,
						   .bdf = c->slot,
						   .parent = root_bus ? NULL : c->parent,
						   .dma_bdf = c->dma,
						   .dma_parent = root_bus ? NULL : c->parent,
						   .vntb = &vb,
						   .pedm = &pb,
						   .mmio = c->mmio,
						   .prepared = true,
					   });
			/* This rescan adds them: the kernel's "add" for each. */
			card_uevent(host, c, "add", c->slot);
			card_uevent(host, c, "add", c->dma);
		}
	}
	fx_detach(ep);
}

/* Link down: the card's BARs read all ones, then it is gone (pciehp). */
static void cable_down(struct fx *host, const struct cable *c)
{
	bool slot = on_bus(host, c->slot), dma = on_bus(host, c->dma), present = slot || dma;

	drop_hidden(host, c->slot);
	drop_hidden(host, c->dma);
	if (!present)
		return;
	if (strcmp(c->parent, "-")) {
		const char *port = strrchr(c->parent, '/');

		port = port ? port + 1 : c->parent;
		fx_kmsg(host, 6, "pcieport %s: pciehp: Slot(%s): Link Down", port, c->slot);
		fx_kmsg(host, 6, "pcieport %s: pciehp: Slot(%s): Card not present", port, c->slot);
	}
	if (dma)
		fx_host_unplug(host, c->dma, FX_UNPLUG_ONES);
	if (slot)
		fx_host_unplug(host, c->slot, FX_UNPLUG_ONES);
	/* The kernel's "remove" for each function that was there. */
	if (slot)
		card_uevent(host, c, "remove", c->slot);
	if (dma)
		card_uevent(host, c, "remove", c->dma);
}

/* The BAR vNTB's control region is in: as fixture-host.c places it. */
static int ctrl_bar(const struct epdma_config *cfg)
{
	const struct epdma_ntb_epf_map *map = epdma_ntb_epf_map_lookup(cfg->vntb.vendor_id,
								       cfg->vntb.device_id);

	if (cfg->vntb.ctrl_bar != EPDMA_BAR_AUTO)
		return cfg->vntb.ctrl_bar;
	return map ? map->ctrl : 0;
}

/* ---- the NTB transports on both ends (ntb_transport.c, v6.12) ---- */

/* What one end's transport announces through the scratchpads, and whether it runs. */
struct xport {
	bool probed;  /* loaded on an NTB device: its queues exist (debugfs) */
	bool on;      /* probed and its link up: it writes its words */
	char dev[64]; /* the PCI device its NTB device sits on: the debugfs directory */
	uint32_t qps; /* nt->qp_count */
	uint32_t mws; /* nt->mw_count */
	uint64_t mw[EPDMA_MAX_MWS];
	bool client; /* ntb_netdev loaded: its queue asks for the link */
};

/* The transport module loaded on SIDE into BUF: one that takes over from plain
 * ntb_transport (ntb_transport_ep_dma) first, else ntb_transport. */
static bool transport_module(struct fx *side, char *buf, size_t size)
{
	char **names = fx_list(side, "sys/module");
	bool found = false;

	for (int pass = 0; pass < 2 && !found; pass++)
		for (size_t i = 0; names[i] && !found; i++) {
			char *p = fx_strdupf("sys/module/%s/initstate", names[i]);

			if (!strncmp(names[i], "ntb_transport", 13) && fx_exists(side, p) &&
			    (pass == 1 || strcmp(names[i], "ntb_transport"))) {
				snprintf(buf, size, "%s", names[i]);
				found = true;
			}
			free(p);
		}
	fx_list_free(names);
	return found;
}

static bool module_live(struct fx *side, const char *name)
{
	char *p = fx_strdupf("sys/module/%s/initstate", name);
	bool r = fx_exists(side, p);

	free(p);
	return r;
}

/* ntb_transport_probe(): mw_count is what the spads can describe
 * (ntb_transport.c:1311-1322); qp_count starts at ilog2 of the doorbell mask,
 * max_num_clients caps it and only otherwise the MW count does (:1353-1365). */
static void xport_counts(struct fx *side, const char *mod, uint32_t db_bits, uint32_t num_mws,
			 uint32_t spad_count, struct xport *x)
{
	char *parm = fx_strdupf("sys/module/%s/parameters", mod);
	uint32_t mnc = (uint32_t)attr(side, parm, "max_num_clients", 0);
	uint64_t max_mw = (uint64_t)attr(side, parm, "max_mw_size", 0);

	x->mws = spad_count < EPDMA_TRANSPORT_MIN_SPADS ? 0 : (spad_count - 4) / 2;
	if (num_mws < x->mws)
		x->mws = num_mws;
	if (mnc && mnc < db_bits)
		x->qps = mnc;
	else if (x->mws < db_bits)
		x->qps = x->mws;
	else
		x->qps = db_bits;
	/* ntb_transport_link_work() caps what it announces at max_mw_size (:1066-1070). */
	for (uint32_t i = 0; i < x->mws && i < EPDMA_MAX_MWS; i++)
		if (max_mw && x->mw[i] > max_mw)
			x->mw[i] = max_mw;
	x->client = module_live(side, "ntb_netdev");
	free(parm);
}

/* The endpoint's transport: on the vNTB's NTB device, the window sizes are
 * configfs mwN (vntb_epf_peer_mw_get_addr(), pci-epf-vntb.c:1086), the doorbell
 * mask BIT(db_count) - 1 (:1039). Its link is up once the host's ntb_hw_epf
 * sent LINK_UP (pci-epf-vntb.c:297, 170): HOST_ON. */
static void xport_endpoint(struct fx *ep, const struct epdma_config *cfg, bool host_on,
			   struct xport *x)
{
	char mod[64], **devs = fx_list(ep, "sys/bus/ntb/devices");

	memset(x, 0, sizeof(*x));
	if (devs[0] && transport_module(ep, mod, sizeof(mod))) {
		snprintf(x->dev, sizeof(x->dev), "%s", devs[0]);
		for (uint32_t i = 0; i < EPDMA_MAX_MWS; i++)
			x->mw[i] = cfg->vntb.mw[i];
		xport_counts(ep, mod, cfg->vntb.db_count ? cfg->vntb.db_count - 1 : 0,
			     cfg->vntb.num_mws, cfg->vntb.spad_count, x);
		x->probed = true;
		x->on = host_on;
	}
	fx_list_free(devs);
}

/* Size of BAR of host device BDF, from its resource file. */
static uint64_t host_bar_size(struct fx *host, const char *bdf, int bar)
{
	char *p = fx_strdupf("sys/bus/pci/devices/%s/resource", bdf), *text = fx_read(host, p);
	char *line = text;
	unsigned long long start = 0, end = 0, flags = 0;

	for (int i = 0; line && i < bar; i++)
		line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL;
	if (!line || sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3 || end <= start)
		start = end = 0;
	free(text);
	free(p);
	return end > start ? end - start + 1 : 0;
}

/* The host's transport: on ntb_hw_epf's NTB device, the window sizes are the MW
 * BARs' lengths (ntb_epf_peer_mw_get_addr()); the vNTB function offers 16 MSI
 * vectors (pci-epf-vntb.c:507), so ntb_hw_epf has db_count 15 (ntb_hw_epf.c:381)
 * and the mask BIT(14) - 1 (:600): 13 doorbell bits. */
static void xport_host(struct fx *host, const struct cable *c, const struct epdma_config *cfg,
		       struct xport *x)
{
	const struct epdma_ntb_epf_map *map = epdma_ntb_epf_map_lookup(cfg->vntb.vendor_id,
								       cfg->vntb.device_id);
	char mod[64], *ntb = fx_strdupf("sys/bus/ntb/devices/%s", c->slot);

	memset(x, 0, sizeof(*x));
	if (fx_exists(host, ntb) && transport_module(host, mod, sizeof(mod))) {
		snprintf(x->dev, sizeof(x->dev), "%s", c->slot);
		for (int i = 0; i < EPDMA_MAX_MWS; i++) {
			int bar = cfg->vntb.mw_bar[i] != EPDMA_BAR_AUTO ? cfg->vntb.mw_bar[i]
				  : map					? map->mw[i]
									: -1;

			x->mw[i] = bar >= 0 && bar <= 5 ? host_bar_size(host, c->slot, bar) : 0;
		}
		xport_counts(host, mod, 13, cfg->vntb.num_mws, cfg->vntb.spad_count, x);
		x->probed = x->on = true;
	}
	free(ntb);
}

/* ntb_transport_link_work(): the words one end writes into its peer's spads (:1064-1084). */
static void xport_words(const struct xport *x, uint32_t *w, uint32_t count, bool qp_up)
{
	memset(w, 0, 4 * (size_t)count);
	if (!x->on || count < EPDMA_TRANSPORT_MIN_SPADS)
		return;
	for (uint32_t i = 0; i < x->mws && 5 + 2 * i < count; i++) {
		w[EPDMA_TRANSPORT_SPAD_MW0 + 2 * i] = (uint32_t)(x->mw[i] >> 32);
		w[EPDMA_TRANSPORT_SPAD_MW0 + 2 * i + 1] = (uint32_t)x->mw[i];
	}
	w[EPDMA_TRANSPORT_SPAD_NMWS] = x->mws;
	w[EPDMA_TRANSPORT_SPAD_NQPS] = x->qps;
	w[EPDMA_TRANSPORT_SPAD_QPL] = qp_up && x->qps < 32 ? (1u << x->qps) - 1 : 0;
	w[EPDMA_TRANSPORT_SPAD_VER] = EPDMA_TRANSPORT_VERSION;
	for (uint32_t i = 0; i < count; i++)
		w[i] = htole32(w[i]); /* the BAR is little-endian (writel) */
}

/* <debugfs>/ntb_transport/<dev>/qp<N>/stats, made at probe (ntb_transport.c:1236-1242,
 * 1380-1383), "QP Link - \tUp|Down" (:546); gone when no transport is probed there. */
static void xport_debugfs(struct fx *side, const struct xport *x, bool up)
{
	char **devs = fx_list(side, "sys/kernel/debug/ntb_transport");

	for (size_t i = 0; devs[i]; i++)
		if (!x->probed || strcmp(devs[i], x->dev)) {
			char *p = fx_strdupf("%s/sys/kernel/debug/ntb_transport/%s", side->root,
					     devs[i]);

			rm_rf(p);
			free(p);
		}
	fx_list_free(devs);
	if (!x->probed)
		return;
	for (uint32_t i = 0; i < x->qps; i++) {
		char *p = fx_strdupf("sys/kernel/debug/ntb_transport/%s/qp%u/stats", x->dev, i);

		fx_write(side, p,
			 "\nNTB QP stats:\n\nrx_bytes - \t0\nrx_pkts - \t0\n\n"
			 "tx_bytes - \t0\ntx_pkts - \t0\n\nQP Link - \t%s\n",
			 up ? "Up" : "Down");
		free(p);
	}
}

/* ntb_netdev's interface below the NTB device (<dev>/ntb_netdev0/net/<ifname>,
 * ntb_netdev.c SET_NETDEV_DEV) while the client is loaded on a probed
 * transport, named by the file DIR/<side>/netdev: an interface of that name
 * must exist in the caller's network namespace (a veth standing in, as
 * scripts/demo makes one), since its state is read through rtnetlink. */
static void xport_netdev(struct fx *side, const struct xport *x)
{
	char *name = fx_strdupf("%s/netdev", side->dir), ifname[32] = "";
	FILE *f = fopen(name, "re");

	if (f) {
		if (!fgets(ifname, sizeof(ifname), f))
			ifname[0] = '\0';
		ifname[strcspn(ifname, "\n")] = '\0';
		fclose(f);
	}
	free(name);
	if (!ifname[0])
		return;
	/* Gone with the client (or its transport) everywhere else. */
	{
		char **devs = fx_list(side, "sys/bus/ntb/devices");

		for (size_t i = 0; devs[i]; i++)
			if (!x->probed || !x->client || strcmp(devs[i], x->dev)) {
				char *p = fx_strdupf("%s/sys/bus/ntb/devices/%s/ntb_netdev0",
						     side->root, devs[i]);

				rm_rf(p);
				free(p);
			}
		fx_list_free(devs);
	}
	if (x->probed && x->client) {
		char *p = fx_strdupf("sys/bus/ntb/devices/%s/ntb_netdev0/net/%s", x->dev, ifname);

		fx_mkdir(side, p);
		free(p);
	}
}

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Each end's words in the other's half of the card's control BAR on the host
 * (ntb_hw_epf reads its own spads from the first half and writes its peer's
 * into the second: ntb_hw_epf.c:230-294, pci-epf-vntb.c:1098-1141), and the
 * LINK_STATUS the endpoint sets on the host's LINK_UP (pci-epf-vntb.c:170). A
 * transport that stops zeroes its own half (ntb_transport.c:1015-1021). */
static void write_spads(struct fx *host, const struct cable *c, const struct epdma_config *cfg,
			const struct xport *e, const struct xport *h, bool qp_up)
{
	char *p = fx_strdupf("%s/sys/bus/pci/devices/%s/resource%d", host->root, c->slot,
			     ctrl_bar(cfg));
	int fd = open(p, O_RDWR | O_CLOEXEC);
	uint8_t hdr[EPDMA_VNTB_CTRL_SIZE];
	uint32_t off, n, *w = NULL;
	uint8_t link = h->on; /* LINK_STATUS_UP */

	if (fd < 0 || pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		goto out;
	off = le32(hdr + EPDMA_VNTB_OFF_SPAD);
	n = le32(hdr + EPDMA_VNTB_OFF_NSPAD);
	w = n && n <= 1024 ? calloc(n, 4) : NULL;
	if (!w)
		goto out;
	xport_words(e, w, n, qp_up);
	if (pwrite(fd, w, 4 * (size_t)n, off) < 0)
		ck_abort_msg("sim: write %s: %s", p, strerror(errno));
	xport_words(h, w, n, qp_up);
	if (pwrite(fd, w, 4 * (size_t)n, off + 4 * (off_t)n) < 0 ||
	    pwrite(fd, &link, 1, EPDMA_VNTB_OFF_LINK) < 0)
		ck_abort_msg("sim: write %s: %s", p, strerror(errno));
out:
	free(w);
	if (fd >= 0)
		close(fd);
	free(p);
}

/* Both transports against each other, as each one's link work does: the
 * transport link is up when version, queue count and MW count agree
 * (ntb_transport.c:1086-1100; MW sizes are taken, not compared: :1102-1110);
 * a queue's link needs the client on both ends (ntb_netdev, its interface
 * taken as opened). Then the words in the control BAR and each end's debugfs. */
static void cable_link(const char *dir, struct fx *host, const struct cable *c)
{
	struct fx *ep = sim_side(dir, c->side);
	struct epdma_config cfg;
	struct xport h, e;
	bool linked, up, card = on_bus(host, c->slot);

	memset(&h, 0, sizeof(h));
	memset(&e, 0, sizeof(e));
	endpoint_graph(ep, c->epc, &cfg, &linked);
	if (linked && card)
		xport_host(host, c, &cfg, &h);
	if (linked)
		xport_endpoint(ep, &cfg, h.on, &e);
	up = e.on && e.qps == h.qps && e.mws == h.mws;
	if (card && linked)
		write_spads(host, c, &cfg, &e, &h, up && e.client && h.client);
	xport_debugfs(host, &h, up && e.client && h.client);
	xport_debugfs(ep, &e, up && e.client && h.client);
	xport_netdev(host, &h);
	fx_detach(ep);
}

int sim_link_event(const char *dir, const char *side, int argc, char **argv)
{
	struct cable cables[8];
	size_t n = cables_load(dir, cables, 8);
	struct fx *host = sim_side(dir, "host");
	bool from_host = !strcmp(side, "host");
	int lock = -1;

	/* The host's fake kernel holds the host's lock already; an endpoint's
	 * event takes it (endpoint -> host, the only order). */
	if (!from_host)
		lock = host_lock(host);
	if (argc >= 1 && !strcmp(argv[0], "rescan") && from_host) {
		for (size_t i = 0; i < n; i++)
			cable_sync(dir, host, &cables[i]);
	} else if (!from_host && argc >= 3 && !strcmp(argv[0], "start") && !strcmp(argv[2], "0")) {
		for (size_t i = 0; i < n; i++)
			if (!strcmp(cables[i].side, side) && !strcmp(cables[i].epc, argv[1]))
				cable_down(host, &cables[i]);
	}
	/* After any event: what the transports on both ends see of each other. */
	for (size_t i = 0; i < n; i++)
		if (from_host || !strcmp(cables[i].side, side))
			cable_link(dir, host, &cables[i]);
	host_unlock(lock);
	fx_detach(host);
	return 0;
}

/* The helper the fake kernel of DIR/SIDE runs (first line of its link-hook). */
static char *hook_helper(const char *dir, const char *side)
{
	char *p = fx_strdupf("%s/%s/kernel/link-hook", dir, side);
	char line[4096];
	FILE *f = fopen(p, "re");

	if (!f || !fgets(line, sizeof(line), f))
		ck_abort_msg("sim: %s: no link hook", p);
	fclose(f);
	free(p);
	line[strcspn(line, "\n")] = '\0';
	return fx_strdupf("%s", line);
}

void sim_endpoint_reset(const char *dir, const char *side)
{
	struct cable cables[8];
	size_t n = cables_load(dir, cables, 8);
	struct fx *host = sim_side(dir, "host");
	char *helper = hook_helper(dir, side);
	char *old = fx_strdupf("%s/%s", dir, side);
	char *trash = fx_strdupf("%s/.%s.old", dir, side);
	char *fresh = fx_strdupf(".%s.new", side);
	char *freshdir = fx_strdupf("%s/%s", dir, fresh);
	char *cmd;
	int lock;

	/* The endpoint is gone first (rebooting): a host rescan meanwhile, such as the
	 * host daemon's on the remove uevents, finds no started controller. */
	if (rename(old, trash) < 0)
		ck_abort_msg("sim: rename %s: %s", old, strerror(errno));
	lock = host_lock(host);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cables[i].side, side))
			cable_down(host, &cables[i]);
	host_unlock(lock);
	fx_detach(host);
	build_side(dir, fresh, build_endpoint, NULL, helper);
	cmd = fx_strdupf("cp -a '%s/root/etc/.' '%s/root/etc/'", trash, freshdir);
	if (system(cmd) != 0)
		ck_abort_msg("sim: %s failed", cmd);
	free(cmd);
	if (rename(freshdir, old) < 0)
		ck_abort_msg("sim: swap %s: %s", old, strerror(errno));
	rm_rf(trash);
	hook(dir, side, helper);
	free(helper);
	free(trash);
	free(fresh);
	free(freshdir);
	free(old);
}
