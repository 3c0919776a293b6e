/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domains as libxl records them in xenstore: VM UUID, existence, PCI. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

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
static char *read_node(struct xs_handle *xs, const char *path)
{
    unsigned len;

    return xs_read(xs, XBT_NULL, path, &len);
}

static char *xs_get(plugin *p, const char *path)
{
    return read_node(p->xs, path);
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

/*
 * libxl 4.17 (libxl__device_pci_add_xenstore) adds a device to a PV
 * domain whose PCI backend exists only once the backend is Connected
 * (XenbusState 4), and gives it 10 s (libxl__wait_for_backend) before it
 * fails with "unable to add device".  The backend connects when the
 * guest's pcifront does, late in the guest's boot, and each device added
 * sends it through Reconfiguring (7) and Reconfigured (8) back to 4.  So
 * a second device of a domain that is still booting waits here, for as
 * long as a guest may take to boot; HVM guests have no pcifront (libxl
 * does not wait for them) and the first device creates the backend.
 */
#define PCI_BACKEND_CEILING 300         /* s */
#define PCI_BACKEND_SLOW 10             /* s: say why the start waits */
#define XENBUS_CONNECTED "4"

int plugin_domain_pci_wait(plugin *p, unsigned domid)
{
    _cleanup_free_ char *type = NULL, *num = NULL;
    struct xs_handle *xs;
    char path[128], state_path[128];
    struct timespec t0, now;
    bool told = false;
    int r = 0, waits = 0;

    snprintf(path, sizeof(path), "/libxl/%u/type", domid);
    type = xs_get(p, path);
    if (!type || strcmp(type, "pv") != 0)
        return 0;
    snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%u/0/num_devs",
             domid);
    num = xs_get(p, path);
    if (!num)
        return 0;
    snprintf(state_path, sizeof(state_path),
             "/local/domain/0/backend/pci/%u/0/state", domid);

    /* A connection of its own: its watch events go nowhere else. */
    xs = xs_open(0);
    if (!xs)
        return plugin_fail(p, errno > 0 ? -errno : -ECONNREFUSED,
                           "cannot connect to xenstored to wait for domain "
                           "%u's PCI backend: %s", domid, strerror(errno));
    if (!xs_watch(xs, state_path, "state") ||
        !xs_watch(xs, "@releaseDomain", "release")) {
        r = plugin_fail(p, errno > 0 ? -errno : -EIO, "cannot watch '%s': "
                        "%s", state_path, strerror(errno));
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        _cleanup_free_ char *st = read_node(xs, state_path);
        struct pollfd pfd[2] = {
            { .fd = xs_fileno(xs), .events = POLLIN },
            { .fd = p->cancel_fd, .events = POLLIN },
        };
        long waited;
        int n;

        if (st && strcmp(st, XENBUS_CONNECTED) == 0)
            break;
        waits++;
        if (!xs_is_domain_introduced(xs, domid)) {
            r = plugin_fail(p, -ESRCH, "domain %u died while its PCI "
                            "backend waited for the guest's pcifront",
                            domid);
            goto out;
        }
        if (!st) {
            r = plugin_fail(p, -ENODEV, "domain %u's PCI backend "
                            "vanished ('%s'): the domain is going away",
                            domid, state_path);
            goto out;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        waited = now.tv_sec - t0.tv_sec;
        if (waited >= PCI_BACKEND_CEILING) {
            r = plugin_fail(p, -ETIMEDOUT, "domain %u: the guest's pcifront "
                            "did not connect in %d s (PCI backend state %s): "
                            "load xen-pcifront in the guest, then xe "
                            "vif-plug the VIF (or restart the VM)", domid,
                            PCI_BACKEND_CEILING, st);
            goto out;
        }
        if (!told && waited >= PCI_BACKEND_SLOW) {
            plugin_log(p, LOG_NOTICE, "domain %u: waiting for the guest's "
                       "pcifront to connect (PCI backend state %s) before "
                       "its next PCI device", domid, st);
            told = true;
        }
        n = poll(pfd, p->cancel_fd >= 0 ? 2 : 1,
                 (int)(told ? PCI_BACKEND_CEILING - waited :
                       PCI_BACKEND_SLOW - waited) * 1000);
        if (n < 0 && errno != EINTR) {
            r = plugin_fail(p, -errno, "poll on xenstored: %s",
                            strerror(errno));
            goto out;
        }
        if (n > 0 && pfd[1].revents) {
            r = plugin_fail(p, -ECANCELED, "domain %u: the wait for the "
                            "guest's pcifront was cancelled (xen-sriovd "
                            "stopping); xen-sriovd attaches the rest "
                            "when it starts again", domid);
            goto out;
        }
        if (n > 0 && pfd[0].revents) {
            unsigned cnt;
            char **ev = xs_read_watch(xs, &cnt);

            free(ev);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (waits)
        plugin_log(p, LOG_NOTICE, "domain %u: the guest's pcifront "
                   "connected its PCI backend after %.1f s of waiting",
                   domid, (double)(now.tv_sec - t0.tv_sec) +
                   (now.tv_nsec - t0.tv_nsec) / 1e9);
out:
    xs_close(xs);
    return r;
}
