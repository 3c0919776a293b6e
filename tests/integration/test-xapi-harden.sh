#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The XenAPI endpoint's limits against clients that misbehave, on the real
# xen-sriovd, a real xenstored and a simulated host: half-open connections
# (per-address limit, header timeout, the unix socket still served), bodies
# over the limit (chunked or not), oversized logins, forged log lines, and
# 100 parallel logins from one client (test-xapi-harden.py).
set -eu
: "${top_srcdir:?}"
xapi_test_needs=python3
xapi_test_user=admin
xapi_test_password=harden-secret
xapi_test_daemon_args="--max-body 65536 --max-per-address 4 --header-timeout 2"
. "$top_srcdir/tests/integration/xapi-store-server.sh"
python3 "$top_srcdir/tests/integration/test-xapi-harden.py" \
    "$url" "$sock" "$tmp/sriovd.log" "$xapi_test_user" \
    "$xapi_test_password" ||
    { cat "$tmp/sriovd.log"; fail "hardening"; }
stop_daemon
