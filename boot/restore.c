/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The boot restore's run: the steps in order, findings, figures. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "boot/internal.h"
#include "libsriov/macro.h"

uint64_t restore__now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void restore__sysfs_begin(struct restore *rs)
{
    rs->sysfs_t0 = restore__now();
}

void restore__sysfs_end(struct restore *rs)
{
    rs->stats.sysfs_ns += restore__now() - rs->sysfs_t0;
}

void restore__count_writes(void *userdata, int level, const char *file,
                           int line, const char *func, const char *msg)
{
    struct restore *rs = userdata;

    (void)level; (void)file; (void)line; (void)func;
    /* libsriov logs every sysfs write before making it (sysfs.c). */
    if (strncmp(msg, "write '", 7) == 0)
        rs->stats.sysfs_writes++;
}

void restore__say(struct restore *rs, bool problem, const char *fmt, ...)
{
    char line[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (problem)
        rs->stats.not_restored++;
    if (rs->o->report)
        rs->o->report(rs->o->userdata, problem, line);
}

struct update_args {
    const char *cls, *uuid;
    const char **kv;                /* name, value, ..., NULL */
    bool dry_run;
    bool changed;
};

static int update_tx(store_tx *tx, void *userdata)
{
    struct update_args *a = userdata;
    store_record *rec = NULL;
    int k;

    a->changed = false;
    k = store_tx_get(tx, a->cls, a->uuid, &rec);
    for (size_t i = 0; k >= 0 && a->kv[i]; i += 2) {
        enum schema_fid id = schema_fid_find(a->kv[i]);
        const char *cur = store_record_get(rec, id);

        if (cur && strcmp(cur, a->kv[i + 1]) == 0)
            continue;
        a->changed = true;
        k = store_record_set(rec, id, a->kv[i + 1]);
    }
    if (k >= 0 && a->changed && !a->dry_run)
        k = store_tx_update(tx, rec);
    store_record_free(rec);
    /* A dry run or nothing to change: abort, so nothing is committed. */
    if (k >= 0 && (!a->changed || a->dry_run))
        k = -ECANCELED;
    return k;
}

int restore__update(struct restore *rs, const char *cls, const char *uuid,
                    ...)
{
    const char *kv[32];
    struct update_args a = { cls, uuid, kv, rs->o->dry_run, false };
    size_t n = 0;
    va_list ap;
    int r;

    va_start(ap, uuid);
    while (n < ELEMENTSOF(kv) - 1 && (kv[n] = va_arg(ap, const char *)))
        n++;
    va_end(ap);
    kv[n] = NULL;
    r = store_transact(rs->st, update_tx, &a);
    if (r == -ECANCELED)
        return a.changed ? 1 : 0;
    if (r < 0)
        return r;
    rs->stats.store_changes++;
    return 1;
}

static void finished(void *userdata, const char *line)
{
    struct restore *rs = userdata;

    rs->stats.store_changes++;
    restore__say(rs, false, "%s", line);
}

void restore__finish_creates(struct restore *rs)
{
    struct xapi_error err = XAPI_ERROR_INIT;

    /* A dry run changes nothing: what is left shows as not attached. */
    if (rs->o->dry_run)
        return;
    if (ops_network_sriov_finish(&rs->ops, OPS_FINISH_ALL, finished, rs,
                                 &err) < 0)
        restore__say(rs, true, "an interrupted network-sriov-create could "
                     "not be finished: %s; run xen-sriov-restore again",
                     err.n_params ? err.params[err.n_params - 1]
                                  : strerror(-err.errno_value));
    xapi_error_clear(&err);
}

const char *restore_summary(const struct restore_stats *s, bool dry_run,
                            char *buf, size_t size)
{
    double total = (double)s->total_ns / 1e6;
    double sysfs = (double)s->sysfs_ns / 1e6;
    double load = (double)s->load_ns / 1e6;

    snprintf(buf, size, "restore%s: %u network%s, %u VFs in %.1f ms "
             "(sysfs writes %.1f ms, store load %.1f ms, own work %.1f ms); "
             "%u sysfs writes, %u store changes; %s",
             dry_run ? " (dry run)" : "", s->networks,
             s->networks == 1 ? "" : "s", s->vfs, total, sysfs, load,
             total - sysfs - load, s->sysfs_writes, s->store_changes,
             s->not_restored == 0 ? "all restored" : "");
    if (s->not_restored) {
        size_t len = strlen(buf);

        snprintf(buf + len, size - len, "%u not restored (see above)",
                 s->not_restored);
    }
    return buf;
}

int restore_run(const struct restore_opts *o, struct restore_stats *ret,
                char *errbuf, size_t errbuf_size)
{
    struct restore rs = { .o = o };
    uint64_t t0 = restore__now();
    int r;

    rs.stats.loaded = -1;
    if (errbuf && errbuf_size)
        errbuf[0] = '\0';
    r = sriov_ctx_new(&rs.ctx);
    if (r >= 0)
        r = sriov_ctx_set_root(rs.ctx, o->root);
    if (r < 0) {
        snprintf(errbuf, errbuf_size, "cannot use the host root '%s': %s",
                 o->root ? o->root : "/", strerror(-r));
        goto out;
    }
    sriov_ctx_set_log_fn(rs.ctx, restore__count_writes, &rs,
                         SRIOV_LOG_DEBUG);
    r = restore__load(&rs, errbuf, errbuf_size);
    rs.stats.load_ns = restore__now() - t0;
    if (r != 0)
        goto out;
    rs.ops = (struct ops_ctx){ .sriov = rs.ctx, .st = rs.st,
                               .caller = "xen-sriov-restore" };
    r = restore__networks(&rs);
    if (r >= 0)
        restore__finish_creates(&rs);
    if (r >= 0)
        r = restore__reserved(&rs);
    if (r < 0)
        snprintf(errbuf, errbuf_size, "%s", store_last_error(rs.st));
out:
    sriov_host_free(rs.host);
    store_close(rs.st);
    sriov_ctx_free(rs.ctx);
    rs.stats.total_ns = restore__now() - t0;
    if (ret)
        *ret = rs.stats;
    if (r < 0)
        return r;
    return rs.stats.not_restored ? 1 : 0;
}
