/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Boot restore figures: a simulated host of PFS x VFS after a reboot. */
/*
 * bench-restore [PFS [VFS [RUNS]]]  (8 64 5)
 *
 * PFS Intel E810 PFs with VFS VFs each (a simulated host on $TMPDIR,
 * kernel-sim.so preloaded), an SR-IOV network on each made with the
 * normal operations, then RUNS simulated reboots (a new, empty xenstored;
 * the sysfs tree rebuilt without VFs), each followed by the restore and
 * by a second restore (nothing to do).  Prints medians of the whole
 * restore, of its sysfs writes (the simulated kernel's work), of loading
 * the snapshot and of the rest (its own work), next to the same
 * sriov_numvfs writes made alone.  It asserts nothing about speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boot/restore.h"
#include "tests/helpers/fixture.h"
#include "tests/helpers/sim-host.h"
#include "tests/helpers/xs-harness.h"
#include "ops/ops.h"

static xs_harness *harness;
static char root[4096];
static char *manifest;

static void cleanup(void)
{
    harness = xs_harness_stop(harness);
    if (*root)
        sim_rm_rf(root);
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench-restore: %s: %s\n", what, why);
    cleanup();
    exit(1);
}

static double ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The sysfs tree as after boot: the PFs without VFs. */
static void boot_host(void)
{
    char path[4200], err[1024];

    snprintf(path, sizeof(path), "%s/sys", root);
    sim_rm_rf(path);
    snprintf(path, sizeof(path), "%s/" SIM_STATE_DIR, root);
    sim_rm_rf(path);
    if (sim_host_load_text(root, manifest, "generated", err,
                           sizeof(err)) < 0)
        die("simulated host", err);
}

static void setup_networks(unsigned pfs, unsigned vfs)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct store_opts so = { .root = root };
    struct ops_ctx ops = { .caller = "bench", .hostname = "dom0" };
    sriov_ctx *ctx = NULL;
    store *st = NULL;
    char msg[512], host[37];

    if (sriov_ctx_new(&ctx) < 0 || sriov_ctx_set_root(ctx, root) < 0)
        die("libsriov", "no context");
    if (store_open(&st, &so, msg, sizeof(msg)) < 0)
        die("store", msg);
    ops.sriov = ctx;
    ops.st = st;
    if (ops_host_ensure(&ops, host, &err) < 0 ||
        ops_pif_scan(&ops, host, &err) < 0)
        die("pif-scan", err.n_params ? err.params[0] : "");
    for (unsigned i = 0; i < pfs; i++) {
        struct ops_network_args a = { .name_label = "sriov", .managed = -1 };
        char ifname[16], net[37], ns[37];
        struct store_match m[] = { { SF_device, ifname },
                                   { SF_physical, "true" } };
        store_record **v = NULL;
        size_t n = 0;

        snprintf(ifname, sizeof(ifname), "ens%uf0", i + 1);
        if (ops_network_create(&ops, &a, net, &err) < 0 ||
            store_list(st, "PIF", m, 2, 0, &v, &n) < 0 || n != 1 ||
            ops_network_sriov_create(&ops, store_record_uuid(v[0]), net, vfs,
                                     ns, &err) < 0)
            die("network-sriov-create", err.n_params ? err.params[0] : "");
        store_record_list_free(v, n);
    }
    xapi_error_clear(&err);
    store_close(st);
    sriov_ctx_free(ctx);
}

