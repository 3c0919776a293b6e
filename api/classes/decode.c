/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Decoding the arguments of the calls into the operations' arguments:
 * scalars, maps, and the records network.create and VIF.create take.
 * Nothing here touches the store (the fuzzer runs it without xenstored).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/xapi-errors.h"
#include "api/classes/internal.h"

int xstore__scalar_text(const struct xv *v, const char *what,
                        char buf[32], const char **ret,
                        struct xapi_error *err)
{
    if (!v)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, what,
                              NULL);
    switch (v->type) {
    case XV_STRING:
        *ret = v->s;
        return 0;
    case XV_INT:
        snprintf(buf, 32, "%" PRId64, v->i);
        *ret = buf;
        return 0;
    case XV_BOOL:
        *ret = v->b ? "true" : "false";
        return 0;
    default:
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, what,
                              NULL);
    }
}

int xstore__map_pairs(const struct xv *v, const char *what,
                      const char ***ret, struct xapi_error *err)
{
    const char **kv;
    size_t k = 0;

    if (!v || v->type != XV_STRUCT)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, what,
                              NULL);
    kv = calloc(2 * v->st.n + 1, sizeof(*kv));
    if (!kv)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    for (size_t i = 0; i < v->st.n; i++) {
        const struct xv *val = v->st.m[i].value;

        if (val->type != XV_STRING) {
            free(kv);
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, what,
                                  NULL);
        }
        kv[k++] = v->st.m[i].name;
        kv[k++] = val->s;
    }
    kv[k] = NULL;
    *ret = kv;
    return 0;
}

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

/* A set(string) member as a NULL-ended array (NULL if absent). */
static int member_strings(const struct xv *rec, const char *name,
                          const char ***ret, struct xapi_error *err)
{
    const struct xv *v = xv_struct_get(rec, name);
    const char **s;

    *ret = NULL;
    if (!v)
        return 0;
    if (v->type != XV_ARRAY)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, name,
                              NULL);
    s = calloc(v->a.n + 1, sizeof(*s));
    if (!s)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    for (size_t i = 0; i < v->a.n; i++) {
        if (v->a.items[i]->type != XV_STRING) {
            free(s);
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, name,
                                  NULL);
        }
        s[i] = v->a.items[i]->s;
    }
    *ret = s;
    return 0;
}

/* A set member (strings, or ints for trunks) as one ','-joined text, as
 * the store keeps a set of strings (NULL if absent). */
static int member_joined(const struct xv *rec, const char *name, char **ret,
                         struct xapi_error *err)
{
    const struct xv *v = xv_struct_get(rec, name);
    char *out;

    *ret = NULL;
    if (!v)
        return 0;
    if (v->type != XV_ARRAY || !(out = strdup("")))
        return v->type != XV_ARRAY
                   ? xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                                    name, NULL)
                   : xapi_error_internal(err, -ENOMEM, "out of memory");
    for (size_t i = 0; i < v->a.n; i++) {
        const struct xv *m = v->a.items[i];
        char num[32], *next;
        const char *t = m->type == XV_STRING ? m->s : NULL;

        if (m->type == XV_INT) {
            snprintf(num, sizeof(num), "%" PRId64, m->i);
            t = num;
        }
        if (!t || !*t || strchr(t, ',')) {
            free(out);
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, name,
                                  NULL);
        }
        if (asprintf(&next, "%s%s%s", out, *out ? "," : "", t) < 0) {
            free(out);
            return xapi_error_internal(err, -ENOMEM, "out of memory");
        }
        free(out);
        out = next;
    }
    *ret = out;
    return 0;
}

/*
 * The fields of a constructor record that XAPI requires: the fields in
 * the constructor (StaticRO and RW, gen_client.ml:93-96) that have no
 * default_value in datamodel.ml, in the datamodel's order.  XAPI's
 * dispatcher looks the constructor's fields up one by one
 * (gen_server.ml:115-135): one with a default may be left out, one
 * without raises Dispatcher_FieldNotFound (server_helpers.ml:19-25),
 * which reaches the client as INTERNAL_ERROR with the exception printed
 * (exnHelper.ml:82), e.g.
 * ["INTERNAL_ERROR", "Server_helpers.Dispatcher_FieldNotFound(\"MTU\")"].
 * The first missing field is named; nothing is created.
 *
 * network (datamodel.ml:1684-2080, xen-api e2ee48d): name_label and
 * name_description default to "", MTU to 1500, bridge to "", managed to
 * true, tags to []; other_config has none.
 * VIF (datamodel.ml:3877-4100): device, network, VM, MAC, MTU,
 * other_config, qos/algorithm_type and qos/algorithm_params have none;
 * currently_attached, locking_mode, ipv4_allowed, ipv6_allowed and
 * trunks have defaults.
 */
static const char *const network_required[] = { "other_config", NULL };
static const char *const vif_required[] = {
    "device", "network", "VM", "MAC", "MTU", "other_config",
    "qos_algorithm_type", "qos_algorithm_params", NULL
};

static int record_arg(const struct xv *rec, const char *const *required,
                      struct xapi_error *err)
{
    if (!rec || rec->type != XV_STRUCT)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, "args",
                              NULL);
    for (; *required; required++)
        if (!xv_struct_get(rec, *required))
            return xapi_error_internal(
                err, -EINVAL,
                "Server_helpers.Dispatcher_FieldNotFound(\"%s\")",
                *required);
    return 0;
}

