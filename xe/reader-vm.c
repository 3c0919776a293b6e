/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VM records for display, from Xen's configs and domains (ops_vm_list). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libsriov/macro.h"
#include "xe/frontend.h"

static int set_int(struct xe_record *rec, const char *name, int64_t v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRId64, v);
    return xe_record_set(rec, name, buf);
}

/* other-config: what the store keeps of the VM. */
static int put_other_config(struct xe_record *rec, struct ops_ctx *ops,
                            const char *uuid, struct xapi_error *err)
{
    _cleanup_free_ const char **items = NULL;
    store_record *vm = NULL;
    size_t n = 0;
    int r = 0;

    if (*uuid)
        r = ops_vm_other_config(ops, uuid, &vm, err);
    if (r < 0)
        return r;
    n = vm ? store_record_map_count(vm, SF_other_config) : 0;
    items = calloc(2 * n + 1, sizeof(*items));
    for (size_t i = 0; items && i < n; i++) {
        items[2 * i] = store_record_map_key(vm, SF_other_config, i);
        items[2 * i + 1] = store_record_map_value(vm, SF_other_config, i);
    }
    r = items ? xe_record_set_items(rec, "other-config", items, n) : -ENOMEM;
    store_record_free(vm);
    return r;
}

/* records.ml vm_record of one VM; host is the host it runs on; another
 * host's VM has its other_config pairs (NULL: read the store here). */
static int vm_record(struct xe_record *rec, const struct ops_vm *vm,
                     const char *host, char **remote_oc, struct ops_ctx *ops,
                     struct xapi_error *err)
{
    _cleanup_free_ char *power = strdup(vm->power_state);
    bool running = vm->domid >= 0;
    int r;

    if (!power)
        return -ENOMEM;
    /* Record_util.vm_power_state_to_lowercase_string */
    power[0] = (char)(power[0] - 'A' + 'a');
    r = xe_record_set(rec, "uuid", vm->uuid);
    if (r >= 0)
        r = xe_record_set(rec, "name-label", vm->name_label);
    if (r >= 0)
        r = xe_record_set(rec, "name-description", "");
    if (r >= 0)
        r = xe_record_set(rec, "is-a-template", "false");
    if (r >= 0)
        r = xe_record_set(rec, "is-control-domain",
                          vm->is_control_domain ? "true" : "false");
    if (r >= 0)
        r = xe_record_set(rec, "power-state", power);
    if (r >= 0)
        r = vm->memory_actual >= 0
                ? set_int(rec, "memory-actual", vm->memory_actual)
                : xe_record_set(rec, "memory-actual", XE_NOT_IN_DATABASE);
    if (r >= 0)
        r = set_int(rec, "memory-static-max", vm->memory_static_max);
    if (r >= 0)
        r = set_int(rec, "memory-dynamic-max", vm->memory_dynamic_max);
    if (r >= 0)
        r = set_int(rec, "memory-dynamic-min", vm->memory_dynamic_max);
    if (r >= 0)
        r = set_int(rec, "VCPUs-max", vm->vcpus_max);
    if (r >= 0)
        r = set_int(rec, "VCPUs-at-startup", vm->vcpus_at_startup);
    if (r >= 0)
        r = xe_record_set(rec, "domain-type", vm->domain_type);
    if (r >= 0)
        r = xe_record_set(rec, "resident-on",
                          running ? host : XE_NOT_IN_DATABASE);
    if (r >= 0 && remote_oc) {
        size_t n = 0;

        while (remote_oc[2 * n])
            n++;
        r = xe_record_set_items(rec, "other-config",
                                (const char **)remote_oc, n);
    } else if (r >= 0) {
        r = put_other_config(rec, ops, vm->uuid, err);
    }
    if (r >= 0)
        r = set_int(rec, "dom-id", vm->domid);
    return r;
}

