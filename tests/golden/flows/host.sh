# SPDX-License-Identifier: LGPL-2.1-or-later
# The host record: every field of XAPI's host_record
# (ocaml/xapi-cli-server/records.ml:3067-3525, xen-api e2ee48d) in its
# order with its markers; the machine's facts read under the host root
# ($root/proc: create_misc.ml:541-567 make_software_version's keys,
# create_misc.ml:586-600 create_host_cpu's), XAPI's defaults elsewhere
# (ocaml/idl/datamodel_host.ml:2948-3427); the RW fields kept.
# host: plain-nic
note "a simulated host with no /proc: XAPI's defaults, no cpu_info"
xe host-list
xe host-list --minimal
host=$OUT
xe host-param-list uuid="$host"
note "what the machine gives: kernel release, CPUs, memory"
mkdir -p "$SRIOV_ROOT/proc/sys/kernel"
printf '6.1.0-28-amd64\n' >"$SRIOV_ROOT/proc/sys/kernel/osrelease"
printf 'MemTotal:       16318164 kB\nMemFree:         9437184 kB\n' \
    >"$SRIOV_ROOT/proc/meminfo"
for i in 0 1; do
    printf 'processor\t: %s\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz\nstepping\t: 4\ncpu MHz\t\t: 2194.843\nphysical id\t: 0\nsiblings\t: 2\ncpu cores\t: 1\nflags\t\t: fpu vme de pse\n\n' "$i"
done >"$SRIOV_ROOT/proc/cpuinfo"
xe host-param-get uuid="$host" param-name=software-version
xe host-param-get uuid="$host" param-name=cpu_info
xe host-param-get uuid="$host" param-name=cpu_info param-key=cpu_count
xe host-param-get uuid="$host" param-name=memory-total
xe host-param-get uuid="$host" param-name=memory-free
xe host-list params=memory-free-computed
xe host-param-get uuid="$host" param-name=memory-free-computed
note "hidden fields are shown only when asked for by name"
xe host-param-get uuid="$host" param-name=uefi-certificates
note "RW fields kept"
xe host-param-set uuid="$host" name-label=rack3-dom0 name-description="rack 3"
xe host-param-add uuid="$host" param-name=logging syslog_destination=loghost
xe host-param-add uuid="$host" param-name=tags param-key=sriov
xe host-param-add uuid="$host" param-name=tags param-key=rack3
xe host-param-remove uuid="$host" param-name=tags param-key=sriov
xe host-param-add uuid="$host" param-name=guest_VCPUs_params mask=1
xe host-param-set uuid="$host" other-config:folder=/racks
xe host-list params=name-label,name-description,logging,tags,guest_VCPUs_params,other-config
xe host-param-clear uuid="$host" param-name=logging
xe host-param-get uuid="$host" param-name=logging
note "setters that reconfigure dom0 in XAPI: refused, nothing changed"
xe host-param-set uuid="$host" timezone=Europe/Amsterdam
xe host-param-set uuid="$host" https-only=true
xe host-param-set uuid="$host" https-only=maybe
xe host-param-set uuid="$host" suspend-image-sr-uuid=6f2a5e0c-4e5b-4f4c-9d1e-2b8b0b6b1a11
xe host-param-set uuid="$host" crash-dump-sr-uuid=
xe host-param-get uuid="$host" param-name=timezone
note "read-only fields"
xe host-param-set uuid="$host" hostname=other
xe host-param-add uuid="$host" param-name=software-version a=b
