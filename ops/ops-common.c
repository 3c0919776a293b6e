/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every operation shares: lookups, errors, hooks, record helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "ops/ops-internal.h"

const char *ops_ref(char buf[OPS_REF_SIZE], const char *uuid)
{
    snprintf(buf, OPS_REF_SIZE, "%s%s", OPS_REF_PREFIX, uuid ? uuid : "");
    return buf;
}

int ops__store_fail(struct ops_ctx *ops, int r, struct xapi_error *err)
{
    const char *msg = store_last_error(ops->st);

    return xapi_error_internal(err, r, "%s", *msg ? msg : strerror(-r));
}

int ops__tx_fail(store_tx *tx, int r, struct xapi_error *err)
{
    const char *msg = store_last_error(store_tx_store(tx));

    return xapi_error_internal(err, r, "%s", *msg ? msg : strerror(-r));
}

int ops__uuid_invalid(const char *cls, const char *uuid,
                      struct xapi_error *err)
{
    return xapi_error_set(err, -ENOENT, XAPI_UUID_INVALID, cls,
                          uuid ? uuid : "", NULL);
}

int ops_lookup(struct ops_ctx *ops, const char *cls, const char *uuid,
               store_record **ret, struct xapi_error *err)
{
    int r;

    if (!uuid || !schema_uuid_valid(uuid))
        return ops__uuid_invalid(cls, uuid, err);
    r = store_get(ops->st, cls, uuid, ret);
    /* Connected already: ENOENT is the object, not the socket. */
    if (r == -ENOENT)
        return ops__uuid_invalid(cls, uuid, err);
    if (r < 0)
        return ops__store_fail(ops, r, err);
    return 0;
}

int ops__tx_lookup(store_tx *tx, const char *cls, const char *uuid,
                   store_record **ret, struct xapi_error *err)
{
    int r;

    if (!uuid || !schema_uuid_valid(uuid))
        return ops__uuid_invalid(cls, uuid, err);
    r = store_tx_exists(tx, cls, uuid);
    if (r == 0)
        return ops__uuid_invalid(cls, uuid, err);
    if (r > 0)
        r = store_tx_get(tx, cls, uuid, ret);
    return r < 0 ? ops__tx_fail(tx, r, err) : 0;
}

int ops__tx_indexed(store_tx *tx, const char *cls, enum schema_fid field,
                    const char *value)
{
    char **uuids = NULL;
    size_t n = 0;
    int r;

    r = store_tx_index(tx, cls, field, value, &uuids, &n);
    strv_free(uuids);
    return r < 0 ? r : n > 0;
}

int ops_test_pinned_uuid(void *userdata, char ret[37])
{
    _cleanup_close_ int fd = -1;
    unsigned long long n = 0;
    char buf[32] = "";
    ssize_t len;

    fd = open(userdata, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) < 0)
        return negative_errno();
    len = pread(fd, buf, sizeof(buf) - 1, 0);
    if (len > 0)
        n = strtoull(buf, NULL, 10);
    len = snprintf(buf, sizeof(buf), "%llu\n", ++n);
    if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len)
        return negative_errno();
    snprintf(ret, 37, "00000000-0000-4000-8000-%012llx", n);
    return 0;
}

int ops__new_uuid(struct ops_ctx *ops, char ret[37])
{
    if (ops && ops->new_uuid)
        return ops->new_uuid(ops->uuid_userdata, ret);
    return store_uuid_new(ret);
}

void ops__step(struct ops_ctx *ops, const char *step)
{
    if (ops->step)
        ops->step(ops->step_userdata, step);
}

void ops__log(struct ops_ctx *ops, const char *fmt, ...)
{
    _cleanup_free_ char *what = NULL, *line = NULL;
    va_list ap;
    int n;

    if (!ops->log)
        return;
    va_start(ap, fmt);
    n = vasprintf(&what, fmt, ap);
    va_end(ap);
    if (n < 0 || asprintf(&line, "%s: %s", ops->caller ? ops->caller : "?",
                          what) < 0)
        return;
    ops->log(ops->log_userdata, line);
}

/* ---- records ---- */

const char *ops__get(const store_record *r, enum schema_fid field)
{
    const char *v = r ? store_record_get(r, field) : NULL;

    return v ? v : "";
}

bool ops__get_bool(const store_record *r, enum schema_fid field)
{
    return streq_ptr(ops__get(r, field), "true");
}

