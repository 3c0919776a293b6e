/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The records xe shows, transcribed from xapi-project/xen-api
 * ocaml/xapi-cli-server/records.ml (field names, order, markers, flags) and
 * cli_operations.ml gen_cmds (default *-list columns).  PIF, network,
 * VIF, host and pool have all of XAPI's fields in xe's order (PCI only
 * those xen-sriov has); docs/xe.md says where each value comes from and lists
 * the deviations (configuration-mode, reserved-pci, network purpose).
 */
#include "libsriov/macro.h"
#include "xe/records.h"

#define S(name, api, flags) \
    { name, XE_SCALAR, flags, XE_SRC_FIELD, api, NULL }
#define SET(name, api, flags) \
    { name, XE_SET, flags, XE_SRC_FIELD, api, NULL }
#define MAP(name, api, flags) \
    { name, XE_MAP, flags, XE_SRC_FIELD, api, NULL }
#define REF(name, api) \
    { name, XE_SCALAR, 0, XE_SRC_REF_UUID, api, NULL }
#define REFF(name, api, target) \
    { name, XE_SCALAR, 0, XE_SRC_REF_FIELD, api, target }
#define REFS(name, api) \
    { name, XE_SCALAR, 0, XE_SRC_REFS, api, NULL }
#define COMPUTED(name, api, flags) \
    { name, XE_SCALAR, flags, XE_SRC_COMPUTED, api, NULL }

#define CLASS(var, cli, api, fields, columns, std) \
    const struct xe_class_def var = { cli, api, fields, \
                                      ELEMENTSOF(fields), columns, std }

/*
 * records.ml host_record (ocaml/xapi-cli-server/records.ml:3067-3525 at
 * xen-api e2ee48d), all of its fields in its order.  The machine's facts
 * are stored by ops_host_refresh(); memory-* are read when shown.  Fields
 * whose XAPI setter reconfigures dom0 (https-only, ssh-*, ntp-mode,
 * timezone...) keep XAPI's RW marker and are refused on param-set
 * (docs/xe.md).
 */
