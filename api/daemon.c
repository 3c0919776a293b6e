/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The endpoint as a program: options, logging, signal handling. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "libsriov/macro.h"
#include "api/auth.h"
#include "api/daemon.h"

#define PROG "xen-sriov-api"
#define SOCKET_REL "var/run/xen-sriov/xapi.sock"

static void usage(FILE *f)
{
    fprintf(f,
"Usage: " PROG " [OPTIONS]\n"
"Serve XenAPI (XML-RPC on every POST path, JSON-RPC on /jsonrpc).\n"
"\n"
"  --socket PATH       unix socket (default $SRIOV_ROOT/" SOCKET_REL ")\n"
"  --no-socket         no unix socket (needs --listen)\n"
"  --listen ADDR:PORT  also serve TCP, e.g. 127.0.0.1:8080 or [::1]:443\n"
"  --tls-cert FILE     HTTPS on the TCP listener: PEM certificate\n"
"  --tls-key FILE      and its PEM key\n"
"  --users FILE        check logins against user:crypt-hash lines in FILE\n"
"                      (mode 0600) instead of PAM\n"
"  --pam-service NAME  PAM service (default xen-sriov)\n"
"  --pam-confdir DIR   read PAM services from DIR, not /etc/pam.d\n"
"  --max-body BYTES    largest request body (default 1048576)\n"
"  --max-connections N connections per listener (default 256)\n"
"  --max-per-address N TCP connections of one client address (default 64)\n"
"  --header-timeout S  seconds to send a request's headers (default 10)\n"
"  --idle-timeout S    seconds a connection may idle (default 300)\n"
"  --tls-priorities P  GnuTLS priority string (default: TLS 1.2+, AEAD)\n"
"  --max-sessions N, --max-sessions-per-user N,\n"
"  --max-sessions-per-originator N  (defaults 1000, 500, 100)\n"
"  --max-tasks-per-session N        (default 100)\n"
"  --syslog            log to syslog instead of stderr\n"
"  --hash-password     read a password on stdin, print a hash for --users\n"
"  --help, --version\n");
}

/* Read one line from stdin (no echo on a terminal), print its hash. */
static int hash_password(void)
{
    _cleanup_free_ char *line = NULL, *hash = NULL;
    struct termios old, noecho;
    bool tty = isatty(STDIN_FILENO);
    size_t cap = 0;
    ssize_t n;
    int r;

    if (tty) {
        fprintf(stderr, "Password: ");
        tcgetattr(STDIN_FILENO, &old);
        noecho = old;
        noecho.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho);
    }
    n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    if (n <= 0) {
        fprintf(stderr, PROG ": no password on stdin\n");
        return -EINVAL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    r = xapi_auth_hash(line, &hash);
    if (r < 0) {
        fprintf(stderr, PROG ": cannot hash the password: %s\n",
                strerror(-r));
        return r;
    }
    printf("%s\n", hash);
    return 1;
}

/* The endpoint's options, also what xen-sriovd hands over to it. */
enum {
    O_SOCKET = 256, O_NO_SOCKET, O_LISTEN, O_CERT, O_KEY, O_USERS,
    O_PAM, O_PAMDIR, O_MAXBODY, O_SYSLOG, O_HASH, O_HELP, O_VERSION,
    O_MAXCONN, O_PERADDR, O_HDRTIME, O_IDLE, O_TLSPRIO, O_SESS,
    O_SESSUSER, O_SESSORIG, O_TASKS,
};
static const struct option longopts[] = {
    { "socket", required_argument, NULL, O_SOCKET },
    { "no-socket", no_argument, NULL, O_NO_SOCKET },
    { "listen", required_argument, NULL, O_LISTEN },
    { "tls-cert", required_argument, NULL, O_CERT },
    { "tls-key", required_argument, NULL, O_KEY },
    { "users", required_argument, NULL, O_USERS },
    { "pam-service", required_argument, NULL, O_PAM },
    { "pam-confdir", required_argument, NULL, O_PAMDIR },
    { "max-body", required_argument, NULL, O_MAXBODY },
    { "max-connections", required_argument, NULL, O_MAXCONN },
    { "max-per-address", required_argument, NULL, O_PERADDR },
    { "header-timeout", required_argument, NULL, O_HDRTIME },
    { "idle-timeout", required_argument, NULL, O_IDLE },
    { "tls-priorities", required_argument, NULL, O_TLSPRIO },
    { "max-sessions", required_argument, NULL, O_SESS },
    { "max-sessions-per-user", required_argument, NULL, O_SESSUSER },
    { "max-sessions-per-originator", required_argument, NULL,
      O_SESSORIG },
    { "max-tasks-per-session", required_argument, NULL, O_TASKS },
    { "syslog", no_argument, NULL, O_SYSLOG },
    { "hash-password", no_argument, NULL, O_HASH },
    { "help", no_argument, NULL, O_HELP },
    { "version", no_argument, NULL, O_VERSION },
    { NULL, 0, NULL, 0 },
};

