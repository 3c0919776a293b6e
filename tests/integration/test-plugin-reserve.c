/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VF reservation against a real xenstored, in dry-run: domain start and
 * death, capacity, all-or-nothing, reconcile, hotplug, migrate refusal. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ops/ops.h"
#include "tests/helpers/paths-walk.h"
#include "tests/helpers/plugin-test.h"

#define VM1 "11111111-2222-4333-8444-555555555501"
#define VM2 "11111111-2222-4333-8444-555555555502"

static struct pt_net net;
static plugin *pl;

/* x710-2pf: port 0 has VFs 3b:02.0-3; 02.3 is on pciback (in use). */
static void setup(void)
{
    pt_setup_with("x710-2pf");
    pt_network(&net, "0000:3b:00.0", "0000:3b:02.1", "0000:3b:02.0",
               "0000:3b:02.2", "0000:3b:02.3", NULL);
    pl = pt_plugin(NULL, NULL);
}

static void teardown(void)
{
    pl = plugin_free(pl);
    pt_teardown();
}

/* The VF (pci_id) a VIF holds, "" if none. */
static const char *held(const char *vif)
{
    const char *pci = pt_field("VIF", vif, SF_reserved_pci);

    return *pci ? pt_field("PCI", pci, SF_pci_id) : "";
}

static void check_paths(void)
{
    char problems[4096], md[1024];
    size_t nodes = 0;

    snprintf(md, sizeof(md), "%s/xenstore-schema/paths.md",
             getenv("top_srcdir") ? getenv("top_srcdir") : ".");
    ck_assert_msg(paths_walk_check(md, "/tool/xen-sriov", problems,
                                   sizeof(problems), &nodes) == 0,
                  "%s", problems);
}

