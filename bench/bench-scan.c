/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench-scan: time a full host scan on a simulated host of 16 PFs x 256 VFs
 * next to lspci on the same tree, in the same run, and count syscalls per
 * VF with strace.  Prints figures; asserts nothing (make bench-scan).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sriov/sriov.h>

#include "tests/helpers/sim-host.h"

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Run argv with stdout and stderr on /dev/null; its wall time in ms. */
static double run_ms(char *const argv[], char *const envp[], int *status)
{
    double t0 = now_ms();
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        dup2(fd, 1);
        dup2(fd, 2);
        if (envp)
            execve(argv[0], argv, envp);
        else
            execvp(argv[0], argv);
        _exit(127);
    }
    waitpid(pid, status, 0);
    return now_ms() - t0;
}

static int scan_once(const char *root, bool scan)
{
    sriov_ctx *ctx = NULL;
    sriov_host *host = NULL;
    int r;

    if (sriov_ctx_new(&ctx) < 0 || sriov_ctx_set_root(ctx, root) < 0)
        return 1;
    r = scan ? sriov_host_scan(&host, ctx, 0) : 0;
    sriov_host_free(host);
    sriov_ctx_free(ctx);
    return r < 0;
}

/* Syscalls made by argv (strace -f -c), or -1. */
static long count_syscalls(char *const argv[], const char *dir)
{
    char out[4096], line[512];
    char *args[32];
    long total = -1;
    int status, n = 0;
    FILE *f;

    snprintf(out, sizeof(out), "%s/strace.out", dir);
    args[n++] = (char *)"strace";
    args[n++] = (char *)"-f";
    args[n++] = (char *)"-c";
    args[n++] = (char *)"-o";
    args[n++] = out;
    for (int i = 0; argv[i] && n < 31; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    if (run_ms(args, NULL, &status) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return -1;
    f = fopen(out, "re");
    if (!f)
        return -1;
    /* "100.00    0.012345     1     12345     123 total" */
    while (fgets(line, sizeof(line), f))
        if (strstr(line, " total")) {
            double pct, secs;
            long usecs, calls;
            if (sscanf(line, "%lf %lf %ld %ld", &pct, &secs, &usecs,
                       &calls) == 4)
                total = calls;
        }
    fclose(f);
    unlink(out);
    return total;
}

static bool have(const char *prog)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "pfs", required_argument, NULL, 'p' },
        { "vfs", required_argument, NULL, 'v' },
        { "runs", required_argument, NULL, 'r' },
        { "scan-once", required_argument, NULL, 'S' },
        { "scan-none", required_argument, NULL, 'N' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    unsigned pfs = 16, vfs = 256, runs = 9, vf_total;
    char dir[4096], root[4200], sysfs_path[4300], err[1024], *text;
    const char *tmp = getenv("TMPDIR");
    double *t_scan, *t_info, *t_lspci, *t_lspci_n, t0, build;
    long sc_scan = -1, sc_none = -1, sc_lspci = -1;
    int c, status;

    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
        switch (c) {
        case 'p': pfs = (unsigned)atoi(optarg); break;
        case 'v': vfs = (unsigned)atoi(optarg); break;
        case 'r': runs = (unsigned)atoi(optarg); break;
        case 'S': return scan_once(optarg, true);
        case 'N': return scan_once(optarg, false);
        case 'h':
            printf("Usage: bench-scan [--pfs N] [--vfs N] [--runs N]\n");
            return 0;
        default:
            return 2;
        }
    if (!pfs || pfs > 31 || vfs > 256 || !runs || runs > 101) {
        fprintf(stderr, "bench-scan: 1-31 PFs, up to 256 VFs, 1-101 runs\n");
        return 2;
    }
    vf_total = pfs * vfs;
    /* sysfs lives in memory: a tree on tmpfs is the closer stand-in (and
     * builds ten times faster than on a disk), unless TMPDIR says */
    if ((!tmp || !*tmp) && access("/dev/shm", W_OK | X_OK) == 0)
        tmp = "/dev/shm";
    snprintf(dir, sizeof(dir), "%s/bench-scan.XXXXXX",
             tmp && *tmp ? tmp : P_tmpdir);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "bench-scan: mkdtemp: %s\n", strerror(errno));
        return 1;
    }
    snprintf(root, sizeof(root), "%s/host", dir);
    snprintf(sysfs_path, sizeof(sysfs_path), "sysfs.path=%s/sys/bus/pci",
             root);
    text = sim_host_generate(pfs, vfs);
    t0 = now_ms();
    if (!text || sim_host_load_text(root, text, "generated", err,
                                    sizeof(err)) < 0) {
        fprintf(stderr, "bench-scan: %s\n", err);
        sim_rm_rf(dir);
        return 1;
    }
    build = now_ms() - t0;
    free(text);

    t_scan = calloc(runs, sizeof(double));
    t_info = calloc(runs, sizeof(double));
    t_lspci = calloc(runs, sizeof(double));
    t_lspci_n = calloc(runs, sizeof(double));
    if (!t_scan || !t_info || !t_lspci || !t_lspci_n)
        return 1;
    {
        char *lspci[] = { (char *)"lspci", (char *)"-D", (char *)"-A",
                          (char *)"linux-sysfs", (char *)"-O", sysfs_path,
                          NULL };
        char *lspci_n[] = { (char *)"lspci", (char *)"-D", (char *)"-n",
                            (char *)"-A", (char *)"linux-sysfs", (char *)"-O",
                            sysfs_path, NULL };
        char env_root[4300], env_lib[4300];
        char *info[] = { (char *)BENCH_SRIOV_INFO, (char *)"--quiet", NULL };
        char *envp[] = { env_root, env_lib, NULL };
        bool lspci_ok = have("lspci");
        sriov_ctx *ctx = NULL;

        snprintf(env_root, sizeof(env_root), "SRIOV_ROOT=%s", root);
        snprintf(env_lib, sizeof(env_lib), "LD_LIBRARY_PATH=%s",
                 BENCH_LIBDIR);
        sriov_ctx_new(&ctx);
        sriov_ctx_set_root(ctx, root);
        /* interleaved, after one warm-up of each, so that both see the
         * same page cache */
        for (unsigned i = 0; i <= runs; i++) {
            sriov_host *host = NULL;
            double t = now_ms();

            if (sriov_host_scan(&host, ctx, 0) < 0 ||
                sriov_host_pf_count(host) != pfs) {
                fprintf(stderr, "bench-scan: scan failed: %s\n",
                        sriov_ctx_last_error(ctx));
                return 1;
            }
            t = now_ms() - t;
            sriov_host_free(host);
            if (i > 0)
                t_scan[i - 1] = t;
            t = run_ms(info, envp, &status);
            if (i > 0)
                t_info[i - 1] = t;
            if (lspci_ok) {
                t = run_ms(lspci, NULL, &status);
                if (i > 0)
                    t_lspci[i - 1] = t;
                t = run_ms(lspci_n, NULL, &status);
                if (i > 0)
                    t_lspci_n[i - 1] = t;
            }
        }
        sriov_ctx_free(ctx);
        if (have("strace")) {
            char *once[] = { (char *)"/proc/self/exe", (char *)"--scan-once",
                             root, NULL };
            char *none[] = { (char *)"/proc/self/exe", (char *)"--scan-none",
                             root, NULL };
            char self[4096];
            ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

            if (n > 0) {
                self[n] = '\0';
                once[0] = none[0] = self;
                sc_scan = count_syscalls(once, dir);
                sc_none = count_syscalls(none, dir);
                if (lspci_ok)
                    sc_lspci = count_syscalls(lspci_n, dir);
            }
        }
        printf("bench-scan: %u PFs x %u VFs = %u VFs; simulated host built "
               "in %.1f s in %s\n", pfs, vfs, vf_total, build / 1e3, dir);
        printf("  full scan, in process (median of %u):   %8.1f ms\n", runs,
               median(t_scan, runs));
        printf("  sriov-info --quiet, whole process:      %8.1f ms\n",
               median(t_info, runs));
        if (lspci_ok) {
            double l = median(t_lspci, runs), ln = median(t_lspci_n, runs);
            printf("  lspci -D (with pci.ids names):          %8.1f ms\n", l);
            printf("  lspci -D -n (no names):                 %8.1f ms\n", ln);
            printf("  lspci -D / scan: %.1fx   lspci -D / sriov-info: %.1fx"
                   "   lspci -D -n / sriov-info: %.1fx\n",
                   l / median(t_scan, runs), l / median(t_info, runs),
                   ln / median(t_info, runs));
        } else
            printf("  lspci: not installed, no comparison\n");
        if (sc_scan >= 0 && sc_none >= 0) {
            printf("  syscalls per VF (strace -c): %.2f (%ld for the scan)",
                   (double)(sc_scan - sc_none) / vf_total, sc_scan - sc_none);
            if (sc_lspci >= 0)
                printf("; lspci -n: %.2f per VF", (double)sc_lspci / vf_total);
            printf("\n");
        } else
            printf("  syscalls: strace not available\n");
    }
    free(t_scan);
    free(t_info);
    free(t_lspci);
    free(t_lspci_n);
    sim_rm_rf(dir);
    return 0;
}
