# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Real SR-IOV PCI functions from the guest kernel: QEMU's NVMe controller
# behind an intel-iommu.  vm-sysfs checks libsriov's sysfs layer against
# the kernel's own answers, vm-host its discovery, VF lifecycle and driver
# binding, and the sriov-info checks the program; the last shell checks
# record the kernel behaviour the code relies on.
D=/sys/bus/pci/devices

driver_of() {
    l=$(readlink "$D/$1/driver" 2>/dev/null) && basename "$l" || echo none
}

# bind_to VF DRIVER: the kernel's way to hand a device to another driver.
bind_to() {
    [ -e "$D/$1/driver" ] && echo "$1" >"$D/$1/driver/unbind"
    echo "$2" >"$D/$1/driver_override" || return 1
    echo "$1" >/sys/bus/pci/drivers_probe
    [ "$(driver_of "$1")" = "$2" ] ||
        { echo "bound to $(driver_of "$1")"; false; }
}

# Clear the override and let the kernel match the device again.
rebind_default() {
    [ -e "$D/$1/driver" ] && echo "$1" >"$D/$1/driver/unbind"
    echo >"$D/$1/driver_override" || return 1
    echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null
    [ -z "$(sed 's/(null)//' "$D/$1/driver_override")" ]
}

nvme_probes() { dmesg | grep -c "nvme.*pci function $1"; }

# nvme probes new VFs asynchronously and gives up on their offline
# controllers ("Device not ready"); let that finish before rebinding.
settle() {
    i=0
    while [ "$(driver_of "$1")" = nvme ] && [ $i -lt 200 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}

check "nvme, pci-stub and vfio-pci load" \
    sh -c ". /xs/tests/tap.sh; load_module nvme && load_module pci-stub &&
           load_module vfio-pci" || return 0
pf=
for d in "$D"/*; do
    [ -f "$d/sriov_totalvfs" ] && { pf=$(basename "$d"); break; }
done
pf_ok() { [ -n "$pf" ] && [ "$(driver_of "$pf")" = nvme ]; }
check "the kernel sees the SR-IOV PF ${pf:-(none)} bound to nvme" pf_ok ||
    return 0
VM_PF=$pf check_program vm-sysfs vm-sysfs
VM_PF=$pf check_program vm-host vm-host

# --- sriov-info, the program ----------------------------------------------
info_has() { sriov-info "$pf" | grep -q "$1"; }
check "sriov-info shows the PF: SR-IOV 0 of 2 VFs" info_has "SR-IOV: 0 of 2 VFs"
check "sriov-info set-numvfs $pf 2" sriov-info set-numvfs "$pf" 2
own_groups() {
    sriov-info "$pf" >/tmp/info.out || return 1
    cat /tmp/info.out
    grep -q 'SR-IOV: 2 of 2 VFs' /tmp/info.out &&
        ! grep -q '(+[0-9]* other' /tmp/info.out
}
check "sriov-info shows 2 of 2 VFs, each in its own IOMMU group" own_groups
tap_tail /tmp/info.out 8
check_fails "sriov-info set-numvfs $pf 3 fails, naming the PF" "$pf" \
    sriov-info set-numvfs "$pf" 3
check "2 VFs still there" info_has "SR-IOV: 2 of 2 VFs"
vf=$(basename "$(readlink "$D/$pf/virtfn0")")
settle "$vf"
check "sriov-info bind $vf vfio-pci" sriov-info bind "$vf" vfio-pci
check "sriov-info shows $vf in use" info_has "$vf .*in use"
check_fails "removing the VFs is refused while $vf is in use" "$vf" \
    sriov-info set-numvfs "$pf" 0
check "sriov-info unbind $vf" sriov-info unbind "$vf"
check "sriov-info set-numvfs $pf 0" sriov-info set-numvfs "$pf" 0

# --- the kernel behaviour the code relies on -------------------------------
enable2() { echo 2 >"$D/$pf/sriov_numvfs"; }
check "kernel: 2 VFs enabled (sriov_numvfs 2)" enable2 || return 0
vf=$(basename "$(readlink "$D/$pf/virtfn0")")
settle "$vf"
tap_comment "VF $vf after nvme's probe: driver $(driver_of "$vf")"
three() { [ "$(lspci -n -d 1b36:0010 | wc -l)" = 3 ]; }
check "kernel: lspci shows the PF and 2 VFs (1b36:0010)" three
group=$(basename "$(readlink "$D/$vf/iommu_group")")
alone() { [ "$(ls "/sys/kernel/iommu_groups/$group/devices")" = "$vf" ]; }
check "kernel: VF $vf is alone in IOMMU group $group" alone
check "kernel: VF bound to pci-stub (driver_override, drivers_probe)" \
    bind_to "$vf" pci-stub
check "kernel: VF bound to vfio-pci" bind_to "$vf" vfio-pci
check "kernel: vfio made /dev/vfio/$group for the VF's IOMMU group" \
    test -c "/dev/vfio/$group"
before=$(nvme_probes "$vf")
check "kernel: VF given back (override cleared, reprobed)" \
    rebind_default "$vf"
reprobed() {
    [ "$(driver_of "$vf")" != vfio-pci ] &&
        [ "$(nvme_probes "$vf")" -gt "$before" ]
}
check "kernel: the VF left vfio-pci and nvme probed it again" reprobed
disable() {
    echo 0 >"$D/$pf/sriov_numvfs" && [ ! -e "$D/$vf" ] &&
        [ ! -e "$D/$pf/virtfn0" ]
}
check "kernel: VFs removed (sriov_numvfs 0)" disable
