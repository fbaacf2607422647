// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Preflight: what `check` reports and what `setup` requires before it writes
 * anything. Reads only; never mounts, loads or writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MF_HINT                                                                         \
	"the vNTB function takes PF0 and the DMA function PF1: use a controller whose " \
	"device tree sets max-functions = /bits/ 8 <2> (R-Car S4, NXP LS1088A)"

int epdma_role_resolve(struct epdma_ctx *ctx, const struct epdma_config *cfg, enum epdma_role *role,
		       struct epdma_errors *errs)
{
	char **names = NULL;
	int r;

	*role = cfg->role;
	if (cfg->role != EPDMA_ROLE_AUTO)
		return 0;
	r = epdma_controllers_list(ctx, &names);
	if (r < 0) {
		epdma_errors_add(errs, cfg->file, 0, "general.role",
				 "role = auto: cannot list /sys/class/pci_epc: %s", strerror(-r));
		return r;
	}
	*role = names[0] ? EPDMA_ROLE_ENDPOINT : EPDMA_ROLE_HOST;
	epdma_strv_free(names);
	return 0;
}

static void check_configfs(struct epdma_ctx *ctx, const struct epdma_endpoint_facts *facts,
			   struct epdma_checks *c)
{
	if (facts->configfs_mounted)
		epdma_checks_add(c, "configfs", EPDMA_CHECK_PASS, NULL,
				 "mounted, " EPDMA_PCI_EP " present");
	else if (epdma_fs_is_dir(ctx, "/sys/kernel/config"))
		epdma_checks_add(c, "configfs", EPDMA_CHECK_WARN, NULL,
				 "not mounted; setup will mount it on /sys/kernel/config");
	else
		epdma_checks_add(
			c, "configfs", EPDMA_CHECK_FAIL,
			"build the kernel with CONFIG_CONFIGFS_FS and CONFIG_PCI_ENDPOINT_CONFIGFS",
			"/sys/kernel/config does not exist");
}

static void check_epf_driver(const struct epdma_endpoint_facts *facts, struct epdma_modules *mods,
			     const char *driver, const char *module, struct epdma_checks *c)
{
	bool registered = !strcmp(driver, EPDMA_EPF_VNTB) ? facts->vntb_registered
							  : facts->dma_registered;
	char name[96];

	snprintf(name, sizeof(name), "driver %s", driver);
	if (registered) {
		epdma_checks_add(c, name, EPDMA_CHECK_PASS, NULL, "registered");
		return;
	}
	switch (mods ? epdma_module_state(mods, module) : EPDMA_MODULE_MISSING) {
	case EPDMA_MODULE_AVAILABLE:
		epdma_checks_add(c, name, EPDMA_CHECK_WARN, NULL,
				 "not loaded; setup will load module %s", module);
		break;
	case EPDMA_MODULE_LOADED:
	case EPDMA_MODULE_BUILTIN:
		if (!facts->configfs_mounted) {
			epdma_checks_add(c, name, EPDMA_CHECK_PASS, NULL,
					 "module %s present; appears once configfs is mounted",
					 module);
			break;
		}
		epdma_checks_add(c, name, EPDMA_CHECK_FAIL,
				 "check dmesg for the driver's registration error",
				 "module %s is loaded but " EPDMA_PCI_EP "/functions/%s is missing",
				 module, driver);
		break;
	case EPDMA_MODULE_MISSING:
		epdma_checks_add(
			c, name, EPDMA_CHECK_FAIL,
			!strcmp(driver, EPDMA_EPF_DMA)
				? "the PCI endpoint DMA function driver is not merged upstream; "
				  "build the kernel with the pci-epf-dma patch series"
				: "build the kernel with CONFIG_PCI_EPF_VNTB",
			"module %s not found for kernel %s", module,
			mods ? epdma_modules_release(mods) : "(unknown)");
		break;
	}
}

