/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Virtual functions: reading one from sysfs, and its getters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/host-internal.h"

#define ATTR_SIZE 256

void sriov__vf_dispose(sriov_vf *vf)
{
    if (!vf)
        return;
    free(vf->driver);
    sriov__netdev_free(vf->netdev);
    free(vf->device_name);
    vf->driver = NULL;
    vf->netdev = NULL;
    vf->device_name = NULL;
}

bool sriov__driver_is_passthrough(const char *driver)
{
    static const char *const drivers[] = {
        "pciback", "xen-pciback", "vfio-pci", "pci-stub",
    };

    if (!driver)
        return false;
    for (size_t i = 0; i < ELEMENTSOF(drivers); i++)
        if (strcmp(driver, drivers[i]) == 0)
            return true;
    return false;
}

/*
 * Syscalls per VF matter on hosts with thousands of VFs, so a VF costs:
 * its PF's virtfnN readlink, readlink driver, readlink iommu_group, and
 * its interface from one /sys/class/net listing for the whole host
 * (about one readlink per interface).  Only without an IOMMU group one
 * more check that the VF still exists.  All relative to open directories.
 */
int sriov__vf_read(sriov_pf *pf, int dfd, const char *dpath, unsigned index,
                   const char *bdf, sriov_vf *vf)
{
    sriov_ctx *ctx = pf->host->ctx;
    char rel[SRIOV_BDF_SIZE + 32], buf[ATTR_SIZE];
    int r;

    memset(vf, 0, sizeof(*vf));
    vf->pf = pf;
    vf->index = index;
    vf->iommu_group = -1;
    memcpy(vf->bdf, bdf, SRIOV_BDF_SIZE);

    snprintf(rel, sizeof(rel), "%s/driver", bdf);
    r = sriov__readlink_at(ctx, dfd, dpath, rel, buf, sizeof(buf));
    if (r >= 0 && !(vf->driver = strdup(sriov__basename(buf))))
        return -ENOMEM;

    /* Only a network driver gives a VF an interface: skip the lookup for
     * unbound VFs and for pciback/vfio-pci. */
    if (vf->driver && !sriov__driver_is_passthrough(vf->driver)) {
        const char *name = NULL;

        r = sriov__netmap_lookup(pf->host, bdf, &name);
        if (r < 0) {
            /* no /sys/class/net: ask the VF's own net/ directory */
            _cleanup_strv_free_ char **names = NULL;

            snprintf(rel, sizeof(rel), "%s/net", bdf);
            if (sriov__list_at(ctx, dfd, dpath, rel, &names, NULL) == 0 &&
                names[0] && (r = sriov__netdev_new(pf->host, bdf, names[0],
                                                   &vf->netdev)) < 0)
                goto fail;
        } else if (name &&
                   (r = sriov__netdev_new(pf->host, bdf, name,
                                          &vf->netdev)) < 0)
            goto fail;
    }

    snprintf(rel, sizeof(rel), "%s/iommu_group", bdf);
    r = sriov__readlink_at(ctx, dfd, dpath, rel, buf, sizeof(buf));
    if (r >= 0)
        vf->iommu_group = sriov__iommu_group_from_link(buf);
    else {
        /* No group (no IOMMU), or the VF is gone: tell which. */
        snprintf(rel, sizeof(rel), "%s/physfn", bdf);
        r = sriov__exists_at(ctx, dfd, dpath, rel);
        if (r <= 0) {
            sriov__log_debug(ctx, "VF '%s/%s' vanished while being read, "
                             "skipping it", dpath, bdf);
            sriov__vf_dispose(vf);
            return 0;
        }
    }
    return 1;

fail:
    sriov__vf_dispose(vf);
    return r;
}

SRIOV_EXPORT unsigned sriov_vf_index(const sriov_vf *vf)
{
    return vf ? vf->index : 0;
}

SRIOV_EXPORT const char *sriov_vf_bdf(const sriov_vf *vf)
{
    return vf ? vf->bdf : NULL;
}

SRIOV_EXPORT sriov_pf *sriov_vf_pf(const sriov_vf *vf)
{
    return vf ? vf->pf : NULL;
}

SRIOV_EXPORT const char *sriov_vf_pf_bdf(const sriov_vf *vf)
{
    return vf ? vf->pf->bdf : NULL;
}

SRIOV_EXPORT uint16_t sriov_vf_vendor_id(const sriov_vf *vf)
{
    return vf ? vf->pf->vendor : 0;
}

SRIOV_EXPORT uint16_t sriov_vf_device_id(const sriov_vf *vf)
{
    return vf ? vf->pf->vf_device : 0;
}

SRIOV_EXPORT const char *sriov_vf_device_name(sriov_vf *vf)
{
    if (!vf)
        return NULL;
    if (!vf->device_name)
        vf->device_name = sriov__lookup_device_name(vf->pf->host->ctx,
                                                    vf->pf->vendor,
                                                    vf->pf->vf_device);
    return vf->device_name;
}

SRIOV_EXPORT const char *sriov_vf_driver(const sriov_vf *vf)
{
    return vf ? vf->driver : NULL;
}

SRIOV_EXPORT sriov_netdev *sriov_vf_netdev(const sriov_vf *vf)
{
    return vf ? vf->netdev : NULL;
}

SRIOV_EXPORT int sriov_vf_iommu_group(const sriov_vf *vf)
{
    return vf ? vf->iommu_group : -1;
}

SRIOV_EXPORT unsigned sriov_vf_iommu_group_size(sriov_vf *vf)
{
    const struct sriov__iommu_group *g;

    if (!vf || vf->iommu_group < 0)
        return 0;
    g = sriov__iommu_group_get(vf->pf->host, vf->iommu_group);
    return g ? g->n_members : 0;
}

SRIOV_EXPORT const char *sriov_vf_iommu_group_member(sriov_vf *vf,
                                                     unsigned i)
{
    const struct sriov__iommu_group *g;

    if (!vf || vf->iommu_group < 0)
        return NULL;
    g = sriov__iommu_group_get(vf->pf->host, vf->iommu_group);
    return g && i < g->n_members ? g->members[i] : NULL;
}

SRIOV_EXPORT const char *sriov_vf_busy_reason(const sriov_vf *vf)
{
    if (!vf)
        return NULL;
    if (vf->driver && (strcmp(vf->driver, "pciback") == 0 ||
                       strcmp(vf->driver, "xen-pciback") == 0))
        return "bound to pciback (assignable to Xen guests)";
    if (vf->driver && strcmp(vf->driver, "vfio-pci") == 0)
        return "bound to vfio-pci (passed through)";
    if (vf->netdev && sriov_netdev_is_up(vf->netdev) == 1)
        return "its dom0 interface is up";
    return NULL;
}
