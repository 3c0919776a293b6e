/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xen-sriov object schema as data: every class and field the project
 * stores in xenstore, with XenAPI names and types.  The store validates what
 * it reads and writes against it, the xe front end and the XenAPI endpoint
 * derive their records from it, and xenstore-schema/paths.md documents it
 * (generated from this table by schema-doc; a test checks they agree).
 * Code names a field by its id, SF_<name> (fields.h, generated from this
 * table by schema-fields, as paths.md), never by a string.
 *
 * xenstore layout, schema version 3 (SCHEMA_ROOT = "/tool/xen-sriov", owned
 * by dom0, no access for other domains: permissions "n0", inherited):
 *   SCHEMA_ROOT/schema-version                  decimal, SCHEMA_VERSION
 *   SCHEMA_ROOT/generation                      16 hex digits, new on every
 *                                               committed write transaction
 *   SCHEMA_ROOT/journal/<id>                    objects a transaction touched
 *                                               and the snapshot lacks yet
 *   SCHEMA_ROOT/restoring                       present while a snapshot load
 *                                               or migration rewrites the tree
 *   SCHEMA_ROOT/<class>/<uuid>/<field>          one node per scalar field
 *   SCHEMA_ROOT/<class>/<uuid>/<set>/<uuid>     one empty node per member of
 *                                               a set of references
 *   SCHEMA_ROOT/<class>/<uuid>/<map>/<key>      one node per map entry (key
 *                                               escaped, schema_key_escape)
 *   SCHEMA_ROOT/index/<class>/<field>/<value>/<uuid>
 *                                               one empty node per object
 *                                               whose indexed field holds
 *                                               value (escaped as a map
 *                                               key): schema_indexes
 *   SCHEMA_ROOT/counter/<name>                  a decimal hint kept by writes
 *                                               (network-bridge: the next
 *                                               xapiN to try)
 * Version 1 (the first layout) held sets of references in one node as
 * ','-separated UUIDs and map keys unescaped: a set bigger than about 110
 * members did not fit xenstore's 4096-byte payload.  Version 2 had no
 * index; version 3 no VM class.  The store migrates.
 */
#ifndef XEN_SRIOV_SCHEMA_H
#define XEN_SRIOV_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "xenstore-schema/fields.h"

#define SCHEMA_ROOT "/tool/xen-sriov"
#define SCHEMA_VERSION 4

/* Nodes directly under SCHEMA_ROOT that are not classes. */
#define SCHEMA_NODE_VERSION "schema-version"
#define SCHEMA_NODE_GENERATION "generation"
#define SCHEMA_NODE_JOURNAL "journal"
#define SCHEMA_NODE_RESTORING "restoring"
#define SCHEMA_NODE_INDEX "index"
#define SCHEMA_NODE_COUNTER "counter"

/*
 * Longest stored value: oxenstored (Debian's and XenServer's default
 * daemon) refuses a longer one with E2BIG whoever writes it (its
 * quota-maxsize, 2048 by default); the C xenstored takes up to its 4096-byte
 * payload minus the path.
 */
#define SCHEMA_VALUE_MAX 2048
/* Longest map key before escaping. */
#define SCHEMA_KEY_MAX 128

enum schema_type {
    SCHEMA_STRING,      /* UTF-8 text, no control characters but \t and \n */
    SCHEMA_INT,         /* decimal int64 */
    SCHEMA_BOOL,        /* "true" | "false" */
    SCHEMA_ENUM,        /* one of field->enum_values */
    SCHEMA_UUID,        /* a UUID that is not a reference (e.g. a VM's) */
    SCHEMA_REF,         /* UUID of an object of field->target, or "" (null) */
    SCHEMA_SET_REF,     /* directory: one empty node per member UUID */
    SCHEMA_SET_STRING,  /* one node: ','-separated words without ',' */
    SCHEMA_MAP,         /* directory: one node per key */
    SCHEMA_DATE         /* XenAPI DateTime as XAPI's XML-RPC sends it:
                         * "19700101T00:00:00Z" (UTC) */
};

/* XAPI's Date.epoch, the default of its DateTime fields. */
#define SCHEMA_EPOCH "19700101T00:00:00Z"

enum schema_flag {
    SCHEMA_REQUIRED = 1u << 0,  /* present in every record */
    SCHEMA_RW       = 1u << 1,  /* settable by users (xe param-set, API set_) */
    SCHEMA_INTERNAL = 1u << 2,  /* ours, not XenAPI's: never on the wire */
    SCHEMA_COMPUTED = 1u << 3   /* not stored: computed when read */
};

struct schema_field {
    const char *name;                  /* XenAPI name, also the node name */
    enum schema_type type;
    unsigned flags;                    /* enum schema_flag */
    const char *target;                /* REF/SET_REF: class referred to */
    /*
     * REF only: the field of the target that lists us back, kept by the
     * store so callers cannot forget it.  A SET_REF inverse collects every
     * referrer (PIF.network -> network.PIFs); a REF inverse makes the pair
     * one-to-one (VIF.reserved_pci <-> PCI.reserved_by): a second referrer
     * is refused with -EBUSY.
     */
    const char *inverse;
    const char *const *enum_values;    /* ENUM: NULL-terminated */
    const char *default_value;         /* value of a new record, NULL = "" */
    const char *doc;                   /* one line */
};

struct schema_class {
    const char *name;                  /* XenAPI class name = node name */
    const struct schema_field *fields; /* "uuid" first */
    size_t n_fields;
    const char *doc;
};

