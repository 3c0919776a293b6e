#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make-sim-host: every fixture builds into a tree lspci reads as the
# kernel's, and a broken manifest is refused with file:line.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
mksim="$top_builddir/tests/helpers/make-sim-host"
tmp=$(mktemp -d -t make-sim-host-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

for m in "$top_srcdir"/tests/fixtures/sysfs/*.tree; do
    name=$(basename "$m" .tree)
    "$mksim" "$m" "$tmp/$name" || { fail "$name does not build"; continue; }
    devices=$(find "$tmp/$name/sys/bus/pci/devices" -mindepth 1 | wc -l)
    [ "$devices" -gt 0 ] || fail "$name has no devices"
    # every bus link resolves to a device directory with a config space
    for d in "$tmp/$name"/sys/bus/pci/devices/*; do
        [ -s "$d/config" ] || fail "$name: $(basename "$d") has no config"
    done
    if command -v lspci >/dev/null; then
        n=$(lspci -D -A linux-sysfs \
            -O "sysfs.path=$tmp/$name/sys/bus/pci" | wc -l)
        [ "$n" -eq "$devices" ] ||
            fail "$name: lspci lists $n of $devices"
    fi
done
if command -v lspci >/dev/null; then
    lspci -A linux-sysfs -O "sysfs.path=$tmp/x710-2pf/sys/bus/pci" -vv \
        -s 3b:00.0 >"$tmp/lspci" 2>&1
    grep -q 'Number of VFs: 4' "$tmp/lspci" ||
        fail "lspci sees no SR-IOV capability"
    grep -q 'Kernel driver in use: i40e' "$tmp/lspci" ||
        fail "lspci sees no driver"
fi

printf 'driver x\ndevice 0000:00:01.0 vendor=0x1\n' >"$tmp/bad.tree"
if "$mksim" "$tmp/bad.tree" "$tmp/bad" 2>"$tmp/err"; then
    fail "a bad manifest was accepted"
fi
grep -q "bad.tree:2: device 0000:00:01.0 needs vendor=, device=, class=" \
    "$tmp/err" || fail "unclear error: $(cat "$tmp/err")"
"$mksim" --generate 2x8 "$tmp/gen" || fail "--generate"
[ "$(find "$tmp/gen/sys/bus/pci/devices" -mindepth 1 | wc -l)" -eq 20 ] ||
    fail "2x8 is not 20 functions"

[ "$fails" -eq 0 ] || exit 1
echo "PASS: make-sim-host"
