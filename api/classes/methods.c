/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The calls that create, destroy or compute: network_sriov.create/
 * destroy/get_remaining_capacity, network.create/destroy, VIF.create/
 * destroy.  Each decodes its arguments (refs must name objects that
 * exist: HANDLE_INVALID) and runs the operation xe runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/classes/internal.h"

static int run(const struct xapi_call *call, struct xv *const *args,
               size_t n, struct xv **ret, struct xapi_error *err)
{
    const struct xstore_call *k = call->userdata;
    struct xapi_store *xs = k->xs;
    struct xstore_conn *c = NULL;
    char caller[96];
    int r;

    /* A change of another host's object runs there; a read (the
     * remaining capacity) is answered here, from the pool's view. */
    if (!strstr(k->def->name, ".get_")) {
        r = xstore__forward(xs, call, args, n, n, ret, err);
        if (r != 0)
            return r < 0 ? r : 0;
    }
    xstore__caller(call, caller, sizeof(caller));
    r = xstore__acquire(xs, caller, &c, err);
    if (r < 0)
        return r;
    r = k->def->body(c, args, ret, err);
    xstore__release(xs, c);
    return r;
}

static int new_ref(const char *uuid, struct xv **ret, struct xapi_error *err)
{
    char buf[OPS_REF_SIZE];

    *ret = xv_new_string(ops_ref(buf, uuid));
    return *ret ? 0 : xapi_error_internal(err, -ENOMEM, "out of memory");
}

/* ---- network_sriov ---- */

static int sriov_create(struct xstore_conn *c, struct xv *const *args,
                        struct xv **ret, struct xapi_error *err)
{
    const char *pif, *net, *ref;
    char uuid[37];
    int r;

    r = xapi_arg_string(args, 0, "pif", &ref, err);
    if (r >= 0)
        r = xstore__resolve_ref(c, "PIF", ref, &pif, err);
    if (r >= 0)
        r = xapi_arg_string(args, 1, "network", &ref, err);
    if (r >= 0)
        r = xstore__resolve_ref(c, "network", ref, &net, err);
    if (r >= 0)
        r = ops_network_sriov_create(&c->ops, pif, net, 0, uuid, err);
    return r < 0 ? r : new_ref(uuid, ret, err);
}

static int sriov_destroy(struct xstore_conn *c, struct xv *const *args,
                         struct xv **ret, struct xapi_error *err)
{
    const char *uuid;
    int r = xstore__resolve(c, "network_sriov", args, 0, &uuid, err);

    return r < 0 ? r : ops_network_sriov_destroy(&c->ops, uuid, err);
}

static int sriov_capacity(struct xstore_conn *c, struct xv *const *args,
                          struct xv **ret, struct xapi_error *err)
{
    const char *uuid, *ref;
    int64_t n = 0;
    int r = xapi_arg_string(args, 0, "self", &ref, err);

    uuid = r >= 0 ? xstore__ref_uuid(ref) : NULL;
    r = r < 0 ? r : xstore__sriov_capacity(c, uuid, &n);
    if (r == -ENOENT)
        r = xapi_handle_invalid(err, "network_sriov", ref);
    else if (r == 0)
        r = xstore__resolve(c, "network_sriov", args, 0, &uuid, err);
    if (r == 0)
        r = ops_network_sriov_remaining_capacity(&c->ops, uuid, &n, err);
    else if (r > 0)
        r = 0;
    else if (!xapi_error_is_set(err))
        r = xapi_error_internal(err, r, "%s", pool_last_error(c->pool));
    if (r < 0)
        return r;
    *ret = xv_new_int(n);
    return *ret ? 0 : xapi_error_internal(err, -ENOMEM, "out of memory");
}

/* ---- network ---- */

static int network_create(struct xstore_conn *c, struct xv *const *args,
                          struct xv **ret, struct xapi_error *err)
{
    struct xstore_network_args a;
    char uuid[37];
    int r;

    r = xstore__decode_network(args[0], &a, err);
    if (r >= 0)
        r = ops_network_create(&c->ops, &a.ops, uuid, err);
    xstore__network_args_done(&a);
    return r < 0 ? r : new_ref(uuid, ret, err);
}

static int network_destroy(struct xstore_conn *c, struct xv *const *args,
                           struct xv **ret, struct xapi_error *err)
{
    const char *uuid;
    int r = xstore__resolve(c, "network", args, 0, &uuid, err);

    return r < 0 ? r : ops_network_destroy(&c->ops, uuid, err);
}

/* ---- VIF ---- */

static int vif_create(struct xstore_conn *c, struct xv *const *args,
                      struct xv **ret, struct xapi_error *err)
{
    struct xstore_vif_args a;
    char uuid[37];
    int r;

    r = xstore__decode_vif(args[0], &a, err);
    if (r >= 0)
        r = xstore__vm_exists(c, a.ops.vm_uuid, err);
    if (r >= 0)
        r = xstore__resolve_ref(c, "network", a.network_ref,
                                &a.ops.network_uuid, err);
    if (r >= 0)
        r = ops_vif_create(&c->ops, &a.ops, uuid, err);
    xstore__vif_args_done(&a);
    return r < 0 ? r : new_ref(uuid, ret, err);
}

static int vif_destroy(struct xstore_conn *c, struct xv *const *args,
                       struct xv **ret, struct xapi_error *err)
{
    const char *uuid;
    int r = xstore__resolve(c, "VIF", args, 0, &uuid, err);

    return r < 0 ? r : ops_vif_destroy(&c->ops, uuid, err);
}

static const struct xstore_call_def defs[XSTORE_N_CALLS] = {
    { "network_sriov.create", 2, sriov_create },
    { "network_sriov.destroy", 1, sriov_destroy },
    { "network_sriov.get_remaining_capacity", 1, sriov_capacity },
    { "network.create", 1, network_create },
    { "network.destroy", 1, network_destroy },
    { "VIF.create", 1, vif_create },
    { "VIF.destroy", 1, vif_destroy },
};

int xstore__register_methods(struct xapi_store *xs)
{
    for (size_t i = 0; i < XSTORE_N_CALLS; i++) {
        const struct xstore_call_def *d = &defs[i];
        int r;

        xs->calls[i] = (struct xstore_call){ xs, d };
        r = xapi_add_method(xs->api, &(struct xapi_method){
                                d->name, d->nargs, d->nargs, 0, run,
                                &xs->calls[i] });
        if (r < 0)
            return r;
    }
    return 0;
}
