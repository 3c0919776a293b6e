#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run both libFuzzer targets for FUZZ_SECONDS each (default 60), seeded
# with the golden request files; prints libFuzzer's figures.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
secs=${FUZZ_SECONDS:-60}
for proto in xmlrpc jsonrpc; do
    corpus="$top_builddir/fuzz/corpus-$proto"
    mkdir -p "$corpus"
    cp "$top_srcdir/tests/data/$proto"/*.request "$corpus/"
    echo "== fuzz-$proto for $secs s (corpus $corpus)"
    "$top_builddir/fuzz/fuzz-$proto" -max_total_time="$secs" -max_len=8192 \
        -print_final_stats=1 -dict="$top_srcdir/fuzz/$proto.dict" \
        "$corpus" 2>&1 |
        grep -E '^(#[0-9]+ *DONE|stat::|INFO: .*corpus|==[0-9]+==|SUMMARY)' ||
        true
done
