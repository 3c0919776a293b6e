/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parse the xe command line in xe's two stages (client, then server). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libsriov/macro.h"
#include "xe/args.h"
#include "xe/cli-error.h"

/* A growable list of strings (the words stage 2 will see). */
struct words {
    char **v;
    size_t n, cap;
};

static void words_done(struct words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    w->v = NULL;
    w->n = w->cap = 0;
}

static int words_add_len(struct words *w, const char *s, size_t len)
{
    char *copy;

    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        char **v = realloc(w->v, cap * sizeof(*v));

        if (!v)
            return -ENOMEM;
        w->v = v;
        w->cap = cap;
    }
    copy = strndup(s, len);
    if (!copy)
        return -ENOMEM;
    w->v[w->n++] = copy;
    return 0;
}

static int words_add(struct words *w, const char *s)
{
    return words_add_len(w, s, strlen(s));
}

static int set_dup(char **dst, const char *s)
{
    char *copy = strdup(s);

    if (!copy)
        return -ENOMEM;
    free(*dst);
    *dst = copy;
    return 0;
}

/* OCaml's bool_of_string: exactly "true" or "false". */
static int parse_strict_bool(const char *s, bool *ret)
{
    if (streq_ptr(s, "true"))
        *ret = true;
    else if (streq_ptr(s, "false"))
        *ret = false;
    else
        return -EINVAL;
    return 0;
}

static int parse_port(const char *s, int *ret)
{
    char *end;
    long v;

    if (!*s)
        return -EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < 0 || v > 65535)
        return -EINVAL;
    *ret = (int)v;
    return 0;
}

/*
 * newcli.ml set_keyword: take a client keyword.  Returns 1 when k is one,
 * 0 when it is not (the word goes on to the server), < 0 on a bad value.
 */
static int set_keyword(struct xe_args *a, const char *k, const char *v,
                       struct xapi_error *err)
{
    bool b;

    if (streq_ptr(k, "server"))
        return set_dup(&a->server, v) < 0 ? -ENOMEM : 1;
    if (streq_ptr(k, "port")) {
        if (parse_port(v, &a->port) < 0)
            return xapi_error_set(err, -EINVAL, XE_ERR_USAGE,
                                  "Port number must be an integer (0-65535)",
                                  NULL);
        return 1;
    }
    if (streq_ptr(k, "username") || streq_ptr(k, "password") ||
        streq_ptr(k, "passwordfile")) {
        a->credentials = true;
        return 1;
    }
    if (streq_ptr(k, "nossl")) {
        if (parse_strict_bool(v, &b) < 0)
            return xapi_error_set(err, -EINVAL, XE_ERR_USAGE,
                                  "nossl must be true or false", NULL);
        return 1;
    }
    /* debug= and debugonfail= fall back to false on a bad value in xe. */
    if (streq_ptr(k, "debug") || streq_ptr(k, "debugonfail") ||
        streq_ptr(k, "traceparent"))
        return 1;
    return 0;
}

/* newcli.ml parse_opt: a client switch and its value, if w[i] is one. */
static const char *client_switch(char *const *w, size_t n, size_t i,
                                 const char **value, size_t *used)
{
    static const struct {
        const char *sw, *key;
        bool takes_value;
    } sw[] = {
        { "-s", "server", true }, { "-p", "port", true },
        { "-u", "username", true }, { "-pw", "password", true },
        { "-pwf", "passwordfile", true }, { "--nossl", "nossl", false },
        { "--debug", "debug", false },
        { "--debug-on-fail", "debugonfail", false },
        { "-h", "server", true }, { "--traceparent", "traceparent", true },
    };

    for (size_t k = 0; k < ELEMENTSOF(sw); k++) {
        if (!streq_ptr(w[i], sw[k].sw))
            continue;
        if (sw[k].takes_value) {
            if (i + 1 >= n)
                return NULL;    /* left for stage 2 to reject */
            *value = w[i + 1];
            *used = 2;
        } else {
            *value = "true";
            *used = 1;
        }
        return sw[k].key;
    }
    return NULL;
}

