/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xe pif-scan: the host's NICs and SR-IOV functions as PIF and PCI records. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <unistd.h>

#include "ops/ops-internal.h"

/* Objects per transaction: xenstored gets slow with big transactions. */
#define BATCH 16

/* Fields the scan owns (the rest is the users' or the plugin's). */
static const enum schema_fid pci_fields[] = {
    SF_pci_id, SF_class_id, SF_class_name, SF_vendor_id, SF_vendor_name,
    SF_device_id, SF_device_name, SF_subsystem_vendor_id,
    SF_subsystem_device_id, SF_subsystem_device_name, SF_driver_name,
    SF_host, SF_physical_function, SF_iommu_group, SF_NONE
};
static const enum schema_fid deps_fields[] = { SF_dependencies, SF_NONE };
static const enum schema_fid pif_fields[] = {
    SF_device, SF_MAC, SF_host, SF_PCI, SF_capabilities,
    SF_currently_attached, SF_disappeared, SF_network, SF_MTU, SF_NONE
};
/* A network the scan creates for a PIF (the rest are users'). */
static const enum schema_fid network_fields[] = {
    SF_name_label, SF_name_description, SF_bridge, SF_MTU, SF_managed,
    SF_NONE
};
static const enum schema_fid gone_fields[] = {
    SF_currently_attached, SF_disappeared, SF_NONE
};

enum job_kind { JOB_WRITE, JOB_DESTROY };

/* One object to create, update (the listed fields) or destroy. */
struct job {
    enum job_kind kind;
    int pass;                       /* jobs of a pass run before the next */
    store_record *want;             /* JOB_WRITE: uuid + wanted fields */
    const enum schema_fid *fields;       /* SF_NONE-terminated */
    bool create;
    char cls[16];                   /* JOB_DESTROY */
    char uuid[37];
};

/* A device of the scan with its PCI record. */
struct dev {
    char bdf[16];
    char uuid[37];
    bool is_vf;
    sriov_pf *pf;                   /* the PF, or the VF's PF */
    sriov_vf *vf;
};

struct plan {
    struct ops_ctx *ops;
    const char *host;
    const char *only_pf;            /* sync of one PF: its bdf */
    struct dev *devs;
    size_t n_devs;
    struct ops_records pcis, pifs;  /* as stored before */
    struct ops_records nets;        /* networks as stored before */
    char (*new_nets)[2][37];        /* networks this scan creates: bridge,
                                     * uuid */
    size_t n_new_nets;
    struct job *jobs;
    size_t n_jobs;
};

static void plan_done(struct plan *p)
{
    for (size_t i = 0; i < p->n_jobs; i++)
        store_record_free(p->jobs[i].want);
    free(p->jobs);
    free(p->devs);
    free(p->new_nets);
    ops_records_done(&p->nets);
    ops_records_done(&p->pcis);
    ops_records_done(&p->pifs);
}

static int add_job(struct plan *p, struct job j)
{
    struct job *v = realloc(p->jobs, (p->n_jobs + 1) * sizeof(*v));

    if (!v) {
        store_record_free(j.want);
        return -ENOMEM;
    }
    p->jobs = v;
    p->jobs[p->n_jobs++] = j;
    return 0;
}

static store_record *find_by(const struct ops_records *l,
                             enum schema_fid field,
                             const char *value, bool nocase)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *v = ops__get(l->v[i], field);

        if (*value && (nocase ? strcasecmp(v, value) : strcmp(v, value)) == 0)
            return l->v[i];
    }
    return NULL;
}

static struct dev *dev_by_bdf(struct plan *p, const char *bdf)
{
    for (size_t i = 0; i < p->n_devs; i++)
        if (strcmp(p->devs[i].bdf, bdf) == 0)
            return &p->devs[i];
    return NULL;
}

/* Queue the write when something of fields differs (or it is new). */
static int want_write(struct plan *p, int pass, store_record *want,
                      const store_record *have, const enum schema_fid *fields)
{
    struct job j = { .kind = JOB_WRITE, .pass = pass, .want = want,
                     .fields = fields, .create = !have };

    if (have) {
        bool same = true;

        for (size_t i = 0; fields[i] != SF_NONE; i++)
            if (strcmp(ops__get(want, fields[i]),
                       ops__get(have, fields[i])) != 0)
                same = false;
        if (same) {
            store_record_free(want);
            return 0;
        }
    }
    return add_job(p, j);
}

