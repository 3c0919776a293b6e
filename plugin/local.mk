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
	plugin/backend-dry.c \
	plugin/backend-libxl.c
plugin_libplugin_la_CFLAGS = $(AM_CFLAGS) $(XENLIGHT_CFLAGS) \
	$(XENCTRL_CFLAGS) $(XENSTORE_CFLAGS)
plugin_libplugin_la_LIBADD = store/libstore.la xe-ext/libxecore.la \
	libsriov/libsriov.la $(XENLIGHT_LIBS) $(XENCTRL_LIBS) $(XENSTORE_LIBS)

# Tests: against a real xenstored (tests/helpers/xs-harness) and simulated
# hosts (tests/fixtures/sysfs); libxl and rtnetlink run in tests/vm.
PLUGIN_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(XENSTORE_CFLAGS)
PLUGIN_TEST_LIBS = plugin/libplugin.la tests/helpers/libfixture.la \
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
