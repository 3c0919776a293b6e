/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain start and death, VIF plug and unplug: check, reserve, configure,
 * attach; and the release that undoes any prefix of it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "plugin/internal.h"

/* Note failure @p r in @p f (when not NULL) with the objects it is about,
 * for plugin_last_failure(); returns r. */
static int note(plugin *p, int r, struct plugin_failure *f,
                const char *network, const char *vm, const char *vif)
{
    if (!f)
        return r;
    f->r = r;
    snprintf(f->network, sizeof(f->network), "%s", network ? network : "");
    snprintf(f->vm, sizeof(f->vm), "%s", vm ? vm : "");
    snprintf(f->vif, sizeof(f->vif), "%s", vif ? vif : "");
    memcpy(f->message, p->error, sizeof(f->message));
    return r;
}

struct plugin_failure *plugin_failure_begin(plugin *p)
{
    memset(&p->failure, 0, sizeof(p->failure));
    return &p->failure;
}

const struct plugin_failure *plugin_last_failure(const plugin *p)
{
    return &p->failure;
}

static bool in_strv(char *const *v, const char *s)
{
    for (; v && *v; v++)
        if (strcmp(*v, s) == 0)
            return true;
    return false;
}

/* PCI record -> address. */
static int pci_bdf(plugin *p, const char *pci, char bdf[SRIOV_BDF_SIZE])
{
    store_record *r = NULL;
    int k;

    k = plugin_store_get(p, "PCI", pci, &r);
    if (k < 0)
        return plugin_fail_store(p, k);
    k = sriov_bdf_parse(store_record_get(r, SF_pci_id), bdf);
    if (k < 0)
        k = plugin_fail(p, -EBADMSG, "PCI %s has pci_id '%s', not a PCI "
                        "address", pci, store_record_get(r, SF_pci_id));
    store_record_free(r);
    return k;
}

/*
 * Where the VF's settings are: its PF's interface and VF index.  1 when
 * found; 0 when the PF is not a network function (an SR-IOV NVMe in the
 * system tests): nothing to set; < 0 when a NIC's PF has no interface.
 */
static int locate(plugin *p, const char *bdf, char **ifname, unsigned *idx)
{
    unsigned cls = 0;
    _cleanup_free_ char *pf = NULL;
    int r;

    r = sriov_vf_locate(p->ctx, bdf, ifname, idx);
    if (r != -ENODEV)
        return r < 0 ? plugin_fail_sriov(p, r) : 1;
    /* No interface: fine only when the PF is not a NIC at all. */
    if (sriov_pci_get_driver(p->ctx, bdf, &pf) >= 0 &&
        sriov_pci_get_class(p->ctx, bdf, &cls) >= 0 && cls >> 16 != 0x02)
        return 0;
    return plugin_fail_sriov(p, r);
}

/* ---- release ----------------------------------------------------------- */

/*
 * Put back the settings VF @p bdf had before the reservation: those of
 * @p saved that differ from the VF's now.  A VF whose settings cannot be
 * put back must not go to the next VM with this one's MAC and VLAN: the
 * failure is logged with what to do, and returned, so that the release
 * stops here and the VF stays reserved (on pciback, out of the free pool).
 * Reconcile (xen-sriovd at start, on SIGHUP, --reconcile) tries again.
 */
static int restore(plugin *p, const char *vif_uuid, const char *bdf,
                   const char *ifname, unsigned idx,
                   const sriov_vf_config *saved)
{
    sriov_vf_config cur = SRIOV_VF_CONFIG_INIT, back = *saved;
    char why[PLUGIN_ERROR_MAX];
    unsigned failed = 0;
    int r;

    r = p->backend->vf_get(p, ifname, idx, &cur);
    if (r >= 0) {
        back.mask = plugin_vf_config_changed(saved, &cur);
        if (!back.mask)
            return 0;
        r = p->backend->vf_apply(p, ifname, idx, &back, &failed);
        if (r == 0)
            return 0;
    }
    /* A refused rate (> 0) is a failure here: it was set for this VM. */
    memcpy(why, p->error, sizeof(why));
    r = plugin_fail(p, r < 0 ? r : -EIO, "VF %s (%s VF %u) of VIF %s: its "
                    "settings from before the VM were not put back: %.*s; "
                    "the VF stays reserved, out of the free pool, until "
                    "they are: fix the cause (or set them by hand with "
                    "`ip link set %s vf %u ...`), then run `xen-sriovd "
                    "--reconcile` or `systemctl reload xen-sriovd`",
                    bdf, ifname, idx, vif_uuid, 600, why, ifname, idx);
    plugin_log(p, LOG_ERR, "%s", p->error);
    return r;
}

