#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# xs-run: runs a command against a private xenstored and returns its status.
set -eu
: "${top_builddir:?}"
xs_run=$top_builddir/tests/helpers/xs-run
fail() { echo "FAIL: $*"; exit 1; }

out=$("$xs_run" sh -c 'xenstore-write /a/b hello && xenstore-read /a/b')
[ "$out" = hello ] || fail "read back '$out', expected 'hello'"

# The command's status comes back; the socket lives only while it runs.
status=0
sock=$("$xs_run" sh -c 'echo "$XENSTORED_PATH"; exit 7') || status=$?
[ "$status" -eq 7 ] || fail "status $status, expected 7"
case $sock in */socket) ;; *) fail "XENSTORED_PATH '$sock'" ;; esac
[ ! -e "$sock" ] || fail "'$sock' left behind"

# Two runs never share a store.
"$xs_run" xenstore-write /x 1
if "$xs_run" xenstore-read /x 2>/dev/null; then
    fail "a second xs-run saw the first one's data"
fi

# Domains: dom0 only unless the list says otherwise (oxenstored does not
# ask the hypervisor whether a permission's domain exists).
daemon_var=XENSTORED
if [ "${XS_HARNESS_XENSTORED:-}" = oxenstored ]; then
    refused=true
    daemon_var=OXENSTORED
else
    refused='! xenstore-chmod /p n5 2>/dev/null'
fi
"$xs_run" sh -c "xenstore-write /p '' && $refused &&
    echo '0 5' >\"\$XS_RUN_DIR/domains\" && xenstore-chmod /p n0 r5" ||
    fail "domain list not honoured"

# A missing daemon is a clear error (status 125), not a hang.
status=0
err=$(env "$daemon_var=/nonexistent/xenstored" "$xs_run" true 2>&1) ||
    status=$?
[ "$status" -eq 125 ] || fail "status $status with no daemon, expected 125"
case $err in *install*) ;; *) fail "unclear message: $err" ;; esac

# A daemon that dies at start is reported with its log.
status=0
err=$(env "$daemon_var=/bin/false" "$xs_run" true 2>&1) || status=$?
[ "$status" -eq 125 ] || fail "status $status with a failing daemon"
case $err in *"did not start"*) ;; *) fail "unclear message: $err" ;; esac
echo "PASS: xs-run"
