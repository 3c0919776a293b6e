#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Boot one test VM under QEMU, run guest test scripts inside it, and print
# their checks as TAP on stdout.
#
#   run-vm.sh --name NAME --kind linux|xen [--xen-iommu OPT] [--timeout S]
#             [--boots N] [--igb] [--wire-pcap] [--no-x2apic]
#             [--host-check CMD] SCRIPT...
#
# --kind linux  the guest kernel on a q35 machine with an intel-iommu and
#               an SR-IOV NVMe controller (2 VFs) behind a root port
# --kind xen    the same machine running Xen 4.17, the kernel as PV dom0
# SCRIPT        files of tests/vm/guest/ that the guest's /init sources
# --boots N     boot the VM N times with one persistent disk, an ext4
#               file system the guest mounts at /persist; the scripts see
#               VM_BOOT (1..N) and VM_BOOTS (for reboot tests: the boot
#               restore)
# --timeout S   per boot
# --igb         also an Intel 82576 (QEMU's `igb`, an SR-IOV NIC with 7 VFs,
#               QEMU >= 8.0) behind a second root port; the machine becomes
#               q35,kernel-irqchip=split with intel-iommu,intremap=on,
#               caching-mode=on.  Its backend is `-netdev user,restrict=on`:
#               nothing leaves the host.  Without `-device igb` in QEMU the
#               VM is skipped (exit 77, TAP skip plan saying what to install)
# --wire-pcap   (with --igb) the frames the igb sends and receives, dumped by
#               QEMU's filter-dump into the run dir, copied after each boot to
#               tests/vm/NAME.wire.pcap (NAME.bootN.wire.pcap with --boots)
# --no-x2apic   CPU without x2APIC (`-cpu max,-x2apic`); always so for
#               --kind xen: Xen 4.17 under QEMU 10's TCG takes x2APIC and
#               loses interrupts (`No irq handler for vector`).  Xen VMs
#               also get a CPU without SVM (`-svm`): with it Xen switches
#               PV vCPUs' FS/GS bases with VMLOAD, and under TCG dom0's
#               programs then lose theirs (docs/vm-tests.md)
# --debs        stage the Debian packages of `make deb` (VM_DEBS: their
#               directory) in the guest's /xs/deb with what `dpkg -i` needs
#               there (dpkg, perl-base, init-system-helpers, this host's
#               dpkg status);
#               the guest script installs them.  Without built packages
#               nothing is staged and the guest says so
# --host-check CMD  run on the host after the last boot of a try (CMD is
#               split on spaces, words are not globbed); it sees VM_NAME,
#               VM_RUN_DIR, VM_CONSOLE and VM_WIRE_PCAP (the last boot's
#               files) and prints TAP lines without numbers ("ok - ...",
#               "not ok - ...", "# ..."), numbered in with the guest's; its
#               exit status is ignored, its "not ok" lines count
#
# Environment: top_srcdir, top_builddir (set by `make check-vm`);
# VM_GUEST_BINS: programs of the build tree (relative to top_builddir) copied
# into the guest's /xs/bin with their libraries; VM_DOMU_BINS: those
# also copied into the domU; VM_ACCEL=tcg (default) | kvm | auto (kvm only
# where hardware virtualisation really is); VM_QEMU: the QEMU binary
# (default qemu-system-x86_64 from PATH); VM_KEEP=1 keeps the work dir;
# VM_SVM=1 gives a Xen VM's CPU SVM (see --no-x2apic); VM_DOM0_VCPUS:
# Xen's options for dom0's vCPUs (default: one, pinned; see below).
# VMs of one user run one at a time (a lock in the image cache).
# Exit: 0 all checks passed, 1 a check failed, 77 QEMU cannot run here.
set -eu
# shellcheck disable=SC2034 # vm-lib.sh prints it
vm_prog=run-vm.sh
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/vm-lib.sh
. "$here/vm-lib.sh"

name='' kind=linux timeout=300 xen_iommu=1,verbose boots=1
igb=0 wire_pcap=0 no_x2apic=0 host_check='' debs=0
while [ $# -gt 0 ]; do
    case $1 in
    --name) name=$2; shift 2 ;;
    --kind) kind=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --xen-iommu) xen_iommu=$2; shift 2 ;;
    --boots) boots=$2; shift 2 ;;
    --igb) igb=1; shift ;;
    --wire-pcap) wire_pcap=1; shift ;;
    --no-x2apic) no_x2apic=1; shift ;;
    --debs) debs=1; shift ;;
    --host-check) host_check=$2; shift 2 ;;
    --) shift; break ;;
    -*) vm_die "unknown option '$1' (see the comment atop $0)" ;;
    *) break ;;
    esac
