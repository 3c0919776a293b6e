/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's store methods for the attributes xen-sriov writes, applied
 * to a simulated host.  Each returns what the kernel returns to write(2):
 * 0 for success, or the negative errno (kernel-sim.md cites the sources).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers/sim-internal.h"

int sim_host_create(const char *root)
{
    static const char *const dirs[] = {
        SIM_STATE_DIR, "sys/devices", "sys/bus/pci/devices",
        "sys/bus/pci/drivers", "sys/bus/pci/slots", "sys/kernel/iommu_groups",
        "sys/class/net", "sys/module", "etc/modprobe.d",
    };
    char path[PATH_MAX];
    int r;

    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        r = simfs_path(path, sizeof(path), root, "%s", dirs[i]);
        if (r < 0 || (r = simfs_mkdir_p(path)) < 0)
            return r;
    }
    /* bus attributes: write-only in the kernel */
    r = simfs_path(path, sizeof(path), root, "sys/bus/pci/drivers_probe");
    if (r < 0 || (!simfs_exists(path) && (r = simfs_write(path, "", 0)) < 0))
        return r;
    r = simfs_path(path, sizeof(path), root, "sys/bus/pci/drivers_autoprobe");
    if (r < 0 || (!simfs_exists(path) && (r = simfs_write(path, "1\n", 2)) < 0))
        return r;
    r = simfs_path(path, sizeof(path), root, "sys/bus/pci/rescan");
    if (r < 0 || (!simfs_exists(path) && (r = simfs_write(path, "", 0)) < 0))
        return r;
    return 0;
}

/* The device named by a write to a bus/driver attribute: sysfs_streq()
 * ignores one trailing newline. */
static int bdf_arg(const char *buf, char out[16])
{
    size_t n = strlen(buf);
    struct sim_bdf b;
    char copy[32];

    if (n > 0 && buf[n - 1] == '\n')
        n--;
    if (n >= sizeof(copy))
        return -ENODEV;
    memcpy(copy, buf, n);
    copy[n] = '\0';
    if (sim_bdf_parse(copy, &b) < 0)
        return -ENODEV;               /* bus_find_device_by_name(): none */
    sim_bdf_format(&b, out);
    return strcmp(out, copy) == 0 ? 0 : -ENODEV;
}

static bool device_exists(const char *root, const char *bdf)
{
    char path[PATH_MAX];

    return simfs_path(path, sizeof(path), root, "sys/bus/pci/devices/%s",
                      bdf) == 0 && simfs_exists(path);
}

/* kstrtou16(buf, 0, ...): optional '+', 0x/0 prefixes, one newline. */
static int parse_u16(const char *buf, unsigned *ret)
{
    char copy[64], *end;
    unsigned long v;
    size_t n = strlen(buf);

    if (n > 0 && buf[n - 1] == '\n')
        n--;
    if (n == 0 || n >= sizeof(copy))
        return -EINVAL;
    memcpy(copy, buf, n);
    copy[n] = '\0';
    if (!isdigit((unsigned char)copy[copy[0] == '+']))
        return -EINVAL;
    errno = 0;
    v = strtoul(copy + (copy[0] == '+'), &end, 0);
    if (*end)
        return -EINVAL;
    if (errno == ERANGE || v > 0xffff)
        return -ERANGE;
    *ret = (unsigned)v;
    return 0;
}

/* drivers/pci/iov.c sriov_numvfs_store() */
int sim_store_numvfs(const char *root, const char *bdf, const char *buf)
{
    char driver[64], state[128], v[16];
    unsigned n, total, cur;
    int r, lock;

    r = parse_u16(buf, &n);
    if (r < 0)
        return r;
    if (sim_read_attr(root, bdf, "sriov_totalvfs", v, sizeof(v)) < 0)
        return -ENOENT;
    total = (unsigned)atoi(v);
    if (n > total)
        return -ERANGE;
    lock = sim_lock(root);                      /* device_lock() */
    if (lock < 0)
        return lock;
    r = sim_read_attr(root, bdf, "sriov_numvfs", v, sizeof(v));
    if (r < 0)
        goto out;
    cur = (unsigned)atoi(v);
    r = 0;
    if (n == cur)
        goto out;
    r = sim_driver_of(root, bdf, driver, sizeof(driver));
    if (r < 0)
        goto out;
    /* "no driver bound to device; cannot configure SR-IOV", or "driver
     * does not support SR-IOV configuration via sysfs" */
    snprintf(state, sizeof(state), "drivers/%s", driver);
    if (!driver[0] || sim_state_get(root, state, "sriov_configure", v,
                                    sizeof(v)) < 0 || strcmp(v, "1") != 0) {
        r = -ENOENT;
        goto out;
    }
    if (n == 0) {
        r = sim_vfs_remove(root, bdf);
        goto out;
    }
    /* "%d VFs already enabled. Disable before enabling %d VFs" */
    if (cur) {
        r = -EBUSY;
        goto out;
    }
    r = sim_vfs_add(root, bdf, n);
    if (r < 0)
        sim_vfs_remove(root, bdf);      /* sriov_enable() undoes itself */
out:
    sim_unlock(lock);
    return r;
}

