/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The neutral XenAPI value both wire codecs decode into and encode from:
 * nil, string, int, double, bool, array and struct.  Handlers see only this
 * type, never XML or JSON.
 *
 * Ownership: a value owns its children.  xv_array_append() and
 * xv_struct_set() take ownership of the item they are given, also when they
 * fail (the item is then freed), so builders can chain calls without leaks.
 * Constructors return NULL on allocation failure only.
 *
 * XML-RPC mapping (XAPI's): an XV_INT goes out as a decimal string, as XAPI
 * sends int64, unless it was made with xv_new_i4() (valid_ref_counts), which
 * goes out as <i4>.  On input, <i4>/<int>/<i8> give XV_INT and an untyped
 * or <string> value gives XV_STRING; handlers read integers with
 * xv_get_int(), which also accepts a decimal string.  Dates are strings
 * marked by xv_new_date() (<dateTime.iso8601> out; on input a
 * <dateTime.iso8601> is a plain string).
 */
#ifndef XEN_SRIOV_API_VALUE_H
#define XEN_SRIOV_API_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum xv_type {
    XV_NIL,
    XV_STRING,
    XV_INT,
    XV_DOUBLE,
    XV_BOOL,
    XV_ARRAY,
    XV_STRUCT,
};

struct xv;

struct xv_member {
    char *name;
    struct xv *value;
};

struct xv {
    enum xv_type type;
    bool i4;                       /* XV_INT: <i4> on XML-RPC, not a string */
    bool date;                     /* XV_STRING: <dateTime.iso8601> on
                                      XML-RPC, a plain string on JSON */
    union {
        char *s;                   /* XV_STRING, NUL-terminated UTF-8 */
        int64_t i;                 /* XV_INT */
        double d;                  /* XV_DOUBLE */
        bool b;                    /* XV_BOOL */
        struct {
            struct xv **items;
            size_t n, cap;
        } a;                       /* XV_ARRAY */
        struct {
            struct xv_member *m;   /* in insertion order */
            size_t n, cap;
        } st;                      /* XV_STRUCT */
    };
};

struct xv *xv_new_nil(void);
struct xv *xv_new_string(const char *s);
/* A string of len bytes (s need not be NUL-terminated). */
struct xv *xv_new_stringn(const char *s, size_t len);
struct xv *xv_new_int(int64_t i);
/* An int that XML-RPC sends as <i4> (XAPI's int32 fields). */
struct xv *xv_new_i4(int32_t i);
struct xv *xv_new_double(double d);
/*
 * A date as XAPI sends it, "20261206T08:00:00Z": a string that XML-RPC
 * wraps in <dateTime.iso8601> (JSON-RPC sends the same text as a string).
 */
struct xv *xv_new_date(const char *iso8601);
/* The date of t as XAPI's Date.to_rfc3339 writes it: UTC with a "Z", or
 * local time without a zone (local, as host.get_server_localtime). */
struct xv *xv_new_date_of(time_t t, bool local);
struct xv *xv_new_bool(bool b);
struct xv *xv_new_array(void);
struct xv *xv_new_struct(void);

/* Free v and its children; NULL-safe; returns NULL. */
struct xv *xv_free(struct xv *v);
static inline void xv_freep(struct xv **v) { xv_free(*v); }
#define _cleanup_xv_ __attribute__((cleanup(xv_freep)))

/* Deep copy, or NULL on allocation failure. */
struct xv *xv_copy(const struct xv *v);

/* Deep equality (struct members compared by name, in any order). */
bool xv_equal(const struct xv *a, const struct xv *b);

/*
 * Append item to array a, taking ownership of item (freed on failure; a
 * NULL item, from a failed constructor, gives -ENOMEM).  -EINVAL if a is not
 * an array.
 */
int xv_array_append(struct xv *a, struct xv *item);

/*
 * Set member name of struct s to value, taking ownership of value (freed on
 * failure; NULL gives -ENOMEM).  Replaces an existing member of that name.
 */
int xv_struct_set(struct xv *s, const char *name, struct xv *value);

/*
 * Append member name without looking for an existing one (linear time per
 * set would make decoding a struct with n members quadratic).  For decoders:
 * with duplicate names, xv_struct_get() finds the first.
 */
int xv_struct_append(struct xv *s, const char *name, size_t name_len,
                     struct xv *value);

/* Shorthands for xv_struct_set(s, name, xv_new_*(...)). */
int xv_struct_set_string(struct xv *s, const char *name, const char *value);
int xv_struct_set_int(struct xv *s, const char *name, int64_t value);
int xv_struct_set_bool(struct xv *s, const char *name, bool value);

/* Member name of struct s (borrowed), or NULL. */
struct xv *xv_struct_get(const struct xv *s, const char *name);

/*
 * Typed reads for handlers; each returns -EINVAL (and leaves *ret alone)
 * when v is NULL or of another type.  xv_get_int() accepts XV_INT and a
 * decimal string (XAPI's int64 on XML-RPC); xv_get_double() accepts
 * XV_DOUBLE, XV_INT and a numeric string.
 */
int xv_get_string(const struct xv *v, const char **ret);
int xv_get_int(const struct xv *v, int64_t *ret);
int xv_get_double(const struct xv *v, double *ret);
int xv_get_bool(const struct xv *v, bool *ret);

/*
 * The shortest decimal text that reads back as d ("60.1", not
 * "60.100000000000001"), as the codecs send doubles.
 */
void xv_format_double(double d, char buf[32]);

/* "string", "int", ...: for error messages. */
const char *xv_type_name(enum xv_type t);

#endif
