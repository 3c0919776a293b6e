/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A XenAPI class as the endpoint sees it: a name, its record fields and two
 * callbacks into whatever keeps the objects (the store on xenstore).  From
 * that, xapi_class_register() makes the generated messages XAPI has for
 * every class:
 *   <cls>.get_all(s)                 -> [ref]
 *   <cls>.get_all_records(s)         -> {ref: record}
 *   <cls>.get_record(s, ref)         -> record, or HANDLE_INVALID [cls, ref]
 *   <cls>.get_by_uuid(s, uuid)       -> ref, or UUID_INVALID [cls, uuid]
 *   <cls>.get_<field>(s, ref)        -> the field, for each listed field
 * and makes the class known to the event engine (snapshots, counts).
 * Class-specific messages (create, destroy, ...) are added with
 * xapi_registry_add().
 */
#ifndef XEN_SRIOV_API_CLASS_H
#define XEN_SRIOV_API_CLASS_H

#include "api/dispatch.h"
#include "api/value.h"

struct xapi_class {
    const char *name;              /* as XAPI spells it: "network_sriov",
                                      "PIF"; events use it lower-cased */
    const char *const *fields;     /* record fields, NULL-terminated (a
                                      get_<field> each); may be NULL */
    /*
     * All refs of the class: *ret is a NULL-terminated array of strings
     * (freed with strv_free()).  Negative errno + err on failure.
     */
    int (*list)(void *userdata, char ***ret, struct xapi_error *err);
    /*
     * The record of ref (an XV_STRUCT, caller frees), or -ENOENT with err
     * untouched when there is no such object; another negative errno + err
     * on failure.  Must be safe to call from several threads at once.
     */
    int (*get)(void *userdata, const char *ref, struct xv **ret,
               struct xapi_error *err);
    void *userdata;
    /*
     * Optional: every record at once, {ref: record} (an XV_STRUCT, caller
     * frees), for get_all_records and get_by_uuid when one read of all is
     * cheaper than a get per ref (the store).  NULL: list + get.
     */
    int (*all)(void *userdata, struct xv **ret, struct xapi_error *err);
};

struct xapi_events;

/*
 * list and get of a class made from its all(): the refs, or the record
 * of ref (-ENOENT, err untouched, if there is none).  For classes that
 * build every record at once anyway (role, the metrics).
 */
typedef int (*xapi_class_all_fn)(void *userdata, struct xv **ret,
                                 struct xapi_error *err);
int xapi_class_list_of_all(xapi_class_all_fn all, void *userdata,
                           char ***ret, struct xapi_error *err);
int xapi_class_get_of_all(xapi_class_all_fn all, void *userdata,
                          const char *ref, struct xv **ret,
                          struct xapi_error *err);

/*
 * Register the generated messages of cls in reg and the class in events
 * (either may be NULL).  cls is copied.  -EEXIST if a message name is
 * taken.
 */
int xapi_class_register(struct xapi_registry *reg, struct xapi_events *events,
                        const struct xapi_class *cls);

#endif
