/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small etcd v3 client over its JSON gateway (HTTP POST to /v3/kv/range,
 * /v3/kv/txn, /v3/kv/put, /v3/lease/grant, /v3/lease/keepalive,
 * /v3/lease/revoke; keys and values in base64), on libcurl and json-c.
 * Raft, replication and the storage are etcd's: this only asks.
 *
 * The endpoints are tried in turn, starting with the one that answered
 * last, so a dead member costs one connect timeout and then none.
 * Conventions (STYLE.md): functions return >= 0 or a negative errno, and
 * etcd_last_error() holds one line saying what failed and what to do.
 * A handle is not thread-safe: one per thread.
 */
#ifndef XEN_SRIOV_ETCD_H
#define XEN_SRIOV_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct etcd etcd;
typedef struct etcd_txn etcd_txn;

struct etcd_tls {
    const char *cacert;         /* CA of the members' certificates */
    const char *cert;           /* client certificate (PEM) */
    const char *key;            /* its key (PEM) */
};

struct etcd_kv {
    char *key;
    char *value;                /* NUL-terminated (values are text here) */
    int64_t create_revision;
    int64_t mod_revision;
    int64_t lease;
};

/*
 * @param endpoints  "http://host:port" (or https://), NULL-terminated
 * @param tls        NULL for none
 * @param timeout_ms per request and endpoint (0: 5000)
 * On failure the message is in @p errbuf.
 */
int etcd_new(etcd **ret, const char *const *endpoints,
             const struct etcd_tls *tls, long timeout_ms, char *errbuf,
             size_t errbuf_size);
etcd *etcd_free(etcd *e);                       /* NULL-safe */
const char *etcd_last_error(const etcd *e);

/* Requests sent (benchmarks: requests per command). */
uint64_t etcd_requests(const etcd *e);

void etcd_kv_list_free(struct etcd_kv *v, size_t n);  /* NULL-safe */

/*
 * The key, or every key under it when @p prefix (in key order).
 * @param[out] ret_revision  the store's revision the read saw (may be NULL)
 * @return 0 (*n may be 0); -EHOSTUNREACH when no endpoint answers;
 *         -ETIMEDOUT when etcd answers without quorum; -E2BIG for a
 *         write over the members' --max-request-bytes; -EIO otherwise
 */
int etcd_range(etcd *e, const char *key, bool prefix, struct etcd_kv **ret,
               size_t *n, int64_t *ret_revision);

/* Put one key (lease 0: none). */
int etcd_put(etcd *e, const char *key, const char *value, int64_t lease);
/* The same, with the revision the put made (a watch from the next one
 * sees every later change of the key). */
int etcd_put_rev(etcd *e, const char *key, const char *value, int64_t lease,
                 int64_t *ret_revision);

/* A transaction: compares, then the puts and deletes if all hold. */
int etcd_txn_new(etcd_txn **ret);
etcd_txn *etcd_txn_free(etcd_txn *t);          /* NULL-safe */
/* The key's mod_revision is @p rev (0: the key does not exist). */
int etcd_txn_cmp_mod(etcd_txn *t, const char *key, int64_t rev);
/* The key holds @p value. */
int etcd_txn_cmp_value(etcd_txn *t, const char *key, const char *value);
int etcd_txn_put(etcd_txn *t, const char *key, const char *value,
                 int64_t lease);
int etcd_txn_delete(etcd_txn *t, const char *key, bool prefix);
/* Operations in the success branch (etcd refuses more than 128 by
 * default: split larger changes). */
size_t etcd_txn_ops(const etcd_txn *t);
/*
 * @return 1 committed; 0 a compare failed (nothing written: read again
 *         and retry); < 0 as etcd_range
 */
int etcd_txn_commit(etcd *e, etcd_txn *t);
/* The store's revision after the commit (committed: every key the
 * transaction put has it as its mod_revision). */
int64_t etcd_txn_revision(const etcd_txn *t);

/* A lease of @p ttl seconds. */
int etcd_lease_grant(etcd *e, int64_t ttl, int64_t *ret_id);
/* Renew it: 0 with *ret_ttl the seconds left; *ret_ttl 0 when it has
 * expired already (grant a new one). */
int etcd_lease_keepalive(etcd *e, int64_t id, int64_t *ret_ttl);
int etcd_lease_revoke(etcd *e, int64_t id);

/* ---- watch (POST /v3/watch: one streaming answer) ---- */

struct etcd_event {
    bool deleted;               /* DELETE (kv has key and mod_revision) */
    struct etcd_kv kv;
};

/*
 * A batch of events, oldest first.  @p n 0: the watch is in place (sent
 * once per etcd_watch, before any event: whatever changed before it is
 * for the caller to read).  Return < 0 to end the watch with it.
 */
typedef int (*etcd_watch_fn)(void *userdata, const struct etcd_event *ev,
                             size_t n);

/*
 * Watch every key under @p prefix from revision @p *next_rev (0: from
 * now) and call @p fn as events come, without polling.  *next_rev follows
 * the events (the revision to watch from next time).  Returns when
 * @p *stop turns true (looked at every second) or @p max_ms pass (a
 * member cut from the others sends nothing: ask again, maybe another):
 * 0; the endpoint went away (etcd restarted, a member killed): the next
 * call tries the next endpoint: -EHOSTUNREACH; etcd compacted the
 * revisions asked for: -ESTALE with *next_rev its oldest kept revision
 * (read the keys again and watch from there); fn's error.
 */
int etcd_watch(etcd *e, const char *prefix, int64_t *next_rev, long max_ms,
               etcd_watch_fn fn, void *userdata, const volatile bool *stop);
/* The same for every key under any of @p n prefixes, on one stream (fn's
 * "in place" call once all are). */
int etcd_watch_prefixes(etcd *e, const char *const *prefixes, size_t n,
                        int64_t *next_rev, long max_ms, etcd_watch_fn fn,
                        void *userdata, const volatile bool *stop);

#endif
