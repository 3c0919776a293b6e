/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The operations behind every xe command and XenAPI call that changes or
 * computes something: one implementation of each, shared by `xe`
 * (xe) and the XenAPI endpoint (api).  Neither keeps a
 * check of its own: the checks, their order and their errors are here.
 *
 * Each function takes an ops context (the libsriov context giving the host
 * root, an open store, who is calling) and returns 0 or a negative errno.
 * On failure *err holds the XenAPI error to report (code + parameters, as
 * XAPI raises it) and outputs are not written.  Object references in
 * error parameters are XAPI refs, "OpaqueRef:<uuid>" (the endpoint's refs:
 * it passes them on as they are; xe shows them as "uuid" or "uuid
 * (name-label)"); UUID_INVALID carries the uuid that was given.
 *
 * All or nothing (docs/xe.md has the contract with the boot restore):
 * - store changes are one transaction each; if xenstore committed it but
 *   the snapshot could not be written, the change is undone before the
 *   error is reported, so what xenstore shows and what is on disk agree;
 * - operations that also change the host order the two with compensation:
 *   network_sriov create commits the records, then enables the VFs, and
 *   removes the records again when the enable fails; destroy disables the
 *   VFs first and enables them again when the records cannot be removed.
 *   A process killed in between leaves records the boot restore applies
 *   (their num_vfs) and the next command completes.
 */
#ifndef XEN_SRIOV_OPS_H
#define XEN_SRIOV_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sriov/sriov.h>

#include "store/store.h"
#include "ops/xapi-error.h"

/* "OpaqueRef:" + uuid: how objects are named in error parameters. */
#define OPS_REF_PREFIX "OpaqueRef:"
#define OPS_REF_SIZE (sizeof(OPS_REF_PREFIX) - 1 + 37)

/*
 * Called at named points of the multi-step operations (see ops_steps in
 * docs/xe.md: "sriov-create:records", "sriov-create:enabled",
 * "sriov-destroy:disabled", "pif-scan:batch").  Tests use it to kill
 * xenstored or the process between two steps; programs leave it NULL (xe
 * installs one only for the test-only XEN_SRIOV_TEST_KILL_AT).
 */
typedef void (*ops_step_fn)(void *userdata, const char *step);

/* One line per committed change, naming the caller ("xe uid=0: ..."). */
typedef void (*ops_log_fn)(void *userdata, const char *line);

/*
 * Where new objects get their uuid: NULL for random ones (the store's).
 * Test only: xe pins them for its golden tests (XEN_SRIOV_TEST_UUIDS).
 */
typedef int (*ops_uuid_fn)(void *userdata, char ret[37]);

/*
 * Test only (docs/xe.md): the ops_uuid_fn behind XEN_SRIOV_TEST_UUIDS;
 * userdata is a file path.  New objects get 00000000-0000-4000-8000-<n>,
 * n counted in the file under an flock, so xe and xen-sriovd of one test
 * share the sequence and golden outputs are stable.
 */
int ops_test_pinned_uuid(void *userdata, char ret[37]);

struct ops_ctx;
struct ops_network_args;

/*
 * Pool-wide networks (pool/pool-network.c, docs/pool.md): what
 * network.create and network.destroy ask of the pool before and after
 * their store transaction.  Each returns 0 when this host is in no pool
 * (or the network is not pool-wide): the operation is the host's alone.
 */
struct ops_pool_hooks {
    /* The bridge of a new pool-wide network: @p a's, checked free in the
     * pool, or the pool's next xapiN.  1 with @p ret set. */
    int (*network_bridge)(struct ops_ctx *ops,
                          const struct ops_network_args *a, char ret[32],
                          struct xapi_error *err);
    /* The network just made here, made pool-wide (< 0: it is undone). */
    int (*network_created)(struct ops_ctx *ops, const char *uuid,
                           struct xapi_error *err);
    /* Before destroying (@p done false): refused while another host uses
     * the network; after (@p done true): removed from the pool. */
    int (*network_destroy)(struct ops_ctx *ops, const char *uuid, bool done,
                           struct xapi_error *err);
};

struct ops_ctx {
    sriov_ctx *sriov;           /* host root; libsriov's errors */
    store *st;                  /* the object store */
    const char *caller;         /* "xe uid=0", "xapi root@unix", ... */
    const char *hostname;       /* for the host record; NULL: gethostname */
    ops_log_fn log;             /* may be NULL */
    void *log_userdata;
    ops_step_fn step;           /* may be NULL */
    void *step_userdata;
    ops_uuid_fn new_uuid;       /* may be NULL */
    void *uuid_userdata;
    const struct ops_pool_hooks *pool;  /* may be NULL */
    void *pool_userdata;
};

/* "OpaqueRef:<uuid>" into buf. */
const char *ops_ref(char buf[OPS_REF_SIZE], const char *uuid);

/*
 * Read one object the caller named by uuid.
 * @return 0; -ENOENT with UUID_INVALID [cls; uuid] when there is no such
 *         object of that class (malformed uuids included); a store failure
 *         as INTERNAL_ERROR [message]
 */
int ops_lookup(struct ops_ctx *ops, const char *cls, const char *uuid,
               store_record **ret, struct xapi_error *err);

/* ---- host and pool (ops-host.c) ---- */

/*
 * This dom0's host record and the one-host pool, created on first use.
 * The host uuid is kept in <state dir>/host-uuid (written atomically);
 * the pool gets master = host and an empty other_config.
 * @param[out] ret_uuid  the host uuid (may be NULL)
 */
int ops_host_ensure(struct ops_ctx *ops, char ret_uuid[37],
                    struct xapi_error *err);

/*
 * This dom0's host uuid (<state dir>/host-uuid, made if missing) without
 * creating the host or pool records.
 */
int ops_host_uuid(struct ops_ctx *ops, char ret_uuid[37],
                  struct xapi_error *err);

/*
 * Write what the machine says of itself into the host record uuid (this
 * dom0's) when it differs from what is stored: hostname, address (the
 * IPv4 address of the default route's interface), software_version,
 * cpu_info, capabilities and sched_policy (ops/ops-host-info.c), as
 * XAPI's dbsync does at start.  No transaction when nothing changed.
 */
int ops_host_refresh(struct ops_ctx *ops, const char *uuid,
                     struct xapi_error *err);

/*
 * The host's memory in bytes: Xen's physinfo when a hypervisor is there,
 * else $root/proc/meminfo's MemTotal and MemFree.
 * @return 0; -ENOENT or -ENODATA when neither says
 */
int ops_host_memory(struct ops_ctx *ops, int64_t *ret_total,
                    int64_t *ret_free);

/* ---- discovery (ops-scan.c) ---- */

/*
 * xe pif-scan: discover the host's NICs and SR-IOV functions into PIF and
 * PCI records.  PFs and plain NICs with an interface get a PIF
 * (capability "sriov" when SR-IOV capable); every PF (NVMe too) and every
 * VF gets a PCI record (physical_function, dependencies = the other
 * members of its IOMMU group, iommu_group).  A VF's interface is never a
 * PIF.  Idempotent: a second scan writes nothing.  A PIF whose NIC is gone
 * is marked disappeared=true, currently_attached=false (and unmarked when
 * it comes back); VF PCI records of VFs that are gone are removed unless
 * a VIF reserved them.  Large hosts are written in batches of a few
 * objects per transaction; an interrupted scan is completed by the next.
 * @param host_uuid  must be this host (UUID_INVALID [host; uuid] if not)
 */
int ops_pif_scan(struct ops_ctx *ops, const char *host_uuid,
                 struct xapi_error *err);

/* ---- a PIF's values read from the host now (ops-pif.c) ---- */

/* PIF_metrics' link fields (datamodel.ml PIF_metrics). */
struct ops_pif_link {
    bool carrier;               /* sys/class/net/<dev>/carrier is 1 */
    long long speed;            /* Mbit/s; 0 when unknown (down, none) */
    const char *duplex;         /* "full", "half" or "unknown" */
};

/*
 * The link of a physical PIF's interface, read now (sysfs carrier, speed,
 * duplex through libsriov): what XAPI's PIF_metrics holds.  A PIF that is
 * not physical, or whose interface cannot be read, has no carrier, speed
 * 0 and duplex "unknown" (XAPI's defaults); a link that is up with no
 * duplex reported is "half" as XAPI's records.ml shows it.  Never fails.
 */
void ops_pif_link(struct ops_ctx *ops, const store_record *pif,
                  struct ops_pif_link *ret);

/* What ops_pif_ip() reads: each part costs the kernel reads named. */
enum ops_pif_ip_part {
    OPS_PIF_ADDRS = 1u << 0,    /* the interface's addresses (rtnetlink) */
    OPS_PIF_ROUTES = 1u << 1,   /* the default routes (rtnetlink) */
    OPS_PIF_DNS = 1u << 2,      /* etc/resolv.conf (and the routes) */
};

/* A PIF's IP configuration as XAPI's PIF record holds it (datamodel.ml
 * PIF), from the kernel. */
struct ops_pif_ip {
    unsigned have;              /* enum ops_pif_ip_part: the parts read */
    const char *mode;           /* ip_configuration_mode: "None", "DHCP",
                                 * "Static" */
    char ip[48];                /* "" for none */
    char netmask[16];           /* "255.255.255.0", "" for none */
    const char *ipv6_mode;      /* "None", "DHCP", "Static", "Autoconf" */
    char ipv6[512];             /* "addr/prefix", ','-separated (a set) */
    const char *primary_address_type;   /* "IPv4" or "IPv6" */
    bool management;            /* its interface has the default route */
    char gateway[48];           /* that route's IPv4 gateway, or "" */
    char ipv6_gateway[48];      /* the IPv6 one, or "" */
    char dns[256];              /* resolv.conf's name servers, ','-joined,
                                 * on the management PIF only */
};

/*
 * The IP configuration of a physical PIF's interface, read now through
 * libsriov (rtnetlink, etc/resolv.conf), the parts in WANT (enum
 * ops_pif_ip_part) added to *RET (zeroed by the caller before the first
 * call; parts in ret->have are not read again).  The addresses are those
 * of the Linux bridge the interface is in, if it is in one.  Modes: a
 * permanent address (no valid lifetime, IFA_F_PERMANENT) is Static, one
 * with a lifetime DHCP (IPv6: Autoconf unless a /128), none None.  A PIF
 * that is not physical, or whose interface the kernel does not have (a
 * simulated host's), reads as XAPI's defaults: None, "", IPv4.  Never
 * fails.
 */
void ops_pif_ip(struct ops_ctx *ops, const store_record *pif, unsigned want,
                struct ops_pif_ip *ret);

/* ---- networks (ops-network.c) ---- */

struct ops_network_args {
    const char *name_label;
    const char *name_description;   /* NULL: "" */
    const char *mtu;                /* NULL: 1500; <= 0 also 1500, as XAPI */
    const char *bridge;             /* NULL/"": the first free "xapiN" */
    int managed;                    /* -1: default (true), 0, 1 */
    const char *const *other_config;/* key, value, ..., NULL (may be NULL) */
    const char *const *tags;        /* NULL-ended (may be NULL), kept */
};

/*
 * network.create.  VALUE_NOT_SUPPORTED [MTU; v; reason] (not an integer,
 * or outside 68..65535), INVALID_VALUE [bridge; v] (over 15 bytes, or
 * starting with xen, xapi, vif, tap or eth, as XAPI), BRIDGE_NAME_EXISTS
 * [bridge].
 */
int ops_network_create(struct ops_ctx *ops, const struct ops_network_args *a,
                       char ret_uuid[37], struct xapi_error *err);

/*
 * network.destroy.  NETWORK_CONTAINS_VIF [vifs...] while a VIF on it is
 * attached or holds a VF, NETWORK_CONTAINS_PIF [pifs...] while a PIF (an
 * SR-IOV logical PIF) joins it; other VIFs are destroyed with it, as XAPI
 * does.
 */
int ops_network_destroy(struct ops_ctx *ops, const char *uuid,
                        struct xapi_error *err);
/* The same on this host's store only (the pool's hooks not asked): the
 * pool's copy of a network the pool destroyed, an undone create. */
int ops_network_destroy_here(struct ops_ctx *ops, const char *uuid,
                             struct xapi_error *err);

/* ---- field changes: param-set/add/remove/clear, set_*, add_to_* ---- */

enum ops_change_op {
    OPS_SET,            /* field = value */
    OPS_MAP_PUT,        /* map[key] = value (added or replaced) */
    OPS_MAP_ADD,        /* map[key] = value; MAP_DUPLICATE_KEY if present */
    OPS_MAP_REMOVE,     /* delete map[key] (absent: nothing) */
    OPS_SET_ADD,        /* add member key */
    OPS_SET_REMOVE      /* remove member key */
};

struct ops_change {
    enum ops_change_op op;
    const char *field;  /* schema field name: "other_config", "MTU" */
    const char *key;    /* map key / set member */
    const char *value;
};

/*
 * Apply changes to one object in one transaction: all or none.  Only
 * fields users may set (schema "rw") are accepted (else
 * FIELD_TYPE_ERROR [field]); values are checked by type and, for the keys
 * xen-sriov gives a meaning to, by value (VALUE_NOT_SUPPORTED [field;
 * value; reason]): VIF other_config vlan, vlan-qos, spoofchk, trust,
 * link-state, min-tx-rate, max-tx-rate; VIF qos_algorithm_type and
 * qos_algorithm_params kbps; PIF other_config sriov-configuration-mode;
 * network MTU (68..65535).  Map keys a VF setting needs must be valid in
 * the resulting map as a whole (vlan-qos needs vlan, min <= max rate).
 */
int ops_apply_changes(struct ops_ctx *ops, const char *cls,
                      const char *uuid, const struct ops_change *changes,
                      size_t n, struct xapi_error *err);

/* ---- network SR-IOV (ops-sriov.c, ops-capacity.c) ---- */

/*
 * network_sriov.create, with XAPI's checks in XAPI's order: network
 * managed (NETWORK_UNMANAGED), PIF managed (PIF_UNMANAGED), PIF physical
 * (PIF_IS_NOT_PHYSICAL), not enabled yet (NETWORK_SRIOV_ALREADY_ENABLED),
 * capability sriov (PIF_IS_NOT_SRIOV_CAPABLE), no other PIF of this host
 * on the network (NETWORK_ALREADY_CONNECTED [host; PIF]), the network
 * empty or all SR-IOV (NETWORK_INCOMPATIBLE_WITH_SRIOV) with the same
 * vendor and device ids (NETWORK_HAS_INCOMPATIBLE_SRIOV_PIFS).  Then
 * num_vfs against sriov_totalvfs (VALUE_NOT_SUPPORTED [num-vfs; n;
 * reason]).  The records (logical PIF: physical=false, the physical
 * device, MAC fe:ff:ff:ff:ff:ff, VLAN -1; the network_sriov with num_vfs
 * and the mode) are committed first, then the VFs are enabled in the mode
 * the PIF's other_config:sriov-configuration-mode forces or the one
 * detected; a failed enable (NETWORK_SRIOV_ENABLE_FAILED [PIF; msg])
 * removes the records again.  Last, the mode, requires_reboot, num_vfs
 * and the logical PIF's currently_attached (= !requires_reboot) are
 * recorded and the PF's VF PCI records refreshed.
 * @param num_vfs  VFs to enable; 0 = as many as the NIC supports
 */
int ops_network_sriov_create(struct ops_ctx *ops, const char *pif_uuid,
                             const char *network_uuid, unsigned num_vfs,
                             char ret_uuid[37], struct xapi_error *err);

/*
 * Finish the network-sriov creates that were cut short (xe killed,
 * xenstored gone, a reboot) between their records and their last step.
 * A create marks its PIF in the state directory
 * (sriov-create-<PIF uuid>.pending, flocked while it runs) and removes the
 * mark when done; each mark left by a process that died is finished here:
 * the VFs enabled as recorded when they are not there, the mode,
 * requires_reboot, num_vfs and currently_attached recorded, and the PF's
 * VF PCI records made, so the network gives VFs.  A mark whose create
 * never committed is removed.  With OPS_FINISH_ALL every network-sriov
 * of this host is also checked for VFs without a PCI record (a mark lost
 * with the disk cache in a power cut), which are then made.  Marks of a
 * create still running are left alone.  With OPS_FINISH_NO_SYSFS no VF
 * is enabled (a dry run): a create cut short before its VFs stays marked.
 * report (may be NULL) gets one line per network finished.
 * @return the number of networks finished, or a negative errno with err
 */
#define OPS_FINISH_ALL 1u
#define OPS_FINISH_NO_SYSFS 2u
int ops_network_sriov_finish(struct ops_ctx *ops, unsigned flags,
                             ops_log_fn report, void *userdata,
                             struct xapi_error *err);

/*
 * network_sriov.destroy.  Refused (OPERATION_NOT_ALLOWED [reason naming
 * the VIF and VF]) while a VIF on the network holds one of its VFs.
 * Disables SR-IOV as XAPI does for the recorded mode: sysfs writes 0 VFs;
 * modprobe resets the module option only when no other enabled SR-IOV PIF
 * uses the same driver (and then for the driver's other PFs too); manual
 * and unknown leave the VFs alone.  A failure
 * there is NETWORK_SRIOV_DISABLE_FAILED [PIF; msg] and changes nothing.
 * Then the logical PIF and the object are removed and the VF PCI records
 * refreshed.
 */
int ops_network_sriov_destroy(struct ops_ctx *ops, const char *uuid,
                              struct xapi_error *err);

/* Whether one VF can be given to a VIF now, and why not. */
struct ops_vf_status {
    char pci_id[16];            /* "0000:3b:02.0" */
    char pci_uuid[37];          /* its PCI record, "" if none yet */
    bool usable;
    char reason[160];           /* "" when usable */
};

/*
 * Every VF of the network_sriov's PF, live from sysfs, joined with the
 * reservations in the store: a VF is usable when it exists, no VIF
 * reserved it (PCI reserved_by / scheduled_to_be_attached_to), it is not
 * in use by anyone else (pciback or vfio-pci binding, interface up in
 * dom0) and it has an IOMMU group of its own.  Free *ret with free().
 */
int ops_network_sriov_diagnose(struct ops_ctx *ops, const char *uuid,
                               struct ops_vf_status **ret, size_t *n,
                               struct xapi_error *err);

/* network_sriov.get_remaining_capacity: the usable VFs of diagnose. */
int ops_network_sriov_remaining_capacity(struct ops_ctx *ops,
                                         const char *uuid, int64_t *ret,
                                         struct xapi_error *err);

/* ---- VIFs (ops-vif.c) ---- */

struct ops_vif_args {
    const char *vm_uuid;        /* the Xen domain's UUID */
    const char *network_uuid;
    const char *device;         /* "0", "1", ... */
    const char *mac;            /* NULL/"": generated; "random"; or a MAC */
    const char *mtu;            /* NULL: the network's */
    const char *const *other_config;  /* key, value, ..., NULL */
    const char *qos_algorithm_type;   /* NULL: none */
    const char *const *qos_algorithm_params;  /* key, value, ..., NULL */
    const char *locking_mode;   /* NULL: network_default */
    /* Sets as stored, ','-joined (NULL: empty): kept as given. */
    const char *ipv4_allowed, *ipv6_allowed, *trunks;
};

/*
 * VIF.create.  UUID_INVALID [VM; uuid] when no VM has that uuid
 * (ops_vm_find: no xl config, no domain),
 * INVALID_DEVICE [device] (not a decimal 0..65535), DEVICE_ALREADY_EXISTS
 * [device] (another VIF of the VM has it), MAC_INVALID [MAC].  Without a
 * MAC one is derived as XAPI's gen_mac (xapi_vif_helpers.ml) derives it,
 * seeded with the VM uuid: locally administered, unicast (another seed is
 * tried if a VIF has it; MAC_autogenerated=true); "random" is a random
 * locally administered unicast MAC; a given MAC is kept as typed.  MTU comes from the network unless
 * given.  other_config, the QoS fields and locking_mode pass the checks of
 * ops_apply_changes (VALUE_NOT_SUPPORTED, FIELD_TYPE_ERROR).
 */
int ops_vif_create(struct ops_ctx *ops, const struct ops_vif_args *a,
                   char ret_uuid[37], struct xapi_error *err);

/* VIF.destroy: OPERATION_NOT_ALLOWED while it is attached or holds a VF. */
int ops_vif_destroy(struct ops_ctx *ops, const char *uuid,
                    struct xapi_error *err);

/*
 * The name-label of the VM with this uuid (ops_vm_find): the running
 * domain's name, else its config's name=.  -ENOENT (UUID_INVALID [VM;
 * uuid]) when there is no such VM.
 */
int ops_vm_name_label(struct ops_ctx *ops, const char *vm_uuid, char **ret,
                      struct xapi_error *err);

/* ---- VMs (ops-vm.c) ---- */

/*
 * A VM as Xen knows it (docs/xe.md "VMs"): an xl config file, a running
 * domain, or both (matched by uuid).  Memory in bytes as XAPI counts it.
 */
struct ops_vm {
    char uuid[37];              /* lower case; "" when there is none */
    char *name_label;           /* name=, the domain's name, the file's */
    char *problem;              /* why there is no uuid (NULL: none) */
    char *config;               /* the config file's path, NULL: none */
    char domain_type[16];       /* "pv", "hvm", "pvh", "unspecified" */
    int64_t memory_static_max;  /* maxmem= (or memory=), bytes */
    int64_t memory_dynamic_max; /* memory=, bytes */
    int64_t memory_actual;      /* the running domain's target, or -1 */
    int64_t vcpus_max;          /* maxvcpus= (or vcpus=) */
    int64_t vcpus_at_startup;   /* vcpus= (1 by default, as xl) */
    int64_t domid;              /* -1 when no domain runs */
    const char *power_state;    /* "Running", "Paused" or "Halted" */
    bool is_control_domain;     /* dom0 */
};

void ops_vm_done(struct ops_vm *vm);
void ops_vm_list_free(struct ops_vm *v, size_t n);

/*
 * Parse one xl config file's text (libxlutil's parser, as xl reads it):
 * uuid, name, type/builder, memory/maxmem, vcpus/maxvcpus.  A text that
 * does not parse or has no valid uuid= still gives a VM, without uuid,
 * with the reason in problem.  path names the file in that reason.
 * @return 0, -ENOMEM
 */
int ops_vm_parse_config(const char *data, size_t len, const char *path,
                        struct ops_vm *ret);

/*
 * Every VM: the configs in $root/etc/xen/ *.cfg, $root/etc/xen/auto/ and
 * the directories listed in $root/etc/xen-sriov/vm-config-dirs, joined with
 * the domains in xenstore (/local/domain/<id>/vm -> /vm/<uuid>); dom0 is
 * the control domain.  Sorted: dom0 first, then by name-label.  Power
 * state from libxl where Xen runs, else xenstore's "the domain exists"
 * (Running).
 */
int ops_vm_list(struct ops_ctx *ops, struct ops_vm **ret, size_t *n,
                struct xapi_error *err);

/*
 * This host's VMs as XAPI links them from its host record: control, the
 * uuid of dom0's VM (host.control_domain), and resident, the uuids of the
 * VMs whose domain runs here, dom0 first (host.resident_VMs),
 * NULL-terminated (free with strv_free()).  From ops_vm_list.
 */
int ops_host_vms(struct ops_ctx *ops, char control[37], char ***resident,
                 struct xapi_error *err);

/*
 * The directories ops_vm_list reads configs from, and last the one holding
 * vm-config-dirs (what to watch for a changed config), NULL-terminated;
 * free with strv_free().  @return 0, -ENOMEM
 */
int ops_vm_config_dirs(struct ops_ctx *ops, char ***ret);

/*
 * The VM with this uuid (any case): UUID_INVALID [VM; uuid] when none.
 * ret is filled only on success; free it with ops_vm_done().
 */
int ops_vm_find(struct ops_ctx *ops, const char *uuid, struct ops_vm *ret,
                struct xapi_error *err);

/*
 * A VM in the pool's view (ops-vm-pool.c, docs/pool.md): its host's
 * xen-sriovd mirrors this JSON (resident_on = @p host while a domain
 * runs; other_config from the store's VM record @p rec, NULL: none).
 * @return 0, -ENOMEM
 */
int ops_vm_to_json(const struct ops_vm *vm, const char *host,
                   const store_record *rec, char **ret);
/*
 * Read it back: *ret (free with ops_vm_done()), resident the host it runs
 * on ("" when halted), *other_config its key, value, ..., NULL pairs
 * (strv_free(); not read when NULL).  -EBADMSG, -ENOMEM.
 */
int ops_vm_from_json(const char *json, struct ops_vm *ret, char resident[37],
                     char ***other_config);

/* Another host's VM, from the pool's view. */
struct ops_vm_remote {
    struct ops_vm vm;
    char host[37];              /* the host that mirrored it */
    char resident[37];          /* the host it runs on, "" when halted */
    char **other_config;        /* key, value, ..., NULL */
};

struct pool_vm;

/*
 * The VMs other hosts mirrored (pool_vm_list) to show
 * beside this host's @p local ones: each uuid once, this host's copy
 * first, else the running one.  Free with ops_vm_remotes_free().
 * @return 0, -ENOMEM
 */
int ops_vm_remotes(const struct ops_vm *local, size_t nl, const char *self,
                   const struct pool_vm *pv, size_t n,
                   struct ops_vm_remote **ret, size_t *n_ret);
void ops_vm_remotes_free(struct ops_vm_remote *v, size_t n);

/*
 * What xen-sriov keeps of a VM (its other_config): the VM record of the
 * store, or *ret = NULL when it has none (an empty other_config).  uuid
 * as ops_vm gives it (lower case).  Changes go through
 * ops_apply_changes(ops, "VM", ...): other_config:pci is checked there
 * (ops-vm-config.c).
 */
int ops_vm_other_config(struct ops_ctx *ops, const char *uuid,
                        store_record **ret, struct xapi_error *err);

#endif
