/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pool-wide networks (docs/pool.md): one network object for the pool at
 * <prefix>/network/<uuid> (its fields without the per-host PIFs and VIFs),
 * its bridge claimed at <prefix>/bridge/<name>, new xapiN names from
 * <prefix>/counter/network-bridge; each host holds a copy of every one in
 * its own xenstore (same uuid), so the plugin, the boot restore and every
 * host-local operation read their store alone.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "libsriov/macro.h"
#include "ops/ops.h"
#include "ops/xapi-errors.h"
#include "pool/pool-internal.h"

#define _cleanup_record_ _cleanup_(store_record_freep)
#define RETRIES 16

struct netstate {
    char uuid[37];
    int64_t rev;                /* the pool's mod_revision applied here */
    char *json;                 /* this host's copy as it was then */
};

struct pool_netsync {
    struct netstate *v;
    size_t n;
};

int pool_netsync_new(pool_netsync **ret)
{
    *ret = calloc(1, sizeof(**ret));
    return *ret ? 0 : -ENOMEM;
}

pool_netsync *pool_netsync_free(pool_netsync *s)
{
    for (size_t i = 0; s && i < s->n; i++)
        free(s->v[i].json);
    if (s)
        free(s->v);
    free(s);
    return NULL;
}

static struct netstate *state_find(pool_netsync *s, const char *uuid)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (strcmp(s->v[i].uuid, uuid) == 0)
            return &s->v[i];
    return NULL;
}

/* Remember that @p uuid's revision @p rev is here as @p json (taken). */
static int state_set(pool_netsync *s, const char *uuid, int64_t rev,
                     char *json)
{
    struct netstate *st = state_find(s, uuid), *nv;

    if (!s) {
        free(json);
        return 0;
    }
    if (!st) {
        nv = reallocarray(s->v, s->n + 1, sizeof(*nv));
        if (!nv) {
            free(json);
            return -ENOMEM;
        }
        s->v = nv;
        st = &s->v[s->n++];
        *st = (struct netstate){ .rev = 0 };
        snprintf(st->uuid, sizeof(st->uuid), "%s", uuid);
    }
    free(st->json);
    st->rev = rev;
    st->json = json;
    return 0;
}

static void state_drop(pool_netsync *s, size_t i)
{
    free(s->v[i].json);
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
    s->n--;
}

/* "<prefix>/<what><name>" */
static char *pkey(pool *p, const char *what, const char *name)
{
    char *k;

    if (asprintf(&k, "%s/%s%s", pool_get_conf(p)->prefix, what,
                 name ? name : "") < 0)
        return NULL;
    return k;
}

static int oom(pool *p)
{
    return pool__fail(p, -ENOMEM, "out of memory");
}

static int failf(pool *p, int r, const char *fmt, ...) _printf_(3, 4);
static int failf(pool *p, int r, const char *fmt, ...)
{
    char msg[640];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return pool__fail(p, r, msg);
}

static int range(pool *p, const char *what, const char *name, bool prefix,
                 struct etcd_kv **ret, size_t *n)
{
    _cleanup_free_ char *k = pkey(p, what, name);
    int r;

    *ret = NULL;
    *n = 0;
    if (!k)
        return oom(p);
    r = etcd_range(pool__etcd(p), k, prefix, ret, n, NULL);
    return r < 0 ? pool__etcd_fail(p, r) : 0;
}

/* The pool-wide part of a network record: without PIFs and VIFs (each
 * host's own). */
static char *net_json(const store_record *r)
{
    _cleanup_free_ char *full = pool__record_json(r);
    json_object *o = full ? json_tokener_parse(full) : NULL;
    char *out;

    if (!o)
        return NULL;
    json_object_object_del(o, "PIFs");
    json_object_object_del(o, "VIFs");
    out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return out;
}

/* A string field of a JSON record ("" when absent). */
static void json_field(const char *text, const char *name, char *buf,
                       size_t size)
{
    json_object *o = json_tokener_parse(text), *v;

    snprintf(buf, size, "%s",
             o && json_object_object_get_ex(o, name, &v) &&
                     json_object_is_type(v, json_type_string)
                 ? json_object_get_string(v)
                 : "");
    json_object_put(o);
}

/* The uuid a key ends with. */
static const char *key_uuid(const char *k)
{
    const char *s = strrchr(k, '/');

    return s ? s + 1 : k;
}

