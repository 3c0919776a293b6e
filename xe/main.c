/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xe: the xen-sriov front end with xe's syntax, output and errors. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <sriov/sriov.h>

#include "libsriov/macro.h"
#include "xe/frontend.h"
#include "xe/run.h"

#ifdef XEN_SRIOV_TEST_HOOKS
/*
 * Test only (docs/xe.md): XEN_SRIOV_TEST_KILL_AT=<step> kills xe with
 * SIGKILL at that step of a multi-step operation, to show what a crash
 * there leaves behind.
 */
static void kill_at(void *userdata, const char *step)
{
    if (streq_ptr(userdata, step))
        raise(SIGKILL);
}

/* The test hooks (./configure --enable-test-hooks only). */
static void test_hooks(struct xe_frontend *fe)
{
    const char *step, *uuids;

    step = secure_getenv("XEN_SRIOV_TEST_KILL_AT");
    if (step && *step) {
        fe->ops.step = kill_at;
        fe->ops.step_userdata = (void *)step;
    }
    /* The host name the host record gets. */
    fe->ops.hostname = secure_getenv("XEN_SRIOV_TEST_HOSTNAME");
    /* vif-plug/-unplug reserve and record, as xen-sriovd --dry-run,
     * without libxl (docs/plugin.md). */
    fe->plugin_dry_run = secure_getenv("XEN_SRIOV_TEST_DRY_RUN") != NULL;
    uuids = secure_getenv("XEN_SRIOV_TEST_UUIDS");
    if (uuids && *uuids) {
        fe->ops.new_uuid = ops_test_pinned_uuid;
        fe->ops.uuid_userdata = (void *)uuids;
    }
}
#else
static void test_hooks(struct xe_frontend *fe)
{
    (void)fe;
}
#endif

int main(int argc, char **argv)
{
    struct xe_frontend fe;
    sriov_ctx *ctx = NULL;
    struct xe_env env;
    char hostname[256] = "", caller[64];
    const char *root;
    int r, status;

    root = secure_getenv("SRIOV_ROOT");
    r = sriov_ctx_new(&ctx);
    if (r >= 0 && root && *root)
        r = sriov_ctx_set_root(ctx, root);
    if (r < 0) {
        fprintf(stderr, "Error: cannot use SRIOV_ROOT: %s\n",
                ctx ? sriov_ctx_last_error(ctx) : strerror(-r));
        sriov_ctx_free(ctx);
        return 1;
    }
    snprintf(caller, sizeof(caller), "xe uid=%u", (unsigned)geteuid());
    r = xe_frontend_init(&fe, ctx, root, caller);
    if (r < 0) {
        fprintf(stderr, "Error: %s\n", strerror(-r));
        xe_frontend_done(&fe);
        sriov_ctx_free(ctx);
        return 1;
    }
    test_hooks(&fe);
    if (gethostname(hostname, sizeof(hostname) - 1) < 0)
        hostname[0] = '\0';
    env = (struct xe_env){
        .out = stdout,
        .err = stderr,
        .argv0 = argc > 0 ? argv[0] : "xe",
        .extra_args = secure_getenv("XE_EXTRA_ARGS"),
        .hostname = hostname,
        .is_root = geteuid() == 0,
        .handlers = xe_handlers,
        .generic = xe_generic_handlers,
        .describe = xe_frontend_describe,
        .userdata = &fe,
        .forward = xe_frontend_forward,
    };
    status = xe_run(&env, argc, argv);
    xe_frontend_done(&fe);
    sriov_ctx_free(ctx);
    return status;
}
