# SPDX-License-Identifier: LGPL-2.1-or-later
# The host record: every field of XAPI's host_record
# (ocaml/xapi-cli-server/records.ml:3067-3525, xen-api e2ee48d) in its
# order with its markers; the machine's facts read under the host root
# ($root/proc: create_misc.ml:541-567 make_software_version's keys,
# create_misc.ml:586-600 create_host_cpu's), XAPI's defaults elsewhere
# (ocaml/idl/datamodel_host.ml:2948-3427); the RW fields kept.
# cpu_info's features_* keys: create_misc.ml:604-615, each featureset as
# ocaml/libs/cpuid/cpuid.ml:15-18 string_of_features prints it.
# control-domain-uuid and resident-vms (records.ml:3374-3382): dom0's VM
# and the running ones.
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
note "features_*: Xen's featureset words from the flags (pni is sse3, word 1 bit 0)"
printf 'processor\t: 0\nflags\t\t: fpu tsc pni ssse3 lm avx2 ibpb\n' >"$SRIOV_ROOT/proc/cpuinfo"
xe host-param-get uuid="$host" param-name=cpu_info param-key=features_hvm
xe host-param-get uuid="$host" param-name=cpu_info param-key=features_pv_host
note "the control domain and the VMs resident on the host: dom0 (no vm node: Xen's nil uuid)"
xe host-param-get uuid="$host" param-name=control-domain-uuid
xe host-param-get uuid="$host" param-name=resident-vms
note "XenAPI's host.bios_strings (not in xe's record), as stored: bios_strings.ml:149-208's keys from the kernel's DMI tables"
mkdir -p "$SRIOV_ROOT/sys/class/dmi/id" "$SRIOV_ROOT/sys/firmware/dmi/entries/11-0"
printf 'Dell Inc.\n' >"$SRIOV_ROOT/sys/class/dmi/id/bios_vendor"
printf '2.19.1\n' >"$SRIOV_ROOT/sys/class/dmi/id/bios_version"
printf 'Dell Inc.\n' >"$SRIOV_ROOT/sys/class/dmi/id/sys_vendor"
printf 'PowerEdge R740\n' >"$SRIOV_ROOT/sys/class/dmi/id/product_name"
printf 'Not Specified\n' >"$SRIOV_ROOT/sys/class/dmi/id/product_version"
printf '  7XK3\tJ2 \n' >"$SRIOV_ROOT/sys/class/dmi/id/product_serial"
printf 'Dell Inc.\n' >"$SRIOV_ROOT/sys/class/dmi/id/board_vendor"
printf '0H28RR\n' >"$SRIOV_ROOT/sys/class/dmi/id/board_name"
printf 'A03\n' >"$SRIOV_ROOT/sys/class/dmi/id/board_version"
# SMBIOS type 11 (OEM strings): header, count 2, then the strings
printf '\013\005\064\000\002Dell System\0005[0000]\000\000' \
    >"$SRIOV_ROOT/sys/firmware/dmi/entries/11-0/raw"
xe host-param-get uuid="$host" param-name=hostname
show xenstore-ls "/tool/xen-sriov/host/$host/bios_strings"
domain 0 0a4e7a52-3c1e-4c55-9a7e-8d6f1e2b3c40 Domain-0
domain 3 5e1d2c3b-4a59-4f68-8b77-a6b5c4d3e2f1 web1
xe host-param-get uuid="$host" param-name=control-domain-uuid
xe host-param-get uuid="$host" param-name=resident-vms
xe host-list params=control-domain-uuid,resident-vms --minimal
domain_dies 3 5e1d2c3b-4a59-4f68-8b77-a6b5c4d3e2f1
xe host-param-get uuid="$host" param-name=resident-vms
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
