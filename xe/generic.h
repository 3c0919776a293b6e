/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The generic commands every class gets (ocaml/xapi-cli-server/
 * cli_operations.ml make_param_funs), on records already read from the
 * store: *-list, *-param-list and *-param-get print; *-param-set, -add,
 * -remove and -clear check the request against the record and return a
 * plan, the list of changes, which the store applies in one transaction
 * (xe applies them one by one and can stop half-way; we do not).
 *
 * The uuid lookup (UUID_INVALID when there is no such object) is the
 * caller's: these functions get the record.  Failures set err with xe's
 * CLI messages (XE_ERR_FAILURE "Unknown field 'x'", ...) or XenAPI codes
 * (MAP_DUPLICATE_KEY), and return -EINVAL (or -ENOMEM).
 */
#ifndef XEN_SRIOV_XE_GENERIC_H
#define XEN_SRIOV_XE_GENERIC_H

#include <stdbool.h>
#include <stddef.h>

#include "xe/args.h"
#include "xe/printer.h"
#include "xe/records.h"
#include "ops/xapi-error.h"

/*
 * Record_util.bool_of_string, as xe's get_bool_param uses it: true, t,
 * yes, y, 1, on and their false counterparts, any case.  The one boolean
 * parser of the commands' parameters.
 * @return 0; -EINVAL for anything else (NULL included)
 */
int xe_bool_of_string(const char *s, bool *ret);

/*
 * xe <class>-list: recs are all the objects of cls.  Every parameter but
 * params=, the standard ones (--minimal, --all, ...) and database:* is a
 * filter on the displayed value ("field=value", exact match, or
 * case-insensitive for MAC), a map key ("map:key=value") or a set member
 * ("set:contains=member").  --all shows every record whatever the filters.
 * params=a,b keeps record order; params=all shows every field.
 */
int xe_generic_list(const struct xe_class_def *cls,
                    struct xe_record *const *recs, size_t n,
                    struct xe_args *args, struct xe_printer *p,
                    struct xapi_error *err);

/* xe <class>-param-list: every field but hidden ones, real values. */
int xe_generic_param_list(struct xe_record *rec, struct xe_printer *p,
                          struct xapi_error *err);

/* xe <class>-param-get param-name= [param-key=]. */
int xe_generic_param_get(struct xe_record *rec, struct xe_args *args,
                         struct xe_printer *p, struct xapi_error *err);

enum xe_change_op {
    XE_CHANGE_SET,              /* field = value */
    XE_CHANGE_MAP_PUT,          /* map[key] = value, added or replaced */
    XE_CHANGE_MAP_ADD,          /* map[key] = value; MAP_DUPLICATE_KEY if
                                   key exists by then */
    XE_CHANGE_MAP_REMOVE,       /* delete map[key] */
    XE_CHANGE_SET_ADD,          /* add member key */
    XE_CHANGE_SET_REMOVE        /* remove member key */
};

struct xe_change {
    enum xe_change_op op;
    const struct xe_field_def *field;   /* field->api_field names it */
    char *key;                  /* map key or set member, else NULL */
    char *value;                /* SET, MAP_PUT, MAP_ADD; else NULL */
};

struct xe_plan {
    struct xe_change *changes;
    size_t n;
};

#define XE_PLAN_INIT { NULL, 0 }

/* Free the changes; idempotent. */
void xe_plan_done(struct xe_plan *plan);

/*
 * Plan xe <class>-param-set uuid= k=v...: "field=v" for a settable scalar
 * (values checked against the schema type: integer, boolean, enum),
 * "map:key=v" (or xe's old "map-key=v") for a settable map.  On success
 * *ret (XE_PLAN_INIT) holds one change per parameter, in order.
 */
int xe_plan_param_set(struct xe_record *rec, struct xe_args *args,
                      struct xe_plan *ret, struct xapi_error *err);

/* xe <class>-param-add param-name= [param-key=] [key=value...]. */
int xe_plan_param_add(struct xe_record *rec, struct xe_args *args,
                      struct xe_plan *ret, struct xapi_error *err);

/* xe <class>-param-remove param-name= param-key=. */
int xe_plan_param_remove(struct xe_record *rec, struct xe_args *args,
                         struct xe_plan *ret, struct xapi_error *err);

/* xe <class>-param-clear param-name=. */
int xe_plan_param_clear(struct xe_record *rec, struct xe_args *args,
                        struct xe_plan *ret, struct xapi_error *err);

#endif
