// SPDX-License-Identifier: GPL-2.0
/*
 * pci_epf_dma stand-in for the epdma real-kernel test tier.
 *
 * The "PCI endpoint DMA" series is not merged. This function driver
 * implements only its documented configfs ABI (v4) so that the real configfs
 * core, link/bind and start paths can be exercised with a DMA function:
 *
 *   functions/pci_epf_dma/<fn>/pci_epf_dma.<N>/
 *     metadata_bar    -1 (auto) or 0..5
 *     dma_window_bar  -1 (auto) or 0..5, must differ from metadata_bar
 *     wr_chans        0..8 (endpoint-to-host channels)
 *     rd_chans        0..8 (host-to-endpoint channels), not both 0
 *
 * All four refuse writes with -EOPNOTSUPP while the function is linked.
 * Bind refuses (-EINVAL) zero channels, colliding BARs and a function without
 * any MSI/MSI-X vector; auto BARs are written back at bind and kept after
 * unbind. The metadata BAR carries the "PEDM" block; there is no DMA engine
 * behind the DMA window BAR.
 */

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci-epc.h>
#include <linux/pci-epf.h>
#include <linux/slab.h>
#include <linux/sizes.h>

#define EPF_DMA_MAX_CHANS 8
#define EPF_DMA_BAR_AUTO  (-1)

#define PEDM_MAGIC	     0x4d444550 /* "PEDM" */
#define PEDM_REVISION	     1
#define PEDM_CHAN_ENTRY_SIZE 0x2c
#define PEDM_TABLE_OFFSET    0x1c
#define PEDM_LAYOUT_DW_EDMA  1
#define PEDM_REG_WINDOW_SIZE SZ_4K

struct epf_dma {
	struct pci_epf *epf;
	struct config_group group;
	struct pci_epf_header header;
	struct mutex lock; /* attributes vs. bind */
	int metadata_bar;
	int dma_window_bar;
	u16 wr_chans;
	u16 rd_chans;
	void *metadata;
	void *window;
	bool bars_set;
};

static const struct pci_epf_header epf_dma_default_header = {
	.vendorid = 0xffff, /* unset: the user must write it */
	.deviceid = 0xffff,
	.baseclass_code = PCI_BASE_CLASS_SYSTEM,
	.subclass_code = 0x01, /* DMA controller */
	.interrupt_pin = PCI_INTERRUPT_INTA,
};

static struct epf_dma *to_epf_dma(struct config_item *item)
{
	return container_of(to_config_group(item), struct epf_dma, group);
}

/* The function is linked (bound or being bound) once the core set its EPC. */
static bool epf_dma_linked(struct epf_dma *dma)
{
	return dma->epf->epc != NULL;
}

static ssize_t epf_dma_store_bar(struct config_item *item, const char *page, size_t len, int *field)
{
	struct epf_dma *dma = to_epf_dma(item);
	int val, ret;

	if (epf_dma_linked(dma))
		return -EOPNOTSUPP;
	ret = kstrtoint(page, 0, &val);
	if (ret)
		return ret;
	if (val < EPF_DMA_BAR_AUTO || val > BAR_5)
		return -EINVAL;
	mutex_lock(&dma->lock);
	*field = val;
	mutex_unlock(&dma->lock);
	return len;
}

/* u16: "0x10000" overflows (-ERANGE), "9" is out of range (-EINVAL). */
static ssize_t epf_dma_store_chans(struct config_item *item, const char *page, size_t len,
				   u16 *field)
{
	struct epf_dma *dma = to_epf_dma(item);
	u16 val;
	int ret;

	if (epf_dma_linked(dma))
		return -EOPNOTSUPP;
	ret = kstrtou16(page, 0, &val);
	if (ret)
		return ret;
	if (val > EPF_DMA_MAX_CHANS)
		return -EINVAL;
	mutex_lock(&dma->lock);
	*field = val;
	mutex_unlock(&dma->lock);
	return len;
}

