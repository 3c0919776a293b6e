/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF settings without the kernel: field names, validation, VF lookup. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/internal.h"

static const char *const field_names[] = {
    "mac", "vlan", "qos", "spoofchk", "trust", "link_state", "min_tx_rate",
    "max_tx_rate",
};

SRIOV_EXPORT const char *sriov_vf_field_name(unsigned field)
{
    for (size_t i = 0; i < ELEMENTSOF(field_names); i++)
        if (field == 1u << i)
            return field_names[i];
    return NULL;
}

/* Record the first invalid field's message; collect every invalid bit. */
static void invalid(sriov_ctx *ctx, unsigned *bad, unsigned field,
                    const char *fmt, ...) _printf_(4, 5);
static void invalid(sriov_ctx *ctx, unsigned *bad, unsigned field,
                    const char *fmt, ...)
{
    va_list ap;

    if (!*bad) {
        va_start(ap, fmt);
        sriov__failv(ctx, -EINVAL, fmt, ap);
        va_end(ap);
    }
    *bad |= field;
}

SRIOV_EXPORT int sriov_vf_config_validate(sriov_ctx *ctx,
                                          const sriov_vf_config *cfg,
                                          unsigned *ret_invalid)
{
    unsigned bad = 0, m;

    assert_return(ctx, -EINVAL);
    assert_return(cfg, -EINVAL);

    if (cfg->version != SRIOV_VF_CONFIG_VERSION) {
        if (ret_invalid)
            *ret_invalid = cfg->mask;
        return sriov__fail(ctx, -EINVAL,
                           "VF settings of version %u, this libsriov knows "
                           "version %u: initialise them with "
                           "SRIOV_VF_CONFIG_INIT", cfg->version,
                           SRIOV_VF_CONFIG_VERSION);
    }
    m = cfg->mask;
    if (m & ~SRIOV_VF_ALL)
        invalid(ctx, &bad, m & ~SRIOV_VF_ALL,
                "unknown VF setting bits 0x%x in the mask: use "
                "SRIOV_VF_* bits only", m & ~SRIOV_VF_ALL);
    if ((m & SRIOV_VF_VLAN) && cfg->vlan > SRIOV_VF_VLAN_MAX)
        invalid(ctx, &bad, SRIOV_VF_VLAN,
                "VLAN %u is out of range: use 0 (untagged) to %u",
                cfg->vlan, SRIOV_VF_VLAN_MAX);
    if ((m & SRIOV_VF_QOS) && cfg->qos > SRIOV_VF_QOS_MAX)
        invalid(ctx, &bad, SRIOV_VF_QOS,
                "VLAN QoS %u is out of range: use 0 to %u", cfg->qos,
                SRIOV_VF_QOS_MAX);
    if ((m & SRIOV_VF_SPOOFCHK) && cfg->spoofchk != 0 && cfg->spoofchk != 1)
        invalid(ctx, &bad, SRIOV_VF_SPOOFCHK,
                "spoofchk %d is not a boolean: use 0 (off) or 1 (on)",
                cfg->spoofchk);
    if ((m & SRIOV_VF_TRUST) && cfg->trust != 0 && cfg->trust != 1)
        invalid(ctx, &bad, SRIOV_VF_TRUST,
                "trust %d is not a boolean: use 0 (off) or 1 (on)",
                cfg->trust);
    if ((m & SRIOV_VF_LINK_STATE) && cfg->link_state != SRIOV_VF_LINK_AUTO &&
        cfg->link_state != SRIOV_VF_LINK_ENABLE &&
        cfg->link_state != SRIOV_VF_LINK_DISABLE)
        invalid(ctx, &bad, SRIOV_VF_LINK_STATE,
                "link state %d is unknown: use auto (0), enable (1) or "
                "disable (2)", cfg->link_state);
    if ((m & SRIOV_VF_RATES) == SRIOV_VF_RATES && cfg->max_tx_rate &&
        cfg->min_tx_rate > cfg->max_tx_rate)
        invalid(ctx, &bad, SRIOV_VF_RATES,
                "min_tx_rate %u Mbps is above max_tx_rate %u Mbps: lower "
                "it, or use max_tx_rate 0 (no limit)", cfg->min_tx_rate,
                cfg->max_tx_rate);
    if (ret_invalid)
        *ret_invalid = bad;
    return bad ? -EINVAL : 0;
}

