/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the endpoint's messages go: the program installs a callback
 * (stderr or syslog); the library parts never print themselves.
 */
#ifndef XEN_SRIOV_API_LOG_H
#define XEN_SRIOV_API_LOG_H

#include <stddef.h>
#include <syslog.h>

#include "libsriov/macro.h"

/* priority is syslog's (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, ...). */
typedef void (*xapi_log_fn)(void *userdata, int priority, const char *msg);

struct xapi_logger {
    xapi_log_fn fn;                /* NULL: messages are dropped */
    void *userdata;
};

/*
 * in with every control character (C0, DEL: newline, carriage return, ANSI
 * escapes) written as \xNN, cut to fit size; the length written.
 */
size_t xapi_log_escape(char *out, size_t size, const char *in);

/* Format one line, escape it (xapi_log_escape) and hand it to the logger. */
void xapi_log(const struct xapi_logger *l, int priority, const char *fmt,
              ...) _printf_(3, 4);

#endif