START_TEST(test_plugin_start_reserves_lowest_free)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[37], b[37];
    const char *pci;

    pt_vif(VM1, net.network, "1", "02:00:00:00:00:02", b);
    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", a);
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), 2);
    /* Lowest address first, in device order; 02.3 is in use. */
    ck_assert_str_eq(held(a), "0000:3b:02.0");
    ck_assert_str_eq(held(b), "0000:3b:02.1");
    ck_assert_str_eq(pt_field("VIF", a, SF_domid), "5");
    ck_assert_str_eq(pt_field("VIF", a, SF_currently_attached), "true");
    pci = pt_field("VIF", a, SF_reserved_pci);
    ck_assert_str_eq(pt_field("PCI", pci, SF_reserved_by), a);
    ck_assert_str_eq(pt_field("PCI", pci, SF_reserved_domid), "5");
    ck_assert_str_eq(pt_field("PCI", pci, SF_scheduled_to_be_attached_to),
                     VM1);
    check_paths();

    /* Again (a second introduce, a daemon restart): nothing changes. */
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), 0);
    ck_assert_str_eq(held(a), "0000:3b:02.0");

    /* Death: everything released. */
    pt_domain_destroy(5);
    ck_assert_int_eq(ops_plugin_domain_release(pl, 5, &err), 2);
    ck_assert_str_eq(held(a), "");
    ck_assert_str_eq(pt_field("VIF", a, SF_domid), "-1");
    ck_assert_str_eq(pt_field("VIF", b, SF_currently_attached), "false");
    ck_assert_str_eq(pt_field("PCI", net.vf[0], SF_scheduled_to_be_attached_to),
                     "");
    ck_assert_str_eq(pt_field("PCI", net.vf[0], SF_reserved_domid), "-1");
    check_paths();
    ck_assert(!xapi_error_is_set(&err));
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_plugin_saved_config_keeps_driver)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    store_record *r = NULL;
    char a[37];

    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", a);
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), 1);
    ck_pt(store_get(pt_st, "VIF", a, &r));
    ck_assert_str_eq(store_record_map_get(r, SF_vf_saved_config, "driver"),
                     "iavf");
    store_record_free(r);
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_plugin_capacity_all_or_nothing)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char v[4][37], w[37];
    unsigned cap = 99;

    ck_assert_int_eq(plugin_network_sriov_capacity(pl, net.ns, &cap), 0);
    ck_assert_uint_eq(cap, 3);
    for (int i = 0; i < 4; i++) {
        char dev[4], mac[18];

        snprintf(dev, sizeof(dev), "%d", i);
        snprintf(mac, sizeof(mac), "02:00:00:00:00:%02x", i + 1);
        pt_vif(VM1, net.network, dev, mac, v[i]);
    }
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), -ENOSPC);
    ck_assert_str_eq(err.code, "NETWORK_SRIOV_INSUFFICIENT_CAPACITY");
    ck_assert_uint_eq(err.n_params, 1);
    ck_assert_str_eq(err.params[0] + strlen("OpaqueRef:"), net.network);
    ck_assert_ptr_nonnull(strstr(plugin_last_error(pl), "0000:3b:00.0"));
    /* Nothing was reserved, not even the three that would fit. */
    for (int i = 0; i < 4; i++)
        ck_assert_str_eq(held(v[i]), "");
    ck_assert_int_eq(plugin_network_sriov_capacity(pl, net.ns, &cap), 0);
    ck_assert_uint_eq(cap, 3);
    xapi_error_clear(&err);

    /* A second VM takes one: the capacity counts it. */
    pt_vif(VM2, net.network, "0", "02:00:00:00:01:01", w);
    pt_domain_new(6, VM2);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 6, &err), 1);
    ck_assert_int_eq(plugin_network_sriov_capacity(pl, net.ns, &cap), 0);
    ck_assert_uint_eq(cap, 2);
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_plugin_vf_status_says_why)
{
    struct plugin_vf_status *v = NULL;
    size_t n = 0;

    ck_assert_int_eq(plugin_network_sriov_vfs(pl, net.ns, &v, &n), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(v[0].bdf, "0000:3b:02.0");
    ck_assert_ptr_null(v[0].unusable);
    ck_assert_str_eq(v[3].bdf, "0000:3b:02.3");
    ck_assert_ptr_nonnull(v[3].unusable);
    ck_assert_ptr_nonnull(strstr(v[3].unusable, "pciback"));
    plugin_vf_status_free(v, n);
}
END_TEST

START_TEST(test_plugin_vf_status_names_manual_holder)
{
    struct plugin_vf_status *v = NULL;
    const char *name = "manual";
    size_t n = 0;

    /* The admin gave the pciback VF to a domain by address (XenServer
     * 5.6's manual flow): the status names the domain; the VF stays out
     * of the pool. */
    pt_domain_new(9, VM2);
    ck_assert(xs_write(pt_xs, XBT_NULL, "/local/domain/9/name", name,
                       strlen(name)));
    pt_domain_add_pci(9, "0000:3b:02.3");
    ck_assert_int_eq(plugin_network_sriov_vfs(pl, net.ns, &v, &n), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert_ptr_nonnull(v[3].unusable);
    ck_assert_msg(strstr(v[3].unusable, "held by domain 9 (manual), given "
                         "by hand"), "%s", v[3].unusable);
    plugin_vf_status_free(v, n);

    /* Gone: back to the plain reason. */
    pt_domain_destroy(9);
    ck_assert_int_eq(plugin_network_sriov_vfs(pl, net.ns, &v, &n), 0);
    ck_assert_ptr_nonnull(strstr(v[3].unusable, "bound to pciback"));
    ck_assert_ptr_null(strstr(v[3].unusable, "domain"));
    plugin_vf_status_free(v, n);
}
END_TEST

START_TEST(test_plugin_vf_gone_from_sysfs)
{
    struct plugin_vf_status *v = NULL;
    char extra[37];
    size_t n = 0;

    /* A record for a VF the PF does not have (VFs disabled meanwhile). */
    pt_create(pt_rec("PCI", "pci_id", "0000:3b:02.7", "physical_function",
                     net.pf, NULL), extra);
    ck_assert_int_eq(plugin_network_sriov_vfs(pl, net.ns, &v, &n), 0);
    ck_assert_uint_eq(n, 5);
    ck_assert_str_eq(v[4].bdf, "0000:3b:02.7");
    ck_assert_ptr_nonnull(strstr(v[4].unusable, "not present"));
    plugin_vf_status_free(v, n);
}
END_TEST

START_TEST(test_plugin_ordinary_vifs_ignored)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char plain[37], vif[37];

    pt_create(pt_rec("network", "name_label", "bridged", NULL), plain);
    pt_vif(VM1, plain, "0", "02:00:00:00:00:01", vif);
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), 0);
    ck_assert_str_eq(held(vif), "");
    /* A domain without a VM node (not made by libxl) is not an error. */
    ck_assert(xs_write(pt_xs, XBT_NULL, "/local/domain/9/name", "x", 1));
    ck_assert_int_eq(ops_plugin_domain_start(pl, 9, &err), 0);
    ck_assert(!xapi_error_is_set(&err));
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_plugin_bad_vif_settings_touch_nothing)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    store_record *r = NULL;
    char a[37];

    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", a);
    ck_pt(store_get(pt_st, "VIF", a, &r));
    ck_pt(store_record_map_put(r, SF_other_config, "vlan", "5000"));
    ck_pt(store_update(pt_st, r));
    store_record_free(r);
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), -EINVAL);
    ck_assert_str_eq(err.code, "OPERATION_NOT_ALLOWED");
    ck_assert_ptr_nonnull(strstr(err.params[0], "vlan"));
    ck_assert_ptr_nonnull(strstr(err.params[0], "5000"));
    ck_assert_ptr_nonnull(strstr(err.params[0], "vif-param-set"));
    ck_assert_str_eq(held(a), "");
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_plugin_reconcile)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[37], b[37], c[37];

    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", a);
    pt_vif(VM2, net.network, "0", "02:00:00:00:00:02", b);
    pt_domain_new(5, VM1);
    pt_domain_new(6, VM2);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), 1);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 6, &err), 1);
    ck_assert_int_eq(plugin_reconcile(pl, NULL, NULL), 0);

    /* Domain 5 dies while nobody watches; 6 lives on. */
    pt_domain_destroy(5);
    ck_assert_int_eq(plugin_reconcile(pl, NULL, NULL), 1);
    ck_assert_str_eq(held(a), "");
    ck_assert_str_eq(held(b), "0000:3b:02.1");

    /* A domain id reused by another VM: the old reservation is stale. */
    pt_domain_destroy(6);
    pt_vif("11111111-2222-4333-8444-555555555503", net.network, "0",
           "02:00:00:00:00:03", c);
    pt_domain_new(6, "11111111-2222-4333-8444-555555555503");
    ck_assert_int_eq(plugin_reconcile(pl, NULL, NULL), 1);
    ck_assert_str_eq(held(b), "");

    /* A VF attached behind our back (xl pci-attach) is reported. */
    pt_domain_add_pci(6, "0000:3b:02.2");
    ck_assert_int_eq(plugin_reconcile(pl, NULL, NULL), 1);
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_plugin_reconcile_finishes_interrupted_start)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[37];

    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", a);
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), 1);
    /* As if the daemon died before recording the attach. */
    ck_pt(store_set_field(pt_st, "VIF", a, SF_currently_attached, "false"));
    ck_assert_int_eq(plugin_reconcile(pl, NULL, NULL), 1);
    ck_assert_str_eq(pt_field("VIF", a, SF_currently_attached), "true");
    ck_assert_str_eq(held(a), "0000:3b:02.0");
    xapi_error_clear(&err);
}
END_TEST

