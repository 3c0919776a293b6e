/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriov-info: the human-readable listing of the host. */
#include <string.h>

#include "sriov-info/sriov-info.h"

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void print_group(FILE *out, int group, unsigned size)
{
    if (group < 0)
        fputs("none", out);
    else if (size > 1)
        fprintf(out, "%d (+%u other%s)", group, size - 1,
                size > 2 ? "s" : "");
    else
        fprintf(out, "%d", group);
}

static void print_head(FILE *out, sriov_pf *pf, const struct info_opts *o)
{
    fprintf(out, "%s ", sriov_pf_bdf(pf));
    if (o->names)
        fprintf(out, "%s: %s %s ", sriov_pf_class_name(pf),
                sriov_pf_vendor_name(pf), sriov_pf_device_name(pf));
    else
        fprintf(out, "class %04x ", sriov_pf_class(pf) >> 8);
    fprintf(out, "[%04x:%04x]", sriov_pf_vendor_id(pf),
            sriov_pf_device_id(pf));
    if (!sriov_pf_is_network(pf))
        fputs(" (not a network device)", out);
    fputc('\n', out);
    fprintf(out, "    driver %s, NUMA node ", or_dash(sriov_pf_driver(pf)));
    if (sriov_pf_numa_node(pf) < 0)
        fputs("-", out);
    else
        fprintf(out, "%d", sriov_pf_numa_node(pf));
    fputs(", IOMMU group ", out);
    print_group(out, sriov_pf_iommu_group(pf), sriov_pf_iommu_group_size(pf));
    fputc('\n', out);
    for (unsigned i = 0; i < sriov_pf_netdev_count(pf); i++) {
        sriov_netdev *nd = sriov_pf_netdev(pf, i);
        int speed = sriov_netdev_speed(nd);

        fprintf(out, "    interface %s %s %s", sriov_netdev_name(nd),
                or_dash(sriov_netdev_mac(nd)),
                or_dash(sriov_netdev_operstate(nd)));
        if (speed > 0)
            fprintf(out, " %d Mb/s", speed);
        if (sriov_netdev_phys_port_name(nd))
            fprintf(out, " port %s", sriov_netdev_phys_port_name(nd));
        fputc('\n', out);
    }
}

static void print_vfs(FILE *out, sriov_pf *pf, const struct info_opts *o)
{
    int autoprobe = sriov_pf_drivers_autoprobe(pf);

    fprintf(out, "    SR-IOV: %u of %u VFs, offset %u, stride %u, VF id "
            "%04x:%04x, autoprobe %s\n", sriov_pf_numvfs(pf),
            sriov_pf_totalvfs(pf), sriov_pf_vf_offset(pf),
            sriov_pf_vf_stride(pf), sriov_pf_vendor_id(pf),
            sriov_pf_vf_device_id(pf),
            autoprobe < 0 ? "-" : autoprobe ? "on" : "off");
    if (!sriov_pf_vf_count(pf))
        return;
    if (o->names && sriov_pf_vf(pf, 0))
        fprintf(out, "    VF device: %s\n",
                sriov_vf_device_name(sriov_pf_vf(pf, 0)));
    fprintf(out, "    %-4s %-13s %-10s %-16s %s\n", "VF", "address", "driver",
            "interface", "IOMMU group");
    for (unsigned i = 0; i < sriov_pf_vf_count(pf); i++) {
        sriov_vf *vf = sriov_pf_vf(pf, i);
        const char *busy = sriov_vf_busy_reason(vf);

        fprintf(out, "    %-4u %-13s %-10s %-16s ", sriov_vf_index(vf),
                sriov_vf_bdf(vf), or_dash(sriov_vf_driver(vf)),
                or_dash(sriov_netdev_name(sriov_vf_netdev(vf))));
        print_group(out, sriov_vf_iommu_group(vf),
                    sriov_vf_iommu_group_size(vf));
        if (busy)
            fprintf(out, "  in use: %s", busy);
        fputc('\n', out);
    }
}

void info_print_text(FILE *out, sriov_host *host, const struct info_opts *o)
{
    unsigned sriov = 0, net = 0, plain = 0, enabled = 0, total = 0, busy = 0;
    unsigned n = sriov_host_pf_count(host);

    for (unsigned i = 0; i < n; i++) {
        sriov_pf *pf = sriov_host_pf(host, i);

        if (i > 0)
            fputc('\n', out);
        print_head(out, pf, o);
        if (sriov_pf_is_sriov_capable(pf)) {
            print_vfs(out, pf, o);
            sriov++;
            net += sriov_pf_is_network(pf) != 0;
            enabled += sriov_pf_vf_count(pf);
            total += sriov_pf_totalvfs(pf);
            for (unsigned k = 0; k < sriov_pf_vf_count(pf); k++)
                busy += sriov_vf_busy_reason(sriov_pf_vf(pf, k)) != NULL;
        } else
            plain++;
    }
    if (n)
        fputc('\n', out);
    fprintf(out, "%u SR-IOV PF%s (%u network, %u other), %u of %u VFs "
            "enabled, %u in use", sriov, sriov == 1 ? "" : "s", net,
            sriov - net, enabled, total, busy);
    if (plain)
        fprintf(out, "; %u plain NIC%s", plain, plain == 1 ? "" : "s");
    fputc('\n', out);
}
