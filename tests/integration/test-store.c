/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store against a real xenstored: CRUD, checks, references, inverse
 * fields, transactions, round trips, watches, xenstored down, and every
 * node written checked against paths.md. */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

#include "tests/helpers/paths-walk.h"
#include "tests/helpers/store-test.h"

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

static char *xs_get(const char *path)
{
    struct xs_handle *xs = xs_open(0);
    unsigned len;
    char *v;

    ck_assert_ptr_nonnull(xs);
    v = xs_read(xs, XBT_NULL, path, &len);
    xs_close(xs);
    return v;
}

static void xs_put(const char *path, const char *value)
{
    struct xs_handle *xs = xs_open(0);

    ck_assert_ptr_nonnull(xs);
    ck_assert(xs_write(xs, XBT_NULL, path, value, strlen(value)));
    xs_close(xs);
}

static void xs_del(const char *path)
{
    struct xs_handle *xs = xs_open(0);

    ck_assert_ptr_nonnull(xs);
    ck_assert(xs_rm(xs, XBT_NULL, path));
    xs_close(xs);
}

static char *node(const char *cls, const char *uuid, const char *rest)
{
    static char buf[512];

    snprintf(buf, sizeof(buf), "%s/%s/%s%s%s", SCHEMA_ROOT, cls, uuid,
             rest ? "/" : "", rest ? rest : "");
    return buf;
}

START_TEST(test_store_crud_network)
{
    store_record *r = rec_new("network", "name_label", "net0",
                              "MTU", "9000", NULL), *g = NULL, **v = NULL;
    char uuid[37], uuid2[37];
    size_t n;

    /* A name that is no field, and a field of another class. */
    ck_assert_ptr_null(store_record_get(r, schema_fid_find("no_such_field")));
    ck_assert_ptr_null(store_record_get(r, SF_device));
    ck_assert_str_eq(store_record_get(r, SF_managed), "true"); /* default */
    created(st, r, uuid);
    ck_assert(schema_uuid_valid(uuid));
    ck_assert_int_eq(uuid[14], '4');                 /* version 4 */
    ck_assert(strchr("89ab", uuid[19]));             /* RFC 4122 variant */

    ck_store(store_get(st, "network", uuid, &g));
    ck_assert_str_eq(store_record_uuid(g), uuid);
    ck_assert_str_eq(store_record_get(g, SF_name_label), "net0");
    ck_assert_str_eq(store_record_get(g, SF_MTU), "9000");
    ck_assert_str_eq(store_record_get(g, SF_PIFs), "");
    ck_assert_int_eq(store_record_set_count(g, SF_PIFs), 0);

    /* One node per field, readable by the stock tools. */
    {
        char *mtu = xs_get(node("network", uuid, "MTU"));

        ck_assert_str_eq(mtu, "9000");
        free(mtu);
    }

    /* Update writes what changed. */
    ck_store(store_record_set(g, SF_name_description, "backbone"));
    ck_store(store_update(st, g));
    store_record_free(g);
    ck_store(store_get(st, "NETWORK", uuid, &g)); /* class is case-blind */
    ck_assert_str_eq(store_record_get(g, SF_name_description), "backbone");
    ck_assert_str_eq(store_record_get(g, SF_name_label), "net0");
    store_record_free(g);

    ck_store(store_set_field(st, "network", uuid, SF_MTU, "1500"));
    created(st, rec_new("network", "name_label", "net1", NULL), uuid2);

    ck_assert_int_eq(store_list(st, "network", NULL, 0, 0, &v, &n), 0);
    ck_assert_int_eq(n, 2);
    ck_assert_int_lt(strcmp(store_record_uuid(v[0]),
                            store_record_uuid(v[1])), 0);   /* sorted */
    store_record_list_free(v, n);

    {
        struct store_match m = { SF_name_label, "net1" };

        ck_assert_int_eq(store_list(st, "network", &m, 1, 0, &v, &n), 0);
        ck_assert_int_eq(n, 1);
        ck_assert_str_eq(store_record_uuid(v[0]), uuid2);
        store_record_list_free(v, n);
    }

    ck_store(store_destroy(st, "network", uuid));
    ck_assert_int_eq(store_get(st, "network", uuid, &g), -ENOENT);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), uuid));
    ck_assert_int_eq(store_destroy(st, "network", uuid), -ENOENT);
    ck_assert_int_eq(store_list(st, "network", NULL, 0, 0, &v, &n), 0);
    ck_assert_int_eq(n, 1);
    store_record_list_free(v, n);
}
END_TEST

START_TEST(test_store_create_with_uuid_and_duplicate)
{
    const char *u = "0c1d2e3f-4a5b-4c7d-8e9f-a0b1c2d3e4f5";
    store_record *r = rec_new("network", "name_label", "a", NULL);
    char got[37];

    ck_assert_int_eq(store_record_set_uuid(r, "NOT-A-UUID"), -EINVAL);
    ck_store(store_record_set_uuid(r, u));
    created(st, r, got);
    ck_assert_str_eq(got, u);
    r = rec_new("network", NULL);
    ck_store(store_record_set_uuid(r, u));
    ck_assert_int_eq(store_create(st, r), -EEXIST);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "already exists"));
    store_record_free(r);
}
END_TEST

