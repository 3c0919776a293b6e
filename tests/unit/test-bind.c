/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Driver binding under kernel-sim.so: pciback, driver_override, autoprobe. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/internal.h"
#include "tests/helpers/fixture.h"
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

static const char *file(const char *rel)
{
    static char buf[4096];
    char path[4096];
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    f = fopen(path, "re");
    if (!f)
        return NULL;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void assert_driver(const char *bdf, const char *want)
{
    char *drv = NULL;

    ck_assert_int_eq(sriov_pci_get_driver(ctx, bdf, &drv), 0);
    if (want)
        ck_assert_str_eq(drv, want);
    else
        ck_assert_ptr_null(drv);
    free(drv);
}

START_TEST(test_bind_vf_to_pciback_and_back)
{
    char *prev = NULL;

    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:02.1", "pciback", &prev),
                     0);
    ck_assert_str_eq(prev, "iavf");
    assert_driver("0000:3b:02.1", "pciback");
    /* libxl's way: new_slot, then bind; the override names pciback */
    ck_assert_ptr_nonnull(strstr(file("sys/bus/pci/drivers/pciback/slots"),
                                 "0000:3b:02.1\n"));
    ck_assert_str_eq(file("sys/bus/pci/devices/0000:3b:02.1/driver_override"),
                     "pciback\n");
    ck_assert_ptr_null(file("sys/class/net/enp59s0f0v1/address"));
    /* give it back */
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:02.1", prev, NULL), 0);
    free(prev);
    prev = NULL;
    assert_driver("0000:3b:02.1", "iavf");
    ck_assert_ptr_nonnull(file("sys/class/net/enp59s0f0v1/address"));
    /* already bound: nothing to do, nothing written */
    free(log_text);
    log_text = NULL;
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:02.1", "iavf", &prev), 0);
    ck_assert_str_eq(prev, "iavf");
    free(prev);
    ck_assert_ptr_null(log_text ? strstr(log_text, "write '") : NULL);
}
END_TEST

START_TEST(test_unbind_pciback_removes_slot)
{
    char *prev = NULL;

    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(sriov_pci_unbind(ctx, "0000:3b:02.3", &prev), 0);
    ck_assert_str_eq(prev, "pciback");
    free(prev);
    assert_driver("0000:3b:02.3", NULL);
    ck_assert_str_eq(file("sys/bus/pci/drivers/pciback/slots"), "");
    ck_assert_str_eq(file("sys/bus/pci/devices/0000:3b:02.3/driver_override"),
                     "(null)\n");
    /* unbound: unbinding again is fine */
    prev = (char *)"x";
    ck_assert_int_eq(sriov_pci_unbind(ctx, "0000:3b:02.3", &prev), 0);
    ck_assert_ptr_null(prev);
    /* the kernel picks iavf again */
    ck_assert_int_eq(sriov_pci_reprobe(ctx, "0000:3b:02.3", &prev), 0);
    ck_assert_str_eq(prev, "iavf");
    free(prev);
}
END_TEST

START_TEST(test_bind_with_autoprobe_off)
{
    char *drv = NULL;

    /* sriov_drivers_autoprobe=0: VFs are born unbound, and the kernel
     * binds them only through driver_override (notes/xen-in-qemu.md) */
    root = fixture_new_text(
        "driver i40e ids=8086:1572 sriov_configure net\n"
        "driver iavf ids=8086:154c net\n"
        "driver pciback ids=any module=xen_pciback\n"
        "device 0000:3b:00.0 vendor=0x8086 device=0x1572 class=0x020000 "
        "driver=i40e totalvfs=8 offset=16 stride=1 vf_device=0x154c "
        "numvfs=2 autoprobe=0\n");
    open_ctx();
    assert_driver("0000:3b:02.0", NULL);
    ck_assert_int_eq(sriov_pci_reprobe(ctx, "0000:3b:02.0", &drv), 0);
    ck_assert_ptr_null(drv);
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:02.0", "pciback", &drv), 0);
    ck_assert_ptr_null(drv);
    assert_driver("0000:3b:02.0", "pciback");
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:02.1", "iavf", NULL), 0);
    assert_driver("0000:3b:02.1", "iavf");
}
END_TEST

