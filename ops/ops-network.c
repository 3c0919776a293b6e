/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* network.create and network.destroy, with XAPI's checks. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops-internal.h"

/* xapi_network.ml bridge_blacklist: prefixes of bridges the host owns. */
static const char *const bridge_blacklist[] = {
    "xen", "xapi", "vif", "tap", "eth",
};

#define BRIDGE_MAX 15   /* IFNAMSIZ - 1 */

/* An integer MTU the kernel can take; <= 0 means 1500, as XAPI. */
static int parse_mtu(const char *s, int64_t *ret, struct xapi_error *err)
{
    char *end;
    long long v;

    if (!s) {
        *ret = 1500;
        return 0;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (!*s || *end || errno || (v > 0 && (v < 68 || v > 65535)))
        return xapi_error_set(err, -EINVAL, XAPI_VALUE_NOT_SUPPORTED, "MTU",
                              s, "an MTU from 68 to 65535", NULL);
    if (v <= 0)
        v = 1500;
    *ret = v;
    return 0;
}

static int check_bridge(const char *b, struct xapi_error *err)
{
    bool bad = strlen(b) > BRIDGE_MAX;

    for (size_t i = 0; i < ELEMENTSOF(bridge_blacklist); i++)
        if (strncmp(b, bridge_blacklist[i], strlen(bridge_blacklist[i])) == 0)
            bad = true;
    /* Interface names: no '/', no whitespace, no ':' (aliases). */
    if (strpbrk(b, "/: \t\n"))
        bad = true;
    return bad ? xapi_error_set(err, -EINVAL, XAPI_INVALID_VALUE, "bridge",
                                b, NULL)
               : 0;
}

struct create_args {
    struct ops_ctx *ops;
    const struct ops_network_args *a;
    int64_t mtu;
    char uuid[37];
    struct ops_undo undo;
    struct xapi_error *err;
};

/* N of a bridge named xapiN (canonical digits), or -1. */
static long long xapi_number(const char *b)
{
    char *end;
    long long v;

    if (strncmp(b, "xapi", 4) || !isdigit((unsigned char)b[4]) ||
        (b[4] == '0' && b[5]))
        return -1;
    errno = 0;
    v = strtoll(b + 4, &end, 10);
    return *end || errno ? -1 : v;
}

/* One above the highest xapiN in use (one directory, outside the
 * transaction): where the counter starts after a load or a migration. */
static int bridge_above_used(store_tx *tx, int64_t *ret)
{
    char **used = NULL;
    size_t n = 0;
    int64_t top = 0;
    int r;

    r = store_index_values(store_tx_store(tx), "network", SF_bridge, &used,
                           &n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        long long v = xapi_number(used[i]);

        if (v >= 0 && v + 1 > top)
            top = v + 1;
    }
    strv_free(used);
    *ret = top;
    return 0;
}

/* Probes of taken names before the counter is worked out again. */
#define BRIDGE_PROBES 8

/*
 * The bridge of a network created without one, as XAPI's
 * choose_bridge_name (ocaml/xapi/xapi_network.ml:213 `counter`, :228-233):
 * xapiN from a counter, skipping names in use.  XAPI's counter lives in
 * xapi's memory: it gives increasing numbers, never a destroyed network's
 * again while xapi runs, and starts from xapi0 when xapi restarts.  Each
 * xe command being a process, ours is in the store (counter/network-bridge,
 * xenstore-schema/paths.md), read and advanced in this transaction, so two
 * creates never get the same name (they conflict in xenstore, or queue on
 * the writers lock); it starts one above the highest xapiN in use when
 * missing (after a load: a boot).  A create then costs a few reads
 * whatever the store holds, where reading every bridge in use grew with it
 * (docs/store.md).  A name taken meanwhile (a network made with that
 * bridge by a restore or an import, which the counter does not see) is
 * skipped; after BRIDGE_PROBES of them the counter starts again above the
 * highest in use.
 */
static int free_bridge(store_tx *tx, char ret[32])
{
    int64_t next;
    int r;

    r = store_tx_counter_get(tx, "network-bridge", &next);
    if (r >= 0 && next < 0)
        r = bridge_above_used(tx, &next);
    for (int probe = 0; r >= 0; probe++) {
        if (probe == BRIDGE_PROBES && (r = bridge_above_used(tx, &next)) < 0)
            break;
        snprintf(ret, 32, "xapi%" PRId64, next);
        r = ops__tx_indexed(tx, "network", SF_bridge, ret);
        if (r == 0)
            return store_tx_counter_set(tx, "network-bridge", next + 1);
        next++;
    }
    return r;
}

/* The tags, a set of strings (one ','-separated node), duplicates once. */
static int put_tags(store_record *n, const char *const *tags)
{
    _cleanup_free_ char *joined = strdup("");

    for (size_t i = 0; joined && tags && tags[i]; i++) {
        bool dup = false;
        char *next;

        if (!*tags[i])
            continue;
        for (size_t k = 0; k < i; k++)
            dup = dup || strcmp(tags[k], tags[i]) == 0;
        if (dup)
            continue;
        if (asprintf(&next, "%s%s%s", joined, *joined ? "," : "",
                     tags[i]) < 0)
            return -ENOMEM;
        free(joined);
        joined = next;
    }
    return joined ? ops__set(n, SF_tags, joined) : -ENOMEM;
}

static int create_fn(store_tx *tx, void *userdata)
{
    struct create_args *c = userdata;
    const struct ops_network_args *a = c->a;
    _cleanup_record_ store_record *n = NULL;
    char bridge[32], mtu[24];
    int r;

    ops__undo_reset(&c->undo);
    xapi_error_clear(c->err);
    c->uuid[0] = '\0';
    if (a->bridge && *a->bridge) {
        snprintf(bridge, sizeof(bridge), "%s", a->bridge);
        r = ops__tx_indexed(tx, "network", SF_bridge, bridge);
        if (r > 0)
            return xapi_error_set(c->err, -EEXIST, XAPI_BRIDGE_NAME_EXISTS,
                                  a->bridge, NULL);
    } else {
        r = free_bridge(tx, bridge);
    }
    if (r < 0)
        return r;
    snprintf(mtu, sizeof(mtu), "%" PRId64, c->mtu);
    r = store_record_new(&n, "network");
    if (r >= 0)
        r = ops__set(n, SF_name_label, a->name_label);
    if (r >= 0)
        r = ops__set(n, SF_name_description, a->name_description);
    if (r >= 0)
        r = ops__set(n, SF_bridge, bridge);
    if (r >= 0)
        r = ops__set(n, SF_MTU, mtu);
    if (r >= 0)
        r = ops__set(n, SF_managed, a->managed == 0 ? "false" : "true");
    if (r >= 0)
        r = ops__put_pairs(n, SF_other_config, a->other_config, c->err);
    if (r >= 0)
        r = put_tags(n, a->tags);
    if (r >= 0)
        r = ops__tx_create(tx, &c->undo, n);
    if (r >= 0)
        memcpy(c->uuid, store_record_uuid(n), 37);
    return r;
}

int ops_network_create(struct ops_ctx *ops, const struct ops_network_args *a,
                       char ret_uuid[37], struct xapi_error *err)
{
    struct create_args c = { .ops = ops, .a = a, .undo.ops = ops,
                             .err = err };
    struct ops_network_args pool_args;
    char pool_bridge[32];
    int r;

    r = parse_mtu(a->mtu, &c.mtu, err);
    for (size_t i = 0; r >= 0 && a->tags && a->tags[i]; i++)
        if (strchr(a->tags[i], ','))
            r = xapi_error_set(err, -EINVAL, XAPI_VALUE_NOT_SUPPORTED,
                               "tags", a->tags[i], "a tag without ','",
                               NULL);
    if (r >= 0 && a->bridge && *a->bridge)
        r = check_bridge(a->bridge, err);
    if (r >= 0)
        r = ops_host_ensure(ops, NULL, err);
    /* In a pool: a bridge free pool-wide, then the network made
     * pool-wide once it is here (undone when the pool refuses it). */
    if (r >= 0 && ops->pool) {
        r = ops->pool->network_bridge(ops, a, pool_bridge, err);
        if (r > 0) {
            pool_args = *a;
            pool_args.bridge = pool_bridge;
            c.a = &pool_args;
        }
    }
    if (r >= 0)
        r = ops__transact(ops, create_fn, &c, &c.undo, err);
    ops__undo_reset(&c.undo);
    if (r >= 0 && c.a == &pool_args &&
        (r = ops->pool->network_created(ops, c.uuid, err)) < 0) {
        struct xapi_error undo_err = XAPI_ERROR_INIT;

        ops_network_destroy_here(ops, c.uuid, &undo_err);
        xapi_error_clear(&undo_err);
    }
    if (r < 0)
        return r;
    ops__log(ops, "network-create %s (%s)", c.uuid, a->name_label);
    memcpy(ret_uuid, c.uuid, 37);
    return 0;
}

struct destroy_args {
    struct ops_ctx *ops;
    const char *uuid;
    struct ops_undo undo;
    struct xapi_error *err;
};

/* An error whose parameters are refs (at most XAPI_ERROR_MAX_PARAMS). */
static int refs_error(const char *code, const char *const *uuids, size_t n,
                      struct xapi_error *err)
{
    char refs[XAPI_ERROR_MAX_PARAMS][OPS_REF_SIZE];
    const char *p[XAPI_ERROR_MAX_PARAMS + 1] = { NULL };

    for (size_t i = 0; i < n && i < XAPI_ERROR_MAX_PARAMS; i++)
        p[i] = ops_ref(refs[i], uuids[i]);
    return xapi_error_set(err, -EBUSY, code, p[0], p[1], p[2], p[3], p[4],
                          p[5], p[6], p[7], NULL);
}

static int destroy_fn(store_tx *tx, void *userdata)
{
    struct destroy_args *d = userdata;
    _cleanup_record_ store_record *net = NULL;
    const char *busy[XAPI_ERROR_MAX_PARAMS];
    const char *pifs[XAPI_ERROR_MAX_PARAMS];
    size_t n_vifs, n_busy = 0, n_pifs;
    int r = 0;

    ops__undo_reset(&d->undo);
    xapi_error_clear(d->err);
    r = ops__tx_lookup(tx, "network", d->uuid, &net, d->err);
    if (r < 0)
        return r;
    n_vifs = store_record_set_count(net, SF_VIFs);
    /* VIFs attached or holding a VF (XAPI: currently_attached||reserved). */
    for (size_t i = 0; r >= 0 && i < n_vifs; i++) {
        _cleanup_record_ store_record *vif = NULL;
        const char *u = store_record_set_member(net, SF_VIFs, i);

        r = store_tx_get(tx, "VIF", u, &vif);
        if (r >= 0 && n_busy < ELEMENTSOF(busy) &&
            (ops__get_bool(vif, SF_currently_attached) ||
             *ops__get(vif, SF_reserved_pci)))
            busy[n_busy++] = u;
    }
    if (r < 0)
        return r;
    if (n_busy)
        return refs_error(XAPI_NETWORK_CONTAINS_VIF, busy, n_busy, d->err);
    n_pifs = store_record_set_count(net, SF_PIFs);
    for (size_t i = 0; i < n_pifs && i < ELEMENTSOF(pifs); i++)
        pifs[i] = store_record_set_member(net, SF_PIFs, i);
    if (n_pifs)
        return refs_error(XAPI_NETWORK_CONTAINS_PIF, pifs,
                          n_pifs < ELEMENTSOF(pifs) ? n_pifs
                                                    : ELEMENTSOF(pifs),
                          d->err);
    /* The other VIFs go with it, as in XAPI. */
    for (size_t i = 0; r >= 0 && i < n_vifs; i++)
        r = ops__tx_destroy(tx, &d->undo, "VIF",
                            store_record_set_member(net, SF_VIFs, i));
    if (r >= 0)
        r = ops__tx_destroy(tx, &d->undo, "network", d->uuid);
    return r;
}

int ops_network_destroy_here(struct ops_ctx *ops, const char *uuid,
                             struct xapi_error *err)
{
    struct destroy_args d = { .ops = ops, .uuid = uuid, .undo.ops = ops,
                              .err = err };
    int r;

    r = ops__transact(ops, destroy_fn, &d, &d.undo, err);
    ops__undo_reset(&d.undo);
    if (r >= 0)
        ops__log(ops, "network-destroy %s", uuid);
    return r;
}

int ops_network_destroy(struct ops_ctx *ops, const char *uuid,
                        struct xapi_error *err)
{
    int r = 0, pooled = 0;

    /* A pool-wide network: refused while another host uses it (and
     * without etcd), removed from the pool once gone from here. */
    if (ops->pool)
        r = pooled = ops->pool->network_destroy(ops, uuid, false, err);
    if (r >= 0)
        r = ops_network_destroy_here(ops, uuid, err);
    if (r >= 0 && pooled > 0)
        r = ops->pool->network_destroy(ops, uuid, true, err);
    return r;
}