/* <prefix>/obj/<cls>/<host>/<uuid>: whether <host> is @p host. */
static bool key_host_is(const char *k, const char *host)
{
    const char *end = strrchr(k, '/'), *start = end;

    while (start && start > k && start[-1] != '/')
        start--;
    return end && (size_t)(end - start) == strlen(host) &&
           strncmp(start, host, strlen(host)) == 0;
}

static const struct etcd_kv *find_net(const struct etcd_kv *v, size_t n,
                                      const char *uuid);

/* ---- reads: one object per pool-wide network -------------------------- */

/* Append the members of a set(ref) field of @p text to @p *joined. */
static int add_members(const char *text, const char *field, char **joined)
{
    json_object *o = json_tokener_parse(text), *v;
    int r = 0;

    if (o && json_object_object_get_ex(o, field, &v) &&
        json_object_is_type(v, json_type_array))
        for (size_t i = 0; r >= 0 && i < json_object_array_length(v); i++) {
            const char *m = json_object_get_string(
                json_object_array_get_idx(v, i));
            char *next;

            if (asprintf(&next, "%s%s%s", *joined, **joined ? "," : "",
                         m) < 0)
                r = -ENOMEM;
            else {
                free(*joined);
                *joined = next;
            }
        }
    json_object_put(o);
    return r;
}

static int cmp_record(const void *a, const void *b)
{
    return strcmp(store_record_uuid(*(store_record *const *)a),
                  store_record_uuid(*(store_record *const *)b));
}

int pool__network_list(pool *p, store_record ***ret, size_t *n_ret)
{
    struct etcd_kv *pw = NULL, *ho = NULL, *gone = NULL;
    store_record **out = NULL;
    size_t npw = 0, nho = 0, ngone = 0, m = 0;
    int r;

    r = range(p, "network/", NULL, true, &pw, &npw);
    if (r >= 0)
        r = range(p, "obj/network/", NULL, true, &ho, &nho);
    if (r >= 0)
        r = range(p, "destroyed/", NULL, true, &gone, &ngone);
    if (r >= 0 && !(out = calloc(npw + nho + 1, sizeof(*out))))
        r = oom(p);
    /* A pool-wide network: the pool's fields, every host's PIFs and
     * VIFs (each host's copy of it holds its own). */
    for (size_t i = 0; r >= 0 && i < npw; i++) {
        _cleanup_free_ char *pifs = strdup(""), *vifs = strdup("");
        const char *uuid = key_uuid(pw[i].key);

        if (!pifs || !vifs) {
            r = oom(p);
            break;
        }
        for (size_t j = 0; r >= 0 && j < nho; j++)
            if (strcmp(key_uuid(ho[j].key), uuid) == 0) {
                r = add_members(ho[j].value, "PIFs", &pifs);
                if (r >= 0)
                    r = add_members(ho[j].value, "VIFs", &vifs);
            }
        if (r < 0) {
            r = oom(p);
            break;
        }
        if (pool__record_from_json("network", pw[i].value, &out[m]) < 0)
            continue;
        if (store_record_load_value(out[m], SF_PIFs, pifs) < 0 ||
            store_record_load_value(out[m], SF_VIFs, vifs) < 0) {
            out[m] = store_record_free(out[m]);
            continue;
        }
        m++;
    }
    /* A host's own network (made before it joined, not physical); not
     * a copy of a network the pool destroyed that its host still has
     * (its daemon destroys it). */
    for (size_t j = 0; r >= 0 && j < nho; j++) {
        bool pooled = find_net(gone, ngone, key_uuid(ho[j].key)) != NULL;

        for (size_t i = 0; i < npw && !pooled; i++)
            pooled = strcmp(key_uuid(pw[i].key), key_uuid(ho[j].key)) == 0;
        if (!pooled &&
            pool__record_from_json("network", ho[j].value, &out[m]) >= 0)
            m++;
    }
    etcd_kv_list_free(pw, npw);
    etcd_kv_list_free(ho, nho);
    etcd_kv_list_free(gone, ngone);
    if (r < 0) {
        store_record_list_free(out, m);
        return r;
    }
    qsort(out, m, sizeof(*out), cmp_record);
    *ret = out;
    *n_ret = m;
    return 0;
}

/* ---- network.create and network.destroy (struct ops_pool_hooks) ------- */

/* This host's pool, or 0 out of one. */
static int hook_pool(struct ops_ctx *ops, pool **ret, struct xapi_error *err)
{
    char msg[512] = "";
    int r = pool_open(ret, ops->pool_userdata, msg, sizeof(msg));

    return r < 0 ? xapi_error_internal(err, r, "%s", msg) : r;
}

