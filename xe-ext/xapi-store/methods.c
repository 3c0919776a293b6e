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

#include "xe-ext/xapi-store/internal.h"

static int run(const struct xapi_call *call, struct xv *const *args,
               size_t n, struct xv **ret, struct xapi_error *err)
{
    const struct xstore_call *k = call->userdata;
    struct xapi_store *xs = k->xs;
    struct xstore_conn *c = NULL;
    char caller[96];
    int r;

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
    const char *uuid;
    int64_t n = 0;
    int r = xstore__resolve(c, "network_sriov", args, 0, &uuid, err);

    if (r >= 0)
        r = ops_network_sriov_remaining_capacity(&c->ops, uuid, &n, err);
    if (r < 0)
        return r;
    *ret = xv_new_int(n);
    return *ret ? 0 : xapi_error_internal(err, -ENOMEM, "out of memory");
}

/* ---- network ---- */

/* A record member as text (NULL if absent). */
static int member_text(const struct xv *rec, const char *name, char buf[32],
                       const char **ret, struct xapi_error *err)
{
    const struct xv *v = xv_struct_get(rec, name);

    *ret = NULL;
    return v ? xstore__scalar_text(v, name, buf, ret, err) : 0;
}

/* A map member as pairs (NULL if absent). */
static int member_map(const struct xv *rec, const char *name,
                      const char ***ret, struct xapi_error *err)
{
    const struct xv *v = xv_struct_get(rec, name);

    *ret = NULL;
    return v ? xstore__map_pairs(v, name, ret, err) : 0;
}

static int record_arg(struct xv *const *args, struct xapi_error *err)
{
    if (args[0]->type != XV_STRUCT)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, "args",
                              NULL);
    return 0;
}

static int network_create(struct xstore_conn *c, struct xv *const *args,
                          struct xv **ret, struct xapi_error *err)
{
    struct ops_network_args a = { .managed = -1 };
    _cleanup_free_ const char **oc = NULL;
    char buf[5][32], uuid[37];
    const char *m = NULL;
    int r;

    r = record_arg(args, err);
    if (r >= 0)
        r = member_text(args[0], "name_label", buf[0], &a.name_label, err);
    if (r >= 0)
        r = member_text(args[0], "name_description", buf[1],
                        &a.name_description, err);
    if (r >= 0)
        r = member_text(args[0], "bridge", buf[2], &a.bridge, err);
    if (r >= 0)
        r = member_text(args[0], "MTU", buf[3], &a.mtu, err);
    if (r >= 0)
        r = member_text(args[0], "managed", buf[4], &m, err);
    if (r >= 0)
        r = member_map(args[0], "other_config", &oc, err);
    if (r < 0)
        return r;
    if (m)
        a.managed = streq_ptr(m, "true");
    a.other_config = oc;
    if (!a.name_label)
        a.name_label = "";
    r = ops_network_create(&c->ops, &a, uuid, err);
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

/* VIF.VM: "OpaqueRef:<domain uuid>" (there is no VM class here). */
static int vm_uuid(const struct xv *rec, char buf[37], const char **ret,
                   struct xapi_error *err)
{
    const struct xv *v = xv_struct_get(rec, "VM");
    const char *ref = v && v->type == XV_STRING ? v->s : "";
    size_t plen = strlen(OPS_REF_PREFIX);
    size_t i;

    if (strncmp(ref, OPS_REF_PREFIX, plen) != 0 ||
        !xapi_uuid_valid(ref + plen))
        return xapi_handle_invalid(err, "VM", ref);
    for (i = 0; i < 36; i++) {
        char ch = ref[plen + i];

        buf[i] = ch >= 'A' && ch <= 'F' ? (char)(ch - 'A' + 'a') : ch;
    }
    buf[36] = '\0';
    *ret = buf;
    return 0;
}

static int vif_create(struct xstore_conn *c, struct xv *const *args,
                      struct xv **ret, struct xapi_error *err)
{
    struct ops_vif_args a = { 0 };
    _cleanup_free_ const char **oc = NULL, **qp = NULL;
    char buf[6][32], vm[37], uuid[37];
    const char *net = NULL;
    int r;

    r = record_arg(args, err);
    if (r >= 0)
        r = vm_uuid(args[0], vm, &a.vm_uuid, err);
    if (r >= 0)
        r = member_text(args[0], "network", buf[0], &net, err);
    if (r >= 0)
        r = xstore__resolve_ref(c, "network", net, &a.network_uuid, err);
    if (r >= 0)
        r = member_text(args[0], "device", buf[1], &a.device, err);
    if (r >= 0)
        r = member_text(args[0], "MAC", buf[2], &a.mac, err);
    if (r >= 0)
        r = member_text(args[0], "MTU", buf[3], &a.mtu, err);
    if (r >= 0)
        r = member_text(args[0], "qos_algorithm_type", buf[4],
                        &a.qos_algorithm_type, err);
    if (r >= 0)
        r = member_text(args[0], "locking_mode", buf[5], &a.locking_mode,
                        err);
    if (r >= 0)
        r = member_map(args[0], "other_config", &oc, err);
    if (r >= 0)
        r = member_map(args[0], "qos_algorithm_params", &qp, err);
    if (r < 0)
        return r;
    if (!a.device)
        a.device = "";
    a.other_config = oc;
    a.qos_algorithm_params = qp;
    r = ops_vif_create(&c->ops, &a, uuid, err);
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
