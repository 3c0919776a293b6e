/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The plugin handle: store, xenstore, libsriov, backend, errors, log. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "plugin/internal.h"

int plugin_fail(plugin *p, int r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(p->error, sizeof(p->error), fmt, ap);
    va_end(ap);
    return r;
}

int plugin_fail_store(plugin *p, int r)
{
    return plugin_fail(p, r, "%s", store_last_error(p->store));
}

int plugin_fail_sriov(plugin *p, int r)
{
    return plugin_fail(p, r, "%s", sriov_ctx_last_error(p->ctx));
}

void plugin_log(plugin *p, int level, const char *fmt, ...)
{
    int max = p->opts.log_level ? p->opts.log_level : LOG_INFO;
    char buf[PLUGIN_ERROR_MAX];
    va_list ap;

    if (!p->opts.log || level > max)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    p->opts.log(p->opts.log_userdata, level, buf);
}

void plugin_step(plugin *p, const char *step)
{
    if (p->opts.step_hook)
        p->opts.step_hook(p->opts.step_userdata, step);
}

/*
 * The store's consistent reads give up with -EAGAIN when writers keep
 * committing (many domains starting at once); the plugin's reads retry
 * with a jittered backoff, as its writes do inside store_transact.
 */
static void backoff(unsigned attempt)
{
    unsigned ms = 1u << (attempt < 6 ? attempt : 6);
    struct timespec ts;

    ms = ms / 2 + (unsigned)rand() % (ms / 2 + 1);
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

#define READ_ATTEMPTS 40

int plugin_store_get(plugin *p, const char *cls, const char *uuid,
                     store_record **ret)
{
    int r;

    for (unsigned a = 0; ; a++) {
        r = store_get(p->store, cls, uuid, ret);
        if (r != -EAGAIN || a + 1 >= READ_ATTEMPTS)
            return r;
        backoff(a);
    }
}

int plugin_store_list(plugin *p, const char *cls,
                      const struct store_match *match, size_t n_match,
                      unsigned flags, store_record ***ret, size_t *n)
{
    int r;

    for (unsigned a = 0; ; a++) {
        r = store_list(p->store, cls, match, n_match, flags, ret, n);
        if (r != -EAGAIN || a + 1 >= READ_ATTEMPTS)
            return r;
        backoff(a);
    }
}

const char *plugin_last_error(const plugin *p)
{
    return p ? p->error : "";
}

store *plugin_store(plugin *p)
{
    return p->store;
}

sriov_ctx *plugin_sriov_ctx(plugin *p)
{
    return p->ctx;
}

const struct plugin_opts *plugin_options(const plugin *p)
{
    return &p->opts;
}

void *plugin_backend_data(const plugin *p)
{
    return p->opts.backend_data;
}

int plugin_backend_state(plugin *p, void **ret)
{
    if (!p->backend_opened) {
        p->backend_opened = true;
        p->backend_open_r = 0;
        if (p->backend->open) {
            p->backend_open_r = p->backend->open(p, &p->backend_state);
            if (p->backend_open_r < 0)
                snprintf(p->backend_open_error,
                         sizeof(p->backend_open_error), "%s", p->error);
        }
    }
    if (p->backend_open_r < 0)
        /* Every later call fails the same way, with the same line. */
        return plugin_fail(p, p->backend_open_r, "%s",
                           p->backend_open_error);
    *ret = p->backend_state;
    return 0;
}

static void sriov_log_to_plugin(void *userdata, int level, const char *file,
                                int line, const char *func, const char *msg)
{
    plugin *p = userdata;

    plugin_log(p, LOG_DEBUG, "%s", msg);
}

/* plugin_new()'s failure: the message in @p errbuf, r returned. */
static int new_fail(char *errbuf, size_t errlen, int r, const char *fmt, ...)
{
    va_list ap;

    if (errlen) {
        va_start(ap, fmt);
        vsnprintf(errbuf, errlen, fmt, ap);
        va_end(ap);
    }
    return r;
}

int plugin_new(plugin **ret, const struct plugin_opts *opts, char *errbuf,
               size_t errlen)
{
    struct store_opts so = { 0 };
    char why[512];
    plugin *p;
    int r;

    p = calloc(1, sizeof(*p));
    if (!p)
        return new_fail(errbuf, errlen, -ENOMEM, "out of memory");
    if (opts)
        p->opts = *opts;
    p->cancel_fd = -1;
    p->root = strdup(p->opts.root && strcmp(p->opts.root, "/") ?
                     p->opts.root : "");
    if (!p->root) {
        r = new_fail(errbuf, errlen, -ENOMEM, "out of memory");
        goto fail;
    }
    p->backend = p->opts.backend ? p->opts.backend :
                 p->opts.dry_run ? &plugin_backend_dry :
                 &plugin_backend_libxl;

    r = sriov_ctx_new(&p->ctx);
    if (r >= 0 && *p->root)
        r = sriov_ctx_set_root(p->ctx, p->root);
    if (r < 0) {
        new_fail(errbuf, errlen, r, "SRIOV_ROOT '%s': %s", p->root,
                 p->ctx ? sriov_ctx_last_error(p->ctx) : strerror(-r));
        goto fail;
    }
    sriov_ctx_set_log_fn(p->ctx, sriov_log_to_plugin, p, SRIOV_LOG_DEBUG);

    so.root = p->opts.root;
    so.flags = p->opts.store_flags;
    r = store_open(&p->store, &so, why, sizeof(why));
    if (r < 0) {
        new_fail(errbuf, errlen, r, "%s", why);
        goto fail;
    }
    /* Both find the socket the same way ($XENSTORED_PATH, ...). */
    p->xs = xs_open(0);
    if (!p->xs) {
        r = errno > 0 ? -errno : -ECONNREFUSED;
        new_fail(errbuf, errlen, r, "cannot connect to xenstored at '%s': "
                 "%s: start xenstored", store_xenstore_path(p->store),
                 strerror(-r));
        goto fail;
    }
    *ret = p;
    return 0;
fail:
    plugin_free(p);
    return r;
}

void plugin_set_cancel_fd(plugin *p, int fd)
{
    p->cancel_fd = fd;
}

plugin *plugin_free(plugin *p)
{
    if (!p)
        return NULL;
    if (p->backend_state && p->backend->close)
        p->backend->close(p->backend_state);
    plugin_vfmap_clear(p);
    if (p->xs)
        xs_close(p->xs);
    store_close(p->store);
    sriov_ctx_free(p->ctx);
    free(p->root);
    free(p);
    return NULL;
}
