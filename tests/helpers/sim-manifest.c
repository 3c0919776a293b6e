/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Manifests (tests/fixtures/sysfs/NAME.tree): text that describes a host. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers/sim-internal.h"

#define MAX_TOKENS 48
#define MAX_DEFERRED 256

struct loader {
    const char *root, *name;
    unsigned line;
    char *err;
    size_t errlen;
    /* applied after the whole manifest, in this order: drivers bound (so
     * interfaces get the names of the netdev lines), VFs, store/set */
    struct { char bdf[16]; char driver[64]; unsigned line; } bind[MAX_DEFERRED];
    unsigned n_bind;
    struct { char bdf[16]; unsigned n; } numvfs[MAX_DEFERRED];
    unsigned n_numvfs;
    char *late[MAX_DEFERRED];       /* "store ..." and "set ..." lines */
    unsigned n_late;
};

static int fail(struct loader *l, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct loader *l, int r, const char *fmt, ...)
{
    va_list ap;
    int n;

    n = snprintf(l->err, l->errlen, "%s:%u: ", l->name, l->line);
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < l->errlen)
        vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return r;
}

static const char *get(char **tok, unsigned n, const char *key)
{
    size_t klen = strlen(key);

    /* tok[0] is the command, tok[1] its object: options follow. */
    for (unsigned i = 2; i < n; i++)
        if (strncmp(tok[i], key, klen) == 0 &&
            (tok[i][klen] == '=' || tok[i][klen] == '\0'))
            return tok[i][klen] == '=' ? tok[i] + klen + 1 : "";
    return NULL;
}

static int num(struct loader *l, const char *s, const char *key,
               unsigned long max, unsigned *ret)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 0);
    if (errno || end == s || *end || v > max)
        return fail(l, -EINVAL, "%s=%s is not a number up to %lu", key, s,
                    max);
    *ret = (unsigned)v;
    return 0;
}

/* driver NAME [ids=vvvv:dddd,...|any] [sriov_configure] [net] [module=M] */
static int do_driver(struct loader *l, char **tok, unsigned n)
{
    const char *ids = get(tok, n, "ids"), *module = get(tok, n, "module");
    int r;

    if (n < 2)
        return fail(l, -EINVAL, "driver needs a name");
    r = sim_driver_define(l->root, tok[1], ids ? ids : "",
                          get(tok, n, "sriov_configure") != NULL,
                          get(tok, n, "net") != NULL,
                          module ? module : tok[1]);
    if (r < 0)
        return fail(l, r, "cannot define driver %s: %s", tok[1],
                    strerror(-r));
    return 0;
}

/* param MODULE NAME=VALUE: /sys/module/MODULE/parameters/NAME */
static int do_param(struct loader *l, char **tok, unsigned n)
{
    char path[PATH_MAX], *eq;
    int r;

    if (n != 3 || !(eq = strchr(tok[2], '=')))
        return fail(l, -EINVAL, "expected: param MODULE NAME=VALUE");
    *eq = '\0';
    r = simfs_path(path, sizeof(path), l->root, "sys/module/%s/parameters",
                   tok[1]);
    if (r < 0 || (r = simfs_mkdir_p(path)) < 0)
        return fail(l, r, "cannot create module %s", tok[1]);
    r = simfs_path(path, sizeof(path), l->root,
                   "sys/module/%s/parameters/%s", tok[1], tok[2]);
    if (r < 0 || (r = simfs_printf(path, "%s\n", eq + 1)) < 0)
        return fail(l, r, "cannot write parameter %s", tok[2]);
    return 0;
}

/* Where a function lives: under its parent bridge, or its root bus. */
static int parent_dir(struct loader *l, const struct sim_bdf *b,
                      const char *parent, char *out, size_t size)
{
    char path[PATH_MAX];
    int r;

    if (parent) {
        r = sim_function_dir(l->root, parent, out, size);
        if (r < 0)
            return fail(l, r, "parent %s is not defined above", parent);
        return 0;
    }
    snprintf(out, size, "sys/devices/pci%04x:%02x", b->domain, b->bus);
    r = simfs_path(path, sizeof(path), l->root, "%s", out);
    if (r < 0 || (r = simfs_mkdir_p(path)) < 0)
        return fail(l, r, "cannot create %s", out);
    return 0;
}

