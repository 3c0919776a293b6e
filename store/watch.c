/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Watches: (class, uuid) notifications of committed changes. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store/internal.h"

#define FIRST_EVENT_MS 2000     /* xenstored fires every new watch once */

struct store_watch {
    store *s;
    struct wire *w;
    const struct schema_class *cls;
    char *path;
    char token[24];
    char **known;               /* "class/uuid" that exist, sorted */
    size_t n_known;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int known_find(const store_watch *w, const char *key, size_t *at)
{
    size_t lo = 0, hi = w->n_known;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(w->known[mid], key);

        if (c == 0) {
            *at = mid;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return 0;
}

static int known_add(store_watch *w, const char *key)
{
    size_t at;
    char **t;

    if (known_find(w, key, &at))
        return 0;
    t = realloc(w->known, (w->n_known + 2) * sizeof(*t));
    if (!t)
        return -ENOMEM;
    w->known = t;
    memmove(t + at + 1, t + at, (w->n_known - at + 1) * sizeof(*t));
    t[at] = strdup(key);
    if (!t[at]) {
        memmove(t + at, t + at + 1, (w->n_known - at + 1) * sizeof(*t));
        return -ENOMEM;
    }
    w->n_known++;
    return 0;
}

static void known_remove(store_watch *w, const char *key)
{
    size_t at;

    if (!known_find(w, key, &at))
        return;
    free(w->known[at]);
    memmove(w->known + at, w->known + at + 1,
            (w->n_known - at) * sizeof(*w->known));
    w->n_known--;
}

/* The objects that exist now, of the watched class(es). */
static int load_known(store_watch *w)
{
    size_t ci, i;
    int r = 0;

    strv_free(w->known);
    w->known = calloc(1, sizeof(char *));
    w->n_known = 0;
    if (!w->known)
        return -ENOMEM;
    for (ci = 0; ci < schema_n_classes && r >= 0; ci++) {
        const struct schema_class *c = schema_classes[ci];
        char **uuids = NULL;
        size_t n = 0;

        if (w->cls && w->cls != c)
            continue;
        r = store__read_uuids(w->s, 0, c, &uuids, &n);
        for (i = 0; r >= 0 && i < n; i++) {
            char *key;

            if (asprintf(&key, "%s/%s", c->name, uuids[i]) < 0) {
                r = -ENOMEM;
                break;
            }
            r = known_add(w, key);
            free(key);
        }
        strv_free(uuids);
    }
    return r;
}

/* Wait for the event xenstored fires when a watch is set, and drop it. */
static int swallow_first(store_watch *w)
{
    struct timespec t0, t;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct pollfd p = { .fd = store__wire_fd(w->w), .events = POLLIN };
        uint32_t type;
        size_t len;
        char *body;
        long left;
        int r;

        r = store__wire_read_event(w->w, &type, &body, &len);
        if (r == 0) {
            bool first = type == XS_WATCH_EVENT && !strcmp(body, w->path);

            free(body);
            if (first)
                return 0;
            continue;
        }
        if (r != -EAGAIN)
            return r;
        clock_gettime(CLOCK_MONOTONIC, &t);
        left = FIRST_EVENT_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
                                 (t.tv_nsec - t0.tv_nsec) / 1000000);
        if (left <= 0)
            return 0;           /* not every xenstored fires it */
        poll(&p, 1, (int)left);
    }
}

