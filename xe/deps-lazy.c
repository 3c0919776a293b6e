/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcurl, json-c, libxenlight, libxlutil and libxenctrl for the xe
 * program, each loaded on its first use, as xml-lazy.c does for libxml2.
 * xe starts once per command; at start the dynamic loader would map these
 * five and the ~40 libraries behind them (OpenSSL, GnuTLS, Kerberos,
 * LDAP, libxenguest...): 10-40 M cycles, several times a whole
 * `xe pif-param-get`, which needs none of them.  Only pool commands talk
 * to etcd (curl, json-c), and only VM and plug commands read xl configs or
 * call libxl.  These definitions of the functions xe calls come before the
 * libraries in xe's link, which uses --as-needed, so xe does not depend
 * on them at start; the first call dlopen()s the library and resolves the
 * function (bench-xe measures the difference).  Other programs link the
 * libraries as usual.
 *
 * The sonames come from the libraries built against (lazy-sonames.h,
 * made by xe/local.mk).  A library that cannot be loaded then is a broken
 * install (the xen-sriov package still depends on all five: xen-sriovd,
 * in the same package, links them): xe says which and exits 1.
 */
#define CURL_DISABLE_TYPECHECK 1
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <libxl.h>
#include <libxlutil.h>
#include <xenctrl.h>

#include "xe/lazy-sonames.h"

enum lib { L_CURL, L_JSONC, L_XENLIGHT, L_XLUTIL, L_XENCTRL, L_N };

static const char *const sonames[L_N] = {
    [L_CURL] = SONAME_CURL,
    [L_JSONC] = SONAME_JSONC,
    [L_XENLIGHT] = SONAME_XENLIGHT,
    [L_XLUTIL] = SONAME_XLUTIL,
    [L_XENCTRL] = SONAME_XENCTRL,
};

/* The program's state, not a library's: one handle per library. */
static void *handles[L_N];

static void *lazy_sym(enum lib l, const char *name)
{
    void *h = __atomic_load_n(&handles[l], __ATOMIC_ACQUIRE), *f;

    if (!h) {
        h = dlopen(sonames[l], RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            fprintf(stderr, "xe: cannot load %s (%s): reinstall xen-sriov's "
                    "dependencies\n", sonames[l], dlerror());
            exit(1);
        }
        __atomic_store_n(&handles[l], h, __ATOMIC_RELEASE);
    }
    f = dlsym(h, name);
    if (!f) {
        fprintf(stderr, "xe: %s has no %s: xe was built against another "
                "version; rebuild it\n", sonames[l], name);
        exit(1);
    }
    return f;
}

