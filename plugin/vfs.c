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
        _cleanup_free_ char *name = NULL;
        long dom = -1;

        /* Given to a domain by hand (the admin's `xl pci-assignable-add`
         * and pci=[...] or xl pci-attach): say which one holds it. */
        if (sriov_vf_driver(vf) && strstr(sriov_vf_driver(vf), "pciback"))
            dom = plugin_domain_holding(p, bdf, &name);
        if (dom >= 0)
            snprintf(why, sizeof(why), "in use outside xen-sriov: held by "
                     "domain %ld%s%s%s, given by hand (xl pci-attach, or "
                     "pci=[...] in its config), not through a VIF", dom,
                     name ? " (" : "", name ? name : "", name ? ")" : "");
        else
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

/* One VF record into a status (not judged). */
static void fill(struct plugin_vf_status *s, const store_record *rec)
{
    const char *dom = store_record_get(rec, SF_reserved_domid);

    snprintf(s->uuid, sizeof(s->uuid), "%s", store_record_uuid(rec));
    if (sriov_bdf_parse(store_record_get(rec, SF_pci_id), s->bdf) < 0)
        snprintf(s->bdf, sizeof(s->bdf), "?");
    snprintf(s->reserved_by, sizeof(s->reserved_by), "%s",
             store_record_get(rec, SF_reserved_by));
    snprintf(s->vm, sizeof(s->vm), "%s",
             store_record_get(rec, SF_scheduled_to_be_attached_to));
    s->domid = dom && *dom ? strtol(dom, NULL, 10) : -1;
}

void plugin_vfmap_clear(plugin *p)
{
    for (size_t i = 0; i < ELEMENTSOF(p->vfmap); i++) {
        free(p->vfmap[i].set);
        free(p->vfmap[i].v);
    }
    memset(p->vfmap, 0, sizeof(p->vfmap));
}

/*
 * The PF's VFs as (address, record) sorted by address, from a cache kept
 * while the PF's virtual_functions set is unchanged: listing every PCI
 * record costs hundreds of reads, and starting domains only needs the
 * first few free VFs.
 */
static int vfmap(plugin *p, const char *pf_pci, const char *set,
                 struct plugin_vfmap **ret)
{
    struct store_match m = { SF_physical_function, pf_pci };
    struct plugin_vfmap *c = NULL;
    store_record **recs = NULL;
    size_t nrec = 0;
    int r;

    for (size_t i = 0; i < ELEMENTSOF(p->vfmap); i++)
        if (strcmp(p->vfmap[i].pf, pf_pci) == 0) {
            c = &p->vfmap[i];
            if (c->set && strcmp(c->set, set) == 0) {
                *ret = c;
                return 0;
            }
        }
    if (!c) {
        c = &p->vfmap[p->vfmap_next++ % ELEMENTSOF(p->vfmap)];
        snprintf(c->pf, sizeof(c->pf), "%s", pf_pci);
    }
    free(c->set);
    free(c->v);
    c->set = NULL;
    c->v = NULL;
    c->n = 0;
    r = plugin_store_list(p, "PCI", &m, 1, 0, &recs, &nrec);
    if (r < 0)
        return plugin_fail_store(p, r);
    c->v = calloc(nrec + 1, sizeof(*c->v));
    c->set = strdup(set);
    if (!c->v || !c->set) {
        store_record_list_free(recs, nrec);
        return -ENOMEM;
    }
    for (size_t i = 0; i < nrec; i++)
        fill(&c->v[i], recs[i]);
    c->n = nrec;
    qsort(c->v, c->n, sizeof(*c->v), cmp_status);
    store_record_list_free(recs, nrec);
    *ret = c;
    return 0;
}

