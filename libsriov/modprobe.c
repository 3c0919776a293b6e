/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The modprobe mode: VF counts as module options in /etc/modprobe.d. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libsriov/lifecycle-internal.h"

/*
 * Drivers whose VF count is a module option.  no_sysfs: the driver has no
 * sriov_configure, so sriov_numvfs cannot work (mlx4_core's pci_driver has
 * none).  The others gained sriov_configure upstream and keep the option
 * for compatibility; vendors' out-of-tree builds may lack sysfs support,
 * which the sysfs attempt then tells (ENOENT).
 */
static const struct {
    const char *driver;
    const char *param;
    bool no_sysfs;
} known[] = {
    { "mlx4_core", "num_vfs", true },
    { "igb", "max_vfs", false },
    { "ixgbe", "max_vfs", false },
    { "i40e", "max_vfs", false },
    { "be2net", "num_vfs", false },
    { "bnx2x", "num_vfs", false },
    { "qlcnic", "max_vfs", false },
};

void sriov__modprobe_info_dispose(struct sriov__modprobe_info *mi)
{
    free(mi->module);
    free(mi->param);
    mi->module = mi->param = NULL;
}

/* The whole text file (modprobe.d files have no size limit). */
static int read_text(const char *path, char **ret)
{
    _cleanup_fclose_ FILE *f = NULL;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;

    f = fopen(path, "re");
    if (!f)
        return negative_errno();
    n = getdelim(&buf, &cap, '\0', f);
    if (n < 0) {
        bool err = ferror(f);
        free(buf);
        if (err)
            return -EIO;
        buf = strdup("");
        if (!buf)
            return -ENOMEM;
    }
    *ret = buf;
    return 0;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
                     e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* XenServer driver packages describe the option in <driver>.conf:
 *   # VFs-param: max_vfs
 *   # VFs-maxvfs-by-default: 7
 *   # VFs-maxvfs-by-user: */
static int read_comments(sriov_ctx *ctx, const char *driver,
                         struct sriov__modprobe_info *mi)
{
    _cleanup_free_ char *path = NULL, *text = NULL;
    unsigned by_default = 0, by_user = 0, v;
    char *save = NULL;
    int r;

    r = sriov__host_path(ctx, &path, "etc/modprobe.d/%s.conf", driver);
    if (r < 0)
        return r;
    if (read_text(path, &text) < 0)
        return 0;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *s = trim(line), *colon, *key, *val;

        if (strncmp(s, "# ", 2) != 0 || !(colon = strchr(s + 2, ':')))
            continue;
        *colon = '\0';
        key = trim(s + 2);
        val = trim(colon + 1);
        if (!*val)
            continue;
        if (strcmp(key, "VFs-param") == 0) {
            free(mi->param);
            if (!(mi->param = strdup(val)))
                return -ENOMEM;
            mi->from_comment = true;
        } else if (strcmp(key, "VFs-maxvfs-by-default") == 0 &&
                   sriov__parse_uint(val, 10, &v) == 0)
            by_default = v;
        else if (strcmp(key, "VFs-maxvfs-by-user") == 0 &&
                 sriov__parse_uint(val, 10, &v) == 0)
            by_user = v;
    }
    /* xcp-networkd: the smaller of the two when the user set one. */
    mi->maxvfs = by_user && by_user < by_default ? by_user : by_default;
    return 0;
}

int sriov__modprobe_info_get(sriov_ctx *ctx, const char *driver,
                             struct sriov__modprobe_info *ret)
{
    struct sriov__modprobe_info mi = { 0 };
    _cleanup_free_ char *link = NULL;
    int r;

