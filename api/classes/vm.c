/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The XenAPI VM class: the VMs Xen knows (ops_vm_list: xl configs and
 * domains), read again on every call, as XAPI's records with its field
 * names and types (ocaml/idl/datamodel_vm.ml); fields that do not apply
 * hold XAPI's defaults.  A VM without uuid has no ref and is not here.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <xenstore.h>

#include "api/classes/internal.h"

/* The record fields (a get_<field> each), in datamodel order. */
static const char *const vm_fields[] = {
    "uuid", "allowed_operations", "current_operations", "name_label",
    "name_description", "power_state", "user_version", "is_a_template",
    "is_default_template", "suspend_VDI", "resident_on", "affinity",
    "memory_overhead", "memory_target", "memory_static_max",
    "memory_dynamic_max", "memory_dynamic_min", "memory_static_min",
    "VCPUs_params", "VCPUs_max", "VCPUs_at_startup",
    "actions_after_shutdown", "actions_after_reboot", "actions_after_crash",
    "consoles", "VIFs", "VBDs", "VUSBs", "crash_dumps", "VTPMs",
    "PV_bootloader", "PV_kernel", "PV_ramdisk", "PV_args",
    "PV_bootloader_args", "PV_legacy_args", "HVM_boot_policy",
    "HVM_boot_params", "HVM_shadow_multiplier", "platform", "PCI_bus",
    "other_config", "domid", "domarch", "last_boot_CPU_flags",
    "is_control_domain", "metrics", "guest_metrics",
    "last_booted_record", "recommendations", "xenstore_data",
    "ha_always_run", "ha_restart_priority", "is_a_snapshot", "snapshot_of",
    "snapshots", "snapshot_time", "transportable_snapshot_id", "blobs",
    "tags", "blocked_operations", "snapshot_info", "snapshot_metadata",
    "parent", "children", "bios_strings", "protection_policy",
    "is_snapshot_from_vmpp", "snapshot_schedule", "is_vmss_snapshot",
    "appliance", "start_delay", "shutdown_delay", "order", "VGPUs",
    "attached_PCIs", "suspend_SR", "version", "generation_id",
    "hardware_platform_version", "has_vendor_device", "requires_reboot",
    "reference_label", "domain_type", "NVRAM", "pending_guidances",
    NULL
};

static int put_ref(struct xv *rec, const char *name, const char *uuid)
{
    char ref[OPS_REF_SIZE];

    return xv_struct_set_string(rec, name, uuid && *uuid
                                               ? ops_ref(ref, uuid)
                                               : XSTORE_NULL_REF);
}

static int put_empty(struct xv *rec, const char *name, bool map)
{
    struct xv *v = map ? xv_new_struct() : xv_new_array();

    return v ? xv_struct_set(rec, name, v) : -ENOMEM;
}

/* The VIFs of the VM: refs of the store's VIFs whose VM is uuid. */
static int put_vifs(struct xstore_conn *c, struct xv *rec, const char *uuid)
{
    struct store_match m = { SF_VM, uuid };
    store_record **v = NULL;
    struct xv *a = xv_new_array();
    size_t n = 0;
    int r;

    if (!a)
        return -ENOMEM;
    r = store_list(c->st, "VIF", &m, 1, STORE_LIST_SKIP_INVALID, &v, &n);
    for (size_t i = 0; r >= 0 && i < n; i++) {
        char ref[OPS_REF_SIZE];

        r = xv_array_append(a, xv_new_string(ops_ref(ref,
                                             store_record_uuid(v[i]))));
    }
    store_record_list_free(v, n);
    if (r < 0) {
        xv_free(a);
        return r;
    }
    return xv_struct_set(rec, "VIFs", a);
}

/* other_config: what the store keeps of the VM (none: empty); another
 * host's VM's as its host mirrored it. */
static int put_other_config(struct xstore_conn *c, struct xv *rec,
                            const char *uuid,
                            const struct ops_vm_remote *remote)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    store_record *vm = NULL;
    struct xv *m = xv_new_struct();
    int r = m ? 0 : -ENOMEM;

    for (size_t i = 0; r >= 0 && remote && remote->other_config[i]; i += 2)
        r = xv_struct_set_string(m, remote->other_config[i],
                                 remote->other_config[i + 1]);
    if (r >= 0 && *uuid && !remote)
        r = ops_vm_other_config(&c->ops, uuid, &vm, &err);
    xapi_error_clear(&err);
    for (size_t i = 0; r >= 0 && vm &&
                       i < store_record_map_count(vm, SF_other_config); i++)
        r = xv_struct_set_string(m,
                                 store_record_map_key(vm, SF_other_config, i),
                                 store_record_map_value(vm, SF_other_config,
                                                        i));
    store_record_free(vm);
    if (r < 0) {
        xv_free(m);
        return r;
    }
    return xv_struct_set(rec, "other_config", m);
}