/* etcd could not answer: what to do. */
static int refuse(pool *p, int r, const char *what, struct xapi_error *err)
{
    if (r == -ENOMEM)
        return xapi_error_internal(err, r, "out of memory");
    return xapi_error_internal(err, r, "cannot %s: the pool's store (etcd) "
                               "did not answer (%s): bring etcd back to "
                               "quorum and try again; this host's networks "
                               "work meanwhile", what, pool_last_error(p));
}

static bool in_list(char **v, const char *s)
{
    for (size_t i = 0; v && v[i]; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

/* Every bridge name the pool knows (pool-wide and each host's own
 * networks) and this host's store, NULL-terminated. */
static int taken_bridges(pool *p, store *st, char ***ret)
{
    struct etcd_kv *b = NULL, *ho = NULL;
    char **local = NULL, **v;
    size_t nb = 0, nho = 0, nl = 0, n = 0;
    int r;

    r = range(p, "bridge/", NULL, true, &b, &nb);
    if (r >= 0)
        r = range(p, "obj/network/", NULL, true, &ho, &nho);
    if (r >= 0 && store_index_values(st, "network", SF_bridge, &local,
                                     &nl) < 0)
        local = NULL, nl = 0;
    v = r >= 0 ? calloc(nb + nho + nl + 1, sizeof(*v)) : NULL;
    if (r >= 0 && !v)
        r = oom(p);
    for (size_t i = 0; v && i < nb; i++)
        v[n++] = strdup(key_uuid(b[i].key));
    for (size_t i = 0; v && i < nho; i++) {
        char br[64];

        json_field(ho[i].value, "bridge", br, sizeof(br));
        v[n++] = strdup(br);
    }
    for (size_t i = 0; v && i < nl; i++)
        v[n++] = TAKE_PTR(local[i]);
    for (size_t i = 0; v && i < n; i++)
        if (!v[i]) {
            v = strv_free(v);
            r = oom(p);
        }
    etcd_kv_list_free(b, nb);
    etcd_kv_list_free(ho, nho);
    strv_free(local);
    *ret = v;
    return r;
}

/*
 * The next xapiN free in the pool, as XAPI's choose_bridge_name
 * (xapi_network.ml `counter`): <prefix>/counter/network-bridge advanced in
 * a transaction that compares its mod_revision, so two members creating
 * at once get different names.
 */
static int next_bridge(pool *p, store *st, char ret[32])
{
    _cleanup_free_ char *kc = pkey(p, "counter/network-bridge", NULL);

    if (!kc)
        return oom(p);
    for (int attempt = 0; attempt < RETRIES; attempt++) {
        _cleanup_strv_free_ char **taken = NULL;
        struct etcd_kv *c = NULL;
        size_t nc = 0;
        int64_t next = 0, rev = 0;
        etcd_txn *t = NULL;
        char v[24];
        int r;

        r = range(p, "counter/network-bridge", NULL, false, &c, &nc);
        if (r >= 0 && nc) {
            next = strtoll(c[0].value, NULL, 10);
            rev = c[0].mod_revision;
        }
        etcd_kv_list_free(c, nc);
        if (r >= 0)
            r = taken_bridges(p, st, &taken);
        if (r < 0)
            return r;
        for (;; next++) {
            snprintf(ret, 32, "xapi%" PRId64, next);
            if (!in_list(taken, ret))
                break;
        }
        snprintf(v, sizeof(v), "%" PRId64, next + 1);
        r = etcd_txn_new(&t);
        if (r >= 0)
            r = etcd_txn_cmp_mod(t, kc, rev);
        if (r >= 0)
            r = etcd_txn_put(t, kc, v, 0);
        if (r >= 0)
            r = etcd_txn_commit(pool__etcd(p), t);
        etcd_txn_free(t);
        if (r < 0)
            return pool__etcd_fail(p, r);
        if (r > 0)
            return 1;
    }
    return failf(p, -EAGAIN, "the pool's bridge counter kept changing: "
                 "try again");
}

static int hook_bridge(struct ops_ctx *ops, const struct ops_network_args *a,
                       char ret[32], struct xapi_error *err)
{
    pool *p = NULL;
    int r = hook_pool(ops, &p, err);

    if (r <= 0)
        return r;
    if (a->bridge && *a->bridge) {
        struct etcd_kv *v = NULL;
        size_t n = 0;

        r = range(p, "bridge/", a->bridge, false, &v, &n);
        etcd_kv_list_free(v, n);
        if (r >= 0 && n)
            r = xapi_error_set(err, -EEXIST, XAPI_BRIDGE_NAME_EXISTS,
                               a->bridge, NULL);
        else if (r >= 0)
            r = snprintf(ret, 32, "%s", a->bridge) >= 0;
        else
            r = refuse(p, r, "create a pool-wide network", err);
    } else {
        r = next_bridge(p, ops->st, ret);
        if (r < 0)
            r = refuse(p, r, "create a pool-wide network", err);
    }
    pool_close(p);
    return r;
}

/* Put this host's network @p rec into the pool (its bridge claimed):
 * 1 done, 0 the bridge or uuid is the pool's already, < 0 etcd. */
static int publish(pool *p, const store_record *rec)
{
    _cleanup_free_ char *json = net_json(rec);
    _cleanup_free_ char *kn = pkey(p, "network/", store_record_uuid(rec));
    _cleanup_free_ char *kb = pkey(p, "bridge/",
                                   store_record_get(rec, SF_bridge));
    _cleanup_free_ char *kv = pkey(p, "schema-version", NULL);
    etcd_txn *t = NULL;
    int r;

    if (!json || !kn || !kb || !kv)
        return oom(p);
    r = etcd_txn_new(&t);
    if (r >= 0)
        r = etcd_txn_cmp_value(t, kv, POOL_SCHEMA_VERSION);
    if (r >= 0)
        r = etcd_txn_cmp_mod(t, kn, 0);
    if (r >= 0)
        r = etcd_txn_cmp_mod(t, kb, 0);
    if (r >= 0)
        r = etcd_txn_put(t, kn, json, 0);
    if (r >= 0)
        r = etcd_txn_put(t, kb, store_record_uuid(rec), 0);
    if (r >= 0)
        r = etcd_txn_commit(pool__etcd(p), t);
    etcd_txn_free(t);
    return r < 0 ? pool__etcd_fail(p, r) : r;
}

static int hook_created(struct ops_ctx *ops, const char *uuid,
                        struct xapi_error *err)
{
    _cleanup_record_ store_record *rec = NULL;
    pool *p = NULL;
    int r = hook_pool(ops, &p, err);

    if (r <= 0)
        return r;
    r = store_get(ops->st, "network", uuid, &rec);
    if (r < 0)
        r = xapi_error_internal(err, r, "%s", store_last_error(ops->st));
    else if ((r = publish(p, rec)) == 0)
        r = xapi_error_set(err, -EEXIST, XAPI_BRIDGE_NAME_EXISTS,
                           store_record_get(rec, SF_bridge), NULL);
    else if (r < 0)
        r = refuse(p, r, "create a pool-wide network", err);
    pool_close(p);
    return r < 0 ? r : 0;
}

/* The objects of class @p cls on other hosts than @p self whose network
 * is @p uuid: XAPI's error naming them (at most XAPI_ERROR_MAX_PARAMS). */
static int used_elsewhere(pool *p, const char *cls, const char *code,
                          const char *self, const char *uuid,
                          struct xapi_error *err)
{
    char refs[XAPI_ERROR_MAX_PARAMS][OPS_REF_SIZE];
    const char *v[XAPI_ERROR_MAX_PARAMS + 1] = { NULL };
    _cleanup_free_ char *what = NULL;
    struct etcd_kv *o = NULL;
    size_t n = 0, k = 0;
    int r;

    if (asprintf(&what, "obj/%s/", cls) < 0)
        return oom(p);
    r = range(p, what, NULL, true, &o, &n);
    for (size_t i = 0; r >= 0 && i < n && k < XAPI_ERROR_MAX_PARAMS; i++) {
        char net[64];

        json_field(o[i].value, "network", net, sizeof(net));
        if (strcmp(net, uuid) == 0 && !key_host_is(o[i].key, self))
            v[k] = ops_ref(refs[k], key_uuid(o[i].key)), k++;
    }
    etcd_kv_list_free(o, n);
    if (r < 0 || !k)
        return r;
    return xapi_error_set(err, -EBUSY, code, v[0], v[1], v[2], v[3], v[4],
                          v[5], v[6], v[7], NULL);
}

/* Remove network @p uuid from the pool (and its bridge's claim), and
 * mark it destroyed (<prefix>/destroyed/<uuid>) until no host has a copy:
 * a host whose daemon is away destroys its copy when it comes back. */
static int unpublish(pool *p, const char *uuid)
{
    _cleanup_free_ char *kn = pkey(p, "network/", uuid);
    _cleanup_free_ char *kd = pkey(p, "destroyed/", uuid);

    if (!kn || !kd)
        return oom(p);
    for (int attempt = 0; attempt < RETRIES; attempt++) {
        _cleanup_free_ char *kb = NULL;
        struct etcd_kv *v = NULL, *b = NULL;
        size_t n = 0, nb = 0;
        etcd_txn *t = NULL;
        char br[64];
        int r;

        r = range(p, "network/", uuid, false, &v, &n);
        if (r < 0 || n == 0) {
            etcd_kv_list_free(v, n);
            return r;
        }
        json_field(v[0].value, "bridge", br, sizeof(br));
        kb = pkey(p, "bridge/", br);
        r = kb ? range(p, "bridge/", br, false, &b, &nb) : oom(p);
        if (r >= 0)
            r = etcd_txn_new(&t);
        if (r >= 0)
            r = etcd_txn_cmp_mod(t, kn, v[0].mod_revision);
        if (r >= 0)
            r = etcd_txn_delete(t, kn, false);
        if (r >= 0)
            r = etcd_txn_put(t, kd, "", 0);
        if (r >= 0 && nb && strcmp(b[0].value, uuid) == 0) {
            r = etcd_txn_cmp_mod(t, kb, b[0].mod_revision);
            if (r >= 0)
                r = etcd_txn_delete(t, kb, false);
        }
        if (r >= 0)
            r = etcd_txn_commit(pool__etcd(p), t);
        etcd_txn_free(t);
        etcd_kv_list_free(v, n);
        etcd_kv_list_free(b, nb);
        if (r < 0)
            return r == -ENOMEM ? oom(p) : pool__etcd_fail(p, r);
        if (r > 0)
            return 1;
    }
    return failf(p, -EAGAIN, "network %s kept changing in the pool: try "
                 "again", uuid);
}

static int hook_destroy(struct ops_ctx *ops, const char *uuid, bool done,
                        struct xapi_error *err)
{
    char self[37];
    pool *p = NULL;
    int r = hook_pool(ops, &p, err);

    if (r <= 0)
        return r;
    if (done) {
        r = unpublish(p, uuid);
        if (r < 0)
            r = xapi_error_internal(err, r, "network %s is destroyed on "
                                    "this host but still in the pool (%s): "
                                    "run network-destroy again when etcd "
                                    "answers", uuid, pool_last_error(p));
    } else {
        struct etcd_kv *v = NULL;
        size_t n = 0;

        r = range(p, "network/", uuid, false, &v, &n);
        etcd_kv_list_free(v, n);
        if (r < 0)
            r = refuse(p, r, "destroy a network while etcd cannot say "
                       "whether it is pool-wide", err);
        else if (n == 0)
            r = 0;              /* this host's own */
        else if ((r = ops_host_uuid(ops, self, err)) >= 0 &&
                 (r = used_elsewhere(p, "PIF", XAPI_NETWORK_CONTAINS_PIF,
                                     self, uuid, err)) >= 0 &&
                 (r = used_elsewhere(p, "VIF", XAPI_NETWORK_CONTAINS_VIF,
                                     self, uuid, err)) >= 0)
            r = 1;
        else if (!xapi_error_is_set(err))
            r = refuse(p, r, "destroy a pool-wide network", err);
    }
    pool_close(p);
    return r;
}

const struct ops_pool_hooks pool_network_hooks = {
    .network_bridge = hook_bridge,
    .network_created = hook_created,
    .network_destroy = hook_destroy,
};

/* ---- each host's copies (xen-sriovd, pool-join) ----------------------- */

struct apply {
    const char *uuid;
    const char *json;           /* the pool's record */
    const store_record *from;   /* merge: this host's network it replaces */
};

/* Make this host's copy of a pool-wide network the pool's record (its
 * PIFs and VIFs are this host's: kept). */
static int apply_fields(store_tx *tx, const struct apply *a)
{
    _cleanup_record_ store_record *want = NULL, *cur = NULL;
    const struct schema_class *c;
    int r;

    r = pool__record_from_json("network", a->json, &want);
    if (r < 0)
        return store_tx_fail(tx, r, "the pool's network %s is not a "
                             "record this version reads", a->uuid);
    r = store_tx_get(tx, "network", a->uuid, &cur);
    if (r == -ENOENT)
        return store_tx_create(tx, want);
    if (r < 0)
        return r;
    c = store_record_class(cur);
    for (size_t i = 1; i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];
        enum schema_fid fid = schema_field_fid(f);
        const char *w, *now;

        if (!schema_field_stored(f) || f->type == SCHEMA_SET_REF)
            continue;           /* PIFs, VIFs: this host's */
        if (f->type == SCHEMA_MAP) {
            for (size_t k = store_record_map_count(cur, fid); r >= 0 && k--;)
                if (!store_record_map_get(want, fid,
                                          store_record_map_key(cur, fid, k)))
                    r = store_record_map_put(cur, fid,
                                             store_record_map_key(cur, fid,
                                                                  k),
                                             NULL);
            for (size_t k = 0; r >= 0 && k < store_record_map_count(want,
                                                                   fid); k++) {
                const char *key = store_record_map_key(want, fid, k);
                const char *val = store_record_map_value(want, fid, k);

                now = store_record_map_get(cur, fid, key);
                if (!now || strcmp(now, val) != 0)
                    r = store_record_map_put(cur, fid, key, val);
            }
            continue;
        }
        w = store_record_get(want, fid);
        now = store_record_get(cur, fid);
        if (r >= 0 && w && (!now || strcmp(now, w) != 0))
            r = store_record_set(cur, fid, w);
    }
    return r < 0 ? r : store_tx_update(tx, cur);
}

/* Point every PIF and VIF of this host's network a->from at the pool's
 * network, and destroy it (pool-join: XAPI's create_or_get_network_on_
 * master, xapi_pool.ml:1293, matches physical networks by bridge). */
static int merge_fn(store_tx *tx, void *userdata)
{
    const struct apply *a = userdata;
    static const char *const cls[] = { "PIF", "VIF" };
    static const enum schema_fid sets[] = { SF_PIFs, SF_VIFs };
    int r = apply_fields(tx, a);

    for (size_t c = 0; r >= 0 && c < ELEMENTSOF(cls); c++)
        for (size_t i = 0; r >= 0 &&
                           i < store_record_set_count(a->from, sets[c]); i++) {
            _cleanup_record_ store_record *o = NULL;

            r = store_tx_get(tx, cls[c],
                             store_record_set_member(a->from, sets[c], i),
                             &o);
            if (r >= 0)
                r = store_record_set(o, SF_network, a->uuid);
            if (r >= 0)
                r = store_tx_update(tx, o);
        }
    if (r >= 0)
        r = store_tx_destroy(tx, "network", store_record_uuid(a->from));
    return r;
}

static int apply_fn(store_tx *tx, void *userdata)
{
    return apply_fields(tx, userdata);
}

/* Whether a network of this host joins a physical PIF. */
static bool physical(store *st, const store_record *net)
{
    for (size_t i = 0; i < store_record_set_count(net, SF_PIFs); i++) {
        _cleanup_record_ store_record *pif = NULL;

        if (store_get(st, "PIF", store_record_set_member(net, SF_PIFs, i),
                      &pif) >= 0 &&
            strcmp(store_record_get(pif, SF_physical) ?: "", "true") == 0)
            return true;
    }
    return false;
}

static const struct etcd_kv *find_net(const struct etcd_kv *v, size_t n,
                                      const char *uuid)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(key_uuid(v[i].key), uuid) == 0)
            return &v[i];
    return NULL;
}

