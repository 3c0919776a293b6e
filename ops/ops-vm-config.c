/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A VM's other_config: param-set/add/remove/clear and XenAPI's
 * VM.set_other_config, add_to_other_config, remove_from_other_config.
 * The VMs are Xen's (ops-vm.c); what xen-sriov keeps of one is a VM record
 * in the store, made by the first key and destroyed with the last.  The
 * key xen-sriov gives a meaning to is pci (XenServer 5.6's passthrough:
 * the plugin passes those devices through at the domain's start), checked
 * against the host before anything is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "ops/ops-internal.h"

/* The value of other_config:pci the changes leave; *touched when one of
 * them names it (a change of other keys does not check the host). */
static const char *pci_after(const store_record *cur,
                             const struct ops_change *c, size_t n,
                             bool *touched)
{
    const char *v = cur ? store_record_map_get(cur, SF_other_config, "pci")
                        : NULL;

    *touched = false;
    for (size_t i = 0; i < n; i++) {
        if (!streq_ptr(c[i].field, "other_config") ||
            !streq_ptr(c[i].key, "pci"))
            continue;
        if (c[i].op == OPS_MAP_PUT || c[i].op == OPS_MAP_ADD) {
            v = c[i].value ? c[i].value : "";
            *touched = true;
        } else if (c[i].op == OPS_MAP_REMOVE) {
            v = NULL;
            *touched = true;
        }
    }
    return v;
}

/* The domain the pci backend of dom0 gives bdf to (xl pci-attach, or a
 * pci=[] of an xl config), or -1. */
static long backend_domain(const char *bdf)
{
    struct xs_handle *xs = xs_open(0);
    unsigned n = 0;
    char **doms;
    long found = -1;

    if (!xs)
        return -1;
    doms = xs_directory(xs, XBT_NULL, "/local/domain/0/backend/pci", &n);
    for (unsigned i = 0; doms && found < 0 && i < n; i++) {
        char path[128];
        unsigned len, k = 0;
        char **devs;

        snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%s/0",
                 doms[i]);
        devs = xs_directory(xs, XBT_NULL, path, &k);
        for (unsigned j = 0; devs && found < 0 && j < k; j++) {
            char *v;

            if (strncmp(devs[j], "dev-", 4) != 0)
                continue;
            snprintf(path, sizeof(path),
                     "/local/domain/0/backend/pci/%s/0/%s", doms[i], devs[j]);
            v = xs_read(xs, XBT_NULL, path, &len);
            if (v && strcasecmp(v, bdf) == 0)
                found = strtol(doms[i], NULL, 10);
            free(v);
        }
        free(devs);
    }
    free(doms);
    xs_close(xs);
    return found;
}

/* The host's word on each device: it exists, it is not a PF with VFs
 * enabled, no other domain has it.  uuids[i]: its PCI record, or "". */
static int check_host(struct ops_ctx *ops, const struct ops_vm *vm,
                      const char *list, const struct schema_pci_item *d,
                      int n, char (*uuids)[37], struct xapi_error *err)
{
    char why[256];

    for (int i = 0; i < n; i++) {
        sriov_host *h = NULL;
        unsigned vfs = 0;
        struct store_match m = { SF_pci_id, d[i].bdf };
        store_record **recs = NULL;
        size_t nr = 0;
        unsigned cls;
        long dom;
        int r;

        r = sriov_pci_get_class(ops->sriov, d[i].bdf, &cls);
        if (r == -ENODEV) {
            snprintf(why, sizeof(why), "there is no PCI device %s on this "
                     "host (lspci -D lists them)", d[i].bdf);
            goto refuse;
        }
        if (sriov_host_scan_device(&h, ops->sriov, d[i].bdf, 0) >= 0 &&
            sriov_host_pf_count(h) > 0)
            vfs = sriov_pf_numvfs(sriov_host_pf(h, 0));
        sriov_host_free(h);
        if (vfs > 0) {
            snprintf(why, sizeof(why), "%s is a PF with %u VFs enabled: give "
                     "its VFs through an SR-IOV network, or disable them "
                     "first", d[i].bdf, vfs);
            goto refuse;
        }
        dom = backend_domain(d[i].bdf);
        if (dom >= 0 && dom != vm->domid) {
            snprintf(why, sizeof(why), "%s is passed through to domain %ld "
                     "already: detach it there first (xl pci-detach)",
                     d[i].bdf, dom);
            goto refuse;
        }
        uuids[i][0] = '\0';
        r = store_list(ops->st, "PCI", &m, 1, STORE_LIST_SKIP_INVALID, &recs,
                       &nr);
        if (r < 0)
            return ops__store_fail(ops, r, err);
        if (nr)
            snprintf(uuids[i], 37, "%s", store_record_uuid(recs[0]));
        store_record_list_free(recs, nr);
        continue;
refuse:
        return xapi_error_set(err, -EINVAL, XAPI_VALUE_NOT_SUPPORTED,
                              "other_config:pci", list, why, NULL);
    }
    return 0;
}

struct vm_args {
    struct ops_ctx *ops;
    const char *uuid;
    const struct ops_change *c;
    size_t n;
    const char *pci;                    /* the list after the changes */
    const struct schema_pci_item *d;
    int n_d;
    char (*pci_uuids)[37];
    struct ops_undo undo;
    struct xapi_error *err;
};

/* In the transaction: no VIF holds a listed device as its VF, no other
 * VM lists it (the few VM records: read in the transaction, so that a
 * reservation or another VM's change made meanwhile conflicts). */
