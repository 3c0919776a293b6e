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

/* For _cleanup_host_ (the scans that read one PF and drop the host). */
static inline void host_freep(sriov_host **h)
{
    sriov_host_free(*h);
}
#define _cleanup_host_ _cleanup_(host_freep)

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

/* True if the device (attr NULL) or its attribute exists. */
_hidden_ bool sriov__sysfs_exists(sriov_ctx *ctx, const char *bdf,
                                  const char *attr);
/* Names in a device's subdirectory (e.g. "net"), sorted, no dot entries;
 * a NULL-terminated array freed with strv_free(). */
_hidden_ int sriov__sysfs_list(sriov_ctx *ctx, const char *bdf,
                               const char *subdir, char ***ret);

/* Generic file helpers on absolute paths built by sriov__host_path(). */
_hidden_ int sriov__read_file(sriov_ctx *ctx, const char *path, char **ret);
_hidden_ int sriov__write_file(sriov_ctx *ctx, const char *path,
                               const char *value);

/*
 * Directory-relative I/O, for the scan: a directory is opened once under the
 * host root and its entries are read with openat/readlinkat/getdents, which
 * keeps path lookups and syscalls per device low.  @dirpath only names the
 * directory in debug logs.  These helpers are quiet: they return -errno
 * without recording an error, because the scan treats ENOENT as "absent"
 * or "vanished"; callers record what matters.
 */
/* Open <root>/<rel> as a directory (records the error). */
_hidden_ int sriov__dir_open(sriov_ctx *ctx, const char *rel, int *ret_fd,
                             char **ret_path);
/* Open the directory @name below @dirfd ("." for a new fd on @dirfd). */
_hidden_ int sriov__dir_openat(sriov_ctx *ctx, int dirfd, const char *dirpath,
                               const char *name, int *ret_fd);
/* Read an attribute into @buf (NUL-terminated, trailing newline and
 * blanks stripped); returns its length. */
/* Open <root>/sys/class/net/<ifname> (-EINVAL for a name the kernel
 * would not give: empty, '/', '.', '..', longer than IFNAMSIZ - 1). */
_hidden_ int sriov__net_dir_open(sriov_ctx *ctx, const char *ifname,
                                 int *ret_fd, char **ret_path);
_hidden_ int sriov__read_at(sriov_ctx *ctx, int dirfd, const char *dirpath,
                            const char *name, char *buf, size_t size);
/* sriov__read_at(), its failure said with sriov__fail(). */
_hidden_ int sriov__read_in(sriov_ctx *ctx, int dirfd, const char *dirpath,
                            const char *name, char *buf, size_t size);
/* Read a symlink's target into @buf; returns its length. */
_hidden_ int sriov__readlink_at(sriov_ctx *ctx, int dirfd,
                                const char *dirpath, const char *name,
                                char *buf, size_t size);
/* Entry names of directory @name below @dirfd (without . and ..), as a
 * NULL-terminated array the caller frees with strv_free(). */
_hidden_ int sriov__list_at(sriov_ctx *ctx, int dirfd, const char *dirpath,
                            const char *name, char ***ret, unsigned *ret_n);
/* 1 if @name exists below @dirfd (symlinks not followed), 0 if not. */
_hidden_ int sriov__exists_at(sriov_ctx *ctx, int dirfd, const char *dirpath,
                              const char *name);

/* Parse an unsigned number as sysfs prints it ("%u", "%x", "0x%x"). */
_hidden_ int sriov__parse_uint(const char *s, int base, unsigned *ret);
/* Parse a signed decimal ("-1" for numa_node, speed...). */
_hidden_ int sriov__parse_int(const char *s, int *ret);
/* Last path component of a link target ("../../drivers/iavf" -> "iavf"). */
_hidden_ const char *sriov__basename(const char *path);

/* netlink.c: a libnl NLE_* code (either sign) as a negative errno. */
_hidden_ int sriov__nl_errno(int nle);

/* True if s is a PCI address "dddd:bb:dd.f" (lowercase hex, as sysfs). */
_hidden_ bool sriov__bdf_valid(const char *s);

#endif
