/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The store handle: connection, errors, counters, randomness. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/internal.h"

#define STATE_SUBDIR "var/lib/xen-sriov"

int store__failv(store *s, int r, const char *fmt, va_list ap)
{
    if (!s)
        return r;
    vsnprintf(s->last_error, sizeof(s->last_error), fmt, ap);
    s->last_errno = r;
    return r;
}

int store__fail(store *s, int r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    r = store__failv(s, r, fmt, ap);
    va_end(ap);
    return r;
}

int store_tx_fail(store_tx *tx, int r, const char *fmt, ...)
{
    va_list ap;

    if (!tx)
        return r;
    va_start(ap, fmt);
    r = store__failv(tx->s, r, fmt, ap);
    va_end(ap);
    return r;
}

const char *store_last_error(const store *s)
{
    return s ? s->last_error : "";
}

int store_last_errno(const store *s)
{
    return s ? s->last_errno : -EINVAL;
}

const char *store_state_dir(const store *s)
{
    return s ? s->state_dir : NULL;
}

const char *store_xenstore_path(const store *s)
{
    return s ? s->xs_path : NULL;
}

int store__batch(store *s, struct wire_req *reqs, size_t n)
{
    char msg[STORE_ERROR_MAX];
    int r;

    if (n == 0)
        return 0;
    r = store__wire_batch(s->wire, reqs, n, msg, sizeof(msg));
    if (r < 0)
        return store__fail(s, r, "%s", msg);
    return 0;
}

int store__random(uint64_t *ret)
{
    uint64_t v;
    ssize_t k;

    do
        k = getrandom(&v, sizeof(v), 0);
    while (k < 0 && errno == EINTR);
    if (k != (ssize_t)sizeof(v))
        return -EIO;
    *ret = v;
    return 0;
}

int store__random_id(char buf[17])
{
    uint64_t v;
    int r;

    r = store__random(&v);
    if (r < 0)
        return r;
    snprintf(buf, 17, "%016llx", (unsigned long long)v);
    return 0;
}

int store_uuid_new(char buf[37])
{
    unsigned char b[16];
    ssize_t k;

    if (!buf)
        return -EINVAL;
    do
        k = getrandom(b, sizeof(b), 0);
    while (k < 0 && errno == EINTR);
    if (k != (ssize_t)sizeof(b))
        return -EIO;
    /* RFC 4122 version 4: random, variant 10xx. */
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(buf, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
             b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

static char *state_dir_of(const struct store_opts *opts)
{
    const char *root = opts ? opts->root : NULL;
    size_t len;
    char *p;

    if (opts && opts->state_dir && *opts->state_dir)
        return strdup(opts->state_dir);
    if (!root)
        root = "";
    len = strlen(root);
    while (len > 0 && root[len - 1] == '/')
        len--;
    if (asprintf(&p, "%.*s/%s", (int)len, root, STATE_SUBDIR) < 0)
        return NULL;
    return p;
}

int store__open_state(const char *path, int flags)
{
    return open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
}

/*
 * The state directory, if it exists, must be a directory owned by root (or
 * by us) that no one else may write: else others could plant links to
 * the files root writes there.  0 or -EPERM/-ENOTDIR with errbuf set.
 */
static int check_state_dir(const char *dir, char *errbuf, size_t size)
{
    struct stat st;

    if (stat(dir, &st) < 0)
        return 0;                  /* made later, by us */
    if (!S_ISDIR(st.st_mode)) {
        if (errbuf)
            snprintf(errbuf, size, "state directory '%s' is not a "
                     "directory; remove it", dir);
        return -ENOTDIR;
    }
    if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
        (st.st_mode & (S_IWGRP | S_IWOTH))) {
        if (errbuf)
            snprintf(errbuf, size, "state directory '%s' may be written by "
                     "others (owner %u, mode %04o); refusing it: run "
                     "'chown root: %s; chmod 755 %s'", dir,
                     (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
                     dir, dir);
        return -EPERM;
    }
    return 0;
}

int store_open(store **ret, const struct store_opts *opts, char *errbuf,
               size_t errbuf_size)
{
    _cleanup_free_ char *path = NULL;
    char msg[STORE_ERROR_MAX];
    bool fall_back = false;
    store *s;
    int r;

    if (!ret)
        return -EINVAL;
    if (errbuf && errbuf_size)
        errbuf[0] = '\0';
    if (opts && opts->root && *opts->root && opts->root[0] != '/') {
        if (errbuf)
            snprintf(errbuf, errbuf_size, "host root '%s' is not an "
                     "absolute path", opts->root);
        return -EINVAL;
    }
    if (opts && opts->xenstore_path) {
        path = strdup(opts->xenstore_path);
        if (!path)
            return -ENOMEM;
    } else {
        r = store__wire_default_path(&path, &fall_back);
        if (r < 0)
            return r;
    }
    s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->flags = opts ? opts->flags : 0;
    s->wlock_fd = -1;
    s->state_dir = state_dir_of(opts);
    if (!s->state_dir) {
        free(s);
        return -ENOMEM;
    }
    r = check_state_dir(s->state_dir, errbuf, errbuf_size);
    if (r < 0) {
        free(s->state_dir);
        free(s);
        return r;
    }
    r = store__wire_open(&s->wire, path, msg, sizeof(msg));
    if (r < 0 && fall_back && (r == -ENOENT || r == -ECONNREFUSED) &&
        access("/dev/xen/xenbus", F_OK) == 0) {
        /* As libxenstore: no daemon socket, so xenstored runs elsewhere
         * (a stub domain) and dom0 reaches it through the kernel. */
        free(path);
        path = strdup("/dev/xen/xenbus");
        r = path ? store__wire_open(&s->wire, path, msg, sizeof(msg))
                 : -ENOMEM;
    }
    if (r < 0) {
        if (errbuf)
            snprintf(errbuf, errbuf_size, "%s", msg);
        free(s->state_dir);
        free(s);
        return r;
    }
    s->xs_path = TAKE_PTR(path);
    r = store__random(&s->rng);
    if (r < 0 || s->rng == 0)
        s->rng = 0x9e3779b97f4a7c15ULL;
    *ret = s;
    return 0;
}

store *store_close(store *s)
{
    if (!s)
        return NULL;
    store__wire_close(s->wire);
    if (s->wlock_fd >= 0)
        close(s->wlock_fd);
    free(s->xs_path);
    free(s->state_dir);
    free(s);
    return NULL;
}

void store_get_stats(const store *s, struct store_stats *ret)
{
    if (!ret)
        return;
    memset(ret, 0, sizeof(*ret));
    if (!s)
        return;
    store__wire_stats(s->wire, &ret->requests, &ret->round_trips);
    ret->transactions = s->transactions;
    ret->retries = s->retries;
    ret->snapshot_writes = s->snapshot_writes;
    ret->compactions_failed = s->compactions_failed;
}

void store_reset_stats(store *s)
{
    if (!s)
        return;
    store__wire_reset_stats(s->wire);
    s->transactions = s->retries = s->snapshot_writes = 0;
}
