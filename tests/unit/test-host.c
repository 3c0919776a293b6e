/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host scan: what is listed, layouts of real NICs, vanishing devices. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libsriov/internal.h"
#include "tests/helpers/fixture.h"
#include "tests/helpers/sim-host.h"

static char *root;
static sriov_ctx *ctx;
static sriov_host *host;

static void teardown(void)
{
    host = sriov_host_free(host);
    ctx = sriov_ctx_free(ctx);
    fixture_free(root);
    root = NULL;
}

static void open_ctx(void)
{
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, root), 0);
}

static void scan(unsigned flags)
{
    int r = sriov_host_scan(&host, ctx, flags);

    ck_assert_msg(r == 0, "scan: %s", sriov_ctx_last_error(ctx));
}

START_TEST(test_host_x710_pfs_and_vfs)
{
    sriov_pf *pf;
    sriov_vf *vf;

    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    scan(0);
    /* the root port is not listed: only SR-IOV functions */
    ck_assert_uint_eq(sriov_host_pf_count(host), 2);
    pf = sriov_host_pf(host, 0);
    ck_assert_str_eq(sriov_pf_bdf(pf), "0000:3b:00.0");
    ck_assert_uint_eq(sriov_pf_bus(pf), 0x3b);
    ck_assert_uint_eq(sriov_pf_fn(pf), 0);
    ck_assert_uint_eq(sriov_pf_vendor_id(pf), 0x8086);
    ck_assert_uint_eq(sriov_pf_device_id(pf), 0x1572);
    ck_assert_uint_eq(sriov_pf_class(pf), 0x020000);
    ck_assert_str_eq(sriov_pf_driver(pf), "i40e");
    ck_assert(sriov_pf_is_network(pf));
    ck_assert(sriov_pf_is_sriov_capable(pf));
    ck_assert_uint_eq(sriov_pf_totalvfs(pf), 64);
    ck_assert_uint_eq(sriov_pf_numvfs(pf), 4);
    ck_assert_uint_eq(sriov_pf_vf_offset(pf), 16);
    ck_assert_uint_eq(sriov_pf_vf_stride(pf), 1);
    ck_assert_uint_eq(sriov_pf_vf_device_id(pf), 0x154c);
    ck_assert_int_eq(sriov_pf_drivers_autoprobe(pf), 1);
    ck_assert_int_eq(sriov_pf_numa_node(pf), 0);
    ck_assert_int_eq(sriov_pf_iommu_group(pf), 30);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 4);
    for (unsigned i = 0; i < 4; i++) {
        char want[16];

        vf = sriov_pf_vf(pf, i);
        snprintf(want, sizeof(want), "0000:3b:02.%u", i);
        ck_assert_uint_eq(sriov_vf_index(vf), i);
        ck_assert_str_eq(sriov_vf_bdf(vf), want);
        ck_assert_ptr_eq(sriov_vf_pf(vf), pf);
        ck_assert_str_eq(sriov_vf_pf_bdf(vf), "0000:3b:00.0");
        ck_assert_uint_eq(sriov_vf_device_id(vf), 0x154c);
        ck_assert_int_ge(sriov_vf_iommu_group(vf), 0);
    }
    vf = sriov_pf_vf(pf, 0);
    ck_assert_str_eq(sriov_vf_driver(vf), "iavf");
    ck_assert_str_eq(sriov_netdev_name(sriov_vf_netdev(vf)), "enp59s0f0v0");
    ck_assert_ptr_null(sriov_vf_busy_reason(vf));
    /* the VF bound to pciback has no interface and is in use */
    vf = sriov_pf_vf(pf, 3);
    ck_assert_str_eq(sriov_vf_driver(vf), "pciback");
    ck_assert_ptr_null(sriov_vf_netdev(vf));
    ck_assert_ptr_nonnull(strstr(sriov_vf_busy_reason(vf), "pciback"));
    ck_assert_ptr_null(sriov_pf_vf(pf, 4));
    ck_assert_ptr_eq(sriov_pf_find_vf(pf, 2), sriov_pf_vf(pf, 2));
    /* the second port has no VFs */
    pf = sriov_host_pf(host, 1);
    ck_assert_str_eq(sriov_pf_bdf(pf), "0000:3b:00.1");
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 0);
    ck_assert_uint_eq(sriov_pf_vf_offset(pf), 79);
}
END_TEST

