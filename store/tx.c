/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Transactions: retries, journal, create/update/destroy, inverse fields. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store/internal.h"

#define TX_ATTEMPTS 64
#define BACKOFF_MIN_NS 500000L          /* 0.5 ms */
#define BACKOFF_MAX_NS 64000000L        /* 64 ms */
/* Longer: "*" (flush everything); oxenstored takes at most 2048 bytes. */
#define JOURNAL_VALUE_MAX SCHEMA_VALUE_MAX
#define WRITERS_LOCK "store.writers"    /* in the state directory */

int store__tx_begin(store *s, uint32_t *ret)
{
    struct wire_req q = { .type = XS_TRANSACTION_START, .path = "" };
    unsigned long id;
    char *end;
    int r;

    r = store__batch(s, &q, 1);
    if (r < 0)
        return r;
    if (q.err) {
        r = store__fail(s, -q.err, "cannot start a xenstore transaction: %s",
                        strerror(q.err));
        free(q.reply);
        return r;
    }
    id = strtoul(q.reply, &end, 10);
    free(q.reply);
    if (id == 0 || id > UINT32_MAX)
        return store__fail(s, -EPROTO, "xenstored gave transaction id 0");
    *ret = (uint32_t)id;
    return 0;
}

int store__tx_end(store *s, uint32_t id, bool commit)
{
    struct wire_req q = {
        .type = XS_TRANSACTION_END, .tx = id, .path = commit ? "T" : "F",
    };
    int r;

    r = store__batch(s, &q, 1);
    if (r < 0)
        return r;
    free(q.reply);
    if (q.err == EAGAIN)
        return store__fail(s, -EAGAIN, "xenstore transaction conflicted "
                           "with another writer");
    if (q.err)
        return store__fail(s, -q.err, "cannot %s a xenstore transaction: %s",
                           commit ? "commit" : "abort", strerror(q.err));
    return 0;
}

