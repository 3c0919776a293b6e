/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Start, stop and clean up a private real xenstored for tests. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/helpers/xs-harness.h"

#define SOCKET_MAX 100          /* sun_path is 108 bytes */
#define MAX_ARGS 32

extern char **environ;

struct xs_harness {
    char *dir;
    char *socket;
    char *log;
    char *domains_file;
    char *domains_env;           /* value of XS_SHIM_DOMAINS for the child */
    char *conf;                  /* oxenstored's config file, or NULL */
    const char *const *extra_args;
    unsigned timeout_s;
    int lock_fd;
    int out_fd;                  /* read end of the daemon's stdout */
    pid_t pid;
};

/* Test helper state: one message per process is enough for fixtures. */
static char last_error[1024];
static xs_harness *current;

static int hfail(int r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int hfail(int r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
    return r;
}

const char *xs_harness_error(void)
{
    return last_error;
}

static char *strdup_printf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static char *strdup_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : s;
}

/*
 * Which daemon: XS_HARNESS_XENSTORED=oxenstored starts the OCaml one
 * (Debian's and XenServer's default), anything else unset, "" or
 * "xenstored" the C one.  1 for oxenstored, 0 for C, -1 for a bad value.
 */
static int daemon_is_ocaml(void)
{
    const char *k = getenv("XS_HARNESS_XENSTORED");

    if (!k || !*k || strcmp(k, "xenstored") == 0 || strcmp(k, "c") == 0)
        return 0;
    if (strcmp(k, "oxenstored") == 0)
        return 1;
    return -1;
}

static const char *daemon_path(void)
{
    const char *p = getenv(daemon_is_ocaml() > 0 ? "OXENSTORED"
                                                  : "XENSTORED");

    if (p && *p)
        return p;
    if (daemon_is_ocaml() > 0) {
#ifdef XS_HARNESS_OXENSTORED
        return XS_HARNESS_OXENSTORED;
#else
        return "";
#endif
    }
#ifdef XS_HARNESS_XENSTORED
    return XS_HARNESS_XENSTORED;
#else
    return "";
#endif
}