START_TEST(test_plugin_plug_unplug)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[37], plain[37], other[37];

    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", a);
    /* No running domain. */
    ck_assert_int_eq(ops_plugin_vif_plug(pl, a, &err), -ESRCH);
    ck_assert_str_eq(err.code, "VM_BAD_POWER_STATE");
    xapi_error_clear(&err);
    ck_assert_int_eq(ops_plugin_vif_plug(pl, "00000000-0000-4000-8000-"
                                     "000000000000", &err), -ENOENT);
    ck_assert_str_eq(err.code, "UUID_INVALID");
    xapi_error_clear(&err);

    /* A running domain that started without the VIF. */
    pt_create(pt_rec("network", "name_label", "bridged", NULL), plain);
    pt_vif(VM2, plain, "0", "02:00:00:00:00:09", other);
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_vif_plug(pl, a, &err), 0);
    ck_assert_str_eq(held(a), "0000:3b:02.0");
    ck_assert_int_eq(ops_plugin_vif_plug(pl, a, &err), -EALREADY);
    ck_assert_str_eq(err.code, "DEVICE_ALREADY_ATTACHED");
    xapi_error_clear(&err);
    ck_assert_int_eq(ops_plugin_vm_check_migrate(pl, VM1, &err), -EPERM);
    ck_assert_str_eq(err.code, "VM_HAS_SRIOV_VIF");
    ck_assert_str_eq(err.params[0], "OpaqueRef:" VM1);   /* agility.ml:146 */
    xapi_error_clear(&err);

    ck_assert_int_eq(ops_plugin_vif_unplug(pl, a, false, &err), 0);
    ck_assert_str_eq(held(a), "");
    ck_assert_int_eq(ops_plugin_vif_unplug(pl, a, false, &err), -EALREADY);
    ck_assert_str_eq(err.code, "DEVICE_ALREADY_DETACHED");
    xapi_error_clear(&err);
    ck_assert_int_eq(ops_plugin_vm_check_migrate(pl, VM1, &err), 0);

    /* Not an SR-IOV VIF. */
    ck_assert_int_eq(ops_plugin_vif_plug(pl, other, &err), -EINVAL);
    ck_assert_str_eq(err.code, "OPERATION_NOT_ALLOWED");
    ck_assert_ptr_nonnull(strstr(err.params[0], "not on an SR-IOV"));
    xapi_error_clear(&err);
}
END_TEST

