// SPDX-License-Identifier: GPL-2.0
/*
 * epdma-vepc: a virtual PCI endpoint controller for the epdma real-kernel
 * test tier.
 *
 * It registers one endpoint controller, named like an ARM SoC's controller
 * (default "e65d0000.pcie-ep", R-Car S4), whose operations record what they
 * are asked and succeed. Everything above it (configfs, EPF core, vNTB, the
 * function drivers) is the real kernel.
 *
 * The multi-function limit comes from a device-tree property, as on ARM
 * boards: the module adds a node with "compatible" and a 1-byte
 * "max-functions" to the (empty, on x86) live tree, attaches it to its
 * platform device and reads the limit back with of_property_read_u8(), the
 * way the DesignWare endpoint core does. So
 * /sys/class/pci_epc/<epc>/device/of_node/max-functions looks as on a board.
 *
 * What the endpoint core asked is logged to debugfs
 * (<debugfs>/epdma-vepc/calls), one line per operation.
 *
 * Loopback (pool=DDDD:BB:DD.F): the memory of the functions' BARs comes from
 * a BAR of that PCI device (an ivshmem device), declared as the platform
 * device's coherent pool, and the controller remembers what the functions
 * configured (headers, BARs, interrupts) for epdma-loopback, which presents
 * them to the same kernel as a PCI device (epdma-vepc.h).
 */

#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/pci.h>
#include <linux/pci-epc.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "epdma-vepc.h"

static char *name = "e65d0000.pcie-ep";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "controller (and platform device) name");

static char *compatible = "renesas,r8a779f0-pcie-ep";
module_param(compatible, charp, 0444);
MODULE_PARM_DESC(compatible, "compatible string of the device-tree node");

static int max_functions = 2;
module_param(max_functions, int, 0444);
MODULE_PARM_DESC(max_functions,
		 "device-tree max-functions value; 0 = no property (the kernel then assumes 1)");

static int max_functions_bytes = 1;
module_param(max_functions_bytes, int, 0444);
MODULE_PARM_DESC(max_functions_bytes,
		 "size of the max-functions cell: 1 (as boards have it) or 4 (a misbuilt tree)");

static bool fail_start;
module_param(fail_start, bool, 0644);
MODULE_PARM_DESC(fail_start, "make the controller's start operation fail with -EIO");

static bool msix_capable;
module_param(msix_capable, bool, 0444);
MODULE_PARM_DESC(msix_capable, "advertise MSI-X besides MSI");

/*
 * The outbound window (host memory seen through the PCI address space) must
 * be ioremap()-able and must not be RAM: 64 GiB is far above the guest's
 * memory and below the 40 physical address bits of QEMU's CPUs.
 */
static unsigned long long window_base = 0x1000000000ULL;
module_param(window_base, ullong, 0444);
MODULE_PARM_DESC(window_base, "physical base of the fake outbound window");

static unsigned long window_size = SZ_256M;
module_param(window_size, ulong, 0444);
MODULE_PARM_DESC(window_size, "size of the fake outbound window");

static char *pool;
module_param(pool, charp, 0444);
MODULE_PARM_DESC(pool,
		 "PCI device DDDD:BB:DD.F whose BAR pool_bar holds the functions' BAR memory");

static int pool_bar = 2;
module_param(pool_bar, int, 0444);
MODULE_PARM_DESC(pool_bar, "BAR of the pool device (default 2, ivshmem's shared memory)");

static int reserved_bars;
module_param(reserved_bars, int, 0444);
MODULE_PARM_DESC(reserved_bars,
		 "bit mask of BARs the controller reserves (0x2a: BAR1/3/5, as i.MX8)");

#define VEPC_MAX_FUNCS EPDMA_VEPC_MAX_FUNCS
#define VEPC_LOG_SIZE  (64 * 1024)

struct vepc {
	struct platform_device *pdev;
	struct pci_epc *epc;
	struct of_changeset ocs;
	struct device_node *np;
	bool ocs_applied;
	struct dentry *debugfs;
	struct pci_epc_features features;
	u8 msi_encoded[VEPC_MAX_FUNCS];
	u16 msix_count[VEPC_MAX_FUNCS];
	struct pci_dev *pool_pdev;
	bool pool_declared;
	struct mutex state_lock; /* protects funcs, started, host_ops/host_data */
	struct epdma_vepc_function funcs[VEPC_MAX_FUNCS];
	bool started;
	const struct epdma_vepc_host_ops *host_ops;
	void *host_data;
	struct mutex log_lock; /* protects log/log_len */
	char *log;
	size_t log_len;
};

