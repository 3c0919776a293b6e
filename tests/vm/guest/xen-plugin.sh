# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# xen-sriovd on real Xen: a domU made with plain `xl create` (no pci=[])
# gets the VF of its SR-IOV VIF from the daemon, through libxl, and gives it
# back when it is destroyed; the IOMMU and interrupt-remapping facts the
# plugin reads from Xen; and the plugin's VF settings on netdevsim.
# shellcheck source=tests/vm/guest/xen-steps.sh
. /xs/tests/xen-steps.sh
VM=5a5a5a5a-0000-4000-8000-00000000c0de
VM2=5a5a5a5a-0000-4000-8000-00000000c0df
S=/tool/xen-sriov

check "dom0 toolstack up (modules, xenstored, xen-init-dom0, xenconsoled)" \
    xen_start_toolstack || return 0
n=$(find /sys/kernel/iommu_groups -mindepth 1 -maxdepth 1 2>/dev/null |
    wc -l)
tap_comment "IOMMU groups dom0 sees in sysfs: $n (Xen owns the IOMMU)"
xl dmesg | grep -i 'interrupt remapping' | while IFS= read -r l; do
    tap_comment "  xl dmesg: $l"
done
pf=$(xen_find_pf)
check "SR-IOV enabled on the NVMe PF $pf (sriov-info set-numvfs 2)" \
    xen_enable_vfs "$pf" 2 || return 0
vf=$(xen_vf "$pf" 0)
# nvme probes the VFs and gives up (their controllers stay offline).
unbound() { [ ! -e "$XS_DEV/$vf/driver" ]; }
check "nvme gave up on VF $vf (unbound: its driver before the domain)" \
    wait_for 300 unbound

setup() {
    xen_store_init &&
        vm-plugin-setup "$pf" "$VM/00:16:3e:12:34:56" \
            "$VM2/00:16:3e:12:34:57" >/tmp/setup.out &&
        cat /tmp/setup.out
}
check "store: an SR-IOV network on $pf, a VIF of VMs $VM and $VM2 on it" \
    setup || return 0
vif=$(sed -n 1p /tmp/setup.out)
vif2=$(sed -n 2p /tmp/setup.out)

status_caps() {
    xen-sriovd --status >/tmp/status.out; cat /tmp/status.out
    grep -q 'host: passthrough yes, interrupt remapping yes' /tmp/status.out
}
check "xen-sriovd --status: Xen passes through, remaps interrupts" \
    status_caps
check "xen-sriovd --status: 2 of 2 VFs free" \
    grep -q '2 of 2 VFs free' /tmp/status.out

xen-sriovd --foreground --no-api --verbose >/tmp/sriovd.log 2>&1 &
sriovd=$!
check "xen-sriovd watches domains" \
    wait_for 300 grep -q 'watching domains' /tmp/sriovd.log
check "xen-sriovd read Xen: passthrough yes, interrupt remapping yes" \
    grep -q 'Xen: passthrough yes, interrupt remapping yes' /tmp/sriovd.log

# create NAME UUID [LINE]: a PV domU without pci=[].
create() { xen_create_vm "$1" "$2" "" "${3:-}"; }
daemon_log() {
    tap_comment "xen-sriovd's log:"
    grep -v 'xencall:buffer' /tmp/sriovd.log >/tmp/sriovd.short
    tap_tail /tmp/sriovd.short "${1:-40}"
}
check "xl create sriov (uuid $VM, passthrough=\"enabled\", no pci=[])" \
    create sriov "$VM" 'passthrough = "enabled"' || {
    daemon_log
    return 0
}
in_domain() { xl pci-list sriov | grep -q "$vf"; }
check "xen-sriovd attached $vf to the domain (xl pci-list)" \
    wait_for 1200 in_domain || daemon_log 60
attached() {
    [ "$(xenstore-read $S/VIF/"$vif"/currently_attached)" = true ] &&
        pci=$(xenstore-read $S/VIF/"$vif"/reserved_pci) &&
        [ "$(xenstore-read $S/PCI/"$pci"/pci_id)" = "$vf" ] &&
        [ "$(xenstore-read $S/PCI/"$pci"/reserved_domid)" = \
          "$(xl domid sriov)" ]
}
check "the VIF records it (currently_attached, reserved_pci, domid)" \
    wait_for 100 attached
