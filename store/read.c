/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading records: schema-guided, batched, validated, consistent. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store/internal.h"

#define CONSISTENT_TRIES 4      /* seqlock tries before a read transaction */
#define READ_TX_TRIES 8

int store__read_head(store *s, uint32_t tx, struct store_head *h,
                     bool want_objects)
{
    struct store_batch b = { 0 };
    struct store_head out = { .version = -1 };
    int r;

    r = store__batch_read(&b, tx, store__path_meta(SCHEMA_NODE_GENERATION));
    if (r >= 0)
        r = store__batch_read(&b, tx, store__path_meta(SCHEMA_NODE_VERSION));
    if (r >= 0)
        r = store__batch_read(&b, tx,
                              store__path_meta(SCHEMA_NODE_RESTORING));
    if (r >= 0)
        r = store__batch_run(s, &b);
    if (r < 0)
        goto out;
    if (!b.q[0].err)
        snprintf(out.generation, sizeof(out.generation), "%s",
                 b.q[0].reply);
    if (!b.q[1].err) {
        char *end;
        long v = strtol(b.q[1].reply, &end, 10);

        if (!*b.q[1].reply || *end || v < 0 || v > 1000000) {
            r = store__fail(s, -EBADMSG, "'%s/%s' holds '%s', not a schema "
                            "version: the store is damaged, restore it from "
                            "the snapshot", SCHEMA_ROOT, SCHEMA_NODE_VERSION,
                            b.q[1].reply);
            goto out;
        }
        out.version = (int)v;
    }
    out.restoring = !b.q[2].err;
    if (want_objects && out.version < 0) {
        size_t i;

        /* No version: an empty store, or one written before versions.
         * Outside a transaction the first write may commit between our
         * reads (version and objects at once): the version is read again
         * after the class directories, in the same batch. */
        store__batch_free(&b);
        for (i = 0; i < schema_n_classes && r >= 0; i++)
            r = store__batch_dir(&b, tx,
                                 store__path_class(schema_classes[i]));
        if (r >= 0)
            r = store__batch_read(&b, tx,
                                  store__path_meta(SCHEMA_NODE_VERSION));
        if (r >= 0)
            r = store__batch_run(s, &b);
        for (i = 0; r >= 0 && i < schema_n_classes; i++)
            if (!b.q[i].err && b.q[i].reply_len > 0)
                out.has_objects = true;
        if (r >= 0 && !b.q[schema_n_classes].err) {
            char *end;
            long v = strtol(b.q[schema_n_classes].reply, &end, 10);

            if (*b.q[schema_n_classes].reply && !*end && v >= 0 &&
                v <= 1000000)
                out.version = (int)v;
        }
    }
out:
    store__batch_free(&b);
    if (r >= 0)
        *h = out;
    return r < 0 ? r : 0;
}

