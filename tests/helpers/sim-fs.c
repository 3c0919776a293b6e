/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* File helpers of the simulated host: paths, small files, links, state. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/helpers/sim-internal.h"

int simfs_path(char *out, size_t size, const char *root, const char *fmt, ...)
{
    va_list ap;
    int n, m;

    n = snprintf(out, size, "%s/", root);
    if (n < 0 || (size_t)n >= size)
        return -ENAMETOOLONG;
    va_start(ap, fmt);
    m = vsnprintf(out + n, size - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0 || (size_t)(n + m) >= size)
        return -ENAMETOOLONG;
    return 0;
}

int simfs_mkdir_p(const char *path)
{
    char tmp[PATH_MAX];

    if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
        return -ENAMETOOLONG;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

static int write_new(const char *path, const void *buf, size_t len)
{
    int fd, r = 0;

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, (const char *)buf + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            r = -errno;
            break;
        }
        done += (size_t)n;
    }
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r < 0)
        unlink(path);
    return r;
}

/*
 * Files are only ever created, never opened for writing once they exist:
 * an existing file is replaced by a new one (rename).  So the model's own
 * updates never look like stores to kernel-sim.so, even in a process that
 * preloads it, and a reader sees either the old or the new content.
 */
int simfs_write(const char *path, const void *buf, size_t len)
{
    char tmp[PATH_MAX + 32];
    int r;

    r = write_new(path, buf, len);
    if (r != -EEXIST)
        return r;
    snprintf(tmp, sizeof(tmp), "%s.sim%ld", path, (long)getpid());
    unlink(tmp);
    r = write_new(tmp, buf, len);
    if (r < 0)
        return r;
    if (rename(tmp, path) < 0) {
        r = -errno;
        unlink(tmp);
        return r;
    }
    return 0;
}

int simfs_printf(const char *path, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(buf))
        return -EOVERFLOW;
    return simfs_write(path, buf, (size_t)n);
}

int simfs_read(const char *path, char *buf, size_t size)
{
    ssize_t n;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    n = read(fd, buf, size - 1);
    if (n < 0) {
        int r = -errno;
        close(fd);
        return r;
    }
    close(fd);
    buf[n] = '\0';
    while (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    return (int)n;
}

bool simfs_exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

/* Relative target from directory @from_dir to @to (both root-relative). */
static int rel_target(const char *from_dir, const char *to, char *out,
                      size_t size)
{
    size_t common = 0, i = 0, len = 0;
    int ups = 0;

    /* longest common prefix ending at a component boundary */
    while (from_dir[i] && to[i] && from_dir[i] == to[i]) {
        i++;
        if ((from_dir[i] == '/' || !from_dir[i]) && (to[i] == '/' || !to[i]))
            common = i;
    }
    if (from_dir[common] == '\0')
        ups = 0;
    else {
        ups = 1;
        for (const char *p = from_dir + common + 1; *p; p++)
            ups += *p == '/';
    }
    out[0] = '\0';
    for (int k = 0; k < ups; k++) {
        if (len + 3 >= size)
            return -ENAMETOOLONG;
        memcpy(out + len, "../", 4);
        len += 3;
    }
    {
        const char *rest = to + common;
        if (*rest == '/')
            rest++;
        if (len + strlen(rest) + 1 > size)
            return -ENAMETOOLONG;
        strcpy(out + len, rest);
        len += strlen(rest);
    }
    if (len > 0 && out[len - 1] == '/')
        out[len - 1] = '\0';
    return 0;
}

int simfs_link(const char *root, const char *from_rel, const char *to_rel)
{
    char dir[PATH_MAX], target[PATH_MAX], path[PATH_MAX];
    char *slash;
    int r;

    snprintf(dir, sizeof(dir), "%s", from_rel);
    slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        dir[0] = '\0';
    r = rel_target(dir, to_rel, target, sizeof(target));
    if (r < 0)
        return r;
    r = simfs_path(path, sizeof(path), root, "%s", from_rel);
    if (r < 0)
        return r;
    unlink(path);
    if (symlink(target, path) < 0)
        return -errno;
    return 0;
}

int simfs_resolve(const char *root, const char *rel, char *out, size_t size)
{
    char path[PATH_MAX], real[PATH_MAX], rroot[PATH_MAX];
    size_t n;
    int r;

    r = simfs_path(path, sizeof(path), root, "%s", rel);
    if (r < 0)
        return r;
    if (!realpath(path, real) || !realpath(root, rroot))
        return -errno;
    n = strlen(rroot);
    if (strncmp(real, rroot, n) != 0 || real[n] != '/')
        return -EXDEV;
    if (snprintf(out, size, "%s", real + n + 1) >= (int)size)
        return -ENAMETOOLONG;
    return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        return rmdir(path) < 0 ? -1 : 0;
    return unlink(path) < 0 ? -1 : 0;
}

int sim_rm_rf(const char *path)
{
    if (!simfs_exists(path))
        return 0;
    if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS) < 0)
        return -errno;
    return 0;
}

