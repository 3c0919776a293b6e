/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fill a record from stored objects, following each field's source. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/macro.h"
#include "xe/records.h"
#include "xenstore-schema/schema.h"

/* Split a stored set ("a,b,c"; "" is empty) into a value. */
static int set_from_list(struct xe_value *v, const char *list)
{
    _cleanup_free_ char *copy = strdup(list);
    _cleanup_free_ const char **items = NULL;
    size_t n = 0;
    char *save = NULL, *tok;

    if (!copy)
        return -ENOMEM;
    items = calloc(strlen(list) / 2 + 2, sizeof(*items));
    if (!items)
        return -ENOMEM;
    for (tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save))
        items[n++] = tok;
    return xe_value_set_items(v, XE_SET, items, n);
}

/* The class a ref field points to, from the schema. */
static const char *ref_target(const struct xe_record *rec,
                              const struct xe_field_def *f)
{
    const struct schema_field *sf;

    sf = schema_field_find(schema_class_find(rec->cls->api_class),
                           f->api_field);
    return sf ? sf->target : NULL;
}

/*
 * target_field of the object ref points to, or "<not in database>" when
 * ref is null or the object is gone (records.ml get_uuid_from_ref).
 */
static int follow(const struct xe_fill_ops *ops, void *ud,
                  const char *target, const char *ref, const char *field,
                  char **ret)
{
    int r;

    if (!target || !ref || !*ref)
        goto nid;
    r = ops->get(ud, target, ref, field, ret);
    if (r == -ENOENT)
        goto nid;
    return r;
nid:
    *ret = strdup(XE_NOT_IN_DATABASE);
    return *ret ? 0 : -ENOMEM;
}

/* "; "-joined uuids of a stored set of refs (get_uuids_from_refs). */
static int refs_text(const struct xe_fill_ops *ops, void *ud,
                     const char *target, const char *list, char **ret)
{
    _cleanup_free_ char *copy = strdup(list), *out = strdup("");
    char *save = NULL, *tok;
    int r;

    if (!copy || !out)
        return -ENOMEM;
    for (tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        _cleanup_free_ char *u = NULL;
        char *joined;

        r = follow(ops, ud, target, tok, "uuid", &u);
        if (r < 0)
            return r;
        if (asprintf(&joined, "%s%s%s", out, *out ? "; " : "", u) < 0)
            return -ENOMEM;
        free(out);
        out = joined;
    }
    *ret = TAKE_PTR(out);
    return 0;
}

static void free_kv(char **kv, size_t n)
{
    for (size_t i = 0; kv && i < 2 * n; i++)
        free(kv[i]);
    free(kv);
}

static int fill_one(struct xe_record *rec, size_t i, const char *uuid,
                    const struct xe_fill_ops *ops, void *ud)
{
    const struct xe_field_def *f = &rec->cls->fields[i];
    struct xe_value *v = &rec->values[i];
    const char *cls = rec->cls->api_class;
    _cleanup_free_ char *raw = NULL, *text = NULL;
    int r;

    if (f->source == XE_SRC_COMPUTED)
        return 0;
    if (f->kind == XE_MAP) {
        char **kv = NULL;
        size_t n = 0;

        r = ops->get_map(ud, cls, uuid, f->api_field, &kv, &n);
        if (r < 0)
            return r;
        r = xe_value_set_items(v, XE_MAP, (const char *const *)kv, n);
        free_kv(kv, n);
        return r;
    }
    r = ops->get(ud, cls, uuid, f->api_field, &raw);
    if (r < 0)
        return r;
    switch (f->source) {
    case XE_SRC_REF_UUID:
        r = follow(ops, ud, ref_target(rec, f), raw, "uuid", &text);
        break;
    case XE_SRC_REF_FIELD:
        r = follow(ops, ud, ref_target(rec, f), raw, f->target_field, &text);
        break;
    case XE_SRC_REFS:
        r = refs_text(ops, ud, ref_target(rec, f), raw, &text);
        break;
    default:
        if (f->kind == XE_SET)
            return set_from_list(v, raw);
        text = TAKE_PTR(raw);
        r = 0;
        break;
    }
    if (r < 0)
        return r;
    return xe_value_set_text(v, text);
}

int xe_record_fill(struct xe_record *rec, const char *uuid,
                   const struct xe_fill_ops *ops, void *userdata)
{
    int r;

    for (size_t i = 0; i < rec->cls->n_fields; i++) {
        r = fill_one(rec, i, uuid, ops, userdata);
        if (r < 0)
            return r;
    }
    return 0;
}
