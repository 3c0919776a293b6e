/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsriov: SR-IOV host discovery, VF lifecycle, driver binding and VF
 * settings (the object store on xenstore is xen-sriov's store/, above
 * it).  This umbrella header includes every public part of the API; each
 * part also compiles on its own.
 */
#ifndef SRIOV_SRIOV_H
#define SRIOV_SRIOV_H

#include <sriov/version.h>
#include <sriov/ctx.h>
#include <sriov/host.h>
#include <sriov/lifecycle.h>
#include <sriov/bind.h>
#include <sriov/vf-config.h>

#endif
