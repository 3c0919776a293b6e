# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests of host discovery, VF lifecycle, driver binding, the simulated
# host and sriov-info.  Tests that write sysfs run under kernel-sim.so
# (they re-exec themselves with it preloaded).
HOST_TEST_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS) $(CHECK_CFLAGS)
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
EXTRA_DIST += tests/helpers/lifecycle-test.h

check_PROGRAMS += tests/unit/test-modprobe
tests_unit_test_modprobe_SOURCES = tests/unit/test-modprobe.c
tests_unit_test_modprobe_CFLAGS = $(HOST_TEST_CFLAGS)
tests_unit_test_modprobe_LDADD = $(HOST_TEST_LIBS)
TESTS += tests/unit/test-modprobe

check_PROGRAMS += tests/unit/test-bind
tests_unit_test_bind_SOURCES = tests/unit/test-bind.c
tests_unit_test_bind_CFLAGS = $(HOST_TEST_CFLAGS)
tests_unit_test_bind_LDADD = $(HOST_TEST_LIBS)
TESTS += tests/unit/test-bind

check_PROGRAMS += tests/unit/test-kernel-sim
tests_unit_test_kernel_sim_SOURCES = tests/unit/test-kernel-sim.c
tests_unit_test_kernel_sim_CFLAGS = $(HOST_TEST_CFLAGS)
tests_unit_test_kernel_sim_LDADD = tests/helpers/libfixture.la $(CHECK_LIBS)
TESTS += tests/unit/test-kernel-sim

TESTS += tests/unit/test-sriov-info.sh tests/unit/test-make-sim-host.sh \
	tests/unit/test-readme-commands.sh
EXTRA_DIST += tests/unit/test-sriov-info.sh tests/unit/test-make-sim-host.sh \
	tests/unit/test-readme-commands.sh