int store__tx_touch(store_tx *tx, const struct schema_class *c,
                    const char *uuid)
{
    char *key, **t;
    size_t lo = 0, hi = tx->n_touched;

    tx->wrote = true;
    if (asprintf(&key, "%s/%s", c->name, uuid) < 0)
        return -ENOMEM;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(tx->touched[mid], key);

        if (cmp == 0) {
            free(key);
            return 0;
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    t = realloc(tx->touched, (tx->n_touched + 1) * sizeof(*t));
    if (!t) {
        free(key);
        return -ENOMEM;
    }
    tx->touched = t;
    memmove(t + lo + 1, t + lo, (tx->n_touched - lo) * sizeof(*t));
    t[lo] = key;
    tx->n_touched++;
    return 0;
}

static void tx_reset(store_tx *tx)
{
    size_t i;

    for (i = 0; i < tx->n_touched; i++)
        free(tx->touched[i]);
    free(tx->touched);
    tx->touched = NULL;
    tx->n_touched = 0;
    tx->wrote = false;
}

/* "class/uuid class/uuid ...", or "*" when too long for one node. */
static char *journal_value(const store_tx *tx)
{
    size_t i, len = 1;
    char *v, *p;

    for (i = 0; i < tx->n_touched; i++)
        len += strlen(tx->touched[i]) + 1;
    if (len > JOURNAL_VALUE_MAX)
        return strdup("*");
    v = malloc(len);
    if (!v)
        return NULL;
    for (i = 0, p = v; i < tx->n_touched; i++) {
        if (i)
            *p++ = ' ';
        p = stpcpy(p, tx->touched[i]);
    }
    *p = '\0';
    return v;
}

static void backoff(store *s, int attempt)
{
    long cap = BACKOFF_MIN_NS << (attempt < 8 ? attempt : 8);
    struct timespec ts;
    uint64_t x;
    long ns;

    if (cap > BACKOFF_MAX_NS)
        cap = BACKOFF_MAX_NS;
    /* xorshift64*: per-store state, seeded from getrandom at open. */
    x = s->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->rng = x;
    x *= 0x2545f4914f6cdd1dULL;
    /* Half fixed, half random: spreads writers that collided. */
    ns = cap / 2 + (long)(x % (uint64_t)(cap / 2 + 1));
    ts.tv_sec = ns / 1000000000L;
    ts.tv_nsec = ns % 1000000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/*
 * Writers on this host take turns on an flock of <state_dir>/store.writers,
 * held from the transaction's start to its commit (not over the snapshot
 * flush, which has its own lock and groups commits): they never conflict
 * with each other in xenstore, so none redoes its reads or starves
 * (docs/store.md).  The kernel drops the lock of a process that dies.  It
 * is an optimisation only: without it (a state directory that does not
 * exist yet or cannot be written) the transactions stay correct, retried
 * on conflict.
 */
static bool writers_lock(store *s)
{
    _cleanup_free_ char *path = NULL;

    if (s->wlock_fd == -1) {
        s->wlock_fd = -2;
        if (asprintf(&path, "%s/%s", s->state_dir, WRITERS_LOCK) < 0)
            return false;
        /* Read-only: flock needs no more, and an fd open for writing
         * would keep the file system from being remounted read-only. */
        s->wlock_fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
        if (s->wlock_fd < 0) {
            s->wlock_fd = -1;           /* try again next time */
            return false;
        }
    }
    if (s->wlock_fd < 0)
        return false;
    while (flock(s->wlock_fd, LOCK_EX) < 0)
        if (errno != EINTR)
            return false;
    return true;
}

static void writers_unlock(store *s, bool *locked)
{
    if (*locked)
        flock(s->wlock_fd, LOCK_UN);
    *locked = false;
}

/* Create SCHEMA_ROOT (perms n0: dom0 owns it, no access for others; the
 * children inherit) and the version, inside transaction id. */
static int init_root(store *s, uint32_t id)
{
    struct store_batch b = { 0 };
    char version[16];
    size_t i;
    int r;

    snprintf(version, sizeof(version), "%d", SCHEMA_VERSION);
    r = store__batch_add(&b, XS_MKDIR, id, strdup(SCHEMA_ROOT), NULL, 0,
                         false);
    if (r >= 0)
        r = store__batch_add(&b, XS_SET_PERMS, id, strdup(SCHEMA_ROOT), "n0",
                             2, true);
    if (r >= 0)
        r = store__batch_write(&b, id, store__path_meta(SCHEMA_NODE_VERSION),
                               version);
    if (r >= 0)
        r = store__batch_run(s, &b);
    for (i = 0; r >= 0 && i < b.n; i++)
        if (b.q[i].err)
            r = store__fail(s, -b.q[i].err, "cannot create '%s': %s",
                            b.q[i].path, strerror(b.q[i].err));
    store__batch_free(&b);
    return r;
}

int store_init(store *s)
{
    struct store_head h;
    uint32_t id;
    int r, attempt;

    if (!s)
        return -EINVAL;
    for (attempt = 0; attempt < TX_ATTEMPTS; attempt++) {
        r = store__tx_begin(s, &id);
        if (r < 0)
            return r;
        r = store__read_head(s, id, &h, true);
        if (r >= 0 && h.version < 0 && !h.has_objects && !h.restoring)
            r = init_root(s, id);
        else if (r >= 0)
            r = store__head_check(s, &h);
        if (r < 0) {
            store__tx_end(s, id, false);
            return r;
        }
        r = store__tx_end(s, id, true);
        if (r != -EAGAIN)
            return r;
        backoff(s, attempt);
    }
    return r;
}

/* The generation and the journal entry of a write transaction. */
static int finish_writes(store *s, store_tx *tx, const char *gen)
{
    struct store_batch b = { 0 };
    _cleanup_free_ char *jv = NULL;
    size_t i;
    int r;

    r = store__batch_write(&b, tx->id,
                           store__path_meta(SCHEMA_NODE_GENERATION), gen);
    if (r >= 0 && !(s->flags & STORE_OPEN_NO_SNAPSHOT)) {
        jv = journal_value(tx);
        r = jv ? store__batch_write(&b, tx->id, store__path_journal(gen), jv)
               : -ENOMEM;
    }
    if (r >= 0)
        r = store__batch_run(s, &b);
    for (i = 0; r >= 0 && i < b.n; i++)
        if (b.q[i].err)
            r = store__fail(s, -b.q[i].err, "cannot write '%s': %s",
                            b.q[i].path, strerror(b.q[i].err));
    store__batch_free(&b);
    return r;
}

int store_transact(store *s, store_tx_fn fn, void *userdata)
{
    store_tx tx = { .s = s };
    char gen[17];
    int r = 0, e, attempt;
    bool locked;

    if (!s || !fn)
        return -EINVAL;
    s->committed = false;
    s->save_error[0] = '\0';
    locked = writers_lock(s);
    for (attempt = 0; attempt < TX_ATTEMPTS; attempt++) {
        struct store_head h = { .version = -1 };

        if (attempt > 0) {
            s->retries++;
            backoff(s, attempt - 1);
        }
        tx_reset(&tx);
        s->transactions++;
        r = store__tx_begin(s, &tx.id);
        if (r < 0) {
            writers_unlock(s, &locked);
            return r;
        }
        r = store__read_head(s, tx.id, &h, true);
        if (r >= 0 && h.version < 0 && !h.has_objects && !h.restoring) {
            r = init_root(s, tx.id);
            tx.wrote = true;
        } else if (r >= 0) {
            r = store__head_check(s, &h);
        }
        if (r >= 0)
            r = fn(&tx, userdata);
        if (r >= 0 && tx.wrote) {
            e = store__random_id(gen);
            if (e >= 0)
                e = finish_writes(s, &tx, gen);
            if (e < 0)
                r = e;
        }
        if (r < 0) {
            struct error_saved saved;

            /* Keep fn's message over the abort's. */
            ERROR_SAVE(&saved, s);
            store__tx_end(s, tx.id, false);
            ERROR_RESTORE(&saved, s);
            if (r == -EAGAIN && !h.restoring)
                continue;
            writers_unlock(s, &locked);
            tx_reset(&tx);
            return r;
        }
        e = store__tx_end(s, tx.id, true);
        if (e == -EAGAIN)
            continue;
        writers_unlock(s, &locked);
        if (e < 0) {
            tx_reset(&tx);
            return e;
        }
        s->committed = true;
        if (tx.wrote && !(s->flags & STORE_OPEN_NO_SNAPSHOT)) {
            e = store__snapshot_flush(s, gen);
            if (e < 0)
                r = e;
        }
        tx_reset(&tx);
        return r;
    }
    writers_unlock(s, &locked);
    tx_reset(&tx);
    return store__fail(s, -EAGAIN, "a xenstore transaction on the store "
                       "conflicted %d times in a row: too many concurrent "
                       "writers, try again", TX_ATTEMPTS);
}

const char *store_last_save_error(const store *s)
{
    return s && s->committed ? s->save_error : "";
}

bool store_last_committed(const store *s)
{
    return s && s->committed;
}

store *store_tx_store(store_tx *tx)
{
    return tx ? tx->s : NULL;
}

/* ---- reads inside a transaction ---- */

int store_tx_get(store_tx *tx, const char *cls, const char *uuid,
                 store_record **ret)
{
    const struct schema_class *c = schema_class_find(cls);
    store_record **v = NULL;
    char *one[1];
    size_t n = 0;
    int r;

    if (!tx || !ret)
        return -EINVAL;
    if (!c)
        return store__fail(tx->s, -EINVAL, "unknown class '%s'",
                           cls ? cls : "");
    if (!schema_uuid_valid(uuid))
        return store__fail(tx->s, -ENOENT, "%s %s does not exist (not a "
                           "UUID)", c->name, uuid ? uuid : "");
    one[0] = (char *)uuid;
    r = store__read_records(tx->s, tx->id, c, one, 1, NULL, 0, 0, true, &v,
                            &n);
    if (r < 0)
        return r;
    if (n != 1) {
        store_record_list_free(v, n);
        return store__fail(tx->s, -ENOENT, "%s %s does not exist", c->name,
                           uuid);
    }
    *ret = v[0];
    free(v);
    return 0;
}

static int exists(store *s, uint32_t id, const struct schema_class *c,
                  const char *uuid);

int store_tx_get_field(store_tx *tx, const char *cls, const char *uuid,
                       enum schema_fid field, char **ret)
{
    const struct schema_class *c = schema_class_find(cls);
    const struct schema_field *f = schema_field_by_fid(c, field);
    struct store_batch b = { 0 };
    int r;

    if (!tx || !ret)
        return -EINVAL;
    if (!f || !schema_field_stored(f) || schema_field_is_dir(f))
        return store__fail(tx->s, -EINVAL, "%s has no stored scalar field "
                           "'%s'", c ? c->name : cls ? cls : "",
                           schema_fid_name(field) ?: "");
    if (!schema_uuid_valid(uuid))
        return store__fail(tx->s, -ENOENT, "%s %s does not exist (not a "
                           "UUID)", c->name, uuid ? uuid : "");
    r = store__batch_read(&b, tx->id, store__path_field(c, uuid, f->name));
    if (r >= 0)
        r = store__batch_run(tx->s, &b);
    if (r >= 0 && b.q[0].err == ENOENT && store__field_omittable(c, f)) {
        /* Left out at its default, if the object exists. */
        r = exists(tx->s, tx->id, c, uuid);
        if (r == 0)
            r = store__fail(tx->s, -ENOENT, "%s %s does not exist "
                            "(destroyed meanwhile?)", c->name, uuid);
        else if (r > 0 && !(*ret = strdup(store__field_default(f))))
            r = -ENOMEM;
    } else if (r >= 0 && b.q[0].err == ENOENT)
        r = store__fail(tx->s, -ENOENT, "%s %s has no field '%s' (destroyed "
                        "meanwhile?)", c->name, uuid, f->name);
    else if (r >= 0 && b.q[0].err)
        r = store__fail(tx->s, -b.q[0].err, "reading '%s': %s", b.q[0].path,
                        strerror(b.q[0].err));
    else if (r >= 0)
        *ret = TAKE_PTR(b.q[0].reply);
    store__batch_free(&b);
    return r < 0 ? r : 0;
}

/* 1 if SCHEMA_ROOT/<class>/<uuid> exists. */
static int exists(store *s, uint32_t id, const struct schema_class *c,
                  const char *uuid)
{
    struct store_batch b = { 0 };
    int r;

    r = store__batch_read(&b, id, store__path_object(c, uuid));
    if (r >= 0)
        r = store__batch_run(s, &b);
    if (r >= 0)
        r = b.q[0].err == 0 ? 1 : b.q[0].err == ENOENT ? 0 : -b.q[0].err;
    store__batch_free(&b);
    return r;
}

int store_tx_exists(store_tx *tx, const char *cls, const char *uuid)
{
    const struct schema_class *c = schema_class_find(cls);

    if (!tx || !c)
        return -EINVAL;
    if (!schema_uuid_valid(uuid))
        return 0;
    return exists(tx->s, tx->id, c, uuid);
}

int store_tx_list(store_tx *tx, const char *cls,
                  const struct store_match *match, size_t n_match,
                  unsigned flags, store_record ***ret, size_t *n)
{
    const struct schema_class *c = schema_class_find(cls);
    char **uuids = NULL;
    size_t k = 0;
    int r;

    if (!tx || !ret || !n || (n_match && !match))
        return -EINVAL;
    if (!c)
        return store__fail(tx->s, -EINVAL, "unknown class '%s'",
                           cls ? cls : "");
    r = store__read_uuids(tx->s, tx->id, c, &uuids, &k);
    if (r < 0)
        return r;
    r = store__read_records(tx->s, tx->id, c, uuids, k, match, n_match,
                            flags, false, ret, n);
    strv_free(uuids);
    return r;
}

/* ---- writes ---- */

/*
 * A write goes in stages, each one batch of requests:
 *   A  (reads)         whether the object exists, whether each referenced
 *                      object (and each member of a set of references)
 *                      exists, the one-to-one inverse fields of the new
 *                      targets, and the current value of changed
 *                      references (to fix the old target's inverse);
 *   judge              refuse what the reads forbid;
 *   A2 (inverse reads) the old targets' one-to-one inverse fields, cleared
 *                      only while they still name us;
 *   B  (writes)        the fields, the inverse fields of old and new
 *                      targets, the indexes, the journal.
 * A read is remembered as its index in its batch (the batch grows, so no
 * pointer): NOT_READ when it was not asked.
 */
#define NOT_READ ((size_t)-1)

struct plan_ref {
    size_t field;                    /* index in the class */
    const char *target_uuid;         /* new value ("" = null) */
    char *old;                       /* update: stored value */
    size_t q_exists;                 /* A: the new target's object */
    size_t q_inv;                    /* A: its one-to-one inverse field */
    size_t q_old;                    /* A: our stored value */
    size_t q_oldinv;                 /* A2: the old target's inverse */
};

struct write_plan {
    store_tx *tx;
    store_record *rec;
    bool creating;
    struct store_batch reads, inverse_reads, writes;    /* A, A2, B */
    size_t q_self;                   /* A: the object itself */
    size_t *q_members;               /* A: members of sets of references */
    size_t n_members;
    struct plan_ref *refs;           /* one per reference field written */
    size_t n_refs;
};

/* The answer to read q of batch b, or NULL when it was not asked. */
static const struct wire_req *answer(const struct store_batch *b, size_t q)
{
    return q == NOT_READ ? NULL : &b->q[q];
}

/* True when read q was asked and found its node. */
static bool found(const struct store_batch *b, size_t q)
{
    const struct wire_req *a = answer(b, q);

    return a && !a->err;
}

static int value_problem(store *s, const store_record *r,
                         const struct schema_field *f, const char *value,
                         const char *why)
{
    return store__fail(s, -EINVAL, "%s %s: field '%s' = '%.64s' is %s",
                       r->cls->name, r->uuid, f->name, value, why);
}

/* Check the values of the fields that will be written. */
static int validate(store *s, const store_record *r, bool all)
{
    const char *why;
    size_t i, j;

    for (i = 1; i < r->cls->n_fields; i++) {
        const struct schema_field *f = &r->cls->fields[i];
        const struct store_rfield *v = &r->f[i];

        if (!schema_field_stored(f) || (!all && !v->dirty))
            continue;
        if (schema_field_maintained_by(r->cls, f, NULL))
            continue;
        if (f->type == SCHEMA_MAP) {
            for (j = 0; j < v->n_entries; j++) {
                if (!schema_key_valid(v->entries[j].key, &why))
                    return store__fail(s, -EINVAL, "%s %s: key '%.64s' of "
                                       "map '%s' is %s", r->cls->name,
                                       r->uuid, v->entries[j].key, f->name,
                                       why);
                if (schema_value_check(f, v->entries[j].value, &why) < 0)
                    return value_problem(s, r, f, v->entries[j].value, why);
            }
            continue;
        }
        if (f->type == SCHEMA_SET_REF) {
            for (j = 0; j < v->n_members; j++)
                if (!schema_uuid_valid(v->members[j]))
                    return value_problem(s, r, f, v->members[j],
                                         "not a UUID");
            continue;
        }
        if (!v->present || !v->value) {
            if (f->flags & SCHEMA_REQUIRED)
                return store__fail(s, -EINVAL, "%s %s: required field '%s' "
                                   "has no value", r->cls->name, r->uuid,
                                   f->name);
            continue;
        }
        if (schema_value_check(f, v->value, &why) < 0)
            return value_problem(s, r, f, v->value, why);
    }
    return 0;
}

/* Write one field's stored form into batch b (after an rm for dirs). */
static int put_field(struct store_batch *b, uint32_t id, const store_record *r,
                     size_t i, bool replace)
{
    const struct schema_field *f = &r->cls->fields[i];
    const struct store_rfield *v = &r->f[i];
    const struct schema_class *c = r->cls;
    size_t j;
    int k;

    /* At its default: no node (the create left it out; an update that
     * brings the default back removes it). */
    if (store__field_left_out(r, i))
        return replace ? store__batch_rm(b, id, store__path_field(
                                             c, r->uuid, f->name))
                       : 0;
    if (f->type == SCHEMA_SET_REF || f->type == SCHEMA_MAP) {
        if (replace) {
            k = store__batch_rm(b, id, store__path_field(c, r->uuid,
                                                         f->name));
            if (k < 0)
                return k;
        }
        k = store__batch_add(b, XS_MKDIR, id,
                             store__path_field(c, r->uuid, f->name), NULL, 0,
                             false);
        for (j = 0; k >= 0 && f->type == SCHEMA_SET_REF &&
                    j < v->n_members; j++)
            k = store__batch_write(b, id, store__path_child(
                                       c, r->uuid, f->name, v->members[j]),
                                   "");
        for (j = 0; k >= 0 && f->type == SCHEMA_MAP && j < v->n_entries;
             j++) {
            char *esc;
            const char *why;

            k = schema_key_escape(v->entries[j].key, &esc, &why);
            if (k < 0)
                return k;
            k = store__batch_write(b, id, store__path_child(c, r->uuid,
                                                            f->name, esc),
                                   v->entries[j].value);
            free(esc);
        }
        return k;
    }
    return store__batch_write(b, id, store__path_field(c, r->uuid, f->name),
                              v->present && v->value ? v->value
                              : f->default_value ? f->default_value : "");
}

static int check_errs(store *s, const struct store_batch *b)
{
    size_t i;

    for (i = 0; i < b->n; i++)
        if (b->q[i].err && !(b->q[i].type == XS_RM &&
                             b->q[i].err == ENOENT))
            return store__fail(s, -b->q[i].err, "cannot write '%s': %s",
                               b->q[i].path, strerror(b->q[i].err));
    return 0;
}

/* Stage A, a set of references that is ours: each member must exist. */
static int read_members(struct write_plan *wp, size_t i)
{
    const struct store_rfield *v = &wp->rec->f[i];
    const struct schema_class *tc =
        schema_class_find_exact(wp->rec->cls->fields[i].target);
    int r = 0;

    for (size_t j = 0; tc && r >= 0 && j < v->n_members; j++) {
        size_t *t = realloc(wp->q_members,
                            (wp->n_members + 1) * sizeof(*t));

        if (!t)
            return -ENOMEM;
        wp->q_members = t;
        wp->q_members[wp->n_members++] = wp->reads.n;
        r = store__batch_read(&wp->reads, wp->tx->id,
                              store__path_object(tc, v->members[j]));
    }
    return r;
}

/* Stage A, a reference: its target, the target's inverse, our old value. */
static int read_ref(struct write_plan *wp, size_t i)
{
    const store_record *rec = wp->rec;
    const struct schema_field *f = &rec->cls->fields[i];
    const struct schema_class *tc = schema_class_find_exact(f->target);
    const struct schema_field *inv = schema_field_inverse(f, &tc);
    struct plan_ref *p = &wp->refs[wp->n_refs++];
    uint32_t id = wp->tx->id;
    int r = 0;

    p->field = i;
    p->target_uuid = rec->f[i].present && rec->f[i].value ? rec->f[i].value
                                                          : "";
    p->q_exists = p->q_old = p->q_inv = p->q_oldinv = NOT_READ;
    if (*p->target_uuid && tc) {
        p->q_exists = wp->reads.n;
        r = store__batch_read(&wp->reads, id,
                              store__path_object(tc, p->target_uuid));
        if (r >= 0 && inv && inv->type == SCHEMA_REF) {
            p->q_inv = wp->reads.n;
            r = store__batch_read(&wp->reads, id, store__path_field(
                                      tc, p->target_uuid, inv->name));
        }
    }
    if (r >= 0 && !wp->creating && inv) {
        p->q_old = wp->reads.n;
        r = store__batch_read(&wp->reads, id, store__path_field(
                                  rec->cls, rec->uuid, f->name));
    }
    return r;
}

/* Stage A: every read the checks need, in one batch. */
static int read_before(struct write_plan *wp)
{
    const store_record *rec = wp->rec;
    const struct schema_class *c = rec->cls;
    int r;

    wp->q_self = wp->reads.n;
    r = store__batch_read(&wp->reads, wp->tx->id,
                          store__path_object(c, rec->uuid));
    for (size_t i = 1; r >= 0 && i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];

        if (!wp->creating && !rec->f[i].dirty)
            continue;
        if (f->type == SCHEMA_SET_REF &&
            !schema_field_maintained_by(c, f, NULL))
            r = read_members(wp, i);
        else if (f->type == SCHEMA_REF)
            r = read_ref(wp, i);
    }
    if (r >= 0)
        r = store__batch_run(wp->tx->s, &wp->reads);
    return r;
}

/* Refuse what stage A forbids; keep the old values of references. */
static int judge_reads(struct write_plan *wp)
{
    const store_record *rec = wp->rec;
    const struct schema_class *c = rec->cls;
    const struct store_batch *a = &wp->reads;
    store *s = wp->tx->s;

    if (wp->creating && found(a, wp->q_self))
        return store__fail(s, -EEXIST, "%s %s already exists", c->name,
                           rec->uuid);
    if (!wp->creating && !found(a, wp->q_self))
        return store__fail(s, -ENOENT, "%s %s does not exist (destroyed "
                           "meanwhile?)", c->name, rec->uuid);
    for (size_t j = 0; j < wp->n_members; j++)
        if (!found(a, wp->q_members[j]))
            return store__fail(s, -ENOENT, "%s %s: a member of a set refers "
                               "to '%s', which does not exist", c->name,
                               rec->uuid, strrchr(answer(
                                   a, wp->q_members[j])->path, '/') + 1);
    for (size_t j = 0; j < wp->n_refs; j++) {
        struct plan_ref *p = &wp->refs[j];
        const struct schema_field *f = &c->fields[p->field];
        const struct wire_req *inv = answer(a, p->q_inv);

        if (answer(a, p->q_exists) && !found(a, p->q_exists))
            return store__fail(s, -ENOENT, "%s %s: field '%s' refers to %s "
                               "%s, which does not exist", c->name,
                               rec->uuid, f->name, f->target,
                               p->target_uuid);
        if (inv && !inv->err && *inv->reply &&
            strcmp(inv->reply, rec->uuid) != 0)
            return store__fail(s, -EBUSY, "%s %s is already taken by %s %s "
                               "(%s.%s): release it first", f->target,
                               p->target_uuid, c->name, inv->reply,
                               f->target, f->inverse);
        if (found(a, p->q_old)) {
            p->old = strdup(answer(a, p->q_old)->reply);
            if (!p->old)
                return -ENOMEM;
        }
    }
    return 0;
}

/* Stage A2: a one-to-one inverse is cleared only if it is still us. */
static int read_old_inverses(struct write_plan *wp)
{
    const struct schema_class *c = wp->rec->cls;
    int r = 0;

    for (size_t j = 0; r >= 0 && j < wp->n_refs; j++) {
        struct plan_ref *p = &wp->refs[j];
        const struct schema_class *tc = NULL;
        const struct schema_field *inv =
            schema_field_inverse(&c->fields[p->field], &tc);

        if (!inv || inv->type != SCHEMA_REF || !p->old ||
            !schema_uuid_valid(p->old) || !strcmp(p->old, p->target_uuid))
            continue;
        p->q_oldinv = wp->inverse_reads.n;
        r = store__batch_read(&wp->inverse_reads, wp->tx->id,
                              store__path_field(tc, p->old, inv->name));
    }
    if (r >= 0)
        r = store__batch_run(wp->tx->s, &wp->inverse_reads);
    return r;
}

/* Stage B: the object's own fields. */
static int write_fields(struct write_plan *wp)
{
    const store_record *rec = wp->rec;
    const struct schema_class *c = rec->cls;
    struct store_batch *w = &wp->writes;
    uint32_t id = wp->tx->id;
    int r = 0;

    if (wp->creating)
        r = store__batch_write(w, id, store__path_field(c, rec->uuid,
                                                        "uuid"), rec->uuid);
    for (size_t i = 1; r >= 0 && i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];

        if (!schema_field_stored(f) || (!wp->creating && !rec->f[i].dirty))
            continue;
        if (!schema_field_maintained_by(c, f, NULL))
            r = put_field(w, id, rec, i, !wp->creating);
        /* Maintained by others: nobody refers to a new object yet. */
        else if (wp->creating && f->type == SCHEMA_SET_REF)
            r = store__batch_add(w, XS_MKDIR, id, store__path_field(
                                     c, rec->uuid, f->name), NULL, 0, false);
        else if (wp->creating)
            r = store__batch_write(w, id, store__path_field(
                                       c, rec->uuid, f->name), "");
    }
    return r;
}

