/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PCI driver binding: driver_override, unbind, bind; pciback slots. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sriov/bind.h>

#include "libsriov/internal.h"

static bool is_pciback(const char *driver)
{
    return driver && strcmp(driver, SRIOV_PCIBACK_DRIVER) == 0;
}

/* Check the address and that the device exists; normalise into @addr. */
static int check_device(sriov_ctx *ctx, const char *bdf,
                        char addr[SRIOV_BDF_SIZE])
{
    _cleanup_free_ char *path = NULL;
    struct stat st;
    int r;

    if (!bdf || sriov_bdf_parse(bdf, addr) < 0)
        return sriov__fail(ctx, -EINVAL, "'%s' is not a PCI address: use "
                           "dddd:bb:dd.f", bdf ? bdf : "(null)");
    r = sriov__sysfs_dev_path(ctx, addr, NULL, &path);
    if (r < 0)
        return r;
    if (stat(path, &st) < 0)
        return sriov__fail(ctx, -ENODEV, "no PCI device %s ('%s' is "
                           "missing): check the address", addr, path);
    return 0;
}

static int driver_of(sriov_ctx *ctx, const char *addr, char **ret)
{
    int r;

    r = sriov__sysfs_read_link(ctx, addr, "driver", ret);
    if (r == -ENOENT) {
        sriov__clear_error(ctx);
        *ret = NULL;
        return 0;
    }
    return r;
}

SRIOV_EXPORT int sriov_pci_get_driver(sriov_ctx *ctx, const char *bdf,
                                      char **ret)
{
    char addr[SRIOV_BDF_SIZE];
    int r;

    assert_return(ctx, -EINVAL);
    assert_return(ret, -EINVAL);
    r = check_device(ctx, bdf, addr);
    if (r < 0)
        return r;
    return driver_of(ctx, addr, ret);
}

SRIOV_EXPORT int sriov_pci_get_class(sriov_ctx *ctx, const char *bdf,
                                     unsigned *ret)
{
    char addr[SRIOV_BDF_SIZE];
    unsigned cls;
    int r;

    assert_return(ctx, -EINVAL);
    assert_return(ret, -EINVAL);
    r = check_device(ctx, bdf, addr);
    if (r < 0)
        return r;
    r = sriov__sysfs_read_uint(ctx, addr, "class", &cls);
    if (r < 0)
        return r;
    *ret = cls & 0xffffffu;
    return 0;
}

/* Write the address to bus/pci/drivers/<driver>/<file>. */
static int driver_write(sriov_ctx *ctx, const char *driver, const char *file,
                        const char *addr)
{
    _cleanup_free_ char *path = NULL;
    int r;

    r = sriov__host_path(ctx, &path, "sys/bus/pci/drivers/%s/%s", driver,
                         file);
    if (r < 0)
        return r;
    return sriov__write_file(ctx, path, addr);
}

/* Is @addr in pciback's slots ("dddd:bb:dd.f" per line)? */
static int pciback_has_slot(sriov_ctx *ctx, const char *addr)
{
    _cleanup_free_ char *path = NULL, *text = NULL;
    int r;

    r = sriov__host_path(ctx, &path, "sys/bus/pci/drivers/%s/slots",
                         SRIOV_PCIBACK_DRIVER);
    if (r < 0)
        return r;
    r = sriov__read_file(ctx, path, &text);
    if (r < 0)
        return r;
    for (char *l = text; l && *l;) {
        char *nl = strchr(l, '\n');
        if (strncmp(l, addr, SRIOV_BDF_SIZE - 1) == 0 &&
            (l[SRIOV_BDF_SIZE - 1] == '\n' || l[SRIOV_BDF_SIZE - 1] == '\0'))
            return 1;
        l = nl ? nl + 1 : NULL;
    }
    return 0;
}

/* driver_override reads "(null)" when unset; NULL then. */
static int read_override(sriov_ctx *ctx, const char *addr, char **ret,
                         bool *ret_supported)
{
    _cleanup_free_ char *s = NULL;
    int r;

    r = sriov__sysfs_read_string(ctx, addr, "driver_override", &s);
    if (r == -ENOENT) {               /* kernels before 3.16 */
        sriov__clear_error(ctx);
        *ret_supported = false;
        *ret = NULL;
        return 0;
    }
    if (r < 0)
        return r;
    *ret_supported = true;
    *ret = strcmp(s, "(null)") == 0 || !*s ? NULL : TAKE_PTR(s);
    return 0;
}

static int write_override(sriov_ctx *ctx, const char *addr, const char *drv)
{
    /* A lone newline clears it (drivers/base/driver.c driver_set_override). */
    return sriov__sysfs_write_string(ctx, addr, "driver_override",
                                     drv ? drv : "\n");
}

static int bind_error(sriov_ctx *ctx, const char *addr, const char *driver,
                      int r)
{
    char detail[SRIOV_ERROR_MAX];

    snprintf(detail, sizeof(detail), "%s", sriov_ctx_last_error(ctx));
    if (r == -ENODEV)
        return sriov__fail(ctx, r, "driver %s refused %s (%s): it does not "
                           "handle this device, or the PF's "
                           "sriov_drivers_autoprobe is 0 and driver_override "
                           "does not name it", driver, addr, detail);
    return sriov__fail(ctx, r, "cannot bind %s to %s: %s", addr, driver,
                       detail);
}

