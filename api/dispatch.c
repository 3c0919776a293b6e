/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* XenAPI method registry: lookup, arity and session checks, handler call. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "libsriov/macro.h"
#include "api/dispatch.h"

struct entry {
    char *name;
    struct xapi_method m;
};

struct kept {
    void *p;
    void (*free_fn)(void *);
};

struct xapi_registry {
    pthread_rwlock_t lock;
    struct entry *e;               /* sorted by name */
    size_t n, cap;
    struct kept *kept;
    size_t n_kept;
    xapi_async_submit_fn submit;
    void *submit_userdata;
};

int xapi_registry_new(struct xapi_registry **ret)
{
    struct xapi_registry *reg = calloc(1, sizeof(*reg));

    if (!reg)
        return -ENOMEM;
    if (pthread_rwlock_init(&reg->lock, NULL) != 0) {
        free(reg);
        return -ENOMEM;
    }
    *ret = reg;
    return 0;
}

struct xapi_registry *xapi_registry_free(struct xapi_registry *reg)
{
    size_t k;

    if (!reg)
        return NULL;
    for (k = 0; k < reg->n; k++)
        free(reg->e[k].name);
    free(reg->e);
    for (k = 0; k < reg->n_kept; k++)
        reg->kept[k].free_fn(reg->kept[k].p);
    free(reg->kept);
    pthread_rwlock_destroy(&reg->lock);
    free(reg);
    return NULL;
}