static void check_controller(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			     const struct epdma_endpoint_facts *facts, struct epdma_checks *c)
{
	char **names = NULL;

	if (facts->controller[0]) {
		epdma_checks_add(c, "controller", EPDMA_CHECK_PASS, NULL, "%s", facts->controller);
		return;
	}
	if (facts->controller_err == -ENOTUNIQ && epdma_controllers_list(ctx, &names) >= 0) {
		_cleanup_free_ char *list = NULL;

		for (char **n = names; *n; n++) {
			char *l = epdma_strdup_printf("%s%s%s", list ? list : "", list ? ", " : "",
						      *n);
			free(list);
			list = l;
		}
		epdma_checks_add(c, "controller", EPDMA_CHECK_FAIL,
				 "set [endpoint] controller to one of them",
				 "several controllers: %s", list ? list : "");
	} else if (cfg->controller[0]) {
		unsigned int line = 0;

		/* Name the line that asked for it (a profile cannot: it has no controller). */
		epdma_config_source(cfg, "endpoint", "controller", &line);
		epdma_checks_add(c, "controller", EPDMA_CHECK_FAIL,
				 "see /sys/class/pci_epc for the controllers this kernel has",
				 "controller %s not found (%s:%u: endpoint.controller)",
				 cfg->controller, cfg->file, line);
	} else {
		epdma_checks_add(c, "controller", EPDMA_CHECK_FAIL,
				 "load the endpoint controller driver; is this the host side? "
				 "(set [general] role)",
				 "no endpoint controller in /sys/class/pci_epc");
	}
	epdma_strv_free(names);
}

/* The same, as the error of a run that needs a controller (status). */
void epdma_controller_error(const struct epdma_config *cfg, int err, struct epdma_errors *errs)
{
	unsigned int line = 0;

	epdma_config_source(cfg, "endpoint", "controller", &line);
	if (cfg->controller[0])
		epdma_errors_add(errs, cfg->file, line, "endpoint.controller",
				 "%s is not in /sys/class/pci_epc", cfg->controller);
	else
		epdma_errors_add(errs, cfg->file, 0, "endpoint.controller",
				 err == -ENOTUNIQ ? "several endpoint controllers: set it to one "
						    "of /sys/class/pci_epc"
						  : "no endpoint controller in /sys/class/pci_epc");
}

static void check_max_functions(struct epdma_ctx *ctx, const char *epc, struct epdma_checks *c)
{
	unsigned int max;
	size_t len;
	int r = epdma_controller_max_functions(ctx, epc, &max, &len);

	if (r == -EBADMSG) {
		epdma_checks_add(
			c, "max-functions", EPDMA_CHECK_FAIL,
			"write the property as a 1-byte cell: max-functions = /bits/ 8 <2>",
			"%s: device-tree max-functions is a %zu-byte cell; the kernel reads "
			"only its first byte (%u): links pass the limit check but no function "
			"can bind (a vNTB bind dereferences NULL on 6.12)",
			epc, len, max);
	} else if (r < 0) {
		epdma_checks_add(c, "max-functions", EPDMA_CHECK_FAIL, NULL,
				 "%s: cannot read max-functions: %s", epc, strerror(-r));
	} else if (max < 2) {
		epdma_checks_add(c, "max-functions", EPDMA_CHECK_FAIL, MF_HINT,
				 "%s supports %u function%s (device-tree max-functions %s): "
				 "a single-function controller, like RK3588-class DesignWare "
				 "endpoints; the DMA function needs a second function beside the "
				 "vNTB function",
				 epc, max, max == 1 ? "" : "s",
				 len ? "is 1 byte" : "absent, read as 1");
	} else {
		epdma_checks_add(c, "max-functions", EPDMA_CHECK_PASS, NULL,
				 "%s supports %u functions", epc, max);
	}
}

static bool configured_function(const struct epdma_config *cfg, const struct epdma_link *l)
{
	return (!strcmp(l->driver, EPDMA_EPF_VNTB) && !strcmp(l->function, cfg->vntb.name)) ||
	       (!strcmp(l->driver, EPDMA_EPF_DMA) && !strcmp(l->function, cfg->dma.name));
}

