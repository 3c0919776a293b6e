/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Value indexes (schema_indexes): SCHEMA_ROOT/index/<class>/<field>/
 * <escaped value>/<uuid>, kept in the transactions that write the objects,
 * so a write checks a bridge name, a VM's devices or a MAC by reading one
 * directory instead of every record (docs/store.md).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store/internal.h"

/* The escaped form of value, or NULL (not indexed: empty, too long). */
static char *index_key(const char *value)
{
    const char *why;
    char *k = NULL;

    if (!value || !*value || schema_key_escape(value, &k, &why) < 0)
        return NULL;
    return k;
}

static const struct schema_field *index_field(const struct schema_class *c,
                                              const struct schema_index *x,
                                              size_t *ret_i)
{
    for (size_t i = 1; i < c->n_fields; i++)
        if (!strcmp(c->fields[i].name, x->field)) {
            *ret_i = i;
            return &c->fields[i];
        }
    return NULL;
}

/* Move uuid's entry in index x from the old value to the new one. */
static int index_move(store_tx *tx, const struct schema_index *x,
                      const char *uuid, const char *old_value,
                      const char *new_value)
{
    _cleanup_free_ char *old_key = index_key(old_value);
    _cleanup_free_ char *new_key = index_key(new_value);
    struct store_batch a = { 0 }, w = { 0 };
    char *path;
    int r = 0;

    if (old_key && new_key && !strcmp(old_key, new_key))
        return 0;
    if (old_key) {
        /* Only member: the value's directory goes too. */
        r = store__batch_dir(&a, tx->id, store__path_index(x, old_key,
                                                           NULL));
        if (r >= 0)
            r = store__batch_run(tx->s, &a);
        if (r >= 0 && !a.q[0].err) {
            bool alone = a.q[0].reply_len == strlen(uuid) + 1 &&
                         !strcmp(a.q[0].reply, uuid);

            path = store__path_index(x, old_key, alone ? NULL : uuid);
            r = store__batch_rm(&w, tx->id, path);
        }
    }
    if (r >= 0 && new_key)
        r = store__batch_write(&w, tx->id, store__path_index(x, new_key,
                                                             uuid), "");
    if (r >= 0)
        r = store__batch_run(tx->s, &w);
    for (size_t i = 0; r >= 0 && i < w.n; i++)
        if (w.q[i].err && !(w.q[i].type == XS_RM && w.q[i].err == ENOENT))
            r = store__fail(tx->s, -w.q[i].err, "cannot write '%s': %s",
                            w.q[i].path, strerror(w.q[i].err));
    store__batch_free(&a);
    store__batch_free(&w);
    return r;
}

int store__index_write(store_tx *tx, const store_record *r, bool creating)
{
    const struct schema_class *c = r->cls;

    for (size_t k = 0; k < schema_n_indexes; k++) {
        const struct schema_index *x = &schema_indexes[k];
        _cleanup_free_ char *old = NULL;
        struct store_batch b = { 0 };
        size_t fi = 0;
        int e;

        if (strcmp(x->cls, c->name) || !index_field(c, x, &fi))
            continue;
        if (!creating && !r->f[fi].dirty)
            continue;
        if (!creating) {
            /* The stored value, before this transaction writes it. */
            e = store__batch_read(&b, tx->id, store__path_field(c, r->uuid,
                                                                x->field));
            if (e >= 0)
                e = store__batch_run(tx->s, &b);
            if (e >= 0 && !b.q[0].err) {
                old = strdup(b.q[0].reply);
                if (!old)
                    e = -ENOMEM;
            }
            store__batch_free(&b);
            if (e < 0)
                return e;
        }
        e = index_move(tx, x, r->uuid, old,
                       r->f[fi].present ? r->f[fi].value : NULL);
        if (e < 0)
            return e;
    }
    return 0;
}

int store__index_remove(store_tx *tx, const store_record *r)
{
    const struct schema_class *c = r->cls;

    for (size_t k = 0; k < schema_n_indexes; k++) {
        const struct schema_index *x = &schema_indexes[k];
        size_t fi = 0;
        int e;

        if (strcmp(x->cls, c->name) || !index_field(c, x, &fi))
            continue;
        e = index_move(tx, x, r->uuid, r->f[fi].value, NULL);
        if (e < 0)
            return e;
    }
    return 0;
}

