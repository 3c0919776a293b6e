/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen-sriovd: options, logging and the domain watcher (shared by its
 * files). */
#ifndef XEN_SRIOV_SRIOVD_H
#define XEN_SRIOV_SRIOVD_H

#include <stdbool.h>

#include "ops/plugin-error.h"
#include "plugin/plugin.h"
#include "api/daemon.h"
#include "api/classes/xapi-store.h"

#define SRIOVD "xen-sriovd"

enum sriovd_mode {
    SRIOVD_RUN,                 /* watch domains (and serve XenAPI) */
    SRIOVD_RECONCILE,           /* --reconcile: once, print findings */
    SRIOVD_STATUS,              /* --status: every VF and why */
    SRIOVD_CHECK_MIGRATE        /* --check-migrate VM */
};

struct sriovd_options {
    enum sriovd_mode mode;
    const char *vm;             /* --check-migrate */
    bool foreground;
    bool api;                   /* serve XenAPI (not --no-api) */
    bool syslog;
    int log_level;              /* LOG_INFO, LOG_DEBUG with --verbose */
    struct plugin_opts plugin;  /* dry_run, intremap, pci, root */
    struct xapi_daemon_options xapi;
    char *pidfile;              /* owned */
    struct xapi_store *xstore;  /* the XenAPI classes, while serving */
};

/*
 * Parse argv; the XenAPI endpoint's options go to xapi_daemon_parse().
 * 0 to go on, 1 when done (--help, --version), < 0 after printing one
 * line on stderr.
 */
int sriovd_parse(int argc, char **argv, const char *root,
                 struct sriovd_options *ret);
void sriovd_options_dispose(struct sriovd_options *o);

/* Log one line (stderr, or syslog after sriovd_log_syslog()). */
void sriovd_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sriovd_log_syslog(void);
void sriovd_set_log_level(int level);
/* For plugin_opts.log. */
void sriovd_plugin_log(void *userdata, int level, const char *msg);

/* The options of the XenAPI classes (the endpoint's, and those the pool
 * mirror runs forwarded XenAPI calls on). */
void sriovd_xstore_options(const struct sriovd_options *o,
                           struct xapi_store_options *so);
/* Register the XenAPI classes and calls (api-setup.c), before the
 * endpoint listens. */
int sriovd_api_setup(struct xapi *api, void *userdata);
/* Stop the event feed and free the classes (the endpoint has stopped). */
void sriovd_api_teardown(struct xapi *api, void *userdata);

/*
 * The domain watcher: reconcile, start every running domain, then follow
 * @introduceDomain/@releaseDomain until @p stop_fd is readable.  SIGHUP
 * reconciles again.  Runs in its own thread; returns 0, or a negative
 * errno (xenstored gone) after logging it.
 */
int sriovd_watch(const struct sriovd_options *o, int stop_fd);

/*
 * Finish the network-sriov creates cut short (ops_network_sriov_finish:
 * the marks their processes left) on the plugin's store, before
 * reconciling: one
 * finding per network to report (NULL: logged).  A dry run enables no VF
 * (OPS_FINISH_NO_SYSFS).  The number finished, or < 0 (logged).
 */
int sriovd_finish_creates(plugin *p, bool dry_run,
                          void (*report)(void *, const char *),
                          void *userdata);

/*
 * The pool mirror (daemon/pool-mirror.c, docs/pool.md): while
 * $SRIOV_ROOT/etc/xen-sriov/pool.conf names a pool, mirror this host's
 * objects into its etcd and keep the host's lease; leave the pool when
 * pool-eject marked this host.  Runs in its own thread until @p stop_fd
 * is readable; etcd being away is logged, not fatal.
 */
int sriovd_pool_mirror(const struct sriovd_options *o, int stop_fd);

#endif
