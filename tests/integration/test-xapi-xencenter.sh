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
stop_daemon
