/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Records: values, formatting and markers of xe's fields. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libsriov/macro.h"
#include "xe/records.h"

const struct xe_class_def *xe_class_find(const char *name)
{
    for (size_t i = 0; i < xe_n_classes; i++)
        if (streq_ptr(xe_classes[i]->name, name))
            return xe_classes[i];
    return NULL;
}

const struct xe_field_def *xe_class_field(const struct xe_class_def *cls,
                                          const char *name, size_t *index)
{
    for (size_t i = 0; cls && i < cls->n_fields; i++)
        if (streq_ptr(cls->fields[i].name, name)) {
            if (index)
                *index = i;
            return &cls->fields[i];
        }
    return NULL;
}

void xe_value_clear(struct xe_value *v)
{
    free(v->text);
    /* Sets hold n strings, maps 2n; items is NULL-terminated either way. */
    if (v->items)
        for (size_t i = 0; v->items[i]; i++)
            free(v->items[i]);
    free(v->items);
    memset(v, 0, sizeof(*v));
}

int xe_value_set_text(struct xe_value *v, const char *text)
{
    char *copy = strdup(text ? text : "");

    if (!copy)
        return -ENOMEM;
    xe_value_clear(v);
    v->text = copy;
    v->present = true;
    return 0;
}

int xe_value_set_items(struct xe_value *v, enum xe_kind kind,
                       const char *const *items, size_t n)
{
    size_t count = kind == XE_MAP ? 2 * n : n;
    char **copy = calloc(count + 1, sizeof(*copy));

    if (!copy)
        return -ENOMEM;
    for (size_t i = 0; i < count; i++) {
        copy[i] = strdup(items[i] ? items[i] : "");
        if (!copy[i]) {
            for (size_t j = 0; j < i; j++)
                free(copy[j]);
            free(copy);
            return -ENOMEM;
        }
    }
    xe_value_clear(v);
    v->items = copy;
    v->n = n;
    v->present = true;
    return 0;
}

int xe_record_new(struct xe_record **ret, const struct xe_class_def *cls)
{
    struct xe_record *rec = calloc(1, sizeof(*rec));

    if (!rec)
        return -ENOMEM;
    rec->values = calloc(cls->n_fields ? cls->n_fields : 1,
                         sizeof(*rec->values));
    if (!rec->values) {
        free(rec);
        return -ENOMEM;
    }
    rec->cls = cls;
    *ret = rec;
    return 0;
}

struct xe_record *xe_record_free(struct xe_record *rec)
{
    if (!rec)
        return NULL;
    for (size_t i = 0; i < rec->cls->n_fields; i++)
        xe_value_clear(&rec->values[i]);
    free(rec->values);
    free(rec);
    return NULL;
}

int xe_record_set(struct xe_record *rec, const char *name, const char *text)
{
    size_t i;
    const struct xe_field_def *f = xe_class_field(rec->cls, name, &i);

    if (!f)
        return -ENOENT;
    if (f->kind != XE_SCALAR)
        return -EINVAL;
    return xe_value_set_text(&rec->values[i], text);
}

int xe_record_set_items(struct xe_record *rec, const char *name,
                        const char *const *items, size_t n)
{
    size_t i;
    const struct xe_field_def *f = xe_class_field(rec->cls, name, &i);

    if (!f)
        return -ENOENT;
    if (f->kind == XE_SCALAR)
        return -EINVAL;
    return xe_value_set_items(&rec->values[i], f->kind, items, n);
}

const struct xe_value *xe_record_value(struct xe_record *rec, size_t i)
{
    struct xe_value *v = &rec->values[i];
    const struct xe_field_def *f = &rec->cls->fields[i];

    if (v->present)
        return v;
    if (rec->compute &&
        rec->compute(rec->compute_userdata, rec, f, v) >= 0 && v->present)
        return v;
    /* records.ml shows failed extra calls as "<unknown>", whatever kind. */
    xe_value_clear(v);
    v->text = strdup(XE_UNKNOWN_VALUE);
    if (!v->text)
        return NULL;
    v->present = true;
    return v;
}

/* Join parts with sep into a new string. */
static char *join(char **parts, size_t n, const char *sep)
{
    size_t len = 1, ls = strlen(sep);
    char *ret, *q;

    for (size_t i = 0; i < n; i++)
        len += strlen(parts[i]) + ls;
    ret = malloc(len);
    if (!ret)
        return NULL;
    q = ret;
    *q = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            q = stpcpy(q, sep);
        q = stpcpy(q, parts[i]);
    }
    return ret;
}

char *xe_value_format(const struct xe_field_def *f, const struct xe_value *v)
{
    if (!v || !v->present)
        return strdup("");
    /* A computed field that failed holds text whatever its kind. */
    if (v->text || f->kind == XE_SCALAR)
        return strdup(v->text ? v->text : "");
    if (f->kind == XE_SET)
        return join(v->items, v->n, f->flags & XE_COMMA ? ", " : "; ");
    /* Record_util.s2sm_to_string "; ": "k: v; k2: v2". */
    {
        _cleanup_free_ char **pairs = calloc(v->n ? v->n : 1,
                                             sizeof(*pairs));
        char *ret;

        if (!pairs)
            return NULL;
        for (size_t i = 0; i < v->n; i++)
            if (asprintf(&pairs[i], "%s: %s", v->items[2 * i],
                         v->items[2 * i + 1]) < 0) {
                for (size_t j = 0; j < i; j++)
                    free(pairs[j]);
                return NULL;
            }
        ret = join(pairs, v->n, "; ");
        for (size_t i = 0; i < v->n; i++)
            free(pairs[i]);
        return ret;
    }
}

char *xe_field_label(const struct xe_field_def *f)
{
    const char *marker;
    char *ret;
    bool rw = f->flags & XE_RW;

    switch (f->kind) {
    case XE_SET:
        marker = rw ? "(SRW)" : "(SRO)";
        break;
    case XE_MAP:
        marker = rw ? "(MRW)" : "(MRO)";
        break;
    default:
        marker = rw ? "( RW)" : "( RO)";
        break;
    }
    if (asprintf(&ret, "%s %s%s", f->name, marker,
                 (f->flags & XE_DEPRECATED) ? " [DEPRECATED]" : "") < 0)
        return NULL;
    return ret;
}

static bool same(const char *a, const char *b, bool nocase)
{
    return nocase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

bool xe_value_has(const struct xe_value *v, enum xe_kind kind, const char *s,
                  bool nocase)
{
    if (!v || !v->items)
        return false;
    for (size_t i = 0; i < v->n; i++)
        if (same(v->items[kind == XE_MAP ? 2 * i : i], s, nocase))
            return true;
    return false;
}

const char *xe_value_map_get(const struct xe_value *v, const char *key,
                             bool nocase)
{
    if (!v || !v->items)
        return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (same(v->items[2 * i], key, nocase))
            return v->items[2 * i + 1];
    return NULL;
}
