/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The domain watcher: @introduceDomain gives a new domain its VFs,
 * @releaseDomain takes them back from the ones that are gone.  Each start
 * runs in a thread of its own, so that a start waiting for a slow guest
 * (its pcifront, up to 5 minutes) holds up no other domain. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "daemon/sriovd.h"
#include "libsriov/macro.h"

/* A VM's lock was held (a cold-plug at work): try again this often. */
#define RETRY_MS 1000

struct domset {
    unsigned *v;
    size_t n;
};

static bool domset_has(const struct domset *s, unsigned d)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == d)
            return true;
    return false;
}

static int domset_add(struct domset *s, unsigned d)
{
    unsigned *v;

    if (domset_has(s, d))
        return 0;
    v = realloc(s->v, (s->n + 1) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    s->v = v;
    s->v[s->n++] = d;
    return 0;
}

static void domset_del(struct domset *s, unsigned d)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == d) {
            s->v[i] = s->v[--s->n];
            return;
        }
}

static void log_error(plugin *p, const char *what, unsigned domid,
                      const struct xapi_error *err)
{
    char params[512] = "";
    size_t used = 0;

    for (size_t i = 0; i < err->n_params && used < sizeof(params); i++)
        used += (size_t)snprintf(params + used, sizeof(params) - used,
                                 " %s", err->params[i]);
    sriovd_log(LOG_ERR, "domain %u: %s failed: %s%s (%s)", domid, what,
               err->code ? err->code : "", params, plugin_last_error(p));
}

/* Start a domain; true when it should be tried again later. */
static bool start(plugin *p, unsigned domid)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    int r = ops_plugin_domain_start(p, domid, &err);

    if (r == -EBUSY) {
        xapi_error_clear(&err);
        return true;
    }
    if (r < 0)
        log_error(p, "VF attach", domid, &err);
    else if (r > 0)
        /* VFs of SR-IOV VIFs and devices of other-config:pci alike. */
        sriovd_log(LOG_NOTICE, "domain %u: %d device%s attached", domid, r,
                   r == 1 ? "" : "s");
    xapi_error_clear(&err);
    return false;
}

/*
 * A start at work in its own thread, with a plugin handle of its own (a
 * store and xenstore connection, libxl's context): starts of different
 * domains run side by side as separate xe commands do, each VM under its
 * own lock.  The loop reaps it when it wakes the loop's eventfd.
 */
struct starter {
    unsigned domid;
    pthread_t thread;
    const struct sriovd_options *o;
    int cancel_fd;                  /* the daemon's stop eventfd */
    int wake_fd;                    /* the loop's eventfd */
    atomic_bool done;
    bool retry;                     /* its VM was locked: try again */
};

struct starters {
    struct starter **v;
    size_t n;
};

static void *starter_run(void *arg)
{
    struct starter *s = arg;
    char why[PLUGIN_ERROR_MAX] = "";
    plugin *p = NULL;

    if (plugin_new(&p, &s->o->plugin, why, sizeof(why)) < 0) {
        sriovd_log(LOG_ERR, "domain %u: cannot start it: %s", s->domid,
                   *why ? why : "out of memory");
        s->retry = true;
    } else {
        plugin_set_cancel_fd(p, s->cancel_fd);
        s->retry = start(p, s->domid);
        plugin_free(p);
    }
    atomic_store(&s->done, true);
    eventfd_write(s->wake_fd, 1);
    return NULL;
}

static struct starter *starter_find(const struct starters *ss, unsigned d)
{
    for (size_t i = 0; i < ss->n; i++)
        if (ss->v[i]->domid == d)
            return ss->v[i];
    return NULL;
}

