/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What XenCenter reads beyond the store's classes (docs/xenapi.md,
 * "XenCenter's connect sequence"): the host's clocks, its metrics and
 * license and version keys, the PIFs' metrics, and the classes it lists
 * that this host has none of.
 */
#define LIBXL_API_VERSION 0x041300

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include <libxl.h>
#include <xentoollog.h>

#include "api/role.h"
#include "api/classes/internal.h"

/*
 * Kolkata (XenServer 7.5), the release that brought network_sriov, is
 * platform 2.6.0; XenCenter shows its SR-IOV columns and network type
 * from platform_version 2.5.50 on (Helpers.KolkataOrGreater).
 */
#define PLATFORM_VERSION "2.6.0"

/* ---- Xen, through libxl ------------------------------------------------ */

static void quiet_vmessage(xentoollog_logger *logger, xentoollog_level level,
                           int errnoval, const char *context,
                           const char *fmt, va_list ap)
{
}

static void quiet_progress(xentoollog_logger *logger, const char *context,
                           const char *doing_what, int percent,
                           unsigned long done, unsigned long total)
{
}

static void quiet_destroy(xentoollog_logger *logger)
{
}

/* libxl's messages: a host without Xen is not an error here. */
static xentoollog_logger quiet = { .vmessage = quiet_vmessage,
                                   .progress = quiet_progress,
                                   .destroy = quiet_destroy };

void xstore__xen_open(struct xapi_store *xs)
{
    const libxl_version_info *vi;

    if (xs->no_xen || libxl_ctx_alloc(&xs->xl, LIBXL_VERSION, 0, &quiet)) {
        xs->xl = NULL;
        return;
    }
    vi = libxl_get_version_info(xs->xl);
    if (vi)
        snprintf(xs->xen_version, sizeof(xs->xen_version), "%d.%d%s",
                 vi->xen_version_major, vi->xen_version_minor,
                 vi->xen_version_extra ? vi->xen_version_extra : "");
}

void xstore__xen_close(struct xapi_store *xs)
{
    if (xs->xl)
        libxl_ctx_free(xs->xl);
    xs->xl = NULL;
}

/* Host memory in bytes: Xen's (physinfo) when Xen answers, else the
 * running kernel's (sysinfo: what dom0 sees, or the whole machine
 * without Xen). */
static int host_memory(struct xapi_store *xs, int64_t *total, int64_t *freem)
{
    struct sysinfo si;

    if (xs->xl) {
        libxl_physinfo info;
        int rc;

        libxl_physinfo_init(&info);
        pthread_mutex_lock(&xs->lock);
        rc = libxl_get_physinfo(xs->xl, &info);
        pthread_mutex_unlock(&xs->lock);
        if (rc == 0) {
            long page = sysconf(_SC_PAGESIZE);

            *total = (int64_t)info.total_pages * page;
            *freem = (int64_t)info.free_pages * page;
        }
        libxl_physinfo_dispose(&info);
        if (rc == 0)
            return 0;
    }
    if (sysinfo(&si) < 0)
        return negative_errno();
    *total = (int64_t)si.totalram * si.mem_unit;
    *freem = (int64_t)si.freeram * si.mem_unit;
    return 0;
}

/* ---- metrics refs ------------------------------------------------------ */

/* The metrics object of an object: a uuid made from its class and uuid
 * (MD5, as XAPI makes role uuids), so it is the same on every read. */
void xstore__metrics_ref(const char *cls, const char *uuid,
                         char ret[XAPI_REF_MAX], char ret_uuid[37])
{
    char name[128], u[37] = "";

    snprintf(name, sizeof(name), "%s/%s", cls, uuid);
    if (xapi_role_uuid(name, u) < 0)
        snprintf(u, sizeof(u), "%s", uuid);
    if (ret_uuid)
        memcpy(ret_uuid, u, 37);
    snprintf(ret, XAPI_REF_MAX, "OpaqueRef:%s", u);
}

/* ---- the store's records, as XenCenter reads them --------------------- */

/* A PIF's IP configuration, read from the kernel now (ops_pif_ip), over
 * the store's XAPI defaults. */
static int pif_ip_fields(struct xstore_conn *c, const store_record *sr,
                         struct xv *rec)
{
    struct ops_pif_ip ip = { 0 };
    struct xv *v6 = xv_new_array();

