/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host discovery: the SR-IOV physical functions (PFs) of this host, their
 * virtual functions (VFs), network interfaces and IOMMU groups, read from
 * sysfs under the context's host root.
 *
 * A scan is a snapshot.  sriov_host_scan() walks $root/sys/bus/pci/devices
 * once and returns a sriov_host that owns every object reachable from it:
 * sriov_pf, sriov_vf and sriov_netdev pointers (and the strings their
 * getters return) stay valid until sriov_host_free().  The host keeps a
 * pointer to its context: free the host before the context.
 *
 * What a scan lists:
 * - every PCI function with the SR-IOV capability (a sriov_totalvfs
 *   attribute), network or not: an NVMe controller is listed with
 *   sriov_pf_is_network() false and must not be offered as a network device;
 * - with SRIOV_SCAN_NICS, also every PCI network function that has a network
 *   interface and is not a VF (plain NICs), with sriov_pf_is_sriov_capable()
 *   false;
 * - for each PF, its enabled VFs, in virtfn index order.
 * A VF is never listed as a PF, and a device that disappears while it is
 * being read is left out (not an error).
 *
 * Getters never fail.  Numeric getters return -1 (or 0 where said) for
 * "unknown"; string getters return NULL for "none".  Getters that take a
 * non-const pointer may read sysfs or pci.ids on first use and cache the
 * answer (names, IOMMU group members, VF interface details).
 */
#ifndef SRIOV_HOST_H
#define SRIOV_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <sriov/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A scan of the host: owns every PF, VF and interface below. */
typedef struct sriov_host sriov_host;
/** A physical function (SR-IOV PF, or a plain NIC with SRIOV_SCAN_NICS). */
typedef struct sriov_pf sriov_pf;
/** A virtual function of a PF. */
typedef struct sriov_vf sriov_vf;
/** A network interface of a PCI function (a directory of its net/). */
typedef struct sriov_netdev sriov_netdev;

/** Length of a PCI address "dddd:bb:dd.f" plus its terminating NUL. */
#define SRIOV_BDF_SIZE 13

/** Flags of sriov_host_scan(). */
enum sriov_scan_flags {
    /** Also list plain NICs: non-VF network-class functions, with an
     *  interface or none (no driver, or a driver that gave it none). */
    SRIOV_SCAN_NICS = 1u << 0,
    /** Resolve vendor/device/class names from pci.ids during the scan. */
    SRIOV_SCAN_NAMES = 1u << 1
};

/**
 * Scan the host.
 * @param[out] ret  the scan, freed with sriov_host_free(); untouched on error
 * @param ctx       context giving the host root
 * @param flags     enum sriov_scan_flags, or'ed
 * @return 0; -ENOENT if $root/sys/bus/pci/devices does not exist (message
 *         names the path: wrong SRIOV_ROOT or no sysfs); -ENOMEM; another
 *         negative errno if the devices directory cannot be read.
 */
SRIOV_EXPORT int sriov_host_scan(sriov_host **ret, sriov_ctx *ctx,
                                 unsigned flags);

/**
 * Read one physical function (and its VFs) without walking the bus.  The
 * result is a sriov_host holding exactly that PF.
 * @param[out] ret  the scan, freed with sriov_host_free()
 * @param bdf       PCI address, in any form sriov_bdf_parse() accepts
 * @param flags     SRIOV_SCAN_NAMES (SRIOV_SCAN_NICS is implied)
 * @return 0; -EINVAL if @p bdf is not a PCI address; -ENODEV if there is
 *         no such device; -EOPNOTSUPP if it is a VF, or neither SR-IOV
 *         capable nor a network function; -ENOMEM.
 */
SRIOV_EXPORT int sriov_host_scan_device(sriov_host **ret, sriov_ctx *ctx,
                                        const char *bdf, unsigned flags);

/** Free a scan and everything it owns.  Accepts NULL; returns NULL. */
SRIOV_EXPORT sriov_host *sriov_host_free(sriov_host *host);

