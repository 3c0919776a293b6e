/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event engine, driven through its real input: changes pushed with
 * xapi_events_notify() (as the store's watches will) and records read
 * through the class callbacks.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/helpers/memclass.h"

#define REF_A "OpaqueRef:00000000-0000-4000-8000-00000000000a"
#define REF_B "OpaqueRef:00000000-0000-4000-8000-00000000000b"
#define REF_C "OpaqueRef:00000000-0000-4000-8000-00000000000c"

static struct xapi *api;
static struct memclass *sriov, *pif;
static struct xapi_events *ev;

static const char *const fields[] = { "uuid", "name", NULL };

static struct xv *record(const char *name)
{
    struct xv *r = xv_new_struct();

    ck_assert_int_eq(xv_struct_set_string(r, "uuid", name), 0);
    ck_assert_int_eq(xv_struct_set_string(r, "name", name), 0);
    return r;
}

static void setup_with(unsigned max_tombstones)
{
    struct xapi_config cfg = { .events.max_tombstones = max_tombstones };

    ck_assert_int_eq(xapi_new(&api, &cfg), 0);
    ck_assert_int_eq(memclass_new(&sriov, "network_sriov", NULL), 0);
    ck_assert_int_eq(memclass_new(&pif, "PIF", NULL), 0);
    /* One object exists before the engine hears of anything. */
    ck_assert_int_eq(memclass_put(pif, REF_A, record("eth0")), 0);
    ck_assert_int_eq(memclass_register(sriov, api, fields), 0);
    ck_assert_int_eq(memclass_register(pif, api, fields), 0);
    ev = xapi_get_events(api);
}

static void setup(void)
{
    setup_with(0);
}

static void teardown(void)
{
    api = xapi_free(api);
    memclass_free(sriov);
    memclass_free(pif);
}

static struct xv *from(const char *const *classes, const char *token,
                       double timeout)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *c = xv_new_array(), *ret = NULL;
    size_t k;

    for (k = 0; classes[k]; k++)
        ck_assert_int_eq(xv_array_append(c, xv_new_string(classes[k])), 0);
    ck_assert_msg(xapi_events_from(ev, c, token, timeout, &ret, &err) == 0,
                  "event.from failed: %s", err.code);
    xv_free(c);
    return ret;
}

static const char *token_of(const struct xv *r)
{
    return xv_struct_get(r, "token")->s;
}

static struct xv *events_of(const struct xv *r)
{
    return xv_struct_get(r, "events");
}

static const char *field(const struct xv *e, const char *name)
{
    struct xv *v = xv_struct_get(e, name);

    return v && v->type == XV_STRING ? v->s : NULL;
}

START_TEST(test_xapi_event_initial_token_lists_everything)
{
    struct xv *r = from((const char *const[]){ "*", NULL }, "", 0);
    struct xv *e = events_of(r), *counts;

    ck_assert_uint_eq(e->a.n, 1);
    ck_assert_str_eq(field(e->a.items[0], "class"), "pif");
    ck_assert_str_eq(field(e->a.items[0], "operation"), "add");
    ck_assert_str_eq(field(e->a.items[0], "ref"), REF_A);
    ck_assert_ptr_nonnull(xv_struct_get(e->a.items[0], "snapshot"));
    counts = xv_struct_get(r, "valid_ref_counts");
    ck_assert_int_eq(xv_struct_get(counts, "pif")->i, 1);
    ck_assert(xv_struct_get(counts, "pif")->i4);
    ck_assert_int_eq(xv_struct_get(counts, "network_sriov")->i, 0);
    xv_free(r);
}
END_TEST

START_TEST(test_xapi_event_add_mod_del)
{
    struct xv *r0 = from((const char *const[]){ "network_sriov", NULL }, "",
                         0);
    char *tok = strdup(token_of(r0));
    struct xv *r, *e;

    ck_assert_uint_eq(events_of(r0)->a.n, 0);
    ck_assert_int_eq(memclass_put(sriov, REF_B, record("b")), 0);
    ck_assert_int_eq(memclass_put(pif, REF_A, record("eth0-renamed")), 0);
    r = from((const char *const[]){ "Network_SRIOV", "pif", NULL }, tok, 5);
    e = events_of(r);
    ck_assert_uint_eq(e->a.n, 2);
    ck_assert_str_eq(field(e->a.items[0], "operation"), "add");
    ck_assert_str_eq(field(e->a.items[0], "class"), "network_sriov");
    ck_assert_str_eq(field(e->a.items[1], "operation"), "mod");
    ck_assert_str_eq(field(xv_struct_get(e->a.items[1], "snapshot"),
                           "name"), "eth0-renamed");
    free(tok);
    tok = strdup(token_of(r));
    xv_free(r);

    ck_assert_int_eq(memclass_remove(sriov, REF_B), 0);
    r = from((const char *const[]){ "network_sriov", NULL }, tok, 5);
    e = events_of(r);
    ck_assert_uint_eq(e->a.n, 1);
    ck_assert_str_eq(field(e->a.items[0], "operation"), "del");
    ck_assert_ptr_null(xv_struct_get(e->a.items[0], "snapshot"));
    ck_assert_int_eq(xv_struct_get(xv_struct_get(r, "valid_ref_counts"),
                                   "network_sriov")->i, 0);
    xv_free(r);
    xv_free(r0);
    free(tok);
}
END_TEST

