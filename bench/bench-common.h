/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the store benchmarks share: a clock, and their private xenstored and
 * state directory, both gone when the benchmark ends. */
#ifndef XEN_SRIOV_BENCH_COMMON_H
#define XEN_SRIOV_BENCH_COMMON_H

#include <ftw.h>
#include <stdio.h>
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

/* "NAME: what: why" on stderr, clean up, exit 1. */
__attribute__((noreturn))
static inline void bench_die(const char *name, const char *what,
                             const char *why)
{
    fprintf(stderr, "%s: %s: %s\n", name, what, why);
    bench_cleanup();
    exit(1);
}

/*
 * A state directory $TMPDIR/NAME.XXXXXX (state_root, and $SRIOV_ROOT for
 * what the benchmark runs) and a private xenstored (harness): the start
 * of bench-xe and bench-contention.  Dies when either cannot be made.
 */
static inline void bench_start(const char *name)
{
    const char *tmp = getenv("TMPDIR");
    char buf[512];

    snprintf(buf, sizeof(buf), "%s/%s.XXXXXX", tmp && *tmp ? tmp : P_tmpdir,
             name);
    if (!mkdtemp(buf))
        bench_die(name, "mkdtemp", buf);
    state_root = strdup(buf);
    if (!state_root)
        bench_die(name, "state directory", "out of memory");
    if (xs_harness_start(&harness, NULL) < 0)
        bench_die(name, "xenstored", xs_harness_error());
    setenv("SRIOV_ROOT", state_root, 1);
}

/* For qsort() of doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

#endif
