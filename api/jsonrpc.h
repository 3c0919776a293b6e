/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON-RPC codec (json-c) between the wire and struct xv, with XAPI's two
 * envelopes:
 *   v2 (request has "jsonrpc":"2.0"):
 *     {"jsonrpc":"2.0","result":R,"id":ID}   (no "error" member at all)
 *     {"jsonrpc":"2.0","error":{"code":1,"message":CODE,"data":[...]},
 *      "id":ID}
 *   v1 (no "jsonrpc"):
 *     {"result":R,"error":null,"id":ID}
 *     {"result":null,"error":[CODE,params...],"id":ID}
 * The id is required, must be a number or a string, and is echoed back.
 * Parsing limits nesting to JSONRPC_MAX_DEPTH and input to
 * JSONRPC_MAX_INPUT bytes.
 */
#ifndef XEN_SRIOV_API_JSONRPC_H
#define XEN_SRIOV_API_JSONRPC_H

#include <stddef.h>

#include "api/value.h"

#define JSONRPC_MAX_DEPTH 64
#define JSONRPC_MAX_INPUT (16u << 20)

struct jsonrpc_request {
    char *method;
    struct xv *params;             /* XV_ARRAY ("params" omitted: empty) */
    struct xv *id;                 /* XV_INT, XV_DOUBLE or XV_STRING */
    int version;                   /* 1 or 2 */
};

/* Free the members of r and zero it; idempotent. */
void jsonrpc_request_dispose(struct jsonrpc_request *r);

/*
 * Decode a request.  On a malformed one returns -EBADMSG and sets
 * *ret_error (caller frees) to one line saying what is wrong; when the id
 * could be read it is left in ret->id (so the error reply can echo it) and
 * ret->version is set.  -ENOMEM on allocation failure.  Caller disposes
 * *ret in every case.
 */
int jsonrpc_parse_request(const char *buf, size_t len,
                          struct jsonrpc_request *ret, char **ret_error);

/* Encode a success reply carrying result.  Caller frees *ret. */
int jsonrpc_format_result(int version, const struct xv *id,
                          const struct xv *result, char **ret,
                          size_t *ret_len);

/*
 * Encode a failure reply: code (e.g. "SESSION_INVALID") and n params.
 * rpc_code is the v2 error code (XAPI uses 1; -32700 etc. for JSON-RPC
 * protocol errors); v1 ignores it.  id may be NULL (sent as null).
 */
int jsonrpc_format_error(int version, const struct xv *id, int rpc_code,
                         const char *code, char *const *params, size_t n,
                         char **ret, size_t *ret_len);

/* Encode a request (for clients: tests, bench). */
int jsonrpc_format_request(int version, const struct xv *id,
                           const char *method, const struct xv *params,
                           char **ret, size_t *ret_len);

/*
 * Decode any JSON text into a value (for clients and tests); -EBADMSG with
 * *ret_error on malformed input.
 */
int jsonrpc_parse_value(const char *buf, size_t len, struct xv **ret,
                        char **ret_error);

#endif