int store_watch_new(store_watch **ret, store *s, const char *cls)
{
    char msg[STORE_ERROR_MAX];
    struct wire_req q = { .type = XS_WATCH };
    store_watch *w;
    uint64_t rnd;
    int r;

    if (!ret || !s)
        return -EINVAL;
    w = calloc(1, sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->s = s;
    if (cls) {
        w->cls = schema_class_find(cls);
        if (!w->cls) {
            free(w);
            return store__fail(s, -EINVAL, "unknown class '%s'", cls);
        }
        w->path = store__path_class(w->cls);
    } else {
        w->path = strdup(SCHEMA_ROOT);
    }
    if (!w->path || store__random(&rnd) < 0) {
        free(w->path);
        free(w);
        return -ENOMEM;
    }
    snprintf(w->token, sizeof(w->token), "xen-sriov-%llx",
             (unsigned long long)rnd);
    r = store__wire_open(&w->w, s->xs_path, msg, sizeof(msg));
    if (r < 0) {
        store__fail(s, r, "%s", msg);
        goto fail;
    }
    r = load_known(w);
    if (r < 0)
        goto fail;
    q.path = w->path;
    q.arg = w->token;
    q.arg_len = strlen(w->token);
    q.arg_nul = true;
    r = store__wire_batch(w->w, &q, 1, msg, sizeof(msg));
    if (r < 0) {
        store__fail(s, r, "%s", msg);
        goto fail;
    }
    free(q.reply);
    if (q.err) {
        r = store__fail(s, -q.err, "cannot watch '%s': %s", w->path,
                        strerror(q.err));
        goto fail;
    }
    r = swallow_first(w);
    if (r < 0) {
        store__fail(s, r, "the watch connection to xenstored was lost");
        goto fail;
    }
    *ret = w;
    return 0;
fail:
    store_watch_free(w);
    return r;
}

store_watch *store_watch_free(store_watch *w)
{
    if (!w)
        return NULL;
    store__wire_close(w->w);
    strv_free(w->known);
    free(w->path);
    free(w);
    return NULL;
}

int store_watch_fd(const store_watch *w)
{
    return w ? store__wire_fd(w->w) : -1;
}

/*
 * Classify a changed path: 1 and "class/uuid" in key for an object,
 * 2 for a change of the whole store (restore, migration), 0 to ignore.
 */
static int classify(const store_watch *w, const char *path, char *key,
                    size_t key_size)
{
    const struct schema_class *c;
    size_t rl = strlen(SCHEMA_ROOT);
    const char *p, *slash;
    char name[64];

    if (strncmp(path, SCHEMA_ROOT, rl) || (path[rl] && path[rl] != '/'))
        return 0;
    if (!path[rl])
        return 2;               /* the root itself */
    p = path + rl + 1;
    slash = strchr(p, '/');
    if ((size_t)(slash ? slash - p : (long)strlen(p)) >= sizeof(name))
        return 0;
    snprintf(name, sizeof(name), "%.*s",
             (int)(slash ? slash - p : (long)strlen(p)), p);
    if (!strcmp(name, SCHEMA_NODE_VERSION) ||
        !strcmp(name, SCHEMA_NODE_RESTORING))
        return 2;
    c = schema_class_find_exact(name);
    if (!c || (w->cls && w->cls != c))
        return 0;
    if (!slash)
        return 2;               /* the class directory: all objects */
    p = slash + 1;
    slash = strchr(p, '/');
    if ((slash ? (size_t)(slash - p) : strlen(p)) != 36)
        return 0;
    snprintf(key, key_size, "%s/%.36s", c->name, p);
    return schema_uuid_valid(key + strlen(c->name) + 1) ? 1 : 0;
}

int store_watch_read(store_watch *w, struct store_event **ret, size_t *n)
{
    struct store_batch b = { 0 };
    struct store_event *ev = NULL;
    char **keys = NULL;
    size_t n_keys = 0, n_ev = 0, i;
    bool reset = false;
    int r = 0;

    if (!w || !ret || !n)
        return -EINVAL;
    for (;;) {
        char key[128];
        uint32_t type;
        size_t len;
        char *body;
        int kind;

        r = store__wire_read_event(w->w, &type, &body, &len);
        if (r == -EAGAIN) {
            r = 0;
            break;
        }
        if (r < 0) {
            r = store__fail(w->s, -ECONNRESET, "the watch connection to "
                            "xenstored at '%s' was lost: open a new watch",
                            w->s->xs_path);
            goto out;
        }
        kind = type == XS_WATCH_EVENT ? classify(w, body, key, sizeof(key))
                                      : 0;
        free(body);
        if (kind == 2)
            reset = true;
        if (kind == 1) {
            char **t = realloc(keys, (n_keys + 2) * sizeof(*t));

            if (!t) {
                r = -ENOMEM;
                goto out;
            }
            keys = t;
            keys[n_keys] = strdup(key);
            keys[n_keys + 1] = NULL;
            if (!keys[n_keys]) {
                r = -ENOMEM;
                goto out;
            }
            n_keys++;
        }
    }
    if (reset) {
        ev = calloc(1, sizeof(*ev));
        if (!ev) {
            r = -ENOMEM;
            goto out;
        }
        ev[0].op = STORE_EVENT_RESET;
        n_ev = 1;
        r = load_known(w);
        goto done;
    }
    if (n_keys > 1)
        qsort(keys, n_keys, sizeof(*keys), cmp_str);
    /* Several node changes of one object: one event. */
    for (i = 0; i < n_keys; i++) {
        if (i && !strcmp(keys[i], keys[i - 1]))
            continue;
        r = store__batch_read(&b, 0, store__path_meta(keys[i]));
        if (r < 0)
            goto out;
    }
    /* On the store's connection, not the watch's: watch events that
     * xenstored sends meanwhile stay in the watch's socket, so the caller's
     * poll() sees them (read here, they would wait in our queue until the
     * next change, or forever). */
    r = store__batch_run(w->s, &b);
    if (r < 0)
        goto out;
    ev = calloc(b.n + 1, sizeof(*ev));
    if (!ev) {
        r = -ENOMEM;
        goto out;
    }
    for (i = 0; i < b.n; i++) {
        const char *key = b.q[i].path + strlen(SCHEMA_ROOT) + 1;
        const char *slash = strchr(key, '/');
        char cls[64];
        bool exists = !b.q[i].err;
        size_t at;
        int was = known_find(w, key, &at);

        snprintf(cls, sizeof(cls), "%.*s", (int)(slash - key), key);
        if (exists && !was) {
            ev[n_ev].op = STORE_EVENT_ADD;
            r = known_add(w, key);
        } else if (exists) {
            ev[n_ev].op = STORE_EVENT_MOD;
        } else if (was) {
            ev[n_ev].op = STORE_EVENT_DEL;
            known_remove(w, key);
        } else {
            continue;           /* created and destroyed in between */
        }
        if (r < 0)
            goto out;
        ev[n_ev].cls = schema_class_find_exact(cls)->name;
        snprintf(ev[n_ev].uuid, sizeof(ev[n_ev].uuid), "%s", slash + 1);
        n_ev++;
    }
done:
    if (r >= 0) {
        *ret = TAKE_PTR(ev);
        *n = n_ev;
    }
out:
    free(ev);
    strv_free(keys);
    store__batch_free(&b);
    return r < 0 ? r : 0;
}
