# SPDX-License-Identifier: LGPL-2.1-or-later
# Configuration modes: modprobe (a driver without sriov_configure) and a
# mode forced through the PIF's other-config.
# host: 82599-xenserver-oot e810-2pf x710-2pf
xe host-list --minimal
xe pif-scan host-uuid="$OUT"
xe pif-list device=enp4s0f0 --minimal
ixgbe=$OUT
xe network-create name-label=ixgbe
net=$OUT
xe network-sriov-create pif-uuid="$ixgbe" network-uuid="$net" num-vfs=8
sriov=$OUT
xe network-sriov-param-list uuid="$sriov"
xe network-sriov-param-get uuid="$sriov" param-name=logical-PIF
xe pif-param-get uuid="$OUT" param-name=currently-attached
show grep -h max_vfs "$SRIOV_ROOT"/etc/modprobe.d/ixgbe.conf
note "both ports: the option is shared by the driver"
xe pif-list device=enp4s0f1 --minimal
ixgbe1=$OUT
xe network-create name-label=ixgbe1
xe network-sriov-create pif-uuid="$ixgbe1" network-uuid="$OUT" num-vfs=4
sriov1=$OUT
show grep -h max_vfs "$SRIOV_ROOT"/etc/modprobe.d/ixgbe.conf
note "destroying one leaves the option (XAPI: another PIF shares the driver)"
xe network-sriov-destroy uuid="$sriov"
show grep -h max_vfs "$SRIOV_ROOT"/etc/modprobe.d/ixgbe.conf
note "destroying the last resets it for both ports"
xe network-sriov-destroy uuid="$sriov1"
show grep -h max_vfs "$SRIOV_ROOT"/etc/modprobe.d/ixgbe.conf

note "manual adopts the VFs there (the E810's 2), and leaves them at destroy"
xe pif-list device=ens801f0 --minimal
e810=$OUT
xe pif-param-set uuid="$e810" other-config:sriov-configuration-mode=manual
xe network-create name-label=e810
net810=$OUT
xe network-sriov-create pif-uuid="$e810" network-uuid="$net810"
sriov810=$OUT
xe network-sriov-param-list uuid="$sriov810"
xe network-sriov-destroy uuid="$sriov810"
note "E810 VFs: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:5e:00.0/sriov_numvfs)"

note "manual forced on a NIC without VFs: refused, nothing left behind"
xe pif-list device=enp59s0f1 --minimal
x710=$OUT
xe pif-param-set uuid="$x710" other-config:sriov-configuration-mode=manual
xe network-create name-label=x710
net710=$OUT
xe network-sriov-create pif-uuid="$x710" network-uuid="$net710"
xe network-sriov-list --minimal
xe pif-list physical=false --minimal
note "sysfs forced"
xe pif-param-set uuid="$x710" other-config:sriov-configuration-mode=sysfs
xe network-sriov-create pif-uuid="$x710" network-uuid="$net710" num-vfs=3
xe network-sriov-param-get uuid="$OUT" param-name=configuration-mode
