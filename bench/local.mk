# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmarks: built by `make`, run by hand; they print their figures.
noinst_PROGRAMS += bench/bench-xe-list
bench_bench_xe_list_SOURCES = bench/bench-xe-list.c
bench_bench_xe_list_LDADD = xe/libxecli.la

# XenAPI endpoint load test: 50 keep-alive clients for 60 s, zero errors
# expected; `make bench` runs it (BENCH_CLIENTS, BENCH_SECONDS tune it).
noinst_PROGRAMS += bench/xapi-load
bench_xapi_load_SOURCES = bench/xapi-load.c
bench_xapi_load_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(LIBXML_CFLAGS)
bench_xapi_load_LDADD = tests/helpers/libxapitest.la api/libxapi.la \
	$(LIBXML_LIBS) $(PTHREAD_LIBS)
BENCH_CLIENTS = 50
BENCH_SECONDS = 60
.PHONY: bench
bench: bench/xapi-load bench-scan
	./bench/xapi-load --clients $(BENCH_CLIENTS) --seconds $(BENCH_SECONDS)

# The same against the store-backed endpoint: the real xen-sriovd on a
# private xenstored and a simulated host; `make bench` or `make
# bench-xapi-store`.
.PHONY: bench-xapi-store
bench: bench-xapi-store
bench-xapi-store: all bench/xapi-load
	top_builddir='$(abs_top_builddir)' $(SHELL) \
	    $(top_srcdir)/bench/xapi-load-store.sh $(BENCH_CLIENTS) \
	    $(BENCH_SECONDS)
EXTRA_DIST += bench/xapi-load-store.sh

# bench-scan: a 16x256 simulated host, the scan next to lspci; `make bench`
# or `make bench-scan` (BENCH_SCAN_FLAGS: --pfs, --vfs, --runs)
noinst_PROGRAMS += bench/bench-scan
bench_bench_scan_SOURCES = bench/bench-scan.c
bench_bench_scan_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS)
bench_bench_scan_CPPFLAGS = $(AM_CPPFLAGS) \
	-DBENCH_SRIOV_INFO='"$(abs_top_builddir)/sriov-info/.libs/sriov-info"' \
	-DBENCH_LIBDIR='"$(abs_top_builddir)/libsriov/.libs"'
bench_bench_scan_LDADD = libsriov/libsriov-internal.la \
	tests/helpers/libsimhost.la
.PHONY: bench-scan
bench-scan: all
	$(AM_V_at)$(top_builddir)/bench/bench-scan $(BENCH_SCAN_FLAGS)

# bench-store: 1,024 networks and 4,096 VIF records in the object store on a
# private xenstored, each operation next to the stock clients
# (xenstore-ls/-read/-write, libxenstore); `make bench` or `make
# bench-store` (BENCH_STORE_FLAGS: NETWORKS VIFS).
noinst_PROGRAMS += bench/bench-store
bench_bench_store_SOURCES = bench/bench-store.c bench/bench-common.h
bench_bench_store_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(CHECK_CFLAGS)
bench_bench_store_LDADD = store/libstore.la tests/helpers/libxs-harness.la \
	$(XENSTORE_LIBS) $(CHECK_LIBS)
.PHONY: bench-store
bench: bench-store
bench-store: all
	$(AM_V_at)$(top_builddir)/bench/bench-store $(BENCH_STORE_FLAGS)

# bench-xe: one xe command as a whole process on 1,024 networks with their
# network-sriovs (list; param-get next to xenstore-read, the ratio), and
# the requests and round trips of each; network-sriov-create and -destroy
# beside them on a simulated X710; `make bench` or `make bench-xe`
# (BENCH_XE_FLAGS: NETWORKS RUNS).
noinst_PROGRAMS += bench/bench-xe
bench_bench_xe_SOURCES = bench/bench-xe.c bench/bench-common.h
bench_bench_xe_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
bench_bench_xe_CPPFLAGS = $(AM_CPPFLAGS) \
	-DBENCH_XE='"$(abs_top_builddir)/xe/.libs/xe"' \
	-DBENCH_LIBDIR='"$(abs_top_builddir)/libsriov/.libs"' \
	-DBENCH_FIXTURES='"$(abs_top_srcdir)/tests/fixtures/sysfs"' \
	-DBENCH_KERNEL_SIM='"$(abs_top_builddir)/tests/helpers/.libs/kernel-sim.so"'
bench_bench_xe_LDADD = xe/libxecli.la tests/helpers/libxs-harness.la \
	tests/helpers/libsimhost.la $(CHECK_LIBS)
.PHONY: bench-xe
bench: bench-xe
bench-xe: all
	$(AM_V_at)$(top_builddir)/bench/bench-xe $(BENCH_XE_FLAGS)

# bench-contention: write commands as the store grows (10, 1,000 and 10,000
# networks: wall time and xenstored's CPU per command) and with 1, 8 and 64
# writers at once (wall time, retries, p99, ratio to serial); `make bench`
# or `make bench-contention` (BENCH_CONTENTION_FLAGS: SIZES WRITERS
# COMMANDS RUNS; BENCH_FILL=load fills by loading a snapshot, which the C
# xenstored takes to 10,000 in minutes; XS_HARNESS_XENSTORED=oxenstored
# runs it on oxenstored; BENCH_PERF=PREFIX records xenstored with `perf
# record` during each size's commands, into PREFIX-N-command.data).
noinst_PROGRAMS += bench/bench-contention
bench_bench_contention_SOURCES = bench/bench-contention.c bench/bench-common.h
bench_bench_contention_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
bench_bench_contention_LDADD = xe/libxecli.la \
	tests/helpers/libxs-harness.la $(CHECK_LIBS)
.PHONY: bench-contention
bench: bench-contention
bench-contention: all
	$(AM_V_at)$(top_builddir)/bench/bench-contention $(BENCH_CONTENTION_FLAGS)

# bench-pool: 16 simulated hosts x 4 PFs in one pool on etcd (docs/pool.md):
# pool-wide list latency, etcd requests per command, and the time for a
# change on one host to be seen on another; `make bench` or `make
# bench-pool` (BENCH_POOL_HOSTS tunes the count).
.PHONY: bench-pool
bench: bench-pool
bench-pool: all
	@$(MAKE) $(AM_MAKEFLAGS) tests/helpers/make-sim-host tests/helpers/xs-run
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	    $(SHELL) $(top_srcdir)/bench/pool-bench.sh
EXTRA_DIST += bench/pool-bench.sh