int plugin_release_vif(plugin *p, const char *vif_uuid, bool force,
                       struct plugin_failure *f)
{
    store_record *vif = NULL;
    _cleanup_free_ char *ifname = NULL;
    _cleanup_strv_free_ char **held = NULL;
    char pci[37], bdf[SRIOV_BDF_SIZE];
    const char *driver, *s;
    unsigned idx = 0;
    long domid;
    int r;

    r = plugin_store_get(p, "VIF", vif_uuid, &vif);
    if (r < 0) {
        r = plugin_fail_store(p, r);
        goto out;
    }
    snprintf(pci, sizeof(pci), "%s", store_record_get(vif, SF_reserved_pci));
    if (!*pci)
        goto out;                       /* nothing held */
    s = store_record_get(vif, SF_domid);
    domid = s && *s ? strtol(s, NULL, 10) : -1;
    r = pci_bdf(p, pci, bdf);
    if (r < 0)
        goto out;

    /* 1. Out of the domain, if it still runs and has it. */
    if (domid > 0 && plugin_domain_exists(p, (unsigned)domid) > 0 &&
        plugin_domain_pcis(p, (unsigned)domid, &held) >= 0 &&
        in_strv(held, bdf)) {
        void *state;

        r = plugin_backend_state(p, &state);
        if (r >= 0)
            r = p->backend->pci_detach(p, (unsigned)domid, bdf, force);
        if (r < 0)
            goto out;
        plugin_log(p, LOG_INFO, "VF %s detached from domain %ld", bdf,
                   domid);
        plugin_step(p, "detached");
    }

    /* 2. Its settings back, 3. back to its driver: only when saved, i.e.
     * when we may have changed them. */
    driver = store_record_map_get(vif, SF_vf_saved_config, "driver");
    if (driver) {
        sriov_vf_config saved;
        void *state;

        r = plugin_backend_state(p, &state);
        if (r < 0)
            goto out;
        if (plugin_vf_config_from_map(vif, &saved) < 0) {
            plugin_log(p, LOG_WARNING, "VIF %s: saved VF settings are "
                       "damaged, not restored", vif_uuid);
        } else if (saved.mask && locate(p, bdf, &ifname, &idx) > 0) {
            r = restore(p, vif_uuid, bdf, ifname, idx, &saved);
            if (r < 0)
                goto out;               /* kept reserved: retried later */
            plugin_step(p, "restored");
        }
        if (strcmp(driver, SRIOV_PCIBACK_DRIVER) != 0) {
            r = p->backend->assignable_remove(p, bdf, driver);
            if (r < 0)
                goto out;               /* kept reserved: retried later */
            plugin_step(p, "unassigned");
        }
    }

    /* 4. Free in the store. */
    r = plugin_unreserve(p, vif_uuid, pci);
    if (r < 0)
        goto out;
    plugin_log(p, LOG_INFO, "VF %s released from VIF %s", bdf, vif_uuid);
    plugin_step(p, "released");
out:
    store_record_free(vif);
    if (r < 0)
        note(p, r, f, NULL, NULL, NULL);
    return r < 0 ? r : 0;
}

/* ---- attach ------------------------------------------------------------ */

