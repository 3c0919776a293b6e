/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Physical functions: reading one from sysfs, and its getters. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/host-internal.h"

#define ATTR_SIZE 256

sriov_pf *sriov__pf_free(sriov_pf *pf)
{
    if (!pf)
        return NULL;
    for (unsigned i = 0; i < pf->n_vfs; i++)
        sriov__vf_dispose(&pf->vfs[i]);
    free(pf->vfs);
    for (unsigned i = 0; i < pf->n_netdevs; i++)
        sriov__netdev_free(pf->netdevs[i]);
    free(pf->netdevs);
    free(pf->driver);
    free(pf->vendor_name);
    free(pf->device_name);
    free(pf->subsystem_name);
    free(pf->class_name);
    free(pf);
    return NULL;
}

static void pf_freep(sriov_pf **pf) { sriov__pf_free(*pf); }
#define _cleanup_pf_ _cleanup_(pf_freep)

static bool strv_contains(char **v, const char *s)
{
    for (; v && *v; v++)
        if (strcmp(*v, s) == 0)
            return true;
    return false;
}

/* Read an unsigned attribute; ENOENT is "vanished" for mandatory ones. */
static int read_uint(sriov_pf *pf, int pfd, const char *pfpath,
                     const char *name, int base, unsigned *ret)
{
    char buf[ATTR_SIZE];
    int r;

    r = sriov__read_at(pf->host->ctx, pfd, pfpath, name, buf, sizeof(buf));
    if (r < 0)
        return r;
    r = sriov__parse_uint(buf, base, ret);
    if (r < 0)
        return sriov__fail(pf->host->ctx, -EBADMSG, "'%s/%s' holds '%s', "
                           "not a number", pfpath, name, buf);
    return 0;
}

static int read_netdevs(sriov_pf *pf, int pfd, const char *pfpath)
{
    _cleanup_strv_free_ char **names = NULL;
    unsigned n = 0;
    int r;

    r = sriov__list_at(pf->host->ctx, pfd, pfpath, "net", &names, &n);
    if (r == -ENOENT || r == -ENOTDIR)
        return 0;
    if (r < 0)
        return r;
    pf->netdevs = calloc(n ? n : 1, sizeof(sriov_netdev *));
    if (!pf->netdevs)
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        r = sriov__netdev_new(pf->host, pf->bdf, names[i],
                              &pf->netdevs[pf->n_netdevs]);
        if (r < 0)
            return r;
        sriov__netdev_load(pf->netdevs[pf->n_netdevs++]);
    }
    sriov__netdevs_sort(pf->netdevs, pf->n_netdevs);
    return 0;
}

static int read_sriov(sriov_pf *pf, int pfd, const char *pfpath,
                      char **entries)
{
    unsigned v;
    int r;

    r = read_uint(pf, pfd, pfpath, "sriov_totalvfs", 10, &pf->totalvfs);
    if (r < 0)
        return r;
    r = read_uint(pf, pfd, pfpath, "sriov_numvfs", 10, &pf->numvfs);
    if (r < 0)
        return r;
    /* Older kernels (< 4.4) lack the next three: leave them 0. */
    if (strv_contains(entries, "sriov_offset") &&
        (r = read_uint(pf, pfd, pfpath, "sriov_offset", 10, &pf->offset)) < 0)
        return r;
    if (strv_contains(entries, "sriov_stride") &&
        (r = read_uint(pf, pfd, pfpath, "sriov_stride", 10, &pf->stride)) < 0)
        return r;
    if (strv_contains(entries, "sriov_vf_device")) {
        /* printed "%x" without a 0x prefix (drivers/pci/iov.c) */
        r = read_uint(pf, pfd, pfpath, "sriov_vf_device", 16, &v);
        if (r < 0)
            return r;
        pf->vf_device = (uint16_t)v;
    }
    pf->autoprobe = -1;
    if (strv_contains(entries, "sriov_drivers_autoprobe")) {
        r = read_uint(pf, pfd, pfpath, "sriov_drivers_autoprobe", 10, &v);
        if (r < 0)
            return r;
        pf->autoprobe = v != 0;
    }
    return 0;
}

