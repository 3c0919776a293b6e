/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the XML-RPC parser.  Any input must parse or fail
 * cleanly (one-line message); what parses must re-encode, and encoding is
 * a fixed point: format(parse(format(parse(x)))) == format(parse(x)).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/xmlrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *method = NULL, *error = NULL, *out1 = NULL, *out2 = NULL;
    char *method2 = NULL;
    struct xv *params = NULL, *params2 = NULL, *v = NULL;
    size_t n1, n2;
    int r;

    r = xmlrpc_parse_call((const char *)data, size, &method, &params,
                          &error);
    if (r < 0) {
        if (r == -EBADMSG && (!error || strchr(error, '\n')))
            abort();
        free(error);
    } else if (xmlrpc_format_call(method, params, &out1, &n1) == 0) {
        if (xmlrpc_parse_call(out1, n1, &method2, &params2, &error) != 0)
            abort();
        if (xmlrpc_format_call(method2, params2, &out2, &n2) != 0 ||
            n1 != n2 || memcmp(out1, out2, n1) != 0)
            abort();
    }
    free(method);
    free(method2);
    free(out1);
    free(out2);
    xv_free(params);
    xv_free(params2);
    error = NULL;
    if (xmlrpc_parse_response((const char *)data, size, &v, &error) == 0)
        xv_free(v);
    free(error);
    return 0;
}
