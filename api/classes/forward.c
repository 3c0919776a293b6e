/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Forwarding in a pool (docs/pool.md): a XenAPI call that changes another
 * host's object runs on that host, through its xen-sriovd, by the path
 * xe's forwarded commands take (pool_call): the call carries the method
 * and its parameters as a JSON-RPC request, the other host runs it on its
 * own store and answers as a JSON-RPC reply, whose result or error the
 * caller gets as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/classes/internal.h"
#include "api/jsonrpc.h"

/* Set while this thread runs a call forwarded here: it runs here,
 * whatever it names (a forwarded call is never forwarded again). */
static __thread bool serving_forwarded;

/* The session a forwarded call runs under: the caller's host checked
 * the caller's session. */
#define FORWARDED_SESSION "OpaqueRef:forwarded-call"

/* The first argument (or member of a record argument) that is a ref to
 * another host's object: 1 with owner set. */
static int remote_ref(struct xstore_conn *c, const char *self,
                      const struct xv *v, char owner[37])
{
    const char *uuid;
    int r;

    if (v->type == XV_STRUCT) {
        /* A record's VM first: a VIF goes where its VM is. */
        const struct xv *vm = xv_struct_get(v, "VM");

        if (vm && (r = remote_ref(c, self, vm, owner)) != 0)
            return r;
        for (size_t i = 0; i < v->st.n; i++)
            if ((r = remote_ref(c, self, v->st.m[i].value, owner)) != 0)
                return r;
        return 0;
    }
    if (v->type != XV_STRING || !(uuid = xstore__ref_uuid(v->s)))
        return 0;
    return pool_remote_owner(c->pool, c->st, self, uuid, owner);
}

/* The owner of the call's objects when it is another host: 1 with owner
 * set; 0 to run the call here (no pool, or the objects are this host's
 * or no host's: the handler says so). */
static int owner_of(struct xapi_store *xs, const char *caller,
                    struct xv *const *args, size_t n, char owner[37],
                    struct xapi_error *err)
{
    struct xstore_conn *c = NULL;
    char msg[512] = "";
    int r;

    r = xstore__acquire(xs, caller, &c, err);
    if (r < 0)
        return r;
    /* pool.conf is looked at on every call, as xstore__list does. */
    c->pool = pool_close(c->pool);
    r = pool_open(&c->pool, xs->root, msg, sizeof(msg));
    if (r < 0)
        xapi_log(xapi_get_logger(xs->api), LOG_WARNING, "pool: %s", msg);
    if (r > 0) {
        r = 0;
        for (size_t i = 0; r == 0 && i < n; i++)
            r = remote_ref(c, xs->host_uuid, args[i], owner);
        if (r < 0)
            r = xapi_error_internal(err, r, "cannot find which host of "
                                    "the pool has the call's object: %s",
                                    pool_last_error(c->pool));
    } else {
        r = 0;
    }
    xstore__release(xs, c);
    return r;
}

/* The other host's JSON-RPC reply as the call's outcome. */
static int take_reply(const char *owner, const char *answer, struct xv **ret,
                      struct xapi_error *err)
{
    _cleanup_xv_ struct xv *rep = NULL;
    _cleanup_free_ char *why = NULL;
    struct xv *e, *res;

    if (jsonrpc_parse_value(answer, strlen(answer), &rep, &why) < 0 ||
        rep->type != XV_STRUCT)
        return xapi_error_internal(err, -EBADMSG, "host %s answered "
                                   "something that is not a result: is its "
                                   "xen-sriov the same version?", owner);
    e = xv_struct_get(rep, "error");
    if (e && e->type == XV_ARRAY && e->a.n > 0 &&
        e->a.items[0]->type == XV_STRING) {
        xapi_error_clear(err);
        err->code = strdup(e->a.items[0]->s);
        for (size_t i = 1; i < e->a.n && err->n_params <
                           XAPI_ERROR_MAX_PARAMS; i++) {
            const char *s = e->a.items[i]->type == XV_STRING
                                ? e->a.items[i]->s : "";

            err->params[err->n_params++] = strdup(s);
        }
        err->errno_value = -EREMOTEIO;
        return -EREMOTEIO;
    }
    res = xv_struct_get(rep, "result");
    if (!res)
        return xapi_error_internal(err, -EREMOTEIO, "host %s could not run "
                                   "the call: its xen-sriovd's log says why",
                                   owner);
    *ret = xv_copy(res);
    return *ret ? 1 : xapi_error_internal(err, -ENOMEM, "out of memory");
}

