/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The modprobe configuration mode: detection and modprobe.d edits. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libsriov/internal.h"
#include "tests/helpers/fixture.h"
#include "tests/helpers/lifecycle-test.h"
#include "tests/helpers/sim-host.h"

static char *root;
static sriov_ctx *ctx;

static void teardown(void)
{
    ctx = sriov_ctx_free(ctx);
    fixture_free(root);
    root = NULL;
    unsetenv("SIM_FAIL");
}

static void open_ctx(void)
{
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, root), 0);
}

/* Content of root/etc/modprobe.d/@name, or NULL (static buffer). */
static const char *conf(const char *name)
{
    static char buf[4096];
    char path[4096];
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/etc/modprobe.d/%s", root, name);
    f = fopen(path, "re");
    if (!f)
        return NULL;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void put_conf(const char *name, const char *text)
{
    char rel[256];

    snprintf(rel, sizeof(rel), "etc/modprobe.d/%s", name);
    ck_assert_int_eq(sim_set_file(root, rel, text), 0);
}

static unsigned files_in_modprobe_d(void)
{
    char path[4096];
    struct dirent *de;
    unsigned n = 0;
    DIR *d;

    snprintf(path, sizeof(path), "%s/etc/modprobe.d", root);
    d = opendir(path);
    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)))
        n += de->d_name[0] != '.' || (de->d_name[1] && de->d_name[1] != '.');
    closedir(d);
    return n;
}

START_TEST(test_modprobe_xenserver_package)
{
    unsigned n = 0;
    int mode = -1, reboot = -1;

    root = fixture_new("82599-xenserver-oot", NULL);
    open_ctx();
    ck_assert_int_eq(test_detect_mode(ctx, "0000:04:00.0", &mode), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_MODPROBE);
    /* max: the package's "VFs-maxvfs-by-default: 40" */
    ck_assert_int_eq(test_enable(ctx, "0000:04:00.0", SRIOV_NUMVFS_MAX,
                                 SRIOV_MODE_UNKNOWN, 0, &mode, &reboot,
                                 &n), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_MODPROBE);
    ck_assert_int_eq(reboot, 1);
    ck_assert_uint_eq(n, 40);
    /* edited in place: per-port list, other options and comments kept */
    ck_assert_str_eq(conf("ixgbe.conf"),
                     "# VFs-param: max_vfs\n"
                     "# VFs-maxvfs-by-default: 40\n"
                     "# VFs-maxvfs-by-user:\n"
                     "options ixgbe max_vfs=40,0 allow_unsupported_sfp=1\n");
    ck_assert_ptr_null(conf("ixgbe-sriov.conf"));
    /* the second port is the second entry */
    ck_assert_int_eq(test_enable(ctx, "0000:04:00.1", 8,
                                 SRIOV_MODE_UNKNOWN, 0, &mode, &reboot,
                                 &n), 0);
    ck_assert_ptr_nonnull(strstr(conf("ixgbe.conf"), "max_vfs=40,8 "));
    ck_assert_int_eq(test_disable(ctx, "0000:04:00.0", SRIOV_MODE_MODPROBE,
                                  0, &reboot), 0);
    ck_assert_ptr_nonnull(strstr(conf("ixgbe.conf"), "max_vfs=0,8 "));
    ck_assert_int_eq(reboot, 0);      /* no VFs now, none after a boot */
    ck_assert_uint_eq(files_in_modprobe_d(), 1);
}
END_TEST

START_TEST(test_modprobe_user_limit)
{
    unsigned n = 0;

    root = fixture_new("82599-xenserver-oot", NULL);
    put_conf("ixgbe.conf", "# VFs-param: max_vfs\n"
             "# VFs-maxvfs-by-default: 40\n"
             "# VFs-maxvfs-by-user: 16\n"
             "options ixgbe max_vfs=0\n");
    open_ctx();
    ck_assert_int_eq(test_enable(ctx, "0000:04:00.0", SRIOV_NUMVFS_MAX,
                                 SRIOV_MODE_UNKNOWN, 0, NULL, NULL, &n),
                     0);
    ck_assert_uint_eq(n, 16);
    /* a single value stays single (upstream drivers take one number) */
    ck_assert_ptr_nonnull(strstr(conf("ixgbe.conf"),
                                 "\noptions ixgbe max_vfs=16\n"));
}
END_TEST