static int add_dev(struct plan *p, const char *bdf, sriov_pf *pf,
                   sriov_vf *vf)
{
    struct dev *v = realloc(p->devs, (p->n_devs + 1) * sizeof(*v));
    const store_record *have;
    int r;

    if (!v)
        return -ENOMEM;
    p->devs = v;
    v = &v[p->n_devs++];
    memset(v, 0, sizeof(*v));
    snprintf(v->bdf, sizeof(v->bdf), "%s", bdf);
    v->pf = pf;
    v->vf = vf;
    v->is_vf = vf != NULL;
    have = find_by(&p->pcis, SF_pci_id, bdf, false);
    if (have) {
        memcpy(v->uuid, store_record_uuid(have), 37);
        return 0;
    }
    r = ops__new_uuid(p->ops, v->uuid);
    return r;
}

static int hex(store_record *r, enum schema_fid field, unsigned v,
               int digits)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%0*x", digits, v);
    return ops__set(r, field, buf);
}

/* The PCI record (without dependencies) a device should have. */
static int pci_want(struct plan *p, struct dev *d, store_record **ret)
{
    _cleanup_record_ store_record *w = NULL;
    sriov_pf *pf = d->pf;
    char group[16] = "";
    int g, r;

    r = store_record_new(&w, "PCI");
    if (r < 0)
        return r;
    g = d->is_vf ? sriov_vf_iommu_group(d->vf) : sriov_pf_iommu_group(pf);
    if (g >= 0)
        snprintf(group, sizeof(group), "%d", g);
    r = store_record_set_uuid(w, d->uuid);
    if (r >= 0)
        r = ops__set(w, SF_pci_id, d->bdf);
    if (r >= 0)
        r = hex(w, SF_class_id, sriov_pf_class(pf) >> 8, 4);
    if (r >= 0)
        r = ops__set(w, SF_class_name, sriov_pf_class_name(pf));
    if (r >= 0)
        r = hex(w, SF_vendor_id, sriov_pf_vendor_id(pf), 4);
    if (r >= 0)
        r = ops__set(w, SF_vendor_name, sriov_pf_vendor_name(pf));
    if (r >= 0)
        r = hex(w, SF_device_id, d->is_vf ? sriov_vf_device_id(d->vf)
                                         : sriov_pf_device_id(pf), 4);
    if (r >= 0)
        r = ops__set(w, SF_device_name, d->is_vf
                                           ? sriov_vf_device_name(d->vf)
                                           : sriov_pf_device_name(pf));
    /* The board's subsystem ids: a VF's are its PF's (iov.c reads them
     * once from the PF, pci_read_vf_config_common()). */
    if (r >= 0 && (sriov_pf_subsystem_vendor_id(pf) ||
                   sriov_pf_subsystem_device_id(pf))) {
        r = hex(w, SF_subsystem_vendor_id, sriov_pf_subsystem_vendor_id(pf),
                4);
        if (r >= 0)
            r = hex(w, SF_subsystem_device_id,
                    sriov_pf_subsystem_device_id(pf), 4);
    }
    if (r >= 0)
        r = ops__set(w, SF_subsystem_device_name, sriov_pf_subsystem_name(pf));
    if (r >= 0)
        r = ops__set(w, SF_driver_name, d->is_vf ? sriov_vf_driver(d->vf)
                                                : sriov_pf_driver(pf));
    if (r >= 0)
        r = ops__set(w, SF_host, p->host);
    if (r >= 0)
        r = ops__set(w, SF_iommu_group, group);
    if (r >= 0 && d->is_vf) {
        struct dev *pd = dev_by_bdf(p, sriov_pf_bdf(pf));

        r = ops__set(w, SF_physical_function, pd ? pd->uuid : "");
    } else if (r >= 0) {
        r = ops__set(w, SF_physical_function, "");
    }
    if (r >= 0)
        *ret = TAKE_PTR(w);
    return r;
}