/* VIF.VM: "OpaqueRef:<domain uuid>" (there is no VM class here), the
 * uuid in any case; HANDLE_INVALID [VM, ref] otherwise. */
static int vm_uuid(const struct xv *rec, char buf[37], const char **ret,
                   struct xapi_error *err)
{
    const struct xv *v = xv_struct_get(rec, "VM");
    const char *ref = v && v->type == XV_STRING ? v->s : "";
    size_t plen = strlen(OPS_REF_PREFIX);

    if (strncmp(ref, OPS_REF_PREFIX, plen) != 0 ||
        strlen(ref + plen) != 36)
        return xapi_error_set(err, -ENOENT, XAPI_HANDLE_INVALID, "VM", ref,
                              NULL);
    for (size_t i = 0; i < 36; i++) {
        char ch = ref[plen + i];

        buf[i] = ch >= 'A' && ch <= 'F' ? (char)(ch - 'A' + 'a') : ch;
    }
    buf[36] = '\0';
    if (!schema_uuid_valid(buf))
        return xapi_error_set(err, -ENOENT, XAPI_HANDLE_INVALID, "VM", ref,
                              NULL);
    *ret = buf;
    return 0;
}

int xstore__decode_network(const struct xv *rec,
                           struct xstore_network_args *a,
                           struct xapi_error *err)
{
    const char *m = NULL;
    int r;

    memset(a, 0, sizeof(*a));
    a->ops.managed = -1;
    r = record_arg(rec, network_required, err);
    if (r >= 0)
        r = member_text(rec, "name_label", a->buf[0], &a->ops.name_label,
                        err);
    if (r >= 0)
        r = member_text(rec, "name_description", a->buf[1],
                        &a->ops.name_description, err);
    if (r >= 0)
        r = member_text(rec, "bridge", a->buf[2], &a->ops.bridge, err);
    if (r >= 0)
        r = member_text(rec, "MTU", a->buf[3], &a->ops.mtu, err);
    if (r >= 0)
        r = member_text(rec, "managed", a->buf[4], &m, err);
    if (r >= 0)
        r = member_map(rec, "other_config", &a->other_config, err);
    if (r >= 0)
        r = member_strings(rec, "tags", &a->tags, err);
    if (r < 0) {
        xstore__network_args_done(a);
        return r;
    }
    if (m)
        a->ops.managed = streq_ptr(m, "true");
    a->ops.other_config = a->other_config;
    a->ops.tags = a->tags;
    if (!a->ops.name_label)
        a->ops.name_label = "";
    return 0;
}

void xstore__network_args_done(struct xstore_network_args *a)
{
    free(a->other_config);
    free(a->tags);
    a->other_config = NULL;
    a->tags = NULL;
}

int xstore__decode_vif(const struct xv *rec, struct xstore_vif_args *a,
                       struct xapi_error *err)
{
    int r;

    memset(a, 0, sizeof(*a));
    r = record_arg(rec, vif_required, err);
    if (r >= 0)
        r = vm_uuid(rec, a->vm, &a->ops.vm_uuid, err);
    if (r >= 0)
        r = member_text(rec, "network", a->buf[0], &a->network_ref, err);
    if (r >= 0)
        r = member_text(rec, "device", a->buf[1], &a->ops.device, err);
    if (r >= 0)
        r = member_text(rec, "MAC", a->buf[2], &a->ops.mac, err);
    if (r >= 0)
        r = member_text(rec, "MTU", a->buf[3], &a->ops.mtu, err);
    if (r >= 0)
        r = member_text(rec, "qos_algorithm_type", a->buf[4],
                        &a->ops.qos_algorithm_type, err);
    if (r >= 0)
        r = member_text(rec, "locking_mode", a->buf[5],
                        &a->ops.locking_mode, err);
    if (r >= 0)
        r = member_map(rec, "other_config", &a->other_config, err);
    if (r >= 0)
        r = member_map(rec, "qos_algorithm_params", &a->qos_params, err);
    if (r >= 0)
        r = member_joined(rec, "ipv4_allowed", &a->sets[0], err);
    if (r >= 0)
        r = member_joined(rec, "ipv6_allowed", &a->sets[1], err);
    if (r >= 0)
        r = member_joined(rec, "trunks", &a->sets[2], err);
    if (r < 0) {
        xstore__vif_args_done(a);
        return r;
    }
    if (!a->ops.device)
        a->ops.device = "";
    a->ops.other_config = a->other_config;
    a->ops.qos_algorithm_params = a->qos_params;
    a->ops.ipv4_allowed = a->sets[0];
    a->ops.ipv6_allowed = a->sets[1];
    a->ops.trunks = a->sets[2];
    return 0;
}

void xstore__vif_args_done(struct xstore_vif_args *a)
{
    free(a->other_config);
    free(a->qos_params);
    a->other_config = a->qos_params = NULL;
    for (size_t i = 0; i < ELEMENTSOF(a->sets); i++) {
        free(a->sets[i]);
        a->sets[i] = NULL;
    }
}
