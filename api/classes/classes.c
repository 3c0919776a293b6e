/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every schema class as a XenAPI class: its refs and records. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/classes/internal.h"

int xstore__list(struct xapi_store *xs, struct xstore_conn *c,
                 const char *cls, store_record ***ret, size_t *n)
{
    char msg[512] = "";
    int r;

    /* pool.conf is looked at on every call: a pool-join or pool-eject
     * after the endpoint started counts at once. */
    if (c->pool)
        c->pool = pool_close(c->pool);
    if (pool_class_mirrored(cls) || strcmp(cls, "pool") == 0) {
        r = pool_open(&c->pool, xs->root, msg, sizeof(msg));
        if (r < 0)
            xapi_log(xapi_get_logger(xs->api), LOG_WARNING, "pool: %s", msg);
        if (r > 0) {
            r = pool_list(c->pool, cls, ret, n);
            if (r >= 0)
                return r;
            xapi_log(xapi_get_logger(xs->api), LOG_WARNING,
                     "pool: showing this host only: %s",
                     pool_last_error(c->pool));
        }
    }
    r = store_list(c->st, cls, NULL, 0, STORE_LIST_SKIP_INVALID, ret, n);
    return r;
}

int xstore__sriov_capacity(struct xstore_conn *c, const char *uuid,
                           int64_t *ret)
{
    store_record *rec = NULL;
    char msg[512] = "";
    int r;

    if (!uuid)
        return -ENOENT;
    r = store_get(c->st, "network_sriov", uuid, &rec);
    store_record_free(rec);
    if (r != -ENOENT)
        return 0;               /* this host's (or the store's error) */
    c->pool = pool_close(c->pool);
    r = pool_open(&c->pool, c->xs->root, msg, sizeof(msg));
    if (r <= 0)
        return -ENOENT;         /* in no pool: no such network_sriov */
    r = pool_sriov_capacity(c->pool, uuid, ret);
    return r < 0 ? r : 1;
}

static int list_refs(void *userdata, char ***ret, struct xapi_error *err)
{
    struct xstore_class *k = userdata;
    struct xstore_conn *c = NULL;
    char **uuids = NULL, **refs = NULL;
    size_t n = 0;
    int r;

    r = xstore__acquire(k->xs, "xapi", &c, err);
    if (r < 0)
        return r;
    /* The directory only: event.from counts every class each time
     * (in a pool, the class from etcd). */
    if (pool_class_mirrored(k->cls->name) || strcmp(k->cls->name, "pool") == 0) {
        store_record **v = NULL;

        r = xstore__list(k->xs, c, k->cls->name, &v, &n);
        uuids = r >= 0 ? calloc(n + 1, sizeof(*uuids)) : NULL;
        for (size_t i = 0; uuids && i < n; i++)
            if (!(uuids[i] = strdup(store_record_uuid(v[i]))))
                uuids = strv_free(uuids);
        store_record_list_free(v, n);
        if (r >= 0 && !uuids)
            r = -ENOMEM;
    } else {
        r = store_list_uuids(c->st, k->cls->name, &uuids, &n);
    }
    if (r < 0) {
        r = xapi_error_internal(err, r, "%s", store_last_error(c->st));
        goto out;
    }
    refs = calloc(n + 1, sizeof(*refs));
    for (size_t i = 0; refs && i < n; i++)
        if (asprintf(&refs[i], "%s%s", OPS_REF_PREFIX, uuids[i]) < 0) {
            refs[i] = NULL;
            refs = strv_free(refs);
        }
    if (!refs) {
        r = xapi_error_internal(err, -ENOMEM, "out of memory");
        goto out;
    }
    *ret = refs;
    r = 0;
out:
    strv_free(uuids);
    xstore__release(k->xs, c);
    return r;
}

static int get_record(void *userdata, const char *ref, struct xv **ret,
                      struct xapi_error *err)
{
    struct xstore_class *k = userdata;
    const char *uuid = xstore__ref_uuid(ref);
    struct xstore_conn *c = NULL;
    store_record *rec = NULL;
    int r;

    if (!uuid)
        return -ENOENT;
    r = xstore__acquire(k->xs, "xapi", &c, err);
    if (r < 0)
        return r;
    /* A network: the pool's object when in one (this host's copy holds
     * its own PIFs and VIFs only); out of a pool the list is the store's. */
    r = strcmp(k->cls->name, "network") == 0
            ? -ENOENT : store_get(c->st, k->cls->name, uuid, &rec);
    if (r == -ENOENT) {
        /* Another host's, in the pool's view. */
        store_record **v = NULL;
        size_t n = 0;

        if (xstore__list(k->xs, c, k->cls->name, &v, &n) >= 0)
            for (size_t i = 0; i < n; i++)
                if (strcmp(store_record_uuid(v[i]), uuid) == 0) {
                    rec = v[i];
                    v[i] = NULL;
                    r = 0;
                    break;
                }
        store_record_list_free(v, n);
    }
    if (r == -ENOENT)
        ;                       /* no such object: err stays clear */
    else if (r < 0)
        r = xapi_error_internal(err, r, "%s", store_last_error(c->st));
    else if ((r = xapi_store_record(rec, ret)) < 0)
        r = xapi_error_internal(err, r, "out of memory");
    else if ((r = xstore__decorate(k->xs, c, rec, *ret)) < 0) {
        *ret = xv_free(*ret);
        r = xapi_error_internal(err, r, "out of memory");
    }
    store_record_free(rec);
    xstore__release(k->xs, c);
    return r;
}

