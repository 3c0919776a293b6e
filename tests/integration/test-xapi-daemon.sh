#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# xen-sriov-api as a program: bad command lines give one line saying what
# to do; the socket goes under $SRIOV_ROOT, mode 0600; a second server on
# the same socket is refused; a stale socket is replaced; SIGTERM stops it
# and removes the socket.
set -eu
: "${top_builddir:?}"
api="$top_builddir/xe-ext/api/xen-sriov-api"
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
echo "PASS: xen-sriov-api options, socket, signals"
