/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Each SR-IOV network's PF back as recorded, by its configuration mode,
 * on whatever the hardware is now. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "boot/internal.h"
#include "libsriov/macro.h"

struct net {
    const char *uuid;
    store_record *ns, *phys, *logical, *pci;
    char bdf[SRIOV_BDF_SIZE];       /* where the NIC is now */
    char what[160];                 /* "network-sriov U (eth2, bdf)" */
    unsigned numvfs;                /* VFs enabled after */
    bool attached;                  /* VFs there for guests */
};

static const char *pf_mac(const sriov_pf *pf)
{
    sriov_netdev *nd = sriov_pf_netdev(pf, 0);

    return nd ? sriov_netdev_mac(nd) : NULL;
}

static sriov_pf *pf_by_mac(const sriov_host *h, const char *mac)
{
    for (unsigned i = 0; *mac && i < sriov_host_pf_count(h); i++) {
        const char *m = pf_mac(sriov_host_pf(h, i));

        if (m && strcasecmp(m, mac) == 0)
            return sriov_host_pf(h, i);
    }
    return NULL;
}

static int get(struct restore *rs, const char *cls, const char *uuid,
               store_record **ret)
{
    if (!uuid || !*uuid)
        return -ENOENT;
    return store_get(rs->st, cls, uuid, ret);
}

static void net_done(struct net *n)
{
    store_record_free(n->phys);
    store_record_free(n->logical);
    store_record_free(n->pci);
}

/* The PIFs' currently_attached (and the physical PIF's disappeared). */
static int mark(struct restore *rs, struct net *n, bool found)
{
    int r;

    r = restore__update(rs, "PIF", store_record_uuid(n->phys),
                        "currently_attached", found ? "true" : "false",
                        "disappeared", found ? "false" : "true", NULL);
    if (r >= 0 && n->logical)
        r = restore__update(rs, "PIF", store_record_uuid(n->logical),
                            "currently_attached",
                            n->attached ? "true" : "false", NULL);
    if (r < 0)
        restore__say(rs, true, "%s: cannot record it: %s", n->what,
                     store_last_error(rs->st));
    return r;
}

/* The NIC moved: a scan gives its PIF the new PCI record and interface;
 * the logical PIF follows the physical one. */
static int follow_move(struct restore *rs, struct net *n)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    store_record *phys = NULL;
    char host[37];
    int r;

    if (rs->o->dry_run)
        return 0;
    r = ops_host_ensure(&rs->ops, host, &err);
    if (r >= 0)
        r = ops_pif_scan(&rs->ops, host, &err);
    if (r >= 0)
        rs->stats.store_changes++;
    if (r >= 0)
        r = get(rs, "PIF", store_record_uuid(n->phys), &phys);
    if (r >= 0 && n->logical)
        r = restore__update(rs, "PIF", store_record_uuid(n->logical),
                            "PCI", store_record_get(phys, SF_PCI),
                            "device", store_record_get(phys, SF_device),
                            NULL);
    if (r < 0)
        restore__say(rs, true, "%s: its PIF could not follow it: %s",
                     n->what, err.n_params ? err.params[err.n_params - 1]
                                           : store_last_error(rs->st));
    store_record_free(phys);
    xapi_error_clear(&err);
    return r;
}

static void restore_sysfs(struct restore *rs, struct net *n, sriov_pf *pf,
                          unsigned want)
{
    unsigned total = sriov_pf_totalvfs(pf), cur = sriov_pf_numvfs(pf);
    unsigned target = want == 0 || want > total ? total : want;
    int r;

    n->numvfs = cur;
    if (cur == target) {
        if (rs->o->verbose)
            restore__say(rs, false, "%s: %u VFs already enabled (sysfs)",
                         n->what, cur);
    } else if (rs->o->dry_run) {
        restore__say(rs, false, "%s: would enable %u VFs (sysfs; %u now)",
                     n->what, target, cur);
        n->numvfs = target;
    } else {
        restore__sysfs_begin(rs);
        r = sriov_pf_set_numvfs(pf, target, 0);
        restore__sysfs_end(rs);
        if (r < 0) {
            restore__say(rs, true, "%s: %u VFs not enabled: %s", n->what,
                         target, sriov_ctx_last_error(rs->ctx));
            n->numvfs = cur;
        } else {
            n->numvfs = (unsigned)r;
            if ((unsigned)r < target)
                restore__say(rs, true, "%s: the driver enabled %d of the "
                             "%u VFs asked for", n->what, r, target);
            else
                restore__say(rs, false, "%s: %u VFs enabled (sysfs)",
                             n->what, target);
        }
    }
    if (target < want)
        restore__say(rs, true, "%s: %u VFs recorded but the NIC can have "
                     "only %u now (sriov_totalvfs): %u enabled; check the "
                     "firmware's SR-IOV settings, or recreate the network "
                     "with fewer", n->what, want, total, n->numvfs);
    n->attached = n->numvfs > 0;
}

