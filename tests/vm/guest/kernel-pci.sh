# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# Real SR-IOV PCI functions from the guest kernel: QEMU's NVMe controller
# behind an intel-iommu.  vm-sysfs checks libsriov against the kernel's
# answers; the shell checks cover IOMMU groups and driver binding.
D=/sys/bus/pci/devices

driver_of() {
    l=$(readlink "$D/$1/driver" 2>/dev/null) && basename "$l" || echo none
}

# bind VF DRIVER: the kernel's way to hand a device to another driver.
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

check "nvme and its dependencies load" load_module nvme || return 0
pf=
for d in "$D"/*; do
    [ -f "$d/sriov_totalvfs" ] && { pf=$(basename "$d"); break; }
done
pf_ok() { [ -n "$pf" ] && [ "$(driver_of "$pf")" = nvme ]; }
check "the kernel sees the SR-IOV PF ${pf:-(none)} bound to nvme" pf_ok ||
    return 0
VM_PF=$pf check_program vm-sysfs vm-sysfs

enable2() { echo 2 >"$D/$pf/sriov_numvfs"; }
check "2 VFs enabled (sriov_numvfs 2)" enable2 || return 0
vf=$(basename "$(readlink "$D/$pf/virtfn0")")
# nvme probes the new VFs asynchronously and gives up on their offline
# controllers ("Device not ready"); let that finish before rebinding.
i=0
while [ "$(driver_of "$vf")" = nvme ] && [ $i -lt 200 ]; do
    sleep 0.1
    i=$((i + 1))
done
tap_comment "VF $vf after nvme's probe: driver $(driver_of "$vf")"

three() { [ "$(lspci -n -d 1b36:0010 | wc -l)" = 3 ]; }
check "lspci shows the PF and 2 VFs (1b36:0010)" three
group=$(basename "$(readlink "$D/$vf/iommu_group")")
alone() { [ "$(ls "/sys/kernel/iommu_groups/$group/devices")" = "$vf" ]; }
check "VF $vf is alone in IOMMU group $group" alone
check "pci-stub loads" load_module pci-stub
check "VF bound to pci-stub (driver_override, drivers_probe)" \
    bind_to "$vf" pci-stub
check "vfio-pci loads" load_module vfio-pci
check "VF bound to vfio-pci" bind_to "$vf" vfio-pci
check "vfio made /dev/vfio/$group for the VF's IOMMU group" \
    test -c "/dev/vfio/$group"
before=$(nvme_probes "$vf")
check "VF given back to the kernel's choice (override cleared, reprobed)" \
    rebind_default "$vf"
reprobed() {
    [ "$(driver_of "$vf")" != vfio-pci ] &&
        [ "$(nvme_probes "$vf")" -gt "$before" ]
}
check "the VF left vfio-pci and nvme probed it again" reprobed
disable() {
    echo 0 >"$D/$pf/sriov_numvfs" && [ ! -e "$D/$vf" ] &&
        [ ! -e "$D/$pf/virtfn0" ]
}
check "VFs removed (sriov_numvfs 0)" disable