/* Configure and hand over the VF @p pci of VIF @p v (reserved already). */
static int attach_one(plugin *p, const struct plugin_vif *v, const char *pci,
                      const sriov_vf_config *want, long domid)
{
    store_record *vif = NULL;
    _cleanup_free_ char *ifname = NULL, *driver = NULL;
    _cleanup_strv_free_ char **held = NULL;
    char bdf[SRIOV_BDF_SIZE];
    unsigned idx = 0, failed = 0;
    void *state;
    int net, r;

    r = pci_bdf(p, pci, bdf);
    if (r < 0)
        return r;
    r = plugin_backend_state(p, &state);
    if (r < 0)
        return r;
    net = locate(p, bdf, &ifname, &idx);
    if (net < 0)
        return net;

    /* Save what we are about to change (only that: only that is put
     * back), before changing it. */
    r = plugin_store_get(p, "VIF", v->uuid, &vif);
    if (r < 0)
        return plugin_fail_store(p, r);
    if (!store_record_map_get(vif, SF_vf_saved_config, "driver") ||
        net > 0) {
        sriov_vf_config cur = SRIOV_VF_CONFIG_INIT;

        r = sriov_pci_get_driver(p->ctx, bdf, &driver);
        if (r < 0)
            r = plugin_fail_sriov(p, r);
        if (r >= 0 && net > 0)
            r = p->backend->vf_get(p, ifname, idx, &cur);
        cur.mask = plugin_vf_config_save_mask(want, &cur);
        if (r >= 0)
            r = plugin_save_vf_config(p, v->uuid, pci, &cur, driver);
        if (r < 0)
            goto out;
        plugin_step(p, "saved");
    }

    if (net > 0) {
        r = p->backend->vf_apply(p, ifname, idx, want, &failed);
        if (r == SRIOV_VF_RATE_REFUSED)
            /* As XAPI: a NIC without rate limits still gives a VF. */
            plugin_log(p, LOG_WARNING, "VIF %s: %s", v->uuid, p->error);
        else if (r < 0) {
            char why[PLUGIN_ERROR_MAX];

            memcpy(why, p->error, sizeof(why));
            r = plugin_fail(p, -EIO, "VIF %s: the NIC refused the VF "
                            "settings of %s: %.*s", v->uuid, bdf, 600, why);
            goto out;
        }
        plugin_step(p, "configured");
    } else {
        plugin_log(p, LOG_INFO, "VF %s is not a network function: no MAC "
                   "or VLAN to set", bdf);
    }

    r = p->backend->assignable_add(p, bdf);
    if (r < 0)
        goto out;
    plugin_step(p, "assignable");
    if (domid < 0)
        goto out;                       /* cold-plug: libxl attaches it */

    r = plugin_domain_pcis(p, (unsigned)domid, &held);
    if (r >= 0 && !in_strv(held, bdf)) {
        r = plugin_domain_pci_wait(p, (unsigned)domid);
        if (r >= 0)
            r = p->backend->pci_attach(p, (unsigned)domid, bdf);
        if (r >= 0)
            plugin_step(p, "attached");
    }
    if (r >= 0)
        r = plugin_mark_attached(p, v->uuid, pci, domid, true);
    if (r >= 0) {
        plugin_log(p, LOG_NOTICE, "VF %s attached to domain %ld for VIF "
                   "%s", bdf, domid, v->uuid);
        plugin_step(p, "recorded");
    }
out:
    store_record_free(vif);
    return r;
}

/* The candidates of each VIF's PF, judged for the domain: the first ones
 * by address, @p slack more than its VIFs need (0: all of them); the
 * first IOMMU refusal is kept for the error when they run out. */