int store__head_check(store *s, const struct store_head *h)
{
    if (h->restoring)
        return store__fail(s, -EAGAIN, "the store under '%s' is being "
                           "restored or migrated ('%s' is set): retry when "
                           "that finishes; if nothing runs, an earlier one "
                           "was interrupted: run 'xen-sriov-store load' "
                           "again", SCHEMA_ROOT, SCHEMA_NODE_RESTORING);
    if (h->version < 0 && h->has_objects)
        return store__fail(s, -EPROTO, "the store under '%s' has no '%s' "
                           "(schema version 0): migrate it with "
                           "'xen-sriov-store migrate'", SCHEMA_ROOT,
                           SCHEMA_NODE_VERSION);
    if (h->version > SCHEMA_VERSION)
        return store__fail(s, -EPROTO, "the store under '%s' was written by "
                           "a newer xen-sriov (schema version %d, this one "
                           "knows %d): upgrade xen-sriov", SCHEMA_ROOT,
                           h->version, SCHEMA_VERSION);
    if (h->version >= 0 && h->version < SCHEMA_VERSION)
        return store__fail(s, -EPROTO, "the store under '%s' has schema "
                           "version %d, this xen-sriov uses %d: migrate it "
                           "with 'xen-sriov-store migrate'", SCHEMA_ROOT,
                           h->version, SCHEMA_VERSION);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int store__read_uuids(store *s, uint32_t tx, const struct schema_class *c,
                      char ***ret, size_t *n)
{
    struct store_batch b = { 0 };
    char **v = NULL;
    size_t k = 0;
    int r;

    r = store__batch_dir(&b, tx, store__path_class(c));
    if (r >= 0)
        r = store__batch_run(s, &b);
    if (r < 0)
        goto out;
    if (b.q[0].err == ENOENT) {
        v = calloc(1, sizeof(*v));
        r = v ? 0 : -ENOMEM;
    } else if (b.q[0].err) {
        r = store__fail(s, -b.q[0].err, "reading '%s': %s", b.q[0].path,
                        strerror(b.q[0].err));
    } else {
        r = store__dir_names(&b.q[0], &v, &k);
        if (r >= 0 && k)
            qsort(v, k, sizeof(*v), cmp_str);
    }
out:
    store__batch_free(&b);
    if (r < 0)
        return r;
    *ret = v;
    *n = k;
    return 0;
}

/* Does the record's stored text match one filter term? */
static bool term_matches(const struct schema_class *c,
                         const struct schema_field *f,
                         const struct wire_req *q, const char *value)
{
    if (q->err == ENOENT && store__field_omittable(c, f))
        return f->type != SCHEMA_SET_STRING &&
               strcmp(store__field_default(f), value) == 0;
    if (q->err)
        return false;
    if (f->type == SCHEMA_SET_REF)
        return true;                    /* the member node exists */
    if (f->type == SCHEMA_SET_STRING) {
        const char *p = q->reply;
        size_t len = strlen(value);

        while (*p) {
            const char *comma = strchr(p, ',');
            size_t wl = comma ? (size_t)(comma - p) : strlen(p);

            if (wl == len && memcmp(p, value, len) == 0)
                return true;
            p += wl + (comma ? 1 : 0);
        }
        return false;
    }
    return strcmp(q->reply, value) == 0;
}

/* Keep the uuids whose records match every term. */
static int filter_uuids(store *s, uint32_t tx, const struct schema_class *c,
                        char **uuids, size_t n_uuids,
                        const struct store_match *match, size_t n_match,
                        char ***ret, size_t *n)
{
    const struct schema_field **fs;
    struct store_batch b = { 0 };
    char **keep = NULL;
    size_t i, j, k = 0;
    int r = 0;

    fs = calloc(n_match, sizeof(*fs));
    keep = calloc(n_uuids + 1, sizeof(*keep));
    if (!fs || !keep) {
        r = -ENOMEM;
        goto out;
    }
    for (j = 0; j < n_match; j++) {
        fs[j] = schema_field_by_fid(c, match[j].field);
        if (!fs[j] || !match[j].value || !schema_field_stored(fs[j]) ||
            fs[j]->type == SCHEMA_MAP) {
            r = store__fail(s, -EINVAL, "cannot filter %s records on '%s': "
                            "not a stored scalar or set field of %s",
                            c->name, schema_fid_name(match[j].field) ?: "",
                            c->name);
            goto out;
        }
    }
    for (i = 0; i < n_uuids && r >= 0; i++)
        for (j = 0; j < n_match && r >= 0; j++) {
            if (fs[j] == &c->fields[0])
                r = store__batch_read(&b, tx, store__path_field(
                                          c, uuids[i], "uuid"));
            else if (fs[j]->type == SCHEMA_SET_REF)
                /* A member node: "" is read when the value is a member. */
                r = store__batch_read(&b, tx, store__path_child(
                                          c, uuids[i], fs[j]->name,
                                          schema_uuid_valid(match[j].value)
                                          ? match[j].value : "-"));
            else
                r = store__batch_read(&b, tx, store__path_field(
                                          c, uuids[i], fs[j]->name));
        }
    if (r >= 0)
        r = store__batch_run(s, &b);
    if (r < 0)
        goto out;
    for (i = 0; i < n_uuids; i++) {
        bool ok = true;

        for (j = 0; j < n_match && ok; j++)
            ok = term_matches(c, fs[j], &b.q[i * n_match + j],
                              match[j].value);
        if (ok) {
            keep[k] = strdup(uuids[i]);
            if (!keep[k]) {
                r = -ENOMEM;
                goto out;
            }
            k++;
        }
    }
    *ret = TAKE_PTR(keep);
    *n = k;
out:
    strv_free(keep);
    free(fs);
    store__batch_free(&b);
    return r < 0 ? r : 0;
}

/* Fields read for a record: stored ones, without the maintained (inverse)
 * fields when reading for the snapshot (STORE__READ_PRIMARY). */
static bool skip_field(const struct schema_class *c, size_t i, unsigned flags)
{
    const struct schema_field *f = &c->fields[i];

    if (!schema_field_stored(f))
        return true;
    return (flags & STORE__READ_PRIMARY) &&
           schema_field_maintained_by(c, f, NULL);
}

/* One record's problem, for the message. */
static int bad(char *why_buf, size_t size, const struct schema_class *c,
               const char *uuid, const char *field, const char *value,
               const char *why)
{
    if (value)
        snprintf(why_buf, size, "%s %s: field '%s' = '%.64s' is %s; fix or "
                 "destroy the object (xen-sriov-store check lists every "
                 "problem)", c->name, uuid, field, value, why);
    else
        snprintf(why_buf, size, "%s %s: field '%s' is %s; fix or destroy "
                 "the object (xen-sriov-store check lists every problem)",
                 c->name, uuid, field, why);
    return -EBADMSG;
}

/*
 * Build one record from its replies (stage 1 at q1, stage 2 map reads at
 * q2, consumed in field order).  Returns 1 for a record, 0 when every node
 * was missing (the object is gone), -EBADMSG with the reason in why.
 */
static int build_record(const struct schema_class *c, const char *uuid,
                        const struct wire_req *q1,
                        const struct wire_req **q2, unsigned flags,
                        store_record **ret, char *why, size_t why_size)
{
    _cleanup_(store_record_freep) store_record *rec = NULL;
    size_t i, k = 0, missing = 0, stored = 0;
    int r;

    r = store__record_alloc(&rec, c, false);
    if (r < 0)
        return r;
    memcpy(rec->uuid, uuid, sizeof(rec->uuid));
    for (i = 1; i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];
        const struct wire_req *q;
        const char *w;

        if (skip_field(c, i, flags))
            continue;
        q = &q1[k++];
        stored++;
        if (q->err == ENOENT) {
            missing++;
            if (f->flags & SCHEMA_REQUIRED)
                r = bad(why, why_size, c, uuid, f->name, NULL, "missing");
            if (f->type == SCHEMA_MAP && !(f->flags & SCHEMA_REQUIRED))
                rec->f[i].present = true;       /* an empty map */
            /* A create leaves fields at their default out. */
            else if (store__field_omittable(c, f) &&
                     store__record_put_value(rec, i,
                                             store__field_default(f)) < 0)
                return -ENOMEM;
            continue;
        }
        if (q->err) {
            char e[64];

            snprintf(e, sizeof(e), "unreadable (%s)", strerror(q->err));
            r = bad(why, why_size, c, uuid, f->name, NULL, e);
            continue;
        }
        if (f->type == SCHEMA_SET_REF) {
            const char *p = q->reply, *end = q->reply + q->reply_len;

            rec->f[i].present = true;
            for (; p < end; p += strlen(p) + 1) {
                if (!schema_uuid_valid(p)) {
                    r = bad(why, why_size, c, uuid, f->name, p,
                            "a member that is not a UUID");
                    break;
                }
                if (store__record_put_member(rec, i, p) < 0)
                    return -ENOMEM;
            }
            continue;
        }
        if (f->type == SCHEMA_MAP) {
            const char *p = q->reply, *end = q->reply + q->reply_len;

            rec->f[i].present = true;
            for (; p < end; p += strlen(p) + 1) {
                const struct wire_req *v = (*q2)++;
                _cleanup_free_ char *key = NULL;

                if (v->err == ENOENT)
                    continue;           /* removed meanwhile */
                if (schema_key_unescape(p, &key) < 0) {
                    r = bad(why, why_size, c, uuid, f->name, p,
                            "a map key that is not escaped");
                    continue;
                }
                if (v->err || schema_value_check(f, v->reply, &w) < 0) {
                    r = bad(why, why_size, c, uuid, f->name, v->reply,
                            v->err ? "unreadable" : w);
                    continue;
                }
                if (store__record_put_entry(rec, i, key, v->reply) < 0)
                    return -ENOMEM;
            }
            continue;
        }
        if (schema_value_check(f, q->reply, &w) < 0) {
            r = bad(why, why_size, c, uuid, f->name, q->reply, w);
            continue;
        }
        if (store__record_put_value(rec, i, q->reply) < 0)
            return -ENOMEM;
    }
    if (missing == stored)
        return 0;
    if (r < 0)
        return r;
    r = store__record_finish(rec);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(rec);
    return 1;
}

