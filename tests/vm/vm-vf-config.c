/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * In the test VM: VF settings through libsriov on a real driver's VF ndo
 * ops (netdevsim's VFs in kernel.vmtest, igb's in kernel-igb.vmtest), read
 * back through libsriov and compared with what iproute2's
 * `ip -j link show` reports; what the driver refuses (vm-driver.h) comes
 * back as an error naming the setting and the VF, and changes nothing.
 *
 * Environment: VM_PF_IF (the PF interface, 4 VFs); VM_NSIM_DEVLINK (a
 * netdevsim's devlink handle, e.g. netdevsim/netdevsim1: the switchdev
 * checks run only with it).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sriov/sriov.h>

#include "tests/vm/vm-driver.h"

#define IP "/usr/sbin/ip"            /* iproute2, not busybox's ip */
#define DEVLINK "/usr/sbin/devlink"

static const char *pf;
static const struct vm_driver *drv;
static sriov_ctx *ctx;

static void setup(void)
{
    pf = getenv("VM_PF_IF");
    ck_assert_msg(pf && *pf, "VM_PF_IF is not set");
    drv = vm_driver_of(pf);
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
}

static void teardown(void)
{
    ctx = sriov_ctx_free(ctx);
}

/* The vfinfo_list entry of VF @vf in `ip -j link show dev PF`. */
static json_object *ip_vf(unsigned vf)
{
    char cmd[256], buf[65536];
    json_object *root, *list, *found = NULL;
    size_t len;
    FILE *p;

    snprintf(cmd, sizeof(cmd), IP " -j link show dev %s", pf);
    p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    len = fread(buf, 1, sizeof(buf) - 1, p);
    buf[len] = '\0';
    ck_assert_int_eq(pclose(p), 0);
    root = json_tokener_parse(buf);
    ck_assert_msg(root != NULL, "ip -j printed no JSON: %s", buf);
    ck_assert(json_object_object_get_ex(json_object_array_get_idx(root, 0),
                                        "vfinfo_list", &list));
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *e = json_object_array_get_idx(list, i), *n;

        if (json_object_object_get_ex(e, "vf", &n) &&
            json_object_get_int(n) == (int)vf)
            found = json_object_get(e);
    }
    json_object_put(root);
    ck_assert_msg(found != NULL, "ip shows no vf %u on %s", vf, pf);
    return found;
}

static long ip_int(json_object *o, const char *k1, const char *k2)
{
    json_object *v;

    if (!json_object_object_get_ex(o, k1, &v))
        return 0;
    if (json_object_is_type(v, json_type_array))
        v = json_object_array_get_idx(v, 0);   /* vlan_list: [ {...} ] */
    if (k2 && !json_object_object_get_ex(v, k2, &v))
        return 0;                              /* ip leaves zeros out */
    return json_object_get_int64(v);
}

static const char *ip_str(json_object *o, const char *k)
{
    json_object *v;

    ck_assert(json_object_object_get_ex(o, k, &v));
    return json_object_get_string(v);
}

static int ip_bool(json_object *o, const char *k)
{
    json_object *v;

    ck_assert(json_object_object_get_ex(o, k, &v));
    return json_object_get_boolean(v);
}

/* libsriov's view of VF @vf equals @want and iproute2's view. */
static void assert_vf(unsigned vf, const sriov_vf_config *want)
{
    static const char *const states[] = { "auto", "enable", "disable" };
    sriov_vf_config got = SRIOV_VF_CONFIG_INIT;
    json_object *o;
    char mac[18];

    ck_assert_int_eq(sriov_vf_config_get(ctx, pf, vf, &got), 0);
    ck_assert_uint_eq(got.mask, SRIOV_VF_ALL);   /* netdevsim, igb: all */
    ck_assert_int_eq(memcmp(got.mac, want->mac, 6), 0);
    ck_assert_uint_eq(got.vlan, want->vlan);
    ck_assert_uint_eq(got.qos, want->qos);
    ck_assert_int_eq(got.spoofchk, want->spoofchk);
    ck_assert_int_eq(got.trust, want->trust);
    ck_assert_int_eq(got.link_state, want->link_state);
    ck_assert_uint_eq(got.min_tx_rate, want->min_tx_rate);
    ck_assert_uint_eq(got.max_tx_rate, want->max_tx_rate);

    o = ip_vf(vf);
    snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", got.mac[0],
             got.mac[1], got.mac[2], got.mac[3], got.mac[4], got.mac[5]);
    ck_assert_str_eq(ip_str(o, "address"), mac);
    ck_assert_int_eq(ip_int(o, "vlan_list", "vlan"), got.vlan);
    ck_assert_int_eq(ip_int(o, "vlan_list", "qos"), got.qos);
    ck_assert_int_eq(ip_int(o, "rate", "max_tx"), got.max_tx_rate);
    ck_assert_int_eq(ip_int(o, "rate", "min_tx"), got.min_tx_rate);
    ck_assert_int_eq(ip_bool(o, "spoofchk"), got.spoofchk);
    ck_assert_int_eq(ip_bool(o, "trust"), got.trust);
    ck_assert_str_eq(ip_str(o, "link_state"), states[got.link_state]);
    json_object_put(o);
}

