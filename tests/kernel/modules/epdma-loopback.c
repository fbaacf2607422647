// SPDX-License-Identifier: GPL-2.0
/*
 * epdma-loopback: the host side of a PCI endpoint loopback inside one guest.
 *
 * epdma-vepc (loaded with pool=) places its functions' BAR memory in a BAR of
 * an ivshmem device and remembers what the endpoint core configured. This
 * module presents the started controller's functions as ONE multi-function
 * PCI device, slot 0 of bus `busnr` on a root bus of its own PCI domain:
 *
 *   - config space is emulated from the headers the functions wrote
 *     (write_header) and the BARs they set (set_bar); writes reach only the
 *     bits a device implements (command, BAR addresses, line, MSI-X control);
 *   - each BAR sits at the address its memory has in the pool, so a host
 *     driver and resourceN mmap read and write exactly the bytes the endpoint
 *     function sees; a BAR without pool memory behind it (a vNTB memory
 *     window before translation) gets a block of the pool of its own, which
 *     the endpoint never sees;
 *   - the bus window is a child of the ivshmem BAR's resource, and each BAR
 *     is claimed inside it (/proc/iomem shows the nesting);
 *   - with msix=N every function gets an N-entry MSI-X capability (table in
 *     an extra pool block behind the first free BAR), and an interrupt the
 *     endpoint raises (MSI or MSI-X number K) runs the host's handler of
 *     vector K-1, from an irq_work: x86 vector-domain interrupts may only be
 *     handled in hard interrupt context (kernel/irq/irqdesc.c:689).
 *
 * Loading is the host's "rescan after the link came up": the controller must
 * be started. Unloading removes the bus.
 */

#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/module.h>
#include <linux/msi.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "epdma-vepc.h"

static int domain = 1;
module_param(domain, int, 0444);
MODULE_PARM_DESC(domain, "PCI domain of the loopback's root bus");

static int busnr = 1;
module_param(busnr, int, 0444);
MODULE_PARM_DESC(busnr,
		 "bus number of the loopback device (not 0: x86's PIRQ table is per bus number)");

static int msix;
module_param(msix, int, 0444);
MODULE_PARM_DESC(msix, "MSI-X vectors each function offers the host (0: no MSI-X capability)");

#define LB_CFG_SIZE  PCI_CFG_SPACE_SIZE
#define LB_MSIX_CAP  0x40
#define LB_MSIX_MAX  64
#define LB_NOT_FOUND (-1)

struct lb_func {
	bool present;
	u8 cfg[LB_CFG_SIZE];
	u8 wmask[LB_CFG_SIZE];
	void *own_virt[PCI_STD_NUM_BARS]; /* pool blocks this module allocated */
	dma_addr_t own_phys[PCI_STD_NUM_BARS];
	size_t own_size[PCI_STD_NUM_BARS];
	int msix_bar;
};

struct loopback {
	struct platform_device *pdev;
	struct device *alloc_dev;
	struct pci_dev *pool_pdev;
	struct pci_sysdata sd;
	struct resource window;
	struct resource busres;
	struct pci_bus *bus;
	unsigned int nfuncs;
	struct lb_func fn[EPDMA_VEPC_MAX_FUNCS];
	/* Raised interrupts not yet handled: Linux IRQ numbers, one bit per vector. */
	struct irq_work irq_work;
	DECLARE_BITMAP(pending, EPDMA_VEPC_MAX_FUNCS *LB_MSIX_MAX);
	unsigned int virq[EPDMA_VEPC_MAX_FUNCS * LB_MSIX_MAX];
};

static struct loopback *lb;

static struct lb_func *lb_find(struct pci_bus *bus, unsigned int devfn)
{
	struct loopback *l = bus->sysdata ? container_of(bus->sysdata, struct loopback, sd) : NULL;

	if (!l || bus->number != busnr || PCI_SLOT(devfn) != 0 || PCI_FUNC(devfn) >= l->nfuncs ||
	    !l->fn[PCI_FUNC(devfn)].present)
		return NULL;
	return &l->fn[PCI_FUNC(devfn)];
}

/* Called with the PCI core's pci_lock held (drivers/pci/access.c:46, :67). */
static int lb_read(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 *val)
{
	struct lb_func *f = lb_find(bus, devfn);
	int i;

	if (!f) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	*val = 0;
	if (where + size > LB_CFG_SIZE)
		return PCIBIOS_SUCCESSFUL;
	for (i = 0; i < size; i++)
		*val |= (u32)f->cfg[where + i] << (8 * i);
	return PCIBIOS_SUCCESSFUL;
}

