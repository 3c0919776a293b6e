#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# sriov-info as a user runs it: output, exit status, one-line errors, and
# VF changes through kernel-sim.so.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
info="$top_builddir/sriov-info/sriov-info"
mksim="$top_builddir/tests/helpers/make-sim-host"
sim="$top_builddir/tests/helpers/.libs/kernel-sim.so"
tmp=$(mktemp -d -t sriov-info-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect STATUS CMD...: run CMD, keep stdout/stderr, check the status
expect() {
    want=$1; shift
    set +e
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    set -e
    [ "$got" -eq "$want" ] ||
        fail "'$*' exited $got, not $want: $(cat "$tmp/err")"
}
# one line on stderr, containing $1
one_line_error() {
    [ "$(wc -l <"$tmp/err")" -eq 1 ] ||
        fail "error is not one line: $(cat "$tmp/err")"
    grep -q -- "$1" "$tmp/err" ||
        fail "error lacks '$1': $(cat "$tmp/err")"
}
has() { grep -q -- "$1" "$tmp/out" || fail "output lacks '$1'"; }

"$mksim" --fixtures "$top_srcdir/tests/fixtures/sysfs" \
    x710-2pf plain-nic nvme-sriov connectx3-mlx4 "$tmp/host"
export SRIOV_ROOT="$tmp/host"

# the listing
expect 0 "$info"
has '^0000:3b:00.0 class 0200 \[8086:1572\]'
has 'SR-IOV: 4 of 64 VFs, offset 16, stride 1'
has '3    0000:3b:02.3  pciback'
has 'in use: bound to pciback'
has '0000:01:00.0 class 0108 \[1b36:0010\] (not a network device)'
has '^4 SR-IOV PFs (3 network, 1 other), 8 of 146 VFs enabled, 1 in use$'
grep -q '00:1f.6' "$tmp/out" && fail "a plain NIC listed without --all"
expect 0 "$info" --all
has '^0000:00:1f.6 class 0200'
has 'plain NIC'
expect 0 "$info" enp59s0f1
has '^0000:3b:00.1 '
[ "$(grep -c '^0000:' "$tmp/out")" -eq 1 ] ||
    fail "ifname shows more than its PF"
if [ -r /usr/share/misc/pci.ids ] || [ -r /usr/share/hwdata/pci.ids ]; then
    expect 0 "$info" --names 3b:00.0
    has 'Ethernet controller: Intel Corporation Ethernet Controller X710'
fi
expect 0 "$info" --json
if command -v python3 >/dev/null; then
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
pf = [p for p in d["pfs"] if p["bdf"] == "0000:3b:00.0"][0]
assert pf["numvfs"] == 4 and pf["vfs"][3]["driver"] == "pciback", pf
assert pf["netdevs"][0]["name"] == "enp59s0f0"
assert pf["vfs"][0]["iommu_group"]["members"] == ["0000:3b:02.0"]
' "$tmp/out" || fail "JSON output"
fi

# bad input: one line, non-zero
SRIOV_ROOT="$tmp/nothing-here" expect 1 "$info"
one_line_error "SRIOV_ROOT"
expect 1 "$info" 0000:77:00.0
one_line_error "no PCI device 0000:77:00.0"
expect 1 "$info" 0000:00:00.0
one_line_error "neither SR-IOV capable nor a network device"
expect 1 "$info" eth9
one_line_error "'eth9' is not a command, a PCI address or the interface"
expect 1 "$info" set-numvfs 0000:3b:00.1 65
one_line_error "at most 64"
expect 1 "$info" set-numvfs 0000:00:1f.6 1
one_line_error "not SR-IOV capable"
expect 1 "$info" set-numvfs 0000:3b:00.0 2
one_line_error "0000:3b:02.3 (virtfn3) is in use"
expect 2 "$info" set-numvfs 0000:3b:00.1 lots
one_line_error "not a VF count"
expect 1 "$info" frobnicate
one_line_error "see sriov-info --help"
expect 2 "$info" --mode=turbo enable 0000:3b:00.1
one_line_error "unknown mode"

# changes, with the kernel simulated
export LD_PRELOAD="$sim"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
expect 0 "$info" set-numvfs 0000:3b:00.1 3
has '0000:3b:00.1: 3 VFs enabled'
expect 0 "$info" 0000:3b:00.1
has 'SR-IOV: 3 of 64 VFs'
has '2    0000:3b:0a.2  iavf       enp59s0f1v2'
expect 0 "$info" -f set-numvfs 0000:3b:00.0 0
expect 0 "$info" mode 0000:81:00.0
has '^modprobe$'
expect 0 "$info" enable 0000:81:00.0 8
has 'mode modprobe, requires a reboot'
grep -q '^options mlx4_core num_vfs=8$' \
    "$tmp/host/etc/modprobe.d/mlx4_core-sriov.conf" ||
    fail "modprobe.d not written"
expect 0 "$info" bind 0000:01:00.0 pciback
has 'pciback (was nvme)'
expect 0 "$info" unbind 0000:01:00.0
has 'unbound (was pciback)'
SIM_FAIL="0000:3b:00.1/sriov_numvfs:EIO" \
    expect 1 "$info" set-numvfs 0000:3b:00.1 1
one_line_error "kernel log"

[ "$fails" -eq 0 ] || exit 1
echo "PASS: sriov-info"
