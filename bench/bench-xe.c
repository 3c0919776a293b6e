/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What one xe command costs: list and param-get next to xenstore-read,
 * and network-sriov-create/destroy on a simulated host. */
/*
 * bench-xe [NETWORKS [RUNS]]   (defaults 1024 and 200)
 *
 * Starts its own xenstored (tests/helpers harness) and fills the store
 * with NETWORKS networks, each with a physical PIF, a logical PIF and its
 * network-sriov.  Then, in the same run, as whole processes (the installed
 * xe binary, not libtool's wrapper script):
 *   xe network-sriov-list                    (RUNS / 20 times)
 *   xe network-sriov-param-get param-name=physical-PIF   (RUNS times)
 *   xe pif-param-get param-name=network-uuid on a logical PIF (RUNS times:
 *     the longest record, XAPI's 45 PIF fields; its xenstore traffic also
 *     for param-name=IP-configuration-mode, a field read from the kernel)
 *   xenstore-read of the same node           (RUNS times, interleaved)
 * and prints the time per call (median and mean), the param-get /
 * xenstore-read ratio (target: within 1.5x), and the xenstore requests and
 * round trips per call, counted by running the same commands in process.
 * Then, beside those networks, on a simulated X710 (tests/fixtures/sysfs,
 * kernel-sim.so preloaded into xe): xe network-sriov-create with 8 VFs and
 * xe network-sriov-destroy, RUNS / 10 times each (at least 5).
 * It prints figures only: nothing here asserts a speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "bench/bench-common.h"
#include "tests/helpers/sim-host.h"
#include "xe/frontend.h"
#include "xe/run.h"





__attribute__((noreturn))
static void die(const char *what, const char *why)
{
    bench_die("bench-xe", what, why);
}

/* Run argv with its output to /dev/null; seconds it took. */
static double run(char *const argv[])
{
    double t0 = now();
    pid_t pid = fork();
    int status;

    if (pid < 0)
        die("fork", "cannot fork");
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

        if (fd < 0 || dup2(fd, 1) < 0)
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        die(argv[0], "failed (run it by hand to see why)");
    return now() - t0;
}

