/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VMs as Xen knows them: xl config files read with libxlutil (the parser
 * xl itself uses), joined with the domains xenstore lists.  Nothing here
 * is stored: every call reads Xen's own state again.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxl.h>
#include <libxlutil.h>
#include <xenstore.h>

#include "ops/ops-internal.h"

/* Bigger config files are refused unread (xl's are a few hundred bytes). */
#define CONFIG_MAX (1024 * 1024)
/* libxl's defaults (libxl_create.c: 32 MiB, one vCPU). */
#define DEFAULT_MEMORY_MIB 32
#define NIL_UUID "00000000-0000-0000-0000-000000000000"
#define MIB (INT64_C(1024) * 1024)

void ops_vm_done(struct ops_vm *vm)
{
    if (!vm)
        return;
    free(vm->name_label);
    free(vm->problem);
    free(vm->config);
    memset(vm, 0, sizeof(*vm));
}

void ops_vm_list_free(struct ops_vm *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        ops_vm_done(&v[i]);
    free(v);
}

static void vm_init(struct ops_vm *vm)
{
    memset(vm, 0, sizeof(*vm));
    strcpy(vm->domain_type, "pv");
    vm->memory_static_max = vm->memory_dynamic_max = DEFAULT_MEMORY_MIB * MIB;
    vm->memory_actual = -1;
    vm->vcpus_max = vm->vcpus_at_startup = 1;
    vm->domid = -1;
    vm->power_state = "Halted";
}

