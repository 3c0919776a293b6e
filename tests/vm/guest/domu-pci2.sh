# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The domU of xen-plugin's other-config:pci step: two NVMe VFs, one from
# its VM's other-config:pci, one its VIF's, both hot-plugged by xen-sriovd.
two_vfs() { [ "$(lspci -n | grep -c ' 1b36:0010')" -ge 2 ]; }
i=0
while ! two_vfs && [ $i -lt 3000 ]; do
    sleep 0.1
    i=$((i + 1))
done
check "the domU sees both VFs (lspci -n: two 1b36:0010)" two_vfs
tap_comment "lspci in the domU: $(lspci -n | tr '\n' ';')"
