# SPDX-License-Identifier: LGPL-2.1-or-later
# other-config:pci, XenServer 5.6's passthrough (XAPI's N/dddd:bb:dd.f
# list): kept with the VM in the store and its snapshot, checked against
# the host, the SR-IOV networks and the other VMs; bad input changes
# nothing.
# host: x710-2pf
xe host-list --minimal
xe pif-scan host-uuid="$OUT"
xe pif-list device=enp59s0f1 --minimal
p1=$OUT
xe network-create name-label=sriov
net=$OUT
xe network-sriov-create pif-uuid="$p1" network-uuid="$net" num-vfs=2
sriov=$OUT
xe pci-list params=pci-id,driver-name
vm=6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c
vm2=0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5
xl_config web1.cfg "name = \"web1\"
uuid = \"$vm\""
xl_config db.cfg "name = \"db\"
uuid = \"$vm2\""

note "set, get, list: a VF of port 0 (no SR-IOV network), then one of the network's too"
xe vm-param-set uuid=$vm other-config:pci=0/0000:3b:02.2
xe vm-param-get uuid=$vm param-name=other-config param-key=pci
xe vm-param-set uuid=$vm other-config:pci=1/0000:3b:0a.0,0/0000:3B:02.2 other-config:note=two
xe vm-param-get uuid=$vm param-name=other-config
xe vm-list other-config:pci=1/0000:3b:0a.0,0/0000:3B:02.2 --minimal
xe vm-param-list uuid=$vm
note "the network's VF a VM lists is not capacity"
xe network-sriov-diagnose uuid=$sriov
xe network-sriov-param-get uuid=$sriov param-name=remaining-capacity

note "bad input: the error says why, the value stays"
xe vm-param-set uuid=$vm other-config:pci=0/3b:00.0
xe vm-param-set uuid=$vm other-config:pci=x/0000:3b:00.0
xe vm-param-set uuid=$vm other-config:pci=0/0000:3b:00.0,
xe vm-param-set uuid=$vm other-config:pci=0/0000:3b:20.0
xe vm-param-set uuid=$vm other-config:pci=0/0000:99:00.0
xe vm-param-set uuid=$vm other-config:pci=0/0000:3b:00.0
xe vm-param-set uuid=$vm other-config:pci=0/0000:3b:00.1
xe vm-param-set uuid=$vm other-config:pci=0/0000:3b:02.2,1/0000:3b:02.2
xe vm-param-set uuid=11111111-2222-4333-8444-555555555555 other-config:pci=0/0000:3b:02.2
note "a device another VM lists, or another domain has (xl pci-attach)"
xe vm-param-set uuid=$vm2 other-config:pci=0/0000:3b:0a.0
xs_write /local/domain/0/backend/pci/9/0/dev-0 0000:3b:02.1
xe vm-param-set uuid=$vm2 other-config:pci=0/0000:3b:02.1
xe vm-param-get uuid=$vm param-name=other-config param-key=pci
xe vm-param-get uuid=$vm2 param-name=other-config
note "the domain that has it is the VM's own: fine"
domain 9 $vm2 db
xe vm-param-set uuid=$vm2 other-config:pci=0/0000:3b:02.1
domain_dies 9 $vm2
xenstore-rm /local/domain/0/backend/pci/9

note "XAPI's param-add and param-clear"
xe vm-param-add uuid=$vm2 param-name=other-config owner=ops
xe vm-param-get uuid=$vm2 param-name=other-config

note "a dom0 reboot: xenstore forgets, the snapshot brings it back"
store_tool() { "$top_builddir/store/xen-sriov-store" "$@"; }
show xenstore-rm /tool/xen-sriov
show store_tool load
xe vm-param-get uuid=$vm param-name=other-config param-key=pci
xe vm-param-get uuid=$vm2 param-name=other-config param-key=pci

note "remove undoes it; the last key takes the VM's record with it"
xe vm-param-remove uuid=$vm param-name=other-config param-key=pci
xe vm-param-get uuid=$vm param-name=other-config
xe vm-param-remove uuid=$vm param-name=other-config param-key=note
xe vm-param-clear uuid=$vm2 param-name=other-config
show xenstore-ls /tool/xen-sriov/VM
xe vm-param-get uuid=$vm param-name=other-config param-key=pci
