# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by the real-client tests of the store-backed endpoint: runs the
# rest of the calling script as uid 0 (a user namespace if need be: xe
# changes state as root only) against a private, real xenstored
# (tests/helpers/xs-run), builds a simulated host (x710-2pf + plain-nic,
# kernel-sim.so), scans it with the xe binary and starts the real
# xen-sriovd --dry-run on it with a --users file.  Then:
#   $url   http://127.0.0.1:PORT of its TCP listener
#   $sock  its unix socket
#   $xe    the xe binary;  SRIOV_ROOT is exported for it
# Callers set $xapi_test_user and $xapi_test_password first, and may set
# $xapi_test_daemon_args (more options of xen-sriovd, split on spaces) and
# $xapi_test_needs (a command the test skips without, e.g. python3).
: "${top_srcdir:?}" "${top_builddir:?}"
if [ -n "${xapi_test_needs:-}" ] &&
    ! command -v "$xapi_test_needs" >/dev/null 2>&1; then
    echo "SKIP: $xapi_test_needs is not installed (tools/install-deps" \
        "installs it)"
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
xe=$top_builddir/xe/xe
preload=$top_builddir/tests/helpers/.libs/kernel-sim.so
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xapi-store-XXXXXX")
daemon_pid=
cleanup() {
    if [ -n "$daemon_pid" ]; then
        kill "$daemon_pid" 2>/dev/null || :
        wait "$daemon_pid" 2>/dev/null || :
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$top_builddir/tests/helpers/make-sim-host" x710-2pf plain-nic \
    "$tmp/host" >"$tmp/sim.log" 2>&1 ||
    fail "make-sim-host: $(cat "$tmp/sim.log")"
SRIOV_ROOT=$tmp/host
export SRIOV_ROOT
# The clients' VMs (xl configs: docs/xe.md "VMs").
mkdir -p "$SRIOV_ROOT/etc/xen"
for i in 1 2 3 4; do
    printf 'name = "vm%s"\nuuid = "11111111-2222-4333-8444-55555555550%s"\n' \
        "$i" "$i" >"$SRIOV_ROOT/etc/xen/vm$i.cfg"
done
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
host=$(LD_PRELOAD=$preload "$xe" host-list --minimal) || fail "xe host-list"
LD_PRELOAD=$preload "$xe" pif-scan host-uuid="$host" || fail "xe pif-scan"

umask 077
printf '%s\n' "$xapi_test_password" |
    "$top_builddir/api/xen-sriov-api" --hash-password |
    sed "s/^/$xapi_test_user:/" >"$tmp/users"
: >"$tmp/sriovd.log"
LD_PRELOAD=$preload "$top_builddir/daemon/xen-sriovd" --foreground \
    --dry-run --users "$tmp/users" --listen 127.0.0.1:0 \
    --pidfile "$tmp/sriovd.pid" ${xapi_test_daemon_args:-} \
    2>"$tmp/sriovd.log" &
daemon_pid=$!
i=0
while ! grep -q 'listening on http' "$tmp/sriovd.log"; do
    i=$((i + 1))
    if [ $i -gt 1200 ] || ! kill -0 "$daemon_pid" 2>/dev/null; then
        cat "$tmp/sriovd.log"
        fail "xen-sriovd did not start (waited up to 120 s)"
    fi
    sleep 0.1
done
[ $i -le 50 ] || echo "# slow: xen-sriovd took $((i / 10)) s to start"
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
    "$tmp/sriovd.log")
url=http://127.0.0.1:$port
sock=$SRIOV_ROOT/var/run/xen-sriov/xapi.sock
[ -S "$sock" ] || fail "no socket at $sock"

# stop_daemon: SIGTERM, a clean exit, nothing left behind.
stop_daemon() {
    kill "$daemon_pid"
    st=0
    wait "$daemon_pid" || st=$?
    [ "$st" -eq 0 ] ||
        { cat "$tmp/sriovd.log"; fail "xen-sriovd exit status $st"; }
    daemon_pid=
    [ ! -e "$sock" ] || fail "socket left behind"
}
