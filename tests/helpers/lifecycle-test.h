/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The lifecycle calls of <sriov/lifecycle.h> by PCI address, for tests:
 * each scans the PF just before, as the library's callers do, and frees
 * the scan after.  The scan's errors (-EINVAL for a bad address, -ENODEV,
 * -EOPNOTSUPP for a VF) come back as the call's.
 */
#ifndef TESTS_LIFECYCLE_TEST_H
#define TESTS_LIFECYCLE_TEST_H

#include <sriov/sriov.h>

static inline int test_scan_pf(sriov_ctx *ctx, const char *bdf,
                               sriov_host **ret_host, sriov_pf **ret_pf)
{
    int r = sriov_host_scan_device(ret_host, ctx, bdf, 0);

    if (r >= 0)
        *ret_pf = sriov_host_pf(*ret_host, 0);
    return r;
}

static inline int test_set_numvfs(sriov_ctx *ctx, const char *bdf,
                                  unsigned numvfs, unsigned flags)
{
    sriov_host *h = NULL;
    sriov_pf *pf = NULL;
    int r = test_scan_pf(ctx, bdf, &h, &pf);

    if (r >= 0)
        r = sriov_pf_set_numvfs(pf, numvfs, flags);
    sriov_host_free(h);
    return r;
}

static inline int test_detect_mode(sriov_ctx *ctx, const char *bdf,
                                   int *ret_mode)
{
    sriov_host *h = NULL;
    sriov_pf *pf = NULL;
    int r = test_scan_pf(ctx, bdf, &h, &pf);

    if (r >= 0)
        r = sriov_pf_detect_mode(pf, ret_mode);
    sriov_host_free(h);
    return r;
}

/* sriov_pf_enable() with the options' fields as arguments. */
static inline int test_enable(sriov_ctx *ctx, const char *bdf,
                              unsigned numvfs, int mode, unsigned flags,
                              int *ret_mode, int *ret_requires_reboot,
                              unsigned *ret_numvfs)
{
    sriov_pf_enable_options opts = SRIOV_PF_ENABLE_OPTIONS_INIT;
    sriov_host *h = NULL;
    sriov_pf *pf = NULL;
    int r = test_scan_pf(ctx, bdf, &h, &pf);

    opts.numvfs = numvfs;
    opts.mode = (enum sriov_mode)mode;
    opts.flags = flags;
    if (r >= 0)
        r = sriov_pf_enable(pf, &opts, ret_mode, ret_requires_reboot,
                            ret_numvfs);
    sriov_host_free(h);
    return r;
}

static inline int test_disable(sriov_ctx *ctx, const char *bdf, int mode,
                               unsigned flags, int *ret_requires_reboot)
{
    sriov_host *h = NULL;
    sriov_pf *pf = NULL;
    int r = test_scan_pf(ctx, bdf, &h, &pf);

    if (r >= 0)
        r = sriov_pf_disable(pf, mode, flags, ret_requires_reboot);
    sriov_host_free(h);
    return r;
}

#endif
