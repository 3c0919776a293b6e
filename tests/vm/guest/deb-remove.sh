# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# (Full paths: busybox's shell runs its own dpkg applet for `dpkg`.)
# After the flow ran from the installed packages (deb-install.sh):
# dpkg -r keeps the store's durable copy in /var/lib/xen-sriov, dpkg -P
# removes it and the units' and init script's links.
[ -f /var/lib/dpkg/info/xen-sriov.list ] || return 0
tap_comment "/var/lib/xen-sriov: $(cd /var/lib/xen-sriov && echo *)"
kept() {
    /usr/bin/dpkg -r xen-sriov || return 1
    [ ! -e /usr/bin/xe ] || { echo "/usr/bin/xe is still there"; return 1; }
    [ -f /var/lib/xen-sriov/store.xml ] ||
        { echo "/var/lib/xen-sriov/store.xml is gone"; return 1; }
}
check "dpkg -r xen-sriov removes the programs, keeps /var/lib/xen-sriov/store.xml" \
    kept
purged() {
    /usr/bin/dpkg -P xen-sriov || return 1
    [ ! -e /var/lib/xen-sriov ] || { echo "/var/lib/xen-sriov is still there"; return 1; }
    for l in /etc/systemd/system/multi-user.target.wants/xen-sriovd.service \
             /etc/systemd/system/multi-user.target.wants/xen-sriov-restore.service \
             /etc/pam.d/xen-sriov; do
        if [ -e "$l" ] || [ -L "$l" ]; then echo "$l is still there"; return 1; fi
    done
    ! ls /etc/rc2.d/S*xen-sriov-restore 2>/dev/null
}
check "dpkg -P xen-sriov removes /var/lib/xen-sriov, the unit links, the rc links and the PAM service" \
    purged
