#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck disable=SC2016 # the scripts xs-run runs expand their own
# xen-sriov-restore as a program: its report, summary and exit statuses,
# across a simulated reboot (a private xenstored per boot, xs-run; the
# sysfs tree rebuilt as after boot, kernel-sim.so preloaded).
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
# Restoring changes the host and needs uid 0: a user namespace gives it.
if [ "$(id -u)" -ne 0 ]; then
    if unshare --map-root-user true 2>/dev/null; then
        exec unshare --map-root-user "$0" "$@"
    fi
    echo "SKIP: xen-sriov-restore changes state only as root, and no user namespace"
    exit 77
fi
tool=$top_builddir/boot/xen-sriov-restore
xe=$top_builddir/xe/xe
sim=$top_builddir/tests/helpers/make-sim-host
xs_run=$top_builddir/tests/helpers/xs-run
preload=$top_builddir/tests/helpers/.libs/kernel-sim.so
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export SRIOV_ROOT="$root" tool xe
case ${ASAN_OPTIONS:-} in
    "") export ASAN_OPTIONS=verify_asan_link_order=0 ;;
    *) export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0" ;;
esac

boot() { # the hardware as found at boot
    rm -rf "$root/sys" "$root/.kernel-sim"
    "$sim" --fixtures "$top_srcdir/tests/fixtures/sysfs" x710-2pf "$root" ||
        fail "make-sim-host"
}
numvfs() { cat "$root/sys/bus/pci/devices/$1/sriov_numvfs"; }

# The unit and the init script: ordered after xenstored, before domains.
unit=$top_builddir/boot/xen-sriov-restore.service
for l in "Type=oneshot" "RemainAfterExit=yes" \
         "After=xenstored.service xen-init-dom0.service xen.service" \
         "Before=xendomains.service xen-sriovd.service"; do
    grep -qx "$l" "$unit" || fail "$unit has no '$l'"
done
grep -q "^ExecStart=/.*/xen-sriov-restore$" "$unit" || fail "ExecStart"
grep -q "^After=.*xen-sriov-restore.service" \
    "$top_builddir/boot/xen-sriovd.service" || fail "xen-sriovd not after it"
init=$top_builddir/boot/init.d/xen-sriov-restore
grep -q "^# X-Start-Before: *xendomains xen-sriovd$" "$init" || fail "init"
grep -q "^# Should-Start: .*xenstored xencommons xen$" "$init" || fail "init"
grep -q "^# Required-Start: " "$init" || fail "init"
sh -n "$init" || fail "init script syntax"
[ -x "$init" ] || fail "init script not executable"

if command -v groff >/dev/null 2>&1; then
    w=$(groff -man -ww -z "$top_srcdir/man/xen-sriov-restore.8" 2>&1)
    [ -z "$w" ] || fail "groff warns about the man page: $w"
fi

# Usage, and refusals before anything is touched.
"$tool" --help | grep -q "^Usage: xen-sriov-restore" || fail "--help"
st=0; out=$("$tool" --frobnicate 2>&1) || st=$?
[ $st -eq 64 ] || fail "a bad option gave $st"
case $out in *"unknown argument '--frobnicate'"*Usage*) ;; *) fail "unclear: $out" ;; esac
st=0; out=$(XENSTORED_PATH="$root/no-socket" "$tool" 2>&1) || st=$?
[ $st -eq 2 ] || fail "no xenstored gave $st"
case $out in *"cannot connect to xenstored at '$root/no-socket'"*"start xenstored"*) ;;
    *) fail "unclear: $out" ;; esac

# Boot 1: an SR-IOV network with 4 VFs and a VIF of a VM (its xl config).
boot
mkdir -p "$root/etc/xen"
printf 'name = "vm1"\nuuid = "7d3c6a51-8a38-4bb1-9cf1-3a6b4e0a0c01"\n' \
    >"$root/etc/xen/vm1.cfg"
export LD_PRELOAD="$preload"
"$xs_run" sh -eu -c '
    h=$("$xe" host-list --minimal)
    "$xe" pif-scan host-uuid="$h"
    net=$("$xe" network-create name-label=sriov)
    pif=$("$xe" pif-list device=enp59s0f1 physical=true --minimal)
    "$xe" network-sriov-create network-uuid="$net" pif-uuid="$pif" num-vfs=4 >/dev/null
    "$xe" vif-create vm-uuid=7d3c6a51-8a38-4bb1-9cf1-3a6b4e0a0c01 network-uuid="$net" device=0 >/dev/null
    "$xe" network-sriov-list params=uuid,configuration-mode,requires-reboot >"$SRIOV_ROOT/before.txt"
