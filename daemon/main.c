/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xen-sriovd: the domain watcher and the XenAPI endpoint in one daemon,
 * and its one-shot commands (--reconcile, --status, --check-migrate). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon/sriovd.h"
#include "libsriov/macro.h"
#include "api/log.h"

static bool use_syslog;
static int max_level = LOG_INFO;

void sriovd_log_syslog(void)
{
    openlog(SRIOVD, LOG_PID, LOG_DAEMON);
    use_syslog = true;
}

void sriovd_set_log_level(int level)
{
    max_level = level;
}

void sriovd_log(int level, const char *fmt, ...)
{
    char line[1024], safe[1024];
    va_list ap;

    if (level > max_level)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* Names from XenAPI clients and guests cannot forge lines. */
    xapi_log_escape(safe, sizeof(safe), line);
    if (use_syslog)
        syslog(level, "%s", safe);
    else
        fprintf(stderr, SRIOVD ": %s\n", safe);
}

void sriovd_plugin_log(void *userdata, int level, const char *msg)
{
    sriovd_log(level, "%s", msg);
}

/* ---- one-shot commands ------------------------------------------------- */

static void print_finding(void *userdata, const char *finding)
{
    printf("%s\n", finding);
}

static int open_plugin(struct sriovd_options *o, plugin **ret)
{
    char why[PLUGIN_ERROR_MAX] = "";
    int r = plugin_new(ret, &o->plugin, why, sizeof(why));

    if (r < 0)
        fprintf(stderr, SRIOVD ": %s\n", *why ? why : strerror(-r));
    return r;
}

static int cmd_reconcile(struct sriovd_options *o)
{
    plugin *p = NULL;
    int n, f;

    if (open_plugin(o, &p) < 0)
        return 2;
    f = sriovd_finish_creates(p, o->plugin.dry_run, print_finding, NULL);
    n = plugin_reconcile(p, print_finding, NULL);
    if (n < 0)
        fprintf(stderr, SRIOVD ": %s\n", plugin_last_error(p));
    plugin_free(p);
    return n < 0 || f < 0 ? 2 : n + f > 0;
}

static const char *tri(int v)
{
    return v > 0 ? "yes" : v == 0 ? "no" : "unknown";
}

static int cmd_status(struct sriovd_options *o)
{
    store_record **ns = NULL;
    plugin *p = NULL;
    int pt = -1, ir = -1;
    size_t n = 0;
    int r, rc = 0;

    if (open_plugin(o, &p) < 0)
        return 2;
    if (plugin_host_caps(p, &pt, &ir) < 0)
        printf("host: %s\n", plugin_last_error(p));
    else
        printf("host: passthrough %s, interrupt remapping %s%s\n", tri(pt),
               tri(ir), o->plugin.dry_run ? " (dry run: Xen not asked)"
                                          : "");
    r = store_list(plugin_store(p), "network_sriov", NULL, 0, 0, &ns, &n);
    if (r < 0) {
        fprintf(stderr, SRIOVD ": %s\n", store_last_error(plugin_store(p)));
        plugin_free(p);
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        struct plugin_vf_status *v = NULL;
        size_t m = 0, free_vfs = 0;

        if (plugin_network_sriov_vfs(p, store_record_uuid(ns[i]), &v,
                                     &m) < 0) {
            printf("network-sriov %s: %s\n", store_record_uuid(ns[i]),
                   plugin_last_error(p));
            rc = 1;
            continue;
        }
        for (size_t j = 0; j < m; j++)
            free_vfs += !*v[j].reserved_by && !*v[j].vm && !v[j].unusable;
        printf("network-sriov %s: %zu of %zu VFs free\n",
               store_record_uuid(ns[i]), free_vfs, m);
        for (size_t j = 0; j < m; j++) {
            if (*v[j].reserved_by || *v[j].vm)
                printf("  %s reserved by VIF %s for VM %s, domain %ld\n",
                       v[j].bdf, *v[j].reserved_by ? v[j].reserved_by :
                       "(none)", v[j].vm, v[j].domid);
            else if (v[j].unusable)
                printf("  %s unusable: %s\n", v[j].bdf, v[j].unusable);
            else
                printf("  %s free\n", v[j].bdf);
        }
        plugin_vf_status_free(v, m);
    }
    store_record_list_free(ns, n);
    plugin_free(p);
    return rc;
}

static int cmd_check_migrate(struct sriovd_options *o)
{
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p = NULL;
    int r;

    if (open_plugin(o, &p) < 0)
        return 2;
    r = ops_plugin_vm_check_migrate(p, o->vm, &err);
    if (r < 0) {
        fprintf(stderr, "%s", err.code);
        for (size_t i = 0; i < err.n_params; i++)
            fprintf(stderr, " %s", err.params[i]);
        fprintf(stderr, "\n");
    }
    xapi_error_clear(&err);
    plugin_free(p);
    return r == -EPERM ? 1 : r < 0 ? 2 : 0;
}

/* ---- the daemon -------------------------------------------------------- */

struct watcher {
    const struct sriovd_options *o;
    int stop_fd;
    int result;
};

static void *pool_thread(void *arg)
{
    struct watcher *w = arg;

    w->result = sriovd_pool_mirror(w->o, w->stop_fd);
    return NULL;
}

static void *watch_thread(void *arg)
{
    struct watcher *w = arg;

    w->result = sriovd_watch(w->o, w->stop_fd);
    if (w->result < 0)
        kill(getpid(), SIGTERM);        /* end the daemon with us */
    return NULL;
}

