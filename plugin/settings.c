/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF settings: what a VIF asks for, and the saved settings of a VF as the
 * VIF.vf_saved_config map (restored when the VF is given back). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libsriov/macro.h"
#include "plugin/settings.h"

/* VIF.other_config keys (sriov-cni's names with dashes, xe's style);
 * the saved map uses the same keys, plus "driver". */
#define K_MAC "mac"
#define K_VLAN "vlan"
#define K_QOS "vlan-qos"
#define K_SPOOFCHK "spoofchk"
#define K_TRUST "trust"
#define K_LINK "link-state"
#define K_MIN_RATE "min-tx-rate"
#define K_MAX_RATE "max-tx-rate"

static int parse_mac(const char *s, unsigned char mac[6])
{
    unsigned v[6];
    char end;

    if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2],
                     &v[3], &v[4], &v[5], &end) != 6 || strlen(s) != 17)
        return -EINVAL;
    for (int i = 0; i < 6; i++)
        mac[i] = (unsigned char)v[i];
    return 0;
}

static int parse_uint(const char *s, unsigned max, unsigned *ret)
{
    unsigned long v;
    char *end;

    if (!s || !*s || *s == '-' || *s == '+')
        return -EINVAL;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
        return -EINVAL;
    *ret = (unsigned)v;
    return 0;
}

static int parse_bool(const char *s, int *ret)
{
    static const char *const on[] = { "on", "true", "1", "yes" };
    static const char *const off[] = { "off", "false", "0", "no" };

    for (size_t i = 0; s && i < ELEMENTSOF(on); i++) {
        if (strcasecmp(s, on[i]) == 0)
            return *ret = 1, 0;
        if (strcasecmp(s, off[i]) == 0)
            return *ret = 0, 0;
    }
    return -EINVAL;
}

static int parse_link(const char *s, int *ret)
{
    static const char *const names[] = { "auto", "enable", "disable" };

    for (int i = 0; s && i < 3; i++)
        if (strcasecmp(s, names[i]) == 0)
            return *ret = i, 0;
    return -EINVAL;
}

/* Fill one field of @p cfg from map key @p key of @p field; 0 when the
 * key is absent.  @p why NULL: fail without a message. */
static int take(char *why, size_t why_size, const store_record *vif,
                enum schema_fid field, const char *key, sriov_vf_config *cfg)
{
    const char *s = store_record_map_get(vif, field, key);
    int r = 0;

    if (!s)
        return 0;
    if (strcmp(key, K_MAC) == 0) {
        r = parse_mac(s, cfg->mac);
        cfg->mask |= SRIOV_VF_MAC;
    } else if (strcmp(key, K_VLAN) == 0) {
        r = parse_uint(s, SRIOV_VF_VLAN_MAX, &cfg->vlan);
        cfg->mask |= SRIOV_VF_VLAN;
    } else if (strcmp(key, K_QOS) == 0) {
        r = parse_uint(s, SRIOV_VF_QOS_MAX, &cfg->qos);
        cfg->mask |= SRIOV_VF_QOS;
    } else if (strcmp(key, K_SPOOFCHK) == 0) {
        r = parse_bool(s, &cfg->spoofchk);
        cfg->mask |= SRIOV_VF_SPOOFCHK;
    } else if (strcmp(key, K_TRUST) == 0) {
        r = parse_bool(s, &cfg->trust);
        cfg->mask |= SRIOV_VF_TRUST;
    } else if (strcmp(key, K_LINK) == 0) {
        r = parse_link(s, &cfg->link_state);
        cfg->mask |= SRIOV_VF_LINK_STATE;
    } else if (strcmp(key, K_MIN_RATE) == 0) {
        r = parse_uint(s, UINT_MAX, &cfg->min_tx_rate);
        cfg->mask |= SRIOV_VF_MIN_TX_RATE;
    } else if (strcmp(key, K_MAX_RATE) == 0) {
        r = parse_uint(s, UINT_MAX, &cfg->max_tx_rate);
        cfg->mask |= SRIOV_VF_MAX_TX_RATE;
    }
    if (r < 0 && why)
        snprintf(why, why_size, "VIF %s: %s:%s='%s' is not valid "
                           "(vlan 0-4094, vlan-qos 0-7, spoofchk/trust "
                           "on|off, link-state auto|enable|disable, rates "
                           "in Mbps, mac aa:bb:cc:dd:ee:ff): fix it with "
                 "xe vif-param-set", store_record_uuid(vif),
                 schema_fid_name(field), key, s);
    return r < 0 ? -EINVAL : 0;
}