/* A uuid in libxl's text form, any case, into lower case; false if not. */
static bool uuid_normal(const char *s, char out[37])
{
    if (!s || strlen(s) != 36)
        return false;
    for (size_t i = 0; i < 36; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[36] = '\0';
    return schema_uuid_valid(out);
}

/* Printable text of at most 64 bytes for a reason ('?' for the rest). */
static void shown(const char *s, char out[68])
{
    size_t i;

    for (i = 0; s[i] && i < 64; i++)
        out[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
    if (s[i])
        out[i++] = '.', out[i++] = '.', out[i++] = '.';
    out[i] = '\0';
}

/* The name a file gives when its config has none: "a" of ".../a.cfg". */
static char *file_name(const char *path)
{
    const char *base = strrchr(path, '/');
    size_t len;

    base = base ? base + 1 : path;
    len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
        len -= 4;
    return strndup(base, len);
}

/* The first line the parser reported, without the file name before it. */
static void first_report_line(char *report, const char *path, char out[160])
{
    size_t plen = strlen(path);
    char *p = report ? report : "";

    if (strncmp(p, path, plen) == 0 && p[plen] == ':')
        p += plen + 1;
    while (*p == ' ')
        p++;
    snprintf(out, 160, "%.*s", (int)strcspn(p, "\n"), p);
    for (char *q = out; *q; q++)
        if (!isprint((unsigned char)*q))
            *q = '?';
}

int ops_vm_parse_config(const char *data, size_t len, const char *path,
                        struct ops_vm *ret)
{
    struct ops_vm vm;
    _cleanup_free_ char *report = NULL;
    size_t report_len = 0;
    FILE *rf;
    XLU_Config *cfg = NULL;
    const char *s;
    long l;
    int e, r = 0;
    char why[160], txt[68];

    vm_init(&vm);
    vm.config = strdup(path);
    if (!vm.config)
        return -ENOMEM;
    rf = open_memstream(&report, &report_len);
    if (rf)
        cfg = xlu_cfg_init(rf, path);
    if (!cfg) {
        if (rf)
            fclose(rf);
        ops_vm_done(&vm);
        return -ENOMEM;
    }
    /*
     * libxlutil (4.17) aborts on a NUL byte inside a quoted string (an
     * assert in xlu__cfgl_dequote, found by fuzz/fuzz-vm-config.c): text
     * with NULs is not a config, and is never handed to it.  The scanner
     * takes an int length; CONFIG_MAX keeps callers far below.
     */
    if (memchr(data, '\0', len)) {
        if (asprintf(&vm.problem, "%s holds NUL bytes: it is not an xl "
                     "config (a text file)", path) < 0)
            vm.problem = NULL, r = -ENOMEM;
        goto out;
    }
    e = len > INT32_MAX ? EFBIG : xlu_cfg_readdata(cfg, data, (int)len);
    fflush(rf);
    if (e) {
        first_report_line(report, path, why);
        if (asprintf(&vm.problem, "%s cannot be parsed (%s): fix it as xl "
                     "create would need", path,
                     *why ? why : strerror(e)) < 0)
            vm.problem = NULL, r = -ENOMEM;
        goto out;
    }
    if (!xlu_cfg_get_string(cfg, "name", &s, 1) && *s) {
        vm.name_label = strdup(s);
        if (!vm.name_label)
            r = -ENOMEM;
    }
    if (!xlu_cfg_get_string(cfg, "type", &s, 1)) {
        if (!strcmp(s, "pv") || !strcmp(s, "hvm") || !strcmp(s, "pvh"))
            snprintf(vm.domain_type, sizeof(vm.domain_type), "%s", s);
        else
            strcpy(vm.domain_type, "unspecified");
    } else if (!xlu_cfg_get_string(cfg, "builder", &s, 1)) {
        strcpy(vm.domain_type, strcmp(s, "hvm") ? "pv" : "hvm");
    }
    if (!xlu_cfg_get_long(cfg, "memory", &l, 1) && l > 0 &&
        l < INT64_MAX / MIB)
        vm.memory_static_max = vm.memory_dynamic_max = l * MIB;
    if (!xlu_cfg_get_long(cfg, "maxmem", &l, 1) && l > 0 &&
        l < INT64_MAX / MIB)
        vm.memory_static_max = l * MIB;
    if (vm.memory_static_max < vm.memory_dynamic_max)
        vm.memory_static_max = vm.memory_dynamic_max;
    if (!xlu_cfg_get_long(cfg, "vcpus", &l, 1) && l >= 1)
        vm.vcpus_max = vm.vcpus_at_startup = l;
    if (!xlu_cfg_get_long(cfg, "maxvcpus", &l, 1) && l >= vm.vcpus_at_startup)
        vm.vcpus_max = l;
    e = xlu_cfg_get_string(cfg, "uuid", &s, 1);
    if (r < 0) {
        /* ENOMEM above */
    } else if (e) {
        if (asprintf(&vm.problem, "%s has no uuid=: add one (uuid = \"$(cat "
                     "/proc/sys/kernel/random/uuid)\") to use the VM here",
                     path) < 0)
            vm.problem = NULL, r = -ENOMEM;
    } else if (!uuid_normal(s, vm.uuid)) {
        vm.uuid[0] = '\0';
        shown(s, txt);
        if (asprintf(&vm.problem, "%s: uuid \"%s\" is not a UUID: write it "
                     "as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", path,
                     txt) < 0)
            vm.problem = NULL, r = -ENOMEM;
    }
out:
    xlu_cfg_destroy(cfg);
    fclose(rf);
    if (r >= 0 && !vm.name_label && !(vm.name_label = file_name(path)))
        r = -ENOMEM;
    if (r < 0) {
        ops_vm_done(&vm);
        return r;
    }
    *ret = vm;
    return 0;
}

/* ---- the config directories ---- */

struct vmlist {
    struct ops_vm *v;
    size_t n;
    char **seen;                /* real paths of the files read */
    size_t n_seen;
};

static int vmlist_add(struct vmlist *l, struct ops_vm *vm)
{
    struct ops_vm *v = realloc(l->v, (l->n + 1) * sizeof(*v));

    if (!v) {
        ops_vm_done(vm);
        return -ENOMEM;
    }
    l->v = v;
    v[l->n++] = *vm;
    memset(vm, 0, sizeof(*vm));
    return 0;
}

/* The file's path as shown (without the host root). */
static const char *shown_path(const char *root, const char *path)
{
    size_t len = strlen(root);

    if (len > 1 && strncmp(path, root, len) == 0 && path[len] == '/')
        return path + len;
    return path;
}

/* Read one config file into l (a file seen before is skipped). */
static int read_config(struct vmlist *l, const char *root, const char *path)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *data = NULL, *real = NULL;
    struct ops_vm vm;
    struct stat st;
    size_t got = 0;
    char **seen;
    int r;

    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        return 0;               /* gone, a directory, a FIFO: not a config */
    real = realpath(path, NULL);
    if (!real)
        return errno == ENOMEM ? -ENOMEM : 0;
    for (size_t i = 0; i < l->n_seen; i++)
        if (strcmp(l->seen[i], real) == 0)
            return 0;
    seen = realloc(l->seen, (l->n_seen + 1) * sizeof(*seen));
    if (!seen)
        return -ENOMEM;
    l->seen = seen;
    seen[l->n_seen++] = TAKE_PTR(real);
    if (st.st_size > CONFIG_MAX) {
        vm_init(&vm);
        vm.config = strdup(shown_path(root, path));
        vm.name_label = vm.config ? file_name(vm.config) : NULL;
        if (!vm.name_label ||
            asprintf(&vm.problem, "%s is %jd bytes, more than an xl config "
                     "can be (%d): it was not read", vm.config,
                     (intmax_t)st.st_size, CONFIG_MAX) < 0) {
            vm.problem = NULL;
            ops_vm_done(&vm);
            return -ENOMEM;
        }
        return vmlist_add(l, &vm);
    }
    data = malloc((size_t)st.st_size + 1);
    if (!data)
        return -ENOMEM;
    while (got < (size_t)st.st_size) {
        ssize_t k = read(fd, data + got, (size_t)st.st_size - got);

        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;              /* shrank meanwhile, or unreadable */
        got += (size_t)k;
    }
    r = ops_vm_parse_config(data, got, shown_path(root, path), &vm);
    if (r < 0)
        return r;
    return vmlist_add(l, &vm);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Configs of one directory; only *.cfg when cfg_only. */
static int read_dir(struct vmlist *l, const char *root, const char *dir,
                    bool cfg_only)
{
    _cleanup_closedir_ DIR *d = opendir(dir);
    _cleanup_strv_free_ char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    int r = 0;

    if (!d)
        return 0;               /* no such directory: no VMs from it */
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        char **v;

        /* Hidden files, editors' and dpkg's leftovers are not configs. */
        if (de->d_name[0] == '.' || de->d_name[len - 1] == '~' ||
            strstr(de->d_name, ".dpkg-") ||
            (cfg_only && (len < 5 || strcmp(de->d_name + len - 4, ".cfg"))))
            continue;
        v = realloc(names, (n + 2) * sizeof(*v));
        if (!v)
            return -ENOMEM;
        names = v;
        names[n] = strdup(de->d_name);
        names[n + 1] = NULL;
        if (!names[n])
            return -ENOMEM;
        n++;
    }
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; r >= 0 && i < n; i++) {
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, "%s/%s", dir, names[i]) < 0)
            return -ENOMEM;
        r = read_config(l, root, path);
    }
    return r;
}

