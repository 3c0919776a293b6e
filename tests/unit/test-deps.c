/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libpci and libnl, loaded on first use (libsriov/deps.c): not before,
 * working after, and a missing one named in the error. */
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sriov/vf-config.h>

#include "libsriov/host-internal.h"
#include "libsriov/lazy-sonames.h"

/* True if the process has loaded the library @soname. */
static bool loaded(const char *soname)
{
    void *h = dlopen(soname, RTLD_LAZY | RTLD_NOLOAD);

    if (h)
        dlclose(h);
    return h != NULL;
}

START_TEST(test_deps_loaded_on_first_use)
{
    sriov_ctx *ctx = NULL;
    sriov_vf_config out = SRIOV_VF_CONFIG_INIT;
    char *name;

    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert(!loaded(SONAME_PCI));
    ck_assert(!loaded(SONAME_NL));
    ck_assert(!loaded(SONAME_NL_ROUTE));

    /* Any Linux host has rtnetlink and lo, and lo has no VFs: a whole
     * request and its reply, through libnl. */
    ck_assert_int_eq(sriov_vf_config_get(ctx, "lo", 0, &out), -ENOENT);
    ck_assert_ptr_nonnull(strstr(sriov_ctx_last_error(ctx), "lo has no VFs"));
    ck_assert(loaded(SONAME_NL));
    ck_assert(loaded(SONAME_NL_ROUTE));
    ck_assert(!loaded(SONAME_PCI));
    /* The second request finds them loaded. */
    ck_assert_int_eq(sriov_vf_config_get(ctx, "no-such-if0", 0, &out),
                     -ENODEV);

    /* pci.ids through libpci: Intel's X710 (8086:1572). */
    name = sriov__lookup_device_name(ctx, 0x8086, 0x1572);
    ck_assert_ptr_nonnull(name);
    ck_assert_ptr_nonnull(strstr(name, "X710"));
    free(name);
    ck_assert(loaded(SONAME_PCI));
    sriov_ctx_free(ctx);
}
END_TEST

/* The file the loader maps for @soname, found by a child that loads it
 * (this process must not). */
static void library_path(const char *soname, char *buf, size_t size)
{
    int fds[2], status;
    ssize_t n;
    pid_t pid;

    ck_assert_int_eq(pipe(fds), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct link_map *map = NULL;
        char real[PATH_MAX];
        void *h = dlopen(soname, RTLD_NOW);

        if (!h || dlinfo(h, RTLD_DI_LINKMAP, &map) < 0 ||
            !realpath(map->l_name, real) ||
            write(fds[1], real, strlen(real)) < 0)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    n = read(fds[0], buf, size - 1);
    close(fds[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && n > 0,
                  "cannot find the file of %s", soname);
    buf[n] = '\0';
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

    if (fd < 0)
        return -errno;
    if (write(fd, text, strlen(text)) < 0)
        r = -errno;
    close(fd);
    return r;
}

/* Mounts of this process's own: a mount namespace (with a user namespace
 * when the process may not make one alone) whose mounts do not reach the
 * host's.  0, or a negative errno. */
static int private_mounts(void)
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    char map[64];

    if (unshare(CLONE_NEWNS) < 0) {
        if (errno != EPERM || unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
            return -errno;
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
        if (write_file("/proc/self/uid_map", map) < 0 ||
            write_file("/proc/self/setgroups", "deny") < 0)
            return -errno;
        snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
        if (write_file("/proc/self/gid_map", map) < 0)
            return -errno;
    }
    if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
        return -errno;
    return 0;
}

/* Checks in a child whose mounts hide @paths (the libraries' files under
 * /dev/null, which the loader cannot map); the child's exit status: 0 all
 * checks passed, 77 no private mounts here, else the failed check. */
static int hidden_child(const char *paths[], size_t n)
{
    sriov_ctx *ctx = NULL;
    sriov_vf_config out = SRIOV_VF_CONFIG_INIT;
    char *name;

    if (private_mounts() < 0)
        return 77;
    for (size_t i = 0; i < n; i++)
        if (mount("/dev/null", paths[i], "none", MS_BIND, NULL) < 0)
            return 77;
    if (sriov_ctx_new(&ctx) < 0)
        return 2;
    /* Twice: the second call says the same (one load per process). */
    for (int i = 0; i < 2; i++) {
        if (sriov_vf_config_get(ctx, "lo", 0, &out) != -ELIBACC)
            return 3;
        if (!strstr(sriov_ctx_last_error(ctx), "cannot load " SONAME_NL_ROUTE)
            || !strstr(sriov_ctx_last_error(ctx), "install it"))
            return 4;
    }
    if (sriov_ctx_last_errno(ctx) != -ELIBACC)
        return 5;
    /* Names: none, and the error says why. */
    name = sriov__lookup_device_name(ctx, 0x8086, 0x1572);
    if (name)
        return 6;
    if (!strstr(sriov_ctx_last_error(ctx), "cannot load " SONAME_PCI))
        return 7;
    sriov_ctx_free(ctx);
    return 0;
}

START_TEST(test_deps_missing_library_named)
{
    char nl_route[PATH_MAX], pci[PATH_MAX];
    const char *paths[] = { nl_route, pci };
    int status;
    pid_t pid;

    library_path(SONAME_NL_ROUTE, nl_route, sizeof(nl_route));
    library_path(SONAME_PCI, pci, sizeof(pci));
    /* In a child of our own, whatever CK_FORK says: its mounts and its
     * failed loads stay there. */
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(hidden_child(paths, ELEMENTSOF(paths)));
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        /* Not a pass: say so where the log shows it. */
        fprintf(stderr, "test-deps: no private mount namespace here "
                "(unshare): the missing-library check did not run\n");
        return;
    }
    ck_assert_msg(WEXITSTATUS(status) == 0, "check %d failed in the child",
                  WEXITSTATUS(status));
}
END_TEST

static Suite *deps_suite(void)
{
    Suite *s = suite_create("deps");
    TCase *tc = tcase_create("lazy");

    /* This order: with CK_FORK=no (tests/valgrind.sh), the first loads
     * nothing into this process (its children do), the second needs a
     * process that has loaded nothing yet. */
    tcase_add_test(tc, test_deps_missing_library_named);
    tcase_add_test(tc, test_deps_loaded_on_first_use);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(deps_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