static const store_record *find_local(store_record **v, size_t n,
                                      const char *uuid)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(store_record_uuid(v[i]), uuid) == 0)
            return v[i];
    return NULL;
}

/* This host's copy of @p uuid as JSON now (NULL: none). */
static char *local_json(store *st, const char *uuid)
{
    _cleanup_record_ store_record *rec = NULL;

    return store_get(st, "network", uuid, &rec) >= 0 ? net_json(rec)
                                                     : NULL;
}

/* Put this host's change of pool-wide network @p uuid into the pool, if
 * nobody changed it there since @p rev: 1 put, 0 the pool's changed. */
static int push(pool *p, const char *uuid, int64_t rev, const char *json,
                int64_t *ret_rev)
{
    _cleanup_free_ char *kn = pkey(p, "network/", uuid);
    struct etcd_kv *v = NULL;
    etcd_txn *t = NULL;
    size_t n = 0;
    int r;

    if (!kn)
        return oom(p);
    r = etcd_txn_new(&t);
    if (r >= 0)
        r = etcd_txn_cmp_mod(t, kn, rev);
    if (r >= 0)
        r = etcd_txn_put(t, kn, json, 0);
    if (r >= 0)
        r = etcd_txn_commit(pool__etcd(p), t);
    etcd_txn_free(t);
    if (r == -E2BIG)
        return failf(p, r, "network %s is %zu bytes, more than etcd takes "
                     "in one request: its change stays on this host until "
                     "it is smaller (its other-config?)", uuid,
                     strlen(json));
    if (r <= 0)
        return r < 0 ? pool__etcd_fail(p, r) : 0;
    /* Its revision, unless someone changed it again already (then the
     * next round applies theirs). */
    *ret_rev = 0;
    if (range(p, "network/", uuid, false, &v, &n) >= 0 && n &&
        strcmp(v[0].value, json) == 0)
        *ret_rev = v[0].mod_revision;
    etcd_kv_list_free(v, n);
    return 1;
}

