/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xe vif-plug and vif-unplug: the plugin attaches or releases the VF of an
 * SR-IOV VIF on its VM's running domain (hotplug: XAPI refuses both for
 * such VIFs; xen-sriov does them, docs/plugin.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "ops/plugin-error.h"
#include "plugin/plugin.h"
#include "xe/cli-error.h"
#include "xe/commands.h"
#include "xe/frontend.h"
#include "xe/generic.h"

/* The plugin's warnings (a rate the NIC refused...) on stderr, as xe's. */
static void warn(void *userdata, int level, const char *msg)
{
    if (level <= LOG_WARNING)
        fprintf(stderr, "Warning: %s\n", msg);
}

static int open_plugin(struct xe_call *call, plugin **ret)
{
    struct xe_frontend *fe = call->userdata;
    struct plugin_opts o = {
        .root = fe->root, .dry_run = fe->plugin_dry_run,
        .log = warn, .log_level = LOG_WARNING,
    };

    return ops_plugin_new(ret, &o, call->err);
}

int xe_cmd_vif_plug(struct xe_call *call)
{
    const char *uuid = xe_args_get(call->args, "uuid");
    plugin *p = NULL;
    int r;

    r = open_plugin(call, &p);
    if (r >= 0)
        r = ops_plugin_vif_plug(p, uuid, call->err);
    plugin_free(p);
    return r;
}

int xe_cmd_vif_unplug(struct xe_call *call)
{
    const char *uuid = xe_args_get(call->args, "uuid");
    const char *force = xe_args_get(call->args, "force");
    plugin *p = NULL;
    bool forced = false;
    int r;

    if (force && xe_bool_of_string(force, &forced) < 0)
        return xe_failf(call->err, "Failed to parse parameter 'force': "
                        "expecting a boolean (true or false)");
    r = open_plugin(call, &p);
    if (r >= 0)
        r = ops_plugin_vif_unplug(p, uuid, forced, call->err);
    plugin_free(p);
    return r;
}