START_TEST(test_xapi_event_created_and_deleted_is_silent)
{
    struct xv *r0 = from((const char *const[]){ "*", NULL }, "", 0), *r;
    char *tok = strdup(token_of(r0));

    ck_assert_int_eq(memclass_put(sriov, REF_C, record("c")), 0);
    ck_assert_int_eq(memclass_remove(sriov, REF_C), 0);
    r = from((const char *const[]){ "*", NULL }, tok, 0);
    ck_assert_uint_eq(events_of(r)->a.n, 0);
    /* The token moved past what was looked at. */
    ck_assert_str_ne(token_of(r), tok);
    xv_free(r);
    xv_free(r0);
    free(tok);
}
END_TEST

START_TEST(test_xapi_event_filters)
{
    struct xv *r0 = from((const char *const[]){ "*", NULL }, "", 0), *r;
    char *tok = strdup(token_of(r0));
    char sub[128];

    ck_assert_int_eq(memclass_put(sriov, REF_B, record("b")), 0);
    ck_assert_int_eq(memclass_put(sriov, REF_C, record("c")), 0);
    /* A class nobody changed: nothing, after the timeout. */
    r = from((const char *const[]){ "PIF", NULL }, tok, 0.05);
    ck_assert_uint_eq(events_of(r)->a.n, 0);
    xv_free(r);
    /* One object only. */
    snprintf(sub, sizeof(sub), "network_sriov/%s", REF_C);
    r = from((const char *const[]){ sub, NULL }, tok, 0);
    ck_assert_uint_eq(events_of(r)->a.n, 1);
    ck_assert_str_eq(field(events_of(r)->a.items[0], "ref"), REF_C);
    xv_free(r);
    /* Unknown classes match nothing, without error. */
    r = from((const char *const[]){ "vm", NULL }, tok, 0);
    ck_assert_uint_eq(events_of(r)->a.n, 0);
    xv_free(r);
    xv_free(r0);
    free(tok);
}
END_TEST

START_TEST(test_xapi_event_errors)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *c = xv_new_array(), *ret = NULL;
    char *tok = NULL;

    ck_assert_int_eq(xv_array_append(c, xv_new_string("*")), 0);
    ck_assert_int_lt(xapi_events_from(ev, c, "12,x", 0, &ret, &err), 0);
    ck_assert_str_eq(err.code, "EVENT_FROM_TOKEN_PARSE_FAILURE");
    ck_assert_str_eq(err.params[0], "12,x");
    ck_assert_int_eq(xv_array_append(c, xv_new_int(3)), 0);
    ck_assert_int_lt(xapi_events_from(ev, c, "", 0, &ret, &err), 0);
    ck_assert_str_eq(err.code, "EVENT_SUBSCRIPTION_PARSE_FAILURE");
    ck_assert_int_lt(xapi_events_inject(ev, "network_sriov", REF_A, &tok,
                                        &err), 0);
    ck_assert_str_eq(err.code, "HANDLE_INVALID");
    ck_assert_str_eq(err.params[0], "network_sriov");
    ck_assert_ptr_null(ret);
    ck_assert_ptr_null(tok);
    ck_assert_int_eq(xapi_events_notify(ev, "vm", REF_A, XAPI_EVENT_ADD),
                     -ENOENT);
    xapi_error_clear(&err);
    xv_free(c);
}
END_TEST

START_TEST(test_xapi_event_inject)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *r;
    char *tok = NULL;

    ck_assert_int_eq(xapi_events_inject(ev, "pif", REF_A, &tok, &err), 0);
    r = from((const char *const[]){ "PIF", NULL }, tok, 5);
    ck_assert_uint_eq(events_of(r)->a.n, 1);
    ck_assert_str_eq(field(events_of(r)->a.items[0], "operation"), "mod");
    ck_assert_str_eq(field(events_of(r)->a.items[0], "ref"), REF_A);
    xv_free(r);
    free(tok);
}
END_TEST

struct waiter {
    const char *token;
    struct xv *result;
};

static void *wait_thread(void *p)
{
    struct waiter *w = p;

    w->result = from((const char *const[]){ "network_sriov", NULL },
                     w->token, 60);
    return NULL;
}