START_TEST(test_store_rejects_bad_values_on_write)
{
    store_record *r = rec_new("network", "MTU", "jumbo", NULL), **v;
    size_t n;

    ck_assert_int_eq(store_create(st, r), -EINVAL);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "network"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "'MTU'"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "jumbo"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "not a decimal"));
    store_record_free(r);

    r = rec_new("network_sriov", "configuration_mode", "magic", NULL);
    ck_assert_int_eq(store_create(st, r), -EINVAL);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "configuration_mode"));
    store_record_free(r);

    r = rec_new("network", "name_label", "bad\x01text", NULL);
    ck_assert_int_eq(store_create(st, r), -EINVAL);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "control character"));
    store_record_free(r);

    r = rec_new("network", "name_label", "\xc3\x28", NULL);  /* bad UTF-8 */
    ck_assert_int_eq(store_create(st, r), -EINVAL);
    store_record_free(r);

    r = rec_new("network", NULL);
    ck_assert_int_eq(store_record_map_put(r, SF_other_config, "", "x"), 0);
    ck_assert_int_eq(store_create(st, r), -EINVAL);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "key"));
    store_record_free(r);

    /* Nothing was written by any of them. */
    ck_assert_int_eq(store_list(st, "network", NULL, 0, 0, &v, &n), 0);
    ck_assert_int_eq(n, 0);
    free(v);
    ck_assert_int_eq(store_list(st, "network_sriov", NULL, 0, 0, &v, &n), 0);
    ck_assert_int_eq(n, 0);
    free(v);

    /* Setter misuse. */
    r = rec_new("network", NULL);
    ck_assert_int_eq(store_record_set(r, schema_fid_find("nope"), "1"),
                     -EINVAL);
    ck_assert_int_eq(store_record_set(r, SF_device, "1"), -EINVAL);
    ck_assert_int_eq(store_record_set(r, SF_other_config, "1"), -EINVAL);
    ck_assert_int_eq(store_record_set(r, SF_uuid, "1"), -EINVAL);
    ck_assert_int_eq(store_record_set(r, SF_PIFs, ""), -EPERM);
    ck_assert_int_eq(store_record_set_add(r, SF_VIFs, "x"), -EPERM);
    store_record_free(r);
    ck_assert_int_eq(store_record_new(&r, "no_such_class"), -EINVAL);
}
END_TEST

START_TEST(test_store_reports_bad_records_on_read)
{
    char a[37], b[37];
    store_record *g = NULL, **v = NULL;
    size_t n;
    int k;

    created(st, rec_new("network", "name_label", "a", NULL), a);
    created(st, rec_new("network", "name_label", "b", NULL), b);
    /* Someone writes garbage with the stock tools. */
    xs_put(node("network", a, "MTU"), "12x");
    ck_assert_int_eq(store_get(st, "network", a, &g), -EBADMSG);
    ck_assert_ptr_null(g);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "network"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), a));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "'MTU'"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "12x"));

    ck_assert_int_eq(store_list(st, "network", NULL, 0, 0, &v, &n), -EBADMSG);
    k = store_list(st, "network", NULL, 0, STORE_LIST_SKIP_INVALID, &v, &n);
    ck_assert_int_eq(k, 1);
    ck_assert_int_eq(n, 1);
    ck_assert_str_eq(store_record_uuid(v[0]), b);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), a));
    store_record_list_free(v, n);

    /* A missing required field. */
    xs_put(node("network", a, "MTU"), "1500");
    xs_del(node("network", a, "name_label"));
    ck_assert_int_eq(store_get(st, "network", a, &g), -EBADMSG);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "'name_label'"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "missing"));

    /* A bad member of a set, and a node that is not a UUID. */
    xs_put(node("network", a, "name_label"), "a");
    xs_put(node("network", a, "PIFs/not-a-uuid"), "");
    ck_assert_int_eq(store_get(st, "network", a, &g), -EBADMSG);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "not-a-uuid"));
    xs_del(node("network", a, "PIFs/not-a-uuid"));
    xs_put(SCHEMA_ROOT "/network/garbage", "");
    ck_assert_int_eq(store_list(st, "network", NULL, 0, 0, &v, &n), -EBADMSG);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "garbage"));
    ck_assert_int_eq(store_list(st, "network", NULL, 0,
                                STORE_LIST_SKIP_INVALID, &v, &n), 1);
    ck_assert_int_eq(n, 2);
    store_record_list_free(v, n);

    /* store_check finds it too. */
    ck_assert_int_ge(store_check(st, NULL, NULL), 1);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "garbage"));
}
END_TEST