/* The same sriov_numvfs writes, alone (what the kernel's part costs). */
static double writes_alone(unsigned pfs, unsigned vfs)
{
    struct timespec a, b;
    char path[4300], val[16];

    boot_host();
    snprintf(val, sizeof(val), "%u", vfs);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (unsigned i = 0; i < pfs; i++) {
        int fd;

        snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:%02x:00.0/"
                 "sriov_numvfs", root, 0x10 + i * 4);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, val, strlen(val)) < 0)
            die(path, strerror(errno));
        close(fd);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a.tv_sec) * 1e3 +
           (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
    unsigned pfs = argc > 1 ? (unsigned)atoi(argv[1]) : 8;
    unsigned vfs = argc > 2 ? (unsigned)atoi(argv[2]) : 64;
    unsigned runs = argc > 3 ? (unsigned)atoi(argv[3]) : 5;
    double *total, *sysfs, *load, *own, *again, *alone;
    struct restore_opts o = { 0 };
    struct plugin_opts po = { .dry_run = true };
    unsigned writes = 0, changes = 0;
    const char *tmp = getenv("TMPDIR");
    char *s;

    if (!getenv("top_builddir"))
        setenv("top_builddir", BENCH_BUILDDIR, 1);
    fixture_preload_kernel_sim(argv);
    if (!pfs || pfs > 31 || !vfs || vfs > 256 || !runs || runs > 100) {
        fprintf(stderr, "usage: bench-restore [PFS (1-31) [VFS (1-256) "
                "[RUNS]]]\n");
        return 2;
    }
    total = calloc(runs, sizeof(double));
    sysfs = calloc(runs, sizeof(double));
    load = calloc(runs, sizeof(double));
    own = calloc(runs, sizeof(double));
    again = calloc(runs, sizeof(double));
    alone = calloc(runs, sizeof(double));
    manifest = sim_host_generate(pfs, vfs);
    if (!total || !sysfs || !load || !own || !again || !alone || !manifest)
        die("memory", strerror(ENOMEM));
    /* At boot the PFs have no VFs. */
    while ((s = strstr(manifest, " numvfs=")))
        memmove(s, s + strcspn(s + 1, "\n") + 1,
                strlen(s + strcspn(s + 1, "\n") + 1) + 1);
    snprintf(root, sizeof(root), "%s/bench-restore.XXXXXX",
             tmp && *tmp ? tmp : P_tmpdir);
    if (!mkdtemp(root))
        die("mkdtemp", strerror(errno));
    boot_host();
    if (xs_harness_start(&harness, NULL) < 0)
        die("xenstored", xs_harness_error());
    setup_networks(pfs, vfs);
    o.root = root;
    o.plugin = &po;

    for (unsigned i = 0; i < runs; i++) {
        struct restore_stats st;
        char msg[2048];

        if (xs_harness_kill(harness) < 0 || xs_harness_restart(harness) < 0)
            die("xenstored restart", xs_harness_error());
        boot_host();
        if (restore_run(&o, &st, msg, sizeof(msg)) != 0)
            die("restore", *msg ? msg : "not everything restored");
        if (st.vfs != pfs * vfs)
            die("restore", "VFs missing");
        total[i] = ms(st.total_ns);
        sysfs[i] = ms(st.sysfs_ns);
        load[i] = ms(st.load_ns);
        own[i] = ms(st.total_ns - st.sysfs_ns - st.load_ns);
        writes = st.sysfs_writes;
        changes = st.store_changes;
        if (restore_run(&o, &st, msg, sizeof(msg)) != 0 ||
            st.sysfs_writes || st.store_changes)
            die("second restore", "it changed something");
        again[i] = ms(st.total_ns);
    }
    for (unsigned i = 0; i < runs; i++)
        alone[i] = writes_alone(pfs, vfs);

    printf("bench-restore: %u PFs x %u VFs, %u simulated reboots "
           "(kernel-sim.so stands in for the kernel), medians:\n",
           pfs, vfs, runs);
    printf("  restore after boot        %8.1f ms (%u sysfs writes, %u "
           "store changes)\n", median(total, runs), writes, changes);
    printf("    sysfs writes            %8.1f ms\n", median(sysfs, runs));
    printf("    loading the snapshot    %8.1f ms (into xenstored)\n",
           median(load, runs));
    printf("    own work                %8.1f ms\n", median(own, runs));
    printf("  the same numvfs writes alone %5.1f ms\n", median(alone, runs));
    printf("  second run (nothing to do) %7.1f ms\n", median(again, runs));
    free(total);
    free(sysfs);
    free(load);
    free(own);
    free(again);
    free(alone);
    free(manifest);
    cleanup();
    return 0;
}
