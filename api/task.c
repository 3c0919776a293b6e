/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Async calls: the task table, its workers and the task class. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libsriov/macro.h"
#include "api/class.h"
#include "api/task.h"
#include "api/xmlrpc.h"

#define NO_DATE "19700101T00:00:00Z"
/* Bytes of a label, description or other_config value, and of a whole
 * other_config (keys and values). */
#define FIELD_MAX 1024
#define MAP_MAX 4096
#define NULL_REF "OpaqueRef:NULL"

enum status { PENDING, SUCCESS, FAILURE, CANCELLING, CANCELLED };

static const char *const status_names[] = {
    "pending", "success", "failure", "cancelling", "cancelled",
};

struct task {
    char ref[XAPI_REF_MAX];
    char uuid[37];
    char session[XAPI_REF_MAX];
    char *label, *description;
    char *host;
    enum status status;
    char created[24], finished[24];
    char *result;                  /* XML-RPC <value>, or "" */
    struct xv *error_info;         /* XV_ARRAY of strings */
    struct xv *other_config;       /* XV_STRUCT of strings */
    bool running;                  /* a worker has it */
    bool queued;
    bool dropped;                  /* out of the table: the worker frees */
    /* The call to run (NULL for task.create's tasks). */
    struct xapi_method m;
    char *method;                  /* the sync name, m.name points here */
    char *client;
    struct xv *args;               /* XV_ARRAY, session excluded */
    struct task *prev, *next;      /* the table, by creation */
    struct task *qnext;            /* the wait queue */
};

struct xapi_tasks {
    pthread_mutex_t lock;
    pthread_cond_t cond;           /* work queued, or stopping */
    pthread_cond_t idle;           /* a call ended */
    struct xapi *api;
    struct xapi_events *ev;
    struct xapi_tasks_options o;
    struct task *head, *tail;
    unsigned n, n_finished, n_pending;
    struct task *qhead, *qtail;
    pthread_t *workers;
    unsigned n_workers, n_busy;
    bool stopping;
    char *host;
};

/* TOO_BUSY for a session (or a table) full of tasks. */
static int too_many(struct xapi_error *err)
{
    return xapi_error_set(err, -EBUSY, "TOO_BUSY", NULL);
}

static void date_now(char buf[24])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, 24, "%Y%m%dT%H:%M:%SZ", &tm);
}

static void task_free(struct task *k)
{
    if (!k)
        return;
    free(k->label);
    free(k->description);
    free(k->host);
    free(k->result);
    xv_free(k->error_info);
    xv_free(k->other_config);
    free(k->method);
    free(k->client);
    xv_free(k->args);
    free(k);
}

int xapi_tasks_new(struct xapi_tasks **ret, struct xapi *api,
                   const struct xapi_tasks_options *opts)
{
    struct xapi_tasks *t = calloc(1, sizeof(*t));

    if (!t)
        return -ENOMEM;
    if (opts)
        t->o = *opts;
    if (!t->o.max_workers)
        t->o.max_workers = 4;
    if (!t->o.max_finished)
        t->o.max_finished = 1000;
    if (!t->o.max_pending)
        t->o.max_pending = 1000;
    if (!t->o.max_per_session)
        t->o.max_per_session = 100;
    if (!t->o.max_tasks)
        t->o.max_tasks = 5000;
    t->workers = calloc(t->o.max_workers, sizeof(*t->workers));
    if (!t->workers) {
        free(t);
        return -ENOMEM;
    }
    t->api = api;
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, NULL);
    pthread_cond_init(&t->idle, NULL);
    *ret = t;
    return 0;
}

static void notify(struct xapi_tasks *t, const char *ref,
                   enum xapi_event_op op)
{
    if (t->ev)
        xapi_events_notify(t->ev, "task", ref, op);
}

/* Lock held. */
static struct task *task_find(struct xapi_tasks *t, const char *ref)
{
    struct task *k;

    for (k = t->head; k; k = k->next)
        if (strcmp(k->ref, ref) == 0)
            return k;
    return NULL;
}