int xstore__forward(struct xapi_store *xs, const struct xapi_call *call,
                    struct xv *const *args, size_t n, size_t n_look,
                    struct xv **ret, struct xapi_error *err)
{
    _cleanup_free_ char *req = NULL, *ans = NULL;
    _cleanup_xv_ struct xv *params = NULL, *id = NULL;
    char owner[37] = "", ref[OPS_REF_SIZE], caller[96], msg[512] = "";
    size_t len;
    pool *p = NULL;
    int r;

    if (serving_forwarded)
        return 0;
    xstore__caller(call, caller, sizeof(caller));
    r = owner_of(xs, caller, args, n_look, owner, err);
    if (r <= 0)
        return r;
    params = xv_new_array();
    id = xv_new_int(1);
    for (size_t i = 0; params && i < n; i++)
        if (xv_array_append(params, xv_copy(args[i])) < 0)
            params = xv_free(params);
    if (!params || !id || jsonrpc_format_request(1, id, call->method, params,
                                                 &req, &len) < 0)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    r = pool_open(&p, xs->root, msg, sizeof(msg));
    if (r <= 0)
        return xapi_error_internal(err, r ? r : -ENOENT, "pool: %s",
                                   r ? msg : "this host left the pool");
    r = pool_call(p, owner, req, POOL_CALL_TIMEOUT_S, &ans);
    if (r == -EHOSTDOWN || r == -ETIME)
        r = xapi_error_set(err, -EHOSTDOWN, XAPI_HOST_OFFLINE,
                           ops_ref(ref, owner), NULL);
    else if (r < 0)
        r = xapi_error_internal(err, r, "cannot ask host %s: %s", owner,
                                pool_last_error(p));
    else
        r = take_reply(owner, ans, ret, err);
    xapi_log(xapi_get_logger(xs->api), LOG_INFO, "pool: %s forwarded to "
             "host %s: %s", call->method, owner, r > 0 ? "done"
             : err->code ? err->code : "failed");
    pool_close(p);
    return r;
}

static int accept_any(void *userdata, const char *ref)
{
    return 0;
}

int xapi_store_serve_call(struct xapi_store *xs, const char *request,
                          char **ret_answer)
{
    struct jsonrpc_request q = { 0 };
    struct xapi_error err = XAPI_ERROR_INIT;
    _cleanup_free_ char *why = NULL;
    struct xv *params = NULL, *result = NULL;
    unsigned flags = 0;
    size_t len;
    int r;

    r = jsonrpc_parse_request(request, strlen(request), &q, &why);
    if (r < 0) {
        jsonrpc_request_dispose(&q);
        return r;
    }
    /* The session first, as the dispatcher wants it. */
    params = xv_new_array();
    if (params && xv_array_append(params, xv_new_string(FORWARDED_SESSION)) < 0)
        params = xv_free(params);
    for (size_t i = 0; params && i < q.params->a.n; i++)
        if (xv_array_append(params, xv_copy(q.params->a.items[i])) < 0)
            params = xv_free(params);
    if (!params) {
        jsonrpc_request_dispose(&q);
        return -ENOMEM;
    }
    serving_forwarded = true;
    r = xapi_registry_call(xapi_get_registry(xs->api), xs->api, accept_any,
                           NULL, q.method, params, "pool", &result, &flags,
                           &err);
    serving_forwarded = false;
    if (r >= 0)
        r = jsonrpc_format_result(1, q.id, result, ret_answer, &len);
    else
        r = jsonrpc_format_error(1, q.id, 1, err.code, err.params,
                                 err.n_params, ret_answer, &len);
    xapi_error_clear(&err);
    xv_free(result);
    xv_free(params);
    jsonrpc_request_dispose(&q);
    return r;
}
