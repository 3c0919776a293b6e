# SPDX-License-Identifier: LGPL-2.1-or-later
# plugin/: VF reservation, IOMMU checks, VF settings and passthrough via
# libxl (plugin/plugin.h), linked by xen-sriovd, xe and the tests.
noinst_LTLIBRARIES += plugin/libplugin.la
plugin_libplugin_la_SOURCES = \
	plugin/plugin.h \
	plugin/backend.h \
	plugin/internal.h \
	plugin/context.c \
	plugin/domain.c \
	plugin/lock.c \
	plugin/topology.c \
	plugin/iommu.c \
	plugin/vfs.c \
	plugin/settings.h \
	plugin/settings.c \
	plugin/reserve.c \
	plugin/pciback.c \
	plugin/attach.c \
	plugin/reconcile.c \
	plugin/coldplug.h \
	plugin/coldplug.c \
	plugin/backend-dry.c \
	plugin/backend-libxl.c
plugin_libplugin_la_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) \
	$(XENCTRL_CFLAGS) $(XENSTORE_CFLAGS)
plugin_libplugin_la_LIBADD = store/libstore.la \
	libsriov/libsriov.la $(XENLIGHT_LIBS) $(XENCTRL_LIBS) $(XENSTORE_LIBS)

# The cold-plug API for libxl toolstacks (include/sriov/xl.h), installed:
# only the sriov_xl_* symbols are exported.
sriovinclude_HEADERS += include/sriov/xl.h
lib_LTLIBRARIES += plugin/libsriov-xl.la
plugin_libsriov_xl_la_SOURCES =
plugin_libsriov_xl_la_LIBADD = plugin/libplugin.la
plugin_libsriov_xl_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 \
	-Wl,--gc-sections \
	-Wl,--version-script=$(top_srcdir)/plugin/libsriov-xl.sym \
	-Wl,--no-undefined
EXTRA_plugin_libsriov_xl_la_DEPENDENCIES = $(top_srcdir)/plugin/libsriov-xl.sym
pkgconfig_DATA += plugin/libsriov-xl.pc
plugin/libsriov-xl.pc: plugin/libsriov-xl.pc.in Makefile
	$(AM_V_GEN)$(MKDIR_P) plugin && \
	sed -e 's|@prefix[@]|$(prefix)|g' -e 's|@exec_prefix[@]|$(exec_prefix)|g' \
	    -e 's|@libdir[@]|$(libdir)|g' -e 's|@includedir[@]|$(includedir)|g' \
	    -e 's|@VERSION[@]|$(VERSION)|g' \
	    $(top_srcdir)/plugin/libsriov-xl.pc.in >$@.tmp && mv $@.tmp $@
CLEANFILES += plugin/libsriov-xl.pc
EXTRA_DIST += plugin/libsriov-xl.sym plugin/libsriov-xl.pc.in docs/plugin.md
TESTS += tests/integration/test-sriov-xl-abi.sh
EXTRA_DIST += tests/integration/test-sriov-xl-abi.sh

# Tests: against a real xenstored (tests/helpers/xs-harness) and simulated
# hosts (tests/fixtures/sysfs); libxl and rtnetlink run in tests/vm.
PLUGIN_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(XENSTORE_CFLAGS)
PLUGIN_TEST_LIBS = plugin/libplugin.la ops/libops.la \
	tests/helpers/libfixture.la \
	tests/helpers/libxs-harness.la tests/helpers/libpaths-walk.la \
	$(XENSTORE_LIBS) $(CHECK_LIBS)
EXTRA_DIST += tests/helpers/plugin-test.h

check_PROGRAMS += tests/integration/test-plugin-reserve
tests_integration_test_plugin_reserve_SOURCES = \
	tests/integration/test-plugin-reserve.c
tests_integration_test_plugin_reserve_CFLAGS = $(PLUGIN_TEST_CFLAGS)
tests_integration_test_plugin_reserve_LDADD = $(PLUGIN_TEST_LIBS)
TESTS += tests/integration/test-plugin-reserve

check_PROGRAMS += tests/integration/test-plugin-crash
tests_integration_test_plugin_crash_SOURCES = \
	tests/integration/test-plugin-crash.c \
	tests/helpers/plugin-fake.h \
	tests/helpers/plugin-fake.c