/* Stage B: the targets' inverse fields, old target out, new target in. */
static int write_inverses(struct write_plan *wp)
{
    const store_record *rec = wp->rec;
    struct store_batch *w = &wp->writes;
    uint32_t id = wp->tx->id;
    int r = 0;

    for (size_t j = 0; r >= 0 && j < wp->n_refs; j++) {
        struct plan_ref *p = &wp->refs[j];
        const struct schema_field *f = &rec->cls->fields[p->field];
        const struct schema_class *tc = NULL;
        const struct schema_field *inv = schema_field_inverse(f, &tc);
        const struct wire_req *oldinv = answer(&wp->inverse_reads,
                                               p->q_oldinv);
        const char *old = p->old ? p->old : "";

        if (!inv || strcmp(old, p->target_uuid) == 0)
            continue;
        if (*old && schema_uuid_valid(old)) {
            if (inv->type == SCHEMA_SET_REF)
                r = store__batch_rm(w, id, store__path_child(
                                        tc, old, inv->name, rec->uuid));
            else if (oldinv && !oldinv->err &&
                     strcmp(oldinv->reply, rec->uuid) == 0)
                r = store__batch_write(w, id, store__path_field(
                                           tc, old, inv->name), "");
        }
        if (r >= 0 && *p->target_uuid) {
            if (inv->type == SCHEMA_SET_REF)
                r = store__batch_write(w, id, store__path_child(
                                           tc, p->target_uuid, inv->name,
                                           rec->uuid), "");
            else
                r = store__batch_write(w, id, store__path_field(
                                           tc, p->target_uuid, inv->name),
                                       rec->uuid);
        }
    }
    return r;
}