/* Apply @c; expect @rc and @failed. */
static void apply(unsigned vf, const sriov_vf_config *c, int rc,
                  unsigned failed)
{
    unsigned f = 0xdead;
    int r = sriov_vf_config_apply(ctx, pf, vf, c, &f);

    ck_assert_msg(r == rc, "apply on %s vf %u: %d, not %d: %s", pf, vf, r,
                  rc, sriov_ctx_last_error(ctx));
    ck_assert_uint_eq(f, failed);
}

/* The last error names the VF and the refused setting (@p what). */
static void refused(unsigned vf, const char *what, int err)
{
    char who[64];

    snprintf(who, sizeof(who), "%s VF %u: the driver refused %s", pf, vf,
             what);
    ck_assert_msg(strstr(sriov_ctx_last_error(ctx), who) &&
                  strstr(sriov_ctx_last_error(ctx), strerror(err)),
                  "'%s: %s' not in '%s'", who, strerror(err),
                  sriov_ctx_last_error(ctx));
}

static sriov_vf_config current(unsigned vf)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;

    ck_assert_int_eq(sriov_vf_config_get(ctx, pf, vf, &c), 0);
    return c;
}

START_TEST(test_vf_config_get_fresh_vf)
{
    sriov_vf_config want = SRIOV_VF_CONFIG_INIT;

    /* A new VF: zero MAC (igb too, though igbvf gave its interface a
     * random one), no VLAN, no trust, link auto, no rates; spoof checking
     * as the driver starts it (netdevsim off, igb on). */
    want.spoofchk = drv->spoofchk;
    assert_vf(0, &want);
}
END_TEST

START_TEST(test_vf_config_set_mac)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT, want = current(1);
    static const unsigned char mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

    memcpy(c.mac, mac, 6);
    c.mask = SRIOV_VF_MAC;
    apply(1, &c, 0, 0);
    memcpy(want.mac, mac, 6);
    assert_vf(1, &want);
}
END_TEST

START_TEST(test_vf_config_set_vlan_qos)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT, want = current(1);

    c.vlan = 100;
    c.qos = 3;
    c.mask = SRIOV_VF_VLAN | SRIOV_VF_QOS;
    apply(1, &c, 0, 0);
    want.vlan = 100;
    want.qos = 3;
    assert_vf(1, &want);

    /* A VLAN alone keeps the priority... */
    c.vlan = 200;
    c.mask = SRIOV_VF_VLAN;
    apply(1, &c, 0, 0);
    want.vlan = 200;
    assert_vf(1, &want);

    /* ...and untagging drops it. */
    c.vlan = 0;
    apply(1, &c, 0, 0);
    want.vlan = 0;
    want.qos = 0;
    assert_vf(1, &want);
}
END_TEST

START_TEST(test_vf_config_set_spoofchk_trust)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT, want = current(1);

    c.spoofchk = 1;
    c.trust = 1;
    c.mask = SRIOV_VF_SPOOFCHK | SRIOV_VF_TRUST;
    apply(1, &c, 0, 0);
    want.spoofchk = 1;
    want.trust = 1;
    assert_vf(1, &want);
    c.spoofchk = 0;
    c.mask = SRIOV_VF_SPOOFCHK;
    apply(1, &c, 0, 0);
    want.spoofchk = 0;
    assert_vf(1, &want);
}
END_TEST

