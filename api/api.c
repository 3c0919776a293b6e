/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The endpoint: built-in methods, and request body -> reply body. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/macro.h"
#include "api/api.h"
#include "api/jsonrpc.h"
#include "api/role.h"
#include "api/xmlrpc.h"

struct xapi {
    struct xapi_registry *reg;
    struct xapi_sessions *sessions;
    struct xapi_events *events;
    struct xapi_tasks *tasks;
    struct xapi_logger log;
};

static void session_ended(void *userdata, const char *ref)
{
    struct xapi *api = userdata;

    xapi_tasks_session_ended(api->tasks, ref);
    xapi_events_session_ended(api->events, ref);
}

static int m_list_methods(const struct xapi_call *call,
                          struct xv *const *args, size_t n, struct xv **ret,
                          struct xapi_error *err)
{
    return xapi_registry_list(call->api->reg, ret);
}

int xapi_new(struct xapi **ret, const struct xapi_config *cfg)
{
    static const struct xapi_config defaults;
    const struct xapi_method list = {
        "system.listMethods", 0, 0,
        XAPI_METHOD_NO_SESSION | XAPI_METHOD_UNWRAPPED, m_list_methods, NULL
    };
    struct xapi_auth *auth = NULL;
    struct xapi *api;
    int r;

    if (!cfg)
        cfg = &defaults;
    api = calloc(1, sizeof(*api));
    if (!api)
        return -ENOMEM;
    api->log = cfg->log;
    if (cfg->users_file)
        r = xapi_auth_new_users(&auth, cfg->users_file);
    else
        r = xapi_auth_new_pam(&auth, cfg->pam_service ? cfg->pam_service
                                                      : "xen-sriov",
                              cfg->pam_confdir);
    if (r == 0)
        r = xapi_sessions_new(&api->sessions, auth, &cfg->sessions,
                              &api->log);
    if (r == 0)
        r = xapi_registry_new(&api->reg);
    if (r == 0)
        r = xapi_events_new(&api->events, &cfg->events);
    if (r == 0)
        r = xapi_sessions_register(api->sessions, api->reg);
    if (r == 0)
        r = xapi_events_register(api->events, api->reg);
    if (r == 0)
        r = xapi_registry_add(api->reg, &list);
    if (r == 0)
        r = xapi_roles_register(api->reg);
    if (r == 0)
        r = xapi_tasks_new(&api->tasks, api, &cfg->tasks);
    if (r == 0)
        r = xapi_tasks_register(api->tasks, api->reg, api->events);
    if (r == 0)
        xapi_sessions_on_logout(api->sessions, session_ended, api);
    if (r < 0) {
        xapi_free(api);
        return r;
    }
    *ret = api;
    return 0;
}

struct xapi *xapi_free(struct xapi *api)
{
    if (!api)
        return NULL;
    api->tasks = xapi_tasks_free(api->tasks);
    xapi_events_shutdown(api->events);
    xapi_events_free(api->events);
    xapi_sessions_free(api->sessions);
    xapi_registry_free(api->reg);
    free(api);
    return NULL;
}

void xapi_stop_tasks(struct xapi *api)
{
    if (api)
        xapi_tasks_stop(api->tasks);
}

struct xapi_tasks *xapi_get_tasks(struct xapi *api)
{
    return api->tasks;
}

struct xapi_registry *xapi_get_registry(struct xapi *api)
{
    return api->reg;
}

struct xapi_events *xapi_get_events(struct xapi *api)
{
    return api->events;
}

struct xapi_sessions *xapi_get_sessions(struct xapi *api)
{
    return api->sessions;
}

const struct xapi_logger *xapi_get_logger(struct xapi *api)
{
    return &api->log;
}

int xapi_add_method(struct xapi *api, const struct xapi_method *m)
{
    return xapi_registry_add(api->reg, m);
}

int xapi_add_class(struct xapi *api, const struct xapi_class *cls)
{
    return xapi_class_register(api->reg, api->events, cls);
}