/* Stage B, sent: with the indexes and the journal entry. */
static int write_run(struct write_plan *wp)
{
    store *s = wp->tx->s;
    int r;

    /* The indexes, before the new values are written (an update reads
     * the old ones). */
    r = store__index_write(wp->tx, wp->rec, wp->creating);
    /* Only this object goes to the journal: the inverse fields of the
     * targets and the indexes are not in the snapshot (rebuilt when it is
     * loaded). */
    if (r >= 0)
        r = store__tx_touch(wp->tx, wp->rec->cls, wp->rec->uuid);
    if (r >= 0)
        r = store__batch_run(s, &wp->writes);
    if (r >= 0)
        r = check_errs(s, &wp->writes);
    if (r >= 0)
        store__record_clear_dirty(wp->rec);
    return r;
}

static void write_plan_done(struct write_plan *wp)
{
    for (size_t j = 0; wp->refs && j < wp->n_refs; j++)
        free(wp->refs[j].old);
    free(wp->refs);
    free(wp->q_members);
    store__batch_free(&wp->reads);
    store__batch_free(&wp->inverse_reads);
    store__batch_free(&wp->writes);
}

/*
 * Create (creating) or update the object: references and inverse fields.
 * Members of non-maintained sets of references must exist as well.
 */
static int write_record(store_tx *tx, store_record *rec, bool creating)
{
    struct write_plan wp = { .tx = tx, .rec = rec, .creating = creating };
    int r;

    r = validate(tx->s, rec, creating);
    if (r < 0)
        return r;
    wp.refs = calloc(rec->cls->n_fields, sizeof(*wp.refs));
    if (!wp.refs)
        r = -ENOMEM;
    if (r >= 0)
        r = read_before(&wp);
    if (r >= 0)
        r = judge_reads(&wp);
    if (r >= 0)
        r = read_old_inverses(&wp);
    if (r >= 0)
        r = write_fields(&wp);
    if (r >= 0)
        r = write_inverses(&wp);
    if (r >= 0)
        r = write_run(&wp);
    write_plan_done(&wp);
    return r;
}

