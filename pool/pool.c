/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pool's view in etcd: join, mirror, liveness, lists, eject
 * (pool/pool.h, docs/pool.md). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "libsriov/macro.h"
#include "pool/etcd.h"
#include "pool/pool.h"
#include "pool/pool-internal.h"

#define _cleanup_record_ _cleanup_(store_record_freep)

/* etcd's default --max-txn-ops is 128; leave room for the compares. */
#define TXN_OPS 100
/* etcd's default --max-request-bytes is 1.5 MiB per request: a
 * transaction carries at most this much of keys and values at first (one
 * record larger than that goes alone, and etcd may refuse it: -E2BIG),
 * halved down to TXN_BYTES_MIN while etcd refuses (members started with
 * a smaller limit). */
#define TXN_BYTES (1024 * 1024)
#define TXN_BYTES_MIN (16 * 1024)
#define RETRIES 16

/* This host's keys of some classes as the last mirror left them (key,
 * value, mod_revision), so that a round reads nothing: valid after a
 * mirror that committed all it wanted, read again after a failure and
 * every MIRROR_READ_EVERY rounds (a key changed behind it). */
struct mirror_cache {
    struct etcd_kv *have;
    size_t n_have;
    bool valid;
    unsigned rounds;
};

struct pool {
    struct pool_conf conf;      /* owned copy */
    etcd *e;
    size_t txn_bytes;           /* TXN_BYTES, or less (mirror_once) */
    pool_capacity_fn capacity;  /* pool_set_capacity() */
    void *capacity_userdata;
    struct mirror_cache objs;   /* pool_mirror's classes */
    struct mirror_cache vms;    /* pool_mirror_vms' */
    char error[640];
};

#define MIRROR_READ_EVERY 10

const char *const pool_classes[] = {
    "host", "network", "PIF", "PCI", "network_sriov", "VIF", NULL
};
#define POOL_N_CLASSES (sizeof(pool_classes) / sizeof(*pool_classes) - 1)

bool pool_class_mirrored(const char *cls)
{
    for (size_t i = 0; pool_classes[i]; i++)
        if (strcmp(pool_classes[i], cls) == 0)
            return true;
    return false;
}

static int fail(pool *p, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(pool *p, int r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p->error, sizeof(p->error), fmt, ap);
    va_end(ap);
    return r;
}

/* An etcd failure, its message kept. */
static int etcd_fail(pool *p, int r)
{
    if (r == -ENOMEM)
        return fail(p, r, "out of memory");
    return fail(p, r, "%s", etcd_last_error(p->e));
}

const char *pool_last_error(const pool *p)
{
    return p->error;
}

const struct pool_conf *pool_get_conf(const pool *p)
{
    return &p->conf;
}

uint64_t pool_requests(const pool *p)
{
    return etcd_requests(p->e);
}

static int copy_conf(struct pool_conf *dst, const struct pool_conf *src)
{
    size_t n = 0;

    while (src->endpoints && src->endpoints[n])
        n++;
    dst->endpoints = calloc(n + 1, sizeof(char *));
    if (!dst->endpoints)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (!(dst->endpoints[i] = strdup(src->endpoints[i])))
            return -ENOMEM;
    dst->prefix = strdup(src->prefix ? src->prefix : POOL_DEFAULT_PREFIX);
    dst->lease_ttl = src->lease_ttl ? src->lease_ttl
                                    : POOL_DEFAULT_LEASE_TTL;
    if (!dst->prefix || (src->cacert && !(dst->cacert = strdup(src->cacert))) ||
        (src->cert && !(dst->cert = strdup(src->cert))) ||
        (src->key && !(dst->key = strdup(src->key))))
        return -ENOMEM;
    return 0;
}

int pool_open_conf(pool **ret, const struct pool_conf *c, char *errbuf,
                   size_t errbuf_size)
{
    struct etcd_tls tls;
    pool *p = calloc(1, sizeof(*p));
    int r;

    if (p)
        p->txn_bytes = TXN_BYTES;
    if (!p || copy_conf(&p->conf, c) < 0) {
        snprintf(errbuf, errbuf_size, "out of memory");
        pool_close(p);
        return -ENOMEM;
    }
    tls = (struct etcd_tls){ p->conf.cacert, p->conf.cert, p->conf.key };
    r = etcd_new(&p->e, (const char *const *)p->conf.endpoints, &tls, 0,
                 errbuf, errbuf_size);
    if (r < 0) {
        pool_close(p);
        return r;
    }
    *ret = p;
    return 1;
}

int pool_open(pool **ret, const char *root, char *errbuf,
              size_t errbuf_size)
{
    struct pool_conf c = { 0 };
    int r;

    *ret = NULL;
    r = pool_conf_load(root, &c, errbuf, errbuf_size);
    if (r <= 0)
        return r;
    r = pool_open_conf(ret, &c, errbuf, errbuf_size);
    pool_conf_done(&c);
    return r;
}

pool *pool_close(pool *p)
{
    if (!p)
        return NULL;
    etcd_free(p->e);
    pool_conf_done(&p->conf);
    etcd_kv_list_free(p->objs.have, p->objs.n_have);
    etcd_kv_list_free(p->vms.have, p->vms.n_have);
    free(p);
    return NULL;
}

/* ---- keys -------------------------------------------------------------- */

static char *key(pool *p, const char *fmt, ...) _printf_(2, 3);
static char *key(pool *p, const char *fmt, ...)
{
    _cleanup_free_ char *tail = NULL;
    char *k = NULL;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&tail, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    if (asprintf(&k, "%s/%s", p->conf.prefix, tail) < 0)
        return NULL;
    return k;
}

/* The last '/'-separated part of a key, and the one before it. */
static const char *key_part(const char *k, int from_end, char buf[64])
{
    const char *end = k + strlen(k), *start;

    for (int i = 0; i < from_end; i++) {
        end = end > k ? end - 1 : k;
        while (end > k && *end != '/')
            end--;
    }
    start = end;
    while (start > k && start[-1] != '/')
        start--;
    snprintf(buf, 64, "%.*s", (int)(end - start), start);
    return buf;
}

/* Read the key (a prefix: every key under it) that fmt names; etcd's
 * failure reported. */
static int range_at(pool *p, bool prefix, struct etcd_kv **ret, size_t *n,
                    const char *fmt, ...) _printf_(5, 6);
static int range_at(pool *p, bool prefix, struct etcd_kv **ret, size_t *n,
                    const char *fmt, ...)
{
    _cleanup_free_ char *tail = NULL, *k = NULL;
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&tail, fmt, ap);
    va_end(ap);
    if (r < 0 || asprintf(&k, "%s/%s", p->conf.prefix, tail) < 0)
        return fail(p, -ENOMEM, "out of memory");
    r = etcd_range(p->e, k, prefix, ret, n, NULL);
    return r < 0 ? etcd_fail(p, r) : 0;
}

/* ---- records as JSON --------------------------------------------------- */

/* The record as JSON; with @p capacity, a network_sriov's
 * remaining_capacity too (computed by its host, not stored). */
