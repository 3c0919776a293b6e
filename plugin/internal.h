/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Plugin internals shared between its files. */
#ifndef XEN_SRIOV_PLUGIN_INTERNAL_H
#define XEN_SRIOV_PLUGIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <xenstore.h>

#include "libsriov/macro.h"
#include "plugin/backend.h"
#include "plugin/plugin.h"
#include "plugin/settings.h"

/* The VFs of a PF by address, while its virtual_functions set is `set`. */
struct plugin_vfmap {
    char pf[37];
    char *set;
    struct plugin_vf_status *v;     /* uuid, bdf only */
    size_t n;
};

struct plugin {
    struct plugin_opts opts;
    char *root;                     /* "" for "/", no trailing slash */
    store *store;
    sriov_ctx *ctx;
    struct xs_handle *xs;
    const struct plugin_backend *backend;
    void *backend_state;
    bool backend_opened;
    int backend_open_r;             /* open()'s result, kept */
    char backend_open_error[PLUGIN_ERROR_MAX];
    char error[PLUGIN_ERROR_MAX];
    struct plugin_failure failure;  /* plugin_last_failure() */
    struct plugin_vfmap vfmap[4];   /* vfs.c's cache, a few PFs */
    unsigned vfmap_next;
    int cancel_fd;                  /* plugin_set_cancel_fd(), -1 */
};

/* Drop vfs.c's cache. */
void plugin_vfmap_clear(plugin *p);

/* A durable step is done (the crash-injection point of the tests). */
void plugin_step(plugin *p, const char *step);

/* Copy store/libsriov messages into the plugin's error and return r. */
int plugin_fail_store(plugin *p, int r);
int plugin_fail_sriov(plugin *p, int r);

/* store_get/store_list, retried while writers keep the store busy
 * (-EAGAIN).  Errors as theirs; the message is the store's. */
int plugin_store_get(plugin *p, const char *cls, const char *uuid,
                     store_record **ret);
int plugin_store_list(plugin *p, const char *cls,
                      const struct store_match *match, size_t n_match,
                      unsigned flags, store_record ***ret, size_t *n);

/* ---- domain.c: domains in xenstore, as libxl writes them -------------- */

/* The VM UUID of a domain (/local/domain/<domid>/vm -> /vm/<uuid>).
 * -ENOENT: no such domain or no vm node; -EBADMSG: not a UUID. */
int plugin_domain_vm(plugin *p, unsigned domid, char ret[37]);
/* 1 when xenstored knows the domain (introduced, not dead), else 0. */
int plugin_domain_exists(plugin *p, unsigned domid);
/* 1 when the domain exists and belongs to @p vm. */
int plugin_domain_is_vm(plugin *p, unsigned domid, const char *vm);
/* Before a PCI device is added to a PV domain whose PCI backend exists:
 * wait until the guest's pcifront has connected it (state 4), as libxl
 * needs (it waits only 10 s).  0 at once for HVM domains and the first
 * device; -ESRCH when the domain dies meanwhile, -ETIMEDOUT after 5
 * minutes. */
int plugin_domain_pci_wait(plugin *p, unsigned domid);
/* The PCI addresses in a domain's PCI backend (what libxl attached);
 * a NULL-terminated list, empty when none. */
int plugin_domain_pcis(plugin *p, unsigned domid, char ***ret);
/* The running domain whose PCI backend lists @bdf (canonical address),
 * -1 if none; its name (or NULL) in *ret_name, to be freed. */
long plugin_domain_holding(plugin *p, const char *bdf, char **ret_name);

/* ---- lock.c: one lock per VM across processes ------------------------- */

/* Take the VM's lock (an flock on <root>/var/run/xen-sriov/vm-<uuid>.lock,
 * released when the fd is closed or the process dies).  @p wait false:
 * -EBUSY when another process holds it.  *ret_fd is the lock. */
int plugin_vm_lock(plugin *p, const char *vm, bool wait, int *ret_fd);
/* Is the VM's lock held by a process (not this fd)? 1/0. */
int plugin_vm_lock_held(plugin *p, const char *vm);

/* ---- topology.c: VIF -> network -> network_sriov -> PF ---------------- */

struct plugin_vif {
    char uuid[37];
    char vm[37];
    char network[37];
    char device[16];
    char pf_pci[37];                /* PF's PCI record */
    char pf_bdf[SRIOV_BDF_SIZE];
    char reserved_pci[37];          /* "" when none */
    long domid;                     /* VIF.domid, -1 */
    bool attached;                  /* VIF.currently_attached */
    store_record *rec;              /* the VIF as read */
};

void plugin_vif_dispose(struct plugin_vif *v);
void plugin_vifs_free(struct plugin_vif *v, size_t n);

/* Fill @p ret from a VIF record (taking @p rec): 0; 1 when its network
 * is not an SR-IOV network (ret->pf_pci empty: not ours); < 0 when the
 * SR-IOV network's records are broken. */
int plugin_vif_from_record(plugin *p, store_record *rec,
                           struct plugin_vif *ret);
/* The SR-IOV VIFs of a VM, by device number. */
int plugin_vm_vifs(plugin *p, const char *vm, struct plugin_vif **ret,
                   size_t *n);
/* The PF's PCI record behind a network (its SR-IOV logical PIF): 0;
 * 1 when it is not an SR-IOV network; -ENOENT (missing records). */
int plugin_network_pf(plugin *p, const char *network, char pf_pci[37],
                      char pf_bdf[SRIOV_BDF_SIZE]);

