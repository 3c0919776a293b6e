# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Host-side checks of the frames a VM's igb sent (sourced by the igb
# *.vmtest in their run-vm.sh --host-check mode): VM_WIRE_PCAP, the
# capture QEMU wrote, read with tests/vm/wire-frames.  Prints TAP lines
# without numbers; run-vm.sh numbers them in after the VM's.

: "${top_builddir:?run me through make check-vm}"
: "${VM_WIRE_PCAP:?run me through run-vm.sh --wire-pcap --host-check}"
wire_frames=$(mktemp "${TMPDIR:-/tmp}/xen-sriov-wire.XXXXXX")
trap 'rm -f "$wire_frames"' EXIT
if ! "$top_builddir/tests/vm/wire-frames" "$VM_WIRE_PCAP" \
        >"$wire_frames" 2>&1; then
    echo "not ok - wire: the igb's capture $VM_WIRE_PCAP is read"
    sed 's/^/#   /' "$wire_frames"
    exit 0
fi
echo "# wire: $(grep -c '^src' "$wire_frames") frames in $VM_WIRE_PCAP"

# wire_expect IP MAC VLAN: the frames the guest sent from IP (ARP sender
# or IPv4 source) left the NIC: at least one, every one from MAC and
# tagged with VID VLAN.  On failure, the capture's frames by kind.
wire_expect() {
    what="on the wire: frames from $1 left the igb from $2, VLAN $3"
    all=$(grep -c " ip $1\$" "$wire_frames")
    good=$(grep -c "^src $2 .* vlan $3 .* ip $1\$" "$wire_frames")
    if [ "$all" -gt 0 ] && [ "$all" = "$good" ]; then
        echo "ok - $what ($all frames)"
        return
    fi
    echo "not ok - $what"
    echo "#   $all frames from $1, $good from $2 with VLAN $3; the" \
        "capture by kind (count, frame without its length):"
    sed 's/ len [0-9]*//' "$wire_frames" | sort | uniq -c | sort -rn |
        head -n 20 | sed 's/^/#   /'
}
