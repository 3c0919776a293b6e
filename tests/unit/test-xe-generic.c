/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generic *-list, *-param-list/get and the param-set/add/remove/clear plans. */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xe/cli-error.h"
#include "xe/generic.h"
#include "ops/xapi-errors.h"

#define U1 "9a3c54b2-0d55-6a4e-4c3b-2f1c3e0a9b11"
#define U2 "1f2e3d4c-5b6a-7988-a7b6-c5d4e3f2a1b0"
#define P1 "6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c"
#define L1 "0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5"

static struct xe_record *recs[3];
static size_t n_recs;
static struct xe_args args;
static struct xapi_error err;
static char *out_buf, *err_buf;
static size_t out_len, err_len;
static int computed;

static int capacity(void *ud, const struct xe_record *rec,
                    const struct xe_field_def *f, struct xe_value *out)
{
    computed++;
    return xe_value_set_text(out, ud);
}

static struct xe_record *sriov(const char *uuid, const char *reboot,
                               const char *mode, const char *cap)
{
    struct xe_record *r;

    ck_assert_int_eq(xe_record_new(&r, &xe_class_network_sriov), 0);
    xe_record_set(r, "uuid", uuid);
    xe_record_set(r, "physical-PIF", P1);
    xe_record_set(r, "logical-PIF", L1);
    xe_record_set(r, "requires-reboot", reboot);
    xe_record_set(r, "configuration-mode", mode);
    r->compute = capacity;
    r->compute_userdata = (void *)cap;
    return r;
}

static void setup(void)
{
    recs[0] = sriov(U1, "false", "sysfs", "6");
    recs[1] = sriov(U2, "true", "modprobe", "0");
    n_recs = 2;
    args = (struct xe_args)XE_ARGS_INIT;
    err = (struct xapi_error)XAPI_ERROR_INIT;
    computed = 0;
}

static void teardown(void)
{
    for (size_t i = 0; i < n_recs; i++)
        recs[i] = xe_record_free(recs[i]);
    xe_args_done(&args);
    xapi_error_clear(&err);
    free(out_buf);
    free(err_buf);
    out_buf = err_buf = NULL;
}

/* Parse "xe cmd args..." into args. */
static void parse(const char *cmd, ...)
{
    char *v[32] = { "xe", (char *)cmd };
    int n = 2;
    va_list ap;
    const char *s;

    va_start(ap, cmd);
    while ((s = va_arg(ap, const char *)) != NULL)
        v[n++] = (char *)s;
    va_end(ap);
    xe_args_done(&args);
    ck_assert_int_eq(xe_args_parse(&args, n, v, NULL, &err), 0);
}

enum what { LIST, PARAM_LIST, PARAM_GET };

/* Run one printing operation; return its status, output in out_buf. */
static int run(enum what w, bool minimal)
{
    FILE *out, *e;
    struct xe_printer p;
    int r;

    free(out_buf);
    free(err_buf);
    out = open_memstream(&out_buf, &out_len);
    e = open_memstream(&err_buf, &err_len);
    xe_printer_init(&p, out, e, minimal);
    xapi_error_clear(&err);
    if (w == LIST)
        r = xe_generic_list(&xe_class_network_sriov, recs, n_recs, &args,
                            &p, &err);
    else if (w == PARAM_LIST)
        r = xe_generic_param_list(recs[0], &p, &err);
    else
        r = xe_generic_param_get(recs[0], &args, &p, &err);
    if (r >= 0)
        xe_printer_flush(&p);
    xe_printer_done(&p);
    fclose(out);
    fclose(e);
    return r;
}

START_TEST(test_generic_list_default_columns)
{
    parse("network-sriov-list", NULL);
    ck_assert_int_eq(run(LIST, false), 0);
    /* xe's default columns match uuid and requires-reboot only */
    ck_assert_str_eq(out_buf,
                     "uuid ( RO)               : " U1 "\n"
                     "    requires-reboot ( RO): false\n\n\n"
                     "uuid ( RO)               : " U2 "\n"
                     "    requires-reboot ( RO): true\n\n\n");
    ck_assert_int_eq(computed, 0);
}
END_TEST