/* Caller frees. */
static char *shim_path(void)
{
    const char *p = getenv("XS_SHIM"), *top = getenv("top_builddir");

    if (p && *p)
        return strdup(p);
    if (top && *top)
        return strdup_printf("%s/tests/helpers/.libs/xenstored-shim.so", top);
#ifdef XS_HARNESS_SHIM
    return strdup(XS_HARNESS_SHIM);
#else
    return strdup("");
#endif
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st; (void)ftw;
    if (flag == FTW_DP || flag == FTW_D)
        return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
    return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

static void rm_rf(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_file_atomic(const char *path, const char *text)
{
    char tmp[PATH_MAX];
    size_t len = strlen(text);
    int fd;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
        return -ENAMETOOLONG;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    if (write(fd, text, len) != (ssize_t)len) {
        close(fd);
        unlink(tmp);
        return -EIO;
    }
    close(fd);
    if (rename(tmp, path) < 0)
        return -errno;
    return 0;
}

/* Write text (NULL: out of memory) to path atomically, then free it. */
static int write_text(const char *path, char *text)
{
    int r;

    if (!text)
        return hfail(-ENOMEM, "out of memory");
    r = write_file_atomic(path, text);
    free(text);
    if (r < 0)
        return hfail(r, "'%s': %s", path, strerror(-r));
    return 0;
}

/* The whole log, for the message when the daemon dies at start. */
static void read_log(const xs_harness *h, char *buf, size_t size)
{
    ssize_t n = -1;
    int fd;

    buf[0] = '\0';
    fd = open(h->log, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        n = read(fd, buf, size - 1);
        close(fd);
    }
    if (n > 0) {
        buf[n] = '\0';
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
            buf[--n] = '\0';
        for (char *c = buf; *c; c++)
            if (*c == '\n')
                *c = ' ';
    }
}

static void set_env(char **env, size_t *n, char *entry)
{
    size_t klen = strcspn(entry, "=") + 1;

    for (size_t i = 0; i < *n; i++)
        if (strncmp(env[i], entry, klen) == 0) {
            env[i] = entry;
            return;
        }
    env[(*n)++] = entry;
}

/* In the child: never returns. */
static void exec_daemon(const xs_harness *h, const char *xenstored,
                        const char *shim, int out_w, int log_fd)
{
    const char *argv[MAX_ARGS + 4];
    size_t n = 0, ne = 0, i;
    char **env;
    char *rundir, *path, *preload, *domains;

    for (i = 0; environ[i]; i++)
        ;
    env = calloc(i + 5, sizeof(*env));
    rundir = strdup_printf("XENSTORED_RUNDIR=%s", h->dir);
    path = strdup_printf("XENSTORED_PATH=%s", h->socket);
    preload = strdup_printf("LD_PRELOAD=%s", shim);
    domains = strdup_printf("XS_SHIM_DOMAINS=%s", h->domains_env);
    if (!env || !rundir || !path || !preload || !domains)
        _exit(127);
    for (i = 0; environ[i]; i++)
        env[ne++] = environ[i];
    set_env(env, &ne, rundir);
    set_env(env, &ne, path);
    set_env(env, &ne, preload);
    set_env(env, &ne, domains);
    env[ne] = NULL;

    argv[n++] = xenstored;
    if (h->conf) {
        /* Prints a line once its socket is made, then reads requests. */
        argv[n++] = "--no-fork";
        argv[n++] = "--no-access-log";
        argv[n++] = "--config-file";
        argv[n++] = h->conf;
    } else {
        argv[n++] = "-N";
        argv[n++] = "-P";
    }
    for (i = 0; h->extra_args && h->extra_args[i] && i < MAX_ARGS; i++)
        argv[n++] = h->extra_args[i];
    argv[n] = NULL;

    /* Die with the starter, even if a test crashes before teardown. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (dup2(out_w, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
        _exit(127);
    /* The daemon holds the directory lock too (fd 3, inherited). */
    if (h->lock_fd == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(h->lock_fd, 3) < 0)
        _exit(127);
    for (int fd = 4; fd < 1024; fd++)
        close(fd);
    setsid();
    execve(xenstored, (char *const *)argv, env);
    dprintf(STDERR_FILENO, "exec %s: %s\n", xenstored, strerror(errno));
    _exit(127);
}

static int wait_pid_line(xs_harness *h, const char *xenstored)
{
    char buf[64], log[512];
    size_t len = 0;
    struct timespec t0, t;
    struct pollfd pfd = { .fd = h->out_fd, .events = POLLIN };
    int status;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        long left_ms;
        ssize_t n;
        int r;

        clock_gettime(CLOCK_MONOTONIC, &t);
        left_ms = (long)h->timeout_s * 1000 -
                  ((t.tv_sec - t0.tv_sec) * 1000 +
                   (t.tv_nsec - t0.tv_nsec) / 1000000);
        if (left_ms <= 0)
            return hfail(-ETIMEDOUT, "xenstored '%s' printed no line within "
                        "%u s (log '%s')", xenstored, h->timeout_s, h->log);
        r = poll(&pfd, 1, (int)left_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return hfail(-errno, "poll: %s", strerror(errno));
        if (r == 0)
            continue;
        n = read(h->out_fd, buf + len, sizeof(buf) - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            read_log(h, log, sizeof(log));
            if (waitpid(h->pid, &status, 0) == h->pid)
                h->pid = -1;
            return hfail(-ECHILD, "xenstored '%s' exited before it was "
                        "ready: %s", xenstored,
                        *log ? log : "(no output)");
        }
        len += (size_t)n;
        buf[len] = '\0';
        if (strchr(buf, '\n'))
            return 0;
        if (len >= sizeof(buf) - 1)
            return hfail(-EPROTO, "xenstored '%s' printed '%s' and no "
                        "end of line", xenstored, buf);
    }
}

static int spawn(xs_harness *h)
{
    const char *xenstored = daemon_path();
    char *shim = NULL;
    int out[2] = { -1, -1 }, log_fd = -1, r;

    if (daemon_is_ocaml() < 0)
        return hfail(-EINVAL, "XS_HARNESS_XENSTORED='%s': say xenstored "
                    "(the C daemon, the default) or oxenstored",
                    getenv("XS_HARNESS_XENSTORED"));
    if (!*xenstored)
        return hfail(-ENOENT, "no xenstored: set XENSTORED (OXENSTORED) or "
                    "install xen-utils-4.17 and run ./configure again");
    if (access(xenstored, X_OK) < 0)
        return hfail(-ENOENT, "xenstored '%s' is not executable: install "
                    "xen-utils-4.17 or set XENSTORED", xenstored);
    shim = shim_path();
    if (!shim)
        return -ENOMEM;
    if (!*shim || access(shim, R_OK) < 0) {
        r = hfail(-ENOENT, "preload shim '%s' not found: run 'make' in the "
                 "build tree or set XS_SHIM", shim);
        free(shim);
        return r;
    }
    log_fd = open(h->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0 || pipe2(out, O_CLOEXEC) < 0) {
        r = hfail(-errno, "'%s': %s", h->log, strerror(errno));
        goto out;
    }
    h->pid = fork();
    if (h->pid < 0) {
        r = hfail(-errno, "fork: %s", strerror(errno));
        goto out;
    }
    if (h->pid == 0)
        exec_daemon(h, xenstored, shim, out[1], log_fd);
    close(out[1]);
    out[1] = -1;
    h->out_fd = out[0];
    out[0] = -1;
    r = wait_pid_line(h, xenstored);
out:
    if (out[0] >= 0)
        close(out[0]);
    if (out[1] >= 0)
        close(out[1]);
    if (log_fd >= 0)
        close(log_fd);
    free(shim);
    return r;
}

static void reap(xs_harness *h)
{
    if (h->pid > 0) {
        kill(h->pid, SIGKILL);
        while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        h->pid = -1;
    }
    if (h->out_fd >= 0) {
        close(h->out_fd);
        h->out_fd = -1;
    }
}

static xs_harness *harness_free(xs_harness *h)
{
    if (!h)
        return NULL;
    if (h->lock_fd >= 0)
        close(h->lock_fd);
    free(h->dir);
    free(h->socket);
    free(h->log);
    free(h->domains_file);
    free(h->domains_env);
    free(h->conf);
    free(h);
    return NULL;
}

static char *make_dir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir;

    /* Keep <dir>/socket short enough for sun_path. */
    if (!tmp || !*tmp || strlen(tmp) > SOCKET_MAX - 32)
        tmp = P_tmpdir;
    dir = strdup_printf("%s/xs-harness.XXXXXX", tmp);
    if (dir && !mkdtemp(dir)) {
        free(dir);
        return NULL;
    }
    return dir;
}

/*
 * oxenstored reads its pid file and log paths, and dom0's ring and event
 * channel (which the shim makes), from its config file; its
 * quotas stay the daemon's defaults, which are Debian's
 * (/etc/xen/oxenstored.conf): 2048 bytes a value, 1024 requests in a
 * transaction of a guest, 1000 nodes a guest.  The socket and the
 * database are under the compiled-in /var/run/xenstored, which the shim
 * redirects into the directory (XENSTORED_RUNDIR).
 */
static int write_oxenstored_conf(xs_harness *h)
{
    h->conf = strdup_printf("%s/oxenstored.conf", h->dir);
    if (!h->conf)
        return hfail(-ENOMEM, "out of memory");
    return write_text(h->conf, strdup_printf(
                          "pid-file = %s/xenstored.pid\n"
                          "xenstored-log-file = %s/oxenstored.log\n"
                          "xenstored-kva = /proc/xen/xsd_kva\n"
                          "xenstored-port = /proc/xen/xsd_port\n"
                          "persistent = false\n", h->dir, h->dir));
}

int xs_harness_start(xs_harness **ret, const struct xs_harness_opts *opts)
{
    xs_harness *h;
    char *lock = NULL;
    int r;

    if (!ret)
        return hfail(-EINVAL, "xs_harness_start: ret is NULL");
    h = calloc(1, sizeof(*h));
    if (!h)
        return hfail(-ENOMEM, "out of memory");
    h->lock_fd = h->out_fd = -1;
    h->pid = -1;
    h->timeout_s = opts && opts->timeout_s ? opts->timeout_s : 120;
    h->extra_args = opts ? opts->extra_args : NULL;
    h->dir = make_dir();
    if (!h->dir) {
        r = hfail(-errno, "mkdtemp under $TMPDIR: %s", strerror(errno));
        harness_free(h);
        return r;
    }
    h->socket = strdup_printf("%s/socket", h->dir);
    h->log = strdup_printf("%s/xenstored.log", h->dir);
    h->domains_file = strdup_printf("%s/domains", h->dir);
    lock = strdup_printf("%s/lock", h->dir);
    if (opts && opts->domains)
        h->domains_env = strdup(opts->domains);
    else if (h->domains_file)
        h->domains_env = strdup_printf("@%s", h->domains_file);
    if (!h->socket || !h->log || !h->domains_file || !lock ||
        !h->domains_env) {
        r = hfail(-ENOMEM, "out of memory");
        goto err;
    }
    /* exec_daemon hands it to the daemon as fd 3 (dup2 drops CLOEXEC). */
    h->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (h->lock_fd < 0) {
        r = hfail(-errno, "'%s': %s", lock, strerror(errno));
        goto err;
    }
    if (flock(h->lock_fd, LOCK_EX | LOCK_NB) < 0) {
        r = hfail(-EBUSY, "'%s' is locked: another xenstored runs in '%s'",
                 lock, h->dir);
        goto err;
    }
    r = write_file_atomic(h->domains_file, "0\n");
    if (r < 0) {
        hfail(r, "'%s': %s", h->domains_file, strerror(-r));
        goto err;
    }
    if (daemon_is_ocaml() > 0) {
        r = write_oxenstored_conf(h);
        if (r < 0)
            goto err;
    }
    r = spawn(h);
    if (r < 0)
        goto err;
    if (setenv("XENSTORED_PATH", h->socket, 1) < 0 ||
        setenv("XENSTORED_RUNDIR", h->dir, 1) < 0) {
        r = hfail(-ENOMEM, "setenv: out of memory");
        goto err;
    }
    free(lock);
    *ret = h;
    return 0;
err:
    reap(h);
    if (!getenv("XS_HARNESS_KEEP"))
        rm_rf(h->dir);
    free(lock);
    harness_free(h);
    return r;
}

xs_harness *xs_harness_stop(xs_harness *h)
{
    if (!h)
        return NULL;
    reap(h);
    if (!getenv("XS_HARNESS_KEEP"))
        rm_rf(h->dir);
    if (current == h)
        current = NULL;
    return harness_free(h);
}

int xs_harness_kill(xs_harness *h)
{
    if (!h || h->pid <= 0)
        return hfail(-ESRCH, "no xenstored to kill");
    reap(h);
    return 0;
}

int xs_harness_restart(xs_harness *h)
{
    if (!h)
        return hfail(-EINVAL, "xs_harness_restart: no harness");
    reap(h);
    unlink(h->socket);
    return spawn(h);
}

int xs_harness_set_domains(xs_harness *h, const char *domids)
{
    if (!h || !domids)
        return hfail(-EINVAL, "xs_harness_set_domains: no harness or list");
    if (h->domains_env[0] != '@')
        return hfail(-EINVAL, "domains were fixed at start ('%s'): start with "
                    "opts.domains NULL to change them", h->domains_env);
    return write_text(h->domains_file, strdup_printf("%s\n", domids));
}

const char *xs_harness_socket(const xs_harness *h)
{
    return h ? h->socket : NULL;
}

const char *xs_harness_dir(const xs_harness *h)
{
    return h ? h->dir : NULL;
}

pid_t xs_harness_pid(const xs_harness *h)
{
    return h ? h->pid : -1;
}

const char *xs_harness_health(xs_harness *h)
{
    static char buf[768];
    char log[512];
    int status;

    if (!h)
        return "no xenstored was started";
    if (h->pid > 0 && waitpid(h->pid, &status, WNOHANG) == h->pid) {
        h->pid = -1;
        read_log(h, log, sizeof(log));
        if (WIFSIGNALED(status))
            snprintf(buf, sizeof(buf), "xenstored was killed by signal %d "
                     "(log: %s)", WTERMSIG(status), *log ? log : "empty");
        else
            snprintf(buf, sizeof(buf), "xenstored exited with status %d "
                     "(log: %s)", WEXITSTATUS(status), *log ? log : "empty");
        return buf;
    }
    return h->pid > 0 ? "xenstored runs" : buf[0] ? buf : "xenstored ended";
}

void xs_harness_setup(void)
{
    int r;

    if (current)
        return;
    r = xs_harness_start(&current, NULL);
    if (r < 0)
        ck_abort_msg("cannot start a private xenstored: %s",
                     xs_harness_error());
}

void xs_harness_teardown(void)
{
    current = xs_harness_stop(current);
}

xs_harness *xs_harness_current(void)
{
    return current;
}
