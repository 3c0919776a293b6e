/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xe's printer: record layout, lists, --minimal, write errors. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xe/printer.h"

static char *out_buf, *err_buf;
static size_t out_len, err_len;
static FILE *out, *err;
static struct xe_printer p;

static void open_streams(bool minimal)
{
    out = open_memstream(&out_buf, &out_len);
    err = open_memstream(&err_buf, &err_len);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    xe_printer_init(&p, out, err, minimal);
}

static void close_streams(void)
{
    xe_printer_done(&p);
    fclose(out);
    fclose(err);
    free(out_buf);
    free(err_buf);
    out_buf = err_buf = NULL;
}

static const struct xe_row sriov_rows[] = {
    { "uuid ( RO)", "9a3c54b2-0d55-6a4e-4c3b-2f1c3e0a9b11" },
    { "physical-PIF ( RO)", "6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c" },
    { "logical-PIF ( RO)", "0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5" },
    { "requires-reboot ( RO)", "false" },
    { "remaining-capacity ( RO)", "6" },
};

/* notes/xe-reference.md 2.3: the layout computed with xe's rules. */
START_TEST(test_xe_printer_record_layout)
{
    struct xe_table_record rec = { sriov_rows, 5 };

    open_streams(false);
    ck_assert_int_eq(xe_print_table(&p, &rec, 1), 0);
    ck_assert_int_eq(xe_printer_flush(&p), 0);
    ck_assert_str_eq(out_buf,
        "uuid ( RO)                  : 9a3c54b2-0d55-6a4e-4c3b-2f1c3e0a9b11\n"
        "          physical-PIF ( RO): 6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c\n"
        "           logical-PIF ( RO): 0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5\n"
        "       requires-reboot ( RO): false\n"
        "    remaining-capacity ( RO): 6\n"
        "\n\n");
    ck_assert_str_eq(err_buf, "");
    close_streams();
}
END_TEST

START_TEST(test_xe_printer_padding_per_record)
{
    static const struct xe_row r1[] = {
        { "uuid ( RO)", "a" }, { "requires-reboot ( RO)", "true" },
    };
    static const struct xe_row r2[] = { { "uuid ( RO)", "b" } };
    struct xe_table_record recs[] = { { r1, 2 }, { r2, 1 }, { NULL, 0 } };

    open_streams(false);
    ck_assert_int_eq(xe_print_table(&p, recs, 3), 0);
    xe_printer_flush(&p);
    /* each record pads to its own longest key; an empty one is "\n\n\n" */
    ck_assert_str_eq(out_buf,
                     "uuid ( RO)               : a\n"
                     "    requires-reboot ( RO): true\n\n\n"
                     "uuid ( RO)    : b\n\n\n"
                     "\n\n\n");
    close_streams();
}
END_TEST

START_TEST(test_xe_printer_empty_value_keeps_space)
{
    static const struct xe_row rows[] = {
        { "reqd params     ", "" }, { "description     ", "x" },
    };
    struct xe_table_record rec = { rows, 2 };
    char *text = xe_format_record(&rec);

    ck_assert_str_eq(text, "reqd params         : \n"
                           "    description     : x\n");
    free(text);
}
END_TEST

START_TEST(test_xe_printer_list_msg_stderr)
{
    const char *items[] = { "a,b", "c" };

    open_streams(false);
    ck_assert_int_eq(xe_print_list(&p, items, 2), 0);
    ck_assert_int_eq(xe_print_msg(&p, "msg"), 0);
    ck_assert_int_eq(xe_print_stderr(&p, "warn"), 0);
    ck_assert_int_eq(xe_printer_flush(&p), 0);
    ck_assert_str_eq(out_buf, "a,b\nc\nmsg\n");
    ck_assert_str_eq(err_buf, "warn\n");
    close_streams();
}
END_TEST

START_TEST(test_xe_printer_minimal)
{
    static const struct xe_row r1[] = { { "uuid ( RO)", "u1" },
                                        { "x ( RO)", "y" } };
    static const struct xe_row r2[] = { { "uuid ( RO)", "a,b\\c" } };
    struct xe_table_record recs[] = { { r1, 2 }, { r2, 1 } };

    open_streams(true);
    ck_assert_int_eq(xe_print_table(&p, recs, 2), 0);
    ck_assert_int_eq(xe_print_msg(&p, "dropped"), 0);
    ck_assert_int_eq(xe_print_stderr(&p, "dropped"), 0);
    fflush(out);
    fflush(err);
    ck_assert_str_eq(out_buf, "");
    ck_assert_int_eq(xe_printer_flush(&p), 0);
    ck_assert_str_eq(out_buf, "u1,a\\,b\\\\c\n");
    ck_assert_str_eq(err_buf, "");
    close_streams();
}
END_TEST

START_TEST(test_xe_printer_minimal_empty_and_order)
{
    const char *one[] = { "1" }, *two[] = { "2", "3" };

    open_streams(true);
    ck_assert_int_eq(xe_print_table(&p, NULL, 0), 0);
    ck_assert_int_eq(xe_printer_flush(&p), 0);
    /* nothing printed: still one (empty) line */
    ck_assert_str_eq(out_buf, "\n");
    close_streams();

    open_streams(true);
    xe_print_list(&p, one, 1);
    xe_print_list(&p, two, 2);
    xe_printer_flush(&p);
    /* xe prepends each chunk to its buffer */
    ck_assert_str_eq(out_buf, "2,3,1\n");
    close_streams();
}
END_TEST

START_TEST(test_xe_printer_escape)
{
    char *s = xe_escape_commas("a,\\,");

    ck_assert_str_eq(s, "a\\,\\\\\\,");
    free(s);
}
END_TEST

START_TEST(test_xe_printer_write_error)
{
    FILE *full = fopen("/dev/full", "we");
    const char *items[] = { "x" };

    ck_assert_ptr_nonnull(full);
    xe_printer_init(&p, full, full, false);
    xe_print_list(&p, items, 1);
    ck_assert_int_eq(xe_printer_flush(&p), -ENOSPC);
    xe_printer_done(&p);
    fclose(full);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xe-printer");
    TCase *tc = tcase_create("printer");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_xe_printer_record_layout);
    tcase_add_test(tc, test_xe_printer_padding_per_record);
    tcase_add_test(tc, test_xe_printer_empty_value_keeps_space);
    tcase_add_test(tc, test_xe_printer_list_msg_stderr);
    tcase_add_test(tc, test_xe_printer_minimal);
    tcase_add_test(tc, test_xe_printer_minimal_empty_and_order);
    tcase_add_test(tc, test_xe_printer_escape);
    tcase_add_test(tc, test_xe_printer_write_error);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
