#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The XenAPI load test against the store-backed endpoint: the real
# xen-sriovd --dry-run on a private, real xenstored (tests/helpers/xs-run)
# and a simulated host (x710-2pf + plain-nic, scanned, one SR-IOV network
# made with xe), then bench/xapi-load --store on its socket.
# Usage: xapi-load-store.sh CLIENTS SECONDS (from `make bench-xapi-store`).
set -eu
: "${top_builddir:?}"
clients=${1:-50}
seconds=${2:-60}
if [ "$(id -u)" -ne 0 ]; then
    exec unshare --map-root-user "$0" "$@"
fi
if [ -z "${XS_RUN_DIR:-}" ]; then
    exec "$top_builddir/tests/helpers/xs-run" "$0" "$@"
fi
xe=$top_builddir/xe/xe
preload=$top_builddir/tests/helpers/.libs/kernel-sim.so
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xapi-load-store-XXXXXX")
pid=
cleanup() {
    [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || :
    rm -rf "$tmp"
}
trap cleanup EXIT
"$top_builddir/tests/helpers/make-sim-host" x710-2pf plain-nic "$tmp/host" \
    >/dev/null
export SRIOV_ROOT="$tmp/host"
host=$(LD_PRELOAD=$preload "$xe" host-list --minimal)
LD_PRELOAD=$preload "$xe" pif-scan host-uuid="$host"
net=$("$xe" network-create name-label=bench)
pif=$("$xe" pif-list device=enp59s0f1 --minimal)
LD_PRELOAD=$preload "$xe" network-sriov-create pif-uuid="$pif" \
    network-uuid="$net" >/dev/null
umask 077
printf 'bench-pw\n' | "$top_builddir/api/xen-sriov-api" \
    --hash-password | sed 's/^/bench:/' >"$tmp/users"
: >"$tmp/log"
LD_PRELOAD=$preload "$top_builddir/daemon/xen-sriovd" --foreground \
    --dry-run --users "$tmp/users" --pidfile "$tmp/pid" 2>"$tmp/log" &
pid=$!
sock=$SRIOV_ROOT/var/run/xen-sriov/xapi.sock
i=0
until grep -q "listening on $sock" "$tmp/log"; do
    i=$((i + 1))
    [ $i -le 150 ] || { cat "$tmp/log"; exit 1; }
    sleep 0.1
done
"$top_builddir/bench/xapi-load" --socket "$sock" --user bench \
    --password bench-pw --store --clients "$clients" --seconds "$seconds"
