/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* event.from / event.inject engine: generations, tombstones, blocking. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "libsriov/macro.h"
#include "api/event.h"

#define N_BUCKETS 1024

struct ev_class {
    struct xapi_class c;
    char *name;                    /* as registered */
    char *lname;                   /* lower-case */
};

struct obj {
    struct ev_class *cls;
    char *ref;
    uint64_t ctime, mtime, dtime;  /* generations; 0 = not seen */
    uint64_t gen;                  /* newest of the three */
    time_t wall;                   /* when gen happened */
    struct obj *prev, *next;       /* all objects, by gen ascending */
    struct obj *hnext;             /* hash chain */
};

struct xapi_events {
    pthread_mutex_t lock;
    pthread_cond_t cond;           /* on CLOCK_MONOTONIC */
    uint64_t gen;
    uint64_t lost_before;          /* tokens below: EVENTS_LOST */
    struct obj *head, *tail;
    struct obj *buckets[N_BUCKETS];
    size_t n_tombstones;
    struct ev_class classes[XAPI_EVENTS_MAX_CLASSES];
    size_t n_classes;
    bool stopping;
    struct xapi_events_options o;
    struct next_sub *next_subs;    /* event.register's, per session */
};

/*
 * event.register's subscription of a session (XAPI's Next.subscription):
 * its classes and the generation its event.next has reported up to.
 * Freed when its session ends, or by the last event.next that ran on it.
 */
struct next_sub {
    char *session;
    char **classes;                /* as registered, NULL-terminated */
    uint64_t last;
    unsigned busy;                 /* event.next calls running on it */
    bool ended;                    /* its session ended: SESSION_INVALID */
    struct next_sub *next;
};

static void next_sub_free(struct next_sub *s);

/* A change picked under the lock, resolved into an event outside it. */
struct pick {
    struct ev_class *cls;
    char *ref;
    enum xapi_event_op op;
    uint64_t gen;
    time_t wall;
};