START_TEST(test_store_references_and_inverse_sets)
{
    char net[37], net2[37], pif[37], pif2[37], ns[37];
    const char *ghost = "6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c";
    store_record *g = NULL, *r;

    created(st, rec_new("network", "name_label", "n", NULL), net);
    created(st, rec_new("network", "name_label", "n2", NULL), net2);

    /* No dangling reference. */
    r = rec_new("PIF", "device", "eth0", "network", ghost, NULL);
    ck_assert_int_eq(store_create(st, r), -ENOENT);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), ghost));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "does not exist"));
    store_record_free(r);

    created(st, rec_new("PIF", "device", "eth0", "network", net, NULL), pif);
    created(st, rec_new("PIF", "device", "eth1", "network", net, NULL), pif2);
    ck_store(store_get(st, "network", net, &g));
    ck_assert_int_eq(store_record_set_count(g, SF_PIFs), 2);
    ck_assert(store_record_set_contains(g, SF_PIFs, pif));
    ck_assert(store_record_set_contains(g, SF_PIFs, pif2));
    store_record_free(g);

    /* Filter on set membership and on a reference. */
    {
        struct store_match m = { SF_PIFs, pif2 }, m2 = { SF_network, net };
        store_record **v;
        size_t n;

        ck_store(store_list(st, "network", &m, 1, 0, &v, &n));
        ck_assert_int_eq(n, 1);
        ck_assert_str_eq(store_record_uuid(v[0]), net);
        store_record_list_free(v, n);
        ck_store(store_list(st, "PIF", &m2, 1, 0, &v, &n));
        ck_assert_int_eq(n, 2);
        store_record_list_free(v, n);
    }

    /* Moving a PIF moves it between the inverse sets. */
    ck_store(store_set_field(st, "PIF", pif2, SF_network, net2));
    ck_store(store_get(st, "network", net, &g));
    ck_assert(!store_record_set_contains(g, SF_PIFs, pif2));
    ck_assert_int_eq(store_record_set_count(g, SF_PIFs), 1);
    store_record_free(g);
    ck_store(store_get(st, "network", net2, &g));
    ck_assert(store_record_set_contains(g, SF_PIFs, pif2));
    store_record_free(g);
    ck_store(store_set_field(st, "PIF", pif2, SF_network, ""));
    ck_store(store_get(st, "network", net2, &g));
    ck_assert_int_eq(store_record_set_count(g, SF_PIFs), 0);
    store_record_free(g);

    /* network-sriov: physical and logical PIF back references. */
    created(st, rec_new("network_sriov", "physical_PIF", pif,
                        "logical_PIF", pif2, "configuration_mode", "sysfs",
                        NULL), ns);
    ck_store(store_get(st, "PIF", pif, &g));
    ck_assert_str_eq(store_record_get(g, SF_sriov_physical_PIF_of), ns);
    ck_assert_str_eq(store_record_get(g, SF_sriov_logical_PIF_of), "");
    store_record_free(g);
    ck_store(store_get(st, "PIF", pif2, &g));
    ck_assert_str_eq(store_record_get(g, SF_sriov_logical_PIF_of), ns);
    store_record_free(g);

    /* The maintained fields cannot be written directly. */
    ck_assert_int_eq(store_set_field(st, "PIF", pif, SF_sriov_physical_PIF_of,
                                     ""), -EPERM);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "kept by the store"));

    /* Destroying what is referenced is refused, with the referrer named. */
    ck_assert_int_eq(store_destroy(st, "PIF", pif), -EBUSY);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), ns));
    ck_assert_int_eq(store_destroy(st, "network", net), -EBUSY);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), pif));

    /* Destroying the referrer cleans the back references. */
    ck_store(store_destroy(st, "network_sriov", ns));
    ck_store(store_get(st, "PIF", pif, &g));
    ck_assert_str_eq(store_record_get(g, SF_sriov_physical_PIF_of), "");
    store_record_free(g);
    ck_store(store_destroy(st, "PIF", pif));
    ck_store(store_destroy(st, "network", net));
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);
}
END_TEST

START_TEST(test_store_one_to_one_reservation)
{
    char net[37], pf[37], vf[37], vif1[37], vif2[37];
    store_record *g = NULL;

    created(st, rec_new("network", "name_label", "n", NULL), net);
    created(st, rec_new("PCI", "pci_id", "0000:03:00.0", NULL), pf);
    created(st, rec_new("PCI", "pci_id", "0000:03:10.0",
                        "physical_function", pf, NULL), vf);
    ck_store(store_get(st, "PCI", pf, &g));
    ck_assert_str_eq(store_record_get(g, SF_virtual_functions), vf);
    store_record_free(g);

    created(st, rec_new("VIF", "VM", "11111111-2222-4333-8444-555555555555",
                        "device", "0", "network", net, "MAC",
                        "02:00:00:00:00:01", NULL), vif1);
    created(st, rec_new("VIF", "VM", "11111111-2222-4333-8444-666666666666",
                        "device", "0", "network", net, "MAC",
                        "02:00:00:00:00:02", NULL), vif2);

    ck_store(store_set_field(st, "VIF", vif1, SF_reserved_pci, vf));
    ck_store(store_get(st, "PCI", vf, &g));
    ck_assert_str_eq(store_record_get(g, SF_reserved_by), vif1);
    store_record_free(g);

    /* A VF reserved once cannot be reserved again. */
    ck_assert_int_eq(store_set_field(st, "VIF", vif2, SF_reserved_pci, vf),
                     -EBUSY);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), vif1));
    ck_store(store_get(st, "VIF", vif2, &g));
    ck_assert_str_eq(store_record_get(g, SF_reserved_pci), "");
    store_record_free(g);

    /* Released, then taken by the other VIF. */
    ck_store(store_set_field(st, "VIF", vif1, SF_reserved_pci, ""));
    ck_store(store_get(st, "PCI", vf, &g));
    ck_assert_str_eq(store_record_get(g, SF_reserved_by), "");
    store_record_free(g);
    ck_store(store_set_field(st, "VIF", vif2, SF_reserved_pci, vf));
    ck_assert_int_eq(store_destroy(st, "PCI", vf), -EBUSY);
    ck_store(store_destroy(st, "VIF", vif2));
    ck_store(store_get(st, "PCI", vf, &g));
    ck_assert_str_eq(store_record_get(g, SF_reserved_by), "");
    store_record_free(g);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);
}
END_TEST