int sim_bdf_parse(const char *s, struct sim_bdf *ret)
{
    struct sim_bdf b;
    int n = -1;

    if (!s || sscanf(s, "%4x:%2x:%2x.%1x%n", &b.domain, &b.bus, &b.dev,
                     &b.fn, &n) != 4 || n != 12 || s[n] != '\0' ||
        b.dev > 0x1f || b.fn > 7)
        return -EINVAL;
    *ret = b;
    return 0;
}

void sim_bdf_format(const struct sim_bdf *b, char out[16])
{
    snprintf(out, 16, "%04x:%02x:%02x.%x", b->domain & 0xffff, b->bus & 0xff,
             b->dev & 0x1f, b->fn & 7);
}

int sim_state_get(const char *root, const char *file, const char *key,
                  char *buf, size_t size)
{
    char path[PATH_MAX], text[8192];
    size_t klen = strlen(key);
    int r;

    buf[0] = '\0';
    r = simfs_path(path, sizeof(path), root, SIM_STATE_DIR "/%s", file);
    if (r < 0)
        return r;
    r = simfs_read(path, text, sizeof(text));
    if (r == -ENOENT)
        return 0;
    if (r < 0)
        return r;
    for (char *l = text; l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        if (strncmp(l, key, klen) == 0 && l[klen] == '=') {
            snprintf(buf, size, "%s", l + klen + 1);
            return 0;
        }
        l = nl ? nl + 1 : NULL;
    }
    return 0;
}

int sim_state_set(const char *root, const char *file, const char *key,
                  const char *value)
{
    char path[PATH_MAX], text[8192], out[8192];
    size_t klen = strlen(key), len = 0;
    bool done = false;
    char *slash;
    int r;

    r = simfs_path(path, sizeof(path), root, SIM_STATE_DIR "/%s", file);
    if (r < 0)
        return r;
    slash = strrchr(path, '/');
    *slash = '\0';
    r = simfs_mkdir_p(path);
    *slash = '/';
    if (r < 0)
        return r;
    r = simfs_read(path, text, sizeof(text));
    if (r < 0)
        text[0] = '\0';
    out[0] = '\0';
    for (char *l = text; l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        if (strncmp(l, key, klen) == 0 && l[klen] == '=') {
            len += (size_t)snprintf(out + len, sizeof(out) - len, "%s=%s\n",
                                    key, value);
            done = true;
        } else
            len += (size_t)snprintf(out + len, sizeof(out) - len, "%s\n", l);
        if (len >= sizeof(out))
            return -EOVERFLOW;
        l = nl ? nl + 1 : NULL;
    }
    if (!done)
        len += (size_t)snprintf(out + len, sizeof(out) - len, "%s=%s\n", key,
                                value);
    if (len >= sizeof(out))
        return -EOVERFLOW;
    return simfs_write(path, out, len);
}

int sim_lock(const char *root)
{
    char path[PATH_MAX];
    int fd;

    if (simfs_path(path, sizeof(path), root, SIM_STATE_DIR "/lock") < 0)
        return -ENAMETOOLONG;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    while (flock(fd, LOCK_EX) < 0)
        if (errno != EINTR) {
            int r = -errno;
            close(fd);
            return r;
        }
    return fd;
}

void sim_unlock(int fd)
{
    if (fd >= 0)
        close(fd);
}

int sim_set_file(const char *root, const char *relpath, const char *value)
{
    char path[PATH_MAX];
    int r;

    r = simfs_path(path, sizeof(path), root, "%s", relpath);
    if (r < 0)
        return r;
    return simfs_write(path, value, strlen(value));
}