/* records of XAPI's VM class for one VM; host is this dom0's uuid;
 * remote another host's VM (NULL: this host's). */
static int vm_record(struct xstore_conn *c, const struct ops_vm *vm,
                     const char *host, const struct ops_vm_remote *remote,
                     struct xv **ret)
{
    static const char *const empty_sets[] = {
        "allowed_operations", "consoles", "VBDs", "VUSBs", "crash_dumps",
        "VTPMs", "snapshots", "tags", "children", "VGPUs", "attached_PCIs",
        "pending_guidances", NULL
    };
    static const char *const empty_maps[] = {
        "current_operations", "VCPUs_params", "HVM_boot_params", "platform",
        "last_boot_CPU_flags", "xenstore_data", "blobs",
        "blocked_operations", "snapshot_info", "bios_strings", "NVRAM",
        NULL
    };
    static const char *const null_refs[] = {
        "suspend_VDI", "affinity", "metrics", "guest_metrics", "snapshot_of",
        "parent", "protection_policy", "snapshot_schedule", "appliance",
        "suspend_SR", NULL
    };
    static const char *const empty_strings[] = {
        "name_description", "PV_bootloader", "PV_kernel", "PV_ramdisk",
        "PV_args", "PV_bootloader_args", "PV_legacy_args", "PCI_bus",
        "domarch", "last_booted_record", "recommendations",
        "ha_restart_priority", "transportable_snapshot_id",
        "snapshot_metadata", "generation_id", "reference_label", NULL
    };
    struct xv *rec = xv_new_struct();
    bool hvm = strcmp(vm->domain_type, "hvm") == 0;
    bool running = vm->domid >= 0;
    int r = rec ? 0 : -ENOMEM;

