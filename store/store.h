/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xen-sriov object store: records of the classes in
 * xenstore-schema/schema.h, kept in xenstore under SCHEMA_ROOT (one node
 * per field, readable with xenstore-ls) and persisted to an XML snapshot
 * under <root>/var/lib/xen-sriov.  Linked by the xe front end, the XenAPI
 * endpoint, the daemon, the boot restore and the tests (store/libstore.la).
 * docs/store.md explains the design; xenstore-schema/paths.md every node.
 *
 * Conventions (as libsriov's):
 * - Functions that can fail return an int: >= 0 on success, a negative
 *   errno on failure, and then store_last_error() holds one line saying
 *   what failed (class, uuid, field, path) and what to do.  Outputs are
 *   never written on failure.  The errnos each function documents are the
 *   expected ones; any call may also fail with -ENOMEM, and with
 *   -ECONNREFUSED/-ENOENT (xenstored not running: "cannot connect to
 *   xenstored at '<socket>': start xenstored (systemctl start
 *   xenstored)") or -ECONNRESET (it died meanwhile).
 * - A store handle is not thread-safe: one per thread, or a lock.  After
 *   fork(), the child opens its own.
 * - Records are values: reading one gives the caller a copy
 *   (store_record_free); changing it does nothing until it is written in
 *   a transaction.  Values are the schema's text ("true", "1500", UUIDs,
 *   ...).  Fields are named by their ids, SF_<name> (XenAPI names:
 *   SF_name_label, SF_MTU; xenstore-schema/fields.h, generated from the
 *   table), so that a misspelt field does not compile; a name known only
 *   at run time (a user's param-name=) becomes an id through
 *   schema_fid_find(), SF_NONE when unknown.  An id of a field the
 *   record's class lacks (or SF_NONE) reads as NULL and is refused by the
 *   setters (-EINVAL), as an unknown name was.
 *
 * Consistency:
 * - Every change is one xenstore transaction (store_transact): either all
 *   of it is visible to others or none, and the transaction is retried on
 *   conflict (EAGAIN), with bounded, jittered exponential backoff, so two
 *   processes never lose an update or double-allocate.
 * - Reads outside a transaction (store_get, store_list) see one committed
 *   state: they are pipelined without a transaction and checked against
 *   SCHEMA_ROOT/generation, which every write transaction changes
 *   (seqlock); on a change they read again (docs/store.md says why: a
 *   4096-record read transaction costs 4x more in the C xenstored).
 * - References (REF fields) are checked to exist in the same transaction;
 *   inverse fields (network.PIFs, PIF.sriov_physical_PIF_of,
 *   PCI.reserved_by, ...) are maintained by the store and cannot be
 *   written by callers; destroying an object others still reference is
 *   refused (-EBUSY).
 * - Durability: when store_transact() returns success, the change is in
 *   the snapshot on disk (unless opened with STORE_OPEN_NO_SNAPSHOT).
 */
#ifndef XEN_SRIOV_STORE_H
#define XEN_SRIOV_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xenstore-schema/schema.h"

typedef struct store store;
typedef struct store_tx store_tx;
typedef struct store_record store_record;
typedef struct store_watch store_watch;

/* ---- Opening ---------------------------------------------------------- */

/* Do not write the snapshot (nor the journal): tests and benchmarks of
 * the xenstore side only.  Changes made so are lost at reboot. */
#define STORE_OPEN_NO_SNAPSHOT (1u << 0)

struct store_opts {
    /* Host root ($SRIOV_ROOT, read by the program): the snapshot lives
     * in <root>/var/lib/xen-sriov.  NULL or "" = "/". */
    const char *root;
    /* Overrides the state directory derived from root. */
    const char *state_dir;
    /* xenstored socket or xenbus device; NULL = libxenstore's choice
     * ($XENSTORED_PATH, else <rundir>/socket, else the xenbus device
     * unless XENSTORED_PATH is set). */
    const char *xenstore_path;
    unsigned flags;             /* STORE_OPEN_* */
};

/*
 * Connect to xenstored.  Writes nothing: the store tree is created by the
 * first write transaction (or store_init()).
 * @param[out] ret  the store, closed with store_close()
 * @param opts      NULL for defaults
 * @return 0; -ECONNREFUSED/-ENOENT when xenstored is not running;
 *         -ENOMEM.  On failure *ret is not written, and the message is
 *         in @p errbuf if given (there is no store to hold it).
 */
int store_open(store **ret, const struct store_opts *opts, char *errbuf,
               size_t errbuf_size);

/* Disconnect and free.  Accepts NULL; returns NULL. */
store *store_close(store *s);

/* The last error's message ("" if none) and negative errno (0). */
const char *store_last_error(const store *s);
int store_last_errno(const store *s);

/* Where the snapshot lives (<root>/var/lib/xen-sriov), and the socket. */
const char *store_state_dir(const store *s);
const char *store_xenstore_path(const store *s);

/*
 * Create SCHEMA_ROOT with permissions "n0" and the schema version if the
 * store is empty; check the version otherwise.  Write transactions do this
 * themselves; programs that start first at boot may call it.
 * @return 0; -EPROTO if the stored schema version is not ours (the
 *         message says to migrate, or to upgrade)
 */
int store_init(store *s);

/* Counters for benchmarks: requests sent to xenstored, round trips
 * (waits for replies: pipelined requests share one), transactions
 * started, transactions retried after a conflict, snapshot writes. */
struct store_stats {
    uint64_t requests;
    uint64_t round_trips;
    uint64_t transactions;
    uint64_t retries;
    uint64_t snapshot_writes;
    uint64_t compactions_failed;    /* saved in the log, base not rewritten
                                     * (no space): the next save retries */
};
void store_get_stats(const store *s, struct store_stats *ret);
void store_reset_stats(store *s);

/* ---- Records ---------------------------------------------------------- */

/*
 * A new record of class @p cls (case-insensitive XenAPI name) with every
 * field at its schema default and an empty uuid (store_tx_create picks
 * one).  -EINVAL for an unknown class.
 */
int store_record_new(store_record **ret, const char *cls);
store_record *store_record_free(store_record *r);            /* NULL-safe */
/* For _cleanup_(store_record_freep). */
static inline void store_record_freep(store_record **r)
{
    store_record_free(*r);
}
void store_record_list_free(store_record **v, size_t n);     /* NULL-safe */
int store_record_dup(store_record **ret, const store_record *r);

const struct schema_class *store_record_class(const store_record *r);
const char *store_record_uuid(const store_record *r);
/* Give a new record its UUID (before store_tx_create); -EINVAL if not a
 * canonical lowercase UUID. */
int store_record_set_uuid(store_record *r, const char *uuid);

/*
 * Scalar fields (string, int, bool, enum, uuid, ref, set(string)): the
 * value, "" for a null ref.  For a set(ref) field: the members joined
 * with ','.  NULL for a field the record's class lacks, a map field, or a
 * computed field.  Borrowed from the record; valid until it changes.
 */
const char *store_record_get(const store_record *r, enum schema_fid field);

/*
 * Set a scalar field (set(ref) fields: members joined with ',').  The value
 * is validated when written (store_tx_create/update).  -EINVAL for an
 * unknown, map or computed field; -EPERM for a field the store maintains
 * (an inverse, e.g. network.PIFs).
 */
int store_record_set(store_record *r, enum schema_fid field,
                     const char *value);

/*
 * Set a stored field as read from elsewhere than this host's xenstore (a
 * pool member's record mirrored in etcd, pool/): scalar fields, and
 * set(ref) fields with members joined by ',', store-maintained ones
 * (inverses) included.  Such a record is for reading: writing it back
 * would be refused for the maintained fields.  -EINVAL for an unknown,
 * map or computed field.
 */
int store_record_load_value(store_record *r, enum schema_fid field,
                            const char *value);

/* Set fields (set(ref)): member count, i-th member (sorted), membership;
 * add/remove (-EPERM for store-maintained sets). */
size_t store_record_set_count(const store_record *r, enum schema_fid field);
const char *store_record_set_member(const store_record *r,
                                    enum schema_fid field, size_t i);
bool store_record_set_contains(const store_record *r, enum schema_fid field,
                               const char *member);
int store_record_set_add(store_record *r, enum schema_fid field,
                         const char *member);
int store_record_set_remove(store_record *r, enum schema_fid field,
                            const char *member);

/* Map fields: entry count, i-th key/value (sorted by key), lookup (NULL
 * if absent); put (value NULL removes the key). */
size_t store_record_map_count(const store_record *r, enum schema_fid field);
const char *store_record_map_key(const store_record *r,
                                 enum schema_fid field, size_t i);
const char *store_record_map_value(const store_record *r,
                                   enum schema_fid field, size_t i);
const char *store_record_map_get(const store_record *r,
                                 enum schema_fid field, const char *key);
int store_record_map_put(store_record *r, enum schema_fid field,
                         const char *key, const char *value);

/* ---- Transactions ----------------------------------------------------- */

/*
 * The body of a transaction.  Called with a transaction handle; returns
 * >= 0 to commit, < 0 to abort (that value is returned by store_transact,
 * -EAGAIN aborts and retries).  It may be called several times (after a
 * conflict), so it must not keep state from an attempt that failed: reset
 * its outputs at the start.  It must not call store_transact itself.
 */
typedef int (*store_tx_fn)(store_tx *tx, void *userdata);

/*
 * Run @p fn in a xenstore transaction, retried on conflict (at most 64
 * attempts, backoff 0.5 ms doubling to 64 ms, half of it random).  When it
 * returns 0 the change is committed and in the snapshot.
 * @return fn's value (>= 0) on success; fn's error; -EAGAIN if it kept
 *         conflicting; -EPROTO on a schema version mismatch; -EAGAIN if a
 *         restore is running; -EIO/-ENOSPC/... if the change was committed
 *         but the snapshot could not be written (the message says so; the
 *         change stays in the journal and the next write saves it)
 */
int store_transact(store *s, store_tx_fn fn, void *userdata);

/*
 * Whether the last store_transact (or one-call helper) committed its
 * change in xenstore.  True also when it then failed to save the snapshot:
 * the change is live and the journal keeps it for the next write.
 */
bool store_last_committed(const store *s);

/*
 * When the last store_transact committed but could not save: why, as one
 * line without the "committed" preamble of store_last_error() ("cannot
 * append to the snapshot log '...': No space left on device ..."); else "".
 * For callers that take the change back and say so themselves.
 */
const char *store_last_save_error(const store *s);

/* The store of a transaction (for store_last_error, nested helpers). */
store *store_tx_store(store_tx *tx);

/* Record a message for an error of fn's own and return r. */
int store_tx_fail(store_tx *tx, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Read one record.  -ENOENT if it does not exist; -EBADMSG if a field is
 * missing or malformed (the message names class, uuid, field and value).
 */
int store_tx_get(store_tx *tx, const char *cls, const char *uuid,
                 store_record **ret);

/*
 * Read one stored scalar field of one object (its stored text; malloc'd).
 * -ENOENT if the object or the field is missing; -EINVAL for a field that
 * is not a stored scalar.
 */
int store_tx_get_field(store_tx *tx, const char *cls, const char *uuid,
                       enum schema_fid field, char **ret);

/* 1 if the object exists, 0 if not. */
int store_tx_exists(store_tx *tx, const char *cls, const char *uuid);

/*
 * A filter term for listing: the record matches when field equals value
 * (scalars: the stored text; set fields: value is a member).  All terms
 * must match.
 */
struct store_match {
    enum schema_fid field;
    const char *value;
};

/* Skip records with a missing or malformed field instead of failing;
 * the number skipped is returned and the first is in store_last_error. */
#define STORE_LIST_SKIP_INVALID (1u << 0)

/*
 * List the records of class @p cls matching every term of @p match (n_match
 * may be 0), sorted by uuid.  Free with store_record_list_free.
 * @return the number of invalid records skipped (>= 0); -EINVAL for an
 *         unknown class or field; -EBADMSG for an invalid record
 */
int store_tx_list(store_tx *tx, const char *cls,
                  const struct store_match *match, size_t n_match,
                  unsigned flags, store_record ***ret, size_t *n);

/*
 * Create @p r.  An empty uuid gets a new random one (written back into
 * @p r).  Every field is validated; references must exist; inverse fields
 * of the targets are updated.
 * @return 0; -EINVAL (invalid value; message names field, value, why);
 *         -ENOENT (a reference to a missing object); -EEXIST (uuid taken);
 *         -EBUSY (a one-to-one reference already taken)
 */
int store_tx_create(store_tx *tx, store_record *r);

/*
 * Write the fields of @p r changed since it was read or created (setters
 * mark them), with the same checks as create.  -ENOENT if the object is
 * gone.
 */
int store_tx_update(store_tx *tx, store_record *r);

/*
 * Destroy an object, removing it from the inverse fields it appears in.
 * @return 0; -ENOENT; -EBUSY if another object still refers to it through
 *         a maintained field (the message names it: destroy that first)
 */
int store_tx_destroy(store_tx *tx, const char *cls, const char *uuid);

/*
 * The objects of class cls whose indexed field (schema_indexes: network.
 * bridge, VIF.VM, VIF.MAC) holds value: one directory read, so a write
 * checks a value without reading every record.  *ret is NULL-terminated
 * (uuids, unsorted); free it with strv-style free() of each and the array.
 * -EINVAL for a field that is not indexed or a value that cannot be (empty,
 * longer than SCHEMA_KEY_MAX).
 */
int store_tx_index(store_tx *tx, const char *cls, enum schema_fid field,
                   const char *value, char ***ret, size_t *n);

/*
 * A counter of the store, SCHEMA_ROOT/counter/<name> (name: [a-z0-9-],
 * 1 to 32 bytes; a decimal number from 0): a hint a write keeps to find a
 * free value in a few reads (network-create's next xapiN), read and
 * written in the transaction, so two transactions that advance it
 * conflict.  Derived data like the indexes: not in snapshots, dropped by a
 * load or a migration, so *ret is -1 when it does not exist (the caller
 * then works it out once) and whoever uses it checks what it points at.
 * A value that is not a number reads as -1 too (store_check reports it).
 */
int store_tx_counter_get(store_tx *tx, const char *name, int64_t *ret);
int store_tx_counter_set(store_tx *tx, const char *name, int64_t value);

/* ---- One-call helpers (each one transaction or one consistent read) --- */

int store_get(store *s, const char *cls, const char *uuid,
              store_record **ret);
int store_list(store *s, const char *cls, const struct store_match *match,
               size_t n_match, unsigned flags, store_record ***ret,
               size_t *n);
/*
 * The uuids of every object of class cls, sorted (one consistent read of
 * one directory: what counting or listing refs needs, without reading
 * the records).  *ret is NULL-terminated; free it with free() on each
 * member and the array.  -EINVAL for an unknown class.
 */
int store_list_uuids(store *s, const char *cls, char ***ret, size_t *n);
/*
 * The values an indexed field holds in the store (one consistent read of
 * one directory, outside a transaction): what picking a free value needs
 * (a new bridge name), checked again in the transaction with
 * store_tx_index.  Freed as store_list_uuids'.
 */
int store_index_values(store *s, const char *cls, enum schema_fid field,
                       char ***ret, size_t *n);
int store_create(store *s, store_record *r);
int store_update(store *s, store_record *r);
int store_destroy(store *s, const char *cls, const char *uuid);
/* Set one scalar field of one object. */
int store_set_field(store *s, const char *cls, const char *uuid,
                    enum schema_fid field, const char *value);

/* ---- UUIDs ------------------------------------------------------------ */

/* A random (version 4) UUID, canonical lowercase, into buf[37].  -EIO if
 * the kernel has no randomness to give. */
int store_uuid_new(char buf[37]);

/* ---- Watches ---------------------------------------------------------- */

enum store_event_op {
    STORE_EVENT_ADD,     /* created since the watch started */
    STORE_EVENT_MOD,     /* changed */
    STORE_EVENT_DEL,     /* destroyed */
    STORE_EVENT_RESET    /* everything may have changed (a restore or a
                            migration rewrote the tree): list again */
};

struct store_event {
    const char *cls;     /* schema class name; NULL for RESET */
    char uuid[37];       /* "" for RESET */
    enum store_event_op op;
};

/*
 * Watch the store (cls NULL) or one class for committed changes, on a
 * connection of its own.  Poll store_watch_fd() for POLLIN, then call
 * store_watch_read().  The watch knows the objects that existed when it
 * started, to tell ADD from MOD; it lists them, and again after a RESET,
 * through @p s, which must not be in use by another thread then.
 */
int store_watch_new(store_watch **ret, store *s, const char *cls);
store_watch *store_watch_free(store_watch *w);       /* NULL-safe */
int store_watch_fd(const store_watch *w);

/*
 * Drain the pending notifications without blocking, one event per
 * changed object (several node changes of one object are merged).
 * @param[out] ret  events, freed with free(); *n may be 0
 * @return 0; -ECONNRESET if xenstored went away (open a new watch)
 */
int store_watch_read(store_watch *w, struct store_event **ret, size_t *n);

/* ---- Snapshot and maintenance ----------------------------------------- */

/*
 * Snapshot files inside the state directory.  A snapshot is the base file
 * plus, next to it, "<base>.log": records appended (and fsync'd) by each
 * write transaction since the base was written, replayed over it when
 * loaded (docs/store.md).  The previous base is kept as STORE_SNAPSHOT_
 * PREVIOUS.  Writers serialize on an flock of <state_dir>/store.lock.
 */
#define STORE_SNAPSHOT_FILE "store.xml"
#define STORE_SNAPSHOT_PREVIOUS "store.xml.bak"

/*
 * Write the whole store to <state_dir>/store.xml now (temp file, fsync,
 * rename, fsync of the directory, under the snapshot lock), empty the log,
 * and keep the previous base as store.xml.bak.  Also rebuilds a damaged
 * base from xenstore.  -EBADMSG if the store is inconsistent (nothing is
 * written; the message names the problem).
 */
int store_snapshot_write(store *s);

/* Load only: replace a non-empty store instead of refusing (-EEXIST). */
#define STORE_LOAD_REPLACE (1u << 0)

/*
 * Load a snapshot (NULL: <state_dir>/store.xml, and its log) into
 * xenstore.  The whole file is parsed, migrated if older, and checked
 * (schema, values, references, inverse fields) before anything is
 * written; a truncated,
 * corrupt, hostile (DTD, entities, deep nesting, huge text) or newer
 * snapshot is rejected with the reason and xenstore is left untouched.
 * While the tree is written, SCHEMA_ROOT/restoring makes every other
 * reader and writer wait (-EAGAIN), so nobody sees half of it.
 * @return the number of objects loaded; -EEXIST if the store is not empty
 *         and STORE_LOAD_REPLACE is not set; -EBADMSG (bad file);
 *         -EPROTO (newer schema); -ENOENT (no such file)
 */
int store_snapshot_load(store *s, const char *path, unsigned flags);

/*
 * Check a snapshot file without loading it (what load checks).
 * @return the number of objects; -EBADMSG, -EPROTO, -ENOENT
 */
int store_snapshot_verify(store *s, const char *path);

/*
 * Migrate the live store from an older schema version to SCHEMA_VERSION
 * (the migration table in store/migrate.c, one step per version): the
 * tree is read, migrated and checked in memory, written to the snapshot,
 * then rewritten in xenstore as a load does.
 * @return the version migrated from (== SCHEMA_VERSION: nothing to do);
 *         -EPROTO for a newer or unknown version; -EBADMSG if the migrated
 *         tree does not check
 */
int store_migrate(store *s);

/*
 * Check everything under SCHEMA_ROOT against the schema: structure (no
 * unknown node), values, required fields, references and inverse fields.
 * @param report  called once per problem (may be NULL)
 * @return the number of problems (0 = consistent); the first is also in
 *         store_last_error
 */
int store_check(store *s, void (*report)(void *userdata, const char *problem),
                void *userdata);

#endif
