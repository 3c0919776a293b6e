/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The etcd v3 JSON gateway over libcurl (pool/etcd.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "libsriov/macro.h"
#include "pool/etcd.h"

struct etcd {
    CURL *curl;
    char **endpoints;
    size_t n_endpoints;
    size_t current;             /* the endpoint that answered last */
    long timeout_ms;
    struct etcd_tls tls;        /* strings owned */
    char error[512];
    uint64_t requests;
};

struct etcd_txn {
    json_object *compare;
    json_object *success;
    int64_t revision;           /* the store's after a commit */
};

/* ---- base64 (RFC 4648, as protobuf's JSON mapping of bytes) ---------- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const char *s, size_t len)
{
    const unsigned char *in = (const unsigned char *)s;
    char *out = malloc((len + 2) / 3 * 4 + 1), *p = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = in[i] << 16;
        size_t left = len - i;

        if (left > 1)
            v |= in[i + 1] << 8;
        if (left > 2)
            v |= in[i + 2];
        *p++ = b64[v >> 18 & 63];
        *p++ = b64[v >> 12 & 63];
        *p++ = left > 1 ? b64[v >> 6 & 63] : '=';
        *p++ = left > 2 ? b64[v & 63] : '=';
    }
    *p = '\0';
    return out;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64, c) : NULL;

    if (c == '-')
        return 62;              /* the URL alphabet, accepted too */
    if (c == '_')
        return 63;
    return p ? (int)(p - b64) : -1;
}

/* Decoded, NUL-terminated; NULL on bad input or no memory. */
static char *b64_decode(const char *s)
{
    size_t len = strlen(s), n = 0;
    char *out = malloc(len / 4 * 3 + 4);
    unsigned v = 0;
    int bits = 0;

    if (!out)
        return NULL;
    for (size_t i = 0; i < len && s[i] != '='; i++) {
        int d = b64_value(s[i]);

        if (d < 0) {
            free(out);
            return NULL;
        }
        v = v << 6 | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)(v >> bits & 0xff);
        }
    }
    out[n] = '\0';
    return out;
}

/* ---- the handle -------------------------------------------------------- */

static int fail(etcd *e, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(etcd *e, int r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(e->error, sizeof(e->error), fmt, ap);
    va_end(ap);
    return r;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int dup_opt(char **dst, const char *src)
{
    if (!src || !*src)
        return 0;
    *dst = strdup(src);
    return *dst ? 0 : -ENOMEM;
}

int etcd_new(etcd **ret, const char *const *endpoints,
             const struct etcd_tls *tls, long timeout_ms, char *errbuf,
             size_t errbuf_size)
{
    etcd *e;
    size_t n = 0;

    while (endpoints && endpoints[n])
        n++;
    if (n == 0) {
        if (errbuf)
            snprintf(errbuf, errbuf_size, "no etcd endpoint: give "
                     "etcd-endpoints=http://host:2379,...");
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++)
        if (strncmp(endpoints[i], "http://", 7) != 0 &&
            strncmp(endpoints[i], "https://", 8) != 0) {
            if (errbuf)
                snprintf(errbuf, errbuf_size, "etcd endpoint '%s' is not "
                         "an http:// or https:// URL: give it as "
                         "http://host:2379", endpoints[i]);
            return -EINVAL;
        }
    pthread_once(&curl_once, curl_init);
    e = calloc(1, sizeof(*e));
    if (e)
        e->endpoints = calloc(n + 1, sizeof(*e->endpoints));
    if (!e || !e->endpoints)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(endpoints[i]);

        while (len && endpoints[i][len - 1] == '/')
            len--;
        e->endpoints[i] = strndup(endpoints[i], len);
        if (!e->endpoints[i])
            goto oom;
        e->n_endpoints++;
    }
    if (tls && (dup_opt((char **)&e->tls.cacert, tls->cacert) < 0 ||
                dup_opt((char **)&e->tls.cert, tls->cert) < 0 ||
                dup_opt((char **)&e->tls.key, tls->key) < 0))
        goto oom;
    e->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
    e->curl = curl_init_rc == CURLE_OK ? curl_easy_init() : NULL;
    if (!e->curl) {
        if (errbuf)
            snprintf(errbuf, errbuf_size, "cannot start libcurl");
        etcd_free(e);
        return -ENOMEM;
    }
    *ret = e;
    return 0;
oom:
    if (errbuf)
        snprintf(errbuf, errbuf_size, "out of memory");
    etcd_free(e);
    return -ENOMEM;
}

etcd *etcd_free(etcd *e)
{
    if (!e)
        return NULL;
    if (e->curl)
        curl_easy_cleanup(e->curl);
    strv_free(e->endpoints);
    free((char *)e->tls.cacert);
    free((char *)e->tls.cert);
    free((char *)e->tls.key);
    free(e);
    return NULL;
}

const char *etcd_last_error(const etcd *e)
{
    return e->error;
}

uint64_t etcd_requests(const etcd *e)
{
    return e->requests;
}

void etcd_kv_list_free(struct etcd_kv *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].key);
        free(v[i].value);
    }
    free(v);
}

