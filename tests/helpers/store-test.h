/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fixture of the store's tests: a private xenstored (xs-harness), a temp
 * host root for the snapshot, an open store, and a few record builders.
 * Header-only so each test binary stays one file.
 */
#ifndef XS_STORE_TEST_H
#define XS_STORE_TEST_H

#include <check.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/helpers/xs-harness.h"

static char *test_root;         /* mkdtemp host root: <root>/var/lib/... */
static store *st;               /* the store of the current test */

static int test_rm_one(const char *path, const struct stat *sb, int flag,
                       struct FTW *ftw)
{
    (void)sb; (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static inline void test_rm_rf(const char *dir)
{
    nftw(dir, test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline store *test_open(unsigned flags)
{
    struct store_opts o = { .root = test_root, .flags = flags };
    char err[512];
    store *s = NULL;
    int r;

    r = store_open(&s, &o, err, sizeof(err));
    ck_assert_msg(r == 0, "store_open: %d %s", r, err);
    return s;
}

static inline void store_setup(void)
{
    const char *tmp = getenv("TMPDIR");
    char buf[512];

    xs_harness_setup();
    snprintf(buf, sizeof(buf), "%s/store-test.XXXXXX",
             tmp && *tmp ? tmp : P_tmpdir);
    ck_assert_ptr_nonnull(mkdtemp(buf));
    test_root = strdup(buf);
    st = test_open(0);
}

static inline void store_teardown(void)
{
    st = store_close(st);
    if (test_root && !getenv("XS_HARNESS_KEEP"))
        test_rm_rf(test_root);
    free(test_root);
    test_root = NULL;
    xs_harness_teardown();
}

#define ck_store(expr) do {                                               \
        int _r = (expr);                                                  \
        ck_assert_msg(_r >= 0, "%s = %d: %s", #expr, _r,                  \
                      store_last_error(st));                              \
    } while (0)

/* A new record with some fields set (name=value pairs, NULL-ended). */
static inline store_record *rec_new(const char *cls, ...)
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

/* Create a record and return its uuid (static buffer per call site). */
static inline void created(store *s, store_record *r, char uuid[37])
{
    int k = store_create(s, r);

    ck_assert_msg(k == 0, "create %s: %d %s",
                  store_record_class(r)->name, k, store_last_error(s));
    memcpy(uuid, store_record_uuid(r), 37);
    store_record_free(r);
}

#endif