done
[ -n "$name" ] || vm_die "--name is required"
case $kind in linux|xen) ;; *) vm_die "--kind must be linux or xen" ;; esac
[ "$wire_pcap" = 0 ] || [ "$igb" = 1 ] || vm_die "--wire-pcap needs --igb"
[ "$kind" = linux ] || no_x2apic=1
[ $# -gt 0 ] || vm_die "name the guest scripts to run"
scripts=$*

top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
guest=$top_srcdir/tests/vm/guest

qemu=${VM_QEMU:-$(command -v qemu-system-x86_64 || :)}
if [ -z "$qemu" ] || ! "$qemu" -machine help >/dev/null 2>&1; then
    echo "1..0 # SKIP ${qemu:-qemu-system-x86_64} cannot run here:" \
        "apt-get install qemu-system-x86"
    exit 77
fi
qemu_version=$("$qemu" --version 2>/dev/null | sed -n '1s/^.*version //p')
if [ "$igb" = 1 ] && ! "$qemu" -device help 2>/dev/null | grep -q '"igb"'; then
    echo "1..0 # SKIP $qemu (QEMU ${qemu_version:-?}) has no -device igb" \
        "(the Intel 82576 SR-IOV NIC, QEMU >= 8.0): on Debian 12" \
        "apt-get install -t bookworm-backports qemu-system-x86 (tools/install-deps)"
    exit 77
fi

cache=$("$here/image.sh") || vm_die "building the VM images failed (see above)"
work=$(mktemp -d "${TMPDIR:-/tmp}/xen-sriov-vm.XXXXXX")
[ "${VM_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# Guest programs: the real ELF of a libtool program is in .libs/ when it
# links a shared library of the tree.
program_path() {
    if [ -f "$top_builddir/$(dirname "$1")/.libs/$(basename "$1")" ]; then
        echo "$top_builddir/$(dirname "$1")/.libs/$(basename "$1")"
    elif [ -f "$top_builddir/$1" ]; then
        echo "$top_builddir/$1"
    fi
}

stage_programs() {
    for p in $2; do
        src=$(program_path "$p")
        [ -n "$src" ] || vm_die "program '$p' is not built: run make check-vm"
        LD_LIBRARY_PATH=$top_builddir/libsriov/.libs \
            vm_copy_elf "$1" "$src" "/xs/bin/$(basename "$p")"
    done
}

# What libsriov loads on first use (libsriov/deps.h): not in its NEEDED
# entries, so ldd does not list it; the libraries named in the build's
# libsriov/lazy-sonames.h, from this host, with what they link.
stage_lazy_libs() {
    sed -n 's/^#define SONAME_[A-Z_]* "\(.*\)"$/\1/p' \
        "$top_builddir/libsriov/lazy-sonames.h" | while read -r so; do
        lib=$(/sbin/ldconfig -p | awk -v so="$so" '$1 == so { print $NF; exit }')
        [ -n "$lib" ] || vm_die "no $so here (ldconfig -p): libsriov loads it"
        vm_copy_elf "$1" "$lib"
    done
}

# --- per-run overlay: our init, scripts, programs ----------------------
ov=$work/overlay
mkdir -p "$ov/xs/tests" "$ov/xs/bin" "$ov/etc"
cp "$guest/init" "$ov/init"
cp "$guest"/*.sh "$ov/xs/tests/"
chmod +x "$ov/init"
stage_programs "$ov" "${VM_GUEST_BINS:-}"
stage_lazy_libs "$ov"

# --debs: the packages and what dpkg -i and their maintainer scripts run
# (update-rc.d and deb-systemd-helper are perl-base scripts).  The dpkg
# status is this host's: the image's files come from its packages (the
# staged programs bring the libraries the .debs depend on).
stage_debs() {
    d=${VM_DEBS:-}
    [ -n "$d" ] && ls "$d"/xen-sriov_*.deb "$d"/libsriov1_*.deb >/dev/null 2>&1 ||
        return 0
    mkdir -p "$1/xs/deb" "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates" \
        "$1/var/lib/dpkg/triggers" "$1/etc/dpkg" "$1/etc/systemd/system"
    for p in xen-sriov libsriov1 libsriov-xl0; do
        cp "$d/${p}"_*.deb "$1/xs/deb/"
    done
    # dpkg-deb runs GNU tar (busybox's lacks its options).
    for b in dpkg dpkg-deb dpkg-split dpkg-query perl tar; do
        vm_copy_elf "$1" "$(command -v "$b")" "/usr/bin/$b"
    done
    vm_copy_elf "$1" /sbin/ldconfig /sbin/ldconfig
    for p in perl-base init-system-helpers; do
        dpkg -L "$p" | grep -v -E '^/usr/share/(man|doc)/' | while read -r f; do
            if [ -f "$f" ] && [ ! -L "$f" ]; then vm_copy_file "$1" "$f"; fi
        done
    done
    : >"$1/var/lib/dpkg/available"
    # This host's whole dpkg status (dpkg checks the dependencies of the
    # dependencies too), each package with an empty file list.
    cp /var/lib/dpkg/status "$1/var/lib/dpkg/status"
    dpkg-query -W -f='${binary:Package}\n' |
        while read -r p; do : >"$1/var/lib/dpkg/info/$p.list"; done
}
[ "$debs" = 0 ] || stage_debs "$ov"

if [ "$kind" = xen ]; then
    dov=$work/domu-overlay
    mkdir -p "$dov/xs/bin" "$dov/xs/tests"
    cp "$guest/domu-init" "$dov/init"
    cp "$guest/tap.sh" "$guest"/domu-*.sh "$dov/xs/tests/"
    chmod +x "$dov/init"
    stage_programs "$dov" "${VM_DOMU_BINS:-}"
    mkdir -p "$ov/vm"
    vm_cpio "$dov" "$work/domu-overlay.cpio"
    cat "$cache/domu.cpio" "$work/domu-overlay.cpio" >"$ov/vm/domu.cpio"
fi

# --- QEMU ---------------------------------------------------------------
accel=${VM_ACCEL:-tcg}
if [ "$accel" = auto ]; then
    # kvm_pvm (software) opens /dev/kvm too, but cannot run Xen.
    if [ -w /dev/kvm ] && grep -Eqw 'vmx|svm' /proc/cpuinfo &&
       [ ! -d /sys/module/kvm_pvm ]; then
        accel=kvm
    else
        accel=tcg
    fi
fi
case $accel in
tcg) machine="q35,accel=tcg" cpu=max ;;
kvm) machine="q35,accel=kvm,kernel-irqchip=split" cpu=host ;;
*) vm_die "VM_ACCEL must be tcg, kvm or auto" ;;
esac
[ "$no_x2apic" = 0 ] || cpu="$cpu,-x2apic"
# Xen on TCG's SVM loads a PV vCPU's FS/GS bases with VMLOAD
# (svm_load_segs) on every switch between vCPUs; with a domU running, dom0's
# programs then crash on their TLS (a lost FS base) 10-15 times as often:
# Xen runs PV guests only here, it needs no SVM.
# VM_SVM=1 keeps it (to measure: tests/vm/guest/xen-tcg-crash.sh).
[ "$kind" = linux ] || [ "$accel" = kvm ] || [ "${VM_SVM:-0}" = 1 ] ||
    cpu="$cpu,-svm"
iommu=intel-iommu,intremap=on
if [ "$igb" = 1 ]; then
    # The machine the igb's VFs were seen on (QEMU 10, TCG): interrupt
    # remapping with a split irqchip, caching mode for the VFs' DMA maps.
    [ "$accel" = kvm ] || machine="$machine,kernel-irqchip=split"
    iommu="$iommu,caching-mode=on"
fi

# QEMU 7.2's rules: subsys= is needed, vq_flexible >= 2 * max_vfs,
# max_ioqpairs >= vq_flexible + 2, vi_flexible >= max_vfs.
nvme_sriov="bus=rp1,max_ioqpairs=8,sriov_max_vfs=2,sriov_vq_flexible=4"
nvme_sriov="$nvme_sriov,sriov_vi_flexible=2"
linux_cmdline="console=ttyS0 rdinit=/init intel_iommu=on pci=realloc"
# no_timer_check: on a loaded host TCG is too slow for the kernel's early
# check of the timer through the interrupt-remapped IO-APIC, which then
# panics ("timer doesn't work through Interrupt-remapped IO-APIC").
linux_cmdline="$linux_cmdline panic=-1 quiet loglevel=4 no_timer_check"
# cpuid=no-smap: without it the PV dom0 dies at once under TCG.
xen_cmdline="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M"
# One dom0 vCPU, pinned to CPU 0; the domUs run on CPU 1 (xen_domu_cpus in
# guest/xen-steps.sh).  Under TCG a program of dom0 loses its FS base (its
# TLS: busybox, xl, xenstored and xen-sriovd died of it, a tenth of all
# runs of a program) when Xen switches a CPU between dom0's and a domU's
# vCPUs; never sharing a CPU with a domU, dom0 saw none in 800 runs.
xen_cmdline="$xen_cmdline ${VM_DOM0_VCPUS:-dom0_max_vcpus=1 dom0_vcpus_pin}"
xen_cmdline="$xen_cmdline loglvl=all guest_loglvl=all"
xen_cmdline="$xen_cmdline iommu=$xen_iommu noreboot cpuid=no-smap"
# The dom0 command line is a multiboot module string: no commas in it.
dom0_cmdline="console=hvc0 earlyprintk=xen rdinit=/init pci=realloc panic=-1"

console=$work/console.log results=$work/results.log
set -- -machine "$machine" -cpu "$cpu" -smp 2 \
    -device "$iommu" \
    -device pcie-root-port,id=rp1,chassis=1,slot=1 \
    -device nvme-subsys,id=nvmesubsys0,nqn=nqn.2024-01.org.xen-sriov:vm \
    -device "nvme,id=nvme0,serial=xs0001,subsys=nvmesubsys0,$nvme_sriov" \
    -display none -vga none -monitor none -no-reboot -net none \
    -serial "file:$console" -serial "file:$results"
wire=$work/wire.pcap
if [ "$igb" = 1 ]; then
    set -- "$@" -device pcie-root-port,id=rp2,chassis=2,slot=2 \
        -device igb,bus=rp2,netdev=igb0,mac=52:54:00:12:34:56 \
        -netdev user,id=igb0,restrict=on
    [ "$wire_pcap" = 0 ] ||
        set -- "$@" -object "filter-dump,id=wire0,netdev=igb0,file=$wire"
fi
if [ "$boots" -gt 1 ]; then
    truncate -s 64M "$work/disk.img"
    mke2fs -q -t ext4 -F "$work/disk.img" >/dev/null ||
        vm_die "mke2fs failed: apt-get install e2fsprogs"
    set -- "$@" -drive "file=$work/disk.img,format=raw,if=none,id=persist" \
        -device virtio-blk-pci,drive=persist
fi
if [ "$kind" = linux ]; then
    set -- "$@" -m 1024 -kernel "$cache/vmlinuz" -initrd "$work/initrd" \
        -append "$linux_cmdline"
else
    case $work$cache in
    *,*) vm_die "a ',' in '$work' or '$cache' breaks QEMU's multiboot" \
            "module list: set TMPDIR or XEN_SRIOV_VM_CACHE" ;;
    esac
    set -- "$@" -m 2048 -kernel "$cache/xen" \
        -append "$xen_cmdline" \
        -initrd "$cache/vmlinuz $dom0_cmdline,$work/initrd"
fi

# One VM at a time: they are heavy under TCG (Xen's takes 2 GiB).
exec 8>"$(dirname "$cache")/.qemu.lock"
flock 8
echo "# VM $name: $kind, QEMU ${qemu_version:-?}, accel $accel," \
    "timeout $timeout s$( [ "$igb" = 0 ] || echo ", igb NIC" ), scripts: $scripts"
logdir=$top_builddir/tests/vm
mkdir -p "$logdir"
# One try: every boot (QEMU arguments: "$@"), its TAP on stdout; returns 1
# when a check failed.
boot_all() {
    n=0 failed=0 boot=1
    while [ "$boot" -le "$boots" ]; do
        if [ "$boots" -gt 1 ]; then
            vm="VM $name (boot $boot of $boots)"
            log=$logdir/$name.boot$boot.console.log
            pcap=$logdir/$name.boot$boot.wire.pcap
        else
            vm="VM $name"
            log=$logdir/$name.console.log
            pcap=$logdir/$name.wire.pcap
        fi
        cat >"$ov/etc/vmtest.conf" <<EOF
VM_NAME='$name'
VM_ROLE='$( [ "$kind" = xen ] && echo dom0 || echo linux )'
VM_TESTS='$scripts'
VM_BOOT=$boot
VM_BOOTS=$boots
VM_DISK=$( [ "$boots" -gt 1 ] && echo 1 || echo 0 )
EOF
        vm_cpio "$ov" "$work/overlay.cpio"
        cat "$cache/base.cpio" "$work/overlay.cpio" >"$work/initrd"
        : >"$console"
        : >"$results"
        rm -f "$wire" "$pcap"
        t0=$(date +%s.%N)
        rc=0
        timeout -k 10 "$timeout" "$qemu" "$@" >"$work/qemu.out" 2>&1 || rc=$?
        t1=$(date +%s.%N)
        secs=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
        cp "$console" "$log"     # the serial log, next to the test logs
        [ ! -f "$wire" ] || cp "$wire" "$pcap"

        # --- results -> TAP ---------------------------------------------------
        done=0
        {
            tr -d '\r' <"$results"
            tr -d '\r' <"$console" | sed -n 's/^.*@VMTAP@ //p'
        } >"$work/tap"
        while IFS= read -r l; do
            case $l in
            "ok "*)
                n=$((n + 1)); echo "ok $n ${l#ok }" ;;
            "not ok "*)
                n=$((n + 1)); failed=1; echo "not ok $n ${l#not ok }" ;;
            "#"*) echo "$l" ;;
            VMTEST-DONE*) done=1 ;;
            esac
        done <"$work/tap"

        n=$((n + 1))
        if [ "$done" = 1 ]; then
            echo "ok $n - $vm booted, ran its checks and powered off ($secs s)"
        else
            failed=1
            if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
                why="killed after the $timeout s timeout"
            else
                why="QEMU exited with status $rc before the checks ended"
            fi
            echo "not ok $n - $vm: $why ($secs s)"
            echo "# QEMU: $(tail -n 5 "$work/qemu.out" | tr '\n' ' ')"
            echo "# serial console, last 60 lines ($log):"
            tr -d '\r' <"$console" | tail -n 60 | sed 's/^/#   /'
            break
        fi
        boot=$((boot + 1))
    done
    if [ -n "$host_check" ] && [ "$done" = 1 ]; then
        set -f
        # shellcheck disable=SC2086 # CMD is words
        VM_NAME=$name VM_RUN_DIR=$work VM_CONSOLE=$log VM_WIRE_PCAP=$pcap \
            $host_check >"$work/host.tap" 2>&1 || :
        set +f
        hn=0
        while IFS= read -r l; do
            case $l in
            "ok "*) n=$((n + 1)) hn=$((hn + 1)); echo "ok $n ${l#ok }" ;;
            "not ok "*)
                n=$((n + 1)) hn=$((hn + 1)) failed=1
                echo "not ok $n ${l#not ok }" ;;
            "#"*) echo "$l" ;;
            *) echo "# $l" ;;
            esac
        done <"$work/host.tap"
        if [ "$hn" = 0 ]; then
            n=$((n + 1)) failed=1
            echo "not ok $n - host checks of $name ($host_check) printed no result"
        fi
    fi
    return "$failed"
}

# QEMU's TCG running Xen's PV dom0 now and then makes a program we did not
# write crash (xl's monitoring child, xenstored, busybox: "segfault at",
# "fatal signal") or hang, and QEMU 10 itself once aborted under Xen
# ("iotlb_to_section: Assertion ... failed").  Such a try is shown as
# comments and the VM runs again, up to VM_TRIES (3) tries (QEMU 10 crashes dom0's
# programs more often than 7.2 did while a domU runs); a failure of our
# own checks fails every try, and counts.
crashed_outside() {
    grep -qsE 'segfault at|Segmentation fault|fatal signal|general protection|killed after the [0-9]+ s timeout|QEMU: qemu-system-[a-z0-9_]*: .*Assertion' \
        "$work/try.tap" "$logdir/$name".*console.log "$logdir/$name.console.log"
}
try=1
while :; do
    status=0
    boot_all "$@" >"$work/try.tap" || status=$?
    if [ "$status" = 0 ] || [ "$try" -ge "${VM_TRIES:-3}" ] || ! crashed_outside; then
        cat "$work/try.tap"
        break
    fi
    echo "# $name, try $try failed after a crash or hang outside xen-sriov" \
        "(TCG); its output, then try $((try + 1)):"
    sed 's/^/#   /' "$work/try.tap"
    try=$((try + 1))
done
flock -u 8
echo "1..$n"
exit "$status"