int ops__set(store_record *r, enum schema_fid field, const char *value)
{
    return store_record_set(r, field, value ? value : "");
}

bool ops__has_word(const char *list, const char *word)
{
    size_t len = strlen(word);

    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);

        if (n == len && strncmp(p, word, len) == 0)
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

int ops__put_pairs(store_record *r, enum schema_fid field,
                   const char *const *kv, struct xapi_error *err)
{
    const char *why;
    int k = 0;

    for (size_t i = 0; k >= 0 && kv && kv[i] && kv[i + 1]; i += 2) {
        if (!schema_key_valid(kv[i], &why))
            return xapi_error_set(err, -EINVAL, XAPI_VALUE_NOT_SUPPORTED,
                                  schema_fid_name(field), kv[i], why,
                                  NULL);
        k = store_record_map_put(r, field, kv[i], kv[i + 1]);
    }
    return k;
}

int ops__record_copy_primary(store_record *dst, const store_record *src)
{
    const struct schema_class *c = store_record_class(src);
    int r;

    for (size_t i = 1; i < c->n_fields; i++) {
        const struct schema_field *f = &c->fields[i];
        enum schema_fid id = schema_field_fid(f);

        if (!schema_field_stored(f) ||
            schema_field_maintained_by(c, f, NULL))
            continue;
        if (f->type == SCHEMA_MAP) {
            /* Drop dst's keys, then take src's. */
            while (store_record_map_count(dst, id) > 0) {
                _cleanup_free_ char *k =
                    strdup(store_record_map_key(dst, id, 0));

                if (!k)
                    return -ENOMEM;
                r = store_record_map_put(dst, id, k, NULL);
                if (r < 0)
                    return r;
            }
            for (size_t j = 0; j < store_record_map_count(src, id); j++) {
                r = store_record_map_put(dst, id,
                                         store_record_map_key(src, id, j),
                                         store_record_map_value(src, id, j));
                if (r < 0)
                    return r;
            }
            continue;
        }
        if (!store_record_get(src, id))
            continue;
        r = store_record_set(dst, id, store_record_get(src, id));
        if (r < 0)
            return r;
    }
    return 0;
}

/* ---- undo ---- */

void ops__undo_reset(struct ops_undo *u)
{
    for (size_t i = 0; u->v && i < u->n; i++)
        store_record_free(u->v[i].before);
    free(u->v);
    u->v = NULL;
    u->n = 0;
}

int ops__undo_note(struct ops_undo *u, const char *cls, const char *uuid,
                   const store_record *before)
{
    struct ops_undo_item *it;
    int r;

    if (!u)
        return 0;
    for (size_t i = 0; i < u->n; i++)
        if (strcmp(u->v[i].uuid, uuid) == 0 &&
            strcasecmp(u->v[i].cls, cls) == 0)
            return 0;
    it = realloc(u->v, (u->n + 1) * sizeof(*it));
    if (!it)
        return -ENOMEM;
    u->v = it;
    it = &u->v[u->n];
    memset(it, 0, sizeof(*it));
    snprintf(it->cls, sizeof(it->cls), "%s", cls);
    snprintf(it->uuid, sizeof(it->uuid), "%s", uuid);
    if (before) {
        r = store_record_dup(&it->before, before);
        if (r < 0)
            return r;
    }
    u->n++;
    return 0;
}

int ops__tx_create(store_tx *tx, struct ops_undo *u, store_record *r)
{
    char uuid[37];
    int k;

    if (!*store_record_uuid(r)) {
        k = ops__new_uuid(u ? u->ops : NULL, uuid);
        if (k < 0)
            return store_tx_fail(tx, k, "cannot make a UUID: no randomness "
                                 "from the kernel");
        k = store_record_set_uuid(r, uuid);
        if (k < 0)
            return k;
    }
    k = ops__undo_note(u, store_record_class(r)->name, store_record_uuid(r),
                       NULL);
    return k < 0 ? k : store_tx_create(tx, r);
}

int ops__tx_update(store_tx *tx, struct ops_undo *u, const store_record *old,
                   store_record *r)
{
    int k = ops__undo_note(u, store_record_class(r)->name,
                           store_record_uuid(r), old);

    return k < 0 ? k : store_tx_update(tx, r);
}