static int cmp_index(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

    return x < y ? -1 : x > y;
}

/* The VFs, from the PF's virtfnN links (relative: "../0000:3b:02.0"). */
static int read_vfs(sriov_pf *pf, int pfd, const char *pfpath, char **entries,
                    int dfd, const char *dpath)
{
    _cleanup_free_ unsigned *idx = NULL;
    _cleanup_free_ char *sibpath = NULL;
    _cleanup_close_ int sibfd = -1;
    unsigned n = 0, cap = 0;
    int r;

    for (char **e = entries; e && *e; e++) {
        unsigned i;
        if (strncmp(*e, "virtfn", 6) != 0 ||
            sriov__parse_uint(*e + 6, 10, &i) < 0)
            continue;
        if (n == cap) {
            unsigned *v = realloc(idx, (cap = cap ? cap * 2 : 16) *
                                  sizeof(unsigned));
            if (!v)
                return -ENOMEM;
            idx = v;
        }
        idx[n++] = i;
    }
    if (!n)
        return 0;
    qsort(idx, n, sizeof(unsigned), cmp_index);
    pf->vfs = calloc(n, sizeof(sriov_vf));
    if (!pf->vfs)
        return -ENOMEM;
    /*
     * A VF's device is a sibling of its PF's (iov.c sets virtfn->dev.parent
     * to the PF's parent, whatever bus it is on): virtfnN is "../<bdf>".
     * Reading the VFs relative to that directory spares a lookup of the
     * bus/pci/devices symlink per attribute.
     */
    if (asprintf(&sibpath, "%s/..", pfpath) < 0)
        return -ENOMEM;
    if (sriov__dir_openat(pf->host->ctx, pfd, pfpath, "..", &sibfd) < 0)
        sibfd = -1;
    for (unsigned k = 0; k < n; k++) {
        char name[32], target[ATTR_SIZE];
        const char *vfbdf;

        snprintf(name, sizeof(name), "virtfn%u", idx[k]);
        r = sriov__readlink_at(pf->host->ctx, pfd, pfpath, name, target,
                               sizeof(target));
        if (r == -ENOENT)
            continue;                 /* VFs being removed */
        if (r < 0)
            return sriov__fail(pf->host->ctx, r, "cannot read '%s/%s': %s",
                               pfpath, name, strerror(-r));
        vfbdf = sriov__basename(target);
        if (!sriov__bdf_valid(vfbdf))
            continue;
        if (sibfd >= 0 && strncmp(target, "../", 3) == 0 &&
            !strchr(target + 3, '/'))
            r = sriov__vf_read(pf, sibfd, sibpath, idx[k], vfbdf,
                               &pf->vfs[pf->n_vfs]);
        else
            r = sriov__vf_read(pf, dfd, dpath, idx[k], vfbdf,
                               &pf->vfs[pf->n_vfs]);
        if (r < 0)
            return r;
        if (r > 0)
            pf->n_vfs++;
    }
    return 0;
}

/* Forget the cached IOMMU groups the PF's VFs change: its own, its VFs'. */
static void forget_groups(sriov_pf *pf)
{
    sriov_host *host = pf->host;
    unsigned k = 0;

    for (unsigned i = 0; i < host->n_groups; i++) {
        struct sriov__iommu_group *g = &host->groups[i];
        bool changed = g->number == pf->iommu_group;

        for (unsigned v = 0; !changed && v < pf->n_vfs; v++)
            changed = g->number == pf->vfs[v].iommu_group;
        if (changed)
            strv_free(g->members);
        else
            host->groups[k++] = *g;
    }
    host->n_groups = k;
}

