#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# xen-sriov-store: its commands, exit codes and messages, on a private
# xenstored (xs-run).
set -eu
: "${top_builddir:?}"
tool=$top_builddir/store/xen-sriov-store
xs_run=$top_builddir/tests/helpers/xs-run
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
export SRIOV_ROOT="$root" tool

"$xs_run" sh -eu -c '
    fail() { echo "FAIL: $*"; exit 1; }
    "$tool" init
    [ "$(xenstore-read /tool/xen-sriov/schema-version)" = 4 ] || fail "no version"
    "$tool" check || fail "a new store does not check"
    "$tool" snapshot
    [ -f "$SRIOV_ROOT/var/lib/xen-sriov/store.xml" ] || fail "no snapshot"
    [ "$("$tool" verify)" = "0 objects" ] || fail "verify"
    xenstore-write /tool/xen-sriov/network/garbage x
    st=0; out=$("$tool" check 2>&1) || st=$?
    [ $st -eq 1 ] || fail "check gave $st on a bad store"
    case $out in *garbage*) ;; *) fail "check output: $out" ;; esac
    xenstore-rm /tool/xen-sriov/network/garbage
    [ "$("$tool" load)" = "0 objects loaded" ] || fail "load"
    [ "$("$tool" load --replace)" = "0 objects loaded" ] || fail "replace"
    echo "<nope" >"$SRIOV_ROOT/bad.xml"
    st=0; out=$("$tool" verify "$SRIOV_ROOT/bad.xml" 2>&1) || st=$?
    [ $st -eq 1 ] || fail "verify of a bad file gave $st"
    case $out in *"bad.xml"*rejected*) ;; *) fail "verify output: $out" ;; esac
    [ "$("$tool" migrate)" = "schema version 4: nothing to do" ] || fail migrate
'

case $("$tool" --version) in
"xen-sriov-store "?*" (schema version "[1-9]*")") ;;
*) fail "--version: $("$tool" --version)" ;;
esac
st=0; out=$("$tool" frobnicate 2>&1) || st=$?
[ $st -eq 2 ] || fail "unknown command gave $st"
case $out in *"unknown command"*) ;; *) fail "unclear: $out" ;; esac
st=0; out=$(XENSTORED_PATH="$root/no-socket" "$tool" check 2>&1) || st=$?
[ $st -eq 1 ] || fail "no xenstored gave $st"
case $out in *"cannot connect to xenstored at '$root/no-socket'"*"start xenstored"*) ;;
    *) fail "unclear: $out" ;; esac
echo "PASS: xen-sriov-store"
