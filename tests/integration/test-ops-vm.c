/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * VMs as Xen knows them (ops/ops-vm.c): xl config text through libxlutil
 * (real xl syntax, and hostile files: no uuid, bad uuid, binary junk, a
 * huge file, a FIFO), the config directories, and running domains in a
 * real xenstored written as libxl writes them.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenstore.h>

#include "libsriov/macro.h"
#include "tests/helpers/fixture.h"
#include "tests/helpers/xs-harness.h"
#include "ops/ops.h"
#include "ops/xapi-errors.h"

#define U1 "6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c"
#define U2 "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
#define MIB (INT64_C(1024) * 1024)

static struct ops_vm parse(const char *text)
{
    struct ops_vm vm;

    ck_assert_int_eq(ops_vm_parse_config(text, strlen(text), "/etc/xen/t.cfg",
                                         &vm), 0);
    return vm;
}

START_TEST(test_parse_real_xl_config)
{
    /* As xl.cfg(5) writes them: comments, lists, a trailing semicolon. */
    struct ops_vm vm = parse(
        "# An HVM guest\n"
        "name = \"win-10\"\n"
        "uuid = \"6B3F1C2E-8A1D-4F0E-9B7C-1D2E3F4A5B6C\";\n"
        "type = 'hvm'\n"
        "memory = 4096\n"
        "maxmem = 8192\n"
        "vcpus = 2\n"
        "maxvcpus = 8\n"
        "vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr0', 'bridge=xenbr1' ]\n"
        "disk = [ 'phy:/dev/vg/win,hda,w',\n"
        "         'file:/srv/win.iso,hdc:cdrom,r' ]\n"
        "on_crash = \"restart\"\n");

    ck_assert_str_eq(vm.uuid, U1);
    ck_assert_ptr_null(vm.problem);
    ck_assert_str_eq(vm.name_label, "win-10");
    ck_assert_str_eq(vm.domain_type, "hvm");
    ck_assert_int_eq(vm.memory_dynamic_max, 4096 * MIB);
    ck_assert_int_eq(vm.memory_static_max, 8192 * MIB);
    ck_assert_int_eq(vm.vcpus_at_startup, 2);
    ck_assert_int_eq(vm.vcpus_max, 8);
    ck_assert_int_eq(vm.domid, -1);
    ck_assert_str_eq(vm.power_state, "Halted");
    ck_assert_str_eq(vm.config, "/etc/xen/t.cfg");
    ops_vm_done(&vm);
}
END_TEST

START_TEST(test_parse_defaults_and_builder)
{
    /* libxl's defaults: PV, 32 MiB, 1 vCPU; builder="hvm" (xl < 4.10). */
    struct ops_vm vm = parse("uuid=\"" U2 "\"\n");

    ck_assert_str_eq(vm.domain_type, "pv");
    ck_assert_int_eq(vm.memory_static_max, 32 * MIB);
    ck_assert_int_eq(vm.vcpus_max, 1);
    ck_assert_str_eq(vm.name_label, "t");       /* the file's name */
    ops_vm_done(&vm);
    vm = parse("builder = \"hvm\"\nmemory = 512\nuuid=\"" U2 "\"\n");
    ck_assert_str_eq(vm.domain_type, "hvm");
    ck_assert_int_eq(vm.memory_static_max, 512 * MIB);
    ops_vm_done(&vm);
    /* A type libxl does not know: "unspecified", and nothing beside it
     * overwritten (the defaults stay). */
    vm = parse("type = \"hvm-ish\"\nuuid=\"" U2 "\"\n");
    ck_assert_str_eq(vm.domain_type, "unspecified");
    ck_assert_int_eq(vm.memory_static_max, 32 * MIB);
    ck_assert_int_eq(vm.memory_dynamic_max, 32 * MIB);
    ops_vm_done(&vm);
    /* Nonsense numbers keep the defaults. */
    vm = parse("memory = -5\nvcpus = 0\nmaxmem = \"big\"\nuuid=\"" U2 "\"\n");
    ck_assert_int_eq(vm.memory_static_max, 32 * MIB);
    ck_assert_int_eq(vm.vcpus_at_startup, 1);
    ops_vm_done(&vm);
}
END_TEST

