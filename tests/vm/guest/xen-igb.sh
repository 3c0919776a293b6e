# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The seed flow on a real SR-IOV NIC (QEMU's igb, the kernel's igb driver
# in a PV dom0), through the programs a user runs: xe makes the PIF, the
# network and its VFs, and the VIF; xl creates the domain; xen-sriovd gives
# it a VF with the VIF's MAC and VLAN.  The domU (domu-igb.sh) sends ARP
# requests from 169.254.100.1 (VLAN 100), then, after vif-unplug,
# vlan=200 and vif-plug, from 169.254.200.1; with a VF taken by hand
# (XenServer 5.6's KB) next to it, from 169.254.201.1.  The frames are
# checked outside the VM, in the igb's capture (xen-igb.vmtest).
# shellcheck source=tests/vm/guest/xen-steps.sh
. /xs/tests/xen-steps.sh
# A domU boots in 15-60 s under TCG on a busy machine: waits of minutes.
# shellcheck disable=SC2034 # read by check (tap.sh)
CHECK_TIMEOUT=300
VM1=5a5a5a5a-0000-4000-8000-0000000019b1
VM2=5a5a5a5a-0000-4000-8000-0000000019b2
MANUAL=5a5a5a5a-0000-4000-8000-0000000019b3
MAC1=02:5a:00:00:19:b1
MAC2=02:5a:00:00:19:b2
S=/tool/xen-sriov

# out CMD...: run CMD, print its output, keep it in /tmp/out.
out() {
    "$@" >/tmp/out 2>&1
    rc=$?
    cat /tmp/out
    return $rc
}

check "dom0 toolstack up (modules, xenstored, xen-init-dom0, xenconsoled)" \
    xen_start_toolstack || return 0
xen_igb_up || return 0

# --- xe: PIF, network, network-sriov, VIFs ------------------------------
scan() {
    h=$(xe host-list --minimal) && out xe pif-scan host-uuid="$h"
}
check "xe pif-scan" scan || return 0
pif() {
    pif=$(xe pif-list device="$pfif" --minimal) && [ -n "$pif" ] &&
        out xe pif-param-get uuid="$pif" param-name=capabilities &&
        grep -qw sriov /tmp/out
}
check "the PIF of $pfif has sriov in its capabilities" pif || {
    xe pif-list params=all | while IFS= read -r l; do tap_comment "  $l"; done
    return 0
}
pif=$(xe pif-list device="$pfif" --minimal)

# --- the PIF's IP configuration, read from the kernel (docs/xe.md) ------
# pif_ip FIELD=VALUE...: each field of the igb PIF reads VALUE now.
pif_ip() {
    for fv in "$@"; do
        v=$(xe pif-param-get uuid="$pif" param-name="${fv%%=*}") &&
            [ "$v" = "${fv#*=}" ] ||
            { echo "${fv%%=*}: '$v', not '${fv#*=}'"; return 1; }
    done
}
# management: whether a default route (IPv4, or IPv6 from QEMU's router
# advertisements) goes out of $1 now, as ip shows it.
default_on() {
    if { /usr/sbin/ip route show default; /usr/sbin/ip -6 route show default; } |
        grep -q " dev $1 "; then
        echo true
    else
        echo false
    fi
}
no_ip() {
    pif_ip IP-configuration-mode=None IP= netmask= gateway= \
        management="$(default_on "$pfif")"
}
check "no IPv4 address: IP-configuration-mode None; management as the routes" \
    no_ip
static_ip() {
    /usr/sbin/ip addr add 192.0.2.10/24 dev "$pfif" &&
        /usr/sbin/ip route replace default via 192.0.2.1 dev "$pfif" &&
        pif_ip IP-configuration-mode=Static IP=192.0.2.10 \
            netmask=255.255.255.0 gateway=192.0.2.1 management=true
}
check "ip addr add 192.0.2.10/24, default route: Static, the gateway, management" \
    static_ip
bridged_ip() {
    load_module bridge && /usr/sbin/ip addr flush dev "$pfif" &&
        /usr/sbin/ip link add xenbr0 type bridge &&
        /usr/sbin/ip link set "$pfif" master xenbr0 &&
        /usr/sbin/ip link set xenbr0 up &&
        /usr/sbin/ip addr add 198.51.100.7/25 dev xenbr0 valid_lft 3600 \
            preferred_lft 3600 &&
        /usr/sbin/ip route replace default via 198.51.100.1 dev xenbr0 &&
        pif_ip IP-configuration-mode=DHCP IP=198.51.100.7 \
            netmask=255.255.255.128 gateway=198.51.100.1 management=true
}
check "$pfif in bridge xenbr0 with a leased address: the bridge's, DHCP" \
    bridged_ip
unbridge() {
    /usr/sbin/ip route del default; /usr/sbin/ip link set "$pfif" nomaster &&
        /usr/sbin/ip link del xenbr0 &&
        no_ip
}
check "bridge and route gone: None again (read at each command)" unbridge

