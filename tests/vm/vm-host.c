/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * In the test VM: libsriov's discovery, VF lifecycle and driver binding
 * against the real kernel and an SR-IOV PF behind the emulated
 * intel-iommu: QEMU's NVMe controller (2 VFs, not a NIC) in kernel.vmtest,
 * its igb (Intel 82576, 7 VFs, a NIC whose VFs igbvf drives) in
 * kernel-igb.vmtest.
 *
 * Environment: VM_PF, the PF's address (bound to its driver); pci-stub and
 * vfio-pci loaded; what the PF is: VM_PF_DRIVER (nvme), VM_PF_VENDOR
 * (1b36), VM_TOTALVFS (2), VM_VF_DEVICE (0010), and for a NIC VM_PF_NET
 * (its interface, up) and VM_VF_DRIVER (the driver its VFs bind to).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sriov/sriov.h>

#include "tests/helpers/lifecycle-test.h"

static const char *pf_bdf, *pf_driver, *pf_net, *vf_driver;
static unsigned pf_vendor, totalvfs, vf_device;
static sriov_ctx *ctx;

static const char *env(const char *name, const char *dflt)
{
    const char *v = getenv(name);

    return v && *v ? v : dflt;
}

static void setup(void)
{
    pf_bdf = getenv("VM_PF");
    ck_assert_msg(pf_bdf && *pf_bdf, "VM_PF is not set");
    pf_driver = env("VM_PF_DRIVER", "nvme");
    pf_vendor = (unsigned)strtoul(env("VM_PF_VENDOR", "1b36"), NULL, 16);
    totalvfs = (unsigned)strtoul(env("VM_TOTALVFS", "2"), NULL, 10);
    vf_device = (unsigned)strtoul(env("VM_VF_DEVICE", "0010"), NULL, 16);
    pf_net = env("VM_PF_NET", NULL);
    vf_driver = env("VM_VF_DRIVER", NULL);
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
    int r = test_set_numvfs(ctx, pf_bdf, n, SRIOV_NUMVFS_FORCE);

    ck_assert_msg(r == (int)n, "set_numvfs %u: %d %s", n, r,
                  sriov_ctx_last_error(ctx));
}

/* The first line of /sys/class/net/@p ifname/@p attr, as the kernel says. */
static const char *net_attr(const char *ifname, const char *attr)
{
    static char buf[4][128];
    static unsigned k;
    char path[256], *b = buf[k++ % 4];
    FILE *f;

    snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, attr);
    b[0] = '\0';
    f = fopen(path, "r");
    if (f) {
        if (!fgets(b, sizeof(buf[0]), f))
            b[0] = '\0';
        fclose(f);
    }
    b[strcspn(b, "\n")] = '\0';
    return b;
}

static char *driver_of(const char *bdf)
{
    char *d = NULL;

    ck_assert_int_eq(sriov_pci_get_driver(ctx, bdf, &d), 0);
    return d;
}

START_TEST(test_vm_host_scan_sees_the_pf)
{
    sriov_host *h;
    sriov_pf *pf;

    numvfs(0);
    h = scan();
    pf = sriov_host_find_pf(h, pf_bdf);
    ck_assert_ptr_nonnull(pf);
    ck_assert_int_eq(sriov_pf_is_sriov_capable(pf), 1);
    ck_assert_int_eq(sriov_pf_is_network(pf), pf_net != NULL);
    ck_assert_str_eq(sriov_pf_driver(pf), pf_driver);
    ck_assert_uint_eq(sriov_pf_vendor_id(pf), pf_vendor);
    ck_assert_uint_eq(sriov_pf_totalvfs(pf), totalvfs);
    ck_assert_uint_eq(sriov_pf_numvfs(pf), 0);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 0);
    ck_assert_uint_eq(sriov_pf_vf_device_id(pf), vf_device);
    ck_assert_int_ge(sriov_pf_iommu_group(pf), 0);
    sriov_host_free(h);
}
END_TEST

/* A NIC's PF: its interface with the MAC and link the kernel reports. */
START_TEST(test_vm_host_scan_sees_the_pf_netdev)
{
    sriov_host *h;
    sriov_pf *pf;
    sriov_netdev *nd;

    if (!pf_net)
        return;                         /* not a NIC */
    /* Changing the VFs resets igb's PF: its link comes back in seconds. */
    for (int i = 0; i < 600 && strcmp(net_attr(pf_net, "operstate"), "up");
         i++)
        usleep(100000);
    h = scan();
    pf = sriov_host_find_pf(h, pf_bdf);
    ck_assert_ptr_nonnull(pf);
    ck_assert_uint_eq(sriov_pf_netdev_count(pf), 1);
    nd = sriov_pf_netdev(pf, 0);
    ck_assert_str_eq(sriov_netdev_name(nd), pf_net);
    ck_assert_str_eq(sriov_netdev_mac(nd), net_attr(pf_net, "address"));
    ck_assert_str_eq(sriov_netdev_operstate(nd),
                     net_attr(pf_net, "operstate"));
    ck_assert_str_eq(sriov_netdev_operstate(nd), "up");    /* brought up */
    ck_assert_int_eq(sriov_netdev_is_up(nd), 1);
    ck_assert_int_eq(sriov_netdev_speed(nd), atoi(net_attr(pf_net,
                                                           "speed")));
    ck_assert_ptr_eq(sriov_host_find_pf_by_ifname(h, pf_net), pf);
    sriov_host_free(h);
}
END_TEST

