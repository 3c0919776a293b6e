/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The durable snapshot: written on success, round trip through an empty
 * xenstored, hostile and broken files rejected without harm, the journal
 * after a crash, disk failures, the restoring marker. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <xenstore.h>

#include "tests/helpers/store-test.h"

/* ---- helpers ---- */

struct text {
    char *s;
    size_t len, cap;
};

static void text_add(struct text *t, const char *s)
{
    size_t n = strlen(s);

    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        ck_assert_ptr_nonnull(t->s);
    }
    memcpy(t->s + t->len, s, n + 1);
    t->len += n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "path = value" lines of every object node (not the meta nodes), sorted:
 * what must survive a snapshot round trip. */
static void dump(struct xs_handle *xs, const char *path, struct text *t,
                 int depth)
{
    unsigned n, i, len;
    char **d, *v, line[8192];

    v = xs_read(xs, XBT_NULL, path, &len);
    if (!v)
        return;
    d = xs_directory(xs, XBT_NULL, path, &n);
    if (depth >= 2 || (depth == 1 && n == 0)) {
        snprintf(line, sizeof(line), "%s = %s%s\n", path, v,
                 n ? " (dir)" : "");
        text_add(t, line);
    }
    free(v);
    if (d && n > 1)
        qsort(d, n, sizeof(*d), cmp_str);
    for (i = 0; d && i < n; i++) {
        char child[1024];

        if (depth == 0 && !schema_class_find_exact(d[i]))
            continue;           /* schema-version, generation, journal */
        snprintf(child, sizeof(child), "%s/%s", path, d[i]);
        dump(xs, child, t, depth + 1);
    }
    free(d);
}

static char *dump_store(void)
{
    struct text t = { 0 };
    struct xs_handle *xs = xs_open(0);

    ck_assert_ptr_nonnull(xs);
    text_add(&t, "");
    dump(xs, SCHEMA_ROOT, &t, 0);
    xs_close(xs);
    return t.s;
}

static void xs_put(const char *path, const char *value)
{
    struct xs_handle *xs = xs_open(0);

    ck_assert(xs_write(xs, XBT_NULL, path, value, strlen(value)));
    xs_close(xs);
}

static char *state_file(const char *name)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf), "%s/var/lib/xen-sriov/%s", test_root, name);
    return buf;
}

static char *read_text(const char *path)
{
    struct stat sb;
    char *s;
    FILE *f = fopen(path, "re");

    if (!f)
        return NULL;
    ck_assert_int_eq(fstat(fileno(f), &sb), 0);
    s = calloc(1, (size_t)sb.st_size + 1);
    ck_assert_uint_eq(fread(s, 1, (size_t)sb.st_size, f), (size_t)sb.st_size);
    fclose(f);
    return s;
}

