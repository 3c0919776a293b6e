/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the machine says of itself, for the host record (XAPI's dbsync). */
/*
 * XAPI writes these fields of its host at start (create_misc.ml
 * make_software_version, create_host_cpu); here ops_host_refresh() writes
 * them when they differ from the stored ones, so a stored host record
 * (and its copy in a pool's etcd) shows them.  The sources, all under the
 * host root so that a simulated host gives its own: $root/proc/cpuinfo,
 * $root/proc/meminfo, $root/proc/sys/kernel/osrelease, $root/proc/net/route
 * (the default route's interface gives the management address), and Xen
 * through libxl (version, capabilities, scheduler, physinfo) when a
 * hypervisor is there and the root is "/".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxl.h>

#include "ops/ops-internal.h"

/* A (key, value) list, the shape of a XenAPI map. */
struct kv {
    char **v;                   /* 2n strings */
    size_t n;
};

static void kv_done(struct kv *m)
{
    for (size_t i = 0; m->v && i < 2 * m->n; i++)
        free(m->v[i]);
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

static int kv_add(struct kv *m, const char *key, const char *fmt, ...)
{
    char **v = realloc(m->v, (2 * m->n + 2) * sizeof(*v));
    va_list ap;
    int k;

    if (!v)
        return -ENOMEM;
    m->v = v;
    va_start(ap, fmt);
    k = vasprintf(&v[2 * m->n + 1], fmt, ap);
    va_end(ap);
    if (k < 0)
        return -ENOMEM;
    v[2 * m->n] = strdup(key);
    if (!v[2 * m->n]) {
        free(v[2 * m->n + 1]);
        return -ENOMEM;
    }
    m->n++;
    return 0;
}

struct facts {
    char hostname[256];
    char address[INET_ADDRSTRLEN];
    char sched[32];
    char *capabilities;         /* ','-joined, malloc'd */
    struct kv software_version;
    struct kv cpu_info;
};

static void facts_done(struct facts *f)
{
    free(f->capabilities);
    kv_done(&f->software_version);
    kv_done(&f->cpu_info);
}

static FILE *open_under_root(struct ops_ctx *ops, const char *rel)
{
    const char *root = ops->sriov ? sriov_ctx_get_root(ops->sriov) : "/";
    _cleanup_free_ char *path = NULL;

    if (asprintf(&path, "%s%s", streq_ptr(root, "/") ? "" : root, rel) < 0)
        return NULL;
    return fopen(path, "re");
}

static bool root_is_slash(struct ops_ctx *ops)
{
    return !ops->sriov || streq_ptr(sriov_ctx_get_root(ops->sriov), "/");
}

/* The first line of a file under the root, "" when there is none. */
static void read_line(struct ops_ctx *ops, const char *rel, char *buf,
                      size_t size)
{
    FILE *f = open_under_root(ops, rel);

    buf[0] = '\0';
    if (f) {
        if (!fgets(buf, (int)size, f))
            buf[0] = '\0';
        fclose(f);
    }
    buf[strcspn(buf, "\n")] = '\0';
}

/* "key\t: value" lines of /proc/cpuinfo: value of key on the line, or
 * NULL. */
static const char *cpuinfo_value(const char *line, const char *key)
{
    size_t n = strlen(key);
    const char *p;

    if (strncmp(line, key, n) != 0 || (line[n] != ' ' && line[n] != '\t' &&
                                       line[n] != ':'))
        return NULL;
    p = strchr(line + n, ':');
    if (!p)
        return NULL;
    for (p++; *p == ' '; p++)
        ;
    return p;
}

struct cpuinfo {
    unsigned cpus, sockets, siblings, cores;
    char vendor[64], model_name[128], family[16], model[16], stepping[16];
    char mhz[32];
    char *flags;
    int socket_ids[256];
    size_t n_socket_ids;
};

static void read_cpuinfo(struct ops_ctx *ops, struct cpuinfo *c)
{
    FILE *f = open_under_root(ops, "/proc/cpuinfo");
    _cleanup_free_ char *line = NULL;
    size_t cap = 0;
    const char *v;

    if (!f)
        return;
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (cpuinfo_value(line, "processor"))
            c->cpus++;
        else if ((v = cpuinfo_value(line, "physical id"))) {
            int id = atoi(v);
            bool seen = false;

            for (size_t i = 0; i < c->n_socket_ids; i++)
                seen = seen || c->socket_ids[i] == id;
            if (!seen && c->n_socket_ids < ELEMENTSOF(c->socket_ids))
                c->socket_ids[c->n_socket_ids++] = id;
        } else if ((v = cpuinfo_value(line, "siblings")) && !c->siblings)
            c->siblings = (unsigned)atoi(v);
        else if ((v = cpuinfo_value(line, "cpu cores")) && !c->cores)
            c->cores = (unsigned)atoi(v);
        else if ((v = cpuinfo_value(line, "vendor_id")) && !*c->vendor)
            snprintf(c->vendor, sizeof(c->vendor), "%s", v);
        else if ((v = cpuinfo_value(line, "model name")) && !*c->model_name)
            snprintf(c->model_name, sizeof(c->model_name), "%s", v);
        else if ((v = cpuinfo_value(line, "cpu family")) && !*c->family)
            snprintf(c->family, sizeof(c->family), "%s", v);
        else if ((v = cpuinfo_value(line, "model")) && !*c->model)
            snprintf(c->model, sizeof(c->model), "%s", v);
        else if ((v = cpuinfo_value(line, "stepping")) && !*c->stepping)
            snprintf(c->stepping, sizeof(c->stepping), "%s", v);
        else if ((v = cpuinfo_value(line, "cpu MHz")) && !*c->mhz)
            snprintf(c->mhz, sizeof(c->mhz), "%s", v);
        else if ((v = cpuinfo_value(line, "flags")) && !c->flags)
            c->flags = strdup(v);
    }
    fclose(f);
    c->sockets = c->n_socket_ids ? (unsigned)c->n_socket_ids
                                 : c->cpus ? 1 : 0;
}

/* The IPv4 address of the default route's interface, "" when none. */
static void management_address(struct ops_ctx *ops, char *buf, size_t size)
{
    FILE *f = open_under_root(ops, "/proc/net/route");
    char line[256], ifname[64] = "";
    struct ifaddrs *ifs = NULL;

    buf[0] = '\0';
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char name[64];
        unsigned long dest, mask;

        if (sscanf(line, "%63s %lx %*x %*x %*d %*d %*d %lx", name, &dest,
                   &mask) == 3 && dest == 0 && mask == 0) {
            snprintf(ifname, sizeof(ifname), "%s", name);
            break;
        }
    }
    fclose(f);
    if (!*ifname || getifaddrs(&ifs) < 0)
        return;
    for (struct ifaddrs *i = ifs; i; i = i->ifa_next)
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
            streq_ptr(i->ifa_name, ifname)) {
            inet_ntop(AF_INET,
                      &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr,
                      buf, (socklen_t)size);
            break;
        }
    freeifaddrs(ifs);
}

static void quiet_vmessage(struct xentoollog_logger *l _unused_,
                           xentoollog_level level _unused_,
                           int errnoval _unused_,
                           const char *context _unused_,
                           const char *format _unused_, va_list al _unused_)
{
}

/* What Xen says, when it is there (as ops-vm.c's from_libxl decides). */
struct xeninfo {
    bool ok;
    char version[64];
    char *caps;
    char sched[32];
    libxl_physinfo phys;
    bool phys_ok;
};

static void read_xen(struct ops_ctx *ops, struct xeninfo *x)
{
    xentoollog_logger quiet = { .vmessage = quiet_vmessage };
    const libxl_version_info *vi;
    libxl_ctx *ctx = NULL;
    int sched;

    libxl_physinfo_init(&x->phys);
    if (!root_is_slash(ops) || getenv("XENSTORED_PATH") ||
        access("/proc/xen/privcmd", R_OK) < 0 ||
        libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, &quiet) < 0)
        return;
    vi = libxl_get_version_info(ctx);
    if (vi) {
        x->ok = true;
        snprintf(x->version, sizeof(x->version), "%d.%d%s",
                 vi->xen_version_major, vi->xen_version_minor,
                 vi->xen_version_extra ? vi->xen_version_extra : "");
        x->caps = vi->capabilities ? strdup(vi->capabilities) : NULL;
    }
    x->phys_ok = libxl_get_physinfo(ctx, &x->phys) == 0;
    sched = libxl_get_scheduler(ctx);
    if (sched >= 0 && libxl_scheduler_to_string(sched))
        snprintf(x->sched, sizeof(x->sched), "%s",
                 libxl_scheduler_to_string(sched));
    libxl_ctx_free(ctx);
}

/* Xen's capabilities string ("xen-3.0-x86_64 hvm-3.0-x86_32 ...") as a
 * stored set: XAPI splits it on spaces. */
static char *caps_set(const char *caps)
{
    char *out = strdup(caps ? caps : ""), *w = out;

    if (!out)
        return NULL;
    for (const char *p = out; *p; p++) {
        if (*p == ' ' || *p == ',') {
            if (w > out && w[-1] != ',')
                *w++ = ',';
        } else {
            *w++ = *p;
        }
    }
    if (w > out && w[-1] == ',')
        w--;
    *w = '\0';
    return out;
}

