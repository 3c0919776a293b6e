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
#include "xe-ext/api/session.h"

#define MAX_FAIL_ENTRIES 4096

struct session {
    char ref[XAPI_REF_MAX];
    char uuid[37];
    char *user;
    char *originator;
    double last_used;              /* monotonic seconds */
};

struct failures {
    char *key;                     /* "client" or "client\x1fuser" */
    unsigned count;
    double first, last;
};

struct xapi_sessions {
    pthread_mutex_t lock;
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
    s->auth = auth;
    if (opts)
        s->o = *opts;
    if (!s->o.max_sessions)
        s->o.max_sessions = 500;
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

static struct failures *fail_find(struct xapi_sessions *s, const char *key,
                                  double t, bool create)
{
    struct failures *oldest = NULL;
    size_t k;

    for (k = 0; k < s->nf; k++) {
        struct failures *f = &s->f[k];

        if (t - f->last > s->o.lockout) {
            /* Expired: forget it. */
            free(f->key);
            s->f[k--] = s->f[--s->nf];
            continue;
        }
        if (strcmp(f->key, key) == 0)
            return f;
        if (!oldest || f->last < oldest->last)
            oldest = f;
    }
    if (!create)
        return NULL;
    if (s->nf == MAX_FAIL_ENTRIES) {
        /* Full (a flood of distinct clients): reuse the stalest entry. */
        free(oldest->key);
        *oldest = s->f[--s->nf];
    }
    s->f[s->nf].key = strdup(key);
    if (!s->f[s->nf].key)
        return NULL;
    s->f[s->nf].count = 0;
    s->f[s->nf].first = s->f[s->nf].last = t;
    return &s->f[s->nf++];
}

static void fail_forget(struct xapi_sessions *s, const char *key, double t)
{
    struct failures *f = fail_find(s, key, t, false);

    if (f) {
        free(f->key);
        *f = s->f[--s->nf];
    }
}

/* Seconds until key may try again (0: it may now). */
static unsigned locked_for(struct xapi_sessions *s, const char *key,
                           unsigned limit, double t)
{
    struct failures *f = fail_find(s, key, t, false);

    if (!f || f->count < limit)
        return 0;
    return (unsigned)(f->last + s->o.lockout - t) + 1;
}

static void fail_count(struct xapi_sessions *s, const char *key, double t)
{
    struct failures *f = fail_find(s, key, t, true);

    if (f) {
        f->count++;
        f->last = t;
    }
}

static int auth_failed(struct xapi_error *err, const char *user,
                       const char *why)
{
    return xapi_error_set(err, -EACCES, XAPI_SESSION_AUTHENTICATION_FAILED,
                          user, why, NULL);
}

int xapi_sessions_login(struct xapi_sessions *s, const char *user,
                        const char *password, const char *originator,
                        const char *client, char ret_ref[XAPI_REF_MAX],
                        struct xapi_error *err)
{
    _cleanup_free_ char *pair = NULL, *why = NULL, *u = NULL, *o = NULL;
    unsigned wait_pair, wait_client;
    struct session *ns;
    char ref[XAPI_REF_MAX], uuid[37];
    double t = now();
    size_t k, lru;
    int r;

    if (asprintf(&pair, "%s\x1f%s", client, user) < 0) {
        pair = NULL;
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    }
    pthread_mutex_lock(&s->lock);
    wait_pair = locked_for(s, pair, s->o.max_failures, t);
    wait_client = locked_for(s, client, 4 * s->o.max_failures, t);
    pthread_mutex_unlock(&s->lock);
    if (wait_pair || wait_client) {
        char text[128];
        unsigned w = wait_pair > wait_client ? wait_pair : wait_client;

        xapi_log(&s->log, LOG_WARNING, "login refused for user '%s' from "
                 "%s: too many failed logins, locked for %u s", user, client,
                 w);
        snprintf(text, sizeof(text), "Too many failed logins from this "
                 "client; try again in %u seconds", w);
        return auth_failed(err, user, text);
    }

    r = xapi_auth_check(s->auth, user, password, &why);
    t = now();
    if (r < 0) {
        pthread_mutex_lock(&s->lock);
        fail_count(s, pair, t);
        fail_count(s, client, t);
        pthread_mutex_unlock(&s->lock);
        xapi_log(&s->log, r == -EACCES ? LOG_NOTICE : LOG_ERR,
                 "login failed for user '%s' from %s: %s", user, client,
                 why ? why : strerror(-r));
        /* The client learns only that it failed, never why. */
        return auth_failed(err, user, "Authentication failure");
    }

    r = xapi_new_ref(ref);
    if (r == 0)
        r = xapi_new_uuid(uuid);
    if (r < 0)
        return xapi_error_internal(err, r, "no random numbers: %s",
                                   strerror(-r));
    u = strdup(user);
    o = strdup(originator ? originator : "");
    if (!u || !o)
        return xapi_error_internal(err, -ENOMEM, "out of memory");

    pthread_mutex_lock(&s->lock);
    fail_forget(s, pair, t);
    if (s->n == s->o.max_sessions) {
        /* Evict the least recently used session, as XAPI does. */
        for (lru = 0, k = 1; k < s->n; k++)
            if (s->s[k].last_used < s->s[lru].last_used)
                lru = k;
        xapi_log(&s->log, LOG_INFO, "session limit %u reached: ending the "
                 "least recently used session of '%s'", s->o.max_sessions,
                 s->s[lru].user);
        session_end(s, lru);
    }
    ns = &s->s[s->n++];
    memcpy(ns->ref, ref, sizeof(ref));
    memcpy(ns->uuid, uuid, sizeof(uuid));
    ns->user = TAKE_PTR(u);
    ns->originator = TAKE_PTR(o);
    ns->last_used = t;
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
static int m_rbac(const struct xapi_call *call, struct xv *const *args,
                  size_t n, struct xv **ret, struct xapi_error *err)
{
    _cleanup_xv_ struct xv *tmp = NULL, *all = NULL;
    struct xapi_registry *reg;
    size_t k;
    char *p;
    int r;

    r = self_field(call, args, "uuid", &tmp, err);
    if (r < 0)
        return r;
    reg = ((struct xapi_sessions *)call->userdata)->reg;
    r = xapi_registry_list(reg, &all);
    if (r < 0)
        return r;
    for (k = 0; k < all->a.n; k++)
        for (p = all->a.items[k]->s; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    *ret = TAKE_PTR(all);
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