static char *lower_dup(const char *s)
{
    char *l = strdup(s), *p;

    for (p = l; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return l;
}

static double mono_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int xapi_events_new(struct xapi_events **ret,
                    const struct xapi_events_options *opts)
{
    struct xapi_events *ev = calloc(1, sizeof(*ev));
    pthread_condattr_t ca;

    if (!ev)
        return -ENOMEM;
    if (opts)
        ev->o = *opts;
    if (!ev->o.max_tombstones)
        ev->o.max_tombstones = 10000;
    if (!(ev->o.max_timeout > 0))
        ev->o.max_timeout = 86400;
    pthread_mutex_init(&ev->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ev->cond, &ca);
    pthread_condattr_destroy(&ca);
    *ret = ev;
    return 0;
}

void xapi_events_shutdown(struct xapi_events *ev)
{
    if (!ev)
        return;
    pthread_mutex_lock(&ev->lock);
    ev->stopping = true;
    pthread_cond_broadcast(&ev->cond);
    pthread_mutex_unlock(&ev->lock);
}

struct xapi_events *xapi_events_free(struct xapi_events *ev)
{
    struct obj *o, *next;
    size_t k;

    if (!ev)
        return NULL;
    for (o = ev->head; o; o = next) {
        next = o->next;
        free(o->ref);
        free(o);
    }
    while (ev->next_subs) {
        struct next_sub *s = ev->next_subs;

        ev->next_subs = s->next;
        next_sub_free(s);
    }
    for (k = 0; k < ev->n_classes; k++) {
        free(ev->classes[k].name);
        free(ev->classes[k].lname);
    }
    pthread_cond_destroy(&ev->cond);
    pthread_mutex_destroy(&ev->lock);
    free(ev);
    return NULL;
}

int xapi_events_add_class(struct xapi_events *ev, const struct xapi_class *c)
{
    struct ev_class *ec;
    size_t k;
    int r = 0;

    if (!ev || !c || !c->name || !*c->name || !c->list || !c->get)
        return -EINVAL;
    pthread_mutex_lock(&ev->lock);
    for (k = 0; k < ev->n_classes; k++)
        if (strcasecmp(ev->classes[k].name, c->name) == 0)
            r = -EEXIST;
    if (!r && ev->n_classes == XAPI_EVENTS_MAX_CLASSES)
        r = -ENOSPC;
    if (!r) {
        ec = &ev->classes[ev->n_classes];
        ec->c = *c;
        ec->name = strdup(c->name);
        ec->lname = lower_dup(c->name);
        if (!ec->name || !ec->lname) {
            free(ec->name);
            free(ec->lname);
            r = -ENOMEM;
        } else {
            ec->c.name = ec->name;
            ec->c.fields = NULL;   /* not kept: the engine does not need it */
            ev->n_classes++;
        }
    }
    pthread_mutex_unlock(&ev->lock);
    return r;
}

/* Class by name, case-insensitive; lock held (classes are never removed). */
static struct ev_class *class_find(struct xapi_events *ev, const char *name)
{
    size_t k;

    for (k = 0; k < ev->n_classes; k++)
        if (strcasecmp(ev->classes[k].name, name) == 0)
            return &ev->classes[k];
    return NULL;
}

static unsigned bucket_of(const struct ev_class *c, const char *ref)
{
    /* FNV-1a over the class pointer's name and the ref. */
    uint32_t h = 2166136261u;
    const char *p;

    for (p = c->lname; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (p = ref; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h % N_BUCKETS;
}

static struct obj *obj_find(struct xapi_events *ev, struct ev_class *c,
                            const char *ref)
{
    struct obj *o;

    for (o = ev->buckets[bucket_of(c, ref)]; o; o = o->hnext)
        if (o->cls == c && strcmp(o->ref, ref) == 0)
            return o;
    return NULL;
}

static void list_unlink(struct xapi_events *ev, struct obj *o)
{
    if (o->prev)
        o->prev->next = o->next;
    else
        ev->head = o->next;
    if (o->next)
        o->next->prev = o->prev;
    else
        ev->tail = o->prev;
    o->prev = o->next = NULL;
}

static void list_append(struct xapi_events *ev, struct obj *o)
{
    o->prev = ev->tail;
    o->next = NULL;
    if (ev->tail)
        ev->tail->next = o;
    else
        ev->head = o;
    ev->tail = o;
}

static void obj_forget(struct xapi_events *ev, struct obj *o)
{
    struct obj **pp = &ev->buckets[bucket_of(o->cls, o->ref)];

    while (*pp != o)
        pp = &(*pp)->hnext;
    *pp = o->hnext;
    list_unlink(ev, o);
    free(o->ref);
    free(o);
}

/* Keep at most max_tombstones deletions; older tokens lose events. */
static void prune(struct xapi_events *ev)
{
    struct obj *o, *next;

    for (o = ev->head; o && ev->n_tombstones > ev->o.max_tombstones;
         o = next) {
        next = o->next;
        if (!o->dtime)
            continue;
        if (o->dtime > ev->lost_before)
            ev->lost_before = o->dtime;
        ev->n_tombstones--;
        obj_forget(ev, o);
    }
}

int xapi_events_notify(struct xapi_events *ev, const char *cls,
                       const char *ref, enum xapi_event_op op)
{
    struct ev_class *c;
    struct obj *o;
    unsigned b;

    if (!ev || !cls || !ref)
        return -EINVAL;
    pthread_mutex_lock(&ev->lock);
    c = class_find(ev, cls);
    if (!c) {
        pthread_mutex_unlock(&ev->lock);
        return -ENOENT;
    }
    o = obj_find(ev, c, ref);
    if (!o) {
        o = calloc(1, sizeof(*o));
        if (o)
            o->ref = strdup(ref);
        if (!o || !o->ref) {
            free(o);
            pthread_mutex_unlock(&ev->lock);
            return -ENOMEM;
        }
        o->cls = c;
        b = bucket_of(c, ref);
        o->hnext = ev->buckets[b];
        ev->buckets[b] = o;
    } else {
        list_unlink(ev, o);
    }
    ev->gen++;
    switch (op) {
    case XAPI_EVENT_ADD:
        if (o->dtime)
            ev->n_tombstones--;
        o->ctime = o->mtime = ev->gen;
        o->dtime = 0;
        break;
    case XAPI_EVENT_MOD:
        if (o->dtime) {
            /* A change to a deleted object: it exists again. */
            ev->n_tombstones--;
            o->dtime = 0;
            o->ctime = ev->gen;
        }
        o->mtime = ev->gen;
        break;
    case XAPI_EVENT_DEL:
        if (!o->dtime)
            ev->n_tombstones++;
        o->dtime = ev->gen;
        break;
    }
    o->gen = ev->gen;
    o->wall = time(NULL);
    list_append(ev, o);
    prune(ev);
    pthread_cond_broadcast(&ev->cond);
    pthread_mutex_unlock(&ev->lock);
    return 0;
}

uint64_t xapi_events_generation(struct xapi_events *ev)
{
    uint64_t g;

    pthread_mutex_lock(&ev->lock);
    g = ev->gen;
    pthread_mutex_unlock(&ev->lock);
    return g;
}

/* Subscriptions. */

struct sub {
    struct ev_class *cls;          /* NULL: every class */
    char *ref;                     /* NULL: every object */
};

struct subs {
    struct sub *s;
    size_t n;
    bool none_known;               /* only unknown classes: match nothing */
};

static void subs_free(struct subs *ss)
{
    size_t k;

    for (k = 0; k < ss->n; k++)
        free(ss->s[k].ref);
    free(ss->s);
}

static int subs_parse(struct xapi_events *ev, const struct xv *classes,
                      struct subs *ret, struct xapi_error *err)
{
    struct subs ss = { NULL, 0, false };
    size_t k;

    if (!classes || classes->type != XV_ARRAY)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, "classes",
                              NULL);
    ss.s = calloc(classes->a.n + 1, sizeof(*ss.s));
    if (!ss.s)
        return -ENOMEM;
    for (k = 0; k < classes->a.n; k++) {
        const struct xv *v = classes->a.items[k];
        _cleanup_free_ char *name = NULL;
        char *slash;

        if (v->type != XV_STRING || !*v->s) {
            subs_free(&ss);
            return xapi_error_set(err, -EINVAL,
                                  XAPI_EVENT_SUBSCRIPTION_PARSE_FAILURE,
                                  v->type == XV_STRING ? v->s
                                                       : xv_type_name(v->type),
                                  NULL);
        }
        if (strcmp(v->s, "*") == 0) {
            ss.s[ss.n++] = (struct sub){ NULL, NULL };
            continue;
        }
        name = strdup(v->s);
        if (!name) {
            subs_free(&ss);
            return -ENOMEM;
        }
        slash = strchr(name, '/');
        if (slash)
            *slash++ = '\0';
        pthread_mutex_lock(&ev->lock);
        ss.s[ss.n].cls = class_find(ev, name);
        pthread_mutex_unlock(&ev->lock);
        if (!ss.s[ss.n].cls)
            continue;              /* a class we do not have: no events */
        if (slash) {
            ss.s[ss.n].ref = strdup(slash);
            if (!ss.s[ss.n].ref) {
                subs_free(&ss);
                return -ENOMEM;
            }
        }
        ss.n++;
    }
    *ret = ss;
    return 0;
}

static bool subs_match(const struct subs *ss, const struct ev_class *c,
                       const char *ref)
{
    size_t k;

    for (k = 0; k < ss->n; k++)
        if ((!ss->s[k].cls || ss->s[k].cls == c) &&
            (!ss->s[k].ref || (ref && strcmp(ss->s[k].ref, ref) == 0)))
            return true;
    return false;
}

static bool subs_match_class(const struct subs *ss, const struct ev_class *c)
{
    size_t k;

    for (k = 0; k < ss->n; k++)
        if (!ss->s[k].cls || ss->s[k].cls == c)
            return true;
    return false;
}

/* Tokens. */

static void token_format(uint64_t gen, char buf[48])
{
    snprintf(buf, 48, "%020" PRIu64 ",%020" PRIu64, gen, (uint64_t)0);
}

/* "" -> *initial; "N" or "N,M" (decimal) -> N. */
static int token_parse(const char *s, uint64_t *ret, bool *initial)
{
    const char *p = s;
    uint64_t n = 0;

    *initial = !*s;
    if (!*s)
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (n > (UINT64_MAX - 9) / 10)
            return -EINVAL;
        n = n * 10 + (uint64_t)(*p - '0');
    }
    if (p == s)
        return -EINVAL;
    if (*p == ',') {
        const char *q = ++p;

        while (*p >= '0' && *p <= '9')
            p++;
        if (p == q)
            return -EINVAL;
    }
    if (*p)
        return -EINVAL;
    *ret = n;
    return 0;
}

/* Results. */

static void picks_free(struct pick *p, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++)
        free(p[k].ref);
    free(p);
}