static void check_links(const struct epdma_config *cfg, const struct epdma_endpoint_facts *facts,
			struct epdma_checks *c)
{
	const struct epdma_link *links = facts->links;
	const char *epc = facts->controller;
	const struct epdma_graph_state *st = &facts->state;
	int n = facts->nlinks;
	int foreign = 0, r = facts->state_err;

	if (n < 0) {
		epdma_checks_add(c, "linked functions", EPDMA_CHECK_FAIL, NULL,
				 "cannot list " EPDMA_PCI_EP "/controllers/%s: %s", epc,
				 strerror(-n));
		return;
	}
	if (r < 0) {
		epdma_checks_add(c, "linked functions", EPDMA_CHECK_FAIL, NULL,
				 "cannot read epdma's record of its functions: %s", strerror(-r));
		return;
	}
	for (int i = 0; i < n; i++) {
		if (epdma_graph_state_find((struct epdma_graph_state *)st, links[i].driver,
					   links[i].function))
			continue;
		foreign++;
		if (configured_function(cfg, &links[i])) {
			epdma_checks_add(c, "linked functions", EPDMA_CHECK_WARN, NULL,
					 "%s/%s is linked to %s but was not created by epdma",
					 links[i].driver, links[i].function, epc);
			epdma_checks_set_reason(c, EPDMA_REASON_ADOPTABLE);
			continue;
		}
		epdma_checks_add(c, "linked functions", EPDMA_CHECK_FAIL,
				 "unlink it first (it holds a function number, and the vNTB "
				 "function must be PF0)",
				 "%s/%s is linked to %s and was not created by epdma",
				 links[i].driver, links[i].function, epc);
	}
	if (!foreign)
		epdma_checks_add(c, "linked functions", EPDMA_CHECK_PASS, NULL,
				 "no foreign function linked to %s", epc);
}

static bool vntb_bars_explicit(const struct epdma_config *cfg)
{
	if (cfg->vntb.ctrl_bar != EPDMA_BAR_AUTO || cfg->vntb.db_bar != EPDMA_BAR_AUTO)
		return true;
	for (size_t i = 0; i < EPDMA_MAX_MWS; i++)
		if (cfg->vntb.mw_bar[i] != EPDMA_BAR_AUTO)
			return true;
	return false;
}

/* The first BAR key the file itself sets explicitly, or NULL. */
static const char *vntb_bar_from_file(const struct epdma_config *cfg, unsigned int *line)
{
	static const char *const keys[] = { "ctrl_bar", "db_bar",  "mw1_bar",
					    "mw2_bar",	"mw3_bar", "mw4_bar" };
	const int bars[] = { cfg->vntb.ctrl_bar,  cfg->vntb.db_bar,    cfg->vntb.mw_bar[0],
			     cfg->vntb.mw_bar[1], cfg->vntb.mw_bar[2], cfg->vntb.mw_bar[3] };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (bars[i] != EPDMA_BAR_AUTO &&
		    epdma_config_source(cfg, "vntb", keys[i], line) == EPDMA_CONFIG_FILE)
			return keys[i];
	return NULL;
}

/*
 * Without BAR selectors vNTB takes the controller's free BARs in order:
 * control, doorbell, then the memory windows. A profile map in that order is
 * what the kernel does anyway; any other order cannot be had.
 */
static bool vntb_bars_in_kernel_order(const struct epdma_config *cfg)
{
	int last = cfg->vntb.ctrl_bar;

	if (cfg->vntb.db_bar != EPDMA_BAR_AUTO && cfg->vntb.db_bar <= last)
		return false;
	last = cfg->vntb.db_bar;
	for (uint32_t i = 0; i < cfg->vntb.num_mws; i++) {
		if (cfg->vntb.mw_bar[i] == EPDMA_BAR_AUTO)
			continue;
		if (cfg->vntb.mw_bar[i] <= last)
			return false;
		last = cfg->vntb.mw_bar[i];
	}
	return true;
}

