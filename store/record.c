/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Records: values keyed by the fields of one schema class. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

static void rfield_clear(struct store_rfield *f)
{
    size_t i;

    free(f->value);
    for (i = 0; i < f->n_members; i++)
        free(f->members[i]);
    free(f->members);
    for (i = 0; i < f->n_entries; i++) {
        free(f->entries[i].key);
        free(f->entries[i].value);
    }
    free(f->entries);
    memset(f, 0, sizeof(*f));
}

store_record *store_record_free(store_record *r)
{
    size_t i;

    if (!r)
        return NULL;
    if (r->f)
        for (i = 0; i < r->cls->n_fields; i++)
            rfield_clear(&r->f[i]);
    free(r->f);
    free(r);
    return NULL;
}

void store_record_list_free(store_record **v, size_t n)
{
    size_t i;

    if (!v)
        return;
    for (i = 0; i < n; i++)
        store_record_free(v[i]);
    free(v);
}

int store__record_alloc(store_record **ret, const struct schema_class *cls,
                        bool defaults)
{
    store_record *r;
    size_t i;

    r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->cls = cls;
    r->f = calloc(cls->n_fields, sizeof(*r->f));
    if (!r->f) {
        free(r);
        return -ENOMEM;
    }
    for (i = 0; defaults && i < cls->n_fields; i++) {
        const struct schema_field *f = &cls->fields[i];

        if (!schema_field_stored(f) || f->type == SCHEMA_MAP)
            continue;
        if (i == 0)         /* uuid: set by create */
            continue;
        r->f[i].value = strdup(f->type == SCHEMA_SET_REF || !f->default_value
                               ? "" : f->default_value);
        if (!r->f[i].value) {
            store_record_free(r);
            return -ENOMEM;
        }
        r->f[i].present = true;
    }
    for (i = 0; defaults && i < cls->n_fields; i++)
        if (cls->fields[i].type == SCHEMA_MAP)
            r->f[i].present = true;
    *ret = r;
    return 0;
}

int store_record_new(store_record **ret, const char *cls)
{
    const struct schema_class *c = schema_class_find(cls);

    if (!ret || !c)
        return -EINVAL;
    return store__record_alloc(ret, c, true);
}