static const struct schema_index *index_of(store *s, const char *cls,
                                           enum schema_fid field)
{
    const struct schema_class *c = schema_class_find(cls);
    const struct schema_index *x =
        c ? schema_index_find(c->name, schema_fid_name(field)) : NULL;

    if (!x)
        store__fail(s, -EINVAL, "%s.%s is not an indexed field",
                    cls ? cls : "", schema_fid_name(field) ?: "");
    return x;
}

int store_tx_index(store_tx *tx, const char *cls, enum schema_fid field,
                   const char *value, char ***ret, size_t *n)
{
    const struct schema_index *x;
    _cleanup_free_ char *key = NULL;
    struct store_batch b = { 0 };
    int r;

    if (!tx || !ret || !n)
        return -EINVAL;
    x = index_of(tx->s, cls, field);
    if (!x)
        return -EINVAL;
    key = index_key(value);
    if (!key)
        return store__fail(tx->s, -EINVAL, "'%.64s' cannot be looked up in "
                           "the index of %s.%s (empty, or longer than %d "
                           "bytes)", value ? value : "", x->cls, x->field,
                           SCHEMA_KEY_MAX);
    /* A directory that does not exist is read too: a transaction that
     * makes it meanwhile conflicts with this one. */
    r = store__batch_dir(&b, tx->id, store__path_index(x, key, NULL));
    if (r >= 0)
        r = store__batch_run(tx->s, &b);
    if (r >= 0 && b.q[0].err == ENOENT) {
        *ret = calloc(1, sizeof(**ret));
        *n = 0;
        r = *ret ? 0 : -ENOMEM;
    } else if (r >= 0 && b.q[0].err) {
        r = store__fail(tx->s, -b.q[0].err, "reading '%s': %s", b.q[0].path,
                        strerror(b.q[0].err));
    } else if (r >= 0) {
        r = store__dir_names(&b.q[0], ret, n);
    }
    store__batch_free(&b);
    return r;
}

/* ---- counters ---- */

static bool counter_name_valid(const char *name)
{
    size_t n = name ? strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-")
                    : 0;

    return n > 0 && n <= 32 && !name[n];
}

/* A counter's value: a decimal number from 0, or -1. */
int64_t store__counter_parse(const char *v)
{
    char *end;
    long long k;

    if (!v || !isdigit((unsigned char)*v) || (*v == '0' && v[1]))
        return -1;
    errno = 0;
    k = strtoll(v, &end, 10);
    return *end || errno ? -1 : (int64_t)k;
}

int store_tx_counter_get(store_tx *tx, const char *name, int64_t *ret)
{
    struct store_batch b = { 0 };
    int r;

    if (!tx || !ret)
        return -EINVAL;
    if (!counter_name_valid(name))
        return store__fail(tx->s, -EINVAL, "'%.64s' is not a counter name",
                           name ? name : "");
    /* A missing node is read too: a transaction that makes it meanwhile
     * conflicts with this one. */
    r = store__batch_read(&b, tx->id, store__path_counter(name));
    if (r >= 0)
        r = store__batch_run(tx->s, &b);
    if (r >= 0 && b.q[0].err == ENOENT)
        *ret = -1;
    else if (r >= 0 && b.q[0].err)
        r = store__fail(tx->s, -b.q[0].err, "reading '%s': %s", b.q[0].path,
                        strerror(b.q[0].err));
    else if (r >= 0)
        *ret = store__counter_parse(b.q[0].reply);
    store__batch_free(&b);
    return r;
}

