/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* In-memory XenAPI class for protocol tests (stands in for the store). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers/memclass.h"

struct row {
    char *ref;
    struct xv *rec;
};

struct memclass {
    pthread_mutex_t lock;
    char *name;
    struct xapi *api;
    struct row *rows;
    size_t n;
};

int memclass_new(struct memclass **ret, const char *name, struct xapi *api)
{
    struct memclass *mc = calloc(1, sizeof(*mc));

    if (!mc || !(mc->name = strdup(name))) {
        free(mc);
        return -ENOMEM;
    }
    pthread_mutex_init(&mc->lock, NULL);
    mc->api = api;
    *ret = mc;
    return 0;
}

void memclass_free(struct memclass *mc)
{
    size_t k;

    if (!mc)
        return;
    for (k = 0; k < mc->n; k++) {
        free(mc->rows[k].ref);
        xv_free(mc->rows[k].rec);
    }
    free(mc->rows);
    free(mc->name);
    pthread_mutex_destroy(&mc->lock);
    free(mc);
}

static ssize_t find(struct memclass *mc, const char *ref)
{
    size_t k;

    for (k = 0; k < mc->n; k++)
        if (strcmp(mc->rows[k].ref, ref) == 0)
            return (ssize_t)k;
    return -1;
}

static int mc_list(void *userdata, char ***ret, struct xapi_error *err)
{
    struct memclass *mc = userdata;
    char **v;
    size_t k;

    pthread_mutex_lock(&mc->lock);
    v = calloc(mc->n + 1, sizeof(*v));
    for (k = 0; v && k < mc->n; k++)
        if (!(v[k] = strdup(mc->rows[k].ref))) {
            strv_free(v);
            v = NULL;
        }
    pthread_mutex_unlock(&mc->lock);
    if (!v)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    *ret = v;
    return 0;
}

static int mc_get(void *userdata, const char *ref, struct xv **ret,
                  struct xapi_error *err)
{
    struct memclass *mc = userdata;
    struct xv *c = NULL;
    ssize_t k;

    pthread_mutex_lock(&mc->lock);
    k = find(mc, ref);
    if (k >= 0)
        c = xv_copy(mc->rows[k].rec);
    pthread_mutex_unlock(&mc->lock);
    if (k < 0)
        return -ENOENT;
    if (!c)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    *ret = c;
    return 0;
}

int memclass_register(struct memclass *mc, struct xapi *api,
                      const char *const *fields)
{
    struct xapi_class c = { mc->name, fields, mc_list, mc_get, mc, NULL };

    mc->api = api;
    return xapi_add_class(api, &c);
}

int memclass_put(struct memclass *mc, const char *ref, struct xv *record)
{
    enum xapi_event_op op = XAPI_EVENT_MOD;
    struct row *nr;
    ssize_t k;

    if (!record)
        return -ENOMEM;
    pthread_mutex_lock(&mc->lock);
    k = find(mc, ref);
    if (k >= 0) {
        xv_free(mc->rows[k].rec);
        mc->rows[k].rec = record;
    } else {
        nr = reallocarray(mc->rows, mc->n + 1, sizeof(*nr));
        if (nr)
            mc->rows = nr;
        if (!nr || !(mc->rows[mc->n].ref = strdup(ref))) {
            pthread_mutex_unlock(&mc->lock);
            xv_free(record);
            return -ENOMEM;
        }
        mc->rows[mc->n++].rec = record;
        op = XAPI_EVENT_ADD;
    }
    pthread_mutex_unlock(&mc->lock);
    /* Notify after the commit, as the store's watch fires after it. */
    return mc->api ? xapi_notify(mc->api, mc->name, ref, op) : 0;
}

int memclass_remove(struct memclass *mc, const char *ref)
{
    ssize_t k;

    pthread_mutex_lock(&mc->lock);
    k = find(mc, ref);
    if (k >= 0) {
        free(mc->rows[k].ref);
        xv_free(mc->rows[k].rec);
        mc->rows[k] = mc->rows[--mc->n];
    }
    pthread_mutex_unlock(&mc->lock);
    if (k < 0)
        return -ENOENT;
    return mc->api ? xapi_notify(mc->api, mc->name, ref, XAPI_EVENT_DEL)
                   : 0;
}

unsigned memclass_count(struct memclass *mc)
{
    unsigned n;

    pthread_mutex_lock(&mc->lock);
    n = (unsigned)mc->n;
    pthread_mutex_unlock(&mc->lock);
    return n;
}