static void write_text(const char *path, const char *s, size_t len)
{
    FILE *f = fopen(path, "we");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(s, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* A small consistent store touching sets, maps and references. */
static void workload(char net[37], char pif[37])
{
    char pif2[37], ns[37], vif[37];
    store_record *r;

    r = rec_new("network", "name_label", "net <&> \"x\"",
                "name_description", "line 1\nline 2\ttab", NULL);
    ck_store(store_record_map_put(r, SF_other_config, "xo:ip", "10.0.0.1"));
    ck_store(store_record_map_put(r, SF_other_config, "caf\xc3\xa9",
                                  "\xe2\x9c\x93"));
    created(st, r, net);
    created(st, rec_new("PIF", "device", "eth0", "network", net,
                        "capabilities", "sriov", NULL), pif);
    created(st, rec_new("PIF", "physical", "false", NULL), pif2);
    created(st, rec_new("network_sriov", "physical_PIF", pif,
                        "logical_PIF", pif2, "configuration_mode", "sysfs",
                        NULL), ns);
    r = rec_new("VIF", "VM", "11111111-2222-4333-8444-555555555555",
                "network", net, "MAC", "02:00:00:00:00:01", NULL);
    ck_store(store_record_map_put(r, SF_other_config, "vlan", "100"));
    created(st, r, vif);
}

/* ---- tests ---- */

static off_t file_size(const char *path)
{
    struct stat sb;

    return stat(path, &sb) < 0 ? -1 : sb.st_size;
}

START_TEST(test_snapshot_written_before_success_returns)
{
    char net[37], pif[37], *x;

    ck_assert_int_eq(access(state_file(STORE_SNAPSHOT_FILE), F_OK), -1);
    created(st, rec_new("network", "name_label", "first", NULL), net);
    /* On disk already: the first write makes the base. */
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 1);
    x = read_text(state_file(STORE_SNAPSHOT_FILE));
    ck_assert_ptr_nonnull(strstr(x, net));
    ck_assert_ptr_nonnull(strstr(x, "first"));
    free(x);
    /* Later ones are appended to the log, fsync'd before they return. */
    created(st, rec_new("PIF", "network", net, NULL), pif);
    ck_assert_int_gt(file_size(state_file(STORE_SNAPSHOT_FILE ".log")), 0);
    x = read_text(state_file(STORE_SNAPSHOT_FILE ".log"));
    ck_assert_ptr_nonnull(strstr(x, pif));
    ck_assert(strncmp(x, "XSL1 ", 5) == 0);
    free(x);
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 2);
    /* A full write folds the log in and keeps the previous base. */
    ck_store(store_snapshot_write(st));
    ck_assert_int_eq(file_size(state_file(STORE_SNAPSHOT_FILE ".log")), 0);
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 2);
    ck_assert_int_eq(store_snapshot_verify(st, state_file(
                                               STORE_SNAPSHOT_PREVIOUS)), 1);
    ck_store(store_destroy(st, "PIF", pif));
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 1);
    /* The journal is empty once saved. */
    {
        struct xs_handle *xs = xs_open(0);
        unsigned n = 99;
        char **d = xs_directory(xs, XBT_NULL,
                                SCHEMA_ROOT "/" SCHEMA_NODE_JOURNAL, &n);

        ck_assert_ptr_nonnull(d);
        ck_assert_uint_eq(n, 0);
        free(d);
        xs_close(xs);
    }
}
END_TEST

START_TEST(test_snapshot_log_torn_tail_and_damage)
{
    char net[37], a[37], b[37], *log;
    const char *logp;
    FILE *f;
    size_t len;

    created(st, rec_new("network", NULL), net);
    created(st, rec_new("network", NULL), a);
    created(st, rec_new("network", NULL), b);
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 3);
    logp = strdup(state_file(STORE_SNAPSHOT_FILE ".log"));

    /* A crash in the middle of an append: a partial frame at the end. */
    f = fopen(logp, "ae");
    fputs("XSL1 999 0123abcd\n<?xml version=", f);
    fclose(f);
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 3);
    /* ... and zeros from a file extended by the crash. */
    f = fopen(logp, "ae");
    fwrite("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
           "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 1, 44, f);
    fclose(f);
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 3);
    /* The next append cuts the torn end off. */
    ck_store(store_destroy(st, "network", a));
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 2);
    log = read_text(logp);
    ck_assert_ptr_null(strstr(log, "XSL1 999"));
    len = strlen(log);
    ck_assert_int_eq(file_size(logp), (off_t)len);
    /* Damage in the middle is not a torn tail: the snapshot is refused. */
    {
        char *p = strstr(log, b);

        ck_assert_ptr_nonnull(p);
        *p = *p == 'a' ? 'b' : 'a';
        write_text(logp, log, len);
    }
    ck_assert_int_eq(store_snapshot_verify(st, NULL), -EBADMSG);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "damaged"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), logp));
    /* A full write from xenstore repairs it. */
    ck_store(store_snapshot_write(st));
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 2);
    free(log);
    free((char *)logp);
}
END_TEST