/** Number of PFs in the scan. */
SRIOV_EXPORT unsigned sriov_host_pf_count(const sriov_host *host);

/** The @p i th PF, in PCI address order; NULL if out of range. */
SRIOV_EXPORT sriov_pf *sriov_host_pf(const sriov_host *host, unsigned i);

/** The PF at PCI address @p bdf (any sriov_bdf_parse() form), or NULL. */
SRIOV_EXPORT sriov_pf *sriov_host_find_pf(const sriov_host *host,
                                          const char *bdf);

/** The PF that has the network interface @p ifname, or NULL. */
SRIOV_EXPORT sriov_pf *sriov_host_find_pf_by_ifname(const sriov_host *host,
                                                    const char *ifname);

/** The VF at PCI address @p bdf (any sriov_bdf_parse() form), or NULL. */
SRIOV_EXPORT sriov_vf *sriov_host_find_vf(const sriov_host *host,
                                          const char *bdf);

/**
 * Normalise a PCI address to the kernel's "dddd:bb:dd.f" (lowercase hex).
 * Accepts "dddd:bb:dd.f" and "bb:dd.f" (domain 0), in either case.
 * @param[out] ret  SRIOV_BDF_SIZE bytes; untouched on error
 * @return 0, or -EINVAL
 */
SRIOV_EXPORT int sriov_bdf_parse(const char *s, char ret[SRIOV_BDF_SIZE]);

/* ---- physical functions ---- */

/** PCI address "dddd:bb:dd.f". */
SRIOV_EXPORT const char *sriov_pf_bdf(const sriov_pf *pf);
/** PCI domain (segment). */
SRIOV_EXPORT unsigned sriov_pf_domain(const sriov_pf *pf);
/** PCI bus number. */
SRIOV_EXPORT unsigned sriov_pf_bus(const sriov_pf *pf);
/** PCI device (slot) number, 0-31. */
SRIOV_EXPORT unsigned sriov_pf_dev(const sriov_pf *pf);
/** PCI function number, 0-7. */
SRIOV_EXPORT unsigned sriov_pf_fn(const sriov_pf *pf);

/** Vendor id (sysfs 'vendor'). */
SRIOV_EXPORT uint16_t sriov_pf_vendor_id(const sriov_pf *pf);
/** Device id (sysfs 'device'). */
SRIOV_EXPORT uint16_t sriov_pf_device_id(const sriov_pf *pf);
/** Subsystem vendor id (sysfs 'subsystem_vendor'), 0 if unknown. */
SRIOV_EXPORT uint16_t sriov_pf_subsystem_vendor_id(const sriov_pf *pf);
/** Subsystem device id (sysfs 'subsystem_device'), 0 if unknown. */
SRIOV_EXPORT uint16_t sriov_pf_subsystem_device_id(const sriov_pf *pf);
/** 24-bit class code (sysfs 'class'), e.g. 0x020000 for Ethernet. */
SRIOV_EXPORT uint32_t sriov_pf_class(const sriov_pf *pf);

/**
 * Names from pci.ids (libpci), looked up on first call (or during the scan
 * with SRIOV_SCAN_NAMES).  When pci.ids has no entry, the hex id is
 * returned ("8086", "1572"); NULL when out of memory, or when libpci
 * (loaded on the first lookup) cannot be loaded: sriov_ctx_last_error()
 * then names it.
 */
SRIOV_EXPORT const char *sriov_pf_vendor_name(sriov_pf *pf);
/** Device name from pci.ids; see sriov_pf_vendor_name(). */
SRIOV_EXPORT const char *sriov_pf_device_name(sriov_pf *pf);
/** Subsystem name from pci.ids; see sriov_pf_vendor_name(). */
SRIOV_EXPORT const char *sriov_pf_subsystem_name(sriov_pf *pf);
/** Class name ("Ethernet controller"); see sriov_pf_vendor_name(). */
SRIOV_EXPORT const char *sriov_pf_class_name(sriov_pf *pf);

