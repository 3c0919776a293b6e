/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* remaining-capacity: which VFs of a network-sriov can be given, and why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops-internal.h"

/* The VM whose other_config:pci lists bdf, or NULL. */
static const char *listed_by(const struct ops_records *vms, const char *bdf)
{
    for (size_t k = 0; k < vms->n; k++) {
        const char *l = store_record_map_get(vms->v[k], SF_other_config,
                                             "pci");

        if (l && schema_pci_list_has(l, bdf))
            return store_record_uuid(vms->v[k]);
    }
    return NULL;
}

/* Why vf (with its record rec, may be NULL) cannot be given, or "". */
static void judge(sriov_vf *vf, const store_record *rec,
                  const struct ops_records *vms, struct ops_vf_status *s)
{
    const char *owner = listed_by(vms, sriov_vf_bdf(vf));
    const char *busy = sriov_vf_busy_reason(vf);
    const char *vif = ops__get(rec, SF_reserved_by);
    const char *vm = ops__get(rec, SF_scheduled_to_be_attached_to);
    int group = sriov_vf_iommu_group(vf);

    s->reason[0] = '\0';
    if (*vif)
        snprintf(s->reason, sizeof(s->reason), "reserved for VIF %s "
                 "(domid %s)", vif, ops__get(rec, SF_reserved_domid));
    else if (*vm)
        snprintf(s->reason, sizeof(s->reason), "scheduled for VM %s", vm);
    else if (owner)
        snprintf(s->reason, sizeof(s->reason), "in the other-config:pci of "
                 "VM %s: passed through to it, never a VIF's", owner);
    else if (busy)
        snprintf(s->reason, sizeof(s->reason), "in use outside xen-sriov: "
                 "%s", busy);
    else if (group < 0 && sriov_pf_iommu_group(sriov_vf_pf(vf)) >= 0)
        snprintf(s->reason, sizeof(s->reason), "no IOMMU group: the IOMMU "
                 "does not cover this VF, passthrough is impossible");
    /* No group anywhere: a Xen dom0 (Xen owns the IOMMU, Linux sees
     * none; seen in the Xen system test).  The plugin asks Xen when it
     * gives the VF (docs/plugin.md); counted here. */
    else if (group >= 0 && sriov_vf_iommu_group_size(vf) > 1)
        snprintf(s->reason, sizeof(s->reason), "IOMMU group %d is shared "
                 "with %u other device(s): it cannot be passed through "
                 "alone", group, sriov_vf_iommu_group_size(vf) - 1);
    s->usable = s->reason[0] == '\0';
}

int ops_network_sriov_diagnose(struct ops_ctx *ops, const char *uuid,
                               struct ops_vf_status **ret, size_t *n,
                               struct xapi_error *err)
{
    _cleanup_record_ store_record *ns = NULL, *pif = NULL, *pci = NULL;
    _cleanup_records_ struct ops_records vfs = { 0 }, vms = { 0 };
    _cleanup_free_ struct ops_vf_status *v = NULL;
    struct store_match m = { SF_physical_function, "" };
    sriov_host *h = NULL;
    sriov_pf *pf;
    unsigned count;
    int r;

    r = ops_lookup(ops, "network_sriov", uuid, &ns, err);
    if (r < 0)
        return r;
    r = store_get(ops->st, "PIF", ops__get(ns, SF_physical_PIF), &pif);
    if (r >= 0)
        r = store_get(ops->st, "PCI", ops__get(pif, SF_PCI), &pci);
    if (r < 0)
        return ops__store_fail(ops, r, err);
    m.value = store_record_uuid(pci);
    r = store_list(ops->st, "PCI", &m, 1, STORE_LIST_SKIP_INVALID, &vfs.v,
                   &vfs.n);
    if (r >= 0)
        r = store_list(ops->st, "VM", NULL, 0, STORE_LIST_SKIP_INVALID,
                       &vms.v, &vms.n);
    if (r < 0)
        return ops__store_fail(ops, r, err);
    r = sriov_host_scan_device(&h, ops->sriov, ops__get(pci, SF_pci_id), 0);
    if (r < 0)
        return xapi_error_internal(err, r, "%s",
                                   sriov_ctx_last_error(ops->sriov));
    pf = sriov_host_pf(h, 0);
    count = sriov_pf_vf_count(pf);
    v = calloc(count + 1, sizeof(*v));
    if (!v) {
        sriov_host_free(h);
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    }
    for (unsigned i = 0; i < count; i++) {
        sriov_vf *vf = sriov_pf_vf(pf, i);
        const store_record *rec = NULL;

        snprintf(v[i].pci_id, sizeof(v[i].pci_id), "%s", sriov_vf_bdf(vf));
        for (size_t k = 0; k < vfs.n && !rec; k++)
            if (strcmp(ops__get(vfs.v[k], SF_pci_id), v[i].pci_id) == 0)
                rec = vfs.v[k];
        if (rec)
            memcpy(v[i].pci_uuid, store_record_uuid(rec), 37);
        judge(vf, rec, &vms, &v[i]);
        /* xen-sriovd gives only VFs with a record (an interrupted create
         * leaves none until it is finished). */
        if (v[i].usable && !rec) {
            v[i].usable = false;
            snprintf(v[i].reason, sizeof(v[i].reason), "no PCI record yet "
                     "(an interrupted network-sriov-create): run any xe "
                     "command as root, xe pif-scan, or xen-sriov-restore");
        }
    }
    sriov_host_free(h);
    *ret = TAKE_PTR(v);
    *n = count;
    return 0;
}

int ops_network_sriov_remaining_capacity(struct ops_ctx *ops,
                                         const char *uuid, int64_t *ret,
                                         struct xapi_error *err)
{
    _cleanup_free_ struct ops_vf_status *v = NULL;
    size_t n = 0;
    int64_t usable = 0;
    int r;

    r = ops_network_sriov_diagnose(ops, uuid, &v, &n, err);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++)
        usable += v[i].usable;
    *ret = usable;
    return 0;
}