static void check_vntb_bars(const struct epdma_config *cfg,
			    const struct epdma_endpoint_facts *facts, struct epdma_checks *c)
{
	const char *how = facts->bar_attrs_how, *key;
	unsigned int line = 0;
	int r = facts->bar_attrs;

	if (!vntb_bars_explicit(cfg)) {
		epdma_checks_add(c, "vntb bars", EPDMA_CHECK_PASS, NULL,
				 "all vNTB BARs auto: the kernel chooses");
		return;
	}
	if (r > 0) {
		epdma_checks_add(c, "vntb bars", EPDMA_CHECK_PASS, NULL,
				 "the kernel has ctrl_bar/db_bar/mwN_bar (judged from %s)", how);
		return;
	}
	key = vntb_bar_from_file(cfg, &line);
	if (key)
		epdma_checks_add(
			c, "vntb bars", EPDMA_CHECK_FAIL,
			"vNTB BAR selection needs Linux 6.18 or later; set the BAR keys to "
			"auto and use IDs whose host map matches the kernel's choice "
			"(profile imx8)",
			"%s:%u: vntb.%s is set but this kernel has no ctrl_bar/db_bar/"
			"mwN_bar attributes (judged from %s)",
			cfg->file, line, key, how);
	else if (vntb_bars_in_kernel_order(cfg))
		epdma_checks_add(
			c, "vntb bars", EPDMA_CHECK_PASS, NULL,
			"the profile's BAR map is the order this kernel allocates in "
			"(control, doorbell, windows); it has no BAR selectors to enforce it");
	else
		epdma_checks_add(
			c, "vntb bars", EPDMA_CHECK_FAIL,
			"use a Linux 6.18+ endpoint kernel, or profile imx8 (whose host map "
			"matches the order the kernel allocates BARs in)",
			"profile %s needs BAR selectors (control BAR%d, doorbell BAR%d, "
			"MW1 BAR%d) but this kernel has no ctrl_bar/db_bar/mwN_bar "
			"attributes (judged from %s)",
			cfg->profile, cfg->vntb.ctrl_bar, cfg->vntb.db_bar, cfg->vntb.mw_bar[0],
			how);
}

/*
 * vNTB's unbind unregisters its PCI driver but leaves the virtual bus and its
 * device, whose sysdata points at the old function's state. The next vNTB
 * bind registers the driver again, which probes every unbound device that
 * matches its vntb_vid:vntb_pid, the stale one included: a use-after-free.
 * A 6.12.117 kernel oopsed in pci_vntb_probe() on exactly this (tests/kernel).
 */
static void check_vntb_device(const struct epdma_config *cfg,
			      const struct epdma_endpoint_facts *facts, unsigned int flags,
			      struct epdma_checks *c)
{
	if (facts->stale_vntb_err) {
		epdma_checks_add(c, "vntb device", EPDMA_CHECK_FAIL, NULL,
				 "cannot list /sys/bus/pci/devices for a device left by an earlier "
				 "vNTB bind: %s",
				 strerror(-facts->stale_vntb_err));
		return;
	}
	if (!facts->stale_vntb_device[0]) {
		epdma_checks_add(c, "vntb device", EPDMA_CHECK_PASS, NULL,
				 "no unbound %04x:%04x device left by an earlier vNTB bind",
				 cfg->vntb.vntb_vid, cfg->vntb.vntb_pid);
		return;
	}
	epdma_checks_add(c, "vntb device",
			 flags & EPDMA_F_FORCE ? EPDMA_CHECK_WARN : EPDMA_CHECK_FAIL,
			 EPDMA_STALE_VNTB_HINT, EPDMA_STALE_VNTB_FMT, facts->stale_vntb_device,
			 cfg->vntb.vntb_vid, cfg->vntb.vntb_pid);
}

