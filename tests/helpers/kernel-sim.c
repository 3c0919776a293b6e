/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel-sim.so: an LD_PRELOAD library that makes writes into a simulated
 * host (a tree made by make-sim-host) behave as writes into the kernel's
 * sysfs: sriov_numvfs creates VFs, bind/unbind move drivers, and so on
 * (kernel-sim.md lists the rules).  It also injects faults on any write
 * under the tree: SIM_FAIL="PATTERN:ERRNO[:COUNT][,...]".
 *
 * Only open/openat (and their _2/64 variants), write, close,
 * dup/dup2/dup3 (shells and dd move the fd onto 1) and fopen/fopen64 are
 * interposed.  A file opened for writing is a store when it is an existing
 * file below <root>/sys of a tree (a directory holding .kernel-sim); every
 * other open passes straight through.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/helpers/sim-internal.h"

#define TRACK_MAX 4096
#define STORE_MAX 4096               /* a sysfs store sees one page */

struct tracked {
    char root[PATH_MAX];
    char rel[PATH_MAX];
    bool store;                      /* else: watched for faults only */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct tracked *tracked[TRACK_MAX];
static __thread int busy;            /* inside the model: pass through */

static int (*real_openat)(int, const char *, int, ...);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_close)(int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);

static void resolve_real(void)
{
    if (!real_openat) {
        real_openat = (int (*)(int, const char *, int, ...))
            dlsym(RTLD_NEXT, "openat");
        real_write = (ssize_t (*)(int, const void *, size_t))
            dlsym(RTLD_NEXT, "write");
        real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
        real_dup = (int (*)(int))dlsym(RTLD_NEXT, "dup");
        real_dup2 = (int (*)(int, int))dlsym(RTLD_NEXT, "dup2");
        real_dup3 = (int (*)(int, int, int))dlsym(RTLD_NEXT, "dup3");
    }
}

/* For tests: present when the library is loaded. */
const char *kernel_sim_version(void);
const char *kernel_sim_version(void)
{
    return "1";
}

/* The tree holding @abs (canonical), with @rel set to the path inside. */
static bool find_root(const char *abs, char *root, size_t size,
                      const char **rel)
{
    char probe[PATH_MAX];
    struct stat st;
    size_t n = strlen(abs);

    for (size_t i = n; i-- > 1;) {
        if (abs[i] != '/')
            continue;
        if (snprintf(probe, sizeof(probe), "%.*s/" SIM_STATE_DIR, (int)i,
                     abs) >= (int)sizeof(probe))
            continue;
        if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode)) {
            snprintf(root, size, "%.*s", (int)i, abs);
            *rel = abs + i + 1;
            return true;
        }
    }
    return false;
}

/* Canonical absolute path of (dirfd, path); for a file that does not
 * exist yet, of its directory plus its name. */
static bool canonical(int dirfd, const char *path, char *out, bool *exists)
{
    char joined[PATH_MAX], dir[PATH_MAX];
    const char *slash;

    if (path[0] == '/')
        snprintf(joined, sizeof(joined), "%s", path);
    else if (dirfd == AT_FDCWD) {
        if (!getcwd(dir, sizeof(dir)))
            return false;
        if (snprintf(joined, sizeof(joined), "%s/%s", dir, path) >=
            (int)sizeof(joined))
            return false;
    } else {
        char link[64];
        ssize_t n;
        snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
        n = readlink(link, dir, sizeof(dir) - 1);
        if (n < 0)
            return false;
        dir[n] = '\0';
        if (snprintf(joined, sizeof(joined), "%s/%s", dir, path) >=
            (int)sizeof(joined))
            return false;
    }
    if (realpath(joined, out)) {
        *exists = true;
        return true;
    }
    *exists = false;
    slash = strrchr(joined, '/');
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - joined), joined);
    if (!realpath(dir, out))
        return false;
    if (strlen(out) + strlen(slash) >= PATH_MAX)
        return false;
    strcat(out, slash);
    return true;
}