int store_tx_counter_set(store_tx *tx, const char *name, int64_t value)
{
    struct store_batch b = { 0 };
    char v[24];
    int r;

    if (!tx)
        return -EINVAL;
    if (!counter_name_valid(name) || value < 0)
        return store__fail(tx->s, -EINVAL, "cannot set counter '%.64s' to "
                           "%lld: a name of [a-z0-9-] and a value from 0",
                           name ? name : "", (long long)value);
    snprintf(v, sizeof(v), "%lld", (long long)value);
    r = store__batch_write(&b, tx->id, store__path_counter(name), v);
    if (r >= 0)
        r = store__batch_run(tx->s, &b);
    if (r >= 0 && b.q[0].err)
        r = store__fail(tx->s, -b.q[0].err, "cannot write '%s': %s",
                        b.q[0].path, strerror(b.q[0].err));
    store__batch_free(&b);
    return r;
}

struct values_args {
    const struct schema_index *x;
    char **v;
    size_t n;
};

static int do_values(store *s, uint32_t tx, void *userdata)
{
    struct values_args *a = userdata;
    struct store_batch b = { 0 };
    int r;

    a->v = strv_free(a->v);
    a->n = 0;
    r = store__batch_dir(&b, tx, store__path_index(a->x, NULL, NULL));
    if (r >= 0)
        r = store__batch_run(s, &b);
    if (r >= 0 && b.q[0].err == ENOENT) {
        a->v = calloc(1, sizeof(*a->v));
        r = a->v ? 0 : -ENOMEM;
    } else if (r >= 0 && b.q[0].err) {
        r = store__fail(s, -b.q[0].err, "reading '%s': %s", b.q[0].path,
                        strerror(b.q[0].err));
    } else if (r >= 0) {
        r = store__dir_names(&b.q[0], &a->v, &a->n);
    }
    /* The names are escaped values. */
    for (size_t i = 0; r >= 0 && i < a->n; i++) {
        char *raw = NULL;

        if (schema_key_unescape(a->v[i], &raw) < 0)
            continue;                   /* not ours: store_check says */
        free(a->v[i]);
        a->v[i] = raw;
    }
    store__batch_free(&b);
    return r;
}

int store_index_values(store *s, const char *cls, enum schema_fid field,
                       char ***ret, size_t *n)
{
    struct values_args a = { 0 };
    int r;

    if (!s || !ret || !n)
        return -EINVAL;
    a.x = index_of(s, cls, field);
    if (!a.x)
        return -EINVAL;
    r = store__read_consistent(s, do_values, &a);
    if (r < 0) {
        strv_free(a.v);
        return r;
    }
    *ret = a.v;
    *n = a.n;
    return 0;
}

/* ---- trees: loads, migrations, checks ---- */

static struct tnode *child_or_new(struct tnode *t, const char *name)
{
    struct tnode *c = store__tnode_child(t, name);

    if (c)
        return c;
    c = store__tnode_new(name, "");
    /* add frees c when it fails */
    return c && store__tnode_add(t, c) >= 0 ? c : NULL;
}

int store__tree_index(const struct tnode *tree, struct tnode **ret)
{
    struct tnode *idx = store__tnode_new(SCHEMA_NODE_INDEX, "");

    if (!idx)
        return -ENOMEM;
    for (size_t k = 0; k < schema_n_indexes; k++) {
        const struct schema_index *x = &schema_indexes[k];
        const struct tnode *cn = store__tnode_child(tree, x->cls);
        struct tnode *xc, *xf;

        if (!cn || !cn->n_children)
            continue;
        xc = child_or_new(idx, x->cls);
        xf = xc ? child_or_new(xc, x->field) : NULL;
        if (!xf)
            goto oom;
        for (size_t j = 0; j < cn->n_children; j++) {
            const struct tnode *o = cn->children[j];
            const struct tnode *f = store__tnode_child(o, x->field);
            _cleanup_free_ char *key = index_key(f ? f->value : NULL);
            struct tnode *v, *m;

            if (!key)
                continue;
            v = child_or_new(xf, key);
            m = v ? store__tnode_new(o->name, "") : NULL;
            if (!m || store__tnode_add(v, m) < 0)
                goto oom;
        }
        if (!xf->n_children)
            store__tnode_remove(xc, x->field);
        if (!xc->n_children)
            store__tnode_remove(idx, x->cls);
    }
    store__tnode_sort(idx);
    *ret = idx;
    return 0;
oom:
    store__tnode_free(idx);
    return -ENOMEM;
}
