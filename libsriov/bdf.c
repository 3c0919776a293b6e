/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI addresses: parsing the forms people type into the kernel's form. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libsriov/internal.h"

SRIOV_EXPORT int sriov_bdf_parse(const char *s, char ret[SRIOV_BDF_SIZE])
{
    unsigned domain = 0, bus, dev, fn;
    char out[SRIOV_BDF_SIZE];
    int n = -1;

    assert_return(ret, -EINVAL);
    if (!s)
        return -EINVAL;
    for (const char *p = s; *p; p++)
        if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
            return -EINVAL;
    /* "dddd:bb:dd.f" or "bb:dd.f"; %n checks nothing trails. */
    if (sscanf(s, "%4x:%2x:%2x.%1x%n", &domain, &bus, &dev, &fn, &n) != 4 ||
        s[n] != '\0') {
        domain = 0;
        n = -1;
        if (sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) != 3 ||
            s[n] != '\0')
            return -EINVAL;
    }
    if (dev > 0x1f || fn > 7)
        return -EINVAL;
    snprintf(out, sizeof(out), "%04x:%02x:%02x.%x", domain, bus, dev, fn);
    memcpy(ret, out, SRIOV_BDF_SIZE);
    return 0;
}
