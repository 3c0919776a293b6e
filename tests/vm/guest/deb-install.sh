# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=sh
# The Debian packages of `make deb` (staged by run-vm.sh --debs) installed
# into dom0 with dpkg -i, as an admin installs them: the files where the
# packages put them, both units enabled, the init script registered, the
# installed programs on the packaged libsriov.  The scripts after this one
# in the VM then run the installed programs (xen-steps.sh puts /usr/sbin
# and /usr/bin first, and starts xen-sriovd from its unit's ExecStart).
if ! ls /xs/deb/xen-sriov_*.deb >/dev/null 2>&1; then
    tap_skip "the Debian packages installed with dpkg -i" \
        "no .deb built: make deb before make check-vm (tools/run-tests does)"
    return 0
fi
tap_comment "packages: $(cd /xs/deb && echo *.deb)"
# Full paths: busybox's shell runs its own dpkg applet for a bare `dpkg`.
check "dpkg -i libsriov1 libsriov-xl0 xen-sriov" \
    /usr/bin/dpkg -i /xs/deb/libsriov1_*.deb /xs/deb/libsriov-xl0_*.deb \
    /xs/deb/xen-sriov_*.deb || return 0
installed() {
    for p in libsriov1 libsriov-xl0 xen-sriov; do
        s=$(/usr/bin/dpkg-query -W -f='${Status}' "$p") || return 1
        echo "$p: $s"
        [ "$s" = "install ok installed" ] || return 1
    done
}
check "dpkg: the three packages are installed (configured)" installed
files() {
    for f in /usr/bin/xe /usr/bin/sriov-info /usr/sbin/xen-sriovd \
             /usr/sbin/xen-sriov-restore /usr/sbin/xen-sriov-store \
             /usr/sbin/xen-sriov-api /etc/init.d/xen-sriov-restore; do
        [ -x "$f" ] || { echo "$f is not an executable"; return 1; }
    done
    for f in /lib/systemd/system/xen-sriov-restore.service \
             /lib/systemd/system/xen-sriovd.service /etc/pam.d/xen-sriov \
             /usr/share/bash-completion/completions/xe \
             /usr/share/man/man1/xe.1.gz \
             /usr/share/man/man8/xen-sriov-restore.8.gz; do
        [ -f "$f" ] || { echo "no $f"; return 1; }
    done
    [ -d /var/lib/xen-sriov ] || { echo "no /var/lib/xen-sriov"; return 1; }
}
check "the programs, units, init script, PAM service, completion, man pages and /var/lib/xen-sriov are installed" \
    files
enabled() {
    for u in xen-sriov-restore xen-sriovd; do
        l=/etc/systemd/system/multi-user.target.wants/$u.service
        [ "$(readlink "$l")" = "/lib/systemd/system/$u.service" ] ||
            { echo "no link $l"; return 1; }
    done
    ls /etc/rc2.d/S*xen-sriov-restore
}
check "both units enabled (multi-user.target.wants), the init script in rc2.d" \
    enabled
exec_start() {
    for u in xen-sriov-restore xen-sriovd; do
        p=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' /lib/systemd/system/$u.service)
        echo "$u.service: $p"
        [ "$p" = "/usr/sbin/$u" ] || return 1
    done
}
check "the units' ExecStart are /usr/sbin/xen-sriov-restore and /usr/sbin/xen-sriovd" \
    exec_start
packaged_lib() {
    ( unset LD_LIBRARY_PATH
      LD_TRACE_LOADED_OBJECTS=1 /usr/bin/xe ) >/tmp/xe.libs 2>&1
    cat /tmp/xe.libs
    grep -q '=> /usr/lib/x86_64-linux-gnu/libsriov.so.1 ' /tmp/xe.libs ||
        grep -q '=> /lib/x86_64-linux-gnu/libsriov.so.1 ' /tmp/xe.libs
}
check "/usr/bin/xe runs on the packaged libsriov.so.1" packaged_lib
