/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The schema table: self-consistency, value checks, map key escaping. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore-schema/schema.h"

START_TEST(test_schema_table_is_consistent)
{
    size_t i, j, k;

    for (i = 0; i < schema_n_classes; i++) {
        const struct schema_class *c = schema_classes[i];

        ck_assert_ptr_eq(schema_class_find_exact(c->name), c);
        ck_assert_str_eq(c->fields[0].name, "uuid");
        ck_assert_int_eq(c->fields[0].type, SCHEMA_UUID);
        ck_assert(c->fields[0].flags & SCHEMA_REQUIRED);
        for (j = 0; j < c->n_fields; j++) {
            const struct schema_field *f = &c->fields[j];
            const char *why;

            for (k = j + 1; k < c->n_fields; k++)
                ck_assert_str_ne(f->name, c->fields[k].name);
            /* Node names: no path or escape characters. */
            ck_assert_uint_eq(strcspn(f->name, "/@ "), strlen(f->name));
            ck_assert_msg(f->doc && *f->doc, "%s.%s", c->name, f->name);
            if (f->type == SCHEMA_REF || f->type == SCHEMA_SET_REF)
                ck_assert_msg(schema_class_find_exact(f->target),
                              "%s.%s -> %s", c->name, f->name, f->target);
            if (f->default_value)
                ck_assert_msg(schema_value_check(f, f->default_value,
                                                 &why) == 0,
                              "%s.%s default: %s", c->name, f->name, why);
            if (f->type == SCHEMA_ENUM)
                ck_assert_ptr_nonnull(f->enum_values);
            /* Required scalars without a default would make
             * store_record_new records invalid (strings may be ""). */
            if ((f->flags & SCHEMA_REQUIRED) && j > 0 &&
                !f->default_value && f->type != SCHEMA_STRING &&
                f->type != SCHEMA_REF && f->type != SCHEMA_SET_REF &&
                f->type != SCHEMA_SET_STRING && f->type != SCHEMA_MAP &&
                f->type != SCHEMA_UUID)
                ck_abort_msg("%s.%s is required without a default", c->name,
                             f->name);
            if (f->inverse) {
                const struct schema_class *tc = NULL, *back = NULL;
                const struct schema_field *inv = schema_field_inverse(f, &tc);

                ck_assert_int_eq(f->type, SCHEMA_REF);
                ck_assert_msg(inv, "%s.%s: inverse %s.%s missing", c->name,
                              f->name, f->target, f->inverse);
                ck_assert(inv->type == SCHEMA_SET_REF ||
                          inv->type == SCHEMA_REF);
                ck_assert_str_eq(inv->target, c->name);
                ck_assert_ptr_eq(schema_field_maintained_by(tc, inv, &back),
                                 f);
                ck_assert_ptr_eq(back, c);
            }
        }
    }
    ck_assert_ptr_eq(schema_class_find("pif"), schema_class_find("PIF"));
    ck_assert_ptr_null(schema_class_find("SR"));
    ck_assert_ptr_eq(schema_class_find("vm"), schema_class_find("VM"));
    ck_assert_ptr_null(schema_class_find_exact("pif"));
}
END_TEST

START_TEST(test_schema_value_checks)
{
    const struct schema_class *net = schema_class_find("network");
    const struct schema_class *ns = schema_class_find("network_sriov");
    const struct schema_field *mtu = schema_field_find(net, "MTU");
    const struct schema_field *label = schema_field_find(net, "name_label");
    const struct schema_field *mode =
        schema_field_find(ns, "configuration_mode");
    const struct schema_field *pifs = schema_field_find(net, "PIFs");
    const struct schema_field *managed = schema_field_find(net, "managed");
    const char *why = NULL;
    char big[SCHEMA_VALUE_MAX + 2];

    ck_assert_int_eq(schema_value_check(mtu, "1500", &why), 0);
    ck_assert_int_eq(schema_value_check(mtu, "-1", &why), 0);
    ck_assert_int_eq(schema_value_check(mtu, "", &why), -EINVAL);
    ck_assert_int_eq(schema_value_check(mtu, " 1", &why), -EINVAL);
    ck_assert_int_eq(schema_value_check(mtu, "1 ", &why), -EINVAL);
    ck_assert_int_eq(schema_value_check(mtu, "99999999999999999999", &why),
                     -EINVAL);
    ck_assert_str_eq(why, "not a decimal integer");
    ck_assert_int_eq(schema_value_check(managed, "True", &why), -EINVAL);
    ck_assert_int_eq(schema_value_check(mode, "sysfs", &why), 0);
    ck_assert_int_eq(schema_value_check(mode, "SYSFS", &why), -EINVAL);
    ck_assert_int_eq(schema_value_check(mtu, NULL, &why), -EINVAL);
    ck_assert_str_eq(why, "missing");

    /* Text: UTF-8 without controls (XML 1.0 must carry it unchanged). */
    ck_assert_int_eq(schema_value_check(label, "caf\xc3\xa9 \xe2\x9c\x93 "
                                        "\xf0\x9f\x98\x80\ttab\nnl", &why), 0);
    ck_assert_int_eq(schema_value_check(label, "a\rb", &why), -EINVAL);
    ck_assert_int_eq(schema_value_check(label, "a\x7f", &why), -EINVAL);
    ck_assert_int_eq(schema_value_check(label, "\xc0\xaf", &why), -EINVAL);
    ck_assert_int_eq(schema_value_check(label, "\xed\xa0\x80", &why),
                     -EINVAL);          /* a surrogate */
    ck_assert_int_eq(schema_value_check(label, "\xf4\x90\x80\x80", &why),
                     -EINVAL);          /* above U+10FFFF */
    ck_assert_int_eq(schema_value_check(label, "\xe2\x9c", &why), -EINVAL);
    ck_assert_str_eq(why, "is not valid UTF-8");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ck_assert_int_eq(schema_value_check(label, big, &why), -EINVAL);
    big[SCHEMA_VALUE_MAX] = '\0';
    ck_assert_int_eq(schema_value_check(label, big, &why), 0);

    ck_assert_int_eq(schema_value_check(
                         pifs, "6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c", &why),
                     0);
    ck_assert_int_eq(schema_value_check(pifs, "", &why), 0);
    ck_assert_int_eq(schema_value_check(
                         pifs, "6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c,", &why),
                     -EINVAL);
    ck_assert(schema_uuid_valid("6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c"));
    ck_assert(!schema_uuid_valid("6B3F1C2E-8A1D-4F0E-9B7C-1D2E3F4A5B6C"));
    ck_assert(!schema_uuid_valid("6b3f1c2e8a1d-4f0e-9b7c-1d2e3f4a5b6c-"));
}
END_TEST

