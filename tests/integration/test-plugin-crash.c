/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A process killed at every step of a start, a release and an unplug
 * leaves nothing behind once reconcile has run; refused settings and
 * attaches roll back; host checks refuse before anything is touched.
 * libxl and the NIC are the stand-in of tests/helpers/plugin-fake.c, the
 * pciback binding is libsriov's under kernel-sim.so. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "tests/helpers/plugin-fake.h"
#include "tests/helpers/plugin-test.h"

#define VM1 "11111111-2222-4333-8444-555555555501"
#define MAC_A "02:00:00:00:00:0a"
#define MAC_B "02:00:00:00:00:0b"
/* What the NIC holds for VF 0 and 1 of enp59s0f0 before we start. */
#define NIC_VF0 "0a:0b:0c:0d:0e:00 7 0 1 0 0 0 0\n"
#define NIC_VF1 "00:00:00:00:00:00 0 0 1 0 0 0 0\n"

static struct pt_net net;
static struct plugin_fake fk;
static char vif_a[37], vif_b[37];
static char logbuf[8192];

static const char *const start_steps[] = {
    "reserved", "saved", "configured", "assignable", "attached", "recorded",
};
static const char *const release_steps[] = {
    "restored", "unassigned", "released",
};
static const char *const unplug_steps[] = {
    "detached", "restored", "unassigned", "released",
};

static void setup(void)
{
    store_record *r = NULL;

    pt_setup_with("x710-2pf");
    pt_network(&net, "0000:3b:00.0", "0000:3b:02.0", "0000:3b:02.1",
               "0000:3b:02.2", "0000:3b:02.3", NULL);
    ck_assert_int_eq(plugin_fake_init(&fk, pt_root), 0);
    ck_assert_int_eq(plugin_fake_set(&fk, "nic/enp59s0f0-0", NIC_VF0), 0);
    ck_assert_int_eq(plugin_fake_set(&fk, "nic/enp59s0f0-1", NIC_VF1), 0);
    pt_vif(VM1, net.network, "0", MAC_A, vif_a);
    pt_vif(VM1, net.network, "1", MAC_B, vif_b);
    ck_pt(store_get(pt_st, "VIF", vif_a, &r));
    ck_pt(store_record_map_put(r, SF_other_config, "vlan", "100"));
    ck_pt(store_record_map_put(r, SF_other_config, "trust", "on"));
    ck_pt(store_record_set(r, SF_qos_algorithm_type, "ratelimit"));
    ck_pt(store_record_map_put(r, SF_qos_algorithm_params, "kbps", "512000"));
    ck_pt(store_update(pt_st, r));
    store_record_free(r);
    logbuf[0] = '\0';
}

/* Set other-config:@p key of VIF @p vif in the store. */
static void vif_other_config(const char *vif, const char *key,
                             const char *value)
{
    store_record *r = NULL;

    ck_pt(store_get(pt_st, "VIF", vif, &r));
    ck_pt(store_record_map_put(r, SF_other_config, key, value));
    ck_pt(store_update(pt_st, r));
    store_record_free(r);
}

static void log_to_buf(void *userdata, int level, const char *msg)
{
    if (level <= LOG_WARNING &&
        strlen(logbuf) + strlen(msg) + 2 < sizeof(logbuf)) {
        strcat(logbuf, msg);
        strcat(logbuf, "\n");
    }
}

static const char *crash_at;

static void crash_hook(void *userdata, const char *step)
{
    if (crash_at && strcmp(step, crash_at) == 0)
        _exit(42);                      /* killed right after this step */
}

static plugin *open_plugin(enum plugin_intremap_policy intremap)
{
    struct plugin_opts o = {
        .root = pt_root, .backend = &plugin_fake_backend,
        .backend_data = &fk, .intremap = intremap, .log = log_to_buf,
        .step_hook = crash_hook,
    };
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p = NULL;

    ck_assert_int_eq(ops_plugin_new(&p, &o, &err), 0);
    return p;
}

enum op { OP_START, OP_RELEASE, OP_UNPLUG };

