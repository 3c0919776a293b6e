#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make check-pool: a real 3-member etcd cluster on loopback (free ports,
# data in a temp dir) and three simulated hosts, each with its own
# SRIOV_ROOT, private xenstored (xs-run) and xen-sriovd --dry-run.  Checks
# pool-join, the pool-wide lists, a change on one host seen on another, a
# killed etcd member (commands still work), a killed host daemon (not live
# once its lease ends), etcd out of quorum (local lists still work,
# pool-wide changes refused) and restarted (the pool converges), and
# a command on another host's object forwarded to its xen-sriovd
# (HOST_OFFLINE when it is not live), the same for XenAPI calls on host
# 1's endpoint (Async ones too), another host's VMs in vm-list and
# VM.get_all_records (resident_on), VIF.plug/unplug of its running VM's
# VIF over host 1's XenAPI, another host's remaining capacity as it
# mirrored it, values over etcd's request limit (refused with what to do,
# or split), and pool-eject of another host (its daemon leaves).  A XenAPI
# client on host 1 looping on event.from hears of other hosts' changes,
# across a killed member and etcd restarted while it waits; Xen
# Orchestra's xen-api (npm) on host 1 sees every host and another host's
# change.
set -eu
: "${top_builddir:?}" "${top_srcdir:?}"
command -v etcd >/dev/null 2>&1 || { echo "SKIP: no etcd (apt-get install etcd-server)"; exit 77; }
b=$top_builddir
xe=$b/xe/xe
sriovd=$b/daemon/xen-sriovd
preload=$b/tests/helpers/.libs/kernel-sim.so
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pool-XXXXXX")
. "$top_srcdir/tests/pool/pool-lib.sh"
etcd_pids="" host_pids="" daemon_pids="" ev_pids=""
cleanup() {
    for p in $ev_pids $daemon_pids $host_pids $etcd_pids; do kill "$p" 2>/dev/null || :; done
    touch "$tmp/stop"
    wait 2>/dev/null || :
    [ -n "${POOL_TEST_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$tmp"/h*/sriovd.log; do echo "== $f"; tail -5 "$f"; done; exit 1; }

# Up to 120 s (a busy machine); a wait past 10 s is printed.
wait_until() {
    what=$1; shift
    i=0
    until "$@" >/dev/null 2>&1; do
        i=$((i + 1)); [ $i -le 600 ] || fail "timed out waiting for $what"
        sleep 0.2
    done
    [ $i -le 50 ] || echo "# slow: $((i / 5)) s for $what"
}

# ---- etcd: three members, free ports ----
ports=$(free_ports 6)
set -- $ports
c1=$1 c2=$2 c3=$3 p1=$4 p2=$5 p3=$6
cluster="m1=http://127.0.0.1:$p1,m2=http://127.0.0.1:$p2,m3=http://127.0.0.1:$p3"
endpoints="http://127.0.0.1:$c1,http://127.0.0.1:$c2,http://127.0.0.1:$c3"
start_member() {
    n=$1 c=$2 p=$3 state=$4
    etcd --name "m$n" --data-dir "$tmp/etcd$n" \
        --listen-client-urls "http://127.0.0.1:$c" \
        --advertise-client-urls "http://127.0.0.1:$c" \
        --listen-peer-urls "http://127.0.0.1:$p" \
        --initial-advertise-peer-urls "http://127.0.0.1:$p" \
        --initial-cluster "$cluster" --initial-cluster-state "$state" \
        --initial-cluster-token "xen-sriov-pool-test-$$" \
        --max-request-bytes 262144 \
        >>"$tmp/etcd$n.log" 2>&1 &
    eval "e$n=\$!"
}
start_all() {
    start_member 1 "$c1" "$p1" "$1"; start_member 2 "$c2" "$p2" "$1"
    start_member 3 "$c3" "$p3" "$1"
    etcd_pids="$e1 $e2 $e3"
    wait_until "etcd quorum" env ETCDCTL_API=3 etcdctl --endpoints "$endpoints" \
        --command-timeout=2s put /probe ok
}
start_all new

# ---- three simulated hosts ----
i=0
for fixture in x710-2pf 82599-2pf connectx5-2pf; do
    i=$((i + 1)); h=$tmp/h$i
    "$b/tests/helpers/make-sim-host" "$fixture" "$h"
    "$b/tests/helpers/xs-run" sh -c "echo \"\$XENSTORED_PATH\" >'$h.xs'; \
        while [ ! -e '$tmp/stop' ]; do sleep 0.2; done" &
    host_pids="$host_pids $!"
done
for i in 1 2 3; do wait_until "xenstored $i" test -s "$tmp/h$i.xs"; done

umask 077
printf 'pw\n' | "$b/api/xen-sriov-api" --hash-password | sed 's/^/u:/' >"$tmp/users"
umask 022
# Host 1 serves XenAPI (on a free port); the others do not.
start_daemon() {
    if [ "$1" = 1 ]; then api="--users $tmp/users --no-socket --listen 127.0.0.1:0"
    else api=--no-api; fi
    SRIOV_ROOT=$tmp/h$1 XENSTORED_PATH=$(cat "$tmp/h$1.xs") \
    LD_PRELOAD=$preload "$sriovd" --foreground --dry-run $api \
        >>"$tmp/h$1/sriovd.log" 2>&1 &
    eval "d$1=\$!"
    daemon_pids="$daemon_pids $!"
}
# Hosts 1 and 2 have their first NIC in Linux bridge xenbr0 (sysfs
# brport/bridge): pool-join puts both on one network.
for i in 1 2; do
    dev=$(ls "$tmp/h$i/sys/class/net" | head -n 1)
    mkdir -p "$tmp/h$i/sys/class/net/$dev/brport"
    ln -s ../../xenbr0 "$tmp/h$i/sys/class/net/$dev/brport/bridge"
done
for i in 1 2 3; do
    u=$(on $i host-list --minimal)
    eval "u$i=$u"
    on $i pif-scan host-uuid="$u"
    start_daemon $i
done

# ---- join ----
on 1 pool-join etcd-endpoints=nonsense 2>"$tmp/err" && fail "a bad endpoint joined"
grep -q "etcd-endpoints" "$tmp/err" || fail "bad endpoint: $(cat "$tmp/err")"
[ ! -e "$tmp/h1/etc/xen-sriov/pool.conf" ] || fail "a failed join left pool.conf"
# Host 2 makes the pool (its master): its eject moves the master below.
for i in 2 1 3; do on $i pool-join etcd-endpoints="$endpoints" lease-ttl=3; done
on 2 pool-join etcd-endpoints="$endpoints" 2>"$tmp/err" && fail "joined twice"
grep -q "in a pool already" "$tmp/err" || fail "join twice: $(cat "$tmp/err")"

count() { tr ',' '\n' | grep -c . || :; }
[ "$(on 1 pool-list --minimal | count)" = 1 ] || fail "pool-list: $(on 1 pool-list)"
[ "$(on 1 pool-list params=master --minimal)" = "$u2" ] || fail "master is not the first host to join"
hosts=$(on 3 host-list --minimal)
for u in "$u1" "$u2" "$u3"; do
    echo "$hosts" | grep -q "$u" || fail "host-list on host 3 lacks $u: $hosts"
done
all_live() {
    for u in "$u1" "$u2" "$u3"; do
        [ "$(on 1 host-param-get uuid="$u" param-name=host-metrics-live)" = true ] || return 1
    done
}
wait_until "every host live" all_live
[ "$(on 2 pif-list --minimal | count)" -ge 6 ] || fail "pif-list pool-wide: $(on 2 pif-list --minimal)"
# Another host's PIF by uuid, with its host.
pif3=$(on 3 pif-list host-uuid="$u3" --minimal | cut -d, -f1)
[ "$(on 1 pif-param-get uuid="$pif3" param-name=host-uuid)" = "$u3" ] ||
    fail "pif-param-get of host 3's PIF on host 1"

# ---- XenAPI on host 1 shows the whole pool ----
wait_until "host 1's XenAPI" grep -q 'listening on http' "$tmp/h1/sriovd.log"
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/h1/sriovd.log" | head -n 1)
url=http://127.0.0.1:$port/
# expect_event NAME CLASS OP KEY=VALUE [1]: a XenAPI client of host 1
# loops on event.from (1: event.next) until that event comes
# (pool-events.py, in the background); returns once it holds its token
# (or is registered).  got_event NAME: it came.
expect_event() {
    rm -f "$tmp/ready.$1"
    EVENT_NEXT=${5:-0} python3 "$top_srcdir/tests/pool/pool-events.py" "$url" \
        "$tmp/ready.$1" "$2" "$3" "$4" >"$tmp/ev.$1" 2>&1 &
    eval "ev_$1=\$!"
    ev_pids="$ev_pids $!"
    wait_until "event client $1 ready" test -e "$tmp/ready.$1"
}
got_event() {
    eval "pid=\$ev_$1"
    wait "$pid" || fail "no $1 event on host 1: $(cat "$tmp/ev.$1")"
    cat "$tmp/ev.$1"
}
python3 - "$url" "$u1" "$u2" "$u3" <<'PY' || fail "XenAPI pool-wide view"
import sys, xmlrpc.client
url, hosts = sys.argv[1], set(sys.argv[2:])
s = xmlrpc.client.ServerProxy(url)
ses = s.session.login_with_password("u", "pw", "1.0", "test-pool")["Value"]
got = s.host.get_all_records(ses)["Value"]
seen = {r["uuid"] for r in got.values()}
assert seen == hosts, (seen, hosts)
pifs = s.PIF.get_all_records(ses)["Value"]
assert {r["host"] for r in pifs.values()} == {"OpaqueRef:" + h for h in hosts}, pifs
one = next(iter(hosts - {sys.argv[2]}))
rec = s.host.get_record(ses, "OpaqueRef:" + one)
assert rec["Status"] == "Success" and rec["Value"]["uuid"] == one, rec
PY

# ---- Xen Orchestra's xen-api on host 1: every host, another's change ----
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    . "$top_srcdir/tests/integration/xapi-npm-install.sh"
    xapi_npm_stage xapi-npm-client.mjs
    cp "$top_srcdir/tests/pool/pool-npm.mjs" "$rundir/"
    node "$rundir/pool-npm.mjs" "$url" u pw "$u1" "$u2" "$u3" -- \
        "$tmp/npm-ready" >"$tmp/npm.log" 2>&1 &
    npm_pid=$!
    ev_pids="$ev_pids $!"
    npm_ready() { test -e "$tmp/npm-ready" || ! kill -0 "$npm_pid"; }
    wait_until "xen-api's cache of the pool" npm_ready
    on 2 network-create name-label=npm-other-host >/dev/null
    wait "$npm_pid" || { rm -rf "$rundir"; fail "xen-api on the pool: $(cat "$tmp/npm.log")"; }
    rm -rf "$rundir"
    cat "$tmp/npm.log"
    # Its first fetch (every class at once) fits the default limit of
    # connections per address: none refused (libmicrohttpd says so).
    ! grep -q "connection limit" "$tmp/h1/sriovd.log" ||
        fail "xen-api's first fetch went past the connections per address"
else
    echo "# no Node.js and npm: Xen Orchestra's xen-api not run (tools/install-deps installs them)"
fi

# ---- a change on host 2, seen on host 1 (the daemon mirrors it), and in
# host 1's XenAPI events (event.from, and event.register/event.next) ----
pif2=$(on 2 pif-list host-uuid="$u2" device="$(on 2 pif-list host-uuid="$u2" params=device --minimal | cut -d, -f1)" --minimal)
expect_event net2 network add name_label=sriov2
expect_event next2 network add name_label=sriov2 1
net=$(on 2 network-create name-label=sriov2)
got_event net2
got_event next2
expect_event ns2 network_sriov add "physical_PIF=OpaqueRef:$pif2"
ns=$(on 2 network-sriov-create pif-uuid="$pif2" network-uuid="$net" num-vfs=2)
seen_on_1() { on 1 network-sriov-list --minimal | grep -q "$ns"; }
wait_until "host 2's network-sriov seen on host 1" seen_on_1
got_event ns2
# Forwarded calls come to the daemons on an etcd watch.
wait_until "host 3's watch of its calls" grep -q "watching forwarded calls" "$tmp/h3/sriovd.log"

# ---- forwarding: host 1 acts on host 3's PIF, host 3's daemon runs it ----
net3a=$(on 3 network-create name-label=sriov3)
seen_net3a() { on 1 network-list --minimal | grep -q "$net3a"; }
wait_until "host 3's network on host 1" seen_net3a
ns3=$(on 1 network-sriov-create pif-uuid="$pif3" network-uuid="$net3a" num-vfs=2) ||
    fail "network-sriov-create forwarded to host 3"
[ "$(on 3 network-sriov-param-get uuid="$ns3" param-name=physical-PIF)" = "$pif3" ] ||
    fail "the forwarded network-sriov is not host 3's"
# The other host's error comes back as it is.
on 1 network-sriov-create pif-uuid="$pif3" network-uuid="$net3a" 2>"$tmp/err" &&
    fail "a second network-sriov on the PIF"
[ -s "$tmp/err" ] || fail "no error forwarded back"

# ---- XenAPI on host 1: calls on host 3's objects run there ----
xapi() { python3 "$top_srcdir/tests/pool/xenapi-pool.py" "$url" "$@"; }
pifs1=$(on 1 pif-list host-uuid="$u1" --minimal)
pif1=${pifs1%%,*}
net1=$(on 1 network-create name-label=sriov1)
pif3b=$(on 3 pif-list host-uuid="$u3" physical=true --minimal | tr ',' '\n' | grep -v "$pif3" | head -n 1)
[ -n "$pif3b" ] || fail "host 3 has no second PIF"
net3b=$(on 3 network-create name-label=sriov3b)
seen_net3b() { on 1 network-list --minimal | grep -q "$net3b"; }
wait_until "host 3's second network on host 1" seen_net3b
out=$(xapi forward "$net1" "$pif1" "$net3b" "$pif3b") || fail "XenAPI forwarding: $out"
ns3b=${out#* }
[ "$(on 3 network-sriov-param-get uuid="$ns3b" param-name=physical-PIF)" = "$pif3b" ] ||
    fail "the network_sriov created over XenAPI is not host 3's"
# The network is pool-wide: changed on host 1's copy, put into the pool
# by its daemon, applied by host 3's.
renamed3b() {
    [ "$(on 3 network-param-get uuid="$net3b" param-name=name-label)" = renamed-over-xenapi ] &&
    [ "$(on 3 network-param-get uuid="$net3b" param-name=other-config param-key=from)" = host1 ]
}
wait_until "network.set_name_label and add_to_other_config on host 3" renamed3b
# Another host's remaining capacity: its own figure, as it mirrored it.
cap3=$(on 3 network-sriov-param-get uuid="$ns3b" param-name=remaining-capacity)
cap_seen() {
    [ "$(on 1 network-sriov-param-get uuid="$ns3b" param-name=remaining-capacity)" = "$cap3" ] &&
    [ "$(xapi capacity "$ns3b")" = "$cap3" ]
}
wait_until "host 3's remaining capacity on host 1" cap_seen
xapi async-destroy "$ns3b" || fail "Async.network_sriov.destroy forwarded"
gone3b() { ! on 3 network-sriov-list --minimal | grep -q "$ns3b"; }
wait_until "the forwarded destroy on host 3" gone3b
# A call over etcd's request limit (the members here take 256 KiB, a
# sixth of the default, for small test data) is refused, saying what to do.
xapi too-big-call "$pif3" || fail "a forwarded call over etcd's limit"

# ---- pool-wide networks ----
# pool-join put each host's physical networks onto the pool's of the same
# bridge (XAPI's pool join): a device every host has is on one network.
for dev in $(on 1 pif-list host-uuid="$u1" physical=true params=device --minimal | tr ',' ' '); do
    for u in "$u2" "$u3"; do
        other=$(on 1 pif-list host-uuid="$u" device="$dev" physical=true params=network-uuid --minimal)
        [ -z "$other" ] || [ "$other" = "$(on 1 pif-list host-uuid="$u1" device="$dev" params=network-uuid --minimal)" ] ||
            fail "$dev's network differs between host 1 and host $u"
    done
done
[ "$(on 3 network-list bridge=xenbr0 --minimal | count)" = 1 ] ||
    fail "xenbr0's networks: $(on 3 network-list bridge=xenbr0)"
xbr=$(on 3 network-list bridge=xenbr0 --minimal)
[ "$(on 3 network-param-get uuid="$xbr" param-name=PIF-uuids | tr ';' '\n' | grep -c .)" = 2 ] ||
    fail "xenbr0's network lacks host 1's or host 2's PIF: $(on 3 network-param-get uuid="$xbr" param-name=PIF-uuids)"
for i in 1 2; do
    eval "u=\$u$i"
    on $i pif-list host-uuid="$u" network-uuid="$xbr" --minimal | grep -q . ||
        fail "host $i's own PIF is not on the pool's xenbr0 network"
done
# XenAPI on host 1: network.create, get_all, get_record, destroy; the
# destroy of xenbr0's network refused (host 2's PIF is on it).
netx=$(xapi pool-network "$xbr") || fail "XenAPI pool-wide network: $netx"
netx_gone() { ! on 2 network-list --minimal | grep -q "$netx"; }
wait_until "the XenAPI network gone on host 2" netx_gone
# One network made on host 1: one object on every host, one bridge.
netp=$(on 1 network-create name-label=pool-net)
brp=$(on 1 network-param-get uuid="$netp" param-name=bridge)
for i in 1 2 3; do
    [ "$(on $i network-list name-label=pool-net --minimal)" = "$netp" ] ||
        fail "host $i does not see one pool-net: $(on $i network-list name-label=pool-net --minimal)"
    [ "$(on $i network-param-get uuid="$netp" param-name=bridge)" = "$brp" ] ||
        fail "pool-net's bridge on host $i"
done
# network-sriov on host 2's and host 3's PIFs of that network, asked on
# host 1 (forwarded: each host holds its copy of the network).
pif2b=$(on 2 pif-list host-uuid="$u2" physical=true --minimal | tr ',' '\n' | grep -v "$pif2" | head -n 1)
sriov_on() {
    on 1 network-sriov-create pif-uuid="$1" network-uuid="$netp" num-vfs=2 2>"$tmp/err"
}
# (right after the create: the callee's daemon brings its copies in
# line before it runs a forwarded call)
sriov_on "$pif2b" || fail "network-sriov-create on host 2's PIF of a network just made: $(cat "$tmp/err")"
nsp2=$(on 1 network-sriov-list physical-PIF="$pif2b" --minimal)
sriov_on "$pif3b" || fail "network-sriov-create on host 3's PIF: $(cat "$tmp/err")"
nsp3=$(on 1 network-sriov-list physical-PIF="$pif3b" --minimal)
[ -n "$nsp2" ] && [ -n "$nsp3" ] || fail "network-sriov on two hosts' PIFs: $nsp2 / $nsp3"
[ "$(on 1 network-param-get uuid="$netp" param-name=PIF-uuids | tr ';' '\n' | grep -c .)" = 2 ] ||
    fail "pool-net's PIFs: $(on 1 network-param-get uuid="$netp" param-name=PIF-uuids)"
# Destroy refused while another host's PIF is on it (XAPI's error).
on 1 network-destroy uuid="$netp" 2>"$tmp/err" && fail "destroyed a network two hosts use"
grep -q "NETWORK_CONTAINS_PIF\|contains\|PIF" "$tmp/err" || fail "destroy refused: $(cat "$tmp/err")"
on 1 network-sriov-destroy uuid="$nsp2"
on 1 network-sriov-destroy uuid="$nsp3"
nopifs() { [ -z "$(on 1 network-param-get uuid="$netp" param-name=PIF-uuids)" ]; }
wait_until "pool-net's PIFs gone" nopifs
on 3 network-destroy uuid="$netp" || fail "network-destroy of an unused pool-wide network"
netp_gone() { for i in 1 2 3; do ! on $i network-list --minimal | grep -q "$netp" || return 1; done; }
wait_until "pool-net gone from every host (their copies too)" netp_gone
# Two members creating at once: both succeed, with different bridges;
# the same bridge asked on both: one gets it, the other XAPI's error.
on 1 network-create name-label=at-once-1 >"$tmp/c1" 2>&1 &
c1p=$!
on 2 network-create name-label=at-once-2 >"$tmp/c2" 2>&1 &
c2p=$!
wait $c1p || fail "network-create at once on host 1: $(cat "$tmp/c1")"
wait $c2p || fail "network-create at once on host 2: $(cat "$tmp/c2")"
b1=$(on 3 network-param-get uuid="$(cat "$tmp/c1")" param-name=bridge)
b2=$(on 3 network-param-get uuid="$(cat "$tmp/c2")" param-name=bridge)
[ -n "$b1" ] && [ "$b1" != "$b2" ] || fail "networks made at once share bridge $b1"
on 1 network-create name-label=same-1 bridge=poolbr7 >"$tmp/c1" 2>&1 &
c1p=$!
on 3 network-create name-label=same-3 bridge=poolbr7 >"$tmp/c2" 2>&1 &
c2p=$!
ok=0
wait $c1p && ok=$((ok + 1))
wait $c2p && ok=$((ok + 1))
[ $ok = 1 ] || fail "one bridge asked on two hosts: $ok made: $(cat "$tmp/c1" "$tmp/c2")"
grep -qi "bridge" "$tmp/c1" "$tmp/c2" || fail "no bridge error: $(cat "$tmp/c1" "$tmp/c2")"
# (the loser's copy, undone, may be in its mirror for a moment)
one7() { [ "$(on 2 network-list bridge=poolbr7 --minimal | count)" = 1 ]; }
wait_until "one network on poolbr7" one7

# ---- VMs: host 3's in the pool's view, VM-scoped calls routed there,
# VIF.plug/unplug of its running VM over host 1's XenAPI ----
vm3=33333333-0000-4000-8000-000000000001
vm3h=33333333-0000-4000-8000-000000000002
expect_event vm3 VM add name_label=web3
mkdir -p "$tmp/h3/etc/xen"
printf 'name = "web3"\nuuid = "%s"\nmemory = 256\n' "$vm3" >"$tmp/h3/etc/xen/web3.cfg"
printf 'name = "idle3"\nuuid = "%s"\nmemory = 256\n' "$vm3h" >"$tmp/h3/etc/xen/idle3.cfg"
# Domain 5 of host 3 runs web3: written as libxl writes it, and
# introduced to host 3's xenstored (tests/helpers/xs-run's domain list).
xs3=$(cat "$tmp/h3.xs")
XENSTORED_PATH=$xs3 xenstore-write /local/domain/5/vm /vm/$vm3 \
    /local/domain/5/name web3 /local/domain/5/domid 5 /vm/$vm3/name web3 \
    /vm/$vm3/uuid $vm3 /libxl/5/type pv
echo "0 5" >"$(dirname "$xs3")/domains.tmp"
mv "$(dirname "$xs3")/domains.tmp" "$(dirname "$xs3")/domains"
XENSTORED_PATH=$xs3 python3 -c '
import ctypes, sys
x = ctypes.CDLL("libxenstore.so.4")
x.xs_open.restype = ctypes.c_void_p
x.xs_introduce_domain.argtypes = [ctypes.c_void_p, ctypes.c_uint,
                                  ctypes.c_ulong, ctypes.c_uint]
h = x.xs_open(0)
sys.exit(0 if h and x.xs_introduce_domain(h, 5, 1, 1) else 1)' ||
    fail "introducing domain 5 to host 3's xenstored"
vm3_seen() { [ "$(on 1 vm-list uuid="$vm3" params=resident-on --minimal)" = "$u3" ]; }
wait_until "host 3's running VM in vm-list on host 1, resident on host 3" vm3_seen
got_event vm3
on 1 vm-list --minimal | grep -q "$vm3h" || fail "host 3's halted VM not in vm-list on host 1"
[ "$(on 2 vm-param-get uuid="$vm3" param-name=power-state)" = running ] ||
    fail "vm-param-get of host 3's VM on host 2"
on 1 vm-param-set uuid="$vm3" other-config:owner=pool-test ||
    fail "vm-param-set of host 3's VM forwarded"
[ "$(on 3 vm-param-get uuid="$vm3" param-name=other-config param-key=owner)" = pool-test ] ||
    fail "vm-param-set did not reach host 3"
oc_seen() { [ "$(on 1 vm-param-get uuid="$vm3" param-name=other-config param-key=owner)" = pool-test ]; }
wait_until "host 3's VM's other-config mirrored" oc_seen
vif3=$(xapi vm-plug "$vm3" "$vm3h" "$u3" "$net3a") || fail "VIF.plug over XenAPI: $vif3"
[ "$(on 3 vif-param-get uuid="$vif3" param-name=vm-uuid)" = "$vm3" ] ||
    fail "VIF.create of host 3's VM did not run on host 3"
[ "$(on 3 vif-param-get uuid="$vif3" param-name=currently-attached)" = true ] ||
    fail "VIF.plug on host 1 did not plug host 3's VIF"
xapi vm-unplug "$vif3" || fail "VIF.unplug over XenAPI"
[ "$(on 3 vif-param-get uuid="$vif3" param-name=currently-attached)" = false ] ||
    fail "VIF.unplug_force on host 1 did not unplug host 3's VIF"

# ---- records over etcd's request limit ----
# One record larger than etcd takes: the mirror says so and goes on with
# the others; made smaller, it is mirrored again.
netbig=$(on 1 network-create name-label=big)
xapi set-other-config "$netbig" 150 2000
wait_until "the mirror refusing a record over etcd's limit" \
    grep -q "more than etcd takes in one request: shrink the object" "$tmp/h1/sriovd.log"
netafter=$(on 1 network-create name-label=after-big)
seen_after() { on 2 network-list --minimal | grep -q "$netafter"; }
wait_until "host 1's objects mirrored beside the big one" seen_after
xapi set-other-config "$netbig" 1 1
small_seen() { [ "$(on 2 network-param-get uuid="$netbig" param-name=other-config param-key=k00000)" = v ]; }
wait_until "the record mirrored once smaller" small_seen
# Records that together exceed the limit: mirrored in smaller
# transactions.
medium=""
for k in 1 2 3 4; do
    n=$(on 1 network-create name-label=medium$k)
    xapi set-other-config "$n" 50 2000
    medium="$medium $n"
done
medium_seen() {
    for n in $medium; do
        [ "$(on 2 network-param-get uuid="$n" param-name=other-config param-key=k00049 | wc -c)" = 2001 ] || return 1
    done
}
wait_until "400 KB of records mirrored within a 256 KiB limit" medium_seen
for n in $medium $netbig $netafter; do on 1 network-destroy uuid="$n"; done

# ---- one etcd member killed: every command still works, and the
# XenAPI client waiting on event.from hears of a change ----
expect_event down network add name_label=while-one-down
kill -KILL "$e1"; wait "$e1" 2>/dev/null || :
[ "$(on 1 host-list --minimal | count)" = 3 ] || fail "host-list with a member down"
net3=$(on 3 network-create name-label=while-one-down)
seen_net3() { on 1 network-list --minimal | grep -q "$net3"; }
wait_until "a change with one member down" seen_net3
got_event down
start_member 1 "$c1" "$p1" existing
etcd_pids="$e1 $e2 $e3"
expect_event del3 network del "ref=OpaqueRef:$net3"
on 3 network-destroy uuid="$net3"
got_event del3

# ---- a host daemon killed: its host is not live after the lease, and
# host 1's XenAPI client hears it (host_metrics.live) ----
expect_event dead3 host_metrics mod live=False
kill -KILL "$d3"
dead3() { [ "$(on 1 host-param-get uuid="$u3" param-name=host-metrics-live)" = false ]; }
wait_until "host 3 not live" dead3
got_event dead3
on 1 network-sriov-destroy uuid="$ns3" 2>"$tmp/err" && fail "forwarded to a dead host"
grep -q "could not be contacted" "$tmp/err" || fail "no HOST_OFFLINE: $(cat "$tmp/err")"
xapi offline "$pif3" "$u3" || fail "XenAPI HOST_OFFLINE"
xapi plug-offline "$vif3" "$u3" || fail "VIF.plug: HOST_OFFLINE"
[ "$(on 1 host-list --minimal | count)" = 3 ] || fail "a dead host left the list"
expect_event live3 host_metrics mod live=True
start_daemon 3
wait_until "host 3 live again" all_live
got_event live3
# Stopped cleanly, its lease is revoked: not live at once.
expect_event stop3 host_metrics mod live=False
kill -TERM "$d3"; wait "$d3" 2>/dev/null || :
got_event stop3
expect_event back3 host_metrics mod live=True
start_daemon 3
wait_until "host 3 live once more" all_live
got_event back3

# ---- etcd out of quorum: local reads work, pool-wide changes refused;
# a XenAPI client waits on event.from across etcd's restart ----
expect_event outage network mod name_label=during-outage
kill -KILL "$e2" "$e3"; wait "$e2" "$e3" 2>/dev/null || :
on 1 host-list --minimal >"$tmp/out" 2>"$tmp/err" || fail "host-list without quorum: $(cat "$tmp/err")"
grep -q "$u1" "$tmp/out" || fail "host-list without quorum lacks this host"
grep -q "showing this host only" "$tmp/err" || fail "no warning: $(cat "$tmp/err")"
on 1 pool-eject host-uuid="$u3" 2>"$tmp/err" && fail "pool-eject without quorum"
grep -q "cannot eject host" "$tmp/err" || fail "eject without quorum: $(cat "$tmp/err")"
# Pool-wide networks: made and destroyed only with etcd, saying what to
# do; a change of one on host 2's copy reaches the pool when etcd is back.
on 1 network-create name-label=no-quorum 2>"$tmp/err" && fail "network-create without quorum"
grep -q "bring etcd back" "$tmp/err" || fail "network-create without quorum: $(cat "$tmp/err")"
on 1 network-destroy uuid="$net1" 2>"$tmp/err" && fail "network-destroy without quorum"
grep -q "bring etcd back" "$tmp/err" || fail "network-destroy without quorum: $(cat "$tmp/err")"
on 2 network-param-set uuid="$net" name-label=during-outage ||
    fail "a change of a pool-wide network's copy without quorum"
kill -KILL "$e1"; wait "$e1" 2>/dev/null || :
start_all existing
seen_net2b() { [ "$(on 3 network-param-get uuid="$net" param-name=name-label)" = during-outage ]; }
wait_until "the pool converged after etcd restarted" seen_net2b
netq=$(on 1 network-create name-label=quorum-back) || fail "network-create with etcd back"
seen_netq() { on 3 network-list --minimal | grep -q "$netq"; }
wait_until "a network made once etcd is back" seen_netq
wait_until "every host live after etcd restarted" all_live
got_event outage

# ---- etcd compacted the revisions host 1's watch needs: it reads the
# objects again and reports the difference (a deletion here) ----
netc=$(on 2 network-create name-label=to-compact)
seen_netc() { on 1 network-list --minimal | grep -q "$netc"; }
wait_until "host 2's network to compact" seen_netc
expect_event compact network del "ref=OpaqueRef:$netc"
# Host 1's daemon frozen, etcd restarted under it (its watch is cut),
# the change made and compacted away before it watches again.
kill -STOP "$d1"
kill -KILL $etcd_pids; wait $etcd_pids 2>/dev/null || :
start_all existing
on 2 network-destroy uuid="$netc"
netc_gone() { ! on 3 network-list --minimal | grep -q "$netc"; }
wait_until "host 2's network gone from etcd" netc_gone
rev=$(ETCDCTL_API=3 etcdctl --endpoints "$endpoints" put /probe compact -w json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["header"]["revision"])')
ETCDCTL_API=3 etcdctl --endpoints "$endpoints" compact "$rev" >/dev/null
kill -CONT "$d1"
got_event compact
# (the network being pool-wide, host 1's daemon destroys its copy too:
# that del may come first)
wait_until "the read after the compaction" grep -q "etcd had compacted" "$tmp/h1/sriovd.log"
wait_until "every host live after the compaction" all_live

# ---- pool-eject of another host (the master): its daemon leaves, the
# master moves, host 1's XenAPI client hears both ----
expect_event master pool mod "master!=OpaqueRef:$u2"
expect_event eject2 host del "ref=OpaqueRef:$u2"
on 1 pool-eject host-uuid="$u2"
got_event master
got_event eject2
[ "$(on 1 pool-list params=master --minimal)" != "$u2" ] || fail "the master did not move"
left2() { [ ! -e "$tmp/h2/etc/xen-sriov/pool.conf" ]; }
wait_until "host 2 left" left2
gone2() { ! on 1 host-list --minimal | grep -q "$u2"; }
wait_until "host 2 gone from the pool" gone2
on 1 pool-eject host-uuid="$u2" 2>"$tmp/err" && fail "ejected twice"
grep -q "uuid you supplied was invalid" "$tmp/err" || fail "eject twice: $(cat "$tmp/err")"
# Host 2 alone again: its lists are its own.
[ "$(on 2 host-list --minimal)" = "$u2" ] || fail "host 2 after eject: $(on 2 host-list --minimal)"
# Joining again: host 1's client hears of the host.
expect_event join2 host add "ref=OpaqueRef:$u2"
on 2 pool-join etcd-endpoints="$endpoints" lease-ttl=3
got_event join2
echo "PASS: pool on a 3-member etcd"
