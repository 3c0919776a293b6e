/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library context: host root, last error, logger. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/deps.h"

SRIOV_EXPORT int sriov_ctx_new(sriov_ctx **ret)
{
    sriov_ctx *ctx;

    assert_return(ret, -EINVAL);

    ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return -ENOMEM;
    ctx->root = strdup("");
    if (!ctx->root) {
        free(ctx);
        return -ENOMEM;
    }
    ctx->log_max_level = SRIOV_LOG_ERR;
    *ret = ctx;
    return 0;
}

SRIOV_EXPORT sriov_ctx *sriov_ctx_free(sriov_ctx *ctx)
{
    if (!ctx)
        return NULL;
    if (ctx->pacc)
        pci_cleanup(ctx->pacc);
    free(ctx->root);
    free(ctx);
    return NULL;
}

SRIOV_EXPORT int sriov_ctx_set_root(sriov_ctx *ctx, const char *root)
{
    char *copy;
    size_t len;

    assert_return(ctx, -EINVAL);

    if (!root || !*root)
        root = "/";
    if (root[0] != '/')
        return sriov__fail(ctx, -EINVAL,
                           "host root '%s' is not an absolute path", root);
    copy = strdup(root);
    if (!copy)
        return -ENOMEM;
    /* Keep no trailing slash, so "/" becomes "" and paths join as root + "/x". */
    len = strlen(copy);
    while (len > 0 && copy[len - 1] == '/')
        copy[--len] = '\0';
    free(ctx->root);
    ctx->root = copy;
    return 0;
}

SRIOV_EXPORT const char *sriov_ctx_get_root(const sriov_ctx *ctx)
{
    assert_return(ctx, NULL);
    return ctx->root[0] ? ctx->root : "/";
}

SRIOV_EXPORT const char *sriov_ctx_last_error(const sriov_ctx *ctx)
{
    assert_return(ctx, "");
    return ctx->last_error;
}

SRIOV_EXPORT int sriov_ctx_last_errno(const sriov_ctx *ctx)
{
    assert_return(ctx, -EINVAL);
    return ctx->last_errno;
}

SRIOV_EXPORT void sriov_ctx_set_log_fn(sriov_ctx *ctx, sriov_log_fn fn,
                                       void *userdata, int max_level)
{
    if (!ctx)
        return;
    ctx->log_fn = fn;
    ctx->log_userdata = userdata;
    ctx->log_max_level = max_level;
}
