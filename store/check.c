/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A tree checked against the schema: structure, values, references. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

struct checker {
    const struct tnode *root;
    store_report_fn report;
    void *userdata;
    char *first;
    size_t first_size;
    int problems;
};

static void problem(struct checker *k, const char *fmt, ...) _printf_(2, 3);
static void problem(struct checker *k, const char *fmt, ...)
{
    char msg[STORE_ERROR_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (k->problems++ == 0 && k->first && k->first_size)
        snprintf(k->first, k->first_size, "%s", msg);
    if (k->report)
        k->report(k->userdata, msg);
}

static bool hex16(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return i == 16;
}

static const struct tnode *object(const struct checker *k, const char *cls,
                                  const char *uuid)
{
    return store__tnode_child(store__tnode_child(k->root, cls), uuid);
}

/* Index trees equal, but for the empty class, field and value directories
 * the stored one (a) keeps after its last member went. */
static bool index_has_members(const struct tnode *t, int depth)
{
    if (depth == 4)
        return true;
    for (size_t i = 0; i < t->n_children; i++)
        if (index_has_members(t->children[i], depth + 1))
            return true;
    return false;
}

static bool index_equal(const struct tnode *a, const struct tnode *b,
                        int depth)
{
    size_t i, j = 0;

    if (strcmp(a->name, b->name) || (depth == 4 && *a->value))
        return false;
    for (i = 0; i < a->n_children; i++) {
        if (depth < 3 && !index_has_members(a->children[i], depth + 1))
            continue;
        if (j >= b->n_children ||
            !index_equal(a->children[i], b->children[j], depth + 1))
            return false;
        j++;
    }
    return j == b->n_children;
}

/* The index (n, or NULL when there is none) against the objects. */
static void check_index(struct checker *k, const struct tnode *n)
{
    struct tnode *want = NULL;

    if (store__tree_index(k->root, &want) < 0) {
        problem(k, "out of memory checking '%s/%s'", SCHEMA_ROOT,
                SCHEMA_NODE_INDEX);
        return;
    }
    if (n ? !index_equal(n, want, 0) : want->n_children > 0)
        problem(k, "'%s/%s' does not match the objects' indexed fields: "
                "rebuild it (xen-sriov-store snapshot, then xen-sriov-store "
                "load --replace)", SCHEMA_ROOT, SCHEMA_NODE_INDEX);
    store__tnode_free(want);
}

static void check_meta(struct checker *k, const struct tnode *n)
{
    size_t i;

    if (!strcmp(n->name, SCHEMA_NODE_VERSION)) {
        char *end;
        long v = strtol(n->value, &end, 10);

        if (n->n_children || !*n->value || *end || v < 0)
            problem(k, "'%s/%s' = '%.32s' is not a schema version",
                    SCHEMA_ROOT, n->name, n->value);
    } else if (!strcmp(n->name, SCHEMA_NODE_GENERATION)) {
        if (n->n_children || !hex16(n->value))
            problem(k, "'%s/%s' = '%.32s' is not 16 hex digits", SCHEMA_ROOT,
                    n->name, n->value);
    } else if (!strcmp(n->name, SCHEMA_NODE_JOURNAL)) {
        for (i = 0; i < n->n_children; i++)
            if (!hex16(n->children[i]->name) ||
                n->children[i]->n_children)
                problem(k, "'%s/%s/%s' is not a journal entry", SCHEMA_ROOT,
                        n->name, n->children[i]->name);
    } else if (!strcmp(n->name, SCHEMA_NODE_INDEX)) {
        check_index(k, n);
    } else if (!strcmp(n->name, SCHEMA_NODE_COUNTER)) {
        for (i = 0; i < n->n_children; i++)
            if (n->children[i]->n_children ||
                store__counter_parse(n->children[i]->value) < 0)
                problem(k, "'%s/%s/%s' = '%.32s' is not a counter (a "
                        "number from 0): remove it (the next write that "
                        "uses it works it out again)", SCHEMA_ROOT,
                        n->name, n->children[i]->name,
                        n->children[i]->value);
    } else if (strcmp(n->name, SCHEMA_NODE_RESTORING)) {
        problem(k, "'%s/%s' is not a node of the schema: remove it",
                SCHEMA_ROOT, n->name);
    }
}

static void check_field(struct checker *k, const struct schema_class *c,
                        const char *uuid, const struct schema_field *f,
                        const struct tnode *n)
{
    const char *why;
    size_t i;

    if (!schema_field_is_dir(f)) {
        if (n->n_children)
            problem(k, "%s %s: field '%s' has child nodes ('%s')", c->name,
                    uuid, f->name, n->children[0]->name);
        else if (schema_value_check(f, n->value, &why) < 0)
            problem(k, "%s %s: field '%s' = '%.64s' is %s", c->name, uuid,
                    f->name, n->value, why);
        else if (f == &c->fields[0] && strcmp(n->value, uuid))
            problem(k, "%s %s: field 'uuid' = '%.64s' differs from its "
                    "node name", c->name, uuid, n->value);
        return;
    }
    if (n->n_children && *n->value)
        problem(k, "%s %s: field '%s' has a value as well as entries",
                c->name, uuid, f->name);
    for (i = 0; i < n->n_children; i++) {
        const struct tnode *e = n->children[i];
        char *key = NULL;

        if (e->n_children) {
            problem(k, "%s %s: entry '%s' of field '%s' has child nodes",
                    c->name, uuid, e->name, f->name);
            continue;
        }
        if (f->type == SCHEMA_SET_REF) {
            if (!schema_uuid_valid(e->name))
                problem(k, "%s %s: field '%s' has a member '%.64s' that is "
                        "not a UUID", c->name, uuid, f->name, e->name);
            else if (*e->value)
                problem(k, "%s %s: member '%s' of field '%s' has a value",
                        c->name, uuid, e->name, f->name);
            continue;
        }
        if (schema_key_unescape(e->name, &key) < 0)
            problem(k, "%s %s: field '%s' has a key node '%.64s' that no "
                    "key escapes to", c->name, uuid, f->name, e->name);
        else if (schema_value_check(f, e->value, &why) < 0)
            problem(k, "%s %s: %s['%.64s'] = '%.64s' is %s", c->name, uuid,
                    f->name, key, e->value, why);
        free(key);
    }
}

/* References and inverse fields of one object. */
static void check_links(struct checker *k, const struct schema_class *c,
                        const struct tnode *o)
{
    size_t i, j;

    for (i = 1; i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];
        const struct tnode *n = store__tnode_child(o, f->name);
        const struct schema_class *tc = NULL, *src = NULL;
        const struct schema_field *inv, *by;

        if (!n)
            continue;
        if (f->type == SCHEMA_REF && *n->value &&
            schema_uuid_valid(n->value)) {
            const struct tnode *t = object(k, f->target, n->value);

            if (!t) {
                problem(k, "%s %s: field '%s' refers to %s %s, which does "
                        "not exist", c->name, o->name, f->name, f->target,
                        n->value);
                continue;
            }
            inv = schema_field_inverse(f, &tc);
            if (inv) {
                const struct tnode *in = store__tnode_child(t, inv->name);
                bool ok = in && (inv->type == SCHEMA_SET_REF
                                 ? store__tnode_child(in, o->name) != NULL
                                 : strcmp(in->value, o->name) == 0);

                if (!ok)
                    problem(k, "%s %s: field '%s' refers to %s %s, whose "
                            "field '%s' does not name it back", c->name,
                            o->name, f->name, f->target, n->value,
                            inv->name);
            }
        }
        by = schema_field_maintained_by(c, f, &src);
        if (f->type == SCHEMA_SET_REF) {
            for (j = 0; j < n->n_children; j++) {
                const char *m = n->children[j]->name;
                const struct tnode *t = object(k, f->target, m), *back;

                if (!schema_uuid_valid(m))
                    continue;
                if (!t) {
                    problem(k, "%s %s: field '%s' lists %s %s, which does "
                            "not exist", c->name, o->name, f->name,
                            f->target, m);
                    continue;
                }
                back = by ? store__tnode_child(t, by->name) : NULL;
                if (by && (!back || strcmp(back->value, o->name)))
                    problem(k, "%s %s: field '%s' lists %s %s, whose field "
                            "'%s' is not %s", c->name, o->name, f->name,
                            f->target, m, by->name, o->name);
            }
        } else if (by && f->type == SCHEMA_REF && *n->value &&
                   schema_uuid_valid(n->value)) {
            const struct tnode *t = object(k, src->name, n->value), *back;

            back = t ? store__tnode_child(t, by->name) : NULL;
            if (!back || strcmp(back->value, o->name))
                problem(k, "%s %s: field '%s' names %s %s, whose field '%s' "
                        "is not %s", c->name, o->name, f->name, src->name,
                        n->value, by->name, o->name);
        }
    }
}

