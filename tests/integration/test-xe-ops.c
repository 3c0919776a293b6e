/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The operations of ops/ops.h against a real xenstored and a
 * simulated host (kernel-sim.so preloaded): what each failure point leaves
 * behind (the kernel refusing sriov_numvfs, xenstored gone before or after
 * the records, the process killed between the steps, the snapshot not
 * written), that the next command works, the checks xe cannot reach on one
 * host, scans in batches and concurrent creates.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenstore.h>

#include "libsriov/macro.h"
#include "tests/helpers/fixture.h"
#include "tests/helpers/sim-host.h"
#include "tests/helpers/lifecycle-test.h"
#include "tests/helpers/xs-harness.h"
#include "ops/ops.h"
#include "ops/xapi-errors.h"

#define PF1 "0000:3b:00.1"

static char *root;
static sriov_ctx *ctx;
static store *st;
static struct ops_ctx ops;
static struct xapi_error err = XAPI_ERROR_INIT;
static char host[37], net[37], pif1[37];

#define ck_ops(expr) do {                                                 \
        int _r = (expr);                                                  \
        ck_assert_msg(_r >= 0, "%s = %d: %s %s", #expr, _r,               \
                      err.code ? err.code : "",                           \
                      err.n_params ? err.params[err.n_params - 1] : "");  \
    } while (0)

static void open_store(void)
{
    struct store_opts o = { .root = root };
    char msg[512];

    ck_assert_msg(store_open(&st, &o, msg, sizeof(msg)) == 0, "%s", msg);
    ops.st = st;
}

/* Empty store, fresh host (x710-2pf), the host scanned, one network. */
static void setup(void)
{
    struct xs_handle *xs = xs_open(0);
    struct ops_network_args a = { .name_label = "sriov", .managed = -1 };
    store_record **v = NULL;
    size_t n = 0;
    struct store_match m = { SF_device, "enp59s0f1" };

    ck_assert_ptr_nonnull(xs);
    xs_rm(xs, XBT_NULL, SCHEMA_ROOT);
    xs_close(xs);
    root = fixture_new("x710-2pf", NULL);
    fixture_xl_config(root, "web1", "6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c");
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, root), 0);
    ops = (struct ops_ctx){ .sriov = ctx, .caller = "test",
                            .hostname = "dom0" };
    open_store();
    ck_ops(ops_host_ensure(&ops, host, &err));
    ck_ops(ops_pif_scan(&ops, host, &err));
    ck_ops(ops_network_create(&ops, &a, net, &err));
    ck_assert_int_eq(store_list(st, "PIF", &m, 1, 0, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    memcpy(pif1, store_record_uuid(v[0]), 37);
    store_record_list_free(v, n);
    unsetenv("SIM_FAIL");
}

static void teardown(void)
{
    xapi_error_clear(&err);
    st = store_close(st);
    ctx = sriov_ctx_free(ctx);
    fixture_free(root);
    root = NULL;
}

/* A fresh daemon per test, for the tests that kill it. */
static void setup_own_daemon(void)
{
    xs_harness_setup();
    setup();
}

static void teardown_own_daemon(void)
{
    teardown();
    xs_harness_teardown();
}

static unsigned numvfs(const char *bdf)
{
    char path[1024], buf[32] = "";
    FILE *f;

    snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/sriov_numvfs",
             root, bdf);
    f = fopen(path, "re");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
    fclose(f);
    return (unsigned)strtoul(buf, NULL, 10);
}

static size_t count(const char *cls, enum schema_fid field, const char *value)
{
    struct store_match m = { field, value };
    store_record **v = NULL;
    size_t n = 0;

    ck_assert_int_ge(store_list(st, cls, field != SF_NONE ? &m : NULL,
                                field != SF_NONE, 0, &v, &n), 0);
    store_record_list_free(v, n);
    return n;
}

/* What a reboot brings back: an empty xenstored loading the snapshot. */
static void reboot(void)
{
    st = store_close(st);
    if (xs_harness_pid(xs_harness_current()) > 0)
        ck_assert_int_eq(xs_harness_kill(xs_harness_current()), 0);
    ck_assert_int_eq(xs_harness_restart(xs_harness_current()), 0);
    open_store();
    ck_assert_int_ge(store_snapshot_load(st, NULL, 0), 0);
}

