/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* XenAPI error values shared by the xe front end and the XenAPI endpoint. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/xapi-error.h"

void xapi_error_clear(struct xapi_error *err)
{
    size_t i;

    if (!err)
        return;
    free(err->code);
    for (i = 0; i < err->n_params; i++)
        free(err->params[i]);
    memset(err, 0, sizeof(*err));
}

static int set_oom(struct xapi_error *err, int r)
{
    xapi_error_clear(err);
    /* A static copy would be freed later: use a heap one, or nothing. */
    err->code = strdup("INTERNAL_ERROR");
    err->errno_value = r;
    return r;
}

int xapi_error_set(struct xapi_error *err, int r, const char *code, ...)
{
    const char *p;
    va_list ap;

    if (!err)
        return r;
    xapi_error_clear(err);
    err->code = strdup(code);
    if (!err->code)
        return set_oom(err, r);
    va_start(ap, code);
    while ((p = va_arg(ap, const char *)) != NULL &&
           err->n_params < XAPI_ERROR_MAX_PARAMS) {
        err->params[err->n_params] = strdup(p);
        if (!err->params[err->n_params]) {
            va_end(ap);
            return set_oom(err, r);
        }
        err->n_params++;
    }
    va_end(ap);
    err->errno_value = r;
    return r;
}

static int vsetf(struct xapi_error *err, int r, const char *code,
                 const char *fmt, va_list ap)
{
    char *msg = NULL;

    if (vasprintf(&msg, fmt, ap) < 0)
        return set_oom(err, r);
    r = xapi_error_set(err, r, code, msg, NULL);
    free(msg);
    return r;
}

int xapi_error_setf(struct xapi_error *err, int r, const char *code,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    r = vsetf(err, r, code, fmt, ap);
    va_end(ap);
    return r;
}

int xapi_error_internal(struct xapi_error *err, int r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    r = vsetf(err, r, "INTERNAL_ERROR", fmt, ap);
    va_end(ap);
    return r;
}
