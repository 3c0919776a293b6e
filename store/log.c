/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The snapshot log: records appended after the base snapshot. */
/*
 * <state>/store.xml holds the whole store; <state>/store.xml.log holds the
 * changes saved since, one frame per flush:
 *   "XSL1 <length> <crc32, 8 hex digits>\n" <record: length bytes> "\n"
 * where a record is a small snapshot document with the objects written
 * (whole, as they are now) and <destroyed class= uuid=/> elements.  Loading
 * replays the frames over the base in order; a record carries full object
 * states, so replaying a frame twice changes nothing.
 *
 * A crash while appending leaves a torn last frame (short, or a bad CRC at
 * the end of the file): it was never acknowledged, so it is ignored, and
 * the next append cuts it off.  A bad frame followed by more data is
 * corruption: the snapshot is rejected.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/internal.h"

#define MAGIC "XSL1 "
#define HEADER_MAX 40

uint32_t store__crc32(const void *data, size_t len)
{
    /* CRC-32 (IEEE 802.3, reflected 0xedb88320), a nibble at a time. */
    static const uint32_t t[16] = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
        0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
        0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
        0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
    };
    const unsigned char *p = data;
    uint32_t crc = 0xffffffffu;

    while (len--) {
        crc ^= *p++;
        crc = (crc >> 4) ^ t[crc & 15];
        crc = (crc >> 4) ^ t[crc & 15];
    }
    return ~crc;
}

/*
 * The frame at data[0..len): 1 with the record's place, its length and
 * the CRC the header declares; 0 when it runs past the end; -EBADMSG when
 * the header or the terminator is wrong.
 */
static int frame(const char *data, size_t len, const char **rec,
                 size_t *rec_len, size_t *frame_len, uint32_t *crc)
{
    char header[HEADER_MAX + 1], *end, *crc_text;
    const char *nl = memchr(data, '\n', len < HEADER_MAX ? len : HEADER_MAX);
    unsigned long long n;
    unsigned long c;
    size_t hl, total;

    if (!nl)
        return len < HEADER_MAX ? 0 : -EBADMSG;
    hl = (size_t)(nl - data);
    memcpy(header, data, hl);
    header[hl] = '\0';
    if (strncmp(header, MAGIC, strlen(MAGIC)) ||
        !(header[strlen(MAGIC)] >= '0' && header[strlen(MAGIC)] <= '9'))
        return -EBADMSG;
    errno = 0;
    n = strtoull(header + strlen(MAGIC), &end, 10);
    if (errno || *end != ' ' || n > STORE_SNAPSHOT_MAX)
        return -EBADMSG;
    crc_text = end + 1;
    if (strlen(crc_text) != 8 || strspn(crc_text, "0123456789abcdef") != 8)
        return -EBADMSG;
    c = strtoul(crc_text, NULL, 16);
    total = hl + 1 + (size_t)n + 1;
    if (total > len)
        return 0;
    if (data[hl + 1 + n] != '\n')
        return -EBADMSG;
    *rec = data + hl + 1;
    *rec_len = (size_t)n;
    *frame_len = total;
    *crc = (uint32_t)c;
    return 1;
}

static bool all_nul(const char *p, size_t len)
{
    while (len--)
        if (*p++)
            return false;
    return true;
}

/*
 * Walk the frames of a log: *valid_end is where the good frames end.
 * With tree, each record is parsed and applied to it (version must match)
 * and every CRC is checked; without, only the last frame's (the one a
 * crash may have torn).  A failing frame is a torn tail when it runs into
 * the end of the file, ends exactly there, or only NUL bytes follow (a
 * file extended by a crash); otherwise the log is damaged.
 */
static int walk(const char *data, size_t len, struct tnode *tree,
                int version, size_t *valid_end, char *msg, size_t msg_size)
{
    size_t off = 0, k = 0;
    int r;

    while (off < len) {
        const char *rec = NULL;
        size_t rec_len = 0, flen = 0;
        uint32_t crc = 0;

        r = frame(data + off, len - off, &rec, &rec_len, &flen, &crc);
        if (r > 0 && (tree || off + flen == len) &&
            store__crc32(rec, rec_len) != crc)
            r = off + flen == len ? 0 : -EBADMSG;
        if (r < 0 && all_nul(data + off, len - off))
            r = 0;
        if (r == 0)
            break;                      /* torn tail: ignored */
        if (r < 0) {
            snprintf(msg, msg_size, "log frame %zu at byte %zu is damaged "
                     "and followed by more data", k + 1, off);
            return -EBADMSG;
        }
        if (tree) {
            struct tnode *objs = NULL;
            char **destroyed = NULL, why[256];
            int v;

            r = store__xml_parse_record(rec, rec_len, &objs, &v, &destroyed,
                                        why, sizeof(why));
            if (r == -ENOMEM)
                return r;
            if (r < 0) {
                snprintf(msg, msg_size, "log frame %zu: %s", k + 1, why);
                return -EBADMSG;
            }
            if (v != version) {
                store__tnode_free(objs);
                strv_free(destroyed);
                snprintf(msg, msg_size, "log frame %zu has schema version "
                         "%d, the base %d", k + 1, v, version);
                return -EBADMSG;
            }
            r = store__tree_apply(tree, objs, destroyed);
            strv_free(destroyed);
            if (r < 0) {
                snprintf(msg, msg_size, "log frame %zu cannot be applied",
                         k + 1);
                return r;
            }
        }
        off += flen;
        k++;
    }
    *valid_end = off;
    return (int)(k > INT32_MAX ? INT32_MAX : k);
}

int store__log_parse(const char *data, size_t len, struct tnode *tree,
                     int version, char *msg, size_t msg_size)
{
    size_t end;

    return walk(data, len, tree, version, &end, msg, msg_size);
}

