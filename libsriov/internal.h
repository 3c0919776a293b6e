/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsriov internals shared between its files (sriov__ prefix).
 *
 * Design notes
 * - All state lives in sriov_ctx; there are no globals.
 * - Errors: negative errno.  A failing function records one line of context
 *   with sriov__fail() (which returns the errno it was given), and callers
 *   propagate both unchanged.
 * - Only sysfs.c joins the host root and a host path; everything else asks
 *   it for paths (the testable-root rule of STYLE.md).
 * - The library logs at debug only (each sysfs read and write, with path and
 *   value), through the callback the program installed.
 */
#ifndef SRIOV_INTERNAL_H
#define SRIOV_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sriov/sriov.h>

#include "libsriov/macro.h"

#define SRIOV_ERROR_MAX 512

struct sriov_ctx {
    char *root;                    /* host root, no trailing slash; "" = / */
    char last_error[SRIOV_ERROR_MAX];
    int last_errno;
    sriov_log_fn log_fn;
    void *log_userdata;
    int log_max_level;
    struct pci_access *pacc;       /* libpci, created on first name lookup */
};

/* Record "message: strerror" style context and return r (< 0). */
_hidden_ int sriov__fail(sriov_ctx *ctx, int r, const char *fmt, ...)
    _printf_(3, 4);
_hidden_ int sriov__failv(sriov_ctx *ctx, int r, const char *fmt, va_list ap);
_hidden_ void sriov__clear_error(sriov_ctx *ctx);

_hidden_ void sriov__log(sriov_ctx *ctx, int level, const char *file, int line,
                         const char *func, const char *fmt, ...)
    _printf_(6, 7);
#define sriov__log_debug(ctx, ...) \
    sriov__log((ctx), SRIOV_LOG_DEBUG, __FILE__, __LINE__, __func__, __VA_ARGS__)

/* sysfs.c: host paths. */

/*
 * Build "<root>/<relative>" where relative is printf-formatted and has no
 * leading slash (e.g. "sys/bus/pci/devices/%s").  Caller frees *ret.
 */
_hidden_ int sriov__host_path(sriov_ctx *ctx, char **ret, const char *fmt, ...)
    _printf_(3, 4);

/* Path of a PCI device attribute: <root>/sys/bus/pci/devices/<bdf>/<attr>. */
_hidden_ int sriov__sysfs_dev_path(sriov_ctx *ctx, const char *bdf,
                                   const char *attr, char **ret);

/* Read a sysfs attribute of a PCI device, trailing newline stripped. */
_hidden_ int sriov__sysfs_read_string(sriov_ctx *ctx, const char *bdf,
                                      const char *attr, char **ret);
/* Read an unsigned decimal (or 0x-prefixed hex) attribute. */
_hidden_ int sriov__sysfs_read_uint(sriov_ctx *ctx, const char *bdf,
                                    const char *attr, unsigned *ret);
/* Basename of the target of a symlink attribute (driver, physfn, ...). */
_hidden_ int sriov__sysfs_read_link(sriov_ctx *ctx, const char *bdf,
                                    const char *attr, char **ret);
/* Write one value to a sysfs attribute: open, one write(), close. */
_hidden_ int sriov__sysfs_write_string(sriov_ctx *ctx, const char *bdf,
                                       const char *attr, const char *value);
_hidden_ int sriov__sysfs_write_uint(sriov_ctx *ctx, const char *bdf,
                                     const char *attr, unsigned value);

/* Generic file helpers on absolute paths built by sriov__host_path(). */
_hidden_ int sriov__read_file(sriov_ctx *ctx, const char *path, char **ret);
_hidden_ int sriov__write_file(sriov_ctx *ctx, const char *path,
                               const char *value);

/* True if s is a PCI address "dddd:bb:dd.f" (lowercase hex, as sysfs). */
_hidden_ bool sriov__bdf_valid(const char *s);

#endif