    ops_pif_ip(&c->ops, sr, OPS_PIF_ADDRS | OPS_PIF_ROUTES | OPS_PIF_DNS,
               &ip);
    for (const char *p = ip.ipv6; v6 && *p;) {
        size_t n = strcspn(p, ",");

        if (xv_array_append(v6, xv_new_stringn(p, n)) < 0)
            v6 = xv_free(v6);
        p += n + (p[n] == ',');
    }
    if (!v6 || xv_struct_set(rec, "IPv6", v6) < 0 ||
        xv_struct_set_string(rec, "ip_configuration_mode", ip.mode) < 0 ||
        xv_struct_set_string(rec, "IP", ip.ip) < 0 ||
        xv_struct_set_string(rec, "netmask", ip.netmask) < 0 ||
        xv_struct_set_string(rec, "gateway", ip.gateway) < 0 ||
        xv_struct_set_string(rec, "DNS", ip.dns) < 0 ||
        xv_struct_set_string(rec, "ipv6_configuration_mode",
                             ip.ipv6_mode) < 0 ||
        xv_struct_set_string(rec, "ipv6_gateway", ip.ipv6_gateway) < 0 ||
        xv_struct_set_string(rec, "primary_address_type",
                             ip.primary_address_type) < 0 ||
        xv_struct_set_bool(rec, "management", ip.management) < 0)
        return -ENOMEM;
    return 0;
}

/* This host's control_domain and resident_VMs: its VMs as Xen runs them
 * (ops_host_vms, as xe shows them); the stored null ref and empty set
 * for another pool member, or when xenstore cannot be read. */
static int host_vm_fields(struct xapi_store *xs, struct xstore_conn *c,
                          const char *uuid, struct xv *rec)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    _cleanup_strv_free_ char **resident = NULL;
    char control[37] = "", ref[OPS_REF_SIZE];
    struct xv *a;
    int r;

    if (strcmp(uuid, xs->host_uuid) != 0)
        return 0;
    r = ops_host_vms(&c->ops, control, &resident, &err);
    xapi_error_clear(&err);
    if (r < 0)
        return r == -ENOMEM ? r : 0;
    a = xv_new_array();
    for (size_t i = 0; a && resident[i]; i++)
        if (xv_array_append(a, xv_new_string(ops_ref(ref, resident[i]))) < 0)
            a = xv_free(a);
    if (!a || xv_struct_set(rec, "resident_VMs", a) < 0)
        return -ENOMEM;
    return xv_struct_set_string(rec, "control_domain",
                                *control ? ops_ref(ref, control)
                                         : XSTORE_NULL_REF);
}

int xstore__decorate(struct xapi_store *xs, struct xstore_conn *c,
                     const store_record *sr, struct xv *rec)
{
    const char *cls = store_record_class(sr)->name;
    const char *uuid = store_record_uuid(sr);
    char ref[XAPI_REF_MAX];
    struct xv *sv, *lp;

    if (strcmp(cls, "PIF") == 0) {
        xstore__metrics_ref("PIF_metrics", uuid, ref, NULL);
        if (xv_struct_set_string(rec, "metrics", ref) < 0)
            return -ENOMEM;
        return pif_ip_fields(c, sr, rec);
    }
    if (strcmp(cls, "VIF") == 0)
        return xstore__vif_decorate(c, sr, rec);
    if (strcmp(cls, "host") != 0)
        return 0;
    xstore__metrics_ref("host_metrics", uuid, ref, NULL);
    if (xv_struct_set_string(rec, "metrics", ref) < 0 ||
        host_vm_fields(xs, c, uuid, rec) < 0)
        return -ENOMEM;
    /* Keys XenCenter reads; a restrict_* key it misses counts as
     * restricted (Host.RestrictSriovNetwork: BoolKeyPreferTrue). */
    lp = xv_new_struct();
    if (!lp || xv_struct_set_string(lp, "restrict_network_sriov",
                                    "false") < 0) {
        xv_free(lp);
        return -ENOMEM;
    }
    if (xv_struct_set(rec, "license_params", lp) < 0)
        return -ENOMEM;
    sv = xv_struct_get(rec, "software_version");
    if (!sv || sv->type != XV_STRUCT)
        return 0;
    if (xv_struct_set_string(sv, "platform_version", PLATFORM_VERSION) < 0 ||
        xv_struct_set_string(sv, "build_number", PACKAGE_VERSION) < 0 ||
        (*xs->xen_version &&
         xv_struct_set_string(sv, "xen", xs->xen_version) < 0))
        return -ENOMEM;
    return 0;
}

/* ---- host.get_servertime, host.get_server_localtime -------------------- */

static int host_date(const struct xapi_call *call, struct xv *const *args,
                     struct xv **ret, struct xapi_error *err, bool local)
{
    struct xapi_store *xs = call->userdata;
    struct xstore_conn *c = NULL;
    const char *uuid;
    int r;

    r = xstore__acquire(xs, "xapi", &c, err);
    if (r < 0)
        return r;
    r = xstore__resolve(c, "host", args, 0, &uuid, err);
    xstore__release(xs, c);
    if (r < 0)
        return r;
    *ret = xv_new_date_of(time(NULL), local);
    return *ret ? 0 : xapi_error_internal(err, -ENOMEM, "out of memory");
}

