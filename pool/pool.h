/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pools on etcd (docs/pool.md): a layer beside store/.  Each host keeps
 * its own objects in its xenstore (store/); pool/ mirrors them into etcd
 * under one prefix, reads the pool's view of every host, and keeps the
 * host's liveness on a lease.  Used by xe (pool-join, pool-eject, the
 * pool-wide lists) and xen-sriovd (the mirror and the lease).
 *
 * etcd keys, under <prefix> (pool.conf's prefix=, default /xen-sriov):
 *   <prefix>/schema-version            POOL_SCHEMA_VERSION, compared by
 *                                      every write transaction
 *   <prefix>/pool                      the pool record (JSON)
 *   <prefix>/obj/<class>/<host>/<uuid> a host's object (JSON), written by
 *                                      that host only
 *   <prefix>/live/<host>               its hostname, on the host's lease:
 *                                      gone when its xen-sriovd is
 *   <prefix>/eject/<host>              "pool-eject asked": the host leaves
 *   <prefix>/network/<uuid>            a pool-wide network (JSON, without
 *                                      PIFs and VIFs); each host holds a
 *                                      copy in its store (pool-network.c)
 *   <prefix>/bridge/<name>             the pool-wide network of that bridge
 *   <prefix>/destroyed/<uuid>          destroyed, some host has a copy
 *   <prefix>/counter/network-bridge    the next xapiN to try
 *
 * Conventions as store/: -errno, and pool_last_error() says what to do.
 */
#ifndef XEN_SRIOV_POOL_H
#define XEN_SRIOV_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define POOL_SCHEMA_VERSION "1"
#define POOL_CONF_REL "etc/xen-sriov/pool.conf"
#define POOL_DEFAULT_PREFIX "/xen-sriov"
#define POOL_DEFAULT_LEASE_TTL 10
/* How long a forwarded call may take (a network-sriov-create enables
 * VFs: seconds on real NICs), for xe's and XenAPI's alike. */
#define POOL_CALL_TIMEOUT_S 120

typedef struct pool pool;

/* pool.conf: key=value lines, '#' comments. */
struct pool_conf {
    char **endpoints;           /* etcd-endpoints=, ','-separated */
    char *prefix;               /* prefix= */
    int64_t lease_ttl;          /* lease-ttl= (seconds) */
    char *cacert, *cert, *key;  /* etcd-cacert=, etcd-cert=, etcd-key= */
};

void pool_conf_done(struct pool_conf *c);
/* <root>/etc/xen-sriov/pool.conf (root NULL: "/"). */
int pool_conf_path(const char *root, char **ret);
/*
 * @return 1 read; 0 there is none (this host is in no pool); < 0 with
 *         the message in errbuf (a line it cannot read, and where)
 */
int pool_conf_load(const char *root, struct pool_conf *ret, char *errbuf,
                   size_t errbuf_size);
/* Parse "etcd-endpoints=a,b" style values into c (for pool-join). */
int pool_conf_set(struct pool_conf *c, const char *key, const char *value,
                  char *errbuf, size_t errbuf_size);
/* Written atomically (temp file, rename), directories made. */
int pool_conf_save(const char *root, const struct pool_conf *c,
                   char *errbuf, size_t errbuf_size);
int pool_conf_remove(const char *root);

/*
 * A handle on the pool this host is in.
 * @return 1 with *ret set; 0 when pool.conf is absent (*ret NULL); < 0
 *         with the message in errbuf
 */
int pool_open(pool **ret, const char *root, char *errbuf,
              size_t errbuf_size);
/* The same from a configuration (pool-join, before it is saved). */
int pool_open_conf(pool **ret, const struct pool_conf *c, char *errbuf,
                   size_t errbuf_size);
pool *pool_close(pool *p);                     /* NULL-safe */
const char *pool_last_error(const pool *p);
const struct pool_conf *pool_get_conf(const pool *p);
/* etcd requests sent through this handle (benchmarks). */
uint64_t pool_requests(const pool *p);

/* The classes a host mirrors (NULL-terminated), pool-wide in reads. */
extern const char *const pool_classes[];
bool pool_class_mirrored(const char *cls);

/*
 * Join: make the pool in etcd if it is new (schema version, pool record
 * with master = this host), refuse a pool of another schema version
 * (-EPROTO), clear an old eject mark, then mirror this host.
 */
int pool_join(pool *p, store *st, const char *host_uuid);

/*
 * The remaining capacity of this host's network_sriov @p uuid, put into
 * its mirrored record (the mirror has no sysfs of its own: xen-sriovd
 * computes it as xe does).  < 0: leave it out this time.
 */
typedef int (*pool_capacity_fn)(void *userdata, const char *uuid,
                                int64_t *ret);
void pool_set_capacity(pool *p, pool_capacity_fn fn, void *userdata);

/*
 * The remaining capacity of another host's network_sriov, as that host
 * last mirrored it: -ENOENT for no such network_sriov, -ENODATA when its
 * host mirrored none (no xen-sriovd running since it joined).
 */
int pool_sriov_capacity(pool *p, const char *uuid, int64_t *ret);

/*
 * Mirror this host's objects into etcd: what changed is written, what is
 * gone deleted, in transactions that compare each key's mod_revision
 * (retried on a conflict), at most 1 MiB per transaction (less while etcd
 * refuses that).
 * @return the number of keys written or deleted; -EPROTO if the pool's
 *         schema version is not ours; -E2BIG when a record is larger
 *         than etcd takes in one request (the others are mirrored)
 */
int pool_mirror(pool *p, store *st, const char *host_uuid);

/*
 * Liveness: grant the lease if there is none or it expired, renew it,
 * and (re)write <prefix>/live/<host> on it.  Call every lease-ttl/3.
 * @param[in,out] lease  0 at first
 */
int pool_heartbeat(pool *p, const char *host_uuid, const char *hostname,
                   int64_t *lease);

/* A clean stop: end the lease, so the host shows not live at once. */
int pool_lease_end(pool *p, int64_t lease);

/* Every object of a mirrored class in the pool (records for reading,
 * sorted by uuid); the pool record for "pool". */
int pool_list(pool *p, const char *cls, store_record ***ret, size_t *n);
/* The uuids of the hosts whose lease is alive, NULL-terminated. */
int pool_live_hosts(pool *p, char ***ret, size_t *n);
/* The host an object of the pool belongs to (its key's <host>), or
 * -ENOENT. */
int pool_owner(pool *p, const char *cls, const char *uuid, char ret[37]);

/*
 * VMs (xl configs and domains, ops_vm_list) are no store records: each
 * host's xen-sriovd mirrors them as JSON it makes itself (with
 * "resident_on" for a running one) under <prefix>/obj/VM/<host>/<uuid>.
 * Control domains are not mirrored (every host's dom0 has the nil uuid).
 */
#define POOL_VM_CLASS "VM"

/* Make host_uuid's VM keys in etcd these n (uuid, JSON) pairs: what
 * changed written, what is gone deleted, as pool_mirror. */
int pool_mirror_vms(pool *p, const char *host_uuid,
                    const char *const *uuids, const char *const *jsons,
                    size_t n);

struct pool_vm {
    char host[64];              /* whose VM (36 characters) */
    char uuid[64];
    char *json;                 /* as its host mirrored it */
};

/* Every host's mirrored VMs. */
int pool_vm_list(pool *p, struct pool_vm **ret, size_t *n);
void pool_vm_list_free(struct pool_vm *v, size_t n);

/*
 * The host of VM @p uuid for a call naming it: 0 when this host (@p
 * self) has it or no host does; 1 with ret set to another host that has
 * it (the one it runs on first).
 */
int pool_vm_owner(pool *p, const char *self, const char *uuid, char ret[37]);

/*
 * pool-eject: remove the host's objects and liveness from the pool and
 * mark it ejected (its xen-sriovd then leaves: pool_left); the pool's
 * master moves to another host.  -ENOENT when the host is not in the
 * pool.
 */
int pool_eject(pool *p, const char *host_uuid);
/* 1 when the host has been ejected (its mark is there). */
int pool_is_ejected(pool *p, const char *host_uuid);
/* This host leaves: its keys and mark deleted (pool.conf is the
 * caller's). */
int pool_leave(pool *p, const char *host_uuid);

/* ---- forwarding (docs/pool.md) ---- */

/*
 * Find the host that owns an object of the pool, whatever its class
 * (one range per mirrored class): 0 with ret set, -ENOENT.
 */
int pool_find_owner(pool *p, const char *uuid, char ret[37]);

/*
 * Whether the object @p uuid (any mirrored class, or a VM:
 * pool_vm_owner) is another host's: 1 with @p ret its host; 0 when it is
 * in this host's store @p st (read there) or in no host's (the caller's
 * handler says so).
 */
int pool_remote_owner(pool *p, store *st, const char *self,
                      const char *uuid, char ret[37]);

/*
 * Ask @p host to run @p request (JSON text) and wait for its answer:
 * the call is put at <prefix>/call/<host>/<id> on a lease of the caller
 * (it vanishes if the caller dies or gives up), the answer read from
 * <prefix>/result/<id>.
 * @return 0 with *ret the answer (free()); -EHOSTDOWN when the host is
 *         not live or stops being live; -ETIME after @p timeout_s;
 *         -E2BIG when the request or the answer is larger than etcd
 *         takes in one request (pool_last_error() says what to do)
 */
int pool_call(pool *p, const char *host, const char *request, int timeout_s,
              char **ret);

/*
 * The callee: the calls waiting for @p host, claimed (deleted in a
 * transaction, so each runs once), one at a time: 1 with *ret_id (37
 * bytes) and *ret_request (free()), 0 when none waits.
 */
int pool_take_call(pool *p, const char *host, char ret_id[37],
                   char **ret_request);
/* Put the answer for call @p id (on @p lease: gone with the callee).  An
 * answer larger than etcd takes is replaced by {"too_big": size}, which
 * pool_call() turns into -E2BIG for the caller (and -E2BIG here). */
int pool_answer(pool *p, const char *id, const char *answer, int64_t lease);

/*
 * The callee's wait for calls and for its eject mark, on one etcd watch
 * of <prefix>/call/<host>/ and <prefix>/eject/<host>: @p fn is called
 * when a call may wait (once when the watch is in place, for what came
 * before it, then on every new call), with @p eject true when the host
 * may have been ejected (the mark put, or the watch just in place: look
 * with pool_is_ejected).  Blocks until @p *stop or @p max_ms, then 0;
 * < 0 as etcd_watch (wait, call again).
 */
int pool_watch_calls(pool *p, const char *host, long max_ms,
                     void (*fn)(void *userdata, bool eject), void *userdata,
                     const volatile bool *stop);

/* ---- pool-wide networks (pool-network.c, docs/pool.md) ---- */

/*
 * network.create and network.destroy's questions to the pool (ops.h's
 * struct ops_pool_hooks): the ops context's pool_userdata is the host
 * root (NULL: "/"), whose pool.conf says whether it is in a pool.
 */
struct ops_pool_hooks;
extern const struct ops_pool_hooks pool_network_hooks;

/* What a host's xen-sriovd knows of the pool-wide networks it holds: the
 * revision of each it applied and its record as it was then. */
typedef struct pool_netsync pool_netsync;
int pool_netsync_new(pool_netsync **ret);
pool_netsync *pool_netsync_free(pool_netsync *s);       /* NULL-safe */

/*
 * Bring this host's copies of the pool-wide networks (<prefix>/network/)
 * in line: this host's physical networks onto the pool's network of the
 * same bridge (its PIFs and VIFs moved there) or made pool-wide when
 * the pool has none; every pool-wide network made here if missing and
 * changed as the pool's; a change made here (network-param-set) put into
 * the pool; a network the pool destroyed destroyed here (with @p s: from
 * the second call on; kept when this host still uses it).
 * @return the number of changes; < 0 when etcd cannot answer, or after
 *         the other networks when one could not be made here (a bridge
 *         this host's own network has): pool_last_error() says which
 */
int pool_network_sync(pool *p, store *st, const char *host_uuid,
                      pool_netsync *s);

/* ---- following the pool's objects (XenAPI events) ---- */

enum pool_change_op { POOL_CHANGE_ADD, POOL_CHANGE_MOD, POOL_CHANGE_DEL };

/* The class a host's liveness (<prefix>/live/<host>) is reported as:
 * ADD when the host became live, DEL when it stopped (lease expired or
 * revoked), with @p host and @p uuid the host's uuid. */
#define POOL_CHANGE_LIVE "live"

/*
 * An object of host @p host changed (every host's, this one's too); the
 * pool record as class "pool" (host ""), a host's liveness as
 * POOL_CHANGE_LIVE.
 */
typedef void (*pool_change_fn)(void *userdata, const char *cls,
                               const char *host, const char *uuid,
                               enum pool_change_op op);

/* What a follower has seen: every object key and its mod_revision, and
 * the etcd revision to watch from. */
typedef struct pool_follower pool_follower;
int pool_follower_new(pool_follower **ret);
pool_follower *pool_follower_free(pool_follower *f);    /* NULL-safe */

/*
 * Report every change of the pool's objects, its record and its hosts'
 * liveness to @p fn, as they happen (an etcd watch of <prefix>/, the
 * calls and answers skipped).  The first call reads every object and
 * reports those it had not seen (all, the first time) as added; later
 * calls go on from the revision the previous one stopped at, so nothing
 * is missed across a broken watch or an etcd restart.  When etcd has
 * compacted that revision away, every object is read again and the
 * difference reported (added, modified, deleted), and the call returns
 * then (call again: it watches from there).  Blocks until @p *stop or
 * @p max_ms: 0; < 0 when etcd cannot be reached (wait and call again
 * with the same follower).
 */
int pool_follow(pool *p, pool_follower *f, long max_ms, pool_change_fn fn,
                void *userdata, const volatile bool *stop);
/* How many times etcd had compacted what the watch needed (each time
 * every object was read again). */
unsigned pool_follower_resyncs(const pool_follower *f);
/* Out of the pool: every object seen reported deleted, and forgotten. */
void pool_follower_forget(pool_follower *f, pool_change_fn fn,
                          void *userdata);

#endif
