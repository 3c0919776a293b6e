/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VIF.plug, VIF.unplug and VIF.unplug_force: XAPI's checks
 * (xapi_vif_helpers.ml valid_operations: the VM running, not the
 * control domain), then the operation `xe vif-plug` and `vif-unplug` run,
 * the plugin's (xen-sriovd gives it: xapi_store_options.vif_plug), which
 * names DEVICE_ALREADY_ATTACHED / _DETACHED and its other failures as
 * ops/plugin-error.h says.  In a pool, a VIF of another host is plugged
 * there (forward.c).  Also the VIF record's allowed_operations, computed
 * as XAPI computes them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/classes/internal.h"
#include "ops/xapi-errors.h"

enum vif_op { VIF_PLUG, VIF_UNPLUG, VIF_UNPLUG_FORCE };


static void lower(char *buf, size_t size, const char *s)
{
    size_t i;

    for (i = 0; s[i] && i + 1 < size; i++)
        buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    buf[i] = '\0';
}

/* XAPI's refusal of plug or unplug for this VM (0: none): the control
 * domain has no hotplug; the VM must be running. */
static int vm_refusal(const struct ops_vm *vm, bool plug,
                      struct xapi_error *err)
{
    char ref[OPS_REF_SIZE], state[16];

    if (plug && vm->is_control_domain)
        return xapi_error_set(err, -EPERM, XAPI_OPERATION_NOT_ALLOWED,
                              "Control domain does not support hotplug",
                              NULL);
    if (strcmp(vm->power_state, "Running") != 0) {
        lower(state, sizeof(state), vm->power_state);
        return xapi_error_set(err, -ESRCH, XAPI_VM_BAD_POWER_STATE,
                              ops_ref(ref, vm->uuid), "running", state,
                              NULL);
    }
    return 0;
}

static int plug_body(struct xstore_conn *c, enum vif_op op,
                     struct xv *const *args, struct xapi_error *err)
{
    struct xapi_store *xs = c->xs;
    store_record *rec = NULL;
    struct ops_vm vm;
    const char *uuid, *vm_uuid;
    char ref[OPS_REF_SIZE];
    int r;

    r = xstore__resolve(c, "VIF", args, 0, &uuid, err);
    if (r < 0)
        return r;
    r = store_get(c->st, "VIF", uuid, &rec);
    if (r < 0)
        return xapi_error_internal(err, r, "%s", store_last_error(c->st));
    vm_uuid = store_record_get(rec, SF_VM);
    ops_ref(ref, vm_uuid ? vm_uuid : "");
    r = ops_vm_find(&c->ops, vm_uuid ? vm_uuid : "", &vm, err);
    store_record_free(rec);
    if (r == -ENOENT) {
        /* XAPI's VIF always has its VM; here the VM's config may be
         * gone: it runs no domain. */
        xapi_error_clear(err);
        return xapi_error_set(err, -ESRCH, XAPI_VM_BAD_POWER_STATE, ref,
                              "running", "halted", NULL);
    }
    if (r < 0)
        return r;
    r = vm_refusal(&vm, op == VIF_PLUG, err);
    ops_vm_done(&vm);
    if (r < 0)
        return r;
    if (!xs->vif_plug)
        return xapi_error_internal(err, -ENOSYS, "this endpoint cannot "
                                   "plug VIFs: use xen-sriovd's");
    return xs->vif_plug(xs->plug_userdata, uuid, op == VIF_PLUG,
                        op == VIF_UNPLUG_FORCE, err);
}

static int plug_call(const struct xapi_call *call, struct xv *const *args,
                     size_t n, struct xv **ret, struct xapi_error *err)
{
    const struct xstore_vif_call *k = call->userdata;
    struct xstore_conn *c = NULL;
    char caller[96];
    int r;

    /* Another host's VIF is plugged by that host. */
    r = xstore__forward(k->xs, call, args, n, n, ret, err);
    if (r != 0)
        return r < 0 ? r : 0;
    xstore__caller(call, caller, sizeof(caller));
    r = xstore__acquire(k->xs, caller, &c, err);
    if (r < 0)
        return r;
    r = plug_body(c, (enum vif_op)k->op, args, err);
    xstore__release(k->xs, c);
    if (r < 0)
        return r;
    *ret = xv_new_string("");
    return *ret ? 0 : xapi_error_internal(err, -ENOMEM, "out of memory");
}

int xstore__register_vif(struct xapi_store *xs)
{
    static const char *const names[] = { "VIF.plug", "VIF.unplug",
                                         "VIF.unplug_force" };

    for (size_t i = 0; i < 3; i++) {
        int r;

        xs->vif_calls[i] = (struct xstore_vif_call){ xs, (int)i };
        r = xapi_add_method(xs->api, &(struct xapi_method){
                                names[i], 1, 1, 0, plug_call,
                                &xs->vif_calls[i] });
        if (r < 0)
            return r;
    }
    return 0;
}

int xstore__vif_decorate(struct xstore_conn *c, const store_record *sr,
                         struct xv *rec)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    const char *vm_uuid = store_record_get(sr, SF_VM);
    const char *att = store_record_get(sr, SF_currently_attached);
    struct xv *ops = xv_new_array();
    struct ops_vm vm;
    int r = 0;

    if (!ops)
        return -ENOMEM;
    /* attach is always allowed (no operation runs on it here); plug
     * and unplug as the VM's state says.  A VM this host does not have
     * (another host's VIF): its host says. */
    if (xv_array_append(ops, xv_new_string("attach")) < 0)
        r = -ENOMEM;
    if (r >= 0 && vm_uuid && ops_vm_find(&c->ops, vm_uuid, &vm, &err) >= 0) {
        bool plugged = att && strcmp(att, "true") == 0;

        if (strcmp(vm.power_state, "Running") != 0)
            ;                   /* VM_BAD_POWER_STATE for both */
        else if (plugged)
            r = xv_array_append(ops, xv_new_string("unplug"));
        else if (!vm.is_control_domain)
            r = xv_array_append(ops, xv_new_string("plug"));
        ops_vm_done(&vm);
    }
    xapi_error_clear(&err);
    if (r < 0) {
        xv_free(ops);
        return r;
    }
    return xv_struct_set(rec, "allowed_operations", ops);
}