/* ---- iommu.c: may this VF be given to this domain? -------------------- */

struct plugin_iommu_member {
    const char *bdf;
    unsigned pci_class;             /* 24-bit class; 0 when unknown */
    const char *driver;             /* NULL when unbound */
    bool same_domain;               /* assigned (or reserved) to it */
};

enum plugin_iommu_verdict {
    PLUGIN_IOMMU_OK,
    PLUGIN_IOMMU_NO_GROUP,          /* the IOMMU does not cover it */
    PLUGIN_IOMMU_SHARED,            /* not isolated from other devices */
    PLUGIN_IOMMU_UNKNOWN            /* nobody can tell (dry-run) */
};

/*
 * The decision: a VF in @p group (-1: none) with the other @p members of
 * its group may go to a domain when every member is a PCI bridge or is
 * assigned to the same domain.  @p why gets the reason when refused.
 */
/* plugin_iommu_check for any PCI device (other_config:pci): a VF, a PF
 * (its IOMMU group), else Xen's word on the device. */
enum plugin_iommu_verdict plugin_iommu_check_device(
    plugin *p, const char *bdf, char *const *same_domain, char *why,
    size_t why_size);

enum plugin_iommu_verdict plugin_iommu_judge(
    const char *vf_bdf, int group, const struct plugin_iommu_member *members,
    size_t n, char *why, size_t why_size);

/*
 * Gather the facts for plugin_iommu_judge() and judge: the VF's group
 * from sysfs (@p vf of a scan), or from Xen when dom0 has no IOMMU groups.
 * @p same_domain: addresses assigned or reserved to the domain (NULL-
 * terminated, may be NULL).
 */
enum plugin_iommu_verdict plugin_iommu_check(plugin *p, sriov_vf *vf,
                                             char *const *same_domain,
                                             char *why, size_t why_size);

/* The host checks: passthrough and interrupt remapping.  -EPERM with the
 * reason recorded; -EOPNOTSUPP when there is no Xen. */
int plugin_host_check(plugin *p);

/* ---- vfs.c: candidate VFs of a PF ------------------------------------- */

/*
 * The VF records of a PF, sorted by address, with why each free one
 * cannot be given to a domain that has @p same_domain (addresses assigned
 * or reserved to it, as plugin_iommu_check(); NULL: no domain).  With
 * @p want > 0, free VFs past the first @p want usable ones are left
 * unjudged (the reservation needs a few, not all 256).
 */
int plugin_pf_vfs(plugin *p, const char *pf_pci, char *const *same_domain,
                  size_t want, struct plugin_vf_status **ret, size_t *n);

/* ---- reserve.c: store transactions ------------------------------------ */

struct plugin_reserve {
    const char *vm;
    long domid;                     /* -1: cold-plug, domain not made yet */
    struct plugin_vif *vifs;
    size_t n;
    /* per VIF: its PF's candidate VFs (usable, by address); VIFs of one
     * PF share the array of the first (owned[i] false for the others) */
    struct plugin_vf_status **cands;
    size_t *n_cands;
    bool *owned;
    /* out */
    char (*got)[37];                /* per VIF: the VF reserved */
    const char *short_network;      /* capacity failure: the network */
};

/* The VM (uuid) of @p vms whose other_config:pci lists @p bdf, or NULL:
 * such a device is that VM's (XenServer 5.6's passthrough), never a VF
 * given to a VIF. */
const char *plugin_vm_listing(store_record *const *vms, size_t n,
                              const char *bdf);

/* Reserve (or adopt) one VF per VIF, all or none.  -ENOSPC: not enough
 * (r->short_network); -EBUSY: a VIF holds a VF for another domain. */
int plugin_reserve(plugin *p, struct plugin_reserve *r);
/* Clear a VIF's reservation (VIF and PCI fields) if it still names
 * @p pci.  0 also when already released. */
int plugin_unreserve(plugin *p, const char *vif, const char *pci);
/* Write VIF.vf_saved_config: the fields of @p cfg->mask and the VF's
 * driver ("driver" key, "" when unbound); when saved already, only the
 * fields not saved yet.  -ESTALE if the VIF no longer holds @p pci. */
int plugin_save_vf_config(plugin *p, const char *vif, const char *pci,
                          const sriov_vf_config *cfg, const char *driver);
/* Set VIF.currently_attached, and VIF.domid/PCI.reserved_domid when
 * @p domid >= 0, if the VIF still holds @p pci (-ESTALE otherwise). */
int plugin_mark_attached(plugin *p, const char *vif, const char *pci,
                         long domid, bool attached);

/* ---- attach.c --------------------------------------------------------- */

/* Check, reserve and attach the SR-IOV VIFs @p vifs of VM @p vm for
 * @p domid (-1: cold-plug, stop once the VFs are assignable), all or none.
 * The caller holds the VM's lock.  The number of VIFs attached.  A
 * failure is noted in @p f when not NULL (plugin_last_failure()). */
int plugin_acquire(plugin *p, const char *vm, long domid,
                   struct plugin_vif *vifs, size_t n,
                   struct plugin_failure *f);
/* Release one VIF's VF: detach from @p domid if it runs and holds it,
 * restore the settings, give the VF back, clear the reservation.  A
 * failure is noted in @p f when not NULL. */
int plugin_release_vif(plugin *p, const char *vif_uuid, bool force,
                       struct plugin_failure *f);
/* Forget the last failure; where an entry point notes its own. */
struct plugin_failure *plugin_failure_begin(plugin *p);

#endif
