/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xe program's context, handed to every handler as xe_call.userdata:
 * the libsriov context, the object store (connected on first use, so that
 * `xe help` and parse errors never need xenstored) and the ops context of
 * ops/ops.h.  Also how records are read for display
 * (xe_read_records) and how error parameters are shown
 * (xe_frontend_describe).
 */
#ifndef XEN_SRIOV_XE_FRONTEND_H
#define XEN_SRIOV_XE_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>

#include "xe/records.h"
#include "ops/ops.h"
#include "pool/pool.h"
#include "xe/run.h"

struct xe_frontend {
    sriov_ctx *ctx;
    char *root;                 /* SRIOV_ROOT, NULL for "/" */
    store *st;                  /* NULL until xe_frontend_ops() */
    struct ops_ctx ops;
    char caller[64];
    bool plugin_dry_run;        /* vif-plug/-unplug touch nothing (tests) */
    pool *pool;                 /* NULL until xe_frontend_pool() */
    int pool_state;             /* 0 not asked, 1 in a pool, -1 not */
    bool pool_warned;           /* "showing this host only" said once */
    bool no_forward;            /* a forwarded call: run it here */
};

/*
 * Set up fe for the host root (NULL: "/"); takes a reference to ctx, which
 * must outlive fe.  caller names who runs the commands ("xe uid=0").
 */
int xe_frontend_init(struct xe_frontend *fe, sriov_ctx *ctx,
                     const char *root, const char *caller);
void xe_frontend_done(struct xe_frontend *fe);

/*
 * The ops context, connecting to xenstored on first use.  On failure err
 * holds "Error: cannot connect to xenstored at ...: start xenstored".
 */
int xe_frontend_ops(struct xe_frontend *fe, struct ops_ctx **ret,
                    struct xapi_error *err);

/*
 * The pool this host is in ($SRIOV_ROOT/etc/xen-sriov/pool.conf,
 * docs/pool.md), opened on first use: 1 with *ret set, 0 when the host
 * is in no pool, < 0 (err set) when pool.conf cannot be read.
 */
int xe_frontend_pool(struct xe_frontend *fe, pool **ret,
                     struct xapi_error *err);

/*
 * A network_sriov's remaining capacity: computed here for this host's,
 * as its host last mirrored it for another host's (docs/pool.md).
 */
int xe_frontend_sriov_capacity(struct xe_frontend *fe, const char *uuid,
                               int64_t *ret, struct xapi_error *err);

/*
 * The objects of a class as this command shows them: the pool's (etcd)
 * for the mirrored classes of a host in a pool, else this host's store.
 * When etcd cannot answer, this host's records, and one line on stderr
 * saying the list is this host's only.
 */
int xe_frontend_list(struct xe_frontend *fe, const char *cls,
                     store_record ***ret, size_t *n, struct xapi_error *err);

/*
 * Forwarding (xe/forward.c, docs/pool.md), xe_env.forward: in a pool, a
 * command that changes state and names (uuid=, pif-uuid=, host-uuid=,
 * network-uuid=) an object of another host is run by that host's
 * xen-sriovd; its output and exit status are this command's.
 * HOST_OFFLINE [host] when that host is not live or stops answering.
 */
int xe_frontend_forward(void *userdata, const struct xe_args *args, int argc,
                        char *const *argv, FILE *out, FILE *err,
                        int *status, struct xapi_error *xerr);

/*
 * The callee's side: run a forwarded request ({"argv": [...]}) here as
 * root, answer {"status", "out", "err"} (free()).  -EBADMSG for a
 * request that is not one.
 */
int xe_frontend_serve_call(struct xe_frontend *fe,
                           const struct xe_cmdtable *table,
                           const char *hostname, const char *request,
                           char **ret_answer);

/*
 * xe's error parameter display (xe_describe_fn): "OpaqueRef:<uuid>"
 * becomes "<uuid> (<name-label>)" for objects with a name, "<uuid>"
 * otherwise; anything else is left as it is (NULL).
 */
char *xe_frontend_describe(void *userdata, const char *value);

/* Records read for one command; free with xe_records_free(). */
struct xe_records {
    struct xe_record **v;
    size_t n;
    struct xe_reader *reader;   /* resolves refs and computed fields */
    char **notes;               /* NULL-terminated; what the list cannot
                                   show (a VM without uuid and why) */
};

/*
 * Read the objects of cls (all of them, or the one uuid names: then
 * UUID_INVALID [class; uuid] when there is none) as xe records.  Stored
 * fields are filled at once; references, fields of referred objects and
 * computed fields (remaining-capacity, vm-name-label) are read only when
 * a printer or a filter asks for them.
 */
int xe_read_records(struct xe_frontend *fe, const struct xe_class_def *cls,
                    const char *uuid, struct xe_records *ret,
                    struct xapi_error *err);
void xe_records_free(struct xe_records *r);

/*
 * The VM records (xe/reader-vm.c): not stored, read from Xen by
 * ops_vm_list(); one VM when uuid is given (UUID_INVALID [VM; uuid]).
 * A VM without uuid is listed with uuid "" and its reason in ret->notes.
 */
int xe_read_vm_records(struct xe_frontend *fe, const char *uuid,
                       struct xe_records *ret, struct xapi_error *err);

#endif
