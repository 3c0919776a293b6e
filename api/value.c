/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The neutral XenAPI value: construction, ownership, typed reads. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/value.h"

static struct xv *xv_alloc(enum xv_type t)
{
    struct xv *v = calloc(1, sizeof(*v));

    if (v)
        v->type = t;
    return v;
}

struct xv *xv_new_nil(void)
{
    return xv_alloc(XV_NIL);
}

struct xv *xv_new_stringn(const char *s, size_t len)
{
    struct xv *v = xv_alloc(XV_STRING);

    if (!v)
        return NULL;
    v->s = strndup(s ? s : "", s ? len : 0);
    if (!v->s) {
        free(v);
        return NULL;
    }
    return v;
}

struct xv *xv_new_string(const char *s)
{
    return xv_new_stringn(s, s ? strlen(s) : 0);
}

struct xv *xv_new_int(int64_t i)
{
    struct xv *v = xv_alloc(XV_INT);

    if (v)
        v->i = i;
    return v;
}

struct xv *xv_new_i4(int32_t i)
{
    struct xv *v = xv_new_int(i);

    if (v)
        v->i4 = true;
    return v;
}

struct xv *xv_new_date(const char *iso8601)
{
    struct xv *v = xv_new_string(iso8601);

    if (v)
        v->date = true;
    return v;
}

struct xv *xv_new_date_of(time_t t, bool local)
{
    struct tm tm;
    char buf[32];

    if (local ? !localtime_r(&t, &tm) : !gmtime_r(&t, &tm))
        return NULL;
    strftime(buf, sizeof(buf), local ? "%Y%m%dT%H:%M:%S" : "%Y%m%dT%H:%M:%SZ",
             &tm);
    return xv_new_date(buf);
}

struct xv *xv_new_double(double d)
{
    struct xv *v = xv_alloc(XV_DOUBLE);

    if (v)
        v->d = d;
    return v;
}

struct xv *xv_new_bool(bool b)
{
    struct xv *v = xv_alloc(XV_BOOL);

    if (v)
        v->b = b;
    return v;
}

struct xv *xv_new_array(void)
{
    return xv_alloc(XV_ARRAY);
}

struct xv *xv_new_struct(void)
{
    return xv_alloc(XV_STRUCT);
}

struct xv *xv_free(struct xv *v)
{
    size_t k;

    if (!v)
        return NULL;
    switch (v->type) {
    case XV_STRING:
        free(v->s);
        break;
    case XV_ARRAY:
        for (k = 0; k < v->a.n; k++)
            xv_free(v->a.items[k]);
        free(v->a.items);
        break;
    case XV_STRUCT:
        for (k = 0; k < v->st.n; k++) {
            free(v->st.m[k].name);
            xv_free(v->st.m[k].value);
        }
        free(v->st.m);
        break;
    default:
        break;
    }
    free(v);
    return NULL;
}