START_TEST(test_store_maps_with_any_key)
{
    static const char *const keys[] = {
        "vlan", "xo:resource:x", "a.b/c d", "mac@home", "caf\xc3\xa9",
    };
    store_record *r = rec_new("network", NULL), *g = NULL;
    char uuid[37];
    size_t i;

    for (i = 0; i < ELEMENTSOF(keys); i++)
        ck_store(store_record_map_put(r, SF_other_config, keys[i], keys[i]));
    ck_store(store_record_map_put(r, SF_other_config, "gone", "x"));
    ck_store(store_record_map_put(r, SF_other_config, "gone", NULL));
    created(st, r, uuid);
    ck_store(store_get(st, "network", uuid, &g));
    ck_assert_int_eq(store_record_map_count(g, SF_other_config),
                     ELEMENTSOF(keys));
    for (i = 0; i < ELEMENTSOF(keys); i++)
        ck_assert_str_eq(store_record_map_get(g, SF_other_config, keys[i]),
                         keys[i]);
    ck_assert_ptr_null(store_record_map_get(g, SF_other_config, "gone"));
    /* Escaped node names in xenstore. */
    {
        char *v = xs_get(node("network", uuid,
                              "other_config/xo@3aresource@3ax"));

        ck_assert_str_eq(v, "xo:resource:x");
        free(v);
    }
    ck_store(store_record_map_put(g, SF_other_config, "vlan", NULL));
    ck_store(store_record_map_put(g, SF_other_config, "new", "1"));
    ck_store(store_update(st, g));
    store_record_free(g);
    ck_store(store_get(st, "network", uuid, &g));
    ck_assert_ptr_null(store_record_map_get(g, SF_other_config, "vlan"));
    ck_assert_str_eq(store_record_map_get(g, SF_other_config, "new"), "1");
    store_record_free(g);
}
END_TEST

struct two_objects {
    char net[37], pif[37];
    bool fail_after_first;
};

static int make_two(store_tx *tx, void *userdata)
{
    struct two_objects *a = userdata;
    store_record *n = rec_new("network", "name_label", "tx", NULL), *p;
    int k;

    k = store_tx_create(tx, n);
    memcpy(a->net, store_record_uuid(n), 37);
    store_record_free(n);
    if (k < 0)
        return k;
    if (a->fail_after_first)
        return store_tx_fail(tx, -ECANCELED, "stopped on purpose");
    p = rec_new("PIF", "device", "eth9", "network", a->net, NULL);
    k = store_tx_create(tx, p);
    memcpy(a->pif, store_record_uuid(p), 37);
    store_record_free(p);
    return k;
}

struct index_look {
    const char *cls;
    enum schema_fid field;
    const char *value;
    size_t n;
};

static int index_look(store_tx *tx, void *userdata)
{
    struct index_look *l = userdata;
    char **u = NULL;
    int k;

    k = store_tx_index(tx, l->cls, l->field, l->value, &u, &l->n);
    for (size_t i = 0; k >= 0 && i < l->n; i++)
        free(u[i]);
    free(u);
    return k;
}

static size_t indexed(const char *cls, enum schema_fid field,
                      const char *value)
{
    struct index_look l = { cls, field, value, 0 };

    ck_store(store_transact(st, index_look, &l));
    return l.n;
}