static int check_store(store_tx *tx, struct vm_args *a)
{
    _cleanup_records_ struct ops_records vms = { 0 };
    char why[256];
    int r;

    for (int i = 0; i < a->n_d; i++) {
        _cleanup_free_ char *vif = NULL;

        if (!a->pci_uuids[i][0])
            continue;
        r = store_tx_get_field(tx, "PCI", a->pci_uuids[i], SF_reserved_by,
                               &vif);
        if (r == -ENOENT)
            continue;
        if (r < 0)
            return ops__tx_fail(tx, r, a->err);
        if (*vif) {
            snprintf(why, sizeof(why), "%s is the VF of VIF %s (an SR-IOV "
                     "network): stop its VM first", a->d[i].bdf, vif);
            return xapi_error_set(a->err, -EBUSY, XAPI_VALUE_NOT_SUPPORTED,
                                  "other_config:pci", a->pci, why, NULL);
        }
    }
    r = store_tx_list(tx, "VM", NULL, 0, STORE_LIST_SKIP_INVALID, &vms.v,
                      &vms.n);
    if (r < 0)
        return ops__tx_fail(tx, r, a->err);
    for (size_t k = 0; k < vms.n; k++) {
        const char *other = store_record_map_get(vms.v[k], SF_other_config,
                                                 "pci");

        if (!other || streq_ptr(store_record_uuid(vms.v[k]), a->uuid))
            continue;
        for (int i = 0; i < a->n_d; i++)
            if (schema_pci_list_has(other, a->d[i].bdf)) {
                snprintf(why, sizeof(why), "%s is in the other-config:pci "
                         "of VM %s: remove it there first", a->d[i].bdf,
                         store_record_uuid(vms.v[k]));
                return xapi_error_set(a->err, -EBUSY,
                                      XAPI_VALUE_NOT_SUPPORTED,
                                      "other_config:pci", a->pci, why, NULL);
            }
    }
    return 0;
}

static int vm_fn(store_tx *tx, void *userdata)
{
    struct vm_args *a = userdata;
    _cleanup_record_ store_record *cur = NULL, *old = NULL;
    int r;

    ops__undo_reset(&a->undo);
    xapi_error_clear(a->err);
    r = store_tx_get(tx, "VM", a->uuid, &old);
    if (r == -ENOENT) {
        old = NULL;
        r = store_record_new(&cur, "VM");
        if (r >= 0)
            r = store_record_set_uuid(cur, a->uuid);
    } else if (r >= 0) {
        r = store_record_dup(&cur, old);
    }
    if (r < 0)
        return ops__tx_fail(tx, r, a->err);
    r = ops__apply_to(cur, a->c, a->n, a->err);
    if (r >= 0 && a->n_d > 0)
        r = check_store(tx, a);
    if (r < 0)
        return r;
    if (store_record_map_count(cur, SF_other_config) == 0)
        return old ? ops__tx_destroy(tx, &a->undo, "VM", a->uuid) : 0;
    if (!old)
        return ops__tx_create(tx, &a->undo, cur);
    return ops__tx_update(tx, &a->undo, old, cur);
}

int ops__vm_apply_changes(struct ops_ctx *ops, const char *uuid,
                          const struct ops_change *c, size_t n,
                          struct xapi_error *err)
{
    struct schema_pci_item d[SCHEMA_PCI_MAX];
    char pci_uuids[SCHEMA_PCI_MAX][37];
    struct vm_args a = { .ops = ops, .c = c, .n = n, .d = d,
                         .pci_uuids = pci_uuids, .undo.ops = ops,
                         .err = err };
    _cleanup_record_ store_record *cur = NULL;
    struct ops_vm vm;
    bool touched;
    char why[256];
    int r;

    /* Only a VM Xen knows (an xl config, a domain) has other_config. */
    r = ops_vm_find(ops, uuid, &vm, err);
    if (r < 0)
        return r;
    a.uuid = vm.uuid;
    r = store_get(ops->st, "VM", vm.uuid, &cur);
    if (r < 0 && r != -ENOENT) {
        ops_vm_done(&vm);
        return ops__store_fail(ops, r, err);
    }
    a.pci = pci_after(r >= 0 ? cur : NULL, c, n, &touched);
    if (touched && a.pci) {
        a.n_d = schema_pci_list_parse(a.pci, d, why, sizeof(why));
        r = a.n_d < 0 ? xapi_error_set(err, -EINVAL,
                                       XAPI_VALUE_NOT_SUPPORTED,
                                       "other_config:pci", a.pci, why, NULL)
                      : check_host(ops, &vm, a.pci, d, a.n_d, pci_uuids,
                                   err);
    } else {
        r = 0;
    }
    if (r >= 0)
        r = ops__transact(ops, vm_fn, &a, &a.undo, err);
    ops__undo_reset(&a.undo);
    if (r >= 0)
        ops__log(ops, "vm-param-set %s (%zu change%s)", vm.uuid, n,
                 n == 1 ? "" : "s");
    ops_vm_done(&vm);
    return r;
}

int ops_vm_other_config(struct ops_ctx *ops, const char *uuid,
                        store_record **ret, struct xapi_error *err)
{
    int r = store_get(ops->st, "VM", uuid, ret);

    if (r == -ENOENT) {
        *ret = NULL;
        return 0;
    }
    return r < 0 ? ops__store_fail(ops, r, err) : 0;
}
