/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test fixtures: simulated hosts in temp dirs, kernel-sim preloading. */
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/helpers/fixture.h"
#include "tests/helpers/sim-host.h"

static char *new_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir;

    if (asprintf(&dir, "%s/sriov-test.XXXXXX", tmp && *tmp ? tmp : P_tmpdir)
        < 0)
        ck_abort_msg("out of memory");
    if (!mkdtemp(dir))
        ck_abort_msg("mkdtemp '%s': %s", dir, strerror(errno));
    return dir;
}

const char *fixture_manifest_path(const char *name)
{
    static char path[4096];
    const char *src = getenv("top_srcdir");

    snprintf(path, sizeof(path), "%s/tests/fixtures/sysfs/%s.tree",
             src && *src ? src : ".", name);
    return path;
}

char *fixture_new(const char *manifest, ...)
{
    char *root = new_dir(), err[1024];
    va_list ap;

    va_start(ap, manifest);
    for (const char *m = manifest; m; m = va_arg(ap, const char *)) {
        int r = sim_host_load_file(root, fixture_manifest_path(m), err,
                                   sizeof(err));
        if (r < 0) {
            va_end(ap);
            ck_abort_msg("fixture %s: %s", m, err);
        }
    }
    va_end(ap);
    return root;
}

char *fixture_new_text(const char *text)
{
    char *root = new_dir(), err[1024];

    if (sim_host_load_text(root, text, "text", err, sizeof(err)) < 0)
        ck_abort_msg("fixture: %s", err);
    return root;
}

void fixture_free(char *root)
{
    if (!root)
        return;
    sim_rm_rf(root);
    free(root);
}

void fixture_preload_kernel_sim(char **argv)
{
    const char *build = getenv("top_builddir"), *asan = getenv("ASAN_OPTIONS");
    char so[4096], opts[4096], self[4096];
    ssize_t n;

    if (dlsym(RTLD_DEFAULT, "kernel_sim_version"))
        return;
    if (getenv("FIXTURE_REEXEC")) {
        fprintf(stderr, "kernel-sim.so did not load from LD_PRELOAD=%s\n",
                getenv("LD_PRELOAD"));
        exit(99);                     /* automake: hard error */
    }
    snprintf(so, sizeof(so), "%s/tests/helpers/.libs/kernel-sim.so",
             build && *build ? build : ".");
    if (access(so, R_OK) < 0) {
        fprintf(stderr, "'%s' is missing: run make first\n", so);
        exit(99);
    }
    snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0",
             asan ? asan : "", asan && *asan ? ":" : "");
    setenv("LD_PRELOAD", so, 1);
    setenv("ASAN_OPTIONS", opts, 1);
    setenv("FIXTURE_REEXEC", "1", 1);
    /* The binary's own path, not /proc/self/exe: under valgrind that link
     * names valgrind's tool, while readlink() of it names the test. */
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        execv(self, argv);
    }
    execv("/proc/self/exe", argv);
    fprintf(stderr, "re-exec with kernel-sim.so: %s\n", strerror(errno));
    exit(99);
}

void fixture_record_log(void *userdata, int level, const char *file,
                        int line, const char *func, const char *msg)
{
    char **log = userdata, *grown;
    size_t old = *log ? strlen(*log) : 0, add = strlen(msg) + 1;

    (void)level; (void)file; (void)line; (void)func;
    grown = realloc(*log, old + add + 1);
    if (!grown)
        return;
    memcpy(grown + old, msg, add - 1);
    grown[old + add - 1] = '\n';
    grown[old + add] = '\0';
    *log = grown;
}

void fixture_xl_config(const char *root, const char *name, const char *uuid)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/etc", root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/etc/xen", root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/etc/xen/%s.cfg", root, name);
    f = fopen(path, "we");
    ck_assert_msg(f, "cannot write %s: %s", path, strerror(errno));
    fprintf(f, "name = \"%s\"\nuuid = \"%s\"\nmemory = 256\n", name, uuid);
    ck_assert_int_eq(fclose(f), 0);
}