/* The networks the pool destroyed (<prefix>/destroyed/): this host's
 * copies destroyed; a mark no host's copy needs any more removed. */
static int destroyed(pool *p, store *st, store_record **loc, size_t nloc,
                     int *changes, int *late)
{
    struct etcd_kv *gone = NULL, *ho = NULL;
    size_t ngone = 0, nho = 0;
    int r;

    r = range(p, "destroyed/", NULL, true, &gone, &ngone);
    if (r >= 0 && ngone)
        r = range(p, "obj/network/", NULL, true, &ho, &nho);
    for (size_t i = 0; r >= 0 && i < ngone; i++) {
        const char *uuid = key_uuid(gone[i].key);
        struct ops_ctx ops = { .st = st };
        struct xapi_error err = XAPI_ERROR_INIT;
        etcd_txn *t = NULL;

        if (find_local(loc, nloc, uuid)) {
            if (ops_network_destroy_here(&ops, uuid, &err) < 0)
                *late = failf(p, -EBUSY, "network %s was destroyed in the "
                              "pool but this host uses it (%s): destroy its "
                              "VIFs and network-sriovs here", uuid,
                              err.code ? err.code : "");
            else
                (*changes)++;
            xapi_error_clear(&err);
            continue;
        }
        if (find_net(ho, nho, uuid))
            continue;           /* another host's copy: its daemon's */
        r = etcd_txn_new(&t);
        if (r >= 0)
            r = etcd_txn_cmp_mod(t, gone[i].key, gone[i].mod_revision);
        if (r >= 0)
            r = etcd_txn_delete(t, gone[i].key, false);
        if (r >= 0)
            r = etcd_txn_commit(pool__etcd(p), t);
        etcd_txn_free(t);
        r = r < 0 ? pool__etcd_fail(p, r) : 0;
    }
    etcd_kv_list_free(gone, ngone);
    etcd_kv_list_free(ho, nho);
    return r;
}

