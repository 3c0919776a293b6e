/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The durable snapshot: journal flush, full writes, loads, migration. */
/*
 * Every write transaction also writes SCHEMA_ROOT/journal/<id> = the
 * objects it touched (tx.c).  After the commit, under an flock on
 * <state>/store.lock, the writer reads the journal and those objects on one
 * committed state, appends them as one record to the snapshot log
 * (store.xml.log, log.c) and fsyncs it, then removes the journal entries it
 * saved.  A writer that finds its entry already gone was saved by another
 * writer's flush (group commit).  When the log grows past the base's size
 * (or 256 KiB), the base store.xml is rewritten from base + log (temp file,
 * fsync, rename, fsync of the directory) and the log emptied.  A crash
 * after the commit leaves the journal entry for the next writer; a crash
 * while appending leaves a torn frame that loads ignore; a crash before a
 * rename leaves the previous base.  docs/store.md has the reasoning.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store/internal.h"

#define LOCK_FILE "store.lock"

static char *state_path(store *s, const char *name)
{
    char *p;

    if (asprintf(&p, "%s/%s", s->state_dir, name) < 0)
        return NULL;
    return p;
}

static int mkdir_p(store *s, const char *dir)
{
    char *copy = strdup(dir), *p;
    int r = 0;

    if (!copy)
        return -ENOMEM;
    for (p = copy + 1; r == 0; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;

        *p = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST)
            r = store__fail(s, -errno, "cannot create the state directory "
                            "'%s': %m", copy);
        *p = c;
        if (!c)
            break;
    }
    free(copy);
    return r;
}

static int lock_state(store *s)
{
    _cleanup_free_ char *p = NULL;
    int fd, r;

    r = mkdir_p(s, s->state_dir);
    if (r < 0)
        return r;
    p = state_path(s, LOCK_FILE);
    if (!p)
        return -ENOMEM;
    fd = store__open_state(p, O_RDWR | O_CREAT);
    if (fd < 0)
        return store__fail_write(s, -errno, "open the snapshot lock", p, 0);
    while (flock(fd, LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        r = store__fail(s, -errno, "cannot lock '%s': %m", p);
        close(fd);
        return r;
    }
    return fd;
}

static void unlock_state(int fd)
{
    if (fd >= 0)
        close(fd);              /* drops the flock */
}

static int read_file(store *s, const char *path, char **ret, size_t *len)
{
    _cleanup_close_ int fd = -1;
    struct stat st;
    size_t off = 0;
    char *buf;

    fd = store__open_state(path, O_RDONLY);
    if (fd < 0)
        return store__fail(s, -errno, "cannot read the snapshot '%s': %m",
                           path);
    if (fstat(fd, &st) < 0)
        return store__fail(s, -errno, "'%s': %m", path);
    if (!S_ISREG(st.st_mode))
        return store__fail(s, -EBADMSG, "snapshot '%s' is not a regular "
                           "file", path);
    if ((unsigned long long)st.st_size > STORE_SNAPSHOT_MAX)
        return store__fail(s, -EBADMSG, "snapshot '%s' is larger than %u "
                           "bytes: not a xen-sriov snapshot", path,
                           STORE_SNAPSHOT_MAX);
    buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        return -ENOMEM;
    while (off < (size_t)st.st_size) {
        ssize_t k = read(fd, buf + off, (size_t)st.st_size - off);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        off += (size_t)k;
    }
    buf[off] = '\0';
    *ret = buf;
    *len = off;
    return 0;
}

static char *log_of(const char *path)
{
    char *p;

    if (asprintf(&p, "%s.log", path) < 0)
        return NULL;
    return p;
}

/* Read a snapshot: the base file and its log replayed over it, without
 * migrating or checking the result. */
