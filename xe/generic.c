/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Generic *-list and *-param-* commands on records (make_param_funs). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libsriov/macro.h"
#include "xe/cli-error.h"
#include "xe/cmdtable.h"
#include "xe/generic.h"
#include "ops/xapi-errors.h"
#include "xenstore-schema/schema.h"

static int oom(struct xapi_error *err)
{
    return xapi_error_internal(err, -ENOMEM, "out of memory");
}

int xe_bool_of_string(const char *s, bool *ret)
{
    /* Record_util.bool_of_string, any case. */
    static const char *const yes[] = { "true", "t", "yes", "y", "1" };
    static const char *const no[] = { "false", "f", "no", "n", "0" };

    for (size_t i = 0; s && i < ELEMENTSOF(yes); i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *ret = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *ret = false;
            return 0;
        }
    }
    return -EINVAL;
}

static int parse_bool(const char *name, const char *s, bool *ret,
                      struct xapi_error *err)
{
    if (xe_bool_of_string(s, ret) == 0)
        return 0;
    /* cli_operations.ml get_bool_param: Record_util's text. */
    return xe_failf(err, "Failed to parse parameter '%s': Expected 'true',"
                    "'t','yes','y','1','false','f','no','n','0' got %s",
                    name, s ? s : "");
}

enum ftype { FT_NORMAL, FT_SET, FT_MAP };

/*
 * cli_operations.ml get_field_type: what a parameter name designates.
 * "name" is the field itself; "name:rest" a set or map with rest after
 * the ':'; xe's old "map-rest" form matches the longest map name, then
 * the longest set name.  *rest points into k.
 */
static int field_type(const struct xe_class_def *cls, const char *k,
                      enum ftype *type, size_t *index, const char **rest,
                      struct xapi_error *err)
{
    const struct xe_field_def *f;
    const char *colon = strchr(k, ':');
    size_t best = 0, best_len = 0;

    if (xe_class_field(cls, k, index)) {
        *type = FT_NORMAL;
        return 0;
    }
    if (colon) {
        _cleanup_free_ char *name = strndup(k, (size_t)(colon - k));

        if (!name)
            return oom(err);
        f = xe_class_field(cls, name, index);
        if (!f)
            return xe_failf(err, "Unknown field '%s'", k);
        if (f->kind == XE_SCALAR)
            return xe_failf(err, "Field '%s' is not a set or map", f->name);
        *type = f->kind == XE_SET ? FT_SET : FT_MAP;
        *rest = colon + 1;
        return 0;
    }
    for (int pass = 0; pass < 2; pass++) {
        enum xe_kind want = pass == 0 ? XE_MAP : XE_SET;

        for (size_t i = 0; i < cls->n_fields; i++) {
            size_t len = strlen(cls->fields[i].name);

            if (cls->fields[i].kind == want && len > best_len &&
                strncmp(k, cls->fields[i].name, len) == 0 && k[len] == '-') {
                best = i;
                best_len = len;
            }
        }
        if (best_len) {
            *type = want == XE_MAP ? FT_MAP : FT_SET;
            *index = best;
            *rest = k + best_len + 1;
            return 0;
        }
    }
    return xe_failf(err, "Unknown field '%s'", k);
}

/* A parameter that is not a *-list filter. */
static bool not_a_filter(const char *k)
{
    return streq_ptr(k, "params") || xe_is_std_param(k) ||
           strncmp(k, "database:", 9) == 0;
}

