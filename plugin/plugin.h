/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plugin: what makes a VIF on an SR-IOV network become a VF inside a
 * Xen domain.  Used by xen-sriovd (domain start and death), `xe vif-plug`
 * and `vif-unplug`, the libxl cold-plug API (sriov/xl.h) and the tests
 * (plugin/libplugin.la).  docs/plugin.md explains the design.
 *
 * For a domain whose VM (the Xen domain UUID, as libxl records it under
 * /local/domain/<domid>/vm) has VIFs on SR-IOV networks:
 *   1. host checks: Xen can pass devices through (physinfo
 *      cap_hvm_directio), interrupt remapping (warn or refuse);
 *   2. one free, usable VF of the network's PF per VIF, lowest PCI address
 *      first, reserved in one store transaction for all the VIFs of the
 *      domain (all or none), after the IOMMU group check of each
 *      candidate; not enough: NETWORK_SRIOV_INSUFFICIENT_CAPACITY [network]
 *      before anything on the host is touched;
 *   3. per VIF: the VF's settings saved in the store (VIF.vf_saved_config),
 *      the VIF's MAC, VLAN, QoS, spoofchk, trust, link state and rates set
 *      over rtnetlink, the VF made assignable (pciback + libxl) and
 *      attached to the domain (libxl_device_pci_add), then
 *      VIF.currently_attached.  A failure undoes every VIF of the call.
 * Release runs the steps backwards: detach (if the domain still runs),
 * restore the settings, give the VF back to its driver, clear the
 * reservation.  Every step is recorded in the store before or after it is
 * made, so that a process killed at any point leaves a state that
 * plugin_reconcile() finishes or undoes.
 *
 * Conventions (STYLE.md): functions return 0 (or a count) or a negative
 * errno, with the one-line explanation in plugin_last_error().  The entry
 * points also say what their failure is about (plugin_last_failure(): the
 * network short of VFs, the busy VM...), from which the front ends make
 * their own errors (ops/plugin.c: XenAPI's, as xe prints them and the
 * endpoint sends them).  Warnings (a refused rate, interrupt remapping
 * unknown) go to the log callback.  A plugin handle is not thread-safe.
 */
#ifndef XEN_SRIOV_PLUGIN_H
#define XEN_SRIOV_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>

#include <sriov/sriov.h>

#include "store/store.h"

/* The longest message plugin_last_error() returns, NUL included. */
#define PLUGIN_ERROR_MAX 1024

typedef struct plugin plugin;
struct plugin_backend;

/* What to do when Xen reports interrupt remapping off (or cannot tell). */
enum plugin_intremap_policy {
    PLUGIN_INTREMAP_WARN = 0,   /* log a warning and go on (default) */
    PLUGIN_INTREMAP_REFUSE,     /* refuse when off; warn when unknown */
    PLUGIN_INTREMAP_IGNORE      /* say nothing */
};

/* libxl_rdm_reserve_policy, without including libxl.h here. */
enum plugin_rdm_policy {
    PLUGIN_RDM_DEFAULT = 0,     /* libxl's default (strict for PCI) */
    PLUGIN_RDM_STRICT,
    PLUGIN_RDM_RELAXED
};

/* libxl_device_pci options given to every VF attached (xl-pci-
 * configuration(5): seize, permissive, msitranslate, power_mgmt,
 * rdm_policy). */
struct plugin_pci_opts {
    bool seize;
    bool permissive;
    bool msitranslate;
    bool power_mgmt;
    enum plugin_rdm_policy rdm_policy;
};

/* Log callback: syslog levels (LOG_ERR, LOG_WARNING, LOG_NOTICE,
 * LOG_INFO, LOG_DEBUG), one line without a newline. */
typedef void (*plugin_log_fn)(void *userdata, int level, const char *msg);

struct plugin_opts {
    const char *root;               /* $SRIOV_ROOT; NULL = "/" */
    bool dry_run;                   /* no libxl, netlink or sysfs change */
    enum plugin_intremap_policy intremap;
    struct plugin_pci_opts pci;
    unsigned store_flags;           /* STORE_OPEN_* */
    plugin_log_fn log;              /* NULL: no log */
    void *log_userdata;
    int log_level;                  /* highest level passed; 0 = LOG_INFO */
    /*
     * Tests only: stand-in for libxl and rtnetlink (which cannot run
     * without Xen and an SR-IOV NIC) and its state; NULL = libxl, or the
     * dry-run backend with dry_run.
     */
    const struct plugin_backend *backend;
    void *backend_data;
    /*
     * Tests only: called after each durable step with its name
     * ("reserved", "saved", "configured", "assignable", "attached",
     * "recorded", "detached", "restored", "unassigned", "released"), to
     * kill the process there (crash injection).
     */
    void (*step_hook)(void *userdata, const char *step);
    void *step_userdata;
};

