/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reservations after boot: released when their domain is gone (the
 * plugin's reconcile), put back (settings, pciback) when it is not. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/internal.h"

static void reconciled(void *userdata, const char *finding)
{
    restore__say(userdata, false, "reservations: %s", finding);
}

/* The address of a VF's PCI record (the uuid if it cannot be read). */
static const char *vf_bdf(struct restore *rs, const char *pci, char *buf,
                          size_t size)
{
    store_record *r = NULL;

    snprintf(buf, size, "%s", pci);
    if (store_get(rs->st, "PCI", pci, &r) >= 0)
        snprintf(buf, size, "%s", store_record_get(r, SF_pci_id));
    store_record_free(r);
    return buf;
}

/* The VIFs holding a VF, by uuid. */
static int held(struct restore *rs, store_record ***ret, size_t *n)
{
    store_record **v = NULL;
    size_t m = 0, k = 0;
    int r;

    r = store_list(rs->st, "VIF", NULL, 0, STORE_LIST_SKIP_INVALID, &v, &m);
    if (r < 0)
        return r;
    for (size_t i = 0; i < m; i++) {
        if (*store_record_get(v[i], SF_reserved_pci))
            v[k++] = v[i];
        else
            store_record_free(v[i]);
    }
    if (k == 0) {
        free(v);
        v = NULL;
    }
    *ret = v;
    *n = k;
    return 0;
}

int restore__reserved(struct restore *rs)
{
    struct plugin_opts po = { 0 };
    char why[PLUGIN_ERROR_MAX] = "";
    struct store_stats before, after;
    store_record **v = NULL;
    plugin *p = NULL;
    size_t n = 0;
    int r;

    r = held(rs, &v, &n);
    if (r < 0 || n == 0)
        return r;
    if (rs->o->dry_run) {
        for (size_t i = 0; i < n; i++) {
            char bdf[64];

            restore__say(rs, false, "VIF %s holds VF %s for domain %s: "
                         "would be released if that domain is gone, else "
                         "put back on pciback with its settings",
                         store_record_uuid(v[i]),
                         vf_bdf(rs, store_record_get(v[i], SF_reserved_pci),
                                bdf, sizeof(bdf)),
                         store_record_get(v[i], SF_domid));
        }
        store_record_list_free(v, n);
        return 0;
    }
    store_record_list_free(v, n);

    if (rs->o->plugin)
        po = *rs->o->plugin;
    po.root = rs->o->root;
    r = plugin_new(&p, &po, why, sizeof(why));
    if (r < 0) {
        restore__say(rs, true, "reservations: not checked: %s", why);
        return 0;
    }
    sriov_ctx_set_log_fn(plugin_sriov_ctx(p), restore__count_writes, rs,
                         SRIOV_LOG_DEBUG);
    store_get_stats(plugin_store(p), &before);

    /* Domains gone (all of them after a reboot): their VFs released.
     * Mostly store and libxl work: counted as the restore's own. */
    r = plugin_reconcile(p, reconciled, rs);
    if (r < 0)
        restore__say(rs, true, "reservations: not reconciled: %s",
                     plugin_last_error(p));

    /* Those still held: the VIF's settings and pciback again. */
    r = held(rs, &v, &n);
    for (size_t i = 0; r >= 0 && i < n; i++) {
        const char *vif = store_record_uuid(v[i]);
        unsigned changed = 0;
        char bdf[64];
        int k;

        vf_bdf(rs, store_record_get(v[i], SF_reserved_pci), bdf, sizeof(bdf));
        restore__sysfs_begin(rs);
        k = plugin_vif_reapply(p, vif, &changed);
        restore__sysfs_end(rs);
        if (k < 0)
            restore__say(rs, true, "VIF %s: VF %s not put back: %s", vif,
                         bdf, plugin_last_error(p));
        else if (changed)
            restore__say(rs, false, "VIF %s: VF %s put back:%s%s", vif,
                         bdf,
                         changed & PLUGIN_REAPPLIED_SETTINGS
                         ? " settings applied" : "",
                         changed & PLUGIN_REAPPLIED_PCIBACK
                         ? " on pciback" : "");
    }
    store_record_list_free(v, n);
    store_get_stats(plugin_store(p), &after);
    rs->stats.store_changes += (unsigned)((after.transactions -
                                           before.transactions) -
                                          (after.retries - before.retries));
    plugin_free(p);
    return r;
}
