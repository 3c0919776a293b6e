# SPDX-License-Identifier: LGPL-2.1-or-later
# Unit and integration tests (Check); each module's test is its own binary so
# that `make -j check` runs them in parallel.

TEST_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
TEST_LIBS = libsriov/libsriov-internal.la $(CHECK_LIBS)

check_PROGRAMS += tests/unit/test-ctx
tests_unit_test_ctx_SOURCES = tests/unit/test-ctx.c
tests_unit_test_ctx_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_ctx_LDADD = $(TEST_LIBS)

TESTS += tests/unit/test-ctx tests/headertest/headertest.sh
EXTRA_DIST += tests/headertest/headertest.sh

check_PROGRAMS += tests/unit/test-xapi-error
tests_unit_test_xapi_error_SOURCES = tests/unit/test-xapi-error.c
tests_unit_test_xapi_error_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_xapi_error_LDADD = ops/libops.la $(CHECK_LIBS)
TESTS += tests/unit/test-xapi-error

# The xe front end: one binary per module of xe and ops/.
XE_TEST_LIBS = xe/libxecli.la $(CHECK_LIBS)
XE_UNIT_TESTS = \
	tests/unit/test-xe-args \
	tests/unit/test-xe-printer \
	tests/unit/test-xe-errprint \
	tests/unit/test-xe-records \
	tests/unit/test-xe-generic \
	tests/unit/test-xe-help \
	tests/unit/test-xe-run
check_PROGRAMS += $(XE_UNIT_TESTS)
TESTS += $(XE_UNIT_TESTS)
tests_unit_test_xe_args_SOURCES = tests/unit/test-xe-args.c
tests_unit_test_xe_args_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_xe_args_LDADD = $(XE_TEST_LIBS)
tests_unit_test_xe_printer_SOURCES = tests/unit/test-xe-printer.c
tests_unit_test_xe_printer_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_xe_printer_LDADD = $(XE_TEST_LIBS)
tests_unit_test_xe_errprint_SOURCES = tests/unit/test-xe-errprint.c
tests_unit_test_xe_errprint_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_xe_errprint_LDADD = $(XE_TEST_LIBS)
tests_unit_test_xe_records_SOURCES = tests/unit/test-xe-records.c
tests_unit_test_xe_records_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_xe_records_LDADD = $(XE_TEST_LIBS)
tests_unit_test_xe_generic_SOURCES = tests/unit/test-xe-generic.c
tests_unit_test_xe_generic_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_xe_generic_LDADD = $(XE_TEST_LIBS)
tests_unit_test_xe_help_SOURCES = tests/unit/test-xe-help.c
tests_unit_test_xe_help_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_xe_help_LDADD = $(XE_TEST_LIBS)
tests_unit_test_xe_run_SOURCES = tests/unit/test-xe-run.c
tests_unit_test_xe_run_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_xe_run_LDADD = $(XE_TEST_LIBS)

# The operations (ops/ops.h) and their failure points, against a
# real xenstored and a simulated host.
check_PROGRAMS += tests/integration/test-xe-ops
tests_integration_test_xe_ops_SOURCES = tests/integration/test-xe-ops.c
tests_integration_test_xe_ops_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS) \
	$(CHECK_CFLAGS) $(XENSTORE_CFLAGS)
tests_integration_test_xe_ops_LDADD = ops/libops.la \
	tests/helpers/libxs-harness.la tests/helpers/libfixture.la \
	$(XENSTORE_LIBS) $(CHECK_LIBS)
TESTS += tests/integration/test-xe-ops

# VMs from xl configs (libxlutil) and domains in a real xenstored.
check_PROGRAMS += tests/integration/test-ops-vm
tests_integration_test_ops_vm_SOURCES = tests/integration/test-ops-vm.c
tests_integration_test_ops_vm_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) \
	$(XENSTORE_CFLAGS)
