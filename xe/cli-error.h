/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Failures of the xe front end itself, carried in a struct xapi_error like
 * XenAPI errors so that the whole CLI has one error path.  Their codes
 * start with "xe:" and can never be XenAPI codes; the endpoint never sees
 * them.  xe/errprint.c prints each the way xe does:
 *
 *   XE_ERR_SYNTAX [detail]        "Syntax error: <detail>" + usage hint
 *   XE_ERR_UNKNOWN_COMMAND [cmd]  "Unknown command: <cmd>" + usage hint
 *   XE_ERR_PARAM_NOT_FOUND [p]    "Required parameter not found: <p>" + hint
 *   XE_ERR_FAILURE [message]      "Error: <message>" (xe's Cli_failure)
 *   XE_ERR_USAGE [message]        "<message>" then the client usage text
 *   XE_ERR_MISSING_PARAMETER [p]  "Error code: Missing parameter" /
 *                                 "Error parameters: <p>" (param-get of a
 *                                 field the record does not have)
 * The usage hint is the line "For usage run: 'xe help'".
 */
#ifndef XEN_SRIOV_XE_CLI_ERROR_H
#define XEN_SRIOV_XE_CLI_ERROR_H

#include <errno.h>

#include "ops/xapi-error.h"

#define XE_ERR_SYNTAX "xe:SYNTAX_ERROR"
#define XE_ERR_UNKNOWN_COMMAND "xe:UNKNOWN_COMMAND"
#define XE_ERR_PARAM_NOT_FOUND "xe:PARAM_NOT_FOUND"
#define XE_ERR_FAILURE "xe:FAILURE"
#define XE_ERR_USAGE "xe:USAGE"
/* Not an xe: code: xe itself prints it as an unknown server error code. */
#define XE_ERR_MISSING_PARAMETER "Missing parameter"

/* xe's Cli_failure, "Error: <message>": XE_ERR_FAILURE [message], message
 * printf-formatted; returns -EINVAL. */
#define xe_failf(err, ...) \
    xapi_error_setf((err), -EINVAL, XE_ERR_FAILURE, __VA_ARGS__)

#endif
