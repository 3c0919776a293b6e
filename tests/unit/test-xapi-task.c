/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Async.* calls and the task class, through the dispatcher: a task per
 * call, its result and error_info, the worker cap, cancel, destroy,
 * events, the bound on finished tasks, a session's tasks at its end, and
 * stopping with calls still running.  Every wait is bounded.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libsriov/macro.h"
#include "api/api.h"
#include "api/xmlrpc.h"

#define SESSION "OpaqueRef:00000000-0000-4000-8000-0000000000aa"
#define OTHER "OpaqueRef:00000000-0000-4000-8000-0000000000bb"
#define NEW_REF "OpaqueRef:00000000-0000-4000-8000-000000000001"

static struct xapi *api;

/* test.block: waits until released; counts the calls running at once. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static unsigned running, max_running, released;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int m_block(const struct xapi_call *call, struct xv *const *args,
                   size_t n, struct xv **ret, struct xapi_error *err)
{
    pthread_mutex_lock(&lock);
    running++;
    if (running > max_running)
        max_running = running;
    pthread_cond_broadcast(&cond);
    while (!released)
        pthread_cond_wait(&cond, &lock);
    released--;
    running--;
    pthread_mutex_unlock(&lock);
    return 0;
}

static int m_create(const struct xapi_call *call, struct xv *const *args,
                    size_t n, struct xv **ret, struct xapi_error *err)
{
    ck_assert_str_eq(call->method, "thing.create");
    ck_assert_str_eq(call->session, SESSION);
    ck_assert_uint_eq(n, 2);
    *ret = xv_new_string(NEW_REF);
    return 0;
}

static int m_fail(const struct xapi_call *call, struct xv *const *args,
                  size_t n, struct xv **ret, struct xapi_error *err)
{
    return xapi_error_set(err, -EINVAL, "PIF_IS_NOT_SRIOV_CAPABLE",
                          "OpaqueRef:x", NULL);
}

static int m_record(const struct xapi_call *call, struct xv *const *args,
                    size_t n, struct xv **ret, struct xapi_error *err)
{
    struct xv *s = xv_new_struct();

    xv_struct_set_string(s, "a", "b");
    xv_struct_set_int(s, "n", 3);
    *ret = s;
    return 0;
}

static int check_any(void *userdata, const char *ref)
{
    return 0;
}

static void setup_with(unsigned max_workers, unsigned max_finished)
{
    struct xapi_config cfg = { .tasks = { max_workers, max_finished, 0 } };
    const struct xapi_method m[] = {
        { "thing.block", 0, 0, 0, m_block, NULL },
        { "thing.create", 2, 2, 0, m_create, NULL },
        { "thing.fail", 0, 1, 0, m_fail, NULL },
        { "thing.record", 0, 0, 0, m_record, NULL },
        { "thing.get_x", 0, 0, 0, m_record, NULL },
    };
    size_t k;

    ck_assert_int_eq(xapi_new(&api, &cfg), 0);
    for (k = 0; k < ELEMENTSOF(m); k++)
        ck_assert_int_eq(xapi_add_method(api, &m[k]), 0);
    running = max_running = released = 0;
}

static void setup(void)
{
    setup_with(2, 0);
}

static void teardown(void)
{
    pthread_mutex_lock(&lock);
    released += 100;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    api = xapi_free(api);
}

/* Call method(session, args...) (NULL-terminated strings). */
static int call_v(const char *method, const char *session, struct xv **ret,
                  struct xapi_error *err, const char *const *args)
{
    _cleanup_xv_ struct xv *params = xv_new_array();
    unsigned flags;
    size_t k;

    ck_assert_int_eq(xv_array_append(params, xv_new_string(session)), 0);
    for (k = 0; args && args[k]; k++)
        ck_assert_int_eq(xv_array_append(params, xv_new_string(args[k])), 0);
    return xapi_registry_call(xapi_get_registry(api), api, check_any, NULL,
                              method, params, "test", ret, &flags, err);
}

