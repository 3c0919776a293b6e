# SPDX-License-Identifier: LGPL-2.1-or-later
# Simulated hosts (tests/helpers/README.md):
#   tests/helpers/libsimhost.la   builder + kernel model (C)
#   tests/helpers/make-sim-host   the builder as a command
#   tests/helpers/kernel-sim.la   LD_PRELOAD kernel simulator
#                                 (tests/helpers/.libs/kernel-sim.so)
#   tests/helpers/libfixture.la   Check helpers: temp trees, preloading
# Built by plain `make`: tools/demo and bench/ use them too.

SIM_SOURCES = \
	tests/helpers/sim-host.h \
	tests/helpers/sim-internal.h \
	tests/helpers/sim-fs.c \
	tests/helpers/sim-model.c \
	tests/helpers/sim-kernel.c \
	tests/helpers/sim-manifest.c

# Paths are built in PATH_MAX buffers; snprintf truncation there would
# need paths longer than the kernel allows, so that warning is off.
SIM_CFLAGS = -Wno-format-truncation

noinst_LTLIBRARIES += tests/helpers/libsimhost.la
tests_helpers_libsimhost_la_SOURCES = $(SIM_SOURCES)
tests_helpers_libsimhost_la_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS)

# Preloaded into uninstrumented programs (shells, the demo) as well as
# ASan-built tests: never built with the sanitizers.
noinst_LTLIBRARIES += tests/helpers/kernel-sim.la
tests_helpers_kernel_sim_la_SOURCES = tests/helpers/kernel-sim.c $(SIM_SOURCES)
tests_helpers_kernel_sim_la_CFLAGS = -std=gnu11 $(WARN_CFLAGS) $(SIM_CFLAGS) \
	$(PTHREAD_CFLAGS)
tests_helpers_kernel_sim_la_LDFLAGS = -module -avoid-version -shared \
	-rpath $(abs_builddir)/tests/helpers
tests_helpers_kernel_sim_la_LIBADD = $(DL_LIBS) $(PTHREAD_LIBS)

noinst_PROGRAMS += tests/helpers/make-sim-host
tests_helpers_make_sim_host_SOURCES = tests/helpers/make-sim-host.c
tests_helpers_make_sim_host_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS)
tests_helpers_make_sim_host_CPPFLAGS = $(AM_CPPFLAGS) \
	-DSIM_FIXTURES_DIR='"$(abs_top_srcdir)/tests/fixtures/sysfs"'
tests_helpers_make_sim_host_LDADD = tests/helpers/libsimhost.la

noinst_LTLIBRARIES += tests/helpers/libfixture.la
tests_helpers_libfixture_la_SOURCES = \
	tests/helpers/fixture.h \
	tests/helpers/fixture.c
tests_helpers_libfixture_la_CFLAGS = $(AM_CFLAGS) $(SIM_CFLAGS) $(CHECK_CFLAGS)
tests_helpers_libfixture_la_LIBADD = tests/helpers/libsimhost.la $(DL_LIBS)

EXTRA_DIST += \
	tests/helpers/README.md \
	tests/helpers/kernel-sim.md \
	tests/fixtures/sysfs