/*
 * vbus_number of the linked vNTB functions from their driver subgroups, up to
 * the first on the configured bus: what check_vbus() judges from.
 */
static void probe_vntb_buses(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			     struct epdma_endpoint_facts *facts)
{
	for (int i = 0; i < facts->nlinks; i++) {
		struct epdma_vntb_bus *b = &facts->vntb_buses[facts->nvntb_buses];
		const char *function = facts->links[i].function;
		char dir[256], path[384];
		uint64_t bus;

		if (strcmp(facts->links[i].driver, EPDMA_EPF_VNTB))
			continue;
		facts->nvntb_buses++;
		b->bus = -1;
		snprintf(b->function, sizeof(b->function), "%s", function);
		snprintf(dir, sizeof(dir), EPDMA_PCI_EP "/functions/" EPDMA_EPF_VNTB "/%s",
			 function);
		/* The subgroup epdma_vntb_bar_attrs() found is not listed again. */
		if (facts->bar_function[0] && !strcmp(facts->bar_function, function))
			snprintf(b->subgroup, sizeof(b->subgroup), "%s", facts->bar_subgroup);
		else if (!epdma_function_subgroup(ctx, dir, EPDMA_EPF_VNTB, b->subgroup,
						  sizeof(b->subgroup)))
			b->subgroup[0] = '\0';
		if (!b->subgroup[0])
			continue;
		snprintf(path, sizeof(path), "%s/%s/vbus_number", dir, b->subgroup);
		b->read = epdma_fs_read(ctx, path, b->text, sizeof(b->text)) >= 0;
		if (b->read && epdma_parse_u64(b->text, &bus) == 0)
			b->bus = (int64_t)bus;
		if (b->bus == (int64_t)cfg->vntb.vbus_number)
			break;
	}
}

static void check_vbus(const struct epdma_config *cfg, const struct epdma_endpoint_facts *facts,
		       unsigned int flags, struct epdma_checks *c)
{
	/* A linked vNTB's own device is bound: only devices of earlier binds count. */
	check_vntb_device(cfg, facts, flags, c);
	for (int i = 0; i < facts->nvntb_buses; i++)
		if (facts->vntb_buses[i].bus == (int64_t)cfg->vntb.vbus_number) {
			epdma_checks_add(c, "vntb bus", EPDMA_CHECK_PASS, NULL,
					 "bus %02x belongs to the linked vNTB function %s",
					 cfg->vntb.vbus_number, facts->vntb_buses[i].function);
			return;
		}
	if (facts->vbus_present)
		epdma_checks_add(
			c, "vntb bus", EPDMA_CHECK_FAIL, "reboot, or choose another vbus_number",
			"virtual bus %02x is left from an earlier vNTB bind in this boot; the "
			"kernel cannot link a vNTB function with vbus_number 0x%02x again",
			cfg->vntb.vbus_number, cfg->vntb.vbus_number);
	else
		epdma_checks_add(c, "vntb bus", EPDMA_CHECK_PASS, NULL, "bus %02x is free",
				 cfg->vntb.vbus_number);
}

/* Everything the checks and the planner need to know of the kernel, read once. */
void epdma_endpoint_probe(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			  struct epdma_endpoint_facts *facts)
{
	epdma_endpoint_probe_for(ctx, cfg, EPDMA_PROBE_DRIVERS | EPDMA_PROBE_GUARDS, facts);
}

void epdma_endpoint_probe_guards(struct epdma_ctx *ctx, const struct epdma_config *cfg,
				 struct epdma_endpoint_facts *facts)
{
	char path[64];
	int r;

	r = epdma_vntb_stale_device(ctx, cfg->vntb.vntb_vid, cfg->vntb.vntb_pid,
				    facts->stale_vntb_device, sizeof(facts->stale_vntb_device));
	if (r <= 0)
		facts->stale_vntb_device[0] = '\0';
	facts->stale_vntb_err = r < 0 ? r : 0;
	snprintf(path, sizeof(path), "/sys/class/pci_bus/0000:%02x", cfg->vntb.vbus_number);
	facts->vbus_present = epdma_fs_exists(ctx, path);
	facts->nvntb_buses = 0;
	probe_vntb_buses(ctx, cfg, facts);
	facts->guards_probed = true;
}

