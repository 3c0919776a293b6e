#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Only root may change state: every command of `xe help --all --minimal`
# that changes the host fails for an unprivileged uid with xe's
# USER_IS_NOT_LOCAL_SUPERUSER text, and every reading one does not.  Run as
# root, the unprivileged runs go through setpriv(1) as nobody (65534).
# Against a private xenstored (xs-run) and an empty host root.
set -u
: "${top_builddir:?}"
if [ -z "${XS_RUN_DIR:-}" ]; then
    exec "$top_builddir/tests/helpers/xs-run" "$0" "$@"
fi
xe=$top_builddir/xe/xe
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir "$tmp/root"
export SRIOV_ROOT=$tmp/root

if [ "$(id -u)" -eq 0 ]; then
    if ! command -v setpriv >/dev/null 2>&1; then
        echo "SKIP: running as root and setpriv(1) is missing"
        exit 77
    fi
    # The build tree may sit below a directory only root can search (a
    # mkdtemp checkout): keep CAP_DAC_READ_SEARCH so nobody reaches the
    # binary; the uid check under test sees uid 65534 all the same.
    unpriv() {
        setpriv --reuid=65534 --regid=65534 --clear-groups \
            --inh-caps=+dac_read_search --ambient-caps=+dac_read_search "$@"
    }
else
    unpriv() { "$@"; }
fi

failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# Required parameters of a command, from its help, as key=x words.
reqd_args() {
    "$xe" help "$1" | sed -n 's/^ *reqd params *: //p' | tr -d ' ' |
        tr ',' '\n' | sed '/^$/d; s/$/=x/'
}

cmds=$("$xe" help --all --minimal | tr ',' ' ')
[ -n "$cmds" ] || { echo "FAIL: no command listed"; exit 1; }
n=0
for cmd in $cmds; do
    mapfile -t args < <(reqd_args "$cmd")
    unpriv env -u XE_EXTRA_ARGS "$xe" "$cmd" "${args[@]}" \
        >"$tmp/out" 2>"$tmp/err"
    status=$?
    n=$((n + 1))
    case $cmd in
    *-list|*-param-get|*-diagnose)
        # Reading: xe lets it through (xenstored may still refuse nobody).
        grep -q "local superuser" "$tmp/err" &&
            fail "$cmd: a reading command was refused to nobody"
        continue ;;
    esac
    [ "$status" -eq 1 ] || fail "$cmd: exit status $status, expected 1"
    [ -s "$tmp/out" ] && fail "$cmd: printed on stdout"
    {
        echo "Only the local superuser can perform this operation."
        echo "msg: $cmd changes the host: run it as root (uid 0)," \
            "for example with sudo"
    } >"$tmp/want"
    diff -u "$tmp/want" "$tmp/err" || fail "$cmd: unexpected error text"
done

# Parameters are checked before privileges, as xe does before logging in.
unpriv "$xe" network-sriov-create >"$tmp/out" 2>"$tmp/err"
grep -qx 'Required parameter not found: pif-uuid' "$tmp/err" ||
    fail "network-sriov-create: missing parameter not reported first"
unpriv "$xe" help network-sriov-create >"$tmp/out" 2>"$tmp/err" ||
    fail "help needs no privilege"

# Root passes the check (and meets the operation's own checks).
if [ "$(id -u)" -eq 0 ]; then
    "$xe" network-sriov-create pif-uuid=p network-uuid=n 2>"$tmp/err"
    grep -qx 'type: PIF' "$tmp/err" ||
        fail "root was refused network-sriov-create: $(cat "$tmp/err")"
fi

if [ "$failed" -ne 0 ]; then
    echo "FAIL: $failed checks failed over $n commands"
    exit 1
fi
echo "PASS: root-only check on $n commands"