int xapi_notify(struct xapi *api, const char *cls, const char *ref,
                enum xapi_event_op op)
{
    return xapi_events_notify(api->events, cls, ref, op);
}

/* Run one call; *ret_flags tells whether the result goes out unwrapped. */
static int call(struct xapi *api, const char *method, const struct xv *params,
                const char *client, struct xv **ret, unsigned *ret_flags,
                struct xapi_error *err)
{
    int r;

    r = xapi_registry_call(api->reg, api, xapi_sessions_check_cb,
                           api->sessions, method, params, client, ret,
                           ret_flags, err);
    if (r < 0 && err->code && strcmp(err->code, XAPI_INTERNAL_ERROR) == 0)
        xapi_log(&api->log, LOG_ERR, "%s from %s: INTERNAL_ERROR %s",
                 method, client, err->n_params ? err->params[0] : "");
    return r;
}

/* {Status: Success, Value: v} (takes v) */
static int wrap_success(struct xv *v, struct xv **ret)
{
    _cleanup_xv_ struct xv *s = xv_new_struct();
    int r;

    if (!s) {
        xv_free(v);
        return -ENOMEM;
    }
    if ((r = xv_struct_set_string(s, "Status", "Success")) < 0) {
        xv_free(v);
        return r;
    }
    if ((r = xv_struct_set(s, "Value", v)) < 0)
        return r;
    *ret = TAKE_PTR(s);
    return 0;
}

/* {Status: Failure, ErrorDescription: [code, params...]} */
static int wrap_failure(const struct xapi_error *err, struct xv **ret)
{
    _cleanup_xv_ struct xv *s = xv_new_struct(), *d = xv_new_array();
    size_t k;
    int r;

    if (!s || !d)
        return -ENOMEM;
    r = xv_array_append(d, xv_new_string(err->code ? err->code
                                                   : XAPI_INTERNAL_ERROR));
    for (k = 0; r == 0 && k < err->n_params; k++)
        r = xv_array_append(d, xv_new_string(err->params[k]));
    if (r < 0 || (r = xv_struct_set_string(s, "Status", "Failure")) < 0 ||
        (r = xv_struct_set(s, "ErrorDescription", TAKE_PTR(d))) < 0)
        return r;
    *ret = TAKE_PTR(s);
    return 0;
}

static int plain_error(struct xapi_reply *ret, const char *what,
                       const char *msg, const char *hint)
{
    char *body;
    int n;

    n = asprintf(&body, "%s: %s; %s\n", what, msg ? msg : "malformed",
                 hint);
    if (n < 0)
        return -ENOMEM;
    *ret = (struct xapi_reply){ 400, "text/plain", body, (size_t)n };
    return 0;
}

/*
 * A login needs a few hundred bytes: one over XAPI_LOGIN_MAX_BODY is not
 * parsed further nor checked (413).  1: replied, 0: go on, -ENOMEM.
 */
static int login_too_big(struct xapi *api, const char *method, size_t len,
                         const char *client, struct xapi_reply *ret)
{
    char *body;
    int n;

    if (len <= XAPI_LOGIN_MAX_BODY ||
        (strcmp(method, "session.login_with_password") != 0 &&
         strcmp(method, "session_login_with_password") != 0))
        return 0;
    xapi_log(&api->log, LOG_NOTICE, "login request of %zu bytes from %s is "
             "over the limit of %d bytes", len, client, XAPI_LOGIN_MAX_BODY);
    n = asprintf(&body, "login request of %zu bytes is over the limit of "
                 "%d bytes\n", len, XAPI_LOGIN_MAX_BODY);
    if (n < 0)
        return -ENOMEM;
    *ret = (struct xapi_reply){ 413, "text/plain", body, (size_t)n };
    return 1;
}

