# SPDX-License-Identifier: LGPL-2.1-or-later
# network-create/-list/-param-*/-destroy.  XAPI's sources (xen-api
# e2ee48d): cli_frontend.ml:2655-2663 network-create's parameters,
# cli_operations.ml:2942 net_create (MTU through Int64.of_string: its
# Failure as xapi_cli.ml prints it), records.ml:1037 net_record and
# :1085-1090 set_MTU, cli_operations.ml:625-800 p_get/p_set/p_add/
# p_remove/p_clear's messages, xapi_cli.ml:389-390 (a Failure as
# INTERNAL_ERROR), xapi_network.ml:228 choose_bridge_name and :23
# bridge_blacklist.
# host: plain-nic
xe network-create name-label=blue
blue=$OUT
xe network-create name-label=red name-description="a red one" MTU=9000 bridge=br-red managed=false
red=$OUT
xe network-list
xe network-list bridge=br-red --minimal
xe network-list params=all name-label=blue
xe network-param-list uuid="$red"
xe network-param-get uuid="$red" param-name=MTU
xe network-param-set uuid="$blue" name-label=green name-description=grass MTU=1400
xe network-param-set uuid="$blue" other-config:xo:ip=10.0.0.1
xe network-param-add uuid="$blue" param-name=other-config owner=lab
xe network-param-get uuid="$blue" param-name=other-config
xe network-param-get uuid="$blue" param-name=other-config param-key=xo:ip
xe network-param-remove uuid="$blue" param-name=other-config param-key=owner
xe network-param-clear uuid="$blue" param-name=name-description
note "XAPI's whole network record (records.ml net_record): tags, default-locking-mode, blobs, purpose"
xe network-param-add uuid="$blue" param-name=tags param-key=lab
xe network-param-add uuid="$blue" param-name=tags param-key=rack4
xe network-param-get uuid="$blue" param-name=tags
xe network-param-remove uuid="$blue" param-name=tags param-key=lab
xe network-param-set uuid="$blue" default-locking-mode=disabled
xe network-param-set uuid="$blue" default-locking-mode=locked
xe network-param-list uuid="$blue"

note "bad input: nothing changes"
xe network-create
xe network-create name-label=x MTU=big
xe network-create name-label=x MTU=70000
xe network-create name-label=x bridge=eth5
xe network-create name-label=x bridge=br-red
xe network-create name-label=x managed=maybe
xe network-param-set uuid="$blue" MTU=20
note "records.ml:1085-1090 sets MTU with Int64.of_string; its Failure is xapi_cli.ml:389's INTERNAL_ERROR, as network-create's"
xe network-param-set uuid="$blue" MTU=abc
xe network-param-set uuid="$blue" bridge=br0
xe network-param-add uuid="$blue" param-name=other-config xo:ip=10.0.0.2
xe network-param-remove uuid="$blue" param-name=other-config param-key=nope
xe network-destroy uuid=nope
xe network-destroy uuid="$(cat /dev/null)"
xe network-list --minimal

note "destroy"
xe network-destroy uuid="$red"
xe network-destroy uuid="$red"
xe network-list --minimal
