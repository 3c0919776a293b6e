/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel-sim.so against the kernel's rules (kernel-sim.md): each case is
 * what drivers/pci/iov.c, the driver core or xen-pciback answer to a
 * write, checked through plain open/write as any program does.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers/fixture.h"
#include "tests/helpers/sim-host.h"

static char *root;

static void teardown(void)
{
    fixture_free(root);
    root = NULL;
    unsetenv("SIM_FAIL");
}

/* Write @value to root/@rel with one write(2): 0 or the errno. */
static int store(const char *rel, const char *value)
{
    char path[4096];
    ssize_t n;
    int fd, err = 0;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return errno;
    n = write(fd, value, strlen(value));
    if (n < 0)
        err = errno;
    else
        ck_assert_int_eq(n, (ssize_t)strlen(value));
    close(fd);
    return err;
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

static bool exists(const char *rel)
{
    char path[4096];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    return lstat(path, &st) == 0;
}

#define PF1 "sys/bus/pci/devices/0000:3b:00.1/"
#define NUMVFS PF1 "sriov_numvfs"

START_TEST(test_sim_numvfs_parsing)
{
    root = fixture_new("x710-2pf", NULL);
    /* kstrtou16(buf, 0): prefixes, '+', one newline; nothing else */
    ck_assert_int_eq(store(NUMVFS, "abc"), EINVAL);
    ck_assert_int_eq(store(NUMVFS, " 1"), EINVAL);
    ck_assert_int_eq(store(NUMVFS, "1 "), EINVAL);
    ck_assert_int_eq(store(NUMVFS, ""), EINVAL);
    ck_assert_int_eq(store(NUMVFS, "70000"), ERANGE);
    ck_assert_int_eq(store(NUMVFS, "0x2\n"), 0);
    ck_assert_str_eq(file(NUMVFS), "2\n");
    ck_assert_int_eq(store(NUMVFS, "+0"), 0);
    ck_assert_int_eq(store(NUMVFS, "010"), 0);       /* octal: 8 */
    ck_assert_str_eq(file(NUMVFS), "8\n");
}
END_TEST

START_TEST(test_sim_numvfs_rules)
{
    root = fixture_new("x710-2pf", NULL);
    ck_assert_int_eq(store(NUMVFS, "65"), ERANGE);
    ck_assert_int_eq(store(NUMVFS, "2"), 0);
    /* "2 VFs already enabled. Disable before enabling 3 VFs" */
    ck_assert_int_eq(store(NUMVFS, "3"), EBUSY);
    ck_assert_int_eq(store(NUMVFS, "2"), 0);          /* same: success */
    ck_assert_str_eq(file(NUMVFS), "2\n");
    ck_assert_int_eq(store(NUMVFS, "0"), 0);
    ck_assert_str_eq(file(NUMVFS), "0\n");
}
END_TEST

START_TEST(test_sim_numvfs_needs_driver)
{
    root = fixture_new("x710-2pf", NULL);
    ck_assert_int_eq(store("sys/bus/pci/drivers/i40e/unbind",
                           "0000:3b:00.1"), 0);
    ck_assert(!exists(PF1 "driver"));
    ck_assert(!exists("sys/class/net/enp59s0f1"));
    /* ERANGE is checked before the driver, ENOENT before anything else */
    ck_assert_int_eq(store(NUMVFS, "65"), ERANGE);
    ck_assert_int_eq(store(NUMVFS, "1"), ENOENT);
    ck_assert_int_eq(store(NUMVFS, "0"), 0);          /* same as now */
    ck_assert_int_eq(store("sys/bus/pci/drivers/i40e/bind", "0000:3b:00.1"),
                     0);
    ck_assert_str_eq(file("sys/class/net/enp59s0f1/address"),
                     "3c:fd:fe:9e:7a:01\n");
    /* a PF driver going away takes its VFs with it */
    ck_assert_int_eq(store(NUMVFS, "2"), 0);
    ck_assert_int_eq(store("sys/bus/pci/drivers/i40e/unbind",
                           "0000:3b:00.1\n"), 0);
    ck_assert_str_eq(file(NUMVFS), "0\n");
}
END_TEST

START_TEST(test_sim_vfs_appear_and_vanish)
{
    char group[64], path[4096];
    ssize_t n;

    root = fixture_new("x710-2pf", NULL);
    ck_assert_int_eq(store(NUMVFS, "2"), 0);
    /* port 1: routing ID 0x3b01 + 79 = devfn 80 = 3b:0a.0 */
    ck_assert_str_eq(file(PF1 "virtfn0/physfn/vendor"), "0x8086\n");
    snprintf(path, sizeof(path), "%s/" PF1 "virtfn1", root);
    n = readlink(path, group, sizeof(group) - 1);
    ck_assert_int_gt(n, 0);
    group[n] = '\0';
    ck_assert_str_eq(group, "../0000:3b:0a.1");
    ck_assert(exists("sys/bus/pci/devices/0000:3b:0a.1"));
    ck_assert_str_eq(file("sys/bus/pci/devices/0000:3b:0a.0/device"),
                     "0x154c\n");
    ck_assert_str_eq(file("sys/bus/pci/devices/0000:3b:0a.0/driver/"
                          "0000:3b:0a.0/vendor"), "0x8086\n");
    ck_assert(exists("sys/class/net/enp59s0f1v1"));
    /* each VF in a new IOMMU group, with its devices/ back link */
    snprintf(path, sizeof(path),
             "%s/sys/bus/pci/devices/0000:3b:0a.1/iommu_group", root);
    n = readlink(path, group, sizeof(group) - 1);
    ck_assert_int_gt(n, 0);
    group[n] = '\0';
    snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s/devices/"
             "0000:3b:0a.1", strrchr(group, '/') + 1);
    ck_assert(exists(path));
    ck_assert_int_eq(store(NUMVFS, "0"), 0);
    ck_assert(!exists(PF1 "virtfn0"));
    ck_assert(!exists("sys/bus/pci/devices/0000:3b:0a.1"));
    ck_assert(!exists("sys/class/net/enp59s0f1v1"));
    snprintf(path, sizeof(path), "sys/kernel/iommu_groups/%s",
             strrchr(group, '/') + 1);
    ck_assert(!exists(path));
}
END_TEST

