/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pool-join and pool-eject: pools on etcd (docs/pool.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libsriov/macro.h"
#include "xe/cli-error.h"
#include "xe/commands.h"
#include "xe/frontend.h"
#include "ops/xapi-errors.h"

/* pool-join's optional settings, as pool.conf names them. */
static const char *const settings[] = {
    "prefix", "lease-ttl", "etcd-cacert", "etcd-cert", "etcd-key", NULL
};

int xe_cmd_pool_join(struct xe_call *call)
{
    struct xe_frontend *fe = call->userdata;
    struct pool_conf c = { 0 };
    struct ops_ctx *ops;
    pool *p = NULL, *now = NULL;
    char uuid[37], msg[512] = "";
    int r;

    r = xe_frontend_pool(fe, &now, call->err);
    if (r > 0)
        return xe_failf(call->err, "this host is in a pool already (%s): "
                        "run xe pool-eject host-uuid=<this host> first",
                        pool_get_conf(now)->endpoints[0]);
    if (r < 0)
        return r;
    r = pool_conf_set(&c, "etcd-endpoints",
                      xe_args_get(call->args, "etcd-endpoints"), msg,
                      sizeof(msg));
    for (size_t i = 0; r >= 0 && settings[i]; i++) {
        const char *v = xe_args_get(call->args, settings[i]);

        if (v)
            r = pool_conf_set(&c, settings[i], v, msg, sizeof(msg));
    }
    if (r < 0) {
        pool_conf_done(&c);
        return xe_failf(call->err, "%s", msg);
    }
    r = xe_frontend_ops(fe, &ops, call->err);
    if (r >= 0)
        r = ops_host_ensure(ops, uuid, call->err);
    if (r >= 0 && (r = pool_open_conf(&p, &c, msg, sizeof(msg))) < 0)
        xe_failf(call->err, "%s", msg);
    /* Joined in etcd first: a pool.conf is never left naming a pool this
     * host is not in. */
    if (r >= 0 && (r = pool_join(p, ops->st, uuid)) < 0)
        xe_failf(call->err, "cannot join the pool: %s", pool_last_error(p));
    if (r >= 0 && (r = pool_conf_save(fe->root, &c, msg, sizeof(msg))) < 0) {
        pool_leave(p, uuid);
        xe_failf(call->err, "%s", msg);
    }
    pool_close(p);
    pool_conf_done(&c);
    return r < 0 ? r : 0;
}

int xe_cmd_pool_eject(struct xe_call *call)
{
    struct xe_frontend *fe = call->userdata;
    const char *host = xe_args_get(call->args, "host-uuid");
    struct ops_ctx *ops;
    pool *p = NULL;
    char self[37];
    int r;

    r = xe_frontend_pool(fe, &p, call->err);
    if (r == 0)
        return xe_failf(call->err, "this host is in no pool: there is "
                        "nothing to eject (xe pool-join joins one)");
    if (r < 0)
        return r;
    r = xe_frontend_ops(fe, &ops, call->err);
    if (r >= 0)
        r = ops_host_uuid(ops, self, call->err);
    if (r < 0)
        return r;
    r = pool_eject(p, host);
    if (r == -ENOENT)
        return xapi_error_set(call->err, r, XAPI_UUID_INVALID, "host", host,
                              NULL);
    if (r < 0)
        return xe_failf(call->err, "cannot eject host %s: %s", host,
                        pool_last_error(p));
    /* This host: it leaves now; another host's xen-sriovd leaves when it
     * sees its eject mark (docs/pool.md). */
    if (strcmp(host, self) == 0) {
        r = pool_conf_remove(fe->root);
        if (r < 0)
            return xe_failf(call->err, "ejected, but cannot remove "
                            "pool.conf: %s: remove it by hand",
                            strerror(-r));
    }
    return 0;
}
