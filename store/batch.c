/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Batches of xenstore requests built by the store, and their replies. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store/internal.h"

int store__batch_add(struct store_batch *b, uint32_t type, uint32_t tx,
                     char *path, const char *arg, size_t arg_len,
                     bool arg_nul)
{
    struct wire_req *q;
    char *a = NULL;

    if (!path)
        return -ENOMEM;
    if (arg) {
        a = malloc(arg_len + 1);
        if (!a) {
            free(path);
            return -ENOMEM;
        }
        memcpy(a, arg, arg_len);
        a[arg_len] = '\0';
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;

        q = realloc(b->q, cap * sizeof(*q));
        if (!q) {
            free(path);
            free(a);
            return -ENOMEM;
        }
        b->q = q;
        b->cap = cap;
    }
    b->q[b->n++] = (struct wire_req){
        .type = type, .tx = tx, .path = path, .arg = a, .arg_len = arg_len,
        .arg_nul = arg_nul,
    };
    return 0;
}

int store__batch_run(store *s, struct store_batch *b)
{
    return store__batch(s, b->q, b->n);
}

void store__batch_free(struct store_batch *b)
{
    size_t i;

    for (i = 0; i < b->n; i++) {
        free((char *)b->q[i].path);
        free((char *)b->q[i].arg);
        free(b->q[i].reply);
    }
    free(b->q);
    memset(b, 0, sizeof(*b));
}

int store__batch_read(struct store_batch *b, uint32_t tx, char *path)
{
    return store__batch_add(b, XS_READ, tx, path, NULL, 0, false);
}

int store__batch_dir(struct store_batch *b, uint32_t tx, char *path)
{
    return store__batch_add(b, XS_DIRECTORY, tx, path, NULL, 0, false);
}

int store__batch_write(struct store_batch *b, uint32_t tx, char *path,
                       const char *value)
{
    return store__batch_add(b, XS_WRITE, tx, path, value, strlen(value),
                            false);
}

int store__batch_rm(struct store_batch *b, uint32_t tx, char *path)
{
    return store__batch_add(b, XS_RM, tx, path, NULL, 0, false);
}

int store__dir_names(const struct wire_req *q, char ***ret, size_t *n)
{
    const char *p = q->reply, *end = q->reply + q->reply_len;
    size_t count = 0, i = 0;
    char **v;

    for (const char *c = p; c < end; c += strlen(c) + 1)
        count++;
    v = calloc(count + 1, sizeof(*v));
    if (!v)
        return -ENOMEM;
    for (; p < end; p += strlen(p) + 1) {
        v[i] = strdup(p);
        if (!v[i]) {
            strv_free(v);
            return -ENOMEM;
        }
        i++;
    }
    *ret = v;
    *n = count;
    return 0;
}