/* Run @p op in a child killed at @p step; its exit status. */
static int run_crashing(enum op op, const char *step)
{
    pid_t pid = fork();
    int status;

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct xapi_error err = XAPI_ERROR_INIT;
        plugin *p;

        crash_at = step;
        p = open_plugin(PLUGIN_INTREMAP_WARN);
        if (op == OP_START)
            ops_plugin_domain_start(p, 5, &err);
        else if (op == OP_RELEASE)
            ops_plugin_domain_release(p, 5, &err);
        else
            ops_plugin_vif_unplug(p, vif_a, false, &err);
        _exit(0);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static const char *nic(unsigned vf)
{
    static char buf[2][128];
    char rel[64];

    snprintf(rel, sizeof(rel), "nic/enp59s0f0-%u", vf);
    plugin_fake_get(&fk, rel, buf[vf % 2], sizeof(buf[0]));
    return buf[vf % 2];
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

static void assert_driver(const char *bdf, const char *want)
{
    char *d = driver_of(bdf);

    ck_assert_msg(d && strcmp(d, want) == 0, "%s on %s, not %s", bdf,
                  d ? d : "no driver", want);
    free(d);
}

/* Both VIFs in domain 5 with their settings, each VF once. */
static void assert_started(void)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char path[128], *num;
    unsigned len;
    plugin *p;

    ck_assert_str_eq(pt_field("VIF", vif_a, SF_currently_attached), "true");
    ck_assert_str_eq(pt_field("VIF", vif_b, SF_currently_attached), "true");
    ck_assert_str_eq(pt_field("PCI", pt_field("VIF", vif_a, SF_reserved_pci),
                              SF_pci_id), "0000:3b:02.0");
    ck_assert_str_eq(pt_field("PCI", pt_field("VIF", vif_b, SF_reserved_pci),
                              SF_pci_id), "0000:3b:02.1");
    /* MAC, VLAN 100, trust, 512000 kbps = 500 Mbps; B untagged. */
    ck_assert_str_eq(nic(0), "02:00:00:00:00:0a 100 0 1 1 0 0 500\n");
    ck_assert_str_eq(nic(1), "02:00:00:00:00:0b 0 0 1 0 0 0 0\n");
    assert_driver("0000:3b:02.0", "pciback");
    assert_driver("0000:3b:02.1", "pciback");
    snprintf(path, sizeof(path),
             "/local/domain/0/backend/pci/5/0/num_devs");
    num = xs_read(pt_xs, XBT_NULL, path, &len);
    ck_assert_ptr_nonnull(num);
    ck_assert_str_eq(num, "2");                 /* attached once each */
    free(num);
    p = pt_plugin(NULL, NULL);
    ck_assert_int_eq(ops_plugin_vm_check_migrate(p, VM1, &err), -EPERM);
    xapi_error_clear(&err);
    plugin_free(p);
}

/* Nothing reserved, every VF as it was. */
static void assert_clean(void)
{
    char q[64];

    for (size_t i = 0; i < 4; i++) {
        ck_assert_str_eq(pt_field("PCI", net.vf[i], SF_reserved_by), "");
        ck_assert_str_eq(pt_field("PCI", net.vf[i],
                                  SF_scheduled_to_be_attached_to), "");
        ck_assert_str_eq(pt_field("PCI", net.vf[i], SF_reserved_domid),
                         "-1");
    }
    ck_assert_str_eq(pt_field("VIF", vif_a, SF_reserved_pci), "");
    ck_assert_str_eq(pt_field("VIF", vif_b, SF_currently_attached), "false");
    ck_assert_str_eq(nic(0), NIC_VF0);
    ck_assert_str_eq(nic(1), NIC_VF1);
    assert_driver("0000:3b:02.0", "iavf");
    assert_driver("0000:3b:02.1", "iavf");
    ck_assert_int_eq(plugin_fake_get(&fk, "quarantined/0000:3b:02.0", q,
                                     sizeof(q)), 0);
}

static int reconcile(void)
{
    plugin *p = open_plugin(PLUGIN_INTREMAP_WARN);
    int n = plugin_reconcile(p, NULL, NULL);

    ck_assert_msg(n >= 0, "reconcile: %s", plugin_last_error(p));
    plugin_free(p);
    return n;
}

START_TEST(test_crash_during_start_domain_lives)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    const char *step = start_steps[_i];
    plugin *p;

    pt_domain_new(5, VM1);
    ck_assert_int_eq(run_crashing(OP_START, step), 42);
    /* The daemon restarts: reconcile finishes the start. */
    ck_assert_int_ge(reconcile(), strcmp(step, "recorded") ? 1 : 0);
    assert_started();
    ck_assert_int_eq(reconcile(), 0);

    pt_domain_destroy(5);
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_release(p, 5, &err), 2);
    plugin_free(p);
    assert_clean();
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_crash_during_start_domain_dies)
{
    const char *step = start_steps[_i];

    pt_domain_new(5, VM1);
    ck_assert_int_eq(run_crashing(OP_START, step), 42);
    pt_domain_destroy(5);
    ck_assert_int_ge(reconcile(), 1);
    assert_clean();
    ck_assert_int_eq(reconcile(), 0);
}
END_TEST

