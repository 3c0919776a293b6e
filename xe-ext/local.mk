# SPDX-License-Identifier: LGPL-2.1-or-later
# xe-ext: the front ends on the operations (ops/): `xe` (cli/), the XenAPI
# endpoint (api/) and the XenAPI classes it serves (xapi-store/).

# The xe front end as a library, so that tests and the fuzzer reach it.
noinst_LTLIBRARIES += xe-ext/libxecli.la
xe_ext_libxecli_la_SOURCES = \
	xe-ext/cli/args.h \
	xe-ext/cli/args.c \
	xe-ext/cli/cli-error.h \
	xe-ext/cli/printer.h \
	xe-ext/cli/printer.c \
	xe-ext/cli/errprint.h \
	xe-ext/cli/errprint.c \
	xe-ext/cli/records.h \
	xe-ext/cli/records.c \
	xe-ext/cli/records-fill.c \
	xe-ext/cli/classes.c \
	xe-ext/cli/generic.h \
	xe-ext/cli/generic.c \
	xe-ext/cli/cmdtable.h \
	xe-ext/cli/cmdtable.c \
	xe-ext/cli/handlers.c \
	xe-ext/cli/commands.h \
	xe-ext/cli/cmd-generic.c \
	xe-ext/cli/cmd-static.c \
	xe-ext/cli/cmd-vif-plug.c \
	xe-ext/cli/frontend.h \
	xe-ext/cli/frontend.c \
	xe-ext/cli/reader.c \
	xe-ext/cli/reader-vm.c \
	xe-ext/cli/help.h \
	xe-ext/cli/help.c \
	xe-ext/cli/run.h \
	xe-ext/cli/run.c
xe_ext_libxecli_la_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS)
xe_ext_libxecli_la_LIBADD = ops/libops.la xenstore-schema/libschema.la \
	plugin/libplugin.la

# `xe`, installed under the name --program-prefix/-transform-name give it.
bin_PROGRAMS += xe-ext/xe
xe_ext_xe_SOURCES = xe-ext/cli/main.c xe-ext/cli/xml-lazy.c
xe_ext_xe_CFLAGS = $(AM_CFLAGS) $(LIBXML_CFLAGS)
# xml-lazy.c stands in for libxml2 until a snapshot is parsed: with
# --as-needed xe does not load libxml2 at start (1 ms per command).
xe_ext_xe_LDFLAGS = $(AM_LDFLAGS) -Wl,--as-needed
xe_ext_xe_LDADD = xe-ext/libxecli.la libsriov/libsriov.la $(DL_LIBS)

# man page and bash completion, both under the name xe is installed as.
dist_man_MANS += man/xe.1
EXTRA_DIST += xe-ext/cli/xe.bash-completion
install-data-local: install-xe-completion
uninstall-local: uninstall-xe-completion
.PHONY: install-xe-completion uninstall-xe-completion
install-xe-completion:
	$(MKDIR_P) '$(DESTDIR)$(bashcompletiondir)'
	name=`echo xe | sed '$(transform)'`; \
	sed "s/^complete -F _xe_sriov xe\$$/complete -F _xe_sriov $$name/" \
	    '$(top_srcdir)/xe-ext/cli/xe.bash-completion' \
	    >'$(DESTDIR)$(bashcompletiondir)'/$$name
uninstall-xe-completion:
	name=`echo xe | sed '$(transform)'`; \
	rm -f '$(DESTDIR)$(bashcompletiondir)'/$$name
