/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fixture of the plugin's tests: a private xenstored (xs-harness), a
 * simulated host (a sysfs tree from tests/fixtures/sysfs) that is also the
 * host root of the store, the records of one SR-IOV network on a PF, VIFs,
 * and pretend domains as libxl makes them (/local/domain/<domid>/vm,
 * /vm/<uuid>, xs_introduce_domain; death with xs_release_domain).
 * Header-only so each test binary stays one file.
 */
#ifndef XS_PLUGIN_TEST_H
#define XS_PLUGIN_TEST_H

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include "ops/plugin-error.h"
#include "plugin/plugin.h"
#include "store/store.h"
#include "tests/helpers/fixture.h"
#include "tests/helpers/xs-harness.h"

static char *pt_root;                 /* the simulated host, also the root */
static store *pt_st;
static struct xs_handle *pt_xs;
static char pt_domains[1024];         /* "0 5 7": what the shim reports */

/* The records of one SR-IOV network. */
struct pt_net {
    char host[37], network[37], phys_pif[37], logical_pif[37], ns[37];
    char pf[37];                      /* PF's PCI record */
    char vf[8][37];                   /* VF PCI records, by address */
    size_t n_vf;
};

#define ck_pt(expr) do {                                                  \
        int _r = (expr);                                                  \
        ck_assert_msg(_r >= 0, "%s = %d: %s", #expr, _r,                  \
                      store_last_error(pt_st));                           \
    } while (0)

static inline store_record *pt_rec(const char *cls, ...)
{
    store_record *r = NULL;
    const char *f, *v;
    va_list ap;

    ck_assert_int_eq(store_record_new(&r, cls), 0);
    va_start(ap, cls);
    while ((f = va_arg(ap, const char *))) {
        v = va_arg(ap, const char *);
        ck_assert_msg(store_record_set(r, schema_fid_find(f), v) == 0,
                      "set %s.%s", cls, f);
    }
    va_end(ap);
    return r;
}

static inline void pt_create(store_record *r, char uuid[37])
{
    int k = store_create(pt_st, r);

    ck_assert_msg(k == 0, "create %s: %d %s", store_record_class(r)->name,
                  k, store_last_error(pt_st));
    if (uuid)
        memcpy(uuid, store_record_uuid(r), 37);
    store_record_free(r);
}

/* Start a daemon and build @p manifest (NULL: none); open the store. */
static inline void pt_setup_with(const char *manifest)
{
    struct store_opts o = { 0 };
    char err[512];

    xs_harness_setup();
    pt_root = manifest ? fixture_new(manifest, NULL) : fixture_new_text("");
    o.root = pt_root;
    ck_assert_msg(store_open(&pt_st, &o, err, sizeof(err)) == 0, "%s", err);
    pt_xs = xs_open(0);
    ck_assert_ptr_nonnull(pt_xs);
    snprintf(pt_domains, sizeof(pt_domains), "0");
}

static inline void pt_teardown(void)
{
    if (pt_xs)
        xs_close(pt_xs);
    pt_xs = NULL;
    pt_st = store_close(pt_st);
    fixture_free(pt_root);
    pt_root = NULL;
    xs_harness_teardown();
}

/* The network on PF @p pf_bdf with VF records for @p vfs (NULL-ended). */
static inline void pt_network(struct pt_net *n, const char *pf_bdf, ...)
{
    const char *vf;
    va_list ap;

    memset(n, 0, sizeof(*n));
    pt_create(pt_rec("host", "name_label", "dom0", NULL), n->host);
    pt_create(pt_rec("network", "name_label", "sriov", NULL), n->network);
    pt_create(pt_rec("PCI", "pci_id", pf_bdf, "host", n->host,
                     "class_id", "020000", NULL), n->pf);
    pt_create(pt_rec("PIF", "device", "enp59s0f0", "host", n->host, "PCI",
                     n->pf, "capabilities", "sriov", NULL), n->phys_pif);
    pt_create(pt_rec("PIF", "device", "enp59s0f0", "host", n->host,
                     "network", n->network, "physical", "false",
                     "MAC", "fe:ff:ff:ff:ff:ff", NULL), n->logical_pif);
    pt_create(pt_rec("network_sriov", "physical_PIF", n->phys_pif,
                     "logical_PIF", n->logical_pif, "configuration_mode",
                     "sysfs", NULL), n->ns);
    va_start(ap, pf_bdf);
    while ((vf = va_arg(ap, const char *)) && n->n_vf < 8)
        pt_create(pt_rec("PCI", "pci_id", vf, "host", n->host,
                         "physical_function", n->pf, "class_id", "020000",
                         NULL), n->vf[n->n_vf++]);
    va_end(ap);
}