static int strv_push(char ***v, size_t *n, char *s)
{
    char **w;

    if (!s)
        return -ENOMEM;
    w = realloc(*v, (*n + 2) * sizeof(*w));
    if (!w) {
        free(s);
        return -ENOMEM;
    }
    w[(*n)++] = s;
    w[*n] = NULL;
    *v = w;
    return 0;
}

static char *path_join(const char *a, const char *b)
{
    char *s;

    return asprintf(&s, "%s%s", a, b) < 0 ? NULL : s;
}

/* $root/etc/xen, its auto/, the directories vm-config-dirs lists, and
 * (last, not a config directory) the one holding that list. */
static int config_dirs(const char *root, char ***ret)
{
    const char *pre = strcmp(root, "/") ? root : "";
    _cleanup_free_ char *list = NULL;
    _cleanup_fclose_ FILE *f = NULL;
    char **v = NULL, line[4096];
    size_t n = 0;
    int r;

    r = strv_push(&v, &n, path_join(pre, "/etc/xen"));
    if (r >= 0)
        r = strv_push(&v, &n, path_join(pre, "/etc/xen/auto"));
    if (r >= 0 && !(list = path_join(pre, "/etc/xen-sriov/vm-config-dirs")))
        r = -ENOMEM;
    if (r >= 0)
        f = fopen(list, "re");
    while (r >= 0 && f && fgets(line, sizeof(line), f)) {
        char *s = line + strspn(line, " \t");

        s[strcspn(s, "\r\n")] = '\0';
        if (*s != '/')
            continue;           /* comments, blank and relative lines */
        r = strv_push(&v, &n, path_join(pre, s));
    }
    if (r >= 0)
        r = strv_push(&v, &n, path_join(pre, "/etc/xen-sriov"));
    if (r < 0) {
        strv_free(v);
        return r;
    }
    *ret = v;
    return 0;
}