START_TEST(test_host_vfs_on_next_bus)
{
    sriov_pf *pf;

    root = fixture_new("e810-2pf", NULL);
    open_ctx();
    scan(0);
    pf = sriov_host_find_pf(host, "0000:5e:00.1");
    ck_assert_ptr_nonnull(pf);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 4);
    /* routing ID 0x5e01 + 263 = 0x5f08: bus 5f, device 1, function 0 */
    ck_assert_str_eq(sriov_vf_bdf(sriov_pf_vf(pf, 0)), "0000:5f:01.0");
    ck_assert_str_eq(sriov_vf_bdf(sriov_pf_vf(pf, 3)), "0000:5f:01.3");
    ck_assert_ptr_eq(sriov_host_find_vf(host, "5f:01.2"),
                     sriov_pf_vf(pf, 2));
    pf = sriov_host_find_pf(host, "0000:5e:00.0");
    ck_assert_str_eq(sriov_vf_bdf(sriov_pf_vf(pf, 1)), "0000:5e:01.1");
}
END_TEST

START_TEST(test_host_interleaved_vfs)
{
    sriov_pf *pf;

    /* 82599: offset 128 stride 2, port 0's VFs on even functions */
    root = fixture_new("82599-2pf", NULL);
    open_ctx();
    scan(0);
    pf = sriov_host_pf(host, 0);
    ck_assert_uint_eq(sriov_pf_totalvfs(pf), 63);
    ck_assert_str_eq(sriov_vf_bdf(sriov_pf_vf(pf, 0)), "0000:04:10.0");
    ck_assert_str_eq(sriov_vf_bdf(sriov_pf_vf(pf, 1)), "0000:04:10.2");
    ck_assert_str_eq(sriov_vf_driver(sriov_pf_vf(pf, 1)), "ixgbevf");
}
END_TEST

START_TEST(test_host_several_netdevs)
{
    sriov_pf *pf;
    sriov_netdev *nd;

    /* switchdev: the uplink first, then the representors by name */
    root = fixture_new("connectx5-2pf", NULL);
    open_ctx();
    scan(0);
    pf = sriov_host_pf(host, 0);
    ck_assert_uint_eq(sriov_pf_netdev_count(pf), 3);
    nd = sriov_pf_netdev(pf, 0);
    ck_assert_str_eq(sriov_netdev_name(nd), "enp175s0f0np0");
    ck_assert_str_eq(sriov_netdev_phys_port_name(nd), "p0");
    ck_assert_str_eq(sriov_netdev_mac(nd), "0c:42:a1:2b:3c:4a");
    ck_assert_str_eq(sriov_netdev_operstate(nd), "up");
    ck_assert_int_eq(sriov_netdev_speed(nd), 25000);
    ck_assert_int_eq(sriov_netdev_is_up(nd), 1);
    ck_assert_str_eq(sriov_netdev_name(sriov_pf_netdev(pf, 1)),
                     "enp175s0f0npf0vf0");
    ck_assert_ptr_null(sriov_pf_netdev(pf, 3));
    ck_assert_ptr_eq(sriov_host_find_pf_by_ifname(host, "enp175s0f0npf0vf1"),
                     pf);
    ck_assert_ptr_eq(sriov_host_find_pf_by_ifname(host, "enp175s0f1np1"),
                     sriov_host_pf(host, 1));
    /* down: no speed */
    nd = sriov_pf_netdev(sriov_host_pf(host, 1), 0);
    ck_assert_int_eq(sriov_netdev_speed(nd), -1);
    ck_assert_int_eq(sriov_netdev_is_up(nd), 0);
    /* mlx5_core drives the VFs too */
    ck_assert_str_eq(sriov_vf_driver(sriov_pf_vf(pf, 0)), "mlx5_core");
    ck_assert_ptr_null(sriov_host_find_pf_by_ifname(host, "nope"));
}
END_TEST

