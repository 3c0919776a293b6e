# SPDX-License-Identifier: LGPL-2.1-or-later
# The schema as data, linked into the store and everything that reads records.
noinst_LTLIBRARIES += xenstore-schema/libschema.la
xenstore_schema_libschema_la_SOURCES = \
	xenstore-schema/schema.h \
	xenstore-schema/schema.c
