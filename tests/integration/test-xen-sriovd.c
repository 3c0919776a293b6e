/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen-sriovd --dry-run against a real xenstored: at start it releases what
 * dead domains held and serves running ones, then follows domains
 * introduced and released (as libxl and xenstored announce them), serves
 * XenAPI on its socket, runs once per host, stops on SIGTERM; and its
 * one-shot commands; a start waiting for a slow guest holds up no other. */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/helpers/http-client.h"
#include "tests/helpers/plugin-test.h"

#define VM1 "11111111-2222-4333-8444-555555555501"
#define VM2 "11111111-2222-4333-8444-555555555502"
#define VM3 "11111111-2222-4333-8444-555555555503"

static struct pt_net net;
static char vif1[37], vif2[37], vif3[37];
static char logpath[4200];

static void setup(void)
{
    pt_setup_with("x710-2pf");
    pt_network(&net, "0000:3b:00.0", "0000:3b:02.0", "0000:3b:02.1",
               "0000:3b:02.2", NULL);
    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", vif1);
    pt_vif(VM2, net.network, "0", "02:00:00:00:00:02", vif2);
    pt_vif(VM3, net.network, "0", "02:00:00:00:00:03", vif3);
    snprintf(logpath, sizeof(logpath), "%s/sriovd.log", pt_root);
}

static const char *daemon_path(void)
{
    static char path[4096];
    const char *b = getenv("top_builddir");

    snprintf(path, sizeof(path), "%s/daemon/xen-sriovd", b ? b : ".");
    return path;
}

/* Run xen-sriovd with @p args (NULL-ended), stderr to the log. */
static pid_t spawn(const char *const *args)
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        const char *argv[16] = { daemon_path() };
        size_t n = 1;

        for (; *args && n < 15; args++)
            argv[n++] = *args;
        argv[n] = NULL;
        setenv("SRIOV_ROOT", pt_root, 1);
        if (!freopen(logpath, "a", stderr))
            _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Run a one-shot command; its exit status and stdout. */
static int oneshot(const char *arg, const char *arg2, char *out, size_t size)
{
    char cmd[16384];
    FILE *f;
    size_t n;

    snprintf(cmd, sizeof(cmd), "SRIOV_ROOT='%s' '%s' %s %s 2>>'%s'",
             pt_root, daemon_path(), arg, arg2 ? arg2 : "", logpath);
    f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    return WEXITSTATUS(pclose(f));
}

static const char *vf_of(const char *vif)
{
    const char *pci = pt_field("VIF", vif, SF_reserved_pci);

    return *pci ? pt_field("PCI", pci, SF_pci_id) : "";
}

static double mono(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Wait (at most 120 s: a busy machine) until the VIF holds @p want ("" =
 * nothing); a wait past 5 s is printed. */
static void wait_vf(const char *vif, const char *want)
{
    double start = mono();

    while (mono() < start + 120) {
        if (strcmp(vf_of(vif), want) == 0 &&
            strcmp(pt_field("VIF", vif, SF_currently_attached),
                   *want ? "true" : "false") == 0) {
            if (mono() - start > 5)
                printf("# slow: VIF %s took %.1f s to hold '%s'\n", vif,
                       mono() - start, want);
            return;
        }
        usleep(25000);
    }
    ck_abort_msg("VIF %s holds '%s', not '%s'", vif, vf_of(vif), want);
}

static int stop(pid_t pid)
{
    int status;

    kill(pid, SIGTERM);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* Wait (at most 120 s) until the VIF has @p want reserved, attached or
 * not; a wait past 5 s is printed. */
static void wait_reserved(const char *vif, const char *want)
{
    double start = mono();

    while (mono() < start + 120) {
        if (strcmp(vf_of(vif), want) == 0) {
            if (mono() - start > 5)
                printf("# slow: VIF %s took %.1f s to reserve '%s'\n", vif,
                       mono() - start, want);
            return;
        }
        usleep(25000);
    }
    ck_abort_msg("VIF %s holds '%s', not '%s'", vif, vf_of(vif), want);
}

/* A PV domain as libxl 4.17 starts one with a device in its config: the
 * PCI backend is there, waiting for the guest's pcifront (state 1). */
static void pv_domain_booting(unsigned domid, const char *vm)
{
    char path[128];

    snprintf(path, sizeof(path), "/libxl/%u/type", domid);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, "pv", 2));
    pt_domain_add_pci(domid, "0000:3b:02.3");
    snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%u/0/state",
             domid);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, "1", 1));
    pt_domain_new(domid, vm);
}