#define CALL(method, ret, err, ...) \
    call_v(method, SESSION, ret, err, (const char *const[]){ __VA_ARGS__ })

/* Call that must succeed; returns its value (caller frees). */
static struct xv *ok(const char *method, const char *const *args)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *ret = NULL;

    ck_assert_msg(call_v(method, SESSION, &ret, &err, args) == 0,
                  "%s: %s %s", method, err.code,
                  err.n_params ? err.params[0] : "");
    return ret;
}

#define OK(method, ...) ok(method, (const char *const[]){ __VA_ARGS__ })

/* A string field of the task's record (caller frees). */
static char *field(const char *task, const char *name)
{
    _cleanup_xv_ struct xv *rec = OK("task.get_record", task, NULL);
    struct xv *v = xv_struct_get(rec, name);

    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->type, XV_STRING);
    return strdup(v->s);
}

/* Wait (at most 120 s: a busy machine) until the task's status is not
 * pending; a wait past 5 s is printed. */
static char *wait_done(const char *task)
{
    double start = now(), end = start + 120;
    char *st;

    for (;;) {
        st = field(task, "status");
        if (strcmp(st, "pending") != 0 && strcmp(st, "cancelling") != 0) {
            if (now() - start > 5)
                printf("# slow: task %s took %.1f s\n", task, now() - start);
            return st;
        }
        free(st);
        ck_assert_msg(now() < end, "task %s still pending", task);
        usleep(2000);
    }
}

static void wait_running(unsigned n)
{
    double end = now() + 120;

    pthread_mutex_lock(&lock);
    while (running < n) {
        pthread_mutex_unlock(&lock);
        ck_assert_msg(now() < end, "only %u of %u calls run", running, n);
        usleep(2000);
        pthread_mutex_lock(&lock);
    }
    pthread_mutex_unlock(&lock);
}

static void release(unsigned n)
{
    pthread_mutex_lock(&lock);
    released += n;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
}

START_TEST(test_xapi_task_success_result)
{
    _cleanup_xv_ struct xv *t = OK("Async.thing.create", "a", "b", NULL);
    _cleanup_xv_ struct xv *rec = NULL, *progress = NULL;
    _cleanup_free_ char *st = NULL, *res = NULL, *label = NULL;
    _cleanup_free_ char *xml = NULL;
    size_t len;

    ck_assert_int_eq(t->type, XV_STRING);
    ck_assert(xapi_ref_valid(t->s));
    st = wait_done(t->s);
    ck_assert_str_eq(st, "success");
    res = field(t->s, "result");
    ck_assert_str_eq(res, "<value>" NEW_REF "</value>");
    label = field(t->s, "name_label");
    ck_assert_str_eq(label, "Async.thing.create");
    progress = OK("task.get_progress", t->s, NULL);
    ck_assert_int_eq(progress->type, XV_DOUBLE);
    ck_assert(progress->d == 1.0);
    rec = OK("task.get_record", t->s, NULL);
    ck_assert_uint_eq(xv_struct_get(rec, "error_info")->a.n, 0);
    ck_assert(xv_struct_get(rec, "created")->date);
    ck_assert_uint_eq(strlen(xv_struct_get(rec, "created")->s), 18);
    ck_assert_str_ne(xv_struct_get(rec, "finished")->s, "19700101T00:00:00Z");
    ck_assert_str_eq(xv_struct_get(rec, "resident_on")->s, "OpaqueRef:NULL");
    /* Dates go out as XAPI's <dateTime.iso8601>. */
    ck_assert_int_eq(xmlrpc_format_response(rec, &xml, &len), 0);
    ck_assert_ptr_nonnull(strstr(xml, "<name>created</name><value>"
                                      "<dateTime.iso8601>"));
    xv_free(OK("task.destroy", t->s, NULL));
}
END_TEST

