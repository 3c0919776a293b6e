/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * set_<field>, add_to_<map>, remove_from_<map> for every field users may
 * change (schema "rw"), through ops_apply_changes: the checks xe's
 * param-set/-add/-remove run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/classes/internal.h"

/* Resolve self, apply the changes, give the connection back. */
static int apply(const struct xapi_call *call, struct xv *const *args,
                 size_t n_args, const struct xstore_setter *s, struct ops_change *ch,
                 size_t n, struct xapi_error *err)
{
    struct xstore_conn *c = NULL;
    struct xv *ret = NULL;
    const char *uuid;
    char caller[96];
    int r;

    /* Another host's object: changed there (its checks, its error). */
    r = xstore__forward(s->xs, call, args, n_args, 1, &ret, err);
    xv_free(ret);
    if (r != 0)
        return r < 0 ? r : 0;
    xstore__caller(call, caller, sizeof(caller));
    r = xstore__acquire(s->xs, caller, &c, err);
    if (r < 0)
        return r;
    r = xstore__resolve(c, s->cls->name, args, 0, &uuid, err);
    if (r >= 0)
        r = ops_apply_changes(&c->ops, s->cls->name, uuid, ch, n, err);
    xstore__release(s->xs, c);
    return r;
}

static int set_scalar(const struct xapi_call *call, struct xv *const *args,
                      size_t n_args, struct xv **ret,
                      struct xapi_error *err)
{
    const struct xstore_setter *s = call->userdata;
    struct ops_change ch = { OPS_SET, s->field->name, NULL, NULL };
    char buf[32];
    int r;

    r = xstore__scalar_text(args[1], "value", buf, &ch.value, err);
    return r < 0 ? r : apply(call, args, n_args, s, &ch, 1, err);
}

/* set_<set>: a set of strings (tags) becomes the array given. */
static int set_words(const struct xapi_call *call, struct xv *const *args,
                     size_t n_args, struct xv **ret, struct xapi_error *err)
{
    const struct xstore_setter *s = call->userdata;
    struct ops_change ch = { OPS_SET, s->field->name, NULL, NULL };
    _cleanup_free_ char *joined = strdup("");
    const struct xv *v = args[1];

    if (!v || v->type != XV_ARRAY)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, "value",
                              NULL);
    for (size_t i = 0; joined && i < v->a.n; i++) {
        const struct xv *m = v->a.items[i];
        char *next;

        if (m->type != XV_STRING || !*m->s || strchr(m->s, ','))
            return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR,
                                  "value", NULL);
        if (asprintf(&next, "%s%s%s", joined, *joined ? "," : "",
                     m->s) < 0)
            next = NULL;
        free(joined);
        joined = next;
    }
    if (!joined)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    ch.value = joined;
    return apply(call, args, n_args, s, &ch, 1, err);
}

/* add_<set> / remove_<set> (XAPI's add_tags, remove_tags). */
static int change_words(const struct xapi_call *call, struct xv *const *args,
                        size_t n_args, enum ops_change_op op,
                        struct xapi_error *err)
{
    const struct xstore_setter *s = call->userdata;
    struct ops_change ch = { op, s->field->name, NULL, NULL };
    int r;

    r = xapi_arg_string(args, 1, "value", &ch.key, err);
    return r < 0 ? r : apply(call, args, n_args, s, &ch, 1, err);
}

static int add_word(const struct xapi_call *call, struct xv *const *args,
                    size_t n_args, struct xv **ret, struct xapi_error *err)
{
    return change_words(call, args, n_args, OPS_SET_ADD, err);
}

static int remove_word(const struct xapi_call *call, struct xv *const *args,
                       size_t n_args, struct xv **ret,
                       struct xapi_error *err)
{
    return change_words(call, args, n_args, OPS_SET_REMOVE, err);
}