START_TEST(test_sim_autoprobe)
{
    root = fixture_new("x710-2pf", NULL);
    ck_assert_int_eq(store(PF1 "sriov_drivers_autoprobe", "maybe"), EINVAL);
    ck_assert_int_eq(store(PF1 "sriov_drivers_autoprobe", "0\n"), 0);
    ck_assert_str_eq(file(PF1 "sriov_drivers_autoprobe"), "0\n");
    ck_assert_int_eq(store(NUMVFS, "1"), 0);
    ck_assert(!exists("sys/bus/pci/devices/0000:3b:0a.0/driver"));
    /* probing needs driver_override now; drivers_probe is not an error */
    ck_assert_int_eq(store("sys/bus/pci/drivers_probe", "0000:3b:0a.0"), 0);
    ck_assert(!exists("sys/bus/pci/devices/0000:3b:0a.0/driver"));
    ck_assert_int_eq(store("sys/bus/pci/drivers/iavf/bind", "0000:3b:0a.0"),
                     ENODEV);
    ck_assert_int_eq(store("sys/bus/pci/devices/0000:3b:0a.0/driver_override",
                           "iavf\n"), 0);
    ck_assert_int_eq(store("sys/bus/pci/drivers_probe", "0000:3b:0a.0"), 0);
    ck_assert_str_eq(file("sys/bus/pci/devices/0000:3b:0a.0/driver/"
                          "0000:3b:0a.0/device"), "0x154c\n");
}
END_TEST

