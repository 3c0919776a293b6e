/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VF settings of a VIF: what it asks for, and the VF's previous settings
 * kept in VIF.vf_saved_config.  Without a plugin handle, so that the
 * system tests can run them against a real driver (netdevsim).
 *
 * VIF keys (other-config): vlan (0-4094, 0 = untagged, the default),
 * vlan-qos (0-7, needs vlan), spoofchk and trust (on/off), link-state
 * (auto/enable/disable), min-tx-rate and max-tx-rate (Mbps); XAPI's
 * qos_algorithm_type=ratelimit with qos_algorithm_params:kbps=N gives a
 * max-tx-rate of max(1, N / 1024) Mbps unless max-tx-rate is set.  The
 * MAC is the VIF's.
 */
#ifndef XEN_SRIOV_PLUGIN_SETTINGS_H
#define XEN_SRIOV_PLUGIN_SETTINGS_H

#include <stddef.h>

#include <sriov/sriov.h>

#include "store/store.h"

/*
 * The settings a VIF asks for: MAC and VLAN always, the rest when set.
 * @return 0; -EINVAL with the key, its value and the allowed values in
 *         @p why (nothing is touched)
 */
int plugin_vif_vf_config(sriov_ctx *ctx, const store_record *vif,
                         sriov_vf_config *ret, char *why, size_t why_size);

/* Put the fields of @p cfg->mask into VIF.vf_saved_config (the same keys,
 * "mac" for the MAC). */
int plugin_vf_config_to_map(const sriov_vf_config *cfg, store_record *vif);

/* Read VIF.vf_saved_config back; -EBADMSG for a damaged value. */
int plugin_vf_config_from_map(const store_record *vif, sriov_vf_config *ret);

/*
 * What a reservation may change, so what to save before it: the fields of
 * @p want (with the QoS when it sets the VLAN, which may drop the QoS)
 * that the driver reports in @p cur.  Nothing else is saved, so nothing
 * else is written back: a setting the driver cannot take (igb's
 * link-state) is never part of a restore unless the VIF set it.
 */
unsigned plugin_vf_config_save_mask(const sriov_vf_config *want,
                                    const sriov_vf_config *cur);

/*
 * The fields of @p saved that differ from @p cur (the VF now), i.e. what a
 * restore must write; VLAN and QoS go together.  A field equal to its
 * saved value was not changed, or was put back already: it is not sent
 * again (a driver refusing it cannot undo the rest of the restore).
 */
unsigned plugin_vf_config_changed(const sriov_vf_config *saved,
                                  const sriov_vf_config *cur);

#endif