static int m_servertime(const struct xapi_call *call, struct xv *const *args,
                        size_t n, struct xv **ret, struct xapi_error *err)
{
    return host_date(call, args, ret, err, false);
}

static int m_localtime(const struct xapi_call *call, struct xv *const *args,
                       size_t n, struct xv **ret, struct xapi_error *err)
{
    return host_date(call, args, ret, err, true);
}

/* ---- host_metrics ------------------------------------------------------ */

static const char *const host_metrics_fields[] = { "uuid", "memory_total",
    "memory_free", "live", "last_updated", "other_config", NULL };

/* One host's metrics: this host's memory, another's unknown here (0). */
static int host_metrics_add(struct xapi_store *xs, struct xv *all,
                            const char *host, bool live)
{
    _cleanup_xv_ struct xv *rec = xv_new_struct();
    char ref[XAPI_REF_MAX], uuid[37];
    int64_t total = 0, freem = 0;

    if (!rec)
        return -ENOMEM;
    if (strcmp(host, xs->host_uuid) == 0 &&
        host_memory(xs, &total, &freem) < 0)
        total = freem = 0;
    xstore__metrics_ref("host_metrics", host, ref, uuid);
    if (xv_struct_set_string(rec, "uuid", uuid) < 0 ||
        xv_struct_set_int(rec, "memory_total", total) < 0 ||
        xv_struct_set_int(rec, "memory_free", freem) < 0 ||
        xv_struct_set_bool(rec, "live", live) < 0 ||
        xv_struct_set(rec, "last_updated",
                      xv_new_date_of(time(NULL), false)) < 0 ||
        xv_struct_set(rec, "other_config", xv_new_struct()) < 0 ||
        xv_struct_append(all, ref, strlen(ref), TAKE_PTR(rec)) < 0)
        return -ENOMEM;
    return 0;
}

/*
 * Every host's metrics: in a pool, one per host of the pool's view, live
 * while the host's lease is (<prefix>/live/<host>); out of one (or etcd
 * away), this host's, live.
 */
static int host_metrics_all(void *userdata, struct xv **ret,
                            struct xapi_error *err)
{
    struct xapi_store *xs = userdata;
    _cleanup_xv_ struct xv *all = xv_new_struct();
    struct xstore_conn *c = NULL;
    store_record **hosts = NULL;
    char **live = NULL;
    size_t n = 0, n_live = 0;
    int r;

    if (!all)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    r = xstore__acquire(xs, "xapi", &c, err);
    if (r < 0)
        return r;
    /* xstore__list leaves c->pool open when it read the pool's view. */
    r = xstore__list(xs, c, "host", &hosts, &n);
    if (r >= 0 && c->pool && pool_live_hosts(c->pool, &live, &n_live) < 0)
        live = NULL;
    if (r < 0 || !live) {
        r = host_metrics_add(xs, all, xs->host_uuid, true);
    } else {
        for (size_t i = 0; r >= 0 && i < n; i++) {
            const char *h = store_record_uuid(hosts[i]);

            bool is_live = false;

            for (char **l = live; *l && !is_live; l++)
                is_live = strcmp(*l, h) == 0;
            r = host_metrics_add(xs, all, h, is_live);
        }
    }
    strv_free(live);
    store_record_list_free(hosts, n);
    xstore__release(xs, c);
    if (r < 0)
        return xapi_error_internal(err, r, "out of memory");
    *ret = TAKE_PTR(all);
    return 0;
}

/* ---- PIF_metrics -------------------------------------------------------- */

static const char *const pif_metrics_fields[] = { "uuid", "io_read_kbs",
    "io_write_kbs", "carrier", "vendor_id", "vendor_name", "device_id",
    "device_name", "speed", "duplex", "pci_bus_path", "last_updated",
    "other_config", NULL };

static int pif_metrics_record(struct xstore_conn *c, const store_record *pif,
                              struct xv **ret)
{
    _cleanup_xv_ struct xv *rec = xv_new_struct();
    const char *pci_uuid = store_record_get(pif, SF_PCI);
    bool physical = streq_ptr(store_record_get(pif, SF_physical), "true");
    store_record *pci = NULL;
    char uuid[37], ref[XAPI_REF_MAX];
    struct ops_pif_link link;
    int r;