tests_integration_test_ops_vm_LDADD = ops/libops.la \
	tests/helpers/libxs-harness.la tests/helpers/libfixture.la \
	$(XENSTORE_LIBS) $(CHECK_LIBS)
TESTS += tests/integration/test-ops-vm

# xe as a program: golden outputs, root-only commands, completion, man page.
XE_SCRIPT_TESTS = \
	tests/golden/run.sh \
	tests/golden/flow.sh \
	tests/xe/root-only.sh \
	tests/xe/hw-reads.sh \
	tests/xe/completion.sh \
	tests/xe/manpage.sh
TESTS += $(XE_SCRIPT_TESTS)
EXTRA_DIST += $(XE_SCRIPT_TESTS) tests/golden/cases tests/golden/flows

# The other programs' man pages: one per installed program, rendered
# without a groff warning, every option and command of their --help.
TESTS += tests/unit/test-man-pages.sh
EXTRA_DIST += tests/unit/test-man-pages.sh
TESTS += tests/unit/test-xe-lazy-deps.sh
EXTRA_DIST += tests/unit/test-xe-lazy-deps.sh

# XenAPI endpoint (api): helpers shared by its tests and bench.
check_LTLIBRARIES += tests/helpers/libxapitest.la
tests_helpers_libxapitest_la_SOURCES = \
	tests/helpers/memclass.h tests/helpers/memclass.c \
	tests/helpers/xapi-fixture.h tests/helpers/xapi-fixture.c \
	tests/helpers/http-client.h tests/helpers/http-client.c
tests_helpers_libxapitest_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_helpers_libxapitest_la_LIBADD = api/libxapi.la
XAPI_TEST_LIBS = tests/helpers/libxapitest.la api/libxapi.la \
	$(CHECK_LIBS) $(LIBXML_LIBS) $(PTHREAD_LIBS)
XAPI_TEST_CFLAGS = $(TEST_CFLAGS) $(PTHREAD_CFLAGS) $(LIBXML_CFLAGS)

check_PROGRAMS += tests/integration/test-xapi-http
tests_integration_test_xapi_http_SOURCES = tests/integration/test-xapi-http.c
tests_integration_test_xapi_http_CFLAGS = $(XAPI_TEST_CFLAGS)
tests_integration_test_xapi_http_LDADD = $(XAPI_TEST_LIBS)
TESTS += tests/integration/test-xapi-http
EXTRA_DIST += tests/data/xmlrpc tests/data/jsonrpc

check_PROGRAMS += tests/unit/test-xapi-codec tests/unit/test-xapi-event \
	tests/unit/test-xapi-session tests/unit/test-xapi-task
tests_unit_test_xapi_codec_SOURCES = tests/unit/test-xapi-codec.c
tests_unit_test_xapi_codec_CFLAGS = $(XAPI_TEST_CFLAGS)
tests_unit_test_xapi_codec_LDADD = $(XAPI_TEST_LIBS)
tests_unit_test_xapi_event_SOURCES = tests/unit/test-xapi-event.c
tests_unit_test_xapi_event_CFLAGS = $(XAPI_TEST_CFLAGS)
tests_unit_test_xapi_event_LDADD = $(XAPI_TEST_LIBS)
tests_unit_test_xapi_session_SOURCES = tests/unit/test-xapi-session.c
tests_unit_test_xapi_session_CFLAGS = $(XAPI_TEST_CFLAGS)
tests_unit_test_xapi_session_LDADD = $(XAPI_TEST_LIBS)
tests_unit_test_xapi_task_SOURCES = tests/unit/test-xapi-task.c
tests_unit_test_xapi_task_CFLAGS = $(XAPI_TEST_CFLAGS)
tests_unit_test_xapi_task_LDADD = $(XAPI_TEST_LIBS)
TESTS += tests/unit/test-xapi-codec tests/unit/test-xapi-event \
	tests/unit/test-xapi-session tests/unit/test-xapi-task

