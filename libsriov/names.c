/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Vendor, device and class names from pci.ids, through libpci. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/deps.h"
#include "libsriov/host-internal.h"

/* libpci's default handlers print, and exit() on errors.  Warnings and
 * debug output are dropped.  libpci calls its error handler (which must
 * not return) only when its own allocations fail inside a lookup, and
 * then there is no way back into libpci: stop there, as malloc would. */
static void pci_quiet(char *msg _unused_, ...)
{
}

static void __attribute__((noreturn)) pci_fatal(char *msg _unused_, ...)
{
    abort();
}

/* libpci's handle, made on first use; NULL with the error recorded in ctx
 * when libpci cannot be loaded (names are then NULL). */
static struct pci_access *pacc(sriov_ctx *ctx)
{
    if (!ctx->pacc) {
        if (sriov__deps_load(ctx, SRIOV_DEP_PCI) < 0)
            return NULL;
        ctx->pacc = pci_alloc();
        if (!ctx->pacc)
            return NULL;
        ctx->pacc->error = pci_fatal;
        ctx->pacc->warning = pci_quiet;
        ctx->pacc->debug = pci_quiet;
        /* No network (DNS) lookups, no ~/.pciids-cache, no udev hwdb:
         * pci.ids only, the same answer on every host. */
        ctx->pacc->id_lookup_mode = 0;
        sriov__log_debug(ctx, "loading pci.ids for names");
    }
    return ctx->pacc;
}

#define LOOKUP_FLAGS (PCI_LOOKUP_NO_HWDB)

static char *lookup(sriov_ctx *ctx, int flags, unsigned a1, unsigned a2,
                    unsigned a3, unsigned a4)
{
    struct pci_access *a = pacc(ctx);
    const char *s = NULL;
    char buf[256];

    if (a)
        s = pci_lookup_name(a, buf, sizeof(buf), flags | LOOKUP_FLAGS,
                            a1, a2, a3, a4);
    return s ? strdup(s) : NULL;
}

char *sriov__lookup_device_name(sriov_ctx *ctx, uint16_t vendor,
                                uint16_t device)
{
    return lookup(ctx, PCI_LOOKUP_DEVICE, (unsigned)vendor, (unsigned)device,
                  0u, 0u);
}

void sriov__pf_load_names(sriov_pf *pf)
{
    sriov_ctx *ctx = pf->host->ctx;

    if (pf->names_done)
        return;
    pf->names_done = true;
    pf->vendor_name = lookup(ctx, PCI_LOOKUP_VENDOR, (unsigned)pf->vendor,
                             0u, 0u, 0u);
    pf->device_name = sriov__lookup_device_name(ctx, pf->vendor, pf->device);
    pf->subsystem_name = lookup(ctx, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE,
                                (unsigned)pf->vendor, (unsigned)pf->device,
                                (unsigned)pf->subsystem_vendor,
                                (unsigned)pf->subsystem_device);
    pf->class_name = lookup(ctx, PCI_LOOKUP_CLASS,
                            (unsigned)(pf->class >> 8), 0u, 0u, 0u);
}
