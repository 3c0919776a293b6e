/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Password checks: PAM, or a file of user:crypt(3)-hash lines. */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "libsriov/macro.h"
#include "api/auth.h"

/* Hashed for an unknown user when the file has no hash to copy. */
#define DUMMY_SETTING "$6$xensriovdummysal$"

struct xapi_auth {
    char *pam_service;             /* PAM mode when set */
    char *pam_confdir;
    char *users_path;              /* users file mode when set */
    pthread_mutex_t pam_lock;      /* PAM modules are not all reentrant */
};

static int auth_alloc(struct xapi_auth **ret)
{
    struct xapi_auth *a = calloc(1, sizeof(*a));

    if (!a)
        return -ENOMEM;
    pthread_mutex_init(&a->pam_lock, NULL);
    *ret = a;
    return 0;
}

int xapi_auth_new_pam(struct xapi_auth **ret, const char *service,
                      const char *confdir)
{
    struct xapi_auth *a;
    int r;

    if (!service || !*service)
        return -EINVAL;
    r = auth_alloc(&a);
    if (r < 0)
        return r;
    a->pam_service = strdup(service);
    a->pam_confdir = confdir ? strdup(confdir) : NULL;
    if (!a->pam_service || (confdir && !a->pam_confdir)) {
        xapi_auth_free(a);
        return -ENOMEM;
    }
    *ret = a;
    return 0;
}

int xapi_auth_new_users(struct xapi_auth **ret, const char *path)
{
    struct xapi_auth *a;
    int r;

    if (!path || !*path)
        return -EINVAL;
    r = auth_alloc(&a);
    if (r < 0)
        return r;
    a->users_path = strdup(path);
    if (!a->users_path) {
        xapi_auth_free(a);
        return -ENOMEM;
    }
    *ret = a;
    return 0;
}

struct xapi_auth *xapi_auth_free(struct xapi_auth *a)
{
    if (!a)
        return NULL;
    free(a->pam_service);
    free(a->pam_confdir);
    free(a->users_path);
    pthread_mutex_destroy(&a->pam_lock);
    free(a);
    return NULL;
}

static int msg(char **ret_msg, int r, const char *fmt, ...) _printf_(3, 4);
static int msg(char **ret_msg, int r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(ret_msg, fmt, ap) < 0)
        *ret_msg = NULL;
    va_end(ap);
    return r;
}

/* PAM conversation: answer every prompt with the password. */
static int converse(int n, const struct pam_message **m,
                    struct pam_response **resp, void *appdata)
{
    struct pam_response *rs;
    int k;

    if (n <= 0 || n > PAM_MAX_NUM_MSG)
        return PAM_CONV_ERR;
    rs = calloc((size_t)n, sizeof(*rs));
    if (!rs)
        return PAM_BUF_ERR;
    for (k = 0; k < n; k++) {
        if (m[k]->msg_style != PAM_PROMPT_ECHO_OFF &&
            m[k]->msg_style != PAM_PROMPT_ECHO_ON)
            continue;              /* informational text: nothing to say */
        rs[k].resp = strdup(appdata);
        if (!rs[k].resp) {
            while (k--)
                free(rs[k].resp);
            free(rs);
            return PAM_BUF_ERR;
        }
    }
    *resp = rs;
    return PAM_SUCCESS;
}

static void no_delay(int status, unsigned delay_usec, void *appdata)
{
}

static int check_pam(struct xapi_auth *a, const char *user,
                     const char *password, char **ret_msg)
{
    struct pam_conv conv = { converse, (void *)password };
    pam_handle_t *h = NULL;
    int pr, r = 0;

    pthread_mutex_lock(&a->pam_lock);
    if (a->pam_confdir)
        pr = pam_start_confdir(a->pam_service, user, &conv, a->pam_confdir,
                               &h);
    else
        pr = pam_start(a->pam_service, user, &conv, &h);
    if (pr != PAM_SUCCESS) {
        r = msg(ret_msg, -EIO, "PAM service '%s' could not start: %s; "
                "check its file in %s", a->pam_service,
                pam_strerror(h, pr), a->pam_confdir ? a->pam_confdir
                                                    : "/etc/pam.d");
        goto out;
    }
    /* The session layer rate-limits failures: no sleep in this thread. */
    pam_set_item(h, PAM_FAIL_DELAY, (const void *)no_delay);
    pr = pam_authenticate(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
    if (pr == PAM_SUCCESS)
        pr = pam_acct_mgmt(h, PAM_SILENT);
    if (pr != PAM_SUCCESS)
        r = msg(ret_msg, -EACCES, "PAM service '%s' refused: %s",
                a->pam_service, pam_strerror(h, pr));
out:
    if (h)
        pam_end(h, pr);
    pthread_mutex_unlock(&a->pam_lock);
    return r;
}

/* Compare two strings in time that depends only on their lengths. */
static bool equal_ct(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), k;
    unsigned char d = la != lb;

    for (k = 0; k < la && k < lb; k++)
        d |= (unsigned char)(a[k] ^ b[k]);
    return d == 0;
}

