/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Without Xen (this machine), every libxl entry point of the real backend
 * fails with one clear error, never a crash, and a domain start touches
 * nothing. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin/backend.h"
#include "tests/helpers/plugin-test.h"

#define VM1 "11111111-2222-4333-8444-555555555501"

static struct pt_net net;
static plugin *pl;

static void setup(void)
{
    struct plugin_opts o = { 0 };
    struct xapi_error err = XAPI_ERROR_INIT;

    pt_setup_with("x710-2pf");
    pt_network(&net, "0000:3b:00.0", "0000:3b:02.0", NULL);
    o.root = pt_root;                   /* not dry-run: libxl */
    ck_assert_int_eq(ops_plugin_new(&pl, &o, &err), 0);
}

static void teardown(void)
{
    pl = plugin_free(pl);
    pt_teardown();
}

static void assert_no_xen(int r)
{
    ck_assert_int_eq(r, -EOPNOTSUPP);
    ck_assert_msg(strstr(plugin_last_error(pl), "cannot reach the Xen "
                         "hypervisor") &&
                  strstr(plugin_last_error(pl), "dom0 of a Xen host") &&
                  !strchr(plugin_last_error(pl), '\n'),
                  "%s", plugin_last_error(pl));
}

START_TEST(test_every_libxl_entry_point_fails_cleanly)
{
    const struct plugin_backend *b = &plugin_backend_libxl;
    struct plugin_host_caps caps;
    char **group = NULL;

    if (access("/dev/xen/privcmd", F_OK) == 0)
        return;                         /* a Xen host: not this test */
    assert_no_xen(b->host_caps(pl, &caps));
    assert_no_xen(b->iommu_group(pl, "0000:3b:02.0", &group));
    ck_assert_ptr_null(group);
    assert_no_xen(b->assignable_add(pl, "0000:3b:02.0"));
    assert_no_xen(b->assignable_remove(pl, "0000:3b:02.0", "iavf"));
    assert_no_xen(b->pci_attach(pl, 5, "0000:3b:02.0"));
    assert_no_xen(b->pci_detach(pl, 5, "0000:3b:02.0", false));
    assert_no_xen(b->pci_detach(pl, 5, "0000:3b:02.0", true));
    /* VF settings are rtnetlink, not Xen: a missing interface is said. */
    ck_assert_int_eq(b->vf_get(pl, "nosuch0", 0, &(sriov_vf_config)
                               SRIOV_VF_CONFIG_INIT), -ENODEV);
    ck_assert_ptr_nonnull(strstr(plugin_last_error(pl), "nosuch0"));
}
END_TEST

START_TEST(test_domain_start_without_xen)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[37];

    if (access("/dev/xen/privcmd", F_OK) == 0)
        return;
    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", a);
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), -EOPNOTSUPP);
    ck_assert_str_eq(err.code, "INTERNAL_ERROR");
    ck_assert_ptr_nonnull(strstr(err.params[0], "cannot reach the Xen "
                                 "hypervisor"));
    ck_assert_str_eq(pt_field("VIF", a, SF_reserved_pci), "");
    xapi_error_clear(&err);
    /* The same answer again, not a crash on a half-open handle. */
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), -EOPNOTSUPP);
    xapi_error_clear(&err);
    ck_assert_int_eq(ops_plugin_vif_plug(pl, a, &err), -EOPNOTSUPP);
    xapi_error_clear(&err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plugin-noxen");
    TCase *tc = tcase_create("noxen");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_every_libxl_entry_point_fails_cleanly);
    tcase_add_test(tc, test_domain_start_without_xen);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
