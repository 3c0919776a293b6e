# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Real Xen, real passthrough: Xen 4.17 with the IOMMU, a PV dom0, SR-IOV
# on QEMU's NVMe controller, one VF given to a PV domU and taken back; and
# the domU's view of the xenstore nodes dom0 keeps to itself.
# shellcheck source=tests/vm/guest/xen-steps.sh
. /xs/tests/xen-steps.sh
XL=/usr/lib/xen-4.17/bin/xl

check "dom0 toolstack up (modules, xenstored, xen-init-dom0, xenconsoled)" \
    xen_start_toolstack || return 0
# pv_directio: the IOMMU, for PV guests (the VMs' CPU has no SVM, so Xen
# has no HVM and says no hvm_directio; libxl's cap_hvm_directio, which
# xen-sriovd reads, is the IOMMU alone).
check "xl info: passthrough available (virt_caps has pv_directio)" \
    sh -c "$XL info | grep '^virt_caps' | grep -qw pv_directio"
pf=$(xen_find_pf)
check "dom0 sees the SR-IOV NVMe PF ($pf, sriov_totalvfs 2)" \
    sh -c "[ -n '$pf' ] && [ \"\$(cat $XS_DEV/$pf/sriov_totalvfs)\" = 2 ]" ||
    return 0
check "SR-IOV enabled on the PF in dom0 (sriov-info set-numvfs 2)" \
    xen_enable_vfs "$pf" 2 || return 0
vf=$(xen_vf "$pf" 0)
check "Xen learnt of the VF $vf from dom0 (xl dmesg)" \
    sh -c "$XL dmesg | grep -q 'PCI add virtual function $vf'"
check "VF $vf made assignable (xl pci-assignable-add)" \
    xen_make_assignable "$vf" || return 0
check "VF $vf is bound to pciback" \
    sh -c "[ \"\$(basename \"\$(readlink $XS_DEV/$vf/driver)\")\" = pciback ]"
check "xl pci-assignable-list lists $vf" \
    sh -c "$XL pci-assignable-list | grep -q '$vf'"
check "sriov-info in dom0 shows $vf in use (pciback)" \
    sh -c "sriov-info $pf | grep -q '$vf .*pciback.*in use'"

store_n0() {
    xen_store_init && xenstore-ls -p /tool/xen-sriov >/tmp/ls.out &&
        cat /tmp/ls.out && grep -q '(n0)' /tmp/ls.out &&
        xenstore-read /tool/xen-sriov/schema-version
}
check "the store root /tool/xen-sriov is made with no guest access (n0)" \
    store_n0

check "PV domU created with pci=['$vf'] (xl create)" \
    xen_create_domu probe "$vf" || return 0
check "xl pci-list probe shows $vf" \
    sh -c "$XL pci-list probe | grep -q '${vf}'"
check_fails "sriov-info refuses to remove the VFs while the domU has $vf" \
    "$vf" sriov-info set-numvfs "$pf" 0

# The domU reports on its console; xenconsoled logs it.
log=/var/log/xen/console/guest-probe.log
domu_done() { grep -q '@DOMU@ DOMU-DONE' "$log" 2>/dev/null; }
t0=$(now_cs)
i=0
while ! domu_done && [ $i -lt 2400 ]; do
    sleep 0.1
    i=$((i + 1))
done
if domu_done; then
    tap_ok "the domU booted and ran its checks ($(elapsed "$t0"))"
else
    tap_not_ok "the domU booted and ran its checks" \
        "(none after $(elapsed "$t0"))"
    [ -f "$log" ] && tap_tail "$log" 30
fi
tr -d '\r' <"$log" 2>/dev/null | sed -n 's/^.*@DOMU@ //p' |
    while IFS= read -r l; do
        case $l in
        "ok - "*) tap_line "ok - domU: ${l#ok - }" ;;
        "not ok - "*) tap_line "not ok - domU: ${l#not ok - }" ;;
        "#"*) tap_line "$l" ;;
        esac
    done

store_clean() {
    xen-sriov-store check &&
        [ "$(xenstore-read /tool/xen-sriov/schema-version)" = "$1" ]
}
check "the store is intact after the guest's attempts (xen-sriov-store check)" \
    store_clean "$(xenstore-read /tool/xen-sriov/schema-version)"
check "xl destroy probe" xen_destroy_domu probe
check "the domain is gone (xl list probe fails)" \
    sh -c "! $XL list probe"
check "the VF is released: assignable again, still on pciback" \
    sh -c "$XL pci-assignable-list | grep -q '$vf' &&
           [ \"\$(basename \"\$(readlink $XS_DEV/$vf/driver)\")\" = pciback ]"
check "VF $vf handed back by dom0 (xl pci-assignable-remove -r)" \
    xen_release_vf "$vf"
off_pciback() {
    l=$(readlink "$XS_DEV/$vf/driver") || return 0
    [ "$(basename "$l")" != pciback ]
}
check "VF $vf left pciback" off_pciback
gone() { xen_disable_vfs "$pf" && [ ! -e "$XS_DEV/$vf" ]; }
check "SR-IOV disabled: the VFs are gone (sriov-info set-numvfs 0)" gone
