/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Listening sockets for the endpoint, made here and handed to
 * libmicrohttpd: a unix socket only root can use, and TCP on request.
 */
#ifndef XEN_SRIOV_API_LISTEN_H
#define XEN_SRIOV_API_LISTEN_H

/*
 * Listen on the unix socket path, mode 0600: it is bound in a private
 * directory and renamed into place, so it is never reachable with looser
 * permissions.  Missing parent directories are made (0755).  A stale
 * socket (nobody listening) is replaced; a live one gives -EADDRINUSE.
 * *ret_error (caller frees) says what to do on failure.
 */
int xapi_listen_unix(const char *path, int *ret_fd, char **ret_error);

/*
 * Listen on TCP "ADDR:PORT" ("[ADDR]:PORT" for IPv6; PORT 0 picks one).
 * *ret_port gets the bound port.
 */
int xapi_listen_tcp(const char *spec, int *ret_fd, int *ret_port,
                    char **ret_error);

#endif
