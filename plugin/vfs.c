/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VFs of a PF: the store's records joined with what sysfs shows, and
 * why each free one can or cannot be given (remaining-capacity). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/internal.h"

void plugin_vf_status_free(struct plugin_vf_status *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i].unusable);
    free(v);
}

static int cmp_status(const void *a, const void *b)
{
    const struct plugin_vf_status *x = a, *y = b;

    return strcmp(x->bdf, y->bdf);
}

/* Why a free VF cannot be given, or NULL. */
static char *unusable_reason(plugin *p, sriov_host *h, const char *bdf,
                             char *const *same_domain, bool *iommu)
{
    enum plugin_iommu_verdict v;
    const char *busy;
    char why[1024];
    sriov_vf *vf;

    if (!h)
        return strdup("its PF is not in sysfs");
    vf = sriov_host_find_vf(h, bdf);
    if (!vf)
        return strdup("not present in sysfs (the VFs were disabled or "
                      "renumbered: run 'xe pif-scan')");
    busy = sriov_vf_busy_reason(vf);
    if (busy) {
        snprintf(why, sizeof(why), "in use outside xen-sriov: %s", busy);
        return strdup(why);
    }
    v = plugin_iommu_check(p, vf, same_domain, why, sizeof(why));
    if (v == PLUGIN_IOMMU_SHARED || v == PLUGIN_IOMMU_NO_GROUP) {
        *iommu = true;
        return strdup(why);
    }
    return NULL;
}

int plugin_pf_vfs(plugin *p, const char *pf_pci, char *const *same_domain,
                  struct plugin_vf_status **ret, size_t *n)
{
    struct store_match m = { "physical_function", pf_pci };
    store_record **recs = NULL, *pf = NULL;
    struct plugin_vf_status *v = NULL;
    char pf_bdf[SRIOV_BDF_SIZE];
    sriov_host *h = NULL;
    size_t nrec = 0;
    int r;

    r = plugin_store_get(p, "PCI", pf_pci, &pf);
    if (r < 0)
        return plugin_fail_store(p, r);
    if (sriov_bdf_parse(store_record_get(pf, "pci_id"), pf_bdf) < 0) {
        r = plugin_fail(p, -EBADMSG, "PCI %s has pci_id '%s', not a PCI "
                        "address", pf_pci, store_record_get(pf, "pci_id"));
        goto out;
    }
    r = plugin_store_list(p, "PCI", &m, 1, 0, &recs, &nrec);
    if (r < 0) {
        r = plugin_fail_store(p, r);
        goto out;
    }
    /* One read of the PF and its VFs; a PF gone from sysfs makes every
     * VF unusable (reported), not the listing fail. */
    if (sriov_host_scan_device(&h, p->ctx, pf_bdf, 0) < 0)
        h = NULL;
    v = calloc(nrec + 1, sizeof(*v));
    if (!v) {
        r = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < nrec; i++) {
        struct plugin_vf_status *s = &v[i];
        const char *dom = store_record_get(recs[i], "reserved_domid");

        snprintf(s->uuid, sizeof(s->uuid), "%s",
                 store_record_uuid(recs[i]));
        if (sriov_bdf_parse(store_record_get(recs[i], "pci_id"),
                            s->bdf) < 0)
            snprintf(s->bdf, sizeof(s->bdf), "?");
        snprintf(s->reserved_by, sizeof(s->reserved_by), "%s",
                 store_record_get(recs[i], "reserved_by"));
        snprintf(s->vm, sizeof(s->vm), "%s",
                 store_record_get(recs[i], "scheduled_to_be_attached_to"));
        s->domid = dom && *dom ? strtol(dom, NULL, 10) : -1;
        if (*s->reserved_by || *s->vm)
            continue;                   /* reserved: ours, not judged */
        s->unusable = strcmp(s->bdf, "?") == 0 ?
                      strdup("its pci_id is not a PCI address") :
                      unusable_reason(p, h, s->bdf, same_domain,
                                      &s->iommu_refused);
    }
    qsort(v, nrec, sizeof(*v), cmp_status);
    *ret = TAKE_PTR(v);
    *n = nrec;
    r = 0;
out:
    plugin_vf_status_free(v, nrec);
    sriov_host_free(h);
    store_record_list_free(recs, nrec);
    store_record_free(pf);
    return r;
}

int plugin_network_sriov_vfs(plugin *p, const char *network_sriov,
                             struct plugin_vf_status **ret, size_t *n)
{
    store_record *ns = NULL, *pif = NULL;
    const char *pci;
    int r;

    r = plugin_store_get(p, "network_sriov", network_sriov, &ns);
    if (r >= 0)
        r = plugin_store_get(p, "PIF", store_record_get(ns, "physical_PIF"),
                      &pif);
    if (r < 0) {
        r = plugin_fail_store(p, r);
        goto out;
    }
    pci = store_record_get(pif, "PCI");
    if (!pci || !*pci) {
        r = plugin_fail(p, -ENOENT, "PIF %s of network-sriov %s has no PCI "
                        "record: run 'xe pif-scan'", store_record_uuid(pif),
                        network_sriov);
        goto out;
    }
    r = plugin_pf_vfs(p, pci, NULL, ret, n);
out:
    store_record_free(ns);
    store_record_free(pif);
    return r;
}

int plugin_network_sriov_capacity(plugin *p, const char *network_sriov,
                                  unsigned *ret)
{
    struct plugin_vf_status *v = NULL;
    unsigned free_vfs = 0;
    size_t n = 0;
    int r;

    r = plugin_network_sriov_vfs(p, network_sriov, &v, &n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++)
        if (!*v[i].reserved_by && !*v[i].vm && !v[i].unusable)
            free_vfs++;
    plugin_vf_status_free(v, n);
    *ret = free_vfs;
    return 0;
}