#define EPF_DMA_BAR_ATTR(_name)                                                            \
	static ssize_t epf_dma_##_name##_show(struct config_item *item, char *page)        \
	{                                                                                  \
		return sysfs_emit(page, "%d\n", to_epf_dma(item)->_name);                  \
	}                                                                                  \
	static ssize_t epf_dma_##_name##_store(struct config_item *item, const char *page, \
					       size_t len)                                 \
	{                                                                                  \
		return epf_dma_store_bar(item, page, len, &to_epf_dma(item)->_name);       \
	}                                                                                  \
	CONFIGFS_ATTR(epf_dma_, _name)

#define EPF_DMA_CHANS_ATTR(_name)                                                          \
	static ssize_t epf_dma_##_name##_show(struct config_item *item, char *page)        \
	{                                                                                  \
		return sysfs_emit(page, "%u\n", to_epf_dma(item)->_name);                  \
	}                                                                                  \
	static ssize_t epf_dma_##_name##_store(struct config_item *item, const char *page, \
					       size_t len)                                 \
	{                                                                                  \
		return epf_dma_store_chans(item, page, len, &to_epf_dma(item)->_name);     \
	}                                                                                  \
	CONFIGFS_ATTR(epf_dma_, _name)

EPF_DMA_BAR_ATTR(metadata_bar);
EPF_DMA_BAR_ATTR(dma_window_bar);
EPF_DMA_CHANS_ATTR(wr_chans);
EPF_DMA_CHANS_ATTR(rd_chans);

static struct configfs_attribute *epf_dma_attrs[] = {
	&epf_dma_attr_metadata_bar,
	&epf_dma_attr_dma_window_bar,
	&epf_dma_attr_wr_chans,
	&epf_dma_attr_rd_chans,
	NULL,
};

static const struct config_item_type epf_dma_group_type = {
	.ct_attrs = epf_dma_attrs,
	.ct_owner = THIS_MODULE,
};

static struct config_group *epf_dma_add_cfs(struct pci_epf *epf, struct config_group *group)
{
	struct epf_dma *dma = epf_get_drvdata(epf);

	config_group_init_type_name(&dma->group, dev_name(&epf->dev), &epf_dma_group_type);
	return &dma->group;
}

static enum pci_barno epf_dma_free_bar(const struct pci_epc_features *features, int taken)
{
	enum pci_barno bar = pci_epc_get_first_free_bar(features);

	while (bar != NO_BAR && bar == taken)
		bar = pci_epc_get_next_free_bar(features, bar + 1);
	return bar;
}

/* Resolve -1 to free BARs; the chosen numbers are written back. */
static int epf_dma_resolve_bars(struct epf_dma *dma, const struct pci_epc_features *features)
{
	struct device *dev = &dma->epf->dev;
	int meta = dma->metadata_bar, win = dma->dma_window_bar;

	if (meta == EPF_DMA_BAR_AUTO)
		meta = epf_dma_free_bar(features, win);
	if (win == EPF_DMA_BAR_AUTO)
		win = epf_dma_free_bar(features, meta);
	if (meta == NO_BAR || win == NO_BAR) {
		dev_err(dev, "no free BAR for the %s\n",
			meta == NO_BAR ? "metadata block" : "DMA window");
		return -EINVAL;
	}
	if (meta == win) {
		dev_err(dev, "metadata_bar and dma_window_bar are both BAR%d\n", meta);
		return -EINVAL;
	}
	if (features->bar[meta].type == BAR_RESERVED || features->bar[win].type == BAR_RESERVED) {
		dev_err(dev, "BAR%d is reserved on this controller\n",
			features->bar[meta].type == BAR_RESERVED ? meta : win);
		return -EINVAL;
	}
	dma->metadata_bar = meta;
	dma->dma_window_bar = win;
	return 0;
}

