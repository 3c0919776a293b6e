/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Simulated hosts for tests, the demo and the benchmark: a sysfs tree laid
 * out as the kernel lays it out (tests/helpers/README.md has the manifest
 * format and the layout), and the kernel's reactions to writes into it
 * (tests/helpers/kernel-sim.md), which kernel-sim.so applies to writes made
 * by any program.
 *
 * Everything lives in files under the root: the functions below keep no
 * state in memory, so several processes can share a tree.  They return 0
 * or a negative errno; the store functions return the errno the kernel
 * returns to the writer of that attribute.
 */
#ifndef SIM_HOST_H
#define SIM_HOST_H

#include <stddef.h>

/* Marker directory at the root of every simulated host. */
#define SIM_STATE_DIR ".kernel-sim"

/* Create an empty host: sys/{devices,bus/pci,kernel/iommu_groups,...}. */
int sim_host_create(const char *root);

/*
 * Add what a manifest describes (tests/fixtures/sysfs/NAME.tree).  On a
 * syntax or consistency error, @err receives "file:line: problem".
 */
int sim_host_load_file(const char *root, const char *manifest, char *err,
                       size_t errlen);
/* The same from text in memory; @name is used in error messages. */
int sim_host_load_text(const char *root, const char *text, const char *name,
                       char *err, size_t errlen);

/*
 * Manifest text for a benchmark host: @pfs Intel E810 PFs with @vfs VFs
 * each (iavf, with interfaces), every PF behind its own root port.
 * Caller frees.
 */
char *sim_host_generate(unsigned pfs, unsigned vfs);

/* The kernel's store methods, applied to the tree (see kernel-sim.md). */
int sim_store_numvfs(const char *root, const char *bdf, const char *buf);
int sim_store_autoprobe(const char *root, const char *bdf, const char *buf);
int sim_store_driver_override(const char *root, const char *bdf,
                              const char *buf);
int sim_store_bind(const char *root, const char *driver, const char *buf);
int sim_store_unbind(const char *root, const char *driver, const char *buf);
int sim_store_drivers_probe(const char *root, const char *buf);
int sim_store_new_slot(const char *root, const char *driver, const char *buf);
int sim_store_remove_slot(const char *root, const char *driver,
                          const char *buf);

/*
 * A write to @relpath (relative to the root, symlinks resolved):
 * sim_store_check() says 1 if it is one of the stores above, 0 if the path
 * is outside sys/, -EACCES for any other sysfs file (read-only);
 * sim_store() applies it.
 */
int sim_store_check(const char *relpath);
int sim_store(const char *root, const char *relpath, const char *buf);

/*
 * Replace the content of a file of the tree (path relative to the root),
 * e.g. "sys/class/net/eth0/flags", as a test changes the host behind the
 * code's back.  Written to a new file then renamed, so kernel-sim.so does
 * not treat it as a store.
 */
int sim_set_file(const char *root, const char *relpath, const char *value);

/* Remove a directory tree (the fixture teardown, a device vanishing). */
int sim_rm_rf(const char *path);

#endif
