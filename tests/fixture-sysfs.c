// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Building blocks shaped like the kernel's own sysfs/configfs/device tree:
 * endpoint controllers, configfs, EPF drivers and functions, PCI devices.
 * Links are relative, as sysfs makes them, so a tree works at any root.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture-internal.h"

#define CONFIGFS_PCI_EP "sys/kernel/config/pci_ep"
#define DT_BASE		"sys/firmware/devicetree/base"
#define EPF_BUS		"sys/bus/pci-epf"

/* Sorted names in a directory below the root ("." and ".." left out); NULL-terminated. */
char **fx_list(struct fx *fx, const char *path)
{
	char *abs = fx_path(fx, path);
	struct dirent **ents;
	int n = scandir(abs, &ents, NULL, alphasort);
	char **names;
	size_t k = 0;

	if (n < 0) {
		if (errno != ENOENT)
			fx_fail_errno("scandir", abs);
		n = 0;
		ents = NULL;
	}
	names = calloc((size_t)n + 1, sizeof(*names));
	if (!names)
		ck_abort_msg("fixture: out of memory");
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") != 0 && strcmp(ents[i]->d_name, "..") != 0)
			names[k++] = fx_strdupf("%s", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	free(abs);
	return names;
}

void fx_list_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static void write_if_missing(struct fx *fx, const char *path, const char *text)
{
	if (!fx_exists(fx, path))
		fx_write(fx, path, "%s", text);
}

/* Device-tree string properties carry their terminating NUL. */
static void dt_string(struct fx *fx, const char *node, const char *prop, const char *value)
{
	char *path = fx_strdupf("%s/%s/%s", DT_BASE, node, prop);

	fx_write_raw(fx, path, value, strlen(value) + 1);
	free(path);
}

/* "soc/pcie-ep@e65d0000" -> "pcie-ep" (the node's `name` property). */
static char *dt_node_name(const char *node)
{
	const char *base = strrchr(node, '/');
	char *name = fx_strdupf("%s", base ? base + 1 : node);
	char *at = strchr(name, '@');

	if (at)
		*at = '\0';
	return name;
}

/* Every node on the way to NODE gets its `name`, as the kernel shows it. */
static void dt_ensure_node(struct fx *fx, const char *node)
{
	char *partial = fx_strdupf("%s", node);

	for (char *s = partial;; s++) {
		bool end = *s == '\0';

		if (*s == '/' || end) {
			char *name, *path;

			*s = '\0';
			name = dt_node_name(partial);
			path = fx_strdupf("%s/%s/name", DT_BASE, partial);
			if (!fx_exists(fx, path))
				dt_string(fx, partial, "name", name);
			free(path);
			free(name);
			if (end)
				break;
			*s = '/';
		}
	}
	free(partial);
}

void fx_dt_node(struct fx *fx, const char *node, const char *compatible)
{
	dt_ensure_node(fx, node);
	if (compatible)
		dt_string(fx, node, "compatible", compatible);
}

static void controller_dt(struct fx *fx, const struct fx_controller *c)
{
	char *path;

	fx_dt_node(fx, c->dt_node, NULL);
	path = fx_strdupf("%s/%s/compatible", DT_BASE, c->dt_node);
	if (c->fallback_compatible) {
		/* A list: each string NUL-terminated, one after the other. */
		size_t a = strlen(c->compatible) + 1, b = strlen(c->fallback_compatible) + 1;
		char *buf = malloc(a + b);

		if (!buf)
			ck_abort_msg("fixture: out of memory");
		memcpy(buf, c->compatible, a);
		memcpy(buf + a, c->fallback_compatible, b);
		fx_write_raw(fx, path, buf, a + b);
		free(buf);
	} else {
		dt_string(fx, c->dt_node, "compatible", c->compatible);
	}
	free(path);
	dt_string(fx, c->dt_node, "status", "okay");
	dt_string(fx, c->dt_node, "device_type", "pci");
	if (c->max_functions) {
		path = fx_strdupf("%s/%s/max-functions", DT_BASE, c->dt_node);
		fx_write_raw(fx, path, c->max_functions, c->max_functions_len);
		free(path);
	}
	/* The kernel's alias; relative so it never leads out of the fixture root. */
	if (!fx_exists(fx, "proc/device-tree"))
		fx_symlink(fx, "../sys/firmware/devicetree/base", "proc/device-tree");
}

void fx_controller(struct fx *fx, const struct fx_controller *c)
{
	bool top = !c->parent || !*c->parent;
	char *dev = top ? fx_strdupf("sys/devices/platform/%s", c->name)
			: fx_strdupf("sys/devices/platform/%s/%s", c->parent, c->name);
	char *node_name = dt_node_name(c->dt_node);
	char *p, *q;

	controller_dt(fx, c);

	/* The platform device: of_node, subsystem, uevent as the OF core fills it. */
	fx_mkdir(fx, dev);
	p = fx_strdupf("%s/of_node", dev);
	q = fx_strdupf("%s/%s", DT_BASE, c->dt_node);
	fx_symlink_rel(fx, q, p);
	free(p);
	free(q);
	p = fx_strdupf("%s/subsystem", dev);
	fx_symlink_rel(fx, "sys/bus/platform", p);
	free(p);
	p = fx_strdupf("%s/uevent", dev);
	fx_write(fx, p,
		 "OF_NAME=%s\nOF_FULLNAME=/%s\nOF_COMPATIBLE_0=%s\nOF_COMPATIBLE_N=%d\n"
		 "MODALIAS=of:N%sT(null)C%s\n",
		 node_name, c->dt_node, c->compatible, c->fallback_compatible ? 2 : 1, node_name,
		 c->compatible);
	free(p);
	p = fx_strdupf("%s/modalias", dev);
	fx_write(fx, p, "of:N%sT(null)C%s\n", node_name, c->compatible);
	free(p);
	p = fx_strdupf("%s/driver_override", dev);
	fx_write(fx, p, "(null)\n");
	free(p);
	p = fx_strdupf("%s/power/control", dev);
	fx_write(fx, p, "auto\n");
	free(p);
	p = fx_strdupf("sys/bus/platform/devices/%s", c->name);
	fx_symlink_rel(fx, dev, p);
	free(p);

	/* The pci_epc class device below it, and the class link. */
	p = fx_strdupf("%s/pci_epc/%s/device", dev, c->name);
	fx_symlink(fx, "../..", p);
	free(p);
	p = fx_strdupf("%s/pci_epc/%s/subsystem", dev, c->name);
	fx_symlink_rel(fx, "sys/class/pci_epc", p);
	free(p);
	p = fx_strdupf("%s/pci_epc/%s/uevent", dev, c->name);
	fx_write(fx, p, "%s", "");
	free(p);
	p = fx_strdupf("%s/pci_epc/%s/power/control", dev, c->name);
	fx_write(fx, p, "auto\n");
	free(p);
	p = fx_strdupf("%s/pci_epc/%s", dev, c->name);
	q = fx_strdupf("sys/class/pci_epc/%s", c->name);
	fx_symlink_rel(fx, p, q);
	free(p);
	free(q);

	/* configfs shows a controller the moment it registers, if mounted. */
	if (fx_exists(fx, CONFIGFS_PCI_EP)) {
		p = fx_strdupf(CONFIGFS_PCI_EP "/controllers/%s/start", c->name);
		fx_write(fx, p, "0\n");
		free(p);
	}
	free(node_name);
	free(dev);
}

static void epf_bus(struct fx *fx)
{
	fx_mkdir(fx, EPF_BUS "/devices");
	fx_mkdir(fx, EPF_BUS "/drivers");
	write_if_missing(fx, EPF_BUS "/drivers_autoprobe", "1\n");
	write_if_missing(fx, EPF_BUS "/drivers_probe", "");
	write_if_missing(fx, EPF_BUS "/uevent", "");
}

void fx_configfs_mount(struct fx *fx)
{
	char **names;
	char *p;

	fx_mkdir(fx, CONFIGFS_PCI_EP "/controllers");
	fx_mkdir(fx, CONFIGFS_PCI_EP "/functions");
	names = fx_list(fx, "sys/class/pci_epc");
	for (size_t i = 0; names[i]; i++) {
		p = fx_strdupf(CONFIGFS_PCI_EP "/controllers/%s/start", names[i]);
		if (!fx_exists(fx, p))
			fx_write(fx, p, "0\n");
		free(p);
	}
	fx_list_free(names);
	names = fx_list(fx, EPF_BUS "/drivers");
	for (size_t i = 0; names[i]; i++) {
		p = fx_strdupf(CONFIGFS_PCI_EP "/functions/%s", names[i]);
		fx_mkdir(fx, p);
		free(p);
	}
	fx_list_free(names);
}

/* The driver on the pci-epf bus, and configfs' functions/<drv> when mounted. */
static void epf_register(struct fx *fx, const char *drv, const char *modname)
{
	char *d = fx_strdupf(EPF_BUS "/drivers/%s", drv);
	char *p;

	epf_bus(fx);
	fx_mkdir(fx, d);
	p = fx_strdupf("%s/bind", d);
	fx_write(fx, p, "%s", "");
	free(p);
	p = fx_strdupf("%s/unbind", d);
	fx_write(fx, p, "%s", "");
	free(p);
	p = fx_strdupf("%s/uevent", d);
	fx_write(fx, p, "%s", "");
	free(p);
	p = fx_strdupf("%s/module", d);
	{
		char *m = fx_strdupf("sys/module/%s", modname);

		fx_symlink_rel(fx, m, p);
		free(m);
	}
	free(p);
	p = fx_strdupf("sys/module/%s/drivers/pci-epf:%s", modname, drv);
	fx_symlink_rel(fx, d, p);
	free(p);
	if (fx_exists(fx, CONFIGFS_PCI_EP)) {
		p = fx_strdupf(CONFIGFS_PCI_EP "/functions/%s", drv);
		fx_mkdir(fx, p);
		free(p);
	}
	free(d);
}

/* /sys/module/<name> of a loaded module. */
void fx_module_loaded(struct fx *fx, const char *module)
{
	char *name = fx_module_name(module);
	char *p;

	p = fx_strdupf("sys/module/%s/initstate", name);
	fx_write(fx, p, "live\n");
	free(p);
	p = fx_strdupf("sys/module/%s/refcnt", name);
	fx_write(fx, p, "0\n");
	free(p);
	p = fx_strdupf("sys/module/%s/coresize", name);
	fx_write(fx, p, "%zu\n", 20480 + strlen(name) * 512);
	free(p);
	p = fx_strdupf("sys/module/%s/taint", name);
	fx_write(fx, p, "\n");
	free(p);
	p = fx_strdupf("sys/module/%s/uevent", name);
	fx_write(fx, p, "%s", "");
	free(p);
	p = fx_strdupf("sys/module/%s/holders", name);
	fx_mkdir(fx, p);
	free(p);
	p = fx_strdupf("sys/module/%s/sections/.text", name);
	fx_write(fx, p, "0x0000000000000000\n");
	free(p);
	free(name);
}

void fx_epf_driver(struct fx *fx, const char *drv, const char *module, bool loaded)
{
	char *alias = fx_strdupf("pci_epf:%s", drv);
	const char *aliases[] = { alias, NULL };
	char *name = fx_module_name(module);

	fx_module(fx, "drivers/pci/endpoint/functions", module, aliases, NULL);
	if (loaded) {
		fx_module_loaded(fx, module);
		epf_register(fx, drv, name);
	}
	free(name);
	free(alias);
}

void fx_epf_driver_builtin(struct fx *fx, const char *drv, const char *module)
{
	char *name = fx_module_name(module);
	char *p;

	if (!fx->release)
		ck_abort_msg("fixture: fx_epf_driver_builtin(%s) before fx_kernel_release", drv);
	fx_module_builtin(fx, "drivers/pci/endpoint/functions", module);
	/* Built-in drivers get /sys/module/<name> without initstate. */
	p = fx_strdupf("sys/module/%s/uevent", name);
	fx_write(fx, p, "%s", "");
	free(p);
	epf_register(fx, drv, name);
	free(name);
}

/* Lowest free index of the one global EPF pool. */
static unsigned int epf_free_index(struct fx *fx)
{
	char **names = fx_list(fx, EPF_BUS "/devices");
	unsigned int idx = 0;
	bool taken;

	do {
		taken = false;
		for (size_t i = 0; names[i]; i++) {
			const char *dot = strrchr(names[i], '.');

			if (dot && strtoul(dot + 1, NULL, 10) == idx && dot[1] >= '0' &&
			    dot[1] <= '9') {
				taken = true;
				idx++;
				break;
			}
		}
	} while (taken);
	fx_list_free(names);
	return idx;
}

/* The EPF device: /sys/devices/<drv>.<N> (no parent), bus and driver links. */
static void epf_device(struct fx *fx, const char *drv, const char *epf)
{
	char *dev = fx_strdupf("sys/devices/%s", epf);
	char *p, *q;

	p = fx_strdupf("%s/uevent", dev);
	fx_write(fx, p, "DRIVER=%s\nMODALIAS=pci_epf:%s\n", drv, drv);
	free(p);
	p = fx_strdupf("%s/modalias", dev);
	fx_write(fx, p, "pci_epf:%s\n", drv);
	free(p);
	p = fx_strdupf("%s/subsystem", dev);
	fx_symlink_rel(fx, EPF_BUS, p);
	free(p);
	p = fx_strdupf("%s/driver", dev);
	q = fx_strdupf(EPF_BUS "/drivers/%s", drv);
	fx_symlink_rel(fx, q, p);
	free(p);
	free(q);
	p = fx_strdupf(EPF_BUS "/drivers/%s/%s", drv, epf);
	fx_symlink_rel(fx, dev, p);
	free(p);
	p = fx_strdupf(EPF_BUS "/devices/%s", epf);
	fx_symlink_rel(fx, dev, p);
	free(p);
	free(dev);
}

static const char *const header_attrs[] = {
	"vendorid",
	"deviceid",
	"revid",
	"progif_code",
	"subclass_code",
	"baseclass_code",
	"cache_line_size",
	"subsys_vendor_id",
	"subsys_id",
	"interrupt_pin",
	NULL,
};

/* Someone else's function as configfs shows it after their mkdir and writes. */
static void function_dir(struct fx *fx, const char *fn, const char *drv, const char *epf)
{
	/* pci_epf_test's header after a typical manual setup (TI's test IDs). */
	const unsigned int values[] = { 0x104c, 0xb500, 0, 0, 0, 0xff, 0, 0, 0, 1 };
	char *p;

	for (size_t i = 0; header_attrs[i]; i++) {
		p = fx_strdupf("%s/%s", fn, header_attrs[i]);
		fx_write(fx, p, "0x%04x\n", values[i]);
		free(p);
	}
	p = fx_strdupf("%s/msi_interrupts", fn);
	fx_write(fx, p, "1\n");
	free(p);
	p = fx_strdupf("%s/msix_interrupts", fn);
	fx_write(fx, p, "0\n");
	free(p);
	p = fx_strdupf("%s/primary", fn);
	fx_mkdir(fx, p);
	free(p);
	p = fx_strdupf("%s/secondary", fn);
	fx_mkdir(fx, p);
	free(p);
	/* pci_epf_test has no driver subgroup; the others get <drv>.<N>/. */
	if (strcmp(drv, "pci_epf_test") != 0) {
		p = fx_strdupf("%s/%s", fn, epf);
		fx_mkdir(fx, p);
		free(p);
	}
}

/* Lowest PF of EPC not yet recorded in the fake kernel's state ("pf <key> <epc> <pf>"). */
static unsigned int state_free_pf(const char *state, const char *epc)
{
	unsigned int pf = 0;
	bool taken;

	do {
		char *want = fx_strdupf(" %s %u\n", epc, pf);

		taken = false;
		for (const char *line = state; line && *line;) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);

			if (strncmp(line, "pf ", 3) == 0 && len > strlen(want) &&
			    memcmp(line + len - strlen(want), want, strlen(want)) == 0)
				taken = true;
			line += len;
		}
		free(want);
		if (taken)
			pf++;
	} while (taken);
	return pf;
}