START_TEST(test_xapi_task_struct_result)
{
    _cleanup_xv_ struct xv *t = OK("Async.thing.record", NULL);
    _cleanup_free_ char *st = wait_done(t->s), *res = field(t->s, "result");

    ck_assert_str_eq(st, "success");
    ck_assert_str_eq(res, "<value><struct><member><name>a</name><value>b"
                          "</value></member><member><name>n</name><value>3"
                          "</value></member></struct></value>");
}
END_TEST

START_TEST(test_xapi_task_failure)
{
    _cleanup_xv_ struct xv *t = OK("Async.thing.fail", NULL);
    _cleanup_xv_ struct xv *info = NULL;
    _cleanup_free_ char *st = wait_done(t->s);

    ck_assert_str_eq(st, "failure");
    info = OK("task.get_error_info", t->s, NULL);
    ck_assert_uint_eq(info->a.n, 2);
    ck_assert_str_eq(info->a.items[0]->s, "PIF_IS_NOT_SRIOV_CAPABLE");
    ck_assert_str_eq(info->a.items[1]->s, "OpaqueRef:x");
}
END_TEST

START_TEST(test_xapi_task_checks)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *ret = NULL;

    /* Arity as the sync method, named as called. */
    ck_assert_int_lt(CALL("Async.thing.create", &ret, &err, "a", NULL), 0);
    ck_assert_str_eq(err.code, "MESSAGE_PARAMETER_COUNT_MISMATCH");
    ck_assert_str_eq(err.params[0], "Async.thing.create");
    ck_assert_str_eq(err.params[1], "2");
    ck_assert_str_eq(err.params[2], "1");
    xapi_error_clear(&err);
    /* No Async form for reads, built-ins, tasks, unknown methods. */
    static const char *const none[] = {
        "Async.thing.get_x", "Async.task.destroy", "Async.event.from",
        "Async.session.logout", "Async.thing.nope", "Async.Async.thing.block",
        "Async.system.listMethods", "Async.task.get_all",
    };
    for (size_t k = 0; k < ELEMENTSOF(none); k++) {
        ck_assert_int_lt(CALL(none[k], &ret, &err, NULL), 0);
        ck_assert_str_eq(err.code, "MESSAGE_METHOD_UNKNOWN");
        ck_assert_str_eq(err.params[0], none[k]);
        xapi_error_clear(&err);
    }
    /* A bad task ref. */
    ck_assert_int_lt(CALL("task.get_status", &ret, &err, "OpaqueRef:bad",
                          NULL), 0);
    ck_assert_str_eq(err.code, "HANDLE_INVALID");
    ck_assert_str_eq(err.params[0], "task");
    ck_assert_str_eq(err.params[1], "OpaqueRef:bad");
    xapi_error_clear(&err);
    ck_assert_int_lt(CALL("task.destroy", &ret, &err, "OpaqueRef:bad", NULL),
                     0);
    ck_assert_str_eq(err.code, "HANDLE_INVALID");
    xapi_error_clear(&err);
    ck_assert_int_lt(CALL("task.cancel", &ret, &err, "OpaqueRef:bad", NULL),
                     0);
    ck_assert_str_eq(err.code, "HANDLE_INVALID");
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_xapi_task_bounded_workers)
{
    struct xv *t[6];
    _cleanup_xv_ struct xv *all = NULL;
    size_t k;

    for (k = 0; k < 6; k++)
        t[k] = OK("Async.thing.block", NULL);
    wait_running(2);
    /* Two run (the cap), four wait; none is lost. */
    usleep(20000);
    pthread_mutex_lock(&lock);
    ck_assert_uint_eq(running, 2);
    pthread_mutex_unlock(&lock);
    all = OK("task.get_all", NULL);
    ck_assert_uint_eq(all->a.n, 6);
    release(6);
    for (k = 0; k < 6; k++) {
        _cleanup_free_ char *st = wait_done(t[k]->s);

        ck_assert_str_eq(st, "success");
        xv_free(t[k]);
    }
    ck_assert_uint_eq(max_running, 2);
}
END_TEST

