#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Xen Orchestra's npm connector (xen-api@4.7.6) against the endpoint over
# JSON-RPC, XML-RPC and HTTPS.  The package is installed on first use into
# ~/.cache/xen-sriov (XAPI_NPM_CACHE overrides where).
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "SKIP: Node.js and npm are not installed" \
        "(tools/install-deps installs them)"
    exit 77
fi
. "$top_srcdir/tests/integration/xapi-npm-install.sh"
xapi_npm_stage xapi-npm-client.mjs

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xapi-npm-XXXXXX")
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || :; done
    wait 2>/dev/null || :
    rm -rf "$tmp"
    rm -rf "$rundir"
}
trap cleanup EXIT

umask 077
api="$top_builddir/api/xen-sriov-api"
printf 'xo-secret\n' | "$api" --hash-password \
    | sed 's/^/xo:/' >"$tmp/users"

# start_server NAME ARGS...: runs the test server, sets $port to its port.
start_server() {
    name=$1; shift
    SRIOV_ROOT="$tmp/$name" "$top_builddir/tests/helpers/xapi-test-server" \
        --users "$tmp/users" --listen 127.0.0.1:0 "$@" \
        >/dev/null 2>"$tmp/$name.log" &
    pids="$pids $!"
    i=0
    while ! grep -q 'listening on http' "$tmp/$name.log"; do
        i=$((i + 1))
        if [ $i -gt 1200 ]; then
            cat "$tmp/$name.log"
            echo "FAIL: server $name did not start in 120 s"
            exit 1
        fi
        sleep 0.1
    done
    [ $i -le 50 ] || echo "# slow: server $name took $((i / 10)) s to start"
    port=$(sed -n 's|.*listening on https*://127.0.0.1:\([0-9]*\)/.*|\1|p' \
        "$tmp/$name.log")
}

start_server plain
node "$client" "http://127.0.0.1:$port" xo xo-secret json-rpc
node "$client" "http://127.0.0.1:$port" xo xo-secret xml-rpc

if command -v openssl >/dev/null 2>&1; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
    start_server tls --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
    node "$client" "https://127.0.0.1:$port" xo xo-secret auto
else
    echo "note: openssl is not installed: HTTPS not tried" \
        "(tools/install-deps installs it)"
fi
