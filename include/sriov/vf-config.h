/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VF settings held by the PF's driver: MAC, VLAN and QoS, spoof checking,
 * trust, link state and transmit rates, read and set over rtnetlink.
 *
 * A VF is named by its PF's network interface and its VF index, as
 * `ip link set <pf> vf <index> ...` does: that is how the kernel addresses
 * VF settings, and it also covers VFs that are not PCI functions.
 * sriov_vf_locate() finds both from a VF's PCI address.
 *
 * Usage:
 *
 *     sriov_vf_config cfg = SRIOV_VF_CONFIG_INIT;
 *     unsigned failed = 0;
 *
 *     memcpy(cfg.mac, mac, 6);
 *     cfg.vlan = 100;
 *     cfg.max_tx_rate = 1000;
 *     cfg.mask = SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_MAX_TX_RATE;
 *     r = sriov_vf_config_apply(ctx, "eth2", 3, &cfg, &failed);
 *     if (r == SRIOV_VF_RATE_REFUSED)
 *         warn("%s", sriov_ctx_last_error(ctx));    (the VF is usable)
 *     else if (r < 0)
 *         fail("%s", sriov_ctx_last_error(ctx));    (nothing was changed)
 */
#ifndef SRIOV_VF_CONFIG_H
#define SRIOV_VF_CONFIG_H

#include <sriov/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bits of sriov_vf_config.mask: which fields are meant. */
enum sriov_vf_field {
    SRIOV_VF_MAC = 1u << 0,          /**< mac */
    SRIOV_VF_VLAN = 1u << 1,         /**< vlan */
    SRIOV_VF_QOS = 1u << 2,          /**< qos */
    SRIOV_VF_SPOOFCHK = 1u << 3,     /**< spoofchk */
    SRIOV_VF_TRUST = 1u << 4,        /**< trust */
    SRIOV_VF_LINK_STATE = 1u << 5,   /**< link_state */
    SRIOV_VF_MIN_TX_RATE = 1u << 6,  /**< min_tx_rate */
    SRIOV_VF_MAX_TX_RATE = 1u << 7   /**< max_tx_rate */
};

/** Every field of version 1 of the struct. */
#define SRIOV_VF_ALL 0xffu
/** The rate fields: a NIC refusing them is not fatal (see apply). */
#define SRIOV_VF_RATES (SRIOV_VF_MIN_TX_RATE | SRIOV_VF_MAX_TX_RATE)

/** VF link state, as the kernel's IFLA_VF_LINK_STATE_* values. */
enum sriov_vf_link_state {
    SRIOV_VF_LINK_AUTO = 0,     /**< follows the PF's link */
    SRIOV_VF_LINK_ENABLE = 1,   /**< always up */
    SRIOV_VF_LINK_DISABLE = 2   /**< always down */
};

/** Highest VLAN id accepted (4095 is reserved by 802.1Q). */
#define SRIOV_VF_VLAN_MAX 4094u
/** Highest 802.1p priority. */
#define SRIOV_VF_QOS_MAX 7u

/** Current version of struct sriov_vf_config. */
#define SRIOV_VF_CONFIG_VERSION 1u

/**
 * The settings of one VF.  Initialise with SRIOV_VF_CONFIG_INIT, then set
 * the fields wanted and their bits in @c mask.  Fields whose bit is not in
 * @c mask are ignored by sriov_vf_config_apply().
 */
typedef struct sriov_vf_config {
    unsigned version;        /**< SRIOV_VF_CONFIG_VERSION */
    unsigned mask;           /**< enum sriov_vf_field bits that are meant */
    unsigned char mac[6];    /**< MAC address; all zero = none assigned */
    unsigned vlan;           /**< VLAN id 0-4094; 0 = untagged */
    unsigned qos;            /**< 802.1p priority 0-7 of the VLAN */
    int spoofchk;            /**< source MAC spoof checking: 0 off, 1 on */
    int trust;               /**< trusted VF (may set promisc, MAC): 0/1 */
    int link_state;          /**< enum sriov_vf_link_state */
    unsigned min_tx_rate;    /**< guaranteed transmit rate, Mbps; 0 = none */
    unsigned max_tx_rate;    /**< transmit rate limit, Mbps; 0 = none */
} sriov_vf_config;

/** Initialiser: version set, no field meant, every value at its default. */
#define SRIOV_VF_CONFIG_INIT \
    { SRIOV_VF_CONFIG_VERSION, 0u, { 0, 0, 0, 0, 0, 0 }, 0u, 0u, 0, 0, \
      SRIOV_VF_LINK_AUTO, 0u, 0u }

