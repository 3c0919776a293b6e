#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Xen Orchestra's connector (npm xen-api@4.7.6) against the real
# xen-sriovd on a real xenstored and a simulated host, over JSON-RPC and
# XML-RPC.  Skipped only where Node.js is absent.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "SKIP: Node.js and npm are not installed" \
        "(tools/install-deps installs them)"
    exit 77
fi
. "$top_srcdir/tests/integration/xapi-npm-install.sh"
xapi_test_user=xo
xapi_test_password=xo-secret
. "$top_srcdir/tests/integration/xapi-store-server.sh"
xapi_npm_stage xapi-store-npm-client.mjs
for transport in json-rpc xml-rpc; do
    node "$client" "$url" "$xapi_test_user" "$xapi_test_password" \
        "$transport" "$xe" ||
        { rm -rf "$rundir"; cat "$tmp/sriovd.log"
          fail "npm xen-api over $transport"; }
done
rm -rf "$rundir"
stop_daemon
