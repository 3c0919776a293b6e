#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Golden transcripts of xe against a real xenstored and a simulated host.
#
# Each tests/golden/flows/NAME.sh is a bash fragment run in a fresh state:
# an empty store (one private xenstored for the whole runner, emptied
# between flows: tests/helpers/xs-run) and a new simulated host made from
# the manifests its "# host:" line names, with kernel-sim.so preloaded.
# In it:
#   xe ARGS...     runs xe; the transcript gets "$ xe ARGS", its stdout,
#                  its stderr and "[exit N]" when N != 0; $OUT is stdout
#   note TEXT      a line of its own in the transcript ("# TEXT")
#   show CMD...    runs CMD; the transcript gets "+ CMD" and its output
#   sim_store P V  a write into the simulated sysfs, as the kernel takes it
#   xs_write P V   xenstore-write P V (what the plugin or libxl would write)
#   xl_config N T  writes T to $SRIOV_ROOT/etc/xen/N (an xl config file)
#   domain I U N   a running domain I with uuid U and name N, as libxl
#                  writes it; domain_dies I U removes it again
#   netns_up / ns CMD / xe_in_netns   (flows with "# needs: netns") a
#                  network namespace of the real kernel held open: ns runs
#                  CMD in it, and after xe_in_netns xe runs in it too
# A flow whose "# needs: netns" the machine cannot give (unshare -n) is
# skipped, said so.
# The transcript is compared with flows/NAME.out.  New objects get pinned
# uuids 00000000-0000-4000-8000-<n> (XEN_SRIOV_TEST_UUIDS, test only) and
# the host is called "dom0" (XEN_SRIOV_TEST_HOSTNAME, test only); paths of
# the run read <root> and <xs>.  GOLDEN_UPDATE=1 rewrites the .out files
# (review the diff).  FLOWS="a b" runs only those.  Then every command of
# `xe help --all` must appear in a flow or a case of tests/golden/cases.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
# Commands that change state need uid 0: a user namespace gives it to an
# unprivileged run.
if [ "$(id -u)" -ne 0 ]; then
    if unshare --map-root-user true 2>/dev/null; then
        exec unshare --map-root-user "$0" "$@"
    fi
    echo "SKIP: xe changes state only as root, and no user namespace"
    exit 77
fi
if [ -z "${XS_RUN_DIR:-}" ]; then
    exec "$top_builddir/tests/helpers/xs-run" "$0" "$@"
fi
xe_bin=$top_builddir/xe/xe
flows=$top_srcdir/tests/golden/flows
sim=$top_builddir/tests/helpers/make-sim-host
preload=$top_builddir/tests/helpers/.libs/kernel-sim.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
n=0

