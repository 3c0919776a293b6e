# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Xen booted with iommu=0: passthrough must be refused, as on a host
# without an IOMMU, and no guest must be left behind.
# shellcheck source=tests/vm/guest/xen-steps.sh
. /xs/tests/xen-steps.sh
XL=/usr/lib/xen-4.17/bin/xl

check "dom0 toolstack up (modules, xenstored, xen-init-dom0, xenconsoled)" \
    xen_start_toolstack || return 0
no_directio() {
    caps=$($XL info | grep '^virt_caps') || return 1
    echo "$caps"
    ! echo "$caps" | grep -qwE '(hvm|pv)_directio'
}
check "xl info: no passthrough (virt_caps without pv_directio)" no_directio
pf=$(xen_find_pf)
check "SR-IOV enabled on the PF in dom0 (sriov-info set-numvfs 2)" \
    xen_enable_vfs "$pf" 2 || return 0
vf=$(xen_vf "$pf" 0)
# pciback binding does not need the IOMMU; the assignment does.
xen_make_assignable "$vf" >/tmp/assignable.out 2>&1
tap_comment "xl pci-assignable-add $vf without an IOMMU: exit $?:" \
    "$(tr '\n' ' ' </tmp/assignable.out)"
check_fails "xl create with pci=['$vf'] is refused: passthrough not supported" \
    "passthrough not supported on this platform" xen_create_domu probe "$vf"
check "no domain is left behind" sh -c "! $XL list probe"