static int snapshot_parse(store *s, const char *path, struct tnode **ret,
                          int *ret_version)
{
    char msg[STORE_ERROR_MAX - 128];
    _cleanup_free_ char *logp = NULL;
    struct tnode *t = NULL;
    size_t len = 0;
    char *data = NULL;
    int r, version;

    logp = log_of(path);
    if (!logp)
        return -ENOMEM;
    r = read_file(s, path, &data, &len);
    if (r < 0)
        return r;
    r = store__xml_parse(data, len, &t, &version, msg, sizeof(msg));
    free(data);
    if (r == -ENOMEM)
        return r;
    if (r < 0)
        return store__fail(s, -EBADMSG, "snapshot '%s' is rejected: %s; "
                           "it was not loaded (an older one may be in '%s')",
                           path, msg, STORE_SNAPSHOT_PREVIOUS);
    r = store__log_replay(s, logp, t, version);
    if (r < 0) {
        store__tnode_free(t);
        return r;
    }
    *ret = t;
    *ret_version = version;
    return 0;
}

int store__snapshot_read(store *s, const char *path, struct tnode **ret,
                         int *ret_version)
{
    char first[STORE_ERROR_MAX - 128];
    struct tnode *t = NULL;
    int r, version = -1;

    r = snapshot_parse(s, path, &t, &version);
    if (r < 0)
        return r;
    if (version > SCHEMA_VERSION) {
        store__tnode_free(t);
        return store__fail(s, -EPROTO, "snapshot '%s' has schema version %d, "
                           "this xen-sriov knows %d: upgrade xen-sriov",
                           path, version, SCHEMA_VERSION);
    }
    if (version < SCHEMA_VERSION) {
        r = store__migrate_tree(s, t, version);
        if (r < 0) {
            store__tnode_free(t);
            return r;
        }
    }
    r = store__tree_rebuild_inverses(t);
    if (r < 0) {
        store__tnode_free(t);
        return r;
    }
    r = store__check_tree(t, false, NULL, NULL, first, sizeof(first));
    if (r > 0) {
        store__tnode_free(t);
        return store__fail(s, -EBADMSG, "snapshot '%s' is rejected: %s",
                           path, first);
    }
    *ret = t;
    *ret_version = version;
    return 0;
}

int store__pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t k = pwrite(fd, p, len, off);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -errno;
        if (k == 0)
            return -ENOSPC;
        p += k;
        off += k;
        len -= (size_t)k;
    }
    return 0;
}

static unsigned long long file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) < 0 ? 0 : (unsigned long long)st.st_size;
}

int store__fail_write(store *s, int r, const char *what, const char *path,
                      size_t need)
{
    _cleanup_free_ char *bak = state_path(s, STORE_SNAPSHOT_PREVIOUS);
    _cleanup_free_ char *base = state_path(s, STORE_SNAPSHOT_FILE);
    unsigned long long bak_size = bak ? file_size(bak) : 0;
    unsigned long long avail = 0;
    struct statvfs vfs;
    char free_txt[64] = "";

    if (r == -EROFS)
        return store__fail(s, r, "cannot %s '%s': %s: remount the "
                           "filesystem of '%s' read-write", what, path,
                           strerror(-r), s->state_dir);
    if (r != -ENOSPC && r != -EDQUOT && r != -EFBIG)
        return store__fail(s, r, "cannot %s '%s': %s", what, path,
                           strerror(-r));
    if (statvfs(s->state_dir, &vfs) == 0) {
        avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
        snprintf(free_txt, sizeof(free_txt), ", %llu free", avail);
    }
    if (bak_size)
        return store__fail(s, r, "cannot %s '%s': %s (%zu bytes to "
                           "write%s): delete '%s' (%llu bytes, the previous "
                           "snapshot, a spare only) or other files on that "
                           "filesystem%s", what, path, strerror(-r), need,
                           free_txt, bak, bak_size,
                           r == -EDQUOT ? ", or raise the quota" : "");
    return store__fail(s, r, "cannot %s '%s': %s (%zu bytes to write%s; "
                       "'%s' is %llu bytes): free space on the filesystem "
                       "of '%s'%s", what, path, strerror(-r), need, free_txt,
                       base ? base : STORE_SNAPSHOT_FILE,
                       base ? file_size(base) : 0, s->state_dir,
                       r == -EDQUOT ? ", or raise the quota" : "");
}

