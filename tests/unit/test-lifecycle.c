/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriov_pf_set_numvfs and sriov_pf_enable/disable (sysfs and manual) under
 * kernel-sim.so, which answers writes as drivers/pci/iov.c does. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libsriov/internal.h"
#include "tests/helpers/fixture.h"
#include "tests/helpers/lifecycle-test.h"
#include "tests/helpers/sim-host.h"

static char *root, *log_text;
static sriov_ctx *ctx;

static void teardown(void)
{
    ctx = sriov_ctx_free(ctx);
    fixture_free(root);
    root = NULL;
    free(log_text);
    log_text = NULL;
    unsetenv("SIM_FAIL");
}

static void open_ctx(void)
{
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, root), 0);
    sriov_ctx_set_log_fn(ctx, fixture_record_log, &log_text,
                         SRIOV_LOG_DEBUG);
}

static char *attr(const char *bdf, const char *name)
{
    static char buf[256];
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/%s", root, bdf,
             name);
    f = fopen(path, "re");
    if (!f)
        return NULL;
    if (!fgets(buf, sizeof(buf), f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return buf;
}

static int count_vfs(const char *bdf)
{
    sriov_host *h = NULL;
    int n;

    ck_assert_int_eq(sriov_host_scan_device(&h, ctx, bdf, 0), 0);
    n = (int)sriov_pf_vf_count(sriov_host_pf(h, 0));
    sriov_host_free(h);
    return n;
}

/* How many times the log shows @value written to sriov_numvfs. */
static int writes_of(const char *value)
{
    char needle[64];
    int n = 0;

    snprintf(needle, sizeof(needle), "sriov_numvfs' = '%s'", value);
    for (const char *l = log_text; l && *l;) {
        const char *nl = strchr(l, '\n'), *hit = strstr(l, needle);
        if (strncmp(l, "write '", 7) == 0 && hit && (!nl || hit < nl))
            n++;
        l = nl ? nl + 1 : NULL;
    }
    return n;
}

START_TEST(test_numvfs_enable_from_zero)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 3, 0), 3);
    ck_assert_str_eq(attr("0000:3b:00.1", "sriov_numvfs"), "3");
    ck_assert_int_eq(count_vfs("0000:3b:00.1"), 3);
    /* port 1: offset 79 from devfn 1 = devfn 80 = 0a.0 */
    ck_assert_ptr_nonnull(attr("0000:3b:0a.0", "physfn"));
    ck_assert_int_eq(writes_of("0"), 0);
}
END_TEST

START_TEST(test_numvfs_change_goes_through_zero)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 2, 0), 2);
    free(log_text);
    log_text = NULL;
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 5, 0), 5);
    ck_assert_int_eq(writes_of("0"), 1);
    ck_assert_int_eq(writes_of("5"), 1);
    {
        const char *zero = strstr(log_text, "numvfs' = '0'\n");
        const char *five = strstr(log_text, "numvfs' = '5'\n");
        ck_assert(zero && five && zero < five);
    }
    ck_assert_int_eq(count_vfs("0000:3b:00.1"), 5);
    /* same count: nothing written */
    free(log_text);
    log_text = NULL;
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 5, 0), 5);
    ck_assert_ptr_null(log_text ? strstr(log_text, "write '") : NULL);
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 0, 0), 0);
    ck_assert_int_eq(count_vfs("0000:3b:00.1"), 0);
    ck_assert_ptr_null(attr("0000:3b:0a.0", "physfn"));
}
END_TEST

START_TEST(test_numvfs_max)
{
    root = fixture_new("nvme-sriov", NULL);
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:01:00.0",
                                     SRIOV_NUMVFS_MAX, 0), 2);
    /* QEMU's NVMe VFs have the PF's id: nvme probes them */
    ck_assert_str_eq(attr("0000:01:00.1", "device"), "0x0010");
}
END_TEST

START_TEST(test_numvfs_above_total)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 65, 0),
                     -ERANGE);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx),
                                 "at most 64"));
    ck_assert_str_eq(attr("0000:3b:00.1", "sriov_numvfs"), "0");
}
END_TEST

START_TEST(test_numvfs_refuses_in_use)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    /* port 0 has VF 3 on pciback */
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.0", 8, 0), -EBUSY);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "0000:3b:02.3"));
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "force"));
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.0", 0, 0), -EBUSY);
    ck_assert_str_eq(attr("0000:3b:00.0", "sriov_numvfs"), "4");
    ck_assert_int_eq(count_vfs("0000:3b:00.0"), 4);
}
END_TEST