START_TEST(test_bind_failure_gives_back)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    setenv("SIM_FAIL", "drivers/pciback/bind:EIO", 1);
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:02.0", "pciback", NULL),
                     -EIO);
    unsetenv("SIM_FAIL");
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "0000:3b:02.0"));
    /* back where it was: iavf, no slot, no override */
    assert_driver("0000:3b:02.0", "iavf");
    ck_assert_ptr_null(strstr(file("sys/bus/pci/drivers/pciback/slots"),
                              "0000:3b:02.0"));
    ck_assert_str_eq(file("sys/bus/pci/devices/0000:3b:02.0/driver_override"),
                     "(null)\n");
}
END_TEST

START_TEST(test_bind_failure_keeps_first_error)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    /* pciback refuses the VF, and so does iavf when it is given back: the
     * message is still why pciback refused, not the undo's. */
    setenv("SIM_FAIL", "drivers/pciback/bind:EIO,drivers/iavf/bind:EBUSY",
           1);
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:02.0", "pciback", NULL),
                     -EIO);
    unsetenv("SIM_FAIL");
    ck_assert_msg(strstr(sriov_ctx_last_error(ctx),
                         "cannot bind 0000:3b:02.0 to pciback"),
                  "%s", sriov_ctx_last_error(ctx));
    ck_assert_int_eq(sriov_ctx_last_errno(ctx), -EIO);
    /* the undo went on after its failed step: no slot, no override */
    ck_assert_ptr_null(strstr(file("sys/bus/pci/drivers/pciback/slots"),
                              "0000:3b:02.0"));
    ck_assert_str_eq(file("sys/bus/pci/devices/0000:3b:02.0/driver_override"),
                     "(null)\n");
}
END_TEST

START_TEST(test_bind_refused_by_driver)
{
    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    /* ixgbevf does not exist here; iavf refuses a PF it does not drive */
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:02.0", "ixgbevf", NULL),
                     -ENOENT);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "not loaded"));
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:02.0", "../x", NULL),
                     -EINVAL);
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3b:99.0", "iavf", NULL),
                     -EINVAL);
    ck_assert_int_eq(sriov_pci_bind(ctx, "0000:3c:00.0", "iavf", NULL),
                     -ENODEV);
    ck_assert_int_eq(sriov_pci_get_driver(ctx, "0000:3c:00.0",
                                          &(char *){ NULL }), -ENODEV);
}
END_TEST

START_TEST(test_pci_class)
{
    unsigned cls = 0;

    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(sriov_pci_get_class(ctx, "0000:3a:00.0", &cls), 0);
    ck_assert_uint_eq(cls, 0x060400);
    ck_assert_int_eq(sriov_pci_get_class(ctx, "3b:02.0", &cls), 0);
    ck_assert_uint_eq(cls, 0x020000);
    cls = 7;
    ck_assert_int_eq(sriov_pci_get_class(ctx, "0000:3c:00.0", &cls),
                     -ENODEV);
    ck_assert_int_eq(sriov_pci_get_class(ctx, "nope", &cls), -EINVAL);
    ck_assert_uint_eq(cls, 7);
}
END_TEST

static Suite *bind_suite(void)
{
    Suite *s = suite_create("bind");
    TCase *tc = tcase_create("bind");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_bind_vf_to_pciback_and_back);
    tcase_add_test(tc, test_unbind_pciback_removes_slot);
    tcase_add_test(tc, test_bind_with_autoprobe_off);
    tcase_add_test(tc, test_bind_failure_gives_back);
    tcase_add_test(tc, test_bind_failure_keeps_first_error);
    tcase_add_test(tc, test_bind_refused_by_driver);
    tcase_add_test(tc, test_pci_class);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;

    (void)argc;
    fixture_preload_kernel_sim(argv);
    sr = srunner_create(bind_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
