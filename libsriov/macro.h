/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cleanup helpers and small macros shared by every C file of the project. */
#ifndef SRIOV_MACRO_H
#define SRIOV_MACRO_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _unused_ __attribute__((unused))
#define _hidden_ __attribute__((visibility("hidden")))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _cleanup_(f) __attribute__((cleanup(f)))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Hand a pointer or fd out of a _cleanup_ variable. */
#define TAKE_PTR(p) ({ typeof(p) _p = (p); (p) = NULL; _p; })
#define TAKE_FD(fd) ({ int _fd = (fd); (fd) = -1; _fd; })

/* Return -EINVAL from an exported function on a broken precondition. */
#define assert_return(expr, r) \
    do { if (!(expr)) return (r); } while (0)

/*
 * The first error of a failed step, kept while its undo runs, as libgit2's
 * git_error_save()/git_error_restore(): an undo that fails records its own
 * error, which is not the one to report.  Each layer keeps its last error
 * as an errno and a message (sriov_ctx, store: last_errno, last_error):
 *     struct error_saved e;
 *     ERROR_SAVE(&e, ctx);  ...undo...  ERROR_RESTORE(&e, ctx);
 * (the plugin, which keeps only a message, calls the functions).
 */
struct error_saved {
    int r;
    char message[1024];
};

static inline void error_save(struct error_saved *e, int r,
                              const char *message)
{
    e->r = r;
    snprintf(e->message, sizeof(e->message), "%s", message);
}

/* @p r may be NULL. */
static inline void error_restore(const struct error_saved *e, int *r,
                                 char *message, size_t size)
{
    size_t n = strnlen(e->message, size - 1);

    if (r)
        *r = e->r;
    memcpy(message, e->message, n);
    message[n] = '\0';
}

#define ERROR_SAVE(e, obj) error_save((e), (obj)->last_errno, \
                                      (obj)->last_error)
#define ERROR_RESTORE(e, obj) error_restore((e), &(obj)->last_errno, \
                                            (obj)->last_error, \
                                            sizeof((obj)->last_error))

static inline void freep(void *p) { free(*(void **)p); }
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
    if (*fd >= 0) {
        int saved = errno;
        close(*fd);
        errno = saved;
    }
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closedirp(DIR **d) { if (*d) closedir(*d); }
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Free a NULL-terminated array of strings. */
static inline char **strv_free(char **v)
{
    if (v)
        for (char **s = v; *s; s++)
            free(*s);
    free(v);
    return NULL;
}
static inline void strv_freep(char ***v) { strv_free(*v); }
#define _cleanup_strv_free_ _cleanup_(strv_freep)

/* errno as a negative value, never 0 (some libc paths leave errno unset). */
static inline int negative_errno(void)
{
    return errno > 0 ? -errno : -EIO;
}

static inline int streq_ptr(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

#endif