check "VF $vf on pciback (assigned: not in libxl's assignable list)" \
    sh -c "[ \"\$(basename \"\$(readlink $XS_DEV/$vf/driver)\")\" = \
           pciback ] && ! /usr/lib/xen-4.17/bin/xl pci-assignable-list |
           grep -q '$vf'"
check_fails "xen-sriovd --check-migrate refuses the VM" VM_HAS_SRIOV_VIF \
    xen-sriovd --check-migrate "$VM"
check_fails "sriov-info refuses to remove the VFs while the domU has $vf" \
    "$vf" sriov-info set-numvfs "$pf" 0

log=/var/log/xen/console/guest-sriov.log
domu_done() { grep -q '@DOMU@ DOMU-DONE' "$log" 2>/dev/null; }
check "the domU booted and ran its checks" wait_for 2400 domu_done
tr -d '\r' <"$log" 2>/dev/null | sed -n 's/^.*@DOMU@ //p' |
    while IFS= read -r l; do
        case $l in
        "ok - "*) tap_line "ok - domU: ${l#ok - }" ;;
        "not ok - "*) tap_line "not ok - domU: ${l#not ok - }" ;;
        "#"*) tap_line "$l" ;;
        esac
    done

# Hotplug through xe, on the running domU (libxl_device_pci_remove/add).
unplug() {
    xe vif-unplug uuid="$vif" && ! in_domain &&
        [ -z "$(xe vif-param-get uuid="$vif" param-name=reserved-pci)" ] &&
        unbound
}
check "xe vif-unplug: the VF leaves the running domU and is given back" \
    unplug
plug() {
    xe vif-plug uuid="$vif" && in_domain &&
        [ "$(xe vif-param-get uuid="$vif" param-name=reserved-pci)" = "$vf" ]
}
check "xe vif-plug: the VF is back in the domU (reserved-pci $vf)" plug
check_fails "xe vif-plug again: already attached" \
    'The device is already attached' xe vif-plug uuid="$vif"

check "xl destroy sriov" xl destroy sriov
released() {
    [ -z "$(xenstore-read $S/VIF/"$vif"/reserved_pci)" ] &&
        [ "$(xenstore-read $S/VIF/"$vif"/currently_attached)" = false ]
}
check "xen-sriovd released the VF (the VIF holds none)" \
    wait_for 600 released
back() {
    unbound && ! /usr/lib/xen-4.17/bin/xl pci-assignable-list | grep -q "$vf"
}
check "VF $vf back as it was (no driver), not assignable any more" \
    wait_for 100 back

# A domain made without passthrough cannot take a VF: said, not hidden.
check "xl create nopt (uuid $VM2, no passthrough option)" \
    create nopt "$VM2" ''
said() { grep -q 'passthrough="enabled"' /tmp/sriovd.log; }
check "xen-sriovd says to add passthrough=\"enabled\"" wait_for 1200 said
check "VM $VM2's VIF holds no VF, $vf was not touched" \
    sh -c "[ -z \"\$(xenstore-read $S/VIF/$vif2/reserved_pci)\" ] &&
           [ ! -e $XS_DEV/$vf/driver ]"
tap_comment "xen-sriovd CPU ticks so far (utime stime):" \
    "$(cut -d' ' -f14,15 /proc/$sriovd/stat)"
check "xl destroy nopt" xl destroy nopt

# XenServer 5.6's other-config:pci beside an SR-IOV VIF: VM $VM2 (known
# to xe by an xl config in /etc/xen) lists VF 1; at its PV domain's start
# its VIF gets VF 0, then VF 1 is hot-plugged while the domU still boots:
# libxl takes a second device only once the guest's pcifront has connected,
# so xen-sriovd waits for the PCI backend's state 4 first.  The domU loads
# xen-pcifront 15 s late: longer than libxl's own 10 s wait.
vf1=$(xen_vf "$pf" 1)
mkdir -p /etc/xen
printf 'name = "pci1"\nuuid = "%s"\n' "$VM2" >/etc/xen/pci1.cfg
check "xe vm-param-set uuid=$VM2 other-config:pci=0/$vf1" \
    xe vm-param-set uuid="$VM2" other-config:pci="0/$vf1"
