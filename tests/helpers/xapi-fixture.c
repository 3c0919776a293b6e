/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Protocol tests' world: in-memory pool, host, network and test.echo. */
#include <errno.h>
#include <string.h>

#include "tests/helpers/xapi-fixture.h"

static const char *const pool_fields[] = {
    "uuid", "name_label", "master", "other_config", NULL
};
static const char *const host_fields[] = {
    "uuid", "name_label", "hostname", NULL
};
static const char *const network_fields[] = {
    "uuid", "name_label", "bridge", "MTU", "other_config", "PIFs", NULL
};

static int m_echo(const struct xapi_call *call, struct xv *const *args,
                  size_t n, struct xv **ret, struct xapi_error *err)
{
    struct xv *a = xv_new_array();
    size_t k;
    int r = a ? 0 : -ENOMEM;

    for (k = 0; r == 0 && k < n; k++)
        r = xv_array_append(a, xv_copy(args[k]));
    if (r < 0) {
        xv_free(a);
        return r;
    }
    *ret = a;
    return 0;
}

static int m_network_create(const struct xapi_call *call,
                            struct xv *const *args, size_t n,
                            struct xv **ret, struct xapi_error *err)
{
    struct xapi_fixture *f = call->userdata;
    char ref[XAPI_REF_MAX], uuid[37];
    struct xv *rec;
    int r;

    if (args[0]->type != XV_STRUCT)
        return xapi_error_set(err, -EINVAL, "FIELD_TYPE_ERROR", "args",
                              NULL);
    if ((r = xapi_new_ref(ref)) < 0 || (r = xapi_new_uuid(uuid)) < 0)
        return r;
    rec = xv_copy(args[0]);
    if (!rec || xv_struct_set_string(rec, "uuid", uuid) < 0) {
        xv_free(rec);
        return -ENOMEM;
    }
    r = memclass_put(f->network, ref, rec);
    if (r < 0)
        return r;
    *ret = xv_new_string(ref);
    return *ret ? 0 : -ENOMEM;
}

static int m_network_destroy(const struct xapi_call *call,
                             struct xv *const *args, size_t n,
                             struct xv **ret, struct xapi_error *err)
{
    struct xapi_fixture *f = call->userdata;
    const char *ref;
    int r;

    r = xapi_arg_string(args, 0, "self", &ref, err);
    if (r < 0)
        return r;
    if (memclass_remove(f->network, ref) < 0)
        return xapi_handle_invalid(err, "network", ref);
    return 0;
}

static int m_pool_set_name_label(const struct xapi_call *call,
                                 struct xv *const *args, size_t n,
                                 struct xv **ret, struct xapi_error *err)
{
    struct xapi_fixture *f = call->userdata;
    const char *ref, *value;
    struct xv *rec;
    int r;

    if ((r = xapi_arg_string(args, 0, "self", &ref, err)) < 0 ||
        (r = xapi_arg_string(args, 1, "value", &value, err)) < 0)
        return r;
    if (strcmp(ref, FIXTURE_POOL) != 0)
        return xapi_handle_invalid(err, "pool", ref);
    rec = xv_new_struct();
    if (!rec || xv_struct_set_string(rec, "uuid",
                                     "00000000-0000-4000-8000-0000000000a1")
                < 0 ||
        xv_struct_set_string(rec, "name_label", value) < 0 ||
        xv_struct_set_string(rec, "master", FIXTURE_HOST) < 0 ||
        xv_struct_set(rec, "other_config", xv_new_struct()) < 0) {
        xv_free(rec);
        return -ENOMEM;
    }
    return memclass_put(f->pool, FIXTURE_POOL, rec);
}

static struct xv *pool_record(const char *label)
{
    struct xv *r = xv_new_struct();

    if (!r || xv_struct_set_string(r, "uuid",
                                   "00000000-0000-4000-8000-0000000000a1")
              < 0 ||
        xv_struct_set_string(r, "name_label", label) < 0 ||
        xv_struct_set_string(r, "master", FIXTURE_HOST) < 0 ||
        xv_struct_set(r, "other_config", xv_new_struct()) < 0)
        return xv_free(r);
    return r;
}

static struct xv *host_record(void)
{
    struct xv *r = xv_new_struct();

    if (!r || xv_struct_set_string(r, "uuid",
                                   "00000000-0000-4000-8000-0000000000b2")
              < 0 ||
        xv_struct_set_string(r, "name_label", "dom0") < 0 ||
        xv_struct_set_string(r, "hostname", "dom0") < 0)
        return xv_free(r);
    return r;
}

static struct xv *network_record(void)
{
    struct xv *r = xv_new_struct(), *oc = xv_new_struct();

    if (!r || !oc || xv_struct_set_string(oc, "mtu-check", "on & <ok>") < 0
        || xv_struct_set_string(r, "uuid", FIXTURE_NETWORK_UUID) < 0 ||
        xv_struct_set_string(r, "name_label", "Pool-wide network") < 0 ||
        xv_struct_set_string(r, "bridge", "xenbr0") < 0 ||
        xv_struct_set_int(r, "MTU", 1500) < 0 ||
        xv_struct_set(r, "other_config", oc) < 0 ||
        xv_struct_set(r, "PIFs", xv_new_array()) < 0) {
        if (!r)
            xv_free(oc);
        return xv_free(r);
    }
    return r;
}

int xapi_fixture_setup(struct xapi *api, void *userdata)
{
    struct xapi_fixture *f = userdata;
    const struct xapi_method methods[] = {
        { "test.echo", 0, 16, XAPI_METHOD_NO_SESSION, m_echo, f },
        { "network.create", 1, 1, 0, m_network_create, f },
        { "network.destroy", 1, 1, 0, m_network_destroy, f },
        { "pool.set_name_label", 2, 2, 0, m_pool_set_name_label, f },
    };
    size_t k;
    int r;

    if ((r = memclass_new(&f->pool, "pool", NULL)) < 0 ||
        (r = memclass_new(&f->host, "host", NULL)) < 0 ||
        (r = memclass_new(&f->network, "network", NULL)) < 0 ||
        (r = memclass_put(f->pool, FIXTURE_POOL, pool_record("pool"))) < 0 ||
        (r = memclass_put(f->host, FIXTURE_HOST, host_record())) < 0 ||
        (r = memclass_put(f->network, FIXTURE_NETWORK,
                          network_record())) < 0 ||
        (r = memclass_register(f->pool, api, pool_fields)) < 0 ||
        (r = memclass_register(f->host, api, host_fields)) < 0 ||
        (r = memclass_register(f->network, api, network_fields)) < 0)
        return r;
    for (k = 0; k < sizeof(methods) / sizeof(methods[0]); k++)
        if ((r = xapi_add_method(api, &methods[k])) < 0)
            return r;
    return 0;
}

void xapi_fixture_dispose(struct xapi_fixture *f)
{
    memclass_free(f->pool);
    memclass_free(f->host);
    memclass_free(f->network);
    memset(f, 0, sizeof(*f));
}
