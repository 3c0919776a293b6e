#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make bench-pool: a pool of BENCH_POOL_HOSTS (16) simulated hosts with 4
# PFs each (x710-2pf + 82599-2pf, a network-sriov on every PF) on one
# etcd member on loopback.  Prints the latency of pool-wide xe lists (a
# whole xe process, median of 20), the etcd requests each makes (etcd's
# own counters), the time for a change on host 1 to be seen on the
# last host (its xen-sriovd mirrors it; median of 5), for a command on
# the last host's object asked on host 1 (forwarded; median of 10), and
# for a change on host 1 to come as an event to a client of the last
# host's XenAPI blocked in event.from (median of 5), and the requests two
# idle daemons send etcd.
set -eu
: "${top_builddir:?}" "${top_srcdir:?}"
command -v etcd >/dev/null 2>&1 || { echo "bench-pool: no etcd (apt-get install etcd-server)"; exit 0; }
b=$top_builddir
n_hosts=${BENCH_POOL_HOSTS:-16}
preload=$b/tests/helpers/.libs/kernel-sim.so
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pool-bench-XXXXXX")
. "$top_srcdir/tests/pool/pool-lib.sh"
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || :; done
    touch "$tmp/stop"; wait 2>/dev/null || :; rm -rf "$tmp"
}
trap cleanup EXIT
now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

set -- $(free_ports 2)
ep=http://127.0.0.1:$1
etcd --name b --data-dir "$tmp/etcd" --listen-client-urls "$ep" \
    --advertise-client-urls "$ep" --listen-peer-urls "http://127.0.0.1:$2" \
    --initial-advertise-peer-urls "http://127.0.0.1:$2" \
    --initial-cluster "b=http://127.0.0.1:$2" >"$tmp/etcd.log" 2>&1 &
pids="$pids $!"
i=0
until ETCDCTL_API=3 etcdctl --endpoints "$ep" --command-timeout=2s put /probe ok >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -le 600 ] || { echo "bench-pool: etcd did not start"; exit 1; }
    sleep 0.2
done

for h in $(seq "$n_hosts"); do
    "$b/tests/helpers/make-sim-host" x710-2pf 82599-2pf "$tmp/h$h"
    "$b/tests/helpers/xs-run" sh -c "echo \"\$XENSTORED_PATH\" >'$tmp/h$h.xs'; \
        while [ ! -e '$tmp/stop' ]; do sleep 0.5; done" &
    pids="$pids $!"
done
start=$(now_ms)
for h in $(seq "$n_hosts"); do
    while [ ! -s "$tmp/h$h.xs" ]; do sleep 0.1; done
    u=$(on "$h" host-list --minimal)
    on "$h" pif-scan host-uuid="$u"
    for pif in $(on "$h" pif-list --minimal | tr ',' ' '); do
        net=$(on "$h" network-create name-label="sriov-$pif")
        on "$h" network-sriov-create pif-uuid="$pif" network-uuid="$net" num-vfs=2 >/dev/null
    done
    on "$h" pool-join etcd-endpoints="$ep"
done
echo "bench-pool: $n_hosts hosts x 4 PFs joined in $(( ($(now_ms) - start) / 1000 )) s"

# etcd's count of range, txn and put requests.
requests() {
    curl -s "$ep/metrics" | awk '/^etcd_debugging_mvcc_(range|txn|put)_total /{s+=$2} END {print s+0}'
}
measure() {
    what=$1; shift
    for k in $(seq 20); do
        t=$(now_ms); on "$n_hosts" "$@" >/dev/null; echo $(($(now_ms) - t))
    done | median >"$tmp/ms"
    r0=$(requests); on "$n_hosts" "$@" >"$tmp/out"; r1=$(requests)
    case "$*" in
    *--minimal*) count=$(tr ',' '\n' <"$tmp/out" | grep -c . || :) ;;
    *) count=$(grep -c '^uuid' "$tmp/out" || :) ;;
    esac
    printf '  %-28s %5s ms (median of 20), %3s objects, %s etcd requests\n' \
        "$what" "$(cat "$tmp/ms")" "$count" "$((r1 - r0))"
}
echo "bench-pool: pool-wide lists on host $n_hosts (a whole xe process):"
measure "host-list --minimal" host-list --minimal
measure "pif-list --minimal" pif-list --minimal
measure "network-sriov-list --minimal" network-sriov-list --minimal
measure "pif-list (default columns)" pif-list