START_TEST(test_host_ifname_read)
{
    char buf[64];

    /* any interface by name, read now: what PIF_metrics shows */
    root = fixture_new("connectx5-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(sriov_ifname_read(ctx, "enp175s0f0np0", "carrier", buf,
                                       sizeof(buf)), 1);
    ck_assert_str_eq(buf, "1");
    ck_assert_int_eq(sriov_ifname_read(ctx, "enp175s0f0np0", "speed", buf,
                                       sizeof(buf)), 5);
    ck_assert_str_eq(buf, "25000");
    ck_assert_int_gt(sriov_ifname_read(ctx, "enp175s0f1np1", "duplex", buf,
                                       sizeof(buf)), 0);
    ck_assert_str_eq(buf, "unknown");
    ck_assert_int_eq(sriov_ifname_read(ctx, "nope", "carrier", buf,
                                       sizeof(buf)), -ENOENT);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(sriov_ifname_read(ctx, "enp175s0f0np0", "nope", buf,
                                       sizeof(buf)), -ENOENT);
    /* names the kernel never gives do not escape class/net */
    ck_assert_int_eq(sriov_ifname_read(ctx, "..", "carrier", buf,
                                       sizeof(buf)), -EINVAL);
    ck_assert_int_eq(sriov_ifname_read(ctx, "a/b", "carrier", buf,
                                       sizeof(buf)), -EINVAL);
    ck_assert_int_eq(sriov_ifname_read(ctx, "enp175s0f0np0", "../x", buf,
                                       sizeof(buf)), -EINVAL);
    ck_assert_int_eq(sriov_ifname_read(ctx, "0123456789abcdef", "mtu", buf,
                                       sizeof(buf)), -EINVAL);
    /* a link: its last component */
    ck_assert_int_eq(sriov_ifname_readlink(ctx, "enp175s0f0np0", "subsystem",
                                           buf, sizeof(buf)), 3);
    ck_assert_str_eq(buf, "net");
    ck_assert_int_eq(sriov_ifname_readlink(ctx, "enp175s0f0np0", "master",
                                           buf, sizeof(buf)), -ENOENT);
    ck_assert_int_eq(sriov_ifname_readlink(ctx, "enp175s0f0np0", "subsystem",
                                           buf, 3), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_host_ifname_addrs)
{
    sriov_ifaddr *a = NULL;
    size_t n = 99;
    char dev[16], gw[48];

    /* A fixture's interface is not the kernel's: no addresses, even
     * where the build machine has an interface of that name. */
    root = fixture_new("connectx5-2pf", NULL);
    open_ctx();
    ck_assert_int_eq(sriov_ifname_addrs(ctx, "enp175s0f0np0", &a, &n),
                     -ENODEV);
    ck_assert_ptr_null(a);
    ck_assert_uint_eq(n, 99);
    ck_assert_int_eq(sriov_default_route(ctx, AF_UNIX, dev, sizeof(dev), gw,
                                         sizeof(gw)), -EINVAL);
    sriov_ctx_free(ctx);
    ctx = NULL;
    /* The real kernel's loopback (host root /): 127.0.0.1/8, scope host,
     * permanent, when it is up (a fresh network namespace has none). */
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, "/"), 0);
    ck_assert_msg(sriov_ifname_addrs(ctx, "lo", &a, &n) == 0, "lo: %s",
                  sriov_ctx_last_error(ctx));
    for (size_t i = 0; i < n; i++) {
        ck_assert(a[i].family == AF_INET || a[i].family == AF_INET6);
        if (a[i].family == AF_INET && strcmp(a[i].addr, "127.0.0.1") == 0) {
            ck_assert_uint_eq(a[i].prefixlen, 8);
            ck_assert_uint_eq(a[i].scope, 254);     /* RT_SCOPE_HOST */
            ck_assert(a[i].flags & 0x80);           /* IFA_F_PERMANENT */
        }
    }
    ck_assert(n == 0 || a);
    free(a);
}
END_TEST