static const char *op_name(enum xapi_event_op op)
{
    return op == XAPI_EVENT_ADD ? "add" : op == XAPI_EVENT_MOD ? "mod"
                                                                : "del";
}

/* Build one event record; snapshot taken (ownership) for add/mod. */
static int event_record(const struct pick *p, struct xv *snapshot,
                        struct xv **ret)
{
    _cleanup_xv_ struct xv *e = xv_new_struct();
    char id[24], ts[32];
    struct tm tm;
    int r;

    if (!e) {
        xv_free(snapshot);
        return -ENOMEM;
    }
    snprintf(id, sizeof(id), "%" PRIu64, p->gen);
    gmtime_r(&p->wall, &tm);
    strftime(ts, sizeof(ts), "%Y%m%dT%H:%M:%SZ", &tm);
    if ((r = xv_struct_set_string(e, "id", id)) < 0 ||
        (r = xv_struct_set_string(e, "timestamp", ts)) < 0 ||
        (r = xv_struct_set_string(e, "class", p->cls->lname)) < 0 ||
        (r = xv_struct_set_string(e, "operation", op_name(p->op))) < 0 ||
        (r = xv_struct_set_string(e, "ref", p->ref)) < 0) {
        xv_free(snapshot);
        return r;
    }
    if (snapshot && (r = xv_struct_set(e, "snapshot", snapshot)) < 0)
        return r;
    *ret = TAKE_PTR(e);
    return 0;
}

