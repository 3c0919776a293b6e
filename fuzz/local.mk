# SPDX-License-Identifier: LGPL-2.1-or-later
# libFuzzer targets (clang), not part of `make check`:
#   make fuzz                  build them
#   make fuzz-run FUZZ_TIME=N  run each for N seconds (default 60) on a
#                              corpus seeded from tests/golden/cases
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined \
	-include $(top_builddir)/config.h -I$(top_srcdir) \
	-I$(top_srcdir)/include -I$(top_builddir)/include
FUZZ_TIME = 60
FUZZ_XE_SRC = \
	$(top_srcdir)/fuzz/fuzz-xe.c \
	$(top_srcdir)/xe/args.c \
	$(top_srcdir)/xe/printer.c \
	$(top_srcdir)/xe/errprint.c \
	$(top_srcdir)/xe/records.c \
	$(top_srcdir)/xe/records-fill.c \
	$(top_srcdir)/xe/classes.c \
	$(top_srcdir)/xe/generic.c \
	$(top_srcdir)/xe/cmdtable.c \
	$(top_srcdir)/xe/help.c \
	$(top_srcdir)/xe/run.c \
	$(top_srcdir)/ops/xapi-error.c \
	$(top_srcdir)/ops/xapi-errors.c \
	$(top_srcdir)/xenstore-schema/schema.c
