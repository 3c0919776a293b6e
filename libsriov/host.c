/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host scan: walk /sys/bus/pci/devices once and keep the PFs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/host-internal.h"

int sriov__host_new(sriov_ctx *ctx, sriov_host **ret)
{
    sriov_host *host;

    host = calloc(1, sizeof(*host));
    if (!host)
        return -ENOMEM;
    host->ctx = ctx;
    *ret = host;
    return 0;
}

int sriov__host_add_pf(sriov_host *host, sriov_pf *pf)
{
    sriov_pf **v;

    v = realloc(host->pfs, (host->n_pfs + 1) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    host->pfs = v;
    host->pfs[host->n_pfs++] = pf;
    return 0;
}

SRIOV_EXPORT sriov_host *sriov_host_free(sriov_host *host)
{
    if (!host)
        return NULL;
    for (unsigned i = 0; i < host->n_pfs; i++)
        sriov__pf_free(host->pfs[i]);
    free(host->pfs);
    sriov__iommu_groups_free(host);
    sriov__netmap_free(host);
    free(host);
    return NULL;
}


static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A small open-addressing set of the VF addresses met so far. */
struct bdf_set {
    char (*slot)[SRIOV_BDF_SIZE];
    size_t size, used;
};

static size_t bdf_hash(const char *s)
{
    size_t h = 5381;

    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static bool bdf_set_has(const struct bdf_set *set, const char *bdf)
{
    if (!set->size)
        return false;
    for (size_t i = bdf_hash(bdf) & (set->size - 1);;
         i = (i + 1) & (set->size - 1)) {
        if (!set->slot[i][0])
            return false;
        if (strcmp(set->slot[i], bdf) == 0)
            return true;
    }
}

static int bdf_set_add(struct bdf_set *set, const char *bdf)
{
    if ((set->used + 1) * 2 > set->size) {
        struct bdf_set bigger = { .size = set->size ? set->size * 2 : 256 };
        bigger.slot = calloc(bigger.size, SRIOV_BDF_SIZE);
        if (!bigger.slot)
            return -ENOMEM;
        for (size_t i = 0; i < set->size; i++)
            if (set->slot[i][0])
                bdf_set_add(&bigger, set->slot[i]);
        free(set->slot);
        *set = bigger;
    }
    for (size_t i = bdf_hash(bdf) & (set->size - 1);;
         i = (i + 1) & (set->size - 1)) {
        if (!set->slot[i][0]) {
            memcpy(set->slot[i], bdf, SRIOV_BDF_SIZE);
            set->used++;
            return 0;
        }
        if (strcmp(set->slot[i], bdf) == 0)
            return 0;
    }
}

/*
 * Is @name a candidate: SR-IOV capable, or (with SRIOV_SCAN_NICS) a
 * function with a net/ directory or of the network class (a NIC function
 * with no driver bound, or one a driver gives no interface, as the second
 * function of some ConnectX-5 boards)?  One faccessat per device keeps
 * the walk over thousands of functions cheap, and the class is read only
 * for the functions with neither; the PF reader checks the rest.
 */
static int is_candidate(sriov_ctx *ctx, int dfd, const char *dpath,
                        const char *name, unsigned flags)
{
    char rel[SRIOV_BDF_SIZE + 32], class[32];
    unsigned v;
    int r;

    snprintf(rel, sizeof(rel), "%s/sriov_totalvfs", name);
    r = sriov__exists_at(ctx, dfd, dpath, rel);
    if (r != 0 || !(flags & SRIOV_SCAN_NICS))
        return r;
    snprintf(rel, sizeof(rel), "%s/net", name);
    r = sriov__exists_at(ctx, dfd, dpath, rel);
    if (r != 0)
        return r;
    snprintf(rel, sizeof(rel), "%s/class", name);
    if (sriov__read_at(ctx, dfd, dpath, rel, class, sizeof(class)) <= 0 ||
        sriov__parse_uint(class, 16, &v) < 0)
        return 0;                     /* unreadable: not one of ours */
    return (v >> 16) == 0x02;
}

static int scan_one(sriov_host *host, int dfd, const char *dpath,
                    const char *name, unsigned flags, struct bdf_set *vfs)
{
    _cleanup_close_ int pfd = -1;
    _cleanup_free_ char *pfpath = NULL;
    sriov_pf *pf = NULL;
    int r;

    r = sriov__dir_openat(host->ctx, dfd, dpath, name, &pfd);
    if (r == -ENOENT || r == -ENOTDIR)
        return 0;                     /* vanished since the listing */
    if (r < 0)
        return sriov__fail(host->ctx, r, "cannot open '%s/%s': %s", dpath,
                           name, strerror(-r));
    if (asprintf(&pfpath, "%s/%s", dpath, name) < 0)
        return -ENOMEM;
    r = sriov__pf_read(host, pfd, pfpath, name, dfd, dpath, &pf);
    if (r <= 0)
        return r;
    if (!pf->sriov && (!(flags & SRIOV_SCAN_NICS) ||
                       (pf->class >> 16) != 0x02)) {
        sriov__pf_free(pf);           /* neither SR-IOV nor a plain NIC */
        return 0;
    }
    for (unsigned i = 0; i < pf->n_vfs; i++) {
        r = bdf_set_add(vfs, pf->vfs[i].bdf);
        if (r < 0) {
            sriov__pf_free(pf);
            return r;
        }
    }
    if (flags & SRIOV_SCAN_NAMES)
        sriov__pf_load_names(pf);
    r = sriov__host_add_pf(host, pf);
    if (r < 0)
        sriov__pf_free(pf);
    return r;
}

SRIOV_EXPORT int sriov_host_scan(sriov_host **ret, sriov_ctx *ctx,
                                 unsigned flags)
{
    _cleanup_host_ sriov_host *host = NULL;
    _cleanup_close_ int dfd = -1;
    _cleanup_free_ char *dpath = NULL;
    _cleanup_strv_free_ char **names = NULL;
    struct bdf_set vfs = { 0 };
    unsigned n = 0;
    int r;

    assert_return(ret, -EINVAL);
    assert_return(ctx, -EINVAL);

    r = sriov__dir_open(ctx, "sys/bus/pci/devices", &dfd, &dpath);
    if (r < 0) {
        char msg[SRIOV_ERROR_MAX];

        snprintf(msg, sizeof(msg), "%s", sriov_ctx_last_error(ctx));
        return sriov__fail(ctx, r, "%s (is sysfs mounted, is SRIOV_ROOT "
                           "right?)", msg);
    }
    r = sriov__list_at(ctx, dfd, dpath, ".", &names, &n);
    if (r < 0)
        return sriov__fail(ctx, r, "cannot list '%s': %s", dpath,
                           strerror(-r));
    /*
     * In address order a PF comes before its VFs (their routing IDs are
     * above the PF's), so VFs are known, and skipped, by the time the walk
     * reaches them: a VF costs no syscall here, only in its PF's read.
     */
    qsort(names, n, sizeof(char *), cmp_str);
    r = sriov__host_new(ctx, &host);
    if (r < 0)
        return r;
    for (unsigned i = 0; i < n; i++) {
        if (!sriov__bdf_valid(names[i]) || bdf_set_has(&vfs, names[i]))
            continue;
        r = is_candidate(ctx, dfd, dpath, names[i], flags);
        if (r > 0)
            r = scan_one(host, dfd, dpath, names[i], flags, &vfs);
        if (r < 0) {
            free(vfs.slot);
            return r;
        }
    }
    free(vfs.slot);
    *ret = TAKE_PTR(host);
    return 0;
}

SRIOV_EXPORT int sriov_host_scan_device(sriov_host **ret, sriov_ctx *ctx,
                                        const char *bdf, unsigned flags)
{
    _cleanup_host_ sriov_host *host = NULL;
    _cleanup_close_ int dfd = -1, pfd = -1;
    _cleanup_free_ char *dpath = NULL, *pfpath = NULL;
    char addr[SRIOV_BDF_SIZE];
    sriov_pf *pf = NULL;
    int r;

    assert_return(ret, -EINVAL);
    assert_return(ctx, -EINVAL);

    if (!bdf || sriov_bdf_parse(bdf, addr) < 0)
        return sriov__fail(ctx, -EINVAL, "'%s' is not a PCI address: use "
                           "dddd:bb:dd.f as sriov-info lists them",
                           bdf ? bdf : "(null)");
    r = sriov__dir_open(ctx, "sys/bus/pci/devices", &dfd, &dpath);
    if (r < 0)
        return r;
    r = sriov__dir_openat(ctx, dfd, dpath, addr, &pfd);
    if (r == -ENOENT || r == -ENOTDIR)
        return sriov__fail(ctx, -ENODEV, "no PCI device %s in '%s': check "
                           "the address with sriov-info", addr, dpath);
    if (r < 0)
        return sriov__fail(ctx, r, "cannot open '%s/%s': %s", dpath, addr,
                           strerror(-r));
    if (asprintf(&pfpath, "%s/%s", dpath, addr) < 0)
        return -ENOMEM;
    r = sriov__host_new(ctx, &host);
    if (r < 0)
        return r;
    if (sriov__exists_at(ctx, pfd, pfpath, "physfn") > 0)
        return sriov__fail(ctx, -EOPNOTSUPP, "%s is a VF, not a physical "
                           "function: use its PF's address", addr);
    r = sriov__pf_read(host, pfd, pfpath, addr, dfd, dpath, &pf);
    if (r < 0)
        return r;
    if (r == 0)
        return sriov__fail(ctx, -ENODEV, "PCI device %s vanished while "
                           "being read", addr);
    if (!pf->sriov && (pf->class >> 16) != 0x02) {
        uint32_t class = pf->class;

        sriov__pf_free(pf);
        return sriov__fail(ctx, -EOPNOTSUPP, "%s is neither SR-IOV capable "
                           "nor a network device (class 0x%06x)", addr,
                           class);
    }
    if (flags & SRIOV_SCAN_NAMES)
        sriov__pf_load_names(pf);
    r = sriov__host_add_pf(host, pf);
    if (r < 0) {
        sriov__pf_free(pf);
        return r;
    }
    *ret = TAKE_PTR(host);
    return 0;
}

SRIOV_EXPORT unsigned sriov_host_pf_count(const sriov_host *host)
{
    return host ? host->n_pfs : 0;
}

SRIOV_EXPORT sriov_pf *sriov_host_pf(const sriov_host *host, unsigned i)
{
    return host && i < host->n_pfs ? host->pfs[i] : NULL;
}

SRIOV_EXPORT sriov_pf *sriov_host_find_pf(const sriov_host *host,
                                          const char *bdf)
{
    char addr[SRIOV_BDF_SIZE];

    if (!host || !bdf || sriov_bdf_parse(bdf, addr) < 0)
        return NULL;
    for (unsigned i = 0; i < host->n_pfs; i++)
        if (strcmp(host->pfs[i]->bdf, addr) == 0)
            return host->pfs[i];
    return NULL;
}

SRIOV_EXPORT sriov_pf *sriov_host_find_pf_by_ifname(const sriov_host *host,
                                                    const char *ifname)
{
    if (!host || !ifname)
        return NULL;
    for (unsigned i = 0; i < host->n_pfs; i++)
        for (unsigned j = 0; j < host->pfs[i]->n_netdevs; j++)
            if (strcmp(host->pfs[i]->netdevs[j]->name, ifname) == 0)
                return host->pfs[i];
    return NULL;
}

SRIOV_EXPORT sriov_vf *sriov_host_find_vf(const sriov_host *host,
                                          const char *bdf)
{
    char addr[SRIOV_BDF_SIZE];

    if (!host || !bdf || sriov_bdf_parse(bdf, addr) < 0)
        return NULL;
    for (unsigned i = 0; i < host->n_pfs; i++)
        for (unsigned j = 0; j < host->pfs[i]->n_vfs; j++)
            if (strcmp(host->pfs[i]->vfs[j].bdf, addr) == 0)
                return &host->pfs[i]->vfs[j];
    return NULL;
}
