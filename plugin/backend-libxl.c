/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The real backend: Xen through libxl (and libxc for what libxl does not
 * say), VF settings through libsriov's rtnetlink code. */

/* The oldest libxl API this file is written against (Xen 4.13). */
#define LIBXL_API_VERSION 0x041300

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include <libxl.h>
#include <xenctrl.h>
#include <xentoollog.h>

#include "plugin/coldplug.h"
#include "plugin/internal.h"

/* libxl's log, forwarded to the plugin's; its last error kept for our
 * one-line messages ("passthrough not supported on this platform"). */
struct xl_logger {
    xentoollog_logger vtable;
    plugin *p;
    char last[512];
    bool no_iommu_ctx;              /* xc_assign_device: EOPNOTSUPP */
};

struct xl_state {
    struct xl_logger lg;
    libxl_ctx *ctx;
    xc_interface *xch;
    int intremap;                   /* once known, kept: -1 until then */
};

static void xl_vmessage(xentoollog_logger *logger, xentoollog_level level,
                        int errnoval, const char *context, const char *fmt,
                        va_list ap) __attribute__((format(printf, 5, 0)));

static void xl_vmessage(xentoollog_logger *logger, xentoollog_level level,
                        int errnoval, const char *context, const char *fmt,
                        va_list ap)
{
    struct xl_logger *lg = (struct xl_logger *)logger;
    char msg[512];
    int n, prio;

    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    if (n > 0 && (size_t)n < sizeof(msg) && msg[n - 1] == '\n')
        msg[n - 1] = '\0';
    if (errnoval >= 0 && strlen(msg) + 40 < sizeof(msg))
        snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), ": %s",
                 strerror(errnoval));
    prio = level >= XTL_ERROR ? LOG_ERR : level >= XTL_WARN ? LOG_WARNING :
           level >= XTL_INFO ? LOG_INFO : LOG_DEBUG;
    if (level >= XTL_ERROR)
        snprintf(lg->last, sizeof(lg->last), "%s", msg);
    /* libxl's own last line is "unable to add device": the cause comes
     * before it (a domain made without passthrough has no IOMMU
     * context, and Xen refuses the assignment). */
    if (strstr(msg, "xc_assign_device failed: Operation not supported"))
        lg->no_iommu_ctx = true;
    plugin_log(lg->p, prio, "%s%s%s", context ? context : "",
               context ? ": " : "", msg);
}

static void xl_progress(xentoollog_logger *logger, const char *context,
                        const char *doing_what, int percent,
                        unsigned long done, unsigned long total)
{
}

static void xl_destroy(xentoollog_logger *logger)
{
}

static struct xl_state *state_of(plugin *p)
{
    void *s = NULL;

    return plugin_backend_state(p, &s) < 0 ? NULL : s;
}

/* libxl's last error for a message, or a stand-in. */
static const char *last(struct xl_state *s)
{
    return *s->lg.last ? s->lg.last : "no details from libxl";
}

static void xl_close(void *state)
{
    struct xl_state *s = state;

    if (!s)
        return;
    if (s->ctx)
        libxl_ctx_free(s->ctx);
    if (s->xch)
        xc_interface_close(s->xch);
    free(s);
}

/* Interrupt remapping as Xen's boot messages say it ("Intel VT-d
 * Interrupt Remapping enabled.", "... not enabled.", AMD-Vi's "Interrupt
 * remapping enabled"), overruled by iommu=no-intremap on its command
 * line.  -1 when the console ring no longer holds the boot messages. */
static int intremap_state(struct xl_state *s)
{
    const libxl_version_info *vi = libxl_get_version_info(s->ctx);
    unsigned nr = 1u << 20;
    char *buf, *line, *save = NULL;
    int state = -1;

    if (vi && vi->commandline && strstr(vi->commandline, "no-intremap"))
        return 0;
    buf = malloc(nr + 1);
    if (!buf)
        return -1;
    if (xc_readconsolering(s->xch, buf, &nr, 0, 0, NULL) < 0) {
        free(buf);
        return -1;
    }
    buf[nr] = '\0';
    for (line = strtok_r(buf, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!strcasestr(line, "interrupt remapping"))
            continue;
        if (strcasestr(line, "not enabled") || strcasestr(line, "disabled"))
            state = 0;
        else if (strcasestr(line, "enabled"))
            state = 1;
    }
    free(buf);
    return state;
}

