/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generated messages of a XenAPI class: get_all, get_record, get_<field>. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libsriov/macro.h"
#include "api/class.h"
#include "api/event.h"

struct cls {
    struct xapi_class c;
    char *name;
};

/* Userdata of a get_<field> method. */
struct field {
    struct cls *cls;
    char *name;
};

static void cls_free(void *p)
{
    struct cls *c = p;

    free(c->name);
    free(c);
}

static void field_free(void *p)
{
    struct field *f = p;

    free(f->name);
    free(f);
}

/* The record of ref, or HANDLE_INVALID. */
static int get_record(struct cls *c, const char *ref, struct xv **ret,
                      struct xapi_error *err)
{
    int r;

    r = c->c.get(c->c.userdata, ref, ret, err);
    if (r == -ENOENT && !xapi_error_is_set(err))
        return xapi_handle_invalid(err, c->name, ref);
    return r;
}

static int m_get_all(const struct xapi_call *call, struct xv *const *args,
                     size_t n, struct xv **ret, struct xapi_error *err)
{
    _cleanup_strv_free_ char **refs = NULL;
    _cleanup_xv_ struct xv *a = xv_new_array();
    struct cls *c = call->userdata;
    size_t k;
    int r;

    if (!a)
        return -ENOMEM;
    r = c->c.list(c->c.userdata, &refs, err);
    if (r < 0)
        return r;
    for (k = 0; refs && refs[k]; k++)
        if ((r = xv_array_append(a, xv_new_string(refs[k]))) < 0)
            return r;
    *ret = TAKE_PTR(a);
    return 0;
}

/* {ref: record} of every object: the class's all(), else list + get. */
static int all_records(struct cls *c, struct xv **ret,
                       struct xapi_error *err)
{
    _cleanup_strv_free_ char **refs = NULL;
    _cleanup_xv_ struct xv *all = NULL;
    struct xv *rec;
    size_t k;
    int r;

    if (c->c.all)
        return c->c.all(c->c.userdata, ret, err);
    all = xv_new_struct();
    if (!all)
        return -ENOMEM;
    r = c->c.list(c->c.userdata, &refs, err);
    if (r < 0)
        return r;
    for (k = 0; refs && refs[k]; k++) {
        rec = NULL;
        r = c->c.get(c->c.userdata, refs[k], &rec, err);
        if (r == -ENOENT && !xapi_error_is_set(err))
            continue;              /* deleted since the listing */
        if (r < 0)
            return r;
        if ((r = xv_struct_append(all, refs[k], strlen(refs[k]), rec)) < 0)
            return r;
    }
    *ret = TAKE_PTR(all);
    return 0;
}

static int m_get_all_records(const struct xapi_call *call,
                             struct xv *const *args, size_t n,
                             struct xv **ret, struct xapi_error *err)
{
    return all_records(call->userdata, ret, err);
}

static int m_get_record(const struct xapi_call *call, struct xv *const *args,
                        size_t n, struct xv **ret, struct xapi_error *err)
{
    const char *ref;
    int r;

    r = xapi_arg_string(args, 0, "self", &ref, err);
    if (r < 0)
        return r;
    return get_record(call->userdata, ref, ret, err);
}

static int m_get_by_uuid(const struct xapi_call *call,
                         struct xv *const *args, size_t n, struct xv **ret,
                         struct xapi_error *err)
{
    _cleanup_xv_ struct xv *all = NULL;
    struct cls *c = call->userdata;
    const char *uuid, *u;
    int r;

    r = xapi_arg_string(args, 0, "uuid", &uuid, err);
    if (r < 0)
        return r;
    r = all_records(c, &all, err);
    if (r < 0)
        return r;
    for (size_t k = 0; k < all->st.n; k++)
        if (xv_get_string(xv_struct_get(all->st.m[k].value, "uuid"),
                          &u) == 0 && strcasecmp(u, uuid) == 0) {
            *ret = xv_new_string(all->st.m[k].name);
            return *ret ? 0 : -ENOMEM;
        }
    return xapi_uuid_invalid(err, c->name, uuid);
}