/**
 * Returned (>= 0, so a success) by sriov_vf_config_apply() when every field
 * was set except the rates, which the NIC refused.  XAPI treats that as a
 * warning; the message is in sriov_ctx_last_error().
 */
#define SRIOV_VF_RATE_REFUSED 1

/**
 * Name of one field bit, as used in messages: "mac", "vlan", "qos",
 * "spoofchk", "trust", "link_state", "min_tx_rate", "max_tx_rate".
 * @return a static string, or NULL if @p field is not exactly one known bit
 */
SRIOV_EXPORT const char *sriov_vf_field_name(unsigned field);

/**
 * Check the fields in @p cfg->mask without touching the host: the struct
 * version, VLAN 0-4094, QoS 0-7, spoofchk and trust 0 or 1, a known link
 * state, and min_tx_rate not above a non-zero max_tx_rate.  The MAC is the
 * driver's to judge (most refuse multicast addresses with -EINVAL).
 * @param[out] ret_invalid  optional: the bits of every invalid field, also
 *                          written on failure (it is the failure report)
 * @return 0, or -EINVAL with the first invalid field and its allowed range
 *         in sriov_ctx_last_error()
 */
SRIOV_EXPORT int sriov_vf_config_validate(sriov_ctx *ctx,
                                          const sriov_vf_config *cfg,
                                          unsigned *ret_invalid);

/**
 * Read the current settings of VF @p vf of the network interface
 * @p pf_ifname, as the driver reports them.
 * @param[out] ret  filled in; ret->mask tells which fields the driver
 *                  reported (spoofchk and trust are left out when the
 *                  driver does not report them)
 * @return 0; -ENODEV if there is no interface @p pf_ifname; -ENOENT if it
 *         has no VF @p vf; other negative errnos from rtnetlink
 */
SRIOV_EXPORT int sriov_vf_config_get(sriov_ctx *ctx, const char *pf_ifname,
                                     unsigned vf, sriov_vf_config *ret);

/**
 * Set the fields of @p cfg named in @p cfg->mask on VF @p vf of
 * @p pf_ifname, one rtnetlink request per setting, in this order: VLAN and
 * QoS (sent together; an unmasked QoS keeps its current value, or 0 with
 * VLAN 0), MAC, spoofchk, trust, link state, then the rates (sent together;
 * an unmasked rate keeps its current value).
 *
 * All or nothing for everything but the rates: when the kernel refuses a
 * setting, the ones already set are put back to the values read before,
 * and the call fails.  A refused rate changes nothing and is reported as
 * SRIOV_VF_RATE_REFUSED, so that the caller can downgrade it to a warning.
 *
 * @param[out] ret_failed  optional: bits of the fields that were invalid or
 *                         refused; 0 on full success.  Also written on
 *                         failure (it is the failure report).
 * @return 0 when every masked field was set; SRIOV_VF_RATE_REFUSED (> 0)
 *         when only the rates were refused; -EINVAL for invalid fields
 *         (see sriov_vf_config_validate()); -ENODEV, -ENOENT as
 *         sriov_vf_config_get(); the kernel's errno for a refused setting
 *         (-EINVAL, -EOPNOTSUPP when the driver lacks it, -EPERM ...)
 */
SRIOV_EXPORT int sriov_vf_config_apply(sriov_ctx *ctx, const char *pf_ifname,
                                       unsigned vf, const sriov_vf_config *cfg,
                                       unsigned *ret_failed);

/**
 * Find the PF network interface and the VF index of the VF at PCI address
 * @p vf_bdf (e.g. "0000:03:10.1"), from sysfs: the VF's physfn link, the
 * PF's virtfn<N> links and the PF's net/ directory (the first interface in
 * name order when the PF has several).
 * @param[out] ret_pf_ifname  the PF's interface name, freed with free()
 * @param[out] ret_vf_index   N of the PF's virtfn<N> link to this VF
 * @return 0; -EINVAL if @p vf_bdf is not a PCI address or not a VF;
 *         -ENOENT if there is no such PCI device; -ENODEV if the PF has no
 *         network interface (its driver is not a NIC driver, or unbound)
 */
SRIOV_EXPORT int sriov_vf_locate(sriov_ctx *ctx, const char *vf_bdf,
                                 char **ret_pf_ifname, unsigned *ret_vf_index);

#ifdef __cplusplus
}
#endif

#endif
