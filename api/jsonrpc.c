/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON-RPC codec: json-c parse into struct xv, XAPI's v1/v2 envelopes. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "libsriov/macro.h"
#include "api/jsonrpc.h"

static inline void json_putp(struct json_object **o)
{
    json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_putp)

static int set_error(char **ret_error, const char *fmt, ...) _printf_(2, 3);
static int set_error(char **ret_error, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!ret_error)
        return -EBADMSG;
    va_start(ap, fmt);
    n = vasprintf(ret_error, fmt, ap);
    va_end(ap);
    if (n < 0) {
        *ret_error = NULL;
        return -ENOMEM;
    }
    return -EBADMSG;
}

static int from_json(struct json_object *o, int depth, struct xv **ret,
                     char **ret_error)
{
    _cleanup_xv_ struct xv *v = NULL;
    struct xv *item;
    size_t k, n;
    int r;

    if (depth > JSONRPC_MAX_DEPTH)
        return set_error(ret_error, "values nested deeper than %d levels",
                         JSONRPC_MAX_DEPTH);
    switch (json_object_get_type(o)) {
    case json_type_null:
        v = xv_new_nil();
        break;
    case json_type_boolean:
        v = xv_new_bool(json_object_get_boolean(o));
        break;
    case json_type_int:
        errno = 0;
        v = xv_new_int(json_object_get_int64(o));
        if (errno == ERANGE || (json_object_get_int64(o) == INT64_MAX &&
                                json_object_get_uint64(o) > INT64_MAX))
            return set_error(ret_error, "integer out of the int64 range");
        break;
    case json_type_double:
        if (!isfinite(json_object_get_double(o)))
            return set_error(ret_error, "number is not finite");
        v = xv_new_double(json_object_get_double(o));
        break;
    case json_type_string:
        n = (size_t)json_object_get_string_len(o);
        if (memchr(json_object_get_string(o), '\0', n))
            return set_error(ret_error, "a string contains a NUL "
                             "character (\\u0000)");
        v = xv_new_stringn(json_object_get_string(o), n);
        break;
    case json_type_array:
        v = xv_new_array();
        n = json_object_array_length(o);
        for (k = 0; v && k < n; k++) {
            r = from_json(json_object_array_get_idx(o, k), depth + 1, &item,
                          ret_error);
            if (r < 0)
                return r;
            if (xv_array_append(v, item) < 0)
                return -ENOMEM;
        }
        break;
    case json_type_object:
        v = xv_new_struct();
        if (!v)
            return -ENOMEM;
        json_object_object_foreach(o, key, val) {
            r = from_json(val, depth + 1, &item, ret_error);
            if (r < 0)
                return r;
            if (xv_struct_append(v, key, strlen(key), item) < 0)
                return -ENOMEM;
        }
        break;
    }
    if (!v)
        return -ENOMEM;
    *ret = TAKE_PTR(v);
    return 0;
}

/*
 * Does buf hold an integer literal below INT64_MIN?  json-c clamps those
 * to INT64_MIN without an error (it catches the ones above INT64_MAX), so
 * the text is checked: a '-', digits, and no fraction or exponent.
 */
static bool int_below_min(const char *buf, size_t len)
{
    static const char min_digits[] = "9223372036854775808";
    size_t i, j, d;

    for (i = 0; i < len; i++) {
        if (buf[i] == '"') {
            for (i++; i < len && buf[i] != '"'; i++)
                if (buf[i] == '\\')
                    i++;
            continue;
        }
        if (buf[i] != '-')
            continue;
        for (d = i + 1; d < len && buf[d] == '0'; d++)
            ;
        for (j = d; j < len && buf[j] >= '0' && buf[j] <= '9'; j++)
            ;
        if (j < len && (buf[j] == '.' || buf[j] == 'e' || buf[j] == 'E'))
            continue;
        if (j - d > sizeof(min_digits) - 1 ||
            (j - d == sizeof(min_digits) - 1 &&
             memcmp(buf + d, min_digits, j - d) > 0))
            return true;
        i = j - 1;
    }
    return false;
}