int ops_vm_config_dirs(struct ops_ctx *ops, char ***ret)
{
    const char *root = sriov_ctx_get_root(ops->sriov);

    return config_dirs(root ? root : "/", ret);
}

/* The configs of every directory config_dirs names: *.cfg only in the
 * first ($root/etc/xen, which holds xl.conf and scripts too). */
static int read_configs(struct vmlist *l, const char *root)
{
    _cleanup_strv_free_ char **dirs = NULL;
    int r = config_dirs(root, &dirs);

    for (size_t i = 0; r >= 0 && dirs[i] && dirs[i + 1]; i++)
        r = read_dir(l, root, dirs[i], i == 0);
    return r;
}

/* ---- the domains ---- */

static char *xs_readf(struct xs_handle *xs, const char *fmt, ...)
    _printf_(2, 3);
static char *xs_readf(struct xs_handle *xs, const char *fmt, ...)
{
    char path[256];
    unsigned len;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    return xs_read(xs, XBT_NULL, path, &len);
}

/* A number under /local/domain/<domid>/<rel>, or dflt. */
static int64_t xs_int(struct xs_handle *xs, int64_t dflt, unsigned domid,
                      const char *rel)
{
    _cleanup_free_ char *v = xs_readf(xs, "/local/domain/%u/%s", domid, rel);
    char *end;
    long long x;

    if (!v)
        return dflt;
    errno = 0;
    x = strtoll(v, &end, 10);
    return (*v && !*end && !errno && x >= 0) ? x : dflt;
}

/* The VM of uuid in l, or NULL. */
static struct ops_vm *by_uuid(struct vmlist *l, const char *uuid)
{
    for (size_t i = 0; *uuid && i < l->n; i++)
        if (strcmp(l->v[i].uuid, uuid) == 0)
            return &l->v[i];
    return NULL;
}