static int lb_write(struct pci_bus *bus, unsigned int devfn, int where, int size, u32 val)
{
	struct lb_func *f = lb_find(bus, devfn);
	int i;

	if (!f)
		return PCIBIOS_DEVICE_NOT_FOUND;
	if (where + size > LB_CFG_SIZE)
		return PCIBIOS_SUCCESSFUL;
	for (i = 0; i < size; i++, val >>= 8)
		f->cfg[where + i] = (f->cfg[where + i] & ~f->wmask[where + i]) |
				    ((u8)val & f->wmask[where + i]);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops lb_ops = {
	.read = lb_read,
	.write = lb_write,
};

static void put16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* A block of the pool for a BAR the endpoint gave no memory in it. */
static int lb_own_block(struct loopback *l, struct lb_func *f, int bar, size_t size)
{
	f->own_virt[bar] = dma_alloc_coherent(l->alloc_dev, size, &f->own_phys[bar], GFP_KERNEL);
	if (!f->own_virt[bar])
		return -ENOMEM;
	f->own_size[bar] = size;
	return 0;
}

/* BAR number BAR: ADDR (size-aligned), its size mask writable, as a device does. */
static int lb_put_bar(struct lb_func *f, int bar, u64 addr, u64 size, int flags)
{
	u8 *reg = &f->cfg[PCI_BASE_ADDRESS_0 + 4 * bar];
	u8 *mask = &f->wmask[PCI_BASE_ADDRESS_0 + 4 * bar];
	bool is64 = flags & PCI_BASE_ADDRESS_MEM_TYPE_64;
	u32 type = flags & (PCI_BASE_ADDRESS_MEM_TYPE_MASK | PCI_BASE_ADDRESS_MEM_PREFETCH);

	if (!is_power_of_2(size) || size < 16 || addr & (size - 1) ||
	    (is64 && bar == PCI_STD_NUM_BARS - 1) || (!is64 && upper_32_bits(addr)))
		return -EINVAL;
	put32(reg, lower_32_bits(addr) | type);
	put32(mask, lower_32_bits(~(size - 1)) & PCI_BASE_ADDRESS_MEM_MASK);
	if (is64) {
		put32(reg + 4, upper_32_bits(addr));
		put32(mask + 4, upper_32_bits(~(size - 1)));
	}
	return 0;
}

/* Place BAR BAR of function F: in the pool where its memory is, else a block of its own. */
static int lb_place_bar(struct loopback *l, struct lb_func *f, const struct epdma_vepc_bar *b,
			int bar)
{
	const struct resource *pool = &l->window;
	u64 addr = b->phys;
	int ret;

	if (!b->phys || b->phys < pool->start || b->phys + b->size - 1 > pool->end) {
		ret = lb_own_block(l, f, bar, b->size);
		if (ret)
			return ret;
		addr = f->own_phys[bar];
	}
	ret = lb_put_bar(f, bar, addr, b->size, b->flags);
	if (ret)
		dev_err(&l->pdev->dev, "fn%td BAR%d: cannot present 0x%llx bytes at 0x%llx\n",
			f - l->fn, bar, b->size, addr);
	return ret;
}

/*
 * MSI-X: a capability of N entries whose table and PBA are in the first BAR
 * the function left free (a 4 KiB block of the pool). The host's kernel
 * writes the vector's address and data there; lb_raise_irq() does not read
 * them: it runs the Linux interrupt of that vector directly.
 */
static int lb_add_msix(struct loopback *l, struct lb_func *f, const struct epdma_vepc_function *e)
{
	struct epdma_vepc_bar b = { .size = SZ_4K, .flags = PCI_BASE_ADDRESS_MEM_TYPE_32 };
	u8 *cap = &f->cfg[LB_MSIX_CAP];
	int bar, ret;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (e->bar[bar].size) {
			if (e->bar[bar].flags & PCI_BASE_ADDRESS_MEM_TYPE_64)
				bar++;
			continue;
		}
		break;
	}
	if (bar == PCI_STD_NUM_BARS)
		return -ENOSPC;
	ret = lb_place_bar(l, f, &b, bar);
	if (ret)
		return ret;
	f->msix_bar = bar;
	cap[0] = PCI_CAP_ID_MSIX;
	cap[1] = 0;
	put16(cap + PCI_MSIX_FLAGS, msix - 1);
	/* Enable and function mask are the host's to set. */
	f->wmask[LB_MSIX_CAP + PCI_MSIX_FLAGS + 1] = (PCI_MSIX_FLAGS_ENABLE |
						      PCI_MSIX_FLAGS_MASKALL) >>
						     8;
	put32(cap + PCI_MSIX_TABLE, bar);
	put32(cap + PCI_MSIX_PBA, bar | SZ_2K);
	f->cfg[PCI_CAPABILITY_LIST] = LB_MSIX_CAP;
	put16(&f->cfg[PCI_STATUS], PCI_STATUS_CAP_LIST);
	return 0;
}

