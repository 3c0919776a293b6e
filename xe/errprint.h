/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Print a failure on the error stream exactly as xe does
 * (ocaml/xapi-cli-server/xapi_cli.ml exception_handler, cli_util.ml
 * server_error, ocaml/xe-cli/newcli.ml):
 *
 * - a XenAPI code of ops/xapi-errors.h: its doc string, then one
 *   "name: value" line per declared parameter ("name: <unknown>" when the
 *   error has fewer values, "<extra>: value" when it has more);
 * - any other code: "Error code: <CODE>" and "Error parameters: <p1>, <p2>";
 * - the xe front end's own codes (xe/cli-error.h) as xe prints its
 *   parse and CLI failures.
 */
#ifndef XEN_SRIOV_XE_ERRPRINT_H
#define XEN_SRIOV_XE_ERRPRINT_H

#include <stdio.h>

#include "ops/xapi-error.h"

/*
 * Optional: how to show a parameter value.  xe shows an object reference
 * as "uuid (name-label)"; return a malloc'd string to print instead of
 * value, or NULL to print value unchanged.
 */
typedef char *(*xe_describe_fn)(void *userdata, const char *value);

/* Print err on f.  Returns 0 or a negative errno (write failure). */
int xe_error_print(FILE *f, const struct xapi_error *err,
                   xe_describe_fn describe, void *userdata);

#endif
