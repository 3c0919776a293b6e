/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The boot restore (boot/restore.h) against a real xenstored and
 * simulated hosts (kernel-sim.so preloaded): SR-IOV networks, VIFs and
 * reservations made with the normal operations and the plugin, then a
 * simulated reboot (a new, empty xenstored; the sysfs tree rebuilt as it
 * is after boot: no VFs on our PFs, VF drivers as the kernel binds them;
 * the NIC's VF settings gone), then the restore, compared with the state
 * before: every node of the store, sriov_numvfs, drivers, VF settings.
 * Then the hardware changes (NIC removed, moved, fewer VFs), the failures
 * (corrupt snapshot, xenstored down, EBUSY from sysfs), the modprobe mode,
 * a store kept, and a second run that changes nothing.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boot/restore.h"
#include "libsriov/macro.h"
#include "tests/helpers/plugin-fake.h"
#include "tests/helpers/plugin-test.h"
#include "tests/helpers/sim-host.h"
#include "ops/ops.h"

#define VM "7d3c6a51-8a38-4bb1-9cf1-3a6b4e0a0c01"
#define X710_P1 "0000:3b:00.1"
#define I82599_P0 "0000:04:00.0"

static sriov_ctx *ctx;
static struct ops_ctx ops;
static struct xapi_error err = XAPI_ERROR_INIT;
static struct plugin_fake fk;
static char host[37];
static char out[16384];                 /* the restore's report */
static struct restore_stats stats;

#define ck_ops(expr) do {                                                 \
        int _r = (expr);                                                  \
        ck_assert_msg(_r >= 0, "%s = %d: %s %s", #expr, _r,               \
                      err.code ? err.code : "",                           \
                      err.n_params ? err.params[err.n_params - 1] : "");  \
    } while (0)

static void open_store(void)
{
    struct store_opts o = { .root = pt_root };
    char msg[512];

    ck_assert_msg(store_open(&pt_st, &o, msg, sizeof(msg)) == 0, "%s", msg);
    ops.st = pt_st;
    pt_xs = xs_open(0);
    ck_assert_ptr_nonnull(pt_xs);
}

static void load_host(const char *a, const char *b)
{
    char msg[1024];

    ck_assert_msg(sim_host_load_text(pt_root, a, "host", msg,
                                     sizeof(msg)) == 0, "%s", msg);
    if (b)
        ck_assert_msg(sim_host_load_text(pt_root, b, "host2", msg,
                                         sizeof(msg)) == 0, "%s", msg);
}

/* A host from one or two manifests' text, scanned. */
static void host_new(const char *a, const char *b)
{
    xs_harness_setup();
    pt_root = fixture_new_text("");
    fixture_xl_config(pt_root, "vm1", VM);
    load_host(a, b);
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, pt_root), 0);
    ops = (struct ops_ctx){ .sriov = ctx, .caller = "test",
                            .hostname = "dom0" };
    open_store();
    snprintf(pt_domains, sizeof(pt_domains), "0");
    ck_assert_int_eq(plugin_fake_init(&fk, pt_root), 0);
    ck_ops(ops_host_ensure(&ops, host, &err));
    ck_ops(ops_pif_scan(&ops, host, &err));
    unsetenv("SIM_FAIL");
}

static void teardown(void)
{
    unsetenv("SIM_FAIL");
    xapi_error_clear(&err);
    ctx = sriov_ctx_free(ctx);
    pt_teardown();
}

/* A manifest's text, with @p from replaced by @p to (pairs, NULL-ended). */
static char *manifest(const char *name, ...)
{
    FILE *f = fopen(fixture_manifest_path(name), "re");
    char *text = calloc(1, 65536), *s;
    const char *from, *to;
    va_list ap;
    size_t n;

    ck_assert_ptr_nonnull(f);
    n = fread(text, 1, 65535, f);
    fclose(f);
    text[n] = '\0';
    va_start(ap, name);
    while ((from = va_arg(ap, const char *))) {
        to = va_arg(ap, const char *);
        while ((s = strstr(text, from))) {
            size_t lf = strlen(from), lt = strlen(to);

            memmove(s + lt, s + lf, strlen(s + lf) + 1);
            memcpy(s, to, lt);
        }
    }
    va_end(ap);
    return text;
}