START_TEST(test_parse_no_uuid_is_listed_with_the_reason)
{
    struct ops_vm vm = parse("name = \"db\"\nmemory = 256\n");

    ck_assert_str_eq(vm.uuid, "");
    ck_assert_str_eq(vm.name_label, "db");
    ck_assert_ptr_nonnull(vm.problem);
    ck_assert_ptr_nonnull(strstr(vm.problem, "/etc/xen/t.cfg has no uuid="));
    ops_vm_done(&vm);
}
END_TEST

START_TEST(test_parse_bad_uuids_are_never_made_up)
{
    static const char *const bad[] = {
        "uuid = \"not-a-uuid\"\n",
        "uuid = \"6b3f1c2e8a1d4f0e9b7c1d2e3f4a5b6c\"\n",     /* no dashes */
        "uuid = \"6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6\"\n",  /* 35 chars */
        "uuid = \"6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6g\"\n",
        "uuid = 12345\n",
        "uuid = [ \"" U1 "\" ]\n",
        "uuid = \"\\x01\\x02\"\n",
    };

    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
        struct ops_vm vm = parse(bad[i]);

        ck_assert_msg(vm.uuid[0] == '\0', "%s gave uuid %s", bad[i], vm.uuid);
        ck_assert_msg(vm.problem != NULL, "%s: no reason", bad[i]);
        for (const char *p = vm.problem; *p; p++)
            ck_assert_msg(*p >= 0x20 && *p < 0x7f, "unprintable reason");
        ops_vm_done(&vm);
    }
}
END_TEST

START_TEST(test_parse_junk)
{
    static const char nul[] = "uuid = \"\\\0\"\n";
    char junk[4096];
    struct ops_vm vm;
    unsigned s = 7;

    /* Binary junk, NULs included: a reason, never a crash or a uuid. */
    for (size_t i = 0; i < sizeof(junk); i++) {
        s = s * 1103515245u + 12345u;
        junk[i] = (char)(s >> 16);
    }
    ck_assert_int_eq(ops_vm_parse_config(junk, sizeof(junk), "/j.cfg", &vm),
                     0);
    ck_assert_str_eq(vm.uuid, "");
    ck_assert_ptr_nonnull(strstr(vm.problem, "NUL bytes"));
    ops_vm_done(&vm);
    /* A NUL inside a quoted string: libxlutil 4.17 would abort on it. */
    ck_assert_int_eq(ops_vm_parse_config(nul, sizeof(nul) - 1, "/n.cfg",
                                         &vm), 0);
    ck_assert_ptr_nonnull(strstr(vm.problem, "NUL bytes"));
    ops_vm_done(&vm);
    /* Junk without NULs reaches the parser and is refused by it. */
    for (size_t i = 0; i < sizeof(junk); i++)
        if (!junk[i])
            junk[i] = '"';
    ck_assert_int_eq(ops_vm_parse_config(junk, sizeof(junk), "/j.cfg", &vm),
                     0);
    ck_assert_str_eq(vm.uuid, "");
    ck_assert_ptr_nonnull(vm.problem);
    ops_vm_done(&vm);
    vm = parse("name = \"x\nuuid = \"" U1 "\"\n");  /* unterminated */
    ck_assert_str_eq(vm.uuid, "");
    ck_assert_ptr_nonnull(vm.problem);
    ops_vm_done(&vm);
    ck_assert_int_eq(ops_vm_parse_config("", 0, "/e.cfg", &vm), 0);
    ck_assert_str_eq(vm.name_label, "e");
    ck_assert_ptr_nonnull(vm.problem);
    ops_vm_done(&vm);
}
END_TEST

/* ---- directories and domains (a real xenstored) ---- */

static char *root;
static sriov_ctx *ctx;
static struct ops_ctx ops;
static struct xapi_error err = XAPI_ERROR_INIT;

