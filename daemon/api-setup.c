/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The XenAPI classes and calls xen-sriovd serves, registered before its
 * endpoint listens (xapi_daemon_run's setup; docs/xenapi.md), and the
 * event feed from the store's xenstore watch. */
#include <stdlib.h>

#include "daemon/sriovd.h"

/* VIF.plug and VIF.unplug: the plugin, as xe vif-plug and vif-unplug
 * run it (xe/cmd-vif-plug.c), on a handle of the call's own. */
static int vif_plug(void *userdata, const char *vif_uuid, bool plug,
                    bool force, struct xapi_error *err)
{
    const struct sriovd_options *o = userdata;
    struct plugin_opts po = o->plugin;
    plugin *p = NULL;
    int r;

    po.log = sriovd_plugin_log;
    r = ops_plugin_new(&p, &po, err);
    if (r >= 0)
        r = plug ? ops_plugin_vif_plug(p, vif_uuid, err)
                 : ops_plugin_vif_unplug(p, vif_uuid, force, err);
    plugin_free(p);
    return r;
}

void sriovd_xstore_options(const struct sriovd_options *o,
                           struct xapi_store_options *so)
{
    *so = (struct xapi_store_options){ .root = o->plugin.root,
                                       .no_xen = o->plugin.dry_run,
                                       .vif_plug = vif_plug,
                                       .plug_userdata = (void *)o };
#ifdef XEN_SRIOV_TEST_HOOKS
    /* Test only, as xe's (docs/xe.md): the host record's name and pinned
     * uuids for golden outputs (./configure --enable-test-hooks). */
    const char *uuids = secure_getenv("XEN_SRIOV_TEST_UUIDS");

    so->hostname = secure_getenv("XEN_SRIOV_TEST_HOSTNAME");
    if (uuids && *uuids) {
        so->new_uuid = ops_test_pinned_uuid;
        so->uuid_userdata = (void *)uuids;
    }
#endif
}

int sriovd_api_setup(struct xapi *api, void *userdata)
{
    struct sriovd_options *o = userdata;
    struct xapi_store_options so;
    int r;

    sriovd_xstore_options(o, &so);
    r = xapi_store_new(&o->xstore, api, &so);
    if (r < 0)
        return r;
    return xapi_store_feed_start(o->xstore);
}

void sriovd_api_teardown(struct xapi *api, void *userdata)
{
    struct sriovd_options *o = userdata;

    o->xstore = xapi_store_free(o->xstore);
}