/* An SR-IOV network on the PIF of @p ifname with @p vfs VFs. */
static void sriov_network(const char *ifname, unsigned vfs, char net[37],
                          char ns[37])
{
    struct ops_network_args a = { .name_label = ifname, .managed = -1 };
    struct store_match m[] = { { SF_device, ifname }, { SF_physical, "true" } };
    store_record **v = NULL;
    size_t n = 0;

    ck_ops(ops_network_create(&ops, &a, net, &err));
    ck_assert_int_eq(store_list(pt_st, "PIF", m, 2, 0, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_ops(ops_network_sriov_create(&ops, store_record_uuid(v[0]), net, vfs,
                                    ns, &err));
    store_record_list_free(v, n);
}

static void vif(const char *net, const char *device, const char *mac,
                const char *vlan, char uuid[37])
{
    const char *oc[] = { "vlan", vlan, NULL };
    struct ops_vif_args a = { .vm_uuid = VM, .network_uuid = net,
                              .device = device, .mac = mac,
                              .other_config = vlan ? oc : NULL };

    ck_ops(ops_vif_create(&ops, &a, uuid, &err));
}

static unsigned numvfs(const char *bdf)
{
    char path[1024], buf[32] = "";
    FILE *f;

    snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s/sriov_numvfs",
             pt_root, bdf);
    f = fopen(path, "re");
    if (!f)
        return 0;
    if (!fgets(buf, sizeof(buf), f))
        buf[0] = '\0';
    fclose(f);
    return (unsigned)strtoul(buf, NULL, 10);
}

static const char *driver(const char *bdf)
{
    static char buf[256];
    char *d = NULL;

    ck_assert_int_eq(sriov_pci_get_driver(ctx, bdf, &d), 0);
    snprintf(buf, sizeof(buf), "%s", d ? d : "");
    free(d);
    return buf;
}

/* ---- every node of the store, as text ---------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump_node(struct xs_handle *xs, const char *path, char **buf,
                      size_t *len, FILE *f)
{
    unsigned n = 0, vlen = 0;
    char **kids, *val;

    val = xs_read(xs, XBT_NULL, path, &vlen);
    fprintf(f, "%s = \"%.*s\"\n", path, (int)vlen, val ? val : "");
    free(val);
    kids = xs_directory(xs, XBT_NULL, path, &n);
    if (!kids)
        return;
    qsort(kids, n, sizeof(*kids), cmp_str);
    for (unsigned i = 0; i < n; i++) {
        char child[1024];

        /* Bookkeeping that changes with every write, not the records;
         * the counters go with a load (a hint worked out again). */
        if (strcmp(path, SCHEMA_ROOT) == 0 &&
            (strcmp(kids[i], "generation") == 0 ||
             strcmp(kids[i], "journal") == 0 ||
             strcmp(kids[i], SCHEMA_NODE_COUNTER) == 0))
            continue;
        snprintf(child, sizeof(child), "%s/%s", path, kids[i]);
        dump_node(xs, child, buf, len, f);
    }
    free(kids);
}

/* Every node under the store's root; caller frees. */
static char *dump_store(void)
{
    struct xs_handle *xs = xs_open(0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(xs);
    ck_assert_ptr_nonnull(f);
    dump_node(xs, SCHEMA_ROOT, &buf, &len, f);
    fclose(f);
    xs_close(xs);
    return buf;
}

static char *read_node(const char *path)
{
    unsigned len = 0;

    return xs_read(pt_xs, XBT_NULL, path, &len);
}

/* ---- reboot and restore ------------------------------------------------ */

/* What a reboot does: xenstored starts empty, the PFs come up without
 * VFs (the manifest @p after: the hardware found at boot), the NIC forgets
 * its VF settings, Xen its quarantined devices. */
static void reboot(const char *after, const char *after2)
{
    char path[PATH_MAX + 64];

    if (pt_xs)
        xs_close(pt_xs);
    pt_xs = NULL;
    pt_st = store_close(pt_st);
    if (xs_harness_pid(xs_harness_current()) > 0)
        ck_assert_int_eq(xs_harness_kill(xs_harness_current()), 0);
    ck_assert_int_eq(xs_harness_restart(xs_harness_current()), 0);
    snprintf(pt_domains, sizeof(pt_domains), "0");
    pt_set_domains();
    snprintf(path, sizeof(path), "%s/sys", pt_root);
    ck_assert_int_eq(sim_rm_rf(path), 0);
    snprintf(path, sizeof(path), "%s/" SIM_STATE_DIR, pt_root);
    ck_assert_int_eq(sim_rm_rf(path), 0);
    snprintf(path, sizeof(path), "%s/nic", fk.dir);
    sim_rm_rf(path);
    snprintf(path, sizeof(path), "%s/quarantined", fk.dir);
    sim_rm_rf(path);
    ck_assert_int_eq(plugin_fake_init(&fk, pt_root), 0);
    load_host(after, after2);
    open_store();
}

/* The PF's driver reloaded: sysfs rebuilt, xenstore kept. */
static void pf_reload(const char *after)
{
    char path[PATH_MAX + 64];

    snprintf(path, sizeof(path), "%s/sys", pt_root);
    ck_assert_int_eq(sim_rm_rf(path), 0);
    snprintf(path, sizeof(path), "%s/" SIM_STATE_DIR, pt_root);
    ck_assert_int_eq(sim_rm_rf(path), 0);
    snprintf(path, sizeof(path), "%s/nic", fk.dir);
    sim_rm_rf(path);
    snprintf(path, sizeof(path), "%s/quarantined", fk.dir);
    sim_rm_rf(path);
    ck_assert_int_eq(plugin_fake_init(&fk, pt_root), 0);
    load_host(after, NULL);
}

static void report(void *userdata, bool problem, const char *line)
{
    size_t len = strlen(out);

    (void)userdata;
    snprintf(out + len, sizeof(out) - len, "%s%s\n",
             problem ? "not restored: " : "", line);
}

static int restore(void)
{
    struct plugin_opts po = { .backend = &plugin_fake_backend,
                              .backend_data = &fk };
    struct restore_opts o = { .root = pt_root, .report = report,
                              .plugin = &po };
    char msg[2048];
    int r;

    out[0] = '\0';
    r = restore_run(&o, &stats, msg, sizeof(msg));
    if (r < 0) {
        size_t len = strlen(out);

        snprintf(out + len, sizeof(out) - len, "error: %s\n", msg);
    }
    return r;
}

#define has(text) ck_assert_msg(strstr(out, (text)) != NULL,              \
                                "no '%s' in:\n%s", (text), out)

