/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A stand-in for libxl and rtnetlink VF settings (see plugin-fake.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenstore.h>

#include "libsriov/macro.h"
#include "tests/helpers/plugin-fake.h"

static const struct plugin_fake *fake(plugin *p)
{
    return plugin_backend_data(p);
}

int plugin_fake_set(const struct plugin_fake *f, const char *rel,
                    const char *text)
{
    char path[PATH_MAX + 64];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
    if (!text)
        return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
    fp = fopen(path, "we");
    if (!fp)
        return -errno;
    fputs(text, fp);
    return fclose(fp) < 0 ? -errno : 0;
}

int plugin_fake_get(const struct plugin_fake *f, const char *rel, char *buf,
                    size_t size)
{
    char path[PATH_MAX + 64];
    size_t n = 0;
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", f->dir, rel);
    buf[0] = '\0';
    fp = fopen(path, "re");
    if (!fp)
        return 0;
    n = fread(buf, 1, size - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return (int)n;
}

int plugin_fake_init(struct plugin_fake *f, const char *parent)
{
    static const char *const sub[] = {
        "", "/nic", "/quarantined", "/fail", "/group",
    };

    snprintf(f->dir, sizeof(f->dir), "%s/fake-xen", parent);
    for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
        char path[PATH_MAX + 32];

        snprintf(path, sizeof(path), "%s%s", f->dir, sub[i]);
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
            return -errno;
    }
    return 0;
}

static void logline(plugin *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void logline(plugin *p, const char *fmt, ...)
{
    char path[PATH_MAX + 16];
    va_list ap;
    FILE *fp;

    snprintf(path, sizeof(path), "%s/log", fake(p)->dir);
    fp = fopen(path, "ae");
    if (!fp)
        return;
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
    fputc('\n', fp);
    fclose(fp);
}

/* The errno configured for a failure, or 0. */
static int failure(plugin *p, const char *what)
{
    char rel[64], buf[32];

    snprintf(rel, sizeof(rel), "fail/%s", what);
    if (!plugin_fake_get(fake(p), rel, buf, sizeof(buf)))
        return 0;
    return -abs(atoi(buf) ? atoi(buf) : EIO);
}

static int fake_host_caps(plugin *p, struct plugin_host_caps *ret)
{
    char buf[32];
    int r = failure(p, "host_caps");

    if (r)
        return plugin_fail(p, r, "fake: libxl_get_physinfo failed");
    ret->passthrough = 1;
    ret->intremap = 1;
    if (plugin_fake_get(fake(p), "caps", buf, sizeof(buf)))
        sscanf(buf, "%d %d", &ret->passthrough, &ret->intremap);
    return 0;
}

/* fail/nopt-<domid>: the domain was made without passthrough. */
static int fake_domain_check(plugin *p, unsigned domid)
{
    char what[32];

    snprintf(what, sizeof(what), "nopt-%u", domid);
    if (failure(p, what))
        return plugin_fail(p, -EPERM, "fake: domain %u was created without "
                           "PCI passthrough: add passthrough=\"enabled\"",
                           domid);
    return 0;
}

static int fake_iommu_group(plugin *p, const char *bdf, char ***ret)
{
    char rel[64], buf[1024], *save = NULL, *tok;
    char **v = calloc(17, sizeof(*v));
    size_t n = 0;

    if (!v)
        return -ENOMEM;
    snprintf(rel, sizeof(rel), "group/%s", bdf);
    plugin_fake_get(fake(p), rel, buf, sizeof(buf));
    for (tok = strtok_r(buf, " \n", &save); tok && n < 16;
         tok = strtok_r(NULL, " \n", &save))
        v[n++] = strdup(tok);
    *ret = v;
    return 0;
}

static void nic_rel(char *rel, size_t size, const char *ifname, unsigned vf)
{
    snprintf(rel, size, "nic/%s-%u", ifname, vf);
}

static int fake_vf_get(plugin *p, const char *ifname, unsigned vf,
                       sriov_vf_config *ret)
{
    sriov_vf_config c = SRIOV_VF_CONFIG_INIT;
    unsigned m[6] = { 0 };
    char rel[96], buf[256];

    nic_rel(rel, sizeof(rel), ifname, vf);
    c.spoofchk = 1;
    if (plugin_fake_get(fake(p), rel, buf, sizeof(buf)) &&
        sscanf(buf, "%x:%x:%x:%x:%x:%x %u %u %d %d %d %u %u", &m[0], &m[1],
               &m[2], &m[3], &m[4], &m[5], &c.vlan, &c.qos, &c.spoofchk,
               &c.trust, &c.link_state, &c.min_tx_rate,
               &c.max_tx_rate) != 13)
        return plugin_fail(p, -EIO, "fake: bad %s", rel);
    for (int i = 0; i < 6; i++)
        c.mac[i] = (unsigned char)m[i];
    c.mask = SRIOV_VF_ALL;
    *ret = c;
    return 0;
}

/* One group of settings as `ip link` and libsriov's messages name it. */
static void describe(unsigned group, const sriov_vf_config *c, char *buf,
                     size_t len)
{
    static const char *const link[] = { "auto", "enable", "disable" };

    switch (group) {
    case SRIOV_VF_VLAN | SRIOV_VF_QOS:
        snprintf(buf, len, "vlan %u qos %u", c->vlan, c->qos);
        break;
    case SRIOV_VF_MAC:
        snprintf(buf, len, "mac %02x:%02x:%02x:%02x:%02x:%02x", c->mac[0],
                 c->mac[1], c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
        break;
    case SRIOV_VF_SPOOFCHK:
        snprintf(buf, len, "spoofchk %s", c->spoofchk ? "on" : "off");
        break;
    case SRIOV_VF_TRUST:
        snprintf(buf, len, "trust %s", c->trust ? "on" : "off");
        break;
    default:
        snprintf(buf, len, "link-state %s",
                 c->link_state >= 0 && c->link_state <= 2 ?
                 link[c->link_state] : "?");
        break;
    }
}

/*
 * As sriov_vf_config_apply() on a real driver: the groups in its order
 * (VLAN+QoS, MAC, spoofchk, trust, link state, rates), any refused but the
 * rates undoes them all, with the kernel's errno and libsriov's message.
 * fail/<vlan|mac|spoofchk|trust|link> refuses that setting whatever its
 * value, as a driver without it does (igb: fail/link = 95, EOPNOTSUPP).
 */
static int fake_vf_apply(plugin *p, const char *ifname, unsigned vf,
                         const sriov_vf_config *cfg, unsigned *failed)
{
    static const struct { unsigned group; const char *fail; } groups[] = {
        { SRIOV_VF_VLAN | SRIOV_VF_QOS, "vlan" }, { SRIOV_VF_MAC, "mac" },
        { SRIOV_VF_SPOOFCHK, "spoofchk" }, { SRIOV_VF_TRUST, "trust" },
        { SRIOV_VF_LINK_STATE, "link" },
    };
    sriov_vf_config c;
    char rel[96], buf[256];
    int r, rate = 0;

    *failed = 0;
    r = fake_vf_get(p, ifname, vf, &c);
    if (r < 0)
        return r;
    if (cfg->mask & SRIOV_VF_MAC)
        memcpy(c.mac, cfg->mac, 6);
    if (cfg->mask & SRIOV_VF_VLAN)
        c.vlan = cfg->vlan;
    if (cfg->mask & SRIOV_VF_QOS)
        c.qos = cfg->qos;
    else if (c.vlan == 0)
        c.qos = 0;
    if (cfg->mask & SRIOV_VF_SPOOFCHK)
        c.spoofchk = cfg->spoofchk;
    if (cfg->mask & SRIOV_VF_TRUST)
        c.trust = cfg->trust;
    if (cfg->mask & SRIOV_VF_LINK_STATE)
        c.link_state = cfg->link_state;
    for (size_t i = 0; i < sizeof(groups) / sizeof(*groups); i++) {
        char what[64];

        if (!(cfg->mask & groups[i].group) ||
            !(r = failure(p, groups[i].fail)))
            continue;
        *failed = cfg->mask & groups[i].group;
        describe(groups[i].group, &c, what, sizeof(what));
        return plugin_fail(p, r, "%s VF %u: the driver refused %s: %s",
                           ifname, vf, what, strerror(-r));
    }
    if (cfg->mask & SRIOV_VF_RATES) {
        if (failure(p, "rate")) {
            rate = 1;
            *failed = cfg->mask & SRIOV_VF_RATES;
        } else {
            if (cfg->mask & SRIOV_VF_MIN_TX_RATE)
                c.min_tx_rate = cfg->min_tx_rate;
            if (cfg->mask & SRIOV_VF_MAX_TX_RATE)
                c.max_tx_rate = cfg->max_tx_rate;
        }
    }
    snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x %u %u %d %d %d "
             "%u %u\n", c.mac[0], c.mac[1], c.mac[2], c.mac[3], c.mac[4],
             c.mac[5], c.vlan, c.qos, c.spoofchk, c.trust, c.link_state,
             c.min_tx_rate, c.max_tx_rate);
    nic_rel(rel, sizeof(rel), ifname, vf);
    r = plugin_fake_set(fake(p), rel, buf);
    if (r < 0)
        return plugin_fail(p, r, "fake: cannot write %s", rel);
    logline(p, "vf_apply %s %u", ifname, vf);
    if (rate)
        return plugin_fail(p, SRIOV_VF_RATE_REFUSED, "%s VF %u: the driver "
                           "refused min_tx_rate %u max_tx_rate %u (Mbps): "
                           "the NIC does not limit VF rates", ifname, vf,
                           cfg->min_tx_rate, cfg->max_tx_rate);
    return 0;
}

static int fake_assignable_add(plugin *p, const char *bdf)
{
    char rel[64];
    int r = failure(p, "assignable_add");

    if (r)
        return plugin_fail(p, r, "fake: libxl cannot make %s assignable",
                           bdf);
    r = plugin_pciback_take(p, bdf);
    if (r < 0)
        return r;
    snprintf(rel, sizeof(rel), "quarantined/%s", bdf);
    plugin_fake_set(fake(p), rel, "");
    logline(p, "assignable_add %s", bdf);
    return 0;
}

static int fake_assignable_remove(plugin *p, const char *bdf,
                                  const char *driver)
{
    char rel[64];

    /* libxl 4.17 fails to de-quarantine a VF it never quarantined; the
     * real backend then unbinds it itself, as here. */
    snprintf(rel, sizeof(rel), "quarantined/%s", bdf);
    plugin_fake_set(fake(p), rel, NULL);
    logline(p, "assignable_remove %s %s", bdf, driver ? driver : "");
    return plugin_pciback_give_back(p, bdf, driver);
}

static int fake_pci_attach(plugin *p, unsigned domid, const char *bdf)
{
    struct xs_handle *xs;
    char path[160], rel[PATH_MAX + 64], num[16], *s;
    _cleanup_free_ char *drv = NULL;
    struct stat st;
    unsigned len;
    int n, r = failure(p, "attach");

    if (r)
        return plugin_fail(p, r, "fake: libxl_device_pci_add failed");
    snprintf(rel, sizeof(rel), "%s/quarantined/%s", fake(p)->dir, bdf);
    if (stat(rel, &st) < 0 ||
        sriov_pci_get_driver(plugin_sriov_ctx(p), bdf, &drv) < 0 ||
        !streq_ptr(drv, SRIOV_PCIBACK_DRIVER))
        return plugin_fail(p, -EIO, "fake: libxl: %s is not assignable",
                           bdf);
    xs = xs_open(0);
    if (!xs)
        return plugin_fail(p, -EIO, "fake: no xenstored");
    if (!xs_is_domain_introduced(xs, domid)) {
        xs_close(xs);
        return plugin_fail(p, -EIO, "fake: libxl: no domain %u", domid);
    }
    snprintf(path, sizeof(path),
             "/local/domain/0/backend/pci/%u/0/num_devs", domid);
    s = xs_read(xs, XBT_NULL, path, &len);
    n = s ? atoi(s) : 0;
    free(s);
    snprintf(num, sizeof(num), "%d", n + 1);
    xs_write(xs, XBT_NULL, path, num, strlen(num));
    snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%u/0/dev-%d",
             domid, n);
    xs_write(xs, XBT_NULL, path, bdf, strlen(bdf));
    xs_close(xs);
    logline(p, "pci_attach %u %s", domid, bdf);
    return 0;
}

static int fake_pci_detach(plugin *p, unsigned domid, const char *bdf,
                           bool force)
{
    struct xs_handle *xs;
    char path[160], *s;
    unsigned len;
    int n, r = failure(p, "detach"), found = 0;

    if (r && !force)
        return plugin_fail(p, r, "fake: libxl_device_pci_remove failed");
    xs = xs_open(0);
    if (!xs)
        return plugin_fail(p, -EIO, "fake: no xenstored");
    snprintf(path, sizeof(path),
             "/local/domain/0/backend/pci/%u/0/num_devs", domid);
    s = xs_read(xs, XBT_NULL, path, &len);
    n = s ? atoi(s) : 0;
    free(s);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof(path),
                 "/local/domain/0/backend/pci/%u/0/dev-%d", domid, i);
        s = xs_read(xs, XBT_NULL, path, &len);
        if (s && strcmp(s, bdf) == 0) {
            xs_rm(xs, XBT_NULL, path);
            found = 1;
        }
        free(s);
    }
    xs_close(xs);
    if (!found)
        return plugin_fail(p, -EIO, "fake: libxl: %s is not attached to "
                           "domain %u", bdf, domid);
    logline(p, "pci_detach %u %s", domid, bdf);
    return 0;
}

const struct plugin_backend plugin_fake_backend = {
    .name = "fake",
    .host_caps = fake_host_caps,
    .domain_check = fake_domain_check,
    .iommu_group = fake_iommu_group,
    .vf_get = fake_vf_get,
    .vf_apply = fake_vf_apply,
    .assignable_add = fake_assignable_add,
    .assignable_remove = fake_assignable_remove,
    .pci_attach = fake_pci_attach,
    .pci_detach = fake_pci_detach,
};
