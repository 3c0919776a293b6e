/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Failures printed as xe prints them, and the XenAPI error table. */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xe/cli-error.h"
#include "xe/errprint.h"
#include "ops/xapi-errors.h"

static char *buf;
static size_t len;

/* Print err (code + NULL-terminated params) and return the text. */
static const char *print(xe_describe_fn describe, const char *code, ...)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    FILE *f;
    va_list ap;
    const char *p;

    va_start(ap, code);
    err.code = strdup(code);
    while ((p = va_arg(ap, const char *)) != NULL)
        err.params[err.n_params++] = strdup(p);
    va_end(ap);
    free(buf);
    f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(xe_error_print(f, &err, describe, NULL), 0);
    fclose(f);
    xapi_error_clear(&err);
    return buf;
}

START_TEST(test_errprint_known_code)
{
    ck_assert_str_eq(print(NULL, XAPI_UUID_INVALID, "network_sriov", "nope",
                           NULL),
                     "The uuid you supplied was invalid.\n"
                     "type: network_sriov\n"
                     "uuid: nope\n");
    ck_assert_str_eq(print(NULL, XAPI_PIF_IS_NOT_SRIOV_CAPABLE, "p-uuid",
                           NULL),
                     "The selected PIF is not capable of network SR-IOV\n"
                     "PIF: p-uuid\n");
    ck_assert_str_eq(print(NULL, XAPI_NO_HOSTS_AVAILABLE, NULL),
                     "There were no servers available to complete the "
                     "specified operation.\n");
}
END_TEST

START_TEST(test_errprint_missing_and_extra_params)
{
    ck_assert_str_eq(print(NULL, XAPI_NETWORK_SRIOV_ENABLE_FAILED, "p", NULL),
                     "Failed to enable SR-IOV on PIF\n"
                     "PIF: p\n"
                     "msg: <unknown>\n");
    ck_assert_str_eq(print(NULL, XAPI_PIF_SRIOV_STILL_EXISTS, "p", "x", "y",
                           NULL),
                     "The PIF is still related with a network SR-IOV\n"
                     "PIF: p\n"
                     "<extra>: x\n"
                     "<extra>: y\n");
}
END_TEST

START_TEST(test_errprint_unknown_code)
{
    ck_assert_str_eq(print(NULL, "SR_BACKEND_FAILURE_47", "a", "b", NULL),
                     "Error code: SR_BACKEND_FAILURE_47\n"
                     "Error parameters: a, b\n");
    ck_assert_str_eq(print(NULL, XE_ERR_MISSING_PARAMETER,
                           "configuration-mode", NULL),
                     "Error code: Missing parameter\n"
                     "Error parameters: configuration-mode\n");
    ck_assert_str_eq(print(NULL, "NOTHING", NULL),
                     "Error code: NOTHING\nError parameters: \n");
}
END_TEST

START_TEST(test_errprint_cli_errors)
{
    ck_assert_str_eq(print(NULL, XE_ERR_UNKNOWN_COMMAND, "foo", NULL),
                     "Unknown command: foo\nFor usage run: 'xe help'\n");
    ck_assert_str_eq(print(NULL, XE_ERR_PARAM_NOT_FOUND, "uuid", NULL),
                     "Required parameter not found: uuid\n"
                     "For usage run: 'xe help'\n");
    ck_assert_str_eq(print(NULL, XE_ERR_SYNTAX, "", NULL),
                     "Syntax error: \nFor usage run: 'xe help'\n");
    ck_assert_str_eq(print(NULL, XE_ERR_FAILURE, "Unknown field 'x'", NULL),
                     "Error: Unknown field 'x'\n");
    ck_assert_str_eq(print(NULL, XE_ERR_USAGE, "Port number must be an "
                           "integer (0-65535)", NULL),
                     "Port number must be an integer (0-65535)\n");
}
END_TEST

static char *describe(void *userdata, const char *value)
{
    char *s = NULL;

    if (strcmp(value, "net-uuid") == 0 &&
        asprintf(&s, "%s (%s)", value, "SR-IOV net") < 0)
        return NULL;
    return s;
}

