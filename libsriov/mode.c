/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Enable/disable in XenAPI's configuration modes: sysfs, modprobe, manual. */
#include <errno.h>
#include <string.h>

#include <sriov/lifecycle.h>

#include "libsriov/lifecycle-internal.h"

static const char *const mode_names[] = {
    [SRIOV_MODE_UNKNOWN] = "unknown",
    [SRIOV_MODE_SYSFS] = "sysfs",
    [SRIOV_MODE_MODPROBE] = "modprobe",
    [SRIOV_MODE_MANUAL] = "manual",
};

SRIOV_EXPORT const char *sriov_mode_to_string(int mode)
{
    if (mode < 0 || (size_t)mode >= ELEMENTSOF(mode_names))
        return "unknown";
    return mode_names[mode];
}

SRIOV_EXPORT int sriov_mode_from_string(const char *s, int *ret)
{
    assert_return(ret, -EINVAL);
    for (size_t i = 0; s && i < ELEMENTSOF(mode_names); i++)
        if (strcmp(s, mode_names[i]) == 0) {
            *ret = (int)i;
            return 0;
        }
    return -EINVAL;
}


static void info_disposep(struct sriov__modprobe_info *mi)
{
    sriov__modprobe_info_dispose(mi);
}

/* Modprobe is chosen up front only when nothing else can work. */
static bool modprobe_first(const struct sriov__modprobe_info *mi)
{
    return mi->param && (mi->no_sysfs || mi->from_comment);
}

static int get_info(sriov_ctx *ctx, const sriov_pf *pf,
                    struct sriov__modprobe_info *mi)
{
    if (!pf->driver) {
        *mi = (struct sriov__modprobe_info) { 0 };
        return 0;
    }
    return sriov__modprobe_info_get(ctx, pf->driver, mi);
}

SRIOV_EXPORT int sriov_pf_detect_mode(const sriov_pf *pf, int *ret_mode)
{
    _cleanup_(info_disposep) struct sriov__modprobe_info mi = { 0 };
    int r;

    assert_return(pf, -EINVAL);
    assert_return(ret_mode, -EINVAL);
    r = sriov__pf_check_sriov(pf);
    if (r < 0)
        return r;
    r = get_info(pf->host->ctx, pf, &mi);
    if (r < 0)
        return r;
    *ret_mode = modprobe_first(&mi) ? SRIOV_MODE_MODPROBE : SRIOV_MODE_SYSFS;
    return 0;
}

static int enable_modprobe(sriov_ctx *ctx, const sriov_pf *pf,
                           const struct sriov__modprobe_info *mi,
                           unsigned numvfs, int *ret_reboot,
                           unsigned *ret_numvfs)
{
    unsigned running;
    int r;

    if (!mi->param)
        return sriov__fail(ctx, -EOPNOTSUPP, "%s: driver %s takes no known "
                           "VF module option: create the VFs by hand and "
                           "use the manual mode", pf->bdf,
                           pf->driver ? pf->driver : "none");
    if (numvfs == SRIOV_NUMVFS_MAX)
        numvfs = mi->maxvfs ? mi->maxvfs : pf->totalvfs;
    if (pf->totalvfs && numvfs > pf->totalvfs)
        return sriov__fail(ctx, -ERANGE, "%s: %u VFs requested, the device "
                           "supports at most %u (sriov_totalvfs)", pf->bdf,
                           numvfs, pf->totalvfs);
    /* Written even when the count already matches: the file is what the
     * next boot uses (xcp-networkd CA-287340). */
    r = sriov__modprobe_set(ctx, pf, mi, numvfs);
    if (r < 0)
        return r;
    /* The VFs are there when the driver already made that many: it read
     * the option at load, or was told by other means.  Otherwise the
     * option takes effect when the module is next loaded.  The running
     * value of the option, when shown, only tells how it was loaded. */
    if (sriov__modprobe_running(ctx, pf, mi, &running) && running != numvfs)
        sriov__log_debug(ctx, "%s: loaded with %s=%u, %u after a reload",
                         pf->bdf, mi->param, running, numvfs);
    *ret_reboot = pf->numvfs != numvfs;
    *ret_numvfs = numvfs;
    return 0;
}

SRIOV_EXPORT int sriov_pf_enable_options_init(sriov_pf_enable_options *opts,
                                              unsigned version)
{
    assert_return(opts, -EINVAL);
    if (version == 0 || version > SRIOV_PF_ENABLE_OPTIONS_VERSION)
        return -EINVAL;
    *opts = (sriov_pf_enable_options) SRIOV_PF_ENABLE_OPTIONS_INIT;
    return 0;
}

