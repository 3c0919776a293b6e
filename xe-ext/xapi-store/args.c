/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Arguments of the calls: refs to objects that exist, scalars, maps. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "xe-ext/core/xapi-errors.h"
#include "xe-ext/xapi-store/internal.h"

int xstore__resolve_ref(struct xstore_conn *c, const char *cls,
                        const char *ref, const char **ret_uuid,
                        struct xapi_error *err)
{
    const char *uuid = xstore__ref_uuid(ref);
    store_record *rec = NULL;
    int r;

    if (!uuid)
        return xapi_handle_invalid(err, cls, ref ? ref : "");
    r = store_get(c->st, cls, uuid, &rec);
    store_record_free(rec);
    if (r == -ENOENT)
        return xapi_handle_invalid(err, cls, ref);
    if (r < 0)
        return xapi_error_internal(err, r, "%s", store_last_error(c->st));
    *ret_uuid = uuid;
    return 0;
}

int xstore__resolve(struct xstore_conn *c, const char *cls,
                    struct xv *const *args, size_t i,
                    const char **ret_uuid, struct xapi_error *err)
{
    const char *ref;
    int r = xapi_arg_string(args, i, "self", &ref, err);

    return r < 0 ? r : xstore__resolve_ref(c, cls, ref, ret_uuid, err);
}

int xstore__scalar_text(const struct xv *v, const char *what,
                        char buf[32], const char **ret,
                        struct xapi_error *err)
{
    if (!v)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, what,
                              NULL);
    switch (v->type) {
    case XV_STRING:
        *ret = v->s;
        return 0;
    case XV_INT:
        snprintf(buf, 32, "%" PRId64, v->i);
        *ret = buf;
        return 0;
    case XV_BOOL:
        *ret = v->b ? "true" : "false";
        return 0;
    default:
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, what,
                              NULL);
    }
}

int xstore__map_pairs(const struct xv *v, const char *what,
                      const char ***ret, struct xapi_error *err)
{
    const char **kv;
    size_t k = 0;

    if (!v || v->type != XV_STRUCT)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, what,
                              NULL);
    kv = calloc(2 * v->st.n + 1, sizeof(*kv));
    if (!kv)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    for (size_t i = 0; i < v->st.n; i++) {
        const struct xv *val = v->st.m[i].value;

        if (val->type != XV_STRING) {
            free(kv);
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, what,
                                  NULL);
        }
        kv[k++] = v->st.m[i].name;
        kv[k++] = val->s;
    }
    kv[k] = NULL;
    *ret = kv;
    return 0;
}
