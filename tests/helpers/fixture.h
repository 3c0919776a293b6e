/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test fixtures: simulated hosts in fresh temporary directories, and
 * running a test binary under kernel-sim.so.  For Check tests; the
 * environment comes from AM_TESTS_ENVIRONMENT (top_srcdir, top_builddir).
 */
#ifndef FIXTURE_H
#define FIXTURE_H

/*
 * Build a host from manifests (names of tests/fixtures/sysfs/NAME.tree
 * without the suffix, NULL-terminated) in a new mkdtemp directory under
 * $TMPDIR.  Aborts the test (ck_abort) on failure.  Returns the root;
 * free it with fixture_free().
 */
char *fixture_new(const char *manifest, ...);
/* The same from manifest text. */
char *fixture_new_text(const char *text);
/* Remove the tree and free the path.  Accepts NULL. */
void fixture_free(char *root);

/*
 * An xl config $root/etc/xen/<name>.cfg with name= and uuid= (a VM, as
 * docs/xe.md "VMs" reads them); aborts the test on failure.
 */
void fixture_xl_config(const char *root, const char *name, const char *uuid);

/* Path of a fixture manifest (static buffer). */
const char *fixture_manifest_path(const char *name);

/*
 * Make sure this process runs with kernel-sim.so preloaded: if it is not
 * loaded, re-exec argv[0] with LD_PRELOAD set (and ASAN_OPTIONS allowing
 * a preload before the ASan runtime).  Call first thing in main().
 */
void fixture_preload_kernel_sim(char **argv);

/* A recording log callback for sriov_ctx_set_log_fn(): appends each
 * message and a newline to a growing string (userdata: char **). */
void fixture_record_log(void *userdata, int level, const char *file,
                        int line, const char *func, const char *msg);

#endif