static bool is_finished(const struct task *k)
{
    return k->status == SUCCESS || k->status == FAILURE ||
           k->status == CANCELLED;
}

static void queue_remove(struct xapi_tasks *t, struct task *k)
{
    struct task **pp = &t->qhead, *prev = NULL;

    while (*pp && *pp != k) {
        prev = *pp;
        pp = &(*pp)->qnext;
    }
    if (!*pp)
        return;
    *pp = k->qnext;
    if (t->qtail == k)
        t->qtail = prev;
    k->qnext = NULL;
    k->queued = false;
    t->n_pending--;
}

/* Out of the table, with its del event; lock held. */
static void task_drop(struct xapi_tasks *t, struct task *k)
{
    if (k->prev)
        k->prev->next = k->next;
    else
        t->head = k->next;
    if (k->next)
        k->next->prev = k->prev;
    else
        t->tail = k->prev;
    t->n--;
    if (is_finished(k))
        t->n_finished--;
    if (k->queued)
        queue_remove(t, k);
    notify(t, k->ref, XAPI_EVENT_DEL);
    if (k->running)
        k->dropped = true;
    else
        task_free(k);
}

/* Keep at most max_finished finished tasks; lock held. */
static void prune(struct xapi_tasks *t)
{
    struct task *k, *next;

    for (k = t->head; k && t->n_finished > t->o.max_finished; k = next) {
        next = k->next;
        if (is_finished(k))
            task_drop(t, k);
    }
}

/* Ends k: success with result (taken), or failure / cancel with err. */
static void task_finish(struct xapi_tasks *t, struct task *k,
                        enum status status, char *result,
                        const struct xapi_error *err)
{
    struct xv *info = NULL;
    size_t j;

    if (err) {
        int r;

        info = xv_new_array();
        r = info ? xv_array_append(info, xv_new_string(
                       err->code ? err->code : XAPI_INTERNAL_ERROR))
                 : -ENOMEM;
        for (j = 0; r == 0 && j < err->n_params; j++)
            r = xv_array_append(info, xv_new_string(err->params[j]));
        if (r < 0)
            info = xv_free(info);
    }
    if (info) {
        xv_free(k->error_info);
        k->error_info = info;
    }
    free(k->result);
    k->result = result;
    k->status = status;
    date_now(k->finished);
    t->n_finished++;
    notify(t, k->ref, XAPI_EVENT_MOD);
    prune(t);
}

/* The result as XAPI stores it: the <value> element of its XML-RPC form. */
static char *result_xml(const struct xv *v, struct xapi_error *err)
{
    _cleanup_free_ char *doc = NULL;
    const char *b, *e;
    size_t len;
    int r;

    if (!v)
        return strdup("");
    r = xmlrpc_format_response(v, &doc, &len);
    if (r < 0) {
        xapi_error_internal(err, r, "the result cannot be encoded: %s",
                            strerror(-r));
        return NULL;
    }
    b = strstr(doc, "<param>");
    e = strstr(doc, "</param>");
    if (!b || !e || e < b + 7) {
        xapi_error_internal(err, -EINVAL, "the result cannot be encoded");
        return NULL;
    }
    b += 7;
    return strndup(b, (size_t)(e - b));
}

static void run(struct xapi_tasks *t, struct task *k)
{
    struct xapi_call call = { t->api, k->method, k->session, k->client,
                              k->m.userdata };
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *result = NULL;
    char *xml = NULL;
    int r;

    r = k->m.fn(&call, (struct xv *const *)k->args->a.items, k->args->a.n,
                &result, &err);
    if (r < 0 && !xapi_error_is_set(&err))
        xapi_error_internal(&err, r, "%s failed: %s", k->method,
                            strerror(-r));
    if (r == 0) {
        xml = result_xml(result, &err);
        if (!xml && !xapi_error_is_set(&err))
            xapi_error_internal(&err, -ENOMEM, "out of memory");
    }
    xv_free(result);
    pthread_mutex_lock(&t->lock);
    k->running = false;
    if (k->dropped)
        task_free(k);
    else if (xml)
        task_finish(t, k, SUCCESS, TAKE_PTR(xml), NULL);
    else
        task_finish(t, k, FAILURE, NULL, &err);
    t->n_busy--;
    pthread_cond_broadcast(&t->idle);
    pthread_mutex_unlock(&t->lock);
    free(xml);
    xapi_error_clear(&err);
}