/*
 * Turn picks into events, reading snapshots now.  An add/mod whose object
 * is gone by now is dropped: its del is on the way (as XAPI does).
 */
static int resolve(struct pick *p, size_t n, struct xv *events,
                   struct xapi_error *err)
{
    struct xv *snap, *e;
    size_t k;
    int r;

    for (k = 0; k < n; k++) {
        snap = NULL;
        if (p[k].op != XAPI_EVENT_DEL) {
            struct xapi_error gerr = XAPI_ERROR_INIT;

            r = p[k].cls->c.get(p[k].cls->c.userdata, p[k].ref, &snap,
                                &gerr);
            xapi_error_clear(&gerr);
            if (r < 0)
                continue;
        }
        r = event_record(&p[k], snap, &e);
        if (r == 0)
            r = xv_array_append(events, e);
        if (r < 0)
            return xapi_error_internal(err, r, "out of memory");
    }
    return 0;
}

static int ref_counts(struct xapi_events *ev, struct xv **ret,
                      struct xapi_error *err)
{
    _cleanup_xv_ struct xv *counts = xv_new_struct();
    size_t k, n, nc;
    char **refs;
    int r;

    if (!counts)
        return -ENOMEM;
    pthread_mutex_lock(&ev->lock);
    nc = ev->n_classes;
    pthread_mutex_unlock(&ev->lock);
    for (k = 0; k < nc; k++) {
        struct ev_class *c = &ev->classes[k];
        struct xapi_error lerr = XAPI_ERROR_INIT;

        refs = NULL;
        r = c->c.list(c->c.userdata, &refs, &lerr);
        xapi_error_clear(&lerr);
        for (n = 0; r >= 0 && refs && refs[n]; n++)
            ;
        strv_free(refs);
        if (r < 0)
            n = 0;                 /* unreadable now: report none */
        r = xv_struct_set(counts, c->lname, xv_new_i4((int32_t)n));
        if (r < 0)
            return xapi_error_internal(err, r, "out of memory");
    }
    *ret = TAKE_PTR(counts);
    return 0;
}

/* Every current object of the subscribed classes, as "add". */
static int initial_picks(struct xapi_events *ev, const struct subs *ss,
                         uint64_t gen, struct pick **ret, size_t *ret_n,
                         struct xapi_error *err)
{
    struct pick *p = NULL, *np;
    size_t k, i, n = 0, nc;
    time_t wall = time(NULL);
    char **refs;
    int r;

