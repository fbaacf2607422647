/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NTB transport on either end (lib/transport.c): load it with the shared
 * parameters of [transport] and its client modules, record the options in
 * modprobe.d under /run, and compare what both ends' transports wrote into
 * the vNTB scratchpads.
 */
#pragma once

#include "bar.h"
#include "internal.h"

#define EPDMA_TRANSPORT_MODPROBE_CONF "/run/modprobe.d/epdma.conf"

/*
 * Make the transport module (cfg->transport.module) run with the config's
 * max_num_clients, max_mw_size and transport_mtu, plus on the host
 * bdf_param=BDF (BDF NULL: not passed; the endpoint never passes it), then
 * load the client modules. A loaded module with other values: writable
 * parameters are written; otherwise refused (-EPERM, reason
 * EPDMA_REASON_MODULE_RELOAD) unless FLAGS has EPDMA_F_FORCE, which removes
 * and inserts it again when nothing uses it. A module that is not installed
 * is a warning, not an error. Results go to RUN->transport (checks) and
 * RUN->errors. The endpoint calls it after start: without an NTB device on
 * /sys/bus/ntb there is nothing for the transport to attach to (a warning).
 */
int epdma_transport_ensure(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			   enum epdma_role role, const char *bdf, unsigned int flags,
			   struct epdma_run *run);

/*
 * Before a teardown unlinks the vNTB function: remove the [transport] clients
 * that are loaded (last named first), then the transport module, while the
 * NTB device they are bound to is still alive. Nothing to do when the
 * transport is not loaded or no NTB device is on /sys/bus/ntb. A module in
 * use by anything else is refused before anything is removed (-EBUSY, an
 * error in RUN). Removals are checks in RUN->transport and count in
 * RUN->transport_changes.
 */
int epdma_transport_remove(struct epdma_ctx *ctx, const struct epdma_config *cfg,
			   struct epdma_run *run);

/*
 * Compare the transport protocol both ends wrote into the scratchpads, each
 * decoded by epdma_transport_spads_decode(): HOST is what the host's
 * transport wrote (it lands in the endpoint's half, EPDMA_SPAD_ENDPOINT), EP
 * what the endpoint's transport wrote (the host's half, EPDMA_SPAD_HOST).
 * Version, queue count, MW count and MW sizes are compared. Each mismatch is a failed check naming
 * both values and the key to change; an end that has not written yet is a skipped check. Returns
 * the number of mismatches.
 */
int epdma_transport_compare(const struct epdma_transport_spads *host,
			    const struct epdma_transport_spads *ep, const struct epdma_config *cfg,
			    struct epdma_checks *out);