/*
 * What the fake kernel keeps beside the tree (tests/fakekernel/core.c,
 * configfs.c): "fn <drv>/<name> <index>" and, once linked,
 * "pf <drv>/<name>:p <epc> <pf>". Recorded here as the fake kernel would.
 */
static void state_record_function(struct fx *fx, const char *drv, const char *name,
				  unsigned int index, const char *epc)
{
	char *path = fx_strdupf("%s/state", fx->state);
	char *old = NULL, *text;
	size_t len = 0;
	FILE *f = fopen(path, "re");

	if (f) {
		old = malloc(65536);
		if (!old)
			ck_abort_msg("fixture: out of memory");
		len = fread(old, 1, 65535, f);
		old[len] = '\0';
		fclose(f);
	}
	if (epc)
		text = fx_strdupf("%sfn %s/%s %u\npf %s/%s:p %s %u\n", old ? old : "", drv, name,
				  index, drv, name, epc, state_free_pf(old, epc));
	else
		text = fx_strdupf("%sfn %s/%s %u\n", old ? old : "", drv, name, index);
	f = fopen(path, "we");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		fx_fail_errno("write", path);
	free(text);
	free(old);
	free(path);
}

void fx_foreign_function(struct fx *fx, const char *drv, const char *name, const char *epc)
{
	char *fns = fx_strdupf(CONFIGFS_PCI_EP "/functions/%s", drv);
	char *fn = fx_strdupf("%s/%s", fns, name);
	unsigned int index;
	char *epf;

	if (!fx_exists(fx, fns))
		ck_abort_msg("fixture: fx_foreign_function(%s, %s): %s missing (driver not "
			     "registered or configfs not mounted)",
			     drv, name, fns);
	index = epf_free_index(fx);
	epf = fx_strdupf("%s.%u", drv, index);
	function_dir(fx, fn, drv, epf);
	epf_device(fx, drv, epf);
	if (epc) {
		char *link = fx_strdupf(CONFIGFS_PCI_EP "/controllers/%s/%s", epc, name);
		char *ctl = fx_strdupf(CONFIGFS_PCI_EP "/controllers/%s", epc);

		if (!fx_exists(fx, ctl))
			ck_abort_msg("fixture: fx_foreign_function: no controller %s", ctl);
		/* configfs (v6.10+) shows the shortest relative path. */
		fx_symlink_rel(fx, fn, link);
		free(link);
		free(ctl);
	}
	state_record_function(fx, drv, name, index, epc);
	free(epf);
	free(fn);
	free(fns);
}
