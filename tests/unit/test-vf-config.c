/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF settings without a NIC: init, validation, errno mapping, VF lookup. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/errno.h>

#include "libsriov/internal.h"

static sriov_ctx *ctx;
static char root[PATH_MAX];

/* mkdir -p under root */
static void mkdirs(const char *rel)
{
    char path[PATH_MAX];

    for (size_t i = 1; i <= strlen(rel); i++) {
        if (rel[i] != '/' && rel[i] != '\0')
            continue;
        ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%.*s", root,
                                  (int)i, rel), (int)sizeof(path));
        ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
    }
}

static void link_at(const char *rel, const char *target)
{
    char path[PATH_MAX];

    ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", root, rel),
                     (int)sizeof(path));
    ck_assert_int_eq(symlink(target, path), 0);
}

#define DEV "sys/bus/pci/devices/"
/* The last error names @s. */
#define ERR_HAS(s) ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), (s)))

/*
 * An X710-like PF 0000:03:00.0 (interface eth2) with VFs 03:10.0 and
 * 03:10.2, and an NVMe PF 0000:01:00.0 with VF 01:00.1 and no netdev, as
 * the kernel lays them out (virtfn<N> and physfn links).
 */
static void setup(void)
{
    const char *tmp = getenv("TMPDIR");

    ck_assert_int_lt(snprintf(root, sizeof(root), "%s/test-vf-config.XXXXXX",
                              tmp ? tmp : P_tmpdir), (int)sizeof(root));
    ck_assert_ptr_nonnull(mkdtemp(root));
    mkdirs(DEV "0000:03:00.0/net/eth2");
    mkdirs(DEV "0000:03:10.0");
    mkdirs(DEV "0000:03:10.2");
    mkdirs("sys/bus/pci/drivers/i40e");
    link_at(DEV "0000:03:00.0/driver", "../../../bus/pci/drivers/i40e");
    link_at(DEV "0000:03:00.0/virtfn0", "../0000:03:10.0");
    link_at(DEV "0000:03:00.0/virtfn1", "../0000:03:10.2");
    link_at(DEV "0000:03:10.0/physfn", "../0000:03:00.0");
    link_at(DEV "0000:03:10.2/physfn", "../0000:03:00.0");
    mkdirs(DEV "0000:01:00.0");
    mkdirs(DEV "0000:01:00.1");
    mkdirs("sys/bus/pci/drivers/nvme");
    link_at(DEV "0000:01:00.0/driver", "../../../bus/pci/drivers/nvme");
    link_at(DEV "0000:01:00.0/virtfn0", "../0000:01:00.1");
    link_at(DEV "0000:01:00.1/physfn", "../0000:01:00.0");
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, root), 0);
}

static void teardown(void)
{
    char cmd[PATH_MAX + 16];

    ctx = sriov_ctx_free(ctx);
    ck_assert_int_lt(snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root),
                     (int)sizeof(cmd));
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_vf_config_init_defaults)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;
    static const unsigned char zero[6];

    ck_assert_uint_eq(c.version, SRIOV_VF_CONFIG_VERSION);
    ck_assert_uint_eq(c.mask, 0);
    ck_assert_int_eq(memcmp(c.mac, zero, 6), 0);
    ck_assert_uint_eq(c.vlan, 0);
    ck_assert_int_eq(c.link_state, SRIOV_VF_LINK_AUTO);
    ck_assert_uint_eq(c.max_tx_rate, 0);
    /* An initialised struct with nothing masked is valid. */
    ck_assert_int_eq(sriov_vf_config_validate(ctx, &c, NULL), 0);
}
END_TEST

START_TEST(test_vf_config_field_names)
{
    ck_assert_str_eq(sriov_vf_field_name(SRIOV_VF_MAC), "mac");
    ck_assert_str_eq(sriov_vf_field_name(SRIOV_VF_QOS), "qos");
    ck_assert_str_eq(sriov_vf_field_name(SRIOV_VF_LINK_STATE), "link_state");
    ck_assert_str_eq(sriov_vf_field_name(SRIOV_VF_MAX_TX_RATE), "max_tx_rate");
    ck_assert_ptr_null(sriov_vf_field_name(SRIOV_VF_RATES));
    ck_assert_ptr_null(sriov_vf_field_name(0));
    ck_assert_ptr_null(sriov_vf_field_name(1u << 8));
}
END_TEST

