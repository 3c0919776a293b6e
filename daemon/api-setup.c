/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The XenAPI classes and calls xen-sriovd serves, registered before its
 * endpoint listens (xapi_daemon_run's setup; docs/xenapi.md), and the
 * event feed from the store's xenstore watch. */
#include <stdlib.h>

#include "daemon/sriovd.h"

void sriovd_xstore_options(const struct sriovd_options *o,
                           struct xapi_store_options *so)
{
    *so = (struct xapi_store_options){ .root = o->plugin.root,
                                       .no_xen = o->plugin.dry_run };
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
