// SPDX-License-Identifier: GPL-2.0-or-later
/* Endpoint controllers: which exist, how many functions they take, what is linked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

bool epdma_configfs_mounted(struct epdma_ctx *ctx)
{
	/* pci_ep/ appears only in a mounted configfs with PCI_ENDPOINT_CONFIGFS. */
	return epdma_fs_is_dir(ctx, EPDMA_PCI_EP);
}

bool epdma_epf_driver_registered(struct epdma_ctx *ctx, const char *driver)
{
	char path[256];

	snprintf(path, sizeof(path), EPDMA_PCI_EP "/functions/%s", driver);
	return epdma_fs_is_dir(ctx, path);
}

int epdma_controllers_list(struct epdma_ctx *ctx, char ***names)
{
	int r = epdma_fs_list(ctx, "/sys/class/pci_epc", names);

	if (r == -ENOENT) {
		*names = calloc(1, sizeof(char *));
		return *names ? 0 : -ENOMEM;
	}
	return r;
}

int epdma_controller_pick(struct epdma_ctx *ctx, const char *configured, char *out, size_t size)
{
	char **names = NULL;
	int r = epdma_controllers_list(ctx, &names);

	if (r < 0)
		return r;
	if (configured && *configured) {
		r = -ENOENT;
		for (char **n = names; *n; n++)
			if (!strcmp(*n, configured))
				r = 0;
		if (r == 0)
			snprintf(out, size, "%s", configured);
	} else if (r == 1) {
		snprintf(out, size, "%s", names[0]);
		r = 0;
	} else {
		r = r == 0 ? -ENOENT : -ENOTUNIQ;
	}
	epdma_strv_free(names);
	return r;
}

/*
 * max-functions is a device-tree property the controller drivers read with
 * of_property_read_u8(): absent means 1, a 1-byte cell is the value, and a
 * longer cell reads as its first byte (0 for a 4-byte <2>), which 6.12 then
 * treats as "no limit". Return what the kernel uses; -EBADMSG (with *len set)
 * for any length other than 1.
 */
int epdma_controller_max_functions(struct epdma_ctx *ctx, const char *epc, unsigned int *max,
				   size_t *len)
{
	char path[256];
	uint8_t cell[16];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/pci_epc/%s/device/of_node/max-functions", epc);
	n = epdma_fs_read_raw(ctx, path, cell, sizeof(cell));
	if (n == -ENOENT) {
		*max = 1;
		*len = 0;
		return 0;
	}
	if (n < 0)
		return (int)n;
	*len = (size_t)n;
	*max = n > 0 ? cell[0] : 0;
	return n == 1 ? 0 : -EBADMSG;
}

bool epdma_controller_has_of_node(struct epdma_ctx *ctx, const char *epc)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/class/pci_epc/%s/device/of_node", epc);
	return epdma_fs_is_dir(ctx, path);
}

int epdma_controller_compatible(struct epdma_ctx *ctx, const char *epc, char *buf, size_t size)
{
	char path[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/pci_epc/%s/device/of_node/compatible", epc);
	n = epdma_fs_read_raw(ctx, path, buf, size - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0'; /* a list of NUL-separated strings: keep the first */
	return 0;
}

int epdma_vntb_stale_device(struct epdma_ctx *ctx, uint16_t vid, uint16_t pid, char *bdf,
			    size_t size)
{
	char **devs = NULL;
	int found = 0, r = epdma_fs_list(ctx, "/sys/bus/pci/devices", &devs);

	if (r == -ENOENT)
		return 0; /* no PCI bus at all: nothing can be left on it */
	if (r < 0)
		return r;
	for (char **d = devs; *d && !found; d++) {
		size_t len = strlen(*d);
		char path[320];
		uint64_t v, p;

		/* vNTB's virtual bus answers config reads for devfn 0 alone
		 * (pci-epf-vntb.c:985, v6.12): its device is always <bus>:00.0. */
		if (len < 5 || strcmp(*d + len - 5, ":00.0"))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", *d);
		if (epdma_fs_read_u64(ctx, path, &v) < 0 || v != vid)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", *d);
		if (epdma_fs_read_u64(ctx, path, &p) < 0 || p != pid)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", *d);
		if (epdma_fs_exists(ctx, path))
			continue;
		found = epdma_strscpy(bdf, *d, size) >= 0;
	}
	epdma_strv_free(devs);
	return found;
}

/* Functions linked to EPC: the symlinks beside "start", resolved to driver + name. */
int epdma_controller_links(struct epdma_ctx *ctx, const char *epc, struct epdma_link *links,
			   size_t max)
{
	char dir[256], path[512], target[512];
	char **names = NULL;
	size_t n = 0;
	int r;

	snprintf(dir, sizeof(dir), EPDMA_PCI_EP "/controllers/%s", epc);
	/*
	 * configfs gives every entry's type in readdir (fs/configfs/dir.c:1697,
	 * fs_umode_to_dtype()): "start" and the other attributes are never
	 * readlink()ed, what would fail on them anyway (EINVAL).
	 */
	r = epdma_fs_list_links(ctx, dir, &names);
	if (r < 0)
		return r;
	for (char **e = names; *e; e++) {
		char *fn, *drv;

		snprintf(path, sizeof(path), "%s/%s", dir, *e);
		if (epdma_fs_readlink(ctx, path, target, sizeof(target)) < 0)
			continue; /* anything else that is not a link */
		if (n == max) {
			epdma_strv_free(names);
			return -E2BIG;
		}
		/* .../functions/<driver>/<name> */
		fn = strrchr(target, '/');
		if (!fn)
			continue;
		*fn++ = '\0';
		drv = strrchr(target, '/');
		drv = drv ? drv + 1 : target;
		if (epdma_strscpy(links[n].link, *e, sizeof(links[n].link)) < 0 ||
		    epdma_strscpy(links[n].driver, drv, sizeof(links[n].driver)) < 0 ||
		    epdma_strscpy(links[n].function, fn, sizeof(links[n].function)) < 0)
			continue; /* longer than any configfs name epdma makes: not ours */
		n++;
	}
	epdma_strv_free(names);
	return (int)n;
}