static void expect_code(int r, const char *code)
{
    ck_assert_int_lt(r, 0);
    ck_assert_ptr_nonnull(err.code);
    ck_assert_str_eq(err.code, code);
}

/* The state before network-sriov-create, in xenstore and on the NIC. */
static void expect_nothing_enabled(void)
{
    ck_assert_uint_eq(count("network_sriov", SF_NONE, NULL), 0);
    ck_assert_uint_eq(count("PIF", SF_physical, "false"), 0);
    ck_assert_uint_eq(numvfs(PF1), 0);
}

START_TEST(test_ops_enable_refused_takes_the_records_back)
{
    static const char *const errnos[] = { "EBUSY", "EIO", "ENOMEM" };
    char sriov[37], rule[64];
    int r;

    snprintf(rule, sizeof(rule), PF1 "/sriov_numvfs=4:%s", errnos[_i]);
    setenv("SIM_FAIL", rule, 1);
    r = ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err);
    expect_code(r, XAPI_NETWORK_SRIOV_ENABLE_FAILED);
    ck_assert_ptr_nonnull(strstr(err.params[1], PF1));
    expect_nothing_enabled();
    /* The next command works. */
    unsetenv("SIM_FAIL");
    ck_ops(ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err));
    ck_assert_uint_eq(numvfs(PF1), 4);
    ck_assert_uint_eq(count("network_sriov", SF_NONE, NULL), 1);
}
END_TEST

START_TEST(test_ops_xenstored_gone_before_changes_nothing)
{
    char sriov[37];
    int r;

    ck_assert_int_eq(xs_harness_kill(xs_harness_current()), 0);
    r = ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err);
    expect_code(r, XAPI_INTERNAL_ERROR);
    ck_assert_uint_eq(numvfs(PF1), 0);
    /* Back after a reboot: the snapshot has no network-sriov. */
    ck_assert_int_eq(xs_harness_restart(xs_harness_current()), 0);
    st = store_close(st);
    open_store();
    ck_assert_int_ge(store_snapshot_load(st, NULL, 0), 0);
    expect_nothing_enabled();
    ck_ops(ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err));
}
END_TEST

static void kill_xenstored(void *userdata, const char *step)
{
    if (strcmp(step, userdata) == 0)
        ck_assert_int_eq(xs_harness_kill(xs_harness_current()), 0);
}