static struct vepc *vepc;

static __printf(2, 3) void vepc_record(struct vepc *v, const char *fmt, ...)
{
	va_list ap;
	int n;

	mutex_lock(&v->log_lock);
	if (v->log_len < VEPC_LOG_SIZE - 1) {
		va_start(ap, fmt);
		n = vscnprintf(v->log + v->log_len, VEPC_LOG_SIZE - v->log_len, fmt, ap);
		va_end(ap);
		v->log_len += n;
	}
	mutex_unlock(&v->log_lock);
}

/* The loopback's view: what a function configured (HDR, BAR set, CLEAR >= 0 cleared). */
static void vepc_state(struct pci_epc *epc, u8 fn, const struct pci_epf_header *hdr,
		       const struct pci_epf_bar *bar, int clear)
{
	struct vepc *v = epc_get_drvdata(epc);
	struct epdma_vepc_function *f;

	if (fn >= VEPC_MAX_FUNCS)
		return;
	f = &v->funcs[fn];
	mutex_lock(&v->state_lock);
	if (hdr) {
		f->header = *hdr;
		f->present = true;
	}
	if (bar && bar->barno >= 0 && bar->barno < PCI_STD_NUM_BARS) {
		f->bar[bar->barno].phys = bar->phys_addr;
		f->bar[bar->barno].size = bar->size;
		f->bar[bar->barno].flags = bar->flags;
	}
	if (clear >= 0 && clear < PCI_STD_NUM_BARS)
		memset(&f->bar[clear], 0, sizeof(f->bar[clear]));
	mutex_unlock(&v->state_lock);
}

static int vepc_write_header(struct pci_epc *epc, u8 fn, u8 vfn, struct pci_epf_header *hdr)
{
	vepc_record(epc_get_drvdata(epc),
		    "write_header fn%u vendor=0x%04x device=0x%04x rev=0x%02x class=0x%02x%02x%02x "
		    "subsys=0x%04x:0x%04x pin=%d\n",
		    fn, hdr->vendorid, hdr->deviceid, hdr->revid, hdr->baseclass_code,
		    hdr->subclass_code, hdr->progif_code, hdr->subsys_vendor_id, hdr->subsys_id,
		    hdr->interrupt_pin);
	vepc_state(epc, fn, hdr, NULL, -1);
	return 0;
}

static int vepc_set_bar(struct pci_epc *epc, u8 fn, u8 vfn, struct pci_epf_bar *bar)
{
	vepc_record(epc_get_drvdata(epc), "set_bar fn%u bar%d size=0x%zx flags=0x%x\n", fn,
		    bar->barno, bar->size, bar->flags);
	vepc_state(epc, fn, NULL, bar, -1);
	return 0;
}

static void vepc_clear_bar(struct pci_epc *epc, u8 fn, u8 vfn, struct pci_epf_bar *bar)
{
	vepc_record(epc_get_drvdata(epc), "clear_bar fn%u bar%d\n", fn, bar->barno);
	vepc_state(epc, fn, NULL, NULL, bar->barno);
}

static int vepc_map_addr(struct pci_epc *epc, u8 fn, u8 vfn, phys_addr_t addr, u64 pci_addr,
			 size_t size)
{
	vepc_record(epc_get_drvdata(epc), "map_addr fn%u phys=%pa pci=0x%llx size=0x%zx\n", fn,
		    &addr, pci_addr, size);
	return 0;
}

static void vepc_unmap_addr(struct pci_epc *epc, u8 fn, u8 vfn, phys_addr_t addr)
{
	vepc_record(epc_get_drvdata(epc), "unmap_addr fn%u phys=%pa\n", fn, &addr);
}

/* The core passes log2 of the vector count and expects it back from get_msi. */
static int vepc_set_msi(struct pci_epc *epc, u8 fn, u8 vfn, u8 encoded)
{
	struct vepc *v = epc_get_drvdata(epc);

	vepc_record(v, "set_msi fn%u vectors=%u\n", fn, 1U << encoded);
	if (fn < VEPC_MAX_FUNCS) {
		v->msi_encoded[fn] = encoded;
		v->funcs[fn].msi_vectors = 1U << encoded;
	}
	return 0;
}

static int vepc_get_msi(struct pci_epc *epc, u8 fn, u8 vfn)
{
	struct vepc *v = epc_get_drvdata(epc);

	return fn < VEPC_MAX_FUNCS ? v->msi_encoded[fn] : -EINVAL;
}