static int lb_build_func(struct loopback *l, struct lb_func *f, const struct epdma_vepc_function *e,
			 bool multi)
{
	const struct pci_epf_header *h = &e->header;
	u8 *c = f->cfg;
	int bar, ret;

	put16(c + PCI_VENDOR_ID, h->vendorid);
	put16(c + PCI_DEVICE_ID, h->deviceid);
	c[PCI_REVISION_ID] = h->revid;
	c[PCI_CLASS_PROG] = h->progif_code;
	c[PCI_CLASS_DEVICE] = h->subclass_code;
	c[PCI_CLASS_DEVICE + 1] = h->baseclass_code;
	c[PCI_CACHE_LINE_SIZE] = h->cache_line_size;
	c[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL | (multi ? PCI_HEADER_TYPE_MFD : 0);
	put16(c + PCI_SUBSYSTEM_VENDOR_ID, h->subsys_vendor_id);
	put16(c + PCI_SUBSYSTEM_ID, h->subsys_id);
	c[PCI_INTERRUPT_PIN] = h->interrupt_pin;
	put16(f->wmask + PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
					      PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	f->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	f->wmask[PCI_LATENCY_TIMER] = 0xff;
	f->wmask[PCI_INTERRUPT_LINE] = 0xff;
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!e->bar[bar].size)
			continue;
		ret = lb_place_bar(l, f, &e->bar[bar], bar);
		if (ret)
			return ret;
	}
	f->msix_bar = LB_NOT_FOUND;
	if (msix) {
		ret = lb_add_msix(l, f, e);
		if (ret)
			return ret;
	}
	f->present = true;
	return 0;
}

static bool lb_has_bar(const struct epdma_vepc_function *e)
{
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++)
		if (e->bar[bar].size)
			return true;
	return false;
}

