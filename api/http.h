/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The endpoint over HTTP/1.1 (libmicrohttpd): POST /jsonrpc... is JSON-RPC,
 * every other POST path (/, /RPC2, /xmlrpc, /json) XML-RPC, as XAPI routes
 * them.  Replies have Content-Length and the exact content types clients
 * check ("text/xml", "application/json"); connections are kept alive.  Each
 * connection has its own thread, so an event.from waiting for changes never
 * holds up other requests.  Bodies over max_body get 413, other methods
 * than POST 405.
 *
 * Bounds against clients that hold connections: a connection must send
 * the headers of its first request within header_timeout seconds, then
 * may idle connection_timeout seconds; one TCP address holds at most
 * max_per_address connections; a body over max_body (with or without
 * Content-Length, chunked too) stops being read at once.  The unix socket
 * is served by its own threads, whatever TCP clients do.  With TLS only
 * tls_priorities is offered; a key file others may read is refused;
 * cleartext HTTP on a non-loopback address logs a warning.
 */
#ifndef XEN_SRIOV_API_HTTP_H
#define XEN_SRIOV_API_HTTP_H

#include <stddef.h>

#include "api/api.h"

struct xapi_server_options {
    const char *unix_path;         /* unix socket (mode 0600), or NULL */
    const char *listen;            /* TCP "ADDR:PORT", or NULL */
    const char *tls_cert;          /* PEM files: HTTPS on the TCP listener */
    const char *tls_key;
    size_t max_body;               /* bytes; 0: 1 MiB */
    unsigned max_connections;      /* per listener; 0: 256 */
    unsigned connection_timeout;   /* idle seconds; 0: 300 */
    unsigned header_timeout;       /* seconds to send the first request's
                                      headers; 0: 10 */
    unsigned max_per_address;      /* TCP connections of one client
                                      address; 0: 16 */
    const char *tls_priorities;    /* GnuTLS priority string; NULL:
                                      XAPI_TLS_PRIORITIES */
};

/* TLS 1.2 and 1.3, ECDHE and AEAD ciphers only (no CBC, no SHA-1 MACs). */
#define XAPI_TLS_PRIORITIES \
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:" \
    "+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-RSA:" \
    "+ECDHE-ECDSA:%SERVER_PRECEDENCE"

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