/* ---- one request ------------------------------------------------------- */

struct buf {
    char *p;
    size_t len;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct buf *b = userdata;
    size_t n = size * nmemb;
    char *p;

    if (b->len + n > (64u << 20))
        return 0;                       /* 64 MiB: not an answer of ours */
    p = realloc(b->p, b->len + n + 1);
    if (!p)
        return 0;
    memcpy(p + b->len, data, n);
    b->len += n;
    p[b->len] = '\0';
    b->p = p;
    return n;
}

/* An answer that says etcd cannot decide now (no leader, no quorum). */
static bool no_quorum(const char *msg)
{
    return strstr(msg, "no leader") || strstr(msg, "timed out") ||
           strstr(msg, "leader changed") || strstr(msg, "not capable") ||
           strstr(msg, "too many requests");
}

/* A write over the members' --max-request-bytes: etcd's words, and
 * gRPC's past that limit plus its 512 KiB of slack. */
static bool too_large(const char *msg)
{
    return strstr(msg, "request is too large") ||
           strstr(msg, "larger than max");
}

/* The handle made ready for one POST of body to url (TLS as configured). */
static void setup_post(etcd *e, const char *url, struct curl_slist *hdr,
                       const char *body, long timeout_ms)
{
    curl_easy_reset(e->curl);
    curl_easy_setopt(e->curl, CURLOPT_URL, url);
    curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS,
                     e->timeout_ms < 1000 ? e->timeout_ms : 1000L);
    curl_easy_setopt(e->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (e->tls.cacert)
        curl_easy_setopt(e->curl, CURLOPT_CAINFO, e->tls.cacert);
    if (e->tls.cert)
        curl_easy_setopt(e->curl, CURLOPT_SSLCERT, e->tls.cert);
    if (e->tls.key)
        curl_easy_setopt(e->curl, CURLOPT_SSLKEY, e->tls.key);
    e->requests++;
}

/* One POST to one endpoint: 0 with *ret the parsed answer; -EAGAIN to try
 * the next endpoint (with e->error saying why); -EIO for an error etcd
 * gave that another member would give too. */
static int post_one(etcd *e, const char *endpoint, const char *path,
                    const char *body, json_object **ret)
{
    char url[1024];
    struct buf b = { 0 };
    struct curl_slist *hdr = NULL;
    json_object *j = NULL, *v;
    long status = 0;
    CURLcode rc;

    snprintf(url, sizeof(url), "%s%s", endpoint, path);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    setup_post(e, url, hdr, body, e->timeout_ms);
    curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, &b);
    rc = curl_easy_perform(e->curl);
    curl_slist_free_all(hdr);
    if (rc != CURLE_OK) {
        free(b.p);
        /* curl's own words, without its timings (stable messages). */
        fail(e, 0, "%s: %s", endpoint, curl_easy_strerror(rc));
        return -EAGAIN;
    }
    curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &status);
    j = b.p ? json_tokener_parse(b.p) : NULL;
    free(b.p);
    if (!j || !json_object_is_type(j, json_type_object)) {
        json_object_put(j);
        fail(e, 0, "%s%s: HTTP %ld without a JSON answer: is it etcd's "
             "client URL (etcd >= 3.4)?", endpoint, path, status);
        return status == 404 ? -EIO : -EAGAIN;
    }
    if (status != 200 || json_object_object_get_ex(j, "error", &v)) {
        const char *msg = "";
        bool quorum;

        if (json_object_object_get_ex(j, "message", &v) ||
            json_object_object_get_ex(j, "error", &v))
            msg = json_object_get_string(v);
        if (too_large(msg)) {
            fail(e, 0, "etcd refused a write as too large (%zu bytes in "
                 "base64, %s): its --max-request-bytes (1.5 MiB by default) "
                 "bounds one write; raise it on every member, or make the "
                 "value smaller", strlen(body), msg);
            json_object_put(j);
            return -E2BIG;
        }
        quorum = no_quorum(msg);        /* msg is j's: before the put */
        fail(e, 0, "%s: etcd: %s", endpoint, msg);
        json_object_put(j);
        return quorum ? -ETIMEDOUT : -EIO;
    }
    *ret = j;
    return 0;
}

