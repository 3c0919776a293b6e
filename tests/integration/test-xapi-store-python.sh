#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Python's standard xmlrpc.client, in XenAPI.py's idiom, against the real
# xen-sriovd on a real xenstored and a simulated host.
set -eu
: "${top_srcdir:?}"
xapi_test_needs=python3
xapi_test_user=admin
xapi_test_password=py-secret
. "$top_srcdir/tests/integration/xapi-store-server.sh"
python3 "$top_srcdir/tests/integration/test-xapi-store-python.py" \
    "$url" "$sock" "$xe" "$xapi_test_user" "$xapi_test_password" ||
    { cat "$tmp/sriovd.log"; fail "python client"; }
stop_daemon