int xstore__all_of(struct xapi_store *xs, const char *cls,
                   xstore_build_fn build, void *userdata, struct xv **ret,
                   struct xapi_error *err)
{
    struct xstore_conn *c = NULL;
    store_record **v = NULL;
    struct xv *all = NULL;
    size_t n = 0;
    int r;

    r = xstore__acquire(xs, "xapi", &c, err);
    if (r < 0)
        return r;
    r = xstore__list(xs, c, cls, &v, &n);
    if (r < 0) {
        r = xapi_error_internal(err, r, "%s", store_last_error(c->st));
        goto out;
    }
    all = xv_new_struct();
    for (size_t i = 0; all && i < n; i++) {
        char ref[XAPI_REF_MAX];
        struct xv *rec = NULL;

        if (build(userdata, c, v[i], ref, &rec) < 0 ||
            xv_struct_append(all, ref, strlen(ref), rec) < 0)
            all = xv_free(all);
    }
    if (!all) {
        r = xapi_error_internal(err, -ENOMEM, "out of memory");
        goto out;
    }
    *ret = all;
    r = 0;
out:
    store_record_list_free(v, n);
    xstore__release(xs, c);
    return r;
}

/* A store record as its XenAPI record, under its own ref. */
static int build_record(void *userdata, struct xstore_conn *c,
                        const store_record *rec, char ref[XAPI_REF_MAX],
                        struct xv **ret)
{
    struct xstore_class *k = userdata;
    int r;

    snprintf(ref, XAPI_REF_MAX, "%s%s", OPS_REF_PREFIX,
             store_record_uuid(rec));
    r = xapi_store_record(rec, ret);
    if (r >= 0 && (r = xstore__decorate(k->xs, c, rec, *ret)) < 0)
        *ret = xv_free(*ret);
    return r;
}

/* Every record in one consistent read (get_all_records, get_by_uuid). */
static int all_records(void *userdata, struct xv **ret,
                       struct xapi_error *err)
{
    struct xstore_class *k = userdata;

    return xstore__all_of(k->xs, k->cls->name, build_record, k, ret, err);
}

/* The schema's fields, plus the ones xstore__decorate() adds. */
#define MAX_WIRE_FIELDS 128
static const char *wire_fields[XSTORE_MAX_CLASSES][MAX_WIRE_FIELDS];

const char *const *xstore__fields(const struct schema_class *c)
{
    const char *const *base = xapi_store_fields(c);
    const char *const *more = NULL;
    static const char *const host_more[] = { "metrics", "license_params",
                                             NULL };
    static const char *const pif_more[] = { "metrics", NULL };
    size_t i, n = 0;

    if (strcmp(c->name, "host") == 0)
        more = host_more;
    else if (strcmp(c->name, "PIF") == 0)
        more = pif_more;
    if (!more || !base)
        return base;
    for (i = 0; i < schema_n_classes && schema_classes[i] != c; i++)
        ;
    if (i >= XSTORE_MAX_CLASSES)
        return base;
    /* Same content on every call: racing writers write the same. */
    for (size_t k = 0; base[k] && n < MAX_WIRE_FIELDS - 1; k++)
        wire_fields[i][n++] = base[k];
    for (size_t k = 0; more[k] && n < MAX_WIRE_FIELDS - 1; k++) {
        bool have = false;

        /* license_params is a schema field too (decorate fills it). */
        for (size_t j = 0; base[j]; j++)
            have = have || strcmp(base[j], more[k]) == 0;
        if (!have)
            wire_fields[i][n++] = more[k];
    }
    wire_fields[i][n] = NULL;
    return wire_fields[i];
}

int xstore__register_classes(struct xapi_store *xs)
{
    for (size_t i = 0; i < schema_n_classes && i < XSTORE_MAX_CLASSES; i++) {
        struct xstore_class *k = &xs->classes[i];
        int r;

        k->xs = xs;
        k->cls = schema_classes[i];
        /* The store's VM records are the VMs' other_config only: the VM
         * class is vm.c's, from Xen. */
        if (strcmp(k->cls->name, "VM") == 0)
            continue;
        r = xapi_add_class(xs->api, &(struct xapi_class){
                               k->cls->name, xstore__fields(k->cls),
                               list_refs, get_record, k, all_records });
        if (r < 0)
            return r;
    }
    return 0;
}