START_TEST(test_snapshot_round_trip_through_empty_xenstored)
{
    char net[37], pif[37], *before, *after, *file;
    store_record *g = NULL;
    int k;

    workload(net, pif);
    before = dump_store();
    ck_assert_ptr_nonnull(strstr(before, "other_config/xo@3aip = 10.0.0.1"));
    ck_store(store_snapshot_write(st));
    file = read_text(state_file(STORE_SNAPSHOT_FILE));

    /* A reboot: a new, empty xenstored. */
    ck_assert_int_eq(xs_harness_kill(xs_harness_current()), 0);
    ck_assert_int_eq(xs_harness_restart(xs_harness_current()), 0);
    st = store_close(st);
    st = test_open(0);
    ck_assert_int_eq(store_get(st, "network", net, &g), -ENOENT);

    k = store_snapshot_load(st, NULL, 0);
    ck_assert_msg(k == 5, "load: %d %s", k, store_last_error(st));
    after = dump_store();
    ck_assert_str_eq(after, before);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);
    ck_store(store_get(st, "network", net, &g));
    ck_assert_str_eq(store_record_get(g, SF_name_label), "net <&> \"x\"");
    ck_assert_str_eq(store_record_get(g, SF_name_description),
                     "line 1\nline 2\ttab");
    ck_assert_str_eq(store_record_map_get(g, SF_other_config, "caf\xc3\xa9"),
                     "\xe2\x9c\x93");
    store_record_free(g);
    /* Loading the file it came from does not rewrite it. */
    {
        char *again = read_text(state_file(STORE_SNAPSHOT_FILE));

        ck_assert_str_eq(again, file);
        free(again);
    }
    /* Not into a store that has objects, unless asked to replace it. */
    ck_assert_int_eq(store_snapshot_load(st, NULL, 0), -EEXIST);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "not empty"));
    ck_assert_int_eq(store_snapshot_load(st, NULL, STORE_LOAD_REPLACE), 5);
    free(after);
    after = dump_store();
    ck_assert_str_eq(after, before);
    /* And writes continue as usual after a load. */
    ck_store(store_set_field(st, "network", net, SF_MTU, "9000"));
    free(before);
    free(after);
    free(file);
}
END_TEST

struct bad_file {
    const char *name;
    const char *xml;            /* NULL: built by the test */
    int err;
    const char *why;            /* substring of the message */
};

#define HEAD "<?xml version=\"1.0\"?>\n"
#define OBJ(cls, uuid) "<object class=\"" cls "\" uuid=\"" uuid "\">"
#define F(n, v) "<field name=\"" n "\">" v "</field>"
#define U1 "6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c"
#define U2 "0c1d2e3f-4a5b-4c7d-8e9f-a0b1c2d3e4f5"
#define U3 "1f2e3d4c-5b6a-4988-a7b6-c5d4e3f2a1b0"
#define NET_FIELDS F("uuid", U1) F("name_label", "n") \
    F("name_description", "") F("bridge", "") F("MTU", "1500") \
    F("managed", "true") F("other_config", "") F("PIFs", "") F("VIFs", "")

static const struct bad_file bad_files[] = {
    { "empty", "", -EBADMSG, "empty file" },
    { "garbage", "hello, world", -EBADMSG, "not XML" },
    { "another encoding",
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
      "<xen-sriov-store schema-version=\"2\"/>", -EBADMSG, "UTF-8" },
    { "not UTF-8",
      HEAD "<xen-sriov-store schema-version=\"2\">\xe9</xen-sriov-store>",
      -EBADMSG, "not UTF-8" },
    { "billion laughs",
      HEAD "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
      "<xen-sriov-store schema-version=\"2\">" OBJ("network", U1)
      F("name_label", "&lol3;") "</object></xen-sriov-store>",
      -EBADMSG, "rejected" },
    { "external entity (XXE)",
      HEAD "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
      "<xen-sriov-store schema-version=\"2\">" OBJ("network", U1)
      F("name_label", "&e;") "</object></xen-sriov-store>",
      -EBADMSG, "DTD" },
    { "external DTD",
      HEAD "<!DOCTYPE x SYSTEM \"http://example.invalid/x.dtd\">"
      "<xen-sriov-store schema-version=\"2\"/>", -EBADMSG, "DTD" },
    { "undeclared entity",
      HEAD "<xen-sriov-store schema-version=\"2\">" OBJ("network", U1)
      F("name_label", "&e;") "</object></xen-sriov-store>", -EBADMSG,
      "line" },
    { "processing instruction",
      HEAD "<?evil x?><xen-sriov-store schema-version=\"2\"/>", -EBADMSG,
      "unexpected" },
    { "newer schema", HEAD "<xen-sriov-store schema-version=\"99\"/>",
      -EPROTO, "upgrade" },
    { "wrong root", HEAD "<html/>", -EBADMSG, "not a xen-sriov snapshot" },
    { "unknown attribute",
      HEAD "<xen-sriov-store schema-version=\"2\" x=\"1\"/>", -EBADMSG,
      "unexpected attribute" },
    { "too deep",
      HEAD "<xen-sriov-store schema-version=\"2\">" OBJ("network", U1)
      "<field name=\"other_config\"><entry name=\"k\"><x/></entry></field>"
      "</object></xen-sriov-store>", -EBADMSG, "nested too deep" },
    { "duplicate object",
      HEAD "<xen-sriov-store schema-version=\"2\">" OBJ("network", U1)
      NET_FIELDS "</object>" OBJ("network", U1) NET_FIELDS
      "</object></xen-sriov-store>", -EBADMSG, "twice" },
    { "bad value",
      HEAD "<xen-sriov-store schema-version=\"2\">" OBJ("network", U1)
      F("uuid", U1) F("name_label", "n") F("name_description", "")
      F("bridge", "") F("MTU", "huge") F("managed", "true")
      F("other_config", "") F("PIFs", "") F("VIFs", "")
      "</object></xen-sriov-store>", -EBADMSG, "'MTU'" },
    { "missing field",
      HEAD "<xen-sriov-store schema-version=\"2\">" OBJ("network", U1)
      F("uuid", U1) "</object></xen-sriov-store>", -EBADMSG, "missing" },
    { "unknown class",
      HEAD "<xen-sriov-store schema-version=\"2\">" OBJ("VM", U1)
      F("uuid", U1) "</object></xen-sriov-store>", -EBADMSG, "VM" },
    { "unknown field",
      HEAD "<xen-sriov-store schema-version=\"2\">" OBJ("network", U1)
      NET_FIELDS F("colour", "red") "</object></xen-sriov-store>",
      -EBADMSG, "colour" },
    { "dangling reference",
      HEAD "<xen-sriov-store schema-version=\"2\">" OBJ("PIF", U2)
      F("uuid", U2) F("device", "e") F("MAC", "") F("MTU", "1500")
      F("host", "") F("network", U1) F("physical", "true") F("VLAN", "-1")
      F("PCI", "") F("capabilities", "") F("sriov_physical_PIF_of", "")
      F("sriov_logical_PIF_of", "") F("currently_attached", "true")
      F("managed", "true") F("other_config", "") F("disappeared", "false")
      "</object></xen-sriov-store>", -EBADMSG, "does not exist" },
    { "a VF reserved twice",
      HEAD "<xen-sriov-store schema-version=\"2\">"
      OBJ("PCI", U1) F("uuid", U1) F("pci_id", "0000:03:10.0")
      F("class_id", "") F("class_name", "") F("vendor_id", "")
      F("vendor_name", "") F("device_id", "") F("device_name", "")
      F("driver_name", "") F("host", "") F("dependencies", "")
      F("other_config", "") F("physical_function", "")
      F("iommu_group", "") F("scheduled_to_be_attached_to", "")
      F("reserved_domid", "-1") "</object>"
      OBJ("VIF", U2) F("uuid", U2) F("VM", U2) F("device", "0")
      F("network", "") F("MAC", "") F("MAC_autogenerated", "false")
      F("MTU", "1500")
      F("currently_attached", "false") F("locking_mode", "locked")
      F("reserved_pci", U1) "</object>"
      OBJ("VIF", U3) F("uuid", U3) F("VM", U3) F("device", "1")
      F("network", "") F("MAC", "") F("MAC_autogenerated", "false")
      F("MTU", "1500")
      F("currently_attached", "false") F("locking_mode", "locked")
      F("reserved_pci", U1) "</object></xen-sriov-store>",
      -EBADMSG, "does not name it back" },
    { "truncated", NULL, -EBADMSG, "line" },
    { "deep nesting", NULL, -EBADMSG, "nested too deep" },
    { "huge text", NULL, -EBADMSG, "longer than" },
};

START_TEST(test_snapshot_rejects_broken_and_hostile_files)
{
    const struct bad_file *b = &bad_files[_i];
    char net[37], pif[37], *before, *after, *good, *good2, path[1024];
    char *xml = NULL;
    int k;

    workload(net, pif);
    before = dump_store();
    good = read_text(state_file(STORE_SNAPSHOT_FILE));
    ck_assert_ptr_nonnull(good);

    if (b->xml) {
        xml = strdup(b->xml);
    } else if (!strcmp(b->name, "truncated")) {
        xml = strndup(good, strlen(good) * 2 / 3);
    } else if (!strcmp(b->name, "deep nesting")) {
        struct text t = { 0 };
        int i;

        text_add(&t, HEAD "<xen-sriov-store schema-version=\"2\">"
                 OBJ("network", U1) "<field name=\"other_config\">"
                 "<entry name=\"k\">");
        for (i = 0; i < 100000; i++)
            text_add(&t, "<a>");
        xml = t.s;
    } else {
        size_t n = 1 << 20, at;

        xml = malloc(n + 512);
        at = (size_t)sprintf(xml, HEAD "<xen-sriov-store schema-version="
                             "\"2\">" OBJ("network", U1)
                             "<field name=\"name_label\">");
        memset(xml + at, 'A', n);
        strcpy(xml + at + n, "</field></object></xen-sriov-store>");
    }
    snprintf(path, sizeof(path), "%s/bad.xml", test_root);
    write_text(path, xml, strlen(xml));

    k = store_snapshot_load(st, path, STORE_LOAD_REPLACE);
    ck_assert_msg(k == b->err, "%s: load gave %d (%s)", b->name, k,
                  store_last_error(st));
    ck_assert_msg(strstr(store_last_error(st), b->why), "%s: message '%s' "
                  "lacks '%s'", b->name, store_last_error(st), b->why);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), path));
    ck_assert_int_eq(store_snapshot_verify(st, path), b->err);

    /* Nothing was touched: xenstore, nor the last good snapshot. */
    after = dump_store();
    ck_assert_str_eq(after, before);
    good2 = read_text(state_file(STORE_SNAPSHOT_FILE));
    ck_assert_str_eq(good2, good);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);
    free(before);
    free(after);
    free(good);
    free(good2);
    free(xml);
}
END_TEST