START_TEST(test_crash_during_release)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    const char *step = release_steps[_i];
    plugin *p;

    pt_domain_new(5, VM1);
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), 2);
    plugin_free(p);
    pt_domain_destroy(5);
    ck_assert_int_eq(run_crashing(OP_RELEASE, step), 42);
    reconcile();
    assert_clean();
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_crash_during_unplug)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    const char *step = unplug_steps[_i];
    plugin *p;

    pt_domain_new(5, VM1);
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), 2);
    plugin_free(p);
    ck_assert_int_eq(run_crashing(OP_UNPLUG, step), 42);
    ck_assert_int_ge(reconcile(), strcmp(step, "released") ? 1 : 0);
    ck_assert_str_eq(pt_field("VIF", vif_a, SF_reserved_pci), "");
    ck_assert_str_eq(nic(0), NIC_VF0);
    assert_driver("0000:3b:02.0", "iavf");
    /* B is untouched. */
    ck_assert_str_eq(pt_field("VIF", vif_b, SF_currently_attached), "true");
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_mac_refused_rolls_back)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p;

    pt_domain_new(5, VM1);
    plugin_fake_set(&fk, "fail/mac", "22");
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), -EIO);
    ck_assert_str_eq(err.code, "INTERNAL_ERROR");
    ck_assert_ptr_nonnull(strstr(err.params[0], "enp59s0f0 VF 0: the driver "
                                 "refused mac 02:00:00:00:00:0a: Invalid "
                                 "argument"));
    ck_assert_ptr_nonnull(strstr(err.params[0], vif_a));
    plugin_free(p);
    assert_clean();
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_vlan_refused_rolls_back_second_vif)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p;

    /* Only B's VLAN is refused: A, already configured, is undone too. */
    vif_other_config(vif_b, "vlan", "200");
    pt_domain_new(5, VM1);
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), 2);
    ck_assert_int_eq(ops_plugin_vif_unplug(p, vif_b, false, &err), 0);
    plugin_fake_set(&fk, "fail/vlan", "22");
    ck_assert_int_eq(ops_plugin_vif_plug(p, vif_b, &err), -EIO);
    ck_assert_ptr_nonnull(strstr(err.params[0], "refused vlan 200 qos 0"));
    plugin_free(p);
    ck_assert_str_eq(nic(1), NIC_VF1);
    ck_assert_str_eq(pt_field("VIF", vif_b, SF_reserved_pci), "");
    ck_assert_str_eq(pt_field("VIF", vif_a, SF_currently_attached), "true");
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_rate_refused_is_a_warning)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p;

    pt_domain_new(5, VM1);
    plugin_fake_set(&fk, "fail/rate", "95");
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), 2);
    plugin_free(p);
    ck_assert_ptr_nonnull(strstr(logbuf, "does not limit VF rates"));
    /* Everything but the rate. */
    ck_assert_str_eq(nic(0), "02:00:00:00:00:0a 100 0 1 1 0 0 0\n");
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_attach_refused_rolls_back)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p;

    pt_domain_new(5, VM1);
    plugin_fake_set(&fk, "fail/attach", "5");
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), -EIO);
    plugin_free(p);
    assert_clean();
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_no_passthrough_refused_first)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char log[256];
    plugin *p;

    pt_domain_new(5, VM1);
    plugin_fake_set(&fk, "caps", "0 1");
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), -EPERM);
    ck_assert_str_eq(err.code, "OPERATION_NOT_ALLOWED");
    ck_assert_ptr_nonnull(strstr(err.params[0], "VT-d"));
    ck_assert_ptr_nonnull(strstr(err.params[0], "iommu=1"));
    plugin_free(p);
    assert_clean();
    /* Not one call reached libxl or the NIC. */
    ck_assert_int_eq(plugin_fake_get(&fk, "log", log, sizeof(log)), 0);
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_domain_without_passthrough_refused_first)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char log[256];
    plugin *p;

    pt_domain_new(5, VM1);
    plugin_fake_set(&fk, "fail/nopt-5", "1");
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), -EPERM);
    ck_assert_str_eq(err.code, "OPERATION_NOT_ALLOWED");
    ck_assert_ptr_nonnull(strstr(err.params[0], "passthrough=\"enabled\""));
    plugin_free(p);
    assert_clean();
    ck_assert_int_eq(plugin_fake_get(&fk, "log", log, sizeof(log)), 0);
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_intremap_policy)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p;

    pt_domain_new(5, VM1);
    plugin_fake_set(&fk, "caps", "1 0");
    p = open_plugin(PLUGIN_INTREMAP_REFUSE);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), -EPERM);
    ck_assert_ptr_nonnull(strstr(err.params[0], "interrupt remapping"));
    ck_assert_ptr_nonnull(strstr(err.params[0], "--intremap=warn"));
    xapi_error_clear(&err);
    plugin_free(p);
    assert_clean();

    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), 2);
    plugin_free(p);
    ck_assert_ptr_nonnull(strstr(logbuf, "without interrupt remapping"));
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_order_of_calls)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char log[2048];
    plugin *p;

    pt_domain_new(5, VM1);
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_vif_plug(p, vif_a, &err), 0);
    ck_assert_int_eq(ops_plugin_vif_unplug(p, vif_a, false, &err), 0);
    plugin_free(p);
    plugin_fake_get(&fk, "log", log, sizeof(log));
    /* Settings before the hand-over; restore before the driver gets it
     * back. */
    ck_assert_str_eq(log,
        "vf_apply enp59s0f0 0\n"
        "assignable_add 0000:3b:02.0\n"
        "pci_attach 5 0000:3b:02.0\n"
        "pci_detach 5 0000:3b:02.0\n"
        "vf_apply enp59s0f0 0\n"
        "assignable_remove 0000:3b:02.0 iavf\n");
    xapi_error_clear(&err);
}
END_TEST

/* As igb: link-state is refused whatever its value (EOPNOTSUPP), though
 * every VF reports "auto".  The VIF never set it: the release puts back
 * the MAC, VLAN, trust and rate, and does not send link-state at all. */
START_TEST(test_release_on_nic_without_link_state)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p;

    pt_domain_new(5, VM1);
    plugin_fake_set(&fk, "fail/link", "95");
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), 2);
    ck_assert_str_eq(nic(0), "02:00:00:00:00:0a 100 0 1 1 0 0 500\n");
    pt_domain_destroy(5);
    ck_assert_msg(ops_plugin_domain_release(p, 5, &err) == 2, "%s",
                  plugin_last_error(p));
    plugin_free(p);
    ck_assert_msg(!*logbuf, "warnings: %s", logbuf);
    assert_clean();
    xapi_error_clear(&err);
}
END_TEST

/* A VIF asking igb for a link state: refused with the driver's words,
 * nothing kept; the release then has nothing to put back. */
START_TEST(test_vif_link_state_refused_by_nic)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p;

    vif_other_config(vif_a, "link-state", "enable");
    pt_domain_new(5, VM1);
    plugin_fake_set(&fk, "fail/link", "95");
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), -EIO);
    ck_assert_msg(strstr(err.params[0], vif_a) &&
                  strstr(err.params[0], "enp59s0f0 VF 0: the driver refused "
                         "link-state enable: Operation not supported"),
                  "%s", err.params[0]);
    plugin_free(p);
    assert_clean();
    xapi_error_clear(&err);
}
END_TEST

/* The NIC refuses to put A's trust back (only A's VIF set it): the VF must
 * not go to the next VM with this one's MAC and VLAN.  It stays reserved (on pciback) with an
 * error naming it, the setting and what to do; a reconcile after the
 * cause is gone restores and frees it. */
START_TEST(test_restore_refused_keeps_vf_reserved)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    const char *pci;
    plugin *p;

    pt_domain_new(5, VM1);
    p = open_plugin(PLUGIN_INTREMAP_WARN);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), 2);
    pt_domain_destroy(5);
    plugin_fake_set(&fk, "fail/trust", "5");
    ck_assert_int_eq(ops_plugin_domain_release(p, 5, &err), -EIO);
    plugin_free(p);
    ck_assert_msg(strstr(logbuf, "VF 0000:3b:02.0 (enp59s0f0 VF 0) of VIF") &&
                  strstr(logbuf, "refused trust off: Input/output "
                         "error") &&
                  strstr(logbuf, "stays reserved, out of the free pool") &&
                  strstr(logbuf, "xen-sriovd --reconcile"), "%s", logbuf);
    pci = pt_field("VIF", vif_a, SF_reserved_pci);
    ck_assert_str_eq(pci, net.vf[0]);
    ck_assert_str_eq(pt_field("PCI", net.vf[0],
                              SF_scheduled_to_be_attached_to), VM1);
    ck_assert_str_eq(nic(0), "02:00:00:00:00:0a 100 0 1 1 0 0 500\n");
    assert_driver("0000:3b:02.0", "pciback");
    /* B, whose restore worked, is free. */
    ck_assert_str_eq(pt_field("VIF", vif_b, SF_reserved_pci), "");
    ck_assert_str_eq(nic(1), NIC_VF1);

    /* Still refused: reconcile says so and keeps it. */
    ck_assert_int_ge(reconcile(), 1);
    ck_assert_str_eq(pt_field("VIF", vif_a, SF_reserved_pci), net.vf[0]);
    /* Mended: the next reconcile puts the settings back and frees it. */
    plugin_fake_set(&fk, "fail/trust", NULL);
    ck_assert_int_ge(reconcile(), 1);
    assert_clean();
    ck_assert_int_eq(reconcile(), 0);
    xapi_error_clear(&err);
}
END_TEST

static Suite *crash_suite(void)
{
    Suite *s = suite_create("plugin-crash");
    TCase *tc = tcase_create("crash");
    TCase *tf = tcase_create("failures");

    tcase_add_checked_fixture(tc, setup, pt_teardown);
    tcase_add_loop_test(tc, test_crash_during_start_domain_lives, 0,
                        (int)(sizeof(start_steps) / sizeof(*start_steps)));
    tcase_add_loop_test(tc, test_crash_during_start_domain_dies, 0,
                        (int)(sizeof(start_steps) / sizeof(*start_steps)));
    tcase_add_loop_test(tc, test_crash_during_release, 0,
                        (int)(sizeof(release_steps) /
                              sizeof(*release_steps)));
    tcase_add_loop_test(tc, test_crash_during_unplug, 0,
                        (int)(sizeof(unplug_steps) / sizeof(*unplug_steps)));
    suite_add_tcase(s, tc);

    tcase_add_checked_fixture(tf, setup, pt_teardown);
    tcase_add_test(tf, test_mac_refused_rolls_back);
    tcase_add_test(tf, test_vlan_refused_rolls_back_second_vif);
    tcase_add_test(tf, test_rate_refused_is_a_warning);
    tcase_add_test(tf, test_attach_refused_rolls_back);
    tcase_add_test(tf, test_no_passthrough_refused_first);
    tcase_add_test(tf, test_domain_without_passthrough_refused_first);
    tcase_add_test(tf, test_intremap_policy);
    tcase_add_test(tf, test_order_of_calls);
    tcase_add_test(tf, test_release_on_nic_without_link_state);
    tcase_add_test(tf, test_vif_link_state_refused_by_nic);
    tcase_add_test(tf, test_restore_refused_keeps_vf_reserved);
    suite_add_tcase(s, tf);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;

    fixture_preload_kernel_sim(argv);   /* pciback binds as the kernel's */
    sr = srunner_create(crash_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
