/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xen-sriov object schema as data: every class and field the project
 * stores in xenstore, with XenAPI names and types.  The store validates what
 * it reads and writes against it, the xe front end and the XenAPI endpoint
 * derive their records from it, and xenstore-schema/paths.md documents it
 * (a test checks that the document matches this table).
 *
 * xenstore layout (SCHEMA_ROOT = "/tool/xen-sriov"):
 *   SCHEMA_ROOT/schema-version                  decimal, SCHEMA_VERSION
 *   SCHEMA_ROOT/<class>/<uuid>/<field>          one node per scalar field
 *   SCHEMA_ROOT/<class>/<uuid>/<map-field>/<k>  one node per map entry
 * Sets are one node holding the members separated by ',' (refs are UUIDs).
 */
#ifndef XEN_SRIOV_SCHEMA_H
#define XEN_SRIOV_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#define SCHEMA_ROOT "/tool/xen-sriov"
#define SCHEMA_VERSION 1

enum schema_type {
    SCHEMA_STRING,      /* free text (node value, max 4000 bytes) */
    SCHEMA_INT,         /* decimal int64 */
    SCHEMA_BOOL,        /* "true" | "false" */
    SCHEMA_ENUM,        /* one of field->enum_values */
    SCHEMA_UUID,        /* a UUID that is not a reference (e.g. a VM's) */
    SCHEMA_REF,         /* UUID of an object of field->target, or "" (null) */
    SCHEMA_SET_REF,     /* ','-separated UUIDs of field->target objects */
    SCHEMA_SET_STRING,  /* ','-separated words without ',' */
    SCHEMA_MAP          /* subdirectory: one node per key */
};

enum schema_flag {
    SCHEMA_REQUIRED = 1u << 0,  /* present in every record */
    SCHEMA_RW       = 1u << 1,  /* settable by users (xe param-set, API set_) */
    SCHEMA_INTERNAL = 1u << 2,  /* ours, not a XenAPI field: never on the wire */
    SCHEMA_COMPUTED = 1u << 3   /* not stored: computed when read */
};

struct schema_field {
    const char *name;                  /* XenAPI name, also the node name */
    enum schema_type type;
    unsigned flags;                    /* enum schema_flag */
    const char *target;                /* REF/SET_REF: class referred to */
    const char *inverse;               /* REF: SET_REF field of target listing us back */
    const char *const *enum_values;    /* ENUM: NULL-terminated */
    const char *default_value;         /* value of a new record, NULL = "" */
    const char *doc;                   /* one line */
};

struct schema_class {
    const char *name;                  /* XenAPI class name, also the node name */
    const struct schema_field *fields; /* "uuid" first */
    size_t n_fields;
    const char *doc;
};

/* All classes, in dependency order (host first). */
extern const struct schema_class *const schema_classes[];
extern const size_t schema_n_classes;

/* Lookups; NULL when unknown.  Class names match case-insensitively as
 * XenAPI's do ("pif" finds "PIF"); field names match exactly. */
const struct schema_class *schema_class_find(const char *name);
const struct schema_field *schema_field_find(const struct schema_class *cls,
                                             const char *name);

/* Name of a schema_type as the document spells it ("string", "ref", ...). */
const char *schema_type_name(enum schema_type t);

/*
 * Check one stored value against its field.  Returns 0, or -EINVAL with a
 * reason in *why (static string).  Refs are checked for UUID syntax only;
 * whether the object exists is the store's business.
 */
int schema_value_check(const struct schema_field *f, const char *value,
                       const char **why);

/* True if s is a UUID in canonical lowercase 8-4-4-4-12 form. */
bool schema_uuid_valid(const char *s);

#endif
