#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# debian/ agrees with the tree: debian/changelog's upstream version is
# configure.ac's, each symbols file lists exactly the symbols of its
# library's version script (tools/deb-symbols), and every file of debian/
# goes into the dist tarball that `make deb` builds from.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$top_builddir/config.h")
[ -n "$version" ] || { echo "FAIL: no PACKAGE_VERSION in config.h"; exit 1; }
deb=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$top_srcdir/debian/changelog")
up=$deb
[ "$up" = "$version" ] ||
    fail "debian/changelog is at $deb, configure.ac at $version: run 'make deb-changelog'"

names() { sed -n 's/^ \([^ ]*\) .*/\1/p' "$1" | LC_ALL=C sort; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for spec in libsriov/libsriov.sym:libsriov.so.1:libsriov1 \
            plugin/libsriov-xl.sym:libsriov-xl.so.0:libsriov-xl0; do
    IFS=: read -r script soname pkg <<E
$spec
E
    file=$top_srcdir/debian/$pkg.symbols
    [ -f "$file" ] || { fail "no debian/$pkg.symbols"; continue; }
    "$top_srcdir/tools/deb-symbols" "$top_srcdir/$script" "$soname" "$pkg" >"$tmp/want"
    names "$tmp/want" >"$tmp/want.names"
    names "$file" >"$tmp/have.names"
    diff -u "$tmp/want.names" "$tmp/have.names" >"$tmp/diff" ||
        { cat "$tmp/diff"; fail "debian/$pkg.symbols differs from $script (+ only in the symbols file): tools/deb-symbols $script $soname $pkg [MINVER] makes the lines"; }
    head -n 1 "$file" | grep -qx "$soname $pkg #MINVER#" ||
        fail "debian/$pkg.symbols does not start with '$soname $pkg #MINVER#'"
    # The soname is the one libtool gives the library.
    so=$(ls "$top_builddir/$(dirname "$script")/.libs/$soname" 2>/dev/null || :)
    [ -n "$so" ] || fail "$soname is not built (libtool -version-info and debian/ disagree)"
done

# Every file of debian/ is distributed (debian/local.mk's EXTRA_DIST).
mk=$top_srcdir/debian/local.mk
# (What an in-tree dpkg-buildpackage leaves there is not.)
(cd "$top_srcdir" && find debian debian/source -maxdepth 1 -type f \
    ! -name files ! -name '*.substvars' ! -name '*debhelper*' ! -name '.*' |
    LC_ALL=C sort -u) >"$tmp/files"
while read -r f; do
    grep -q "[[:space:]]$f\( \|\\\\\|$\)" "$mk" || fail "$f is not in debian/local.mk's DEB_FILES"
done <"$tmp/files"

[ "$fails" -eq 0 ] || exit 1
echo "PASS: debian/ agrees with configure.ac, the version scripts and the dist"
