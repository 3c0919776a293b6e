# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests of host discovery, VF lifecycle, driver binding, the simulated
# host and sriov-info.  Tests that write sysfs run under kernel-sim.so
# (they re-exec themselves with it preloaded).
HOST_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
HOST_TEST_LIBS = tests/helpers/libfixture.la libsriov/libsriov-internal.la \
	$(CHECK_LIBS)

check_PROGRAMS += tests/unit/test-host
tests_unit_test_host_SOURCES = tests/unit/test-host.c
tests_unit_test_host_CFLAGS = $(HOST_TEST_CFLAGS)
tests_unit_test_host_LDADD = $(HOST_TEST_LIBS)
TESTS += tests/unit/test-host

check_PROGRAMS += tests/unit/test-lifecycle
tests_unit_test_lifecycle_SOURCES = tests/unit/test-lifecycle.c
tests_unit_test_lifecycle_CFLAGS = $(HOST_TEST_CFLAGS)
tests_unit_test_lifecycle_LDADD = $(HOST_TEST_LIBS)
TESTS += tests/unit/test-lifecycle
