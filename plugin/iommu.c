/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IOMMU checks before a VF is reserved: passthrough, interrupt remapping,
 * and the VF's IOMMU group (isolation from everything the domain does not
 * get). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "plugin/internal.h"

#define ADVICE_IOMMU "enable VT-d (Intel) or AMD-Vi in the firmware and " \
    "boot Xen with iommu=1"

/* Bridges (host, PCI-to-PCI, root ports) carry no DMA of their own: they
 * share groups with what sits behind them without harm. */
static bool is_bridge(unsigned pci_class)
{
    unsigned sub = pci_class >> 8;

    return sub == 0x0600 || sub == 0x0604;
}

enum plugin_iommu_verdict plugin_iommu_judge(
    const char *vf_bdf, int group, const struct plugin_iommu_member *members,
    size_t n, char *why, size_t why_size)
{
    size_t used = 0, bad = 0;
    char list[512] = "";

    if (group < 0 && !members) {
        snprintf(why, why_size, "VF %s has no IOMMU group, so Xen cannot "
                 "isolate it: " ADVICE_IOMMU, vf_bdf);
        return PLUGIN_IOMMU_NO_GROUP;
    }
    for (size_t i = 0; i < n; i++) {
        const struct plugin_iommu_member *m = &members[i];

        if (strcmp(m->bdf, vf_bdf) == 0 || is_bridge(m->pci_class) ||
            m->same_domain)
            continue;
        if (used < sizeof(list))
            used += snprintf(list + used, sizeof(list) - used, "%s%s "
                             "(class %06x, %s%s)", bad ? ", " : "", m->bdf,
                             m->pci_class, m->driver ? "driver " : "",
                             m->driver ? m->driver : "no driver");
        bad++;
    }
    if (!bad)
        return PLUGIN_IOMMU_OK;
    if (group >= 0)
        snprintf(why, why_size, "VF %s shares IOMMU group %d with %s, "
                 "which the domain does not get: the PCIe path lacks ACS "
                 "isolation; enable ACS in the firmware or use a slot whose "
                 "root port has it", vf_bdf, group, list);
    else
        snprintf(why, why_size, "Xen cannot isolate VF %s from %s, which "
                 "the domain does not get (no ACS, or a PCIe-to-PCI "
                 "bridge): enable ACS in the firmware or use another slot",
                 vf_bdf, list);
    return PLUGIN_IOMMU_SHARED;
}

static bool in_list(char *const *v, const char *s)
{
    for (; v && *v; v++)
        if (strcmp(*v, s) == 0)
            return true;
    return false;
}

/* Class and driver of each address, then the decision. */
static enum plugin_iommu_verdict judge_addresses(
    plugin *p, const char *vf_bdf, int group, char *const *addrs, size_t n,
    char *const *same_domain, char *why, size_t why_size)
{
    struct plugin_iommu_member *m = calloc(n + 1, sizeof(*m));
    char **drivers = calloc(n + 1, sizeof(*drivers));
    enum plugin_iommu_verdict v;

    if (!m || !drivers) {
        free(m);
        free(drivers);
        snprintf(why, why_size, "out of memory");
        return PLUGIN_IOMMU_UNKNOWN;
    }
    for (size_t i = 0; i < n; i++) {
        m[i].bdf = addrs[i];
        if (sriov_pci_get_class(p->ctx, addrs[i], &m[i].pci_class) < 0)
            m[i].pci_class = 0;
        if (sriov_pci_get_driver(p->ctx, addrs[i], &drivers[i]) < 0)
            drivers[i] = NULL;
        m[i].driver = drivers[i];
        m[i].same_domain = in_list(same_domain, addrs[i]);
    }
    v = plugin_iommu_judge(vf_bdf, group, m, n, why, why_size);
    for (size_t i = 0; i < n; i++)
        free(drivers[i]);
    free(drivers);
    free(m);
    return v;
}

/* The group Xen reports for a device (what to do where dom0 sees none);
 * what names the device in the reason ("VF " or ""). */
static enum plugin_iommu_verdict ask_xen(plugin *p, const char *what,
                                         const char *bdf,
                                         char *const *same_domain,
                                         char *why, size_t why_size)
{
    _cleanup_strv_free_ char **xen = NULL;
    size_t n = 0;
    void *state;
    int r;

    r = plugin_backend_state(p, &state);
    if (r >= 0)
        r = p->backend->iommu_group(p, bdf, &xen);
    if (r == -EOPNOTSUPP) {
        snprintf(why, why_size, "IOMMU group of %s%s not checked: dom0 "
                 "has no IOMMU groups and Xen was not asked (%s)", what, bdf,
                 p->error);
        return PLUGIN_IOMMU_UNKNOWN;
    }
    if (r == -ENODEV)
        return plugin_iommu_judge(bdf, -1, NULL, 0, why, why_size);
    if (r < 0) {
        snprintf(why, why_size, "%s", p->error);
        return PLUGIN_IOMMU_NO_GROUP;
    }
    while (xen[n])
        n++;
    return judge_addresses(p, bdf, -1, xen, n, same_domain, why, why_size);
}