START_TEST(test_xapi_task_cancel)
{
    _cleanup_xv_ struct xv *a = OK("Async.thing.block", NULL);
    _cleanup_xv_ struct xv *b = OK("Async.thing.block", NULL);
    _cleanup_xv_ struct xv *c = OK("Async.thing.block", NULL);
    _cleanup_xv_ struct xv *info = NULL, *ops = NULL;
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *ret = NULL;
    _cleanup_free_ char *sa = NULL, *sc = NULL, *st = NULL;

    wait_running(2);
    /* c waits for a worker: cancelled at once. */
    ops = OK("task.get_allowed_operations", c->s, NULL);
    ck_assert_uint_eq(ops->a.n, 1);
    xv_free(OK("task.cancel", c->s, NULL));
    sc = field(c->s, "status");
    ck_assert_str_eq(sc, "cancelled");
    info = OK("task.get_error_info", c->s, NULL);
    ck_assert_str_eq(info->a.items[0]->s, "TASK_CANCELLED");
    ck_assert_str_eq(info->a.items[1]->s, c->s);
    /* a runs: cancelling, then its own outcome. */
    xv_free(OK("task.cancel", a->s, NULL));
    sa = field(a->s, "status");
    ck_assert_str_eq(sa, "cancelling");
    release(2);
    st = wait_done(a->s);
    ck_assert_str_eq(st, "success");
    /* A finished task cannot be cancelled. */
    ck_assert_int_lt(CALL("task.cancel", &ret, &err, c->s, NULL), 0);
    ck_assert_str_eq(err.code, "OPERATION_NOT_ALLOWED");
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_xapi_task_events)
{
    struct xapi_events *ev = xapi_get_events(api);
    struct xapi_error err = XAPI_ERROR_INIT;
    _cleanup_xv_ struct xv *cls = xv_new_array(), *r0 = NULL, *r1 = NULL;
    _cleanup_xv_ struct xv *r2 = NULL, *t = NULL;
    _cleanup_free_ char *tok = NULL, *st = NULL;
    struct xv *evs, *counts;
    bool add = false, mod = false;
    size_t k;

    ck_assert_int_eq(xv_array_append(cls, xv_new_string("task")), 0);
    ck_assert_int_eq(xapi_events_from(ev, cls, "", 0, &r0, &err), 0);
    counts = xv_struct_get(r0, "valid_ref_counts");
    ck_assert_int_eq(xv_struct_get(counts, "task")->i, 0);
    tok = strdup(xv_struct_get(r0, "token")->s);
    t = OK("Async.thing.create", "a", "b", NULL);
    st = wait_done(t->s);
    ck_assert_int_eq(xapi_events_from(ev, cls, tok, 5, &r1, &err), 0);
    evs = xv_struct_get(r1, "events");
    for (k = 0; k < evs->a.n; k++) {
        struct xv *e = evs->a.items[k];

        ck_assert_str_eq(xv_struct_get(e, "class")->s, "task");
        ck_assert_str_eq(xv_struct_get(e, "ref")->s, t->s);
        add |= strcmp(xv_struct_get(e, "operation")->s, "add") == 0;
        mod |= strcmp(xv_struct_get(e, "operation")->s, "mod") == 0;
        ck_assert_str_eq(xv_struct_get(xv_struct_get(e, "snapshot"),
                                       "status")->s, "success");
    }
    /* Created and finished since the token: one add, with the end state. */
    ck_assert(add || mod);
    counts = xv_struct_get(r1, "valid_ref_counts");
    ck_assert_int_eq(xv_struct_get(counts, "task")->i, 1);
    free(tok);
    tok = strdup(xv_struct_get(r1, "token")->s);
    xv_free(OK("task.destroy", t->s, NULL));
    ck_assert_int_eq(xapi_events_from(ev, cls, tok, 5, &r2, &err), 0);
    evs = xv_struct_get(r2, "events");
    ck_assert_uint_eq(evs->a.n, 1);
    ck_assert_str_eq(xv_struct_get(evs->a.items[0], "operation")->s, "del");
    counts = xv_struct_get(r2, "valid_ref_counts");
    ck_assert_int_eq(xv_struct_get(counts, "task")->i, 0);
}
END_TEST

