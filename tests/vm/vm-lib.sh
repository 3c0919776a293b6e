# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Host-side helpers shared by image.sh and run-vm.sh (sourced, POSIX sh).

vm_die() {
    printf '%s: %s\n' "${vm_prog:-vm}" "$*" >&2
    exit 1
}

vm_log() {
    printf '%s: %s\n' "${vm_prog:-vm}" "$*" >&2
}

# The guest kernel: the one the installed linux-image-amd64 package
# depends on (CI may run another kernel), else the newest /boot/vmlinuz-*.
vm_kernel_version() {
    if [ -n "${VM_KERNEL:-}" ]; then
        echo "$VM_KERNEL"
        return
    fi
    v=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
        sed -n 's/^linux-image-\([0-9][^ ,]*\).*/\1/p')
    if [ -z "$v" ] || [ ! -e "/boot/vmlinuz-$v" ]; then
        v=$(for f in /boot/vmlinuz-*; do
                [ -f "$f" ] && echo "${f#/boot/vmlinuz-}"
            done | sort -V | tail -n 1)
    fi
    [ -n "$v" ] ||
        vm_die "no kernel in /boot: apt-get install linux-image-amd64"
    echo "$v"
}

# Where images are cached: $XEN_SRIOV_VM_CACHE, else the XDG cache, else
# (no usable home) a directory of this user under $TMPDIR.
vm_cache_root() {
    if [ -n "${XEN_SRIOV_VM_CACHE:-}" ]; then
        echo "$XEN_SRIOV_VM_CACHE"
    elif [ -n "${XDG_CACHE_HOME:-}" ]; then
        echo "$XDG_CACHE_HOME/xen-sriov-vm"
    elif [ -n "${HOME:-}" ] && [ -w "$HOME" ]; then
        echo "$HOME/.cache/xen-sriov-vm"
    else
        echo "${TMPDIR:-/tmp}/xen-sriov-vm-$(id -u)"
    fi
}

# Copy one file into the staging tree $1 at the same path (dereferenced).
vm_copy_file() {
    dst="$1$2"
    [ -e "$dst" ] && return 0
    mkdir -p "$(dirname "$dst")"
    cp -L "$2" "$dst"
}

# Copy a dynamically linked program (or library) and the libraries ldd
# resolves for it.  $3, if given, is where the program goes instead.
vm_copy_elf() {
    stage=$1 src=$2 at=${3:-$2}
    [ -f "$src" ] || vm_die "missing '$src'"
    mkdir -p "$(dirname "$stage$at")"
    cp -L "$src" "$stage$at"
    ldd "$src" 2>/dev/null | awk '
        $2 == "=>" && $3 ~ /^\// { print $3; next }
        $1 ~ /^\// { print $1 }' | while read -r lib; do
        case $lib in
        /lib/*|/lib64/*|/usr/lib/*) vm_copy_file "$stage" "$lib" ;;
        *)  # a library of the build tree: into /usr/local/lib
            mkdir -p "$stage/usr/local/lib"
            cp -L "$lib" "$stage/usr/local/lib/$(basename "$lib")" ;;
        esac
    done
}

# Write the newc cpio of directory $1 to file $2 (uncompressed: under TCG
# the guest unpacks it faster than it would inflate it).
vm_cpio() {
    (cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc -R 0:0) >"$2"
}
