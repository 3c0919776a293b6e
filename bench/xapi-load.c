/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Load test of the XenAPI endpoint: N concurrent clients (default 50), each
 * on its own keep-alive connection, half XML-RPC and half JSON-RPC, call a
 * mix of reads and event.from for S seconds (default 60) while a writer
 * changes the pool 20 times a second.  Prints requests/s and latency
 * percentiles; exits 1 if any call failed.
 *
 * By default it serves the endpoint itself (in this process, with the
 * protocol tests' in-memory classes) on a unix socket in a temp dir;
 * --socket PATH targets a running server instead (with --user/--password
 * valid there; the call mix needs pool/network classes).
 *
 * --store (with --socket): the server is xen-sriovd on the object store
 * (bench/xapi-load-store.sh starts one on a real xenstored and a
 * simulated host).  The mix reads pool, PIF and network_sriov records and
 * a PIF by ref, and event.from; the writer renames the pool through
 * pool.set_name_label 20 times a second, so every change goes through
 * the store and back through its xenstore watch as an event.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "tests/helpers/http-client.h"
#include "tests/helpers/xapi-fixture.h"
#include "api/auth.h"
#include "api/http.h"

struct client {
    pthread_t t;
    int id;
    uint32_t *lat_us;              /* one per request */
    size_t n, cap;
    unsigned errors;
    char first_error[256];
};

static const char *sock_path, *user = "bench", *password = "bench-pw";
static double duration = 60;
static bool store_mode;
static char pool_ref[64], pif_ref[64];
static atomic_bool stop;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void note_error(struct client *c, const char *what, const char *body)
{
    if (!c->errors++)
        snprintf(c->first_error, sizeof(c->first_error), "%s: %.200s",
                 what, body ? body : "");
}

/* One call; true when the reply is a success of the protocol used. */
static bool call(struct client *c, int fd, bool json, const char *body,
                 char **ret_body)
{
    struct http_reply rep;
    double t0 = now();
    bool ok;
    int r;

    r = http_request(fd, "POST", json ? "/jsonrpc" : "/", NULL, body,
                     strlen(body), &rep);
    if (r < 0) {
        note_error(c, "transport", strerror(-r));
        return false;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4096;
        c->lat_us = realloc(c->lat_us, c->cap * sizeof(*c->lat_us));
        if (!c->lat_us)
            abort();
    }
    c->lat_us[c->n++] = (uint32_t)((now() - t0) * 1e6);
    ok = rep.status == 200 &&
         (json ? strstr(rep.body, "\"error\"") == NULL
               : strstr(rep.body, "<value>Failure</value>") == NULL);
    if (!ok)
        note_error(c, "reply", rep.body);
    if (ret_body)
        *ret_body = rep.body;
    else
        free(rep.body);
    return ok;
}

/* The string value after key in a reply (token, session ref). */
static void extract(const char *body, const char *key, char *out,
                    size_t size)
{
    const char *p = strstr(body, key);
    size_t n;

    out[0] = '\0';
    if (!p)
        return;
    p += strlen(key);
    n = strcspn(p, "\"<");
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* Connect and log in: the fd, or -1 (error noted). */
static int login(struct client *c, bool json, char sess[64])
{
    char body[1024], *reply = NULL;
    int fd;

    fd = http_connect_unix(sock_path);
    if (fd < 0) {
        note_error(c, "connect", strerror(-fd));
        return -1;
    }
    if (json)
        snprintf(body, sizeof(body), "{\"jsonrpc\":\"2.0\",\"id\":0,"
                 "\"method\":\"session.login_with_password\",\"params\":"
                 "[\"%s\",\"%s\"]}", user, password);
    else
        snprintf(body, sizeof(body), "<?xml version=\"1.0\"?><methodCall>"
                 "<methodName>session.login_with_password</methodName>"
                 "<params><param><value>%s</value></param><param><value>"
                 "%s</value></param></params></methodCall>", user, password);
    if (!call(c, fd, json, body, &reply)) {
        free(reply);
        close(fd);
        return -1;
    }
    extract(reply, json ? "\"result\":\"" : "<name>Value</name><value>",
            sess, 64);
    free(reply);
    return fd;
}

/* XML-RPC call of method with the session and up to two string args. */
static bool xml_call(struct client *c, int fd, const char *method,
                     const char *sess, const char *a1, const char *a2,
                     char **ret)
{
    char body[1024];

    snprintf(body, sizeof(body), "<?xml version=\"1.0\"?><methodCall>"
             "<methodName>%s</methodName><params><param><value>%s</value>"
             "</param>%s%s%s%s%s%s</params></methodCall>", method, sess,
             a1 ? "<param><value>" : "", a1 ? a1 : "",
             a1 ? "</value></param>" : "", a2 ? "<param><value>" : "",
             a2 ? a2 : "", a2 ? "</value></param>" : "");
    return call(c, fd, false, body, ret);
}

static void *client_main(void *p)
{
    struct client *c = p;
    bool json = c->id % 2;
    char body[1024], sess[64], token[64] = "", *reply = NULL;
    unsigned k = 0;
    int fd;

    fd = login(c, json, sess);
    if (fd < 0)
        return NULL;
    while (!atomic_load(&stop)) {
        const char *m = NULL;
        char arg[160] = "";

        switch (k++ % 5) {
        case 0:
            m = "pool.get_all_records";
            break;
        case 1:
            m = store_mode ? "PIF.get_record" : "network.get_record";
            snprintf(arg, sizeof(arg), "%s",
                     store_mode ? pif_ref : FIXTURE_NETWORK);
            break;
        case 2:
            if (store_mode) {
                m = k % 2 ? "network_sriov.get_all_records"
                          : "PIF.get_all_records";
                break;
            }
            m = "network.get_by_uuid";
            snprintf(arg, sizeof(arg), "%s", FIXTURE_NETWORK_UUID);
            break;
        case 3:
            m = "system.listMethods";
            break;
        case 4:
            m = "event.from";
            break;
        }
        if (strcmp(m, "system.listMethods") == 0)
            snprintf(body, sizeof(body), json
                     ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\","
                       "\"params\":[]}"
                     : "<?xml version=\"1.0\"?><methodCall><methodName>%s"
                       "</methodName><params></params></methodCall>", m);
        else if (strcmp(m, "event.from") == 0)
            snprintf(body, sizeof(body), json
                     ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\","
                       "\"params\":[\"%s\",[\"pool\"],\"%s\",0]}"
                     : "<?xml version=\"1.0\"?><methodCall><methodName>%s"
                       "</methodName><params><param><value>%s</value>"
                       "</param><param><value><array><data><value>pool"
                       "</value></data></array></value></param><param>"
                       "<value>%s</value></param><param><value><double>0"
                       "</double></value></param></params></methodCall>",
                     m, sess, token);
        else if (*arg)
            snprintf(body, sizeof(body), json
                     ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\","
                       "\"params\":[\"%s\",\"%s\"]}"
                     : "<?xml version=\"1.0\"?><methodCall><methodName>%s"
                       "</methodName><params><param><value>%s</value>"
                       "</param><param><value>%s</value></param></params>"
                       "</methodCall>", m, sess, arg);
        else
            snprintf(body, sizeof(body), json
                     ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\","
                       "\"params\":[\"%s\"]}"
                     : "<?xml version=\"1.0\"?><methodCall><methodName>%s"
                       "</methodName><params><param><value>%s</value>"
                       "</param></params></methodCall>", m, sess);
        reply = NULL;
        if (call(c, fd, json, body, &reply) &&
            strcmp(m, "event.from") == 0)
            extract(reply, json ? "\"token\":\"" : "<name>token</name>"
                    "<value>", token, sizeof(token));
        free(reply);
    }
    close(fd);
    return NULL;
}

/* Changes the pool 20 times a second, as a store would under xe use. */
static void *writer_main(void *p)
{
    struct xapi_fixture *f = p;
    unsigned k = 0;

    while (!atomic_load(&stop)) {
        struct xv *rec = xv_new_struct();
        char label[32];

        snprintf(label, sizeof(label), "pool-%u", k++);
        xv_struct_set_string(rec, "uuid",
                             "00000000-0000-4000-8000-0000000000a1");
        xv_struct_set_string(rec, "name_label", label);
        xv_struct_set_string(rec, "master", FIXTURE_HOST);
        xv_struct_set(rec, "other_config", xv_new_struct());
        memclass_put(f->pool, FIXTURE_POOL, rec);
        usleep(50000);
    }
    return NULL;
}

/* --store: renames the pool through the API 20 times a second. */
static void *store_writer_main(void *p)
{
    struct client *c = p;
    char sess[64], label[32];
    unsigned k = 0;
    int fd = login(c, false, sess);

    while (fd >= 0 && !atomic_load(&stop)) {
        snprintf(label, sizeof(label), "pool-%u", k++);
        xml_call(c, fd, "pool.set_name_label", sess, pool_ref, label, NULL);
        usleep(50000);
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

/* --store: the pool's ref and a PIF's, for the call mix. */
static int store_refs(void)
{
    struct client c = { 0 };
    char sess[64], *reply = NULL;
    int fd = login(&c, false, sess);

    if (fd < 0)
        goto fail;
    if (xml_call(&c, fd, "pool.get_all", sess, NULL, NULL, &reply))
        extract(reply, "<data><value>", pool_ref, sizeof(pool_ref));
    free(reply);
    reply = NULL;
    if (xml_call(&c, fd, "PIF.get_all", sess, NULL, NULL, &reply))
        extract(reply, "<data><value>", pif_ref, sizeof(pif_ref));
    free(reply);
    close(fd);
    if (!*pool_ref || !*pif_ref)
        goto fail;
    free(c.lat_us);
    return 0;
fail:
    fprintf(stderr, "xapi-load: --store: cannot read the pool and a PIF "
            "(%s)\n", c.errors ? c.first_error : "no PIF: run xe pif-scan");
    free(c.lat_us);
    return -1;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "clients", required_argument, NULL, 'c' },
        { "seconds", required_argument, NULL, 's' },
        { "socket", required_argument, NULL, 'S' },
        { "user", required_argument, NULL, 'u' },
        { "password", required_argument, NULL, 'p' },
        { "store", no_argument, NULL, 'T' },
        { NULL, 0, NULL, 0 },
    };
    struct xapi_fixture fixture = { 0 };
    struct xapi_server *srv = NULL;
    struct xapi *api = NULL;
    struct client *clients, *writer_client = NULL;
    pthread_t writer;
    char dir[256], path[300], users[300], *hash = NULL, *error = NULL;
    uint32_t *all;
    size_t total = 0, k, j;
    unsigned nclients = 50, errors = 0;
    double t0, elapsed;
    int o;

    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'c': nclients = (unsigned)atoi(optarg); break;
        case 's': duration = atof(optarg); break;
        case 'S': sock_path = optarg; break;
        case 'u': user = optarg; break;
        case 'p': password = optarg; break;
        case 'T': store_mode = true; break;
        default:
            fprintf(stderr, "usage: %s [--clients N] [--seconds S] "
                    "[--socket PATH --user U --password P [--store]]\n",
                    argv[0]);
            return 2;
        }
    }
    if (nclients == 0 || duration <= 0) {
        fprintf(stderr, "xapi-load: --clients and --seconds must be > 0\n");
        return 2;
    }
    if (store_mode && !sock_path) {
        fprintf(stderr, "xapi-load: --store needs --socket (see "
                "bench/xapi-load-store.sh)\n");
        return 2;
    }
    xmlInitParser();
    if (store_mode) {
        static struct client wc;

        if (store_refs() < 0)
            return 1;
        writer_client = &wc;
        pthread_create(&writer, NULL, store_writer_main, &wc);
    }
    if (!sock_path) {
        struct xapi_config cfg = { 0 };
        struct xapi_server_options so = { 0 };
        FILE *f;

        snprintf(dir, sizeof(dir), "%s/xapi-load-XXXXXX",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(dir) || xapi_auth_hash(password, &hash) < 0) {
            perror("xapi-load: setup");
            return 1;
        }
        snprintf(users, sizeof(users), "%s/users", dir);
        f = fopen(users, "we");
        if (!f || fchmod(fileno(f), 0600) < 0) {
            perror("xapi-load: users file");
            return 1;
        }
        fprintf(f, "%s:%s\n", user, hash);
        fclose(f);
        free(hash);
        snprintf(path, sizeof(path), "%s/xapi.sock", dir);
        cfg.users_file = users;
        if (xapi_new(&api, &cfg) < 0 ||
            xapi_fixture_setup(api, &fixture) < 0) {
            fprintf(stderr, "xapi-load: cannot set up the endpoint\n");
            return 1;
        }
        so.unix_path = path;
        if (xapi_server_start(&srv, api, &so, &error) < 0) {
            fprintf(stderr, "xapi-load: %s\n", error);
            return 1;
        }
        sock_path = path;
        pthread_create(&writer, NULL, writer_main, &fixture);
    }

    clients = calloc(nclients, sizeof(*clients));
    t0 = now();
    for (k = 0; k < nclients; k++) {
        clients[k].id = (int)k;
        pthread_create(&clients[k].t, NULL, client_main, &clients[k]);
    }
    while (now() - t0 < duration)
        usleep(100000);
    atomic_store(&stop, true);
    for (k = 0; k < nclients; k++)
        pthread_join(clients[k].t, NULL);
    elapsed = now() - t0;
    if (writer_client) {
        pthread_join(writer, NULL);
        if (writer_client->errors)
            printf("writer: %u errors, first: %s\n", writer_client->errors,
                   writer_client->first_error);
        errors += writer_client->errors;
        free(writer_client->lat_us);
    }
    if (srv) {
        pthread_join(writer, NULL);
        srv = xapi_server_stop(srv);
        api = xapi_free(api);
        xapi_fixture_dispose(&fixture);
        unlink(users);
        rmdir(dir);
    }

    for (k = 0; k < nclients; k++) {
        total += clients[k].n;
        errors += clients[k].errors;
    }
    all = malloc((total ? total : 1) * sizeof(*all));
    for (k = 0, j = 0; k < nclients; k++) {
        memcpy(all + j, clients[k].lat_us, clients[k].n * sizeof(*all));
        j += clients[k].n;
    }
    qsort(all, total, sizeof(*all), cmp_u32);
#define PCT(p) (total ? all[(size_t)((double)(total - 1) * (p))] : 0)
    printf("xapi-load: %u clients (XML-RPC and JSON-RPC, keep-alive), "
           "%.1f s\n", nclients, elapsed);
    printf("requests: %zu, errors: %u, requests/s: %.0f\n", total, errors,
           (double)total / elapsed);
    printf("latency us: p50 %u  p90 %u  p99 %u  p99.9 %u  max %u\n",
           PCT(0.50), PCT(0.90), PCT(0.99), PCT(0.999), PCT(1.0));
    for (k = 0, j = 0; k < nclients && j < 5; k++)
        if (clients[k].errors && ++j)
            printf("client %zu: %u errors, first: %s\n", k,
                   clients[k].errors, clients[k].first_error);
    for (k = 0; k < nclients; k++)
        free(clients[k].lat_us);
    free(clients);
    free(all);
    xmlCleanupParser();
    return errors || !total ? 1 : 0;
}