static char *strdup_or_null(const char *s, bool *oom)
{
    char *d;

    if (!s)
        return NULL;
    d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

int store_record_dup(store_record **ret, const store_record *r)
{
    store_record *d;
    bool oom = false;
    size_t i, j;
    int k;

    if (!ret || !r)
        return -EINVAL;
    k = store__record_alloc(&d, r->cls, false);
    if (k < 0)
        return k;
    memcpy(d->uuid, r->uuid, sizeof(d->uuid));
    for (i = 0; i < r->cls->n_fields; i++) {
        const struct store_rfield *a = &r->f[i];
        struct store_rfield *b = &d->f[i];

        b->present = a->present;
        b->dirty = a->dirty;
        b->value = strdup_or_null(a->value, &oom);
        if (a->n_members) {
            b->members = calloc(a->n_members, sizeof(char *));
            oom |= !b->members;
            for (j = 0; b->members && j < a->n_members; j++)
                b->members[j] = strdup_or_null(a->members[j], &oom);
            b->n_members = b->members ? a->n_members : 0;
        }
        if (a->n_entries) {
            b->entries = calloc(a->n_entries, sizeof(*b->entries));
            oom |= !b->entries;
            for (j = 0; b->entries && j < a->n_entries; j++) {
                b->entries[j].key = strdup_or_null(a->entries[j].key, &oom);
                b->entries[j].value = strdup_or_null(a->entries[j].value,
                                                     &oom);
            }
            b->n_entries = b->entries ? a->n_entries : 0;
        }
    }
    if (oom) {
        store_record_free(d);
        return -ENOMEM;
    }
    *ret = d;
    return 0;
}

const struct schema_class *store_record_class(const store_record *r)
{
    return r ? r->cls : NULL;
}

const char *store_record_uuid(const store_record *r)
{
    return r ? r->uuid : NULL;
}

int store_record_set_uuid(store_record *r, const char *uuid)
{
    if (!r || !schema_uuid_valid(uuid))
        return -EINVAL;
    memcpy(r->uuid, uuid, sizeof(r->uuid));
    return 0;
}

/* Index of a field in the record's class, or -1. */
static int field_index(const store_record *r, enum schema_fid field)
{
    const struct schema_field *f = r ? schema_field_by_fid(r->cls, field)
                                     : NULL;

    return f ? (int)(f - r->cls->fields) : -1;
}

static int field_of_type(const store_record *r, enum schema_fid field,
                         enum schema_type type)
{
    int i = field_index(r, field);

    if (i < 0 || r->cls->fields[i].type != type ||
        !schema_field_stored(&r->cls->fields[i]))
        return -1;
    return i;
}

const char *store_record_get(const store_record *r, enum schema_fid field)
{
    int i = field_index(r, field);

    if (i < 0)
        return NULL;
    if (i == 0)
        return r->uuid;
    if (r->cls->fields[i].type == SCHEMA_MAP ||
        !schema_field_stored(&r->cls->fields[i]) || !r->f[i].present)
        return NULL;
    return r->f[i].value ? r->f[i].value : "";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Rebuild the ','-joined text of a set(ref) field from its members. */
static int join_members(struct store_rfield *f)
{
    size_t i, len = 1;
    char *s, *p;

    for (i = 0; i < f->n_members; i++)
        len += strlen(f->members[i]) + 1;
    s = malloc(len);
    if (!s)
        return -ENOMEM;
    for (i = 0, p = s; i < f->n_members; i++) {
        if (i)
            *p++ = ',';
        p = stpcpy(p, f->members[i]);
    }
    *p = '\0';
    free(f->value);
    f->value = s;
    return 0;
}

static bool maintained(const store_record *r, int i)
{
    return schema_field_maintained_by(r->cls, &r->cls->fields[i], NULL);
}

int store__record_members_set(store_record *r, size_t fi, const char *joined,
                              bool dirty)
{
    struct store_rfield *f = &r->f[fi];
    char **v = NULL;
    size_t n = 0, k;
    const char *p = joined;

    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char **t = realloc(v, (n + 1) * sizeof(*v));

        if (!t)
            goto oom;
        v = t;
        v[n] = strndup(p, len);
        if (!v[n])
            goto oom;
        n++;
        p += len;
        if (*p == ',')
            p++;
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_str);
    for (k = 0; k < f->n_members; k++)
        free(f->members[k]);
    free(f->members);
    f->members = v;
    f->n_members = n;
    f->present = true;
    f->dirty |= dirty;
    return join_members(f);
oom:
    for (k = 0; k < n; k++)
        free(v[k]);
    free(v);
    return -ENOMEM;
}

int store_record_load_value(store_record *r, enum schema_fid field,
                            const char *value)
{
    int i = field_index(r, field);
    const struct schema_field *f;

    if (i <= 0 || !value)
        return -EINVAL;
    f = &r->cls->fields[i];
    if (f->type == SCHEMA_MAP || !schema_field_stored(f))
        return -EINVAL;
    if (f->type == SCHEMA_SET_REF)
        return store__record_members_set(r, (size_t)i, value, false);
    return store__record_put_value(r, (size_t)i, value);
}

int store_record_set(store_record *r, enum schema_fid field, const char *value)
{
    int i = field_index(r, field);
    const struct schema_field *f;
    char *v;

    if (i <= 0 || !value)
        return -EINVAL;
    f = &r->cls->fields[i];
    if (f->type == SCHEMA_MAP || !schema_field_stored(f))
        return -EINVAL;
    if (maintained(r, i))
        return -EPERM;
    if (f->type == SCHEMA_SET_REF)
        return store__record_members_set(r, (size_t)i, value, true);
    v = strdup(value);
    if (!v)
        return -ENOMEM;
    free(r->f[i].value);
    r->f[i].value = v;
    r->f[i].present = true;
    r->f[i].dirty = true;
    return 0;
}

size_t store_record_set_count(const store_record *r, enum schema_fid field)
{
    int i = field_of_type(r, field, SCHEMA_SET_REF);

    return i < 0 ? 0 : r->f[i].n_members;
}

const char *store_record_set_member(const store_record *r,
                                    enum schema_fid field, size_t k)
{
    int i = field_of_type(r, field, SCHEMA_SET_REF);

    if (i < 0 || k >= r->f[i].n_members)
        return NULL;
    return r->f[i].members[k];
}

bool store_record_set_contains(const store_record *r, enum schema_fid field,
                               const char *member)
{
    int i = field_of_type(r, field, SCHEMA_SET_REF);

    if (i < 0 || !member || !r->f[i].n_members)
        return false;
    return bsearch(&member, r->f[i].members, r->f[i].n_members,
                   sizeof(char *), cmp_str) != NULL;
}

int store__record_put_member(store_record *r, size_t fi, const char *member)
{
    struct store_rfield *f = &r->f[fi];
    char **t;

    t = realloc(f->members, (f->n_members + 1) * sizeof(*t));
    if (!t)
        return -ENOMEM;
    f->members = t;
    t[f->n_members] = strdup(member);
    if (!t[f->n_members])
        return -ENOMEM;
    f->n_members++;
    f->present = true;
    return 0;
}

int store_record_set_add(store_record *r, enum schema_fid field,
                         const char *member)
{
    int i = field_of_type(r, field, SCHEMA_SET_REF), k;

    if (i < 0 || !member)
        return -EINVAL;
    if (maintained(r, i))
        return -EPERM;
    if (store_record_set_contains(r, field, member))
        return 0;
    k = store__record_put_member(r, (size_t)i, member);
    if (k < 0)
        return k;
    qsort(r->f[i].members, r->f[i].n_members, sizeof(char *), cmp_str);
    r->f[i].dirty = true;
    return join_members(&r->f[i]);
}

int store_record_set_remove(store_record *r, enum schema_fid field,
                            const char *member)
{
    int i = field_of_type(r, field, SCHEMA_SET_REF);
    struct store_rfield *f;
    char **hit;
    size_t at;

    if (i < 0 || !member)
        return -EINVAL;
    if (maintained(r, i))
        return -EPERM;
    f = &r->f[i];
    if (!f->n_members)
        return 0;
    hit = bsearch(&member, f->members, f->n_members, sizeof(char *),
                  cmp_str);
    if (!hit)
        return 0;
    at = (size_t)(hit - f->members);
    free(*hit);
    memmove(hit, hit + 1, (f->n_members - at - 1) * sizeof(char *));
    f->n_members--;
    f->dirty = true;
    return join_members(f);
}

static int cmp_kv(const void *a, const void *b)
{
    return strcmp(((const struct store_kv *)a)->key,
                  ((const struct store_kv *)b)->key);
}

static struct store_kv *map_find(const struct store_rfield *f,
                                 const char *key)
{
    struct store_kv probe = { .key = (char *)key };

    if (!f->n_entries)
        return NULL;
    return bsearch(&probe, f->entries, f->n_entries, sizeof(probe), cmp_kv);
}

size_t store_record_map_count(const store_record *r, enum schema_fid field)
{
    int i = field_of_type(r, field, SCHEMA_MAP);

    return i < 0 ? 0 : r->f[i].n_entries;
}

const char *store_record_map_key(const store_record *r, enum schema_fid field,
                                 size_t k)
{
    int i = field_of_type(r, field, SCHEMA_MAP);

    return i < 0 || k >= r->f[i].n_entries ? NULL : r->f[i].entries[k].key;
}

const char *store_record_map_value(const store_record *r,
                                   enum schema_fid field, size_t k)
{
    int i = field_of_type(r, field, SCHEMA_MAP);

    return i < 0 || k >= r->f[i].n_entries ? NULL
                                           : r->f[i].entries[k].value;
}

const char *store_record_map_get(const store_record *r, enum schema_fid field,
                                 const char *key)
{
    int i = field_of_type(r, field, SCHEMA_MAP);
    struct store_kv *e;

    if (i < 0 || !key)
        return NULL;
    e = map_find(&r->f[i], key);
    return e ? e->value : NULL;
}

int store__record_put_entry(store_record *r, size_t fi, const char *key,
                            const char *value)
{
    struct store_rfield *f = &r->f[fi];
    struct store_kv *t;

    t = realloc(f->entries, (f->n_entries + 1) * sizeof(*t));
    if (!t)
        return -ENOMEM;
    f->entries = t;
    t[f->n_entries].key = strdup(key);
    t[f->n_entries].value = strdup(value);
    if (!t[f->n_entries].key || !t[f->n_entries].value) {
        free(t[f->n_entries].key);
        free(t[f->n_entries].value);
        return -ENOMEM;
    }
    f->n_entries++;
    f->present = true;
    return 0;
}

int store_record_map_put(store_record *r, enum schema_fid field,
                         const char *key, const char *value)
{
    int i = field_of_type(r, field, SCHEMA_MAP), k;
    struct store_rfield *f;
    struct store_kv *e;
    char *v;

    if (i < 0 || !key)
        return -EINVAL;
    f = &r->f[i];
    e = map_find(f, key);
    if (!value) {
        if (e) {
            size_t at = (size_t)(e - f->entries);

            free(e->key);
            free(e->value);
            memmove(e, e + 1, (f->n_entries - at - 1) * sizeof(*e));
            f->n_entries--;
            f->dirty = true;
        }
        return 0;
    }
    if (e) {
        v = strdup(value);
        if (!v)
            return -ENOMEM;
        free(e->value);
        e->value = v;
    } else {
        k = store__record_put_entry(r, (size_t)i, key, value);
        if (k < 0)
            return k;
        qsort(f->entries, f->n_entries, sizeof(*f->entries), cmp_kv);
    }
    f->present = true;
    f->dirty = true;
    return 0;
}

bool store__field_omittable(const struct schema_class *c,
                            const struct schema_field *f)
{
    return schema_field_stored(f) && !(f->flags & SCHEMA_REQUIRED) &&
           f->type != SCHEMA_SET_REF &&
           !schema_field_maintained_by(c, f, NULL);
}

const char *store__field_default(const struct schema_field *f)
{
    return f->type == SCHEMA_MAP || !f->default_value ? ""
                                                      : f->default_value;
}

bool store__field_left_out(const store_record *r, size_t fi)
{
    const struct schema_field *f = &r->cls->fields[fi];
    const struct store_rfield *v = &r->f[fi];

    if (!store__field_omittable(r->cls, f))
        return false;
    if (f->type == SCHEMA_MAP)
        return v->n_entries == 0;
    return !strcmp(v->present && v->value ? v->value
                                          : store__field_default(f),
                   store__field_default(f));
}

int store__record_put_value(store_record *r, size_t fi, const char *value)
{
    char *v = strdup(value);

    if (!v)
        return -ENOMEM;
    free(r->f[fi].value);
    r->f[fi].value = v;
    r->f[fi].present = true;
    return 0;
}

int store__record_finish(store_record *r)
{
    size_t i;
    int k;

    for (i = 0; i < r->cls->n_fields; i++) {
        struct store_rfield *f = &r->f[i];

        if (r->cls->fields[i].type == SCHEMA_SET_REF && f->present) {
            if (f->n_members)
                qsort(f->members, f->n_members, sizeof(char *), cmp_str);
            k = join_members(f);
            if (k < 0)
                return k;
        }
        if (r->cls->fields[i].type == SCHEMA_MAP && f->n_entries)
            qsort(f->entries, f->n_entries, sizeof(*f->entries), cmp_kv);
    }
    return 0;
}

void store__record_clear_dirty(store_record *r)
{
    size_t i;

    for (i = 0; i < r->cls->n_fields; i++)
        r->f[i].dirty = false;
}
