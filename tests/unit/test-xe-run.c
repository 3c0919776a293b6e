/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a command line: xe's order of checks, root, handlers, errors. */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xe/run.h"
#include "ops/xapi-errors.h"

static struct xe_cmdtable *table;
static char *out_buf, *err_buf;
static bool root = true;
static const char *extra;

static int net_create(struct xe_call *call)
{
    const char *label = xe_args_get(call->args, "name-label");
    const char *uuid = "a,b";

    if (strcmp(label, "fail") == 0)
        return xapi_error_set(call->err, -EINVAL, XAPI_INVALID_VALUE,
                              "name_label", label, NULL);
    if (strcmp(label, "eio") == 0)
        return -EIO;
    return xe_print_list(call->printer, &uuid, 1);
}

static const struct xe_handler_entry handlers[] = {
    { "network-create", net_create }, { NULL, NULL },
};
/* run: the caller's whole table; own-table: xe_run() builds the entry of
 * the command it runs, as the xe program has it. */
static bool own_table;

static void setup(void)
{
    if (!own_table)
        ck_assert_int_eq(xe_cmdtable_new(&table, handlers, NULL), 0);
    root = true;
    extra = NULL;
}

static void setup_own(void)
{
    own_table = true;
    setup();
}

static void teardown(void)
{
    table = xe_cmdtable_free(table);
    free(out_buf);
    free(err_buf);
    out_buf = err_buf = NULL;
}

/* Run "xe args..." and return the exit status; output in the buffers. */
static int xe(const char *first, ...)
{
    char *v[32] = { "xe" };
    int n = 1;
    size_t ol, el;
    va_list ap;
    const char *s;
    struct xe_env env;
    int status;

    va_start(ap, first);
    for (s = first; s; s = va_arg(ap, const char *))
        v[n++] = (char *)s;
    va_end(ap);
    free(out_buf);
    free(err_buf);
    env = (struct xe_env){
        .out = open_memstream(&out_buf, &ol),
        .err = open_memstream(&err_buf, &el),
        .argv0 = "xe",
        .extra_args = extra,
        .hostname = "dom0.example",
        .is_root = root,
        .table = table,
        .handlers = own_table ? handlers : NULL,
    };
    status = xe_run(&env, n, v);
    fclose(env.out);
    fclose(env.err);
    return status;
}

START_TEST(test_run_usage_and_version)
{
    ck_assert_int_eq(xe(NULL), 0);
    ck_assert_str_eq(out_buf, "");
    ck_assert_ptr_nonnull(strstr(err_buf, "Usage: xe <cmd> [-s server]"));
    ck_assert_int_eq(xe("pif-list", "--help", NULL), 0);
    ck_assert_ptr_nonnull(strstr(err_buf, "Usage: xe <cmd>"));
    ck_assert_int_eq(xe("-version", NULL), 0);
    ck_assert_str_eq(out_buf, "xe (" PACKAGE_NAME ") " PACKAGE_VERSION "\n");
}
END_TEST

START_TEST(test_run_parse_errors)
{
    ck_assert_int_eq(xe("name-label=x", NULL), 1);
    ck_assert_str_eq(err_buf, "Syntax error: command name is missing\n"
                              "For usage run: 'xe help'\n");
    ck_assert_int_eq(xe("-p", "x", "pif-list", NULL), 1);
    ck_assert_ptr_nonnull(strstr(err_buf, "Port number must be an integer "
                                          "(0-65535)\nUsage: xe <cmd>"));
    ck_assert_int_eq(xe("pif-list", "-z", "1", NULL), 1);
    ck_assert_str_eq(err_buf, "Syntax error: Unknown switch: -z\n"
                              "For usage run: 'xe help'\n");
    ck_assert_str_eq(out_buf, "");
}
END_TEST

START_TEST(test_run_unknown_and_missing)
{
    ck_assert_int_eq(xe("nope", "uuid=x", NULL), 1);
    ck_assert_str_eq(out_buf, "");
    ck_assert_str_eq(err_buf, "Unknown command: nope\n"
                              "For usage run: 'xe help'\n");
    /* the first missing one, in the order xe lists them */
    ck_assert_int_eq(xe("vif-create", "vm-uuid=x", NULL), 1);
    ck_assert_str_eq(err_buf, "Required parameter not found: device\n"
                              "For usage run: 'xe help'\n");
    /* an empty value is a value */
    ck_assert_int_eq(xe("network-create", "name-label=", NULL), 0);
}
END_TEST

START_TEST(test_run_duplicates)
{
    /* the first wins, as xe's List.assoc */
    ck_assert_int_eq(xe("network-create", "name-label=a", "name-label=b",
                        NULL), 0);
    /* list filters may repeat, unknown parameters too */
    ck_assert_int_eq(xe("network-list", "uuid=a", "uuid=b", NULL), 1);
    ck_assert_ptr_nonnull(strstr(err_buf, "The function is not implemented"));
    ck_assert_int_eq(xe("network-create", "name-label=a", "x=1", "x=2",
                        NULL), 0);
}
END_TEST

