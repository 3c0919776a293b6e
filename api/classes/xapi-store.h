/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The XenAPI classes on the object store: host, pool, network, PIF, PCI,
 * network_sriov and VIF served by the endpoint of api from the
 * records in xenstore (store/store.h), their calls on the operations of
 * ops/ops.h (the ones xe runs), and the event feed from a
 * xenstore watch.  xen-sriovd registers it (daemon/api-setup.c).
 *
 * Records come from the schema (xenstore-schema/schema.h), the table xe's
 * records are also read from: every field that is neither internal nor
 * computed, under its XenAPI name, typed as XAPI types it (refs
 * "OpaqueRef:<uuid>", a null ref "OpaqueRef:NULL", ints as ints, sets as
 * arrays, maps as structs).  Refs are the objects' uuids.
 *
 * Threads: the endpoint calls the classes from one thread per connection;
 * each call borrows a store handle (and a libsriov context) of its own
 * from a small pool.  The feed runs in a thread of its own.
 */
#ifndef XEN_SRIOV_XAPI_STORE_H
#define XEN_SRIOV_XAPI_STORE_H

#include "store/store.h"
#include "api/api.h"
#include "ops/ops.h"

/* Plug (or unplug, forced or not) the VIF whose uuid is given. */
typedef int (*xapi_store_plug_fn)(void *userdata, const char *vif_uuid,
                                  bool plug, bool force,
                                  struct xapi_error *err);

struct xapi_store_options {
    const char *root;           /* $SRIOV_ROOT (NULL: "/") */
    const char *hostname;       /* host record's name; NULL: gethostname */
    ops_uuid_fn new_uuid;       /* NULL: random uuids (tests pin them) */
    void *uuid_userdata;
    unsigned max_idle;          /* store handles kept open; 0: 64 */
    bool no_xen;                /* never ask Xen (xen-sriovd --dry-run):
                                   host memory from the kernel, no "xen"
                                   version key */
    /* VIF.plug, VIF.unplug and VIF.unplug_force: the plugin's
     * (plugin_vif_plug/unplug, named as ops/plugin-error.h names them),
     * which this library does not link: xen-sriovd's.  NULL: the calls
     * fail with INTERNAL_ERROR. */
    xapi_store_plug_fn vif_plug;
    void *plug_userdata;
};

struct xapi_store;

/*
 * Connect to the store, make sure the host and pool records exist
 * (ops_host_ensure), and register every class and call in api.
 * @return 0; a negative errno with the reason logged through api's logger
 *         (xenstored not running, a store of another schema version)
 */
int xapi_store_new(struct xapi_store **ret, struct xapi *api,
                   const struct xapi_store_options *opts);

/*
 * Start the event feed: a thread that watches the store and calls
 * xapi_notify() for every object created, changed or destroyed, by
 * anyone (this process, xe, the boot restore).  Stop it before the
 * endpoint is freed.
 */
int xapi_store_feed_start(struct xapi_store *xs);
void xapi_store_feed_stop(struct xapi_store *xs);

/*
 * Run a XenAPI call another member of the pool forwarded here (its
 * xen-sriovd's, docs/pool.md): @p request is a JSON-RPC v1 request whose
 * params omit the session (the caller's host checked it); *ret_answer
 * the JSON-RPC v1 reply (free()), its result or XenAPI error.  The call
 * runs on this host's store, never forwarded again.  -EBADMSG for a
 * request that is not JSON-RPC, -ENOMEM.
 */
int xapi_store_serve_call(struct xapi_store *xs, const char *request,
                          char **ret_answer);

/*
 * Stops the feed, closes the store handles.  Call after the endpoint has
 * stopped serving and its Async calls have ended (xapi_stop_tasks() or
 * xapi_free(); the registered calls point into xs).  NULL-safe;
 * returns NULL.
 */
struct xapi_store *xapi_store_free(struct xapi_store *xs);

/*
 * One store record as its XenAPI record (an XV_STRUCT, caller frees).
 * -ENOMEM only.  Shared with the fuzzer.
 */
int xapi_store_record(const store_record *r, struct xv **ret);

/* NULL-terminated names of the XenAPI fields of class c (static). */
const char *const *xapi_store_fields(const struct schema_class *c);

#endif
