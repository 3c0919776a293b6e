/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A stand-in for libxl and a NIC's rtnetlink VF settings, for the
 * plugin's tests on a build machine (no Xen, no SR-IOV NIC; the VM tests
 * run the real ones).  It keeps what Xen and the NIC would hold in files,
 * so it survives a killed process, and answers as they do:
 *   - assignable_add binds the VF to pciback through libsriov (the real
 *     code, on a simulated host under kernel-sim.so) and "quarantines" it;
 *     assignable_remove of a VF never quarantined fails as libxl 4.17's
 *     de-quarantine does;
 *   - pci_attach needs an existing domain and an assignable VF, and
 *     writes the domain's PCI backend in xenstore as libxl does
 *     (backend/pci/<domid>/0/num_devs, dev-<i>); pci_detach needs it
 *     there;
 *   - VF settings: all-or-nothing like sriov_vf_config_apply(), in its
 *     order and with its messages ("<if> VF <n>: the driver refused
 *     link-state auto: Operation not supported"); a refused rate is
 *     SRIOV_VF_RATE_REFUSED with the rest applied.  A VF reads back as
 *     a real one does (spoofchk on, link-state auto when never set).
 *
 * State directory layout (all optional):
 *   nic/<ifname>-<vf>   "mac vlan qos spoofchk trust link min max"
 *   quarantined/<bdf>   present while quarantined
 *   caps                "<passthrough> <intremap>" (default "1 1")
 *   fail/<what>         make <what> fail with the errno written in it:
 *                       mac, vlan, spoofchk, trust, link (a VF setting,
 *                       whatever its value: igb refuses link-state with
 *                       95, EOPNOTSUPP), rate (any value: refused), attach,
 *                       detach, assignable_add, host_caps, nopt-<domid>
 *                       (the domain was made without passthrough)
 *   group/<bdf>         Xen's IOMMU group of <bdf> (addresses, one a line)
 *   log                 one line per call, for order checks
 */
#ifndef XS_PLUGIN_FAKE_H
#define XS_PLUGIN_FAKE_H

#include <limits.h>

#include "plugin/backend.h"

struct plugin_fake {
    char dir[PATH_MAX];
};

extern const struct plugin_backend plugin_fake_backend;

/* mkdir the state directory and its subdirectories under @p parent. */
int plugin_fake_init(struct plugin_fake *f, const char *parent);

/* Write or remove (text NULL) a state file "<dir>/<rel>". */
int plugin_fake_set(const struct plugin_fake *f, const char *rel,
                    const char *text);

/* Read a state file into buf ("" when absent); returns its length. */
int plugin_fake_get(const struct plugin_fake *f, const char *rel, char *buf,
                    size_t size);

#endif
