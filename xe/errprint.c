/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Failures printed the way xe prints them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/macro.h"
#include "xe/cli-error.h"
#include "xe/errprint.h"
#include "ops/xapi-errors.h"

static const char *param(const struct xapi_error *err, size_t i)
{
    return i < err->n_params && err->params[i] ? err->params[i] : "";
}

/* xapi_cli.ml param_error: "<what>: <text>" and the usage hint. */
static void param_error(FILE *f, const char *what, const char *text)
{
    fprintf(f, "%s: %s\n", what, text);
    fputs("For usage run: 'xe help'\n", f);
}

static void print_value(FILE *f, const char *value, xe_describe_fn describe,
                        void *userdata)
{
    _cleanup_free_ char *shown = describe ? describe(userdata, value) : NULL;

    fputs(shown ? shown : value, f);
}

int xe_error_print(FILE *f, const struct xapi_error *err,
                   xe_describe_fn describe, void *userdata)
{
    const struct xapi_error_info *info;
    const char *code = err && err->code ? err->code : XAPI_INTERNAL_ERROR;

    if (streq_ptr(code, XE_ERR_SYNTAX))
        param_error(f, "Syntax error", param(err, 0));
    else if (streq_ptr(code, XE_ERR_UNKNOWN_COMMAND))
        param_error(f, "Unknown command", param(err, 0));
    else if (streq_ptr(code, XE_ERR_PARAM_NOT_FOUND))
        param_error(f, "Required parameter not found", param(err, 0));
    else if (streq_ptr(code, XE_ERR_FAILURE))
        fprintf(f, "Error: %s\n", param(err, 0));
    else if (streq_ptr(code, XE_ERR_USAGE))
        fprintf(f, "%s\n", param(err, 0));
    else if ((info = xapi_error_info_find(code))) {
        size_t declared = xapi_error_info_n_params(info);
        size_t n = err->n_params > declared ? err->n_params : declared;

        fprintf(f, "%s\n", info->doc);
        for (size_t i = 0; i < n; i++) {
            if (i >= err->n_params) {
                fprintf(f, "%s: <unknown>\n", info->params[i]);
                continue;
            }
            fprintf(f, "%s: ", i < declared ? info->params[i] : "<extra>");
            print_value(f, param(err, i), describe, userdata);
            fputc('\n', f);
        }
    } else {
        /* newcli.ml: an error the server's datamodel does not know. */
        fprintf(f, "Error code: %s\n", code);
        fputs("Error parameters: ", f);
        for (size_t i = 0; err && i < err->n_params; i++) {
            if (i)
                fputs(", ", f);
            print_value(f, param(err, i), describe, userdata);
        }
        fputc('\n', f);
    }
    if (fflush(f) == EOF || ferror(f))
        return negative_errno();
    return 0;
}
