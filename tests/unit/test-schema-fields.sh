#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# xenstore-schema/fields.h and fields.c are what schema-fields prints from
# the schema table, and the store's record accessors take their ids only:
# a misspelt field id, or a field named by a string, does not compile.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for x in h c; do
    "$top_builddir/xenstore-schema/schema-fields" "$x" >"$tmp/fields.$x"
    if ! diff -u "$top_srcdir/xenstore-schema/fields.$x" "$tmp/fields.$x"; then
        echo "FAIL: xenstore-schema/fields.$x disagrees with the schema" \
            "table: run 'make schema-doc' and commit the result"
        exit 1
    fi
done

# compile NAME CODE: compile CODE (a function body using a record r and a
# store s) as the project does; the compiler's output is in $tmp/NAME.err.
compile() {
    cat >"$tmp/$1.c" <<END
#include "store/store.h"
int probe(store *s, store_record *r);
int probe(store *s, store_record *r)
{
    $2
}
END
    "$cc" -std=gnu11 -Wall -Wextra -Werror -fsyntax-only -I"$top_srcdir" \
        -I"$top_builddir" "$tmp/$1.c" >"$tmp/$1.err" 2>&1
}
# must_fail NAME CODE WORD: CODE does not compile, and the compiler names WORD.
must_fail() {
    if compile "$1" "$2"; then
        echo "FAIL: $1 compiled: $2"; exit 1
    fi
    grep -q -- "$3" "$tmp/$1.err" || {
        echo "FAIL: $1: the compiler did not name '$3':"; cat "$tmp/$1.err"
        exit 1; }
    echo "ok: $1 does not compile"
}

# The right spelling compiles (so the failures below are the names').
compile good '
    struct store_match m = { SF_physical, "true" };
    (void)m;
    if (store_record_set(r, SF_MTU, "9000") < 0)
        return -1;
    return store_record_get(r, SF_name_label) != NULL &&
           store_set_field(s, "PIF", "", SF_currently_attached, "true");' || {
    echo "FAIL: the control file does not compile:"; cat "$tmp/good.err"
    exit 1; }
must_fail misspelt-get \
    'return store_record_get(r, SF_name_lable) != NULL;' SF_name_lable
must_fail misspelt-set \
    'return store_record_set(r, SF_mtu, "9000");' SF_mtu
must_fail misspelt-match \
    'struct store_match m = { SF_pyhsical, "true" }; (void)m; return 0;' \
    SF_pyhsical
must_fail string-get \
    'return store_record_get(r, "name_label") != NULL;' store_record_get
must_fail string-set-field \
    'return store_set_field(s, "PIF", "", "currently_attached", "true");' \
    store_set_field
must_fail string-match \
    'struct store_match m = { "physical", "true" }; (void)m; return 0;' \
    store_match
echo "PASS: fields.h/fields.c match the table;" \
    "misspelt or string fields do not compile"