net=$(xe network-create name-label=igb-sriov)
# num-vfs=1: the second VM finds no VF.
sriov() {
    out xe network-sriov-create network-uuid="$net" pif-uuid="$pif" \
        num-vfs=1 && ns=$(cat /tmp/out) &&
        [ "$(cat "$XS_DEV/$pf/sriov_numvfs")" = 1 ] &&
        [ -e "$XS_DEV/$pf/virtfn0" ]
}
check "xe network-sriov-create num-vfs=1: igb made VF 0 (sriov_numvfs 1)" \
    sriov || return 0
ns=$(xe network-sriov-list --minimal)
vf0=$(xen_vf "$pf" 0)
vifs() {
    xen_vm_config sriov1 $VM1 && xen_vm_config sriov2 $VM2 &&
        xe vm-list params=uuid,name-label,power-state &&
        vif1=$(xe vif-create vm-uuid=$VM1 network-uuid="$net" device=0 \
        mac=$MAC1) &&
        xe vif-param-set uuid="$vif1" other-config:vlan=100 &&
        vif2=$(xe vif-create vm-uuid=$VM2 network-uuid="$net" device=0 \
            mac=$MAC2) &&
        xe vif-list params=all
}
check "xe vif-create: VIF of VM $VM1 ($MAC1, other-config:vlan=100)" \
    vifs || return 0
vif1=$(xe vif-list vm-uuid=$VM1 --minimal)
vif2=$(xe vif-list vm-uuid=$VM2 --minimal)
before=$(xen_vf_line "$pfif" 0)
tap_comment "VF 0 before any VM: $before"

xen_start_sriovd
check "xen-sriovd started (watching domains)" xen_sriovd_ready || {
    xen_sriovd_log 30
    return 0
}

# --- VM 1 gets VF 0 with its MAC and VLAN 100 ---------------------------
check "xl create sriov1 (uuid $VM1, passthrough=\"enabled\")" \
    xen_create_vm sriov1 $VM1 \
    "xs_test=igb xs_mac=$MAC1 xs_ips=169.254.100.1,169.254.200.1" \
    'passthrough = "enabled"' || { xen_sriovd_log 30; return 0; }
# in_domain NAME VF
in_domain() { xl pci-list "$1" | grep -q "$2"; }
check "xen-sriovd passed VF $vf0 through to sriov1 (xl pci-list)" \
    wait_for 1200 in_domain sriov1 "$vf0" || xen_sriovd_log 30
# vf_has N MAC VLAN: the driver reports them on VF N.
vf_has() {
    l=$(xen_vf_line "$pfif" "$1")
    echo "$l"
    case $l in *"link/ether $2 "*", vlan $3,"*) return 0 ;; esac
    return 1
}
check "igb reports VF 0 with $MAC1, vlan 100 (ip link show $pfif)" \
    xen_settled 5 vf_has 0 $MAC1 100
check "sriov1 sent its frames from 169.254.100.1" \
    wait_for 1800 xen_domu_said sriov1 "SENT 169.254.100.1"

# --- VM 2 on the same network: no VF left -------------------------------
check "xl create sriov2 (uuid $VM2) while sriov1 holds the only VF" \
    xen_create_vm sriov2 $VM2 "xs_test=igb" 'passthrough = "enabled"'
refused() {
    grep 'NETWORK_SRIOV_INSUFFICIENT_CAPACITY' /tmp/sriovd.log | grep -q "$net"
}
check "xen-sriovd: sriov2 refused NETWORK_SRIOV_INSUFFICIENT_CAPACITY $net" \
    wait_for 1200 refused || xen_sriovd_log 30
check_fails "xe vif-plug of sriov2's VIF: the same refusal" \
    "insufficient capacity for VF reservation" xe vif-plug uuid="$vif2"
nothing_half() {
    echo "sriov2's PCI devices: $(xl pci-list sriov2 | sed 1d)"
    echo "its VIF: currently-attached $(xe vif-param-get uuid="$vif2" \
        param-name=currently-attached), reserved-pci" \
        "'$(xe vif-param-get uuid="$vif2" param-name=reserved-pci)'"
    echo "VFs scheduled for $VM2:"
    xenstore-ls -f $S/PCI | grep "scheduled_to_be_attached_to = \"$VM2\""
    [ -z "$(xl pci-list sriov2 | sed 1d)" ] &&
        [ "$(xe vif-param-get uuid="$vif2" param-name=currently-attached)" \
          = false ] &&
        [ -z "$(xe vif-param-get uuid="$vif2" param-name=reserved-pci)" ] &&
        ! xenstore-ls -f $S/PCI |
            grep -q "scheduled_to_be_attached_to = \"$VM2\"" &&
        in_domain sriov1 "$vf0" && vf_has 0 $MAC1 100
}
check "nothing half-built: sriov2 has no PCI device, its VIF no VF; VF 0 \
still sriov1's with its settings" xen_settled 5 nothing_half
check "xl destroy sriov2" xl destroy sriov2

