/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulated endpoint+host pair and the link model between them (the
 * "cable"); tests/README.md "The simulated pair".
 *
 * A pair is one directory:
 *
 *   DIR/endpoint/{root,kernel}   an R-Car S4 endpoint (fx_rcar_s4), its fake kernel
 *   DIR/host/{root,kernel}       an x86 host (fx_x86_host + fx_host_modules)
 *   DIR/cable                    one line per endpoint card:
 *                                "<side> <epc> <slot bdf> <parent|-> <mmio>"
 *
 * Each side's fake kernel runs DIR's cable (`epdma-sim link-event DIR SIDE
 * ...`, named in <side>/kernel/link-hook) on the events of fakekernel/link.c.
 * Nothing else crosses from one root to the other:
 *
 * - host `rescan`: for every card whose endpoint controller is started (its
 *   `start` reads 1 and a pci_epf_vntb and a pci_epf_dma function are linked
 *   to it), the card is placed in the host's hidden store (fx_host_card,
 *   prepared), built from the endpoint's LIVE configfs values: IDs, class
 *   codes, subsys_id (the pairing tag), num_mws, mwN, spad_count, db_count,
 *   the BAR attributes, wr_chans/rd_chans; PEDM READY set; scratchpads blank.
 *   The fake kernel's rescan then finds it (and probes it). A card already on
 *   the host's bus is left alone; the hidden copy of a card whose endpoint is
 *   down is dropped (so a `remove`d card does not come back).
 * - endpoint `start` 0 (a stop, or epdma-sim reset): the card's BARs read all
 *   ones in place (what a mapping the host holds sees), then it is removed
 *   as a surprise removal does (fx_host_unplug: drivers released, channels
 *   and NTB device gone, files gone), and two pciehp lines are logged.
 *   `start` 1 does nothing at once: the host finds the card on its next rescan.
 * - after every event (either side): the NTB transports. The host's runs once
 *   a transport module (ntb_transport*, ntb_transport_ep_dma before plain
 *   ntb_transport) is loaded and ntb_hw_epf has the card (its probe sends
 *   LINK_UP); the endpoint's once its transport is loaded on the vNTB's NTB
 *   device and the host's runs. Each announces version, queue count, MW
 *   count and MW sizes computed from ITS OWN module parameters and device
 *   (ntb_transport_probe(), ntb_transport_link_work()); the words go into the
 *   card's vNTB control BAR on the host, the endpoint's in the first half of
 *   the scratchpads, the host's in the second, LINK_STATUS set. The link is up
 *   when both run and version, queue and MW counts agree; each end's
 *   <debugfs>/ntb_transport/<dev>/qpN/stats says "QP Link - Up" when the link
 *   is up and both ends have ntb_netdev loaded, "Down" otherwise.
 * - uevents: when a rescan adds a card's functions (above) and when they go
 *   (endpoint `start` 0, epdma-sim reset), the cable sends the kernel's
 *   "add"/"remove" message for each function ("ACTION@DEVPATH\0ACTION=...\0
 *   DEVPATH=...\0SUBSYSTEM=pci\0PCI_SLOT_NAME=...\0SEQNUM=...\0", no netlink
 *   header) as one datagram to the unix socket DIR/host/SIM_UEVENT_RELAY, if
 *   it exists: `epdma-sim daemon` binds it and relays to epdmad --uevent-fd.
 *   An "add" is sent before the rescan has placed the functions (the relay
 *   waits for DEVPATH to appear, as the kernel sends "add" after device_add).
 *
 * Locking: the event runs while the caller's fake kernel holds its own lock.
 * Endpoint events take the host's lock; the host's rescan event reads the
 * endpoint without its lock (endpoint -> host is the only lock order).
 */
#pragma once

#include "fixture.h"

/* The host's uevent relay, relative to DIR/host (a unix datagram socket). */
#define SIM_UEVENT_RELAY "kernel/uevent-relay"

/* Build a pair below $TMPDIR (the endpoint card at 0000:08:00, behind
 * fx_x86_host()'s empty switch port). HELPER: the program the fake kernels
 * run on an event (epdma-sim). Returns DIR; caller frees. */
char *sim_pair_new(const char *helper);

/* Another endpoint card: SIDE (a directory name in DIR) is a fresh R-Car S4
 * cabled to the host at SLOT (its function 0, "DDDD:BB:SS.0") on the root bus. */
void sim_pair_add_endpoint(const char *dir, const char *side, const char *slot, const char *helper);

/* A struct fx for DIR/SIDE (root, kernel); release it with fx_detach(). */
struct fx *sim_side(const char *dir, const char *side);

/* The cable's reaction to an event of SIDE (the words of fakekernel/link.c). */
int sim_link_event(const char *dir, const char *side, int argc, char **argv);

/* Endpoint SIDE reboots: its controller stops (the link goes down, as on
 * `start` 0), then its tree and fake-kernel state are rebuilt from scratch;
 * /etc is kept (the config survives a reboot, /run does not). */
void sim_endpoint_reset(const char *dir, const char *side);