static void epf_dma_fill_metadata(struct epf_dma *dma)
{
	__le32 *w = dma->metadata;
	u32 nchans = dma->wr_chans + dma->rd_chans;
	u32 len = PEDM_TABLE_OFFSET + nchans * PEDM_CHAN_ENTRY_SIZE;

	w[0] = cpu_to_le32(PEDM_MAGIC);
	w[1] = cpu_to_le32(PEDM_REVISION | len << 16);
	/* register BAR[2:0], WR[10:3], RD[18:11], entry size[26:19]; not READY */
	w[2] = cpu_to_le32(dma->dma_window_bar | dma->wr_chans << 3 | dma->rd_chans << 11 |
			   PEDM_CHAN_ENTRY_SIZE << 19);
	w[3] = 0;
	w[4] = 0;
	w[5] = cpu_to_le32(PEDM_LAYOUT_DW_EDMA);
	w[6] = cpu_to_le32(PEDM_REG_WINDOW_SIZE);
}

static void epf_dma_free_bars(struct epf_dma *dma)
{
	struct pci_epf *epf = dma->epf;

	if (dma->bars_set) {
		pci_epc_clear_bar(epf->epc, epf->func_no, epf->vfunc_no,
				  &epf->bar[dma->metadata_bar]);
		pci_epc_clear_bar(epf->epc, epf->func_no, epf->vfunc_no,
				  &epf->bar[dma->dma_window_bar]);
		dma->bars_set = false;
	}
	pci_epf_free_space(epf, dma->metadata, dma->metadata_bar, PRIMARY_INTERFACE);
	pci_epf_free_space(epf, dma->window, dma->dma_window_bar, PRIMARY_INTERFACE);
	dma->metadata = NULL;
	dma->window = NULL;
}

static int epf_dma_check(struct epf_dma *dma, const struct pci_epc_features *features)
{
	struct pci_epf *epf = dma->epf;

	if (!dma->wr_chans && !dma->rd_chans) {
		dev_err(&epf->dev, "wr_chans and rd_chans are both 0\n");
		return -EINVAL;
	}
	if ((!epf->msi_interrupts || !features->msi_capable) &&
	    (!epf->msix_interrupts || !features->msix_capable)) {
		dev_err(&epf->dev, "needs at least one MSI or MSI-X vector\n");
		return -EINVAL;
	}
	return 0;
}

static int epf_dma_bind(struct pci_epf *epf)
{
	struct epf_dma *dma = epf_get_drvdata(epf);
	const struct pci_epc_features *features;
	int ret;

	features = pci_epc_get_features(epf->epc, epf->func_no, epf->vfunc_no);
	if (!features) {
		dev_err(&epf->dev, "controller reports no features\n");
		return -EOPNOTSUPP;
	}
	mutex_lock(&dma->lock);
	ret = epf_dma_check(dma, features);
	if (!ret)
		ret = epf_dma_resolve_bars(dma, features);
	if (ret)
		goto out;
	dma->metadata = pci_epf_alloc_space(epf, SZ_4K, dma->metadata_bar, features,
					    PRIMARY_INTERFACE);
	dma->window = pci_epf_alloc_space(epf, PEDM_REG_WINDOW_SIZE, dma->dma_window_bar, features,
					  PRIMARY_INTERFACE);
	if (!dma->metadata || !dma->window) {
		epf_dma_free_bars(dma);
		ret = -ENOMEM;
		goto out;
	}
	epf_dma_fill_metadata(dma);
	dev_info(&epf->dev,
		 "bound as fn%u: metadata BAR%d, DMA window BAR%d, %u WR + %u RD channels\n",
		 epf->func_no, dma->metadata_bar, dma->dma_window_bar, dma->wr_chans,
		 dma->rd_chans);
out:
	mutex_unlock(&dma->lock);
	return ret;
}

/*
 * 6.12's pci_epf_unbind() never clears is_bound: after one bind/unbind, every
 * later failed bind of the same function calls this again. Be idempotent.
 */
