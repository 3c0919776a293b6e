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

note "bad settings: refused, no pool.conf written"
xe pool-join etcd-endpoints=
xe pool-join etcd-endpoints=ftp://a:2379
xe pool-join etcd-endpoints=http://127.0.0.1:9 lease-ttl=1
xe pool-join etcd-endpoints=http://127.0.0.1:9 prefix=relative
note "no etcd there: refused, no pool.conf written"
xe pool-join etcd-endpoints=http://127.0.0.1:9
show ls "$SRIOV_ROOT"/etc/xen-sriov
xe pool-eject host-uuid="$pool"