static int fsync_dir(store *s)
{
    _cleanup_close_ int fd = -1;

    fd = open(s->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) < 0)
        return store__fail(s, -errno, "cannot sync the state directory "
                           "'%s': %m", s->state_dir);
    return 0;
}

/*
 * Whether the base on disk loads (with its log): it then becomes the
 * spare (.bak) when a new base replaces it.  The message of a failure is
 * not kept: this only decides which file to keep.
 */
static bool base_loads(store *s)
{
    _cleanup_free_ char *path = state_path(s, STORE_SNAPSHOT_FILE);
    char saved[STORE_ERROR_MAX];
    struct tnode *t = NULL;
    int version, saved_errno = s->last_errno, r;
    struct stat st;

    if (!path || stat(path, &st) < 0)
        return false;
    memcpy(saved, s->last_error, sizeof(saved));
    r = store__snapshot_read(s, path, &t, &version);
    store__tnode_free(t);
    memcpy(s->last_error, saved, sizeof(saved));
    s->last_errno = saved_errno;
    return r >= 0;
}

/*
 * The space a new base needs is one copy beside the current one: the
 * older spare (.bak) is deleted before the new base is written when the
 * current base loads (it becomes the spare), so the state directory never
 * holds more than the base, its log, one spare and the new file being
 * written, and the new file's size is checked against the free space
 * first (estimated as the base plus its log, which it replaces).
 */
int store__snapshot_write_tree(store *s, const struct tnode *tree,
                               int version, bool base_good)
{
    _cleanup_free_ char *path = NULL, *tmp = NULL, *bak = NULL, *logp = NULL;
    unsigned long long need, reclaim;
    struct statvfs vfs;
    int fd, r;

    path = state_path(s, STORE_SNAPSHOT_FILE);
    tmp = state_path(s, STORE_SNAPSHOT_FILE ".tmp");
    bak = state_path(s, STORE_SNAPSHOT_PREVIOUS);
    logp = path ? log_of(path) : NULL;
    if (!path || !tmp || !bak || !logp)
        return -ENOMEM;
    r = mkdir_p(s, s->state_dir);
    if (r < 0)
        return r;
    unlink(tmp);                        /* a crashed writer's */
    need = file_size(path) + file_size(logp);
    reclaim = base_good ? file_size(bak) : 0;
    if (statvfs(s->state_dir, &vfs) == 0 &&
        (unsigned long long)vfs.f_bavail * vfs.f_frsize + reclaim < need)
        return store__fail_write(s, -ENOSPC, "write the snapshot", tmp,
                                 (size_t)need);
    /* The current base becomes the spare: the older one goes first. */
    if (base_good && unlink(bak) < 0 && errno != ENOENT)
        return store__fail(s, -errno, "cannot replace '%s': %m", bak);
    fd = store__open_state(tmp, O_WRONLY | O_CREAT | O_TRUNC);
    if (fd < 0)
        return store__fail_write(s, -errno, "write the snapshot", tmp,
                                 (size_t)need);
    r = store__xml_write(fd, tree, version);
    if (r >= 0 && fsync(fd) < 0)
        r = -errno;
    if (close(fd) < 0 && r >= 0)
        r = -errno;
    if (r < 0) {
        unlink(tmp);
        return store__fail_write(s, r, "write the snapshot", tmp,
                                 (size_t)need);
    }
    /* Keep the previous generation: a second chance for the restore. */
    if (base_good && link(path, bak) < 0 && errno != ENOENT) {
        r = store__fail(s, -errno, "cannot keep '%s' as '%s': %m", path,
                        bak);
        unlink(tmp);
        return r;
    }
    if (rename(tmp, path) < 0) {
        r = store__fail(s, -errno, "cannot rename '%s' to '%s': %m", tmp,
                        path);
        unlink(tmp);
        return r;
    }
    r = fsync_dir(s);
    if (r < 0)
        return r;
    /* The base holds everything the log had. */
    r = store__log_truncate(s, logp);
    if (r < 0)
        return r;
    s->snapshot_writes++;
    return 0;
}

