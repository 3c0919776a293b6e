/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Record definitions against the schema; values, markers, fill. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xe/records.h"
#include "xenstore-schema/schema.h"

/* Every displayed field comes from a schema field of a matching type
 * (but the VM's: read from Xen, docs/xe.md "VMs"); RW as the schema's,
 * but the host's setters refused on purpose (XE_REFUSED). */
START_TEST(test_records_match_schema)
{
    for (size_t c = 0; c < xe_n_classes; c++) {
        const struct xe_class_def *cls = xe_classes[c];
        const struct schema_class *sc = schema_class_find(cls->api_class);

        if (cls == &xe_class_vm)
            continue;

        ck_assert_msg(sc, "%s: no schema class %s", cls->name,
                      cls->api_class);
        ck_assert_str_eq(cls->fields[0].name, "uuid");
        for (size_t i = 0; i < cls->n_fields; i++) {
            const struct xe_field_def *f = &cls->fields[i];
            const struct schema_field *sf = schema_field_find(sc,
                                                              f->api_field);

            ck_assert_msg(sf, "%s.%s: no schema field %s", cls->name,
                          f->name, f->api_field);
            ck_assert_msg(!(sf->flags & SCHEMA_INTERNAL) ||
                          f->source == XE_SRC_COMPUTED,
                          "%s.%s shows an internal field", cls->name,
                          f->name);
            ck_assert_msg(!(f->flags & XE_RW) == !(sf->flags & SCHEMA_RW) ||
                          (f->flags & XE_REFUSED),
                          "%s.%s: RW differs from the schema", cls->name,
                          f->name);
            switch (f->source) {
            case XE_SRC_FIELD:
                if (f->kind == XE_MAP)
                    ck_assert_int_eq(sf->type, SCHEMA_MAP);
                else if (f->kind == XE_SET)
                    ck_assert(sf->type == SCHEMA_SET_REF ||
                              sf->type == SCHEMA_SET_STRING);
                else
                    ck_assert(sf->type != SCHEMA_MAP &&
                              sf->type != SCHEMA_SET_REF &&
                              sf->type != SCHEMA_SET_STRING);
                break;
            case XE_SRC_REF_UUID:
            case XE_SRC_REF_FIELD:
                ck_assert_int_eq(sf->type, SCHEMA_REF);
                if (f->source == XE_SRC_REF_FIELD)
                    ck_assert_msg(schema_field_find(
                                      schema_class_find(sf->target),
                                      f->target_field),
                                  "%s.%s: %s has no %s", cls->name, f->name,
                                  sf->target, f->target_field);
                break;
            case XE_SRC_REFS:
                ck_assert_int_eq(sf->type, SCHEMA_SET_REF);
                break;
            case XE_SRC_COMPUTED:
                break;
            }
            ck_assert_ptr_eq(xe_class_field(cls, f->name, NULL), f);
        }
    }
}
END_TEST

/* Default columns name fields, but for xe's case-sensitivity quirk. */
START_TEST(test_records_list_columns)
{
    for (size_t c = 0; c < xe_n_classes; c++) {
        const struct xe_class_def *cls = xe_classes[c];

        for (size_t i = 0; cls->list_columns[i]; i++) {
            const char *col = cls->list_columns[i];

            if (cls == &xe_class_network_sriov &&
                (!strcmp(col, "physical-pif") || !strcmp(col, "logical-pif")))
                ck_assert_ptr_null(xe_class_field(cls, col, NULL));
            else
                ck_assert_msg(xe_class_field(cls, col, NULL), "%s: %s",
                              cls->name, col);
        }
    }
    ck_assert_ptr_eq(xe_class_find("network-sriov"), &xe_class_network_sriov);
    ck_assert_ptr_eq(xe_class_find("vm"), &xe_class_vm);
    ck_assert_ptr_null(xe_class_find("template"));
}
END_TEST

static char *label(const struct xe_class_def *cls, const char *name)
{
    return xe_field_label(xe_class_field(cls, name, NULL));
}

