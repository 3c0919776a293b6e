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

int sriov__dir_open(sriov_ctx *ctx, const char *rel, int *ret_fd,
                    char **ret_path)
{
    _cleanup_free_ char *path = NULL;
    int fd, r;

    r = sriov__host_path(ctx, &path, "%s", rel);
    if (r < 0)
        return r;
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return sriov__fail(ctx, negative_errno(), "cannot open '%s': %s",
                           path, strerror(errno));
    sriov__log_debug(ctx, "opened '%s'", path);
    *ret_fd = fd;
    if (ret_path)
        *ret_path = TAKE_PTR(path);
    return 0;
}

int sriov__net_dir_open(sriov_ctx *ctx, const char *ifname, int *ret_fd,
                        char **ret_path)
{
    char rel[32];

    /* dev_valid_name(), net/core/dev.c */
    if (!ifname || !*ifname || strlen(ifname) >= 16 || strchr(ifname, '/') ||
        strcmp(ifname, ".") == 0 || strcmp(ifname, "..") == 0)
        return sriov__fail(ctx, -EINVAL, "'%s' is not an interface name",
                           ifname ? ifname : "");
    snprintf(rel, sizeof(rel), "sys/class/net/%s", ifname);
    return sriov__dir_open(ctx, rel, ret_fd, ret_path);
}

int sriov__dir_openat(sriov_ctx *ctx, int dirfd, const char *dirpath,
                      const char *name, int *ret_fd)
{
    int fd;

    fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int r = negative_errno();
        sriov__log_debug(ctx, "open '%s/%s': %s", dirpath, name,
                         strerror(-r));
        return r;
    }
    *ret_fd = fd;
    return 0;
}

int sriov__read_at(sriov_ctx *ctx, int dirfd, const char *dirpath,
                   const char *name, char *buf, size_t size)
{
    _cleanup_close_ int fd = -1;
    ssize_t n;
    size_t len;

    fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int r = negative_errno();
        sriov__log_debug(ctx, "read '%s/%s': %s", dirpath, name,
                         strerror(-r));
        return r;
    }
    /* One read: a sysfs attribute is produced whole by its show method. */
    do
        n = read(fd, buf, size - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        int r = negative_errno();
        sriov__log_debug(ctx, "read '%s/%s': %s", dirpath, name,
                         strerror(-r));
        return r;
    }
    len = (size_t)n;
    buf[len] = '\0';
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
        buf[--len] = '\0';
    sriov__log_debug(ctx, "read '%s/%s' = '%s'", dirpath, name, buf);
    return (int)len;
}

int sriov__read_in(sriov_ctx *ctx, int dirfd, const char *dirpath,
                   const char *name, char *buf, size_t size)
{
    int r = sriov__read_at(ctx, dirfd, dirpath, name, buf, size);

    if (r < 0)
        return sriov__fail(ctx, r, "cannot read '%s/%s': %s", dirpath, name,
                           strerror(-r));
    return r;
}

int sriov__readlink_at(sriov_ctx *ctx, int dirfd, const char *dirpath,
                       const char *name, char *buf, size_t size)
{
    ssize_t n;

    n = readlinkat(dirfd, name, buf, size - 1);
    if (n < 0) {
        int r = negative_errno();
        sriov__log_debug(ctx, "link '%s/%s': %s", dirpath, name,
                         strerror(-r));
        return r;
    }
    buf[n] = '\0';
    sriov__log_debug(ctx, "link '%s/%s' -> '%s'", dirpath, name, buf);
    return (int)n;
}

static int strv_push(char ***v, unsigned *n, unsigned *alloc, const char *s)
{
    char *copy;

    if (*n + 2 > *alloc) {
        unsigned na = *alloc ? *alloc * 2 : 16;
        char **nv = realloc(*v, na * sizeof(char *));
        if (!nv)
            return -ENOMEM;
        *v = nv;
        *alloc = na;
    }
    copy = strdup(s);
    if (!copy)
        return -ENOMEM;
    (*v)[(*n)++] = copy;
    (*v)[*n] = NULL;
    return 0;
}

