/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the store, shared between its files (store__ prefix).
 *
 * Layers, bottom up:
 *   wire.c      the xenstore wire protocol over the socket, with requests
 *               pipelined in batches (xenstored answers a connection's
 *               requests in order): one wait per batch, not per request
 *   path.c      the only place that builds xenstore paths of the schema
 *   record.c    store_record values
 *   read.c      schema-guided reads of records, in batches, and the
 *               generation check that makes reads without a transaction
 *               consistent
 *   tx.c        store_transact, create/update/destroy, inverse fields,
 *               the journal entry and generation of each transaction
 *   tree.c      generic trees (struct tnode): dump of SCHEMA_ROOT, and the
 *               staged rewrite used by snapshot load and migration
 *   check.c     a tree checked against the schema (store_check, loads)
 *   xml.c       snapshot XML <-> tree, parsed with hard limits
 *   snapshot.c  the snapshot file: flush of the journal, full write, load
 *   migrate.c   the migration table
 *   index.c     the value indexes (schema_indexes)
 *   watch.c     watches
 */
#ifndef XEN_SRIOV_STORE_INTERNAL_H
#define XEN_SRIOV_STORE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libsriov/macro.h"
#include "store/store.h"

#define STORE_ERROR_MAX 512

/* ---- wire.c ---- */

struct wire;

/* One request of a batch: payload = path NUL [arg [NUL if arg_nul]]. */
struct wire_req {
    uint32_t type;              /* enum xsd_sockmsg_type */
    uint32_t tx;                /* transaction id, 0 = none */
    const char *path;
    const char *arg;
    size_t arg_len;
    bool arg_nul;
    /* results */
    int err;                    /* 0 or a positive errno from xenstored */
    char *reply;                /* malloc'd, with a NUL after reply_len */
    size_t reply_len;
};

/* Connect; on failure a message in msg.  -ECONNREFUSED, -ENOENT, ... */
/*
 * Open a file of the state directory (snapshot, log, lock): never through
 * a symbolic link (ELOOP), close-on-exec, created 0600.
 */
_hidden_ int store__open_state(const char *path, int flags);

_hidden_ int store__wire_open(struct wire **ret, const char *path,
                              char *msg, size_t msg_size);
_hidden_ struct wire *store__wire_close(struct wire *w);
_hidden_ int store__wire_fd(const struct wire *w);
/*
 * Send all requests, pipelined, and collect every reply.  Returns 0 when
 * the transport worked (each request has its own err), or a negative
 * errno when the connection failed (the message in msg).  Directory
 * replies too big for one message are completed with XS_DIRECTORY_PART.
 */
_hidden_ int store__wire_batch(struct wire *w, struct wire_req *reqs,
                               size_t n, char *msg, size_t msg_size);
/* Read one asynchronous message (watch events); -EAGAIN if none is
 * complete yet without blocking. */
_hidden_ int store__wire_read_event(struct wire *w, uint32_t *type,
                                    char **body, size_t *len);
_hidden_ void store__wire_stats(const struct wire *w, uint64_t *requests,
                                uint64_t *round_trips);
_hidden_ void store__wire_reset_stats(struct wire *w);
/* Free the replies of a batch and clear the results. */
_hidden_ void store__wire_reqs_clear(struct wire_req *reqs, size_t n);
/* The path libxenstore would use, and whether a missing socket may fall
 * back to the xenbus device (never when XENSTORED_PATH chose the path). */
_hidden_ int store__wire_default_path(char **ret, bool *may_fall_back);

/* ---- the store handle ---- */

struct store {
    struct wire *wire;
    char *xs_path;
    char *state_dir;
    unsigned flags;
    uint64_t rng;                    /* xorshift64*: jitter */
    uint64_t transactions, retries, snapshot_writes;
    bool committed;                  /* by the last store_transact */
    int wlock_fd;                    /* store.writers (tx.c); -1 not yet
                                        open, -2 cannot be opened */
    uint64_t compactions_failed;     /* saved in the log, base not rewritten */
    char save_error[STORE_ERROR_MAX];  /* why a committed change is unsaved */
    char last_error[STORE_ERROR_MAX];
    int last_errno;
};

struct store_tx {
    store *s;
    uint32_t id;                     /* xenstore transaction id */
    char **touched;                  /* "class/uuid" written, sorted */
    size_t n_touched;
    bool wrote;
};

_hidden_ int store__fail(store *s, int r, const char *fmt, ...)
    _printf_(3, 4);
