/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The IOMMU decision: the rule itself, then on simulated hosts (a group
 * shared with the PFs, a VF without a group, a dom0 without IOMMU groups
 * as under Xen, where Xen's own grouping is asked). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/internal.h"
#include "tests/helpers/plugin-fake.h"
#include "tests/helpers/plugin-test.h"

#define VM1 "11111111-2222-4333-8444-555555555501"

static char why[2048];

/* ---- the rule ---------------------------------------------------------- */

START_TEST(test_judge_alone_or_with_bridges)
{
    struct plugin_iommu_member m[] = {
        { "0000:3b:02.0", 0x020000, "iavf", false },   /* itself */
        { "0000:3a:00.0", 0x060400, "pcieport", false },
        { "0000:00:00.0", 0x060000, NULL, false },
    };

    ck_assert_int_eq(plugin_iommu_judge("0000:3b:02.0", 12, m, 1, why,
                                        sizeof(why)), PLUGIN_IOMMU_OK);
    ck_assert_int_eq(plugin_iommu_judge("0000:3b:02.0", 12, m, 3, why,
                                        sizeof(why)), PLUGIN_IOMMU_OK);
}
END_TEST

START_TEST(test_judge_same_domain_allowed)
{
    struct plugin_iommu_member m[] = {
        { "0000:3b:02.0", 0x020000, "iavf", false },
        { "0000:3b:02.1", 0x020000, "pciback", true },
    };

    ck_assert_int_eq(plugin_iommu_judge("0000:3b:02.0", 12, m, 2, why,
                                        sizeof(why)), PLUGIN_IOMMU_OK);
    m[1].same_domain = false;
    ck_assert_int_eq(plugin_iommu_judge("0000:3b:02.0", 12, m, 2, why,
                                        sizeof(why)), PLUGIN_IOMMU_SHARED);
    ck_assert_ptr_nonnull(strstr(why, "IOMMU group 12"));
    ck_assert_ptr_nonnull(strstr(why, "0000:3b:02.1 (class 020000, "
                                      "driver pciback)"));
    ck_assert_ptr_nonnull(strstr(why, "ACS"));
}
END_TEST

START_TEST(test_judge_no_group)
{
    ck_assert_int_eq(plugin_iommu_judge("0000:3b:02.0", -1, NULL, 0, why,
                                        sizeof(why)), PLUGIN_IOMMU_NO_GROUP);
    ck_assert_ptr_nonnull(strstr(why, "no IOMMU group"));
    ck_assert_ptr_nonnull(strstr(why, "VT-d"));
    ck_assert_ptr_nonnull(strstr(why, "AMD-Vi"));
    ck_assert_ptr_nonnull(strstr(why, "iommu=1"));
}
END_TEST

START_TEST(test_judge_names_every_member)
{
    struct plugin_iommu_member m[] = {
        { "0000:3b:00.0", 0x020000, "i40e", false },
        { "0000:3b:00.1", 0x020000, NULL, false },
        { "0000:3a:00.0", 0x060400, "pcieport", false },
    };

    ck_assert_int_eq(plugin_iommu_judge("0000:3b:02.0", 28, m, 3, why,
                                        sizeof(why)), PLUGIN_IOMMU_SHARED);
    ck_assert_ptr_nonnull(strstr(why, "0000:3b:00.0 (class 020000, driver "
                                      "i40e), 0000:3b:00.1 (class 020000, "
                                      "no driver)"));
    ck_assert_ptr_null(strstr(why, "0000:3a:00.0"));
}
END_TEST

/* ---- on simulated hosts ------------------------------------------------ */

static struct pt_net net;

static void start_refused(plugin *p, const char *expect)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[37];

    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", a);
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), -EPERM);
    /* The IOMMU reason, not a capacity error, when it is why. */
    ck_assert_str_eq(err.code, "OPERATION_NOT_ALLOWED");
    ck_assert_msg(strstr(err.params[0], expect), "%s", err.params[0]);
    ck_assert_str_eq(pt_field("VIF", a, SF_reserved_pci), "");
    xapi_error_clear(&err);
}