/*
 * What store__read_records() reads, in two batches: stage 1 every stored
 * field of every selected record (a directory listing for maps and sets),
 * stage 2 the value of every map entry stage 1 listed.
 */
struct read_plan {
    store *s;
    uint32_t tx;
    const struct schema_class *c;
    unsigned flags;
    char **sel;                      /* the records to read */
    size_t n_sel;
    size_t n_stored;                 /* fields read per record */
    struct store_batch fields;       /* stage 1: n_stored per record */
    struct store_batch entries;      /* stage 2: map entries, in order */
    size_t *first_entry;             /* per record: its first in entries */
    int skipped;                     /* records left out (SKIP_INVALID) */
    char why[STORE_ERROR_MAX];
};

/* One record that cannot be read: an error, or skipped with the first
 * reason kept as the store's last error. */
static int skip_or_fail(struct read_plan *rp, int r)
{
    if (!(rp->flags & STORE_LIST_SKIP_INVALID))
        return store__fail(rp->s, r, "%s", rp->why);
    if (!rp->skipped++)
        store__fail(rp->s, r, "%s", rp->why);
    return 0;
}

/* The names that are UUIDs (others are not records), borrowed. */
static int keep_uuids(struct read_plan *rp, char **uuids, size_t n_uuids,
                      char ***ret, size_t *ret_n)
{
    char **good;
    size_t n = 0;
    int r;

    good = calloc(n_uuids + 1, sizeof(*good));
    if (!good)
        return -ENOMEM;
    for (size_t i = 0; i < n_uuids; i++) {
        if (schema_uuid_valid(uuids[i])) {
            good[n++] = uuids[i];
            continue;
        }
        snprintf(rp->why, sizeof(rp->why), "%s: node '%s/%s/%s' is not a "
                 "UUID: remove it (xenstore-rm)", rp->c->name, SCHEMA_ROOT,
                 rp->c->name, uuids[i]);
        r = skip_or_fail(rp, -EBADMSG);
        if (r < 0) {
            free(good);
            return r;
        }
    }
    *ret = good;
    *ret_n = n;
    return 0;
}

