/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pool mirror (docs/pool.md): while pool.conf names a pool, keep this
 * host's objects in its etcd (on every store change, and every third of
 * the lease) and its lease alive; leave when pool-eject marked it (the
 * mark comes on the calls' watch; looked for each round while that watch
 * is not in place). */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <sriov/sriov.h>

#include "daemon/sriovd.h"
#include "libsriov/macro.h"
#include "pool/pool.h"
#include "xe/frontend.h"

/* Out of a pool: look for a pool.conf this often. */
#define IDLE_MS 1000
/* In a pool, forwarded calls come on an etcd watch (a thread of its
 * own, which wakes the loop); they are also looked for this often, in
 * case the watch is broken. */
#define CALLS_MS 2000
/* The watch ends this often, to be made again (maybe on another member:
 * one cut from the others would send nothing). */
#define CALLS_WATCH_MS 30000

struct mirror {
    const struct sriovd_options *o;
    store *st;
    store_watch *w;
    pool *p;
    int64_t lease;
    char host[37];
    char hostname[256];
    char last_error[640];       /* said once until it changes */
    char net_error[640];        /* a pool-wide network not made here */
    struct timespec last_round;
    sriov_ctx *sriov;           /* the capacity the mirror puts */
    struct xapi *api;           /* forwarded XenAPI calls run on these */
    struct xapi_store *xs;
    pool_netsync *nets;         /* the pool-wide networks held here */

    /* The calls' watch: watch_host is the host whose calls it watches
     * ("" out of a pool), calls_fd is written when a call may wait.
     * watching: the watch is in place (it also brings the eject mark);
     * look_eject: the mark may be there (the watch saw it, or was just
     * made), for the next round. */
    pthread_mutex_t lock;
    bool watching;
    bool look_eject;
    char watch_host[37];
    int calls_fd;
    int stop_fd;
    volatile bool stop;
    char calls_said[640];       /* the watch's state as last logged */
};

static int sync_networks(struct mirror *m);
static int mirror_vms(struct mirror *m);

static void set_watch_host(struct mirror *m, const char *host)
{
    pthread_mutex_lock(&m->lock);
    snprintf(m->watch_host, sizeof(m->watch_host), "%s", host);
    pthread_mutex_unlock(&m->lock);
}

/* true when asked to stop within ms milliseconds. */
static bool stopping(struct mirror *m, int ms)
{
    struct pollfd p = { m->stop_fd, POLLIN, 0 };

    return m->stop || poll(&p, 1, ms) > 0;
}

static void wake(void *userdata, bool eject)
{
    struct mirror *m = userdata;

    pthread_mutex_lock(&m->lock);
    m->watching = true;
    m->look_eject = m->look_eject || eject;
    pthread_mutex_unlock(&m->lock);
    /* The watch is (back) in place: said at once, not when it ends. */
    if (strcmp(m->calls_said, "") != 0) {
        sriovd_log(LOG_NOTICE, "pool: watching forwarded calls");
        m->calls_said[0] = '\0';
    }
    eventfd_write(m->calls_fd, 1);
}

/* The calls' watch, with a pool handle of its own (one per thread). */
static void *calls_thread(void *arg)
{
    struct mirror *m = arg;

    while (!stopping(m, 0)) {
        char host[37], msg[640] = "";
        pool *p = NULL;
        int r;

        pthread_mutex_lock(&m->lock);
        memcpy(host, m->watch_host, sizeof(host));
        pthread_mutex_unlock(&m->lock);
        r = *host ? pool_open(&p, m->o->plugin.root, msg, sizeof(msg)) : 0;
        if (r > 0) {
            r = pool_watch_calls(p, host, CALLS_WATCH_MS, wake, m, &m->stop);
            if (r < 0)
                snprintf(msg, sizeof(msg), "%s", pool_last_error(p));
        }
        /* Until the next watch is in place, rounds look for the mark. */
        pthread_mutex_lock(&m->lock);
        m->watching = false;
        pthread_mutex_unlock(&m->lock);
        p = pool_close(p);
        if (*host && *msg && strcmp(msg, m->calls_said) != 0) {
            sriovd_log(LOG_WARNING, "pool: no watch of forwarded calls "
                       "(%s): looking every %d ms", msg, CALLS_MS);
            snprintf(m->calls_said, sizeof(m->calls_said), "%s", msg);
        }
        if (r <= 0 && stopping(m, 1000))
            break;
    }
    return NULL;
}

static void report(struct mirror *m, int level, const char *msg)
{
    if (strcmp(m->last_error, msg) == 0)
        return;
    snprintf(m->last_error, sizeof(m->last_error), "%s", msg);
    if (*msg)
        sriovd_log(level, "pool: %s", msg);
}