static const char *const keys[] = {
    K_VLAN, K_QOS, K_SPOOFCHK, K_TRUST, K_LINK, K_MIN_RATE, K_MAX_RATE,
};

int plugin_vif_vf_config(sriov_ctx *ctx, const store_record *vif,
                         sriov_vf_config *ret, char *why, size_t why_size)
{
    sriov_vf_config cfg = SRIOV_VF_CONFIG_INIT;
    const char *type, *kbps;
    unsigned invalid = 0;
    int r;

    if (parse_mac(store_record_get(vif, SF_MAC), cfg.mac) < 0) {
        snprintf(why, why_size, "VIF %s has MAC '%s', not of the form "
                 "aa:bb:cc:dd:ee:ff: recreate the VIF",
                 store_record_uuid(vif), store_record_get(vif, SF_MAC));
        return -EINVAL;
    }
    cfg.mask = SRIOV_VF_MAC | SRIOV_VF_VLAN;     /* untagged by default */

    /* XAPI's rate: qos_algorithm_type=ratelimit, kbps=N ->
     * max(1, N / 1024) Mbps (0: none).  other-config:max-tx-rate wins. */
    type = store_record_get(vif, SF_qos_algorithm_type);
    kbps = store_record_map_get(vif, SF_qos_algorithm_params, "kbps");
    if (type && strcmp(type, "ratelimit") == 0 && kbps) {
        unsigned k;

        if (parse_uint(kbps, UINT_MAX, &k) < 0) {
            snprintf(why, why_size, "VIF %s: qos_algorithm_params:kbps="
                     "'%s' is not a number: fix it with xe vif-param-set",
                     store_record_uuid(vif), kbps);
            return -EINVAL;
        }
        if (k > 0) {
            cfg.max_tx_rate = k / 1024 ? k / 1024 : 1;
            cfg.mask |= SRIOV_VF_MAX_TX_RATE;
        }
    }
    for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
        r = take(why, why_size, vif, SF_other_config, keys[i], &cfg);
        if (r < 0)
            return r;
    }
    if ((cfg.mask & SRIOV_VF_QOS) && cfg.qos && !cfg.vlan) {
        snprintf(why, why_size, "VIF %s: vlan-qos needs a vlan "
                 "(other-config:vlan)", store_record_uuid(vif));
        return -EINVAL;
    }
    r = sriov_vf_config_validate(ctx, &cfg, &invalid);
    if (r < 0) {
        snprintf(why, why_size, "VIF %s: %s", store_record_uuid(vif),
                 sriov_ctx_last_error(ctx));
        return r;
    }
    *ret = cfg;
    return 0;
}

static int put(store_record *vif, const char *key, unsigned v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%u", v);
    return store_record_map_put(vif, SF_vf_saved_config, key, buf);
}