START_TEST(test_xapi_task_status_change_is_mod)
{
    struct xapi_events *ev = xapi_get_events(api);
    struct xapi_error err = XAPI_ERROR_INIT;
    _cleanup_xv_ struct xv *cls = xv_new_array(), *r0 = NULL, *r1 = NULL;
    _cleanup_xv_ struct xv *t = NULL;
    _cleanup_free_ char *st = NULL;
    struct xv *e;

    ck_assert_int_eq(xv_array_append(cls, xv_new_string("task")), 0);
    t = OK("Async.thing.block", NULL);
    wait_running(1);
    ck_assert_int_eq(xapi_events_from(ev, cls, "", 0, &r0, &err), 0);
    release(1);
    st = wait_done(t->s);
    ck_assert_int_eq(xapi_events_from(ev, cls, xv_struct_get(r0, "token")->s,
                                      5, &r1, &err), 0);
    ck_assert_uint_eq(xv_struct_get(r1, "events")->a.n, 1);
    e = xv_struct_get(r1, "events")->a.items[0];
    ck_assert_str_eq(xv_struct_get(e, "operation")->s, "mod");
    ck_assert_str_eq(xv_struct_get(xv_struct_get(e, "snapshot"),
                                   "status")->s, "success");
}
END_TEST

START_TEST(test_xapi_task_session_end_and_create)
{
    _cleanup_xv_ struct xv *mine = OK("task.create", "label", "desc", NULL);
    _cleanup_xv_ struct xv *all = NULL, *other = NULL, *rec = NULL;
    struct xapi_error err = XAPI_ERROR_INIT;

    ck_assert_int_eq(call_v("task.create", OTHER, &other, &err,
                            (const char *const[]){ "o", "", NULL }), 0);
    rec = OK("task.get_record", mine->s, NULL);
    ck_assert_str_eq(xv_struct_get(rec, "name_label")->s, "label");
    ck_assert_str_eq(xv_struct_get(rec, "name_description")->s, "desc");
    ck_assert_str_eq(xv_struct_get(rec, "status")->s, "pending");
    ck_assert_uint_eq(xapi_tasks_count(xapi_get_tasks(api)), 2);
    xapi_tasks_session_ended(xapi_get_tasks(api), SESSION);
    all = OK("task.get_all", NULL);
    ck_assert_uint_eq(all->a.n, 1);
    ck_assert_str_eq(all->a.items[0]->s, other->s);
}
END_TEST

