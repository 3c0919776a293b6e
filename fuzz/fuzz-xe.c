/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for the xe front end: the input is a command line, one
 * argument per line (a first line "XE_EXTRA_ARGS=..." sets that variable).
 * It runs the whole of xe_run(): both parsing stages, help, the checks, and
 * for the generated commands the generic list/param-get/param-list and the
 * param-set/add/remove/clear plans on a few fixed records.  Built by
 * `make fuzz` (clang), not part of `make check`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xe/generic.h"
#include "xe/run.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed record per class, with a lazily computed field or two. */
static int compute(void *ud, const struct xe_record *rec,
                   const struct xe_field_def *f, struct xe_value *out)
{
    return strcmp(f->name, "remaining-capacity") == 0
               ? xe_value_set_text(out, "6") : -1;
}

static struct xe_record *record_of(const struct xe_class_def *cls)
{
    static const char *const map[] = { "vlan", "5", "a,b", "c\\d" };
    static const char *const set[] = { "sriov", "x" };
    struct xe_record *rec;

    if (xe_record_new(&rec, cls) < 0)
        return NULL;
    for (size_t i = 0; i < cls->n_fields; i++) {
        const struct xe_field_def *f = &cls->fields[i];

        if (f->source == XE_SRC_COMPUTED)
            continue;
        if (f->kind == XE_MAP)
            xe_record_set_items(rec, f->name, map, 2);
        else if (f->kind == XE_SET)
            xe_record_set_items(rec, f->name, set, 2);
        else
            xe_record_set(rec, f->name, i ? "1500" : "u-1");
    }
    rec->compute = compute;
    return rec;
}

static int generic(struct xe_call *call)
{
    const struct xe_class_def *cls = call->cmd->cls;
    struct xe_record *recs[2] = { record_of(cls), record_of(cls) };
    struct xe_plan plan = XE_PLAN_INIT;
    int r = -1;

    if (!recs[0] || !recs[1])
        goto out;
    switch (call->cmd->op) {
    case XE_OP_LIST:
        r = xe_generic_list(cls, recs, 2, call->args, call->printer,
                            call->err);
        break;
    case XE_OP_PARAM_LIST:
        r = xe_generic_param_list(recs[0], call->printer, call->err);
        break;
    case XE_OP_PARAM_GET:
        r = xe_generic_param_get(recs[0], call->args, call->printer,
                                 call->err);
        break;
    case XE_OP_PARAM_SET:
        r = xe_plan_param_set(recs[0], call->args, &plan, call->err);
        break;
    case XE_OP_PARAM_ADD:
        r = xe_plan_param_add(recs[0], call->args, &plan, call->err);
        break;
    case XE_OP_PARAM_REMOVE:
        r = xe_plan_param_remove(recs[0], call->args, &plan, call->err);
        break;
    default:
        r = xe_plan_param_clear(recs[0], call->args, &plan, call->err);
        break;
    }
out:
    xe_plan_done(&plan);
    xe_record_free(recs[0]);
    xe_record_free(recs[1]);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct xe_cmdtable *table;
    static FILE *null;
    char *copy, *argv[MAX_ARGS + 1], *line, *next;
    const char *extra = NULL;
    int argc = 1;

    if (!table) {
        xe_handler_fn all[XE_OP_N];

        for (size_t i = 0; i < XE_OP_N; i++)
            all[i] = generic;
        if (xe_cmdtable_new(&table, NULL, all) < 0)
            abort();
        null = fopen("/dev/null", "we");
        if (!null)
            abort();
    }
    copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    argv[0] = "xe";
    for (line = copy; line && argc < MAX_ARGS; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line == copy && strncmp(line, "XE_EXTRA_ARGS=", 14) == 0) {
            extra = line + 14;
            continue;
        }
        argv[argc++] = line;
    }
    argv[argc] = NULL;
    {
        struct xe_env env = {
            .out = null, .err = null, .argv0 = "xe", .extra_args = extra,
            .hostname = "host", .is_root = size % 2, .table = table,
        };

        xe_run(&env, argc, argv);
    }
    free(copy);
    return 0;
}