    pthread_mutex_lock(&ev->lock);
    nc = ev->n_classes;
    pthread_mutex_unlock(&ev->lock);
    for (k = 0; k < nc; k++) {
        struct ev_class *c = &ev->classes[k];

        if (!subs_match_class(ss, c))
            continue;
        refs = NULL;
        r = c->c.list(c->c.userdata, &refs, err);
        if (r < 0) {
            picks_free(p, n);
            return r;
        }
        for (i = 0; refs && refs[i]; i++) {
            if (!subs_match(ss, c, refs[i]))
                continue;
            np = reallocarray(p, n + 1, sizeof(*p));
            if (np)
                p = np;
            if (!np || !(p[n].ref = strdup(refs[i]))) {
                strv_free(refs);
                picks_free(p, n);
                return -ENOMEM;
            }
            p[n].cls = c;
            p[n].op = XAPI_EVENT_ADD;
            p[n].gen = gen;
            p[n].wall = wall;
            n++;
        }
        strv_free(refs);
    }
    *ret = p;
    *ret_n = n;
    return 0;
}

/* Changes after from that match ss; lock held. */
static int change_picks(struct xapi_events *ev, const struct subs *ss,
                        uint64_t from, struct pick **ret, size_t *ret_n)
{
    struct pick *p = NULL, *np;
    size_t n = 0;
    struct obj *o;

    for (o = ev->tail; o && o->gen > from; o = o->prev) {
        enum xapi_event_op op;

        if (!subs_match(ss, o->cls, o->ref))
            continue;
        if (o->dtime) {
            if (o->ctime > from)
                continue;          /* created and deleted since: nothing */
            op = XAPI_EVENT_DEL;
        } else {
            op = o->ctime > from ? XAPI_EVENT_ADD : XAPI_EVENT_MOD;
        }
        np = reallocarray(p, n + 1, sizeof(*p));
        if (!np) {
            picks_free(p, n);
            return -ENOMEM;
        }
        p = np;
        p[n].ref = strdup(o->ref);
        if (!p[n].ref) {
            picks_free(p, n);
            return -ENOMEM;
        }
        p[n].cls = o->cls;
        p[n].op = op;
        p[n].gen = o->gen;
        p[n].wall = o->wall;
        n++;
    }
    /* Oldest first, as the changes happened. */
    for (size_t k = 0; k < n / 2; k++) {
        struct pick t = p[k];

        p[k] = p[n - 1 - k];
        p[n - 1 - k] = t;
    }
    *ret = p;
    *ret_n = n;
    return 0;
}

static struct timespec abs_deadline(double deadline)
{
    struct timespec ts;

    ts.tv_sec = (time_t)deadline;
    ts.tv_nsec = (long)((deadline - (double)ts.tv_sec) * 1e9);
    if (ts.tv_nsec >= 1000000000L)
        ts.tv_nsec = 999999999L;
    return ts;
}

/*
 * event.from's work; with @p cancel (looked at under the lock, woken by
 * the condition), it returns early with no events when *cancel turns
 * true; with @p counts false, valid_ref_counts is left out.
 */
static int events_wait(struct xapi_events *ev, const struct xv *classes,
                       const char *token, double timeout,
                       const bool *cancel, bool counts_too, struct xv **ret,
                       struct xapi_error *err)
{
    _cleanup_xv_ struct xv *events = xv_new_array(), *result = NULL;
    _cleanup_xv_ struct xv *counts = NULL;
    struct subs ss = { NULL, 0, false };
    struct pick *p = NULL;
    size_t n = 0;
    uint64_t from = 0;
    double deadline;
    bool initial;
    char tok[48];
    int r;

    if (!events)
        return -ENOMEM;
    if (!token || token_parse(token, &from, &initial) < 0)
        return xapi_error_set(err, -EINVAL,
                              XAPI_EVENT_FROM_TOKEN_PARSE_FAILURE,
                              token ? token : "", NULL);
    if (isnan(timeout) || timeout < 0)
        timeout = 0;
    if (timeout > ev->o.max_timeout)
        timeout = ev->o.max_timeout;
    deadline = mono_now() + timeout;
    r = subs_parse(ev, classes, &ss, err);
    if (r < 0)
        return r;

    if (initial) {
        from = xapi_events_generation(ev);
        r = initial_picks(ev, &ss, from, &p, &n, err);
        if (r < 0)
            goto out;
        r = resolve(p, n, events, err);
        picks_free(p, n);
        p = NULL;
        if (r < 0)
            goto out;
    }