int pool_network_sync(pool *p, store *st, const char *host_uuid,
                      pool_netsync *s)
{
    struct etcd_kv *pw = NULL;
    store_record **loc = NULL;
    size_t npw = 0, nloc = 0;
    int r, changes = 0, late = 0;

    (void)host_uuid;
    r = range(p, "network/", NULL, true, &pw, &npw);
    if (r < 0)
        return r;
    r = store_list(st, "network", NULL, 0, STORE_LIST_SKIP_INVALID, &loc,
                   &nloc);
    if (r < 0) {
        etcd_kv_list_free(pw, npw);
        return failf(p, r, "%s", store_last_error(st));
    }

    /* This host's physical networks: onto the pool's network of the same
     * bridge, or made pool-wide. */
    for (size_t i = 0; i < nloc; i++) {
        const char *uuid = store_record_uuid(loc[i]);
        const char *br = store_record_get(loc[i], SF_bridge) ?: "";
        const struct etcd_kv *same = NULL;

        if (find_net(pw, npw, uuid) || !*br || !physical(st, loc[i]))
            continue;
        for (size_t k = 0; k < npw && !same; k++) {
            char b[64];

            json_field(pw[k].value, "bridge", b, sizeof(b));
            if (strcmp(b, br) == 0)
                same = &pw[k];
        }
        if (same) {
            struct apply a = { key_uuid(same->key), same->value, loc[i] };

            r = store_transact(st, merge_fn, &a);
            if (r < 0)
                late = failf(p, r, "cannot move this host's network %s "
                             "onto the pool's %s (bridge %s): %s", uuid,
                             a.uuid, br, store_last_error(st));
            else
                changes++;
        } else {
            r = publish(p, loc[i]);
            if (r < 0)
                goto out;
            changes += r;       /* 0: another host's came first: merged
                                 * at the next round */
        }
    }
    if (changes) {
        /* What the pool holds now. */
        etcd_kv_list_free(pw, npw);
        store_record_list_free(loc, nloc);
        pw = NULL, loc = NULL, npw = nloc = 0;
        r = range(p, "network/", NULL, true, &pw, &npw);
        if (r >= 0 && store_list(st, "network", NULL, 0,
                                 STORE_LIST_SKIP_INVALID, &loc, &nloc) < 0)
            r = failf(p, -EIO, "%s", store_last_error(st));
        if (r < 0)
            goto out;
    }

    /* Every pool-wide network here, as the pool has it; a change made
     * here since it was applied goes to the pool. */
    for (size_t k = 0; k < npw; k++) {
        const char *uuid = key_uuid(pw[k].key);
        struct netstate *ns = state_find(s, uuid);
        const store_record *here = find_local(loc, nloc, uuid);
        _cleanup_free_ char *now = here ? net_json(here) : NULL;
        struct apply a = { uuid, pw[k].value, NULL };
        int64_t rev = 0;

        /*
         * Seen here for the first time (this daemon's start, or the
         * network just made here): the pool's record never changed since
         * it was made and this copy differs, so the copy changed since
         * (network-param-set right after network-create): it goes to the
         * pool.  Otherwise the pool's wins.
         */
        bool fresh = here && !ns && now &&
                     pw[k].mod_revision == pw[k].create_revision &&
                     strcmp(now, pw[k].value) != 0;

        if (fresh || (here && ns && ns->rev == pw[k].mod_revision)) {
            if (!fresh && (!now || !ns->json || strcmp(now, ns->json) == 0))
                continue;       /* unchanged on both sides */
            r = push(p, uuid, pw[k].mod_revision, now, &rev);
            if (r < 0 && r != -E2BIG)
                goto out;
            if (r == -E2BIG)
                late = r;
            if (r > 0) {
                changes++;
                r = state_set(s, uuid, rev, TAKE_PTR(now));
                if (r < 0)
                    goto out;
            }
            continue;           /* 0: the pool's changed: applied next */
        }
        if (!here) {
            char br[64];
            _cleanup_free_ char **same = NULL;
            size_t n_same = 0;

            /* A bridge this host's own network has: not made here (two
             * networks on one Linux bridge). */
            json_field(pw[k].value, "bridge", br, sizeof(br));
            if (*br && store_index_values(st, "network", SF_bridge,
                                          &same, &n_same) >= 0) {
                bool clash = false;

                for (size_t i = 0; i < n_same; i++) {
                    clash = clash || strcmp(same[i], br) == 0;
                    free(same[i]);
                }
                if (clash) {
                    late = failf(p, -EEXIST, "the pool's network %s has "
                                 "bridge %s, which a network of this host "
                                 "has: destroy this host's or give it "
                                 "another bridge", uuid, br);
                    continue;
                }
            }
        }
        if (!now || !ns || ns->rev != pw[k].mod_revision) {
            r = store_transact(st, apply_fn, &a);
            if (r < 0) {
                late = failf(p, r, "cannot make the pool's network %s "
                             "here: %s", uuid, store_last_error(st));
                continue;
            }
            free(now);
            now = local_json(st, uuid);
            if (!here || !ns || !ns->json || !now ||
                strcmp(now, ns->json) != 0)
                changes++;
            r = state_set(s, uuid, pw[k].mod_revision, TAKE_PTR(now));
            if (r < 0)
                goto out;
        }
    }

    /* Destroyed in the pool: destroyed here unless this host uses it. */
    r = destroyed(p, st, loc, nloc, &changes, &late);
    if (r < 0)
        goto out;
    for (size_t i = 0; s && i < s->n;)
        if (find_net(pw, npw, s->v[i].uuid))
            i++;
        else
            state_drop(s, i);
    r = 0;
out:
    etcd_kv_list_free(pw, npw);
    store_record_list_free(loc, nloc);
    if (r < 0)
        return r == -ENOMEM ? oom(p) : r;
    return late < 0 ? late : changes;
}
