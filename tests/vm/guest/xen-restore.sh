# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The boot restore across a real reboot of a real Xen dom0 (run-vm.sh
# --boots 2, the state directory on the persistent disk).  Boot 1: VFs on
# the NVMe PF, an SR-IOV network recording them, a VIF, the snapshot.
# Boot 2: a fresh xenstored and no VFs; xen-sriov-restore brings the VFs
# (real ones, made by the kernel) and the store back, then changes nothing
# when run again.
# shellcheck source=tests/vm/guest/xen-steps.sh
. /xs/tests/xen-steps.sh
VM=5a5a5a5a-0000-4000-8000-0000000000e1
S=/tool/xen-sriov

state_on_disk() {
    mkdir -p /persist/xen-sriov /var/lib &&
        ln -sfn /persist/xen-sriov /var/lib/xen-sriov
}

# Every node of the store but the bookkeeping that every write changes.
dump_store() {
    xenstore-ls -f "$S" | grep -v "^$S/generation = \|^$S/journal\|^$S/counter" | sort
}

check "dom0 toolstack up (modules, xenstored, xen-init-dom0, xenconsoled)" \
    xen_start_toolstack || return 0
check "the state directory /var/lib/xen-sriov is on the persistent disk" \
    state_on_disk || return 0
pf=$(xen_find_pf)

case $VM_BOOT in
1)
    check "1 of 2 VFs enabled on the NVMe PF $pf" xen_enable_vfs "$pf" 1 ||
        return 0
    setup() {
        xen_store_init &&
            vm-plugin-setup "$pf" "$VM/00:16:3e:12:34:56" >/tmp/setup.out &&
            ns=$(tail -n 1 /tmp/setup.out) &&
            xenstore-write "$S/network_sriov/$ns/num_vfs" 1 &&
            xen-sriov-store snapshot && xen-sriov-store check &&
            echo "$ns" >/persist/ns
    }
    check "store: an SR-IOV network on $pf recording 1 VF, a VIF; snapshot" \
        setup || return 0
    keep() { dump_store >/persist/store-boot1.txt && [ -s /persist/store-boot1.txt ]; }
    check "the store as boot 1 leaves it, kept on /persist" keep
    ;;
*)
    ns=$(cat /persist/ns)
    fresh() {
        [ "$(cat "$XS_DEV/$pf/sriov_numvfs")" = 0 ] &&
            ! xenstore-read "$S" >/dev/null 2>&1
    }
    check "after the reboot: no VFs on $pf, nothing in xenstore" fresh
    restore() {
        xen-sriov-restore >/tmp/restore.out 2>&1
        rc=$?
        cat /tmp/restore.out
        [ "$rc" = 0 ]
    }
    check "xen-sriov-restore (exit 0)" restore
    tap_tail /tmp/restore.out 5
    check "it loaded the snapshot" grep -q '^store: [0-9]* objects loaded' \
        /tmp/restore.out
    check "and enabled the recorded VF in sysfs mode" \
        grep -q "network-sriov $ns (nvme, $pf): 1 VFs enabled (sysfs)" \
        /tmp/restore.out
    vf_back() {
        [ "$(cat "$XS_DEV/$pf/sriov_numvfs")" = 1 ] &&
            [ -e "$XS_DEV/$pf/virtfn0" ] && [ ! -e "$XS_DEV/$pf/virtfn1" ] &&
            [ -e "$XS_DEV/$(xen_vf "$pf" 0)/physfn" ]
    }
    check "the kernel made the VF again (sriov_numvfs 1, virtfn0)" vf_back
    same_store() {
        dump_store >/tmp/store-boot2.txt &&
            diff /persist/store-boot1.txt /tmp/store-boot2.txt
    }
    check "the store is the one boot 1 left, node for node" same_store
    check "xen-sriov-store check: consistent" xen-sriov-store check
    again() {
        xen-sriov-restore >/tmp/again.out 2>&1 || return 1
        cat /tmp/again.out
        grep -q '; 0 sysfs writes, 0 store changes; all restored$' \
            /tmp/again.out
    }
    check "run again: 0 sysfs writes, 0 store changes" again
    check "VFs still 1" vf_back
    ;;
esac
