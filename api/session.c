/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* XenAPI sessions: login, logout, checks, failed-login rate limit. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libsriov/macro.h"
#include "api/session.h"

#define MAX_FAIL_ENTRIES 4096

/* Sizes a login may carry; longer ones are refused before any check. */
#define USER_MAX 255
#define ORIGINATOR_MAX 255
#define PASSWORD_MAX 1024

struct session {
    char ref[XAPI_REF_MAX];
    char uuid[37];
    char *user;
    char *originator;
    double last_used;              /* monotonic seconds */
    time_t created;                /* wall clock: validation_time */
};

struct failures {
    char *key;                     /* "client" or "client\x1fuser" */
    unsigned count;                /* failed checks */
    unsigned pending;              /* checks running now */
    double last;
};

struct xapi_sessions {
    pthread_mutex_t lock;
    pthread_cond_t check_done;     /* a password check ended */
    struct xapi_auth *auth;
    struct xapi_session_options o;
    struct xapi_logger log;
    struct session *s;
    size_t n;
    struct failures *f;
    size_t nf;
    struct xapi_registry *reg;     /* for the permission list */
    void (*on_logout)(void *userdata, const char *ref);
    void *on_logout_userdata;
    char host[XAPI_REF_MAX];       /* this_host; the null ref until set */
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int xapi_sessions_new(struct xapi_sessions **ret, struct xapi_auth *auth,
                      const struct xapi_session_options *opts,
                      const struct xapi_logger *log)
{
    struct xapi_sessions *s = calloc(1, sizeof(*s));

    if (!s) {
        xapi_auth_free(auth);
        return -ENOMEM;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->check_done, NULL);
    s->auth = auth;
    if (opts)
        s->o = *opts;
    if (!s->o.max_sessions)
        s->o.max_sessions = 1000;
    if (!s->o.max_sessions_per_user)
        s->o.max_sessions_per_user = 500;
    if (!s->o.max_sessions_per_originator)
        s->o.max_sessions_per_originator = 100;
    if (!s->o.idle_timeout)
        s->o.idle_timeout = 86400;
    if (!s->o.max_failures)
        s->o.max_failures = 5;
    if (!s->o.lockout)
        s->o.lockout = 60;
    if (log)
        s->log = *log;
    s->s = calloc(s->o.max_sessions, sizeof(*s->s));
    s->f = calloc(MAX_FAIL_ENTRIES, sizeof(*s->f));
    if (!s->s || !s->f) {
        xapi_sessions_free(s);
        return -ENOMEM;
    }
    *ret = s;
    return 0;
}

static void session_drop(struct xapi_sessions *s, size_t k)
{
    free(s->s[k].user);
    free(s->s[k].originator);
    s->s[k] = s->s[--s->n];
    memset(&s->s[s->n], 0, sizeof(s->s[s->n]));
}

/* A session ends (logout, idle timeout, eviction): tell the hook. */
static void session_end(struct xapi_sessions *s, size_t k)
{
    if (s->on_logout)
        s->on_logout(s->on_logout_userdata, s->s[k].ref);
    session_drop(s, k);
}

struct xapi_sessions *xapi_sessions_free(struct xapi_sessions *s)
{
    size_t k;

    if (!s)
        return NULL;
    while (s->s && s->n)
        session_drop(s, 0);
    for (k = 0; s->f && k < s->nf; k++)
        free(s->f[k].key);
    free(s->s);
    free(s->f);
    xapi_auth_free(s->auth);
    pthread_cond_destroy(&s->check_done);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return NULL;
}

/* Index of ref among live sessions (expired ones are dropped), or -1. */
static ssize_t session_find(struct xapi_sessions *s, const char *ref,
                            double t)
{
    size_t k;

    for (k = 0; k < s->n; k++) {
        if (strcmp(s->s[k].ref, ref) != 0)
            continue;
        if (t - s->s[k].last_used > s->o.idle_timeout) {
            session_end(s, k);
            return -1;
        }
        return (ssize_t)k;
    }
    return -1;
}

int xapi_sessions_check(struct xapi_sessions *s, const char *ref)
{
    double t = now();
    ssize_t k;

    if (!ref)
        return -ENOENT;
    pthread_mutex_lock(&s->lock);
    k = session_find(s, ref, t);
    if (k >= 0)
        s->s[k].last_used = t;
    pthread_mutex_unlock(&s->lock);
    return k >= 0 ? 0 : -ENOENT;
}

int xapi_sessions_check_cb(void *userdata, const char *ref)
{
    return xapi_sessions_check(userdata, ref);
}

unsigned xapi_sessions_count(struct xapi_sessions *s)
{
    unsigned n;

    pthread_mutex_lock(&s->lock);
    n = (unsigned)s->n;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* Failure counters; all called with the lock held. */

static void fail_remove(struct xapi_sessions *s, struct failures *f)
{
    free(f->key);
    *f = s->f[--s->nf];
}

/*
 * The entry of key, or a new one if create (NULL when the table is full of
 * entries with checks running, or out of memory).  Entries without a
 * running check expire lockout seconds after their last failure.
 */
static struct failures *fail_find(struct xapi_sessions *s, const char *key,
                                  double t, bool create)
{
    struct failures *oldest = NULL;
    size_t k;

    for (k = 0; k < s->nf; k++) {
        struct failures *f = &s->f[k];

        if (!f->pending && t - f->last > s->o.lockout) {
            fail_remove(s, f);
            k--;
            continue;
        }
        if (strcmp(f->key, key) == 0)
            return f;
        if (!f->pending && (!oldest || f->last < oldest->last))
            oldest = f;
    }
    if (!create)
        return NULL;
    if (s->nf == MAX_FAIL_ENTRIES) {
        /* Full (a flood of distinct clients): reuse the stalest entry. */
        if (!oldest)
            return NULL;
        fail_remove(s, oldest);
    }
    s->f[s->nf].key = strdup(key);
    if (!s->f[s->nf].key)
        return NULL;
    s->f[s->nf].count = s->f[s->nf].pending = 0;
    s->f[s->nf].last = t;
    return &s->f[s->nf++];
}

/* Seconds until a key with f's failures may try again (0: it may now). */
static unsigned locked_for(struct xapi_sessions *s, const struct failures *f,
                           unsigned limit, double t)
{
    if (!f || f->count < limit)
        return 0;
    return (unsigned)(f->last + s->o.lockout - t) + 1;
}

/*
 * One decision per attempt, under the lock: refuse (the seconds to wait
 * in *ret_wait), or reserve a password check for the pair and the client.
 * Failures plus checks running never exceed the limits, so N parallel
 * attempts check at most max_failures passwords of a pair; an attempt
 * over them waits for a running check to end, then decides again.
 * Returns 0 (reserved), -EAGAIN (locked: *ret_wait) or -ENOSPC (no room).
 */
static int attempt_begin(struct xapi_sessions *s, const char *pair,
                         const char *client, unsigned *ret_wait)
{
    unsigned pair_limit = s->o.max_failures;
    unsigned client_limit = 4 * s->o.max_failures;
    struct failures *fp, *fc;
    unsigned wp, wc;
    double t;

    for (;;) {
        t = now();
        fp = fail_find(s, pair, t, false);
        fc = fail_find(s, client, t, false);
        wp = locked_for(s, fp, pair_limit, t);
        wc = locked_for(s, fc, client_limit, t);
        if (wp || wc) {
            *ret_wait = wp > wc ? wp : wc;
            return -EAGAIN;
        }
        if ((!fp || fp->count + fp->pending < pair_limit) &&
            (!fc || fc->count + fc->pending < client_limit))
            break;
        pthread_cond_wait(&s->check_done, &s->lock);
    }
    fp = fail_find(s, pair, t, true);
    if (!fp)
        return -ENOSPC;
    fp->pending++;
    fc = fail_find(s, client, t, true);
    if (!fc) {
        fp = fail_find(s, pair, t, false);
        fp->pending--;
        return -ENOSPC;
    }
    fc->pending++;
    return 0;
}

/* The check reserved by attempt_begin() ended (ok: the password was right). */
static void attempt_end(struct xapi_sessions *s, const char *key, bool ok,
                        bool forget, double t)
{
    struct failures *f = fail_find(s, key, t, false);

    if (!f)
        return;
    f->pending--;
    if (!ok) {
        f->count++;
        f->last = t;
    } else if (forget) {
        f->count = 0;
    }
    if (!f->count && !f->pending)
        fail_remove(s, f);
}

static int auth_failed(struct xapi_error *err, const char *user,
                       const char *why)
{
    return xapi_error_set(err, -EACCES, XAPI_SESSION_AUTHENTICATION_FAILED,
                          user, why, NULL);
}

/* Index of the least recently used session of user (NULL: any) and
 * originator (NULL: any), or -1; *ret_n counts them.  Lock held. */
static ssize_t lru_of(struct xapi_sessions *s, const char *user,
                      const char *originator, unsigned *ret_n)
{
    ssize_t lru = -1;
    unsigned n = 0;
    size_t k;

    for (k = 0; k < s->n; k++) {
        if ((user && strcmp(s->s[k].user, user) != 0) ||
            (originator && strcmp(s->s[k].originator, originator) != 0))
            continue;
        n++;
        if (lru < 0 || s->s[k].last_used < s->s[lru].last_used)
            lru = (ssize_t)k;
    }
    *ret_n = n;
    return lru;
}

/*
 * Room for a session of user from originator, as XAPI keeps its session
 * table bounded: past max_sessions_per_originator sessions of that user and
 * originator, or past max_sessions_per_user of that user, its own least
 * recently used one ends; at max_sessions, the least recently used one of
 * the user who holds most.  A client never ends another user's session
 * unless that user holds more than it does.  Lock held.
 */
static void make_room(struct xapi_sessions *s, const char *user,
                      const char *originator)
{
    const char *why = NULL, *heaviest = NULL;
    unsigned n, most = 0;
    ssize_t k;
    size_t j;

    k = lru_of(s, user, originator, &n);
    if (n >= s->o.max_sessions_per_originator) {
        why = "per-originator";
    } else {
        k = lru_of(s, user, NULL, &n);
        if (n >= s->o.max_sessions_per_user) {
            why = "per-user";
        } else if (s->n >= s->o.max_sessions) {
            for (j = 0; j < s->n; j++) {
                lru_of(s, s->s[j].user, NULL, &n);
                if (n > most) {
                    most = n;
                    heaviest = s->s[j].user;
                }
            }
            k = lru_of(s, heaviest, NULL, &n);
            why = "global";
        }
    }
    if (!why || k < 0)
        return;
    xapi_log(&s->log, LOG_INFO, "%s session limit reached: ending the "
             "least recently used session of '%s' (originator '%s')", why,
             s->s[k].user, s->s[k].originator);
    session_end(s, (size_t)k);
}

int xapi_sessions_login(struct xapi_sessions *s, const char *user,
                        const char *password, const char *originator,
                        const char *client, char ret_ref[XAPI_REF_MAX],
                        struct xapi_error *err)
{
    _cleanup_free_ char *pair = NULL, *why = NULL, *u = NULL, *o = NULL;
    size_t ulen = strlen(user), plen = strlen(password);
    struct session *ns;
    char ref[XAPI_REF_MAX], uuid[37];
    unsigned wait;
    double t;
    int r;

    if (!originator)
        originator = "";
    /* Bounded before anything is kept or checked: names, not payloads. */
    if (ulen > USER_MAX || strlen(originator) > ORIGINATOR_MAX) {
        xapi_log(&s->log, LOG_NOTICE, "login refused from %s: %s of %zu "
                 "bytes is over the limit of %d bytes", client,
                 ulen > USER_MAX ? "user name" : "originator",
                 ulen > USER_MAX ? ulen : strlen(originator),
                 ulen > USER_MAX ? USER_MAX : ORIGINATOR_MAX);
        return auth_failed(err, ulen > USER_MAX ? "" : user,
                           "Authentication failure");
    }
    /* xapi_local(): root on the unix socket (SO_PEERCRED uid 0, see
     * http.c) logs in without a password, as XAPI trusts its local
     * socket; a password given is still checked. */
    if (!*password && strcmp(client, "unix:uid=0") == 0) {
        t = now();
        goto open;
    }
    if (asprintf(&pair, "%s\x1f%s", client, user) < 0) {
        pair = NULL;
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    }
    pthread_mutex_lock(&s->lock);
    r = attempt_begin(s, pair, client, &wait);
    pthread_mutex_unlock(&s->lock);
    if (r == -EAGAIN) {
        char text[128];

        xapi_log(&s->log, LOG_WARNING, "login refused for user '%s' from "
                 "%s: too many failed logins, locked for %u s", user, client,
                 wait);
        snprintf(text, sizeof(text), "Too many failed logins from this "
                 "client; try again in %u seconds", wait);
        return auth_failed(err, user, text);
    }
    if (r < 0) {
        xapi_log(&s->log, LOG_WARNING, "login refused for user '%s' from "
                 "%s: too many clients are logging in", user, client);
        return auth_failed(err, user, "Too many logins in progress; try "
                           "again later");
    }

    if (plen > PASSWORD_MAX)
        r = -EACCES;
    else
        r = xapi_auth_check(s->auth, user, password, &why);
    t = now();
    pthread_mutex_lock(&s->lock);
    attempt_end(s, pair, r == 0, true, t);
    attempt_end(s, client, r == 0, false, t);
    pthread_cond_broadcast(&s->check_done);
    pthread_mutex_unlock(&s->lock);
    if (r < 0) {
        if (plen > PASSWORD_MAX)
            xapi_log(&s->log, LOG_NOTICE, "login failed for user '%s' from "
                     "%s: password of %zu bytes is over the limit of %d "
                     "bytes", user, client, plen, PASSWORD_MAX);
        else
            xapi_log(&s->log, r == -EACCES ? LOG_NOTICE : LOG_ERR,
                     "login failed for user '%s' from %s: %s", user, client,
                     why ? why : strerror(-r));
        /* The client learns only that it failed, never why. */
        return auth_failed(err, user, "Authentication failure");
    }

open:
    r = xapi_new_ref(ref);
    if (r == 0)
        r = xapi_new_uuid(uuid);
    if (r < 0)
        return xapi_error_internal(err, r, "no random numbers: %s",
                                   strerror(-r));
    u = strdup(user);
    o = strdup(originator);
    if (!u || !o)
        return xapi_error_internal(err, -ENOMEM, "out of memory");

    pthread_mutex_lock(&s->lock);
    make_room(s, user, originator);
    ns = &s->s[s->n++];
    memcpy(ns->ref, ref, sizeof(ref));
    memcpy(ns->uuid, uuid, sizeof(uuid));
    ns->user = TAKE_PTR(u);
    ns->originator = TAKE_PTR(o);
    ns->last_used = t;
    ns->created = time(NULL);
    pthread_mutex_unlock(&s->lock);
    xapi_log(&s->log, LOG_INFO, "session opened for user '%s' from %s",
             user, client);
    memcpy(ret_ref, ref, XAPI_REF_MAX);
    return 0;
}

int xapi_sessions_logout(struct xapi_sessions *s, const char *ref)
{
    ssize_t k;

    pthread_mutex_lock(&s->lock);
    k = session_find(s, ref, now());
    if (k >= 0)
        session_end(s, (size_t)k);
    pthread_mutex_unlock(&s->lock);
    return k >= 0 ? 0 : -ENOENT;
}

/* Methods. */

static int m_login(const struct xapi_call *call, struct xv *const *args,
                   size_t n, struct xv **ret, struct xapi_error *err)
{
    const char *user, *password, *version = NULL, *originator = NULL;
    char ref[XAPI_REF_MAX];
    int r;

    if ((r = xapi_arg_string(args, 0, "uname", &user, err)) < 0 ||
        (r = xapi_arg_string(args, 1, "pwd", &password, err)) < 0 ||
        (n > 2 && (r = xapi_arg_string(args, 2, "version", &version,
                                       err)) < 0) ||
        (n > 3 && (r = xapi_arg_string(args, 3, "originator", &originator,
                                       err)) < 0))
        return r;
    r = xapi_sessions_login(call->userdata, user, password, originator,
                            call->client, ref, err);
    if (r < 0)
        return r;
    *ret = xv_new_string(ref);
    return *ret ? 0 : -ENOMEM;
}

void xapi_sessions_on_logout(struct xapi_sessions *s,
                             void (*fn)(void *userdata, const char *ref),
                             void *userdata)
{
    pthread_mutex_lock(&s->lock);
    s->on_logout = fn;
    s->on_logout_userdata = userdata;
    pthread_mutex_unlock(&s->lock);
}

static int m_logout(const struct xapi_call *call, struct xv *const *args,
                    size_t n, struct xv **ret, struct xapi_error *err)
{
    xapi_sessions_logout(call->userdata, call->session);
    return 0;
}

/* Look up the session named by args[0] (the "self" of session.get_*). */
static int self_field(const struct xapi_call *call, struct xv *const *args,
                      const char *field, struct xv **ret,
                      struct xapi_error *err)
{
    struct xapi_sessions *s = call->userdata;
    const char *self;
    struct xv *v = NULL;
    ssize_t k;
    int r;

    r = xapi_arg_string(args, 0, "self", &self, err);
    if (r < 0)
        return r;
    pthread_mutex_lock(&s->lock);
    k = session_find(s, self, now());
    if (k >= 0) {
        if (strcmp(field, "uuid") == 0)
            v = xv_new_string(s->s[k].uuid);
        else if (strcmp(field, "auth_user_name") == 0)
            v = xv_new_string(s->s[k].user);
        else if (strcmp(field, "this_host") == 0)
            v = xv_new_string(*s->host ? s->host : "OpaqueRef:NULL");
        else if (strcmp(field, "this_user") == 0)
            v = xv_new_string("OpaqueRef:NULL");
        else
            v = xv_new_string(s->s[k].originator);
    }
    pthread_mutex_unlock(&s->lock);
    if (k < 0)
        return xapi_handle_invalid(err, "session", self);
    if (!v)
        return -ENOMEM;
    *ret = v;
    return 0;
}

static int m_get_uuid(const struct xapi_call *call, struct xv *const *args,
                      size_t n, struct xv **ret, struct xapi_error *err)
{
    return self_field(call, args, "uuid", ret, err);
}

static int m_get_user(const struct xapi_call *call, struct xv *const *args,
                      size_t n, struct xv **ret, struct xapi_error *err)
{
    return self_field(call, args, "auth_user_name", ret, err);
}

static int m_get_originator(const struct xapi_call *call,
                            struct xv *const *args, size_t n,
                            struct xv **ret, struct xapi_error *err)
{
    return self_field(call, args, "originator", ret, err);
}

/*
 * Every user the server lets in is an administrator (there is no RBAC
 * here), which is what a local superuser session is in XAPI.
 */
static int m_is_superuser(const struct xapi_call *call,
                          struct xv *const *args, size_t n, struct xv **ret,
                          struct xapi_error *err)
{
    _cleanup_xv_ struct xv *tmp = NULL;
    int r;

    r = self_field(call, args, "uuid", &tmp, err);
    if (r < 0)
        return r;
    *ret = xv_new_bool(true);
    return *ret ? 0 : -ENOMEM;
}

/* Permissions of a superuser: every method, lower-cased as XAPI's. */
static int permissions(struct xapi_sessions *s, struct xv **ret)
{
    _cleanup_xv_ struct xv *all = NULL;
    size_t k;
    char *p;
    int r;

    r = xapi_registry_list(s->reg, &all);
    if (r < 0)
        return r;
    for (k = 0; k < all->a.n; k++)
        for (p = all->a.items[k]->s; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    *ret = TAKE_PTR(all);
    return 0;
}

static int m_rbac(const struct xapi_call *call, struct xv *const *args,
                  size_t n, struct xv **ret, struct xapi_error *err)
{
    _cleanup_xv_ struct xv *tmp = NULL;
    int r;

    r = self_field(call, args, "uuid", &tmp, err);
    if (r < 0)
        return r;
    return permissions(call->userdata, ret);
}

void xapi_sessions_set_host(struct xapi_sessions *s, const char *host_ref)
{
    pthread_mutex_lock(&s->lock);
    snprintf(s->host, sizeof(s->host), "%s", host_ref ? host_ref : "");
    pthread_mutex_unlock(&s->lock);
}

/* session.get_this_host(self): the host this server is;
 * session.get_this_user(self): XAPI's this_user, the null ref for a
 * local user (the user class is deprecated). */
static int m_this_host(const struct xapi_call *call, struct xv *const *args,
                       size_t n, struct xv **ret, struct xapi_error *err)
{
    return self_field(call, args, "this_host", ret, err);
}

static int m_this_user(const struct xapi_call *call, struct xv *const *args,
                       size_t n, struct xv **ret, struct xapi_error *err)
{
    return self_field(call, args, "this_user", ret, err);
}

/* session.get_record(self): XAPI's session fields. */
static int m_get_record(const struct xapi_call *call, struct xv *const *args,
                        size_t n, struct xv **ret, struct xapi_error *err)
{
    struct xapi_sessions *s = call->userdata;
    _cleanup_xv_ struct xv *rec = xv_new_struct(), *perms = NULL;
    _cleanup_free_ char *user = NULL, *originator = NULL;
    char uuid[37], host[XAPI_REF_MAX];
    const char *self;
    time_t created = 0;
    ssize_t k;
    int r;

    r = xapi_arg_string(args, 0, "self", &self, err);
    if (r < 0)
        return r;
    if (!rec || (r = permissions(s, &perms)) < 0)
        return -ENOMEM;
    pthread_mutex_lock(&s->lock);
    k = session_find(s, self, now());
    if (k >= 0) {
        memcpy(uuid, s->s[k].uuid, sizeof(uuid));
        user = strdup(s->s[k].user);
        originator = strdup(s->s[k].originator);
        created = s->s[k].created;
    }
    snprintf(host, sizeof(host), "%s", *s->host ? s->host : "OpaqueRef:NULL");
    pthread_mutex_unlock(&s->lock);
    if (k < 0)
        return xapi_handle_invalid(err, "session", self);
    if (!user || !originator ||
        xv_struct_set_string(rec, "uuid", uuid) < 0 ||
        xv_struct_set_string(rec, "this_host", host) < 0 ||
        xv_struct_set_string(rec, "this_user", "OpaqueRef:NULL") < 0 ||
        xv_struct_set(rec, "last_active",
                      xv_new_date_of(time(NULL), false)) < 0 ||
        xv_struct_set_bool(rec, "pool", false) < 0 ||
        xv_struct_set(rec, "other_config", xv_new_struct()) < 0 ||
        xv_struct_set_bool(rec, "is_local_superuser", true) < 0 ||
        xv_struct_set_string(rec, "subject", "OpaqueRef:NULL") < 0 ||
        xv_struct_set(rec, "validation_time",
                      xv_new_date_of(created, false)) < 0 ||
        xv_struct_set_string(rec, "auth_user_sid", "") < 0 ||
        xv_struct_set_string(rec, "auth_user_name", user) < 0 ||
        xv_struct_set(rec, "rbac_permissions", TAKE_PTR(perms)) < 0 ||
        xv_struct_set(rec, "tasks", xv_new_array()) < 0 ||
        xv_struct_set_string(rec, "parent", "OpaqueRef:NULL") < 0 ||
        xv_struct_set_string(rec, "originator", originator) < 0 ||
        xv_struct_set_bool(rec, "client_certificate", false) < 0)
        return -ENOMEM;
    *ret = TAKE_PTR(rec);
    return 0;
}

int xapi_sessions_register(struct xapi_sessions *s,
                           struct xapi_registry *reg)
{
    const struct xapi_method m[] = {
        { "session.login_with_password", 2, 4, XAPI_METHOD_NO_SESSION,
          m_login, s },
        { "session.logout", 0, 0, 0, m_logout, s },
        { "session.get_uuid", 1, 1, 0, m_get_uuid, s },
        { "session.get_auth_user_name", 1, 1, 0, m_get_user, s },
        { "session.get_originator", 1, 1, 0, m_get_originator, s },
        { "session.get_is_local_superuser", 1, 1, 0, m_is_superuser, s },
        { "session.get_rbac_permissions", 1, 1, 0, m_rbac, s },
        { "session.get_this_host", 1, 1, 0, m_this_host, s },
        { "session.get_this_user", 1, 1, 0, m_this_user, s },
        { "session.get_record", 1, 1, 0, m_get_record, s },
    };
    size_t k;
    int r;

    s->reg = reg;
    for (k = 0; k < ELEMENTSOF(m); k++) {
        r = xapi_registry_add(reg, &m[k]);
        if (r < 0)
            return r;
    }
    return 0;
}
