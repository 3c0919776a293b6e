/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vm-plugin-setup PF VM/MAC...: in the Xen test VM, the records of an
 * SR-IOV network on PF (QEMU's NVMe, which has no network interface, so
 * `xe pif-scan` gives it no PIF) with a PCI record per VF, and one VIF
 * (device 0, that MAC) for each VM on it.  Prints the VIFs' uuids, then
 * the network-sriov's, one a line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sriov/sriov.h>

#include "store/store.h"

static store *st;

static int die(const char *what)
{
    fprintf(stderr, "vm-plugin-setup: %s: %s\n", what, store_last_error(st));
    exit(1);
}

static void create(const char *cls, char uuid[37], ...)
{
    store_record *r = NULL;
    const char *f, *v;
    va_list ap;

    if (store_record_new(&r, cls) < 0)
        die(cls);
    va_start(ap, uuid);
    while ((f = va_arg(ap, const char *))) {
        v = va_arg(ap, const char *);
        if (store_record_set(r, schema_fid_find(f), v) < 0)
            die(f);
    }
    va_end(ap);
    if (store_create(st, r) < 0)
        die(cls);
    memcpy(uuid, store_record_uuid(r), 37);
    store_record_free(r);
}

int main(int argc, char **argv)
{
    char host[37], net[37], pf[37], phys[37], logical[37], ns[37], vf[37];
    char vif[37], err[512];
    struct store_opts o = { 0 };
    sriov_host *h = NULL;
    sriov_ctx *ctx = NULL;
    sriov_pf *p;

    if (argc < 3) {
        fprintf(stderr, "usage: vm-plugin-setup PF VM/MAC...\n");
        return 2;
    }
    if (store_open(&st, &o, err, sizeof(err)) < 0) {
        fprintf(stderr, "vm-plugin-setup: %s\n", err);
        return 1;
    }
    if (sriov_ctx_new(&ctx) < 0 || sriov_host_scan_device(&h, ctx, argv[1],
                                                          0) < 0) {
        fprintf(stderr, "vm-plugin-setup: %s\n", sriov_ctx_last_error(ctx));
        return 1;
    }
    p = sriov_host_pf(h, 0);
    create("host", host, "name_label", "dom0", NULL);
    create("network", net, "name_label", "sriov-vm-test", NULL);
    create("PCI", pf, "pci_id", argv[1], "host", host, NULL);
    create("PIF", phys, "device", "nvme", "host", host, "PCI", pf,
           "capabilities", "sriov", NULL);
    create("PIF", logical, "device", "nvme", "host", host, "network", net,
           "physical", "false", "MAC", "fe:ff:ff:ff:ff:ff", NULL);
    create("network_sriov", ns, "physical_PIF", phys, "logical_PIF",
           logical, "configuration_mode", "sysfs", NULL);
    for (unsigned i = 0; i < sriov_pf_vf_count(p); i++)
        create("PCI", vf, "pci_id", sriov_vf_bdf(sriov_pf_vf(p, i)), "host",
               host, "physical_function", pf, NULL);
    for (int i = 2; i < argc; i++) {
        char *mac = strchr(argv[i], '/');

        if (!mac)
            die("VM/MAC");
        *mac++ = '\0';
        create("VIF", vif, "VM", argv[i], "network", net, "device", "0",
               "MAC", mac, NULL);
        printf("%s\n", vif);
    }
    printf("%s\n", ns);
    sriov_host_free(h);
    sriov_ctx_free(ctx);
    store_close(st);
    return 0;
}
