#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# xenstore-schema/paths.md is what schema-doc prints from the schema table.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$top_builddir/xenstore-schema/schema-doc" >"$tmp"
if ! diff -u "$top_srcdir/xenstore-schema/paths.md" "$tmp"; then
    echo "FAIL: xenstore-schema/paths.md disagrees with the schema table:" \
        "run 'make schema-doc' and commit the result"
    exit 1
fi
grep -q '^#### /tool/xen-sriov/network/\$UUID/MTU = INTEGER \[required,rw,default=1500\]$' \
    "$top_srcdir/xenstore-schema/paths.md" || {
    echo "FAIL: paths.md lacks the expected network MTU line"; exit 1; }
echo "PASS: paths.md matches the schema table"