START_TEST(test_vf_config_validate_ranges)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;
    unsigned bad = 0xdead;

    c.mask = SRIOV_VF_ALL;
    c.vlan = SRIOV_VF_VLAN_MAX;
    c.qos = SRIOV_VF_QOS_MAX;
    c.spoofchk = 1;
    c.link_state = SRIOV_VF_LINK_DISABLE;
    c.min_tx_rate = 100;
    c.max_tx_rate = 100;
    ck_assert_int_eq(sriov_vf_config_validate(ctx, &c, &bad), 0);
    ck_assert_uint_eq(bad, 0);

    c.vlan = 4095;
    ck_assert_int_eq(sriov_vf_config_validate(ctx, &c, &bad), -EINVAL);
    ck_assert_uint_eq(bad, SRIOV_VF_VLAN);
    ERR_HAS("VLAN 4095");
    ERR_HAS("0 (untagged) to 4094");

    /* Every invalid field is reported; the message names the first. */
    c.qos = 8;
    c.trust = 2;
    c.link_state = 3;
    c.min_tx_rate = 200;
    ck_assert_int_eq(sriov_vf_config_validate(ctx, &c, &bad), -EINVAL);
    ck_assert_uint_eq(bad, SRIOV_VF_VLAN | SRIOV_VF_QOS | SRIOV_VF_TRUST |
                      SRIOV_VF_LINK_STATE | SRIOV_VF_RATES);
    ERR_HAS("VLAN 4095");
    ck_assert_int_eq(sriov_ctx_last_errno(ctx), -EINVAL);

    /* Unmasked fields are not looked at. */
    c.mask = SRIOV_VF_MAC | SRIOV_VF_SPOOFCHK;
    ck_assert_int_eq(sriov_vf_config_validate(ctx, &c, &bad), 0);
    ck_assert_uint_eq(bad, 0);

    /* max_tx_rate 0 means no limit: any minimum goes with it. */
    c.mask = SRIOV_VF_RATES;
    c.max_tx_rate = 0;
    ck_assert_int_eq(sriov_vf_config_validate(ctx, &c, NULL), 0);
}
END_TEST

START_TEST(test_vf_config_validate_version_and_mask)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;
    unsigned bad = 0;

    c.mask = SRIOV_VF_MAC;
    c.version = 0;
    ck_assert_int_eq(sriov_vf_config_validate(ctx, &c, &bad), -EINVAL);
    ck_assert_uint_eq(bad, SRIOV_VF_MAC);
    ERR_HAS("SRIOV_VF_CONFIG_INIT");

    c.version = SRIOV_VF_CONFIG_VERSION;
    c.mask = SRIOV_VF_MAC | (1u << 12);
    ck_assert_int_eq(sriov_vf_config_validate(ctx, &c, &bad), -EINVAL);
    ck_assert_uint_eq(bad, 1u << 12);
    ERR_HAS("0x1000");
}
END_TEST

START_TEST(test_vf_config_apply_validates_first)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;
    unsigned failed = 0;

    /* Invalid input fails before any interface is looked up. */
    c.mask = SRIOV_VF_QOS | SRIOV_VF_MAC;
    c.qos = 9;
    ck_assert_int_eq(sriov_vf_config_apply(ctx, "no-such-if0", 0, &c, &failed),
                     -EINVAL);
    ck_assert_uint_eq(failed, SRIOV_VF_QOS);
    ERR_HAS("QoS 9");
    ck_assert_int_eq(sriov_vf_config_apply(ctx, NULL, 0, &c, NULL), -EINVAL);
    ck_assert_int_eq(sriov_vf_config_apply(ctx, "lo", 0, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_vf_config_nl_errno)
{
    ck_assert_int_eq(sriov__nl_errno(-NLE_BUSY), -EBUSY);
    ck_assert_int_eq(sriov__nl_errno(NLE_RANGE), -ERANGE);
    ck_assert_int_eq(sriov__nl_errno(-NLE_OPNOTSUPP), -EOPNOTSUPP);
    ck_assert_int_eq(sriov__nl_errno(-NLE_PERM), -EPERM);
    ck_assert_int_eq(sriov__nl_errno(-NLE_NODEV), -ENODEV);
    ck_assert_int_eq(sriov__nl_errno(-NLE_NOMEM), -ENOMEM);
    ck_assert_int_eq(sriov__nl_errno(-NLE_FAILURE), -EIO);
    ck_assert_int_eq(sriov__nl_errno(-1000), -EIO);
    ck_assert_int_eq(sriov__nl_errno(0), 0);
}
END_TEST

START_TEST(test_vf_config_get_interface_errors)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT, out = SRIOV_VF_CONFIG_INIT;

    /* Any Linux host has rtnetlink and lo, and lo has no VFs. */
    out.vlan = 77;
    ck_assert_int_eq(sriov_vf_config_get(ctx, "no-such-if0", 0, &out), -ENODEV);
    ERR_HAS("'no-such-if0'");
    ck_assert_int_eq(sriov_vf_config_get(ctx, "lo", 0, &out), -ENOENT);
    ERR_HAS("lo has no VFs");
    ck_assert_uint_eq(out.vlan, 77);       /* untouched on failure */
    c.mask = SRIOV_VF_VLAN;
    c.vlan = 5;
    ck_assert_int_eq(sriov_vf_config_apply(ctx, "lo", 0, &c, NULL), -ENOENT);
}
END_TEST

