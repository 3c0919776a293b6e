/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * In the test VM: libsriov's sysfs I/O against the real kernel and QEMU's
 * SR-IOV NVMe controller.  sriov_numvfs writes create and remove real VFs,
 * and the kernel's errnos (EBUSY, ERANGE) come out of libsriov unchanged,
 * with the path in the message.
 *
 * Environment: VM_PF, the PF's address (its driver bound, 2 VFs possible).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/internal.h"

static const char *pf;
static sriov_ctx *ctx;

static void setup(void)
{
    pf = getenv("VM_PF");
    ck_assert_msg(pf && *pf, "VM_PF is not set");
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
}

static void teardown(void)
{
    ctx = sriov_ctx_free(ctx);
}

static int write_numvfs(unsigned n)
{
    return sriov__sysfs_write_uint(ctx, pf, "sriov_numvfs", n);
}

static unsigned numvfs(void)
{
    unsigned n = 99;

    ck_assert_int_eq(sriov__sysfs_read_uint(ctx, pf, "sriov_numvfs", &n), 0);
    return n;
}

static void set_numvfs(unsigned n)
{
    if (numvfs() != n && numvfs() != 0)
        ck_assert_int_eq(write_numvfs(0), 0);
    if (n)
        ck_assert_int_eq(write_numvfs(n), 0);
    ck_assert_uint_eq(numvfs(), n);
}

static char *vf_of(unsigned i)
{
    char attr[32], *vf = NULL;

    snprintf(attr, sizeof(attr), "virtfn%u", i);
    ck_assert_int_eq(sriov__sysfs_read_link(ctx, pf, attr, &vf), 0);
    return vf;
}

START_TEST(test_vm_sysfs_totalvfs)
{
    unsigned total = 0;

    ck_assert_int_eq(sriov__sysfs_read_uint(ctx, pf, "sriov_totalvfs",
                                            &total), 0);
    ck_assert_uint_eq(total, 2);
}
END_TEST

START_TEST(test_vm_sysfs_numvfs_creates_and_removes_vfs)
{
    char *vf0, *vf1, *phys = NULL;

    set_numvfs(0);
    ck_assert(!sriov__sysfs_exists(ctx, pf, "virtfn0"));
    set_numvfs(2);
    vf0 = vf_of(0);
    vf1 = vf_of(1);
    ck_assert(sriov__bdf_valid(vf0));
    ck_assert_str_ne(vf0, vf1);
    ck_assert_int_eq(sriov__sysfs_read_link(ctx, vf1, "physfn", &phys), 0);
    ck_assert_str_eq(phys, pf);
    set_numvfs(0);
    ck_assert(!sriov__sysfs_exists(ctx, pf, "virtfn0"));
    ck_assert(!sriov__sysfs_exists(ctx, vf0, NULL));
    free(vf0);
    free(vf1);
    free(phys);
}
END_TEST

START_TEST(test_vm_sysfs_numvfs_over_numvfs_is_ebusy)
{
    set_numvfs(2);
    ck_assert_int_eq(write_numvfs(1), -EBUSY);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "sriov_numvfs"));
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "busy"));
    ck_assert_int_eq(sriov_ctx_last_errno(ctx), -EBUSY);
    ck_assert_uint_eq(numvfs(), 2);     /* the kernel changed nothing */
    set_numvfs(0);
}
END_TEST

START_TEST(test_vm_sysfs_numvfs_above_total_is_erange)
{
    set_numvfs(0);
    ck_assert_int_eq(write_numvfs(3), -ERANGE);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), pf));
    ck_assert_uint_eq(numvfs(), 0);
}
END_TEST

START_TEST(test_vm_sysfs_vfs_get_own_iommu_groups)
{
    char *vf0, *vf1, *g0 = NULL, *g1 = NULL, *gpf = NULL;

    set_numvfs(2);
    vf0 = vf_of(0);
    vf1 = vf_of(1);
    ck_assert_int_eq(sriov__sysfs_read_link(ctx, pf, "iommu_group", &gpf), 0);
    ck_assert_int_eq(sriov__sysfs_read_link(ctx, vf0, "iommu_group", &g0), 0);
    ck_assert_int_eq(sriov__sysfs_read_link(ctx, vf1, "iommu_group", &g1), 0);
    ck_assert_str_ne(g0, g1);
    ck_assert_str_ne(g0, gpf);
    ck_assert_str_ne(g1, gpf);
    set_numvfs(0);
    free(vf0); free(vf1); free(g0); free(g1); free(gpf);
}
END_TEST

START_TEST(test_vm_sysfs_locate_non_nic_vf)
{
    char *vf0, *ifname = NULL;
    unsigned idx = 7;

    set_numvfs(2);
    vf0 = vf_of(1);
    /* An NVMe PF has no network interface: a clear -ENODEV. */
    ck_assert_int_eq(sriov_vf_locate(ctx, vf0, &ifname, &idx), -ENODEV);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "driver nvme"));
    ck_assert_ptr_null(ifname);
    ck_assert_uint_eq(idx, 7);
    ck_assert_int_eq(sriov_vf_locate(ctx, pf, &ifname, &idx), -EINVAL);
    set_numvfs(0);
    free(vf0);
}
END_TEST

static Suite *vm_sysfs_suite(void)
{
    Suite *s = suite_create("vm-sysfs");
    TCase *tc = tcase_create("nvme");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_vm_sysfs_totalvfs);
    tcase_add_test(tc, test_vm_sysfs_numvfs_creates_and_removes_vfs);
    tcase_add_test(tc, test_vm_sysfs_numvfs_over_numvfs_is_ebusy);
    tcase_add_test(tc, test_vm_sysfs_numvfs_above_total_is_erange);
    tcase_add_test(tc, test_vm_sysfs_vfs_get_own_iommu_groups);
    tcase_add_test(tc, test_vm_sysfs_locate_non_nic_vf);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vm_sysfs_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