START_TEST(test_generic_list_params)
{
    parse("network-sriov-list", "params=configuration-mode,uuid,nope",
          NULL);
    ck_assert_int_eq(run(LIST, false), 0);
    /* record order, unknown names dropped */
    ck_assert_str_eq(out_buf,
                     "uuid ( RO)                  : " U1 "\n"
                     "    configuration-mode ( RO): sysfs\n\n\n"
                     "uuid ( RO)                  : " U2 "\n"
                     "    configuration-mode ( RO): modprobe\n\n\n");

    parse("network-sriov-list", "params=all", "uuid=" U1, NULL);
    ck_assert_int_eq(run(LIST, false), 0);
    ck_assert_str_eq(out_buf,
        "uuid ( RO)                  : " U1 "\n"
        "          physical-PIF ( RO): " P1 "\n"
        "           logical-PIF ( RO): " L1 "\n"
        "       requires-reboot ( RO): false\n"
        "    remaining-capacity ( RO): <expensive field>\n"
        "    configuration-mode ( RO): sysfs\n\n\n");

    parse("network-sriov-list", "params=", NULL);
    ck_assert_int_eq(run(LIST, false), 0);
    ck_assert_str_eq(out_buf, "\n\n\n\n\n\n");
}
END_TEST

START_TEST(test_generic_list_filters)
{
    parse("network-sriov-list", "requires-reboot=true", NULL);
    ck_assert_int_eq(run(LIST, true), 0);
    ck_assert_str_eq(out_buf, U2 "\n");

    /* the filter uses the real value of an expensive field */
    parse("network-sriov-list", "remaining-capacity=6", "--minimal", NULL);
    ck_assert_int_eq(run(LIST, true), 0);
    ck_assert_str_eq(out_buf, U1 "\n");

    /* --all prints every record whatever the filters */
    parse("network-sriov-list", "requires-reboot=true", "--all", NULL);
    ck_assert_int_eq(run(LIST, true), 0);
    ck_assert_str_eq(out_buf, U1 "," U2 "\n");

    /* exact match: case matters for fields that are not MAC */
    parse("network-sriov-list", "configuration-mode=SYSFS", NULL);
    ck_assert_int_eq(run(LIST, true), 0);
    ck_assert_str_eq(out_buf, "\n");
    parse("network-sriov-list", "configuration-mode=sysfs",
          "requires-reboot=true", NULL);
    ck_assert_int_eq(run(LIST, false), 0);
    ck_assert_str_eq(out_buf, "");
}
END_TEST

START_TEST(test_generic_list_filter_errors)
{
    parse("network-sriov-list", "colour=blue", NULL);
    ck_assert_int_eq(run(LIST, false), -EINVAL);
    ck_assert_str_eq(err.code, XE_ERR_FAILURE);
    ck_assert_str_eq(err.params[0], "Unknown field 'colour'");
    ck_assert_str_eq(out_buf, "");

    parse("network-sriov-list", "uuid:x=1", NULL);
    ck_assert_int_eq(run(LIST, false), -EINVAL);
    ck_assert_str_eq(err.params[0], "Field 'uuid' is not a set or map");

    /* no record left: xe checks no further filter */
    parse("network-sriov-list", "uuid=none", "colour=blue", NULL);
    ck_assert_int_eq(run(LIST, true), 0);
    ck_assert_str_eq(out_buf, "\n");

    parse("network-sriov-list", "all=maybe", NULL);
    ck_assert_int_eq(run(LIST, false), -EINVAL);
    ck_assert_str_eq(err.params[0], "Failed to parse parameter 'all': "
                     "Expected 'true','t','yes','y','1','false','f','no',"
                     "'n','0' got maybe");
}
END_TEST

START_TEST(test_generic_list_map_set_nocase_filters)
{
    const char *caps[] = { "sriov" }, *oc[] = { "vlan", "5" };
    struct xe_record *pifs[2];
    FILE *out, *e;
    struct xe_printer p;

    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(xe_record_new(&pifs[i], &xe_class_pif), 0);
        xe_record_set(pifs[i], "uuid", i ? U2 : U1);
        xe_record_set(pifs[i], "MAC", i ? "aa:bb:cc:dd:ee:02"
                                        : "AA:BB:CC:DD:EE:01");
        xe_record_set_items(pifs[i], "capabilities", caps, i ? 0 : 1);
        xe_record_set_items(pifs[i], "other-config", oc, i ? 1 : 0);
    }
    static const char *const filters[][2] = {
        { "MAC=aa:bb:cc:dd:ee:01", U1 },        /* MAC: no case */
        { "capabilities:contains=sriov", U1 },
        { "capabilities-contains=sriov", U1 },  /* xe's old syntax */
        { "capabilities=sriov", U1 },           /* displayed value */
        { "other-config:vlan=5", U2 },
        { "other-config-vlan=5", U2 },
        { "other-config:vlan=6", "" },
    };
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
        parse("pif-list", filters[i][0], NULL);
        free(out_buf);
        free(err_buf);
        out = open_memstream(&out_buf, &out_len);
        e = open_memstream(&err_buf, &err_len);
        xe_printer_init(&p, out, e, true);
        ck_assert_int_eq(xe_generic_list(&xe_class_pif, pifs, 2, &args, &p,
                                         &err), 0);
        xe_printer_flush(&p);
        xe_printer_done(&p);
        fclose(out);
        fclose(e);
        ck_assert_msg(strncmp(out_buf, filters[i][1],
                              strlen(filters[i][1])) == 0 &&
                      out_buf[strlen(filters[i][1])] == '\n',
                      "%s gave %s", filters[i][0], out_buf);
    }
    parse("pif-list", "capabilities:has=sriov", NULL);
    free(out_buf);
    out = open_memstream(&out_buf, &out_len);
    xe_printer_init(&p, out, out, true);
    ck_assert_int_eq(xe_generic_list(&xe_class_pif, pifs, 2, &args, &p,
                                     &err), -EINVAL);
    ck_assert_str_eq(err.params[0], "Invalid syntax for set filtering "
                     "(should be set-param:contains=key)");
    xe_printer_done(&p);
    fclose(out);
    for (int i = 0; i < 2; i++)
        xe_record_free(pifs[i]);
}
END_TEST

