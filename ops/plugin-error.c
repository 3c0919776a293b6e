/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The plugin's failures as XenAPI errors (ops/plugin-error.h). */
#include <errno.h>
#include <string.h>

#include "ops/ops.h"
#include "ops/plugin-error.h"
#include "ops/xapi-errors.h"

int ops_plugin_error(struct xapi_error *err, int r,
                     const struct plugin_failure *f, const char *already)
{
    char ref[OPS_REF_SIZE];
    int why;

    if (r >= 0)
        return r;
    /* A release failing for several VIFs returns -EIO, named by its
     * first failure. */
    why = f->r ? f->r : r;
    switch (why) {
    case -ENOSPC:
        /* Object parameters are refs, as the operations' (xe shows them
         * as "uuid (name-label)"). */
        xapi_error_set(err, why, XAPI_NETWORK_SRIOV_INSUFFICIENT_CAPACITY,
                       ops_ref(ref, f->network), NULL);
        break;
    case -EPERM:
        if (*f->vif) {
            xapi_error_set(err, why, XAPI_VM_HAS_SRIOV_VIF,
                           ops_ref(ref, f->vm), NULL);
            break;
        }
        /* fall through */
    case -EINVAL:
        xapi_error_set(err, why, XAPI_OPERATION_NOT_ALLOWED, f->message,
                       NULL);
        break;
    case -EBUSY:
        /* XAPI's four parameters (xapi_vm_lifecycle.ml:313-314, the VM
         * as a ref, Ref.string_of): the other
         * operation is a VF attach or release holding the VM's lock, by
         * another process, with no task. */
        xapi_error_set(err, why, XAPI_OTHER_OPERATION_IN_PROGRESS, "VM",
                       *f->vm ? ops_ref(ref, f->vm) : "OpaqueRef:NULL",
                       "attach", "OpaqueRef:NULL", NULL);
        break;
    case -ESRCH:
        if (*f->vm) {
            xapi_error_set(err, why, XAPI_VM_BAD_POWER_STATE,
                           ops_ref(ref, f->vm), "running", "halted", NULL);
            break;
        }
        goto internal;
    case -ENOENT:
        if (*f->vif) {
            xapi_error_set(err, why, XAPI_UUID_INVALID, "VIF", f->vif, NULL);
            break;
        }
        goto internal;
    case -EALREADY:
        if (*f->vif && already) {
            xapi_error_set(err, why, already, ops_ref(ref, f->vif), NULL);
            break;
        }
        goto internal;
    default:
    internal:
        xapi_error_internal(err, why, "%s", *f->message ? f->message :
                            strerror(-why));
    }
    return r;
}
