/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * In the test VM: the plugin's VF settings on a real driver (netdevsim's
 * VFs in xen-plugin.vmtest, igb's in kernel-igb.vmtest): a VIF's MAC,
 * VLAN+QoS, spoofchk, trust, link state and rates (the XAPI kbps
 * conversion included) set through rtnetlink, what the reservation changes
 * saved as VIF.vf_saved_config and put back from it as the plugin's
 * release does (only what differs now); on igb, which refuses every VF
 * link state, the release still puts back MAC, VLAN and spoofchk; a VIF
 * value out of range and a MAC the driver refuses change nothing.
 *
 * Environment: VM_PF_IF (or VM_NSIM_IF): a PF interface with at least 3
 * VFs.  VF 2 is used.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sriov/sriov.h>

#include "plugin/settings.h"
#include "tests/vm/vm-driver.h"

#define VF 2u
#define IP "/usr/sbin/ip"

static const char *pf;
static const struct vm_driver *drv;
static sriov_ctx *ctx;

static void setup(void)
{
    pf = getenv("VM_PF_IF");
    if (!pf || !*pf)
        pf = getenv("VM_NSIM_IF");
    ck_assert_msg(pf && *pf, "VM_PF_IF is not set");
    drv = vm_driver_of(pf);
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
}

static void teardown(void)
{
    ctx = sriov_ctx_free(ctx);
}

static store_record *vif_new(const char *mac, ...)
{
    store_record *r = NULL;
    const char *k, *v;
    va_list ap;

    ck_assert_int_eq(store_record_new(&r, "VIF"), 0);
    ck_assert_int_eq(store_record_set(r, SF_MAC, mac), 0);
    va_start(ap, mac);
    while ((k = va_arg(ap, const char *))) {
        v = va_arg(ap, const char *);
        ck_assert_int_eq(store_record_map_put(r, SF_other_config, k, v), 0);
    }
    va_end(ap);
    return r;
}

static sriov_vf_config get(void)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;

    ck_assert_msg(sriov_vf_config_get(ctx, pf, VF, &c) == 0, "%s",
                  sriov_ctx_last_error(ctx));
    return c;
}

static void assert_same(const sriov_vf_config *a, const sriov_vf_config *b)
{
    ck_assert_mem_eq(a->mac, b->mac, 6);
    ck_assert_uint_eq(a->vlan, b->vlan);
    ck_assert_uint_eq(a->qos, b->qos);
    if ((a->mask & b->mask & SRIOV_VF_SPOOFCHK))
        ck_assert_int_eq(a->spoofchk, b->spoofchk);
    if ((a->mask & b->mask & SRIOV_VF_TRUST))
        ck_assert_int_eq(a->trust, b->trust);
    ck_assert_int_eq(a->link_state, b->link_state);
    ck_assert_uint_eq(a->min_tx_rate, b->min_tx_rate);
    ck_assert_uint_eq(a->max_tx_rate, b->max_tx_rate);
}

/* `ip link show` prints "vf 2     link/ether MAC ..., vlan N, qos Q". */
static bool ip_shows(const char *needle)
{
    char cmd[256], line[1024];
    bool found = false;
    FILE *p;

    snprintf(cmd, sizeof(cmd), IP " link show dev %s", pf);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    while (fgets(line, sizeof(line), p))
        if (strstr(line, "vf 2 ") && strstr(line, needle))
            found = true;
    pclose(p);
    return found;
}

/* As the plugin: save what @p want changes of @p orig into a VIF record
 * (freed by the caller), then apply @p want. */
static store_record *reserve(const sriov_vf_config *orig,
                             const sriov_vf_config *want)
{
    sriov_vf_config save = *orig;
    store_record *saved = NULL;
    unsigned failed = 0;
    int r;

    save.mask = plugin_vf_config_save_mask(want, orig);
    ck_assert_int_eq(store_record_new(&saved, "VIF"), 0);
    ck_assert_int_eq(plugin_vf_config_to_map(&save, saved), 0);
    r = sriov_vf_config_apply(ctx, pf, VF, want, &failed);
    ck_assert_msg(r == 0, "apply on %s VF %u: %d %s", pf, VF, r,
                  sriov_ctx_last_error(ctx));
    return saved;
}