static char *record_json_capacity(const store_record *r,
                                  const int64_t *capacity)
{
    const struct schema_class *c = store_record_class(r);
    json_object *o = json_object_new_object();
    char *out = NULL;

    if (!o)
        return NULL;
    json_object_object_add(o, "uuid",
                           json_object_new_string(store_record_uuid(r)));
    for (size_t i = 1; i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];
        enum schema_fid fid = schema_field_fid(f);
        json_object *v;

        if (!schema_field_stored(f))
            continue;
        if (f->type == SCHEMA_MAP) {
            v = json_object_new_object();
            for (size_t k = 0; v && k < store_record_map_count(r, fid); k++)
                json_object_object_add(v, store_record_map_key(r, fid, k),
                                       json_object_new_string(
                                           store_record_map_value(r, fid,
                                                                  k)));
        } else if (f->type == SCHEMA_SET_REF) {
            v = json_object_new_array();
            for (size_t k = 0; v && k < store_record_set_count(r, fid); k++)
                json_object_array_add(v, json_object_new_string(
                                             store_record_set_member(r, fid,
                                                                     k)));
        } else {
            const char *s = store_record_get(r, fid);

            if (!s)
                continue;       /* absent: the reader's default */
            v = json_object_new_string(s);
        }
        json_object_object_add(o, f->name, v);
    }
    if (capacity)
        json_object_object_add(o, "remaining_capacity",
                               json_object_new_int64(*capacity));
    out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return out;
}

static char *record_json(const store_record *r)
{
    return record_json_capacity(r, NULL);
}

static int record_from_json(const char *cls, const char *text,
                            store_record **ret)
{
    _cleanup_record_ store_record *r = NULL;
    json_object *o = json_tokener_parse(text), *v;
    int k = -EBADMSG;

    if (!o || !json_object_is_type(o, json_type_object) ||
        !json_object_object_get_ex(o, "uuid", &v))
        goto out;
    k = store_record_new(&r, cls);
    if (k >= 0)
        k = store_record_set_uuid(r, json_object_get_string(v));
    if (k < 0)
        goto out;
    json_object_object_foreach(o, name, val) {
        const struct schema_field *f =
            schema_field_find(store_record_class(r), name);
        enum schema_fid fid = f ? schema_field_fid(f) : SF_NONE;

        if (!f || strcmp(name, "uuid") == 0 || !schema_field_stored(f))
            continue;           /* a newer writer's field: skipped */
        if (f->type == SCHEMA_MAP && json_object_is_type(val, json_type_object)) {
            json_object_object_foreach(val, mk, mv)
                if ((k = store_record_map_put(r, fid, mk,
                                              json_object_get_string(mv))) < 0)
                    goto out;
        } else if (f->type == SCHEMA_SET_REF &&
                   json_object_is_type(val, json_type_array)) {
            for (size_t i = 0; i < json_object_array_length(val); i++) {
                const char *m = json_object_get_string(
                    json_object_array_get_idx(val, i));
                const char *now = store_record_get(r, fid);
                _cleanup_free_ char *joined = NULL;

                if (asprintf(&joined, "%s%s%s", now ? now : "",
                             now && *now ? "," : "", m) < 0) {
                    k = -ENOMEM;
                    goto out;
                }
                if ((k = store_record_load_value(r, fid, joined)) < 0)
                    goto out;
            }
            if (json_object_array_length(val) == 0 &&
                (k = store_record_load_value(r, fid, "")) < 0)
                goto out;
        } else if (json_object_is_type(val, json_type_string)) {
            if ((k = store_record_load_value(r, fid,
                                             json_object_get_string(val))) < 0)
                goto out;
        }
    }
    *ret = TAKE_PTR(r);
    k = 0;
out:
    json_object_put(o);
    return k;
}

/* ---- join -------------------------------------------------------------- */

/* The pool's schema version: 1 ours, 0 none yet, -EPROTO another. */
static int check_version(pool *p)
{
    struct etcd_kv *kv = NULL;
    size_t n = 0;
    int r;

    r = range_at(p, false, &kv, &n, "schema-version");
    if (r < 0)
        return r;
    if (n == 0)
        r = 0;
    else if (strcmp(kv[0].value, POOL_SCHEMA_VERSION) == 0)
        r = 1;
    else
        r = fail(p, -EPROTO, "the pool at %s has schema version %s, this "
                 "host speaks %s: upgrade xen-sriov on the older hosts",
                 p->conf.prefix, kv[0].value, POOL_SCHEMA_VERSION);
    etcd_kv_list_free(kv, n);
    return r;
}

/* Make the pool: version and pool record, unless someone did first. */
static int create_pool(pool *p, const char *host_uuid)
{
    _cleanup_free_ char *kv = key(p, "schema-version"), *kp = key(p, "pool");
    _cleanup_free_ char *json = NULL;
    _cleanup_record_ store_record *rec = NULL;
    etcd_txn *t = NULL;
    char uuid[37];
    int r;

    if (!kv || !kp)
        return fail(p, -ENOMEM, "out of memory");
    r = store_uuid_new(uuid);
    if (r >= 0)
        r = store_record_new(&rec, "pool");
    if (r >= 0)
        r = store_record_set_uuid(rec, uuid);
    if (r >= 0)
        r = store_record_set(rec, SF_master, host_uuid);
    if (r < 0)
        return fail(p, r, "cannot make the pool record: %s", strerror(-r));
    json = record_json(rec);
    r = json ? etcd_txn_new(&t) : -ENOMEM;
    if (r >= 0)
        r = etcd_txn_cmp_mod(t, kv, 0);
    if (r >= 0)
        r = etcd_txn_put(t, kv, POOL_SCHEMA_VERSION, 0);
    if (r >= 0)
        r = etcd_txn_put(t, kp, json, 0);
    if (r >= 0)
        r = etcd_txn_commit(p->e, t);
    etcd_txn_free(t);
    return r < 0 ? etcd_fail(p, r) : 0;  /* 0: made by another host */
}

int pool_join(pool *p, store *st, const char *host_uuid)
{
    _cleanup_free_ char *ke = key(p, "eject/%s", host_uuid);
    etcd_txn *t = NULL;
    int r;

    if (!ke)
        return fail(p, -ENOMEM, "out of memory");
    r = check_version(p);
    if (r == 0)
        r = create_pool(p, host_uuid);
    if (r >= 0)
        r = check_version(p);
    if (r < 0)
        return r;
    r = etcd_txn_new(&t);
    if (r >= 0)
        r = etcd_txn_delete(t, ke, false);
    if (r >= 0)
        r = etcd_txn_commit(p->e, t);
    etcd_txn_free(t);
    if (r < 0)
        return etcd_fail(p, r);
    /* This host's physical networks onto the pool's (pool-network.c). */
    r = pool_network_sync(p, st, host_uuid, NULL);
    if (r >= 0)
        r = pool_mirror(p, st, host_uuid);
    return r < 0 ? r : 0;
}

/* ---- mirror ------------------------------------------------------------ */

struct want {
    char *key;
    char *value;
};

static void wants_free(struct want *w, size_t n)
{
    for (size_t i = 0; w && i < n; i++) {
        free(w[i].key);
        free(w[i].value);
    }
    free(w);
}

