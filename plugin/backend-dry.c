/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --dry-run: reserve, check and record, but touch nothing on the host (no
 * libxl, no rtnetlink, no sysfs write).  Each skipped action is logged. */
#include <errno.h>
#include <syslog.h>

#include "plugin/internal.h"

static int dry_host_caps(plugin *p, struct plugin_host_caps *ret)
{
    ret->passthrough = -1;
    ret->intremap = -1;
    return 0;
}

static int dry_iommu_group(plugin *p, const char *bdf, char ***ret)
{
    return plugin_fail(p, -EOPNOTSUPP, "dry-run");
}

static int dry_vf_get(plugin *p, const char *pf_ifname, unsigned vf,
                      sriov_vf_config *ret)
{
    sriov_vf_config none = SRIOV_VF_CONFIG_INIT;

    *ret = none;                    /* nothing read, nothing to restore */
    return 0;
}

static int dry_vf_apply(plugin *p, const char *pf_ifname, unsigned vf,
                        const sriov_vf_config *cfg, unsigned *failed)
{
    plugin_log(p, LOG_INFO, "dry-run: would set VF %u of %s", vf,
               pf_ifname);
    *failed = 0;
    return 0;
}

static int dry_assignable_add(plugin *p, const char *bdf)
{
    plugin_log(p, LOG_INFO, "dry-run: would make %s assignable", bdf);
    return 0;
}

static int dry_assignable_remove(plugin *p, const char *bdf,
                                 const char *driver)
{
    plugin_log(p, LOG_INFO, "dry-run: would give %s back to %s", bdf,
               driver && *driver ? driver : "no driver");
    return 0;
}

static int dry_pci_attach(plugin *p, unsigned domid, const char *bdf)
{
    plugin_log(p, LOG_INFO, "dry-run: would attach %s to domain %u", bdf,
               domid);
    return 0;
}

static int dry_pci_detach(plugin *p, unsigned domid, const char *bdf,
                          bool force)
{
    plugin_log(p, LOG_INFO, "dry-run: would detach %s from domain %u", bdf,
               domid);
    return 0;
}

const struct plugin_backend plugin_backend_dry = {
    .name = "dry-run",
    .host_caps = dry_host_caps,
    .iommu_group = dry_iommu_group,
    .vf_get = dry_vf_get,
    .vf_apply = dry_vf_apply,
    .assignable_add = dry_assignable_add,
    .assignable_remove = dry_assignable_remove,
    .pci_attach = dry_pci_attach,
    .pci_detach = dry_pci_detach,
};