/* MSI-X: set gets the count, get returns count - 1 (the table size field). */
static int vepc_set_msix(struct pci_epc *epc, u8 fn, u8 vfn, u16 nr_irqs, enum pci_barno bir,
			 u32 offset)
{
	struct vepc *v = epc_get_drvdata(epc);

	vepc_record(v, "set_msix fn%u vectors=%u bar%d offset=0x%x\n", fn, nr_irqs, bir, offset);
	if (fn < VEPC_MAX_FUNCS) {
		v->msix_count[fn] = nr_irqs;
		v->funcs[fn].msix_vectors = nr_irqs;
	}
	return 0;
}

static int vepc_get_msix(struct pci_epc *epc, u8 fn, u8 vfn)
{
	struct vepc *v = epc_get_drvdata(epc);

	if (fn >= VEPC_MAX_FUNCS || !v->msix_count[fn])
		return -EINVAL;
	return v->msix_count[fn] - 1;
}

static int vepc_raise_irq(struct pci_epc *epc, u8 fn, u8 vfn, unsigned int type, u16 num)
{
	struct vepc *v = epc_get_drvdata(epc);
	int ret = 0;

	vepc_record(v, "raise_irq fn%u type=%u num=%u\n", fn, type, num);
	mutex_lock(&v->state_lock);
	if (v->host_ops)
		ret = v->host_ops->raise_irq(v->host_data, fn, type, num);
	mutex_unlock(&v->state_lock);
	return ret;
}

static int vepc_start(struct pci_epc *epc)
{
	struct vepc *v = epc_get_drvdata(epc);

	vepc_record(v, "start%s\n", fail_start ? " -> -EIO" : "");
	if (fail_start)
		return -EIO;
	mutex_lock(&v->state_lock);
	v->started = true;
	mutex_unlock(&v->state_lock);
	return 0;
}

static void vepc_stop(struct pci_epc *epc)
{
	struct vepc *v = epc_get_drvdata(epc);

	vepc_record(v, "stop\n");
	mutex_lock(&v->state_lock);
	v->started = false;
	mutex_unlock(&v->state_lock);
}

static const struct pci_epc_features *vepc_get_features(struct pci_epc *epc, u8 fn, u8 vfn)
{
	struct vepc *v = epc_get_drvdata(epc);

	return &v->features;
}

/*
 * No .owner: configfs would pin this module through every linked function,
 * and the test tier unloads/reloads it between scenarios.
 */
static const struct pci_epc_ops vepc_ops = {
	.write_header = vepc_write_header,
	.set_bar = vepc_set_bar,
	.clear_bar = vepc_clear_bar,
	.map_addr = vepc_map_addr,
	.unmap_addr = vepc_unmap_addr,
	.set_msi = vepc_set_msi,
	.get_msi = vepc_get_msi,
	.set_msix = vepc_set_msix,
	.get_msix = vepc_get_msix,
	.raise_irq = vepc_raise_irq,
	.start = vepc_start,
	.stop = vepc_stop,
	.get_features = vepc_get_features,
};

