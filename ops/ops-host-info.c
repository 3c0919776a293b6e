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
#include <strings.h>
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
    struct kv bios_strings;
};

static void facts_done(struct facts *f)
{
    free(f->capabilities);
    kv_done(&f->software_version);
    kv_done(&f->cpu_info);
    kv_done(&f->bios_strings);
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

/*
 * Xen's CPU featureset (XAPI's cpu_info features_* keys): its bits by
 * name, from the public header of the Xen built against
 * (xen/include/public/arch-x86/cpufeatureset.h), words of 32 bits in its
 * order.  Linux names most of them alike in /proc/cpuinfo's flags (lower
 * case); the others are aliased below.
 */
struct feature {
    const char *name;
    unsigned bit;
};

static const struct feature xen_features[] = {
#if __has_include(<xen/arch-x86/cpufeatureset.h>)
#define XEN_CPUFEATURE(name, value) { #name, value },
#include <xen/arch-x86/cpufeatureset.h>
#undef XEN_CPUFEATURE
#endif
    { NULL, 0 }
};

/* Linux's /proc/cpuinfo name -> Xen's, where they differ. */
static const char *const linux_aliases[][2] = {
    { "pni", "sse3" },          { "ds_cpl", "dscpl" },
    { "est", "eist" },          { "tm", "tm1" },
    { "dts", "ds" },            { "aes", "aesni" },
    { "ht", "htt" },            { "pdpe1gb", "page1gb" },
    { "fxsr_opt", "ffxsr" },    { "tsc_deadline_timer", "tsc_deadline" },
    { "cqm", "pqm" },           { "rdt_a", "pqe" },
    { "intel_pt", "proc_trace" }, { "sha_ni", "sha" },
    { "avx512ifma", "avx512_ifma" }, { "avx512vbmi", "avx512_vbmi" },
    { "mwaitx", "monitorx" },   { "flush_l1d", "l1d_flush" },
    { "arch_capabilities", "arch_caps" }, { "hybrid_cpu", "hybrid" },
};

/* The featureset's length in words: the last word the header names. */
static size_t featureset_words(void)
{
    unsigned last = 0;

    for (const struct feature *f = xen_features; f->name; f++)
        last = f->bit > last ? f->bit : last;
    return xen_features[0].name ? last / 32 + 1 : 0;
}

static void set_feature(uint32_t *words, const char *flag)
{
    for (size_t i = 0; i < ELEMENTSOF(linux_aliases); i++)
        if (strcmp(flag, linux_aliases[i][0]) == 0) {
            flag = linux_aliases[i][1];
            break;
        }
    for (const struct feature *f = xen_features; f->name; f++)
        if (strcasecmp(f->name, flag) == 0) {
            words[f->bit / 32] |= 1u << (f->bit % 32);
            return;
        }
}

/*
 * The featureset as XAPI prints it (ocaml/libs/cpuid/cpuid.ml
 * string_of_features: each word "%08Lx", joined with '-'): the words of
 * Xen's physinfo hw_cap where Xen runs (its first 8), the others from
 * /proc/cpuinfo's flags.  NULL when neither is there.
 */
static char *features_text(const char *flags, const uint32_t *hw_cap,
                           size_t n_hw_cap)
{
    size_t n = featureset_words();
    _cleanup_free_ uint32_t *words = NULL;
    _cleanup_free_ char *copy = NULL;
    char *out, *save = NULL;

    if (!n || (!flags && !hw_cap))
        return NULL;
    words = calloc(n, sizeof(*words));
    copy = strdup(flags ? flags : "");
    out = calloc(n, 9);
    if (!words || !copy || !out) {
        free(out);
        return NULL;
    }
    for (char *t = strtok_r(copy, " \t", &save); t;
         t = strtok_r(NULL, " \t", &save))
        set_feature(words, t);
    for (size_t i = 0; hw_cap && i < n_hw_cap && i < n; i++)
        words[i] = hw_cap[i];
    for (size_t i = 0; i < n; i++)   /* "xxxxxxxx", then "-xxxxxxxx" */
        sprintf(out + (i ? 9 * i - 1 : 0), "%s%08" PRIx32, i ? "-" : "",
                words[i]);
    return out;
}

/*
 * bios_strings of the host (ocaml/xapi/bios_strings.ml
 * get_host_bios_strings, from dmidecode -qt 0, 1, 2 and 11): the kernel's
 * copy of the same SMBIOS strings (sriov_dmi_read, and type 11's raw
 * entry, sriov_dmi_entry), each key present, "" when unknown or "Not Specified",
 * invisible characters removed and trimmed (bios_strings.ml
 * remove_invisible, get_strings); oem-1 and oem-2 are XAPI's
 * (constants.ml standard_type11_strings); hp-rombios is always "".
 */
static void dmi_clean(char *v)
{
    char *w = v, *start;

    for (const char *p = v; *p; p++)
        if (*p >= ' ' && *p <= '~')
            *w++ = *p;
    *w = '\0';
    while (w > v && w[-1] == ' ')
        *--w = '\0';
    for (start = v; *start == ' '; start++)
        ;
    memmove(v, start, strlen(start) + 1);
    if (strcmp(v, "Not Specified") == 0)
        v[0] = '\0';
}

static int dmi_oem_strings(struct ops_ctx *ops, struct kv *m)
{
    unsigned char buf[4096];
    unsigned count, k = 0;
    size_t at;
    int n, r = 0;

    n = ops->sriov ? sriov_dmi_entry(ops->sriov, 11, 0, buf, sizeof(buf) - 1)
                   : -ENOENT;
    if (n < 5)
        return 0;
    buf[n] = 0;
    if (buf[0] != 11 || buf[1] < 5 || buf[1] >= n)
        return 0;
    count = buf[4];
    /* The strings follow the formatted area, each NUL-terminated. */
    for (at = buf[1]; r >= 0 && k < count && at < (size_t)n && buf[at]; k++) {
        char v[256], key[16];

        snprintf(v, sizeof(v), "%s", (const char *)buf + at);
        at += strlen((const char *)buf + at) + 1;
        dmi_clean(v);
        snprintf(key, sizeof(key), "oem-%u", k + 3);
        r = kv_add(m, key, "%s", v);
    }
    return r;
}

static int read_bios_strings(struct ops_ctx *ops, struct kv *m)
{
    static const char *const keys[][2] = {
        { "bios-vendor", "bios_vendor" },
        { "bios-version", "bios_version" },
        { "system-manufacturer", "sys_vendor" },
        { "system-product-name", "product_name" },
        { "system-version", "product_version" },
        { "system-serial-number", "product_serial" },
        { "baseboard-manufacturer", "board_vendor" },
        { "baseboard-product-name", "board_name" },
        { "baseboard-version", "board_version" },
        { "baseboard-serial-number", "board_serial" },
    };
    int r = 0;

    for (size_t i = 0; r >= 0 && i < ELEMENTSOF(keys); i++) {
        char v[256];

        if (!ops->sriov ||
            sriov_dmi_read(ops->sriov, keys[i][1], v, sizeof(v)) < 0)
            v[0] = '\0';
        dmi_clean(v);
        r = kv_add(m, keys[i][0], "%s", v);
    }
    if (r >= 0)
        r = kv_add(m, "oem-1", "Xen");
    if (r >= 0)
        r = kv_add(m, "oem-2", "MS_VM_CERT/SHA1/"
                   "bdbeb6e0a816d43fa6d3fe8aaef04c2bad9d3e3d");
    if (r >= 0)
        r = dmi_oem_strings(ops, m);
    if (r >= 0)
        r = kv_add(m, "hp-rombios", "%s", "");
    return r;
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
    /* create_misc.ml:604-615: Xen's PV and HVM policies and the host's
     * featuresets; without libxenctrl's featureset calls all four are the
     * host's (docs/xe.md). */
    if (r >= 0) {
        static const char *const keys[] = { "features_pv", "features_hvm",
                                            "features_hvm_host",
                                            "features_pv_host" };
        _cleanup_free_ char *feat = features_text(
            c.flags, x.phys_ok ? x.phys.hw_cap : NULL,
            ELEMENTSOF(x.phys.hw_cap));

        for (size_t i = 0; r >= 0 && feat && i < ELEMENTSOF(keys); i++)
            r = kv_add(&f->cpu_info, keys[i], "%s", feat);
    }
    if (r >= 0)
        r = read_bios_strings(ops, &f->bios_strings);
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
           map_same(h, SF_bios_strings, &f->bios_strings) &&
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
    if (r >= 0)
        r = map_replace(cur, SF_bios_strings, &a->f->bios_strings);
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
