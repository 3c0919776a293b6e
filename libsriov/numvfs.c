/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriov_numvfs: enabling and disabling VFs the way drivers/pci/iov.c wants. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sriov/bind.h>
#include <sriov/lifecycle.h>

#include "libsriov/host-internal.h"
#include "libsriov/lifecycle-internal.h"

/* The kernel creates the links inside the write; drivers that finish the
 * job in a work item get this long. */
#define LINK_WAIT_STEPS 40
#define LINK_WAIT_STEP_NS (25 * 1000 * 1000)


int sriov__pf_check_sriov(const sriov_pf *pf)
{
    if (pf->sriov)
        return 0;
    return sriov__fail(pf->host->ctx, -EOPNOTSUPP, "%s is not SR-IOV capable "
                       "(no sriov_totalvfs; driver %s): pick a PF that "
                       "sriov-info lists", pf->bdf,
                       pf->driver ? pf->driver : "none");
}

/* One line saying what the kernel's answer means and what to do. */
static int numvfs_error(sriov_ctx *ctx, const sriov_pf *pf, unsigned n, int r)
{
    const char *drv = pf->driver ? pf->driver : "none";

    switch (r) {
    case -ERANGE:
        return sriov__fail(ctx, r, "%s: %u VFs requested, the device "
                           "supports at most %u (sriov_totalvfs)", pf->bdf,
                           n, pf->totalvfs);
    case -ENOENT:
        if (!pf->driver)
            return sriov__fail(ctx, r, "%s: no driver is bound to the PF, "
                               "so VFs cannot be enabled: load its driver "
                               "first", pf->bdf);
        return sriov__fail(ctx, r, "%s: driver %s cannot enable VFs through "
                           "sysfs (no sriov_configure): use the modprobe "
                           "mode or a newer driver", pf->bdf, drv);
    case -ENOMEM:
    case -ENOSPC:
        return sriov__fail(ctx, r, "%s: not enough PCI bus numbers or MMIO "
                           "space for %u VFs (%s): boot dom0 with "
                           "pci=realloc, enable SR-IOV in the firmware "
                           "setup, or ask for fewer VFs", pf->bdf, n,
                           strerror(-r));
    case -EIO:
        return sriov__fail(ctx, r, "%s: the device failed to change its VFs "
                           "(I/O error, driver %s): see the kernel log; a "
                           "PF reset or a firmware update may be needed",
                           pf->bdf, drv);
    case -EBUSY:
        return sriov__fail(ctx, r, "%s: the kernel refused to change the "
                           "VFs (busy: VFs enabled meanwhile, or driver %s "
                           "busy): retry, or disable them first", pf->bdf,
                           drv);
    case -EACCES:
    case -EPERM:
        return sriov__fail(ctx, r, "%s: not allowed to change the VFs (%s): "
                           "run as root in dom0; driver %s may also refuse "
                           "while VFs are assigned to guests", pf->bdf,
                           strerror(-r), drv);
    case -EINVAL:
        return sriov__fail(ctx, r, "%s: driver %s refused %u VFs (invalid "
                           "argument): see the kernel log for its limits",
                           pf->bdf, drv, n);
    default:
        return sriov__fail(ctx, r, "%s: cannot set %u VFs: %s", pf->bdf, n,
                           strerror(-r));
    }
}

/* The VFs the change would remove: all of them once any are enabled. */
static int check_busy(sriov_ctx *ctx, sriov_pf *pf, unsigned flags)
{
    for (unsigned i = 0; i < pf->n_vfs; i++) {
        sriov_vf *vf = &pf->vfs[i];
        const char *why = sriov_vf_busy_reason(vf);
        int r;

        if (!why)
            continue;
        if (!(flags & SRIOV_NUMVFS_FORCE))
            return sriov__fail(ctx, -EBUSY, "%s: VF %s (virtfn%u) is in use, "
                               "%s%s%s: release it first, or force", pf->bdf,
                               vf->bdf, vf->index, why,
                               vf->netdev ? ": " : "",
                               vf->netdev ? vf->netdev->name : "");
        /* Forced: let go of passthrough drivers first, as xcp-networkd
         * does before disabling (remove_slot + unbind). */
        if (sriov__driver_is_passthrough(vf->driver)) {
            r = sriov_pci_unbind(ctx, vf->bdf, NULL);
            if (r < 0)
                return r;
        }
    }
    return 0;
}

