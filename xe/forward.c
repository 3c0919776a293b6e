/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Forwarding in a pool (docs/pool.md): a command that changes another
 * host's object runs on that host, through its xen-sriovd. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "libsriov/macro.h"
#include "xe/cli-error.h"
#include "xe/frontend.h"
#include "ops/xapi-errors.h"

/* The parameters that name the object a command acts on; a VM first (a
 * VIF goes where its VM is). */
static const char *const object_params[] = {
    "vm-uuid", "vm", "uuid", "pif-uuid", "host-uuid", "network-uuid", NULL
};

/* The other host the command's objects belong to: 1 with owner set, 0
 * when it is this host's (or no host's: the handler says so). */
static int owner_of(struct xe_frontend *fe, pool *p, const struct xe_args *args,
                    const char *self, char owner[37], struct xapi_error *err)
{
    for (size_t i = 0; object_params[i]; i++) {
        const char *v = xe_args_peek(args, object_params[i]);
        int r;

        if (!v || !schema_uuid_valid(v))
            continue;
        r = pool_remote_owner(p, fe->st, self, v, owner);
        if (r < 0)
            return xe_failf(err, "cannot find which host of the pool has "
                            "%s: %s", v, pool_last_error(p));
        if (r > 0)
            return 1;
    }
    return 0;
}

static char *request_json(int argc, char *const *argv)
{
    json_object *o = json_object_new_object(), *a = json_object_new_array();
    char *out = NULL;

    if (o && a) {
        /* argv[0] is this program: the callee runs "xe". */
        for (int i = 1; i < argc; i++)
            json_object_array_add(a, json_object_new_string(argv[i]));
        json_object_object_add(o, "argv", json_object_get(a));
        out = strdup(json_object_to_json_string_ext(o,
                                                    JSON_C_TO_STRING_PLAIN));
    }
    json_object_put(a);
    json_object_put(o);
    return out;
}

int xe_frontend_forward(void *userdata, const struct xe_args *args, int argc,
                        char *const *argv, FILE *out, FILE *errf,
                        int *status, struct xapi_error *err)
{
    struct xe_frontend *fe = userdata;
    _cleanup_free_ char *req = NULL, *ans = NULL;
    char self[37], owner[37], ref[OPS_REF_SIZE];
    struct ops_ctx *ops;
    json_object *j, *v;
    pool *p = NULL;
    int r;

    /* pool-join and pool-eject act on the pool, from any member. */
    if (fe->no_forward || strncmp(args->cmd, "pool-", 5) == 0)
        return 0;
    r = xe_frontend_pool(fe, &p, err);
    if (r <= 0)
        return r;
    r = xe_frontend_ops(fe, &ops, err);
    if (r >= 0)
        r = ops_host_uuid(ops, self, err);
    if (r >= 0)
        r = owner_of(fe, p, args, self, owner, err);
    if (r <= 0)
        return r;
    req = request_json(argc, argv);
    if (!req)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    r = pool_call(p, owner, req, POOL_CALL_TIMEOUT_S, &ans);
    if (r == -EHOSTDOWN || r == -ETIME)
        return xapi_error_set(err, -EHOSTDOWN, XAPI_HOST_OFFLINE,
                              ops_ref(ref, owner), NULL);
    if (r < 0)
        return xe_failf(err, "cannot ask host %s: %s", owner,
                        pool_last_error(p));
    j = json_tokener_parse(ans);
    if (!j || !json_object_object_get_ex(j, "status", &v)) {
        json_object_put(j);
        return xe_failf(err, "host %s answered something that is not a "
                        "result: is its xen-sriov the same version?", owner);
    }
    *status = json_object_get_int(v);
    if (json_object_object_get_ex(j, "out", &v))
        fputs(json_object_get_string(v), out);
    if (json_object_object_get_ex(j, "err", &v))
        fputs(json_object_get_string(v), errf);
    json_object_put(j);
    return 1;
}

int xe_frontend_serve_call(struct xe_frontend *fe,
                           const struct xe_cmdtable *table,
                           const char *hostname, const char *request,
                           char **ret_answer)
{
    json_object *j = json_tokener_parse(request), *a = NULL, *ans;
    _cleanup_free_ char *obuf = NULL, *ebuf = NULL;
    _cleanup_free_ char **argv = NULL;
    size_t olen = 0, elen = 0, n;
    FILE *out = NULL, *errf = NULL;
    struct xe_env env;
    int status = 1, r = -ENOMEM;

    if (!j || !json_object_object_get_ex(j, "argv", &a) ||
        !json_object_is_type(a, json_type_array)) {
        json_object_put(j);
        return -EBADMSG;
    }
    n = json_object_array_length(a);
    argv = calloc(n + 2, sizeof(*argv));
    out = open_memstream(&obuf, &olen);
    errf = open_memstream(&ebuf, &elen);
    if (argv && out && errf) {
        argv[0] = (char *)"xe";
        for (size_t i = 0; i < n; i++)
            argv[i + 1] = (char *)json_object_get_string(
                json_object_array_get_idx(a, i));
        env = (struct xe_env){
            .out = out, .err = errf, .argv0 = "xe", .hostname = hostname,
            .is_root = true, .table = table,
            .describe = xe_frontend_describe, .userdata = fe,
        };
        fe->no_forward = true;      /* run here, whatever it names */
        status = xe_run(&env, (int)n + 1, argv);
        r = 0;
    }
    if (out)
        fclose(out);
    if (errf)
        fclose(errf);
    if (r >= 0) {
        ans = json_object_new_object();
        json_object_object_add(ans, "status", json_object_new_int(status));
        json_object_object_add(ans, "out", json_object_new_string(obuf ? obuf : ""));
        json_object_object_add(ans, "err", json_object_new_string(ebuf ? ebuf : ""));
        *ret_answer = strdup(json_object_to_json_string_ext(
            ans, JSON_C_TO_STRING_PLAIN));
        json_object_put(ans);
        if (!*ret_answer)
            r = -ENOMEM;
    }
    json_object_put(j);
    return r;
}
