/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Many processes writing one store at once: no lost update, no half-written
 * object, no VF reserved twice, and the snapshot holds every success. */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/helpers/store-test.h"

#define WRITERS 8
#define INCREMENTS 25
#define PIFS_EACH 5
#define VFS 6

struct shared {
    char counter[37];            /* network whose MTU is incremented */
    char hub[37];                /* network every writer adds PIFs to */
    char pf[37];                 /* PCI with VFS virtual functions */
};

static int increment(store_tx *tx, void *userdata)
{
    const char *uuid = userdata;
    store_record *r = NULL;
    char buf[32];
    int k;

    k = store_tx_get(tx, "network", uuid, &r);
    if (k < 0)
        return k;
    snprintf(buf, sizeof(buf), "%lld",
             atoll(store_record_get(r, SF_MTU)) + 1);
    k = store_record_set(r, SF_MTU, buf);
    if (k >= 0)
        k = store_tx_update(tx, r);
    store_record_free(r);
    return k;
}

struct reserve {
    const char *pf, *vif;
    char got[37];
};

/* Take the lowest free VF of the PF for the VIF (XAPI's rule). */
static int reserve_vf(store_tx *tx, void *userdata)
{
    struct reserve *a = userdata;
    struct store_match m = { SF_physical_function, a->pf };
    store_record **vfs = NULL, *vif = NULL;
    size_t n, i;
    int k;

    a->got[0] = '\0';
    k = store_tx_list(tx, "PCI", &m, 1, 0, &vfs, &n);
    if (k < 0)
        return k;
    for (i = 0; i < n; i++)
        if (!*store_record_get(vfs[i], SF_reserved_by))
            break;
    if (i == n) {
        store_record_list_free(vfs, n);
        return store_tx_fail(tx, -ENOSPC, "no free VF on PCI %s", a->pf);
    }
    memcpy(a->got, store_record_uuid(vfs[i]), 37);
    store_record_list_free(vfs, n);
    k = store_tx_get(tx, "VIF", a->vif, &vif);
    if (k >= 0)
        k = store_record_set(vif, SF_reserved_pci, a->got);
    if (k >= 0)
        k = store_tx_update(tx, vif);
    store_record_free(vif);
    return k;
}

/* One writer process: exit status 0, or the step that failed. */
static int writer(const struct shared *sh, int id)
{
    store *s = test_open(0);
    char vif[37];
    struct reserve res = { .pf = sh->pf };
    int i, k;

    for (i = 0; i < INCREMENTS; i++)
        if (store_transact(s, increment, (void *)sh->counter) < 0) {
            fprintf(stderr, "writer %d: %d %s\n", id, store_last_errno(s),
                    store_last_error(s));
            return 10;
        }
    for (i = 0; i < PIFS_EACH; i++) {
        char dev[32];
        store_record *r = NULL;

        snprintf(dev, sizeof(dev), "eth%d.%d", id, i);
        if (store_record_new(&r, "PIF") < 0 ||
            store_record_set(r, SF_device, dev) < 0 ||
            store_record_set(r, SF_network, sh->hub) < 0)
            return 11;
        k = store_create(s, r);
        store_record_free(r);
        if (k < 0)
            return 12;
    }
    {
        store_record *r = NULL;

        if (store_record_new(&r, "VIF") < 0 ||
            store_record_set(r, SF_VM,
                             "11111111-2222-4333-8444-555555555555") < 0 ||
            store_record_set(r, SF_network, sh->hub) < 0)
            return 13;
        k = store_create(s, r);
        memcpy(vif, store_record_uuid(r), 37);
        store_record_free(r);
        if (k < 0)
            return 14;
    }
    res.vif = vif;
    k = store_transact(s, reserve_vf, &res);
    if (k == -ENOSPC)
        k = 100;                /* no VF left: expected for some */
    else if (k < 0)
        k = 15;
    store_close(s);
    return k;
}

/* Reader process: until killed, every consistent view must check. */
static int reader(void)
{
    store *s = test_open(STORE_OPEN_NO_SNAPSHOT);

    for (;;) {
        int k = store_check(s, NULL, NULL);

        if (k > 0) {
            fprintf(stderr, "reader saw: %s\n", store_last_error(s));
            return 20;
        }
        if (k < 0 && k != -EAGAIN) {
            fprintf(stderr, "reader: %s\n", store_last_error(s));
            return 21;
        }
    }
}

