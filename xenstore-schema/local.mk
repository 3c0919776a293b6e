# SPDX-License-Identifier: LGPL-2.1-or-later
# The schema as data, linked into the store and everything that reads records.
noinst_LTLIBRARIES += xenstore-schema/libschema.la
xenstore_schema_libschema_la_SOURCES = \
	xenstore-schema/schema.h \
	xenstore-schema/schema.c \
	xenstore-schema/fields.h \
	xenstore-schema/fields.c

# paths.md is generated from the table; test-schema-doc.sh fails when the
# committed file and the table disagree.
noinst_PROGRAMS += xenstore-schema/schema-doc
xenstore_schema_schema_doc_SOURCES = xenstore-schema/schema-doc.c
xenstore_schema_schema_doc_LDADD = xenstore-schema/libschema.la
EXTRA_DIST += xenstore-schema/paths.md

# fields.h and fields.c (the field ids, SF_<name>) likewise, by
# schema-fields; test-schema-fields.sh checks them and that a misspelt id
# does not compile.
noinst_PROGRAMS += xenstore-schema/schema-fields
xenstore_schema_schema_fields_SOURCES = xenstore-schema/schema-fields.c
xenstore_schema_schema_fields_LDADD = xenstore-schema/libschema.la

.PHONY: schema-doc
schema-doc: xenstore-schema/schema-doc xenstore-schema/schema-fields
	$(AM_V_GEN)xenstore-schema/schema-doc >$(srcdir)/xenstore-schema/paths.md.tmp && \
	mv $(srcdir)/xenstore-schema/paths.md.tmp $(srcdir)/xenstore-schema/paths.md && \
	xenstore-schema/schema-fields h >$(srcdir)/xenstore-schema/fields.h.tmp && \
	mv $(srcdir)/xenstore-schema/fields.h.tmp $(srcdir)/xenstore-schema/fields.h && \
	xenstore-schema/schema-fields c >$(srcdir)/xenstore-schema/fields.c.tmp && \
	mv $(srcdir)/xenstore-schema/fields.c.tmp $(srcdir)/xenstore-schema/fields.c

TESTS += tests/unit/test-schema-fields.sh
EXTRA_DIST += tests/unit/test-schema-fields.sh

TESTS += tests/unit/test-schema-doc.sh
EXTRA_DIST += tests/unit/test-schema-doc.sh

check_PROGRAMS += tests/unit/test-schema
tests_unit_test_schema_SOURCES = tests/unit/test-schema.c
tests_unit_test_schema_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_schema_LDADD = xenstore-schema/libschema.la $(CHECK_LIBS)
TESTS += tests/unit/test-schema