    if (r >= 0)
        r = xv_struct_set_string(rec, "uuid", vm->uuid);
    if (r >= 0)
        r = xv_struct_set_string(rec, "name_label", vm->name_label);
    if (r >= 0)
        r = xv_struct_set_string(rec, "power_state", vm->power_state);
    if (r >= 0)
        r = xv_struct_set_int(rec, "user_version", 1);
    if (r >= 0)
        r = xv_struct_set_bool(rec, "is_a_template", false);
    if (r >= 0)
        r = xv_struct_set_bool(rec, "is_default_template", false);
    if (r >= 0)
        r = put_ref(rec, "resident_on", !running ? NULL
                                        : remote ? remote->resident : host);
    if (r >= 0)
        r = xv_struct_set_int(rec, "memory_overhead", 0);
    if (r >= 0)
        r = xv_struct_set_int(rec, "memory_target",
                              vm->memory_actual >= 0 ? vm->memory_actual
                                                     : 0);
    if (r >= 0)
        r = xv_struct_set_int(rec, "memory_static_max",
                              vm->memory_static_max);
    if (r >= 0)
        r = xv_struct_set_int(rec, "memory_dynamic_max",
                              vm->memory_dynamic_max);
    if (r >= 0)
        r = xv_struct_set_int(rec, "memory_dynamic_min",
                              vm->memory_dynamic_max);
    if (r >= 0)
        r = xv_struct_set_int(rec, "memory_static_min", 0);
    if (r >= 0)
        r = xv_struct_set_int(rec, "VCPUs_max", vm->vcpus_max);
    if (r >= 0)
        r = xv_struct_set_int(rec, "VCPUs_at_startup", vm->vcpus_at_startup);
    /* xl.cfg(5)'s defaults: on_poweroff destroy, on_reboot restart,
     * on_crash destroy. */
    if (r >= 0)
        r = xv_struct_set_string(rec, "actions_after_shutdown", "destroy");
    if (r >= 0)
        r = xv_struct_set_string(rec, "actions_after_reboot", "restart");
    if (r >= 0)
        r = xv_struct_set_string(rec, "actions_after_crash", "destroy");
    if (r >= 0)
        r = put_vifs(c, rec, vm->uuid);
    if (r >= 0)
        r = xv_struct_set_string(rec, "HVM_boot_policy",
                                 hvm ? "BIOS order" : "");
    if (r >= 0)
        r = xv_struct_set(rec, "HVM_shadow_multiplier", xv_new_double(1.0));
    if (r >= 0)
        r = put_other_config(c, rec, vm->uuid, remote);
    if (r >= 0)
        r = xv_struct_set_int(rec, "domid", vm->domid);
    if (r >= 0)
        r = xv_struct_set_bool(rec, "is_control_domain",
                               vm->is_control_domain);
    if (r >= 0)
        r = xv_struct_set_bool(rec, "ha_always_run", false);
    if (r >= 0)
        r = xv_struct_set_bool(rec, "is_a_snapshot", false);
    if (r >= 0)
        r = xv_struct_set(rec, "snapshot_time",
                          xv_new_date("19700101T00:00:00Z"));
    if (r >= 0)
        r = xv_struct_set_bool(rec, "is_snapshot_from_vmpp", false);
    if (r >= 0)
        r = xv_struct_set_bool(rec, "is_vmss_snapshot", false);
    if (r >= 0)
        r = xv_struct_set_int(rec, "start_delay", 0);
    if (r >= 0)
        r = xv_struct_set_int(rec, "shutdown_delay", 0);
    if (r >= 0)
        r = xv_struct_set_int(rec, "order", 0);
    if (r >= 0)
        r = xv_struct_set_int(rec, "version", 0);
    if (r >= 0)
        r = xv_struct_set_int(rec, "hardware_platform_version", 0);
    if (r >= 0)
        r = xv_struct_set_bool(rec, "has_vendor_device", false);
    if (r >= 0)
        r = xv_struct_set_bool(rec, "requires_reboot", false);
    if (r >= 0)
        r = xv_struct_set_string(rec, "domain_type", vm->domain_type);
    for (size_t i = 0; r >= 0 && empty_sets[i]; i++)
        r = put_empty(rec, empty_sets[i], false);
    for (size_t i = 0; r >= 0 && empty_maps[i]; i++)
        r = put_empty(rec, empty_maps[i], true);
    for (size_t i = 0; r >= 0 && null_refs[i]; i++)
        r = put_ref(rec, null_refs[i], NULL);
    for (size_t i = 0; r >= 0 && empty_strings[i]; i++)
        r = xv_struct_set_string(rec, empty_strings[i], "");
    if (r < 0) {
        xv_free(rec);
        return r;
    }
    *ret = rec;
    return 0;
}

/* In a pool (pool.conf looked at on every call), the other hosts' VMs
 * as they mirrored them (docs/pool.md); none when etcd cannot answer
 * (logged). */
static int remote_vms(struct xapi_store *xs, struct xstore_conn *c,
                      const struct ops_vm *local, size_t nl, const char *self,
                      struct ops_vm_remote **ret, size_t *n_ret)
{
    struct pool_vm *pv = NULL;
    char msg[512] = "";
    size_t n = 0;
    int r;

    *ret = NULL;
    *n_ret = 0;
    c->pool = pool_close(c->pool);
    r = pool_open(&c->pool, xs->root, msg, sizeof(msg));
    if (r < 0)
        xapi_log(xapi_get_logger(xs->api), LOG_WARNING, "pool: %s", msg);
    if (r <= 0)
        return 0;
    r = pool_vm_list(c->pool, &pv, &n);
    if (r < 0) {
        xapi_log(xapi_get_logger(xs->api), LOG_WARNING,
                 "pool: showing this host's VMs only: %s",
                 pool_last_error(c->pool));
        return 0;
    }
    r = ops_vm_remotes(local, nl, self, pv, n, ret, n_ret);
    pool_vm_list_free(pv, n);
    return r;
}

/* The VMs with a uuid (this host's, then the pool's other hosts'), and
 * this host's uuid. */
static int read_vms(struct xapi_store *xs, struct xstore_conn **c,
                    struct ops_vm **vms, size_t *n,
                    struct ops_vm_remote **rv, size_t *nr, char host[37],
                    struct xapi_error *err)
{
    int r = xstore__acquire(xs, "xapi", c, err);

