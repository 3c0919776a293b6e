# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# VF settings over rtnetlink on a real driver: netdevsim (built out of tree
# from Debian's kernel source) with 4 VFs; vm-vf-config sets them through
# libsriov and compares with iproute2.
NSIM=/sys/bus/netdevsim

nsim_new() {
    echo '1 1' >"$NSIM/new_device" &&
        echo 4 >"$NSIM/devices/netdevsim1/sriov_numvfs"
}
check "netdevsim (and psample) load" load_module netdevsim || return 0
check "netdevsim device with 4 VFs" nsim_new || return 0
nsim_if=
for n in "$NSIM/devices/netdevsim1/net"/*; do
    [ -e "$n" ] && { nsim_if=$(basename "$n"); break; }
done
four() {
    [ "$(/usr/sbin/ip link show dev "$nsim_if" | grep -c ' vf [0-9]')" = 4 ]
}
check "netdevsim's PF interface ${nsim_if:-(none)} lists 4 VFs (ip link)" four
VM_PF_IF=$nsim_if VM_NSIM_DEVLINK=netdevsim/netdevsim1 \
    check_program vm-vf-config vm-vf-config