START_TEST(test_no_acs_refused_naming_the_pfs)
{
    struct plugin_vf_status *v = NULL;
    unsigned cap = 9;
    size_t n = 0;
    plugin *p;

    pt_setup_with("x710-shared-group");
    pt_network(&net, "0000:3b:00.0", "0000:3b:02.0", "0000:3b:02.1", NULL);
    p = pt_plugin(NULL, NULL);
    ck_assert_int_eq(plugin_network_sriov_vfs(p, net.ns, &v, &n), 0);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < n; i++) {
        ck_assert(v[i].iommu_refused);
        ck_assert_ptr_nonnull(strstr(v[i].unusable, "IOMMU group 28"));
        ck_assert_ptr_nonnull(strstr(v[i].unusable, "0000:3b:00.0 (class "
                                     "020000, driver i40e)"));
        /* The other VFs of the group are listed too; the root port not. */
        ck_assert_ptr_nonnull(strstr(v[i].unusable, "0000:3b:02.3"));
        ck_assert_ptr_null(strstr(v[i].unusable, "0000:3a:00.0"));
    }
    plugin_vf_status_free(v, n);
    ck_assert_int_eq(plugin_network_sriov_capacity(p, net.ns, &cap), 0);
    ck_assert_uint_eq(cap, 0);
    start_refused(p, "ACS");
    plugin_free(p);
    pt_teardown();
}
END_TEST

START_TEST(test_vf_without_group_refused)
{
    plugin *p;

    pt_setup_with("x710-vf-nogroup");
    pt_network(&net, "0000:3b:00.0", "0000:3b:02.0", "0000:3b:02.1", NULL);
    p = pt_plugin(NULL, NULL);
    start_refused(p, "no IOMMU group");
    plugin_free(p);
    pt_teardown();
}
END_TEST

/* dom0 without IOMMU groups (Xen's dom0): Xen is asked. */
START_TEST(test_xen_dom0_asks_xen)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct plugin_fake fk;
    struct plugin_opts o = { 0 };
    struct plugin_vf_status *v = NULL;
    unsigned cap = 0;
    size_t n = 0;
    plugin *p = NULL;

    pt_setup_with("x710-noiommu");
    pt_network(&net, "0000:3b:00.0", "0000:3b:02.0", "0000:3b:02.1", NULL);

    /* Dry-run cannot ask Xen: not refused on that ground. */
    p = pt_plugin(NULL, NULL);
    ck_assert_int_eq(plugin_network_sriov_capacity(p, net.ns, &cap), 0);
    ck_assert_uint_eq(cap, 2);
    plugin_free(p);

    /* Xen says 02.0 shares its context with the PF dom0 uses. */
    ck_assert_int_eq(plugin_fake_init(&fk, pt_root), 0);
    plugin_fake_set(&fk, "group/0000:3b:02.0", "0000:3b:00.0\n");
    plugin_fake_set(&fk, "group/0000:3b:02.1", "0000:3a:00.0\n");
    o.root = pt_root;
    o.backend = &plugin_fake_backend;
    o.backend_data = &fk;
    ck_assert_int_eq(ops_plugin_new(&p, &o, &err), 0);
    ck_assert_int_eq(plugin_network_sriov_capacity(p, net.ns, &cap), 0);
    ck_assert_uint_eq(cap, 1);
    ck_assert_int_eq(plugin_network_sriov_vfs(p, net.ns, &v, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert(v[0].iommu_refused);
    ck_assert_ptr_nonnull(strstr(v[0].unusable, "Xen cannot isolate"));
    ck_assert_ptr_null(v[1].unusable);          /* only a bridge */
    plugin_vf_status_free(v, n);
    plugin_free(p);
    pt_teardown();
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_xen_refuses_whole_group)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct plugin_fake fk;
    struct plugin_opts o = { 0 };
    plugin *p = NULL;

    pt_setup_with("x710-noiommu");
    pt_network(&net, "0000:3b:00.0", "0000:3b:02.0", NULL);
    ck_assert_int_eq(plugin_fake_init(&fk, pt_root), 0);
    plugin_fake_set(&fk, "group/0000:3b:02.0", "0000:3b:00.0\n");
    o.root = pt_root;
    o.backend = &plugin_fake_backend;
    o.backend_data = &fk;
    ck_assert_int_eq(ops_plugin_new(&p, &o, &err), 0);
    start_refused(p, "Xen cannot isolate VF 0000:3b:02.0 from 0000:3b:00.0");
    plugin_free(p);
    pt_teardown();
    xapi_error_clear(&err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plugin-iommu");
    TCase *tr = tcase_create("rule");
    TCase *th = tcase_create("hosts");
    SRunner *sr;
    int failed;

    tcase_add_test(tr, test_judge_alone_or_with_bridges);
    tcase_add_test(tr, test_judge_same_domain_allowed);
    tcase_add_test(tr, test_judge_no_group);
    tcase_add_test(tr, test_judge_names_every_member);
    suite_add_tcase(s, tr);
    tcase_add_test(th, test_no_acs_refused_naming_the_pfs);
    tcase_add_test(th, test_vf_without_group_refused);
    tcase_add_test(th, test_xen_dom0_asks_xen);
    tcase_add_test(th, test_xen_refuses_whole_group);
    suite_add_tcase(s, th);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