void pool_set_capacity(pool *p, pool_capacity_fn fn, void *userdata)
{
    p->capacity = fn;
    p->capacity_userdata = userdata;
}

/* A network_sriov's remaining capacity as its host sees it, for its
 * mirrored record (NULL: none to add, or the host cannot tell now). */
static const int64_t *mirror_capacity(pool *p, const char *cls,
                                      const store_record *r, int64_t *buf)
{
    if (!p->capacity || strcmp(cls, "network_sriov") != 0 ||
        p->capacity(p->capacity_userdata, store_record_uuid(r), buf) < 0)
        return NULL;
    return buf;
}

/* What etcd should hold for this host: one key per local object. */
static int local_wants(pool *p, store *st, const char *host_uuid,
                       struct want **ret, size_t *n_ret)
{
    struct want *w = NULL;
    size_t n = 0;
    int64_t cap = 0;
    int r = 0;

    for (size_t c = 0; r >= 0 && pool_classes[c]; c++) {
        store_record **v = NULL;
        size_t m = 0;

        r = store_list(st, pool_classes[c], NULL, 0, STORE_LIST_SKIP_INVALID,
                       &v, &m);
        if (r < 0) {
            r = fail(p, r, "%s", store_last_error(st));
            break;
        }
        for (size_t i = 0; r >= 0 && i < m; i++) {
            struct want *g;

            /* This host's record only: others' belong to their hosts. */
            if (strcmp(pool_classes[c], "host") == 0 &&
                strcmp(store_record_uuid(v[i]), host_uuid) != 0)
                continue;
            g = realloc(w, (n + 1) * sizeof(*w));
            if (!g) {
                r = -ENOMEM;
                break;
            }
            w = g;
            w[n].key = key(p, "obj/%s/%s/%s", pool_classes[c], host_uuid,
                           store_record_uuid(v[i]));
            w[n].value = record_json_capacity(v[i],
                                              mirror_capacity(p, pool_classes[c],
                                                              v[i], &cap));
            n++;
            if (!w[n - 1].key || !w[n - 1].value)
                r = -ENOMEM;
        }
        store_record_list_free(v, m);
    }
    if (r < 0) {
        wants_free(w, n);
        return r == -ENOMEM ? fail(p, r, "out of memory") : r;
    }
    *ret = w;
    *n_ret = n;
    return 0;
}

/* etcd's keys of this host, of the classes given (one range per
 * class). */
static int remote_have(pool *p, const char *host_uuid,
                       const char *const *classes, struct etcd_kv **ret,
                       size_t *n_ret)
{
    struct etcd_kv *all = NULL;
    size_t n = 0;

    for (size_t c = 0; classes[c]; c++) {
        struct etcd_kv *v = NULL, *g;
        size_t m = 0;
        int r;

        r = range_at(p, true, &v, &m, "obj/%s/%s/", classes[c],
                     host_uuid);
        if (r >= 0 && m) {
            g = realloc(all, (n + m) * sizeof(*all));
            if (!g) {
                etcd_kv_list_free(v, m);
                r = -ENOMEM;
            } else {
                all = g;
                memcpy(all + n, v, m * sizeof(*v));
                n += m;
                free(v);
            }
        }
        if (r < 0) {
            etcd_kv_list_free(all, n);
            return r == -ENOMEM ? fail(p, r, "out of memory") : r;
        }
    }
    *ret = all;
    *n_ret = n;
    return 0;
}

static const struct etcd_kv *find_kv(const struct etcd_kv *v, size_t n,
                                     const char *k)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].key, k) == 0)
            return &v[i];
    return NULL;
}

static bool wanted(const struct want *w, size_t n, const char *k)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w[i].key, k) == 0)
            return true;
    return false;
}

/* What etcd holds of this host after a mirror that committed: every
 * wanted key with the value val[i] at the revision rev[i] (0: not there,
 * a new record etcd refused), as c->have. */
static int remember_have(struct mirror_cache *c, const struct want *w,
                         size_t nw,
                         const char *const *val, const int64_t *rev)
{
    struct etcd_kv *v = calloc(nw + 1, sizeof(*v));
    size_t n = 0;

    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < nw; i++) {
        if (!rev[i])
            continue;
        v[n].key = strdup(w[i].key);
        v[n].value = strdup(val[i]);
        v[n].mod_revision = rev[i];
        if (!v[n].key || !v[n++].value) {
            etcd_kv_list_free(v, n);
            return -ENOMEM;
        }
    }
    etcd_kv_list_free(c->have, c->n_have);
    c->have = v;
    c->n_have = n;
    c->valid = true;
    return 0;
}

/* One pass: 1 done, 0 a compare failed (read again), < 0 failure.
 * Done, c->have is what etcd holds of this host. */
static int mirror_once(pool *p, struct mirror_cache *c,
                       const char *host_uuid, const struct want *w,
                       size_t nw, const struct etcd_kv *have, size_t nh,
                       int *changed)
{
    _cleanup_free_ char *kv = key(p, "schema-version");
    _cleanup_free_ char *ke = key(p, "eject/%s", host_uuid);
    _cleanup_free_ int64_t *rev = calloc(nw + 1, sizeof(*rev));
    _cleanup_free_ const char **val = calloc(nw + 1, sizeof(*val));
    _cleanup_free_ size_t *in_txn = calloc(TXN_OPS + 1, sizeof(*in_txn));
    etcd_txn *t = NULL;
    int r = 0, ok = 1, big = 0;
    size_t i = 0, j = 0, bytes, puts, put_at = 0;

    if (!kv || !ke || !rev || !val || !in_txn)
        return fail(p, -ENOMEM, "out of memory");
    *changed = 0;
    c->valid = false;           /* until this pass is done */
    while (r >= 0 && ok && (i < nw || j < nh)) {
        bytes = puts = 0;
        r = etcd_txn_new(&t);
        if (r >= 0)
            r = etcd_txn_cmp_value(t, kv, POOL_SCHEMA_VERSION);
        /* An ejected host writes nothing back (pool-eject wins a race
         * with a round in flight). */
        if (r >= 0)
            r = etcd_txn_cmp_mod(t, ke, 0);
        for (; r >= 0 && i < nw && etcd_txn_ops(t) < TXN_OPS; i++) {
            const struct etcd_kv *h = find_kv(have, nh, w[i].key);
            size_t size = strlen(w[i].key) + strlen(w[i].value);

            if (h && strcmp(h->value, w[i].value) == 0) {
                rev[i] = h->mod_revision;
                val[i] = h->value;
                continue;
            }
            /* Within etcd's request limit: a large record starts a
             * transaction of its own. */
            if (etcd_txn_ops(t) && bytes + size > p->txn_bytes)
                break;
            bytes += size;
            in_txn[puts++] = i;
            put_at = i;
            r = etcd_txn_cmp_mod(t, w[i].key, h ? h->mod_revision : 0);
            if (r >= 0)
                r = etcd_txn_put(t, w[i].key, w[i].value, 0);
        }
        for (; r >= 0 && i >= nw && j < nh && etcd_txn_ops(t) < TXN_OPS;
             j++) {
            if (wanted(w, nw, have[j].key))
                continue;
            r = etcd_txn_cmp_mod(t, have[j].key, have[j].mod_revision);
            if (r >= 0)
                r = etcd_txn_delete(t, have[j].key, false);
        }
        if (r >= 0 && etcd_txn_ops(t)) {
            *changed += (int)etcd_txn_ops(t);
            r = etcd_txn_commit(p->e, t);
            if (r == -E2BIG && puts == 1 && etcd_txn_ops(t) == 1) {
                /* One record over etcd's limit: the others are still
                 * mirrored, and the failure is said at the end.  etcd
                 * keeps the record's last copy, if any. */
                const struct etcd_kv *old = find_kv(have, nh,
                                                    w[put_at].key);

                if (old) {
                    rev[put_at] = old->mod_revision;
                    val[put_at] = old->value;
                }
                big = fail(p, r, "%s is %zu bytes, more than etcd takes "
                           "in one request: shrink the object (its "
                           "other-config?) or see why: %s", w[put_at].key,
                           strlen(w[put_at].value), etcd_last_error(p->e));
                *changed -= 1;
                r = 0;
            } else if (r == -E2BIG && p->txn_bytes > TXN_BYTES_MIN) {
                /* Several records over etcd's limit: smaller
                 * transactions, from a fresh read. */
                p->txn_bytes /= 2;
                *changed -= (int)etcd_txn_ops(t);
                r = 0;
                ok = 0;
            } else if (r < 0) {
                r = etcd_fail(p, r);
            } else {
                ok = r;
                for (size_t k = 0; ok && k < puts; k++) {
                    rev[in_txn[k]] = etcd_txn_revision(t);
                    val[in_txn[k]] = w[in_txn[k]].value;
                }
            }
        }
        t = etcd_txn_free(t);
    }
    if (r >= 0 && ok && remember_have(c, w, nw, val, rev) < 0)
        r = -ENOMEM;
    if (r == -ENOMEM)
        return fail(p, r, "out of memory");
    if (r >= 0 && ok && big)
        return big;
    return r < 0 ? r : ok;
}