/* The other members of the device's IOMMU group that have records. */
static int deps_want(struct plan *p, struct dev *d, store_record **ret)
{
    _cleanup_record_ store_record *w = NULL;
    _cleanup_free_ char *joined = strdup("");
    unsigned n = d->is_vf ? sriov_vf_iommu_group_size(d->vf)
                          : sriov_pf_iommu_group_size(d->pf);
    int r;

    if (!joined)
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        const char *m = d->is_vf ? sriov_vf_iommu_group_member(d->vf, i)
                                 : sriov_pf_iommu_group_member(d->pf, i);
        struct dev *o = m ? dev_by_bdf(p, m) : NULL;
        char *next;

        if (!o || o == d)
            continue;
        if (asprintf(&next, "%s%s%s", joined, *joined ? "," : "",
                     o->uuid) < 0)
            return -ENOMEM;
        free(joined);
        joined = next;
    }
    r = store_record_new(&w, "PCI");
    if (r >= 0)
        r = store_record_set_uuid(w, d->uuid);
    if (r >= 0)
        r = ops__set(w, SF_dependencies, joined);
    if (r >= 0)
        *ret = TAKE_PTR(w);
    return r;
}

static int plan_pcis(struct plan *p)
{
    store_record *w;
    int r;

    /* PFs first: VFs refer to them. */
    for (int vfs = 0; vfs < 2; vfs++)
        for (size_t i = 0; i < p->n_devs; i++) {
            if (p->devs[i].is_vf != (bool)vfs)
                continue;
            r = pci_want(p, &p->devs[i], &w);
            if (r >= 0)
                r = want_write(p, vfs, w, find_by(&p->pcis, SF_pci_id,
                                                  p->devs[i].bdf, false),
                               pci_fields);
            if (r < 0)
                return r;
        }
    for (size_t i = 0; i < p->n_devs; i++) {
        r = deps_want(p, &p->devs[i], &w);
        if (r >= 0)
            r = want_write(p, 3, w, find_by(&p->pcis, SF_pci_id,
                                            p->devs[i].bdf, false),
                           deps_fields);
        if (r < 0)
            return r;
    }
    return 0;
}

/*
 * The bridge of a NIC's network: the Linux bridge the interface is a port
 * of (sysfs brport/bridge, how plain Xen hosts are set up), else XAPI's
 * bridge_naming_convention (xapi_pif.ml before CP-53614): "xenbrN" for
 * ethN, "br<device>" otherwise.
 */
static void pif_bridge(struct plan *p, const char *dev, char ret[37])
{
    if (sriov_ifname_readlink(p->ops->sriov, dev, "brport/bridge", ret,
                              37) > 0)
        return;
    if (strncmp(dev, "eth", 3) == 0)
        snprintf(ret, 37, "xenbr%.31s", dev + 3);
    else
        snprintf(ret, 37, "br%.34s", dev);
}

/* The interface's MTU as the kernel has it (sysfs), 1500 if unreadable. */
static const char *pif_mtu(struct plan *p, const char *dev, char buf[16])
{
    char text[32];
    long v = 0;

    if (sriov_ifname_read(p->ops->sriov, dev, "mtu", text, sizeof(text)) > 0)
        v = strtol(text, NULL, 10);
    snprintf(buf, 16, "%ld", v >= 68 && v <= 65535 ? v : 1500L);
    return buf;
}

/*
 * The network of a physical PIF, as XAPI's introduce_internal: the one it
 * has (kept when the NIC moves slot or is renamed), else the network with
 * its bridge (find_or_create_network), else a new one, "Pool-wide network
 * associated with <device>" (helpers.ml choose_network_name_for_pif),
 * MTU 1500, managed.
 */