static int hash_matches(const char *password, const char *setting,
                        bool *ret)
{
    struct crypt_data *cd = calloc(1, sizeof(*cd));
    const char *h;

    if (!cd)
        return -ENOMEM;
    h = crypt_r(password, setting, cd);
    /* libcrypt returns NULL or a string starting with '*' on failure. */
    *ret = h && h[0] != '*' && equal_ct(h, setting);
    free(cd);
    return 0;
}

static int check_users(struct xapi_auth *a, const char *user,
                       const char *password, char **ret_msg)
{
    _cleanup_fclose_ FILE *f = NULL;
    _cleanup_free_ char *line = NULL, *dummy_setting = NULL;
    size_t cap = 0, ulen = strlen(user);
    bool found = false, ok = false;
    struct stat st;
    ssize_t n;
    int fd, r;

    fd = open(a->users_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return msg(ret_msg, negative_errno(), "cannot open users file "
                   "'%s': %m; create it or fix --users", a->users_path);
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return msg(ret_msg, -EINVAL, "users file '%s' is not a regular "
                   "file", a->users_path);
    }
    if ((st.st_mode & 077) || st.st_uid != geteuid()) {
        close(fd);
        return msg(ret_msg, -EPERM, "users file '%s' may be read or "
                   "written by others (mode %04o, owner %u); refusing it: "
                   "run 'chown %u %s; chmod 600 %s'", a->users_path,
                   (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
                   (unsigned)geteuid(), a->users_path, a->users_path);
    }
    f = fdopen(fd, "re");
    if (!f) {
        close(fd);
        return -ENOMEM;
    }
    while (!found && (n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if (!dummy_setting && strchr(line, ':') &&
            !(dummy_setting = strdup(strchr(line, ':') + 1)))
            return -ENOMEM;
        if ((size_t)n > ulen && strncmp(line, user, ulen) == 0 &&
            line[ulen] == ':') {
            found = true;
            r = hash_matches(password, line + ulen + 1, &ok);
            if (r < 0)
                return r;
        }
    }
    if (!found) {
        bool dummy;

        /*
         * An unknown user costs what a known one does: the file's first
         * hash as the setting (its method, cost and salt), so that timing
         * does not tell which users exist.
         */
        r = hash_matches(password, dummy_setting ? dummy_setting
                                                 : DUMMY_SETTING, &dummy);
        if (r < 0)
            return r;
        return msg(ret_msg, -EACCES, "no user '%s' in '%s'", user,
                   a->users_path);
    }
    if (!ok)
        return msg(ret_msg, -EACCES, "wrong password for user '%s'", user);
    return 0;
}

int xapi_auth_check(struct xapi_auth *a, const char *user,
                    const char *password, char **ret_msg)
{
    *ret_msg = NULL;
    if (!a || !user || !password)
        return -EINVAL;
    if (!*user || strchr(user, ':') || strchr(user, '\n'))
        return msg(ret_msg, -EACCES, "invalid user name");
    if (!*password)
        return msg(ret_msg, -EACCES, "empty password for user '%s'", user);
    if (a->pam_service)
        return check_pam(a, user, password, ret_msg);
    return check_users(a, user, password, ret_msg);
}

int xapi_auth_hash(const char *password, char **ret)
{
    struct crypt_data *cd;
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    const char *h;
    char *out;

    if (!password)
        return -EINVAL;
    if (!crypt_gensalt_rn(NULL, 0, NULL, 0, setting, sizeof(setting)))
        return negative_errno();
    cd = calloc(1, sizeof(*cd));
    if (!cd)
        return -ENOMEM;
    h = crypt_r(password, setting, cd);
    if (!h || h[0] == '*') {
        free(cd);
        return -EINVAL;
    }
    out = strdup(h);
    free(cd);
    if (!out)
        return -ENOMEM;
    *ret = out;
    return 0;
}