/*
 * Open the store and xenstore.  libxl is opened on first use, so that
 * what needs no Xen (capacity, status, dry-run) works without it.
 * @return 0; the store's errors (xenstored not running...); -ENOMEM.
 *         The message is in @p errbuf (@p errlen bytes, may be 0).
 */
int plugin_new(plugin **ret, const struct plugin_opts *opts, char *errbuf,
               size_t errlen);

/* Close everything.  Accepts NULL; returns NULL. */
plugin *plugin_free(plugin *p);

/*
 * A file descriptor that becomes readable when the caller wants a long
 * wait given up (xen-sriovd stopping): the wait for a PV guest's pcifront
 * (plugin_domain_start) then fails with -ECANCELED and the start is
 * rolled back.  -1 (the default) for none.  The plugin does not read or
 * close it.
 */
void plugin_set_cancel_fd(plugin *p, int fd);

/* The one-line message of the last failure ("" if none). */
const char *plugin_last_error(const plugin *p);

/*
 * The failure of the last entry point below that failed (domain start and
 * release, VIF plug and unplug, the migrate check, reapply): its errno,
 * message and the objects it is about; an object it is not about is "".
 * A release that fails for several VIFs keeps the first one's.
 */
struct plugin_failure {
    int r;                          /* negative errno; 0: none */
    char network[37];               /* -ENOSPC: the network short of VFs */
    char vm[37];                    /* -EBUSY, -ESRCH: the VM */
    char vif[37];                   /* -ENOENT: no such VIF; -EALREADY:
                                       plugged or unplugged already;
                                       -EPERM: a VIF holding a VF keeps
                                       the VM from migrating */
    char message[PLUGIN_ERROR_MAX]; /* plugin_last_error() then */
};
const struct plugin_failure *plugin_last_failure(const plugin *p);

/* Handles the plugin works with (borrowed). */
store *plugin_store(plugin *p);
sriov_ctx *plugin_sriov_ctx(plugin *p);

/* ---- Domains ---------------------------------------------------------- */

/*
 * A domain was created (or the daemon found it running): give each
 * SR-IOV VIF of its VM a VF (see the top of this file).  Idempotent: VIFs
 * already attached to this domain are left alone, a start interrupted by
 * a crash is finished.  A domain without a VM UUID or without SR-IOV VIFs
 * is not an error (0).  Then the devices of the VM's other_config:pci
 * are passed through (docs/plugin.md, step 7).
 * @return the number of VIFs and other_config:pci devices attached by
 *         this call; -EINVAL (a stored pci list that does not parse); -ENOSPC
 *         (NETWORK_SRIOV_INSUFFICIENT_CAPACITY); -EPERM (OPERATION_NOT_
 *         ALLOWED: IOMMU or passthrough refused, the reason says what to
 *         change); -EBUSY (the VM's lock is held: a cold-plug or another
 *         command is working on it; try again); -EOPNOTSUPP (no Xen);
 *         -EIO (libxl or the NIC refused)
 */
int plugin_domain_start(plugin *p, unsigned domid);

/*
 * A domain died (or is being destroyed): release every VF reserved for
 * it.  Safe to call for a domain that holds nothing.
 * @return the number of VIFs released; a negative errno when a VF could
 *         not be given back (it stays reserved, reconcile retries)
 */
int plugin_domain_release(plugin *p, unsigned domid);

/* The running domains other than dom0 (known to xenstored, with a
 * /local/domain/<domid>), sorted; free *ret with free(). */
int plugin_domain_list(plugin *p, unsigned **ret, size_t *n);

/* ---- Hotplug (beyond XAPI, which refuses it) -------------------------- */

/*
 * Attach the VF of one VIF to its VM's running domain.
 * @return 0; -ENOENT (UUID_INVALID); -EINVAL (the VIF is not on an
 *         SR-IOV network: OPERATION_NOT_ALLOWED); -ESRCH (VM_BAD_POWER_
 *         STATE: no running domain); -EALREADY (DEVICE_ALREADY_ATTACHED);
 *         and plugin_domain_start()'s errors
 */
int plugin_vif_plug(plugin *p, const char *vif_uuid);

