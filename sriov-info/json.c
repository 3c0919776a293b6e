/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sriov-info --json: the host as one JSON document (json-c). */
#include <errno.h>
#include <stdio.h>

#include <json.h>

#include "sriov-info/sriov-info.h"

static json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static json_object *hex(unsigned v, int width)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%0*x", width, v);
    return json_object_new_string(buf);
}

static json_object *netdev_json(sriov_netdev *nd)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "name",
                           json_object_new_string(sriov_netdev_name(nd)));
    json_object_object_add(o, "mac", str_or_null(sriov_netdev_mac(nd)));
    json_object_object_add(o, "operstate",
                           str_or_null(sriov_netdev_operstate(nd)));
    json_object_object_add(o, "speed",
                           json_object_new_int(sriov_netdev_speed(nd)));
    json_object_object_add(o, "up",
                           sriov_netdev_is_up(nd) < 0 ? NULL :
                           json_object_new_boolean(sriov_netdev_is_up(nd)));
    json_object_object_add(o, "phys_port_name",
                           str_or_null(sriov_netdev_phys_port_name(nd)));
    return o;
}

static json_object *group_json(int group, unsigned n,
                               const char *(*member)(void *, unsigned),
                               void *obj)
{
    json_object *o, *m;

    if (group < 0)
        return NULL;
    o = json_object_new_object();
    m = json_object_new_array();
    json_object_object_add(o, "number", json_object_new_int(group));
    for (unsigned i = 0; i < n; i++)
        json_object_array_add(m, json_object_new_string(member(obj, i)));
    json_object_object_add(o, "members", m);
    return o;
}

static const char *pf_member(void *pf, unsigned i)
{
    return sriov_pf_iommu_group_member(pf, i);
}

static const char *vf_member(void *vf, unsigned i)
{
    return sriov_vf_iommu_group_member(vf, i);
}

static json_object *vf_json(sriov_vf *vf)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "index",
                           json_object_new_int((int)sriov_vf_index(vf)));
    json_object_object_add(o, "bdf", json_object_new_string(sriov_vf_bdf(vf)));
    json_object_object_add(o, "driver", str_or_null(sriov_vf_driver(vf)));
    json_object_object_add(o, "netdev",
                           str_or_null(sriov_netdev_name(sriov_vf_netdev(vf))));
    json_object_object_add(o, "iommu_group",
                           group_json(sriov_vf_iommu_group(vf),
                                      sriov_vf_iommu_group_size(vf),
                                      vf_member, vf));
    json_object_object_add(o, "busy", str_or_null(sriov_vf_busy_reason(vf)));
    return o;
}

static json_object *pf_json(sriov_pf *pf, const struct info_opts *opts)
{
    json_object *o = json_object_new_object(), *a;
    int ap = sriov_pf_drivers_autoprobe(pf);

    json_object_object_add(o, "bdf", json_object_new_string(sriov_pf_bdf(pf)));
    json_object_object_add(o, "vendor_id", hex(sriov_pf_vendor_id(pf), 4));
    json_object_object_add(o, "device_id", hex(sriov_pf_device_id(pf), 4));
    json_object_object_add(o, "subsystem_vendor_id",
                           hex(sriov_pf_subsystem_vendor_id(pf), 4));
    json_object_object_add(o, "subsystem_device_id",
                           hex(sriov_pf_subsystem_device_id(pf), 4));
    json_object_object_add(o, "class", hex(sriov_pf_class(pf), 6));
    if (opts->names) {
        json_object_object_add(o, "vendor_name",
                               str_or_null(sriov_pf_vendor_name(pf)));
        json_object_object_add(o, "device_name",
                               str_or_null(sriov_pf_device_name(pf)));
        json_object_object_add(o, "subsystem_name",
                               str_or_null(sriov_pf_subsystem_name(pf)));
        json_object_object_add(o, "class_name",
                               str_or_null(sriov_pf_class_name(pf)));
    }
    json_object_object_add(o, "driver", str_or_null(sriov_pf_driver(pf)));
    json_object_object_add(o, "network",
                           json_object_new_boolean(sriov_pf_is_network(pf)));
    json_object_object_add(o, "sriov",
                           json_object_new_boolean(
                               sriov_pf_is_sriov_capable(pf)));
    json_object_object_add(o, "numa_node",
                           json_object_new_int(sriov_pf_numa_node(pf)));
    json_object_object_add(o, "iommu_group",
                           group_json(sriov_pf_iommu_group(pf),
                                      sriov_pf_iommu_group_size(pf),
                                      pf_member, pf));
    a = json_object_new_array();
    for (unsigned i = 0; i < sriov_pf_netdev_count(pf); i++)
        json_object_array_add(a, netdev_json(sriov_pf_netdev(pf, i)));
    json_object_object_add(o, "netdevs", a);
    if (!sriov_pf_is_sriov_capable(pf))
        return o;
    json_object_object_add(o, "totalvfs",
                           json_object_new_int((int)sriov_pf_totalvfs(pf)));
    json_object_object_add(o, "numvfs",
                           json_object_new_int((int)sriov_pf_numvfs(pf)));
    json_object_object_add(o, "vf_offset",
                           json_object_new_int((int)sriov_pf_vf_offset(pf)));
    json_object_object_add(o, "vf_stride",
                           json_object_new_int((int)sriov_pf_vf_stride(pf)));
    json_object_object_add(o, "vf_device_id",
                           hex(sriov_pf_vf_device_id(pf), 4));
    json_object_object_add(o, "drivers_autoprobe",
                           ap < 0 ? NULL : json_object_new_boolean(ap));
    a = json_object_new_array();
    for (unsigned i = 0; i < sriov_pf_vf_count(pf); i++)
        json_object_array_add(a, vf_json(sriov_pf_vf(pf, i)));
    json_object_object_add(o, "vfs", a);
    return o;
}

int info_print_json(FILE *out, sriov_host *host, const char *root,
                    const struct info_opts *opts)
{
    json_object *doc = json_object_new_object(), *pfs = json_object_new_array();
    const char *text;

    if (!doc || !pfs)
        return -ENOMEM;
    json_object_object_add(doc, "root", json_object_new_string(root));
    for (unsigned i = 0; i < sriov_host_pf_count(host); i++)
        json_object_array_add(pfs, pf_json(sriov_host_pf(host, i), opts));
    json_object_object_add(doc, "pfs", pfs);
    text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                               JSON_C_TO_STRING_NOSLASHESCAPE);
    fprintf(out, "%s\n", text);
    json_object_put(doc);
    return 0;
}