/* newcli.ml process_args: keep what the client does not take. */
static int client_stage(struct xe_args *a, char *const *w, size_t n,
                        struct words *out, struct xapi_error *err)
{
    size_t i = 0;
    int r;

    while (i < n) {
        const char *key, *value = NULL, *eq;
        size_t used = 0;

        key = client_switch(w, n, i, &value, &used);
        if (key) {
            r = set_keyword(a, key, value, err);
            if (r < 0)
                return r;
            i += used;
            continue;
        }
        eq = strchr(w[i], '=');
        if (eq) {
            _cleanup_free_ char *k = strndup(w[i], (size_t)(eq - w[i]));

            if (!k)
                return -ENOMEM;
            r = set_keyword(a, k, eq + 1, err);
            if (r < 0)
                return r;
            if (r > 0) {
                i++;
                continue;
            }
        }
        r = words_add(out, w[i]);
        if (r < 0)
            return r;
        i++;
    }
    return 0;
}

/*
 * newcli.ml: XE_EXTRA_ARGS is split at commas not preceded by a backslash;
 * backslashes are then dropped from each item; empty items are skipped.
 */
static int split_extra(const char *extra, struct words *out)
{
    size_t len = strlen(extra), pos = 0, i = 0;
    int r;

    while (pos < len) {
        if (extra[pos] == ',') {
            pos++;
            i = pos;
        } else if (i >= len || (extra[i] == ',' && extra[i - 1] != '\\')) {
            _cleanup_free_ char *seg = malloc(i - pos + 1);
            size_t k = 0;

            if (!seg)
                return -ENOMEM;
            for (size_t j = pos; j < i; j++)
                if (extra[j] != '\\')
                    seg[k++] = extra[j];
            r = words_add_len(out, seg, k);
            if (r < 0)
                return r;
            i++;
            pos = i;
        } else
            i++;
    }
    return 0;
}

static int add_param(struct xe_args *a, const char *key, size_t key_len,
                     const char *value)
{
    struct xe_param *p;

    p = realloc(a->params, (a->n_params + 1) * sizeof(*p));
    if (!p)
        return -ENOMEM;
    a->params = p;
    p = &a->params[a->n_params];
    p->key = strndup(key, key_len);
    p->value = strdup(value);
    p->used = false;
    if (!p->key || !p->value) {
        free(p->key);
        free(p->value);
        return -ENOMEM;
    }
    a->n_params++;
    return 0;
}

/* cli_frontend.ml switch_map, as reached by single-dash words. */
static const char *server_switch(const char *w)
{
    static const char *const map[][2] = {
        { "-u", "username" }, { "-pw", "password" }, { "-s", "server" },
        { "-h", "server" }, { "-p", "port" },
    };

    for (size_t i = 0; i < ELEMENTSOF(map); i++)
        if (streq_ptr(w, map[i][0]))
            return map[i][1];
    return NULL;
}

/* cli_frontend.ml parse_commandline + parse_params_2. */
static int server_stage(struct xe_args *a, struct words *w,
                        struct xapi_error *err)
{
    size_t i;
    int r;

