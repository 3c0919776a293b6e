# SPDX-License-Identifier: LGPL-2.1-or-later
# xe: the xe command line, a front end on the operations (ops/), beside the
# XenAPI endpoint (api/), xen-sriovd (daemon/) and the boot restore (boot/).

# The xe front end as a library, so that tests and the fuzzer reach it.
noinst_LTLIBRARIES += xe/libxecli.la
xe_libxecli_la_SOURCES = \
	xe/args.h \
	xe/args.c \
	xe/cli-error.h \
	xe/printer.h \
	xe/printer.c \
	xe/errprint.h \
	xe/errprint.c \
	xe/records.h \
	xe/records.c \
	xe/records-fill.c \
	xe/classes.c \
	xe/generic.h \
	xe/generic.c \
	xe/cmdtable.h \
	xe/cmdtable.c \
	xe/handlers.c \
	xe/commands.h \
	xe/cmd-generic.c \
	xe/cmd-static.c \
	xe/cmd-vif-plug.c \
	xe/cmd-pool.c \
	xe/forward.c \
	xe/frontend.h \
	xe/frontend.c \
	xe/reader.c \
	xe/reader-vm.c \
	xe/help.h \
	xe/help.c \
	xe/run.h \
	xe/run.c
xe_libxecli_la_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(JSONC_CFLAGS)
xe_libxecli_la_LIBADD = ops/libops.la pool/libpool.la $(JSONC_LIBS) xenstore-schema/libschema.la \
	plugin/libplugin.la

# `xe`, installed under the name --program-prefix/-transform-name give it.
bin_PROGRAMS += xe/xe
xe_xe_SOURCES = xe/main.c xe/xml-lazy.c xe/deps-lazy.c
nodist_xe_xe_SOURCES = xe/lazy-sonames.h
xe_xe_CFLAGS = $(AM_CFLAGS) $(LIBXML_CFLAGS) $(LIBCURL_CFLAGS) \
	$(JSONC_CFLAGS) $(XENLIGHT_CFLAGS) $(XLUTIL_CFLAGS) $(XENCTRL_CFLAGS)
# xml-lazy.c stands in for libxml2 until a snapshot is parsed, deps-lazy.c
# for libcurl, json-c, libxenlight, libxlutil and libxenctrl until a pool,
# VM or plug command calls them: with --as-needed xe loads none of them at
# start (about 50 libraries fewer; bench-xe).
xe_xe_LDFLAGS = $(AM_LDFLAGS) -Wl,--as-needed
# The sonames deps-lazy.c dlopen()s: those of the libraries built against.
BUILT_SOURCES += xe/lazy-sonames.h
CLEANFILES += xe/lazy-sonames.h
xe/lazy-sonames.h: Makefile
	$(AM_V_GEN)$(MKDIR_P) xe && \
	pairs='CURL:curl JSONC:json-c XENLIGHT:xenlight XLUTIL:xlutil XENCTRL:xenctrl' && \
	{ $(LAZY_SONAMES); } >$@-t && mv $@-t $@
xe_xe_LDADD = xe/libxecli.la libsriov/libsriov.la $(DL_LIBS)

# man page and bash completion, both under the name xe is installed as.
dist_man_MANS += man/xe.1
EXTRA_DIST += xe/xe.bash-completion
install-data-local: install-xe-completion
uninstall-local: uninstall-xe-completion
.PHONY: install-xe-completion uninstall-xe-completion
install-xe-completion:
	$(MKDIR_P) '$(DESTDIR)$(bashcompletiondir)'
	name=`echo xe | sed '$(transform)'`; \
	sed "s/^complete -F _xe_sriov xe\$$/complete -F _xe_sriov $$name/" \
	    '$(top_srcdir)/xe/xe.bash-completion' \
	    >'$(DESTDIR)$(bashcompletiondir)'/$$name
uninstall-xe-completion:
	name=`echo xe | sed '$(transform)'`; \
	rm -f '$(DESTDIR)$(bashcompletiondir)'/$$name