static int candidates(plugin *p, struct plugin_vif *vifs, size_t n,
                      long domid, size_t slack, struct plugin_reserve *res,
                      char **iommu_why, bool *truncated)
{
    _cleanup_strv_free_ char **held = NULL;
    int r = 0;

    if (domid > 0)
        plugin_domain_pcis(p, (unsigned)domid, &held);
    for (size_t i = 0; i < n && r >= 0; i++) {
        struct plugin_vf_status *all = NULL;
        size_t m = 0, k = 0, want = 0, j;

        for (j = 0; j < i; j++)
            if (strcmp(vifs[j].pf_pci, vifs[i].pf_pci) == 0)
                break;
        if (j < i) {                    /* same PF: share its list */
            res->cands[i] = res->cands[j];
            res->n_cands[i] = res->n_cands[j];
            continue;
        }
        /* A few more than this PF's VIFs: others may take some first. */
        for (j = i; j < n; j++)
            want += strcmp(vifs[j].pf_pci, vifs[i].pf_pci) == 0;
        r = plugin_pf_vfs(p, vifs[i].pf_pci, held, slack ? want + slack : 0,
                          &all, &m);
        if (r < 0)
            break;
        for (j = 0; j < m; j++) {
            *truncated |= all[j].unjudged;
            if (!*all[j].reserved_by && !*all[j].vm && !all[j].unusable &&
                !all[j].unjudged) {
                all[k++] = all[j];
                continue;
            }
            if (all[j].iommu_refused && !*iommu_why)
                *iommu_why = TAKE_PTR(all[j].unusable);
            free(all[j].unusable);
        }
        res->cands[i] = all;
        res->n_cands[i] = k;
        res->owned[i] = true;
    }
    return r;
}

/*
 * Reserve and attach @p vifs (SR-IOV VIFs of VM @p vm) for @p domid, all
 * or none.  The caller holds the VM's lock.
 */
static int acquire(plugin *p, const char *vm, long domid,
                   struct plugin_vif *vifs, size_t n,
                   struct plugin_failure *f)
{
    struct plugin_reserve res = { .vm = vm, .domid = domid, .vifs = vifs,
                                  .n = n };
    sriov_vf_config *want = NULL;
    char *iommu_why = NULL;
    size_t todo = 0;
    int r = 0;

    want = calloc(n + 1, sizeof(*want));
    res.cands = calloc(n + 1, sizeof(*res.cands));
    res.n_cands = calloc(n + 1, sizeof(*res.n_cands));
    res.got = calloc(n + 1, sizeof(*res.got));
    res.owned = calloc(n + 1, sizeof(*res.owned));
    if (!want || !res.cands || !res.n_cands || !res.got || !res.owned) {
        r = -ENOMEM;
        goto out;
    }

    /* Bad input fails before anything is touched. */
    for (size_t i = 0; i < n && r >= 0; i++)
        r = plugin_vif_vf_config(p->ctx, vifs[i].rec, &want[i], p->error,
                                 sizeof(p->error));
    if (r < 0)
        goto out;