static int xl_open(plugin *p, void **ret)
{
    struct xl_state *s = calloc(1, sizeof(*s));
    int rc;

    if (!s)
        return plugin_fail(p, -ENOMEM, "out of memory");
    s->lg.vtable.vmessage = xl_vmessage;
    s->lg.vtable.progress = xl_progress;
    s->lg.vtable.destroy = xl_destroy;
    s->lg.p = p;
    s->intremap = -1;
    rc = libxl_ctx_alloc(&s->ctx, LIBXL_VERSION, 0, &s->lg.vtable);
    if (rc) {
        plugin_fail(p, -EOPNOTSUPP, "cannot reach the Xen hypervisor "
                    "(libxl: %s): run this in dom0 of a Xen host (xen-"
                    "sriovd --dry-run works without Xen)", last(s));
        xl_close(s);
        return -EOPNOTSUPP;
    }
    s->xch = xc_interface_open(&s->lg.vtable, &s->lg.vtable, 0);
    if (!s->xch) {
        plugin_fail(p, -EOPNOTSUPP, "cannot open libxc (%s): run this in "
                    "dom0 of a Xen host", last(s));
        xl_close(s);
        return -EOPNOTSUPP;
    }
    /* Early, while Xen's boot messages are still in its console ring. */
    s->intremap = intremap_state(s);
    *ret = s;
    return 0;
}

static int xl_host_caps(plugin *p, struct plugin_host_caps *ret)
{
    struct xl_state *s = state_of(p);
    libxl_physinfo info;
    int rc;

    if (!s)
        return -EOPNOTSUPP;
    libxl_physinfo_init(&info);
    rc = libxl_get_physinfo(s->ctx, &info);
    if (rc) {
        libxl_physinfo_dispose(&info);
        return plugin_fail(p, -EIO, "libxl_get_physinfo failed (%s)",
                           last(s));
    }
    ret->passthrough = info.cap_hvm_directio ? 1 : 0;
    libxl_physinfo_dispose(&info);
    /* Fixed at boot, and Xen's boot messages leave its console ring as
     * guests come and go: read once, keep the answer. */
    if (s->intremap < 0)
        s->intremap = intremap_state(s);
    ret->intremap = s->intremap;
    return 0;
}

static int parse_bdf(plugin *p, const char *bdf, unsigned *dom,
                     unsigned *bus, unsigned *dev, unsigned *fn)
{
    if (sscanf(bdf, "%4x:%2x:%2x.%1x", dom, bus, dev, fn) != 4)
        return plugin_fail(p, -EINVAL, "'%s' is not a PCI address", bdf);
    return 0;
}

static int xl_iommu_group(plugin *p, const char *bdf, char ***ret)
{
    struct xl_state *s = state_of(p);
    unsigned dom, bus, dev, fn;
    uint32_t sdevs[256], num = 0;
    char **v;
    int r;

    if (!s)
        return -EOPNOTSUPP;
    r = parse_bdf(p, bdf, &dom, &bus, &dev, &fn);
    if (r < 0)
        return r;
    /* XEN_DOMCTL_get_device_group: the devices of dom0 that Xen puts in
     * the same IOMMU context as this one (input seg<<16|bus<<8|devfn,
     * output bus<<16|devfn<<8). */
    if (xc_get_device_group(s->xch, 0, dom << 16 | bus << 8 | dev << 3 | fn,
                            256, &num, sdevs) < 0)
        return plugin_fail(p, errno == ENODEV ? -ENODEV : -EIO, "Xen "
                           "cannot tell the IOMMU group of %s (%s): enable "
                           "VT-d (Intel) or AMD-Vi in the firmware and boot "
                           "Xen with iommu=1", bdf, strerror(errno));
    v = calloc(num + 1, sizeof(*v));
    if (!v)
        return -ENOMEM;
    for (uint32_t i = 0; i < num && i < 256; i++) {
        unsigned b = (sdevs[i] >> 16) & 0xff, df = (sdevs[i] >> 8) & 0xff;

        if (asprintf(&v[i], "%04x:%02x:%02x.%x", dom, b, df >> 3,
                     df & 7) < 0) {
            strv_free(v);
            return -ENOMEM;
        }
    }
    *ret = v;
    return 0;
}

static int xl_vf_get(plugin *p, const char *pf_ifname, unsigned vf,
                     sriov_vf_config *ret)
{
    sriov_ctx *ctx = plugin_sriov_ctx(p);
    int r = sriov_vf_config_get(ctx, pf_ifname, vf, ret);

    return r < 0 ? plugin_fail(p, r, "%s", sriov_ctx_last_error(ctx)) : 0;
}

static int xl_vf_apply(plugin *p, const char *pf_ifname, unsigned vf,
                       const sriov_vf_config *cfg, unsigned *failed)
{
    sriov_ctx *ctx = plugin_sriov_ctx(p);
    int r = sriov_vf_config_apply(ctx, pf_ifname, vf, cfg, failed);

    if (r != 0)
        plugin_fail(p, r, "%s", sriov_ctx_last_error(ctx));
    return r;
}