    /* Wait for a relevant change, or the deadline. */
    while (events->a.n == 0) {
        struct timespec ts = abs_deadline(deadline);
        bool timed_out = false;

        pthread_mutex_lock(&ev->lock);
        for (;;) {
            if (from < ev->lost_before) {
                pthread_mutex_unlock(&ev->lock);
                r = xapi_error_set(err, -ESTALE, XAPI_EVENTS_LOST, NULL);
                goto out;
            }
            r = change_picks(ev, &ss, from, &p, &n);
            if (r < 0 || n > 0 || ev->stopping || timed_out ||
                (cancel && *cancel))
                break;
            /* Nothing relevant up to now: no need to look at it again. */
            from = ev->gen;
            timed_out = pthread_cond_timedwait(&ev->cond, &ev->lock,
                                               &ts) == ETIMEDOUT;
        }
        from = ev->gen;
        pthread_mutex_unlock(&ev->lock);
        if (r < 0)
            goto out;
        r = resolve(p, n, events, err);
        picks_free(p, n);
        p = NULL;
        if (r < 0 || timed_out || ev->stopping || mono_now() >= deadline ||
            (cancel && *cancel))
            break;
    }
    if (r < 0)
        goto out;

    if (counts_too)
        r = ref_counts(ev, &counts, err);
    if (r < 0)
        goto out;
    result = xv_new_struct();
    token_format(from, tok);
    if (!result || (r = xv_struct_set(result, "events",
                                      TAKE_PTR(events))) < 0 ||
        (counts_too && (r = xv_struct_set(result, "valid_ref_counts",
                                          TAKE_PTR(counts))) < 0) ||
        (r = xv_struct_set_string(result, "token", tok)) < 0) {
        r = xapi_error_internal(err, -ENOMEM, "out of memory");
        goto out;
    }
    *ret = TAKE_PTR(result);
    r = 0;
out:
    subs_free(&ss);
    return r;
}

int xapi_events_from(struct xapi_events *ev, const struct xv *classes,
                     const char *token, double timeout, struct xv **ret,
                     struct xapi_error *err)
{
    return events_wait(ev, classes, token, timeout, NULL, true, ret, err);
}

/* ---- event.register / event.next / event.unregister -------------------- */

/* The session's subscription; lock held. */
static struct next_sub *next_sub_find(struct xapi_events *ev,
                                      const char *session)
{
    for (struct next_sub *s = ev->next_subs; s; s = s->next)
        if (!s->ended && strcmp(s->session, session) == 0)
            return s;
    return NULL;
}

static void next_sub_free(struct next_sub *s)
{
    if (s) {
        free(s->session);
        strv_free(s->classes);
        free(s);
    }
}

/* Unlink s from the list; lock held. */
static void next_sub_unlink(struct xapi_events *ev, struct next_sub *s)
{
    for (struct next_sub **pp = &ev->next_subs; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            return;
        }
}

/* The strings of an XV_ARRAY: EVENT_SUBSCRIPTION_PARSE_FAILURE for one
 * that is not a string (event.from's check of its classes). */
static int class_strings(struct xapi_events *ev, const struct xv *classes,
                         struct xapi_error *err)
{
    struct subs ss = { NULL, 0, false };
    int r = subs_parse(ev, classes, &ss, err);

    subs_free(&ss);
    return r;
}

int xapi_events_register_classes(struct xapi_events *ev,
                                 const char *session,
                                 const struct xv *classes,
                                 struct xapi_error *err)
{
    struct next_sub *s, *fresh = NULL;
    size_t n_old = 0, n_new;
    char **v;
    int r;

    r = class_strings(ev, classes, err);
    if (r < 0)
        return r;
    n_new = classes->a.n;
    pthread_mutex_lock(&ev->lock);
    s = next_sub_find(ev, session);
    if (!s) {
        /* From now on (XAPI: last_id = the current id). */
        fresh = calloc(1, sizeof(*fresh));
        if (!fresh || !(fresh->session = strdup(session))) {
            free(fresh);
            pthread_mutex_unlock(&ev->lock);
            return xapi_error_internal(err, -ENOMEM, "out of memory");
        }
        fresh->last = ev->gen;
        s = fresh;
    }
    for (; s->classes && s->classes[n_old]; n_old++)
        ;
    v = reallocarray(s->classes, n_old + n_new + 1, sizeof(*v));
    r = v ? 0 : -ENOMEM;
    if (v) {
        s->classes = v;
        v[n_old] = NULL;
        for (size_t i = 0; i < n_new; i++) {
            v[n_old + i] = strdup(classes->a.items[i]->s);
            v[n_old + i + 1] = NULL;
            if (!v[n_old + i]) {
                r = -ENOMEM;
                break;
            }
        }
    }
    if (fresh && r >= 0) {
        fresh->next = ev->next_subs;
        ev->next_subs = fresh;
    } else if (fresh) {
        next_sub_free(fresh);
    }
    pthread_mutex_unlock(&ev->lock);
    return r < 0 ? xapi_error_internal(err, r, "out of memory") : 0;
}