static int do_device(struct loader *l, char **tok, unsigned n)
{
    static const char *const known[] = {
        "parent", "vendor", "device", "class", "revision", "subsystem",
        "driver", "numa", "iommu_group", "totalvfs", "offset", "stride",
        "vf_device", "numvfs", "autoprobe", "vf_iommu", "bus_end", "vf_bars",
        "secondary", "subordinate", "multifunction",
    };
    struct sim_function f = { .numa_node = -1 };
    char bdf[16], state[64];
    const char *v;
    unsigned u;
    int r;

    if (n < 2 || sim_bdf_parse(tok[1], &f.bdf) < 0)
        return fail(l, -EINVAL, "device needs an address dddd:bb:dd.f");
    sim_bdf_format(&f.bdf, bdf);
    for (unsigned i = 2; i < n; i++) {
        bool ok = false;
        for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
            ok |= strncmp(tok[i], known[k], strlen(known[k])) == 0 &&
                  (tok[i][strlen(known[k])] == '=' ||
                   tok[i][strlen(known[k])] == '\0');
        if (!ok)
            return fail(l, -EINVAL, "unknown device key '%s'", tok[i]);
    }
    if (!get(tok, n, "vendor") || !get(tok, n, "device") ||
        !get(tok, n, "class"))
        return fail(l, -EINVAL, "device %s needs vendor=, device=, class=",
                    bdf);
    {
        char path[PATH_MAX];
        if (simfs_path(path, sizeof(path), l->root, "sys/bus/pci/devices/%s",
                       bdf) == 0 && simfs_exists(path))
            return fail(l, -EEXIST, "device %s is defined twice (two "
                        "manifests with the same address?)", bdf);
    }
    if ((r = parent_dir(l, &f.bdf, get(tok, n, "parent"), f.parent,
                        sizeof(f.parent))) < 0)
        return r;
    if ((r = num(l, get(tok, n, "vendor"), "vendor", 0xffff, &u)) < 0)
        return r;
    f.vendor = (uint16_t)u;
    if ((r = num(l, get(tok, n, "device"), "device", 0xffff, &u)) < 0)
        return r;
    f.device = (uint16_t)u;
    if ((r = num(l, get(tok, n, "class"), "class", 0xffffff, &f.class)) < 0)
        return r;
    if ((v = get(tok, n, "revision")) &&
        (r = num(l, v, "revision", 0xff, &u)) < 0)
        return r;
    f.revision = v ? (uint8_t)u : 0;
    if ((v = get(tok, n, "subsystem"))) {
        unsigned sv, sd;
        if (sscanf(v, "%x:%x", &sv, &sd) != 2)
            return fail(l, -EINVAL, "subsystem=%s: expected vvvv:dddd", v);
        f.subsystem_vendor = (uint16_t)sv;
        f.subsystem_device = (uint16_t)sd;
    }
    if ((v = get(tok, n, "numa")))
        f.numa_node = atoi(v);
    f.multifunction = get(tok, n, "multifunction") != NULL;
    f.bridge = (f.class >> 8) == 0x0604;
    if (f.bridge) {
        if ((v = get(tok, n, "secondary")) &&
            (r = num(l, v, "secondary", 0xff, &f.secondary)) < 0)
            return r;
        f.subordinate = f.secondary;
        if ((v = get(tok, n, "subordinate")) &&
            (r = num(l, v, "subordinate", 0xff, &f.subordinate)) < 0)
            return r;
    }
    if ((v = get(tok, n, "totalvfs"))) {
        f.sriov = true;
        if ((r = num(l, v, "totalvfs", 0xffff, &f.totalvfs)) < 0)
            return r;
        if (!(v = get(tok, n, "offset")) ||
            (r = num(l, v, "offset", 0xffff, &f.offset)) < 0 ||
            !(v = get(tok, n, "stride")) ||
            (r = num(l, v, "stride", 0xffff, &f.stride)) < 0 ||
            !(v = get(tok, n, "vf_device")) ||
            (r = num(l, v, "vf_device", 0xffff, &u)) < 0)
            return r < 0 ? r : fail(l, -EINVAL, "an SR-IOV device needs "
                                    "offset=, stride= and vf_device=");
        f.vf_device = (uint16_t)u;
    }
    r = sim_function_create(l->root, &f);
    if (r < 0)
        return fail(l, r, "cannot create %s: %s", bdf, strerror(-r));
    snprintf(state, sizeof(state), "devices/%s", bdf);
    for (const char *const *k = (const char *const[]){ "vf_iommu", "bus_end",
                                                      "vf_bars", NULL };
         *k; k++)
        if ((v = get(tok, n, *k)) &&
            (r = sim_state_set(l->root, state, *k, v)) < 0)
            return fail(l, r, "cannot record %s", *k);
    if ((v = get(tok, n, "autoprobe")) &&
        (r = sim_write_attr(l->root, bdf, "sriov_drivers_autoprobe",
                            strcmp(v, "0") ? "1\n" : "0\n")) < 0)
        return fail(l, r, "cannot set autoprobe");
    if ((v = get(tok, n, "iommu_group"))) {
        if ((r = num(l, v, "iommu_group", 0x7fffffff, &u)) < 0)
            return r;
        if ((r = sim_iommu_join(l->root, bdf, (int)u)) < 0)
            return fail(l, r, "cannot join IOMMU group %u", u);
    }
    if ((v = get(tok, n, "driver"))) {
        if (!sim_driver_exists(l->root, v))
            return fail(l, -EINVAL, "driver %s is not defined above", v);
        if (l->n_bind == MAX_DEFERRED)
            return fail(l, -E2BIG, "too many devices with driver=");
        snprintf(l->bind[l->n_bind].bdf, 16, "%s", bdf);
        snprintf(l->bind[l->n_bind].driver, 64, "%s", v);
        l->bind[l->n_bind++].line = l->line;
    }
    if ((v = get(tok, n, "numvfs"))) {
        if ((r = num(l, v, "numvfs", f.totalvfs, &u)) < 0)
            return r;
        if (l->n_numvfs == MAX_DEFERRED)
            return fail(l, -E2BIG, "too many devices with numvfs=");
        snprintf(l->numvfs[l->n_numvfs].bdf, 16, "%s", bdf);
        l->numvfs[l->n_numvfs++].n = u;
    }
    return 0;
}

