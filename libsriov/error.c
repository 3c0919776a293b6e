/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Recording the last error of a context, and debug logging. */
#include <stdio.h>
#include <string.h>

#include "libsriov/internal.h"

int sriov__failv(sriov_ctx *ctx, int r, const char *fmt, va_list ap)
{
    if (!ctx)
        return r;
    vsnprintf(ctx->last_error, sizeof(ctx->last_error), fmt, ap);
    ctx->last_errno = r;
    sriov__log(ctx, SRIOV_LOG_DEBUG, __FILE__, __LINE__, __func__,
               "error: %s", ctx->last_error);
    return r;
}

int sriov__fail(sriov_ctx *ctx, int r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    r = sriov__failv(ctx, r, fmt, ap);
    va_end(ap);
    return r;
}

void sriov__clear_error(sriov_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->last_error[0] = '\0';
    ctx->last_errno = 0;
}

void sriov__log(sriov_ctx *ctx, int level, const char *file, int line,
                const char *func, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (!ctx || !ctx->log_fn || level > ctx->log_max_level)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ctx->log_fn(ctx->log_userdata, level, file, line, func, msg);
}
