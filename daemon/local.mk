# SPDX-License-Identifier: LGPL-2.1-or-later
# xen-sriovd: the domain watcher (plugin/) and the XenAPI endpoint
# (api) in one daemon, and its systemd unit.
sbin_PROGRAMS += daemon/xen-sriovd
daemon_xen_sriovd_SOURCES = \
	daemon/sriovd.h \
	daemon/options.c \
	daemon/watch.c \
	daemon/api-setup.c \
	daemon/pool-mirror.c \
	daemon/main.c
daemon_xen_sriovd_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(XENSTORE_CFLAGS)
daemon_xen_sriovd_LDADD = xe/libxecli.la plugin/libplugin.la pool/libpool.la \
	api/classes/libxapistore.la api/libxapi.la \
	$(XENSTORE_LIBS) $(PTHREAD_LIBS)
dist_man_MANS += man/xen-sriovd.8

sriovdunitdir = $(systemdsystemunitdir)
sriovdunit_DATA = boot/xen-sriovd.service
boot/xen-sriovd.service: boot/xen-sriovd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) boot && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@docdir[@]|$(docdir)|g' \
	    $(top_srcdir)/boot/xen-sriovd.service.in >$@.tmp && mv $@.tmp $@
CLEANFILES += boot/xen-sriovd.service
# The unit's Documentation= points here.
dist_doc_DATA += docs/plugin.md
EXTRA_DIST += boot/xen-sriovd.service.in

check_PROGRAMS += tests/integration/test-xen-sriovd
tests_integration_test_xen_sriovd_SOURCES = \
	tests/integration/test-xen-sriovd.c \
	tests/helpers/http-client.h \
	tests/helpers/http-client.c
tests_integration_test_xen_sriovd_CFLAGS = $(PLUGIN_TEST_CFLAGS)
tests_integration_test_xen_sriovd_LDADD = $(PLUGIN_TEST_LIBS)
TESTS += tests/integration/test-xen-sriovd