/* All classes, in dependency order (host first). */
extern const struct schema_class *const schema_classes[];
extern const size_t schema_n_classes;

/*
 * Fields the store indexes by value, so that a write finds the objects
 * holding a value (a bridge name, a VM's VIFs, a MAC) by reading one
 * directory instead of every record.  Values that are not valid map keys
 * (empty, longer than SCHEMA_KEY_MAX) are not indexed.  The index is kept
 * by the store in the transactions that write the objects, is not in the
 * snapshot, and is rebuilt when a snapshot is loaded.
 */
struct schema_index {
    const char *cls;
    const char *field;
};
extern const struct schema_index schema_indexes[];
extern const size_t schema_n_indexes;
/* The index of cls.field, or NULL. */
const struct schema_index *schema_index_find(const char *cls,
                                             const char *field);

/* Lookups; NULL when unknown.  Class names match case-insensitively as
 * XenAPI's do ("pif" finds "PIF"); field names match exactly. */
const struct schema_class *schema_class_find(const char *name);
const struct schema_field *schema_field_find(const struct schema_class *cls,
                                             const char *name);
/* Exact-case class lookup, for node names read back from xenstore. */
const struct schema_class *schema_class_find_exact(const char *name);

/*
 * Field ids (fields.h, generated from the table: SF_<name>).  Code names a
 * field by its id, so that a misspelling does not compile; these turn
 * names known only at run time into ids and back.
 * schema_fid_find: the id of a field name of any class (exact case), or
 * SF_NONE.  schema_fid_name: the name of an id, NULL for SF_NONE or one
 * out of range.  schema_field_fid: the id of a field of the table.
 * schema_field_by_fid: the field of cls with that id, NULL if cls has none
 * (or for SF_NONE).
 */
enum schema_fid schema_fid_find(const char *name);
const char *schema_fid_name(enum schema_fid id);
enum schema_fid schema_field_fid(const struct schema_field *f);
const struct schema_field *schema_field_by_fid(const struct schema_class *cls,
                                               enum schema_fid id);

/* Name of a schema_type as the document spells it ("string", "ref", ...). */
const char *schema_type_name(enum schema_type t);

/* Stored in xenstore (not SCHEMA_COMPUTED). */
bool schema_field_stored(const struct schema_field *f);
/* Kept as a directory (SET_REF, MAP) rather than one node. */
bool schema_field_is_dir(const struct schema_field *f);

/*
 * For a REF field with an inverse: the inverse field and its class.
 * NULL when @p f has none.
 */
const struct schema_field *schema_field_inverse(
    const struct schema_field *f, const struct schema_class **ret_cls);

/*
 * If field @p f of @p cls is the inverse of some REF field, return that
 * REF field (and its class in *ret_cls): the store maintains @p f, callers
 * never write it.  NULL otherwise.
 */
const struct schema_field *schema_field_maintained_by(
    const struct schema_class *cls, const struct schema_field *f,
    const struct schema_class **ret_cls);

/*
 * Check one stored value against its field.  Returns 0, or -EINVAL with a
 * reason in *why (static string).  SET_REF values are checked as
 * ','-separated UUIDs (the text form of a set); refs are checked for UUID
 * syntax only: whether the object exists is the store's business.
 */
int schema_value_check(const struct schema_field *f, const char *value,
                       const char **why);

/* True if s is a UUID in canonical lowercase 8-4-4-4-12 form. */
bool schema_uuid_valid(const char *s);

/*
 * Map keys.  Any UTF-8 text of 1..SCHEMA_KEY_MAX bytes without control
 * characters is a key; its node name keeps [A-Za-z0-9_-] and writes every
 * other byte as '@' and two lowercase hex digits ("xo:ip" -> "xo@3aip").
 * schema_key_escape: -EINVAL (reason in *why) for an invalid key, -ENOMEM;
 * the caller frees *ret.  schema_key_unescape: -EINVAL for a node name no
 * key escapes to.
 */
bool schema_key_valid(const char *key, const char **why);
int schema_key_escape(const char *key, char **ret, const char **why);
int schema_key_unescape(const char *name, char **ret);

/*
 * A VM's other_config:pci, the devices passed through to it at its
 * domain's start: XAPI's syntax (ocaml/xapi/pciops.ml, of_string and
 * other_pcidevs_of_vm: "%d/%04x:%02x:%02x.%01x" items joined by ','),
 * where N before the '/' orders the devices (XAPI reads it as a hotplug
 * order).  XAPI skips an item it cannot read; here the whole value is
 * refused, with the item and what is wrong in why.
 */
#define SCHEMA_PCI_MAX 64              /* devices in one list */
#define SCHEMA_PCI_BDF_SIZE 13         /* "dddd:bb:dd.f" and NUL */

struct schema_pci_item {
    unsigned order;                    /* N of "N/dddd:bb:dd.f" */
    char bdf[SCHEMA_PCI_BDF_SIZE];     /* lower case */
};

/*
 * Parse a pci list into ret (room for SCHEMA_PCI_MAX), sorted by N (the
 * same N: as listed).  @return the number of devices; -EINVAL with the
 * reason (naming the item) in why (whylen bytes).
 */
int schema_pci_list_parse(const char *s, struct schema_pci_item *ret,
                          char *why, size_t whylen);

/* Whether list (a pci value) names the device bdf ("dddd:bb:dd.f"). */
bool schema_pci_list_has(const char *list, const char *bdf);

#endif