    if (w->n == 0)
        return 0;
    if (strchr(w->v[0], '='))
        return xapi_error_set(err, -EINVAL, XE_ERR_SYNTAX,
                              "command name is missing", NULL);
    a->cmd = strdup(w->v[0]);
    if (!a->cmd)
        return -ENOMEM;
    for (i = 1; i < w->n; i++) {
        const char *s = w->v[i], *eq;

        if (strncmp(s, "--", 2) == 0) {
            r = add_param(a, s + 2, strlen(s + 2), "true");
        } else if (s[0] == '-') {
            const char *key = server_switch(s);
            _cleanup_free_ char *msg = NULL;

            if (i + 1 >= w->n) {
                if (asprintf(&msg, "Switch %s requires a parameter", s) < 0)
                    return -ENOMEM;
                return xapi_error_set(err, -EINVAL, XE_ERR_SYNTAX, msg, NULL);
            }
            if (!key) {
                if (asprintf(&msg, "Unknown switch: %s", s) < 0)
                    return -ENOMEM;
                return xapi_error_set(err, -EINVAL, XE_ERR_SYNTAX, msg, NULL);
            }
            r = add_param(a, key, strlen(key), w->v[++i]);
        } else {
            eq = strchr(s, '=');
            if (eq)
                r = add_param(a, s, (size_t)(eq - s), eq + 1);
            else
                r = add_param(a, s, strlen(s), "");
        }
        if (r < 0)
            return r;
    }
    return 0;
}

void xe_args_done(struct xe_args *a)
{
    if (!a)
        return;
    free(a->cmd);
    for (size_t i = 0; i < a->n_params; i++) {
        free(a->params[i].key);
        free(a->params[i].value);
    }
    free(a->params);
    free(a->server);
    *a = (struct xe_args)XE_ARGS_INIT;
}

int xe_args_parse(struct xe_args *ret, int argc, char *const *argv,
                  const char *extra, struct xapi_error *err)
{
    struct xe_args a = XE_ARGS_INIT;
    struct words rest = { 0 }, extras = { 0 }, extra_rest = { 0 };
    size_t n = argc > 1 ? (size_t)argc - 1 : 0;
    int r;

    for (size_t i = 0; i < n; i++) {
        if (streq_ptr(argv[i + 1], "-version"))
            a.want_version = true;
        if (streq_ptr(argv[i + 1], "--help") ||
            streq_ptr(argv[i + 1], "-help"))
            a.want_usage = true;
    }
    /* As newcli.ml: XE_EXTRA_ARGS first, so that the command line wins. */
    r = extra ? split_extra(extra, &extras) : 0;
    if (r >= 0)
        r = client_stage(&a, extras.v, extras.n, &extra_rest, err);
    if (r >= 0)
        r = client_stage(&a, argv + 1, n, &rest, err);
    for (size_t i = 0; r >= 0 && i < extra_rest.n; i++)
        r = words_add(&rest, extra_rest.v[i]);
    /* With --help the client prints its usage before the server parses. */
    if (r >= 0 && !a.want_usage && !a.want_version)
        r = server_stage(&a, &rest, err);
    words_done(&rest);
    words_done(&extras);
    words_done(&extra_rest);
    if (r < 0) {
        xe_args_done(&a);
        if (r == -ENOMEM && !xapi_error_is_set(err))
            xapi_error_internal(err, r, "out of memory parsing arguments");
        return r;
    }
    *ret = a;
    return 0;
}

static struct xe_param *find(const struct xe_args *a, const char *key)
{
    for (size_t i = 0; i < a->n_params; i++)
        if (streq_ptr(a->params[i].key, key))
            return &a->params[i];
    return NULL;
}

const char *xe_args_get(struct xe_args *a, const char *key)
{
    struct xe_param *p = find(a, key);

    if (!p)
        return NULL;
    p->used = true;
    return p->value;
}

const char *xe_args_peek(const struct xe_args *a, const char *key)
{
    struct xe_param *p = find(a, key);

    return p ? p->value : NULL;
}

size_t xe_args_count(const struct xe_args *a, const char *key)
{
    size_t n = 0;

    for (size_t i = 0; i < a->n_params; i++)
        if (streq_ptr(a->params[i].key, key))
            n++;
    return n;
}

bool xe_args_split_map(const char *s, size_t *name_len, const char **key)
{
    const char *colon = s ? strchr(s, ':') : NULL;

    if (!colon)
        return false;
    *name_len = (size_t)(colon - s);
    *key = colon + 1;
    return true;
}