static int pif_network(struct plan *p, const store_record *have,
                       const char *dev, char ret[37])
{
    const char *cur = have ? ops__get(have, SF_network) : "";
    _cleanup_free_ char *label = NULL;
    store_record *w = NULL;
    char bridge[37], (*v)[2][37];
    int r;

    for (size_t i = 0; *cur && i < p->nets.n; i++)
        if (strcmp(store_record_uuid(p->nets.v[i]), cur) == 0) {
            snprintf(ret, 37, "%s", cur);
            return 0;
        }
    pif_bridge(p, dev, bridge);
    for (size_t i = 0; i < p->nets.n; i++)
        if (strcmp(ops__get(p->nets.v[i], SF_bridge), bridge) == 0) {
            snprintf(ret, 37, "%s", store_record_uuid(p->nets.v[i]));
            return 0;
        }
    for (size_t i = 0; i < p->n_new_nets; i++)
        if (strcmp(p->new_nets[i][0], bridge) == 0) {
            snprintf(ret, 37, "%s", p->new_nets[i][1]);
            return 0;
        }
    v = realloc(p->new_nets, (p->n_new_nets + 1) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    p->new_nets = v;
    v = &v[p->n_new_nets];
    r = ops__new_uuid(p->ops, v[0][1]);
    if (r < 0)
        return r;
    snprintf(v[0][0], 37, "%s", bridge);
    if (asprintf(&label, "Pool-wide network associated with %s", dev) < 0)
        return -ENOMEM;
    r = store_record_new(&w, "network");
    if (r >= 0)
        r = store_record_set_uuid(w, v[0][1]);
    if (r >= 0)
        r = ops__set(w, SF_name_label, label);
    if (r >= 0)
        r = ops__set(w, SF_name_description, "");
    if (r >= 0)
        r = ops__set(w, SF_bridge, bridge);
    if (r >= 0)
        r = ops__set(w, SF_MTU, "1500");
    if (r >= 0)
        r = ops__set(w, SF_managed, "true");
    if (r < 0) {
        store_record_free(w);
        return r;
    }
    p->n_new_nets++;
    snprintf(ret, 37, "%s", v[0][1]);
    /* Before the PIFs (pass 2), which refer to it. */
    return want_write(p, 1, w, NULL, network_fields);
}

static int pif_want(struct plan *p, sriov_pf *pf, const store_record *have,
                    store_record **ret)
{
    _cleanup_record_ store_record *w = NULL;
    sriov_netdev *nd = sriov_pf_netdev(pf, 0);
    const char *mac = sriov_netdev_mac(nd);
    struct dev *d = dev_by_bdf(p, sriov_pf_bdf(pf));
    char net[37], mtu[16];
    int r;

    r = pif_network(p, have, sriov_netdev_name(nd), net);
    if (r >= 0)
        r = store_record_new(&w, "PIF");
    if (r >= 0 && have)
        r = store_record_set_uuid(w, store_record_uuid(have));
    if (r >= 0)
        r = ops__set(w, SF_device, sriov_netdev_name(nd));
    if (r >= 0)
        r = ops__set(w, SF_MAC, mac ? mac : "");
    if (r >= 0)
        r = ops__set(w, SF_host, p->host);
    if (r >= 0)
        r = ops__set(w, SF_PCI, d ? d->uuid : "");
    if (r >= 0)
        r = ops__set(w, SF_capabilities,
                     sriov_pf_is_sriov_capable(pf) ? "sriov" : "");
    if (r >= 0)
        r = ops__set(w, SF_currently_attached, "true");
    if (r >= 0)
        r = ops__set(w, SF_disappeared, "false");
    if (r >= 0)
        r = ops__set(w, SF_network, net);
    if (r >= 0)
        r = ops__set(w, SF_MTU, pif_mtu(p, sriov_netdev_name(nd), mtu));
    /* XAPI's default_properties of a new physical PIF (xapi_pif.ml). */
    if (r >= 0 && !have)
        r = store_record_map_put(w, SF_properties, "gro", "on");
    if (r >= 0)
        *ret = TAKE_PTR(w);
    return r;
}

/* The network PFs that get a PIF: their interface's MAC, or NULL. */
static const char *pf_mac(sriov_pf *pf)
{
    if (!sriov_pf_is_network(pf) || sriov_pf_netdev_count(pf) == 0)
        return NULL;
    return sriov_netdev_mac(sriov_pf_netdev(pf, 0));
}

/* Which PIF is the NIC now at each PF: the one with its MAC first (a NIC
 * keeps its MAC when it moves to another slot, or two swap), then the one
 * of its PCI address (a NIC replaced in the slot, or a MAC changed). */
static void match_pifs(struct plan *p, sriov_host *h, bool *seen,
                       store_record **have)
{
    unsigned n = sriov_host_pf_count(h);

    for (unsigned i = 0; i < n; i++) {
        const char *mac = pf_mac(sriov_host_pf(h, i));

        for (size_t k = 0; mac && *mac && k < p->pifs.n && !have[i]; k++)
            if (!seen[k] &&
                strcasecmp(ops__get(p->pifs.v[k], SF_MAC), mac) == 0) {
                have[i] = p->pifs.v[k];
                seen[k] = true;
            }
    }
    for (unsigned i = 0; i < n; i++) {
        sriov_pf *pf = sriov_host_pf(h, i);
        struct dev *d = dev_by_bdf(p, sriov_pf_bdf(pf));

        if (!sriov_pf_is_network(pf) || sriov_pf_netdev_count(pf) == 0)
            continue;
        for (size_t k = 0; d && k < p->pifs.n && !have[i]; k++)
            if (!seen[k] &&
                strcmp(ops__get(p->pifs.v[k], SF_PCI), d->uuid) == 0) {
                have[i] = p->pifs.v[k];
                seen[k] = true;
            }
    }
}

static int plan_pifs(struct plan *p, sriov_host *h)
{
    _cleanup_free_ bool *seen = calloc(p->pifs.n + 1, sizeof(*seen));
    _cleanup_free_ store_record **have =
        calloc(sriov_host_pf_count(h) + 1, sizeof(*have));
    store_record *w;
    int r;

    if (!seen || !have)
        return -ENOMEM;
    match_pifs(p, h, seen, have);
    for (unsigned i = 0; i < sriov_host_pf_count(h); i++) {
        sriov_pf *pf = sriov_host_pf(h, i);

        if (!sriov_pf_is_network(pf) || sriov_pf_netdev_count(pf) == 0)
            continue;
        r = pif_want(p, pf, have[i], &w);
        if (r >= 0)
            r = want_write(p, 2, w, have[i], pif_fields);
        if (r < 0)
            return r;
    }
    /* NICs no longer there: marked, never dropped. */
    for (size_t k = 0; k < p->pifs.n; k++) {
        if (seen[k])
            continue;
        r = store_record_new(&w, "PIF");
        if (r >= 0)
            r = store_record_set_uuid(w, store_record_uuid(p->pifs.v[k]));
        if (r >= 0)
            r = ops__set(w, SF_currently_attached, "false");
        if (r >= 0)
            r = ops__set(w, SF_disappeared, "true");
        if (r >= 0)
            r = want_write(p, 2, w, p->pifs.v[k], gone_fields);
        else
            store_record_free(w);
        if (r < 0)
            return r;
    }
    return 0;
}

static bool pci_held(const struct plan *p, const store_record *pci)
{
    if (*ops__get(pci, SF_reserved_by) ||
        *ops__get(pci, SF_scheduled_to_be_attached_to))
        return true;
    return find_by(&p->pifs, SF_PCI, store_record_uuid(pci), false) != NULL;
}

/* PCI records of functions that are gone: VFs first (they refer to
 * their PF); kept while a VIF reserved them or a PIF refers to them. */
static int plan_removals(struct plan *p)
{
    _cleanup_free_ bool *keep = calloc(p->pcis.n + 1, sizeof(*keep));
    int r;

    if (!keep)
        return -ENOMEM;
    for (size_t i = 0; i < p->pcis.n; i++) {
        const store_record *c = p->pcis.v[i];

        keep[i] = dev_by_bdf(p, ops__get(c, SF_pci_id)) || pci_held(p, c);
    }
    /* A PF stays while one of its VF records stays. */
    for (size_t i = 0; i < p->pcis.n; i++) {
        const char *pf = ops__get(p->pcis.v[i], SF_physical_function);

        if (!keep[i] || !*pf)
            continue;
        for (size_t k = 0; k < p->pcis.n; k++)
            if (strcmp(store_record_uuid(p->pcis.v[k]), pf) == 0)
                keep[k] = true;
    }
    for (int vfs = 1; vfs >= 0; vfs--)
        for (size_t i = 0; i < p->pcis.n; i++) {
            const store_record *c = p->pcis.v[i];
            struct job j = { .kind = JOB_DESTROY, .pass = 5 - vfs };

            if (keep[i] || (bool)*ops__get(c, SF_physical_function) != vfs)
                continue;
            snprintf(j.cls, sizeof(j.cls), "PCI");
            memcpy(j.uuid, store_record_uuid(c), 37);
            r = add_job(p, j);
            if (r < 0)
                return r;
        }
    return 0;
}

struct batch_args {
    struct plan *p;
    size_t from, to;
    struct ops_undo undo;
};

static int run_job(store_tx *tx, struct ops_undo *u, const struct job *j)
{
    _cleanup_record_ store_record *cur = NULL, *old = NULL;
    int k;

    if (j->kind == JOB_DESTROY) {
        k = store_tx_exists(tx, j->cls, j->uuid);
        return k <= 0 ? k : ops__tx_destroy(tx, u, j->cls, j->uuid);
    }
    k = store_tx_exists(tx, store_record_class(j->want)->name,
                        store_record_uuid(j->want));
    if (k < 0)
        return k;
    if (k == 0) {
        /* Removed meanwhile: only new objects are created. */
        if (!j->create)
            return 0;
        k = store_record_dup(&cur, j->want);
        return k < 0 ? k : ops__tx_create(tx, u, cur);
    }
    k = store_tx_get(tx, store_record_class(j->want)->name,
                     store_record_uuid(j->want), &cur);
    if (k >= 0)
        k = store_record_dup(&old, cur);
    for (size_t i = 0; k >= 0 && j->fields[i] != SF_NONE; i++)
        k = ops__set(cur, j->fields[i], ops__get(j->want, j->fields[i]));
    return k < 0 ? k : ops__tx_update(tx, u, old, cur);
}

static int batch_fn(store_tx *tx, void *userdata)
{
    struct batch_args *a = userdata;
    int k = 0;

    ops__undo_reset(&a->undo);
    for (size_t i = a->from; k >= 0 && i < a->to; i++)
        k = run_job(tx, &a->undo, &a->p->jobs[i]);
    return k;
}

/* Run the jobs in transactions of BATCH objects, a pass at a time. */
static int run_jobs(struct plan *p, struct xapi_error *err)
{
    char before[256] = "";
    size_t i = 0;
    int r = 0;

    while (r >= 0 && i < p->n_jobs) {
        struct batch_args a = { .p = p, .from = i, .undo.ops = p->ops };
        size_t end = i;

        while (end < p->n_jobs && end - i < BATCH &&
               p->jobs[end].pass == p->jobs[i].pass)
            end++;
        a.to = end;
        if (i > 0)
            snprintf(before, sizeof(before), "the %zu record change%s of "
                     "this scan before it %s in xenstore and on disk, the "
                     "other %zu not made; the next xe pif-scan makes them",
                     i, i == 1 ? "" : "s", i == 1 ? "is" : "are",
                     p->n_jobs - i);
        r = ops__transact_after(p->ops, batch_fn, &a, &a.undo, before, err);
        ops__undo_reset(&a.undo);
        i = end;
        if (r >= 0 && i < p->n_jobs)
            ops__step(p->ops, "pif-scan:batch");
    }
    return r;
}

static int cmp_pass(const void *a, const void *b)
{
    const struct job *x = a, *y = b;

    return x->pass - y->pass;
}

/* The stored records this scan may change: all of the host's, or those
 * of one PF (its record and its VFs'). */
static int read_existing(struct plan *p, struct xapi_error *err)
{
    struct store_match host = { SF_host, p->host };
    struct ops_records all = { 0 };
    const store_record *pf;
    const char *pf_uuid;
    int r;

    r = store_list(p->ops->st, "PCI", &host, 1, STORE_LIST_SKIP_INVALID,
                   &all.v, &all.n);
    if (r < 0)
        return ops__store_fail(p->ops, r, err);
    if (!p->only_pf) {
        p->pcis = all;
        r = store_list(p->ops->st, "network", NULL, 0,
                       STORE_LIST_SKIP_INVALID, &p->nets.v, &p->nets.n);
        if (r < 0)
            return ops__store_fail(p->ops, r, err);
        r = store_list(p->ops->st, "PIF", (struct store_match[]){
                           { SF_host, p->host }, { SF_physical, "true" } },
                       2, STORE_LIST_SKIP_INVALID, &p->pifs.v, &p->pifs.n);
        return r < 0 ? ops__store_fail(p->ops, r, err) : 0;
    }
    pf = find_by(&all, SF_pci_id, p->only_pf, false);
    pf_uuid = pf ? store_record_uuid(pf) : "";
    for (size_t i = 0; i < all.n; i++) {
        store_record *c = all.v[i];
        store_record **v;

        if (c != pf && (!*pf_uuid ||
                        strcmp(ops__get(c, SF_physical_function), pf_uuid)))
            continue;
        v = realloc(p->pcis.v, (p->pcis.n + 1) * sizeof(*v));
        if (!v) {
            ops_records_done(&all);
            return xapi_error_internal(err, -ENOMEM, "out of memory");
        }
        p->pcis.v = v;
        v[p->pcis.n++] = c;
        all.v[i] = NULL;
    }
    ops_records_done(&all);
    return 0;
}

/* Serialize scans (two would both create a record for a new device). */
static int scan_lock(struct ops_ctx *ops, struct xapi_error *err)
{
    _cleanup_free_ char *path = NULL;
    int fd;

    if (asprintf(&path, "%s/scan.lock", store_state_dir(ops->st)) < 0)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        int r = negative_errno();

        if (fd >= 0)
            close(fd);
        return xapi_error_internal(err, r, "cannot lock '%s': %s: make the "
                                   "state directory writable", path,
                                   strerror(-r));
    }
    return fd;
}