SRIOV_EXPORT int sriov_pf_enable(sriov_pf *pf,
                                 const sriov_pf_enable_options *opts,
                                 int *ret_mode, int *ret_requires_reboot,
                                 unsigned *ret_numvfs)
{
    static const sriov_pf_enable_options defaults =
        SRIOV_PF_ENABLE_OPTIONS_INIT;
    _cleanup_(info_disposep) struct sriov__modprobe_info mi = { 0 };
    unsigned got = 0, numvfs, flags;
    int reboot = 0, used, mode, r;
    sriov_ctx *ctx;

    assert_return(pf, -EINVAL);
    ctx = pf->host->ctx;
    if (!opts)
        opts = &defaults;
    if (opts->version == 0 || opts->version > SRIOV_PF_ENABLE_OPTIONS_VERSION)
        return sriov__fail(ctx, -EINVAL, "enable options of version %u, this "
                           "libsriov knows version %u: initialise them with "
                           "SRIOV_PF_ENABLE_OPTIONS_INIT", opts->version,
                           SRIOV_PF_ENABLE_OPTIONS_VERSION);
    numvfs = opts->numvfs;
    mode = (int)opts->mode;
    flags = opts->flags;
    if (mode < SRIOV_MODE_UNKNOWN || mode > SRIOV_MODE_MANUAL)
        return sriov__fail(ctx, -EINVAL, "unknown configuration mode %d",
                           mode);
    r = sriov__pf_check_sriov(pf);
    if (r < 0)
        return r;
    r = get_info(ctx, pf, &mi);
    if (r < 0)
        return r;

    if (mode == SRIOV_MODE_MODPROBE ||
        (mode == SRIOV_MODE_UNKNOWN && modprobe_first(&mi))) {
        r = enable_modprobe(ctx, pf, &mi, numvfs, &reboot, &got);
        used = SRIOV_MODE_MODPROBE;
    } else if (mode == SRIOV_MODE_MANUAL) {
        if (pf->numvfs == 0)
            return sriov__fail(ctx, -ENOENT, "%s: no VFs are present to "
                               "adopt in manual mode: create them first",
                               pf->bdf);
        got = pf->numvfs;
        used = SRIOV_MODE_MANUAL;
        r = 0;
    } else {
        r = sriov_pf_set_numvfs(pf, numvfs, flags);
        used = SRIOV_MODE_SYSFS;
        if (r >= 0)
            got = (unsigned)r;
        else if (mode == SRIOV_MODE_UNKNOWN && r == -ENOENT && mi.param) {
            /* The driver has no sriov_configure but a module option. */
            sriov__clear_error(ctx);
            r = enable_modprobe(ctx, pf, &mi, numvfs, &reboot, &got);
            used = SRIOV_MODE_MODPROBE;
        } else if (mode == SRIOV_MODE_UNKNOWN && pf->numvfs > 0 &&
                   r != -ERANGE && r != -EINVAL) {
            /* As xcp-networkd: the write failed but VFs are there (made
             * by hand or by firmware): adopt them. */
            sriov__log_debug(ctx, "%s: %s; adopting its %u VFs (manual)",
                             pf->bdf, sriov_ctx_last_error(ctx), pf->numvfs);
            sriov__clear_error(ctx);
            got = pf->numvfs;
            used = SRIOV_MODE_MANUAL;
            r = 0;
        }
    }
    if (r < 0)
        return r;
    if (ret_mode)
        *ret_mode = used;
    if (ret_requires_reboot)
        *ret_requires_reboot = reboot;
    if (ret_numvfs)
        *ret_numvfs = got;
    return 0;
}

SRIOV_EXPORT int sriov_pf_disable(sriov_pf *pf, int mode, unsigned flags,
                                  int *ret_requires_reboot)
{
    _cleanup_(info_disposep) struct sriov__modprobe_info mi = { 0 };
    sriov_ctx *ctx;
    int r;

    assert_return(pf, -EINVAL);
    ctx = pf->host->ctx;
    if (mode < SRIOV_MODE_UNKNOWN || mode > SRIOV_MODE_MANUAL)
        return sriov__fail(ctx, -EINVAL, "unknown configuration mode %d",
                           mode);
    r = sriov__pf_check_sriov(pf);
    if (r < 0)
        return r;
    r = get_info(ctx, pf, &mi);
    if (r < 0)
        return r;
    if (mode == SRIOV_MODE_UNKNOWN)
        mode = modprobe_first(&mi) ? SRIOV_MODE_MODPROBE : SRIOV_MODE_SYSFS;

    switch (mode) {
    case SRIOV_MODE_MANUAL:
        /* The VFs were made outside: leave them (xcp-networkd does). */
        r = 0;
        break;
    case SRIOV_MODE_MODPROBE:
        if (!mi.param)
            return sriov__fail(ctx, -EOPNOTSUPP, "%s: driver %s takes no "
                               "known VF module option", pf->bdf,
                               pf->driver ? pf->driver : "none");
        r = sriov__modprobe_set(ctx, pf, &mi, 0);
        if (r >= 0 && ret_requires_reboot)
            *ret_requires_reboot = pf->numvfs != 0;
        return r;
    default:
        r = sriov_pf_set_numvfs(pf, 0, flags);
        break;
    }
    if (r < 0)
        return r;
    if (ret_requires_reboot)
        *ret_requires_reboot = 0;
    return 0;
}
