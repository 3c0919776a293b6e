/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of api/classes: the handle pool, refs, argument
 * decoding, shared by its files. */
#ifndef XEN_SRIOV_XAPI_STORE_INTERNAL_H
#define XEN_SRIOV_XAPI_STORE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "libsriov/macro.h"
#include "api/classes/xapi-store.h"

/* "OpaqueRef:NULL": XAPI's null reference. */
#define XSTORE_NULL_REF "OpaqueRef:NULL"

/* One connection's worth: a store handle, a libsriov context, the ops
 * context over both.  Borrowed by one call at a time. */
#include "pool/pool.h"

struct xstore_conn;

/*
 * The records of a class as XenAPI shows them (classes.c): in a pool
 * (pool.conf), the mirrored classes and the pool record are the pool's,
 * read from etcd (docs/pool.md); else, or when etcd cannot answer (then
 * logged), this host's store.
 */
int xstore__list(struct xapi_store *xs, struct xstore_conn *c,
                 const char *cls, store_record ***ret, size_t *n);

/* The metrics object (host_metrics, PIF_metrics) of an object: a uuid
 * made from its class and uuid, the same on every read and every host. */
void xstore__metrics_ref(const char *cls, const char *uuid,
                         char ret[XAPI_REF_MAX], char ret_uuid[37]);

struct xstore_conn {
    struct xapi_store *xs;      /* whose connection it is */
    store *st;
    pool *pool;                 /* the pool's etcd while pool.conf names
                                   one (xstore__list) */
    sriov_ctx *sriov;
    struct ops_ctx ops;
    char caller[128];
    struct xstore_conn *next;
};

/*
 * The remaining capacity of network_sriov @p uuid when it is another
 * host's: 1 with *ret as its host last mirrored it (docs/pool.md); 0
 * when it is this host's (compute it here); -ENOENT when no host has
 * it; another < 0 with pool_last_error(c->pool).
 */
int xstore__sriov_capacity(struct xstore_conn *c, const char *uuid,
                           int64_t *ret);

/* What a generated setter changes. */
struct xstore_setter {
    struct xapi_store *xs;
    const struct schema_class *cls;
    const struct schema_field *field;
};

/* A registered class: the userdata of its list and get callbacks. */
struct xstore_class {
    struct xapi_store *xs;
    const struct schema_class *cls;
};

#define XSTORE_MAX_CLASSES 16

struct xstore_conn;

/* A class-specific call (methods.c): name, arity, what it does. */
struct xstore_call_def {
    const char *name;
    unsigned nargs;
    int (*body)(struct xstore_conn *c, struct xv *const *args,
                struct xv **ret, struct xapi_error *err);
};

/* Its userdata once registered. */
struct xstore_call {
    struct xapi_store *xs;
    const struct xstore_call_def *def;
};

#define XSTORE_N_CALLS 7

struct xapi_store {
    struct xapi *api;
    char *root;
    char *hostname;
    ops_uuid_fn new_uuid;
    void *uuid_userdata;
    unsigned max_idle;
    char host_uuid[37];
    bool no_xen;                /* never ask Xen (dry run) */
    xapi_store_plug_fn vif_plug;    /* VIF.plug/unplug (vif.c) */
    void *plug_userdata;
    struct xstore_vif_call {        /* their userdata (vif.c) */
        struct xapi_store *xs;
        int op;
    } vif_calls[3];
    struct libxl__ctx *xl;      /* NULL: Xen did not answer (xencenter.c) */
    char xen_version[64];       /* libxl's "4.17.3", or "" */

    pthread_mutex_t lock;       /* also serialises calls on xl */       /* the idle list */
    struct xstore_conn *idle;
    unsigned n_idle;

    struct xstore_class classes[XSTORE_MAX_CLASSES];
    struct xstore_call calls[XSTORE_N_CALLS];

    struct xstore_setter *setters;  /* every rw field of every class */
    size_t n_setters;

    /* The feed (feed.c). */
    pthread_t feed_thread;
    bool feed_running;
    int feed_stop_fd;
    pthread_cond_t feed_cond;   /* under lock: feed_ready changed */
    bool feed_ready;            /* the first watch is armed (or failed) */
    /* The pool's feed (feed.c): other hosts' objects, from etcd. */
    pthread_t pool_thread;
    bool pool_running;
    volatile bool pool_stop;
    /* The VMs' watch (vm.c), stopped with the feed. */
    pthread_t vm_thread;
    bool vm_running;
};

/*
 * Borrow a connection for one call (opened if none is idle); caller names
 * who calls ("xapi unix:uid=0").  INTERNAL_ERROR when xenstored cannot be
 * reached.
 */
int xstore__acquire(struct xapi_store *xs, const char *caller,
                    struct xstore_conn **ret, struct xapi_error *err);
/* Give it back (closed if the store connection broke or enough idle). */
void xstore__release(struct xapi_store *xs, struct xstore_conn *c);
/* Open a connection of one's own (the feed's). */
int xstore__conn_open(struct xapi_store *xs, struct xstore_conn **ret,
                      char *msg, size_t msg_size);
struct xstore_conn *xstore__conn_close(struct xstore_conn *c);

/* The uuid inside "OpaqueRef:<uuid>" (canonical lowercase), or NULL. */
const char *xstore__ref_uuid(const char *ref);

