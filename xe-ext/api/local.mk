# SPDX-License-Identifier: LGPL-2.1-or-later
# xe-ext/api: the XenAPI endpoint (codecs, dispatch, sessions, events,
# HTTP) as a convenience library, and xen-sriov-api, the endpoint on its
# own (xen-sriovd embeds the same library).
noinst_LTLIBRARIES += xe-ext/api/libxapi.la
xe_ext_api_libxapi_la_SOURCES = \
	xe-ext/api/value.h xe-ext/api/value.c \
	xe-ext/api/xmlrpc.h xe-ext/api/xmlrpc.c \
	xe-ext/api/jsonrpc.h xe-ext/api/jsonrpc.c \
	xe-ext/api/log.h xe-ext/api/log.c \
	xe-ext/api/dispatch.h xe-ext/api/dispatch.c \
	xe-ext/api/auth.h xe-ext/api/auth.c \
	xe-ext/api/session.h xe-ext/api/session.c \
	xe-ext/api/class.h xe-ext/api/class.c \
	xe-ext/api/role.h xe-ext/api/role.c \
	xe-ext/api/event.h xe-ext/api/event.c \
	xe-ext/api/task.h xe-ext/api/task.c \
	xe-ext/api/api.h xe-ext/api/api.c \
	xe-ext/api/listen.h xe-ext/api/listen.c \
	xe-ext/api/http.h xe-ext/api/http.c \
	xe-ext/api/daemon.h xe-ext/api/daemon.c
xe_ext_api_libxapi_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) \
	$(LIBXML_CFLAGS) $(JSONC_CFLAGS) $(MHD_CFLAGS) $(PAM_CFLAGS) \
	$(LIBCRYPT_CFLAGS) $(GNUTLS_CFLAGS)
xe_ext_api_libxapi_la_LIBADD = ops/libops.la \
	$(LIBXML_LIBS) $(JSONC_LIBS) $(MHD_LIBS) $(PAM_LIBS) $(LIBCRYPT_LIBS) \
	$(GNUTLS_LIBS) $(PTHREAD_LIBS)

sbin_PROGRAMS += xe-ext/api/xen-sriov-api
xe_ext_api_xen_sriov_api_SOURCES = xe-ext/api/main.c
xe_ext_api_xen_sriov_api_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
xe_ext_api_xen_sriov_api_LDADD = xe-ext/api/libxapi.la $(PTHREAD_LIBS)
EXTRA_DIST += docs/xenapi.md
