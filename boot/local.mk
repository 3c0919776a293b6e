# SPDX-License-Identifier: LGPL-2.1-or-later
# boot/: xen-sriov-restore, the dom0 boot restore (boot/restore.h), its
# systemd unit and its init script.
noinst_LTLIBRARIES += boot/librestore.la
boot_librestore_la_SOURCES = \
	boot/restore.h \
	boot/internal.h \
	boot/restore.c \
	boot/load.c \
	boot/network.c \
	boot/reserved.c
boot_librestore_la_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS)
boot_librestore_la_LIBADD = ops/libops.la plugin/libplugin.la

sbin_PROGRAMS += boot/xen-sriov-restore
boot_xen_sriov_restore_SOURCES = boot/main.c
boot_xen_sriov_restore_LDADD = boot/librestore.la
dist_man_MANS += man/xen-sriov-restore.8

restoreunitdir = $(systemdsystemunitdir)
restoreunit_DATA = boot/xen-sriov-restore.service
boot/xen-sriov-restore.service: boot/xen-sriov-restore.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) boot && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@docdir[@]|$(docdir)|g' \
	    $(top_srcdir)/boot/xen-sriov-restore.service.in >$@.tmp && \
	mv $@.tmp $@

# The init script variant, for dom0s without systemd.
initddir = $(sysconfdir)/init.d
initd_SCRIPTS = boot/init.d/xen-sriov-restore
boot/init.d/xen-sriov-restore: boot/xen-sriov-restore.init Makefile
	$(AM_V_GEN)$(MKDIR_P) boot/init.d && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    $(top_srcdir)/boot/xen-sriov-restore.init >$@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@
CLEANFILES += boot/xen-sriov-restore.service boot/init.d/xen-sriov-restore
EXTRA_DIST += boot/xen-sriov-restore.service.in boot/xen-sriov-restore.init
# The unit's Documentation= points here.
dist_doc_DATA += docs/restore.md

# Tests: a simulated reboot against a real xenstored and simulated hosts.
check_PROGRAMS += tests/integration/test-restore
tests_integration_test_restore_SOURCES = tests/integration/test-restore.c \
	tests/helpers/plugin-fake.h \
	tests/helpers/plugin-fake.c
tests_integration_test_restore_CFLAGS = $(PLUGIN_TEST_CFLAGS)
tests_integration_test_restore_LDADD = boot/librestore.la \
	tests/helpers/libsimhost.la $(PLUGIN_TEST_LIBS)
TESTS += tests/integration/test-restore
TESTS += tests/integration/test-xen-sriov-restore.sh
EXTRA_DIST += tests/integration/test-xen-sriov-restore.sh

# bench-restore: 8 PFs x 64 VFs restored after simulated reboots; `make
# bench-restore` (BENCH_RESTORE_FLAGS: PFS VFS RUNS).
noinst_PROGRAMS += bench/bench-restore
bench_bench_restore_SOURCES = bench/bench-restore.c
bench_bench_restore_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS) $(XENSTORE_CFLAGS) \
	$(CHECK_CFLAGS)
bench_bench_restore_CPPFLAGS = $(AM_CPPFLAGS) \
	-DBENCH_BUILDDIR='"$(abs_top_builddir)"'
bench_bench_restore_LDADD = boot/librestore.la tests/helpers/libsimhost.la \
	tests/helpers/libfixture.la tests/helpers/libxs-harness.la \
	$(XENSTORE_LIBS) $(CHECK_LIBS)
.PHONY: bench-restore
bench: bench-restore
bench-restore: all
	$(AM_V_at)$(top_builddir)/bench/bench-restore $(BENCH_RESTORE_FLAGS)

# System test (make check-vm): a real reboot of a Xen dom0.
VM_TESTS += tests/vm/xen-restore.vmtest
VM_GUEST_BINS += boot/xen-sriov-restore
EXTRA_DIST += tests/vm/xen-restore.vmtest tests/vm/guest/xen-restore.sh
