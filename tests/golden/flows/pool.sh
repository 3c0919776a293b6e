# SPDX-License-Identifier: LGPL-2.1-or-later
# Out of a pool (docs/pool.md): the one-host pool record, its fields, and
# pool-join/pool-eject refusing what they cannot do without changing
# anything (make check-pool joins a real etcd).
# host: x710-2pf
xe pool-list
xe pool-list --minimal
pool=$OUT
xe pool-param-list uuid="$pool"
xe pool-param-set uuid="$pool" name-label=rack-3 name-description="third rack"
xe pool-param-add uuid="$pool" param-name=other-config owner=ops site=ams
xe pool-param-remove uuid="$pool" param-name=other-config param-key=site
xe pool-param-get uuid="$pool" param-name=other-config
xe pool-param-clear uuid="$pool" param-name=other-config
xe pool-param-get uuid="$pool" param-name=name-label
xe host-list params=uuid,host-metrics-live
note "records.ml:1153-1651 pool_record's fields kept or refused, as XAPI's"
xe pool-param-add uuid="$pool" param-name=tags param-key=sriov
xe pool-param-add uuid="$pool" param-name=gui-config XenCenter.CustomFields.site=ams
xe pool-param-set uuid="$pool" license-server:address=lic.example
xe pool-param-set uuid="$pool" ha-allow-overcommit=true
xe pool-param-set uuid="$pool" ssh-auto-mode=true
xe pool-param-set uuid="$pool" default-SR=6f2a5e0c-4e5b-4f4c-9d1e-2b8b0b6b1a11
xe pool-param-add uuid="$pool" param-name=guest-agent-config a=b
xe pool-param-get uuid="$pool" param-name=vswitch-controller
xe pool-list params=supported-sr-types
xe pool-param-list uuid="$pool"

note "bad settings: refused, no pool.conf written"
xe pool-join etcd-endpoints=
xe pool-join etcd-endpoints=ftp://a:2379
xe pool-join etcd-endpoints=http://127.0.0.1:9 lease-ttl=1
xe pool-join etcd-endpoints=http://127.0.0.1:9 prefix=relative
note "no etcd there: refused, no pool.conf written"
xe pool-join etcd-endpoints=http://127.0.0.1:9
show ls "$SRIOV_ROOT"/etc/xen-sriov
xe pool-eject host-uuid="$pool"
