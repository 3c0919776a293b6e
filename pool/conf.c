/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pool.conf: where the pool's etcd is (pool/pool.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libsriov/macro.h"
#include "pool/pool.h"

void pool_conf_done(struct pool_conf *c)
{
    strv_free(c->endpoints);
    free(c->prefix);
    free(c->cacert);
    free(c->cert);
    free(c->key);
    memset(c, 0, sizeof(*c));
}

int pool_conf_path(const char *root, char **ret)
{
    bool slash = !root || !*root || strcmp(root, "/") == 0;

    return asprintf(ret, "%s/" POOL_CONF_REL, slash ? "" : root) < 0
               ? -ENOMEM : 0;
}

static int split_endpoints(const char *value, char ***ret)
{
    _cleanup_free_ char *copy = strdup(value);
    char **v = NULL, *save = NULL;
    size_t n = 0;

    if (!copy)
        return -ENOMEM;
    for (char *t = strtok_r(copy, ", \t", &save); t;
         t = strtok_r(NULL, ", \t", &save)) {
        char **w = realloc(v, (n + 2) * sizeof(*v));

        if (!w || !(w[n] = strdup(t))) {
            if (w)
                w[n] = NULL;
            strv_free(w ? w : v);
            return -ENOMEM;
        }
        v = w;
        v[++n] = NULL;
    }
    if (!n)
        return -EINVAL;
    *ret = v;
    return 0;
}

static int set_str(char **dst, const char *value)
{
    char *v = strdup(value);

    if (!v)
        return -ENOMEM;
    free(*dst);
    *dst = v;
    return 0;
}

int pool_conf_set(struct pool_conf *c, const char *key, const char *value,
                  char *errbuf, size_t errbuf_size)
{
    char **eps = NULL, *end;
    int r = 0;

    if (strcmp(key, "etcd-endpoints") == 0) {
        r = split_endpoints(value, &eps);
        if (r == -EINVAL)
            goto bad;
        if (r >= 0) {
            for (size_t i = 0; eps[i]; i++)
                if (strncmp(eps[i], "http://", 7) != 0 &&
                    strncmp(eps[i], "https://", 8) != 0) {
                    strv_free(eps);
                    goto bad;
                }
            strv_free(c->endpoints);
            c->endpoints = eps;
        }
    } else if (strcmp(key, "prefix") == 0) {
        if (value[0] != '/' || strlen(value) < 2 ||
            value[strlen(value) - 1] == '/')
            goto bad;
        r = set_str(&c->prefix, value);
    } else if (strcmp(key, "lease-ttl") == 0) {
        long long v = strtoll(value, &end, 10);

        if (*end || end == value || v < 2 || v > 3600)
            goto bad;
        c->lease_ttl = v;
    } else if (strcmp(key, "etcd-cacert") == 0) {
        r = set_str(&c->cacert, value);
    } else if (strcmp(key, "etcd-cert") == 0) {
        r = set_str(&c->cert, value);
    } else if (strcmp(key, "etcd-key") == 0) {
        r = set_str(&c->key, value);
    } else {
        snprintf(errbuf, errbuf_size, "unknown pool setting '%s': use "
                 "etcd-endpoints, prefix, lease-ttl, etcd-cacert, "
                 "etcd-cert or etcd-key", key);
        return -EINVAL;
    }
    if (r < 0)
        snprintf(errbuf, errbuf_size, "out of memory");
    return r;
bad:
    snprintf(errbuf, errbuf_size, "bad %s '%s': %s", key, value,
             strcmp(key, "etcd-endpoints") == 0
                 ? "give http://host:2379,http://host2:2379,..."
             : strcmp(key, "prefix") == 0
                 ? "give an absolute key prefix without a trailing '/'"
                 : "give seconds from 2 to 3600");
    return -EINVAL;
}

static int defaults(struct pool_conf *c)
{
    if (!c->prefix && !(c->prefix = strdup(POOL_DEFAULT_PREFIX)))
        return -ENOMEM;
    if (!c->lease_ttl)
        c->lease_ttl = POOL_DEFAULT_LEASE_TTL;
    return 0;
}