SRIOV_EXPORT int sriov_pci_bind(sriov_ctx *ctx, const char *bdf,
                                const char *driver, char **ret_previous)
{
    _cleanup_free_ char *cur = NULL, *override = NULL, *drvdir = NULL;
    _cleanup_free_ char *now = NULL;
    char addr[SRIOV_BDF_SIZE];
    bool has_override = false, wrote_override = false, unbound = false;
    bool added_slot = false;
    struct error_saved e;
    struct stat st;
    int r;

    assert_return(ctx, -EINVAL);
    if (!driver || !*driver || strchr(driver, '/'))
        return sriov__fail(ctx, -EINVAL, "'%s' is not a driver name",
                           driver ? driver : "(null)");
    r = check_device(ctx, bdf, addr);
    if (r < 0)
        return r;
    r = sriov__host_path(ctx, &drvdir, "sys/bus/pci/drivers/%s", driver);
    if (r < 0)
        return r;
    if (stat(drvdir, &st) < 0)
        return sriov__fail(ctx, -ENOENT, "driver %s is not loaded ('%s' is "
                           "missing): load its module%s", driver, drvdir,
                           is_pciback(driver) ? " (xen-pciback)" : "");
    r = driver_of(ctx, addr, &cur);
    if (r < 0)
        return r;
    if (cur && strcmp(cur, driver) == 0)
        goto done;
    r = read_override(ctx, addr, &override, &has_override);
    if (r < 0)
        return r;
    /* Name the driver first: needed when the PF's sriov_drivers_autoprobe
     * is 0 (notes/xen-in-qemu.md), harmless otherwise. */
    if (has_override && (r = write_override(ctx, addr, driver)) < 0)
        return r;
    wrote_override = has_override;
    if (cur && (r = driver_write(ctx, cur, "unbind", addr)) < 0)
        goto undo;
    unbound = cur != NULL;
    if (is_pciback(driver)) {
        /* libxl's pciback_dev_assign: new_slot unless listed, then bind. */
        r = pciback_has_slot(ctx, addr);
        if (r == 0) {
            r = driver_write(ctx, driver, "new_slot", addr);
            added_slot = r >= 0;
        }
        if (r < 0)
            goto undo;
    }
    r = driver_write(ctx, driver, "bind", addr);
    if (r < 0) {
        r = bind_error(ctx, addr, driver, r);
        goto undo;
    }
    r = driver_of(ctx, addr, &now);
    if (r < 0)
        goto undo;
    if (!now || strcmp(now, driver) != 0) {
        r = sriov__fail(ctx, -EIO, "%s: the kernel accepted the bind to %s "
                        "but the device is bound to %s", addr, driver,
                        now ? now : "no driver");
        goto undo;
    }
done:
    if (ret_previous)
        *ret_previous = TAKE_PTR(cur);
    return 0;

undo:
    /* Back as it was, steps in reverse; a failed undo step records its
     * own error, but the one to report is the first. */
    ERROR_SAVE(&e, ctx);
    if (added_slot)
        driver_write(ctx, driver, "remove_slot", addr);
    if (unbound) {
        /* Give it back; with autoprobe 0 the override must name it. */
        if (has_override)
            write_override(ctx, addr, cur);
        driver_write(ctx, cur, "bind", addr);
    }
    if (wrote_override)
        write_override(ctx, addr, override);
    ERROR_RESTORE(&e, ctx);
    return r;
}

SRIOV_EXPORT int sriov_pci_unbind(sriov_ctx *ctx, const char *bdf,
                                  char **ret_previous)
{
    _cleanup_free_ char *cur = NULL, *override = NULL;
    char addr[SRIOV_BDF_SIZE];
    bool has_override = false;
    int r;

    assert_return(ctx, -EINVAL);
    r = check_device(ctx, bdf, addr);
    if (r < 0)
        return r;
    r = driver_of(ctx, addr, &cur);
    if (r < 0)
        return r;
    if (cur) {
        r = driver_write(ctx, cur, "unbind", addr);
        if (r < 0)
            return r;
    }
    /* libxl's pciback_dev_unassign: unbind, then remove_slot if listed. */
    if (is_pciback(cur) && pciback_has_slot(ctx, addr) > 0) {
        r = driver_write(ctx, cur, "remove_slot", addr);
        if (r < 0)
            return r;
    }
    r = read_override(ctx, addr, &override, &has_override);
    if (r < 0)
        return r;
    if (override && (r = write_override(ctx, addr, NULL)) < 0)
        return r;
    if (ret_previous)
        *ret_previous = TAKE_PTR(cur);
    return 0;
}

SRIOV_EXPORT int sriov_pci_reprobe(sriov_ctx *ctx, const char *bdf,
                                   char **ret_driver)
{
    _cleanup_free_ char *path = NULL, *now = NULL;
    char addr[SRIOV_BDF_SIZE];
    int r;

    assert_return(ctx, -EINVAL);
    r = check_device(ctx, bdf, addr);
    if (r < 0)
        return r;
    r = sriov__host_path(ctx, &path, "sys/bus/pci/drivers_probe");
    if (r < 0)
        return r;
    r = sriov__write_file(ctx, path, addr);
    if (r < 0)
        return r;
    r = driver_of(ctx, addr, &now);
    if (r < 0)
        return r;
    if (ret_driver)
        *ret_driver = TAKE_PTR(now);
    return 0;
}
