/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The private-xenstored harness: start, isolation, domains, death, cleanup. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenstore.h>

#include "tests/helpers/xs-harness.h"

static char *xs_get(struct xs_handle *xs, const char *path)
{
    unsigned len;

    return xs_read(xs, XBT_NULL, path, &len);
}

START_TEST(test_xs_harness_start_write_read_stop)
{
    xs_harness *h = NULL;
    struct xs_handle *xs;
    char *v, *dir;
    struct stat st;

    ck_assert_msg(xs_harness_start(&h, NULL) == 0, "%s", xs_harness_error());
    ck_assert_str_eq(getenv("XENSTORED_PATH"), xs_harness_socket(h));
    ck_assert_int_gt(xs_harness_pid(h), 0);
    ck_assert_int_eq(stat(xs_harness_socket(h), &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));

    xs = xs_open(0);
    ck_assert_ptr_nonnull(xs);
    ck_assert(xs_write(xs, XBT_NULL, "/test/a", "hello", 5));
    v = xs_get(xs, "/test/a");
    ck_assert_str_eq(v, "hello");
    free(v);
    xs_close(xs);

    dir = strdup(xs_harness_dir(h));
    ck_assert_ptr_null(xs_harness_stop(h));
    /* Everything is gone, and the client does not fall back elsewhere. */
    ck_assert_int_eq(access(dir, F_OK), -1);
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_ptr_nonnull(getenv("XENSTORED_PATH"));
    errno = 0;
    ck_assert_ptr_null(xs_open(0));
    ck_assert_int_eq(errno, ENOENT);
    free(dir);
}
END_TEST

START_TEST(test_xs_harness_instances_are_isolated)
{
    xs_harness *a = NULL, *b = NULL;
    struct xs_handle *xs;
    char *v;

    ck_assert_msg(xs_harness_start(&a, NULL) == 0, "%s", xs_harness_error());
    xs = xs_open(0);
    ck_assert(xs_write(xs, XBT_NULL, "/only-in-a", "1", 1));
    xs_close(xs);

    ck_assert_msg(xs_harness_start(&b, NULL) == 0, "%s", xs_harness_error());
    ck_assert_str_ne(xs_harness_dir(a), xs_harness_dir(b));
    ck_assert_str_eq(getenv("XENSTORED_PATH"), xs_harness_socket(b));
    xs = xs_open(0);
    errno = 0;
    v = xs_get(xs, "/only-in-a");
    ck_assert_ptr_null(v);
    ck_assert_int_eq(errno, ENOENT);
    xs_close(xs);

    /* The directory lock is held while the daemon runs. */
    {
        char lock[512];
        int fd;

        snprintf(lock, sizeof(lock), "%s/lock", xs_harness_dir(a));
        fd = open(lock, O_RDWR | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), -1);
        ck_assert_int_eq(errno, EWOULDBLOCK);
        close(fd);
    }
    xs_harness_stop(b);
    xs_harness_stop(a);
}
END_TEST

/* XS_HARNESS_XENSTORED=oxenstored: the OCaml daemon runs (xs-harness.h). */
static bool ocaml_daemon(void)
{
    const char *k = getenv("XS_HARNESS_XENSTORED");

    return k && strcmp(k, "oxenstored") == 0;
}

/* A daemon dead behind the harness's back (SIGSEGV, as xenstored under
 * TCG) is said as such, not taken for a running one.  oxenstored's OCaml
 * runtime catches a SIGSEGV sent by kill(), so it gets a SIGABRT. */
START_TEST(test_xs_harness_health_names_a_crash)
{
    xs_harness *h = NULL;
    int sig = ocaml_daemon() ? SIGABRT : SIGSEGV;
    char want[32];

    ck_assert_msg(xs_harness_start(&h, NULL) == 0, "%s", xs_harness_error());
    ck_assert_str_eq(xs_harness_health(h), "xenstored runs");
    ck_assert_int_eq(kill(xs_harness_pid(h), sig), 0);
    for (int i = 0; i < 1200 && !strstr(xs_harness_health(h), "signal");
         i++)
        usleep(100000);
    snprintf(want, sizeof(want), "killed by signal %d", sig);
    ck_assert_msg(strstr(xs_harness_health(h), want),
                  "%s", xs_harness_health(h));
    ck_assert_int_eq(xs_harness_pid(h), -1);
    xs_harness_stop(h);
}
END_TEST

START_TEST(test_xs_harness_kill_then_restart)
{
    xs_harness *h = NULL;
    struct xs_handle *xs;

    ck_assert_msg(xs_harness_start(&h, NULL) == 0, "%s", xs_harness_error());
    xs = xs_open(0);
    ck_assert(xs_write(xs, XBT_NULL, "/k", "v", 1));
    ck_assert_int_eq(xs_harness_kill(h), 0);
    ck_assert_int_eq(xs_harness_pid(h), -1);
    /* The open connection now fails; new ones are refused. */
    ck_assert_ptr_null(xs_get(xs, "/k"));
    xs_close(xs);
    errno = 0;
    ck_assert_ptr_null(xs_open(0));
    ck_assert_int_eq(errno, ECONNREFUSED);

    ck_assert_msg(xs_harness_restart(h) == 0, "%s", xs_harness_error());
    xs = xs_open(0);
    ck_assert_ptr_nonnull(xs);
    errno = 0;
    ck_assert_ptr_null(xs_get(xs, "/k"));       /* a new, empty store */
    ck_assert_int_eq(errno, ENOENT);
    xs_close(xs);
    xs_harness_stop(h);
}
END_TEST