tests_integration_test_plugin_crash_CFLAGS = $(PLUGIN_TEST_CFLAGS)
tests_integration_test_plugin_crash_LDADD = $(PLUGIN_TEST_LIBS)
TESTS += tests/integration/test-plugin-crash

check_PROGRAMS += tests/integration/test-plugin-concurrency
tests_integration_test_plugin_concurrency_SOURCES = \
	tests/integration/test-plugin-concurrency.c
tests_integration_test_plugin_concurrency_CFLAGS = $(PLUGIN_TEST_CFLAGS)
tests_integration_test_plugin_concurrency_LDADD = $(PLUGIN_TEST_LIBS)
TESTS += tests/integration/test-plugin-concurrency

check_PROGRAMS += tests/integration/test-plugin-iommu
tests_integration_test_plugin_iommu_SOURCES = \
	tests/integration/test-plugin-iommu.c \
	tests/helpers/plugin-fake.h \
	tests/helpers/plugin-fake.c
tests_integration_test_plugin_iommu_CFLAGS = $(PLUGIN_TEST_CFLAGS)
tests_integration_test_plugin_iommu_LDADD = $(PLUGIN_TEST_LIBS)
TESTS += tests/integration/test-plugin-iommu

check_PROGRAMS += tests/integration/test-plugin-noxen
tests_integration_test_plugin_noxen_SOURCES = \
	tests/integration/test-plugin-noxen.c
tests_integration_test_plugin_noxen_CFLAGS = $(PLUGIN_TEST_CFLAGS)
tests_integration_test_plugin_noxen_LDADD = $(PLUGIN_TEST_LIBS)
TESTS += tests/integration/test-plugin-noxen

# System tests (make check-vm): xen-sriovd on real Xen, VF settings on
# netdevsim (tests/vm/guest/xen-plugin.sh).
VM_TESTS += tests/vm/xen-plugin.vmtest
VM_GUEST_BINS += daemon/xen-sriovd xe/xe tests/vm/vm-plugin-setup \
	tests/vm/vm-plugin-settings
EXTRA_DIST += tests/vm/xen-plugin.vmtest tests/vm/guest/xen-plugin.sh

check_PROGRAMS += tests/vm/vm-plugin-setup tests/vm/vm-plugin-settings
tests_vm_vm_plugin_setup_SOURCES = tests/vm/vm-plugin-setup.c
tests_vm_vm_plugin_setup_LDADD = store/libstore.la libsriov/libsriov.la
tests_vm_vm_plugin_settings_SOURCES = tests/vm/vm-plugin-settings.c \
	tests/vm/vm-driver.h
tests_vm_vm_plugin_settings_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_vm_vm_plugin_settings_LDADD = plugin/libplugin.la $(CHECK_LIBS)

check_PROGRAMS += tests/integration/test-plugin-coldplug
tests_integration_test_plugin_coldplug_SOURCES = \
	tests/integration/test-plugin-coldplug.c \
	tests/helpers/plugin-fake.h \
	tests/helpers/plugin-fake.c
tests_integration_test_plugin_coldplug_CFLAGS = $(PLUGIN_TEST_CFLAGS) \
	$(XENLIGHT_CFLAGS)
tests_integration_test_plugin_coldplug_LDADD = $(PLUGIN_TEST_LIBS) \
	$(XENLIGHT_LIBS)
TESTS += tests/integration/test-plugin-coldplug

# bench-plugin: domain starts and releases in dry-run on a private
# xenstored and a 1 x 256 VF simulated host; `make bench-plugin`
# (BENCH_PLUGIN_FLAGS: VFS DOMAINS VIFS_EACH PROCS).
noinst_PROGRAMS += bench/bench-plugin
bench_bench_plugin_SOURCES = bench/bench-plugin.c
bench_bench_plugin_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS) $(XENSTORE_CFLAGS) \
	$(CHECK_CFLAGS)
bench_bench_plugin_LDADD = plugin/libplugin.la ops/libops.la \
	tests/helpers/libsimhost.la \
	tests/helpers/libxs-harness.la $(XENSTORE_LIBS) $(CHECK_LIBS)
.PHONY: bench-plugin
bench: bench-plugin
bench-plugin: all
	$(AM_V_at)$(top_builddir)/bench/bench-plugin $(BENCH_PLUGIN_FLAGS)