START_TEST(test_ops_xenstored_gone_after_records_boot_restore_completes)
{
    store_record **v = NULL;
    char sriov[37];
    size_t n = 0;
    int r;

    ops.step = kill_xenstored;
    ops.step_userdata = "sriov-create:records";
    r = ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err);
    expect_code(r, XAPI_INTERNAL_ERROR);
    ck_assert_ptr_nonnull(strstr(err.params[0], "SR-IOV is enabled on "
                                 "enp59s0f1 (4 VFs, sysfs)"));
    ck_assert_uint_eq(numvfs(PF1), 4);
    ops.step = NULL;
    /* The snapshot holds the records, with what to restore. */
    reboot();
    ck_assert_int_eq(store_list(st, "network_sriov", NULL, 0, 0, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(store_record_get(v[0], SF_num_vfs), "4");
    ck_assert_str_eq(store_record_get(v[0], SF_configuration_mode), "sysfs");
    memcpy(sriov, store_record_uuid(v[0]), 37);
    store_record_list_free(v, n);
    /* And the next command works. */
    ck_ops(ops_network_sriov_destroy(&ops, sriov, &err));
    expect_nothing_enabled();
}
END_TEST

/* Run ops_network_sriov_create in a child killed at step. */
static void kill_self(void *userdata, const char *step)
{
    if (strcmp(step, userdata) == 0)
        raise(SIGKILL);
}

static void create_killed_at(const char *step)
{
    int status;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char sriov[37];

        ops.step = kill_self;
        ops.step_userdata = (void *)step;
        ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err);
        _exit(3);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

START_TEST(test_ops_killed_between_steps_leaves_what_restore_completes)
{
    static const char *const steps[] = {
        "sriov-create:records", "sriov-create:enabled"
    };
    store_record **v = NULL;
    struct store_match lp = { SF_physical, "false" };
    char sriov[37];
    size_t n = 0;

    create_killed_at(steps[_i]);
    /* Records there (num_vfs to apply), the logical PIF not attached. */
    ck_assert_int_eq(store_list(st, "network_sriov", NULL, 0, 0, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(store_record_get(v[0], SF_num_vfs), "4");
    memcpy(sriov, store_record_uuid(v[0]), 37);
    store_record_list_free(v, n);
    ck_assert_int_eq(store_list(st, "PIF", &lp, 1, 0, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(store_record_get(v[0], SF_currently_attached), "false");
    store_record_list_free(v, n);
    ck_assert_uint_eq(numvfs(PF1), _i == 0 ? 0 : 4);
    /* The next command works. */
    ck_ops(ops_network_sriov_destroy(&ops, sriov, &err));
    expect_nothing_enabled();
    ck_ops(ops_network_sriov_create(&ops, pif1, net, 6, sriov, &err));
    ck_assert_uint_eq(numvfs(PF1), 6);
}
END_TEST

START_TEST(test_ops_snapshot_not_written_undoes_the_records)
{
    char log[1024], sriov[37];
    struct stat sb;
    int status;
    pid_t pid;

    snprintf(log, sizeof(log), "%s/var/lib/xen-sriov/store.xml.log", root);
    ck_assert_int_eq(stat(log, &sb), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* The disk is full for the snapshot log (EFBIG). */
        struct rlimit rl = { (rlim_t)sb.st_size, (rlim_t)sb.st_size };
        int r;

        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
            _exit(2);
        r = ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err);
        _exit(r < 0 && streq_ptr(err.code, XAPI_INTERNAL_ERROR) &&
              strstr(err.params[0], "nothing was changed") ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    /* Nothing in xenstore, nothing on the NIC, nothing after a reboot. */
    expect_nothing_enabled();
    ck_ops(ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err));
    reboot();
    ck_assert_uint_eq(count("network_sriov", SF_NONE, NULL), 1);
    ck_assert_uint_eq(count("PIF", SF_physical, "false"), 1);
}
END_TEST

START_TEST(test_ops_state_dir_unusable_changes_nothing)
{
    struct ops_change c = { OPS_SET, "name_label", NULL, "renamed" };
    char dir[1024];
    store_record *r = NULL;
    int k, fd;

    /* A file where the state directory was. */
    snprintf(dir, sizeof(dir), "%s/var/lib/xen-sriov", root);
    ck_assert_int_eq(sim_rm_rf(dir), 0);
    fd = open(dir, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    k = ops_apply_changes(&ops, "network", net, &c, 1, &err);
    expect_code(k, XAPI_INTERNAL_ERROR);
    ck_assert_ptr_nonnull(strstr(err.params[0], "nothing was changed"));
    ck_assert_int_eq(store_get(st, "network", net, &r), 0);
    ck_assert_str_eq(store_record_get(r, SF_name_label), "sriov");
    store_record_free(r);
    /* Repaired, the next command works. */
    unlink(dir);
    ck_ops(ops_apply_changes(&ops, "network", net, &c, 1, &err));
}
END_TEST

/* A PIF of another host (a pool member) on the network, through the
 * store: network-sriov-create's last checks, which xe cannot reach with
 * one host. */
static void foreign_pif(const char *vendor, const char *device, bool sriov)
{
    store_record *h, *pci, *pif, *lp, *ns;
    char h2[37];

    ck_assert_int_eq(store_record_new(&h, "host"), 0);
    ck_assert_int_eq(store_create(st, h), 0);
    memcpy(h2, store_record_uuid(h), 37);
    store_record_new(&pci, "PCI");
    store_record_set(pci, SF_pci_id, "0000:af:00.0");
    store_record_set(pci, SF_vendor_id, vendor);
    store_record_set(pci, SF_device_id, device);
    store_record_set(pci, SF_host, h2);
    ck_assert_int_eq(store_create(st, pci), 0);
    store_record_new(&pif, "PIF");
    store_record_set(pif, SF_device, "eth7");
    store_record_set(pif, SF_host, h2);
    store_record_set(pif, SF_PCI, store_record_uuid(pci));
    store_record_set(pif, SF_capabilities, "sriov");
    if (!sriov)
        store_record_set(pif, SF_network, net);
    ck_assert_int_eq(store_create(st, pif), 0);
    if (sriov) {
        store_record_new(&lp, "PIF");
        store_record_set(lp, SF_device, "eth7");
        store_record_set(lp, SF_host, h2);
        store_record_set(lp, SF_physical, "false");
        store_record_set(lp, SF_network, net);
        ck_assert_int_eq(store_create(st, lp), 0);
        store_record_new(&ns, "network_sriov");
        store_record_set(ns, SF_physical_PIF, store_record_uuid(pif));
        store_record_set(ns, SF_logical_PIF, store_record_uuid(lp));
        ck_assert_int_eq(store_create(st, ns), 0);
        store_record_free(lp);
        store_record_free(ns);
    }
    store_record_free(h);
    store_record_free(pci);
    store_record_free(pif);
}

START_TEST(test_ops_network_must_be_empty_or_same_sriov_nics)
{
    char sriov[37];
    int r;

    switch (_i) {
    case 0:     /* a plain PIF of another host */
        foreign_pif("8086", "1572", false);
        r = ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err);
        expect_code(r, XAPI_NETWORK_INCOMPATIBLE_WITH_SRIOV);
        break;
    case 1:     /* a Mellanox SR-IOV PIF of another host */
        foreign_pif("15b3", "1017", true);
        r = ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err);
        expect_code(r, XAPI_NETWORK_HAS_INCOMPATIBLE_SRIOV_PIFS);
        ck_assert_str_eq(err.params[0] + strlen(OPS_REF_PREFIX), pif1);
        ck_assert_str_eq(err.params[1] + strlen(OPS_REF_PREFIX), net);
        break;
    default:    /* another X710: compatible */
        foreign_pif("8086", "1572", true);
        ck_ops(ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err));
        return;
    }
    ck_assert_uint_eq(count("network_sriov", SF_physical_PIF, pif1), 0);
    ck_assert_uint_eq(numvfs(PF1), 0);
}
END_TEST

START_TEST(test_ops_reservations_count_as_used)
{
    store_record **v = NULL, *vif = NULL;
    struct ops_vif_args a = { .vm_uuid = "6b3f1c2e-8a1d-4f0e-9b7c-"
                                         "1d2e3f4a5b6c",
                              .network_uuid = net, .device = "0" };
    struct store_match m = { SF_pci_id, "0000:3b:0a.1" };
    char sriov[37], vu[37];
    int64_t cap = -1;
    size_t n = 0;

    ck_ops(ops_network_sriov_create(&ops, pif1, net, 2, sriov, &err));
    ck_ops(ops_network_sriov_remaining_capacity(&ops, sriov, &cap, &err));
    ck_assert_int_eq(cap, 2);
    ck_ops(ops_vif_create(&ops, &a, vu, &err));
    /* The plugin's reservation: VIF.reserved_pci (PCI.reserved_by kept). */
    ck_assert_int_eq(store_list(st, "PCI", &m, 1, 0, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(store_get(st, "VIF", vu, &vif), 0);
    store_record_set(vif, SF_reserved_pci, store_record_uuid(v[0]));
    ck_assert_int_eq(store_update(st, vif), 0);
    store_record_free(vif);
    store_record_list_free(v, n);
    ck_ops(ops_network_sriov_remaining_capacity(&ops, sriov, &cap, &err));
    ck_assert_int_eq(cap, 1);
    expect_code(ops_network_sriov_destroy(&ops, sriov, &err),
                XAPI_VIF_IN_USE);
    ck_assert_ptr_nonnull(strstr(err.params[1], vu));
    ck_assert_uint_eq(numvfs(PF1), 2);
    expect_code(ops_vif_destroy(&ops, vu, &err), XAPI_OPERATION_NOT_ALLOWED);
}
END_TEST

static store *volatile inherited_st;     /* read by valgrind only */

START_TEST(test_ops_concurrent_creates_enable_once)
{
    pid_t pids[2];
    int ok = 0, status;

    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            char sriov[37];
            int r;

            /* Own connection: a store handle is not shared over fork
             * (the parent's stays referenced, for valgrind). */
            inherited_st = st;
            open_store();
            r = ops_network_sriov_create(&ops, pif1, net, 4, sriov, &err);
            if (r < 0 && !streq_ptr(err.code,
                                    XAPI_NETWORK_SRIOV_ALREADY_ENABLED))
                fprintf(stderr, "create: %s %s\n", err.code,
                        err.n_params ? err.params[err.n_params - 1] : "");
            r = r >= 0 ? 0 :
                streq_ptr(err.code, XAPI_NETWORK_SRIOV_ALREADY_ENABLED) ? 1 :
                2;
            xapi_error_clear(&err);
            st = store_close(st);
            _exit(r);
        }
    }
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) < 2);
        ok += WEXITSTATUS(status) == 0;
    }
    ck_assert_int_eq(ok, 1);
    ck_assert_uint_eq(count("network_sriov", SF_NONE, NULL), 1);
    ck_assert_uint_eq(numvfs(PF1), 4);
}
END_TEST