void epdma_endpoint_probe_for(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			      unsigned int what, struct epdma_endpoint_facts *facts)
{
	memset(facts, 0, sizeof(*facts));
	facts->configfs_mounted = epdma_configfs_mounted(ctx);
	if (what & EPDMA_PROBE_DRIVERS) {
		facts->vntb_registered = epdma_epf_driver_registered(ctx, EPDMA_EPF_VNTB);
		facts->dma_registered = epdma_epf_driver_registered(ctx, EPDMA_EPF_DMA);
	}
	facts->controller_err = epdma_controller_pick(ctx, cfg->controller, facts->controller,
						      sizeof(facts->controller));
	if (facts->controller_err < 0)
		facts->controller[0] = '\0';
	facts->bar_attrs = epdma_vntb_bar_attrs(ctx, &facts->bar_attrs_how, facts->bar_function,
						facts->bar_subgroup, sizeof(facts->bar_subgroup),
						facts->release, sizeof(facts->release));
	if (facts->controller[0] && facts->configfs_mounted) {
		facts->links_listed = true;
		facts->nlinks = epdma_controller_links(ctx, facts->controller, facts->links,
						       ARRAY_SIZE(facts->links));
	}
	/* Whose the linked functions are (check_links()); the graph read takes it too. */
	if (facts->links_listed && facts->nlinks >= 0) {
		facts->state_read = true;
		facts->state_err = epdma_graph_state_read(ctx, &facts->state);
	}
	if (what & EPDMA_PROBE_GUARDS)
		epdma_endpoint_probe_guards(ctx, cfg, facts);
}

int epdma_check_endpoint(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			 const struct epdma_endpoint_facts *facts, unsigned int flags,
			 struct epdma_checks *c)
{
	struct epdma_modules *mods = NULL;
	int r;

	check_configfs(ctx, facts, c);
	/* Only for a driver not registered; the release the BAR-selector probe read, if it did. */
	r = facts->vntb_registered && facts->dma_registered
		    ? 0
		    : epdma_modules_new_from(ctx, facts->release, &mods);
	if (r < 0)
		epdma_checks_add(c, "modules", EPDMA_CHECK_FAIL, NULL,
				 "cannot read the module index: %s", strerror(-r));
	check_epf_driver(facts, mods, EPDMA_EPF_VNTB, EPDMA_MODULE_VNTB, c);
	check_epf_driver(facts, mods, EPDMA_EPF_DMA, EPDMA_MODULE_DMA, c);
	epdma_modules_free(mods);
	check_controller(ctx, cfg, facts, c);
	/* Without the guards (a setup that has not planned yet) only what any run needs. */
	if (facts->controller[0] && facts->guards_probed)
		check_max_functions(ctx, facts->controller, c);
	if (facts->controller[0] && facts->configfs_mounted)
		check_links(cfg, facts, c);
	check_vntb_bars(cfg, facts, c);
	if (facts->guards_probed)
		check_vbus(cfg, facts, flags, c);
	return epdma_checks_failed(c) ? -EINVAL : 0;
}

static void check_host_module(struct epdma_modules *mods, const char *module, bool required,
			      const char *why, struct epdma_checks *c)
{
	static const char *const state[] = {
		[EPDMA_MODULE_MISSING] = "missing",
		[EPDMA_MODULE_AVAILABLE] = "available",
		[EPDMA_MODULE_BUILTIN] = "built in",
		[EPDMA_MODULE_LOADED] = "loaded",
	};
	enum epdma_module_state st = epdma_module_state(mods, module);
	char name[96];

	snprintf(name, sizeof(name), "module %s", module);
	if (st != EPDMA_MODULE_MISSING)
		epdma_checks_add(c, name, EPDMA_CHECK_PASS, NULL, "%s", state[st]);
	else
		epdma_checks_add(c, name, required ? EPDMA_CHECK_FAIL : EPDMA_CHECK_WARN, why,
				 "not found for kernel %s", epdma_modules_release(mods));
}

