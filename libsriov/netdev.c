/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network interfaces of PCI functions (their net/ directories). */
#include <errno.h>
#include <fcntl.h>
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