int sriov__list_at(sriov_ctx *ctx, int dirfd, const char *dirpath,
                   const char *name, char ***ret, unsigned *ret_n)
{
    _cleanup_close_ int fd = -1;
    _cleanup_strv_free_ char **v = NULL;
    unsigned n = 0, alloc = 0;
    /* 32 KiB holds a PCI device directory (or ~1000 devices) per call. */
    char buf[32768] __attribute__((aligned(8)));
    int r;

    r = sriov__dir_openat(ctx, dirfd, dirpath, name, &fd);
    if (r < 0)
        return r;
    for (;;) {
        ssize_t len = getdents64(fd, buf, sizeof(buf));
        if (len < 0) {
            if (errno == EINTR)
                continue;
            r = negative_errno();
            sriov__log_debug(ctx, "list '%s/%s': %s", dirpath, name,
                             strerror(-r));
            return r;
        }
        if (len == 0)
            break;
        for (ssize_t off = 0; off < len;) {
            struct dirent64 *de = (struct dirent64 *)(buf + off);
            off += de->d_reclen;
            if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
                (de->d_name[1] == '.' && de->d_name[2] == '\0')))
                continue;
            r = strv_push(&v, &n, &alloc, de->d_name);
            if (r < 0)
                return r;
        }
    }
    if (!v) {
        v = calloc(1, sizeof(char *));
        if (!v)
            return -ENOMEM;
    }
    sriov__log_debug(ctx, "listed '%s/%s': %u entries", dirpath, name, n);
    *ret = TAKE_PTR(v);
    if (ret_n)
        *ret_n = n;
    return 0;
}

int sriov__exists_at(sriov_ctx *ctx, int dirfd, const char *dirpath,
                     const char *name)
{
    if (faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        return 1;
    if (errno == ENOENT || errno == ENOTDIR) {
        sriov__log_debug(ctx, "'%s/%s' does not exist", dirpath, name);
        return 0;
    }
    return negative_errno();
}

int sriov__parse_uint(const char *s, int base, unsigned *ret)
{
    unsigned long v;
    char *end;

    if (!s || !*s || *s == '-')
        return -EINVAL;
    errno = 0;
    v = strtoul(s, &end, base);
    if (errno || end == s || *end || v > UINT_MAX)
        return -EINVAL;
    *ret = (unsigned)v;
    return 0;
}

int sriov__parse_int(const char *s, int *ret)
{
    long v;
    char *end;

    if (!s || !*s)
        return -EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v > INT_MAX || v < INT_MIN)
        return -EINVAL;
    *ret = (int)v;
    return 0;
}

const char *sriov__basename(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

bool sriov__sysfs_exists(sriov_ctx *ctx, const char *bdf, const char *attr)
{
    _cleanup_free_ char *path = NULL;

    if (sriov__sysfs_dev_path(ctx, bdf, attr, &path) < 0)
        return false;
    return access(path, F_OK) == 0;
}

static int strcmp_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sriov__sysfs_list(sriov_ctx *ctx, const char *bdf, const char *subdir,
                      char ***ret)
{
    _cleanup_free_ char *path = NULL;
    _cleanup_closedir_ DIR *d = NULL;
    _cleanup_strv_free_ char **v = NULL;
    size_t n = 0;
    struct dirent *de;
    int r;

    r = sriov__sysfs_dev_path(ctx, bdf, subdir, &path);
    if (r < 0)
        return r;
    d = opendir(path);
    if (!d)
        return sriov__fail(ctx, negative_errno(), "cannot list '%s': %s",
                           path, strerror(errno));
    v = calloc(1, sizeof(char *));
    if (!v)
        return -ENOMEM;
    while ((errno = 0, de = readdir(d))) {
        char **nv;

        if (de->d_name[0] == '.')
            continue;
        nv = realloc(v, (n + 2) * sizeof(char *));
        if (!nv)
            return -ENOMEM;
        v = nv;
        v[n] = strdup(de->d_name);
        if (!v[n])
            return -ENOMEM;
        v[++n] = NULL;
    }
    if (errno)
        return sriov__fail(ctx, negative_errno(), "cannot list '%s': %s",
                           path, strerror(errno));
    qsort(v, n, sizeof(char *), strcmp_ptr);
    sriov__log_debug(ctx, "list '%s': %zu entries", path, n);
    *ret = TAKE_PTR(v);
    return 0;
}

/* The machine's SMBIOS tables as the kernel exports them (dmi-id.c,
 * dmi-sysfs.c). */
static int dmi_read(sriov_ctx *ctx, const char *dir, const char *name,
                    char *buf, size_t size)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *path = NULL;
    int r;

    assert_return(ctx && buf && size > 0 && name && *name &&
                  !strchr(name, '/') && strcmp(name, "..") != 0, -EINVAL);
    buf[0] = '\0';
    r = sriov__dir_open(ctx, dir, &fd, &path);
    return r < 0 ? r : sriov__read_in(ctx, fd, path, name, buf, size);
}

SRIOV_EXPORT int sriov_dmi_read(sriov_ctx *ctx, const char *name, char *buf,
                                size_t size)
{
    return dmi_read(ctx, "sys/class/dmi/id", name, buf, size);
}

SRIOV_EXPORT int sriov_dmi_entry(sriov_ctx *ctx, unsigned type, unsigned n,
                                 void *buf, size_t size)
{
    char dir[64];

    snprintf(dir, sizeof(dir), "sys/firmware/dmi/entries/%u-%u", type, n);
    return dmi_read(ctx, dir, "raw", (char *)buf, size);
}