/* As the plugin's release: put back the saved settings that differ from
 * the VF's now. */
static void release(const store_record *saved)
{
    sriov_vf_config back, now = get();
    unsigned failed = 0;
    int r;

    ck_assert_int_eq(plugin_vf_config_from_map(saved, &back), 0);
    back.mask = plugin_vf_config_changed(&back, &now);
    ck_assert_uint_ne(back.mask, 0);
    r = sriov_vf_config_apply(ctx, pf, VF, &back, &failed);
    ck_assert_msg(r == 0, "restore on %s VF %u: %d %s", pf, VF, r,
                  sriov_ctx_last_error(ctx));
}

START_TEST(test_vif_settings_applied_and_restored)
{
    sriov_vf_config orig = get(), want, got;
    store_record *vif, *saved;
    char why[512] = "";

    /* Every setting the driver has (igb: no link state, no minimum). */
    vif = vif_new("02:16:3e:00:00:42", "vlan", "100", "vlan-qos", "3",
                  "spoofchk", "off", "trust", "on", NULL);
    if (!drv->link_state_errno)
        ck_assert_int_eq(store_record_map_put(vif, SF_other_config,
                                              "link-state", "disable"), 0);
    if (!drv->min_rate_errno)
        ck_assert_int_eq(store_record_map_put(vif, SF_other_config,
                                              "min-tx-rate", "10"), 0);
    ck_assert_int_eq(store_record_set(vif, SF_qos_algorithm_type,
                                      "ratelimit"), 0);
    ck_assert_int_eq(store_record_map_put(vif, SF_qos_algorithm_params,
                                          "kbps", "204800"), 0);
    ck_assert_msg(plugin_vif_vf_config(ctx, vif, &want, why,
                                       sizeof(why)) == 0, "%s", why);
    ck_assert_uint_eq(want.max_tx_rate, 200);       /* 204800 / 1024 */

    saved = reserve(&orig, &want);
    got = get();
    assert_same(&got, &want);
    ck_assert(ip_shows("02:16:3e:00:00:42"));
    ck_assert(ip_shows("vlan 100"));

    release(saved);
    got = get();
    assert_same(&got, &orig);
    ck_assert(!ip_shows("vlan 100"));
    store_record_free(vif);
    store_record_free(saved);
}
END_TEST

/* The release of a VIF with a MAC, VLAN 100 and spoofchk off on a driver
 * that refuses link state (igb): MAC, VLAN and spoofchk are back.  Writing
 * back every setting the driver reports, link-state "auto" included, is
 * refused there and undoes the rest: the VM's MAC and VLAN would stay. */
START_TEST(test_release_puts_back_mac_vlan_spoofchk)
{
    sriov_vf_config orig = get(), want, got, all;
    store_record *vif, *saved;
    unsigned failed = 0;
    char why[512] = "";

    vif = vif_new("02:16:3e:00:00:45", "vlan", "100", "spoofchk", "off",
                  NULL);
    ck_assert_msg(plugin_vif_vf_config(ctx, vif, &want, why,
                                       sizeof(why)) == 0, "%s", why);
    saved = reserve(&orig, &want);
    ck_assert_msg(ip_shows("02:16:3e:00:00:45") && ip_shows("vlan 100"),
                  "the VIF's MAC and VLAN 100 are not on %s VF %u", pf, VF);
    /* Only what the VIF set is saved: no link state. */
    ck_assert_ptr_null(store_record_map_get(saved, SF_vf_saved_config,
                                            "link-state"));

    if (drv->link_state_errno) {
        all = orig;                     /* every field, as read */
        ck_assert_int_eq(sriov_vf_config_apply(ctx, pf, VF, &all, &failed),
                         -drv->link_state_errno);
        ck_assert_uint_eq(failed, SRIOV_VF_LINK_STATE);
        ck_assert(ip_shows("02:16:3e:00:00:45") && ip_shows("vlan 100"));
    }

    release(saved);
    got = get();
    ck_assert_mem_eq(got.mac, orig.mac, 6);
    ck_assert_uint_eq(got.vlan, orig.vlan);
    ck_assert_uint_eq(got.qos, orig.qos);
    ck_assert_int_eq(got.spoofchk, orig.spoofchk);
    ck_assert_msg(!ip_shows("02:16:3e:00:00:45") && !ip_shows("vlan 100"),
                  "the VIF's MAC or VLAN 100 is still on %s VF %u", pf, VF);
    store_record_free(vif);
    store_record_free(saved);
}
END_TEST