int plugin_pf_vfs(plugin *p, const char *pf_pci, char *const *same_domain,
                  size_t want, struct plugin_vf_status **ret, size_t *n)
{
    struct store_match m = { SF_physical_function, pf_pci };
    store_record **recs = NULL, *pf = NULL, **vms = NULL;
    struct plugin_vf_status *v = NULL;
    struct plugin_vfmap *map = NULL;
    char pf_bdf[SRIOV_BDF_SIZE];
    sriov_host *h = NULL;
    size_t nrec = 0, usable = 0, n_vms = 0;
    int r;

    r = plugin_store_get(p, "PCI", pf_pci, &pf);
    if (r >= 0)
        r = plugin_store_list(p, "VM", NULL, 0, STORE_LIST_SKIP_INVALID,
                              &vms, &n_vms);
    if (r < 0) {
        store_record_free(pf);
        return plugin_fail_store(p, r);
    }
    if (sriov_bdf_parse(store_record_get(pf, SF_pci_id), pf_bdf) < 0) {
        r = plugin_fail(p, -EBADMSG, "PCI %s has pci_id '%s', not a PCI "
                        "address", pf_pci, store_record_get(pf, SF_pci_id));
        goto out;
    }
    if (want) {
        /* Only the first VFs are needed: read them one by one. */
        r = vfmap(p, pf_pci, store_record_get(pf, SF_virtual_functions),
                  &map);
        nrec = map ? map->n : 0;
    } else {
        r = plugin_store_list(p, "PCI", &m, 1, 0, &recs, &nrec);
        if (r < 0)
            r = plugin_fail_store(p, r);
    }
    if (r < 0)
        goto out;
    /* One read of the PF and its VFs; a PF gone from sysfs makes every
     * VF unusable (reported), not the listing fail. */
    if (sriov_host_scan_device(&h, p->ctx, pf_bdf, 0) < 0)
        h = NULL;
    v = calloc(nrec + 1, sizeof(*v));
    if (!v) {
        r = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; recs && i < nrec; i++)
        fill(&v[i], recs[i]);
    if (recs)
        qsort(v, nrec, sizeof(*v), cmp_status);
    /* Lowest address first; judging stops once @want can be given. */
    for (size_t i = 0; i < nrec; i++) {
        struct plugin_vf_status *s = &v[i];

        if (map) {
            store_record *rec = NULL;

            *s = map->v[i];
            if (usable >= want) {
                s->unjudged = true;
                continue;
            }
            r = plugin_store_get(p, "PCI", s->uuid, &rec);
            if (r == -ENOENT) {
                s->unjudged = true;     /* removed by a pif-scan */
                continue;
            }
            if (r < 0) {
                r = plugin_fail_store(p, r);
                goto out;
            }
            fill(s, rec);
            store_record_free(rec);
        }
        if (*s->reserved_by || *s->vm)
            continue;                   /* reserved: ours, not judged */
        if (want && usable >= want) {
            s->unjudged = true;
            continue;
        }
        if (strcmp(s->bdf, "?") == 0)
            s->unusable = strdup("its pci_id is not a PCI address");
        else if (plugin_vm_listing(vms, n_vms, s->bdf) &&
                 asprintf(&s->unusable, "in the other-config:pci of VM %s: "
                          "passed through to it, never a VIF's",
                          plugin_vm_listing(vms, n_vms, s->bdf)) < 0)
            s->unusable = NULL, r = -ENOMEM;
        else if (!s->unusable)
            s->unusable = unusable_reason(p, h, s->bdf, same_domain,
                                          &s->iommu_refused);
        if (r < 0)
            goto out;
        usable += !s->unusable;
    }
    *ret = TAKE_PTR(v);
    *n = nrec;
    r = 0;
out:
    plugin_vf_status_free(v, nrec);
    sriov_host_free(h);
    store_record_list_free(recs, nrec);
    store_record_list_free(vms, n_vms);
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
        r = plugin_store_get(p, "PIF", store_record_get(ns, SF_physical_PIF),
                      &pif);
    if (r < 0) {
        r = plugin_fail_store(p, r);
        goto out;
    }
    pci = store_record_get(pif, SF_PCI);
    if (!pci || !*pci) {
        r = plugin_fail(p, -ENOENT, "PIF %s of network-sriov %s has no PCI "
                        "record: run 'xe pif-scan'", store_record_uuid(pif),
                        network_sriov);
        goto out;
    }
    r = plugin_pf_vfs(p, pci, NULL, 0, ret, n);
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