START_TEST(test_numvfs_refuses_interface_up)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 2, 0), 2);
    /* someone brings VF 1's interface up (IFF_UP) */
    ck_assert_int_eq(sim_set_file(root, "sys/class/net/enp59s0f1v1/flags",
                                  "0x1003\n"), 0);
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 0, 0), -EBUSY);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "enp59s0f1v1"));
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 0,
                                     SRIOV_NUMVFS_FORCE), 0);
}
END_TEST

START_TEST(test_numvfs_force_releases_pciback)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.0", 2,
                                     SRIOV_NUMVFS_FORCE), 2);
    /* as xcp-networkd: the pciback slot went with it */
    ck_assert_ptr_nonnull(strstr(log_text, "remove_slot' = '0000:3b:02.3'"));
    ck_assert_int_eq(count_vfs("0000:3b:00.0"), 2);
}
END_TEST

START_TEST(test_numvfs_no_sriov_configure)
{
    root = fixture_new("82599-xenserver-oot", NULL);
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:04:00.0", 4, 0), -ENOENT);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "modprobe"));
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "ixgbe"));
}
END_TEST

START_TEST(test_numvfs_no_driver)
{
    root = fixture_new_text(
        "device 0000:3b:00.0 vendor=0x8086 device=0x1572 class=0x020000 "
        "totalvfs=64 offset=16 stride=1 vf_device=0x154c\n");
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.0", 4, 0), -ENOENT);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "no driver"));
}
END_TEST

START_TEST(test_numvfs_bus_exhausted)
{
    /* 64 VFs from devfn 16 reach bus 3c, beyond the bridge's range */
    root = fixture_new_text(
        "driver i40e ids=8086:1572 sriov_configure net\n"
        "device 0000:3b:00.0 vendor=0x8086 device=0x1572 class=0x020000 "
        "driver=i40e totalvfs=256 offset=16 stride=1 vf_device=0x154c "
        "bus_end=0x3b\n");
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.0", 240, 0), 240);
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.0", 0, 0), 0);
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.0", 241, 0),
                     -ENOMEM);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "pci=realloc"));
    ck_assert_str_eq(attr("0000:3b:00.0", "sriov_numvfs"), "0");
}
END_TEST

START_TEST(test_numvfs_no_mmio)
{
    root = fixture_new_text(
        "driver i40e ids=8086:1572 sriov_configure net\n"
        "device 0000:3b:00.0 vendor=0x8086 device=0x1572 class=0x020000 "
        "driver=i40e totalvfs=64 offset=16 stride=1 vf_device=0x154c "
        "vf_bars=unassigned\n");
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.0", 1, 0), -ENOMEM);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "MMIO"));
}
END_TEST

START_TEST(test_numvfs_eio_restores_previous)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 2, 0), 2);
    /* 0 is written, then 6 fails: the 2 VFs are put back */
    free(log_text);
    log_text = NULL;
    setenv("SIM_FAIL", "0000:3b:00.1/sriov_numvfs=6:EIO", 1);
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 6, 0), -EIO);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "kernel log"));
    ck_assert_int_eq(writes_of("0"), 1);
    ck_assert_int_eq(writes_of("2"), 1);
    unsetenv("SIM_FAIL");
    ck_assert_int_eq(count_vfs("0000:3b:00.1"), 2);
    /* the write of 0 itself fails, once: nothing changed at all */
    setenv("SIM_FAIL", "*/0000:3b:00.1/sriov_numvfs:EIO:1", 1);
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 0, 0), -EIO);
    ck_assert_int_eq(count_vfs("0000:3b:00.1"), 2);
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.1", 0, 0), 0);
    unsetenv("SIM_FAIL");
}
END_TEST

START_TEST(test_numvfs_bad_input)
{
    root = fixture_new("x710-2pf", "plain-nic", NULL);
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "zz", 1, 0), -EINVAL);
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:99:00.0", 1, 0),
                     -ENODEV);
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:00:1f.6", 1, 0),
                     -EOPNOTSUPP);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx),
                                 "not SR-IOV capable"));
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:02.0", 1, 0),
                     -EOPNOTSUPP);
}
END_TEST

