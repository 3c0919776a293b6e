/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The handlers of xe's commands (xe_handler_fn of cmdtable.h), registered
 * in handlers.c.  Each reads its parameters, calls the operation of
 * ops/ops.h (where every check is) and prints what xe prints.
 */
#ifndef XEN_SRIOV_XE_COMMANDS_H
#define XEN_SRIOV_XE_COMMANDS_H

#include "xe/cmdtable.h"

/* Generated commands (cmd-generic.c). */
int xe_cmd_list(struct xe_call *call);
int xe_cmd_param_list(struct xe_call *call);
int xe_cmd_param_get(struct xe_call *call);
int xe_cmd_param_set(struct xe_call *call);
int xe_cmd_param_add(struct xe_call *call);
int xe_cmd_param_remove(struct xe_call *call);
int xe_cmd_param_clear(struct xe_call *call);

/* Static commands (cmd-static.c). */
int xe_cmd_pif_scan(struct xe_call *call);
int xe_cmd_network_create(struct xe_call *call);
int xe_cmd_network_destroy(struct xe_call *call);
int xe_cmd_network_sriov_create(struct xe_call *call);
int xe_cmd_network_sriov_destroy(struct xe_call *call);
int xe_cmd_network_sriov_diagnose(struct xe_call *call);
int xe_cmd_vif_create(struct xe_call *call);
int xe_cmd_vif_destroy(struct xe_call *call);

/* The plugin's (cmd-vif-plug.c). */
int xe_cmd_pool_join(struct xe_call *call);
int xe_cmd_pool_eject(struct xe_call *call);
int xe_cmd_vif_plug(struct xe_call *call);
int xe_cmd_vif_unplug(struct xe_call *call);

#endif
