/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Context: root handling, last error, logging. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "libsriov/internal.h"

static int logged;
static void count_log(void *userdata, int level, const char *file, int line,
                      const char *func, const char *msg)
{
    (void)userdata; (void)level; (void)file; (void)line; (void)func; (void)msg;
    logged++;
}

START_TEST(test_ctx_root_default_and_set)
{
    sriov_ctx *ctx = NULL;
    char *p = NULL;

    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_str_eq(sriov_ctx_get_root(ctx), "/");
    ck_assert_int_eq(sriov__host_path(ctx, &p, "sys/bus/pci/devices/%s", "x"), 0);
    ck_assert_str_eq(p, "/sys/bus/pci/devices/x");
    free(p);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, "/tmp/t//"), 0);
    ck_assert_str_eq(sriov_ctx_get_root(ctx), "/tmp/t");
    ck_assert_int_eq(sriov__host_path(ctx, &p, "etc/modprobe.d"), 0);
    ck_assert_str_eq(p, "/tmp/t/etc/modprobe.d");
    free(p);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, "relative"), -EINVAL);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "relative"));
    ck_assert_int_eq(sriov_ctx_last_errno(ctx), -EINVAL);
    ck_assert_str_eq(sriov_ctx_get_root(ctx), "/tmp/t");
    ck_assert_ptr_null(sriov_ctx_free(ctx));
    ck_assert_ptr_null(sriov_ctx_free(NULL));
}
END_TEST

START_TEST(test_ctx_missing_attribute_reports_path)
{
    sriov_ctx *ctx = NULL;
    char *s = NULL;

    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, "/nonexistent-root"), 0);
    sriov_ctx_set_log_fn(ctx, count_log, NULL, SRIOV_LOG_DEBUG);
    ck_assert_int_eq(sriov__sysfs_read_string(ctx, "0000:00:00.0", "vendor", &s), -ENOENT);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx),
                                 "/nonexistent-root/sys/bus/pci/devices/0000:00:00.0/vendor"));
    ck_assert_int_gt(logged, 0);
    sriov_ctx_free(ctx);
}
END_TEST

START_TEST(test_ctx_bdf_valid)
{
    ck_assert(sriov__bdf_valid("0000:3b:00.0"));
    ck_assert(sriov__bdf_valid("0001:00:1f.7"));
    ck_assert(!sriov__bdf_valid("0000:3B:00.0"));
    ck_assert(!sriov__bdf_valid("0000:3b:20.0"));
    ck_assert(!sriov__bdf_valid("0000:3b:00.8"));
    ck_assert(!sriov__bdf_valid("3b:00.0"));
    ck_assert(!sriov__bdf_valid(NULL));
}
END_TEST

static Suite *ctx_suite(void)
{
    Suite *s = suite_create("ctx");
    TCase *tc = tcase_create("ctx");

    tcase_add_test(tc, test_ctx_root_default_and_set);
    tcase_add_test(tc, test_ctx_missing_attribute_reports_path);
    tcase_add_test(tc, test_ctx_bdf_valid);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ctx_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
