#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build (once, cached) the parts of the test VMs that come from Debian
# packages: the guest kernel, Xen, the netdevsim module built against the
# guest kernel's headers, and two busybox initramfs archives (the base of
# the Linux VM / dom0, and the base of the tiny domU).  Prints the cache
# directory.  Rebuilt when the kernel, a package or this script changes.
#
#   tests/vm/image.sh            build if needed, print the directory
#   XEN_SRIOV_VM_CACHE=DIR       cache root (default ~/.cache/xen-sriov-vm)
#   VM_KERNEL=VERSION            guest kernel (default: linux-image-amd64's)
set -eu
# shellcheck disable=SC2034 # vm-lib.sh prints it
vm_prog=image.sh
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/vm-lib.sh
. "$here/vm-lib.sh"

kver=$(vm_kernel_version)
series=$(echo "$kver" | sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p')
headers=/usr/src/linux-headers-$kver
source_tar=/usr/src/linux-source-$series.tar.xz
xen_gz=
for f in /boot/xen-4.17-amd64.gz /boot/xen-*.gz; do
    [ -f "$f" ] && { xen_gz=$f; break; }
done

# Modules loaded in the VMs, by top-level name; dependencies come from
# modprobe --show-depends against the guest kernel's modules.dep.
# igb (QEMU's 82576, an SR-IOV NIC) pulls in dca and i2c-algo-bit; igbvf
# drives its VFs, in the host as in a domU; bridge for a PIF's addresses on
# its bridge (xen-igb).
linux_modules="nvme pci-stub vfio-pci psample xen-evtchn xen-gntdev
xen-gntalloc xen-privcmd xenfs xen-pciback virtio_pci virtio_blk ext4
igb igbvf bridge"
domu_modules="xen-pcifront igbvf"

[ -r "/boot/vmlinuz-$kver" ] ||
    vm_die "cannot read /boot/vmlinuz-$kver: apt-get install" \
        "linux-image-$kver (or run as a user who can read /boot)"
[ -d "/lib/modules/$kver" ] ||
    vm_die "no /lib/modules/$kver: apt-get install linux-image-$kver"
[ -d "$headers" ] ||
    vm_die "no $headers (netdevsim is built against it):" \
        "apt-get install linux-headers-$kver"
[ -r "$source_tar" ] ||
    vm_die "no $source_tar (netdevsim's source):" \
        "apt-get install linux-source-$series"
[ -n "$xen_gz" ] ||
    vm_die "no /boot/xen-*.gz: apt-get install xen-hypervisor-4.17-amd64"
[ -x /bin/busybox ] || vm_die "no /bin/busybox: apt-get install busybox-static"
for t in cpio modprobe ldd make gzip xz; do
    command -v "$t" >/dev/null 2>&1 ||
        vm_die "'$t' not found: run tools/install-deps"
done

pkgs="linux-image-$kver linux-headers-$kver linux-source-$series busybox-static
xen-hypervisor-4.17-amd64 xen-utils-4.17 xenstore-utils pciutils iproute2
libc6"
# shellcheck disable=SC2086 # one package per word
versions=$(dpkg-query -W -f='${Package}=${Version}\n' $pkgs 2>/dev/null || :)
scripts=$(cat "$0" "$here/vm-lib.sh")
key=$(printf '%s\n%s\n%s\n' "$kver" "$versions" "$scripts" |
    sha256sum | cut -c1-16)

root=$(vm_cache_root)
dir=$root/$kver
mkdir -p "$root" ||
    vm_die "cannot create the cache '$root': set XEN_SRIOV_VM_CACHE"
exec 9>"$root/.lock"
flock 9
if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$key" ]; then
    echo "$dir"
    exit 0
fi

vm_log "building VM images for kernel $kver in $dir"
start=$(date +%s)
work=$(mktemp -d "$root/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
out=$work/out
mkdir -p "$out"

# --- netdevsim, out of tree against the guest kernel's headers ---------
tar -C "$work" -xJf "$source_tar" "linux-source-$series/drivers/net/netdevsim"
nsim=$work/linux-source-$series/drivers/net/netdevsim
if ! make -s -C "$headers" M="$nsim" CONFIG_NETDEVSIM=m -j2 modules \
        >"$work/nsim.log" 2>&1; then
    tail -n 20 "$work/nsim.log" >&2
    vm_die "building netdevsim failed (log above)"
fi
strip --strip-debug "$nsim/netdevsim.ko"

# --- kernel and Xen ---------------------------------------------------
cp "/boot/vmlinuz-$kver" "$out/vmlinuz"
gzip -dc "$xen_gz" >"$out/xen"    # QEMU's -kernel loads the ELF, not the .gz

# Write stage/etc/modlist/NAME: the insmod order of NAME and its deps.
modlist() {
    mkdir -p "$1/etc/modlist"
    modprobe -S "$kver" --show-depends "$2" 2>/dev/null |
        awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$1/etc/modlist/$2"
    while read -r ko; do
        vm_copy_file "$1" "$ko"
    done <"$1/etc/modlist/$2"
}

busybox_tree() {
    mkdir -p "$1/bin" "$1/sbin" "$1/etc" "$1/dev" "$1/proc" "$1/sys" \
        "$1/tmp" "$1/run" "$1/root" "$1/var/log" "$1/usr/bin" "$1/usr/sbin" \
        "$1/usr/share/misc"
    cp /bin/busybox "$1/bin/busybox"
    for a in $(/bin/busybox --list); do
        [ "$a" = busybox ] || ln -s busybox "$1/bin/$a"
    done
    vm_copy_elf "$1" /usr/bin/lspci
    cp -L /usr/share/misc/pci.ids "$1/usr/share/misc/pci.ids"
    echo "root:x:0:0:root:/root:/bin/sh" >"$1/etc/passwd"
    echo "root:x:0:" >"$1/etc/group"
}

# --- base: the Linux VM and Xen's dom0 --------------------------------
base=$work/base
busybox_tree "$base"
for m in $linux_modules; do
    modlist "$base" "$m"
done
mkdir -p "$base/lib/modules/$kver/extra"
cp "$nsim/netdevsim.ko" "$base/lib/modules/$kver/extra/netdevsim.ko"
{ cat "$base/etc/modlist/psample"
  echo "/lib/modules/$kver/extra/netdevsim.ko"; } >"$base/etc/modlist/netdevsim"
# iproute2 (busybox's ip has no "vf"), xl, the C xenstored and oxenstored
# (Debian's default, with Debian's /etc/xen/oxenstored.conf).
vm_copy_elf "$base" /usr/sbin/ip
vm_copy_elf "$base" /usr/sbin/devlink
xenbin=/usr/lib/xen-4.17/bin
for p in xl xenstored oxenstored xenconsoled xen-init-dom0 \
         libxl-save-helper xenstore-control; do
    vm_copy_elf "$base" "$xenbin/$p"
done
for p in /usr/bin/xenstore-read /usr/bin/xenstore-write /usr/bin/xenstore-ls \
         /usr/bin/xenstore-chmod /usr/bin/xenstore-rm /usr/bin/xenstore-list \
         /usr/bin/xenstore-exists; do
    vm_copy_elf "$base" "$p"
done
# glibc dlopens libgcc_s for pthread_cancel: without it `xl create` aborts.
vm_copy_file "$base" /lib/x86_64-linux-gnu/libgcc_s.so.1
mkdir -p "$base/etc/xen"
cp /etc/xen/xl.conf "$base/etc/xen/xl.conf" 2>/dev/null ||
    : >"$base/etc/xen/xl.conf"
vm_copy_file "$base" /etc/xen/oxenstored.conf
mkdir -p "$base/vm"
cp "$out/vmlinuz" "$base/vm/vmlinuz"     # the domU kernel
echo "$kver" >"$base/etc/vm-kernel"
vm_cpio "$base" "$out/base.cpio"

# --- domU: busybox, lspci, pcifront -----------------------------------
domu=$work/domu
busybox_tree "$domu"
for m in $domu_modules; do
    modlist "$domu" "$m"
done
echo "$kver" >"$domu/etc/vm-kernel"
vm_cpio "$domu" "$out/domu.cpio"

echo "$key" >"$out/stamp"
rm -rf "$dir"
mv "$out" "$dir"
vm_log "images ready in $(( $(date +%s) - start )) s"
echo "$dir"
