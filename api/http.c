/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* HTTP/1.1 transport of the endpoint on libmicrohttpd. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <microhttpd.h>

#include "libsriov/macro.h"
#include "api/http.h"
#include "api/listen.h"

/* 413 under its RFC 9110 name (MHD renamed the constant in 0.9.74). */
#define HTTP_CONTENT_TOO_LARGE 413

struct xapi_server {
    struct xapi *api;
    struct xapi_server_options o;
    struct MHD_Daemon *unix_daemon;
    struct MHD_Daemon *tcp_daemon;
    char *unix_path;
    int tcp_port;
    char *cert, *key;              /* PEM, kept while the daemon runs */
};

struct request {
    char *body;
    size_t len, cap;
    bool too_big;
    bool json;
    char client[80];
};

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct xapi_server *srv = cls;
    char line[512];
    size_t n;

    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    xapi_log(xapi_get_logger(srv->api), LOG_WARNING, "http: %s", line);
}

/* "127.0.0.1", "::1" or "unix:uid=0": the peer, for logs and rate limits. */
static void client_name(struct MHD_Connection *c, char *buf, size_t size)
{
    const union MHD_ConnectionInfo *ci;
    const struct sockaddr *sa;
    char host[NI_MAXHOST];

    snprintf(buf, size, "unknown");
    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    sa = ci ? ci->client_addr : NULL;
    if (sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)) {
        socklen_t len = sa->sa_family == AF_INET
                            ? sizeof(struct sockaddr_in)
                            : sizeof(struct sockaddr_in6);

        if (getnameinfo(sa, len, host, sizeof(host), NULL, 0,
                        NI_NUMERICHOST) == 0)
            snprintf(buf, size, "%.63s", host);
        return;
    }
    ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci) {
        struct ucred cred;
        socklen_t cl = sizeof(cred);

        if (getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED, &cred,
                       &cl) == 0)
            snprintf(buf, size, "unix:uid=%u", (unsigned)cred.uid);
        else
            snprintf(buf, size, "unix");
    }
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
                             const char *content_type, char *body,
                             size_t len, const char *allow)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                content_type) != MHD_YES ||
        (allow && MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
                                          allow) != MHD_YES)) {
        MHD_destroy_response(resp);
        return MHD_NO;
    }
    ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status,
                                  const char *allow, const char *fmt, ...)
    _printf_(4, 5);
static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status,
                                  const char *allow, const char *fmt, ...)
{
    va_list ap;
    char *body;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&body, fmt, ap);
    va_end(ap);
    if (n < 0)
        return MHD_NO;
    return reply(c, status, "text/plain", body, (size_t)n, allow);
}

static int append(struct request *rq, const char *data, size_t n,
                  size_t max)
{
    char *nb;
    size_t ncap;

    if (rq->too_big || rq->len + n > max) {
        rq->too_big = true;
        return 0;
    }
    if (rq->len + n + 1 > rq->cap) {
        ncap = rq->cap ? rq->cap : 4096;
        while (ncap < rq->len + n + 1)
            ncap *= 2;
        nb = realloc(rq->body, ncap);
        if (!nb)
            return -ENOMEM;
        rq->body = nb;
        rq->cap = ncap;
    }
    memcpy(rq->body + rq->len, data, n);
    rq->len += n;
    rq->body[rq->len] = '\0';
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct xapi_server *srv = cls;
    struct request *rq = *con_cls;
    struct xapi_reply out;
    const char *cl;
    int r;

    if (!rq) {
        /* Headers are in: decide what we can before the body arrives. */
        if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
            return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST",
                              "%s is not supported: send XenAPI calls as "
                              "POST (XML-RPC to /, JSON-RPC to /jsonrpc)\n",
                              method);
        cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > srv->o.max_body)
            return reply_text(c, HTTP_CONTENT_TOO_LARGE, NULL,
                              "request body of %s bytes is over the limit "
                              "of %zu bytes\n", cl, srv->o.max_body);
        rq = calloc(1, sizeof(*rq));
        if (!rq)
            return MHD_NO;
        /* Headers done in time: from now on the idle timeout applies. */
        MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
                                  srv->o.connection_timeout);
        /* XAPI routes by path prefix: /jsonrpc... is JSON-RPC. */
        rq->json = strncmp(url, "/jsonrpc", 8) == 0;
        client_name(c, rq->client, sizeof(rq->client));
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (append(rq, upload_data, *upload_data_size, srv->o.max_body) < 0)
            return MHD_NO;
        *upload_data_size = 0;
        if (!rq->too_big)
            return MHD_YES;
        /*
         * Over the limit (a chunked body has no Content-Length to refuse
         * up front): stop reading now.  413 if MHD takes a reply before
         * the body ended, else the connection closes; either way it does.
         */
        xapi_log(xapi_get_logger(srv->api), LOG_NOTICE, "request body from "
                 "%s is over the limit of %zu bytes: closing", rq->client,
                 srv->o.max_body);
        if (reply_text(c, HTTP_CONTENT_TOO_LARGE, NULL, "request body is "
                       "over the limit of %zu bytes\n", srv->o.max_body) !=
            MHD_YES)
            return MHD_NO;
        return MHD_YES;
    }
    if (rq->too_big)
        return reply_text(c, HTTP_CONTENT_TOO_LARGE, NULL,
                          "request body is over the limit of %zu bytes\n",
                          srv->o.max_body);
    if (rq->json)
        r = xapi_handle_jsonrpc(srv->api, rq->body ? rq->body : "", rq->len,
                                rq->client, &out);
    else
        r = xapi_handle_xmlrpc(srv->api, rq->body ? rq->body : "", rq->len,
                               rq->client, &out);
    if (r < 0)
        return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL,
                          "out of memory\n");
    return reply(c, out.status, out.content_type, out.body, out.len, NULL);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct request *rq = *con_cls;

    if (rq) {
        free(rq->body);
        free(rq);
        *con_cls = NULL;
    }
}

