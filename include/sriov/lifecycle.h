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
 * Every function works on a PF the caller has scanned (sriov_host_scan()
 * or sriov_host_scan_device()) and judges the facts of that scan:
 * sriov_totalvfs, sriov_numvfs, the driver and the VFs in use.  Scan right
 * before the call; what changed since is refused by the kernel (EBUSY when
 * VFs were enabled meanwhile).  After a change of the VF count the PF is
 * read again (sriov_numvfs and its VFs, not sriov_totalvfs, which the
 * change cannot move), so the same handle shows the new VFs: sriov_vf
 * pointers taken from it before the change are no longer valid.
 *
 * Errors are negative errnos with one line in sriov_ctx_last_error() of
 * the scan's context, naming the device and what to do.  A failed change
 * leaves the previous state when the kernel allows it (see each function).
 */
#ifndef SRIOV_LIFECYCLE_H
#define SRIOV_LIFECYCLE_H

#include <sriov/ctx.h>
#include <sriov/host.h>

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
 * @param pf      the PF, from a scan; read again after a change
 * @param numvfs  VFs wanted, or SRIOV_NUMVFS_MAX for sriov_totalvfs
 * @param flags   enum sriov_numvfs_flags
 * @return the number of VFs now enabled (the driver may enable fewer than
 *         asked: compare), or a negative errno:
 *   -EINVAL   the driver refused N;
 *   -ENODEV   the device vanished;
 *   -EOPNOTSUPP the device is not SR-IOV capable (a plain NIC);
 *   -ERANGE   N > sriov_totalvfs;
 *   -EBUSY    a VF that would be removed is in use (the message names it);
 *   -ENOENT   no driver bound, or the driver cannot configure VFs through
 *             sysfs (use the modprobe mode);
 *   -ENOMEM, -ENOSPC  not enough bus numbers or MMIO space (boot with
 *             pci=realloc, enable SR-IOV in the firmware, or ask fewer);
 *   -EIO      the device failed, or the kernel did not create the links;
 *   -EACCES, -EPERM   not allowed (run as root in dom0).
 */
SRIOV_EXPORT int sriov_pf_set_numvfs(sriov_pf *pf, unsigned numvfs,
                                     unsigned flags);

/**
 * Which mode an enable of this PF tries first, without writing anything:
 * modprobe when the driver is known to take a VF module option and no
 * sysfs (mlx4_core), or a XenServer driver package describes its option
 * ("# VFs-param:" in $root/etc/modprobe.d/<driver>.conf); sysfs otherwise.
 * Only the write can tell the rest: sriov_pf_enable() in auto mode falls
 * back to modprobe when sriov_numvfs answers ENOENT and the running module
 * shows a max_vfs/num_vfs option, and to manual when VFs are present.
 * @param[out] ret_mode  enum sriov_mode
 * @return 0, or -EOPNOTSUPP (not SR-IOV capable), -ENOMEM
 */
SRIOV_EXPORT int sriov_pf_detect_mode(const sriov_pf *pf, int *ret_mode);

/** Current version of struct sriov_pf_enable_options. */
#define SRIOV_PF_ENABLE_OPTIONS_VERSION 1u

/**
 * What sriov_pf_enable() is asked for.  Initialise with
 * SRIOV_PF_ENABLE_OPTIONS_INIT (or sriov_pf_enable_options_init()), then
 * change the fields wanted: fields added by later versions keep their
 * defaults for callers built against this one.
 */
typedef struct sriov_pf_enable_options {
    unsigned version;       /**< SRIOV_PF_ENABLE_OPTIONS_VERSION */
    /**
     * VFs wanted, or SRIOV_NUMVFS_MAX (the default): sriov_totalvfs; in
     * modprobe mode the "VFs-maxvfs-by-default/by-user" comment of the
     * driver's modprobe.d file when there is one.
     */
    unsigned numvfs;
    /**
     * SRIOV_MODE_UNKNOWN (the default) to detect it: sysfs first, and when
     * the sysfs write fails but VFs are present they are adopted as
     * manual, as xcp-networkd does.  Another mode forces it.
     */
    enum sriov_mode mode;
    unsigned flags;         /**< enum sriov_numvfs_flags, or'ed */
} sriov_pf_enable_options;

/** Initialiser: all of sriov_totalvfs, the mode detected, no flag. */
#define SRIOV_PF_ENABLE_OPTIONS_INIT \
    { SRIOV_PF_ENABLE_OPTIONS_VERSION, SRIOV_NUMVFS_MAX, SRIOV_MODE_UNKNOWN, \
      0u }

/**
 * Set @p opts to SRIOV_PF_ENABLE_OPTIONS_INIT, for callers that cannot use
 * the macro (bindings to other languages).
 * @param version  SRIOV_PF_ENABLE_OPTIONS_VERSION
 * @return 0, or -EINVAL for a version this libsriov does not know
 */
SRIOV_EXPORT int sriov_pf_enable_options_init(sriov_pf_enable_options *opts,
                                              unsigned version);

/**
 * Enable VFs on a PF: XenAPI's network-sriov-create on the host.
 * @param pf    the PF, from a scan; read again when VFs were enabled
 * @param opts  what is asked (NULL: SRIOV_PF_ENABLE_OPTIONS_INIT)
 * @param[out] ret_mode            enum sriov_mode used (may be NULL)
 * @param[out] ret_requires_reboot 1 when the VFs appear only after the
 *                                 module is reloaded (may be NULL)
 * @param[out] ret_numvfs          VFs enabled now, or after the reboot in
 *                                 modprobe mode (may be NULL)
 * @return 0, or a negative errno as sriov_pf_set_numvfs(); -EINVAL for
 *         options of an unknown version or mode; in modprobe mode also
 *         -EOPNOTSUPP (driver's option not known) and the errno of writing
 *         modprobe.d (the old file is then left intact).
 */
SRIOV_EXPORT int sriov_pf_enable(sriov_pf *pf,
                                 const sriov_pf_enable_options *opts,
                                 int *ret_mode, int *ret_requires_reboot,
                                 unsigned *ret_numvfs);

/**
 * Undo sriov_pf_enable() in the given mode: sysfs writes 0 (refused while
 * a VF is in use unless SRIOV_NUMVFS_FORCE); modprobe sets the module
 * option back to 0 for this PF (requires_reboot when VFs are still there);
 * manual changes nothing (the VFs were not ours).
 * @param pf    the PF, from a scan; read again when VFs were removed
 * @param mode  the mode enable used, or SRIOV_MODE_UNKNOWN to detect it
 * @param[out] ret_requires_reboot  may be NULL
 * @return 0, or a negative errno as sriov_pf_enable()
 */
SRIOV_EXPORT int sriov_pf_disable(sriov_pf *pf, int mode, unsigned flags,
                                  int *ret_requires_reboot);

#ifdef __cplusplus
}
#endif

#endif