int xapi_handle_xmlrpc(struct xapi *api, const char *body, size_t len,
                       const char *client, struct xapi_reply *ret)
{
    _cleanup_free_ char *method = NULL, *error = NULL, *out = NULL;
    _cleanup_xv_ struct xv *params = NULL, *result = NULL, *reply = NULL;
    struct xapi_error err = XAPI_ERROR_INIT;
    unsigned flags = 0;
    size_t out_len;
    int r;

    r = xmlrpc_parse_call(body, len, &method, &params, &error);
    if (r == -EBADMSG) {
        xapi_log(&api->log, LOG_NOTICE, "bad XML-RPC request from %s: %s",
                 client, error ? error : "malformed");
        return plain_error(ret, "bad XML-RPC request", error,
                           "send an XML-RPC <methodCall> document");
    }
    if (r < 0)
        return r;
    r = login_too_big(api, method, len, client, ret);
    if (r != 0)
        return r < 0 ? r : 0;
    r = call(api, method, params, client, &result, &flags, &err);
    if (r < 0)
        r = wrap_failure(&err, &reply);
    else if (flags & XAPI_METHOD_UNWRAPPED)
        reply = TAKE_PTR(result);
    else
        r = wrap_success(TAKE_PTR(result), &reply);
    if (r == 0)
        r = xmlrpc_format_response(reply, &out, &out_len);
    if (r == -EINVAL) {
        /* A value XML cannot carry (control characters). */
        xapi_error_internal(&err, r, "%s: the reply holds characters that "
                            "XML-RPC cannot carry; use JSON-RPC", method);
        reply = xv_free(reply);
        r = wrap_failure(&err, &reply);
        if (r == 0)
            r = xmlrpc_format_response(reply, &out, &out_len);
    }
    xapi_error_clear(&err);
    if (r < 0)
        return r;
    *ret = (struct xapi_reply){ 200, "text/xml", TAKE_PTR(out), out_len };
    return 0;
}

static int json_error_reply(const struct jsonrpc_request *req, int rpc_code,
                            const struct xapi_error *err, unsigned status,
                            struct xapi_reply *ret)
{
    char *out;
    size_t n;
    int r;

    r = jsonrpc_format_error(req->version, req->id, rpc_code,
                             err->code ? err->code : XAPI_INTERNAL_ERROR,
                             err->params, err->n_params, &out, &n);
    if (r < 0)
        return r;
    *ret = (struct xapi_reply){ status, "application/json", out, n };
    return 0;
}

int xapi_handle_jsonrpc(struct xapi *api, const char *body, size_t len,
                        const char *client, struct xapi_reply *ret)
{
    struct jsonrpc_request req;
    _cleanup_free_ char *error = NULL;
    _cleanup_xv_ struct xv *result = NULL;
    struct xapi_error err = XAPI_ERROR_INIT;
    unsigned flags = 0;
    char *out;
    size_t n;
    int r;

    r = jsonrpc_parse_request(body, len, &req, &error);
    if (r == -EBADMSG) {
        xapi_log(&api->log, LOG_NOTICE, "bad JSON-RPC request from %s: %s",
                 client, error ? error : "malformed");
        /* JSON-RPC 2.0 sec 5.1: -32700 parse error, -32600 invalid. */
        bool parse = error && strncmp(error, "not valid JSON", 14) == 0;

        r = xapi_error_set(&err, -EBADMSG,
                           parse ? "Parse error" : "Invalid Request",
                           error ? error : "malformed request", NULL);
        r = json_error_reply(&req, parse ? -32700 : -32600, &err, 400, ret);
        goto out;
    }
    if (r < 0)
        goto out;
    r = login_too_big(api, req.method, len, client, ret);
    if (r != 0) {
        r = r < 0 ? r : 0;
        goto out;
    }
    r = call(api, req.method, req.params, client, &result, &flags, &err);
    if (r < 0) {
        r = json_error_reply(&req, 1, &err, 200, ret);
        goto out;
    }
    r = jsonrpc_format_result(req.version, req.id, result, &out, &n);
    if (r == 0)
        *ret = (struct xapi_reply){ 200, "application/json", out, n };
out:
    xapi_error_clear(&err);
    jsonrpc_request_dispose(&req);
    return r;
}