/* Make etcd's keys of these classes of this host what w says. */
static int mirror_wants(pool *p, struct mirror_cache *c,
                        const char *host_uuid,
                        const char *const *classes, const struct want *w,
                        size_t nw)
{
    int r = 0, changed = 0;

    for (int attempt = 0; r >= 0 && attempt < RETRIES; attempt++) {
        struct etcd_kv *have = NULL;
        size_t nh = 0;

        /* What the last mirror left, unless it may be stale: then one
         * range per class. */
        if (c->valid && c->rounds < MIRROR_READ_EVERY) {
            c->rounds++;
            have = TAKE_PTR(c->have);
            nh = c->n_have;
            c->n_have = 0;
        } else {
            c->rounds = 0;
            r = remote_have(p, host_uuid, classes, &have, &nh);
            if (r < 0)
                break;
        }
        r = mirror_once(p, c, host_uuid, w, nw, have, nh, &changed);
        etcd_kv_list_free(have, nh);
        if (r == 1) {
            r = changed;
            break;
        }
        if (r == 0) {
            /* Another writer, or the schema version changed. */
            r = pool_is_ejected(p, host_uuid);
            if (r > 0)
                r = fail(p, -ESHUTDOWN, "host %s was ejected from the "
                         "pool: run xe pool-join again to rejoin",
                         host_uuid);
            if (r == 0)
                r = check_version(p);
            if (r == 0)
                r = fail(p, -ENOENT, "the pool at %s is gone (no schema "
                         "version): run xe pool-join again",
                         p->conf.prefix);
            if (r < 0)
                break;
            r = attempt + 1 < RETRIES ? 0
                : fail(p, -EAGAIN, "the pool's copy of this host kept "
                       "changing under us: is another process mirroring "
                       "host %s?", host_uuid);
        }
    }
    return r;
}

int pool_mirror(pool *p, store *st, const char *host_uuid)
{
    struct want *w = NULL;
    size_t nw = 0;
    int r;

    r = local_wants(p, st, host_uuid, &w, &nw);
    if (r >= 0)
        r = mirror_wants(p, &p->objs, host_uuid, pool_classes, w, nw);
    wants_free(w, nw);
    return r;
}

/* ---- liveness ---------------------------------------------------------- */

int pool_heartbeat(pool *p, const char *host_uuid, const char *hostname,
                   int64_t *lease)
{
    _cleanup_free_ char *k = key(p, "live/%s", host_uuid);
    int64_t ttl = 0;
    int r;

    if (!k)
        return fail(p, -ENOMEM, "out of memory");
    if (*lease) {
        r = etcd_lease_keepalive(p->e, *lease, &ttl);
        if (r < 0)
            return etcd_fail(p, r);
        if (ttl > 0)
            return 0;
        *lease = 0;             /* expired while etcd was away */
    }
    r = etcd_lease_grant(p->e, p->conf.lease_ttl, lease);
    if (r >= 0)
        r = etcd_put(p->e, k, hostname ? hostname : "", *lease);
    return r < 0 ? etcd_fail(p, r) : 1;
}

int pool_lease_end(pool *p, int64_t lease)
{
    int r = etcd_lease_revoke(p->e, lease);

    return r < 0 ? etcd_fail(p, r) : 0;
}

/* ---- reads ------------------------------------------------------------- */

static int cmp_record(const void *a, const void *b)
{
    return strcmp(store_record_uuid(*(store_record *const *)a),
                  store_record_uuid(*(store_record *const *)b));
}

