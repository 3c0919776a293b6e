# SPDX-License-Identifier: LGPL-2.1-or-later
# sriov-info: the host's SR-IOV devices, and VF enable/disable/bind.
bin_PROGRAMS += sriov-info/sriov-info
sriov_info_sriov_info_SOURCES = \
	sriov-info/sriov-info.h \
	sriov-info/sriov-info.c \
	sriov-info/text.c \
	sriov-info/json.c
sriov_info_sriov_info_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
sriov_info_sriov_info_LDADD = libsriov/libsriov.la $(JSONC_LIBS)
dist_man_MANS += man/sriov-info.1
EXTRA_DIST += docs/host.md
