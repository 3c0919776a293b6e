#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# xe starts with few libraries: libcurl, json-c, libxenlight, libxlutil,
# libxenctrl and libxml2 are loaded on first use (xe/deps-lazy.c,
# xe/xml-lazy.c), and so are libsriov's libpci and libnl
# (libsriov/deps.h).  A call to one of their functions that has no
# stand-in there makes the linker record the library again, silently
# (bench-xe's start-up cost more than doubled that way once): this test
# says which.  It reads xe's and libsriov's NEEDED entries, and the whole
# list of libraries the loader maps when xe starts.
set -u
: "${top_builddir:?}"
command -v readelf >/dev/null 2>&1 || { echo "SKIP: no readelf (binutils)"; exit 77; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
xe=$top_builddir/xe/.libs/xe
[ -f "$xe" ] || xe=$top_builddir/xe/xe
libsriov=$top_builddir/libsriov/.libs/libsriov.so
lazy='^lib(curl|json-c|xenlight|xlutil|xenctrl|xml2|pci|nl-3|nl-route-3|udev|z)\.so'

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

for f in "$xe" "$libsriov"; do
    n=$(needed "$f")
    [ -n "$n" ] || { fail "readelf found no NEEDED entry in $f"; continue; }
    bad=$(printf '%s\n' "$n" | grep -E "$lazy" || :)
    [ -z "$bad" ] || fail "$(basename "$f") links $(echo $bad) at start: a" \
        "function of it is called without a stand-in in xe/deps-lazy.c" \
        "(xml-lazy.c) or a line in libsriov/deps.h; add one"
    echo "$(basename "$f") needs: $(echo $n)"
done

# What the loader maps for xe (its libsriov the one built here): no lazy
# library, and none but libsriov's and libxenstore's own beside libc.
loaded=$(LD_LIBRARY_PATH=$top_builddir/libsriov/.libs \
         LD_TRACE_LOADED_OBJECTS=1 "$xe" 2>&1 | awk '{print $1}')
printf '%s\n' "$loaded" | grep -q '^libc\.so' ||
    fail "LD_TRACE_LOADED_OBJECTS listed no libc for xe: $(echo $loaded)"
bad=$(printf '%s\n' "$loaded" | grep -E "$lazy" || :)
[ -z "$bad" ] || fail "xe loads $(echo $bad) at start"
# (--enable-sanitizers adds its runtimes and theirs: not ours to cut.)
other=$(printf '%s\n' "$loaded" |
        grep -vE '^(linux-vdso|/lib.*/ld-linux|ld-linux|libc\.so|libsriov\.so|libxenstore\.so|libxentoolcore\.so)' |
        grep -vE '^lib(asan|ubsan|lsan|stdc\+\+|gcc_s|m)\.so' || :)
[ -z "$other" ] || fail "xe loads more at start than libsriov, libxenstore" \
    "(with libxentoolcore) and libc: $(echo $other); load it on first use" \
    "(xe/deps-lazy.c) or say here why not"
echo "xe loads: $(echo $loaded)"
[ "$fails" -eq 0 ]
