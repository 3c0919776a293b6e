/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host paths and sysfs attribute I/O.  This is the only file that joins the
 * host root with a host path: everything else asks for a path here.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libsriov/internal.h"

/* sysfs attributes are at most a page; keep room for odd files. */
#define ATTR_MAX 8192

int sriov__host_path(sriov_ctx *ctx, char **ret, const char *fmt, ...)
{
    char *rel = NULL, *path = NULL;
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&rel, fmt, ap);
    va_end(ap);
    if (r < 0)
        return -ENOMEM;
    r = asprintf(&path, "%s/%s", ctx->root, rel[0] == '/' ? rel + 1 : rel);
    free(rel);
    if (r < 0)
        return -ENOMEM;
    *ret = path;
    return 0;
}

int sriov__sysfs_dev_path(sriov_ctx *ctx, const char *bdf, const char *attr,
                          char **ret)
{
    if (attr && *attr)
        return sriov__host_path(ctx, ret, "sys/bus/pci/devices/%s/%s", bdf,
                                attr);
    return sriov__host_path(ctx, ret, "sys/bus/pci/devices/%s", bdf);
}

int sriov__read_file(sriov_ctx *ctx, const char *path, char **ret)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    ssize_t n;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sriov__fail(ctx, negative_errno(), "cannot read '%s': %s",
                           path, strerror(errno));
    buf = malloc(ATTR_MAX + 1);
    if (!buf)
        return -ENOMEM;
    while (len < ATTR_MAX) {
        n = read(fd, buf + len, ATTR_MAX - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return sriov__fail(ctx, negative_errno(), "cannot read '%s': %s",
                               path, strerror(errno));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    sriov__log_debug(ctx, "read '%s' = '%s'", path, buf);
    *ret = TAKE_PTR(buf);
    return 0;
}

int sriov__write_file(sriov_ctx *ctx, const char *path, const char *value)
{
    _cleanup_close_ int fd = -1;
    size_t len = strlen(value);
    ssize_t n;

    sriov__log_debug(ctx, "write '%s' = '%s'", path, value);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return sriov__fail(ctx, negative_errno(), "cannot open '%s': %s",
                           path, strerror(errno));
    /* A sysfs store method sees exactly one write; its errno is the answer. */
    n = write(fd, value, len);
    if (n < 0)
        return sriov__fail(ctx, negative_errno(), "writing '%s' to '%s': %s",
                           value, path, strerror(errno));
    if ((size_t)n != len)
        return sriov__fail(ctx, -EIO, "short write of '%s' to '%s'", value,
                           path);
    return 0;
}

int sriov__sysfs_read_string(sriov_ctx *ctx, const char *bdf,
                             const char *attr, char **ret)
{
    _cleanup_free_ char *path = NULL;
    int r;

    r = sriov__sysfs_dev_path(ctx, bdf, attr, &path);
    if (r < 0)
        return r;
    return sriov__read_file(ctx, path, ret);
}

int sriov__sysfs_read_uint(sriov_ctx *ctx, const char *bdf, const char *attr,
                           unsigned *ret)
{
    _cleanup_free_ char *s = NULL;
    unsigned long v;
    char *end;
    int r;

    r = sriov__sysfs_read_string(ctx, bdf, attr, &s);
    if (r < 0)
        return r;
    errno = 0;
    v = strtoul(s, &end, 0);
    if (errno || end == s || *end || v > UINT_MAX)
        return sriov__fail(ctx, -EBADMSG, "%s: '%s' holds '%s', not a number",
                           bdf, attr, s);
    *ret = (unsigned)v;
    return 0;
}

int sriov__sysfs_read_link(sriov_ctx *ctx, const char *bdf, const char *attr,
                           char **ret)
{
    _cleanup_free_ char *path = NULL;
    char target[PATH_MAX];
    const char *base;
    ssize_t n;
    char *s;
    int r;

    r = sriov__sysfs_dev_path(ctx, bdf, attr, &path);
    if (r < 0)
        return r;
    n = readlink(path, target, sizeof(target) - 1);
    if (n < 0)
        return sriov__fail(ctx, negative_errno(), "cannot read link '%s': %s",
                           path, strerror(errno));
    target[n] = '\0';
    base = strrchr(target, '/');
    s = strdup(base ? base + 1 : target);
    if (!s)
        return -ENOMEM;
    sriov__log_debug(ctx, "link '%s' -> '%s'", path, target);
    *ret = s;
    return 0;
}

int sriov__sysfs_write_string(sriov_ctx *ctx, const char *bdf,
                              const char *attr, const char *value)
{
    _cleanup_free_ char *path = NULL;
    int r;

    r = sriov__sysfs_dev_path(ctx, bdf, attr, &path);
    if (r < 0)
        return r;
    return sriov__write_file(ctx, path, value);
}

int sriov__sysfs_write_uint(sriov_ctx *ctx, const char *bdf, const char *attr,
                            unsigned value)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%u", value);
    return sriov__sysfs_write_string(ctx, bdf, attr, buf);
}

bool sriov__bdf_valid(const char *s)
{
    /* dddd:bb:dd.f, lowercase hex as the kernel prints it; dev <= 0x1f, fn <= 7 */
    static const char shape[] = "xxxx:xx:xx.x";
    size_t i;

    if (!s || strlen(s) != sizeof(shape) - 1)
        return false;
    for (i = 0; shape[i]; i++) {
        if (shape[i] == 'x') {
            if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
                return false;
        } else if (s[i] != shape[i])
            return false;
    }
    if (strtoul(s + 8, NULL, 16) > 0x1f || s[11] > '7')
        return false;
    return true;
}
