#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# xen-sriov-api as a program: bad command lines give one line saying what
# to do; the socket goes under $SRIOV_ROOT, mode 0600; a second server on
# the same socket is refused; a stale socket is replaced; SIGHUP is logged
# and does not stop it; SIGTERM stops it and removes the socket.
set -eu
: "${top_builddir:?}"
api="$top_builddir/api/xen-sriov-api"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xapi-daemon-XXXXXX")
pid=
cleanup() {
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || :
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# expect_error "TEXT" ARGS...: exits 1 with one stderr line containing TEXT.
expect_error() {
    text=$1; shift
    if SRIOV_ROOT="$tmp" "$api" "$@" >"$tmp/out" 2>"$tmp/err"; then
        fail "'$*' succeeded"
    fi
    [ "$(wc -l <"$tmp/err")" -le 2 ] ||
        fail "'$*': more than a line: $(cat "$tmp/err")"
    grep -q -- "$text" "$tmp/err" ||
        fail "'$*': no '$text' in: $(cat "$tmp/err")"
}
expect_error "needs --listen" --no-socket
expect_error "go together" --listen 127.0.0.1:0 --tls-cert "$tmp/c.pem"
expect_error "not ADDR:PORT" --listen nonsense
expect_error "unexpected argument" extra
expect_error "must be a number" --max-body 12
expect_error "Try" --bogus
expect_error "must be a number from 1" --max-per-address 0
expect_error "must be a number from 1" --header-timeout soon
"$api" --help | grep -q -- "--users FILE" || fail "--help"

umask 077
printf 'pw\n' | "$api" --hash-password | sed 's/^/u:/' >"$tmp/users"
grep -q '^u:\$' "$tmp/users" || fail "--hash-password printed no crypt hash"

sock="$tmp/var/run/xen-sriov/xapi.sock"
# Up to 120 s (a busy machine); a wait past 5 s is printed.
wait_for() {
    i=0
    while ! grep -q "$1" "$2"; do
        i=$((i + 1)); [ $i -le 1200 ] || fail "no '$1' in $2: $(cat "$2")"
        sleep 0.1
    done
    [ $i -le 50 ] || echo "# slow: $((i / 10)) s for '$1'"
}
SRIOV_ROOT="$tmp" "$api" --users "$tmp/users" 2>"$tmp/log1" &
pid=$!
wait_for "listening on $sock" "$tmp/log1"
[ "$(stat -c %a "$sock")" = 600 ] || fail "socket mode $(stat -c %a "$sock")"

expect_error "another server listens" --users "$tmp/users"

kill -HUP "$pid"
wait_for "SIGHUP: nothing to reload" "$tmp/log1"
kill -0 "$pid" 2>/dev/null || fail "SIGHUP stopped the server"
[ -S "$sock" ] || fail "socket gone after SIGHUP"

kill "$pid"; wait "$pid" || fail "exit status $? after SIGTERM"
pid=
[ ! -e "$sock" ] || fail "socket left behind after SIGTERM"

# A stale socket (server killed hard) is replaced.
SRIOV_ROOT="$tmp" "$api" --users "$tmp/users" 2>"$tmp/log2" &
pid=$!
wait_for "listening on" "$tmp/log2"
kill -9 "$pid"; wait "$pid" 2>/dev/null || :
[ -S "$sock" ] || fail "no stale socket to test with"
SRIOV_ROOT="$tmp" "$api" --users "$tmp/users" 2>"$tmp/log3" &
pid=$!
wait_for "listening on $sock" "$tmp/log3"
kill "$pid"; wait "$pid" || :
pid=

# start_tcp LOG ARGS...: a TCP-only server; $port is its port.
start_tcp() {
    log=$1; shift
    SRIOV_ROOT="$tmp" "$api" --users "$tmp/users" --no-socket "$@" \
        2>"$log" &
    pid=$!
    wait_for "listening on http" "$log"
    port=$(sed -n 's|.*listening on https*://.*:\([0-9]*\)/.*|\1|p' "$log")
}
stop() { kill "$pid"; wait "$pid" || :; pid=; }

# Cleartext HTTP: a warning on a non-loopback address only (no request
# is sent to it).
start_tcp "$tmp/log4" --listen 127.0.0.1:0
stop
! grep -q cleartext "$tmp/log4" || fail "cleartext warning on loopback"
start_tcp "$tmp/log5" --listen 0.0.0.0:0
stop
grep -q "serving cleartext HTTP on '0.0.0.0:0'" "$tmp/log5" ||
    fail "no cleartext warning on 0.0.0.0: $(cat "$tmp/log5")"

# TLS: a key others may read is refused; TLS 1.2+ with AEAD only.
if command -v openssl >/dev/null 2>&1; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null ||
        fail "openssl req"
    chmod 644 "$tmp/key.pem"
    expect_error "may be read or written by others" --no-socket \
        --listen 127.0.0.1:0 --tls-cert "$tmp/cert.pem" \
        --tls-key "$tmp/key.pem"
    chmod 600 "$tmp/key.pem"
    start_tcp "$tmp/log6" --listen 127.0.0.1:0 --tls-cert "$tmp/cert.pem" \
        --tls-key "$tmp/key.pem"
    # tls ARGS...: does a handshake with these s_client options succeed?
    tls() {
        echo Q | timeout 60 openssl s_client -connect "127.0.0.1:$port" \
            "$@" >"$tmp/tls.out" 2>&1
    }
    tls -tls1_3 || fail "TLS 1.3 refused: $(cat "$tmp/tls.out")"
    tls -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 ||
        fail "TLS 1.2 AEAD refused: $(cat "$tmp/tls.out")"
    ! tls -tls1_2 -cipher 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' ||
        fail "TLS 1.2 with CBC-SHA1 accepted"
    ! tls -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' || fail "TLS 1.1 accepted"
    ! tls -tls1 -cipher 'DEFAULT:@SECLEVEL=0' || fail "TLS 1.0 accepted"
    stop
else
    echo "note: openssl is not installed: TLS not tried"
fi
echo "PASS: xen-sriov-api options, socket, signals, TLS, cleartext warning"
