/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xe help (ocaml/xapi-cli-server/cli_frontend.ml rio_help) and the thin
 * client's usage text (ocaml/xe-cli/newcli.ml usage).
 *
 *   xe help               usage, then the common commands
 *   xe help --all         usage, then every command: host-*, vm-*, others
 *   xe help <cmd>...      one table per command: command name, reqd
 *                         params, optional params, description; an
 *                         unknown one prints "Unknown command '<cmd>'"
 *   --minimal             the command names only, comma-separated
 */
#ifndef XEN_SRIOV_XE_HELP_H
#define XEN_SRIOV_XE_HELP_H

#include <stdio.h>

#include "xe/args.h"
#include "xe/cmdtable.h"
#include "xe/printer.h"

/* Run `xe help` with args (the help command's parameters). */
int xe_help(const struct xe_cmdtable *t, const struct xe_args *args,
            struct xe_printer *p);

/* The client's usage text, on f; argv0 as the program was invoked. */
void xe_usage(FILE *f, const char *argv0);

#endif
