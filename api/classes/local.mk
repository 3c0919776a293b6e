# SPDX-License-Identifier: LGPL-2.1-or-later
# api/classes: the XenAPI classes on the object store, their calls
# on the operations (ops/), and the event feed (docs/xenapi.md).
noinst_LTLIBRARIES += api/classes/libxapistore.la
api_classes_libxapistore_la_SOURCES = \
	api/classes/xapi-store.h \
	api/classes/internal.h \
	api/classes/xapi-store.c \
	api/classes/pool.c \
	api/classes/record.c \
	api/classes/args.c \
	api/classes/decode.c \
	api/classes/vm.c \
	api/classes/classes.c \
	api/classes/setters.c \
	api/classes/methods.c \
	api/classes/vif.c \
	api/classes/feed.c \
	api/classes/forward.c \
	api/classes/xencenter.c
api_classes_libxapistore_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) \
	$(XENSTORE_CFLAGS) $(XENLIGHT_CFLAGS)
api_classes_libxapistore_la_LIBADD = api/libxapi.la \
	ops/libops.la pool/libpool.la xenstore-schema/libschema.la $(XENLIGHT_LIBS) \
	$(PTHREAD_LIBS)

# Its golden files, records and event feed against a real xenstored and a
# simulated host.
check_PROGRAMS += tests/integration/test-xapi-store
tests_integration_test_xapi_store_SOURCES = \
	tests/integration/test-xapi-store.c \
	tests/helpers/http-client.h tests/helpers/http-client.c
tests_integration_test_xapi_store_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(XENSTORE_CFLAGS) $(JSONC_CFLAGS) $(LIBXML_CFLAGS) $(PTHREAD_CFLAGS)
tests_integration_test_xapi_store_LDADD = api/classes/libxapistore.la \
	tests/helpers/libxs-harness.la tests/helpers/libfixture.la \
	$(XENSTORE_LIBS) $(JSONC_LIBS) $(LIBXML_LIBS) $(CHECK_LIBS) \
	$(PTHREAD_LIBS)
TESTS += tests/integration/test-xapi-store
EXTRA_DIST += tests/data/xapi-store

# Real clients against the real xen-sriovd serving the store: Python's
# xmlrpc.client and Xen Orchestra's npm xen-api (skipped without Node.js).
TESTS += tests/integration/test-xapi-store-python.sh \
	tests/integration/test-xapi-xencenter.sh \
	tests/integration/test-xapi-store-npm.sh \
	tests/integration/test-xapi-harden.sh
EXTRA_DIST += tests/integration/test-xapi-store-python.sh \
	tests/integration/test-xapi-xencenter.sh \
	tests/integration/test-xapi-xencenter.py \
	tests/integration/test-xapi-store-python.py \
	tests/integration/test-xapi-harden.sh \
	tests/integration/test-xapi-harden.py \
	tests/integration/test-xapi-store-npm.sh \
	tests/integration/xapi-store-npm-client.mjs \
	tests/integration/xapi-store-server.sh \
	tests/integration/xapi-npm-install.sh