static bool log_has(const char *text)
{
    char buf[65536];
    FILE *f = fopen(logpath, "r");
    size_t n;

    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strstr(buf, text) != NULL;
}

/*
 * A start that waits for a slow guest (its pcifront, up to 5 minutes)
 * holds up no other domain: each start runs on its own.  A stop does not
 * wait for the guest: the waiting start gives up and is rolled back.
 */
START_TEST(test_daemon_slow_guest_blocks_nobody)
{
    static const char *const args[] = { "--foreground", "--dry-run",
                                        "--no-api", NULL };
    char path[128];
    pid_t pid;

    pid = spawn(args);
    /* Domain 5 (VM1) reserves a VF, then waits for its guest. */
    pv_domain_booting(5, VM1);
    wait_reserved(vif1, "0000:3b:02.0");
    ck_assert_str_eq(pt_field("VIF", vif1, SF_currently_attached), "false");
    /* Domain 6 (VM3) starts meanwhile and gets its VF. */
    pt_domain_new(6, VM3);
    wait_vf(vif3, "0000:3b:02.1");
    ck_assert_str_eq(pt_field("VIF", vif1, SF_currently_attached), "false");
    /* The guest's pcifront connects: domain 5's start ends. */
    snprintf(path, sizeof(path), "/local/domain/0/backend/pci/5/0/state");
    ck_assert(xs_write(pt_xs, XBT_NULL, path, "4", 1));
    wait_vf(vif1, "0000:3b:02.0");

    /* Domain 7 (VM2) waits for its guest when the daemon is told to stop:
     * it stops at once, and the VF waits in the store for its next run. */
    pv_domain_booting(7, VM2);
    wait_reserved(vif2, "0000:3b:02.2");
    ck_assert_int_eq(stop(pid), 0);
    ck_assert_str_eq(vf_of(vif2), "");
    ck_assert_msg(log_has("pcifront was cancelled"), "no cancel line");
    pt_domain_destroy(7);
    pt_domain_destroy(6);
    pt_domain_destroy(5);
}
END_TEST