START_TEST(test_vf_config_set_link_state)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT, want = current(1);
    static const int states[] = {
        SRIOV_VF_LINK_ENABLE, SRIOV_VF_LINK_DISABLE, SRIOV_VF_LINK_AUTO,
    };
    static const char *const names[] = { "auto", "enable", "disable" };

    c.mask = SRIOV_VF_LINK_STATE;
    for (size_t i = 0; i < 3; i++) {
        char what[32];

        c.link_state = states[i];
        if (!drv->link_state_errno) {
            apply(1, &c, 0, 0);
            want.link_state = states[i];
        } else {
            /* igb has no VF link state: refused whatever the value, even
             * the "auto" it reports. */
            apply(1, &c, -drv->link_state_errno, SRIOV_VF_LINK_STATE);
            snprintf(what, sizeof(what), "link-state %s", names[states[i]]);
            refused(1, what, drv->link_state_errno);
        }
        assert_vf(1, &want);
    }
}
END_TEST

/* A refused link state undoes what went before it in the same call. */
START_TEST(test_vf_config_refused_link_state_keeps_the_rest)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT, want = current(3);
    static const unsigned char mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x03 };

    if (!drv->link_state_errno)
        return;                         /* the driver takes it */
    memcpy(c.mac, mac, 6);
    c.vlan = 55;
    c.qos = 2;
    c.spoofchk = !want.spoofchk;
    c.trust = 1;
    c.link_state = SRIOV_VF_LINK_ENABLE;
    c.mask = SRIOV_VF_MAC | SRIOV_VF_VLAN | SRIOV_VF_QOS | SRIOV_VF_SPOOFCHK |
             SRIOV_VF_TRUST | SRIOV_VF_LINK_STATE;
    apply(3, &c, -drv->link_state_errno, SRIOV_VF_LINK_STATE);
    refused(3, "link-state enable", drv->link_state_errno);
    assert_vf(3, &want);
}
END_TEST

START_TEST(test_vf_config_set_rates)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT, want = current(1);

    c.min_tx_rate = 100;
    c.max_tx_rate = 1000;
    c.mask = SRIOV_VF_RATES;
    if (drv->min_rate_errno) {
        /* igb takes no minimum: the rates are refused (a warning for
         * the caller), nothing changed. */
        apply(1, &c, SRIOV_VF_RATE_REFUSED, SRIOV_VF_RATES);
        ck_assert_int_eq(sriov_ctx_last_errno(ctx), -drv->min_rate_errno);
        refused(1, "min_tx_rate 100 max_tx_rate 1000", drv->min_rate_errno);
        assert_vf(1, &want);
        c.min_tx_rate = 0;
    }
    apply(1, &c, 0, 0);
    want.min_tx_rate = c.min_tx_rate;
    want.max_tx_rate = 1000;
    assert_vf(1, &want);

    /* One rate alone keeps the other. */
    c.max_tx_rate = 500;
    c.mask = SRIOV_VF_MAX_TX_RATE;
    apply(1, &c, 0, 0);
    want.max_tx_rate = 500;
    assert_vf(1, &want);

    if (drv->max_rate != UINT_MAX) {
        /* Above the link speed (igb: 1000 Mbps): refused, kept. */
        c.max_tx_rate = drv->max_rate + 1;
        apply(1, &c, SRIOV_VF_RATE_REFUSED, SRIOV_VF_MAX_TX_RATE);
        assert_vf(1, &want);
    }
    if (!drv->min_rate_errno) {
        /* A limit below the current minimum is refused before the
         * kernel. */
        c.max_tx_rate = 50;
        apply(1, &c, -EINVAL, SRIOV_VF_MAX_TX_RATE);
        ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx),
                                     "set both"));
        assert_vf(1, &want);
    }
}
END_TEST

