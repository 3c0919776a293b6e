/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target: the store-backed XenAPI classes without xenstored
 * (api/classes).  The first byte picks what the rest is:
 *   0  an XML-RPC call, 1  a JSON-RPC request: every parameter is decoded
 *      as network.create's and VIF.create's record, as a scalar and as a
 *      map, as the calls decode them; failures must carry a XenAPI error;
 *   2  a record: the next byte picks the class, then lines "field=value"
 *      (scalars and sets), "field:key=value" (maps) and "field+member"
 *      (sets of refs) fill it; its XenAPI record must encode on both
 *      protocols, parse back and hold every field of the class.
 * Seeded from the golden files (run-fuzz.sh).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/jsonrpc.h"
#include "api/xmlrpc.h"
#include "api/classes/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_fail_cleanly(int r, struct xapi_error *err)
{
    if (r < 0 && !xapi_error_is_set(err))
        abort();
    if (r >= 0 && xapi_error_is_set(err))
        abort();
    xapi_error_clear(err);
}

static void decode_params(const struct xv *params)
{
    for (size_t i = 0; params && i < params->a.n; i++) {
        const struct xv *p = params->a.items[i];
        struct xapi_error err = XAPI_ERROR_INIT;
        struct xstore_network_args na;
        struct xstore_vif_args va;
        const char **kv = NULL, *text = NULL;
        char buf[32];
        int r;

        r = xstore__decode_network(p, &na, &err);
        if (r >= 0 && (!na.ops.name_label || (na.other_config &&
                                              !na.ops.other_config)))
            abort();
        xstore__network_args_done(&na);
        must_fail_cleanly(r, &err);
        r = xstore__decode_vif(p, &va, &err);
        if (r >= 0 && (!va.ops.vm_uuid || !schema_uuid_valid(va.ops.vm_uuid)))
            abort();
        xstore__vif_args_done(&va);
        must_fail_cleanly(r, &err);
        r = xstore__scalar_text(p, "value", buf, &text, &err);
        if (r >= 0 && !text)
            abort();
        must_fail_cleanly(r, &err);
        r = xstore__map_pairs(p, "value", &kv, &err);
        for (size_t k = 0; r >= 0 && kv[k]; k += 2)
            if (!kv[k + 1])
                abort();
        free(kv);
        must_fail_cleanly(r, &err);
    }
}

/* The value is one the store would read back (it checks every value it
 * reads from xenstore against the schema). */
static bool valid(const store_record *rec, const char *field,
                  const char *value)
{
    const struct schema_field *f =
        schema_field_find(store_record_class(rec), field);
    const char *why;

    return f && schema_value_check(f, value, &why) == 0;
}

/* Apply one line of the record language to rec. */
static void apply_line(store_record *rec, char *line)
{
    char *eq = strchr(line, '='), *plus = strchr(line, '+');
    char *colon = strchr(line, ':');
    const char *why;

    if (eq && colon && colon < eq) {
        *colon = *eq = '\0';
        if (schema_key_valid(colon + 1, &why) && valid(rec, line, eq + 1))
            store_record_map_put(rec, schema_fid_find(line), colon + 1, eq + 1);
    } else if (eq) {
        *eq = '\0';
        if (valid(rec, line, eq + 1))
            store_record_set(rec, schema_fid_find(line), eq + 1);
    } else if (plus) {
        *plus = '\0';
        if (schema_uuid_valid(plus + 1))
            store_record_set_add(rec, schema_fid_find(line),
                                 plus + 1);
    }
}

static void check_record(const struct xv *rec,
                         const struct schema_class *c)
{
    const char *const *fields = xapi_store_fields(c);
    struct xv *back = NULL, *id = xv_new_int(0);
    char *out = NULL, *error = NULL;
    size_t n = 0;

    for (size_t i = 0; fields[i]; i++)
        if (!xv_struct_get(rec, fields[i]))
            abort();
    if (xmlrpc_format_response(rec, &out, &n) == 0) {
        if (xmlrpc_parse_response(out, n, &back, &error) != 0)
            abort();
        xv_free(back);
        free(out);
    }
    out = NULL;
    if (id && jsonrpc_format_result(2, id, rec, &out, &n) == 0) {
        back = NULL;
        if (jsonrpc_parse_value(out, n, &back, &error) != 0)
            abort();
        xv_free(back);
        free(out);
    }
    free(error);
    xv_free(id);
}

static void build_record(const uint8_t *data, size_t size)
{
    const struct schema_class *c;
    store_record *rec = NULL;
    struct xv *x = NULL;
    char *text, *line, *save = NULL;

    if (size < 1)
        return;
    c = schema_classes[data[0] % schema_n_classes];
    if (store_record_new(&rec, c->name) < 0)
        return;
    text = strndup((const char *)data + 1, size - 1);
    for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save))
        apply_line(rec, line);
    free(text);
    if (xapi_store_record(rec, &x) == 0) {
        check_record(x, c);
        xv_free(x);
    }
    store_record_free(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    switch (data[0] % 3) {
    case 0: {
        char *method = NULL, *error = NULL;
        struct xv *params = NULL;

        if (xmlrpc_parse_call((const char *)data + 1, size - 1, &method,
                              &params, &error) == 0)
            decode_params(params);
        free(method);
        free(error);
        xv_free(params);
        break;
    }
    case 1: {
        struct jsonrpc_request req = { 0 };
        char *error = NULL;

        if (jsonrpc_parse_request((const char *)data + 1, size - 1, &req,
                                  &error) == 0)
            decode_params(req.params);
        jsonrpc_request_dispose(&req);
        free(error);
        break;
    }
    default:
        build_record(data + 1, size - 1);
        break;
    }
    return 0;
}