int sriov__pf_reread_vfs(sriov_pf *pf)
{
    _cleanup_strv_free_ char **entries = NULL;
    _cleanup_free_ char *dpath = NULL, *pfpath = NULL;
    _cleanup_close_ int dfd = -1, pfd = -1;
    sriov_ctx *ctx = pf->host->ctx;
    int r;

    r = sriov__dir_open(ctx, "sys/bus/pci/devices", &dfd, &dpath);
    if (r < 0)
        return r;
    if (asprintf(&pfpath, "%s/%s", dpath, pf->bdf) < 0)
        return -ENOMEM;
    r = sriov__dir_openat(ctx, dfd, dpath, pf->bdf, &pfd);
    if (r >= 0)
        r = sriov__list_at(ctx, pfd, pfpath, ".", &entries, NULL);
    if (r < 0)
        return sriov__fail(ctx, r == -ENOENT ? -ENODEV : r, "cannot read "
                           "'%s' again after changing its VFs: %s", pfpath,
                           strerror(-r));
    /* The old VFs are gone (any change removes them all), and with them
     * their interfaces and IOMMU groups: read the new ones afresh. */
    forget_groups(pf);
    for (unsigned i = 0; i < pf->n_vfs; i++)
        sriov__vf_dispose(&pf->vfs[i]);
    free(pf->vfs);
    pf->vfs = NULL;
    pf->n_vfs = 0;
    sriov__netmap_free(pf->host);
    pf->host->netmap_loaded = false;
    pf->host->netmap_error = 0;
    r = read_uint(pf, pfd, pfpath, "sriov_numvfs", 10, &pf->numvfs);
    if (r < 0)
        return r;
    return read_vfs(pf, pfd, pfpath, entries, dfd, dpath);
}

static int read_ids(sriov_pf *pf, int pfd, const char *pfpath, char **entries)
{
    unsigned v;
    int r;

    /* "0x%04x" and "0x%06x": base 0 takes the prefix. */
    r = read_uint(pf, pfd, pfpath, "vendor", 0, &v);
    if (r < 0)
        return r;
    pf->vendor = (uint16_t)v;
    r = read_uint(pf, pfd, pfpath, "device", 0, &v);
    if (r < 0)
        return r;
    pf->device = (uint16_t)v;
    r = read_uint(pf, pfd, pfpath, "class", 0, &v);
    if (r < 0)
        return r;
    pf->class = v & 0xffffff;
    if (strv_contains(entries, "subsystem_vendor") &&
        read_uint(pf, pfd, pfpath, "subsystem_vendor", 0, &v) == 0)
        pf->subsystem_vendor = (uint16_t)v;
    if (strv_contains(entries, "subsystem_device") &&
        read_uint(pf, pfd, pfpath, "subsystem_device", 0, &v) == 0)
        pf->subsystem_device = (uint16_t)v;
    return 0;
}

