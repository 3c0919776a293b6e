/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Make the store agree with the domains that exist, after a crash, a
 * daemon restart or a domain that died unseen. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "plugin/internal.h"

struct findings {
    plugin_report_fn fn;
    void *userdata;
    int n;
};

static void found(plugin *p, struct findings *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void found(plugin *p, struct findings *f, const char *fmt, ...)
{
    char buf[PLUGIN_ERROR_MAX + 256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    plugin_log(p, LOG_NOTICE, "reconcile: %s", buf);
    if (f->fn)
        f->fn(f->userdata, buf);
    f->n++;
}

/* The running domain of a VM, or -1. */
static long running_domain(plugin *p, const char *vm, const unsigned *doms,
                           size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (plugin_domain_is_vm(p, doms[i], vm) > 0)
            return doms[i];
    return -1;
}

/* One VIF holding a VF. */
static void check_vif(plugin *p, struct findings *f, const store_record *vif,
                      const unsigned *doms, size_t ndoms)
{
    const char *uuid = store_record_uuid(vif);
    const char *vm = store_record_get(vif, SF_VM);
    const char *pci = store_record_get(vif, SF_reserved_pci);
    const char *s = store_record_get(vif, SF_domid);
    bool attached = strcmp(store_record_get(vif, SF_currently_attached),
                           "true") == 0;
    long domid = s && *s ? strtol(s, NULL, 10) : -1;
    _cleanup_close_ int lock = -1;
    int r;

    if (domid < 0) {
        /* A cold-plug reservation: its process holds the VM's lock until
         * the domain exists; a free lock means that process died. */
        if (plugin_vm_lock_held(p, vm) > 0)
            return;
        domid = running_domain(p, vm, doms, ndoms);
        if (domid < 0) {
            if (plugin_vm_lock(p, vm, false, &lock) < 0)
                return;
            r = plugin_release_vif(p, uuid, true, NULL);
            found(p, f, "VIF %s: VF %s released: reserved by a cold-plug "
                  "whose process died before the domain was made%s%s",
                  uuid, pci, r < 0 ? "; release failed: " : "",
                  r < 0 ? p->error : "");
            return;
        }
    } else if (plugin_domain_is_vm(p, (unsigned)domid, vm) <= 0) {
        if (plugin_vm_lock(p, vm, false, &lock) < 0)
            return;                     /* someone works on it now */
        r = plugin_release_vif(p, uuid, true, NULL);
        found(p, f, "VIF %s: VF %s released: domain %ld of VM %s is "
              "gone%s%s", uuid, pci, domid, vm,
              r < 0 ? "; release failed: " : "", r < 0 ? p->error : "");
        return;
    } else if (attached) {
        _cleanup_strv_free_ char **held = NULL;
        char bdf[SRIOV_BDF_SIZE] = "";
        store_record *rec = NULL;

        /* Attached in the store: is it in the domain?  (A dry run
         * attaches nothing, so it cannot tell.) */
        if (p->opts.dry_run ||
            plugin_domain_pcis(p, (unsigned)domid, &held) < 0 ||
            plugin_store_get(p, "PCI", pci, &rec) < 0)
            return;
        sriov_bdf_parse(store_record_get(rec, SF_pci_id), bdf);
        store_record_free(rec);
        for (char **b = held; *b; b++)
            if (strcmp(*b, bdf) == 0)
                return;                 /* as it should be */
        if (plugin_vm_lock(p, vm, false, &lock) < 0)
            return;
        r = plugin_release_vif(p, uuid, true, NULL);
        found(p, f, "VIF %s: VF %s released: domain %ld no longer has it "
              "(an unplug was interrupted, or xl pci-detach)%s%s", uuid,
              bdf, domid, r < 0 ? "; release failed: " : "",
              r < 0 ? p->error : "");
        return;
    }
    /* The domain runs but its start was cut short: finish it. */
    r = plugin_domain_start(p, (unsigned)domid);
    if (r == -EBUSY || r == 0)
        return;                         /* busy, or finished meanwhile */
    found(p, f, "VIF %s: start of domain %ld (VM %s) %s%s", uuid, domid, vm,
          r < 0 ? "could not be finished: " : "finished",
          r < 0 ? p->error : "");
}

struct orphan_args {
    const char *pci;
};

/* A VF scheduled for a VM but reserved by no VIF (the VIF was destroyed
 * while it held it): free it. */
static int orphan_tx(store_tx *tx, void *userdata)
{
    struct orphan_args *a = userdata;
    store_record *pci = NULL;
    int k;

    k = store_tx_get(tx, "PCI", a->pci, &pci);
    if (k < 0)
        return k == -ENOENT ? 0 : k;
    if (!*store_record_get(pci, SF_reserved_by)) {
        k = store_record_set(pci, SF_scheduled_to_be_attached_to, "");
        if (k >= 0)
            k = store_record_set(pci, SF_reserved_domid, "-1");
        if (k >= 0)
            k = store_tx_update(tx, pci);
    }
    store_record_free(pci);
    return k;
}

static bool reserved_for(store_record **vfs, size_t n, const char *bdf,
                         unsigned domid, bool *is_vf)
{
    for (size_t i = 0; i < n; i++) {
        const char *d;

        if (strcmp(store_record_get(vfs[i], SF_pci_id), bdf) != 0 ||
            !*store_record_get(vfs[i], SF_physical_function))
            continue;
        *is_vf = true;
        d = store_record_get(vfs[i], SF_reserved_domid);
        return *store_record_get(vfs[i], SF_reserved_by) && d &&
               strtol(d, NULL, 10) == (long)domid;
    }
    return false;
}

int plugin_reconcile(plugin *p, plugin_report_fn report, void *userdata)
{
    struct findings f = { report, userdata, 0 };
    store_record **vifs = NULL, **pcis = NULL;
    _cleanup_free_ unsigned *doms = NULL;
    size_t nvif = 0, npci = 0, ndoms = 0;
    int r;

    r = plugin_domain_list(p, &doms, &ndoms);
    if (r >= 0)
        r = plugin_store_list(p, "VIF", NULL, 0, STORE_LIST_SKIP_INVALID,
                       &vifs, &nvif);
    if (r < 0)
        return r == -ENOMEM ? r : plugin_fail_store(p, r);
    for (size_t i = 0; i < nvif; i++)
        if (*store_record_get(vifs[i], SF_reserved_pci))
            check_vif(p, &f, vifs[i], doms, ndoms);
    store_record_list_free(vifs, nvif);

    r = plugin_store_list(p, "PCI", NULL, 0, STORE_LIST_SKIP_INVALID, &pcis,
                   &npci);
    if (r < 0)
        return plugin_fail_store(p, r);
    for (size_t i = 0; i < npci; i++) {
        struct orphan_args a = { store_record_uuid(pcis[i]) };

        if (!*store_record_get(pcis[i], SF_scheduled_to_be_attached_to) ||
            *store_record_get(pcis[i], SF_reserved_by))
            continue;
        r = store_transact(p->store, orphan_tx, &a);
        found(p, &f, "VF %s: reservation for VM %s freed: no "
              "VIF holds it any more (destroyed while reserved; its "
              "settings could not be restored)%s%s",
              store_record_get(pcis[i], SF_pci_id),
              store_record_get(pcis[i], SF_scheduled_to_be_attached_to),
              r < 0 ? "; failed: " : "",
              r < 0 ? store_last_error(p->store) : "");
    }

    /* VFs in a running domain that no reservation names. */
    for (size_t d = 0; d < ndoms; d++) {
        _cleanup_strv_free_ char **held = NULL;

        if (plugin_domain_pcis(p, doms[d], &held) < 0)
            continue;
        for (char **b = held; *b; b++) {
            bool is_vf = false;

            if (!reserved_for(pcis, npci, *b, doms[d], &is_vf) && is_vf)
                found(p, &f, "VF %s is attached to domain %u but no VIF "
                      "reserves it (xl pci-attach, or pci=[...] in the "
                      "domain's config): xen-sriov does not count it as "
                      "free and will not release it", *b, doms[d]);
        }
    }
    store_record_list_free(pcis, npci);
    return f.n;
}
