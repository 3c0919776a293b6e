/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The xe command-line parser: client options, key=value, switches. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xe/args.h"
#include "xe/cli-error.h"

#define ARGV(...) ((char *const[]){ "xe", __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof(v[0])) - 1)

static struct xe_args a;
static struct xapi_error err;

static void setup(void)
{
    a = (struct xe_args)XE_ARGS_INIT;
    err = (struct xapi_error)XAPI_ERROR_INIT;
}

static void teardown(void)
{
    xe_args_done(&a);
    xapi_error_clear(&err);
}

static int parse_v(char *const *v, const char *extra)
{
    int n = 0;

    while (v[n])
        n++;
    return xe_args_parse(&a, n, v, extra, &err);
}

START_TEST(test_xe_args_key_value)
{
    ck_assert_int_eq(parse_v(ARGV("network-create", "name-label=a=b=c",
                                  "bare", "=x", "name-description=",
                                  "other-config:k=v"), NULL), 0);
    ck_assert_str_eq(a.cmd, "network-create");
    ck_assert_uint_eq(a.n_params, 5);
    /* split at the first '=' only */
    ck_assert_str_eq(xe_args_peek(&a, "name-label"), "a=b=c");
    ck_assert_str_eq(xe_args_peek(&a, "bare"), "");
    ck_assert_str_eq(xe_args_peek(&a, ""), "x");
    ck_assert_str_eq(xe_args_peek(&a, "name-description"), "");
    ck_assert_str_eq(xe_args_peek(&a, "other-config:k"), "v");
    ck_assert_ptr_null(xe_args_peek(&a, "nope"));
}
END_TEST

START_TEST(test_xe_args_double_dash)
{
    ck_assert_int_eq(parse_v(ARGV("pif-list", "--minimal", "--all", "--",
                                  "--x=y"), NULL), 0);
    ck_assert_str_eq(xe_args_peek(&a, "minimal"), "true");
    ck_assert_str_eq(xe_args_peek(&a, "all"), "true");
    ck_assert_str_eq(xe_args_peek(&a, ""), "true");
    /* xe keeps "x=y" as the key of a "--" switch */
    ck_assert_str_eq(xe_args_peek(&a, "x=y"), "true");
}
END_TEST

START_TEST(test_xe_args_client_options_taken_out)
{
    ck_assert_int_eq(parse_v(ARGV("-s", "localhost", "pif-list", "-p", "443",
                                  "-u", "root", "-pw", "secret", "-pwf",
                                  "f", "--nossl", "--debug",
                                  "--debug-on-fail", "--traceparent", "t",
                                  "username=x", "password=y", "debug=zz",
                                  "uuid=u"), NULL), 0);
    ck_assert_str_eq(a.cmd, "pif-list");
    ck_assert_uint_eq(a.n_params, 1);
    ck_assert_str_eq(xe_args_peek(&a, "uuid"), "u");
    ck_assert_str_eq(a.server, "localhost");
    ck_assert_int_eq(a.port, 443);
    ck_assert(a.credentials);
}
END_TEST

START_TEST(test_xe_args_bad_port)
{
    ck_assert_int_eq(parse_v(ARGV("-p", "http", "pif-list"), NULL), -EINVAL);
    ck_assert_str_eq(err.code, XE_ERR_USAGE);
    ck_assert_str_eq(err.params[0], "Port number must be an integer "
                     "(0-65535)");
    ck_assert_ptr_null(a.cmd);
    xapi_error_clear(&err);
    ck_assert_int_eq(parse_v(ARGV("pif-list", "port=65536"), NULL), -EINVAL);
    xapi_error_clear(&err);
    ck_assert_int_eq(parse_v(ARGV("pif-list", "nossl=maybe"), NULL),
                     -EINVAL);
    ck_assert_str_eq(err.params[0], "nossl must be true or false");
}
END_TEST

START_TEST(test_xe_args_help_version_no_command)
{
    ck_assert_int_eq(parse_v(ARGV("pif-list", "--help"), NULL), 0);
    ck_assert(a.want_usage);
    ck_assert_ptr_null(a.cmd);
    xe_args_done(&a);
    ck_assert_int_eq(parse_v(ARGV("-help"), NULL), 0);
    ck_assert(a.want_usage);
    xe_args_done(&a);
    ck_assert_int_eq(parse_v(ARGV("-version"), NULL), 0);
    ck_assert(a.want_version);
    xe_args_done(&a);
    ck_assert_int_eq(xe_args_parse(&a, 1, ARGV("x"), NULL, &err), 0);
    ck_assert_ptr_null(a.cmd);
    ck_assert(!a.want_usage);
    xe_args_done(&a);
    /* only client options: no command either */
    ck_assert_int_eq(parse_v(ARGV("-s", "localhost"), NULL), 0);
    ck_assert_ptr_null(a.cmd);
}
END_TEST

