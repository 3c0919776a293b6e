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
	store/migrate.c \
	store/watch.c
store_libstore_la_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(LIBXML_CFLAGS)
store_libstore_la_LIBADD = xenstore-schema/libschema.la $(XENSTORE_LIBS) \
	$(LIBXML_LIBS)
