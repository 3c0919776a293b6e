/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the xe front end itself costs: filtering and printing 1,024
 * network-sriov records (as `xe network-sriov-list`, params=all and
 * --minimal), without the store.  Prints microseconds per call, so the
 * store's share of a real `xe network-sriov-list` can be told apart.
 * Usage: bench-xe-list [records] [rounds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xe/generic.h"

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int capacity(void *ud, const struct xe_record *rec,
                    const struct xe_field_def *f, struct xe_value *out)
{
    return xe_value_set_text(out, "6");
}

static double run(struct xe_record **recs, size_t n, int rounds,
                  const char *const *words, int n_words, bool minimal,
                  FILE *sink)
{
    double t0 = now();

    for (int i = 0; i < rounds; i++) {
        struct xe_args args = XE_ARGS_INIT;
        struct xapi_error err = XAPI_ERROR_INIT;
        struct xe_printer p;

        if (xe_args_parse(&args, n_words, (char *const *)words, NULL,
                          &err) < 0)
            exit(1);
        xe_printer_init(&p, sink, sink, minimal);
        if (xe_generic_list(&xe_class_network_sriov, recs, n, &args, &p,
                            &err) < 0)
            exit(1);
        xe_printer_flush(&p);
        xe_printer_done(&p);
        xe_args_done(&args);
    }
    return (now() - t0) / rounds * 1e6;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
    int rounds = argc > 2 ? atoi(argv[2]) : 50;
    static const char *const plain[] = { "xe", "network-sriov-list", NULL };
    static const char *const all[] = { "xe", "network-sriov-list",
                                       "params=all", NULL };
    static const char *const minimal[] = { "xe", "network-sriov-list",
                                           "--minimal", NULL };
    static const char *const filter[] = { "xe", "network-sriov-list",
                                          "remaining-capacity=6",
                                          "--minimal", NULL };
    struct xe_record **recs = calloc(n, sizeof(*recs));
    FILE *sink = fopen("/dev/null", "we");
    char uuid[64];

    if (!recs || !sink || rounds < 1)
        return 1;
    for (size_t i = 0; i < n; i++) {
        if (xe_record_new(&recs[i], &xe_class_network_sriov) < 0)
            return 1;
        snprintf(uuid, sizeof(uuid), "%08zx-0d55-6a4e-4c3b-2f1c3e0a9b11", i);
        xe_record_set(recs[i], "uuid", uuid);
        xe_record_set(recs[i], "physical-PIF", uuid);
        xe_record_set(recs[i], "logical-PIF", uuid);
        xe_record_set(recs[i], "requires-reboot", "false");
        xe_record_set(recs[i], "configuration-mode", "sysfs");
        recs[i]->compute = capacity;
    }
    printf("records: %zu, rounds: %d\n", n, rounds);
    printf("network-sriov-list                       %8.1f us/call\n",
           run(recs, n, rounds, plain, 2, false, sink));
    printf("network-sriov-list params=all            %8.1f us/call\n",
           run(recs, n, rounds, all, 3, false, sink));
    printf("network-sriov-list --minimal             %8.1f us/call\n",
           run(recs, n, rounds, minimal, 3, true, sink));
    printf("network-sriov-list remaining-capacity=6  %8.1f us/call "
           "(computes an expensive field per record)\n",
           run(recs, n, rounds, filter, 4, true, sink));
    for (size_t i = 0; i < n; i++)
        xe_record_free(recs[i]);
    free(recs);
    fclose(sink);
    return 0;
}