/* A VIF of VM @p vm on @p network; its uuid into @p uuid. */
static inline void pt_vif(const char *vm, const char *network,
                          const char *device, const char *mac,
                          char uuid[37])
{
    pt_create(pt_rec("VIF", "VM", vm, "network", network, "device", device,
                     "MAC", mac, NULL), uuid);
}

static inline void pt_set_domains(void)
{
    ck_assert_int_eq(xs_harness_set_domains(xs_harness_current(),
                                            pt_domains), 0);
}

/* A domain as libxl makes it: vm path, then introduced. */
static inline void pt_domain_new(unsigned domid, const char *vm)
{
    char path[128], val[128];

    snprintf(path, sizeof(path), "/vm/%s/uuid", vm);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, vm, strlen(vm)));
    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    snprintf(val, sizeof(val), "/vm/%s", vm);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, val, strlen(val)));
    snprintf(val, sizeof(val), " %u", domid);
    strncat(pt_domains, val, sizeof(pt_domains) - strlen(pt_domains) - 1);
    pt_set_domains();
    ck_assert(xs_introduce_domain(pt_xs, domid, 1, 1));
}

/* Take a domain off the harness's list of running domains (0 or
 * negative errno; no assertion: usable in a forked child). */
static inline int pt_domains_drop(unsigned domid)
{
    char tok[16];
    char *s;

    snprintf(tok, sizeof(tok), " %u", domid);
    if ((s = strstr(pt_domains, tok)))
        memmove(s, s + strlen(tok), strlen(s + strlen(tok)) + 1);
    return xs_harness_set_domains(xs_harness_current(), pt_domains);
}

/* The domain dies: xenstored releases it, libxl removes its nodes. */
static inline void pt_domain_destroy(unsigned domid)
{
    char path[128];

    ck_assert(xs_release_domain(pt_xs, domid));
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    xs_rm(pt_xs, XBT_NULL, path);
    snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%u", domid);
    xs_rm(pt_xs, XBT_NULL, path);
    ck_assert_int_eq(pt_domains_drop(domid), 0);
}

/* A PCI device in a domain's backend, as libxl_device_pci_add writes it
 * (pci=[...] in a domain config, or xl pci-attach). */
static inline void pt_domain_add_pci(unsigned domid, const char *bdf)
{
    char path[128], num[16];
    unsigned len;
    char *s;
    int n;

    snprintf(path, sizeof(path),
             "/local/domain/0/backend/pci/%u/0/num_devs", domid);
    s = xs_read(pt_xs, XBT_NULL, path, &len);
    n = s ? atoi(s) : 0;
    free(s);
    snprintf(num, sizeof(num), "%d", n + 1);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, num, strlen(num)));
    snprintf(path, sizeof(path), "/local/domain/0/backend/pci/%u/0/dev-%d",
             domid, n);
    ck_assert(xs_write(pt_xs, XBT_NULL, path, bdf, strlen(bdf)));
}

/* A field of a record, copied into a static buffer. */
static inline const char *pt_field(const char *cls, const char *uuid,
                                   enum schema_fid field)
{
    static char buf[4][256];
    static int k;
    store_record *r = NULL;

    ck_pt(store_get(pt_st, cls, uuid, &r));
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s", store_record_get(r, field));
    store_record_free(r);
    return buf[k];
}

/* A plugin on the test's host; dry-run unless @p backend. */
static inline plugin *pt_plugin(const struct plugin_backend *backend,
                                void *data)
{
    struct plugin_opts o = { .root = pt_root, .dry_run = !backend,
                             .backend = backend, .backend_data = data };
    struct xapi_error err = XAPI_ERROR_INIT;
    plugin *p = NULL;
    int r;

    r = ops_plugin_new(&p, &o, &err);
    ck_assert_msg(r == 0, "plugin_new: %d %s", r,
                  err.n_params ? err.params[0] : "");
    return p;
}

#endif
