/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * In the test VM: libsriov's discovery, VF lifecycle and driver binding
 * against the real kernel and QEMU's SR-IOV NVMe controller (2 VFs, each
 * in its own IOMMU group behind the emulated intel-iommu).
 *
 * Environment: VM_PF, the PF's address (bound to nvme); pci-stub and
 * vfio-pci loaded.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sriov/sriov.h>

static const char *pf_bdf;
static sriov_ctx *ctx;

static void setup(void)
{
    pf_bdf = getenv("VM_PF");
    ck_assert_msg(pf_bdf && *pf_bdf, "VM_PF is not set");
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
}

static void teardown(void)
{
    ctx = sriov_ctx_free(ctx);
}

#define ERR_HAS(s) ck_assert_msg(strstr(sriov_ctx_last_error(ctx), (s)), \
                                 "'%s' not in '%s'", (s), \
                                 sriov_ctx_last_error(ctx))

/* A fresh scan; the caller frees it. */
static sriov_host *scan(void)
{
    sriov_host *h = NULL;

    ck_assert_msg(sriov_host_scan(&h, ctx, 0) == 0, "scan: %s",
                  sriov_ctx_last_error(ctx));
    return h;
}

static void numvfs(unsigned n)
{
    int r = sriov_pf_set_numvfs(ctx, pf_bdf, n, SRIOV_NUMVFS_FORCE);

    ck_assert_msg(r == (int)n, "set_numvfs %u: %d %s", n, r,
                  sriov_ctx_last_error(ctx));
}

static char *driver_of(const char *bdf)
{
    char *d = NULL;

    ck_assert_int_eq(sriov_pci_get_driver(ctx, bdf, &d), 0);
    return d;
}

START_TEST(test_vm_host_scan_sees_the_nvme_pf)
{
    sriov_host *h;
    sriov_pf *pf;

    numvfs(0);
    h = scan();
    pf = sriov_host_find_pf(h, pf_bdf);
    ck_assert_ptr_nonnull(pf);
    ck_assert_int_eq(sriov_pf_is_sriov_capable(pf), 1);
    ck_assert_int_eq(sriov_pf_is_network(pf), 0);    /* not a NIC */
    ck_assert_str_eq(sriov_pf_driver(pf), "nvme");
    ck_assert_uint_eq(sriov_pf_vendor_id(pf), 0x1b36);
    ck_assert_uint_eq(sriov_pf_totalvfs(pf), 2);
    ck_assert_uint_eq(sriov_pf_numvfs(pf), 0);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 0);
    ck_assert_uint_eq(sriov_pf_vf_device_id(pf), 0x0010);
    ck_assert_int_ge(sriov_pf_iommu_group(pf), 0);
    sriov_host_free(h);
}
END_TEST

START_TEST(test_vm_host_numvfs_creates_vfs_in_own_groups)
{
    sriov_host *h;
    sriov_pf *pf;
    sriov_vf *v0, *v1;

    numvfs(0);
    ck_assert_int_eq(sriov_pf_set_numvfs(ctx, pf_bdf, SRIOV_NUMVFS_MAX, 0), 2);
    h = scan();
    pf = sriov_host_find_pf(h, pf_bdf);
    ck_assert_uint_eq(sriov_pf_numvfs(pf), 2);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 2);
    v0 = sriov_pf_vf(pf, 0);
    v1 = sriov_pf_vf(pf, 1);
    ck_assert_uint_eq(sriov_vf_index(v1), 1);
    ck_assert_str_eq(sriov_vf_pf_bdf(v0), pf_bdf);
    ck_assert_ptr_eq(sriov_host_find_vf(h, sriov_vf_bdf(v1)), v1);
    ck_assert_uint_eq(sriov_vf_device_id(v0), 0x0010);
    /* Behind the IOMMU each VF is a group of its own. */
    ck_assert_int_ge(sriov_vf_iommu_group(v0), 0);
    ck_assert_int_ne(sriov_vf_iommu_group(v0), sriov_vf_iommu_group(v1));
    ck_assert_int_ne(sriov_vf_iommu_group(v0), sriov_pf_iommu_group(pf));
    ck_assert_uint_eq(sriov_vf_iommu_group_size(v0), 1);
    ck_assert_str_eq(sriov_vf_iommu_group_member(v0, 0), sriov_vf_bdf(v0));
    /* A VF is never a PF. */
    ck_assert_ptr_null(sriov_host_find_pf(h, sriov_vf_bdf(v0)));
    sriov_host_free(h);
}
END_TEST