/* The value indexes follow creates, updates and destroys, and check. */
START_TEST(test_store_indexes_follow_writes)
{
    const char *vm = "11111111-2222-4333-8444-555555555555";
    char n1[37], n2[37], v1[37], v2[37];
    store_record *g = NULL;
    char **vals = NULL;
    size_t n = 0;

    created(st, rec_new("network", "bridge", "xapi0", NULL), n1);
    created(st, rec_new("network", "bridge", "br:0 x", NULL), n2);
    created(st, rec_new("VIF", "VM", vm, "network", n1, "device", "0",
                        "MAC", "00:16:3e:00:00:01", NULL), v1);
    created(st, rec_new("VIF", "VM", vm, "network", n1, "device", "1",
                        "MAC", "00:16:3e:00:00:02", NULL), v2);
    ck_assert_uint_eq(indexed("network", SF_bridge, "xapi0"), 1);
    ck_assert_uint_eq(indexed("network", SF_bridge, "br:0 x"), 1);
    ck_assert_uint_eq(indexed("network", SF_bridge, "xapi1"), 0);
    ck_assert_uint_eq(indexed("VIF", SF_VM, vm), 2);
    ck_assert_uint_eq(indexed("VIF", SF_MAC, "00:16:3e:00:00:02"), 1);
    ck_store(store_index_values(st, "network", SF_bridge, &vals, &n));
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < n; i++)
        ck_assert(!strcmp(vals[i], "xapi0") || !strcmp(vals[i], "br:0 x"));
    for (size_t i = 0; i < n; i++)
        free(vals[i]);
    free(vals);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);

    /* An update moves the entry; a destroy removes it. */
    ck_store(store_get(st, "VIF", v2, &g));
    ck_store(store_record_set(g, SF_MAC, "00:16:3e:00:00:03"));
    ck_store(store_update(st, g));
    store_record_free(g);
    ck_assert_uint_eq(indexed("VIF", SF_MAC, "00:16:3e:00:00:02"), 0);
    ck_assert_uint_eq(indexed("VIF", SF_MAC, "00:16:3e:00:00:03"), 1);
    ck_store(store_destroy(st, "VIF", v1));
    ck_assert_uint_eq(indexed("VIF", SF_VM, vm), 1);
    ck_assert_uint_eq(indexed("VIF", SF_MAC, "00:16:3e:00:00:01"), 0);
    ck_store(store_destroy(st, "VIF", v2));
    ck_store(store_destroy(st, "network", n2));
    ck_assert_uint_eq(indexed("VIF", SF_VM, vm), 0);
    ck_assert_uint_eq(indexed("network", SF_bridge, "br:0 x"), 0);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);

    /* An index that disagrees with the objects is a problem. */
    {
        struct xs_handle *xs = xs_open(0);
        char path[256];

        ck_assert_ptr_nonnull(xs);
        snprintf(path, sizeof(path), "%s/index/network/bridge/xapi0/%s",
                 SCHEMA_ROOT, n2);
        ck_assert(xs_write(xs, XBT_NULL, path, "", 0));
        xs_close(xs);
    }
    ck_assert_int_eq(store_check(st, NULL, NULL), 1);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "index"));
}
END_TEST

START_TEST(test_store_transaction_all_or_nothing)
{
    struct two_objects a = { .fail_after_first = true };
    store_record **v, *g;
    size_t n;

    ck_assert_int_eq(store_transact(st, make_two, &a), -ECANCELED);
    ck_assert_str_eq(store_last_error(st), "stopped on purpose");
    ck_assert_int_eq(store_list(st, "network", NULL, 0, 0, &v, &n), 0);
    ck_assert_int_eq(n, 0);             /* the first create was undone */
    free(v);

    a.fail_after_first = false;
    ck_store(store_transact(st, make_two, &a));
    ck_store(store_get(st, "network", a.net, &g));
    ck_assert_str_eq(store_record_get(g, SF_PIFs), a.pif);
    store_record_free(g);
}
END_TEST

static int increment(store_tx *tx, void *userdata)
{
    const char *uuid = userdata;
    store_record *r = NULL;
    char buf[32];
    int k;

    k = store_tx_get(tx, "network", uuid, &r);
    if (k < 0)
        return k;
    snprintf(buf, sizeof(buf), "%lld",
             atoll(store_record_get(r, SF_MTU)) + 1);
    k = store_record_set(r, SF_MTU, buf);
    if (k >= 0)
        k = store_tx_update(tx, r);
    store_record_free(r);
    return k;
}

START_TEST(test_store_conflicting_transactions_retry)
{
    /* Two handles interleave: a conflict makes the loser retry. */
    store *other = test_open(0);
    char net[37];
    store_record *g;
    struct store_stats s1;
    int i;

    created(st, rec_new("network", "MTU", "0", NULL), net);
    for (i = 0; i < 20; i++) {
        ck_store(store_transact(st, increment, net));
        ck_assert_int_eq(store_transact(other, increment, net), 0);
    }
    ck_store(store_get(st, "network", net, &g));
    ck_assert_str_eq(store_record_get(g, SF_MTU), "40");
    store_record_free(g);
    store_get_stats(st, &s1);
    ck_assert_int_ge(s1.transactions, 20);
    store_close(other);
}
END_TEST

START_TEST(test_store_root_permissions)
{
    struct xs_handle *xs;
    struct xs_permissions *p;
    unsigned n;
    char net[37];

    created(st, rec_new("network", NULL), net);
    xs = xs_open(0);
    p = xs_get_permissions(xs, XBT_NULL, SCHEMA_ROOT, &n);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(p[0].id, 0);
    ck_assert_int_eq(p[0].perms, XS_PERM_NONE);
    free(p);
    /* Children inherit it. */
    p = xs_get_permissions(xs, XBT_NULL, node("network", net, "MTU"), &n);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(p[0].id, 0);
    ck_assert_int_eq(p[0].perms, XS_PERM_NONE);
    free(p);
    xs_close(xs);
    {
        char *v = xs_get(SCHEMA_ROOT "/" SCHEMA_NODE_VERSION);

        ck_assert_int_eq(atoi(v), SCHEMA_VERSION);
        free(v);
    }
}
END_TEST