/* Stage 1: every stored field of every selected record. */
static int read_fields(struct read_plan *rp)
{
    const struct schema_class *c = rp->c;
    int r = 0;

    for (size_t i = 0; i < rp->n_sel && r >= 0; i++)
        for (size_t k = 1; k < c->n_fields && r >= 0; k++) {
            const struct schema_field *f = &c->fields[k];
            char *p;

            if (skip_field(c, k, rp->flags))
                continue;
            p = store__path_field(c, rp->sel[i], f->name);
            r = schema_field_is_dir(f) ? store__batch_dir(&rp->fields,
                                                          rp->tx, p)
                                       : store__batch_read(&rp->fields,
                                                           rp->tx, p);
        }
    return r < 0 ? r : store__batch_run(rp->s, &rp->fields);
}

/* Stage 2: the value of each entry of each map stage 1 listed, noting
 * where each record's entries begin. */
static int read_map_entries(struct read_plan *rp)
{
    const struct schema_class *c = rp->c;
    const struct wire_req *q = rp->fields.q;
    int r = 0;

    rp->first_entry = calloc(rp->n_sel + 1, sizeof(*rp->first_entry));
    if (!rp->first_entry)
        return -ENOMEM;
    for (size_t i = 0; r >= 0 && i < rp->n_sel; i++) {
        rp->first_entry[i] = rp->entries.n;
        for (size_t k = 1; k < c->n_fields && r >= 0; k++) {
            const struct schema_field *f = &c->fields[k];
            const char *p, *end;

            if (skip_field(c, k, rp->flags))
                continue;
            if (f->type != SCHEMA_MAP || q->err) {
                q++;
                continue;
            }
            for (p = q->reply, end = q->reply + q->reply_len;
                 p < end && r >= 0; p += strlen(p) + 1)
                r = store__batch_read(&rp->entries, rp->tx,
                                      store__path_child(c, rp->sel[i],
                                                        f->name, p));
            q++;
        }
    }
    return r < 0 ? r : store__batch_run(rp->s, &rp->entries);
}

