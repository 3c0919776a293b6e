/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Format a log line and pass it to the program's callback. */
#include <stdarg.h>
#include <stdio.h>

#include "xe-ext/api/log.h"

void xapi_log(const struct xapi_logger *l, int priority, const char *fmt,
              ...)
{
    char line[1024];
    va_list ap;

    if (!l || !l->fn)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    l->fn(l->userdata, priority, line);
}