/* Index of name, or where it would go (*found false). */
static size_t search(const struct xapi_registry *reg, const char *name,
                     bool *found)
{
    size_t lo = 0, hi = reg->n, mid;
    int c;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = strcmp(reg->e[mid].name, name);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

int xapi_registry_add(struct xapi_registry *reg, const struct xapi_method *m)
{
    struct entry *ne;
    bool found;
    size_t at;
    char *name;

    if (!reg || !m || !m->name || !*m->name || !m->fn ||
        m->max_args < m->min_args)
        return -EINVAL;
    name = strdup(m->name);
    if (!name)
        return -ENOMEM;
    pthread_rwlock_wrlock(&reg->lock);
    at = search(reg, name, &found);
    if (found) {
        pthread_rwlock_unlock(&reg->lock);
        free(name);
        return -EEXIST;
    }
    if (reg->n == reg->cap) {
        size_t ncap = reg->cap ? reg->cap * 2 : 64;

        ne = reallocarray(reg->e, ncap, sizeof(*ne));
        if (!ne) {
            pthread_rwlock_unlock(&reg->lock);
            free(name);
            return -ENOMEM;
        }
        reg->e = ne;
        reg->cap = ncap;
    }
    memmove(&reg->e[at + 1], &reg->e[at], (reg->n - at) * sizeof(*reg->e));
    reg->e[at].name = name;
    reg->e[at].m = *m;
    reg->e[at].m.name = name;
    reg->n++;
    pthread_rwlock_unlock(&reg->lock);
    return 0;
}

int xapi_registry_keep(struct xapi_registry *reg, void *p,
                       void (*free_fn)(void *))
{
    struct kept *nk;

    pthread_rwlock_wrlock(&reg->lock);
    nk = reallocarray(reg->kept, reg->n_kept + 1, sizeof(*nk));
    if (nk) {
        reg->kept = nk;
        reg->kept[reg->n_kept++] = (struct kept){ p, free_fn };
    }
    pthread_rwlock_unlock(&reg->lock);
    if (!nk) {
        free_fn(p);
        return -ENOMEM;
    }
    return 0;
}

int xapi_registry_find(struct xapi_registry *reg, const char *name,
                       struct xapi_method *ret)
{
    bool found;
    size_t at;

    pthread_rwlock_rdlock(&reg->lock);
    at = search(reg, name, &found);
    if (found)
        *ret = reg->e[at].m;
    pthread_rwlock_unlock(&reg->lock);
    return found ? 0 : -ENOENT;
}

int xapi_registry_list(struct xapi_registry *reg, struct xv **ret)
{
    _cleanup_xv_ struct xv *a = xv_new_array();
    size_t k;
    int r = 0;

    if (!a)
        return -ENOMEM;
    pthread_rwlock_rdlock(&reg->lock);
    for (k = 0; k < reg->n && r == 0; k++)
        r = xv_array_append(a, xv_new_string(reg->e[k].name));
    pthread_rwlock_unlock(&reg->lock);
    if (r < 0)
        return r;
    *ret = TAKE_PTR(a);
    return 0;
}

void xapi_registry_set_async(struct xapi_registry *reg,
                             xapi_async_submit_fn submit, void *userdata)
{
    pthread_rwlock_wrlock(&reg->lock);
    reg->submit = submit;
    reg->submit_userdata = userdata;
    pthread_rwlock_unlock(&reg->lock);
}

bool xapi_method_async_ok(const struct xapi_method *m)
{
    static const char *const never[] = { "session.", "event.", "task.",
                                         "Async." };
    const char *msg;
    size_t k;

    if (m->flags & (XAPI_METHOD_NO_SESSION | XAPI_METHOD_UNWRAPPED |
                    XAPI_METHOD_NO_ASYNC))
        return false;
    for (k = 0; k < ELEMENTSOF(never); k++)
        if (strncmp(m->name, never[k], strlen(never[k])) == 0)
            return false;
    msg = strrchr(m->name, '.');
    msg = msg ? msg + 1 : m->name;
    return strncmp(msg, "get_", 4) != 0;
}

static int count_mismatch(struct xapi_error *err, const char *method,
                          unsigned expected, size_t received)
{
    char e[24], g[24];

    snprintf(e, sizeof(e), "%u", expected);
    snprintf(g, sizeof(g), "%zu", received);
    return xapi_error_set(err, -EINVAL, XAPI_MESSAGE_PARAMETER_COUNT_MISMATCH,
                          method, e, g, NULL);
}

/*
 * XAPI's alternative wire name of a sync call, "<class>_<message>"
 * (DU.alternative_wire_name: "event_from", "VM_get_all_records",
 * "network_sriov_create"): the '_' that ends a registered class.  Not for
 * Async (server_helpers.ml: "X_y api call format does not work with
 * Async") nor system.listMethods, which is no datamodel message.
 */
static int find_alternative(struct xapi_registry *reg, const char *method,
                            struct xapi_method *ret)
{
    char name[256];
    size_t len = strlen(method);

    if (strchr(method, '.') || len >= sizeof(name))
        return -ENOENT;
    for (size_t k = 1; k + 1 < len; k++) {
        if (method[k] != '_')
            continue;
        memcpy(name, method, len + 1);
        name[k] = '.';
        if (strncmp(name, "system.", 7) != 0 &&
            xapi_registry_find(reg, name, ret) == 0)
            return 0;
    }
    return -ENOENT;
}

int xapi_registry_call(struct xapi_registry *reg, struct xapi *api,
                       xapi_session_check_fn check, void *check_userdata,
                       const char *method, const struct xv *params,
                       const char *client, struct xv **ret,
                       unsigned *ret_flags, struct xapi_error *err)
{
    struct xapi_call call = { api, method, NULL, client, NULL };
    struct xv *const *args;
    struct xv *result = NULL;
    xapi_async_submit_fn submit = NULL;
    void *submit_userdata = NULL;
    struct xapi_method m;
    size_t n;
    int r;

    if (!params || params->type != XV_ARRAY)
        return xapi_error_internal(err, -EINVAL, "params are not an array");
    if (xapi_registry_find(reg, method, &m) < 0 &&
        find_alternative(reg, method, &m) < 0) {
        /* Async.<name>: the checks of <name>, then a task. */
        if (strncmp(method, "Async.", 6) == 0 &&
            xapi_registry_find(reg, method + 6, &m) == 0 &&
            xapi_method_async_ok(&m)) {
            pthread_rwlock_rdlock(&reg->lock);
            submit = reg->submit;
            submit_userdata = reg->submit_userdata;
            pthread_rwlock_unlock(&reg->lock);
        }
        if (!submit)
            return xapi_error_set(err, -ENOENT, XAPI_MESSAGE_METHOD_UNKNOWN,
                                  method, NULL);
    }
    args = (struct xv *const *)params->a.items;
    n = params->a.n;
    if (!(m.flags & XAPI_METHOD_NO_SESSION)) {
        /* The session first, as XAPI: a caller without a valid one
         * learns nothing of the method, not even its arity. */
        if (n == 0)
            return xapi_error_set(err, -EACCES, XAPI_SESSION_INVALID, "",
                                  NULL);
        if (args[0]->type != XV_STRING || !check ||
            check(check_userdata, args[0]->s) < 0)
            return xapi_error_set(err, -EACCES, XAPI_SESSION_INVALID,
                                  args[0]->type == XV_STRING ? args[0]->s
                                                             : "", NULL);
        /* Counts exclude the session, as XAPI reports them. */
        if (n - 1 < m.min_args)
            return count_mismatch(err, method, m.min_args, n - 1);
        if (n - 1 > m.max_args)
            return count_mismatch(err, method, m.max_args, n - 1);
        call.session = args[0]->s;
        args++;
        n--;
    } else if (n < m.min_args) {
        return count_mismatch(err, method, m.min_args, n);
    } else if (n > m.max_args) {
        return count_mismatch(err, method, m.max_args, n);
    }
    call.userdata = m.userdata;
    if (submit)
        r = submit(submit_userdata, method, &m, &call, args, n, &result, err);
    else
        r = m.fn(&call, args, n, &result, err);
    if (r < 0) {
        xv_free(result);
        if (!xapi_error_is_set(err))
            xapi_error_internal(err, r, "%s failed: %s", method,
                                strerror(-r));
        return r;
    }
    if (!result) {
        result = xv_new_string("");
        if (!result)
            return xapi_error_internal(err, -ENOMEM, "out of memory");
    }
    *ret = result;
    *ret_flags = m.flags;
    return 0;
}

int xapi_arg_string(struct xv *const *args, size_t i, const char *what,
                    const char **ret, struct xapi_error *err)
{
    if (xv_get_string(args[i], ret) < 0)
        return xapi_error_set(err, -EINVAL, XAPI_FIELD_TYPE_ERROR, what, NULL);
    return 0;
}

bool xapi_uuid_valid(const char *s)
{
    static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    size_t k;

    if (!s || strlen(s) != sizeof(pattern) - 1)
        return false;
    for (k = 0; k < sizeof(pattern) - 1; k++)
        if (pattern[k] == '-' ? s[k] != '-' : !isxdigit((unsigned char)s[k]))
            return false;
    return true;
}

bool xapi_ref_valid(const char *ref)
{
    return ref && strncmp(ref, "OpaqueRef:", 10) == 0 &&
           xapi_uuid_valid(ref + 10);
}

int xapi_handle_invalid(struct xapi_error *err, const char *cls,
                        const char *ref)
{
    return xapi_error_set(err, -ENOENT, XAPI_HANDLE_INVALID, cls, ref, NULL);
}

int xapi_uuid_invalid(struct xapi_error *err, const char *cls,
                      const char *uuid)
{
    return xapi_error_set(err, -ENOENT, XAPI_UUID_INVALID, cls, uuid, NULL);
}

int xapi_new_uuid(char ret_uuid[static 37])
{
    unsigned char b[16];
    ssize_t n;

    n = getrandom(b, sizeof(b), 0);
    if (n != (ssize_t)sizeof(b))
        return n < 0 ? negative_errno() : -EIO;
    b[6] = (b[6] & 0x0f) | 0x40;   /* version 4 (RFC 4122 sec 4.4) */
    b[8] = (b[8] & 0x3f) | 0x80;   /* variant 10 */
    snprintf(ret_uuid, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
             b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

int xapi_new_ref(char ret_ref[static XAPI_REF_MAX])
{
    char uuid[37];
    int r;

    r = xapi_new_uuid(uuid);
    if (r < 0)
        return r;
    snprintf(ret_ref, XAPI_REF_MAX, "OpaqueRef:%s", uuid);
    return 0;
}
