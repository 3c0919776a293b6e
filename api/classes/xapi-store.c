/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Set up: connect, make the host and pool records, register it all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/classes/internal.h"

int xapi_store_new(struct xapi_store **ret, struct xapi *api,
                   const struct xapi_store_options *opts)
{
    const struct xapi_logger *log = xapi_get_logger(api);
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xstore_conn *c = NULL;
    struct xapi_store *xs;
    char host_uuid[37], host_ref[XAPI_REF_MAX];
    char msg[512] = "";
    int r;

    xs = calloc(1, sizeof(*xs));
    if (!xs)
        return -ENOMEM;
    pthread_mutex_init(&xs->lock, NULL);
    pthread_cond_init(&xs->feed_cond, NULL);
    xs->api = api;
    xs->feed_stop_fd = -1;
    xs->max_idle = opts && opts->max_idle ? opts->max_idle : 64;
    if (opts) {
        xs->no_xen = opts->no_xen;
        xs->new_uuid = opts->new_uuid;
        xs->uuid_userdata = opts->uuid_userdata;
        xs->vif_plug = opts->vif_plug;
        xs->plug_userdata = opts->plug_userdata;
        if ((opts->root && !(xs->root = strdup(opts->root))) ||
            (opts->hostname && !(xs->hostname = strdup(opts->hostname)))) {
            xapi_store_free(xs);
            return -ENOMEM;
        }
    }
    r = xstore__conn_open(xs, &c, msg, sizeof(msg));
    if (r < 0) {
        xapi_log(log, LOG_ERR, "cannot open the store: %s",
                 *msg ? msg : strerror(-r));
        goto fail;
    }
    snprintf(c->caller, sizeof(c->caller), "xapi setup");
    r = ops_host_ensure(&c->ops, host_uuid, &err);
    if (r < 0) {
        xapi_log(log, LOG_ERR, "cannot make the host and pool records: "
                 "%s %s", err.code, err.n_params ? err.params[0] : "");
        xapi_error_clear(&err);
        goto fail;
    }
    /* The machine's facts, as XAPI's dbsync at start; a failure only
     * leaves the stored ones. */
    if (ops_host_refresh(&c->ops, host_uuid, &err) < 0) {
        xapi_log(log, LOG_WARNING, "cannot refresh the host record: %s %s",
                 err.code, err.n_params ? err.params[0] : "");
        xapi_error_clear(&err);
    }
    /* Tasks and sessions run here: their resident_on, this_host. */
    memcpy(xs->host_uuid, host_uuid, sizeof(host_uuid));
    snprintf(host_ref, sizeof(host_ref), "OpaqueRef:%s", host_uuid);
    r = xapi_tasks_set_host(xapi_get_tasks(api), host_ref);
    xapi_sessions_set_host(xapi_get_sessions(api), host_ref);
    if (r < 0)
        goto fail;
    xstore__release(xs, c);
    c = NULL;
    r = xstore__register_classes(xs);
    if (r >= 0)
        r = xstore__register_setters(xs);
    if (r >= 0)
        r = xstore__register_methods(xs);
    if (r >= 0)
        r = xstore__register_vif(xs);
    if (r >= 0)
        r = xstore__register_vm(xs);
    if (r >= 0) {
        xstore__xen_open(xs);
        r = xstore__register_xencenter(xs);
    }
    if (r < 0) {
        xapi_log(log, LOG_ERR, "cannot register the XenAPI classes: %s",
                 strerror(-r));
        goto fail;
    }
    *ret = xs;
    return 0;
fail:
    xstore__conn_close(c);
    xapi_store_free(xs);
    return r;
}

struct xapi_store *xapi_store_free(struct xapi_store *xs)
{
    if (!xs)
        return NULL;
    xapi_store_feed_stop(xs);
    while (xs->idle) {
        struct xstore_conn *c = xs->idle;

        xs->idle = c->next;
        xstore__conn_close(c);
    }
    xstore__xen_close(xs);
    pthread_cond_destroy(&xs->feed_cond);
    pthread_mutex_destroy(&xs->lock);
    free(xs->setters);
    free(xs->root);
    free(xs->hostname);
    free(xs);
    return NULL;
}