static int read_pem(const char *path, bool secret, char **ret,
                    char **ret_error)
{
    _cleanup_close_ int fd = -1;
    struct stat st;
    char *buf;
    ssize_t n;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) < 0) {
        int r = negative_errno();

        if (asprintf(ret_error, "cannot read '%s': %s", path,
                     strerror(-r)) < 0)
            *ret_error = NULL;
        return r;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > (1 << 20)) {
        if (asprintf(ret_error, "'%s' is not a PEM file", path) < 0)
            *ret_error = NULL;
        return -EINVAL;
    }
    /* A key others may read is no secret (a group may, as ssl-cert). */
    if (secret && (st.st_mode & (S_IRWXO | S_IWGRP))) {
        if (asprintf(ret_error, "TLS key '%s' may be read or written by "
                     "others (mode %04o); refusing it: run 'chmod 600 %s'",
                     path, (unsigned)(st.st_mode & 07777), path) < 0)
            *ret_error = NULL;
        return -EPERM;
    }
    buf = calloc(1, (size_t)st.st_size + 1);
    if (!buf)
        return -ENOMEM;
    n = read(fd, buf, (size_t)st.st_size);
    if (n != st.st_size) {
        free(buf);
        if (asprintf(ret_error, "short read of '%s'", path) < 0)
            *ret_error = NULL;
        return -EIO;
    }
    *ret = buf;
    return 0;
}

static struct MHD_Daemon *start_daemon(struct xapi_server *srv, int fd,
                                       bool tcp, bool tls)
{
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                     MHD_USE_ERROR_LOG;
    /*
     * Until the headers of its first request are in, a connection has
     * header_timeout seconds (on_request then gives it the idle timeout);
     * a TCP client holds at most max_per_address connections.  The unix
     * socket has its own daemon, so TCP clients can never lock it out.
     */
    struct MHD_OptionItem ops[] = {
        { MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, srv },
        { MHD_OPTION_LISTEN_SOCKET, fd, NULL },
        { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, srv },
        { MHD_OPTION_CONNECTION_LIMIT, srv->o.max_connections, NULL },
        { MHD_OPTION_CONNECTION_TIMEOUT, srv->o.header_timeout, NULL },
        { tcp ? MHD_OPTION_PER_IP_CONNECTION_LIMIT : MHD_OPTION_END,
          srv->o.max_per_address, NULL },
        { MHD_OPTION_END, 0, NULL },
        { MHD_OPTION_END, 0, NULL },
        { MHD_OPTION_END, 0, NULL },
        { MHD_OPTION_END, 0, NULL },
    };

    if (tls) {                     /* TCP only: ops[5] is set */
        ops[6] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0,
                                          srv->key };
        ops[7] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0,
                                          srv->cert };
        ops[8] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
                                          (void *)srv->o.tls_priorities };
        flags |= MHD_USE_TLS;
    }
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
                            MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
}

static int fail(char **ret_error, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(char **ret_error, int r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(ret_error, fmt, ap) < 0)
        *ret_error = NULL;
    va_end(ap);
    return r;
}