enum plugin_iommu_verdict plugin_iommu_check(plugin *p, sriov_vf *vf,
                                             char *const *same_domain,
                                             char *why, size_t why_size)
{
    const char *bdf = sriov_vf_bdf(vf);
    int group = sriov_vf_iommu_group(vf);

    if (group >= 0) {
        unsigned size = sriov_vf_iommu_group_size(vf);
        char **addrs = calloc(size + 1, sizeof(*addrs));
        enum plugin_iommu_verdict v;

        if (!addrs) {
            snprintf(why, why_size, "out of memory");
            return PLUGIN_IOMMU_UNKNOWN;
        }
        for (unsigned i = 0; i < size; i++)
            addrs[i] = (char *)sriov_vf_iommu_group_member(vf, i);
        v = judge_addresses(p, bdf, group, addrs, size, same_domain, why,
                            why_size);
        free(addrs);
        return v;
    }
    if (sriov_pf_iommu_group(sriov_vf_pf(vf)) >= 0)
        /* dom0 sees IOMMU groups, but none for this VF. */
        return plugin_iommu_judge(bdf, -1, NULL, 0, why, why_size);

    /* No IOMMU groups in dom0: on Xen the hypervisor owns the IOMMU and
     * Linux never sees it (the DMAR/IVRS tables are hidden).  Ask Xen. */
    return ask_xen(p, "VF ", bdf, same_domain, why, why_size);
}

enum plugin_iommu_verdict plugin_iommu_check_device(
    plugin *p, const char *bdf, char *const *same_domain, char *why,
    size_t why_size)
{
    enum plugin_iommu_verdict v = PLUGIN_IOMMU_UNKNOWN;
    sriov_host *h = NULL;
    sriov_pf *pf;
    sriov_vf *vf;

    snprintf(why, why_size, "IOMMU group of %s not checked", bdf);
    if (sriov_host_scan(&h, p->ctx, 0) >= 0) {
        if ((vf = sriov_host_find_vf(h, bdf))) {
            v = plugin_iommu_check(p, vf, same_domain, why, why_size);
            sriov_host_free(h);
            return v;
        }
        pf = sriov_host_find_pf(h, bdf);
        if (pf && sriov_pf_iommu_group(pf) >= 0) {
            unsigned size = sriov_pf_iommu_group_size(pf);
            char **addrs = calloc(size + 1, sizeof(*addrs));

            for (unsigned i = 0; addrs && i < size; i++)
                addrs[i] = (char *)sriov_pf_iommu_group_member(pf, i);
            if (addrs)
                v = judge_addresses(p, bdf, sriov_pf_iommu_group(pf), addrs,
                                    size, same_domain, why, why_size);
            free(addrs);
            sriov_host_free(h);
            return v;
        }
        sriov_host_free(h);
    }
    /* A plain device, or no IOMMU groups in dom0: ask Xen. */
    return ask_xen(p, "", bdf, same_domain, why, why_size);
}

int plugin_host_caps(plugin *p, int *ret_passthrough, int *ret_intremap)
{
    struct plugin_host_caps caps = { -1, -1 };
    void *state;
    int r;

    r = plugin_backend_state(p, &state);
    if (r >= 0)
        r = p->backend->host_caps(p, &caps);
    if (r < 0)
        return r;
    *ret_passthrough = caps.passthrough;
    *ret_intremap = caps.intremap;
    return 0;
}

int plugin_host_check(plugin *p)
{
    struct plugin_host_caps caps = { -1, -1 };
    void *state;
    int r;

    r = plugin_backend_state(p, &state);
    if (r < 0)
        return r;
    r = p->backend->host_caps(p, &caps);
    if (r < 0)
        return r;
    if (caps.passthrough == 0)
        return plugin_fail(p, -EPERM, "Xen cannot pass PCI devices "
                           "through on this host (physinfo has no "
                           "hvm_directio): " ADVICE_IOMMU);
    if (caps.intremap == 1 || p->opts.intremap == PLUGIN_INTREMAP_IGNORE)
        return 0;
    if (caps.intremap == 0 && p->opts.intremap == PLUGIN_INTREMAP_REFUSE)
        return plugin_fail(p, -EPERM, "Xen runs without interrupt "
                           "remapping, so a guest with a VF could inject "
                           "interrupts into the host: enable it (VT-d or "
                           "AMD-Vi in the firmware, no iommu=no-intremap "
                           "on Xen's command line), or accept the risk "
                           "with xen-sriovd --intremap=warn");
    if (caps.intremap == 0)
        plugin_log(p, LOG_WARNING, "Xen runs without interrupt remapping: "
                   "a guest with a VF could inject interrupts into the "
                   "host; enable it in the firmware (VT-d or AMD-Vi) and "
                   "drop iommu=no-intremap, or refuse such hosts with "
                   "--intremap=refuse");
    else
        plugin_log(p, LOG_INFO, "cannot tell whether Xen remaps "
                   "interrupts (not in its boot messages, or dry-run)");
    return 0;
}