/* N such that the PF's virtfn<N> link points at vf_bdf. */
static int virtfn_index(sriov_ctx *ctx, const char *pf, const char *vf_bdf,
                        unsigned *ret)
{
    _cleanup_strv_free_ char **names = NULL;
    int r;

    r = sriov__sysfs_list(ctx, pf, NULL, &names);
    if (r < 0)
        return r;
    for (char **n = names; *n; n++) {
        _cleanup_free_ char *target = NULL;
        unsigned idx;
        int len = 0;

        if (sscanf(*n, "virtfn%u%n", &idx, &len) != 1 ||
            (size_t)len != strlen(*n))
            continue;
        r = sriov__sysfs_read_link(ctx, pf, *n, &target);
        if (r < 0)
            return r;
        if (streq_ptr(target, vf_bdf)) {
            *ret = idx;
            return 0;
        }
    }
    return sriov__fail(ctx, -ENOENT,
                       "%s: its PF %s has no virtfn link to it: the VFs "
                       "are being removed, list them again", vf_bdf, pf);
}

SRIOV_EXPORT int sriov_vf_locate(sriov_ctx *ctx, const char *vf_bdf,
                                 char **ret_pf_ifname, unsigned *ret_vf_index)
{
    _cleanup_free_ char *pf = NULL, *driver = NULL;
    _cleanup_strv_free_ char **nets = NULL;
    char *ifname;
    unsigned idx = 0;
    int r;

    assert_return(ctx, -EINVAL);
    assert_return(ret_pf_ifname, -EINVAL);
    assert_return(ret_vf_index, -EINVAL);

    if (!sriov__bdf_valid(vf_bdf))
        return sriov__fail(ctx, -EINVAL,
                           "'%s' is not a PCI address: use the form "
                           "0000:03:10.1", vf_bdf ? vf_bdf : "(null)");
    if (!sriov__sysfs_exists(ctx, vf_bdf, NULL))
        return sriov__fail(ctx, -ENOENT,
                           "%s: no such PCI device: check the address with "
                           "lspci", vf_bdf);
    if (!sriov__sysfs_exists(ctx, vf_bdf, "physfn"))
        return sriov__fail(ctx, -EINVAL,
                           "%s is not an SR-IOV VF (it has no physfn): name "
                           "a VF", vf_bdf);
    r = sriov__sysfs_read_link(ctx, vf_bdf, "physfn", &pf);
    if (r < 0)
        return r;
    r = virtfn_index(ctx, pf, vf_bdf, &idx);
    if (r < 0)
        return r;
    r = sriov__sysfs_exists(ctx, pf, "net") ?
        sriov__sysfs_list(ctx, pf, "net", &nets) : 0;
    if (r < 0)
        return r;
    if (!nets || !nets[0]) {
        if (sriov__sysfs_read_link(ctx, pf, "driver", &driver) < 0)
            return sriov__fail(ctx, -ENODEV,
                               "%s: its PF %s has no network interface and "
                               "no driver: bind the PF to its NIC driver",
                               vf_bdf, pf);
        return sriov__fail(ctx, -ENODEV,
                           "%s: its PF %s (driver %s) has no network "
                           "interface: VF settings need a NIC's PF", vf_bdf,
                           pf, driver);
    }
    ifname = strdup(nets[0]);
    if (!ifname)
        return -ENOMEM;
    *ret_pf_ifname = ifname;
    *ret_vf_index = idx;
    return 0;
}