START_TEST(test_sim_driver_override)
{
    root = fixture_new("x710-2pf", NULL);
    ck_assert_str_eq(file(PF1 "driver_override"), "(null)\n");
    ck_assert_int_eq(store(PF1 "driver_override", "vfio-pci\nxx"), 0);
    ck_assert_str_eq(file(PF1 "driver_override"), "vfio-pci\n");
    ck_assert_int_eq(store(PF1 "driver_override", "\n"), 0);
    ck_assert_str_eq(file(PF1 "driver_override"), "(null)\n");
}
END_TEST

START_TEST(test_sim_bind_rules)
{
    root = fixture_new("x710-2pf", NULL);
    /* bound already: EBUSY; not its driver: ENODEV */
    ck_assert_int_eq(store("sys/bus/pci/drivers/iavf/bind", "0000:3b:02.0"),
                     EBUSY);
    ck_assert_int_eq(store("sys/bus/pci/drivers/i40e/unbind", "0000:3b:02.0"),
                     ENODEV);
    ck_assert_int_eq(store("sys/bus/pci/drivers/iavf/bind", "0000:3b:77.0"),
                     ENODEV);
    ck_assert_int_eq(store("sys/bus/pci/drivers/iavf/bind", "junk"), ENODEV);
    /* a driver whose ids do not match the device */
    ck_assert_int_eq(store("sys/bus/pci/drivers/i40e/unbind", "0000:3b:00.1"),
                     0);
    ck_assert_int_eq(store("sys/bus/pci/drivers/iavf/bind", "0000:3b:00.1"),
                     ENODEV);
    ck_assert_int_eq(store("sys/bus/pci/drivers_probe", "0000:3b:77.0"),
                     ENODEV);
}
END_TEST

START_TEST(test_sim_pciback_slots)
{
    root = fixture_new("x710-2pf", NULL);
    ck_assert_int_eq(store("sys/bus/pci/drivers/iavf/unbind", "0000:3b:02.0"),
                     0);
    /* pcistub_probe seizes only listed slots or overridden devices */
    ck_assert_int_eq(store("sys/bus/pci/drivers/pciback/bind",
                           "0000:3b:02.0"), ENODEV);
    ck_assert_int_eq(store("sys/bus/pci/drivers/pciback/new_slot", "nope"),
                     EINVAL);
    ck_assert_int_eq(store("sys/bus/pci/drivers/pciback/new_slot",
                           "3b:02.0"), 0);
    ck_assert_str_eq(file("sys/bus/pci/drivers/pciback/slots"),
                     "0000:3b:02.3\n0000:3b:02.0\n");
    ck_assert_int_eq(store("sys/bus/pci/drivers/pciback/bind",
                           "0000:3b:02.0"), 0);
    ck_assert(exists("sys/bus/pci/drivers/pciback/0000:3b:02.0"));
    ck_assert_int_eq(store("sys/bus/pci/drivers/pciback/remove_slot",
                           "0000:3b:02.5"), ENOENT);
    ck_assert_int_eq(store("sys/bus/pci/drivers/pciback/remove_slot",
                           "0000:3b:02.3"), 0);
    ck_assert_str_eq(file("sys/bus/pci/drivers/pciback/slots"),
                     "0000:3b:02.0\n");
}
END_TEST

