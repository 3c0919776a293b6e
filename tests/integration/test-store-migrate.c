/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Migrations: version 0 and 1 trees and snapshots become the current version. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "tests/helpers/paths-walk.h"
#include "tests/helpers/store-test.h"

#define N1 "6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c"
#define P1 "0c1d2e3f-4a5b-4c7d-8e9f-a0b1c2d3e4f5"
#define P2 "1f2e3d4c-5b6a-4988-a7b6-c5d4e3f2a1b0"
#define PF "9a3c54b2-0d55-4a4e-8c3b-2f1c3e0a9b11"
#define VF "22bb22bb-22bb-422b-822b-22bb22bb22bb"
#define V1 "33cc33cc-33cc-433c-833c-33cc33cc33cc"
#define VM "11111111-2222-4333-8444-555555555555"

static void put(struct xs_handle *xs, const char *path, const char *v)
{
    ck_assert_msg(xs_write(xs, XBT_NULL, path, v, strlen(v)), "%s", path);
}

/*
 * Write an object as version 1 did: every field of the (version 1) class,
 * sets as one ','-joined node, map entries as raw node names.  overrides:
 * "field", "value" pairs, "field/key" for a map entry; NULL-terminated.
 */
static void v1_object(struct xs_handle *xs, const char *cls, const char *uuid,
                      const char *const *overrides)
{
    const struct schema_class *c = schema_class_find_exact(cls);
    char path[512];
    size_t i, j;

    for (i = 0; i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];
        const char *v = f->default_value ? f->default_value : "";

        if (!schema_field_stored(f))
            continue;
        if (!strcmp(cls, "PCI") && !strcmp(f->name, "reserved_by"))
            continue;           /* new in version 2 */
        if (i == 0)
            v = uuid;
        for (j = 0; overrides[j]; j += 2)
            if (!strcmp(overrides[j], f->name))
                v = overrides[j + 1];
        snprintf(path, sizeof(path), "%s/%s/%s/%s", SCHEMA_ROOT, cls, uuid,
                 f->name);
        if (f->type == SCHEMA_MAP)
            ck_assert(xs_mkdir(xs, XBT_NULL, path));
        else
            put(xs, path, v);
    }
    for (j = 0; overrides[j]; j += 2)
        if (strchr(overrides[j], '/')) {
            snprintf(path, sizeof(path), "%s/%s/%s/%s", SCHEMA_ROOT, cls,
                     uuid, overrides[j]);
            put(xs, path, overrides[j + 1]);
        }
}

static void v1_tree(bool with_version)
{
    struct xs_handle *xs = xs_open(0);

    ck_assert_ptr_nonnull(xs);
    if (with_version)
        put(xs, SCHEMA_ROOT "/schema-version", "1");
    v1_object(xs, "network", N1, (const char *const[]){
        "PIFs", P1 "," P2, "VIFs", V1, "name_label", "old",
        "other_config/mac@home", "x", "other_config/plain", "y", NULL });
    v1_object(xs, "PIF", P1, (const char *const[]){
        "network", N1, "PCI", PF, NULL });
    v1_object(xs, "PIF", P2, (const char *const[]){ "network", N1, NULL });
    v1_object(xs, "PCI", PF, (const char *const[]){
        "virtual_functions", VF, "pci_id", "0000:03:00.0", NULL });
    v1_object(xs, "PCI", VF, (const char *const[]){
        "physical_function", PF, "pci_id", "0000:03:10.0",
        "dependencies", PF, NULL });
    v1_object(xs, "VIF", V1, (const char *const[]){
        "VM", VM, "network", N1, "reserved_pci", VF, NULL });
    xs_close(xs);
}

