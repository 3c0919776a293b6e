# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The boot restore on a real SR-IOV NIC (QEMU's igb; run-vm.sh --boots 2,
# the state directory on the persistent disk).  Boot 1: the network, its 2
# VFs and a VIF (MAC, VLAN 300) made with xe.  Boot 2: no VFs after the
# reboot; xen-sriov-restore has igb make them again, and a domain started
# afterwards gets a VF from xen-sriovd with the VIF's MAC and VLAN; its
# frames from 169.254.30.1 are checked in the capture outside the VM
# (xen-igb-restore.vmtest).
# shellcheck source=tests/vm/guest/xen-steps.sh
. /xs/tests/xen-steps.sh
# A domU boots in 15-60 s under TCG on a busy machine: waits of minutes.
# shellcheck disable=SC2034 # read by check (tap.sh)
CHECK_TIMEOUT=300
VM=5a5a5a5a-0000-4000-8000-0000000019e1
MAC=02:5a:00:00:19:e1
# On oxenstored, Debian's default daemon (the other Xen VMs run the C one).
XEN_XENSTORED=oxenstored

state_on_disk() {
    mkdir -p /persist/xen-sriov /var/lib &&
        ln -sfn /persist/xen-sriov /var/lib/xen-sriov
}

check "dom0 toolstack up (modules, $XEN_XENSTORED, xen-init-dom0, xenconsoled)" \
    xen_start_toolstack || return 0
check "xenstored is oxenstored" \
    sh -c "xenstore-read /tool/xenstored | grep -q '/oxenstored\$'"
check "the state directory /var/lib/xen-sriov is on the persistent disk" \
    state_on_disk || return 0
xen_igb_up || return 0

case $VM_BOOT in
1)
    setup() {
        h=$(xe host-list --minimal) && xe pif-scan host-uuid="$h" &&
            pif=$(xe pif-list device="$pfif" --minimal) &&
            net=$(xe network-create name-label=igb-sriov) &&
            xe network-sriov-create network-uuid="$net" pif-uuid="$pif" \
                num-vfs=2 &&
            xen_vm_config restored $VM &&
            vif=$(xe vif-create vm-uuid=$VM network-uuid="$net" device=0 \
                mac=$MAC) &&
            xe vif-param-set uuid="$vif" other-config:vlan=300 &&
            [ "$(cat "$XS_DEV/$pf/sriov_numvfs")" = 2 ] &&
            xe network-sriov-list params=all && xe vif-list params=all
    }
    check "xe: pif-scan, network-create, network-sriov-create num-vfs=2 \
(igb made 2 VFs), vif-create $MAC with other-config:vlan=300" setup
    # The snapshot and its log (each write appends to store.xml.log).
    check "the VIF is in the snapshot on the persistent disk" \
        sh -c "ls -l /persist/xen-sriov; cat /persist/xen-sriov/store.xml* |
               grep -q '$MAC'"
    ;;
*)
    check "after the reboot: no VFs on $pf" \
        sh -c "cat $XS_DEV/$pf/sriov_numvfs; \
               [ \"\$(cat $XS_DEV/$pf/sriov_numvfs)\" = 0 ]"
    restore() {
        xen-sriov-restore >/tmp/restore.out 2>&1
        rc=$?
        cat /tmp/restore.out
        [ "$rc" = 0 ] && grep -qF "($pfif, $pf): 2 VFs enabled (sysfs)" \
            /tmp/restore.out
    }
    check "xen-sriov-restore (exit 0): 2 VFs enabled on $pf (sysfs)" restore
    tap_tail /tmp/restore.out 5
    vfs_back() {
        [ "$(cat "$XS_DEV/$pf/sriov_numvfs")" = 2 ] &&
            [ -e "$XS_DEV/$pf/virtfn1" ] &&
            [ -e "$XS_DEV/$(xen_vf "$pf" 1)/physfn" ]
    }
    check "igb made the VFs again (sriov_numvfs 2, virtfn0-1)" vfs_back
    vf0=$(xen_vf "$pf" 0)
    xen_start_sriovd
    check "xen-sriovd started (watching domains)" \
        xen_sriovd_ready || { xen_sriovd_log 30; return 0; }
    check "xl create restored (uuid $VM, passthrough=\"enabled\")" \
        xen_create_vm restored $VM "xs_test=igb xs_mac=$MAC \
xs_ips=169.254.30.1" 'passthrough = "enabled"' ||
        { xen_sriovd_log 30; return 0; }
    in_domain() { xl pci-list restored | grep -q "$vf0"; }
    check "xen-sriovd passed $vf0 through to it" wait_for 1200 in_domain ||
        xen_sriovd_log 30
    vf_has() {
        l=$(xen_vf_line "$pfif" 0)
        echo "$l"
        case $l in *"link/ether $MAC "*", vlan 300,"*) return 0 ;; esac
        return 1
    }
    check "igb reports VF 0 with $MAC, vlan 300" xen_settled 5 vf_has
    check "the domU sent its frames from 169.254.30.1" \
        wait_for 1800 xen_domu_said restored "SENT 169.254.30.1"
    xen_domu_results restored
    check "xl destroy restored" xl destroy restored
    check "the store checks clean (xen-sriov-store check)" \
        xen-sriov-store check
    check "xen-sriovd stops on SIGTERM" xen_sriovd_stop
    xen_sriovd_log 10
    ;;
esac
:
