/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library context: host root, last error and logging.
 *
 * Error convention of the whole library: every function that can fail
 * returns an int, >= 0 on success and a negative errno on failure.  The
 * failing function also records one line of context in its sriov_ctx,
 * read with sriov_ctx_last_error().  Outputs are never written on failure.
 * The library never exits, never prints and never reads the environment.
 */
#ifndef SRIOV_CTX_H
#define SRIOV_CTX_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define SRIOV_EXPORT __attribute__((visibility("default")))
#else
#define SRIOV_EXPORT
#endif

/** Opaque library context.  Not thread-safe: use one per thread. */
typedef struct sriov_ctx sriov_ctx;

/** Log levels, as syslog's. */
enum sriov_log_level {
    SRIOV_LOG_ERR = 3,
    SRIOV_LOG_WARNING = 4,
    SRIOV_LOG_INFO = 6,
    SRIOV_LOG_DEBUG = 7
};

/**
 * Log callback.
 * @param userdata  as given to sriov_ctx_set_log_fn()
 * @param level     one of enum sriov_log_level
 * @param file      source file, @p line and @p func: where it was logged
 * @param msg       one line, without a trailing newline
 */
typedef void (*sriov_log_fn)(void *userdata, int level, const char *file,
                             int line, const char *func, const char *msg);

/**
 * Create a context with the host root "/" and no logger.
 * @param[out] ret  the new context, freed with sriov_ctx_free()
 * @return 0, or -ENOMEM
 */
SRIOV_EXPORT int sriov_ctx_new(sriov_ctx **ret);

/** Free a context.  Accepts NULL; returns NULL. */
SRIOV_EXPORT sriov_ctx *sriov_ctx_free(sriov_ctx *ctx);

/**
 * Set the host root prefixed to every host path the library touches
 * ($root/sys, $root/etc/modprobe.d, $root/var/lib/xen-sriov).  Programs pass
 * the value of $SRIOV_ROOT here.  NULL or "" means "/".
 * @return 0, -EINVAL if @p root is not an absolute path, -ENOMEM
 */
SRIOV_EXPORT int sriov_ctx_set_root(sriov_ctx *ctx, const char *root);

/** The host root, "/" by default.  Borrowed from @p ctx. */
SRIOV_EXPORT const char *sriov_ctx_get_root(const sriov_ctx *ctx);

/**
 * The one-line message recorded by the last failing call on @p ctx, or ""
 * when none failed yet.  Borrowed; valid until the next call on @p ctx.
 */
SRIOV_EXPORT const char *sriov_ctx_last_error(const sriov_ctx *ctx);

/** The negative errno of the last failing call on @p ctx, or 0. */
SRIOV_EXPORT int sriov_ctx_last_errno(const sriov_ctx *ctx);

/**
 * Install a log callback.  Messages above @p max_level are not formatted.
 * The library logs at SRIOV_LOG_DEBUG only (each sysfs read and write);
 * errors travel by return value.  @p fn NULL turns logging off.
 */
SRIOV_EXPORT void sriov_ctx_set_log_fn(sriov_ctx *ctx, sriov_log_fn fn,
                                       void *userdata, int max_level);

#ifdef __cplusplus
}
#endif

#endif