START_TEST(test_host_nameservers)
{
    char buf[64], path[4096];
    FILE *f;

    root = fixture_new("plain-nic", NULL);
    open_ctx();
    /* no resolv.conf: none */
    ck_assert_int_eq(sriov_nameservers(ctx, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, "");
    snprintf(path, sizeof(path), "%s/etc", root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/etc/resolv.conf", root);
    f = fopen(path, "we");
    ck_assert_ptr_nonnull(f);
    fputs("# generated\nsearch example.org\n#nameserver 10.0.0.1\n"
          "nameserver 192.0.2.53\n  nameserver\t2001:db8::53\n"
          "options ndots:2\n", f);
    fclose(f);
    ck_assert_int_eq(sriov_nameservers(ctx, buf, sizeof(buf)), 23);
    ck_assert_str_eq(buf, "192.0.2.53,2001:db8::53");
    ck_assert_int_eq(sriov_nameservers(ctx, buf, 20), -ENAMETOOLONG);
    ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_host_nvme_is_not_network)
{
    sriov_pf *pf;

    root = fixture_new("nvme-sriov", NULL);
    open_ctx();
    scan(SRIOV_SCAN_NICS);
    ck_assert_uint_eq(sriov_host_pf_count(host), 1);
    pf = sriov_host_pf(host, 0);
    ck_assert_str_eq(sriov_pf_bdf(pf), "0000:01:00.0");
    ck_assert(!sriov_pf_is_network(pf));
    ck_assert(sriov_pf_is_sriov_capable(pf));
    ck_assert_uint_eq(sriov_pf_netdev_count(pf), 0);
    ck_assert_int_eq(sriov_pf_numa_node(pf), -1);
}
END_TEST

START_TEST(test_host_plain_nics_only_when_asked)
{
    sriov_pf *pf;

    root = fixture_new("plain-nic", "x710-2pf", NULL);
    open_ctx();
    scan(0);
    ck_assert_uint_eq(sriov_host_pf_count(host), 2);
    ck_assert_ptr_null(sriov_host_find_pf(host, "0000:00:1f.6"));
    host = sriov_host_free(host);
    scan(SRIOV_SCAN_NICS);
    /* the I219 NIC, the two X710 ports; not the SATA controller, not the
     * bridges, and never a VF even though VFs have interfaces */
    ck_assert_uint_eq(sriov_host_pf_count(host), 3);
    pf = sriov_host_pf(host, 0);
    ck_assert_str_eq(sriov_pf_bdf(pf), "0000:00:1f.6");
    ck_assert(!sriov_pf_is_sriov_capable(pf));
    ck_assert(sriov_pf_is_network(pf));
    ck_assert_uint_eq(sriov_pf_totalvfs(pf), 0);
    ck_assert_str_eq(sriov_netdev_name(sriov_pf_netdev(pf, 0)), "eno1");
    ck_assert_ptr_null(sriov_host_find_pf(host, "0000:3b:02.0"));
}
END_TEST

START_TEST(test_host_several_domains)
{
    sriov_pf *pf;

    root = fixture_new("multi-domain", NULL);
    open_ctx();
    scan(0);
    ck_assert_uint_eq(sriov_host_pf_count(host), 2);
    pf = sriov_host_pf(host, 1);
    ck_assert_str_eq(sriov_pf_bdf(pf), "0001:01:00.0");
    ck_assert_uint_eq(sriov_pf_domain(pf), 1);
    ck_assert_str_eq(sriov_vf_bdf(sriov_pf_vf(pf, 1)), "0001:01:00.3");
    ck_assert_ptr_nonnull(sriov_host_find_vf(host, "0001:01:00.2"));
    ck_assert_ptr_null(sriov_host_find_vf(host, "0000:01:00.2"));
}
END_TEST

START_TEST(test_host_pf_without_netdev)
{
    sriov_pf *pf;

    /* The PF's driver unbound: no interface, no driver, still listed. */
    root = fixture_new_text(
        "driver i40e ids=8086:1572 sriov_configure net\n"
        "device 0000:3b:00.0 vendor=0x8086 device=0x1572 class=0x020000 "
        "totalvfs=64 offset=16 stride=1 vf_device=0x154c\n");
    open_ctx();
    scan(0);
    pf = sriov_host_pf(host, 0);
    ck_assert_ptr_nonnull(pf);
    ck_assert_ptr_null(sriov_pf_driver(pf));
    ck_assert_uint_eq(sriov_pf_netdev_count(pf), 0);
    ck_assert_int_eq(sriov_pf_iommu_group(pf), -1);
    ck_assert_uint_eq(sriov_pf_iommu_group_size(pf), 0);
}
END_TEST

START_TEST(test_host_nic_without_sriov_or_netdev)
{
    sriov_pf *pf;

    /* A ConnectX-5's second function: network class, no SR-IOV, no
     * driver: a plain NIC of its own (XAPI gives it a PCI record). */
    root = fixture_new("connectx5-nosriov", NULL);
    open_ctx();
    scan(0);
    ck_assert_uint_eq(sriov_host_pf_count(host), 1);
    host = sriov_host_free(host);
    scan(SRIOV_SCAN_NICS);
    ck_assert_uint_eq(sriov_host_pf_count(host), 2);
    pf = sriov_host_pf(host, 1);
    ck_assert_str_eq(sriov_pf_bdf(pf), "0000:af:00.1");
    ck_assert(sriov_pf_is_network(pf));
    ck_assert(!sriov_pf_is_sriov_capable(pf));
    ck_assert_uint_eq(sriov_pf_netdev_count(pf), 0);
    ck_assert_ptr_null(sriov_pf_driver(pf));
    /* the walk still skips what is neither: the bridge above it */
    ck_assert_ptr_null(sriov_host_find_pf(host, "0000:ae:00.0"));
}
END_TEST

START_TEST(test_host_iommu_group_members)
{
    sriov_pf *pf;
    sriov_vf *vf;

    /* without ACS the VFs share the PF's group (vf_iommu=pf) */
    root = fixture_new_text(
        "driver i40e ids=8086:1572 sriov_configure net\n"
        "driver iavf ids=8086:154c net\n"
        "device 0000:3b:00.0 vendor=0x8086 device=0x1572 class=0x020000 "
        "driver=i40e iommu_group=7 totalvfs=8 offset=16 stride=1 "
        "vf_device=0x154c numvfs=2 vf_iommu=pf\n"
        "device 0000:3c:00.0 vendor=0x8086 device=0x1572 class=0x020000 "
        "driver=i40e iommu_group=8 totalvfs=8 offset=16 stride=1 "
        "vf_device=0x154c numvfs=1\n");
    open_ctx();
    scan(0);
    pf = sriov_host_pf(host, 0);
    ck_assert_uint_eq(sriov_pf_iommu_group_size(pf), 3);
    ck_assert_str_eq(sriov_pf_iommu_group_member(pf, 0), "0000:3b:00.0");
    ck_assert_str_eq(sriov_pf_iommu_group_member(pf, 2), "0000:3b:02.1");
    ck_assert_ptr_null(sriov_pf_iommu_group_member(pf, 3));
    vf = sriov_pf_vf(pf, 0);
    ck_assert_int_eq(sriov_vf_iommu_group(vf), 7);
    ck_assert_uint_eq(sriov_vf_iommu_group_size(vf), 3);
    /* a VF alone in its own group */
    vf = sriov_pf_vf(sriov_host_pf(host, 1), 0);
    ck_assert_int_ne(sriov_vf_iommu_group(vf), 8);
    ck_assert_uint_eq(sriov_vf_iommu_group_size(vf), 1);
    ck_assert_str_eq(sriov_vf_iommu_group_member(vf, 0), sriov_vf_bdf(vf));
}
END_TEST

START_TEST(test_host_names_only_when_asked)
{
    char *log = NULL;
    sriov_pf *pf;
    const char *vendor;

    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    sriov_ctx_set_log_fn(ctx, fixture_record_log, &log, SRIOV_LOG_DEBUG);
    scan(0);
    ck_assert_ptr_null(strstr(log, "pci.ids"));
    pf = sriov_host_pf(host, 0);
    vendor = sriov_pf_vendor_name(pf);
    ck_assert_ptr_nonnull(strstr(log, "loading pci.ids"));
    ck_assert_ptr_nonnull(vendor);
    /* "Intel Corporation" from pci.ids, or the id when it has none */
    ck_assert(strstr(vendor, "Intel") || strcmp(vendor, "8086") == 0);
    ck_assert_ptr_nonnull(sriov_pf_device_name(pf));
    ck_assert_ptr_nonnull(sriov_pf_class_name(pf));
    ck_assert_ptr_nonnull(sriov_vf_device_name(sriov_pf_vf(pf, 0)));
    /* a new context: SRIOV_SCAN_NAMES loads them during the scan */
    host = sriov_host_free(host);
    ctx = sriov_ctx_free(ctx);
    free(log);
    log = NULL;
    open_ctx();
    sriov_ctx_set_log_fn(ctx, fixture_record_log, &log, SRIOV_LOG_DEBUG);
    scan(SRIOV_SCAN_NAMES);
    ck_assert_ptr_nonnull(strstr(log, "loading pci.ids"));
    sriov_ctx_set_log_fn(ctx, NULL, NULL, 0);
    free(log);
}
END_TEST

START_TEST(test_host_without_class_net)
{
    char path[4096];

    /* VF interfaces come from /sys/class/net; without it, from net/ */
    root = fixture_new("x710-2pf", NULL);
    snprintf(path, sizeof(path), "%s/sys/class/net", root);
    ck_assert_int_eq(sim_rm_rf(path), 0);
    open_ctx();
    scan(0);
    ck_assert_str_eq(sriov_netdev_name(sriov_vf_netdev(
                         sriov_pf_vf(sriov_host_pf(host, 0), 1))),
                     "enp59s0f0v1");
    ck_assert_int_eq(sriov_ctx_last_errno(ctx), 0);
}
END_TEST

/* ---- a device vanishing while the scan reads it ---- */

struct vanish {
    const char *watch;          /* delete when a message mentions it */
    const char *dir;            /* what to delete, relative to the root */
    const char *dir2;
    int done;
};

static void vanish_log(void *userdata, int level, const char *file, int line,
                       const char *func, const char *msg)
{
    struct vanish *v = userdata;
    char path[4096];

    (void)level; (void)file; (void)line; (void)func;
    if (v->done || !strstr(msg, v->watch))
        return;
    v->done = 1;
    /* as the kernel removes a device: its bus link, then its directory */
    snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/%s", root, v->watch);
    unlink(path);
    snprintf(path, sizeof(path), "%s/%s", root, v->dir);
    ck_assert_int_eq(sim_rm_rf(path), 0);
    if (v->dir2) {
        snprintf(path, sizeof(path), "%s/%s", root, v->dir2);
        ck_assert_int_eq(sim_rm_rf(path), 0);
    }
}

START_TEST(test_host_vf_vanishing_mid_scan)
{
    struct vanish v = {
        .watch = "0000:3b:02.1",
        .dir = "sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:02.1",
    };
    sriov_pf *pf;

    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    sriov_ctx_set_log_fn(ctx, vanish_log, &v, SRIOV_LOG_DEBUG);
    scan(0);
    ck_assert(v.done);
    pf = sriov_host_pf(host, 0);
    ck_assert_uint_eq(sriov_pf_vf_count(pf), 3);
    ck_assert_str_eq(sriov_vf_bdf(sriov_pf_vf(pf, 1)), "0000:3b:02.2");
    ck_assert_ptr_null(sriov_host_find_vf(host, "0000:3b:02.1"));
    ck_assert_int_eq(sriov_ctx_last_errno(ctx), 0);
}
END_TEST

START_TEST(test_host_pf_vanishing_mid_scan)
{
    struct vanish v = {
        .watch = "0000:3b:00.1",
        .dir = "sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.1",
    };

    root = fixture_new("x710-2pf", NULL);
    open_ctx();
    sriov_ctx_set_log_fn(ctx, vanish_log, &v, SRIOV_LOG_DEBUG);
    scan(0);
    ck_assert(v.done);
    ck_assert_uint_eq(sriov_host_pf_count(host), 1);
    ck_assert_str_eq(sriov_pf_bdf(sriov_host_pf(host, 0)), "0000:3b:00.0");
}
END_TEST

START_TEST(test_host_missing_root)
{
    sriov_host *h = (sriov_host *)0x1;

    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, "/nonexistent-sriov-root"), 0);
    ck_assert_int_eq(sriov_host_scan(&h, ctx, 0), -ENOENT);
    ck_assert_ptr_eq(h, (sriov_host *)0x1);          /* untouched */
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx),
                                 "/nonexistent-sriov-root/sys/bus/pci"));
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "SRIOV_ROOT"));
    ck_assert_ptr_null(strchr(sriov_ctx_last_error(ctx), '\n'));
}
END_TEST

