/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the lifecycle files: numvfs.c, modprobe.c, mode.c. */
#ifndef SRIOV_LIFECYCLE_INTERNAL_H
#define SRIOV_LIFECYCLE_INTERNAL_H

#include <stdbool.h>

#include "libsriov/host-internal.h"

/* 0 for an SR-IOV PF; -EOPNOTSUPP with a message for a plain NIC. */
_hidden_ int sriov__pf_check_sriov(const sriov_pf *pf);

/* How a driver takes its VF count as a module option. */
struct sriov__modprobe_info {
    char *module;          /* module name ("mlx4_core") */
    char *param;           /* option ("num_vfs"), NULL if none known */
    bool no_sysfs;         /* known to have no sriov_configure */
    bool from_comment;     /* "# VFs-param:" of a XenServer driver package */
    unsigned maxvfs;       /* "VFs-maxvfs-by-default/-by-user", 0 if none */
};

_hidden_ void sriov__modprobe_info_dispose(struct sriov__modprobe_info *mi);
/* Fill @ret for @driver (never fails but on ENOMEM; param may be NULL). */
_hidden_ int sriov__modprobe_info_get(sriov_ctx *ctx, const char *driver,
                                      struct sriov__modprobe_info *ret);
/*
 * Set the option to @value for @pf in modprobe.d, atomically, keeping every
 * other line and option.  The file is the one already setting it (the last
 * in modprobe's order), else <driver>-sriov.conf.
 */
_hidden_ int sriov__modprobe_set(sriov_ctx *ctx, const sriov_pf *pf,
                                 const struct sriov__modprobe_info *mi,
                                 unsigned value);

/*
 * The running module's value of the option for @pf, when the module shows
 * it (parameters with permission 0, as igb's max_vfs, are not in sysfs):
 * 1 and *ret when known, 0 when not.
 */
_hidden_ int sriov__modprobe_running(sriov_ctx *ctx, const sriov_pf *pf,
                                     const struct sriov__modprobe_info *mi,
                                     unsigned *ret);

#endif
