/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A PIF's values read from the host now: its interface's link. */
#include <stdlib.h>
#include <string.h>

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