# Real clients: Python's xmlrpc.client and Xen Orchestra's npm xen-api,
# against the endpoint with the in-memory classes of xapi-fixture.c.
check_PROGRAMS += tests/helpers/xapi-test-server
tests_helpers_xapi_test_server_SOURCES = tests/helpers/xapi-test-server.c
tests_helpers_xapi_test_server_CFLAGS = $(XAPI_TEST_CFLAGS)
tests_helpers_xapi_test_server_LDADD = $(XAPI_TEST_LIBS)
TESTS += tests/integration/test-xapi-npm.sh tests/integration/test-xapi-python.sh \
	tests/integration/test-xapi-daemon.sh
EXTRA_DIST += tests/integration/test-xapi-npm.sh \
	tests/integration/test-xapi-python.sh tests/integration/test-xapi-python.py \
	tests/integration/xapi_client.py tests/integration/xapi-npm-steps.mjs \
	tests/integration/test-xapi-daemon.sh \
	tests/integration/xapi-npm-client.mjs

check_PROGRAMS += tests/unit/test-deps
tests_unit_test_deps_SOURCES = tests/unit/test-deps.c
tests_unit_test_deps_CFLAGS = $(TEST_CFLAGS)
tests_unit_test_deps_LDADD = $(TEST_LIBS) $(DL_LIBS)
TESTS += tests/unit/test-deps

check_PROGRAMS += tests/unit/test-vf-config
tests_unit_test_vf_config_SOURCES = tests/unit/test-vf-config.c
tests_unit_test_vf_config_CFLAGS = $(TEST_CFLAGS) $(LIBNL_CFLAGS)
tests_unit_test_vf_config_LDADD = $(TEST_LIBS)
TESTS += tests/unit/test-vf-config

# `make check-valgrind`: the compiled tests once more under memcheck
# (tests/valgrind.sh; the scripts' programs are covered by ASan instead).
EXTRA_DIST += tests/valgrind.sh tests/valgrind.supp
check-valgrind: all $(check_PROGRAMS) $(check_LTLIBRARIES) $(check_SCRIPTS)
	@set --; for t in $(TESTS); do \
		case $$t in *.sh|*.py) ;; *) set -- "$$@" "$$t" ;; esac; \
	done; \
	$(AM_TESTS_ENVIRONMENT) $(SHELL) $(srcdir)/tests/valgrind.sh "$$@"
.PHONY: check-valgrind
clean-local: clean-valgrind-logs
clean-valgrind-logs:
	-rm -rf tests/valgrind
.PHONY: clean-valgrind-logs

# `make check-crash`: SIGKILLs at random points of xe, xen-sriovd and
# xenstored on a simulated host, with reboots, each followed by the checks
# of tests/crash/crash-campaign.py (CRASH_SEED=N replays a run,
# CRASH_KILLS=N sets its length).  Needs the test hooks.
EXTRA_DIST += tests/crash/crash-campaign.py
check-crash: all $(check_PROGRAMS) $(check_LTLIBRARIES) $(check_SCRIPTS)
	$(AM_TESTS_ENVIRONMENT) python3 $(srcdir)/tests/crash/crash-campaign.py
.PHONY: check-crash

# make check-pool: pools on etcd (docs/pool.md): a real 3-member etcd on
# loopback and three simulated hosts; a minute or two.
EXTRA_DIST += tests/pool/test-pool.sh tests/pool/pool-lib.sh \
	tests/pool/xenapi-pool.py tests/pool/pool-events.py \
	tests/pool/pool-npm.mjs
check-pool: all
	@$(MAKE) $(AM_MAKEFLAGS) tests/helpers/make-sim-host tests/helpers/xs-run
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	XENSTORED='$(XENSTORED)' OXENSTORED='$(OXENSTORED)' \
	$(SHELL) $(abs_top_srcdir)/tests/pool/test-pool.sh
.PHONY: check-pool
