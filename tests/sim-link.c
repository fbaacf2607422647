// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The simulated endpoint+host pair and its link model (sim-link.h). The host
 * sees exactly what the endpoint's configfs graph says at the moment the host
 * rescans, through the fixture's own card builders (fixture-host.c).
 */
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

static void build_endpoint(struct fx *fx)
{
	fx_rcar_s4(fx);
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
 * with a vNTB and a DMA function linked, CFG filled from their attributes. */
static bool endpoint_view(struct fx *ep, const char *epc, struct epdma_config *cfg)
{
	char *start = fx_strdupf(EP_CONTROLLERS "/%s/start", epc);
	long started = attr(ep, "", start, 0);
	char *vfn = started == 1 ? linked_function(ep, epc, "pci_epf_vntb") : NULL;
	char *dfn = started == 1 ? linked_function(ep, epc, "pci_epf_dma") : NULL;
	char *vsub = vfn ? subgroup(ep, vfn, "pci_epf_vntb") : NULL;
	char *dsub = dfn ? subgroup(ep, dfn, "pci_epf_dma") : NULL;
	bool up = vsub && dsub;

	free(start);
	memset(cfg, 0, sizeof(*cfg));
	if (up) {
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

/* A transport module (ntb_transport*) is loaded on the endpoint. */
static bool transport_loaded(struct fx *ep)
{
	char **names = fx_list(ep, "sys/module");
	bool found = false;

	for (size_t i = 0; names[i] && !found; i++)
		if (!strncmp(names[i], "ntb_transport", 13)) {
			char *p = fx_strdupf("sys/module/%s/initstate", names[i]);

			found = fx_exists(ep, p);
			free(p);
		}
	fx_list_free(names);
	return found;
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

static void card_images(struct fx *ep, const struct epdma_config *cfg, struct fx_vntb_bar *vb,
			struct fx_pedm_bar *pb)
{
	fx_vntb_bar_from_config(cfg, vb);
	vb->transport = transport_loaded(ep);
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

			card_images(ep, &cfg, &vb, &pb);
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

/* The endpoint's transport came up: its words in the host's half of the spads. */
static void cable_transport(const char *dir, struct fx *host, const struct cable *c)
{
	struct fx *ep = sim_side(dir, c->side);
	struct epdma_config cfg;
	struct fx_vntb_bar vb;
	struct fx_pedm_bar pb;

	if (on_bus(host, c->slot) && endpoint_view(ep, c->epc, &cfg)) {
		size_t len;
		uint8_t *img;
		uint32_t off;
		char *p = fx_strdupf("%s/sys/bus/pci/devices/%s/resource%d", host->root, c->slot,
				     ctrl_bar(&cfg));
		int fd = open(p, O_WRONLY | O_CLOEXEC);

		card_images(ep, &cfg, &vb, &pb);
		vb.transport = true;
		img = fx_vntb_bar_image(&vb, &len);
		off = (uint32_t)img[EPDMA_VNTB_OFF_SPAD] |
		      (uint32_t)img[EPDMA_VNTB_OFF_SPAD + 1] << 8 |
		      (uint32_t)img[EPDMA_VNTB_OFF_SPAD + 2] << 16 |
		      (uint32_t)img[EPDMA_VNTB_OFF_SPAD + 3] << 24;
		if (fd >= 0 && off + 4 * (size_t)vb.spad_count <= len &&
		    pwrite(fd, img + off, 4 * (size_t)vb.spad_count, off) < 0)
			ck_abort_msg("sim: write %s: %s", p, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(img);
		free(p);
	}
	fx_detach(ep);
}

int sim_link_event(const char *dir, const char *side, int argc, char **argv)
{
	struct cable cables[8];
	size_t n = cables_load(dir, cables, 8);
	struct fx *host = sim_side(dir, "host");
	int lock = -1;

	if (argc >= 1 && !strcmp(argv[0], "rescan") && !strcmp(side, "host")) {
		/* The host's fake kernel holds the host's lock already. */
		for (size_t i = 0; i < n; i++)
			cable_sync(dir, host, &cables[i]);
	} else if (!strcmp(side, "host")) {
		/* Nothing else the host does reaches the endpoint. */
	} else if (argc >= 3 && !strcmp(argv[0], "start") && !strcmp(argv[2], "0")) {
		lock = host_lock(host);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(cables[i].side, side) && !strcmp(cables[i].epc, argv[1]))
				cable_down(host, &cables[i]);
	} else if (argc >= 3 && !strcmp(argv[0], "module") &&
		   !strncmp(argv[1], "ntb_transport", 13) && !strcmp(argv[2], "1")) {
		lock = host_lock(host);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(cables[i].side, side))
				cable_transport(dir, host, &cables[i]);
	}
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
