// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The known causes: what the kernel logs when the vNTB + DMA pair, the NTB
 * link or the host's drivers go wrong, each quoted from the source that
 * prints it (Debian linux-source-6.12; the PCI DMA function from the
 * stand-in tests/kernel/modules/pci-epf-dma.c), with what it means and what
 * to change. Table order is match order: the specific causes first, so that
 * they claim their lines before the generic probe failure does.
 */
#include "internal.h"

#define P_ERR  3
#define P_WARN 4
#define P_INFO 6
#define P_ANY  7

#define RULE(id_, sub_, prio_, title_, meaning_, action_, ...) \
	{                                                      \
		.cause = { .id = (id_),                        \
			   .subsystem = (sub_),                \
			   .title = (title_),                  \
			   .meaning = (meaning_),              \
			   .action = (action_) },              \
		.max_prio = (prio_), __VA_ARGS__               \
	}
#define MATCH(...) .match = { __VA_ARGS__ }
#define ALSO(...)  .also = { __VA_ARGS__ }

/* Lines a failed vNTB bind prints after the first error (pci-epf-vntb.c:732-757, 1302-1326). */
#define VNTB_AFTER                                                                               \
	ALSO("Interrupt configuration failed", "Failed to initialize EPC", "MW BAR init failed", \
	     "DB BAR init failed", "Config/self SPAD BAR init failed")

/* Lines a failed ntb_hw_epf probe prints after the first error (ntb_hw_epf.c:726-738, dd.c:655). */
#define EPF_AFTER                                                                 \
	ALSO("Failed to init ISR", "Failed to init device", "Failed to init PCI", \
	     "probe with driver * failed with error")