/* ---- what a flush reads on one committed state ---- */

struct flush_read {
    bool full;                  /* read every object */
    char **ids;                 /* journal entries covered */
    size_t n_ids;
    char **keys;                /* "class/uuid" touched (not full) */
    size_t n_keys;
    struct tnode *objects;      /* root: classes: objects read */
};

static void flush_read_reset(struct flush_read *f)
{
    strv_free(f->ids);
    strv_free(f->keys);
    f->ids = f->keys = NULL;
    f->n_ids = f->n_keys = 0;
    f->objects = store__tnode_free(f->objects);
}

static int add_key(struct flush_read *f, const char *key)
{
    char **t = realloc(f->keys, (f->n_keys + 2) * sizeof(*t));

    if (!t)
        return -ENOMEM;
    f->keys = t;
    t[f->n_keys] = strdup(key);
    t[f->n_keys + 1] = NULL;
    if (!t[f->n_keys])
        return -ENOMEM;
    f->n_keys++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the objects named by keys (or all) into f->objects. */
static int read_objects_of(store *s, uint32_t tx, struct flush_read *f)
{
    size_t ci, i;
    int r = 0;

    f->objects = store__tnode_new(SCHEMA_ROOT, "");
    if (!f->objects)
        return -ENOMEM;
    for (ci = 0; ci < schema_n_classes && r >= 0; ci++) {
        const struct schema_class *c = schema_classes[ci];
        size_t clen = strlen(c->name), n_u = 0, n = 0;
        store_record **recs = NULL;
        char **uuids = NULL;
        struct tnode *cn;

        if (f->full) {
            r = store__read_uuids(s, tx, c, &uuids, &n_u);
        } else {
            uuids = calloc(f->n_keys + 1, sizeof(*uuids));
            if (!uuids)
                return -ENOMEM;
            for (i = 0; i < f->n_keys; i++)
                if (!strncmp(f->keys[i], c->name, clen) &&
                    f->keys[i][clen] == '/')
                    uuids[n_u++] = strdup(f->keys[i] + clen + 1);
            for (i = 0; i < n_u; i++)
                if (!uuids[i])
                    r = -ENOMEM;
        }
        if (r >= 0 && n_u)
            r = store__read_records(s, tx, c, uuids, n_u, NULL, 0,
                                    STORE__READ_PRIMARY, false, &recs, &n);
        strv_free(uuids);
        if (r < 0 || n == 0) {
            store_record_list_free(recs, n);
            continue;
        }
        cn = store__tnode_new(c->name, "");
        r = cn ? store__tnode_add(f->objects, cn) : -ENOMEM;
        for (i = 0; i < n && r >= 0; i++) {
            struct tnode *o;

            r = store__record_to_tnode(recs[i], &o);
            if (r >= 0)
                r = store__tnode_add(cn, o);
        }
        store_record_list_free(recs, n);
    }
    return r;
}

static int flush_read_fn(store *s, uint32_t tx, void *userdata)
{
    struct flush_read *f = userdata;
    struct store_batch b = { 0 };
    bool full = f->full;
    size_t i;
    int r;

    flush_read_reset(f);
    f->full = full;
    r = store__batch_dir(&b, tx, store__path_meta(SCHEMA_NODE_JOURNAL));
    if (r >= 0)
        r = store__batch_run(s, &b);
    if (r >= 0 && !b.q[0].err)
        r = store__dir_names(&b.q[0], &f->ids, &f->n_ids);
    else if (r >= 0)
        f->ids = calloc(1, sizeof(char *));
    store__batch_free(&b);
    if (r < 0 || !f->ids)
        return r < 0 ? r : -ENOMEM;
    for (i = 0; i < f->n_ids && r >= 0; i++)
        r = store__batch_read(&b, tx, store__path_journal(f->ids[i]));
    if (r >= 0)
        r = store__batch_run(s, &b);
    for (i = 0; r >= 0 && i < f->n_ids && !f->full; i++) {
        char *v, *save = NULL, *tok;

        if (b.q[i].err)
            continue;           /* flushed by someone else meanwhile */
        if (!strcmp(b.q[i].reply, "*")) {
            f->full = true;
            break;
        }
        v = strdup(b.q[i].reply);
        if (!v) {
            r = -ENOMEM;
            break;
        }
        for (tok = strtok_r(v, " ", &save); tok && r >= 0;
             tok = strtok_r(NULL, " ", &save))
            r = add_key(f, tok);
        free(v);
    }
    store__batch_free(&b);
    if (r < 0)
        return r;
    if (f->n_keys > 1) {
        size_t out = 1;

        /* Several transactions touched one object: read it once. */
        qsort(f->keys, f->n_keys, sizeof(char *), cmp_str);
        for (i = 1; i < f->n_keys; i++) {
            if (strcmp(f->keys[i], f->keys[out - 1]))
                f->keys[out++] = f->keys[i];
            else
                free(f->keys[i]);
        }
        f->keys[out] = NULL;
        f->n_keys = out;
    }
    return read_objects_of(s, tx, f);
}

static void remove_ids(store *s, char **ids, size_t n)
{
    struct store_batch b = { 0 };
    size_t i;
    int r = 0;

    for (i = 0; i < n && r >= 0; i++)
        r = store__batch_rm(&b, 0, store__path_journal(ids[i]));
    if (r >= 0)
        store__batch_run(s, &b);
    /* Leftovers are harmless: the next flush covers them again. */
    store__batch_free(&b);
}

/* The tree as read for a snapshot lacks the inverse fields: rebuild them
 * (as a load will), then check everything. */
static int check_before_write(store *s, struct tnode *tree)
{
    char first[STORE_ERROR_MAX - 128];
    int r;

    r = store__tree_rebuild_inverses(tree);
    if (r < 0)
        return r;
    if (store__check_tree(tree, false, NULL, NULL, first, sizeof(first)) > 0)
        return store__fail(s, -EBADMSG, "the store is inconsistent, so the "
                           "snapshot was not written: %s", first);
    return 0;
}

/*
 * Rewrite the base from base + log (compaction); the lock is held.
 * 1 when the base (or its log) does not load, so it must be rebuilt from
 * xenstore; 0 when done; < 0 when the new base could not be written.
 */
static int compact(store *s, const char *path)
{
    struct tnode *t = NULL;
    int r, version = -1;

    r = store__snapshot_read(s, path, &t, &version);
    if (r == -ENOMEM)
        return r;
    if (r < 0)
        return 1;
    r = store__snapshot_write_tree(s, t, SCHEMA_VERSION, true);
    store__tnode_free(t);
    return r;
}

/* "class/uuid" keys of f that were not read: destroyed objects. */
static char **destroyed_keys(const struct flush_read *f)
{
    char **v = calloc(f->n_keys + 1, sizeof(*v));
    size_t i, n = 0;

    if (!v)
        return NULL;
    for (i = 0; i < f->n_keys; i++) {
        const char *slash = strchr(f->keys[i], '/');
        char cls[64];

        if (!slash || (size_t)(slash - f->keys[i]) >= sizeof(cls))
            continue;
        snprintf(cls, sizeof(cls), "%.*s", (int)(slash - f->keys[i]),
                 f->keys[i]);
        if (store__tnode_child(store__tnode_child(f->objects, cls),
                               slash + 1))
            continue;
        v[n] = strdup(f->keys[i]);
        if (!v[n++]) {
            strv_free(v);
            return NULL;
        }
    }
    return v;
}

/* Save the journal (or everything when full); the lock is held. */
static int flush_locked(store *s, bool full)
{
    struct flush_read f = { .full = full };
    _cleanup_free_ char *path = NULL, *logp = NULL, *rec = NULL;
    char **destroyed = NULL;
    struct stat st;
    size_t len = 0, log_size = 0;
    int r;

    path = state_path(s, STORE_SNAPSHOT_FILE);
    logp = path ? log_of(path) : NULL;
    if (!path || !logp)
        return -ENOMEM;
    if (!full && stat(path, &st) < 0)
        f.full = true;          /* no base yet: write everything */
    r = store__read_consistent(s, flush_read_fn, &f);
    if (r >= 0 && f.full) {
        r = check_before_write(s, f.objects);
        if (r >= 0)
            r = store__snapshot_write_tree(s, f.objects, SCHEMA_VERSION,
                                           base_loads(s));
        if (r >= 0)
            remove_ids(s, f.ids, f.n_ids);
        flush_read_reset(&f);
        return r;
    }
    if (r >= 0) {
        destroyed = destroyed_keys(&f);
        r = destroyed ? store__xml_record(f.objects, destroyed,
                                          SCHEMA_VERSION, &rec, &len)
                      : -ENOMEM;
    }
    if (r >= 0)
        r = store__log_append(s, logp, rec, len, &log_size);
    if (r >= 0)
        remove_ids(s, f.ids, f.n_ids);
    strv_free(destroyed);
    flush_read_reset(&f);
    if (r < 0)
        return r;
    /* Keep loads quick: fold the log into the base once it is big.  The
     * change is saved already (in the log): a compaction that fails (no
     * space for the new base) is tried again by the next save. */
    if (log_size > 256 * 1024 && log_size > (size_t)st.st_size / 2) {
        r = compact(s, path);
        if (r > 0) {
            /* A base that does not load: rebuild it from xenstore. */
            struct flush_read g = { .full = true };

            r = store__read_consistent(s, flush_read_fn, &g);
            if (r >= 0)
                r = check_before_write(s, g.objects);
            if (r >= 0)
                r = store__snapshot_write_tree(s, g.objects,
                                               SCHEMA_VERSION, false);
            if (r >= 0)
                remove_ids(s, g.ids, g.n_ids);
            flush_read_reset(&g);
        }
        if (r < 0)
            s->compactions_failed++;
    }
    return 0;
}

int store__snapshot_flush(store *s, const char *my_id)
{
    struct store_batch b = { 0 };
    char msg[STORE_ERROR_MAX];
    int fd, r;

    fd = lock_state(s);
    r = fd;
    if (fd >= 0) {
        /* Saved already by a writer that held the lock before us? */
        r = store__batch_read(&b, 0, store__path_journal(my_id));
        if (r >= 0)
            r = store__batch_run(s, &b);
        if (r >= 0 && b.q[0].err != ENOENT)
            r = flush_locked(s, false);
        store__batch_free(&b);
        unlock_state(fd);
    }
    if (r >= 0)
        return 0;
    /* Committed in xenstore, not on disk: say so; the journal keeps it. */
    snprintf(msg, sizeof(msg), "%s", s->last_error);
    snprintf(s->save_error, sizeof(s->save_error), "%s", msg);
    return store__fail(s, r, "the change is in xenstore but not on disk "
                       "('%s/%s' holds the state before it): %s; xenstore "
                       "keeps it in its journal and the next change that "
                       "saves writes it to disk (a reboot before that loses "
                       "it)", s->state_dir, STORE_SNAPSHOT_FILE, msg);
}

int store_snapshot_write(store *s)
{
    int fd, r;

    if (!s)
        return -EINVAL;
    fd = lock_state(s);
    if (fd < 0)
        return fd;
    r = flush_locked(s, true);
    unlock_state(fd);
    return r;
}

static size_t count_objects(const struct tnode *t)
{
    size_t i, n = 0;

    for (i = 0; i < t->n_children; i++)
        n += t->children[i]->n_children;
    return n;
}

int store_snapshot_verify(store *s, const char *path)
{
    _cleanup_free_ char *def = NULL;
    struct tnode *t = NULL;
    int r, version;
    size_t n;

    if (!s)
        return -EINVAL;
    if (!path) {
        def = state_path(s, STORE_SNAPSHOT_FILE);
        if (!def)
            return -ENOMEM;
        path = def;
    }
    r = store__snapshot_read(s, path, &t, &version);
    if (r < 0)
        return r;
    n = count_objects(t);
    store__tnode_free(t);
    return n > INT32_MAX ? INT32_MAX : (int)n;
}

int store_snapshot_load(store *s, const char *path, unsigned flags)
{
    _cleanup_free_ char *def = NULL;
    struct tnode *t = NULL;
    int r, version;
    size_t n;

    if (!s)
        return -EINVAL;
    def = state_path(s, STORE_SNAPSHOT_FILE);
    if (!def)
        return -ENOMEM;
    if (!path)
        path = def;
    r = store__snapshot_read(s, path, &t, &version);
    if (r < 0)
        return r;
    n = count_objects(t);
    r = store__tree_load(s, t, flags);
    store__tnode_free(t);
    if (r < 0)
        return r;
    /* The snapshot on disk must now match: another file was loaded, or
     * this one was migrated. */
    if (!(s->flags & STORE_OPEN_NO_SNAPSHOT) &&
        (strcmp(path, def) != 0 || version != SCHEMA_VERSION)) {
        r = store_snapshot_write(s);
        if (r < 0)
            return r;
    }
    return n > INT32_MAX ? INT32_MAX : (int)n;
}

/* Everything under SCHEMA_ROOT on one committed state, whatever the
 * version (store__read_consistent would refuse an old one). */
static int dump_stable(store *s, struct tnode **ret, struct store_head *h)
{
    struct store_head h2;
    int r, attempt;

    for (attempt = 0; attempt < 8; attempt++) {
        struct tnode *t = NULL;

        r = store__read_head(s, 0, h, true);
        if (r < 0)
            return r;
        r = store__tree_dump(s, 0, &t);
        if (r < 0)
            return r;
        r = store__read_head(s, 0, &h2, false);
        if (r < 0) {
            store__tnode_free(t);
            return r;
        }
        if (!strcmp(h->generation, h2.generation) &&
            h->restoring == h2.restoring) {
            *ret = t;
            return 0;
        }
        store__tnode_free(t);
    }
    return store__fail(s, -EAGAIN, "the store kept changing while it was "
                       "read for the migration: try again");
}

int store_migrate(store *s)
{
    struct tnode *t = NULL;
    struct store_head h;
    int r, from, fd;
    size_t i;

    if (!s)
        return -EINVAL;
    r = dump_stable(s, &t, &h);
    if (r < 0)
        return r;
    if (h.restoring) {
        store__tnode_free(t);
        return store__head_check(s, &h);
    }
    from = h.version < 0 ? (h.has_objects ? 0 : SCHEMA_VERSION) : h.version;
    if (from >= SCHEMA_VERSION) {
        store__tnode_free(t);
        if (from > SCHEMA_VERSION)
            return store__head_check(s, &h);
        return from;
    }
    /* Only the class subtrees travel; meta nodes are made anew. */
    for (i = t->n_children; i-- > 0;)
        if (!schema_class_find_exact(t->children[i]->name))
            store__tnode_remove(t, t->children[i]->name);
    r = store__migrate_tree(s, t, from);
    if (r >= 0) {
        char first[STORE_ERROR_MAX - 128];

        if (store__check_tree(t, false, NULL, NULL, first,
                              sizeof(first)) > 0)
            r = store__fail(s, -EBADMSG, "the store migrated from version %d "
                            "does not check, nothing was changed: %s", from,
                            first);
    }
    if (r >= 0 && !(s->flags & STORE_OPEN_NO_SNAPSHOT)) {
        fd = lock_state(s);
        r = fd < 0 ? fd : store__snapshot_write_tree(s, t, SCHEMA_VERSION,
                                                     base_loads(s));
        unlock_state(fd);
    }
    if (r >= 0)
        r = store__tree_load(s, t, STORE_LOAD_REPLACE);
    store__tnode_free(t);
    return r < 0 ? r : from;
}