/* run() with stdout (its first line, newline cut) into out. */
static double run_out(char *const argv[], char *out, size_t size)
{
    double t0 = now();
    int fds[2], status;
    ssize_t n, got = 0;
    pid_t pid;

    if (pipe(fds) < 0)
        die("pipe", "cannot make a pipe");
    pid = fork();
    if (pid < 0)
        die("fork", "cannot fork");
    if (pid == 0) {
        if (dup2(fds[1], 1) < 0)
            _exit(127);
        close(fds[0]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    while ((size_t)got < size - 1 &&
           (n = read(fds[0], out + got, size - 1 - (size_t)got)) > 0)
        got += n;
    close(fds[0]);
    out[got] = '\0';
    out[strcspn(out, "\n")] = '\0';
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        die(argv[0], "failed (run it by hand to see why)");
    return now() - t0;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double mean(const double *v, int n)
{
    double s = 0;

    for (int i = 0; i < n; i++)
        s += v[i];
    return s / n;
}

/* "  LABEL median X ms, mean Y ms", with digits decimals. */
static void print_ms(const char *label, double *v, int n, int digits)
{
    printf("  %-29s median %8.*f ms, mean %8.*f ms\n", label, digits,
           median(v, n) * 1e3, digits, mean(v, n) * 1e3);
}

struct fill {
    int from, to;
    char last[37];              /* a network_sriov uuid */
    char last_pif[37];          /* its logical PIF */
};

static int set(store_record *r, enum schema_fid f, const char *v)
{
    return store_record_set(r, f, v);
}

/* Networks [from, to), each with its physical PIF, logical PIF and
 * network-sriov, in one transaction. */
static int fill_fn(store_tx *tx, void *userdata)
{
    struct fill *f = userdata;
    const char *host = NULL;
    store_record **hosts = NULL;
    size_t n = 0;
    int r;

    r = store_tx_list(tx, "host", NULL, 0, 0, &hosts, &n);
    if (r < 0 || n != 1)
        return r < 0 ? r : -EINVAL;
    host = store_record_uuid(hosts[0]);
    for (int i = f->from; r >= 0 && i < f->to; i++) {
        store_record *net = NULL, *phys = NULL, *lp = NULL, *ns = NULL;
        char name[32], dev[32];

        snprintf(name, sizeof(name), "net%04d", i);
        snprintf(dev, sizeof(dev), "eth%d", i);
        r = store_record_new(&net, "network");
        if (r >= 0)
            r = set(net, SF_name_label, name);
        if (r >= 0)
            r = store_tx_create(tx, net);
        if (r >= 0)
            r = store_record_new(&phys, "PIF");
        if (r >= 0) {
            set(phys, SF_device, dev);
            set(phys, SF_host, host);
            set(phys, SF_capabilities, "sriov");
            r = store_tx_create(tx, phys);
        }
        if (r >= 0)
            r = store_record_new(&lp, "PIF");
        if (r >= 0) {
            set(lp, SF_device, dev);
            set(lp, SF_host, host);
            set(lp, SF_physical, "false");
            set(lp, SF_MAC, "fe:ff:ff:ff:ff:ff");
            set(lp, SF_network, store_record_uuid(net));
            r = store_tx_create(tx, lp);
        }
        if (r >= 0)
            r = store_record_new(&ns, "network_sriov");
        if (r >= 0) {
            set(ns, SF_physical_PIF, store_record_uuid(phys));
            set(ns, SF_logical_PIF, store_record_uuid(lp));
            set(ns, SF_configuration_mode, "sysfs");
            set(ns, SF_num_vfs, "8");
            r = store_tx_create(tx, ns);
        }
        if (r >= 0) {
            memcpy(f->last, store_record_uuid(ns), 37);
            memcpy(f->last_pif, store_record_uuid(lp), 37);
        }
        store_record_free(net);
        store_record_free(phys);
        store_record_free(lp);
        store_record_free(ns);
    }
    store_record_list_free(hosts, n);
    return r;
}

/* xe in this process, to count its xenstore requests and round trips. */
static void count_in_process(int argc, char **argv, const char *label,
                             sriov_ctx *ctx)
{
    struct xe_frontend fe;
    struct xe_cmdtable *table = NULL;
    struct store_stats s = { 0 };
    FILE *null = fopen("/dev/null", "we");
    struct xe_env env;
    double t0, t;
    int status;

    if (!null || xe_frontend_init(&fe, ctx, state_root, "bench") < 0 ||
        xe_cmdtable_new(&table, xe_handlers, xe_generic_handlers) < 0)
        die(label, "cannot set up xe in process");
    env = (struct xe_env){ .out = null, .err = stderr, .argv0 = "xe",
                           .hostname = "", .is_root = true,
                           .table = table, .userdata = &fe };
    t0 = now();
    status = xe_run(&env, argc, argv);
    t = now() - t0;
    if (status != 0)
        die(label, "failed in process");
    store_get_stats(fe.st, &s);
    printf("  %-28s %6llu requests, %4llu round trips, %8.3f ms in "
           "process\n", label, (unsigned long long)s.requests,
           (unsigned long long)s.round_trips, t * 1e3);
    xe_cmdtable_free(table);
    xe_frontend_done(&fe);
    fclose(null);
}

/*
 * network-sriov-create and -destroy as whole processes, on a simulated
 * X710 under $SRIOV_ROOT/host with kernel-sim.so preloaded into xe: the
 * enable writes sriov_numvfs and the kernel's VFs appear.
 */
static void bench_create(int networks, int runs)
{
    char root[512], err[512], host[64], pif[64], net[64], sriov[64];
    char host_arg[128], pif_arg[128], net_arg[128], uuid_arg[128];
    double *t_create, *t_destroy;

    snprintf(root, sizeof(root), "%s/host", state_root);
    if (sim_host_create(root) < 0 ||
        sim_host_load_file(root, BENCH_FIXTURES "/x710-2pf.tree", err,
                           sizeof(err)) < 0)
        die("simulated host", err);
    setenv("SRIOV_ROOT", root, 1);
    setenv("LD_PRELOAD", BENCH_KERNEL_SIM, 1);
    {
        char *hosts[] = { BENCH_XE, "host-list", "--minimal", NULL };
        char *pifs[] = { BENCH_XE, "pif-list", "device=enp59s0f1",
                         "--minimal", NULL };
        char *mknet[] = { BENCH_XE, "network-create",
                          "name-label=bench-sriov", NULL };

        run_out(hosts, host, sizeof(host));
        snprintf(host_arg, sizeof(host_arg), "host-uuid=%s", host);
        {
            char *scan[] = { BENCH_XE, "pif-scan", host_arg, NULL };

            run(scan);
        }
        run_out(pifs, pif, sizeof(pif));
        run_out(mknet, net, sizeof(net));
    }
    snprintf(pif_arg, sizeof(pif_arg), "pif-uuid=%s", pif);
    snprintf(net_arg, sizeof(net_arg), "network-uuid=%s", net);
    t_create = calloc((size_t)runs, sizeof(double));
    t_destroy = calloc((size_t)runs, sizeof(double));
    if (!t_create || !t_destroy)
        die("bench", "out of memory");
    for (int i = 0; i < runs; i++) {
        char *create[] = { BENCH_XE, "network-sriov-create", pif_arg, net_arg,
                           "num-vfs=8", NULL };
        char *destroy[] = { BENCH_XE, "network-sriov-destroy", uuid_arg,
                            NULL };

        t_create[i] = run_out(create, sriov, sizeof(sriov));
        snprintf(uuid_arg, sizeof(uuid_arg), "uuid=%s", sriov);
        t_destroy[i] = run(destroy);
    }
    unsetenv("LD_PRELOAD");
    printf("\non a simulated X710 (kernel-sim.so), beside the %d networks "
           "(%d runs):\n", networks, runs);
    print_ms("xe network-sriov-create (8 VFs)", t_create, runs, 2);
    print_ms("xe network-sriov-destroy", t_destroy, runs, 2);
    free(t_create);
    free(t_destroy);
}

int main(int argc, char **argv)
{
    int networks = argc > 1 ? atoi(argv[1]) : 1024;
    int runs = argc > 2 ? atoi(argv[2]) : 200;
    int list_runs = runs / 20 > 3 ? runs / 20 : 3;
    struct store_opts o = { .flags = STORE_OPEN_NO_SNAPSHOT };
    struct ops_ctx ops = { 0 };
    struct xapi_error err = XAPI_ERROR_INIT;
    struct fill f = { 0 };
    sriov_ctx *ctx = NULL;
    store *st = NULL;
    char buf[512], node[256], uuid_arg[64], pif_arg[64];
    double *t_get, *t_read, *t_list, *t_pif, t0;

    if (networks < 1 || runs < 2)
        die("usage", "bench-xe [NETWORKS [RUNS]]");
    bench_start("bench-xe");
    setenv("LD_LIBRARY_PATH", BENCH_LIBDIR, 1);

    /* The host, then the networks, 8 per transaction. */
    o.root = state_root;
    if (store_open(&st, &o, buf, sizeof(buf)) < 0)
        die("store", buf);
    if (sriov_ctx_new(&ctx) < 0 || sriov_ctx_set_root(ctx, state_root) < 0)
        die("libsriov", "cannot make a context");
    ops = (struct ops_ctx){ .sriov = ctx, .st = st, .caller = "bench" };
    if (ops_host_ensure(&ops, NULL, &err) < 0)
        die("host", err.n_params ? err.params[0] : err.code);
    t0 = now();
    for (f.from = 0; f.from < networks; f.from = f.to) {
        f.to = f.from + 8 < networks ? f.from + 8 : networks;
        if (store_transact(st, fill_fn, &f) < 0)
            die("fill", store_last_error(st));
    }
    printf("store: %d networks, each with 2 PIFs and a network-sriov "
           "(%.1f s to fill)\n", networks, now() - t0);
    snprintf(node, sizeof(node), "%s/network_sriov/%s/physical_PIF",
             SCHEMA_ROOT, f.last);
    snprintf(uuid_arg, sizeof(uuid_arg), "uuid=%s", f.last);
    snprintf(pif_arg, sizeof(pif_arg), "uuid=%s", f.last_pif);

    {
        char *list[] = { BENCH_XE, "network-sriov-list", NULL };
        char *get[] = { BENCH_XE, "network-sriov-param-get", uuid_arg,
                        "param-name=physical-PIF", NULL };
        char *rd[] = { "xenstore-read", node, NULL };
        char *pif[] = { BENCH_XE, "pif-param-get", pif_arg,
                        "param-name=network-uuid", NULL };

        t_pif = calloc((size_t)runs, sizeof(double));
        t_list = calloc((size_t)list_runs, sizeof(double));
        t_get = calloc((size_t)runs, sizeof(double));
        t_read = calloc((size_t)runs, sizeof(double));
        if (!t_list || !t_get || !t_read || !t_pif)
            die("bench", "out of memory");
        run(get);                       /* warm the page cache */
        run(rd);
        for (int i = 0; i < list_runs; i++)
            t_list[i] = run(list);
        for (int i = 0; i < runs; i++) {
            t_get[i] = run(get);
            t_read[i] = run(rd);
            t_pif[i] = run(pif);
        }
        double load[3] = { 0 };

        /* The ratio moves with the machine's load: print it beside. */
        getloadavg(load, 3);
        printf("\nper call, whole processes (%d runs; list: %d; load "
               "average %.2f %.2f %.2f):\n", runs, list_runs, load[0],
               load[1], load[2]);
        snprintf(buf, sizeof(buf), "xe network-sriov-list (%d)", networks);
        print_ms(buf, t_list, list_runs, 2);
        print_ms("xe network-sriov-param-get", t_get, runs, 3);
        print_ms("xenstore-read", t_read, runs, 3);
        printf("  param-get / xenstore-read    %.2fx (median), %.2fx "
               "(mean); target: within 1.5x\n",
               median(t_get, runs) / median(t_read, runs),
               mean(t_get, runs) / mean(t_read, runs));
        printf("  xe pif-param-get (45 fields) median %8.3f ms, mean "
               "%8.3f ms; %.2fx xenstore-read (median)\n",
               median(t_pif, runs) * 1e3, mean(t_pif, runs) * 1e3,
               median(t_pif, runs) / median(t_read, runs));
    }

    printf("\nxenstore traffic per call (in process; xenstore-read: 1 "
           "request, 1 round trip):\n");
    {
        char *list[] = { "xe", "network-sriov-list", NULL };
        char *get[] = { "xe", "network-sriov-param-get", uuid_arg,
                        "param-name=physical-PIF", NULL };

        count_in_process(2, list, "network-sriov-list", ctx);
        count_in_process(4, get, "network-sriov-param-get", ctx);
        {
            char *pif[] = { "xe", "pif-param-get", pif_arg,
                            "param-name=network-uuid", NULL };

            char *ip[] = { "xe", "pif-param-get", pif_arg,
                           "param-name=IP-configuration-mode", NULL };

            count_in_process(4, pif, "pif-param-get", ctx);
            /* Read from the kernel (rtnetlink), not the store. */
            count_in_process(4, ip, "pif-param-get IP-conf.-mode", ctx);
        }
    }
    bench_create(networks, runs / 10 > 5 ? runs / 10 : 5);
    free(t_pif);
    free(t_list);
    free(t_get);
    free(t_read);
    st = store_close(st);
    sriov_ctx_free(ctx);
    bench_cleanup();
    return 0;
}