/*
 * Detach the VF of one VIF from its domain and release it.  @p force
 * uses libxl_device_pci_destroy (no guest cooperation).
 * @return 0; -ENOENT (UUID_INVALID); -EALREADY (DEVICE_ALREADY_DETACHED)
 */
int plugin_vif_unplug(plugin *p, const char *vif_uuid, bool force);

/*
 * XAPI's refusal of migrate and suspend for a VM holding a VF: 0 when
 * the VM holds none; -EPERM (plugin_last_failure() names that VIF; xe
 * and the endpoint say VM_HAS_SRIOV_VIF [vm]) when one of its VIFs is on
 * an SR-IOV network and attached or reserved.  For toolstacks
 * (and `xen-sriovd --check-migrate VM`) before they migrate or suspend.
 */
int plugin_vm_check_migrate(plugin *p, const char *vm_uuid);

/* ---- Reconcile and diagnostics --------------------------------------- */

/* Called once per finding of plugin_reconcile(). */
typedef void (*plugin_report_fn)(void *userdata, const char *finding);

/*
 * Make the store agree with the domains that exist: a reservation whose
 * domain is gone (or now belongs to another VM) is released; a start
 * that a crash interrupted, for a domain still running, is finished; a
 * cold-plug reservation whose process died is released; a VF that a
 * running domain holds (per its PCI backend in xenstore) but no
 * reservation names is reported.  Run by xen-sriovd at start and by
 * `xen-sriovd --reconcile`.
 * @return the number of findings (0 = everything agreed); a negative
 *         errno if the store could not be read
 */
int plugin_reconcile(plugin *p, plugin_report_fn report, void *userdata);

/* One VF of an SR-IOV network's PF, as plugin_pf_vfs() sees it. */
struct plugin_vf_status {
    char uuid[37];               /* PCI record */
    char bdf[SRIOV_BDF_SIZE];
    char reserved_by[37];        /* VIF, "" when free */
    char vm[37];                 /* scheduled_to_be_attached_to */
    long domid;                  /* reserved_domid, -1 */
    char *unusable;              /* why it cannot be given, NULL if it can */
    bool iommu_refused;          /* unusable because of its IOMMU group */
    bool unjudged;               /* free, not looked at (enough found) */
};

/*
 * Every VF of the PF behind a network-sriov object, sorted by PCI
 * address, with why each one that is neither reserved nor usable cannot
 * be given (not present in sysfs, in use by another driver, IOMMU group
 * shared, ...).  remaining-capacity is the count with reserved_by empty
 * and unusable NULL (plugin_network_sriov_capacity()).
 * @return 0; -ENOENT (no such network-sriov, or its PIF has no PCI)
 */
int plugin_network_sriov_vfs(plugin *p, const char *network_sriov,
                             struct plugin_vf_status **ret, size_t *n);
void plugin_vf_status_free(struct plugin_vf_status *v, size_t n);

/*
 * What Xen says about the host: passthrough (physinfo cap_hvm_directio)
 * and interrupt remapping, each 1 (yes), 0 (no) or -1 (cannot tell: a
 * dry run, or Xen's boot messages rotated out of its console ring).
 * @return 0; -EOPNOTSUPP without Xen (plugin_last_error says so)
 */
int plugin_host_caps(plugin *p, int *ret_passthrough, int *ret_intremap);

/* The live remaining capacity: free usable VFs (see above). */
int plugin_network_sriov_capacity(plugin *p, const char *network_sriov,
                                  unsigned *ret);

/* ---- Boot restore ----------------------------------------------------- */

#define PLUGIN_REAPPLIED_SETTINGS (1u << 0)
#define PLUGIN_REAPPLIED_PCIBACK  (1u << 1)

/*
 * After the VFs of a PF were made again (a dom0 reboot, a PF driver
 * reload): put the VF a VIF still holds back as the plugin left it.  The
 * VIF's settings are applied when the VF's differ (a new VF has none), and
 * the VF goes back to pciback when dom0's VF driver took it.  Nothing is
 * done for a VIF that holds no VF.  Run by xen-sriov-restore after
 * plugin_reconcile() (which releases VFs whose domain is gone).
 * @param[out] ret_changed  PLUGIN_REAPPLIED_* bits of what was done (may
 *                          be NULL)
 * @return 0; -ENOENT (no such VIF); the backend's errors (-EIO: the NIC
 *         or pciback refused; -EOPNOTSUPP: no Xen)
 */
int plugin_vif_reapply(plugin *p, const char *vif_uuid,
                       unsigned *ret_changed);

#endif