/* ---- fault injection ---- */

static int errno_from(const char *s)
{
    static const struct { const char *name; int value; } names[] = {
        { "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EIO", EIO },
        { "E2BIG", E2BIG }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES },
        { "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "ENODEV", ENODEV },
        { "EINVAL", EINVAL }, { "ENOSPC", ENOSPC }, { "EROFS", EROFS },
        { "ERANGE", ERANGE }, { "EAGAIN", EAGAIN }, { "ENXIO", ENXIO },
        { "EDQUOT", EDQUOT }, { "ETIMEDOUT", ETIMEDOUT },
        { "EOPNOTSUPP", EOPNOTSUPP }, { "ENOSYS", ENOSYS },
    };
    char *end;
    long v;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i].name) == 0)
            return names[i].value;
    v = strtol(s, &end, 10);
    return *s && !*end && v > 0 && v < 4096 ? (int)v : 0;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static unsigned long hash(const char *s)
{
    unsigned long h = 5381;

    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

/* Does @buf (what is written, one trailing newline ignored) equal @want? */
static bool value_is(const char *buf, size_t len, const char *want)
{
    size_t n = strlen(want);

    if (len > 0 && buf[len - 1] == '\n')
        len--;
    return len == n && memcmp(buf, want, n) == 0;
}

/*
 * Does a rule of SIM_FAIL match a write of @buf to @rel?  Returns the
 * errno to fail with.  Rules: PATTERN[=VALUE]:ERRNO[:COUNT], separated by
 * commas; PATTERN is an fnmatch pattern on the path relative to the root,
 * or a suffix of it (it may hold ':' as PCI addresses do: fields are taken
 * from the right); =VALUE limits the rule to writes of that value.  COUNT
 * limits how many writes fail, counted per rule across the processes that
 * share the tree.
 */
static int fault_for(const char *root, const char *rel, const char *buf,
                     size_t len)
{
    const char *env = getenv("SIM_FAIL");
    char rules[4096], *save = NULL;
    unsigned index = 0;

    if (!env || !*env)
        return 0;
    snprintf(rules, sizeof(rules), "%s", env);
    for (char *rule = strtok_r(rules, ",", &save); rule;
         rule = strtok_r(NULL, ",", &save), index++) {
        char *last = strrchr(rule, ':'), *second, suffix[PATH_MAX + 2];
        char key[64], hits[32], *eq;
        unsigned long count = 0;
        int err, lk;

        if (!last)
            continue;
        *last = '\0';
        second = strrchr(rule, ':');
        if (all_digits(last + 1) && second && errno_from(second + 1) &&
            second[1] == 'E') {
            count = strtoul(last + 1, NULL, 10);
            *second = '\0';
            err = errno_from(second + 1);
        } else
            err = errno_from(last + 1);
        if (!err)
            continue;
        snprintf(key, sizeof(key), "rule%u-%lx", index, hash(env));
        eq = strrchr(rule, '=');
        if (eq && !strchr(eq, '/')) {
            *eq++ = '\0';
            if (!value_is(buf, len, eq))
                continue;
        }
        snprintf(suffix, sizeof(suffix), "*/%s", rule);
        if (fnmatch(rule, rel, 0) != 0 && fnmatch(suffix, rel, 0) != 0)
            continue;
        if (!count)
            return err;
        lk = sim_lock(root);
        sim_state_get(root, "faults", key, hits, sizeof(hits));
        if (strtoul(hits, NULL, 10) >= count) {
            sim_unlock(lk);
            continue;
        }
        snprintf(hits, sizeof(hits), "%lu", strtoul(hits, NULL, 10) + 1);
        sim_state_set(root, "faults", key, hits);
        sim_unlock(lk);
        return err;
    }
    return 0;
}

/* ---- interposed calls ---- */

static int sim_open(int dirfd, const char *path, int flags, mode_t mode)
{
    char abs[PATH_MAX], root[PATH_MAX];
    const char *rel;
    struct tracked *t;
    bool exists, store = false;
    int fd, check = 0;

    resolve_real();
    /* O_CREAT|O_EXCL never opens an existing file: only creations pass. */
    if (busy || (flags & O_ACCMODE) == O_RDONLY || !path ||
        (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return real_openat(dirfd, path, flags, mode);
    busy++;
    if (!canonical(dirfd, path, abs, &exists) ||
        !find_root(abs, root, sizeof(root), &rel)) {
        busy--;
        return real_openat(dirfd, path, flags, mode);
    }
    if (exists) {
        check = sim_store_check(rel);
        if (check < 0) {
            busy--;
            errno = -check;
            return -1;
        }
        store = check > 0;
    }
    if (!store && !(getenv("SIM_FAIL") && *getenv("SIM_FAIL"))) {
        busy--;
        return real_openat(dirfd, path, flags, mode);
    }
    /*
     * A store's fd is opened read-only: its writes come through write()
     * below.  Writers that bypass write() (stdio's internal calls, as in a
     * shell's builtin echo, pwrite...) then fail loudly with EBADF instead
     * of silently changing the file behind the model.
     */
    if (store)
        flags = (flags & ~(O_ACCMODE | O_TRUNC | O_CREAT | O_APPEND |
                           O_EXCL)) | O_RDONLY;
    fd = real_openat(dirfd, path, flags, mode);
    if (fd >= 0 && fd < TRACK_MAX && (t = calloc(1, sizeof(*t)))) {
        snprintf(t->root, sizeof(t->root), "%s", root);
        snprintf(t->rel, sizeof(t->rel), "%s", rel);
        t->store = store;
        pthread_mutex_lock(&lock);
        free(tracked[fd]);
        tracked[fd] = t;
        pthread_mutex_unlock(&lock);
    }
    busy--;
    return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
        return (mode_t)va_arg(ap, int);
    return 0;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    return sim_open(AT_FDCWD, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    return sim_open(AT_FDCWD, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    return sim_open(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    mode_t mode;

    va_start(ap, flags);
    mode = mode_arg(flags, ap);
    va_end(ap);
    return sim_open(dirfd, path, flags, mode);
}

/* _FORTIFY_SOURCE entry points */
int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
    return sim_open(AT_FDCWD, path, flags, 0);
}

int __open64_2(const char *path, int flags);
int __open64_2(const char *path, int flags)
{
    return sim_open(AT_FDCWD, path, flags, 0);
}

int __openat_2(int dirfd, const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags)
{
    return sim_open(dirfd, path, flags, 0);
}

int __openat64_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags)
{
    return sim_open(dirfd, path, flags, 0);
}

/* A write to an fd opened some other way (mkostemp...): faults only. */
static int untracked_fault(int fd, const char *buf, size_t len)
{
    char link[64], abs[PATH_MAX], root[PATH_MAX];
    const char *rel;
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, abs, sizeof(abs) - 1);
    if (n <= 0 || abs[0] != '/')
        return 0;
    abs[n] = '\0';
    if (!find_root(abs, root, sizeof(root), &rel))
        return 0;
    return fault_for(root, rel, buf, len);
}

ssize_t write(int fd, const void *buf, size_t count)
{
    struct tracked t;
    char *copy;
    int r;

    resolve_real();
    if (busy || fd < 0)
        return real_write(fd, buf, count);
    pthread_mutex_lock(&lock);
    if (fd < TRACK_MAX && tracked[fd])
        t = *tracked[fd];
    else
        t.root[0] = '\0';
    pthread_mutex_unlock(&lock);
    if (!t.root[0]) {
        if (fd > 2 && getenv("SIM_FAIL") && *getenv("SIM_FAIL")) {
            busy++;
            r = untracked_fault(fd, buf, count);
            busy--;
            if (r) {
                errno = r;
                return -1;
            }
        }
        return real_write(fd, buf, count);
    }
    busy++;
    r = -fault_for(t.root, t.rel, buf, count);
    if (r == 0 && !t.store) {
        busy--;
        return real_write(fd, buf, count);
    }
    if (r == 0) {
        if (count >= STORE_MAX)
            r = -EINVAL;
        else if (!(copy = malloc(count + 1)))
            r = -ENOMEM;
        else {
            memcpy(copy, buf, count);
            copy[count] = '\0';
            r = sim_store(t.root, t.rel, copy);
            free(copy);
        }
    }
    busy--;
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return (ssize_t)count;
}

int close(int fd)
{
    resolve_real();
    if (fd >= 0 && fd < TRACK_MAX) {
        pthread_mutex_lock(&lock);
        free(tracked[fd]);
        tracked[fd] = NULL;
        pthread_mutex_unlock(&lock);
    }
    return real_close(fd);
}

/* The new fd refers to the same open file: it is a store too. */
static int track_copy(int from, int to)
{
    struct tracked *t = NULL;

    if (from < 0 || from >= TRACK_MAX || to < 0 || to >= TRACK_MAX ||
        from == to)
        return to;
    pthread_mutex_lock(&lock);
    if (tracked[from] && (t = malloc(sizeof(*t))))
        *t = *tracked[from];
    free(tracked[to]);
    tracked[to] = t;
    pthread_mutex_unlock(&lock);
    return to;
}

int dup(int fd)
{
    int r;

    resolve_real();
    r = real_dup(fd);
    return r < 0 ? r : track_copy(fd, r);
}

int dup2(int fd, int fd2)
{
    int r;

    resolve_real();
    r = real_dup2(fd, fd2);
    return r < 0 ? r : track_copy(fd, r);
}

int dup3(int fd, int fd2, int flags)
{
    int r;

    resolve_real();
    r = real_dup3(fd, fd2, flags);
    return r < 0 ? r : track_copy(fd, r);
}

/* ---- stdio: fopen(path, "w") + fprintf + fclose, as scripts do ---- */

static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
    struct tracked *t = cookie;
    char *copy;
    int r;

    /* one flush of the stdio buffer is one write(2): one store */
    busy++;
    r = -fault_for(t->root, t->rel, buf, size);
    if (r == 0 && size >= STORE_MAX)
        r = -EINVAL;
    if (r == 0) {
        copy = malloc(size + 1);
        if (!copy)
            r = -ENOMEM;
        else {
            memcpy(copy, buf, size);
            copy[size] = '\0';
            r = sim_store(t->root, t->rel, copy);
            free(copy);
        }
    }
    busy--;
    if (r < 0) {
        errno = -r;
        return -1;
    }
    return (ssize_t)size;
}

static int cookie_close(void *cookie)
{
    free(cookie);
    return 0;
}

static FILE *sim_fopen(const char *path, const char *mode, const char *sym)
{
    FILE *(*real_fopen)(const char *, const char *);
    char abs[PATH_MAX], root[PATH_MAX];
    const char *rel;
    struct tracked *t;
    bool exists;
    int check;

    real_fopen = (FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT, sym);
    if (busy || !path || !mode || (mode[0] != 'w' && mode[0] != 'a' &&
                                   !strchr(mode, '+')))
        return real_fopen(path, mode);
    busy++;
    if (!canonical(AT_FDCWD, path, abs, &exists) || !exists ||
        !find_root(abs, root, sizeof(root), &rel) ||
        (check = sim_store_check(rel)) == 0) {
        busy--;
        return real_fopen(path, mode);
    }
    busy--;
    if (check < 0) {
        errno = -check;
        return NULL;
    }
    t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    snprintf(t->root, sizeof(t->root), "%s", root);
    snprintf(t->rel, sizeof(t->rel), "%s", rel);
    t->store = true;
    return fopencookie(t, "w", (cookie_io_functions_t) {
        .write = cookie_write, .close = cookie_close,
    });
}

FILE *fopen(const char *path, const char *mode)
{
    return sim_fopen(path, mode, "fopen");
}

FILE *fopen64(const char *path, const char *mode)
{
    return sim_fopen(path, mode, "fopen64");
}