/* One running domain: its VM (from a config, or one of its own). */
static int add_domain(struct vmlist *l, struct xs_handle *xs, unsigned domid)
{
    _cleanup_free_ char *vmpath = xs_readf(xs, "/local/domain/%u/vm", domid);
    _cleanup_free_ char *name = xs_readf(xs, "/local/domain/%u/name", domid);
    _cleanup_free_ char *type = xs_readf(xs, "/libxl/%u/type", domid);
    char uuid[37] = "";
    struct ops_vm vm, *t;
    int64_t kib;

    if (vmpath && strncmp(vmpath, "/vm/", 4) == 0)
        uuid_normal(vmpath + 4, uuid);
    else if (domid == 0)
        strcpy(uuid, NIL_UUID);    /* xen-init-dom0 writes no vm node */
    else if (!vmpath)
        return 0;               /* being built or torn down: not yet a VM */
    t = by_uuid(l, uuid);
    if (!t || t->domid >= 0) {
        vm_init(&vm);
        memcpy(vm.uuid, uuid, sizeof(uuid));
        if (!*uuid) {
            char txt[68];

            shown(vmpath, txt);
            if (asprintf(&vm.problem, "domain %u's vm node \"%s\" names no "
                         "/vm/<uuid>", domid, txt) < 0) {
                vm.problem = NULL;
                return -ENOMEM;
            }
        }
        if (t) {                /* two domains, one uuid: keep both apart */
            vm.uuid[0] = '\0';
            if (asprintf(&vm.problem, "domain %u has the uuid of domain "
                         "%" PRId64 " (%s)", domid, t->domid, uuid) < 0) {
                vm.problem = NULL;
                return -ENOMEM;
            }
        }
        if (vmlist_add(l, &vm) < 0)
            return -ENOMEM;
        t = &l->v[l->n - 1];
    }
    if (name && *name) {
        free(t->name_label);
        t->name_label = TAKE_PTR(name);
    } else if (!t->name_label &&
               asprintf(&t->name_label, "Domain-%u", domid) < 0) {
        t->name_label = NULL;
        return -ENOMEM;
    }
    if (type && (!strcmp(type, "pv") || !strcmp(type, "hvm") ||
                 !strcmp(type, "pvh")))
        snprintf(t->domain_type, sizeof(t->domain_type), "%s", type);
    t->domid = domid;
    t->power_state = "Running";
    t->is_control_domain = domid == 0;
    kib = xs_int(xs, -1, domid, "memory/static-max");
    if (kib > 0 && kib < INT64_MAX / 1024)
        t->memory_static_max = kib * 1024;
    kib = xs_int(xs, -1, domid, "memory/target");
    if (kib > 0 && kib < INT64_MAX / 1024)
        t->memory_actual = t->memory_dynamic_max = kib * 1024;
    return 0;
}

static void quiet_logger(struct xentoollog_logger *l _unused_,
                         xentoollog_level level _unused_, int errnoval _unused_,
                         const char *context _unused_,
                         const char *format _unused_, va_list al _unused_)
{
}

/*
 * Where a real Xen runs (and the domains are the real xenstore's, not a
 * private xenstored's): libxl's power state and memory of each domain.
 */
static void from_libxl(struct vmlist *l)
{
    xentoollog_logger quiet = { .vmessage = quiet_logger };
    libxl_ctx *ctx = NULL;
    libxl_dominfo *info;
    int nb = 0;

    if (getenv("XENSTORED_PATH") || access("/proc/xen/privcmd", R_OK) < 0 ||
        libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, &quiet) < 0)
        return;
    info = libxl_list_domain(ctx, &nb);
    for (int i = 0; info && i < nb; i++)
        for (size_t k = 0; k < l->n; k++) {
            if (l->v[k].domid != (int64_t)info[i].domid)
                continue;
            if (info[i].paused)
                l->v[k].power_state = "Paused";
            if (info[i].current_memkb)
                l->v[k].memory_actual =
                    (int64_t)info[i].current_memkb * 1024;
        }
    if (info)
        libxl_dominfo_list_free(info, nb);
    libxl_ctx_free(ctx);
}

static int read_domains(struct vmlist *l, struct xapi_error *err)
{
    struct xs_handle *xs = xs_open(0);
    unsigned n = 0;
    char **ids;
    int r = 0;

    if (!xs)
        return xapi_error_internal(err, negative_errno(), "cannot connect "
                                   "to xenstored: %s: start xenstored",
                                   strerror(errno));
    ids = xs_directory(xs, XBT_NULL, "/local/domain", &n);
    /* dom0 is there even when xenstore has no node for it yet. */
    r = add_domain(l, xs, 0);
    for (unsigned i = 0; r >= 0 && ids && i < n; i++) {
        char *end;
        unsigned long id = strtoul(ids[i], &end, 10);

        if (*ids[i] && !*end && id > 0 && id < 0x7ff0)
            r = add_domain(l, xs, (unsigned)id);
    }
    free(ids);
    xs_close(xs);
    if (r < 0)
        return xapi_error_internal(err, r, "out of memory");
    from_libxl(l);
    return 0;
}