/* POST to the endpoints in turn until one answers. */
static int post(etcd *e, const char *path, json_object *req,
                json_object **ret)
{
    const char *body = json_object_to_json_string_ext(req,
                                                      JSON_C_TO_STRING_PLAIN);
    char first[512] = "";
    bool quorum = false;
    int r = -EAGAIN;

    for (size_t k = 0; k < e->n_endpoints; k++) {
        size_t i = (e->current + k) % e->n_endpoints;

        r = post_one(e, e->endpoints[i], path, body, ret);
        if (r == 0) {
            e->current = i;
            return 0;
        }
        if (r == -EIO || r == -E2BIG)
            return r;
        quorum = quorum || r == -ETIMEDOUT;
        if (!*first)
            snprintf(first, sizeof(first), "%s", e->error);
    }
    if (quorum)
        return fail(e, -ETIMEDOUT, "etcd has no quorum (%s): pool-wide "
                    "changes wait until a majority of its members is back",
                    first);
    return fail(e, -EHOSTUNREACH, "cannot reach etcd (%s): start it, or "
                "fix etcd-endpoints in pool.conf", first);
}

/* ---- JSON helpers ------------------------------------------------------ */

static int64_t get_i64(json_object *o, const char *name)
{
    json_object *v;

    /* proto3 JSON gives int64 as a string and leaves zero out. */
    if (!json_object_object_get_ex(o, name, &v))
        return 0;
    return json_object_is_type(v, json_type_string)
               ? strtoll(json_object_get_string(v), NULL, 10)
               : json_object_get_int64(v);
}

static json_object *i64_json(int64_t v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRId64, v);
    return json_object_new_string(buf);
}

/* {"key": base64} plus range_end for a prefix. */
static int add_key(json_object *o, const char *key, bool prefix)
{
    _cleanup_free_ char *k = b64_encode(key, strlen(key));
    _cleanup_free_ char *end = NULL;

    if (!k)
        return -ENOMEM;
    json_object_object_add(o, "key", json_object_new_string(k));
    if (prefix) {
        size_t len = strlen(key);
        _cleanup_free_ char *last = strdup(key);

        if (!last || len == 0)
            return -ENOMEM;
        last[len - 1]++;        /* keys here are ASCII: no carry */
        end = b64_encode(last, len);
        if (!end)
            return -ENOMEM;
        json_object_object_add(o, "range_end", json_object_new_string(end));
    }
    return 0;
}

static int add_value(json_object *o, const char *value)
{
    _cleanup_free_ char *v = b64_encode(value, strlen(value));

    if (!v)
        return -ENOMEM;
    json_object_object_add(o, "value", json_object_new_string(v));
    return 0;
}

/* One KeyValue of an answer (o NULL: an empty one); -EIO when its key or
 * value is not base64 (what was decoded is the caller's to free). */
static int kv_from_json(etcd *e, json_object *o, struct etcd_kv *kv)
{
    json_object *v;

    kv->key = o && json_object_object_get_ex(o, "key", &v)
                  ? b64_decode(json_object_get_string(v)) : strdup("");
    kv->value = o && json_object_object_get_ex(o, "value", &v)
                    ? b64_decode(json_object_get_string(v)) : strdup("");
    kv->create_revision = o ? get_i64(o, "create_revision") : 0;
    kv->mod_revision = o ? get_i64(o, "mod_revision") : 0;
    kv->lease = o ? get_i64(o, "lease") : 0;
    if (!kv->key || !kv->value)
        return fail(e, -EIO, "etcd sent a key or value that is not base64");
    return 0;
}

