# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The reproduction of dom0's crashes under TCG (docs/vm-tests.md), not a
# test: a PV domU spins while dom0 runs 2 x 400 rounds of busybox
# `true` and `echo x | grep -q x`; prints how many segfaults the kernel
# saw.  Run it by hand; VM_DOM0_VCPUS=dom0_max_vcpus=2 lets dom0 share the
# CPUs with the domU (the crashes), VM_SVM=1 gives Xen SVM (more crashes):
#   top_srcdir=... top_builddir=... tests/vm/run-vm.sh --name tcg-crash \
#       --kind xen --timeout 900 xen-tcg-crash.sh
# shellcheck source=tests/vm/guest/xen-steps.sh
. /xs/tests/xen-steps.sh
# shellcheck disable=SC2034 # read by check (tap.sh)
CHECK_TIMEOUT=300
check "dom0 toolstack up" xen_start_toolstack || return 0
check "xl create spin (a domU keeping its vCPU busy)" \
    xen_create_vm spin 5a5a5a5a-0000-4000-8000-0000000019c1 xs_test=spin ||
    return 0
check "the domU spins" wait_for 1800 xen_domu_said spin SPINNING || return 0
before=$(dmesg | grep -c 'segfault at')
t0=$(now_cs)
rounds() {
    i=0
    while [ $i -lt 400 ]; do
        /bin/busybox true 2>/dev/null
        echo x | /bin/busybox grep -q x 2>/dev/null
        i=$((i + 1))
    done
}
rounds &
rounds &
wait
tap_comment "2 x 400 rounds took $(elapsed "$t0"); segfaults in dom0:" \
    "$(($(dmesg | grep -c 'segfault at') - before)) (before: $before)"
xen_crashes
xl destroy spin
:
