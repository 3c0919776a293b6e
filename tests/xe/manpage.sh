#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# man/xe.1 renders without a groff warning and names every command that
# `xe help --all --minimal` lists.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
xe=$top_builddir/xe/xe
page=$top_srcdir/man/xe.1
command -v groff >/dev/null 2>&1 || { echo "SKIP: groff is missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

groff -man -ww -z "$page" 2>"$tmp/warnings"
if [ -s "$tmp/warnings" ]; then
    echo "FAIL: groff warns about man/xe.1:"
    cat "$tmp/warnings"
    failed=$((failed + 1))
fi
LC_ALL=C groff -man -Tascii -P-cbou -rHY=0 -rLL=1000n "$page" \
    2>/dev/null >"$tmp/text"
cmds=$(env -u XE_EXTRA_ARGS "$xe" help --all --minimal | tr ',' ' ')
[ -n "$cmds" ] || { echo "FAIL: xe lists no command"; exit 1; }
for cmd in $cmds help; do
    if ! grep -Eq "(^|[^a-z-])$cmd([^a-z-]|\$)" "$tmp/text"; then
        echo "FAIL: man/xe.1 does not describe $cmd"
        failed=$((failed + 1))
    fi
done
[ "$failed" -eq 0 ] || exit 1
echo "PASS: man page"