static int vepc_calls_show(struct seq_file *s, void *unused)
{
	struct vepc *v = s->private;

	mutex_lock(&v->log_lock);
	seq_write(s, v->log, v->log_len);
	mutex_unlock(&v->log_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vepc_calls);

/* "e65d0000.pcie-ep" -> "pcie-ep@e65d0000", as the node of such a device is named. */
static char *vepc_node_name(const char *dev_name)
{
	const char *dot = strchr(dev_name, '.');

	if (!dot || dot == dev_name || !dot[1])
		return kstrdup(dev_name, GFP_KERNEL);
	return kasprintf(GFP_KERNEL, "%s@%.*s", dot + 1, (int)(dot - dev_name), dev_name);
}

/* A raw property: the changeset helpers offer no u8 cells. */
static int vepc_add_max_functions(struct vepc *v)
{
	struct property *prop;
	__be32 cell = cpu_to_be32(max_functions);

	prop = kzalloc(sizeof(*prop), GFP_KERNEL);
	if (!prop)
		return -ENOMEM;
	prop->name = kstrdup("max-functions", GFP_KERNEL);
	if (max_functions_bytes == 4) {
		prop->length = 4;
		prop->value = kmemdup(&cell, 4, GFP_KERNEL);
	} else {
		u8 byte = max_functions;

		prop->length = 1;
		prop->value = kmemdup(&byte, 1, GFP_KERNEL);
	}
	if (!prop->name || !prop->value)
		goto nomem;
	/* Freed with the node: it is OF_DYNAMIC (created by the changeset). */
	if (of_changeset_add_property(&v->ocs, v->np, prop))
		goto nomem;
	return 0;
nomem:
	kfree(prop->name);
	kfree(prop->value);
	kfree(prop);
	return -ENOMEM;
}

static int vepc_add_node(struct vepc *v)
{
	char *full_name;
	int ret;

	if (!of_root) {
		pr_err("epdma-vepc: no device-tree root (CONFIG_OF without a live tree)\n");
		return -ENODEV;
	}
	full_name = vepc_node_name(name);
	if (!full_name)
		return -ENOMEM;
	of_changeset_init(&v->ocs);
	v->np = of_changeset_create_node(&v->ocs, of_root, full_name);
	kfree(full_name);
	if (!v->np)
		return -ENOMEM;
	ret = of_changeset_add_prop_string(&v->ocs, v->np, "compatible", compatible);
	if (!ret && max_functions > 0)
		ret = vepc_add_max_functions(v);
	if (ret)
		return ret;
	/*
	 * The platform bus creates a device for every new node under the root
	 * unless it is marked populated: the module provides its own device.
	 */
	of_node_set_flag(v->np, OF_POPULATED);
	ret = of_changeset_apply(&v->ocs);
	if (ret)
		return ret;
	v->ocs_applied = true;
	return 0;
}

static void vepc_remove_node(struct vepc *v)
{
	if (!v->np)
		return;
	/*
	 * Cleared first: a populated node being removed makes the platform bus
	 * look for "its" device and destroy it.
	 */
	of_node_clear_flag(v->np, OF_POPULATED);
	if (v->ocs_applied)
		of_changeset_revert(&v->ocs);
	of_changeset_destroy(&v->ocs);
	v->np = NULL;
}

static int vepc_add_device(struct vepc *v)
{
	int ret;

	v->pdev = platform_device_alloc(name, PLATFORM_DEVID_NONE);
	if (!v->pdev)
		return -ENOMEM;
	/* Before platform_device_add(): the uevent carries OF_FULLNAME/OF_COMPATIBLE. */
	v->pdev->dev.of_node = of_node_get(v->np);
	ret = platform_device_add(v->pdev);
	if (ret) {
		platform_device_put(v->pdev);
		v->pdev = NULL;
	}
	return ret;
}

static void vepc_init_features(struct vepc *v)
{
	int bar;

	v->features.linkup_notifier = 0;
	v->features.msi_capable = 1;
	v->features.msix_capable = msix_capable;
	v->features.align = SZ_4K;
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++)
		if (reserved_bars & BIT(bar))
			v->features.bar[bar].type = BAR_RESERVED;
}

/*
 * pci_epf_alloc_space() takes the functions' BAR memory with
 * dma_alloc_coherent() on the controller's parent device
 * (drivers/pci/endpoint/pci-epf-core.c:307), which serves a device's declared
 * coherent pool first (kernel/dma/mapping.c:608): declare the pool BAR as
 * ours, with bus address = physical address, and the BARs land in memory a
 * PCI host can reach. The pool allocator aligns each block to its size
 * (bitmap_find_free_region()), so every BAR is naturally aligned.
 */
static int vepc_add_pool(struct vepc *v)
{
	unsigned int domain, busnr, slot, func;
	resource_size_t start, len;
	struct pci_dev *pdev;
	u16 cmd;
	int ret;

	if (!pool)
		return 0;
	if (sscanf(pool, "%x:%x:%x.%x", &domain, &busnr, &slot, &func) != 4 || pool_bar < 0 ||
	    pool_bar >= PCI_STD_NUM_BARS)
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(domain, busnr, PCI_DEVFN(slot, func));
	if (!pdev) {
		pr_err("epdma-vepc: pool device %s not found\n", pool);
		return -ENODEV;
	}
	v->pool_pdev = pdev;
	start = pci_resource_start(pdev, pool_bar);
	len = pci_resource_len(pdev, pool_bar);
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (!(pci_resource_flags(pdev, pool_bar) & IORESOURCE_MEM) || !len ||
	    !IS_ALIGNED(start, len) || !(cmd & PCI_COMMAND_MEMORY)) {
		pci_err(pdev, "BAR%d %pR cannot be the pool (memory decoding %s)\n", pool_bar,
			pci_resource_n(pdev, pool_bar), cmd & PCI_COMMAND_MEMORY ? "on" : "off");
		return -EINVAL;
	}
	ret = dma_declare_coherent_memory(&v->pdev->dev, start, start, len);
	if (ret)
		return ret;
	v->pool_declared = true;
	dev_info(&v->pdev->dev, "function BARs from %s BAR%d %pR\n", pci_name(pdev), pool_bar,
		 pci_resource_n(pdev, pool_bar));
	return 0;
}