void ops__hostname(struct ops_ctx *ops, char *buf, size_t size)
{
    memset(buf, 0, size);
    if (ops->hostname)
        snprintf(buf, size, "%s", ops->hostname);
    else if (gethostname(buf, size - 1) < 0)
        buf[0] = '\0';
}

static int read_facts(struct ops_ctx *ops, struct facts *f)
{
    struct cpuinfo c = { 0 };
    struct xeninfo x = { 0 };
    char linux_rel[128];
    int r = 0;

    ops__hostname(ops, f->hostname, sizeof(f->hostname));
    management_address(ops, f->address, sizeof(f->address));
    read_line(ops, "/proc/sys/kernel/osrelease", linux_rel,
              sizeof(linux_rel));
    read_cpuinfo(ops, &c);
    read_xen(ops, &x);
    snprintf(f->sched, sizeof(f->sched), "%s", x.sched);
    f->capabilities = caps_set(x.caps);
    if (!f->capabilities)
        r = -ENOMEM;
    /* create_misc.ml make_software_version: ours, then xen ("(unknown)"
     * without one), linux, network_backend (plain Xen hosts bridge). */
    if (r >= 0)
        r = kv_add(&f->software_version, "product_brand", "%s", PACKAGE_NAME);
    if (r >= 0)
        r = kv_add(&f->software_version, "product_version", "%s",
                   PACKAGE_VERSION);
    if (r >= 0)
        r = kv_add(&f->software_version, "build_number", "%s",
                   PACKAGE_VERSION);
    if (r >= 0)
        r = kv_add(&f->software_version, "xen", "%s",
                   x.ok ? x.version : "(unknown)");
    if (r >= 0 && *linux_rel)
        r = kv_add(&f->software_version, "linux", "%s", linux_rel);
    if (r >= 0)
        r = kv_add(&f->software_version, "network_backend", "bridge");
    /* create_misc.ml create_host_cpu's keys, those the machine gives. */
    if (r >= 0 && (x.phys_ok || c.cpus))
        r = kv_add(&f->cpu_info, "cpu_count", "%u",
                   x.phys_ok ? (unsigned)x.phys.nr_cpus : c.cpus);
    if (r >= 0 && (x.phys_ok || c.sockets)) {
        unsigned per = x.phys_ok ? x.phys.threads_per_core *
                                       x.phys.cores_per_socket : 0;

        r = kv_add(&f->cpu_info, "socket_count", "%u",
                   per ? x.phys.nr_cpus / per : c.sockets);
    }
    if (r >= 0 && (x.phys_ok || (c.siblings && c.cores)))
        r = kv_add(&f->cpu_info, "threads_per_core", "%u",
                   x.phys_ok ? x.phys.threads_per_core
                             : c.siblings / c.cores);
    if (r >= 0 && x.phys_ok)
        r = kv_add(&f->cpu_info, "nr_nodes", "%u", x.phys.nr_nodes);
    if (r >= 0 && *c.vendor)
        r = kv_add(&f->cpu_info, "vendor", "%s", c.vendor);
    if (r >= 0 && (x.phys_ok || *c.mhz)) {
        if (x.phys_ok)
            r = kv_add(&f->cpu_info, "speed", "%u.%03u",
                       x.phys.cpu_khz / 1000, x.phys.cpu_khz % 1000);
        else
            r = kv_add(&f->cpu_info, "speed", "%s", c.mhz);
    }
    if (r >= 0 && *c.model_name)
        r = kv_add(&f->cpu_info, "modelname", "%s", c.model_name);
    if (r >= 0 && *c.family)
        r = kv_add(&f->cpu_info, "family", "%s", c.family);
    if (r >= 0 && *c.model)
        r = kv_add(&f->cpu_info, "model", "%s", c.model);
    if (r >= 0 && *c.stepping)
        r = kv_add(&f->cpu_info, "stepping", "%s", c.stepping);
    if (r >= 0 && c.flags)
        r = kv_add(&f->cpu_info, "flags", "%s", c.flags);
    free(c.flags);
    free(x.caps);
    libxl_physinfo_dispose(&x.phys);
    return r;
}

