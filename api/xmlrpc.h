/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XML-RPC codec (libxml2) between the wire and struct xv.
 *
 * Parsing is hardened for a network-facing daemon: no network access
 * (XML_PARSE_NONET), no entity substitution, any DOCTYPE refused (so no DTD
 * is loaded and no entity can be declared), value nesting limited to
 * XMLRPC_MAX_DEPTH, input limited to XMLRPC_MAX_INPUT bytes.  Whitespace
 * between tags is ignored, as Python's xmlrpc.client sends it; the text of
 * an untyped <value> is kept as it is.
 *
 * Output is XAPI's: `<?xml version="1.0"?>` directly followed by the
 * document, no whitespace between tags (Xen Orchestra's parser needs that),
 * strings bare as <value>s</value>, ints as decimal strings except <i4>
 * values (see value.h).
 */
#ifndef XEN_SRIOV_API_XMLRPC_H
#define XEN_SRIOV_API_XMLRPC_H

#include <stddef.h>

#include "api/value.h"

#define XMLRPC_MAX_DEPTH 64
#define XMLRPC_MAX_INPUT (16u << 20)

/*
 * Decode a <methodCall>.  On success *ret_method is the method name and
 * *ret_params an XV_ARRAY of the params (caller frees both).  On a malformed
 * document returns -EBADMSG and sets *ret_error (caller frees) to one line
 * saying what is wrong; -ENOMEM on allocation failure (no message).
 * Outputs are not written on failure.
 */
int xmlrpc_parse_call(const char *buf, size_t len, char **ret_method,
                      struct xv **ret_params, char **ret_error);

/*
 * Decode a <methodResponse> with one param into *ret_value (for clients:
 * tests, bench).  A <fault> gives its struct.  Errors as xmlrpc_parse_call.
 */
int xmlrpc_parse_response(const char *buf, size_t len, struct xv **ret_value,
                          char **ret_error);

/*
 * Encode v as a <methodResponse> (v is sent as it is: the caller wraps it in
 * {Status, Value} when the method wants that).  *ret is NUL-terminated,
 * *ret_len its length; caller frees.  -ENOMEM or -EINVAL (a value that XML
 * cannot carry, such as a string with a NUL-free control character).
 */
int xmlrpc_format_response(const struct xv *v, char **ret, size_t *ret_len);

/* Encode a <methodCall> of method with params (an XV_ARRAY). */
int xmlrpc_format_call(const char *method, const struct xv *params,
                       char **ret, size_t *ret_len);

#endif
