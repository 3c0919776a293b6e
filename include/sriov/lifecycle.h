/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VF lifecycle: enabling and disabling the VFs of a PF, in the three
 * configuration modes of XenAPI's network_sriov object.
 *
 * - sysfs:    VFs are created at once by writing sriov_numvfs (the PF
 *             driver implements sriov_configure).
 * - modprobe: the driver only takes a module option (igb/ixgbe max_vfs,
 *             mlx4_core num_vfs...).  The option is written to
 *             $root/etc/modprobe.d and takes effect when the module is
 *             next loaded, normally at the next boot: requires_reboot.
 * - manual:   the VFs were created by the administrator (or firmware) and
 *             sriov_numvfs cannot be changed: they are adopted as they are.
 *
 * Every function works on a (ctx, PCI address) pair, without a scan, and
 * re-reads sysfs before acting.  Errors are negative errnos with one line
 * in sriov_ctx_last_error() naming the device and what to do.  A failed
 * change leaves the previous state when the kernel allows it (see each
 * function).
 */
#ifndef SRIOV_LIFECYCLE_H
#define SRIOV_LIFECYCLE_H

#include <sriov/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/** XenAPI's network_sriov configuration-mode. */
enum sriov_mode {
    SRIOV_MODE_UNKNOWN = 0,   /**< not known; as input: detect it */
    SRIOV_MODE_SYSFS = 1,     /**< sriov_numvfs */
    SRIOV_MODE_MODPROBE = 2,  /**< module option in modprobe.d */
    SRIOV_MODE_MANUAL = 3     /**< VFs made outside; adopted as they are */
};

/** Flags of the lifecycle functions. */
enum sriov_numvfs_flags {
    /**
     * Remove VFs even when they are in use (see sriov_vf_busy_reason()):
     * VFs bound to pciback are first released from it (unbind and
     * remove_slot), as xcp-networkd does.  Guests using them lose them.
     */
    SRIOV_NUMVFS_FORCE = 1u << 0
};

/** As a VF count: as many VFs as the PF (or the modprobe entry) allows. */
#define SRIOV_NUMVFS_MAX 0xffffffffu

/** "sysfs", "modprobe", "manual" or "unknown" (XenAPI's spelling). */
SRIOV_EXPORT const char *sriov_mode_to_string(int mode);

/**
 * Parse a mode name as sriov_mode_to_string() prints it.
 * @return 0, or -EINVAL
 */
SRIOV_EXPORT int sriov_mode_from_string(const char *s, int *ret);

/**
 * Set the number of enabled VFs through sriov_numvfs, as the kernel wants
 * it: from M > 0 to N > 0 it writes 0 first (drivers/pci/iov.c answers
 * EBUSY otherwise).  Any change while VFs exist removes all of them, so it
 * is refused while one of them is in use, unless SRIOV_NUMVFS_FORCE.  After
 * the write it checks that the kernel created (or removed) the virtfnN
 * links.  If writing N fails after 0 was written, it tries to restore M.
 * @param bdf     the PF's PCI address
 * @param numvfs  VFs wanted, or SRIOV_NUMVFS_MAX for sriov_totalvfs
 * @param flags   enum sriov_numvfs_flags
 * @return the number of VFs now enabled (the driver may enable fewer than
 *         asked: compare), or a negative errno:
 *   -EINVAL   @p bdf is not a PCI address, or the driver refused N;
 *   -ENODEV   no such device;
 *   -EOPNOTSUPP the device is not SR-IOV capable (or is a VF);
 *   -ERANGE   N > sriov_totalvfs;
 *   -EBUSY    a VF that would be removed is in use (the message names it);
 *   -ENOENT   no driver bound, or the driver cannot configure VFs through
 *             sysfs (use the modprobe mode);
 *   -ENOMEM, -ENOSPC  not enough bus numbers or MMIO space (boot with
 *             pci=realloc, enable SR-IOV in the firmware, or ask fewer);
 *   -EIO      the device failed, or the kernel did not create the links;
 *   -EACCES, -EPERM   not allowed (run as root in dom0).
 */
SRIOV_EXPORT int sriov_pf_set_numvfs(sriov_ctx *ctx, const char *bdf,
                                     unsigned numvfs, unsigned flags);

/**
 * Which mode an enable of this PF tries first, without writing anything:
 * modprobe when the driver is known to take a VF module option and no
 * sysfs (mlx4_core), or a XenServer driver package describes its option
 * ("# VFs-param:" in $root/etc/modprobe.d/<driver>.conf); sysfs otherwise.
 * Only the write can tell the rest: sriov_pf_enable() in auto mode falls
 * back to modprobe when sriov_numvfs answers ENOENT and the running module
 * shows a max_vfs/num_vfs option, and to manual when VFs are present.
 * @param[out] ret_mode  enum sriov_mode
 * @return 0, or -ENODEV/-EOPNOTSUPP/-EINVAL as sriov_pf_set_numvfs()
 */
SRIOV_EXPORT int sriov_pf_detect_mode(sriov_ctx *ctx, const char *bdf,
                                      int *ret_mode);

/**
 * Enable VFs on a PF: XenAPI's network-sriov-create on the host.
 * @param numvfs  VFs wanted, or SRIOV_NUMVFS_MAX (sriov_totalvfs; in
 *                modprobe mode the "VFs-maxvfs-by-default/by-user" comment
 *                of the driver's modprobe.d file when there is one)
 * @param mode    SRIOV_MODE_UNKNOWN to detect it (sysfs first: when the
 *                sysfs write fails but VFs are present, they are adopted
 *                as manual, as xcp-networkd does), or a mode to force
 * @param flags   enum sriov_numvfs_flags
 * @param[out] ret_mode            mode used (may be NULL)
 * @param[out] ret_requires_reboot 1 when the VFs appear only after the
 *                                 module is reloaded (may be NULL)
 * @param[out] ret_numvfs          VFs enabled now, or after the reboot in
 *                                 modprobe mode (may be NULL)
 * @return 0, or a negative errno as sriov_pf_set_numvfs(); in modprobe
 *         mode also -EOPNOTSUPP (driver's option not known) and the errno
 *         of writing modprobe.d (the old file is then left intact).
 */
SRIOV_EXPORT int sriov_pf_enable(sriov_ctx *ctx, const char *bdf,
                                 unsigned numvfs, int mode, unsigned flags,
                                 int *ret_mode, int *ret_requires_reboot,
                                 unsigned *ret_numvfs);

/**
 * Undo sriov_pf_enable() in the given mode: sysfs writes 0 (refused while
 * a VF is in use unless SRIOV_NUMVFS_FORCE); modprobe sets the module
 * option back to 0 for this PF (requires_reboot when VFs are still there);
 * manual changes nothing (the VFs were not ours).
 * @param mode  the mode enable used, or SRIOV_MODE_UNKNOWN to detect it
 * @param[out] ret_requires_reboot  may be NULL
 * @return 0, or a negative errno as sriov_pf_enable()
 */
SRIOV_EXPORT int sriov_pf_disable(sriov_ctx *ctx, const char *bdf, int mode,
                                  unsigned flags, int *ret_requires_reboot);

#ifdef __cplusplus
}
#endif

#endif