const struct epdma_cause_rule epdma_cause_rules[] = {
	/* ---- pci-epf-vntb (endpoint) ---- */
	/* pci-epf-vntb.c:499 "DB count %d out of range (1 - %d)\n" */
	RULE("vntb-db-count", "pci-epf-vntb", P_ERR, "vNTB db_count out of range",
	     "the vNTB function refused to bind: its doorbell count must be 1..32 (MAX_DB_COUNT), "
	     "so "
	     "the link to the controller failed",
	     "set [vntb] db_count between 1 and 32 (keep it >= num_mws + 1 for ntb_transport)",
	     MATCH("DB count * out of range (1 - "), VNTB_AFTER),
	/* pci-epf-vntb.c:494 "MSI or MSI-X is required for doorbell\n" */
	RULE("vntb-no-msi", "pci-epf-vntb", P_ERR, "controller offers no MSI or MSI-X for vNTB",
	     "the controller's pci_epc_features advertise neither MSI nor MSI-X, which vNTB needs "
	     "to ring the host's doorbells",
	     "use a controller (or controller driver) with MSI or MSI-X endpoint support",
	     MATCH("MSI or MSI-X is required for doorbell"), VNTB_AFTER),
	/* pci-epf-vntb.c:510 "MSI configuration failed\n" (pci-epf-test.c prints the same) */
	RULE("epf-msi-config", "pci-epf", P_ERR, "function's MSI setup failed",
	     "the controller refused the function's MSI capability: vNTB always asks for 16 "
	     "vectors, other functions for msi_interrupts; after a successful link this is only "
	     "logged and the function does not work",
	     "give the function fewer vectors ([dma] msi_interrupts) or check how many MSI vectors "
	     "the controller has per function",
	     MATCH("MSI configuration failed"), VNTB_AFTER),
	/* pci-epf-vntb.c:451 "Config/Status/SPAD alloc region fail\n" */
	RULE("vntb-spad-bar", "pci-epf-vntb", P_ERR, "no memory for the vNTB control BAR",
	     "pci_epf_alloc_space() could not allocate the control and scratchpad region (its size "
	     "grows with spad_count, aligned to the controller's align)",
	     "lower [vntb] spad_count, or pick a ctrl_bar that is not fixed-size or reserved "
	     "(6.18+)",
	     MATCH("Config/Status/SPAD alloc region fail"), VNTB_AFTER),
	/* pci-epf-vntb.c:541 "Failed to allocate OB address\n", :551 "Doorbell BAR set failed\n" */
	RULE("vntb-db-bar", "pci-epf-vntb", P_ERR, "vNTB doorbell BAR could not be set up",
	     "the doorbell BAR needs an outbound address from the controller's window and a free "
	     "BAR; the controller gave neither",
	     "free a BAR for the doorbells ([vntb] db_bar on 6.18+, fewer BARs for [dma]) and "
	     "check "
	     "the controller's outbound window in its device tree",
	     MATCH("Failed to allocate OB address", "Doorbell BAR set failed"), VNTB_AFTER),
	/* pci-epf-vntb.c:611 "MW set failed\n" */
	RULE("vntb-mw-bar", "pci-epf-vntb", P_ERR, "controller refused a memory-window BAR",
	     "pci_epc_set_bar() failed for a memory window: the BAR is too small, fixed-size, "
	     "reserved or taken by the DMA function",
	     "lower [vntb] mw1..mw4 or num_mws, or move the window ([vntb] mwN_bar on 6.18+)",
	     MATCH("MW set failed"), VNTB_AFTER),
	/* pci-epf-vntb.c:621 "Failed to allocate source address\n" */
	RULE("vntb-ob-window", "pci-epf-vntb", P_ERR,
	     "outbound window too small for the memory windows",
	     "pci_epc_mem_alloc_addr() found no room in the controller's outbound (PCI address) "
	     "window for a memory window of the configured size",
	     "lower [vntb] mw1..mw4 (their sum must fit the controller's outbound window, next to "
	     "the doorbell page), or num_mws",
	     MATCH("Failed to allocate source address"), VNTB_AFTER),
	/* pci-epf-vntb.c:218 "Failed to map memory window %d address\n" */
	RULE("vntb-mw-map", "pci-epf-vntb", P_ERR, "memory window could not be mapped at link-up",
	     "when the host's transport sent its window addresses, the controller could not map "
	     "them through its outbound window: the link does not come up",
	     "lower [vntb] mw1..mw4 or [transport] max_mw_size, on both ends",
	     MATCH("Failed to map memory window")),
	/* pci-epf-vntb.c:1009 pr_err("create pci bus failed\n") */
	RULE("vntb-bus-kept", "pci-epf-vntb", P_ERR, "vNTB virtual bus already exists",
	     "the kernel keeps a vNTB function's virtual PCI bus after unlink until reboot; a "
	     "vNTB bound again with the same vbus_number cannot create it",
	     "reboot, or set another [vntb] vbus_number (and other vntb_vid/vntb_pid)",
	     MATCH("create pci bus failed")),
	/* drivers/base/driver.c:241 "Error: Driver '%s' is already registered, aborting...\n",
	 * pci-epf-vntb.c:1326 "failure register vntb pci driver\n" */
	RULE("vntb-second", "pci-epf-vntb", P_ERR, "a second vNTB function cannot bind",
	     "vNTB registers one static pci-vntb driver: only one vNTB function can be bound at a "
	     "time in the system",
	     "unlink the other vNTB function first (one vNTB per system)",
	     MATCH("Driver 'pci-vntb' is already registered", "failure register vntb pci driver"),
	     ALSO("failure register vntb pci driver")),
	/* pci-epf-vntb.c:1255 and ntb_hw_epf.c:738 "Failed to register NTB device\n" */
	RULE("ntb-register", "ntb", P_ERR, "NTB device registration failed",
	     "the NTB core refused the device (the ntb bus is not there or a device of the same "
	     "name exists): no transport can attach",
	     "load the ntb module before binding; after a vNTB unlink in this boot, reboot or use "
	     "another [vntb] vbus_number",
	     MATCH("Failed to register NTB device"), EPF_AFTER),
	/* pci-epf-vntb.c:834 "Invalid num_nws: %d value\n" */
	RULE("vntb-mw-attr", "pci-epf-vntb", P_ERR, "mwN attribute beyond num_mws",
	     "an mwN attribute past num_mws was read or written: 6.12 refuses it (EINVAL); a tool "
	     "that writes mw2 before num_mws is set sees this",
	     "write [vntb] num_mws before mw1..mw4, and read only mw1..num_mws",
	     MATCH("Invalid num_nws: ")),

	/* ---- endpoint core and configfs ---- */
	/* pci-epc-core.c:706 "Exceeding max supported Function Number\n" */
	RULE("epc-max-functions", "pci-epc", P_ERR, "controller has no function number left",
	     "the link asked for a function number the controller does not have: max-functions in "
	     "its device tree node (a 1-byte cell; absent means 1)",
	     "use a controller with max-functions >= 2 (vNTB is PF0, DMA PF1), or unlink the "
	     "function that holds the PF",
	     MATCH("Exceeding max supported Function Number")),
	/* pci-ep-cfs.c:197 "failed to start endpoint controller\n" */
	RULE("epc-start", "pci-ep-cfs", P_ERR, "endpoint controller did not start",
	     "writing 1 to the controller's start failed in the controller driver (link training, "
	     "clocks, PERST#)",
	     "check the controller driver's own lines before this one, the cable and the host's "
	     "reset; then start again",
	     MATCH("failed to start endpoint controller")),
	/* pci-ep-cfs.c:544 "epf device not bound to driver\n" */
	RULE("epf-unbound", "pci-ep-cfs", P_ERR, "function has no driver",
	     "a function was linked while its EPF driver was not bound to it (the driver module "
	     "was unloaded or never matched)",
	     "load pci-epf-vntb / pci-epf-dma before making the functions",
	     MATCH("epf device not bound to driver")),
	/* pci-epf-core.c:280 "requested BAR size is larger than fixed size\n" */
	RULE("epf-bar-fixed", "pci-epf", P_ERR, "BAR larger than the controller's fixed size",
	     "the controller has a fixed-size BAR smaller than what the function asked for "
	     "(a memory window or the control region)",
	     "lower [vntb] mw1..mw4 to the fixed BAR size, or select another BAR ([vntb] mwN_bar, "
	     "[dma] dma_window_bar)",
	     MATCH("requested BAR size is larger than fixed size"), VNTB_AFTER),
	/* pci-epf-core.c:309 "failed to allocate mem space\n" */
	RULE("epf-bar-alloc", "pci-epf", P_ERR, "no memory for a BAR",
	     "dma_alloc_coherent() could not give a BAR's backing memory (a memory window of "
	     "mw1..mw4 bytes needs contiguous memory: CMA)",
	     "lower [vntb] mw1..mw4, or enlarge CMA (cma= on the kernel command line)",
	     MATCH("failed to allocate mem space"), VNTB_AFTER),

	/* ---- the PCI DMA function (stand-in tests/kernel/modules/pci-epf-dma.c) ---- */
	/* pci-epf-dma.c:257 "controller reports no features\n" */
	RULE("epc-no-features", "pci-epf-dma", P_ERR, "controller reports no features",
	     "pci_epc_get_features() returned nothing for this function number: a 4-byte "
	     "max-functions cell reads as 0 and every function's bind fails",
	     "make max-functions a 1-byte cell (/bits/ 8 <2>) in the controller's device tree",
	     MATCH("controller reports no features")),
	/* pci-epf-dma.c:181 "no free BAR for the %s\n" */
	RULE("dma-no-bar", "pci-epf-dma", P_ERR, "no free BAR for the DMA function",
	     "the DMA function needs two BARs (metadata and DMA window) and the controller has no "
	     "free one left",
	     "set [dma] metadata_bar and dma_window_bar to free BARs, or fewer vNTB BARs",
	     MATCH("no free BAR for the ")),
	/* pci-epf-dma.c:186 "metadata_bar and dma_window_bar are both BAR%d\n" */
	RULE("dma-same-bar", "pci-epf-dma", P_ERR, "metadata and DMA window on the same BAR",
	     "the DMA function's two BARs must differ", "set [dma] dma_window_bar to another BAR",
	     MATCH("metadata_bar and dma_window_bar are both BAR")),
	/* pci-epf-dma.c:190 "BAR%d is reserved on this controller\n" */
	RULE("dma-bar-reserved", "pci-epf-dma", P_ERR, "DMA function on a reserved BAR",
	     "the controller reserves that BAR (pci_epc_features BAR_RESERVED)",
	     "set [dma] metadata_bar / dma_window_bar to BARs the controller offers, or auto",
	     MATCH("is reserved on this controller")),
	/* pci-epf-dma.c:238 "wr_chans and rd_chans are both 0\n" */
	RULE("dma-no-chans", "pci-epf-dma", P_ERR, "DMA function without channels",
	     "a DMA function needs at least one channel", "set [dma] wr_chans or rd_chans above 0",
	     MATCH("wr_chans and rd_chans are both 0")),
	/* pci-epf-dma.c:243 "needs at least one MSI or MSI-X vector\n" */
	RULE("dma-no-msi", "pci-epf-dma", P_ERR, "DMA function without MSI",
	     "the DMA function needs at least one MSI or MSI-X vector the controller supports",
	     "set [dma] msi_interrupts (one per channel: wr_chans + rd_chans)",
	     MATCH("needs at least one MSI or MSI-X vector")),
	/* pci-epf-dma.c:320 "controller setup failed: %d\n" */
	RULE("dma-setup", "pci-epf-dma", P_ERR, "DMA function's BAR or MSI setup failed",
	     "after the bind the controller refused a BAR or the MSI vectors of the DMA function "
	     "(the error number says which errno)",
	     "check [dma] metadata_bar, dma_window_bar and msi_interrupts against the controller",
	     MATCH("controller setup failed: ")),

	/* ---- host: ntb_hw_epf ---- */
	/* ntb_hw_epf.c:375 "Failed to get MSI interrupts\n" */
	RULE("ntb-epf-no-msi", "ntb_hw_epf", P_ERR, "host has no MSI vectors for ntb_hw_epf",
	     "ntb_hw_epf needs MSI-X or several MSI vectors for the vNTB function; without "
	     "interrupt remapping an x86 host has no multi-vector MSI, and the probe fails",
	     "enable MSI-X on the endpoint (controller support), or interrupt remapping "
	     "(intel_iommu=on / amd_iommu) on the host",
	     MATCH("Failed to get MSI interrupts"), EPF_AFTER),
	/* ntb_hw_epf.c:584 "Unsupported MW count: %u\n" */
	RULE("ntb-epf-mw-count", "ntb_hw_epf", P_ERR, "ntb_hw_epf read a bad MW count",
	     "ntb_hw_epf read num_mws from what it takes for the control BAR: either num_mws is "
	     "outside 1..4 or the endpoint's BAR layout is not the map ntb_hw_epf uses for this "
	     "PCI ID",
	     "match [vntb] ctrl_bar/db_bar/mwN_bar (or the controller's free BARs) to ntb_hw_epf's "
	     "map for [vntb] vendor_id:device_id",
	     MATCH("Unsupported MW count: "), EPF_AFTER),
	/* ntb_hw_epf.c:617 "Cannot enable PCI device\n", :623 "Cannot obtain PCI resources\n" */
	RULE("ntb-epf-resources", "ntb_hw_epf", P_ERR, "vNTB function's BARs unusable on the host",
	     "the host could not enable the device or request its BAR regions (unassigned BARs, or "
	     "another driver holds them)",
	     "see the PCI core's BAR lines for this device; unbind any other driver from it",
	     MATCH("Cannot enable PCI device", "Cannot obtain PCI resources"), EPF_AFTER),
	/* ntb_hw_epf.c:450 "Size:%pa is greater than the MW size %pa\n" */
	RULE("ntb-mw-size", "ntb_hw_epf", P_ERR, "peer's memory window larger than this BAR",
	     "the transport asked for a window larger than the vNTB memory-window BAR: the MW "
	     "sizes in the scratchpads disagree with the BAR, and the link never comes up",
	     "set the same [transport] max_mw_size on both ends, or lower it to [vntb] mw1",
	     MATCH("is greater than the MW size"), ALSO("Unable to set mw")),

	/* ---- ntb_transport and its clients ---- */
	/* ntb_transport.c:835 "Unable to alloc MW buff of size %zu\n", :908 "Unable to alloc
	 * aligned MW buff\n" */
	RULE("transport-mw-alloc", "ntb_transport", P_ERR, "no memory for a transport window",
	     "ntb_transport could not allocate the receive buffer of a memory window (contiguous "
	     "DMA memory of the window's size)",
	     "lower [transport] max_mw_size on both ends, or enlarge CMA",
	     MATCH("Unable to alloc MW buff of size", "Unable to alloc aligned MW buff")),
	/* ntb_transport.c:921 "Unable to set mw%d translation" */
	RULE("transport-mw-xlat", "ntb_transport", P_ERR, "transport window translation refused",
	     "the NTB driver refused the inbound translation of a window: the scratchpads carry "
	     "MW sizes this side cannot map",
	     "use the same [transport] max_mw_size and [vntb] mw1..mw4 on both ends",
	     MATCH("Unable to set mw* translation")),
	/* ntb_transport.c:1277 "Inbound MW based NTB API is required\n" */
	RULE("transport-api", "ntb_transport", P_ERR, "NTB device unsuitable for ntb_transport",
	     "ntb_transport needs an NTB driver with inbound memory windows",
	     "use ntb_hw_epf / "
	     "pci-epf-vntb, not another NTB hardware driver, under the transport",
	     MATCH("Inbound MW based NTB API is required")),
	/* ntb_netdev.c:359 "Error changing MTU, device inoperable\n" */
	RULE("netdev-mtu", "ntb_netdev", P_ERR, "ntb_netdev MTU change broke the interface",
	     "changing the interface's MTU re-created its queue and failed: the interface is dead",
	     "keep the MTU within [transport] transport_mtu; reload ntb_netdev",
	     MATCH("Error changing MTU, device inoperable")),
	/* kernel/params.c:203 "%s: `%s' invalid for parameter `%s'\n" */
	RULE("module-param-invalid", "module", P_ERR, "module parameter value refused",
	     "a module refused a parameter value at load (the load failed with EINVAL)",
	     "correct the value in [transport] (and in /etc/modprobe.d): max_num_clients is a "
	     "byte, max_mw_size a size, transport_mtu a number",
	     MATCH("invalid for parameter `")),
	/* kernel/module/main.c:3023 "%s: unknown parameter '%s' ignored\n" */
	RULE("module-param-unknown", "module", P_WARN, "module ignored an unknown parameter",
	     "a module was loaded with a parameter it does not have: that setting did not take "
	     "effect (for the transport: its BDF or the shared values never arrived)",
	     "set [transport] bdf_param (and module) to what the transport module declares "
	     "(modinfo -p)",
	     MATCH("unknown parameter '* ignored")),

	/* ---- host: dw-edma-pcie ---- */
	/* dw-edma-pcie.c:225 "fail to alloc IRQ vector (number of IRQs=%u)\n" */
	RULE("edma-irq", "dw-edma-pcie", P_ERR, "no IRQ vectors for the DMA function",
	     "dw-edma-pcie could not allocate the MSI/MSI-X vectors of the DMA function's channels",
	     "set [dma] msi_interrupts to wr_chans + rd_chans on the endpoint (or fewer channels)",
	     MATCH("fail to alloc IRQ vector"), EPF_AFTER),
	/* dw-edma-pcie.c:203 "eDMA BAR I/O remapping failed\n" */
	RULE("edma-bar", "dw-edma-pcie", P_ERR, "DMA function's register BAR unusable",
	     "dw-edma-pcie could not map the BAR holding the DMA registers (unassigned on the "
	     "host, or held by another driver)",
	     "see the PCI core's BAR lines for the DMA function; check [dma] dma_window_bar",
	     MATCH("eDMA BAR I/O remapping failed"), EPF_AFTER),
	/* dw-edma-pcie.c:344 "eDMA probe failed\n" */
	RULE("edma-probe", "dw-edma-pcie", P_ERR, "eDMA core refused the DMA function",
	     "dw_edma_probe() failed: channel counts or the register layout the endpoint "
	     "advertises are not what the eDMA core accepts",
	     "use 0 or the hardware's full count per direction in [dma] wr_chans / rd_chans",
	     MATCH("eDMA probe failed"), EPF_AFTER),

	/* ---- host: PCI core ---- */
	/* setup-res.c:356 "%s %pR: can't assign; no space\n", :361 "%s %pR: failed to assign\n" */
	RULE("pci-bar-space", "pci", P_INFO, "no address space for a BAR on rescan",
	     "the bridge above the endpoint has no room for its BARs: after a rescan the device "
	     "appears without them and no driver can use it",
	     "lower the endpoint's BAR sizes ([vntb] mw1..mw4, spad_count); boot the host with "
	     "pci=realloc or pci=hpmemsize=..., or power the endpoint up before the host",
	     MATCH("can't assign; no space", ": failed to assign")),
	/* setup-res.c:455 "%s %pR: not assigned; can't enable device\n" */
	RULE("pci-bar-unassigned", "pci", P_ERR, "device has an unassigned BAR",
	     "a driver tried to enable a device whose BAR got no address (see the rescan's "
	     "\"can't assign\" lines)",
	     "as for pci-bar-space: smaller BARs or pci=realloc / hpmemsize on the host",
	     MATCH("not assigned; can't enable device")),

	/* ---- generic, last: claims only what the causes above left ---- */
	/* drivers/base/dd.c:655 "probe with driver %s failed with error %d\n" */
	RULE("probe-failed", "driver-core", P_ERR, "a driver's probe failed",
	     "a driver matched a device and its probe returned the error number shown (-22 "
	     "EINVAL, -12 ENOMEM, -110 ETIMEDOUT: dw-edma-pcie waited for the endpoint's READY "
	     "bit)",
	     "read the driver's own lines just before this one; for dw-edma-pcie check that the "
	     "endpoint is set up and started",
	     MATCH("probe with driver * failed with error")),

	/* ---- from the live state, not the log ---- */
	{ .cause = { .id = "dma-unbound",
		     .subsystem = "host",
		     .live = true,
		     .title = "DMA function without a driver",
		     .meaning = "the PCI DMA function is present but no driver is bound to it: "
				"dw-edma-pcie binds it only through driver_override (part 1 of "
				"the DMA series on the host); without it the write succeeds and "
				"nothing happens",
		     .action = "check that the host kernel has dw-edma-pcie with PCI DMA "
			       "function support, and [host] dma_driver" } },
	{ .cause = { .id = "vntb-unbound",
		     .subsystem = "host",
		     .live = true,
		     .title = "vNTB function without a driver",
		     .meaning = "the vNTB function is present but ntb_hw_epf is not bound: it "
				"binds only by PCI ID with class 0x0500xx",
		     .action = "load ntb_hw_epf; use a [vntb] vendor_id:device_id and class that "
			       "the host's ntb_hw_epf knows" } },
	{ .cause = { .id = "transport-params",
		     .subsystem = "ntb_transport",
		     .live = true,
		     .title = "transport loaded with other parameters",
		     .meaning = "the transport module runs with values other than the config's; "
				"both ends must use the same, or the link never comes up",
		     .action = "run setup again (it writes writable parameters; --force reloads "
			       "the module), or change [transport] to what is loaded" } },
	{ .cause = { .id = "transport-mismatch",
		     .subsystem = "ntb_transport",
		     .live = true,
		     .title = "both ends' transports announce different values",
		     .meaning = "the two transports wrote different values into the vNTB "
				"scratchpads (version, queue count, memory windows and their "
				"sizes); ntb_transport compares version, queue count and MW "
				"count and retries every 10 ms without a word while they differ "
				"(ntb_transport.c:1086-1113): the link never comes up",
		     .action = "give the key named above the same value in both ends' config "
			       "(one config copied to both machines), then run setup on both "
			       "(--force where a loaded transport must be reloaded)" } },
	{ .cause = { .id = "transport-link-down",
		     .subsystem = "ntb_transport",
		     .live = true,
		     .title = "transport link down, the peer's values not visible here",
		     .meaning = "the transport runs on the NTB device but its queues are down, "
				"and this end cannot read what the other end's transport "
				"announced (the endpoint never can; the host only while it can "
				"map the vNTB control BAR)",
		     .action = "run epdmactl doctor on the host (booted with iomem=relaxed if "
			       "ntb_hw_epf holds the BAR): it names each differing value; or "
			       "compare [transport] and [vntb] of both configs" } },
};
const size_t epdma_ncause_rules = ARRAY_SIZE(epdma_cause_rules);
