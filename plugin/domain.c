/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domains as libxl records them in xenstore: VM UUID, existence, PCI. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/internal.h"

static bool uuid_valid(const char *s)
{
    static const char form[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    if (strlen(s) != sizeof(form) - 1)
        return false;
    for (size_t i = 0; form[i]; i++) {
        if (form[i] == '-' ? s[i] != '-' :
            !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

/* One node, or NULL with errno (ENOENT when missing). */
static char *xs_get(plugin *p, const char *path)
{
    unsigned len;

    return xs_read(p->xs, XBT_NULL, path, &len);
}

int plugin_domain_vm(plugin *p, unsigned domid, char ret[37])
{
    _cleanup_free_ char *vm = NULL, *uuid = NULL;
    char path[128];
    const char *base;

    /* libxl__domain_make: /local/domain/<domid>/vm = "/vm/<uuid>", and
     * /vm/<uuid>/uuid holds the UUID again. */
    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    vm = xs_get(p, path);
    if (!vm)
        return plugin_fail(p, errno == ENOENT ? -ENOENT : -errno,
                           "domain %u has no '%s': it was not created by "
                           "libxl (or is gone)", domid, path);
    if (snprintf(path, sizeof(path), "%s/uuid", vm) < (int)sizeof(path))
        uuid = xs_get(p, path);
    base = uuid ? uuid : strrchr(vm, '/') ? strrchr(vm, '/') + 1 : vm;
    if (!uuid_valid(base))
        return plugin_fail(p, -EBADMSG, "domain %u: '%s' does not name a "
                           "VM UUID", domid, vm);
    memcpy(ret, base, 37);
    return 0;
}

int plugin_domain_exists(plugin *p, unsigned domid)
{
    /* xenstored forgets a domain once it is dying or released: the
     * state @releaseDomain announces. */
    return xs_is_domain_introduced(p->xs, domid) ? 1 : 0;
}

int plugin_domain_is_vm(plugin *p, unsigned domid, const char *vm)
{
    char uuid[37];

    if (plugin_domain_exists(p, domid) <= 0)
        return 0;
    if (plugin_domain_vm(p, domid, uuid) < 0)
        return 0;
    return strcmp(uuid, vm) == 0;
}

static int cmp_uint(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

    return x < y ? -1 : x > y;
}

int plugin_domain_list(plugin *p, unsigned **ret, size_t *n)
{
    _cleanup_free_ char **ents = NULL;
    _cleanup_free_ unsigned *v = NULL;
    unsigned num = 0;
    size_t k = 0;

    ents = xs_directory(p->xs, XBT_NULL, "/local/domain", &num);
    if (!ents && errno != ENOENT)
        return plugin_fail(p, -errno, "cannot list '/local/domain': %s",
                           strerror(errno));
    v = calloc(num + 1, sizeof(*v));
    if (!v)
        return -ENOMEM;
    for (unsigned i = 0; i < num; i++) {
        char *end;
        unsigned long d = strtoul(ents[i], &end, 10);

        if (*end || end == ents[i] || d == 0 || d >= 0x7ff0)
            continue;
        if (plugin_domain_exists(p, (unsigned)d) > 0)
            v[k++] = (unsigned)d;
    }
    qsort(v, k, sizeof(*v), cmp_uint);
    *ret = TAKE_PTR(v);
    *n = k;
    return 0;
}

int plugin_domain_pcis(plugin *p, unsigned domid, char ***ret)
{
    _cleanup_free_ char *num = NULL;
    char **v = NULL;
    char path[160];
    unsigned long count;
    size_t k = 0;

    /* libxl__device_pci_add_xenstore: backend/pci/<domid>/0/num_devs and
     * dev-<i> = "dddd:bb:dd.f", for PV and HVM guests alike. */
    snprintf(path, sizeof(path),
             "/local/domain/0/backend/pci/%u/0/num_devs", domid);
    num = xs_get(p, path);
    count = num ? strtoul(num, NULL, 10) : 0;
    if (count > 256)
        count = 256;
    v = calloc(count + 1, sizeof(*v));
    if (!v)
        return -ENOMEM;
    for (unsigned long i = 0; i < count; i++) {
        char bdf[SRIOV_BDF_SIZE];
        char *s;

        snprintf(path, sizeof(path),
                 "/local/domain/0/backend/pci/%u/0/dev-%lu", domid, i);
        s = xs_get(p, path);
        if (s && sriov_bdf_parse(s, bdf) == 0) {
            free(s);
            s = strdup(bdf);
        }
        if (s)
            v[k++] = s;
    }
    *ret = v;
    return 0;
}

long plugin_domain_holding(plugin *p, const char *bdf, char **ret_name)
{
    _cleanup_free_ unsigned *doms = NULL;
    size_t ndoms = 0;
    long found = -1;

    *ret_name = NULL;
    if (plugin_domain_list(p, &doms, &ndoms) < 0)
        return -1;
    for (size_t d = 0; d < ndoms && found < 0; d++) {
        _cleanup_strv_free_ char **held = NULL;

        if (plugin_domain_pcis(p, doms[d], &held) < 0)
            continue;
        for (char **b = held; *b && found < 0; b++)
            if (strcmp(*b, bdf) == 0)
                found = doms[d];
    }
    if (found >= 0) {
        char path[64];

        snprintf(path, sizeof(path), "/local/domain/%ld/name", found);
        *ret_name = xs_get(p, path);
    }
    return found;
}
