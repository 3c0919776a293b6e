# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Host-side checks of what left a VM's igb NIC (sourced by the igb
# *.vmtest): run the VM, then read the capture QEMU wrote of the NIC's
# frames (tests/vm/<name>[.bootN].pcap) and check source MAC and 802.1Q tag
# of the frames each guest address sent.  The VM's checks and these are one
# TAP stream.
#
#   wire_run RUN-VM-ARGS...       the VM (its TAP, without the plan)
#   wire_expect PCAP IP MAC VLAN  frames from IP: some, all from MAC, tag VLAN
#   wire_end                      the plan; exit status

: "${top_srcdir:?run me through make check-vm}"
top_builddir=${top_builddir:-$(pwd)}
wire_tmp=$(mktemp "${TMPDIR:-/tmp}/xen-sriov-wire.XXXXXX")
trap 'rm -f "$wire_tmp" "$wire_tmp".*' EXIT
wire_n=0 wire_failed=0

wire_run() {
    wire_status=0
    "$top_srcdir/tests/vm/run-vm.sh" "$@" >"$wire_tmp" || wire_status=$?
    if [ "$wire_status" = 77 ]; then
        cat "$wire_tmp"
        exit 77
    fi
    grep -v '^1\.\.[0-9]*$' "$wire_tmp"
    wire_n=$(grep -cE '^(not )?ok ' "$wire_tmp")
}

wire_result() {
    wire_n=$((wire_n + 1))
    if [ "$1" = ok ]; then
        echo "ok $wire_n - $2"
    else
        wire_failed=1
        echo "not ok $wire_n - $2"
    fi
}

# wire_expect PCAP IP MAC VLAN: the frames the guest sent from IP (ARP
# sender or IPv4 source) left the NIC: at least one, every one with source
# MAC and an 802.1Q tag of VID VLAN.  On failure, what the capture holds.
wire_expect() {
    pcap=$top_builddir/tests/vm/$1 ip=$2 mac=$3 vlan=$4
    what="wire ($1): frames from $ip left the igb with source $mac, VLAN $vlan"
    if ! "$top_builddir/tests/vm/vm-pcap" "$pcap" >"$wire_tmp.frames" \
            2>"$wire_tmp.err"; then
        wire_result "not ok" "$what"
        echo "# $(cat "$wire_tmp.err")"
        return
    fi
    all=$(grep -c " ip=$ip\$" "$wire_tmp.frames")
    good=$(grep -c "^src=$mac vlan=$vlan .* ip=$ip\$" "$wire_tmp.frames")
    if [ "$all" -gt 0 ] && [ "$all" = "$good" ]; then
        wire_result ok "$what ($all frames)"
        return
    fi
    wire_result "not ok" "$what"
    echo "# $all frames from $ip, $good of them with $mac and VLAN $vlan;" \
        "the capture holds ($(wc -l <"$wire_tmp.frames") frames, by kind):"
    sort "$wire_tmp.frames" | uniq -c | sort -rn | head -n 20 |
        sed 's/^/#   /'
}

wire_end() {
    echo "1..$wire_n"
    [ "$wire_status" = 0 ] && [ "$wire_failed" = 0 ]
}