static void *worker(void *userdata)
{
    struct xapi_tasks *t = userdata;
    struct task *k;

    pthread_mutex_lock(&t->lock);
    for (;;) {
        while (!t->stopping && !t->qhead)
            pthread_cond_wait(&t->cond, &t->lock);
        if (t->stopping)
            break;
        k = t->qhead;
        t->qhead = k->qnext;
        if (!t->qhead)
            t->qtail = NULL;
        k->qnext = NULL;
        k->queued = false;
        t->n_pending--;
        k->running = true;
        t->n_busy++;
        pthread_mutex_unlock(&t->lock);
        run(t, k);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

void xapi_tasks_stop(struct xapi_tasks *t)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct task *k;
    unsigned j, n;

    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->stopping = true;
    /* What waits is not run any more: cancelled. */
    while ((k = t->qhead)) {
        queue_remove(t, k);
        xapi_error_set(&err, -ECANCELED, "TASK_CANCELLED", k->ref, NULL);
        task_finish(t, k, CANCELLED, NULL, &err);
        xapi_error_clear(&err);
    }
    pthread_cond_broadcast(&t->cond);
    n = t->n_workers;
    t->n_workers = 0;
    pthread_mutex_unlock(&t->lock);
    /* Workers finish the call they run, then see stopping. */
    for (j = 0; j < n; j++)
        pthread_join(t->workers[j], NULL);
}

struct xapi_tasks *xapi_tasks_free(struct xapi_tasks *t)
{
    struct task *k, *next;

    if (!t)
        return NULL;
    xapi_tasks_stop(t);
    for (k = t->head; k; k = next) {
        next = k->next;
        task_free(k);
    }
    free(t->host);
    free(t->workers);
    pthread_cond_destroy(&t->idle);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    free(t);
    return NULL;
}

int xapi_tasks_set_host(struct xapi_tasks *t, const char *host_ref)
{
    char *h = strdup(host_ref);

    if (!h)
        return -ENOMEM;
    pthread_mutex_lock(&t->lock);
    free(t->host);
    t->host = h;
    pthread_mutex_unlock(&t->lock);
    return 0;
}

void xapi_tasks_session_ended(struct xapi_tasks *t, const char *session)
{
    struct task *k, *next;

    if (!t || !session)
        return;
    pthread_mutex_lock(&t->lock);
    for (k = t->head; k; k = next) {
        next = k->next;
        if (strcmp(k->session, session) == 0)
            task_drop(t, k);
    }
    pthread_mutex_unlock(&t->lock);
}

unsigned xapi_tasks_count(struct xapi_tasks *t)
{
    unsigned n;

    pthread_mutex_lock(&t->lock);
    n = t->n;
    pthread_mutex_unlock(&t->lock);
    return n;
}

/*
 * Room for one more task of session (lock held): past max_per_session
 * tasks of it, its oldest finished one goes; -EBUSY when none has finished
 * or the table holds max_tasks.
 */
static int task_room(struct xapi_tasks *t, const char *session)
{
    struct task *k, *oldest = NULL;
    unsigned n = 0;

    for (k = t->head; k; k = k->next)
        if (strcmp(k->session, session) == 0) {
            n++;
            if (!oldest && is_finished(k))
                oldest = k;
        }
    if (n >= t->o.max_per_session) {
        if (!oldest)
            return -EBUSY;
        task_drop(t, oldest);
    }
    return t->n >= t->o.max_tasks ? -EBUSY : 0;
}

/* A new pending task in the table (lock held); its add event is sent.
 * -EBUSY: the session or the table is full (task_room). */
static int task_new(struct xapi_tasks *t, const char *label,
                    const char *description, const char *session,
                    struct task **ret)
{
    struct task *k;
    int r;

    r = task_room(t, session ? session : "");
    if (r < 0)
        return r;
    k = calloc(1, sizeof(*k));
    if (!k)
        return -ENOMEM;
    if ((r = xapi_new_uuid(k->uuid)) < 0) {
        free(k);
        return r;
    }
    snprintf(k->ref, sizeof(k->ref), "OpaqueRef:%s", k->uuid);
    snprintf(k->session, sizeof(k->session), "%s", session ? session : "");
    k->label = strdup(label);
    k->description = strdup(description);
    k->host = strdup(t->host ? t->host : NULL_REF);
    k->result = strdup("");
    k->error_info = xv_new_array();
    k->other_config = xv_new_struct();
    if (!k->label || !k->description || !k->host || !k->result ||
        !k->error_info || !k->other_config) {
        task_free(k);
        return -ENOMEM;
    }
    date_now(k->created);
    memcpy(k->finished, NO_DATE, sizeof(NO_DATE));
    k->status = PENDING;
    k->prev = t->tail;
    if (t->tail)
        t->tail->next = k;
    else
        t->head = k;
    t->tail = k;
    t->n++;
    notify(t, k->ref, XAPI_EVENT_ADD);
    *ret = k;
    return 0;
}

/* The dispatcher's Async.* hook. */
static int submit(void *userdata, const char *async_name,
                  const struct xapi_method *m, const struct xapi_call *call,
                  struct xv *const *args, size_t n, struct xv **ret,
                  struct xapi_error *err)
{
    struct xapi_tasks *t = userdata;
    _cleanup_xv_ struct xv *a = xv_new_array();
    _cleanup_free_ char *method = strdup(m->name);
    _cleanup_free_ char *client = strdup(call->client ? call->client : "");
    struct task *k;
    size_t j;
    int r = 0;

    if (!a || !method || !client)
        return -ENOMEM;
    for (j = 0; j < n && r == 0; j++)
        r = xv_array_append(a, xv_copy(args[j]));
    if (r < 0)
        return r;
    pthread_mutex_lock(&t->lock);
    if (t->stopping) {
        pthread_mutex_unlock(&t->lock);
        return xapi_error_set(err, -ESHUTDOWN, "TOO_BUSY", NULL);
    }
    if (t->n_pending >= t->o.max_pending) {
        pthread_mutex_unlock(&t->lock);
        return xapi_error_set(err, -EBUSY, "TOO_BUSY", NULL);
    }
    /* One more worker while all are busy and the cap allows. */
    if (t->n_busy + t->n_pending >= t->n_workers &&
        t->n_workers < t->o.max_workers) {
        r = pthread_create(&t->workers[t->n_workers], NULL, worker, t);
        if (r == 0)
            t->n_workers++;
        else if (t->n_workers == 0) {
            pthread_mutex_unlock(&t->lock);
            return xapi_error_internal(err, -r, "cannot start a worker: %s",
                                       strerror(r));
        }
    }
    r = task_new(t, async_name, "", call->session, &k);
    if (r < 0) {
        pthread_mutex_unlock(&t->lock);
        return r == -EBUSY ? too_many(err) : r;
    }
    k->m = *m;
    k->method = TAKE_PTR(method);
    k->m.name = k->method;
    k->client = TAKE_PTR(client);
    k->args = TAKE_PTR(a);
    k->queued = true;
    if (t->qtail)
        t->qtail->qnext = k;
    else
        t->qhead = k;
    t->qtail = k;
    t->n_pending++;
    pthread_cond_signal(&t->cond);
    *ret = xv_new_string(k->ref);
    pthread_mutex_unlock(&t->lock);
    return *ret ? 0 : -ENOMEM;
}

/* The class. */

static const char *const task_fields[] = {
    "uuid", "name_label", "name_description", "allowed_operations",
    "current_operations", "created", "finished", "status", "resident_on",
    "progress", "type", "result", "error_info", "other_config",
    "subtask_of", "subtasks", "backtrace", NULL
};

static struct xv *record_of(const struct task *k)
{
    _cleanup_xv_ struct xv *rec = xv_new_struct(), *ops = xv_new_array();
    bool cancellable = k->status == PENDING;
    int r;

    if (!rec || !ops)
        return NULL;
    if (cancellable &&
        xv_array_append(ops, xv_new_string("cancel")) < 0)
        return NULL;
    if ((r = xv_struct_set_string(rec, "uuid", k->uuid)) < 0 ||
        (r = xv_struct_set_string(rec, "name_label", k->label)) < 0 ||
        (r = xv_struct_set_string(rec, "name_description",
                                  k->description)) < 0 ||
        (r = xv_struct_set(rec, "allowed_operations", TAKE_PTR(ops))) < 0 ||
        (r = xv_struct_set(rec, "current_operations", xv_new_struct())) < 0 ||
        (r = xv_struct_set(rec, "created", xv_new_date(k->created))) < 0 ||
        (r = xv_struct_set(rec, "finished", xv_new_date(k->finished))) < 0 ||
        (r = xv_struct_set_string(rec, "status",
                                  status_names[k->status])) < 0 ||
        (r = xv_struct_set_string(rec, "resident_on", k->host)) < 0 ||
        (r = xv_struct_set(rec, "progress",
                           xv_new_double(is_finished(k) ? 1.0 : 0.0))) < 0 ||
        (r = xv_struct_set_string(rec, "type", "<none/>")) < 0 ||
        (r = xv_struct_set_string(rec, "result", k->result)) < 0 ||
        (r = xv_struct_set(rec, "error_info", xv_copy(k->error_info))) < 0 ||
        (r = xv_struct_set(rec, "other_config",
                           xv_copy(k->other_config))) < 0 ||
        (r = xv_struct_set_string(rec, "subtask_of", NULL_REF)) < 0 ||
        (r = xv_struct_set(rec, "subtasks", xv_new_array())) < 0 ||
        (r = xv_struct_set_string(rec, "backtrace", "()")) < 0)
        return NULL;
    return TAKE_PTR(rec);
}

static int c_list(void *userdata, char ***ret, struct xapi_error *err)
{
    struct xapi_tasks *t = userdata;
    struct task *k;
    char **refs;
    size_t j = 0;

    pthread_mutex_lock(&t->lock);
    refs = calloc(t->n + 1, sizeof(*refs));
    for (k = t->head; refs && k; k = k->next) {
        refs[j] = strdup(k->ref);
        if (!refs[j]) {
            strv_free(refs);
            refs = NULL;
        } else {
            j++;
        }
    }
    pthread_mutex_unlock(&t->lock);
    if (!refs)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    *ret = refs;
    return 0;
}

static int c_get(void *userdata, const char *ref, struct xv **ret,
                 struct xapi_error *err)
{
    struct xapi_tasks *t = userdata;
    struct task *k;
    struct xv *rec = NULL;

    pthread_mutex_lock(&t->lock);
    k = task_find(t, ref);
    if (k)
        rec = record_of(k);
    pthread_mutex_unlock(&t->lock);
    if (!k)
        return -ENOENT;
    if (!rec)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    *ret = rec;
    return 0;
}

/* VALUE_NOT_SUPPORTED [field, "N bytes", why] past max bytes. */
static int field_size(struct xapi_error *err, const char *field, size_t len,
                      size_t max)
{
    char got[32], why[64];

    if (len <= max)
        return 0;
    snprintf(got, sizeof(got), "%zu bytes", len);
    snprintf(why, sizeof(why), "longer than %zu bytes", max);
    return xapi_error_set(err, -E2BIG, XAPI_VALUE_NOT_SUPPORTED, field, got,
                          why, NULL);
}

static int m_create(const struct xapi_call *call, struct xv *const *args,
                    size_t n, struct xv **ret, struct xapi_error *err)
{
    struct xapi_tasks *t = call->userdata;
    const char *label, *description;
    struct task *k;
    int r;

    if ((r = xapi_arg_string(args, 0, "label", &label, err)) < 0 ||
        (r = xapi_arg_string(args, 1, "description", &description,
                             err)) < 0 ||
        (r = field_size(err, "label", strlen(label), FIELD_MAX)) < 0 ||
        (r = field_size(err, "description", strlen(description),
                        FIELD_MAX)) < 0)
        return r;
    pthread_mutex_lock(&t->lock);
    r = task_new(t, label, description, call->session, &k);
    if (r == 0)
        *ret = xv_new_string(k->ref);
    pthread_mutex_unlock(&t->lock);
    if (r == -EBUSY)
        return too_many(err);
    if (r < 0)
        return r;
    return *ret ? 0 : -ENOMEM;
}

static int m_destroy(const struct xapi_call *call, struct xv *const *args,
                     size_t n, struct xv **ret, struct xapi_error *err)
{
    struct xapi_tasks *t = call->userdata;
    const char *ref;
    struct task *k;
    int r;

    if ((r = xapi_arg_string(args, 0, "self", &ref, err)) < 0)
        return r;
    pthread_mutex_lock(&t->lock);
    k = task_find(t, ref);
    if (k)
        task_drop(t, k);
    pthread_mutex_unlock(&t->lock);
    return k ? 0 : xapi_handle_invalid(err, "task", ref);
}

static int m_cancel(const struct xapi_call *call, struct xv *const *args,
                    size_t n, struct xv **ret, struct xapi_error *err)
{
    struct xapi_tasks *t = call->userdata;
    struct xapi_error cerr = XAPI_ERROR_INIT;
    const char *ref;
    struct task *k;
    int r = 0;

    if ((r = xapi_arg_string(args, 0, "task", &ref, err)) < 0)
        return r;
    pthread_mutex_lock(&t->lock);
    k = task_find(t, ref);
    if (!k) {
        r = xapi_handle_invalid(err, "task", ref);
    } else if (is_finished(k) || k->status == CANCELLING) {
        r = xapi_error_set(err, -EPERM, XAPI_OPERATION_NOT_ALLOWED,
                           "the task is not pending", NULL);
    } else if (k->running || !k->m.fn) {
        /* Running: it ends as the call does.  task.create's: as asked. */
        k->status = CANCELLING;
        notify(t, k->ref, XAPI_EVENT_MOD);
        if (!k->m.fn) {
            xapi_error_set(&cerr, -ECANCELED, "TASK_CANCELLED", k->ref, NULL);
            task_finish(t, k, CANCELLED, NULL, &cerr);
        }
    } else {
        queue_remove(t, k);
        xapi_error_set(&cerr, -ECANCELED, "TASK_CANCELLED", k->ref, NULL);
        task_finish(t, k, CANCELLED, NULL, &cerr);
    }
    pthread_mutex_unlock(&t->lock);
    xapi_error_clear(&cerr);
    return r;
}

/* other_config, as clients tag their tasks (XenCenter's XenCenterUUID). */

/* A copy of map without key (NULL: any key), plus key = value if set. */
static struct xv *map_with(const struct xv *map, const char *key,
                           const char *drop, const char *value)
{
    _cleanup_xv_ struct xv *m = xv_new_struct();
    size_t j;

    if (!m)
        return NULL;
    for (j = 0; j < map->st.n; j++)
        if ((!drop || strcmp(map->st.m[j].name, drop) != 0) &&
            xv_struct_set(m, map->st.m[j].name,
                          xv_copy(map->st.m[j].value)) < 0)
            return NULL;
    if (key && xv_struct_set_string(m, key, value) < 0)
        return NULL;
    return TAKE_PTR(m);
}

/* Bytes of a map's keys and values. */
static size_t map_size(const struct xv *map)
{
    size_t j, n = 0;

    for (j = 0; j < map->st.n; j++)
        n += strlen(map->st.m[j].name) + strlen(map->st.m[j].value->s);
    return n;
}

enum map_op { MAP_ADD, MAP_REMOVE, MAP_SET };

static int map_change(const struct xapi_call *call, struct xv *const *args,
                      enum map_op op, struct xapi_error *err)
{
    struct xapi_tasks *t = call->userdata;
    const char *ref, *key = NULL, *value = NULL;
    struct xv *m = NULL;
    struct task *k;
    size_t j;
    int r;

    if ((r = xapi_arg_string(args, 0, "self", &ref, err)) < 0)
        return r;
    if (op == MAP_SET) {
        if (args[1]->type != XV_STRUCT)
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                                  "value", NULL);
        for (j = 0; j < args[1]->st.n; j++)
            if (args[1]->st.m[j].value->type != XV_STRING)
                return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                                      "value", NULL);
    } else if ((r = xapi_arg_string(args, 1, "key", &key, err)) < 0 ||
               (op == MAP_ADD &&
                (r = xapi_arg_string(args, 2, "value", &value, err)) < 0)) {
        return r;
    }
    if (op == MAP_ADD &&
        ((r = field_size(err, "key", strlen(key), FIELD_MAX)) < 0 ||
         (r = field_size(err, "value", strlen(value), FIELD_MAX)) < 0))
        return r;
    pthread_mutex_lock(&t->lock);
    k = task_find(t, ref);
    if (!k) {
        r = xapi_handle_invalid(err, "task", ref);
    } else if (op == MAP_ADD && xv_struct_get(k->other_config, key)) {
        r = xapi_error_set(err, -EEXIST, XAPI_MAP_DUPLICATE_KEY, "task",
                           "other_config", k->uuid, key, NULL);
    } else {
        m = op == MAP_SET ? map_with(args[1], NULL, NULL, NULL)
          : op == MAP_ADD ? map_with(k->other_config, key, NULL, value)
                          : map_with(k->other_config, NULL, key, NULL);
        if (!m) {
            r = -ENOMEM;
        } else if ((r = field_size(err, "other_config", map_size(m),
                                   MAP_MAX)) < 0) {
            xv_free(m);
        } else {
            xv_free(k->other_config);
            k->other_config = m;
            notify(t, k->ref, XAPI_EVENT_MOD);
        }
    }
    pthread_mutex_unlock(&t->lock);
    return r;
}