/* Grow *p (n used of *cap elements of size sz) so one more fits. */
static int grow(void **p, size_t n, size_t *cap, size_t sz)
{
    size_t ncap;
    void *np;

    if (n < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 4;
    np = reallocarray(*p, ncap, sz);
    if (!np)
        return -ENOMEM;
    *p = np;
    *cap = ncap;
    return 0;
}

int xv_array_append(struct xv *a, struct xv *item)
{
    if (!item)
        return -ENOMEM;
    if (!a || a->type != XV_ARRAY) {
        xv_free(item);
        return -EINVAL;
    }
    if (grow((void **)&a->a.items, a->a.n, &a->a.cap, sizeof(*a->a.items))) {
        xv_free(item);
        return -ENOMEM;
    }
    a->a.items[a->a.n++] = item;
    return 0;
}

static struct xv_member *member_find(const struct xv *s, const char *name)
{
    size_t k;

    for (k = 0; k < s->st.n; k++)
        if (strcmp(s->st.m[k].name, name) == 0)
            return &s->st.m[k];
    return NULL;
}

int xv_struct_append(struct xv *s, const char *name, size_t name_len,
                     struct xv *value)
{
    char *n;

    if (!value)
        return -ENOMEM;
    if (!s || s->type != XV_STRUCT || !name) {
        xv_free(value);
        return -EINVAL;
    }
    n = strndup(name, name_len);
    if (!n || grow((void **)&s->st.m, s->st.n, &s->st.cap,
                   sizeof(*s->st.m))) {
        free(n);
        xv_free(value);
        return -ENOMEM;
    }
    s->st.m[s->st.n].name = n;
    s->st.m[s->st.n].value = value;
    s->st.n++;
    return 0;
}

int xv_struct_set(struct xv *s, const char *name, struct xv *value)
{
    struct xv_member *m;

    if (!value)
        return -ENOMEM;
    if (!s || s->type != XV_STRUCT || !name) {
        xv_free(value);
        return -EINVAL;
    }
    m = member_find(s, name);
    if (m) {
        xv_free(m->value);
        m->value = value;
        return 0;
    }
    return xv_struct_append(s, name, strlen(name), value);
}

int xv_struct_set_string(struct xv *s, const char *name, const char *value)
{
    return xv_struct_set(s, name, xv_new_string(value));
}

int xv_struct_set_int(struct xv *s, const char *name, int64_t value)
{
    return xv_struct_set(s, name, xv_new_int(value));
}

int xv_struct_set_bool(struct xv *s, const char *name, bool value)
{
    return xv_struct_set(s, name, xv_new_bool(value));
}

struct xv *xv_struct_get(const struct xv *s, const char *name)
{
    struct xv_member *m;

    if (!s || s->type != XV_STRUCT || !name)
        return NULL;
    m = member_find(s, name);
    return m ? m->value : NULL;
}

struct xv *xv_copy(const struct xv *v)
{
    struct xv *c;
    size_t k;

    if (!v)
        return NULL;
    switch (v->type) {
    case XV_STRING:
        return v->date ? xv_new_date(v->s) : xv_new_string(v->s);
    case XV_ARRAY:
        c = xv_new_array();
        for (k = 0; c && k < v->a.n; k++)
            if (xv_array_append(c, xv_copy(v->a.items[k])) < 0)
                c = xv_free(c);
        return c;
    case XV_STRUCT:
        c = xv_new_struct();
        for (k = 0; c && k < v->st.n; k++)
            if (xv_struct_set(c, v->st.m[k].name,
                              xv_copy(v->st.m[k].value)) < 0)
                c = xv_free(c);
        return c;
    default:
        c = xv_alloc(v->type);
        if (c)
            *c = *v;
        return c;
    }
}

bool xv_equal(const struct xv *a, const struct xv *b)
{
    size_t k;

    if (!a || !b)
        return a == b;
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case XV_NIL:
        return true;
    case XV_STRING:
        return strcmp(a->s, b->s) == 0;
    case XV_INT:
        return a->i == b->i;
    case XV_DOUBLE:
        return a->d == b->d || (isnan(a->d) && isnan(b->d));
    case XV_BOOL:
        return a->b == b->b;
    case XV_ARRAY:
        if (a->a.n != b->a.n)
            return false;
        for (k = 0; k < a->a.n; k++)
            if (!xv_equal(a->a.items[k], b->a.items[k]))
                return false;
        return true;
    case XV_STRUCT:
        if (a->st.n != b->st.n)
            return false;
        for (k = 0; k < a->st.n; k++)
            if (!xv_equal(a->st.m[k].value,
                          xv_struct_get(b, a->st.m[k].name)))
                return false;
        return true;
    }
    return false;
}

int xv_get_string(const struct xv *v, const char **ret)
{
    if (!v || v->type != XV_STRING)
        return -EINVAL;
    *ret = v->s;
    return 0;
}

/* A whole decimal int64 with optional sign, nothing else. */
static int parse_int64(const char *s, int64_t *ret)
{
    char *end;
    long long n;

    if (!*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
        return -EINVAL;
    errno = 0;
    n = strtoll(s, &end, 10);
    if (errno || *end)
        return -EINVAL;
    *ret = n;
    return 0;
}

int xv_get_int(const struct xv *v, int64_t *ret)
{
    if (!v)
        return -EINVAL;
    if (v->type == XV_INT) {
        *ret = v->i;
        return 0;
    }
    if (v->type == XV_STRING)
        return parse_int64(v->s, ret);
    return -EINVAL;
}

int xv_get_double(const struct xv *v, double *ret)
{
    char *end;
    double d;

    if (!v)
        return -EINVAL;
    switch (v->type) {
    case XV_DOUBLE:
        *ret = v->d;
        return 0;
    case XV_INT:
        *ret = (double)v->i;
        return 0;
    case XV_STRING:
        if (!*v->s)
            return -EINVAL;
        errno = 0;
        d = strtod(v->s, &end);
        if (errno || *end)
            return -EINVAL;
        *ret = d;
        return 0;
    default:
        return -EINVAL;
    }
}

int xv_get_bool(const struct xv *v, bool *ret)
{
    if (!v || v->type != XV_BOOL)
        return -EINVAL;
    *ret = v->b;
    return 0;
}

void xv_format_double(double d, char buf[32])
{
    int prec;

    for (prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* Keep it a double on the way back: "60" would read as an int. */
    if (!strpbrk(buf, ".eEni"))
        strcat(buf, ".0");
}

const char *xv_type_name(enum xv_type t)
{
    static const char *const names[] = {
        [XV_NIL] = "nil",       [XV_STRING] = "string", [XV_INT] = "int",
        [XV_DOUBLE] = "double", [XV_BOOL] = "bool",     [XV_ARRAY] = "array",
        [XV_STRUCT] = "struct",
    };

    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}
