/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store after boot: connect, and load the snapshot into an empty
 * xenstore (a store already there is kept). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot/internal.h"

/* Does xenstore hold any object?  (A dry run cannot load to find out.) */
static int store_has_objects(struct restore *rs)
{
    static const char *const classes[] = {
        "host", "network", "PIF", "network_sriov", "VIF", "PCI", NULL
    };

    for (size_t i = 0; classes[i]; i++) {
        store_record **v = NULL;
        size_t n = 0;
        int r = store_list(rs->st, classes[i], NULL, 0,
                           STORE_LIST_SKIP_INVALID, &v, &n);

        store_record_list_free(v, n);
        if (r < 0)
            return r;
        if (n)
            return 1;
    }
    return 0;
}

int restore__load(struct restore *rs, char *errbuf, size_t size)
{
    struct store_opts so = { .root = rs->o->root };
    char path[4096];
    int r;

    r = store_open(&rs->st, &so, errbuf, size);
    if (r < 0)
        return r;               /* "cannot connect to xenstored at ..." */
    snprintf(path, sizeof(path), "%s/%s", store_state_dir(rs->st),
             STORE_SNAPSHOT_FILE);

    if (rs->o->dry_run) {
        r = store_has_objects(rs);
        if (r > 0)
            return 0;
        if (r == 0) {
            r = store_snapshot_verify(rs->st, NULL);
            if (r >= 0) {
                restore__say(rs, false, "store: would load %d objects from "
                             "'%s' (xenstore is empty); run without "
                             "--dry-run to see the rest", r, path);
                return 1;
            }
        }
    } else {
        /* A store in xenstore is checked cheaply first: the load's own
         * check reads the whole tree in one transaction (seconds for a
         * few thousand objects in the C xenstored). */
        r = store_has_objects(rs);
        /* -EAGAIN: a load was cut short (the restore killed): the marker
         * it left makes the load run again over the half-written tree. */
        if (r == 0 || r == -EAGAIN)
            r = store_snapshot_load(rs->st, NULL, 0);
        else if (r > 0)
            r = -EEXIST;
        if (r >= 0) {
            rs->stats.loaded = r;
            rs->stats.store_changes++;
            restore__say(rs, false, "store: %d objects loaded from '%s'", r,
                         path);
            return 0;
        }
        if (r == -EEXIST) {
            /* xenstored kept running (a restore run again, a dom0 whose
             * xenstored survived): what it holds is newer than the file. */
            restore__say(rs, false, "store: xenstore already holds the "
                         "store: kept, snapshot not loaded");
            r = store_init(rs->st);
            if (r >= 0)
                return 0;
        }
    }
    if (r == -ENOENT && access(path, F_OK) < 0) {
        restore__say(rs, false, "store: no snapshot at '%s': nothing to "
                     "restore (no SR-IOV network was made on this host)",
                     path);
        return 1;
    }
    if (r == -EBADMSG || r == -EPROTO)
        snprintf(errbuf, size, "%s: xenstore was left untouched; check the "
                 "file with 'xen-sriov-store verify', or restore the "
                 "previous one (%s), then run xen-sriov-restore again",
                 store_last_error(rs->st), STORE_SNAPSHOT_PREVIOUS);
    else
        snprintf(errbuf, size, "%s", store_last_error(rs->st));
    return r;
}
