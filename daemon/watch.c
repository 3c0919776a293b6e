/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The domain watcher: @introduceDomain gives a new domain its VFs,
 * @releaseDomain takes them back from the ones that are gone. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
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

/* Compare the running domains with what we know; act on the changes. */
static int rescan(plugin *p, struct domset *known, struct domset *pending)
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
    for (size_t i = known->n; i-- > 0;)
        if (!domset_has(&now, known->v[i])) {
            unsigned d = known->v[i];

            domset_del(known, d);
            domset_del(pending, d);
            release(p, d);
        }
    for (size_t i = 0; i < n; i++) {
        if (domset_has(known, doms[i]))
            continue;
        if ((r = domset_add(known, doms[i])) < 0)
            return r;
        if (start(p, doms[i]) && (r = domset_add(pending, doms[i])) < 0)
            return r;
    }
    return 0;
}

static void retry_pending(plugin *p, struct domset *pending)
{
    for (size_t i = pending->n; i-- > 0;) {
        unsigned d = pending->v[i];

        if (!start(p, d))
            domset_del(pending, d);
    }
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

int sriovd_watch(const struct sriovd_options *o, int stop_fd)
{
    char why[PLUGIN_ERROR_MAX] = "";
    struct domset known = { 0 }, pending = { 0 };
    struct xs_handle *xs = NULL;
    _cleanup_close_ int hup = -1;
    plugin *p = NULL;
    sigset_t mask;
    int r, found;

    r = plugin_new(&p, &o->plugin, why, sizeof(why));
    if (r < 0) {
        sriovd_log(LOG_ERR, "%s", *why ? why : "cannot start");
        return r;
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
    r = rescan(p, &known, &pending);
    if (r < 0)
        goto fatal;
    sriovd_log(LOG_NOTICE, "watching domains%s (%zu running)",
               o->plugin.dry_run ? " (dry run)" : "", known.n);

    for (;;) {
        struct pollfd fds[3] = {
            { .fd = xs_fileno(xs), .events = POLLIN },
            { .fd = stop_fd, .events = POLLIN },
            { .fd = hup, .events = POLLIN },
        };

        r = poll(fds, hup >= 0 ? 3 : 2, pending.n ? RETRY_MS : -1);
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
        if (hup >= 0 && fds[2].revents) {
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
            r = rescan(p, &known, &pending);
            if (r < 0)
                goto fatal;
        }
        if (pending.n)
            retry_pending(p, &pending);
    }
    goto out;
fatal:
    sriovd_log(LOG_ERR, "lost xenstored (%s): %s", strerror(-r),
               plugin_last_error(p));
out:
    free(known.v);
    free(pending.v);
    if (xs)
        xs_close(xs);
    plugin_free(p);
    return r;
}