START_TEST(test_store_parallel_writers)
{
    struct shared sh;
    pid_t pids[WRITERS], rd;
    int i, status, no_vf = 0;
    store_record *g = NULL, **v = NULL;
    size_t n, j;
    char vf[37];

    created(st, rec_new("network", "name_label", "counter", "MTU", "0",
                        NULL), sh.counter);
    created(st, rec_new("network", "name_label", "hub", NULL), sh.hub);
    created(st, rec_new("PCI", "pci_id", "0000:03:00.0", NULL), sh.pf);
    for (i = 0; i < VFS; i++) {
        char bdf[16];

        snprintf(bdf, sizeof(bdf), "0000:03:10.%d", i);
        created(st, rec_new("PCI", "pci_id", bdf, "physical_function", sh.pf,
                            NULL), vf);
    }

    rd = fork();
    ck_assert_int_ge(rd, 0);
    if (rd == 0)
        _exit(reader());
    for (i = 0; i < WRITERS; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0)
            _exit(writer(&sh, i));
    }
    for (i = 0; i < WRITERS; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert_msg(WIFEXITED(status), "writer %d died", i);
        if (WEXITSTATUS(status) == 100)
            no_vf++;
        else
            ck_assert_msg(WEXITSTATUS(status) == 0, "writer %d failed at "
                          "step %d", i, WEXITSTATUS(status));
    }
    /* The reader never saw an inconsistent state. */
    ck_assert_int_eq(waitpid(rd, &status, WNOHANG), 0);
    kill(rd, SIGKILL);
    ck_assert_int_eq(waitpid(rd, &status, 0), rd);
    ck_assert(WIFSIGNALED(status));

    /* No update lost. */
    ck_store(store_get(st, "network", sh.counter, &g));
    ck_assert_int_eq(atoi(store_record_get(g, SF_MTU)),
                     WRITERS * INCREMENTS);
    store_record_free(g);
    ck_store(store_get(st, "network", sh.hub, &g));
    ck_assert_int_eq(store_record_set_count(g, SF_PIFs), WRITERS * PIFS_EACH);
    ck_assert_int_eq(store_record_set_count(g, SF_VIFs), WRITERS);
    store_record_free(g);

    /* Every VF reserved at most once, by a VIF that names it. */
    ck_assert_int_eq(no_vf, WRITERS - VFS);
    {
        struct store_match m = { SF_physical_function, sh.pf };

        ck_store(store_list(st, "PCI", &m, 1, 0, &v, &n));
    }
    ck_assert_int_eq(n, VFS);
    for (j = 0; j < n; j++) {
        const char *by = store_record_get(v[j], SF_reserved_by);

        ck_assert(schema_uuid_valid(by));
        ck_store(store_get(st, "VIF", by, &g));
        ck_assert_str_eq(store_record_get(g, SF_reserved_pci),
                         store_record_uuid(v[j]));
        store_record_free(g);
    }
    store_record_list_free(v, n);
    ck_assert_int_eq(store_check(st, NULL, NULL), 0);

    /* Every reported success is in the snapshot: objects = 3 + VFS PCI +
     * PIFs + VIFs. */
    ck_assert_int_eq(store_snapshot_verify(st, NULL),
                     3 + VFS + WRITERS * PIFS_EACH + WRITERS);
}
END_TEST

/* ---- a watch following a burst of creates and destroys ---- */

#define BURST 60

/* Create BURST networks, destroying every other one right after. */
static int burst_writer(int id)
{
    store *s = test_open(0);

    for (int i = 0; i < BURST; i++) {
        store_record *r = NULL;
        char name[32], uuid[37];
        int k;

        snprintf(name, sizeof(name), "burst-%d-%d", id, i);
        if (store_record_new(&r, "network") < 0 ||
            store_record_set(r, SF_name_label, name) < 0)
            return 20;
        k = store_create(s, r);
        memcpy(uuid, store_record_uuid(r), 37);
        store_record_free(r);
        if (k < 0) {
            fprintf(stderr, "burst writer %d: create: %s\n", id,
                    store_last_error(s));
            return 21;
        }
        if (i % 2 == 0 && store_destroy(s, "network", uuid) < 0) {
            fprintf(stderr, "burst writer %d: destroy: %s\n", id,
                    store_last_error(s));
            return 22;
        }
    }
    store_close(s);
    return 0;
}

/* The watcher's view: uuids known to exist, from the events alone. */
struct view {
    char (*v)[37];
    size_t n, cap;
};

static void view_put(struct view *w, const char *uuid, bool present)
{
    size_t i;

    for (i = 0; i < w->n && strcmp(w->v[i], uuid); i++)
        ;
    if (present && i == w->n) {
        if (w->n == w->cap) {
            w->cap = w->cap ? 2 * w->cap : 64;
            w->v = realloc(w->v, w->cap * sizeof(*w->v));
            ck_assert_ptr_nonnull(w->v);
        }
        memcpy(w->v[w->n++], uuid, 37);
    } else if (!present && i < w->n) {
        memmove(w->v[i], w->v[i + 1], (w->n - i - 1) * sizeof(*w->v));
        w->n--;
    }
}

/* Apply what the watch says; a RESET lists the class again. */
static void view_follow(struct view *w, store_watch *sw)
{
    struct store_event *ev = NULL;
    size_t n = 0;

    ck_assert_int_eq(store_watch_read(sw, &ev, &n), 0);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].op == STORE_EVENT_RESET) {
            char **u = NULL;
            size_t k = 0;

            ck_store(store_list_uuids(st, "network", &u, &k));
            w->n = 0;
            for (size_t j = 0; j < k; j++) {
                view_put(w, u[j], true);
                free(u[j]);
            }
            free(u);
            continue;
        }
        view_put(w, ev[i].uuid, ev[i].op != STORE_EVENT_DEL);
    }
    free(ev);
}

static bool view_is(const struct view *w, char **u, size_t k)
{
    if (w->n != k)
        return false;
    for (size_t j = 0; j < k; j++) {
        size_t i;

        for (i = 0; i < w->n && strcmp(w->v[i], u[j]); i++)
            ;
        if (i == w->n)
            return false;
    }
    return true;
}

START_TEST(test_store_watch_follows_a_burst)
{
    struct view view = { 0 };
    store_watch *sw = NULL;
    pid_t pids[2];
    char **u = NULL;
    size_t k = 0;
    int status, live = 2, secs = 0;

    ck_store(store_init(st));
    ck_store(store_watch_new(&sw, st, "network"));
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0)
            _exit(burst_writer(i));
    }
    /* Follow while they write; then until the view is the store's (event
     * bounded: at most 120 s after the writers ended). */
    for (;;) {
        struct pollfd p = { .fd = store_watch_fd(sw), .events = POLLIN };

        if (poll(&p, 1, 1000) == 0 && live == 0)
            secs++;
        view_follow(&view, sw);
        for (int i = 0; i < 2; i++)
            if (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == pids[i]) {
                ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                              "burst writer %d failed (%d); %s", i,
                              WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                              xs_harness_health(xs_harness_current()));
                pids[i] = 0;
                live--;
            }
        if (live > 0)
            continue;
        if (!u)
            ck_store(store_list_uuids(st, "network", &u, &k));
        if (view_is(&view, u, k) || secs > 120)
            break;
    }
    if (secs > 5)
        printf("# slow: the watch took %d s more to catch up\n", secs);
    ck_assert_uint_eq(k, BURST);            /* half of each writer's */
    ck_assert_msg(view_is(&view, u, k), "the watch sees %zu networks, the "
                  "store has %zu", view.n, k);
    for (size_t j = 0; j < k; j++)
        free(u[j]);
    free(u);
    free(view.v);
    store_watch_free(sw);
}
END_TEST

static Suite *concurrency_suite(void)
{
    Suite *s = suite_create("store-concurrency");
    TCase *tc = tcase_create("writers");

    tcase_add_checked_fixture(tc, store_setup, store_teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_store_parallel_writers);
    tcase_add_test(tc, test_store_watch_follows_a_burst);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(concurrency_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
