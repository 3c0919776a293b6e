#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion of xe: commands, parameter names, values, word breaks.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
xe=$top_builddir/xe/xe
# shellcheck source=/dev/null
. "$top_srcdir/xe/xe.bash-completion"
export XE_EXTRA_ARGS=
failed=0

# complete LINE: what bash would ask for with the cursor at the end.
complete_line()
{
    COMP_LINE="$xe $1"
    COMP_POINT=${#COMP_LINE}
    COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
    COMPREPLY=()
    _xe_sriov
    printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

expect()
{
    local got
    got=$(complete_line "$1")
    if [ "$got" != "$2" ]; then
        echo "FAIL: '$1': got '$got', expected '$2'"
        failed=$((failed + 1))
    fi
}

expect "network-sriov-c" "network-sriov-create"
expect "network-sriov-param-" "network-sriov-param-get network-sriov-param-list"
expect "-p" "-p -pw -pwf"
expect "-s localhost vif-pl" "vif-plug"
expect "help network-sriov-d" "network-sriov-destroy network-sriov-diagnose"
expect "network-sriov-diagnose " "--minimal uuid="
expect "network-sriov-create p" "pif-uuid="
expect "network-sriov-create pif-uuid=x n" "network-uuid= num-vfs="
# a parameter already given is not offered again
expect "network-sriov-create pif-uuid=x network-uuid=y " \
    "--minimal num-vfs="
# bash keeps what is before '=' and ':' itself
expect "vif-param-set uuid=x other-c" "other-config:"
expect "vif-create mac=r" "random"
expect "network-create managed=" "false true"
expect "network-sriov-param-get uuid=x param-name=configuration-" \
    "configuration-mode"
expect "network-sriov-list params=uuid,requires-" \
    "uuid,requires-reboot"
expect "pif-list --a" "--all"

if [ "$failed" -ne 0 ]; then
    echo "FAIL: $failed completions differ"
    exit 1
fi
echo "PASS: bash completion"