START_TEST(test_snapshot_journal_survives_a_crash_after_commit)
{
    char net[37], other[37];
    struct xs_handle *xs;
    unsigned n;
    char **d, path[512];

    created(st, rec_new("network", "name_label", "before", NULL), net);
    /* A writer committed a change (and its journal entry) and died
     * before saving it. */
    snprintf(path, sizeof(path), "%s/network/%s/name_label", SCHEMA_ROOT,
             net);
    xs = xs_open(0);
    ck_assert_ptr_nonnull(xs);
    {
        xs_transaction_t t = xs_transaction_start(xs);
        char jpath[256];

        snprintf(jpath, sizeof(jpath), "%s/%s/0123456789abcdef", SCHEMA_ROOT,
                 SCHEMA_NODE_JOURNAL);
        ck_assert(xs_write(xs, t, path, "after", 5));
        ck_assert(xs_write(xs, t, jpath, path + strlen(SCHEMA_ROOT) + 1,
                           strlen("network/") + 36));
        ck_assert(xs_write(xs, t, SCHEMA_ROOT "/generation",
                           "0123456789abcdef", 16));
        ck_assert(xs_transaction_end(xs, t, false));
    }
    /* The next writer saves it along with its own change. */
    created(st, rec_new("network", "name_label", "other", NULL), other);
    d = xs_directory(xs, XBT_NULL, SCHEMA_ROOT "/" SCHEMA_NODE_JOURNAL, &n);
    ck_assert_uint_eq(n, 0);
    free(d);
    xs_close(xs);

    /* A reboot: the snapshot brings back both changes. */
    ck_assert_int_eq(xs_harness_kill(xs_harness_current()), 0);
    ck_assert_int_eq(xs_harness_restart(xs_harness_current()), 0);
    st = store_close(st);
    st = test_open(0);
    ck_assert_int_eq(store_snapshot_load(st, NULL, 0), 2);
    {
        store_record *g = NULL;

        ck_store(store_get(st, "network", net, &g));
        ck_assert_str_eq(store_record_get(g, SF_name_label), "after");
        store_record_free(g);
        ck_store(store_get(st, "network", other, &g));
        store_record_free(g);
    }
}
END_TEST

START_TEST(test_snapshot_disk_failure_is_reported_and_recovered)
{
    char net[37], net2[37], dir[1024];
    store_record *r, *g = NULL;
    struct xs_handle *xs;
    unsigned n;
    char **d;
    int k;

    created(st, rec_new("network", "name_label", "a", NULL), net);
    /* The state directory becomes unusable (a file in its way). */
    snprintf(dir, sizeof(dir), "%s/var/lib/xen-sriov", test_root);
    test_rm_rf(dir);
    write_text(dir, "x", 1);
    r = rec_new("network", "name_label", "b", NULL);
    k = store_create(st, r);
    ck_assert_int_lt(k, 0);
    ck_assert_ptr_nonnull(strstr(store_last_error(st),
                                 "in xenstore but not on disk"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), dir));
    ck_assert(store_last_committed(st));
    memcpy(net2, store_record_uuid(r), 37);
    store_record_free(r);
    /* Committed: visible, and remembered in the journal. */
    ck_store(store_get(st, "network", net2, &g));
    store_record_free(g);
    xs = xs_open(0);
    d = xs_directory(xs, XBT_NULL, SCHEMA_ROOT "/" SCHEMA_NODE_JOURNAL, &n);
    ck_assert_uint_eq(n, 1);
    free(d);

    /* Repaired: the next change saves both. */
    unlink(dir);
    ck_store(store_set_field(st, "network", net, SF_MTU, "9000"));
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 2);
    d = xs_directory(xs, XBT_NULL, SCHEMA_ROOT "/" SCHEMA_NODE_JOURNAL, &n);
    ck_assert_uint_eq(n, 0);
    free(d);
    xs_close(xs);
}
END_TEST