static bool same(const char *a, const char *b, bool nocase)
{
    return nocase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

/* Keep the records matching one filter (filter_records_on_fields). */
static int apply_filter(const struct xe_class_def *cls,
                        struct xe_record *const *recs, size_t n, bool *keep,
                        const char *k, const char *v, struct xapi_error *err)
{
    enum ftype type;
    size_t idx = 0;
    const char *rest = NULL;
    const struct xe_field_def *f;
    int r;

    r = field_type(cls, k, &type, &idx, &rest, err);
    if (r < 0)
        return r;
    f = &cls->fields[idx];
    if (type == FT_SET && !streq_ptr(rest, "contains"))
        return xe_failf(err, "Invalid syntax for set filtering (should be "
                     "set-param:contains=key)");
    for (size_t i = 0; i < n; i++) {
        const struct xe_value *val;
        bool ok = false;

        if (!keep[i])
            continue;
        val = xe_record_value(recs[i], idx);
        if (!val)
            return oom(err);
        if (type == FT_NORMAL) {
            _cleanup_free_ char *shown = xe_value_format(f, val);

            if (!shown)
                return oom(err);
            ok = same(shown, v, f->flags & XE_NOCASE);
        } else if (type == FT_SET) {
            ok = xe_value_has(val, XE_SET, v, f->flags & XE_NOCASE);
        } else {
            const char *got = xe_value_map_get(val, rest,
                                               f->flags & XE_NOCASE);

            ok = got && same(got, v, f->flags & XE_NOCASE);
        }
        keep[i] = ok;
    }
    return 0;
}

/* The fields to print: params=a,b|all or the class's default columns. */
static bool *select_fields(const struct xe_class_def *cls,
                           const char *params)
{
    bool *sel = calloc(cls->n_fields ? cls->n_fields : 1, sizeof(*sel));
    _cleanup_free_ char *copy = NULL;

    if (!sel)
        return NULL;
    if (streq_ptr(params, "all") ||
        (!params && (!cls->list_columns || !cls->list_columns[0]))) {
        for (size_t i = 0; i < cls->n_fields; i++)
            sel[i] = true;
        return sel;
    }
    if (!params) {
        for (size_t c = 0; cls->list_columns[c]; c++)
            for (size_t i = 0; i < cls->n_fields; i++)
                if (streq_ptr(cls->fields[i].name, cls->list_columns[c]))
                    sel[i] = true;
        return sel;
    }
    /* Astring.String.cuts ~sep:",": every piece, empty ones too. */
    copy = strdup(params);
    if (!copy) {
        free(sel);
        return NULL;
    }
    for (char *s = copy, *next; s; s = next) {
        next = strchr(s, ',');
        if (next)
            *next++ = '\0';
        for (size_t i = 0; i < cls->n_fields; i++)
            if (streq_ptr(cls->fields[i].name, s))
                sel[i] = true;
    }
    return sel;
}

/* Rows of one record: label + value per selected, non-hidden field. */
struct built {
    struct xe_row *rows;
    size_t n;
};

static void built_done(struct built *b)
{
    for (size_t i = 0; b->rows && i < b->n; i++) {
        free((char *)b->rows[i].key);
        free((char *)b->rows[i].value);
    }
    free(b->rows);
    b->rows = NULL;
    b->n = 0;
}

static int build_rows(struct xe_record *rec, const bool *sel, bool listing,
                      struct built *b)
{
    const struct xe_class_def *cls = rec->cls;

    b->rows = calloc(cls->n_fields ? cls->n_fields : 1, sizeof(*b->rows));
    if (!b->rows)
        return -ENOMEM;
    for (size_t i = 0; i < cls->n_fields; i++) {
        const struct xe_field_def *f = &cls->fields[i];
        struct xe_row *row;

        if ((sel && !sel[i]) || (f->flags & XE_HIDDEN))
            continue;
        row = &b->rows[b->n++];
        row->key = xe_field_label(f);
        if (listing && (f->flags & XE_EXPENSIVE))
            row->value = strdup(XE_EXPENSIVE_FIELD);
        else
            row->value = xe_value_format(f, xe_record_value(rec, i));
        if (!row->key || !row->value)
            return -ENOMEM;
    }
    return 0;
}

static int print_records(struct xe_record *const *recs, size_t n,
                         const bool *keep, const bool *sel, bool listing,
                         struct xe_printer *p, struct xapi_error *err)
{
    struct built *b = calloc(n ? n : 1, sizeof(*b));
    struct xe_table_record *t = calloc(n ? n : 1, sizeof(*t));
    size_t m = 0;
    int r = 0;

    if (!b || !t)
        r = -ENOMEM;
    for (size_t i = 0; r >= 0 && i < n; i++) {
        if (keep && !keep[i])
            continue;
        r = build_rows(recs[i], sel, listing, &b[m]);
        t[m].rows = b[m].rows;
        t[m].n_rows = b[m].n;
        m++;
    }
    if (r >= 0)
        r = xe_print_table(p, t, m);
    for (size_t i = 0; b && i < m; i++)
        built_done(&b[i]);
    free(b);
    free(t);
    if (r == -ENOMEM)
        return oom(err);
    return r < 0 ? xapi_error_internal(err, r, "cannot write the output")
                 : 0;
}

int xe_generic_list(const struct xe_class_def *cls,
                    struct xe_record *const *recs, size_t n,
                    struct xe_args *args, struct xe_printer *p,
                    struct xapi_error *err)
{
    _cleanup_free_ bool *keep = calloc(n ? n : 1, sizeof(*keep));
    _cleanup_free_ bool *sel = NULL;
    size_t left = n;
    bool all = false;
    const char *v;
    int r;

    if (!keep)
        return oom(err);
    for (size_t i = 0; i < n; i++)
        keep[i] = true;
    /* A list reads every parameter: none is ever "ignored". */
    for (size_t i = 0; i < args->n_params; i++)
        args->params[i].used = true;
    v = xe_args_peek(args, "all");
    if (v) {
        r = parse_bool("all", v, &all, err);
        if (r < 0)
            return r;
    }
    for (size_t i = 0; i < args->n_params; i++) {
        const struct xe_param *prm = &args->params[i];

        if (not_a_filter(prm->key))
            continue;
        /* xe checks filters against the first remaining record only. */
        if (left == 0)
            break;
        r = apply_filter(cls, recs, n, keep, prm->key, prm->value, err);
        if (r < 0)
            return r;
        left = 0;
        for (size_t j = 0; j < n; j++)
            left += keep[j];
    }
    sel = select_fields(cls, xe_args_peek(args, "params"));
    if (!sel)
        return oom(err);
    return print_records(recs, n, all ? NULL : keep, sel, true, p, err);
}

int xe_generic_param_list(struct xe_record *rec, struct xe_printer *p,
                          struct xapi_error *err)
{
    return print_records(&rec, 1, NULL, NULL, false, p, err);
}

int xe_generic_param_get(struct xe_record *rec, struct xe_args *args,
                         struct xe_printer *p, struct xapi_error *err)
{
    const char *name = xe_args_get(args, "param-name");
    const char *key = xe_args_get(args, "param-key");
    const struct xe_field_def *f;
    const struct xe_value *v;
    _cleanup_free_ char *text = NULL;
    const char *out;
    size_t i;
    int r;

    f = xe_class_field(rec->cls, name, &i);
    if (!f)
        return xapi_error_set(err, -EINVAL, XE_ERR_MISSING_PARAMETER,
                              name ? name : "", NULL);
    v = xe_record_value(rec, i);
    if (!v)
        return oom(err);
    if (key && f->kind == XE_MAP) {
        out = xe_value_map_get(v, key, false);
        if (!out)
            return xe_failf(err, "Key %s not found in map", key);
    } else {
        text = xe_value_format(f, v);
        if (!text)
            return oom(err);
        out = text;
    }
    r = xe_print_list(p, &out, 1);
    return r < 0 ? xapi_error_internal(err, r, "cannot write the output")
                 : 0;
}

void xe_plan_done(struct xe_plan *plan)
{
    for (size_t i = 0; plan->changes && i < plan->n; i++) {
        free(plan->changes[i].key);
        free(plan->changes[i].value);
    }
    free(plan->changes);
    plan->changes = NULL;
    plan->n = 0;
}

static int plan_add(struct xe_plan *plan, enum xe_change_op op,
                    const struct xe_field_def *f, const char *key,
                    const char *value)
{
    struct xe_change *c;

    c = realloc(plan->changes, (plan->n + 1) * sizeof(*c));
    if (!c)
        return -ENOMEM;
    plan->changes = c;
    c = &c[plan->n];
    c->op = op;
    c->field = f;
    c->key = key ? strdup(key) : NULL;
    c->value = value ? strdup(value) : NULL;
    if ((key && !c->key) || (value && !c->value)) {
        free(c->key);
        free(c->value);
        return -ENOMEM;
    }
    plan->n++;
    return 0;
}

/* Would OCaml's Int64.of_string read it (decimal here; 0x, 0o, 0b and
 * '_' are OCaml's too, but a schema int check refuses them anyway)? */
static bool int64_text(const char *v)
{
    char *end;

    errno = 0;
    (void)strtoll(v, &end, 10);
    return *v && !*end && !errno && !isspace((unsigned char)*v);
}

/* The value a settable scalar may take, by its schema type. */
static int check_scalar(const struct xe_record *rec,
                        const struct xe_field_def *f, const char *v,
                        struct xapi_error *err)
{
    const struct schema_field *sf;
    const char *why;

    sf = schema_field_find(schema_class_find(rec->cls->api_class),
                           f->api_field);
    if (!sf || schema_value_check(sf, v, &why) >= 0)
        return 0;
    switch (sf->type) {
    /* records.ml safe_i64_of_string / safe_bool_of_string. */
    case SCHEMA_INT:
        /* A plain Int64.of_string: its Failure passes cli_operations.ml
         * p_set (only "int_of_string" is reworded) to xapi_cli.ml's
         * exception_handler, Failure str -> INTERNAL_ERROR. */
        if ((f->flags & XE_RAW_INT) && !int64_text(v))
            return xapi_error_set(err, -EINVAL, XAPI_INTERNAL_ERROR,
                                  "Failure: Int64.of_string", NULL);
        if (f->flags & XE_RAW_INT)
            return 0;                 /* the operation judges its range */
        return xe_failf(err, "Failed to parse parameter '%s': expecting an "
                        "integer", f->name);
    case SCHEMA_BOOL:
        return xe_failf(err, "Failed to parse parameter '%s': expecting a "
                        "boolean (true or false)", f->name);
    case SCHEMA_ENUM: {
        _cleanup_free_ char *list = strdup("");

        for (size_t i = 0; list && sf->enum_values[i]; i++) {
            char *next;

            if (asprintf(&next, "%s%s'%s'", list, i ? ", " : "",
                         sf->enum_values[i]) < 0)
                return oom(err);
            free(list);
            list = next;
        }
        if (!list)
            return oom(err);
        return xe_failf(err, "Expected %s, got %s", list, v);
    }
    default:
        return xe_failf(err, "Parameter %s: %s", f->name, why);
    }
}

static int plan_fail(struct xe_plan *plan, int r, struct xapi_error *err)
{
    xe_plan_done(plan);
    return r == -ENOMEM && !xapi_error_is_set(err) ? oom(err) : r;
}

/* The XenAPI name of a map for MAP_DUPLICATE_KEY: "other_config". */
static int duplicate_key(const struct xe_record *rec,
                         const struct xe_field_def *f, const char *key,
                         struct xapi_error *err)
{
    const char *uuid = "";
    size_t i;

    if (xe_class_field(rec->cls, "uuid", &i) && rec->values[i].present)
        uuid = rec->values[i].text;
    return xapi_error_set(err, -EEXIST, XAPI_MAP_DUPLICATE_KEY,
                          rec->cls->api_class, f->api_field, uuid, key,
                          NULL);
}

int xe_plan_param_set(struct xe_record *rec, struct xe_args *args,
                      struct xe_plan *ret, struct xapi_error *err)
{
    struct xe_plan plan = XE_PLAN_INIT;
    int r = 0;

    for (size_t i = 0; i < args->n_params; i++) {
        struct xe_param *prm = &args->params[i];
        const struct xe_field_def *f;
        const char *rest = NULL;
        enum ftype type;
        size_t idx = 0;

        if (streq_ptr(prm->key, "uuid") || xe_is_std_param(prm->key))
            continue;
        prm->used = true;
        r = field_type(rec->cls, prm->key, &type, &idx, &rest, err);
        if (r < 0)
            return plan_fail(&plan, r, err);
        f = &rec->cls->fields[idx];
        if (type == FT_MAP) {
            if (!(f->flags & XE_RW))
                return plan_fail(&plan, xe_failf(err, "Map field '%s' is "
                                              "read-only.", f->name), err);
            r = plan_add(&plan, XE_CHANGE_MAP_PUT, f, rest, prm->value);
        } else if (type == FT_SET) {
            return plan_fail(&plan, xe_failf(err, "Cannot param-set on set "
                                          "fields"), err);
        } else if (f->kind == XE_SCALAR && (f->flags & XE_RW)) {
            r = check_scalar(rec, f, prm->value, err);
            if (r >= 0)
                r = plan_add(&plan, XE_CHANGE_SET, f, NULL, prm->value);
        } else if (f->kind == XE_MAP && (f->flags & XE_RW)) {
            r = xe_failf(err, "Field '%s' is a map or set. use the "
                      "'name:key=value' syntax.", prm->key);
        } else {
            r = xe_failf(err, "Field '%s' is read-only.", prm->key);
        }
        if (r < 0)
            return plan_fail(&plan, r, err);
    }
    *ret = plan;
    return 0;
}

/* The field param-name= names (all of them, hidden ones too). */
static int named_field(struct xe_record *rec, struct xe_args *args,
                       const struct xe_field_def **f, size_t *idx,
                       struct xapi_error *err)
{
    const char *name = xe_args_get(args, "param-name");

    *f = xe_class_field(rec->cls, name, idx);
    if (!*f)
        return xapi_error_set(err, -EINVAL, XE_ERR_MISSING_PARAMETER,
                              name ? name : "", NULL);
    return 0;
}

int xe_plan_param_add(struct xe_record *rec, struct xe_args *args,
                      struct xe_plan *ret, struct xapi_error *err)
{
    struct xe_plan plan = XE_PLAN_INIT;
    const struct xe_field_def *f;
    const struct xe_value *v;
    const char *key;
    size_t idx;
    int r;

    r = named_field(rec, args, &f, &idx, err);
    if (r < 0)
        return r;
    key = xe_args_get(args, "param-key");
    if (f->kind == XE_SCALAR)
        return xe_failf(err, "Can only add to parameters of type Set or Map");
    if (!(f->flags & XE_RW))
        return xe_failf(err, "Parameter is read-only");
    v = xe_record_value(rec, idx);
    if (!v)
        return oom(err);
    if (f->kind == XE_SET) {
        if (!key)
            return xe_failf(err, "When adding a key to a set, use the syntax: "
                         "*-param-add param-name=<name> param-key=<key>");
        r = plan_add(&plan, XE_CHANGE_SET_ADD, f, key, NULL);
        if (r < 0)
            return plan_fail(&plan, r, err);
        *ret = plan;
        return 0;
    }
    for (size_t i = 0; i < args->n_params; i++) {
        struct xe_param *prm = &args->params[i];

        if (streq_ptr(prm->key, "uuid") || streq_ptr(prm->key, "param-name") ||
            streq_ptr(prm->key, "param-key") || xe_is_std_param(prm->key))
            continue;
        prm->used = true;
        if (xe_value_map_get(v, prm->key, false))
            return plan_fail(&plan, duplicate_key(rec, f, prm->key, err),
                             err);
        /* The same key twice on the command line: the second add fails. */
        for (size_t j = 0; j < plan.n; j++)
            if (streq_ptr(plan.changes[j].key, prm->key))
                return plan_fail(&plan, duplicate_key(rec, f, prm->key, err),
                                 err);
        r = plan_add(&plan, XE_CHANGE_MAP_ADD, f, prm->key, prm->value);
        if (r < 0)
            return plan_fail(&plan, r, err);
    }
    *ret = plan;
    return 0;
}

int xe_plan_param_remove(struct xe_record *rec, struct xe_args *args,
                         struct xe_plan *ret, struct xapi_error *err)
{
    struct xe_plan plan = XE_PLAN_INIT;
    const struct xe_field_def *f;
    const struct xe_value *v;
    const char *key;
    size_t idx;
    int r;

    r = named_field(rec, args, &f, &idx, err);
    if (r < 0)
        return r;
    key = xe_args_get(args, "param-key");
    if (!key)
        key = "";
    if (f->kind == XE_SCALAR)
        return xe_failf(err, "Can only remove from parameters of type Set or "
                     "Map");
    if (!(f->flags & XE_RW))
        return xe_failf(err, "Cannot remove parameters from read-only map");
    v = xe_record_value(rec, idx);
    if (!v)
        return oom(err);
    if (!xe_value_has(v, f->kind, key, false))
        return f->kind == XE_SET
                   ? xe_failf(err, "Key %s is not in the set", key)
                   : xe_failf(err, "Key %s is not in map", key);
    r = plan_add(&plan, f->kind == XE_SET ? XE_CHANGE_SET_REMOVE
                                          : XE_CHANGE_MAP_REMOVE,
                 f, key, NULL);
    if (r < 0)
        return plan_fail(&plan, r, err);
    *ret = plan;
    return 0;
}

int xe_plan_param_clear(struct xe_record *rec, struct xe_args *args,
                        struct xe_plan *ret, struct xapi_error *err)
{
    struct xe_plan plan = XE_PLAN_INIT;
    const struct xe_field_def *f;
    const struct xe_value *v;
    size_t idx;
    int r = 0;

    r = named_field(rec, args, &f, &idx, err);
    if (r < 0)
        return r;
    if (!(f->flags & XE_RW))
        return xe_failf(err, "Can only clear RW parameters");
    if (f->kind == XE_SCALAR) {
        /* xe sets "" and turns any failure into this message. */
        if (check_scalar(rec, f, "", err) < 0) {
            xapi_error_clear(err);
            return xe_failf(err, "Cannot clear this parameter");
        }
        r = plan_add(&plan, XE_CHANGE_SET, f, NULL, "");
        if (r < 0)
            return plan_fail(&plan, r, err);
        *ret = plan;
        return 0;
    }
    v = xe_record_value(rec, idx);
    if (!v)
        return oom(err);
    for (size_t i = 0; r >= 0 && v->items && i < v->n; i++)
        r = plan_add(&plan, f->kind == XE_SET ? XE_CHANGE_SET_REMOVE
                                              : XE_CHANGE_MAP_REMOVE,
                     f, v->items[f->kind == XE_MAP ? 2 * i : i], NULL);
    if (r < 0)
        return plan_fail(&plan, r, err);
    *ret = plan;
    return 0;
}