/* Is the socket bound to a loopback address (127/8, ::1, ::ffff:127/104)? */
static bool is_loopback(int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
        return false;
    if (ss.ss_family == AF_INET)
        return (ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr) >> 24) ==
               127;
    if (ss.ss_family == AF_INET6) {
        const struct in6_addr *a = &((struct sockaddr_in6 *)&ss)->sin6_addr;

        return IN6_IS_ADDR_LOOPBACK(a) ||
               (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

static void release(struct xapi_server *srv)
{
    if (srv->unix_daemon)
        MHD_stop_daemon(srv->unix_daemon);
    if (srv->tcp_daemon)
        MHD_stop_daemon(srv->tcp_daemon);
    if (srv->unix_path)
        unlink(srv->unix_path);
    free(srv->unix_path);
    free(srv->cert);
    free(srv->key);
    free(srv);
}

int xapi_server_start(struct xapi_server **ret, struct xapi *api,
                      const struct xapi_server_options *opts,
                      char **ret_error)
{
    struct xapi_server *srv;
    int fd, r;

    *ret_error = NULL;
    if (!api || !opts || (!opts->unix_path && !opts->listen))
        return fail(ret_error, -EINVAL, "nothing to listen on: give a "
                    "unix socket path or --listen ADDR:PORT");
    if (!opts->tls_cert != !opts->tls_key)
        return fail(ret_error, -EINVAL, "--tls-cert and --tls-key go "
                    "together: give both or neither");
    if (opts->tls_cert && !opts->listen)
        return fail(ret_error, -EINVAL, "--tls-cert needs --listen: TLS is "
                    "for the TCP listener");
    srv = calloc(1, sizeof(*srv));
    if (!srv)
        return -ENOMEM;
    srv->api = api;
    srv->o = *opts;
    srv->tcp_port = -1;
    if (!srv->o.max_body)
        srv->o.max_body = 1u << 20;
    if (!srv->o.max_connections)
        srv->o.max_connections = 256;
    if (!srv->o.connection_timeout)
        srv->o.connection_timeout = 300;
    if (!srv->o.header_timeout)
        srv->o.header_timeout = 10;
    /*
     * Xen Orchestra's xen-api fetches every class's get_all_records at
     * once, each on a connection of its own (undici, no per-origin
     * limit: 18 classes here) beside its event.from; XenCenter holds up
     * to 20 (XenAdmin/Program.cs: DefaultConnectionLimit = 20).  Both
     * from one workstation fit, and one address still holds at most a
     * quarter of the listener's connections.
     */
    if (!srv->o.max_per_address)
        srv->o.max_per_address = 64;
    if (!srv->o.tls_priorities)
        srv->o.tls_priorities = XAPI_TLS_PRIORITIES;
    srv->o.unix_path = srv->o.listen = NULL;
    srv->o.tls_cert = srv->o.tls_key = NULL;

    if (opts->tls_cert &&
        ((r = read_pem(opts->tls_cert, false, &srv->cert, ret_error)) < 0 ||
         (r = read_pem(opts->tls_key, true, &srv->key, ret_error)) < 0)) {
        release(srv);
        return r;
    }
    if (opts->unix_path) {
        r = xapi_listen_unix(opts->unix_path, &fd, ret_error);
        if (r < 0) {
            release(srv);
            return r;
        }
        srv->unix_path = strdup(opts->unix_path);
        srv->unix_daemon = start_daemon(srv, fd, false, false);
        if (!srv->unix_daemon || !srv->unix_path) {
            if (!srv->unix_daemon)
                close(fd);
            release(srv);
            return fail(ret_error, -EIO, "cannot serve on '%s' (see the "
                        "http: messages above)", opts->unix_path);
        }
    }
    if (opts->listen) {
        r = xapi_listen_tcp(opts->listen, &fd, &srv->tcp_port, ret_error);
        if (r < 0) {
            release(srv);
            return r;
        }
        if (!srv->cert && !is_loopback(fd))
            xapi_log(xapi_get_logger(api), LOG_WARNING, "serving cleartext "
                     "HTTP on '%s', which is not a loopback address: "
                     "passwords and session refs cross the network "
                     "unencrypted; give --tls-cert and --tls-key",
                     opts->listen);
        srv->tcp_daemon = start_daemon(srv, fd, true, srv->cert != NULL);
        if (!srv->tcp_daemon) {
            close(fd);
            release(srv);
            return fail(ret_error, -EIO, "cannot serve on '%s'%s (see the "
                        "http: messages above)", opts->listen,
                        opts->tls_cert ? " with TLS: check the certificate, "
                                         "the key and --tls-priorities" : "");
        }
    }
    *ret = srv;
    return 0;
}

int xapi_server_tcp_port(const struct xapi_server *srv)
{
    return srv ? srv->tcp_port : -1;
}

struct xapi_server *xapi_server_stop(struct xapi_server *srv)
{
    if (!srv)
        return NULL;
    xapi_events_shutdown(xapi_get_events(srv->api));
    release(srv);
    return NULL;
}
