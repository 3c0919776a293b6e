/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store side of a reservation: reserve (all VIFs of a domain or none),
 * save the VF's settings, mark attached, release.  Each is one xenstore
 * transaction, retried on conflict, so concurrent starts never get the
 * same VF (VIF.reserved_pci <-> PCI.reserved_by is one-to-one too). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/internal.h"

static long field_long(const store_record *r, enum schema_fid field)
{
    const char *s = store_record_get(r, field);

    return s && *s ? strtol(s, NULL, 10) : -1;
}

static int set_long(store_record *r, enum schema_fid field, long v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%ld", v);
    return store_record_set(r, field, buf);
}

static bool taken_earlier(char (*got)[37], size_t i, const char *uuid)
{
    for (size_t k = 0; k < i; k++)
        if (strcmp(got[k], uuid) == 0)
            return true;
    return false;
}

/* The VIF already holds a VF: ours to keep when reserved for this VM and
 * this domain (or a cold-plug that has no domain yet). */
static int adopt(store_tx *tx, struct plugin_reserve *r, store_record *vif,
                 const char *cur, size_t i)
{
    store_record *pci = NULL;
    long dom;
    int k;

    k = store_tx_get(tx, "PCI", cur, &pci);
    if (k < 0)
        return k;
    dom = field_long(pci, SF_reserved_domid);
    if (strcmp(store_record_get(pci, SF_scheduled_to_be_attached_to),
               r->vm) != 0 || (dom != r->domid && dom != -1)) {
        k = store_tx_fail(tx, -EBUSY, "VIF %s already holds VF %s for "
                          "domain %ld: release it first (xen-sriovd "
                          "--reconcile)", store_record_uuid(vif),
                          store_record_get(pci, SF_pci_id), dom);
        store_record_free(pci);
        return k;
    }
    if (dom != r->domid) {
        k = set_long(pci, SF_reserved_domid, r->domid);
        if (k >= 0)
            k = store_tx_update(tx, pci);
    }
    if (k >= 0 && field_long(vif, SF_domid) != r->domid) {
        k = set_long(vif, SF_domid, r->domid);
        if (k >= 0)
            k = store_tx_update(tx, vif);
    }
    store_record_free(pci);
    if (k >= 0)
        snprintf(r->got[i], 37, "%s", cur);
    return k;
}

const char *plugin_vm_listing(store_record *const *vms, size_t n,
                              const char *bdf)
{
    for (size_t k = 0; k < n; k++) {
        const char *l = store_record_map_get(vms[k], SF_other_config, "pci");

        if (l && schema_pci_list_has(l, bdf))
            return store_record_uuid(vms[k]);
    }
    return NULL;
}

/* Take the lowest free candidate for VIF i. */
static int take(store_tx *tx, struct plugin_reserve *r, store_record *vif,
                size_t i, store_record *const *vms, size_t n_vms)
{
    for (size_t c = 0; c < r->n_cands[i]; c++) {
        const char *uuid = r->cands[i][c].uuid;
        store_record *pci = NULL;
        int k;

        if (taken_earlier(r->got, i, uuid))
            continue;
        k = store_tx_get(tx, "PCI", uuid, &pci);
        if (k == -ENOENT)
            continue;                   /* removed by a pif-scan */
        if (k < 0)
            return k;
        if (*store_record_get(pci, SF_reserved_by) ||
            *store_record_get(pci, SF_scheduled_to_be_attached_to) ||
            plugin_vm_listing(vms, n_vms, store_record_get(pci, SF_pci_id))) {
            store_record_free(pci);
            continue;                   /* taken since the candidates */
        }
        k = store_record_set(pci, SF_scheduled_to_be_attached_to, r->vm);
        if (k >= 0)
            k = set_long(pci, SF_reserved_domid, r->domid);
        if (k >= 0)
            k = store_tx_update(tx, pci);
        store_record_free(pci);
        if (k >= 0)
            k = store_record_set(vif, SF_reserved_pci, uuid);
        if (k >= 0)
            k = set_long(vif, SF_domid, r->domid);
        if (k >= 0)
            k = store_tx_update(tx, vif);
        if (k >= 0)
            snprintf(r->got[i], 37, "%s", uuid);
        return k;
    }
    r->short_network = r->vifs[i].network;
    return store_tx_fail(tx, -ENOSPC, "network %s has no free usable VF "
                         "left on PF %s for VIF %s (device %s): stop "
                         "another VM using it, or enable more VFs",
                         r->vifs[i].network, r->vifs[i].pf_bdf,
                         r->vifs[i].uuid, r->vifs[i].device);
}