int xapi_events_unregister_classes(struct xapi_events *ev,
                                   const char *session,
                                   const struct xv *classes,
                                   struct xapi_error *err)
{
    struct next_sub *s;
    int r;

    r = class_strings(ev, classes, err);
    if (r < 0)
        return r;
    pthread_mutex_lock(&ev->lock);
    s = next_sub_find(ev, session);
    for (size_t i = 0, k = 0; s && s->classes && s->classes[i]; i++) {
        bool drop = false;

        for (size_t j = 0; j < classes->a.n && !drop; j++)
            drop = strcasecmp(s->classes[i], classes->a.items[j]->s) == 0;
        if (drop)
            free(s->classes[i]);
        else
            s->classes[k++] = s->classes[i];
        if (!s->classes[i + 1])
            s->classes[k] = NULL;
    }
    pthread_mutex_unlock(&ev->lock);
    /* XAPI's unregister makes the subscription if there was none: the
     * session is registered (for nothing) afterwards. */
    if (!s) {
        struct xv *none = xv_new_array();

        r = none ? xapi_events_register_classes(ev, session, none, err)
                 : xapi_error_internal(err, -ENOMEM, "out of memory");
        xv_free(none);
        return r;
    }
    return 0;
}

void xapi_events_session_ended(struct xapi_events *ev, const char *session)
{
    struct next_sub *s;

    if (!ev)
        return;
    pthread_mutex_lock(&ev->lock);
    s = next_sub_find(ev, session);
    if (s) {
        next_sub_unlink(ev, s);
        s->ended = true;
        if (!s->busy)
            next_sub_free(s);
        pthread_cond_broadcast(&ev->cond);
    }
    pthread_mutex_unlock(&ev->lock);
}

int xapi_events_next(struct xapi_events *ev, const char *session,
                     struct xv **ret, struct xapi_error *err)
{
    _cleanup_xv_ struct xv *classes = xv_new_array();
    struct next_sub *s;
    char tok[48];
    int r = 0;

    if (!classes)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    pthread_mutex_lock(&ev->lock);
    s = next_sub_find(ev, session);
    if (!s) {
        pthread_mutex_unlock(&ev->lock);
        return xapi_error_set(err, -ENOENT, XAPI_SESSION_NOT_REGISTERED,
                              session, NULL);
    }
    s->busy++;
    for (size_t i = 0; r >= 0 && s->classes && s->classes[i]; i++)
        r = xv_array_append(classes, xv_new_string(s->classes[i]));
    pthread_mutex_unlock(&ev->lock);

    /* Blocks until there is an event (XAPI's next has no timeout): in
     * rounds of the engine's longest wait, until the session ends. */
    while (r >= 0) {
        _cleanup_xv_ struct xv *got = NULL;
        struct xv *events, *t;
        uint64_t from;
        bool initial;

        pthread_mutex_lock(&ev->lock);
        from = s->last;
        pthread_mutex_unlock(&ev->lock);
        token_format(from, tok);
        r = events_wait(ev, classes, tok, ev->o.max_timeout, &s->ended,
                        false, &got, err);
        pthread_mutex_lock(&ev->lock);
        if (r == -ESTALE) {
            /* EVENTS_LOST: the next call goes on from now (XAPI's
             * last_id moved already); the client reads everything. */
            s->last = ev->gen;
        } else if (r >= 0 && (t = xv_struct_get(got, "token")) &&
                   token_parse(t->s, &from, &initial) >= 0 &&
                   from > s->last) {
            s->last = from;
        }
        if (r >= 0 && s->ended)
            r = xapi_error_set(err, -ENOENT, XAPI_SESSION_INVALID, session,
                               NULL);
        pthread_mutex_unlock(&ev->lock);
        if (r < 0)
            break;
        events = xv_struct_get(got, "events");
        if (events && events->a.n > 0) {
            *ret = xv_copy(events);
            r = *ret ? 0 : xapi_error_internal(err, -ENOMEM,
                                               "out of memory");
            break;
        }
        if (ev->stopping) {
            *ret = xv_new_array();
            r = *ret ? 0 : -ENOMEM;
            break;
        }
    }
    pthread_mutex_lock(&ev->lock);
    if (--s->busy == 0 && s->ended)
        next_sub_free(s);
    pthread_mutex_unlock(&ev->lock);
    return r;
}