/* Parse buf into a json-c object, whole input, UTF-8 checked. */
static int parse_json(const char *buf, size_t len, struct json_object **ret,
                      char **ret_error)
{
    struct json_tokener *tok;
    struct json_object *o;
    enum json_tokener_error e;
    size_t end;

    if (len > JSONRPC_MAX_INPUT)
        return set_error(ret_error, "request of %zu bytes is larger than "
                         "the limit of %u bytes", len, JSONRPC_MAX_INPUT);
    /* json-c counts depth from 1 and its default limit is 32. */
    tok = json_tokener_new_ex(JSONRPC_MAX_DEPTH + 2);
    if (!tok)
        return -ENOMEM;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
                           JSON_TOKENER_ALLOW_TRAILING_CHARS |
                           JSON_TOKENER_VALIDATE_UTF8);
    o = json_tokener_parse_ex(tok, buf, (int)len);
    e = json_tokener_get_error(tok);
    if (e == json_tokener_continue) {
        /* Complete input: a pending number or literal ends here. */
        o = json_tokener_parse_ex(tok, "", 1);
        e = json_tokener_get_error(tok);
        if (e == json_tokener_continue || (!o && e == json_tokener_success))
            e = json_tokener_error_parse_eof;
        end = len;
    } else {
        end = json_tokener_get_parse_end(tok);
    }
    if (e != json_tokener_success) {
        json_tokener_free(tok);
        json_object_put(o);
        return set_error(ret_error, "not valid JSON (%s at byte %zu)",
                         json_tokener_error_desc(e), end);
    }
    json_tokener_free(tok);
    for (; end < len; end++)
        if (!strchr(" \t\r\n", buf[end])) {
            json_object_put(o);
            return set_error(ret_error, "not valid JSON (trailing data at "
                             "byte %zu)", end);
        }
    if (int_below_min(buf, len)) {
        json_object_put(o);
        return set_error(ret_error, "integer out of the int64 range");
    }
    *ret = o;
    return 0;
}

int jsonrpc_parse_value(const char *buf, size_t len, struct xv **ret,
                        char **ret_error)
{
    _cleanup_json_ struct json_object *o = NULL;
    int r;

    if (len > INT32_MAX)
        return set_error(ret_error, "input too large");
    r = parse_json(buf, len, &o, ret_error);
    if (r < 0)
        return r;
    return from_json(o, 1, ret, ret_error);
}

void jsonrpc_request_dispose(struct jsonrpc_request *r)
{
    if (!r)
        return;
    free(r->method);
    xv_free(r->params);
    xv_free(r->id);
    memset(r, 0, sizeof(*r));
}

int jsonrpc_parse_request(const char *buf, size_t len,
                          struct jsonrpc_request *ret, char **ret_error)
{
    _cleanup_json_ struct json_object *o = NULL;
    struct json_object *m, *p, *id, *ver;
    int r;

    memset(ret, 0, sizeof(*ret));
    ret->version = 1;
    if (len > INT32_MAX)
        return set_error(ret_error, "request too large");
    r = parse_json(buf, len, &o, ret_error);
    if (r < 0)
        return r;
    if (!json_object_is_type(o, json_type_object))
        return set_error(ret_error, "the request must be a JSON object "
                         "with method, params and id");
    if (json_object_object_get_ex(o, "jsonrpc", &ver)) {
        if (!json_object_is_type(ver, json_type_string) ||
            strcmp(json_object_get_string(ver), "2.0") != 0)
            return set_error(ret_error, "\"jsonrpc\" must be \"2.0\" (or "
                             "left out for version 1)");
        ret->version = 2;
    }
    if (json_object_object_get_ex(o, "id", &id) &&
        (json_object_is_type(id, json_type_int) ||
         json_object_is_type(id, json_type_double) ||
         json_object_is_type(id, json_type_string))) {
        r = from_json(id, 1, &ret->id, ret_error);
        if (r < 0)
            return r;
    } else {
        return set_error(ret_error, "\"id\" is required and must be a "
                         "number or a string");
    }
    if (!json_object_object_get_ex(o, "method", &m) ||
        !json_object_is_type(m, json_type_string) ||
        json_object_get_string_len(m) == 0 ||
        memchr(json_object_get_string(m), '\0',
               (size_t)json_object_get_string_len(m)))
        return set_error(ret_error, "\"method\" is required and must be a "
                         "non-empty string");
    ret->method = strdup(json_object_get_string(m));
    if (!ret->method)
        return -ENOMEM;
    if (!json_object_object_get_ex(o, "params", &p) || !p) {
        ret->params = xv_new_array();
        return ret->params ? 0 : -ENOMEM;
    }
    if (!json_object_is_type(p, json_type_array))
        return set_error(ret_error, "\"params\" must be an array");
    return from_json(p, 1, &ret->params, ret_error);
}

/* Encoding. */