START_TEST(test_xapi_task_other_config)
{
    _cleanup_xv_ struct xv *t = OK("task.create", "l", "d", NULL);
    _cleanup_xv_ struct xv *params = xv_new_array(), *m = xv_new_struct();
    _cleanup_xv_ struct xv *oc = NULL, *oc2 = NULL;
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *ret = NULL;
    unsigned flags;

    xv_free(OK("task.add_to_other_config", t->s, "XenCenterUUID", "x",
               NULL));
    xv_free(OK("task.add_to_other_config", t->s, "applies_to", "y", NULL));
    ck_assert_int_lt(CALL("task.add_to_other_config", &ret, &err, t->s,
                          "applies_to", "z", NULL), 0);
    ck_assert_str_eq(err.code, "MAP_DUPLICATE_KEY");
    ck_assert_str_eq(err.params[0], "task");
    ck_assert_str_eq(err.params[1], "other_config");
    ck_assert_str_eq(err.params[3], "applies_to");
    xapi_error_clear(&err);
    xv_free(OK("task.remove_from_other_config", t->s, "applies_to", NULL));
    xv_free(OK("task.remove_from_other_config", t->s, "absent", NULL));
    oc = OK("task.get_other_config", t->s, NULL);
    ck_assert_uint_eq(oc->st.n, 1);
    ck_assert_str_eq(xv_struct_get(oc, "XenCenterUUID")->s, "x");
    /* set_other_config replaces the map. */
    ck_assert_int_eq(xv_array_append(params, xv_new_string(SESSION)), 0);
    ck_assert_int_eq(xv_array_append(params, xv_new_string(t->s)), 0);
    ck_assert_int_eq(xv_struct_set_string(m, "a", "1"), 0);
    ck_assert_int_eq(xv_array_append(params, TAKE_PTR(m)), 0);
    ck_assert_int_eq(xapi_registry_call(xapi_get_registry(api), api,
                                        check_any, NULL,
                                        "task.set_other_config", params,
                                        "test", &ret, &flags, &err), 0);
    xv_free(ret);
    oc2 = OK("task.get_other_config", t->s, NULL);
    ck_assert_uint_eq(oc2->st.n, 1);
    ck_assert_str_eq(xv_struct_get(oc2, "a")->s, "1");
    ck_assert_int_lt(CALL("task.set_other_config", &ret, &err, t->s, "x",
                          NULL), 0);
    ck_assert_str_eq(err.code, "FIELD_TYPE_ERROR");
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_xapi_task_session_end_while_running)
{
    _cleanup_xv_ struct xv *t = OK("Async.thing.block", NULL);

    wait_running(1);
    xapi_tasks_session_ended(xapi_get_tasks(api), SESSION);
    ck_assert_uint_eq(xapi_tasks_count(xapi_get_tasks(api)), 0);
    /* The call ends later; its task is gone and freed (ASan checks). */
    release(1);
    xapi_stop_tasks(api);
}
END_TEST

START_TEST(test_xapi_task_finished_bounded)
{
    struct xv *t[5];
    _cleanup_xv_ struct xv *all = NULL;
    size_t k;

    api = xapi_free(api);
    setup_with(1, 3);
    for (k = 0; k < 5; k++) {
        char *st;

        t[k] = OK("Async.thing.create", "a", "b", NULL);
        st = wait_done(t[k]->s);
        free(st);
    }
    /* The 3 newest finished stay. */
    all = OK("task.get_all", NULL);
    ck_assert_uint_eq(all->a.n, 3);
    for (k = 0; k < 3; k++)
        ck_assert_str_eq(all->a.items[k]->s, t[k + 2]->s);
    for (k = 0; k < 5; k++)
        xv_free(t[k]);
}
END_TEST