START_TEST(test_snapshot_restoring_marker_holds_everyone)
{
    char net[37], *before;
    store_record *g = NULL, *r;

    created(st, rec_new("network", NULL), net);
    before = dump_store();
    xs_put(SCHEMA_ROOT "/" SCHEMA_NODE_RESTORING, "0123456789abcdef");
    ck_assert_int_eq(store_get(st, "network", net, &g), -EAGAIN);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "restored"));
    r = rec_new("network", NULL);
    ck_assert_int_eq(store_create(st, r), -EAGAIN);
    store_record_free(r);
    /* An interrupted load is recovered by loading again. */
    ck_assert_int_eq(store_snapshot_load(st, NULL, 0), 1);
    ck_store(store_get(st, "network", net, &g));
    store_record_free(g);
    {
        char *after = dump_store();

        ck_assert_str_eq(after, before);
        free(after);
    }
    free(before);
}
END_TEST

START_TEST(test_snapshot_corrupt_base_is_reported_and_rebuilt)
{
    char net[37], net2[37];

    created(st, rec_new("network", NULL), net);
    write_text(state_file(STORE_SNAPSHOT_FILE), "<broken", 7);
    ck_assert_int_eq(store_snapshot_verify(st, NULL), -EBADMSG);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), STORE_SNAPSHOT_FILE));
    /* Writes go on (xenstore and the log) ... */
    created(st, rec_new("network", NULL), net2);
    /* ... and a full write rebuilds the base from xenstore. */
    ck_store(store_snapshot_write(st));
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 2);
}
END_TEST

START_TEST(test_snapshot_log_is_folded_into_the_base)
{
    char net[37], big[SCHEMA_VALUE_MAX + 1], *base;
    off_t most = 0, now;
    int i;

    created(st, rec_new("network", NULL), net);
    memset(big, 'x', SCHEMA_VALUE_MAX);
    big[SCHEMA_VALUE_MAX] = '\0';
    for (i = 0; i < 180; i++) {
        big[0] = (char)('a' + i % 26);
        ck_store(store_set_field(st, "network", net, SF_name_description,
                                 big));
        now = file_size(state_file(STORE_SNAPSHOT_FILE ".log"));
        if (now > most)
            most = now;
    }
    /* The log grew to about 256 KiB, then went into the base. */
    ck_assert_int_gt(most, 200 * 1024);
    ck_assert_int_lt(file_size(state_file(STORE_SNAPSHOT_FILE ".log")),
                     most);
    base = read_text(state_file(STORE_SNAPSHOT_FILE));
    ck_assert_ptr_nonnull(strstr(base, "xxxxxxxxxx"));
    free(base);
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 1);
    ck_assert_int_ge(store_snapshot_verify(st, state_file(
                                               STORE_SNAPSHOT_PREVIOUS)), 1);
}
END_TEST

/* Root never writes through a link planted in the state directory, and
 * refuses a state directory others may write. */