/* The function `name` of `lib`, resolved on the first call, in lazy_f. */
#define LAZY_RESOLVE(lib, name)                                            \
    static __typeof__(&name) fn;                                           \
    __typeof__(&name) lazy_f = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);     \
                                                                           \
    if (!lazy_f) {                                                         \
        lazy_f = (__typeof__(&name))lazy_sym(lib, #name);                  \
        __atomic_store_n(&fn, lazy_f, __ATOMIC_RELEASE);                   \
    }

/* One function: resolved on its first call, then called directly. */
#define LAZY(lib, ret, name, params, args)                                 \
    ret name params                                                        \
    {                                                                      \
        LAZY_RESOLVE(lib, name)                                            \
        return lazy_f args;                                                \
    }
#define LAZY_VOID(lib, name, params, args)                                 \
    void name params                                                       \
    {                                                                      \
        LAZY_RESOLVE(lib, name)                                            \
        lazy_f args;                                                       \
    }

/* ---- libcurl (pool/etcd.c) ---- */
LAZY(L_CURL, CURLcode, curl_global_init, (long flags), (flags))
LAZY(L_CURL, CURL *, curl_easy_init, (void), ())
LAZY_VOID(L_CURL, curl_easy_cleanup, (CURL *c), (c))
LAZY_VOID(L_CURL, curl_easy_reset, (CURL *c), (c))
LAZY(L_CURL, CURLcode, curl_easy_perform, (CURL *c), (c))
LAZY(L_CURL, const char *, curl_easy_strerror, (CURLcode e), (e))
LAZY(L_CURL, struct curl_slist *, curl_slist_append,
     (struct curl_slist *l, const char *s), (l, s))
LAZY_VOID(L_CURL, curl_slist_free_all, (struct curl_slist *l), (l))

/*
 * The two variadic calls take one argument after the option: a long, a
 * pointer, a function pointer or a curl_off_t.  Where long, curl_off_t
 * and pointers have one size (LP64: x86-64, arm64; asserted below) all
 * four are one integer-class argument, passed as a void * alike.
 */
_Static_assert(sizeof(long) == sizeof(void *) &&
               sizeof(curl_off_t) == sizeof(void *),
               "curl's variadic argument is forwarded as a void *");

/* One variadic call that takes one argument after `last`. */
#define LAZY_ONE_VA(lib, name, type, last)                                 \
    CURLcode name(CURL *c, type last, ...)                                 \
    {                                                                      \
        va_list ap;                                                        \
        void *arg;                                                         \
        LAZY_RESOLVE(lib, name)                                            \
                                                                           \
        va_start(ap, last);                                                \
        arg = va_arg(ap, void *);                                          \
        va_end(ap);                                                        \
        return lazy_f(c, last, arg);                                       \
    }
LAZY_ONE_VA(L_CURL, curl_easy_setopt, CURLoption, option)
LAZY_ONE_VA(L_CURL, curl_easy_getinfo, CURLINFO, info)

/* ---- json-c (pool/, xe/forward.c) ---- */
typedef struct json_object jo;
LAZY(L_JSONC, int, json_object_array_add, (jo *o, jo *v), (o, v))
LAZY(L_JSONC, jo *, json_object_array_get_idx, (const jo *o, size_t i),
     (o, i))
LAZY(L_JSONC, size_t, json_object_array_length, (const jo *o), (o))
LAZY(L_JSONC, jo *, json_object_get, (jo *o), (o))
LAZY(L_JSONC, json_bool, json_object_get_boolean, (const jo *o), (o))
LAZY(L_JSONC, int32_t, json_object_get_int, (const jo *o), (o))
LAZY(L_JSONC, int64_t, json_object_get_int64, (const jo *o), (o))
LAZY(L_JSONC, struct lh_table *, json_object_get_object, (const jo *o), (o))
LAZY(L_JSONC, const char *, json_object_get_string, (jo *o), (o))
LAZY(L_JSONC, int, json_object_is_type, (const jo *o, enum json_type t),
     (o, t))
LAZY(L_JSONC, jo *, json_object_new_array, (void), ())
LAZY(L_JSONC, jo *, json_object_new_int, (int32_t i), (i))
LAZY(L_JSONC, jo *, json_object_new_int64, (int64_t i), (i))
LAZY(L_JSONC, jo *, json_object_new_object, (void), ())
LAZY(L_JSONC, jo *, json_object_new_string, (const char *s), (s))
LAZY(L_JSONC, int, json_object_object_add,
     (jo *o, const char *k, jo *v), (o, k, v))
LAZY_VOID(L_JSONC, json_object_object_del, (jo *o, const char *k), (o, k))
LAZY(L_JSONC, json_bool, json_object_object_get_ex,
     (const jo *o, const char *k, jo **v), (o, k, v))
LAZY(L_JSONC, int, json_object_put, (jo *o), (o))
LAZY(L_JSONC, const char *, json_object_to_json_string_ext,
     (jo *o, int flags), (o, flags))
LAZY(L_JSONC, jo *, json_tokener_parse, (const char *s), (s))
/* pool/etcd.c: the watch's stream, parsed as it comes */
typedef struct json_tokener jtok;
LAZY(L_JSONC, jtok *, json_tokener_new, (void), ())
LAZY_VOID(L_JSONC, json_tokener_free, (jtok *t), (t))
LAZY(L_JSONC, enum json_tokener_error, json_tokener_get_error, (jtok *t),
     (t))
LAZY(L_JSONC, size_t, json_tokener_get_parse_end, (jtok *t), (t))
LAZY(L_JSONC, jo *, json_tokener_parse_ex, (jtok *t, const char *s, int n),
     (t, s, n))

/* ---- libxenlight (ops/ops-vm.c, plugin/) ---- */
LAZY(L_XENLIGHT, int, libxl_ctx_alloc,
     (libxl_ctx **c, int v, unsigned flags, xentoollog_logger *lg),
     (c, v, flags, lg))
LAZY(L_XENLIGHT, int, libxl_ctx_free, (libxl_ctx *c), (c))
LAZY(L_XENLIGHT, int, libxl_device_pci_add,
     (libxl_ctx *c, uint32_t d, libxl_device_pci *p,
      const libxl_asyncop_how *h), (c, d, p, h))
LAZY(L_XENLIGHT, int, libxl_device_pci_remove,
     (libxl_ctx *c, uint32_t d, libxl_device_pci *p,
      const libxl_asyncop_how *h), (c, d, p, h))
LAZY(L_XENLIGHT, int, libxl_device_pci_destroy,
     (libxl_ctx *c, uint32_t d, libxl_device_pci *p,
      const libxl_asyncop_how *h), (c, d, p, h))
LAZY(L_XENLIGHT, int, libxl_device_pci_assignable_add,
     (libxl_ctx *c, libxl_device_pci *p, int rebind), (c, p, rebind))
LAZY(L_XENLIGHT, int, libxl_device_pci_assignable_remove,
     (libxl_ctx *c, libxl_device_pci *p, int rebind), (c, p, rebind))
LAZY(L_XENLIGHT, libxl_device_pci *, libxl_device_pci_assignable_list,
     (libxl_ctx *c, int *n), (c, n))
LAZY_VOID(L_XENLIGHT, libxl_device_pci_assignable_list_free,
          (libxl_device_pci *l, int n), (l, n))
LAZY(L_XENLIGHT, libxl_device_pci *, libxl_device_pci_list,
     (libxl_ctx *c, uint32_t d, int *n), (c, d, n))
LAZY_VOID(L_XENLIGHT, libxl_device_pci_list_free,
          (libxl_device_pci *l, int n), (l, n))
LAZY_VOID(L_XENLIGHT, libxl_device_pci_init, (libxl_device_pci *p), (p))
LAZY_VOID(L_XENLIGHT, libxl_device_pci_dispose, (libxl_device_pci *p), (p))
LAZY_VOID(L_XENLIGHT, libxl_domain_config_init, (libxl_domain_config *p),
          (p))
LAZY_VOID(L_XENLIGHT, libxl_domain_config_dispose, (libxl_domain_config *p),
          (p))
LAZY(L_XENLIGHT, int, libxl_retrieve_domain_configuration,
     (libxl_ctx *c, uint32_t d, libxl_domain_config *p,
      const libxl_asyncop_how *h), (c, d, p, h))
LAZY(L_XENLIGHT, libxl_dominfo *, libxl_list_domain, (libxl_ctx *c, int *n),
     (c, n))
LAZY_VOID(L_XENLIGHT, libxl_dominfo_list_free, (libxl_dominfo *l, int n),
          (l, n))
LAZY(L_XENLIGHT, int, libxl_get_physinfo, (libxl_ctx *c, libxl_physinfo *p),
     (c, p))
LAZY_VOID(L_XENLIGHT, libxl_physinfo_init, (libxl_physinfo *p), (p))
LAZY_VOID(L_XENLIGHT, libxl_physinfo_dispose, (libxl_physinfo *p), (p))
LAZY(L_XENLIGHT, const libxl_version_info *, libxl_get_version_info,
     (libxl_ctx *c), (c))
LAZY(L_XENLIGHT, const char *, libxl_passthrough_to_string,
     (libxl_passthrough p), (p))
/* ops/ops-host-info.c: the host's sched-policy */
LAZY(L_XENLIGHT, int, libxl_get_scheduler, (libxl_ctx *c), (c))
LAZY(L_XENLIGHT, const char *, libxl_scheduler_to_string,
     (libxl_scheduler p), (p))

/* ---- libxlutil (ops/ops-vm.c: xl configs) ---- */
LAZY(L_XLUTIL, XLU_Config *, xlu_cfg_init, (FILE *f, const char *name),
     (f, name))
LAZY_VOID(L_XLUTIL, xlu_cfg_destroy, (XLU_Config *c), (c))
LAZY(L_XLUTIL, int, xlu_cfg_readdata,
     (XLU_Config *c, const char *data, int len), (c, data, len))
LAZY(L_XLUTIL, int, xlu_cfg_get_long,
     (const XLU_Config *c, const char *n, long *v, int dont_warn),
     (c, n, v, dont_warn))
LAZY(L_XLUTIL, int, xlu_cfg_get_string,
     (const XLU_Config *c, const char *n, const char **v, int dont_warn),
     (c, n, v, dont_warn))

/* ---- libxenctrl (plugin/: IOMMU groups, the console ring) ---- */
LAZY(L_XENCTRL, xc_interface *, xc_interface_open,
     (xentoollog_logger *l, xentoollog_logger *dl, unsigned flags),
     (l, dl, flags))
LAZY(L_XENCTRL, int, xc_interface_close, (xc_interface *x), (x))
LAZY(L_XENCTRL, int, xc_get_device_group,
     (xc_interface *x, uint32_t d, uint32_t sbdf, uint32_t max,
      uint32_t *num, uint32_t *arr), (x, d, sbdf, max, num, arr))
LAZY(L_XENCTRL, int, xc_readconsolering,
     (xc_interface *x, char *buf, unsigned int *n, int clear, int incr,
      uint32_t *index), (x, buf, n, clear, incr, index))