int sriov__pf_read(sriov_host *host, int pfd, const char *pfpath,
                   const char *bdf, int dfd, const char *dpath,
                   sriov_pf **ret)
{
    _cleanup_pf_ sriov_pf *pf = NULL;
    _cleanup_strv_free_ char **entries = NULL;
    sriov_ctx *ctx = host->ctx;
    char buf[ATTR_SIZE];
    int r;

    /* One listing tells which attributes exist: no failed opens later. */
    r = sriov__list_at(ctx, pfd, pfpath, ".", &entries, NULL);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return sriov__fail(ctx, r, "cannot list '%s': %s", pfpath,
                           strerror(-r));
    if (!entries[0] || strv_contains(entries, "physfn"))
        return 0;                     /* vanished, or a VF */
    pf = calloc(1, sizeof(*pf));
    if (!pf)
        return -ENOMEM;
    pf->host = host;
    pf->numa_node = -1;
    pf->iommu_group = -1;
    pf->autoprobe = -1;
    memcpy(pf->bdf, bdf, SRIOV_BDF_SIZE);
    sscanf(bdf, "%x:%x:%x.%x", &pf->domain, &pf->bus, &pf->dev, &pf->fn);

    if (strv_contains(entries, "driver")) {
        r = sriov__readlink_at(ctx, pfd, pfpath, "driver", buf, sizeof(buf));
        if (r >= 0 && !(pf->driver = strdup(sriov__basename(buf))))
            return -ENOMEM;
    }
    if (strv_contains(entries, "net") &&
        (r = read_netdevs(pf, pfd, pfpath)) < 0)
        goto fail;
    if (strv_contains(entries, "numa_node") &&
        sriov__read_at(ctx, pfd, pfpath, "numa_node", buf, sizeof(buf)) >= 0)
        sriov__parse_int(buf, &pf->numa_node);
    if (strv_contains(entries, "iommu_group") &&
        sriov__readlink_at(ctx, pfd, pfpath, "iommu_group", buf,
                           sizeof(buf)) >= 0)
        pf->iommu_group = sriov__iommu_group_from_link(buf);
    pf->sriov = strv_contains(entries, "sriov_totalvfs");
    if (pf->sriov && (r = read_sriov(pf, pfd, pfpath, entries)) < 0)
        goto fail;
    /* Mandatory attributes last: if they are gone, the device went away
     * while we read it, and what we read is not to be trusted. */
    r = read_ids(pf, pfd, pfpath, entries);
    if (r < 0)
        goto fail;
    r = read_vfs(pf, pfd, pfpath, entries, dfd, dpath);
    if (r < 0)
        goto fail;
    *ret = TAKE_PTR(pf);
    return 1;

fail:
    if (r == -ENOENT || r == -ENODEV) {
        sriov__log_debug(ctx, "'%s' vanished while being read, skipping it",
                         pfpath);
        sriov__clear_error(ctx);
        return 0;
    }
    return r;
}

SRIOV_EXPORT const char *sriov_pf_bdf(const sriov_pf *pf)
{
    return pf ? pf->bdf : NULL;
}

SRIOV_EXPORT unsigned sriov_pf_domain(const sriov_pf *pf)
{
    return pf ? pf->domain : 0;
}

SRIOV_EXPORT unsigned sriov_pf_bus(const sriov_pf *pf)
{
    return pf ? pf->bus : 0;
}

SRIOV_EXPORT unsigned sriov_pf_dev(const sriov_pf *pf)
{
    return pf ? pf->dev : 0;
}

SRIOV_EXPORT unsigned sriov_pf_fn(const sriov_pf *pf)
{
    return pf ? pf->fn : 0;
}

SRIOV_EXPORT uint16_t sriov_pf_vendor_id(const sriov_pf *pf)
{
    return pf ? pf->vendor : 0;
}

SRIOV_EXPORT uint16_t sriov_pf_device_id(const sriov_pf *pf)
{
    return pf ? pf->device : 0;
}

SRIOV_EXPORT uint16_t sriov_pf_subsystem_vendor_id(const sriov_pf *pf)
{
    return pf ? pf->subsystem_vendor : 0;
}

SRIOV_EXPORT uint16_t sriov_pf_subsystem_device_id(const sriov_pf *pf)
{
    return pf ? pf->subsystem_device : 0;
}

SRIOV_EXPORT uint32_t sriov_pf_class(const sriov_pf *pf)
{
    return pf ? pf->class : 0;
}

SRIOV_EXPORT const char *sriov_pf_driver(const sriov_pf *pf)
{
    return pf ? pf->driver : NULL;
}

SRIOV_EXPORT int sriov_pf_is_network(const sriov_pf *pf)
{
    return pf && (pf->class >> 16) == 0x02;
}

SRIOV_EXPORT int sriov_pf_is_sriov_capable(const sriov_pf *pf)
{
    return pf && pf->sriov;
}

