/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the plugin asks of the host besides the store: Xen (libxl, libxc)
 * and the NIC (rtnetlink).  Three implementations:
 *   plugin_backend_libxl  the real thing (backend-libxl.c, netlink via
 *                         libsriov's vf-config)
 *   plugin_backend_dry    --dry-run: answers without touching anything
 *   tests                 a stand-in with the same contract, for what
 *                         cannot run on a build machine (no Xen, no
 *                         SR-IOV NIC); the VM tests run the real one.
 * Every function returns 0 or a negative errno and then records one line
 * with plugin_fail() naming the device and what to do.
 */
#ifndef XEN_SRIOV_PLUGIN_BACKEND_H
#define XEN_SRIOV_PLUGIN_BACKEND_H

#include <stdbool.h>

#include <sriov/sriov.h>

#include "plugin/plugin.h"

/* What Xen says about the host: 1 yes, 0 no, -1 cannot tell. */
struct plugin_host_caps {
    int passthrough;        /* physinfo cap_hvm_directio */
    int intremap;           /* interrupt remapping, from Xen's log */
};

struct plugin_backend {
    const char *name;
    /* Connect (libxl_ctx_alloc); called once, on first use.  NULL: none.
     * -EOPNOTSUPP when there is no Xen. */
    int (*open)(plugin *p, void **ret_state);
    void (*close)(void *state);
    int (*host_caps)(plugin *p, struct plugin_host_caps *ret);
    /* Can this running domain take a PCI device at all (created with
     * passthrough)?  -EPERM with the reason.  NULL: yes. */
    int (*domain_check)(plugin *p, unsigned domid);
    /*
     * Xen's IOMMU group of a device, for hosts whose dom0 has no IOMMU
     * groups in sysfs (Xen owns the IOMMU): the other devices dom0 owns
     * that Xen cannot isolate from it (XEN_DOMCTL_get_device_group),
     * as a NULL-terminated list of addresses.  -EOPNOTSUPP when the
     * backend cannot tell (dry-run).
     */
    int (*iommu_group)(plugin *p, const char *bdf, char ***ret_members);
    /* VF settings over rtnetlink (sriov_vf_config_get/apply). */
    int (*vf_get)(plugin *p, const char *pf_ifname, unsigned vf,
                  sriov_vf_config *ret);
    int (*vf_apply)(plugin *p, const char *pf_ifname, unsigned vf,
                    const sriov_vf_config *cfg, unsigned *ret_failed);
    /* Bind to pciback and make assignable (libxl_device_pci_assignable_
     * add); give back: not assignable, bound to @p driver again (NULL or
     * "": left unbound). */
    int (*assignable_add)(plugin *p, const char *bdf);
    int (*assignable_remove)(plugin *p, const char *bdf,
                             const char *driver);
    /* libxl_device_pci_add / _remove (or _destroy when @p force). */
    int (*pci_attach)(plugin *p, unsigned domid, const char *bdf);
    int (*pci_detach)(plugin *p, unsigned domid, const char *bdf,
                      bool force);
};

extern const struct plugin_backend plugin_backend_libxl;
extern const struct plugin_backend plugin_backend_dry;

/* ---- For backends ----------------------------------------------------- */

/* Record one line (printf) as the last error and return r. */
int plugin_fail(plugin *p, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Log a line at a syslog level. */
void plugin_log(plugin *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const struct plugin_opts *plugin_options(const plugin *p);
/* The state open() returned, opening the backend first if needed. */
int plugin_backend_state(plugin *p, void **ret);
void *plugin_backend_data(const plugin *p);

/*
 * Bind @p bdf to pciback through libsriov (driver_override first, as the
 * kernel needs with sriov_drivers_autoprobe=0; libxl does not set it),
 * and give it back to @p driver.  For the backends.
 */
int plugin_pciback_take(plugin *p, const char *bdf);
int plugin_pciback_give_back(plugin *p, const char *bdf,
                             const char *driver);

#endif
