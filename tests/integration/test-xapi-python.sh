#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Python's standard xmlrpc.client (XenAPI.py's idiom) against the endpoint.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 is not installed (tools/install-deps installs it)"
    exit 77
fi
exec python3 "$top_srcdir/tests/integration/test-xapi-python.py" \
    "$top_builddir/tests/helpers/xapi-test-server" \
    "$top_builddir/api/xen-sriov-api"
