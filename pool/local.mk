# SPDX-License-Identifier: LGPL-2.1-or-later
# pool/: pools on etcd (docs/pool.md), a layer beside store/: the etcd v3
# client (its JSON gateway over libcurl and json-c) and the pool's view:
# join, mirror, liveness, pool-wide lists, eject.  Linked by xe and
# xen-sriovd.
noinst_LTLIBRARIES += pool/libpool.la
pool_libpool_la_SOURCES = \
	pool/etcd.h \
	pool/etcd.c \
	pool/pool.h \
	pool/conf.c \
	pool/pool.c \
	pool/pool-internal.h \
	pool/pool-network.c
pool_libpool_la_CFLAGS = $(AM_CFLAGS) $(LIBCURL_CFLAGS) $(JSONC_CFLAGS) \
	$(XENSTORE_CFLAGS)
pool_libpool_la_LIBADD = ops/libops.la store/libstore.la $(LIBCURL_LIBS) $(JSONC_LIBS)
dist_doc_DATA += docs/pool.md
