/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Handlers of the generated commands: <class>-list, -param-*. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/macro.h"
#include "xe/commands.h"
#include "xe/frontend.h"
#include "xe/generic.h"

/*
 * The host record is made on first use; `xe host-list` is how one finds
 * the uuid pif-scan wants, so host commands make it too (when they may
 * write: a failure here only means there is nothing to show yet).
 */
static void ensure_host(struct xe_call *call)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct ops_ctx *ops;
    char uuid[37];

    /* The machine's facts too (ops_host_refresh), for host commands
     * only: the other classes' commands do not read the host. */
    if ((call->cmd->cls != &xe_class_host &&
         call->cmd->cls != &xe_class_pool) ||
        xe_frontend_ops(call->userdata, &ops, &err) < 0 ||
        ops_host_ensure(ops, uuid, &err) < 0 ||
        (call->cmd->cls == &xe_class_host &&
         ops_host_refresh(ops, uuid, &err) < 0))
        xapi_error_clear(&err);
}

/* Whether a *-list has a filter (anything but params=, --minimal...). */
static bool filtered(const struct xe_args *args)
{
    for (size_t i = 0; i < args->n_params; i++) {
        const char *k = args->params[i].key;

        if (!streq_ptr(k, "params") && !xe_is_std_param(k) &&
            strncmp(k, "database:", 9) != 0)
            return true;
    }
    return false;
}

int xe_cmd_list(struct xe_call *call)
{
    struct xe_records recs = { 0 };
    int r;

    ensure_host(call);
    r = xe_read_records(call->userdata, call->cmd->cls, NULL, &recs,
                        call->err);
    if (r < 0)
        return r;
    r = xe_generic_list(call->cmd->cls, recs.v, recs.n, call->args,
                        call->printer, call->err);
    /* What the records cannot show (a VM without uuid, and why), on an
     * unfiltered list. */
    for (size_t j = 0; r >= 0 && !filtered(call->args) && recs.notes &&
                       recs.notes[j]; j++)
        xe_print_stderr(call->printer, recs.notes[j]);
    xe_records_free(&recs);
    return r;
}

/* The one object uuid= names. */
static int read_one(struct xe_call *call, struct xe_records *recs)
{
    const char *uuid = xe_args_get(call->args, "uuid");

    ensure_host(call);
    return xe_read_records(call->userdata, call->cmd->cls, uuid, recs,
                           call->err);
}

int xe_cmd_param_list(struct xe_call *call)
{
    struct xe_records recs = { 0 };
    int r;

    r = read_one(call, &recs);
    if (r >= 0)
        r = xe_generic_param_list(recs.v[0], call->printer, call->err);
    xe_records_free(&recs);
    return r;
}

int xe_cmd_param_get(struct xe_call *call)
{
    struct xe_records recs = { 0 };
    int r;

    r = read_one(call, &recs);
    if (r >= 0)
        r = xe_generic_param_get(recs.v[0], call->args, call->printer,
                                 call->err);
    xe_records_free(&recs);
    return r;
}

typedef int (*plan_fn)(struct xe_record *rec, struct xe_args *args,
                       struct xe_plan *ret, struct xapi_error *err);

/* Check the request against the record, then apply it in one go. */
static int change(struct xe_call *call, plan_fn plan)
{
    static const enum ops_change_op ops_of[] = {
        [XE_CHANGE_SET] = OPS_SET,
        [XE_CHANGE_MAP_PUT] = OPS_MAP_PUT,
        [XE_CHANGE_MAP_ADD] = OPS_MAP_ADD,
        [XE_CHANGE_MAP_REMOVE] = OPS_MAP_REMOVE,
        [XE_CHANGE_SET_ADD] = OPS_SET_ADD,
        [XE_CHANGE_SET_REMOVE] = OPS_SET_REMOVE,
    };
    struct xe_records recs = { 0 };
    struct xe_plan p = XE_PLAN_INIT;
    _cleanup_free_ struct ops_change *c = NULL;
    struct ops_ctx *ops;
    int r;

    r = read_one(call, &recs);
    if (r >= 0)
        r = plan(recs.v[0], call->args, &p, call->err);
    if (r >= 0)
        r = xe_frontend_ops(call->userdata, &ops, call->err);
    if (r >= 0 && p.n) {
        c = calloc(p.n, sizeof(*c));
        if (!c)
            r = xapi_error_internal(call->err, -ENOMEM, "out of memory");
        for (size_t i = 0; r >= 0 && i < p.n; i++)
            c[i] = (struct ops_change){ ops_of[p.changes[i].op],
                                        p.changes[i].field->api_field,
                                        p.changes[i].key,
                                        p.changes[i].value };
        if (r >= 0)
            r = ops_apply_changes(ops, call->cmd->cls->api_class,
                                  xe_args_peek(call->args, "uuid"), c, p.n,
                                  call->err);
    }
    xe_plan_done(&p);
    xe_records_free(&recs);
    return r;
}

int xe_cmd_param_set(struct xe_call *call)
{
    return change(call, xe_plan_param_set);
}

int xe_cmd_param_add(struct xe_call *call)
{
    return change(call, xe_plan_param_add);
}

int xe_cmd_param_remove(struct xe_call *call)
{
    return change(call, xe_plan_param_remove);
}

int xe_cmd_param_clear(struct xe_call *call)
{
    return change(call, xe_plan_param_clear);
}