START_TEST(test_numvfs_autoprobe_off)
{
    sriov_host *h = NULL;

    root = fixture_new_text(
        "driver i40e ids=8086:1572 sriov_configure net\n"
        "driver iavf ids=8086:154c net\n"
        "device 0000:3b:00.0 vendor=0x8086 device=0x1572 class=0x020000 "
        "driver=i40e totalvfs=64 offset=16 stride=1 vf_device=0x154c "
        "autoprobe=0\n");
    open_ctx();
    ck_assert_int_eq(test_set_numvfs(ctx, "0000:3b:00.0", 2, 0), 2);
    ck_assert_int_eq(sriov_host_scan(&h, ctx, 0), 0);
    ck_assert_ptr_null(sriov_vf_driver(sriov_pf_vf(sriov_host_pf(h, 0), 0)));
    ck_assert_ptr_null(sriov_vf_netdev(sriov_pf_vf(sriov_host_pf(h, 0), 0)));
    sriov_host_free(h);
}
END_TEST

START_TEST(test_enable_sysfs)
{
    unsigned n = 0;
    int mode = -1, reboot = -1;

    root = fixture_new("e810-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(test_enable(ctx, "0000:5e:00.0", 16,
                                 SRIOV_MODE_UNKNOWN, 0, &mode, &reboot,
                                 &n), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_SYSFS);
    ck_assert_int_eq(reboot, 0);
    ck_assert_uint_eq(n, 16);
    ck_assert_int_eq(count_vfs("0000:5e:00.0"), 16);
    ck_assert_int_eq(test_disable(ctx, "0000:5e:00.0", mode, 0, &reboot),
                     0);
    ck_assert_int_eq(count_vfs("0000:5e:00.0"), 0);
}
END_TEST

START_TEST(test_enable_adopts_manual)
{
    unsigned n = 0;
    int mode = -1, reboot = -1, detected = -1;

    /* a driver without sysfs support nor known option, VFs present */
    root = fixture_new_text(
        "driver acme ids=1234:0001 net\n"
        "device 0000:3b:00.0 vendor=0x1234 device=0x0001 class=0x020000 "
        "driver=acme totalvfs=8 offset=1 stride=1 vf_device=0x0002 "
        "numvfs=3\n");
    open_ctx();
    ck_assert_int_eq(test_detect_mode(ctx, "0000:3b:00.0", &detected), 0);
    ck_assert_int_eq(detected, SRIOV_MODE_SYSFS);
    ck_assert_int_eq(test_enable(ctx, "0000:3b:00.0", SRIOV_NUMVFS_MAX,
                                 SRIOV_MODE_UNKNOWN, 0, &mode, &reboot,
                                 &n), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_MANUAL);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(sriov_ctx_last_errno(ctx), 0);
    /* disabling a manual configuration leaves the VFs alone */
    ck_assert_int_eq(test_disable(ctx, "0000:3b:00.0", SRIOV_MODE_MANUAL,
                                  0, &reboot), 0);
    ck_assert_int_eq(count_vfs("0000:3b:00.0"), 3);
    /* a forced mode is not second-guessed: the kernel's ENOENT */
    ck_assert_int_eq(test_enable(ctx, "0000:3b:00.0", 2,
                                 SRIOV_MODE_SYSFS, 0, &mode, &reboot,
                                 &n), -ENOENT);
}
END_TEST