static int reserve_tx(store_tx *tx, void *userdata)
{
    struct plugin_reserve *r = userdata;
    store_record **vms = NULL;
    size_t n_vms = 0;
    int k;

    /* Run again from scratch after a conflict. */
    r->short_network = NULL;
    for (size_t i = 0; i < r->n; i++)
        r->got[i][0] = '\0';
    /* The VM records (a few: only VMs with an other_config) are read in
     * the transaction: a pci list set meanwhile conflicts with it. */
    k = store_tx_list(tx, "VM", NULL, 0, STORE_LIST_SKIP_INVALID, &vms,
                      &n_vms);
    for (size_t i = 0; i < r->n && k >= 0; i++) {
        store_record *vif = NULL;
        const char *cur;

        k = store_tx_get(tx, "VIF", r->vifs[i].uuid, &vif);
        if (k < 0)
            break;
        cur = store_record_get(vif, SF_reserved_pci);
        k = *cur ? adopt(tx, r, vif, cur, i)
                 : take(tx, r, vif, i, vms, n_vms);
        store_record_free(vif);
    }
    store_record_list_free(vms, n_vms);
    return k;
}

int plugin_reserve(plugin *p, struct plugin_reserve *r)
{
    int k = store_transact(p->store, reserve_tx, r);

    return k < 0 ? plugin_fail_store(p, k) : 0;
}

struct release_args {
    const char *vif, *pci;
};

static int clear_map(store_record *r, enum schema_fid field)
{
    size_t n = store_record_map_count(r, field);
    char **keys = calloc(n + 1, sizeof(*keys));
    int k = 0;

    if (!keys)
        return -ENOMEM;
    for (size_t i = 0; i < n && k >= 0; i++)
        if (!(keys[i] = strdup(store_record_map_key(r, field, i))))
            k = -ENOMEM;
    for (size_t i = 0; i < n && k >= 0; i++)
        k = store_record_map_put(r, field, keys[i], NULL);
    strv_free(keys);
    return k;
}

static int release_tx(store_tx *tx, void *userdata)
{
    struct release_args *a = userdata;
    store_record *vif = NULL, *pci = NULL;
    int k;

    k = store_tx_get(tx, "VIF", a->vif, &vif);
    if (k == -ENOENT)
        k = 0;                          /* VIF destroyed: PCI below */
    else if (k >= 0 &&
             strcmp(store_record_get(vif, SF_reserved_pci), a->pci) == 0) {
        k = store_record_set(vif, SF_reserved_pci, "");
        if (k >= 0)
            k = set_long(vif, SF_domid, -1);
        if (k >= 0)
            k = store_record_set(vif, SF_currently_attached, "false");
        if (k >= 0)
            k = clear_map(vif, SF_vf_saved_config);
        if (k >= 0)
            k = store_tx_update(tx, vif);
    }
    if (k >= 0) {
        k = store_tx_get(tx, "PCI", a->pci, &pci);
        if (k == -ENOENT)
            k = 0;
        else if (k >= 0 && !*store_record_get(pci, SF_reserved_by)) {
            /* No other VIF took it meanwhile: free it for everyone. */
            k = store_record_set(pci, SF_scheduled_to_be_attached_to, "");
            if (k >= 0)
                k = set_long(pci, SF_reserved_domid, -1);
            if (k >= 0)
                k = store_tx_update(tx, pci);
        }
    }
    store_record_free(vif);
    store_record_free(pci);
    return k;
}

