/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event feed: a xenstore watch on the store's root, in a thread of its
 * own, turned into xapi_notify() calls.  Every committed change shows,
 * whoever made it (this endpoint, a separate xe, the boot restore).  When
 * the whole tree was rewritten (a restore: RESET) every object is
 * reported modified; when xenstored goes away the watch is opened again.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "api/classes/internal.h"

static enum xapi_event_op event_op(enum store_event_op op)
{
    return op == STORE_EVENT_ADD ? XAPI_EVENT_ADD
         : op == STORE_EVENT_DEL ? XAPI_EVENT_DEL : XAPI_EVENT_MOD;
}

/* true when asked to stop within ms milliseconds. */
static bool stop_requested(struct xapi_store *xs, int ms)
{
    struct pollfd p = { xs->feed_stop_fd, POLLIN, 0 };

    return poll(&p, 1, ms) > 0;
}

/* After a RESET: every object, as modified. */
static void notify_all(struct xapi_store *xs, store *st)
{
    for (size_t i = 0; i < schema_n_classes; i++) {
        char **uuids = NULL;
        size_t n = 0;

        int r;

        /* A restore still writing the tree makes readers wait (EAGAIN). */
        for (int tries = 0; tries < 500; tries++) {
            r = store_list_uuids(st, schema_classes[i]->name, &uuids, &n);
            if (r != -EAGAIN || stop_requested(xs, 10))
                break;
        }
        if (r < 0)
            continue;
        for (size_t k = 0; k < n; k++) {
            char ref[OPS_REF_SIZE];

            xapi_notify(xs->api, schema_classes[i]->name,
                        ops_ref(ref, uuids[k]), XAPI_EVENT_MOD);
        }
        strv_free(uuids);
    }
}

static void deliver(struct xapi_store *xs, store *st,
                    const struct store_event *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ref[OPS_REF_SIZE];

        if (ev[i].op == STORE_EVENT_RESET) {
            notify_all(xs, st);
            continue;
        }
        /* A VM record made or destroyed is a change of the VM's
         * other_config: the VM itself (Xen's) stays. */
        xapi_notify(xs->api, ev[i].cls, ops_ref(ref, ev[i].uuid),
                    strcmp(ev[i].cls, "VM") == 0 ? XAPI_EVENT_MOD
                                                 : event_op(ev[i].op));
    }
}

/* The first watch is armed (or could not be): feed_start may return. */
static void set_ready(struct xapi_store *xs)
{
    pthread_mutex_lock(&xs->lock);
    xs->feed_ready = true;
    pthread_cond_broadcast(&xs->feed_cond);
    pthread_mutex_unlock(&xs->lock);
}

/* Watch until stopped (true) or the connection broke (false). */
static bool watch_once(struct xapi_store *xs, struct xstore_conn *c)
{
    const struct xapi_logger *log = xapi_get_logger(xs->api);
    store_watch *w = NULL;
    int r;

    r = store_watch_new(&w, c->st, NULL);
    set_ready(xs);
    if (r < 0) {
        xapi_log(log, LOG_WARNING, "cannot watch the store: %s",
                 store_last_error(c->st));
        return false;
    }
    for (;;) {
        struct pollfd p[2] = {
            { xs->feed_stop_fd, POLLIN, 0 },
            { store_watch_fd(w), POLLIN, 0 },
        };
        struct store_event *ev = NULL;
        size_t n = 0;

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents) {
            store_watch_free(w);
            return true;
        }
        r = store_watch_read(w, &ev, &n);
        if (r < 0) {
            xapi_log(log, LOG_WARNING, "the store watch stopped (%s): "
                     "watching again", strerror(-r));
            break;
        }
        deliver(xs, c->st, ev, n);
        free(ev);
    }
    store_watch_free(w);
    return false;
}

static void *feed_thread(void *arg)
{
    struct xapi_store *xs = arg;

    for (;;) {
        struct xstore_conn *c = NULL;
        char msg[512];
        bool stopped;

        if (xstore__conn_open(xs, &c, msg, sizeof(msg)) < 0) {
            set_ready(xs);
            if (stop_requested(xs, 1000))
                return NULL;
            continue;
        }
        stopped = watch_once(xs, c);
        xstore__conn_close(c);
        if (stopped || stop_requested(xs, 200))
            return NULL;
        /* Changes made while the watch was down: report everything. */
        if (xstore__conn_open(xs, &c, msg, sizeof(msg)) >= 0) {
            notify_all(xs, c->st);
            xstore__conn_close(c);
        }
    }
}

/*
 * The pool's feed: while pool.conf names a pool, the other hosts' objects
 * followed in etcd (pool_follow: a watch, resumed where it stopped, a
 * full read after a compaction) and notified as this host's are, so one
 * event.from and its token cover both.  This host's own keys are its
 * store's changes mirrored: the store's watch reported them already.
 */

/* Watches end this often to look at pool.conf again (join, eject). */
#define POOL_WATCH_MS 30000

static enum xapi_event_op pool_op(enum pool_change_op op)
{
    return op == POOL_CHANGE_ADD ? XAPI_EVENT_ADD
         : op == POOL_CHANGE_DEL ? XAPI_EVENT_DEL : XAPI_EVENT_MOD;
}

/* This host's own pool record (in no pool) as op: it is the pool while
 * the host is in none, replaced by the pool's record while it is. */