SRIOV_EXPORT unsigned sriov_pf_netdev_count(const sriov_pf *pf)
{
    return pf ? pf->n_netdevs : 0;
}

SRIOV_EXPORT sriov_netdev *sriov_pf_netdev(const sriov_pf *pf, unsigned i)
{
    return pf && i < pf->n_netdevs ? pf->netdevs[i] : NULL;
}

SRIOV_EXPORT int sriov_pf_numa_node(const sriov_pf *pf)
{
    return pf ? pf->numa_node : -1;
}

SRIOV_EXPORT unsigned sriov_pf_totalvfs(const sriov_pf *pf)
{
    return pf ? pf->totalvfs : 0;
}

SRIOV_EXPORT unsigned sriov_pf_numvfs(const sriov_pf *pf)
{
    return pf ? pf->numvfs : 0;
}

SRIOV_EXPORT unsigned sriov_pf_vf_offset(const sriov_pf *pf)
{
    return pf ? pf->offset : 0;
}

SRIOV_EXPORT unsigned sriov_pf_vf_stride(const sriov_pf *pf)
{
    return pf ? pf->stride : 0;
}

SRIOV_EXPORT uint16_t sriov_pf_vf_device_id(const sriov_pf *pf)
{
    return pf ? pf->vf_device : 0;
}

SRIOV_EXPORT int sriov_pf_drivers_autoprobe(const sriov_pf *pf)
{
    return pf ? pf->autoprobe : -1;
}

SRIOV_EXPORT int sriov_pf_iommu_group(const sriov_pf *pf)
{
    return pf ? pf->iommu_group : -1;
}

SRIOV_EXPORT unsigned sriov_pf_iommu_group_size(sriov_pf *pf)
{
    const struct sriov__iommu_group *g;

    if (!pf || pf->iommu_group < 0)
        return 0;
    g = sriov__iommu_group_get(pf->host, pf->iommu_group);
    return g ? g->n_members : 0;
}

SRIOV_EXPORT const char *sriov_pf_iommu_group_member(sriov_pf *pf,
                                                     unsigned i)
{
    const struct sriov__iommu_group *g;

    if (!pf || pf->iommu_group < 0)
        return NULL;
    g = sriov__iommu_group_get(pf->host, pf->iommu_group);
    return g && i < g->n_members ? g->members[i] : NULL;
}

SRIOV_EXPORT unsigned sriov_pf_vf_count(const sriov_pf *pf)
{
    return pf ? pf->n_vfs : 0;
}

SRIOV_EXPORT sriov_vf *sriov_pf_vf(const sriov_pf *pf, unsigned i)
{
    return pf && i < pf->n_vfs ? &pf->vfs[i] : NULL;
}

SRIOV_EXPORT sriov_vf *sriov_pf_find_vf(const sriov_pf *pf, unsigned index)
{
    if (!pf)
        return NULL;
    for (unsigned i = 0; i < pf->n_vfs; i++)
        if (pf->vfs[i].index == index)
            return &pf->vfs[i];
    return NULL;
}

SRIOV_EXPORT const char *sriov_pf_vendor_name(sriov_pf *pf)
{
    if (!pf)
        return NULL;
    sriov__pf_load_names(pf);
    return pf->vendor_name;
}

SRIOV_EXPORT const char *sriov_pf_device_name(sriov_pf *pf)
{
    if (!pf)
        return NULL;
    sriov__pf_load_names(pf);
    return pf->device_name;
}

SRIOV_EXPORT const char *sriov_pf_subsystem_name(sriov_pf *pf)
{
    if (!pf)
        return NULL;
    sriov__pf_load_names(pf);
    return pf->subsystem_name;
}

SRIOV_EXPORT const char *sriov_pf_class_name(sriov_pf *pf)
{
    if (!pf)
        return NULL;
    sriov__pf_load_names(pf);
    return pf->class_name;
}
