/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xe: the xen-sriov front end with xe's syntax, output and errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sriov/sriov.h>

#include "libsriov/macro.h"
#include "xe-ext/cli/run.h"

/*
 * What handlers get as xe_call.userdata: the library context, its root set
 * from SRIOV_ROOT.  The store handle joins it when the store lands.
 */
struct xe_frontend {
    sriov_ctx *ctx;
};

int main(int argc, char **argv)
{
    struct xe_frontend fe = { NULL };
    struct xe_cmdtable *table = NULL;
    struct xe_env env;
    char hostname[256] = "";
    const char *root;
    int r, status;

    r = sriov_ctx_new(&fe.ctx);
    if (r >= 0) {
        root = secure_getenv("SRIOV_ROOT");
        if (root && *root)
            r = sriov_ctx_set_root(fe.ctx, root);
    }
    if (r < 0) {
        fprintf(stderr, "Error: cannot use SRIOV_ROOT: %s\n",
                fe.ctx ? sriov_ctx_last_error(fe.ctx) : strerror(-r));
        sriov_ctx_free(fe.ctx);
        return 1;
    }
    r = xe_cmdtable_new(&table, xe_handlers, xe_generic_handlers);
    if (r < 0) {
        fprintf(stderr, "Error: %s\n", strerror(-r));
        sriov_ctx_free(fe.ctx);
        return 1;
    }
    if (gethostname(hostname, sizeof(hostname) - 1) < 0)
        hostname[0] = '\0';
    env = (struct xe_env){
        .out = stdout,
        .err = stderr,
        .argv0 = argc > 0 ? argv[0] : "xe",
        .extra_args = secure_getenv("XE_EXTRA_ARGS"),
        .hostname = hostname,
        .is_root = geteuid() == 0,
        .table = table,
        .describe = NULL,
        .userdata = &fe,
    };
    status = xe_run(&env, argc, argv);
    xe_cmdtable_free(table);
    sriov_ctx_free(fe.ctx);
    return status;
}