int pool_list(pool *p, const char *cls, store_record ***ret, size_t *n_ret)
{
    const struct schema_class *c = schema_class_find(cls);
    struct etcd_kv *v = NULL;
    store_record **out;
    size_t n = 0, m = 0;
    bool is_pool = c && strcmp(c->name, "pool") == 0;
    int r;

    if (!c || (!is_pool && !pool_class_mirrored(c->name)))
        return fail(p, -EINVAL, "class %s is not kept in the pool", cls);
    if (strcmp(c->name, "network") == 0)
        return pool__network_list(p, ret, n_ret);  /* pool-network.c */
    r = is_pool ? range_at(p, false, &v, &n, "pool")
                : range_at(p, true, &v, &n, "obj/%s/", c->name);
    if (r < 0)
        return r;
    out = calloc(n + 1, sizeof(*out));
    if (!out) {
        etcd_kv_list_free(v, n);
        return fail(p, -ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        /* A record this version cannot read is left out, as the store's
         * STORE_LIST_SKIP_INVALID does. */
        if (record_from_json(c->name, v[i].value, &out[m]) >= 0)
            m++;
    etcd_kv_list_free(v, n);
    qsort(out, m, sizeof(*out), cmp_record);
    *ret = out;
    *n_ret = m;
    return 0;
}

int pool_live_hosts(pool *p, char ***ret, size_t *n_ret)
{
    struct etcd_kv *v = NULL;
    char **out, part[64];
    size_t n = 0;
    int r;

    r = range_at(p, true, &v, &n, "live/");
    if (r < 0)
        return r;
    out = calloc(n + 1, sizeof(*out));
    for (size_t i = 0; out && i < n; i++)
        if (!(out[i] = strdup(key_part(v[i].key, 0, part)))) {
            strv_free(out);
            out = NULL;
        }
    etcd_kv_list_free(v, n);
    if (!out)
        return fail(p, -ENOMEM, "out of memory");
    *ret = out;
    *n_ret = n;
    return 0;
}

int pool_owner(pool *p, const char *cls, const char *uuid, char ret[37])
{
    struct etcd_kv *v = NULL;
    char part[64];
    size_t n = 0;
    int r;

    r = range_at(p, true, &v, &n, "obj/%s/", cls);
    if (r < 0)
        return r;
    r = fail(p, -ENOENT, "no %s %s in the pool", cls, uuid);
    for (size_t i = 0; i < n; i++)
        if (strcmp(key_part(v[i].key, 0, part), uuid) == 0) {
            key_part(v[i].key, 1, part);
            part[36] = '\0';
            memcpy(ret, part, 37);
            r = 0;
            break;
        }
    etcd_kv_list_free(v, n);
    return r;
}

/* ---- eject ------------------------------------------------------------- */

/* The pool record with master moved off @p leaving, if it was there. */
static int moved_master(pool *p, const char *leaving, char **ret_json,
                        int64_t *ret_rev)
{
    _cleanup_record_ store_record *rec = NULL;
    store_record **hosts = NULL;
    struct etcd_kv *v = NULL;
    size_t n = 0, nh = 0;
    const char *next = "";
    int r;

    *ret_json = NULL;
    r = range_at(p, false, &v, &n, "pool");
    if (r < 0)
        return r;
    if (n == 0 || record_from_json("pool", v[0].value, &rec) < 0 ||
        strcmp(store_record_get(rec, SF_master) ?: "", leaving) != 0) {
        etcd_kv_list_free(v, n);
        return 0;
    }
    *ret_rev = v[0].mod_revision;
    etcd_kv_list_free(v, n);
    r = pool_list(p, "host", &hosts, &nh);
    if (r < 0)
        return r;
    for (size_t i = 0; i < nh; i++)
        if (strcmp(store_record_uuid(hosts[i]), leaving) != 0) {
            next = store_record_uuid(hosts[i]);
            break;
        }
    r = store_record_set(rec, SF_master, next);
    store_record_list_free(hosts, nh);
    if (r < 0)
        return fail(p, r, "cannot move the pool's master: %s", strerror(-r));
    *ret_json = record_json(rec);
    return *ret_json ? 1 : fail(p, -ENOMEM, "out of memory");
}

static int remove_host(pool *p, const char *host_uuid, bool mark)
{
    _cleanup_free_ char *kl = key(p, "live/%s", host_uuid);
    _cleanup_free_ char *ke = key(p, "eject/%s", host_uuid);
    _cleanup_free_ char *kp = key(p, "pool"), *json = NULL;
    int64_t rev = 0;
    etcd_txn *t = NULL;
    int r;

    if (!kl || !ke || !kp)
        return fail(p, -ENOMEM, "out of memory");
    for (int attempt = 0; attempt < RETRIES; attempt++) {
        free(json);
        r = moved_master(p, host_uuid, &json, &rev);
        if (r < 0)
            return r;
        r = etcd_txn_new(&t);
        for (size_t c = 0; r >= 0 && c <= POOL_N_CLASSES; c++) {
            _cleanup_free_ char *k = key(p, "obj/%s/%s/",
                                         c < POOL_N_CLASSES
                                             ? pool_classes[c]
                                             : POOL_VM_CLASS,
                                         host_uuid);

            r = k ? etcd_txn_delete(t, k, true) : -ENOMEM;
        }
        if (r >= 0)
            r = etcd_txn_delete(t, kl, false);
        if (r >= 0)
            r = mark ? etcd_txn_put(t, ke, "", 0)
                     : etcd_txn_delete(t, ke, false);
        if (r >= 0 && json) {
            r = etcd_txn_cmp_mod(t, kp, rev);
            if (r >= 0)
                r = etcd_txn_put(t, kp, json, 0);
        }
        if (r >= 0)
            r = etcd_txn_commit(p->e, t);
        t = etcd_txn_free(t);
        if (r < 0)
            return etcd_fail(p, r);
        if (r > 0)
            return 0;
    }
    return fail(p, -EAGAIN, "the pool record kept changing: try again");
}

int pool_eject(pool *p, const char *host_uuid)
{
    struct etcd_kv *v = NULL;
    size_t n = 0;
    int r;

    r = range_at(p, false, &v, &n, "obj/host/%s/%s", host_uuid, host_uuid);
    etcd_kv_list_free(v, n);
    if (r < 0)
        return r;
    if (n == 0)
        return fail(p, -ENOENT, "host %s is not in the pool", host_uuid);
    return remove_host(p, host_uuid, true);
}

int pool_is_ejected(pool *p, const char *host_uuid)
{
    struct etcd_kv *v = NULL;
    size_t n = 0;
    int r;

    r = range_at(p, false, &v, &n, "eject/%s", host_uuid);
    etcd_kv_list_free(v, n);
    return r < 0 ? r : n > 0;
}

int pool_leave(pool *p, const char *host_uuid)
{
    return remove_host(p, host_uuid, false);
}

/* ---- forwarding -------------------------------------------------------- */

int pool_find_owner(pool *p, const char *uuid, char ret[37])
{
    for (size_t c = 0; pool_classes[c]; c++) {
        int r = pool_owner(p, pool_classes[c], uuid, ret);

        if (r != -ENOENT)
            return r;
    }
    return fail(p, -ENOENT, "no object %s in the pool", uuid);
}

int pool_remote_owner(pool *p, store *st, const char *self,
                      const char *uuid, char ret[37])
{
    int r;

    for (size_t i = 0; pool_classes[i]; i++) {
        store_record *rec = NULL;

        if (store_get(st, pool_classes[i], uuid, &rec) >= 0) {
            store_record_free(rec);
            return 0;           /* this host's: it is fresher here */
        }
    }
    r = pool_find_owner(p, uuid, ret);
    if (r == -ENOENT)
        return pool_vm_owner(p, self, uuid, ret);
    return r < 0 ? r : strcmp(ret, self) != 0;
}

/* ---- VMs --------------------------------------------------------------- */

int pool_mirror_vms(pool *p, const char *host_uuid,
                    const char *const *uuids, const char *const *jsons,
                    size_t n)
{
    static const char *const classes[] = { POOL_VM_CLASS, NULL };
    struct want *w = calloc(n ? n : 1, sizeof(*w));
    int r = 0;

    if (!w)
        return fail(p, -ENOMEM, "out of memory");
    for (size_t i = 0; r >= 0 && i < n; i++) {
        w[i].key = key(p, "obj/%s/%s/%s", POOL_VM_CLASS, host_uuid,
                       uuids[i]);
        w[i].value = strdup(jsons[i]);
        if (!w[i].key || !w[i].value)
            r = fail(p, -ENOMEM, "out of memory");
    }
    if (r >= 0)
        r = mirror_wants(p, &p->vms, host_uuid, classes, w, n);
    wants_free(w, n);
    return r;
}

void pool_vm_list_free(struct pool_vm *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].json);
    free(v);
}