/* netdev BDF NAME [mac=] [operstate=] [speed=] [up=] [port=] */
static int do_netdev(struct loader *l, char **tok, unsigned n)
{
    char state[64], specs[2048], spec[512];
    size_t len = 0;
    struct sim_bdf b;
    int r;

    if (n < 3 || sim_bdf_parse(tok[1], &b) < 0)
        return fail(l, -EINVAL, "expected: netdev BDF NAME [key=value...]");
    for (unsigned i = 2; i < n; i++)
        len += (size_t)snprintf(spec + len, sizeof(spec) - len, "%s%s",
                                i > 2 ? " " : "", tok[i]);
    snprintf(state, sizeof(state), "devices/%s", tok[1]);
    r = sim_state_get(l->root, state, "net", specs, sizeof(specs));
    if (r < 0)
        return fail(l, r, "cannot read state");
    len = strlen(specs);
    snprintf(specs + len, sizeof(specs) - len, "%s%s", len ? ";" : "", spec);
    if ((r = sim_state_set(l->root, state, "net", specs)) < 0)
        return fail(l, r, "cannot record netdev");
    return 0;
}

/* file RELPATH TEXT: a host file (\n for newlines), e.g. in etc/ */
static int do_file(struct loader *l, const char *rest)
{
    char rel[PATH_MAX], path[PATH_MAX], text[4096];
    size_t len = 0;
    const char *s;
    int r;

    if (sscanf(rest, "%4095s", rel) != 1)
        return fail(l, -EINVAL, "expected: file RELPATH TEXT");
    s = strstr(rest, rel) + strlen(rel);
    while (*s == ' ' || *s == '\t')
        s++;
    for (; *s && len + 1 < sizeof(text); s++) {
        if (s[0] == '\\' && s[1] == 'n') {
            text[len++] = '\n';
            s++;
        } else
            text[len++] = *s;
    }
    r = simfs_path(path, sizeof(path), l->root, "%s", rel);
    if (r < 0)
        return fail(l, r, "path too long");
    *strrchr(path, '/') = '\0';
    if ((r = simfs_mkdir_p(path)) < 0)
        return fail(l, r, "cannot create %s", path);
    *strchr(path, '\0') = '/';
    if ((r = simfs_write(path, text, len)) < 0)
        return fail(l, r, "cannot write %s", rel);
    return 0;
}