int plugin_vf_config_to_map(const sriov_vf_config *cfg, store_record *vif)
{
    static const char *const link[] = { "auto", "enable", "disable" };
    int r = 0;

    if (cfg->mask & SRIOV_VF_MAC) {
        char mac[18];

        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
                 cfg->mac[0], cfg->mac[1], cfg->mac[2], cfg->mac[3],
                 cfg->mac[4], cfg->mac[5]);
        r = store_record_map_put(vif, SF_vf_saved_config, K_MAC, mac);
    }
    if (r >= 0 && (cfg->mask & SRIOV_VF_VLAN))
        r = put(vif, K_VLAN, cfg->vlan);
    if (r >= 0 && (cfg->mask & SRIOV_VF_QOS))
        r = put(vif, K_QOS, cfg->qos);
    if (r >= 0 && (cfg->mask & SRIOV_VF_SPOOFCHK))
        r = store_record_map_put(vif, SF_vf_saved_config, K_SPOOFCHK,
                                 cfg->spoofchk ? "on" : "off");
    if (r >= 0 && (cfg->mask & SRIOV_VF_TRUST))
        r = store_record_map_put(vif, SF_vf_saved_config, K_TRUST,
                                 cfg->trust ? "on" : "off");
    if (r >= 0 && (cfg->mask & SRIOV_VF_LINK_STATE) &&
        cfg->link_state >= 0 && cfg->link_state <= 2)
        r = store_record_map_put(vif, SF_vf_saved_config, K_LINK,
                                 link[cfg->link_state]);
    if (r >= 0 && (cfg->mask & SRIOV_VF_MIN_TX_RATE))
        r = put(vif, K_MIN_RATE, cfg->min_tx_rate);
    if (r >= 0 && (cfg->mask & SRIOV_VF_MAX_TX_RATE))
        r = put(vif, K_MAX_RATE, cfg->max_tx_rate);
    return r;
}

int plugin_vf_config_from_map(const store_record *vif, sriov_vf_config *ret)
{
    static const char *const all[] = {
        K_MAC, K_VLAN, K_QOS, K_SPOOFCHK, K_TRUST, K_LINK, K_MIN_RATE,
        K_MAX_RATE,
    };
    sriov_vf_config cfg = SRIOV_VF_CONFIG_INIT;

    /* The map was written by plugin_vf_config_to_map(): a value it
     * cannot read back means a damaged store. */
    for (size_t i = 0; i < ELEMENTSOF(all); i++)
        if (take(NULL, 0, vif, SF_vf_saved_config, all[i], &cfg) < 0)
            return -EBADMSG;
    *ret = cfg;
    return 0;
}

unsigned plugin_vf_config_save_mask(const sriov_vf_config *want,
                                    const sriov_vf_config *cur)
{
    unsigned m = want->mask;

    if (m & SRIOV_VF_VLAN)
        m |= SRIOV_VF_QOS;
    return m & cur->mask;
}

unsigned plugin_vf_config_changed(const sriov_vf_config *saved,
                                  const sriov_vf_config *cur)
{
    unsigned m = 0, both = saved->mask & cur->mask;

    m |= saved->mask & ~cur->mask;       /* not reported now: write it */
    if ((both & SRIOV_VF_MAC) && memcmp(saved->mac, cur->mac, 6) != 0)
        m |= SRIOV_VF_MAC;
    if (((both & SRIOV_VF_VLAN) && saved->vlan != cur->vlan) ||
        ((both & SRIOV_VF_QOS) && saved->qos != cur->qos))
        m |= saved->mask & (SRIOV_VF_VLAN | SRIOV_VF_QOS);
    if ((both & SRIOV_VF_SPOOFCHK) && saved->spoofchk != cur->spoofchk)
        m |= SRIOV_VF_SPOOFCHK;
    if ((both & SRIOV_VF_TRUST) && saved->trust != cur->trust)
        m |= SRIOV_VF_TRUST;
    if ((both & SRIOV_VF_LINK_STATE) && saved->link_state != cur->link_state)
        m |= SRIOV_VF_LINK_STATE;
    if ((both & SRIOV_VF_MIN_TX_RATE) &&
        saved->min_tx_rate != cur->min_tx_rate)
        m |= SRIOV_VF_MIN_TX_RATE;
    if ((both & SRIOV_VF_MAX_TX_RATE) &&
        saved->max_tx_rate != cur->max_tx_rate)
        m |= SRIOV_VF_MAX_TX_RATE;
    return m;
}
