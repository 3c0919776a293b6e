#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Golden-output tests of xe: for each cases/NAME.args (one argument per
# line), run xe and compare stdout, stderr and the exit status with
# cases/NAME.out, NAME.err and NAME.status.  GOLDEN_UPDATE=1 rewrites the
# expected files from the current output (review the diff before a commit).
# The commands run against an empty store on a private xenstored (xs-run)
# and an empty host root; tests/golden/flow.sh has the stateful ones.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
if [ -z "${XS_RUN_DIR:-}" ]; then
    exec "$top_builddir/tests/helpers/xs-run" "$0" "$@"
fi
xe=$top_builddir/xe/xe
cases=$top_srcdir/tests/golden/cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root"
export SRIOV_ROOT=$tmp/root
failed=0
n=0
for argsfile in "$cases"/*.args; do
    name=$(basename "$argsfile" .args)
    args=()
    while IFS= read -r line || [ -n "$line" ]; do
        args+=("$line")
    done <"$argsfile"
    n=$((n + 1))
    # A clean environment: no XE_EXTRA_ARGS, the C locale.
    env -u XE_EXTRA_ARGS LC_ALL=C "$xe" "${args[@]}" \
        >"$tmp/out" 2>"$tmp/err.raw"
    echo "$?" >"$tmp/status"
    # The usage text shows the program as invoked (a libtool path here).
    sed -e 's#^Usage: .* <cmd> \[#Usage: xe <cmd> [#' \
        -e 's#^\t.* help -s <server>#\txe help -s <server>#' \
        "$tmp/err.raw" >"$tmp/err"
    for part in out err status; do
        if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
            cp "$tmp/$part" "$cases/$name.$part"
        elif ! diff -u "$cases/$name.$part" "$tmp/$part" \
                >"$tmp/diff" 2>&1; then
            echo "FAIL: $name: $part differs (xe ${args[*]})"
            cat "$tmp/diff"
            failed=$((failed + 1))
        fi
    done
done
if [ "$n" -eq 0 ]; then
    echo "FAIL: no golden case found in $cases"
    exit 1
fi
if [ "$failed" -ne 0 ]; then
    echo "FAIL: $failed golden mismatches in $n cases"
    exit 1
fi
echo "PASS: $n golden cases"