/* A VIF asking for a link state the driver lacks: refused with the
 * driver's errno, naming the setting and the VF; nothing changed. */
START_TEST(test_vif_link_state_refused_changes_nothing)
{
    sriov_vf_config before = get(), want, after;
    store_record *vif;
    unsigned failed = 0;
    char why[512] = "", who[64];

    if (!drv->link_state_errno)
        return;                         /* the driver takes it */
    vif = vif_new("02:16:3e:00:00:46", "vlan", "200", "link-state",
                  "enable", NULL);
    ck_assert_msg(plugin_vif_vf_config(ctx, vif, &want, why,
                                       sizeof(why)) == 0, "%s", why);
    ck_assert_int_eq(sriov_vf_config_apply(ctx, pf, VF, &want, &failed),
                     -drv->link_state_errno);
    ck_assert_uint_eq(failed, SRIOV_VF_LINK_STATE);
    snprintf(who, sizeof(who), "%s VF %u: the driver refused link-state "
             "enable", pf, VF);
    ck_assert_msg(strstr(sriov_ctx_last_error(ctx), who), "%s",
                  sriov_ctx_last_error(ctx));
    after = get();
    assert_same(&after, &before);
    ck_assert(!ip_shows("vlan 200"));
    store_record_free(vif);
}
END_TEST

START_TEST(test_bad_vif_value_touches_nothing)
{
    sriov_vf_config before = get(), want, after;
    store_record *vif = vif_new("02:16:3e:00:00:43", "vlan", "5000", NULL);
    char why[512] = "";

    ck_assert_int_eq(plugin_vif_vf_config(ctx, vif, &want, why,
                                          sizeof(why)), -EINVAL);
    ck_assert_msg(strstr(why, "vlan") && strstr(why, "5000") &&
                  strstr(why, "vif-param-set"), "%s", why);
    after = get();
    assert_same(&after, &before);
    store_record_free(vif);
}
END_TEST

START_TEST(test_refused_mac_changes_nothing)
{
    sriov_vf_config before = get(), want, after;
    /* A multicast MAC: the driver refuses it (-EINVAL), after the VLAN
     * was sent first: libsriov puts the VLAN back. */
    store_record *vif = vif_new("03:00:00:00:00:44", "vlan", "300", NULL);
    unsigned failed = 0;
    char why[512] = "";

    ck_assert_int_eq(plugin_vif_vf_config(ctx, vif, &want, why,
                                          sizeof(why)), 0);
    ck_assert_int_eq(sriov_vf_config_apply(ctx, pf, VF, &want, &failed),
                     -EINVAL);
    ck_assert(failed & SRIOV_VF_MAC);
    after = get();
    assert_same(&after, &before);
    ck_assert(!ip_shows("vlan 300"));
    store_record_free(vif);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vm-plugin-settings");
    TCase *tc = tcase_create("vf");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_vif_settings_applied_and_restored);
    tcase_add_test(tc, test_release_puts_back_mac_vlan_spoofchk);
    tcase_add_test(tc, test_vif_link_state_refused_changes_nothing);
    tcase_add_test(tc, test_bad_vif_value_touches_nothing);
    tcase_add_test(tc, test_refused_mac_changes_nothing);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
