/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libxl cold-plug API (sriov/xl.h): VFs into a libxl_domain_config
 * before the domain is made, and back after. */

/* The oldest libxl API this file is written against (Xen 4.13). */
#define LIBXL_API_VERSION 0x041300

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sriov/xl.h>

#include "plugin/coldplug.h"
#include "plugin/internal.h"

struct sriov_xl {
    plugin *p;
    int lock;                       /* the VM's lock while prepared */
    char vm[37];
    size_t n;                       /* VIFs prepared */
    char (*vif)[37];
    char (*pci)[37];
    char (*bdf)[SRIOV_BDF_SIZE];
    char code[64];
};

/*
 * The XenAPI code of a failure, for sriov_xl_last_error_code(): this API
 * names its failures as xe does (ops/plugin.c, with their parameters), by
 * the errno and the objects of plugin_last_failure().
 */
static void set_code(sriov_xl *sx)
{
    const struct plugin_failure *f = plugin_last_failure(sx->p);
    const char *code;

    switch (f->r) {
    case -ENOSPC:
        code = "NETWORK_SRIOV_INSUFFICIENT_CAPACITY";
        break;
    case -EPERM:
    case -EINVAL:
        code = "OPERATION_NOT_ALLOWED";
        break;
    case -EBUSY:
        code = "OTHER_OPERATION_IN_PROGRESS";
        break;
    default:
        code = "INTERNAL_ERROR";
    }
    snprintf(sx->code, sizeof(sx->code), "%s", code);
}

int sriov_xl_open_with(sriov_xl **ret, const struct plugin_opts *opts)
{
    sriov_xl *sx = calloc(1, sizeof(*sx));
    int r;

    if (!sx)
        return -ENOMEM;
    sx->lock = -1;
    r = plugin_new(&sx->p, opts, NULL, 0);
    if (r < 0) {
        free(sx);
        return r;
    }
    *ret = sx;
    return 0;
}

SRIOV_XL_EXPORT int sriov_xl_open(sriov_xl **ret, const char *root)
{
    struct plugin_opts o = { .root = root };

    if (!ret)
        return -EINVAL;
    return sriov_xl_open_with(ret, &o);
}

static void forget(sriov_xl *sx)
{
    free(sx->vif);
    free(sx->pci);
    free(sx->bdf);
    sx->vif = NULL;
    sx->pci = NULL;
    sx->bdf = NULL;
    sx->n = 0;
    if (sx->lock >= 0)
        close(sx->lock);
    sx->lock = -1;
}

SRIOV_XL_EXPORT sriov_xl *sriov_xl_close(sriov_xl *sx)
{
    if (!sx)
        return NULL;
    forget(sx);
    plugin_free(sx->p);
    free(sx);
    return NULL;
}

SRIOV_XL_EXPORT const char *sriov_xl_last_error(const sriov_xl *sx)
{
    return sx ? plugin_last_error(sx->p) : "";
}

SRIOV_XL_EXPORT const char *sriov_xl_last_error_code(const sriov_xl *sx)
{
    return sx ? sx->code : "";
}

/* Append one libxl_device_pci per VF, with the plugin's options. */
static int append(sriov_xl *sx, libxl_domain_config *cfg)
{
    libxl_device_pci *v;
    int base = cfg->num_pcidevs;

    v = realloc(cfg->pcidevs, (size_t)(base + (int)sx->n) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    cfg->pcidevs = v;
    for (size_t i = 0; i < sx->n; i++) {
        int r = plugin_libxl_pci_init(sx->p, &v[base + (int)i], sx->bdf[i]);

        if (r < 0) {
            while (i-- > 0)
                libxl_device_pci_dispose(&v[base + (int)i]);
            return r;
        }
    }
    cfg->num_pcidevs = base + (int)sx->n;
    return 0;
}

/* What acquire() reserved: each VIF's VF, read back from the store. */
static int collect(sriov_xl *sx, struct plugin_vif *vifs, size_t n)
{
    sx->vif = calloc(n + 1, sizeof(*sx->vif));
    sx->pci = calloc(n + 1, sizeof(*sx->pci));
    sx->bdf = calloc(n + 1, sizeof(*sx->bdf));
    if (!sx->vif || !sx->pci || !sx->bdf)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        store_record *vif = NULL, *pci = NULL;
        int r;

        r = plugin_store_get(sx->p, "VIF", vifs[i].uuid, &vif);
        if (r >= 0)
            r = plugin_store_get(sx->p, "PCI", store_record_get(
                                 vif, SF_reserved_pci), &pci);
        if (r >= 0 && sriov_bdf_parse(store_record_get(pci, SF_pci_id),
                                      sx->bdf[i]) < 0)
            r = -EBADMSG;
        if (r >= 0) {
            memcpy(sx->vif[i], vifs[i].uuid, 37);
            memcpy(sx->pci[i], store_record_uuid(pci), 37);
            sx->n++;
        }
        store_record_free(vif);
        store_record_free(pci);
        if (r < 0)
            return plugin_fail_store(sx->p, r);
    }
    return 0;
}