EXTRA_DIST += fuzz/fuzz-xe.c
CLEANFILES += fuzz/fuzz-xe
.PHONY: fuzz fuzz-run
fuzz: fuzz/fuzz-xe
fuzz/fuzz-xe: $(FUZZ_XE_SRC)
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_XE_SRC)
fuzz-run: fuzz/fuzz-xe
	rm -rf fuzz/corpus-xe && $(MKDIR_P) fuzz/corpus-xe
	cp $(top_srcdir)/tests/golden/cases/*.args fuzz/corpus-xe/
	ASAN_OPTIONS=detect_leaks=1 ./fuzz/fuzz-xe -max_total_time=$(FUZZ_TIME) \
	    -max_len=4096 -timeout=10 fuzz/corpus-xe

# The XenAPI endpoint's parsers (api): same `make fuzz`; `make
# fuzz-run` runs them first for FUZZ_TIME seconds each, seeded with the
# golden requests of tests/data/{xmlrpc,jsonrpc}.
FUZZ_XAPI_COMMON = $(top_srcdir)/api/value.c
EXTRA_DIST += fuzz/fuzz-xmlrpc.c fuzz/fuzz-jsonrpc.c fuzz/run-fuzz.sh \
	fuzz/xmlrpc.dict fuzz/jsonrpc.dict
CLEANFILES += fuzz/fuzz-xmlrpc fuzz/fuzz-jsonrpc
.PHONY: fuzz-run-xapi
fuzz: fuzz/fuzz-xmlrpc fuzz/fuzz-jsonrpc
fuzz-run: fuzz-run-xapi

fuzz/fuzz-xmlrpc: $(top_srcdir)/fuzz/fuzz-xmlrpc.c $(FUZZ_XAPI_COMMON) \
		$(top_srcdir)/api/xmlrpc.c
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fno-sanitize-recover=all $(LIBXML_CFLAGS) \
		-o $@ $(top_srcdir)/fuzz/fuzz-xmlrpc.c $(FUZZ_XAPI_COMMON) \
		$(top_srcdir)/api/xmlrpc.c $(LIBXML_LIBS) -lm

fuzz/fuzz-jsonrpc: $(top_srcdir)/fuzz/fuzz-jsonrpc.c $(FUZZ_XAPI_COMMON) \
		$(top_srcdir)/api/jsonrpc.c
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fno-sanitize-recover=all $(JSONC_CFLAGS) \
		-o $@ $(top_srcdir)/fuzz/fuzz-jsonrpc.c $(FUZZ_XAPI_COMMON) \
		$(top_srcdir)/api/jsonrpc.c $(JSONC_LIBS) -lm

fuzz-run-xapi: fuzz/fuzz-xmlrpc fuzz/fuzz-jsonrpc
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
		FUZZ_SECONDS='$(FUZZ_TIME)' $(SHELL) $(top_srcdir)/fuzz/run-fuzz.sh

# The store's snapshot parser, log frames and writer (store/xml.c, log.c):
# same `make fuzz`; `make fuzz-run` runs it for FUZZ_TIME seconds on a
# corpus seeded from fuzz/corpus-snapshot, with fuzz/snapshot.dict.
FUZZ_STORE_SRC = $(top_srcdir)/fuzz/fuzz-snapshot.c $(FUZZ_STORE_LIB_SRC)
FUZZ_STORE_LIB_SRC = \
	$(top_srcdir)/xenstore-schema/schema.c \
	$(top_srcdir)/store/store.c \
	$(top_srcdir)/store/wire.c \
	$(top_srcdir)/store/batch.c \
	$(top_srcdir)/store/path.c \
	$(top_srcdir)/store/record.c \
	$(top_srcdir)/store/read.c \
	$(top_srcdir)/store/tx.c \
	$(top_srcdir)/store/tree.c \
	$(top_srcdir)/store/check.c \
	$(top_srcdir)/store/index.c \
	$(top_srcdir)/store/xml.c \
	$(top_srcdir)/store/snapshot.c \
	$(top_srcdir)/store/log.c \
	$(top_srcdir)/store/migrate.c \
	$(top_srcdir)/store/watch.c
EXTRA_DIST += fuzz/fuzz-snapshot.c fuzz/corpus-snapshot fuzz/snapshot.dict
CLEANFILES += fuzz/fuzz-snapshot
.PHONY: fuzz-run-store
fuzz: fuzz/fuzz-snapshot
fuzz-run: fuzz-run-store

fuzz/fuzz-snapshot: $(FUZZ_STORE_SRC)
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fno-sanitize-recover=all $(LIBXML_CFLAGS) \
		$(XENSTORE_CFLAGS) -o $@ $(FUZZ_STORE_SRC) $(LIBXML_LIBS) \
		$(XENSTORE_LIBS)

fuzz-run-store: fuzz/fuzz-snapshot
	rm -rf fuzz/corpus-store && $(MKDIR_P) fuzz/corpus-store
	cp $(top_srcdir)/fuzz/corpus-snapshot/* fuzz/corpus-store/
	./fuzz/fuzz-snapshot -max_total_time=$(FUZZ_TIME) -max_len=65536 \
	    -timeout=10 -dict=$(top_srcdir)/fuzz/snapshot.dict fuzz/corpus-store

# The store-backed XenAPI classes (api/classes) without xenstored:
# argument decoding of the calls and record building; same `make fuzz`,
# run by `make fuzz-run` (run-fuzz.sh) seeded from tests/data/xapi-store.
FUZZ_XSTORE_SRC = \
	$(top_srcdir)/fuzz/fuzz-xapi-store.c \
	$(top_srcdir)/api/classes/decode.c \
	$(top_srcdir)/api/classes/record.c \
	$(top_srcdir)/api/value.c \
	$(top_srcdir)/api/xmlrpc.c \
	$(top_srcdir)/api/jsonrpc.c \
	$(top_srcdir)/ops/xapi-error.c \
	$(FUZZ_STORE_LIB_SRC)
EXTRA_DIST += fuzz/fuzz-xapi-store.c
CLEANFILES += fuzz/fuzz-xapi-store
fuzz: fuzz/fuzz-xapi-store
fuzz-run-xapi: fuzz/fuzz-xapi-store

fuzz/fuzz-xapi-store: $(FUZZ_XSTORE_SRC)
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fno-sanitize-recover=all $(LIBXML_CFLAGS) \
		$(JSONC_CFLAGS) $(XENSTORE_CFLAGS) -o $@ $(FUZZ_XSTORE_SRC) \
		$(LIBXML_LIBS) $(JSONC_LIBS) $(XENSTORE_LIBS) -lpthread -lm

# The xl config reader (ops/ops-vm.c on libxlutil): same `make fuzz`, run
# by `make fuzz-run` (run-fuzz.sh) seeded from fuzz/corpus-vm-config.
FUZZ_VM_SRC = \
	$(top_srcdir)/fuzz/fuzz-vm-config.c \
	$(top_srcdir)/ops/ops-vm.c \
	$(top_srcdir)/ops/xapi-error.c \
	$(top_srcdir)/xenstore-schema/schema.c
EXTRA_DIST += fuzz/fuzz-vm-config.c fuzz/corpus-vm-config fuzz/lsan-xlutil.supp
CLEANFILES += fuzz/fuzz-vm-config
fuzz: fuzz/fuzz-vm-config
fuzz-run-xapi: fuzz/fuzz-vm-config

fuzz/fuzz-vm-config: $(FUZZ_VM_SRC)
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fno-sanitize-recover=all $(XENSTORE_CFLAGS) \
		$(XLUTIL_CFLAGS) -o $@ $(FUZZ_VM_SRC) $(XLUTIL_LIBS) \
		$(XENSTORE_LIBS) -lm
