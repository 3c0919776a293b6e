# SPDX-License-Identifier: LGPL-2.1-or-later
# network-sriov-create/-list/-param-*/-diagnose/-destroy, XAPI's checks.
# XAPI's sources (xen-api e2ee48d): ocaml/xapi/xapi_network_sriov.ml:46
# create and its checks' order, records.ml:424 network_sriov_record,
# datamodel_errors.ml for each code's parameters and text;
# VIF_IN_USE [network; VIF] of a destroy while a VIF holds a VF:
# xapi_network_attach_helpers.ml:42-62 (vif.sh).
# host: x710-2pf e810-2pf plain-nic x710-no-acs
xe host-list --minimal
xe pif-scan host-uuid="$OUT"
xe pif-list device=enp59s0f0 --minimal
p0=$OUT
xe pif-list device=enp59s0f1 --minimal
p1=$OUT
xe pif-list device=eno1 --minimal
eno=$OUT
xe pif-list device=ens801f0 --minimal
e810=$OUT
xe network-create name-label=sriov
net=$OUT

xe network-sriov-create pif-uuid="$p1" network-uuid="$net" num-vfs=4
sriov=$OUT
note "VFs now in sysfs: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:3b:00.1/sriov_numvfs)"
xe network-sriov-list
xe network-sriov-list params=all
xe network-sriov-list --minimal
xe network-sriov-list remaining-capacity=4 --minimal
xe network-sriov-param-list uuid="$sriov"
xe network-sriov-param-get uuid="$sriov" param-name=remaining-capacity
xe network-sriov-param-get uuid="$sriov" param-name=configuration-mode
xe network-sriov-param-get uuid="$sriov" param-name=logical-PIF
logical=$OUT
xe pif-param-list uuid="$logical"
xe pif-param-get uuid="$p1" param-name=sriov-physical-PIF-of
xe network-param-get uuid="$net" param-name=PIF-uuids
xe pci-list params=pci-id,driver-name
xe network-sriov-diagnose uuid="$sriov"
xe network-sriov-diagnose uuid="$sriov" --minimal

note "port 0: 4 VFs made by someone else, one of them on pciback"
xe network-create name-label=port0
net0=$OUT
xe network-sriov-create pif-uuid="$p0" network-uuid="$net0"
sriov0=$OUT
xe network-sriov-param-list uuid="$sriov0"
xe network-sriov-diagnose uuid="$sriov0"

note "XAPI's checks, in XAPI's order"
xe network-sriov-create pif-uuid=bad network-uuid=bad
xe network-sriov-create pif-uuid="$p1" network-uuid="$p1"
xe network-sriov-create pif-uuid="$net" network-uuid="$net"
xe network-create name-label=unmanaged managed=false
unmanaged=$OUT
xe network-sriov-create pif-uuid="$e810" network-uuid="$unmanaged"
xe network-sriov-create pif-uuid="$logical" network-uuid="$net"
xe network-sriov-create pif-uuid="$p1" network-uuid="$net"
xe network-sriov-create pif-uuid="$eno" network-uuid="$net"
xe network-sriov-create pif-uuid="$e810" network-uuid="$net"
xe network-create name-label=e810
net810=$OUT
xe network-sriov-create pif-uuid="$e810" network-uuid="$net810" num-vfs=257
xe network-sriov-create pif-uuid="$e810" network-uuid="$net810" num-vfs=0
xe network-sriov-create pif-uuid="$e810" network-uuid="$net810" num-vfs=two
xe network-sriov-create pif-uuid="$e810" network-uuid="$net810" num-vfs=2 num-vfs=3
xe network-sriov-create network-uuid="$net810"
xe network-sriov-list --minimal
note "E810 VFs after the refusals: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:5e:00.0/sriov_numvfs)"
xe network-sriov-param-get uuid="$sriov" param-name=colour
xe network-sriov-param-list uuid="$p1"
xe network-destroy uuid="$net"

note "destroy: VFs removed, PCI records refreshed"
xe network-sriov-destroy uuid="$sriov"
note "VFs now in sysfs: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:3b:00.1/sriov_numvfs)"
xe network-sriov-destroy uuid="$sriov"
xe network-sriov-list --minimal
xe pif-param-get uuid="$p1" param-name=sriov-physical-PIF-of
xe network-destroy uuid="$net"
note "manual mode leaves port 0's VFs alone"
xe network-sriov-destroy uuid="$sriov0"
note "port 0 VFs: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:3b:00.0/sriov_numvfs)"
xe pci-list params=pci-id --minimal

note "a NIC without ACS: PF and VFs share one IOMMU group"
xe pif-list device=ens3f0 --minimal
noacs=$OUT
xe network-create name-label=no-acs
xe network-sriov-create pif-uuid="$noacs" network-uuid="$OUT" num-vfs=2
xe network-sriov-diagnose uuid="$OUT"
xe pci-list pci-id=0000:86:00.0 params=pci-id,dependencies