int store_tx_create(store_tx *tx, store_record *r)
{
    int k;

    if (!tx || !r)
        return -EINVAL;
    if (!r->uuid[0]) {
        k = store_uuid_new(r->uuid);
        if (k < 0)
            return store__fail(tx->s, k, "cannot make a UUID: no "
                               "randomness from the kernel");
    }
    return write_record(tx, r, true);
}

int store_tx_update(store_tx *tx, store_record *r)
{
    if (!tx || !r)
        return -EINVAL;
    if (!schema_uuid_valid(r->uuid))
        return store__fail(tx->s, -ENOENT, "%s '%s' does not exist (not a "
                           "UUID)", r->cls->name, r->uuid);
    return write_record(tx, r, false);
}

int store_tx_destroy(store_tx *tx, const char *cls, const char *uuid)
{
    _cleanup_(store_record_freep) store_record *r = NULL;
    struct store_batch a = { 0 }, w = { 0 };
    const struct schema_class *c;
    size_t i, j;
    int k;

    if (!tx)
        return -EINVAL;
    k = store_tx_get(tx, cls, uuid, &r);
    if (k < 0)
        return k;
    c = r->cls;
    /* Refuse while others point at it through a maintained field. */
    for (i = 1; i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];
        const struct schema_class *src = NULL;
        const struct schema_field *by =
            schema_field_maintained_by(c, f, &src);
        const char *who = NULL;

        if (!by)
            continue;
        if (f->type == SCHEMA_SET_REF && r->f[i].n_members)
            who = r->f[i].members[0];
        else if (f->type == SCHEMA_REF && r->f[i].value && *r->f[i].value)
            who = r->f[i].value;
        if (who)
            return store__fail(tx->s, -EBUSY, "%s %s is still referenced by "
                               "%s %s (%s.%s): destroy or change that first",
                               c->name, r->uuid, src->name, who, src->name,
                               by->name);
    }
    /* Leave the inverse fields of what it refers to; a one-to-one
     * inverse is cleared only while it still names this object. */
    for (i = 1, k = 0; i < c->n_fields && k >= 0; i++) {
        const struct schema_field *f = &c->fields[i];
        const struct schema_class *tc = NULL;
        const struct schema_field *inv = schema_field_inverse(f, &tc);
        const char *t = r->f[i].value;

        if (inv && inv->type == SCHEMA_REF && t && schema_uuid_valid(t))
            k = store__batch_read(&a, tx->id,
                                  store__path_field(tc, t, inv->name));
    }
    if (k >= 0)
        k = store__batch_run(tx->s, &a);
    for (i = 1, j = 0; i < c->n_fields && k >= 0; i++) {
        const struct schema_field *f = &c->fields[i];
        const struct schema_class *tc = NULL;
        const struct schema_field *inv = schema_field_inverse(f, &tc);
        const char *t = r->f[i].value;

        if (!inv || !t || !schema_uuid_valid(t))
            continue;
        if (inv->type == SCHEMA_SET_REF) {
            k = store__batch_rm(&w, tx->id, store__path_child(tc, t, inv->name,
                                                              r->uuid));
        } else {
            const struct wire_req *q = &a.q[j++];

            if (!q->err && strcmp(q->reply, r->uuid) == 0)
                k = store__batch_write(&w, tx->id, store__path_field(
                                           tc, t, inv->name), "");
        }
    }
    if (k >= 0)
        k = store__index_remove(tx, r);
    if (k >= 0)
        k = store__batch_rm(&w, tx->id, store__path_object(c, r->uuid));
    if (k >= 0)
        k = store__tx_touch(tx, c, r->uuid);
    if (k >= 0)
        k = store__batch_run(tx->s, &w);
    if (k >= 0)
        k = check_errs(tx->s, &w);
    store__batch_free(&a);
    store__batch_free(&w);
    return k;
}

