# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# A real SR-IOV NIC from the guest kernel: QEMU's igb (Intel 82576) with the
# kernel's igb driver, VFs driven by igbvf.  vm-host checks libsriov's
# discovery, VF lifecycle and binding on it, vm-vf-config every VF setting
# through the real driver (and its refusals), vm-plugin-settings the
# plugin's save and release; the last checks send frames out of a VF whose
# MAC and VLAN the PF set, which the host finds in the wire pcap.
D=/sys/bus/pci/devices
IP=/usr/sbin/ip

driver_of() {
    l=$(readlink "$D/$1/driver" 2>/dev/null) && basename "$l" || echo none
}

# The network interface of PCI function $1 (first in name order), or "".
netdev_of() {
    for n in "$D/$1/net"/*; do
        [ -e "$n" ] && { basename "$n"; return; }
    done
}

check "igb, igbvf, pci-stub and vfio-pci load (with dca, i2c-algo-bit)" \
    sh -c ". /xs/tests/tap.sh; load_module igb && load_module igbvf &&
           load_module pci-stub && load_module vfio-pci" || return 0
pf=
for d in "$D"/*; do
    [ "$(cat "$d/vendor" 2>/dev/null):$(cat "$d/device" 2>/dev/null)" = \
        0x8086:0x10c9 ] && { pf=$(basename "$d"); break; }
done
pf_ok() {
    if [ -z "$pf" ] || [ "$(driver_of "$pf")" != igb ] ||
       [ "$(cat "$D/$pf/sriov_totalvfs")" != 7 ]; then
        lspci -nnk
        cat "$D/$pf/sriov_totalvfs"
        return 1
    fi
}
check "the kernel sees the igb PF ${pf:-(none)} (8086:10c9) on igb, 7 VFs at most" \
    pf_ok || return 0
pf_if=$(netdev_of "$pf")
tap_comment "igb PF $pf, interface ${pf_if:-(none)}"
pf_up() {
    $IP link set "$pf_if" up || return 1
    i=0
    while [ "$(cat "/sys/class/net/$pf_if/operstate")" != up ] &&
          [ $i -lt 600 ]; do
        sleep 0.1; i=$((i + 1))
    done
    $IP link show "$pf_if"
    [ "$(cat "/sys/class/net/$pf_if/operstate")" = up ]
}
check "the PF's interface $pf_if comes up (link up)" pf_up

# libsriov: discovery (a network PF with its interface, 7 VFs of 8086:10ca,
# each on igbvf with an interface of its own), numvfs, enable/disable,
# binding, on the real driver.
VM_PF=$pf VM_PF_DRIVER=igb VM_PF_VENDOR=8086 VM_TOTALVFS=7 VM_VF_DEVICE=10ca \
    VM_PF_NET=$pf_if VM_VF_DRIVER=igbvf check_program vm-host vm-host

# Every VF setting through sriov_vf_config_apply() on 4 real VFs, compared
# with `ip -j link show`; igb's refusals (link state, a minimum rate, a
# maximum above the link speed, a multicast MAC) named and undone; the
# plugin's save and release on VF 2.
check "sriov-info set-numvfs $pf 4" sriov-info set-numvfs "$pf" 4 || return 0
VM_PF_IF=$pf_if check_program vm-vf-config vm-vf-config
VM_PF_IF=$pf_if check_program vm-plugin-settings vm-plugin-settings

# --- frames of a VF on the wire ---------------------------------------------
# The PF gives VF 0 a MAC and VLAN 100; igbvf, bound again to take the MAC,
# sends ARP requests from it; the host reads them in the igb's wire pcap
# (kernel-igb.vmtest's host checks): source MAC 02:11:22:33:44:55, VID 100.
WIRE_MAC=02:11:22:33:44:55
wire_setup() {
    echo 0 >"$D/$pf/sriov_numvfs" && echo 2 >"$D/$pf/sriov_numvfs" &&
        $IP link set "$pf_if" vf 0 mac "$WIRE_MAC" vlan 100 &&
        vf0=$(basename "$(readlink "$D/$pf/virtfn0")") &&
        echo "$vf0" >/sys/bus/pci/drivers/igbvf/unbind &&
        echo "$vf0" >/sys/bus/pci/drivers/igbvf/bind &&
        $IP link show "$pf_if"
}
check "VF 0 of $pf_if: mac $WIRE_MAC vlan 100 set by the PF, igbvf bound again" \
    wire_setup || return 0
vf0=$(basename "$(readlink "$D/$pf/virtfn0")")
wire_send() {
    i=0
    while [ -z "$(netdev_of "$vf0")" ] && [ $i -lt 600 ]; do
        sleep 0.1; i=$((i + 1))
    done
    n=$(netdev_of "$vf0")
    [ -n "$n" ] || { echo "no netdev under VF $vf0"; return 1; }
    $IP link show "$n"
    $IP link show "$n" | grep -q "link/ether $WIRE_MAC" || return 1
    $IP addr add 10.0.2.15/24 dev "$n" && $IP link set "$n" up || return 1
    # The VF's link follows the PF's; igbvf says when it is up.
    i=0
    while ! $IP link show "$n" | grep -q 'state UP' && [ $i -lt 600 ]; do
        sleep 0.1; i=$((i + 1))
    done
    $IP link show "$n" | grep -q 'state UP' ||
        { echo "the link of $n did not come up in 60 s"; return 1; }
    # Tagged, so QEMU's user network does not answer: the frames are what
    # counts, read on the host.
    arping -c 3 -w 5 -I "$n" 10.0.2.2
    :
}
check "igbvf's interface of VF 0 has $WIRE_MAC and sends ARP requests" \
    wire_send
echo 0 >"$D/$pf/sriov_numvfs"