/* sriov_drivers_autoprobe_store(): kstrtobool() */
int sim_store_autoprobe(const char *root, const char *bdf, const char *buf)
{
    bool v;

    switch (buf[0]) {
    case 'y': case 'Y': case 't': case 'T': case '1':
        v = true;
        break;
    case 'n': case 'N': case 'f': case 'F': case '0':
        v = false;
        break;
    case 'o': case 'O':
        if (buf[1] == 'n' || buf[1] == 'N') {
            v = true;
            break;
        }
        if (buf[1] == 'f' || buf[1] == 'F') {
            v = false;
            break;
        }
        return -EINVAL;
    default:
        return -EINVAL;
    }
    if (sim_read_attr(root, bdf, "sriov_totalvfs", (char[16]){ 0 }, 16) < 0)
        return -ENOENT;
    return sim_write_attr(root, bdf, "sriov_drivers_autoprobe",
                          v ? "1\n" : "0\n");
}

/* driver_override_store() -> driver_set_override(): the text up to the
 * first newline; empty clears it.  Takes effect at the next probe. */
int sim_store_driver_override(const char *root, const char *bdf,
                              const char *buf)
{
    char value[4096 + 2];
    size_t n = strcspn(buf, "\n");

    if (strlen(buf) >= 4096 - 1)
        return -EINVAL;
    if (n == 0)
        return sim_write_attr(root, bdf, "driver_override", "(null)\n");
    snprintf(value, sizeof(value), "%.*s\n", (int)n, buf);
    return sim_write_attr(root, bdf, "driver_override", value);
}

/* drivers/base/bus.c bind_store() */
int sim_store_bind(const char *root, const char *driver, const char *buf)
{
    char bdf[16];
    int r, lock;

    if (bdf_arg(buf, bdf) < 0 || !device_exists(root, bdf))
        return -ENODEV;
    lock = sim_lock(root);
    if (lock < 0)
        return lock;
    r = sim_probe(root, bdf, driver);
    sim_unlock(lock);
    return r;
}

/* unbind_store(): only from the driver the device is bound to */
int sim_store_unbind(const char *root, const char *driver, const char *buf)
{
    char bdf[16], current[64];
    int r, lock;

    if (bdf_arg(buf, bdf) < 0 || !device_exists(root, bdf))
        return -ENODEV;
    lock = sim_lock(root);
    if (lock < 0)
        return lock;
    r = sim_driver_of(root, bdf, current, sizeof(current));
    if (r == 0 && strcmp(current, driver) != 0)
        r = -ENODEV;
    if (r == 0)
        r = sim_detach(root, bdf);
    sim_unlock(lock);
    return r;
}

/* drivers_probe_store(): attach if unbound; no driver is not an error */
int sim_store_drivers_probe(const char *root, const char *buf)
{
    char bdf[16];
    int r, lock;

    if (bdf_arg(buf, bdf) < 0 || !device_exists(root, bdf))
        return -ENODEV;
    lock = sim_lock(root);
    if (lock < 0)
        return lock;
    r = sim_probe(root, bdf, NULL);
    sim_unlock(lock);
    return r;
}

/* xen-pciback: str_to_slot() takes "dddd:bb:dd.f" or "bb:dd.f". */
static int slot_arg(const char *buf, char out[16])
{
    struct sim_bdf b = { 0 };
    int n = -1;

    if (sscanf(buf, "%x:%x:%x.%x%n", &b.domain, &b.bus, &b.dev, &b.fn,
               &n) == 4 && (buf[n] == '\0' || buf[n] == '\n')) {
        sim_bdf_format(&b, out);
        return 0;
    }
    b.domain = 0;
    if (sscanf(buf, "%x:%x.%x%n", &b.bus, &b.dev, &b.fn, &n) == 3 &&
        (buf[n] == '\0' || buf[n] == '\n')) {
        sim_bdf_format(&b, out);
        return 0;
    }
    return -EINVAL;
}

static int write_slots(const char *root, const char *driver,
                       const char *slots)
{
    char path[PATH_MAX], text[8192];
    size_t len = 0;

    for (const char *s = slots; *s;) {
        size_t n = strcspn(s, ",");
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%.*s\n",
                                (int)n, s);
        s += n + (s[n] == ',');
    }
    if (simfs_path(path, sizeof(path), root, "sys/bus/pci/drivers/%s/slots",
                   driver) < 0)
        return -ENAMETOOLONG;
    return simfs_write(path, text, len);
}

