/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dom0 boot restore (xen-sriov-restore): bring the store, the VFs and the
 * VF settings back after a reboot.  docs/restore.md explains it.
 *
 *   1. the store: the snapshot is loaded into xenstore when xenstore holds
 *      no objects (a fresh xenstored after boot); a store already there
 *      is kept as it is;
 *   2. per network-sriov, by its configuration mode: sysfs writes
 *      sriov_numvfs to the recorded count; modprobe checks that the module
 *      option took effect (and clears requires_reboot when it did); manual
 *      adopts the VFs that are there; the PIFs' currently_attached say
 *      what came back.  A NIC no longer at its address is looked for by
 *      its MAC (moved to another slot: its PIF follows it); a NIC not
 *      found, or one that can have fewer VFs now, is restored as far as
 *      it can be and reported.  No object is ever removed;
 *   3. reservations: plugin_reconcile() against the domains that exist
 *      (a reservation of a domain gone is released), then every VF still
 *      reserved gets its VIF's settings again and goes back to pciback.
 *
 * Idempotent: a second run writes nothing to sysfs or the store.  One line
 * per finding goes to the report callback.  Not thread-safe.
 */
#ifndef XEN_SRIOV_BOOT_RESTORE_H
#define XEN_SRIOV_BOOT_RESTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plugin/plugin.h"

/* One finding, one line without a newline; @p problem: something was not
 * restored (the line says what and why). */
typedef void (*restore_report_fn)(void *userdata, bool problem,
                                  const char *line);

struct restore_opts {
    const char *root;               /* $SRIOV_ROOT; NULL = "/" */
    /* Say what would be done, change nothing (no sysfs, no store, no
     * libxl or netlink). */
    bool dry_run;
    bool verbose;                   /* also report what needed nothing */
    restore_report_fn report;       /* NULL: silent */
    void *userdata;
    /* Options of the plugin used for the reservations (backend, log...);
     * root and dry_run are taken from above.  NULL: defaults (libxl). */
    const struct plugin_opts *plugin;
};

struct restore_stats {
    int loaded;                     /* objects loaded from the snapshot,
                                       -1 when the store was kept */
    unsigned networks;              /* network-sriov objects looked at */
    unsigned vfs;                   /* VFs enabled on their PFs after */
    unsigned not_restored;          /* findings that are problems */
    unsigned sysfs_writes;          /* writes into sysfs */
    unsigned store_changes;         /* store transactions that changed */
    uint64_t total_ns;              /* the whole run */
    uint64_t sysfs_ns;              /* in calls that write sysfs */
    uint64_t load_ns;               /* connecting, loading the snapshot */
};

/*
 * Run the restore.
 * @param[out] ret  the figures (also filled on failure, as far as known)
 * @return 0 everything restored; 1 some things not restored (reported,
 *         the rest was); a negative errno when nothing could be done
 *         (xenstored not running, the snapshot unreadable, the store of a
 *         newer schema): @p errbuf says what and what to do, and nothing
 *         was changed.
 */
int restore_run(const struct restore_opts *o, struct restore_stats *ret,
                char *errbuf, size_t errbuf_size);

/* The summary line ("restore: 8 networks, 512 VFs in 412.0 ms (sysfs
 * writes 380.1 ms, store load 20.2 ms, own work 11.7 ms); ..."), into
 * buf: the time spent outside sysfs writes is the store's load (xenstored
 * writing the snapshot's nodes) and the restore's own work. */
const char *restore_summary(const struct restore_stats *s, bool dry_run,
                            char *buf, size_t size);

#endif
