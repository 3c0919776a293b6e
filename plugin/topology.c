/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* From a VIF to the PF that gives its VFs: VIF.network -> the network's
 * SR-IOV logical PIF -> network_sriov.physical_PIF -> PIF.PCI. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/internal.h"

void plugin_vif_dispose(struct plugin_vif *v)
{
    if (v) {
        store_record_free(v->rec);
        v->rec = NULL;
    }
}

void plugin_vifs_free(struct plugin_vif *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        plugin_vif_dispose(&v[i]);
    free(v);
}

static void copy_field(char *dst, size_t size, const store_record *r,
                       enum schema_fid field)
{
    const char *v = store_record_get(r, field);

    snprintf(dst, size, "%s", v ? v : "");
}

int plugin_network_pf(plugin *p, const char *network, char pf_pci[37],
                      char pf_bdf[SRIOV_BDF_SIZE])
{
    store_record *net = NULL, *pif = NULL, *ns = NULL, *phys = NULL;
    store_record *pci = NULL;
    const char *ns_uuid = NULL, *pci_uuid;
    size_t n;
    int r;

    r = plugin_store_get(p, "network", network, &net);
    if (r < 0)
        return plugin_fail_store(p, r);
    n = store_record_set_count(net, SF_PIFs);
    for (size_t i = 0; i < n && !ns_uuid; i++) {
        store_record_free(pif);
        pif = NULL;
        if (plugin_store_get(p, "PIF", store_record_set_member(net, SF_PIFs,
                      i), &pif) < 0)
            continue;
        if (store_record_set_count(pif, SF_sriov_logical_PIF_of) > 0)
            ns_uuid = store_record_set_member(pif, SF_sriov_logical_PIF_of,
                                              0);
    }
    if (!ns_uuid) {
        r = 1;                      /* an ordinary network */
        goto out;
    }
    r = plugin_store_get(p, "network_sriov", ns_uuid, &ns);
    if (r >= 0)
        r = plugin_store_get(p, "PIF", store_record_get(ns, SF_physical_PIF),
                      &phys);
    if (r < 0) {
        r = plugin_fail_store(p, r);
        goto out;
    }
    pci_uuid = store_record_get(phys, SF_PCI);
    if (!pci_uuid || !*pci_uuid) {
        r = plugin_fail(p, -ENOENT, "PIF %s of network-sriov %s has no PCI "
                        "record: run 'xe pif-scan'", store_record_uuid(phys),
                        ns_uuid);
        goto out;
    }
    r = plugin_store_get(p, "PCI", pci_uuid, &pci);
    if (r < 0) {
        r = plugin_fail_store(p, r);
        goto out;
    }
    if (sriov_bdf_parse(store_record_get(pci, SF_pci_id), pf_bdf) < 0) {
        r = plugin_fail(p, -EBADMSG, "PCI %s has pci_id '%s', not a PCI "
                        "address", pci_uuid, store_record_get(pci, SF_pci_id));
        goto out;
    }
    memcpy(pf_pci, pci_uuid, 37);
    r = 0;
out:
    store_record_free(net);
    store_record_free(pif);
    store_record_free(ns);
    store_record_free(phys);
    store_record_free(pci);
    return r;
}

static long field_long(const store_record *r, enum schema_fid field)
{
    const char *s = store_record_get(r, field);

    return s && *s ? strtol(s, NULL, 10) : -1;
}

int plugin_vif_from_record(plugin *p, store_record *rec,
                           struct plugin_vif *ret)
{
    struct plugin_vif v = { .rec = rec };
    const char *s;
    int r;

    copy_field(v.uuid, sizeof(v.uuid), rec, SF_uuid);
    copy_field(v.vm, sizeof(v.vm), rec, SF_VM);
    copy_field(v.network, sizeof(v.network), rec, SF_network);
    copy_field(v.device, sizeof(v.device), rec, SF_device);
    copy_field(v.reserved_pci, sizeof(v.reserved_pci), rec, SF_reserved_pci);
    v.domid = field_long(rec, SF_domid);
    s = store_record_get(rec, SF_currently_attached);
    v.attached = s && strcmp(s, "true") == 0;
    r = plugin_network_pf(p, v.network, v.pf_pci, v.pf_bdf);
    *ret = v;
    return r;
}

static int cmp_vif(const void *a, const void *b)
{
    const struct plugin_vif *x = a, *y = b;
    long dx = strtol(x->device, NULL, 10), dy = strtol(y->device, NULL, 10);

    if (dx != dy)
        return dx < dy ? -1 : 1;
    return strcmp(x->uuid, y->uuid);
}

int plugin_vm_vifs(plugin *p, const char *vm, struct plugin_vif **ret,
                   size_t *n)
{
    struct store_match m = { SF_VM, vm };
    store_record **recs = NULL;
    struct plugin_vif *v;
    size_t nrec = 0, k = 0;
    int r;

    r = plugin_store_list(p, "VIF", &m, 1, 0, &recs, &nrec);
    if (r < 0)
        return plugin_fail_store(p, r);
    v = calloc(nrec + 1, sizeof(*v));
    if (!v) {
        store_record_list_free(recs, nrec);
        return -ENOMEM;
    }
    for (size_t i = 0; i < nrec; i++) {
        const char *net = store_record_get(recs[i], SF_network);
        size_t j;

        /* VIFs of one network: its PF is looked up once. */
        for (j = 0; j < k; j++)
            if (strcmp(v[j].network, net) == 0)
                break;
        if (j < k) {
            struct plugin_vif *w = &v[k++];

            copy_field(w->uuid, sizeof(w->uuid), recs[i], SF_uuid);
            copy_field(w->vm, sizeof(w->vm), recs[i], SF_VM);
            copy_field(w->network, sizeof(w->network), recs[i], SF_network);
            copy_field(w->device, sizeof(w->device), recs[i], SF_device);
            copy_field(w->reserved_pci, sizeof(w->reserved_pci), recs[i],
                       SF_reserved_pci);
            w->domid = field_long(recs[i], SF_domid);
            w->attached = strcmp(store_record_get(recs[i],
                                 SF_currently_attached), "true") == 0;
            memcpy(w->pf_pci, v[j].pf_pci, sizeof(w->pf_pci));
            memcpy(w->pf_bdf, v[j].pf_bdf, sizeof(w->pf_bdf));
            w->rec = TAKE_PTR(recs[i]);
            continue;
        }
        r = plugin_vif_from_record(p, TAKE_PTR(recs[i]), &v[k]);
        if (r > 0) {
            plugin_vif_dispose(&v[k]);          /* not an SR-IOV VIF */
            continue;
        }
        if (r < 0) {
            plugin_vif_dispose(&v[k]);
            plugin_vifs_free(v, k);
            store_record_list_free(recs, nrec);
            return r;
        }
        k++;
    }
    store_record_list_free(recs, nrec);
    qsort(v, k, sizeof(*v), cmp_vif);
    *ret = v;
    *n = k;
    return 0;
}
