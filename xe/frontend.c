/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The xe program's context: libsriov, the store on first use, ops. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libsriov/macro.h"
#include "xe/cli-error.h"
#include "xe/frontend.h"

int xe_frontend_init(struct xe_frontend *fe, sriov_ctx *ctx,
                     const char *root, const char *caller)
{
    memset(fe, 0, sizeof(*fe));
    fe->ctx = ctx;
    if (root && *root) {
        fe->root = strdup(root);
        if (!fe->root)
            return -ENOMEM;
    }
    snprintf(fe->caller, sizeof(fe->caller), "%s", caller ? caller : "xe");
    fe->ops.sriov = ctx;
    fe->ops.caller = fe->caller;
    /* Pool-wide networks: create and destroy ask the pool first. */
    fe->ops.pool = &pool_network_hooks;
    fe->ops.pool_userdata = fe->root;
    return 0;
}

void xe_frontend_done(struct xe_frontend *fe)
{
    fe->st = store_close(fe->st);
    fe->pool = pool_close(fe->pool);
    free(fe->root);
    fe->root = NULL;
}

static void say_finished(void *userdata, const char *line)
{
    (void)userdata;
    fprintf(stderr, "xe: %s\n", line);
}

int xe_frontend_ops(struct xe_frontend *fe, struct ops_ctx **ret,
                    struct xapi_error *err)
{
    struct store_opts o = { .root = fe->root };
    char msg[512] = "";
    int r;

    if (!fe->st) {
        r = store_open(&fe->st, &o, msg, sizeof(msg));
        if (r < 0)
            return xapi_error_set(err, r, XE_ERR_FAILURE,
                                  *msg ? msg : strerror(-r), NULL);
        fe->ops.st = fe->st;
        /* A network-sriov-create cut short (killed, xenstored gone) is
         * finished by the next command run as root (docs/xe.md). */
        if (geteuid() == 0) {
            struct xapi_error ferr = XAPI_ERROR_INIT;

            if (ops_network_sriov_finish(&fe->ops, 0, say_finished, NULL,
                                         &ferr) < 0)
                fprintf(stderr, "xe: finishing an interrupted "
                        "network-sriov-create failed: %s\n",
                        ferr.n_params ? ferr.params[ferr.n_params - 1]
                                      : strerror(-ferr.errno_value));
            xapi_error_clear(&ferr);
        }
    }
    *ret = &fe->ops;
    return 0;
}

int xe_frontend_pool(struct xe_frontend *fe, pool **ret,
                     struct xapi_error *err)
{
    char msg[512] = "";
    int r;

    if (fe->pool_state == 0) {
        r = pool_open(&fe->pool, fe->root, msg, sizeof(msg));
        if (r < 0)
            return xapi_error_set(err, r, XE_ERR_FAILURE, msg, NULL);
        fe->pool_state = r > 0 ? 1 : -1;
    }
    *ret = fe->pool;
    return fe->pool_state > 0;
}

int xe_frontend_sriov_capacity(struct xe_frontend *fe, const char *uuid,
                               int64_t *ret, struct xapi_error *err)
{
    store_record *rec = NULL;
    struct ops_ctx *ops;
    pool *p = NULL;
    int r;

    r = xe_frontend_ops(fe, &ops, err);
    if (r < 0)
        return r;
    r = store_get(ops->st, "network_sriov", uuid, &rec);
    store_record_free(rec);
    if (r == -ENOENT) {
        r = xe_frontend_pool(fe, &p, err);
        if (r < 0)
            return r;
        /* Another host's: its own figure, from its mirror. */
        r = r > 0 ? pool_sriov_capacity(p, uuid, ret) : -ENOENT;
        if (r >= 0)
            return r;
        if (r != -ENOENT)
            return xapi_error_set(err, r, XE_ERR_FAILURE,
                                  pool_last_error(p), NULL);
    }
    return ops_network_sriov_remaining_capacity(ops, uuid, ret, err);
}

int xe_frontend_list(struct xe_frontend *fe, const char *cls,
                     store_record ***ret, size_t *n, struct xapi_error *err)
{
    struct ops_ctx *ops;
    pool *p = NULL;
    int r;

    r = xe_frontend_pool(fe, &p, err);
    if (r < 0)
        return r;
    /* etcd failed once in this command: not asked again (a member
     * without quorum answers after its timeout). */
    if (r > 0 && !fe->pool_warned &&
        (pool_class_mirrored(cls) || strcmp(cls, "pool") == 0)) {
        r = pool_list(p, cls, ret, n);
        if (r >= 0)
            return r;
        if (!fe->pool_warned)
            fprintf(stderr, "xe: the pool's view is unavailable (%s): "
                    "showing this host only\n", pool_last_error(p));
        fe->pool_warned = true;
    }
    r = xe_frontend_ops(fe, &ops, err);
    if (r < 0)
        return r;
    r = store_list(fe->st, cls, NULL, 0, STORE_LIST_SKIP_INVALID, ret, n);
    if (r < 0)
        return xapi_error_internal(err, r, "%s", store_last_error(fe->st));
    return r;
}

char *xe_frontend_describe(void *userdata, const char *value)
{
    static const char *const named[] = { "network", "host" };
    struct xe_frontend *fe = userdata;
    size_t plen = strlen(OPS_REF_PREFIX);
    const char *uuid;
    char *ret;

    if (!value || strncmp(value, OPS_REF_PREFIX, plen) != 0)
        return NULL;
    uuid = value + plen;
    for (size_t i = 0; fe && fe->st && i < ELEMENTSOF(named); i++) {
        store_record *r = NULL;

        if (!schema_uuid_valid(uuid) ||
            store_get(fe->st, named[i], uuid, &r) < 0)
            continue;
        if (asprintf(&ret, "%s (%s)", uuid,
                     store_record_get(r, SF_name_label)) < 0)
            ret = NULL;
        store_record_free(r);
        return ret;
    }
    return strdup(uuid);
}
