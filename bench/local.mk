# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmarks: built by `make`, run by hand; they print their figures.
noinst_PROGRAMS += bench/bench-xe-list
bench_bench_xe_list_SOURCES = bench/bench-xe-list.c
bench_bench_xe_list_LDADD = xe-ext/libxecli.la
