#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# XenCenter's connect sequence (xenserver/xenadmin, cited call by call in
# test-xapi-xencenter.py) over JSON-RPC v2 and XML-RPC against the real
# xen-sriovd on a real xenstored and a simulated host.
set -eu
: "${top_srcdir:?}"
xapi_test_needs=python3
xapi_test_user=admin
xapi_test_password=xc-secret
. "$top_srcdir/tests/integration/xapi-store-server.sh"
PYTHONPATH=$top_srcdir/tests/integration python3 \
    "$top_srcdir/tests/integration/test-xapi-xencenter.py" \
    "$url" "$sock" "$SRIOV_ROOT" "$xapi_test_user" "$xapi_test_password" ||
    { cat "$tmp/sriovd.log"; fail "XenCenter's sequence"; }
# One session per connection: XenCenter's login retries (a new session
# each, never logged out) would show here as more "session opened" lines.
n=$(grep -c "session opened for user '$xapi_test_user'" "$tmp/sriovd.log")
[ "$n" -eq 2 ] || fail "$n sessions opened for the 2 connections"
# A uid other than 0 on the unix socket (opened to it for this): refused.
# Needs a uid to switch to: real root, not a one-uid user namespace.  As
# tests/xe/root-only.sh, nobody keeps CAP_DAC_READ_SEARCH to reach the
# tree; the socket's peer credentials say uid 65534 all the same.
py=$(command -v python3)
if [ -x /usr/bin/python3 ]; then py=/usr/bin/python3; fi
if command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    chmod 0666 "$sock"
    setpriv --reuid=65534 --regid=65534 --clear-groups \
        --inh-caps=+dac_read_search --ambient-caps=+dac_read_search \
        "$py" "$top_srcdir/tests/integration/test-xapi-xencenter.py" \
        "$url" "$sock" "$SRIOV_ROOT" x x --not-root ||
        { cat "$tmp/sriovd.log"; fail "a non-root uid on the socket"; }
    grep -q "login failed for user 'root' from unix:uid=65534" \
        "$tmp/sriovd.log" || fail "the refusal names uid 65534"
else
    echo "# not run: a non-root uid on the socket (no uid to switch to" \
        "in this user namespace; test-xapi-session checks the rule)"
fi
stop_daemon