static const struct xe_field_def host_fields[] = {
    S("uuid", "uuid", 0),
    S("name-label", "name_label", XE_RW),
    S("name-description", "name_description", XE_RW),
    SET("allowed-operations", "allowed_operations", 0),
    { "current-operations", XE_SET, 0, XE_SRC_COMPUTED, "current_operations",
      NULL },
    S("enabled", "enabled", 0),
    S("display", "display", 0),
    S("API-version-major", "API_version_major", 0),
    S("API-version-minor", "API_version_minor", 0),
    S("API-version-vendor", "API_version_vendor", 0),
    MAP("API-version-vendor-implementation",
        "API_version_vendor_implementation", 0),
    MAP("logging", "logging", XE_RW),
    COMPUTED("suspend-image-sr-uuid", "suspend_image_sr", XE_RW | XE_REFUSED),
    COMPUTED("crash-dump-sr-uuid", "crash_dump_sr", XE_RW | XE_REFUSED),
    MAP("software-version", "software_version", 0),
    SET("capabilities", "capabilities", 0),
    MAP("other-config", "other_config", XE_RW),
    MAP("cpu_info", "cpu_info", 0),
    MAP("chipset-info", "chipset_info", 0),
    S("hostname", "hostname", 0),
    S("address", "address", 0),
    S("https-only", "https_only", XE_RW | XE_REFUSED),
    SET("supported-bootloaders", "supported_bootloaders", 0),
    COMPUTED("blobs", "blobs", 0),
    S("memory-overhead", "memory_overhead", 0),
    /* Host_metrics in XAPI: Xen's physinfo, or /proc/meminfo. */
    COMPUTED("memory-total", "memory_total", 0),
    COMPUTED("memory-free", "memory_free", 0),
    COMPUTED("memory-free-computed", "memory_free_computed", XE_EXPENSIVE),
    /* The lease of its xen-sriovd in the pool's etcd (docs/pool.md). */
    COMPUTED("host-metrics-live", "live", 0),
    SET("patches", "patches", XE_DEPRECATED | XE_COMMA),
    SET("updates", "updates", XE_COMMA),
    COMPUTED("ha-statefiles", "ha_statefiles", 0),
    COMPUTED("ha-network-peers", "ha_network_peers", 0),
    S("external-auth-type", "external_auth_type", 0),
    S("external-auth-service-name", "external_auth_service_name", 0),
    MAP("external-auth-configuration", "external_auth_configuration", 0),
    S("edition", "edition", 0),
    MAP("license-server", "license_server", 0),
    S("power-on-mode", "power_on_mode", 0),
    MAP("power-on-config", "power_on_config", 0),
    COMPUTED("local-cache-sr", "local_cache_sr", 0),
    SET("tags", "tags", XE_RW | XE_COMMA),
    S("ssl-legacy", "ssl_legacy", XE_RW | XE_REFUSED),
    MAP("guest_VCPUs_params", "guest_VCPUs_params", XE_RW),
    SET("virtual-hardware-platform-versions",
        "virtual_hardware_platform_versions", 0),
    COMPUTED("control-domain-uuid", "control_domain", 0),
    /* This host's VMs as Xen runs them (ops_host_vms), read when shown. */
    { "resident-vms", XE_SET, 0, XE_SRC_COMPUTED, "resident_VMs", NULL },
    SET("updates-requiring-reboot", "updates_requiring_reboot", 0),
    SET("features", "features", 0),
    S("iscsi_iqn", "iscsi_iqn", XE_RW | XE_REFUSED),
    S("multipathing", "multipathing", XE_RW | XE_REFUSED),
    S("uefi-certificates", "uefi_certificates", XE_RW | XE_REFUSED | XE_HIDDEN),
    S("numa-affinity-policy", "numa_affinity_policy", XE_RW | XE_REFUSED),
    COMPUTED("pending-guidances", "pending_guidances", 0),
    S("tls-verification-enabled", "tls_verification_enabled", 0),
    S("last-software-update", "last_software_update", 0),
    S("latest-synced-updates-applied", "latest_synced_updates_applied", 0),
    COMPUTED("pending-guidances-recommended",
             "pending_guidances_recommended", 0),
    COMPUTED("pending-guidances-full", "pending_guidances_full", 0),
    S("last-update-hash", "last_update_hash", 0),
    S("ssh-enabled", "ssh_enabled", 0),
    S("ssh-enabled-timeout", "ssh_enabled_timeout", XE_RW | XE_REFUSED),
    S("ssh-expiry", "ssh_expiry", 0),
    S("console-idle-timeout", "console_idle_timeout", XE_RW | XE_REFUSED),
    S("ssh-auto-mode", "ssh_auto_mode", XE_RW | XE_REFUSED),
    S("max-cstate", "max_cstate", XE_RW | XE_REFUSED),
    S("secure-boot", "secure_boot", 0),
    S("ntp-mode", "ntp_mode", XE_RW | XE_REFUSED),
    /* get_set and set, no add_to_set: "(SRO)" in xe (cli_operations.ml
     * print_field); param-set is refused here like the other setters
     * that reconfigure dom0. */
    SET("ntp-custom-servers", "ntp_custom_servers", XE_COMMA),
    S("timezone", "timezone", XE_RW | XE_REFUSED),
};
static const char *const host_columns[] = {
    "uuid", "name-label", "name-description", NULL
};
CLASS(xe_class_host, "host", "host", host_fields, host_columns, false);

/* records.ml net_record, all of its fields (purpose is SRW in xe, with
 * XAPI's add_purpose: read-only here, docs/xe.md). */