int ops__tx_destroy(store_tx *tx, struct ops_undo *u, const char *cls,
                    const char *uuid)
{
    _cleanup_record_ store_record *old = NULL;
    int k;

    k = store_tx_get(tx, cls, uuid, &old);
    if (k >= 0)
        k = ops__undo_note(u, store_record_class(old)->name, uuid, old);
    return k < 0 ? k : store_tx_destroy(tx, cls, uuid);
}

static int restore_one(store_tx *tx, const struct ops_undo_item *it)
{
    _cleanup_record_ store_record *cur = NULL;
    int k;

    k = store_tx_exists(tx, it->cls, it->uuid);
    if (k < 0)
        return k;
    if (!it->before)
        return k ? store_tx_destroy(tx, it->cls, it->uuid) : 0;
    if (k) {
        k = store_tx_get(tx, it->cls, it->uuid, &cur);
        if (k >= 0)
            k = ops__record_copy_primary(cur, it->before);
        return k < 0 ? k : store_tx_update(tx, cur);
    }
    k = store_record_new(&cur, it->cls);
    if (k >= 0)
        k = store_record_set_uuid(cur, it->uuid);
    if (k >= 0)
        k = ops__record_copy_primary(cur, it->before);
    return k < 0 ? k : store_tx_create(tx, cur);
}

static int undo_fn(store_tx *tx, void *userdata)
{
    const struct ops_undo *u = userdata;
    int k = 0;

    /* Newest first: what was created last refers to what came before. */
    for (size_t i = u->n; k >= 0 && i > 0; i--)
        k = restore_one(tx, &u->v[i - 1]);
    return k;
}

int ops__undo_apply(struct ops_ctx *ops, const struct ops_undo *u)
{
    int r;

    if (!u || u->n == 0)
        return 0;
    r = store_transact(ops->st, undo_fn, (void *)u);
    /* Undone in xenstore, not yet on disk: both go to disk together with
     * the next write (the journal holds them), and they cancel out. */
    if (r < 0 && store_last_committed(ops->st))
        return 0;
    return r;
}

struct checked {
    store_tx_fn fn;
    void *userdata;
    const struct ops_undo *undo;
    struct xapi_error *err;
    int refused;                /* fn's answer, once its reads held */
};

/*
 * xenstored's transactions read the live tree and check at commit that
 * nothing they read changed meanwhile: a refusal decided on reads that
 * may mix two states is only final once the (empty) transaction commits.
 * So a refusal before any write commits, and a conflict runs fn again.
 */
static int checked_fn(store_tx *tx, void *userdata)
{
    struct checked *c = userdata;
    int r;

    c->refused = 0;
    r = c->fn(tx, c->userdata);
    if (r < 0 && r != -EAGAIN && xapi_error_is_set(c->err) &&
        (!c->undo || c->undo->n == 0)) {
        c->refused = r;
        return 0;
    }
    return r;
}

int ops__transact_after(struct ops_ctx *ops, store_tx_fn fn, void *userdata,
                        struct ops_undo *undo, const char *before,
                        struct xapi_error *err)
{
    struct checked c = { fn, userdata, undo, err, 0 };
    _cleanup_free_ char *why = NULL;
    int r, k;

    xapi_error_clear(err);
    r = store_transact(ops->st, checked_fn, &c);
    if (r >= 0)
        return c.refused < 0 ? c.refused : r;
    if (xapi_error_is_set(err))
        return r;
    if (!store_last_committed(ops->st))
        return ops__store_fail(ops, r, err);
    /* Live in xenstore, not on disk: take it back so both agree. */
    why = strdup(store_last_save_error(ops->st));
    k = ops__undo_apply(ops, undo);
    if (k < 0)
        return xapi_error_internal(err, r, "the change is in xenstore but "
                                   "not on disk (%s), and taking it back "
                                   "failed too (%s): xenstore keeps it in "
                                   "its journal and the next change that "
                                   "saves writes it to disk",
                                   why ? why : strerror(-r),
                                   store_last_error(ops->st));
    return xapi_error_internal(err, r, "the change could not be saved (%s), "
                               "so it was taken back: %s; free space in "
                               "'%s' (or make it writable) and run the "
                               "command again", why ? why : strerror(-r),
                               before && *before ? before :
                               "xenstore and the disk hold the state before "
                               "this command, nothing was changed",
                               store_state_dir(ops->st));
}

int ops__transact(struct ops_ctx *ops, store_tx_fn fn, void *userdata,
                  struct ops_undo *undo, struct xapi_error *err)
{
    return ops__transact_after(ops, fn, userdata, undo, NULL, err);
}
