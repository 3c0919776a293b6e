# SPDX-License-Identifier: LGPL-2.1-or-later
# Failures between the steps: the kernel refuses, xe is killed, xenstored
# is gone.  Each leaves the previous state or one the next command (or the
# boot restore) completes.
# host: x710-2pf
xe host-list --minimal
xe pif-scan host-uuid="$OUT"
xe pif-list device=enp59s0f1 --minimal
p1=$OUT
xe network-create name-label=sriov
net=$OUT

note "the kernel refuses sriov_numvfs: the records are taken back"
for e in EBUSY EIO ENOMEM; do
    SIM_FAIL="0000:3b:00.1/sriov_numvfs=4:$e" \
        xe network-sriov-create pif-uuid="$p1" network-uuid="$net" num-vfs=4
    xe network-sriov-list --minimal
    xe pif-list physical=false --minimal
    note "VFs: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:3b:00.1/sriov_numvfs)"
done

note "killed after the records, before the enable (test-only hook)"
XEN_SRIOV_TEST_KILL_AT=sriov-create:records \
    xe network-sriov-create pif-uuid="$p1" network-uuid="$net" num-vfs=4
note "the next xe command finishes the create: VFs enabled, their PCI records made"
xe network-sriov-list params=all
note "VFs: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:3b:00.1/sriov_numvfs)"
xe network-sriov-list --minimal
left=$OUT
show xenstore-read /tool/xen-sriov/network_sriov/"$left"/num_vfs
show xenstore-read /tool/xen-sriov/network_sriov/"$left"/configuration_mode
xe pif-list physical=false params=currently-attached
note "the next command works: destroy, then create again"
xe network-sriov-destroy uuid="$left"
xe network-sriov-create pif-uuid="$p1" network-uuid="$net" num-vfs=4
sriov=$OUT

note "killed after disabling the VFs, before the records go"
XEN_SRIOV_TEST_KILL_AT=sriov-destroy:disabled \
    xe network-sriov-destroy uuid="$sriov"
note "the next xe command finishes the destroy"
xe network-sriov-list --minimal
note "VFs: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:3b:00.1/sriov_numvfs)"

note "the kernel refuses to disable: nothing changes"
xe network-sriov-create pif-uuid="$p1" network-uuid="$net" num-vfs=4
sriov=$OUT
SIM_FAIL="0000:3b:00.1/sriov_numvfs=0:EIO" xe network-sriov-destroy uuid="$sriov"
xe network-sriov-list --minimal
note "VFs: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:3b:00.1/sriov_numvfs)"

note "xenstored unreachable"
XENSTORED_PATH=$SRIOV_ROOT/no-socket xe network-list
XENSTORED_PATH=$SRIOV_ROOT/no-socket xe network-sriov-destroy uuid="$sriov"
note "VFs: $(cat "$SRIOV_ROOT"/sys/bus/pci/devices/0000:3b:00.1/sriov_numvfs)"