    /* The module providing the driver: drivers/<drv>/module link. */
    r = sriov__host_path(ctx, &link, "sys/bus/pci/drivers/%s", driver);
    if (r < 0)
        return r;
    {
        _cleanup_close_ int fd = open(link, O_RDONLY | O_DIRECTORY |
                                      O_CLOEXEC);
        char buf[256];

        if (fd >= 0 && sriov__readlink_at(ctx, fd, link, "module", buf,
                                          sizeof(buf)) > 0)
            mi.module = strdup(sriov__basename(buf));
        else
            mi.module = strdup(driver);
        if (!mi.module)
            return -ENOMEM;
    }
    r = read_comments(ctx, driver, &mi);
    if (r < 0)
        goto fail;
    for (size_t i = 0; i < ELEMENTSOF(known); i++)
        if (strcmp(known[i].driver, driver) == 0) {
            mi.no_sysfs = known[i].no_sysfs;
            if (!mi.param && !(mi.param = strdup(known[i].param))) {
                r = -ENOMEM;
                goto fail;
            }
        }
    if (!mi.param) {
        /* An option the running module shows (perm != 0) is good too. */
        static const char *const names[] = { "max_vfs", "num_vfs" };
        for (size_t i = 0; !mi.param && i < ELEMENTSOF(names); i++) {
            _cleanup_free_ char *p = NULL;
            struct stat st;

            r = sriov__host_path(ctx, &p, "sys/module/%s/parameters/%s",
                                 mi.module, names[i]);
            if (r < 0)
                goto fail;
            if (stat(p, &st) == 0 && !(mi.param = strdup(names[i]))) {
                r = -ENOMEM;
                goto fail;
            }
        }
    }
    *ret = mi;
    return 0;

fail:
    sriov__modprobe_info_dispose(&mi);
    return r;
}

/* modprobe treats '-' and '_' in module names alike. */
static bool same_module(const char *a, size_t alen, const char *b)
{
    if (alen != strlen(b))
        return false;
    for (size_t i = 0; i < alen; i++) {
        char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];
        if (x != y)
            return false;
    }
    return true;
}

/*
 * If @line is "options <module> ... <param>=<v> ...", return the offset and
 * length of <v> in it.
 */
static bool find_option(const char *line, const char *module,
                        const char *param, size_t *ret_off, size_t *ret_len)
{
    const char *s = line, *tok;
    size_t plen = strlen(param), n;
    int field = 0;

    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '\n' || *s == '#')
            return false;
        tok = s;
        while (*s && *s != ' ' && *s != '\t' && *s != '\n')
            s++;
        n = (size_t)(s - tok);
        if (field == 0 && (n != 7 || strncmp(tok, "options", 7) != 0))
            return false;
        if (field == 1 && !same_module(tok, n, module))
            return false;
        if (field >= 2 && n > plen && strncmp(tok, param, plen) == 0 &&
            tok[plen] == '=') {
            *ret_off = (size_t)(tok + plen + 1 - line);
            *ret_len = n - plen - 1;
            return true;
        }
        field++;
    }
}

struct text {
    char *buf;
    size_t len, cap;
};

static int text_add(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *b = realloc(t->buf, cap);
        if (!b)
            return -ENOMEM;
        t->buf = b;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, s, n);
    t->len += n;
    t->buf[t->len] = '\0';
    return 0;
}

/*
 * The new value of the option.  A comma list ("7,7": Intel's out-of-tree
 * igb/ixgbe take one entry per port, in probe order) keeps its form and
 * only this PF's entry changes; a single value is per module and stays
 * single (upstream igb/ixgbe/mlx4 take a plain number).
 */
static int new_value(struct text *out, const char *old, size_t oldlen,
                     unsigned position, unsigned value)
{
    unsigned count = 1;
    const char *s = old;
    char num[16];
    int r;

    if (!memchr(old, ',', oldlen)) {
        snprintf(num, sizeof(num), "%u", value);
        return text_add(out, num, strlen(num));
    }
    for (size_t i = 0; i < oldlen; i++)
        count += old[i] == ',';
    if (position >= count)
        count = position + 1;
    for (unsigned i = 0; i < count; i++) {
        const char *end = old + oldlen, *comma = NULL;
        size_t n = 0;

        if (s && s <= end) {
            comma = memchr(s, ',', (size_t)(end - s));
            n = (size_t)((comma ? comma : end) - s);
        }
        if (i > 0 && (r = text_add(out, ",", 1)) < 0)
            return r;
        if (i == position) {
            snprintf(num, sizeof(num), "%u", value);
            r = text_add(out, num, strlen(num));
        } else if (s && n > 0)
            r = text_add(out, s, n);
        else
            r = text_add(out, "0", 1);
        if (r < 0)
            return r;
        s = comma ? comma + 1 : NULL;
    }
    return 0;
}