SRIOV_XL_EXPORT int sriov_xl_prepare(sriov_xl *sx,
                                     libxl_domain_config *d_config)
{
    struct plugin_failure *f;
    struct plugin_vif *vifs = NULL;
    char vm[37];
    size_t n = 0;
    int r;

    if (!sx || !d_config)
        return -EINVAL;
    sx->code[0] = '\0';
    f = plugin_failure_begin(sx->p);
    if (sx->lock >= 0)
        return plugin_fail(sx->p, -EBUSY, "VM %s is prepared already: call "
                           "sriov_xl_domain_created() or sriov_xl_abort() "
                           "first", sx->vm);
    snprintf(vm, sizeof(vm), LIBXL_UUID_FMT,
             LIBXL_UUID_BYTES(d_config->c_info.uuid));
    r = plugin_vm_lock(sx->p, vm, false, &sx->lock);
    if (r < 0) {
        snprintf(sx->code, sizeof(sx->code), "OTHER_OPERATION_IN_PROGRESS");
        return r;
    }
    memcpy(sx->vm, vm, sizeof(vm));
    r = plugin_vm_vifs(sx->p, vm, &vifs, &n);
    if (r >= 0 && n > 0)
        r = plugin_acquire(sx->p, vm, -1, vifs, n, f);
    if (r > 0 || (r == 0 && n > 0)) {
        r = collect(sx, vifs, n);
        if (r >= 0)
            r = append(sx, d_config);
        if (r < 0) {
            for (size_t i = 0; i < n; i++)
                plugin_release_vif(sx->p, vifs[i].uuid, true, NULL);
        }
    }
    plugin_vifs_free(vifs, n);
    if (r < 0) {
        set_code(sx);
        forget(sx);
        return r;
    }
    if (!sx->n)
        forget(sx);                     /* nothing to hold */
    return (int)sx->n;
}

SRIOV_XL_EXPORT int sriov_xl_domain_created(sriov_xl *sx, uint32_t domid)
{
    int r = 0;

    if (!sx)
        return -EINVAL;
    if (sx->lock < 0)
        return plugin_fail(sx->p, -ENOENT, "nothing prepared: call "
                           "sriov_xl_prepare() first");
    for (size_t i = 0; i < sx->n && r >= 0; i++)
        r = plugin_mark_attached(sx->p, sx->vif[i], sx->pci[i], domid, true);
    forget(sx);
    return r;
}

SRIOV_XL_EXPORT int sriov_xl_abort(sriov_xl *sx, libxl_domain_config *cfg)
{
    int r = 0, k;

    if (!sx)
        return -EINVAL;
    if (sx->lock < 0)
        return 0;
    for (size_t i = sx->n; i-- > 0;) {
        k = plugin_release_vif(sx->p, sx->vif[i], true, NULL);
        if (k < 0 && r == 0)
            r = k;
    }
    /* Our entries are the last ones appended, unless the caller added
     * more after: remove by address. */
    for (int j = cfg ? cfg->num_pcidevs : 0; j-- > 0;) {
        libxl_device_pci *d = &cfg->pcidevs[j];
        char bdf[32];

        snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x",
                 (unsigned)d->domain & 0xffff, d->bus, d->dev & 0x1f,
                 d->func & 7);
        for (size_t i = 0; i < sx->n; i++)
            if (strcmp(bdf, sx->bdf[i]) == 0) {
                libxl_device_pci_dispose(d);
                memmove(d, d + 1, (size_t)(cfg->num_pcidevs - j - 1) *
                        sizeof(*d));
                cfg->num_pcidevs--;
                break;
            }
    }
    forget(sx);
    return r;
}

SRIOV_XL_EXPORT int sriov_xl_domain_destroyed(sriov_xl *sx, uint32_t domid)
{
    int r;

    if (!sx)
        return -EINVAL;
    r = plugin_domain_release(sx->p, domid);
    if (r < 0)
        set_code(sx);
    return r;
}
