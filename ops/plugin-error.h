/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plugin's failures as XenAPI errors.  The plugin (plugin/plugin.h)
 * speaks -errno, a message and the objects a failure is about
 * (plugin_last_failure()); the front ends that show XenAPI errors (`xe
 * vif-plug`, xen-sriovd) name them here, as XAPI would:
 *   -ENOSPC           NETWORK_SRIOV_INSUFFICIENT_CAPACITY [network ref]
 *   -EPERM, -EINVAL   OPERATION_NOT_ALLOWED [message]
 *   -EPERM + a VIF    VM_HAS_SRIOV_VIF [vm] (plugin_vm_check_migrate)
 *   -EBUSY            OTHER_OPERATION_IN_PROGRESS [VM; vm; attach;
 *                     OpaqueRef:NULL]
 *   -ESRCH + a VM     VM_BAD_POWER_STATE [vm; running; halted]
 *   -ENOENT + a VIF   UUID_INVALID [VIF; vif]
 *   -EALREADY + a VIF DEVICE_ALREADY_ATTACHED / _DETACHED [vif ref]
 *   anything else     INTERNAL_ERROR [message]
 * Each ops_plugin_* call is its plugin_* namesake with that naming (inline:
 * libops does not link the plugin).
 */
#ifndef XEN_SRIOV_OPS_PLUGIN_ERROR_H
#define XEN_SRIOV_OPS_PLUGIN_ERROR_H

#include "ops/xapi-error.h"
#include "plugin/plugin.h"

/*
 * Name failure @p f (which returned @p r) in @p err; @p already is the
 * code of -EALREADY (DEVICE_ALREADY_ATTACHED or _DETACHED), NULL where the
 * call has none.
 * @return @p r
 */
int ops_plugin_error(struct xapi_error *err, int r,
                     const struct plugin_failure *f, const char *already);

/* plugin_new(): its failure as INTERNAL_ERROR [message]. */
static inline int ops_plugin_new(plugin **ret, const struct plugin_opts *opts,
                                 struct xapi_error *err)
{
    char why[PLUGIN_ERROR_MAX] = "";
    int r = plugin_new(ret, opts, why, sizeof(why));

    if (r < 0)
        xapi_error_internal(err, r, "%s", why);
    return r;
}

static inline int ops_plugin_domain_start(plugin *p, unsigned domid,
                                          struct xapi_error *err)
{
    return ops_plugin_error(err, plugin_domain_start(p, domid),
                            plugin_last_failure(p), NULL);
}

static inline int ops_plugin_domain_release(plugin *p, unsigned domid,
                                            struct xapi_error *err)
{
    return ops_plugin_error(err, plugin_domain_release(p, domid),
                            plugin_last_failure(p), NULL);
}

static inline int ops_plugin_vif_plug(plugin *p, const char *vif_uuid,
                                      struct xapi_error *err)
{
    return ops_plugin_error(err, plugin_vif_plug(p, vif_uuid),
                            plugin_last_failure(p),
                            "DEVICE_ALREADY_ATTACHED");
}

static inline int ops_plugin_vif_unplug(plugin *p, const char *vif_uuid,
                                        bool force, struct xapi_error *err)
{
    return ops_plugin_error(err, plugin_vif_unplug(p, vif_uuid, force),
                            plugin_last_failure(p),
                            "DEVICE_ALREADY_DETACHED");
}

static inline int ops_plugin_vm_check_migrate(plugin *p, const char *vm_uuid,
                                              struct xapi_error *err)
{
    return ops_plugin_error(err, plugin_vm_check_migrate(p, vm_uuid),
                            plugin_last_failure(p), NULL);
}

#endif