static void check_migrated(void)
{
    store_record *g = NULL;
    char paths[1024], problems[4096];

    ck_store(store_get(st, "network", N1, &g));
    ck_assert_int_eq(store_record_set_count(g, SF_PIFs), 2);
    ck_assert(store_record_set_contains(g, SF_PIFs, P1));
    ck_assert(store_record_set_contains(g, SF_PIFs, P2));
    ck_assert_str_eq(store_record_get(g, SF_VIFs), V1);
    ck_assert_str_eq(store_record_get(g, SF_name_label), "old");
    ck_assert_str_eq(store_record_map_get(g, SF_other_config, "mac@home"), "x");
    ck_assert_str_eq(store_record_map_get(g, SF_other_config, "plain"), "y");
    store_record_free(g);
    ck_store(store_get(st, "PCI", VF, &g));
    ck_assert_str_eq(store_record_get(g, SF_reserved_by), V1);
    ck_assert_str_eq(store_record_get(g, SF_dependencies), PF);
    store_record_free(g);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);
    snprintf(paths, sizeof(paths), "%s/xenstore-schema/paths.md",
             getenv("top_srcdir"));
    ck_assert_msg(paths_walk_check(paths, SCHEMA_ROOT, problems,
                                   sizeof(problems), NULL) == 0,
                  "%s", problems);
    /* Writes work again. */
    ck_store(store_set_field(st, "network", N1, SF_MTU, "9000"));
}

START_TEST(test_migrate_v1_store)
{
    store_record *g = NULL, *r;

    v1_tree(true);
    ck_assert_int_eq(store_get(st, "network", N1, &g), -EPROTO);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "version 1"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "migrate"));
    r = rec_new("network", NULL);
    ck_assert_int_eq(store_create(st, r), -EPROTO);
    store_record_free(r);

    ck_assert_int_eq(store_migrate(st), 1);
    check_migrated();
    ck_assert_int_eq(store_migrate(st), SCHEMA_VERSION);     /* done */
    /* The snapshot holds the migrated tree. */
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 6);
}
END_TEST

START_TEST(test_migrate_v0_store)
{
    store_record *g = NULL;

    v1_tree(false);
    ck_assert_int_eq(store_get(st, "network", N1, &g), -EPROTO);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "version 0"));
    ck_assert_int_eq(store_migrate(st), 0);
    check_migrated();
}
END_TEST

/* Version 2 had no index: migrating builds it (checked by store_check),
 * and the writes that use it work. */
START_TEST(test_migrate_v2_store_builds_the_index)
{
    struct xs_handle *xs;
    store_record *g = NULL;
    char **u = NULL;
    size_t n = 0;

    v1_tree(true);
    ck_assert_int_eq(store_migrate(st), 1);
    xs = xs_open(0);
    ck_assert_ptr_nonnull(xs);
    ck_assert(xs_rm(xs, XBT_NULL, SCHEMA_ROOT "/index"));
    put(xs, SCHEMA_ROOT "/schema-version", "2");
    xs_close(xs);
    ck_assert_int_eq(store_get(st, "network", N1, &g), -EPROTO);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "version 2"));
    ck_assert_int_eq(store_migrate(st), 2);
    check_migrated();
    ck_store(store_index_values(st, "VIF", SF_VM, &u, &n));
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(u[0], VM);
    free(u[0]);
    free(u);
}
END_TEST

START_TEST(test_migrate_v1_snapshot_on_load)
{
    static const char v1[] =
        "<?xml version=\"1.0\"?>\n<xen-sriov-store schema-version=\"1\">\n"
        "<object class=\"network\" uuid=\"" N1 "\">"
        "<field name=\"uuid\">" N1 "</field>"
        "<field name=\"name_label\">old</field>"
        "<field name=\"name_description\"></field>"
        "<field name=\"bridge\"></field><field name=\"MTU\">1500</field>"
        "<field name=\"managed\">true</field>"
        "<field name=\"other_config\"><entry name=\"mac@home\">x</entry>"
        "</field>"
        "<field name=\"PIFs\">" P2 "</field><field name=\"VIFs\"></field>"
        "</object>\n"
        "<object class=\"PIF\" uuid=\"" P2 "\">"
        "<field name=\"uuid\">" P2 "</field><field name=\"device\">e</field>"
        "<field name=\"MAC\"></field><field name=\"MTU\">1500</field>"
        "<field name=\"host\"></field><field name=\"network\">" N1 "</field>"
        "<field name=\"physical\">true</field>"
        "<field name=\"VLAN\">-1</field><field name=\"PCI\"></field>"
        "<field name=\"capabilities\"></field>"
        "<field name=\"sriov_physical_PIF_of\"></field>"
        "<field name=\"sriov_logical_PIF_of\"></field>"
        "<field name=\"currently_attached\">true</field>"
        "<field name=\"managed\">true</field>"
        "<field name=\"other_config\"></field>"
        "<field name=\"disappeared\">false</field></object>\n"
        "</xen-sriov-store>\n";
    char path[1024];
    store_record *g = NULL;
    FILE *f;

    snprintf(path, sizeof(path), "%s/v1.xml", test_root);
    f = fopen(path, "we");
    ck_assert_ptr_nonnull(f);
    fputs(v1, f);
    fclose(f);
    ck_assert_int_eq(store_snapshot_verify(st, path), 2);
    ck_assert_int_eq(store_snapshot_load(st, path, 0), 2);
    ck_store(store_get(st, "network", N1, &g));
    ck_assert_str_eq(store_record_get(g, SF_PIFs), P2);
    ck_assert_str_eq(store_record_map_get(g, SF_other_config, "mac@home"), "x");
    store_record_free(g);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);
    /* The state dir's snapshot is now of the current version. */
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 2);
    {
        char p2[1024], buf[256];

        snprintf(p2, sizeof(p2), "%s/var/lib/xen-sriov/store.xml",
                 test_root);
        f = fopen(p2, "re");
        ck_assert_ptr_nonnull(f);
        ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
        ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
        ck_assert_ptr_nonnull(strstr(buf, "schema-version=\"4\""));
        fclose(f);
    }
}
END_TEST