static int locate(const char *bdf, char **ifname, unsigned *idx)
{
    return sriov_vf_locate(ctx, bdf, ifname, idx);
}

START_TEST(test_vf_config_locate)
{
    char *ifname = NULL;
    unsigned idx = 99;

    ck_assert_int_eq(sriov_vf_locate(ctx, "0000:03:10.2", &ifname, &idx), 0);
    ck_assert_str_eq(ifname, "eth2");
    ck_assert_uint_eq(idx, 1);
    free(ifname);
    ifname = NULL;
    ck_assert_int_eq(sriov_vf_locate(ctx, "0000:03:10.0", &ifname, &idx), 0);
    ck_assert_uint_eq(idx, 0);
    free(ifname);
    ifname = NULL;

    /* A PF with two interfaces: the first by name. */
    mkdirs(DEV "0000:03:00.0/net/eth10");
    mkdirs(DEV "0000:03:00.0/net/enp3s0f0");
    ck_assert_int_eq(sriov_vf_locate(ctx, "0000:03:10.0", &ifname, &idx), 0);
    ck_assert_str_eq(ifname, "enp3s0f0");
    free(ifname);
}
END_TEST

START_TEST(test_vf_config_locate_errors)
{
    char *ifname = NULL;
    unsigned idx = 99;

    ck_assert_int_eq(locate("0000:01:00.1", &ifname, &idx), -ENODEV);
    ERR_HAS("driver nvme");
    ck_assert_int_eq(locate("0000:03:00.0", &ifname, &idx), -EINVAL);
    ERR_HAS("not an SR-IOV VF");
    ck_assert_int_eq(locate("0000:09:00.0", &ifname, &idx), -ENOENT);
    ERR_HAS("lspci");
    ck_assert_int_eq(locate("03:10.0", &ifname, &idx), -EINVAL);
    ERR_HAS("0000:03:10.1");
    ck_assert_ptr_null(ifname);
    ck_assert_uint_eq(idx, 99);

    /* A VF whose PF lost its virtfn link (VFs being removed). */
    mkdirs(DEV "0000:03:10.4");
    link_at(DEV "0000:03:10.4/physfn", "../0000:03:00.0");
    ck_assert_int_eq(locate("0000:03:10.4", &ifname, &idx), -ENOENT);
    ERR_HAS("no virtfn link");
    ck_assert_ptr_null(ifname);
}
END_TEST

static Suite *vf_config_suite(void)
{
    Suite *s = suite_create("vf-config");
    TCase *tc = tcase_create("struct");
    TCase *tl = tcase_create("locate");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_vf_config_init_defaults);
    tcase_add_test(tc, test_vf_config_field_names);
    tcase_add_test(tc, test_vf_config_validate_ranges);
    tcase_add_test(tc, test_vf_config_validate_version_and_mask);
    tcase_add_test(tc, test_vf_config_apply_validates_first);
    tcase_add_test(tc, test_vf_config_nl_errno);
    tcase_add_test(tc, test_vf_config_get_interface_errors);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(tl, setup, teardown);
    tcase_add_test(tl, test_vf_config_locate);
    tcase_add_test(tl, test_vf_config_locate_errors);
    suite_add_tcase(s, tl);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vf_config_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