' || fail "boot 1"
[ "$(numvfs 0000:3b:00.1)" = 4 ] || fail "no VFs in boot 1"

# Boot 2: restored; run again: nothing to do.
boot
[ "$(numvfs 0000:3b:00.1)" = 0 ] || fail "VFs survived the reboot"
"$xs_run" sh -eu -c '
    fail() { echo "FAIL: $*"; exit 1; }
    st=0; out=$("$tool" --dry-run) || st=$?
    [ $st -eq 0 ] || fail "dry run on an empty xenstore gave $st: $out"
    case $out in *"store: would load 20 objects from"*) ;; *) fail "dry run: $out" ;; esac
    ! xenstore-read /tool/xen-sriov >/dev/null 2>&1 || fail "the dry run wrote"
    out=$("$tool") || fail "restore gave $?: $out"
    printf "%s\n" "$out" | grep -q "^store: 20 objects loaded from" || fail "load: $out"
    printf "%s\n" "$out" | grep -q "(enp59s0f1, 0000:3b:00.1): 4 VFs enabled (sysfs)$" || fail "VFs: $out"
    printf "%s\n" "$out" | tail -n 1 | grep -Eq "^restore: 1 network, 4 VFs in [0-9.]+ ms \(sysfs writes [0-9.]+ ms, store load [0-9.]+ ms, own work [0-9.]+ ms\); [1-9][0-9]* sysfs writes, [0-9]+ store changes; all restored$" || fail "summary: $out"
    "$xe" network-sriov-list params=uuid,configuration-mode,requires-reboot >"$SRIOV_ROOT/after.txt"
    out=$("$tool") || fail "second run gave $?: $out"
    printf "%s\n" "$out" | grep -q "xenstore already holds the store: kept" || fail "kept: $out"
    printf "%s\n" "$out" | tail -n 1 | grep -q "; 0 sysfs writes, 0 store changes; all restored$" || fail "second run: $out"
    out=$("$tool" --dry-run --verbose) || fail "dry run gave $?"
    printf "%s\n" "$out" | grep -q "4 VFs already enabled (sysfs)" || fail "verbose: $out"
' || fail "boot 2"
[ "$(numvfs 0000:3b:00.1)" = 4 ] || fail "VFs not restored"
cmp "$root/before.txt" "$root/after.txt" || fail "network-sriov differs"

# Boot 3: the NIC can have 2 VFs only: restored as far as it can, exit 1.
rm -rf "$root/sys" "$root/.kernel-sim"
sed 's/totalvfs=64 offset=79/totalvfs=2 offset=79/' \
    "$top_srcdir/tests/fixtures/sysfs/x710-2pf.tree" >"$root/fewer.tree"
"$sim" "$root/fewer.tree" "$root" || fail "make-sim-host fewer"
"$xs_run" sh -eu -c '
    fail() { echo "FAIL: $*"; exit 1; }
    st=0; out=$("$tool") || st=$?
    [ $st -eq 1 ] || fail "fewer VFs gave $st: $out"
    printf "%s\n" "$out" | grep -q "^not restored: network-sriov .*4 VFs recorded but the NIC can have only 2 now" || fail "fewer: $out"
    printf "%s\n" "$out" | tail -n 1 | grep -q "; 1 not restored (see above)$" || fail "summary: $out"
' || fail "boot 3"
[ "$(numvfs 0000:3b:00.1)" = 2 ] || fail "not 2 VFs"

# A corrupt snapshot: exit 2, xenstore untouched.
boot
printf '<?xml version="1.0"?><nope' >"$root/var/lib/xen-sriov/store.xml"
: >"$root/var/lib/xen-sriov/store.xml.log"
"$xs_run" sh -eu -c '
    fail() { echo "FAIL: $*"; exit 1; }
    st=0; out=$("$tool" 2>&1) || st=$?
    [ $st -eq 2 ] || fail "corrupt snapshot gave $st: $out"
    case $out in *"xenstore was left untouched"*) ;; *) fail "unclear: $out" ;; esac
    ! xenstore-read /tool/xen-sriov >/dev/null 2>&1 || fail "xenstore touched"
' || fail "corrupt"
[ "$(numvfs 0000:3b:00.1)" = 0 ] || fail "VFs made from a corrupt snapshot"
echo "PASS: xen-sriov-restore"