/* The dry-run backend's lines, for what it would have done. */
static char dry_log[4096];

static void collect(void *userdata, int level, const char *msg)
{
    (void)userdata;
    (void)level;
    if (strncmp(msg, "dry-run: ", 9) == 0 &&
        strlen(dry_log) + strlen(msg) + 2 < sizeof(dry_log)) {
        strcat(dry_log, msg);
        strcat(dry_log, "\n");
    }
}

/*
 * XenServer 5.6's other-config:pci: the VM's devices pass through at its
 * domain's start (dry-run: the backend says what it would do), and a VF a
 * VM lists is never a VIF's.
 */
START_TEST(test_plugin_vm_pci_passthrough)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct plugin_opts o = { .root = pt_root, .dry_run = true,
                             .log = collect };
    store_record *vm = pt_rec("VM", NULL);
    plugin *p = NULL;
    char a[37], uuid[37];

    ck_assert_int_eq(store_record_set_uuid(vm, VM1), 0);
    ck_assert_int_eq(store_record_map_put(vm, SF_other_config, "pci",
                                          "1/0000:3b:02.0,0/0000:3b:00.1"),
                     0);
    pt_create(vm, uuid);
    ck_assert_str_eq(uuid, VM1);
    ck_assert_int_eq(ops_plugin_new(&p, &o, &err), 0);

    /* VM2's VIF gets the lowest free VF that VM1 does not list. */
    pt_vif(VM2, net.network, "0", "02:00:00:00:00:01", a);
    pt_domain_new(6, VM2);
    ck_assert_int_eq(ops_plugin_domain_start(p, 6, &err), 1);
    ck_assert_str_eq(held(a), "0000:3b:02.1");
    ck_assert_ptr_null(strstr(dry_log, "0000:3b:02.0"));
    {
        struct plugin_vf_status *v = NULL;
        size_t n = 0;

        ck_assert_int_eq(plugin_network_sriov_vfs(p, net.ns, &v, &n), 0);
        ck_assert_uint_ge(n, 1);
        ck_assert_str_eq(v[0].bdf, "0000:3b:02.0");
        ck_assert_ptr_nonnull(v[0].unusable);
        ck_assert_ptr_nonnull(strstr(v[0].unusable, "other-config:pci of "
                                     "VM " VM1));
        plugin_vf_status_free(v, n);
    }

    /* VM1's domain: both devices, in the list's order (N). */
    dry_log[0] = '\0';
    pt_domain_new(5, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &err), 2);
    ck_assert_str_eq(dry_log,
                     "dry-run: would make 0000:3b:00.1 assignable\n"
                     "dry-run: would attach 0000:3b:00.1 to domain 5\n"
                     "dry-run: would make 0000:3b:02.0 assignable\n"
                     "dry-run: would attach 0000:3b:02.0 to domain 5\n");
    /* Not a reservation: no VIF, no PCI record changes (vf[1] is
     * 3b:02.0). */
    ck_assert_str_eq(pt_field("PCI", net.vf[1], SF_reserved_by), "");
    ck_assert_str_eq(pt_field("PCI", net.vf[1], SF_reserved_domid), "-1");
    check_paths();

    /* A VIF's VF cannot be listed: VM2's VIF holds 3b:02.1. */
    {
        struct ops_ctx ops = { .sriov = plugin_sriov_ctx(p), .st = pt_st,
                               .caller = "test" };
        struct ops_change c = { OPS_MAP_PUT, "other_config", "pci",
                                "0/0000:3b:02.1" };

        ck_assert_int_eq(ops_apply_changes(&ops, "VM", VM2, &c, 1, &err),
                         -EBUSY);
        ck_assert_str_eq(err.code, "VALUE_NOT_SUPPORTED");
        ck_assert_ptr_nonnull(strstr(err.params[2], a));
        xapi_error_clear(&err);
        ck_assert_int_eq(store_get(pt_st, "VM", VM2, &vm), -ENOENT);
    }

    /* A stored list that no longer parses (written behind our back):
     * the start says so, nothing attached. */
    pt_domain_destroy(5);
    ck_assert_int_eq(store_get(pt_st, "VM", VM1, &vm), 0);
    ck_assert_int_eq(store_record_map_put(vm, SF_other_config, "pci",
                                          "0/3b:02.0"), 0);
    ck_assert_int_eq(store_update(pt_st, vm), 0);
    store_record_free(vm);
    dry_log[0] = '\0';
    pt_domain_new(7, VM1);
    ck_assert_int_eq(ops_plugin_domain_start(p, 7, &err), -EINVAL);
    ck_assert_ptr_nonnull(strstr(plugin_last_error(p), "other-config:pci"));
    ck_assert_str_eq(dry_log, "");
    xapi_error_clear(&err);
    plugin_free(p);
}
END_TEST