static int write_numvfs(sriov_ctx *ctx, const sriov_pf *pf, unsigned n)
{
    int r;

    r = sriov__sysfs_write_uint(ctx, pf->bdf, "sriov_numvfs", n);
    if (r < 0)
        return numvfs_error(ctx, pf, n, r);
    return 0;
}

/*
 * After a write: sriov_numvfs must read back what the kernel enabled (a
 * driver may enable fewer: "only %d enabled"), with virtfn0..N-1 present
 * and virtfnN absent.  Returns N.
 */
static int wait_links(sriov_ctx *ctx, const sriov_pf *pf, unsigned asked)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *path = NULL;
    struct timespec step = { 0, LINK_WAIT_STEP_NS };
    unsigned got = 0, missing = 0;
    char name[32];
    int r;

    r = sriov__sysfs_dev_path(ctx, pf->bdf, NULL, &path);
    if (r < 0)
        return r;
    for (int i = 0; i < LINK_WAIT_STEPS; i++) {
        bool ok = true;

        r = sriov__sysfs_read_uint(ctx, pf->bdf, "sriov_numvfs", &got);
        if (r < 0)
            return r;
        closep(&fd);
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return sriov__fail(ctx, negative_errno(), "%s vanished after "
                               "changing its VFs", pf->bdf);
        for (unsigned k = 0; ok && k < got; k++) {
            snprintf(name, sizeof(name), "virtfn%u", k);
            if (sriov__exists_at(ctx, fd, path, name) <= 0) {
                ok = false;
                missing = k;
            }
        }
        snprintf(name, sizeof(name), "virtfn%u", got);
        if (ok && sriov__exists_at(ctx, fd, path, name) > 0) {
            ok = false;
            missing = got;
        }
        if (ok) {
            if (got != asked)
                sriov__log_debug(ctx, "%s: %u VFs requested, %u enabled",
                                 pf->bdf, asked, got);
            return (int)got;
        }
        nanosleep(&step, NULL);
    }
    return sriov__fail(ctx, -EIO, "%s: sriov_numvfs says %u VFs but virtfn%u "
                       "is %s: the kernel did not finish; see its log",
                       pf->bdf, got, missing,
                       missing < got ? "missing" : "still there");
}

/* After a write: the handle shows the VFs the kernel now has. */
static int reread(sriov_ctx *ctx, sriov_pf *pf, int r)
{
    struct error_saved e;

    if (r >= 0)
        return sriov__pf_reread_vfs(pf);
    /* Failed: best effort, keeping the failure's message. */
    ERROR_SAVE(&e, ctx);
    sriov__pf_reread_vfs(pf);
    ERROR_RESTORE(&e, ctx);
    return r;
}

SRIOV_EXPORT int sriov_pf_set_numvfs(sriov_pf *pf, unsigned numvfs,
                                     unsigned flags)
{
    sriov_ctx *ctx;
    unsigned cur;
    int r, got;

    assert_return(pf, -EINVAL);
    ctx = pf->host->ctx;
    r = sriov__pf_check_sriov(pf);
    if (r < 0)
        return r;
    if (numvfs == SRIOV_NUMVFS_MAX)
        numvfs = pf->totalvfs;
    if (numvfs > pf->totalvfs)
        return numvfs_error(ctx, pf, numvfs, -ERANGE);
    cur = pf->numvfs;
    if (cur == numvfs)
        return (int)cur;
    if (cur > 0) {
        r = check_busy(ctx, pf, flags);
        if (r < 0)
            return r;
        /* iov.c: "%d VFs already enabled. Disable before enabling %d VFs"
         * (EBUSY): N -> M goes through 0. */
        if (numvfs > 0) {
            r = write_numvfs(ctx, pf, 0);
            if (r < 0)
                return reread(ctx, pf, r);
        }
    }
    r = write_numvfs(ctx, pf, numvfs);
    if (r < 0) {
        if (cur > 0 && numvfs > 0) {
            /* Put back what there was; keep the first error's message. */
            struct error_saved e;

            ERROR_SAVE(&e, ctx);
            if (sriov__sysfs_write_uint(ctx, pf->bdf, "sriov_numvfs",
                                        cur) < 0)
                r = sriov__fail(ctx, e.r, "%s (and restoring the "
                                "previous %u VFs failed too)", e.message,
                                cur);
            else
                ERROR_RESTORE(&e, ctx);
        }
        return reread(ctx, pf, r);
    }
    got = wait_links(ctx, pf, numvfs);
    if (got < 0)
        return reread(ctx, pf, got);
    r = reread(ctx, pf, 0);
    return r < 0 ? r : got;
}
