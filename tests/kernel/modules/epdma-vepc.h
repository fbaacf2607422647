/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What epdma-vepc shows the host side of the one-guest loopback
 * (epdma-loopback): the functions as the endpoint core configured them, and
 * the PCI BAR its function memory comes from.
 */
#ifndef EPDMA_VEPC_H
#define EPDMA_VEPC_H

#include <linux/pci-epf.h>
#include <linux/types.h>

#define EPDMA_VEPC_MAX_FUNCS 8

struct pci_dev;
struct device;

/* One BAR as the last set_bar gave it (size 0: not set or cleared). */
struct epdma_vepc_bar {
	u64 phys;
	u64 size;
	int flags; /* PCI_BASE_ADDRESS_MEM_* bits of struct pci_epf_bar */
};

struct epdma_vepc_function {
	bool present; /* a header was written and a BAR is set */
	struct pci_epf_header header;
	struct epdma_vepc_bar bar[PCI_STD_NUM_BARS];
	unsigned int msi_vectors;
	unsigned int msix_vectors;
};

/*
 * Called by the controller's raise_irq (type PCI_IRQ_*, num counts from 1),
 * in the context of the endpoint function that raised it.
 */
struct epdma_vepc_host_ops {
	int (*raise_irq)(void *data, u8 fn, unsigned int type, u16 num);
};

/*
 * Copy the functions (at most N); returns max_functions, -ENODEV without a
 * controller, -ENOLINK when it is not started.
 */
int epdma_vepc_functions(struct epdma_vepc_function *fns, unsigned int n);
/*
 * The PCI device whose BAR holds the function memory and the device to
 * allocate more of it from (dma_alloc_coherent()); NULL without a pool.
 */
struct pci_dev *epdma_vepc_pool(int *bar, struct device **alloc_dev);
/* Route raise_irq to the host side (NULL: stop). */
void epdma_vepc_set_host(const struct epdma_vepc_host_ops *ops, void *data);

#endif