START_TEST(test_records_markers)
{
    static const struct {
        const struct xe_class_def *cls;
        const char *field, *label;
    } cases[] = {
        { &xe_class_network_sriov, "uuid", "uuid ( RO)" },
        { &xe_class_network, "name-label", "name-label ( RW)" },
        { &xe_class_network, "other-config", "other-config (MRW)" },
        { &xe_class_network, "PIF-uuids", "PIF-uuids (SRO)" },
        { &xe_class_pif, "capabilities", "capabilities (SRO)" },
        { &xe_class_pif, "sriov-physical-PIF-of",
          "sriov-physical-PIF-of ( RO)" },
        { &xe_class_host, "software-version", "software-version (MRO)" },
        { &xe_class_pci, "dependencies", "dependencies (SRO)" },
    };
    struct xe_field_def dep = { "parent", XE_SCALAR, XE_DEPRECATED,
                                XE_SRC_FIELD, "x", NULL };
    char *s;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        s = label(cases[i].cls, cases[i].field);
        ck_assert_str_eq(s, cases[i].label);
        free(s);
    }
    s = xe_field_label(&dep);
    ck_assert_str_eq(s, "parent ( RO) [DEPRECATED]");
    free(s);
}
END_TEST

START_TEST(test_records_value_format)
{
    struct xe_record *rec;
    const char *set[] = { "a", "b" };
    const char *map[] = { "vlan", "5", "trust", "on" };
    size_t i;
    char *s;

    ck_assert_int_eq(xe_record_new(&rec, &xe_class_network), 0);
    ck_assert_int_eq(xe_record_set_items(rec, "PIF-uuids", set, 2), 0);
    ck_assert_int_eq(xe_record_set_items(rec, "other-config", map, 2), 0);
    ck_assert_int_eq(xe_record_set(rec, "bridge", "xenbr0"), 0);
    ck_assert_int_eq(xe_record_set(rec, "nope", "x"), -ENOENT);
    ck_assert_int_eq(xe_record_set(rec, "PIF-uuids", "x"), -EINVAL);
    ck_assert_int_eq(xe_record_set_items(rec, "bridge", set, 1), -EINVAL);

    xe_class_field(&xe_class_network, "PIF-uuids", &i);
    s = xe_value_format(&xe_class_network.fields[i], &rec->values[i]);
    ck_assert_str_eq(s, "a; b");
    free(s);
    ck_assert(xe_value_has(&rec->values[i], XE_SET, "b", false));
    ck_assert(!xe_value_has(&rec->values[i], XE_SET, "B", false));
    ck_assert(xe_value_has(&rec->values[i], XE_SET, "B", true));

    xe_class_field(&xe_class_network, "other-config", &i);
    s = xe_value_format(&xe_class_network.fields[i], &rec->values[i]);
    ck_assert_str_eq(s, "vlan: 5; trust: on");
    free(s);
    ck_assert_str_eq(xe_value_map_get(&rec->values[i], "trust", false), "on");
    ck_assert_ptr_null(xe_value_map_get(&rec->values[i], "on", false));
    ck_assert(xe_value_has(&rec->values[i], XE_MAP, "vlan", false));

    /* an empty set or map prints as nothing */
    ck_assert_int_eq(xe_record_set_items(rec, "other-config", NULL, 0), 0);
    s = xe_value_format(&xe_class_network.fields[i], &rec->values[i]);
    ck_assert_str_eq(s, "");
    free(s);
    xe_record_free(rec);
}
END_TEST

static int calls;

static int compute(void *ud, const struct xe_record *rec,
                   const struct xe_field_def *f, struct xe_value *out)
{
    calls++;
    if (strcmp(f->name, "remaining-capacity") == 0)
        return xe_value_set_text(out, ud);
    return -EIO;
}

START_TEST(test_records_compute_cached_or_unknown)
{
    struct xe_record *rec;
    size_t cap, mode;

    ck_assert_int_eq(xe_record_new(&rec, &xe_class_network_sriov), 0);
    rec->compute = compute;
    rec->compute_userdata = "6";
    xe_class_field(rec->cls, "remaining-capacity", &cap);
    xe_class_field(rec->cls, "configuration-mode", &mode);
    calls = 0;
    ck_assert_str_eq(xe_record_value(rec, cap)->text, "6");
    ck_assert_str_eq(xe_record_value(rec, cap)->text, "6");
    ck_assert_int_eq(calls, 1);
    /* records.ml: a value that cannot be had reads "<unknown>" */
    ck_assert_str_eq(xe_record_value(rec, mode)->text, XE_UNKNOWN_VALUE);
    rec->compute = NULL;
    xe_class_field(rec->cls, "requires-reboot", &mode);
    ck_assert_str_eq(xe_record_value(rec, mode)->text, XE_UNKNOWN_VALUE);
    xe_record_free(rec);
}
END_TEST

