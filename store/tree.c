/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generic trees of nodes: dumps of SCHEMA_ROOT and the staged rewrite. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store/internal.h"

#define LOAD_TX_ATTEMPTS 64

struct tnode *store__tnode_new(const char *name, const char *value)
{
    struct tnode *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    t->name = strdup(name);
    t->value = strdup(value ? value : "");
    if (!t->name || !t->value)
        return store__tnode_free(t);
    return t;
}

struct tnode *store__tnode_free(struct tnode *t)
{
    size_t i;

    if (!t)
        return NULL;
    for (i = 0; i < t->n_children; i++)
        store__tnode_free(t->children[i]);
    free(t->children);
    free(t->name);
    free(t->value);
    free(t);
    return NULL;
}

/* Index where name is or would be, among the sorted children. */
static size_t find_slot(const struct tnode *t, const char *name, bool *found)
{
    size_t lo = 0, hi = t->n_children;

    *found = false;
    /* Appending in order (parses, dumps) is the common case. */
    if (hi > 0 && strcmp(t->children[hi - 1]->name, name) < 0)
        return hi;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(t->children[mid]->name, name);

        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int store__tnode_add(struct tnode *parent, struct tnode *child)
{
    struct tnode **v;
    bool found;
    size_t at;

    if (!child)
        return -ENOMEM;
    at = find_slot(parent, child->name, &found);
    if (found) {
        store__tnode_free(child);
        return -EEXIST;
    }
    v = realloc(parent->children, (parent->n_children + 1) * sizeof(*v));
    if (!v) {
        store__tnode_free(child);
        return -ENOMEM;
    }
    parent->children = v;
    memmove(v + at + 1, v + at, (parent->n_children - at) * sizeof(*v));
    v[at] = child;
    parent->n_children++;
    return 0;
}

struct tnode *store__tnode_child(const struct tnode *t, const char *name)
{
    bool found;
    size_t at;

    if (!t)
        return NULL;
    at = find_slot(t, name, &found);
    return found ? t->children[at] : NULL;
}

int store__tnode_remove(struct tnode *t, const char *name)
{
    bool found;
    size_t at = find_slot(t, name, &found);

    if (!found)
        return -ENOENT;
    store__tnode_free(t->children[at]);
    memmove(t->children + at, t->children + at + 1,
            (t->n_children - at - 1) * sizeof(*t->children));
    t->n_children--;
    return 0;
}

static int cmp_node(const void *a, const void *b)
{
    return strcmp((*(struct tnode *const *)a)->name,
                  (*(struct tnode *const *)b)->name);
}

void store__tnode_sort(struct tnode *t)
{
    size_t i;

    if (t->n_children > 1)
        qsort(t->children, t->n_children, sizeof(*t->children), cmp_node);
    for (i = 0; i < t->n_children; i++)
        store__tnode_sort(t->children[i]);
}

bool store__tnode_equal(const struct tnode *a, const struct tnode *b)
{
    size_t i;

    if (strcmp(a->name, b->name) || a->n_children != b->n_children)
        return false;
    /* A directory's own value is not kept (it is "" in our layout). */
    if (!a->n_children && strcmp(a->value, b->value))
        return false;
    for (i = 0; i < a->n_children; i++)
        if (!store__tnode_equal(a->children[i], b->children[i]))
            return false;
    return true;
}

static int add_leaf(struct tnode *parent, const char *name, const char *value)
{
    return store__tnode_add(parent, store__tnode_new(name, value));
}

int store__record_to_tnode(const store_record *r, struct tnode **ret)
{
    struct tnode *o = store__tnode_new(r->uuid, "");
    size_t i, j;
    int k;

    if (!o)
        return -ENOMEM;
    k = add_leaf(o, "uuid", r->uuid);
    for (i = 1; k >= 0 && i < r->cls->n_fields; i++) {
        const struct schema_field *f = &r->cls->fields[i];
        const struct store_rfield *v = &r->f[i];
        struct tnode *d;

        /* As a create writes it: no node for a field at its default. */
        if (!schema_field_stored(f) || !v->present ||
            store__field_left_out(r, i))
            continue;
        if (!schema_field_is_dir(f)) {
            k = add_leaf(o, f->name, v->value ? v->value : "");
            continue;
        }
        d = store__tnode_new(f->name, "");
        if (!d) {
            k = -ENOMEM;
            break;
        }
        for (j = 0; k >= 0 && j < v->n_members; j++)
            k = add_leaf(d, v->members[j], "");
        for (j = 0; k >= 0 && j < v->n_entries; j++) {
            const char *why;
            char *esc;

            k = schema_key_escape(v->entries[j].key, &esc, &why);
            if (k >= 0) {
                k = add_leaf(d, esc, v->entries[j].value);
                free(esc);
            }
        }
        if (k < 0) {
            store__tnode_free(d);
            break;
        }
        k = store__tnode_add(o, d);
    }
    if (k < 0) {
        store__tnode_free(o);
        return k;
    }
    *ret = o;
    return 0;
}

/* Everything under SCHEMA_ROOT, breadth first: one batch per level. */
int store__tree_dump(store *s, uint32_t tx, struct tnode **ret)
{
    struct tnode *root, **level = NULL, **next = NULL;
    char **paths = NULL, **next_paths = NULL;
    size_t n = 1, n_next, i;
    int r = 0;

    root = store__tnode_new(SCHEMA_ROOT, "");
    level = calloc(1, sizeof(*level));
    paths = calloc(1, sizeof(*paths));
    if (!root || !level || !paths) {
        r = -ENOMEM;
        goto out;
    }
    level[0] = root;
    paths[0] = strdup(SCHEMA_ROOT);
    if (!paths[0]) {
        r = -ENOMEM;
        goto out;
    }
    while (n > 0) {
        struct store_batch b = { 0 };

        for (i = 0; i < n && r >= 0; i++) {
            r = store__batch_read(&b, tx, strdup(paths[i]));
            if (r >= 0)
                r = store__batch_dir(&b, tx, strdup(paths[i]));
        }
        if (r >= 0)
            r = store__batch_run(s, &b);
        n_next = 0;
        for (i = 0; i < n && r >= 0; i++) {
            const struct wire_req *qv = &b.q[2 * i], *qd = &b.q[2 * i + 1];
            const char *p, *end;

            /* Gone meanwhile: a journal entry flushed by another writer
             * between our read and our directory request (objects that
             * vanish change the generation, which the caller checks). */
            if (qv->err == ENOENT || qd->err == ENOENT)
                continue;
            if (qv->err || qd->err) {
                r = store__fail(s, -(qv->err ? qv->err : qd->err),
                                "reading '%s': %s", paths[i],
                                strerror(qv->err ? qv->err : qd->err));
                break;
            }
            free(level[i]->value);
            level[i]->value = strdup(qv->reply);
            if (!level[i]->value) {
                r = -ENOMEM;
                break;
            }
            for (p = qd->reply, end = qd->reply + qd->reply_len; p < end;
                 p += strlen(p) + 1) {
                struct tnode *c = store__tnode_new(p, "");
                struct tnode **t1;
                char **t2;

                t1 = realloc(next, (n_next + 1) * sizeof(*t1));
                if (t1)
                    next = t1;
                t2 = realloc(next_paths, (n_next + 1) * sizeof(*t2));
                if (t2)
                    next_paths = t2;
                if (!c || !t1 || !t2) {
                    store__tnode_free(c);
                    r = -ENOMEM;
                    break;
                }
                if (asprintf(&next_paths[n_next], "%s/%s", paths[i], p) < 0) {
                    store__tnode_free(c);
                    r = -ENOMEM;
                    break;
                }
                next[n_next++] = c;
                r = store__tnode_add(level[i], c);
                if (r < 0) {
                    free(next_paths[--n_next]);
                    break;
                }
            }
        }
        store__batch_free(&b);
        for (i = 0; i < n; i++)
            free(paths[i]);
        free(paths);
        free(level);
        paths = next_paths;
        level = next;
        n = n_next;
        next = NULL;
        next_paths = NULL;
        if (r < 0)
            goto out;
    }
out:
    for (i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
    free(level);
    if (r < 0) {
        store__tnode_free(root);
        return r;
    }
    *ret = root;
    return 0;
}

int store__tree_rebuild_inverses(struct tnode *tree)
{
    size_t ci, j, i;
    int r = 0;

    /* Empty every maintained field. */
    for (ci = 0; ci < tree->n_children && r >= 0; ci++) {
        struct tnode *cn = tree->children[ci];
        const struct schema_class *c = schema_class_find_exact(cn->name);

        if (!c)
            continue;
        for (i = 1; i < c->n_fields && r >= 0; i++) {
            const struct schema_field *f = &c->fields[i];

            if (!schema_field_maintained_by(c, f, NULL))
                continue;
            for (j = 0; j < cn->n_children && r >= 0; j++) {
                store__tnode_remove(cn->children[j], f->name);
                r = store__tnode_add(cn->children[j],
                                     store__tnode_new(f->name, ""));
            }
        }
    }
    /* Fill them from the references. */
    for (ci = 0; ci < tree->n_children && r >= 0; ci++) {
        struct tnode *cn = tree->children[ci];
        const struct schema_class *c = schema_class_find_exact(cn->name);

        if (!c)
            continue;
        for (i = 1; i < c->n_fields && r >= 0; i++) {
            const struct schema_class *tc = NULL;
            const struct schema_field *inv =
                schema_field_inverse(&c->fields[i], &tc);

            if (!inv)
                continue;
            for (j = 0; j < cn->n_children && r >= 0; j++) {
                struct tnode *o = cn->children[j], *ref, *t, *n;

                ref = store__tnode_child(o, c->fields[i].name);
                if (!ref || !schema_uuid_valid(ref->value))
                    continue;
                t = store__tnode_child(store__tnode_child(tree, tc->name),
                                       ref->value);
                n = t ? store__tnode_child(t, inv->name) : NULL;
                if (!n)
                    continue;           /* dangling: the check says so */
                if (inv->type == SCHEMA_SET_REF) {
                    r = store__tnode_add(n, store__tnode_new(o->name, ""));
                    if (r == -EEXIST)
                        r = 0;
                } else if (!*n->value) {
                    free(n->value);
                    n->value = strdup(o->name);
                    if (!n->value)
                        r = -ENOMEM;
                }
            }
        }
    }
    return r;
}

/* Queue the writes of one subtree at path. */
static int queue_subtree(struct store_batch *b, const char *path,
                         const struct tnode *t)
{
    size_t i;
    int r;

    if (t->n_children == 0)
        return store__batch_write(b, 0, strdup(path), t->value);
    if (*t->value)
        r = store__batch_write(b, 0, strdup(path), t->value);
    else
        r = store__batch_add(b, XS_MKDIR, 0, strdup(path), NULL, 0, false);
    for (i = 0; r >= 0 && i < t->n_children; i++) {
        char *p;

        if (asprintf(&p, "%s/%s", path, t->children[i]->name) < 0)
            return -ENOMEM;
        r = queue_subtree(b, p, t->children[i]);
        free(p);
    }
    return r;
}

static int batch_errors(store *s, const struct store_batch *b)
{
    size_t i;

    for (i = 0; i < b->n; i++)
        if (b->q[i].err && !(b->q[i].type == XS_RM && b->q[i].err == ENOENT))
            return store__fail(s, -b->q[i].err, "cannot write '%s': %s "
                               "(the load stopped; run it again)",
                               b->q[i].path, strerror(b->q[i].err));
    return 0;
}

/* Step 1: claim the tree (restoring marker), or refuse. */
static int load_begin(store *s, unsigned flags, const char *marker)
{
    struct store_batch b = { 0 };
    struct store_head h;
    char gen[17];
    uint32_t id;
    int r, attempt;

    for (attempt = 0; attempt < LOAD_TX_ATTEMPTS; attempt++) {
        r = store__tx_begin(s, &id);
        if (r < 0)
            return r;
        r = store__read_head(s, id, &h, true);
        if (r >= 0 && !(flags & STORE_LOAD_REPLACE) && !h.restoring &&
            (h.has_objects || h.version >= 0)) {
            /* Not empty: only the bare root of a fresh store is empty. */
            struct tnode *t = NULL;

            r = store__tree_dump(s, id, &t);
            if (r >= 0) {
                size_t i;

                for (i = 0; i < t->n_children; i++)
                    if (schema_class_find_exact(t->children[i]->name) &&
                        t->children[i]->n_children)
                        r = store__fail(s, -EEXIST, "the store under '%s' is "
                                        "not empty: loading would replace "
                                        "it (use replace to do that)",
                                        SCHEMA_ROOT);
            }
            store__tnode_free(t);
        }
        if (r >= 0)
            r = store__random_id(gen);
        if (r >= 0)
            r = store__batch_add(&b, XS_MKDIR, id, strdup(SCHEMA_ROOT), NULL,
                                 0, false);
        if (r >= 0)
            r = store__batch_add(&b, XS_SET_PERMS, id, strdup(SCHEMA_ROOT),
                                 "n0", 2, true);
        if (r >= 0)
            r = store__batch_write(&b, id,
                                   store__path_meta(SCHEMA_NODE_RESTORING),
                                   marker);
        if (r >= 0)
            r = store__batch_rm(&b, id,
                                store__path_meta(SCHEMA_NODE_VERSION));
        if (r >= 0)
            r = store__batch_write(&b, id,
                                   store__path_meta(SCHEMA_NODE_GENERATION),
                                   gen);
        if (r >= 0)
            r = store__batch_run(s, &b);
        if (r >= 0)
            r = batch_errors(s, &b);
        store__batch_free(&b);
        if (r < 0) {
            int saved = s->last_errno;
            char msg[STORE_ERROR_MAX];

            memcpy(msg, s->last_error, sizeof(msg));
            store__tx_end(s, id, false);
            memcpy(s->last_error, msg, sizeof(msg));
            s->last_errno = saved;
            return r;
        }
        r = store__tx_end(s, id, true);
        if (r != -EAGAIN)
            return r;
    }
    return r;
}

/* Step 4: publish the version, drop the marker, if it is still ours. */
static int load_end(store *s, const char *marker)
{
    struct store_batch b = { 0 };
    char gen[17], version[16];
    uint32_t id;
    int r, attempt;

    snprintf(version, sizeof(version), "%d", SCHEMA_VERSION);
    for (attempt = 0; attempt < LOAD_TX_ATTEMPTS; attempt++) {
        r = store__tx_begin(s, &id);
        if (r < 0)
            return r;
        r = store__batch_read(&b, id, store__path_meta(SCHEMA_NODE_RESTORING));
        if (r >= 0)
            r = store__batch_run(s, &b);
        if (r >= 0 && (b.q[0].err || strcmp(b.q[0].reply, marker) != 0))
            r = store__fail(s, -EBUSY, "another load or migration took over "
                            "the store while this one wrote it: let that one "
                            "finish");
        store__batch_free(&b);
        if (r >= 0)
            r = store__random_id(gen);
        if (r >= 0)
            r = store__batch_write(&b, id,
                                   store__path_meta(SCHEMA_NODE_VERSION),
                                   version);
        if (r >= 0)
            r = store__batch_write(&b, id,
                                   store__path_meta(SCHEMA_NODE_GENERATION),
                                   gen);
        if (r >= 0)
            r = store__batch_rm(&b, id,
                                store__path_meta(SCHEMA_NODE_RESTORING));
        if (r >= 0)
            r = store__batch_run(s, &b);
        if (r >= 0)
            r = batch_errors(s, &b);
        store__batch_free(&b);
        if (r < 0) {
            store__tx_end(s, id, false);
            return r;
        }
        r = store__tx_end(s, id, true);
        if (r != -EAGAIN)
            return r;
    }
    return r;
}

int store__tree_load(store *s, const struct tnode *tree, unsigned flags)
{
    struct store_batch b = { 0 };
    struct tnode *old = NULL;
    char marker[17];
    size_t i;
    int r;

    r = store__random_id(marker);
    if (r < 0)
        return store__fail(s, r, "no randomness from the kernel");
    r = load_begin(s, flags, marker);
    if (r < 0)
        return r;
    /* Step 2: remove everything but the marker and the generation. */
    r = store__tree_dump(s, 0, &old);
    for (i = 0; r >= 0 && i < old->n_children; i++) {
        const char *name = old->children[i]->name;

        if (!strcmp(name, SCHEMA_NODE_RESTORING) ||
            !strcmp(name, SCHEMA_NODE_GENERATION))
            continue;
        r = store__batch_rm(&b, 0, store__path_meta(name));
    }
    store__tnode_free(old);
    if (r >= 0)
        r = store__batch_run(s, &b);
    if (r >= 0)
        r = batch_errors(s, &b);
    store__batch_free(&b);
    /* Step 3: write every object, pipelined without a transaction (the
     * C xenstored's transactions grow quadratically: docs/store.md). */
    for (i = 0; r >= 0 && i < tree->n_children; i++) {
        const struct tnode *cn = tree->children[i];
        const struct schema_class *c = schema_class_find_exact(cn->name);
        size_t j;

        if (!c)
            continue;
        for (j = 0; r >= 0 && j < cn->n_children; j++) {
            char *p = store__path_object(c, cn->children[j]->name);

            r = p ? queue_subtree(&b, p, cn->children[j]) : -ENOMEM;
            free(p);
        }
    }
    /* The indexes, built from the objects (not in snapshots). */
    if (r >= 0) {
        struct tnode *idx = NULL;
        char *p = NULL;

        r = store__tree_index(tree, &idx);
        if (r >= 0 && idx->n_children) {
            p = store__path_meta(SCHEMA_NODE_INDEX);
            r = p ? queue_subtree(&b, p, idx) : -ENOMEM;
        }
        free(p);
        store__tnode_free(idx);
    }
    if (r >= 0)
        r = store__batch_run(s, &b);
    if (r >= 0)
        r = batch_errors(s, &b);
    store__batch_free(&b);
    if (r < 0)
        return r;
    return load_end(s, marker);
}
