/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* This dom0's host record and the one-host pool, made on first use. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ops/ops-internal.h"

#define HOST_UUID_FILE "host-uuid"

/* mkdir -p of the state directory (the store creates it on its first
 * snapshot write, which comes after us). */
static int mkdir_p(const char *dir)
{
    _cleanup_free_ char *copy = strdup(dir);

    if (!copy)
        return -ENOMEM;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST)
            return negative_errno();
        *p = '/';
    }
    if (mkdir(copy, 0755) < 0 && errno != EEXIST)
        return negative_errno();
    return 0;
}

/* The uuid in <dir>/host-uuid: 1, 0 if there is none, or -errno. */
static int read_uuid_file(const char *path, char ret[37])
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    char buf[64];
    ssize_t n;

    if (fd < 0)
        return errno == ENOENT ? 0 : negative_errno();
    n = read(fd, buf, sizeof(buf) - 1);
    if (n < 0)
        return negative_errno();
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    if (!schema_uuid_valid(buf))
        return -EBADMSG;
    memcpy(ret, buf, 37);
    return 1;
}

/* Write the file atomically: temp file, fsync, rename, fsync the dir. */
static int write_uuid_file(const char *dir, const char *path,
                           const char *uuid)
{
    _cleanup_free_ char *tmp = NULL;
    _cleanup_close_ int fd = -1, dfd = -1;
    size_t len = strlen(uuid);
    int r = 0;

    if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
        return -ENOMEM;
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return negative_errno();
    if (fchmod(fd, 0644) < 0 || write(fd, uuid, len) != (ssize_t)len ||
        write(fd, "\n", 1) != 1 || fsync(fd) < 0)
        r = negative_errno();
    if (r >= 0 && rename(tmp, path) < 0)
        r = negative_errno();
    if (r < 0) {
        unlink(tmp);
        return r;
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0)
        fsync(dfd);
    return 0;
}

/* The host uuid: the file's, else the one host record's, else new. */
static int host_uuid(struct ops_ctx *ops, char ret[37],
                     struct xapi_error *err)
{
    const char *dir = store_state_dir(ops->st);
    _cleanup_free_ char *path = NULL;
    _cleanup_records_ struct ops_records hosts = { 0 };
    int r;

    if (asprintf(&path, "%s/%s", dir, HOST_UUID_FILE) < 0)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    r = read_uuid_file(path, ret);
    if (r > 0)
        return 0;
    if (r < 0)
        return xapi_error_internal(err, r, "cannot read the host uuid from "
                                   "'%s': %s: fix or remove the file",
                                   path, strerror(-r));
    r = store_list(ops->st, "host", NULL, 0, 0, &hosts.v, &hosts.n);
    if (r < 0)
        return ops__store_fail(ops, r, err);
    if (hosts.n == 1)
        memcpy(ret, store_record_uuid(hosts.v[0]), 37);
    else if ((r = ops__new_uuid(ops, ret)) < 0)
        return xapi_error_internal(err, r, "cannot make a uuid: %s",
                                   strerror(-r));
    r = mkdir_p(dir);
    if (r >= 0)
        r = write_uuid_file(dir, path, ret);
    if (r < 0)
        return xapi_error_internal(err, r, "cannot write the host uuid to "
                                   "'%s': %s: make the state directory "
                                   "writable", path, strerror(-r));
    return 0;
}

struct ensure_args {
    struct ops_ctx *ops;
    const char *uuid;
    struct ops_undo undo;
    struct xapi_error *err;
};

static int make_host(store_tx *tx, struct ensure_args *a)
{
    _cleanup_record_ store_record *h = NULL;
    char name[256] = "";
    int r;

    ops__hostname(a->ops, name, sizeof(name));
    r = store_record_new(&h, "host");
    if (r >= 0)
        r = store_record_set_uuid(h, a->uuid);
    if (r >= 0)
        r = ops__set(h, SF_name_label, name);
    if (r >= 0)
        r = ops__set(h, SF_hostname, name);
    if (r >= 0)
        r = store_record_map_put(h, SF_software_version, "product_brand",
                                 PACKAGE_NAME);
    if (r >= 0)
        r = store_record_map_put(h, SF_software_version, "product_version",
                                 PACKAGE_VERSION);
    return r < 0 ? r : ops__tx_create(tx, &a->undo, h);
}

static int make_pool(store_tx *tx, struct ensure_args *a)
{
    _cleanup_record_ store_record *p = NULL;
    int r;

    r = store_record_new(&p, "pool");
    if (r >= 0)
        r = ops__set(p, SF_master, a->uuid);
    return r < 0 ? r : ops__tx_create(tx, &a->undo, p);
}

static int ensure_fn(store_tx *tx, void *userdata)
{
    struct ensure_args *a = userdata;
    _cleanup_records_ struct ops_records pools = { 0 };
    int r;

    ops__undo_reset(&a->undo);
    xapi_error_clear(a->err);
    r = store_tx_exists(tx, "host", a->uuid);
    if (r == 0)
        r = make_host(tx, a);
    if (r < 0)
        return r;
    r = store_tx_list(tx, "pool", NULL, 0, STORE_LIST_SKIP_INVALID, &pools.v,
                      &pools.n);
    if (r >= 0 && pools.n == 0)
        r = make_pool(tx, a);
    return r;
}

/* 1 if the host record and a pool exist (read outside a transaction),
 * 0 if one is missing. */
static int made_already(struct ops_ctx *ops, const char *uuid)
{
    char **hosts = NULL, **pools = NULL;
    size_t n_hosts = 0, n_pools = 0;
    bool mine = false;
    int r;

    r = store_list_uuids(ops->st, "host", &hosts, &n_hosts);
    if (r >= 0)
        r = store_list_uuids(ops->st, "pool", &pools, &n_pools);
    for (size_t i = 0; r >= 0 && i < n_hosts; i++)
        mine = mine || strcmp(hosts[i], uuid) == 0;
    strv_free(hosts);
    strv_free(pools);
    if (r < 0)
        return r;
    return mine && n_pools > 0;
}

int ops_host_uuid(struct ops_ctx *ops, char ret_uuid[37],
                  struct xapi_error *err)
{
    return host_uuid(ops, ret_uuid, err);
}

int ops_host_ensure(struct ops_ctx *ops, char ret_uuid[37],
                    struct xapi_error *err)
{
    struct ensure_args a = { .ops = ops, .undo.ops = ops, .err = err };
    char uuid[37];
    int r;

    r = host_uuid(ops, uuid, err);
    if (r < 0)
        return r;
    a.uuid = uuid;
    /* Made already (every command but the first): no transaction. */
    r = made_already(ops, uuid);
    if (r == 0)
        r = ops__transact(ops, ensure_fn, &a, &a.undo, err);
    else if (r > 0)
        r = 0;
    else
        r = ops__store_fail(ops, r, err);
    ops__undo_reset(&a.undo);
    if (r < 0)
        return r;
    if (ret_uuid)
        memcpy(ret_uuid, uuid, 37);
    return 0;
}