int plugin_libxl_pci_init(plugin *p, libxl_device_pci *pci, const char *bdf)
{
    const struct plugin_pci_opts *o = &plugin_options(p)->pci;
    unsigned dom, bus, dev, fn;
    int r;

    r = parse_bdf(p, bdf, &dom, &bus, &dev, &fn);
    if (r < 0)
        return r;
    libxl_device_pci_init(pci);
    pci->domain = (int)dom;
    pci->bus = (uint8_t)bus;
    pci->dev = (uint8_t)dev;
    pci->func = (uint8_t)fn;
    pci->permissive = o->permissive;
    pci->msitranslate = o->msitranslate;
    pci->power_mgmt = o->power_mgmt;
#ifdef LIBXL_HAVE_DEVICE_PCI_SEIZE
    pci->seize = o->seize;
#endif
    if (o->rdm_policy == PLUGIN_RDM_STRICT)
        pci->rdm_policy = LIBXL_RDM_RESERVE_POLICY_STRICT;
    else if (o->rdm_policy == PLUGIN_RDM_RELAXED)
        pci->rdm_policy = LIBXL_RDM_RESERVE_POLICY_RELAXED;
    return 0;
}

static int xl_assignable_add(plugin *p, const char *bdf)
{
    struct xl_state *s = state_of(p);
    libxl_device_pci pci;
    int r, rc;

    if (!s)
        return -EOPNOTSUPP;
    r = plugin_libxl_pci_init(p, &pci, bdf);
    if (r < 0)
        return r;
    /* pciback first, by libsriov: it writes driver_override, without
     * which the kernel refuses the bind when the PF has
     * sriov_drivers_autoprobe=0 (libxl does not).  libxl then finds it
     * on pciback and quarantines it, and lists it as assignable. */
    r = plugin_pciback_take(p, bdf);
    if (r < 0) {
        libxl_device_pci_dispose(&pci);
        return r;
    }
    rc = libxl_device_pci_assignable_add(s->ctx, &pci, 0);
    libxl_device_pci_dispose(&pci);
    if (rc)
        return plugin_fail(p, -EIO, "libxl cannot make VF %s assignable "
                           "(%s)", bdf, last(s));
    return 0;
}

static bool is_assignable(struct xl_state *s, unsigned dom, unsigned bus,
                          unsigned dev, unsigned fn)
{
    libxl_device_pci *list;
    bool found = false;
    int num = 0;

    list = libxl_device_pci_assignable_list(s->ctx, &num);
    for (int i = 0; list && i < num; i++)
        if ((unsigned)list[i].domain == dom && list[i].bus == bus &&
            list[i].dev == dev && list[i].func == fn)
            found = true;
#ifdef LIBXL_HAVE_DEVICE_PCI_ASSIGNABLE_LIST_FREE
    libxl_device_pci_assignable_list_free(list, num);
#else
    for (int i = 0; list && i < num; i++)
        libxl_device_pci_dispose(&list[i]);
    free(list);
#endif
    return found;
}

static int xl_assignable_remove(plugin *p, const char *bdf,
                                const char *driver)
{
    struct xl_state *s = state_of(p);
    unsigned dom, bus, dev, fn;
    libxl_device_pci pci;
    int r, rc;

    if (!s)
        return -EOPNOTSUPP;
    r = parse_bdf(p, bdf, &dom, &bus, &dev, &fn);
    if (r < 0)
        return r;
    if (is_assignable(s, dom, bus, dev, fn) &&
        plugin_libxl_pci_init(p, &pci, bdf) == 0) {
        rc = libxl_device_pci_assignable_remove(s->ctx, &pci, 0);
        libxl_device_pci_dispose(&pci);
        /* libxl 4.17 refuses one it never quarantined (a crash between
         * our bind and its add): libsriov unbinds it below. */
        if (rc)
            plugin_log(p, LOG_WARNING, "libxl could not release VF %s "
                       "(%s), unbinding it from pciback directly", bdf,
                       last(s));
    }
    return plugin_pciback_give_back(p, bdf, driver);
}

#define NO_PASSTHROUGH "domain %u was created without PCI passthrough, so " \
    "it cannot be given a VF: add passthrough=\"enabled\" to its xl " \
    "config (or start it through the cold-plug API) and start it again"

/*
 * A domain created without PCI devices gets no IOMMU context unless its
 * config asks for one (passthrough="enabled"), and libxl then fails the
 * add ("xc_assign_device failed: Operation not supported").  libxl keeps
 * the config as given: DEFAULT without devices means disabled.
 */
