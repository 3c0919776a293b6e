/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Plugin figures: domain starts and releases (dry-run) on a private
 * xenstored and a simulated host. */
/*
 * bench-plugin [VFS [DOMAINS [VIFS_EACH [PROCS]]]]  (256 64 2 8)
 *
 * One E810 PF with VFS VFs (a simulated host on $TMPDIR), an SR-IOV
 * network with a PCI record per VF, DOMAINS pretend domains of their own
 * VM with VIFS_EACH VIFs each.  Times, in dry-run (reservation, checks,
 * saved settings, records; no libxl or netlink):
 *   start     plugin_domain_start of each domain, one after the other
 *   capacity  plugin_network_sriov_capacity with half the VFs reserved
 *   reconcile plugin_reconcile with every domain running (nothing to do)
 *   release   plugin_domain_release of each dead domain
 *   parallel  PROCS processes starting the domains at once
 * and prints medians, 90th percentiles and store transactions.  It
 * asserts nothing about speed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "ops/plugin-error.h"
#include "plugin/plugin.h"
#include "store/store.h"
#include "tests/helpers/sim-host.h"
#include "tests/helpers/xs-harness.h"

static xs_harness *harness;
static char root[4096];
static store *st;
static struct xs_handle *xs;
static char network[37], ns[37];

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void cleanup(void)
{
    if (xs)
        xs_close(xs);
    st = store_close(st);
    harness = xs_harness_stop(harness);
    if (*root)
        sim_rm_rf(root);
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench-plugin: %s: %s\n", what, why);
    cleanup();
    exit(1);
}

static void create(const char *cls, char uuid[37], ...)
{
    store_record *r = NULL;
    const char *f;
    va_list ap;

    if (store_record_new(&r, cls) < 0)
        die(cls, "record");
    va_start(ap, uuid);
    while ((f = va_arg(ap, const char *)))
        if (store_record_set(r, schema_fid_find(f),
                             va_arg(ap, const char *)) < 0)
            die(cls, f);
    va_end(ap);
    if (store_create(st, r) < 0)
        die(cls, store_last_error(st));
    if (uuid)
        memcpy(uuid, store_record_uuid(r), 37);
    store_record_free(r);
}

static void vm_of(unsigned d, char vm[37])
{
    snprintf(vm, 37, "22222222-3333-4444-8555-%012u", d);
}

static void domain_new(unsigned domid, const char *vm, char *list,
                       size_t size)
{
    char path[128], val[128];

    snprintf(path, sizeof(path), "/vm/%s/uuid", vm);
    xs_write(xs, XBT_NULL, path, vm, strlen(vm));
    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    snprintf(val, sizeof(val), "/vm/%s", vm);
    xs_write(xs, XBT_NULL, path, val, strlen(val));
    snprintf(val, sizeof(val), " %u", domid);
    strncat(list, val, size - strlen(list) - 1);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, unsigned n)
{
    qsort(t, n, sizeof(*t), cmp);
    printf("%-10s %6u x  median %8.2f ms  p90 %8.2f ms  max %8.2f ms\n",
           what, n, t[n / 2] * 1e3, t[n * 9 / 10] * 1e3, t[n - 1] * 1e3);
}

static plugin *open_plugin(void)
{
    struct plugin_opts o = { .root = root, .dry_run = true };
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p = NULL;

    if (ops_plugin_new(&p, &o, &err) < 0)
        die("plugin", err.n_params ? err.params[0] : "?");
    return p;
}

int main(int argc, char **argv)
{
    unsigned vfs = argc > 1 ? (unsigned)atoi(argv[1]) : 256;
    unsigned doms = argc > 2 ? (unsigned)atoi(argv[2]) : 64;
    unsigned each = argc > 3 ? (unsigned)atoi(argv[3]) : 2;
    unsigned procs = argc > 4 ? (unsigned)atoi(argv[4]) : 8;
    struct store_opts so = { 0 };
    struct xapi_error err = XAPI_ERROR_INIT;
    struct store_stats stats;
    char host[37], pf[37], phys[37], logical[37], err_buf[512];
    char *manifest, *list;
    const char *tmp = getenv("TMPDIR");
    double *t, t0, total;
    unsigned cap = 0;
    plugin *p;

    if (!vfs || !doms || !each || !procs || doms * each > vfs) {
        fprintf(stderr, "usage: bench-plugin [VFS [DOMAINS [VIFS_EACH "
                "[PROCS]]]] with DOMAINS * VIFS_EACH <= VFS\n");
        return 2;
    }
    snprintf(root, sizeof(root), "%s/bench-plugin.XXXXXX",
             tmp && *tmp ? tmp : P_tmpdir);
    if (!mkdtemp(root))
        die("mkdtemp", strerror(errno));
    manifest = sim_host_generate(1, vfs);
    if (!manifest || sim_host_load_text(root, manifest, "generated",
                                        err_buf, sizeof(err_buf)) < 0)
        die("simulated host", err_buf);
    free(manifest);
    if (xs_harness_start(&harness, NULL) < 0)
        die("xenstored", xs_harness_error());
    so.root = root;
    if (store_open(&st, &so, err_buf, sizeof(err_buf)) < 0)
        die("store", err_buf);
    xs = xs_open(0);

    create("host", host, "name_label", "dom0", NULL);
    create("network", network, "name_label", "bench", NULL);
    create("PCI", pf, "pci_id", "0000:10:00.0", "host", host, NULL);
    create("PIF", phys, "device", "ens1f0", "host", host, "PCI", pf, NULL);
    create("PIF", logical, "device", "ens1f0", "host", host, "network",
           network, "physical", "false", NULL);
    create("network_sriov", ns, "physical_PIF", phys, "logical_PIF",
           logical, NULL);
    for (unsigned i = 0; i < vfs; i++) {
        unsigned rid = (0x10u << 8) + 8 + i;
        char bdf[16];

        snprintf(bdf, sizeof(bdf), "0000:%02x:%02x.%u", rid >> 8,
                 (rid >> 3) & 0x1f, rid & 7);
        create("PCI", NULL, "pci_id", bdf, "host", host,
               "physical_function", pf, NULL);
    }
    list = calloc(doms + 2, 8);
    strcpy(list, "0");
    for (unsigned d = 0; d < doms; d++) {
        char vm[37];

        vm_of(d, vm);
        for (unsigned k = 0; k < each; k++) {
            char dev[8], mac[18];

            snprintf(dev, sizeof(dev), "%u", k);
            snprintf(mac, sizeof(mac), "02:00:00:%02x:%02x:%02x", d >> 8,
                     d & 0xff, k);
            create("VIF", NULL, "VM", vm, "network", network, "device", dev,
                   "MAC", mac, NULL);
        }
        domain_new(10 + d, vm, list, (doms + 2) * 8);
    }
    xs_harness_set_domains(harness, list);
    for (unsigned d = 0; d < doms; d++)
        xs_introduce_domain(xs, 10 + d, 1, 1);

    printf("bench-plugin: 1 PF x %u VFs, %u domains x %u VIFs, dry-run, "
           "real xenstored\n", vfs, doms, each);
    t = calloc(doms, sizeof(*t));
    p = open_plugin();
    store_reset_stats(plugin_store(p));
    for (unsigned d = 0; d < doms; d++) {
        t0 = now();
        if (ops_plugin_domain_start(p, 10 + d, &err) != (int)each)
            die("start", plugin_last_error(p));
        t[d] = now() - t0;
    }
    store_get_stats(plugin_store(p), &stats);
    report("start", t, doms);
    printf("           %.1f transactions, %.1f retries, %.0f requests per "
           "start\n", (double)stats.transactions / doms,
           (double)stats.retries / doms, (double)stats.requests / doms);

    for (unsigned i = 0; i < 9; i++) {
        t0 = now();
        plugin_network_sriov_capacity(p, ns, &cap);
        t[i] = now() - t0;
    }
    report("capacity", t, 9);
    for (unsigned i = 0; i < 5; i++) {
        t0 = now();
        plugin_reconcile(p, NULL, NULL);
        t[i] = now() - t0;
    }
    report("reconcile", t, 5);

    for (unsigned d = 0; d < doms; d++)
        xs_release_domain(xs, 10 + d);
    for (unsigned d = 0; d < doms; d++) {
        t0 = now();
        if (ops_plugin_domain_release(p, 10 + d, &err) != (int)each)
            die("release", plugin_last_error(p));
        t[d] = now() - t0;
    }
    report("release", t, doms);
    plugin_free(p);

    /* All at once again: PROCS processes, each its share of domains. */
    for (unsigned d = 0; d < doms; d++)
        xs_introduce_domain(xs, 10 + d, 1, 1);
    t0 = now();
    for (unsigned k = 0; k < procs; k++) {
        pid_t pid = fork();

        if (pid == 0) {
            plugin *q = open_plugin();

            for (unsigned d = k; d < doms; d += procs)
                if (ops_plugin_domain_start(q, 10 + d, &err) != (int)each)
                    _exit(1);
            plugin_free(q);
            _exit(0);
        }
    }
    for (unsigned k = 0; k < procs; k++) {
        int status;

        wait(&status);
        if (!WIFEXITED(status) || WEXITSTATUS(status))
            die("parallel", "a process failed");
    }
    total = now() - t0;
    printf("parallel   %u processes: %u starts in %.2f s, %.1f starts/s\n",
           procs, doms, total, doms / total);
    free(t);
    free(list);
    cleanup();
    return 0;
}
