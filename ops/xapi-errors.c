/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The XenAPI error table: codes, parameter names, doc strings. */
#include <stdlib.h>
#include <string.h>

#include "ops/xapi-errors.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Parameter lists shared by several codes. */
static const char *const p_bridge[] = { "bridge", NULL };
static const char *const p_PIF[] = { "PIF", NULL };
static const char *const p_network[] = { "network", NULL };
static const char *const p_VIF[] = { "VIF", NULL };
static const char *const p_device[] = { "device", NULL };
static const char *const p_type_ref[] = { "type", "ref", NULL };
static const char *const p_field[] = { "field", NULL };
static const char *const p_class_handle[] = { "class", "handle", NULL };
static const char *const p_message[] = { "message", NULL };
static const char *const p_field_value[] = { "field", "value", NULL };
static const char *const p_MAC[] = { "MAC", NULL };
static const char *const p_type_param_name_uuid_key[] = {
    "type", "param_name", "uuid", "key", NULL
};
static const char *const p_method[] = { "method", NULL };
static const char *const p_method_expected_received[] = {
    "method", "expected", "received", NULL
};
static const char *const p_network_connected_PIF[] = {
    "network", "connected PIF", NULL
};
static const char *const p_pifs[] = { "pifs", NULL };
static const char *const p_vifs[] = { "vifs", NULL };
static const char *const p_PIF_network[] = { "PIF", "network", NULL };
static const char *const p_PIF_msg[] = { "PIF", "msg", NULL };
static const char *const p_function[] = { "function", NULL };
static const char *const p_none[] = { NULL };
static const char *const p_host[] = { "host", NULL };
static const char *const p_token[] = { "token", NULL };
static const char *const p_subscription[] = { "subscription", NULL };
static const char *const p_reason[] = { "reason", NULL };
static const char *const p_class_object[] = {
    "class", "object", "operation_type", "operation_ref", NULL
};
static const char *const p_handle[] = { "handle", NULL };
static const char *const p_msg[] = { "msg", NULL };
static const char *const p_type_uuid[] = { "type", "uuid", NULL };
static const char *const p_field_value_reason[] = {
    "field", "value", "reason", NULL
};
static const char *const p_network_VIF[] = { "network", "VIF", NULL };
static const char *const p_vm_expected_actual[] = {
    "vm", "expected", "actual", NULL
};
static const char *const p_vm[] = { "vm", NULL };
static const char *const p_VM[] = { "VM", NULL };

/*
 * Transcribed from xapi-project/xen-api ocaml/idl/datamodel_errors.ml;
 * keep sorted by code (a unit test checks it).
 */