/* ---- one-call helpers ---- */

static int do_create(store_tx *tx, void *userdata)
{
    return store_tx_create(tx, userdata);
}

int store_create(store *s, store_record *r)
{
    char uuid[37];
    int k;

    if (!s || !r)
        return -EINVAL;
    /* A uuid picked by an attempt that failed is picked again. */
    memcpy(uuid, r->uuid, sizeof(uuid));
    k = store_transact(s, do_create, r);
    if (k < 0 && !s->committed)
        memcpy(r->uuid, uuid, sizeof(uuid));
    return k;
}

struct update_args {
    store_record *rec;
    store_record *copy;
};

/* Each attempt writes from a copy: a failed attempt keeps r's marks. */
static int do_update(store_tx *tx, void *userdata)
{
    struct update_args *a = userdata;
    int k;

    a->copy = store_record_free(a->copy);
    k = store_record_dup(&a->copy, a->rec);
    if (k < 0)
        return k;
    return store_tx_update(tx, a->copy);
}

int store_update(store *s, store_record *r)
{
    struct update_args a = { .rec = r };
    int k;

    if (!s || !r)
        return -EINVAL;
    k = store_transact(s, do_update, &a);
    if (k >= 0)
        store__record_clear_dirty(r);
    store_record_free(a.copy);
    return k;
}

