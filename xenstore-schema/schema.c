/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The schema table: classes and fields stored under SCHEMA_ROOT. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xenstore-schema/schema.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum { R = SCHEMA_REQUIRED, W = SCHEMA_RW, I = SCHEMA_INTERNAL,
       C = SCHEMA_COMPUTED };

static const char *const sriov_modes[] = {
    "sysfs", "modprobe", "manual", "unknown", NULL
};

/* datamodel.ml's enums of the PIF's IP settings and IGMP snooping. */
static const char *const ip_modes[] = { "None", "DHCP", "Static", NULL };
static const char *const ipv6_modes[] = {
    "None", "DHCP", "Static", "Autoconf", NULL
};
static const char *const address_types[] = { "IPv4", "IPv6", NULL };
static const char *const igmp_statuses[] = {
    "enabled", "disabled", "unknown", NULL
};

/* datamodel.ml network_default_locking_mode. */
static const char *const network_locking_modes[] = {
    "unlocked", "disabled", NULL
};

/* datamodel.ml vif_ipv4_configuration_mode / vif_ipv6_... */
static const char *const vif_ip_modes[] = { "None", "Static", NULL };

/* The values XenAPI's VIF.locking_mode takes. */
static const char *const vif_locking_modes[] = {
    "network_default", "locked", "unlocked", "disabled", NULL
};

/* datamodel_host.ml's enums (display, numa, ntp, update state). */
static const char *const host_displays[] = {
    "enabled", "disable_on_reboot", "disabled", "enable_on_reboot", NULL
};
static const char *const host_numa_policies[] = {
    "any", "best_effort", "default_policy", NULL
};
static const char *const host_ntp_modes[] = {
    "DHCP", "Custom", "Factory", "Disabled", NULL
};
static const char *const host_update_states[] = {
    "yes", "no", "unknown", NULL
};

/*
 * datamodel_host.ml's host class, in its order, with its defaults.  The
 * fields read from the machine (hostname, address, software_version,
 * cpu_info, capabilities, sched_policy) are written by ops_host_refresh()
 * when they change, as XAPI's dbsync writes them at start.  Refs to
 * classes xen-sriov has not (SR, VM, blob...) are null or empty sets.
 * Not required: records stored before them still load.
 */
