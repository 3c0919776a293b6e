/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host model behind sriov_host/sriov_pf/sriov_vf/sriov_netdev, shared by
 * the scan (host.c), the getters (pf.c, vf.c, netdev.c), the lazy lookups
 * (names.c, iommu.c) and the lifecycle code that reads one PF.
 *
 * Ownership: the host owns an array of PF pointers; each PF owns its VFs
 * (one array, so VF pointers stay put once the PF is built) and its
 * netdevs; each VF owns at most one netdev.  IOMMU group members are
 * cached once per group in the host.
 */
#ifndef SRIOV_HOST_INTERNAL_H
#define SRIOV_HOST_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "libsriov/internal.h"

struct sriov_netdev {
    sriov_host *host;
    char *name;
    char owner[SRIOV_BDF_SIZE];     /* PCI function whose net/ holds it */
    bool loaded;                    /* details below were read */
    char *mac;
    char *operstate;
    char *phys_port_name;
    int speed;                      /* Mb/s, -1 unknown */
    int up;                         /* IFF_UP: 1/0, -1 unknown */
};

struct sriov_vf {
    sriov_pf *pf;
    unsigned index;                 /* N of the PF's virtfnN */
    char bdf[SRIOV_BDF_SIZE];
    char *driver;
    sriov_netdev *netdev;
    int iommu_group;
    char *device_name;              /* pci.ids, on demand */
};

struct sriov_pf {
    sriov_host *host;
    char bdf[SRIOV_BDF_SIZE];
    unsigned domain, bus, dev, fn;
    uint16_t vendor, device, subsystem_vendor, subsystem_device;
    uint32_t class;
    bool names_done;
    char *vendor_name, *device_name, *subsystem_name, *class_name;
    char *driver;
    sriov_netdev **netdevs;
    unsigned n_netdevs;
    int numa_node;
    bool sriov;                     /* has sriov_totalvfs */
    unsigned totalvfs, numvfs, offset, stride;
    uint16_t vf_device;
    int autoprobe;                  /* -1 if no attribute */
    int iommu_group;
    sriov_vf *vfs;
    unsigned n_vfs;
};

struct sriov__iommu_group {
    int number;
    char **members;                 /* sorted BDFs, NULL-terminated */
    unsigned n_members;
};

/* Interface name -> PCI function, from /sys/class/net links. */
struct sriov__netmap_entry {
    char bdf[SRIOV_BDF_SIZE];
    char *name;
};

struct sriov_host {
    sriov_ctx *ctx;
    sriov_pf **pfs;                 /* sorted by address */
    unsigned n_pfs;
    struct sriov__iommu_group *groups;  /* cache, filled on demand */
    unsigned n_groups;
    bool netmap_loaded;
    int netmap_error;                   /* /sys/class/net unreadable */
    struct sriov__netmap_entry *netmap; /* sorted by bdf, then name */
    unsigned n_netmap;
};

/* host.c */
_hidden_ int sriov__host_new(sriov_ctx *ctx, sriov_host **ret);
_hidden_ int sriov__host_add_pf(sriov_host *host, sriov_pf *pf);

/*
 * pf.c: read one PF (and its VFs) whose directory is open as @dirfd
 * (path @dirpath for messages).  Returns 1 and *ret when read, 0 when the
 * device vanished while being read, -errno on failure.
 */
_hidden_ int sriov__pf_read(sriov_host *host, int dirfd, const char *dirpath,
                            const char *bdf, int devices_fd,
                            const char *devices_path, sriov_pf **ret);
_hidden_ sriov_pf *sriov__pf_free(sriov_pf *pf);
/*
 * pf.c: read sriov_numvfs and the VFs of @pf again after its VF count
 * changed (sriov_totalvfs and the PF's own attributes cannot have): the
 * old VFs are freed, the host's interface map and the IOMMU groups of the
 * PF and its old VFs forgotten.
 */
_hidden_ int sriov__pf_reread_vfs(sriov_pf *pf);

/* vf.c: read the VF named @bdf under the devices directory. */
_hidden_ int sriov__vf_read(sriov_pf *pf, int devices_fd,
                            const char *devices_path, unsigned index,
                            const char *bdf, sriov_vf *vf);
_hidden_ void sriov__vf_dispose(sriov_vf *vf);
/* True for drivers that never give a function a network interface. */
_hidden_ bool sriov__driver_is_passthrough(const char *driver);

/* netdev.c */
_hidden_ int sriov__netdev_new(sriov_host *host, const char *owner,
                               const char *name, sriov_netdev **ret);
_hidden_ sriov_netdev *sriov__netdev_free(sriov_netdev *nd);
/* Read address/operstate/speed/flags/phys_port_name now. */
_hidden_ void sriov__netdev_load(sriov_netdev *nd);
/* Sort a PF's netdevs: uplink first, then by name (loads them). */
_hidden_ void sriov__netdevs_sort(sriov_netdev **v, unsigned n);

/*
 * netdev.c: the first interface (by name) of PCI function @bdf, from one
 * listing of /sys/class/net made on first use; NULL if none.  One
 * readlink per interface of the host instead of an open/getdents/close of
 * each VF's net/ directory.  -errno if /sys/class/net cannot be read.
 */
_hidden_ int sriov__netmap_lookup(sriov_host *host, const char *bdf,
                                  const char **ret);
_hidden_ void sriov__netmap_free(sriov_host *host);

/* names.c: pci.ids lookups through libpci, loaded on first use. */
_hidden_ void sriov__pf_load_names(sriov_pf *pf);
_hidden_ char *sriov__lookup_device_name(sriov_ctx *ctx, uint16_t vendor,
                                         uint16_t device);

/* iommu.c: the cached member list of group @number, or NULL. */
_hidden_ const struct sriov__iommu_group *
sriov__iommu_group_get(sriov_host *host, int number);
_hidden_ void sriov__iommu_groups_free(sriov_host *host);
/* Group number from an iommu_group link target ".../iommu_groups/N". */
_hidden_ int sriov__iommu_group_from_link(const char *target);

#endif