/** Bound driver ("i40e", "mlx5_core", "nvme"...), or NULL if none. */
SRIOV_EXPORT const char *sriov_pf_driver(const sriov_pf *pf);

/** True for a network function (PCI base class 0x02). */
SRIOV_EXPORT int sriov_pf_is_network(const sriov_pf *pf);
/** True if the function has the SR-IOV capability (sriov_totalvfs). */
SRIOV_EXPORT int sriov_pf_is_sriov_capable(const sriov_pf *pf);

/**
 * Network interfaces of the PF (its net/ directory): none, one, or several
 * (e.g. switchdev representors).  The uplink (no phys_port_name, or one
 * of the form "p<N>") comes first, the others follow by name.
 */
SRIOV_EXPORT unsigned sriov_pf_netdev_count(const sriov_pf *pf);
/** The @p i th interface, or NULL if out of range. */
SRIOV_EXPORT sriov_netdev *sriov_pf_netdev(const sriov_pf *pf, unsigned i);

/** NUMA node (sysfs 'numa_node'), -1 if none or unknown. */
SRIOV_EXPORT int sriov_pf_numa_node(const sriov_pf *pf);

/** sriov_totalvfs: the most VFs the PF can have (0 if not capable). */
SRIOV_EXPORT unsigned sriov_pf_totalvfs(const sriov_pf *pf);
/** sriov_numvfs: VFs currently enabled. */
SRIOV_EXPORT unsigned sriov_pf_numvfs(const sriov_pf *pf);
/** sriov_offset: routing-ID offset of VF 0 from the PF. */
SRIOV_EXPORT unsigned sriov_pf_vf_offset(const sriov_pf *pf);
/** sriov_stride: routing-ID distance between consecutive VFs. */
SRIOV_EXPORT unsigned sriov_pf_vf_stride(const sriov_pf *pf);
/** sriov_vf_device: device id of the VFs. */
SRIOV_EXPORT uint16_t sriov_pf_vf_device_id(const sriov_pf *pf);
/** sriov_drivers_autoprobe: 1, 0, or -1 if the attribute is missing. */
SRIOV_EXPORT int sriov_pf_drivers_autoprobe(const sriov_pf *pf);

/** IOMMU group number, or -1 if the function has none (no IOMMU). */
SRIOV_EXPORT int sriov_pf_iommu_group(const sriov_pf *pf);
/**
 * Members of the PF's IOMMU group, itself included, in address order (read
 * from $root/sys/kernel/iommu_groups/N/devices on first call).  0 when the
 * PF has no group or the group cannot be read.
 */
SRIOV_EXPORT unsigned sriov_pf_iommu_group_size(sriov_pf *pf);
/** The @p i th member of the PF's IOMMU group, or NULL. */
SRIOV_EXPORT const char *sriov_pf_iommu_group_member(sriov_pf *pf,
                                                     unsigned i);

/** Number of VFs found (normally sriov_numvfs). */
SRIOV_EXPORT unsigned sriov_pf_vf_count(const sriov_pf *pf);
/** The @p i th VF in virtfn index order, or NULL if out of range. */
SRIOV_EXPORT sriov_vf *sriov_pf_vf(const sriov_pf *pf, unsigned i);
/** The VF whose virtfn index is @p index, or NULL. */
SRIOV_EXPORT sriov_vf *sriov_pf_find_vf(const sriov_pf *pf, unsigned index);

/* ---- virtual functions ---- */

