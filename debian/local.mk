# SPDX-License-Identifier: LGPL-2.1-or-later
# Debian packages (debian/, built by debian/rules with dh).
#   make deb            the packages from the dist tarball, as a clean clone
#                       builds them (dpkg-buildpackage -us -uc: the source
#                       package and the binaries), then lintian on them;
#                       all in deb/ of the build directory
#   make deb-changelog  a debian/changelog entry for configure.ac's version
#                       (the one place the version is set)
DEB_FILES = \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/libsriov-dev.install \
	debian/libsriov-xl0.install \
	debian/libsriov-xl0.symbols \
	debian/libsriov1.install \
	debian/libsriov1.symbols \
	debian/local.mk \
	debian/not-installed \
	debian/rules \
	debian/source/format \
	debian/xen-sriov.dirs \
	debian/xen-sriov.install \
	debian/xen-sriov.lintian-overrides \
	debian/xen-sriov.pam \
	debian/xen-sriov.postrm \
	debian/xen-sriov.prerm
EXTRA_DIST += $(DEB_FILES)

TESTS += tests/unit/test-deb-files.sh
EXTRA_DIST += tests/unit/test-deb-files.sh

DEB_DIR = deb
# debian/changelog's version: the package is native (3.0 (native)), its
# version is configure.ac's as it is.
DEB_CHANGELOG_VERSION = `sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' '$(top_srcdir)/debian/changelog'`

.PHONY: deb deb-changelog deb-version-check
deb-version-check:
	@v=$(DEB_CHANGELOG_VERSION); [ "$$v" = '$(VERSION)' ] || { \
	    echo "deb: debian/changelog is at $$v, configure.ac's AC_INIT at $(VERSION): run 'make deb-changelog'" >&2; \
	    exit 1; }

deb-changelog:
	@v=$(DEB_CHANGELOG_VERSION); if [ "$$v" = '$(VERSION)' ]; then \
	    echo "debian/changelog is already at $(VERSION)"; exit 0; fi; \
	who=`sed -n 's/^Maintainer: //p' '$(top_srcdir)/debian/control'`; \
	{ printf '%s (%s) unstable; urgency=medium\n\n  * Version %s.\n\n -- %s  %s\n\n' \
	    '$(PACKAGE)' '$(VERSION)' '$(VERSION)' "$$who" "`LC_ALL=C date -R`"; \
	  cat '$(top_srcdir)/debian/changelog'; } >debian-changelog.tmp && \
	mv debian-changelog.tmp '$(top_srcdir)/debian/changelog' && \
	echo "debian/changelog: entry for $(VERSION) added (edit its text, then commit)"

# DEB_BUILD_OPTIONS reaches dpkg-buildpackage (e.g. parallel=N).
deb: deb-version-check
	$(MAKE) $(AM_MAKEFLAGS) dist
	rm -rf $(DEB_DIR) && $(MKDIR_P) $(DEB_DIR)
	xz -dc $(distdir).tar.xz | (cd $(DEB_DIR) && tar -xf -)
	cd $(DEB_DIR)/$(distdir) && dpkg-buildpackage -us -uc -jauto >../build.log 2>&1 || { \
	    tail -n 60 ../build.log; echo "deb: dpkg-buildpackage failed (all of it: $(DEB_DIR)/build.log)" >&2; exit 1; }
	lintian --fail-on error,warning $(DEB_DIR)/$(PACKAGE)_*.changes
	@echo "deb: lintian found no error and no warning that debian/xen-sriov.lintian-overrides does not explain"
	@ls $(DEB_DIR)/*.deb

clean-local: clean-deb
.PHONY: clean-deb
clean-deb:
	rm -rf $(DEB_DIR) debian-changelog.tmp
