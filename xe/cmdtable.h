/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The xe command table (ocaml/xapi-cli-server/cli_frontend.ml cmdtable_data
 * + cli_operations.ml gen_cmds): each command's name, required and
 * optional parameters, help text, flags and handler.
 *
 * Two kinds of commands, as in xe:
 * - static ones written out in cmdtable.c (pif-scan, network-create,
 *   network-sriov-create, vif-plug, ...);
 * - generated ones, per class of xe/records.h, by xe's rules:
 *   <class>-list, -param-list, -param-get always; -param-set when a field
 *   is settable; -param-add and -param-remove when a set or map is; and
 *   -param-clear when a field can be cleared.
 *
 * Handlers are looked up when the table is built: by command name for
 * static commands, by kind (XE_OP_LIST, ...) for generated ones.  A
 * command without a handler stays in the table (help, completion) and
 * fails with NOT_IMPLEMENTED when run.
 */
#ifndef XEN_SRIOV_XE_CMDTABLE_H
#define XEN_SRIOV_XE_CMDTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "xe/args.h"
#include "xe/printer.h"
#include "xe/records.h"
#include "ops/xapi-error.h"

enum xe_op {
    XE_OP_STATIC,               /* written out, own handler */
    XE_OP_LIST,                 /* <class>-list */
    XE_OP_PARAM_LIST,           /* <class>-param-list */
    XE_OP_PARAM_GET,
    XE_OP_PARAM_SET,
    XE_OP_PARAM_ADD,
    XE_OP_PARAM_REMOVE,
    XE_OP_PARAM_CLEAR,
    XE_OP_N
};

enum xe_cmd_flag {
    XE_CMD_STANDARD = 1u << 0,      /* in `xe help`'s common list */
    XE_CMD_HIDDEN = 1u << 1,        /* not in help listings */
    XE_CMD_CHANGES_STATE = 1u << 2  /* root only */
};

/* What a handler gets.  It reads args with xe_args_get() (which marks
 * them used), prints through printer, and on failure sets err and returns
 * a negative errno. */
struct xe_call {
    const struct xe_command *cmd;
    struct xe_args *args;
    struct xe_printer *printer;
    struct xapi_error *err;
    void *userdata;             /* the program's context (xe_env) */
};

typedef int (*xe_handler_fn)(struct xe_call *call);

struct xe_command {
    char *name;
    char **reqd;                /* NULL-terminated, in xe's order */
    char **optn;                /* NULL-terminated; "other-config:" = map */
    char *help;
    unsigned flags;             /* enum xe_cmd_flag */
    enum xe_op op;
    const struct xe_class_def *cls; /* generated commands: their class */
    xe_handler_fn handler;      /* NULL: not wired yet */
};

struct xe_cmdtable {
    struct xe_command *cmds;    /* sorted by name */
    size_t n;
};

/* Handler of a static command, by name; lists end with { NULL, NULL }. */
struct xe_handler_entry {
    const char *name;
    xe_handler_fn fn;
};

/* The handlers this build has (xe/handlers.c). */
extern const struct xe_handler_entry xe_handlers[];
extern const xe_handler_fn xe_generic_handlers[XE_OP_N];

/*
 * Build the table: the static commands, then the generated ones of every
 * class.  handlers (may be NULL) gives static commands their handler;
 * generic[op] (may be NULL) those of the generated commands.
 * Returns 0 or -ENOMEM.
 */
int xe_cmdtable_new(struct xe_cmdtable **ret,
                    const struct xe_handler_entry *handlers,
                    const xe_handler_fn *generic);
/*
 * The same, but only the commands called name (name NULL: all): a run of
 * one command builds its own entry, not those of xe's ~150 commands
 * (building them all was most of an `xe *-param-get`'s own time:
 * bench-xe).  xe_cmdtable_find(t, name) gives what it gives in the whole
 * table.
 */
int xe_cmdtable_new_for(struct xe_cmdtable **ret,
                        const struct xe_handler_entry *handlers,
                        const xe_handler_fn *generic, const char *name);
struct xe_cmdtable *xe_cmdtable_free(struct xe_cmdtable *t);

/* The command called name, or NULL. */
const struct xe_command *xe_cmdtable_find(const struct xe_cmdtable *t,
                                          const char *name);

/* True when the command declares key (in reqd or optn, or a "map:" key of
 * a map it declares as "map:"). */
bool xe_command_declares(const struct xe_command *cmd, const char *key);

/*
 * Parameters every command accepts and never reports as ignored (xe's
 * stdparams of cli_operations.ml, plus report-ignored-params).
 */
bool xe_is_std_param(const char *key);

#endif
