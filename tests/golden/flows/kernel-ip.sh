# SPDX-License-Identifier: LGPL-2.1-or-later
# A PIF's IP configuration read from the real kernel (rtnetlink) in a
# network namespace whose interfaces carry the simulated NICs' names, MACs
# and ifindexes: records.ml pif_record's IP rows, read at each command.
# host: plain-nic x710-2pf
# needs: netns
netns_up
note "eno1: a veth with eno1's MAC; enp59s0f1: a port of the bridge lanbr"
mac() { cat "$SRIOV_ROOT/sys/class/net/$1/address"; }
ns ip link add eno1 address "$(mac eno1)" type veth peer name peer0
ns ip link add enp59s0f1 address "$(mac enp59s0f1)" type veth peer name peer1
ns ip link add lanbr address 02:00:00:00:0b:01 type bridge
ns ip link set enp59s0f1 master lanbr
for i in eno1 peer0 enp59s0f1 peer1 lanbr; do ns ip link set "$i" up; done
note "sysfs of the simulated host shows them as the kernel numbers them"
port=$(readlink -f "$SRIOV_ROOT/sys/class/net/enp59s0f1")
mkdir "$port/brport" && ln -s ../../../../../../virtual/net/lanbr "$port/brport/bridge"
mkdir -p "$SRIOV_ROOT/sys/devices/virtual/net/lanbr"
ln -s ../../devices/virtual/net/lanbr "$SRIOV_ROOT/sys/class/net/lanbr"
echo 02:00:00:00:0b:01 >"$SRIOV_ROOT/sys/devices/virtual/net/lanbr/address"
for i in eno1 enp59s0f1 lanbr; do
    ns ip -o link show "$i" | sed 's/:.*//' >"$SRIOV_ROOT/sys/class/net/$i/ifindex"
done
printf 'search example.org\nnameserver 192.0.2.53\nnameserver 2001:db8::53\n' >"$SRIOV_ROOT/etc/resolv.conf"
xe_in_netns
xe host-list --minimal
host=$OUT
xe pif-scan host-uuid="$host"
xe pif-list device=eno1 --minimal
eno=$OUT
xe pif-list device=enp59s0f1 --minimal
port=$OUT

note "records.ml:585-612 (IP-configuration-mode .. DNS), 562 (management):"
note "no address, no route: XAPI's defaults (datamodel.ml:2702-2726), None"
xe pif-list params=device,management,IP-configuration-mode,IP,IPv6-configuration-mode

note "eno1: a permanent address (Static), the default routes; lanbr: an address with a lifetime (DHCP)"
ns ip addr add 192.0.2.10/24 dev eno1
ns ip -6 addr add 2001:db8::10/64 dev eno1 nodad
ns ip route add default via 192.0.2.1 dev eno1
ns ip -6 route add default via 2001:db8::1 dev eno1
ns ip addr add 198.51.100.7/25 dev lanbr valid_lft 3600 preferred_lft 3600
xe pif-param-list uuid="$eno"
xe pif-param-get uuid="$eno" param-name=IPv6
xe pif-param-get uuid="$eno" param-name=DNS
xe pif-param-get uuid="$port" param-name=IP-configuration-mode
xe pif-list params=device,management,IP-configuration-mode,IP,netmask,gateway,DNS
xe pif-list management=true --minimal

note "read at each command: the route moves to lanbr, eno1 loses its address"
ns ip route del default
ns ip -6 route del default
ns ip route add default via 198.51.100.1 dev lanbr
ns ip addr flush dev eno1
xe pif-list params=device,management,IP-configuration-mode,IP,netmask,gateway,DNS,IPv6
xe pif-param-set uuid="$eno" IP=192.0.2.99