const struct xapi_error_info xapi_error_infos[] = {
    { "BRIDGE_NAME_EXISTS", p_bridge,
      "The specified bridge already exists." },
    { "CANNOT_ADD_TUNNEL_TO_SRIOV_LOGICAL", p_PIF,
      "This is a network SR-IOV logical PIF and cannot have a tunnel on "
      "it." },
    { "CANNOT_ADD_TUNNEL_TO_VLAN_ON_SRIOV_LOGICAL", p_PIF,
      "This is a vlan PIF on network SR-IOV and cannot have a tunnel on "
      "it." },
    { "CANNOT_DESTROY_SYSTEM_NETWORK", p_network,
      "You tried to destroy a system network: these cannot be destroyed." },
    { "CANNOT_FORGET_SRIOV_LOGICAL", p_PIF,
      "This is a network SR-IOV logical PIF and cannot do forget on it" },
    { "CANNOT_PLUG_VIF", p_VIF,
      "Cannot plug VIF" },
    { "DEVICE_ALREADY_ATTACHED", p_device,
      "The device is already attached to a VM" },
    { "DEVICE_ALREADY_DETACHED", p_device,
      "The device is not currently attached" },
    { "DEVICE_ALREADY_EXISTS", p_device,
      "A device with the name given already exists on the selected VM" },
    { "DEVICE_ATTACH_TIMEOUT", p_type_ref,
      "A timeout happened while attempting to attach a device to a VM." },
    { "DEVICE_DETACH_TIMEOUT", p_type_ref,
      "A timeout happened while attempting to detach a device from a VM." },
    { "EVENTS_LOST", p_none,
      "Some events have been lost from the queue and cannot be "
      "retrieved." },
    { "EVENT_FROM_TOKEN_PARSE_FAILURE", p_token,
      "The event.from token could not be parsed. Valid values include: "
      "'', and a value returned from a previous event.from call." },
    { "EVENT_SUBSCRIPTION_PARSE_FAILURE", p_subscription,
      "The server failed to parse your event subscription. Valid values "
      "include: *, class-name, class-name/object-reference." },
    { "FIELD_TYPE_ERROR", p_field,
      "The value specified is of the wrong type" },
    { "HANDLE_INVALID", p_class_handle,
      "You gave an invalid object reference. The object may have recently"
      " been deleted. The class parameter gives the type of reference "
      "given, and the handle parameter echoes the bad value given." },
    { "HOST_OFFLINE", p_host,
      "You attempted an operation which involves a host which could not "
      "be contacted." },
    { "INTERNAL_ERROR", p_message,
      "The server failed to handle your request, due to an internal "
      "error. The given message may give details useful for debugging the"
      " problem." },
    { "INVALID_DEVICE", p_device,
      "The device name is invalid" },
    { "INVALID_VALUE", p_field_value,
      "The value given is invalid" },
    { "MAC_INVALID", p_MAC,
      "The MAC address specified is not valid." },
    { "MAP_DUPLICATE_KEY", p_type_param_name_uuid_key,
      "You tried to add a key-value pair to a map, but that key is "
      "already there." },
    { "MESSAGE_METHOD_UNKNOWN", p_method,
      "You tried to call a method that does not exist. The method name "
      "that you used is echoed." },
    { "MESSAGE_PARAMETER_COUNT_MISMATCH", p_method_expected_received,
      "You tried to call a method with the incorrect number of "
      "parameters. The fully-qualified method name that you used, and the"
      " number of received and expected parameters are returned." },
    { "NETWORK_ALREADY_CONNECTED", p_network_connected_PIF,
      "You tried to create a PIF, but the network you tried to attach it "
      "to is already attached to some other PIF, and so the creation "
      "failed." },
    { "NETWORK_CONTAINS_PIF", p_pifs,
      "The network contains active PIFs and cannot be deleted." },
    { "NETWORK_CONTAINS_VIF", p_vifs,
      "The network contains active VIFs and cannot be deleted." },
    { "NETWORK_HAS_INCOMPATIBLE_SRIOV_PIFS", p_PIF_network,
      "The PIF is not compatible with the selected SR-IOV network" },
    { "NETWORK_HAS_INCOMPATIBLE_VLAN_ON_SRIOV_PIFS", p_PIF_network,
      "VLAN on the PIF is not compatible with the selected SR-IOV VLAN "
      "network" },
    { "NETWORK_INCOMPATIBLE_WITH_BOND", p_network,
      "The network is incompatible with bond" },
    { "NETWORK_INCOMPATIBLE_WITH_SRIOV", p_network,
      "The network is incompatible with sriov" },
    { "NETWORK_INCOMPATIBLE_WITH_TUNNEL", p_network,
      "The network is incompatible with tunnel" },
    { "NETWORK_INCOMPATIBLE_WITH_VLAN_ON_BRIDGE", p_network,
      "The network is incompatible with vlan on bridge" },
    { "NETWORK_INCOMPATIBLE_WITH_VLAN_ON_SRIOV", p_network,
      "The network is incompatible with vlan on sriov" },
    { "NETWORK_SRIOV_ALREADY_ENABLED", p_PIF,
      "The PIF selected for the SR-IOV network is already enabled" },
    { "NETWORK_SRIOV_DISABLE_FAILED", p_PIF_msg,
      "Failed to disable SR-IOV on PIF" },
    { "NETWORK_SRIOV_ENABLE_FAILED", p_PIF_msg,
      "Failed to enable SR-IOV on PIF" },
    { "NETWORK_SRIOV_INSUFFICIENT_CAPACITY", p_network,
      "There is insufficient capacity for VF reservation" },
    { "NETWORK_UNMANAGED", p_network,
      "The network is not managed by xapi." },
    { "NOT_IMPLEMENTED", p_function,
      "The function is not implemented" },
    { "NO_HOSTS_AVAILABLE", p_none,
      "There were no servers available to complete the specified "
      "operation." },
    { "OBJECT_NOLONGER_EXISTS", p_none,
      "The specified object no longer exists." },
    { "OPERATION_NOT_ALLOWED", p_reason,
      "You attempted an operation that was not allowed." },
    { "OTHER_OPERATION_IN_PROGRESS", p_class_object,
      "Another operation involving the object is currently in progress" },
    { "PERMISSION_DENIED", p_message,
      "Caller not allowed to perform this operation." },
    { "PIF_DEVICE_NOT_FOUND", p_none,
      "The specified device was not found." },
    { "PIF_IS_NOT_PHYSICAL", p_PIF,
      "You tried to perform an operation which is only available on "
      "physical PIF" },
    { "PIF_IS_NOT_SRIOV_CAPABLE", p_PIF,
      "The selected PIF is not capable of network SR-IOV" },
    { "PIF_IS_PHYSICAL", p_PIF,
      "You tried to destroy a PIF, but it represents an aspect of the "
      "physical host configuration, and so cannot be destroyed. The "
      "parameter echoes the PIF handle you gave." },
    { "PIF_IS_SRIOV_LOGICAL", p_PIF,
      "You tried to create a bond on top of a network SR-IOV logical PIF "
      "- use the underlying physical PIF instead" },
    { "PIF_IS_VLAN", p_PIF,
      "You tried to create a VLAN on top of another VLAN - use the "
      "underlying physical PIF/bond instead" },
    { "PIF_SRIOV_STILL_EXISTS", p_PIF,
      "The PIF is still related with a network SR-IOV" },
    { "PIF_UNMANAGED", p_PIF,
      "The operation you requested cannot be performed because the "
      "specified PIF is not managed by xapi." },
    { "PIF_VLAN_STILL_EXISTS", p_PIF,
      "Operation cannot proceed while a VLAN exists on this interface." },
    { "POOL_JOINING_HOST_HAS_NETWORK_SRIOVS", p_none,
      "The host joining the pool must not have any network SR-IOVs." },
    { "SESSION_AUTHENTICATION_FAILED", p_none,
      "The credentials given by the user are incorrect, so access has "
      "been denied, and you have not been issued a session handle." },
    { "SESSION_INVALID", p_handle,
      "You gave an invalid session reference. It may have been "
      "invalidated by a server restart, or timed out. You should get a "
      "new session handle, using one of the session.login_ calls. This "
      "error does not invalidate the current connection. The handle "
      "parameter echoes the bad value given." },
    { "USER_IS_NOT_LOCAL_SUPERUSER", p_msg,
      "Only the local superuser can perform this operation." },
    { "UUID_INVALID", p_type_uuid,
      "The uuid you supplied was invalid." },
    { "VALUE_NOT_SUPPORTED", p_field_value_reason,
      "You attempted to set a value that is not supported by this "
      "implementation. The fully-qualified field name and the value that "
      "you tried to set are returned. Also returned is a developer-only "
      "diagnostic reason." },
    { "VIF_IN_USE", p_network_VIF,
      "Network has active VIFs" },
    { "VM_BAD_POWER_STATE", p_vm_expected_actual,
      "You attempted an operation on a VM that was not in an appropriate "
      "power state at the time; for example, you attempted to start a VM "
      "that was already running. The parameters returned are the VM's "
      "handle, and the expected and actual VM state at the time of the "
      "call." },
    { "VM_HAS_PCI_ATTACHED", p_vm,
      "This operation could not be performed, because the VM has one or "
      "more PCI devices passed through." },
    { "VM_HAS_SRIOV_VIF", p_vm,
      "This operation could not be performed, because the VM has one or "
      "more SR-IOV VIFs." },
    { "VM_PCI_BUS_FULL", p_VM,
      "The VM does not have any free PCI slots" },
};
const size_t xapi_n_error_infos = N(xapi_error_infos);

static int cmp_code(const void *key, const void *elem)
{
    return strcmp(key, ((const struct xapi_error_info *)elem)->code);
}

const struct xapi_error_info *xapi_error_info_find(const char *code)
{
    if (!code)
        return NULL;
    return bsearch(code, xapi_error_infos, xapi_n_error_infos,
                   sizeof(xapi_error_infos[0]), cmp_code);
}

size_t xapi_error_info_n_params(const struct xapi_error_info *info)
{
    size_t n = 0;

    while (info && info->params[n])
        n++;
    return n;
}
