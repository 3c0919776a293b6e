# SPDX-License-Identifier: LGPL-2.1-or-later
# A network-class function with no SR-IOV and no interface (a ConnectX-5's
# second function, no driver): a PCI record and no PIF, as XAPI's
# xapi_pci.ml update_pcis records every network-class function and
# xapi_pif.ml scan makes PIFs of interfaces only.
# host: connectx5-nosriov
xe host-list --minimal
host=$OUT
xe pif-scan host-uuid="$host"
xe pif-list params=device,pci-bus-path
xe pci-list
xe pci-list pci-id=0000:af:00.1 --minimal
fn1=$OUT
xe pci-param-list uuid="$fn1"
xe pci-param-get uuid="$fn1" param-name=driver-name
note "a second scan writes nothing and keeps it"
xe pif-scan host-uuid="$host"
xe pci-list pci-id=0000:af:00.1 --minimal