START_TEST(test_xapi_event_blocks_until_change)
{
    struct xv *r0 = from((const char *const[]){ "*", NULL }, "", 0);
    struct waiter w = { token_of(r0), NULL };
    pthread_t t;

    ck_assert_int_eq(pthread_create(&t, NULL, wait_thread, &w), 0);
    /* Changes the waiter did not subscribe to do not wake it for good. */
    ck_assert_int_eq(memclass_put(pif, REF_A, record("x")), 0);
    ck_assert_int_eq(memclass_put(sriov, REF_B, record("b")), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_uint_eq(events_of(w.result)->a.n, 1);
    ck_assert_str_eq(field(events_of(w.result)->a.items[0], "ref"), REF_B);
    xv_free(w.result);
    xv_free(r0);
}
END_TEST

START_TEST(test_xapi_event_shutdown_wakes_waiters)
{
    struct xv *r0 = from((const char *const[]){ "*", NULL }, "", 0);
    struct waiter w = { token_of(r0), NULL };
    pthread_t t;

    ck_assert_int_eq(pthread_create(&t, NULL, wait_thread, &w), 0);
    xapi_events_shutdown(ev);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_uint_eq(events_of(w.result)->a.n, 0);
    xv_free(w.result);
    xv_free(r0);
}
END_TEST

START_TEST(test_xapi_event_lost)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *r0, *c = xv_new_array(), *ret = NULL;
    char ref[64], *tok;
    int k;

    teardown();
    setup_with(3);
    r0 = from((const char *const[]){ "*", NULL }, "", 0);
    tok = strdup(token_of(r0));
    for (k = 0; k < 5; k++) {
        snprintf(ref, sizeof(ref), "OpaqueRef:%d", k);
        ck_assert_int_eq(xapi_events_notify(ev, "pif", ref, XAPI_EVENT_DEL),
                         0);
    }
    ck_assert_int_eq(xv_array_append(c, xv_new_string("*")), 0);
    ck_assert_int_lt(xapi_events_from(ev, c, tok, 0, &ret, &err), 0);
    ck_assert_str_eq(err.code, "EVENTS_LOST");
    /* Starting again from "" works. */
    xv_free(r0);
    r0 = from((const char *const[]){ "*", NULL }, "", 0);
    ck_assert_uint_eq(events_of(r0)->a.n, 1);
    xapi_error_clear(&err);
    xv_free(r0);
    xv_free(c);
    free(tok);
}
END_TEST

/* ---- event.register / event.next / event.unregister ---- */

#define SESSION "OpaqueRef:00000000-0000-4000-8000-0000000000ee"

static struct xv *strings(const char *const *v)
{
    struct xv *c = xv_new_array();

    for (size_t k = 0; v[k]; k++)
        ck_assert_int_eq(xv_array_append(c, xv_new_string(v[k])), 0);
    return c;
}

static void reg(bool add, const char *const *classes)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *c = strings(classes);

    ck_assert_int_eq(add ? xapi_events_register_classes(ev, SESSION, c, &err)
                         : xapi_events_unregister_classes(ev, SESSION, c,
                                                          &err), 0);
    xv_free(c);
}

static struct xv *next(void)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *ret = NULL;

    ck_assert_msg(xapi_events_next(ev, SESSION, &ret, &err) == 0,
                  "event.next failed: %s", err.code);
    ck_assert_int_eq(ret->type, XV_ARRAY);
    return ret;
}

START_TEST(test_xapi_event_next_not_registered)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *ret = NULL;

    ck_assert_int_lt(xapi_events_next(ev, SESSION, &ret, &err), 0);
    ck_assert_str_eq(err.code, "SESSION_NOT_REGISTERED");
    ck_assert_str_eq(err.params[0], SESSION);
    ck_assert_ptr_null(ret);
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_xapi_event_next_registered_classes)
{
    struct xv *r;

    /* Events from the registration on: the PIF that existed is none. */
    reg(true, (const char *const[]){ "network_sriov", NULL });
    ck_assert_int_eq(memclass_put(pif, REF_A, record("eth0-renamed")), 0);
    ck_assert_int_eq(memclass_put(sriov, REF_B, record("b")), 0);
    r = next();
    ck_assert_uint_eq(r->a.n, 1);
    ck_assert_str_eq(field(r->a.items[0], "class"), "network_sriov");
    ck_assert_str_eq(field(r->a.items[0], "operation"), "add");
    ck_assert_str_eq(field(r->a.items[0], "ref"), REF_B);
    ck_assert_str_eq(field(xv_struct_get(r->a.items[0], "snapshot"),
                           "name"), "b");
    xv_free(r);
    /* A second register adds; what was reported is not again. */
    reg(true, (const char *const[]){ "PIF", NULL });
    ck_assert_int_eq(memclass_put(pif, REF_A, record("eth0-again")), 0);
    r = next();
    ck_assert_uint_eq(r->a.n, 1);
    ck_assert_str_eq(field(r->a.items[0], "class"), "pif");
    ck_assert_str_eq(field(r->a.items[0], "operation"), "mod");
    xv_free(r);
    /* Unregistered: its changes are not reported. */
    reg(false, (const char *const[]){ "NETWORK_SRIOV", NULL });
    ck_assert_int_eq(memclass_remove(sriov, REF_B), 0);
    ck_assert_int_eq(memclass_put(pif, REF_A, record("eth0-last")), 0);
    r = next();
    ck_assert_uint_eq(r->a.n, 1);
    ck_assert_str_eq(field(r->a.items[0], "class"), "pif");
    xv_free(r);
}
END_TEST

