/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Listening sockets: a root-only unix socket, and TCP on request. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "libsriov/macro.h"
#include "api/listen.h"

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

/* mkdir -p for the parent directories of path. */
static int mkdir_parents(const char *path)
{
    _cleanup_free_ char *p = strdup(path);
    char *s;

    if (!p)
        return -ENOMEM;
    for (s = p + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST)
            return negative_errno();
        *s = '/';
    }
    return 0;
}

static int fill_sun(struct sockaddr_un *sun, const char *path)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sun->sun_path))
        return -ENAMETOOLONG;
    strcpy(sun->sun_path, path);
    return 0;
}

/* Is someone listening on path? */
static bool socket_alive(const char *path)
{
    struct sockaddr_un sun;
    int fd, r;

    if (fill_sun(&sun, path) < 0)
        return false;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
    close(fd);
    return r == 0;
}

int xapi_listen_unix(const char *path, int *ret_fd, char **ret_error)
{
    _cleanup_free_ char *dir = NULL, *tmpdir = NULL, *tmpsock = NULL;
    _cleanup_close_ int fd = -1;
    struct sockaddr_un sun;
    struct stat st;
    int r;

    *ret_error = NULL;
    if (!path || path[0] != '/')
        return fail(ret_error, -EINVAL, "unix socket path '%s' must be "
                    "absolute", path ? path : "");
    r = mkdir_parents(path);
    if (r < 0)
        return fail(ret_error, r, "cannot make the directories of '%s': "
                    "%s", path, strerror(-r));
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return fail(ret_error, -EEXIST, "'%s' exists and is not a "
                        "socket; remove it", path);
        if (socket_alive(path))
            return fail(ret_error, -EADDRINUSE, "another server listens "
                        "on '%s'; stop it first", path);
    }
    dir = strdup(path);
    if (!dir)
        return -ENOMEM;
    if (asprintf(&tmpdir, "%s/.xapi-XXXXXX", dirname(dir)) < 0) {
        tmpdir = NULL;
        return -ENOMEM;
    }
    if (!mkdtemp(tmpdir))
        return fail(ret_error, negative_errno(), "cannot make a directory "
                    "next to '%s': %m", path);
    if (asprintf(&tmpsock, "%s/s", tmpdir) < 0) {
        tmpsock = NULL;
        rmdir(tmpdir);
        return -ENOMEM;
    }
    r = fill_sun(&sun, tmpsock);
    if (r == 0) {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
            chmod(tmpsock, 0600) < 0 || listen(fd, 128) < 0 ||
            rename(tmpsock, path) < 0)
            r = negative_errno();
    }
    if (r < 0) {
        unlink(tmpsock);
        rmdir(tmpdir);
        return fail(ret_error, r, "cannot listen on '%s': %s", path,
                    strerror(-r));
    }
    rmdir(tmpdir);
    *ret_fd = TAKE_FD(fd);
    return 0;
}

/* Split "ADDR:PORT" / "[ADDR]:PORT" into host and port. */
static int split_spec(const char *spec, char **ret_host, char **ret_port)
{
    const char *colon, *host = spec;
    size_t hlen;

    if (spec[0] == '[') {
        const char *close_br = strchr(spec, ']');

        if (!close_br || close_br[1] != ':')
            return -EINVAL;
        host = spec + 1;
        hlen = (size_t)(close_br - host);
        colon = close_br + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon || strchr(spec, ':') != colon)
            return -EINVAL;
        hlen = (size_t)(colon - spec);
    }
    if (hlen == 0 || !colon[1] || strspn(colon + 1, "0123456789") !=
        strlen(colon + 1) || atoi(colon + 1) > 65535)
        return -EINVAL;
    *ret_host = strndup(host, hlen);
    *ret_port = strdup(colon + 1);
    if (!*ret_host || !*ret_port) {
        free(*ret_host);
        free(*ret_port);
        return -ENOMEM;
    }
    return 0;
}

int xapi_listen_tcp(const char *spec, int *ret_fd, int *ret_port,
                    char **ret_error)
{
    _cleanup_free_ char *host = NULL, *port = NULL;
    struct addrinfo hints = { 0 }, *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int fd, one = 1, r;

    *ret_error = NULL;
    r = spec ? split_spec(spec, &host, &port) : -EINVAL;
    if (r == -ENOMEM)
        return r;
    if (r < 0)
        return fail(ret_error, r, "--listen '%s' is not ADDR:PORT (e.g. "
                    "127.0.0.1:8080 or [::1]:8080)", spec ? spec : "");
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    r = getaddrinfo(host, port, &hints, &ai);
    if (r != 0)
        return fail(ret_error, -EADDRNOTAVAIL, "--listen '%s': cannot "
                    "resolve '%s': %s", spec, host, gai_strerror(r));
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        r = negative_errno();
        freeaddrinfo(ai);
        return fail(ret_error, r, "socket: %s", strerror(-r));
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
        r = negative_errno();
        close(fd);
        freeaddrinfo(ai);
        return fail(ret_error, r, "cannot listen on '%s': %s", spec,
                    strerror(-r));
    }
    freeaddrinfo(ai);
    *ret_port = ntohs(ss.ss_family == AF_INET6
                          ? ((struct sockaddr_in6 *)&ss)->sin6_port
                          : ((struct sockaddr_in *)&ss)->sin_port);
    *ret_fd = fd;
    return 0;
}