static void write_file(const char *rel, const char *text, size_t len)
{
    char path[4096];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static void put(const char *rel, const char *text)
{
    write_file(rel, text, strlen(text));
}

static void xsw(struct xs_handle *xs, const char *path, const char *v)
{
    ck_assert(xs_write(xs, XBT_NULL, path, v, (unsigned)strlen(v)));
}

/* A running domain as libxl writes it (libxl_create.c, libxl_dom.c). */
static void domain(unsigned id, const char *uuid, const char *name)
{
    struct xs_handle *xs = xs_open(0);
    char p[128], v[64];

    ck_assert_ptr_nonnull(xs);
    snprintf(p, sizeof(p), "/local/domain/%u/vm", id);
    snprintf(v, sizeof(v), "/vm/%s", uuid);
    xsw(xs, p, v);
    snprintf(p, sizeof(p), "/local/domain/%u/name", id);
    xsw(xs, p, name);
    snprintf(p, sizeof(p), "/local/domain/%u/memory/target", id);
    xsw(xs, p, "262144");
    snprintf(p, sizeof(p), "/vm/%s/name", uuid);
    xsw(xs, p, name);
    snprintf(p, sizeof(p), "/libxl/%u/type", id);
    xsw(xs, p, "hvm");
    xs_close(xs);
}

static void setup(void)
{
    struct xs_handle *xs = xs_open(0);
    char path[4096];

    ck_assert_ptr_nonnull(xs);
    xs_rm(xs, XBT_NULL, "/local/domain");
    xs_rm(xs, XBT_NULL, "/vm");
    xs_rm(xs, XBT_NULL, "/libxl");
    xs_close(xs);
    root = fixture_new_text("");
    snprintf(path, sizeof(path), "%s/etc", root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/etc/xen", root);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/etc/xen/auto", root);
    mkdir(path, 0755);
    ck_assert_int_eq(sriov_ctx_new(&ctx), 0);
    ck_assert_int_eq(sriov_ctx_set_root(ctx, root), 0);
    ops = (struct ops_ctx){ .sriov = ctx, .caller = "test" };
}

static void teardown(void)
{
    xapi_error_clear(&err);
    sriov_ctx_free(ctx);
    fixture_free(root);
    root = NULL;
}

static struct ops_vm *list(size_t *n)
{
    struct ops_vm *v = NULL;

    ck_assert_int_eq(ops_vm_list(&ops, &v, n, &err), 0);
    return v;
}

START_TEST(test_list_dom0_only)
{
    size_t n;
    struct ops_vm *v = list(&n);

    ck_assert_uint_eq(n, 1);
    ck_assert(v[0].is_control_domain);
    ck_assert_int_eq(v[0].domid, 0);
    ck_assert_str_eq(v[0].uuid, "00000000-0000-0000-0000-000000000000");
    ck_assert_str_eq(v[0].power_state, "Running");
    ops_vm_list_free(v, n);
}
END_TEST

START_TEST(test_list_configs_and_domains)
{
    char path[4096], target[4096];
    struct ops_vm *v, one;
    size_t n;

    put("etc/xen/web.cfg", "name=\"web\"\nuuid=\"" U1 "\"\n");
    put("etc/xen/xl.conf", "autoballoon=0\n");   /* not a VM */
    put("etc/xen/web.cfg~", "name=\"old\"\n");   /* a backup */
    /* auto/ holds links to the configs: one VM, not two. */
    snprintf(path, sizeof(path), "%s/etc/xen/auto/web", root);
    snprintf(target, sizeof(target), "%s/etc/xen/web.cfg", root);
    ck_assert_int_eq(symlink(target, path), 0);
    put("etc/xen/auto/db", "name=\"db\"\nuuid=\"" U2 "\"\n");
    v = list(&n);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(v[1].name_label, "db");
    ck_assert_str_eq(v[2].name_label, "web");
    ck_assert_str_eq(v[2].power_state, "Halted");
    ops_vm_list_free(v, n);

    /* web runs as domain 4; a domain without config is a VM while it runs. */
    domain(4, U1, "web-live");
    domain(9, "11111111-2222-4333-8444-555555555555", "scratch");
    v = list(&n);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(ops_vm_find(&ops, U1, &one, &err), 0);
    ck_assert_int_eq(one.domid, 4);
    ck_assert_str_eq(one.name_label, "web-live");
    ck_assert_str_eq(one.domain_type, "hvm");
    ck_assert_int_eq(one.memory_actual, 256 * MIB);
    ck_assert_str_eq(one.power_state, "Running");
    ops_vm_done(&one);
    ck_assert_int_eq(ops_vm_find(&ops, "11111111-2222-4333-8444-555555555555",
                                 &one, &err), 0);
    ck_assert_ptr_null(one.config);
    ops_vm_done(&one);
    ops_vm_list_free(v, n);

    /* It dies: gone, and UUID_INVALID as XAPI says it. */
    {
        struct xs_handle *xs = xs_open(0);

        xs_rm(xs, XBT_NULL, "/local/domain/9");
        xs_close(xs);
    }
    ck_assert_int_eq(ops_vm_find(&ops, "11111111-2222-4333-8444-555555555555",
                                 &one, &err), -ENOENT);
    ck_assert_str_eq(err.code, XAPI_UUID_INVALID);
    ck_assert_str_eq(err.params[0], "VM");
}
END_TEST

START_TEST(test_list_two_domains_one_uuid)
{
    struct ops_vm *v;
    size_t n, without = 0;

    /* A migration's two ends, or a toolstack's mistake: one VM keeps the
     * uuid, the other domain is listed without it and says why. */
    domain(3, U1, "a");
    domain(8, U1, "a--incoming");
    v = list(&n);
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < n; i++)
        if (!*v[i].uuid) {
            without++;
            ck_assert_ptr_nonnull(strstr(v[i].problem, "has the uuid of"));
        }
    ck_assert_uint_eq(without, 1);
    ops_vm_list_free(v, n);
}
END_TEST