/*
 * A PV domain whose PCI backend exists (a first device, added while the
 * guest boots) takes its next device only once the guest's pcifront has
 * connected the backend (state 4): libxl 4.17 waits 10 s, then fails.
 * The plugin waits for it.  A child plays the guest once the VIF holds
 * its VF (the start is then on its way to the attach): it goes through
 * Reconfiguring and Reconfigured to Connected, or the domain dies.
 */
enum guest_act { GUEST_CONNECTS, GUEST_DIES };

static pid_t guest_after_reservation(const char *vif, unsigned domid,
                                     enum guest_act act)
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct xs_handle *xs = xs_open(0);
        char path[160], *v;
        unsigned len, n;
        int ok = 0;

        snprintf(path, sizeof(path), "/tool/xen-sriov/VIF/%s/reserved_pci",
                 vif);
        if (!xs || !xs_watch(xs, path, "r"))
            _exit(2);
        for (;;) {
            v = xs_read(xs, XBT_NULL, path, &len);
            ok = v && *v;
            free(v);
            if (ok)
                break;
            free(xs_read_watch(xs, &n));
        }
        snprintf(path, sizeof(path),
                 "/local/domain/0/backend/pci/%u/0/state", domid);
        if (act == GUEST_CONNECTS) {
            ok = xs_write(xs, XBT_NULL, path, "7", 1) &&
                 xs_write(xs, XBT_NULL, path, "8", 1) &&
                 xs_write(xs, XBT_NULL, path, "4", 1);
        } else {
            /* xenstored forgets it; libxl removes its nodes later. */
            ok = pt_domains_drop(domid) == 0 &&
                 xs_release_domain(xs, domid);
        }
        xs_close(xs);
        _exit(ok ? 0 : 3);
    }
    return pid;
}