int xapi_daemon_option(const char *arg)
{
    const char *name;
    size_t n;

    if (strncmp(arg, "--", 2) != 0)
        return -1;
    name = arg + 2;
    n = strcspn(name, "=");
    for (size_t i = 0; longopts[i].name; i++) {
        if (strlen(longopts[i].name) != n ||
            strncmp(longopts[i].name, name, n) != 0 ||
            longopts[i].val == O_HELP || longopts[i].val == O_VERSION)
            continue;
        if (longopts[i].has_arg == no_argument)
            return name[n] ? -1 : 0;
        return name[n] ? 0 : 1;
    }
    return -1;
}

int xapi_daemon_parse(int argc, char **argv, const char *root,
                      struct xapi_daemon_options *ret)
{
    struct xapi_daemon_options o = { 0 };
    char *end;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_SOCKET:
            free(o.socket_path);
            o.socket_path = strdup(optarg);
            break;
        case O_NO_SOCKET:
            o.no_socket = true;
            break;
        case O_LISTEN:
            o.server.listen = optarg;
            break;
        case O_CERT:
            o.server.tls_cert = optarg;
            break;
        case O_KEY:
            o.server.tls_key = optarg;
            break;
        case O_USERS:
            o.api.users_file = optarg;
            break;
        case O_PAM:
            o.api.pam_service = optarg;
            break;
        case O_PAMDIR:
            o.api.pam_confdir = optarg;
            break;
        case O_MAXBODY:
            errno = 0;
            o.server.max_body = strtoul(optarg, &end, 10);
            if (errno || *end || o.server.max_body < 1024) {
                fprintf(stderr, PROG ": --max-body '%s' must be a number "
                        "of bytes >= 1024\n", optarg);
                xapi_daemon_options_dispose(&o);
                return -EINVAL;
            }
            break;
        case O_MAXCONN:
        case O_PERADDR:
        case O_HDRTIME:
        case O_IDLE:
        case O_SESS:
        case O_SESSUSER:
        case O_SESSORIG:
        case O_TASKS: {
            unsigned *dst[] = {
                [O_MAXCONN - O_MAXCONN] = &o.server.max_connections,
                [O_PERADDR - O_MAXCONN] = &o.server.max_per_address,
                [O_HDRTIME - O_MAXCONN] = &o.server.header_timeout,
                [O_IDLE - O_MAXCONN] = &o.server.connection_timeout,
                [O_SESS - O_MAXCONN] = &o.api.sessions.max_sessions,
                [O_SESSUSER - O_MAXCONN] =
                    &o.api.sessions.max_sessions_per_user,
                [O_SESSORIG - O_MAXCONN] =
                    &o.api.sessions.max_sessions_per_originator,
                [O_TASKS - O_MAXCONN] = &o.api.tasks.max_per_session,
            };
            unsigned long v;
            size_t k;

            errno = 0;
            v = strtoul(optarg, &end, 10);
            if (errno || *end || !*optarg || v == 0 || v > 1000000) {
                for (k = 0; longopts[k].val != c; k++)
                    ;
                fprintf(stderr, PROG ": --%s '%s' must be a number from 1 "
                        "to 1000000\n", longopts[k].name, optarg);
                xapi_daemon_options_dispose(&o);
                return -EINVAL;
            }
            *dst[c - O_MAXCONN] = (unsigned)v;
            break;
        }
        case O_TLSPRIO:
            o.server.tls_priorities = optarg;
            break;
        case O_SYSLOG:
            o.use_syslog = true;
            break;
        case O_HASH:
            xapi_daemon_options_dispose(&o);
            return hash_password();
        case O_HELP:
            usage(stdout);
            xapi_daemon_options_dispose(&o);
            return 1;
        case O_VERSION:
            printf(PROG " " PACKAGE_VERSION "\n");
            xapi_daemon_options_dispose(&o);
            return 1;
        default:
            fprintf(stderr, "Try '" PROG " --help'.\n");
            xapi_daemon_options_dispose(&o);
            return -EINVAL;
        }
    }
    if (optind < argc) {
        fprintf(stderr, PROG ": unexpected argument '%s'; try '" PROG
                " --help'\n", argv[optind]);
        xapi_daemon_options_dispose(&o);
        return -EINVAL;
    }
    if (o.no_socket && !o.server.listen) {
        fprintf(stderr, PROG ": --no-socket needs --listen ADDR:PORT: "
                "there would be nothing to listen on\n");
        xapi_daemon_options_dispose(&o);
        return -EINVAL;
    }
    if (!o.socket_path &&
        asprintf(&o.socket_path, "%s/" SOCKET_REL,
                 root && strcmp(root, "/") ? root : "") < 0) {
        o.socket_path = NULL;
        return -ENOMEM;
    }
    if (!o.socket_path)
        return -ENOMEM;
    o.server.unix_path = o.no_socket ? NULL : o.socket_path;
    *ret = o;
    return 0;
}

