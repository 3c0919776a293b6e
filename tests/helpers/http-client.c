/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal keep-alive HTTP/1.1 client for tests and the load test. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/helpers/http-client.h"

int http_connect_unix(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sun.sun_path))
        return -ENAMETOOLONG;
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        int r = -errno;

        close(fd);
        return r;
    }
    return fd;
}

int http_connect_tcp(const char *host, int port)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
    char p[16];
    int fd, r;

    snprintf(p, sizeof(p), "%d", port);
    if (getaddrinfo(host, p, &hints, &ai) != 0)
        return -EADDRNOTAVAIL;
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        r = -errno;
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return r;
    }
    freeaddrinfo(ai);
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    ssize_t w;

    while (n) {
        w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? -errno : -EIO;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read until the header end; leftover body bytes stay in buf. */
int http_read_reply(int fd, struct http_reply *ret)
{
    size_t cap = 8192, len = 0, clen = 0, hlen;
    char *buf = malloc(cap), *end, *line, *next;
    ssize_t n;

    if (!buf)
        return -ENOMEM;
    for (;;) {
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
        if (end)
            break;
        if (len + 1 >= cap) {
            free(buf);
            return -EPROTO;
        }
        n = read(fd, buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            free(buf);
            return n < 0 ? -errno : -ECONNRESET;
        }
        len += (size_t)n;
    }
    hlen = (size_t)(end - buf) + 4;
    *end = '\0';
    memset(ret, 0, sizeof(*ret));
    if (sscanf(buf, "HTTP/1.%*d %d", &ret->status) != 1) {
        free(buf);
        return -EPROTO;
    }
    for (line = strstr(buf, "\r\n"); line; line = next) {
        line += 2;
        next = strstr(line, "\r\n");
        if (next)
            *next = '\0';
        if (strncasecmp(line, "Content-Length:", 15) == 0)
            clen = strtoul(line + 15, NULL, 10);
        else if (strncasecmp(line, "Content-Type:", 13) == 0)
            snprintf(ret->content_type, sizeof(ret->content_type), "%s",
                     line + 13 + strspn(line + 13, " "));
        else if (strncasecmp(line, "Connection:", 11) == 0)
            snprintf(ret->connection, sizeof(ret->connection), "%s",
                     line + 11 + strspn(line + 11, " "));
    }
    ret->body = malloc(clen + 1);
    if (!ret->body) {
        free(buf);
        return -ENOMEM;
    }
    ret->len = len - hlen < clen ? len - hlen : clen;
    memcpy(ret->body, buf + hlen, ret->len);
    free(buf);
    while (ret->len < clen) {
        n = read(fd, ret->body + ret->len, clen - ret->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            http_reply_dispose(ret);
            return n < 0 ? -errno : -ECONNRESET;
        }
        ret->len += (size_t)n;
    }
    ret->body[ret->len] = '\0';
    return 0;
}

int http_request(int fd, const char *method, const char *path,
                 const char *extra_headers, const char *body, size_t len,
                 struct http_reply *ret)
{
    char head[1024];
    int n, r;

    n = snprintf(head, sizeof(head),
                 "%s %s HTTP/1.1\r\nHost: localhost\r\n"
                 "Connection: keep-alive\r\n%s"
                 "Content-Length: %zu\r\n\r\n",
                 method, path, extra_headers ? extra_headers : "",
                 body ? len : 0);
    if (n < 0 || (size_t)n >= sizeof(head))
        return -EINVAL;
    r = write_all(fd, head, (size_t)n);
    if (r == 0 && body && len)
        r = write_all(fd, body, len);
    /* A server that refuses the body (413) answers and closes before it
     * has read it all: its reply is still there to read, as curl does. */
    if (r < 0 && r != -EPIPE && r != -ECONNRESET)
        return r;
    return http_read_reply(fd, ret);
}

void http_reply_dispose(struct http_reply *r)
{
    free(r->body);
    memset(r, 0, sizeof(*r));
}

int http_replace_all(char **s, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), n = 0;
    char *p, *out, *o;

    for (p = *s; fl && (p = strstr(p, from)); p += fl)
        n++;
    if (!n)
        return 0;
    out = malloc(strlen(*s) + n * tl + 1);
    if (!out)
        return -ENOMEM;
    for (o = out, p = *s;;) {
        char *hit = strstr(p, from);

        if (!hit) {
            strcpy(o, p);
            break;
        }
        memcpy(o, p, (size_t)(hit - p));
        o += hit - p;
        memcpy(o, to, tl);
        o += tl;
        p = hit + fl;
    }
    free(*s);
    *s = out;
    return 0;
}

char *http_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "re");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0) {
        rewind(f);
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        if (buf) {
            buf[n] = '\0';
            if (len)
                *len = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}
