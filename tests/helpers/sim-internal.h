/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internals of the simulated host: file helpers and the device model. */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/helpers/sim-host.h"

/* ---- sim-fs.c: files under the root; paths are "root/rel" ---- */
int simfs_path(char *out, size_t size, const char *root, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));
int simfs_mkdir_p(const char *path);
int simfs_write(const char *path, const void *buf, size_t len);
int simfs_printf(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Read a small file, trailing newline stripped; returns the length. */
int simfs_read(const char *path, char *buf, size_t size);
bool simfs_exists(const char *path);
/* Symlink at root/@from_rel whose relative target is root/@to_rel. */
int simfs_link(const char *root, const char *from_rel, const char *to_rel);
/* Resolve root/@rel (symlinks) to a path relative to the root. */
int simfs_resolve(const char *root, const char *rel, char *out, size_t size);

/* ---- PCI addresses ---- */
struct sim_bdf {
    unsigned domain, bus, dev, fn;
};
int sim_bdf_parse(const char *s, struct sim_bdf *ret);
void sim_bdf_format(const struct sim_bdf *b, char out[16]);

/* ---- state kept under root/.kernel-sim ---- */
/* Value of "key=value" in the state file @file, "" if absent. */
int sim_state_get(const char *root, const char *file, const char *key,
                  char *buf, size_t size);
int sim_state_set(const char *root, const char *file, const char *key,
                  const char *value);
/* Serialise stores across processes, as the kernel's device_lock does. */
int sim_lock(const char *root);
void sim_unlock(int fd);

/* ---- sim-model.c: devices, drivers, interfaces, IOMMU groups ---- */
struct sim_function {
    struct sim_bdf bdf;
    char parent[PATH_MAX];          /* dir the function lives in (rel) */
    uint16_t vendor, device, subsystem_vendor, subsystem_device;
    uint32_t class;
    uint8_t revision;
    bool bridge, multifunction, is_vf;
    unsigned secondary, subordinate;     /* bridges */
    int numa_node;
    /* SR-IOV capability (PFs) */
    unsigned totalvfs, offset, stride, numvfs;
    uint16_t vf_device;
    bool sriov;
};

int sim_function_create(const char *root, const struct sim_function *f);
/* Directory of a function relative to the root, via bus/pci/devices. */
int sim_function_dir(const char *root, const char *bdf, char *out,
                     size_t size);
int sim_read_attr(const char *root, const char *bdf, const char *attr,
                  char *buf, size_t size);
int sim_write_attr(const char *root, const char *bdf, const char *attr,
                   const char *value);

int sim_driver_define(const char *root, const char *name, const char *ids,
                      bool sriov_configure, bool net, const char *module);
bool sim_driver_exists(const char *root, const char *name);
/* Name of the driver bound to @bdf into @out ("" when none). */
int sim_driver_of(const char *root, const char *bdf, char *out, size_t size);
/* Bind as a successful probe does: links, then interfaces for net. */
int sim_attach(const char *root, const char *bdf, const char *driver);
int sim_detach(const char *root, const char *bdf);
/*
 * What the kernel's probe of @bdf by @driver answers (0 = bound), or, with
 * @driver NULL, try every matching driver as device_attach() does.
 */
int sim_probe(const char *root, const char *bdf, const char *driver);

int sim_netdev_add(const char *root, const char *bdf, const char *spec);
int sim_iommu_join(const char *root, const char *bdf, int group);
int sim_iommu_next(const char *root);

int sim_vfs_add(const char *root, const char *pf, unsigned n);
int sim_vfs_remove(const char *root, const char *pf);

#endif