START_TEST(test_list_hostile_files)
{
    char path[4096];
    size_t n, big = 2 * 1024 * 1024;
    _cleanup_free_ char *huge = malloc(big);
    struct ops_vm *v;
    int found = 0;

    ck_assert_ptr_nonnull(huge);
    memset(huge, '#', big);
    write_file("etc/xen/huge.cfg", huge, big);
    /* A FIFO would block a reader that opens it without O_NONBLOCK. */
    snprintf(path, sizeof(path), "%s/etc/xen/fifo.cfg", root);
    ck_assert_int_eq(mkfifo(path, 0644), 0);
    snprintf(path, sizeof(path), "%s/etc/xen/dir.cfg", root);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    put("etc/xen/a.cfg", "uuid=\"" U1 "\"\n");
    put("etc/xen/b.cfg", "uuid=\"" U1 "\"\n");
    v = list(&n);
    ck_assert_uint_eq(n, 4);                    /* dom0, a, b, huge */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].name_label, "huge") == 0) {
            ck_assert_str_eq(v[i].uuid, "");
            ck_assert_ptr_nonnull(strstr(v[i].problem, "was not read"));
            found++;
        } else if (strcmp(v[i].name_label, "b") == 0) {
            /* Two configs, one uuid: the second is listed without it. */
            ck_assert_str_eq(v[i].uuid, "");
            ck_assert_ptr_nonnull(strstr(v[i].problem, "has the uuid of"));
            found++;
        } else if (strcmp(v[i].name_label, "a") == 0) {
            ck_assert_str_eq(v[i].uuid, U1);
            found++;
        }
    }
    ck_assert_int_eq(found, 3);
    ops_vm_list_free(v, n);
}
END_TEST

START_TEST(test_list_more_dirs)
{
    char path[4096];
    size_t n;
    struct ops_vm *v;

    snprintf(path, sizeof(path), "%s/srv", root);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/etc/xen-sriov", root);
    mkdir(path, 0755);
    put("etc/xen-sriov/vm-config-dirs",
        "# more xl configs\n/srv\nrelative/ignored\n");
    put("srv/guest", "name=\"guest\"\nuuid=\"" U2 "\"\n");
    v = list(&n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(v[1].uuid, U2);
    ck_assert_str_eq(v[1].config, "/srv/guest");
    ops_vm_list_free(v, n);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops-vm");
    TCase *tc = tcase_create("parse");
    TCase *xs = tcase_create("xenstore");

    tcase_add_test(tc, test_parse_real_xl_config);
    tcase_add_test(tc, test_parse_defaults_and_builder);
    tcase_add_test(tc, test_parse_no_uuid_is_listed_with_the_reason);
    tcase_add_test(tc, test_parse_bad_uuids_are_never_made_up);
    tcase_add_test(tc, test_parse_junk);
    suite_add_tcase(s, tc);
    tcase_add_unchecked_fixture(xs, xs_harness_setup, xs_harness_teardown);
    tcase_add_checked_fixture(xs, setup, teardown);
    tcase_set_timeout(xs, 120);
    tcase_add_test(xs, test_list_dom0_only);
    tcase_add_test(xs, test_list_configs_and_domains);
    tcase_add_test(xs, test_list_two_domains_one_uuid);
    tcase_add_test(xs, test_list_hostile_files);
    tcase_add_test(xs, test_list_more_dirs);
    suite_add_tcase(s, xs);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