START_TEST(test_generic_param_list_and_get)
{
    ck_assert_int_eq(run(PARAM_LIST, false), 0);
    ck_assert_str_eq(out_buf,
        "uuid ( RO)                  : " U1 "\n"
        "          physical-PIF ( RO): " P1 "\n"
        "           logical-PIF ( RO): " L1 "\n"
        "       requires-reboot ( RO): false\n"
        "    remaining-capacity ( RO): 6\n"
        "    configuration-mode ( RO): sysfs\n\n\n");

    parse("network-sriov-param-get", "uuid=" U1,
          "param-name=remaining-capacity", NULL);
    ck_assert_int_eq(run(PARAM_GET, false), 0);
    ck_assert_str_eq(out_buf, "6\n");

    parse("network-sriov-param-get", "param-name=configuration-mode",
          "param-key=x", NULL);
    ck_assert_int_eq(run(PARAM_GET, false), 0);
    ck_assert_str_eq(out_buf, "sysfs\n");

    parse("network-sriov-param-get", "param-name=Physical-PIF", NULL);
    ck_assert_int_eq(run(PARAM_GET, false), -EINVAL);
    ck_assert_str_eq(err.code, XE_ERR_MISSING_PARAMETER);
    ck_assert_str_eq(err.params[0], "Physical-PIF");
}
END_TEST

/* A VIF record with a map, for param-get and the plans. */
static struct xe_record *vif(void)
{
    struct xe_record *r;
    const char *oc[] = { "vlan", "5", "trust", "a,b" };

    ck_assert_int_eq(xe_record_new(&r, &xe_class_vif), 0);
    xe_record_set(r, "uuid", U1);
    xe_record_set(r, "MTU", "1500");
    xe_record_set(r, "locking-mode", "network_default");
    xe_record_set_items(r, "other-config", oc, 2);
    xe_record_set_items(r, "qos_algorithm_params", NULL, 0);
    return r;
}

START_TEST(test_generic_param_get_map_key)
{
    struct xe_record *v = vif();

    recs[2] = recs[0];
    recs[0] = v;
    parse("vif-param-get", "param-name=other-config", "param-key=trust",
          NULL);
    ck_assert_int_eq(run(PARAM_GET, true), 0);
    ck_assert_str_eq(out_buf, "a\\,b\n");
    parse("vif-param-get", "param-name=other-config", NULL);
    ck_assert_int_eq(run(PARAM_GET, false), 0);
    ck_assert_str_eq(out_buf, "vlan: 5; trust: a,b\n");
    parse("vif-param-get", "param-name=other-config", "param-key=nope",
          NULL);
    ck_assert_int_eq(run(PARAM_GET, false), -EINVAL);
    ck_assert_str_eq(err.params[0], "Key nope not found in map");
    recs[0] = recs[2];
    recs[2] = NULL;
    xe_record_free(v);
}
END_TEST

static void check_change(const struct xe_plan *plan, size_t i,
                         enum xe_change_op op, const char *field,
                         const char *key, const char *value)
{
    const struct xe_change *c = &plan->changes[i];

    ck_assert_int_eq(c->op, op);
    ck_assert_str_eq(c->field->api_field, field);
    if (key)
        ck_assert_str_eq(c->key, key);
    else
        ck_assert_ptr_null(c->key);
    if (value)
        ck_assert_str_eq(c->value, value);
    else
        ck_assert_ptr_null(c->value);
}

