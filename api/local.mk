# SPDX-License-Identifier: LGPL-2.1-or-later
# api: the XenAPI endpoint (codecs, dispatch, sessions, events,
# HTTP) as a convenience library, and xen-sriov-api, the endpoint on its
# own (xen-sriovd embeds the same library).
noinst_LTLIBRARIES += api/libxapi.la
api_libxapi_la_SOURCES = \
	api/value.h api/value.c \
	api/xmlrpc.h api/xmlrpc.c \
	api/jsonrpc.h api/jsonrpc.c \
	api/log.h api/log.c \
	api/dispatch.h api/dispatch.c \
	api/auth.h api/auth.c \
	api/session.h api/session.c \
	api/class.h api/class.c \
	api/role.h api/role.c \
	api/event.h api/event.c \
	api/task.h api/task.c \
	api/api.h api/api.c \
	api/listen.h api/listen.c \
	api/http.h api/http.c \
	api/daemon.h api/daemon.c
api_libxapi_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) \
	$(LIBXML_CFLAGS) $(JSONC_CFLAGS) $(MHD_CFLAGS) $(PAM_CFLAGS) \
	$(LIBCRYPT_CFLAGS) $(GNUTLS_CFLAGS)
api_libxapi_la_LIBADD = ops/libops.la \
	$(LIBXML_LIBS) $(JSONC_LIBS) $(MHD_LIBS) $(PAM_LIBS) $(LIBCRYPT_LIBS) \
	$(GNUTLS_LIBS) $(PTHREAD_LIBS)

sbin_PROGRAMS += api/xen-sriov-api
api_xen_sriov_api_SOURCES = api/main.c
api_xen_sriov_api_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
api_xen_sriov_api_LDADD = api/libxapi.la $(PTHREAD_LIBS)
dist_man_MANS += man/xen-sriov-api.8
EXTRA_DIST += docs/xenapi.md