    if (!rec)
        return -ENOMEM;
    ops_pif_link(&c->ops, pif, &link);
    if (physical && pci_uuid && *pci_uuid &&
        store_get(c->st, "PCI", pci_uuid, &pci) < 0)
        pci = NULL;
    xstore__metrics_ref("PIF_metrics", store_record_uuid(pif), ref, uuid);
#define PCI_FIELD(f) (pci && store_record_get(pci, SF_##f) ? \
                      store_record_get(pci, SF_##f) : "")
    r = 0;
    if (xv_struct_set_string(rec, "uuid", uuid) < 0 ||
        xv_struct_set(rec, "io_read_kbs", xv_new_double(0)) < 0 ||
        xv_struct_set(rec, "io_write_kbs", xv_new_double(0)) < 0 ||
        xv_struct_set_bool(rec, "carrier", link.carrier) < 0 ||
        xv_struct_set_string(rec, "vendor_id", PCI_FIELD(vendor_id)) < 0 ||
        xv_struct_set_string(rec, "vendor_name",
                             PCI_FIELD(vendor_name)) < 0 ||
        xv_struct_set_string(rec, "device_id", PCI_FIELD(device_id)) < 0 ||
        xv_struct_set_string(rec, "device_name",
                             PCI_FIELD(device_name)) < 0 ||
        xv_struct_set_int(rec, "speed", link.speed) < 0 ||
        xv_struct_set_bool(rec, "duplex",
                           strcmp(link.duplex, "full") == 0) < 0 ||
        xv_struct_set_string(rec, "pci_bus_path", PCI_FIELD(pci_id)) < 0 ||
        xv_struct_set(rec, "last_updated",
                      xv_new_date_of(time(NULL), false)) < 0 ||
        xv_struct_set(rec, "other_config", xv_new_struct()) < 0)
        r = -ENOMEM;
#undef PCI_FIELD
    store_record_free(pci);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(rec);
    return 0;
}

static int build_pif_metrics(void *userdata, struct xstore_conn *c,
                             const store_record *pif,
                             char ref[XAPI_REF_MAX], struct xv **ret)
{
    xstore__metrics_ref("PIF_metrics", store_record_uuid(pif), ref, NULL);
    (void)userdata;
    return pif_metrics_record(c, pif, ret);
}

static int pif_metrics_all(void *userdata, struct xv **ret,
                           struct xapi_error *err)
{
    return xstore__all_of(userdata, "PIF", build_pif_metrics, userdata, ret,
                          err);
}

static int host_metrics_list(void *u, char ***ret, struct xapi_error *err)
{
    return xapi_class_list_of_all(host_metrics_all, u, ret, err);
}

static int host_metrics_get(void *u, const char *ref, struct xv **ret,
                            struct xapi_error *err)
{
    return xapi_class_get_of_all(host_metrics_all, u, ref, ret, err);
}

static int pif_metrics_list(void *u, char ***ret, struct xapi_error *err)
{
    return xapi_class_list_of_all(pif_metrics_all, u, ret, err);
}

static int pif_metrics_get(void *u, const char *ref, struct xv **ret,
                           struct xapi_error *err)
{
    return xapi_class_get_of_all(pif_metrics_all, u, ref, ret, err);
}

/* ---- classes with nothing to report ------------------------------------ */

static int empty_list(void *u, char ***ret, struct xapi_error *err)
{
    *ret = calloc(1, sizeof(**ret));
    return *ret ? 0 : xapi_error_internal(err, -ENOMEM, "out of memory");
}

static int empty_get(void *u, const char *ref, struct xv **ret,
                     struct xapi_error *err)
{
    return -ENOENT;
}

static int empty_all(void *u, struct xv **ret, struct xapi_error *err)
{
    *ret = xv_new_struct();
    return *ret ? 0 : xapi_error_internal(err, -ENOMEM, "out of memory");
}

/*
 * Classes XenCenter (or XO's cache) lists that this host has none of.
 */
static const char *const empty_classes[] = { "SR", "PBD",
    "message", "Bond", "VLAN", "tunnel", NULL };

static const char *const uuid_field[] = { "uuid", NULL };

int xstore__register_xencenter(struct xapi_store *xs)
{
    const struct xapi_method m[] = {
        { "host.get_servertime", 1, 1, 0, m_servertime, xs },
        { "host.get_server_localtime", 1, 1, 0, m_localtime, xs },
    };
    int r = 0;

    for (size_t k = 0; r >= 0 && k < ELEMENTSOF(m); k++)
        r = xapi_add_method(xs->api, &m[k]);
    if (r >= 0)
        r = xapi_add_class(xs->api, &(struct xapi_class){
                               "host_metrics", host_metrics_fields,
                               host_metrics_list, host_metrics_get, xs,
                               host_metrics_all });
    if (r >= 0)
        r = xapi_add_class(xs->api, &(struct xapi_class){
                               "PIF_metrics", pif_metrics_fields,
                               pif_metrics_list, pif_metrics_get, xs,
                               pif_metrics_all });
    for (size_t k = 0; r >= 0 && empty_classes[k]; k++)
        r = xapi_add_class(xs->api, &(struct xapi_class){
                               empty_classes[k], uuid_field, empty_list,
                               empty_get, xs, empty_all });
    return r;
}