int pool_conf_load(const char *root, struct pool_conf *ret, char *errbuf,
                   size_t errbuf_size)
{
    _cleanup_free_ char *path = NULL, *line = NULL;
    _cleanup_fclose_ FILE *f = NULL;
    struct pool_conf c = { 0 };
    size_t cap = 0;
    unsigned lineno = 0;
    char msg[384];
    int r = 0;

    if (pool_conf_path(root, &path) < 0)
        return -ENOMEM;
    f = fopen(path, "re");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        r = negative_errno();
        snprintf(errbuf, errbuf_size, "cannot read '%s': %s", path,
                 strerror(-r));
        return r;
    }
    while (getline(&line, &cap, f) > 0) {
        char *k = line, *eq;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        k += strspn(k, " \t");
        if (!*k || *k == '#')
            continue;
        eq = strchr(k, '=');
        if (!eq) {
            snprintf(errbuf, errbuf_size, "%s:%u: not key=value: fix the "
                     "line or run xe pool-join again", path, lineno);
            pool_conf_done(&c);
            return -EINVAL;
        }
        *eq = '\0';
        r = pool_conf_set(&c, k, eq + 1, msg, sizeof(msg));
        if (r < 0) {
            snprintf(errbuf, errbuf_size, "%s:%u: %s", path, lineno, msg);
            pool_conf_done(&c);
            return r;
        }
    }
    if (!c.endpoints) {
        snprintf(errbuf, errbuf_size, "%s has no etcd-endpoints=: run xe "
                 "pool-join again, or remove it to leave the pool", path);
        pool_conf_done(&c);
        return -EINVAL;
    }
    if (defaults(&c) < 0) {
        pool_conf_done(&c);
        return -ENOMEM;
    }
    *ret = c;
    return 1;
}

static int mkdir_parents(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
            *p = '/';
            return negative_errno();
        }
        *p = '/';
    }
    return 0;
}

int pool_conf_save(const char *root, const struct pool_conf *c,
                   char *errbuf, size_t errbuf_size)
{
    _cleanup_free_ char *path = NULL, *tmp = NULL;
    FILE *f;
    int fd, r = 0;

    if (pool_conf_path(root, &path) < 0 || asprintf(&tmp, "%s.XXXXXX",
                                                    path) < 0)
        return -ENOMEM;
    r = mkdir_parents(tmp);
    fd = r < 0 ? -1 : mkostemp(tmp, O_CLOEXEC);
    if (fd < 0 || !(f = fdopen(fd, "w"))) {
        r = r < 0 ? r : negative_errno();
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        snprintf(errbuf, errbuf_size, "cannot write '%s': %s: make its "
                 "directory writable", path, strerror(-r));
        return r;
    }
    /* Certificate keys may be named here: readable by root only. */
    fchmod(fd, 0600);
    fprintf(f, "# The pool this host is in (xe pool-join; docs/pool.md).\n");
    fprintf(f, "etcd-endpoints=");
    for (size_t i = 0; c->endpoints && c->endpoints[i]; i++)
        fprintf(f, "%s%s", i ? "," : "", c->endpoints[i]);
    fprintf(f, "\nprefix=%s\nlease-ttl=%" PRId64 "\n",
            c->prefix ? c->prefix : POOL_DEFAULT_PREFIX,
            c->lease_ttl ? c->lease_ttl : POOL_DEFAULT_LEASE_TTL);
    if (c->cacert)
        fprintf(f, "etcd-cacert=%s\n", c->cacert);
    if (c->cert)
        fprintf(f, "etcd-cert=%s\n", c->cert);
    if (c->key)
        fprintf(f, "etcd-key=%s\n", c->key);
    if (fflush(f) != 0 || fsync(fd) < 0)
        r = negative_errno();
    if (fclose(f) != 0 && r >= 0)
        r = negative_errno();
    if (r >= 0 && rename(tmp, path) < 0)
        r = negative_errno();
    if (r < 0) {
        unlink(tmp);
        snprintf(errbuf, errbuf_size, "cannot write '%s': %s", path,
                 strerror(-r));
    }
    return r;
}

int pool_conf_remove(const char *root)
{
    _cleanup_free_ char *path = NULL;

    if (pool_conf_path(root, &path) < 0)
        return -ENOMEM;
    if (unlink(path) < 0 && errno != ENOENT)
        return negative_errno();
    return 0;
}

