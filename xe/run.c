/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run one xe command line: checks in xe's order, handler, error output. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libsriov/macro.h"
#include "xe/cli-error.h"
#include "xe/help.h"
#include "xe/run.h"
#include "ops/xapi-errors.h"

bool xe_server_is_local(const char *server, const char *hostname)
{
    static const char *const local[] = {
        "127.0.0.1", "localhost", "::1", "[::1]",
    };

    if (!server)
        return true;
    for (size_t i = 0; i < ELEMENTSOF(local); i++)
        if (strcasecmp(server, local[i]) == 0)
            return true;
    return hostname && *hostname && strcasecmp(server, hostname) == 0;
}

static int ignored_mode(const struct xe_args *args, bool *warn,
                        struct xapi_error *err)
{
    const char *v = xe_args_peek(args, "report-ignored-params");

    *warn = false;
    if (!v || streq_ptr(v, "ignore"))
        return 0;
    if (streq_ptr(v, "warn")) {
        *warn = true;
        return 0;
    }
    return xe_failf(err, "Failed to parse parameter 'report-ignored-params': "
                 "expecting 'warn' or 'ignore', got '%s'", v);
}

static void report_ignored(const struct xe_env *env,
                           const struct xe_command *c,
                           const struct xe_args *args)
{
    if (c->op == XE_OP_LIST || c->op == XE_OP_PARAM_ADD)
        return;             /* every parameter is a filter / map entry */
    for (size_t i = 0; i < args->n_params; i++) {
        const struct xe_param *p = &args->params[i];

        if (p->used || xe_is_std_param(p->key) ||
            xe_command_declares(c, p->key))
            continue;
        fprintf(env->err, "Ignored parameter: %s\n", p->key);
    }
}

static int run_command(const struct xe_env *env,
                       const struct xe_cmdtable *table, struct xe_args *args,
                       struct xe_printer *p, struct xapi_error *err)
{
    const struct xe_command *c;
    struct xe_call call;
    bool warn = false;
    int r;

    c = xe_cmdtable_find(table, args->cmd);
    if (!c)
        return xapi_error_set(err, -EINVAL, XE_ERR_UNKNOWN_COMMAND,
                              args->cmd, NULL);
    for (char **k = c->reqd; *k; k++)
        if (!xe_args_peek(args, *k))
            return xapi_error_set(err, -EINVAL, XE_ERR_PARAM_NOT_FOUND, *k,
                                  NULL);
    /* A parameter given twice: the first wins (xe's List.assoc). */
    r = ignored_mode(args, &warn, err);
    if (r < 0)
        return r;
    if ((c->flags & XE_CMD_CHANGES_STATE) && !env->is_root) {
        _cleanup_free_ char *msg = NULL;

        if (asprintf(&msg, "%s changes the host: run it as root (uid 0), "
                     "for example with sudo", c->name) < 0)
            return xapi_error_internal(err, -ENOMEM, "out of memory");
        r = xapi_error_set(err, -EPERM, XAPI_USER_IS_NOT_LOCAL_SUPERUSER,
                           msg, NULL);
    } else if (!c->handler) {
        r = xapi_error_set(err, -ENOSYS, XAPI_NOT_IMPLEMENTED, c->name,
                           NULL);
    } else {
        call = (struct xe_call){ c, args, p, err, env->userdata };
        r = c->handler(&call);
        if (r < 0 && !xapi_error_is_set(err))
            xapi_error_internal(err, r, "%s: %s", c->name, strerror(-r));
    }
    if (warn)
        report_ignored(env, c, args);
    return r;
}

static int parse_minimal(const struct xe_args *args, bool *minimal,
                         struct xapi_error *err)
{
    const char *v = xe_args_peek(args, "minimal");

    *minimal = false;
    if (!v || streq_ptr(v, "false"))
        return 0;
    if (streq_ptr(v, "true")) {
        *minimal = true;
        return 0;
    }
    return xe_failf(err, "Failed to parse parameter 'minimal': expecting a "
                 "boolean (true or false), got '%s'", v);
}

int xe_run(const struct xe_env *env, int argc, char *const *argv)
{
    struct xe_args args = XE_ARGS_INIT;
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xe_printer p;
    const struct xe_cmdtable *table = env->table;
    struct xe_cmdtable *own = NULL;
    bool minimal = false, printer = false;
    int r, status = 1;

    r = xe_args_parse(&args, argc, argv, env->extra_args, &err);
    if (r < 0)
        goto fail;
    if (args.want_version) {
        fprintf(env->out, "xe (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
        status = 0;
        goto out;
    }
    if (args.want_usage || !args.cmd) {
        xe_usage(env->err, env->argv0);
        status = 0;
        goto out;
    }
    if (!xe_server_is_local(args.server, env->hostname)) {
        r = xe_failf(&err, "cannot manage %s from here: this xe manages the "
                  "host it runs on; run it there, without -s", args.server);
        goto fail;
    }
    r = parse_minimal(&args, &minimal, &err);
    if (r < 0)
        goto fail;
    xe_printer_init(&p, env->out, env->err, minimal);
    printer = true;
    if (!table) {
        r = xe_cmdtable_new_for(&own, env->handlers, env->generic,
                                streq_ptr(args.cmd, "help") ? NULL
                                                            : args.cmd);
        if (r < 0) {
            xapi_error_internal(&err, r, "%s", strerror(-r));
            goto fail;
        }
        table = own;
    }
    if (streq_ptr(args.cmd, "help")) {
        r = xe_help(table, &args, &p);
        if (r < 0) {
            xapi_error_internal(&err, r, "help: %s", strerror(-r));
            goto fail;
        }
    } else {
        const struct xe_command *c = xe_cmdtable_find(table, args.cmd);
        int fwd = 0, fstatus = 1;

        /* In a pool, another host's object: that host runs it. */
        if (c && env->forward && env->is_root &&
            (c->flags & XE_CMD_CHANGES_STATE))
            fwd = env->forward(env->userdata, &args, argc, argv, env->out,
                               env->err, &fstatus, &err);
        if (fwd < 0) {
            r = fwd;
            goto fail;
        }
        if (fwd > 0) {
            status = fstatus;
            goto out;
        }
        r = run_command(env, table, &args, &p, &err);
        if (r < 0)
            goto fail;
    }
    r = xe_printer_flush(&p);
    if (r < 0) {
        fprintf(env->err, "Error: cannot write the output: %s\n",
                strerror(-r));
        goto out;
    }
    status = 0;
    goto out;
fail:
    /* xe prints nothing of a --minimal buffer when the command fails. */
    if (printer) {
        xe_printer_done(&p);
        fflush(env->out);
    }
    xe_error_print(env->err, &err, env->describe, env->userdata);
    if (streq_ptr(err.code, XE_ERR_USAGE))
        xe_usage(env->err, env->argv0);
out:
    if (printer)
        xe_printer_done(&p);
    fflush(env->err);
    xapi_error_clear(&err);
    xe_args_done(&args);
    xe_cmdtable_free(own);
    return status;
}