START_TEST(test_sim_read_only_attributes)
{
    char path[4096];

    root = fixture_new("x710-2pf", NULL);
    /* kernfs: no store method, no opening for writing */
    ck_assert_int_eq(store(PF1 "vendor", "0x1234"), EACCES);
    ck_assert_int_eq(store(PF1 "sriov_totalvfs", "128"), EACCES);
    ck_assert_str_eq(file(PF1 "vendor"), "0x8086\n");
    snprintf(path, sizeof(path), "%s/" PF1 "sriov_totalvfs", root);
    ck_assert_ptr_null(fopen(path, "we"));
    ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(test_sim_stdio_store)
{
    char path[4096];
    FILE *f;

    root = fixture_new("x710-2pf", NULL);
    snprintf(path, sizeof(path), "%s/" NUMVFS, root);
    f = fopen(path, "we");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%d\n", 2);
    ck_assert_int_eq(fclose(f), 0);
    ck_assert(exists(PF1 "virtfn1"));
    f = fopen(path, "we");
    fprintf(f, "%d\n", 3);
    ck_assert_int_eq(fclose(f), EOF);
    ck_assert_int_eq(errno, EBUSY);
}
END_TEST

START_TEST(test_sim_faults)
{
    int status;
    pid_t pid;

    root = fixture_new("x710-2pf", NULL);
    setenv("SIM_FAIL", "0000:3b:00.1/sriov_numvfs=4:EIO,"
                       "*/sriov_numvfs:ENOSPC:1", 1);
    /* rules in order; the first that matches decides */
    ck_assert_int_eq(store(NUMVFS, "4\n"), EIO);
    ck_assert_int_eq(store(NUMVFS, "4\n"), EIO);
    /* COUNT is shared by the processes using the tree */
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(store(NUMVFS, "2") == ENOSPC ? 0 : 1);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(store(NUMVFS, "2"), 0);
    ck_assert_str_eq(file(NUMVFS), "2\n");
    /* faults hit other files of the tree too, e.g. etc/ */
    ck_assert_int_eq(sim_set_file(root, "etc/x.conf", "y\n"), 0);
    setenv("SIM_FAIL", "etc/*:EROFS", 1);
    ck_assert_int_eq(sim_set_file(root, "etc/x.conf", "z\n"), -EROFS);
    ck_assert_str_eq(file("etc/x.conf"), "y\n");
    ck_assert_int_eq(store("etc/x.conf", "z\n"), EROFS);
}
END_TEST

START_TEST(test_sim_builder_errors)
{
    char err[1024];

    root = fixture_new_text("# an empty host\n");
    ck_assert_int_eq(sim_host_load_text(root, "device 0000:3b:00.0 vendor=1\n",
                                        "m", err, sizeof(err)), -EINVAL);
    ck_assert_str_eq(err, "m:1: device 0000:3b:00.0 needs vendor=, device=, "
                     "class=");
    ck_assert_int_eq(sim_host_load_text(root, "\n\nfrob x\n", "m", err,
                                        sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "m:3: unknown line 'frob'"));
    ck_assert_int_eq(sim_host_load_text(root, "device 0000:3b:00.0 "
                                        "vendor=0x1 device=0x2 class=0x20000 "
                                        "driver=nope\n", "m", err,
                                        sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "driver nope is not defined"));
    ck_assert_int_eq(sim_host_load_text(root, "device 0000:3b:00.0 "
                                        "vendor=0x1 device=0x2 class=0x20000 "
                                        "colour=blue\n", "m", err,
                                        sizeof(err)), -EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "unknown device key 'colour=blue'"));
}
END_TEST

static Suite *sim_suite(void)
{
    Suite *s = suite_create("kernel-sim");
    TCase *tc = tcase_create("iov");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_sim_numvfs_parsing);
    tcase_add_test(tc, test_sim_numvfs_rules);
    tcase_add_test(tc, test_sim_numvfs_needs_driver);
    tcase_add_test(tc, test_sim_vfs_appear_and_vanish);
    tcase_add_test(tc, test_sim_autoprobe);
    suite_add_tcase(s, tc);
    tc = tcase_create("driver-core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_sim_driver_override);
    tcase_add_test(tc, test_sim_bind_rules);
    tcase_add_test(tc, test_sim_pciback_slots);
    tcase_add_test(tc, test_sim_read_only_attributes);
    tcase_add_test(tc, test_sim_stdio_store);
    suite_add_tcase(s, tc);
    tc = tcase_create("harness");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_sim_faults);
    tcase_add_test(tc, test_sim_builder_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;

    (void)argc;
    fixture_preload_kernel_sim(argv);
    sr = srunner_create(sim_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
