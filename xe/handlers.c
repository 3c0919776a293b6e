/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which function runs each command (xe/commands.h).  vif-plug and
 * vif-unplug are the plugin's (cmd-vif-plug.c, docs/plugin.md).
 * docs/xe.md explains how to add a handler here.
 */
#include <stddef.h>

#include "xe/commands.h"

/* Static commands, by name. */
const struct xe_handler_entry xe_handlers[] = {
    { "pif-scan", xe_cmd_pif_scan },
    { "network-create", xe_cmd_network_create },
    { "network-destroy", xe_cmd_network_destroy },
    { "network-sriov-create", xe_cmd_network_sriov_create },
    { "network-sriov-destroy", xe_cmd_network_sriov_destroy },
    { "network-sriov-diagnose", xe_cmd_network_sriov_diagnose },
    { "vif-create", xe_cmd_vif_create },
    { "vif-destroy", xe_cmd_vif_destroy },
    { "vif-plug", xe_cmd_vif_plug },
    { "vif-unplug", xe_cmd_vif_unplug },
    { "pool-join", xe_cmd_pool_join },
    { "pool-eject", xe_cmd_pool_eject },
    { NULL, NULL }
};

/* Generated commands, by operation. */
const xe_handler_fn xe_generic_handlers[XE_OP_N] = {
    [XE_OP_LIST] = xe_cmd_list,
    [XE_OP_PARAM_LIST] = xe_cmd_param_list,
    [XE_OP_PARAM_GET] = xe_cmd_param_get,
    [XE_OP_PARAM_SET] = xe_cmd_param_set,
    [XE_OP_PARAM_ADD] = xe_cmd_param_add,
    [XE_OP_PARAM_REMOVE] = xe_cmd_param_remove,
    [XE_OP_PARAM_CLEAR] = xe_cmd_param_clear,
};