/* Where this PF is in the driver's probe order (bound devices by address). */
static int pf_position(sriov_ctx *ctx, const sriov_pf *pf, unsigned *ret)
{
    _cleanup_close_ int fd = -1;
    _cleanup_free_ char *path = NULL, *rel = NULL;
    _cleanup_strv_free_ char **names = NULL;
    unsigned pos = 0;
    int r;

    if (asprintf(&rel, "sys/bus/pci/drivers/%s", pf->driver) < 0)
        return -ENOMEM;
    r = sriov__dir_open(ctx, rel, &fd, &path);
    if (r < 0)
        return r;
    r = sriov__list_at(ctx, fd, path, ".", &names, NULL);
    if (r < 0)
        return sriov__fail(ctx, r, "cannot list '%s': %s", path,
                           strerror(-r));
    for (char **n = names; *n; n++)
        if (sriov__bdf_valid(*n) && strcmp(*n, pf->bdf) < 0)
            pos++;
    *ret = pos;
    return 0;
}

static int write_atomic(sriov_ctx *ctx, const char *dir, const char *name,
                        const char *content, size_t len)
{
    _cleanup_free_ char *path = NULL, *tmp = NULL;
    _cleanup_close_ int fd = -1, dfd = -1;
    size_t done = 0;
    int r;

    if (asprintf(&path, "%s/%s", dir, name) < 0 ||
        asprintf(&tmp, "%s/.%s.XXXXXX", dir, name) < 0)
        return -ENOMEM;
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return sriov__fail(ctx, negative_errno(), "cannot create a file in "
                           "'%s': %s", dir, strerror(errno));
    while (done < len) {
        ssize_t n = write(fd, content + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = negative_errno();
            goto fail;
        }
        done += (size_t)n;
    }
    if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
        r = negative_errno();
        goto fail;
    }
    if (close(TAKE_FD(fd)) < 0) {
        r = negative_errno();
        goto fail;
    }
    if (rename(tmp, path) < 0) {
        r = negative_errno();
        goto fail;
    }
    /* The rename is durable once the directory is. */
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0)
        fsync(dfd);
    sriov__log_debug(ctx, "wrote '%s'", path);
    return 0;

fail:
    unlink(tmp);
    return sriov__fail(ctx, r, "cannot write '%s': %s (the previous file is "
                       "unchanged)", path, strerror(-r));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);

    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The last *.conf (modprobe's order) that sets the option, or NULL. */
static int find_conf(sriov_ctx *ctx, const char *dir,
                     const struct sriov__modprobe_info *mi, char **ret)
{
    _cleanup_close_ int fd = -1;
    _cleanup_strv_free_ char **names = NULL;
    unsigned n = 0;
    char *found = NULL;
    int r;

    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        *ret = NULL;
        return 0;
    }
    r = sriov__list_at(ctx, fd, dir, ".", &names, &n);
    if (r < 0)
        return r;
    qsort(names, n, sizeof(char *), cmp_str);
    for (unsigned i = 0; i < n; i++) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        char *save = NULL;
        size_t off, len;

        if (!ends_with(names[i], ".conf") || names[i][0] == '.')
            continue;
        if (asprintf(&path, "%s/%s", dir, names[i]) < 0)
            return -ENOMEM;
        if (read_text(path, &text) < 0)
            continue;
        for (char *l = strtok_r(text, "\n", &save); l;
             l = strtok_r(NULL, "\n", &save))
            if (find_option(l, mi->module, mi->param, &off, &len)) {
                free(found);
                if (!(found = strdup(names[i])))
                    return -ENOMEM;
                break;
            }
    }
    *ret = found;
    return 0;
}

static int ensure_dir(sriov_ctx *ctx, const char *rel)
{
    _cleanup_free_ char *path = NULL;
    int r;

    r = sriov__host_path(ctx, &path, "%s", rel);
    if (r < 0)
        return r;
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return sriov__fail(ctx, negative_errno(), "cannot create '%s': %s",
                           path, strerror(errno));
    return 0;
}