# --- hotplug on the running domU: VLAN 100 -> 200 -----------------------
unplug() {
    out xe vif-unplug uuid="$vif1" && ! in_domain sriov1 "$vf0" &&
        [ -z "$(xe vif-param-get uuid="$vif1" param-name=reserved-pci)" ]
}
check "xe vif-unplug: VF 0 leaves the running sriov1" unplug ||
    xen_sriovd_log 30
check "xe vif-param-set other-config:vlan=200" \
    xe vif-param-set uuid="$vif1" other-config:vlan=200
plug() {
    out xe vif-plug uuid="$vif1" && in_domain sriov1 "$vf0"
}
check "xe vif-plug: VF 0 back in sriov1" plug || xen_sriovd_log 30
check "igb reports VF 0 with $MAC1, vlan 200" xen_settled 5 vf_has 0 $MAC1 200
check "sriov1 sent its frames from 169.254.200.1 (plug 2)" \
    wait_for 1800 xen_domu_said sriov1 "SENT 169.254.200.1"
xen_domu_results sriov1

# --- release on xl destroy ----------------------------------------------
check "xl destroy sriov1" xl destroy sriov1
released() {
    [ -z "$(xe vif-param-get uuid="$vif1" param-name=reserved-pci)" ] &&
        [ "$(xe vif-param-get uuid="$vif1" param-name=currently-attached)" \
          = false ] && [ ! -e "$XS_DEV/$vf0/driver" ]
}
check "xen-sriovd released VF 0 (the VIF holds none, VF unbound again)" \
    wait_for 600 released || xen_sriovd_log 30
restored() {
    after=$(xen_vf_line "$pfif" 0)
    echo "before: $before"
    echo "after:  $after"
    [ "$after" = "$before" ]
}
check "VF 0's MAC, VLAN and spoof checking are back as before the VM" \
    xen_settled 5 restored || xen_sriovd_log 30
check "xen-sriovd --status: 1 of 1 VFs free" \
    sh -c "xen-sriovd --status | tee /dev/stderr | grep -q '1 of 1 VFs free'"

# --- XenServer 5.6's manual flow next to xen-sriovd's VFs ---------------
resize() {
    out xe network-sriov-destroy uuid="$ns" &&
        out xe network-sriov-create network-uuid="$net" pif-uuid="$pif" \
            num-vfs=2 &&
        [ "$(cat "$XS_DEV/$pf/sriov_numvfs")" = 2 ]
}
check "2 VFs on the network now (network-sriov-destroy, -create num-vfs=2)" \
    resize || return 0
vf1=$(xen_vf "$pf" 1)
check "admin: xl pci-assignable-add $vf0 (pciback)" \
    xl pci-assignable-add "$vf0"
check "admin: xl create manual with pci=['$vf0'] (no VIF)" \
    xen_create_vm manual $MANUAL "xs_test=igb" "pci = [ '$vf0' ]"
check "xl create sriov3 (uuid $VM1: its VIF, vlan 200)" \
    xen_create_vm sriov3 $VM1 \
    "xs_test=igb xs_mac=$MAC1 xs_ips=169.254.201.1" \
    'passthrough = "enabled"'
check "xen-sriovd gave sriov3 $vf1, not the admin's $vf0" \
    wait_for 1200 in_domain sriov3 "$vf1" || xen_sriovd_log 30
manual_only() {
    xl pci-list manual | grep -q "$vf0" && ! xl pci-list sriov3 | grep -q "$vf0"
}
check "$vf0 still in manual, not in sriov3" xen_settled 5 manual_only
manual_id=$(xl domid manual)
status() {
    out xen-sriovd --status &&
        grep -q "$vf0 unusable: in use outside xen-sriov: held by domain \
$manual_id (manual)" /tmp/out &&
        grep -q "$vf1 reserved by VIF $vif1 for VM $VM1" /tmp/out
}
check "xen-sriovd --status: $vf0 held by domain $manual_id (manual), \
$vf1 reserved by sriov3's VIF" xen_settled 5 status
check "igb reports VF 1 with $MAC1, vlan 200" xen_settled 5 vf_has 1 $MAC1 200
check "sriov3 sent its frames from 169.254.201.1 through $vf1" \
    wait_for 1800 xen_domu_said sriov3 "SENT 169.254.201.1"
xen_domu_results sriov3
check "xl destroy sriov3" xl destroy sriov3
check "xl destroy manual" xl destroy manual
check "xl pci-assignable-remove -r $vf0" xl pci-assignable-remove -r "$vf0"
check "xen-sriovd released $vf1" wait_for 600 sh -c \
    "xen-sriovd --status | grep -q '2 of 2 VFs free'" || xen_sriovd_log 30
check "the store checks clean (xen-sriov-store check)" xen-sriov-store check
check "xen-sriovd stops on SIGTERM" xen_sriovd_stop
xen_sriovd_log 20
:
