/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Store figures next to the stock xenstore clients, on a private daemon. */
/*
 * bench-store [NETWORKS [VIFS]]   (defaults 1024 and 4096)
 *
 * Starts its own xenstored (tests/helpers harness), fills the store with
 * NETWORKS networks and VIFS VIF records, then times, in the same run:
 *   list-all    store_list   vs `xenstore-ls -f` of the same subtree
 *   get-one     store_get    vs one `xenstore-read` of every field of a
 *                              record, and vs libxenstore xs_read calls
 *   create-one  store_create (durable and xenstore-only) vs one
 *                              `xenstore-write` of every field, and vs
 *                              libxenstore xs_write calls in a transaction
 *   snapshot    store_snapshot_write (everything) and the journal flush of
 *                              one change vs `xenstore-ls -f > file` + fsync
 * and prints time per operation, the ratio to the stock client, and
 * xenstore requests and round trips per record.  It prints figures only:
 * nothing here asserts a speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "store/store.h"
#include "bench/bench-common.h"





static void die(const char *what, store *s)
{
    fprintf(stderr, "bench-store: %s: %s\n", what,
            s ? store_last_error(s) : xs_harness_error());
    bench_cleanup();
    exit(1);
}

/* Run argv with stdout to out (NULL: /dev/null); seconds it took. */
static double run(char *const argv[], const char *out)
{
    double t0 = now();
    pid_t pid = fork();
    int status;

    if (pid < 0) {
        perror("fork");
        exit(1);
    }
    if (pid == 0) {
        int fd = open(out ? out : "/dev/null",
                      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench-store: %s failed\n", argv[0]);
        bench_cleanup();
        exit(1);
    }
    return now() - t0;
}

struct fill {
    int first, count;
    const char *net;
    const char *cls;
};

static int fill_fn(store_tx *tx, void *userdata)
{
    struct fill *f = userdata;
    int i, k = 0;

    for (i = 0; i < f->count && k >= 0; i++) {
        store_record *r = NULL;
        char label[32], mac[32];

        k = store_record_new(&r, f->cls);
        if (k < 0)
            break;
        snprintf(label, sizeof(label), "bench-%d", f->first + i);
        if (!strcmp(f->cls, "network")) {
            k = store_record_set(r, SF_name_label, label);
            if (k >= 0)
                k = store_record_map_put(r, SF_other_config, "purpose",
                                         "bench");
        } else {
            snprintf(mac, sizeof(mac), "02:00:%02x:%02x:%02x:%02x",
                     (f->first + i) >> 24 & 255, (f->first + i) >> 16 & 255,
                     (f->first + i) >> 8 & 255, (f->first + i) & 255);
            k = store_record_set(r, SF_VM,
                                 "11111111-2222-4333-8444-555555555555");
            if (k >= 0)
                k = store_record_set(r, SF_device, "0");
            if (k >= 0)
                k = store_record_set(r, SF_network, f->net);
            if (k >= 0)
                k = store_record_set(r, SF_MAC, mac);
            if (k >= 0)
                k = store_record_map_put(r, SF_other_config, "vlan", "100");
            if (k >= 0)
                k = store_record_map_put(r, SF_qos_algorithm_params, "kbps",
                                         "10240");
        }
        if (k >= 0)
            k = store_tx_create(tx, r);
        store_record_free(r);
    }
    return k;
}

/* Create n records of cls, 16 per transaction (xenstored's transactions
 * grow quadratically with their size: docs/store.md). */
static void populate(store *s, const char *cls, int n, const char *net)
{
    int i;

    for (i = 0; i < n; i += 16) {
        struct fill f = { i, n - i < 16 ? n - i : 16, net, cls };

        if (store_transact(s, fill_fn, &f) < 0)
            die("populate", s);
    }
}

struct row {
    const char *op;
    double ours, stock;
    const char *stock_name;
    double requests, round_trips;   /* per record, < 0: not applicable */
};

static void print_row(const struct row *r)
{
    printf("%-26s %11.3f ms %11.3f ms  %-24s %6.2fx",
           r->op, r->ours * 1e3, r->stock * 1e3, r->stock_name,
           r->ours > 0 ? r->stock / r->ours : 0);
    if (r->requests >= 0)
        printf("  %7.2f req/rec  %7.3f rt/rec", r->requests, r->round_trips);
    printf("\n");
}

static void stats_since(store *s, const struct store_stats *a, double per,
                        struct row *r)
{
    struct store_stats b;

    store_get_stats(s, &b);
    r->requests = (double)(b.requests - a->requests) / per;
    r->round_trips = (double)(b.round_trips - a->round_trips) / per;
}

int main(int argc, char **argv)
{
    int nets = argc > 1 ? atoi(argv[1]) : 1024;
    int vifs = argc > 2 ? atoi(argv[2]) : 4096;
    struct store_opts o = { .flags = STORE_OPEN_NO_SNAPSHOT };
    struct store_stats s0;
    store *fast = NULL, *durable = NULL;
    store_record **v = NULL, *rec;
    char root[] = "/tmp/bench-store.XXXXXX", err[512], net[37], vif[37];
    char subtree[128], dumpfile[512];
    struct xs_handle *xs;
    struct row r;
    size_t n, i;
    double t0;
    int reps;

    if (nets <= 0 || vifs <= 0) {
        fprintf(stderr, "usage: bench-store [NETWORKS [VIFS]]\n");
        return 2;
    }
    if (xs_harness_start(&harness, NULL) < 0)
        die("cannot start xenstored", NULL);
    {
        const char *tmp = getenv("TMPDIR");

        if (tmp && *tmp && strlen(tmp) < 400) {
            static char buf[512];

            snprintf(buf, sizeof(buf), "%s/bench-store.XXXXXX", tmp);
            if (!mkdtemp(buf))
                die("mkdtemp", NULL);
            state_root = strdup(buf);
        } else {
            if (!mkdtemp(root))
                die("mkdtemp", NULL);
            state_root = strdup(root);
        }
        if (!state_root)
            die("out of memory", NULL);
        o.root = state_root;
    }
    if (store_open(&fast, &o, err, sizeof(err)) < 0) {
        fprintf(stderr, "bench-store: %s\n", err);
        bench_cleanup();
        return 1;
    }
    o.flags = 0;
    if (store_open(&durable, &o, err, sizeof(err)) < 0) {
        fprintf(stderr, "bench-store: %s\n", err);
        bench_cleanup();
        return 1;
    }

    printf("bench-store: %d networks, %d VIFs, private xenstored, state in "
           "%s\n", nets, vifs, o.root);
    t0 = now();
    populate(fast, "network", nets, NULL);
    if (store_list(fast, "network", NULL, 0, 0, &v, &n) < 0)
        die("list", fast);
    memcpy(net, store_record_uuid(v[0]), 37);
    store_record_list_free(v, n);
    populate(fast, "VIF", vifs, net);
    printf("populated in %.2f s (16 records per transaction)\n\n",
           now() - t0);
    printf("%-26s %14s %14s  %-24s %7s\n", "operation", "store",
           "stock client", "(stock)", "ratio");

    /* list-all */
    {
        const char *classes[] = { "network", "VIF" };

        for (i = 0; i < 2; i++) {
            char op[64];
            char *ls[] = { "xenstore-ls", "-f", subtree, NULL };

            snprintf(subtree, sizeof(subtree), "%s/%s", SCHEMA_ROOT,
                     classes[i]);
            store_get_stats(fast, &s0);
            t0 = now();
            if (store_list(fast, classes[i], NULL, 0, 0, &v, &n) < 0)
                die("list", fast);
            r.ours = now() - t0;
            stats_since(fast, &s0, (double)n, &r);
            if (i == 1)
                memcpy(vif, store_record_uuid(v[n / 2]), 37);
            store_record_list_free(v, n);
            r.stock = run(ls, NULL);
            snprintf(op, sizeof(op), "list-all %s (%zu)", classes[i], n);
            r.op = op;
            r.stock_name = "xenstore-ls -f";
            print_row(&r);
        }
    }

    /* get-one: a VIF, averaged */
    {
        const struct schema_class *c = schema_class_find("VIF");
        char *argv_read[64], paths[64][160];
        int k = 0;
        unsigned len;

        reps = 500;
        store_get_stats(fast, &s0);
        t0 = now();
        for (i = 0; i < (size_t)reps; i++) {
            if (store_get(fast, "VIF", vif, &rec) < 0)
                die("get", fast);
            store_record_free(rec);
        }
        r.ours = (now() - t0) / reps;
        stats_since(fast, &s0, reps, &r);
        argv_read[k++] = "xenstore-read";
        for (i = 1; i < c->n_fields; i++)
            if (schema_field_stored(&c->fields[i]) &&
                !schema_field_is_dir(&c->fields[i])) {
                snprintf(paths[k], sizeof(paths[k]), "%s/VIF/%s/%s",
                         SCHEMA_ROOT, vif, c->fields[i].name);
                argv_read[k] = paths[k];
                k++;
            }
        argv_read[k] = NULL;
        t0 = now();
        for (i = 0; i < 20; i++)
            run(argv_read, NULL);
        r.stock = (now() - t0) / 20;
        r.op = "get-one VIF";
        r.stock_name = "xenstore-read (1 proc)";
        print_row(&r);

        xs = xs_open(0);
        t0 = now();
        for (i = 0; i < (size_t)reps; i++)
            for (int j = 1; j < k; j++)
                free(xs_read(xs, XBT_NULL, argv_read[j], &len));
        r.stock = (now() - t0) / reps;
        r.op = "get-one VIF";
        r.stock_name = "libxenstore xs_read";
        r.requests = -1;
        print_row(&r);
        xs_close(xs);
    }

    /* create-one: a VIF.  The stock clients write the same record (every
     * scalar field and one entry per map) into the same VIF directory, so
     * xenstored does the same work; those records are removed after. */
    {
        const struct schema_class *c = schema_class_find("VIF");
        char *argv_write[96], pths[48][200], vals[48][64];
        char stock_uuids[128][37];
        int k, j, n_stock = 0, n_fields = 0;
        struct fill f = { vifs + 1000, 1, net, "VIF" };
        double stock_proc;

        /* One record's nodes and values, for a given uuid. */
#define STOCK_RECORD(uuid)                                                  \
        do {                                                                \
            n_fields = 0;                                                   \
            for (size_t fi = 0; fi < c->n_fields; fi++) {                   \
                const struct schema_field *fd = &c->fields[fi];             \
                const char *val = fd->default_value ? fd->default_value : ""; \
                                                                            \
                if (!schema_field_stored(fd) || fd->type == SCHEMA_MAP)     \
                    continue;                                               \
                if (fi == 0 || fd->type == SCHEMA_UUID)                     \
                    val = fi == 0 ? (uuid)                                  \
                                  : "11111111-2222-4333-8444-555555555555"; \
                if (!strcmp(fd->name, "network"))                           \
                    val = net;                                              \
                snprintf(pths[n_fields], sizeof(pths[0]),                   \
                         "%s/VIF/%.36s/%.40s", SCHEMA_ROOT, (uuid),         \
                         fd->name);                                         \
                snprintf(vals[n_fields++], sizeof(vals[0]), "%.60s", val);  \
            }                                                               \
            snprintf(pths[n_fields], sizeof(pths[0]),                       \
                     "%s/VIF/%.36s/other_config/vlan", SCHEMA_ROOT, (uuid)); \
            snprintf(vals[n_fields++], sizeof(vals[0]), "100");             \
            snprintf(pths[n_fields], sizeof(pths[0]),                       \
                     "%s/VIF/%.36s/qos_algorithm_params/kbps", SCHEMA_ROOT, \
                     (uuid));                                               \
            snprintf(vals[n_fields++], sizeof(vals[0]), "10240");           \
        } while (0)

        reps = 100;
        store_get_stats(fast, &s0);
        t0 = now();
        for (i = 0; i < (size_t)reps; i++) {
            f.first++;
            if (store_transact(fast, fill_fn, &f) < 0)
                die("create", fast);
        }
        r.ours = (now() - t0) / reps;
        stats_since(fast, &s0, reps, &r);
        r.op = "create-one VIF";

        /* The stock way: one xenstore-write process per record. */
        t0 = now();
        for (i = 0; i < 20; i++) {
            store_uuid_new(stock_uuids[n_stock]);
            STOCK_RECORD(stock_uuids[n_stock]);
            n_stock++;
            k = 0;
            argv_write[k++] = "xenstore-write";
            argv_write[k++] = "--";     /* values such as -1 */
            for (j = 0; j < n_fields; j++) {
                argv_write[k++] = pths[j];
                argv_write[k++] = vals[j];
            }
            argv_write[k] = NULL;
            run(argv_write, NULL);
        }
        stock_proc = r.stock = (now() - t0) / 20;
        r.stock_name = "xenstore-write (1 proc)";
        print_row(&r);

        /* libxenstore in the same process, one transaction per record. */
        xs = xs_open(0);
        t0 = now();
        for (i = 0; i < (size_t)reps; i++) {
            xs_transaction_t t = xs_transaction_start(xs);

            store_uuid_new(stock_uuids[n_stock]);
            STOCK_RECORD(stock_uuids[n_stock]);
            n_stock++;
            for (j = 0; j < n_fields; j++)
                xs_write(xs, t, pths[j], vals[j], strlen(vals[j]));
            xs_transaction_end(xs, t, false);
        }
        r.stock = (now() - t0) / reps;
        r.stock_name = "libxenstore xs_write tx";
        r.requests = -1;
        print_row(&r);
        for (i = 0; i < (size_t)n_stock; i++) {
            snprintf(pths[0], sizeof(pths[0]), "%s/VIF/%.36s", SCHEMA_ROOT,
                     stock_uuids[i]);
            xs_rm(xs, XBT_NULL, pths[0]);
        }
        xs_close(xs);

        /* Durable: the same create, with the journal and the snapshot
         * log (fsync'd before it returns). */
        if (store_snapshot_write(durable) < 0)
            die("snapshot", durable);
        store_get_stats(durable, &s0);
        t0 = now();
        for (i = 0; i < 20; i++) {
            f.first++;
            if (store_transact(durable, fill_fn, &f) < 0)
                die("create", durable);
        }
        r.ours = (now() - t0) / 20;
        stats_since(durable, &s0, 20, &r);
        r.op = "create-one VIF, durable";
        r.stock = stock_proc;
        r.stock_name = "xenstore-write (1 proc)";
        print_row(&r);
#undef STOCK_RECORD
    }

    /* snapshot: everything */
    {
        struct stat sb;
        char *ls[] = { "xenstore-ls", "-f", SCHEMA_ROOT, NULL };
        int fd;

        reps = 3;
        store_get_stats(durable, &s0);
        t0 = now();
        for (i = 0; i < (size_t)reps; i++)
            if (store_snapshot_write(durable) < 0)
                die("snapshot", durable);
        r.ours = (now() - t0) / reps;
        stats_since(durable, &s0, (double)reps * (nets + vifs), &r);
        snprintf(dumpfile, sizeof(dumpfile), "%s/xenstore-ls.out", o.root);
        t0 = now();
        run(ls, dumpfile);
        fd = open(dumpfile, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
        r.stock = now() - t0;
        r.op = "snapshot write (all)";
        r.stock_name = "xenstore-ls -f >file";
        print_row(&r);
        snprintf(dumpfile, sizeof(dumpfile), "%s/var/lib/xen-sriov/%s",
                 o.root, STORE_SNAPSHOT_FILE);
        if (stat(dumpfile, &sb) == 0)
            printf("\nsnapshot file: %lld bytes for %d objects\n",
                   (long long)sb.st_size, nets + vifs + 120 + 1);
    }
    printf("req/rec: xenstore requests per record; rt/rec: waits for "
           "xenstored per record (pipelined requests share one)\n");

    store_close(fast);
    store_close(durable);
    bench_cleanup();
    return 0;
}