/** Index N of the PF's virtfnN link that points at this VF. */
SRIOV_EXPORT unsigned sriov_vf_index(const sriov_vf *vf);
/** PCI address "dddd:bb:dd.f". */
SRIOV_EXPORT const char *sriov_vf_bdf(const sriov_vf *vf);
/** The PF (its physfn). */
SRIOV_EXPORT sriov_pf *sriov_vf_pf(const sriov_vf *vf);
/** PCI address of the PF. */
SRIOV_EXPORT const char *sriov_vf_pf_bdf(const sriov_vf *vf);
/** Vendor id: the PF's (a VF reads 0xffff in config space). */
SRIOV_EXPORT uint16_t sriov_vf_vendor_id(const sriov_vf *vf);
/** Device id: the PF's sriov_vf_device. */
SRIOV_EXPORT uint16_t sriov_vf_device_id(const sriov_vf *vf);
/** Device name of the VF from pci.ids; see sriov_pf_vendor_name(). */
SRIOV_EXPORT const char *sriov_vf_device_name(sriov_vf *vf);
/**
 * Bound driver: the VF driver ("iavf", "ixgbevf", "mlx5_core"...),
 * "pciback" when assignable to Xen guests, or NULL when unbound.
 */
SRIOV_EXPORT const char *sriov_vf_driver(const sriov_vf *vf);
/** The VF's network interface in dom0, or NULL (unbound, pciback...). */
SRIOV_EXPORT sriov_netdev *sriov_vf_netdev(const sriov_vf *vf);
/** IOMMU group number, or -1 if none. */
SRIOV_EXPORT int sriov_vf_iommu_group(const sriov_vf *vf);
/** Members of the VF's IOMMU group; see sriov_pf_iommu_group_size(). */
SRIOV_EXPORT unsigned sriov_vf_iommu_group_size(sriov_vf *vf);
/** The @p i th member of the VF's IOMMU group, or NULL. */
SRIOV_EXPORT const char *sriov_vf_iommu_group_member(sriov_vf *vf,
                                                     unsigned i);
/**
 * Why the VF is in use, or NULL if it is free.  In use means: bound to
 * pciback (assignable to or assigned to a Xen guest) or to vfio-pci, or
 * its dom0 interface is administratively up.  The answer is the one of
 * the scan, which the lifecycle functions judge: scan right before them.
 */
SRIOV_EXPORT const char *sriov_vf_busy_reason(const sriov_vf *vf);

/* ---- network interfaces ---- */

/** Interface name ("enp59s0f0"). */
SRIOV_EXPORT const char *sriov_netdev_name(const sriov_netdev *nd);
/** MAC address "3c:fd:fe:9e:7a:00" (sysfs 'address'), or NULL. */
SRIOV_EXPORT const char *sriov_netdev_mac(sriov_netdev *nd);
/** RFC 2863 operational state ("up", "down", ...), or NULL. */
SRIOV_EXPORT const char *sriov_netdev_operstate(sriov_netdev *nd);
/** Link speed in Mb/s, or -1 when unknown (no link, or not reported). */
SRIOV_EXPORT int sriov_netdev_speed(sriov_netdev *nd);
/** 1 if administratively up (IFF_UP), 0 if down, -1 if unknown. */
SRIOV_EXPORT int sriov_netdev_is_up(sriov_netdev *nd);
/** phys_port_name ("p0", "pf0vf1"), or NULL if the driver has none. */
SRIOV_EXPORT const char *sriov_netdev_phys_port_name(sriov_netdev *nd);

/**
 * Read attribute ATTR of any network interface (sys/class/net/IFNAME/ATTR,
 * e.g. "carrier", "speed", "duplex", "mtu", "bonding/slaves"), read now, into BUF of SIZE
 * bytes, trailing newline removed.  Returns its length, or -ENOENT (no
 * such interface or attribute), -EINVAL (a name that is not an
 * interface's, or the kernel's answer: "speed" of a link that is down),
 * the kernel's other errnos.  The interface need not be a PCI function's
 * (bridges, bonds, VLANs).
 */
SRIOV_EXPORT int sriov_ifname_read(sriov_ctx *ctx, const char *ifname,
                                   const char *attr, char *buf, size_t size);