    if (r < 0)
        return r;
    r = ops_host_uuid(&(*c)->ops, host, err);
    if (r >= 0)
        r = ops_vm_list(&(*c)->ops, vms, n, err);
    if (r >= 0 && (r = remote_vms(xs, *c, *vms, *n, host, rv, nr)) < 0) {
        ops_vm_list_free(*vms, *n);
        *vms = NULL;
        *n = 0;
        r = xapi_error_internal(err, r, "out of memory");
    }
    if (r < 0) {
        xstore__release(xs, *c);
        *c = NULL;
    }
    return r;
}

/* The i-th of the local VMs and the remote ones after them. */
static const struct ops_vm *vm_at(const struct ops_vm *vms, size_t n,
                                  const struct ops_vm_remote *rv, size_t i)
{
    return i < n ? &vms[i] : &rv[i - n].vm;
}

static int list_refs(void *userdata, char ***ret, struct xapi_error *err)
{
    struct xapi_store *xs = userdata;
    struct xstore_conn *c = NULL;
    struct ops_vm *vms = NULL;
    struct ops_vm_remote *rv = NULL;
    char **refs, host[37];
    size_t n = 0, nr = 0, k = 0;
    int r;

    r = read_vms(xs, &c, &vms, &n, &rv, &nr, host, err);
    if (r < 0)
        return r;
    refs = calloc(n + nr + 1, sizeof(*refs));
    for (size_t i = 0; refs && i < n + nr; i++) {
        const struct ops_vm *vm = vm_at(vms, n, rv, i);

        if (!*vm->uuid)
            continue;
        if (asprintf(&refs[k++], "%s%s", OPS_REF_PREFIX, vm->uuid) < 0) {
            refs[k - 1] = NULL;
            refs = strv_free(refs);
        }
    }
    ops_vm_remotes_free(rv, nr);
    ops_vm_list_free(vms, n);
    xstore__release(xs, c);
    if (!refs)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    *ret = refs;
    return 0;
}

static int all_records(void *userdata, struct xv **ret,
                       struct xapi_error *err)
{
    struct xapi_store *xs = userdata;
    struct xstore_conn *c = NULL;
    struct ops_vm *vms = NULL;
    struct ops_vm_remote *rv = NULL;
    struct xv *all;
    char host[37];
    size_t n = 0, nr = 0;
    int r;

    r = read_vms(xs, &c, &vms, &n, &rv, &nr, host, err);
    if (r < 0)
        return r;
    all = xv_new_struct();
    for (size_t i = 0; all && i < n + nr; i++) {
        const struct ops_vm *vm = vm_at(vms, n, rv, i);
        char ref[OPS_REF_SIZE];
        struct xv *rec = NULL;

        if (!*vm->uuid)
            continue;
        ops_ref(ref, vm->uuid);
        if (vm_record(c, vm, host, i < n ? NULL : &rv[i - n], &rec) < 0 ||
            xv_struct_append(all, ref, strlen(ref), rec) < 0)
            all = xv_free(all);
    }
    ops_vm_remotes_free(rv, nr);
    ops_vm_list_free(vms, n);
    xstore__release(xs, c);
    if (!all)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    *ret = all;
    return 0;
}

static int get_record(void *userdata, const char *ref, struct xv **ret,
                      struct xapi_error *err)
{
    struct xapi_store *xs = userdata;
    const char *uuid = xstore__ref_uuid(ref);
    struct xstore_conn *c = NULL;
    struct ops_vm vm;
    char host[37];
    int r;

    if (!uuid)
        return -ENOENT;
    r = xstore__acquire(xs, "xapi", &c, err);
    if (r < 0)
        return r;
    r = ops_host_uuid(&c->ops, host, err);
    if (r >= 0)
        r = ops_vm_find(&c->ops, uuid, &vm, err);
    if (r == -ENOENT) {
        struct ops_vm_remote *rv = NULL;
        size_t nr = 0;

        xapi_error_clear(err);  /* no such VM: err stays clear */
        /* Another host's? */
        r = remote_vms(xs, c, NULL, 0, host, &rv, &nr);
        if (r >= 0)
            r = -ENOENT;
        for (size_t i = 0; r == -ENOENT && i < nr; i++)
            if (strcasecmp(rv[i].vm.uuid, uuid) == 0)
                r = vm_record(c, &rv[i].vm, host, &rv[i], ret);
        if (r < 0 && r != -ENOENT)
            r = xapi_error_internal(err, r, "out of memory");
        ops_vm_remotes_free(rv, nr);
    } else if (r >= 0) {
        r = vm_record(c, &vm, host, NULL, ret);
        ops_vm_done(&vm);
        if (r < 0)
            r = xapi_error_internal(err, r, "out of memory");
    }
    xstore__release(xs, c);
    return r;
}