static void notify_local_pool(struct xapi_store *xs, const char *except,
                              enum xapi_event_op op)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xstore_conn *c = NULL;
    char **uuids = NULL;
    size_t n = 0;

    if (xstore__acquire(xs, "xapi", &c, &err) < 0) {
        xapi_error_clear(&err);
        return;
    }
    if (store_list_uuids(c->st, "pool", &uuids, &n) >= 0)
        for (size_t i = 0; i < n; i++) {
            char ref[OPS_REF_SIZE];

            if (strcmp(uuids[i], except) != 0)
                xapi_notify(xs->api, "pool", ops_ref(ref, uuids[i]), op);
        }
    strv_free(uuids);
    xstore__release(xs, c);
}

static void on_pool_change(void *userdata, const char *cls, const char *host,
                           const char *uuid, enum pool_change_op op)
{
    struct xapi_store *xs = userdata;
    char ref[XAPI_REF_MAX];

    if (strlen(uuid) != 36)
        return;
    /* A host's liveness is its host_metrics' live (records.ml's
     * host-metrics-live): every host's, this one's too. */
    if (strcmp(cls, POOL_CHANGE_LIVE) == 0) {
        xstore__metrics_ref("host_metrics", uuid, ref, NULL);
        xapi_notify(xs->api, "host_metrics", ref, XAPI_EVENT_MOD);
        return;
    }
    /* The pool record (master, name): the pool's, over this host's own
     * (joined: this host's goes; left: it comes back). */
    if (strcmp(cls, "pool") == 0) {
        xapi_notify(xs->api, "pool", ops_ref(ref, uuid), pool_op(op));
        if (op != POOL_CHANGE_MOD)
            notify_local_pool(xs, uuid, op == POOL_CHANGE_ADD
                                            ? XAPI_EVENT_DEL : XAPI_EVENT_ADD);
        return;
    }
    if (strcmp(host, xs->host_uuid) == 0)
        return;
    xapi_notify(xs->api, cls, ops_ref(ref, uuid), pool_op(op));
    /* A host joining or leaving brings or takes its metrics. */
    if (strcmp(cls, "host") == 0 && op != POOL_CHANGE_MOD) {
        xstore__metrics_ref("host_metrics", uuid, ref, NULL);
        xapi_notify(xs->api, "host_metrics", ref, pool_op(op));
    }
}

static void *pool_thread(void *arg)
{
    struct xapi_store *xs = arg;
    const struct xapi_logger *log = xapi_get_logger(xs->api);
    pool_follower *f = NULL;
    char said[640] = "-";    /* "-": the first state is said too */

    if (pool_follower_new(&f) < 0) {
        xapi_log(log, LOG_ERR, "no pool events: out of memory");
        return NULL;
    }
    while (!xs->pool_stop) {
        char msg[640] = "";
        pool *p = NULL;
        int r;

        r = pool_open(&p, xs->root, msg, sizeof(msg));
        if (r > 0) {
            unsigned resyncs = pool_follower_resyncs(f);

            r = pool_follow(p, f, POOL_WATCH_MS, on_pool_change, xs,
                            &xs->pool_stop);
            if (pool_follower_resyncs(f) != resyncs)
                xapi_log(log, LOG_NOTICE, "pool events: etcd had compacted "
                         "the revisions the watch needed: every object "
                         "read again, the difference reported");
            if (r < 0)
                snprintf(msg, sizeof(msg), "%s", pool_last_error(p));
        } else if (r == 0) {
            pool_follower_forget(f, on_pool_change, xs);
        }
        p = pool_close(p);
        /* Said once, and again when it changes (out of a pool: nothing). */
        if ((r != 0 || *msg) && strcmp(msg, said) != 0) {
            if (*msg)
                xapi_log(log, LOG_WARNING, "pool events: %s: trying again "
                         "every second", msg);
            else
                xapi_log(log, LOG_NOTICE, "pool events: following etcd");
            snprintf(said, sizeof(said), "%s", msg);
        }
        if (r <= 0 && stop_requested(xs, 1000))
            break;
    }
    pool_follower_free(f);
    return NULL;
}

int xapi_store_feed_start(struct xapi_store *xs)
{
    struct timespec until;
    int r;

    if (xs->feed_running)
        return 0;
    xs->feed_stop_fd = eventfd(0, EFD_CLOEXEC);
    if (xs->feed_stop_fd < 0)
        return -errno;
    r = pthread_create(&xs->feed_thread, NULL, feed_thread, xs);
    if (r) {
        close(xs->feed_stop_fd);
        xs->feed_stop_fd = -1;
        return -r;
    }
    xs->feed_running = true;
    xs->pool_stop = false;
    r = pthread_create(&xs->pool_thread, NULL, pool_thread, xs);
    if (r)
        xapi_log(xapi_get_logger(xs->api), LOG_WARNING, "no pool events: "
                 "cannot start their thread: %s", strerror(r));
    xs->pool_running = r == 0;
    r = xstore__vm_watch_start(xs);
    if (r < 0)
        xapi_log(xapi_get_logger(xs->api), LOG_WARNING, "no VM events: "
                 "cannot start their thread: %s", strerror(-r));
    /* Changes made once this returns are reported: wait (5 s at most)
     * until the watch knows what exists. */
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&xs->lock);
    while (!xs->feed_ready &&
           pthread_cond_timedwait(&xs->feed_cond, &xs->lock, &until) == 0)
        ;
    pthread_mutex_unlock(&xs->lock);
    return 0;
}

void xapi_store_feed_stop(struct xapi_store *xs)
{
    if (!xs || !xs->feed_running)
        return;
    xs->pool_stop = true;
    eventfd_write(xs->feed_stop_fd, 1);
    pthread_join(xs->feed_thread, NULL);
    if (xs->pool_running)
        pthread_join(xs->pool_thread, NULL);
    xs->pool_running = false;
    xstore__vm_watch_stop(xs);
    close(xs->feed_stop_fd);
    xs->feed_stop_fd = -1;
    xs->feed_running = false;
}
