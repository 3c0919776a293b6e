/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The endpoint over HTTP/1.1 (libmicrohttpd): POST /jsonrpc... is JSON-RPC,
 * every other POST path (/, /RPC2, /xmlrpc, /json) XML-RPC, as XAPI routes
 * them.  Replies have Content-Length and the exact content types clients
 * check ("text/xml", "application/json"); connections are kept alive.  Each
 * connection has its own thread, so an event.from waiting for changes never
 * holds up other requests.  Bodies over max_body get 413, other methods
 * than POST 405.
 */
#ifndef XEN_SRIOV_API_HTTP_H
#define XEN_SRIOV_API_HTTP_H

#include <stddef.h>

#include "xe-ext/api/api.h"

struct xapi_server_options {
    const char *unix_path;         /* unix socket (mode 0600), or NULL */
    const char *listen;            /* TCP "ADDR:PORT", or NULL */
    const char *tls_cert;          /* PEM files: HTTPS on the TCP listener */
    const char *tls_key;
    size_t max_body;               /* bytes; 0: 1 MiB */
    unsigned max_connections;      /* per listener; 0: 256 */
    unsigned connection_timeout;   /* idle seconds; 0: 300 */
};

struct xapi_server;

/*
 * Start serving api (not owned) on the listeners of opts; at least one is
 * required.  On failure *ret_error (caller frees) says what to do.
 */
int xapi_server_start(struct xapi_server **ret, struct xapi *api,
                      const struct xapi_server_options *opts,
                      char **ret_error);

/* The TCP port bound (useful with port 0), or -1 without TCP. */
int xapi_server_tcp_port(const struct xapi_server *srv);

/*
 * Stop: ends pending event.from calls (the api's event engine is shut down
 * for good), closes the listeners, waits for connection threads.  Removes
 * the unix socket.  NULL-safe; returns NULL.
 */
struct xapi_server *xapi_server_stop(struct xapi_server *srv);

#endif
