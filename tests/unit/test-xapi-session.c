/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sessions and logins: the users file (crypt hashes, unsafe modes), a real
 * PAM stack (pam_exec checking the password, from a private PAM config
 * dir), the failed-login rate limit and its log lines, logout, eviction.
 */
#include <check.h>
#include <crypt.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/session.h"

static char tmpdir[256], users[300];
static char logged[65536];
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void record_log(void *userdata, int priority, const char *msg)
{
    size_t n;

    pthread_mutex_lock(&log_lock);
    n = strlen(logged);
    snprintf(logged + n, sizeof(logged) - n, "%s\n", msg);
    pthread_mutex_unlock(&log_lock);
}

/* Times text occurs in the log. */
static unsigned count_logged(const char *text)
{
    unsigned n = 0;

    for (const char *p = logged; (p = strstr(p, text)); p++)
        n++;
    return n;
}

/*
 * crypt_r as the endpoint calls it: the real one, plus the settings it was
 * given (the users file's hash, or the dummy for an unknown user).
 */
static char last_setting[256];
static unsigned n_crypt;

char *crypt_r(const char *phrase, const char *setting,
              struct crypt_data *data)
{
    static char *(*real)(const char *, const char *, struct crypt_data *);

    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "crypt_r");
    pthread_mutex_lock(&log_lock);
    snprintf(last_setting, sizeof(last_setting), "%s", setting);
    n_crypt++;
    pthread_mutex_unlock(&log_lock);
    return real(phrase, setting, data);
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

/* xapi_local(): root on the unix socket logs in without a password
 * (http.c names a unix peer by its SO_PEERCRED uid); nobody else does. */
START_TEST(test_xapi_session_local_root)
{
    struct xapi_sessions *s = new_sessions(0, 0);
    struct xapi_error err = XAPI_ERROR_INIT;
    char ref[XAPI_REF_MAX];

    ck_assert_int_eq(login(s, "root", "", "unix:uid=0", ref, &err), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref), 0);
    /* Any name, as XAPI's: the socket vouches for the caller. */
    ck_assert_int_eq(login(s, "", "", "unix:uid=0", ref, &err), 0);
    /* Another uid, an unknown peer, TCP: the password is checked. */
    ck_assert_int_eq(login(s, "root", "", "unix:uid=1000", ref, &err),
                     -EACCES);
    ck_assert_str_eq(err.code, "SESSION_AUTHENTICATION_FAILED");
    ck_assert_int_eq(login(s, "root", "", "unix", ref, &err), -EACCES);
    ck_assert_int_eq(login(s, "root", "", "127.0.0.1", ref, &err), -EACCES);
    ck_assert_int_eq(login(s, "alice", "", "unix:uid=01", ref, &err),
                     -EACCES);
    /* A password given by root is checked as anyone's. */
    ck_assert_int_eq(login(s, "alice", "wrong", "unix:uid=0", ref, &err),
                     -EACCES);
    ck_assert_int_eq(login(s, "alice", "s3cret", "unix:uid=0", ref, &err),
                     0);
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


/* 100 parallel attempts from one address check 5 passwords, not 100. */
struct attempt {
    struct xapi_sessions *s;
    pthread_barrier_t *go;
    int r;
};

static void *attempt_thread(void *arg)
{
    struct attempt *a = arg;
    struct xapi_error err = XAPI_ERROR_INIT;
    char ref[XAPI_REF_MAX];

    pthread_barrier_wait(a->go);
    a->r = xapi_sessions_login(a->s, "alice", "wrong", "t", "10.0.0.5", ref,
                               &err);
    xapi_error_clear(&err);
    return NULL;
}

START_TEST(test_xapi_session_parallel_lockout)
{
    struct xapi_sessions *s = new_sessions(5, 0);
    struct xapi_error err = XAPI_ERROR_INIT;
    struct attempt a[100];
    pthread_t th[100];
    pthread_barrier_t go;
    char ref[XAPI_REF_MAX];
    unsigned k, before;

    ck_assert_int_eq(pthread_barrier_init(&go, NULL, 100), 0);
    before = n_crypt;
    for (k = 0; k < 100; k++) {
        a[k] = (struct attempt){ s, &go, 0 };
        ck_assert_int_eq(pthread_create(&th[k], NULL, attempt_thread, &a[k]),
                         0);
    }
    for (k = 0; k < 100; k++) {
        pthread_join(th[k], NULL);
        ck_assert_int_eq(a[k].r, -EACCES);
    }
    pthread_barrier_destroy(&go);
    /* Exactly max_failures passwords checked; the rest refused unchecked. */
    ck_assert_uint_eq(n_crypt - before, 5);
    ck_assert_uint_eq(count_logged("login failed for user 'alice'"), 5);
    ck_assert_uint_eq(count_logged("too many failed logins"), 95);
    /* Locked: the right password is refused too. */
    ck_assert_int_eq(login(s, "alice", "s3cret", "10.0.0.5", ref, &err),
                     -EACCES);
    ck_assert_ptr_nonnull(strstr(err.params[1], "Too many failed logins"));
    xapi_error_clear(&err);
    xapi_sessions_free(s);
}
END_TEST

