# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The steps of the Xen tests, one function each, so that a step can move
# from plain xl/sysfs to the project's own commands (daemon, xe) without
# touching the checks around it.  Sourced by the dom0 test scripts.

XS_DEV=/sys/bus/pci/devices

# Installed packages (deb-install.sh ran earlier in this VM): the programs
# of /usr/sbin and /usr/bin on the packaged libraries, not the build
# tree's copies in /xs/bin.
if [ -f /var/lib/dpkg/info/xen-sriov.list ]; then
    PATH=/usr/sbin:/usr/bin:$PATH
    unset LD_LIBRARY_PATH
    tap_comment "installed programs: $(command -v xe) $(command -v xen-sriovd)" \
        "$(command -v xen-sriov-restore) $(command -v sriov-info)"
fi

# dom0 userland: modules, xenfs, xenstored, xen-init-dom0, and
# xenconsoled logging each guest's console to guest-<name>.log.  The C
# xenstored, or with XEN_XENSTORED=oxenstored the OCaml one, Debian's
# default (/etc/default/xen), with Debian's /etc/xen/oxenstored.conf; both
# fork and write /var/run/xenstored.pid, as /etc/init.d/xen starts them.
xen_start_toolstack() {
    for m in xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs \
             xen-pciback nvme; do
        load_module "$m" || return 1
    done
    mkdir -p /proc/xen /var/run/xen /var/run/xenstored /var/lib/xen \
        /var/lib/xenstored /var/log/xen/console /var/lock
    mount -t xenfs xenfs /proc/xen || return 1
    case ${XEN_XENSTORED:-xenstored} in
    xenstored | oxenstored) ;;
    *) echo "XEN_XENSTORED='$XEN_XENSTORED': xenstored or oxenstored"
       return 1 ;;
    esac
    "/usr/lib/xen-4.17/bin/${XEN_XENSTORED:-xenstored}" \
        --pid-file /var/run/xenstored.pid || return 1
    i=0
    while [ ! -S /var/run/xenstored/socket ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -S /var/run/xenstored/socket ] ||
        { echo "xenstored made no socket"; return 1; }
    /usr/lib/xen-4.17/bin/xen-init-dom0 || return 1
    /usr/lib/xen-4.17/bin/xenconsoled --log=guest \
        --log-dir=/var/log/xen/console || return 1
}

# xl itself crashes now and then under QEMU's TCG (SIGSEGV, or SIGABRT on
# "corrupted double-linked list"), or its XZ decompression of the domU's
# kernel fails ("unable to XZ decompress kernel"), not because of what it
# was asked: such a create or destroy is run again (up to 3 times) unless
# it got there before dying; the crash is said on stderr.
xl() {
    tries=0
    while :; do
        timeout 300 /usr/lib/xen-4.17/bin/xl "$@" 2>/tmp/xl.err
        rc=$?
        cat /tmp/xl.err >&2
        [ "$rc:$1" = 3:create ] &&
            grep -q 'unable to XZ decompress kernel' /tmp/xl.err && rc=139
        case $rc:$1 in
        134:create|139:create|134:destroy|139:destroy) ;;
        *) return $rc ;;
        esac
        tries=$((tries + 1))
        [ $tries -lt 3 ] || return $rc
        echo "xl $* crashed (exit $rc, TCG): once more" >&2
        if [ "$1" = create ]; then
            dom=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$2")
            # The crashed try may have made the domain (xl's child dies
            # after it), and `xl domid` can crash too: asked 3 times.
            xen_settled 3 /usr/lib/xen-4.17/bin/xl domid "$dom" \
                >/dev/null && return 0
        elif ! /usr/lib/xen-4.17/bin/xl domid "$2" >/dev/null 2>&1; then
            return 0
        fi
    done
}

