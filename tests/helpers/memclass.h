/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An in-memory XenAPI class for tests: a table of ref -> record behind the
 * class callbacks of api/class.h, pushing each change into the
 * endpoint's event feed as the store on xenstore will.  It stands in for
 * the store (not yet merged) in protocol-level tests only.
 */
#ifndef XEN_SRIOV_TESTS_MEMCLASS_H
#define XEN_SRIOV_TESTS_MEMCLASS_H

#include "api/api.h"

struct memclass;

/* A class named name; changes are notified to api (may be NULL). */
int memclass_new(struct memclass **ret, const char *name, struct xapi *api);
void memclass_free(struct memclass *mc);

/* Register it in api with these record fields (NULL-terminated). */
int memclass_register(struct memclass *mc, struct xapi *api,
                      const char *const *fields);

/* Create or replace ref's record (taken); notifies add or mod. */
int memclass_put(struct memclass *mc, const char *ref, struct xv *record);

/* Delete ref; notifies del.  -ENOENT if absent. */
int memclass_remove(struct memclass *mc, const char *ref);

/* Number of objects. */
unsigned memclass_count(struct memclass *mc);

#endif
