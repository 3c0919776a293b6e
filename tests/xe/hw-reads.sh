#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# One hardware scan per operation: xe network-sriov-create opens its PF's
# sriov_totalvfs at most twice (the scan in its transaction, and the
# kernel's own check of the write, which kernel-sim.so makes in-process),
# and network-sriov-destroy as often.  Counted with strace(1) on a
# simulated host, against a private xenstored; skipped where strace is
# missing or may not trace.
set -u
: "${top_builddir:?}"
if ! command -v strace >/dev/null 2>&1; then
    echo "SKIP: strace(1) is missing (tools/install-deps installs it)"
    exit 77
fi
if [ "$(id -u)" -ne 0 ]; then
    if unshare --map-root-user true 2>/dev/null; then
        exec unshare --map-root-user "$0" "$@"
    fi
    echo "SKIP: xe changes state only as root, and no user namespace"
    exit 77
fi
if [ -z "${XS_RUN_DIR:-}" ]; then
    exec "$top_builddir/tests/helpers/xs-run" "$0" "$@"
fi
if ! strace -o /dev/null true 2>/dev/null; then
    echo "SKIP: strace cannot trace here (ptrace not allowed)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top_builddir/tests/helpers/make-sim-host" x710-2pf e810-2pf plain-nic \
    "$tmp/host" >"$tmp/sim.log" 2>&1 || {
    echo "FAIL: make-sim-host: $(cat "$tmp/sim.log")"; exit 1; }
export SRIOV_ROOT=$tmp/host
export LD_PRELOAD=$top_builddir/tests/helpers/.libs/kernel-sim.so
# LeakSanitizer cannot stop the threads of a process strace traces.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
xe() { "$top_builddir/xe/xe" "$@"; }

# Opens of any sriov_totalvfs while xe runs ARGS (one PF is involved).
totalvfs_opens() {
    strace -f -qq -o "$tmp/trace" -e trace=open,openat \
        "$top_builddir/xe/xe" "$@" >"$tmp/out" 2>"$tmp/err" || {
        fail "xe $*: $(cat "$tmp/err")"; echo 0; return; }
    grep -c 'sriov_totalvfs"' "$tmp/trace"
}

host=$(xe host-list --minimal)
xe pif-scan host-uuid="$host" || fail "pif-scan"
pif=$(xe pif-list device=enp59s0f1 --minimal)
net=$(xe network-create name-label=sriov-net)
pcis() { xe pci-list --minimal | tr ',' '\n' | grep -c .; }
before=$(pcis)
n=$(totalvfs_opens network-sriov-create pif-uuid="$pif" network-uuid="$net" \
    num-vfs=4)
sriov=$(cat "$tmp/out")
echo "network-sriov-create: sriov_totalvfs opened $n times"
[ "$n" -ge 1 ] || fail "network-sriov-create never read sriov_totalvfs:" \
    "the count sees nothing"
[ "$n" -le 2 ] || fail "network-sriov-create opened sriov_totalvfs $n" \
    "times (at most 2: one scan per operation)"
[ "$(pcis)" -eq $((before + 4)) ] ||
    fail "the 4 VFs' PCI records are not there after the create"
n=$(totalvfs_opens network-sriov-destroy uuid="$sriov")
echo "network-sriov-destroy: sriov_totalvfs opened $n times"
[ "$n" -le 2 ] || fail "network-sriov-destroy opened sriov_totalvfs $n" \
    "times (at most 2)"
[ "$(cat "$tmp/host/sys/bus/pci/devices/0000:3b:00.1/sriov_numvfs")" = 0 ] ||
    fail "the destroy left VFs enabled"
[ "$failed" -eq 0 ] && echo "PASS: one hardware scan per operation"
[ "$failed" -eq 0 ]
