// SPDX-License-Identifier: GPL-2.0
/*
 * epdma-claim: a PCI driver that binds only through driver_override and
 * claims (requests) all BARs of the device, as ntb_hw_epf and dw-edma-pcie
 * do. pci-stub binds without claiming anything, so it cannot show what
 * CONFIG_IO_STRICT_DEVMEM does to resourceN mmap once a driver owns a BAR.
 */

#include <linux/module.h>
#include <linux/pci.h>

static int claim_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int ret;

	ret = pci_enable_device_mem(pdev);
	if (ret)
		return ret;
	ret = pci_request_regions(pdev, "epdma-claim");
	if (ret) {
		pci_disable_device(pdev);
		return ret;
	}
	pci_info(pdev, "BARs claimed\n");
	return 0;
}

static void claim_remove(struct pci_dev *pdev)
{
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

/* No IDs: the driver core matches it only by driver_override. */
static struct pci_driver claim_driver = {
	.name = "epdma-claim",
	.probe = claim_probe,
	.remove = claim_remove,
};
module_pci_driver(claim_driver);

MODULE_DESCRIPTION("Claims a PCI device's BARs (epdma test tier)");
MODULE_LICENSE("GPL");