/*
 * The uuid of argument args[i], a ref to an object of cls that exists:
 * HANDLE_INVALID [cls, ref] otherwise (FIELD_TYPE_ERROR for a non-string).
 */
int xstore__resolve(struct xstore_conn *c, const char *cls,
                    struct xv *const *args, size_t i,
                    const char **ret_uuid, struct xapi_error *err);

/* A VM (ops_vm_find) by its uuid: HANDLE_INVALID [VM; OpaqueRef:uuid]
 * when there is none. */
int xstore__vm_exists(struct xstore_conn *c, const char *uuid,
                      struct xapi_error *err);

/* The same for a ref given as text (a record member). */
int xstore__resolve_ref(struct xstore_conn *c, const char *cls,
                        const char *ref, const char **ret_uuid,
                        struct xapi_error *err);

/*
 * A scalar argument as the store's text: a string as it is, an int in
 * decimal, a bool "true"/"false" (buf holds converted values).
 * FIELD_TYPE_ERROR [what] for anything else.
 */
int xstore__scalar_text(const struct xv *v, const char *what,
                        char buf[32], const char **ret,
                        struct xapi_error *err);

/*
 * A map argument (struct of strings) as key, value, ..., NULL pairs
 * borrowed from v (free the array only).  FIELD_TYPE_ERROR [what].
 */
int xstore__map_pairs(const struct xv *v, const char *what,
                      const char ***ret, struct xapi_error *err);

/* network.create's record, decoded (decode.c); strings borrowed from
 * the record or held in buf. */
struct xstore_network_args {
    struct ops_network_args ops;
    const char **other_config;
    const char **tags;
    char buf[5][32];
};

/*
 * Decode network.create's record: FIELD_TYPE_ERROR [args] for a
 * non-struct, [member] for a member of the wrong type.  Dispose with
 * xstore__network_args_done() (also after a failure).
 */
int xstore__decode_network(const struct xv *rec,
                           struct xstore_network_args *a,
                           struct xapi_error *err);
void xstore__network_args_done(struct xstore_network_args *a);

/* VIF.create's record, decoded: network_ref still to resolve. */
struct xstore_vif_args {
    struct ops_vif_args ops;
    const char *network_ref;
    const char **other_config, **qos_params;
    char *sets[3];              /* ipv4_allowed, ipv6_allowed, trunks */
    char vm[37];
    char buf[6][32];
};

/* The same for VIF.create (HANDLE_INVALID [VM, ref] for a VM that is not
 * "OpaqueRef:<uuid>"). */
int xstore__decode_vif(const struct xv *rec, struct xstore_vif_args *a,
                       struct xapi_error *err);
void xstore__vif_args_done(struct xstore_vif_args *a);

/* Register the classes (classes.c), their setters (setters.c) and the
 * class-specific calls (methods.c, vif.c). */
int xstore__register_classes(struct xapi_store *xs);
int xstore__register_setters(struct xapi_store *xs);
int xstore__register_methods(struct xapi_store *xs);
int xstore__register_vif(struct xapi_store *xs);
/* A VIF record's allowed_operations as XAPI computes them
 * (xapi_vif_helpers.ml valid_operations), for this host's VIFs. */
int xstore__vif_decorate(struct xstore_conn *c, const store_record *sr,
                         struct xv *rec);
/* The VM class, read from Xen (vm.c), and its events: a thread started
 * and stopped with the feed. */
int xstore__register_vm(struct xapi_store *xs);
int xstore__vm_watch_start(struct xapi_store *xs);
void xstore__vm_watch_stop(struct xapi_store *xs);

/* XenCenter's reads (xencenter.c): Xen's handle, the fields the store
 * does not hold (host.metrics, license_params, software_version's
 * platform keys, PIF.metrics) added to the XenAPI record REC of store
 * record SR, a PIF's IP configuration read from the kernel, and the classes
 * host_metrics, PIF_metrics, the empty ones, host.get_servertime. */
void xstore__xen_open(struct xapi_store *xs);
void xstore__xen_close(struct xapi_store *xs);
int xstore__decorate(struct xapi_store *xs, struct xstore_conn *c,
                     const store_record *sr, struct xv *rec);
const char *const *xstore__fields(const struct schema_class *c);
int xstore__register_xencenter(struct xapi_store *xs);

/* Every record of cls in one read, each made by build (its ref in ref):
 * {ref: record}. */
typedef int (*xstore_build_fn)(void *userdata, struct xstore_conn *c,
                               const store_record *rec,
                               char ref[XAPI_REF_MAX], struct xv **ret);
int xstore__all_of(struct xapi_store *xs, const char *cls,
                   xstore_build_fn build, void *userdata, struct xv **ret,
                   struct xapi_error *err);

/*
 * In a pool, a call whose first @p n_look arguments (or a record
 * argument's members) name another host's object runs on that host (forward.c, docs/pool.md):
 * 1 with *ret its result, < 0 with err its error (the other host's as it
 * is; HOST_OFFLINE [host ref] when it is not live or does not answer in
 * POOL_CALL_TIMEOUT_S); 0 to run it here.
 */
int xstore__forward(struct xapi_store *xs, const struct xapi_call *call,
                    struct xv *const *args, size_t n, size_t n_look,
                    struct xv **ret, struct xapi_error *err);

/* The session's caller text for the ops log ("xapi <client>"). */
void xstore__caller(const struct xapi_call *call, char *buf, size_t size);

#endif