void xapi_daemon_options_dispose(struct xapi_daemon_options *o)
{
    free(o->socket_path);
    memset(o, 0, sizeof(*o));
}

/* Under the name of the program that embeds it (xen-sriovd too). */
static void log_stderr(void *userdata, int priority, const char *msg)
{
    fprintf(stderr, "%s: %s\n", program_invocation_short_name, msg);
}

static void log_syslog(void *userdata, int priority, const char *msg)
{
    syslog(priority, "%s", msg);
}

int xapi_daemon_run(const struct xapi_daemon_options *o,
                    int (*setup)(struct xapi *api, void *userdata),
                    void (*teardown)(struct xapi *api, void *userdata),
                    void *userdata)
{
    struct xapi_config cfg = o->api;
    _cleanup_free_ char *error = NULL;
    struct xapi_server *srv = NULL;
    struct xapi *api = NULL;
    sigset_t mask;
    int r, sig;

    if (o->use_syslog)
        openlog(program_invocation_short_name, LOG_PID, LOG_DAEMON);
    cfg.log.fn = o->use_syslog ? log_syslog : log_stderr;
    /* Block the stop signals before any thread exists; sigwait below. */
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    xmlInitParser();

    r = xapi_new(&api, &cfg);
    if (r < 0) {
        xapi_log(&cfg.log, LOG_ERR, "cannot set up the endpoint: %s",
                 strerror(-r));
        return r;
    }
    if (setup && (r = setup(api, userdata)) < 0) {
        xapi_log(&cfg.log, LOG_ERR, "cannot register the XenAPI classes: "
                 "%s", strerror(-r));
        goto out;
    }
    r = xapi_server_start(&srv, api, &o->server, &error);
    if (r < 0) {
        xapi_log(&cfg.log, LOG_ERR, "%s", error ? error : strerror(-r));
        goto out;
    }
    if (o->server.unix_path)
        xapi_log(&cfg.log, LOG_NOTICE, "listening on %s",
                 o->server.unix_path);
    if (o->server.listen)
        /* The spec without its port, then the port bound (0 picks one). */
        xapi_log(&cfg.log, LOG_NOTICE, "listening on %s://%.*s:%d/",
                 o->server.tls_cert ? "https" : "http",
                 (int)(strrchr(o->server.listen, ':') - o->server.listen),
                 o->server.listen, xapi_server_tcp_port(srv));
    xapi_log(&cfg.log, LOG_NOTICE, "logins checked by %s%s",
             cfg.users_file ? "users file " : "PAM service ",
             cfg.users_file ? cfg.users_file
                            : cfg.pam_service ? cfg.pam_service
                                              : "xen-sriov");
    /*
     * SIGHUP (a closed terminal, a logrotate "kill -HUP") does not stop
     * the server: nothing is cached that a reload would refresh (the users
     * file and PAM are read at each login), so it is logged and ignored.
     */
    for (;;) {
        r = sigwait(&mask, &sig);
        if (r == EINTR)
            continue;
        if (sig != SIGHUP)
            break;
        xapi_log(&cfg.log, LOG_NOTICE, "SIGHUP: nothing to reload (the "
                 "users file and PAM are read at each login); still "
                 "serving");
    }
    xapi_log(&cfg.log, LOG_NOTICE, "stopping on signal %d", sig);
    r = 0;
out:
    srv = xapi_server_stop(srv);
    xapi_stop_tasks(api);
    if (teardown)
        teardown(api, userdata);
    api = xapi_free(api);
    xmlCleanupParser();
    if (o->use_syslog)
        closelog();
    return r;
}
