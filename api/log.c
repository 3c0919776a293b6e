/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Format a log line and pass it to the program's callback. */
#include <stdarg.h>
#include <stdio.h>

#include "api/log.h"

size_t xapi_log_escape(char *out, size_t size, const char *in)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;

    if (!size)
        return 0;
    for (; *in; in++) {
        unsigned char c = (unsigned char)*in;

        if (c >= 0x20 && c != 0x7f) {
            if (n + 1 >= size)
                break;
            out[n++] = (char)c;
            continue;
        }
        if (n + 4 >= size)
            break;
        out[n++] = '\\';
        out[n++] = 'x';
        out[n++] = hex[c >> 4];
        out[n++] = hex[c & 15];
    }
    out[n] = '\0';
    return n;
}

void xapi_log(const struct xapi_logger *l, int priority, const char *fmt,
              ...)
{
    char line[1024], safe[1024];
    va_list ap;

    if (!l || !l->fn)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* Names from clients (user, name_label...) cannot forge lines. */
    xapi_log_escape(safe, sizeof(safe), line);
    l->fn(l->userdata, priority, safe);
}