int pool_vm_list(pool *p, struct pool_vm **ret, size_t *n_ret)
{
    struct etcd_kv *v = NULL;
    struct pool_vm *out;
    size_t n = 0, k = 0;
    int r;

    r = range_at(p, true, &v, &n, "obj/%s/", POOL_VM_CLASS);
    if (r < 0)
        return r;
    out = calloc(n ? n : 1, sizeof(*out));
    for (size_t i = 0; out && i < n; i++) {
        char part[64];

        if (strlen(key_part(v[i].key, 0, part)) != 36 ||
            strlen(key_part(v[i].key, 1, out[k].host)) != 36)
            continue;           /* not a VM's key */
        memcpy(out[k].uuid, part, sizeof(out[k].uuid));
        out[k].json = strdup(v[i].value);
        if (!out[k++].json) {
            pool_vm_list_free(out, k);
            out = NULL;
        }
    }
    etcd_kv_list_free(v, n);
    if (!out)
        return fail(p, -ENOMEM, "out of memory");
    *ret = out;
    *n_ret = k;
    return 0;
}

int pool_vm_owner(pool *p, const char *self, const char *uuid, char ret[37])
{
    struct pool_vm *v = NULL;
    size_t n = 0;
    int r, found = 0;

    r = pool_vm_list(p, &v, &n);
    if (r < 0)
        return r;
    /* This host's copy first; else the host it runs on, else any. */
    for (size_t i = 0; i < n && found < 3; i++) {
        int rank;

        if (strcasecmp(v[i].uuid, uuid) != 0)
            continue;
        rank = strcmp(v[i].host, self) == 0 ? 3
             : strstr(v[i].json, "\"resident_on\"") ? 2 : 1;
        if (rank > found) {
            found = rank;
            memcpy(ret, v[i].host, 37);
        }
    }
    pool_vm_list_free(v, n);
    return found > 0 && found < 3;
}

int pool_sriov_capacity(pool *p, const char *uuid, int64_t *ret)
{
    struct etcd_kv *v = NULL;
    char part[64];
    size_t n = 0;
    int r;

    r = range_at(p, true, &v, &n, "obj/network_sriov/");
    if (r < 0)
        return r;
    r = fail(p, -ENOENT, "no network_sriov %s in the pool", uuid);
    for (size_t i = 0; i < n; i++) {
        json_object *o, *c;

        if (strcmp(key_part(v[i].key, 0, part), uuid) != 0)
            continue;
        o = json_tokener_parse(v[i].value);
        if (o && json_object_object_get_ex(o, "remaining_capacity", &c)) {
            *ret = json_object_get_int64(c);
            r = 0;
        } else {
            r = fail(p, -ENODATA, "host %s has not mirrored the remaining "
                     "capacity of network_sriov %s: is its xen-sriovd "
                     "running, and of this version?",
                     key_part(v[i].key, 1, part), uuid);
        }
        json_object_put(o);
        break;
    }
    etcd_kv_list_free(v, n);
    return r;
}

static int is_live(pool *p, const char *host)
{
    struct etcd_kv *v = NULL;
    size_t n = 0;
    int r = range_at(p, false, &v, &n, "live/%s", host);

    etcd_kv_list_free(v, n);
    return r < 0 ? r : n > 0;
}

/* The caller's watch of <prefix>/result/<id>: the answer once put. */
struct result_watch {
    char *value;
};

static int on_result(void *userdata, const struct etcd_event *ev, size_t n)
{
    struct result_watch *w = userdata;

    for (size_t i = 0; i < n; i++)
        if (!ev[i].deleted && ev[i].kv.value) {
            w->value = strdup(ev[i].kv.value);
            /* Ends the watch: the answer is all it waited for. */
            return w->value ? -ECANCELED : -ENOMEM;
        }
    return 0;
}

/* The answer (or why there is none) as pool_call's outcome. */
static int take_answer(pool *p, const char *host, char *value, char **ret)
{
    json_object *o = json_tokener_parse(value), *big;
    int r = 0;

    if (o && json_object_is_type(o, json_type_object) &&
        json_object_object_get_ex(o, "too_big", &big)) {
        r = fail(p, -E2BIG, "host %s's answer is %" PRId64 " bytes, more "
                 "than etcd takes in one request (its --max-request-bytes, "
                 "1.5 MiB by default): raise it on every etcd member, or ask "
                 "host %s itself", host, json_object_get_int64(big), host);
        free(value);
    } else {
        *ret = value;
    }
    json_object_put(o);
    return r;
}

static long ms_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 +
           (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Watches of the answer last this long: then the host's liveness is
 * looked at (a host that died answers nothing). */
#define CALL_LIVE_CHECK_MS 1000

int pool_call(pool *p, const char *host, const char *request, int timeout_s,
              char **ret)
{
    static const volatile bool never = false;
    _cleanup_free_ char *kc = NULL, *kr = NULL;
    struct result_watch w = { NULL };
    struct timespec start;
    int64_t lease = 0, rev = 0;
    char id[37];
    int r;

    *ret = NULL;
    r = is_live(p, host);
    if (r == 0)
        return fail(p, -EHOSTDOWN, "host %s is not live (its xen-sriovd "
                    "holds no lease)", host);
    if (r < 0)
        return r;
    r = store_uuid_new(id);
    if (r < 0)
        return fail(p, r, "cannot make a call id: %s", strerror(-r));
    kc = key(p, "call/%s/%s", host, id);
    kr = key(p, "result/%s", id);
    if (!kc || !kr)
        return fail(p, -ENOMEM, "out of memory");
    r = etcd_lease_grant(p->e, timeout_s + 5, &lease);
    if (r >= 0)
        r = etcd_put_rev(p->e, kc, request, lease, &rev);
    if (r == -E2BIG) {
        r = fail(p, r, "the call for host %s is %zu bytes, more than etcd "
                 "takes in one request (its --max-request-bytes, 1.5 MiB by "
                 "default): raise it on every etcd member, or ask host %s "
                 "itself", host, strlen(request), host);
        goto out;
    }
    if (r < 0) {
        r = etcd_fail(p, r);
        goto out;
    }
    /*
     * The answer comes after the call: a watch of its key from the
     * revision after the call's put sees it even when it was put before
     * the watch was in place.  Each watch lasts at most a second, then
     * the host's liveness is looked at, and the watch made again from
     * where it was (a broken stream goes on at the next member).
     */
    rev = rev > 0 ? rev + 1 : 0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        long left = timeout_s * 1000L - ms_since(&start);

        if (left <= 0) {
            r = fail(p, -ETIME, "host %s did not answer in %d s", host,
                     timeout_s);
            goto out;
        }
        r = etcd_watch(p->e, kr, &rev, left < CALL_LIVE_CHECK_MS
                       ? left : CALL_LIVE_CHECK_MS, on_result, &w, &never);
        if (w.value)
            break;
        if (r == -ESTALE) {
            /* Compacted meanwhile (a long call): read the key itself. */
            struct etcd_kv *v = NULL;
            size_t n = 0;
            int64_t now_rev = 0;

            r = etcd_range(p->e, kr, false, &v, &n, &now_rev);
            if (r >= 0 && n)
                w.value = TAKE_PTR(v[0].value);
            etcd_kv_list_free(v, n);
            if (w.value)
                break;
            rev = now_rev + 1;
        } else if (r < 0 && r != -EHOSTUNREACH) {
            r = etcd_fail(p, r);
            goto out;
        }
        /* The host died meanwhile: no answer will come. */
        r = is_live(p, host);
        if (r == 0) {
            r = fail(p, -EHOSTDOWN, "host %s stopped being live", host);
            goto out;
        }
        if (r < 0)
            goto out;
    }
    r = take_answer(p, host, TAKE_PTR(w.value), ret);
    {
        /* The answer is read: remove it (its lease would too). */
        etcd_txn *t = NULL;

        if (etcd_txn_new(&t) >= 0 && etcd_txn_delete(t, kr, false) >= 0)
            etcd_txn_commit(p->e, t);
        etcd_txn_free(t);
    }
out:
    if (lease)
        etcd_lease_revoke(p->e, lease);     /* the call goes with it */
    return r;
}

