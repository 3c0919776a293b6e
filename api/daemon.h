/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The endpoint as a program: command line, logging, signals.  The small
 * main of xen-sriov-api calls these; xen-sriovd (which also watches
 * domains) embeds the same two calls and registers its classes in setup.
 */
#ifndef XEN_SRIOV_API_DAEMON_H
#define XEN_SRIOV_API_DAEMON_H

#include <stdbool.h>

#include "api/api.h"
#include "api/http.h"

struct xapi_daemon_options {
    struct xapi_config api;
    struct xapi_server_options server;
    char *socket_path;             /* owned; default under $SRIOV_ROOT */
    bool no_socket;                /* --no-socket: TCP only */
    bool use_syslog;
};

/*
 * Parse argv.  Returns 0 to go on, 1 when done (--help, --version,
 * --hash-password did their job), or a negative errno after printing one
 * line on stderr saying what is wrong.  root is $SRIOV_ROOT (may be NULL),
 * which prefixes the default socket path.
 */
int xapi_daemon_parse(int argc, char **argv, const char *root,
                      struct xapi_daemon_options *ret);

void xapi_daemon_options_dispose(struct xapi_daemon_options *o);

/*
 * Is @p arg one of xapi_daemon_parse()'s options (but --help and
 * --version)?  1 when it takes its value as the next word, 0 when it
 * takes none or has it (--name=value), -1 when it is not one.  For
 * xen-sriovd, which hands these over to the endpoint.
 */
int xapi_daemon_option(const char *arg);

/*
 * Serve until SIGTERM or SIGINT.  setup (may be NULL) runs after the
 * endpoint exists and before it listens: register classes and methods
 * there.  teardown (may be NULL) runs once the endpoint has stopped
 * serving and before it is freed (also when setup failed): stop feeds
 * that call xapi_notify() there.  Returns 0 or a negative errno (already
 * logged).
 */
int xapi_daemon_run(const struct xapi_daemon_options *o,
                    int (*setup)(struct xapi *api, void *userdata),
                    void (*teardown)(struct xapi *api, void *userdata),
                    void *userdata);

#endif