static void check_vntb_alias(struct epdma_modules *mods, const struct epdma_config *cfg,
			     struct epdma_checks *c)
{
	char alias[128];
	int r;

	snprintf(alias, sizeof(alias), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
		 cfg->vntb.vendor_id, cfg->vntb.device_id, 0u, (unsigned int)cfg->pairing_tag,
		 cfg->vntb.class_code >> 16, (cfg->vntb.class_code >> 8) & 0xff,
		 cfg->vntb.class_code & 0xff);
	r = epdma_module_alias_match(mods, alias, "ntb_hw_epf");
	if (r > 0)
		epdma_checks_add(c, "vntb binding", EPDMA_CHECK_PASS, NULL,
				 "ntb_hw_epf binds %04x:%04x", cfg->vntb.vendor_id,
				 cfg->vntb.device_id);
	else if (r == 0 && epdma_module_pci_aliases(mods, "ntb_hw_epf") == 0)
		/*
		 * 6.12's ntb_hw_epf has its ID table (ntb_hw_epf.c:782-794) but no
		 * MODULE_DEVICE_TABLE: its modinfo has no alias, so nothing loads it
		 * for the card and the index cannot say which IDs it binds. Loaded
		 * by name it binds what the table lists; setup does that and waits.
		 */
		epdma_checks_add(c, "vntb binding", EPDMA_CHECK_WARN,
				 "its table lists 104c:b00d and 1957:0809 (imx8) in 6.12",
				 "ntb_hw_epf of kernel %s declares no PCI alias (no "
				 "MODULE_DEVICE_TABLE): setup loads it by name and binds %04x:%04x "
				 "only if its ID table lists it",
				 epdma_modules_release(mods), cfg->vntb.vendor_id,
				 cfg->vntb.device_id);
	else
		epdma_checks_add(
			c, "vntb binding", EPDMA_CHECK_FAIL,
			"ntb_hw_epf binds by PCI ID only (new_id and driver_override do not "
			"work): use IDs it lists (modinfo ntb_hw_epf), e.g. profile imx8, "
			"or a newer host kernel",
			"ntb_hw_epf of kernel %s does not bind %04x:%04x%s%s",
			epdma_modules_release(mods), cfg->vntb.vendor_id, cfg->vntb.device_id,
			r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
}

int epdma_check_host_prereqs(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			     struct epdma_checks *c)
{
	struct epdma_modules *mods = NULL;
	int r = epdma_pci_count(ctx);

	if (r < 0)
		epdma_checks_add(c, "pci access", EPDMA_CHECK_FAIL, "is sysfs mounted on /sys?",
				 "cannot scan /sys/bus/pci: %s", strerror(-r));
	else
		epdma_checks_add(c, "pci access", EPDMA_CHECK_PASS, NULL,
				 "%d PCI functions visible", r);
	r = epdma_modules_new(ctx, &mods);
	if (r < 0) {
		epdma_checks_add(c, "modules", EPDMA_CHECK_FAIL, NULL,
				 "cannot read the module index: %s", strerror(-r));
		return -EINVAL;
	}
	check_host_module(mods, "ntb_hw_epf", true, "build the host kernel with CONFIG_NTB_EPF", c);
	check_host_module(mods, cfg->host.dma_driver, true,
			  "build the host kernel with CONFIG_DW_EDMA_PCIE", c);
	check_host_module(mods, cfg->transport.module, false,
			  "the transport that uses the endpoint DMA is not in this kernel yet; "
			  "setup will wait for it",
			  c);
	check_vntb_alias(mods, cfg, c);
	epdma_modules_free(mods);
	return epdma_checks_failed(c) ? -EINVAL : 0;
}