/* A second run changes nothing: no sysfs write, no store change, no
 * call that changes the NIC or Xen (the stand-in's log). */
static void again_changes_nothing(const char *store_before)
{
    _cleanup_free_ char *gen = read_node(SCHEMA_ROOT "/generation");
    _cleanup_free_ char *gen2 = NULL, *now = NULL;
    char log[1024];
    int r;

    ck_assert_int_eq(plugin_fake_set(&fk, "log", NULL), 0);
    r = restore();
    ck_assert_msg(r >= 0, "%s", out);
    ck_assert_int_eq(plugin_fake_get(&fk, "log", log, sizeof(log)), 0);
    ck_assert_uint_eq(stats.sysfs_writes, 0);
    ck_assert_uint_eq(stats.store_changes, 0);
    gen2 = read_node(SCHEMA_ROOT "/generation");
    ck_assert_str_eq(gen, gen2);
    now = dump_store();
    if (store_before)
        ck_assert_str_eq(store_before, now);
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(test_restore_reboot_brings_back_store_and_vfs)
{
    _cleanup_free_ char *x710 = manifest("x710-2pf", NULL);
    _cleanup_free_ char *i82599 = manifest("82599-2pf", NULL);
    _cleanup_free_ char *before = NULL, *after = NULL;
    char net1[37], ns1[37], net2[37], ns2[37], v1[37], v2[37], v3[37];

    host_new(x710, i82599);
    sriov_network("enp59s0f1", 4, net1, ns1);
    sriov_network("enp4s0f1", 6, net2, ns2);
    vif(net1, "0", "00:16:3e:00:00:01", "100", v1);
    vif(net1, "1", NULL, NULL, v2);
    vif(net2, "2", "random", "7", v3);
    ck_assert_uint_eq(numvfs(X710_P1), 4);
    ck_assert_uint_eq(numvfs("0000:04:00.1"), 6);
    before = dump_store();
    ck_assert_ptr_nonnull(strstr(before, ns1));

    reboot(x710, i82599);
    ck_assert_uint_eq(numvfs(X710_P1), 0);
    ck_assert_ptr_null(read_node(SCHEMA_ROOT));
    ck_assert_int_eq(restore(), 0);
    has("objects loaded from");
    has("(enp59s0f1, 0000:3b:00.1): 4 VFs enabled (sysfs)");
    has("(enp4s0f1, 0000:04:00.1): 6 VFs enabled (sysfs)");
    ck_assert_uint_eq(stats.not_restored, 0);
    ck_assert_uint_eq(stats.networks, 2);
    ck_assert_uint_eq(stats.vfs, 10);
    ck_assert_uint_ge(stats.sysfs_writes, 2);
    ck_assert_uint_eq(numvfs(X710_P1), 4);
    ck_assert_uint_eq(numvfs("0000:04:00.1"), 6);
    /* The manifest's own VFs (port 0) were left as they came up. */
    ck_assert_uint_eq(numvfs("0000:3b:00.0"), 4);
    ck_assert_str_eq(driver("0000:3b:02.3"), "pciback");
    ck_assert_str_eq(driver("0000:3b:0a.0"), "iavf");  /* port 1's VF 0 */
    after = dump_store();
    ck_assert_str_eq(before, after);

    again_changes_nothing(before);
    ck_assert_uint_eq(stats.not_restored, 0);
}
END_TEST

/* The VIF's VF reserved for a domain: at boot the domain is gone. */
static void reserve_for_domain_5(char net[37], char v1[37])
{
    struct xapi_error e = XAPI_ERROR_INIT;
    plugin *p;

    sriov_network("enp59s0f1", 4, net, (char[37]){ 0 });
    vif(net, "0", "00:16:3e:00:00:01", "100", v1);
    pt_domain_new(5, VM);
    p = pt_plugin(&plugin_fake_backend, &fk);
    ck_assert_int_eq(ops_plugin_domain_start(p, 5, &e), 1);
    plugin_free(p);
    xapi_error_clear(&e);
    ck_assert_str_eq(pt_field("VIF", v1, SF_currently_attached), "true");
}

static const char *vf_of(const char *vif_uuid)
{
    static char bdf[32];
    const char *pci = pt_field("VIF", vif_uuid, SF_reserved_pci);

    ck_assert_str_ne(pci, "");
    snprintf(bdf, sizeof(bdf), "%s", pt_field("PCI", pci, SF_pci_id));
    return bdf;
}

START_TEST(test_restore_releases_vfs_of_domains_gone)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    _cleanup_free_ char *after = NULL;
    char net[37], v1[37], bdf[32];

    host_new(text, NULL);
    reserve_for_domain_5(net, v1);
    snprintf(bdf, sizeof(bdf), "%s", vf_of(v1));
    ck_assert_str_eq(driver(bdf), "pciback");

    reboot(text, NULL);
    ck_assert_int_eq(restore(), 0);
    has("4 VFs enabled");
    has("released: domain 5 of VM " VM " is gone");
    ck_assert_str_eq(pt_field("VIF", v1, SF_reserved_pci), "");
    ck_assert_str_eq(pt_field("VIF", v1, SF_currently_attached), "false");
    ck_assert_str_eq(driver(bdf), "iavf");
    after = dump_store();
    again_changes_nothing(after);
}
END_TEST

START_TEST(test_restore_puts_back_vfs_still_reserved)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    _cleanup_free_ char *before = NULL;
    char net[37], v1[37], bdf[32], nic[256];

    host_new(text, NULL);
    reserve_for_domain_5(net, v1);
    snprintf(bdf, sizeof(bdf), "%s", vf_of(v1));
    ck_assert_int_gt(plugin_fake_get(&fk, "nic/enp59s0f1-0", nic,
                                     sizeof(nic)), 0);
    ck_assert_ptr_nonnull(strstr(nic, "00:16:3e:00:00:01 100 "));
    before = dump_store();

    /* The PF's driver reloaded while domain 5 runs: its VFs were made
     * again, dom0's iavf took them, the NIC forgot their settings. */
    pf_reload(text);
    ck_assert_uint_eq(numvfs(X710_P1), 0);
    ck_assert_int_eq(restore(), 0);
    has("xenstore already holds the store: kept");
    has("4 VFs enabled");
    {
        char line[128];

        snprintf(line, sizeof(line), "VF %s put back: settings applied on "
                 "pciback", bdf);
        has(line);
    }
    ck_assert_str_eq(driver(bdf), "pciback");
    ck_assert_int_gt(plugin_fake_get(&fk, "nic/enp59s0f1-0", nic,
                                     sizeof(nic)), 0);
    ck_assert_ptr_nonnull(strstr(nic, "00:16:3e:00:00:01 100 "));
    {
        _cleanup_free_ char *now = dump_store();

        ck_assert_str_eq(before, now);
    }
    again_changes_nothing(before);
}
END_TEST

START_TEST(test_restore_nic_removed_is_marked_never_deleted)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    _cleanup_free_ char *after_text = manifest("82599-2pf", NULL);
    _cleanup_free_ char *before = NULL, *after = NULL;
    char net1[37], ns1[37], net2[37], ns2[37], v1[37];
    const char *phys, *logical;

    host_new(text, after_text);
    sriov_network("enp59s0f1", 4, net1, ns1);
    sriov_network("enp4s0f1", 2, net2, ns2);
    vif(net1, "0", NULL, NULL, v1);
    before = dump_store();

    reboot(after_text, NULL);
    ck_assert_int_eq(restore(), 1);
    has("not restored: network-sriov");
    has("no NIC at 0000:3b:00.1 nor with MAC 3c:fd:fe:9e:7a:01 on this "
        "host (removed?)");
    has("(enp4s0f1, 0000:04:00.1): 2 VFs enabled");
    ck_assert_uint_eq(stats.not_restored, 1);
    ck_assert_uint_eq(numvfs("0000:04:00.1"), 2);
    phys = pt_field("network_sriov", ns1, SF_physical_PIF);
    logical = pt_field("network_sriov", ns1, SF_logical_PIF);
    ck_assert_str_eq(pt_field("PIF", phys, SF_currently_attached), "false");
    ck_assert_str_eq(pt_field("PIF", logical, SF_currently_attached),
                     "false");
    /* Every object is still there. */
    after = dump_store();
    ck_assert_uint_eq(strlen(after) > strlen(before) / 2, 1);
    ck_assert_ptr_nonnull(strstr(after, v1));
    ck_assert_ptr_nonnull(strstr(after, ns1));
    ck_assert_ptr_nonnull(strstr(after, net1));
    again_changes_nothing(after);
    ck_assert_uint_eq(stats.not_restored, 1);
}
END_TEST

START_TEST(test_restore_nic_moved_follows_its_mac)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    /* The same NIC in another slot: behind another root port, bus 5e. */
    _cleanup_free_ char *moved = manifest("x710-2pf", "0000:3a:00.0",
                                          "0000:5d:00.0", "0000:3b:",
                                          "0000:5e:", "0x3b", "0x5e", NULL);
    _cleanup_free_ char *after = NULL;
    char net[37], ns[37], phys[37], logical[37], pci[37];

    char pif_net[37];

    host_new(text, NULL);
    sriov_network("enp59s0f1", 4, net, ns);
    /* Its own network (pif-scan's, as XAPI's introduce_internal). */
    snprintf(pif_net, 37, "%s",
             pt_field("PIF", pt_field("network_sriov", ns, SF_physical_PIF),
                      SF_network));
    ck_assert_uint_eq(strlen(pif_net), 36);
    reboot(moved, NULL);
    ck_assert_int_eq(restore(), 0);
    has("the NIC with MAC 3c:fd:fe:9e:7a:01 is now at 0000:5e:00.1");
    has("4 VFs enabled");
    ck_assert_uint_eq(numvfs("0000:5e:00.1"), 4);
    snprintf(phys, 37, "%s", pt_field("network_sriov", ns, SF_physical_PIF));
    snprintf(logical, 37, "%s", pt_field("network_sriov", ns,
                                         SF_logical_PIF));
    snprintf(pci, 37, "%s", pt_field("PIF", phys, SF_PCI));
    ck_assert_str_eq(pt_field("PCI", pci, SF_pci_id), "0000:5e:00.1");
    ck_assert_str_eq(pt_field("PIF", logical, SF_PCI), pci);
    /* The PIF keeps its network in the new slot. */
    ck_assert_str_eq(pt_field("PIF", phys, SF_network), pif_net);
    ck_assert_str_eq(pt_field("PIF", phys, SF_currently_attached), "true");
    ck_assert_str_eq(pt_field("PIF", logical, SF_currently_attached), "true");
    after = dump_store();
    again_changes_nothing(after);
}
END_TEST

/* Two ports that swapped (their MACs did): each PIF follows its MAC, the
 * VFs are enabled where the network's NIC is now. */
START_TEST(test_restore_swapped_nics_follow_their_macs)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    _cleanup_free_ char *swapped = manifest("x710-2pf",
        "mac=3c:fd:fe:9e:7a:00", "mac=swapped",
        "mac=3c:fd:fe:9e:7a:01", "mac=3c:fd:fe:9e:7a:00",
        "mac=swapped", "mac=3c:fd:fe:9e:7a:01", NULL);
    _cleanup_free_ char *after = NULL;
    char net[37], ns[37], phys[37], pci[37];
    store_record **v = NULL;
    size_t n = 0;
    struct store_match m = { SF_MAC, "3c:fd:fe:9e:7a:00" };

    host_new(text, NULL);
    sriov_network("enp59s0f1", 4, net, ns);
    reboot(swapped, NULL);
    ck_assert_int_eq(restore(), 0);
    has("the NIC with MAC 3c:fd:fe:9e:7a:01 is now at 0000:3b:00.0");
    ck_assert_uint_eq(numvfs("0000:3b:00.0"), 4);
    ck_assert_uint_eq(numvfs(X710_P1), 0);
    snprintf(phys, 37, "%s", pt_field("network_sriov", ns, SF_physical_PIF));
    snprintf(pci, 37, "%s", pt_field("PIF", phys, SF_PCI));
    ck_assert_str_eq(pt_field("PCI", pci, SF_pci_id), "0000:3b:00.0");
    ck_assert_str_eq(pt_field("PIF", phys, SF_device), "enp59s0f0");
    ck_assert_str_eq(pt_field("PIF", phys, SF_MAC), "3c:fd:fe:9e:7a:01");
    /* The other port's PIF went the other way. */
    ck_assert_int_eq(store_list(pt_st, "PIF", &m, 1, 0, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(store_record_get(v[0], SF_device), "enp59s0f1");
    snprintf(pci, 37, "%s", store_record_get(v[0], SF_PCI));
    store_record_list_free(v, n);
    ck_assert_str_eq(pt_field("PCI", pci, SF_pci_id), X710_P1);
    after = dump_store();
    again_changes_nothing(after);
}
END_TEST

START_TEST(test_restore_fewer_vfs_possible_enables_what_it_can)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    _cleanup_free_ char *fewer = manifest("x710-2pf", "totalvfs=64 offset=79",
                                          "totalvfs=2 offset=79", NULL);
    char net[37], ns[37];

    host_new(text, NULL);
    sriov_network("enp59s0f1", 4, net, ns);
    reboot(fewer, NULL);
    ck_assert_int_eq(restore(), 1);
    has("4 VFs recorded but the NIC can have only 2 now (sriov_totalvfs): "
        "2 enabled");
    ck_assert_uint_eq(numvfs(X710_P1), 2);
    ck_assert_str_eq(pt_field("network_sriov", ns, SF_num_vfs), "4");
    again_changes_nothing(NULL);
}
END_TEST