START_TEST(test_vm_host_numvfs_creates_vfs_in_own_groups)
{
    sriov_host *h;
    sriov_pf *pf;
    sriov_vf *v0, *v1;

    numvfs(0);
    ck_assert_int_eq(test_set_numvfs(ctx, pf_bdf, SRIOV_NUMVFS_MAX, 0),
                     (int)totalvfs);
    h = scan();
    pf = sriov_host_find_pf(h, pf_bdf);
    ck_assert_uint_eq(sriov_pf_numvfs(pf), totalvfs);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), totalvfs);
    v0 = sriov_pf_vf(pf, 0);
    v1 = sriov_pf_vf(pf, 1);
    ck_assert_uint_eq(sriov_vf_index(v1), 1);
    ck_assert_str_eq(sriov_vf_pf_bdf(v0), pf_bdf);
    ck_assert_ptr_eq(sriov_host_find_vf(h, sriov_vf_bdf(v1)), v1);
    ck_assert_uint_eq(sriov_vf_device_id(v0), vf_device);
    /* Behind the IOMMU each VF is a group of its own. */
    for (unsigned i = 0; i < totalvfs; i++) {
        sriov_vf *v = sriov_pf_vf(pf, i);

        ck_assert_int_ge(sriov_vf_iommu_group(v), 0);
        ck_assert_int_ne(sriov_vf_iommu_group(v), sriov_pf_iommu_group(pf));
        ck_assert_uint_eq(sriov_vf_iommu_group_size(v), 1);
        ck_assert_str_eq(sriov_vf_iommu_group_member(v, 0), sriov_vf_bdf(v));
        /* A VF is never a PF. */
        ck_assert_ptr_null(sriov_host_find_pf(h, sriov_vf_bdf(v)));
    }
    ck_assert_int_ne(sriov_vf_iommu_group(v0), sriov_vf_iommu_group(v1));
    sriov_host_free(h);
}
END_TEST

/* A NIC's VFs: each bound to the VF driver, with its own interface. */
START_TEST(test_vm_host_vfs_have_netdevs)
{
    sriov_host *h;
    sriov_pf *pf;

    if (!vf_driver)
        return;                         /* the VFs stay unbound */
    numvfs(2);
    h = scan();
    pf = sriov_host_find_pf(h, pf_bdf);
    for (unsigned i = 0; i < 2; i++) {
        sriov_vf *v = sriov_pf_vf(pf, i);
        sriov_netdev *nd = sriov_vf_netdev(v);
        char path[256];

        ck_assert_msg(sriov_vf_driver(v) &&
                      strcmp(sriov_vf_driver(v), vf_driver) == 0,
                      "VF %s on %s, not %s", sriov_vf_bdf(v),
                      sriov_vf_driver(v) ? sriov_vf_driver(v) : "nothing",
                      vf_driver);
        ck_assert_msg(nd, "VF %s has no interface", sriov_vf_bdf(v));
        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/net/%s",
                 sriov_vf_bdf(v), sriov_netdev_name(nd));
        ck_assert_msg(access(path, F_OK) == 0, "%s is not there", path);
        ck_assert_str_eq(sriov_netdev_mac(nd),
                         net_attr(sriov_netdev_name(nd), "address"));
        ck_assert_str_ne(sriov_netdev_name(nd), pf_net);
    }
    sriov_host_free(h);
    numvfs(0);
}
END_TEST

START_TEST(test_vm_host_numvfs_changes_through_zero)
{
    numvfs(2);
    /* The kernel answers EBUSY to 2 -> 1; the library goes through 0. */
    ck_assert_int_eq(test_set_numvfs(ctx, pf_bdf, 1, 0), 1);
    numvfs(0);
}
END_TEST

START_TEST(test_vm_host_numvfs_above_total_is_erange)
{
    sriov_host *h;

    numvfs(1);
    ck_assert_int_eq(test_set_numvfs(ctx, pf_bdf, totalvfs + 1, 0),
                     -ERANGE);
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
    ck_assert_int_eq(test_set_numvfs(ctx, pf_bdf, 0, 0), -EBUSY);
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
    ck_assert_int_eq(test_detect_mode(ctx, pf_bdf, &mode), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_SYSFS);
    ck_assert_msg(test_enable(ctx, pf_bdf, SRIOV_NUMVFS_MAX,
                              SRIOV_MODE_UNKNOWN, 0, &mode, &reboot,
                              &n) == 0, "%s", sriov_ctx_last_error(ctx));
    ck_assert_int_eq(mode, SRIOV_MODE_SYSFS);
    ck_assert_int_eq(reboot, 0);
    ck_assert_uint_eq(n, totalvfs);
    ck_assert_int_eq(test_disable(ctx, pf_bdf, mode, 0, &reboot), 0);
    ck_assert_int_eq(reboot, 0);
    ck_assert_int_eq(test_set_numvfs(ctx, pf_bdf, 0, 0), 0);
}
END_TEST

static Suite *vm_host_suite(void)
{
    Suite *s = suite_create("vm-host");
    TCase *tc = tcase_create("pf");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_vm_host_scan_sees_the_pf);
    tcase_add_test(tc, test_vm_host_scan_sees_the_pf_netdev);
    tcase_add_test(tc, test_vm_host_numvfs_creates_vfs_in_own_groups);
    tcase_add_test(tc, test_vm_host_vfs_have_netdevs);
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