START_TEST(test_store_list_round_trips_do_not_grow)
{
    struct store_stats s1, s2;
    store_record **v;
    size_t n, i;
    char net[37];

    store *fast = test_open(STORE_OPEN_NO_SNAPSHOT);
    size_t nf = schema_class_find("network")->n_fields;

    for (i = 0; i < 10; i++)
        created(fast, rec_new("network", NULL), net);
    store_reset_stats(fast);
    ck_assert_int_eq(store_list(fast, "network", NULL, 0, 0, &v, &n), 0);
    store_get_stats(fast, &s1);
    store_record_list_free(v, n);
    /*
     * 500: the class directory (18.5 KB) does not fit one message of the
     * C xenstored (read with XS_DIRECTORY_PART) and comes as one long
     * reply from oxenstored, which has no XS_DIRECTORY_PART.
     */
    for (i = 0; i < 490; i++)
        created(fast, rec_new("network", NULL), net);
    store_reset_stats(fast);
    ck_assert_int_eq(store_list(fast, "network", NULL, 0, 0, &v, &n), 0);
    store_get_stats(fast, &s2);
    store_record_list_free(v, n);
    ck_assert_int_eq(n, 500);
    /* Pipelined: a wait per half window (64 requests), not per record;
     * records have nf fields. */
    ck_assert_int_le(s2.round_trips, s1.round_trips + s2.requests / 48);
    ck_assert_int_lt(s2.round_trips, n / 2);
    /* Requests: a read per scalar field and a directory per set/map. */
    ck_assert_int_le(s2.requests, n * nf + 10);
    store_close(fast);
}
END_TEST

/*
 * The events of w until want distinct objects are seen (at most 120 s: a
 * busy machine), one per object (the first op kept: one change may come
 * in several reads).  Returns how many; a wait past 5 s is printed.
 */
static size_t watch_collect(store_watch *w, struct store_event *out,
                            size_t max, size_t want)
{
    struct timespec t0, t;
    size_t n_out = 0;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = { .fd = store_watch_fd(w), .events = POLLIN };
        struct store_event *ev = NULL;
        size_t n = 0;
        double took;

        clock_gettime(CLOCK_MONOTONIC, &t);
        took = (double)(t.tv_sec - t0.tv_sec) +
               (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
        if (n_out >= want || took > 120) {
            if (took > 5)
                printf("# slow: %.1f s for %zu watch events\n", took, want);
            return n_out;
        }
        poll(&p, 1, 1000);
        ck_assert_int_eq(store_watch_read(w, &ev, &n), 0);
        for (size_t i = 0; i < n; i++) {
            bool seen = false;

            for (size_t j = 0; j < n_out; j++)
                seen = seen || (ev[i].cls == out[j].cls &&
                                !strcmp(ev[i].uuid, out[j].uuid));
            if (!seen && n_out < max)
                out[n_out++] = ev[i];
        }
        free(ev);
    }
}

/* The op of the next event of object uuid, or of a RESET (it stands for
 * every object), waiting at most 120 s; -1 if none came. */
static int watch_next_op(store_watch *w, const char *uuid)
{
    for (int i = 0; i < 120; i++) {
        struct pollfd p = { .fd = store_watch_fd(w), .events = POLLIN };
        struct store_event *ev = NULL;
        size_t n = 0;
        int op = -1;

        poll(&p, 1, 1000);
        ck_assert_int_eq(store_watch_read(w, &ev, &n), 0);
        for (size_t j = 0; j < n && op < 0; j++)
            if (ev[j].op == STORE_EVENT_RESET || !strcmp(ev[j].uuid, uuid))
                op = (int)ev[j].op;
        free(ev);
        if (op >= 0) {
            if (i > 5)
                printf("# slow: %d s for an event of '%s'\n", i, uuid);
            return op;
        }
    }
    return -1;
}

START_TEST(test_store_watch_events)
{
    store_watch *w = NULL, *wc = NULL;
    struct store_event *ev = NULL, got[8];
    char net[37], pif[37];
    size_t n = 0;

    created(st, rec_new("network", NULL), net);
    ck_store(store_watch_new(&w, st, NULL));
    ck_store(store_watch_new(&wc, st, "PIF"));
    ck_assert_int_ge(store_watch_fd(w), 0);
    ck_assert_int_eq(store_watch_read(w, &ev, &n), 0);
    ck_assert_int_eq(n, 0);     /* nothing changed yet */
    free(ev);

    created(st, rec_new("PIF", "network", net, NULL), pif);
    /* The PIF is new, the network changed (its PIFs set). */
    ck_assert_uint_eq(watch_collect(w, got, 8, 2), 2);
    for (size_t i = 0; i < 2; i++) {
        if (!strcmp(got[i].cls, "PIF")) {
            ck_assert_str_eq(got[i].uuid, pif);
            ck_assert_int_eq(got[i].op, STORE_EVENT_ADD);
        } else {
            ck_assert_str_eq(got[i].cls, "network");
            ck_assert_str_eq(got[i].uuid, net);
            ck_assert_int_eq(got[i].op, STORE_EVENT_MOD);
        }
    }

    /* The class watch saw only the PIF. */
    ck_assert_uint_eq(watch_collect(wc, got, 8, 1), 1);
    ck_assert_str_eq(got[0].cls, "PIF");

    ck_store(store_destroy(st, "PIF", pif));
    ck_assert_uint_eq(watch_collect(wc, got, 8, 1), 1);
    ck_assert_int_eq(got[0].op, STORE_EVENT_DEL);
    ck_assert_str_eq(got[0].uuid, pif);

    /* A load rewrites everything: a RESET, then the watch goes on. */
    ck_assert_int_eq(watch_next_op(w, pif), STORE_EVENT_DEL);
    ck_assert_int_eq(store_snapshot_load(st, NULL, STORE_LOAD_REPLACE), 1);
    ck_assert_int_eq(watch_next_op(w, ""), STORE_EVENT_RESET);
    /* Known after the reset: a change, not an addition.  The load's last
     * node events may come in a later read, as a second RESET that stands
     * for everything read with it: change it again then. */
    for (int mtu = 9000;; mtu++) {
        char v[16];
        int op;

        snprintf(v, sizeof(v), "%d", mtu);
        ck_store(store_set_field(st, "network", net, SF_MTU, v));
        op = watch_next_op(w, net);
        if (op == STORE_EVENT_RESET && mtu < 9010)
            continue;
        ck_assert_int_eq(op, STORE_EVENT_MOD);
        break;
    }
    store_watch_free(w);
    store_watch_free(wc);
}
END_TEST