/* store RELPATH VALUE: as if written by a program (kernel-sim rules) */
static int do_store(struct loader *l, const char *rest)
{
    char rel[PATH_MAX], res[PATH_MAX], value[256];
    int r;

    if (sscanf(rest, "%4095s %255s", rel, value) != 2)
        return fail(l, -EINVAL, "expected: store RELPATH VALUE");
    r = simfs_resolve(l->root, rel, res, sizeof(res));
    if (r < 0)
        return fail(l, r, "store: %s does not exist", rel);
    r = sim_store(l->root, res, value);
    if (r < 0)
        return fail(l, r, "store %s to %s: %s", value, rel, strerror(-r));
    return 0;
}

/* set RELPATH VALUE: replace a file's content behind the kernel's back */
static int do_set(struct loader *l, const char *rest)
{
    char rel[PATH_MAX], value[256], text[260];
    int r;

    if (sscanf(rest, "%4095s %255s", rel, value) != 2)
        return fail(l, -EINVAL, "expected: set RELPATH VALUE");
    snprintf(text, sizeof(text), "%s\n", value);
    r = sim_set_file(l->root, rel, text);
    if (r < 0)
        return fail(l, r, "set %s: %s", rel, strerror(-r));
    return 0;
}

static int do_line(struct loader *l, char *line, bool late)
{
    char copy[4096], *tok[MAX_TOKENS], *save = NULL, *cmd, *rest;
    unsigned n = 0;

    snprintf(copy, sizeof(copy), "%s", line);
    for (char *t = strtok_r(copy, " \t", &save); t && n < MAX_TOKENS;
         t = strtok_r(NULL, " \t", &save)) {
        if (t[0] == '#')
            break;
        tok[n++] = t;
    }
    if (n == 0)
        return 0;
    cmd = tok[0];
    rest = line + strspn(line, " \t") + strlen(cmd);
    if (strcmp(cmd, "store") == 0 || strcmp(cmd, "set") == 0) {
        if (!late) {
            if (l->n_late == MAX_DEFERRED)
                return fail(l, -E2BIG, "too many store/set lines");
            l->late[l->n_late] = strdup(line);
            return l->late[l->n_late++] ? 0 : -ENOMEM;
        }
        return cmd[1] == 't' ? do_store(l, rest) : do_set(l, rest);
    }
    if (strcmp(cmd, "driver") == 0)
        return do_driver(l, tok, n);
    if (strcmp(cmd, "param") == 0)
        return do_param(l, tok, n);
    if (strcmp(cmd, "device") == 0)
        return do_device(l, tok, n);
    if (strcmp(cmd, "netdev") == 0)
        return do_netdev(l, tok, n);
    if (strcmp(cmd, "file") == 0)
        return do_file(l, rest);
    return fail(l, -EINVAL, "unknown line '%s' (expected driver, param, "
                "device, netdev, file, store or set)", cmd);
}

