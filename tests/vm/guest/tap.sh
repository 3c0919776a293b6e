# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Guest-side check helpers (sourced by /init and the test scripts).
# Results go to the results channel as TAP lines without numbers (the host
# numbers them): "ok - what (1.23 s)", "not ok - ...", "# comment".
# The channel is the second serial port when the VM has one, else the
# console with a prefix the host looks for.

TAP_PREFIX=
CHECK_TIMEOUT=${CHECK_TIMEOUT:-120}

tap_open() {
    if stty -F /dev/ttyS1 raw -echo 2>/dev/null; then
        exec 3>/dev/ttyS1
    else
        exec 3>/dev/console
        TAP_PREFIX="@VMTAP@ "
    fi
}

tap_line() {
    printf '%s%s\n' "$TAP_PREFIX" "$*" >&3
    [ -n "$TAP_PREFIX" ] || printf 'vmtest: %s\n' "$*" >/dev/console
}

tap_comment() { tap_line "# $*"; }
tap_ok() { tap_line "ok - $*"; }
tap_not_ok() { tap_line "not ok - $*"; }
tap_skip() { tap_line "ok - $1 # SKIP $2"; }
tap_done() { tap_line "VMTEST-DONE"; }

# Centiseconds since boot.
now_cs() {
    read -r up _ </proc/uptime
    # No program run: under TCG one may crash (docs/vm-tests.md).
    cs=${up#*.}
    echo $(( ${up%.*} * 100 + ${cs#0} ))
}

# "1.23 s" since $1 (centiseconds); a PV guest's clock may step back.
elapsed() {
    e=$(( $(now_cs) - $1 ))
    [ "$e" -ge 0 ] || e=0
    printf '%d.%02d s' $((e / 100)) $((e % 100))
}

# Forward the last lines of a file as comments.
tap_tail() {
    tail -n "${2:-15}" "$1" | while IFS= read -r l; do tap_comment "  $l"; done
}

# Run "$@" (a command, or a shell function); its output goes to
# /tmp/check.out.  Either is stopped after $CHECK_TIMEOUT seconds (a
# function's subshell is killed; what it started is left to the poweroff).
# The watchdog counts one-second sleeps, as busybox's timeout does: a PV
# guest's clock can jump under TCG, and one long sleep would end early.
run_cmd() {
    kind=$(type "$1" 2>/dev/null | sed -n 's/.* is a \(shell \)*function.*/f/p')
    if [ "$kind" != f ]; then
        timeout "$CHECK_TIMEOUT" "$@" >/tmp/check.out 2>&1
        return
    fi
    ( "$@" ) >/tmp/check.out 2>&1 &
    pid=$!
    ( i=0
      while [ "$i" -lt "$CHECK_TIMEOUT" ]; do
          sleep 1
          i=$((i + 1))
      done
      kill "$pid" 2>/dev/null &&
          echo "killed after $CHECK_TIMEOUT s (check timeout)" >>/tmp/check.out
    ) &
    dog=$!
    wait "$pid"
    rc=$?
    kill "$dog" 2>/dev/null
    return "$rc"
}

# check WHAT CMD...: ok if CMD succeeds.
check() {
    what=$1
    shift
    t0=$(now_cs)
    run_cmd "$@"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        tap_ok "$what ($(elapsed "$t0"))"
        return 0
    fi
    tap_not_ok "$what ($(elapsed "$t0"), exit $rc)"
    tap_comment "  command: $*"
    tap_tail /tmp/check.out
    return 1
}

# check_fails WHAT REGEX CMD...: ok if CMD fails and its output matches
# the extended regular expression REGEX (the error the kernel must give).
check_fails() {
    what=$1 re=$2
    shift 2
    t0=$(now_cs)
    if run_cmd "$@"; then
        tap_not_ok "$what ($(elapsed "$t0"), succeeded but must fail)"
        tap_comment "  command: $*"
        tap_tail /tmp/check.out
        return 1
    fi
    if grep -Eq "$re" /tmp/check.out; then
        tap_ok "$what ($(elapsed "$t0"))"
        return 0
    fi
    tap_not_ok "$what ($(elapsed "$t0"), failed without /$re/)"
    tap_comment "  command: $*"
    tap_tail /tmp/check.out
    return 1
}

# Forward the checks of a TAP file written by a Check test program
# (CK_TAP_LOG_FILE_NAME), prefixed with $2.
tap_forward() {
    n=0
    while IFS= read -r l; do
        case $l in
        "ok "*|"not ok "*)
            st=${l%%ok *}ok
            rest=$(echo "${l#"$st"}" |
                sed 's/^ *[0-9]* *-* *//; s,^\(\.\./\)*tests/vm/,,
                     s/: Passed$//')
            tap_line "$st - $2$rest"
            n=$((n + 1)) ;;
        "#"*) tap_line "$l" ;;
        esac
    done <"$1"
    [ "$n" -gt 0 ]
}

# Run a Check program and forward its checks; a crash or an empty TAP
# file is a failure of its own.
check_program() {
    name=$1
    shift
    t0=$(now_cs)
    rm -f "/tmp/$name.tap"
    CK_TAP_LOG_FILE_NAME=/tmp/$name.tap CK_DEFAULT_TIMEOUT=$CHECK_TIMEOUT \
        timeout "$CHECK_TIMEOUT" "$@" >"/tmp/$name.out" 2>&1
    rc=$?
    if [ ! -s "/tmp/$name.tap" ] ||
       ! tap_forward "/tmp/$name.tap" "$name: "; then
        tap_not_ok "$name wrote its results (exit $rc, $(elapsed "$t0"))"
        tap_tail "/tmp/$name.out"
        return 1
    fi
    tap_comment "$name: exit $rc in $(elapsed "$t0")"
    [ "$rc" -eq 0 ] || tap_tail "/tmp/$name.out"
    return "$rc"
}

# wait_for N CMD...: up to N tenths of a second for CMD to succeed (by the
# clock: under TCG each try may take far longer than the 0.1 s between).
wait_for() {
    end=$(( $(now_cs) + $1 * 10 ))
    shift
    while ! "$@" >/dev/null 2>&1; do
        [ "$(now_cs)" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# Load a module and its dependencies (lists made by image.sh).
load_module() {
    [ -f "/etc/modlist/$1" ] || { echo "no module list for $1" >&2; return 1; }
    while read -r ko; do
        insmod "$ko" 2>/tmp/insmod.err ||
            grep -q "File exists" /tmp/insmod.err ||
            { cat /tmp/insmod.err >&2; return 1; }
    done <"/etc/modlist/$1"
}