START_TEST(test_handle_follows_the_change)
{
    sriov_pf_enable_options opts = SRIOV_PF_ENABLE_OPTIONS_INIT;
    sriov_host *h = NULL;
    sriov_pf *pf;
    unsigned n = 0;

    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(sriov_host_scan_device(&h, ctx, "0000:3b:00.1", 0), 0);
    pf = sriov_host_pf(h, 0);
    /* the same handle shows the VFs each change made, without a scan */
    ck_assert_int_eq(sriov_pf_set_numvfs(pf, 3, 0), 3);
    ck_assert_uint_eq(sriov_pf_numvfs(pf), 3);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 3);
    ck_assert_str_eq(sriov_vf_bdf(sriov_pf_vf(pf, 2)), "0000:3b:0a.2");
    ck_assert_str_eq(sriov_netdev_name(sriov_vf_netdev(sriov_pf_vf(pf, 0))),
                     "enp59s0f1v0");
    opts.numvfs = 5;
    ck_assert_int_eq(sriov_pf_enable(pf, &opts, NULL, NULL, &n), 0);
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 5);
    ck_assert_int_eq(sriov_pf_disable(pf, SRIOV_MODE_SYSFS, 0, NULL), 0);
    ck_assert_uint_eq(sriov_pf_numvfs(pf), 0);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 0);
    /* options of an unknown version: refused, nothing written */
    opts.version = SRIOV_PF_ENABLE_OPTIONS_VERSION + 1;
    ck_assert_int_eq(sriov_pf_enable(pf, &opts, NULL, NULL, NULL), -EINVAL);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx),
                                 "SRIOV_PF_ENABLE_OPTIONS_INIT"));
    ck_assert_int_eq(sriov_pf_enable_options_init(&opts, 0), -EINVAL);
    ck_assert_int_eq(sriov_pf_enable_options_init(&opts, 2), -EINVAL);
    ck_assert_int_eq(sriov_pf_enable_options_init(&opts, 1), 0);
    ck_assert_uint_eq(opts.numvfs, SRIOV_NUMVFS_MAX);
    ck_assert_int_eq(opts.mode, SRIOV_MODE_UNKNOWN);
    ck_assert_str_eq(attr("0000:3b:00.1", "sriov_numvfs"), "0");
    /* NULL options: all of sriov_totalvfs, mode detected */
    ck_assert_int_eq(sriov_pf_enable(pf, NULL, NULL, NULL, &n), 0);
    ck_assert_uint_eq(n, 64);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 64);
    sriov_host_free(h);
}
END_TEST

START_TEST(test_enable_manual_needs_vfs)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(test_enable(ctx, "0000:3b:00.1", 4, SRIOV_MODE_MANUAL,
                                 0, NULL, NULL, NULL), -ENOENT);
    ck_assert_int_eq(test_enable(ctx, "0000:3b:00.0", 4, SRIOV_MODE_MANUAL,
                                 0, NULL, NULL, NULL), 0);
    ck_assert_int_eq(test_enable(ctx, "0000:3b:00.0", 4, 42, 0, NULL,
                                 NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_mode_strings)
{
    int m;

    ck_assert_str_eq(sriov_mode_to_string(SRIOV_MODE_SYSFS), "sysfs");
    ck_assert_str_eq(sriov_mode_to_string(SRIOV_MODE_MODPROBE), "modprobe");
    ck_assert_str_eq(sriov_mode_to_string(SRIOV_MODE_MANUAL), "manual");
    ck_assert_str_eq(sriov_mode_to_string(SRIOV_MODE_UNKNOWN), "unknown");
    ck_assert_str_eq(sriov_mode_to_string(99), "unknown");
    ck_assert_int_eq(sriov_mode_from_string("modprobe", &m), 0);
    ck_assert_int_eq(m, SRIOV_MODE_MODPROBE);
    ck_assert_int_eq(sriov_mode_from_string("Sysfs", &m), -EINVAL);
    ck_assert_int_eq(sriov_mode_from_string(NULL, &m), -EINVAL);
}
END_TEST

static Suite *lifecycle_suite(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("numvfs");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_numvfs_enable_from_zero);
    tcase_add_test(tc, test_numvfs_change_goes_through_zero);
    tcase_add_test(tc, test_numvfs_max);
    tcase_add_test(tc, test_numvfs_above_total);
    tcase_add_test(tc, test_numvfs_refuses_in_use);
    tcase_add_test(tc, test_numvfs_refuses_interface_up);
    tcase_add_test(tc, test_numvfs_force_releases_pciback);
    tcase_add_test(tc, test_numvfs_no_sriov_configure);
    tcase_add_test(tc, test_numvfs_no_driver);
    tcase_add_test(tc, test_numvfs_bus_exhausted);
    tcase_add_test(tc, test_numvfs_no_mmio);
    tcase_add_test(tc, test_numvfs_eio_restores_previous);
    tcase_add_test(tc, test_numvfs_bad_input);
    tcase_add_test(tc, test_numvfs_autoprobe_off);
    suite_add_tcase(s, tc);
    tc = tcase_create("modes");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_enable_sysfs);
    tcase_add_test(tc, test_enable_adopts_manual);
    tcase_add_test(tc, test_enable_manual_needs_vfs);
    tcase_add_test(tc, test_handle_follows_the_change);
    tcase_add_test(tc, test_mode_strings);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;

    (void)argc;
    fixture_preload_kernel_sim(argv);
    sr = srunner_create(lifecycle_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
