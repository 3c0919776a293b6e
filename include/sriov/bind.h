/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PCI driver binding, done the way the kernel wants it: driver_override,
 * the old driver's unbind, then the new driver's bind; for Xen's pciback
 * also its new_slot/remove_slot, as libxl does.
 *
 * driver_override is always written before binding, because with a PF's
 * sriov_drivers_autoprobe = 0 the kernel refuses to probe its VFs with any
 * driver unless the VF's driver_override names it (bind answers ENODEV).
 * It stays set while the device is bound (a re-probe keeps the device
 * where it is) and is cleared when the device is unbound.
 *
 * These functions work on a (ctx, PCI address) pair and re-read sysfs.
 * Errors are negative errnos with one line in sriov_ctx_last_error().
 */
#ifndef SRIOV_BIND_H
#define SRIOV_BIND_H

#include <sriov/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Name of Xen's PCI backend driver in sysfs (module xen-pciback). */
#define SRIOV_PCIBACK_DRIVER "pciback"

/**
 * The driver a PCI function is bound to.
 * @param[out] ret  the driver name (caller frees), or NULL when unbound
 * @return 0; -EINVAL (bad address); -ENODEV (no such device); -ENOMEM
 */
SRIOV_EXPORT int sriov_pci_get_driver(sriov_ctx *ctx, const char *bdf,
                                      char **ret);

/**
 * The 24-bit class code of a PCI function (sysfs 'class'), e.g. 0x060400
 * for a PCI-to-PCI bridge: for judging the other members of an IOMMU
 * group, which need not be SR-IOV functions.
 * @param[out] ret  the class code; untouched on error
 * @return 0; -EINVAL (bad address); -ENODEV (no such device); -EBADMSG
 *         (the attribute is not a number)
 */
SRIOV_EXPORT int sriov_pci_get_class(sriov_ctx *ctx, const char *bdf,
                                     unsigned *ret);

/**
 * Bind a PCI function to @p driver.  Already bound to it: nothing to do.
 * Bound elsewhere: unbound first.  For "pciback" the address is added to
 * pciback's slots (new_slot) unless it is there.  On failure the function
 * is given back to the driver it had (best effort) and driver_override is
 * restored.
 * @param driver  driver name as in $root/sys/bus/pci/drivers ("pciback",
 *                "iavf", "vfio-pci"...)
 * @param[out] ret_previous  the driver it had (caller frees; NULL when it
 *                had none), to give it back later with sriov_pci_bind();
 *                may be NULL.  Untouched on failure.
 * @return 0; -EINVAL; -ENODEV (no such device, or the driver refused it);
 *         -ENOENT (driver not loaded: modprobe it); -EBUSY; -EIO (the
 *         kernel accepted the write but the device is not bound to it).
 */
SRIOV_EXPORT int sriov_pci_bind(sriov_ctx *ctx, const char *bdf,
                                const char *driver, char **ret_previous);

/**
 * Unbind a PCI function from its driver (and remove it from pciback's
 * slots when the driver is pciback), and clear driver_override.
 * @param[out] ret_previous  the driver it had (caller frees; NULL when it
 *                had none); may be NULL.  Untouched on failure.
 * @return 0 (also when it was unbound); -EINVAL; -ENODEV; -ENOMEM; the
 *         errno of the failing write.
 */
SRIOV_EXPORT int sriov_pci_unbind(sriov_ctx *ctx, const char *bdf,
                                  char **ret_previous);

/**
 * Let the kernel pick a driver for an unbound function (drivers_probe),
 * as after a hot-plug.  With sriov_drivers_autoprobe = 0 on its PF a VF
 * stays unbound: that is the kernel's answer, not an error.
 * @param[out] ret_driver  the driver it got (caller frees), NULL if none;
 *                         may be NULL
 * @return 0; -EINVAL; -ENODEV; the errno of the write
 */
SRIOV_EXPORT int sriov_pci_reprobe(sriov_ctx *ctx, const char *bdf,
                                   char **ret_driver);

#ifdef __cplusplus
}
#endif

#endif
