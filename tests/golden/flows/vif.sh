# SPDX-License-Identifier: LGPL-2.1-or-later
# vif-create/-list/-param-*/-destroy; MACs; VF settings in other-config.
# host: x710-2pf
xe host-list --minimal
xe pif-scan host-uuid="$OUT"
xe pif-list device=enp59s0f1 --minimal
p1=$OUT
xe network-create name-label=sriov MTU=9000
net=$OUT
xe network-sriov-create pif-uuid="$p1" network-uuid="$net" num-vfs=2
sriov=$OUT
vm=6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c
xl_config web1.cfg "name = \"web1\"
uuid = \"$vm\"
memory = 512"

xe vif-create vm-uuid=$vm network-uuid="$net" device=0
vif0=$OUT
xe vif-create vm-uuid=$vm network-uuid="$net" device=1 mac=02:00:00:AA:BB:CC
vif1=$OUT
xe vif-create vm-uuid=$vm network-uuid="$net" device=2 mac=random
vif2=$OUT
mac=$("$xe_bin" vif-param-get uuid="$vif2" param-name=MAC)
[[ $mac =~ ^[0-9a-f]{2}(:[0-9a-f]{2}){5}$ ]] &&
    (( (16#${mac:0:2} & 3) == 2 )) &&
    note "random MAC: locally administered, unicast"
xe vif-destroy uuid="$vif2"
xe vif-list
xe vif-list vm-uuid=$vm device=1 --minimal
xe vif-list MAC=02:00:00:aa:bb:cc --minimal
xe vif-param-list uuid="$vif0"
xe vif-param-get uuid="$vif0" param-name=vm-name-label
note "a running domain gives vm-name-label (its name in xenstore)"
domain 3 $vm web1-running
xe vif-param-get uuid="$vif0" param-name=vm-name-label
domain_dies 3 $vm
xe vif-param-get uuid="$vif0" param-name=MTU

note "VF settings"
xe vif-param-set uuid="$vif0" other-config:vlan=100 other-config:vlan-qos=3 other-config:spoofchk=off other-config:trust=on other-config:link-state=auto other-config:max-tx-rate=1000 other-config:min-tx-rate=100
xe vif-param-get uuid="$vif0" param-name=other-config
xe vif-param-set uuid="$vif0" qos_algorithm_type=ratelimit qos_algorithm_params:kbps=10240
xe vif-param-set uuid="$vif0" locking-mode=locked
xe vif-param-list uuid="$vif0" params=all
xe vif-param-add uuid="$vif1" param-name=other-config vlan=5
xe vif-param-remove uuid="$vif0" param-name=other-config param-key=vlan-qos
xe vif-param-clear uuid="$vif0" param-name=qos_algorithm_params

note "bad VF settings: refused whole, nothing changes"
xe vif-param-set uuid="$vif1" other-config:vlan=4095
xe vif-param-set uuid="$vif1" other-config:vlan-qos=8
xe vif-param-set uuid="$vif1" other-config:vlan=0 other-config:vlan-qos=1
xe vif-param-set uuid="$vif1" other-config:spoofchk=maybe
xe vif-param-set uuid="$vif1" other-config:trust=yes
xe vif-param-set uuid="$vif1" other-config:link-state=up
xe vif-param-set uuid="$vif1" other-config:min-tx-rate=-1
xe vif-param-set uuid="$vif1" other-config:min-tx-rate=500 other-config:max-tx-rate=100
xe vif-param-set uuid="$vif1" qos_algorithm_type=fast
xe vif-param-set uuid="$vif1" qos_algorithm_params:kbps=0
xe vif-param-set uuid="$vif1" locking-mode=open
xe vif-param-set uuid="$vif1" other-config:note=ok other-config:vlan=9999
xe vif-param-get uuid="$vif1" param-name=other-config

note "bad input to vif-create"
xe vif-create vm-uuid=$vm network-uuid="$net" device=0
xe vif-create vm-uuid=not-a-vm network-uuid="$net" device=5
xe vif-create vm-uuid=0e9d2c4a-1b3f-4a5e-8c7d-6f5e4d3c2b1a network-uuid="$net" device=5
xe vif-create vm-uuid=$vm network-uuid="$p1" device=5
xe vif-create vm-uuid=$vm network-uuid="$net" device=five
xe vif-create vm-uuid=$vm network-uuid="$net" device=007
xe vif-create vm-uuid=$vm network-uuid="$net" device=5 mac=00:16:3e:zz:00:01
xe vif-create vm-uuid=$vm network-uuid="$net"
xe vif-create vm-uuid=$vm network-uuid="$net" device=5 device=6
xe vif-list --minimal

note "vif-plug needs the VM's domain running; vif-unplug a VIF holding a VF"
xe vif-plug uuid="$vif0"
xe vif-unplug uuid="$vif0"

note "a VF reserved for a VIF (written as the plugin writes it)"
xe pci-list pci-id=0000:3b:0a.0 --minimal
vf=$OUT
xs_write /tool/xen-sriov/VIF/"$vif0"/reserved_pci "$vf"
xs_write /tool/xen-sriov/VIF/"$vif0"/domid 7
xs_write /tool/xen-sriov/PCI/"$vf"/reserved_by "$vif0"
xs_write /tool/xen-sriov/PCI/"$vf"/reserved_domid 7
xe network-sriov-param-get uuid="$sriov" param-name=remaining-capacity
xe network-sriov-diagnose uuid="$sriov"
xe network-sriov-destroy uuid="$sriov"
xe vif-destroy uuid="$vif0"
xe network-destroy uuid="$net"
xe vif-param-get uuid="$vif0" param-name=reserved-pci
note "vif-unplug gives it back (dry-run: no Xen here, docs/plugin.md)"
XEN_SRIOV_TEST_DRY_RUN=1 xe vif-unplug uuid="$vif0"
xe vif-param-get uuid="$vif0" param-name=reserved-pci
xe network-sriov-param-get uuid="$sriov" param-name=remaining-capacity
xe vif-unplug uuid="$vif0" force=maybe
note "attached"
xs_write /tool/xen-sriov/VIF/"$vif1"/currently_attached true
xe vif-destroy uuid="$vif1"
xs_write /tool/xen-sriov/VIF/"$vif1"/currently_attached false
xe vif-destroy uuid="$vif1"
xe vif-list --minimal
