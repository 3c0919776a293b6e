/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cold-plug API's internals: a handle over any plugin backend (the
 * tests give it their stand-in for libxl), and the libxl device setup it
 * shares with backend-libxl.c. */
#ifndef XEN_SRIOV_PLUGIN_COLDPLUG_H
#define XEN_SRIOV_PLUGIN_COLDPLUG_H

#include <sriov/xl.h>

#include "plugin/plugin.h"

/* sriov_xl_open() with the plugin's options. */
int sriov_xl_open_with(sriov_xl **ret, const struct plugin_opts *opts);

/* The libxl_device_pci of PCI function @p bdf with the plugin's options
 * (struct plugin_pci_opts): what backend-libxl.c attaches and what the
 * cold-plug API appends to a domain config.  Dispose of it with
 * libxl_device_pci_dispose().  -EINVAL: not a PCI address. */
int plugin_libxl_pci_init(plugin *p, libxl_device_pci *pci, const char *bdf);

#endif