listed() {
    [ "$(xe vm-param-get uuid="$VM2" param-name=other-config \
         param-key=pci)" = "0/$vf1" ]
}
check "xe vm-param-get shows it" listed
check "xl create pci1 (uuid $VM2, passthrough=\"enabled\", no pci=[])" \
    xen_create_vm pci1 "$VM2" "xs_vfs=2 xs_pcifront_late=15" \
        'passthrough = "enabled"' || {
    daemon_log
    return 0
}
in_pci1() {
    xl pci-list pci1 >/tmp/pci1.list &&
        grep -q "$vf" /tmp/pci1.list && grep -q "$vf1" /tmp/pci1.list
}
check "xen-sriovd passed $vf (VIF) and $vf1 (other-config:pci) through" \
    wait_for 1200 in_pci1 || daemon_log 60
tap_comment "xl pci-list pci1: $(tr '\n' ';' </tmp/pci1.list 2>/dev/null)"
vif2_vf() {
    pci=$(xenstore-read $S/VIF/"$vif2"/reserved_pci) &&
        [ "$(xenstore-read $S/PCI/"$pci"/pci_id)" = "$vf" ]
}
check "VM $VM2's VIF holds $vf, not the listed $vf1" vif2_vf
grep 'pcifront connected\|waiting for the guest' /tmp/sriovd.log |
    while IFS= read -r l; do tap_comment "  xen-sriovd: $l"; done
check "xen-sriovd waited for the guest's pcifront before $vf1" \
    grep -q "pcifront connected its PCI backend after" /tmp/sriovd.log
check "no 'unable to add device' from libxl" \
    sh -c "! grep -q 'unable to add device' /tmp/sriovd.log"
pci1_done() { xen_domu_said pci1 DOMU-DONE; }
check "the domU booted and ran its checks" wait_for 2400 pci1_done
xen_domu_results pci1
check "xl destroy pci1" xl destroy pci1
released2() {
    [ -z "$(xenstore-read $S/VIF/"$vif2"/reserved_pci)" ] &&
        [ "$(xenstore-read $S/VIF/"$vif2"/currently_attached)" = false ]
}
check "xen-sriovd released VIF $vif2's VF" wait_for 600 released2
check "xe vm-param-remove param-key=pci" \
    xe vm-param-remove uuid="$VM2" param-name=other-config param-key=pci
# The listed VF stays with pciback (as XAPI leaves it): give it back.
check "xl pci-assignable-remove -r $vf1" \
    /usr/lib/xen-4.17/bin/xl pci-assignable-remove -r "$vf1"
rm -f /etc/xen/pci1.cfg

check "xen-sriovd --reconcile finds nothing to do" \
    sh -c "[ -z \"\$(xen-sriovd --reconcile)\" ]"
tap_comment "xen-sriovd CPU ticks (utime stime):" \
    "$(cut -d' ' -f14,15 /proc/$sriovd/stat)"
check "the store checks clean (xen-sriov-store check)" xen-sriov-store check
gone() { ! kill -0 "$sriovd" 2>/dev/null; }
stop() { kill "$sriovd" && wait_for 100 gone; }
check "xen-sriovd stops on SIGTERM" stop
daemon_log 30
check "SR-IOV disabled: the VFs are gone" xen_disable_vfs "$pf"

# The plugin's VF settings on a NIC driver's VFs (netdevsim, not a PCI
# device, so settings only: no passthrough).
NSIM=/sys/bus/netdevsim
nsim_new() {
    echo '1 1' >"$NSIM/new_device" &&
        echo 4 >"$NSIM/devices/netdevsim1/sriov_numvfs"
}
check "netdevsim (and psample) load in dom0" load_module netdevsim ||
    return 0
check "netdevsim device with 4 VFs" nsim_new || return 0
nsim_if=
for n in "$NSIM/devices/netdevsim1/net"/*; do
    [ -e "$n" ] && { nsim_if=$(basename "$n"); break; }
done
VM_NSIM_IF=$nsim_if check_program vm-plugin-settings vm-plugin-settings