static int parse_kvs(etcd *e, json_object *ans, struct etcd_kv **ret,
                     size_t *n)
{
    json_object *kvs;
    struct etcd_kv *out;
    size_t len;

    *ret = NULL;
    *n = 0;
    if (!json_object_object_get_ex(ans, "kvs", &kvs))
        return 0;
    len = json_object_array_length(kvs);
    out = calloc(len + 1, sizeof(*out));
    if (!out)
        return fail(e, -ENOMEM, "out of memory");
    for (size_t i = 0; i < len; i++)
        if (kv_from_json(e, json_object_array_get_idx(kvs, i), &out[i]) < 0) {
            etcd_kv_list_free(out, i + 1);
            return -EIO;
        }
    *ret = out;
    *n = len;
    return 0;
}

/* ---- KV ------------------------------------------------------------- */

int etcd_range(etcd *e, const char *key, bool prefix, struct etcd_kv **ret,
               size_t *n, int64_t *ret_revision)
{
    json_object *req = json_object_new_object(), *ans = NULL, *hdr;
    int r;

    if (!req)
        return fail(e, -ENOMEM, "out of memory");
    r = add_key(req, key, prefix);
    if (r >= 0)
        r = post(e, "/v3/kv/range", req, &ans);
    json_object_put(req);
    if (r < 0)
        return r == -ENOMEM ? fail(e, r, "out of memory") : r;
    r = parse_kvs(e, ans, ret, n);
    if (r >= 0 && ret_revision)
        *ret_revision = json_object_object_get_ex(ans, "header", &hdr)
                            ? get_i64(hdr, "revision") : 0;
    json_object_put(ans);
    return r;
}

int etcd_put(etcd *e, const char *key, const char *value, int64_t lease)
{
    return etcd_put_rev(e, key, value, lease, NULL);
}

int etcd_put_rev(etcd *e, const char *key, const char *value, int64_t lease,
                 int64_t *ret_revision)
{
    json_object *req = json_object_new_object(), *ans = NULL, *hdr;
    int r;

    if (!req)
        return fail(e, -ENOMEM, "out of memory");
    r = add_key(req, key, false);
    if (r >= 0)
        r = add_value(req, value);
    if (r >= 0 && lease)
        json_object_object_add(req, "lease", i64_json(lease));
    if (r >= 0)
        r = post(e, "/v3/kv/put", req, &ans);
    if (r >= 0 && ret_revision)
        *ret_revision = json_object_object_get_ex(ans, "header", &hdr)
                            ? get_i64(hdr, "revision") : 0;
    json_object_put(req);
    json_object_put(ans);
    return r == -ENOMEM ? fail(e, r, "out of memory") : r;
}

/* ---- transactions ------------------------------------------------------ */

int etcd_txn_new(etcd_txn **ret)
{
    etcd_txn *t = calloc(1, sizeof(*t));

    if (!t)
        return -ENOMEM;
    t->compare = json_object_new_array();
    t->success = json_object_new_array();
    if (!t->compare || !t->success) {
        etcd_txn_free(t);
        return -ENOMEM;
    }
    *ret = t;
    return 0;
}

int64_t etcd_txn_revision(const etcd_txn *t)
{
    return t->revision;
}

etcd_txn *etcd_txn_free(etcd_txn *t)
{
    if (!t)
        return NULL;
    json_object_put(t->compare);
    json_object_put(t->success);
    free(t);
    return NULL;
}

size_t etcd_txn_ops(const etcd_txn *t)
{
    return json_object_array_length(t->success);
}

int etcd_txn_cmp_mod(etcd_txn *t, const char *key, int64_t rev)
{
    json_object *c = json_object_new_object();
    int r;

    if (!c)
        return -ENOMEM;
    r = add_key(c, key, false);
    json_object_object_add(c, "result", json_object_new_string("EQUAL"));
    /* An absent key has create_revision 0; mod_revision 0 would not
     * compare (etcd compares only keys that exist). */
    json_object_object_add(c, "target", json_object_new_string(
                                            rev ? "MOD" : "CREATE"));
    json_object_object_add(c, rev ? "mod_revision" : "create_revision",
                           i64_json(rev));
    json_object_array_add(t->compare, c);
    return r;
}

int etcd_txn_cmp_value(etcd_txn *t, const char *key, const char *value)
{
    json_object *c = json_object_new_object();
    int r;

    if (!c)
        return -ENOMEM;
    r = add_key(c, key, false);
    if (r >= 0)
        r = add_value(c, value);
    json_object_object_add(c, "result", json_object_new_string("EQUAL"));
    json_object_object_add(c, "target", json_object_new_string("VALUE"));
    json_object_array_add(t->compare, c);
    return r;
}

int etcd_txn_put(etcd_txn *t, const char *key, const char *value,
                 int64_t lease)
{
    json_object *op = json_object_new_object(), *put = json_object_new_object();
    int r;

    if (!op || !put) {
        json_object_put(op);
        json_object_put(put);
        return -ENOMEM;
    }
    r = add_key(put, key, false);
    if (r >= 0)
        r = add_value(put, value);
    if (lease)
        json_object_object_add(put, "lease", i64_json(lease));
    json_object_object_add(op, "request_put", put);
    json_object_array_add(t->success, op);
    return r;
}

int etcd_txn_delete(etcd_txn *t, const char *key, bool prefix)
{
    json_object *op = json_object_new_object(), *del = json_object_new_object();
    int r;

    if (!op || !del) {
        json_object_put(op);
        json_object_put(del);
        return -ENOMEM;
    }
    r = add_key(del, key, prefix);
    json_object_object_add(op, "request_delete_range", del);
    json_object_array_add(t->success, op);
    return r;
}

int etcd_txn_commit(etcd *e, etcd_txn *t)
{
    json_object *req = json_object_new_object(), *ans = NULL, *v;
    int r;

    if (!req)
        return fail(e, -ENOMEM, "out of memory");
    json_object_object_add(req, "compare", json_object_get(t->compare));
    json_object_object_add(req, "success", json_object_get(t->success));
    r = post(e, "/v3/kv/txn", req, &ans);
    json_object_put(req);
    if (r < 0)
        return r;
    /* proto3 JSON leaves a false "succeeded" out. */
    r = json_object_object_get_ex(ans, "succeeded", &v) &&
        json_object_get_boolean(v);
    t->revision = json_object_object_get_ex(ans, "header", &v)
                      ? get_i64(v, "revision") : 0;
    json_object_put(ans);
    return r;
}

/* ---- leases ------------------------------------------------------------ */

int etcd_lease_grant(etcd *e, int64_t ttl, int64_t *ret_id)
{
    json_object *req = json_object_new_object(), *ans = NULL;
    int64_t id;
    int r;

    if (!req)
        return fail(e, -ENOMEM, "out of memory");
    json_object_object_add(req, "TTL", i64_json(ttl));
    r = post(e, "/v3/lease/grant", req, &ans);
    json_object_put(req);
    if (r < 0)
        return r;
    id = get_i64(ans, "ID");
    json_object_put(ans);
    if (!id)
        return fail(e, -EIO, "etcd granted no lease");
    *ret_id = id;
    return 0;
}

int etcd_lease_keepalive(etcd *e, int64_t id, int64_t *ret_ttl)
{
    json_object *req = json_object_new_object(), *ans = NULL, *res;
    int r;

    if (!req)
        return fail(e, -ENOMEM, "out of memory");
    json_object_object_add(req, "ID", i64_json(id));
    r = post(e, "/v3/lease/keepalive", req, &ans);
    json_object_put(req);
    if (r < 0)
        return r;
    /* The gateway streams {"result": {...}}; one request, one answer. */
    *ret_ttl = json_object_object_get_ex(ans, "result", &res)
                   ? get_i64(res, "TTL") : 0;
    json_object_put(ans);
    return 0;
}

int etcd_lease_revoke(etcd *e, int64_t id)
{
    json_object *req = json_object_new_object(), *ans = NULL;
    int r;

    if (!req)
        return fail(e, -ENOMEM, "out of memory");
    json_object_object_add(req, "ID", i64_json(id));
    r = post(e, "/v3/lease/revoke", req, &ans);
    json_object_put(req);
    json_object_put(ans);
    return r;
}