/* A PF and its VFs, as the scan saw them. */
static int add_pf(struct plan *p, sriov_pf *pf)
{
    int r;

    r = add_dev(p, sriov_pf_bdf(pf), pf, NULL);
    for (unsigned k = 0; r >= 0 && k < sriov_pf_vf_count(pf); k++)
        r = add_dev(p, sriov_vf_bdf(sriov_pf_vf(pf, k)), pf,
                    sriov_pf_vf(pf, k));
    return r;
}

/* The records of the scan h (every PF and PIF), or of only_pf alone. */
static int sync_host(struct ops_ctx *ops, const char *host_uuid,
                     sriov_host *h, sriov_pf *only_pf,
                     struct xapi_error *err)
{
    struct plan p = { .ops = ops, .host = host_uuid,
                      .only_pf = only_pf ? sriov_pf_bdf(only_pf) : NULL };
    _cleanup_close_ int lock = -1;
    int r;

    lock = scan_lock(ops, err);
    if (lock < 0)
        return lock;
    r = read_existing(&p, err);
    if (r >= 0 && only_pf)
        r = add_pf(&p, only_pf);
    for (unsigned i = 0; r >= 0 && !only_pf && i < sriov_host_pf_count(h);
         i++)
        r = add_pf(&p, sriov_host_pf(h, i));
    if (r >= 0)
        r = plan_pcis(&p);
    if (r >= 0 && !only_pf)
        r = plan_pifs(&p, h);
    if (r >= 0)
        r = plan_removals(&p);
    if (r == -ENOMEM && !xapi_error_is_set(err))
        r = xapi_error_internal(err, r, "out of memory");
    else if (r < 0 && !xapi_error_is_set(err))
        r = xapi_error_internal(err, r, "pif-scan: %s", strerror(-r));
    if (r >= 0) {
        if (p.n_jobs)
            qsort(p.jobs, p.n_jobs, sizeof(*p.jobs), cmp_pass);
        r = run_jobs(&p, err);
    }
    plan_done(&p);
    return r;
}

static int scan_fail(struct ops_ctx *ops, int r, struct xapi_error *err)
{
    return xapi_error_internal(err, r, "%s", sriov_ctx_last_error(ops->sriov));
}

int ops_pif_scan(struct ops_ctx *ops, const char *host_uuid,
                 struct xapi_error *err)
{
    sriov_host *h = NULL;
    char me[37];
    int r;

    r = ops_host_ensure(ops, me, err);
    if (r < 0)
        return r;
    if (!streq_ptr(host_uuid, me))
        return ops__uuid_invalid("host", host_uuid, err);
    r = sriov_host_scan(&h, ops->sriov, SRIOV_SCAN_NICS);
    if (r < 0)
        return scan_fail(ops, r, err);
    r = sync_host(ops, me, h, NULL, err);
    sriov_host_free(h);
    if (r >= 0)
        ops__log(ops, "pif-scan on host %s", me);
    return r;
}

int ops__sync_pf(struct ops_ctx *ops, const char *host_uuid, sriov_pf *pf,
                 struct xapi_error *err)
{
    return sync_host(ops, host_uuid, NULL, pf, err);
}
