/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the operations (ops/ops-*.c): error helpers, the
 * undo list that makes a committed-but-unsaved transaction all or
 * nothing, and the record helpers the operations share.
 */
#ifndef XEN_SRIOV_OPS_INTERNAL_H
#define XEN_SRIOV_OPS_INTERNAL_H

#include <stdarg.h>

#include "libsriov/macro.h"
#include "ops/ops.h"
#include "ops/xapi-errors.h"

#define _cleanup_record_ _cleanup_(store_record_freep)

/* A list of records from store_list / store_tx_list. */
struct ops_records {
    store_record **v;
    size_t n;
};
static inline void ops_records_done(struct ops_records *l)
{
    store_record_list_free(l->v, l->n);
    l->v = NULL;
    l->n = 0;
}
#define _cleanup_records_ _cleanup_(ops_records_done)

/* INTERNAL_ERROR [the store's message]; returns r. */
int ops__store_fail(struct ops_ctx *ops, int r, struct xapi_error *err);

/* The same inside a transaction (the store of tx). */
int ops__tx_fail(store_tx *tx, int r, struct xapi_error *err);
/* 1 if an object of cls has value in its indexed field (one directory read
 * in the transaction: store_tx_index), 0 if none, or -errno. */
int ops__tx_indexed(store_tx *tx, const char *cls, enum schema_fid field,
                    const char *value);

/* UUID_INVALID [cls; uuid]; returns -ENOENT. */
int ops__uuid_invalid(const char *cls, const char *uuid,
                      struct xapi_error *err);

/*
 * Read an object inside a transaction: UUID_INVALID [cls; uuid] when it
 * does not exist, INTERNAL_ERROR for a store failure.
 */
int ops__tx_lookup(store_tx *tx, const char *cls, const char *uuid,
                   store_record **ret, struct xapi_error *err);

/* A uuid for a new object (ops->new_uuid, else random). */
int ops__new_uuid(struct ops_ctx *ops, char ret[37]);

/* Run the step hook (tests). */
void ops__step(struct ops_ctx *ops, const char *step);

/* One log line "<caller>: <what>" through ops->log. */
void ops__log(struct ops_ctx *ops, const char *fmt, ...) _printf_(2, 3);

/* ---- undo ---- */

/* Objects a transaction changed, with their state before it. */
struct ops_undo_item {
    char cls[32];
    char uuid[37];
    store_record *before;       /* NULL: the object did not exist */
};

struct ops_undo {
    struct ops_ctx *ops;        /* set once: new uuids come from it */
    struct ops_undo_item *v;
    size_t n;
};

void ops__undo_reset(struct ops_undo *u);

/*
 * Remember the state of (cls, uuid) before the transaction changes it
 * (before = NULL for an object it creates).  Only the first call per
 * object counts.  Copies before.
 */
int ops__undo_note(struct ops_undo *u, const char *cls, const char *uuid,
                   const store_record *before);

/*
 * Put every noted object back as it was, newest first, in one
 * transaction.  Returns 0 or the store's error.
 */
int ops__undo_apply(struct ops_ctx *ops, const struct ops_undo *u);

/*
 * Create, update and destroy through the undo list (the transaction
 * versions of the store calls, noting the state before).
 */
int ops__tx_create(store_tx *tx, struct ops_undo *u, store_record *r);
int ops__tx_update(store_tx *tx, struct ops_undo *u, const store_record *old,
                   store_record *r);
int ops__tx_destroy(store_tx *tx, struct ops_undo *u, const char *cls,
                    const char *uuid);

/*
 * store_transact for an operation: fn gets userdata and must reset its
 * outputs, *err and the undo list at its start (it can run again after a
 * conflict).  When fn fails with err set, that is the result.  When the
 * change was committed but the snapshot could not be written, the change
 * is undone and INTERNAL_ERROR says so.  Any other store failure is
 * INTERNAL_ERROR [the store's message].
 */
int ops__transact(struct ops_ctx *ops, store_tx_fn fn, void *userdata,
                  struct ops_undo *undo, struct xapi_error *err);

/*
 * ops__transact for a later step of an operation whose earlier steps are
 * committed and saved: @p before says what they left ("12 of 40 PCI
 * records of this scan are in xenstore and on disk; the next xe pif-scan
 * writes the rest"), in place of "nothing was changed" when this step is
 * taken back after a failed save.
 */
int ops__transact_after(struct ops_ctx *ops, store_tx_fn fn, void *userdata,
                        struct ops_undo *undo, const char *before,
                        struct xapi_error *err);

/* ---- records ---- */

/* Copy every stored field the store does not maintain from src to dst
 * (same class; uuid excepted). */
int ops__record_copy_primary(store_record *dst, const store_record *src);

/* A field's value, "" when unset. */
const char *ops__get(const store_record *r, enum schema_fid field);

/* True when field is "true". */
bool ops__get_bool(const store_record *r, enum schema_fid field);

/* Set a field, or a map entry (value NULL removes it); -ENOMEM etc. */
int ops__set(store_record *r, enum schema_fid field, const char *value);

/* key, value, ..., NULL pairs into a map field; an invalid key is
 * VALUE_NOT_SUPPORTED [field; key; why]. */
int ops__put_pairs(store_record *r, enum schema_fid field,
                   const char *const *kv, struct xapi_error *err);

/* True when the comma-separated word list has word. */
bool ops__has_word(const char *list, const char *word);

/*
 * The value checks of ops_apply_changes on a whole record (VIF VF
 * settings and QoS, PIF SR-IOV mode, network MTU): VALUE_NOT_SUPPORTED.
 */
int ops__check_record(const store_record *r, struct xapi_error *err);

/* The changes of ops_apply_changes on one record, then its checks. */
int ops__apply_to(store_record *r, const struct ops_change *c, size_t n,
                  struct xapi_error *err);

/*
 * ops_apply_changes of a VM (ops-vm-config.c): the VM must be one Xen
 * knows (UUID_INVALID [VM; uuid]); its record is made by the first key
 * and destroyed with the last; other_config:pci is checked against the
 * host and the store (VALUE_NOT_SUPPORTED [other_config:pci; value;
 * why]).
 */
int ops__vm_apply_changes(struct ops_ctx *ops, const char *uuid,
                          const struct ops_change *c, size_t n,
                          struct xapi_error *err);

/* ---- shared by sriov create/destroy and the scan ---- */

/*
 * Refresh the PCI records of one PF and its VFs (after its VF count
 * changed), in batches, from the caller's scan of it: the lifecycle calls
 * keep it current, so no second look at the hardware.
 */
int ops__sync_pf(struct ops_ctx *ops, const char *host_uuid, sriov_pf *pf,
                 struct xapi_error *err);

/* The host's name: ops->hostname, else gethostname() ("" if none). */
void ops__hostname(struct ops_ctx *ops, char *buf, size_t size);

#endif
