#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# libsriov-xl, as a toolstack uses it: it exports exactly the symbols of
# libsriov-xl.sym; a program built against include/sriov/xl.h links with
# -lsriov-xl alone and, with no xenstored to reach, gets a clean error.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lib=$top_builddir/plugin/.libs
so=$(find "$lib" -name "libsriov-xl.so.*" 2>/dev/null | head -n 1)
[ -n "$so" ] || { echo "FAIL: libsriov-xl.so not built"; exit 1; }
nm -D --defined-only "$so" | awk '$2 == "T" { print $3 }' | sed 's/@.*//' |
    sort -u >"$tmp/exported"
sed -e 's,/\*.*\*/,,' "$top_srcdir/plugin/libsriov-xl.sym" | tr -d ' \t' |
    grep -E '^[a-z_][a-z0-9_]*;$' | tr -d ';' | sort -u >"$tmp/listed"
diff -u "$tmp/listed" "$tmp/exported" ||
    { echo "FAIL: libsriov-xl exports differ from libsriov-xl.sym"; exit 1; }

cat >"$tmp/toolstack.c" <<'C'
#define LIBXL_API_VERSION 0x041300
#include <errno.h>
#include <stdio.h>
#include <sriov/xl.h>

int main(void)
{
    sriov_xl *sx = NULL;
    int r = sriov_xl_open(&sx, NULL);

    /* No xenstored here: a clean failure, nothing written. */
    if (r >= 0 || sx) {
        printf("opened without xenstored\n");
        return 1;
    }
    printf("sriov_xl_open: %d\n", r);
    return sriov_xl_close(NULL) == NULL ? 0 : 1;
}
C
# Built as the tree is (with the sanitizers when configured so: an ASan
# library needs its runtime in the program).
san=$(sed -n 's/^SANITIZER_LDFLAGS = //p' "$top_builddir/Makefile")
# shellcheck disable=SC2046,SC2086 # flag lists
"$cc" -std=c99 -Wall -Werror $san -I"$top_srcdir/include" -I"$top_builddir/include" \
    $(pkg-config --cflags xenlight) -o "$tmp/toolstack" "$tmp/toolstack.c" \
    -L"$lib" -lsriov-xl -Wl,-rpath,"$lib" \
    -Wl,-rpath,"$top_builddir/libsriov/.libs" ||
    { echo "FAIL: a toolstack does not build against sriov/xl.h"; exit 1; }
XENSTORED_PATH=$tmp/no-xenstored "$tmp/toolstack" >"$tmp/out" ||
    { cat "$tmp/out"; echo "FAIL: sriov_xl_open without xenstored"; exit 1; }
grep -q 'sriov_xl_open: -' "$tmp/out"