START_TEST(test_run_root_only)
{
    root = false;
    ck_assert_int_eq(xe("network-sriov-create", "pif-uuid=p",
                        "network-uuid=n", NULL), 1);
    ck_assert_str_eq(err_buf,
                     "Only the local superuser can perform this operation.\n"
                     "msg: network-sriov-create changes the host: run it as "
                     "root (uid 0), for example with sudo\n");
    /* parameters are checked first, as xe checks them before logging in */
    ck_assert_int_eq(xe("network-sriov-create", NULL), 1);
    ck_assert_str_eq(err_buf, "Required parameter not found: pif-uuid\n"
                              "For usage run: 'xe help'\n");
    /* reading needs no root */
    ck_assert_int_eq(xe("network-sriov-list", NULL), 1);
    ck_assert_str_eq(err_buf, "The function is not implemented\n"
                              "function: network-sriov-list\n");
    ck_assert_int_eq(xe("help", "network-sriov-create", NULL), 0);
    root = true;
    ck_assert_int_eq(xe("network-sriov-create", "pif-uuid=p",
                        "network-uuid=n", NULL), 1);
    ck_assert_str_eq(err_buf, "The function is not implemented\n"
                              "function: network-sriov-create\n");
}
END_TEST

START_TEST(test_run_handler_output_and_errors)
{
    ck_assert_int_eq(xe("network-create", "name-label=x", NULL), 0);
    ck_assert_str_eq(out_buf, "a,b\n");
    ck_assert_str_eq(err_buf, "");
    ck_assert_int_eq(xe("network-create", "name-label=x", "--minimal", NULL),
                     0);
    ck_assert_str_eq(out_buf, "a\\,b\n");
    ck_assert_int_eq(xe("network-create", "name-label=fail", NULL), 1);
    ck_assert_str_eq(out_buf, "");
    ck_assert_str_eq(err_buf, "The value given is invalid\n"
                              "field: name_label\nvalue: fail\n");
    /* a handler that forgets to say why still gives a reason */
    ck_assert_int_eq(xe("network-create", "name-label=eio", NULL), 1);
    ck_assert_str_eq(err_buf, "The server failed to handle your request, due "
                     "to an internal error. The given message may give "
                     "details useful for debugging the problem.\n"
                     "message: network-create: Input/output error\n");
    ck_assert_int_eq(xe("network-create", "name-label=x", "minimal=maybe",
                        NULL), 1);
    ck_assert_str_eq(err_buf, "Error: Failed to parse parameter 'minimal': "
                     "expecting a boolean (true or false), got 'maybe'\n");
}
END_TEST

START_TEST(test_run_servers)
{
    ck_assert_int_eq(xe("-s", "127.0.0.1", "network-create", "name-label=x",
                        NULL), 0);
    ck_assert_int_eq(xe("-h", "DOM0.example", "-u", "root", "-pw", "pw",
                        "network-create", "name-label=x", NULL), 0);
    ck_assert_int_eq(xe("network-create", "name-label=x",
                        "server=pool.example", NULL), 1);
    ck_assert_str_eq(err_buf, "Error: cannot manage pool.example from here: "
                     "this xe manages the host it runs on; run it there, "
                     "without -s\n");
    ck_assert(!xe_server_is_local("10.0.0.1", NULL));
    ck_assert(xe_server_is_local(NULL, NULL));
}
END_TEST

START_TEST(test_run_ignored_params)
{
    ck_assert_int_eq(xe("network-create", "name-label=x", "colour=red",
                        "other-config:a=1", NULL), 0);
    ck_assert_str_eq(err_buf, "");
    ck_assert_int_eq(xe("network-create", "name-label=x", "colour=red",
                        "MTU=9000", "--minimal",
                        "report-ignored-params=warn", NULL), 0);
    /* MTU is declared, even if this handler does not read it */
    ck_assert_str_eq(err_buf, "Ignored parameter: colour\n");
    extra = "report-ignored-params=warn";
    ck_assert_int_eq(xe("network-sriov-list", "colour=red", NULL), 1);
    ck_assert_str_eq(err_buf, "The function is not implemented\n"
                              "function: network-sriov-list\n");
    ck_assert_int_eq(xe("vif-plug", "uuid=u", "force=true", "x", NULL), 1);
    ck_assert_str_eq(err_buf, "Ignored parameter: x\n"
                              "The function is not implemented\n"
                              "function: vif-plug\n");
    extra = NULL;
    ck_assert_int_eq(xe("vif-plug", "uuid=u", "report-ignored-params=loud",
                        NULL), 1);
    ck_assert_str_eq(err_buf, "Error: Failed to parse parameter "
                     "'report-ignored-params': expecting 'warn' or 'ignore', "
                     "got 'loud'\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xe-run");
    TCase *tcs[] = { tcase_create("run"), tcase_create("own-table") };
    SRunner *sr;
    int failed;

    /* own-table last: its setup stays set in one process (CK_FORK=no). */
    tcase_add_checked_fixture(tcs[0], setup, teardown);
    tcase_add_checked_fixture(tcs[1], setup_own, teardown);
    for (size_t i = 0; i < sizeof(tcs) / sizeof(tcs[0]); i++) {
        TCase *tc = tcs[i];

        tcase_add_test(tc, test_run_usage_and_version);
        tcase_add_test(tc, test_run_parse_errors);
        tcase_add_test(tc, test_run_unknown_and_missing);
        tcase_add_test(tc, test_run_duplicates);
        tcase_add_test(tc, test_run_root_only);
        tcase_add_test(tc, test_run_handler_output_and_errors);
        tcase_add_test(tc, test_run_servers);
        tcase_add_test(tc, test_run_ignored_params);
        suite_add_tcase(s, tc);
    }
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