/* ---- watch ------------------------------------------------------------- */

struct watch {
    etcd *e;
    const char *endpoint;
    struct buf b;               /* bytes of the stream not parsed yet */
    int64_t *next_rev;
    etcd_watch_fn fn;
    void *userdata;
    const volatile bool *stop;
    bool created;               /* a watch of the stream is in place */
    size_t n_created, n_watches;
    int r;                      /* < 0: why the stream was cut */
};

static void events_free(struct etcd_event *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].kv.key);
        free(v[i].kv.value);
    }
    free(v);
}

/* One message of the stream: {"result": {header, created, events...}}. */
static int watch_message(struct watch *w, json_object *m)
{
    json_object *res, *evs, *v;
    struct etcd_event *ev;
    size_t n;
    int r;

    if (json_object_object_get_ex(m, "error", &v)) {
        const char *msg = json_object_object_get_ex(v, "message", &res)
                              ? json_object_get_string(res)
                              : json_object_get_string(v);

        return fail(w->e, -EIO, "%s: etcd: %s", w->endpoint, msg);
    }
    if (!json_object_object_get_ex(m, "result", &res))
        return 0;
    if (json_object_object_get_ex(res, "canceled", &v) &&
        json_object_get_boolean(v)) {
        int64_t compact = get_i64(res, "compact_revision");

        if (compact > 0) {
            *w->next_rev = compact;
            return fail(w->e, -ESTALE, "etcd compacted the revisions "
                        "before %" PRId64 ": reading everything again",
                        compact);
        }
        return fail(w->e, -EIO, "%s: etcd ended the watch: %s", w->endpoint,
                    json_object_object_get_ex(res, "cancel_reason", &v)
                        ? json_object_get_string(v) : "no reason given");
    }
    /* In place once every watch of the stream is. */
    if (json_object_object_get_ex(res, "created", &v) &&
        json_object_get_boolean(v) && w->n_created < w->n_watches) {
        w->created = true;
        if (++w->n_created == w->n_watches) {
            r = w->fn(w->userdata, NULL, 0);
            if (r < 0)
                return r;
        }
    }
    if (!json_object_object_get_ex(res, "events", &evs))
        return 0;
    n = json_object_array_length(evs);
    ev = calloc(n + 1, sizeof(*ev));
    if (!ev)
        return fail(w->e, -ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(evs, i), *kv = NULL;

        /* proto3 JSON leaves the default type (PUT) out. */
        ev[i].deleted = json_object_object_get_ex(o, "type", &v) &&
                        strcmp(json_object_get_string(v), "DELETE") == 0;
        json_object_object_get_ex(o, "kv", &kv);
        if (kv_from_json(w->e, kv, &ev[i].kv) < 0) {
            events_free(ev, i + 1);
            return -EIO;
        }
        if (ev[i].kv.mod_revision >= *w->next_rev)
            *w->next_rev = ev[i].kv.mod_revision + 1;
    }
    r = w->fn(w->userdata, ev, n);
    events_free(ev, n);
    return r;
}

/* The stream's bytes: every whole JSON message in them handled. */
static size_t on_stream(char *data, size_t size, size_t nmemb,
                        void *userdata)
{
    struct watch *w = userdata;
    size_t n = size * nmemb;

    if (on_data(data, size, nmemb, &w->b) != n) {
        w->r = fail(w->e, -ENOMEM, "out of memory");
        return 0;
    }
    for (;;) {
        json_tokener *tok;
        json_object *m;
        size_t skip = 0, end;
        int r;

        while (skip < w->b.len && strchr(" \t\r\n", w->b.p[skip]))
            skip++;
        if (skip == w->b.len) {
            w->b.len = 0;
            break;
        }
        tok = json_tokener_new();
        if (!tok) {
            w->r = fail(w->e, -ENOMEM, "out of memory");
            return 0;
        }
        m = json_tokener_parse_ex(tok, w->b.p + skip,
                                  (int)(w->b.len - skip));
        end = skip + json_tokener_get_parse_end(tok);
        r = json_tokener_get_error(tok);
        json_tokener_free(tok);
        if (!m && r == json_tokener_continue)
            break;              /* the rest of it is on its way */
        if (!m) {
            w->r = fail(w->e, -EIO, "%s/v3/watch: not JSON: is it etcd's "
                        "client URL (etcd >= 3.4)?", w->endpoint);
            return 0;
        }
        r = watch_message(w, m);
        json_object_put(m);
        memmove(w->b.p, w->b.p + end, w->b.len - end);
        w->b.len -= end;
        if (r < 0) {
            w->r = r;
            return 0;
        }
    }
    return n;
}