static void guest_done(pid_t pid)
{
    int st;

    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* domain @p domid of type @p type, with a first device in its backend. */
static void domain_with_backend(unsigned domid, const char *type)
{
    char path[128];

    pt_domain_new(domid, VM1);
    snprintf(path, sizeof(path), "/libxl/%u/type", domid);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, type, strlen(type)));
    pt_domain_add_pci(domid, "0000:3b:02.3");
    snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%u/0/state",
             domid);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, "1", 1));
}

/* A VIF of VM1 on PV domain 5 (a first device in its backend), started
 * while a child plays the guest; the start's result. */
static int start_pv(enum guest_act act, char vif[37],
                    struct xapi_error *err)
{
    pid_t g;
    int r;

    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", vif);
    domain_with_backend(5, "pv");
    g = guest_after_reservation(vif, 5, act);
    r = ops_plugin_domain_start(pl, 5, err);
    guest_done(g);
    return r;
}

START_TEST(test_plugin_pv_waits_for_pcifront)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[37];

    ck_assert_int_eq(start_pv(GUEST_CONNECTS, a, &err), 1);
    ck_assert_str_eq(held(a), "0000:3b:02.0");
    ck_assert_str_eq(pt_field("VIF", a, SF_currently_attached), "true");
    pt_domain_destroy(5);
    ck_assert_int_eq(ops_plugin_domain_release(pl, 5, &err), 1);
    ck_assert(!xapi_error_is_set(&err));
}
END_TEST

START_TEST(test_plugin_pv_dies_before_pcifront)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[37];

    ck_assert_int_lt(start_pv(GUEST_DIES, a, &err), 0);
    ck_assert_msg(strstr(plugin_last_error(pl), "domain 5 died") ||
                  strstr(plugin_last_error(pl), "vanished"), "%s",
                  plugin_last_error(pl));
    /* Rolled back: the VF is free again. */
    ck_assert_str_eq(held(a), "");
    ck_assert_str_eq(pt_field("PCI", net.vf[0], SF_reserved_by), "");
    ck_assert_int_eq(pt_domains_drop(5), 0);
    ck_assert(xs_rm(pt_xs, XBT_NULL, "/local/domain/5"));
    ck_assert(xs_rm(pt_xs, XBT_NULL, "/local/domain/0/backend/pci/5"));
    xapi_error_clear(&err);
}
END_TEST

/* HVM: no pcifront, libxl does not wait; neither does the plugin. */
START_TEST(test_plugin_hvm_does_not_wait)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[37];

    pt_vif(VM1, net.network, "0", "02:00:00:00:00:01", a);
    domain_with_backend(5, "hvm");
    ck_assert_int_eq(ops_plugin_domain_start(pl, 5, &err), 1);
    ck_assert_str_eq(held(a), "0000:3b:02.0");
    pt_domain_destroy(5);
    ck_assert_int_eq(ops_plugin_domain_release(pl, 5, &err), 1);
}
END_TEST

static Suite *plugin_suite(void)
{
    Suite *s = suite_create("plugin-reserve");
    TCase *tc = tcase_create("reserve");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_plugin_start_reserves_lowest_free);
    tcase_add_test(tc, test_plugin_vm_pci_passthrough);
    tcase_add_test(tc, test_plugin_saved_config_keeps_driver);
    tcase_add_test(tc, test_plugin_capacity_all_or_nothing);
    tcase_add_test(tc, test_plugin_vf_status_says_why);
    tcase_add_test(tc, test_plugin_vf_status_names_manual_holder);
    tcase_add_test(tc, test_plugin_vf_gone_from_sysfs);
    tcase_add_test(tc, test_plugin_ordinary_vifs_ignored);
    tcase_add_test(tc, test_plugin_bad_vif_settings_touch_nothing);
    tcase_add_test(tc, test_plugin_reconcile);
    tcase_add_test(tc, test_plugin_reconcile_finishes_interrupted_start);
    tcase_add_test(tc, test_plugin_plug_unplug);
    tcase_add_test(tc, test_plugin_pv_waits_for_pcifront);
    tcase_add_test(tc, test_plugin_pv_dies_before_pcifront);
    tcase_add_test(tc, test_plugin_hvm_does_not_wait);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(plugin_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