static const struct schema_field host_fields[] = {
    { "uuid", SCHEMA_UUID, R, NULL, NULL, NULL, NULL, "this dom0's host UUID (kept in the state dir)" },
    { "name_label", SCHEMA_STRING, R | W, NULL, NULL, NULL, NULL, "host name label (the hostname when made)" },
    { "name_description", SCHEMA_STRING, R | W, NULL, NULL, NULL, NULL, "description" },
    { "memory_overhead", SCHEMA_INT, 0, NULL, NULL, NULL, "0", "virtualization memory overhead (bytes)" },
    { "allowed_operations", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "host_allowed_operations allowed now (none here)" },
    { "current_operations", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "task -> operation in progress (none here)" },
    { "API_version_major", SCHEMA_INT, R, NULL, NULL, NULL, "2", "XenAPI version served" },
    { "API_version_minor", SCHEMA_INT, R, NULL, NULL, NULL, "21", "XenAPI version served" },
    { "API_version_vendor", SCHEMA_STRING, 0, NULL, NULL, NULL, "XenSource", "API vendor (XAPI's)" },
    { "API_version_vendor_implementation", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "vendor details (none)" },
    { "enabled", SCHEMA_BOOL, R, NULL, NULL, NULL, "true", "host accepts new VMs" },
    { "software_version", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "product_brand, product_version, build_number, xen, linux, network_backend (ops_host_refresh)" },
    { "other_config", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "free-form" },
    { "capabilities", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "Xen's capabilities (xen_caps words), empty without Xen" },
    { "cpu_configuration", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "CPU configuration (none)" },
    { "sched_policy", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "Xen's scheduler, empty without Xen" },
    { "supported_bootloaders", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "bootloaders (none known)" },
    { "resident_VMs", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "VM refs: not kept (VMs are Xen's: the running ones are read when shown)" },
    { "logging", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "logging configuration (kept, not applied)" },
    { "PIFs", SCHEMA_SET_REF, R, "PIF", NULL, NULL, NULL, "PIFs of this host" },
    { "suspend_image_sr", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "SR ref: null (no SRs here)" },
    { "crash_dump_sr", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "SR ref: null (no SRs here)" },
    { "crashdumps", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "host_crashdump refs: none" },
    { "patches", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "host_patch refs: none" },
    { "updates", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "pool_update refs: none" },
    { "PBDs", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "PBD refs: none" },
    { "host_CPUs", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "host_cpu refs: none" },
    { "cpu_info", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "cpu_count, socket_count, vendor, speed, modelname, ..., features_* (ops_host_refresh)" },
    { "hostname", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "dom0's hostname" },
    { "address", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "management address: the IPv4 address of the default route's interface, may be empty" },
    { "license_params", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "license state (none)" },
    { "ha_statefiles", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "HA statefiles: none" },
    { "ha_network_peers", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "HA peers: none" },
    { "blobs", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "name -> blob ref: none" },
    { "tags", SCHEMA_SET_STRING, W, NULL, NULL, NULL, NULL, "user tags" },
    { "external_auth_type", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "external authentication: none" },
    { "external_auth_service_name", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "external authentication: none" },
    { "external_auth_configuration", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "external authentication: none" },
    { "edition", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "product edition (none)" },
    { "license_server", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "XAPI's default address localhost, port 27000 (written by ops_host_refresh)" },
    { "bios_strings", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "SMBIOS strings from the kernel's DMI tables, XAPI's keys (ops_host_refresh)" },
    { "power_on_mode", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "power-on mode (none)" },
    { "power_on_config", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "power-on configuration (none)" },
    { "local_cache_sr", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "SR ref: null" },
    { "chipset_info", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "chipset features (none)" },
    { "PCIs", SCHEMA_SET_REF, R, "PCI", NULL, NULL, NULL, "PCI functions of this host" },
    { "PGPUs", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "PGPU refs: none" },
    { "PUSBs", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "PUSB refs: none" },
    { "ssl_legacy", SCHEMA_BOOL, 0, NULL, NULL, NULL, "true", "XAPI's default (deprecated)" },
    { "guest_VCPUs_params", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "VCPUs params (kept, not applied)" },
    { "display", SCHEMA_ENUM, 0, NULL, NULL, host_displays, "enabled", "console on a physical display" },
    { "virtual_hardware_platform_versions", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, "0", "set of ints: XAPI's default {0}" },
    { "control_domain", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "VM ref: not kept (dom0's VM is read when shown)" },
    { "updates_requiring_reboot", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "pool_update refs: none" },
    { "features", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "Feature refs: none" },
    { "iscsi_iqn", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "iSCSI initiator IQN (none)" },
    { "multipathing", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "storage multipathing" },
    { "uefi_certificates", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "UEFI certificates (deprecated)" },
    { "certificates", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "Certificate refs: none" },
    { "editions", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "product editions: none" },
    { "pending_guidances", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "update guidances: none" },
    { "tls_verification_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "TLS verification between hosts" },
    { "last_software_update", SCHEMA_DATE, 0, NULL, NULL, NULL, SCHEMA_EPOCH, "date of the last update (XAPI's epoch)" },
    { "https_only", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "port 80 closed" },
    { "latest_synced_updates_applied", SCHEMA_ENUM, 0, NULL, NULL, host_update_states, "unknown", "up to date with synced updates" },
    { "numa_affinity_policy", SCHEMA_ENUM, 0, NULL, NULL, host_numa_policies, "default_policy", "NUMA placement policy" },
    { "pending_guidances_recommended", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "update guidances: none" },
    { "pending_guidances_full", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "update guidances: none" },
    { "last_update_hash", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "checksum of the last update (none)" },
    { "ssh_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "true", "XAPI's default (Constants.default_ssh_enabled)" },
    { "ssh_enabled_timeout", SCHEMA_INT, 0, NULL, NULL, NULL, "0", "XAPI's default" },
    { "ssh_expiry", SCHEMA_DATE, 0, NULL, NULL, NULL, SCHEMA_EPOCH, "XAPI's default (epoch)" },
    { "console_idle_timeout", SCHEMA_INT, 0, NULL, NULL, NULL, "0", "XAPI's default" },
    { "ssh_auto_mode", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "max_cstate", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "C-state limit, \"\" for none" },
    { "secure_boot", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "booted in secure boot mode" },
    { "ntp_mode", SCHEMA_ENUM, 0, NULL, NULL, host_ntp_modes, "Factory", "XAPI's default" },
    { "ntp_custom_servers", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "custom NTP servers: none" },
    { "timezone", SCHEMA_STRING, 0, NULL, NULL, NULL, "UTC", "XAPI's default" },
    { "live", SCHEMA_BOOL, C | I, NULL, NULL, NULL, NULL, "computed: in a pool, its xen-sriovd holds its etcd lease (docs/pool.md); true out of a pool" },
    { "memory_total", SCHEMA_INT, C | I, NULL, NULL, NULL, NULL, "computed: Xen's physinfo or /proc/meminfo (host_metrics in XenAPI)" },
    { "memory_free", SCHEMA_INT, C | I, NULL, NULL, NULL, NULL, "computed: likewise" },
    { "memory_free_computed", SCHEMA_INT, C | I, NULL, NULL, NULL, NULL, "computed: memory_free here (xe's memory-free-computed)" },
};

/* datamodel_pool.ml's enums. */
static const char *const pool_frequencies[] = {
    "daily", "weekly", "monthly", NULL
};
static const char *const pool_sync_frequencies[] = {
    "daily", "weekly", NULL
};

/*
 * datamodel_pool.ml's pool class (ocaml/idl/datamodel_pool.ml:1891-2447
 * at xen-api e2ee48d), in its order, with its defaults: a lone host is a
 * pool of one.  Refs to classes xen-sriov has not (SR, VDI, secret,
 * repository) are null or empty sets.  Not required: records stored
 * before them still load.
 */
static const struct schema_field pool_fields[] = {
    { "uuid", SCHEMA_UUID, R, NULL, NULL, NULL, NULL, "pool UUID (a one-host pool)" },
    { "name_label", SCHEMA_STRING, R | W, NULL, NULL, NULL, NULL, "pool name label" },
    { "name_description", SCHEMA_STRING, R | W, NULL, NULL, NULL, NULL, "description" },
    { "master", SCHEMA_REF, R, "host", NULL, NULL, NULL, "the one host" },
    { "default_SR", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "SR ref: null (no SRs here)" },
    { "suspend_image_SR", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "SR ref: null" },
    { "crash_dump_SR", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "SR ref: null" },
    { "other_config", SCHEMA_MAP, R | W, NULL, NULL, NULL, NULL, "free-form (clients write here)" },
    { "ha_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "HA: none here" },
    { "ha_configuration", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "HA: none" },
    { "ha_statefiles", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "HA: none" },
    { "ha_host_failures_to_tolerate", SCHEMA_INT, 0, NULL, NULL, NULL, "0", "HA: none" },
    { "ha_plan_exists_for", SCHEMA_INT, 0, NULL, NULL, NULL, "0", "HA: none" },
    { "ha_allow_overcommit", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "HA: none" },
    { "ha_overcommitted", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "HA: none" },
    { "blobs", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "name -> blob ref: none" },
    { "tags", SCHEMA_SET_STRING, W, NULL, NULL, NULL, NULL, "user tags" },
    { "gui_config", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "GUI settings (XenCenter writes here)" },
    { "health_check_config", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "health check settings (kept)" },
    { "wlb_url", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "workload balancing: none" },
    { "wlb_username", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "workload balancing: none" },
    { "wlb_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "workload balancing: none" },
    { "wlb_verify_cert", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "workload balancing: none" },
    { "redo_log_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "redo log: none" },
    { "redo_log_vdi", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "VDI ref: null" },
    { "vswitch_controller", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "none (Linux bridges)" },
    { "restrictions", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "license restrictions (none)" },
    { "metadata_VDIs", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "VDI refs: none" },
    { "ha_cluster_stack", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "HA: none" },
    { "allowed_operations", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "pool_allowed_operations allowed now (none here)" },
    { "current_operations", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "task -> operation in progress (none)" },
    { "guest_agent_config", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "guest agent settings (none)" },
    { "cpu_info", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "the pool's CPUs (none computed)" },
    { "policy_no_vendor_device", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "live_patching_disabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "igmp_snooping_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "uefi_certificates", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "UEFI certificates (none)" },
    { "custom_uefi_certificates", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "UEFI certificates (none)" },
    { "is_psr_pending", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "tls_verification_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "repositories", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "Repository refs: none" },
    { "client_certificate_auth_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "client_certificate_auth_name", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "XAPI's default" },
    { "repository_proxy_url", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "XAPI's default" },
    { "repository_proxy_username", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "XAPI's default" },
    { "repository_proxy_password", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "secret ref: null" },
    { "migration_compression", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "coordinator_bias", SCHEMA_BOOL, 0, NULL, NULL, NULL, "true", "XAPI's default" },
    { "local_auth_max_threads", SCHEMA_INT, 0, NULL, NULL, NULL, "8", "XAPI's default" },
    { "ext_auth_max_threads", SCHEMA_INT, 0, NULL, NULL, NULL, "1", "XAPI's default" },
    { "ext_auth_cache_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "true", "XAPI's default" },
    { "ext_auth_cache_size", SCHEMA_INT, 0, NULL, NULL, NULL, "50", "XAPI's default" },
    { "ext_auth_cache_expiry", SCHEMA_INT, 0, NULL, NULL, NULL, "300", "XAPI's default" },
    { "telemetry_uuid", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "secret ref: null" },
    { "telemetry_frequency", SCHEMA_ENUM, 0, NULL, NULL, pool_frequencies, "weekly", "XAPI's default" },
    { "telemetry_next_collection", SCHEMA_DATE, 0, NULL, NULL, NULL, SCHEMA_EPOCH, "XAPI's default (epoch)" },
    { "last_update_sync", SCHEMA_DATE, 0, NULL, NULL, NULL, SCHEMA_EPOCH, "XAPI's default (epoch)" },
    { "update_sync_frequency", SCHEMA_ENUM, 0, NULL, NULL, pool_sync_frequencies, "weekly", "XAPI's default" },
    { "update_sync_day", SCHEMA_INT, 0, NULL, NULL, NULL, "0", "XAPI's default" },
    { "update_sync_enabled", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "recommendations", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "none" },
    { "license_server", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "license server (kept)" },
    { "ha_reboot_vm_on_internal_shutdown", SCHEMA_BOOL, 0, NULL, NULL, NULL, "true", "XAPI's default" },
    { "limit_console_sessions", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    { "vm_console_idle_timeout", SCHEMA_INT, 0, NULL, NULL, NULL, "0", "XAPI's default" },
    { "auto_update_vm_secureboot_certificates", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "XAPI's default" },
    /* xe's pool fields read from the hosts (records.ml
     * get_consistent_field_or_default): the master's here. */
    { "supported_sr_types", SCHEMA_STRING, C | I, NULL, NULL, NULL, NULL, "computed: SR types (none)" },
    { "license_state", SCHEMA_STRING, C | I, NULL, NULL, NULL, NULL, "computed: license state (none)" },
    { "https_only", SCHEMA_BOOL, C | I, NULL, NULL, NULL, NULL, "computed: the master's" },
    { "ssh_enabled", SCHEMA_BOOL, C | I, NULL, NULL, NULL, NULL, "computed: the master's" },
    { "ssh_enabled_timeout", SCHEMA_INT, C | I, NULL, NULL, NULL, NULL, "computed: the master's" },
    { "ssh_expiry", SCHEMA_DATE, C | I, NULL, NULL, NULL, NULL, "computed: the master's" },
    { "console_idle_timeout", SCHEMA_INT, C | I, NULL, NULL, NULL, NULL, "computed: the master's" },
    { "ssh_auto_mode", SCHEMA_BOOL, C | I, NULL, NULL, NULL, NULL, "computed: the master's" },
};

static const struct schema_field network_fields[] = {
    { "uuid", SCHEMA_UUID, R, NULL, NULL, NULL, NULL, "network UUID" },
    { "name_label", SCHEMA_STRING, R | W, NULL, NULL, NULL, NULL, "name label" },
    { "name_description", SCHEMA_STRING, R | W, NULL, NULL, NULL, NULL, "description" },
    { "bridge", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "dom0 bridge name, may be empty" },
    { "MTU", SCHEMA_INT, R | W, NULL, NULL, NULL, "1500", "MTU given to new VIFs" },
    { "managed", SCHEMA_BOOL, R, NULL, NULL, NULL, "true", "managed by the toolstack" },
    { "other_config", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "free-form" },
    { "PIFs", SCHEMA_SET_REF, R, "PIF", NULL, NULL, NULL, "PIFs connected to this network" },
    { "VIFs", SCHEMA_SET_REF, R, "VIF", NULL, NULL, NULL, "VIFs connected to this network" },
    /* XAPI's other network fields (datamodel.ml Network), with its
     * defaults: not required, so records stored before them still load. */
    { "allowed_operations", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "operations allowed now (none: no async network operations here)" },
    { "current_operations", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "task -> operation in progress" },
    { "blobs", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "name -> blob (none here)" },
    { "tags", SCHEMA_SET_STRING, W, NULL, NULL, NULL, NULL, "user tags" },
    { "default_locking_mode", SCHEMA_ENUM, W, NULL, NULL, network_locking_modes, "unlocked", "locking mode of VIFs with network_default" },
    { "assigned_ips", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "VIF -> IP given by the host (none here)" },
    { "purpose", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "nbd, insecure_nbd" },
};

static const struct schema_field pif_fields[] = {
    { "uuid", SCHEMA_UUID, R, NULL, NULL, NULL, NULL, "PIF UUID" },
    { "device", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "dom0 interface name (eth2)" },
    { "MAC", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "aa:bb:cc:dd:ee:ff" },
    { "MTU", SCHEMA_INT, R, NULL, NULL, NULL, "1500", "MTU" },
    { "host", SCHEMA_REF, R, "host", "PIFs", NULL, NULL, "the host" },
    { "network", SCHEMA_REF, R, "network", "PIFs", NULL, NULL, "network it connects, may be null" },
    { "physical", SCHEMA_BOOL, R, NULL, NULL, NULL, "true", "a physical NIC (false: SR-IOV logical PIF)" },
    { "VLAN", SCHEMA_INT, R, NULL, NULL, NULL, "-1", "VLAN tag, -1 for none" },
    { "PCI", SCHEMA_REF, R, "PCI", NULL, NULL, NULL, "the PCI function behind it, may be null" },
    { "capabilities", SCHEMA_SET_STRING, R, NULL, NULL, NULL, NULL, "contains 'sriov' when the NIC can" },
    { "sriov_physical_PIF_of", SCHEMA_SET_REF, R, "network_sriov", NULL, NULL, NULL, "network-sriovs using this PIF as physical" },
    { "sriov_logical_PIF_of", SCHEMA_SET_REF, R, "network_sriov", NULL, NULL, NULL, "network-sriovs whose logical PIF this is" },
    { "currently_attached", SCHEMA_BOOL, R, NULL, NULL, NULL, "true", "plugged (false also when the NIC vanished)" },
    { "managed", SCHEMA_BOOL, R, NULL, NULL, NULL, "true", "managed by the toolstack" },
    { "other_config", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "free-form" },
    /* XAPI's other PIF fields (datamodel.ml PIF), with its defaults:
     * not required, so records stored before them still load. */
    { "ip_configuration_mode", SCHEMA_ENUM, 0, NULL, NULL, ip_modes, "None", "IPv4 configuration mode" },
    { "IP", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "IPv4 address" },
    { "netmask", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "IPv4 netmask" },
    { "gateway", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "IPv4 gateway" },
    { "DNS", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "DNS servers, ','-separated" },
    { "bond_slave_of", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "Bond ref: none here (null)" },
    { "bond_master_of", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "Bond refs: none here" },
    { "VLAN_master_of", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "VLAN ref: none here (null)" },
    { "VLAN_slave_of", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "VLAN refs: none here" },
    { "management", SCHEMA_BOOL, 0, NULL, NULL, NULL, "false", "the management interface" },
    { "disallow_unplug", SCHEMA_BOOL, W, NULL, NULL, NULL, "false", "refuse PIF.unplug" },
    { "tunnel_access_PIF_of", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "tunnel refs: none here" },
    { "tunnel_transport_PIF_of", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "tunnel refs: none here" },
    { "ipv6_configuration_mode", SCHEMA_ENUM, 0, NULL, NULL, ipv6_modes, "None", "IPv6 configuration mode" },
    { "IPv6", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "IPv6 addresses" },
    { "ipv6_gateway", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "IPv6 gateway" },
    { "primary_address_type", SCHEMA_ENUM, 0, NULL, NULL, address_types, "IPv4", "address type of the management interface" },
    { "properties", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "gro=on|off (physical PIFs)" },
    { "igmp_snooping_status", SCHEMA_ENUM, 0, NULL, NULL, igmp_statuses, "unknown", "IGMP snooping on the bridge" },
    { "carrier", SCHEMA_BOOL, C, NULL, NULL, NULL, NULL, "link carrier, read live (PIF_metrics in XAPI)" },
    { "speed", SCHEMA_INT, C, NULL, NULL, NULL, NULL, "link speed in Mbit/s, read live (PIF_metrics)" },
    { "duplex", SCHEMA_STRING, C, NULL, NULL, NULL, NULL, "full, half or unknown, read live (PIF_metrics)" },
    { "io_read_kbs", SCHEMA_STRING, C, NULL, NULL, NULL, NULL, "receive rate (an RRD data source in XAPI)" },
    { "io_write_kbs", SCHEMA_STRING, C, NULL, NULL, NULL, NULL, "transmit rate (an RRD data source in XAPI)" },
    { "disappeared", SCHEMA_BOOL, I, NULL, NULL, NULL, "false", "the NIC was not found by the last pif-scan" },
};

static const struct schema_field pci_fields[] = {
    { "uuid", SCHEMA_UUID, R, NULL, NULL, NULL, NULL, "PCI record UUID" },
    { "pci_id", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "dddd:bb:dd.f" },
    { "class_id", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "base class and subclass, 4 hex digits (libpci's device_class, as XAPI's xapi_pci.ml id_of_int)" },
    { "class_name", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "from pci.ids" },
    { "vendor_id", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "4 hex digits" },
    { "vendor_name", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "from pci.ids" },
    { "device_id", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "4 hex digits" },
    { "device_name", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "from pci.ids" },
    { "subsystem_vendor_id", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "4 hex digits, empty when none" },
    { "subsystem_vendor_name", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "from pci.ids" },
    { "subsystem_device_id", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "4 hex digits, empty when none" },
    { "subsystem_device_name", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "from pci.ids" },
    { "driver_name", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "bound driver, may be empty" },
    { "host", SCHEMA_REF, R, "host", "PCIs", NULL, NULL, "the host" },
    { "dependencies", SCHEMA_SET_REF, R, "PCI", NULL, NULL, NULL, "other functions of its IOMMU group" },
    { "other_config", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "free-form" },
    { "physical_function", SCHEMA_REF, R | I, "PCI", "virtual_functions", NULL, NULL, "VF: its PF (XenAPI internal_only)" },
    { "virtual_functions", SCHEMA_SET_REF, R | I, "PCI", NULL, NULL, NULL, "PF: its VFs (XenAPI internal_only)" },
    { "iommu_group", SCHEMA_STRING, I, NULL, NULL, NULL, NULL, "IOMMU group number, empty when none" },
    { "scheduled_to_be_attached_to", SCHEMA_UUID, I, NULL, NULL, NULL, NULL, "VF reserved for this VM (domain UUID), empty when free" },
    { "reserved_by", SCHEMA_REF, I, "VIF", NULL, NULL, NULL, "the VIF this VF is reserved for, empty when free (kept by the store from VIF.reserved_pci)" },
    { "reserved_domid", SCHEMA_INT, I, NULL, NULL, NULL, "-1", "domid the reservation was made for, -1 when free" },
};

static const struct schema_field network_sriov_fields[] = {
    { "uuid", SCHEMA_UUID, R, NULL, NULL, NULL, NULL, "network-sriov UUID" },
    { "physical_PIF", SCHEMA_REF, R, "PIF", "sriov_physical_PIF_of", NULL, NULL, "the PIF with SR-IOV enabled" },
    { "logical_PIF", SCHEMA_REF, R, "PIF", "sriov_logical_PIF_of", NULL, NULL, "the logical PIF joining the network" },
    { "requires_reboot", SCHEMA_BOOL, R, NULL, NULL, NULL, "false", "a modprobe change waits for a reboot" },
    { "configuration_mode", SCHEMA_ENUM, R, NULL, NULL, sriov_modes, "unknown", "how SR-IOV was enabled" },
    { "remaining_capacity", SCHEMA_INT, C, NULL, NULL, NULL, NULL, "free usable VFs, computed live" },
    { "num_vfs", SCHEMA_INT, R | I, NULL, NULL, NULL, "0", "VF count asked for (restored at boot)" },
};

static const struct schema_field vif_fields[] = {
    { "uuid", SCHEMA_UUID, R, NULL, NULL, NULL, NULL, "VIF UUID" },
    { "VM", SCHEMA_UUID, R, NULL, NULL, NULL, NULL, "UUID of the VM (Xen domain UUID)" },
    { "device", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "device number in the VM (0, 1, ...)" },
    { "network", SCHEMA_REF, R, "network", "VIFs", NULL, NULL, "the network" },
    { "MAC", SCHEMA_STRING, R, NULL, NULL, NULL, NULL, "aa:bb:cc:dd:ee:ff" },
    { "MAC_autogenerated", SCHEMA_BOOL, R, NULL, NULL, NULL, "false", "MAC chosen by us" },
    { "MTU", SCHEMA_INT, R, NULL, NULL, NULL, "1500", "MTU" },
    { "currently_attached", SCHEMA_BOOL, R, NULL, NULL, NULL, "false", "VF attached to the running domain" },
    { "locking_mode", SCHEMA_ENUM, R | W, NULL, NULL, vif_locking_modes, "network_default", "XenAPI locking mode" },
    { "qos_algorithm_type", SCHEMA_STRING, W, NULL, NULL, NULL, NULL, "'ratelimit' or empty" },
    { "qos_algorithm_params", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "kbps=N for ratelimit" },
    { "other_config", SCHEMA_MAP, W, NULL, NULL, NULL, NULL, "VF settings: vlan, vlan-qos, spoofchk, trust, link-state, min-tx-rate, max-tx-rate" },
    /* XAPI's other VIF fields (datamodel.ml VIF), with its defaults: not
     * required, so records stored before them still load. */
    { "allowed_operations", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "operations allowed now" },
    { "current_operations", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "task -> operation in progress" },
    { "status_code", SCHEMA_INT, 0, NULL, NULL, NULL, "0", "error code of the last attach" },
    { "status_detail", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "error text of the last attach" },
    { "runtime_properties", SCHEMA_MAP, 0, NULL, NULL, NULL, NULL, "device runtime properties" },
    { "qos_supported_algorithms", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "QoS algorithms the backend supports" },
    { "metrics", SCHEMA_UUID, 0, NULL, NULL, NULL, NULL, "VIF_metrics ref: none here (null)" },
    { "ipv4_allowed", SCHEMA_SET_STRING, W, NULL, NULL, NULL, NULL, "IPv4 addresses the VIF may use when locked" },
    { "ipv6_allowed", SCHEMA_SET_STRING, W, NULL, NULL, NULL, NULL, "IPv6 addresses the VIF may use when locked" },
    { "ipv4_configuration_mode", SCHEMA_ENUM, 0, NULL, NULL, vif_ip_modes, "None", "IPv4 configuration given to the guest" },
    { "ipv4_addresses", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "IPv4 addresses given to the guest (CIDR)" },
    { "ipv4_gateway", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "IPv4 gateway given to the guest" },
    { "ipv6_configuration_mode", SCHEMA_ENUM, 0, NULL, NULL, vif_ip_modes, "None", "IPv6 configuration given to the guest" },
    { "ipv6_addresses", SCHEMA_SET_STRING, 0, NULL, NULL, NULL, NULL, "IPv6 addresses given to the guest (CIDR)" },
    { "ipv6_gateway", SCHEMA_STRING, 0, NULL, NULL, NULL, NULL, "IPv6 gateway given to the guest" },
    { "trunks", SCHEMA_SET_STRING, W, NULL, NULL, NULL, NULL, "VLANs trunked to the VIF (integers)" },
    { "io_read_kbs", SCHEMA_STRING, C, NULL, NULL, NULL, NULL, "receive rate (an RRD data source in XAPI)" },
    { "io_write_kbs", SCHEMA_STRING, C, NULL, NULL, NULL, NULL, "transmit rate (an RRD data source in XAPI)" },
    { "reserved_pci", SCHEMA_REF, I, "PCI", "reserved_by", NULL, NULL, "the VF reserved for this VIF (XenAPI internal_only)" },
    { "domid", SCHEMA_INT, I, NULL, NULL, NULL, "-1", "domid holding the VF, -1 when none" },
    { "vf_saved_config", SCHEMA_MAP, I, NULL, NULL, NULL, NULL, "VF settings before we changed them (restored on release)" },
};

/*
 * What xen-sriov keeps of a VM (the VMs themselves are Xen's: xl configs
 * and domains, ops/ops-vm.c): its other_config, under the VM's uuid.  A
 * VM gets a record when a key is first set and loses it when the last
 * one goes.
 */
static const struct schema_field vm_fields[] = {
    { "uuid", SCHEMA_UUID, R, NULL, NULL, NULL, NULL, "the VM's uuid (its xl config's uuid=, the domain's)" },
    { "other_config", SCHEMA_MAP, R | W, NULL, NULL, NULL, NULL, "pci: devices passed through at the domain's start (N/DDDD:BB:DD.F,...); other keys free-form" },
};

#define CLASS(n, f, d) { n, f, N(f), d }
static const struct schema_class host_class = CLASS("host", host_fields, "this dom0");
static const struct schema_class pool_class = CLASS("pool", pool_fields, "the one-host pool clients expect");
static const struct schema_class network_class = CLASS("network", network_fields, "a network VIFs connect to");
static const struct schema_class pif_class = CLASS("PIF", pif_fields, "a physical NIC, or an SR-IOV logical PIF");
static const struct schema_class pci_class = CLASS("PCI", pci_fields, "a PCI function (PF, VF, or plain device)");
static const struct schema_class network_sriov_class = CLASS("network_sriov", network_sriov_fields, "SR-IOV enabled on a PIF for a network");
static const struct schema_class vif_class = CLASS("VIF", vif_fields, "a VM's network interface");
static const struct schema_class vm_class = CLASS("VM", vm_fields, "what is kept of a VM Xen knows");

const struct schema_class *const schema_classes[] = {
    &host_class, &pool_class, &network_class, &pci_class, &pif_class,
    &network_sriov_class, &vif_class, &vm_class,
};
const size_t schema_n_classes = N(schema_classes);

/* network-create's bridge check and choice; vif-create's device check
 * (a VM's VIFs) and MAC choice. */
const struct schema_index schema_indexes[] = {
    { "network", "bridge" },
    { "VIF", "VM" },
    { "VIF", "MAC" },
};
const size_t schema_n_indexes = N(schema_indexes);

const struct schema_index *schema_index_find(const char *cls,
                                             const char *field)
{
    size_t i;

    for (i = 0; cls && field && i < schema_n_indexes; i++)
        if (!strcmp(schema_indexes[i].cls, cls) &&
            !strcmp(schema_indexes[i].field, field))
            return &schema_indexes[i];
    return NULL;
}

const struct schema_class *schema_class_find(const char *name)
{
    size_t i;

    if (!name)
        return NULL;
    for (i = 0; i < schema_n_classes; i++)
        if (strcasecmp(schema_classes[i]->name, name) == 0)
            return schema_classes[i];
    return NULL;
}

const struct schema_class *schema_class_find_exact(const char *name)
{
    size_t i;

    if (!name)
        return NULL;
    for (i = 0; i < schema_n_classes; i++)
        if (strcmp(schema_classes[i]->name, name) == 0)
            return schema_classes[i];
    return NULL;
}

const struct schema_field *schema_field_find(const struct schema_class *cls,
                                             const char *name)
{
    size_t i;

    if (!cls || !name)
        return NULL;
    for (i = 0; i < cls->n_fields; i++)
        if (strcmp(cls->fields[i].name, name) == 0)
            return &cls->fields[i];
    return NULL;
}

/* cls's position in schema_classes (the row of the fid tables), or -1. */
static int class_row(const struct schema_class *cls)
{
    size_t i;

    for (i = 0; cls && i < schema_n_classes && i < schema_fid_n_classes; i++)
        if (schema_classes[i] == cls)
            return (int)i;
    return -1;
}

static int cmp_fid_name(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

enum schema_fid schema_fid_find(const char *name)
{
    const char *const *p;

    if (!name)
        return SF_NONE;
    p = bsearch(name, schema_fid_names, SCHEMA_N_FIDS,
                sizeof(schema_fid_names[0]), cmp_fid_name);
    return p ? (enum schema_fid)(p - schema_fid_names) : SF_NONE;
}

const char *schema_fid_name(enum schema_fid id)
{
    return id >= 0 && id < SCHEMA_N_FIDS ? schema_fid_names[id] : NULL;
}

enum schema_fid schema_field_fid(const struct schema_field *f)
{
    size_t i;

    for (i = 0; f && i < schema_n_classes && i < schema_fid_n_classes; i++) {
        const struct schema_class *c = schema_classes[i];

        if (f >= c->fields && f < c->fields + c->n_fields)
            return schema_fid_of_class[i][f - c->fields];
    }
    return SF_NONE;
}

const struct schema_field *schema_field_by_fid(const struct schema_class *cls,
                                               enum schema_fid id)
{
    int row = class_row(cls);
    unsigned pos;

    if (row < 0 || id < 0 || id >= SCHEMA_N_FIDS)
        return NULL;
    pos = schema_fid_pos[row][id];
    return pos && pos <= cls->n_fields ? &cls->fields[pos - 1] : NULL;
}

const char *schema_type_name(enum schema_type t)
{
    static const char *const names[] = {
        [SCHEMA_STRING] = "string", [SCHEMA_INT] = "int",
        [SCHEMA_BOOL] = "bool", [SCHEMA_ENUM] = "enum",
        [SCHEMA_UUID] = "uuid", [SCHEMA_REF] = "ref",
        [SCHEMA_SET_REF] = "set(ref)", [SCHEMA_SET_STRING] = "set(string)",
        [SCHEMA_MAP] = "map",
    };
    return (unsigned)t < N(names) ? names[t] : "?";
}

bool schema_field_stored(const struct schema_field *f)
{
    return f && !(f->flags & SCHEMA_COMPUTED);
}

bool schema_field_is_dir(const struct schema_field *f)
{
    return f && (f->type == SCHEMA_SET_REF || f->type == SCHEMA_MAP);
}

const struct schema_field *schema_field_inverse(
    const struct schema_field *f, const struct schema_class **ret_cls)
{
    const struct schema_class *target;

    if (!f || f->type != SCHEMA_REF || !f->inverse)
        return NULL;
    target = schema_class_find_exact(f->target);
    if (!target)
        return NULL;
    if (ret_cls)
        *ret_cls = target;
    return schema_field_find(target, f->inverse);
}

const struct schema_field *schema_field_maintained_by(
    const struct schema_class *cls, const struct schema_field *f,
    const struct schema_class **ret_cls)
{
    size_t i, j;

    if (!cls || !f)
        return NULL;
    for (i = 0; i < schema_n_classes; i++) {
        const struct schema_class *c = schema_classes[i];

        for (j = 0; j < c->n_fields; j++) {
            const struct schema_field *g = &c->fields[j];

            if (g->type == SCHEMA_REF && g->inverse && g->target &&
                strcmp(g->target, cls->name) == 0 &&
                strcmp(g->inverse, f->name) == 0) {
                if (ret_cls)
                    *ret_cls = c;
                return g;
            }
        }
    }
    return NULL;
}

bool schema_uuid_valid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    size_t i;

    if (!s || strlen(s) != sizeof(shape) - 1)
        return false;
    for (i = 0; shape[i]; i++) {
        if (shape[i] == 'x') {
            if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
                return false;
        } else if (s[i] != '-')
            return false;
    }
    return true;
}

/*
 * Valid UTF-8 (no overlongs, no surrogates, at most U+10FFFF) without C0
 * controls other than \t and \n and without DEL: what XML 1.0 can carry
 * unchanged in element text, so the snapshot keeps values byte for byte.
 */
static const char *text_problem(const char *v, bool allow_newline)
{
    const unsigned char *p = (const unsigned char *)v;

    while (*p) {
        unsigned c = *p, n, cp, i;

        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && !(allow_newline && c == '\n')) ||
                c == 0x7f)
                return "contains a control character";
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else
            return "is not valid UTF-8";
        for (i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return "is not valid UTF-8";
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
            cp == 0xfffe || cp == 0xffff)
            return "is not valid UTF-8";
        p += n + 1;
    }
    return NULL;
}

/* XAPI's XML-RPC date: YYYYMMDDTHH:MM:SSZ. */
static bool date_valid(const char *v)
{
    static const char form[] = "ddddddddTdd:dd:ddZ";

    if (strlen(v) != sizeof(form) - 1)
        return false;
    for (size_t i = 0; form[i]; i++)
        if (form[i] == 'd' ? !isdigit((unsigned char)v[i]) : v[i] != form[i])
            return false;
    return true;
}

static int check_int(const char *v)
{
    char *end;

    if (!*v || isspace((unsigned char)*v))
        return -EINVAL;
    errno = 0;
    (void)strtoll(v, &end, 10);
    return (errno || *end) ? -EINVAL : 0;
}

static int check_uuid_list(const char *v)
{
    char buf[37];
    const char *p = v, *comma;
    size_t len;

    while (*p) {
        comma = strchr(p, ',');
        len = comma ? (size_t)(comma - p) : strlen(p);
        if (len != 36)
            return -EINVAL;
        memcpy(buf, p, len);
        buf[len] = '\0';
        if (!schema_uuid_valid(buf))
            return -EINVAL;
        p += len;
        if (*p == ',' && !*++p)
            return -EINVAL;  /* trailing comma */
    }
    return 0;
}

int schema_value_check(const struct schema_field *f, const char *value,
                       const char **why)
{
    const char *const *e;
    const char *problem;

    if (!value) {
        *why = "missing";
        return -EINVAL;
    }
    if (strlen(value) > SCHEMA_VALUE_MAX) {
        *why = "longer than 2048 bytes";
        return -EINVAL;
    }
    switch (f->type) {
    case SCHEMA_STRING:
    case SCHEMA_MAP:
        problem = text_problem(value, true);
        if (problem) {
            *why = problem;
            return -EINVAL;
        }
        return 0;
    case SCHEMA_INT:
        if (check_int(value) < 0) {
            *why = "not a decimal integer";
            return -EINVAL;
        }
        return 0;
    case SCHEMA_BOOL:
        if (strcmp(value, "true") && strcmp(value, "false")) {
            *why = "not 'true' or 'false'";
            return -EINVAL;
        }
        return 0;
    case SCHEMA_ENUM:
        for (e = f->enum_values; e && *e; e++)
            if (strcmp(*e, value) == 0)
                return 0;
        *why = "not one of the enum's values";
        return -EINVAL;
    case SCHEMA_DATE:
        if (!date_valid(value)) {
            *why = "not a date as YYYYMMDDTHH:MM:SSZ";
            return -EINVAL;
        }
        return 0;
    case SCHEMA_UUID:
    case SCHEMA_REF:
        if (*value && !schema_uuid_valid(value)) {
            *why = "not a UUID";
            return -EINVAL;
        }
        if (!*value && (f->flags & SCHEMA_REQUIRED) && f->type == SCHEMA_UUID) {
            *why = "empty";
            return -EINVAL;
        }
        return 0;
    case SCHEMA_SET_REF:
        if (check_uuid_list(value) < 0) {
            *why = "not a ','-separated list of UUIDs";
            return -EINVAL;
        }
        return 0;
    case SCHEMA_SET_STRING:
        problem = text_problem(value, false);
        if (problem) {
            *why = problem;
            return -EINVAL;
        }
        if (value[0] == ',' || (*value && value[strlen(value) - 1] == ',') ||
            strstr(value, ",,")) {
            *why = "empty member in a ','-separated set";
            return -EINVAL;
        }
        return 0;
    }
    *why = "unknown type";
    return -EINVAL;
}

static bool key_char_plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool schema_key_valid(const char *key, const char **why)
{
    const char *problem;

    if (!key || !*key) {
        *why = "empty";
        return false;
    }
    if (strlen(key) > SCHEMA_KEY_MAX) {
        *why = "longer than 128 bytes";
        return false;
    }
    problem = text_problem(key, false);
    if (problem) {
        *why = problem;
        return false;
    }
    return true;
}

int schema_key_escape(const char *key, char **ret, const char **why)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p;
    char *out, *o;

    if (!schema_key_valid(key, why))
        return -EINVAL;
    out = malloc(strlen(key) * 3 + 1);
    if (!out)
        return -ENOMEM;
    for (p = (const unsigned char *)key, o = out; *p; p++) {
        if (key_char_plain(*p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '@';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    *ret = out;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int schema_key_unescape(const char *name, char **ret)
{
    const char *p, *why;
    char *out, *o;

    if (!name || !*name)
        return -EINVAL;
    out = malloc(strlen(name) + 1);
    if (!out)
        return -ENOMEM;
    for (p = name, o = out; *p; p++) {
        int hi, lo;

        if (key_char_plain((unsigned char)*p)) {
            *o++ = *p;
            continue;
        }
        if (*p != '@' || (hi = hexval(p[1])) < 0 || (lo = hexval(p[2])) < 0 ||
            key_char_plain((unsigned char)(hi << 4 | lo)) || !(hi | lo))
            goto bad;
        *o++ = (char)(hi << 4 | lo);
        p += 2;
    }
    *o = '\0';
    /* Only the one escaping of a valid key is accepted. */
    if (!schema_key_valid(out, &why))
        goto bad;
    *ret = out;
    return 0;
bad:
    free(out);
    return -EINVAL;
}

/* ---- other_config:pci ---- */

/* n hex digits exactly, at most max; ret the value. */
static bool hex_exact(const char *s, size_t n, unsigned max, unsigned *ret)
{
    unsigned v = 0;

    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return false;
        v = v * 16 + (unsigned)(isdigit((unsigned char)s[i])
                                    ? s[i] - '0'
                                    : tolower((unsigned char)s[i]) - 'a' + 10);
    }
    *ret = v;
    return v <= max;
}

/* One "N/dddd:bb:dd.f" of len bytes. */
static bool pci_item(const char *s, size_t len, struct schema_pci_item *ret)
{
    const char *slash = memchr(s, '/', len);
    unsigned dom, bus, dev, fn;
    unsigned long n = 0;
    size_t k;

    if (!slash || slash == s || slash - s > 4)
        return false;
    for (k = 0; s + k < slash; k++) {
        if (!isdigit((unsigned char)s[k]))
            return false;
        n = n * 10 + (unsigned)(s[k] - '0');
    }
    len -= (size_t)(slash - s) + 1;
    s = slash + 1;
    if (len != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.' ||
        !hex_exact(s, 4, 0xffff, &dom) || !hex_exact(s + 5, 2, 0xff, &bus) ||
        !hex_exact(s + 8, 2, 0x1f, &dev) || !hex_exact(s + 11, 1, 7, &fn))
        return false;
    ret->order = (unsigned)n;
    snprintf(ret->bdf, sizeof(ret->bdf), "%04x:%02x:%02x.%x", dom, bus, dev,
             fn);
    return true;
}

int schema_pci_list_parse(const char *s, struct schema_pci_item *ret,
                          char *why, size_t whylen)
{
    int n = 0;

    if (!s || !*s) {
        snprintf(why, whylen, "an empty list: remove the key to pass no "
                 "device through");
        return -EINVAL;
    }
    for (;;) {
        size_t len = strcspn(s, ",");
        struct schema_pci_item it;

        if (!pci_item(s, len, &it)) {
            snprintf(why, whylen, "'%.*s' is not N/dddd:bb:dd.f (N a "
                     "position from 0, then the device's PCI address, as "
                     "0/0000:07:10.0; items joined by ',')",
                     (int)(len > 40 ? 40 : len), s);
            return -EINVAL;
        }
        for (int i = 0; i < n; i++)
            if (strcmp(ret[i].bdf, it.bdf) == 0) {
                snprintf(why, whylen, "%s is listed twice", it.bdf);
                return -EINVAL;
            }
        if (n == SCHEMA_PCI_MAX) {
            snprintf(why, whylen, "more than %d devices", SCHEMA_PCI_MAX);
            return -EINVAL;
        }
        /* Insert after every item of the same or a lower N. */
        {
            int at = n;

            while (at > 0 && ret[at - 1].order > it.order) {
                ret[at] = ret[at - 1];
                at--;
            }
            ret[at] = it;
        }
        n++;
        if (!s[len])
            return n;
        s += len + 1;
    }
}

bool schema_pci_list_has(const char *list, const char *bdf)
{
    struct schema_pci_item v[SCHEMA_PCI_MAX];
    char why[8];
    int n = schema_pci_list_parse(list, v, why, sizeof(why));

    for (int i = 0; i < n; i++)
        if (strcmp(v[i].bdf, bdf) == 0)
            return true;
    return false;
}
