/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the store benchmarks share: a clock, and their private xenstored and
 * state directory, both gone when the benchmark ends. */
#ifndef XEN_SRIOV_BENCH_COMMON_H
#define XEN_SRIOV_BENCH_COMMON_H

#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/helpers/xs-harness.h"

static xs_harness *harness;     /* stopped by bench_cleanup() */
static char *state_root;        /* removed by bench_cleanup() */

static inline double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline int bench_rm_one(const char *p, const struct stat *sb,
                               int flag, struct FTW *ftw)
{
    (void)sb; (void)ftw;
    return flag == FTW_DP ? rmdir(p) : unlink(p);
}

/* Stop the daemon and remove the state directory. */
static inline void bench_cleanup(void)
{
    harness = xs_harness_stop(harness);
    if (state_root)
        nftw(state_root, bench_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(state_root);
    state_root = NULL;
}

#endif