/* Stored objects for xe_record_fill: class, uuid, field, value. */
static const char *const objects[][4] = {
    { "PIF", "p1", "uuid", "p1" },
    { "PIF", "p1", "device", "eth2" },
    { "PIF", "p1", "network", "n1" },
    { "PIF", "p1", "host", "h-gone" },
    { "PIF", "p1", "PCI", "" },
    { "PIF", "p1", "capabilities", "sriov,x" },
    { "PIF", "p1", "sriov_physical_PIF_of", "s1,s-gone" },
    { "PIF", "p1", "sriov_logical_PIF_of", "" },
    { "network", "n1", "uuid", "n1" },
    { "network", "n1", "name_label", "SR-IOV net" },
    { "network_sriov", "s1", "uuid", "s1" },
};

static int get(void *ud, const char *cls, const char *uuid,
               const char *field, char **ret)
{
    bool exists = false;

    for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
        if (strcmp(objects[i][0], cls) || strcmp(objects[i][1], uuid))
            continue;
        exists = true;
        if (!strcmp(objects[i][2], field)) {
            *ret = strdup(objects[i][3]);
            return *ret ? 0 : -ENOMEM;
        }
    }
    if (!exists)
        return -ENOENT;
    *ret = strdup("0");     /* any other field of an existing object */
    return *ret ? 0 : -ENOMEM;
}

static int get_map(void *ud, const char *cls, const char *uuid,
                   const char *field, char ***ret, size_t *n)
{
    char **kv = calloc(3, sizeof(*kv));

    kv[0] = strdup("vlan");
    kv[1] = strdup("7");
    *ret = kv;
    *n = 1;
    return 0;
}

static const char *text(struct xe_record *rec, const char *name)
{
    size_t i;
    static char buf[256];
    char *s;

    ck_assert_ptr_nonnull(xe_class_field(rec->cls, name, &i));
    s = xe_value_format(&rec->cls->fields[i], xe_record_value(rec, i));
    snprintf(buf, sizeof(buf), "%s", s);
    free(s);
    return buf;
}

START_TEST(test_records_fill_follows_sources)
{
    const struct xe_fill_ops ops = { get, get_map };
    struct xe_record *rec;

    ck_assert_int_eq(xe_record_new(&rec, &xe_class_pif), 0);
    ck_assert_int_eq(xe_record_fill(rec, "p1", &ops, NULL), 0);
    ck_assert_str_eq(text(rec, "device"), "eth2");
    ck_assert_str_eq(text(rec, "network-uuid"), "n1");
    ck_assert_str_eq(text(rec, "network-name-label"), "SR-IOV net");
    /* dangling and null refs */
    ck_assert_str_eq(text(rec, "host-uuid"), XE_NOT_IN_DATABASE);
    ck_assert_str_eq(text(rec, "host-name-label"), XE_NOT_IN_DATABASE);
    ck_assert_str_eq(text(rec, "vendor-name"), XE_NOT_IN_DATABASE);
    ck_assert_str_eq(text(rec, "capabilities"), "sriov; x");
    ck_assert_str_eq(text(rec, "sriov-physical-PIF-of"),
                     "s1; " XE_NOT_IN_DATABASE);
    ck_assert_str_eq(text(rec, "sriov-logical-PIF-of"), "");
    ck_assert_str_eq(text(rec, "other-config"), "vlan: 7");
    xe_record_free(rec);

    ck_assert_int_eq(xe_record_new(&rec, &xe_class_pif), 0);
    ck_assert_int_eq(xe_record_fill(rec, "p-gone", &ops, NULL), -ENOENT);
    xe_record_free(rec);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xe-records");
    TCase *tc = tcase_create("records");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_records_match_schema);
    tcase_add_test(tc, test_records_list_columns);
    tcase_add_test(tc, test_records_markers);
    tcase_add_test(tc, test_records_value_format);
    tcase_add_test(tc, test_records_compute_cached_or_unknown);
    tcase_add_test(tc, test_records_fill_follows_sources);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