static int to_json(const struct xv *v, int depth, struct json_object **ret)
{
    _cleanup_json_ struct json_object *o = NULL;
    struct json_object *item;
    size_t k;
    int r;

    if (!v || depth > JSONRPC_MAX_DEPTH)
        return -EINVAL;
    switch (v->type) {
    case XV_NIL:
        *ret = NULL;               /* json-c's null */
        return 0;
    case XV_STRING:
        o = json_object_new_string(v->s);
        break;
    case XV_INT:
        o = json_object_new_int64(v->i);
        break;
    case XV_DOUBLE:
        if (!isfinite(v->d))
            return -EINVAL;
        {
            char num[32];

            xv_format_double(v->d, num);
            o = json_object_new_double_s(v->d, num);
        }
        break;
    case XV_BOOL:
        o = json_object_new_boolean(v->b);
        break;
    case XV_ARRAY:
        o = json_object_new_array_ext((int)v->a.n);
        for (k = 0; o && k < v->a.n; k++) {
            r = to_json(v->a.items[k], depth + 1, &item);
            if (r < 0)
                return r;
            if (json_object_array_add(o, item) < 0) {
                json_object_put(item);
                return -ENOMEM;
            }
        }
        break;
    case XV_STRUCT:
        o = json_object_new_object();
        for (k = 0; o && k < v->st.n; k++) {
            r = to_json(v->st.m[k].value, depth + 1, &item);
            if (r < 0)
                return r;
            if (json_object_object_add(o, v->st.m[k].name, item) < 0) {
                json_object_put(item);
                return -ENOMEM;
            }
        }
        break;
    }
    if (!o)
        return -ENOMEM;
    *ret = TAKE_PTR(o);
    return 0;
}

static int add(struct json_object *o, const char *key, struct json_object *v)
{
    if (json_object_object_add(o, key, v) < 0) {
        json_object_put(v);
        return -ENOMEM;
    }
    return 0;
}

static int add_value(struct json_object *o, const char *key,
                     const struct xv *v)
{
    struct json_object *j = NULL;
    int r;

    if (v) {
        r = to_json(v, 1, &j);
        if (r < 0)
            return r;
    }
    return add(o, key, j);
}

static int serialize(struct json_object *o, char **ret, size_t *ret_len)
{
    const char *s;
    size_t n;
    char *out;

    s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
                                          JSON_C_TO_STRING_NOSLASHESCAPE,
                                          &n);
    if (!s)
        return -ENOMEM;
    out = strndup(s, n);
    if (!out)
        return -ENOMEM;
    *ret = out;
    *ret_len = n;
    return 0;
}

int jsonrpc_format_result(int version, const struct xv *id,
                          const struct xv *result, char **ret,
                          size_t *ret_len)
{
    _cleanup_json_ struct json_object *o = json_object_new_object();
    int r;

    if (!o)
        return -ENOMEM;
    if (version == 2 && (r = add(o, "jsonrpc",
                                 json_object_new_string("2.0"))) < 0)
        return r;
    r = add_value(o, "result", result);
    if (r < 0)
        return r;
    /* v1 success carries "error":null; v2 must not have "error" at all. */
    if (version != 2 && (r = add(o, "error", NULL)) < 0)
        return r;
    r = add_value(o, "id", id);
    if (r < 0)
        return r;
    return serialize(o, ret, ret_len);
}

int jsonrpc_format_error(int version, const struct xv *id, int rpc_code,
                         const char *code, char *const *params, size_t n,
                         char **ret, size_t *ret_len)
{
    _cleanup_json_ struct json_object *o = json_object_new_object();
    struct json_object *arr, *err;
    size_t k;
    int r;

    if (!o)
        return -ENOMEM;
    arr = json_object_new_array();
    if (!arr)
        return -ENOMEM;
    for (k = version == 2 ? 1 : 0; k <= n; k++) {
        struct json_object *s =
            json_object_new_string(k == 0 ? code : params[k - 1]);

        if (!s || json_object_array_add(arr, s) < 0) {
            json_object_put(s);
            json_object_put(arr);
            return -ENOMEM;
        }
    }
    if (version == 2) {
        err = json_object_new_object();
        if (!err || add(err, "code", json_object_new_int(rpc_code)) < 0 ||
            add(err, "message", json_object_new_string(code)) < 0 ||
            add(err, "data", arr) < 0) {
            json_object_put(err);
            return -ENOMEM;
        }
        if ((r = add(o, "jsonrpc", json_object_new_string("2.0"))) < 0 ||
            (r = add(o, "error", err)) < 0)
            return r;
    } else {
        if ((r = add(o, "result", NULL)) < 0 ||
            (r = add(o, "error", arr)) < 0)
            return r;
    }
    r = add_value(o, "id", id);
    if (r < 0)
        return r;
    return serialize(o, ret, ret_len);
}

int jsonrpc_format_request(int version, const struct xv *id,
                           const char *method, const struct xv *params,
                           char **ret, size_t *ret_len)
{
    _cleanup_json_ struct json_object *o = json_object_new_object();
    int r;

    if (!o)
        return -ENOMEM;
    if (!method || !params || params->type != XV_ARRAY)
        return -EINVAL;
    if ((version == 2 &&
         (r = add(o, "jsonrpc", json_object_new_string("2.0"))) < 0) ||
        (r = add(o, "method", json_object_new_string(method))) < 0 ||
        (r = add_value(o, "params", params)) < 0 ||
        (r = add_value(o, "id", id)) < 0)
        return r;
    return serialize(o, ret, ret_len);
}