START_TEST(test_store_xenstored_down)
{
    struct store_opts o = { .root = test_root };
    store_record *g = NULL;
    char err[512], net[37];
    store *s = NULL;
    int r;

    created(st, rec_new("network", NULL), net);
    ck_assert_int_eq(xs_harness_kill(xs_harness_current()), 0);

    /* An open handle: a clear error, no crash, no hang. */
    r = store_get(st, "network", net, &g);
    ck_assert_int_lt(r, 0);
    ck_assert_ptr_null(g);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "xenstored"));
    g = rec_new("network", NULL);
    r = store_create(st, g);
    ck_assert_int_lt(r, 0);
    g = store_record_free(g);

    /* A new handle: refused with what to do. */
    r = store_open(&s, &o, err, sizeof(err));
    ck_assert_int_eq(r, -ECONNREFUSED);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err, "cannot connect to xenstored at '"));
    ck_assert_ptr_nonnull(strstr(err, xs_harness_socket(xs_harness_current())));
    ck_assert_ptr_nonnull(strstr(err, "systemctl start xenstored"));

    /* No socket at all: ENOENT, still no fallback to a real xenstore. */
    unlink(xs_harness_socket(xs_harness_current()));
    r = store_open(&s, &o, err, sizeof(err));
    ck_assert_int_eq(r, -ENOENT);
    ck_assert_ptr_nonnull(strstr(err, "start xenstored"));
}
END_TEST

static int count_lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

START_TEST(test_store_every_node_matches_paths_md)
{
    char net[37], pif[37], pif2[37], ns[37], pf[37], vf[37], vif[37];
    char paths[1024], problems[8192];
    size_t nodes = 0;
    store_record *r;
    int k;

    /* A workload touching every kind of node. */
    created(st, rec_new("host", "name_label", "h", "hostname", "dom0",
                        "address", "", NULL), net);
    created(st, rec_new("pool", "name_label", "p", "master", net, NULL), pif);
    created(st, rec_new("network", "name_label", "n", NULL), net);
    created(st, rec_new("PCI", "pci_id", "0000:03:00.0", NULL), pf);
    created(st, rec_new("PCI", "pci_id", "0000:03:10.0",
                        "physical_function", pf, "dependencies", pf, NULL),
            vf);
    created(st, rec_new("PIF", "network", net, "PCI", pf,
                        "capabilities", "sriov", NULL), pif);
    created(st, rec_new("PIF", "physical", "false", NULL), pif2);
    created(st, rec_new("network_sriov", "physical_PIF", pif,
                        "logical_PIF", pif2, NULL), ns);
    r = rec_new("VIF", "VM", "11111111-2222-4333-8444-555555555555",
                "network", net, "reserved_pci", vf, NULL);
    ck_store(store_record_map_put(r, SF_other_config, "vlan", "5"));
    ck_store(store_record_map_put(r, SF_qos_algorithm_params, "kbps", "10"));
    created(st, r, vif);
    ck_store(store_set_field(st, "VIF", vif, SF_currently_attached, "true"));

    snprintf(paths, sizeof(paths), "%s/xenstore-schema/paths.md",
             getenv("top_srcdir"));
    k = paths_walk_check(paths, SCHEMA_ROOT, problems, sizeof(problems),
                         &nodes);
    ck_assert_msg(k == 0, "%d nodes not in paths.md:\n%s", k, problems);
    ck_assert_int_gt(nodes, 100);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);

    /* The oracle does catch strays. */
    xs_put(node("network", net, "surprise"), "1");
    xs_put(node("network", net, "MTU"), "big");
    k = paths_walk_check(paths, SCHEMA_ROOT, problems, sizeof(problems),
                         &nodes);
    ck_assert_int_eq(k, 2);
    ck_assert_int_eq(count_lines(problems), 2);
    ck_assert_ptr_nonnull(strstr(problems, "surprise"));
    ck_assert_int_eq(store_check(st, NULL, NULL), 2);
}
END_TEST