START_TEST(test_host_scan_device)
{
    sriov_host *h = NULL;

    root = fixture_new("x710-2pf", "plain-nic", NULL);
    open_ctx();
    ck_assert_int_eq(sriov_host_scan_device(&host, ctx, "3b:00.0", 0), 0);
    ck_assert_uint_eq(sriov_host_pf_count(host), 1);
    ck_assert_uint_eq(sriov_pf_vf_count(sriov_host_pf(host, 0)), 4);
    /* a plain NIC is accepted, it has interfaces */
    ck_assert_int_eq(sriov_host_scan_device(&h, ctx, "0000:00:1f.6", 0), 0);
    h = sriov_host_free(h);
    ck_assert_int_eq(sriov_host_scan_device(&h, ctx, "0000:3b:02.0", 0),
                     -EOPNOTSUPP);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "is a VF"));
    ck_assert_int_eq(sriov_host_scan_device(&h, ctx, "0000:00:17.0", 0),
                     -EOPNOTSUPP);
    ck_assert_int_eq(sriov_host_scan_device(&h, ctx, "0000:77:00.0", 0),
                     -ENODEV);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "0000:77:00.0"));
    ck_assert_int_eq(sriov_host_scan_device(&h, ctx, "eth0", 0), -EINVAL);
    ck_assert_ptr_null(h);
}
END_TEST