START_TEST(test_xe_args_syntax_errors)
{
    ck_assert_int_eq(parse_v(ARGV("uuid=x", "pif-list"), NULL), -EINVAL);
    ck_assert_str_eq(err.code, XE_ERR_SYNTAX);
    ck_assert_str_eq(err.params[0], "command name is missing");
    ck_assert_ptr_null(a.cmd);
    xapi_error_clear(&err);

    /* -u without a value is left by the client for the server to reject */
    ck_assert_int_eq(parse_v(ARGV("pif-list", "-u"), NULL), -EINVAL);
    ck_assert_str_eq(err.params[0], "Switch -u requires a parameter");
    xapi_error_clear(&err);

    ck_assert_int_eq(parse_v(ARGV("pif-list", "-z", "1"), NULL), -EINVAL);
    ck_assert_str_eq(err.params[0], "Unknown switch: -z");
    xapi_error_clear(&err);

    ck_assert_int_eq(parse_v(ARGV("pif-list", "-"), NULL), -EINVAL);
    ck_assert_str_eq(err.params[0], "Switch - requires a parameter");
}
END_TEST

START_TEST(test_xe_args_duplicates_first_wins)
{
    ck_assert_int_eq(parse_v(ARGV("network-create", "name-label=a",
                                  "name-label=b"), NULL), 0);
    ck_assert_uint_eq(xe_args_count(&a, "name-label"), 2);
    ck_assert_str_eq(xe_args_peek(&a, "name-label"), "a");
    ck_assert(!a.params[0].used);
    ck_assert_str_eq(xe_args_get(&a, "name-label"), "a");
    ck_assert(a.params[0].used);
    ck_assert(!a.params[1].used);
}
END_TEST

START_TEST(test_xe_args_extra_args)
{
    ck_assert_int_eq(parse_v(ARGV("pif-list", "-s", "localhost",
                                  "device=eth0"),
                             ",server=elsewhere,,MAC=a\\,b,--minimal"), 0);
    /* the command line wins over XE_EXTRA_ARGS */
    ck_assert_str_eq(a.server, "localhost");
    ck_assert_uint_eq(a.n_params, 3);
    /* extras come after the command line's parameters */
    ck_assert_str_eq(a.params[0].key, "device");
    ck_assert_str_eq(a.params[1].key, "MAC");
    ck_assert_str_eq(a.params[1].value, "a,b");
    ck_assert_str_eq(a.params[2].key, "minimal");
}
END_TEST

START_TEST(test_xe_args_split_map)
{
    size_t len;
    const char *key;

    ck_assert(xe_args_split_map("other-config:vlan:x", &len, &key));
    ck_assert_uint_eq(len, strlen("other-config"));
    ck_assert_str_eq(key, "vlan:x");
    ck_assert(!xe_args_split_map("name-label", &len, &key));
    ck_assert(!xe_args_split_map(NULL, &len, &key));
}
END_TEST

START_TEST(test_xe_args_hostile)
{
    static char big[70000];
    char *const v[] = { "xe", big, big, "", "=", "-", NULL };

    memset(big, 'a', sizeof(big) - 1);
    big[100] = '=';
    /* a lone "-" at the end is a switch without value: an error */
    ck_assert_int_eq(xe_args_parse(&a, 6, v, NULL, &err), -EINVAL);
    ck_assert_ptr_null(a.cmd);
    xapi_error_clear(&err);
    ck_assert_int_eq(xe_args_parse(&a, 5, v, "\\,\\\\,,,", &err), -EINVAL);
    xapi_error_clear(&err);
    ck_assert_int_eq(xe_args_parse(&a, 2, (char *const[]){ "xe", "", NULL },
                                   "\\", &err), 0);
    ck_assert_str_eq(a.cmd, "");
    /* XE_EXTRA_ARGS "\\" is one empty item, as in newcli.ml */
    ck_assert_uint_eq(a.n_params, 1);
    ck_assert_str_eq(a.params[0].key, "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xe-args");
    TCase *tc = tcase_create("parse");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_xe_args_key_value);
    tcase_add_test(tc, test_xe_args_double_dash);
    tcase_add_test(tc, test_xe_args_client_options_taken_out);
    tcase_add_test(tc, test_xe_args_bad_port);
    tcase_add_test(tc, test_xe_args_help_version_no_command);
    tcase_add_test(tc, test_xe_args_syntax_errors);
    tcase_add_test(tc, test_xe_args_duplicates_first_wins);
    tcase_add_test(tc, test_xe_args_extra_args);
    tcase_add_test(tc, test_xe_args_split_map);
    tcase_add_test(tc, test_xe_args_hostile);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
