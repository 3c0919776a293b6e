# SPDX-License-Identifier: LGPL-2.1-or-later
# The object store on xenstore (store/store.h), linked by xe, the XenAPI
# endpoint, the daemon, the boot restore and the tests.
noinst_LTLIBRARIES += store/libstore.la
store_libstore_la_SOURCES = \
	store/store.h \
	store/internal.h \
	store/store.c \
	store/wire.c \
	store/batch.c \
	store/path.c \
	store/record.c \
	store/read.c \
	store/tx.c \
	store/tree.c \
	store/check.c \
	store/xml.c \
	store/snapshot.c \
	store/log.c \
	store/migrate.c \
	store/index.c \
	store/watch.c
store_libstore_la_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(LIBXML_CFLAGS)
store_libstore_la_LIBADD = xenstore-schema/libschema.la $(XENSTORE_LIBS) \
	$(LIBXML_LIBS)

# Tests of the store (against the real xenstored of tests/helpers).
noinst_LTLIBRARIES += tests/helpers/libpaths-walk.la
tests_helpers_libpaths_walk_la_SOURCES = \
	tests/helpers/paths-walk.h \
	tests/helpers/paths-walk.c
tests_helpers_libpaths_walk_la_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS)
tests_helpers_libpaths_walk_la_LIBADD = $(XENSTORE_LIBS)

STORE_TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(XENSTORE_CFLAGS)
STORE_TEST_LIBS = store/libstore.la tests/helpers/libxs-harness.la \
	tests/helpers/libpaths-walk.la $(XENSTORE_LIBS) $(CHECK_LIBS)
EXTRA_DIST += tests/helpers/store-test.h

check_PROGRAMS += tests/integration/test-store
tests_integration_test_store_SOURCES = tests/integration/test-store.c
tests_integration_test_store_CFLAGS = $(STORE_TEST_CFLAGS)
tests_integration_test_store_LDADD = $(STORE_TEST_LIBS)
TESTS += tests/integration/test-store

check_PROGRAMS += tests/integration/test-store-concurrency
tests_integration_test_store_concurrency_SOURCES = \
	tests/integration/test-store-concurrency.c
tests_integration_test_store_concurrency_CFLAGS = $(STORE_TEST_CFLAGS)
tests_integration_test_store_concurrency_LDADD = $(STORE_TEST_LIBS)
TESTS += tests/integration/test-store-concurrency

check_PROGRAMS += tests/integration/test-store-snapshot
tests_integration_test_store_snapshot_SOURCES = \
	tests/integration/test-store-snapshot.c
tests_integration_test_store_snapshot_CFLAGS = $(STORE_TEST_CFLAGS)
tests_integration_test_store_snapshot_LDADD = $(STORE_TEST_LIBS)
TESTS += tests/integration/test-store-snapshot

check_PROGRAMS += tests/integration/test-store-migrate
tests_integration_test_store_migrate_SOURCES = \
	tests/integration/test-store-migrate.c
tests_integration_test_store_migrate_CFLAGS = $(STORE_TEST_CFLAGS)
tests_integration_test_store_migrate_LDADD = $(STORE_TEST_LIBS)
TESTS += tests/integration/test-store-migrate

# The admin tool: init, check, snapshot, verify, load, migrate.
sbin_PROGRAMS += store/xen-sriov-store
store_xen_sriov_store_SOURCES = store/xen-sriov-store.c
store_xen_sriov_store_LDADD = store/libstore.la
dist_man_MANS += man/xen-sriov-store.8

TESTS += tests/integration/test-xen-sriov-store.sh
EXTRA_DIST += tests/integration/test-xen-sriov-store.sh
EXTRA_DIST += docs/store.md
