/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a write command costs as the store grows, and with others at once. */
/*
 * bench-contention [SIZES [WRITERS [COMMANDS [RUNS]]]]
 *   defaults "10,1000,10000" "1,8,64" 64 10
 *
 * Starts its own xenstored (tests/helpers harness) and a state directory.
 *
 * 1. Contention: COMMANDS `xe network-create` (then COMMANDS `xe
 *    vif-create` on one network, devices 0..COMMANDS-1 of one VM), run by
 *    N writers at once for each N of WRITERS: every command is its own
 *    process (xe's code run in a forked child, so its store counters can
 *    be read), each writer runs COMMANDS/N of them one after another.
 *    Prints the wall time, the transactions retried after a conflict,
 *    the failures, the median and p99 latency of one command, and the
 *    wall time over that of one writer (N = 1: the serial run).  Checks
 *    that every command succeeded and that the VIFs got distinct devices.
 * 2. Size: the store is filled up to each of SIZES networks (bridges
 *    xapiN), each with a VIF; then RUNS `xe network-create` and RUNS `xe
 *    vif-create` (on a network of their own) are timed one after another,
 *    with the CPU time xenstored spent on them (/proc/<pid>/stat utime +
 *    stime before and after).
 *
 *    BENCH_FILL=load fills by loading a snapshot of that store instead
 *    (pipelined writes outside transactions), which the C xenstored 4.17
 *    takes faster at 10,000.  BENCH_PERF=PREFIX records where xenstored
 *    spends its CPU during each size's commands: `perf record -g -p
 *    <xenstored>` into PREFIX-N-network-create.data (and vif-create), to
 *    read with `perf report -i`.
 *
 * It prints figures only: nothing here asserts a speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "bench/bench-common.h"
#include "xe/frontend.h"
#include "xe/run.h"

/* The VM of the VIFs of one run: its number in the last 12 digits. */
#define VM_UUID "5f1e2d3c-4b5a-4697-8877-%012x"





__attribute__((noreturn))
static void die(const char *what, const char *why)
{
    bench_die("bench-contention", what, why);
}

/* xenstored's CPU time so far, in seconds (utime + stime). */
static double xenstored_cpu(void)
{
    char path[64], buf[1024], *p;
    unsigned long ut = 0, st = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat",
             (int)xs_harness_pid(harness));
    f = fopen(path, "re");
    if (!f || !fgets(buf, sizeof(buf), f))
        die(path, "cannot read xenstored's CPU time");
    fclose(f);
    p = strrchr(buf, ')');
    /* After "pid (comm)": state is field 3, utime 14, stime 15. */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                     "%lu %lu", &ut, &st) != 2)
        die(path, "cannot parse xenstored's CPU time");
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* One command's outcome, written by its process to the results pipe. */
struct result {
    double seconds;
    unsigned long long retries, requests;
    int status;
};

/* Run one xe command in this (forked) process: xe's own code. */
static struct result xe_here(int argc, char **argv)
{
    struct xe_frontend fe;
    struct xe_cmdtable *table = NULL;
    struct store_stats s = { 0 };
    struct result res = { .status = 1 };
    FILE *null = fopen("/dev/null", "we");
    sriov_ctx *ctx = NULL;
    struct xe_env env;
    double t0 = now();

    if (!null || sriov_ctx_new(&ctx) < 0 ||
        sriov_ctx_set_root(ctx, state_root) < 0 ||
        xe_frontend_init(&fe, ctx, state_root, "bench") < 0 ||
        xe_cmdtable_new(&table, xe_handlers, xe_generic_handlers) < 0)
        return res;
    env = (struct xe_env){ .out = null, .err = stderr, .argv0 = "xe",
                           .hostname = "", .is_root = true,
                           .table = table, .userdata = &fe };
    res.status = xe_run(&env, argc, argv);
    res.seconds = now() - t0;
    if (fe.st) {
        store_get_stats(fe.st, &s);
        res.retries = s.retries;
        res.requests = s.requests;
    }
    xe_cmdtable_free(table);
    xe_frontend_done(&fe);
    sriov_ctx_free(ctx);
    fclose(null);
    return res;
}

enum kind { NETWORK_CREATE, VIF_CREATE };