/* VM.get_by_name_label(s, label) -> [ref]: every VM of that name. */
static int get_by_name_label(const struct xapi_call *call,
                             struct xv *const *args, size_t n_args,
                             struct xv **ret, struct xapi_error *err)
{
    struct xapi_store *xs = call->userdata;
    struct xstore_conn *c = NULL;
    struct ops_vm *vms = NULL;
    struct ops_vm_remote *rv = NULL;
    const char *label;
    struct xv *a;
    char host[37];
    size_t n = 0, nr = 0;
    int r;

    (void)n_args;
    r = xapi_arg_string(args, 0, "label", &label, err);
    if (r < 0)
        return r;
    r = read_vms(xs, &c, &vms, &n, &rv, &nr, host, err);
    if (r < 0)
        return r;
    a = xv_new_array();
    for (size_t i = 0; a && i < n + nr; i++) {
        const struct ops_vm *vm = vm_at(vms, n, rv, i);
        char ref[OPS_REF_SIZE];

        if (*vm->uuid && strcmp(vm->name_label, label) == 0 &&
            xv_array_append(a, xv_new_string(ops_ref(ref, vm->uuid))) < 0)
            a = xv_free(a);
    }
    ops_vm_remotes_free(rv, nr);
    ops_vm_list_free(vms, n);
    xstore__release(xs, c);
    if (!a)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    *ret = a;
    return 0;
}

int xstore__register_vm(struct xapi_store *xs)
{
    int r = xapi_add_class(xs->api, &(struct xapi_class){
                               "VM", vm_fields, list_refs, get_record, xs,
                               all_records });

    if (r >= 0)
        r = xapi_add_method(xs->api, &(struct xapi_method){
                                "VM.get_by_name_label", 1, 1, 0,
                                get_by_name_label, xs });
    return r;
}

/* ---- events: a domain starting or dying is a change of its VM ---- */

/* What an event compares of a VM. */
struct vm_state {
    char uuid[37];
    int64_t domid;
    const char *power_state;
    char *name;
    /* from its config */
    char domain_type[16];
    int64_t memory_static_max, memory_dynamic_max, vcpus_max,
        vcpus_at_startup;
};

static void states_free(struct vm_state *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i].name);
    free(s);
}

static int states_read(struct xstore_conn *c, struct vm_state **ret,
                       size_t *n_ret)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    struct ops_vm *vms = NULL;
    struct vm_state *s;
    size_t n = 0, k = 0;
    int r;

    r = ops_vm_list(&c->ops, &vms, &n, &err);
    xapi_error_clear(&err);
    if (r < 0)
        return r;
    s = calloc(n + 1, sizeof(*s));
    for (size_t i = 0; s && i < n; i++) {
        if (!*vms[i].uuid)
            continue;
        memcpy(s[k].uuid, vms[i].uuid, 37);
        s[k].domid = vms[i].domid;
        s[k].power_state = vms[i].power_state;
        s[k].name = TAKE_PTR(vms[i].name_label);
        memcpy(s[k].domain_type, vms[i].domain_type,
               sizeof(s[k].domain_type));
        s[k].memory_static_max = vms[i].memory_static_max;
        s[k].memory_dynamic_max = vms[i].memory_dynamic_max;
        s[k].vcpus_max = vms[i].vcpus_max;
        s[k].vcpus_at_startup = vms[i].vcpus_at_startup;
        k++;
    }
    ops_vm_list_free(vms, n);
    if (!s)
        return -ENOMEM;
    *ret = s;
    *n_ret = k;
    return 0;
}

static const struct vm_state *state_find(const struct vm_state *s, size_t n,
                                         const char *uuid)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].uuid, uuid) == 0)
            return &s[i];
    return NULL;
}