START_TEST(test_xs_harness_domains)
{
    xs_harness *h = NULL;
    struct xs_handle *xs;
    /* Owner domain 5, dom0 may read. */
    struct xs_permissions perm[2] = {
        { .id = 5, .perms = XS_PERM_NONE },
        { .id = 0, .perms = XS_PERM_READ },
    };

    ck_assert_msg(xs_harness_start(&h, NULL) == 0, "%s", xs_harness_error());
    xs = xs_open(0);
    ck_assert(xs_write(xs, XBT_NULL, "/p", "", 0));
    /*
     * Dom0 only: a permission naming domain 5 is refused by the C daemon
     * (oxenstored does not ask the hypervisor), and domain 5 cannot be
     * introduced.
     */
    if (!ocaml_daemon()) {
        errno = 0;
        ck_assert(!xs_set_permissions(xs, XBT_NULL, "/p", perm, 2));
        ck_assert_int_eq(errno, ENOENT);
    }
    ck_assert(!xs_introduce_domain(xs, 5, 1234, 7));

    ck_assert_int_eq(xs_harness_set_domains(h, "0 5"), 0);
    ck_assert(xs_set_permissions(xs, XBT_NULL, "/p", perm, 2));
    ck_assert(xs_introduce_domain(xs, 5, 1234, 7));
    ck_assert(xs_is_domain_introduced(xs, 5));
    ck_assert(xs_release_domain(xs, 5));
    ck_assert(!xs_is_domain_introduced(xs, 5));
    xs_close(xs);
    xs_harness_stop(h);

    /* Fixed lists cannot be changed at run time. */
    {
        struct xs_harness_opts o = { .domains = "all" };

        ck_assert_int_eq(xs_harness_start(&h, &o), 0);
        ck_assert_int_eq(xs_harness_set_domains(h, "0"), -EINVAL);
        ck_assert_ptr_nonnull(strstr(xs_harness_error(), "fixed"));
        xs = xs_open(0);
        ck_assert(xs_write(xs, XBT_NULL, "/p", "", 0));
        perm[0].id = 4000;
        ck_assert(xs_set_permissions(xs, XBT_NULL, "/p", perm, 2));
        xs_close(xs);
        xs_harness_stop(h);
    }
}
END_TEST

START_TEST(test_xs_harness_missing_daemon_is_clear)
{
    xs_harness *h = NULL;
    const char *var = ocaml_daemon() ? "OXENSTORED" : "XENSTORED";
    char *saved = strdup(getenv(var) ? getenv(var) : "");

    setenv(var, "/nonexistent/xenstored", 1);
    ck_assert_int_eq(xs_harness_start(&h, NULL), -ENOENT);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(xs_harness_error(), "/nonexistent/xenstored"));
    ck_assert_ptr_nonnull(strstr(xs_harness_error(), "install"));
    setenv(var, saved, 1);
    free(saved);
}
END_TEST

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st; (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

START_TEST(test_xs_harness_daemon_dies_with_starter)
{
    int pfd[2];
    pid_t child, daemon_pid = -1;
    char dir[512];
    int status;

    ck_assert_int_eq(pipe(pfd), 0);
    child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        xs_harness *h = NULL;
        pid_t p;

        if (xs_harness_start(&h, NULL) < 0)
            _exit(1);
        p = xs_harness_pid(h);
        if (write(pfd[1], &p, sizeof(p)) != sizeof(p) ||
            write(pfd[1], xs_harness_dir(h), strlen(xs_harness_dir(h))) < 0)
            _exit(1);
        _exit(0);   /* no teardown: a crashed test */
    }
    close(pfd[1]);
    ck_assert_int_eq(read(pfd[0], &daemon_pid, sizeof(daemon_pid)),
                     sizeof(daemon_pid));
    memset(dir, 0, sizeof(dir));
    ck_assert_int_gt(read(pfd[0], dir, sizeof(dir) - 1), 0);
    close(pfd[0]);
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* The daemon was our grandchild: SIGKILLed when its parent died. */
    for (int i = 0; i < 12000 && kill(daemon_pid, 0) == 0; i++)
        usleep(10000);          /* up to 120 s on a busy machine */
    ck_assert_int_eq(kill(daemon_pid, 0), -1);
    nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}
END_TEST

START_TEST(test_xs_harness_fixture)
{
    struct xs_handle *xs;

    ck_assert_ptr_nonnull(xs_harness_current());
    xs = xs_open(0);
    ck_assert_ptr_nonnull(xs);
    ck_assert(xs_write(xs, XBT_NULL, "/fixture", "1", 1));
    xs_close(xs);
}
END_TEST

static Suite *harness_suite(void)
{
    Suite *s = suite_create("xs-harness");
    TCase *tc = tcase_create("harness");
    TCase *fx = tcase_create("fixture");

    tcase_add_test(tc, test_xs_harness_start_write_read_stop);
    tcase_add_test(tc, test_xs_harness_instances_are_isolated);
    tcase_add_test(tc, test_xs_harness_kill_then_restart);
    tcase_add_test(tc, test_xs_harness_health_names_a_crash);
    tcase_add_test(tc, test_xs_harness_domains);
    tcase_add_test(tc, test_xs_harness_missing_daemon_is_clear);
    tcase_add_test(tc, test_xs_harness_daemon_dies_with_starter);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(fx, xs_harness_setup, xs_harness_teardown);
    tcase_add_test(fx, test_xs_harness_fixture);
    suite_add_tcase(s, fx);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(harness_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
