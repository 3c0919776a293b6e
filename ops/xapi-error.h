/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A XenAPI error: a code (UUID_INVALID, NETWORK_SRIOV_ALREADY_ENABLED, ...)
 * and its parameters, exactly as XAPI puts them in ErrorDescription.  Every
 * operation shared by `xe` and the XenAPI endpoint reports failures this way;
 * the CLI prints it as xe does, the endpoint encodes it as a fault.
 */
#ifndef XEN_SRIOV_XAPI_ERROR_H
#define XEN_SRIOV_XAPI_ERROR_H

#include <stddef.h>

#define XAPI_ERROR_MAX_PARAMS 8

struct xapi_error {
    char *code;                              /* NULL when no error is set */
    char *params[XAPI_ERROR_MAX_PARAMS];
    size_t n_params;
    int errno_value;                         /* negative errno behind it, or 0 */
};

/* A cleared error (also what xapi_error_clear() leaves). */
#define XAPI_ERROR_INIT { NULL, { NULL }, 0, 0 }

/*
 * Set *err to code + params (NULL-terminated list of strings, copied).
 * Replaces any error already set.  Returns r (pass the negative errno that
 * caused it, or -EINVAL for a refused request), so callers can write
 *     return xapi_error_set(err, -EINVAL, "UUID_INVALID", "network", u, NULL);
 * On allocation failure the code becomes INTERNAL_ERROR with no params.
 */
int xapi_error_set(struct xapi_error *err, int r, const char *code, ...)
    __attribute__((sentinel));

/* code [message], message printf-formatted (xe's Cli_failure:
 * xe_failf() in xe/cli-error.h). */
int xapi_error_setf(struct xapi_error *err, int r, const char *code,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* INTERNAL_ERROR [message], message printf-formatted. */
int xapi_error_internal(struct xapi_error *err, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Free the strings and reset to XAPI_ERROR_INIT.  Idempotent. */
void xapi_error_clear(struct xapi_error *err);

/* Non-zero when an error is set. */
static inline int xapi_error_is_set(const struct xapi_error *err)
{
    return err && err->code != NULL;
}

#endif