int plugin_unreserve(plugin *p, const char *vif, const char *pci)
{
    struct release_args a = { vif, pci };
    int k = store_transact(p->store, release_tx, &a);

    return k < 0 ? plugin_fail_store(p, k) : 0;
}

struct save_args {
    const char *vif, *pci, *driver;
    const sriov_vf_config *cfg;
};

static int save_tx(store_tx *tx, void *userdata)
{
    struct save_args *a = userdata;
    store_record *vif = NULL;
    int k;

    k = store_tx_get(tx, "VIF", a->vif, &vif);
    if (k < 0)
        return k;
    if (strcmp(store_record_get(vif, SF_reserved_pci), a->pci) != 0)
        k = store_tx_fail(tx, -ESTALE, "VIF %s no longer holds its VF: "
                          "released meanwhile", a->vif);
    else if (!store_record_map_get(vif, SF_vf_saved_config, "driver")) {
        /* Saved once, before the first change: a start resumed after a
         * crash must not save our own settings as the VF's. */
        k = plugin_vf_config_to_map(a->cfg, vif);
        if (k >= 0)
            k = store_record_map_put(vif, SF_vf_saved_config, "driver",
                                     a->driver ? a->driver : "");
        if (k >= 0)
            k = store_tx_update(tx, vif);
    } else {
        /* Saved already: only fields not saved yet (a VIF asking for a
         * setting more than before; we have not changed it), never our
         * own values over the VF's. */
        sriov_vf_config had = SRIOV_VF_CONFIG_INIT, more = *a->cfg;

        if (plugin_vf_config_from_map(vif, &had) >= 0)
            more.mask &= ~had.mask;
        else
            more.mask = 0;              /* damaged: release says so */
        if (more.mask) {
            k = plugin_vf_config_to_map(&more, vif);
            if (k >= 0)
                k = store_tx_update(tx, vif);
        }
    }
    store_record_free(vif);
    return k;
}

int plugin_save_vf_config(plugin *p, const char *vif, const char *pci,
                          const sriov_vf_config *cfg, const char *driver)
{
    struct save_args a = { vif, pci, driver, cfg };
    int k = store_transact(p->store, save_tx, &a);

    return k < 0 ? plugin_fail_store(p, k) : 0;
}

struct mark_args {
    const char *vif, *pci;
    long domid;
    bool attached;
};

static int mark_tx(store_tx *tx, void *userdata)
{
    struct mark_args *a = userdata;
    store_record *vif = NULL;
    int k;

    k = store_tx_get(tx, "VIF", a->vif, &vif);
    if (k < 0)
        return k;
    if (strcmp(store_record_get(vif, SF_reserved_pci), a->pci) != 0)
        k = store_tx_fail(tx, -ESTALE, "VIF %s no longer holds its VF: "
                          "released meanwhile", a->vif);
    if (k >= 0)
        k = store_record_set(vif, SF_currently_attached,
                             a->attached ? "true" : "false");
    if (k >= 0 && a->domid >= 0)
        k = set_long(vif, SF_domid, a->domid);
    if (k >= 0)
        k = store_tx_update(tx, vif);
    if (k >= 0 && a->domid >= 0) {
        /* A cold-plug learns its domid only now. */
        store_record *pci = NULL;

        k = store_tx_get(tx, "PCI", a->pci, &pci);
        if (k >= 0 && field_long(pci, SF_reserved_domid) != a->domid) {
            k = set_long(pci, SF_reserved_domid, a->domid);
            if (k >= 0)
                k = store_tx_update(tx, pci);
        }
        store_record_free(pci);
    }
    store_record_free(vif);
    return k;
}

int plugin_mark_attached(plugin *p, const char *vif, const char *pci,
                         long domid, bool attached)
{
    struct mark_args a = { vif, pci, domid, attached };
    int k = store_transact(p->store, mark_tx, &a);

    return k < 0 ? plugin_fail_store(p, k) : 0;
}