int pool_take_call(pool *p, const char *host, char ret_id[37],
                   char **ret_request)
{
    struct etcd_kv *v = NULL;
    size_t n = 0;
    char part[64];
    int r;

    r = range_at(p, true, &v, &n, "call/%s/", host);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        etcd_txn *t = NULL;

        r = etcd_txn_new(&t);
        if (r >= 0)
            r = etcd_txn_cmp_mod(t, v[i].key, v[i].mod_revision);
        if (r >= 0)
            r = etcd_txn_delete(t, v[i].key, false);
        if (r >= 0)
            r = etcd_txn_commit(p->e, t);
        etcd_txn_free(t);
        if (r < 0) {
            etcd_kv_list_free(v, n);
            return etcd_fail(p, r);
        }
        if (r > 0) {
            key_part(v[i].key, 0, part);
            part[36] = '\0';
            memcpy(ret_id, part, 37);
            *ret_request = TAKE_PTR(v[i].value);
            etcd_kv_list_free(v, n);
            return 1;
        }
    }
    etcd_kv_list_free(v, n);
    return 0;
}

int pool_answer(pool *p, const char *id, const char *answer, int64_t lease)
{
    _cleanup_free_ char *k = key(p, "result/%s", id);
    char small[64];
    int r;

    if (!k)
        return fail(p, -ENOMEM, "out of memory");
    r = etcd_put(p->e, k, answer, lease);
    if (r == -E2BIG) {
        /* The caller learns why instead of waiting for its ceiling. */
        snprintf(small, sizeof(small), "{\"too_big\":%zu}", strlen(answer));
        r = etcd_put(p->e, k, small, lease);
        if (r >= 0)
            return fail(p, -E2BIG, "the answer to call %s is %zu bytes, "
                        "more than etcd takes in one request: the caller "
                        "was told", id, strlen(answer));
    }
    return r < 0 ? etcd_fail(p, r) : 0;
}

/* ---- watches ----------------------------------------------------------- */

struct calls_watch {
    void (*fn)(void *userdata, bool eject);
    void *userdata;
    const char *eject_key;
};

static int on_calls(void *userdata, const struct etcd_event *ev, size_t n)
{
    struct calls_watch *w = userdata;
    bool put = n == 0, eject = n == 0;  /* in place: look once */

    for (size_t i = 0; i < n; i++) {
        if (ev[i].deleted)
            continue;
        if (strcmp(ev[i].kv.key, w->eject_key) == 0)
            eject = true;
        else
            put = true;
    }
    if (put || eject)
        w->fn(w->userdata, eject);
    return 0;
}

int pool_watch_calls(pool *p, const char *host, long max_ms,
                     void (*fn)(void *userdata, bool eject), void *userdata,
                     const volatile bool *stop)
{
    _cleanup_free_ char *k = key(p, "call/%s/", host);
    _cleanup_free_ char *ke = key(p, "eject/%s", host);
    struct calls_watch w = { fn, userdata, ke };
    const char *prefixes[2] = { k, ke };
    int64_t rev = 0;
    int r;

    if (!k || !ke)
        return fail(p, -ENOMEM, "out of memory");
    r = etcd_watch_prefixes(p->e, prefixes, 2, &rev, max_ms, on_calls, &w,
                            stop);
    return r < 0 ? etcd_fail(p, r) : 0;
}

struct seen {
    char *key;
    int64_t rev;
};

struct pool_follower {
    struct seen *v;             /* sorted by key */
    size_t n;
    int64_t next_rev;           /* 0: read everything first */
    unsigned resyncs;           /* after a compaction */
    char pool_uuid[37];         /* the pool record's (for its deletion) */
};

unsigned pool_follower_resyncs(const pool_follower *f)
{
    return f->resyncs;
}

int pool_follower_new(pool_follower **ret)
{
    *ret = calloc(1, sizeof(**ret));
    return *ret ? 0 : -ENOMEM;
}

static void seen_free(struct seen *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].key);
    free(v);
}

pool_follower *pool_follower_free(pool_follower *f)
{
    if (f)
        seen_free(f->v, f->n);
    free(f);
    return NULL;
}