static long ms_since(const struct timespec *t)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000 +
           (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* A forwarded XenAPI call (api/classes/forward.c): on classes of the
 * mirror's own, made at the first such call, as the endpoint's. */
static int serve_xenapi(struct mirror *m, const char *request,
                        char **answer)
{
    int r = 0;

    if (!m->xs) {
        struct xapi_store_options so;

        sriovd_xstore_options(m->o, &so);
        r = xapi_new(&m->api, NULL);
        if (r >= 0)
            r = xapi_store_new(&m->xs, m->api, &so);
        if (r < 0) {
            m->xs = xapi_store_free(m->xs);
            m->api = xapi_free(m->api);
            return r;
        }
    }
    return xapi_store_serve_call(m->xs, request, answer);
}

/* Run one forwarded call here: a XenAPI call ("method") or an xe
 * command line as xe would run it here (xe/forward.c). */
static int serve(struct mirror *m, const char *request, char **answer)
{
    struct xe_cmdtable *table = NULL;
    struct xe_frontend fe;
    sriov_ctx *ctx = NULL;
    const char *root = m->o->plugin.root;
    int r;

    /* xe's is {"argv": [...]} (xe/forward.c); a XenAPI call's is a
     * JSON-RPC request. */
    if (strncmp(request, "{\"argv\":", 8) != 0)
        return serve_xenapi(m, request, answer);
    r = sriov_ctx_new(&ctx);
    if (r >= 0 && root && *root)
        r = sriov_ctx_set_root(ctx, root);
    if (r >= 0)
        r = xe_frontend_init(&fe, ctx, root, "xen-sriovd (pool call)");
    if (r < 0) {
        sriov_ctx_free(ctx);
        return r;
    }
    r = xe_cmdtable_new(&table, xe_handlers, xe_generic_handlers);
    if (r >= 0)
        r = xe_frontend_serve_call(&fe, table, m->hostname, request, answer);
    xe_cmdtable_free(table);
    xe_frontend_done(&fe);
    sriov_ctx_free(ctx);
    return r;
}

/* The calls other hosts forwarded here, each run once. */
static void serve_calls(struct mirror *m)
{
    char id[37];
    char *req = NULL, *ans = NULL;
    int r;

    while (m->p && m->lease &&
           (r = pool_take_call(m->p, m->host, id, &req)) > 0) {
        /* A pool-wide network made a moment ago on the caller's host
         * (network-sriov-create right after network-create): here first. */
        sync_networks(m);
        r = serve(m, req, &ans);
        sriovd_log(LOG_INFO, "pool: ran a forwarded call: %s", req);
        /* The caller reads the pool's view next (network-sriov-list
         * after a forwarded network-sriov-create): the change is there
         * before the answer.  A failure is the round's to say. */
        if (pool_mirror(m->p, m->st, m->host) >= 0)
            mirror_vms(m);
        if (r < 0) {
            free(ans);
            ans = strdup("{\"status\":1,\"out\":\"\",\"err\":\"Error: "
                         "the host could not run the forwarded command\\n\"}");
        }
        if (ans && pool_answer(m->p, id, ans, m->lease) < 0)
            report(m, LOG_WARNING, pool_last_error(m->p));
        free(req);
        free(ans);
        req = ans = NULL;
    }
}

/* The operations' context of the mirror (its libsriov context made at
 * the first use). */
static int mirror_ops(struct mirror *m, struct ops_ctx *ops)
{
    int r = 0;

    if (!m->sriov) {
        r = sriov_ctx_new(&m->sriov);
        if (r >= 0 && m->o->plugin.root && *m->o->plugin.root)
            r = sriov_ctx_set_root(m->sriov, m->o->plugin.root);
        if (r < 0) {
            m->sriov = sriov_ctx_free(m->sriov);
            return r;
        }
    }
    *ops = (struct ops_ctx){ .st = m->st, .sriov = m->sriov };
    return 0;
}

/* A network_sriov's remaining capacity for its mirrored record, as xe
 * computes it (pool_set_capacity). */
static int capacity(void *userdata, const char *uuid, int64_t *ret)
{
    struct mirror *m = userdata;
    struct ops_ctx ops;
    struct xapi_error err = XAPI_ERROR_INIT;
    int r;

    r = mirror_ops(m, &ops);
    if (r < 0)
        return r;
    r = ops_network_sriov_remaining_capacity(&ops, uuid, ret, &err);
    xapi_error_clear(&err);
    return r;
}

/* This host's VMs (xl configs and domains) into the pool's view: every
 * round, as a domain's start or end changes no store record.  The
 * control domain is not mirrored (every host's has the nil uuid). */
static int mirror_vms(struct mirror *m)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct ops_vm *vms = NULL;
    const char **uuids = NULL;
    char **jsons = NULL;
    struct ops_ctx ops;
    size_t n = 0, k = 0;
    int r;

    r = mirror_ops(m, &ops);
    if (r >= 0)
        r = ops_vm_list(&ops, &vms, &n, &err);
    if (r < 0) {
        report(m, LOG_WARNING, err.n_params ? err.params[err.n_params - 1]
                                            : "cannot list the VMs");
        xapi_error_clear(&err);
        return r;
    }
    uuids = calloc(n + 1, sizeof(*uuids));
    jsons = calloc(n + 1, sizeof(*jsons));
    for (size_t i = 0; r >= 0 && uuids && jsons && i < n; i++) {
        store_record *rec = NULL;

        if (!*vms[i].uuid || vms[i].is_control_domain)
            continue;
        if (ops_vm_other_config(&ops, vms[i].uuid, &rec, &err) < 0)
            xapi_error_clear(&err);     /* mirrored without it */
        r = ops_vm_to_json(&vms[i], m->host, rec, &jsons[k]);
        store_record_free(rec);
        if (r >= 0)
            uuids[k++] = vms[i].uuid;
    }
    if (!uuids || !jsons)
        r = -ENOMEM;
    if (r >= 0)
        r = pool_mirror_vms(m->p, m->host, uuids,
                            (const char *const *)jsons, k);
    else
        report(m, LOG_WARNING, "out of memory");
    for (size_t i = 0; jsons && i < k; i++)
        free(jsons[i]);
    free(jsons);
    free(uuids);
    ops_vm_list_free(vms, n);
    return r;
}