START_TEST(test_vf_config_set_everything)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;
    static const unsigned char mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x02 };

    memcpy(c.mac, mac, 6);
    c.vlan = 4094;
    c.qos = 7;
    c.spoofchk = 1;
    c.trust = 1;
    c.link_state = SRIOV_VF_LINK_DISABLE;
    c.min_tx_rate = 10;
    c.max_tx_rate = drv->max_rate < 10000 ? drv->max_rate : 10000;
    c.mask = SRIOV_VF_ALL;
    /* Everything the driver has (igb: no link state, no minimum). */
    if (drv->link_state_errno) {
        c.mask &= ~SRIOV_VF_LINK_STATE;
        c.link_state = SRIOV_VF_LINK_AUTO;
    }
    if (drv->min_rate_errno) {
        c.mask &= ~SRIOV_VF_MIN_TX_RATE;
        c.min_tx_rate = 0;
    }
    apply(2, &c, 0, 0);
    assert_vf(2, &c);
}
END_TEST

START_TEST(test_vf_config_refused_mac_undoes_vlan)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT, want;
    static const unsigned char mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };

    c.vlan = 10;
    c.mask = SRIOV_VF_VLAN;
    apply(3, &c, 0, 0);
    want = current(3);

    /* The VLAN goes in first, then the driver refuses a multicast MAC:
     * the VLAN is put back and the kernel's errno comes out. */
    c.vlan = 300;
    memcpy(c.mac, mcast, 6);
    c.mask = SRIOV_VF_VLAN | SRIOV_VF_MAC;
    apply(3, &c, -EINVAL, SRIOV_VF_MAC);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx),
                                 "refused mac 01:00:5e:00:00:01"));
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), pf));
    assert_vf(3, &want);
}
END_TEST

START_TEST(test_vf_config_missing_vf_and_interface)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;

    ck_assert_int_eq(sriov_vf_config_get(ctx, pf, 4, &c), -ENOENT);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "has 4 VFs"));
    c.mask = SRIOV_VF_TRUST;
    apply(9, &c, -ENOENT, 0);
    ck_assert_int_eq(sriov_vf_config_get(ctx, "nosuch0", 0, &c), -ENODEV);
}
END_TEST

static int devlink_mode(const char *mode)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), DEVLINK " dev eswitch set %s mode %s",
             getenv("VM_NSIM_DEVLINK"), mode);
    return system(cmd);
}

static void legacy_mode(void)
{
    devlink_mode("legacy");
    teardown();
}

START_TEST(test_vf_config_rate_refused_is_a_warning)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT, want = current(2);

    /* netdevsim refuses VF rates in switchdev mode (-EOPNOTSUPP). */
    ck_assert_int_eq(devlink_mode("switchdev"), 0);
    c.vlan = 42;
    c.max_tx_rate = 300;
    c.mask = SRIOV_VF_VLAN | SRIOV_VF_MAX_TX_RATE;
    apply(2, &c, SRIOV_VF_RATE_REFUSED, SRIOV_VF_MAX_TX_RATE);
    ck_assert_int_eq(sriov_ctx_last_errno(ctx), -EOPNOTSUPP);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "max_tx_rate 300"));
    /* The VLAN stays: only the rate was refused. */
    want.vlan = 42;
    assert_vf(2, &want);
}
END_TEST

static Suite *vm_vf_config_suite(void)
{
    Suite *s = suite_create("vm-vf-config");
    TCase *tc = tcase_create("vf");
    TCase *tr = tcase_create("switchdev");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_vf_config_get_fresh_vf);
    tcase_add_test(tc, test_vf_config_set_mac);
    tcase_add_test(tc, test_vf_config_set_vlan_qos);
    tcase_add_test(tc, test_vf_config_set_spoofchk_trust);
    tcase_add_test(tc, test_vf_config_set_link_state);
    tcase_add_test(tc, test_vf_config_refused_link_state_keeps_the_rest);
    tcase_add_test(tc, test_vf_config_set_rates);
    tcase_add_test(tc, test_vf_config_set_everything);
    tcase_add_test(tc, test_vf_config_refused_mac_undoes_vlan);
    tcase_add_test(tc, test_vf_config_missing_vf_and_interface);
    suite_add_tcase(s, tc);
    if (getenv("VM_NSIM_DEVLINK")) {
        tcase_add_checked_fixture(tr, setup, legacy_mode);
        tcase_add_test(tr, test_vf_config_rate_refused_is_a_warning);
        suite_add_tcase(s, tr);
    }
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vm_vf_config_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