int sim_store_new_slot(const char *root, const char *driver, const char *buf)
{
    char slot[16], slots[8192], state[128];
    int r;

    if (slot_arg(buf, slot) < 0)
        return -EINVAL;
    snprintf(state, sizeof(state), "drivers/%s", driver);
    r = sim_state_get(root, state, "slots", slots, sizeof(slots));
    if (r < 0)
        return r;
    if (!strstr(slots, slot)) {
        size_t n = strlen(slots);
        snprintf(slots + n, sizeof(slots) - n, "%s%s", n ? "," : "", slot);
        if ((r = sim_state_set(root, state, "slots", slots)) < 0)
            return r;
    }
    return write_slots(root, driver, slots);
}

int sim_store_remove_slot(const char *root, const char *driver,
                          const char *buf)
{
    char slot[16], slots[8192], out[8192] = "", state[128];
    bool found = false;
    size_t len = 0;
    int r;

    if (slot_arg(buf, slot) < 0)
        return -EINVAL;
    snprintf(state, sizeof(state), "drivers/%s", driver);
    r = sim_state_get(root, state, "slots", slots, sizeof(slots));
    if (r < 0)
        return r;
    for (char *save = NULL, *s = strtok_r(slots, ",", &save); s;
         s = strtok_r(NULL, ",", &save)) {
        if (strcmp(s, slot) == 0) {
            found = true;
            continue;
        }
        len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s",
                                len ? "," : "", s);
    }
    if (!found)
        return -ENOENT;
    if ((r = sim_state_set(root, state, "slots", out)) < 0)
        return r;
    return write_slots(root, driver, out);
}

enum store_kind {
    STORE_NONE, STORE_NUMVFS, STORE_AUTOPROBE, STORE_OVERRIDE, STORE_BIND,
    STORE_UNBIND, STORE_NEW_SLOT, STORE_REMOVE_SLOT, STORE_DRIVERS_PROBE,
};

/* What a resolved root-relative path is; @arg gets the BDF or driver. */
static enum store_kind classify(const char *rel, char *arg, size_t size)
{
    static const struct { const char *name; enum store_kind kind; } dev[] = {
        { "sriov_numvfs", STORE_NUMVFS },
        { "sriov_drivers_autoprobe", STORE_AUTOPROBE },
        { "driver_override", STORE_OVERRIDE },
    }, drv[] = {
        { "bind", STORE_BIND },
        { "unbind", STORE_UNBIND },
        { "new_slot", STORE_NEW_SLOT },
        { "remove_slot", STORE_REMOVE_SLOT },
    };
    const char *base = strrchr(rel, '/');
    char dir[PATH_MAX];
    const char *dbase;

    if (strcmp(rel, "sys/bus/pci/drivers_probe") == 0)
        return STORE_DRIVERS_PROBE;
    if (!base)
        return STORE_NONE;
    snprintf(dir, sizeof(dir), "%.*s", (int)(base - rel), rel);
    base++;
    dbase = strrchr(dir, '/');
    dbase = dbase ? dbase + 1 : dir;
    if (strncmp(rel, "sys/devices/", 12) == 0) {
        struct sim_bdf b;
        if (sim_bdf_parse(dbase, &b) < 0)
            return STORE_NONE;
        for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
            if (strcmp(base, dev[i].name) == 0) {
                snprintf(arg, size, "%s", dbase);
                return dev[i].kind;
            }
        return STORE_NONE;
    }
    if (strncmp(rel, "sys/bus/pci/drivers/", 20) == 0 &&
        strcmp(dir + 20, dbase) == 0)
        for (size_t i = 0; i < sizeof(drv) / sizeof(drv[0]); i++)
            if (strcmp(base, drv[i].name) == 0) {
                snprintf(arg, size, "%s", dbase);
                return drv[i].kind;
            }
    return STORE_NONE;
}

int sim_store_check(const char *relpath)
{
    char arg[PATH_MAX];

    if (strncmp(relpath, "sys/", 4) != 0)
        return 0;
    /* Every other sysfs file we make is read-only: kernfs refuses to open
     * an attribute without a store method for writing (EACCES). */
    return classify(relpath, arg, sizeof(arg)) == STORE_NONE ? -EACCES : 1;
}

int sim_store(const char *root, const char *relpath, const char *buf)
{
    char arg[PATH_MAX];

    switch (classify(relpath, arg, sizeof(arg))) {
    case STORE_NUMVFS:
        return sim_store_numvfs(root, arg, buf);
    case STORE_AUTOPROBE:
        return sim_store_autoprobe(root, arg, buf);
    case STORE_OVERRIDE:
        return sim_store_driver_override(root, arg, buf);
    case STORE_BIND:
        return sim_store_bind(root, arg, buf);
    case STORE_UNBIND:
        return sim_store_unbind(root, arg, buf);
    case STORE_NEW_SLOT:
        return sim_store_new_slot(root, arg, buf);
    case STORE_REMOVE_SLOT:
        return sim_store_remove_slot(root, arg, buf);
    case STORE_DRIVERS_PROBE:
        return sim_store_drivers_probe(root, buf);
    default:
        return -EACCES;
    }
}
