/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Store records as XenAPI records, from the schema: names and types. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/classes/internal.h"

#define MAX_CLASSES 16
#define MAX_FIELDS 128

static const char *field_names[MAX_CLASSES][MAX_FIELDS];
static pthread_once_t fields_once = PTHREAD_ONCE_INIT;

/* On the wire: neither ours only (internal) nor computed. */
static bool on_wire(const struct schema_field *f)
{
    return !(f->flags & (SCHEMA_INTERNAL | SCHEMA_COMPUTED));
}

static void make_field_names(void)
{
    for (size_t i = 0; i < schema_n_classes && i < MAX_CLASSES; i++) {
        const struct schema_class *c = schema_classes[i];
        size_t n = 0;

        for (size_t k = 0; k < c->n_fields && n < MAX_FIELDS - 1; k++)
            if (on_wire(&c->fields[k]))
                field_names[i][n++] = c->fields[k].name;
        field_names[i][n] = NULL;
    }
}

const char *const *xapi_store_fields(const struct schema_class *c)
{
    pthread_once(&fields_once, make_field_names);
    for (size_t i = 0; i < schema_n_classes && i < MAX_CLASSES; i++)
        if (schema_classes[i] == c)
            return field_names[i];
    return NULL;
}

const char *xstore__ref_uuid(const char *ref)
{
    size_t plen = strlen(OPS_REF_PREFIX);

    if (!ref || strncmp(ref, OPS_REF_PREFIX, plen) != 0 ||
        !schema_uuid_valid(ref + plen))
        return NULL;
    return ref + plen;
}

/* "OpaqueRef:<uuid>", or the null ref for "". */
static struct xv *ref_value(const char *uuid)
{
    char buf[OPS_REF_SIZE];

    if (!uuid || !*uuid)
        return xv_new_string(XSTORE_NULL_REF);
    snprintf(buf, sizeof(buf), "%s%s", OPS_REF_PREFIX, uuid);
    return xv_new_string(buf);
}

static struct xv *set_of_refs(const store_record *r, enum schema_fid field)
{
    struct xv *a = xv_new_array();
    size_t n = store_record_set_count(r, field);

    for (size_t i = 0; a && i < n; i++)
        if (xv_array_append(a, ref_value(store_record_set_member(r, field,
                                                                 i))) < 0)
            return xv_free(a);
    return a;
}

/* A set(string) is one ','-separated node. */
static struct xv *set_of_words(const char *text)
{
    struct xv *a = xv_new_array();

    for (const char *p = text; a && p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (n > 0 && xv_array_append(a, xv_new_stringn(p, n)) < 0)
            return xv_free(a);
        p = end ? end + 1 : NULL;
    }
    return a;
}

static struct xv *set_of_ints(const char *text)
{
    struct xv *words = set_of_words(text), *a = xv_new_array();

    if (!words)
        a = xv_free(a);
    for (size_t i = 0; a && words && i < words->a.n; i++)
        if (xv_array_append(a, xv_new_int(strtoll(words->a.items[i]->s,
                                                  NULL, 10))) < 0)
            a = xv_free(a);
    xv_free(words);
    return a;
}

static struct xv *map_value(const store_record *r, enum schema_fid field)
{
    struct xv *m = xv_new_struct();
    size_t n = store_record_map_count(r, field);

    for (size_t i = 0; m && i < n; i++)
        if (xv_struct_set_string(m, store_record_map_key(r, field, i),
                                 store_record_map_value(r, field, i)) < 0)
            return xv_free(m);
    return m;
}

static struct xv *field_value(const store_record *r,
                              const struct schema_field *f)
{
    /* A field added after the record was stored reads as its default. */
    const char *v = store_record_get(r, schema_field_fid(f))
                    ?: f->default_value;

    switch (f->type) {
    case SCHEMA_INT:
        return xv_new_int(v ? strtoll(v, NULL, 10) : 0);
    case SCHEMA_BOOL:
        return xv_new_bool(streq_ptr(v, "true"));
    case SCHEMA_UUID:
        /* Its own uuid is a string; another (VIF.VM) is a ref in XAPI. */
        return strcmp(f->name, "uuid") == 0 ? xv_new_string(v ? v : "")
                                            : ref_value(v);
    case SCHEMA_REF:
        return ref_value(v);
    case SCHEMA_SET_REF:
        return set_of_refs(r, schema_field_fid(f));
    case SCHEMA_SET_STRING:
        /* Sets of ints in XAPI: VIF.trunks and the host's
         * virtual_hardware_platform_versions. */
        return strcmp(f->name, "trunks") == 0 ||
                       strcmp(f->name,
                              "virtual_hardware_platform_versions") == 0
                   ? set_of_ints(v)
                   : set_of_words(v);
    case SCHEMA_DATE:
        return xv_new_date(v ? v : SCHEMA_EPOCH);
    case SCHEMA_MAP:
        return map_value(r, schema_field_fid(f));
    case SCHEMA_STRING:
    case SCHEMA_ENUM:
    default:
        return xv_new_string(v ? v : "");
    }
}

int xapi_store_record(const store_record *r, struct xv **ret)
{
    const struct schema_class *c = store_record_class(r);
    struct xv *rec = xv_new_struct();

    if (!rec)
        return -ENOMEM;
    for (size_t k = 0; k < c->n_fields; k++) {
        const struct schema_field *f = &c->fields[k];

        if (on_wire(f) &&
            xv_struct_set(rec, f->name, field_value(r, f)) < 0) {
            xv_free(rec);
            return -ENOMEM;
        }
    }
    *ret = rec;
    return 0;
}
