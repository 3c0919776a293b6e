/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Records as xe shows them (ocaml/xapi-cli-server/records.ml): per class,
 * the ordered list of displayed fields with their CLI names, markers and
 * flags, and where each value comes from in the object store
 * (xenstore-schema/schema.h).  A struct xe_record holds one object's
 * values; the printers and the generic *-list / *-param-* operations of
 * xe/generic.h work on records only, never on the store.
 *
 * Markers, as xe's print_field: a set is "(SRO)" or "(SRW)", a map "(MRO)"
 * or "(MRW)", anything else "( RO)" or "( RW)"; RW means the field can be
 * changed with param-set (scalars) or param-add/param-remove (sets, maps).
 * Value formats: a set is its members joined with "; ", a map its entries
 * as "key: value" joined with "; ", a missing or dangling reference
 * "<not in database>", an expensive field in *-list "<expensive field>",
 * and a computed value that could not be computed "<unknown>".
 */
#ifndef XEN_SRIOV_XE_RECORDS_H
#define XEN_SRIOV_XE_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

#define XE_NOT_IN_DATABASE "<not in database>"
#define XE_EXPENSIVE_FIELD "<expensive field>"
#define XE_UNKNOWN_VALUE "<unknown>"

enum xe_kind {
    XE_SCALAR,
    XE_SET,                     /* xe's get_set: a list of members */
    XE_MAP                      /* xe's get_map: (key, value) entries */
};

enum xe_field_flag {
    XE_RW = 1u << 0,            /* param-set / param-add / param-remove */
    XE_EXPENSIVE = 1u << 1,     /* "<expensive field>" in *-list */
    XE_HIDDEN = 1u << 2,        /* only shown when asked for by name */
    XE_NOCASE = 1u << 3,        /* filters compare case-insensitively */
    XE_DEPRECATED = 1u << 4,    /* " [DEPRECATED]" after the marker */
    XE_COMMA = 1u << 5,         /* a set shown joined with ", " (xe's
                                 * concat_with_comma), not "; " */
    XE_RAW_INT = 1u << 6,       /* an int set with OCaml's Int64.of_string,
                                 * not records.ml safe_i64_of_string: a
                                 * bad value is INTERNAL_ERROR "Failure:
                                 * Int64.of_string" */
    XE_REFUSED = 1u << 7        /* RW in xe, but the operation refuses
                                 * every change (a host setter that would
                                 * reconfigure dom0: ops-changes.c) */
};

/* Where a field's value comes from, for xe_record_fill(). */
enum xe_source {
    XE_SRC_FIELD,               /* the stored field as it is */
    XE_SRC_REF_UUID,            /* a ref: its uuid, or <not in database> */
    XE_SRC_REF_FIELD,           /* a ref: target_field of the object */
    XE_SRC_REFS,                /* a set of refs shown as "; "-joined text */
    XE_SRC_COMPUTED             /* not stored: xe_record.compute gives it */
};

struct xe_field_def {
    const char *name;           /* CLI name, e.g. "physical-PIF" */
    enum xe_kind kind;
    unsigned flags;             /* enum xe_field_flag */
    enum xe_source source;
    const char *api_field;      /* schema field, e.g. "physical_PIF" */
    const char *target_field;   /* XE_SRC_REF_FIELD: field of the target */
};

struct xe_class_def {
    const char *name;           /* command prefix, e.g. "network-sriov" */
    const char *api_class;      /* schema / XenAPI class: "network_sriov" */
    const struct xe_field_def *fields;
    size_t n_fields;
    const char *const *list_columns; /* default *-list params, NULL-ended */
    bool standard;              /* its *-list is in `xe help`'s short list */
};

/* The classes xe-sriov shows, in xe/classes.c. */
extern const struct xe_class_def xe_class_host;
extern const struct xe_class_def xe_class_network;
extern const struct xe_class_def xe_class_pif;
extern const struct xe_class_def xe_class_pci;
extern const struct xe_class_def xe_class_network_sriov;
extern const struct xe_class_def xe_class_vif;
extern const struct xe_class_def xe_class_vm;
extern const struct xe_class_def xe_class_pool;
extern const struct xe_class_def *const xe_classes[];
extern const size_t xe_n_classes;