static const struct xe_field_def network_fields[] = {
    S("uuid", "uuid", 0),
    S("name-label", "name_label", XE_RW),
    S("name-description", "name_description", XE_RW),
    SET("VIF-uuids", "VIFs", 0),
    SET("PIF-uuids", "PIFs", 0),
    /* records.ml:1085-1090: set_MTU (Int64.of_string x). */
    S("MTU", "MTU", XE_RW | XE_RAW_INT),
    S("bridge", "bridge", 0),
    S("managed", "managed", 0),
    MAP("other-config", "other_config", XE_RW),
    COMPUTED("blobs", "blobs", 0),
    SET("tags", "tags", XE_RW | XE_COMMA),
    S("default-locking-mode", "default_locking_mode", XE_RW),
    SET("purpose", "purpose", XE_COMMA),
};
static const char *const network_columns[] = {
    "uuid", "name-label", "name-description", "bridge", NULL
};
/* gen_cmds: network-list is one of the "Standard" commands of xe help. */
CLASS(xe_class_network, "network", "network", network_fields,
      network_columns, true);

/*
 * records.ml pif_record, all of its fields in its order.  vendor-id ..
 * device-name and pci-bus-path come from PIF_metrics in XAPI; here from
 * the PCI record behind the PIF.  carrier, speed and duplex (PIF_metrics)
 * are read live from the interface; io_read_kbs/io_write_kbs are XAPI's
 * RRD data sources, "<unknown>" here as in XAPI without one.  management
 * and the IP configuration (IP-configuration-mode .. DNS) are read live
 * from the kernel (ops_pif_ip).  The links to classes xen-sriov does not
 * have (VLAN, Bond, tunnel) are null/empty.
 */
static const struct xe_field_def pif_fields[] = {
    S("uuid", "uuid", 0),
    S("device", "device", 0),
    S("MAC", "MAC", XE_NOCASE),
    S("physical", "physical", 0),
    S("managed", "managed", 0),
    S("currently-attached", "currently_attached", 0),
    S("MTU", "MTU", 0),
    S("VLAN", "VLAN", 0),
    COMPUTED("vlan-master-of", "VLAN_master_of", 0),
    COMPUTED("vlan-slave-of", "VLAN_slave_of", 0),
    COMPUTED("bond-master-of", "bond_master_of", 0),
    COMPUTED("bond-slave-of", "bond_slave_of", 0),
    REFS("sriov-physical-PIF-of", "sriov_physical_PIF_of"),
    REFS("sriov-logical-PIF-of", "sriov_logical_PIF_of"),
    COMPUTED("tunnel-access-PIF-of", "tunnel_access_PIF_of", 0),
    COMPUTED("tunnel-transport-PIF-of", "tunnel_transport_PIF_of", 0),
    COMPUTED("management", "management", 0),
    REF("network-uuid", "network"),
    REFF("network-name-label", "network", "name_label"),
    REF("host-uuid", "host"),
    REFF("host-name-label", "host", "name_label"),
    COMPUTED("IP-configuration-mode", "ip_configuration_mode", 0),
    COMPUTED("IP", "IP", 0),
    COMPUTED("netmask", "netmask", 0),
    COMPUTED("gateway", "gateway", 0),
    COMPUTED("IPv6-configuration-mode", "ipv6_configuration_mode", 0),
    COMPUTED("IPv6", "IPv6", 0),
    COMPUTED("IPv6-gateway", "ipv6_gateway", 0),
    COMPUTED("primary-address-type", "primary_address_type", 0),
    COMPUTED("DNS", "DNS", 0),
    MAP("properties", "properties", 0),
    SET("capabilities", "capabilities", 0),
    COMPUTED("io_read_kbs", "io_read_kbs", XE_EXPENSIVE),
    COMPUTED("io_write_kbs", "io_write_kbs", XE_EXPENSIVE),
    COMPUTED("carrier", "carrier", 0),
    REFF("vendor-id", "PCI", "vendor_id"),
    REFF("vendor-name", "PCI", "vendor_name"),
    REFF("device-id", "PCI", "device_id"),
    REFF("device-name", "PCI", "device_name"),
    COMPUTED("speed", "speed", 0),
    COMPUTED("duplex", "duplex", 0),
    S("disallow-unplug", "disallow_unplug", XE_RW),
    REFF("pci-bus-path", "PCI", "pci_id"),
    MAP("other-config", "other_config", XE_RW),
    S("igmp-snooping-status", "igmp_snooping_status", 0),
};
static const char *const pif_columns[] = {
    "uuid", "device", "VLAN", "MAC", "network-uuid", "currently-attached",
    "host-uuid", NULL
};
CLASS(xe_class_pif, "pif", "PIF", pif_fields, pif_columns, false);

