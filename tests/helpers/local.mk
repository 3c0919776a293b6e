# SPDX-License-Identifier: LGPL-2.1-or-later
# The real-xenstored test harness every integration test uses
# (notes/xenstored-without-xen.md):
#   tests/helpers/xenstored-shim.la  LD_PRELOAD stand-in for the hypervisor
#   tests/helpers/libxs-harness.la   start/stop a private daemon (C, Check)
#   tests/helpers/xs-run             the same for shell: xs-run CMD...
# Built by plain `make` so tools/demo and bench/ can use them too.

# A shared module preloaded into the (uninstrumented) daemon: never built
# with the sanitizers, which would have to come first in the link order.
noinst_LTLIBRARIES += tests/helpers/xenstored-shim.la
tests_helpers_xenstored_shim_la_SOURCES = tests/helpers/xenstored-shim.c
tests_helpers_xenstored_shim_la_CFLAGS = -std=gnu11 $(WARN_CFLAGS) \
	$(XENCTRL_CFLAGS) $(XENSTORE_CFLAGS)
tests_helpers_xenstored_shim_la_LDFLAGS = -module -avoid-version -shared \
	-rpath $(abs_builddir)/tests/helpers
tests_helpers_xenstored_shim_la_LIBADD = $(DL_LIBS)

noinst_LTLIBRARIES += tests/helpers/libxs-harness.la
tests_helpers_libxs_harness_la_SOURCES = \
	tests/helpers/xs-harness.h \
	tests/helpers/xs-harness.c
tests_helpers_libxs_harness_la_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_helpers_libxs_harness_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DXS_HARNESS_XENSTORED='"$(XENSTORED)"' \
	-DXS_HARNESS_OXENSTORED='"$(OXENSTORED)"' \
	-DXS_HARNESS_SHIM='"$(abs_top_builddir)/tests/helpers/.libs/xenstored-shim.so"'
tests_helpers_libxs_harness_la_LIBADD = $(CHECK_LIBS)

noinst_SCRIPTS += tests/helpers/xs-run
tests/helpers/xs-run: tests/helpers/xs-run.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tests/helpers && \
	sed -e 's|@XENSTORED[@]|$(XENSTORED)|g' \
	    -e 's|@OXENSTORED[@]|$(OXENSTORED)|g' \
	    -e 's|@abs_top_builddir[@]|$(abs_top_builddir)|g' \
	    $(top_srcdir)/tests/helpers/xs-run.in >$@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@
CLEANFILES += tests/helpers/xs-run
EXTRA_DIST += tests/helpers/xs-run.in

check_PROGRAMS += tests/integration/test-xs-harness
tests_integration_test_xs_harness_SOURCES = tests/integration/test-xs-harness.c
tests_integration_test_xs_harness_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(XENSTORE_CFLAGS)
tests_integration_test_xs_harness_LDADD = tests/helpers/libxs-harness.la \
	$(XENSTORE_LIBS) $(CHECK_LIBS)
TESTS += tests/integration/test-xs-harness tests/integration/test-xs-run.sh
EXTRA_DIST += tests/integration/test-xs-run.sh
