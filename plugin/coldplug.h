/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cold-plug API's internals: a handle over any plugin backend (the
 * tests give it their stand-in for libxl). */
#ifndef XEN_SRIOV_PLUGIN_COLDPLUG_H
#define XEN_SRIOV_PLUGIN_COLDPLUG_H

#include <sriov/xl.h>

#include "plugin/plugin.h"

/* sriov_xl_open() with the plugin's options. */
int sriov_xl_open_with(sriov_xl **ret, const struct plugin_opts *opts);

#endif
