#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# make check-valgrind: every compiled test of `make check` once under
# valgrind's memcheck, in one process (CK_FORK=no), so that an invalid
# read, a use of uninitialised memory or a definite leak fails the run.
# Usage: valgrind.sh TEST...   (run from the build dir by the make target)
set -u
: "${top_builddir:?}"
if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP: valgrind is not installed (tools/install-deps installs it)"
    exit 77
fi
CK_FORK=no
CK_DEFAULT_TIMEOUT=${VALGRIND_TIMEOUT:-900}
export CK_FORK CK_DEFAULT_TIMEOUT
supp="$top_srcdir/tests/valgrind.supp"
logdir="$top_builddir/tests/valgrind"
mkdir -p "$logdir"
pass=0
fail=0
for t in "$@"; do
    log="$logdir/$(basename "$t").log"
    # Children: the tests re-exec themselves with kernel-sim.so preloaded
    # (traced); xenstored, shells and system tools are not.
    "$top_builddir/libtool" --mode=execute valgrind -q \
        --trace-children=yes --trace-children-skip='/usr/*,/bin/*,*/xenstored' \
        --error-exitcode=99 --leak-check=full \
        --show-leak-kinds=definite --errors-for-leak-kinds=definite \
        --suppressions="$supp" "$t" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $t (exit $rc; valgrind says, from $log):"
        grep -E '^==[0-9]+==' "$log" | head -n 40
        tail -n 5 "$log"
    fi
done
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