struct next_waiter {
    struct xv *result;
    struct xapi_error err;
    int r;
};

static void *next_thread(void *p)
{
    struct next_waiter *w = p;

    w->r = xapi_events_next(ev, SESSION, &w->result, &w->err);
    return NULL;
}

START_TEST(test_xapi_event_next_blocks_until_change)
{
    struct next_waiter w = { NULL, XAPI_ERROR_INIT, 0 };
    pthread_t t;

    reg(true, (const char *const[]){ "network_sriov", NULL });
    ck_assert_int_eq(pthread_create(&t, NULL, next_thread, &w), 0);
    /* Changes of other classes do not end the wait. */
    ck_assert_int_eq(memclass_put(pif, REF_A, record("x")), 0);
    ck_assert_int_eq(memclass_put(sriov, REF_C, record("c")), 0);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_eq(w.r, 0);
    ck_assert_uint_eq(w.result->a.n, 1);
    ck_assert_str_eq(field(w.result->a.items[0], "ref"), REF_C);
    xv_free(w.result);
}
END_TEST

START_TEST(test_xapi_event_next_session_ended)
{
    struct next_waiter w = { NULL, XAPI_ERROR_INIT, 0 };
    pthread_t t;

    reg(true, (const char *const[]){ "network_sriov", NULL });
    ck_assert_int_eq(pthread_create(&t, NULL, next_thread, &w), 0);
    /* Whether the waiter is blocked yet or not, it ends. */
    xapi_events_session_ended(ev, SESSION);
    ck_assert_int_eq(pthread_join(t, NULL), 0);
    ck_assert_int_lt(w.r, 0);
    ck_assert(strcmp(w.err.code, "SESSION_INVALID") == 0 ||
              strcmp(w.err.code, "SESSION_NOT_REGISTERED") == 0);
    xapi_error_clear(&w.err);
    /* The subscription went with the session. */
    ck_assert_int_lt(xapi_events_next(ev, SESSION, &w.result, &w.err), 0);
    ck_assert_str_eq(w.err.code, "SESSION_NOT_REGISTERED");
    xapi_error_clear(&w.err);
}
END_TEST

START_TEST(test_xapi_event_next_lost)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xv *ret = NULL;
    char ref[64];

    teardown();
    setup_with(3);
    reg(true, (const char *const[]){ "*", NULL });
    for (int k = 0; k < 5; k++) {
        snprintf(ref, sizeof(ref), "OpaqueRef:%d", k);
        ck_assert_int_eq(xapi_events_notify(ev, "pif", ref, XAPI_EVENT_DEL),
                         0);
    }
    ck_assert_int_lt(xapi_events_next(ev, SESSION, &ret, &err), 0);
    ck_assert_str_eq(err.code, "EVENTS_LOST");
    xapi_error_clear(&err);
    /* The next call goes on from there. */
    ck_assert_int_eq(memclass_put(sriov, REF_B, record("b")), 0);
    ret = next();
    ck_assert_uint_eq(ret->a.n, 1);
    ck_assert_str_eq(field(ret->a.items[0], "ref"), REF_B);
    xv_free(ret);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xapi-event");
    TCase *tc = tcase_create("event");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_xapi_event_initial_token_lists_everything);
    tcase_add_test(tc, test_xapi_event_add_mod_del);
    tcase_add_test(tc, test_xapi_event_created_and_deleted_is_silent);
    tcase_add_test(tc, test_xapi_event_filters);
    tcase_add_test(tc, test_xapi_event_errors);
    tcase_add_test(tc, test_xapi_event_inject);
    tcase_add_test(tc, test_xapi_event_blocks_until_change);
    tcase_add_test(tc, test_xapi_event_shutdown_wakes_waiters);
    tcase_add_test(tc, test_xapi_event_lost);
    tcase_add_test(tc, test_xapi_event_next_not_registered);
    tcase_add_test(tc, test_xapi_event_next_registered_classes);
    tcase_add_test(tc, test_xapi_event_next_blocks_until_change);
    tcase_add_test(tc, test_xapi_event_next_session_ended);
    tcase_add_test(tc, test_xapi_event_next_lost);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
