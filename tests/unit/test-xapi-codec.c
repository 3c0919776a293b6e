/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* XML-RPC and JSON-RPC codecs: round trips, XAPI's shapes, hostile input. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "libsriov/macro.h"
#include "api/jsonrpc.h"
#include "api/xmlrpc.h"

/* A value with every type, nested. */
static struct xv *sample(void)
{
    struct xv *s = xv_new_struct(), *a = xv_new_array(), *in;

    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(xv_struct_set_string(s, "str", "a & <b> \"c\""), 0);
    ck_assert_int_eq(xv_struct_set_string(s, "empty", ""), 0);
    ck_assert_int_eq(xv_struct_set_int(s, "big", -9007199254740993LL), 0);
    ck_assert_int_eq(xv_struct_set_bool(s, "t", true), 0);
    ck_assert_int_eq(xv_struct_set(s, "d", xv_new_double(60.1)), 0);
    ck_assert_int_eq(xv_struct_set(s, "nil", xv_new_nil()), 0);
    in = xv_new_struct();
    ck_assert_int_eq(xv_struct_set_string(in, "k", "v"), 0);
    ck_assert_int_eq(xv_array_append(a, in), 0);
    ck_assert_int_eq(xv_array_append(a, xv_new_array()), 0);
    ck_assert_int_eq(xv_struct_set(s, "arr", a), 0);
    return s;
}

START_TEST(test_xapi_codec_xmlrpc_round_trip)
{
    struct xv *v = sample(), *params = xv_new_array(), *got = NULL;
    char *out = NULL, *method = NULL, *error = NULL;
    size_t len;
    int64_t i;

    ck_assert_int_eq(xv_array_append(params, xv_copy(v)), 0);
    ck_assert_int_eq(xmlrpc_format_call("x.y", params, &out, &len), 0);
    ck_assert_uint_eq(strlen(out), len);
    xv_free(params);
    ck_assert_int_eq(xmlrpc_parse_call(out, len, &method, &params, &error),
                     0);
    ck_assert_str_eq(method, "x.y");
    ck_assert_uint_eq(params->a.n, 1);
    got = params->a.items[0];
    /* Ints travel as decimal strings (XAPI's int64), the rest exactly. */
    ck_assert_int_eq(xv_struct_get(got, "big")->type, XV_STRING);
    ck_assert_int_eq(xv_get_int(xv_struct_get(got, "big"), &i), 0);
    ck_assert(i == -9007199254740993LL);
    ck_assert_int_eq(xv_struct_set_int(got, "big", i), 0);
    ck_assert(xv_equal(v, got));
    free(out);
    free(method);
    xv_free(params);
    xv_free(v);
}
END_TEST

START_TEST(test_xapi_codec_xmlrpc_reply_shape)
{
    struct xv *s = xv_new_struct(), *c = xv_new_struct();
    char *out = NULL;
    size_t len;

    ck_assert_int_eq(xv_struct_set_string(s, "Status", "Success"), 0);
    ck_assert_int_eq(xv_struct_set(c, "pool", xv_new_i4(1)), 0);
    ck_assert_int_eq(xv_struct_set(s, "Value", c), 0);
    ck_assert_int_eq(xmlrpc_format_response(s, &out, &len), 0);
    /* Compact, declaration first, bare strings, i4 for int32 counts. */
    ck_assert_str_eq(out, "<?xml version=\"1.0\"?><methodResponse><params>"
                     "<param><value><struct><member><name>Status</name>"
                     "<value>Success</value></member><member><name>Value"
                     "</name><value><struct><member><name>pool</name>"
                     "<value><i4>1</i4></value></member></struct></value>"
                     "</member></struct></value></param></params>"
                     "</methodResponse>");
    free(out);
    xv_free(s);
}
END_TEST