/* Where key is in f (or would go): 1 found, 0 not. */
static int seen_find(const pool_follower *f, const char *k, size_t *at)
{
    size_t lo = 0, hi = f->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(f->v[mid].key, k);

        if (c == 0) {
            *at = mid;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return 0;
}

struct follow {
    pool *p;
    pool_follower *f;
    pool_change_fn fn;
    void *userdata;
    size_t base_len;            /* strlen("<prefix>/") */
};

/* What a key under <prefix>/ is to a follower. */
enum followed { NOT_FOLLOWED, FOLLOWED_OBJ, FOLLOWED_POOL, FOLLOWED_LIVE };

static enum followed followed_kind(size_t base_len, const char *k)
{
    const char *rest = k + base_len, *a, *b;

    if (strlen(k) <= base_len)
        return NOT_FOLLOWED;
    if (strcmp(rest, "pool") == 0)
        return FOLLOWED_POOL;
    if (strncmp(rest, "live/", 5) == 0 && rest[5] && !strchr(rest + 5, '/'))
        return FOLLOWED_LIVE;
    /* obj/<class>/<host>/<uuid> */
    if (strncmp(rest, "obj/", 4) == 0 && (a = strchr(rest + 4, '/')) &&
        (b = strchr(a + 1, '/')) && !strchr(b + 1, '/'))
        return FOLLOWED_OBJ;
    return NOT_FOLLOWED;
}

/* The pool record's uuid from its JSON (kept for its deletion). */
static void remember_pool_uuid(pool_follower *f, const char *value)
{
    json_object *o = value ? json_tokener_parse(value) : NULL, *u;

    if (o && json_object_object_get_ex(o, "uuid", &u))
        snprintf(f->pool_uuid, sizeof(f->pool_uuid), "%s",
                 json_object_get_string(u));
    json_object_put(o);
}

/* The key's change reported as op (value: the key's new value, NULL for
 * a deletion). */
static void report_key(struct follow *fw, const char *k, const char *value,
                       enum pool_change_op op)
{
    char cls[64], host[64], uuid[64];
    const char *rest = k + fw->base_len + 4, *a, *b;

    switch (followed_kind(fw->base_len, k)) {
    case NOT_FOLLOWED:
        return;
    case FOLLOWED_POOL:
        if (value)
            remember_pool_uuid(fw->f, value);
        if (*fw->f->pool_uuid)
            fw->fn(fw->userdata, "pool", "", fw->f->pool_uuid, op);
        return;
    case FOLLOWED_LIVE:
        snprintf(host, sizeof(host), "%s", k + fw->base_len + 5);
        fw->fn(fw->userdata, POOL_CHANGE_LIVE, host, host, op);
        return;
    case FOLLOWED_OBJ:
        break;
    }
    a = strchr(rest, '/');
    b = strchr(a + 1, '/');
    snprintf(cls, sizeof(cls), "%.*s", (int)(a - rest), rest);
    snprintf(host, sizeof(host), "%.*s", (int)(b - a - 1), a + 1);
    snprintf(uuid, sizeof(uuid), "%s", b + 1);
    fw->fn(fw->userdata, cls, host, uuid, op);
}

static int on_objects(void *userdata, const struct etcd_event *ev, size_t n)
{
    struct follow *fw = userdata;
    pool_follower *f = fw->f;

    for (size_t i = 0; i < n; i++) {
        const char *k = ev[i].kv.key;
        size_t at;
        int found;

        /* Calls, answers, eject marks: not the follower's. */
        if (followed_kind(fw->base_len, k) == NOT_FOLLOWED)
            continue;
        found = seen_find(f, k, &at);
        if (ev[i].deleted) {
            if (!found)
                continue;       /* never seen: nothing to report */
            free(f->v[at].key);
            memmove(&f->v[at], &f->v[at + 1],
                    (f->n - at - 1) * sizeof(*f->v));
            f->n--;
            report_key(fw, k, NULL, POOL_CHANGE_DEL);
            continue;
        }
        if (!found) {
            struct seen *nv = reallocarray(f->v, f->n + 1, sizeof(*nv));
            char *dup = strdup(k);

            if (!nv || !dup) {
                free(dup);
                if (nv)
                    f->v = nv;
                return fail(fw->p, -ENOMEM, "out of memory");
            }
            f->v = nv;
            memmove(&f->v[at + 1], &f->v[at], (f->n - at) * sizeof(*f->v));
            f->v[at] = (struct seen){ dup, 0 };
            f->n++;
        }
        f->v[at].rev = ev[i].kv.mod_revision;
        report_key(fw, k, ev[i].kv.value,
                   found ? POOL_CHANGE_MOD : POOL_CHANGE_ADD);
    }
    return 0;
}

/* Read every followed key and report how it differs from what f has
 * seen. */
static int resync(struct follow *fw, const char *prefix)
{
    pool_follower *f = fw->f;
    struct etcd_kv *v = NULL;
    struct seen *nv;
    size_t n = 0, i = 0, j = 0, m = 0;
    int64_t rev = 0;
    int r;

    r = etcd_range(fw->p->e, prefix, true, &v, &n, &rev);
    if (r < 0)
        return etcd_fail(fw->p, r);
    nv = calloc(n + 1, sizeof(*nv));
    if (!nv) {
        etcd_kv_list_free(v, n);
        return fail(fw->p, -ENOMEM, "out of memory");
    }
    /* Both in key order: a merge. */
    while (i < f->n || j < n) {
        int c;

        if (j < n && followed_kind(fw->base_len, v[j].key) == NOT_FOLLOWED) {
            j++;
            continue;
        }
        c = i == f->n ? 1 : j == n ? -1 : strcmp(f->v[i].key, v[j].key);
        if (c < 0) {
            report_key(fw, f->v[i].key, NULL, POOL_CHANGE_DEL);
            i++;
            continue;
        }
        if (c > 0)
            report_key(fw, v[j].key, v[j].value, POOL_CHANGE_ADD);
        else if (f->v[i].rev != v[j].mod_revision)
            report_key(fw, v[j].key, v[j].value, POOL_CHANGE_MOD);
        if (c == 0)
            i++;
        nv[m++] = (struct seen){ TAKE_PTR(v[j].key), v[j].mod_revision };
        j++;
    }
    etcd_kv_list_free(v, n);
    seen_free(f->v, f->n);
    f->v = nv;
    f->n = m;
    f->next_rev = rev + 1;
    return 0;
}

void pool_follower_forget(pool_follower *f, pool_change_fn fn,
                          void *userdata)
{
    struct follow fw = { NULL, f, fn, userdata, 0 };

    /* The keys hold their prefix: it ends before "obj/", "live/" or
     * "pool" (the last '/' but one for an object, the last for others). */
    for (size_t i = 0; i < f->n; i++) {
        const char *k = f->v[i].key, *o = strstr(k, "/obj/");
        const char *l = strrchr(k, '/');

        if (o)
            fw.base_len = (size_t)(o - k) + 1;
        else if (l && strcmp(l, "/pool") == 0)
            fw.base_len = (size_t)(l - k) + 1;
        else if (l && l - k >= 5 && strncmp(l - 5, "/live", 5) == 0)
            fw.base_len = (size_t)(l - k) - 4;
        else
            continue;
        report_key(&fw, k, NULL, POOL_CHANGE_DEL);
    }
    seen_free(f->v, f->n);
    f->v = NULL;
    f->n = 0;
    f->next_rev = 0;
    f->pool_uuid[0] = '\0';
}

int pool_follow(pool *p, pool_follower *f, long max_ms, pool_change_fn fn,
                void *userdata, const volatile bool *stop)
{
    _cleanup_free_ char *k = key(p, "%s", "");
    struct follow fw = { p, f, fn, userdata, 0 };
    int r;

    if (!k)
        return fail(p, -ENOMEM, "out of memory");
    fw.base_len = strlen(k);
    if (!f->next_rev && (r = resync(&fw, k)) < 0)
        return r;
    r = etcd_watch(p->e, k, &f->next_rev, max_ms, on_objects, &fw, stop);
    if (r != -ESTALE)
        return r < 0 ? etcd_fail(p, r) : 0;
    /* Compacted: what changed since is read whole (the caller is back at
     * once, and watches from there). */
    f->next_rev = 0;
    f->resyncs++;
    return resync(&fw, k);
}

/* ---- for pool-network.c (pool/pool-internal.h) ------------------------- */

etcd *pool__etcd(pool *p)
{
    return p->e;
}

int pool__fail(pool *p, int r, const char *msg)
{
    return fail(p, r, "%s", msg);
}

int pool__etcd_fail(pool *p, int r)
{
    return etcd_fail(p, r);
}

char *pool__record_json(const store_record *r)
{
    return record_json(r);
}

int pool__record_from_json(const char *cls, const char *text,
                           store_record **ret)
{
    return record_from_json(cls, text, ret);
}