int sim_host_load_text(const char *root, const char *text, const char *name,
                       char *err, size_t errlen)
{
    struct loader *l;
    char *copy, *save = NULL;
    unsigned *late_line;
    int r = 0;

    l = calloc(1, sizeof(*l));
    copy = strdup(text);
    late_line = calloc(MAX_DEFERRED, sizeof(unsigned));
    if (!l || !copy || !late_line) {
        free(l);
        free(copy);
        free(late_line);
        return -ENOMEM;
    }
    *l = (struct loader) { .root = root, .name = name, .err = err,
                           .errlen = errlen };
    if (err && errlen)
        err[0] = '\0';
    r = sim_host_create(root);
    if (r < 0) {
        fail(l, r, "cannot create the host in %s: %s", root, strerror(-r));
        goto out;
    }
    /* strtok_r would merge empty lines and break line numbers. */
    for (char *s = copy; s && r >= 0;) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        l->line++;
        if (strncmp(s + strspn(s, " \t"), "store", 5) == 0 ||
            strncmp(s + strspn(s, " \t"), "set", 3) == 0)
            late_line[l->n_late] = l->line;
        r = do_line(l, s, false);
        s = nl ? nl + 1 : NULL;
    }
    (void)save;
    for (unsigned i = 0; r >= 0 && i < l->n_bind; i++) {
        l->line = l->bind[i].line;
        r = sim_attach(root, l->bind[i].bdf, l->bind[i].driver);
        if (r < 0)
            fail(l, r, "cannot bind %s to %s: %s", l->bind[i].bdf,
                 l->bind[i].driver, strerror(-r));
    }
    for (unsigned i = 0; r >= 0 && i < l->n_numvfs; i++) {
        r = sim_vfs_add(root, l->numvfs[i].bdf, l->numvfs[i].n);
        if (r < 0)
            fail(l, r, "cannot enable %u VFs on %s: %s", l->numvfs[i].n,
                 l->numvfs[i].bdf, strerror(-r));
    }
    for (unsigned i = 0; r >= 0 && i < l->n_late; i++) {
        l->line = late_line[i];
        r = do_line(l, l->late[i], true);
    }
out:
    for (unsigned i = 0; i < l->n_late; i++)
        free(l->late[i]);
    free(late_line);
    free(copy);
    free(l);
    return r < 0 ? r : 0;
}

int sim_host_load_file(const char *root, const char *manifest, char *err,
                       size_t errlen)
{
    FILE *f;
    char *text = NULL;
    size_t cap = 0;
    ssize_t n;
    int r;

    f = fopen(manifest, "re");
    if (!f) {
        r = -errno;
        snprintf(err, errlen, "cannot open manifest '%s': %s", manifest,
                 strerror(-r));
        return r;
    }
    n = getdelim(&text, &cap, '\0', f);
    fclose(f);
    if (n < 0) {
        free(text);
        snprintf(err, errlen, "cannot read manifest '%s'", manifest);
        return -EIO;
    }
    r = sim_host_load_text(root, text, manifest, err, errlen);
    free(text);
    return r;
}

/*
 * A large host for the benchmark: @pfs Intel E810 PFs, each on its own
 * pair of buses, with @vfs VFs enabled (iavf, with interfaces).
 */
char *sim_host_generate(unsigned pfs, unsigned vfs)
{
    size_t cap = 4096 + (size_t)pfs * 1024, len = 0;
    char *text = malloc(cap);

    if (!text)
        return NULL;
    len += (size_t)snprintf(text + len, cap - len,
        "# generated: %u x Intel E810-C PF with %u VFs each\n"
        "driver ice ids=8086:1592 sriov_configure net\n"
        "driver iavf ids=8086:1889 net\n"
        "driver pcieport ids=8086:347a\n", pfs, vfs);
    for (unsigned i = 0; i < pfs; i++) {
        unsigned bus = 0x10 + i * 4;
        len += (size_t)snprintf(text + len, cap - len,
            "device 0000:00:%02x.0 vendor=0x8086 device=0x347a "
            "class=0x060400 secondary=0x%02x subordinate=0x%02x "
            "driver=pcieport iommu_group=%u\n"
            "device 0000:%02x:00.0 parent=0000:00:%02x.0 vendor=0x8086 "
            "device=0x1592 class=0x020000 subsystem=8086:0002 "
            "driver=ice numa=%u iommu_group=%u totalvfs=%u offset=8 "
            "stride=1 vf_device=0x1889 numvfs=%u\n"
            "netdev 0000:%02x:00.0 ens%uf0 mac=b4:96:91:00:%02x:00 "
            "operstate=up speed=100000\n",
            (i + 1) & 0x1f, bus, bus + 3, 100 + i, bus, (i + 1) & 0x1f,
            i % 2, 200 + i, vfs, vfs, bus, i + 1, i & 0xff);
        if (len >= cap)
            break;
    }
    return text;
}
