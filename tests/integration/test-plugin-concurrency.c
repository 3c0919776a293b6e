/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Many domains starting at once, each in its own process: no VF is given
 * twice, every domain gets all its VIFs' VFs or none, and exactly as many
 * start as the VFs allow; then they all die at once and everything is
 * free again. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers/plugin-test.h"

#define VFS 16
#define DOMAINS 12              /* 2 VIFs each: 24 wanted, 16 VFs */
#define VIFS_EACH 2

/* One PF with 16 VFs, each in its own IOMMU group. */
static const char manifest[] =
    "driver pcieport ids=8086:2030\n"
    "driver i40e ids=8086:1572 sriov_configure net\n"
    "driver iavf ids=8086:154c net\n"
    "device 0000:3a:00.0 vendor=0x8086 device=0x2030 class=0x060400 "
    "secondary=0x3b subordinate=0x3b driver=pcieport iommu_group=28\n"
    "device 0000:3b:00.0 parent=0000:3a:00.0 vendor=0x8086 device=0x1572 "
    "class=0x020000 driver=i40e iommu_group=30 totalvfs=64 offset=16 "
    "stride=1 vf_device=0x154c numvfs=16\n"
    "netdev 0000:3b:00.0 enp59s0f0 mac=3c:fd:fe:9e:7a:00\n";

static struct pt_net net;
static char vifs[DOMAINS][VIFS_EACH][37];

static void vm_of(int d, char vm[37])
{
    snprintf(vm, 37, "11111111-2222-4333-8444-%012d", d + 1);
}

static void setup(void)
{
    struct store_opts o = { 0 };
    char err[512];

    xs_harness_setup();
    pt_root = fixture_new_text(manifest);
    o.root = pt_root;
    ck_assert_msg(store_open(&pt_st, &o, err, sizeof(err)) == 0, "%s", err);
    pt_xs = xs_open(0);
    snprintf(pt_domains, sizeof(pt_domains), "0");
    pt_network(&net, "0000:3b:00.0", NULL);
    for (int i = 0; i < VFS; i++) {
        char bdf[16];

        snprintf(bdf, sizeof(bdf), "0000:3b:%02x.%d", 2 + i / 8, i % 8);
        pt_create(pt_rec("PCI", "pci_id", bdf, "physical_function", net.pf,
                         NULL), NULL);
    }
    for (int d = 0; d < DOMAINS; d++) {
        char vm[37];

        vm_of(d, vm);
        for (int k = 0; k < VIFS_EACH; k++) {
            char dev[4], mac[18];

            snprintf(dev, sizeof(dev), "%d", k);
            snprintf(mac, sizeof(mac), "02:00:00:00:%02x:%02x", d, k);
            pt_vif(vm, net.network, dev, mac, vifs[d][k]);
        }
        pt_domain_new((unsigned)(10 + d), vm);
    }
}

/* Children wait on a pipe so that they all start together. */
static pid_t spawn(int gate, int (*fn)(plugin *, unsigned), unsigned domid)
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct plugin_opts o = { .root = pt_root, .dry_run = true };
        struct xapi_error err = XAPI_ERROR_INIT;
        plugin *p = NULL;
        char c;
        int r;

        if (ops_plugin_new(&p, &o, &err) < 0)
            _exit(10);
        if (read(gate, &c, 1) < 0)
            _exit(11);
        r = fn(p, domid);
        _exit(r >= 0 ? 0 : r == -ENOSPC ? 2 : 1);
    }
    return pid;
}

static int start(plugin *p, unsigned domid)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    int r = ops_plugin_domain_start(p, domid, &err);

    if (r < 0 && r != -ENOSPC)
        fprintf(stderr, "domain %u: %d %s\n", domid, r,
                plugin_last_error(p));

    if (r == -ENOSPC && strcmp(err.code,
                               "NETWORK_SRIOV_INSUFFICIENT_CAPACITY") != 0)
        r = -EPROTO;
    else
        r = r == VIFS_EACH ? 0 : r < 0 ? r : -EIO;
    xapi_error_clear(&err);
    return r;
}

static int release(plugin *p, unsigned domid)
{
    struct xapi_error err = XAPI_ERROR_INIT;

    return ops_plugin_domain_release(p, domid, &err);
}

/* Run fn for every domain at once; how many exited with each status. */
static void run_all(int (*fn)(plugin *, unsigned), int counts[4])
{
    pid_t pids[DOMAINS];
    int gate[2];

    memset(counts, 0, 4 * sizeof(int));
    ck_assert_int_eq(pipe(gate), 0);
    for (int d = 0; d < DOMAINS; d++)
        pids[d] = spawn(gate[0], fn, (unsigned)(10 + d));
    close(gate[0]);
    for (int d = 0; d < DOMAINS; d++)
        ck_assert_int_eq(write(gate[1], "g", 1), 1);
    close(gate[1]);
    for (int d = 0; d < DOMAINS; d++) {
        int status;

        ck_assert_int_eq(waitpid(pids[d], &status, 0), pids[d]);
        ck_assert(WIFEXITED(status));
        ck_assert_msg(WEXITSTATUS(status) <= 2, "domain %d: child status %d",
                      10 + d, WEXITSTATUS(status));
        counts[WEXITSTATUS(status)]++;
    }
}

START_TEST(test_concurrent_starts_never_share_a_vf)
{
    char seen[DOMAINS * VIFS_EACH][37];
    int counts[4], n_seen = 0, full = 0;

    run_all(start, counts);
    ck_assert_int_eq(counts[0], VFS / VIFS_EACH);    /* 8 started */
    ck_assert_int_eq(counts[2], DOMAINS - VFS / VIFS_EACH);
    for (int d = 0; d < DOMAINS; d++) {
        int have = 0;

        for (int k = 0; k < VIFS_EACH; k++) {
            const char *pci = pt_field("VIF", vifs[d][k], SF_reserved_pci);

            if (!*pci)
                continue;
            have++;
            for (int i = 0; i < n_seen; i++)
                ck_assert_msg(strcmp(seen[i], pci) != 0,
                              "VF %s given twice", pci);
            memcpy(seen[n_seen++], pci, 37);
            ck_assert_str_eq(pt_field("PCI", pci, SF_reserved_by),
                             vifs[d][k]);
        }
        ck_assert_msg(have == 0 || have == VIFS_EACH,
                      "domain %d got %d of its VFs", 10 + d, have);
        full += have == VIFS_EACH;
    }
    ck_assert_int_eq(full, VFS / VIFS_EACH);
    ck_assert_int_eq(n_seen, VFS);

    /* All die at once. */
    for (int d = 0; d < DOMAINS; d++)
        pt_domain_destroy((unsigned)(10 + d));
    run_all(release, counts);
    ck_assert_int_eq(counts[0], DOMAINS);
    for (int d = 0; d < DOMAINS; d++)
        for (int k = 0; k < VIFS_EACH; k++)
            ck_assert_str_eq(pt_field("VIF", vifs[d][k], SF_reserved_pci),
                             "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("plugin-concurrency");
    TCase *tc = tcase_create("concurrency");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, pt_teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_concurrent_starts_never_share_a_vf);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
