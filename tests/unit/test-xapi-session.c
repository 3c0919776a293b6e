/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sessions and logins: the users file (crypt hashes, unsafe modes), a real
 * PAM stack (pam_exec checking the password, from a private PAM config
 * dir), the failed-login rate limit and its log lines, logout, eviction.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xe-ext/api/session.h"

static char tmpdir[256], users[300];
static char logged[4096];

static void record_log(void *userdata, int priority, const char *msg)
{
    size_t n = strlen(logged);

    snprintf(logged + n, sizeof(logged) - n, "%s\n", msg);
}

static const struct xapi_logger logger = { record_log, NULL };

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ck_assert_int_eq(chmod(path, mode), 0);
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    char line[512], *hash = NULL;

    snprintf(tmpdir, sizeof(tmpdir), "%s/xapi-session-XXXXXX",
             t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    snprintf(users, sizeof(users), "%s/users", tmpdir);
    ck_assert_int_eq(xapi_auth_hash("s3cret", &hash), 0);
    snprintf(line, sizeof(line), "\n# comment\nbob:$6$x$y\nalice:%s\n",
             hash);
    free(hash);
    write_file(users, line, 0600);
    logged[0] = '\0';
}

static void teardown(void)
{
    char cmd[300];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static struct xapi_sessions *new_sessions(unsigned max_failures,
                                          unsigned max_sessions)
{
    struct xapi_session_options o = { .max_failures = max_failures,
                                      .max_sessions = max_sessions };
    struct xapi_sessions *s = NULL;
    struct xapi_auth *a = NULL;

    ck_assert_int_eq(xapi_auth_new_users(&a, users), 0);
    ck_assert_int_eq(xapi_sessions_new(&s, a, &o, &logger), 0);
    return s;
}

static int login(struct xapi_sessions *s, const char *user, const char *pw,
                 const char *client, char ref[XAPI_REF_MAX],
                 struct xapi_error *err)
{
    xapi_error_clear(err);
    return xapi_sessions_login(s, user, pw, "test", client, ref, err);
}

START_TEST(test_xapi_session_users_file)
{
    struct xapi_sessions *s = new_sessions(0, 0);
    struct xapi_error err = XAPI_ERROR_INIT;
    char ref[XAPI_REF_MAX], ref2[XAPI_REF_MAX];

    ck_assert_int_eq(login(s, "alice", "s3cret", "10.0.0.1", ref, &err), 0);
    ck_assert(xapi_ref_valid(ref));
    ck_assert_int_eq(xapi_sessions_check(s, ref), 0);
    ck_assert_int_eq(login(s, "alice", "s3cret", "10.0.0.1", ref2, &err),
                     0);
    ck_assert_str_ne(ref, ref2);

    ck_assert_int_eq(login(s, "alice", "wrong", "10.0.0.1", ref2, &err),
                     -EACCES);
    ck_assert_str_eq(err.code, "SESSION_AUTHENTICATION_FAILED");
    ck_assert_str_eq(err.params[0], "alice");
    ck_assert_int_eq(login(s, "carol", "s3cret", "10.0.0.1", ref2, &err),
                     -EACCES);
    ck_assert_int_eq(login(s, "bob", "anything", "10.0.0.1", ref2, &err),
                     -EACCES);
    ck_assert_int_eq(login(s, "alice", "", "10.0.0.1", ref2, &err), -EACCES);
    /* Each failure is logged with user, client and reason. */
    ck_assert_ptr_nonnull(strstr(logged, "login failed for user 'alice' "
                                 "from 10.0.0.1: wrong password"));
    ck_assert_ptr_nonnull(strstr(logged, "no user 'carol'"));

    ck_assert_int_eq(xapi_sessions_logout(s, ref), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref), -ENOENT);
    ck_assert_int_eq(xapi_sessions_logout(s, ref), -ENOENT);
    ck_assert_int_eq(xapi_sessions_check(s, ref2), 0);
    xapi_error_clear(&err);
    xapi_sessions_free(s);
}
END_TEST

START_TEST(test_xapi_session_unsafe_users_file)
{
    struct xapi_sessions *s = new_sessions(0, 0);
    struct xapi_error err = XAPI_ERROR_INIT;
    char ref[XAPI_REF_MAX];

    ck_assert_int_eq(chmod(users, 0644), 0);
    ck_assert_int_eq(login(s, "alice", "s3cret", "c", ref, &err), -EACCES);
    ck_assert_str_eq(err.code, "SESSION_AUTHENTICATION_FAILED");
    /* The log says what to do; the client learns nothing about it. */
    ck_assert_ptr_nonnull(strstr(logged, "chmod 600"));
    ck_assert_ptr_null(strstr(err.params[1], "chmod"));
    ck_assert_int_eq(chmod(users, 0600), 0);
    ck_assert_int_eq(login(s, "alice", "s3cret", "c", ref, &err), 0);
    ck_assert_int_eq(unlink(users), 0);
    ck_assert_int_eq(login(s, "alice", "s3cret", "c2", ref, &err), -EACCES);
    ck_assert_ptr_nonnull(strstr(logged, "cannot open users file"));
    xapi_error_clear(&err);
    xapi_sessions_free(s);
}
END_TEST