/* set_<map>: the map becomes the one given, in one change. */
static int set_map(const struct xapi_call *call, struct xv *const *args,
                   size_t n_args, struct xv **ret, struct xapi_error *err)
{
    const struct xstore_setter *s = call->userdata;
    _cleanup_free_ const char **kv = NULL;
    _cleanup_free_ struct ops_change *ch = NULL;
    struct xstore_conn *c = NULL;
    store_record *rec = NULL;
    const char *uuid;
    char caller[96];
    size_t n = 0, old = 0;
    int r;

    r = xstore__map_pairs(args[1], "value", &kv, err);
    if (r < 0)
        return r;
    r = xstore__forward(s->xs, call, args, n_args, 1, ret, err);
    if (r != 0)
        return r < 0 ? r : 0;
    xstore__caller(call, caller, sizeof(caller));
    r = xstore__acquire(s->xs, caller, &c, err);
    if (r < 0)
        return r;
    r = xstore__resolve(c, s->cls->name, args, 0, &uuid, err);
    if (r >= 0 && (r = store_get(c->st, s->cls->name, uuid, &rec)) < 0) {
        if (r == -ENOENT && strcmp(s->cls->name, "VM") == 0)
            r = 0, rec = NULL;  /* a VM with no other_config yet */
        else
            r = xapi_error_internal(err, r, "%s", store_last_error(c->st));
    }
    if (r >= 0)
        old = store_record_map_count(rec, schema_field_fid(s->field));
    for (size_t i = 0; kv && kv[i]; i += 2)
        n++;
    ch = calloc(old + n + 1, sizeof(*ch));
    if (r >= 0 && !ch)
        r = xapi_error_internal(err, -ENOMEM, "out of memory");
    if (r >= 0) {
        size_t k = 0;

        for (size_t i = 0; i < old; i++)
            ch[k++] = (struct ops_change){
                OPS_MAP_REMOVE, s->field->name,
                store_record_map_key(rec, schema_field_fid(s->field), i),
                NULL };
        for (size_t i = 0; kv[i]; i += 2)
            ch[k++] = (struct ops_change){ OPS_MAP_PUT, s->field->name,
                                           kv[i], kv[i + 1] };
        r = ops_apply_changes(&c->ops, s->cls->name, uuid, ch, k, err);
    }
    store_record_free(rec);
    xstore__release(s->xs, c);
    return r;
}

static int add_to_map(const struct xapi_call *call, struct xv *const *args,
                      size_t n_args, struct xv **ret,
                      struct xapi_error *err)
{
    const struct xstore_setter *s = call->userdata;
    struct ops_change ch = { OPS_MAP_ADD, s->field->name, NULL, NULL };
    int r;

    r = xapi_arg_string(args, 1, "key", &ch.key, err);
    if (r >= 0)
        r = xapi_arg_string(args, 2, "value", &ch.value, err);
    return r < 0 ? r : apply(call, args, n_args, s, &ch, 1, err);
}

static int remove_from_map(const struct xapi_call *call,
                           struct xv *const *args, size_t n_args,
                           struct xv **ret, struct xapi_error *err)
{
    const struct xstore_setter *s = call->userdata;
    struct ops_change ch = { OPS_MAP_REMOVE, s->field->name, NULL, NULL };
    int r;

    r = xapi_arg_string(args, 1, "key", &ch.key, err);
    return r < 0 ? r : apply(call, args, n_args, s, &ch, 1, err);
}

static int add(struct xapi_store *xs, const struct xstore_setter *s,
               const char *verb, unsigned nargs, xapi_method_fn fn)
{
    char name[128];

    snprintf(name, sizeof(name), "%s.%s%s", s->cls->name, verb,
             s->field->name);
    return xapi_add_method(xs->api, &(struct xapi_method){
                               name, nargs, nargs, 0, fn, (void *)s });
}

int xstore__register_setters(struct xapi_store *xs)
{
    size_t n = 0;
    int r = 0;

    for (size_t i = 0; i < schema_n_classes; i++)
        for (size_t k = 0; k < schema_classes[i]->n_fields; k++)
            n += !!(schema_classes[i]->fields[k].flags & SCHEMA_RW);
    xs->setters = calloc(n + 1, sizeof(*xs->setters));
    if (!xs->setters)
        return -ENOMEM;
    for (size_t i = 0; r >= 0 && i < schema_n_classes; i++) {
        const struct schema_class *c = schema_classes[i];

        for (size_t k = 0; r >= 0 && k < c->n_fields; k++) {
            const struct schema_field *f = &c->fields[k];
            struct xstore_setter *s = &xs->setters[xs->n_setters];

            if (!(f->flags & SCHEMA_RW))
                continue;
            *s = (struct xstore_setter){ xs, c, f };
            xs->n_setters++;
            if (f->type == SCHEMA_SET_STRING) {
                r = add(xs, s, "set_", 2, set_words);
                if (r >= 0)
                    r = add(xs, s, "add_", 2, add_word);
                if (r >= 0)
                    r = add(xs, s, "remove_", 2, remove_word);
                continue;
            }
            if (f->type != SCHEMA_MAP) {
                r = add(xs, s, "set_", 2, set_scalar);
                continue;
            }
            r = add(xs, s, "set_", 2, set_map);
            if (r >= 0)
                r = add(xs, s, "add_to_", 3, add_to_map);
            if (r >= 0)
                r = add(xs, s, "remove_from_", 2, remove_from_map);
        }
    }
    return r;
}
