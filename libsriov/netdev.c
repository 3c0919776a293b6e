/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network interfaces of PCI functions (their net/ directories). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/host-internal.h"

#define ATTR_SIZE 256
#define IFF_UP_FLAG 0x1              /* IFF_UP, include/uapi/linux/if.h */

int sriov__netdev_new(sriov_host *host, const char *owner, const char *name,
                      sriov_netdev **ret)
{
    sriov_netdev *nd;

    nd = calloc(1, sizeof(*nd));
    if (!nd)
        return -ENOMEM;
    nd->name = strdup(name);
    if (!nd->name) {
        free(nd);
        return -ENOMEM;
    }
    nd->host = host;
    memcpy(nd->owner, owner, SRIOV_BDF_SIZE);
    nd->speed = -1;
    nd->up = -1;
    *ret = nd;
    return 0;
}

sriov_netdev *sriov__netdev_free(sriov_netdev *nd)
{
    if (!nd)
        return NULL;
    free(nd->name);
    free(nd->mac);
    free(nd->operstate);
    free(nd->phys_port_name);
    free(nd);
    return NULL;
}

static char *read_string(sriov_ctx *ctx, int fd, const char *path,
                         const char *name)
{
    char buf[ATTR_SIZE];

    if (sriov__read_at(ctx, fd, path, name, buf, sizeof(buf)) <= 0)
        return NULL;
    return strdup(buf);
}

void sriov__netdev_load(sriov_netdev *nd)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *path = NULL;
    sriov_ctx *ctx = nd->host->ctx;
    char buf[ATTR_SIZE];
    unsigned flags;

    if (nd->loaded)
        return;
    nd->loaded = true;
    if (sriov__host_path(ctx, &path, "sys/bus/pci/devices/%s/net/%s",
                         nd->owner, nd->name) < 0)
        return;
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;                       /* gone: details stay unknown */
    nd->mac = read_string(ctx, fd, path, "address");
    nd->operstate = read_string(ctx, fd, path, "operstate");
    /* Not every driver has one; reading it then fails with EOPNOTSUPP. */
    nd->phys_port_name = read_string(ctx, fd, path, "phys_port_name");
    /* speed reads fail (EINVAL) while the interface is down. */
    if (sriov__read_at(ctx, fd, path, "speed", buf, sizeof(buf)) > 0 &&
        sriov__parse_int(buf, &nd->speed) < 0)
        nd->speed = -1;
    if (nd->speed < 0)
        nd->speed = -1;
    if (sriov__read_at(ctx, fd, path, "flags", buf, sizeof(buf)) > 0 &&
        sriov__parse_uint(buf, 0, &flags) == 0)
        nd->up = (flags & IFF_UP_FLAG) != 0;
}

/* The uplink has no phys_port_name, or "p<N>"; representors have others. */
static bool is_uplink(const sriov_netdev *nd)
{
    const char *p = nd->phys_port_name;

    return !p || !*p || (p[0] == 'p' && p[1] >= '0' && p[1] <= '9');
}

static int cmp_netdev(const void *a, const void *b)
{
    const sriov_netdev *x = *(sriov_netdev *const *)a;
    const sriov_netdev *y = *(sriov_netdev *const *)b;

    if (is_uplink(x) != is_uplink(y))
        return is_uplink(x) ? -1 : 1;
    return strcmp(x->name, y->name);
}

void sriov__netdevs_sort(sriov_netdev **v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        sriov__netdev_load(v[i]);
    qsort(v, n, sizeof(*v), cmp_netdev);
}

SRIOV_EXPORT const char *sriov_netdev_name(const sriov_netdev *nd)
{
    return nd ? nd->name : NULL;
}

SRIOV_EXPORT const char *sriov_netdev_mac(sriov_netdev *nd)
{
    if (!nd)
        return NULL;
    sriov__netdev_load(nd);
    return nd->mac;
}

SRIOV_EXPORT const char *sriov_netdev_operstate(sriov_netdev *nd)
{
    if (!nd)
        return NULL;
    sriov__netdev_load(nd);
    return nd->operstate;
}

SRIOV_EXPORT int sriov_netdev_speed(sriov_netdev *nd)
{
    if (!nd)
        return -1;
    sriov__netdev_load(nd);
    return nd->speed;
}

SRIOV_EXPORT int sriov_netdev_is_up(sriov_netdev *nd)
{
    if (!nd)
        return -1;
    sriov__netdev_load(nd);
    return nd->up;
}

SRIOV_EXPORT const char *sriov_netdev_phys_port_name(sriov_netdev *nd)
{
    if (!nd)
        return NULL;
    sriov__netdev_load(nd);
    return nd->phys_port_name;
}

static int cmp_netmap(const void *a, const void *b)
{
    const struct sriov__netmap_entry *x = a, *y = b;
    int c = strcmp(x->bdf, y->bdf);

    return c ? c : strcmp(x->name, y->name);
}