static int add_note(struct xe_records *out, const char *text)
{
    size_t n = 0;
    char **v;

    while (out->notes && out->notes[n])
        n++;
    v = realloc(out->notes, (n + 2) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    out->notes = v;
    v[n] = strdup(text);
    v[n + 1] = NULL;
    return v[n] ? 0 : -ENOMEM;
}

/* In a pool, the other hosts' VMs (all, or the one with uuid) as their
 * hosts mirrored them; none when etcd cannot answer (said once). */
static int remote_vms(struct xe_frontend *fe, const struct ops_vm *local,
                      size_t nl, const char *self, const char *uuid,
                      struct ops_vm_remote **ret, size_t *n_ret)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct pool_vm *pv = NULL;
    size_t n = 0, k = 0;
    pool *p = NULL;
    int r;

    *ret = NULL;
    *n_ret = 0;
    r = xe_frontend_pool(fe, &p, &err);
    xapi_error_clear(&err);
    if (r <= 0 || fe->pool_warned)
        return 0;
    r = pool_vm_list(p, &pv, &n);
    if (r < 0) {
        fprintf(stderr, "xe: the pool's view is unavailable (%s): showing "
                "this host only\n", pool_last_error(p));
        fe->pool_warned = true;
        return 0;
    }
    r = ops_vm_remotes(local, nl, self, pv, n, ret, n_ret);
    pool_vm_list_free(pv, n);
    if (r < 0 || !uuid)
        return r;
    /* The one asked for only: first, the others freed. */
    for (size_t i = 0; i < *n_ret; i++) {
        struct ops_vm_remote t = (*ret)[k];

        if (k == 0 && strcasecmp((*ret)[i].vm.uuid, uuid) == 0) {
            (*ret)[0] = (*ret)[i];
            (*ret)[i] = t;
            k = 1;
        }
    }
    for (size_t i = k; i < *n_ret; i++) {
        ops_vm_done(&(*ret)[i].vm);
        strv_free((*ret)[i].other_config);
    }
    *n_ret = k;
    return 0;
}

int xe_read_vm_records(struct xe_frontend *fe, const char *uuid,
                       struct xe_records *ret, struct xapi_error *err)
{
    struct xe_records out = { 0 };
    struct ops_vm *vms = NULL, one;
    struct ops_vm_remote *rv = NULL;
    struct ops_ctx *ops;
    size_t n = 0, nr = 0;
    char host[37];
    int r;

    r = xe_frontend_ops(fe, &ops, err);
    if (r >= 0)
        r = ops_host_uuid(ops, host, err);
    if (r >= 0 && uuid) {
        r = ops_vm_find(ops, uuid, &one, err);
        if (r >= 0) {
            vms = malloc(sizeof(*vms));
            if (!vms)
                ops_vm_done(&one);
            else
                vms[n++] = one;
            r = vms ? 0 : -ENOMEM;
        }
    } else if (r >= 0) {
        r = ops_vm_list(ops, &vms, &n, err);
    }
    if (r == -ENOENT && uuid) {
        xapi_error_clear(err);  /* another host's? */
        r = 0;
    } else if (r < 0) {
        goto out;
    }
    if (r >= 0)
        r = remote_vms(fe, vms, n, host, uuid, &rv, &nr);
    if (r >= 0 && uuid && n + nr == 0) {
        r = ops_vm_find(ops, uuid, &one, err);      /* its error */
        if (r >= 0)
            ops_vm_done(&one);
    }
    if (r >= 0) {
        out.v = calloc(n + nr + 1, sizeof(*out.v));
        if (!out.v)
            r = -ENOMEM;
    }
    for (size_t i = 0; r >= 0 && i < n + nr; i++) {
        const struct ops_vm *vm = i < n ? &vms[i] : &rv[i - n].vm;

        r = xe_record_new(&out.v[out.n], &xe_class_vm);
        if (r < 0)
            break;
        out.n++;
        r = vm_record(out.v[out.n - 1], vm, i < n ? host : rv[i - n].resident,
                      i < n ? NULL : rv[i - n].other_config, ops, err);
        if (r >= 0 && i < n && vms[i].problem)
            r = add_note(&out, vms[i].problem);
    }
out:
    ops_vm_remotes_free(rv, nr);
    ops_vm_list_free(vms, n);
    if (r < 0) {
        xe_records_free(&out);
        return xapi_error_is_set(err) ? r
                                      : xapi_error_internal(err, r,
                                                            "out of memory");
    }
    *ret = out;
    return 0;
}
