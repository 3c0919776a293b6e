/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the VF settings of a real NIC driver take and refuse, for the VM
 * test programs that run on more than one (netdevsim, built from Debian's
 * kernel source, and igb on QEMU 10's Intel 82576).  Each fact was seen in
 * the test VMs (docs/vm-tests.md); a driver not listed fails the test
 * with what to add.
 */
#ifndef XS_VM_DRIVER_H
#define XS_VM_DRIVER_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sriov/sriov.h>

struct vm_driver {
    const char *name;
    int link_state_errno;       /* 0: takes VF link state; else refused */
    int min_rate_errno;         /* 0: takes a non-zero min_tx_rate */
    unsigned max_rate;          /* highest max_tx_rate taken (Mbps) */
    int spoofchk;               /* a new VF's spoof checking */
};

static const struct vm_driver vm_drivers[] = {
    { "netdevsim", 0, 0, UINT_MAX, 0 },
    /* igb: ndo_set_vf_link_state is not implemented; ndo_set_vf_rate
     * takes no minimum and no maximum above the link speed (1000). */
    { "igb", EOPNOTSUPP, EINVAL, 1000, 1 },
};

/* The driver behind network interface @p ifname (its device's driver:
 * "igb" for a PCI NIC, "netdevsim" for a netdevsim device). */
static inline const struct vm_driver *vm_driver_of(const char *ifname)
{
    char path[PATH_MAX], link[PATH_MAX];
    const char *name;
    ssize_t n;

    snprintf(path, sizeof(path), "/sys/class/net/%s/device/driver", ifname);
    n = readlink(path, link, sizeof(link) - 1);
    ck_assert_msg(n > 0, "%s: no driver link (%s)", ifname, strerror(errno));
    link[n] = '\0';
    name = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
    for (size_t i = 0; i < sizeof(vm_drivers) / sizeof(*vm_drivers); i++)
        if (strcmp(vm_drivers[i].name, name) == 0)
            return &vm_drivers[i];
    ck_abort_msg("%s is driven by %s: add its VF facts to tests/vm/"
                 "vm-driver.h", ifname, name);
    return NULL;
}

#endif