START_TEST(test_xapi_codec_xmlrpc_hostile_input)
{
    static const char *const bad[] = {
        "",
        "<methodCall>",
        "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY e SYSTEM "
        "\"file:///etc/passwd\">]><methodCall><methodName>&e;</methodName>"
        "</methodCall>",
        "<methodCall><methodName>a</methodName><params><param><value>"
        "<int>99999999999999999999</int></value></param></params>"
        "</methodCall>",
        "<methodCall><methodName>a</methodName><params><param><value>"
        "<double>nan</double></value></param></params></methodCall>",
        "<methodCall><methodName>a</methodName><params>text</params>"
        "</methodCall>",
        "<methodCall><methodName></methodName></methodCall>",
        "<methodCall><methodName>a</methodName><params><param><value>"
        "<struct><member><value>x</value></member></struct></value></param>"
        "</params></methodCall>",
        "<methodCall><methodName>a</methodName><params><param><value>"
        "<blob>1</blob></value></param></params></methodCall>",
    };
    char *method = NULL, *error = NULL, *deep;
    struct xv *params = NULL;
    size_t k, n;

    for (k = 0; k < ELEMENTSOF(bad); k++) {
        ck_assert_msg(xmlrpc_parse_call(bad[k], strlen(bad[k]), &method,
                                        &params, &error) == -EBADMSG,
                      "accepted: %s", bad[k]);
        ck_assert_ptr_nonnull(error);
        ck_assert_ptr_null(strchr(error, '\n'));
        ck_assert_ptr_null(method);
        ck_assert_ptr_null(params);
        free(error);
        error = NULL;
    }
    /* Nesting past the limit is refused, not recursed into. */
    deep = malloc(200000);
    ck_assert_ptr_nonnull(deep);
    n = (size_t)sprintf(deep, "<methodCall><methodName>a</methodName>"
                        "<params><param>");
    for (k = 0; k < XMLRPC_MAX_DEPTH + 5; k++)
        n += (size_t)sprintf(deep + n, "<value><array><data>");
    for (k = 0; k < XMLRPC_MAX_DEPTH + 5; k++)
        n += (size_t)sprintf(deep + n, "</data></array></value>");
    n += (size_t)sprintf(deep + n, "</param></params></methodCall>");
    ck_assert_int_eq(xmlrpc_parse_call(deep, n, &method, &params, &error),
                     -EBADMSG);
    ck_assert_ptr_nonnull(strstr(error, "nested deeper"));
    free(error);
    free(deep);
}
END_TEST

START_TEST(test_xapi_codec_xmlrpc_response_parse)
{
    static const char fault[] =
        "<?xml version=\"1.0\"?><methodResponse><fault><value><struct>"
        "<member><name>faultCode</name><value><int>4</int></value></member>"
        "</struct></value></fault></methodResponse>";
    struct xv *v = NULL;
    char *error = NULL;
    int64_t i;

    ck_assert_int_eq(xmlrpc_parse_response(fault, strlen(fault), &v,
                                           &error), 0);
    ck_assert_int_eq(xv_get_int(xv_struct_get(v, "faultCode"), &i), 0);
    ck_assert_int_eq(i, 4);
    xv_free(v);
}
END_TEST

START_TEST(test_xapi_codec_json_envelopes)
{
    struct xv *id = xv_new_int(0), *res = xv_new_string("r");
    char *params[] = { "a", "b" };
    char *out = NULL;
    size_t len;

    ck_assert_int_eq(jsonrpc_format_result(2, id, res, &out, &len), 0);
    ck_assert_str_eq(out, "{\"jsonrpc\":\"2.0\",\"result\":\"r\",\"id\":0}");
    free(out);
    ck_assert_int_eq(jsonrpc_format_result(1, id, res, &out, &len), 0);
    ck_assert_str_eq(out, "{\"result\":\"r\",\"error\":null,\"id\":0}");
    free(out);
    ck_assert_int_eq(jsonrpc_format_error(2, id, 1, "E", params, 2, &out,
                                          &len), 0);
    ck_assert_str_eq(out, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,"
                     "\"message\":\"E\",\"data\":[\"a\",\"b\"]},\"id\":0}");
    free(out);
    ck_assert_int_eq(jsonrpc_format_error(1, id, 1, "E", params, 2, &out,
                                          &len), 0);
    ck_assert_str_eq(out, "{\"result\":null,\"error\":[\"E\",\"a\",\"b\"],"
                     "\"id\":0}");
    free(out);
    xv_free(id);
    xv_free(res);
}
END_TEST

