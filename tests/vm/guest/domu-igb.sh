# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# A PV domU given an igb VF by xen-sriovd (domu-init sources this for
# xs_test=igb on the kernel command line): each time a VF appears, igbvf
# must bind it with the VIF's MAC (xs_mac=), and the guest sends ARP
# requests from the next address of xs_ips= (link-local, one per plug, so
# that the capture taken outside the VM tells the plugs apart), says
# "SENT <address>" and waits for the VF to be taken away.

mac='' ips=''
read -r cmdline </proc/cmdline
for w in $cmdline; do
    case $w in
    xs_mac=*) mac=${w#xs_mac=} ;;
    xs_ips=*) ips=$(echo "${w#xs_ips=}" | tr , ' ') ;;
    esac
done
load_module igbvf

# The interface igbvf made, if any.
vf_if() {
    for d in /sys/class/net/*; do
        [ "$(basename "$(readlink "$d/device/driver" 2>/dev/null)")" = \
          igbvf ] && { basename "$d"; return 0; }
    done
    return 1
}
has_mac() { [ "$(cat "/sys/class/net/$1/address")" = "$mac" ]; }
carrier() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]; }
send() {
    ip link set "$1" up && ip addr add "$2/16" dev "$1" &&
        wait_for 600 carrier "$1" || return 1
    # No one answers: arping's status is not the point, the frames are.
    arping -c 3 -w 4 -I "$1" -s "$2" 169.254.0.1 || :
}

k=0
for ip in $ips; do
    k=$((k + 1))
    if ! check "plug $k: igbvf binds the VF (an interface appears)" \
            wait_for 1200 vf_if; then
        tap_comment "  lspci -nk: $(lspci -nk | tr '\n' ';')"
        tap_comment "  dmesg: $(dmesg | grep -i -e igbvf -e pcifront |
            tail -n 8 | tr '\n' ';')"
        break
    fi
    ifc=$(vf_if)
    check "plug $k: $ifc has the VIF's MAC $mac" has_mac "$ifc" ||
        ip link show "$ifc" | while IFS= read -r l; do tap_comment "  $l"; done
    check "plug $k: $ifc up with carrier, ARP requests sent from $ip" \
        send "$ifc" "$ip" || dmesg | tail -n 8 | while IFS= read -r l; do
            tap_comment "  dmesg: $l"
        done
    tap_line "SENT $ip"
    # The VF leaves on unplug (or the domain is destroyed).
    gone() { [ ! -e "/sys/class/net/$ifc" ]; }
    while ! gone; do
        sleep 0.2
    done
done