START_TEST(test_host_bdf_parse)
{
    char b[SRIOV_BDF_SIZE];

    ck_assert_int_eq(sriov_bdf_parse("0000:3B:00.0", b), 0);
    ck_assert_str_eq(b, "0000:3b:00.0");
    ck_assert_int_eq(sriov_bdf_parse("5e:01.7", b), 0);
    ck_assert_str_eq(b, "0000:5e:01.7");
    ck_assert_int_eq(sriov_bdf_parse("0001:00:1f.6", b), 0);
    ck_assert_str_eq(b, "0001:00:1f.6");
    ck_assert_int_eq(sriov_bdf_parse("0000:3b:20.0", b), -EINVAL);
    ck_assert_int_eq(sriov_bdf_parse("0000:3b:00.8", b), -EINVAL);
    ck_assert_int_eq(sriov_bdf_parse("0000:3b:00.0x", b), -EINVAL);
    ck_assert_int_eq(sriov_bdf_parse("enp59s0f0", b), -EINVAL);
    ck_assert_int_eq(sriov_bdf_parse("", b), -EINVAL);
    ck_assert_int_eq(sriov_bdf_parse(NULL, b), -EINVAL);
}
END_TEST

static Suite *host_suite(void)
{
    Suite *s = suite_create("host");
    TCase *tc = tcase_create("scan");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_host_x710_pfs_and_vfs);
    tcase_add_test(tc, test_host_vfs_on_next_bus);
    tcase_add_test(tc, test_host_interleaved_vfs);
    tcase_add_test(tc, test_host_several_netdevs);
    tcase_add_test(tc, test_host_ifname_read);
    tcase_add_test(tc, test_host_nvme_is_not_network);
    tcase_add_test(tc, test_host_plain_nics_only_when_asked);
    tcase_add_test(tc, test_host_several_domains);
    tcase_add_test(tc, test_host_pf_without_netdev);
    tcase_add_test(tc, test_host_nic_without_sriov_or_netdev);
    tcase_add_test(tc, test_host_iommu_group_members);
    tcase_add_test(tc, test_host_scan_device);
    tcase_add_test(tc, test_host_bdf_parse);
    tcase_add_test(tc, test_host_names_only_when_asked);
    tcase_add_test(tc, test_host_without_class_net);
    tcase_add_test(tc, test_host_ifname_addrs);
    tcase_add_test(tc, test_host_nameservers);
    suite_add_tcase(s, tc);
    tc = tcase_create("vanishing");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_host_vf_vanishing_mid_scan);
    tcase_add_test(tc, test_host_pf_vanishing_mid_scan);
    tcase_add_test(tc, test_host_missing_root);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(host_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