/* 20 VFs: the scan writes in batches; a kill between batches is completed
 * by the next scan; a scan with nothing new writes nothing. */
START_TEST(test_ops_scan_in_batches_is_completed_and_idempotent)
{
    struct store_stats s0, s1;
    int status;
    pid_t pid;

    ck_assert_int_eq(test_set_numvfs(ctx, PF1, 20, 0), 20);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        ops.step = kill_self;
        ops.step_userdata = "pif-scan:batch";
        ops_pif_scan(&ops, host, &err);
        _exit(3);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status));
    /* One batch of 16 made it. */
    ck_assert_uint_eq(count("PCI", SF_driver_name, "iavf"), 4 + 16 - 1);
    ck_ops(ops_pif_scan(&ops, host, &err));
    ck_assert_uint_eq(count("PCI", SF_driver_name, "iavf"), 3 + 20);
    store_get_stats(st, &s0);
    ck_ops(ops_pif_scan(&ops, host, &err));
    store_get_stats(st, &s1);
    /* No transaction: the host check reads outside one. */
    ck_assert_uint_eq(s1.transactions - s0.transactions, 0);
    ck_assert_uint_eq(count("PCI", SF_driver_name, "iavf"), 3 + 20);
}
END_TEST

/* After the first batch the disk fails: what the message says is what is
 * in xenstore and on disk (the first batch), and the next scan makes the
 * rest. */
