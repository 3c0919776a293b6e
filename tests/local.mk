# SPDX-License-Identifier: LGPL-2.1-or-later
# Unit and integration tests (Check); each module's test is its own binary so
# that `make -j check` runs them in parallel.

TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS = libsriov/libsriov-internal.la $(CHECK_LIBS)

check_PROGRAMS += tests/unit/test-ctx
tests_unit_test_ctx_SOURCES = tests/unit/test-ctx.c
tests_unit_test_ctx_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ctx_LDADD = $(TEST_LIBS)

TESTS += tests/unit/test-ctx tests/headertest/headertest.sh
EXTRA_DIST += tests/headertest/headertest.sh

check_PROGRAMS += tests/unit/test-xapi-error
tests_unit_test_xapi_error_SOURCES = tests/unit/test-xapi-error.c
tests_unit_test_xapi_error_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_xapi_error_LDADD = xe-ext/libxecore.la $(CHECK_LIBS)
TESTS += tests/unit/test-xapi-error
