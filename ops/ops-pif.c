/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A PIF's values read from the host now: its interface's link and IP
 * configuration. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "ops/ops-internal.h"


/* One attribute of the PIF's interface, or false. */
static bool read_attr(struct ops_ctx *ops, const char *dev, const char *attr,
                      char *buf, size_t size)
{
    return dev && sriov_ifname_read(ops->sriov, dev, attr, buf, size) > 0;
}

void ops_pif_link(struct ops_ctx *ops, const store_record *pif,
                  struct ops_pif_link *ret)
{
    const char *dev = store_record_get(pif, SF_device);
    char carrier[16], speed[32], duplex[16];
    long long mbps;

    /* Only a physical PIF has a NIC of its own. */
    if (!streq_ptr(store_record_get(pif, SF_physical), "true"))
        dev = NULL;
    ret->carrier = read_attr(ops, dev, "carrier", carrier, sizeof(carrier)) &&
                   strcmp(carrier, "1") == 0;
    /* The kernel answers -EINVAL while the link is down, -1 (SPEED_UNKNOWN)
     * when the driver does not know. */
    mbps = read_attr(ops, dev, "speed", speed, sizeof(speed))
               ? strtoll(speed, NULL, 10) : 0;
    ret->speed = mbps > 0 ? mbps : 0;
    if (read_attr(ops, dev, "duplex", duplex, sizeof(duplex)) &&
        strcmp(duplex, "full") == 0)
        ret->duplex = "full";
    else
        ret->duplex = ret->carrier ? "half" : "unknown";
}

/* The interface that carries the PIF's addresses: its bridge's if it is
 * in one (brport/bridge), else its own; false for no interface. */
static bool ip_dev(struct ops_ctx *ops, const store_record *pif,
                   char ret[IFNAMSIZ])
{
    const char *dev = store_record_get(pif, SF_device);
    struct xapi_error err = XAPI_ERROR_INIT;
    char host[37];
    bool mine;

    if (!streq_ptr(store_record_get(pif, SF_physical), "true") || !dev ||
        !*dev || strlen(dev) >= IFNAMSIZ)
        return false;
    /* In a pool, another host's PIF is not this kernel's. */
    mine = ops_host_uuid(ops, host, &err) >= 0 &&
           streq_ptr(store_record_get(pif, SF_host), host);
    xapi_error_clear(&err);
    if (!mine)
        return false;
    if (sriov_ifname_readlink(ops->sriov, dev, "brport/bridge", ret,
                              IFNAMSIZ) <= 0)
        memcpy(ret, dev, strlen(dev) + 1);
    return true;
}

static void read_addrs(struct ops_ctx *ops, const char *dev,
                       struct ops_pif_ip *ret)
{
    _cleanup_free_ sriov_ifaddr *a = NULL;
    size_t n = 0, len = 0;
    bool v4 = false;

    if (sriov_ifname_addrs(ops->sriov, dev, &a, &n) < 0)
        n = 0;
    for (size_t i = 0; i < n; i++) {
        /* Global addresses only: not 127.0.0.1, not fe80::/10. */
        if (a[i].scope != RT_SCOPE_UNIVERSE)
            continue;
        if (a[i].family == AF_INET && !v4 &&
            !(a[i].flags & IFA_F_SECONDARY)) {
            uint32_t mask = a[i].prefixlen
                            ? ~0u << (32 - a[i].prefixlen) : 0;
            struct in_addr m = { htonl(mask) };

            v4 = true;
            snprintf(ret->ip, sizeof(ret->ip), "%s", a[i].addr);
            inet_ntop(AF_INET, &m, ret->netmask, sizeof(ret->netmask));
            ret->mode = a[i].flags & IFA_F_PERMANENT ? "Static" : "DHCP";
        } else if (a[i].family == AF_INET6) {
            int w = snprintf(ret->ipv6 + len, sizeof(ret->ipv6) - len,
                             "%s%s/%u", len ? "," : "", a[i].addr,
                             a[i].prefixlen);

            if (w < 0 || (size_t)w >= sizeof(ret->ipv6) - len) {
                ret->ipv6[len] = '\0';
                continue;       /* more than a record shows */
            }
            if (!len)
                ret->ipv6_mode = a[i].flags & IFA_F_PERMANENT ? "Static"
                                 : a[i].prefixlen == 128 ? "DHCP"
                                                         : "Autoconf";
            len += (size_t)w;
        }
    }
    if (!v4 && len)
        ret->primary_address_type = "IPv6";
}

static void read_routes(struct ops_ctx *ops, const store_record *pif,
                        const char *dev, struct ops_pif_ip *ret)
{
    const char *own = store_record_get(pif, SF_device);
    char via[IFNAMSIZ], gw[48];

    if (sriov_default_route(ops->sriov, AF_INET, via, sizeof(via), gw,
                            sizeof(gw)) >= 0 &&
        (strcmp(via, dev) == 0 || streq_ptr(own, via))) {
        ret->management = true;
        snprintf(ret->gateway, sizeof(ret->gateway), "%s", gw);
    }
    if (sriov_default_route(ops->sriov, AF_INET6, via, sizeof(via), gw,
                            sizeof(gw)) >= 0 &&
        (strcmp(via, dev) == 0 || streq_ptr(own, via))) {
        ret->management = true;
        snprintf(ret->ipv6_gateway, sizeof(ret->ipv6_gateway), "%s", gw);
    }
}

void ops_pif_ip(struct ops_ctx *ops, const store_record *pif, unsigned want,
                struct ops_pif_ip *ret)
{
    char dev[IFNAMSIZ];
    bool have_dev;

    if (!ret->have) {
        ret->mode = ret->ipv6_mode = "None";
        ret->primary_address_type = "IPv4";
    }
    if (want & OPS_PIF_DNS)
        want |= OPS_PIF_ROUTES;
    want &= ~ret->have;
    if (!want)
        return;
    have_dev = ip_dev(ops, pif, dev);
    if (have_dev && (want & OPS_PIF_ADDRS))
        read_addrs(ops, dev, ret);
    if (have_dev && (want & OPS_PIF_ROUTES))
        read_routes(ops, pif, dev, ret);
    /* resolv.conf is the host's: XAPI shows DNS on the management PIF. */
    if ((want & OPS_PIF_DNS) && ret->management &&
        sriov_nameservers(ops->sriov, ret->dns, sizeof(ret->dns)) < 0)
        ret->dns[0] = '\0';
    ret->have |= want;
}