/* A session holds at most 100 tasks; their fields are bounded. */
START_TEST(test_xapi_task_bounded_per_session)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *ret = NULL, *first = NULL, *t;
    char big[1100], key[16];
    unsigned k;

    for (k = 0; k < 100; k++) {
        t = OK("task.create", "l", "d", NULL);
        if (k == 0)
            first = t;
        else
            xv_free(t);
    }
    ck_assert_int_lt(CALL("task.create", &ret, &err, "l", "d", NULL), 0);
    ck_assert_str_eq(err.code, "TOO_BUSY");
    xapi_error_clear(&err);
    ck_assert_int_lt(CALL("Async.thing.record", &ret, &err, NULL), 0);
    ck_assert_str_eq(err.code, "TOO_BUSY");
    xapi_error_clear(&err);
    /* Another session is not affected. */
    ck_assert_int_eq(call_v("task.create", OTHER, &ret, &err,
                            (const char *const[]){ "o", "", NULL }), 0);
    xv_free(TAKE_PTR(ret));
    /* A finished task of the session makes room: the oldest goes. */
    xv_free(OK("task.cancel", first->s, NULL));
    t = OK("task.create", "l", "d", NULL);
    xv_free(t);
    ck_assert_int_lt(CALL("task.get_status", &ret, &err, first->s, NULL), 0);
    ck_assert_str_eq(err.code, "HANDLE_INVALID");
    xapi_error_clear(&err);
    ck_assert_uint_eq(xapi_tasks_count(xapi_get_tasks(api)), 101);

    /* Field sizes. */
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    xapi_tasks_session_ended(xapi_get_tasks(api), SESSION);
    ck_assert_int_lt(CALL("task.create", &ret, &err, big, "d", NULL), 0);
    ck_assert_str_eq(err.code, "VALUE_NOT_SUPPORTED");
    ck_assert_str_eq(err.params[0], "label");
    ck_assert_str_eq(err.params[1], "1099 bytes");
    xapi_error_clear(&err);
    ck_assert_int_lt(CALL("task.create", &ret, &err, "l", big, NULL), 0);
    ck_assert_str_eq(err.params[0], "description");
    xapi_error_clear(&err);
    t = OK("task.create", "l", "d", NULL);
    ck_assert_int_lt(CALL("task.add_to_other_config", &ret, &err, t->s, "k",
                          big, NULL), 0);
    ck_assert_str_eq(err.code, "VALUE_NOT_SUPPORTED");
    ck_assert_str_eq(err.params[0], "value");
    xapi_error_clear(&err);
    big[1000] = '\0';
    for (k = 0; k < 4; k++) {
        snprintf(key, sizeof(key), "k%u", k);
        xv_free(OK("task.add_to_other_config", t->s, key, big, NULL));
    }
    ck_assert_int_lt(CALL("task.add_to_other_config", &ret, &err, t->s,
                          "k4", big, NULL), 0);
    ck_assert_str_eq(err.params[0], "other_config");
    xapi_error_clear(&err);
    xv_free(t);
    xv_free(first);
}
END_TEST

START_TEST(test_xapi_task_stop_cancels_waiting)
{
    _cleanup_xv_ struct xv *a = OK("Async.thing.block", NULL);
    _cleanup_xv_ struct xv *b = OK("Async.thing.block", NULL);
    _cleanup_xv_ struct xv *c = OK("Async.thing.block", NULL);
    struct xapi_error err = XAPI_ERROR_INIT;
    _cleanup_free_ char *sa = NULL, *sc = NULL;
    struct xv *ret = NULL;

    wait_running(2);
    release(3);
    xapi_stop_tasks(api);
    sa = field(a->s, "status");
    ck_assert_str_eq(sa, "success");
    sc = field(c->s, "status");
    ck_assert(strcmp(sc, "cancelled") == 0 || strcmp(sc, "success") == 0);
    /* No new Async call after the stop. */
    ck_assert_int_lt(CALL("Async.thing.block", &ret, &err, NULL), 0);
    ck_assert_str_eq(err.code, "TOO_BUSY");
    xapi_error_clear(&err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xapi-task");
    TCase *tc = tcase_create("task");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_xapi_task_success_result);
    tcase_add_test(tc, test_xapi_task_struct_result);
    tcase_add_test(tc, test_xapi_task_failure);
    tcase_add_test(tc, test_xapi_task_checks);
    tcase_add_test(tc, test_xapi_task_bounded_workers);
    tcase_add_test(tc, test_xapi_task_cancel);
    tcase_add_test(tc, test_xapi_task_events);
    tcase_add_test(tc, test_xapi_task_status_change_is_mod);
    tcase_add_test(tc, test_xapi_task_session_end_and_create);
    tcase_add_test(tc, test_xapi_task_other_config);
    tcase_add_test(tc, test_xapi_task_session_end_while_running);
    tcase_add_test(tc, test_xapi_task_finished_bounded);
    tcase_add_test(tc, test_xapi_task_stop_cancels_waiting);
    tcase_add_test(tc, test_xapi_task_bounded_per_session);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
