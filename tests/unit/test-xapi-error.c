/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* XenAPI error values: set, replace, clear. */
#include <check.h>
#include <errno.h>

#include "ops/xapi-error.h"

START_TEST(test_xapi_error_set_replace_clear)
{
    struct xapi_error err = XAPI_ERROR_INIT;

    ck_assert(!xapi_error_is_set(&err));
    ck_assert_int_eq(xapi_error_set(&err, -EINVAL, "UUID_INVALID", "network",
                                    "nope", NULL), -EINVAL);
    ck_assert(xapi_error_is_set(&err));
    ck_assert_str_eq(err.code, "UUID_INVALID");
    ck_assert_uint_eq(err.n_params, 2);
    ck_assert_str_eq(err.params[1], "nope");
    ck_assert_int_eq(xapi_error_internal(&err, -EIO, "disk %s", "gone"), -EIO);
    ck_assert_str_eq(err.code, "INTERNAL_ERROR");
    ck_assert_uint_eq(err.n_params, 1);
    ck_assert_str_eq(err.params[0], "disk gone");
    ck_assert_int_eq(err.errno_value, -EIO);
    xapi_error_clear(&err);
    xapi_error_clear(&err);
    ck_assert(!xapi_error_is_set(&err));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xapi-error");
    TCase *tc = tcase_create("xapi_error");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_xapi_error_set_replace_clear);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