static int xl_domain_check(plugin *p, unsigned domid)
{
#ifdef LIBXL_HAVE_CREATEINFO_PASSTHROUGH
    struct xl_state *s = state_of(p);
    libxl_domain_config cfg;
    bool off = false;
    int pt = -1;

    if (!s)
        return -EOPNOTSUPP;
    libxl_domain_config_init(&cfg);
    /* While xl create still runs, libxl may not have stored the config
     * yet: then the add itself tells (xl_pci_attach). */
    if (libxl_retrieve_domain_configuration(s->ctx, domid, &cfg, NULL) == 0) {
        pt = cfg.c_info.passthrough;
        off = pt == LIBXL_PASSTHROUGH_DISABLED ||
              (pt == LIBXL_PASSTHROUGH_DEFAULT && !cfg.num_pcidevs &&
               !cfg.num_dtdevs);
    }
    plugin_log(p, LOG_DEBUG, "domain %u: passthrough %s, %d PCI devices",
               domid, pt < 0 ? "unknown" : libxl_passthrough_to_string(
               (libxl_passthrough)pt), cfg.num_pcidevs);
    libxl_domain_config_dispose(&cfg);
    if (off)
        return plugin_fail(p, -EPERM, NO_PASSTHROUGH, domid);
#endif
    return 0;
}

static int xl_pci_attach(plugin *p, unsigned domid, const char *bdf)
{
    struct xl_state *s = state_of(p);
    libxl_device_pci pci;
    int r, rc;

    if (!s)
        return -EOPNOTSUPP;
    r = plugin_libxl_pci_init(p, &pci, bdf);
    if (r < 0)
        return r;
    s->lg.no_iommu_ctx = false;
    rc = libxl_device_pci_add(s->ctx, domid, &pci, NULL);
    libxl_device_pci_dispose(&pci);
    if (rc && s->lg.no_iommu_ctx)
        return plugin_fail(p, -EPERM, NO_PASSTHROUGH, domid);
    if (rc)
        return plugin_fail(p, -EIO, "libxl cannot attach VF %s to domain "
                           "%u (%s)", bdf, domid, last(s));
    return 0;
}

/* Whether libxl still lists the VF among the domain's PCI devices. */
static bool still_listed(struct xl_state *s, unsigned domid,
                         const libxl_device_pci *pci)
{
    libxl_device_pci *l;
    bool found = false;
    int n = 0;

    l = libxl_device_pci_list(s->ctx, domid, &n);
    for (int i = 0; l && i < n; i++)
        if (l[i].domain == pci->domain && l[i].bus == pci->bus &&
            l[i].dev == pci->dev && l[i].func == pci->func)
            found = true;
    if (l)
        libxl_device_pci_list_free(l, n);
    return found;
}

/*
 * libxl 4.17 takes a PV guest's device away from Xen, then waits 10 s for
 * the guest's pcifront to answer before it removes the device's xenstore
 * nodes; a guest slower than that (a loaded host) leaves the device listed
 * while libxl reports success, and a later plug of the VF fails.  The
 * removal is asked again (the guest has had its time meanwhile), and a
 * device still listed is an error, not a success.
 */
#define DETACH_TRIES 3

static int xl_pci_detach(plugin *p, unsigned domid, const char *bdf,
                         bool force)
{
    struct xl_state *s = state_of(p);
    libxl_device_pci pci;
    int r, rc = 0, i;

    if (!s)
        return -EOPNOTSUPP;
    r = plugin_libxl_pci_init(p, &pci, bdf);
    if (r < 0)
        return r;
    for (i = 0; i < DETACH_TRIES; i++) {
        rc = force ? libxl_device_pci_destroy(s->ctx, domid, &pci, NULL) :
                     libxl_device_pci_remove(s->ctx, domid, &pci, NULL);
        if (rc || !still_listed(s, domid, &pci))
            break;
        plugin_log(p, LOG_NOTICE, "VF %s still listed in domain %u after "
                   "libxl removed it (the guest answered late): removing "
                   "it again", bdf, domid);
    }
    libxl_device_pci_dispose(&pci);
    if (rc)
        return plugin_fail(p, -EIO, "libxl cannot detach VF %s from domain "
                           "%u (%s)%s", bdf, domid, last(s),
                           force ? "" : ": retry with force=true");
    if (i == DETACH_TRIES)
        return plugin_fail(p, -ETIMEDOUT, "VF %s is still listed in domain "
                           "%u after %d removals (its pcifront does not "
                           "answer): retry, or destroy the domain", bdf,
                           domid, DETACH_TRIES);
    return 0;
}

const struct plugin_backend plugin_backend_libxl = {
    .name = "libxl",
    .open = xl_open,
    .close = xl_close,
    .host_caps = xl_host_caps,
    .domain_check = xl_domain_check,
    .iommu_group = xl_iommu_group,
    .vf_get = xl_vf_get,
    .vf_apply = xl_vf_apply,
    .assignable_add = xl_assignable_add,
    .assignable_remove = xl_assignable_remove,
    .pci_attach = xl_pci_attach,
    .pci_detach = xl_pci_detach,
};
