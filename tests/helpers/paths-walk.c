/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Match every xenstore node under a root against paths.md's patterns. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "tests/helpers/paths-walk.h"

struct pattern {
    char *path;                 /* with $UUID, $KEY, $ID components */
    char *values;               /* the VALUES part */
};

struct walk {
    struct pattern *p;
    size_t n;
    char *out;
    size_t size, used;
    int problems;
    size_t nodes;
};

static void report(struct walk *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report(struct walk *w, const char *fmt, ...)
{
    va_list ap;
    int k;

    w->problems++;
    if (!w->out || w->used + 1 >= w->size)
        return;
    va_start(ap, fmt);
    k = vsnprintf(w->out + w->used, w->size - w->used, fmt, ap);
    va_end(ap);
    if (k > 0)
        w->used += (size_t)k < w->size - w->used ? (size_t)k
                                                  : w->size - w->used - 1;
    if (w->used + 1 < w->size)
        w->out[w->used++] = '\n';
    w->out[w->used] = '\0';
}

static bool hexn(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

static bool is_uuid(const char *s)
{
    return strlen(s) == 36 && hexn(s, 8) && s[8] == '-' && hexn(s + 9, 4) &&
           s[13] == '-' && hexn(s + 14, 4) && s[18] == '-' &&
           hexn(s + 19, 4) && s[23] == '-' && hexn(s + 24, 12);
}

static bool is_key(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
            (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')
            continue;
        if (*s == '@' && hexn(s + 1, 2)) {
            s += 2;
            continue;
        }
        return false;
    }
    return true;
}

static bool component_matches(const char *pat, const char *c)
{
    if (!strcmp(pat, "$UUID"))
        return is_uuid(c);
    /* Index components: a class, a field, an escaped value. */
    if (!strcmp(pat, "$KEY") || !strcmp(pat, "$VALUE") ||
        !strcmp(pat, "$FIELD") || !strcmp(pat, "$CLASS"))
        return is_key(c);
    if (!strcmp(pat, "$ID"))
        return strlen(c) == 16 && hexn(c, 16);
    return !strcmp(pat, c);
}

static bool path_matches(const char *pat, const char *path)
{
    char *a = strdup(pat), *b = strdup(path), *sa = NULL, *sb = NULL;
    char *x, *y;
    bool ok = a && b;

    for (x = strtok_r(a, "/", &sa), y = strtok_r(b, "/", &sb); ok && (x || y);
         x = strtok_r(NULL, "/", &sa), y = strtok_r(NULL, "/", &sb))
        ok = x && y && component_matches(x, y);
    free(a);
    free(b);
    return ok;
}

static bool is_int(const char *v)
{
    char *end;

    if (!*v)
        return false;
    errno = 0;
    (void)strtoll(v, &end, 10);
    return !errno && !*end;
}

/* Check value against VALUES: STRING, INTEGER, UUID, REF(x), "", $ID,
 * ("a"|"b"|...) and ("*"|STRING). */
static bool value_matches(const char *values, const char *v)
{
    if (!strcmp(values, "STRING"))
        return true;
    if (!strcmp(values, "INTEGER"))
        return is_int(v);
    if (!strcmp(values, "UUID"))
        return is_uuid(v);
    if (!strcmp(values, "$ID"))
        return strlen(v) == 16 && hexn(v, 16);
    if (!strcmp(values, "\"\""))
        return !*v;
    if (!strncmp(values, "REF(", 4))
        return !*v || is_uuid(v);
    if (values[0] == '(') {
        const char *p = values + 1;

        while (*p && *p != ')') {
            size_t len;

            if (!strncmp(p, "STRING", 6))
                return true;
            if (!strncmp(p, "UUID", 4)) {
                if (is_uuid(v))
                    return true;
                p += 4;
                if (*p == '|')
                    p++;
                continue;
            }
            if (*p != '"')
                return false;
            len = strcspn(p + 1, "\"");
            if (strlen(v) == len && !strncmp(p + 1, v, len))
                return true;
            p += len + 2;
            if (*p == '|')
                p++;
        }
        return false;
    }
    return false;
}

static int load(struct walk *w, const char *file)
{
    char line[1024];
    FILE *f = fopen(file, "re");

    if (!f)
        return -errno;
    while (fgets(line, sizeof(line), f)) {
        char *eq, *br, *path, *values;
        struct pattern *t;

        if (strncmp(line, "#### ", 5))
            continue;
        eq = strstr(line, " = ");
        br = strrchr(line, '[');
        if (!eq || !br || br < eq)
            continue;
        *eq = '\0';
        br[-1] = '\0';
        path = strdup(line + 5);
        values = strdup(eq + 3);
        t = realloc(w->p, (w->n + 1) * sizeof(*t));
        if (!path || !values || !t) {
            free(path);
            free(values);
            fclose(f);
            return -ENOMEM;
        }
        w->p = t;
        w->p[w->n++] = (struct pattern){ path, values };
    }
    fclose(f);
    return w->n ? 0 : -EINVAL;
}

static void walk(struct walk *w, struct xs_handle *xs, const char *path)
{
    unsigned len, n, i;
    char *v, **d;
    size_t k;

    w->nodes++;
    v = xs_read(xs, XBT_NULL, path, &len);
    if (!v) {
        report(w, "%s: unreadable (%s)", path, strerror(errno));
        return;
    }
    for (k = 0; k < w->n; k++)
        if (path_matches(w->p[k].path, path))
            break;
    if (k == w->n)
        report(w, "%s: no line of paths.md describes it", path);
    else if (!value_matches(w->p[k].values, v))
        report(w, "%s = '%.60s': not %s (paths.md)", path, v,
               w->p[k].values);
    free(v);
    d = xs_directory(xs, XBT_NULL, path, &n);
    for (i = 0; d && i < n; i++) {
        char *child;

        if (asprintf(&child, "%s/%s", path, d[i]) < 0)
            break;
        walk(w, xs, child);
        free(child);
    }
    free(d);
}

int paths_walk_check(const char *paths_md, const char *root,
                     char *problems, size_t size, size_t *n_nodes)
{
    struct walk w = { .out = problems, .size = size };
    struct xs_handle *xs;
    size_t i;
    int r;

    if (problems && size)
        problems[0] = '\0';
    r = load(&w, paths_md);
    if (r >= 0) {
        xs = xs_open(0);
        if (!xs) {
            r = -errno;
        } else {
            walk(&w, xs, root);
            xs_close(xs);
            r = w.problems;
        }
    }
    for (i = 0; i < w.n; i++) {
        free(w.p[i].path);
        free(w.p[i].values);
    }
    free(w.p);
    if (n_nodes)
        *n_nodes = w.nodes;
    return r;
}
