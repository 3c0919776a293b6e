/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Store handles for the endpoint's threads: one per call, kept idle. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/classes/internal.h"

struct xstore_conn *xstore__conn_close(struct xstore_conn *c)
{
    if (c) {
        store_close(c->st);
        pool_close(c->pool);
        sriov_ctx_free(c->sriov);
        free(c);
    }
    return NULL;
}

/* The operations' line per committed change ("xapi <client>: ..."), to
 * the endpoint's log. */
static void log_change(void *userdata, const char *line)
{
    struct xapi_store *xs = userdata;

    xapi_log(xapi_get_logger(xs->api), LOG_INFO, "%s", line);
}

int xstore__conn_open(struct xapi_store *xs, struct xstore_conn **ret,
                      char *msg, size_t msg_size)
{
    struct store_opts o = { .root = xs->root };
    struct xstore_conn *c = calloc(1, sizeof(*c));
    int r;

    if (!c)
        return -ENOMEM;
    c->xs = xs;
    r = sriov_ctx_new(&c->sriov);
    if (r >= 0 && xs->root && *xs->root)
        r = sriov_ctx_set_root(c->sriov, xs->root);
    if (r < 0) {
        snprintf(msg, msg_size, "%s", c->sriov
                 ? sriov_ctx_last_error(c->sriov) : strerror(-r));
        xstore__conn_close(c);
        return r;
    }
    r = store_open(&c->st, &o, msg, msg_size);
    if (r < 0) {
        xstore__conn_close(c);
        return r;
    }
    c->ops = (struct ops_ctx){
        .sriov = c->sriov,
        .st = c->st,
        .caller = c->caller,
        .hostname = xs->hostname,
        .log = log_change,
        .log_userdata = xs,
        .new_uuid = xs->new_uuid,
        .uuid_userdata = xs->uuid_userdata,
        .pool = &pool_network_hooks,        /* pool-wide networks */
        .pool_userdata = xs->root,
    };
    snprintf(c->caller, sizeof(c->caller), "xapi");
    *ret = c;
    return 0;
}

int xstore__acquire(struct xapi_store *xs, const char *caller,
                    struct xstore_conn **ret, struct xapi_error *err)
{
    struct xstore_conn *c;
    char msg[512] = "";
    int r;

    pthread_mutex_lock(&xs->lock);
    c = xs->idle;
    if (c) {
        xs->idle = c->next;
        xs->n_idle--;
    }
    pthread_mutex_unlock(&xs->lock);
    if (!c) {
        r = xstore__conn_open(xs, &c, msg, sizeof(msg));
        if (r < 0)
            return xapi_error_internal(err, r, "%s",
                                       *msg ? msg : strerror(-r));
    }
    snprintf(c->caller, sizeof(c->caller), "%s", caller ? caller : "xapi");
    c->next = NULL;
    *ret = c;
    return 0;
}

/* A connection whose socket failed is not given to the next call. */
static bool broken(const struct xstore_conn *c)
{
    int e = store_last_errno(c->st);

    return e == -ECONNRESET || e == -ECONNREFUSED || e == -EPIPE ||
           e == -EBADF;
}

void xstore__release(struct xapi_store *xs, struct xstore_conn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&xs->lock);
    if (!broken(c) && xs->n_idle < xs->max_idle) {
        c->next = xs->idle;
        xs->idle = c;
        xs->n_idle++;
        c = NULL;
    }
    pthread_mutex_unlock(&xs->lock);
    xstore__conn_close(c);
}

void xstore__caller(const struct xapi_call *call, char *buf, size_t size)
{
    snprintf(buf, size, "xapi %s", call->client ? call->client : "?");
}