START_TEST(test_errprint_describe_refs)
{
    /* xe shows object references as "uuid (name-label)" */
    ck_assert_str_eq(print(describe, XAPI_NETWORK_HAS_INCOMPATIBLE_SRIOV_PIFS,
                           "pif-uuid", "net-uuid", NULL),
                     "The PIF is not compatible with the selected SR-IOV "
                     "network\n"
                     "PIF: pif-uuid\n"
                     "network: net-uuid (SR-IOV net)\n");
}
END_TEST

START_TEST(test_error_table_sorted_and_complete)
{
    static const char *const wanted[] = {
        XAPI_UUID_INVALID, XAPI_HANDLE_INVALID, XAPI_PIF_IS_NOT_PHYSICAL,
        XAPI_PIF_IS_NOT_SRIOV_CAPABLE, XAPI_NETWORK_SRIOV_ALREADY_ENABLED,
        XAPI_NETWORK_SRIOV_ENABLE_FAILED, XAPI_NETWORK_SRIOV_DISABLE_FAILED,
        XAPI_NETWORK_HAS_INCOMPATIBLE_SRIOV_PIFS,
        XAPI_NETWORK_HAS_INCOMPATIBLE_VLAN_ON_SRIOV_PIFS,
        XAPI_NETWORK_INCOMPATIBLE_WITH_SRIOV, XAPI_NETWORK_ALREADY_CONNECTED,
        XAPI_NETWORK_SRIOV_INSUFFICIENT_CAPACITY, XAPI_PIF_SRIOV_STILL_EXISTS,
        XAPI_VM_HAS_SRIOV_VIF, XAPI_VM_HAS_PCI_ATTACHED,
        XAPI_OPERATION_NOT_ALLOWED, XAPI_INTERNAL_ERROR,
        XAPI_PERMISSION_DENIED, XAPI_USER_IS_NOT_LOCAL_SUPERUSER,
        XAPI_MAP_DUPLICATE_KEY, XAPI_INVALID_VALUE, XAPI_VALUE_NOT_SUPPORTED,
        XAPI_NETWORK_CONTAINS_VIF, XAPI_NETWORK_CONTAINS_PIF,
        XAPI_DEVICE_ALREADY_EXISTS, XAPI_NOT_IMPLEMENTED, XAPI_MAC_INVALID,
    };

    for (size_t i = 1; i < xapi_n_error_infos; i++)
        ck_assert_msg(strcmp(xapi_error_infos[i - 1].code,
                             xapi_error_infos[i].code) < 0,
                      "%s is out of order", xapi_error_infos[i].code);
    for (size_t i = 0; i < xapi_n_error_infos; i++) {
        const struct xapi_error_info *e = &xapi_error_infos[i];

        ck_assert_ptr_eq(xapi_error_info_find(e->code), e);
        ck_assert(e->doc[0] != '\0');
        for (const char *c = e->code; *c; c++)
            ck_assert(isupper((unsigned char)*c) || *c == '_');
    }
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
        ck_assert_msg(xapi_error_info_find(wanted[i]), "%s missing",
                      wanted[i]);
    ck_assert_ptr_null(xapi_error_info_find("NOPE"));
    ck_assert_ptr_null(xapi_error_info_find(NULL));
    ck_assert_uint_eq(xapi_error_info_n_params(
                          xapi_error_info_find(XAPI_MAP_DUPLICATE_KEY)), 4);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xe-errprint");
    TCase *tc = tcase_create("errprint");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_errprint_known_code);
    tcase_add_test(tc, test_errprint_missing_and_extra_params);
    tcase_add_test(tc, test_errprint_unknown_code);
    tcase_add_test(tc, test_errprint_cli_errors);
    tcase_add_test(tc, test_errprint_describe_refs);
    tcase_add_test(tc, test_error_table_sorted_and_complete);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free(buf);
    return failed ? 1 : 0;
}