/* The records from the replies; the gone and (when skipped) the bad left
 * out. */
static int build_records(struct read_plan *rp, bool missing_is_error,
                         store_record ***ret, size_t *n)
{
    store_record **out;
    size_t n_out = 0;
    int r;

    out = calloc(rp->n_sel + 1, sizeof(*out));
    if (!out)
        return -ENOMEM;
    for (size_t i = 0; i < rp->n_sel; i++) {
        const struct wire_req *entries = rp->entries.q + rp->first_entry[i];
        store_record *rec = NULL;

        r = build_record(rp->c, rp->sel[i],
                         &rp->fields.q[i * rp->n_stored], &entries,
                         rp->flags, &rec, rp->why, sizeof(rp->why));
        if (r == 0 && missing_is_error)
            r = store__fail(rp->s, -ENOENT, "%s %s does not exist",
                            rp->c->name, rp->sel[i]);
        else if (r == 0)
            continue;                   /* gone meanwhile */
        else if (r < 0 && r != -ENOMEM)
            r = skip_or_fail(rp, r);
        if (r < 0) {
            store_record_list_free(out, n_out);
            return r;
        }
        if (rec)
            out[n_out++] = rec;
    }
    *ret = out;
    *n = n_out;
    return 0;
}

int store__read_records(store *s, uint32_t tx, const struct schema_class *c,
                        char **uuids, size_t n_uuids,
                        const struct store_match *match, size_t n_match,
                        unsigned flags, bool missing_is_error,
                        store_record ***ret, size_t *n)
{
    struct read_plan rp = { .s = s, .tx = tx, .c = c, .flags = flags };
    char **good = NULL;
    size_t n_good = 0;
    int r;

    r = keep_uuids(&rp, uuids, n_uuids, &good, &n_good);
    if (r < 0)
        return r;
    if (n_match) {
        r = filter_uuids(s, tx, c, good, n_good, match, n_match, &rp.sel,
                         &rp.n_sel);
        free(good);
        good = NULL;
        if (r < 0)
            return r;
    } else {
        rp.sel = good;
        rp.n_sel = n_good;
    }
    for (size_t i = 1; i < c->n_fields; i++)
        rp.n_stored += !skip_field(c, i, flags);
    r = read_fields(&rp);
    if (r >= 0)
        r = read_map_entries(&rp);
    if (r >= 0)
        r = build_records(&rp, missing_is_error, ret, n);
    if (r >= 0)
        r = rp.skipped;
    if (good)
        free(good);                     /* rp.sel borrowed its names */
    else
        strv_free(rp.sel);
    free(rp.first_entry);
    store__batch_free(&rp.fields);
    store__batch_free(&rp.entries);
    return r;
}

int store__read_consistent(store *s,
                           int (*fn)(store *s, uint32_t tx, void *userdata),
                           void *userdata)
{
    struct store_head h1, h2;
    int r, attempt;

    for (attempt = 0; attempt < CONSISTENT_TRIES; attempt++) {
        r = store__read_head(s, 0, &h1, true);
        if (r < 0)
            return r;
        r = store__head_check(s, &h1);
        if (r < 0)
            return r;
        r = fn(s, 0, userdata);
        if (r < 0 && r != -EBADMSG && r != -ENOENT)
            return r;
        /* Any committed write transaction changed the generation. */
        if (store__read_head(s, 0, &h2, false) < 0)
            return s->last_errno;
        if (strcmp(h1.generation, h2.generation) == 0 &&
            h1.restoring == h2.restoring)
            return r;
    }
    /* Writers keep committing: read inside a transaction instead. */
    for (attempt = 0; attempt < READ_TX_TRIES; attempt++) {
        uint32_t id;
        int e;

        r = store__tx_begin(s, &id);
        if (r < 0)
            return r;
        r = store__read_head(s, id, &h1, true);
        if (r >= 0)
            r = store__head_check(s, &h1);
        if (r < 0) {
            store__tx_end(s, id, false);
            return r;
        }
        r = fn(s, id, userdata);
        e = store__tx_end(s, id, true);
        if (e == -EAGAIN)
            continue;
        return e < 0 ? e : r;
    }
    return store__fail(s, -EAGAIN, "could not read a consistent state of "
                       "the store: writers kept changing it");
}