START_TEST(test_snapshot_state_dir_links_and_modes)
{
    char net[37], dir[1024], victim[1100], err[512];
    struct store_opts o = { .root = test_root };
    store *s2 = NULL;
    char *x;
    int k;

    created(st, rec_new("network", "name_label", "a", NULL), net);
    snprintf(dir, sizeof(dir), "%s/var/lib/xen-sriov", test_root);
    snprintf(victim, sizeof(victim), "%s/victim", test_root);
    write_text(victim, "keep", 4);
    /* The log and the next base's temporary file become links. */
    ck_assert_int_eq(unlink(state_file(STORE_SNAPSHOT_FILE ".log")) == 0 ||
                     errno == ENOENT, 1);
    ck_assert_int_eq(symlink(victim, state_file(STORE_SNAPSHOT_FILE ".log")),
                     0);
    ck_assert_int_eq(symlink(victim, state_file(STORE_SNAPSHOT_FILE ".tmp")),
                     0);
    k = store_set_field(st, "network", net, SF_MTU, "9000");
    ck_assert_int_lt(k, 0);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "not on disk"));
    k = store_snapshot_write(st);
    ck_assert_int_lt(k, 0);
    x = read_text(victim);
    ck_assert_str_eq(x, "keep");
    free(x);
    ck_assert_int_eq(unlink(state_file(STORE_SNAPSHOT_FILE ".log")), 0);
    /* A writer removes a temporary file it finds (a crashed writer's). */
    ck_assert_int_eq(unlink(state_file(STORE_SNAPSHOT_FILE ".tmp")) == 0 ||
                     errno == ENOENT, 1);
    ck_store(store_snapshot_write(st));

    /* A state directory others may write is refused, saying what to do. */
    ck_assert_int_eq(chmod(dir, 0777), 0);
    k = store_open(&s2, &o, err, sizeof(err));
    ck_assert_int_eq(k, -EPERM);
    ck_assert_ptr_null(s2);
    ck_assert_ptr_nonnull(strstr(err, "may be written by others"));
    ck_assert_ptr_nonnull(strstr(err, "chmod 755"));
    ck_assert_int_eq(chmod(dir, 0755), 0);
    k = store_open(&s2, &o, err, sizeof(err));
    ck_assert_msg(k == 0, "%s", err);
    store_close(s2);
}
END_TEST

/* ---- a real full or read-only filesystem ---- */

/*
 * A small tmpfs (mount options opts) on the state directory, in a mount
 * namespace of this test process alone (Check forks each test), so it
 * goes with the process.  Root only: false, with the reason, elsewhere.
 */
static bool small_fs(const char *opts)
{
    char dir[1024];

    snprintf(dir, sizeof(dir), "%s/var", test_root);
    mkdir(dir, 0755);
    snprintf(dir, sizeof(dir), "%s/var/lib", test_root);
    mkdir(dir, 0755);
    snprintf(dir, sizeof(dir), "%s/var/lib/xen-sriov", test_root);
    mkdir(dir, 0755);
    if (unshare(CLONE_NEWNS) < 0 ||
        mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
        mount("tmpfs", dir, "tmpfs", 0, opts) < 0) {
        fprintf(stderr, "SKIP %s: cannot mount a tmpfs on the state "
                "directory (%s): run the tests as root\n", __func__,
                strerror(errno));
        return false;
    }
    return true;
}

static unsigned long long fs_free(void)
{
    char dir[1024];
    struct statvfs v;

    snprintf(dir, sizeof(dir), "%s/var/lib/xen-sriov", test_root);
    ck_assert_int_eq(statvfs(dir, &v), 0);
    return (unsigned long long)v.f_bavail * v.f_frsize;
}

/* Take all but keep bytes of the filesystem with a filler file. */
static void fill(unsigned long long keep)
{
    static const char zeros[4096];
    unsigned long long avail = fs_free(), n = 0;
    int fd = open(state_file("filler"), O_WRONLY | O_CREAT | O_APPEND |
                  O_CLOEXEC, 0600);

    ck_assert_int_ge(fd, 0);
    while (avail > keep && n + sizeof(zeros) <= avail - keep &&
           write(fd, zeros, sizeof(zeros)) == (ssize_t)sizeof(zeros))
        n += sizeof(zeros);
    close(fd);
}

START_TEST(test_snapshot_full_disk_is_named)
{
    char net[37], net2[37];
    store_record *r;
    int k;

    if (!small_fs("size=64k"))
        return;
    created(st, rec_new("network", "name_label", "a", NULL), net);
    fill(0);
    r = rec_new("network", "name_label", "b", NULL);
    k = store_create(st, r);
    memcpy(net2, store_record_uuid(r), 37);
    store_record_free(r);
    ck_assert_int_eq(k, -ENOSPC);
    ck_assert(store_last_committed(st));
    ck_assert_ptr_nonnull(strstr(store_last_error(st),
                                 "No space left on device"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st),
                                 state_file(STORE_SNAPSHOT_FILE ".log")));
    ck_assert_ptr_nonnull(strstr(store_last_save_error(st),
                                 "No space left on device"));
    ck_assert_ptr_null(strstr(store_last_error(st), "Input/output"));
    /* Space again: the next change saves both. */
    ck_assert_int_eq(unlink(state_file("filler")), 0);
    ck_store(store_set_field(st, "network", net, SF_MTU, "9000"));
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 2);
}
END_TEST

