/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Run one xe command line, in the order xe checks things
 * (ocaml/xe-cli/newcli.ml main, xapi_cli.ml handler/exec_command/do_rpcs):
 *
 *  1. client options (-s, -p, -u, -pw, ...), -version, --help; no command
 *     at all prints the usage (exit 0, as xe);
 *  2. the command line: "Syntax error: ..." (exit 1);
 *  3. --minimal; `help` is answered here (exit 0);
 *  4. "Unknown command: x", then "Required parameter not found: p";
 *  5. ours: a parameter given twice ("Parameter p is defined multiple
 *     times, define it only once."), then root for commands that change
 *     state (USER_IS_NOT_LOCAL_SUPERUSER);
 *  6. the handler; NOT_IMPLEMENTED when the command has none yet;
 *  7. with report-ignored-params=warn: "Ignored parameter: k" on stderr for
 *     each parameter the command does not take (xe >= 25.x; off by
 *     default).
 * Every failure prints on the error stream and gives exit status 1.
 */
#ifndef XEN_SRIOV_XE_RUN_H
#define XEN_SRIOV_XE_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "xe/cmdtable.h"
#include "xe/errprint.h"

struct xe_env {
    FILE *out, *err;
    const char *argv0;          /* as invoked, for the usage text */
    const char *extra_args;     /* XE_EXTRA_ARGS, or NULL */
    const char *hostname;       /* this host's name: -s may name it */
    bool is_root;               /* effective uid 0 */
    /* The commands; NULL: xe_run() builds the entries of the one command
     * it runs (all for help) with these handlers (xe_cmdtable_new_for). */
    const struct xe_cmdtable *table;
    const struct xe_handler_entry *handlers;
    const xe_handler_fn *generic;
    xe_describe_fn describe;    /* optional, for error parameters */
    void *userdata;             /* handed to handlers in xe_call */
    /* A command that changes state, before its handler: 1 when it ran
     * elsewhere (output written, *status set), 0 to run it here, < 0
     * with xerr set.  May be NULL (xe_frontend_forward). */
    int (*forward)(void *userdata, const struct xe_args *args, int argc,
                   char *const *argv, FILE *out, FILE *err, int *status,
                   struct xapi_error *xerr);
};

/* Run argv (argv[0] is the program) and return the exit status. */
int xe_run(const struct xe_env *env, int argc, char *const *argv);

/* True when server (from -s or server=) is this host. */
bool xe_server_is_local(const char *server, const char *hostname);

#endif
