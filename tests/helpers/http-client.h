/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A minimal HTTP/1.1 client for tests and the load test: one keep-alive
 * connection over a unix socket or TCP, POST with Content-Length, replies
 * read by Content-Length.  Not a general client: no chunked replies.
 */
#ifndef XEN_SRIOV_TESTS_HTTP_CLIENT_H
#define XEN_SRIOV_TESTS_HTTP_CLIENT_H

#include <stddef.h>

struct http_reply {
    int status;
    char content_type[64];
    char connection[32];           /* "close" or "" */
    char *body;                    /* NUL-terminated; caller frees */
    size_t len;
};

/* Connect to a unix socket path, or to "HOST:PORT" when port > 0. */
int http_connect_unix(const char *path);
int http_connect_tcp(const char *host, int port);

/*
 * Send one request (method "POST" with body, or e.g. "GET" without) and
 * read the reply.  extra_headers is "" or lines ending in "\r\n".
 * Returns 0 or a negative errno (-EPROTO for a reply it cannot parse).
 */
int http_request(int fd, const char *method, const char *path,
                 const char *extra_headers, const char *body, size_t len,
                 struct http_reply *ret);

/* Read one reply (after writing a request by hand). */
int http_read_reply(int fd, struct http_reply *ret);

void http_reply_dispose(struct http_reply *r);

/* Golden exchanges: every `from` in *s replaced by `to` (*s is
 * reallocated).  0, or -ENOMEM with *s unchanged. */
int http_replace_all(char **s, const char *from, const char *to);

/* A golden file, NUL-terminated (caller frees; *len its size when len is
 * not NULL), or NULL when it cannot be read. */
char *http_read_file(const char *path, size_t *len);

#endif