START_TEST(test_restore_corrupt_snapshot_leaves_xenstore_untouched)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    char net[37], ns[37], path[4096];
    FILE *f;

    host_new(text, NULL);
    sriov_network("enp59s0f1", 4, net, ns);
    ck_assert_int_ge(store_snapshot_write(pt_st), 0);
    snprintf(path, sizeof(path), "%s/var/lib/xen-sriov/store.xml", pt_root);
    f = fopen(path, "r+e");
    ck_assert_ptr_nonnull(f);
    fseek(f, 200, SEEK_SET);
    fputs("<<garbage>>", f);
    fclose(f);
    reboot(text, NULL);
    ck_assert_int_eq(restore(), -EBADMSG);
    has("xenstore was left untouched");
    has("xen-sriov-store verify");
    ck_assert_ptr_null(read_node(SCHEMA_ROOT));
    ck_assert_uint_eq(numvfs(X710_P1), 0);
}
END_TEST

START_TEST(test_restore_xenstored_down_is_a_clear_error)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    char net[37], ns[37];
    int r;

    host_new(text, NULL);
    sriov_network("enp59s0f1", 4, net, ns);
    ck_assert_int_eq(xs_harness_kill(xs_harness_current()), 0);
    r = restore();
    ck_assert_int_lt(r, 0);
    has("cannot connect to xenstored");
    has("start xenstored");
}
END_TEST

START_TEST(test_restore_ebusy_is_reported_and_the_rest_restored)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    _cleanup_free_ char *text2 = manifest("82599-2pf", NULL);
    char net1[37], ns1[37], net2[37], ns2[37];

    host_new(text, text2);
    sriov_network("enp59s0f1", 4, net1, ns1);
    sriov_network("enp4s0f1", 3, net2, ns2);
    reboot(text, text2);
    setenv("SIM_FAIL", X710_P1 "/sriov_numvfs:EBUSY", 1);
    ck_assert_int_eq(restore(), 1);
    unsetenv("SIM_FAIL");
    has("not restored: network-sriov " );
    has("(enp59s0f1, 0000:3b:00.1): 4 VFs not enabled:");
    has("the kernel refused to change the VFs (busy");
    has("(enp4s0f1, 0000:04:00.1): 3 VFs enabled");
    ck_assert_uint_eq(numvfs(X710_P1), 0);
    ck_assert_uint_eq(numvfs("0000:04:00.1"), 3);
    ck_assert_str_eq(pt_field("PIF", pt_field("network_sriov", ns1,
                                              SF_logical_PIF),
                              SF_currently_attached), "false");
    /* Once the kernel accepts it, the next run completes it. */
    ck_assert_int_eq(restore(), 0);
    ck_assert_uint_eq(numvfs(X710_P1), 4);
    ck_assert_str_eq(pt_field("PIF", pt_field("network_sriov", ns1,
                                              SF_logical_PIF),
                              SF_currently_attached), "true");
    again_changes_nothing(NULL);
}
END_TEST

START_TEST(test_restore_modprobe_clears_requires_reboot_when_it_took)
{
    _cleanup_free_ char *text = manifest("82599-xenserver-oot", NULL);
    /* After the reboot the vendor driver made the VFs from max_vfs. */
    _cleanup_free_ char *took = manifest("82599-xenserver-oot",
        "vf_device=0x10ed\nnetdev 0000:04:00.0",
        "vf_device=0x10ed numvfs=4\nnetdev 0000:04:00.0",
        "param ixgbe max_vfs=0,0", "param ixgbe max_vfs=4,0", NULL);
    char net[37], ns[37];
    const char *logical;

    host_new(text, NULL);
    sriov_network("enp4s0f0", 4, net, ns);
    ck_assert_str_eq(pt_field("network_sriov", ns, SF_configuration_mode),
                     "modprobe");
    ck_assert_str_eq(pt_field("network_sriov", ns, SF_requires_reboot),
                     "true");
    logical = pt_field("network_sriov", ns, SF_logical_PIF);
    ck_assert_str_eq(pt_field("PIF", logical, SF_currently_attached), "false");

    /* Rebooted, but the option did not take effect: said, kept. */
    reboot(text, NULL);
    ck_assert_int_eq(restore(), 1);
    has("no VFs: the ixgbe module option has not taken effect");
    ck_assert_str_eq(pt_field("network_sriov", ns, SF_requires_reboot),
                     "true");

    reboot(took, NULL);
    ck_assert_uint_eq(numvfs(I82599_P0), 4);
    ck_assert_int_eq(restore(), 0);
    has("the module option took effect (4 VFs): requires-reboot cleared");
    ck_assert_uint_eq(stats.sysfs_writes, 0);
    ck_assert_str_eq(pt_field("network_sriov", ns, SF_requires_reboot),
                     "false");
    logical = pt_field("network_sriov", ns, SF_logical_PIF);
    ck_assert_str_eq(pt_field("PIF", logical, SF_currently_attached), "true");
    again_changes_nothing(NULL);
}
END_TEST

START_TEST(test_restore_keeps_a_store_already_in_xenstore)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    _cleanup_free_ char *before = NULL;
    char net[37], ns[37], path[256];

    host_new(text, NULL);
    sriov_network("enp59s0f1", 4, net, ns);
    /* A change the snapshot does not have: xenstore is newer. */
    snprintf(path, sizeof(path), SCHEMA_ROOT "/network/%s/name_label", net);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, "live", 4));
    before = dump_store();
    ck_assert_int_eq(restore(), 0);
    has("xenstore already holds the store: kept, snapshot not loaded");
    ck_assert_int_eq(stats.loaded, -1);
    ck_assert_str_eq(pt_field("network", net, SF_name_label), "live");
    ck_assert_uint_eq(stats.sysfs_writes, 0);
    again_changes_nothing(before);
}
END_TEST

/* The restore killed while it loaded: the next run loads again. */
START_TEST(test_restore_interrupted_load_is_run_again)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    _cleanup_free_ char *before = NULL, *after = NULL;
    char net[37], ns[37], path[256];

    host_new(text, NULL);
    sriov_network("enp59s0f1", 4, net, ns);
    before = dump_store();
    reboot(text, NULL);
    /* What a load leaves when killed: its marker and part of the tree. */
    ck_assert(xs_write(pt_xs, XBT_NULL, SCHEMA_ROOT "/restoring",
                       "00000000000000aa", 16));
    snprintf(path, sizeof(path), SCHEMA_ROOT "/network/%s/name_label", net);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, "half", 4));
    ck_assert_int_eq(restore(), 0);
    has("objects loaded from");
    has("4 VFs enabled");
    ck_assert_ptr_null(read_node(SCHEMA_ROOT "/restoring"));
    after = dump_store();
    ck_assert_str_eq(before, after);
    again_changes_nothing(before);
}
END_TEST

START_TEST(test_restore_dry_run_changes_nothing)
{
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    _cleanup_free_ char *before = NULL, *now = NULL, *gen = NULL;
    _cleanup_free_ char *gen2 = NULL;
    struct restore_opts o = { .report = report, .dry_run = true };
    char net[37], v1[37], msg[1024];

    host_new(text, NULL);
    reserve_for_domain_5(net, v1);
    pf_reload(text);
    before = dump_store();
    gen = read_node(SCHEMA_ROOT "/generation");
    o.root = pt_root;
    out[0] = '\0';
    ck_assert_int_eq(restore_run(&o, &stats, msg, sizeof(msg)), 0);
    has("would enable 4 VFs (sysfs; 0 now)");
    has("would be released if that domain is gone");
    ck_assert_uint_eq(stats.sysfs_writes, 0);
    ck_assert_uint_eq(stats.store_changes, 0);
    ck_assert_uint_eq(numvfs(X710_P1), 0);
    now = dump_store();
    ck_assert_str_eq(before, now);
    gen2 = read_node(SCHEMA_ROOT "/generation");
    ck_assert_str_eq(gen, gen2);
}
END_TEST

START_TEST(test_restore_no_snapshot_is_nothing_to_do)
{
    xs_harness_setup();
    pt_root = fixture_new_text("");
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(plugin_fake_init(&fk, pt_root), 0);
    open_store();
    ck_assert_int_eq(restore(), 0);
    has("no snapshot at");
    ck_assert_uint_eq(stats.sysfs_writes, 0);
}
END_TEST

/* ---- a network-sriov-create cut short -------------------------------- */

static void kill_self(void *userdata, const char *step)
{
    if (strcmp(step, userdata) == 0)
        raise(SIGKILL);
}

/* network-sriov-create of 4 VFs on enp59s0f1, killed at @p step. */
static void create_killed_at(const char *step, char net[37])
{
    struct ops_network_args a = { .name_label = "cut", .managed = -1 };
    struct store_match m[] = { { SF_device, "enp59s0f1" },
                               { SF_physical, "true" } };
    store_record **v = NULL;
    size_t n = 0;
    int status;
    pid_t pid;

    ck_ops(ops_network_create(&ops, &a, net, &err));
    ck_assert_int_eq(store_list(pt_st, "PIF", m, 2, 0, &v, &n), 0);
    ck_assert_uint_eq(n, 1);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char ns[37];

        ops.step = kill_self;
        ops.step_userdata = (void *)step;
        ops_network_sriov_create(&ops, store_record_uuid(v[0]), net, 4, ns,
                                 &err);
        _exit(3);
    }
    store_record_list_free(v, n);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static int64_t capacity(void)
{
    store_record **v = NULL;
    int64_t cap = -1;
    size_t n = 0;

    ck_assert_int_eq(store_list(pt_st, "network_sriov", NULL, 0, 0, &v, &n),
                     0);
    ck_assert_uint_eq(n, 1);
    ck_ops(ops_network_sriov_remaining_capacity(&ops, store_record_uuid(v[0]),
                                                &cap, &err));
    store_record_list_free(v, n);
    return cap;
}

static void xen_sriovd_reconcile(void)
{
    char cmd[8192];
    const char *b = getenv("top_builddir");

    snprintf(cmd, sizeof(cmd), "SRIOV_ROOT='%s' '%s/daemon/xen-sriovd' "
             "--reconcile >'%s/reconcile.out' 2>&1", pt_root, b ? b : ".",
             pt_root);
    /* 1: something was found (the create finished). */
    ck_assert_int_eq(WEXITSTATUS(system(cmd)), 1);
}

/*
 * Killed after the records (no VFs) or after the enable (VFs without PCI
 * records), then finished by the next xe command, the restore run by
 * hand, a reboot and the restore, or xen-sriovd --reconcile: the network
 * gives a VF to a domain, and remaining-capacity was never above what
 * could be given.
 */
START_TEST(test_restore_interrupted_create_is_finished)
{
    static const char *const steps[] = { "sriov-create:records",
                                         "sriov-create:enabled" };
    _cleanup_free_ char *text = manifest("x710-2pf", NULL);
    const char *step = steps[_i / 4];
    int way = _i % 4;
    char net[37], v1[37];
    plugin *p;
    struct xapi_error e = XAPI_ERROR_INIT;

    host_new(text, NULL);
    create_killed_at(step, net);
    ck_assert_uint_eq(numvfs(X710_P1), _i / 4 ? 4 : 0);
    /* No VF has a PCI record: none can be given, none is counted. */
    ck_assert_int_eq(capacity(), 0);
    switch (way) {
    case 0:     /* the next xe command (xe_frontend_ops) */
        ck_assert_int_eq(ops_network_sriov_finish(&ops, 0, NULL, NULL, &err),
                         1);
        break;
    case 1:     /* xen-sriov-restore by hand */
        ck_assert_msg(restore() == 0, "%s", out);
        has("its interrupted create is finished");
        break;
    case 2:     /* a reboot, then the restore */
        reboot(text, NULL);
        ck_assert_msg(restore() == 0, "%s", out);
        has("4 VFs enabled (sysfs)");
        has("its interrupted create is finished");
        break;
    default:    /* xen-sriovd at start (the same as --reconcile) */
        xen_sriovd_reconcile();
        break;
    }
    ck_assert_uint_eq(numvfs(X710_P1), 4);
    ck_assert_int_eq(capacity(), 4);
    /* Nothing left to finish. */
    ck_assert_int_eq(ops_network_sriov_finish(&ops, OPS_FINISH_ALL, NULL,
                                              NULL, &err), 0);
    vif(net, "0", "00:16:3e:00:00:01", NULL, v1);
    pt_domain_new(5, VM);
    p = pt_plugin(&plugin_fake_backend, &fk);
    ck_assert_msg(ops_plugin_domain_start(p, 5, &e) == 1, "%s",
                  plugin_last_error(p));
    plugin_free(p);
    xapi_error_clear(&e);
    ck_assert_str_eq(pt_field("VIF", v1, SF_currently_attached), "true");
    ck_assert_int_eq(capacity(), 3);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("restore");
    TCase *tc = tcase_create("reboot");

    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_restore_reboot_brings_back_store_and_vfs);
    tcase_add_test(tc, test_restore_releases_vfs_of_domains_gone);
    tcase_add_test(tc, test_restore_puts_back_vfs_still_reserved);
    tcase_add_test(tc, test_restore_nic_removed_is_marked_never_deleted);
    tcase_add_test(tc, test_restore_nic_moved_follows_its_mac);
    tcase_add_test(tc, test_restore_swapped_nics_follow_their_macs);
    tcase_add_test(tc, test_restore_fewer_vfs_possible_enables_what_it_can);
    tcase_add_test(tc,
                   test_restore_corrupt_snapshot_leaves_xenstore_untouched);
    tcase_add_test(tc, test_restore_xenstored_down_is_a_clear_error);
    tcase_add_test(tc, test_restore_ebusy_is_reported_and_the_rest_restored);
    tcase_add_test(tc,
                   test_restore_modprobe_clears_requires_reboot_when_it_took);
    tcase_add_test(tc, test_restore_keeps_a_store_already_in_xenstore);
    tcase_add_test(tc, test_restore_interrupted_load_is_run_again);
    tcase_add_test(tc, test_restore_dry_run_changes_nothing);
    tcase_add_test(tc, test_restore_no_snapshot_is_nothing_to_do);
    tcase_add_loop_test(tc, test_restore_interrupted_create_is_finished, 0,
                        8);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    SRunner *sr;
    int failed;

    (void)argc;
    fixture_preload_kernel_sim(argv);
    sr = srunner_create(suite());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
