/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen-sriov for toolstacks built on libxl (libsriov-xl, pkg-config
 * libsriov-xl): cold-plug the VFs of a VM's SR-IOV VIFs into the
 * libxl_domain_config before libxl_domain_create_new(), so that libxl
 * attaches them while it builds the domain, and give them back after.
 *
 * A VM is a Xen domain UUID (c_info.uuid); its VIFs are the xen-sriov VIF
 * objects whose VM is that UUID (`xe vif-create vm-uuid=...`).  For plain
 * `xl create`, xen-sriovd does the same on its own (hotplug at
 * @introduceDomain); both may run: the daemon leaves a VM alone while a
 * cold-plug holds it.
 *
 * Usage (errors omitted; define LIBXL_API_VERSION as you need before
 * including this header, which includes <libxl.h>):
 *
 *     sriov_xl *sx;
 *     sriov_xl_open(&sx, NULL);                  (NULL: host root "/")
 *     libxl_domain_config_init(&cfg); ... cfg.c_info.uuid = ...;
 *     if (sriov_xl_prepare(sx, &cfg) < 0)        (nothing is left held)
 *         fail(sriov_xl_last_error(sx));
 *     if (libxl_domain_create_new(ctx, &cfg, &domid, NULL, NULL) == 0)
 *         sriov_xl_domain_created(sx, domid);
 *     else
 *         sriov_xl_abort(sx, &cfg);              (VFs given back)
 *     ...
 *     libxl_domain_destroy(ctx, domid, NULL);
 *     sriov_xl_domain_destroyed(sx, domid);      (VFs given back)
 *     sriov_xl_close(sx);
 *
 * What prepare does, all or nothing: Xen's passthrough and interrupt
 * remapping checks, one free VF per SR-IOV VIF reserved in the store in
 * one transaction (lowest PCI address first; NETWORK_SRIOV_INSUFFICIENT_
 * CAPACITY when short), the IOMMU group check of each, the VF's previous
 * settings saved and the VIF's MAC, VLAN, QoS, spoofchk, trust, link
 * state and rates set over rtnetlink, the VF bound to pciback and made
 * assignable (libxl_device_pci_assignable_add), and one libxl_device_pci
 * appended to d_config->pcidevs per VF.  The VM stays locked (an flock,
 * dropped if the process dies) until created() or abort(); a process that
 * dies in between leaves a reservation that `xen-sriovd --reconcile` (and
 * the daemon's start) releases.
 *
 * Errors: functions return >= 0 or a negative errno; the reason, one line
 * saying what to change, is in sriov_xl_last_error(), and the XenAPI
 * error code (as `xe` shows it) in sriov_xl_last_error_code().  A handle
 * is not thread-safe.
 */
#ifndef SRIOV_XL_H
#define SRIOV_XL_H

#include <stdint.h>

#include <libxl.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define SRIOV_XL_EXPORT __attribute__((visibility("default")))
#else
#define SRIOV_XL_EXPORT
#endif

/** A connection to the xen-sriov store and to Xen. */
typedef struct sriov_xl sriov_xl;

/**
 * Open the store (xenstored must run) for host root @p root.
 * @param[out] ret  the handle, closed with sriov_xl_close()
 * @param root      host root (what $SRIOV_ROOT gives xen-sriov's
 *                  programs); NULL or "/" for the real host
 * @return 0; -ECONNREFUSED/-ENOENT (xenstored not running); -ENOMEM.
 *         *ret is not written on failure.
 */
SRIOV_XL_EXPORT int sriov_xl_open(sriov_xl **ret, const char *root);

/** Close.  Releases a lock prepare() still holds.  NULL-safe; NULL. */
SRIOV_XL_EXPORT sriov_xl *sriov_xl_close(sriov_xl *sx);

/** The last failure's one-line reason ("" if none); borrowed. */
SRIOV_XL_EXPORT const char *sriov_xl_last_error(const sriov_xl *sx);

/** The last failure's XenAPI code ("NETWORK_SRIOV_INSUFFICIENT_CAPACITY",
 *  "OPERATION_NOT_ALLOWED", ...), "" if none; borrowed. */
SRIOV_XL_EXPORT const char *sriov_xl_last_error_code(const sriov_xl *sx);

/**
 * Reserve, check, configure and make assignable the VFs of the VM
 * @p d_config describes (c_info.uuid), and append them to
 * d_config->pcidevs (the caller's config owns them from then on: they are
 * freed by libxl_domain_config_dispose()).
 * @return the number of VFs appended (0: the VM has no SR-IOV VIF; no
 *         lock is kept then); -ENOSPC (not enough free VFs on a VIF's
 *         network); -EPERM (IOMMU, passthrough or interrupt remapping
 *         refused: the reason says what to change); -EBUSY (the VM is
 *         being worked on by another process, or already prepared);
 *         -EINVAL (a VIF setting is invalid); -EOPNOTSUPP (no Xen);
 *         -EIO (libxl or the NIC refused).  On failure nothing stays
 *         reserved or changed and d_config is untouched.
 */
SRIOV_XL_EXPORT int sriov_xl_prepare(sriov_xl *sx,
                                     libxl_domain_config *d_config);

/**
 * The domain of the prepared VM exists (libxl_domain_create_new
 * returned @p domid): record it, and drop the VM's lock.
 * @return 0; -ENOENT if nothing was prepared
 */
SRIOV_XL_EXPORT int sriov_xl_domain_created(sriov_xl *sx, uint32_t domid);

/**
 * The domain could not be created: give the prepared VFs back (settings
 * restored, back to their drivers, reservations cleared), remove them from
 * d_config->pcidevs, drop the lock.
 * @return 0; a negative errno if a VF could not be given back (it stays
 *         reserved; xen-sriovd --reconcile retries)
 */
SRIOV_XL_EXPORT int sriov_xl_abort(sriov_xl *sx,
                                   libxl_domain_config *d_config);

/**
 * The domain @p domid was destroyed: give its VFs back.  xen-sriovd does
 * it too when it runs; calling both is harmless.
 * @return the number of VFs given back, or a negative errno
 */
SRIOV_XL_EXPORT int sriov_xl_domain_destroyed(sriov_xl *sx, uint32_t domid);

#ifdef __cplusplus
}
#endif

#endif