START_TEST(test_generic_plan_param_set)
{
    struct xe_record *v = vif();
    struct xe_plan plan = XE_PLAN_INIT;

    parse("vif-param-set", "uuid=" U1, "locking-mode=locked",
          "other-config:vlan=7", "other-config-spoofchk=on",
          "qos_algorithm_type=", "--minimal", NULL);
    ck_assert_int_eq(xe_plan_param_set(v, &args, &plan, &err), 0);
    ck_assert_uint_eq(plan.n, 4);
    check_change(&plan, 0, XE_CHANGE_SET, "locking_mode", NULL, "locked");
    check_change(&plan, 1, XE_CHANGE_MAP_PUT, "other_config", "vlan", "7");
    check_change(&plan, 2, XE_CHANGE_MAP_PUT, "other_config", "spoofchk",
                 "on");
    check_change(&plan, 3, XE_CHANGE_SET, "qos_algorithm_type", NULL, "");
    xe_plan_done(&plan);
    xe_plan_done(&plan);

    static const char *const bad[][2] = {
        { "MTU=9000", "Field 'MTU' is read-only." },
        { "colour=red", "Unknown field 'colour'" },
        { "other-config=x", "Field 'other-config' is a map or set. use the "
                            "'name:key=value' syntax." },
        { "locking-mode=open", "Expected 'network_default', 'locked', "
                               "'unlocked', 'disabled', got open" },
        { "MAC:x=1", "Field 'MAC' is not a set or map" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        parse("vif-param-set", "uuid=" U1, "qos_algorithm_type=ratelimit",
              bad[i][0], NULL);
        xapi_error_clear(&err);
        ck_assert_int_eq(xe_plan_param_set(v, &args, &plan, &err), -EINVAL);
        ck_assert_str_eq(err.code, XE_ERR_FAILURE);
        ck_assert_str_eq(err.params[0], bad[i][1]);
        /* nothing half-planned */
        ck_assert_ptr_null(plan.changes);
    }
    xe_record_free(v);
}
END_TEST

START_TEST(test_generic_plan_types_and_sets)
{
    struct xe_record *net;
    struct xe_plan plan = XE_PLAN_INIT;

    ck_assert_int_eq(xe_record_new(&net, &xe_class_network), 0);
    xe_record_set(net, "uuid", U2);
    xe_record_set_items(net, "other-config", NULL, 0);
    xe_record_set_items(net, "PIF-uuids", (const char *[]){ P1 }, 1);

    parse("network-param-set", "uuid=" U2, "MTU=big", NULL);
    ck_assert_int_eq(xe_plan_param_set(net, &args, &plan, &err), -EINVAL);
    /* records.ml sets the network's MTU with a bare Int64.of_string */
    ck_assert_str_eq(err.code, "INTERNAL_ERROR");
    ck_assert_str_eq(err.params[0], "Failure: Int64.of_string");
    xapi_error_clear(&err);

    parse("network-param-set", "uuid=" U2, "PIF-uuids:x=1", NULL);
    ck_assert_int_eq(xe_plan_param_set(net, &args, &plan, &err), -EINVAL);
    ck_assert_str_eq(err.params[0], "Cannot param-set on set fields");
    xapi_error_clear(&err);

    parse("network-param-clear", "param-name=MTU", NULL);
    ck_assert_int_eq(xe_plan_param_clear(net, &args, &plan, &err), -EINVAL);
    ck_assert_str_eq(err.params[0], "Cannot clear this parameter");
    xapi_error_clear(&err);

    parse("network-param-clear", "param-name=PIF-uuids", NULL);
    ck_assert_int_eq(xe_plan_param_clear(net, &args, &plan, &err), -EINVAL);
    ck_assert_str_eq(err.params[0], "Can only clear RW parameters");
    xapi_error_clear(&err);

    parse("network-param-clear", "param-name=name-label", NULL);
    ck_assert_int_eq(xe_plan_param_clear(net, &args, &plan, &err), 0);
    check_change(&plan, 0, XE_CHANGE_SET, "name_label", NULL, "");
    xe_plan_done(&plan);

    parse("network-param-add", "param-name=PIF-uuids", "param-key=x", NULL);
    ck_assert_int_eq(xe_plan_param_add(net, &args, &plan, &err), -EINVAL);
    ck_assert_str_eq(err.params[0], "Parameter is read-only");
    xapi_error_clear(&err);

    parse("network-param-add", "param-name=MTU", NULL);
    ck_assert_int_eq(xe_plan_param_add(net, &args, &plan, &err), -EINVAL);
    ck_assert_str_eq(err.params[0], "Can only add to parameters of type Set "
                     "or Map");
    xapi_error_clear(&err);

    parse("network-param-remove", "param-name=bridge", "param-key=x", NULL);
    ck_assert_int_eq(xe_plan_param_remove(net, &args, &plan, &err), -EINVAL);
    ck_assert_str_eq(err.params[0], "Can only remove from parameters of "
                     "type Set or Map");
    xapi_error_clear(&err);

    parse("network-param-remove", "param-name=PIF-uuids", "param-key=x",
          NULL);
    ck_assert_int_eq(xe_plan_param_remove(net, &args, &plan, &err), -EINVAL);
    ck_assert_str_eq(err.params[0], "Cannot remove parameters from read-only "
                     "map");
    xe_record_free(net);
}
END_TEST

START_TEST(test_generic_plan_map_add_remove_clear)
{
    struct xe_record *v = vif();
    struct xe_plan plan = XE_PLAN_INIT;

    parse("vif-param-add", "uuid=" U1, "param-name=other-config",
          "rate=100", "link-state=auto", NULL);
    ck_assert_int_eq(xe_plan_param_add(v, &args, &plan, &err), 0);
    ck_assert_uint_eq(plan.n, 2);
    check_change(&plan, 0, XE_CHANGE_MAP_ADD, "other_config", "rate", "100");
    check_change(&plan, 1, XE_CHANGE_MAP_ADD, "other_config", "link-state",
                 "auto");
    xe_plan_done(&plan);

    parse("vif-param-add", "uuid=" U1, "param-name=other-config", "vlan=1",
          NULL);
    ck_assert_int_eq(xe_plan_param_add(v, &args, &plan, &err), -EEXIST);
    ck_assert_str_eq(err.code, XAPI_MAP_DUPLICATE_KEY);
    ck_assert_uint_eq(err.n_params, 4);
    ck_assert_str_eq(err.params[0], "VIF");
    ck_assert_str_eq(err.params[1], "other_config");
    ck_assert_str_eq(err.params[2], U1);
    ck_assert_str_eq(err.params[3], "vlan");
    xapi_error_clear(&err);

    parse("vif-param-add", "param-name=other-config", "x=1", "x=2", NULL);
    ck_assert_int_eq(xe_plan_param_add(v, &args, &plan, &err), -EEXIST);
    ck_assert_str_eq(err.params[3], "x");
    ck_assert_ptr_null(plan.changes);
    xapi_error_clear(&err);

    parse("vif-param-remove", "param-name=other-config", "param-key=trust",
          NULL);
    ck_assert_int_eq(xe_plan_param_remove(v, &args, &plan, &err), 0);
    check_change(&plan, 0, XE_CHANGE_MAP_REMOVE, "other_config", "trust",
                 NULL);
    xe_plan_done(&plan);

    parse("vif-param-remove", "param-name=other-config", "param-key=rate",
          NULL);
    ck_assert_int_eq(xe_plan_param_remove(v, &args, &plan, &err), -EINVAL);
    ck_assert_str_eq(err.params[0], "Key rate is not in map");
    xapi_error_clear(&err);

    parse("vif-param-clear", "param-name=other-config", NULL);
    ck_assert_int_eq(xe_plan_param_clear(v, &args, &plan, &err), 0);
    ck_assert_uint_eq(plan.n, 2);
    check_change(&plan, 0, XE_CHANGE_MAP_REMOVE, "other_config", "vlan",
                 NULL);
    check_change(&plan, 1, XE_CHANGE_MAP_REMOVE, "other_config", "trust",
                 NULL);
    xe_plan_done(&plan);

    parse("vif-param-clear", "param-name=nope", NULL);
    ck_assert_int_eq(xe_plan_param_clear(v, &args, &plan, &err), -EINVAL);
    ck_assert_str_eq(err.code, XE_ERR_MISSING_PARAMETER);
    xe_record_free(v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xe-generic");
    TCase *tc = tcase_create("generic");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_generic_list_default_columns);
    tcase_add_test(tc, test_generic_list_params);
    tcase_add_test(tc, test_generic_list_filters);
    tcase_add_test(tc, test_generic_list_filter_errors);
    tcase_add_test(tc, test_generic_list_map_set_nocase_filters);
    tcase_add_test(tc, test_generic_param_list_and_get);
    tcase_add_test(tc, test_generic_param_get_map_key);
    tcase_add_test(tc, test_generic_plan_param_set);
    tcase_add_test(tc, test_generic_plan_types_and_sets);
    tcase_add_test(tc, test_generic_plan_map_add_remove_clear);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
