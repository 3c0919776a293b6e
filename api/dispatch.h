/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XenAPI method registry and dispatch: find a method by name, check the
 * parameter count and the session, call the handler.  The codecs turn the
 * outcome into a wire reply.
 *
 * A handler gets its arguments without the session (args[0] is the first
 * argument after it), returns 0 with *ret set (void methods return ""), or
 * a negative errno with err set to the XenAPI error (xapi_error_set()).
 * A handler that fails without setting err gets INTERNAL_ERROR.
 *
 * Errors the dispatcher raises itself, as XAPI does:
 *   MESSAGE_METHOD_UNKNOWN [method]
 *   MESSAGE_PARAMETER_COUNT_MISMATCH [method, expected, received]
 *     (counts exclude the session, as decimal strings)
 *   SESSION_INVALID [ref]
 */
#ifndef XEN_SRIOV_API_DISPATCH_H
#define XEN_SRIOV_API_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "api/value.h"
#include "ops/xapi-error.h"
#include "ops/xapi-errors.h"

struct xapi;

/* What a handler knows about the call it serves. */
struct xapi_call {
    struct xapi *api;
    const char *method;            /* e.g. "network_sriov.get_record" */
    const char *session;           /* the checked session ref, or NULL */
    const char *client;            /* "127.0.0.1:5678", "unix:uid=0", ... */
    void *userdata;                /* the method's userdata */
};

typedef int (*xapi_method_fn)(const struct xapi_call *call,
                              struct xv *const *args, size_t n_args,
                              struct xv **ret, struct xapi_error *err);

enum {
    XAPI_METHOD_NO_SESSION = 1 << 0, /* no session ref first (login, ...) */
    XAPI_METHOD_UNWRAPPED = 1 << 1,  /* reply bare, no {Status, Value} */
    XAPI_METHOD_NO_ASYNC = 1 << 2,   /* no Async.<name> (see below) */
};

struct xapi_method {
    const char *name;              /* "class.message", copied */
    unsigned min_args;             /* excluding the session */
    unsigned max_args;             /* >= min_args */
    unsigned flags;                /* XAPI_METHOD_* */
    xapi_method_fn fn;
    void *userdata;
};

struct xapi_registry;

int xapi_registry_new(struct xapi_registry **ret);
struct xapi_registry *xapi_registry_free(struct xapi_registry *reg);

/*
 * Add a method (its name is copied).  -EEXIST if the name is taken,
 * -EINVAL for a bad definition.  Safe to call while serving.
 */
int xapi_registry_add(struct xapi_registry *reg, const struct xapi_method *m);

/*
 * Hand p to the registry, which calls free_fn(p) when it is freed (for the
 * userdata of generated methods).  On failure free_fn(p) is called at once.
 */
int xapi_registry_keep(struct xapi_registry *reg, void *p,
                       void (*free_fn)(void *));

/* Copy of method name (name not copied), or -ENOENT. */
int xapi_registry_find(struct xapi_registry *reg, const char *name,
                       struct xapi_method *ret);

/* All method names, sorted, as an XV_ARRAY of strings. */
int xapi_registry_list(struct xapi_registry *reg, struct xv **ret);

/*
 * Checks a session ref; 0 when valid, < 0 otherwise.  The dispatcher uses
 * it for every method without XAPI_METHOD_NO_SESSION.
 */
typedef int (*xapi_session_check_fn)(void *userdata, const char *ref);

/*
 * Dispatch one call.  params is the XV_ARRAY from the wire (session
 * first).  On success *ret is the result and *ret_flags the method's flags
 * (so the encoder knows whether to wrap it); on failure err is set and a
 * negative errno returned.
 */
int xapi_registry_call(struct xapi_registry *reg, struct xapi *api,
                       xapi_session_check_fn check, void *check_userdata,
                       const char *method, const struct xv *params,
                       const char *client, struct xv **ret,
                       unsigned *ret_flags, struct xapi_error *err);

/*
 * Async calls.  "Async.<name>" exists for every method <name> that takes a
 * session, is wrapped, is not flagged XAPI_METHOD_NO_ASYNC, does not read
 * (its message does not start with "get_") and is not of the classes
 * session, event or task: the messages XAPI runs as tasks.  The dispatcher
 * checks the arity (errors name the Async method) and the session as for
 * <name>, then hands the call to the submit hook, which returns the task
 * ref (task.h).  Without a hook Async.* is MESSAGE_METHOD_UNKNOWN.
 */
typedef int (*xapi_async_submit_fn)(void *userdata, const char *async_name,
                                    const struct xapi_method *m,
                                    const struct xapi_call *call,
                                    struct xv *const *args, size_t n_args,
                                    struct xv **ret, struct xapi_error *err);

void xapi_registry_set_async(struct xapi_registry *reg,
                             xapi_async_submit_fn submit, void *userdata);

/* Whether m (registered under its name) has an Async form. */
bool xapi_method_async_ok(const struct xapi_method *m);

/*
 * Argument helpers for handlers: read args[i] as a string / ref, or set
 * FIELD_TYPE_ERROR [what] and return -EINVAL.
 */
int xapi_arg_string(struct xv *const *args, size_t i, const char *what,
                    const char **ret, struct xapi_error *err);

/* "OpaqueRef:" followed by a UUID (any case), as XAPI's refs. */
bool xapi_ref_valid(const char *ref);

/* A UUID: 8-4-4-4-12 hex digits. */
bool xapi_uuid_valid(const char *uuid);

/* HANDLE_INVALID [class, ref]; returns -ENOENT. */
int xapi_handle_invalid(struct xapi_error *err, const char *cls,
                        const char *ref);

/* UUID_INVALID [class, uuid]; returns -ENOENT. */
int xapi_uuid_invalid(struct xapi_error *err, const char *cls,
                      const char *uuid);

/* A new random "OpaqueRef:<uuid>" (ret_ref, 48 bytes) or bare UUID. */
#define XAPI_REF_MAX 48
int xapi_new_uuid(char ret_uuid[static 37]);
int xapi_new_ref(char ret_ref[static XAPI_REF_MAX]);

#endif