START_TEST(test_snapshot_read_only_disk_is_named)
{
    char net[37], dir[1024];
    store_record *r;
    int k;

    if (!small_fs("size=64k"))
        return;
    created(st, rec_new("network", "name_label", "a", NULL), net);
    snprintf(dir, sizeof(dir), "%s/var/lib/xen-sriov", test_root);
    ck_assert_int_eq(mount("tmpfs", dir, "tmpfs", MS_REMOUNT | MS_RDONLY,
                           NULL), 0);
    r = rec_new("network", "name_label", "b", NULL);
    k = store_create(st, r);
    store_record_free(r);
    ck_assert_int_eq(k, -EROFS);
    ck_assert_ptr_nonnull(strstr(store_last_error(st),
                                 "Read-only file system"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "read-write"));
}
END_TEST

/*
 * A full write needs one copy beside the base: the older spare (.bak)
 * goes first.  With free space for half a base and a spare as big as the
 * base, it works (it needed three copies before); with no space at all,
 * it fails saying which file to delete, and the base still loads.
 */
START_TEST(test_snapshot_write_needs_one_extra_copy)
{
    char net[37], big[SCHEMA_VALUE_MAX + 1];
    store_record *r;
    off_t base;
    int i;

    if (!small_fs("size=1m"))
        return;
    memset(big, 'x', SCHEMA_VALUE_MAX);
    big[SCHEMA_VALUE_MAX] = '\0';
    for (i = 0; i < 60; i++)
        created(st, rec_new("network", "name_description", big, NULL), net);
    ck_store(store_snapshot_write(st));
    ck_store(store_snapshot_write(st));
    base = file_size(state_file(STORE_SNAPSHOT_FILE));
    ck_assert_int_gt(base, 100 * 1024);
    ck_assert_int_ge(file_size(state_file(STORE_SNAPSHOT_PREVIOUS)),
                     base - 4096);
    fill((unsigned long long)base / 2);
    ck_assert_msg(store_snapshot_write(st) == 0, "%s", store_last_error(st));
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 60);
    ck_assert_int_eq(store_snapshot_verify(st, state_file(
                                               STORE_SNAPSHOT_PREVIOUS)), 60);
    /* No room at all: a change is not saved, and the message says which
     * file to delete; done, the next change saves it. */
    fill(0);
    r = rec_new("network", "name_label", "late", NULL);
    ck_assert_int_eq(store_create(st, r), -ENOSPC);
    store_record_free(r);
    ck_assert_ptr_nonnull(strstr(store_last_error(st), "delete '"));
    ck_assert_ptr_nonnull(strstr(store_last_error(st),
                                 state_file(STORE_SNAPSHOT_PREVIOUS)));
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 60);
    ck_assert_int_eq(unlink(state_file(STORE_SNAPSHOT_PREVIOUS)), 0);
    ck_store(store_set_field(st, "network", net, SF_MTU, "9000"));
    ck_assert_int_eq(store_snapshot_verify(st, NULL), 61);
}
END_TEST

static Suite *snapshot_suite(void)
{
    Suite *s = suite_create("store-snapshot");
    TCase *tc = tcase_create("snapshot");
    TCase *bad = tcase_create("bad-files");

    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_snapshot_written_before_success_returns);
    tcase_add_test(tc, test_snapshot_round_trip_through_empty_xenstored);
    tcase_add_test(tc, test_snapshot_journal_survives_a_crash_after_commit);
    tcase_add_test(tc, test_snapshot_disk_failure_is_reported_and_recovered);
    tcase_add_test(tc, test_snapshot_restoring_marker_holds_everyone);
    tcase_add_test(tc, test_snapshot_corrupt_base_is_reported_and_rebuilt);
    tcase_add_test(tc, test_snapshot_log_torn_tail_and_damage);
    tcase_add_test(tc, test_snapshot_log_is_folded_into_the_base);
    tcase_add_test(tc, test_snapshot_state_dir_links_and_modes);
    tcase_add_test(tc, test_snapshot_full_disk_is_named);
    tcase_add_test(tc, test_snapshot_read_only_disk_is_named);
    tcase_add_test(tc, test_snapshot_write_needs_one_extra_copy);
    suite_add_tcase(s, tc);
    tcase_add_checked_fixture(bad, store_setup, store_teardown);
    tcase_set_timeout(bad, 300);
    tcase_add_loop_test(bad, test_snapshot_rejects_broken_and_hostile_files,
                        0, (int)(sizeof(bad_files) / sizeof(bad_files[0])));
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(snapshot_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
