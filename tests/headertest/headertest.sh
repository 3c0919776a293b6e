#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Each public header compiles alone as C99 -pedantic, and the exported
# symbols of libsriov.so are exactly those of libsriov.sym.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for h in "$top_srcdir"/include/sriov/*.h; do
    name=$(basename "$h")
    printf '#include <sriov/%s>\nint main(void) { return 0; }\n' "$name" >"$tmp/t.c"
    "$cc" -std=c99 -pedantic -Wall -Wextra -Werror -I"$top_srcdir/include" \
        -I"$top_builddir/include" -c "$tmp/t.c" -o "$tmp/t.o" || {
        echo "FAIL: $name does not compile alone under -std=c99 -pedantic"; exit 1; }
done
so=$(ls "$top_builddir"/libsriov/.libs/libsriov.so.* 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "FAIL: libsriov.so not built"; exit 1; }
nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "D" || $2 == "B" { print $3 }' \
    | sed 's/@.*//' | grep -v '^LIBSRIOV_' | sort -u >"$tmp/exported"
sed -e 's,/\*.*\*/,,' "$top_srcdir/libsriov/libsriov.sym" | tr -d ' \t' \
    | grep -E '^[a-z_][a-z0-9_]*;$' | tr -d ';' | sort -u >"$tmp/listed"
if ! diff -u "$tmp/listed" "$tmp/exported"; then
    echo "FAIL: exported symbols differ from libsriov.sym"; exit 1
fi
# The testable-root rule: only libsriov/sysfs.c may spell a /sys path, in
# every folder of the product (tests, benchmarks and fuzzers may).
src=$(find "$top_srcdir"/libsriov "$top_srcdir"/store "$top_srcdir"/plugin \
    "$top_srcdir"/daemon "$top_srcdir"/boot "$top_srcdir"/ops \
    "$top_srcdir"/xe "$top_srcdir"/api \
    "$top_srcdir"/sriov-info "$top_srcdir"/include \
    -name '*.[ch]' ! -path '*/libsriov/sysfs.c')
[ "$(echo "$src" | wc -l)" -gt 50 ] || {
    echo "FAIL: the /sys guard found only $(echo "$src" | wc -l) files"; exit 1; }
# shellcheck disable=SC2086
if grep -n '"/sys' $src; then
    echo "FAIL: a '/sys' literal outside libsriov/sysfs.c"; exit 1
fi
# Above libsriov no sysfs path is spelled at all, rooted or not: the host is
# read through libsriov (sriov_ifname_read() and the like).
above=$(echo "$src" | grep -v '/libsriov/')
# shellcheck disable=SC2086
if grep -nE '"[^"]*sys/(class|bus|devices|module)/' $above; then
    echo "FAIL: a sysfs path above libsriov: read it through libsriov"; exit 1
fi
echo "PASS: headers, exported symbols and the testable-root rule"