/* Start @p d in a thread (unless one is at it). */
static int starter_launch(struct starters *ss, const struct sriovd_options *o,
                          int cancel_fd, int wake_fd, unsigned d)
{
    struct starter **v, *s;
    int r;

    if (starter_find(ss, d))
        return 0;
    v = realloc(ss->v, (ss->n + 1) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    ss->v = v;
    s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->domid = d;
    s->o = o;
    s->cancel_fd = cancel_fd;
    s->wake_fd = wake_fd;
    atomic_init(&s->done, false);
    r = pthread_create(&s->thread, NULL, starter_run, s);
    if (r) {
        free(s);
        return -r;
    }
    ss->v[ss->n++] = s;
    return 0;
}

/* Join the start of @p d (if one runs); true when it asks for a retry. */
static bool starter_join(struct starters *ss, size_t i)
{
    struct starter *s = ss->v[i];
    bool retry;

    pthread_join(s->thread, NULL);
    retry = s->retry;
    free(s);
    ss->v[i] = ss->v[--ss->n];
    return retry;
}

/* Join the starts that are done; those to try again go to @p pending. */
static int starters_reap(struct starters *ss, struct domset *pending)
{
    int r = 0;

    for (size_t i = ss->n; i-- > 0;) {
        unsigned d = ss->v[i]->domid;

        if (atomic_load(&ss->v[i]->done) && starter_join(ss, i) && r == 0)
            r = domset_add(pending, d);
    }
    return r;
}

/* A domain is gone: wait for its start (the domain's death ends the
 * start's waits), so that its release comes after it. */
static void starter_finish(struct starters *ss, unsigned d)
{
    for (size_t i = 0; i < ss->n; i++)
        if (ss->v[i]->domid == d) {
            starter_join(ss, i);
            return;
        }
}

static void release(plugin *p, unsigned domid)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    int r = ops_plugin_domain_release(p, domid, &err);

    if (r < 0)
        log_error(p, "VF release", domid, &err);
    else if (r > 0)
        sriovd_log(LOG_NOTICE, "domain %u: %d VF%s released", domid, r,
                   r == 1 ? "" : "s");
    xapi_error_clear(&err);
}

static void log_finished(void *userdata, const char *line)
{
    (void)userdata;
    sriovd_log(LOG_NOTICE, "%s", line);
}

int sriovd_finish_creates(plugin *p, bool dry_run,
                          void (*report)(void *, const char *),
                          void *userdata)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct ops_ctx ops = { .sriov = plugin_sriov_ctx(p),
                           .st = plugin_store(p), .caller = SRIOVD };
    int n;

    n = ops_network_sriov_finish(&ops, dry_run ? OPS_FINISH_NO_SYSFS : 0,
                                 report ? report : log_finished, userdata,
                                 &err);
    if (n < 0)
        sriovd_log(LOG_ERR, "finishing interrupted network-sriov creates: "
                   "%s", err.n_params ? err.params[err.n_params - 1]
                                      : strerror(-n));
    xapi_error_clear(&err);
    return n;
}

static void report(void *userdata, const char *finding)
{
    (void)userdata;
    (void)finding;                      /* logged by the plugin already */
}

struct loop {
    const struct sriovd_options *o;
    int stop_fd;                    /* cancels the starts' waits */
    int wake_fd;                    /* a start is done */
    struct domset known, pending;
    struct starters starters;
};

/* Compare the running domains with what we know; act on the changes. */
static int rescan(plugin *p, struct loop *l)
{
    _cleanup_free_ unsigned *doms = NULL;
    struct domset now = { 0 };
    size_t n = 0;
    int r;

    r = plugin_domain_list(p, &doms, &n);
    if (r < 0)
        return r;
    now.v = doms;
    now.n = n;
    for (size_t i = l->known.n; i-- > 0;)
        if (!domset_has(&now, l->known.v[i])) {
            unsigned d = l->known.v[i];

            domset_del(&l->known, d);
            domset_del(&l->pending, d);
            starter_finish(&l->starters, d);
            release(p, d);
        }
    for (size_t i = 0; i < n; i++) {
        if (domset_has(&l->known, doms[i]))
            continue;
        if ((r = domset_add(&l->known, doms[i])) < 0)
            return r;
        r = starter_launch(&l->starters, l->o, l->stop_fd, l->wake_fd,
                           doms[i]);
        if (r < 0)
            return r;
    }
    return 0;
}

static int retry_pending(struct loop *l)
{
    for (size_t i = l->pending.n; i-- > 0;) {
        unsigned d = l->pending.v[i];
        int r = starter_launch(&l->starters, l->o, l->stop_fd, l->wake_fd,
                               d);

        if (r < 0)
            return r;
        domset_del(&l->pending, d);
    }
    return 0;
}

/* Drain the watch events; true when there was at least one. */
static bool drain(struct xs_handle *xs)
{
    bool any = false;
    char **w;

    while ((w = xs_check_watch(xs))) {
        free(w);
        any = true;
    }
    return any;
}

