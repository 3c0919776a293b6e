/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libxl cold-plug API (sriov/xl.h): VFs into a libxl_domain_config
 * before the domain exists, the domid recorded after, everything given
 * back on abort, on destroy, and after a toolstack that died half-way;
 * xen-sriovd's start leaves a VM alone while it is prepared.  libxl's
 * side is the stand-in of tests/helpers/plugin-fake.c, pciback binding
 * libsriov's under kernel-sim.so. */
#define LIBXL_API_VERSION 0x041300

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plugin/coldplug.h"
#include "tests/helpers/plugin-fake.h"
#include "tests/helpers/plugin-test.h"

#define VM1 "11111111-2222-4333-8444-555555555501"

static struct pt_net net;
static struct plugin_fake fk;
static char vif_a[37], vif_b[37];
static libxl_domain_config cfg;

static void setup(void)
{
    pt_setup_with("x710-2pf");
    pt_network(&net, "0000:3b:00.0", "0000:3b:02.0", "0000:3b:02.1",
               "0000:3b:02.2", NULL);
    ck_assert_int_eq(plugin_fake_init(&fk, pt_root), 0);
    pt_vif(VM1, net.network, "0", "02:00:00:00:00:0a", vif_a);
    pt_vif(VM1, net.network, "1", "02:00:00:00:00:0b", vif_b);
    libxl_domain_config_init(&cfg);
    ck_assert_int_eq(libxl_uuid_from_string(&cfg.c_info.uuid, VM1), 0);
    /* A device the toolstack put there itself. */
    cfg.pcidevs = calloc(1, sizeof(*cfg.pcidevs));
    libxl_device_pci_init(&cfg.pcidevs[0]);
    cfg.pcidevs[0].bus = 0x5e;
    cfg.num_pcidevs = 1;
}

static void teardown(void)
{
    libxl_domain_config_dispose(&cfg);
    pt_teardown();
}

static sriov_xl *open_sx(void)
{
    struct plugin_opts o = { .root = pt_root,
                             .backend = &plugin_fake_backend,
                             .backend_data = &fk };
    sriov_xl *sx = NULL;

    o.pci.msitranslate = true;
    o.pci.permissive = true;
    ck_assert_int_eq(sriov_xl_open_with(&sx, &o), 0);
    return sx;
}

static char *driver_of(const char *bdf)
{
    sriov_ctx *ctx = NULL;
    char *d = NULL;

    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, pt_root), 0);
    ck_assert_int_eq(sriov_pci_get_driver(ctx, bdf, &d), 0);
    sriov_ctx_free(ctx);
    return d;
}

static void assert_clean(void)
{
    char *d;

    ck_assert_str_eq(pt_field("VIF", vif_a, SF_reserved_pci), "");
    ck_assert_str_eq(pt_field("VIF", vif_b, SF_reserved_pci), "");
    for (size_t i = 0; i < net.n_vf; i++)
        ck_assert_str_eq(pt_field("PCI", net.vf[i],
                                  SF_scheduled_to_be_attached_to), "");
    d = driver_of("0000:3b:02.0");
    ck_assert_str_eq(d, "iavf");
    free(d);
}