int xapi_events_inject(struct xapi_events *ev, const char *cls,
                       const char *ref, char **ret, struct xapi_error *err)
{
    _cleanup_xv_ struct xv *rec = NULL;
    struct ev_class *c;
    char tok[48];
    uint64_t g;
    int r;

    pthread_mutex_lock(&ev->lock);
    c = class_find(ev, cls);
    pthread_mutex_unlock(&ev->lock);
    if (!c)
        return xapi_handle_invalid(err, cls, ref);
    {
        struct xapi_error gerr = XAPI_ERROR_INIT;

        r = c->c.get(c->c.userdata, ref, &rec, &gerr);
        if (r == -ENOENT && !xapi_error_is_set(&gerr))
            r = xapi_handle_invalid(err, c->name, ref);
        else if (r < 0) {
            xapi_error_clear(err);
            *err = gerr;           /* moved: nothing left to clear */
            memset(&gerr, 0, sizeof(gerr));
        }
        xapi_error_clear(&gerr);
        if (r < 0)
            return r;
    }
    /*
     * The token is the generation before the injected change, so
     * event.from(token) reports it (XAPI's inject does the same).
     */
    pthread_mutex_lock(&ev->lock);
    g = ev->gen;
    pthread_mutex_unlock(&ev->lock);
    r = xapi_events_notify(ev, c->name, ref, XAPI_EVENT_MOD);
    if (r < 0)
        return xapi_error_internal(err, r, "out of memory");
    token_format(g, tok);
    *ret = strdup(tok);
    return *ret ? 0 : xapi_error_internal(err, -ENOMEM, "out of memory");
}

static int m_from(const struct xapi_call *call, struct xv *const *args,
                  size_t n, struct xv **ret, struct xapi_error *err)
{
    const char *token;
    double timeout;
    int r;

    r = xapi_arg_string(args, 1, "token", &token, err);
    if (r < 0)
        return r;
    if (xv_get_double(args[2], &timeout) < 0)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, "timeout",
                              NULL);
    return xapi_events_from(call->userdata, args[0], token, timeout, ret,
                            err);
}

static int m_inject(const struct xapi_call *call, struct xv *const *args,
                    size_t n, struct xv **ret, struct xapi_error *err)
{
    const char *cls, *ref;
    char *tok;
    int r;

    if ((r = xapi_arg_string(args, 0, "class", &cls, err)) < 0 ||
        (r = xapi_arg_string(args, 1, "ref", &ref, err)) < 0)
        return r;
    r = xapi_events_inject(call->userdata, cls, ref, &tok, err);
    if (r < 0)
        return r;
    *ret = xv_new_string(tok);
    free(tok);
    return *ret ? 0 : -ENOMEM;
}

static int m_register(const struct xapi_call *call, struct xv *const *args,
                      size_t n, struct xv **ret, struct xapi_error *err)
{
    return xapi_events_register_classes(call->userdata, call->session,
                                        args[0], err);
}

static int m_unregister(const struct xapi_call *call,
                        struct xv *const *args, size_t n, struct xv **ret,
                        struct xapi_error *err)
{
    return xapi_events_unregister_classes(call->userdata, call->session,
                                          args[0], err);
}

static int m_next(const struct xapi_call *call, struct xv *const *args,
                  size_t n, struct xv **ret, struct xapi_error *err)
{
    return xapi_events_next(call->userdata, call->session, ret, err);
}

int xapi_events_register(struct xapi_events *ev, struct xapi_registry *reg)
{
    const struct xapi_method m[] = {
        { "event.from", 3, 3, 0, m_from, ev },
        { "event.inject", 2, 2, 0, m_inject, ev },
        { "event.register", 1, 1, 0, m_register, ev },
        { "event.unregister", 1, 1, 0, m_unregister, ev },
        { "event.next", 0, 0, 0, m_next, ev },
    };
    size_t k;
    int r;

    for (k = 0; k < ELEMENTSOF(m); k++) {
        r = xapi_registry_add(reg, &m[k]);
        if (r < 0)
            return r;
    }
    return 0;
}