run_flow() {
    local name=$1 file=$2 dir=$tmp/$1 manifests
    mkdir -p "$dir"
    manifests=$(sed -n 's/^# host: *//p' "$file")
    # shellcheck disable=SC2086
    "$sim" $manifests "$dir/host" >"$dir/sim.log" 2>&1 || {
        echo "FAIL: $name: make-sim-host $manifests: $(cat "$dir/sim.log")"
        return 1
    }
    xenstore-rm /tool/xen-sriov 2>/dev/null
    # Domains a flow simulated (as xl writes them) end with it.
    for d in /local/domain /vm /libxl; do
        xenstore-rm "$d" 2>/dev/null
    done
    # The helpers are called by the flow sourced at the end.
    # shellcheck disable=SC2317,SC2034
    (
        export SRIOV_ROOT=$dir/host LD_PRELOAD=$preload LC_ALL=C
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
        export ASAN_OPTIONS
        export XEN_SRIOV_TEST_UUIDS=$dir/uuids XEN_SRIOV_TEST_HOSTNAME=dom0
        unset XE_EXTRA_ARGS XEN_SRIOV_TEST_KILL_AT
        transcript=$dir/transcript
        : >"$transcript"
        OUT=
        xe() {
            {
                printf '$ xe'
                printf ' %s' "$@"
                printf '\n'
            } >>"$transcript"
            # (a subshell: bash would report a killed xe on its stderr)
            { ( exec "$xe_bin" "$@" >"$dir/out" 2>"$dir/err" ); } 2>/dev/null
            local status=$?
            cat "$dir/out" "$dir/err" >>"$transcript"
            if [ "$status" -ge 128 ]; then
                echo "[killed by signal $((status - 128))]" >>"$transcript"
            elif [ "$status" -ne 0 ]; then
                echo "[exit $status]" >>"$transcript"
            fi
            OUT=$(cat "$dir/out")
            return "$status"
        }
        note() { echo "# $*" >>"$transcript"; }
        show() {
            echo "+ $*" >>"$transcript"
            "$@" >>"$transcript" 2>&1
        }
        sim_store() {
            printf '%s' "$2" |
                dd of="$SRIOV_ROOT/$1" status=none 2>>"$transcript"
        }
        xs_write() { xenstore-write "$1" "$2"; }
        # xl_config NAME TEXT: $SRIOV_ROOT/etc/xen/NAME holds TEXT
        xl_config() {
            mkdir -p "$(dirname "$SRIOV_ROOT/etc/xen/$1")"
            printf '%s\n' "$2" >"$SRIOV_ROOT/etc/xen/$1"
        }
        # domain ID UUID NAME [TYPE]: a running domain as libxl writes it
        domain() {
            xenstore-write /local/domain/"$1"/vm /vm/"$2" \
                /local/domain/"$1"/name "$3" /local/domain/"$1"/domid "$1" \
                /vm/"$2"/name "$3" /vm/"$2"/uuid "$2" \
                /libxl/"$1"/type "${4:-pv}"
        }
        # domain_dies ID UUID: what libxl removes when a domain is destroyed
        domain_dies() {
            xenstore-rm /local/domain/"$1"
            xenstore-rm /vm/"$2"
            xenstore-rm /libxl/"$1"
        }
        # A network namespace held by a sleeping child (killed on exit).
        netns_up() {
            local ours i
            unshare -n sleep 600 &
            hold=$!
            trap 'kill "$hold" 2>/dev/null' EXIT
            ours=$(readlink /proc/self/ns/net)
            for ((i = 0; i < 600; i++)); do
                [ "$(readlink "/proc/$hold/ns/net")" != "$ours" ] && return 0
                [ "$i" = 50 ] && echo "slow: waiting for unshare -n" >&2
                sleep 0.1
            done
            echo "FAIL: no network namespace after a minute" >&2
            return 1
        }
        ns() { nsenter --net="/proc/$hold/ns/net" "$@"; }
        xe_in_netns() {
            printf '#!/bin/sh\nexec nsenter --net=/proc/%s/ns/net %s "$@"\n' \
                "$hold" "$xe_bin" >"$dir/xe-in-netns"
            chmod +x "$dir/xe-in-netns"
            xe_bin=$dir/xe-in-netns
        }
        # shellcheck source=/dev/null
        . "$file"
    ) </dev/null
    sed -e "s#$dir/host#<root>#g" -e "s#$XS_RUN_DIR#<xs>#g" \
        -e 's#^Usage: .* <cmd> \[#Usage: xe <cmd> [#' \
        "$dir/transcript" >"$dir/got"
    if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
        cp "$dir/got" "$flows/$name.out"
    elif ! diff -u "$flows/$name.out" "$dir/got" >"$dir/diff" 2>&1; then
        echo "FAIL: $name: transcript differs"
        cat "$dir/diff"
        return 1
    fi
    cat "$dir/got" >>"$tmp/all"
    return 0
}

: >"$tmp/all"
for file in "$flows"/*.sh; do
    name=$(basename "$file" .sh)
    if [ -n "${FLOWS:-}" ] && [[ " $FLOWS " != *" $name "* ]]; then
        continue
    fi
    if grep -qx '# needs: netns' "$file" && ! unshare -n true 2>/dev/null
    then
        echo "SKIP: $name: no network namespace here (unshare -n)"
        continue
    fi
    n=$((n + 1))
    run_flow "$name" "$file" || failed=$((failed + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no flow found in $flows"; exit 1; }

# Every command is shown at work somewhere.
if [ -z "${FLOWS:-}" ]; then
    for cmd in $(env -u XE_EXTRA_ARGS "$xe_bin" help --all --minimal |
                 tr ',' ' '); do
        if ! grep -q "^\$ xe $cmd\( \|\$\)" "$tmp/all" &&
            ! grep -qx "$cmd" "$top_srcdir"/tests/golden/cases/*.args; then
            echo "FAIL: no golden flow or case runs xe $cmd"
            failed=$((failed + 1))
        fi
    done
fi
if [ "$failed" -ne 0 ]; then
    echo "FAIL: $failed of $n golden flows"
    exit 1
fi
echo "PASS: $n golden flows"
