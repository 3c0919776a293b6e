/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the JSON-RPC parser.  Any input must parse or fail
 * cleanly; a request that parses must re-encode to one that parses to an
 * equal request (doubles included: they are written round-trip exact).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/jsonrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jsonrpc_request a, b;
    char *error = NULL, *out = NULL;
    struct xv *v = NULL;
    size_t n;
    int r;

    r = jsonrpc_parse_request((const char *)data, size, &a, &error);
    if (r == -EBADMSG && (!error || strchr(error, '\n')))
        abort();
    free(error);
    error = NULL;
    if (r == 0 && jsonrpc_format_request(a.version, a.id, a.method,
                                         a.params, &out, &n) == 0) {
        if (jsonrpc_parse_request(out, n, &b, &error) != 0 ||
            b.version != a.version || strcmp(a.method, b.method) != 0 ||
            !xv_equal(a.params, b.params) || !xv_equal(a.id, b.id))
            abort();
        jsonrpc_request_dispose(&b);
        free(out);
    }
    jsonrpc_request_dispose(&a);
    free(error);
    error = NULL;
    if (jsonrpc_parse_value((const char *)data, size, &v, &error) == 0)
        xv_free(v);
    free(error);
    return 0;
}