START_TEST(test_schema_key_escaping)
{
    static const char *const keys[] = {
        "vlan", "max-tx-rate", "a_b", "xo:ip", "a.b/c d", "@", "100%",
        "caf\xc3\xa9", "\xf0\x9f\x98\x80",
    };
    const char *why;
    char *esc, *back;
    size_t i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        ck_assert_int_eq(schema_key_escape(keys[i], &esc, &why), 0);
        ck_assert_uint_eq(strspn(esc, "abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@"),
                          strlen(esc));
        ck_assert_int_eq(schema_key_unescape(esc, &back), 0);
        ck_assert_str_eq(back, keys[i]);
        free(esc);
        free(back);
    }
    ck_assert_int_eq(schema_key_escape("xo:ip", &esc, &why), 0);
    ck_assert_str_eq(esc, "xo@3aip");
    free(esc);
    ck_assert_int_eq(schema_key_escape("", &esc, &why), -EINVAL);
    ck_assert_int_eq(schema_key_escape("a\nb", &esc, &why), -EINVAL);
    /* Only the canonical escaping is a key. */
    ck_assert_int_eq(schema_key_unescape("@61", &back), -EINVAL);  /* 'a' */
    ck_assert_int_eq(schema_key_unescape("@3A", &back), -EINVAL);
    ck_assert_int_eq(schema_key_unescape("@00", &back), -EINVAL);
    ck_assert_int_eq(schema_key_unescape("@3", &back), -EINVAL);
    ck_assert_int_eq(schema_key_unescape("a.b", &back), -EINVAL);
    ck_assert_int_eq(schema_key_unescape("@0a", &back), -EINVAL);  /* \n */
    ck_assert_int_eq(schema_key_unescape("", &back), -EINVAL);
}
END_TEST

/* Every field of the table has an id (fields.h), its name and back, and
 * the ids are exactly the table's distinct names. */
START_TEST(test_schema_every_field_has_an_id)
{
    bool seen[SCHEMA_N_FIDS] = { false };
    size_t i, j, n_seen = 0;

    for (i = 0; i < schema_n_classes; i++) {
        const struct schema_class *c = schema_classes[i];

        for (j = 0; j < c->n_fields; j++) {
            const struct schema_field *f = &c->fields[j];
            enum schema_fid id = schema_field_fid(f);

            ck_assert_msg(id != SF_NONE, "%s.%s has no id: run 'make "
                          "schema-doc'", c->name, f->name);
            ck_assert_str_eq(schema_fid_name(id), f->name);
            ck_assert_int_eq(schema_fid_find(f->name), id);
            ck_assert_ptr_eq(schema_field_by_fid(c, id), f);
            if (!seen[id])
                n_seen++;
            seen[id] = true;
        }
    }
    ck_assert_uint_eq(n_seen, SCHEMA_N_FIDS);
    ck_assert_uint_eq(schema_fid_n_classes, schema_n_classes);

    /* Shared names are one id; a class without the field has none. */
    ck_assert_ptr_eq(schema_field_by_fid(schema_class_find("PIF"), SF_MTU),
                     schema_field_find(schema_class_find("PIF"), "MTU"));
    ck_assert_ptr_eq(schema_field_by_fid(schema_class_find("VIF"), SF_MTU),
                     schema_field_find(schema_class_find("VIF"), "MTU"));
    ck_assert_ptr_null(schema_field_by_fid(schema_class_find("PIF"),
                                           SF_bridge));
    ck_assert_int_eq(schema_fid_find("name_label"), SF_name_label);
    /* Run-time names: exact case, unknown ones are SF_NONE. */
    ck_assert_int_eq(schema_fid_find("mtu"), SF_NONE);
    ck_assert_int_eq(schema_fid_find("no_such_field"), SF_NONE);
    ck_assert_int_eq(schema_fid_find(""), SF_NONE);
    ck_assert_int_eq(schema_fid_find(NULL), SF_NONE);
    ck_assert_ptr_null(schema_fid_name(SF_NONE));
    ck_assert_ptr_null(schema_fid_name(SCHEMA_N_FIDS));
    ck_assert_ptr_null(schema_field_by_fid(schema_classes[0], SF_NONE));
    ck_assert_ptr_null(schema_field_by_fid(NULL, SF_uuid));
    ck_assert_int_eq(schema_field_fid(NULL), SF_NONE);
}
END_TEST

static Suite *schema_suite(void)
{
    Suite *s = suite_create("schema");
    TCase *tc = tcase_create("schema");

    tcase_add_test(tc, test_schema_table_is_consistent);
    tcase_add_test(tc, test_schema_value_checks);
    tcase_add_test(tc, test_schema_key_escaping);
    tcase_add_test(tc, test_schema_every_field_has_an_id);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(schema_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