static int vepc_create(struct vepc *v)
{
	struct device *dev = &v->pdev->dev;
	int ret;

	v->epc = pci_epc_create(dev, &vepc_ops);
	if (IS_ERR(v->epc)) {
		ret = PTR_ERR(v->epc);
		v->epc = NULL;
		return ret;
	}
	epc_set_drvdata(v->epc, v);
	/* As the DesignWare core: absent or unreadable means 1 function. */
	if (of_property_read_u8(dev->of_node, "max-functions", &v->epc->max_functions))
		v->epc->max_functions = 1;
	ret = pci_epc_mem_init(v->epc, window_base, window_size, SZ_4K);
	if (ret) {
		dev_err(dev, "outbound window init failed: %d\n", ret);
		return ret;
	}
	/* Without this, bound functions never see epc_init and stay half set up. */
	pci_epc_init_notify(v->epc);
	dev_info(dev, "virtual endpoint controller, max_functions %u\n", v->epc->max_functions);
	return 0;
}

static void vepc_destroy(struct vepc *v)
{
	if (v->epc) {
		pci_epc_mem_exit(v->epc);
		pci_epc_destroy(v->epc);
		v->epc = NULL;
	}
	/*
	 * Functions still bound keep blocks of the pool: the test tier unloads
	 * a pooled controller only after its functions are unlinked.
	 */
	if (v->pool_declared)
		dma_release_coherent_memory(&v->pdev->dev);
	pci_dev_put(v->pool_pdev);
	if (v->pdev) {
		platform_device_unregister(v->pdev);
		v->pdev = NULL;
	}
	vepc_remove_node(v);
	debugfs_remove_recursive(v->debugfs);
	kfree(v->log);
	kfree(v);
}

static int __init vepc_init(void)
{
	struct vepc *v;
	int ret;

	if (max_functions < 0 || max_functions > 255 ||
	    (max_functions_bytes != 1 && max_functions_bytes != 4))
		return -EINVAL;
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	mutex_init(&v->log_lock);
	mutex_init(&v->state_lock);
	v->log = kzalloc(VEPC_LOG_SIZE, GFP_KERNEL);
	if (!v->log) {
		kfree(v);
		return -ENOMEM;
	}
	vepc_init_features(v);
	v->debugfs = debugfs_create_dir("epdma-vepc", NULL);
	debugfs_create_file("calls", 0444, v->debugfs, v, &vepc_calls_fops);

	ret = vepc_add_node(v);
	if (!ret)
		ret = vepc_add_device(v);
	if (!ret)
		ret = vepc_add_pool(v);
	if (!ret)
		ret = vepc_create(v);
	if (ret) {
		vepc_destroy(v);
		return ret;
	}
	vepc = v;
	return 0;
}

static void __exit vepc_exit(void)
{
	vepc_destroy(vepc);
}

int epdma_vepc_functions(struct epdma_vepc_function *fns, unsigned int n)
{
	struct vepc *v = vepc;
	int ret;

	if (!v || !v->epc)
		return -ENODEV;
	mutex_lock(&v->state_lock);
	if (v->started) {
		ret = min3(n, (unsigned int)v->epc->max_functions, (unsigned int)VEPC_MAX_FUNCS);
		memcpy(fns, v->funcs, ret * sizeof(*fns));
	} else {
		ret = -ENOLINK;
	}
	mutex_unlock(&v->state_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(epdma_vepc_functions);

struct pci_dev *epdma_vepc_pool(int *bar, struct device **alloc_dev)
{
	if (!vepc || !vepc->pool_declared)
		return NULL;
	*bar = pool_bar;
	*alloc_dev = &vepc->pdev->dev;
	return vepc->pool_pdev;
}
EXPORT_SYMBOL_GPL(epdma_vepc_pool);

void epdma_vepc_set_host(const struct epdma_vepc_host_ops *ops, void *data)
{
	if (!vepc)
		return;
	mutex_lock(&vepc->state_lock);
	vepc->host_ops = ops;
	vepc->host_data = data;
	mutex_unlock(&vepc->state_lock);
}
EXPORT_SYMBOL_GPL(epdma_vepc_set_host);

module_init(vepc_init);
module_exit(vepc_exit);

MODULE_DESCRIPTION("Virtual PCI endpoint controller for the epdma test tier");
MODULE_LICENSE("GPL");
