/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Between the files of the boot restore (boot/restore.h). */
#ifndef XEN_SRIOV_BOOT_INTERNAL_H
#define XEN_SRIOV_BOOT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <sriov/sriov.h>

#include "boot/restore.h"
#include "store/store.h"
#include "ops/ops.h"

struct restore {
    const struct restore_opts *o;
    sriov_ctx *ctx;
    store *st;
    sriov_host *host;               /* the host as found at start */
    struct ops_ctx ops;             /* for a scan after a NIC moved */
    struct restore_stats stats;
    uint64_t sysfs_t0;
};

/* One finding to the report callback; @p problem counts as not restored. */
void restore__say(struct restore *rs, bool problem, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* CLOCK_MONOTONIC in ns. */
uint64_t restore__now(void);

/* Around calls that write sysfs: their time is the kernel's work. */
void restore__sysfs_begin(struct restore *rs);
void restore__sysfs_end(struct restore *rs);

/* libsriov's log callback counting sysfs writes (userdata: restore). */
void restore__count_writes(void *userdata, int level, const char *file,
                           int line, const char *func, const char *msg);

/*
 * Set scalar fields of one object (name, value, ..., NULL) in one
 * transaction, writing only those that differ.  1 when something was
 * written (counted as a store change), 0 when all were equal; in a dry
 * run nothing is written and 1 means it would be.
 */
int restore__update(struct restore *rs, const char *cls, const char *uuid,
                    ...) __attribute__((sentinel));

/* load.c: the store, connected and loaded.  0 go on; 1 nothing recorded
 * (no snapshot, empty store); < 0 hard failure, message in errbuf. */
int restore__load(struct restore *rs, char *errbuf, size_t size);

/* network.c: every network-sriov's PF. */
int restore__networks(struct restore *rs);

/* restore.c: network-sriov creates cut short, finished (their VFs'
 * PCI records made: ops_network_sriov_finish). */
void restore__finish_creates(struct restore *rs);

/* reserved.c: reconcile, then the VFs still reserved. */
int restore__reserved(struct restore *rs);

#endif