/* ---- public reads ---- */

struct list_args {
    const struct schema_class *c;
    const char *uuid;                   /* get */
    const struct store_match *match;
    size_t n_match;
    unsigned flags;
    store_record **recs;
    size_t n;
    int skipped;
};

static void list_args_reset(struct list_args *a)
{
    store_record_list_free(a->recs, a->n);
    a->recs = NULL;
    a->n = 0;
}

static int do_list(store *s, uint32_t tx, void *userdata)
{
    struct list_args *a = userdata;
    char **uuids = NULL;
    size_t n = 0;
    int r;

    list_args_reset(a);
    if (a->uuid) {
        char *one[1] = { (char *)a->uuid };

        return store__read_records(s, tx, a->c, one, 1, NULL, 0, 0, true,
                                   &a->recs, &a->n);
    }
    r = store__read_uuids(s, tx, a->c, &uuids, &n);
    if (r < 0)
        return r;
    r = store__read_records(s, tx, a->c, uuids, n, a->match, a->n_match,
                            a->flags, false, &a->recs, &a->n);
    strv_free(uuids);
    if (r >= 0)
        a->skipped = r;
    return r;
}

int store_get(store *s, const char *cls, const char *uuid,
              store_record **ret)
{
    struct list_args a = { .c = schema_class_find(cls), .uuid = uuid };
    int r;

    if (!s || !ret)
        return -EINVAL;
    if (!a.c)
        return store__fail(s, -EINVAL, "unknown class '%s'", cls ? cls : "");
    if (!schema_uuid_valid(uuid))
        return store__fail(s, -ENOENT, "%s %s does not exist (not a UUID)",
                           a.c->name, uuid ? uuid : "");
    r = store__read_consistent(s, do_list, &a);
    if (r >= 0 && a.n != 1)
        r = store__fail(s, -ENOENT, "%s %s does not exist", a.c->name, uuid);
    if (r < 0) {
        list_args_reset(&a);
        return r;
    }
    *ret = a.recs[0];
    free(a.recs);
    return 0;
}

int store_list(store *s, const char *cls, const struct store_match *match,
               size_t n_match, unsigned flags, store_record ***ret,
               size_t *n)
{
    struct list_args a = {
        .c = schema_class_find(cls), .match = match, .n_match = n_match,
        .flags = flags,
    };
    int r;

    if (!s || !ret || !n || (n_match && !match))
        return -EINVAL;
    if (!a.c)
        return store__fail(s, -EINVAL, "unknown class '%s'", cls ? cls : "");
    r = store__read_consistent(s, do_list, &a);
    if (r < 0) {
        list_args_reset(&a);
        return r;
    }
    *ret = a.recs;
    *n = a.n;
    return a.skipped;
}

struct uuids_args {
    const struct schema_class *c;
    char **v;
    size_t n;
};

static int do_uuids(store *s, uint32_t tx, void *userdata)
{
    struct uuids_args *a = userdata;

    a->v = strv_free(a->v);
    a->n = 0;
    return store__read_uuids(s, tx, a->c, &a->v, &a->n);
}

int store_list_uuids(store *s, const char *cls, char ***ret, size_t *n)
{
    struct uuids_args a = { .c = schema_class_find(cls) };
    int r;

    if (!s || !ret || !n)
        return -EINVAL;
    if (!a.c)
        return store__fail(s, -EINVAL, "unknown class '%s'", cls ? cls : "");
    r = store__read_consistent(s, do_uuids, &a);
    if (r < 0) {
        strv_free(a.v);
        return r;
    }
    *ret = a.v;
    *n = a.n;
    return 0;
}
