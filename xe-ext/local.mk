# SPDX-License-Identifier: LGPL-2.1-or-later
# xe-ext: the operations shared by `xe` and the XenAPI endpoint (core/), the
# xe front end (cli/) and the endpoint (api/).
noinst_LTLIBRARIES += xe-ext/libxecore.la
xe_ext_libxecore_la_SOURCES = \
	xe-ext/core/xapi-error.h \
	xe-ext/core/xapi-error.c
