# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmarks: built by `make`, run by hand; they print their figures.
noinst_PROGRAMS += bench/bench-xe-list
bench_bench_xe_list_SOURCES = bench/bench-xe-list.c
bench_bench_xe_list_LDADD = xe-ext/libxecli.la

# XenAPI endpoint load test: 50 keep-alive clients for 60 s, zero errors
# expected; `make bench` runs it (BENCH_CLIENTS, BENCH_SECONDS tune it).
noinst_PROGRAMS += bench/xapi-load
bench_xapi_load_SOURCES = bench/xapi-load.c
bench_xapi_load_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(LIBXML_CFLAGS)
bench_xapi_load_LDADD = tests/helpers/libxapitest.la xe-ext/api/libxapi.la \
	$(LIBXML_LIBS) $(PTHREAD_LIBS)
BENCH_CLIENTS = 50
BENCH_SECONDS = 60
.PHONY: bench
bench: bench/xapi-load
	./bench/xapi-load --clients $(BENCH_CLIENTS) --seconds $(BENCH_SECONDS)