static void restore_modprobe(struct restore *rs, struct net *n,
                             sriov_pf *pf, unsigned want)
{
    bool reboot = strcmp(store_record_get(n->ns, SF_requires_reboot),
                         "true") == 0;
    unsigned cur = sriov_pf_numvfs(pf);
    int r;

    n->numvfs = cur;
    if (cur == 0) {
        restore__say(rs, true, "%s: no VFs: the %s module option has not "
                     "taken effect; check the options of %s in "
                     "/etc/modprobe.d, then reload the module or reboot",
                     n->what, sriov_pf_driver(pf) ? sriov_pf_driver(pf)
                                                  : "driver's",
                     sriov_pf_driver(pf) ? sriov_pf_driver(pf) : "it");
        n->attached = false;
        return;
    }
    n->attached = true;
    if (want && cur != want)
        restore__say(rs, false, "%s: %u VFs from the module option (%u "
                     "recorded)", n->what, cur, want);
    if (reboot) {
        r = restore__update(rs, "network_sriov", n->uuid,
                            "requires_reboot", "false", NULL);
        if (r >= 0)
            restore__say(rs, false, "%s: the module option took effect "
                         "(%u VFs): requires-reboot %scleared", n->what,
                         cur, rs->o->dry_run ? "would be " : "");
        else
            restore__say(rs, true, "%s: requires-reboot not cleared: %s",
                         n->what, store_last_error(rs->st));
    } else if (rs->o->verbose) {
        restore__say(rs, false, "%s: %u VFs (modprobe)", n->what, cur);
    }
}

static void restore_one(struct restore *rs, store_record *ns)
{
    struct net n = { .uuid = store_record_uuid(ns), .ns = ns };
    const char *mode = store_record_get(ns, SF_configuration_mode);
    unsigned want = (unsigned)strtoul(store_record_get(ns, SF_num_vfs),
                                      NULL, 10);
    const char *mac, *pci_id;
    sriov_pf *pf;
    bool moved = false;

    snprintf(n.what, sizeof(n.what), "network-sriov %s", n.uuid);
    if (get(rs, "PIF", store_record_get(ns, SF_physical_PIF), &n.phys) < 0 ||
        get(rs, "PCI", store_record_get(n.phys, SF_PCI), &n.pci) < 0) {
        restore__say(rs, true, "%s: its physical PIF or that PIF's PCI "
                     "record is missing: run 'xe pif-scan', then "
                     "xen-sriov-restore again", n.what);
        goto out;
    }
    get(rs, "PIF", store_record_get(ns, SF_logical_PIF), &n.logical);
    pci_id = store_record_get(n.pci, SF_pci_id);
    mac = store_record_get(n.phys, SF_MAC);
    snprintf(n.what, sizeof(n.what), "network-sriov %s (%s, %s)", n.uuid,
             store_record_get(n.phys, SF_device), pci_id);

    /* The NIC: at its address, unless another NIC is there now; else
     * wherever its MAC is. */
    pf = sriov_host_find_pf(rs->host, pci_id);
    if (pf && *mac && pf_mac(pf) && strcasecmp(pf_mac(pf), mac) != 0) {
        restore__say(rs, false, "%s: the NIC at %s now is another one "
                     "(MAC %s, not %s)", n.what, pci_id, pf_mac(pf), mac);
        pf = NULL;
    }
    if (!pf) {
        pf = pf_by_mac(rs->host, mac);
        moved = pf != NULL;
    }
    if (!pf) {
        restore__say(rs, true, "%s: no NIC at %s nor with MAC %s on this "
                     "host (removed?): left as recorded, PIFs marked not "
                     "attached; put the NIC back and run xen-sriov-restore "
                     "again, or destroy the network-sriov", n.what, pci_id,
                     *mac ? mac : "(none)");
        n.attached = false;
        mark(rs, &n, false);
        goto out;
    }
    snprintf(n.bdf, sizeof(n.bdf), "%s", sriov_pf_bdf(pf));
    if (moved)
        restore__say(rs, false, "%s: the NIC with MAC %s is now at %s "
                     "(%s): restored there, its PIF follows it", n.what,
                     mac, n.bdf, pf_mac(pf) && sriov_pf_netdev(pf, 0)
                     ? sriov_netdev_name(sriov_pf_netdev(pf, 0)) : "");

    if (strcmp(mode, "sysfs") == 0) {
        restore_sysfs(rs, &n, pf, want);
    } else if (strcmp(mode, "modprobe") == 0) {
        restore_modprobe(rs, &n, pf, want);
    } else if (strcmp(mode, "manual") == 0) {
        n.numvfs = sriov_pf_numvfs(pf);
        n.attached = n.numvfs > 0;
        if (!n.attached)
            restore__say(rs, true, "%s: no VFs: the configuration mode is "
                         "manual, so they are made outside xen-sriov (the "
                         "firmware, a script): make them again", n.what);
        else if (rs->o->verbose)
            restore__say(rs, false, "%s: %u VFs adopted (manual)", n.what,
                         n.numvfs);
    } else {
        n.numvfs = sriov_pf_numvfs(pf);
        n.attached = n.numvfs > 0;
        restore__say(rs, true, "%s: configuration mode '%s': nothing "
                     "known to restore (%u VFs now); destroy and recreate "
                     "the network-sriov", n.what, mode, n.numvfs);
    }
    if (strcmp(store_record_get(ns, SF_requires_reboot), "true") == 0 &&
        strcmp(mode, "modprobe") != 0)
        n.attached = false;
    rs->stats.vfs += n.numvfs;
    if (mark(rs, &n, true) >= 0 && moved)
        follow_move(rs, &n);
out:
    net_done(&n);
}

int restore__networks(struct restore *rs)
{
    store_record **v = NULL;
    size_t n = 0;
    int r;

    r = store_list(rs->st, "network_sriov", NULL, 0, 0, &v, &n);
    if (r < 0)
        return r;
    rs->stats.networks = (unsigned)n;
    if (n) {
        r = sriov_host_scan(&rs->host, rs->ctx, SRIOV_SCAN_NICS);
        if (r < 0) {
            restore__say(rs, true, "cannot read the host's PCI devices: %s",
                         sriov_ctx_last_error(rs->ctx));
            n = 0;
        }
    }
    for (size_t i = 0; i < n; i++)
        restore_one(rs, v[i]);
    store_record_list_free(v, n);
    return 0;
}