static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
    const struct watch *w = userdata;

    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return *w->stop ? 1 : 0;
}

int etcd_watch(etcd *e, const char *prefix, int64_t *next_rev, long max_ms,
               etcd_watch_fn fn, void *userdata, const volatile bool *stop)
{
    return etcd_watch_prefixes(e, &prefix, 1, next_rev, max_ms, fn,
                               userdata, stop);
}

int etcd_watch_prefixes(etcd *e, const char *const *prefixes, size_t n,
                        int64_t *next_rev, long max_ms, etcd_watch_fn fn,
                        void *userdata, const volatile bool *stop)
{
    struct watch w = { .e = e, .next_rev = next_rev, .fn = fn,
                       .userdata = userdata, .stop = stop, .n_watches = n };
    struct curl_slist *hdr = NULL;
    struct buf req = { 0 };
    char url[1024];
    const char *body;
    CURLcode rc = CURLE_OK;
    int r = 0;

    /* One create_request per prefix, one after the other in the body:
     * the gateway reads them as the stream's messages, and the events of
     * every watch come on the one answer. */
    for (size_t k = 0; r >= 0 && k < n; k++) {
        json_object *one = json_object_new_object();
        json_object *create = json_object_new_object();
        const char *s;

        r = one && create ? add_key(create, prefixes[k], true) : -ENOMEM;
        if (r >= 0 && *next_rev > 0)
            json_object_object_add(create, "start_revision",
                                   i64_json(*next_rev));
        if (r >= 0) {
            json_object_object_add(one, "create_request", create);
            create = NULL;
            s = json_object_to_json_string_ext(one, JSON_C_TO_STRING_PLAIN);
            if (on_data((char *)s, 1, strlen(s), &req) != strlen(s))
                r = -ENOMEM;
        }
        json_object_put(create);
        json_object_put(one);
    }
    if (r < 0) {
        free(req.p);
        return fail(e, r, "out of memory");
    }
    body = req.p;
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    /* Endpoints in turn until one takes the watch. */
    for (size_t k = 0; k < e->n_endpoints && !w.created && !w.r &&
                       !*stop; k++) {
        size_t i = (e->current + k) % e->n_endpoints;

        w.endpoint = e->endpoints[i];
        w.b.len = 0;
        snprintf(url, sizeof(url), "%s/v3/watch", w.endpoint);
        setup_post(e, url, hdr, body, max_ms);
        curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, on_stream);
        curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, &w);
        curl_easy_setopt(e->curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(e->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(e->curl, CURLOPT_XFERINFODATA, &w);
        curl_easy_setopt(e->curl, CURLOPT_TCP_KEEPALIVE, 1L);
        rc = curl_easy_perform(e->curl);
        if (w.created)
            e->current = i;
        else if (!w.r)
            fail(e, 0, "%s: %s", w.endpoint, curl_easy_strerror(rc));
    }
    curl_slist_free_all(hdr);
    free(req.p);
    free(w.b.p);
    if (w.r < 0)
        return w.r;
    if (*stop || (w.created && rc == CURLE_OPERATION_TIMEDOUT))
        return 0;
    /* The stream ended or broke: the next watch starts at the next
     * member (a restarted one comes back in turn). */
    if (w.created) {
        e->current = (e->current + 1) % e->n_endpoints;
        return fail(e, -EHOSTUNREACH, "the watch at %s broke (%s): "
                    "watching again at the next member", w.endpoint,
                    rc == CURLE_OK ? "etcd closed it"
                                   : curl_easy_strerror(rc));
    }
    {
        char why[512];

        snprintf(why, sizeof(why), "%s", e->error);
        return fail(e, -EHOSTUNREACH, "cannot watch etcd (%s): start it, "
                    "or fix etcd-endpoints in pool.conf", why);
    }
}