/* records.ml pci_record (see notes/xe-reference.md section 2.2). */
static const struct xe_field_def pci_fields[] = {
    S("uuid", "uuid", 0),
    S("vendor-name", "vendor_name", 0),
    S("device-name", "device_name", 0),
    S("driver-name", "driver_name", 0),
    REF("host-uuid", "host"),
    REFF("host-name-label", "host", "name_label"),
    S("pci-id", "pci_id", 0),
    /* xe shows the pci-ids of the dependencies (records.ml pci_record). */
    { "dependencies", XE_SET, 0, XE_SRC_COMPUTED, "dependencies", NULL },
    MAP("other-config", "other_config", XE_RW),
};
static const char *const pci_columns[] = {
    "uuid", "vendor-name", "device-name", "pci-id", NULL
};
CLASS(xe_class_pci, "pci", "PCI", pci_fields, pci_columns, false);

/*
 * records.ml network_sriov_record, plus configuration-mode, which XAPI's
 * record lacks (docs/xe.md).  xe's default columns are "uuid;
 * physical-pif; logical-pif; requires-reboot; configuration-mode", matched
 * case-sensitively: xe prints uuid and requires-reboot only.  The list
 * below keeps that output: configuration-mode is left out of it.
 */
static const struct xe_field_def network_sriov_fields[] = {
    S("uuid", "uuid", 0),
    REF("physical-PIF", "physical_PIF"),
    REF("logical-PIF", "logical_PIF"),
    S("requires-reboot", "requires_reboot", 0),
    COMPUTED("remaining-capacity", "remaining_capacity", XE_EXPENSIVE),
    S("configuration-mode", "configuration_mode", 0),
};
static const char *const network_sriov_columns[] = {
    "uuid", "physical-pif", "logical-pif", "requires-reboot", NULL
};
CLASS(xe_class_network_sriov, "network-sriov", "network_sriov",
      network_sriov_fields, network_sriov_columns, false);

/*
 * records.ml vif_record, all of its fields in its order (vm-name-label is
 * computed from the domain; io_read_kbs/io_write_kbs are XAPI's RRD data
 * sources, "<unknown>" here), then reserved-pci, ours.
 */
static const struct xe_field_def vif_fields[] = {
    S("uuid", "uuid", 0),
    S("vm-uuid", "VM", 0),
    COMPUTED("vm-name-label", "VM", 0),
    SET("allowed-operations", "allowed_operations", 0),
    /* xe shows the map's operations as a set (get_set): "(SRO)". */
    { "current-operations", XE_SET, 0, XE_SRC_COMPUTED, "current_operations",
      NULL },
    S("device", "device", 0),
    S("MAC", "MAC", XE_NOCASE),
    S("MAC-autogenerated", "MAC_autogenerated", 0),
    S("MTU", "MTU", 0),
    S("currently-attached", "currently_attached", 0),
    S("qos_algorithm_type", "qos_algorithm_type", XE_RW),
    MAP("qos_algorithm_params", "qos_algorithm_params", XE_RW),
    SET("qos_supported_algorithms", "qos_supported_algorithms", 0),
    MAP("other-config", "other_config", XE_RW),
    REF("network-uuid", "network"),
    REFF("network-name-label", "network", "name_label"),
    COMPUTED("io_read_kbs", "io_read_kbs", XE_EXPENSIVE),
    COMPUTED("io_write_kbs", "io_write_kbs", XE_EXPENSIVE),
    S("locking-mode", "locking_mode", XE_RW),
    SET("ipv4-allowed", "ipv4_allowed", XE_RW),
    SET("ipv6-allowed", "ipv6_allowed", XE_RW),
    S("ipv4-configuration-mode", "ipv4_configuration_mode", 0),
    COMPUTED("ipv4-addresses", "ipv4_addresses", 0),
    S("ipv4-gateway", "ipv4_gateway", 0),
    S("ipv6-configuration-mode", "ipv6_configuration_mode", 0),
    COMPUTED("ipv6-addresses", "ipv6_addresses", 0),
    S("ipv6-gateway", "ipv6_gateway", 0),
    SET("trunks", "trunks", XE_RW),
    /* Ours (XAPI's reserved_PCI is internal): the PCI address of the VF
     * the plugin reserved for the VIF, empty when none. */
    COMPUTED("reserved-pci", "reserved_pci", 0),
};
static const char *const vif_columns[] = {
    "uuid", "device", "vm-uuid", "network-uuid", NULL
};
CLASS(xe_class_vif, "vif", "VIF", vif_fields, vif_columns, false);

/*
 * records.ml vm_record: the fields a VM read from Xen has (docs/xe.md
 * "VMs").  Not stored: xe/reader-vm.c makes the records from
 * ops_vm_list(); api_field is the XenAPI field, NULL for xe-only ones.
 * name-label and name-description are RW in XAPI; here the xl config
 * holds the name, so both are RO.  other-config is the store's (a VM
 * record under the VM's uuid: ops/ops-vm-config.c).
 */
static const struct xe_field_def vm_fields[] = {
    S("uuid", "uuid", 0),
    S("name-label", "name_label", 0),
    S("name-description", "name_description", 0),
    S("is-a-template", "is_a_template", 0),
    S("is-control-domain", "is_control_domain", 0),
    S("power-state", "power_state", 0),
    S("memory-actual", NULL, 0),
    S("memory-static-max", "memory_static_max", 0),
    S("memory-dynamic-max", "memory_dynamic_max", 0),
    S("memory-dynamic-min", "memory_dynamic_min", 0),
    S("VCPUs-max", "VCPUs_max", 0),
    S("VCPUs-at-startup", "VCPUs_at_startup", 0),
    S("domain-type", "domain_type", 0),
    S("resident-on", "resident_on", 0),
    MAP("other-config", "other_config", XE_RW),
    S("dom-id", "domid", 0),
};
/* cli_operations.ml gen_cmds: "name-label; uuid; power-state". */
static const char *const vm_columns[] = {
    "name-label", "uuid", "power-state", NULL
};
CLASS(xe_class_vm, "vm", "VM", vm_fields, vm_columns, true);

/*
 * records.ml pool_record (ocaml/xapi-cli-server/records.ml:1153-1651 at
 * xen-api e2ee48d), all of its fields in its order.  Setters that would
 * reconfigure the pool (HA, WLB, SSH, ...) keep XAPI's RW marker and are
 * refused (XE_REFUSED, docs/xe.md); the ssh-* and https-only fields are
 * the master's (XAPI's get_consistent_field_or_default over the hosts).
 */
#define RF (XE_RW | XE_REFUSED)
static const struct xe_field_def pool_fields[] = {
    S("uuid", "uuid", 0),
    S("name-label", "name_label", XE_RW),
    S("name-description", "name_description", XE_RW),
    REF("master", "master"),
    COMPUTED("default-SR", "default_SR", RF),
    COMPUTED("crash-dump-SR", "crash_dump_SR", RF),
    COMPUTED("suspend-image-SR", "suspend_image_SR", RF),
    COMPUTED("supported-sr-types", "supported_sr_types", XE_EXPENSIVE),
    MAP("other-config", "other_config", XE_RW),
    SET("allowed-operations", "allowed_operations", 0),
    { "current-operations", XE_SET, 0, XE_SRC_COMPUTED, "current_operations",
      NULL },
    S("ha-enabled", "ha_enabled", 0),
    COMPUTED("ha-configuration", "ha_configuration", 0),
    COMPUTED("ha-statefiles", "ha_statefiles", 0),
    S("ha-host-failures-to-tolerate", "ha_host_failures_to_tolerate", RF),
    S("ha-plan-exists-for", "ha_plan_exists_for", 0),
    S("ha-allow-overcommit", "ha_allow_overcommit", RF),
    S("ha-overcommitted", "ha_overcommitted", 0),
    S("ha-reboot-vm-on-internal-shutdown",
      "ha_reboot_vm_on_internal_shutdown", RF),
    COMPUTED("blobs", "blobs", 0),
    S("wlb-url", "wlb_url", 0),
    S("wlb-username", "wlb_username", 0),
    S("wlb-enabled", "wlb_enabled", RF),
    S("wlb-verify-cert", "wlb_verify_cert", RF),
    S("igmp-snooping-enabled", "igmp_snooping_enabled", RF),
    MAP("gui-config", "gui_config", XE_RW),
    MAP("health-check-config", "health_check_config", XE_RW),
    S("vswitch-controller", "vswitch_controller", XE_HIDDEN),
    COMPUTED("restrictions", "restrictions", 0),
    SET("tags", "tags", XE_RW | XE_COMMA),
    COMPUTED("license-state", "license_state", 0),
    S("ha-cluster-stack", "ha_cluster_stack", 0),
    /* add_to_map in xe, Pool.add_to_guest_agent_config checks its keys
     * and reconfigures the guests' agents: refused. */
    MAP("guest-agent-config", "guest_agent_config", RF),
    MAP("cpu_info", "cpu_info", 0),
    S("policy-no-vendor-device", "policy_no_vendor_device", RF),
    S("live-patching-disabled", "live_patching_disabled", RF),
    S("uefi-certificates", "uefi_certificates", RF | XE_HIDDEN),
    S("custom-uefi-certificates", "custom_uefi_certificates",
      RF | XE_HIDDEN),
    S("tls-verification-enabled", "tls_verification_enabled", 0),
    S("client-certificate-auth-enabled", "client_certificate_auth_enabled",
      0),
    S("client-certificate-auth-name", "client_certificate_auth_name", 0),
    SET("repositories", "repositories", RF),
    S("repository-proxy-url", "repository_proxy_url", 0),
    S("repository-proxy-username", "repository_proxy_username", 0),
    COMPUTED("https-only", "https_only", RF),
    S("migration-compression", "migration_compression", RF),
    S("coordinator-bias", "coordinator_bias", RF),
    S("telemetry-frequency", "telemetry_frequency", 0),
    S("telemetry-next-collection", "telemetry_next_collection", 0),
    S("last-update-sync", "last_update_sync", 0),
    S("update-sync-frequency", "update_sync_frequency", 0),
    S("update-sync-day", "update_sync_day", 0),
    S("update-sync-enabled", "update_sync_enabled", 0),
    S("auto-update-vm-secureboot-certificates",
      "auto_update_vm_secureboot_certificates", RF),
    MAP("recommendations", "recommendations", 0),
    S("ext-auth-cache-enabled", "ext_auth_cache_enabled", RF),
    S("ext-auth-cache-size", "ext_auth_cache_size", RF),
    S("ext-auth-cache-expiry", "ext_auth_cache_expiry", RF),
    MAP("license-server", "license_server", XE_RW),
    COMPUTED("ssh-enabled", "ssh_enabled", 0),
    COMPUTED("ssh-enabled-timeout", "ssh_enabled_timeout", RF),
    COMPUTED("ssh-expiry", "ssh_expiry", 0),
    COMPUTED("console-idle-timeout", "console_idle_timeout", RF),
    COMPUTED("ssh-auto-mode", "ssh_auto_mode", RF),
    S("limit-console-sessions", "limit_console_sessions", RF),
    S("vm-console-idle-timeout", "vm_console_idle_timeout", RF),
};
#undef RF
/* cli_operations.ml gen_cmds: uuid, name-label, name-description, master
 * (and default-SR, which xen-sriov has not). */
static const char *const pool_columns[] = {
    "uuid", "name-label", "name-description", "master", NULL
};
CLASS(xe_class_pool, "pool", "pool", pool_fields, pool_columns, false);

const struct xe_class_def *const xe_classes[] = {
    &xe_class_pool, &xe_class_host, &xe_class_network, &xe_class_pif, &xe_class_pci,
    &xe_class_network_sriov, &xe_class_vif, &xe_class_vm,
};
const size_t xe_n_classes = ELEMENTSOF(xe_classes);