/* The i-th command of a run, in a new process; its result to fd. */
/* VM number vm's xl config (a VIF's VM must exist: docs/xe.md "VMs"). */
static void vm_config(int vm)
{
    char path[4096], tmp[4200];
    FILE *f;

    snprintf(path, sizeof(path), "%s/etc", state_root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/etc/xen", state_root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/etc/xen/vm%d.cfg", state_root, vm);
    if (access(path, F_OK) == 0)
        return;
    /* Writers race to make it: each renames a whole file into place. */
    snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
    f = fopen(tmp, "we");
    if (!f)
        die("vm config", strerror(errno));
    fprintf(f, "name = \"vm%d\"\nuuid = \"" VM_UUID "\"\n", vm, vm);
    if (fclose(f) != 0 || rename(tmp, path) != 0)
        die("vm config", strerror(errno));
}

static pid_t spawn(enum kind k, int i, const char *net, int vm, int fd)
{
    pid_t pid = fork();

    if (pid < 0)
        die("fork", strerror(errno));
    if (pid == 0) {
        char a1[64], a2[64], a3[64];
        char *argv[6] = { "xe", NULL };
        struct result res;
        int argc;

        if (k == NETWORK_CREATE) {
            snprintf(a1, sizeof(a1), "name-label=bench%d", i);
            argv[1] = "network-create";
            argv[2] = a1;
            argc = 3;
        } else {
            vm_config(vm);
            snprintf(a1, sizeof(a1), "vm-uuid=" VM_UUID, vm);
            snprintf(a2, sizeof(a2), "network-uuid=%s", net);
            snprintf(a3, sizeof(a3), "device=%d", i);
            argv[1] = "vif-create";
            argv[2] = a1;
            argv[3] = a2;
            argv[4] = a3;
            argc = 5;
        }
        res = xe_here(argc, argv);
        _exit(write(fd, &res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 1);
    }
    return pid;
}

/* The q-quantile of v (sorted in place), nearest rank. */
static double quantile(double *v, int n, double q)
{
    int i;

    qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
    i = (int)(q * n + 0.999999) - 1;
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

struct figures {
    double wall, median, p99;
    unsigned long long retries;
    int failed;
};

/*
 * COMMANDS commands of kind k by `writers` processes at once, each running
 * its share one after another (every command its own process).
 */
static struct figures contend(enum kind k, int writers, int commands,
                              const char *net, int vm)
{
    struct figures f = { 0 };
    double *lat = calloc((size_t)commands, sizeof(double));
    int p[2], got = 0;
    pid_t *pids;
    double t0;

    if (!lat || pipe2(p, O_CLOEXEC) < 0)
        die("contend", "out of memory or pipes");
    pids = calloc((size_t)writers, sizeof(*pids));
    if (!pids)
        die("contend", "out of memory");
    fflush(stdout);
    t0 = now();
    for (int w = 0; w < writers; w++) {
        pid_t pid = pids[w] = fork();

        if (pid < 0)
            die("fork", strerror(errno));
        if (pid == 0) {
            int ok = 0;

            close(p[0]);
            for (int i = w; i < commands; i += writers) {
                int status;
                pid_t c = spawn(k, i, net, vm, p[1]);

                if (waitpid(c, &status, 0) == c && WIFEXITED(status) &&
                    WEXITSTATUS(status) == 0)
                    ok++;
            }
            _exit(0);
        }
    }
    close(p[1]);
    for (;;) {
        struct result res;
        ssize_t n = read(p[0], &res, sizeof(res));

        if (n != (ssize_t)sizeof(res))
            break;
        if (got < commands)
            lat[got++] = res.seconds;
        f.retries += res.retries;
        if (res.status != 0)
            f.failed++;
    }
    close(p[0]);
    for (int w = 0; w < writers; w++)   /* not xenstored: ours too */
        waitpid(pids[w], NULL, 0);
    free(pids);
    f.wall = now() - t0;
    f.failed += commands - got;
    if (got) {
        f.median = quantile(lat, got, 0.5);
        f.p99 = quantile(lat, got, 0.99);
    }
    free(lat);
    return f;
}

static int set(store_record *r, enum schema_fid f, const char *v)
{
    return store_record_set(r, f, v);
}

struct fill {
    int from, to;
};

/* Networks [from, to) with bridges xapiN, each with a VIF (a VM per four
 * networks). */
static int fill_fn(store_tx *tx, void *userdata)
{
    struct fill *f = userdata;
    int r = 0;

    for (int i = f->from; r >= 0 && i < f->to; i++) {
        store_record *n = NULL, *v = NULL;
        char name[32], vm[40], dev[16], mac[20];

        snprintf(name, sizeof(name), "xapi%d", i);
        r = store_record_new(&n, "network");
        if (r >= 0)
            r = set(n, SF_name_label, name);
        if (r >= 0)
            r = set(n, SF_bridge, name);
        if (r >= 0)
            r = store_tx_create(tx, n);
        snprintf(vm, sizeof(vm), "00000000-0000-4000-8000-%012x", i / 4);
        snprintf(dev, sizeof(dev), "%d", i % 4);
        snprintf(mac, sizeof(mac), "02:00:00:%02x:%02x:%02x",
                 (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
        if (r >= 0)
            r = store_record_new(&v, "VIF");
        if (r >= 0) {
            set(v, SF_VM, vm);
            set(v, SF_device, dev);
            set(v, SF_network, store_record_uuid(n));
            set(v, SF_MAC, mac);
            r = store_tx_create(tx, v);
        }
        store_record_free(n);
        store_record_free(v);
    }
    return r;
}

/*
 * The same store of n networks and n VIFs written as a snapshot and
 * loaded (BENCH_FILL=load): one pipelined write per node outside any
 * transaction, as xen-sriov-restore loads a snapshot.  Filling the C
 * xenstored 4.17 to 10,000 networks with transactions of 16 objects took
 * over 25 minutes (docs/store.md: its TDB allocator).
 */
static void fill_by_load(store *st, int n)
{
    char path[512];
    FILE *x;
    int r;

    snprintf(path, sizeof(path), "%s/fill.xml", state_root);
    x = fopen(path, "we");
    if (!x)
        die(path, strerror(errno));
    fprintf(x, "<?xml version=\"1.0\"?>\n<xen-sriov-store "
            "schema-version=\"%d\">\n", SCHEMA_VERSION);
    for (int i = 0; i < n; i++) {
        char nu[40], vu[40];

        snprintf(nu, sizeof(nu), "00000000-0000-4000-9000-%012x", i);
        snprintf(vu, sizeof(vu), "00000000-0000-4000-a000-%012x", i);
        fprintf(x, "  <object class=\"network\" uuid=\"%s\">\n"
                "    <field name=\"uuid\">%s</field>\n"
                "    <field name=\"name_label\">xapi%d</field>\n"
                "    <field name=\"name_description\"></field>\n"
                "    <field name=\"bridge\">xapi%d</field>\n"
                "    <field name=\"MTU\">1500</field>\n"
                "    <field name=\"managed\">true</field>\n  </object>\n",
                nu, nu, i, i);
        fprintf(x, "  <object class=\"VIF\" uuid=\"%s\">\n"
                "    <field name=\"uuid\">%s</field>\n", vu, vu);
        fprintf(x, "    <field name=\"VM\">00000000-0000-4000-8000-"
                "%012x</field>\n    <field name=\"device\">%d</field>\n"
                "    <field name=\"network\">00000000-0000-4000-9000-%012x"
                "</field>\n    <field name=\"MAC\">02:00:00:%02x:%02x:%02x"
                "</field>\n    <field name=\"MAC_autogenerated\">false</field>"
                "\n    <field name=\"MTU\">1500</field>\n"
                "    <field name=\"currently_attached\">false</field>\n"
                "    <field name=\"locking_mode\">network_default</field>\n"
                "  </object>\n", i / 4, i % 4, i,
                (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    }
    fprintf(x, "</xen-sriov-store>\n");
    if (fclose(x) != 0)
        die(path, "cannot write the snapshot to load");
    r = store_snapshot_load(st, path, STORE_LOAD_REPLACE);
    if (r < 0)
        die("load", store_last_error(st));
    unlink(path);
}

static int parse_list(const char *s, int *v, int max)
{
    int n = 0;

    for (char *end; *s && n < max; s = *end ? end + 1 : end) {
        v[n++] = (int)strtol(s, &end, 10);
        if (end == s)
            return -1;
    }
    return n;
}

static void make_network(store *st, const char *label, char ret[37])
{
    store_record *n = NULL;

    if (store_record_new(&n, "network") < 0 ||
        set(n, SF_name_label, label) < 0 || store_create(st, n) < 0)
        die("network", store_last_error(st));
    memcpy(ret, store_record_uuid(n), 37);
    store_record_free(n);
}

/* Distinct device numbers among the VIFs of VM number vm_no on net. */
static int distinct_devices(store *st, const char *net, int vm_no)
{
    char vm[40];
    struct store_match m[] = { { SF_network, net }, { SF_VM, vm } };
    store_record **v = NULL;
    size_t n = 0;
    int d = 0;

    snprintf(vm, sizeof(vm), VM_UUID, vm_no);
    if (store_list(st, "VIF", m, 2, 0, &v, &n) < 0)
        die("list", store_last_error(st));
    for (size_t i = 0; i < n; i++) {
        bool seen = false;

        for (size_t j = 0; j < i; j++)
            seen = seen || strcmp(store_record_get(v[i], SF_device),
                                  store_record_get(v[j], SF_device)) == 0;
        d += !seen;
    }
    store_record_list_free(v, n);
    return d;
}

static void contention(store *st, const int *writers, int n_writers,
                       int commands)
{
    static const char *const names[] = { "network-create", "vif-create" };

    printf("contention: %d commands by N writers at once (each command "
           "its own process)\n", commands);
    printf("  %-15s %4s %9s %8s %7s %10s %10s %8s\n", "command", "N",
           "wall s", "retries", "failed", "median ms", "p99 ms",
           "/serial");
    for (int k = NETWORK_CREATE; k <= VIF_CREATE; k++) {
        double serial = 0;

        for (int i = 0; i < n_writers; i++) {
            char net[37] = "", label[32];
            struct figures f;

            if (k == VIF_CREATE) {
                snprintf(label, sizeof(label), "vifs-%d", writers[i]);
                make_network(st, label, net);
            }
            f = contend(k, writers[i], commands, net, i);
            if (i == 0)
                serial = f.wall;
            printf("  %-15s %4d %9.2f %8llu %7d %10.1f %10.1f %7.2fx\n",
                   names[k], writers[i], f.wall, f.retries, f.failed,
                   f.median * 1e3, f.p99 * 1e3,
                   serial > 0 ? f.wall / serial : 0);
            if (k == VIF_CREATE)
                printf("  %-15s      %d distinct devices of %d\n", "",
                       distinct_devices(st, net, i), commands);
        }
    }
}

/*
 * BENCH_PERF=PREFIX: `perf record` on xenstored into PREFIX-size-what.data
 * until perf_stop(); 0 when not asked (or perf cannot be run).
 */
static pid_t perf_start(int size, const char *what)
{
    const char *prefix = getenv("BENCH_PERF");
    char out[512], pid[16];
    pid_t c;

    if (!prefix || !*prefix)
        return 0;
    snprintf(out, sizeof(out), "%s-%d-%s.data", prefix, size, what);
    snprintf(pid, sizeof(pid), "%d", (int)xs_harness_pid(harness));
    c = fork();
    if (c == 0) {
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

        if (null >= 0)
            dup2(null, STDOUT_FILENO);
        execlp("perf", "perf", "record", "-q", "-g", "-p", pid, "-o", out,
               (char *)NULL);
        fprintf(stderr, "bench-contention: BENCH_PERF: cannot run perf: %s; "
                "install linux-perf or unset BENCH_PERF\n", strerror(errno));
        _exit(127);
    }
    /* perf attaches after its start: a moment, not an event we can see. */
    usleep(300000);
    return c > 0 ? c : 0;
}

static void perf_stop(pid_t c)
{
    if (c <= 0)
        return;
    kill(c, SIGINT);
    waitpid(c, NULL, 0);
}

/* RUNS commands of kind k one after another: median wall, xenstored CPU
 * per command, requests per command. */
static void cost(enum kind k, int runs, const char *net, int size, int idx)
{
    static const char *const names[] = { "network-create", "vif-create" };
    double *lat = calloc((size_t)runs, sizeof(double));
    unsigned long long req = 0;
    double cpu0, cpu;
    pid_t perf;
    int p[2];

    if (!lat || pipe2(p, O_CLOEXEC) < 0)
        die("cost", "out of memory or pipes");
    perf = perf_start(size, names[k]);
    cpu0 = xenstored_cpu();
    for (int i = 0; i < runs; i++) {
        struct result res = { .status = 1 };
        int status;
        pid_t c = spawn(k, i, net, 100 + idx, p[1]);

        waitpid(c, &status, 0);
        if (read(p[0], &res, sizeof(res)) != (ssize_t)sizeof(res) ||
            res.status != 0)
            die(names[k], "a command failed (run it by hand to see why)");
        lat[i] = res.seconds;
        req += res.requests;
    }
    cpu = xenstored_cpu() - cpu0;
    perf_stop(perf);
    close(p[0]);
    close(p[1]);
    printf("  %7d  %-15s %10.2f %14.2f %10llu\n", size, names[k],
           quantile(lat, runs, 0.5) * 1e3, cpu / runs * 1e3,
           req / (unsigned long long)runs);
    free(lat);
}

int main(int argc, char **argv)
{
    int sizes[16], writers[16], n_sizes, n_writers;
    int commands = argc > 3 ? atoi(argv[3]) : 64;
    int runs = argc > 4 ? atoi(argv[4]) : 10;
    struct store_opts o = { .flags = STORE_OPEN_NO_SNAPSHOT };
    struct fill f = { 0 };
    store *st = NULL;
    char buf[512], net[37];
    bool by_load;
    int have = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    n_sizes = parse_list(argc > 1 ? argv[1] : "10,1000,10000", sizes, 16);
    n_writers = parse_list(argc > 2 ? argv[2] : "1,8,64", writers, 16);
    if (n_sizes < 1 || n_writers < 1 || commands < 1 || runs < 1 ||
        runs > 100)
        die("usage", "bench-contention [SIZES [WRITERS [COMMANDS [RUNS]]]]");
    bench_start("bench-contention");
    {
        /* Which daemon (XS_HARNESS_XENSTORED=oxenstored: the OCaml one). */
        char exe[64], path[512];
        ssize_t k;

        snprintf(exe, sizeof(exe), "/proc/%d/exe",
                 (int)xs_harness_pid(harness));
        k = readlink(exe, path, sizeof(path) - 1);
        path[k > 0 ? k : 0] = '\0';
        printf("xenstored: %s\n", k > 0 ? path : "?");
    }
    o.root = state_root;
    if (store_open(&st, &o, buf, sizeof(buf)) < 0)
        die("store", buf);

    contention(st, writers, n_writers, commands);

    printf("\nsize: one command at a time (%d runs each) on a store of N "
           "networks and N VIFs\n", runs);
    printf("  %7s  %-15s %10s %14s %10s\n", "N", "command", "median ms",
           "xenstored ms", "requests");
    by_load = getenv("BENCH_FILL") && strcmp(getenv("BENCH_FILL"),
                                             "load") == 0;
    make_network(st, "vifs", net);
    for (int i = 0; i < n_sizes; i++) {
        double t0 = now();

        if (by_load && sizes[i] > have) {
            /* Replaces the whole store: the contention run's objects too. */
            fill_by_load(st, sizes[i]);
            make_network(st, "vifs", net);
        }
        for (f.from = have; !by_load && f.from < sizes[i]; f.from = f.to) {
            f.to = f.from + 16 < sizes[i] ? f.from + 16 : sizes[i];
            if (store_transact(st, fill_fn, &f) < 0)
                die("fill", store_last_error(st));
        }
        have = sizes[i] > have ? sizes[i] : have;
        {
            /* The snapshot's base, as a host that ran that long has. */
            struct store_opts d = { .root = state_root };
            store *durable = NULL;

            if (store_open(&durable, &d, buf, sizeof(buf)) < 0 ||
                store_snapshot_write(durable) < 0)
                die("snapshot", durable ? store_last_error(durable) : buf);
            store_close(durable);
        }
        fprintf(stderr, "  (filled to %d networks in %.1f s)\n", have,
                now() - t0);
        cost(NETWORK_CREATE, runs, net, have, i);
        cost(VIF_CREATE, runs, net, have, i);
    }
    store_close(st);
    bench_cleanup();
    return 0;
}