START_TEST(test_modprobe_mlx4_own_file)
{
    unsigned n = 0;
    int mode = -1, reboot = -1;
    char *log = NULL;

    root = fixture_new("connectx3-mlx4", NULL);
    put_conf("mlx4.conf", "options mlx4_core log_num_mgm_entry_size=-1\n");
    open_ctx();
    sriov_ctx_set_log_fn(ctx, fixture_record_log, &log, SRIOV_LOG_DEBUG);
    ck_assert_int_eq(test_detect_mode(ctx, "0000:81:00.0", &mode), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_MODPROBE);
    /* the running module already made 4: no reboot needed */
    ck_assert_int_eq(test_enable(ctx, "0000:81:00.0", 4,
                                 SRIOV_MODE_UNKNOWN, 0, &mode, &reboot,
                                 &n), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_MODPROBE);
    ck_assert_int_eq(reboot, 0);
    ck_assert_str_eq(conf("mlx4_core-sriov.conf"),
                     "options mlx4_core num_vfs=4\n");
    ck_assert_str_eq(conf("mlx4.conf"),
                     "options mlx4_core log_num_mgm_entry_size=-1\n");
    ck_assert_int_eq(test_enable(ctx, "0000:81:00.0", 8,
                                 SRIOV_MODE_UNKNOWN, 0, &mode, &reboot,
                                 &n), 0);
    ck_assert_int_eq(reboot, 1);
    ck_assert_str_eq(conf("mlx4_core-sriov.conf"),
                     "options mlx4_core num_vfs=8\n");
    /* the running module's option was read back */
    ck_assert_ptr_nonnull(strstr(log, "loaded with num_vfs=4, 8 after"));
    sriov_ctx_set_log_fn(ctx, NULL, NULL, 0);
    free(log);
    ck_assert_int_eq(test_enable(ctx, "0000:81:00.0", 17,
                                 SRIOV_MODE_UNKNOWN, 0, NULL, NULL, NULL),
                     -ERANGE);
    ck_assert_str_eq(conf("mlx4_core-sriov.conf"),
                     "options mlx4_core num_vfs=8\n");
}
END_TEST

START_TEST(test_modprobe_edits_the_effective_file)
{
    root = fixture_new("connectx3-mlx4", NULL);
    /* another file already sets the option: edit it, not a new one */
    put_conf("mellanox.conf", "# site settings\n"
             "options mlx4_core num_vfs=2 port_type_array=2,2\n"
             "options mlx4_en pfctx=3\n");
    open_ctx();
    ck_assert_int_eq(test_enable(ctx, "0000:81:00.0", 6,
                                 SRIOV_MODE_MODPROBE, 0, NULL, NULL,
                                 NULL), 0);
    ck_assert_str_eq(conf("mellanox.conf"),
                     "# site settings\n"
                     "options mlx4_core num_vfs=6 port_type_array=2,2\n"
                     "options mlx4_en pfctx=3\n");
    ck_assert_ptr_null(conf("mlx4_core-sriov.conf"));
}
END_TEST

START_TEST(test_modprobe_unchanged_not_rewritten)
{
    char path[4096];
    struct stat before, after;

    root = fixture_new("connectx3-mlx4", NULL);
    open_ctx();
    ck_assert_int_eq(test_enable(ctx, "0000:81:00.0", 4,
                                 SRIOV_MODE_MODPROBE, 0, NULL, NULL,
                                 NULL), 0);
    snprintf(path, sizeof(path), "%s/etc/modprobe.d/mlx4_core-sriov.conf",
             root);
    ck_assert_int_eq(stat(path, &before), 0);
    ck_assert_int_eq(test_enable(ctx, "0000:81:00.0", 4,
                                 SRIOV_MODE_MODPROBE, 0, NULL, NULL,
                                 NULL), 0);
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_uint_eq(before.st_ino, after.st_ino);
}
END_TEST