struct destroy_args {
    const char *cls, *uuid;
};

static int do_destroy(store_tx *tx, void *userdata)
{
    struct destroy_args *a = userdata;

    return store_tx_destroy(tx, a->cls, a->uuid);
}

int store_destroy(store *s, const char *cls, const char *uuid)
{
    struct destroy_args a = { cls, uuid };

    if (!s)
        return -EINVAL;
    return store_transact(s, do_destroy, &a);
}

struct set_args {
    const char *cls, *uuid;
    enum schema_fid field;
    const char *value;
};

static int do_set_field(store_tx *tx, void *userdata)
{
    _cleanup_(store_record_freep) store_record *r = NULL;
    struct set_args *a = userdata;
    int k;

    k = store_tx_get(tx, a->cls, a->uuid, &r);
    if (k < 0)
        return k;
    k = store_record_set(r, a->field, a->value);
    if (k == -EPERM)
        return store_tx_fail(tx, k, "%s.%s is kept by the store: change "
                             "the field that refers to it instead",
                             r->cls->name, schema_fid_name(a->field));
    if (k < 0)
        return store_tx_fail(tx, k, "%s has no settable field '%s'",
                             r->cls->name, schema_fid_name(a->field) ?: "");
    return store_tx_update(tx, r);
}

int store_set_field(store *s, const char *cls, const char *uuid,
                    enum schema_fid field, const char *value)
{
    struct set_args a = { cls, uuid, field, value };

    if (!s || !value)
        return -EINVAL;
    return store_transact(s, do_set_field, &a);
}