static void break_state_dir(void *userdata, const char *step)
{
    char *dir = userdata;
    int fd;

    if (strcmp(step, "pif-scan:batch") != 0 || access(dir, F_OK) < 0)
        return;
    ck_assert_int_eq(sim_rm_rf(dir), 0);
    fd = open(dir, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
}

START_TEST(test_ops_scan_failed_save_says_what_stayed)
{
    char dir[1024];
    int r;

    ck_assert_int_eq(test_set_numvfs(ctx, PF1, 20, 0), 20);
    snprintf(dir, sizeof(dir), "%s/var/lib/xen-sriov", root);
    ops.step = break_state_dir;
    ops.step_userdata = dir;
    r = ops_pif_scan(&ops, host, &err);
    ops.step = NULL;
    expect_code(r, XAPI_INTERNAL_ERROR);
    ck_assert_ptr_null(strstr(err.params[0], "nothing was changed"));
    ck_assert_msg(strstr(err.params[0], "the 16 record changes of this "
                                        "scan before it are in xenstore "
                                        "and on disk") &&
                  strstr(err.params[0], "not made; the next xe pif-scan "
                                        "makes them"),
                  "%s", err.params[0]);
    ck_assert_ptr_nonnull(strstr(err.params[0], dir));
    ck_assert_uint_eq(count("PCI", SF_driver_name, "iavf"), 4 + 16 - 1);
    /* Repaired: the next scan makes the rest, and it is all on disk. */
    unlink(dir);
    ck_ops(ops_pif_scan(&ops, host, &err));
    ck_assert_uint_eq(count("PCI", SF_driver_name, "iavf"), 3 + 20);
    ck_assert_int_ge(store_snapshot_verify(st, NULL), 3 + 20);
}
END_TEST

/* The endpoint's VIF.create passes other_config and QoS: same checks. */
START_TEST(test_ops_vif_create_checks_what_the_api_passes)
{
    static const char *const bad_vlan[] = { "vlan", "5000", NULL };
    static const char *const good[] = { "vlan", "7", "trust", "on", NULL };
    static const char *const kbps[] = { "kbps", "0", NULL };
    struct ops_vif_args a = { .vm_uuid = "6b3f1c2e-8a1d-4f0e-9b7c-"
                                         "1d2e3f4a5b6c",
                              .network_uuid = net, .device = "0" };
    store_record *r = NULL;
    char vu[37];

    a.other_config = bad_vlan;
    expect_code(ops_vif_create(&ops, &a, vu, &err), XAPI_VALUE_NOT_SUPPORTED);
    ck_assert_str_eq(err.params[0], "other_config:vlan");
    a.other_config = good;
    a.qos_algorithm_type = "ratelimit";
    a.qos_algorithm_params = kbps;
    expect_code(ops_vif_create(&ops, &a, vu, &err), XAPI_VALUE_NOT_SUPPORTED);
    a.qos_algorithm_params = NULL;
    a.locking_mode = "open";
    expect_code(ops_vif_create(&ops, &a, vu, &err), XAPI_FIELD_TYPE_ERROR);
    ck_assert_uint_eq(count("VIF", SF_NONE, NULL), 0);
    a.locking_mode = "locked";
    ck_ops(ops_vif_create(&ops, &a, vu, &err));
    ck_assert_int_eq(store_get(st, "VIF", vu, &r), 0);
    ck_assert_str_eq(store_record_map_get(r, SF_other_config, "trust"), "on");
    ck_assert_str_eq(store_record_get(r, SF_locking_mode), "locked");
    store_record_free(r);
}
END_TEST

/* The bridge of a network made by ops_network_create with no bridge. */
static void bridge_of(const char *uuid, char ret[32])
{
    store_record *r = NULL;

    ck_assert_int_eq(store_get(st, "network", uuid, &r), 0);
    snprintf(ret, 32, "%s", store_record_get(r, SF_bridge));
    store_record_free(r);
}

static void new_network(const char *bridge, char uuid[37], char ret[32])
{
    struct ops_network_args a = { .name_label = "n", .bridge = bridge,
                                  .managed = -1 };

    ck_ops(ops_network_create(&ops, &a, uuid, &err));
    bridge_of(uuid, ret);
}

static void write_counter(const char *value)
{
    struct xs_handle *xs = xs_open(0);

    ck_assert_ptr_nonnull(xs);
    ck_assert(xs_write(xs, XBT_NULL, SCHEMA_ROOT "/counter/network-bridge",
                       value, strlen(value)));
    xs_close(xs);
}

static void no_problem(void *userdata, const char *problem)
{
    (void)userdata;
    ck_abort_msg("store_check: %s", problem);
}

static void count_problem(void *userdata, const char *problem)
{
    (void)problem;
    ++*(int *)userdata;
}

/*
 * xapiN as XAPI's choose_bridge_name: from a counter, increasing, the
 * bridge of a destroyed network not given again (docs/xe.md); the counter
 * goes with a load (a boot) and starts above the highest in use; names
 * taken behind its back are skipped.
 */
START_TEST(test_ops_network_bridges_from_a_counter)
{
    char a[37], b[37], c[37], d[37], x[37], ba[32], bb[32], bc[32], bx[32];
    int problems = 0;

    bridge_of(net, ba);
    ck_assert_str_eq(ba, "xapi0");              /* setup's network */
    new_network(NULL, a, ba);
    new_network(NULL, b, bb);
    ck_assert_str_eq(ba, "xapi1");
    ck_assert_str_eq(bb, "xapi2");
    ck_ops(ops_network_destroy(&ops, a, &err));
    new_network(NULL, c, bc);
    ck_assert_str_eq(bc, "xapi3");              /* not xapi1 again */
    new_network("br-own", x, bx);               /* the counter stays */
    new_network(NULL, d, bx);
    ck_assert_str_eq(bx, "xapi4");
    ck_assert_int_eq(store_check(st, no_problem, NULL), 0);

    /* A boot: the counter is not in the snapshot; above the highest. */
    ck_ops(ops_network_destroy(&ops, d, &err));
    reboot();
    new_network(NULL, d, bx);
    ck_assert_str_eq(bx, "xapi4");

    /* A counter behind names in use (a restore made them) skips them, the
     * gap at xapi1 included; past BRIDGE_PROBES it starts above them. */
    write_counter("0");
    new_network(NULL, a, ba);
    ck_assert_str_eq(ba, "xapi1");
    for (int i = 0; i < 10; i++)
        new_network(NULL, x, bx);
    ck_assert_str_eq(bx, "xapi14");
    write_counter("0");
    new_network(NULL, x, bx);
    ck_assert_str_eq(bx, "xapi15");

    /* Not a number: store_check says so; the next create works it out. */
    write_counter("many");
    ck_assert_int_eq(store_check(st, count_problem, &problems), 1);
    ck_assert_int_eq(problems, 1);
    new_network(NULL, x, bx);
    ck_assert_str_eq(bx, "xapi16");
    ck_assert_int_eq(store_check(st, no_problem, NULL), 0);
}
END_TEST

/* Writers at once, each its own process: every bridge given once. */
START_TEST(test_ops_concurrent_network_creates_distinct_bridges)
{
    enum { WRITERS = 4, EACH = 6 };
    pid_t pids[WRITERS];
    store_record **v = NULL;
    size_t n = 0;
    int status;

    for (int i = 0; i < WRITERS; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            struct ops_network_args a = { .name_label = "c", .managed = -1 };
            char uuid[37];
            int r = 0;

            inherited_st = st;          /* own connection, as above */
            open_store();
            for (int k = 0; r >= 0 && k < EACH; k++)
                r = ops_network_create(&ops, &a, uuid, &err);
            if (r < 0)
                fprintf(stderr, "create: %d %s\n", r,
                        err.n_params ? err.params[err.n_params - 1] : "");
            xapi_error_clear(&err);
            st = store_close(st);
            _exit(r < 0);
        }
    }
    for (int i = 0; i < WRITERS; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    ck_assert_int_eq(store_list(st, "network", NULL, 0, 0, &v, &n), 0);
    /* Distinct, and no gaps: xapi0 (setup's) to xapi24 (the PIFs'
     * networks have their own bridges). */
    for (size_t k = 0; k <= WRITERS * EACH; k++) {
        char want[32];
        size_t found = 0;

        snprintf(want, sizeof(want), "xapi%zu", k);
        for (size_t i = 0; i < n; i++)
            found += !strcmp(store_record_get(v[i], SF_bridge), want);
        ck_assert_msg(found == 1, "%s: %zu networks", want, found);
    }
    ck_assert_uint_eq(count("network", SF_bridge, "xapi25"), 0);
    store_record_list_free(v, n);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("xe-ops");
    TCase *shared = tcase_create("shared-daemon");
    TCase *own = tcase_create("own-daemon");

    tcase_set_timeout(shared, 120);
    tcase_add_unchecked_fixture(shared, xs_harness_setup,
                                xs_harness_teardown);
    tcase_add_checked_fixture(shared, setup, teardown);
    tcase_add_loop_test(shared, test_ops_enable_refused_takes_the_records_back,
                        0, 3);
    tcase_add_loop_test(shared,
        test_ops_killed_between_steps_leaves_what_restore_completes, 0, 2);
    tcase_add_test(shared, test_ops_state_dir_unusable_changes_nothing);
    tcase_add_loop_test(shared,
                        test_ops_network_must_be_empty_or_same_sriov_nics,
                        0, 3);
    tcase_add_test(shared, test_ops_reservations_count_as_used);
    tcase_add_test(shared, test_ops_vif_create_checks_what_the_api_passes);
    tcase_add_loop_test(shared, test_ops_concurrent_creates_enable_once, 0, 3);
    tcase_add_test(shared,
                   test_ops_scan_in_batches_is_completed_and_idempotent);
    tcase_add_test(shared, test_ops_scan_failed_save_says_what_stayed);
    tcase_add_test(shared,
                   test_ops_concurrent_network_creates_distinct_bridges);
    suite_add_tcase(s, shared);

    tcase_set_timeout(own, 120);
    tcase_add_checked_fixture(own, setup_own_daemon, teardown_own_daemon);
    tcase_add_test(own, test_ops_xenstored_gone_before_changes_nothing);
    tcase_add_test(own,
        test_ops_xenstored_gone_after_records_boot_restore_completes);
    tcase_add_test(own, test_ops_snapshot_not_written_undoes_the_records);
    tcase_add_test(own, test_ops_network_bridges_from_a_counter);
    suite_add_tcase(s, own);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;

    (void)argc;
    fixture_preload_kernel_sim(argv);
    sr = srunner_create(suite());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