/* Lookups; NULL when unknown.  *index (may be NULL) gets the position. */
const struct xe_class_def *xe_class_find(const char *name);
const struct xe_field_def *xe_class_field(const struct xe_class_def *cls,
                                          const char *name, size_t *index);

/* One field's value. */
struct xe_value {
    bool present;               /* false: not filled in (yet) */
    char *text;                 /* XE_SCALAR */
    char **items;               /* XE_SET: n members; XE_MAP: 2n strings */
    size_t n;                   /* members, or map entries */
};

struct xe_record;

/*
 * Computes field f of rec into out (with xe_value_set_* below).  Called for
 * fields the record does not hold when their value is needed (expensive
 * and computed fields).  A failure shows as "<unknown>", as in xe.
 */
typedef int (*xe_compute_fn)(void *userdata, const struct xe_record *rec,
                             const struct xe_field_def *f,
                             struct xe_value *out);

struct xe_record {
    const struct xe_class_def *cls;
    struct xe_value *values;    /* cls->n_fields entries, in field order */
    xe_compute_fn compute;
    void *compute_userdata;
};

/* A record of cls with no value; free it with xe_record_free(). */
int xe_record_new(struct xe_record **ret, const struct xe_class_def *cls);
struct xe_record *xe_record_free(struct xe_record *rec);

/*
 * Set the value of the field called name (copies everything).  Return 0,
 * -ENOENT when cls has no such field, -EINVAL when its kind differs,
 * -ENOMEM.  items of a map are n (key, value) pairs: 2n strings.
 */
int xe_record_set(struct xe_record *rec, const char *name, const char *text);
int xe_record_set_items(struct xe_record *rec, const char *name,
                        const char *const *items, size_t n);

/* The same on a bare value (for compute callbacks). */
int xe_value_set_text(struct xe_value *v, const char *text);
int xe_value_set_items(struct xe_value *v, enum xe_kind kind,
                       const char *const *items, size_t n);
void xe_value_clear(struct xe_value *v);

/*
 * The value of field i of rec, computed through rec->compute if absent
 * (and cached).  Never fails: a value that cannot be had reads
 * "<unknown>" (or NULL on ENOMEM).
 */
const struct xe_value *xe_record_value(struct xe_record *rec, size_t i);

/* The value as xe prints it (malloc'd, NULL on ENOMEM). */
char *xe_value_format(const struct xe_field_def *f, const struct xe_value *v);

/* "name ( RO)", "name (MRW) [DEPRECATED]", ... (malloc'd). */
char *xe_field_label(const struct xe_field_def *f);

/* True when v (a set) has member s; when v (a map) has key s. */
bool xe_value_has(const struct xe_value *v, enum xe_kind kind, const char *s,
                  bool nocase);

/* The map value of key, or NULL. */
const char *xe_value_map_get(const struct xe_value *v, const char *key,
                             bool nocase);

/*
 * Reading objects for xe_record_fill(): the store implements these.
 * get     the stored value of field of the object (class, uuid), as the
 *         schema stores it (sets ','-separated); -ENOENT when the object
 *         does not exist; *ret is malloc'd.
 * get_map the entries of a map field: *ret is 2n malloc'd strings (key,
 *         value, ...) in a malloc'd array, *n the number of entries.
 */
struct xe_fill_ops {
    int (*get)(void *userdata, const char *api_class, const char *uuid,
               const char *field, char **ret);
    int (*get_map)(void *userdata, const char *api_class, const char *uuid,
                   const char *field, char ***ret, size_t *n);
};

/*
 * Fill every stored field of rec (class rec->cls) for the object uuid,
 * following the field sources: refs to missing objects read
 * "<not in database>"; XE_SRC_COMPUTED fields are left to rec->compute.
 * Returns 0, or the first error of ops (-ENOENT: uuid itself is missing).
 */
int xe_record_fill(struct xe_record *rec, const char *uuid,
                   const struct xe_fill_ops *ops, void *userdata);

#endif