START_TEST(test_coldplug_prepare_created_destroyed)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    sriov_xl *sx = open_sx(), *other = open_sx();
    libxl_domain_config cfg2;
    plugin *p;

    ck_assert_int_eq(sriov_xl_prepare(sx, &cfg), 2);
    ck_assert_int_eq(cfg.num_pcidevs, 3);
    ck_assert_uint_eq(cfg.pcidevs[0].bus, 0x5e);        /* kept */
    ck_assert_uint_eq(cfg.pcidevs[1].bus, 0x3b);
    ck_assert_uint_eq(cfg.pcidevs[1].dev, 2);
    ck_assert_uint_eq(cfg.pcidevs[1].func, 0);
    ck_assert_uint_eq(cfg.pcidevs[2].func, 1);
    ck_assert(cfg.pcidevs[1].msitranslate && cfg.pcidevs[1].permissive);
    ck_assert_str_eq(pt_field("VIF", vif_a, SF_domid), "-1");
    ck_assert_str_eq(pt_field("PCI", net.vf[0], SF_scheduled_to_be_attached_to),
                     VM1);
    {
        char *d = driver_of("0000:3b:02.0");

        ck_assert_str_eq(d, "pciback");
        free(d);
    }

    /* Held: another cold-plug, the daemon and reconcile keep off. */
    libxl_domain_config_init(&cfg2);
    libxl_uuid_from_string(&cfg2.c_info.uuid, VM1);
    ck_assert_int_eq(sriov_xl_prepare(other, &cfg2), -EBUSY);
    ck_assert_str_eq(sriov_xl_last_error_code(other),
                     "OTHER_OPERATION_IN_PROGRESS");
    ck_assert_int_eq(cfg2.num_pcidevs, 0);
    libxl_domain_config_dispose(&cfg2);
    pt_domain_new(7, VM1);              /* libxl made it meanwhile */
    p = pt_plugin(&plugin_fake_backend, &fk);
    ck_assert_int_eq(ops_plugin_domain_start(p, 7, &err), -EBUSY);
    /* XAPI's four parameters (datamodel_errors.ml:546-548). */
    ck_assert_str_eq(err.code, "OTHER_OPERATION_IN_PROGRESS");
    ck_assert_uint_eq(err.n_params, 4);
    ck_assert_str_eq(err.params[0], "VM");
    ck_assert_str_eq(err.params[1], "OpaqueRef:" VM1);
    ck_assert_str_eq(err.params[2], "attach");
    ck_assert_str_eq(err.params[3], "OpaqueRef:NULL");
    xapi_error_clear(&err);
    ck_assert_int_eq(plugin_reconcile(p, NULL, NULL), 0);
    ck_assert_str_eq(pt_field("VIF", vif_a, SF_domid), "-1");

    /* libxl attached them while building: record the domid. */
    pt_domain_add_pci(7, "0000:3b:02.0");
    pt_domain_add_pci(7, "0000:3b:02.1");
    ck_assert_int_eq(sriov_xl_domain_created(sx, 7), 0);
    ck_assert_str_eq(pt_field("VIF", vif_a, SF_domid), "7");
    ck_assert_str_eq(pt_field("VIF", vif_b, SF_currently_attached), "true");
    ck_assert_str_eq(pt_field("PCI", net.vf[1], SF_reserved_domid), "7");
    ck_assert_int_eq(sriov_xl_domain_created(sx, 7), -ENOENT);
    /* The daemon's retry: nothing left to do. */
    ck_assert_int_eq(ops_plugin_domain_start(p, 7, &err), 0);
    ck_assert_int_eq(plugin_reconcile(p, NULL, NULL), 0);
    plugin_free(p);

    pt_domain_destroy(7);
    ck_assert_int_eq(sriov_xl_domain_destroyed(sx, 7), 2);
    assert_clean();
    sriov_xl_close(other);
    sriov_xl_close(sx);
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_coldplug_abort_gives_back)
{
    sriov_xl *sx = open_sx();

    ck_assert_int_eq(sriov_xl_prepare(sx, &cfg), 2);
    ck_assert_int_eq(sriov_xl_abort(sx, &cfg), 0);
    ck_assert_int_eq(cfg.num_pcidevs, 1);
    ck_assert_uint_eq(cfg.pcidevs[0].bus, 0x5e);
    assert_clean();
    /* Free again: the next prepare works. */
    ck_assert_int_eq(sriov_xl_prepare(sx, &cfg), 2);
    sriov_xl_close(sx);
}
END_TEST

START_TEST(test_coldplug_toolstack_dies)
{
    pid_t pid = fork();
    int status;
    plugin *p;

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        sriov_xl *sx = open_sx();

        if (sriov_xl_prepare(sx, &cfg) != 2)
            _exit(1);
        raise(SIGKILL);                 /* dies before created() */
        _exit(2);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "the toolstack child did not get to prepare (status %d)",
                  status);
    ck_assert_str_eq(pt_field("PCI", net.vf[0], SF_scheduled_to_be_attached_to),
                     VM1);
    p = pt_plugin(&plugin_fake_backend, &fk);
    ck_assert_int_eq(plugin_reconcile(p, NULL, NULL), 2);
    plugin_free(p);
    assert_clean();
}
END_TEST

START_TEST(test_coldplug_capacity_and_no_vifs)
{
    sriov_xl *sx = open_sx();
    char more[37];
    libxl_domain_config none;

    pt_vif(VM1, net.network, "2", "02:00:00:00:00:0c", more);
    pt_vif(VM1, net.network, "3", "02:00:00:00:00:0d", more);
    ck_assert_int_eq(sriov_xl_prepare(sx, &cfg), -ENOSPC);
    ck_assert_str_eq(sriov_xl_last_error_code(sx),
                     "NETWORK_SRIOV_INSUFFICIENT_CAPACITY");
    ck_assert_ptr_nonnull(strstr(sriov_xl_last_error(sx), net.network));
    ck_assert_int_eq(cfg.num_pcidevs, 1);
    assert_clean();

    libxl_domain_config_init(&none);
    libxl_uuid_from_string(&none.c_info.uuid,
                           "11111111-2222-4333-8444-5555555555ff");
    ck_assert_int_eq(sriov_xl_prepare(sx, &none), 0);
    ck_assert_int_eq(none.num_pcidevs, 0);
    ck_assert_int_eq(sriov_xl_domain_created(sx, 9), -ENOENT);
    libxl_domain_config_dispose(&none);
    sriov_xl_close(sx);
}
END_TEST

int main(int argc, char **argv)
{
    Suite *s = suite_create("plugin-coldplug");
    TCase *tc = tcase_create("coldplug");
    SRunner *sr;
    int failed;

    fixture_preload_kernel_sim(argv);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_coldplug_prepare_created_destroyed);
    tcase_add_test(tc, test_coldplug_abort_gives_back);
    tcase_add_test(tc, test_coldplug_toolstack_dies);
    tcase_add_test(tc, test_coldplug_capacity_and_no_vifs);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