START_TEST(test_vm_host_numvfs_changes_through_zero)
{
    numvfs(2);
    /* The kernel answers EBUSY to 2 -> 1; the library goes through 0. */
    ck_assert_int_eq(sriov_pf_set_numvfs(ctx, pf_bdf, 1, 0), 1);
    numvfs(0);
}
END_TEST

START_TEST(test_vm_host_numvfs_above_total_is_erange)
{
    sriov_host *h;

    numvfs(1);
    ck_assert_int_eq(sriov_pf_set_numvfs(ctx, pf_bdf, 3, 0), -ERANGE);
    ERR_HAS(pf_bdf);
    h = scan();
    ck_assert_uint_eq(sriov_pf_numvfs(sriov_host_find_pf(h, pf_bdf)), 1);
    sriov_host_free(h);
    numvfs(0);
}
END_TEST

START_TEST(test_vm_host_bind_vf_elsewhere_and_back)
{
    sriov_host *h;
    sriov_vf *v;
    char *vf, *prev = NULL, *d;

    numvfs(2);
    h = scan();
    vf = strdup(sriov_vf_bdf(sriov_pf_vf(sriov_host_find_pf(h, pf_bdf), 0)));
    sriov_host_free(h);

    ck_assert_msg(sriov_pci_bind(ctx, vf, "pci-stub", &prev) == 0, "%s",
                  sriov_ctx_last_error(ctx));
    d = driver_of(vf);
    ck_assert_str_eq(d, "pci-stub");
    free(d);
    free(prev);
    ck_assert_msg(sriov_pci_bind(ctx, vf, "vfio-pci", &prev) == 0, "%s",
                  sriov_ctx_last_error(ctx));
    ck_assert_str_eq(prev, "pci-stub");
    free(prev);
    d = driver_of(vf);
    ck_assert_str_eq(d, "vfio-pci");
    free(d);

    /* A VF on vfio-pci is in use: removing the VFs is refused. */
    h = scan();
    v = sriov_host_find_vf(h, vf);
    ck_assert_ptr_nonnull(sriov_vf_busy_reason(v));
    sriov_host_free(h);
    ck_assert_int_eq(sriov_pf_set_numvfs(ctx, pf_bdf, 0, 0), -EBUSY);
    ERR_HAS(vf);

    ck_assert_int_eq(sriov_pci_unbind(ctx, vf, &prev), 0);
    ck_assert_str_eq(prev, "vfio-pci");
    free(prev);
    d = driver_of(vf);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(sriov_pci_reprobe(ctx, vf, NULL), 0);
    numvfs(0);
    free(vf);
}
END_TEST

START_TEST(test_vm_host_enable_disable_sysfs_mode)
{
    int mode = -1, reboot = -1;
    unsigned n = 0;

    numvfs(0);
    ck_assert_int_eq(sriov_pf_detect_mode(ctx, pf_bdf, &mode), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_SYSFS);
    ck_assert_msg(sriov_pf_enable(ctx, pf_bdf, SRIOV_NUMVFS_MAX,
                                  SRIOV_MODE_UNKNOWN, 0, &mode, &reboot,
                                  &n) == 0, "%s", sriov_ctx_last_error(ctx));
    ck_assert_int_eq(mode, SRIOV_MODE_SYSFS);
    ck_assert_int_eq(reboot, 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(sriov_pf_disable(ctx, pf_bdf, mode, 0, &reboot), 0);
    ck_assert_int_eq(reboot, 0);
    ck_assert_int_eq(sriov_pf_set_numvfs(ctx, pf_bdf, 0, 0), 0);
}
END_TEST

static Suite *vm_host_suite(void)
{
    Suite *s = suite_create("vm-host");
    TCase *tc = tcase_create("nvme");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_vm_host_scan_sees_the_nvme_pf);
    tcase_add_test(tc, test_vm_host_numvfs_creates_vfs_in_own_groups);
    tcase_add_test(tc, test_vm_host_numvfs_changes_through_zero);
    tcase_add_test(tc, test_vm_host_numvfs_above_total_is_erange);
    tcase_add_test(tc, test_vm_host_bind_vf_elsewhere_and_back);
    tcase_add_test(tc, test_vm_host_enable_disable_sysfs_mode);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vm_host_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