static int cmp_vm(const void *a, const void *b)
{
    const struct ops_vm *x = a, *y = b;
    int c;

    if (x->is_control_domain != y->is_control_domain)
        return x->is_control_domain ? -1 : 1;
    c = strcmp(x->name_label, y->name_label);
    if (c)
        return c;
    c = strcmp(x->uuid, y->uuid);
    if (c)
        return c;
    return strcmp(x->config ? x->config : "", y->config ? y->config : "");
}

/* A uuid two configs give: the second one loses it, with the reason. */
static int duplicate_uuids(struct vmlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (size_t j = 0; j < i; j++) {
            if (!*l->v[i].uuid || strcmp(l->v[i].uuid, l->v[j].uuid))
                continue;
            free(l->v[i].problem);
            if (asprintf(&l->v[i].problem, "%s has the uuid of %s: give "
                         "one of them another", l->v[i].config,
                         l->v[j].config) < 0) {
                l->v[i].problem = NULL;
                return -ENOMEM;
            }
            l->v[i].uuid[0] = '\0';
            break;
        }
    return 0;
}

int ops_vm_list(struct ops_ctx *ops, struct ops_vm **ret, size_t *n,
                struct xapi_error *err)
{
    struct vmlist l = { 0 };
    const char *root = sriov_ctx_get_root(ops->sriov);
    int r;

    r = read_configs(&l, root ? root : "/");
    if (r >= 0)
        r = duplicate_uuids(&l);
    if (r < 0)
        r = xapi_error_internal(err, r, "cannot read the xl configs: %s",
                                strerror(-r));
    if (r >= 0)
        r = read_domains(&l, err);
    for (size_t i = 0; i < l.n_seen; i++)
        free(l.seen[i]);
    free(l.seen);
    if (r < 0) {
        ops_vm_list_free(l.v, l.n);
        return r;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof(*l.v), cmp_vm);
    *ret = l.v;
    *n = l.n;
    return 0;
}

int ops_host_vms(struct ops_ctx *ops, char control[37], char ***resident,
                 struct xapi_error *err)
{
    struct ops_vm *v = NULL;
    size_t n = 0, k = 0;
    char **out;
    int r;

    r = ops_vm_list(ops, &v, &n, err);
    if (r < 0)
        return r;
    control[0] = '\0';
    out = calloc(n + 1, sizeof(*out));
    for (size_t i = 0; out && i < n; i++) {
        if (!*v[i].uuid || v[i].domid < 0)
            continue;
        if (v[i].is_control_domain && !*control)
            memcpy(control, v[i].uuid, 37);
        if (!(out[k++] = strdup(v[i].uuid)))
            out = strv_free(out);
    }
    ops_vm_list_free(v, n);
    if (!out)
        return xapi_error_internal(err, -ENOMEM, "out of memory");
    *resident = out;
    return 0;
}

int ops_vm_find(struct ops_ctx *ops, const char *uuid, struct ops_vm *ret,
                struct xapi_error *err)
{
    struct ops_vm *v = NULL;
    size_t n = 0;
    char want[37];
    int r;

    if (!uuid_normal(uuid, want))
        return ops__uuid_invalid("VM", uuid, err);
    r = ops_vm_list(ops, &v, &n, err);
    if (r < 0)
        return r;
    r = ops__uuid_invalid("VM", uuid, err);
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].uuid, want) == 0) {
            xapi_error_clear(err);
            *ret = v[i];
            memset(&v[i], 0, sizeof(v[i]));
            r = 0;
            break;
        }
    ops_vm_list_free(v, n);
    return r;
}
