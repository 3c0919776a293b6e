/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A VF onto pciback and back to its driver, through libsriov. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "plugin/internal.h"

int plugin_pciback_take(plugin *p, const char *bdf)
{
    int r = sriov_pci_bind(p->ctx, bdf, SRIOV_PCIBACK_DRIVER, NULL);

    if (r == -ENOENT)
        return plugin_fail(p, r, "%s: load xen-pciback (modprobe "
                           "xen-pciback) in dom0", sriov_ctx_last_error(
                           p->ctx));
    return r < 0 ? plugin_fail_sriov(p, r) : 0;
}

int plugin_pciback_give_back(plugin *p, const char *bdf, const char *driver)
{
    _cleanup_free_ char *cur = NULL;
    int r;

    r = sriov_pci_get_driver(p->ctx, bdf, &cur);
    if (r == -ENODEV)
        return 0;                   /* the VF is gone: nothing to give */
    if (r < 0)
        return plugin_fail_sriov(p, r);
    if (driver && *driver)
        r = streq_ptr(cur, driver) ? 0 :
            sriov_pci_bind(p->ctx, bdf, driver, NULL);
    else if (streq_ptr(cur, SRIOV_PCIBACK_DRIVER))
        r = sriov_pci_unbind(p->ctx, bdf, NULL);
    if (r < 0) {
        /* The VF is usable again once a driver takes it: not fatal for
         * the release, but worth the admin's attention. */
        plugin_log(p, LOG_WARNING, "VF %s not given back to %s: %s", bdf,
                   driver && *driver ? driver : "no driver",
                   sriov_ctx_last_error(p->ctx));
        return plugin_fail_sriov(p, r);
    }
    return 0;
}
