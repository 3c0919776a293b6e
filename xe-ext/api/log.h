/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the endpoint's messages go: the program installs a callback
 * (stderr or syslog); the library parts never print themselves.
 */
#ifndef XEN_SRIOV_API_LOG_H
#define XEN_SRIOV_API_LOG_H

#include <syslog.h>

#include "libsriov/macro.h"

/* priority is syslog's (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, ...). */
typedef void (*xapi_log_fn)(void *userdata, int priority, const char *msg);

struct xapi_logger {
    xapi_log_fn fn;                /* NULL: messages are dropped */
    void *userdata;
};

/* Format one line and hand it to the logger. */
void xapi_log(const struct xapi_logger *l, int priority, const char *fmt,
              ...) _printf_(3, 4);

#endif