/**
 * The last component of link ATTR of a network interface (sys/class/net/
 * IFNAME/ATTR: "master" -> the bond or bridge it is enslaved to,
 * "brport/bridge" -> its bridge), into BUF of SIZE bytes.  Returns its
 * length, or -ENOENT (no such link), -EINVAL, -ENAMETOOLONG.
 */
SRIOV_EXPORT int sriov_ifname_readlink(sriov_ctx *ctx, const char *ifname,
                                       const char *attr, char *buf,
                                       size_t size);

/**
 * String NAME of the machine's SMBIOS (DMI) tables as the kernel exports
 * it (sys/class/dmi/id/NAME: "bios_vendor", "sys_vendor", "product_name",
 * "board_serial"...), into BUF of SIZE bytes, trailing newline removed.
 * Returns its length, or -ENOENT (no DMI tables, or no such string),
 * -EACCES (the serial numbers are root's), -EINVAL.
 */
SRIOV_EXPORT int sriov_dmi_read(sriov_ctx *ctx, const char *name, char *buf,
                                size_t size);

/**
 * The raw bytes of SMBIOS structure TYPE, instance N (sys/firmware/dmi/
 * entries/TYPE-N/raw: the formatted area, then its strings, each
 * NUL-terminated, then a NUL), into BUF of SIZE bytes (one byte is kept
 * for a final NUL).  Returns the length read, or -ENOENT (no such
 * structure), -EACCES (root's), -EINVAL.
 */
SRIOV_EXPORT int sriov_dmi_entry(sriov_ctx *ctx, unsigned type, unsigned n,
                                 void *buf, size_t size);

/**
 * One address of a network interface, as rtnetlink gives it
 * (sriov_ifname_addrs()).
 */
typedef struct sriov_ifaddr {
    int family;            /* AF_INET or AF_INET6 */
    char addr[48];         /* "192.0.2.10", "2001:db8::10" */
    unsigned prefixlen;    /* 24, 64 */
    unsigned scope;        /* RT_SCOPE_UNIVERSE 0, RT_SCOPE_LINK 253, ... */
    unsigned flags;        /* IFA_F_*: IFA_F_PERMANENT (0x80) when it has no
                            * valid lifetime, IFA_F_SECONDARY (0x01) */
} sriov_ifaddr;

/**
 * The IPv4 and IPv6 addresses of network interface IFNAME, read now from
 * the kernel over rtnetlink, in the kernel's order (IPv4 first).  Only an
 * interface that sysfs under the context's host root shows with the
 * kernel's own ifindex has addresses: the interfaces of a simulated host
 * have none.  *RET (free() it) holds *RET_N entries, NULL for none.
 * Returns 0, or -ENODEV (no such interface in the kernel), -ENOMEM, the
 * kernel's errnos.
 */
SRIOV_EXPORT int sriov_ifname_addrs(sriov_ctx *ctx, const char *ifname,
                                    sriov_ifaddr **ret, size_t *ret_n);

/**
 * The default route of address family FAMILY (AF_INET, AF_INET6) in the
 * main routing table, read now: the lowest metric's interface into
 * RET_IFNAME (IFSIZE bytes, at least 16) and its gateway into RET_GATEWAY
 * (GWSIZE bytes, "" when on-link).  Returns 0, -ENOENT (no default
 * route), -ENAMETOOLONG, the kernel's errnos.
 */
SRIOV_EXPORT int sriov_default_route(sriov_ctx *ctx, int family,
                                     char *ret_ifname, size_t ifsize,
                                     char *ret_gateway, size_t gwsize);

/**
 * The name servers of $root/etc/resolv.conf ("nameserver" lines), read
 * now, ','-joined into BUF of SIZE bytes ("" for none or no file).
 * Returns the length, or -ENAMETOOLONG, -ENOMEM, the errnos of read(2).
 */
SRIOV_EXPORT int sriov_nameservers(sriov_ctx *ctx, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
