# SPDX-License-Identifier: LGPL-2.1-or-later
# ops/: the XenAPI operations on the store (pif-scan, network-sriov create
# and destroy, VIFs...) and XenAPI's errors, shared by the front ends (`xe`,
# the XenAPI endpoint, xen-sriovd).  The plugin's failures get their XenAPI
# names here too (ops/plugin.c): the plugin itself speaks -errno.
noinst_LTLIBRARIES += ops/libops.la
ops_libops_la_SOURCES = \
	ops/xapi-error.h \
	ops/xapi-error.c \
	ops/xapi-errors.h \
	ops/xapi-errors.c \
	ops/ops.h \
	ops/ops-internal.h \
	ops/ops-common.c \
	ops/ops-host.c \
	ops/ops-host-info.c \
	ops/ops-scan.c \
	ops/ops-pif.c \
	ops/ops-network.c \
	ops/ops-changes.c \
	ops/ops-sriov.c \
	ops/ops-capacity.c \
	ops/ops-vif.c \
	ops/ops-vm.c \
	ops/ops-vm-config.c \
	ops/ops-vm-pool.c \
	ops/plugin-error.h \
	ops/plugin-error.c
ops_libops_la_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(XLUTIL_CFLAGS) \
	$(JSONC_CFLAGS)
ops_libops_la_LIBADD = store/libstore.la libsriov/libsriov.la \
	$(XENSTORE_LIBS) $(XLUTIL_LIBS) $(JSONC_LIBS)