/* An unknown user's dummy check costs what a known one's does. */
START_TEST(test_xapi_session_dummy_hash)
{
    struct xapi_sessions *s = new_sessions(0, 0);
    struct xapi_error err = XAPI_ERROR_INIT;
    char ref[XAPI_REF_MAX], *hash = NULL, line[512], prefix[64];
    const char *p;

    /* The file's first hash is yescrypt (crypt_gensalt's default). */
    ck_assert_int_eq(xapi_auth_hash("pw", &hash), 0);
    snprintf(line, sizeof(line), "# users\nalice:%s\n", hash);
    write_file(users, line, 0600);
    /* Its method and cost: the setting up to the salt ("$y$j9T$"). */
    p = strchr(strchr(hash + 1, '$') + 1, '$');
    snprintf(prefix, sizeof(prefix), "%.*s", (int)(p - hash + 1), hash);
    ck_assert_int_eq(login(s, "nobody", "pw", "c", ref, &err), -EACCES);
    ck_assert_ptr_nonnull(strstr(logged, "no user 'nobody'"));
    ck_assert_msg(strncmp(last_setting, prefix, strlen(prefix)) == 0,
                  "unknown user hashed with '%s', users with '%s'",
                  last_setting, prefix);
    ck_assert_int_eq(login(s, "alice", "pw", "c", ref, &err), 0);
    free(hash);
    xapi_error_clear(&err);
    xapi_sessions_free(s);
}
END_TEST

/* Names and originators are bounded before anything is kept. */
START_TEST(test_xapi_session_bounds)
{
    struct xapi_sessions *s = new_sessions(2, 0);
    struct xapi_error err = XAPI_ERROR_INIT;
    char ref[XAPI_REF_MAX], *big = malloc(1 << 20);
    unsigned before = n_crypt;

    memset(big, 'a', (1 << 20) - 1);
    big[(1 << 20) - 1] = '\0';
    ck_assert_int_eq(login(s, big, "x", "10.0.0.3", ref, &err), -EACCES);
    ck_assert_str_eq(err.code, "SESSION_AUTHENTICATION_FAILED");
    ck_assert_str_eq(err.params[0], "");
    ck_assert_ptr_nonnull(strstr(logged, "user name of 1048575 bytes is "
                                 "over the limit of 255 bytes"));
    xapi_error_clear(&err);
    ck_assert_int_eq(xapi_sessions_login(s, "alice", "s3cret", big,
                                         "10.0.0.3", ref, &err), -EACCES);
    ck_assert_ptr_nonnull(strstr(logged, "originator of 1048575 bytes"));
    /* A huge password is a failure, never hashed. */
    ck_assert_int_eq(login(s, "alice", big, "10.0.0.3", ref, &err),
                     -EACCES);
    ck_assert_uint_eq(n_crypt, before);
    ck_assert_ptr_nonnull(strstr(logged, "password of 1048575 bytes"));
    /* 255 bytes is still a name. */
    big[255] = '\0';
    ck_assert_int_eq(login(s, big, "x", "10.0.0.3", ref, &err), -EACCES);
    ck_assert_ptr_nonnull(strstr(logged, "no user 'aaaa"));
    free(big);
    xapi_error_clear(&err);
    xapi_sessions_free(s);
}
END_TEST