int sriov__modprobe_set(sriov_ctx *ctx, const sriov_pf *pf,
                        const struct sriov__modprobe_info *mi,
                        unsigned value)
{
    _cleanup_free_ char *dir = NULL, *name = NULL, *path = NULL;
    _cleanup_free_ char *old = NULL;
    struct text out = { 0 };
    unsigned position = 0;
    bool set = false;
    int r;

    if (!pf->driver)
        return sriov__fail(ctx, -ENOENT, "%s: no driver is bound, so its "
                           "module option is unknown: load the driver "
                           "first", pf->bdf);
    r = pf_position(ctx, pf, &position);
    if (r < 0)
        return r;
    if ((r = ensure_dir(ctx, "etc")) < 0 ||
        (r = ensure_dir(ctx, "etc/modprobe.d")) < 0)
        return r;
    r = sriov__host_path(ctx, &dir, "etc/modprobe.d");
    if (r < 0)
        return r;
    r = find_conf(ctx, dir, mi, &name);
    if (r < 0)
        return r;
    if (!name && asprintf(&name, "%s-sriov.conf", pf->driver) < 0)
        return -ENOMEM;
    if (asprintf(&path, "%s/%s", dir, name) < 0)
        return -ENOMEM;
    r = read_text(path, &old);
    if (r < 0 && r != -ENOENT)
        return sriov__fail(ctx, r, "cannot read '%s': %s", path,
                           strerror(-r));
    /* Rewrite line by line; only the option's value changes. */
    for (const char *l = old ? old : ""; *l;) {
        const char *nl = strchr(l, '\n');
        size_t llen = nl ? (size_t)(nl - l) : strlen(l), off, vlen;
        _cleanup_free_ char *line = strndup(l, llen);

        if (!line) {
            r = -ENOMEM;
            goto out;
        }
        if (find_option(line, mi->module, mi->param, &off, &vlen)) {
            if ((r = text_add(&out, line, off)) < 0 ||
                (r = new_value(&out, line + off, vlen, position, value)) < 0 ||
                (r = text_add(&out, line + off + vlen,
                              llen - off - vlen)) < 0)
                goto out;
            set = true;
        } else if ((r = text_add(&out, line, llen)) < 0)
            goto out;
        if ((r = text_add(&out, "\n", 1)) < 0)
            goto out;
        l += llen + (nl ? 1 : 0);
    }
    if (!set) {
        char add[256];

        snprintf(add, sizeof(add), "options %s %s=%u\n", mi->module,
                 mi->param, value);
        if ((r = text_add(&out, add, strlen(add))) < 0)
            goto out;
    }
    if (old && out.len == strlen(old) && memcmp(out.buf, old, out.len) == 0) {
        sriov__log_debug(ctx, "'%s' already sets %s=%u", path, mi->param,
                         value);
        r = 0;
        goto out;
    }
    r = write_atomic(ctx, dir, name, out.buf, out.len);
out:
    free(out.buf);
    return r;
}

int sriov__modprobe_running(sriov_ctx *ctx, const sriov_pf *pf,
                            const struct sriov__modprobe_info *mi,
                            unsigned *ret)
{
    _cleanup_free_ char *path = NULL, *text = NULL;
    unsigned position = 0, v;
    char *s, *save = NULL;

    if (!mi->param || sriov__host_path(ctx, &path,
                                       "sys/module/%s/parameters/%s",
                                       mi->module, mi->param) < 0 ||
        read_text(path, &text) < 0)
        return 0;
    /* "4", or one value per port in probe order: "7,7" */
    if (strchr(text, ',') && pf->driver &&
        pf_position(ctx, pf, &position) < 0) {
        sriov__clear_error(ctx);
        return 0;
    }
    s = strtok_r(text, ",\n", &save);
    for (unsigned i = 0; s && i < position; i++)
        s = strtok_r(NULL, ",\n", &save);
    if (!s || sriov__parse_uint(s, 10, &v) < 0)
        return 0;
    sriov__log_debug(ctx, "%s: the running %s has %s=%u", pf->bdf,
                     mi->module, mi->param, v);
    *ret = v;
    return 1;
}
