# SPDX-License-Identifier: LGPL-2.1-or-later
# pif-scan: PIFs and PCI records; idempotent; a NIC that goes and comes.
# XAPI's sources (xen-api e2ee48d): cli_operations.ml:6728 pif_scan;
# every PIF a network, ocaml/xapi/xapi_pif.ml:445 find_or_create_network
# and :528 introduce_internal, named by helpers.ml:135
# choose_network_name_for_pif, bridged as xapi_pif.ml:40-45
# bridge_naming_convention (or the Linux bridge the NIC is a port of);
# the records as records.ml:474 pif_record, :1037 net_record and :6004
# pci_record print them (dependencies as pci-ids); xapi_pci.ml:129
# update_pcis.
# host: x710-2pf plain-nic nvme-sriov
note "xe host-list makes this host's record on first use"
xe host-list
xe pif-scan host-uuid=not-a-uuid
xe host-list --minimal
host=$OUT
note "enp59s0f1 is a port of the Linux bridge lanbr (a plain Xen host's setup)"
port=$(readlink -f "$SRIOV_ROOT/sys/class/net/enp59s0f1")
mkdir "$port/brport" && ln -s ../../../../../../virtual/net/lanbr "$port/brport/bridge"
xe pif-scan host-uuid="$host"
xe pif-list
note "every physical PIF has its network (XAPI xapi_pif.ml introduce_internal)"
xe network-list
xe network-list bridge=lanbr params=name-label,PIF-uuids,MTU,managed
xe pif-list params=device,capabilities,pci-bus-path
xe pif-list capabilities:contains=sriov --minimal
xe pif-list device=eno1 --minimal
eno=$OUT
xe pif-param-list uuid="$eno"
xe pif-param-get uuid="$eno" param-name=device
xe pif-param-get uuid="$eno" param-name=capabilities
note "XAPI's whole PIF record (records.ml pif_record): its defaults, the kernel's MTU and link"
xe pif-param-get uuid="$eno" param-name=IP-configuration-mode
xe pif-param-get uuid="$eno" param-name=properties param-key=gro
xe pif-list params=device,MTU,carrier,speed,duplex,io_read_kbs
xe pif-param-set uuid="$eno" disallow-unplug=true
xe pif-param-get uuid="$eno" param-name=disallow-unplug
xe pif-param-set uuid="$eno" disallow-unplug=maybe
xe pif-param-set uuid="$eno" disallow-unplug=false
xe pif-param-set uuid="$eno" management=true
xe pci-list
xe pci-list pci-id=0000:3b:02.3 --minimal
vf3=$OUT
xe pci-param-list uuid="$vf3"
xe pci-param-get uuid="$vf3" param-name=driver-name
xe host-param-list uuid="$host"
xe host-param-get uuid="$host" param-name=software-version param-key=product_brand

note "a second scan changes nothing"
xenstore-read /tool/xen-sriov/generation >"$SRIOV_ROOT/gen-before"
xe pif-scan host-uuid="$host"
xenstore-read /tool/xen-sriov/generation >"$SRIOV_ROOT/gen-after"
cmp -s "$SRIOV_ROOT/gen-before" "$SRIOV_ROOT/gen-after" &&
    note "no write transaction: the generation is unchanged"
xe pci-list --minimal

note "eno1's driver goes away: its PIF is marked, not dropped"
sim_store sys/bus/pci/drivers/e1000e/unbind 0000:00:1f.6
xe pif-scan host-uuid="$host"
xe pif-list device=eno1 params=uuid,currently-attached
note "disappeared: $(xenstore-read /tool/xen-sriov/PIF/"$eno"/disappeared 2>/dev/null || echo "no node (its default, false)")"
note "and comes back"
sim_store sys/bus/pci/drivers/e1000e/bind 0000:00:1f.6
xe pif-scan host-uuid="$host"
xe pif-list device=eno1 params=uuid,currently-attached
note "disappeared: $(xenstore-read /tool/xen-sriov/PIF/"$eno"/disappeared 2>/dev/null || echo "no node (its default, false)")"

note "PIF other-config, and the SR-IOV mode key checked"
xe pif-param-set uuid="$eno" other-config:sriov-configuration-mode=fast
xe pif-param-set uuid="$eno" other-config:sriov-configuration-mode=sysfs other-config:note=lab
xe pif-param-get uuid="$eno" param-name=other-config
xe pif-param-remove uuid="$eno" param-name=other-config param-key=note
xe pif-param-clear uuid="$eno" param-name=other-config
xe pci-param-add uuid="$vf3" param-name=other-config owner=xl
xe pci-param-add uuid="$vf3" param-name=other-config owner=me
xe pci-param-get uuid="$vf3" param-name=other-config param-key=owner
xe pci-param-set uuid="$vf3" other-config:rack=4
xe pci-param-remove uuid="$vf3" param-name=other-config param-key=rack
xe pci-param-clear uuid="$vf3" param-name=other-config
xe pci-param-get uuid="$vf3" param-name=other-config
xe pif-param-add uuid="$eno" param-name=other-config a=1 b=2
xe pif-param-get uuid="$eno" param-name=other-config
xe host-param-set uuid="$host" name-label=lab-dom0
xe host-param-add uuid="$host" param-name=other-config site=lab
xe host-param-remove uuid="$host" param-name=other-config param-key=site
xe host-param-clear uuid="$host" param-name=name-description
xe pif-param-get uuid="$eno" param-name=host-name-label

note "eno1 renamed eth3 (the same NIC, its MAC): the PIF and its network stay"
d=$(readlink "$SRIOV_ROOT/sys/class/net/eno1")
mv "$SRIOV_ROOT/sys/class/net/${d}" "$SRIOV_ROOT/sys/class/net/${d%/eno1}/eth3"
rm "$SRIOV_ROOT/sys/class/net/eno1"
ln -s "${d%/eno1}/eth3" "$SRIOV_ROOT/sys/class/net/eth3"
xe pif-scan host-uuid="$host"
xe pif-list MAC=d8:9e:f3:12:34:56 params=uuid,device,network-uuid,network-name-label
xe network-list --minimal

note "bad input"
xe pif-scan
xe pif-scan host-uuid="$eno"
xe pif-scan host-uuid="$host" host-uuid="$host"
xe pif-scan host-uuid="$host" colour=red report-ignored-params=warn
xe pif-param-list uuid=00000000-0000-4000-8000-0000000fffff
xe pif-param-list uuid="$vf3"
xe pif-param-get uuid="$eno" param-name=colour
xe pif-param-set uuid="$eno" device=eth9
xe pci-param-list uuid=NOT-A-UUID