/* A newline in a user name cannot forge a log line. */
START_TEST(test_xapi_session_log_injection)
{
    struct xapi_sessions *s = new_sessions(0, 0);
    struct xapi_error err = XAPI_ERROR_INIT;
    char ref[XAPI_REF_MAX], out[64];

    ck_assert_int_eq(login(s, "x\nsession opened for user 'root' from "
                           "10.0.0.1\x1b[2J", "pw", "10.0.0.2", ref, &err),
                     -EACCES);
    ck_assert_ptr_null(strstr(logged, "\nsession opened"));
    ck_assert_ptr_null(strchr(logged, '\x1b'));
    ck_assert_ptr_nonnull(strstr(logged, "user 'x\\x0asession opened for "
                                 "user 'root' from 10.0.0.1\\x1b[2J'"));
    ck_assert_uint_eq(xapi_log_escape(out, sizeof(out), "a\tb\x7f\\"), 11);
    ck_assert_str_eq(out, "a\\x09b\\x7f\\");
    ck_assert_uint_eq(xapi_log_escape(out, 6, "abc\ndef"), 3);
    ck_assert_str_eq(out, "abc");
    xapi_error_clear(&err);
    xapi_sessions_free(s);
}
END_TEST

/* One user's logins never end another user's sessions (as XAPI). */
START_TEST(test_xapi_session_caps)
{
    struct xapi_session_options o = { .max_sessions = 6,
                                      .max_sessions_per_user = 4,
                                      .max_sessions_per_originator = 2 };
    struct xapi_sessions *s = NULL;
    struct xapi_auth *a = NULL;
    struct xapi_error err = XAPI_ERROR_INIT;
    char ref[8][XAPI_REF_MAX], line[512], *hash = NULL;
    unsigned k;

    ck_assert_int_eq(xapi_auth_hash("pw", &hash), 0);
    snprintf(line, sizeof(line), "alice:%s\ncarol:%s\ndave:%s\n", hash,
             hash, hash);
    free(hash);
    write_file(users, line, 0600);
    ck_assert_int_eq(xapi_auth_new_users(&a, users), 0);
    ck_assert_int_eq(xapi_sessions_new(&s, a, &o, &logger), 0);
    /* carol: two sessions from XenCenter. */
    ck_assert_int_eq(xapi_sessions_login(s, "carol", "pw", "XenCenter", "c",
                                         ref[0], &err), 0);
    ck_assert_int_eq(xapi_sessions_login(s, "carol", "pw", "XenCenter", "c",
                                         ref[1], &err), 0);
    /* alice floods from one originator: only her own sessions go. */
    for (k = 2; k < 7; k++)
        ck_assert_int_eq(xapi_sessions_login(s, "alice", "pw", "XenCenter",
                                             "c", ref[k], &err), 0);
    ck_assert_uint_eq(xapi_sessions_count(s), 4);
    ck_assert_int_eq(xapi_sessions_check(s, ref[0]), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref[1]), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref[5]), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref[6]), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref[4]), -ENOENT);
    ck_assert_ptr_nonnull(strstr(logged, "per-originator session limit"));
    /* alice from many originators: her per-user cap. */
    for (k = 0; k < 4; k++) {
        char orig[16];

        snprintf(orig, sizeof(orig), "tool%u", k);
        ck_assert_int_eq(xapi_sessions_login(s, "alice", "pw", orig, "c",
                                             ref[2], &err), 0);
    }
    ck_assert_ptr_nonnull(strstr(logged, "per-user session limit"));
    ck_assert_int_eq(xapi_sessions_check(s, ref[0]), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref[1]), 0);
    ck_assert_uint_eq(xapi_sessions_count(s), 6);
    /* The global cap ends a session of the user holding most (alice). */
    ck_assert_int_eq(xapi_sessions_login(s, "dave", "pw", "x", "c", ref[3],
                                         &err), 0);
    ck_assert_ptr_nonnull(strstr(logged, "global session limit reached: "
                                 "ending the least recently used session "
                                 "of 'alice'"));
    ck_assert_int_eq(xapi_sessions_check(s, ref[0]), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref[1]), 0);
    ck_assert_int_eq(xapi_sessions_check(s, ref[3]), 0);
    ck_assert_uint_eq(xapi_sessions_count(s), 6);
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
    tcase_add_test(tc, test_xapi_session_local_root);
    tcase_add_test(tc, test_xapi_session_rate_limit);
    tcase_add_test(tc, test_xapi_session_eviction);
    tcase_add_test(tc, test_xapi_session_pam);
    tcase_add_test(tc, test_xapi_session_parallel_lockout);
    tcase_add_test(tc, test_xapi_session_dummy_hash);
    tcase_add_test(tc, test_xapi_session_bounds);
    tcase_add_test(tc, test_xapi_session_log_injection);
    tcase_add_test(tc, test_xapi_session_caps);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
