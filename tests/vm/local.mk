# SPDX-License-Identifier: LGPL-2.1-or-later
# System tests in QEMU (`make check-vm`): a real kernel with real VFs and
# real Xen with real passthrough.  Each *.vmtest boots one VM and reports
# its checks as TAP; the VMs run one at a time.

# The seed flow on igb under Xen: also alone with `make check-vm-igb`.
VM_IGB_TESTS = \
	tests/vm/xen-igb.vmtest \
	tests/vm/xen-igb-restore.vmtest

VM_TESTS = \
	tests/vm/runner.vmtest \
	tests/vm/kernel.vmtest \
	tests/vm/kernel-igb.vmtest \
	tests/vm/xen.vmtest \
	tests/vm/xen-noiommu.vmtest \
	$(VM_IGB_TESTS)

# Programs copied into the guests (built by `make check`, run only in VMs).
VM_GUEST_BINS = \
	sriov-info/sriov-info \
	store/xen-sriov-store \
	tests/vm/vm-host \
	tests/vm/vm-sysfs \
	tests/vm/vm-vf-config \
	tests/vm/xs-probe
VM_DOMU_BINS = tests/vm/xs-probe

check_PROGRAMS += tests/vm/vm-sysfs
tests_vm_vm_sysfs_SOURCES = tests/vm/vm-sysfs.c
tests_vm_vm_sysfs_CFLAGS = $(TEST_CFLAGS)
tests_vm_vm_sysfs_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/vm/vm-host
tests_vm_vm_host_SOURCES = tests/vm/vm-host.c
tests_vm_vm_host_CFLAGS = $(TEST_CFLAGS)
tests_vm_vm_host_LDADD = libsriov/libsriov.la $(CHECK_LIBS)

check_PROGRAMS += tests/vm/vm-vf-config
tests_vm_vm_vf_config_SOURCES = tests/vm/vm-vf-config.c tests/vm/vm-driver.h
tests_vm_vm_vf_config_CFLAGS = $(TEST_CFLAGS) $(JSONC_CFLAGS)
tests_vm_vm_vf_config_LDADD = libsriov/libsriov.la $(JSONC_LIBS) $(CHECK_LIBS)

# On the host: the frames of a VM's wire pcap (run-vm.sh --wire-pcap).
check_PROGRAMS += tests/vm/wire-frames
tests_vm_wire_frames_SOURCES = tests/vm/wire-frames.c

check_PROGRAMS += tests/vm/xs-probe
tests_vm_xs_probe_SOURCES = tests/vm/xs-probe.c
tests_vm_xs_probe_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS)
tests_vm_xs_probe_LDADD = $(XENSTORE_LIBS)

TEST_EXTENSIONS = .test .vmtest
VMTEST_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) \
	$(top_srcdir)/build-aux/tap-driver.sh
AM_VMTEST_LOG_DRIVER_FLAGS = --ignore-exit
VMTEST_LOG_COMPILER = $(SHELL)

check-vm: all
	$(MAKE) $(AM_MAKEFLAGS) $(check_PROGRAMS)
	$(MAKE) $(AM_MAKEFLAGS) -j1 check-TESTS TESTS='$(VM_TESTS)' \
		TEST_SUITE_LOG=tests/vm/test-suite.log \
		VM_DEBS='$(abs_top_builddir)/$(DEB_DIR)' \
		VM_GUEST_BINS='$(VM_GUEST_BINS)' VM_DOMU_BINS='$(VM_DOMU_BINS)'
check-vm-igb: all
	$(MAKE) $(AM_MAKEFLAGS) $(check_PROGRAMS)
	$(MAKE) $(AM_MAKEFLAGS) -j1 check-TESTS TESTS='$(VM_IGB_TESTS)' \
		TEST_SUITE_LOG=tests/vm/test-suite-igb.log \
		VM_DEBS='$(abs_top_builddir)/$(DEB_DIR)' \
		VM_GUEST_BINS='$(VM_GUEST_BINS)' VM_DOMU_BINS='$(VM_DOMU_BINS)'
.PHONY: check-vm check-vm-igb

EXTRA_DIST += $(VM_TESTS) docs/vm-tests.md \
	tests/vm/vm-lib.sh tests/vm/image.sh tests/vm/run-vm.sh \
	tests/vm/guest/init tests/vm/guest/domu-init tests/vm/guest/tap.sh \
	tests/vm/guest/xen-steps.sh tests/vm/guest/xen-passthrough.sh \
	tests/vm/guest/xen-noiommu.sh tests/vm/guest/kernel-pci.sh \
	tests/vm/guest/kernel-netdevsim.sh tests/vm/guest/kernel-igb.sh \
	tests/vm/guest/selftest-hang.sh \
	tests/vm/guest/selftest-persist.sh tests/vm/vm-wire.sh \
	tests/vm/guest/xen-igb.sh tests/vm/guest/xen-igb-restore.sh \
	tests/vm/guest/domu-igb.sh tests/vm/guest/domu-spin.sh \
	tests/vm/guest/xen-tcg-crash.sh \
	tests/vm/guest/deb-install.sh tests/vm/guest/deb-remove.sh
CLEANFILES += tests/vm/*.console.log tests/vm/*.wire.pcap tests/vm/test-suite.log \
	tests/vm/test-suite-igb.log \
	$(VM_TESTS:.vmtest=.log) $(VM_TESTS:.vmtest=.trs)