# A change on host 1, seen on the last host: its xen-sriovd mirrors it.
SRIOV_ROOT=$tmp/h1 XENSTORED_PATH=$(cat "$tmp/h1.xs") LD_PRELOAD=$preload \
    "$b/daemon/xen-sriovd" --foreground --dry-run --no-api >"$tmp/sriovd.log" 2>&1 &
pids="$pids $!"
until grep -qs "mirrored to etcd" "$tmp/sriovd.log"; do sleep 0.1; done
for k in $(seq 5); do
    t=$(now_ms)
    net=$(on 1 network-create name-label="bench$k")
    until on "$n_hosts" network-list --minimal | grep -q "$net"; do :; done
    echo $(($(now_ms) - t))
done | median >"$tmp/prop"
echo "bench-pool: a change on host 1 seen on host $n_hosts: $(cat "$tmp/prop") ms (median of 5; network-create, the daemon's mirror, a list on the other host)"

# A command on the last host's object asked on host 1: forwarded through
# etcd to the last host's xen-sriovd, which hears of it on its watch.
umask 077
printf 'pw\n' | "$b/api/xen-sriov-api" --hash-password | sed 's/^/u:/' >"$tmp/users"
umask 022
SRIOV_ROOT=$tmp/h$n_hosts XENSTORED_PATH=$(cat "$tmp/h$n_hosts.xs") LD_PRELOAD=$preload \
    "$b/daemon/xen-sriovd" --foreground --dry-run --users "$tmp/users" \
    --no-socket --listen 127.0.0.1:0 >"$tmp/sriovd-last.log" 2>&1 &
pids="$pids $!"
until grep -qs "watching forwarded calls" "$tmp/sriovd-last.log"; do sleep 0.1; done
# Its lease is taken after its watch: wait until host 1 sees it live.
ul=$(cat "$tmp/h$n_hosts/var/lib/xen-sriov/host-uuid")
until [ "$(on 1 host-param-get uuid="$ul" param-name=host-metrics-live)" = true ]; do sleep 0.1; done
# (a PIF: networks are pool-wide, each host holds a copy)
pifl=$(on "$n_hosts" pif-list host-uuid="$ul" --minimal | cut -d, -f1)
for k in $(seq 10); do
    t=$(now_ms)
    on 1 pif-param-set uuid="$pifl" other-config:bench="$k"
    echo $(($(now_ms) - t))
done | median >"$tmp/fwd"
echo "bench-pool: a command forwarded from host 1 to host $n_hosts: $(cat "$tmp/fwd") ms (median of 10; pif-param-set, a whole xe process)"

# Two idle daemons (hosts 1 and $n_hosts): the range, txn and put requests
# their rounds, eject marks and calls cost etcd (lease keepalives are
# not in these counters).
r0=$(requests); sleep 10; r1=$(requests)
echo "bench-pool: two idle daemons: $(( (r1 - r0) * 6 )) etcd range/txn/put requests a minute (over 10 s)"

# The same change on host 1 as an event on the last host's XenAPI: a
# client blocked in event.from hears of it (the etcd watch of its feed).
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/sriovd-last.log" | head -n 1)
export b tmp preload
python3 - "http://127.0.0.1:$port/" "$top_srcdir/tests/pool/pool-lib.sh" <<'PY' >"$tmp/ev"
import subprocess, sys, time, xmlrpc.client
s = xmlrpc.client.ServerProxy(sys.argv[1])
ses = s.session.login_with_password("u", "pw", "1.0", "bench")["Value"]
ev_from = getattr(s.event, "from")
token = ev_from(ses, ["network"], "", 0.0)["Value"]["token"]
for k in range(5):
    name = "bench-ev%d" % k
    t = time.monotonic()
    subprocess.run(["sh", "-c", '. "$1"; on 1 network-create name-label="$2" >/dev/null',
                    "sh", sys.argv[2], name], check=True)
    seen = False
    while not seen:
        v = ev_from(ses, ["network"], token, 60.0)["Value"]
        token = v["token"]
        seen = any(e["operation"] == "add" and
                   e.get("snapshot", {}).get("name_label") == name
                   for e in v["events"])
    print(int((time.monotonic() - t) * 1000))
PY
echo "bench-pool: a change on host 1 as an event on host $n_hosts's XenAPI: $(median <"$tmp/ev") ms (median of 5; network-create, the mirror, etcd's watch, event.from)"