static int netmap_load(sriov_host *host)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *path = NULL;
    _cleanup_strv_free_ char **names = NULL;
    unsigned n = 0;
    int r;

    r = sriov__dir_open(host->ctx, "sys/class/net", &fd, &path);
    if (r < 0)
        return r;
    r = sriov__list_at(host->ctx, fd, path, ".", &names, &n);
    if (r < 0)
        return r;
    host->netmap = calloc(n ? n : 1, sizeof(*host->netmap));
    if (!host->netmap)
        return -ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        char target[ATTR_SIZE], *net, *dev;
        struct sriov__netmap_entry *e;

        /* "../../devices/pci0000:3a/.../0000:3b:02.0/net/enp59s0f0v0";
         * virtual interfaces live under devices/virtual/net */
        if (sriov__readlink_at(host->ctx, fd, path, names[i], target,
                               sizeof(target)) < 0)
            continue;
        net = strstr(target, "/net/");
        if (!net)
            continue;
        *net = '\0';
        dev = strrchr(target, '/');
        dev = dev ? dev + 1 : target;
        if (!sriov__bdf_valid(dev))
            continue;
        e = &host->netmap[host->n_netmap];
        e->name = strdup(names[i]);
        if (!e->name)
            return -ENOMEM;
        memcpy(e->bdf, dev, SRIOV_BDF_SIZE);
        host->n_netmap++;
    }
    qsort(host->netmap, host->n_netmap, sizeof(*host->netmap), cmp_netmap);
    return 0;
}

int sriov__netmap_lookup(sriov_host *host, const char *bdf, const char **ret)
{
    size_t lo = 0, hi;
    int r;

    if (!host->netmap_loaded) {
        host->netmap_loaded = true;
        r = netmap_load(host);
        if (r < 0) {
            sriov__netmap_free(host);
            sriov__clear_error(host->ctx);
            host->netmap_error = r;
        }
    }
    if (host->netmap_error)
        return host->netmap_error;
    /* the first entry of @bdf: entries are sorted by bdf, then name */
    hi = host->n_netmap;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(host->netmap[mid].bdf, bdf) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *ret = lo < host->n_netmap && strcmp(host->netmap[lo].bdf, bdf) == 0
           ? host->netmap[lo].name : NULL;
    return 0;
}

void sriov__netmap_free(sriov_host *host)
{
    for (unsigned i = 0; i < host->n_netmap; i++)
        free(host->netmap[i].name);
    free(host->netmap);
    host->netmap = NULL;
    host->n_netmap = 0;
}

/* The interface's directory, for one of its attributes (ATTR may name a
 * subdirectory's, "bonding/slaves", never a way out: ".."). */
static int ifname_open(sriov_ctx *ctx, const char *ifname, const char *attr,
                       char *buf, size_t size, int *ret_fd, char **ret_path)
{
    assert_return(ctx && buf && size > 0 && attr && *attr &&
                  strstr(attr, "..") == NULL, -EINVAL);
    buf[0] = '\0';
    return sriov__net_dir_open(ctx, ifname, ret_fd, ret_path);
}

SRIOV_EXPORT int sriov_ifname_read(sriov_ctx *ctx, const char *ifname,
                                   const char *attr, char *buf, size_t size)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *path = NULL;
    int r;

    r = ifname_open(ctx, ifname, attr, buf, size, &fd, &path);
    return r < 0 ? r : sriov__read_in(ctx, fd, path, attr, buf, size);
}

SRIOV_EXPORT int sriov_ifname_readlink(sriov_ctx *ctx, const char *ifname,
                                       const char *attr, char *buf,
                                       size_t size)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *path = NULL;
    char target[512];
    const char *base;
    int r;

    r = ifname_open(ctx, ifname, attr, buf, size, &fd, &path);
    if (r < 0)
        return r;
    r = sriov__readlink_at(ctx, fd, path, attr, target, sizeof(target));
    if (r < 0)
        return sriov__fail(ctx, r, "cannot read link '%s/%s': %s", path,
                           attr, strerror(-r));
    base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
    if (strlen(base) >= size)
        return sriov__fail(ctx, -ENAMETOOLONG, "'%s/%s' -> '%s': too long",
                           path, attr, target);
    memcpy(buf, base, strlen(base) + 1);
    return (int)strlen(base);
}

SRIOV_EXPORT int sriov_nameservers(sriov_ctx *ctx, char *buf, size_t size)
{
    _cleanup_free_ char *path = NULL, *text = NULL;
    char *save = NULL;
    size_t len = 0;
    int r;

    assert_return(ctx && buf && size > 0, -EINVAL);
    buf[0] = '\0';
    r = sriov__host_path(ctx, &path, "etc/resolv.conf");
    if (r < 0)
        return r;
    r = sriov__read_file(ctx, path, &text);
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return sriov__fail(ctx, r, "cannot read '%s': %s", path,
                           strerror(-r));
    /* resolv.conf(5): "nameserver Name-server IP address", one a line. */
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char addr[64];

        if (sscanf(line, " nameserver %63s", addr) != 1)
            continue;
        if (len + !!len + strlen(addr) >= size) {
            buf[0] = '\0';
            return sriov__fail(ctx, -ENAMETOOLONG,
                               "'%s': too many name servers", path);
        }
        len += (size_t)sprintf(buf + len, "%s%s", len ? "," : "", addr);
    }
    return (int)len;
}