_hidden_ int store__failv(store *s, int r, const char *fmt, va_list ap);
/* pwrite all of buf at off: a short write goes on, so a full disk is
 * -ENOSPC (or -EDQUOT, -EFBIG), never a vague -EIO. */
_hidden_ int store__pwrite_all(int fd, const void *buf, size_t len,
                               off_t off);
/*
 * Record the failure r of "cannot <what> '<path>'" that wrote need bytes
 * on the state directory's filesystem: for ENOSPC and EDQUOT with the
 * free space and what to delete (store.xml.bak), for EROFS what to do.
 */
_hidden_ int store__fail_write(store *s, int r, const char *what,
                               const char *path, size_t need);
/* Run a batch on the store's connection, recording transport errors. */
_hidden_ int store__batch(store *s, struct wire_req *reqs, size_t n);
/* A random 64-bit value (getrandom). */
_hidden_ int store__random(uint64_t *ret);
/* 16 lowercase hex digits from getrandom: journal ids, generations. */
_hidden_ int store__random_id(char buf[17]);

/* A growing batch of requests owning its paths and arguments. */
struct store_batch {
    struct wire_req *q;
    size_t n, cap;
};
/* Add a request; takes ownership of path (freed even on failure); arg is
 * copied.  -ENOMEM. */
_hidden_ int store__batch_add(struct store_batch *b, uint32_t type,
                              uint32_t tx, char *path, const char *arg,
                              size_t arg_len, bool arg_nul);
_hidden_ int store__batch_run(store *s, struct store_batch *b);
_hidden_ void store__batch_free(struct store_batch *b);
/* Common shapes. */
_hidden_ int store__batch_read(struct store_batch *b, uint32_t tx,
                               char *path);
_hidden_ int store__batch_dir(struct store_batch *b, uint32_t tx,
                              char *path);
_hidden_ int store__batch_write(struct store_batch *b, uint32_t tx,
                                char *path, const char *value);
_hidden_ int store__batch_rm(struct store_batch *b, uint32_t tx, char *path);
/* Names of a directory reply, as a NULL-terminated vector (caller frees
 * with strv_free); *n their number. */
_hidden_ int store__dir_names(const struct wire_req *q, char ***ret,
                              size_t *n);

/* ---- path.c: every schema path is built here ---- */

/* SCHEMA_ROOT/<class> */
_hidden_ char *store__path_class(const struct schema_class *c);
/* SCHEMA_ROOT/<class>/<uuid> */
_hidden_ char *store__path_object(const struct schema_class *c,
                                  const char *uuid);
/* SCHEMA_ROOT/<class>/<uuid>/<field> */
_hidden_ char *store__path_field(const struct schema_class *c,
                                 const char *uuid, const char *field);
/* SCHEMA_ROOT/<class>/<uuid>/<field>/<child> (child: a member UUID or an
 * escaped map key) */
_hidden_ char *store__path_child(const struct schema_class *c,
                                 const char *uuid, const char *field,
                                 const char *child);
/* SCHEMA_ROOT/<node> for the nodes that are not classes */
_hidden_ char *store__path_meta(const char *node);
_hidden_ char *store__path_counter(const char *name);
/* A counter's stored value (SCHEMA_ROOT/counter/<name>): >= 0, or -1. */
_hidden_ int64_t store__counter_parse(const char *v);
/* SCHEMA_ROOT/journal/<id> */
_hidden_ char *store__path_journal(const char *id);
/* SCHEMA_ROOT/index/<class>/<field>[/<key>[/<uuid>]] (key: an escaped
 * value) */
_hidden_ char *store__path_index(const struct schema_index *x,
                                 const char *key, const char *uuid);

/* ---- record.c ---- */

struct store_kv {
    char *key;                       /* raw (unescaped) key */
    char *value;
};

struct store_rfield {
    char *value;                     /* scalars; set(ref): joined cache */
    char **members;                  /* set(ref): sorted */
    size_t n_members;
    struct store_kv *entries;        /* map: sorted by key */
    size_t n_entries;
    bool present;                    /* read from xenstore or set */
    bool dirty;                      /* changed since read */
};

struct store_record {
    const struct schema_class *cls;
    char uuid[37];
    struct store_rfield *f;          /* one per schema field */
};

_hidden_ int store__record_alloc(store_record **ret,
                                 const struct schema_class *cls,
                                 bool defaults);
_hidden_ void store__record_clear_dirty(store_record *r);
/* Set a field's stored state when reading (not dirty, no checks). */
/*
 * Fields a create leaves out at their default (docs/store.md "Fewer nodes
 * per object"): stored, not required, not kept by the store, not a set of
 * references.  A missing node of such a field reads as
 * store__field_default (a map: empty).
 */
_hidden_ bool store__field_omittable(const struct schema_class *c,
                                     const struct schema_field *f);
_hidden_ const char *store__field_default(const struct schema_field *f);
/* Field fi of r is omittable and at its default: no node for it. */
_hidden_ bool store__field_left_out(const store_record *r, size_t fi);
_hidden_ int store__record_put_value(store_record *r, size_t fi,
                                     const char *value);
_hidden_ int store__record_put_member(store_record *r, size_t fi,
                                      const char *member);
_hidden_ int store__record_put_entry(store_record *r, size_t fi,
                                     const char *key, const char *value);
_hidden_ int store__record_finish(store_record *r);  /* sort, joins */
/* Set membership edits without the maintained-field check. */
_hidden_ int store__record_members_set(store_record *r, size_t fi,
                                       const char *joined, bool dirty);

/* ---- read.c ---- */

/* store__read_records flag: leave out the fields the store maintains
 * (inverse fields), which snapshots do not hold. */
#define STORE__READ_PRIMARY (1u << 16)

/*
 * Read records of one class in batches (tx 0 = outside a transaction).
 * uuids: the objects; a vanished one is skipped (or -ENOENT when
 * missing_is_error).  Filtering as store_tx_list.  Returns the number of
 * invalid records skipped with STORE_LIST_SKIP_INVALID.
 */
_hidden_ int store__read_records(store *s, uint32_t tx,
                                 const struct schema_class *c,
                                 char **uuids, size_t n_uuids,
                                 const struct store_match *match,
                                 size_t n_match, unsigned flags,
                                 bool missing_is_error,
                                 store_record ***ret, size_t *n);
/* The uuids under SCHEMA_ROOT/<class>, sorted (empty if none). */
_hidden_ int store__read_uuids(store *s, uint32_t tx,
                               const struct schema_class *c,
                               char ***ret, size_t *n);

/* State of SCHEMA_ROOT read at the start of every operation. */
struct store_head {
    char generation[17];             /* "" if none */
    int version;                     /* -1: no schema-version node */
    bool restoring;
    bool has_objects;                /* a class directory has children? */
};
_hidden_ int store__read_head(store *s, uint32_t tx, struct store_head *h,
                              bool want_objects);
/* -EPROTO/-EAGAIN with the message when the head does not allow access. */
_hidden_ int store__head_check(store *s, const struct store_head *h);

/*
 * Run fn outside a transaction but on one committed state: the
 * generation is read before and after (in fn's last batch's wake); on a
 * change fn runs again, and after a few tries inside a read transaction.
 */
_hidden_ int store__read_consistent(store *s,
                                    int (*fn)(store *s, uint32_t tx,
                                              void *userdata),
                                    void *userdata);

/* ---- tx.c ---- */

_hidden_ int store__tx_touch(store_tx *tx, const struct schema_class *c,
                             const char *uuid);
_hidden_ int store__tx_begin(store *s, uint32_t *ret);
_hidden_ int store__tx_end(store *s, uint32_t id, bool commit);

/* ---- index.c ---- */

/* Keep the indexes of r's class for a create, or for the fields an update
 * changes (before they are written: the old value is read). */
_hidden_ int store__index_write(store_tx *tx, const store_record *r,
                                bool creating);
/* Remove r's entries (destroy). */
_hidden_ int store__index_remove(store_tx *tx, const store_record *r);

/* ---- tree.c ---- */

struct tnode {
    char *name;
    char *value;                     /* "" for directories */
    struct tnode **children;         /* sorted by name once built */
    size_t n_children;
};

_hidden_ struct tnode *store__tnode_new(const char *name, const char *value);
_hidden_ struct tnode *store__tnode_free(struct tnode *t);
_hidden_ int store__tnode_add(struct tnode *parent, struct tnode *child);
_hidden_ struct tnode *store__tnode_child(const struct tnode *t,
                                          const char *name);
/* Detach and free the child named name; 0, or -ENOENT. */
_hidden_ int store__tnode_remove(struct tnode *t, const char *name);
_hidden_ void store__tnode_sort(struct tnode *t);        /* recursive */
_hidden_ bool store__tnode_equal(const struct tnode *a, const struct tnode *b);
/* An object subtree (named uuid, one child per stored field). */
_hidden_ int store__record_to_tnode(const store_record *r,
                                    struct tnode **ret);
/* Everything under SCHEMA_ROOT, node by node (read + directory). */
_hidden_ int store__tree_dump(store *s, uint32_t tx, struct tnode **ret);
/*
 * Recompute every maintained (inverse) field of the objects of tree from
 * the references that point at them: snapshots do not store them.  A
 * one-to-one inverse claimed twice keeps the first claim (the check then
 * reports the second).
 */
_hidden_ int store__tree_rebuild_inverses(struct tnode *tree);
/*
 * Replace the whole store with the class subtrees of tree (staged: the
 * restoring marker, removal, writes, then version and generation).
 */
_hidden_ int store__tree_load(store *s, const struct tnode *tree,
                              unsigned flags);

/* The index subtree (named SCHEMA_NODE_INDEX, sorted) of the class
 * subtrees of tree (index.c). */
_hidden_ int store__tree_index(const struct tnode *tree, struct tnode **ret);

/* ---- check.c ---- */

typedef void (*store_report_fn)(void *userdata, const char *problem);
/*
 * Check the class subtrees of tree (children of the root tnode named after
 * classes; meta nodes allowed when allow_meta) against the schema.
 * Returns the number of problems; the first in first (may be NULL).
 */
_hidden_ int store__check_tree(const struct tnode *root, bool allow_meta,
                               store_report_fn report, void *userdata,
                               char *first, size_t first_size);

/* ---- xml.c ---- */

#define STORE_SNAPSHOT_MAX (256u << 20)      /* bytes */

/* Parse a snapshot into a tree of objects; version out.  -EBADMSG with
 * the reason in msg (file offset/line where known). */
_hidden_ int store__xml_parse(const char *data, size_t len,
                              struct tnode **ret, int *ret_version,
                              char *msg, size_t msg_size);
/* A journal record of the snapshot log: objects (a root of classes) and
 * <destroyed class= uuid=/> elements; "class/uuid" strings out. */
_hidden_ int store__xml_parse_record(const char *data, size_t len,
                                     struct tnode **ret, int *ret_version,
                                     char ***ret_destroyed, char *msg,
                                     size_t msg_size);
/* Serialize to fd (buffered); -errno on a write failure. */
_hidden_ int store__xml_write(int fd, const struct tnode *tree, int version);
/* A journal record in memory (NUL-terminated, *len bytes). */
_hidden_ int store__xml_record(const struct tnode *objects,
                               char *const *destroyed, int version,
                               char **ret, size_t *len);

/* ---- log.c ---- */

_hidden_ uint32_t store__crc32(const void *data, size_t len);
/* Frames of a log buffer applied to tree (NULL: only checked); the number
 * of records, or -EBADMSG with the reason in msg. */
_hidden_ int store__log_parse(const char *data, size_t len,
                              struct tnode *tree, int version, char *msg,
                              size_t msg_size);
/* Replay <log_path> onto tree; a missing log is empty. */
_hidden_ int store__log_replay(store *s, const char *log_path,
                               struct tnode *tree, int version);
/* Append one record and fsync; the log's new size out. */
_hidden_ int store__log_append(store *s, const char *log_path,
                               const char *rec, size_t len,
                               size_t *ret_size);
_hidden_ int store__log_truncate(store *s, const char *log_path);
/* Replace/remove objects of tree: objects (consumed) and "class/uuid". */
_hidden_ int store__tree_apply(struct tnode *tree, struct tnode *objects,
                               char *const *destroyed);

/* ---- snapshot.c ---- */

/* Persist what the journal holds (called after a commit). */
_hidden_ int store__snapshot_flush(store *s, const char *my_id);
/* Write tree as the snapshot (locked by the caller or not); base_good:
 * the base on disk loads, so it becomes the spare .bak. */
_hidden_ int store__snapshot_write_tree(store *s, const struct tnode *tree,
                                        int version, bool base_good);
/* Read + parse + migrate + check a snapshot file. */
_hidden_ int store__snapshot_read(store *s, const char *path,
                                  struct tnode **ret, int *ret_version);

/* ---- migrate.c ---- */

/* Migrate tree (SCHEMA_ROOT's class subtrees) from version to
 * SCHEMA_VERSION in place.  -EPROTO for an unknown version. */
_hidden_ int store__migrate_tree(store *s, struct tnode *tree, int version);

#endif