/* Version 3 had no VM class: its objects stay as they are, and a program
 * of version 3 refuses the tree once it is version 4. */
START_TEST(test_migrate_v3)
{
    struct xs_handle *xs;
    store_record *g = NULL;

    v1_tree(true);
    ck_assert_int_eq(store_migrate(st), 1);
    xs = xs_open(0);
    ck_assert_ptr_nonnull(xs);
    put(xs, SCHEMA_ROOT "/schema-version", "3");
    xs_close(xs);
    ck_assert_int_eq(store_get(st, "network", N1, &g), -EPROTO);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "version 3"));
    ck_assert_int_eq(store_migrate(st), 3);
    check_migrated();
    ck_assert_int_eq(store_migrate(st), SCHEMA_VERSION);
}
END_TEST

START_TEST(test_migrate_refuses_a_newer_store)
{
    struct xs_handle *xs = xs_open(0);
    store_record *g = NULL;

    v1_tree(true);
    put(xs, SCHEMA_ROOT "/schema-version", "5");
    xs_close(xs);
    ck_assert_int_eq(store_get(st, "network", N1, &g), -EPROTO);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "newer"));
    ck_assert_int_eq(store_migrate(st), -EPROTO);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "upgrade"));
}
END_TEST

START_TEST(test_migrate_bad_v1_changes_nothing)
{
    struct xs_handle *xs = xs_open(0);
    store_record *g = NULL;
    char *v;
    unsigned len;

    v1_tree(true);
    /* A set member that is no UUID: the migration refuses it. */
    put(xs, SCHEMA_ROOT "/network/" N1 "/PIFs", P1 ",garbage");
    ck_assert_int_eq(store_migrate(st), -EBADMSG);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "garbage"));
    v = xs_read(xs, XBT_NULL, SCHEMA_ROOT "/schema-version", &len);
    ck_assert_str_eq(v, "1");
    free(v);
    v = xs_read(xs, XBT_NULL, SCHEMA_ROOT "/network/" N1 "/PIFs", &len);
    ck_assert_str_eq(v, P1 ",garbage");
    free(v);
    xs_close(xs);
    ck_assert_int_eq(store_get(st, "network", N1, &g), -EPROTO);
}
END_TEST

static Suite *migrate_suite(void)
{
    Suite *s = suite_create("store-migrate");
    TCase *tc = tcase_create("migrate");

    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_migrate_v1_store);
    tcase_add_test(tc, test_migrate_v0_store);
    tcase_add_test(tc, test_migrate_v1_snapshot_on_load);
    tcase_add_test(tc, test_migrate_v2_store_builds_the_index);
    tcase_add_test(tc, test_migrate_v3);
    tcase_add_test(tc, test_migrate_refuses_a_newer_store);
    tcase_add_test(tc, test_migrate_bad_v1_changes_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(migrate_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