static int m_get_field(const struct xapi_call *call, struct xv *const *args,
                       size_t n, struct xv **ret, struct xapi_error *err)
{
    _cleanup_xv_ struct xv *rec = NULL;
    struct field *f = call->userdata;
    const char *ref;
    struct xv *v;
    int r;

    r = xapi_arg_string(args, 0, "self", &ref, err);
    if (r < 0)
        return r;
    r = get_record(f->cls, ref, &rec, err);
    if (r < 0)
        return r;
    v = xv_struct_get(rec, f->name);
    if (!v)
        return xapi_error_internal(err, -EIO, "%s %s has no field %s",
                                   f->cls->name, ref, f->name);
    *ret = xv_copy(v);
    return *ret ? 0 : -ENOMEM;
}

static int add(struct xapi_registry *reg, const char *cls, const char *msg,
               unsigned nargs, xapi_method_fn fn, void *userdata)
{
    _cleanup_free_ char *name = NULL;
    struct xapi_method m;

    if (asprintf(&name, "%s.%s", cls, msg) < 0) {
        name = NULL;
        return -ENOMEM;
    }
    m = (struct xapi_method){ name, nargs, nargs, 0, fn, userdata };
    return xapi_registry_add(reg, &m);
}

int xapi_class_register(struct xapi_registry *reg, struct xapi_events *events,
                        const struct xapi_class *cls)
{
    struct cls *c;
    size_t k;
    int r;

    if (!cls || !cls->name || !*cls->name || !cls->list || !cls->get)
        return -EINVAL;
    if (events) {
        r = xapi_events_add_class(events, cls);
        if (r < 0)
            return r;
    }
    if (!reg)
        return 0;
    c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->c = *cls;
    c->c.fields = NULL;
    c->name = strdup(cls->name);
    if (!c->name) {
        free(c);
        return -ENOMEM;
    }
    c->c.name = c->name;
    r = xapi_registry_keep(reg, c, cls_free);
    if (r < 0)
        return r;
    if ((r = add(reg, c->name, "get_all", 0, m_get_all, c)) < 0 ||
        (r = add(reg, c->name, "get_all_records", 0, m_get_all_records,
                 c)) < 0 ||
        (r = add(reg, c->name, "get_record", 1, m_get_record, c)) < 0 ||
        (r = add(reg, c->name, "get_by_uuid", 1, m_get_by_uuid, c)) < 0)
        return r;
    for (k = 0; cls->fields && cls->fields[k]; k++) {
        _cleanup_free_ char *msg = NULL;
        struct field *f = calloc(1, sizeof(*f));

        if (!f)
            return -ENOMEM;
        f->cls = c;
        f->name = strdup(cls->fields[k]);
        if (!f->name) {
            free(f);
            return -ENOMEM;
        }
        r = xapi_registry_keep(reg, f, field_free);
        if (r < 0)
            return r;
        if (asprintf(&msg, "get_%s", cls->fields[k]) < 0) {
            msg = NULL;
            return -ENOMEM;
        }
        r = add(reg, c->name, msg, 1, m_get_field, f);
        if (r < 0)
            return r;
    }
    return 0;
}

int xapi_class_list_of_all(xapi_class_all_fn all_fn, void *userdata,
                           char ***ret, struct xapi_error *err)
{
    _cleanup_xv_ struct xv *all = NULL;
    char **refs;
    int r;

    r = all_fn(userdata, &all, err);
    if (r < 0)
        return r;
    refs = calloc(all->st.n + 1, sizeof(*refs));
    for (size_t k = 0; refs && k < all->st.n; k++)
        if (!(refs[k] = strdup(all->st.m[k].name)))
            refs = strv_free(refs);
    if (!refs)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    *ret = refs;
    return 0;
}

int xapi_class_get_of_all(xapi_class_all_fn all_fn, void *userdata,
                          const char *ref, struct xv **ret,
                          struct xapi_error *err)
{
    _cleanup_xv_ struct xv *all = NULL;
    struct xv *rec;
    int r;

    r = all_fn(userdata, &all, err);
    if (r < 0)
        return r;
    rec = xv_struct_get(all, ref);
    if (!rec)
        return -ENOENT;
    *ret = xv_copy(rec);
    return *ret ? 0 : xapi_error_internal(err, -ENOMEM, "out of memory");
}
