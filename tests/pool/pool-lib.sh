# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by tests/pool/test-pool.sh and bench/pool-bench.sh (sourced):
# free loopback ports, and xe on one simulated host of a pool.
# Needs $b (the build tree), $tmp (hosts in $tmp/hN, their xenstored
# sockets in $tmp/hN.xs) and $preload (kernel-sim.so).

# free_ports N: N free TCP ports on 127.0.0.1, space-separated.
free_ports() {
    python3 -c '
import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"
}

# on N XE-ARGS...: xe on host N.
on() {
    n=$1; shift
    SRIOV_ROOT=$tmp/h$n XENSTORED_PATH=$(cat "$tmp/h$n.xs") \
    XEN_SRIOV_TEST_HOSTNAME=host$n LD_PRELOAD=$preload "$b/xe/xe" "$@"
}