static void check_object(struct checker *k, const struct schema_class *c,
                         const struct tnode *o)
{
    size_t i;

    if (!schema_uuid_valid(o->name)) {
        problem(k, "'%s/%s/%.64s' is not an object: its name is not a UUID",
                SCHEMA_ROOT, c->name, o->name);
        return;
    }
    for (i = 0; i < o->n_children; i++) {
        const struct tnode *n = o->children[i];
        const struct schema_field *f = schema_field_find(c, n->name);

        if (!f || !schema_field_stored(f))
            problem(k, "%s %s: node '%s' is not a field of %s", c->name,
                    o->name, n->name, c->name);
        else
            check_field(k, c, o->name, f, n);
    }
    for (i = 0; i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];

        if ((f->flags & SCHEMA_REQUIRED) && schema_field_stored(f) &&
            !store__tnode_child(o, f->name))
            problem(k, "%s %s: required field '%s' is missing", c->name,
                    o->name, f->name);
    }
    check_links(k, c, o);
}

int store__check_tree(const struct tnode *root, bool allow_meta,
                      store_report_fn report, void *userdata, char *first,
                      size_t first_size)
{
    struct checker k = {
        .root = root, .report = report, .userdata = userdata,
        .first = first, .first_size = first_size,
    };
    size_t i, j;

    if (first && first_size)
        first[0] = '\0';
    for (i = 0; i < root->n_children; i++) {
        const struct tnode *n = root->children[i];
        const struct schema_class *c = schema_class_find_exact(n->name);

        if (!c) {
            if (allow_meta)
                check_meta(&k, n);
            else
                problem(&k, "'%s' is not a class of the schema", n->name);
            continue;
        }
        for (j = 0; j < n->n_children; j++)
            check_object(&k, c, n->children[j]);
    }
    if (allow_meta && !store__tnode_child(root, SCHEMA_NODE_INDEX))
        check_index(&k, NULL);
    return k.problems;
}

static int dump_fn(store *s, uint32_t tx, void *userdata)
{
    struct tnode **t = userdata;

    *t = store__tnode_free(*t);
    return store__tree_dump(s, tx, t);
}

int store_check(store *s, void (*report)(void *userdata, const char *problem),
                void *userdata)
{
    struct tnode *t = NULL;
    char first[STORE_ERROR_MAX];
    int r;

    if (!s)
        return -EINVAL;
    /* One committed state (a read transaction would cost 4x). */
    r = store__read_consistent(s, dump_fn, &t);
    if (r < 0) {
        store__tnode_free(t);
        return r;
    }
    r = store__check_tree(t, true, report, userdata, first, sizeof(first));
    store__tnode_free(t);
    if (r > 0)
        store__fail(s, -EBADMSG, "%s", first);
    return r;
}