static long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int sriovd_watch(const struct sriovd_options *o, int stop_fd)
{
    char why[PLUGIN_ERROR_MAX] = "";
    struct loop l = { .o = o, .stop_fd = stop_fd, .wake_fd = -1 };
    struct xs_handle *xs = NULL;
    _cleanup_close_ int hup = -1;
    long last_retry = 0;
    plugin *p = NULL;
    sigset_t mask;
    int r, found;

    r = plugin_new(&p, &o->plugin, why, sizeof(why));
    if (r < 0) {
        sriovd_log(LOG_ERR, "%s", *why ? why : "cannot start");
        return r;
    }
    l.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (l.wake_fd < 0) {
        r = -errno;
        sriovd_log(LOG_ERR, "cannot make an eventfd: %s", strerror(errno));
        goto out;
    }
    xs = xs_open(0);
    if (!xs || !xs_watch(xs, "@introduceDomain", "introduce") ||
        !xs_watch(xs, "@releaseDomain", "release")) {
        r = -errno;
        sriovd_log(LOG_ERR, "cannot watch domains in xenstore: %s: start "
                   "xenstored", strerror(errno));
        goto out;
    }
    if (!o->plugin.dry_run) {
        int pt, ir;

        if (plugin_host_caps(p, &pt, &ir) < 0)
            sriovd_log(LOG_ERR, "%s", plugin_last_error(p));
        else
            sriovd_log(LOG_NOTICE, "Xen: passthrough %s, interrupt "
                       "remapping %s", pt > 0 ? "yes" : pt ? "unknown" :
                       "no", ir > 0 ? "yes" : ir ? "unknown" : "no");
    }
    sigemptyset(&mask);
    sigaddset(&mask, SIGHUP);
    hup = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

    /* Whatever happened while we were not running. */
    sriovd_finish_creates(p, o->plugin.dry_run, NULL, NULL);
    found = plugin_reconcile(p, report, NULL);
    if (found < 0)
        sriovd_log(LOG_ERR, "reconcile: %s", plugin_last_error(p));
    drain(xs);
    r = rescan(p, &l);
    if (r < 0)
        goto fatal;
    sriovd_log(LOG_NOTICE, "watching domains%s (%zu running)",
               o->plugin.dry_run ? " (dry run)" : "", l.known.n);

    for (;;) {
        struct pollfd fds[4] = {
            { .fd = xs_fileno(xs), .events = POLLIN },
            { .fd = stop_fd, .events = POLLIN },
            { .fd = l.wake_fd, .events = POLLIN },
            { .fd = hup, .events = POLLIN },
        };
        eventfd_t ignored;

        r = poll(fds, hup >= 0 ? 4 : 3, l.pending.n ? RETRY_MS : -1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            r = -errno;
            break;
        }
        if (fds[1].revents) {
            r = 0;
            break;
        }
        if (fds[2].revents) {
            eventfd_read(l.wake_fd, &ignored);
            if ((r = starters_reap(&l.starters, &l.pending)) < 0)
                goto fatal;
        }
        if (hup >= 0 && fds[3].revents) {
            struct signalfd_siginfo si;

            while (read(hup, &si, sizeof(si)) == (ssize_t)sizeof(si))
                ;
            sriovd_log(LOG_NOTICE, "SIGHUP: reconciling");
            sriovd_finish_creates(p, o->plugin.dry_run, NULL, NULL);
            if (plugin_reconcile(p, report, NULL) < 0)
                sriovd_log(LOG_ERR, "reconcile: %s", plugin_last_error(p));
        }
        if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            r = -ECONNRESET;
            goto fatal;
        }
        if (drain(xs) || (fds[0].revents & POLLIN)) {
            r = rescan(p, &l);
            if (r < 0)
                goto fatal;
        }
        /* A locked VM is tried again once a RETRY_MS, not at each wake. */
        if (l.pending.n && now_ms() - last_retry >= RETRY_MS) {
            last_retry = now_ms();
            if ((r = retry_pending(&l)) < 0)
                goto fatal;
        }
    }
    goto out;
fatal:
    sriovd_log(LOG_ERR, "lost xenstored (%s): %s", strerror(-r),
               plugin_last_error(p));
out:
    /*
     * The stop eventfd is readable by now (or the loop failed): a start
     * waiting for a guest gives up, rolls back and ends; join them all.
     */
    if (l.starters.n)
        sriovd_log(LOG_NOTICE, "waiting for %zu domain start%s to end",
                   l.starters.n, l.starters.n == 1 ? "" : "s");
    if (r < 0 && l.starters.n)
        eventfd_write(stop_fd, 1);
    while (l.starters.n)
        starter_join(&l.starters, l.starters.n - 1);
    free(l.starters.v);
    free(l.known.v);
    free(l.pending.v);
    if (l.wake_fd >= 0)
        close(l.wake_fd);
    if (xs)
        xs_close(xs);
    plugin_free(p);
    return r;
}
