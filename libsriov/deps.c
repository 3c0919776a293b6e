/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libpci and libnl, loaded on first use: why and how in deps.h. */
#include <assert.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define SRIOV_DEPS_NO_REDIRECT 1
#include "libsriov/deps.h"
#include "libsriov/lazy-sonames.h"

struct sriov__deps_fn sriov__fn;

/* One function: its name and where its pointer goes. */
struct dep_sym {
    const char *name;
    size_t offset;
};
#define DEP_SYM(f) { #f, offsetof(struct sriov__deps_fn, f) },

static const struct dep_sym pci_syms[] = { SRIOV_PCI_FUNCS(DEP_SYM) };
static const struct dep_sym nl_syms[] = { SRIOV_NL_FUNCS(DEP_SYM) };
static const struct dep_sym nl_route_syms[] = {
    SRIOV_NL_ROUTE_FUNCS(DEP_SYM)
};

/* A library: its soname (that of the one built against), its functions
 * and what libsriov does with it (for the message). */
struct dep_lib {
    const char *soname;
    const struct dep_sym *syms;
    size_t n_syms;
    const char *use;
};
#define DEP_LIB(soname, syms, use) { soname, syms, ELEMENTSOF(syms), use }

static const struct dep_lib pci_libs[] = {
    DEP_LIB(SONAME_PCI, pci_syms, "names from pci.ids"),
};
/* libnl-route-3 links libnl-3: libnl-3 first, so that its failure is
 * named as its own. */
static const struct dep_lib nl_libs[] = {
    DEP_LIB(SONAME_NL, nl_syms, "rtnetlink"),
    DEP_LIB(SONAME_NL_ROUTE, nl_route_syms, "rtnetlink"),
};

/* Per dependency: its libraries, and once loaded, 0 or the failure. */
static struct dep {
    const struct dep_lib *libs;
    size_t n_libs;
    pthread_once_t once;
    int r;
    char error[SRIOV_ERROR_MAX];
} deps[] = {
    [SRIOV_DEP_PCI] = { pci_libs, ELEMENTSOF(pci_libs), PTHREAD_ONCE_INIT,
                        0, "" },
    [SRIOV_DEP_NL] = { nl_libs, ELEMENTSOF(nl_libs), PTHREAD_ONCE_INIT,
                       0, "" },
};

static int load_lib(struct dep *d, const struct dep_lib *lib)
{
    /* Never closed: the process keeps using the pointers. */
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

    if (!h) {
        snprintf(d->error, sizeof(d->error), "cannot load %s (%s): "
                 "libsriov needs it for %s; install it", lib->soname,
                 dlerror(), lib->use);
        return -ELIBACC;
    }
    for (size_t i = 0; i < lib->n_syms; i++) {
        void *f = dlsym(h, lib->syms[i].name);

        if (!f) {
            snprintf(d->error, sizeof(d->error), "%s has no %s: libsriov "
                     "was built against another version; rebuild it",
                     lib->soname, lib->syms[i].name);
            return -ELIBBAD;
        }
        /* POSIX: a dlsym() result converts to a function pointer. */
        memcpy((char *)&sriov__fn + lib->syms[i].offset, &f, sizeof(f));
    }
    return 0;
}

static void load(enum sriov__dep dep)
{
    struct dep *d = &deps[dep];

    for (size_t i = 0; i < d->n_libs && d->r == 0; i++)
        d->r = load_lib(d, &d->libs[i]);
}

static void load_pci(void)
{
    load(SRIOV_DEP_PCI);
}

static void load_nl(void)
{
    load(SRIOV_DEP_NL);
}

int sriov__deps_load(sriov_ctx *ctx, enum sriov__dep dep)
{
    static void (*const loaders[])(void) = {
        [SRIOV_DEP_PCI] = load_pci,
        [SRIOV_DEP_NL] = load_nl,
    };
    struct dep *d = &deps[dep];
    int r;

    assert(dep < ELEMENTSOF(deps));
    r = pthread_once(&d->once, loaders[dep]);
    if (r != 0)
        return sriov__fail(ctx, -r, "pthread_once: %s", strerror(r));
    if (d->r < 0)
        return sriov__fail(ctx, d->r, "%s", d->error);
    return 0;
}