START_TEST(test_daemon_follows_domains)
{
    static const char *const args[] = { "--foreground", "--dry-run",
                                        "--users", "/nonexistent", NULL };
    static const char list[] = "{\"jsonrpc\":\"2.0\",\"id\":1,"
        "\"method\":\"system.listMethods\",\"params\":[]}";
    struct xapi_error err = XAPI_ERROR_INIT;
    char sock[4200], pidfile[4200], out[4096];
    struct http_reply reply;
    struct stat st;
    plugin *p;
    pid_t pid;
    int fd;

    /* Before the daemon: VM1 runs; VM2's domain 7 died holding a VF. */
    pt_domain_new(5, VM1);
    pt_domain_new(7, VM2);
    p = pt_plugin(NULL, NULL);
    ck_assert_int_eq(ops_plugin_domain_start(p, 7, &err), 1);
    plugin_free(p);
    pt_domain_destroy(7);
    ck_assert_str_eq(vf_of(vif2), "0000:3b:02.0");

    pid = spawn(args);
    wait_vf(vif2, "");
    wait_vf(vif1, "0000:3b:02.0");

    /* xl create: libxl writes the vm node, xenstored announces it. */
    pt_domain_new(6, VM3);
    wait_vf(vif3, "0000:3b:02.1");
    pt_domain_destroy(6);
    wait_vf(vif3, "");
    /* A reboot of VM1: a new domain, the same VF again. */
    pt_domain_destroy(5);
    wait_vf(vif1, "");
    pt_domain_new(8, VM1);
    wait_vf(vif1, "0000:3b:02.0");
    ck_assert_str_eq(pt_field("VIF", vif1, SF_domid), "8");

    /* One daemon serves XenAPI too. */
    snprintf(sock, sizeof(sock), "%s/var/run/xen-sriov/xapi.sock",
             pt_root);
    ck_assert_int_eq(stat(sock, &st), 0);
    fd = http_connect_unix(sock);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(http_request(fd, "POST", "/jsonrpc", "", list,
                                  strlen(list), &reply), 0);
    ck_assert_int_eq(reply.status, 200);
    ck_assert_ptr_nonnull(strstr(reply.body, "session.login_with_password"));
    http_reply_dispose(&reply);
    close(fd);

    /* Once per host. */
    {
        static const char *const again[] = { "--foreground", "--dry-run",
                                             "--no-api", NULL };
        pid_t second = spawn(again);
        int status;

        ck_assert_int_eq(waitpid(second, &status, 0), second);
        ck_assert_int_eq(WEXITSTATUS(status), 1);
    }
    snprintf(pidfile, sizeof(pidfile), "%s/var/run/xen-sriov/xen-sriovd.pid",
             pt_root);
    ck_assert_int_eq(stat(pidfile, &st), 0);

    /* Status lists every VF. */
    ck_assert_int_eq(oneshot("--status", "--dry-run", out, sizeof(out)), 0);
    ck_assert_ptr_nonnull(strstr(out, "host: passthrough unknown, "
                                 "interrupt remapping unknown (dry run"));
    ck_assert_ptr_nonnull(strstr(out, "0000:3b:02.0 reserved by VIF"));
    ck_assert_ptr_nonnull(strstr(out, "0000:3b:02.1 free"));
    ck_assert_msg(strstr(out, "2 of 3 VFs free"), "%s", out);
    ck_assert_int_eq(oneshot("--check-migrate", VM1, out, sizeof(out)), 1);
    ck_assert_int_eq(oneshot("--check-migrate", VM3, out, sizeof(out)), 0);

    ck_assert_int_eq(stop(pid), 0);
    ck_assert_int_ne(stat(pidfile, &st), 0);
    ck_assert_int_ne(stat(sock, &st), 0);
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_oneshot_reconcile)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char out[4096];
    plugin *p;

    pt_domain_new(7, VM2);
    p = pt_plugin(NULL, NULL);
    ck_assert_int_eq(ops_plugin_domain_start(p, 7, &err), 1);
    plugin_free(p);
    /* The reservations were made in dry-run: so is the check (a real
     * one would find domain 7 without the VF and release it). */
    ck_assert_msg(oneshot("--reconcile --dry-run", NULL, out,
                          sizeof(out)) == 0, "%s", out);
    pt_domain_destroy(7);
    ck_assert_int_eq(oneshot("--reconcile --dry-run", NULL, out,
                             sizeof(out)), 1);
    ck_assert_ptr_nonnull(strstr(out, "domain 7 of VM " VM2 " is gone"));
    ck_assert_str_eq(vf_of(vif2), "");
    ck_assert_int_eq(oneshot("--reconcile", "--listen=1:2", out,
                             sizeof(out)), 2);
    xapi_error_clear(&err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xen-sriovd");
    TCase *tc = tcase_create("daemon");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, pt_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_daemon_follows_domains);
    tcase_add_test(tc, test_oneshot_reconcile);
    tcase_add_test(tc, test_daemon_slow_guest_blocks_nobody);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