struct field_read {
    const char *uuid;
    char *value;
};

static int read_domid(store_tx *tx, void *userdata)
{
    struct field_read *f = userdata;

    free(f->value);
    f->value = NULL;
    return store_tx_get_field(tx, "VIF", f->uuid, SF_domid, &f->value);
}

/* A field that is not required has no node at its default; every reader
 * takes the default (docs/store.md "Fewer nodes per object"). */
START_TEST(test_store_defaults_have_no_node)
{
    char net[37], vif[37], *v;
    struct field_read f = { .uuid = vif };
    store_record *g = NULL, **l = NULL;
    struct store_match m = { SF_domid, "-1" };
    size_t n;

    created(st, rec_new("network", "name_label", "n", NULL), net);
    created(st, rec_new("VIF", "VM", "00000000-0000-4000-8000-000000000001",
                        "device", "0", "network", net, "MAC",
                        "02:00:00:00:00:01", "qos_algorithm_type", "ratelimit",
                        NULL), vif);
    ck_assert_ptr_null(xs_get(node("VIF", vif, "domid")));
    ck_assert_ptr_null(xs_get(node("VIF", vif, "status_detail")));
    ck_assert_ptr_null(xs_get(node("VIF", vif, "other_config")));
    ck_assert_ptr_null(xs_get(node("network", net, "default_locking_mode")));
    v = xs_get(node("VIF", vif, "MTU"));            /* required: written */
    ck_assert_str_eq(v, "1500");
    free(v);
    v = xs_get(node("VIF", vif, "qos_algorithm_type"));  /* not a default */
    ck_assert_str_eq(v, "ratelimit");
    free(v);

    ck_store(store_get(st, "VIF", vif, &g));
    ck_assert_str_eq(store_record_get(g, SF_domid), "-1");
    ck_assert_str_eq(store_record_get(g, SF_status_code), "0");
    ck_assert_str_eq(store_record_get(g, SF_ipv4_configuration_mode), "None");
    ck_assert_str_eq(store_record_get(g, SF_status_detail), "");
    ck_assert_uint_eq(store_record_map_count(g, SF_other_config), 0);
    store_record_free(g);
    ck_store(store_get(st, "network", net, &g));
    ck_assert_str_eq(store_record_get(g, SF_default_locking_mode),
                     "unlocked");
    store_record_free(g);
    ck_assert_int_eq(store_list(st, "VIF", &m, 1, 0, &l, &n), 0);
    ck_assert_uint_eq(n, 1);
    store_record_list_free(l, n);
    ck_store(store_transact(st, read_domid, &f));
    ck_assert_str_eq(f.value, "-1");

    /* An update writes the node; back at the default, it goes. */
    ck_store(store_set_field(st, "VIF", vif, SF_domid, "5"));
    ck_store(store_transact(st, read_domid, &f));
    ck_assert_str_eq(f.value, "5");
    ck_assert_int_eq(store_list(st, "VIF", &m, 1, 0, &l, &n), 0);
    ck_assert_uint_eq(n, 0);
    store_record_list_free(l, n);
    ck_store(store_set_field(st, "VIF", vif, SF_domid, "-1"));
    ck_assert_ptr_null(xs_get(node("VIF", vif, "domid")));
    ck_store(store_get(st, "VIF", vif, &g));
    ck_assert_str_eq(store_record_get(g, SF_domid), "-1");
    ck_store(store_record_map_put(g, SF_other_config, "a", "b"));
    ck_store(store_update(st, g));
    v = xs_get(node("VIF", vif, "other_config/a"));
    ck_assert_str_eq(v, "b");
    free(v);
    ck_store(store_record_map_put(g, SF_other_config, "a", NULL));
    ck_store(store_update(st, g));
    ck_assert_ptr_null(xs_get(node("VIF", vif, "other_config")));
    store_record_free(g);
    free(f.value);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);

    /* A missing object is still missing. */
    f.uuid = "00000000-0000-4000-8000-0000000000ff";
    f.value = NULL;
    ck_assert_int_eq(store_transact(st, read_domid, &f), -ENOENT);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("store");

    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_store_crud_network);
    tcase_add_test(tc, test_store_create_with_uuid_and_duplicate);
    tcase_add_test(tc, test_store_rejects_bad_values_on_write);
    tcase_add_test(tc, test_store_reports_bad_records_on_read);
    tcase_add_test(tc, test_store_references_and_inverse_sets);
    tcase_add_test(tc, test_store_one_to_one_reservation);
    tcase_add_test(tc, test_store_maps_with_any_key);
    tcase_add_test(tc, test_store_indexes_follow_writes);
    tcase_add_test(tc, test_store_transaction_all_or_nothing);
    tcase_add_test(tc, test_store_conflicting_transactions_retry);
    tcase_add_test(tc, test_store_root_permissions);
    tcase_add_test(tc, test_store_list_round_trips_do_not_grow);
    tcase_add_test(tc, test_store_watch_events);
    tcase_add_test(tc, test_store_xenstored_down);
    tcase_add_test(tc, test_store_every_node_matches_paths_md);
    tcase_add_test(tc, test_store_defaults_have_no_node);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(store_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