START_TEST(test_modprobe_disk_full_keeps_old_file)
{
    const char *old = "# VFs-param: max_vfs\n"
                      "# VFs-maxvfs-by-default: 40\n"
                      "# VFs-maxvfs-by-user:\n"
                      "options ixgbe max_vfs=0,0 allow_unsupported_sfp=1\n";

    root = fixture_new("82599-xenserver-oot", NULL);
    open_ctx();
    setenv("SIM_FAIL", "etc/modprobe.d/*:ENOSPC", 1);
    ck_assert_int_eq(test_enable(ctx, "0000:04:00.0", 8,
                                 SRIOV_MODE_UNKNOWN, 0, NULL, NULL, NULL),
                     -ENOSPC);
    unsetenv("SIM_FAIL");
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "ixgbe.conf"));
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "unchanged"));
    ck_assert_str_eq(conf("ixgbe.conf"), old);
    ck_assert_uint_eq(files_in_modprobe_d(), 1);     /* no temp file left */
    /* and the next attempt works */
    ck_assert_int_eq(test_enable(ctx, "0000:04:00.0", 8,
                                 SRIOV_MODE_UNKNOWN, 0, NULL, NULL, NULL),
                     0);
}
END_TEST

START_TEST(test_modprobe_after_sysfs_enoent)
{
    unsigned n = 0;
    int mode = -1, reboot = -1;

    /* not in the table, no package comments: the sysfs write answers
     * ENOENT and the running module shows a max_vfs option */
    root = fixture_new_text(
        "driver acme ids=1234:0001 net\n"
        "param acme max_vfs=0\n"
        "device 0000:3b:00.0 vendor=0x1234 device=0x0001 class=0x020000 "
        "driver=acme totalvfs=8 offset=1 stride=1 vf_device=0x0002\n");
    open_ctx();
    ck_assert_int_eq(test_detect_mode(ctx, "0000:3b:00.0", &mode), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_SYSFS);
    ck_assert_int_eq(test_enable(ctx, "0000:3b:00.0", 5,
                                 SRIOV_MODE_UNKNOWN, 0, &mode, &reboot,
                                 &n), 0);
    ck_assert_int_eq(mode, SRIOV_MODE_MODPROBE);
    ck_assert_int_eq(reboot, 1);
    ck_assert_str_eq(conf("acme-sriov.conf"), "options acme max_vfs=5\n");
}
END_TEST

START_TEST(test_modprobe_unknown_option)
{
    root = fixture_new_text(
        "driver acme ids=1234:0001 net\n"
        "device 0000:3b:00.0 vendor=0x1234 device=0x0001 class=0x020000 "
        "driver=acme totalvfs=8 offset=1 stride=1 vf_device=0x0002\n");
    open_ctx();
    ck_assert_int_eq(test_enable(ctx, "0000:3b:00.0", 5,
                                 SRIOV_MODE_MODPROBE, 0, NULL, NULL,
                                 NULL), -EOPNOTSUPP);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "manual"));
    /* auto: sysfs says ENOENT, no option, no VFs: the kernel's error */
    ck_assert_int_eq(test_enable(ctx, "0000:3b:00.0", 5,
                                 SRIOV_MODE_UNKNOWN, 0, NULL, NULL, NULL),
                     -ENOENT);
    ck_assert_uint_eq(files_in_modprobe_d(), 0);
}
END_TEST

static Suite *modprobe_suite(void)
{
    Suite *s = suite_create("modprobe");
    TCase *tc = tcase_create("modprobe");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_modprobe_xenserver_package);
    tcase_add_test(tc, test_modprobe_user_limit);
    tcase_add_test(tc, test_modprobe_mlx4_own_file);
    tcase_add_test(tc, test_modprobe_edits_the_effective_file);
    tcase_add_test(tc, test_modprobe_unchanged_not_rewritten);
    tcase_add_test(tc, test_modprobe_disk_full_keeps_old_file);
    tcase_add_test(tc, test_modprobe_after_sysfs_enoent);
    tcase_add_test(tc, test_modprobe_unknown_option);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;

    (void)argc;
    fixture_preload_kernel_sim(argv);
    sr = srunner_create(modprobe_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
