# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# For runner.vmtest: the disk of run-vm.sh --boots keeps what a boot wrote.
write_marker() { echo "written by boot 1" >/persist/marker; }
case $VM_BOOT in
1) check "boot 1 writes to /persist" write_marker ;;
*) check "boot $VM_BOOT reads what boot 1 wrote in /persist" \
       grep -qx "written by boot 1" /persist/marker ;;
esac