static int lb_build(struct loopback *l)
{
	struct epdma_vepc_function *e;
	unsigned int i, present = 0;
	int n, ret = 0;

	e = kcalloc(EPDMA_VEPC_MAX_FUNCS, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	n = epdma_vepc_functions(e, EPDMA_VEPC_MAX_FUNCS);
	if (n < 0) {
		dev_err(&l->pdev->dev, "endpoint controller %s\n",
			n == -ENOLINK ? "not started: no link" : "not there");
		ret = n;
		goto out;
	}
	for (i = 0; i < n; i++)
		present += e[i].present && lb_has_bar(&e[i]);
	if (!e[0].present || !lb_has_bar(&e[0])) {
		dev_err(&l->pdev->dev, "the endpoint has no function 0\n");
		ret = -ENODEV;
		goto out;
	}
	l->nfuncs = n;
	for (i = 0; i < n && !ret; i++)
		if (e[i].present && lb_has_bar(&e[i]))
			ret = lb_build_func(l, &l->fn[i], &e[i], present > 1);
out:
	kfree(e);
	return ret;
}

/* Hard interrupt context (the irq_work self-IPI): run the raised vectors' handlers. */
static void lb_irq_work(struct irq_work *work)
{
	struct loopback *l = container_of(work, struct loopback, irq_work);
	unsigned int bit;

	for_each_set_bit(bit, l->pending,
			 EPDMA_VEPC_MAX_FUNCS *
				 LB_MSIX_MAX) if (test_and_clear_bit(bit, l->pending))
		generic_handle_irq(READ_ONCE(l->virq[bit]));
}

static int lb_raise_irq(void *data, u8 fnum, unsigned int type, u16 num)
{
	struct loopback *l = data;
	unsigned int bit = fnum * LB_MSIX_MAX + num - 1;
	struct pci_dev *pdev;
	int irq;

	if (type == PCI_IRQ_INTX || !num || num > LB_MSIX_MAX || fnum >= EPDMA_VEPC_MAX_FUNCS)
		return 0;
	pdev = pci_get_slot(l->bus, PCI_DEVFN(0, fnum));
	if (!pdev)
		return 0;
	/* Vector NUM-1 of what the host enabled; nothing while it has none. */
	irq = pdev->msix_enabled || pdev->msi_enabled ? pci_irq_vector(pdev, num - 1) : -EINVAL;
	pci_dev_put(pdev);
	if (irq <= 0)
		return 0;
	WRITE_ONCE(l->virq[bit], irq);
	set_bit(bit, l->pending);
	irq_work_queue(&l->irq_work);
	return 0;
}

static const struct epdma_vepc_host_ops lb_host_ops = {
	.raise_irq = lb_raise_irq,
};

static void lb_free_blocks(struct loopback *l)
{
	unsigned int i;
	int bar;

	for (i = 0; i < EPDMA_VEPC_MAX_FUNCS; i++)
		for (bar = 0; bar < PCI_STD_NUM_BARS; bar++)
			if (l->fn[i].own_virt[bar])
				dma_free_coherent(l->alloc_dev, l->fn[i].own_size[bar],
						  l->fn[i].own_virt[bar], l->fn[i].own_phys[bar]);
}

static int lb_add_bus(struct loopback *l)
{
	LIST_HEAD(resources);

	if (pci_find_bus(domain, busnr)) {
		dev_err(&l->pdev->dev, "bus %04x:%02x exists\n", domain, busnr);
		return -EBUSY;
	}
	l->sd.domain = domain;
	l->sd.node = NUMA_NO_NODE;
	l->busres = DEFINE_RES_NAMED(busnr, 1, "epdma-loopback bus", IORESOURCE_BUS);
	pci_add_resource(&resources, &l->window);
	pci_add_resource(&resources, &l->busres);
	pci_lock_rescan_remove();
	l->bus = pci_create_root_bus(&l->pdev->dev, busnr, &lb_ops, &l->sd, &resources);
	if (l->bus) {
		pci_scan_child_bus(l->bus);
		pci_bus_claim_resources(l->bus);
		pci_bus_add_devices(l->bus);
	}
	pci_unlock_rescan_remove();
	if (!l->bus) {
		pci_free_resource_list(&resources);
		return -ENOMEM;
	}
	return 0;
}

static void lb_destroy(struct loopback *l)
{
	epdma_vepc_set_host(NULL, NULL);
	irq_work_sync(&l->irq_work);
	if (l->bus) {
		pci_lock_rescan_remove();
		pci_stop_root_bus(l->bus);
		pci_remove_root_bus(l->bus);
		pci_unlock_rescan_remove();
	}
	if (l->window.parent)
		release_resource(&l->window);
	lb_free_blocks(l);
	platform_device_unregister(l->pdev);
	kfree(l);
}

static int __init lb_init(void)
{
	struct resource *res;
	struct loopback *l;
	int bar, ret;

	if (busnr < 1 || busnr > 255 || domain < 1 || domain > 0xffff || msix < 0 ||
	    msix > LB_MSIX_MAX)
		return -EINVAL;
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	init_irq_work(&l->irq_work, lb_irq_work);
	l->pool_pdev = epdma_vepc_pool(&bar, &l->alloc_dev);
	if (!l->pool_pdev) {
		pr_err("epdma-loopback: epdma_vepc has no pool (load it with pool=)\n");
		kfree(l);
		return -ENODEV;
	}
	l->pdev = platform_device_register_simple("epdma-loopback", PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(l->pdev)) {
		ret = PTR_ERR(l->pdev);
		kfree(l);
		return ret;
	}
	/* The bus window is the pool BAR, as a child of it in the resource tree. */
	res = pci_resource_n(l->pool_pdev, bar);
	l->window = DEFINE_RES_MEM_NAMED(res->start, resource_size(res), "epdma-loopback");
	ret = request_resource(res, &l->window);
	if (!ret)
		ret = lb_build(l);
	if (!ret)
		ret = lb_add_bus(l);
	if (ret) {
		lb_destroy(l);
		return ret;
	}
	epdma_vepc_set_host(&lb_host_ops, l);
	lb = l;
	dev_info(&l->pdev->dev, "endpoint functions on bus %04x:%02x inside %pR\n", domain, busnr,
		 &l->window);
	return 0;
}

static void __exit lb_exit(void)
{
	lb_destroy(lb);
}

module_init(lb_init);
module_exit(lb_exit);

MODULE_DESCRIPTION("Host side of a one-guest PCI endpoint loopback (epdma test tier)");
MODULE_LICENSE("GPL");
