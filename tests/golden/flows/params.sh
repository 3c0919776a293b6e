# SPDX-License-Identifier: LGPL-2.1-or-later
# The generated *-list and *-param-* commands with less common input, as
# XAPI's cli_operations.ml gen_cmds (xen-api e2ee48d) runs them: params=
# with unknown names (:~870 select_fields keeps the known ones; an empty
# record prints as cli_printer.ml:50-60 multi_line_record, blank), --minimal
# with several params (cli_printer.ml:72-84: the first of each record),
# p_get (:625-645: param-key on a field that is no map prints the field),
# p_set (:646-735: unknown and read-only fields, Stdlib bool_of_string
# through records.ml:103-112 safe_bool_of_string), p_add (:736-762: a set
# member already there is no error; a map key already there is
# MAP_DUPLICATE_KEY), p_remove (:763-783: the first param-key), p_clear
# (:784-800: a scalar is set to ""), param-set's reqd ["uuid"] (:900-910:
# no --multiple), a uuid in another case (XAPI's get_by_uuid matches it
# exactly: UUID_INVALID).
# host: x710-2pf
xe host-list --minimal
host=$OUT
xe pif-scan host-uuid="$host"
xe pif-list device=enp59s0f0 --minimal
p0=$OUT
xe network-create name-label=n2
net=$OUT
note "params= with a name no record has"
xe pif-list params=device,nosuchfield
xe pif-list physical=true params=nosuchfield
xe pif-list physical=true currently-attached=true params=device,MAC --minimal
xe pif-param-get uuid="$p0" param-name=nosuchfield
note "uuids are matched as given"
upper=$(echo "$p0" | tr a-f A-F)
xe pif-param-get uuid="$upper" param-name=device
note "sets and maps"
xe network-param-add uuid="$net" param-name=tags param-key=T1
xe network-param-add uuid="$net" param-name=tags param-key=T1
xe network-param-get uuid="$net" param-name=tags
xe network-param-add uuid="$net" param-name=tags
xe network-param-remove uuid="$net" param-name=tags param-key=T2
xe network-param-remove uuid="$net" param-name=tags param-key=T1
xe network-param-add uuid="$net" param-name=other-config a=1 b=2
xe network-param-add uuid="$net" param-name=other-config a=3
xe network-param-get uuid="$net" param-name=other-config
xe network-param-get uuid="$net" param-name=other-config param-key=b
xe network-param-get uuid="$net" param-name=other-config param-key=c
xe network-param-get uuid="$net" param-name=name-label param-key=x
xe network-param-remove uuid="$net" param-name=other-config param-key=a param-key=b
xe network-param-get uuid="$net" param-name=other-config --minimal
xe network-param-remove uuid="$net" param-name=other-config param-key=zz
xe network-param-set uuid="$net" other-config:x=1 name-description=d
xe network-param-clear uuid="$net" param-name=other-config
xe network-param-clear uuid="$net" param-name=name-description
xe network-list uuid="$net" params=name-description,other-config
xe network-param-clear uuid="$net" param-name=bridge
note "param-set: unknown, read-only, booleans as Stdlib's bool_of_string"
xe network-param-set uuid="$net" nosuch=foo
xe network-param-set uuid="$net" bridge=foo
xe pif-param-set uuid="$p0" disallow-unplug=yes
xe pif-param-set uuid="$p0" disallow-unplug=TRUE
xe pif-param-set uuid="$p0" disallow-unplug=true
xe pif-param-get uuid="$p0" param-name=disallow-unplug
note "--multiple: param-set and destroy take one uuid"
xe network-param-set name-label=x --multiple
xe network-destroy --multiple
xe network-list --minimal
