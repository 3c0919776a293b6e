#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# xe starts with few libraries: libcurl, json-c, libxenlight, libxlutil,
# libxenctrl and libxml2 are loaded on first use (xe/deps-lazy.c,
# xe/xml-lazy.c).  A call to one of their functions that has no stand-in
# there makes the linker record the library again, silently (bench-xe's
# start-up cost more than doubled that way once): this test says which.
set -u
: "${top_builddir:?}"
command -v readelf >/dev/null 2>&1 || { echo "SKIP: no readelf (binutils)"; exit 77; }
xe=$top_builddir/xe/.libs/xe
[ -f "$xe" ] || xe=$top_builddir/xe/xe
needed=$(readelf -d "$xe" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || { echo "FAIL: readelf found no NEEDED entry in $xe"; exit 1; }
bad=$(printf '%s\n' "$needed" |
      grep -E '^lib(curl|json-c|xenlight|xlutil|xenctrl|xml2)\.so' || :)
if [ -n "$bad" ]; then
    echo "FAIL: xe links $(echo $bad) at start: a function of it is called"
    echo "      without a stand-in in xe/deps-lazy.c (or xml-lazy.c); add one"
    exit 1
fi
echo "xe starts with: $(echo $needed)"