/* One daemon per host: an flock on the pid file, held until exit. */
static int take_pidfile(const char *path)
{
    char dir[4096], buf[32];
    char *slash;
    int fd;

    snprintf(dir, sizeof(dir), "%s", path);
    for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(dir, 0700);
        *slash = '/';
    }
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        sriovd_log(LOG_ERR, "cannot open '%s': %s", path, strerror(errno));
        return -errno;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        ssize_t n = read(fd, buf, sizeof(buf) - 1);

        buf[n > 0 ? n : 0] = '\0';
        sriovd_log(LOG_ERR, "already running (pid %s, '%s'): stop it "
                   "first", strtok(buf, "\n") ? buf : "?", path);
        close(fd);
        return -EBUSY;
    }
    snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, strlen(buf), 0) < 0)
        sriovd_log(LOG_WARNING, "cannot write '%s': %s", path,
                   strerror(errno));
    return fd;
}

/* Detach: the parent exits once the child has taken the pid file. */
static int daemonize(void)
{
    int fds[2], null;
    pid_t pid;
    char c = 1;

    if (pipe(fds) < 0)
        return -errno;
    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid > 0) {
        close(fds[1]);
        _exit(read(fds[0], &c, 1) == 1 && c == 0 ? 0 : 1);
    }
    close(fds[0]);
    setsid();
    if (chdir("/") < 0)
        return -errno;
    null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        close(null);
    }
    return fds[1];                      /* write 0 when ready */
}

static int run(struct sriovd_options *o)
{
    struct watcher w = { .o = o }, pw = { .o = o };
    _cleanup_close_ int pidfd = -1, ready = -1;
    pthread_t th, pth;
    sigset_t mask;
    int r, sig;

    if (!o->foreground) {
        ready = daemonize();
        if (ready < 0)
            return 1;
        sriovd_log_syslog();
    } else if (o->syslog) {
        sriovd_log_syslog();
    }
    pidfd = take_pidfile(o->pidfile);
    if (pidfd < 0)
        return 1;

    /* Before any thread: the stop signals go to sigwait (here or in
     * xapi_daemon_run), SIGHUP to the watcher's signalfd. */
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);

    w.stop_fd = eventfd(0, EFD_CLOEXEC);
    if (w.stop_fd < 0 || pthread_create(&th, NULL, watch_thread, &w)) {
        sriovd_log(LOG_ERR, "cannot start the domain watcher");
        return 1;
    }
    /* The pool mirror: a pool member's failures are logged, not fatal. */
    pw.stop_fd = eventfd(0, EFD_CLOEXEC);
    if (pw.stop_fd < 0 || pthread_create(&pth, NULL, pool_thread, &pw)) {
        sriovd_log(LOG_ERR, "cannot start the pool mirror");
        return 1;
    }
    if (ready >= 0) {
        char c = 0;

        if (write(ready, &c, 1) < 0)
            sriovd_log(LOG_WARNING, "cannot tell the parent: %s",
                       strerror(errno));
    }
    if (o->api) {
        r = xapi_daemon_run(&o->xapi, sriovd_api_setup,
                            sriovd_api_teardown, o);
    } else {
        sigdelset(&mask, SIGHUP);
        r = sigwait(&mask, &sig) ? -EINTR : 0;
    }
    eventfd_write(w.stop_fd, 1);
    eventfd_write(pw.stop_fd, 1);
    pthread_join(th, NULL);
    pthread_join(pth, NULL);
    close(w.stop_fd);
    close(pw.stop_fd);
    unlink(o->pidfile);
    if (r == 0 && w.result == 0)
        sriovd_log(LOG_NOTICE, "stopped");
    return r < 0 || w.result < 0;
}

#ifdef XEN_SRIOV_TEST_HOOKS
/* Test only (./configure --enable-test-hooks): XEN_SRIOV_TEST_KILL_AT=
 * <plugin step> ("reserved", "saved", "attached", "released", ...; see
 * plugin.h) kills the daemon with SIGKILL there (make check-crash). */
static void kill_at(void *userdata, const char *step)
{
    if (strcmp(userdata, step) == 0)
        raise(SIGKILL);
}

static void test_hooks(struct sriovd_options *o)
{
    const char *step = secure_getenv("XEN_SRIOV_TEST_KILL_AT");

    if (step && *step) {
        o->plugin.step_hook = kill_at;
        o->plugin.step_userdata = (void *)step;
    }
}
#else
static void test_hooks(struct sriovd_options *o)
{
    (void)o;
}
#endif

int main(int argc, char **argv)
{
    struct sriovd_options o;
    int r;

    r = sriovd_parse(argc, argv, secure_getenv("SRIOV_ROOT"), &o);
    if (r != 0)
        return r > 0 ? EXIT_SUCCESS : 2;
    test_hooks(&o);
    sriovd_set_log_level(o.log_level);
    if (o.mode != SRIOVD_RUN && o.log_level < LOG_DEBUG)
        o.plugin.log_level = LOG_WARNING;   /* findings go to stdout */
    switch (o.mode) {
    case SRIOVD_RECONCILE:
        r = cmd_reconcile(&o);
        break;
    case SRIOVD_STATUS:
        r = cmd_status(&o);
        break;
    case SRIOVD_CHECK_MIGRATE:
        r = cmd_check_migrate(&o);
        break;
    default:
        r = run(&o);
        break;
    }
    sriovd_options_dispose(&o);
    return r;
}
