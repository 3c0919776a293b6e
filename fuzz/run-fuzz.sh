#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the XenAPI libFuzzer targets for FUZZ_SECONDS each (default 60),
# seeded with the golden request files; prints libFuzzer's figures.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
secs=${FUZZ_SECONDS:-60}

# run NAME CORPUS DICT: one target, its final figures.
run() {
    echo "== fuzz-$1 for $secs s (corpus $2)"
    "$top_builddir/fuzz/fuzz-$1" -max_total_time="$secs" -max_len=8192 \
        -print_final_stats=1 ${3:+-dict="$3"} "$2" 2>&1 |
        grep -E '^(#[0-9]+ *DONE|stat::|INFO: .*corpus|==[0-9]+==|SUMMARY)' ||
        true
}

for proto in xmlrpc jsonrpc; do
    corpus="$top_builddir/fuzz/corpus-$proto"
    mkdir -p "$corpus"
    cp "$top_srcdir/tests/data/$proto"/*.request "$corpus/"
    run "$proto" "$corpus" "$top_srcdir/fuzz/$proto.dict"
done

# fuzz-xapi-store: byte 0 = XML-RPC call, 1 = JSON-RPC request, 2 = a
# record (class byte, then field lines).
corpus="$top_builddir/fuzz/corpus-xapi-store"
mkdir -p "$corpus"
i=0
for proto in xmlrpc jsonrpc; do
    prefix=$([ "$proto" = xmlrpc ] && echo '\000' || echo '\001')
    for f in "$top_srcdir/tests/data/xapi-store/$proto"/*.request; do
        i=$((i + 1))
        { printf "$prefix"; cat "$f"; } >"$corpus/seed-$i"
    done
done
printf '\002\004uuid=00000000-0000-4000-8000-00000000000c\ndevice=eth0\ncapabilities=sriov\nsriov_physical_PIF_of+00000000-0000-4000-8000-00000000000f\nother_config:k=v\nMTU=9000\n' \
    >"$corpus/seed-pif"
printf '\002\006uuid=00000000-0000-4000-8000-000000000050\nVM=11111111-2222-4333-8444-555555555501\nother_config:vlan=100\n' \
    >"$corpus/seed-vif"
run xapi-store "$corpus" ""

# fuzz-vm-config: xl config files.
corpus="$top_builddir/fuzz/corpus-vm-config"
mkdir -p "$corpus"
cp "$top_srcdir/fuzz/corpus-vm-config"/* "$corpus/"
LSAN_OPTIONS=suppressions=$top_srcdir/fuzz/lsan-xlutil.supp \
    run vm-config "$corpus"