START_TEST(test_xapi_session_rate_limit)
{
    struct xapi_sessions *s = new_sessions(2, 0);
    struct xapi_error err = XAPI_ERROR_INIT;
    char ref[XAPI_REF_MAX];
    int k;

    ck_assert_int_eq(login(s, "alice", "x", "10.0.0.9", ref, &err), -EACCES);
    ck_assert_int_eq(login(s, "alice", "y", "10.0.0.9", ref, &err), -EACCES);
    /* Locked now: even the right password is refused, saying why. */
    ck_assert_int_eq(login(s, "alice", "s3cret", "10.0.0.9", ref, &err),
                     -EACCES);
    ck_assert_ptr_nonnull(strstr(err.params[1], "Too many failed logins"));
    ck_assert_ptr_nonnull(strstr(logged, "too many failed logins"));
    /* Another client is not affected. */
    ck_assert_int_eq(login(s, "alice", "s3cret", "10.0.0.8", ref, &err), 0);
    /* A client spraying user names is stopped too (4 * max_failures). */
    for (k = 0; k < 8; k++) {
        char user[8];

        snprintf(user, sizeof(user), "u%d", k);
        ck_assert_int_eq(login(s, user, "x", "10.0.0.7", ref, &err),
                         -EACCES);
    }
    ck_assert_int_eq(login(s, "alice", "s3cret", "10.0.0.7", ref, &err),
                     -EACCES);
    ck_assert_ptr_nonnull(strstr(err.params[1], "Too many"));
    xapi_error_clear(&err);
    xapi_sessions_free(s);
}
END_TEST

static char ended[4][XAPI_REF_MAX];
static unsigned n_ended;

static void on_end(void *userdata, const char *ref)
{
    ck_assert_uint_lt(n_ended, 4);
    snprintf(ended[n_ended++], XAPI_REF_MAX, "%s", ref);
}

START_TEST(test_xapi_session_eviction)
{
    struct xapi_sessions *s = new_sessions(0, 2);
    struct xapi_error err = XAPI_ERROR_INIT;
    char a[XAPI_REF_MAX], b[XAPI_REF_MAX], c[XAPI_REF_MAX];

    /* The end hook (the endpoint drops the session's tasks there). */
    n_ended = 0;
    xapi_sessions_on_logout(s, on_end, NULL);
    ck_assert_int_eq(login(s, "alice", "s3cret", "c", a, &err), 0);
    ck_assert_int_eq(login(s, "alice", "s3cret", "c", b, &err), 0);
    ck_assert_int_eq(xapi_sessions_check(s, a), 0);  /* a used last */
    ck_assert_int_eq(login(s, "alice", "s3cret", "c", c, &err), 0);
    ck_assert_uint_eq(xapi_sessions_count(s), 2);
    ck_assert_int_eq(xapi_sessions_check(s, b), -ENOENT);
    ck_assert_int_eq(xapi_sessions_check(s, a), 0);
    ck_assert_int_eq(xapi_sessions_check(s, c), 0);
    ck_assert_uint_eq(n_ended, 1);
    ck_assert_str_eq(ended[0], b);
    ck_assert_int_eq(xapi_sessions_logout(s, a), 0);
    ck_assert_uint_eq(n_ended, 2);
    ck_assert_str_eq(ended[1], a);
    xapi_error_clear(&err);
    xapi_sessions_free(s);
    ck_assert_uint_eq(n_ended, 2);  /* not at free */
}
END_TEST

START_TEST(test_xapi_session_pam)
{
    struct xapi_sessions *s = NULL;
    struct xapi_error err = XAPI_ERROR_INIT;
    struct xapi_auth *a = NULL;
    char path[400], text[600], ref[XAPI_REF_MAX];

    /* A PAM service whose auth step runs a script checking the token. */
    snprintf(path, sizeof(path), "%s/check-password", tmpdir);
    write_file(path, "#!/bin/sh\n"
               "pw=$(tr -d '\\000')\n"
               "[ \"$PAM_USER\" = alice ] && [ \"$pw\" = pam-pw ]\n", 0700);
    snprintf(text, sizeof(text),
             "auth required pam_exec.so expose_authtok quiet %s\n"
             "account required pam_permit.so\n", path);
    snprintf(path, sizeof(path), "%s/xen-sriov-test", tmpdir);
    write_file(path, text, 0644);
    ck_assert_int_eq(xapi_auth_new_pam(&a, "xen-sriov-test", tmpdir), 0);
    ck_assert_int_eq(xapi_sessions_new(&s, a, NULL, &logger), 0);

    ck_assert_int_eq(login(s, "alice", "pam-pw", "c", ref, &err), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref), 0);
    ck_assert_int_eq(login(s, "alice", "other", "c", ref, &err), -EACCES);
    ck_assert_str_eq(err.code, "SESSION_AUTHENTICATION_FAILED");
    ck_assert_ptr_nonnull(strstr(logged, "PAM service 'xen-sriov-test' "
                                 "refused"));
    ck_assert_int_eq(login(s, "mallory", "pam-pw", "c", ref, &err),
                     -EACCES);
    xapi_error_clear(&err);
    xapi_sessions_free(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xapi-session");
    TCase *tc = tcase_create("session");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_xapi_session_users_file);
    tcase_add_test(tc, test_xapi_session_unsafe_users_file);
    tcase_add_test(tc, test_xapi_session_rate_limit);
    tcase_add_test(tc, test_xapi_session_eviction);
    tcase_add_test(tc, test_xapi_session_pam);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