# The PF of QEMU's NVMe controller: the device with sriov_totalvfs.
xen_find_pf() {
    for d in "$XS_DEV"/*; do
        [ -f "$d/sriov_totalvfs" ] && { basename "$d"; return 0; }
    done
    return 1
}

# The PF of QEMU's igb (Intel 82576, 8086:10c9) and its interface.
xen_igb_pf() {
    for d in "$XS_DEV"/*; do
        [ "$(cat "$d/vendor")" = 0x8086 ] &&
            [ "$(cat "$d/device")" = 0x10c9 ] && { basename "$d"; return 0; }
    done
    return 1
}
xen_pf_if() {
    for n in "$XS_DEV/$1/net"/*; do
        [ -e "$n" ] && { basename "$n"; return 0; }
    done
    return 1
}

# xen_igb_up: the checks that load igb in dom0 and bring its PF up (as the
# host's network configuration would, ifupdown on Debian); sets $pf and
# $pfif.  Fails when one failed.
xen_igb_up() {
    check "igb loads in dom0" load_module igb || return 1
    pf=$(xen_igb_pf)
    pfif=$(xen_pf_if "$pf")
    check "the igb PF $pf is $pfif; link set up" ip link set "$pfif" up
}

# xen_settled N CMD...: a read-only condition, tried up to N times a
# second apart until it holds, so that a dom0 command crashed under TCG
# (docs/vm-tests.md) is one more try, not a failed check; prints the
# output of the last try.
xen_settled() {
    n=$1
    shift
    i=1
    while ! "$@" >/tmp/settled.out 2>&1; do
        [ $i -lt "$n" ] || { cat /tmp/settled.out; return 1; }
        sleep 1
        i=$((i + 1))
    done
    cat /tmp/settled.out
}

# xen_vf_line IF N: VF N's line of `ip link show IF` (MAC, VLAN, spoof
# checking, link-state, trust, as the driver reports them).  iproute2's ip:
# busybox's shell runs its own applet for a bare `ip`, which shows no VFs.
xen_vf_line() {
    /usr/sbin/ip link show "$1" | tr -s ' ' | sed -n "s/^ *vf $2 /vf $2 /p"
}

# xen_start_sriovd: xen-sriovd as its systemd unit runs it (verbose, its
# log in /tmp/sriovd.log); $sriovd is its pid.  Call it from the script's
# own shell, not through check (which runs a function in a subshell: the
# script would not know $sriovd, and `kill ""` signals the whole process
# group), then check xen_sriovd_ready.
xen_start_sriovd() {
    cmd="xen-sriovd --foreground"
    unit=/lib/systemd/system/xen-sriovd.service
    # Installed: the command line of the unit's ExecStart.
    [ ! -f "$unit" ] || cmd=$(sed -n 's/^ExecStart=//p' "$unit")
    # shellcheck disable=SC2086 # the unit's words
    $cmd --verbose >/tmp/sriovd.log 2>&1 &
    # shellcheck disable=SC2034 # the scripts stop it
    sriovd=$!
}
xen_sriovd_ready() {
    wait_for 600 grep -q 'watching domains' /tmp/sriovd.log
}

# xen_sriovd_stop: SIGTERM, then wait until it has exited (a zombie not yet
# reaped by the shell counts as exited).
xen_sriovd_gone() {
    [ ! -e "/proc/$sriovd" ] || grep -q '^State:.*Z' "/proc/$sriovd/status"
}
xen_sriovd_stop() {
    [ -n "$sriovd" ] || { echo "xen-sriovd's pid is unknown"; return 1; }
    kill "$sriovd" && wait_for 900 xen_sriovd_gone
}

# xen_sriovd_log [N]: the last N lines of its log, as comments, then
# xen_crashes.
xen_sriovd_log() {
    tap_comment "xen-sriovd's log:"
    grep -v 'xencall:buffer' /tmp/sriovd.log >/tmp/sriovd.short
    tap_tail /tmp/sriovd.short "${1:-30}"
    xen_crashes
}

# xen_crashes: whether xenstored still runs, and the programs other than
# busybox that the kernel saw crash (under TCG dom0's programs lose their
# TLS now and then, docs/vm-tests.md: a "Connection reset by peer" from
# xenstored was xenstored itself killed by SIGSEGV), as comments.
xen_crashes() {
    if kill -0 "$(cat /var/run/xenstored.pid 2>/dev/null)" 2>/dev/null; then
        tap_comment "xenstored runs (pid $(cat /var/run/xenstored.pid))"
    else
        tap_comment "xenstored is not running"
    fi
    dmesg >/tmp/dmesg.out 2>&1
    tap_comment "crashes in dom0 since boot: $(grep -c 'segfault at' \
/tmp/dmesg.out) segfaults, $(grep 'segfault at' /tmp/dmesg.out |
        grep -vc 'busybox\[') of them not busybox's:"
    grep -E 'segfault at|general protection|traps:' /tmp/dmesg.out |
        grep -v 'busybox\[' >/tmp/crashes.out
    tap_tail /tmp/crashes.out 5
}

# xen_enable_vfs PF N
xen_enable_vfs() {
    sriov-info set-numvfs "$1" "$2" || return 1
    [ -e "$XS_DEV/$1/virtfn$(($2 - 1))" ]
}

# xen_vf PF INDEX: the BDF of a VF.
xen_vf() {
    basename "$(readlink "$XS_DEV/$1/virtfn$2")"
}

# xen_make_assignable VF
xen_make_assignable() {
    xl pci-assignable-add "$1"
}

# xen_store_init: the project's object store root in dom0's xenstore.
xen_store_init() {
    xen-sriov-store init
}

# xen_domu_cpus: the physical CPUs a domU may run on.  When dom0 has one
# vCPU, pinned to CPU 0 (run-vm.sh), domUs get CPU 1: under TCG, dom0's
# programs lose their FS base when Xen switches a CPU between dom0's and a
# domU's vCPUs (docs/vm-tests.md).
xen_domu_cpus() {
    if [ "$(grep -c '^processor' /proc/cpuinfo)" = 1 ]; then
        echo 1
    else
        echo all
    fi
}

# xen_create_domu NAME VF: a tiny PV guest given the VF.
xen_create_domu() {
    cat >"/tmp/$1.cfg" <<EOF
name = "$1"
type = "pv"
kernel = "/vm/vmlinuz"
ramdisk = "/vm/domu.cpio"
extra = "console=hvc0 rdinit=/init quiet"
memory = 160
vcpus = 1
cpus = "$(xen_domu_cpus)"
pci = [ "$2" ]
EOF
    xl create "/tmp/$1.cfg"
}

# xen_vm_config NAME UUID: the VM defined in /etc/xen before it runs (a
# VIF's VM must exist: docs/xe.md "VMs"); xen_create_vm rewrites it whole.
xen_vm_config() {
    mkdir -p /etc/xen &&
        printf 'name = "%s"\nuuid = "%s"\n' "$1" "$2" >"/etc/xen/$1.cfg"
}

# xen_create_vm NAME UUID KERNEL_ARGS [CONFIG_LINES]: a tiny PV domU of
# that uuid, without pci=[] (xen-sriovd gives it the VFs of its VIFs).
xen_create_vm() {
    cat >"/tmp/$1.cfg" <<EOF
name = "$1"
uuid = "$2"
type = "pv"
kernel = "/vm/vmlinuz"
ramdisk = "/vm/domu.cpio"
extra = "console=hvc0 rdinit=/init quiet $3"
memory = 160
vcpus = 1
cpus = "$(xen_domu_cpus)"
${4:-}
EOF
    xl create "/tmp/$1.cfg"
}

# xen_domu_results NAME: forward the checks the domU printed on its
# console (xenconsoled's guest-NAME.log), each named after the domU.
xen_domu_results() {
    tr -d '\r' <"/var/log/xen/console/guest-$1.log" 2>/dev/null |
        sed -n 's/^.*@DOMU@ //p' | while IFS= read -r l; do
            case $l in
            "ok - "*) tap_line "ok - domU $1: ${l#ok - }" ;;
            "not ok - "*) tap_line "not ok - domU $1: ${l#not ok - }" ;;
            "#"*) tap_line "$l" ;;
            esac
        done
}

# xen_domu_said NAME LINE: the domU printed "@DOMU@ LINE" on its console.
xen_domu_said() {
    tr -d '\r' <"/var/log/xen/console/guest-$1.log" 2>/dev/null |
        grep -qxF "@DOMU@ $2"
}

# xen_destroy_domu NAME
xen_destroy_domu() {
    xl destroy "$1"
}

# xen_release_vf VF: back from pciback to its own driver.
xen_release_vf() {
    xl pci-assignable-remove -r "$1"
}

# xen_disable_vfs PF
xen_disable_vfs() {
    sriov-info set-numvfs "$1" 0
}