static void drop_pool(struct mirror *m)
{
    if (m->p && m->lease)
        pool_lease_end(m->p, m->lease);
    m->lease = 0;
    m->p = pool_close(m->p);
    m->nets = pool_netsync_free(m->nets);
    set_watch_host(m, "");
}

/* The pool named by pool.conf now: 1 in one, 0 not, < 0 (reported). */
static int find_pool(struct mirror *m)
{
    struct ops_ctx ops = { .st = m->st };
    struct xapi_error err = XAPI_ERROR_INIT;
    char msg[512] = "";
    int r;

    if (m->p)
        return 1;
    r = pool_open(&m->p, m->o->plugin.root, msg, sizeof(msg));
    if (r < 0)
        report(m, LOG_ERR, msg);
    if (r <= 0)
        return r;
    r = ops_host_uuid(&ops, m->host, &err);
    if (r < 0) {
        report(m, LOG_ERR, err.n_params ? err.params[err.n_params - 1]
                                        : strerror(-r));
        xapi_error_clear(&err);
        m->p = pool_close(m->p);
        return r;
    }
    pool_set_capacity(m->p, capacity, m);
    sriovd_log(LOG_NOTICE, "pool: host %s mirrored to etcd at %s", m->host,
               pool_get_conf(m->p)->endpoints[0]);
    set_watch_host(m, m->host);
    return 1;
}

/* Whether this round looks for the eject mark: when the calls' watch
 * (which brings it) is not in place, or said it may be there. */
static bool eject_to_look(struct mirror *m)
{
    bool look;

    pthread_mutex_lock(&m->lock);
    look = !m->watching || m->look_eject;
    m->look_eject = false;
    pthread_mutex_unlock(&m->lock);
    return look;
}

/* This host's copies of the pool-wide networks (pool/pool-network.c):
 * a network that cannot be made here is said, the round goes on. */
static int sync_networks(struct mirror *m)
{
    int r;

    m->net_error[0] = '\0';
    if (!m->nets && pool_netsync_new(&m->nets) < 0)
        return -ENOMEM;
    r = pool_network_sync(m->p, m->st, m->host, m->nets);
    if (r > 0)
        sriovd_log(LOG_INFO, "pool: %d changes of pool-wide networks", r);
    if (r < 0) {
        snprintf(m->net_error, sizeof(m->net_error), "%s",
                 pool_last_error(m->p));
        r = 0;
    }
    return r;
}

/* One round: eject mark, lease, pool-wide networks, mirror. */
static void round_trip(struct mirror *m)
{
    int r = 0;

    if (find_pool(m) <= 0)
        return;
    if (eject_to_look(m))
        r = pool_is_ejected(m->p, m->host);
    if (r > 0) {
        r = pool_leave(m->p, m->host);
        if (r >= 0)
            r = pool_conf_remove(m->o->plugin.root);
        if (r >= 0) {
            sriovd_log(LOG_NOTICE, "pool: host %s was ejected: left the "
                       "pool", m->host);
            drop_pool(m);
            m->last_error[0] = '\0';
            return;
        }
    }
    if (r >= 0)
        r = pool_heartbeat(m->p, m->host, m->hostname, &m->lease);
    if (r >= 0)
        r = sync_networks(m);
    if (r >= 0)
        r = pool_mirror(m->p, m->st, m->host);
    if (r == -ESHUTDOWN) {
        /* The mirror's transaction met the mark: leave next round. */
        pthread_mutex_lock(&m->lock);
        m->look_eject = true;
        pthread_mutex_unlock(&m->lock);
    }
    if (r >= 0) {
        int v = mirror_vms(m);

        r = v < 0 ? v : r + v;
    }
    if (r >= 0 && m->net_error[0]) {
        report(m, LOG_WARNING, m->net_error);
        return;
    }
    if (r < 0) {
        report(m, LOG_WARNING, pool_last_error(m->p));
        return;
    }
    if (r > 0)
        sriovd_log(LOG_DEBUG, "pool: %d keys written", r);
    report(m, LOG_NOTICE, "");
}

int sriovd_pool_mirror(const struct sriovd_options *o, int stop_fd)
{
    struct store_opts so = { .root = o->plugin.root };
    struct mirror m = { .o = o, .stop_fd = stop_fd, .calls_fd = -1,
                        .calls_said = "-" };
    pthread_t calls;
    bool calls_running = false;
    char msg[512] = "";
    int r;

    r = store_open(&m.st, &so, msg, sizeof(msg));
    if (r < 0) {
        sriovd_log(LOG_ERR, "pool: %s", msg);
        return r;
    }
    pthread_mutex_init(&m.lock, NULL);
    m.calls_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m.calls_fd >= 0)
        calls_running = pthread_create(&calls, NULL, calls_thread, &m) == 0;
    if (!calls_running)
        sriovd_log(LOG_WARNING, "pool: no watch of forwarded calls (cannot "
                   "start its thread): looking every %d ms", CALLS_MS);
    if (gethostname(m.hostname, sizeof(m.hostname) - 1) < 0)
        m.hostname[0] = '\0';
    for (;;) {
        struct pollfd fds[3] = { { .fd = stop_fd, .events = POLLIN },
                                 { .fd = -1, .events = POLLIN },
                                 { .fd = m.calls_fd, .events = POLLIN } };
        long round_ms = m.p ? pool_get_conf(m.p)->lease_ttl * 1000 / 3
                            : IDLE_MS;
        long left = round_ms - ms_since(&m.last_round);
        int timeout = m.p ? (int)(left < 0 ? 0 : left < CALLS_MS ? left
                                                               : CALLS_MS)
                          : IDLE_MS;
        bool changed = false, woke = false, watching;

        /* Changes are mirrored when they are made: a watch of its own. */
        if (m.p && !m.w && store_watch_new(&m.w, m.st, NULL) < 0)
            report(&m, LOG_WARNING, store_last_error(m.st));
        if (m.w)
            fds[1].fd = store_watch_fd(m.w);
        if (poll(fds, 3, timeout) < 0 && errno != EINTR) {
            r = -errno;
            break;
        }
        if (fds[0].revents & POLLIN) {
            r = 0;
            break;
        }
        if (m.w && (fds[1].revents & POLLIN)) {
            struct store_event *ev = NULL;
            size_t n = 0;

            if (store_watch_read(m.w, &ev, &n) < 0)
                m.w = store_watch_free(m.w);
            free(ev);
            changed = n > 0 || !m.w;
        }
        if (fds[2].revents & POLLIN) {
            eventfd_t v;

            eventfd_read(m.calls_fd, &v);
            woke = true;
        }
        /* The watch saw the eject mark: leave now, not next round. */
        pthread_mutex_lock(&m.lock);
        changed = changed || (m.p && m.look_eject);
        watching = m.watching;
        pthread_mutex_unlock(&m.lock);
        if (changed || !m.p || ms_since(&m.last_round) >= round_ms) {
            clock_gettime(CLOCK_MONOTONIC, &m.last_round);
            round_trip(&m);
        }
        /* Calls come on the watch; without it, looked for every
         * CALLS_MS. */
        if (woke || !watching)
            serve_calls(&m);
    }
    m.stop = true;
    if (calls_running)
        pthread_join(calls, NULL);
    if (m.calls_fd >= 0)
        close(m.calls_fd);
    pthread_mutex_destroy(&m.lock);
    drop_pool(&m);
    m.xs = xapi_store_free(m.xs);
    m.api = xapi_free(m.api);
    pool_netsync_free(m.nets);
    sriov_ctx_free(m.sriov);
    store_watch_free(m.w);
    store_close(m.st);
    return r;
}