static int m_add_to(const struct xapi_call *call, struct xv *const *args,
                    size_t n, struct xv **ret, struct xapi_error *err)
{
    return map_change(call, args, MAP_ADD, err);
}

static int m_remove_from(const struct xapi_call *call, struct xv *const *args,
                         size_t n, struct xv **ret, struct xapi_error *err)
{
    return map_change(call, args, MAP_REMOVE, err);
}

static int m_set_map(const struct xapi_call *call, struct xv *const *args,
                     size_t n, struct xv **ret, struct xapi_error *err)
{
    return map_change(call, args, MAP_SET, err);
}

int xapi_tasks_register(struct xapi_tasks *t, struct xapi_registry *reg,
                        struct xapi_events *ev)
{
    const struct xapi_class c = { "task", task_fields, c_list, c_get, t,
                                  NULL };
    const struct xapi_method m[] = {
        { "task.create", 2, 2, 0, m_create, t },
        { "task.destroy", 1, 1, 0, m_destroy, t },
        { "task.cancel", 1, 1, 0, m_cancel, t },
        { "task.add_to_other_config", 3, 3, 0, m_add_to, t },
        { "task.remove_from_other_config", 2, 2, 0, m_remove_from, t },
        { "task.set_other_config", 2, 2, 0, m_set_map, t },
    };
    size_t k;
    int r;

    t->ev = ev;
    r = xapi_class_register(reg, ev, &c);
    for (k = 0; r == 0 && k < ELEMENTSOF(m); k++)
        r = xapi_registry_add(reg, &m[k]);
    if (r == 0)
        xapi_registry_set_async(reg, submit, t);
    return r;
}