int store__tree_apply(struct tnode *tree, struct tnode *objects,
                      char *const *destroyed)
{
    size_t i;
    int r = 0;

    for (i = 0; destroyed && destroyed[i]; i++) {
        char cls[64];
        const char *slash = strchr(destroyed[i], '/');
        struct tnode *cn;

        if (!slash || (size_t)(slash - destroyed[i]) >= sizeof(cls))
            continue;
        snprintf(cls, sizeof(cls), "%.*s", (int)(slash - destroyed[i]),
                 destroyed[i]);
        cn = store__tnode_child(tree, cls);
        if (cn)
            store__tnode_remove(cn, slash + 1);
    }
    /* Move every object of objects into tree, replacing what is there. */
    while (objects && objects->n_children && r >= 0) {
        struct tnode *src = objects->children[objects->n_children - 1];
        struct tnode *cn = store__tnode_child(tree, src->name);

        if (!cn) {
            objects->n_children--;
            r = store__tnode_add(tree, src);
            continue;
        }
        while (src->n_children && r >= 0) {
            struct tnode *o = src->children[--src->n_children];

            store__tnode_remove(cn, o->name);
            r = store__tnode_add(cn, o);
        }
        if (r >= 0) {
            objects->n_children--;
            store__tnode_free(src);
        }
    }
    store__tnode_free(objects);
    return r;
}

static int read_all_fd(int fd, char **ret, size_t *len)
{
    struct stat st;
    size_t off = 0;
    char *buf;

    if (fstat(fd, &st) < 0)
        return -errno;
    if ((unsigned long long)st.st_size > STORE_SNAPSHOT_MAX)
        return -EFBIG;
    buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        return -ENOMEM;
    while (off < (size_t)st.st_size) {
        ssize_t k = pread(fd, buf + off, (size_t)st.st_size - off,
                          (off_t)off);

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

int store__log_replay(store *s, const char *log_path, struct tnode *tree,
                      int version)
{
    _cleanup_close_ int fd = -1;
    char msg[STORE_ERROR_MAX - 160], *data = NULL;
    size_t len = 0;
    int r;

    fd = store__open_state(log_path, O_RDONLY);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0)
        return store__fail(s, -errno, "cannot read the snapshot log '%s': "
                           "%m", log_path);
    r = read_all_fd(fd, &data, &len);
    if (r < 0)
        return store__fail(s, r == -EFBIG ? -EBADMSG : r, "snapshot log "
                           "'%s' is unreadable: %s", log_path,
                           strerror(-r));
    r = store__log_parse(data, len, tree, version, msg, sizeof(msg));
    free(data);
    if (r == -ENOMEM)
        return r;
    if (r < 0)
        return store__fail(s, -EBADMSG, "snapshot log '%s' is rejected: %s; "
                           "nothing was loaded", log_path, msg);
    return r;
}

int store__log_append(store *s, const char *log_path, const char *rec,
                      size_t len, size_t *ret_size)
{
    _cleanup_close_ int fd = -1;
    char header[HEADER_MAX], msg[128], *data = NULL;
    size_t have = 0, end = 0, hl;
    struct stat st;
    bool created;
    int r;

    created = stat(log_path, &st) < 0;
    fd = store__open_state(log_path, O_RDWR | O_CREAT);
    if (fd < 0)
        return store__fail(s, -errno, "cannot open the snapshot log '%s': "
                           "%m", log_path);
    r = read_all_fd(fd, &data, &have);
    if (r < 0)
        return store__fail(s, r, "cannot read the snapshot log '%s': %s",
                           log_path, strerror(-r));
    r = walk(data, have, NULL, 0, &end, msg, sizeof(msg));
    free(data);
    if (r < 0)
        return store__fail(s, r, "snapshot log '%s' is damaged (%s): run "
                           "'xen-sriov-store snapshot' to rewrite it from "
                           "xenstore", log_path, msg);
    /* A torn frame of a crashed writer is cut off before appending. */
    if (end < have && ftruncate(fd, (off_t)end) < 0)
        return store__fail(s, -errno, "cannot cut the torn end of '%s': %m",
                           log_path);
    hl = (size_t)snprintf(header, sizeof(header), MAGIC "%zu %08x\n", len,
                          store__crc32(rec, len));
    r = store__pwrite_all(fd, header, hl, (off_t)end);
    if (r >= 0)
        r = store__pwrite_all(fd, rec, len, (off_t)(end + hl));
    if (r >= 0)
        r = store__pwrite_all(fd, "\n", 1, (off_t)(end + hl + len));
    if (r >= 0 && fsync(fd) < 0)
        r = -errno;
    if (r < 0) {
        /* Leave no torn frame behind when we can. */
        if (ftruncate(fd, (off_t)end) < 0) {
            /* The next append cuts it off. */
        }
        return store__fail_write(s, r, "append to the snapshot log",
                                 log_path, hl + len + 1);
    }
    if (created) {
        _cleanup_close_ int dfd = -1;
        char *dir = strdup(log_path), *slash;

        if (!dir)
            return -ENOMEM;
        slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        r = dfd < 0 || fsync(dfd) < 0 ? -errno : 0;
        free(dir);
        if (r < 0)
            return store__fail(s, r, "cannot sync the directory of '%s': "
                               "%s", log_path, strerror(-r));
    }
    *ret_size = end + hl + len + 1;
    return 0;
}

int store__log_truncate(store *s, const char *log_path)
{
    _cleanup_close_ int fd = -1;

    fd = store__open_state(log_path, O_WRONLY);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 || ftruncate(fd, 0) < 0 || fsync(fd) < 0)
        return store__fail(s, -errno, "cannot empty the snapshot log '%s': "
                           "%m", log_path);
    return 0;
}
