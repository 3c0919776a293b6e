/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Arguments of the calls: refs to objects that exist, scalars, maps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "ops/xapi-errors.h"
#include "api/classes/internal.h"

int xstore__resolve_ref(struct xstore_conn *c, const char *cls,
                        const char *ref, const char **ret_uuid,
                        struct xapi_error *err)
{
    const char *uuid = xstore__ref_uuid(ref);
    store_record *rec = NULL;
    int r;

    if (!uuid)
        return xapi_handle_invalid(err, cls, ref ? ref : "");
    if (strcmp(cls, "VM") == 0) {
        /* VMs are Xen's; the store has a record only for those with an
         * other_config. */
        r = xstore__vm_exists(c, uuid, err);
        if (r >= 0)
            *ret_uuid = uuid;
        return r;
    }
    r = store_get(c->st, cls, uuid, &rec);
    store_record_free(rec);
    if (r == -ENOENT)
        return xapi_handle_invalid(err, cls, ref);
    if (r < 0)
        return xapi_error_internal(err, r, "%s", store_last_error(c->st));
    *ret_uuid = uuid;
    return 0;
}

int xstore__vm_exists(struct xstore_conn *c, const char *uuid,
                      struct xapi_error *err)
{
    struct ops_vm vm;
    char ref[OPS_REF_SIZE];
    int r = ops_vm_find(&c->ops, uuid, &vm, err);

    if (r == -ENOENT) {
        xapi_error_clear(err);
        return xapi_handle_invalid(err, "VM", ops_ref(ref, uuid));
    }
    if (r >= 0)
        ops_vm_done(&vm);
    return r;
}

int xstore__resolve(struct xstore_conn *c, const char *cls,
                    struct xv *const *args, size_t i,
                    const char **ret_uuid, struct xapi_error *err)
{
    const char *ref;
    int r = xapi_arg_string(args, i, "self", &ref, err);

    return r < 0 ? r : xstore__resolve_ref(c, cls, ref, ret_uuid, err);
}
