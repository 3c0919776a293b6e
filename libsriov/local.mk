# SPDX-License-Identifier: LGPL-2.1-or-later
# libsriov: the internal convenience library (tests link it to reach hidden
# sriov__ functions) and the installed shared library built from it.

# Installed as <sriov/...>, the way they are included.
sriovincludedir = $(includedir)/sriov
sriovinclude_HEADERS = \
	include/sriov/sriov.h \
	include/sriov/ctx.h \
	include/sriov/host.h \
	include/sriov/lifecycle.h \
	include/sriov/bind.h \
	include/sriov/vf-config.h
nodist_sriovinclude_HEADERS = include/sriov/version.h
include_HEADERS =

noinst_LTLIBRARIES += libsriov/libsriov-internal.la
libsriov_libsriov_internal_la_SOURCES = \
	libsriov/macro.h \
	libsriov/internal.h \
	libsriov/ctx.c \
	libsriov/error.c \
	libsriov/sysfs.c \
	libsriov/host-internal.h \
	libsriov/host.c \
	libsriov/pf.c \
	libsriov/vf.c \
	libsriov/netdev.c \
	libsriov/iommu.c \
	libsriov/names.c \
	libsriov/bdf.c \
	libsriov/lifecycle-internal.h \
	libsriov/numvfs.c \
	libsriov/modprobe.c \
	libsriov/mode.c \
	libsriov/bind.c \
	libsriov/vf-config.c \
	libsriov/netlink.c \
	libsriov/deps.h \
	libsriov/deps.c
nodist_libsriov_libsriov_internal_la_SOURCES = libsriov/lazy-sonames.h
libsriov_libsriov_internal_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden \
	$(PTHREAD_CFLAGS) $(LIBPCI_CFLAGS) $(LIBNL_CFLAGS)
# libpci and libnl are not linked: deps.c loads them on first use (not at
# the start of every program that links libsriov; deps.h says why).
libsriov_libsriov_internal_la_LIBADD = $(DL_LIBS) $(PTHREAD_LIBS)
# The sonames deps.c dlopen()s: those of the libraries built against.
BUILT_SOURCES += libsriov/lazy-sonames.h
CLEANFILES += libsriov/lazy-sonames.h
libsriov/lazy-sonames.h: Makefile
	$(AM_V_GEN)$(MKDIR_P) libsriov && \
	pairs='PCI:pci NL:nl-3 NL_ROUTE:nl-route-3' && \
	{ $(LAZY_SONAMES); } >$@-t && mv $@-t $@

lib_LTLIBRARIES += libsriov/libsriov.la
libsriov_libsriov_la_SOURCES =
libsriov_libsriov_la_LIBADD = libsriov/libsriov-internal.la
libsriov_libsriov_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(LIBSRIOV_LT_VERSION) \
	-Wl,--version-script=$(top_srcdir)/libsriov/libsriov.sym -Wl,--no-undefined
EXTRA_libsriov_libsriov_la_DEPENDENCIES = $(top_srcdir)/libsriov/libsriov.sym
pkgconfig_DATA += libsriov/libsriov.pc
EXTRA_DIST += libsriov/libsriov.sym libsriov/libsriov.pc.in