    /* A VIF still holding a VF for a domain that is gone: release it. */
    for (size_t i = 0; i < n && r >= 0; i++) {
        if (!*vifs[i].reserved_pci || vifs[i].domid < 0 ||
            vifs[i].domid == domid)
            continue;
        if (plugin_domain_is_vm(p, (unsigned)vifs[i].domid, vm) > 0) {
            r = plugin_fail(p, -EBUSY, "VIF %s is attached to domain %ld "
                            "of the same VM", vifs[i].uuid, vifs[i].domid);
            goto out;
        }
        r = plugin_release_vif(p, vifs[i].uuid, true, NULL);
        vifs[i].reserved_pci[0] = '\0';
        vifs[i].attached = false;
    }
    if (r < 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (!(vifs[i].attached && vifs[i].domid == domid))
            todo++;
    if (!todo)
        goto out;

    r = plugin_host_check(p);
    if (r >= 0 && domid >= 0 && p->backend->domain_check)
        r = p->backend->domain_check(p, (unsigned)domid);
    if (r < 0)
        goto out;
    for (size_t slack = 8;; slack = 0) {
        bool truncated = false;

        r = candidates(p, vifs, n, domid, slack, &res, &iommu_why,
                       &truncated);
        if (r >= 0)
            r = plugin_reserve(p, &res);
        /* Others took the few judged meanwhile: judge them all. */
        if (r != -ENOSPC || !truncated || !slack)
            break;
        for (size_t i = 0; i < n; i++) {
            if (res.owned[i])
                plugin_vf_status_free(res.cands[i], res.n_cands[i]);
            res.cands[i] = NULL;
            res.n_cands[i] = 0;
            res.owned[i] = false;
        }
    }
    if (r == -ENOSPC && iommu_why)
        r = plugin_fail(p, -EPERM, "%s", iommu_why);
    if (r < 0)
        goto out;
    plugin_step(p, "reserved");

    for (size_t i = 0; i < n && r >= 0; i++) {
        if (vifs[i].attached && vifs[i].domid == domid)
            continue;
        r = attach_one(p, &vifs[i], res.got[i], &want[i], domid);
    }
    if (r < 0) {
        /* All or none: give back every VF of the call, keep the error. */
        struct error_saved e;
        int k;

        error_save(&e, r, p->error);
        for (size_t i = n; i-- > 0;) {
            k = plugin_release_vif(p, vifs[i].uuid, true, NULL);
            if (k < 0)
                plugin_log(p, LOG_ERR, "VIF %s: rollback incomplete (%s): "
                           "xen-sriovd --reconcile retries it",
                           vifs[i].uuid, p->error);
        }
        error_restore(&e, NULL, p->error, sizeof(p->error));
        goto out;
    }
    r = (int)todo;
out:
    if (r < 0)
        note(p, r, f, res.short_network, vm, NULL);
    for (size_t i = 0; res.cands && res.owned && i < n; i++)
        if (res.owned[i])
            plugin_vf_status_free(res.cands[i], res.n_cands[i]);
    free(res.owned);
    free(res.cands);
    free(res.n_cands);
    free(res.got);
    free(want);
    free(iommu_why);
    return r;
}

/* ---- other_config:pci: XenServer 5.6's passthrough -------------------- */

/*
 * Pass the devices of the VM's other_config:pci through to @p domid, as a
 * VF is (host and IOMMU checks, made assignable, attached), in the list's
 * order.  Those attached already are left alone.  At the domain's death
 * libxl takes them from it; they stay assignable (with pciback), as
 * XAPI leaves them, for the VM's next start.
 * @return the number of devices attached now
 */
static int vm_pci_start(plugin *p, const char *vm, unsigned domid)
{
    struct schema_pci_item d[SCHEMA_PCI_MAX];
    _cleanup_strv_free_ char **held = NULL;
    store_record *rec = NULL;
    const char *list;
    char why[512];
    void *state;
    int n, r, done = 0;

    r = plugin_store_get(p, "VM", vm, &rec);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return plugin_fail_store(p, r);
    list = store_record_map_get(rec, SF_other_config, "pci");
    if (!list) {
        store_record_free(rec);
        return 0;
    }
    n = schema_pci_list_parse(list, d, why, sizeof(why));
    store_record_free(rec);
    if (n < 0)
        return plugin_fail(p, -EINVAL, "VM %s: other-config:pci: %s: set "
                           "it again with xe vm-param-set", vm, why);
    r = plugin_host_check(p);
    if (r >= 0 && p->backend->domain_check)
        r = p->backend->domain_check(p, domid);
    if (r >= 0)
        r = plugin_backend_state(p, &state);
    if (r >= 0)
        r = plugin_domain_pcis(p, domid, &held);
    for (int i = 0; r >= 0 && i < n; i++) {
        enum plugin_iommu_verdict v;

        if (in_strv(held, d[i].bdf))
            continue;
        v = plugin_iommu_check_device(p, d[i].bdf, held, why, sizeof(why));
        if (v == PLUGIN_IOMMU_SHARED || v == PLUGIN_IOMMU_NO_GROUP) {
            r = plugin_fail(p, -EPERM, "VM %s: other-config:pci device %s: "
                            "%s", vm, d[i].bdf, why);
            break;
        }
        r = p->backend->assignable_add(p, d[i].bdf);
        if (r >= 0)
            r = plugin_domain_pci_wait(p, domid);
        if (r >= 0)
            r = p->backend->pci_attach(p, domid, d[i].bdf);
        if (r < 0)
            break;
        plugin_log(p, LOG_NOTICE, "device %s attached to domain %u "
                   "(other-config:pci of VM %s)", d[i].bdf, domid, vm);
        done++;
    }
    return r < 0 ? r : done;
}

/* ---- entry points ------------------------------------------------------ */

int plugin_domain_start(plugin *p, unsigned domid)
{
    struct plugin_failure *f = plugin_failure_begin(p);
    struct plugin_vif *vifs = NULL;
    _cleanup_close_ int lock = -1;
    char vm[37];
    size_t n = 0;
    int r;

    r = plugin_domain_vm(p, domid, vm);
    if (r == -ENOENT || r == -EBADMSG) {
        plugin_log(p, LOG_DEBUG, "%s: not ours", p->error);
        return 0;
    }
    if (r < 0)
        return note(p, r, f, NULL, NULL, NULL);
    r = plugin_vm_lock(p, vm, false, &lock);
    if (r < 0)
        return note(p, r, f, NULL, vm, NULL);
    r = plugin_vm_vifs(p, vm, &vifs, &n);
    if (r < 0)
        return note(p, r, f, NULL, vm, NULL);
    if (n && plugin_domain_exists(p, domid) > 0)
        r = acquire(p, vm, domid, vifs, n, f);
    plugin_vifs_free(vifs, n);
    if (r >= 0 && plugin_domain_exists(p, domid) > 0) {
        int k = vm_pci_start(p, vm, domid);

        if (k < 0)
            return note(p, k, f, NULL, vm, NULL);
        r += k;
    }
    return r;
}

int plugin_domain_release(plugin *p, unsigned domid)
{
    struct plugin_failure *f = plugin_failure_begin(p);
    char dom[16];
    struct store_match m = { SF_domid, dom };
    store_record **recs = NULL;
    size_t n = 0;
    int r, released = 0, failed = 0;

    snprintf(dom, sizeof(dom), "%u", domid);
    r = plugin_store_list(p, "VIF", &m, 1, 0, &recs, &n);
    if (r < 0) {
        r = plugin_fail_store(p, r);
        return note(p, r, f, NULL, NULL, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        _cleanup_close_ int lock = -1;
        const char *vm = store_record_get(recs[i], SF_VM);

        if (!*store_record_get(recs[i], SF_reserved_pci))
            continue;
        r = plugin_vm_lock(p, vm, true, &lock);
        if (r >= 0)
            r = plugin_release_vif(p, store_record_uuid(recs[i]), true,
                                   NULL);
        if (r < 0) {
            plugin_log(p, LOG_ERR, "domain %u: %s", domid, p->error);
            if (!failed++)
                note(p, r, f, NULL, vm, NULL);
            continue;
        }
        released++;
    }
    store_record_list_free(recs, n);
    return failed ? -EIO : released;
}

/* The running domain of a VM, or -ESRCH. */
static int vm_domain(plugin *p, const char *vm, unsigned *ret)
{
    _cleanup_free_ unsigned *doms = NULL;
    size_t n = 0;
    int r;

    r = plugin_domain_list(p, &doms, &n);
    if (r < 0)
        return r;
    for (size_t i = 0; i < n; i++) {
        char uuid[37];

        if (plugin_domain_vm(p, doms[i], uuid) == 0 &&
            strcmp(uuid, vm) == 0) {
            *ret = doms[i];
            return 0;
        }
    }
    return -ESRCH;
}

/* A VIF record, or -ENOENT about the VIF. */
static int get_vif(plugin *p, const char *uuid, struct plugin_vif *ret,
                   struct plugin_failure *f)
{
    store_record *rec = NULL;
    int r;

    r = plugin_store_get(p, "VIF", uuid, &rec);
    if (r == -ENOENT) {
        plugin_fail(p, r, "no VIF %s: xe vif-list lists them", uuid);
        return note(p, r, f, NULL, NULL, uuid);
    }
    if (r < 0) {
        plugin_fail_store(p, r);
        return note(p, r, f, NULL, NULL, NULL);
    }
    r = plugin_vif_from_record(p, rec, ret);
    if (r > 0) {
        r = plugin_fail(p, -EINVAL, "VIF %s is not on an SR-IOV network: "
                        "xen-sriov plugs only VIFs whose VF it passes "
                        "through (for a bridged VIF use xl network-attach)",
                        uuid);
        plugin_vif_dispose(ret);
    }
    if (r < 0)
        return note(p, r, f, NULL, NULL, NULL);
    return 0;
}

int plugin_vif_plug(plugin *p, const char *vif_uuid)
{
    struct plugin_failure *f = plugin_failure_begin(p);
    struct plugin_vif v;
    _cleanup_close_ int lock = -1;
    unsigned domid = 0;
    int r;

    r = get_vif(p, vif_uuid, &v, f);
    if (r < 0)
        return r;
    r = vm_domain(p, v.vm, &domid);
    if (r == -ESRCH)
        plugin_fail(p, r, "VM %s has no running domain: start it (the VF "
                    "of VIF %s is given when it starts)", v.vm, vif_uuid);
    if (r >= 0)
        r = plugin_vm_lock(p, v.vm, true, &lock);
    if (r >= 0) {
        /* Read again under the lock. */
        plugin_vif_dispose(&v);
        r = get_vif(p, vif_uuid, &v, f);
        if (r < 0)
            return r;
        if (v.attached && v.domid == (long)domid) {
            r = plugin_fail(p, -EALREADY, "VIF %s is plugged already",
                            vif_uuid);
            note(p, r, f, NULL, v.vm, vif_uuid);
        } else {
            r = acquire(p, v.vm, domid, &v, 1, f);
        }
    } else {
        note(p, r, f, NULL, v.vm, NULL);
    }
    plugin_vif_dispose(&v);
    return r < 0 ? r : 0;
}

int plugin_vif_unplug(plugin *p, const char *vif_uuid, bool force)
{
    struct plugin_failure *f = plugin_failure_begin(p);
    struct plugin_vif v;
    _cleanup_close_ int lock = -1;
    int r;

    r = get_vif(p, vif_uuid, &v, f);
    if (r < 0)
        return r;
    r = plugin_vm_lock(p, v.vm, true, &lock);
    if (r < 0) {
        note(p, r, f, NULL, v.vm, NULL);
    } else {
        plugin_vif_dispose(&v);
        r = get_vif(p, vif_uuid, &v, f);
        if (r < 0)
            return r;
        if (!*v.reserved_pci) {
            r = plugin_fail(p, -EALREADY, "VIF %s holds no VF: unplugged "
                            "already", vif_uuid);
            note(p, r, f, NULL, v.vm, vif_uuid);
        } else {
            r = plugin_release_vif(p, vif_uuid, force, f);
        }
    }
    plugin_vif_dispose(&v);
    return r < 0 ? r : 0;
}

int plugin_vm_check_migrate(plugin *p, const char *vm_uuid)
{
    struct plugin_failure *f = plugin_failure_begin(p);
    struct plugin_vif *vifs = NULL;
    size_t n = 0;
    int r;

    r = plugin_vm_vifs(p, vm_uuid, &vifs, &n);
    if (r < 0)
        return note(p, r, f, NULL, vm_uuid, NULL);
    for (size_t i = 0; i < n && r >= 0; i++)
        if (*vifs[i].reserved_pci || vifs[i].attached) {
            r = plugin_fail(p, -EPERM, "VM %s holds a VF for VIF %s: it "
                            "cannot migrate or suspend (xe vif-unplug "
                            "uuid=%s first)", vm_uuid, vifs[i].uuid,
                            vifs[i].uuid);
            note(p, r, f, NULL, vm_uuid, vifs[i].uuid);
        }
    plugin_vifs_free(vifs, n);
    return r;
}

int plugin_acquire(plugin *p, const char *vm, long domid,
                   struct plugin_vif *vifs, size_t n,
                   struct plugin_failure *f)
{
    return acquire(p, vm, domid, vifs, n, f);
}

/* ---- boot restore ------------------------------------------------------ */

/* Do the fields @p want means differ in @p have? */
static bool config_differs(const sriov_vf_config *want,
                           const sriov_vf_config *have)
{
    unsigned m = want->mask;

    if (m & ~have->mask)
        return true;                /* the NIC did not say: set it */
    return ((m & SRIOV_VF_MAC) && memcmp(want->mac, have->mac, 6) != 0) ||
           ((m & SRIOV_VF_VLAN) && want->vlan != have->vlan) ||
           ((m & SRIOV_VF_QOS) && want->qos != have->qos) ||
           ((m & SRIOV_VF_SPOOFCHK) && want->spoofchk != have->spoofchk) ||
           ((m & SRIOV_VF_TRUST) && want->trust != have->trust) ||
           ((m & SRIOV_VF_LINK_STATE) &&
            want->link_state != have->link_state) ||
           ((m & SRIOV_VF_MIN_TX_RATE) &&
            want->min_tx_rate != have->min_tx_rate) ||
           ((m & SRIOV_VF_MAX_TX_RATE) &&
            want->max_tx_rate != have->max_tx_rate);
}

int plugin_vif_reapply(plugin *p, const char *vif_uuid, unsigned *ret_changed)
{
    struct plugin_failure *f = plugin_failure_begin(p);
    store_record *vif = NULL;
    _cleanup_free_ char *ifname = NULL, *driver = NULL;
    sriov_vf_config want = SRIOV_VF_CONFIG_INIT, have = SRIOV_VF_CONFIG_INIT;
    char pci[37], bdf[SRIOV_BDF_SIZE], why[256];
    unsigned idx = 0, failed = 0, changed = 0;
    void *state;
    int net, r;

    r = plugin_store_get(p, "VIF", vif_uuid, &vif);
    if (r < 0) {
        r = plugin_fail_store(p, r);
        goto out;
    }
    snprintf(pci, sizeof(pci), "%s", store_record_get(vif, SF_reserved_pci));
    if (!*pci)
        goto out;                       /* nothing held: nothing to redo */
    r = pci_bdf(p, pci, bdf);
    if (r >= 0)
        r = plugin_backend_state(p, &state);
    if (r < 0)
        goto out;
    r = sriov_pci_get_driver(p->ctx, bdf, &driver);
    if (r < 0) {
        r = plugin_fail_sriov(p, r);
        goto out;
    }
    net = locate(p, bdf, &ifname, &idx);
    if (net < 0) {
        r = net;
        goto out;
    }
    if (net > 0) {
        r = plugin_vif_vf_config(p->ctx, vif, &want, why, sizeof(why));
        if (r < 0) {
            r = plugin_fail(p, r, "VIF %s: %s", vif_uuid, why);
            goto out;
        }
        r = p->backend->vf_get(p, ifname, idx, &have);
        if (r < 0 || config_differs(&want, &have)) {
            r = p->backend->vf_apply(p, ifname, idx, &want, &failed);
            if (r == SRIOV_VF_RATE_REFUSED)
                plugin_log(p, LOG_WARNING, "VIF %s: %s", vif_uuid, p->error);
            else if (r < 0)
                goto out;
            r = 0;
            changed |= PLUGIN_REAPPLIED_SETTINGS;
        }
    }
    /* Taken by dom0's VF driver when the VFs were made again: a guest
     * is to have it, so back to pciback. */
    if (!streq_ptr(driver, SRIOV_PCIBACK_DRIVER)) {
        r = p->backend->assignable_add(p, bdf);
        if (r < 0)
            goto out;
        changed |= PLUGIN_REAPPLIED_PCIBACK;
    }
    if (ret_changed)
        *ret_changed = changed;
out:
    store_record_free(vif);
    if (r < 0)
        note(p, r, f, NULL, NULL, NULL);
    return r < 0 ? r : 0;
}