static void epf_dma_unbind(struct pci_epf *epf)
{
	struct epf_dma *dma = epf_get_drvdata(epf);
	bool was_bound;

	mutex_lock(&dma->lock);
	was_bound = dma->metadata || dma->window;
	epf_dma_free_bars(dma);
	mutex_unlock(&dma->lock);
	if (was_bound)
		dev_info(&epf->dev, "unbound\n");
}

/* The controller is ready (now, or at bind when it already was). */
static int epf_dma_epc_init(struct pci_epf *epf)
{
	struct epf_dma *dma = epf_get_drvdata(epf);
	struct pci_epc *epc = epf->epc;
	u8 fn = epf->func_no, vfn = epf->vfunc_no;
	int ret;

	ret = pci_epc_write_header(epc, fn, vfn, epf->header);
	if (!ret)
		ret = pci_epc_set_bar(epc, fn, vfn, &epf->bar[dma->metadata_bar]);
	if (!ret)
		ret = pci_epc_set_bar(epc, fn, vfn, &epf->bar[dma->dma_window_bar]);
	if (!ret)
		dma->bars_set = true;
	if (!ret && epf->msi_interrupts)
		ret = pci_epc_set_msi(epc, fn, vfn, epf->msi_interrupts);
	if (ret)
		dev_err(&epf->dev, "controller setup failed: %d\n", ret);
	return ret;
}

static void epf_dma_epc_deinit(struct pci_epf *epf)
{
	struct epf_dma *dma = epf_get_drvdata(epf);

	mutex_lock(&dma->lock);
	if (dma->bars_set) {
		pci_epc_clear_bar(epf->epc, epf->func_no, epf->vfunc_no,
				  &epf->bar[dma->metadata_bar]);
		pci_epc_clear_bar(epf->epc, epf->func_no, epf->vfunc_no,
				  &epf->bar[dma->dma_window_bar]);
		dma->bars_set = false;
	}
	mutex_unlock(&dma->lock);
}

static const struct pci_epc_event_ops epf_dma_event_ops = {
	.epc_init = epf_dma_epc_init,
	.epc_deinit = epf_dma_epc_deinit,
};

static int epf_dma_probe(struct pci_epf *epf, const struct pci_epf_device_id *id)
{
	struct epf_dma *dma;

	dma = devm_kzalloc(&epf->dev, sizeof(*dma), GFP_KERNEL);
	if (!dma)
		return -ENOMEM;
	dma->epf = epf;
	dma->header = epf_dma_default_header;
	dma->metadata_bar = EPF_DMA_BAR_AUTO;
	dma->dma_window_bar = EPF_DMA_BAR_AUTO;
	mutex_init(&dma->lock);
	epf->header = &dma->header;
	epf->event_ops = &epf_dma_event_ops;
	epf_set_drvdata(epf, dma);
	return 0;
}

static const struct pci_epf_device_id epf_dma_ids[] = {
	{ .name = "pci_epf_dma" },
	{},
};

static const struct pci_epf_ops epf_dma_ops = {
	.bind = epf_dma_bind,
	.unbind = epf_dma_unbind,
	.add_cfs = epf_dma_add_cfs,
};

static struct pci_epf_driver epf_dma_driver = {
	.driver.name = "pci_epf_dma",
	.probe = epf_dma_probe,
	.id_table = epf_dma_ids,
	.ops = &epf_dma_ops,
	.owner = THIS_MODULE,
};

static int __init epf_dma_init(void)
{
	return pci_epf_register_driver(&epf_dma_driver);
}
module_init(epf_dma_init);

static void __exit epf_dma_exit(void)
{
	pci_epf_unregister_driver(&epf_dma_driver);
}
module_exit(epf_dma_exit);

MODULE_DESCRIPTION("Stand-in PCI endpoint DMA function (proposed v4 configfs ABI)");
MODULE_LICENSE("GPL");