START_TEST(test_xapi_codec_json_request)
{
    static const char req[] =
        "{\"id\":\"x\",\"jsonrpc\":\"2.0\",\"method\":\"event.from\","
        "\"params\":[\"s\",[\"pool\"],\"\",60.1]}\n";
    static const char nul_method[] =
        "{\"id\":0,\"method\":\"\\u0000s\",\"params\":[]}";
    static const char bad_utf8[] = "{\"id\":1,\"method\":\"\xff\"}";
    struct jsonrpc_request r;
    char *error = NULL, *deep;
    double d;
    size_t k, n;

    ck_assert_int_eq(jsonrpc_parse_request(req, strlen(req), &r, &error), 0);
    ck_assert_int_eq(r.version, 2);
    ck_assert_str_eq(r.method, "event.from");
    ck_assert_str_eq(r.id->s, "x");
    ck_assert_uint_eq(r.params->a.n, 4);
    ck_assert_int_eq(xv_get_double(r.params->a.items[3], &d), 0);
    ck_assert(d == 60.1);
    jsonrpc_request_dispose(&r);

    deep = malloc(1000);
    ck_assert_ptr_nonnull(deep);
    n = (size_t)sprintf(deep, "{\"id\":1,\"method\":\"m\",\"params\":");
    for (k = 0; k < JSONRPC_MAX_DEPTH + 5; k++)
        deep[n++] = '[';
    for (k = 0; k < JSONRPC_MAX_DEPTH + 5; k++)
        deep[n++] = ']';
    deep[n++] = '}';
    ck_assert_int_eq(jsonrpc_parse_request(deep, n, &r, &error), -EBADMSG);
    ck_assert_ptr_nonnull(error);
    free(error);
    jsonrpc_request_dispose(&r);
    free(deep);

    /* A method name with a NUL in it is refused (found by fuzzing). */
    ck_assert_int_eq(jsonrpc_parse_request(nul_method, strlen(nul_method),
                                           &r, &error), -EBADMSG);
    free(error);
    jsonrpc_request_dispose(&r);

    /* Invalid UTF-8 is refused. */
    ck_assert_int_eq(jsonrpc_parse_request(bad_utf8, strlen(bad_utf8), &r,
                                           &error), -EBADMSG);
    free(error);
    jsonrpc_request_dispose(&r);
}
END_TEST

START_TEST(test_xapi_codec_doubles_stay_doubles)
{
    struct xv *p = xv_new_array(), *id = xv_new_int(1);
    struct jsonrpc_request r;
    char buf[32], *out = NULL, *error = NULL;
    size_t len;

    xv_format_double(60.1, buf);
    ck_assert_str_eq(buf, "60.1");
    xv_format_double(60.0, buf);
    ck_assert_str_eq(buf, "60.0");
    xv_format_double(1e300, buf);
    ck_assert_str_eq(buf, "1e+300");
    /* 60. must come back as a double, not as the int 60. */
    ck_assert_int_eq(xv_array_append(p, xv_new_double(60.0)), 0);
    ck_assert_int_eq(jsonrpc_format_request(2, id, "m", p, &out, &len), 0);
    ck_assert_int_eq(jsonrpc_parse_request(out, len, &r, &error), 0);
    ck_assert_int_eq(r.params->a.items[0]->type, XV_DOUBLE);
    jsonrpc_request_dispose(&r);
    free(out);
    xv_free(p);
    xv_free(id);
}
END_TEST

START_TEST(test_xapi_codec_value_reads)
{
    struct xv *s = xv_new_string("42"), *bad = xv_new_string("4x");
    int64_t i = 7;
    double d;

    ck_assert_int_eq(xv_get_int(s, &i), 0);
    ck_assert_int_eq(i, 42);
    ck_assert_int_eq(xv_get_int(bad, &i), -EINVAL);
    ck_assert_int_eq(i, 42);
    ck_assert_int_eq(xv_get_double(s, &d), 0);
    ck_assert(d == 42.0);
    ck_assert_int_eq(xv_array_append(s, xv_new_nil()), -EINVAL);
    ck_assert_int_eq(xv_struct_set(NULL, "x", xv_new_nil()), -EINVAL);
    ck_assert_int_eq(xv_array_append(bad, NULL), -ENOMEM);
    xv_free(s);
    xv_free(bad);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xapi-codec");
    TCase *tc = tcase_create("codec");
    SRunner *sr;
    int failed;

    xmlInitParser();
    tcase_add_test(tc, test_xapi_codec_xmlrpc_round_trip);
    tcase_add_test(tc, test_xapi_codec_xmlrpc_reply_shape);
    tcase_add_test(tc, test_xapi_codec_xmlrpc_hostile_input);
    tcase_add_test(tc, test_xapi_codec_xmlrpc_response_parse);
    tcase_add_test(tc, test_xapi_codec_json_envelopes);
    tcase_add_test(tc, test_xapi_codec_json_request);
    tcase_add_test(tc, test_xapi_codec_doubles_stay_doubles);
    tcase_add_test(tc, test_xapi_codec_value_reads);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    xmlCleanupParser();
    return failed ? 1 : 0;
}