int ops_host_memory(struct ops_ctx *ops, int64_t *ret_total,
                    int64_t *ret_free)
{
    struct xeninfo x = { 0 };
    FILE *f;
    char line[256];
    long long total = -1, freem = -1;

    read_xen(ops, &x);
    if (x.phys_ok) {
        long page = sysconf(_SC_PAGESIZE);

        *ret_total = (int64_t)x.phys.total_pages * page;
        *ret_free = (int64_t)x.phys.free_pages * page;
        free(x.caps);
        libxl_physinfo_dispose(&x.phys);
        return 0;
    }
    free(x.caps);
    libxl_physinfo_dispose(&x.phys);
    f = open_under_root(ops, "/proc/meminfo");
    if (!f)
        return -ENOENT;
    while (fgets(line, sizeof(line), f)) {
        sscanf(line, "MemTotal: %lld kB", &total);
        sscanf(line, "MemFree: %lld kB", &freem);
    }
    fclose(f);
    if (total < 0 || freem < 0)
        return -ENODATA;
    *ret_total = (int64_t)total * 1024;
    *ret_free = (int64_t)freem * 1024;
    return 0;
}

/* The map field of r equals m. */
static bool map_same(const store_record *r, enum schema_fid id,
                     const struct kv *m)
{
    if (store_record_map_count(r, id) != m->n)
        return false;
    for (size_t i = 0; i < m->n; i++)
        if (!streq_ptr(store_record_map_get(r, id, m->v[2 * i]),
                       m->v[2 * i + 1]))
            return false;
    return true;
}

static int map_replace(store_record *r, enum schema_fid id,
                       const struct kv *m)
{
    int k = 0;

    while (k >= 0 && store_record_map_count(r, id) > 0) {
        _cleanup_free_ char *key = strdup(store_record_map_key(r, id, 0));

        k = key ? store_record_map_put(r, id, key, NULL) : -ENOMEM;
    }
    for (size_t i = 0; k >= 0 && i < m->n; i++)
        k = store_record_map_put(r, id, m->v[2 * i], m->v[2 * i + 1]);
    return k;
}

static bool up_to_date(const store_record *h, const struct facts *f)
{
    return streq_ptr(ops__get(h, SF_hostname), f->hostname) &&
           streq_ptr(ops__get(h, SF_address), f->address) &&
           streq_ptr(ops__get(h, SF_sched_policy), f->sched) &&
           streq_ptr(ops__get(h, SF_capabilities), f->capabilities) &&
           map_same(h, SF_software_version, &f->software_version) &&
           map_same(h, SF_cpu_info, &f->cpu_info) &&
           store_record_map_count(h, SF_license_server) > 0;
}

struct refresh_args {
    const char *uuid;
    const struct facts *f;
    struct ops_undo undo;
    struct xapi_error *err;
};

static int refresh_fn(store_tx *tx, void *userdata)
{
    struct refresh_args *a = userdata;
    _cleanup_record_ store_record *cur = NULL, *old = NULL;
    int r;

    ops__undo_reset(&a->undo);
    xapi_error_clear(a->err);
    r = ops__tx_lookup(tx, "host", a->uuid, &cur, a->err);
    if (r >= 0)
        r = store_record_dup(&old, cur);
    if (r >= 0)
        r = ops__set(cur, SF_hostname, a->f->hostname);
    if (r >= 0)
        r = ops__set(cur, SF_address, a->f->address);
    if (r >= 0)
        r = ops__set(cur, SF_sched_policy, a->f->sched);
    if (r >= 0)
        r = ops__set(cur, SF_capabilities, a->f->capabilities);
    if (r >= 0)
        r = map_replace(cur, SF_software_version, &a->f->software_version);
    if (r >= 0)
        r = map_replace(cur, SF_cpu_info, &a->f->cpu_info);
    /* datamodel_host.ml license_server's default. */
    if (r >= 0 && store_record_map_count(cur, SF_license_server) == 0) {
        r = store_record_map_put(cur, SF_license_server, "address",
                                 "localhost");
        if (r >= 0)
            r = store_record_map_put(cur, SF_license_server, "port",
                                     "27000");
    }
    return r < 0 ? r : ops__tx_update(tx, &a->undo, old, cur);
}

int ops_host_refresh(struct ops_ctx *ops, const char *uuid,
                     struct xapi_error *err)
{
    _cleanup_record_ store_record *h = NULL;
    struct facts f = { 0 };
    struct refresh_args a = { .uuid = uuid, .f = &f, .undo.ops = ops,
                              .err = err };
    int r;

    r = read_facts(ops, &f);
    if (r < 0) {
        facts_done(&f);
        return xapi_error_internal(err, r, "out of memory");
    }
    r = store_get(ops->st, "host", uuid, &h);
    if (r < 0) {
        facts_done(&f);
        return ops__store_fail(ops, r, err);
    }
    /* Nothing to write (every command after the first). */
    if (up_to_date(h, &f)) {
        facts_done(&f);
        return 0;
    }
    r = ops__transact(ops, refresh_fn, &a, &a.undo, err);
    ops__undo_reset(&a.undo);
    facts_done(&f);
    return r;
}