/* add, mod or del for what differs between before and now. */
static void states_notify(struct xapi_store *xs, const struct vm_state *a,
                          size_t na, const struct vm_state *b, size_t nb)
{
    char ref[OPS_REF_SIZE];

    for (size_t i = 0; i < nb; i++) {
        const struct vm_state *o = state_find(a, na, b[i].uuid);

        if (!o)
            xapi_notify(xs->api, "VM", ops_ref(ref, b[i].uuid),
                        XAPI_EVENT_ADD);
        else if (o->domid != b[i].domid ||
                 strcmp(o->power_state, b[i].power_state) ||
                 strcmp(o->name, b[i].name) ||
                 strcmp(o->domain_type, b[i].domain_type) ||
                 o->memory_static_max != b[i].memory_static_max ||
                 o->memory_dynamic_max != b[i].memory_dynamic_max ||
                 o->vcpus_max != b[i].vcpus_max ||
                 o->vcpus_at_startup != b[i].vcpus_at_startup)
            xapi_notify(xs->api, "VM", ops_ref(ref, b[i].uuid),
                        XAPI_EVENT_MOD);
    }
    for (size_t i = 0; i < na; i++)
        if (!state_find(b, nb, a[i].uuid))
            xapi_notify(xs->api, "VM", ops_ref(ref, a[i].uuid),
                        XAPI_EVENT_DEL);
}

/*
 * Watch the config directories (a config written, renamed, removed; a
 * directory made, as auto/ or one vm-config-dirs lists): added again on
 * every wake, since they may appear later.  A directory watched already
 * keeps its watch.
 */
static void watch_configs(struct xstore_conn *c, int in)
{
    _cleanup_strv_free_ char **dirs = NULL;

    if (in < 0 || !c || ops_vm_config_dirs(&c->ops, &dirs) < 0)
        return;
    for (size_t i = 0; dirs[i]; i++)
        inotify_add_watch(in, dirs[i],
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                          IN_CREATE | IN_DELETE | IN_DELETE_SELF |
                          IN_ONLYDIR);
}

/*
 * Watch the domains (@introduceDomain, @releaseDomain, and /vm, which only
 * the toolstack writes: libxl makes /vm/<uuid> before the domain runs and
 * removes it when it is destroyed; a private xenstored of the tests has
 * no hypervisor to fire the two special watches) and the xl configs
 * (inotify).  Stops when xs->feed_stop_fd is readable.
 */
static void *vm_thread(void *arg)
{
    struct xapi_store *xs = arg;
    struct xstore_conn *c = NULL;
    struct xs_handle *h = NULL;
    struct vm_state *now = NULL;
    size_t n_now = 0;
    bool have = false;
    char msg[512];
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

    for (;;) {
        struct pollfd p[3] = { { xs->feed_stop_fd, POLLIN, 0 },
                               { -1, POLLIN, 0 }, { in, POLLIN, 0 } };
        char buf[4096];
        struct vm_state *next = NULL;
        size_t n_next = 0;
        char **w;

        if (!h) {
            h = xs_open(0);
            if (h && (!xs_watch(h, "@introduceDomain", "vm") ||
                      !xs_watch(h, "@releaseDomain", "vm") ||
                      !xs_watch(h, "/vm", "vm"))) {
                xs_close(h);
                h = NULL;
            }
        }
        if (!c && xstore__conn_open(xs, &c, msg, sizeof(msg)) < 0)
            c = NULL;
        /* What runs before the first event: what it is compared with. */
        watch_configs(c, in);
        if (c && !have && states_read(c, &now, &n_now) >= 0)
            have = true;
        p[1].fd = h ? xs_fileno(h) : -1;
        if (poll(p, 3, h && c ? -1 : 1000) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            break;
        if (p[1].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            xs_close(h);        /* xenstored went away: watch again */
            h = NULL;
            continue;
        }
        /* Take every pending event, then look once. */
        while (h && p[1].revents && (w = xs_check_watch(h)))
            free(w);
        while (in >= 0 && p[2].revents && read(in, buf, sizeof(buf)) > 0)
            ;
        if (!c || states_read(c, &next, &n_next) < 0)
            continue;
        if (have)
            states_notify(xs, now, n_now, next, n_next);
        have = true;
        states_free(now, n_now);
        now = next;
        n_now = n_next;
    }
    states_free(now, n_now);
    if (h)
        xs_close(h);
    if (in >= 0)
        close(in);
    xstore__conn_close(c);
    return NULL;
}

int xstore__vm_watch_start(struct xapi_store *xs)
{
    int r = pthread_create(&xs->vm_thread, NULL, vm_thread, xs);

    if (r)
        return -r;
    xs->vm_running = true;
    return 0;
}

void xstore__vm_watch_stop(struct xapi_store *xs)
{
    if (!xs->vm_running)
        return;
    pthread_join(xs->vm_thread, NULL);
    xs->vm_running = false;
}
